// Function symbols of ELF binaries and their file offsets, which is what
// uprobes attach to; plus finding the binary a uprobe names.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/binary_resolver.h"  // resolve_binary, used with these
#include "util/result.h"

namespace probe {

// File offset of function sym in path (.symtab, then .dynsym; STT_FUNC/STT_GNU_IFUNC),
// translated through the PT_LOAD headers; works for PIE and non-PIE.
Result<uint64_t> symbol_file_offset(const std::string &path, const std::string &sym);

// The file offsets of many functions, reading path's symbol tables once
// (a uprobe wildcard's matches); fails at the first one missing.
Result<std::vector<uint64_t>> symbol_file_offsets(const std::string &path, const std::vector<std::string> &syms);

// Any symbol's link-time address (uaddr("sym")): functions and data objects.
struct SymbolInfo {
  uint64_t vaddr = 0;
  uint64_t size = 0;
  bool pie = false;  // ET_DYN: loaded at a base address known only at run time
  bool tls = false;  // a thread-local variable: vaddr is an offset in the TLS block
};
Result<SymbolInfo> symbol_info(const std::string &path, const std::string &sym);

// Function names in path matching a shell glob, sorted and unique.
Result<std::vector<std::string>> match_symbols(const std::string &path, const std::string &glob);

}  // namespace probe
