// Histogram rendering (see histogram.h).
#include "runtime/agg/histogram.h"

#include <cstdio>
#include <cstring>

namespace probe {

std::vector<uint64_t> hist_counts(const uint8_t *value, uint32_t value_size) {
  std::vector<uint64_t> c(value_size / 8);
  std::memcpy(c.data(), value, c.size() * 8);
  return c;
}

uint64_t hist_total(const uint8_t *value, uint32_t value_size) {
  uint64_t t = 0;
  for (uint64_t c : hist_counts(value, value_size)) t += c;
  return t;
}

// [first, last] non-empty bucket indexes; first > last when all are empty.
static std::pair<size_t, size_t> used_range(const std::vector<HistBucket> &b) {
  size_t first = b.size(), last = 0;
  for (size_t i = 0; i < b.size(); i++)
    if (b[i].count) {
      if (first == b.size()) first = i;
      last = i;
    }
  return {first, last};
}

std::string hist_text(const std::vector<HistBucket> &buckets) {
  auto [first, last] = used_range(buckets);
  if (first > last || first == buckets.size()) return "";
  uint64_t max = 0;
  for (const auto &b : buckets) max = std::max(max, b.count);
  std::string out;
  for (size_t i = first; i <= last; i++) {
    int width = int(double(buckets[i].count) / double(max) * 52);
    char line[160];
    std::snprintf(line, sizeof line, "%-16s%8llu |%-52s|\n", buckets[i].label.c_str(),
                  (unsigned long long)buckets[i].count, std::string(width, '@').c_str());
    out += line;
  }
  return out;
}

std::string hist_json(const std::vector<HistBucket> &buckets) {
  auto [first, last] = used_range(buckets);
  if (first > last || first == buckets.size()) return "[]";
  std::string out = "[";
  for (size_t i = first; i <= last; i++) {
    const auto &b = buckets[i];
    out += i > first ? ", {" : "{";
    if (b.min) out += "\"min\": " + std::to_string(*b.min) + ", ";
    if (b.max) out += "\"max\": " + std::to_string(*b.max) + ", ";
    out += "\"count\": " + std::to_string(b.count) + "}";
  }
  return out + "]";
}

std::string hist_number_label(uint64_t n) {
  static const struct {
    uint64_t unit;
    char suffix;
  } units[] = {{1ull << 60, 'E'}, {1ull << 50, 'P'}, {1ull << 40, 'T'}, {1ull << 30, 'G'}, {1ull << 20, 'M'}, {1ull << 10, 'K'}};
  if (n == 0) return "0";
  for (const auto &u : units)
    if (n % u.unit == 0) return std::to_string(n / u.unit) + u.suffix;
  return std::to_string(n);
}

}  // namespace probe
