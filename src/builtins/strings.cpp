// Strings: str(ptr[, len]) reads a NUL-terminated string from memory.
#include "builtins/registry.h"
#include "codegen/lowering.h"
#include "frontend/sema/sema.h"

namespace probe {

namespace {

// str($1) is the parameter's text, as in bpftrace, even when it reads as
// a number ("42", or one too large for 64 bits); a missing one is "".
// The text is cut to max_strlen - 1 bytes, as bpftrace does.
Type str_of_positional(Sema &S, ast::Positional &p) {
  if (p.index < 1) return S.check(p);  // reports $0
  const auto &params = S.config().params;
  size_t n = static_cast<size_t>(p.index) <= params.size() ? params[p.index - 1].size() : 0;
  if (n > kMaxStringLiteral) return S.check(p);  // reports the length
  // Like any str(), at most max_strlen bytes with the NUL (bpftrace 0.17 cuts $1 there too).
  p.type = Type::string(std::min<uint32_t>(static_cast<uint32_t>(n) + 1, S.config().str_size));
  return p.type;
}

// str($N + k): the parameter's text from byte k on (bpftrace: a pointer to
// the given string, and only the addition of a constant up to its length).
// The argument becomes that string literal; false (reported) if k is bad.
bool str_of_positional_offset(Sema &S, ast::Call &c) {
  auto &b = ast::as<ast::Binop>(*c.args[0]);
  const auto &p = ast::as<ast::Positional>(*b.lhs);
  if (p.is_count || p.index < 1) return true;  // reported by the usual checks
  int64_t k = 0;
  const auto &params = S.config().params;
  std::string text = static_cast<size_t>(p.index) <= params.size() ? params[p.index - 1] : "";
  if (!Sema::int_constant(*b.rhs, &k) || k < 0 || static_cast<uint64_t>(k) > text.size()) {
    S.diags().error(b.loc, "str($" + std::to_string(p.index) + " + N) needs a constant N from 0 to the parameter's length (" +
                               std::to_string(text.size()) + ")");
    return false;
  }
  std::string rest = text.substr(static_cast<size_t>(k));
  if (rest.size() > kMaxStringLiteral) rest.resize(kMaxStringLiteral);
  uint32_t cap = S.config().str_size;
  if (cap && rest.size() >= cap) rest.resize(cap - 1);  // cut at max_strlen, like str($N)
  c.args[0] = std::make_unique<ast::String>(rest, b.loc);
  return true;
}

Type str_type(Sema &S, ast::Call &c) {
  if (c.args[0]->kind == ast::ExprKind::Binop && ast::as<ast::Binop>(*c.args[0]).op == ast::BinOp::Add &&
      ast::as<ast::Binop>(*c.args[0]).lhs->kind == ast::ExprKind::Positional &&
      !str_of_positional_offset(S, c))
    return Type::none();
  if (c.args[0]->kind == ast::ExprKind::Positional && !ast::as<ast::Positional>(*c.args[0]).is_count) {
    Type t = str_of_positional(S, ast::as<ast::Positional>(*c.args[0]));
    if (t.kind != TypeKind::None && c.args.size() == 2) {
      Type n = S.check(*c.args[1]);
      if (n.kind == TypeKind::None) return n;
      if (!n.is_int()) {
        S.diags().error(c.args[1]->loc, "str()'s length must be an integer, not " + n.to_string());
        return Type::none();
      }
    }
    return t;
  }
  Type p = S.check(*c.args[0]);
  if (p.kind == TypeKind::None) return p;
  uint32_t cap = S.config().str_size;
  if (p.is(TypeKind::String)) return p;  // str() of a string is the string
  if (!p.is_int() && !p.is(TypeKind::Pointer)) {
    S.diags().error(c.args[0]->loc, "str() reads from an address, not from " + p.to_string());
    return Type::none();
  }
  if (c.args.size() == 2) {
    Type n = S.check(*c.args[1]);
    if (n.kind == TypeKind::None) return n;
    if (!n.is_int()) {
      S.diags().error(c.args[1]->loc, "str()'s length must be an integer, not " + n.to_string());
      return Type::none();
    }
    int64_t len = 0;
    if (Sema::int_constant(*c.args[1], &len)) {
      if (len < 1) {
        S.diags().error(c.args[1]->loc, "str()'s length must be at least 1");
        return Type::none();
      }
      cap = std::min<uint32_t>(cap, static_cast<uint32_t>(len));
    }
  }
  return Type::string(cap);
}

void str_lower_into(Lowering &L, ast::Call &c, llvm::Value *dst) {
  Type pt = c.args[0]->type;
  if (pt.is(TypeKind::String)) {
    L.store_into(*c.args[0], dst);
    return;
  }
  llvm::Value *src = L.value(*c.args[0]);
  llvm::Value *size = L.const_i64(c.type.size);
  if (c.args.size() == 2) {
    // Variable length: clamp to [1, capacity] so the verifier sees a bound.
    auto &b = L.b();
    llvm::Value *n = L.value(*c.args[1]);
    llvm::Value *cap = L.const_i64(c.type.size);
    n = b.CreateSelect(b.CreateICmpUGT(n, cap), cap, n);
    n = b.CreateSelect(b.CreateICmpEQ(n, L.const_i64(0)), L.const_i64(1), n);
    size = n;
  }
  AddrSpace as = pt.is(TypeKind::Pointer) && pt.as != AddrSpace::None ? pt.as : L.default_space();
  L.read_str(dst, size, src, as, &c.loc);  // -kk reports a failed read at the str() call, as bpftrace
}

}  // namespace

std::vector<BuiltinFunc> string_funcs() {
  BuiltinFunc str{"str", "str(ptr[, length])", 1, 2, str_type};
  str.lower_into = str_lower_into;
  return {str};
}

}  // namespace probe
