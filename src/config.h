// Everything the command line decides, carried through the pipeline
// explicitly (no global flags).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace probe {

enum class OutputFormat { Text, Json };

// -B: how program output is buffered (Auto: line on a terminal, else full, as bpftrace).
enum class BufferMode { Auto, None, Line, Full };

struct Config {
  bool verbose = false;
  bool dry_run = false;       // compile only: no root, no loading
  bool dump_ast = false;      // -d ast
  bool dump_ir = false;       // -d ir
  bool dump_asm = false;      // -d asm
  std::string emit_elf;       // --emit-elf FILE
  std::string cmd;            // -c CMD
  std::optional<pid_t> pid;   // -p PID, or the child's pid with -c
  bool pid_filter = false;    // -p: uprobes fire in that process only (-c traces the binary everywhere, like bpftrace)
  std::vector<std::string> params;  // positional parameters $1..$N
  OutputFormat format = OutputFormat::Text;
  unsigned str_size = 64;          // default capacity of str() results
  unsigned ringbuf_size = 1u << 22;
  bool kprobe_multi = true;        // false forces one link per kprobe
  unsigned max_probes = 1024;
  bool quiet = false;              // -q: no "Attaching N probes..." line
  std::string output_file;         // -o FILE: program output there instead of stdout
  BufferMode buffering = BufferMode::Auto;  // -B
  int helper_check_level = 0;      // -k: 1 (helper errors), -kk: 2 (probe reads too)
  uint32_t map_keys_max = 4096;    // entries per map (BPFTRACE_MAP_KEYS_MAX)
  // What "/proc/self/exe" means in attach points: the traced command, or us.
  std::string self_exe;
  // --unsafe: allow system(), signal() and override().
  bool unsafe = false;
  // CLOCK_MONOTONIC ns when probe started (elapsed counts from here; 0 in tests).
  unsigned long long start_ns = 0;
  // join(): at most this many strings of at most this many bytes (bpftrace's defaults).
  unsigned join_argnum = 16;
  unsigned join_argsize = 1024;
  // -I DIR and --include FILE: header search directories and headers included first.
  std::vector<std::string> include_dirs;
  std::vector<std::string> include_files;
  // Kernel types from this BTF file instead of /sys/kernel/btf/vmlinux (tests, fuzzers).
  std::string btf_path;
  // Settings of the `config = { ... }` block and their BPFTRACE_* variables
  // (frontend/settings.h). str_size, map_keys_max and max_probes above are three of them.
  std::string stack_mode = "bpftrace";  // bpftrace, perf or raw (kept for kstack/ustack)
  uint32_t log_size = 1000000;          // verifier log bytes
  uint32_t cat_bytes_max = 10240;       // at most this much of a file is printed by cat()
  bool print_maps_on_exit = true;       // false: maps are not printed when probe exits
  uint32_t on_stack_limit = 32;         // larger values belong in scratch maps
  std::string missing_probes = "warn";  // attach points that do not exist: error, warn or ignore
  uint32_t max_bpf_progs = 1024;
  std::string license = "GPL";
  std::string str_trunc_trailer = "..";
  bool cpp_demangle = true;
  bool lazy_symbolication = false;
  std::string cache_user_symbols = "PER_PID";
  bool show_debug_info = true;
  // Settings the environment gave: a config block does not override them (bpftrace's precedence).
  std::vector<std::string> env_settings;
};

}  // namespace probe
