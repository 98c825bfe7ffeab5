// Integer constant expressions of the C declaration parser (array sizes,
// bit-field widths, enumerator values, alignments), with C's typing: int
// and long, signed and unsigned, the usual arithmetic conversions, and
// sizeof/_Alignof/casts/offsetof of types this parser knows.
#include <algorithm>

#include "frontend/cdecl_parser.h"

namespace probe::cdecl {

namespace {

// Truncates v to its type (32-bit values are kept sign- or zero-extended).
void normalize(Value &v) {
  if (!v.wide) v.v = v.is_unsigned ? int64_t(uint32_t(v.v)) : int64_t(int32_t(uint32_t(v.v)));
}

// The type of a literal without suffix or with u/l suffixes (C11 6.4.4.1).
Value literal(const Token &t) {
  uint64_t u = t.value;
  Value v;
  v.v = int64_t(u);
  bool i32 = u <= INT32_MAX, u32 = u <= UINT32_MAX, i64 = u <= uint64_t(INT64_MAX);
  if (t.is_unsigned) {
    v.is_unsigned = true;
    v.wide = t.is_long || !u32;
  } else if (!t.is_long && i32) {
    // int
  } else if (!t.is_long && u32 && !t.decimal) {
    v.is_unsigned = true;
  } else {
    v.wide = true;
    v.is_unsigned = !i64;
  }
  return v;
}

// The usual arithmetic conversions of a and b to their common type.
void convert(Value &a, Value &b) {
  bool wide = a.wide || b.wide;
  bool uns;
  if (a.wide == b.wide) uns = a.is_unsigned || b.is_unsigned;
  else uns = a.wide ? a.is_unsigned : b.is_unsigned;
  for (Value *v : {&a, &b}) {
    if (wide && !v->wide && v->is_unsigned) v->v = int64_t(uint32_t(v->v));  // zero-extend
    v->wide = wide;
    v->is_unsigned = uns;
    normalize(*v);
  }
}

// An int 0 or 1 (comparisons, logical operators).
Value truth(bool b) {
  Value v;
  v.v = b ? 1 : 0;
  return v;
}

// Binding strength of a binary operator; 0 when t is not one.
int precedence(const Token &t) {
  if (t.kind != Tok::Punct) return 0;
  static const std::pair<std::string_view, int> ops[] = {
      {"||", 1}, {"&&", 2}, {"|", 3},  {"^", 4},  {"&", 5},  {"==", 6}, {"!=", 6}, {"<", 7},  {">", 7},
      {"<=", 7}, {">=", 7}, {"<<", 8}, {">>", 8}, {"+", 9},  {"-", 9},  {"*", 10}, {"/", 10}, {"%", 10}};
  for (const auto &[s, p] : ops)
    if (t.text == s) return p;
  return 0;
}

}  // namespace

bool Parser::const_expr(Value &v) { return conditional(v); }

bool Parser::count_expr(const char *what, int64_t &out) {
  const Token &first = peek();
  Value v;
  if (!const_expr(v)) return false;
  if (!v.is_unsigned && v.v < 0) return fail(first, std::string(what) + " is negative (" + std::to_string(v.v) + ")");
  if (uint64_t(v.v) > UINT32_MAX)
    return fail(first, std::string(what) + " " + std::to_string(uint64_t(v.v)) + " is too large",
                "it must fit in 32 bits");
  out = v.v;
  return true;
}

bool Parser::conditional(Value &v) {
  if (!binary(v, 1)) return false;
  if (!accept("?")) return true;
  bool cond = v.v != 0;
  Value a, b;
  dead_ += !cond;
  bool ok = conditional(a);
  dead_ -= !cond;
  if (!ok || !expect(":", "in the conditional expression")) return false;
  dead_ += cond;
  ok = conditional(b);
  dead_ -= cond;
  if (!ok) return false;
  convert(a, b);
  v = cond ? a : b;
  return true;
}

bool Parser::binary(Value &v, int min_prec) {
  if (!unary(v)) return false;
  while (true) {
    const Token &op = peek();
    int prec = precedence(op);
    if (prec == 0 || prec < min_prec) return true;
    next();
    bool skip = (op.is("&&") && v.v == 0) || (op.is("||") && v.v != 0);
    dead_ += skip;
    Value r;
    bool ok = binary(r, prec + 1);
    dead_ -= skip;
    if (!ok) return false;
    std::string_view o = op.text;
    if (o == "&&" || o == "||") {
      v = truth(o == "&&" ? (v.v && r.v) : (v.v || r.v));
      continue;
    }
    if (o == "<<" || o == ">>") {  // the result has the left operand's type
      uint64_t width = v.wide ? 64 : 32;
      bool bad = (!r.is_unsigned && r.v < 0) || uint64_t(r.v) >= width;
      if (bad && !dead_) return fail(op, "shift count " + std::to_string(r.v) + " is out of range");
      if (bad) r.v = 0;
      if (o == "<<") v.v = int64_t(uint64_t(v.v) << r.v);
      else if (v.is_unsigned) v.v = int64_t((v.wide ? uint64_t(v.v) : uint64_t(uint32_t(v.v))) >> r.v);
      else v.v = v.v >> r.v;
      normalize(v);
      continue;
    }
    convert(v, r);
    uint64_t a = uint64_t(v.v), b = uint64_t(r.v);
    bool uns = v.is_unsigned;
    if (o == "==" || o == "!=" || o == "<" || o == ">" || o == "<=" || o == ">=") {
      bool lt = uns ? a < b : v.v < r.v, eq = a == b;
      bool res = o == "==" ? eq : o == "!=" ? !eq : o == "<" ? lt : o == ">" ? (!lt && !eq) : o == "<=" ? (lt || eq) : !lt;
      v = truth(res);
      continue;
    }
    if ((o == "/" || o == "%") && b == 0) {
      if (!dead_) return fail(op, "division by zero in a constant expression");
      v.v = 0;
      continue;
    }
    if (o == "+") v.v = int64_t(a + b);
    else if (o == "-") v.v = int64_t(a - b);
    else if (o == "*") v.v = int64_t(a * b);
    else if (o == "&") v.v = int64_t(a & b);
    else if (o == "|") v.v = int64_t(a | b);
    else if (o == "^") v.v = int64_t(a ^ b);
    else if (uns) v.v = int64_t(o == "/" ? a / b : a % b);
    else if (r.v == -1) v.v = o == "/" ? int64_t(0 - a) : 0;  // INT_MIN / -1 wraps instead of trapping
    else v.v = o == "/" ? v.v / r.v : v.v % r.v;
    normalize(v);
  }
}

bool Parser::unary(Value &v) {
  DepthGuard guard(*this);
  const Token &t = peek();
  if (!enter(t)) return false;
  if (t.is("-") || t.is("+") || t.is("~") || t.is("!")) {
    next();
    if (!unary(v)) return false;
    if (t.is("-")) v.v = int64_t(0 - uint64_t(v.v));
    else if (t.is("~")) v.v = ~v.v;
    else if (t.is("!")) v = truth(v.v == 0);
    normalize(v);
    return true;
  }
  if (t.is("sizeof") || t.is("_Alignof") || t.is("__alignof__") || t.is("__alignof") || t.is("alignof"))
    return sizeof_like(next(), v);
  if (t.is("(") && starts_type(peek(1))) return cast(v);
  return primary(v);
}

bool Parser::sizeof_like(const Token &op, Value &v) {
  bool is_sizeof = op.is("sizeof");
  v = Value{};
  v.is_unsigned = v.wide = true;  // size_t
  if (at("(") && starts_type(peek(1))) {
    next();
    CType c;
    if (!type_name(c) || !expect(")", "after the type")) return false;
    if (c.incomplete || c.function)
      return fail(op, std::string(is_sizeof ? "sizeof" : "alignof") + " of incomplete type '" +
                          (c.type.is(TypeKind::Void) ? "void" : c.type.name) + "'");
    v.v = is_sizeof ? c.type.size : c.align;
    return true;
  }
  if (!is_sizeof) return fail(op, "expected '(' and a type after '" + std::string(op.text) + "'");
  Value inner;
  if (!unary(inner)) return false;
  v.v = inner.wide ? 8 : 4;
  return true;
}

bool Parser::cast(Value &v) {
  const Token &open = next();
  CType c;
  if (!type_name(c) || !expect(")", "after the type in the cast") || !unary(v)) return false;
  if (c.type.is(TypeKind::Pointer) || (c.function && c.type.is_int())) {
    v.wide = v.is_unsigned = true;
    return true;
  }
  if (!c.type.is_int() || c.floating || c.incomplete)
    return fail(open, "cast to a non-integer type in a constant expression");
  uint32_t size = c.type.size;
  if (size == 0 || size > 8) return fail(open, "cast to a type of " + std::to_string(size) + " bytes");
  bool is_signed = c.type.is_signed;
  if (c.type.name == "_Bool" || c.type.name == "bool") {
    v = truth(v.v != 0);
    return true;
  }
  if (size < 8) {
    uint64_t mask = (uint64_t(1) << (size * 8)) - 1;
    uint64_t bits = uint64_t(v.v) & mask;
    uint64_t sign = uint64_t(1) << (size * 8 - 1);
    v.v = is_signed && (bits & sign) ? int64_t(bits | ~mask) : int64_t(bits);
  }
  v.wide = size == 8;
  v.is_unsigned = !is_signed && size >= 4;  // narrower types promote to int
  normalize(v);
  return true;
}

bool Parser::primary(Value &v) {
  const Token &t = peek();
  switch (t.kind) {
    case Tok::Number:
      next();
      v = literal(t);
      return true;
    case Tok::Char:
      next();
      v = Value{};
      v.v = int64_t(t.value);
      return true;
    case Tok::Float: return fail(t, "floating constant " + describe(t) + " in an integer constant expression");
    case Tok::Ident: break;
    default:
      if (accept("(")) return conditional(v) && expect(")", "to close the parenthesis");
      return fail(t, "expected a constant expression, found " + describe(t));
  }
  if (t.is("__builtin_offsetof") || t.is("offsetof")) return offsetof_expr(v);
  std::string name(t.text);
  std::optional<int64_t> c;
  auto it = st_.constants_.find(name);
  if (it != st_.constants_.end()) c = it->second;
  else if (outer_constants_) c = outer_constants_(name);
  if (!c) return fail(t, "'" + name + "' is not a constant", "define it as an enumerator or with #define before use");
  next();
  v = Value{};
  v.v = *c;
  v.wide = *c < INT32_MIN || *c > INT32_MAX;
  return true;
}

bool Parser::offsetof_expr(Value &v) {
  const Token &kw = next();
  CType c;
  if (!expect("(", "after '" + std::string(kw.text) + "'") || !type_name(c) || !expect(",", "after the type"))
    return false;
  uint64_t off = 0;
  Type cur = c.type;
  while (true) {
    const Token &m = peek();
    if (m.kind != Tok::Ident) return fail(m, "expected a member name, found " + describe(m));
    next();
    if (cur.is(TypeKind::Record) && !cur.record) cur = from_type(cur).type;
    if (!cur.is(TypeKind::Record) || !cur.record)
      return fail(m, "offsetof needs a complete struct or union, not '" + cur.to_string() + "'");
    const Field *f = cur.record->find(std::string(m.text));
    if (!f) return fail(m, cur.name + " has no member '" + std::string(m.text) + "'");
    if (f->bitfield_bits) return fail(m, "offsetof of bit-field '" + std::string(m.text) + "'");
    off += f->offset;
    cur = *f->type;
    if (!accept(".")) break;
  }
  if (!expect(")", "to close offsetof")) return false;
  v = Value{};
  v.v = int64_t(off);
  v.wide = v.is_unsigned = true;
  return true;
}

}  // namespace probe::cdecl
