// Fuzz target: the whole compiler, program text to a BPF ELF object (LLVM
// codegen included), against the fixed BTF; nothing is loaded.
// Input: program text.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "driver/compiler.h"
#include "frontend/parser_driver.h"
#include "fuzz_common.h"

using namespace probe;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > fuzz::kMaxProgram) return -1;
  static const Config cfg = fuzz::config();
  SourceFile src{"fuzz.bt", std::string(reinterpret_cast<const char *>(data), size)};
  {
    // Wildcards would expand against the host: skip them (cheap pre-parse).
    Diagnostics d;
    auto ast = parse_program(src, d);
    if (!ast) return 0;
    if (fuzz::has_host_wildcard(*ast)) return -1;
  }
  auto ctx = compile(cfg, src);
  std::string text = ctx->diags.render(ctx->source);
  if (fuzz::verbose()) std::fprintf(stderr, "%s", text.empty() ? "compiled\n" : text.c_str());
  // A program without errors must have produced an object.
  if (!ctx->diags.has_errors() && ctx->output.elf.size() < 64) {
    std::fprintf(stderr, "compile_fuzz: no errors but no ELF object (%zu bytes)\n", ctx->output.elf.size());
    std::abort();
  }
  return 0;
}
