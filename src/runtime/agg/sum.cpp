// sum(v): an i64 per CPU, summed (wrapping); unsigned when the compiler says
// the summed values were (params[0] == 1), like bpftrace's sum of a u64.
#include "runtime/agg/aggregation.h"

namespace probe {

namespace {

bool is_unsigned(const MapSpec &spec) { return !spec.agg.params.empty() && spec.agg.params[0] == 1; }

SortKey key(const MapSpec &spec, const uint8_t *v) {
  return is_unsigned(spec) ? SortKey(uint64_t(agg_word(v))) : SortKey(agg_word(v));
}

std::string text(const MapSpec &spec, const uint8_t *v, uint64_t div) {
  if (div == 0) div = 1;
  if (is_unsigned(spec)) return std::to_string(uint64_t(agg_word(v)) / div);
  return std::to_string(agg_word(v) / int64_t(div));
}

}  // namespace

const AggregationFormat &sum_format() {
  static const AggregationFormat f{
      .name = "sum",
      .json_type = "map",
      .reduce = agg_reduce_sum,
      .sort_key = key,
      .text = text,
      .json = text,
  };
  return f;
}

}  // namespace probe
