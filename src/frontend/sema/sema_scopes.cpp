// `let` declarations, their block scopes, and for loops. A variable lives in
// a slot (the name codegen allocates); a `let` in a block gets a slot of its
// own, so sibling blocks may each declare `$x` with different types.
#include "builtins/agg/aggregation.h"
#include "frontend/sema/sema.h"

namespace probe {

std::string Sema::resolve_var(const std::string &source) const {
  for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
    auto found = it->find(source);
    if (found != it->end()) return found->second;
  }
  auto plain = plain_.find(source);
  return plain == plain_.end() ? std::string() : plain->second;
}

bool Sema::bind_var(ast::Variable &v, bool report) {
  std::string slot = resolve_var(v.source_name);
  if (!slot.empty()) {
    v.name = slot;
    // `let $x;` read before any assignment: the int64 0 it starts as.
    if (report && !vars_->count(slot)) (*vars_)[slot] = Type::integer(8, true);
    return true;
  }
  if (!report) return false;
  diags().error(v.loc, "undefined variable '" + v.source_name + "'");
  // A `let` whose block has ended: say so rather than "assign it first".
  for (const auto &[s, at] : slots_) {
    if (s == v.source_name || s.rfind(v.source_name + "'", 0) == 0) {
      diags().hint("'" + v.source_name + "' was declared with `let` at line " + std::to_string(at.begin.line) +
                   ", column " + std::to_string(at.begin.column) + " in a block that has ended");
      return false;
    }
  }
  diags().hint("assign it before use, e.g. `" + v.source_name + " = 0;` (variables are local to a probe)");
  return false;
}

std::string Sema::new_slot(const std::string &source) {
  std::string slot = source;
  for (int n = 2; slots_.count(slot) || vars_->count(slot); n++) slot = source + "'" + std::to_string(n);
  slots_[slot] = Loc{};
  return slot;
}

void Sema::check_let(ast::AssignVar &a) {
  // The value is checked first: `let $x = $x + 1` reads an outer $x, if any.
  Type v = check(*a.value);
  const std::string &source = a.var->source_name;
  std::string prev = resolve_var(source);
  if (!prev.empty()) {
    diags().error(a.var->loc, "variable '" + source + "' is already declared");
    auto at = slots_.find(prev);
    if (at != slots_.end() && at->second.begin.line > 0)
      diags().hint("its declaration is at line " + std::to_string(at->second.begin.line) + ", column " +
                   std::to_string(at->second.begin.column) + "; assign it without `let`, or use another name");
    else
      diags().hint("it is assigned before this line; assign it without `let`, or use another name");
    return;
  }
  std::string slot = new_slot(source);
  slots_[slot] = a.var->loc;
  scopes_.back()[source] = slot;
  a.var->name = slot;
  if (a.implicit_value) return;  // `let $x;`: typed by its first assignment (or read as an int64 0)
  if (v.kind == TypeKind::None) return;
  if (v.is(TypeKind::Void) || v.is_aggregation() || !storable(v)) {
    diags().error(a.value->loc, "cannot assign a value of type " + v.to_string() + " to a variable");
    if (contains_record(v)) struct_value_hint();
    return;
  }
  Type st = v.is(TypeKind::Pointer) ? v : storage_type(v);
  if (!check_value_size(st, a.value->loc, "the value of '" + source + "'")) return;
  (*vars_)[slot] = st;
  a.var->type = st;
}

void Sema::check_for(ast::For &f, int loop_depth) {
  Type var;
  if (f.map) {
    MapInfo *info = map_info(*f.map);
    if (!f.map->keys.empty()) {
      diags().error(f.map->loc, "a for loop iterates over a whole map: write `" + f.map->name + "`, without keys");
    } else if (info->agg) {
      diags().error(f.map->loc, "cannot iterate over map '" + f.map->name + "': it holds " + info->value.to_string() +
                                    " values, which are per-CPU");
      diags().hint("iterate over a map of plain values, or print the aggregation with print(" + f.map->name + ")");
    } else if (info->assigned && !info->keyed) {
      diags().error(f.map->loc, "cannot iterate over map '" + f.map->name + "': it has no keys");
      diags().hint("a for loop visits the (key, value) pairs of a map used as `" + f.map->name + "[key]`");
    } else if (info->assigned && info->key.kind != TypeKind::None && info->value.kind != TypeKind::None) {
      var = Type::tuple({info->key, info->value});
      if (!check_value_size(var, f.var->loc, "the (key, value) tuple of '" + f.map->name + "'")) var = Type::none();
    }
    // Not assigned anywhere: build_map_specs reports it on the final run.
  } else {
    Type s = check(*f.start), e = check(*f.end);
    bool ok = s.kind != TypeKind::None && e.kind != TypeKind::None;
    if (ok && (!s.is_int() || !e.is_int())) {
      diags().error(s.is_int() ? f.end->loc : f.start->loc,
                    "a range's bounds must be integers, not " + (s.is_int() ? e : s).to_string());
      ok = false;
    }
    if (ok) var = Type::integer(8, s.is_signed && e.is_signed);
  }
  push_scope();  // the loop variable belongs to the body
  std::string slot = new_slot(f.var->source_name);
  slots_[slot] = f.var->loc;
  scopes_.back()[f.var->source_name] = slot;
  f.var->name = slot;
  if (var.kind != TypeKind::None) {
    (*vars_)[slot] = var;
    f.var->type = var;
  }
  check_block(f.body, loop_depth + 1);
  pop_scope();
}

}  // namespace probe
