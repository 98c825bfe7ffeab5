// Reading user maps out of the kernel and printing them in bpftrace 0.17's
// format. The formatting half is pure so it can be tested without a kernel.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "codegen/artifact.h"
#include "runtime/fd_writer.h"
#include "runtime/value_format.h"
#include "config.h"
#include "util/result.h"

namespace probe {

// One map entry: key bytes and the value reduced across CPUs (value_size bytes).
struct MapEntry {
  std::vector<uint8_t> key;
  std::vector<uint8_t> value;
};

// Combines ncpus per-CPU value slots (each round-up-8 of value_size): the aggregation's reduce.
std::vector<uint8_t> reduce_percpu(const MapSpec &spec, const uint8_t *raw, int ncpus);

// Orders entries like bpftrace: by value for aggregations and integers (ties by key), else by key.
void sort_entries(const MapSpec &spec, std::vector<MapEntry> &entries);

// The map as bpftrace 0.17 prints it: "@name[key]: value" lines, a newline,
// and the aggregation's trailer; the last `top` entries (all when 0), counts divided by div.
std::string format_map_text(const MapSpec &spec, const std::vector<MapEntry> &entries,
                            const ValueContext *ctx = nullptr, uint64_t top = 0, uint64_t div = 1);

// {"type": "map", "data": {"@name": {"key": value, ...}}} plus newline ("" for an empty map).
std::string format_map_json(const MapSpec &spec, const std::vector<MapEntry> &entries,
                            const ValueContext *ctx = nullptr, uint64_t top = 0, uint64_t div = 1);

// Reads every entry of the map behind fd (batch lookup, else key iteration), reduced and sorted.
Result<std::vector<MapEntry>> read_map(const MapSpec &spec, int fd);

// Reads and prints one map (text: an empty map prints its blank line, like bpftrace 0.17).
Status print_map(FdWriter &out, const MapSpec &spec, int fd, OutputFormat format,
                 const ValueContext *ctx = nullptr, uint64_t top = 0, uint64_t div = 1);

// The value of one entry as print(@m[k]) shows it (text ends with a newline;
// JSON is a "value" message); an absent key prints the empty value.
Status print_entry(FdWriter &out, const MapSpec &spec, int fd, const uint8_t *key, OutputFormat format,
                   const ValueContext *ctx = nullptr);

// Deletes every entry (clear(@m)).
Status clear_map(const MapSpec &spec, int fd);

// Sets every value to zero, keeping keys (zero(@m)).
Status zero_map(const MapSpec &spec, int fd);

}  // namespace probe
