// Map-full accounting: the kernel side counts, per user map, updates that
// failed because the map was full (kMapFullMap); this reads the counts and
// warns on stderr, once per map while running and with the total at exit,
// so that nothing is lost silently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "codegen/artifact.h"

namespace probe {

// Watches one session's kMapFullMap; reads only, never resets the counts.
class MapFullMonitor {
 public:
  // fd: the kMapFullMap (-1 when the object has none: then every call is a no-op).
  MapFullMonitor(int fd, const CompiledProgram &prog);

  // While running: warns for each map whose first drops appeared since the last check.
  void check();
  // At exit: warns for each map with drops not yet reported, with the total.
  void final_report();

  // The warning for `dropped` lost updates of spec; `total` says "in all" (tests).
  static std::string message(const MapSpec &spec, uint64_t dropped, bool total);

 private:
  // Per user map, the summed per-CPU counts (empty if unreadable).
  std::vector<uint64_t> read() const;

  int fd_;
  const CompiledProgram &prog_;
  std::vector<uint64_t> reported_;  // per map: the count last warned about (0: never)
};

}  // namespace probe
