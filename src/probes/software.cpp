// software:EVENT:N and software:EVENT (s): a software perf event on every
// online CPU, firing once every N occurrences (default per event, as in
// bpftrace). Clock events count nanoseconds.
#include <linux/perf_event.h>

#include <iterator>

#include "probes/perf_event.h"
#include "probes/providers.h"
#include "util/strings.h"

namespace probe {

namespace {

struct SoftwareEvent {
  const char *name;
  const char *alias;  // or nullptr
  uint64_t config;
  uint64_t default_period;
};

constexpr SoftwareEvent kEvents[] = {
    {"cpu-clock", "cpu", PERF_COUNT_SW_CPU_CLOCK, 1000000},
    {"task-clock", nullptr, PERF_COUNT_SW_TASK_CLOCK, 1000000},
    {"page-faults", "faults", PERF_COUNT_SW_PAGE_FAULTS, 100},
    {"context-switches", "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000},
    {"cpu-migrations", nullptr, PERF_COUNT_SW_CPU_MIGRATIONS, 1},
    {"minor-faults", nullptr, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100},
    {"major-faults", nullptr, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1},
    {"alignment-faults", nullptr, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1},
    {"emulation-faults", nullptr, PERF_COUNT_SW_EMULATION_FAULTS, 1},
    {"dummy", nullptr, PERF_COUNT_SW_DUMMY, 1},
    {"bpf-output", nullptr, PERF_COUNT_SW_BPF_OUTPUT, 1},
};

class SoftwareProvider : public PerfEventProvider {
 public:
  std::string_view name() const override { return "software"; }
  std::vector<std::string_view> aliases() const override { return {"s"}; }
  ProbeKind kind() const override { return ProbeKind::Software; }

  void expand(const ast::AttachPoint &ap, ExpandEnv &, Diagnostics &diags,
              std::vector<ExpandedProbe> &out) const override {
    if (ap.parts.size() < 2 || ap.parts.size() > 3 || ap.parts[1].empty()) {
      diags.error(ap.loc, "software needs an event and optionally a count");
      diags.hint("write `software:page-faults:100`; events are " + event_names());
      return;
    }
    const SoftwareEvent *ev = nullptr;
    for (const auto &e : kEvents)
      if (ap.parts[1] == e.name || (e.alias && ap.parts[1] == e.alias)) ev = &e;
    if (!ev) {
      diags.error(ap.loc, "unknown software event '" + ap.parts[1] + "'");
      std::vector<std::string> names;
      for (const auto &e : kEvents) names.push_back(e.name);
      std::string near = closest(ap.parts[1], names);
      diags.hint(near.empty() ? "events are " + event_names() : "did you mean '" + near + "'?");
      return;
    }
    uint64_t period = ev->default_period;
    if (ap.parts.size() == 3) {
      auto n = parse_count(ap.parts[2]);
      if (!n) {
        diags.error(ap.loc, "'" + ap.raw + "': the count must be a positive integer");
        diags.hint(std::string("write `software:") + ev->name + ":N`: the probe fires every N events");
        return;
      }
      period = *n;
    }
    ExpandedProbe e;
    e.prog.kind = ProbeKind::Software;
    e.prog.func = ev->name;
    e.prog.display = std::string("software:") + ev->name + ":" + std::to_string(period);
    e.prog.loc = ap.loc;
    e.prog.perf_type = PERF_TYPE_SOFTWARE;
    e.prog.perf_config = ev->config;
    e.prog.period = period;
    e.prog.cpu = -1;
    out.push_back(std::move(e));
  }

 private:
  static std::string event_names() {
    std::vector<std::string> names;
    for (const auto &e : kEvents) names.push_back(std::string(e.name) + (e.alias ? std::string("/") + e.alias : ""));
    return join(names, ", ");
  }
};

}  // namespace

const ProbeProvider *software_provider() {
  static const SoftwareProvider p;
  return &p;
}

}  // namespace probe
