#include "runtime/value_format.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "frontend/printf_format.h"

namespace probe {

namespace {

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

// How a value is spelled: text, JSON, or a map key's text (structs without spaces, as bpftrace).
enum class Style { Text, Json, Key };

// Formats one value; packed means it sits inside a C struct/array at its natural size.
std::string fmt(const Type &t, const uint8_t *p, bool packed, Style style, const ValueContext *ctx);

std::string fmt_int(const Type &t, const uint8_t *p, bool packed) {
  int64_t v = read_int_value(t, p, packed);
  bool sign = t.is_int() ? t.is_signed : true;
  return sign ? std::to_string(v) : std::to_string(uint64_t(v));
}

std::string fmt_string(const Type &t, const uint8_t *p, bool json) {
  const char *s = reinterpret_cast<const char *>(p);
  std::string str(s, strnlen(s, t.size));
  return json ? json_quote(str) : str;
}

std::string fmt_tuple(const Type &t, const uint8_t *p, Style style, const ValueContext *ctx) {
  bool json = style == Style::Json;
  std::string s = json ? "[" : "(";
  for (size_t i = 0; i < t.fields.size(); i++) {
    if (i) s += json ? "," : ", ";
    s += fmt(t.fields[i], p + tuple_offset(t, i), false, style, ctx);
  }
  return s + (json ? "]" : ")");
}

std::string fmt_array(const Type &t, const uint8_t *p, Style style, const ValueContext *ctx) {
  std::string s = "[";
  uint32_t esz = t.elem ? t.elem->size : 0;
  for (uint32_t i = 0; t.elem && i < t.count; i++) {
    if (i) s += ",";
    s += fmt(*t.elem, p + i * esz, true, style, ctx);
  }
  return s + "]";
}

// A bitfield's value: the bits after bitfield_shift in the bytes at p.
std::string fmt_bitfield(const Field &f, const uint8_t *p) {
  uint64_t v = 0;
  std::memcpy(&v, p, std::min<uint32_t>(8, (f.bitfield_shift + f.bitfield_bits + 7) / 8));
  v >>= f.bitfield_shift;
  if (f.bitfield_bits >= 64) return std::to_string(v);
  v &= (uint64_t{1} << f.bitfield_bits) - 1;
  if (f.type->is_int() && f.type->is_signed && ((v >> (f.bitfield_bits - 1)) & 1)) {
    v |= ~((uint64_t{1} << f.bitfield_bits) - 1);
    return std::to_string(int64_t(v));
  }
  return std::to_string(v);
}

// bpftrace's struct forms: { .a = 1, .b = 2 }, JSON { "a": 1, "b": 2 }, as a key {.a=1,.b=2}.
std::string fmt_record(const Type &t, const uint8_t *p, Style style, const ValueContext *ctx) {
  bool json = style == Style::Json, key = style == Style::Key;
  if (!t.record) return json ? "{}" : key ? "{}" : "{ }";
  std::string s = key ? "{" : "{ ";
  const auto &fields = t.record->fields;
  for (size_t i = 0; i < fields.size(); i++) {
    const Field &f = fields[i];
    if (i) s += key ? "," : ", ";
    s += json ? json_quote(f.name) + ": " : key ? "." + f.name + "=" : "." + f.name + " = ";
    if (!f.type)
      s += "?";
    else if (f.bitfield_bits)
      s += fmt_bitfield(f, p + f.offset);
    else
      s += fmt(*f.type, p + f.offset, true, style, ctx);
  }
  return s + (key ? "}" : " }");
}

// A kernel stack, bpftrace style: a newline, then one indented frame per line.
std::string fmt_kstack(const uint8_t *p, Style style, const ValueContext *ctx) {
  bool json = style == Style::Json;
  int64_t id;
  std::memcpy(&id, p, sizeof id);
  std::vector<std::string> frames;
  if (id >= 0 && ctx && ctx->kstack) frames = ctx->kstack(id);
  if (json) {
    std::string s = "[";
    for (size_t i = 0; i < frames.size(); i++) s += (i ? "," : "") + json_quote(frames[i]);
    return s + "]";
  }
  std::string s = "\n";
  for (const auto &f : frames) s += "        " + f + "\n";
  return s;
}

std::string fmt(const Type &t, const uint8_t *p, bool packed, Style style, const ValueContext *ctx) {
  bool json = style == Style::Json;
  switch (t.kind) {
    case TypeKind::Ksym: {
      uint64_t addr;
      std::memcpy(&addr, p, sizeof addr);
      // t.name is a prefix for probe names ("kprobe:"), empty for func/ksym().
      std::string name = t.name + (ctx && ctx->ksym ? ctx->ksym(addr) : hex(addr));
      return json ? json_quote(name) : name;
    }
    case TypeKind::Kstack: return fmt_kstack(p, style, ctx);
    case TypeKind::Inet: return json ? json_quote(inet_text(p)) : inet_text(p);
    case TypeKind::Buffer: {  // bpftrace's %r form, in maps and print() too
      uint64_t n = 0;
      std::memcpy(&n, p, sizeof n);
      std::string s = escape_buffer(p + 8, std::min<uint64_t>(n, t.size), false);
      return json ? json_quote(s) : s;
    }
    case TypeKind::Timestamp: {
      uint64_t ns = 0;
      std::memcpy(&ns, p, sizeof ns);
      std::string s = format_timestamp(t.name, ns);
      return json ? json_quote(s) : s;
    }
    case TypeKind::Formatted: {
      std::string s = formatted_text(t.name, p);
      return json ? json_quote(s) : s;
    }
    case TypeKind::Int:
      return fmt_int(t, p, packed);
    case TypeKind::String: return fmt_string(t, p, json);
    case TypeKind::Pointer:
    case TypeKind::Ctx: {
      std::string h = hex(uint64_t(read_int_value(t, p, packed)));
      return json ? json_quote(h) : h;
    }
    case TypeKind::Tuple: return fmt_tuple(t, p, style, ctx);
    case TypeKind::Array: return fmt_array(t, p, style, ctx);
    case TypeKind::Record: return fmt_record(t, p, style, ctx);
    case TypeKind::None:
    case TypeKind::Void:
    case TypeKind::Aggregation:  // map values of aggregations print through runtime/agg/
      return json ? "null" : "";
  }
  return "";
}

}  // namespace

std::string format_wall_time(const std::string &fmt, int64_t sec, long usec) {
  // %f (not a strftime conversion) becomes the microseconds first; "%%f" stays.
  std::string f;
  for (size_t i = 0; i < fmt.size(); i++) {
    if (fmt[i] == '%' && i + 1 < fmt.size()) {
      if (fmt[i + 1] == 'f') {
        char us[8];
        std::snprintf(us, sizeof us, "%06ld", usec);
        f += us;
      } else {
        f += fmt.substr(i, 2);
      }
      i++;
      continue;
    }
    f += fmt[i];
  }
  time_t t = static_cast<time_t>(sec);
  struct tm tm {};
  localtime_r(&t, &tm);
  std::string out(f.size() * 4 + 64, '\0');
  for (int tries = 0; tries < 4; tries++) {
    size_t n = std::strftime(out.data(), out.size(), f.c_str(), &tm);
    if (n > 0 || f.empty()) return out.substr(0, n);
    out.resize(out.size() * 4);  // 0 can also mean an empty result; give up after a few
  }
  return "";
}

std::string format_timestamp(const std::string &fmt, uint64_t ns_since_boot) {
  timespec real{}, mono{};
  clock_gettime(CLOCK_REALTIME, &real);
  clock_gettime(CLOCK_MONOTONIC, &mono);
  int64_t offset = (int64_t(real.tv_sec) - int64_t(mono.tv_sec)) * 1000000000 + (real.tv_nsec - mono.tv_nsec);
  int64_t wall = int64_t(ns_since_boot) + offset;
  int64_t sec = wall / 1000000000, rem = wall % 1000000000;
  if (rem < 0) sec--, rem += 1000000000;
  return format_wall_time(fmt, sec, long(rem / 1000));
}

int64_t read_int_value(const Type &t, const uint8_t *data, bool packed) {
  uint32_t size = (packed && t.size > 0 && t.size <= 8) ? t.size : 8;
  uint64_t v = 0;
  std::memcpy(&v, data, size);
  uint32_t bits = (t.is_int() && t.size > 0 && t.size < 8) ? t.size * 8 : 64;
  if (bits < 64) {
    uint64_t mask = (uint64_t{1} << bits) - 1;
    v &= mask;
    if (t.is_signed && ((v >> (bits - 1)) & 1)) v |= ~mask;
  }
  return int64_t(v);
}

std::string format_value(const Type &t, const uint8_t *data, const ValueContext *ctx) {
  return fmt(t, data, false, Style::Text, ctx);
}

std::string format_value_json(const Type &t, const uint8_t *data, const ValueContext *ctx) {
  return fmt(t, data, false, Style::Json, ctx);
}

std::string format_key(const Type &t, const uint8_t *data, const ValueContext *ctx) {
  return fmt(t, data, false, Style::Key, ctx);
}

namespace {

// Length of the valid UTF-8 sequence starting at s[i] (1-4), or 0 if the
// byte there does not start one (stray continuation, overlong form,
// surrogate, beyond U+10FFFF, or cut short).
size_t utf8_sequence(const std::string &s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t len;
  uint32_t cp;
  if (c >= 0xc2 && c <= 0xdf) len = 2, cp = c & 0x1f;
  else if (c >= 0xe0 && c <= 0xef) len = 3, cp = c & 0x0f;
  else if (c >= 0xf0 && c <= 0xf4) len = 4, cp = c & 0x07;
  else return 0;
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; k++) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) return 0;
  if (cp >= 0xd800 && cp <= 0xdfff) return 0;
  return len;
}

}  // namespace

std::string json_quote(const std::string &s) {
  std::string out = "\"";
  out.reserve(s.size() + 2);
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    char buf[8];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else if (size_t len = utf8_sequence(s, i)) {
          out.append(s, i, len);  // ASCII and valid multi-byte UTF-8 pass through
          i += len;
          continue;
        } else {
          // Not UTF-8: the visible text \xNN (JSON "\\xNN"), so the output
          // stays valid UTF-8 and the byte value is not lost.
          std::snprintf(buf, sizeof buf, "\\\\x%02x", c);
          out += buf;
        }
    }
    i++;
  }
  return out + "\"";
}

}  // namespace probe
