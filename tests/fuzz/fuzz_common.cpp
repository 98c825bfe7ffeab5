#include "fuzz_common.h"

#include <cstdlib>

namespace probe::fuzz {

std::string btf_path() {
  const char *env = std::getenv("PROBE_FUZZ_BTF");
  return env && *env ? env : PROBE_SOURCE_DIR "/tests/data/mini_vmlinux.btf";
}

Config config() {
  Config c;
  c.dry_run = true;
  c.max_probes = 16;
  c.btf_path = btf_path();
  c.self_exe = "/proc/self/exe";
  return c;
}

bool has_host_wildcard(const ast::Program &prog) {
  for (const auto &p : prog.probes)
    for (const auto &ap : p->attach_points)
      if (ap->raw.find_first_of("*?[") != std::string::npos) return true;
  return false;
}

bool verbose() {
  static const bool v = std::getenv("PROBE_FUZZ_VERBOSE") != nullptr;
  return v;
}

}  // namespace probe::fuzz
