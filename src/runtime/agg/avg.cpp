// avg(v): {i64 sum; u64 count} per CPU, both summed; prints sum / count
// (integer division, 0 when empty). bpftrace prints avg maps as stats: JSON
// type "stats" and a blank line after the map.
#include "runtime/agg/aggregation.h"

namespace probe {

namespace {

int64_t average(const uint8_t *v) {
  int64_t sum = agg_word(v), count = agg_word(v + 8);
  if (count == -1) return int64_t(0 - uint64_t(sum));  // INT64_MIN / -1 overflows
  return count ? sum / count : 0;
}

std::string text(const MapSpec &, const uint8_t *v, uint64_t div) {
  return std::to_string(average(v) / int64_t(div ? div : 1));
}

}  // namespace

const AggregationFormat &avg_format() {
  static const AggregationFormat f{
      .name = "avg",
      .json_type = "stats",
      .trailer = "\n",
      .reduce = agg_reduce_sum,
      .sort_key = [](const MapSpec &, const uint8_t *v) { return SortKey(average(v)); },
      .text = text,
      .json = text,
  };
  return f;
}

}  // namespace probe
