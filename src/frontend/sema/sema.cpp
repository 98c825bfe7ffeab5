// Statements, maps and the two-run driver of type inference.
#include "frontend/sema/sema.h"

#include <algorithm>

#include "builtins/agg/aggregation.h"
#include "builtins/registry.h"
#include "frontend/sema/budget.h"

namespace probe {

Type unify_strings(const Type &a, const Type &b) {
  if (a.is(TypeKind::String) && b.is(TypeKind::String))
    return Type::string(std::max(a.size, b.size));
  if (a.is(TypeKind::Buffer) && b.is(TypeKind::Buffer))  // the length travels with the bytes
    return Type::buffer(std::max(a.size, b.size));
  if (a.is(TypeKind::Tuple) && b.is(TypeKind::Tuple) && a.fields.size() == b.fields.size()) {
    std::vector<Type> f;
    for (size_t i = 0; i < a.fields.size(); i++) f.push_back(unify_strings(a.fields[i], b.fields[i]));
    return Type::tuple(f);
  }
  return a;
}

bool contains_record(const Type &t) {
  if (t.is(TypeKind::Record) || t.is(TypeKind::Ctx)) return true;
  if (t.is(TypeKind::Array)) return !t.elem || contains_record(*t.elem);
  if (t.is(TypeKind::Tuple))
    for (const auto &f : t.fields)
      if (contains_record(f)) return true;
  return false;
}

bool storable(const Type &t) {
  if (t.kind == TypeKind::None || t.is(TypeKind::Void) || t.is(TypeKind::Ctx)) return false;
  // A struct value is copied and printed field by field: its layout (and
  // that of the structs inside it) must be known (Sema::value_type).
  if (t.is(TypeKind::Record)) {
    // Only C structs and unions: `args` (a record named after its probe,
    // "tracepoint:...", "rawtracepoint:...") is the probe's context, not a value.
    bool c_type = t.name.rfind("struct ", 0) == 0 || t.name.rfind("union ", 0) == 0;
    if (!t.record || t.size == 0 || !c_type) return false;
    for (const auto &f : t.record->fields)
      if (!f.type || !storable(*f.type)) return false;
    return true;
  }
  if (t.is(TypeKind::Array)) return t.elem && storable(*t.elem);
  if (t.is(TypeKind::Tuple))
    for (const auto &f : t.fields)
      if (!storable(f) || f.is_aggregation()) return false;
  return true;
}

Type Sema::value_type(ast::Expr &e, const Type &t) {
  if (!contains_record(t) || t.is(TypeKind::Ctx)) return t;
  Type r = resolve_layout(t, e.loc, 0);
  if (r.kind != TypeKind::None) e.type = r;
  return r.kind == TypeKind::None ? t : r;
}

Type Sema::resolve_layout(const Type &t, const Loc &loc, int depth) {
  constexpr int kMaxNestedStructs = 8;  // deeper ones stay unresolved and are refused
  if (depth > kMaxNestedStructs) return t;
  switch (t.kind) {
    case TypeKind::Record: {
      auto it = layouts_.find(t.record ? t.record.get() : nullptr);
      if (t.record && it != layouts_.end()) return Type::record_of(it->second);
      auto rec = resolve_record(t, loc);
      if (!rec) return Type::none();
      if (auto known = layouts_.find(rec.get()); known != layouts_.end()) return Type::record_of(known->second);
      auto out = std::make_shared<Record>(*rec);
      for (auto &f : out->fields)
        if (f.type && (f.type->is(TypeKind::Record) || f.type->is(TypeKind::Array)))
          f.type = std::make_shared<const Type>(resolve_layout(*f.type, loc, depth + 1));
      std::shared_ptr<const Record> done = out;
      layouts_[rec.get()] = done;
      layouts_[done.get()] = done;
      if (t.record) layouts_[t.record.get()] = done;
      return Type::record_of(done);
    }
    case TypeKind::Array: {
      if (!t.elem) return t;
      Type e = resolve_layout(*t.elem, loc, depth);
      if (e.kind == TypeKind::None) return e;
      return Type::array(e, t.count);
    }
    case TypeKind::Tuple: {
      std::vector<Type> f;
      for (const auto &m : t.fields) {
        f.push_back(resolve_layout(m, loc, depth));
        if (f.back().kind == TypeKind::None) return f.back();
      }
      return Type::tuple(f);
    }
    default:
      return t;
  }
}

bool Sema::check_value_size(const Type &t, const Loc &loc, const std::string &what) {
  uint32_t n = storage_size(t);
  if (n <= kMaxStackValue) return true;
  diags().error(loc, what + " is " + std::to_string(n) + " bytes (" + t.to_string().substr(0, 60) +
                         (t.to_string().size() > 60 ? "..." : "") + "), more than the " +
                         std::to_string(kMaxStackValue) + " bytes of the BPF stack");
  diags().hint("use fewer or shorter values, e.g. str(ptr, 32)");
  return false;
}

void Sema::struct_value_hint() {
  diags().hint("a struct is a value only when it is small (at most " + std::to_string(kMaxStackValue) +
               " bytes) and all its fields are values; else use its fields, e.g. `curtask->pid`");
}

Type storage_type(const Type &t) {
  if (t.is_int()) return Type::integer(8, t.is_signed);
  if (t.is(TypeKind::Pointer)) return t;  // 8 bytes; keeps its type so maps print and deref it as a pointer
  if (t.is(TypeKind::Tuple)) {
    std::vector<Type> f;
    for (const auto &m : t.fields) f.push_back(storage_type(m));
    return Type::tuple(f);
  }
  return t;
}

// Same kind of value, allowing ints of any width/sign and strings of any size.
static bool compatible(const Type &a, const Type &b) {
  if (a.is_int() && b.is_int()) return true;
  if (a.is(TypeKind::Pointer) && b.is(TypeKind::Pointer)) return a == b;
  if (a.is(TypeKind::String) && b.is(TypeKind::String)) return true;
  if (a.is(TypeKind::Buffer) && b.is(TypeKind::Buffer)) return true;
  if (a.is(TypeKind::Tuple) && b.is(TypeKind::Tuple)) {
    if (a.fields.size() != b.fields.size()) return false;
    for (size_t i = 0; i < a.fields.size(); i++)
      if (!compatible(a.fields[i], b.fields[i])) return false;
    return true;
  }
  return a == b;
}

bool Sema::run() {
  uint64_t program_nodes = std::max<uint64_t>(kMaxProbeNodes, uint64_t(config().max_probes) * kProgramNodesPerProbe);
  if (!check_program_budget(*ctx_.ast, ctx_.diags, kMaxProbeNodes, program_nodes)) return false;
  final_ = false;
  analyse_program();
  final_ = true;
  ctx_.printfs.clear();
  ctx_.prints.clear();
  ctx_.var_types.clear();
  analyse_program();
  if (ctx_.diags.has_errors()) return false;
  build_map_specs();
  return !ctx_.diags.has_errors();
}

void Sema::analyse_program() {
  ctx_.var_types.assign(ctx_.ast->probes.size(), {});
  for (auto &probe : ctx_.ast->probes) {
    expansions_.clear();
    for (const auto &e : ctx_.probes)
      if (e.probe_index == probe->index) expansions_.push_back(&e);
    if (expansions_.empty()) continue;
    vars_ = &ctx_.var_types[probe->index];
    scopes_.clear();
    plain_.clear();
    slots_.clear();
    if (probe->predicate) {
      Type t = check(*probe->predicate);
      if (t.kind != TypeKind::None && !t.is_integral())
        diags().error(probe->predicate->loc, "a predicate must be an integer or comparison, not " + t.to_string());
    }
    check_block(probe->body, 0);
  }
  vars_ = nullptr;
}

void Sema::check_block(ast::Block &b, int loop_depth) {
  push_scope();  // `let` declarations end with their block
  for (auto &s : b) check_stmt(*s, loop_depth);
  pop_scope();
}

void Sema::check_stmt(ast::Stmt &s, int loop_depth) {
  switch (s.kind) {
    case ast::StmtKind::Expr: {
      auto &e = *ast::as<ast::ExprStmt>(s).expr;
      if (e.kind == ast::ExprKind::Call) {
        auto *f = find_builtin_func(ast::as<ast::Call>(e).name);
        if (f && f->aggregation) {
          diags().error(e.loc, std::string(f->name) + "() must be assigned to a map");
          diags().hint(std::string("write `@name = ") + f->name + "(...)`");
          return;
        }
      }
      Type t = check(e);
      if (t.is(TypeKind::Record) || t.is(TypeKind::Ctx)) {
        // bpftrace compiles it to nothing; a statement that reads a whole
        // struct and drops it is a mistake worth naming.
        diags().error(e.loc, "a statement of a whole struct (" + t.to_string() + ") does nothing");
        diags().hint("read one of its fields with '.', e.g. `(*curtask).pid` or `args.NAME`");
      }
      return;
    }
    case ast::StmtKind::AssignMap: return check_assign_map(ast::as<ast::AssignMap>(s));
    case ast::StmtKind::AssignVar: return check_assign_var(ast::as<ast::AssignVar>(s));
    case ast::StmtKind::If: {
      auto &i = ast::as<ast::If>(s);
      Type t = check(*i.cond);
      if (t.kind != TypeKind::None && !t.is_integral())
        diags().error(i.cond->loc, "an if condition must be an integer or comparison, not " + t.to_string());
      check_block(i.then, loop_depth);
      check_block(i.otherwise, loop_depth);
      return;
    }
    case ast::StmtKind::While: {
      auto &w = ast::as<ast::While>(s);
      Type t = check(*w.cond);
      if (t.kind != TypeKind::None && !t.is_integral())
        diags().error(w.cond->loc, "a while condition must be an integer or comparison, not " + t.to_string());
      check_block(w.body, loop_depth + 1);
      return;
    }
    case ast::StmtKind::Unroll: {
      auto &u = ast::as<ast::Unroll>(s);
      check(*u.count);
      int64_t n = 0;
      if (!int_constant(*u.count, &n)) {
        diags().error(u.count->loc, "unroll needs an integer constant");
      } else if (n < 1 || n > 100) {
        diags().error(u.count->loc, "unroll count must be between 1 and 100, not " + std::to_string(n));
      } else {
        u.times = n;
      }
      check_block(u.body, loop_depth);
      return;
    }
    case ast::StmtKind::Jump: {
      auto &j = ast::as<ast::Jump>(s);
      if (j.jump != ast::JumpKind::Return && loop_depth == 0)
        diags().error(s.loc, std::string(j.jump == ast::JumpKind::Break ? "break" : "continue") +
                                 " outside of a loop");
      return;
    }
    case ast::StmtKind::For: return check_for(ast::as<ast::For>(s), loop_depth);
  }
}

void Sema::check_assign_var(ast::AssignVar &a) {
  if (a.decl) return check_let(a);
  Type v = check(*a.value);
  // A name no `let` declared is probe-wide, as in bpftrace 0.17: its first assignment creates it.
  if (!bind_var(*a.var, false)) {
    if (a.compound) {
      if (v.kind == TypeKind::None) return;
      diags().error(a.var->loc, "undefined variable '" + a.var->source_name + "'");
      diags().hint("assign it before updating it, e.g. `" + a.var->source_name + " = 0;`");
      return;
    }
    a.var->name = plain_[a.var->source_name] = new_slot(a.var->source_name);
  }
  const std::string &name = a.var->name;
  auto it = vars_->find(name);
  if (v.kind == TypeKind::None) {
    // The value's error is reported; uses of the variable are not errors too.
    if (it == vars_->end() && !a.compound) (*vars_)[name] = Type::none();
    return;
  }
  if (!a.compound) v = value_type(*a.value, v);
  if (a.compound) {
    if (it == vars_->end()) {
      diags().error(a.var->loc, "undefined variable '" + name + "'");
      diags().hint("assign it before updating it, e.g. `" + name + " = 0;`");
      return;
    }
    bool moves_pointer = it->second.is(TypeKind::Pointer) && v.is_int() &&
                         (a.op == ast::BinOp::Add || a.op == ast::BinOp::Sub);  // $p += 2
    if ((!it->second.is_int() || !v.is_integral()) && !moves_pointer) {
      diags().error(a.loc, std::string("'") + ast::to_string(a.op) + "=' needs integers, not " +
                               it->second.to_string() + " and " + v.to_string());
      return;
    }
    a.var->type = it->second;
    return;
  }
  if (v.is(TypeKind::Void) || v.is_aggregation() || !storable(v)) {
    diags().error(a.value->loc, "cannot assign a value of type " + v.to_string() + " to a variable");
    if (contains_record(v)) struct_value_hint();
    return;
  }
  // Variables keep pointer types (pointee and address space matter to *$p
  // and str($p)) and integer widths (as bpftrace: a uint8 variable wraps at
  // 256, bswap($x) swaps $x's own bytes); the rest is stored like map values.
  Type st = v.is(TypeKind::Pointer) || v.is_int() ? v : storage_type(v);
  if (!check_value_size(st, a.value->loc, "the value of '" + a.var->source_name + "'")) return;
  if (it == vars_->end() || it->second.kind == TypeKind::None) {
    (*vars_)[name] = st;
  } else if (!compatible(it->second, st)) {
    diags().error(a.loc, "variable '" + a.var->source_name + "' holds " + it->second.to_string() +
                             "; cannot assign " + v.to_string());
    return;
  } else {
    it->second = unify_strings(it->second, st);
  }
  a.var->type = (*vars_)[name];
}

MapInfo &Sema::info_for(ast::Map &m) {
  auto &info = maps_[m.name];
  if (info.name.empty()) {
    info.name = m.name;
    info.id = -1;
  }
  return info;
}

MapInfo *Sema::map_info(ast::Map &m) {
  if (final_) map_nodes_.push_back(&m);
  return &info_for(m);
}

void Sema::check_keys(ast::Map &m) {
  if (final_) map_nodes_.push_back(&m);
  MapInfo &info = info_for(m);
  if (m.keys.empty()) {
    info.scalar = true;
    if (info.keyed)
      diags().error(m.loc, "map '" + m.name + "' is used with keys elsewhere; it needs a key here too");
    return;
  }
  std::vector<Type> kt;
  for (auto &k : m.keys) {
    Type t = check(*k);
    if (t.kind == TypeKind::None) return;
    t = value_type(*k, t);
    if ((t.is(TypeKind::Record) || t.is(TypeKind::Array)) && !storable(t)) {
      diags().error(k->loc, "a map key cannot be of type " + t.to_string());
      return;
    }
    if (!t.is_int() && !t.is(TypeKind::String) && !t.is(TypeKind::Pointer) && !t.is(TypeKind::Tuple) &&
        !t.is(TypeKind::Record) && !t.is(TypeKind::Array) &&
        !t.is(TypeKind::Ksym) && !t.is(TypeKind::Kstack) && !t.is(TypeKind::Buffer) && !t.is(TypeKind::Timestamp) && !t.is(TypeKind::Inet) &&
        !t.is(TypeKind::Formatted)) {
      diags().error(k->loc, "a map key cannot be of type " + t.to_string());
      return;
    }
    kt.push_back(storage_type(t));
  }
  Type key = kt.size() == 1 ? kt[0] : Type::tuple(kt);
  if (!check_value_size(key, m.loc, "the key of map '" + m.name + "'")) return;
  if (info.keyed && !info.scalar) {
    if (!compatible(info.key, key)) {
      diags().error(m.loc, "map '" + m.name + "' is keyed by " + info.key.to_string() +
                               " elsewhere, not " + key.to_string());
      return;
    }
    info.key = unify_strings(info.key, key);
  } else if (info.keyed) {
    info.key = unify_strings(info.key, key);
  } else {
    info.key = key;
  }
  if (info.assigned && !info.keyed && info.scalar && final_ && info.key.kind == TypeKind::None)
    diags().error(m.loc, "map '" + m.name + "' is used without keys elsewhere");
  info.keyed = true;
  info.scalar = false;
}

void Sema::assign_map_value(ast::Map &m, const Type &t, const Loc &loc) {
  MapInfo &info = info_for(m);
  Type st = storage_type(t);
  if (!check_value_size(st, loc, "the value stored in map '" + m.name + "'")) return;
  if (info.agg) {
    diags().error(loc, "map '" + m.name + "' holds " + info.value.to_string() + " values; cannot assign " +
                           t.to_string());
    diags().hint("use a different map name for this value");
    return;
  }
  if (!info.assigned) {
    info.value = st;
    info.assigned = true;
    info.first_assign = loc;
  } else if (!compatible(info.value, st)) {
    diags().error(loc, "map '" + m.name + "' was assigned " + info.value.to_string() +
                           " before; cannot assign " + t.to_string());
    diags().hint("a map holds one type of value; the first assignment is at line " +
                 std::to_string(info.first_assign.begin.line) + ", column " +
                 std::to_string(info.first_assign.begin.column));
    return;
  } else {
    info.value = unify_strings(info.value, st);
  }
  m.type = info.value;
}

// " (0, 100, 10)": an aggregation's parameters for messages.
static std::string describe_params(const AggregationRef &a) {
  std::string s;
  for (size_t i = 0; i < a.params.size(); i++) s += (i ? ", " : " (") + std::to_string(a.params[i]);
  return a.params.empty() ? s : s + ")";
}

void Sema::set_aggregation(ast::Map &m, const AggregationDef &def, std::vector<int64_t> params,
                           const Loc &loc) {
  MapInfo &info = info_for(m);
  Type v = Type::aggregation(AggregationRef{def.name, std::move(params)});
  if (info.assigned && !info.agg) {
    diags().error(loc, "map '" + m.name + "' was assigned " + info.value.to_string() +
                           " before; cannot use it for " + v.to_string());
    diags().hint("use a different map name for this aggregation");
    return;
  }
  if (info.agg && info.value != v) {
    if (info.agg != &def)
      diags().error(loc, "map '" + m.name + "' already aggregates with " + info.value.to_string() +
                             "; cannot also use " + v.to_string());
    else
      diags().error(loc, "map '" + m.name + "' already holds " + def.name + "() with other parameters" +
                             describe_params(info.value.agg) + "; one map keeps one set");
    diags().hint("use a different map name for this aggregation");
    return;
  }
  if (!info.assigned) info.first_assign = loc;
  info.agg = &def;
  info.assigned = true;
  info.value = v;
  m.type = info.value;
}

void Sema::check_assign_map(ast::AssignMap &a) {
  check_keys(*a.map);
  if (a.value->kind == ast::ExprKind::Call) {
    auto &call = ast::as<ast::Call>(*a.value);
    const BuiltinFunc *f = find_builtin_func(call.name);
    if (f && f->aggregation) {
      if (a.compound) {
        diags().error(a.loc, std::string("cannot combine '") + ast::to_string(a.op) + "=' with " + f->name + "()");
        return;
      }
      Type t = check(call);
      if (t.kind == TypeKind::None) return;
      std::vector<int64_t> params;
      if (f->aggregation->params && !f->aggregation->params(*this, call, &params)) return;
      set_aggregation(*a.map, *f->aggregation, std::move(params), a.loc);
      return;
    }
  }
  Type v = check(*a.value);
  if (v.kind == TypeKind::None) return;
  v = value_type(*a.value, v);
  if (v.is(TypeKind::Void) || v.is_aggregation() || !storable(v)) {
    diags().error(a.value->loc, "cannot store a value of type " + v.to_string() + " in a map");
    if (contains_record(v)) struct_value_hint();
    return;
  }
  if (a.compound) {
    MapInfo &info = info_for(*a.map);
    if (!v.is_integral() || (info.assigned && !info.value.is_int())) {
      diags().error(a.loc, std::string("'") + ast::to_string(a.op) + "=' needs integers");
      return;
    }
  }
  assign_map_value(*a.map, v, a.loc);
}

static std::string bpf_map_name(const std::string &name, int id) {
  std::string n = "m" + std::to_string(id) + "_";
  for (char c : name.substr(1)) n += isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return n.substr(0, 15);
}

void Sema::build_map_specs() {
  ctx_.maps.clear();
  for (auto &[name, info] : maps_) {
    if (!info.assigned) continue;
    MapSpec spec;
    spec.name = name;
    info.id = static_cast<int>(ctx_.maps.size());
    spec.bpf_name = bpf_map_name(name, info.id);
    spec.scalar = !info.keyed;
    spec.key = info.keyed ? info.key : Type::u64();
    spec.key_size = storage_size(spec.key);
    spec.value = info.value;
    if (info.agg) {
      spec.agg = info.value.agg;
      spec.percpu = true;
      spec.value_size = info.agg->value_size(spec.agg.params);
      spec.array = spec.scalar && info.agg->zero_is_empty;
      if (spec.array) {
        spec.key_size = 4;
        spec.max_entries = 1;
      }
    } else {
      spec.value_size = storage_size(spec.value);
    }
    if (spec.value_size == 0) spec.value_size = 8;
    ctx_.maps.push_back(std::move(spec));
  }
  // Annotate every map node seen on the final run with its map's id.
  for (auto *m : map_nodes_) {
    auto it = maps_.find(m->name);
    if (it == maps_.end() || it->second.id < 0) {
      ctx_.diags.error(m->loc, "map '" + m->name + "' is used but never assigned");
      ctx_.diags.hint("assign it somewhere, e.g. `" + m->name + " = 0;` or `" + m->name + "[key] = count();`");
      continue;
    }
    m->map_id = it->second.id;
  }
}

}  // namespace probe

namespace probe {
namespace {

// Probes + Ast -> TypedAst: types every expression, builds the map, printf
// and print tables.
class SemanticPass : public Pass {
 public:
  const char *name() const override { return "semantic"; }
  std::vector<Artifact> reads() const override { return {Artifact::Ast, Artifact::Probes}; }
  std::vector<Artifact> produces() const override { return {Artifact::TypedAst}; }
  bool run(PassContext &ctx) override { return Sema(ctx).run(); }
};

}  // namespace

std::unique_ptr<Pass> CreateSemanticPass() { return std::make_unique<SemanticPass>(); }

}  // namespace probe
