// The C integer constant expression evaluator behind #if and macro
// constants: literals with suffixes (hex, octal, binary, character
// literals with escapes), casts to integer types, sizeof of integer types,
// and every unary, binary and ternary operator with C's usual arithmetic
// conversions. #if evaluates in intmax_t as C requires; a constant keeps
// int/long typing so that `~0U` is 0xffffffff. Errors (division by zero,
// an unknown name, a bad shift) give nullopt, never UB.
#include <cctype>
#include <cstring>

#include "frontend/pp_internal.h"
#include "frontend/preprocess.h"

namespace probe::pp {

std::optional<IntType> int_type_name(const std::string &n) {
  struct Entry {
    const char *name;
    int bytes;
    bool uns;
  };
  static constexpr Entry kTypes[] = {
      {"char", 1, false},       {"short", 2, false},      {"int", 4, false},        {"long", 8, false},
      {"_Bool", 1, true},       {"bool", 1, true},        {"__u8", 1, true},        {"__s8", 1, false},
      {"__u16", 2, true},       {"__s16", 2, false},      {"__u32", 4, true},       {"__s32", 4, false},
      {"__u64", 8, true},       {"__s64", 8, false},      {"u8", 1, true},          {"s8", 1, false},
      {"u16", 2, true},         {"s16", 2, false},        {"u32", 4, true},         {"s32", 4, false},
      {"u64", 8, true},         {"s64", 8, false},        {"uint8_t", 1, true},     {"int8_t", 1, false},
      {"uint16_t", 2, true},    {"int16_t", 2, false},    {"uint32_t", 4, true},    {"int32_t", 4, false},
      {"uint64_t", 8, true},    {"int64_t", 8, false},    {"size_t", 8, true},      {"ssize_t", 8, false},
      {"__be16", 2, true},      {"__be32", 4, true},      {"__be64", 8, true},      {"__le16", 2, true},
      {"__le32", 4, true},      {"__le64", 8, true},      {"uintptr_t", 8, true},   {"intptr_t", 8, false},
      {"__kernel_size_t", 8, true}, {"__kernel_ssize_t", 8, false}, {"__uint32_t", 4, true}, {"__int32_t", 4, false},
      {"__uint64_t", 8, true},  {"__int64_t", 8, false},  {"__uint16_t", 2, true},  {"__int16_t", 2, false},
      {"__uint8_t", 1, true},   {"__int8_t", 1, false},   {"pid_t", 4, false},      {"uid_t", 4, true},
      {"gid_t", 4, true},       {"mode_t", 4, true},      {"off_t", 8, false},      {"loff_t", 8, false},
      {"__kernel_pid_t", 4, false}, {"__kernel_uid32_t", 4, true}, {"gfp_t", 4, true}, {"fmode_t", 4, true},
      {"unsigned", 4, true},    {"signed", 4, false},
  };
  for (const Entry &e : kTypes)
    if (n == e.name) return IntType{e.bytes, e.uns};
  return std::nullopt;
}

namespace {

constexpr int kMaxNesting = 256;

Value make(uint64_t bits, bool uns, bool wide) {
  Value v{bits, uns, wide};
  if (!wide) v.bits = uns ? uint64_t(uint32_t(bits)) : uint64_t(int64_t(int32_t(uint32_t(bits))));
  return v;
}

// Parses an integer literal with its suffix; C's rules pick its type.
std::optional<Value> parse_number(const std::string &s, bool pp_mode) {
  size_t i = 0;
  int base = 10;
  if (s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    i = 2;
  } else if (s.size() > 1 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    base = 2;
    i = 2;
  } else if (s[0] == '0') {
    base = 8;
  }
  uint64_t v = 0;
  size_t digits = 0;
  for (; i < s.size(); ++i) {
    int d;
    char c = s[i];
    if (std::isdigit((unsigned char)c)) {
      d = c - '0';
    } else if (base == 16 && std::isxdigit((unsigned char)c)) {
      d = std::tolower(c) - 'a' + 10;
    } else {
      break;
    }
    if (d >= base) return std::nullopt;
    if (v > (UINT64_MAX - uint64_t(d)) / uint64_t(base)) return std::nullopt;
    v = v * base + d;
    ++digits;
  }
  if (digits == 0 && base != 8) return std::nullopt;
  bool u = false;
  int l = 0;
  for (; i < s.size(); ++i) {
    char c = std::tolower(s[i]);
    if (c == 'u' && !u) {
      u = true;
    } else if (c == 'l' && l < 2) {
      ++l;
    } else {
      return std::nullopt;  // a float, or a bad suffix
    }
  }
  if (pp_mode) return Value{v, u || v > uint64_t(INT64_MAX), true};
  bool wide = l > 0;
  bool uns = u;
  if (!wide) {
    if (u ? v > UINT32_MAX : v > uint64_t(INT32_MAX)) {
      if (!u && base != 10 && v <= UINT32_MAX) {
        uns = true;
      } else {
        wide = true;
      }
    }
  }
  if (wide && !uns && v > uint64_t(INT64_MAX)) uns = true;
  return make(v, uns, wide);
}

// The value of one character of a char literal at s[i], advancing i.
uint32_t char_value(const std::string &s, size_t &i) {
  if (s[i] != '\\' || i + 1 >= s.size()) return (unsigned char)s[i++];
  char c = s[i + 1];
  i += 2;
  switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'a': return '\a';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'v': return '\v';
    case 'e': return 27;
    case 'x': {
      uint32_t v = 0;
      while (i < s.size() && std::isxdigit((unsigned char)s[i])) {
        char d = std::tolower(s[i++]);
        v = v * 16 + uint32_t(std::isdigit((unsigned char)d) ? d - '0' : d - 'a' + 10);
      }
      return v;
    }
    default:
      if (c >= '0' && c <= '7') {
        uint32_t v = uint32_t(c - '0');
        for (int k = 0; k < 2 && i < s.size() && s[i] >= '0' && s[i] <= '7'; ++k) v = v * 8 + uint32_t(s[i++] - '0');
        return v;
      }
      return (unsigned char)c;
  }
}

std::optional<Value> parse_char(const std::string &s) {
  size_t q = s.find('\'');
  if (q == std::string::npos || s.size() < q + 3 || s.back() != '\'') return std::nullopt;
  bool wide = q > 0;  // L'x', u'x', U'x'
  size_t i = q + 1, end = s.size() - 1;
  uint32_t v = 0;
  int n = 0;
  while (i < end) {
    uint32_t c = char_value(s, i);
    v = n == 0 ? c : (v << 8) | (c & 0xff);
    ++n;
  }
  if (n == 0) return std::nullopt;
  if (n == 1 && !wide) v = uint32_t(int32_t(int8_t(uint8_t(v))));
  return make(v, false, false);
}

class Parser {
 public:
  Parser(const std::vector<Tok> &toks, bool pp_mode) : t_(toks), pp_(pp_mode) {}

  std::optional<Value> parse_all() {
    auto v = comma();
    if (v && pos_ != t_.size()) return fail("unexpected '" + t_[pos_].text + "' in the expression");
    return v;
  }
  std::string error;

 private:
  std::optional<Value> fail(std::string msg) {
    if (error.empty()) error = std::move(msg);
    return std::nullopt;
  }
  bool at(const char *p) const { return pos_ < t_.size() && t_[pos_].is(p); }
  bool eat(const char *p) {
    if (!at(p)) return false;
    ++pos_;
    return true;
  }

  std::optional<Value> comma() {
    auto v = conditional();
    while (v && !pp_ && eat(",")) v = conditional();
    return v;
  }

  std::optional<Value> conditional() {
    if (++depth_ > kMaxNesting) return fail("expression nested too deeply");
    auto c = binary(0);
    if (c && eat("?")) {
      bool take = c->bits != 0;
      skip_ += !take;
      auto a = comma();
      skip_ -= !take;
      if (!a) return a;
      if (!eat(":")) return fail("expected ':' in the conditional expression");
      skip_ += take;
      auto b = conditional();
      skip_ -= take;
      if (!b) return b;
      Value r = arith_type(*a, *b);
      c = make(c->bits ? a->bits : b->bits, r.is_unsigned, r.wide);
    }
    --depth_;
    return c;
  }

  // The common type of a and b (C's usual arithmetic conversions).
  Value arith_type(const Value &a, const Value &b) const {
    Value r;
    r.wide = a.wide || b.wide;
    if (a.wide == b.wide) {
      r.is_unsigned = a.is_unsigned || b.is_unsigned;
    } else {
      r.is_unsigned = a.wide ? a.is_unsigned : b.is_unsigned;
    }
    return r;
  }

  static int precedence(const Tok &t) {
    if (t.kind != TokKind::Punct) return -1;
    static const std::pair<const char *, int> kOps[] = {
        {"||", 1}, {"&&", 2}, {"|", 3},  {"^", 4},  {"&", 5},  {"==", 6}, {"!=", 6}, {"<", 7},  {">", 7},
        {"<=", 7}, {">=", 7}, {"<<", 8}, {">>", 8}, {"+", 9},  {"-", 9},  {"*", 10}, {"/", 10}, {"%", 10}};
    for (const auto &[op, p] : kOps)
      if (t.text == op) return p;
    return -1;
  }

  std::optional<Value> binary(int min_prec) {
    auto lhs = unary();
    while (lhs && pos_ < t_.size()) {
      int p = precedence(t_[pos_]);
      if (p < 0 || p < min_prec) break;
      std::string op = t_[pos_++].text;
      // The right of a decided && or || is not evaluated: its errors do not count.
      bool skip = (op == "&&" && !lhs->bits) || (op == "||" && lhs->bits);
      skip_ += skip;
      auto rhs = binary(p + 1);
      skip_ -= skip;
      if (!rhs) return rhs;
      lhs = apply(op, *lhs, *rhs);
    }
    return lhs;
  }

  std::optional<Value> apply(const std::string &op, const Value &a, const Value &b) {
    if (op == "&&") return make(a.bits && b.bits, false, pp_);
    if (op == "||") return make(a.bits || b.bits, false, pp_);
    if (op == "<<" || op == ">>") return shift(op, a, b);
    Value r = arith_type(a, b);
    uint64_t x = a.bits, y = b.bits;
    bool u = r.is_unsigned;
    if (op == "==") return make(x == y, false, pp_);
    if (op == "!=") return make(x != y, false, pp_);
    if (op == "<") return make(u ? x < y : int64_t(x) < int64_t(y), false, pp_);
    if (op == ">") return make(u ? x > y : int64_t(x) > int64_t(y), false, pp_);
    if (op == "<=") return make(u ? x <= y : int64_t(x) <= int64_t(y), false, pp_);
    if (op == ">=") return make(u ? x >= y : int64_t(x) >= int64_t(y), false, pp_);
    if (op == "+") return make(x + y, u, r.wide);
    if (op == "-") return make(x - y, u, r.wide);
    if (op == "*") return make(x * y, u, r.wide);
    if (op == "&") return make(x & y, u, r.wide);
    if (op == "|") return make(x | y, u, r.wide);
    if (op == "^") return make(x ^ y, u, r.wide);
    // '/' and '%'
    if (!r.wide && u) {
      x = uint32_t(x);
      y = uint32_t(y);
    }
    if (y == 0 || (!u && int64_t(x) == INT64_MIN && int64_t(y) == -1)) {
      if (skip_) return make(0, u, r.wide);
      return fail(y == 0 ? "division by zero" : "overflow in division");
    }
    if (op == "/") return make(u ? x / y : uint64_t(int64_t(x) / int64_t(y)), u, r.wide);
    return make(u ? x % y : uint64_t(int64_t(x) % int64_t(y)), u, r.wide);
  }

  std::optional<Value> shift(const std::string &op, const Value &a, const Value &b) {
    int64_t n = b.is_unsigned ? (b.bits > 64 ? 64 : int64_t(b.bits)) : int64_t(b.bits);
    int width = a.wide ? 64 : 32;
    if (n < 0 || n >= width) return skip_ ? make(0, a.is_unsigned, a.wide) : fail("shift count out of range");
    if (op == "<<") return make(a.bits << n, a.is_unsigned, a.wide);
    if (a.is_unsigned) return make((a.wide ? a.bits : uint32_t(a.bits)) >> n, true, a.wide);
    return make(uint64_t(int64_t(a.bits) >> n), false, a.wide);
  }

  // `( type-name )` at pos_: its integer type, advancing past ')'.
  std::optional<IntType> type_name() {
    size_t p = pos_;
    std::vector<std::string> words;
    while (p < t_.size() && t_[p].kind == TokKind::Ident) words.push_back(t_[p++].text);
    if (words.empty() || p >= t_.size() || !t_[p].is(")")) return std::nullopt;
    std::optional<IntType> r;
    if (words.size() == 1) r = int_type_name(words[0]);
    if (!r) {
      int longs = 0, shorts = 0, chars = 0, uns = 0, sgn = 0, other = 0;
      for (const std::string &w : words) {
        if (w == "long") ++longs;
        else if (w == "short") ++shorts;
        else if (w == "char") ++chars;
        else if (w == "unsigned") ++uns;
        else if (w == "signed" || w == "__signed__") ++sgn;
        else if (w == "const" || w == "volatile" || w == "int") continue;
        else ++other;
      }
      if (other) return std::nullopt;
      r = IntType{longs ? 8 : shorts ? 2 : chars ? 1 : 4, uns > 0};
    }
    pos_ = p + 1;
    return r;
  }

  std::optional<Value> cast_to(const IntType &t, const Value &v) {
    uint64_t bits = v.bits;
    if (t.bytes < 8) {
      uint64_t mask = (uint64_t(1) << (t.bytes * 8)) - 1;
      bits &= mask;
      if (!t.is_unsigned && (bits >> (t.bytes * 8 - 1)) & 1) bits |= ~mask;
    }
    // Narrow types promote to int; 4-byte ones keep their signedness.
    if (t.bytes < 4) return make(bits, false, false);
    return make(bits, t.is_unsigned, t.bytes == 8);
  }

  std::optional<Value> unary() {
    if (pos_ >= t_.size()) return fail("expected an expression");
    if (++depth_ > kMaxNesting) return fail("expression nested too deeply");
    std::optional<Value> r = unary_inner();
    --depth_;
    return r;
  }

  std::optional<Value> unary_inner() {
    const Tok &t = t_[pos_];
    if (t.kind == TokKind::Punct && (t.text == "-" || t.text == "+" || t.text == "~" || t.text == "!")) {
      ++pos_;
      auto v = unary();
      if (!v) return v;
      if (t.text == "-") return make(0 - v->bits, v->is_unsigned, v->wide);
      if (t.text == "~") return make(~v->bits, v->is_unsigned, v->wide);
      if (t.text == "!") return make(v->bits == 0, false, pp_);
      return v;
    }
    if (!pp_ && t.is("(")) {
      size_t save = pos_++;
      if (auto ty = type_name()) {
        auto v = unary();
        if (!v) return v;
        return cast_to(*ty, *v);
      }
      pos_ = save;
    }
    if (!pp_ && t.kind == TokKind::Ident && t.text == "sizeof") return size_of();
    return primary();
  }

  std::optional<Value> size_of() {
    ++pos_;
    if (at("(")) {
      size_t save = pos_++;
      if (auto ty = type_name()) return make(uint64_t(ty->bytes), true, true);
      pos_ = save;
    }
    auto v = unary();
    if (!v) return v;
    return make(v->wide ? 8 : 4, true, true);
  }

  std::optional<Value> primary() {
    const Tok &t = t_[pos_++];
    switch (t.kind) {
      case TokKind::Number: {
        auto v = parse_number(t.text, pp_);
        if (!v) return fail("invalid integer constant '" + t.text + "'");
        return v;
      }
      case TokKind::Char: {
        auto v = parse_char(t.text);
        if (!v) return fail("invalid character constant " + t.text);
        if (pp_) v->wide = true;
        return v;
      }
      case TokKind::Ident:
        if (pp_) return make(0, false, true);
        return fail("'" + t.text + "' is not a constant");
      case TokKind::Punct:
        if (t.text == "(") {
          auto v = comma();
          if (!v) return v;
          if (!eat(")")) return fail("expected ')'");
          return v;
        }
        [[fallthrough]];
      default:
        return fail("unexpected '" + t.text + "' in the expression");
    }
  }

  const std::vector<Tok> &t_;
  bool pp_;
  size_t pos_ = 0;
  int depth_ = 0;
  int skip_ = 0;  // > 0 inside an operand that is not evaluated
};

}  // namespace

std::optional<Value> evaluate(const std::vector<Tok> &toks, bool pp_mode, std::string *err) {
  Parser p(toks, pp_mode);
  auto v = p.parse_all();
  if (!v && err) *err = p.error;
  return v;
}

}  // namespace probe::pp

namespace probe {

std::optional<int64_t> eval_constant_expr(const std::string &text) {
  std::vector<pp::Tok> toks;
  pp::tokenize(text, toks);
  if (toks.empty()) return std::nullopt;
  auto v = pp::evaluate(toks, false, nullptr);
  if (!v) return std::nullopt;
  return int64_t(v->bits);
}

}  // namespace probe
