// Unsafe builtins, refused unless probe runs with --unsafe (as bpftrace):
// system(fmt, ...) runs a command from user space, signal(sig) signals the
// current process (bpf_send_signal), override(rc) makes a kprobed
// function return rc (bpf_override_return, error-injection functions only).
#include <csignal>
#include <cstring>

#include "builtins/registry.h"
#include "codegen/lowering.h"
#include "frontend/sema/sema.h"

namespace probe {

namespace {

// Reports c when --unsafe was not given; true when it may be used.
bool unsafe_allowed(Sema &S, ast::Call &c) {
  if (S.config().unsafe) return true;
  S.diags().error(c.loc, c.name + "() is an unsafe function being used in safe mode");
  S.diags().hint("run probe with --unsafe to allow " + c.name + "()");
  return false;
}

// Reports c in BEGIN/END probes (no task to act on there); true otherwise.
bool in_traced_task(Sema &S, ast::Call &c) {
  for (const auto *p : S.expansions()) {
    if (p->prog.kind == ProbeKind::Begin || p->prog.kind == ProbeKind::End) {
      S.diags().error(c.loc, c.name + "() cannot be used in " +
                                 std::string(p->prog.kind == ProbeKind::Begin ? "BEGIN" : "END") + " probes");
      return false;
    }
  }
  return true;
}

// system(fmt, ...): formatted in user space, then run without a shell.
Type system_type(Sema &S, ast::Call &c) {
  if (!unsafe_allowed(S, c)) return Type::none();
  PrintfSpec spec;
  if (!check_format_call(S, c, &spec)) return Type::none();
  c.id = S.add_printf(std::move(spec));
  return Type::void_();
}

llvm::Value *system_lower(Lowering &L, ast::Call &c) {
  const PrintfSpec &spec = L.printf_spec(c.id);
  L.emit_event(EventKind::System, c.id, spec.payload_size, [&](llvm::Value *payload) { store_format_args(L, c, spec, payload); });
  return nullptr;
}

// A signal name ("SIGKILL", "KILL") or number as a signal number; 0 if unknown.
int signal_number(const std::string &name) {
  std::string n = name.rfind("SIG", 0) == 0 ? name.substr(3) : name;
  for (int s = 1; s < NSIG; s++) {
    const char *abbrev = sigabbrev_np(s);
    if (abbrev && n == abbrev) return s;
  }
  return 0;
}

Type signal_type(Sema &S, ast::Call &c) {
  if (!unsafe_allowed(S, c) || !in_traced_task(S, c)) return Type::none();
  auto &a = *c.args[0];
  if (a.kind == ast::ExprKind::String) {
    const std::string &name = ast::as<ast::String>(a).value;
    int sig = signal_number(name);
    if (!sig) {
      S.diags().error(a.loc, "'" + name + "' is not a valid signal");
      S.diags().hint("use a name such as SIGKILL or KILL, or a number from 1 to 64");
      return Type::none();
    }
    c.id = sig;
    return Type::void_();
  }
  Type t = S.check(a);
  if (t.kind == TypeKind::None) return t;
  if (!t.is_int()) {
    S.diags().error(a.loc, "signal() takes a signal name or number, not " + t.to_string());
    return Type::none();
  }
  int64_t v = 0;
  if (Sema::int_constant(a, &v) && (v < 1 || v > 64)) {
    S.diags().error(a.loc, std::to_string(v) + " is not a valid signal, allowed range: [1,64]");
    return Type::none();
  }
  c.id = 0;  // a run-time number
  return Type::void_();
}

llvm::Value *signal_lower(Lowering &L, ast::Call &c) {
  llvm::Value *sig = c.id > 0 ? L.const_i64(c.id) : L.value(*c.args[0]);
  L.helper(BPF_FUNC_send_signal, L.i64(), {L.b().CreateTrunc(sig, L.i32())});
  return nullptr;
}

// override(rc): kprobes only (the kernel also requires the function to
// allow error injection, checked when the program attaches).
Type override_type(Sema &S, ast::Call &c) {
  if (!unsafe_allowed(S, c)) return Type::none();
  for (const auto *p : S.expansions()) {
    if (p->prog.kind != ProbeKind::Kprobe) {
      S.diags().error(c.loc, "override() can only be used with kprobes");
      S.diags().hint("the kernel allows it on functions marked for error injection (ALLOW_ERROR_INJECTION)");
      return Type::none();
    }
  }
  Type t = S.check(*c.args[0]);
  if (t.kind == TypeKind::None) return t;
  if (!t.is_int()) {
    S.diags().error(c.args[0]->loc, "override() takes an integer return value, not " + t.to_string());
    return Type::none();
  }
  return Type::void_();
}

llvm::Value *override_lower(Lowering &L, ast::Call &c) {
  L.helper(BPF_FUNC_override_return, L.i64(), {L.ctx_arg(), L.value(*c.args[0])});
  return nullptr;
}

}  // namespace

std::vector<BuiltinFunc> unsafe_funcs() {
  return {
      {"system", "system(fmt, ...)", 1, -1, system_type, system_lower},
      {"signal", "signal(sig)", 1, 1, signal_type, signal_lower},
      {"override", "override(rc)", 1, 1, override_type, override_lower},
  };
}

}  // namespace probe
