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

// Combines ncpus per-CPU value slots (each round-up-8 of value_size) per MapValueKind.
std::vector<uint8_t> reduce_percpu(const MapSpec &spec, const uint8_t *raw, int ncpus);

// The number a reduced value prints and sorts as (Avg: sum/count; Min/Max: value or 0).
int64_t entry_number(const MapSpec &spec, const uint8_t *value);

// Orders entries like bpftrace: by value for counts/aggregates/int values, else by key.
void sort_entries(const MapSpec &spec, std::vector<MapEntry> &entries);

// "@name[key]: value" lines plus a trailing blank line ("" when there are no entries).
std::string format_map_text(const MapSpec &spec, const std::vector<MapEntry> &entries,
                            const ValueContext *ctx = nullptr);

// {"type": "map", "data": {"@name": {"key": value, ...}}} plus newline.
std::string format_map_json(const MapSpec &spec, const std::vector<MapEntry> &entries,
                            const ValueContext *ctx = nullptr);

// Reads every entry of the map behind fd (batch lookup, else key iteration), reduced and sorted.
Result<std::vector<MapEntry>> read_map(const MapSpec &spec, int fd);

// Reads and prints one map; empty maps print nothing.
Status print_map(FdWriter &out, const MapSpec &spec, int fd, OutputFormat format,
                 const ValueContext *ctx = nullptr);

// Deletes every entry (clear(@m)).
Status clear_map(const MapSpec &spec, int fd);

// Sets every value to zero, keeping keys (zero(@m)).
Status zero_map(const MapSpec &spec, int fd);

}  // namespace probe
