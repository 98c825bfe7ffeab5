// stats(v): {u64 count; i64 total} per CPU, both summed; prints "count N,
// average A, total T" (JSON {"count", "average", "total"}), sorted by the
// average, with a blank line after the map, as bpftrace 0.17.
#include "runtime/agg/aggregation.h"

namespace probe {

namespace {

int64_t average(const uint8_t *v) {
  int64_t count = agg_word(v), total = agg_word(v + 8);
  if (count == -1) return int64_t(0 - uint64_t(total));  // INT64_MIN / -1 overflows
  return count ? total / count : 0;
}

std::string text(const MapSpec &, const uint8_t *v, uint64_t) {
  return "count " + std::to_string(agg_word(v)) + ", average " + std::to_string(average(v)) + ", total " +
         std::to_string(agg_word(v + 8));
}

std::string json(const MapSpec &, const uint8_t *v, uint64_t) {
  return "{\"count\": " + std::to_string(agg_word(v)) + ", \"average\": " + std::to_string(average(v)) +
         ", \"total\": " + std::to_string(agg_word(v + 8)) + "}";
}

}  // namespace

const AggregationFormat &stats_format() {
  static const AggregationFormat f{
      .name = "stats",
      .json_type = "stats",
      .trailer = "\n",
      .reduce = agg_reduce_sum,
      .sort_key = [](const MapSpec &, const uint8_t *v) { return SortKey(average(v)); },
      .text = text,
      .json = json,
  };
  return f;
}

}  // namespace probe
