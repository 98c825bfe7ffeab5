#include "runtime/map_printer.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "runtime/agg/aggregation.h"
#include "runtime/errors.h"
#include "util/result.h"
#include "runtime/value_format.h"

namespace probe {

namespace {

uint32_t round8(uint32_t n) { return (n + 7) & ~7u; }

// Three-way comparison of two values of type t in storage layout.
int compare_values(const Type &t, const uint8_t *a, const uint8_t *b) {
  switch (t.kind) {
    case TypeKind::Int: {
      int64_t x = read_int_value(t, a), y = read_int_value(t, b);
      if (!t.is_signed) return uint64_t(x) < uint64_t(y) ? -1 : uint64_t(x) > uint64_t(y);
      return x < y ? -1 : x > y;
    }
    case TypeKind::Pointer:
    case TypeKind::Ksym:
    case TypeKind::Kstack: {
      uint64_t x, y;  // addresses and stack ids order as numbers, not as little-endian bytes
      std::memcpy(&x, a, 8);
      std::memcpy(&y, b, 8);
      return x < y ? -1 : x > y;
    }
    case TypeKind::String:
      return strncmp(reinterpret_cast<const char *>(a), reinterpret_cast<const char *>(b), t.size);
    case TypeKind::Tuple:
      for (size_t i = 0; i < t.fields.size(); i++) {
        uint32_t off = tuple_offset(t, i);
        if (int c = compare_values(t.fields[i], a + off, b + off)) return c;
      }
      return 0;
    default:
      return std::memcmp(a, b, storage_size(t));
  }
}

std::string key_text(const MapSpec &spec, const MapEntry &e, const ValueContext *ctx) {
  if (spec.scalar) return "";
  if (e.key.size() < storage_size(spec.key)) return "[?]";
  if (!spec.key.is(TypeKind::Tuple)) return "[" + format_key(spec.key, e.key.data(), ctx) + "]";
  std::string s = "[";
  for (size_t i = 0; i < spec.key.fields.size(); i++) {
    if (i) s += ", ";
    s += format_key(spec.key.fields[i], e.key.data() + tuple_offset(spec.key, i), ctx);
  }
  return s + "]";
}

std::string key_json(const MapSpec &spec, const MapEntry &e, const ValueContext *ctx) {
  if (!spec.key.is(TypeKind::Tuple)) return json_quote(format_key(spec.key, e.key.data(), ctx));
  std::string s;
  for (size_t i = 0; i < spec.key.fields.size(); i++) {
    if (i) s += ",";
    s += format_key(spec.key.fields[i], e.key.data() + tuple_offset(spec.key, i), ctx);
  }
  return json_quote(s);
}

// The aggregation's runtime half, or nullptr for plain values.
const AggregationFormat *format_of(const MapSpec &spec) {
  if (!spec.aggregated()) return nullptr;
  const AggregationFormat *f = find_aggregation_format(spec.agg.name);
  PROBE_ASSERT(f && "an aggregation the compiler made has a runtime half");
  return f;
}

std::string value_text(const MapSpec &spec, const MapEntry &e, bool json, uint64_t div, const ValueContext *ctx) {
  if (e.value.size() < spec.value_size) return "?";
  if (const AggregationFormat *f = format_of(spec))
    return json ? f->json(spec, e.value.data(), div) : f->text(spec, e.value.data(), div);
  if (div > 1 && spec.value.is_int()) {
    int64_t v = read_int_value(spec.value, e.value.data());
    return spec.value.is_signed ? std::to_string(v / int64_t(div)) : std::to_string(uint64_t(v) / div);
  }
  return json ? format_value_json(spec.value, e.value.data(), ctx) : format_value(spec.value, e.value.data(), ctx);
}

// The entries print() shows: the last `top` of the sorted ones (all when top is 0).
std::pair<size_t, size_t> shown(const std::vector<MapEntry> &entries, uint64_t top) {
  size_t first = top && entries.size() > top ? entries.size() - top : 0;
  return {first, entries.size()};
}

// Values whose text ends in a newline of its own (stacks) take no delimiter.
bool ends_own_line(const MapSpec &spec) { return !spec.aggregated() && spec.value.is(TypeKind::Kstack); }

// Every key in the map, via BPF_MAP_GET_NEXT_KEY.
std::vector<std::vector<uint8_t>> collect_keys(int fd, uint32_t key_size) {
  std::vector<std::vector<uint8_t>> keys;
  std::vector<uint8_t> next(key_size);
  const void *prev = nullptr;
  while (bpf_map_get_next_key(fd, prev, next.data()) == 0) {
    keys.push_back(next);
    prev = keys.back().data();
    if (keys.size() > (1u << 24)) break;  // a map changing under us must not loop forever
  }
  return keys;
}

int num_cpus(const MapSpec &spec) {
  if (!spec.percpu) return 1;
  int n = libbpf_num_possible_cpus();
  return n > 0 ? n : 1;
}

// Batch lookup; returns false (without error) when the kernel lacks it for this map.
Result<bool> read_batch(const MapSpec &spec, int fd, uint32_t slot,
                        std::vector<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>> *raw) {
  // Small batches, paginated: a whole-map buffer is max_entries x value x
  // CPUs (megabytes on big machines) for every print() of a mostly empty map.
  uint32_t chunk = std::min<uint32_t>(std::max<uint32_t>(spec.max_entries, 1), 256);
  std::vector<uint8_t> keys(size_t(chunk) * spec.key_size), vals(size_t(chunk) * slot);
  std::vector<uint8_t> in(std::max<uint32_t>(spec.key_size, 8)), out(in.size());
  bool first = true;
  for (;;) {
    uint32_t count = chunk;
    int rc = bpf_map_lookup_batch(fd, first ? nullptr : in.data(), out.data(), keys.data(),
                                  vals.data(), &count, nullptr);
    int err = rc ? errno : 0;
    if (rc && err == ENOSPC && chunk < spec.max_entries) {  // a hash bucket larger than the batch
      chunk = std::min<uint32_t>(chunk * 2, spec.max_entries);
      keys.resize(size_t(chunk) * spec.key_size);
      vals.resize(size_t(chunk) * slot);
      continue;
    }
    if (rc && err != ENOENT) {
      if (first && (err == EINVAL || err == ENOTSUP || err == EOPNOTSUPP || err == kENOTSUPP)) return false;
      return sys_error("cannot read map " + spec.name, err);
    }
    for (uint32_t i = 0; i < count; i++)
      raw->emplace_back(std::vector<uint8_t>(keys.begin() + i * spec.key_size, keys.begin() + (i + 1) * spec.key_size),
                        std::vector<uint8_t>(vals.begin() + size_t(i) * slot, vals.begin() + size_t(i + 1) * slot));
    if (err == ENOENT) return true;
    in = out;
    first = false;
  }
}

}  // namespace

std::vector<uint8_t> reduce_percpu(const MapSpec &spec, const uint8_t *raw, int ncpus) {
  uint32_t slot = round8(spec.value_size);
  std::vector<uint8_t> out(raw, raw + spec.value_size);
  if (ncpus <= 1 || spec.value_size < 8) return out;
  if (const AggregationFormat *f = format_of(spec)) f->reduce(spec, raw, ncpus, slot, out.data());
  return out;
}

void sort_entries(const MapSpec &spec, std::vector<MapEntry> &entries) {
  uint32_t ksize = storage_size(spec.key);
  // Key order first: ties in value keep it, so equal counts print in a fixed order.
  std::stable_sort(entries.begin(), entries.end(), [&](const MapEntry &a, const MapEntry &b) {
    if (a.key.size() < ksize || b.key.size() < ksize) return a.key < b.key;
    return compare_values(spec.key, a.key.data(), b.key.data()) < 0;
  });
  const AggregationFormat *f = format_of(spec);
  if (!f && !spec.value.is_int()) return;
  auto key = [&](const MapEntry &e) -> SortKey {
    if (e.value.size() < spec.value_size) return 0;
    if (f) return f->sort_key(spec, e.value.data());
    int64_t v = read_int_value(spec.value, e.value.data());
    return spec.value.is_signed ? SortKey(v) : SortKey(uint64_t(v));
  };
  std::stable_sort(entries.begin(), entries.end(),
                   [&](const MapEntry &a, const MapEntry &b) { return key(a) < key(b); });
}

std::string format_map_text(const MapSpec &spec, const std::vector<MapEntry> &entries, const ValueContext *ctx,
                            uint64_t top, uint64_t div) {
  const AggregationFormat *f = format_of(spec);
  std::string trailer = std::string("\n") + (f ? f->trailer : "");
  if (entries.empty()) {
    if (f && f->zero_when_empty && spec.scalar) return spec.name + ": 0\n" + (f ? f->trailer : "");
    return trailer;
  }
  std::string out;
  auto [first, last] = shown(entries, top);
  for (size_t i = first; i < last; i++) {
    if (i > first && !ends_own_line(spec)) out += "\n";
    out += spec.name + key_text(spec, entries[i], ctx) + ": " + (f && f->block ? "\n" : "") +
           value_text(spec, entries[i], false, div, ctx);
  }
  return out + trailer;
}

std::string format_map_json(const MapSpec &spec, const std::vector<MapEntry> &entries, const ValueContext *ctx,
                            uint64_t top, uint64_t div) {
  const AggregationFormat *f = format_of(spec);
  std::string head = std::string("{\"type\": \"") + (f ? f->json_type : "map") + "\", \"data\": {" +
                     json_quote(spec.name) + ": ";
  if (entries.empty()) {
    if (f && f->zero_when_empty && spec.scalar) return head + "0}}\n";
    return "";
  }
  std::string out = head;
  if (spec.scalar) {
    out += value_text(spec, entries.front(), true, div, ctx);
  } else {
    out += "{";
    auto [first, last] = shown(entries, top);
    for (size_t i = first; i < last; i++)
      out += (i > first ? ", " : "") + key_json(spec, entries[i], ctx) + ": " +
             value_text(spec, entries[i], true, div, ctx);
    out += "}";
  }
  return out + "}}\n";
}

Result<std::vector<MapEntry>> read_map(const MapSpec &spec, int fd, bool keep_zero) {
  int ncpus = num_cpus(spec);
  uint32_t slot = spec.percpu ? round8(spec.value_size) * ncpus : spec.value_size;
  std::vector<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>> raw;
  auto batched = read_batch(spec, fd, slot, &raw);
  if (!batched) return batched.error();
  if (!*batched) {
    raw.clear();
    std::vector<uint8_t> val(slot);
    for (auto &k : collect_keys(fd, spec.key_size)) {
      if (bpf_map_lookup_elem(fd, k.data(), val.data()) != 0) continue;  // deleted meanwhile
      raw.emplace_back(std::move(k), val);
    }
  }
  std::vector<MapEntry> entries;
  entries.reserve(raw.size());
  for (auto &[k, v] : raw) {
    MapEntry e{std::move(k), reduce_percpu(spec, v.data(), ncpus)};
    // An array's slot always exists: all zeros means nothing was recorded.
    if (spec.array && !keep_zero && std::all_of(e.value.begin(), e.value.end(), [](uint8_t b) { return b == 0; })) continue;
    entries.push_back(std::move(e));
  }
  sort_entries(spec, entries);
  return entries;
}

Status print_map(FdWriter &out, const MapSpec &spec, int fd, OutputFormat format, const ValueContext *ctx,
                 uint64_t top, uint64_t div, bool keep_zero) {
  auto entries = read_map(spec, fd, keep_zero);
  if (!entries) return entries.error();
  std::string text = format == OutputFormat::Json ? format_map_json(spec, *entries, ctx, top, div)
                                                  : format_map_text(spec, *entries, ctx, top, div);
  out.write(text);
  return Ok{};
}

Status print_entry(FdWriter &out, const MapSpec &spec, int fd, const uint8_t *key, OutputFormat format,
                   const ValueContext *ctx) {
  int ncpus = num_cpus(spec);
  std::vector<uint8_t> raw(spec.percpu ? size_t(round8(spec.value_size)) * ncpus : spec.value_size);
  // An absent key reads as the empty value (count 0, an empty histogram), as a plain map reads 0.
  if (bpf_map_lookup_elem(fd, key, raw.data()) != 0 && errno != ENOENT)
    return sys_error("cannot read map " + spec.name, errno);
  MapEntry e{std::vector<uint8_t>(key, key + spec.key_size), reduce_percpu(spec, raw.data(), ncpus)};
  bool json = format == OutputFormat::Json;
  std::string v = value_text(spec, e, json, 1, ctx);
  out.write(json ? "{\"type\": \"value\", \"data\": " + v + "}\n" : (v.empty() || v.back() != '\n' ? v + "\n" : v));
  return Ok{};
}

Status clear_map(const MapSpec &spec, int fd) {
  for (auto &k : collect_keys(fd, spec.key_size)) {
    if (bpf_map_delete_elem(fd, k.data()) == 0 || errno == ENOENT) continue;
    if (errno == EINVAL) return zero_map(spec, fd);  // arrays cannot delete
    return sys_error("cannot clear map " + spec.name, errno);
  }
  return Ok{};
}

Status zero_map(const MapSpec &spec, int fd) {
  int ncpus = num_cpus(spec);
  std::vector<uint8_t> zero(spec.percpu ? size_t(round8(spec.value_size)) * ncpus : spec.value_size);
  for (auto &k : collect_keys(fd, spec.key_size)) {
    if (bpf_map_update_elem(fd, k.data(), zero.data(), BPF_EXIST) == 0 || errno == ENOENT) continue;
    return sys_error("cannot zero map " + spec.name, errno);
  }
  return Ok{};
}

}  // namespace probe
