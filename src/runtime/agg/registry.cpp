// The runtime's aggregation registry, and reductions several share.
#include "runtime/agg/aggregation.h"

namespace probe {

const AggregationFormat *find_aggregation_format(std::string_view name) {
  static const AggregationFormat *const all[] = {&count_format(), &sum_format(), &min_format(), &max_format(),
                                                 &avg_format(),   &stats_format(), &hist_format(),
                                                 &lhist_format()};
  for (const auto *f : all)
    if (name == f->name) return f;
  return nullptr;
}

void agg_reduce_sum(const MapSpec &spec, const uint8_t *raw, int ncpus, uint32_t slot, uint8_t *out) {
  for (uint32_t off = 0; off + 8 <= spec.value_size; off += 8) {
    uint64_t s = 0;  // wraps like the kernel's own adds (signed overflow is UB)
    for (int c = 0; c < ncpus; c++) s += uint64_t(agg_word(raw + size_t(c) * slot + off));
    agg_set_word(out + off, int64_t(s));
  }
}

}  // namespace probe
