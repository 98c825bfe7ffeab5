// Declarations, specifiers and declarators of the C declaration parser.
// Every rule returns false after fail(): strict mode reports the first
// error of a declaration at its token; tolerant mode reports nothing and
// run() skips to the end of the declaration.
#include "frontend/cdecl_parser.h"

#include <algorithm>
#include <unordered_map>

namespace probe::cdecl {

namespace {

// What a reserved word is, as bits (a word may be several, `__extension__`).
enum KeywordClass : unsigned {
  kStorage = 1,    // storage classes and function specifiers: they do not change a layout
  kQualifier = 2,  // type qualifiers, including the kernel's sparse annotations
  kAttribute = 4,  // __attribute__, _Alignas, asm labels, __extension__
  kTypeWord = 8,   // basic type keywords and struct/union/enum
  kOperator = 16,  // sizeof and friends, typeof, static assertions
};

// The class bits of n; 0 for an ordinary identifier. The table is built
// once, on first use, and never changes.
unsigned keyword_class(std::string_view n) {
  static const std::unordered_map<std::string_view, unsigned> table = [] {
    std::unordered_map<std::string_view, unsigned> t;
    for (std::string_view k : {"typedef", "extern", "static", "inline", "__inline", "__inline__", "register", "auto",
                               "_Thread_local", "__thread", "_Noreturn", "thread_local", "constexpr"})
      t[k] |= kStorage;
    for (std::string_view k : {"const", "__const", "__const__", "volatile", "__volatile", "__volatile__", "restrict",
                               "__restrict", "__restrict__", "_Atomic", "_Nonnull", "_Nullable", "_Null_unspecified",
                               "__user", "__kernel", "__iomem", "__rcu", "__force", "__percpu", "__seg_gs"})
      t[k] |= kQualifier;
    for (std::string_view k :
         {"__attribute__", "__attribute", "_Alignas", "alignas", "asm", "__asm", "__asm__", "__extension__"})
      t[k] |= kAttribute;
    t["__extension__"] |= kStorage;
    for (std::string_view k : {"void", "char", "short", "int", "long", "float", "double", "signed", "__signed",
                               "__signed__", "unsigned", "_Bool", "_Complex", "__complex__", "__int128", "__int128_t",
                               "__uint128_t", "_Float16", "_Float32", "_Float64", "_Float128", "__float128",
                               "__builtin_va_list", "struct", "union", "enum"})
      t[k] |= kTypeWord;
    for (std::string_view k : {"sizeof", "_Alignof", "__alignof__", "__alignof", "alignof", "typeof", "__typeof__",
                               "__typeof", "_Static_assert", "static_assert"})
      t[k] |= kOperator;
    return t;
  }();
  auto it = table.find(n);
  return it == table.end() ? 0 : it->second;
}

bool is_storage(std::string_view n) { return keyword_class(n) & kStorage; }
bool is_qualifier(std::string_view n) { return keyword_class(n) & kQualifier; }
bool is_attribute_start(std::string_view n) { return keyword_class(n) & kAttribute; }
bool is_type_keyword(std::string_view n) { return keyword_class(n) & kTypeWord; }

// Integer typedef names every script may use without a header.
struct Builtin {
  std::string_view name;
  uint32_t size;
  bool is_signed;
};
constexpr Builtin kBuiltins[] = {
    {"u8", 1, false},      {"u16", 2, false},     {"u32", 4, false},      {"u64", 8, false},
    {"s8", 1, true},       {"s16", 2, true},      {"s32", 4, true},       {"s64", 8, true},
    {"__u8", 1, false},    {"__u16", 2, false},   {"__u32", 4, false},    {"__u64", 8, false},
    {"__s8", 1, true},     {"__s16", 2, true},    {"__s32", 4, true},     {"__s64", 8, true},
    {"uint8_t", 1, false}, {"uint16_t", 2, false}, {"uint32_t", 4, false}, {"uint64_t", 8, false},
    {"int8_t", 1, true},   {"int16_t", 2, true},  {"int32_t", 4, true},   {"int64_t", 8, true},
    {"size_t", 8, false},  {"ssize_t", 8, true},  {"uintptr_t", 8, false}, {"intptr_t", 8, true},
    {"ptrdiff_t", 8, true}, {"bool", 1, false},
};

// An integer CType named as C spells it.
CType int_ctype(uint32_t size, bool is_signed, std::string name) {
  CType c;
  c.type = Type::integer(size, is_signed);
  c.type.name = std::move(name);
  c.align = size;
  return c;
}

// A 16-byte scalar (long double, __int128): two u64 words, 16-aligned.
CType wide_ctype(std::string name, uint32_t words, uint32_t align) {
  CType c;
  c.type = Type::array(Type::u64(), words);
  c.type.name = std::move(name);
  c.align = align;
  return c;
}

bool is_incomplete(const Type &t) { return t.is(TypeKind::Void) || (t.is(TypeKind::Record) && !t.record); }

}  // namespace

bool is_keyword(std::string_view s) { return keyword_class(s) != 0; }

// What the type keywords of one declaration add up to.
struct BaseSpec {
  int longs = 0, shorts = 0;
  bool is_signed = false, is_unsigned = false;
  enum Kind { None, Void, Char, Int, Bool, Float, Double, Int128, Float128, VaList, Conflict, Named } kind = None;
  CType named;

  bool any() const { return kind != None || longs || shorts || is_signed || is_unsigned; }
  // False for combinations C rejects (`long char`, `unsigned float`).
  bool valid() const {
    if (longs > 2 || shorts > 1 || (longs && shorts) || (is_signed && is_unsigned)) return false;
    bool sign = is_signed || is_unsigned;
    switch (kind) {
      case None:
      case Int: return true;
      case Char:
      case Int128: return !longs && !shorts;
      case Double: return !shorts && !sign && longs <= 1;
      default: return !longs && !shorts && !sign;
    }
  }
  // The resulting type.
  CType finish() const;
};

CType BaseSpec::finish() const {
  std::string u = is_unsigned ? "unsigned " : "";
  switch (kind) {
    case Void: {
      CType c;
      c.type = Type::void_();
      c.incomplete = true;
      return c;
    }
    case Char:
      return int_ctype(1, !is_unsigned, is_signed ? "signed char" : is_unsigned ? "unsigned char" : "char");
    case Bool: return int_ctype(1, false, "_Bool");
    case Float: {
      CType c = int_ctype(4, false, "float");
      c.floating = true;
      return c;
    }
    case Double: {
      CType c = longs ? wide_ctype("long double", 2, 16) : int_ctype(8, false, "double");
      c.floating = true;
      return c;
    }
    case Int128: return wide_ctype(u + "__int128", 2, 16);
    case Float128: {
      CType c = wide_ctype("__float128", 2, 16);
      c.floating = true;
      return c;
    }
    case VaList: return wide_ctype("__builtin_va_list", 3, 8);
    case Named: return named;
    default: break;
  }
  if (shorts) return int_ctype(2, !is_unsigned, u + "short");
  if (longs == 1) return int_ctype(8, !is_unsigned, u + "long");
  if (longs == 2) return int_ctype(8, !is_unsigned, u + "long long");
  return int_ctype(4, !is_unsigned, is_unsigned ? "unsigned int" : "int");
}

Parser::Parser(ScriptTypes &st, std::vector<Token> toks, bool strict, Diagnostics &diags,
               const OuterTypeLookup &outer, const OuterConstantLookup &outer_constants)
    : st_(st), toks_(std::move(toks)), strict_(strict), diags_(diags), outer_(outer),
      outer_constants_(outer_constants) {}

const Token &Parser::peek(size_t k) const { return toks_[std::min(pos_ + k, toks_.size() - 1)]; }

const Token &Parser::next() {
  const Token &t = toks_[pos_];
  if (pos_ + 1 < toks_.size()) pos_++;
  return t;
}

bool Parser::accept(std::string_view s) {
  if (!at(s)) return false;
  next();
  return true;
}

bool Parser::expect(std::string_view s, const std::string &context) {
  if (accept(s)) return true;
  return fail(peek(), "expected '" + std::string(s) + "' " + context + ", found " + describe(peek()));
}

bool Parser::fail(const Token &t, const std::string &msg, const std::string &hint) {
  if (failed_) return false;
  failed_ = true;
  if (!strict_) return false;
  any_error_ = true;
  diags_.error(t.loc, t.kind == Tok::Bad ? std::string(t.error) : msg);
  if (!hint.empty() && t.kind != Tok::Bad) diags_.hint(hint);
  return false;
}

bool Parser::enter(const Token &t) {
  if (++depth_ <= kMaxNesting) return true;
  return fail(t, "declaration nested too deeply",
              "at most " + std::to_string(kMaxNesting) + " levels of nested parentheses, brackets or bodies");
}

bool Parser::skip_group() {
  std::vector<char> closers;
  do {
    const Token &t = peek();
    if (t.kind == Tok::End) return fail(t, "unbalanced brackets: expected '" + std::string(1, closers.back()) + "'");
    next();
    if (t.kind != Tok::Punct) continue;
    if (t.is("(")) closers.push_back(')');
    else if (t.is("[")) closers.push_back(']');
    else if (t.is("{")) closers.push_back('}');
    else if (t.is(")") || t.is("]") || t.is("}")) {
      if (closers.empty() || t.text[0] != closers.back())
        return fail(t, "unbalanced brackets: unexpected '" + std::string(t.text) + "'");
      closers.pop_back();
    }
  } while (!closers.empty());
  return true;
}

bool Parser::run() {
  while (peek().kind != Tok::End) {
    size_t start = pos_;
    failed_ = false;
    depth_ = 0;
    dead_ = 0;
    if (!declaration()) {
      if (!failed_) fail(toks_[start], "cannot parse this declaration");  // every failure is located
      recover(start);
    }
    if (strict_ && diags_.full()) break;
  }
  return !any_error_;
}

void Parser::recover(size_t start) {
  pos_ = start;
  std::vector<char> closers;
  bool function_body = false;
  const Token *prev = nullptr;
  while (peek().kind != Tok::End) {
    const Token &t = next();
    if (t.is("(") || t.is("[") || t.is("{")) {
      if (closers.empty() && t.is("{")) function_body = prev && prev->is(")");
      closers.push_back(t.text[0] == '(' ? ')' : t.text[0] == '[' ? ']' : '}');
    } else if (t.is(")") || t.is("]") || t.is("}")) {
      if (!closers.empty()) closers.pop_back();
      if (closers.empty() && t.is("}") && function_body) return;
    } else if (t.is(";") && std::find(closers.begin(), closers.end(), '}') == closers.end()) {
      return;  // `;` cannot be inside parentheses outside a body: an unbalanced '(' ends here
    }
    prev = &t;
  }
}

bool Parser::declaration() {
  const Token &first = peek();
  if (accept(";")) return true;
  if (first.is("_Static_assert") || first.is("static_assert")) return skip_static_assert();
  Specs s;
  if (!specifiers(s, true)) return false;
  if (!s.has_type)
    return fail(peek(), "expected a declaration, found " + describe(peek()),
                "a script declares types here: `struct Name { ... };`, `typedef ... name;` or `enum { ... };`");
  if (accept(";") || peek().kind == Tok::End) return true;
  while (true) {
    Declarator d;
    if (!declarator(d, false) || !attributes(d.attrs)) return false;
    d.attrs.packed |= s.attrs.packed;
    d.attrs.aligned = std::max(d.attrs.aligned, s.attrs.aligned);
    if (!d.attrs.mode) d.attrs.mode = s.attrs.mode;
    CType t;
    if (!apply(s.base, d, t)) return false;
    if (t.function && at("{")) {
      if (strict_) return fail(*d.name, "function definitions are not supported in a script");
      return skip_group();
    }
    if (s.is_typedef) {
      if (at("=")) return fail(peek(), "a typedef cannot have an initializer");
      if (!define_typedef(*d.name, t, d.attrs)) return false;
    } else if (strict_) {
      return fail(*d.name,
                  std::string(t.function ? "function" : "variable") + " declarations are not supported in a script",
                  "only struct, union, enum and typedef declarations may appear outside probes");
    } else if (accept("=") && !skip_initializer()) {
      return false;
    }
    if (!accept(",")) break;
  }
  if (peek().kind == Tok::End) return true;
  return expect(";", "at the end of the declaration");
}

bool Parser::skip_static_assert() {
  const Token &kw = next();
  if (!expect("(", "after '" + std::string(kw.text) + "'")) return false;
  Value v;
  if (!const_expr(v)) return false;
  while (!at(")")) {
    if (peek().kind == Tok::End) return expect(")", "to end the static assertion");
    if (at("(") || at("[") || at("{")) {
      if (!skip_group()) return false;
    } else {
      next();
    }
  }
  next();
  if (v.v == 0) return fail(kw, "static assertion failed");
  return peek().kind == Tok::End || expect(";", "after the static assertion");
}

bool Parser::skip_initializer() {
  while (!at(",") && !at(";") && peek().kind != Tok::End) {
    if (at("(") || at("[") || at("{")) {
      if (!skip_group()) return false;
    } else {
      next();
    }
  }
  return true;
}

// Returns 1 when t is a basic type keyword (consumed), 0 when it is not, -1 on error.
int Parser::basic_specifier(const Token &t, BaseSpec &b) {
  std::string_view n = t.text;
  BaseSpec before = b;
  auto kind = [&](BaseSpec::Kind k) {
    if (b.kind != BaseSpec::None) b.kind = BaseSpec::Conflict;  // two base types: invalid below
    else b.kind = k;
  };
  if (n == "void") kind(BaseSpec::Void);
  else if (n == "char") kind(BaseSpec::Char);
  else if (n == "int") kind(BaseSpec::Int);
  else if (n == "_Bool") kind(BaseSpec::Bool);
  else if (n == "float" || n == "_Float32") kind(BaseSpec::Float);
  else if (n == "double" || n == "_Float64") kind(BaseSpec::Double);
  else if (n == "__int128") kind(BaseSpec::Int128);
  else if (n == "__int128_t") kind(BaseSpec::Int128);
  else if (n == "__uint128_t") {
    kind(BaseSpec::Int128);
    b.is_unsigned = true;
  } else if (n == "_Float128" || n == "__float128") kind(BaseSpec::Float128);
  else if (n == "__builtin_va_list") kind(BaseSpec::VaList);
  else if (n == "long") b.longs++;
  else if (n == "short") b.shorts++;
  else if (n == "signed" || n == "__signed" || n == "__signed__") {
    if (b.is_signed) b.longs = 3;  // repeated: invalid
    b.is_signed = true;
  } else if (n == "unsigned") {
    if (b.is_unsigned) b.longs = 3;
    b.is_unsigned = true;
  } else if (n == "_Complex" || n == "__complex__" || n == "_Float16") {
    fail(t, "'" + std::string(n) + "' types are not supported");
    return -1;
  } else {
    return 0;
  }
  if (before.kind == BaseSpec::Named || b.kind == BaseSpec::Conflict || !b.valid()) {
    fail(t, "cannot combine '" + std::string(n) + "' with the type specifiers before it");
    return -1;
  }
  next();
  return 1;
}

bool Parser::specifiers(Specs &s, bool top) {
  BaseSpec b;
  while (peek().kind == Tok::Ident) {
    const Token &t = peek();
    std::string_view n = t.text;
    if (is_storage(n)) {
      if (n == "__extension__") {
        next();
        continue;
      }
      if (!top) return fail(t, "'" + std::string(n) + "' is not allowed here");
      if (n == "typedef") s.is_typedef = true;
      next();
      continue;
    }
    if (is_qualifier(n)) {
      next();
      if (n == "_Atomic" && at("(")) return fail(t, "_Atomic(type) is not supported");
      continue;
    }
    if (is_attribute_start(n)) {
      if (!attributes(s.attrs)) return false;
      continue;
    }
    int r = basic_specifier(t, b);
    if (r < 0) return false;
    if (r > 0) {
      if (!s.type_at) s.type_at = &t;
      continue;
    }
    if (n == "struct" || n == "union" || n == "enum") {
      if (b.any()) return fail(t, "cannot combine '" + std::string(n) + "' with the type specifiers before it");
      if (!(n == "enum" ? enum_spec(s) : struct_spec(s))) return false;
      b.kind = BaseSpec::Named;
      b.named = s.base;
      continue;
    }
    if (n == "typeof" || n == "__typeof__" || n == "__typeof")
      return fail(t, "typeof is not supported in declarations");
    if (b.any() || is_keyword(n)) break;
    std::optional<CType> c = named_type(std::string(n));
    if (!c)
      return fail(t, "unknown type name '" + std::string(n) + "'", strict_ ? unknown_type_hint(std::string(n)) : "");
    b.kind = BaseSpec::Named;
    b.named = *c;
    s.type_at = &t;
    next();
  }
  if (b.any()) {
    s.base = b.finish();
    s.has_type = true;
  }
  return true;
}

bool Parser::attributes(Attrs &a) {
  while (true) {
    const Token &t = peek();
    if (t.is("__extension__")) {
      next();
    } else if (t.is("__attribute__") || t.is("__attribute")) {
      next();
      if (!expect("(", "after '__attribute__'") || !expect("(", "after '__attribute__('") || !attribute_list(a) ||
          !expect(")", "to end the attribute list") || !expect(")", "to end '__attribute__'"))
        return false;
    } else if (t.is("_Alignas") || t.is("alignas")) {
      next();
      if (!expect("(", "after '" + std::string(t.text) + "'")) return false;
      if (starts_type(peek())) {
        CType c;
        if (!type_name(c)) return false;
        a.aligned = std::max(a.aligned, c.align);
      } else {
        const Token &at_tok = peek();
        int64_t n;
        if (!count_expr("alignment", n)) return false;
        if (n & (n - 1)) return fail(at_tok, "requested alignment " + std::to_string(n) + " is not a power of 2");
        a.aligned = std::max(a.aligned, uint32_t(n));
      }
      if (!expect(")", "after the alignment")) return false;
    } else if (t.is("asm") || t.is("__asm") || t.is("__asm__")) {
      next();
      while (at("volatile") || at("__volatile__") || at("goto") || at("inline")) next();
      if (!at("(")) return fail(peek(), "expected '(' after '" + std::string(t.text) + "'");
      if (!skip_group()) return false;
    } else {
      return true;
    }
  }
}

bool Parser::attribute_list(Attrs &a) {
  while (!at(")")) {
    if (accept(",")) continue;
    const Token &t = peek();
    if (t.kind != Tok::Ident) return fail(t, "expected an attribute name, found " + describe(t));
    next();
    std::string name(t.text);
    if (name.size() > 4 && name.rfind("__", 0) == 0 && name.compare(name.size() - 2, 2, "__") == 0)
      name = name.substr(2, name.size() - 4);
    if (name == "packed") {
      a.packed = true;
    } else if (name == "aligned") {
      if (!accept("(")) {
        a.aligned = std::max(a.aligned, 16u);  // the target's largest alignment
        continue;
      }
      const Token &at_tok = peek();
      int64_t n;
      if (!count_expr("alignment", n)) return false;
      if (n == 0 || (n & (n - 1)) || n > (1 << 28))
        return fail(at_tok, "requested alignment " + std::to_string(n) + " is not a power of 2 up to 2^28");
      a.aligned = std::max(a.aligned, uint32_t(n));
      if (!expect(")", "after the alignment")) return false;
    } else if (name == "mode") {
      if (!expect("(", "after 'mode'")) return false;
      const Token &m = next();
      std::string mode(m.text);
      if (mode.size() > 4 && mode.rfind("__", 0) == 0) mode = mode.substr(2, mode.size() - 4);
      if (mode == "QI" || mode == "byte") a.mode = 1;
      else if (mode == "HI") a.mode = 2;
      else if (mode == "SI") a.mode = 4;
      else if (mode == "DI" || mode == "word" || mode == "pointer") a.mode = 8;
      else return fail(m, "unsupported mode '" + mode + "'");
      if (!expect(")", "after the mode")) return false;
    } else if (at("(") && !skip_group()) {
      return false;
    }
    if (peek().kind == Tok::End) return fail(peek(), "unterminated attribute list");
  }
  return true;
}

bool Parser::nested_declarator_follows(bool abstract) const {
  const Token &t = peek(1);
  if (!abstract) return true;  // a name is needed: `(` can only open `(*name)`
  return t.is("*") || t.is("(") || t.is("[") || t.is("^") || t.is("__attribute__") || t.is("__attribute");
}

bool Parser::declarator(Declarator &d, bool abstract) {
  DepthGuard guard(*this);
  if (!enter(peek())) return false;
  std::vector<Declarator::Op> ops;
  while (at("*")) {
    ops.push_back(Declarator::Op{Declarator::Op::Pointer, 0, false, &next()});
    while (peek().kind == Tok::Ident && (is_qualifier(peek().text) || is_attribute_start(peek().text))) {
      if (is_qualifier(peek().text)) next();
      else if (!attributes(d.attrs)) return false;
    }
  }
  Declarator inner;
  if (!abstract && peek().kind == Tok::Ident && !is_keyword(peek().text)) {
    d.name = &next();
  } else if (at("(") && nested_declarator_follows(abstract)) {
    next();
    if (!declarator(inner, abstract) || !expect(")", "to close the declarator")) return false;
    d.name = inner.name;
  } else if (!abstract) {
    return fail(peek(), "expected a name, found " + describe(peek()));
  }
  std::vector<Declarator::Op> suffixes;
  if (!declarator_suffixes(suffixes)) return false;
  ops.insert(ops.end(), suffixes.rbegin(), suffixes.rend());
  ops.insert(ops.end(), inner.ops.begin(), inner.ops.end());
  d.ops = std::move(ops);
  d.attrs.packed |= inner.attrs.packed;
  d.attrs.aligned = std::max(d.attrs.aligned, inner.attrs.aligned);
  return true;
}

bool Parser::declarator_suffixes(std::vector<Declarator::Op> &ops) {
  while (true) {
    if (at("[")) {
      Declarator::Op op{Declarator::Op::Array, 0, false, &next()};
      while (at("static") || (peek().kind == Tok::Ident && is_qualifier(peek().text))) next();
      if (accept("]")) {
        op.unsized = true;
      } else {
        int64_t n;
        if (!count_expr("array size", n) || !expect("]", "after the array size")) return false;
        op.count = uint64_t(n);
      }
      ops.push_back(op);
    } else if (at("(")) {
      ops.push_back(Declarator::Op{Declarator::Op::Function, 0, false, &peek()});
      if (!skip_group()) return false;
    } else {
      return true;
    }
  }
}

bool Parser::apply(const CType &base, const Declarator &d, CType &out) {
  CType cur = base;
  if (d.attrs.mode && d.ops.empty() && cur.type.is_int() && !cur.floating) {
    std::string name = cur.type.name;
    cur = int_ctype(d.attrs.mode, cur.type.is_signed, name);
  }
  for (const Declarator::Op &op : d.ops) {
    switch (op.kind) {
      case Declarator::Op::Pointer: {
        CType p;
        // No address space of its own: a script's (or a user-space header's)
        // struct is read where the probe's pointers point (user memory in a
        // uprobe, kernel memory in a kprobe), unlike BTF's kernel pointers.
        p.type = cur.function ? Type::u64() : Type::pointer(cur.type, AddrSpace::None);
        p.align = 8;
        cur = p;
        break;
      }
      case Declarator::Op::Array:
        if (!array_of(cur, op, cur)) return false;
        break;
      case Declarator::Op::Function: {
        if (cur.function) return fail(*op.at, "a function cannot return a function");
        if (cur.array)
          return fail(*op.at, "a function cannot return an array");
        CType f;
        f.type = Type::u64();
        f.function = true;
        f.incomplete = true;
        cur = f;
        break;
      }
    }
  }
  out = cur;
  return true;
}

bool Parser::array_of(const CType &elem, const Declarator::Op &op, CType &out) {
  if (elem.function) return fail(*op.at, "array of functions", "an array of function pointers is `ret (*name[N])(args)`");
  if (elem.incomplete)
    return fail(*op.at, "array of incomplete type '" + (elem.type.is(TypeKind::Void) ? "void" : elem.type.name) + "'");
  uint64_t count = op.unsized ? 0 : op.count;
  if (count == 0 && !op.unsized && strict_ && !allow_zero_)
    return fail(*op.at, "zero-size array", "a zero-length array (GNU C) may only be a struct member");
  if (uint64_t(elem.type.size) * count > UINT32_MAX)
    return fail(*op.at, "array is too large (" + std::to_string(count) + " elements of " +
                            std::to_string(elem.type.size) + " bytes)",
                "an array may be at most 4 GiB");
  const Type &e = elem.type;
  CType a;
  if (e.is_int() && e.size == 1 && (e.name == "char" || e.name == "signed char"))
    a.type = Type::string(uint32_t(count));  // char[N] is text, as in btf_types
  else
    a.type = Type::array(e, uint32_t(count));
  a.align = elem.align;
  a.array = true;
  a.incomplete = op.unsized;
  out = a;
  return true;
}

bool Parser::define_typedef(const Token &name, const CType &t, const Attrs &attrs) {
  std::string n(name.text);
  Type stored = t.function ? Type::u64() : t.type;
  if (stored.is_int()) stored.name = n;  // integers keep the typedef's spelling ("u_t"), as btf_types
  uint32_t align = attrs.aligned ? attrs.aligned : t.align;  // aligned(N) on a typedef may also lower it
  auto it = st_.types_.find(n);
  if (it != st_.types_.end()) {
    bool same = it->second == stored && it->second.name == stored.name && st_.aligns_[n] == align &&
                st_.function_typedefs_.count(n) == size_t(t.function);
    if (same || !strict_) return true;  // C11 allows repeating a typedef; a header's first one wins
    const Loc &l = st_.defined_at_[n];
    return fail(name, "conflicting types for typedef '" + n + "'",
                "it was first defined at line " + std::to_string(l.begin.line) + ", column " +
                    std::to_string(l.begin.column));
  }
  st_.types_[n] = stored;
  st_.aligns_[n] = align;
  st_.defined_at_[n] = name.loc;
  if (t.function) st_.function_typedefs_.insert(n);
  if (const Type *elem = sizeless_pointee(stored)) st_.sizeless_pointers_[elem->name].emplace_back(n, SIZE_MAX);
  return true;
}

bool Parser::type_name(CType &out) {
  Specs s;
  const Token &first = peek();
  if (!specifiers(s, false)) return false;
  if (!s.has_type) return fail(first, "expected a type name, found " + describe(first));
  Declarator d;
  return declarator(d, true) && apply(s.base, d, out);
}

bool Parser::starts_type(const Token &t) {
  if (t.kind != Tok::Ident) return false;
  if (is_type_keyword(t.text) || is_qualifier(t.text)) return true;
  if (is_keyword(t.text)) return false;
  std::string n(t.text);
  if (st_.constants_.count(n)) return false;
  return named_type(n).has_value();
}

std::optional<CType> Parser::named_type(const std::string &name) {
  auto it = st_.types_.find(name);
  if (it != st_.types_.end() && name.find(' ') == std::string::npos) {
    CType c;
    c.type = st_.completed(it->second);
    c.align = st_.aligns_[name];
    c.function = st_.function_typedefs_.count(name) > 0;
    c.incomplete = c.function || is_incomplete(c.type);
    return c;
  }
  for (const Builtin &b : kBuiltins)
    if (b.name == name) return int_ctype(b.size, b.is_signed, name);
  if (!outer_) return std::nullopt;
  std::optional<Type> t = outer_(name);
  if (!t) return std::nullopt;
  return from_type(*t);
}

CType Parser::tag_type(const std::string &key) {
  auto it = st_.types_.find(key);
  CType c;
  if (it != st_.types_.end()) {
    c.type = st_.completed(it->second);
    c.align = st_.aligns_[key];
  } else if (std::optional<Type> t = outer_ ? outer_(key) : std::nullopt) {
    return from_type(*t);
  } else {
    if (key.rfind("enum ", 0) == 0) c.type = Type::integer(4, false);
    else c.type.kind = TypeKind::Record;
    c.type.name = key;
    c.incomplete = true;
    return c;
  }
  c.incomplete = is_incomplete(c.type);
  return c;
}

CType Parser::from_type(Type t) {
  if (t.is(TypeKind::Record) && !t.record) {
    t = st_.completed(t);
    if (!t.record && outer_) {
      std::optional<Type> full = outer_(t.name);
      if (full && full->record) t = *full;
    }
  }
  CType c;
  c.align = align_of(t, 0);
  c.incomplete = is_incomplete(t);
  c.type = std::move(t);
  return c;
}

uint32_t Parser::align_of(const Type &t, int depth) {
  switch (t.kind) {
    case TypeKind::Int: return t.size ? std::min(t.size, 8u) : 1;
    case TypeKind::Pointer:
    case TypeKind::Ksym:
    case TypeKind::Kstack:
    case TypeKind::Ctx: return 8;
    case TypeKind::Array: return t.elem && depth < kMaxNesting ? align_of(*t.elem, depth + 1) : 1;
    case TypeKind::Record: break;
    default: return 1;
  }
  auto mine = st_.aligns_.find(t.name);
  if (mine != st_.aligns_.end()) return mine->second;
  auto cached = outer_aligns_.find(t.name);
  if (cached != outer_aligns_.end()) return cached->second;
  std::shared_ptr<const Record> rec = t.record;
  if (!rec && outer_ && depth < 16) {
    std::optional<Type> full = outer_(t.name);
    if (full) rec = full->record;
  }
  // BTF has no alignment: it is the members' largest, unless the record is
  // packed (a member off its alignment, or a size that is no multiple of
  // it), which gcc aligns to 1.
  uint32_t a = 1;
  uint32_t size = rec ? rec->size : t.size;
  bool packed = false;
  if (rec && depth < 16) {
    for (const Field &f : rec->fields) {
      if (!f.type) continue;
      uint32_t fa = align_of(*f.type, depth + 1);
      a = std::max(a, fa);
      packed |= !f.bitfield_bits && f.offset % fa != 0;
    }
  } else {
    a = 8;  // no layout to go by: the size's largest power-of-2 divisor, at most 8
    while (a > 1 && size % a) a /= 2;
  }
  if (packed || size % a) a = 1;
  outer_aligns_[t.name] = a;
  return a;
}

std::string Parser::unknown_type_hint(const std::string &name) {
  for (const char *kw : {"struct ", "union ", "enum "}) {
    std::string key = kw + name;
    if (st_.types_.count(key) || (outer_ && outer_(key))) return "did you mean '" + key + "'?";
  }
  return "define it first (typedef, struct) or #include the header that declares it";
}

}  // namespace probe::cdecl
