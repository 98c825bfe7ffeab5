#include "driver/compiler.h"

#include <cstdio>
#include <exception>
#include <new>

#include "frontend/ast_printer.h"
#include "probes/providers.h"

namespace probe {

namespace {

// Prints the parsed tree for -d ast.
class DumpAstPass : public Pass {
 public:
  const char *name() const override { return "dump-ast"; }
  std::vector<Artifact> reads() const override { return {Artifact::Ast}; }
  std::vector<Artifact> produces() const override { return {}; }
  bool run(PassContext &ctx) override {
    std::fputs(dump_ast(*ctx.ast).c_str(), stdout);
    std::fflush(stdout);
    return true;
  }
};

}  // namespace

std::unique_ptr<PassContext> compile(const Config &cfg, SourceFile src) {
  auto ctx = std::make_unique<PassContext>(cfg, std::move(src));
  PassManager pm;
  pm.add(CreatePreprocessPass());
  pm.add(CreateParsePass());
  if (cfg.dump_ast) pm.add(std::make_unique<DumpAstPass>());
  pm.add(CreateProbeSpecPass());
  pm.add(CreateSemanticPass());
  pm.add(CreateCodegenPass());
  pm.add(CreateEmitPass());
  // No user input should make a pass throw; if one still does, the user
  // gets an error and exit status 1 rather than std::terminate's abort.
  try {
    pm.run(*ctx);
  } catch (const std::bad_alloc &) {
    ctx->diags.error("internal error: out of memory while compiling the program");
    ctx->diags.hint("please report this with the program that caused it");
  } catch (const std::exception &e) {
    ctx->diags.error(std::string("internal error: ") + e.what());
    ctx->diags.hint("please report this with the program that caused it");
  }
  return ctx;
}

const ProbeProvider *provider_for(ProbeKind kind) {
  for (auto name : provider_names()) {
    const ProbeProvider *p = find_provider(name);
    if (p && p->kind() == kind) return p;
  }
  return nullptr;
}

}  // namespace probe

namespace probe {

AttachFn make_attach_fn(const Config &cfg) {
  return [&cfg](const ProbeProgram &p, bpf_program *bp) -> Result<std::vector<BpfLink>> {
    const ProbeProvider *prov = provider_for(p.kind);
    if (!prov) return make_error("no provider attaches probes of this kind");
    return prov->attach(p, bp, cfg);
  };
}

PrepareFn make_prepare_fn(const Config &cfg) {
  return [&cfg](const ProbeProgram &p, bpf_program *bp) -> Status {
    const ProbeProvider *prov = provider_for(p.kind);
    if (!prov) return Ok{};
    return prov->prepare(p, bp, cfg);
  };
}

}  // namespace probe
