// Where decoded events go: renders printf/print/map output as text or JSON
// on one FILE*, and status lines the way bpftrace prints them.
#pragma once

#include <cstdint>
#include <cstdio>
#include <vector>

#include "codegen/artifact.h"
#include "config.h"
#include "frontend/printf_format.h"
#include "runtime/value_format.h"
#include "util/result.h"

namespace probe {

// Renders events for one session; map_fds[i] is the fd of prog.maps[i] (-1 if absent).
class Output {
 public:
  Output(std::FILE *out, OutputFormat format, const CompiledProgram &prog, std::vector<int> map_fds);

  // printf(): the formatted text (JSON: {"type": "printf", "data": "..."}).
  void printf_event(const PrintfSpec &spec, const uint8_t *payload, size_t size);
  // print(value): the value and a newline.
  void print_event(const PrintSpec &spec, const uint8_t *payload, size_t size);
  // print(@map) or the exit-time dump of one map (index into prog.maps).
  Status print_map(uint32_t index);
  // clear(@map) / zero(@map).
  Status clear_map(uint32_t index);
  Status zero_map(uint32_t index);
  // Every non-empty map in MapSpec order, preceded by bpftrace's "\n\n" in text mode.
  void print_all_maps();
  // Whether reading a map for printing ever failed (reported; the exit status becomes 1).
  bool map_read_failed() const { return map_read_failed_; }
  // "Attaching N probes..." (singular for 1).
  void attached_probes(size_t n);
  // "Lost N events" on stderr (JSON: a lost_events record on out).
  void lost_events(uint64_t n);
  void flush() { std::fflush(out_); }
  // How kernel symbols and stacks are named when values print.
  void set_value_context(ValueContext ctx) { values_ = std::move(ctx); }
  std::FILE *file() const { return out_; }

 private:
  std::FILE *out_;
  OutputFormat format_;
  const CompiledProgram &prog_;
  std::vector<int> map_fds_;
  bool map_read_failed_ = false;
  ValueContext values_;
  std::vector<CompiledFormat> formats_;  // prog.printfs, parsed once
  std::string line_;                     // reused per event
};

}  // namespace probe
