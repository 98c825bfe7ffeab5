// What the compiler hands the runtime: the BPF ELF object plus the tables
// user space needs to attach probes and decode events and maps. The runtime
// never looks at the AST.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "frontend/location.h"
#include "frontend/types.h"

namespace probe {

// Names of the fixed maps every object has.
inline constexpr const char *kEventsMap = "events";     // BPF_MAP_TYPE_RINGBUF
inline constexpr const char *kLostMap = "lost_events";  // per-CPU array[1] of u64
inline constexpr const char *kStackMap = "stacks";      // stack traces, when kstack is used
inline constexpr const char *kMapFullMap = "map_full";  // per-CPU array[user maps] of u64: updates lost to a full map
inline constexpr uint32_t kMaxStackDepth = 127;         // frames kept per stack
inline constexpr const char *kZerosMap = "zeros";       // array[1] of zeros: new histogram entries
// Per-CPU array, one entry per probe body: the temporaries of probes too
// large for the 512-byte BPF stack (see Lowering::move_temps_to_scratch).
inline constexpr const char *kScratchMap = "scratch";
inline constexpr const char *kLoopVarsMap = "loop_vars";  // per-CPU array[programs]: variables while a for loop runs

// The first 8 bytes of every ring-buffer record.
struct EventHeader {
  uint32_t kind;  // EventKind
  uint32_t id;    // index into the table the kind selects
};

enum class EventKind : uint32_t {
  Printf = 1,    // id -> PrintfSpec; payload at the spec's offsets
  Print = 2,     // id -> PrintSpec; payload is one value
  PrintMap = 3,  // id -> MapSpec index; print that map now
  Exit = 4,      // stop tracing; payload: the i64 exit status
  ClearMap = 5,  // id -> MapSpec index
  ZeroMap = 6,   // id -> MapSpec index
  Time = 7,      // id -> PrintfSpec whose format is time()'s strftime format
  Join = 8,      // id -> PrintfSpec whose format is the separator; payload: u64 count, then join_argnum slots of join_argsize
  Cat = 9,       // id -> PrintfSpec: the file name's format and arguments
  System = 10,   // id -> PrintfSpec: the command's format and arguments (--unsafe)
  PrintEntry = 11,   // id -> MapSpec index; payload is one key: print(@agg[k]) prints its value
  HelperError = 16,  // -k: id -> HelperErrorSite; payload is the helper's i64 return code
};

// One call site whose BPF helper's failure -k reports (bpftrace's helper_error).
struct HelperErrorSite {
  uint32_t helper = 0;      // bpf_func_id
  std::string helper_name;  // "map_update_elem"
  Loc loc;                  // where the call is in the source
  std::string where;        // "stdin:1:42-43" (or "stdin:1-3" across lines)
  std::string context;      // the source line and its ~~~ underline, each ending in '\n'; "" if multi-line
};

// One printf call site: its format and where each argument sits in the payload.
struct PrintfSpec {
  std::string format;
  std::vector<Type> args;
  std::vector<uint32_t> offsets;  // from the start of the payload (after EventHeader)
  uint32_t payload_size = 0;
  uint32_t slot_size = 0;  // Join: bytes per string slot (config join_argsize)
};

// One print(value) call site.
struct PrintSpec {
  Type type;
};

// One user map (@name): BPF name, key/value layout, aggregation.
struct MapSpec {
  std::string name;      // "@", "@bytes"
  std::string bpf_name;  // ELF/BTF map name ("m_bytes")
  Type key;              // Int u64 (constant 0) for scalar maps; Tuple for multi-key
  bool scalar = true;    // no keys in the source
  Type value;            // the stored type; Aggregation for count(), hist()...
  AggregationRef agg;    // which aggregation, with its parameters; empty name: plain values
  bool percpu = false;
  // A one-entry per-CPU array (key u32 0) instead of a hash: key-less
  // aggregations whose all-zero value means "no entry". The kernel inlines
  // the lookup (no helper call per event); an all-zero value prints as absent.
  bool array = false;
  uint32_t key_size = 8;
  uint32_t value_size = 8;  // one CPU's value: storage_size(value), or the aggregation's layout

  // True when the map holds an aggregation (reduced across CPUs, printed by runtime/agg/).
  bool aggregated() const { return !agg.name.empty(); }
  uint32_t max_entries = 4096;
};

enum class ProbeKind { Begin, End, Uprobe, Uretprobe, Tracepoint, Kprobe, Kretprobe, Fentry, Fexit, RawTracepoint, Interval, Profile, Software };

// One BPF program and everything needed to attach it.
struct ProbeProgram {
  std::string prog_name;  // ELF function name
  ProbeKind kind;
  std::string display;  // the attach point as users wrote it, expanded
  Loc loc;              // the attach point in the source
  // Attach target, meaning depends on kind:
  std::string path;           // uprobe: binary; tracepoint: category
  std::string func;           // uprobe/kprobe: symbol; tracepoint: event name
  uint64_t offset = 0;        // uprobe: file offset of func (+ user offset)
  uint64_t freq = 0;          // profile:hz: sample_freq (Hz); 0 means use period
  std::vector<std::string> funcs;  // kprobe_multi targets
  // interval/profile/software: the perf event and how often it samples.
  uint32_t perf_type = 0;     // PERF_TYPE_*
  uint64_t perf_config = 0;   // PERF_COUNT_*
  uint64_t period = 0;        // sample_period (events, or ns for clocks) when freq == 0
  int cpu = -1;               // one CPU, or -1 for every online CPU
  // One of a wildcard's matches: a target the kernel cannot probe is
  // skipped with a warning instead of failing the whole program.
  bool wildcard_match = false;
};

// The compiler's output.
struct CompiledProgram {
  std::vector<uint8_t> elf;
  std::vector<ProbeProgram> probes;
  std::vector<MapSpec> maps;
  std::vector<PrintfSpec> printfs;
  std::vector<PrintSpec> prints;
  std::vector<HelperErrorSite> helper_errors;  // -k call sites by id
  bool counts_map_full = false;                // the object has kMapFullMap (one slot per user map)
  uint32_t ringbuf_size = 1u << 22;  // bytes; power of two, multiple of page size
  bool uses_stacks = false;          // the object has the kStackMap map
  std::string listing;               // -d ir / -d asm text: the driver prints it (codegen never writes stdout)
};

}  // namespace probe
