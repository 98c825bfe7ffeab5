// Fuzz target: lexer + parser (+ the AST printer and diagnostics rendering).
// Input: program text.
#include <cstdint>
#include <string>

#include "frontend/ast_printer.h"
#include "frontend/parser_driver.h"
#include "fuzz_common.h"

using namespace probe;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > fuzz::kMaxProgram) return -1;
  SourceFile src{"fuzz.bt", std::string(reinterpret_cast<const char *>(data), size)};
  Diagnostics diags;
  auto ast = parse_program(src, diags);
  if (ast) (void)dump_ast(*ast);
  (void)diags.render(src);
  return 0;
}
