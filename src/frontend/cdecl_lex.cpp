// The C tokenizer of the declaration parser. It never fails: malformed
// input becomes a Tok::Bad token that the parser reports (strict) or skips.
#include "frontend/cdecl_lex.h"

#include <cctype>

namespace probe::cdecl {

namespace {

// Walks the text keeping the script line and column of the current byte.
class Cursor {
 public:
  Cursor(std::string_view text, const Loc &at) : text_(text), pos_(at.begin) {}

  bool done() const { return i_ >= text_.size(); }
  // The byte k places ahead, or 0 past the end.
  char peek(size_t k = 0) const { return i_ + k < text_.size() ? text_[i_ + k] : '\0'; }
  size_t offset() const { return i_; }
  Position position() const { return pos_; }
  // Moves past one byte, counting lines.
  void advance() {
    if (done()) return;
    if (text_[i_] == '\n') {
      pos_.line++;
      pos_.column = 1;
    } else {
      pos_.column++;
    }
    i_++;
  }
  void advance(size_t n) {
    for (size_t k = 0; k < n; k++) advance();
  }

 private:
  std::string_view text_;
  size_t i_ = 0;
  Position pos_;
};

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); }
bool ident_char(char c) { return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)); }
// A pp-number continues with a sign after an exponent letter (1e+5, 0x1p-3).
bool exponent_mark(char c) { return c == 'e' || c == 'E' || c == 'p' || c == 'P'; }

// Skips whitespace, comments and (optionally) '#' lines; false on an
// unterminated comment, leaving the cursor at its start.
bool skip_space(Cursor &c, bool skip_hash_lines, bool &line_start) {
  while (!c.done()) {
    char ch = c.peek();
    if (ch == '\n') {
      line_start = true;
      c.advance();
    } else if (std::isspace(static_cast<unsigned char>(ch))) {
      c.advance();
    } else if (ch == '\\' && c.peek(1) == '\n') {
      c.advance(2);
    } else if (ch == '/' && c.peek(1) == '/') {
      while (!c.done() && c.peek() != '\n') c.advance();
    } else if (ch == '/' && c.peek(1) == '*') {
      Cursor start = c;
      c.advance(2);
      while (!c.done() && !(c.peek() == '*' && c.peek(1) == '/')) c.advance();
      if (c.done()) {
        c = start;
        return false;
      }
      c.advance(2);
    } else if (ch == '#' && line_start && skip_hash_lines) {
      while (!c.done() && c.peek() != '\n') c.advance(c.peek() == '\\' && c.peek(1) == '\n' ? 2 : 1);
    } else {
      return true;
    }
  }
  return true;
}

// Parses the digits and suffix of an integer literal into t; Float or Bad
// when it is not an integer.
void number_value(Token &t) {
  std::string_view s = t.text;
  if (s.find('.') != std::string_view::npos ||
      ((s.size() < 2 || (s[1] != 'x' && s[1] != 'X')) && s.find_first_of("eEpP") != std::string_view::npos)) {
    t.kind = Tok::Float;
    return;
  }
  unsigned base = 10;
  size_t i = 0;
  if (s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    i = 2;
  } else if (s.size() > 1 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    base = 2;
    i = 2;
  } else if (s[0] == '0') {
    base = 8;
  }
  t.decimal = base == 10;
  uint64_t v = 0;
  size_t digits = 0;
  for (; i < s.size(); i++, digits++) {
    char ch = s[i];
    unsigned d;
    if (std::isdigit(static_cast<unsigned char>(ch))) d = unsigned(ch - '0');
    else if (base == 16 && std::isxdigit(static_cast<unsigned char>(ch))) d = unsigned(std::tolower(ch) - 'a' + 10);
    else break;
    if (d >= base) {
      t.kind = Tok::Bad;
      t.error = "invalid digit in integer literal";
      return;
    }
    if (v > (UINT64_MAX - d) / base) {
      t.kind = Tok::Bad;
      t.error = "integer literal is too large";
      return;
    }
    v = v * base + d;
  }
  if (digits == 0 && base != 8) {
    t.kind = Tok::Bad;
    t.error = "integer literal has no digits";
    return;
  }
  for (; i < s.size(); i++) {
    char ch = char(std::tolower(s[i]));
    if (ch == 'u' && !t.is_unsigned) t.is_unsigned = true;
    else if (ch == 'l') t.is_long = true;
    else {
      t.kind = Tok::Bad;
      t.error = "invalid suffix on integer literal";
      return;
    }
  }
  t.value = v;
}

// Reads one escape sequence after a backslash (cursor on the backslash).
uint64_t escape_value(Cursor &c) {
  c.advance();
  char e = c.peek();
  c.advance();
  switch (e) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'a': return '\a';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'v': return '\v';
    case 'e': return 27;
    case 'x': {
      uint64_t v = 0;
      while (std::isxdigit(static_cast<unsigned char>(c.peek()))) {
        char h = char(std::tolower(c.peek()));
        v = (v << 4 | uint64_t(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : h - 'a' + 10)) & 0xff;
        c.advance();
      }
      return v;
    }
    default:
      if (e >= '0' && e <= '7') {
        uint64_t v = uint64_t(e - '0');
        for (int k = 0; k < 2 && c.peek() >= '0' && c.peek() <= '7'; k++) {
          v = v * 8 + uint64_t(c.peek() - '0');
          c.advance();
        }
        return v & 0xff;
      }
      return static_cast<unsigned char>(e);
  }
}

// Reads a character or string literal starting at the quote.
void quoted(Cursor &c, Token &t) {
  char q = c.peek();
  c.advance();
  uint64_t v = 0;
  int chars = 0;
  while (!c.done() && c.peek() != q && c.peek() != '\n') {
    uint64_t ch;
    if (c.peek() == '\\') {
      ch = escape_value(c);
    } else {
      ch = static_cast<unsigned char>(c.peek());
      c.advance();
    }
    v = (v << 8 | ch) & 0xffffffffu;
    chars++;
  }
  if (c.peek() != q) {
    t.kind = Tok::Bad;
    t.error = q == '\'' ? "unterminated character literal" : "unterminated string literal";
    return;
  }
  c.advance();
  if (q == '"') {
    t.kind = Tok::String;
    return;
  }
  if (chars == 0) {
    t.kind = Tok::Bad;
    t.error = "empty character literal";
    return;
  }
  t.kind = Tok::Char;
  // A one-character literal is a (signed) char promoted to int, as gcc does.
  t.value = chars == 1 ? uint64_t(int64_t(int8_t(v))) : uint64_t(int64_t(int32_t(uint32_t(v))));
}

// The punctuators longer than one byte, longest first.
constexpr std::string_view kPuncts[] = {"...", "<<=", ">>=", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
                                        "->",  "++",  "--",  "::", "+=", "-=", "*=", "/=", "%=", "&=",
                                        "|=",  "^=",  "##"};

}  // namespace

std::vector<Token> tokenize(std::string_view text, const Loc &at, bool skip_hash_lines) {
  std::vector<Token> out;
  out.reserve(text.size() / 4 + 1);
  Cursor c(text, at);
  bool line_start = true;
  while (true) {
    Token t;
    if (!skip_space(c, skip_hash_lines, line_start)) {
      t.kind = Tok::Bad;
      t.error = "unterminated comment";
      t.loc.begin = c.position();
      t.loc.end = Position{t.loc.begin.line, t.loc.begin.column + 2};
      t.text = text.substr(c.offset(), 2);
      out.push_back(t);
      t = Token{};
      while (!c.done()) c.advance();
    }
    t.loc.begin = c.position();
    size_t start = c.offset();
    if (c.done()) {
      t.loc.end = t.loc.begin;
      out.push_back(t);
      return out;
    }
    line_start = false;
    char ch = c.peek();
    bool prefixed_quote = (ch == 'L' || ch == 'u' || ch == 'U') && (c.peek(1) == '\'' || c.peek(1) == '"');
    if (prefixed_quote) {
      c.advance();
      quoted(c, t);
    } else if (ch == '\'' || ch == '"') {
      quoted(c, t);
    } else if (ident_start(ch)) {
      t.kind = Tok::Ident;
      while (ident_char(c.peek())) c.advance();
    } else if (std::isdigit(static_cast<unsigned char>(ch)) ||
               (ch == '.' && std::isdigit(static_cast<unsigned char>(c.peek(1))))) {
      t.kind = Tok::Number;
      while (ident_char(c.peek()) || c.peek() == '.' ||
             ((c.peek() == '+' || c.peek() == '-') && exponent_mark(text[c.offset() - 1])))
        c.advance();
    } else {
      t.kind = Tok::Punct;
      size_t len = 1;
      for (std::string_view p : kPuncts)
        if (text.substr(start, p.size()) == p) {
          len = p.size();
          break;
        }
      if (static_cast<unsigned char>(ch) < 0x20 || ch == '@' || ch == '$' || ch == '`' || ch == '\\') {
        t.kind = Tok::Bad;
        t.error = "unexpected character";
      }
      c.advance(len);
    }
    t.text = text.substr(start, c.offset() - start);
    t.loc.end = c.position();
    if (t.loc.end.line != t.loc.begin.line) t.loc.end = Position{t.loc.begin.line, t.loc.begin.column + 1};
    if (t.kind == Tok::Number) number_value(t);
    out.push_back(t);
  }
}

std::string describe(const Token &t) {
  if (t.kind == Tok::End) return "end of input";
  std::string s(t.text.substr(0, 40));
  return "'" + s + (t.text.size() > 40 ? "...'" : "'");
}

}  // namespace probe::cdecl
