#include "runtime/bpf_link.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <sstream>

#include "runtime/errors.h"
#include "runtime/privileges.h"

namespace probe {

namespace {

// Builds the error for a failed attach, with a target-specific hint.
// EPERM/EACCES name the capability probe lacks, or else a policy.
Error attach_error(const std::string &target, int err, std::string hint) {
  if (err == EPERM || err == EACCES) return denied_error("cannot attach to " + target, err);
  if (hint.empty()) hint = resource_hint(err);
  return sys_error("cannot attach to " + target, err, std::move(hint));
}

int last_errno(const void *ptr) {
  int err = errno;
  if (ptr == nullptr && err == 0) err = EINVAL;
  return err;
}

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

}  // namespace

std::string perf_event_name(uint32_t type, uint64_t config) {
  static const char *hardware[] = {"cpu-cycles", "instructions", "cache-references", "cache-misses",
                                   "branch-instructions", "branch-misses", "bus-cycles",
                                   "stalled-cycles-frontend", "stalled-cycles-backend", "ref-cycles"};
  static const char *software[] = {"cpu-clock", "task-clock", "page-faults", "context-switches",
                                   "cpu-migrations", "minor-faults", "major-faults", "alignment-faults",
                                   "emulation-faults", "dummy", "bpf-output"};
  if (type == PERF_TYPE_HARDWARE && config < std::size(hardware)) return std::string("hardware:") + hardware[config];
  if (type == PERF_TYPE_SOFTWARE && config < std::size(software)) return std::string("software:") + software[config];
  return "type " + std::to_string(type) + " config " + std::to_string(config);
}

BpfLink &BpfLink::operator=(BpfLink &&o) noexcept {
  if (this != &o) {
    reset();
    link_ = o.link_;
    o.link_ = nullptr;
  }
  return *this;
}

void BpfLink::reset() {
  if (link_) bpf_link__destroy(link_);
  link_ = nullptr;
}

Result<BpfLink> attach_uprobe(bpf_program *prog, const std::string &binary_path,
                              uint64_t file_offset, bool retprobe, pid_t pid) {
  LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = retprobe);
  errno = 0;
  bpf_link *l = bpf_program__attach_uprobe_opts(prog, pid, binary_path.c_str(), file_offset, &opts);
  if (l) return BpfLink(l);
  int err = last_errno(l);
  std::string target = std::string(retprobe ? "uretprobe" : "uprobe") + " " + binary_path + " at " +
                       hex(file_offset) + (pid >= 0 ? " (pid " + std::to_string(pid) + ")" : "");
  std::string hint;
  if (err == ENOENT) hint = "the binary does not exist (or the pid is gone)";
  else if (err == EINVAL) hint = "the offset must be the start of an instruction inside an executable segment";
  else if (err == ESRCH) hint = "no process with that pid";
  return attach_error(target, err, hint);
}

Result<BpfLink> attach_tracepoint(bpf_program *prog, const std::string &category,
                                  const std::string &name) {
  errno = 0;
  bpf_link *l = bpf_program__attach_tracepoint(prog, category.c_str(), name.c_str());
  if (l) return BpfLink(l);
  int err = last_errno(l);
  std::string hint;
  if (err == ENOENT)
    hint = "no such tracepoint; list them with `probe -l 'tracepoint:*'`";
  return attach_error("tracepoint:" + category + ":" + name, err, hint);
}

Result<BpfLink> attach_kprobe(bpf_program *prog, const std::string &func, uint64_t offset,
                              bool retprobe) {
  LIBBPF_OPTS(bpf_kprobe_opts, opts, .offset = size_t(offset), .retprobe = retprobe);
  errno = 0;
  bpf_link *l = bpf_program__attach_kprobe_opts(prog, func.c_str(), &opts);
  if (l) return BpfLink(l);
  int err = last_errno(l);
  std::string target = std::string(retprobe ? "kretprobe:" : "kprobe:") + func +
                       (offset ? "+" + std::to_string(offset) : "");
  std::string hint;
  if (err == ENOENT || err == EINVAL)
    hint = "no such kernel function (or it cannot be probed); list them with `probe -l 'kprobe:*'`";
  else if (err == EOPNOTSUPP || err == ENOTSUP)
    hint = "kprobes are not supported by this kernel";
  return attach_error(target, err, hint);
}

Result<BpfLink> attach_kprobe_multi(bpf_program *prog, const std::vector<std::string> &funcs,
                                    bool retprobe) {
  std::vector<const char *> syms;
  syms.reserve(funcs.size());
  for (const auto &f : funcs) syms.push_back(f.c_str());
  LIBBPF_OPTS(bpf_kprobe_multi_opts, opts, .syms = syms.data(), .cnt = syms.size(),
              .retprobe = retprobe);
  errno = 0;
  bpf_link *l = bpf_program__attach_kprobe_multi_opts(prog, nullptr, &opts);
  if (l) return BpfLink(l);
  int err = last_errno(l);
  std::string target = std::to_string(funcs.size()) + " kernel functions (" +
                       (funcs.empty() ? "" : funcs.front() + ", ...") + ") with kprobe.multi";
  std::string hint;
  if (err == EOPNOTSUPP || err == ENOTSUP || err == EINVAL)
    hint = "kprobe.multi is unsupported here; retry with kprobe_multi disabled";
  else if (err == ESRCH || err == ENOENT)
    hint = "one of the functions does not exist; list them with `probe -l 'kprobe:*'`";
  return attach_error(target, err, hint);
}

std::vector<int> online_cpus() {
  std::vector<int> cpus;
  std::ifstream in("/sys/devices/system/cpu/online");
  std::string spec;
  if (!std::getline(in, spec)) spec = "0";
  std::istringstream ranges(spec);
  for (std::string r; std::getline(ranges, r, ',');) {
    int a = 0, b = 0;
    if (std::sscanf(r.c_str(), "%d-%d", &a, &b) == 2) {
      for (int c = a; c <= b; c++) cpus.push_back(c);
    } else if (std::sscanf(r.c_str(), "%d", &a) == 1) {
      cpus.push_back(a);
    }
  }
  return cpus;
}

Result<std::vector<BpfLink>> attach_perf_event(bpf_program *prog, uint32_t type, uint64_t config,
                                               uint64_t period_or_freq, bool freq, int cpu) {
  std::vector<int> cpus = cpu >= 0 ? std::vector<int>{cpu} : online_cpus();
  std::vector<BpfLink> links;
  std::string target = "perf event " + perf_event_name(type, config);
  for (int c : cpus) {
    perf_event_attr attr{};
    attr.size = sizeof attr;
    attr.type = type;
    attr.config = config;
    attr.freq = freq ? 1 : 0;
    if (freq) attr.sample_freq = period_or_freq;
    else attr.sample_period = period_or_freq;
    int fd = int(syscall(SYS_perf_event_open, &attr, -1, c, -1, PERF_FLAG_FD_CLOEXEC));
    if (fd < 0) {
      int err = errno;
      if (err == ENODEV && cpu < 0) continue;  // CPU went offline
      std::string hint = (err == ENOENT || err == EOPNOTSUPP || err == ENODEV)
                             ? "this event is not available here (virtual machines often lack a PMU)"
                             : "";
      return attach_error(target + " on CPU " + std::to_string(c), err, hint);
    }
    errno = 0;
    bpf_link *l = bpf_program__attach_perf_event(prog, fd);
    if (!l) {
      int err = last_errno(l);
      close(fd);
      return attach_error(target + " on CPU " + std::to_string(c), err, "");
    }
    links.emplace_back(l);  // the link owns fd now
  }
  return links;
}

Result<BpfLink> attach_raw_tracepoint(bpf_program *prog, const std::string &name) {
  errno = 0;
  bpf_link *l = bpf_program__attach_raw_tracepoint(prog, name.c_str());
  if (l) return BpfLink(l);
  int err = last_errno(l);
  std::string hint;
  if (err == ENOENT)
    hint = "no such raw tracepoint; list them with `probe -l 'rawtracepoint:*'`";
  return attach_error("rawtracepoint:" + name, err, hint);
}

Result<BpfLink> attach_trace(bpf_program *prog) {
  errno = 0;
  bpf_link *l = bpf_program__attach_trace(prog);
  if (l) return BpfLink(l);
  int err = last_errno(l);
  std::string hint;
  if (err == ENOTSUP || err == EOPNOTSUPP || err == EINVAL)
    hint = "fentry/fexit need BPF trampolines, which this kernel does not support";
  else if (err == ENOENT || err == ESRCH)
    hint = "the function has no BTF; list functions with `probe -l 'fentry:*'`";
  // The section ("fentry/vfs_read") names the target as users wrote it ("fentry:vfs_read").
  const char *sec = bpf_program__section_name(prog);
  std::string target = sec ? sec : bpf_program__name(prog);
  if (size_t slash = target.find('/'); slash != std::string::npos) target[slash] = ':';
  return attach_error(target, err, hint);
}

Status run_prog_once(bpf_program *prog) {
  int fd = bpf_program__fd(prog);
  if (fd < 0) return make_error(std::string("program '") + bpf_program__name(prog) + "' is not loaded");
  LIBBPF_OPTS(bpf_test_run_opts, opts);
  if (bpf_prog_test_run_opts(fd, &opts) != 0) {
    int err = errno;
    return sys_error(std::string("cannot run program '") + bpf_program__name(prog) + "'", err,
                     err == kENOTSUPP || err == EOPNOTSUPP || err == EINVAL
                         ? "BEGIN/END need BPF_PROG_TEST_RUN for raw_tp programs (Linux 5.10+)"
                         : resource_hint(err));
  }
  return Ok{};
}

}  // namespace probe
