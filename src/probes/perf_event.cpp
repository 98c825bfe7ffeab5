#include "probes/perf_event.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>

namespace probe {

std::optional<uint64_t> parse_count(const std::string &s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  errno = 0;
  unsigned long long v = std::strtoull(s.c_str(), nullptr, 10);
  if (errno || v == 0) return std::nullopt;
  return v;
}

bool parse_rate(const ast::AttachPoint &ap, const std::string &type, bool bare_is_hz,
                Diagnostics &diags, uint64_t *period_ns, uint64_t *hz) {
  std::string unit, num;
  if (ap.parts.size() == 3) {
    unit = ap.parts[1];
    num = ap.parts[2];
  } else if (ap.parts.size() == 2) {
    // "1s", "100ms", "99hz", or (profile) a bare rate in Hz
    size_t i = ap.parts[1].find_first_not_of("0123456789");
    num = ap.parts[1].substr(0, i);
    unit = i == std::string::npos ? (bare_is_hz ? "hz" : "") : ap.parts[1].substr(i);
  }
  auto n = parse_count(num);
  uint64_t mult = 0;
  if (unit == "s") mult = 1000000000ull;
  else if (unit == "ms") mult = 1000000ull;
  else if (unit == "us") mult = 1000ull;
  else if (unit == "ns") mult = 1;
  else if (unit != "hz") {
    diags.error(ap.loc, "'" + ap.raw + "': " +
                            (unit.empty() ? "missing unit" : "unknown unit '" + unit + "'"));
    diags.hint("write `" + type + ":s:1`, `" + type + ":ms:100`, `" + type + ":us:500` or `" + type +
               ":hz:99`");
    return false;
  }
  if (!n) {
    diags.error(ap.loc, "'" + ap.raw + "': the " + (unit == "hz" ? "rate" : "interval") +
                            " must be a positive integer");
    diags.hint("write `" + type + ":" + unit + ":N` with N > 0");
    return false;
  }
  *period_ns = 0;
  *hz = 0;
  if (unit == "hz") {
    if (*n > 1000000000ull) {
      diags.error(ap.loc, "'" + ap.raw + "': rate above 1 GHz");
      return false;
    }
    *hz = *n;
  } else {
    // perf_event_open refuses periods with bit 63 set (EINVAL at attach).
    if (*n > static_cast<uint64_t>(INT64_MAX) / mult) {
      diags.error(ap.loc, "'" + ap.raw + "': interval too long");
      return false;
    }
    *period_ns = *n * mult;
  }
  return true;
}

Result<std::vector<BpfLink>> PerfEventProvider::attach(const ProbeProgram &p, bpf_program *prog,
                                                       const Config &) const {
  bool freq = p.freq != 0;
  return attach_perf_event(prog, p.perf_type, p.perf_config, freq ? p.freq : p.period, freq, p.cpu);
}

}  // namespace probe
