// struct/union and enum specifiers of the C declaration parser: bodies,
// members, bit-fields, enumerators, and their registration in the table.
#include <algorithm>

#include "frontend/cdecl_parser.h"

namespace probe::cdecl {

namespace {

// "line L, column C" of a definition, for "first defined at" hints.
std::string where(const Loc &l) {
  return "line " + std::to_string(l.begin.line) + ", column " + std::to_string(l.begin.column);
}

// True when two layouts are the same (an identical redefinition).
bool same_layout(const Record &a, const Record &b) {
  if (a.size != b.size || a.fields.size() != b.fields.size()) return false;
  for (size_t i = 0; i < a.fields.size(); i++) {
    const Field &x = a.fields[i];
    const Field &y = b.fields[i];
    if (x.name != y.name || x.offset != y.offset || x.bitfield_bits != y.bitfield_bits ||
        x.bitfield_shift != y.bitfield_shift || !x.type || !y.type || *x.type != *y.type)
      return false;
  }
  return true;
}

// How a type is spelled in a member diagnostic.
std::string spelling(const CType &c) {
  if (c.type.is(TypeKind::Void)) return "void";
  return c.type.name.empty() ? c.type.to_string() : c.type.name;
}

// True when every value fits an integer of size bytes (signed when is_signed).
bool fits(const std::vector<std::pair<const Token *, int64_t>> &values, uint32_t size, bool is_signed) {
  if (size >= 8) return true;
  int64_t bits = int64_t(size) * 8;
  int64_t lo = is_signed ? -(int64_t(1) << (bits - 1)) : 0;
  int64_t hi = is_signed ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
  return std::all_of(values.begin(), values.end(), [&](const auto &v) { return v.second >= lo && v.second <= hi; });
}

}  // namespace

std::string Parser::anonymous_name(const std::string &kw, const Token &at) const {
  std::string base = kw + " (anonymous at " + std::to_string(at.loc.begin.line) + ":" +
                     std::to_string(at.loc.begin.column) + ")";
  std::string name = base;
  for (int i = 2; st_.types_.count(name); i++) name = base + " #" + std::to_string(i);
  return name;
}

const Type *sizeless_pointee(const Type &t) {
  if (!t.is(TypeKind::Pointer) || !t.elem || !t.elem->is(TypeKind::Record) || t.elem->record || t.elem->size)
    return nullptr;
  return t.elem.get();
}

void Parser::size_pointers_to(const std::string &key, uint32_t size) {
  auto waiting = st_.sizeless_pointers_.find(key);
  if (waiting == st_.sizeless_pointers_.end()) return;
  auto sized = [&](Type t) {
    auto elem = std::make_shared<Type>(*t.elem);
    elem->size = size;
    t.elem = std::move(elem);
    return t;
  };
  for (const auto &[owner, index] : waiting->second) {
    if (index == SIZE_MAX) {  // a typedef
      auto t = st_.types_.find(owner);
      if (t != st_.types_.end() && t->second.is(TypeKind::Pointer)) t->second = sized(t->second);
      continue;
    }
    auto rec = st_.records_.find(owner);
    if (rec == st_.records_.end() || index >= rec->second->fields.size()) continue;
    Field &f = rec->second->fields[index];
    if (f.type && f.type->is(TypeKind::Pointer)) f.type = std::make_shared<const Type>(sized(*f.type));
  }
  st_.sizeless_pointers_.erase(waiting);
}

bool Parser::struct_spec(Specs &s) {
  const Token &kw = next();
  bool is_union = kw.is("union");
  std::string kws = is_union ? "union" : "struct";
  Attrs ra;
  if (!attributes(ra)) return false;
  const Token *tag = nullptr;
  if (peek().kind == Tok::Ident && !is_keyword(peek().text)) tag = &next();
  if (!attributes(ra)) return false;
  s.type_at = &kw;
  if (!at("{")) {
    if (!tag) return fail(peek(), "expected a " + kws + " name or '{' after '" + kws + "', found " + describe(peek()));
    std::string key = kws + " " + std::string(tag->text);
    std::string other = std::string(is_union ? "struct " : "union ") + std::string(tag->text);
    if (st_.types_.count(other) && strict_)
      return fail(*tag, "'" + std::string(tag->text) + "' is defined as a " + (is_union ? "struct" : "union") +
                            ", not a " + kws);
    if (at(";") && !st_.types_.count(key)) {  // `struct Foo;`: declared here, completed later
      Type fwd;
      fwd.kind = TypeKind::Record;
      fwd.name = key;
      st_.types_[key] = fwd;
      st_.aligns_[key] = 1;
      st_.defined_at_[key] = tag->loc;
    }
    s.base = tag_type(key);
    return true;
  }
  const Token &open = next();
  DepthGuard guard(*this);
  if (!enter(open)) return false;
  std::vector<Member> ms;
  if (!members(ms, is_union) || !attributes(ra)) return false;
  if (!define_record(kw, tag, is_union, ms, ra, s.base)) return false;
  s.anonymous_record = tag == nullptr;
  return true;
}

bool Parser::members(std::vector<Member> &out, bool is_union) {
  while (true) {
    if (accept("}")) return true;
    const Token &t = peek();
    if (t.kind == Tok::End)
      return fail(t, std::string("expected '}' at the end of the ") + (is_union ? "union" : "struct") + " body");
    if (accept(";")) continue;
    if (t.is("_Static_assert") || t.is("static_assert")) {
      if (!skip_static_assert()) return false;
      continue;
    }
    Specs s;
    if (!specifiers(s, false)) return false;
    if (!s.has_type) return fail(peek(), "expected a member declaration, found " + describe(peek()));
    if (accept(";")) {
      if (s.anonymous_record) {  // `union { int a; long b; };`: its fields join this record
        Member m;
        m.type = s.base;
        m.anonymous = true;
        m.at = s.type_at;
        m.attrs = s.attrs;
        out.push_back(std::move(m));
      }
      continue;  // otherwise it only declared a tag
    }
    if (!member_declarators(s, out)) return false;
  }
}

bool Parser::member_declarators(const Specs &s, std::vector<Member> &out) {
  while (true) {
    Member m;
    m.attrs = s.attrs;
    if (at(":")) {  // an unnamed bit-field
      m.at = &peek();
      m.type = s.base;
    } else {
      Declarator d;
      if (!declarator(d, false) || !attributes(d.attrs)) return false;
      allow_zero_ = true;
      bool ok = apply(s.base, d, m.type);
      allow_zero_ = false;
      if (!ok) return false;
      m.name = std::string(d.name->text);
      m.at = d.name;
      m.attrs.packed |= d.attrs.packed;
      m.attrs.aligned = std::max(m.attrs.aligned, d.attrs.aligned);
      m.flexible = !d.ops.empty() && d.ops.back().kind == Declarator::Op::Array && d.ops.back().unsized;
    }
    if (accept(":")) {
      m.bitfield = true;
      if (!bitfield_width(m)) return false;
    }
    Attrs after;
    if (!attributes(after)) return false;
    m.attrs.packed |= after.packed;
    m.attrs.aligned = std::max(m.attrs.aligned, after.aligned);
    if (m.type.function)
      return fail(*m.at, "member '" + m.name + "' is declared as a function",
                  "a function pointer is written `ret (*" + m.name + ")(args)`");
    if (m.type.incomplete && !m.flexible)
      return fail(*m.at, "member '" + m.name + "' has incomplete type '" + spelling(m.type) + "'",
                  m.type.type.is(TypeKind::Void) ? "a member cannot be void; use a pointer"
                                                 : "define " + spelling(m.type) + " before this member, or use a "
                                                       "pointer to it");
    std::string name = m.name;
    out.push_back(std::move(m));
    if (accept(",")) continue;
    if (peek().kind == Tok::End || !at(";"))
      return fail(peek(), "expected ';' after member '" + (name.empty() ? std::string("(unnamed)") : name) +
                              "', found " + describe(peek()));
    next();
    return true;
  }
}

bool Parser::bitfield_width(Member &m) {
  const Token &wt = peek();
  std::string shown = m.name.empty() ? "(unnamed)" : m.name;
  Value v;
  if (!const_expr(v)) return false;
  const Type &t = m.type.type;
  if (!t.is_int() || m.type.floating)
    return fail(*m.at, "bit-field '" + shown + "' has non-integer type '" + spelling(m.type) + "'");
  uint64_t max = (t.name == "_Bool" || t.name == "bool") ? 1 : uint64_t(t.size) * 8;
  if (!v.is_unsigned && v.v < 0) return fail(wt, "bit-field '" + shown + "' has a negative width");
  if (uint64_t(v.v) > max)
    return fail(wt, "width of bit-field '" + shown + "' (" + std::to_string(uint64_t(v.v)) +
                        " bits) exceeds its type (" + std::to_string(max) + " bits)");
  if (v.v == 0 && !m.name.empty()) return fail(wt, "named bit-field '" + shown + "' has zero width");
  m.bits = uint32_t(v.v);
  return true;
}

bool Parser::define_record(const Token &kw, const Token *tag, bool is_union, std::vector<Member> &ms,
                           const Attrs &ra, CType &out) {
  std::string kws = is_union ? "union" : "struct";
  auto rec = std::make_shared<Record>();
  rec->name = tag ? kws + " " + std::string(tag->text) : anonymous_name(kws, kw);
  uint32_t align = 1;
  if (std::optional<LayoutError> err = layout_record(ms, is_union, ra, *rec, align))
    return fail(err->member < ms.size() && ms[err->member].at ? *ms[err->member].at : kw, err->message);
  const std::string &key = rec->name;
  if (tag) {
    std::string other = std::string(is_union ? "struct " : "union ") + std::string(tag->text);
    if (st_.types_.count(other) && strict_)
      return fail(*tag, "'" + std::string(tag->text) + "' is already defined as a " + (is_union ? "struct" : "union"));
    auto old = st_.records_.find(key);
    if (old != st_.records_.end()) {
      bool same = same_layout(*old->second, *rec) && st_.aligns_[key] == align;
      if (!same && strict_)
        return fail(*tag, "redefinition of '" + key + "'", "it was first defined at " + where(st_.defined_at_[key]));
      out.type = Type::record_of(old->second);  // identical, or a header's first definition wins
      out.align = st_.aligns_[key];
      return true;
    }
  }
  st_.records_[key] = rec;
  st_.types_[key] = Type::record_of(rec);
  st_.aligns_[key] = align;
  st_.defined_at_[key] = (tag ? tag : &kw)->loc;
  for (size_t i = 0; i < rec->fields.size(); i++) {
    if (const Type *elem = sizeless_pointee(*rec->fields[i].type)) st_.sizeless_pointers_[elem->name].emplace_back(key, i);
  }  // then this struct's own pointers to itself get its size
  size_pointers_to(key, rec->size);
  out = CType{};
  out.type = Type::record_of(rec);
  out.align = align;
  return true;
}

bool Parser::enum_spec(Specs &s) {
  const Token &kw = next();
  Attrs a;
  if (!attributes(a)) return false;
  const Token *tag = nullptr;
  if (peek().kind == Tok::Ident && !is_keyword(peek().text)) tag = &next();
  if (!attributes(a)) return false;
  s.type_at = &kw;
  if (!at("{")) {
    if (!tag) return fail(peek(), "expected an enum name or '{' after 'enum', found " + describe(peek()));
    s.base = tag_type("enum " + std::string(tag->text));
    return true;
  }
  const Token &open = next();
  std::vector<std::pair<const Token *, int64_t>> values;
  bool fresh = false;
  if (!enumerators(values, fresh)) return false;
  if (values.empty()) return fail(open, "an enum needs at least one enumerator");
  if (!attributes(a)) return false;
  return define_enum(kw, tag, values, fresh, a, s.base);
}

bool Parser::enumerators(std::vector<std::pair<const Token *, int64_t>> &values, bool &fresh) {
  int64_t prev = -1;
  while (!accept("}")) {
    const Token &n = peek();
    if (n.kind != Tok::Ident || is_keyword(n.text)) return fail(n, "expected an enumerator name, found " + describe(n));
    next();
    Attrs ignored;
    if (!attributes(ignored)) return false;
    int64_t val;
    if (accept("=")) {
      Value v;
      if (!const_expr(v)) return false;
      val = v.v;
    } else {
      if (prev == INT64_MAX) return fail(n, "enumerator value for '" + std::string(n.text) + "' overflows");
      val = prev + 1;
    }
    std::string name(n.text);
    auto it = st_.constants_.find(name);
    if (it == st_.constants_.end()) {
      st_.constants_[name] = val;
      st_.defined_at_["enumerator " + name] = n.loc;
      fresh = true;
    } else if (it->second != val && strict_) {
      return fail(n, "redefinition of enumerator '" + name + "'",
                  "it was first defined at " + where(st_.defined_at_["enumerator " + name]));
    }
    values.emplace_back(&n, val);
    prev = val;
    if (accept(",")) continue;
    if (!at("}"))
      return fail(peek(), "expected ',' or '}' after enumerator '" + name + "', found " + describe(peek()));
  }
  return true;
}

bool Parser::define_enum(const Token &kw, const Token *tag,
                         const std::vector<std::pair<const Token *, int64_t>> &values, bool fresh, const Attrs &a,
                         CType &out) {
  bool is_signed = std::any_of(values.begin(), values.end(), [](const auto &v) { return v.second < 0; });
  uint32_t size = 8;
  for (uint32_t s : {1u, 2u, 4u})
    if ((a.packed || s == 4) && fits(values, s, is_signed)) {
      size = s;
      break;
    }
  out = CType{};
  out.type = Type::integer(size, is_signed);
  out.type.name = tag ? "enum " + std::string(tag->text) : "int";
  out.align = size;
  if (!tag) return true;
  const std::string &key = out.type.name;
  auto old = st_.types_.find(key);
  if (old != st_.types_.end()) {
    if ((old->second != out.type || fresh) && strict_)  // other enumerators than the first definition's
      return fail(*tag, "redefinition of '" + key + "'", "it was first defined at " + where(st_.defined_at_[key]));
    return true;
  }
  st_.types_[key] = out.type;
  st_.aligns_[key] = size;
  st_.defined_at_[key] = tag->loc;
  return true;
}

}  // namespace probe::cdecl
