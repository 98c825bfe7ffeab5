// Type inference for expressions; builtins dispatch through the registry.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "builtins/registry.h"
#include "frontend/sema/sema.h"
#include "util/strings.h"

namespace probe {


// Numbers must fit in int64, as in bpftrace ("$1 used numerically but given ...").
ParamKind parse_param(const std::string &s, uint64_t *value) {
  if (s.empty()) return ParamKind::Text;
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 0);
  if (*end != '\0') return ParamKind::Text;
  if (errno != ERANGE) {
    *value = static_cast<uint64_t>(v);
    return ParamKind::Integer;
  }
  return ParamKind::OutOfRange;
}

Type parse_int_type_name(const std::string &name) {
  struct Entry {
    const char *name;
    uint32_t size;
    bool is_signed;
  };
  static const Entry table[] = {
      {"char", 1, true}, {"int8", 1, true}, {"int8_t", 1, true}, {"s8", 1, true}, {"__s8", 1, true},
      {"unsigned char", 1, false}, {"uint8", 1, false}, {"uint8_t", 1, false}, {"u8", 1, false},
      {"__u8", 1, false}, {"bool", 1, false}, {"_Bool", 1, false},
      {"short", 2, true}, {"int16", 2, true}, {"int16_t", 2, true}, {"s16", 2, true}, {"__s16", 2, true},
      {"unsigned short", 2, false}, {"uint16", 2, false}, {"uint16_t", 2, false}, {"u16", 2, false},
      {"__u16", 2, false},
      {"int", 4, true}, {"int32", 4, true}, {"int32_t", 4, true}, {"s32", 4, true}, {"__s32", 4, true},
      {"pid_t", 4, true}, {"signed", 4, true}, {"uid_t", 4, false}, {"gid_t", 4, false},
      {"unsigned int", 4, false}, {"unsigned", 4, false}, {"uint", 4, false},
      {"uint32", 4, false}, {"uint32_t", 4, false}, {"u32", 4, false}, {"__u32", 4, false},
      {"long", 8, true}, {"long long", 8, true}, {"int64", 8, true}, {"int64_t", 8, true},
      {"s64", 8, true}, {"__s64", 8, true}, {"ssize_t", 8, true}, {"off_t", 8, true}, {"intptr_t", 8, true},
      {"unsigned long", 8, false},
      {"unsigned long long", 8, false}, {"uint64", 8, false}, {"uint64_t", 8, false},
      {"u64", 8, false}, {"__u64", 8, false}, {"size_t", 8, false}, {"uintptr_t", 8, false},
  };
  for (const auto &e : table)
    if (name == e.name) return Type::integer(e.size, e.is_signed);
  return Type::none();
}

bool Sema::int_constant(const ast::Expr &e, int64_t *v) {
  if (e.kind == ast::ExprKind::Integer) {
    *v = static_cast<int64_t>(ast::as<ast::Integer>(e).value);
    return true;
  }
  if (e.kind == ast::ExprKind::TypeQuery && e.type.kind != TypeKind::None) {
    *v = static_cast<int64_t>(ast::as<ast::TypeQuery>(e).value);
    return true;
  }
  if (e.kind == ast::ExprKind::Identifier && ast::as<ast::Identifier>(e).is_constant) {
    *v = ast::as<ast::Identifier>(e).constant;
    return true;
  }
  if (e.kind == ast::ExprKind::Unop && ast::as<ast::Unop>(e).op == ast::UnOp::Neg &&
      int_constant(*ast::as<ast::Unop>(e).operand, v)) {
    *v = static_cast<int64_t>(0 - static_cast<uint64_t>(*v));  // wraps: -INT64_MIN is INT64_MIN
    return true;
  }
  if (e.kind == ast::ExprKind::Binop) return fold_binop(ast::as<ast::Binop>(e), v);
  return false;
}

bool Sema::fold_binop(const ast::Binop &b, int64_t *v) {
  // Folds what codegen computes the same way at run time (i64, wrapping;
  // / and % truncate toward zero; a shift of 64 or more shifts all bits out).
  int64_t l = 0, r = 0;
  if (!int_constant(*b.lhs, &l) || !int_constant(*b.rhs, &r)) return false;
  uint64_t ul = static_cast<uint64_t>(l), ur = static_cast<uint64_t>(r);
  switch (b.op) {
    case ast::BinOp::Add: *v = static_cast<int64_t>(ul + ur); return true;
    case ast::BinOp::Sub: *v = static_cast<int64_t>(ul - ur); return true;
    case ast::BinOp::Mul: *v = static_cast<int64_t>(ul * ur); return true;
    case ast::BinOp::Div:
    case ast::BinOp::Mod: {
      if (r == 0) return false;  // reported by check_binop
      uint64_t al = l < 0 ? 0 - ul : ul, ar = r < 0 ? 0 - ur : ur;
      uint64_t q = b.op == ast::BinOp::Div ? al / ar : al % ar;
      bool negate = b.op == ast::BinOp::Div ? (l < 0) != (r < 0) : l < 0;
      *v = static_cast<int64_t>(negate ? 0 - q : q);
      return true;
    }
    case ast::BinOp::Shl: *v = ur > 63 ? 0 : static_cast<int64_t>(ul << ur); return true;
    case ast::BinOp::Shr: *v = ur > 63 ? (l < 0 ? -1 : 0) : (l >> ur); return true;
    case ast::BinOp::BitAnd: *v = l & r; return true;
    case ast::BinOp::BitOr: *v = l | r; return true;
    case ast::BinOp::BitXor: *v = l ^ r; return true;
    default: return false;  // comparisons and logic: not needed as constants
  }
}

int Sema::add_printf(PrintfSpec spec) {
  ctx_.printfs.push_back(std::move(spec));
  return static_cast<int>(ctx_.printfs.size()) - 1;
}

int Sema::add_print(PrintSpec spec) {
  ctx_.prints.push_back(std::move(spec));
  return static_cast<int>(ctx_.prints.size()) - 1;
}

// check() recurses once per nesting level (up to kMaxNesting): it only
// dispatches, returning each case's Type in place, so its frame stays small
// (the cases' locals live in their own, non-inlined functions).
Type Sema::check(ast::Expr &e) {
  Type t = check_kind(e);
  e.type = t;
  return t;
}

Type Sema::check_kind(ast::Expr &e) {
  switch (e.kind) {
    case ast::ExprKind::Integer: return Type::i64();  // every literal is an int64, as in bpftrace
    case ast::ExprKind::String: return check_string(ast::as<ast::String>(e));
    case ast::ExprKind::Identifier: return check_identifier(ast::as<ast::Identifier>(e));
    case ast::ExprKind::Variable: return check_variable(ast::as<ast::Variable>(e));
    case ast::ExprKind::Positional: return check_positional(ast::as<ast::Positional>(e));
    case ast::ExprKind::Map: return check_map_read(ast::as<ast::Map>(e));
    case ast::ExprKind::Call: return check_call(ast::as<ast::Call>(e));
    case ast::ExprKind::Binop: return check_binop(ast::as<ast::Binop>(e));
    case ast::ExprKind::Unop: return check_unop(ast::as<ast::Unop>(e));
    case ast::ExprKind::Ternary: return check_ternary(ast::as<ast::Ternary>(e));
    case ast::ExprKind::Field: return check_field(ast::as<ast::FieldAccess>(e));
    case ast::ExprKind::Index: return check_index(ast::as<ast::Index>(e));
    case ast::ExprKind::Cast: return check_cast(ast::as<ast::Cast>(e));
    case ast::ExprKind::TypeQuery: return check_type_query(ast::as<ast::TypeQuery>(e));
    case ast::ExprKind::Tuple: return check_tuple(ast::as<ast::Tuple>(e));
  }
  return Type::none();
}

__attribute__((noinline)) Type Sema::check_string(ast::String &s) {
  size_t n = s.value.size();
  if (n > kMaxStringLiteral) {
    diags().error(s.loc, "string literal is too long (" + std::to_string(n) + " bytes, at most " +
                             std::to_string(kMaxStringLiteral) + ")");
    return Type::none();
  }
  return Type::string(static_cast<uint32_t>(n) + 1);
}

__attribute__((noinline)) Type Sema::check_variable(ast::Variable &v) {
  if (!bind_var(v, true)) return Type::none();
  auto it = vars_->find(v.name);
  if (it != vars_->end()) return it->second;  // else its assignment failed and was reported
  return Type::none();
}

__attribute__((noinline)) Type Sema::check_tuple(ast::Tuple &tu) {
  std::vector<Type> members;
  for (auto &el : tu.elems) {
    Type m = check(*el);
    if (m.kind == TypeKind::None) return Type::none();
    m = value_type(*el, m);
    if (m.is(TypeKind::Void) || m.is_aggregation() || !storable(m)) {
      diags().error(el->loc, "a tuple cannot hold a value of type " + m.to_string());
      if (contains_record(m)) struct_value_hint();
      return Type::none();
    }
    members.push_back(storage_type(m));
  }
  Type t = Type::tuple(members);
  if (!check_value_size(t, tu.loc, "this tuple")) return Type::none();
  return t;
}

Type Sema::check_positional(ast::Positional &p) {
  if (p.is_count) return Type::u64();
  if (p.index < 1) {
    diags().error(p.loc, "positional parameters start at $1");
    return Type::none();
  }
  const auto &params = config().params;
  if (static_cast<size_t>(p.index) > params.size()) return Type::i64();  // bpftrace: missing -> 0
  const std::string &s = params[p.index - 1];
  uint64_t value = 0;
  switch (parse_param(s, &value)) {
    case ParamKind::Integer: return Type::i64();
    case ParamKind::OutOfRange:
      diags().error(p.loc, "positional parameter $" + std::to_string(p.index) + " is the number '" +
                               s.substr(0, 40) + (s.size() > 40 ? "..." : "") + "', which does not fit in a signed 64-bit integer");
      diags().hint("to use it as text, write str($" + std::to_string(p.index) + ")");
      return Type::none();
    case ParamKind::Text: break;
  }
  if (s.size() > kMaxStringLiteral) {
    diags().error(p.loc, "positional parameter $" + std::to_string(p.index) + " is too long (" +
                             std::to_string(s.size()) + " bytes, at most " + std::to_string(kMaxStringLiteral) + ")");
    return Type::none();
  }
  return Type::string(static_cast<uint32_t>(s.size()) + 1);
}

Type Sema::check_identifier(ast::Identifier &id) {
  const BuiltinVar *v = find_builtin_var(id.name);
  if (!v) {
    if (auto c = env().constant(id.name)) {
      id.is_constant = true;
      id.constant = c->value;
      return Type::i64();
    }
    diags().error(id.loc, "unknown identifier '" + id.name + "'");
    std::string near = closest(id.name, builtin_var_names());
    if (!near.empty())
      diags().hint("did you mean '" + near + "'?");
    else if (looks_like_constant(id.name))
      diags().hint("no enum in kernel BTF, included header or system header defines it; define it with `#define " +
                   id.name + " VALUE`");
    else
      diags().hint("variables start with '$' and maps with '@'");
    return Type::none();
  }
  id.builtin = v;
  return v->type(*this, id);
}

Type Sema::check_call(ast::Call &c) {
  const BuiltinFunc *f = find_builtin_func(c.name);
  if (!f) {
    diags().error(c.loc, "unknown function '" + c.name + "'");
    std::string near = closest(c.name, builtin_func_names());
    if (!near.empty()) diags().hint("did you mean '" + near + "'?");
    return Type::none();
  }
  int n = static_cast<int>(c.args.size());
  if (n < f->min_args || (f->max_args >= 0 && n > f->max_args)) {
    std::string expected = f->min_args == f->max_args ? std::to_string(f->min_args)
                           : f->max_args < 0 ? "at least " + std::to_string(f->min_args)
                                             : std::to_string(f->min_args) + " to " + std::to_string(f->max_args);
    diags().error(c.loc, std::string(f->name) + "() takes " + expected + " argument" +
                             ((f->max_args == 1 && f->min_args == 1) || (f->min_args == 1 && f->max_args < 0) ? "" : "s") + ", not " + std::to_string(n));
    diags().hint(std::string("usage: ") + f->signature);
    return Type::none();
  }
  c.func = f;
  return f->type(*this, c);
}

Type Sema::check_map_read(ast::Map &m) {
  check_keys(m);
  MapInfo &info = info_for(m);
  if (info.agg) {
    diags().error(m.loc, "cannot read the value of " + m.name + " in a probe: it holds per-CPU " +
                             info.value.to_string() + " values");
    diags().hint("print it with `print(" + m.name + ")`, or keep a plain counter with `" + m.name + "++`");
    return Type::none();
  }
  if (!info.assigned) {
    // Known after the first run; on the final run build_map_specs reports it.
    return Type::i64();
  }
  return info.value;
}

Type Sema::check_index(ast::Index &ix) {
  Type b = check(*ix.base);
  Type i = check(*ix.index);
  if (b.kind == TypeKind::None || i.kind == TypeKind::None) return Type::none();
  if (!i.is_int()) {
    diags().error(ix.index->loc, "an index must be an integer, not " + i.to_string());
    return Type::none();
  }
  if (b.is(TypeKind::Pointer) && b.elem && b.elem->is_int()) return *b.elem;
  if (b.is(TypeKind::Pointer) && b.elem && b.elem->is(TypeKind::Record)) {  // p[i]: the struct at p + i
    Type p = sized_pointer(b, ix.loc);
    if (p.kind == TypeKind::None) return p;
    ix.base->type = p;
    return *p.elem;
  }
  if (b.is(TypeKind::Array) && b.elem &&
      (b.elem->is_int() || b.elem->is(TypeKind::Record) || b.elem->is(TypeKind::Pointer) ||
       b.elem->is(TypeKind::Array) || b.elem->is(TypeKind::String))) {
    int64_t k = 0;
    bool constant = int_constant(*ix.index, &k);
    if (constant && (k < 0 || static_cast<uint64_t>(k) >= b.count)) {
      diags().error(ix.index->loc, "index " + std::to_string(k) + " is out of bounds for " + b.to_string() +
                                       (b.count ? " (valid indexes: 0 to " + std::to_string(int64_t(b.count) - 1) + ")"
                                                : " (an empty array)"));
      return Type::none();
    }
    // Elements that are not integers are read where the array lives.
    if (!b.elem->is_int() && !addressable(*ix.base)) {
      diags().error(ix.loc, "cannot index this " + b.to_string() + " value: only arrays in memory (p->field) have elements of type " +
                                b.elem->to_string());
      return Type::none();
    }
    // Arrays in the probe's context or on the stack are read with constant
    // offsets only (the verifier refuses variable ones).
    if (!constant && !addressable(*ix.base)) {
      diags().error(ix.index->loc, "this array can only be indexed with a constant");
      diags().hint("write e.g. `" + std::string("args.NAME[0]") + "`, or copy the element you need first");
      return Type::none();
    }
    return *b.elem;
  }
  diags().error(ix.base->loc, "cannot index a value of type " + b.to_string());
  return Type::none();
}

bool stored_value(const ast::Expr &e) {
  if (e.kind == ast::ExprKind::Variable || e.kind == ast::ExprKind::Map) return true;
  if (e.kind == ast::ExprKind::Field) {  // $t.1.f, @m.inner.f
    const ast::Expr &base = *ast::as<ast::FieldAccess>(e).base;
    return (base.type.is(TypeKind::Tuple) || base.type.is(TypeKind::Record)) && stored_value(base);
  }
  return false;
}

bool addressable(const ast::Expr &e) {
  if (e.kind == ast::ExprKind::Unop) return ast::as<ast::Unop>(e).op == ast::UnOp::Deref;
  if (e.kind == ast::ExprKind::Index) {  // a[i] of an array in memory, or p[i]
    const ast::Expr &base = *ast::as<ast::Index>(e).base;
    return base.type.is(TypeKind::Pointer) || addressable(base);
  }
  if (e.kind != ast::ExprKind::Field) return false;
  const ast::Expr &base = *ast::as<ast::FieldAccess>(e).base;
  if (base.type.is(TypeKind::Pointer)) return true;
  return addressable(base);
}

Type Sema::check_binop(ast::Binop &b) {
  Type l = check(*b.lhs), r = check(*b.rhs);
  if (l.kind == TypeKind::None || r.kind == TypeKind::None) return Type::none();
  if (b.op == ast::BinOp::Elvis) {
    // a ?: b: a when it is non-zero (a non-null pointer), else b.
    if (l.is(TypeKind::Pointer) && r.is(TypeKind::Pointer) && l == r) return l;
    if (l.is_integral() && r.is_integral() && !l.is(TypeKind::Pointer) && !r.is(TypeKind::Pointer))
      return Type::integer(8, l.is_signed && r.is_signed);
    diags().error(b.loc, "operator '?:' needs two integers (or two pointers of one type), not " + l.to_string() +
                             " and " + r.to_string());
    diags().hint("write `c ? a : b` to choose between other values");
    return Type::none();
  }
  bool cmp = b.op == ast::BinOp::Eq || b.op == ast::BinOp::Ne;
  if (l.is(TypeKind::String) || r.is(TypeKind::String)) {
    if (cmp && l.is(TypeKind::String) && r.is(TypeKind::String)) return Type::integer(8, false);
    diags().error(b.loc, std::string("operator '") + ast::to_string(b.op) + "' cannot combine " +
                             l.to_string() + " and " + r.to_string());
    if (cmp) diags().hint("strings compare only with strings, e.g. comm == \"bash\"");
    return Type::none();
  }
  if (cmp && l.is(TypeKind::Array) && r.is(TypeKind::Array)) {  // element by element, as bpftrace
    if (l == r && storable(value_type(*b.lhs, l)) && storable(value_type(*b.rhs, r))) return Type::integer(8, false);
    diags().error(b.loc, std::string("operator '") + ast::to_string(b.op) + "' compares arrays of the same type, not " +
                             l.to_string() + " and " + r.to_string());
    return Type::none();
  }
  if (!l.is_integral() || !r.is_integral()) {
    diags().error(b.loc, std::string("operator '") + ast::to_string(b.op) + "' cannot combine " +
                             l.to_string() + " and " + r.to_string());
    return Type::none();
  }
  if (l.is(TypeKind::Pointer) || r.is(TypeKind::Pointer)) return check_pointer_binop(b, l, r);
  switch (b.op) {
    case ast::BinOp::Eq:
    case ast::BinOp::Ne:
    case ast::BinOp::Lt:
    case ast::BinOp::Le:
    case ast::BinOp::Gt:
    case ast::BinOp::Ge:
    case ast::BinOp::LAnd:
    case ast::BinOp::LOr:
      return Type::integer(8, false);
    default:
      break;
  }
  int64_t divisor = 1;
  if ((b.op == ast::BinOp::Div || b.op == ast::BinOp::Mod) && int_constant(*b.rhs, &divisor) && divisor == 0) {
    diags().error(b.rhs->loc, std::string(b.op == ast::BinOp::Div ? "division" : "modulo") + " by zero");
    return Type::none();
  }
  bool sign = l.is_int() && r.is_int() && l.is_signed && r.is_signed;
  return Type::integer(8, sign);
}

Type Sema::sized_pointer(const Type &p, const Loc &loc) {
  if (!p.elem || !p.elem->is(TypeKind::Record) || p.elem->size) return p;
  auto rec = resolve_record(*p.elem, loc);  // a struct known by name only (tracepoint formats)
  if (!rec) return Type::none();
  Type t = p;
  t.elem = std::make_shared<const Type>(Type::record_of(rec));
  return t;
}

// As bpftrace: a pointer plus or minus an integer is a pointer moved by
// that many elements; pointers compare with anything integral; no other
// arithmetic (cast to an integer type first).
Type Sema::check_pointer_binop(ast::Binop &b, const Type &l, const Type &r) {
  using ast::BinOp;
  switch (b.op) {
    case BinOp::Eq: case BinOp::Ne: case BinOp::Lt: case BinOp::Le:
    case BinOp::Gt: case BinOp::Ge: case BinOp::LAnd: case BinOp::LOr:
      return Type::integer(8, false);
    case BinOp::Add:
      if (l.is(TypeKind::Pointer) && r.is_int()) return sized_pointer(l, b.loc);
      if (r.is(TypeKind::Pointer) && l.is_int()) return sized_pointer(r, b.loc);
      break;
    case BinOp::Sub:
      if (l.is(TypeKind::Pointer) && r.is_int()) return sized_pointer(l, b.loc);
      break;
    default: break;
  }
  diags().error(b.loc, std::string("operator '") + ast::to_string(b.op) + "' cannot combine " +
                           l.to_string() + " and " + r.to_string());
  diags().hint(b.op == BinOp::Add || b.op == BinOp::Sub
                   ? "a pointer moves by an integer number of elements (p + 1); cast to uint64 for byte arithmetic"
                   : "cast the pointer to an integer first, e.g. (uint64)p");
  return Type::none();
}

Type Sema::check_unop(ast::Unop &u) {
  using ast::UnOp;
  if (u.op == UnOp::PreInc || u.op == UnOp::PreDec || u.op == UnOp::PostInc || u.op == UnOp::PostDec) {
    auto &target = *u.operand;
    if (target.kind == ast::ExprKind::Variable) {
      auto &v = ast::as<ast::Variable>(target);
      if (!bind_var(v, false)) {
        diags().error(target.loc, "undefined variable '" + v.source_name + "'");
        diags().hint("assign it before updating it, e.g. `" + v.source_name + " = 0;`");
        return Type::none();
      }
      auto it = vars_->find(v.name);
      if (it == vars_->end() || it->second.kind == TypeKind::None) return Type::none();  // its assignment failed, reported
      if (!it->second.is_int() && !it->second.is(TypeKind::Pointer)) {
        diags().error(u.loc, std::string("'") + ast::to_string(u.op) + "' needs an integer or a pointer, not " + it->second.to_string());
        return Type::none();
      }
      v.type = it->second;
      return it->second;
    }
    if (target.kind == ast::ExprKind::Map) {
      auto &m = ast::as<ast::Map>(target);
      check_keys(m);
      MapInfo &info = info_for(m);
      if (info.assigned && !info.value.is_int()) {
        diags().error(u.loc, "map '" + m.name + "' holds " + info.value.to_string() + "; '" +
                                 ast::to_string(u.op) + "' needs integers");
        return Type::none();
      }
      assign_map_value(m, Type::i64(), u.loc);
      return Type::i64();
    }
    diags().error(u.loc, std::string("'") + ast::to_string(u.op) + "' applies to a $variable or a @map");
    return Type::none();
  }
  Type t = check(*u.operand);
  if (t.kind == TypeKind::None) return t;
  if (u.op == UnOp::Deref) {
    if (t.is(TypeKind::Pointer) && t.elem && (t.elem->is_int() || t.elem->is(TypeKind::Record) ||
                                              t.elem->is(TypeKind::Pointer)))
      return *t.elem;
    if (t.is_int()) return Type::u64();  // bpftrace: *arg0 reads a u64
    diags().error(u.loc, "cannot dereference a value of type " + t.to_string());
    return Type::none();
  }
  if (u.op == UnOp::AddrOf) {
    diags().error(u.loc, "taking an address with '&' is not supported");
    return Type::none();
  }
  if (!t.is_integral() || (t.is(TypeKind::Pointer) && u.op != UnOp::LNot)) {
    diags().error(u.loc, std::string("operator '") + ast::to_string(u.op) + "' needs an integer, not " + t.to_string());
    return Type::none();
  }
  if (u.op == UnOp::LNot) return Type::integer(8, false);
  return Type::integer(8, u.op == UnOp::Neg ? true : t.is_signed);
}

Type Sema::check_ternary(ast::Ternary &t) {
  Type c = check(*t.cond);
  Type a = check(*t.then), b = check(*t.otherwise);
  if (c.kind == TypeKind::None || a.kind == TypeKind::None || b.kind == TypeKind::None) return Type::none();
  if (!c.is_integral()) {
    diags().error(t.cond->loc, "a condition must be an integer or comparison, not " + c.to_string());
    return Type::none();
  }
  if (a.is_integral() && b.is_integral())
    return Type::integer(8, a.is_signed && b.is_signed);
  if (a.is(TypeKind::String) && b.is(TypeKind::String)) return unify_strings(a, b);
  if (contains_record(a) || contains_record(b)) {
    diags().error(t.loc, "'?:' cannot choose between whole structs (" + a.to_string() + " and " + b.to_string() + ")");
    struct_value_hint();
    return Type::none();
  }
  diags().error(t.loc, "the branches of '?:' have different types: " + a.to_string() + " and " + b.to_string());
  return Type::none();
}

std::shared_ptr<const Record> Sema::resolve_record(const Type &t, const Loc &loc) {
  if (t.record) return t.record;
  auto r = env().record(t.name);
  if (!r) {
    diags().error(loc, r.error());
    return nullptr;
  }
  return *r;
}

// $t.N: member N of a tuple (its storage type).
static Type tuple_member(Sema &S, ast::FieldAccess &f, const Type &b) {
  if (f.arrow) {
    S.diags().error(f.loc, "a tuple's members are read with '.', not '->'");
    S.diags().hint("write e.g. `$t." + f.field + "`");
    return Type::none();
  }
  char *end = nullptr;
  unsigned long i = std::strtoul(f.field.c_str(), &end, 10);
  if (f.field.empty() || *end != '\0' || !std::isdigit(static_cast<unsigned char>(f.field[0]))) {
    S.diags().error(f.loc, "a tuple has no field '" + f.field + "'");
    S.diags().hint("its members are numbered: `$t.0` .. `$t." + std::to_string(b.fields.size() - 1) + "`");
    return Type::none();
  }
  if (i >= b.fields.size()) {
    S.diags().error(f.loc, "tuple index " + f.field + " is out of range for " + b.to_string() + " (" +
                               std::to_string(b.fields.size()) + " members)");
    return Type::none();
  }
  return b.fields[i];
}

Type Sema::check_field(ast::FieldAccess &f) {
  Type b = check(*f.base);
  if (b.kind == TypeKind::None) return b;
  if (b.is(TypeKind::Tuple)) return tuple_member(*this, f, b);
  std::shared_ptr<const Record> rec;
  if (b.is(TypeKind::Record)) {
    bool is_args = f.base->kind == ast::ExprKind::Identifier && ast::as<ast::Identifier>(*f.base).name == "args";
    if (!is_args && !addressable(*f.base) && !stored_value(*f.base)) {
      // e.g. args.pgprot.pgprot: a struct passed by value sits in the
      // probe's context, which codegen reads only one level deep.
      diags().error(f.loc, "cannot read field '" + f.field + "' of this " + b.to_string() +
                               " value: only fields of structs in memory (p->field, (*p).field) and of args are readable");
      return Type::none();
    }
    rec = resolve_record(b, f.loc);
  } else if (b.is(TypeKind::Pointer) && b.elem && b.elem->is(TypeKind::Record)) {
    rec = resolve_record(*b.elem, f.loc);
  } else {
    diags().error(f.loc, "cannot access field '" + f.field + "' of a value of type " + b.to_string());
    if (b.is_int()) diags().hint("cast it to a struct pointer first, e.g. ((struct task_struct *)" +
                                 std::string("curtask)->pid"));
    return Type::none();
  }
  if (!rec) return Type::none();
  // Keep the resolved layout on the base's type for codegen.
  if (b.is(TypeKind::Record)) {
    f.base->type = Type::record_of(rec);
  } else if (!b.elem->record) {
    Type resolved = b;
    resolved.elem = std::make_shared<const Type>(Type::record_of(rec));
    f.base->type = resolved;
  }
  const Field *fld = rec->find(f.field);
  if (!fld) {
    diags().error(f.loc, rec->name + " has no field '" + f.field + "'");
    std::vector<std::string> names;
    for (const auto &x : rec->fields) names.push_back(x.name);
    std::string near = closest(f.field, names);
    if (!near.empty())
      diags().hint("did you mean '" + near + "'?");
    else if (names.size() <= 40)
      diags().hint("its fields are: " + join(names, ", "));
    return Type::none();
  }
  // Every expansion of this probe must agree on the field's type.
  if (f.base->kind == ast::ExprKind::Identifier && ast::as<ast::Identifier>(*f.base).name == "args") {
    for (const auto *e : expansions()) {
      const Field *other = e->args ? e->args->find(f.field) : nullptr;
      if (!other || *other->type != *fld->type) {
        diags().error(f.loc, "field '" + f.field + "' differs or is missing in " + e->prog.display);
        diags().hint("wildcard probes may only use fields every match has, with the same type");
        return Type::none();
      }
    }
  }
  return *fld->type;
}

Type Sema::check_cast(ast::Cast &c) {
  Type inner = check(*c.expr);
  if (inner.kind == TypeKind::None) return inner;
  // A cast keeps a pointer's address space; an integer cast to a pointer reads
  // where the probe's untyped pointers point (user memory in uprobes).
  AddrSpace as = inner.is(TypeKind::Pointer) ? inner.as : AddrSpace::None;
  Type target = resolve_type_spec(c.target, as);
  if (target.kind == TypeKind::None) return target;
  if (target.is(TypeKind::Record)) {
    diags().error(c.loc, "cannot cast to the struct value '" + c.target.name + "'");
    diags().hint("cast to a pointer and use ->, e.g. ((" + c.target.name + " *)arg0)->field");
    return Type::none();
  }
  if (!target.is_int() && !target.is(TypeKind::Pointer)) {
    diags().error(c.loc, "cannot cast to '" + c.target.name + "' (" + target.to_string() + ")");
    diags().hint("casts are to integer types and pointers");
    return Type::none();
  }
  if (!inner.is_integral()) {
    diags().error(c.loc, "cannot cast a value of type " + inner.to_string() + " to " + c.target.name);
    return Type::none();
  }
  return target;
}

}  // namespace probe
