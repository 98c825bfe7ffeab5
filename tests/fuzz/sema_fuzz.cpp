// Fuzz target: parse, attach-point expansion and semantic analysis (the
// whole dry compile up to LLVM), against the fixed BTF.
// Input: program text.
#include <cstdint>
#include <cstdio>
#include <string>

#include "pipeline/pass.h"
#include "fuzz_common.h"

using namespace probe;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > fuzz::kMaxProgram) return -1;
  static const Config cfg = fuzz::config();
  PassContext ctx(cfg, SourceFile{"fuzz.bt", std::string(reinterpret_cast<const char *>(data), size)});
  auto parse = CreateParsePass();
  if (!parse->run(ctx) || ctx.diags.has_errors()) {
    (void)ctx.diags.render(ctx.source);
    return 0;
  }
  ctx.available.insert(Artifact::Ast);
  if (fuzz::has_host_wildcard(*ctx.ast)) return -1;
  PassManager pm;
  pm.add(CreateProbeSpecPass());
  pm.add(CreateSemanticPass());
  pm.run(ctx);
  std::string text = ctx.diags.render(ctx.source);
  if (fuzz::verbose()) std::fprintf(stderr, "%s", text.empty() ? "analysed\n" : text.c_str());
  return 0;
}
