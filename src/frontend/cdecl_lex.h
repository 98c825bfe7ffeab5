// The C tokenizer behind the declaration parser (cdecl.h): identifiers,
// integer and character literals, strings, punctuators, with their script
// locations. Comments are skipped; in tolerant mode (header text) so are
// stray preprocessor lines (`# 1 "file"` markers). Internal to the frontend.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/location.h"

namespace probe::cdecl {

enum class Tok {
  End,     // end of the text (always the last token)
  Ident,   // identifiers and keywords
  Number,  // integer literal: value and suffix flags set
  Float,   // floating literal: only its spelling is kept
  Char,    // character literal: value set
  String,  // string literal (asm labels, attribute arguments)
  Punct,   // punctuator, possibly multi-character ("<<", "...")
  Bad,     // malformed token (unterminated literal, stray byte): message in `error`
};

// One token with its spelling and where it is in the script.
struct Token {
  Tok kind = Tok::End;
  std::string_view text;    // spelling, a view into the parsed text
  Loc loc;                  // script location (single line)
  uint64_t value = 0;       // Number/Char: the value
  bool is_unsigned = false; // Number: `u` suffix
  bool is_long = false;     // Number: `l`/`ll` suffix
  bool decimal = false;     // Number: written in decimal (C's literal typing differs)
  const char *error = nullptr;  // Bad: why

  // True for an identifier or punctuator spelled s.
  bool is(std::string_view s) const { return (kind == Tok::Ident || kind == Tok::Punct) && text == s; }
};

// Splits text (which starts at script location `at`) into tokens, ending
// with one Tok::End. Lines starting with '#' are skipped when skip_hash_lines.
std::vector<Token> tokenize(std::string_view text, const Loc &at, bool skip_hash_lines);

// A token's spelling for diagnostics: "'foo'", "end of input".
std::string describe(const Token &t);

}  // namespace probe::cdecl
