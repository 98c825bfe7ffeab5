#include "pipeline/pass.h"

#include "frontend/parser_driver.h"
#include "frontend/settings.h"
#include <sys/stat.h>

#include "frontend/preprocess.h"
#include "frontend/sema/btf_types.h"
#include "frontend/sema/type_env.h"
#include "util/log.h"

namespace probe {

PassContext::PassContext(const Config &c, SourceFile src) : config(c), source(std::move(src)) {
  available.insert(Artifact::Source);
}

PassContext::~PassContext() = default;

BtfTypes &PassContext::btf() {
  if (!btf_) btf_ = config.btf_path.empty() ? std::make_unique<BtfTypes>() : std::make_unique<BtfTypes>(config.btf_path);
  return *btf_;
}

TypeEnv &PassContext::env() {
  if (!env_) env_ = std::make_unique<TypeEnv>(btf(), diags, default_system_include_dirs());
  return *env_;
}

const char *to_string(Artifact a) {
  switch (a) {
    case Artifact::Source: return "source";
    case Artifact::Preprocessed: return "preprocessed-source";
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

// The directory of the script file, for #include "..." ("" for -e and stdin).
std::string script_dir(const SourceFile &src) {
  struct stat st;
  if (src.name.empty() || stat(src.name.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  size_t slash = src.name.rfind('/');
  return slash == std::string::npos ? "." : src.name.substr(0, slash == 0 ? 1 : slash);
}

// Source -> Preprocessed: directives run, macros and headers handed to the
// name environment (frontend/preprocess.h).
class PreprocessPass : public Pass {
 public:
  const char *name() const override { return "preprocess"; }
  std::vector<Artifact> reads() const override { return {Artifact::Source}; }
  std::vector<Artifact> produces() const override { return {Artifact::Preprocessed}; }
  bool run(PassContext &ctx) override {
    PreprocessOptions opts;
    opts.include_dirs = ctx.config.include_dirs;
    opts.include_files = ctx.config.include_files;
    opts.script_dir = script_dir(ctx.source);
    opts.system_dirs = default_system_include_dirs();
    struct stat st;
    opts.have_btf = !ctx.config.btf_path.empty() || stat("/sys/kernel/btf/vmlinux", &st) == 0;
    opts.verbose = ctx.config.verbose;
    Preprocessed pp = preprocess(ctx.source, opts, ctx.diags);
    for (const auto &n : pp.notes) PROBE_LOG(Info, "note: %s\n", n.c_str());
    ctx.preprocessed = std::move(pp.text);
    ctx.env().set_preprocessed(std::move(pp.macros), std::move(pp.headers));
    return !ctx.diags.has_errors();
  }
};

// Source (preprocessed when the preprocess pass ran) -> Ast: the bison
// parser, asking the name environment about type names, macros and
// top-level C declarations.
class ParsePass : public Pass {
 public:
  const char *name() const override { return "parse"; }
  std::vector<Artifact> reads() const override { return {Artifact::Source}; }
  std::vector<Artifact> produces() const override { return {Artifact::Ast}; }
  bool run(PassContext &ctx) override {
    bool pp = ctx.available.count(Artifact::Preprocessed) != 0;
    SourceFile text{ctx.source.name, pp ? ctx.preprocessed : ctx.source.text};
    ctx.ast = parse_program(text, ctx.diags, &ctx.env());
    if (!ctx.ast) return false;
    apply_config_block(ctx.ast->config, ctx.config, ctx.diags);
    return !ctx.diags.has_errors();
  }
};

}  // namespace

std::unique_ptr<Pass> CreatePreprocessPass() { return std::make_unique<PreprocessPass>(); }
std::unique_ptr<Pass> CreateParsePass() { return std::make_unique<ParsePass>(); }

}  // namespace probe
