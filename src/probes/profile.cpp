// profile:hz:N (p), profile:s:N, profile:ms:N, profile:us:N, also
// profile:99 / profile:10ms: samples every online CPU from the cpu-clock
// software event, at N Hz (perf's frequency mode) or every period.
#include <linux/perf_event.h>

#include "probes/perf_event.h"
#include "probes/providers.h"

namespace probe {

namespace {

class ProfileProvider : public PerfEventProvider {
 public:
  std::string_view name() const override { return "profile"; }
  std::vector<std::string_view> aliases() const override { return {"p"}; }
  ProbeKind kind() const override { return ProbeKind::Profile; }

  void expand(const ast::AttachPoint &ap, ExpandEnv &, Diagnostics &diags,
              std::vector<ExpandedProbe> &out) const override {
    uint64_t period = 0, hz = 0;
    if (!parse_rate(ap, "profile", true, diags, &period, &hz)) return;
    ExpandedProbe e;
    e.prog.kind = ProbeKind::Profile;
    e.prog.display = "profile" + ap.raw.substr(ap.raw.find(':'));
    e.prog.loc = ap.loc;
    e.prog.perf_type = PERF_TYPE_SOFTWARE;
    e.prog.perf_config = PERF_COUNT_SW_CPU_CLOCK;
    e.prog.freq = hz;
    e.prog.period = period;
    e.prog.cpu = -1;
    out.push_back(std::move(e));
  }
};

}  // namespace

const ProbeProvider *profile_provider() {
  static const ProfileProvider p;
  return &p;
}

}  // namespace probe
