// Kernel symbols (/proc/kallsyms) for naming kernel addresses, the list of
// traceable kernel functions, and the functions probes must never attach to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace probe {

// One kernel text symbol.
struct KernelSymbol {
  uint64_t addr = 0;
  std::string name;
};

// Text symbols (types t/T/w/W) sorted by address, for address lookups.
class KernelSymbols {
 public:
  // Parses /proc/kallsyms text. Lines with address 0 (kptr_restrict hides
  // addresses from the unprivileged) are dropped; module suffixes ignored.
  static KernelSymbols parse(const std::string &kallsyms_text);
  // The running kernel's symbols: read from /proc/kallsyms on first use, once.
  static const KernelSymbols &get();

  // The symbol containing addr (the nearest one at or below it), or nullptr
  // when addr lies before the first symbol or more than 1 MiB past the nearest.
  const KernelSymbol *lookup(uint64_t addr) const;
  // "vfs_read" (with_offset false), "vfs_read+4" (true; "+0" at the start,
  // as bpftrace's kstack), or "0xffffffff81234567" when unknown.
  std::string name(uint64_t addr, bool with_offset) const;
  size_t size() const { return syms_.size(); }

 private:
  std::vector<KernelSymbol> syms_;
};

// KernelSymbols::get().name(addr, with_offset): for ksym(), func and kstack.
std::string ksym_name(uint64_t addr, bool with_offset);

// Kernel functions that kprobes/fentry can attach to, matching a glob, sorted
// and unique: tracefs available_filter_functions (" [module]" suffixes
// stripped), or kallsyms text symbols when that file cannot be read. The
// underlying list is read once per process.
Result<std::vector<std::string>> traceable_functions(const std::string &glob);

// The names in an available_filter_functions text matching glob, sorted and
// unique (exposed for tests).
std::vector<std::string> parse_filter_functions(const std::string &text, const std::string &glob);

// The address of kernel symbol name from /proc/kallsyms (first match), or
// nullopt when it is not there; 0 when addresses are hidden (kptr_restrict).
// For kaddr("sym") and for telling a missing function from an untraceable one.
std::optional<uint64_t> kallsyms_address(const std::string &name);

// True for functions that must not be traced (BPF dispatch, RCU, idle loops,
// NMI paths, kprobe/ftrace internals, ...); *why (if given) says which rule.
bool kprobe_denied(const std::string &fn, std::string *why);

}  // namespace probe
