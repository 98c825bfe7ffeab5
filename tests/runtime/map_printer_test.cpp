#include "runtime/map_printer.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

namespace probe {
namespace {

std::vector<uint8_t> u64s(std::initializer_list<int64_t> vs) {
  std::vector<uint8_t> b;
  for (int64_t v : vs) {
    b.resize(b.size() + 8);
    std::memcpy(b.data() + b.size() - 8, &v, 8);
  }
  return b;
}

std::vector<uint8_t> str(const std::string &s, size_t cap) {
  std::vector<uint8_t> b(cap);
  std::memcpy(b.data(), s.data(), std::min(cap, s.size()));
  return b;
}

MapSpec count_map(const std::string &name, Type key) {
  MapSpec m;
  m.name = name;
  m.scalar = false;
  m.key = key;
  m.key_size = storage_size(key);
  m.agg = {"count", {}};
  m.value = Type::aggregation(m.agg);
  return m;
}

// An aggregation map of `name` with value_size bytes per CPU.
MapSpec agg_map(const std::string &name, uint32_t value_size, std::vector<int64_t> params = {}) {
  MapSpec m;
  m.name = "@";
  m.agg = {name, std::move(params)};
  m.value = Type::aggregation(m.agg);
  m.value_size = value_size;
  return m;
}

// The reduced value as it prints.
std::string reduced_text(const MapSpec &m, const std::vector<uint8_t> &raw, int ncpus) {
  return format_map_text(m, {{u64s({0}), reduce_percpu(m, raw.data(), ncpus)}});
}

TEST(MapPrinter, CountMapSortedByValueWithBlankLine) {
  MapSpec m = count_map("@", Type::string(16));
  std::vector<MapEntry> e = {{str("sshd", 16), u64s({10})}, {str("bash", 16), u64s({3})},
                             {str("cron", 16), u64s({7})}};
  sort_entries(m, e);
  EXPECT_EQ(format_map_text(m, e), "@[bash]: 3\n@[cron]: 7\n@[sshd]: 10\n");
  EXPECT_EQ(format_map_json(m, e), "{\"type\": \"map\", \"data\": {\"@\": {\"bash\": 3, \"cron\": 7, \"sshd\": 10}}}\n");
}

TEST(MapPrinter, ScalarMap) {
  MapSpec m;
  m.name = "@x";
  m.key = Type::u64();
  m.value = Type::i64();
  std::vector<MapEntry> e = {{u64s({0}), u64s({-4})}};
  EXPECT_EQ(format_map_text(m, e), "@x: -4\n");
  EXPECT_EQ(format_map_json(m, e), "{\"type\": \"map\", \"data\": {\"@x\": -4}}\n");
  EXPECT_EQ(format_map_text(m, {}), "\n");  // bpftrace 0.17: an empty map is a blank line
  EXPECT_EQ(format_map_json(m, {}), "");
}

TEST(MapPrinter, TupleKeysPrintWithoutParentheses) {
  Type key = Type::tuple({Type::i64(), Type::string(8)});
  MapSpec m = count_map("@m", key);
  auto k = [&](int64_t a, const std::string &b) {
    auto v = u64s({a});
    auto s = str(b, 8);
    v.insert(v.end(), s.begin(), s.end());
    return v;
  };
  std::vector<MapEntry> e = {{k(2, "b"), u64s({5})}, {k(1, "a"), u64s({5})}, {k(1, "z"), u64s({1})}};
  sort_entries(m, e);
  EXPECT_EQ(format_map_text(m, e), "@m[1, z]: 1\n@m[1, a]: 5\n@m[2, b]: 5\n");
  EXPECT_EQ(format_map_json(m, e), "{\"type\": \"map\", \"data\": {\"@m\": {\"1,z\": 1, \"1,a\": 5, \"2,b\": 5}}}\n");
}

TEST(MapPrinter, NonIntValuesSortByKey) {
  MapSpec m;
  m.name = "@s";
  m.scalar = false;
  m.key = Type::i64();
  m.value = Type::string(8);
  m.value_size = 8;
  std::vector<MapEntry> e = {{u64s({3}), str("c", 8)}, {u64s({-1}), str("a", 8)}, {u64s({2}), str("b", 8)}};
  sort_entries(m, e);
  EXPECT_EQ(format_map_text(m, e), "@s[-1]: a\n@s[2]: b\n@s[3]: c\n");
}

TEST(MapPrinter, PerCpuReduction) {
  MapSpec sum = agg_map("sum", 8);
  EXPECT_EQ(reduced_text(sum, u64s({5, -2, 10}), 3), "@: 13\n");

  auto mraw = u64s({-7, 0, 3, 1, 9, 1});  // CPU0 unset, CPU1 = 3, CPU2 = 9
  EXPECT_EQ(reduced_text(agg_map("min", 16), mraw, 3), "@: 3\n");
  EXPECT_EQ(reduced_text(agg_map("max", 16), mraw, 3), "@: 9\n");

  MapSpec avg = agg_map("avg", 16);
  EXPECT_EQ(reduced_text(avg, u64s({10, 2, 20, 3}), 2), "@: 6\n\n");  // avg prints like stats: blank line after
  EXPECT_EQ(format_map_text(avg, {{u64s({0}), u64s({0, 0})}}), "@: 0\n\n");
}

TEST(MapPrinter, KeylessCountPrintsZeroWhenEmpty) {
  MapSpec c = agg_map("count", 8);
  EXPECT_EQ(format_map_text(c, {}), "@: 0\n");
  EXPECT_EQ(format_map_json(c, {}), "{\"type\": \"map\", \"data\": {\"@\": 0}}\n");
  EXPECT_EQ(format_map_text(agg_map("sum", 8), {}), "\n");
  EXPECT_EQ(format_map_text(agg_map("avg", 16), {}), "\n\n");
}

TEST(MapPrinter, SumOfUnsignedPrintsUnsigned) {
  EXPECT_EQ(reduced_text(agg_map("sum", 8, {1}), u64s({-1}), 1), "@: 18446744073709551615\n");
  EXPECT_EQ(reduced_text(agg_map("sum", 8, {0}), u64s({-1}), 1), "@: -1\n");
}

TEST(MapPrinter, TopAndDiv) {
  MapSpec m = count_map("@c", Type::i64());
  std::vector<MapEntry> e = {{u64s({1}), u64s({10})}, {u64s({2}), u64s({30})}, {u64s({3}), u64s({20})}};
  sort_entries(m, e);
  EXPECT_EQ(format_map_text(m, e, nullptr, 2, 10), "@c[3]: 2\n@c[2]: 3\n");
  EXPECT_EQ(format_map_json(m, e, nullptr, 1), "{\"type\": \"map\", \"data\": {\"@c\": {\"2\": 30}}}\n");
}

// Found by decode_fuzz: per-CPU sums that overflow int64 wrap (no UB), and
// an average over a count of -1 does not trap on INT64_MIN / -1.
TEST(MapPrinter, PerCpuSumsWrapWithoutOverflow) {
  EXPECT_EQ(reduced_text(agg_map("sum", 8), u64s({INT64_MAX, 2}), 2), "@: " + std::to_string(INT64_MIN + 1) + "\n");
  MapSpec avg = agg_map("avg", 16);
  EXPECT_EQ(format_map_text(avg, {{u64s({0}), u64s({INT64_MIN, -1})}}), "@: " + std::to_string(INT64_MIN) + "\n\n");
}

TEST(MapPrinter, SignedAggregatesPrintNegative) {
  MapSpec m = count_map("@lat", Type::i64());
  m.agg = {"min", {}};
  m.value = Type::aggregation(m.agg);
  m.value_size = 16;
  std::vector<MapEntry> e = {{u64s({1}), u64s({-5, 1})}, {u64s({2}), u64s({-9, 1})}};
  sort_entries(m, e);
  EXPECT_EQ(format_map_text(m, e), "@lat[2]: -9\n@lat[1]: -5\n");
}

// A real kernel map: percpu hash of count values, read through the printer.
TEST(MapPrinterKernel, PerCpuHash) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to create BPF maps";
  int ncpus = libbpf_num_possible_cpus();
  ASSERT_GT(ncpus, 0);
  int fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_HASH, "t_count", 8, 8, 64, nullptr);
  if (fd < 0) GTEST_SKIP() << "bpf_map_create failed: " << strerror(errno);
  MapSpec m = count_map("@c", Type::u64());
  m.percpu = true;
  m.max_entries = 64;
  for (uint64_t k = 1; k <= 3; k++) {
    std::vector<uint64_t> vals(ncpus, 0);
    vals[0] = k * 10;
    if (ncpus > 1) vals[ncpus - 1] = 1;
    ASSERT_EQ(bpf_map_update_elem(fd, &k, vals.data(), BPF_ANY), 0);
  }
  auto entries = read_map(m, fd);
  ASSERT_TRUE(entries.ok()) << entries.error().message;
  EXPECT_EQ(format_map_text(m, *entries), ncpus > 1 ? "@c[1]: 11\n@c[2]: 21\n@c[3]: 31\n"
                                                    : "@c[1]: 10\n@c[2]: 20\n@c[3]: 30\n");
  ASSERT_TRUE(zero_map(m, fd).ok());
  entries = read_map(m, fd);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->size(), 3u);
  EXPECT_EQ(format_map_text(m, *entries), "@c[1]: 0\n@c[2]: 0\n@c[3]: 0\n");
  ASSERT_TRUE(clear_map(m, fd).ok());
  entries = read_map(m, fd);
  ASSERT_TRUE(entries.ok());
  EXPECT_TRUE(entries->empty());
  close(fd);
}

TEST(MapPrinterKernel, PlainHashPrintsToFile) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to create BPF maps";
  int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "t_plain", 16, 8, 16, nullptr);
  if (fd < 0) GTEST_SKIP() << "bpf_map_create failed: " << strerror(errno);
  MapSpec m;
  m.name = "@who";
  m.scalar = false;
  m.key = Type::string(16);
  m.key_size = 16;
  m.value = Type::i64();
  m.max_entries = 16;
  char k1[16] = "beta", k2[16] = "alpha";
  int64_t v1 = -1, v2 = 5;
  ASSERT_EQ(bpf_map_update_elem(fd, k1, &v1, BPF_ANY), 0);
  ASSERT_EQ(bpf_map_update_elem(fd, k2, &v2, BPF_ANY), 0);
  std::FILE *f = std::tmpfile();
  {
    FdWriter w(fileno(f));
    ASSERT_TRUE(print_map(w, m, fd, OutputFormat::Text).ok());
  }
  std::rewind(f);
  char buf[256] = {};
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  EXPECT_EQ(std::string(buf, n), "@who[beta]: -1\n@who[alpha]: 5\n");
  close(fd);
}

}  // namespace
}  // namespace probe
