// Fuzz target: the tracepoint format-file parser (events/CAT/NAME/format).
// Input: the text of a format file.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "runtime/tracefs.h"

using namespace probe;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  auto rec = parse_tracepoint_format("cat", "ev", text);
  if (!rec) return 0;
  // Every field the parser returns has a type that prints and sizes.
  for (const auto &f : (*rec)->fields) {
    if (!f.type) std::abort();
    (void)f.type->to_string();
    (void)storage_size(*f.type);
  }
  return 0;
}
