// Fuzz target: the ELF symbol reader uprobes use (symbol tables, versions,
// PT_LOAD translation). Input: an ELF file, read through a memfd.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/elf_symbols.h"

using namespace probe;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int fd = memfd_create("elf_fuzz", 0);
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (fd < 0) std::abort();
  if (ftruncate(fd, 0) != 0) std::abort();
  if (size && pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) std::abort();
  auto names = match_symbols(path, "*");
  if (!names) return 0;
  std::vector<std::string> some(names->begin(), names->begin() + std::min<size_t>(names->size(), 64));
  if (!some.empty()) {
    auto offs = symbol_file_offsets(path, some);
    auto one = symbol_file_offset(path, some.front());
    // The one-name and many-name readers must agree.
    if (offs && one && (*offs)[0] != *one) std::abort();
  }
  (void)match_symbols(path, "m*n");
  (void)symbol_file_offset(path, "main");
  return 0;
}
