// Everything the command line decides, carried through the pipeline
// explicitly (no global flags).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace probe {

enum class OutputFormat { Text, Json };

struct Config {
  bool verbose = false;
  bool dry_run = false;       // compile only: no root, no loading
  bool dump_ast = false;      // -d ast
  bool dump_ir = false;       // -d ir
  bool dump_asm = false;      // -d asm
  std::string emit_elf;       // --emit-elf FILE
  std::string cmd;            // -c CMD
  std::optional<pid_t> pid;   // -p PID, or the child's pid with -c
  std::vector<std::string> params;  // positional parameters $1..$N
  OutputFormat format = OutputFormat::Text;
  unsigned str_size = 64;          // default capacity of str() results
  unsigned ringbuf_size = 1u << 22;
  bool kprobe_multi = true;        // false forces one link per kprobe
  unsigned max_probes = 1024;
  // What "/proc/self/exe" means in attach points: the traced command, or us.
  std::string self_exe;
  // --unsafe: allow system(), signal() and override().
  bool unsafe = false;
  // CLOCK_MONOTONIC ns when probe started (elapsed counts from here; 0 in tests).
  unsigned long long start_ns = 0;
  // join(): at most this many strings of at most this many bytes (bpftrace's defaults).
  unsigned join_argnum = 16;
  unsigned join_argsize = 1024;
  // Kernel types from this BTF file instead of /sys/kernel/btf/vmlinux (tests, fuzzers).
  std::string btf_path;
};

}  // namespace probe
