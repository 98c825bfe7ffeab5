// Rendering shared by hist and lhist: bucket bars in bpftrace 0.17's text
// layout and its JSON bucket objects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/agg/aggregation.h"

namespace probe {

// One bucket as printed: its label ("[4, 8)"), JSON bounds and count.
struct HistBucket {
  std::string label;
  std::optional<int64_t> min, max;  // JSON "min"/"max" (absent for open ends)
  uint64_t count;
};

// The value's u64 bucket counts.
std::vector<uint64_t> hist_counts(const uint8_t *value, uint32_t value_size);

// Bars from the first to the last non-empty bucket: "%-16s%8llu |%-52s|\n" lines.
std::string hist_text(const std::vector<HistBucket> &buckets);

// [{"min": a, "max": b, "count": n}, ...] over the same range ("[]" when empty).
std::string hist_json(const std::vector<HistBucket> &buckets);

// bpftrace's short number: 1024 -> "1K", 3145728 -> "3M" (K M G T P E), others as is.
std::string hist_number_label(uint64_t n);

// Total of all buckets: histograms sort by it.
uint64_t hist_total(const uint8_t *value, uint32_t value_size);

// The format of a histogram aggregation (hist, lhist) whose labelled buckets
// Buckets(spec, value, div) lists: summed per CPU, sorted by total, bars in
// text, bucket objects in JSON (type "hist").
template <std::vector<HistBucket> (*Buckets)(const MapSpec &, const uint8_t *, uint64_t)>
AggregationFormat histogram_format(const char *name) {
  return AggregationFormat{
      .name = name,
      .json_type = "hist",
      .block = true,
      .reduce = agg_reduce_sum,
      .sort_key = [](const MapSpec &s, const uint8_t *v) { return SortKey(hist_total(v, s.value_size)); },
      .text = [](const MapSpec &s, const uint8_t *v, uint64_t div) { return hist_text(Buckets(s, v, div)); },
      .json = [](const MapSpec &s, const uint8_t *v, uint64_t div) { return hist_json(Buckets(s, v, div)); },
  };
}

}  // namespace probe
