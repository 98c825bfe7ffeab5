#include "runtime/map_full.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "util/log.h"

namespace probe {

MapFullMonitor::MapFullMonitor(int fd, const CompiledProgram &prog)
    : fd_(fd), prog_(prog), reported_(prog.maps.size(), 0) {}

std::vector<uint64_t> MapFullMonitor::read() const {
  std::vector<uint64_t> totals;
  int ncpus = libbpf_num_possible_cpus();
  if (fd_ < 0 || ncpus <= 0) return totals;
  std::vector<uint64_t> vals(static_cast<size_t>(ncpus));
  for (uint32_t i = 0; i < prog_.maps.size(); i++) {
    uint64_t sum = 0;
    if (bpf_map_lookup_elem(fd_, &i, vals.data()) == 0)
      for (uint64_t v : vals) sum += v;
    totals.push_back(sum);
  }
  return totals;
}

std::string MapFullMonitor::message(const MapSpec &spec, uint64_t dropped, bool total) {
  return spec.name + ": " + std::to_string(dropped) + " update" + (dropped == 1 ? "" : "s") + " dropped" +
         (total ? " in all" : "") + ": the map is full (" + std::to_string(spec.max_entries) +
         (spec.max_entries == 1 ? " entry" : " entries") + "; raise it with BPFTRACE_MAP_KEYS_MAX)";
}

void MapFullMonitor::check() {
  std::vector<uint64_t> now = read();
  for (size_t i = 0; i < now.size() && i < reported_.size(); i++) {
    if (reported_[i] || !now[i]) continue;  // once per map while running
    PROBE_LOG(Warning, "%s", message(prog_.maps[i], now[i], false).c_str());
    reported_[i] = now[i];
  }
}

void MapFullMonitor::final_report() {
  std::vector<uint64_t> now = read();
  for (size_t i = 0; i < now.size() && i < reported_.size(); i++) {
    if (now[i] == reported_[i]) continue;
    PROBE_LOG(Warning, "%s", message(prog_.maps[i], now[i], reported_[i] != 0).c_str());
    reported_[i] = now[i];
  }
}

}  // namespace probe
