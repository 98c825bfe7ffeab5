// What the probe saw: argN, sargN, retval, args, func, probe.
#include <cstdio>
#include <optional>

#include "builtins/registry.h"
#include "codegen/lowering.h"
#include "probes/kernel_funcs.h"
#include "frontend/sema/sema.h"

#include <charconv>
#include <cstring>

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

// N of "argN", or -1 when N does not fit in an int (arg99999999999).
int arg_index(const std::string &name) {
  int n = -1;
  const char *b = name.data() + 3, *e = name.data() + name.size();
  auto [ptr, ec] = std::from_chars(b, e, n);
  return ec == std::errc() && ptr == e ? n : -1;
}

// sargN: the Nth argument passed on the stack (x86-64: at sp + 8 * (N + 1)
// at function entry, above the return address), read from user memory in
// uprobes and kernel memory in kprobes, as bpftrace.
Type sarg_type(Sema &S, ast::Identifier &id) {
  for (const auto *e : S.expansions()) {
    auto kind = e->provider->name();
    if (kind != "uprobe" && kind != "kprobe") {
      S.diags().error(id.loc, "the " + id.name + " builtin can only be used with kprobes and uprobes, not " +
                                  std::string(kind) + " probes");
      S.diags().hint("sargN reads a stack argument at a function's entry");
      return Type::none();
    }
  }
  int n = -1;
  const char *b = id.name.data() + 4, *e = id.name.data() + id.name.size();
  auto [ptr, ec] = std::from_chars(b, e, n);
  if (ec != std::errc() || ptr != e || n > 1000) {
    S.diags().error(id.loc, id.name + " is out of range (sarg0..sarg1000)");
    return Type::none();
  }
  return Type::u64();
}

llvm::Value *load_reg(Lowering &L, uint32_t off);

llvm::Value *sarg_lower(Lowering &L, ast::Identifier &id) {
  int n = std::atoi(id.name.c_str() + 4);
  llvm::Value *sp = load_reg(L, 152 /* sp */);
  llvm::Value *addr = L.b().CreateAdd(sp, L.const_i64(8ull * uint64_t(n + 1)));
  llvm::Value *slot = L.temp(8, "sarg");
  L.store_i64(L.const_i64(0), slot);
  L.read_mem(slot, 8, addr, L.default_space());
  return L.b().CreateLoad(L.i64(), slot);
}

llvm::Value *load_reg(Lowering &L, uint32_t off) {
  return L.b().CreateLoad(L.i64(), L.gep(L.ctx_arg(), off));
}

Type arg_type(Sema &S, ast::Identifier &id) {
  bool slots = true;
  for (const auto *e : S.expansions()) slots = slots && e->u64_slots;
  bool named = false;  // a tracepoint: its arguments have names
  for (const auto *e : S.expansions()) named = named || e->provider->context().has_args;
  if (!slots && !require(S, id.loc, &ProbeContext::has_regs, id.name,
                         named ? "tracepoints name their arguments: use args.NAME (see `probe -lv 'tracepoint:...'`)"
                               : "argN is read in uprobes, kprobes, fentry and raw tracepoints"))
    return Type::none();
  int n = arg_index(id.name);
  if (n < 0 || n >= static_cast<int>(std::size(kArgRegOffsets))) {
    S.diags().error(id.loc, id.name + " is beyond the 6 register arguments of x86-64");
    return Type::none();
  }
  for (const auto *e : S.expansions()) {
    if (!e->u64_slots && e->provider->context().has_retval) {
      // At return the argument registers hold whatever the callee left.
      S.diags().error(id.loc, id.name + " is not available in " + std::string(e->provider->name()) +
                                  " probes: the argument registers are overwritten by then");
      S.diags().hint("save it at entry, e.g. `uprobe:BIN:FUNC { @arg[tid] = arg0; }`, and read @arg[tid] here");
      return Type::none();
    }
    if (e->u64_slots && e->args && static_cast<size_t>(n) >= e->args->fields.size()) {
      // fentry/raw tracepoints: slots past the arguments are not readable.
      size_t k = e->args->fields.size();
      S.diags().error(id.loc, id.name + " is beyond the " + std::to_string(k) + " argument" + (k == 1 ? "" : "s") +
                                  " of " + e->prog.display);
      return Type::none();
    }
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

// x86-64 pt_regs register names, for reg("ax"), by offset.
struct RegName {
  const char *name;
  uint32_t offset;
};
constexpr RegName kRegs[] = {{"r15", 0}, {"r14", 8}, {"r13", 16}, {"r12", 24}, {"bp", 32}, {"bx", 40},
                             {"r11", 48}, {"r10", 56}, {"r9", 64},  {"r8", 72},  {"ax", 80}, {"cx", 88},
                             {"dx", 96}, {"si", 104}, {"di", 112}, {"orig_ax", 120}, {"ip", 128},
                             {"cs", 136}, {"flags", 144}, {"sp", 152}, {"ss", 160}};

const RegName *find_reg(const std::string &n) {
  for (const auto &r : kRegs)
    if (n == r.name) return &r;
  return nullptr;
}

Type reg_type(Sema &S, ast::Call &c) {
  auto &arg = *c.args[0];
  if (arg.kind != ast::ExprKind::String || !find_reg(ast::as<ast::String>(arg).value)) {
    S.diags().error(arg.loc, "reg() takes a register name as a string literal");
    std::string names;
    for (const auto &r : kRegs) names += std::string(names.empty() ? "" : ", ") + r.name;
    S.diags().hint("registers are " + names);
    return Type::none();
  }
  S.check(arg);
  if (!require(S, c.loc, &ProbeContext::has_regs, "reg()", "registers are read in kprobes and uprobes"))
    return Type::none();
  return Type::u64();
}

Type kaddr_type(Sema &S, ast::Call &c) {
  auto &arg = *c.args[0];
  if (arg.kind != ast::ExprKind::String) {
    S.diags().error(arg.loc, "kaddr() takes a kernel symbol name as a string literal");
    return Type::none();
  }
  const std::string &name = ast::as<ast::String>(arg).value;
  auto addr = kernel_symbol_address(name);
  if (!addr) {
    S.diags().error(arg.loc, "kaddr(): no kernel symbol '" + name + "' in /proc/kallsyms");
    S.diags().hint("kernel variables are listed there only when the kernel is built with CONFIG_KALLSYMS_ALL");
    return Type::none();
  }
  if (*addr == 0) {
    S.diags().error(arg.loc, "kaddr(): kernel addresses are hidden (kptr_restrict)");
    S.diags().hint("run as root");
    return Type::none();
  }
  return Type::u64();
}

// uaddr("sym"): the address of a symbol of the traced binary, resolved at
// compile time; typed a pointer to an integer of the symbol's size (1, 2, 4,
// else 8 bytes) in user memory, so *uaddr("counter") reads it.
Result<UserSymbol> find_user_symbol(const ExpandedProbe &e, const std::string &sym) {
  return e.provider->user_symbol(e.prog, sym);
}

Type uaddr_type(Sema &S, ast::Call &c) {
  auto &arg = *c.args[0];
  if (arg.kind != ast::ExprKind::String) {
    S.diags().error(arg.loc, "uaddr() takes a symbol name as a string literal");
    return Type::none();
  }
  S.check(arg);
  const std::string &name = ast::as<ast::String>(arg).value;
  uint64_t size = 8;
  for (const auto *e : S.expansions()) {
    if (e->provider->name() != "uprobe" && e->provider->name() != "uretprobe") {
      S.diags().error(c.loc, "uaddr() can only be used in uprobes, not " + std::string(e->provider->name()) + " probes");
      S.diags().hint("it names a symbol of the binary the uprobe is in");
      return Type::none();
    }
    auto sym = find_user_symbol(*e, name);
    if (!sym) {
      S.diags().error(arg.loc, "uaddr(): " + sym.error().message);
      if (!sym.error().hint.empty()) S.diags().hint(sym.error().hint);
      return Type::none();
    }
    size = sym->size;
  }
  uint32_t width = size == 1 || size == 2 || size == 4 ? uint32_t(size) : 8;
  return Type::pointer(Type::integer(width, false), AddrSpace::User);
}

llvm::Value *uaddr_lower(Lowering &L, ast::Call &c) {
  auto sym = find_user_symbol(L.probe(), ast::as<ast::String>(*c.args[0]).value);
  PROBE_ASSERT(sym && "uaddr() resolved during sema");
  if (!sym->relative) return L.const_i64(sym->vaddr);
  llvm::Value *ip = load_reg(L, 128 /* ip: the probed instruction at a uprobe */);
  return L.b().CreateAdd(ip, L.const_i64(sym->vaddr - sym->probe_vaddr));
}

}  // namespace

std::vector<BuiltinFunc> probe_arg_funcs() {
  return {
      {"reg", "reg(\"ax\")", 1, 1, reg_type,
       [](Lowering &L, ast::Call &c) {
         return load_reg(L, find_reg(ast::as<ast::String>(*c.args[0]).value)->offset);
       }},
      {"ksym", "ksym(address)", 1, 1,
       [](Sema &S, ast::Call &c) {
         Type t = S.check(*c.args[0]);
         if (t.kind == TypeKind::None) return t;
         if (!t.is_integral()) {
           S.diags().error(c.args[0]->loc, "ksym() takes an address, not " + t.to_string());
           return Type::none();
         }
         return Type::ksym();
       },
       [](Lowering &L, ast::Call &c) { return L.value(*c.args[0]); }},
      {"uaddr", "uaddr(\"symbol\")", 1, 1, uaddr_type, uaddr_lower},
      {"kaddr", "kaddr(\"symbol\")", 1, 1, kaddr_type,
       [](Lowering &L, ast::Call &c) {  // resolved again: sema checked it exists
         return L.const_i64(kernel_symbol_address(ast::as<ast::String>(*c.args[0]).value).value_or(0));
       }},
  };
}

std::vector<BuiltinVar> probe_arg_vars() {
  return {
      {"arg", "Nth function argument (registers)", arg_type,
       [](Lowering &L, ast::Identifier &id) {
         int n = arg_index(id.name);  // 0..5, checked by arg_type
         // fentry/raw_tp contexts are arrays of u64 argument slots.
         if (L.probe().u64_slots) return load_reg(L, 8 * n);
         return load_reg(L, kArgRegOffsets[n]);
       }},
      {"sarg", "Nth stack argument (sp + 8 * (N + 1))", sarg_type, sarg_lower},
      {"retval", "function return value",
       [](Sema &S, ast::Identifier &id) {
         if (!require(S, id.loc, &ProbeContext::has_retval, "retval",
                      "retval is read in return probes: uretprobe, kretprobe, fexit"))
           return Type::none();
         const Type &rt = S.expansions().front()->retval_type;
         return rt.is_int() || rt.is(TypeKind::Pointer) ? rt : Type::u64();
       },
       [](Lowering &L, ast::Identifier &) {
         // fexit: the return value follows the arguments in the u64 slots.
         if (L.probe().retval_slot >= 0) {
           const Type &rt = L.probe().retval_type;
           llvm::Value *v = load_reg(L, 8 * L.probe().retval_slot);
           return rt.is_int() ? L.normalize(v, rt) : v;
         }
         return load_reg(L, kAxOffset);
       }},
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
         // One program on many functions (kprobe_multi) learns which at run
         // time: the address, named in user space.
         for (const auto *e : S.expansions())
           if (e->provider->context().func_ip && !e->prog.funcs.empty()) return Type::ksym();
         return probe_string_type(S, true);
       },
       [](Lowering &L, ast::Identifier &) {
         return L.helper(BPF_FUNC_get_func_ip, L.i64(), {L.ctx_arg()});
       },
       [](Lowering &L, ast::Identifier &id, llvm::Value *dst) {
         L.store_const_string(L.probe().prog.func, id.type.size, dst);
       }},
      {"probe", "the attach point that fired",
       [](Sema &S, ast::Identifier &) {
         // One program on many functions (kprobe_multi) names the one that
         // fired at run time: "kprobe:" + the symbol at bpf_get_func_ip().
         for (const auto *e : S.expansions())
           if (!e->prog.funcs.empty()) {
             Type t = Type::ksym();
             t.name = std::string(e->provider->name()) + ":";
             return t;
           }
         return probe_string_type(S, false);
       },
       [](Lowering &L, ast::Identifier &) {
         return L.helper(BPF_FUNC_get_func_ip, L.i64(), {L.ctx_arg()});
       },
       [](Lowering &L, ast::Identifier &id, llvm::Value *dst) {
         L.store_const_string(L.probe().prog.display, id.type.size, dst);
       }},
  };
}

}  // namespace probe
