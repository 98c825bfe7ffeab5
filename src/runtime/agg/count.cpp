// count(): a u64 per CPU, summed; printed and sorted unsigned.
#include "runtime/agg/aggregation.h"

namespace probe {

namespace {

uint64_t number(const uint8_t *v, uint64_t div) { return uint64_t(agg_word(v)) / (div ? div : 1); }

}  // namespace

const AggregationFormat &count_format() {
  static const AggregationFormat f{
      .name = "count",
      .json_type = "map",
      .zero_when_empty = true,
      .reduce = agg_reduce_sum,
      .sort_key = [](const MapSpec &, const uint8_t *v) { return SortKey(uint64_t(agg_word(v))); },
      .text = [](const MapSpec &, const uint8_t *v, uint64_t div) { return std::to_string(number(v, div)); },
      .json = [](const MapSpec &, const uint8_t *v, uint64_t div) { return std::to_string(number(v, div)); },
  };
  return f;
}

}  // namespace probe
