// Stacks: kstack records the kernel call stack in a stack-trace map; the
// value is the stack id, symbolised in user space when printed.
#include "builtins/registry.h"
#include "codegen/lowering.h"
#include "frontend/sema/sema.h"

namespace probe {

std::vector<BuiltinVar> stack_vars() {
  return {
      {"kstack", "the kernel call stack",
       [](Sema &S, ast::Identifier &id) {
         for (const auto *e : S.expansions()) {
           ProbeKind k = e->prog.kind;
           if (k == ProbeKind::Begin || k == ProbeKind::End || k == ProbeKind::Uprobe ||
               k == ProbeKind::Uretprobe) {
             S.diags().error(id.loc, "kstack is not available in " + std::string(e->provider->name()) + " probes");
             S.diags().hint("kstack needs a kernel context: kprobe, tracepoint, fentry, profile...");
             return Type::none();
           }
         }
         return Type::kstack();
       },
       [](Lowering &L, ast::Identifier &) {
         return L.helper(BPF_FUNC_get_stackid, L.i64(), {L.ctx_arg(), L.stack_map(), L.const_i64(0)});
       }},
  };
}

}  // namespace probe
