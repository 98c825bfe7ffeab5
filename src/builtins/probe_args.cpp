// What the probe saw: argN, retval, args, func, probe.
#include "builtins/registry.h"
#include "codegen/lowering.h"
#include "frontend/sema/sema.h"

namespace probe {

namespace {

// x86-64 struct pt_regs offsets of the argument registers and of ax.
constexpr uint32_t kArgRegOffsets[] = {112 /*di*/, 104 /*si*/, 96 /*dx*/, 88 /*cx*/, 72 /*r8*/, 64 /*r9*/};
constexpr uint32_t kAxOffset = 80;

// Reports `what` if any expansion's context lacks the capability.
bool require(Sema &S, const Loc &loc, bool ProbeContext::*cap, const std::string &what,
             const std::string &hint) {
  for (const auto *e : S.expansions()) {
    if (!(e->provider->context().*cap)) {
      S.diags().error(loc, what + " is not available in " + std::string(e->provider->name()) + " probes");
      S.diags().hint(hint);
      return false;
    }
  }
  return true;
}

llvm::Value *load_reg(Lowering &L, uint32_t off) {
  return L.b().CreateLoad(L.i64(), L.gep(L.ctx_arg(), off));
}

Type arg_type(Sema &S, ast::Identifier &id) {
  if (!require(S, id.loc, &ProbeContext::has_regs, id.name,
               "tracepoints name their arguments: use args.NAME (see `probe -lv 'tracepoint:...'`)"))
    return Type::none();
  int n = std::stoi(id.name.substr(3));
  if (n >= static_cast<int>(std::size(kArgRegOffsets))) {
    S.diags().error(id.loc, id.name + " is beyond the 6 register arguments of x86-64");
    return Type::none();
  }
  return Type::u64();
}

// A string constant per expansion; capacity fits the longest.
Type probe_string_type(Sema &S, bool func) {
  uint32_t n = 1;
  for (const auto *e : S.expansions())
    n = std::max<uint32_t>(n, (func ? e->prog.func : e->prog.display).size() + 1);
  return Type::string(n);
}

}  // namespace

std::vector<BuiltinVar> probe_arg_vars() {
  return {
      {"arg", "Nth function argument (registers)", arg_type,
       [](Lowering &L, ast::Identifier &id) {
         return load_reg(L, kArgRegOffsets[std::stoi(id.name.substr(3))]);
       }},
      {"retval", "function return value",
       [](Sema &S, ast::Identifier &id) {
         if (!require(S, id.loc, &ProbeContext::has_retval, "retval",
                      "retval is read in return probes: uretprobe, kretprobe, fexit"))
           return Type::none();
         return Type::u64();
       },
       [](Lowering &L, ast::Identifier &) { return load_reg(L, kAxOffset); }},
      {"args", "the tracepoint's arguments (args.NAME)",
       [](Sema &S, ast::Identifier &id) {
         if (!require(S, id.loc, &ProbeContext::has_args, "args",
                      "in uprobes and kprobes use arg0, arg1, ..."))
           return Type::none();
         const auto *first = S.expansions().front();
         if (!first->args) return Type::none();
         return Type::record_of(first->args);
       }},
      {"func", "the probed function's name",
       [](Sema &S, ast::Identifier &id) {
         if (!require(S, id.loc, &ProbeContext::has_func, "func", "func names the function of uprobes and kprobes"))
           return Type::none();
         return probe_string_type(S, true);
       },
       nullptr,
       [](Lowering &L, ast::Identifier &id, llvm::Value *dst) {
         L.store_const_string(L.probe().prog.func, id.type.size, dst);
       }},
      {"probe", "the attach point that fired",
       [](Sema &S, ast::Identifier &) { return probe_string_type(S, false); }, nullptr,
       [](Lowering &L, ast::Identifier &id, llvm::Value *dst) {
         L.store_const_string(L.probe().prog.display, id.type.size, dst);
       }},
  };
}

}  // namespace probe
