#include "runtime/map_printer.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "runtime/errors.h"
#include "runtime/value_format.h"

namespace probe {

namespace {

uint32_t round8(uint32_t n) { return (n + 7) & ~7u; }

int64_t rd64(const uint8_t *p) {
  int64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

void wr64(uint8_t *p, int64_t v) { std::memcpy(p, &v, 8); }

// Whether values print and sort as unsigned numbers.
bool unsigned_value(const MapSpec &spec) {
  switch (spec.value_kind) {
    case MapValueKind::Count: return true;
    case MapValueKind::Plain: return spec.value.is_int() && !spec.value.is_signed;
    case MapValueKind::Sum: return spec.value.is_int() && !spec.value.is_signed;
    default: return false;
  }
}

bool sorts_by_value(const MapSpec &spec) {
  return spec.value_kind != MapValueKind::Plain || spec.value.is_int();
}

// Three-way comparison of two values of type t in storage layout.
int compare_values(const Type &t, const uint8_t *a, const uint8_t *b) {
  switch (t.kind) {
    case TypeKind::Int: {
      int64_t x = read_int_value(t, a), y = read_int_value(t, b);
      if (!t.is_signed) return uint64_t(x) < uint64_t(y) ? -1 : uint64_t(x) > uint64_t(y);
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
  if (!spec.key.is(TypeKind::Tuple)) return "[" + format_value(spec.key, e.key.data(), ctx) + "]";
  std::string s = "[";
  for (size_t i = 0; i < spec.key.fields.size(); i++) {
    if (i) s += ", ";
    s += format_value(spec.key.fields[i], e.key.data() + tuple_offset(spec.key, i), ctx);
  }
  return s + "]";
}

std::string key_json(const MapSpec &spec, const MapEntry &e, const ValueContext *ctx) {
  if (!spec.key.is(TypeKind::Tuple)) return json_quote(format_value(spec.key, e.key.data(), ctx));
  std::string s;
  for (size_t i = 0; i < spec.key.fields.size(); i++) {
    if (i) s += ",";
    s += format_value(spec.key.fields[i], e.key.data() + tuple_offset(spec.key, i), ctx);
  }
  return json_quote(s);
}

std::string value_text(const MapSpec &spec, const MapEntry &e, bool json, const ValueContext *ctx) {
  if (spec.value_kind == MapValueKind::Plain) {
    if (e.value.size() < storage_size(spec.value)) return "?";
    return json ? format_value_json(spec.value, e.value.data(), ctx) : format_value(spec.value, e.value.data(), ctx);
  }
  int64_t n = entry_number(spec, e.value.data());
  return unsigned_value(spec) ? std::to_string(uint64_t(n)) : std::to_string(n);
}

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
  auto sum_at = [&](size_t off) {
    uint64_t s = 0;  // wraps like the kernel's own adds (signed overflow is UB)
    for (int c = 0; c < ncpus; c++) s += uint64_t(rd64(raw + size_t(c) * slot + off));
    wr64(out.data() + off, int64_t(s));
  };
  switch (spec.value_kind) {
    case MapValueKind::Count:
    case MapValueKind::Sum:
      sum_at(0);
      break;
    case MapValueKind::Plain:
      if (spec.value.is_int()) sum_at(0);
      break;
    case MapValueKind::Avg:
      sum_at(0);
      if (spec.value_size >= 16) sum_at(8);
      break;
    case MapValueKind::Min:
    case MapValueKind::Max: {
      if (spec.value_size < 16) break;
      bool any = false;
      int64_t best = 0;
      for (int c = 0; c < ncpus; c++) {
        const uint8_t *p = raw + size_t(c) * slot;
        if (rd64(p + 8) == 0) continue;
        int64_t v = rd64(p);
        if (!any || (spec.value_kind == MapValueKind::Min ? v < best : v > best)) best = v;
        any = true;
      }
      wr64(out.data(), best);
      wr64(out.data() + 8, any ? 1 : 0);
      break;
    }
  }
  return out;
}

int64_t entry_number(const MapSpec &spec, const uint8_t *v) {
  switch (spec.value_kind) {
    case MapValueKind::Count:
    case MapValueKind::Sum:
      return rd64(v);
    case MapValueKind::Min:
    case MapValueKind::Max:
      return (spec.value_size < 16 || rd64(v + 8)) ? rd64(v) : 0;
    case MapValueKind::Avg: {
      int64_t count = spec.value_size >= 16 ? rd64(v + 8) : 1;
      if (count == -1) return int64_t(0 - uint64_t(rd64(v)));  // INT64_MIN / -1 overflows
      return count ? rd64(v) / count : 0;
    }
    case MapValueKind::Plain:
      return spec.value.is_int() ? read_int_value(spec.value, v) : 0;
  }
  return 0;
}

void sort_entries(const MapSpec &spec, std::vector<MapEntry> &entries) {
  uint32_t ksize = storage_size(spec.key);
  std::stable_sort(entries.begin(), entries.end(), [&](const MapEntry &a, const MapEntry &b) {
    if (a.key.size() < ksize || b.key.size() < ksize) return a.key < b.key;
    return compare_values(spec.key, a.key.data(), b.key.data()) < 0;
  });
  if (!sorts_by_value(spec)) return;
  bool uns = unsigned_value(spec);
  std::stable_sort(entries.begin(), entries.end(), [&](const MapEntry &a, const MapEntry &b) {
    int64_t x = entry_number(spec, a.value.data()), y = entry_number(spec, b.value.data());
    return uns ? uint64_t(x) < uint64_t(y) : x < y;
  });
}

std::string format_map_text(const MapSpec &spec, const std::vector<MapEntry> &entries, const ValueContext *ctx) {
  if (entries.empty()) return "";
  std::string out;
  for (const auto &e : entries) out += spec.name + key_text(spec, e, ctx) + ": " + value_text(spec, e, false, ctx) + "\n";
  return out + "\n";
}

std::string format_map_json(const MapSpec &spec, const std::vector<MapEntry> &entries, const ValueContext *ctx) {
  if (entries.empty()) return "";
  std::string out = "{\"type\": \"map\", \"data\": {" + json_quote(spec.name) + ": ";
  if (spec.scalar) {
    out += value_text(spec, entries.front(), true, ctx);
  } else {
    out += "{";
    for (size_t i = 0; i < entries.size(); i++)
      out += (i ? ", " : "") + key_json(spec, entries[i], ctx) + ": " + value_text(spec, entries[i], true, ctx);
    out += "}";
  }
  return out + "}}\n";
}

Result<std::vector<MapEntry>> read_map(const MapSpec &spec, int fd) {
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
  for (auto &[k, v] : raw) entries.push_back({std::move(k), reduce_percpu(spec, v.data(), ncpus)});
  sort_entries(spec, entries);
  return entries;
}

Status print_map(FdWriter &out, const MapSpec &spec, int fd, OutputFormat format, const ValueContext *ctx) {
  auto entries = read_map(spec, fd);
  if (!entries) return entries.error();
  std::string text = format == OutputFormat::Json ? format_map_json(spec, *entries, ctx)
                                                  : format_map_text(spec, *entries, ctx);
  out.write(text);
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
