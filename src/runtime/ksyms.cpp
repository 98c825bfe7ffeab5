#include "runtime/ksyms.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <sstream>

#include "runtime/errors.h"
#include "runtime/tracefs.h"

namespace probe {

namespace {

constexpr uint64_t kMaxSymbolSpan = 1u << 20;

// Reads a whole file with read(2) so that errors (EPERM on a locked-down
// tracefs) are visible rather than looking like an empty file.
Result<std::string> read_all(const std::string &path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sys_error("cannot open " + path, errno);
  std::string out;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      return sys_error("cannot read " + path, err);
    }
    if (n == 0) break;
    out.append(buf, size_t(n));
  }
  close(fd);
  return out;
}

bool is_text_type(char t) { return t == 't' || t == 'T' || t == 'w' || t == 'W'; }

// The sorted, unique list of traceable function names, read once.
struct Traceable {
  std::vector<std::string> names;
  Error error;
  bool ok = false;
};

const Traceable &traceable() {
  static Traceable t;
  static std::once_flag once;
  std::call_once(once, [] {
    Error first;
    auto root = tracefs_root();
    if (root) {
      auto text = read_all(*root + "/available_filter_functions");
      if (text) {
        t.names = parse_filter_functions(*text, "*");
        t.ok = true;
        return;
      }
      first = text.error();
    } else {
      first = root.error();
    }
    auto ks = read_all("/proc/kallsyms");
    if (!ks) {
      t.error = make_error("cannot list traceable kernel functions: " + first.message, first.err,
                           "reading tracefs available_filter_functions and /proc/kallsyms needs root");
      return;
    }
    std::istringstream in(*ks);
    for (std::string line; std::getline(in, line);) {
      char type = 0;
      char name[512];
      if (std::sscanf(line.c_str(), "%*s %c %511s", &type, name) != 2 || !is_text_type(type))
        continue;
      // Compiler-generated local clones (foo.cold, foo.isra.0) cannot be probed by name.
      if (std::strchr(name, '.')) continue;
      // Call-padding and CFI preambles in front of functions (6.x) are not functions.
      if (std::strncmp(name, "__pfx_", 6) == 0 || std::strncmp(name, "__cfi_", 6) == 0) continue;
      t.names.emplace_back(name);
    }
    std::sort(t.names.begin(), t.names.end());
    t.names.erase(std::unique(t.names.begin(), t.names.end()), t.names.end());
    t.ok = true;
  });
  return t;
}

struct DenyRule {
  const char *glob;
  const char *why;
};

constexpr DenyRule kDenied[] = {
    {"__bpf_prog_run*", "it runs BPF programs (probing it recurses)"},
    {"bpf_dispatcher_*", "it dispatches BPF programs (probing it recurses)"},
    {"bpf_trampoline_*", "it is part of the BPF trampoline (probing it recurses)"},
    {"__bpf_prog_enter*", "it is part of the BPF trampoline (probing it recurses)"},
    {"__bpf_prog_exit*", "it is part of the BPF trampoline (probing it recurses)"},
    {"__bpf_tramp_*", "it is part of the BPF trampoline (probing it recurses)"},
    {"rcu_*", "it is an RCU internal (BPF programs run under RCU)"},
    {"__rcu_*", "it is an RCU internal (BPF programs run under RCU)"},
    {"cpu_idle*", "it is in the idle loop, where RCU is not watching"},
    {"default_idle*", "it is in the idle loop, where RCU is not watching"},
    {"arch_cpu_idle*", "it is in the idle loop, where RCU is not watching"},
    {"do_idle", "it is in the idle loop, where RCU is not watching"},
    {"intel_idle*", "it is in the idle loop, where RCU is not watching"},
    {"mwait_idle*", "it is in the idle loop, where RCU is not watching"},
    {"native_*", "it is a low-level native_* primitive used by the probe machinery"},
    {"*_nmi*", "it runs in NMI context"},
    {"nmi_*", "it runs in NMI context"},
    {"kprobe_*", "it is a kprobe internal"},
    {"__kprobe*", "it is a kprobe internal"},
    {"ftrace_*", "it is an ftrace internal"},
    {"__ftrace_*", "it is an ftrace internal"},
    {"preempt_count_*", "it is used by the probe machinery itself"},
    {"lockdep_*", "it is a lockdep internal"},
    {"__sanitizer_*", "it is a sanitizer hook"},
};

}  // namespace

KernelSymbols KernelSymbols::parse(const std::string &text) {
  KernelSymbols ks;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    char *end = nullptr;
    uint64_t addr = std::strtoull(line.c_str(), &end, 16);
    if (!end || addr == 0) continue;
    char type = 0;
    char name[512];
    if (std::sscanf(end, " %c %511s", &type, name) != 2 || !is_text_type(type)) continue;
    ks.syms_.push_back({addr, name});
  }
  // Stable: among aliases at one address the first listed (usually the global) wins.
  std::stable_sort(ks.syms_.begin(), ks.syms_.end(),
                   [](const KernelSymbol &a, const KernelSymbol &b) { return a.addr < b.addr; });
  return ks;
}

const KernelSymbols &KernelSymbols::get() {
  static KernelSymbols ks;
  static std::once_flag once;
  std::call_once(once, [] {
    auto text = read_all("/proc/kallsyms");
    if (text) ks = parse(*text);
  });
  return ks;
}

const KernelSymbol *KernelSymbols::lookup(uint64_t addr) const {
  auto it = std::upper_bound(syms_.begin(), syms_.end(), addr,
                             [](uint64_t a, const KernelSymbol &s) { return a < s.addr; });
  if (it == syms_.begin()) return nullptr;
  --it;
  if (addr - it->addr > kMaxSymbolSpan) return nullptr;
  while (it != syms_.begin() && (it - 1)->addr == it->addr) --it;
  return &*it;
}

std::string KernelSymbols::name(uint64_t addr, bool with_offset) const {
  if (const KernelSymbol *s = lookup(addr)) {
    if (!with_offset) return s->name;
    return s->name + "+" + std::to_string(addr - s->addr);
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "0x%" PRIx64, addr);
  return buf;
}

std::string ksym_name(uint64_t addr, bool with_offset) {
  return KernelSymbols::get().name(addr, with_offset);
}

std::vector<std::string> parse_filter_functions(const std::string &text, const std::string &glob) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::string name = line.substr(0, line.find_first_of(" \t"));
    // Entries the kernel could not resolve (6.6+) cannot be attached to.
    if (name.empty() || name.rfind("__ftrace_invalid_address__", 0) == 0) continue;
    if (fnmatch(glob.c_str(), name.c_str(), 0) == 0) out.push_back(std::move(name));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<std::vector<std::string>> traceable_functions(const std::string &glob) {
  const Traceable &t = traceable();
  if (!t.ok) return t.error;
  if (glob == "*") return t.names;
  if (glob.find_first_of("*?[") == std::string::npos) {  // one name: binary search
    if (std::binary_search(t.names.begin(), t.names.end(), glob)) return std::vector<std::string>{glob};
    return std::vector<std::string>{};
  }
  std::vector<std::string> out;
  for (const auto &n : t.names)
    if (fnmatch(glob.c_str(), n.c_str(), 0) == 0) out.push_back(n);
  return out;
}

bool kprobe_denied(const std::string &fn, std::string *why) {
  for (const auto &r : kDenied)
    if (fnmatch(r.glob, fn.c_str(), 0) == 0) {
      if (why) *why = r.why;
      return true;
    }
  return false;
}

std::optional<uint64_t> kallsyms_address(const std::string &name) {
  std::FILE *f = std::fopen("/proc/kallsyms", "r");
  if (!f) return std::nullopt;
  char line[512];
  std::optional<uint64_t> found;
  while (!found && std::fgets(line, sizeof line, f)) {
    unsigned long long addr;
    char type, sym[256];
    if (std::sscanf(line, "%llx %c %255s", &addr, &type, sym) == 3 && name == sym) found = addr;
  }
  std::fclose(f);
  return found;
}


}  // namespace probe
