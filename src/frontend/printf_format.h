// bpftrace-compatible printf formats: parsed once by the type checker (to
// match arguments) and again by the runtime (to render events).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/types.h"
#include "util/result.h"

namespace probe {

// An ntop() value ({u64 family; u8 addr[16]}) as text: "127.0.0.1", "::1".
std::string inet_text(const uint8_t *p);

// One conversion in a format string (never "%%"), as written by the user.
// A '%' that starts no conversion ("%y", a trailing '%') is literal text,
// as in bpftrace 0.17.
struct FormatArgSpec {
  char conv = 0;       // d i u x X o s c p, or r for %r / %rx (buffers)
  bool hex = false;    // %rx: every byte as \xNN
  std::string spec;    // full text, e.g. "%-10lld"
  size_t offset = 0;   // byte offset of '%' in the format
  size_t length = 0;   // length of spec
};

// Splits a format into its conversions; the error names the bad specifier and offset.
Result<std::vector<FormatArgSpec>> parse_printf_format(std::string_view fmt);

// The '%' sequences of fmt that are not conversions (e.g. "%y", a trailing
// "%"): printed as they are; named in hints when the argument count is off.
std::vector<std::string> printf_literal_percents(std::string_view fmt);

// Escapes a buffer like bpftrace's %r: printable ASCII as is, other bytes
// as \xNN; hex (%rx) escapes every byte.
std::string escape_buffer(const uint8_t *data, size_t len, bool hex);

// Whether conversion conv can print a value of type t; *why explains a refusal.
bool format_accepts(char conv, const Type &t, std::string *why);

// Renders fmt like C printf with arguments decoded from an event payload:
// argument i has type types[i] and sits at payload + offsets[i].
// Renders values the base layer cannot (kernel symbols, stacks) for %s.
using ValueRenderer = std::function<std::string(const Type &, const uint8_t *)>;

// A format parsed once per call site, so per-event formatting does no parsing.
struct CompiledFormat {
  struct Piece {
    std::string literal;   // text before the conversion, "%%" read as '%'
    bool has_arg = false;  // false for trailing text
    FormatArgSpec spec;
    std::string prefix, len;  // "%-5", "ll"
    bool plain = false;       // no flags, width or length: formatted without snprintf
  };
  std::vector<Piece> pieces;
};

CompiledFormat compile_printf_format(const std::string &fmt);

// Appends the formatted text to out (no allocation beyond out's growth).
void format_printf_compiled(std::string &out, const CompiledFormat &cf, const std::vector<Type> &types,
                            const uint8_t *payload, const std::vector<uint32_t> &offsets,
                            const ValueRenderer &render = nullptr);

std::string format_printf(const std::string &fmt, const std::vector<Type> &types,
                          const uint8_t *payload, const std::vector<uint32_t> &offsets,
                          const ValueRenderer &render = nullptr);

}  // namespace probe
