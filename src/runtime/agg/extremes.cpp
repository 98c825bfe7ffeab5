// min(v) and max(v), mirror images: {i64 value; u64 set} per CPU; the
// smallest (largest) value of the CPUs that saw one (0 when none did), signed.
#include "runtime/agg/aggregation.h"

namespace probe {

namespace {

// Combines the CPUs' set values, keeping the smallest (IsMin) or the largest.
template <bool IsMin>
void reduce(const MapSpec &, const uint8_t *raw, int ncpus, uint32_t slot, uint8_t *out) {
  bool any = false;
  int64_t best = 0;
  for (int c = 0; c < ncpus; c++) {
    const uint8_t *p = raw + size_t(c) * slot;
    if (agg_word(p + 8) == 0) continue;
    int64_t v = agg_word(p);
    if (!any || (IsMin ? v < best : v > best)) best = v;
    any = true;
  }
  agg_set_word(out, best);
  agg_set_word(out + 8, any ? 1 : 0);
}

int64_t number(const uint8_t *v) { return agg_word(v + 8) ? agg_word(v) : 0; }

std::string text(const MapSpec &, const uint8_t *v, uint64_t div) {
  return std::to_string(number(v) / int64_t(div ? div : 1));
}

// The format of min (IsMin) or max.
template <bool IsMin>
const AggregationFormat &format() {
  static const AggregationFormat f{
      .name = IsMin ? "min" : "max",
      .json_type = "map",
      .reduce = reduce<IsMin>,
      .sort_key = [](const MapSpec &, const uint8_t *v) { return SortKey(number(v)); },
      .text = text,
      .json = text,
  };
  return f;
}

}  // namespace

const AggregationFormat &min_format() { return format<true>(); }
const AggregationFormat &max_format() { return format<false>(); }

}  // namespace probe
