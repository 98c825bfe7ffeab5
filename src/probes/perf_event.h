// Shared by interval, profile and software: parsing rates and counts, and
// the provider base that attaches a perf event (section "perf_event").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "probes/provider.h"

namespace probe {

// A positive decimal integer, or nullopt.
std::optional<uint64_t> parse_count(const std::string &s);

// "s"/"ms"/"us"/"hz" and N (or "N<unit>" in one part) for interval and
// profile. Sets period_ns, or hz for "hz"; reports to diags and returns false
// on a bad spec. `example` is shown in hints.
bool parse_rate(const ast::AttachPoint &ap, const std::string &type, bool bare_is_hz,
                Diagnostics &diags, uint64_t *period_ns, uint64_t *hz);

// Common context/section/attach of perf-event programs.
class PerfEventProvider : public ProbeProvider {
 public:
  ProbeContext context() const override {
    ProbeContext c;
    c.space = AddrSpace::Kernel;
    return c;
  }
  std::string section(const ProbeProgram &) const override { return "perf_event"; }
  Result<std::vector<BpfLink>> attach(const ProbeProgram &p, bpf_program *prog,
                                      const Config &cfg) const override;
};

}  // namespace probe
