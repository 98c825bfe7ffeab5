// The runtime halves of hist, lhist and stats: bucket labels, edges, JSON,
// per-CPU reduction and sort keys, against what bpftrace 0.17 prints.
#include <gtest/gtest.h>

#include <cstring>

#include "runtime/agg/aggregation.h"
#include "runtime/map_printer.h"

namespace probe {
namespace {

MapSpec agg_map(const std::string &agg, std::vector<int64_t> params, uint32_t value_size) {
  MapSpec m;
  m.name = "@h";
  m.agg = {agg, std::move(params)};
  m.value = Type::aggregation(m.agg);
  m.value_size = value_size;
  return m;
}

// A value with count c[i] in bucket i.
std::vector<uint8_t> counts(size_t n, std::initializer_list<std::pair<size_t, uint64_t>> c) {
  std::vector<uint8_t> v(n * 8);
  for (auto [i, x] : c) std::memcpy(v.data() + i * 8, &x, 8);
  return v;
}

std::string text(const MapSpec &m, const std::vector<uint8_t> &v) {
  return format_map_text(m, {{std::vector<uint8_t>(8), v}});
}

TEST(HistFormat, PowerOfTwoLabelsLikeBpftrace) {
  MapSpec m = agg_map("hist", {0}, 65 * 8);
  // bucket 0: negative; 1: [0]; 2: [1]; 3: [2, 4); 11: [512, 1K)
  auto v = counts(65, {{0, 1}, {1, 2}, {3, 4}, {11, 1}});
  EXPECT_EQ(text(m, v),
            "@h: \n"
            "(..., 0)               1 |@@@@@@@@@@@@@                                       |\n"
            "[0]                    2 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
            "[1]                    0 |                                                    |\n"
            "[2, 4)                 4 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
            "[4, 8)                 0 |                                                    |\n"
            "[8, 16)                0 |                                                    |\n"
            "[16, 32)               0 |                                                    |\n"
            "[32, 64)               0 |                                                    |\n"
            "[64, 128)              0 |                                                    |\n"
            "[128, 256)             0 |                                                    |\n"
            "[256, 512)             0 |                                                    |\n"
            "[512, 1K)              1 |@@@@@@@@@@@@@                                       |\n"
            "\n");
  std::string mid;
  for (int i = 2; i < 42; i++) {
    int64_t lo = i == 2 ? 1 : (1ll << (i - 2)), hi = i == 2 ? 1 : (1ll << (i - 1)) - 1;
    mid += "{\"min\": " + std::to_string(lo) + ", \"max\": " + std::to_string(hi) + ", \"count\": 0}, ";
  }
  std::vector<MapEntry> e = {{std::vector<uint8_t>(8), counts(65, {{0, 1}, {1, 2}, {42, 1}})}};
  EXPECT_EQ(format_map_json(m, e),
            "{\"type\": \"hist\", \"data\": {\"@h\": [{\"max\": -1, \"count\": 1}, {\"min\": 0, \"max\": 0, "
            "\"count\": 2}, " + mid + "{\"min\": 1099511627776, \"max\": 2199023255551, \"count\": 1}]}}\n");
}

TEST(HistFormat, SubBuckets) {
  // k = 2: 0..7 one bucket each, then 4 buckets per power of two.
  MapSpec m = agg_map("hist", {2}, (1 + 8 + 60 * 4) * 8);
  auto v = counts(1 + 8 + 60 * 4, {{8, 1}, {9, 1}, {10, 1}, {13, 2}});
  EXPECT_EQ(text(m, v),
            "@h: \n"
            "[7]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
            "[8, 10)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
            "[10, 12)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
            "[12, 14)               0 |                                                    |\n"
            "[14, 16)               0 |                                                    |\n"
            "[16, 20)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
            "\n");
}

TEST(LhistFormat, EdgesAndUnevenLastBucket) {
  // lhist(v, 0, 10, 3): (..., 0), [0, 3), [3, 6), [6, 9), [9, 10), [10, ...)
  MapSpec m = agg_map("lhist", {0, 10, 3}, 6 * 8);
  auto v = counts(6, {{0, 1}, {4, 2}, {5, 1}});
  EXPECT_EQ(text(m, v),
            "@h: \n"
            "(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
            "[0, 3)                 0 |                                                    |\n"
            "[3, 6)                 0 |                                                    |\n"
            "[6, 9)                 0 |                                                    |\n"
            "[9, 10)                2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
            "[10, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
            "\n");
  std::vector<MapEntry> e = {{std::vector<uint8_t>(8), counts(6, {{0, 1}, {5, 3}})}};
  EXPECT_EQ(format_map_json(m, e),
            "{\"type\": \"hist\", \"data\": {\"@h\": [{\"max\": -1, \"count\": 1}, {\"min\": 0, \"max\": 2, \"count\": 0}, "
            "{\"min\": 3, \"max\": 5, \"count\": 0}, {\"min\": 6, \"max\": 8, \"count\": 0}, {\"min\": 9, \"max\": 9, "
            "\"count\": 0}, {\"min\": 10, \"count\": 3}]}}\n");
}

TEST(LhistFormat, KiloLabels) {
  MapSpec m = agg_map("lhist", {0, 4096, 1024}, 6 * 8);
  EXPECT_EQ(text(m, counts(6, {{3, 1}})), "@h: \n[2K, 3K)               1 |" + std::string(52, '@') + "|\n\n");
}

TEST(StatsFormat, LineJsonAndSortByAverage) {
  MapSpec m = agg_map("stats", {}, 16);
  m.scalar = false;
  m.key = Type::i64();
  m.key_size = 8;
  auto val = [](int64_t count, int64_t total) {
    std::vector<uint8_t> v(16);
    std::memcpy(v.data(), &count, 8);
    std::memcpy(v.data() + 8, &total, 8);
    return v;
  };
  auto key = [](int64_t k) {
    std::vector<uint8_t> v(8);
    std::memcpy(v.data(), &k, 8);
    return v;
  };
  std::vector<MapEntry> e = {{key(1), val(1, 10)}, {key(2), val(3, 12)}};
  sort_entries(m, e);  // by average: 4 before 10
  EXPECT_EQ(format_map_text(m, e), "@h[2]: count 3, average 4, total 12\n@h[1]: count 1, average 10, total 10\n\n");
  EXPECT_EQ(format_map_json(m, e),
            "{\"type\": \"stats\", \"data\": {\"@h\": {\"2\": {\"count\": 3, \"average\": 4, \"total\": 12}, "
            "\"1\": {\"count\": 1, \"average\": 10, \"total\": 10}}}}\n");
}

TEST(HistFormat, PerCpuBucketsAddUp) {
  MapSpec m = agg_map("hist", {0}, 65 * 8);
  m.percpu = true;
  std::vector<uint8_t> raw(2 * 65 * 8);
  uint64_t one = 1, two = 2;
  std::memcpy(raw.data() + 5 * 8, &one, 8);
  std::memcpy(raw.data() + 65 * 8 + 5 * 8, &two, 8);
  auto v = reduce_percpu(m, raw.data(), 2);
  uint64_t got;
  std::memcpy(&got, v.data() + 5 * 8, 8);
  EXPECT_EQ(got, 3u);
}

}  // namespace
}  // namespace probe
