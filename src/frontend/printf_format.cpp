#include "frontend/printf_format.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <optional>

#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace probe {

std::string inet_text(const uint8_t *p) {
  uint64_t family;
  std::memcpy(&family, p, sizeof family);
  char buf[INET6_ADDRSTRLEN] = "";
  int af = family == AF_INET6 ? AF_INET6 : AF_INET;
  if (!inet_ntop(af, p + 8, buf, sizeof buf)) return "";
  return buf;
}


namespace {

constexpr std::string_view kConversions = "diuxXoscpr";
// C's flags but the space ("% d" stays text, as in bpftrace 0.17, whose
// conversions take only '-'); '0' is read as part of the width.
constexpr std::string_view kFlags = "-+#";
// Widths and precisions above this are refused: the runtime renders into
// fixed buffers, and a huge width would stall every event on padding.
constexpr unsigned kMaxWidth = 256;

// Reads the digits at fmt[j...] (advancing j); false when they exceed kMaxWidth.
bool read_width(std::string_view fmt, size_t &j) {
  unsigned v = 0;
  bool ok = true;
  for (; j < fmt.size() && fmt[j] >= '0' && fmt[j] <= '9'; j++) {
    v = v * 10 + unsigned(fmt[j] - '0');
    if (v > kMaxWidth) ok = false, v = kMaxWidth + 1;
  }
  return ok;
}

// The conversion starting at fmt[pos] == '%': nullopt when none starts
// there (the '%' is then literal text, as in bpftrace 0.17); an error for
// one that is recognisable but unsupported ('*', huge widths, %ls).
Result<std::optional<FormatArgSpec>> parse_one(std::string_view fmt, size_t pos) {
  size_t j = pos + 1;
  std::string_view flags = kFlags;
  while (j < fmt.size() && flags.find(fmt[j]) != std::string_view::npos) j++;
  bool width_ok = read_width(fmt, j);
  if (j < fmt.size() && fmt[j] == '.') {
    j++;
    width_ok = read_width(fmt, j) && width_ok;
  }
  size_t len_start = j;
  if (j < fmt.size() && (fmt[j] == 'h' || fmt[j] == 'l')) {
    char c = fmt[j++];
    if (j < fmt.size() && fmt[j] == c) j++;
  } else if (j < fmt.size() && (fmt[j] == 'z' || fmt[j] == 'j' || fmt[j] == 't')) {
    j++;
  }
  std::string at = " at offset " + std::to_string(pos);
  if (j >= fmt.size()) return std::optional<FormatArgSpec>{};
  char conv = fmt[j];
  bool hex = conv == 'r' && j + 1 < fmt.size() && fmt[j + 1] == 'x';
  std::string text(fmt.substr(pos, j + 1 + (hex ? 1 : 0) - pos));
  if (conv == '*')
    return make_error("'*' width or precision is not supported in '" + text + "'" + at);
  if (kConversions.find(conv) == std::string_view::npos) return std::optional<FormatArgSpec>{};
  if (!width_ok)
    return make_error("width or precision above " + std::to_string(kMaxWidth) + " in '" + text + "'" + at);
  if (j > len_start && (conv == 's' || conv == 'c' || conv == 'r'))
    return make_error("length modifier not allowed with '%" + std::string(1, conv) + "' in '" +
                      text + "'" + at);
  FormatArgSpec spec{conv, hex, text, pos, text.size()};
  return std::optional<FormatArgSpec>{spec};
}

// Reads argument bytes as a 64-bit integer normalised by its declared type.
uint64_t read_int(const Type &t, const uint8_t *p) {
  uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  if (t.is_int() && t.size > 0 && t.size < 8) {
    unsigned bits = t.size * 8;
    uint64_t mask = (uint64_t{1} << bits) - 1;
    v &= mask;
    if (t.is_signed && (v >> (bits - 1)) & 1) v |= ~mask;
  }
  return v;
}

std::string hex_pointer(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

// A best-effort text form for %s of a non-string argument.
std::string arg_as_text(const Type &t, const uint8_t *p) {
  if (t.is(TypeKind::Inet)) return inet_text(p);
  if (t.is(TypeKind::String)) {
    const char *s = reinterpret_cast<const char *>(p);
    return std::string(s, strnlen(s, t.size));
  }
  if (t.is(TypeKind::Buffer)) {
    uint64_t n = 0;
    std::memcpy(&n, p, sizeof n);
    return escape_buffer(p + 8, std::min<uint64_t>(n, t.size), false);
  }
  if (t.is(TypeKind::Pointer) || t.is(TypeKind::Ctx)) return hex_pointer(read_int(t, p));
  if (t.is_integral()) {
    uint64_t v = read_int(t, p);
    bool sign = t.is_int() ? t.is_signed : true;
    return sign ? std::to_string(int64_t(v)) : std::to_string(v);
  }
  if (t.is(TypeKind::Tuple)) {
    std::string s = "(";
    for (size_t i = 0; i < t.fields.size(); i++)
      s += (i ? ", " : "") + arg_as_text(t.fields[i], p + tuple_offset(t, i));
    return s + ")";
  }
  return "";
}

// Splits "%-10.3lld" into its flags/width/precision prefix and length modifier.
void split_spec(const std::string &spec, std::string *prefix, std::string *len) {
  size_t end = spec.size() - 1;  // the conversion char
  if (spec.size() > 2 && spec[end] == 'x' && spec[end - 1] == 'r') end--;  // %rx
  size_t lstart = end;
  while (lstart > 1 && std::string_view("hlzjt").find(spec[lstart - 1]) != std::string_view::npos) lstart--;
  *prefix = spec.substr(0, lstart);
  *len = spec.substr(lstart, end - lstart);
}

// snprintf into a std::string (widths are bounded, so one retry at most).
template <typename... A>
std::string cformat(const std::string &f, A... args) {
  char buf[512];
  int n = std::snprintf(buf, sizeof buf, f.c_str(), args...);
  if (n < 0) return "";
  if (size_t(n) < sizeof buf) return std::string(buf, n);
  std::string out(size_t(n), '\0');
  std::snprintf(out.data(), out.size() + 1, f.c_str(), args...);
  return out;
}

// Formats one conversion with its argument, as C's printf would with the
// argument passed as the type its length modifier names: without one, %d
// takes an int and %u/%x/%X/%o an unsigned int (so %x of -1 is ffffffff,
// as in bpftrace); h/hh narrow further; l/ll/j/z/t take 64 bits.
std::string format_one(const FormatArgSpec &a, const Type &t, const uint8_t *p) {
  std::string prefix, len;
  split_spec(a.spec, &prefix, &len);
  switch (a.conv) {
    case 's': return cformat(prefix + "s", arg_as_text(t, p).c_str());
    case 'r': {
      uint64_t n = 0;
      std::memcpy(&n, p, sizeof n);
      std::string s = t.is(TypeKind::Buffer) ? escape_buffer(p + 8, std::min<uint64_t>(n, t.size), a.hex)
                                             : arg_as_text(t, p);
      return cformat(prefix + "s", s.c_str());
    }
    case 'p': return cformat(prefix + "p", reinterpret_cast<void *>(uintptr_t(read_int(t, p))));
    case 'c': return cformat(prefix + "c", int(char(read_int(t, p))));
    default: break;
  }
  uint64_t v = read_int(t, p);
  bool is_signed = a.conv == 'd' || a.conv == 'i';
  bool wide = !len.empty() && len != "h" && len != "hh";
  std::string f = prefix + (wide ? "ll" : len) + a.conv;
  if (wide) return is_signed ? cformat(f, (long long)v) : cformat(f, (unsigned long long)v);
  return is_signed ? cformat(f, int(int32_t(v))) : cformat(f, unsigned(uint32_t(v)));
}

// Appends literal text with "%%" read as one '%' (C's printf, and bpftrace
// for the text before a conversion; 0.17 left %% alone after the last one,
// which the project treats as a bug).
void append_collapsed(std::string &out, std::string_view text) {
  for (size_t i = 0; i < text.size(); i++) {
    if (text[i] == '%' && i + 1 < text.size() && text[i + 1] == '%') i++;
    out += text[i];
  }
}

}  // namespace

Result<std::vector<FormatArgSpec>> parse_printf_format(std::string_view fmt) {
  std::vector<FormatArgSpec> specs;
  for (size_t i = 0; i < fmt.size(); i++) {
    if (fmt[i] != '%') continue;
    if (i + 1 < fmt.size() && fmt[i + 1] == '%') {
      i++;
      continue;
    }
    auto r = parse_one(fmt, i);
    if (!r) return r.error();
    if (!*r) continue;
    i += (*r)->length - 1;
    specs.push_back(std::move(**r));
  }
  return specs;
}

std::vector<std::string> printf_literal_percents(std::string_view fmt) {
  std::vector<std::string> out;
  for (size_t i = 0; i < fmt.size(); i++) {
    if (fmt[i] != '%') continue;
    if (i + 1 < fmt.size() && fmt[i + 1] == '%') {
      i++;  // "%%" is the way to write '%'
      continue;
    }
    auto r = parse_one(fmt, i);
    if (r && *r) {
      i += (*r)->length - 1;
      continue;
    }
    size_t e = i + 1;
    while (e < fmt.size() && e < i + 8 && fmt[e] != '%' && !std::isspace(static_cast<unsigned char>(fmt[e]))) e++;
    out.push_back(std::string(fmt.substr(i, e - i)));
  }
  return out;
}

std::string escape_buffer(const uint8_t *data, size_t len, bool hex) {
  std::string out;
  out.reserve(len * (hex ? 4 : 1));
  for (size_t i = 0; i < len; i++) {
    if (!hex && data[i] >= 32 && data[i] <= 126) {
      out += char(data[i]);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", data[i]);
      out += buf;
    }
  }
  return out;
}

bool format_accepts(char conv, const Type &t, std::string *why) {
  auto refuse = [&](const char *wants) {
    if (why)
      *why = std::string("%") + conv + " expects " + wants + ", got " + t.to_string();
    return false;
  };
  switch (conv) {
    case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
      return t.is_integral() ? true : refuse("an integer");
    case 'c':
      return t.is_int() ? true : refuse("an integer");
    case 'p':
      return (t.is_int() || t.is(TypeKind::Pointer) || t.is(TypeKind::Ctx)) ? true
                                                                          : refuse("a pointer");
    case 'r':
      return t.is(TypeKind::Buffer) ? true : refuse("a buffer: buf(ptr, length)");
    case 's':
      return (t.is(TypeKind::String) || t.is_integral() || t.is(TypeKind::Ctx) ||
              t.is(TypeKind::Tuple) || t.is(TypeKind::Timestamp) || t.is(TypeKind::Inet) ||
              t.is(TypeKind::Formatted))
                 ? true
                 : refuse("a string");
    default:
      if (why) *why = std::string("unknown conversion '%") + conv + "'";
      return false;
  }
}

CompiledFormat compile_printf_format(const std::string &fmt) {
  CompiledFormat cf;
  size_t lit_start = 0;
  for (size_t i = 0; i < fmt.size(); i++) {
    if (fmt[i] != '%') continue;
    if (i + 1 < fmt.size() && fmt[i + 1] == '%') {
      i++;
      continue;
    }
    auto r = parse_one(fmt, i);
    if (!r || !*r) continue;  // the checker rejects errors; literal text otherwise
    CompiledFormat::Piece cur;
    append_collapsed(cur.literal, std::string_view(fmt).substr(lit_start, i - lit_start));
    cur.has_arg = true;
    cur.spec = **r;
    split_spec(cur.spec.spec, &cur.prefix, &cur.len);
    cur.plain = cur.prefix == "%" && cur.len.empty();
    i += cur.spec.length - 1;
    lit_start = i + 1;
    cf.pieces.push_back(std::move(cur));
  }
  if (lit_start < fmt.size()) {
    CompiledFormat::Piece tail;
    append_collapsed(tail.literal, std::string_view(fmt).substr(lit_start));
    cf.pieces.push_back(std::move(tail));
  }
  return cf;
}

void format_printf_compiled(std::string &out, const CompiledFormat &cf, const std::vector<Type> &types,
                            const uint8_t *payload, const std::vector<uint32_t> &offsets,
                            const ValueRenderer &render) {
  size_t argi = 0;
  for (const auto &piece : cf.pieces) {
    out += piece.literal;
    if (!piece.has_arg) continue;
    size_t a = argi++;
    if (a >= types.size() || a >= offsets.size()) continue;
    const Type &t = types[a];
    const uint8_t *p = payload + offsets[a];
    bool special = t.is(TypeKind::Ksym) || t.is(TypeKind::Kstack) || t.is(TypeKind::Timestamp) ||
                   t.is(TypeKind::Formatted);
    if (special && render && piece.spec.conv == 's') {
      // Symbols, stacks and times print as text through %s, honouring the width.
      std::string text = render(t, p);
      Type st = Type::string(static_cast<uint32_t>(text.size()) + 1);
      out += format_one(piece.spec, st, reinterpret_cast<const uint8_t *>(text.c_str()));
      continue;
    }
    if (piece.plain) {  // the common case, without snprintf
      char buf[32];
      std::to_chars_result r;
      switch (piece.spec.conv) {
        case 'd':
        case 'i':
          r = std::to_chars(buf, buf + sizeof buf, int32_t(read_int(t, p)));
          out.append(buf, r.ptr);
          continue;
        case 'u':
          r = std::to_chars(buf, buf + sizeof buf, uint32_t(read_int(t, p)));
          out.append(buf, r.ptr);
          continue;
        case 'x':
          r = std::to_chars(buf, buf + sizeof buf, uint32_t(read_int(t, p)), 16);
          out.append(buf, r.ptr);
          continue;
        case 's':
          if (t.is(TypeKind::String)) {
            const char *s = reinterpret_cast<const char *>(p);
            out.append(s, strnlen(s, t.size));
            continue;
          }
          break;
        default:
          break;
      }
    }
    out += format_one(piece.spec, t, p);
  }
}

std::string format_printf(const std::string &fmt, const std::vector<Type> &types,
                          const uint8_t *payload, const std::vector<uint32_t> &offsets,
                          const ValueRenderer &render) {
  std::string out;
  format_printf_compiled(out, compile_printf_format(fmt), types, payload, offsets, render);
  return out;
}

}  // namespace probe
