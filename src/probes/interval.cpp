// interval:s:N, interval:ms:N, interval:us:N, interval:hz:N (i), also
// interval:1s style: fires on ONE CPU (0) at a fixed rate, from the
// cpu-clock software event (an hrtimer, so it fires on an idle CPU too) with
// its sample period in nanoseconds.
#include <linux/perf_event.h>

#include "probes/perf_event.h"
#include "probes/providers.h"

namespace probe {

namespace {

class IntervalProvider : public PerfEventProvider {
 public:
  std::string_view name() const override { return "interval"; }
  std::vector<std::string_view> aliases() const override { return {"i"}; }
  ProbeKind kind() const override { return ProbeKind::Interval; }

  void expand(const ast::AttachPoint &ap, ExpandEnv &, Diagnostics &diags,
              std::vector<ExpandedProbe> &out) const override {
    uint64_t period = 0, hz = 0;
    if (!parse_rate(ap, "interval", false, diags, &period, &hz)) return;
    if (hz) period = 1000000000ull / hz;
    ExpandedProbe e;
    e.prog.kind = ProbeKind::Interval;
    e.prog.display = "interval" + ap.raw.substr(ap.raw.find(':'));
    e.prog.loc = ap.loc;
    e.prog.perf_type = PERF_TYPE_SOFTWARE;
    e.prog.perf_config = PERF_COUNT_SW_CPU_CLOCK;
    e.prog.period = period;
    e.prog.cpu = 0;
    out.push_back(std::move(e));
  }
};

}  // namespace

const ProbeProvider *interval_provider() {
  static const IntervalProvider p;
  return &p;
}

}  // namespace probe
