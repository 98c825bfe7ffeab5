// hist(v[, k]): the buckets builtins/agg/hist.cpp fills, labelled as
// bpftrace prints them: "(..., 0)", "[0]", "[1]", "[2, 4)", "[1K, 2K)"; with
// k > 0 a bucket of one value prints "[5]". Sorted by total count.
#include "runtime/agg/aggregation.h"
#include "runtime/agg/histogram.h"

namespace probe {

namespace {

// Lower bound and width of bucket i (i >= 1) for sub-bucket bits k.
std::pair<int64_t, int64_t> bounds(size_t i, int64_t k) {
  int64_t linear = 2ll << k;  // values below this have a bucket each
  if (int64_t(i) - 1 < linear) return {int64_t(i) - 1, 1};
  int64_t j = int64_t(i) - 1 - linear;  // index among the logarithmic buckets
  int64_t p = k + 1 + j / (1ll << k), sub = j % (1ll << k);
  int64_t width = 1ll << (p - k);
  return {(1ll << p) + sub * width, width};
}

std::vector<HistBucket> buckets(const MapSpec &spec, const uint8_t *v, uint64_t div) {
  int64_t k = spec.agg.params.empty() ? 0 : spec.agg.params[0];
  std::vector<uint64_t> counts = hist_counts(v, spec.value_size);
  std::vector<HistBucket> out;
  for (size_t i = 0; i < counts.size(); i++) {
    uint64_t n = counts[i] / (div ? div : 1);
    if (i == 0) {
      out.push_back({"(..., 0)", std::nullopt, -1, n});
      continue;
    }
    auto [lo, width] = bounds(i, k);
    std::string label = width == 1 ? "[" + hist_number_label(lo) + "]"
                                   : "[" + hist_number_label(lo) + ", " + hist_number_label(uint64_t(lo) + width) + ")";
    out.push_back({label, lo, lo + (width - 1), n});  // the last bucket ends at 2^63: no signed overflow
  }
  return out;
}

}  // namespace

const AggregationFormat &hist_format() {
  static const AggregationFormat f = histogram_format<buckets>("hist");
  return f;
}

}  // namespace probe
