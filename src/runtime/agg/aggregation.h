// The runtime half of an aggregation: how per-CPU values are combined,
// sorted and printed (text and JSON, as bpftrace 0.17 prints them), one file
// per aggregation in this directory. The compile half is builtins/agg/; the
// two share only MapSpec::agg (name + parameters) and MapSpec::value_size.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "codegen/artifact.h"

namespace probe {

// What entries sort by, ascending; wide enough for every u64 and i64.
using SortKey = __int128;

// What the runtime knows about one aggregation.
struct AggregationFormat {
  const char *name;       // as in MapSpec::agg.name
  const char *json_type;  // bpftrace's JSON message type for the map: "map", "hist", "stats"
  // The value starts on the line after "@m[k]: " (histograms).
  bool block = false;
  // Text after the map's entries: "" or "\n" (stats and avg end with a blank line).
  const char *trailer = "";
  // A key-less map with no entry prints as 0 (count, like bpftrace 0.17).
  bool zero_when_empty = false;
  // Combines ncpus per-CPU values (each `slot` bytes apart) into out (value_size bytes).
  void (*reduce)(const MapSpec &, const uint8_t *raw, int ncpus, uint32_t slot, uint8_t *out);
  // The number an entry sorts by.
  SortKey (*sort_key)(const MapSpec &, const uint8_t *value);
  // The value's text after "@m[k]: " (a histogram's lines end with '\n'); counts divided by div.
  std::string (*text)(const MapSpec &, const uint8_t *value, uint64_t div);
  // The value as JSON.
  std::string (*json)(const MapSpec &, const uint8_t *value, uint64_t div);
};

// The runtime half of aggregation `name`; nullptr when unknown.
const AggregationFormat *find_aggregation_format(std::string_view name);

// The 8-byte little-endian word at p.
inline int64_t agg_word(const uint8_t *p) {
  int64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline void agg_set_word(uint8_t *p, int64_t v) { std::memcpy(p, &v, 8); }

// Reduces by adding each 8-byte word of the value across CPUs (wrapping).
void agg_reduce_sum(const MapSpec &spec, const uint8_t *raw, int ncpus, uint32_t slot, uint8_t *out);

// The per-aggregation formats, one per file; registry.cpp lists them.
const AggregationFormat &count_format();
const AggregationFormat &sum_format();
const AggregationFormat &min_format();
const AggregationFormat &max_format();
const AggregationFormat &avg_format();
const AggregationFormat &stats_format();
const AggregationFormat &hist_format();
const AggregationFormat &lhist_format();

}  // namespace probe
