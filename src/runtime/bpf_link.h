// RAII attachment of a BPF program to its event source, and the attach
// helpers probe providers build on. Every error names the target, the errno
// text and a hint.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

struct bpf_link;
struct bpf_program;

namespace probe {

// One attached program; detached (bpf_link__destroy) on destruction.
class BpfLink {
 public:
  BpfLink() = default;
  explicit BpfLink(bpf_link *l) : link_(l) {}
  BpfLink(BpfLink &&o) noexcept : link_(o.link_) { o.link_ = nullptr; }
  BpfLink &operator=(BpfLink &&o) noexcept;
  BpfLink(const BpfLink &) = delete;
  BpfLink &operator=(const BpfLink &) = delete;
  ~BpfLink() { reset(); }

  // Detaches now.
  void reset();
  bpf_link *get() const { return link_; }
  explicit operator bool() const { return link_ != nullptr; }

 private:
  bpf_link *link_ = nullptr;
};

// uprobe/uretprobe at a FILE offset of binary_path; pid -1 traces every process.
Result<BpfLink> attach_uprobe(bpf_program *prog, const std::string &binary_path,
                              uint64_t file_offset, bool retprobe, pid_t pid);
// tracepoint:category:name.
Result<BpfLink> attach_tracepoint(bpf_program *prog, const std::string &category,
                                  const std::string &name);
// kprobe/kretprobe on func+offset.
Result<BpfLink> attach_kprobe(bpf_program *prog, const std::string &func, uint64_t offset,
                              bool retprobe);
// One link for many kernel functions (kprobe.multi).
Result<BpfLink> attach_kprobe_multi(bpf_program *prog, const std::vector<std::string> &funcs,
                                    bool retprobe);
// perf_event_open(type, config) on one CPU, or on every online CPU when cpu < 0.
Result<std::vector<BpfLink>> attach_perf_event(bpf_program *prog, uint32_t type, uint64_t config,
                                               uint64_t period_or_freq, bool freq, int cpu);
// raw_tracepoint:name.
Result<BpfLink> attach_raw_tracepoint(bpf_program *prog, const std::string &name);
// fentry/fexit: target comes from the program's BTF attach info.
Result<BpfLink> attach_trace(bpf_program *prog);

// Runs a raw_tp program once via BPF_PROG_TEST_RUN (how BEGIN/END fire).
Status run_prog_once(bpf_program *prog);

// "software:cpu-clock", "hardware:instructions", or "type T config C", for messages.
std::string perf_event_name(uint32_t type, uint64_t config);

// The CPUs listed in /sys/devices/system/cpu/online.
std::vector<int> online_cpus();

}  // namespace probe
