// Internals shared by the preprocessor's files (preprocess.cpp,
// pp_macros.cpp, pp_expr.cpp, system_constants.cpp): C preprocessing
// tokens, macro expansion over token lists with hide sets and budgets, and
// the constant expression evaluator's two modes. Not part of the public API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/names.h"

namespace probe::pp {

// What a preprocessing token is (C11 6.4.7's pp-tokens, roughly).
enum class TokKind : uint8_t { Ident, Number, Char, String, Punct, Other };

// The macros a token came out of: it is not expanded again by any of them
// (Prosser's algorithm). Shared, immutable, sorted by pointer; null = empty.
using HideSet = std::shared_ptr<const std::vector<const Macro *>>;

// One preprocessing token with the white space before it.
struct Tok {
  TokKind kind = TokKind::Other;
  uint8_t space = 0;  // 0: none before it, 1: a blank, 2: a newline
  std::string text;
  HideSet hide;

  bool is(const char *p) const { return kind == TokKind::Punct && text == p; }
};

// Splits text into tokens; comments become white space, backslash-newlines
// vanish. Never fails: an odd byte is a one-byte Other token.
void tokenize(std::string_view text, std::vector<Tok> &out);

// Limits that keep a hostile macro set from exhausting time or memory.
// The same budget is shared by every expansion of one preprocessing run.
struct Budget {
  size_t work = 0;                       // tokens moved so far
  size_t max_work = size_t{64} << 20;    // stop after this many
  size_t max_tokens = size_t{4} << 20;   // longest single expansion output
  bool overflow = false;                 // a limit was hit: output is cut
};

// Expands macros in toks (cpp semantics); sets budget.overflow and stops
// early when a limit is hit.
std::vector<Tok> expand(std::vector<Tok> toks, const MacroTable &macros, Budget &budget);

// Spells tokens back as text, a blank where the source had white space (a
// newline where it had one and keep_newlines), and a blank between tokens
// that would otherwise lex as one.
std::string spell(const std::vector<Tok> &toks, bool keep_newlines);

// An integer value in the evaluator: 64 bits, signed or not, and whether
// its C type is 64 bits wide (long) or 32 (int).
struct Value {
  uint64_t bits = 0;
  bool is_unsigned = false;
  bool wide = true;
};

// Evaluates a constant expression over tokens. In #if mode (pp_mode) every
// value is intmax_t/uintmax_t, identifiers (left after `defined` and macro
// expansion) are 0; otherwise identifiers are an error and literals and
// casts follow int/long typing. nullopt on any error. err gets a reason.
std::optional<Value> evaluate(const std::vector<Tok> &toks, bool pp_mode, std::string *err);

// True for names the evaluator accepts inside a cast or sizeof, with their
// width in bytes and signedness (`int`, `unsigned long`, `__u32`, `size_t`).
struct IntType {
  int bytes = 0;
  bool is_unsigned = false;
};
std::optional<IntType> int_type_name(const std::string &name);

// The parts of a #define line: "NAME(params) body" -> a Macro, or an error.
std::optional<Macro> parse_define(std::string_view text, std::string *err);

// The macros every run starts with (x86-64, glibc, GCC 12 compatible).
void add_predefined(MacroTable &macros, bool have_btf);

// Directory part of a path ("" -> "."): where "..." includes are searched first.
std::string dir_of(const std::string &path);

}  // namespace probe::pp
