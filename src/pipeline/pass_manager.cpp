#include "pipeline/pass.h"

#include "frontend/parser_driver.h"
#include "frontend/settings.h"
#include "frontend/sema/btf_types.h"

namespace probe {

PassContext::PassContext(const Config &c, SourceFile src) : config(c), source(std::move(src)) {
  available.insert(Artifact::Source);
}

PassContext::~PassContext() = default;

BtfTypes &PassContext::btf() {
  if (!btf_) btf_ = config.btf_path.empty() ? std::make_unique<BtfTypes>() : std::make_unique<BtfTypes>(config.btf_path);
  return *btf_;
}

const char *to_string(Artifact a) {
  switch (a) {
    case Artifact::Source: return "source";
    case Artifact::Ast: return "ast";
    case Artifact::Probes: return "probes";
    case Artifact::TypedAst: return "typed-ast";
    case Artifact::Module: return "llvm-module";
    case Artifact::Object: return "bpf-object";
  }
  return "?";
}

bool PassManager::run(PassContext &ctx) {
  for (auto &p : passes_) {
    for (Artifact a : p->reads())
      if (!ctx.available.count(a)) {
        ctx.diags.error(std::string("internal: pass '") + p->name() + "' needs " + to_string(a) +
                        " which no earlier pass produced");
        return false;
      }
    if (!p->run(ctx) || ctx.diags.has_errors()) return false;
    for (Artifact a : p->produces()) ctx.available.insert(a);
  }
  return true;
}

namespace {

// Source -> Ast: the bison parser.
class ParsePass : public Pass {
 public:
  const char *name() const override { return "parse"; }
  std::vector<Artifact> reads() const override { return {Artifact::Source}; }
  std::vector<Artifact> produces() const override { return {Artifact::Ast}; }
  bool run(PassContext &ctx) override {
    ctx.ast = parse_program(ctx.source, ctx.diags);
    if (!ctx.ast) return false;
    apply_config_block(ctx.ast->config, ctx.config, ctx.diags);
    return !ctx.diags.has_errors();
  }
};

}  // namespace

std::unique_ptr<Pass> CreateParsePass() { return std::make_unique<ParsePass>(); }

}  // namespace probe
