#include "frontend/printf_format.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace probe {

namespace {

constexpr std::string_view kConversions = "diuxXoscp";
constexpr std::string_view kFlags = "-0+ #";
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

// Parses the specifier starting at fmt[pos] == '%' (not "%%").
Result<FormatArgSpec> parse_one(std::string_view fmt, size_t pos) {
  size_t j = pos + 1;
  while (j < fmt.size() && kFlags.find(fmt[j]) != std::string_view::npos) j++;
  bool width_ok = read_width(fmt, j);
  if (j < fmt.size() && fmt[j] == '.') {
    j++;
    width_ok = read_width(fmt, j) && width_ok;
  }
  size_t len_start = j;
  if (j < fmt.size() && (fmt[j] == 'h' || fmt[j] == 'l')) {
    char c = fmt[j++];
    if (j < fmt.size() && fmt[j] == c) j++;
  } else if (j < fmt.size() && fmt[j] == 'z') {
    j++;
  }
  std::string at = " at offset " + std::to_string(pos);
  if (j >= fmt.size())
    return make_error("incomplete format specifier '" + std::string(fmt.substr(pos)) + "'" + at);
  std::string text(fmt.substr(pos, j + 1 - pos));
  char conv = fmt[j];
  if (conv == '*')
    return make_error("'*' width or precision is not supported in '" + text + "'" + at);
  if (kConversions.find(conv) == std::string_view::npos)
    return make_error("invalid conversion '" + text + "'" + at);
  if (!width_ok)
    return make_error("width or precision above " + std::to_string(kMaxWidth) + " in '" + text + "'" + at);
  if (j > len_start && (conv == 's' || conv == 'c' || conv == 'p'))
    return make_error("length modifier not allowed with '%" + std::string(1, conv) + "' in '" +
                      text + "'" + at);
  return FormatArgSpec{conv, text, pos, text.size()};
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

// Applies an hh/h length modifier the way C's printf would.
uint64_t apply_length(uint64_t v, std::string_view len, bool is_signed) {
  if (len == "hh") return is_signed ? uint64_t(int64_t(int8_t(v))) : uint8_t(v);
  if (len == "h") return is_signed ? uint64_t(int64_t(int16_t(v))) : uint16_t(v);
  return v;
}

std::string hex_pointer(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

// A best-effort text form for %s of a non-string argument.
std::string arg_as_text(const Type &t, const uint8_t *p) {
  if (t.is(TypeKind::String)) {
    const char *s = reinterpret_cast<const char *>(p);
    return std::string(s, strnlen(s, t.size));
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
  size_t lstart = end;
  while (lstart > 1 && (spec[lstart - 1] == 'h' || spec[lstart - 1] == 'l' || spec[lstart - 1] == 'z'))
    lstart--;
  *prefix = spec.substr(0, lstart);
  *len = spec.substr(lstart, end - lstart);
}

// Formats one conversion with its argument.
std::string format_one(const FormatArgSpec &a, const Type &t, const uint8_t *p) {
  std::string prefix, len;
  split_spec(a.spec, &prefix, &len);
  char buf[512];
  std::string out;
  switch (a.conv) {
    case 's': {
      std::string s = arg_as_text(t, p);
      int n = std::snprintf(nullptr, 0, (prefix + "s").c_str(), s.c_str());
      out.resize(n > 0 ? n : 0);
      std::snprintf(out.data(), out.size() + 1, (prefix + "s").c_str(), s.c_str());
      return out;
    }
    case 'p': {
      std::string s = hex_pointer(read_int(t, p));
      std::string pfx;
      for (char c : prefix) {
        if (c == '.') break;  // a precision is ignored (its digits are not width)
        if (c == '-' || (c >= '1' && c <= '9') || (!pfx.empty() && c == '0')) pfx += c;
      }
      std::snprintf(buf, sizeof buf, ("%" + pfx + "s").c_str(), s.c_str());
      return buf;
    }
    case 'c':
      std::snprintf(buf, sizeof buf, (prefix + "c").c_str(), int(char(read_int(t, p))));
      return buf;
    default: {
      bool is_signed = a.conv == 'd' || a.conv == 'i';
      uint64_t v = apply_length(read_int(t, p), len, is_signed);
      std::string f = prefix + "ll" + a.conv;
      if (is_signed)
        std::snprintf(buf, sizeof buf, f.c_str(), (long long)v);
      else
        std::snprintf(buf, sizeof buf, f.c_str(), (unsigned long long)v);
      return buf;
    }
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
    i += r->length - 1;
    specs.push_back(std::move(*r));
  }
  return specs;
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
    case 's':
      return (t.is(TypeKind::String) || t.is_integral() || t.is(TypeKind::Ctx) ||
              t.is(TypeKind::Tuple))
                 ? true
                 : refuse("a string");
    default:
      if (why) *why = std::string("unknown conversion '%") + conv + "'";
      return false;
  }
}

CompiledFormat compile_printf_format(const std::string &fmt) {
  CompiledFormat cf;
  CompiledFormat::Piece cur;
  for (size_t i = 0; i < fmt.size(); i++) {
    if (fmt[i] != '%') {
      cur.literal += fmt[i];
      continue;
    }
    if (i + 1 < fmt.size() && fmt[i + 1] == '%') {
      cur.literal += '%';
      i++;
      continue;
    }
    auto r = parse_one(fmt, i);
    if (!r) {  // the checker rejects these; print the rest verbatim
      cur.literal += fmt.substr(i);
      break;
    }
    cur.has_arg = true;
    cur.spec = *r;
    split_spec(r->spec, &cur.prefix, &cur.len);
    cur.plain = cur.prefix == "%" && cur.len.empty();
    cf.pieces.push_back(std::move(cur));
    cur = CompiledFormat::Piece{};
    i += r->length - 1;
  }
  if (!cur.literal.empty()) cf.pieces.push_back(std::move(cur));
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
    bool special = t.is(TypeKind::Ksym) || t.is(TypeKind::Kstack);
    if (special && render && piece.spec.conv == 's') {
      // Symbols and stacks print as text through %s, honouring the width.
      std::string text = render(t, p);
      Type st = Type::string(static_cast<uint32_t>(text.size()) + 1);
      out += format_one(piece.spec, st, reinterpret_cast<const uint8_t *>(text.c_str()));
      continue;
    }
    if (piece.plain) {  // the common case, without snprintf
      char buf[32];
      switch (piece.spec.conv) {
        case 'd':
        case 'i':
        case 'u':
        case 'x': {
          uint64_t v = read_int(t, p);
          std::to_chars_result r;
          if (piece.spec.conv == 'x')
            r = std::to_chars(buf, buf + sizeof buf, v, 16);
          else if (piece.spec.conv == 'u')
            r = std::to_chars(buf, buf + sizeof buf, v);
          else
            r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(v));
          out.append(buf, r.ptr);
          continue;
        }
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
