// TypedAst -> Module: one LLVM function per concrete program, all sharing
// the maps and the ring buffer.
#include "codegen/lowering.h"
#include "codegen/module_state.h"

namespace probe {

namespace {

class CodegenPass : public Pass {
 public:
  const char *name() const override { return "codegen"; }
  std::vector<Artifact> reads() const override { return {Artifact::TypedAst, Artifact::Probes}; }
  std::vector<Artifact> produces() const override { return {Artifact::Module}; }

  bool run(PassContext &ctx) override {
    // BPFTRACE_MAP_KEYS_MAX (through Config): every user map's capacity.
    for (auto &m : ctx.maps)
      if (!m.array) m.max_entries = ctx.config.map_keys_max;  // a key-less aggregation has its one slot
    ctx.module = std::make_shared<ModuleHolder>();
    ctx.module->state = std::make_unique<ModuleState>(ctx);
    ModuleState &ms = *ctx.module->state;
    for (const auto &exp : ctx.probes) {
      const ast::Probe &probe = *ctx.ast->probes.at(exp.probe_index);
      Lowering L(ms, exp, ctx.var_types.at(exp.probe_index));
      L.lower_probe(probe);
    }
    ms.finalize();
    return true;
  }
};

}  // namespace

std::unique_ptr<Pass> CreateCodegenPass() { return std::make_unique<CodegenPass>(); }

}  // namespace probe
