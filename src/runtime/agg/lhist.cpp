// lhist(v, min, max, step): the buckets builtins/agg/lhist.cpp fills,
// labelled "(..., min)", "[lo, hi)", "[max, ...)" as bpftrace prints them.
// Sorted by total count.
#include <algorithm>

#include "runtime/agg/aggregation.h"
#include "runtime/agg/histogram.h"

namespace probe {

namespace {

std::vector<HistBucket> buckets(const MapSpec &spec, const uint8_t *v, uint64_t div) {
  const auto &p = spec.agg.params;
  int64_t min = p.at(0), max = p.at(1), step = p.at(2);
  std::vector<uint64_t> counts = hist_counts(v, spec.value_size);
  std::vector<HistBucket> out;
  for (size_t i = 0; i < counts.size(); i++) {
    uint64_t n = counts[i] / (div ? div : 1);
    if (i == 0) {
      out.push_back({"(..., " + hist_number_label(min) + ")", std::nullopt, min - 1, n});
    } else if (i + 1 == counts.size()) {
      out.push_back({"[" + hist_number_label(max) + ", ...)", max, std::nullopt, n});
    } else {
      int64_t lo = min + int64_t(i - 1) * step, hi = std::min(lo + step, max);
      out.push_back({"[" + hist_number_label(lo) + ", " + hist_number_label(hi) + ")", lo, hi - 1, n});
    }
  }
  return out;
}

}  // namespace

const AggregationFormat &lhist_format() {
  static const AggregationFormat f = histogram_format<buckets>("lhist");
  return f;
}

}  // namespace probe
