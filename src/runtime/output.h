// Where decoded events go: renders printf/print/map output as text or JSON
// through one checked FdWriter, and status lines the way bpftrace prints them.
#pragma once

#include <cstdint>
#include <cstdio>
#include <vector>

#include "codegen/artifact.h"
#include "config.h"
#include "frontend/printf_format.h"
#include "runtime/fd_writer.h"
#include "runtime/value_format.h"
#include "util/result.h"

namespace probe {

// Renders events for one session; map_fds[i] is the fd of prog.maps[i] (-1 if absent).
class Output {
 public:
  // out_fd is written through an FdWriter (not owned, not closed).
  Output(int out_fd, OutputFormat format, const CompiledProgram &prog, std::vector<int> map_fds);

  // cat() prints at most n bytes of a file (config max_cat_bytes).
  void set_cat_bytes_max(size_t n) { cat_bytes_max_ = n; }
  // printf(): the formatted text (JSON: {"type": "printf", "data": "..."}).
  void printf_event(const PrintfSpec &spec, const uint8_t *payload, size_t size);
  // print(value): the value and a newline.
  void print_event(const PrintSpec &spec, const uint8_t *payload, size_t size);
  // time(fmt): the current local time through strftime (JSON type "time").
  void time_event(const PrintfSpec &spec);
  // join(argv, sep): the strings joined and a newline (JSON type "join").
  void join_event(const PrintfSpec &spec, const uint8_t *payload, size_t size);
  // cat(fmt, ...): the named file's contents (JSON type "cat"); a file that
  // cannot be read is reported on stderr.
  void cat_event(const PrintfSpec &spec, const uint8_t *payload, size_t size);
  // system(fmt, ...): runs the command (no shell) and prints its output in
  // order with ours (JSON type "syscall", as bpftrace).
  void system_event(const PrintfSpec &spec, const uint8_t *payload, size_t size);
  // Prints map #index now (print(@m[, top[, div]]): the last `top` entries, values divided by div).
  Status print_map(uint32_t index, uint64_t top = 0, uint64_t div = 1);
  // print(@agg[k]): the value of one entry of map #index (payload: the key).
  Status print_entry(uint32_t index, const uint8_t *key, size_t size);
  // clear(@map) / zero(@map).
  Status clear_map(uint32_t index);
  Status zero_map(uint32_t index);
  // Every non-empty map in MapSpec order; at exit preceded by bpftrace's "\n\n"
  // in text mode, not on SIGUSR1 (at_exit false), as bpftrace 0.17.
  void print_all_maps(bool at_exit = true);
  // Whether reading a map for printing ever failed (reported; the exit status becomes 1).
  bool map_read_failed() const { return map_read_failed_; }
  // "Attaching N probes..." (singular for 1).
  void attached_probes(size_t n);
  // -k: "file:L:C-C: WARNING: Failed to HELPER: strerror (rc)" and the quoted line
  // (JSON: a helper_error record), in the program output as bpftrace prints it.
  void helper_error(const HelperErrorSite &site, int64_t rc);
  // -B: when writes reach the fd (Full: per poll and at 64 KiB, Line: per line, None: at once).
  void set_buffering(FdWriter::Mode m) { out_.set_mode(m); }
  // "Lost N events" on stderr (JSON: a lost_events record on out).
  void lost_events(uint64_t n);
  // Writes out what is buffered; false once any write has failed.
  bool flush() { return out_.flush(); }
  // 0, or the errno of the first failed write (then every later write is dropped).
  int write_error() const { return out_.error(); }
  // A line outside the event formats (e.g. the test-harness notification).
  void raw(std::string_view text) { out_.write(text); }
  // How kernel symbols and stacks are named when values print.
  void set_value_context(ValueContext ctx) { values_ = std::move(ctx); }

 private:
  FdWriter out_;
  OutputFormat format_;
  const CompiledProgram &prog_;
  std::vector<int> map_fds_;
  bool map_read_failed_ = false;
  std::vector<char> zeroed_;  // per map: zero(@m) ran since the last clear (array slots then print as 0)
  ValueContext values_;
  // Renders a printf-style event's text (printf, cat's file name, system's command).
  bool render_format(const PrintfSpec &spec, const uint8_t *payload, size_t size, std::string *out);
  // Writes text, or in JSON {"type": type, "data": "text"}.
  void write_typed(const char *type, const std::string &text);

  std::vector<CompiledFormat> formats_;  // prog.printfs, parsed once
  std::string line_;                     // reused per event
  size_t cat_bytes_max_ = 10240;  // see set_cat_bytes_max
};

}  // namespace probe
