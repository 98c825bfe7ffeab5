// Strings: str(ptr[, len]) reads a NUL-terminated string from memory;
// strncmp(a, b, n) and strcontains(haystack, needle) compare strings;
// path(p) is a struct path's full name (bpf_d_path).
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

// Both arguments of strncmp/strcontains must be strings.
bool string_args(Sema &S, ast::Call &c) {
  for (size_t i = 0; i < 2; i++) {
    Type t = S.check(*c.args[i]);
    if (t.kind == TypeKind::None) return false;
    if (!t.is(TypeKind::String)) {
      S.diags().error(c.args[i]->loc, c.name + "() compares strings, not " + t.to_string());
      S.diags().hint("read a string from an address with str(), e.g. str(arg0)");
      return false;
    }
  }
  return true;
}

// strncmp(a, b, n): 0 when the first n characters are equal (a string's end
// counts as a character), else 1, as bpftrace. n is a literal, as in bpftrace.
Type strncmp_type(Sema &S, ast::Call &c) {
  if (!string_args(S, c)) return Type::none();
  int64_t n = 0;
  if (!Sema::int_constant(*c.args[2], &n) || n < 0) {
    S.diags().error(c.args[2]->loc, "strncmp()'s length must be a non-negative integer literal");
    return Type::none();
  }
  S.check(*c.args[2]);
  return Type::u64();
}

// The bytes of a string argument: a literal's text (no load) or a pointer to a copy.
struct StrArg {
  bool literal = false;
  std::string text;           // the literal, without its NUL
  llvm::Value *ptr = nullptr;  // otherwise
  uint32_t size = 0;           // capacity (the literal's length + 1)
  llvm::Value *at(Lowering &L, uint32_t i) const {
    if (literal) return llvm::ConstantInt::get(L.i8(), i < text.size() ? static_cast<unsigned char>(text[i]) : 0);
    return L.b().CreateLoad(L.i8(), L.gep(ptr, i));
  }
};

StrArg str_arg(Lowering &L, ast::Expr &e) {
  StrArg a;
  a.size = e.type.size;
  if (e.kind == ast::ExprKind::String) {
    a.literal = true;
    a.text = ast::as<ast::String>(e).value;
    a.size = static_cast<uint32_t>(a.text.size()) + 1;
  } else {
    a.ptr = L.address(e);
  }
  return a;
}

// Stores v into slot and branches to done.
void finish(Lowering &L, llvm::Value *slot, uint64_t v, llvm::BasicBlock *done) {
  L.store_i64(L.const_i64(v), slot);
  L.b().CreateBr(done);
}

llvm::Value *strncmp_lower(Lowering &L, ast::Call &c) {
  auto &b = L.b();
  int64_t want = 0;
  Sema::int_constant(*c.args[2], &want);
  StrArg x = str_arg(L, *c.args[0]), y = str_arg(L, *c.args[1]);
  uint32_t n = static_cast<uint32_t>(std::min<int64_t>(want, std::min(x.size, y.size)));
  llvm::Value *result = L.temp(8, "strncmp");
  auto *fn = b.GetInsertBlock()->getParent();
  auto *done = llvm::BasicBlock::Create(L.llctx(), "strncmp.done", fn);
  for (uint32_t i = 0; i < n; i++) {
    llvm::Value *ca = x.at(L, i), *cb = y.at(L, i);
    auto *differ = llvm::BasicBlock::Create(L.llctx(), "strncmp.differ", fn);
    auto *same = llvm::BasicBlock::Create(L.llctx(), "strncmp.same", fn);
    b.CreateCondBr(b.CreateICmpNE(ca, cb), differ, same);
    b.SetInsertPoint(differ);
    finish(L, result, 1, done);
    b.SetInsertPoint(same);
    auto *ended = llvm::BasicBlock::Create(L.llctx(), "strncmp.end", fn);
    auto *next = llvm::BasicBlock::Create(L.llctx(), "strncmp.next", fn);
    b.CreateCondBr(b.CreateICmpEQ(ca, llvm::ConstantInt::get(L.i8(), 0)), ended, next);
    b.SetInsertPoint(ended);
    finish(L, result, 0, done);
    b.SetInsertPoint(next);
  }
  // n characters equal: equal, unless a capacity ended the comparison
  // early and the two capacities differ (one string goes on).
  bool equal = static_cast<int64_t>(n) == want || x.size == y.size;
  finish(L, result, equal ? 0 : 1, done);
  b.SetInsertPoint(done);
  return b.CreateLoad(L.i64(), result);
}

// strcontains is unrolled (one compare per haystack position and needle
// character): bound that work so that large strings cannot blow up the program.
constexpr uint64_t kMaxStrcontainsWork = 16384;

Type strcontains_type(Sema &S, ast::Call &c) {
  if (!string_args(S, c)) return Type::none();
  uint64_t hay = c.args[0]->type.size;
  uint64_t needle = c.args[1]->kind == ast::ExprKind::String ? ast::as<ast::String>(*c.args[1]).value.size()
                                                              : c.args[1]->type.size;
  if (hay * needle > kMaxStrcontainsWork) {
    S.diags().error(c.loc, "strcontains() of a " + std::to_string(hay) + "-byte string and a " +
                               std::to_string(needle) + "-byte needle is too costly for a BPF program");
    S.diags().hint("read shorter strings, e.g. str(ptr, 64), or search for a literal");
    return Type::none();
  }
  return Type::u64();
}

// strcontains(h, n): 1 when n occurs in h. Unrolled with constant offsets
// (the verifier checks no variable stack offsets): for each start i, the
// needle's characters until its NUL; a mismatch goes on at i + 1.
llvm::Value *strcontains_lower(Lowering &L, ast::Call &c) {
  auto &b = L.b();
  StrArg h = str_arg(L, *c.args[0]), n = str_arg(L, *c.args[1]);
  uint32_t needle_len = n.literal ? static_cast<uint32_t>(n.text.size()) : n.size;
  llvm::Value *result = L.temp(8, "strcontains");
  auto *fn = b.GetInsertBlock()->getParent();
  auto *done = llvm::BasicBlock::Create(L.llctx(), "strcontains.done", fn);
  auto *zero = llvm::ConstantInt::get(L.i8(), 0);
  if (n.literal && needle_len == 0) {
    finish(L, result, 1, done);
    b.SetInsertPoint(done);
    return b.CreateLoad(L.i64(), result);
  }
  for (uint32_t i = 0; i < h.size; i++) {
    auto *next_start = llvm::BasicBlock::Create(L.llctx(), "strcontains.next", fn);
    for (uint32_t j = 0; j < needle_len; j++) {
      llvm::Value *cn = n.at(L, j);
      if (!n.literal) {  // the needle ends here: found
        auto *found = llvm::BasicBlock::Create(L.llctx(), "strcontains.found", fn);
        auto *more = llvm::BasicBlock::Create(L.llctx(), "strcontains.more", fn);
        b.CreateCondBr(b.CreateICmpEQ(cn, zero), found, more);
        b.SetInsertPoint(found);
        finish(L, result, 1, done);
        b.SetInsertPoint(more);
      }
      if (i + j >= h.size) {  // past the haystack's capacity
        b.CreateBr(next_start);
        break;
      }
      llvm::Value *ch = h.at(L, i + j);
      auto *match = llvm::BasicBlock::Create(L.llctx(), "strcontains.match", fn);
      // A NUL in the haystack never equals a needle character (those are not NUL here).
      b.CreateCondBr(b.CreateICmpNE(ch, cn), next_start, match);
      b.SetInsertPoint(match);
      if (j + 1 == needle_len) finish(L, result, 1, done);  // all of it matched
    }
    b.SetInsertPoint(next_start);
  }
  finish(L, result, 0, done);
  b.SetInsertPoint(done);
  return b.CreateLoad(L.i64(), result);
}

// path(p[, size]): bpf_d_path, which the kernel allows only in tracing
// programs (fentry/fexit, on its allowlist of functions) and iterators.
Type path_type(Sema &S, ast::Call &c) {
  for (const auto *e : S.expansions()) {
    auto kind = e->provider->name();
    if (kind != "fentry" && kind != "fexit" && kind != "iter") {
      S.diags().error(c.loc, "the path function can only be used with fentry, fexit and iter probes, not " +
                                 std::string(kind) + " probes");
      S.diags().hint("bpf_d_path needs a BTF-typed struct path *, e.g. fentry:security_inode_getattr { path(args->path) }");
      return Type::none();
    }
  }
  Type p = S.check(*c.args[0]);
  if (p.kind == TypeKind::None) return p;
  if (!p.is(TypeKind::Pointer) && !p.is_int()) {
    S.diags().error(c.args[0]->loc, "path() takes a struct path *, not " + p.to_string());
    return Type::none();
  }
  uint32_t cap = S.config().str_size;
  if (c.args.size() == 2) {
    int64_t n = 0;
    if (!Sema::int_constant(*c.args[1], &n) || n < 1) {
      S.diags().error(c.args[1]->loc, "path()'s size must be a positive integer literal");
      return Type::none();
    }
    S.check(*c.args[1]);
    cap = static_cast<uint32_t>(std::min<int64_t>(n, kMaxStringLiteral + 1));
  }
  return Type::string(cap);
}

void path_lower_into(Lowering &L, ast::Call &c, llvm::Value *dst) {
  L.zero(dst, c.type.size);
  llvm::Value *p = L.b().CreateIntToPtr(L.value(*c.args[0]), L.ptr());
  llvm::Value *ret = L.helper(BPF_FUNC_d_path, L.i64(), {p, dst, L.b().getInt32(c.type.size)});
  L.check_helper(ret, BPF_FUNC_d_path, &c.loc);
  // A path longer than the buffer fails (-ENAMETOOLONG) leaving its tail
  // in the buffer: print nothing rather than a piece of a name.
  L.if_then(L.b().CreateICmpSLT(ret, L.const_i64(0)), [&] { L.zero(dst, c.type.size); });
}

}  // namespace

std::vector<BuiltinFunc> string_funcs() {
  BuiltinFunc str{"str", "str(ptr[, length])", 1, 2, str_type};
  str.lower_into = str_lower_into;
  BuiltinFunc path{"path", "path(struct path *[, size])", 1, 2, path_type};
  path.lower_into = path_lower_into;
  return {str, path, {"strncmp", "strncmp(a, b, n)", 3, 3, strncmp_type, strncmp_lower},
          {"strcontains", "strcontains(haystack, needle)", 2, 2, strcontains_type, strcontains_lower}};
}

}  // namespace probe
