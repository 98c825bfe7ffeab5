// Output to user space through the ring buffer: printf, print, exit (maps.cpp: map printing).
#include "builtins/registry.h"
#include "codegen/lowering.h"
#include "frontend/printf_format.h"
#include "frontend/sema/sema.h"

namespace probe {

bool check_format_call(Sema &S, ast::Call &c, PrintfSpec *spec) {
  auto &fmt_expr = *c.args[0];
  if (fmt_expr.kind != ast::ExprKind::String) {
    S.diags().error(fmt_expr.loc, c.name + "'s format must be a string literal");
    return false;
  }
  const std::string &fmt = ast::as<ast::String>(fmt_expr).value;
  auto specs = parse_printf_format(fmt);
  if (!specs) {
    S.diags().error(fmt_expr.loc, "bad " + c.name + " format: " + specs.error().message);
    S.diags().hint("conversions are %d %i %u %x %X %o %s %c %p %r %rx %% with h/hh/l/ll/z/j/t, flags, width and precision");
    return false;
  }
  size_t nargs = c.args.size() - 1;
  if (specs->size() != nargs) {
    S.diags().error(c.loc, c.name + " format has " + std::to_string(specs->size()) + " conversion" +
                               (specs->size() == 1 ? "" : "s") + " but " + std::to_string(nargs) +
                               " argument" + (nargs == 1 ? " is" : "s are") + " given");
    auto literal = printf_literal_percents(fmt);
    if (!literal.empty())
      S.diags().hint("'" + literal[0] + "' is not a conversion and prints as it is; write %% for a literal %");
    return false;
  }
  spec->format = fmt;
  bool ok = true;
  uint32_t off = 0;
  for (size_t i = 0; i < nargs; i++) {
    auto &arg = *c.args[i + 1];
    Type t = S.check(arg);
    if (t.kind == TypeKind::None) {
      ok = false;
      continue;
    }
    std::string why;
    if (t.is(TypeKind::Void) || t.is_aggregation() || !storable(t) ||
        !format_accepts((*specs)[i].conv, t, &why)) {
      S.diags().error(arg.loc, c.name + " conversion '" + (*specs)[i].spec + "' does not take " + t.to_string() +
                                   (why.empty() ? "" : ": " + why));
      if (t.is(TypeKind::Buffer)) S.diags().hint("print a buffer with %r (printable bytes as they are) or %rx (all as \\xNN)");
      ok = false;
      continue;
    }
    Type st = storage_type(t);
    spec->args.push_back(st);
    spec->offsets.push_back(off);
    off += storage_size(st);
  }
  spec->payload_size = off;
  return ok;
}

void store_format_args(Lowering &L, ast::Call &c, const PrintfSpec &spec, llvm::Value *payload) {
  for (size_t i = 0; i < spec.args.size(); i++) L.store_into(*c.args[i + 1], L.gep(payload, spec.offsets[i]));
}

namespace {

Type printf_type(Sema &S, ast::Call &c) {
  PrintfSpec spec;
  if (!check_format_call(S, c, &spec)) return Type::none();
  c.id = S.add_printf(std::move(spec));
  return Type::void_();
}

llvm::Value *printf_lower(Lowering &L, ast::Call &c) {
  const PrintfSpec &spec = L.printf_spec(c.id);
  L.emit_event(EventKind::Printf, c.id, spec.payload_size, [&](llvm::Value *payload) { store_format_args(L, c, spec, payload); });
  return nullptr;
}

// exit() and exit(code): stop tracing with that exit status; the rest of
// the probe does not run (bpftrace returns from the probe).
Type exit_type(Sema &S, ast::Call &c) {
  if (c.args.empty()) return Type::void_();
  Type t = S.check(*c.args[0]);
  if (t.kind == TypeKind::None) return t;
  if (!t.is_int()) {
    S.diags().error(c.args[0]->loc, "exit()'s status must be an integer, not " + t.to_string());
    return Type::none();
  }
  return Type::void_();
}

llvm::Value *exit_lower(Lowering &L, ast::Call &c) {
  L.emit_event(EventKind::Exit, 0, 8, [&](llvm::Value *payload) {
    L.store_i64(c.args.empty() ? L.const_i64(0) : L.value(*c.args[0]), payload);
  });
  L.return_from_probe();
  return nullptr;
}

// print(@map) prints the whole map; print(expr) prints one value.
Type print_type(Sema &S, ast::Call &c) {
  auto &arg = *c.args[0];
  if (arg.kind == ast::ExprKind::Map && (ast::as<ast::Map>(arg).keys.empty() || c.args.size() > 1 ||
                                         is_aggregation_entry(S, ast::as<ast::Map>(arg))))
    return print_map_type(S, c);
  if (c.args.size() > 1) {
    S.diags().error(c.args[1]->loc, "print(value) takes one argument; top and div are for maps");
    S.diags().hint("usage: print(@map[, top[, div]]) or print(value)");
    return Type::none();
  }
  Type t = S.check(arg);
  if (t.kind == TypeKind::None) return t;
  t = S.value_type(arg, t);  // a struct prints every field
  if (t.is(TypeKind::Void) || t.is_aggregation() || !storable(t)) {
    S.diags().error(arg.loc, "cannot print a value of type " + t.to_string());
    if (contains_record(t)) S.struct_value_hint();
    return Type::none();
  }
  c.id = S.add_print(PrintSpec{storage_type(t)});
  return Type::void_();
}

llvm::Value *print_lower(Lowering &L, ast::Call &c) {
  auto &arg = *c.args[0];
  if (c.id < 0) return print_map_lower(L, c);  // print(@m[, top, div]) and print(@agg[k])
  uint32_t size = storage_size(L.print_spec(c.id).type);
  L.emit_event(EventKind::Print, c.id, size, [&](llvm::Value *payload) { L.store_into(arg, payload); });
  return nullptr;
}

}  // namespace

std::vector<BuiltinFunc> output_funcs() {
  return {
      {"printf", "printf(fmt, ...)", 1, -1, printf_type, printf_lower},
      {"print", "print(value) or print(@map[, top[, div]])", 1, 3, print_type, print_lower},
      {"exit", "exit([status])", 0, 1, exit_type, exit_lower},
  };
}

}  // namespace probe
