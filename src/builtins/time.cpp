// Time: time(fmt) prints the wall-clock time, strftime(fmt, ns) is a time
// value printed through a strftime format, elapsed counts ns since start.
#include "builtins/registry.h"
#include "codegen/lowering.h"
#include "frontend/sema/sema.h"

namespace probe {

namespace {

// bpftrace's default format for time().
constexpr const char *kDefaultTimeFormat = "%H:%M:%S\n";

// A string-literal argument's text; reports and returns false otherwise.
bool literal_arg(Sema &S, ast::Call &c, size_t i, std::string *out) {
  if (c.args[i]->kind != ast::ExprKind::String) {
    S.diags().error(c.args[i]->loc, c.name + "()'s format must be a string literal");
    return false;
  }
  *out = ast::as<ast::String>(*c.args[i]).value;
  return true;
}

// time([fmt]): the time the event is printed, in user space (as bpftrace).
Type time_type(Sema &S, ast::Call &c) {
  PrintfSpec spec;
  spec.format = kDefaultTimeFormat;
  if (!c.args.empty() && !literal_arg(S, c, 0, &spec.format)) return Type::none();
  c.id = S.add_printf(std::move(spec));
  return Type::void_();
}

llvm::Value *time_lower(Lowering &L, ast::Call &c) {
  L.emit_event(EventKind::Time, c.id, 0, [](llvm::Value *) {});
  return nullptr;
}

// strftime(fmt, ns): ns since boot (nsecs), formatted in user space.
Type strftime_type(Sema &S, ast::Call &c) {
  std::string fmt;
  if (!literal_arg(S, c, 0, &fmt)) return Type::none();
  Type t = S.check(*c.args[1]);
  if (t.kind == TypeKind::None) return t;
  if (!t.is_int()) {
    S.diags().error(c.args[1]->loc, "strftime()'s time must be an integer (ns since boot, e.g. nsecs), not " +
                                        t.to_string());
    return Type::none();
  }
  return Type::timestamp(fmt);
}

void strftime_lower_into(Lowering &L, ast::Call &c, llvm::Value *dst) { L.store_i64(L.value(*c.args[1]), dst); }

}  // namespace

std::vector<BuiltinVar> time_vars() {
  return {
      {"elapsed", "nanoseconds since probe started", [](Sema &, ast::Identifier &) { return Type::u64(); },
       [](Lowering &L, ast::Identifier &) {
         llvm::Value *now = L.helper(BPF_FUNC_ktime_get_ns, L.i64(), {});
         return L.b().CreateSub(now, L.const_i64(L.config().start_ns));
       }},
  };
}

std::vector<BuiltinFunc> time_funcs() {
  BuiltinFunc strftime_f{"strftime", "strftime(fmt, nsecs)", 2, 2, strftime_type};
  strftime_f.lower_into = strftime_lower_into;
  return {
      {"time", "time([fmt])", 0, 1, time_type, time_lower},
      strftime_f,
  };
}

}  // namespace probe
