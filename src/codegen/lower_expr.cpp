// Expressions: integral values as i64, everything else written into storage.
#include <cstdlib>

#include <llvm/IR/Constants.h>

#include "builtins/registry.h"
#include "codegen/lowering.h"
#include "frontend/sema/sema.h"
#include "util/result.h"

namespace probe {

llvm::Value *Lowering::normalize(llvm::Value *v, const Type &t) {
  if (!t.is_int() || t.size >= 8) return v;
  auto *narrow = llvm::IntegerType::get(llctx(), t.size * 8);
  llvm::Value *x = b_->CreateTrunc(v, narrow);
  return t.is_signed ? b_->CreateSExt(x, i64()) : b_->CreateZExt(x, i64());
}

llvm::Value *Lowering::value(ast::Expr &e) {
  switch (e.kind) {
    case ast::ExprKind::Integer: return const_i64(ast::as<ast::Integer>(e).value);
    case ast::ExprKind::Identifier: {
      auto &id = ast::as<ast::Identifier>(e);
      if (id.is_constant) return const_i64(static_cast<uint64_t>(id.constant));
      PROBE_ASSERT(id.builtin && id.builtin->lower);
      return id.builtin->lower(*this, id);
    }
    case ast::ExprKind::TypeQuery: return const_i64(ast::as<ast::TypeQuery>(e).value);
    case ast::ExprKind::Variable: return b_->CreateLoad(i64(), var_slot(ast::as<ast::Variable>(e).name));
    case ast::ExprKind::Positional: return lower_positional(ast::as<ast::Positional>(e));
    case ast::ExprKind::Map: return lower_map_read(ast::as<ast::Map>(e));
    case ast::ExprKind::Call: {
      auto &c = ast::as<ast::Call>(e);
      PROBE_ASSERT(c.func && c.func->lower);
      llvm::Value *v = c.func->lower(*this, c);
      return v ? v : const_i64(0);
    }
    case ast::ExprKind::Binop: return lower_binop(ast::as<ast::Binop>(e));
    case ast::ExprKind::Unop: return lower_unop(ast::as<ast::Unop>(e));
    case ast::ExprKind::Ternary: return lower_ternary(ast::as<ast::Ternary>(e));
    case ast::ExprKind::Field: return lower_field(ast::as<ast::FieldAccess>(e));
    case ast::ExprKind::Index: {
      auto &ix = ast::as<ast::Index>(e);
      const Type &bt = ix.base->type;
      uint32_t esize = bt.elem->size;
      if (bt.is(TypeKind::Array)) return lower_array_index(ix);
      llvm::Value *addr = b_->CreateAdd(value(*ix.base), b_->CreateMul(value(*ix.index), const_i64(esize)));
      llvm::Value *slot = temp(8, "elem");
      store_i64(const_i64(0), slot);
      read_mem(slot, esize, addr, bt.as != AddrSpace::None ? bt.as : default_space());
      return normalize(b_->CreateLoad(i64(), slot), e.type);
    }
    case ast::ExprKind::Cast: {
      auto &c = ast::as<ast::Cast>(e);
      return normalize(value(*c.expr), e.type);
    }
    case ast::ExprKind::String:
    case ast::ExprKind::Tuple:
      break;
  }
  PROBE_ASSERT(false && "value() of a non-integral expression");
  return nullptr;
}

void Lowering::store_into(ast::Expr &e, llvm::Value *dst, const Type *dst_type) {
  const Type &t = e.type;
  if (t.is_integral()) {
    store_i64(value(e), dst);
    return;
  }
  switch (e.kind) {
    case ast::ExprKind::String:
      store_const_string(ast::as<ast::String>(e).value, t.size, dst);
      return;
    case ast::ExprKind::Identifier: {
      auto &id = ast::as<ast::Identifier>(e);
      PROBE_ASSERT(id.builtin && id.builtin->lower_into);
      id.builtin->lower_into(*this, id, dst);
      return;
    }
    case ast::ExprKind::Call: {
      auto &c = ast::as<ast::Call>(e);
      PROBE_ASSERT(c.func && c.func->lower_into);
      c.func->lower_into(*this, c, dst);
      return;
    }
    case ast::ExprKind::Variable:
      copy(dst, var_slot(ast::as<ast::Variable>(e).name), storage_size(t));
      return;
    case ast::ExprKind::Positional: {
      auto &p = ast::as<ast::Positional>(e);
      const auto &params = config().params;  // str($N) of a missing $N is ""
      store_const_string(static_cast<size_t>(p.index) <= params.size() ? params[p.index - 1] : "", t.size, dst);
      return;
    }
    case ast::ExprKind::Map: {
      auto &m = ast::as<ast::Map>(e);
      llvm::Value *key = build_key(m);
      llvm::Value *p = lookup(m.map_id, key);
      check_lookup(p, &m.loc);
      uint32_t size = storage_size(t);
      if_then_else(b_->CreateIsNotNull(p), [&] { copy(dst, p, size); }, [&] { zero(dst, size); });
      return;
    }
    case ast::ExprKind::Ternary: {
      auto &te = ast::as<ast::Ternary>(e);
      if_then_else(truthy(value(*te.cond)), [&] { store_into(*te.then, dst, dst_type); },
                   [&] { store_into(*te.otherwise, dst, dst_type); });
      return;
    }
    case ast::ExprKind::Field:
      store_field_into(ast::as<ast::FieldAccess>(e), dst);
      return;
    case ast::ExprKind::Unop:
    case ast::ExprKind::Index: {  // *p and a[i] of structs and arrays: read where they live
      if (e.kind == ast::ExprKind::Index && !addressable(e)) {
        // An element of an array in the context or a variable: copy the array, then the element.
        auto &ix = ast::as<ast::Index>(e);
        int64_t k = 0;
        Sema::int_constant(*ix.index, &k);
        copy(dst, gep(address(*ix.base), static_cast<uint64_t>(k) * ix.base->type.elem->size), t.size);
        return;
      }
      AddrSpace as = AddrSpace::Kernel;
      llvm::Value *src = record_address(e, &as);
      read_mem(dst, t.size, src, as);
      return;
    }
    case ast::ExprKind::Tuple: {
      auto &tu = ast::as<ast::Tuple>(e);
      const Type &layout = dst_type && dst_type->is(TypeKind::Tuple) ? *dst_type : t;
      for (size_t i = 0; i < tu.elems.size(); i++)
        store_into(*tu.elems[i], gep(dst, tuple_offset(layout, i)), &layout.fields[i]);
      return;
    }
    default:
      break;
  }
  PROBE_ASSERT(false && "store_into() of an unsupported expression");
}

llvm::Value *Lowering::address(ast::Expr &e) {
  if (e.kind == ast::ExprKind::Variable && !e.type.is_integral()) return var_slot(ast::as<ast::Variable>(e).name);
  uint32_t size = std::max<uint32_t>(8, storage_size(e.type));
  llvm::Value *slot = temp(size, "tmp");
  if (!e.type.is_integral()) zero(slot, size);
  store_into(e, slot);
  return slot;
}

llvm::Value *Lowering::element_address(ast::Index &ix, AddrSpace *as) {
  const Type &bt = ix.base->type;
  llvm::Value *base = nullptr;
  uint64_t esize = 0;
  if (bt.is(TypeKind::Pointer)) {  // p[i]
    base = value(*ix.base);
    *as = bt.as != AddrSpace::None ? bt.as : default_space();
    esize = pointee_size(bt);
  } else {  // an array in memory: its elements are elem->size apart
    base = record_address(*ix.base, as);
    esize = bt.elem->size;
  }
  int64_t k = 0;
  if (Sema::int_constant(*ix.index, &k)) return b_->CreateAdd(base, const_i64(static_cast<uint64_t>(k) * esize));
  return b_->CreateAdd(base, b_->CreateMul(value(*ix.index), const_i64(esize)));
}

llvm::Value *Lowering::lower_array_index(ast::Index &ix) {
  const Type &bt = ix.base->type;
  uint32_t esize = bt.elem->size;
  int64_t k = 0;
  if (!Sema::int_constant(*ix.index, &k) || addressable(*ix.base)) {
    // Sema allows a variable index only for arrays in memory.
    AddrSpace as = AddrSpace::Kernel;
    llvm::Value *addr = element_address(ix, &as);  // sets as: not in the same call as its use
    return read_int(addr, *bt.elem, as, nullptr);
  }
  // In the context (args.NAME) or a variable: copy it, load one element.
  llvm::Value *p = address(*ix.base);
  auto *ty = llvm::IntegerType::get(llctx(), esize * 8);
  llvm::Value *v = b_->CreateLoad(ty, gep(p, static_cast<uint64_t>(k) * esize));
  if (esize < 8) v = bt.elem->is_signed ? b_->CreateSExt(v, i64()) : b_->CreateZExt(v, i64());
  return v;
}

llvm::Value *Lowering::lower_positional(ast::Positional &p) {
  const auto &params = config().params;
  if (p.is_count) return const_i64(params.size());
  if (static_cast<size_t>(p.index) > params.size()) return const_i64(0);
  uint64_t v = 0;
  (void)parse_param(params[p.index - 1], &v);  // sema accepted it as an Integer
  return const_i64(v);
}

llvm::Value *Lowering::lower_map_read(ast::Map &m) {
  llvm::Value *key = build_key(m);
  llvm::Value *p = lookup(m.map_id, key);
  check_lookup(p, &m.loc);
  llvm::Value *slot = temp(8, "mapval");
  if_then_else(b_->CreateIsNotNull(p), [&] { store_i64(b_->CreateLoad(i64(), p), slot); },
               [&] { store_i64(const_i64(0), slot); });
  return b_->CreateLoad(i64(), slot);
}

llvm::Value *Lowering::string_equal(ast::Expr &a, ast::Expr &b) {
  // A literal on either side compares against constants, not loads.
  ast::Expr *lit = b.kind == ast::ExprKind::String ? &b : a.kind == ast::ExprKind::String ? &a : nullptr;
  ast::Expr *other = lit == &b ? &a : &b;
  llvm::Value *pa = address(*other);
  llvm::Value *pb = lit ? nullptr : address(lit == &a ? b : a);
  std::string s = lit ? ast::as<ast::String>(*lit).value : "";
  uint32_t na = other->type.size, nb = lit ? static_cast<uint32_t>(s.size()) + 1 : (lit == &a ? b : a).type.size;
  uint32_t n = std::min(na, nb);
  llvm::Value *result = temp(8, "streq");
  store_i64(const_i64(0), result);
  auto *done = llvm::BasicBlock::Create(llctx(), "streq.done", fn_);
  for (uint32_t i = 0; i < n; i++) {
    llvm::Value *ca = b_->CreateLoad(i8(), gep(pa, i));
    llvm::Value *cb = lit ? static_cast<llvm::Value *>(llvm::ConstantInt::get(i8(), static_cast<unsigned char>(s[i])))
                          : b_->CreateLoad(i8(), gep(pb, i));
    auto *next = llvm::BasicBlock::Create(llctx(), "streq.next", fn_);
    b_->CreateCondBr(b_->CreateICmpNE(ca, cb), done, next);
    b_->SetInsertPoint(next);
    if (lit) {
      if (s[i] == '\0') {  // matched through the literal's terminator
        store_i64(const_i64(1), result);
        b_->CreateBr(done);
        b_->SetInsertPoint(done);
        return b_->CreateLoad(i64(), result);
      }
      continue;
    }
    auto *more = llvm::BasicBlock::Create(llctx(), "streq.more", fn_);
    auto *eq = llvm::BasicBlock::Create(llctx(), "streq.eq", fn_);
    b_->CreateCondBr(b_->CreateICmpEQ(ca, llvm::ConstantInt::get(i8(), 0)), eq, more);
    b_->SetInsertPoint(eq);
    store_i64(const_i64(1), result);
    b_->CreateBr(done);
    b_->SetInsertPoint(more);
  }
  // Equal for n bytes with no NUL: equal iff both end here.
  store_i64(const_i64(na == nb ? 1 : 0), result);
  b_->CreateBr(done);
  b_->SetInsertPoint(done);
  return b_->CreateLoad(i64(), result);
}

llvm::Value *Lowering::lower_binop(ast::Binop &e) {
  using ast::BinOp;
  if ((e.op == BinOp::Eq || e.op == BinOp::Ne) && e.lhs->type.is(TypeKind::String)) {
    llvm::Value *eq = string_equal(*e.lhs, *e.rhs);
    return e.op == BinOp::Eq ? eq : b_->CreateXor(eq, const_i64(1));
  }
  if ((e.op == BinOp::Eq || e.op == BinOp::Ne) && e.lhs->type.is(TypeKind::Array)) {
    // Both arrays copied, then compared a word at a time, leaving at the first difference.
    uint32_t n = e.lhs->type.size;
    llvm::Value *pa = address(*e.lhs), *pb = address(*e.rhs);
    llvm::Value *result = temp(8, "arreq");
    store_i64(const_i64(0), result);
    auto *done = llvm::BasicBlock::Create(llctx(), "arreq.done", fn_);
    for (uint32_t i = 0; i < n;) {
      uint32_t w = n - i >= 8 ? 8 : n - i >= 4 ? 4 : n - i >= 2 ? 2 : 1;
      auto *ty = llvm::IntegerType::get(llctx(), w * 8);
      auto *next = llvm::BasicBlock::Create(llctx(), "arreq.next", fn_);
      b_->CreateCondBr(b_->CreateICmpNE(b_->CreateLoad(ty, gep(pa, i)), b_->CreateLoad(ty, gep(pb, i))), done, next);
      b_->SetInsertPoint(next);
      i += w;
    }
    store_i64(const_i64(1), result);
    b_->CreateBr(done);
    b_->SetInsertPoint(done);
    llvm::Value *eq = b_->CreateLoad(i64(), result);
    return e.op == BinOp::Eq ? eq : b_->CreateXor(eq, const_i64(1));
  }
  if (e.op == BinOp::Elvis) {  // the right side runs only when the left is zero
    llvm::Value *slot = temp(8, "elvis");
    llvm::Value *l = value(*e.lhs);
    store_i64(l, slot);
    if_then(b_->CreateNot(truthy(l)), [&] { store_i64(value(*e.rhs), slot); });
    return b_->CreateLoad(i64(), slot);
  }
  if (e.op == BinOp::LAnd || e.op == BinOp::LOr) {
    llvm::Value *slot = temp(8, "logic");
    llvm::Value *l = truthy(value(*e.lhs));
    bool is_and = e.op == BinOp::LAnd;
    store_i64(b_->CreateZExt(l, i64()), slot);
    if_then(is_and ? l : b_->CreateNot(l), [&] { store_i64(b_->CreateZExt(truthy(value(*e.rhs)), i64()), slot); });
    return b_->CreateLoad(i64(), slot);
  }
  llvm::Value *l = value(*e.lhs), *r = value(*e.rhs);
  if (e.type.is(TypeKind::Pointer)) {  // p + n, n + p, p - n: n elements of the pointee
    llvm::Value *bytes = const_i64(pointee_size(e.type));
    if (e.lhs->type.is(TypeKind::Pointer))
      r = b_->CreateMul(r, bytes);
    else
      l = b_->CreateMul(l, bytes);
    return e.op == BinOp::Sub ? b_->CreateSub(l, r) : b_->CreateAdd(l, r);
  }
  bool sign = e.lhs->type.is_int() && e.rhs->type.is_int() && e.lhs->type.is_signed && e.rhs->type.is_signed;
  auto cmp = [&](llvm::CmpInst::Predicate s, llvm::CmpInst::Predicate u) {
    return b_->CreateZExt(b_->CreateICmp(sign ? s : u, l, r), i64());
  };
  switch (e.op) {
    case BinOp::Add: return b_->CreateAdd(l, r);
    case BinOp::Sub: return b_->CreateSub(l, r);
    case BinOp::Mul: return b_->CreateMul(l, r);
    case BinOp::Div:
    case BinOp::Mod: {
      bool rem = e.op == BinOp::Mod;
      int64_t k = 0;
      if (!Sema::int_constant(*e.rhs, &k)) check_divisor(r, e.loc);  // a constant 0 is a compile error
      return divide(*b_, l, r, sign, rem);
    }
    case BinOp::Shl: return shift(*b_, true, false, l, r);
    case BinOp::Shr: return shift(*b_, false, e.lhs->type.is_signed, l, r);
    case BinOp::BitAnd: return b_->CreateAnd(l, r);
    case BinOp::BitOr: return b_->CreateOr(l, r);
    case BinOp::BitXor: return b_->CreateXor(l, r);
    case BinOp::Eq: return b_->CreateZExt(b_->CreateICmpEQ(l, r), i64());
    case BinOp::Ne: return b_->CreateZExt(b_->CreateICmpNE(l, r), i64());
    case BinOp::Lt: return cmp(llvm::CmpInst::ICMP_SLT, llvm::CmpInst::ICMP_ULT);
    case BinOp::Le: return cmp(llvm::CmpInst::ICMP_SLE, llvm::CmpInst::ICMP_ULE);
    case BinOp::Gt: return cmp(llvm::CmpInst::ICMP_SGT, llvm::CmpInst::ICMP_UGT);
    case BinOp::Ge: return cmp(llvm::CmpInst::ICMP_SGE, llvm::CmpInst::ICMP_UGE);
    case BinOp::LAnd:
    case BinOp::LOr:
    case BinOp::Elvis: break;  // lowered above
  }
  PROBE_ASSERT(false && "unhandled binary operator");
  return nullptr;
}

llvm::Value *Lowering::shift(llvm::IRBuilder<> &b, bool left, bool arith, llvm::Value *l, llvm::Value *r) {
  auto *c63 = llvm::ConstantInt::get(l->getType(), 63);
  llvm::Value *big = b.CreateICmpUGT(r, c63);
  if (arith) return b.CreateAShr(l, b.CreateSelect(big, c63, r));  // all sign bits
  llvm::Value *v = left ? b.CreateShl(l, b.CreateAnd(r, c63)) : b.CreateLShr(l, b.CreateAnd(r, c63));
  return b.CreateSelect(big, llvm::ConstantInt::get(l->getType(), 0), v);
}

llvm::Value *Lowering::lower_incdec(ast::Unop &e) {
  using ast::UnOp;
  bool inc = e.op == UnOp::PreInc || e.op == UnOp::PostInc;
  bool post = e.op == UnOp::PostInc || e.op == UnOp::PostDec;
  llvm::Value *delta = const_i64(inc ? 1 : static_cast<uint64_t>(-1));
  if (e.operand->kind == ast::ExprKind::Variable) {
    auto &v = ast::as<ast::Variable>(*e.operand);
    llvm::Value *slot = var_slot(v.name);
    const Type &vt = var_types_.at(v.name);
    if (vt.is(TypeKind::Pointer)) delta = b_->CreateMul(delta, const_i64(pointee_size(vt)));  // $p++: one element
    llvm::Value *old = b_->CreateLoad(i64(), slot);
    llvm::Value *nv = normalize(b_->CreateAdd(old, delta), vt);
    store_i64(nv, slot);
    return post ? old : nv;
  }
  auto &m = ast::as<ast::Map>(*e.operand);
  llvm::Value *key = build_key(m);
  llvm::Value *p = lookup(m.map_id, key);
  helper_loc_ = e.loc;  // bpftrace reports @m++ at the whole expression
  check_lookup(p);
  llvm::Value *result = temp(8, "incdec");
  if_then_else(
      b_->CreateIsNotNull(p),
      [&] {
        llvm::Value *old = b_->CreateLoad(i64(), p);
        llvm::Value *nv = b_->CreateAdd(old, delta);
        b_->CreateStore(nv, p);
        store_i64(post ? old : nv, result);
      },
      [&] {
        llvm::Value *slot = temp(8, "val");
        store_i64(delta, slot);
        update(m.map_id, key, slot, BPF_ANY);
        store_i64(post ? const_i64(0) : delta, result);
      });
  return b_->CreateLoad(i64(), result);
}

llvm::Value *Lowering::lower_unop(ast::Unop &e) {
  using ast::UnOp;
  switch (e.op) {
    case UnOp::Neg: return b_->CreateNeg(value(*e.operand));
    case UnOp::LNot: return b_->CreateZExt(b_->CreateICmpEQ(value(*e.operand), const_i64(0)), i64());
    case UnOp::BitNot: return normalize(b_->CreateNot(value(*e.operand)), e.type);
    case UnOp::Deref: {
      const Type &pt = e.operand->type;
      uint32_t size = pt.is(TypeKind::Pointer) && pt.elem ? pt.elem->size : 8;
      llvm::Value *slot = temp(8, "deref");
      store_i64(const_i64(0), slot);
      AddrSpace as = pt.is(TypeKind::Pointer) && pt.as != AddrSpace::None ? pt.as : default_space();
      read_mem(slot, size, value(*e.operand), as);
      return normalize(b_->CreateLoad(i64(), slot), e.type);
    }
    case UnOp::PreInc:
    case UnOp::PreDec:
    case UnOp::PostInc:
    case UnOp::PostDec:
      return lower_incdec(e);
    case UnOp::AddrOf: break;
  }
  PROBE_ASSERT(false && "unhandled unary operator");
  return nullptr;
}

llvm::Value *Lowering::lower_ternary(ast::Ternary &e) {
  llvm::Value *slot = temp(8, "ternary");
  if_then_else(truthy(value(*e.cond)), [&] { store_i64(value(*e.then), slot); },
               [&] { store_i64(value(*e.otherwise), slot); });
  return b_->CreateLoad(i64(), slot);
}

// The field of this expansion's `args` record (offsets differ per tracepoint).
static const Field &args_field(const ExpandedProbe &p, const std::string &name) {
  PROBE_ASSERT(p.args);
  const Field *f = p.args->find(name);
  PROBE_ASSERT(f);
  return *f;
}

static bool is_args(const ast::Expr &e) {
  return e.kind == ast::ExprKind::Identifier && ast::as<ast::Identifier>(e).name == "args";
}

// The record layout a field access reads from (resolved by sema).
static const Field &field_of(const ast::FieldAccess &e) {
  const Type &b = e.base->type;
  const Type &rt = b.is(TypeKind::Pointer) ? *b.elem : b;
  PROBE_ASSERT(rt.record || !rt.name.empty());
  const Record *rec = rt.record.get();
  PROBE_ASSERT(rec && "record layout resolved during sema");
  const Field *f = rec->find(e.field);
  PROBE_ASSERT(f);
  return *f;
}

llvm::Value *Lowering::field_address(ast::FieldAccess &e, AddrSpace *as) {
  const Type &b = e.base->type;
  llvm::Value *base = nullptr;
  if (b.is(TypeKind::Pointer)) {
    base = value(*e.base);
    *as = b.as != AddrSpace::None ? b.as : default_space();
  } else {
    base = record_address(*e.base, as);
  }
  return b_->CreateAdd(base, const_i64(field_of(e).offset));
}

llvm::Value *Lowering::record_address(ast::Expr &e, AddrSpace *as) {
  if (e.kind == ast::ExprKind::Field) return field_address(ast::as<ast::FieldAccess>(e), as);
  if (e.kind == ast::ExprKind::Unop && ast::as<ast::Unop>(e).op == ast::UnOp::Deref) {
    ast::Expr &ptr = *ast::as<ast::Unop>(e).operand;
    *as = ptr.type.as != AddrSpace::None ? ptr.type.as : default_space();
    return value(ptr);
  }
  if (e.kind == ast::ExprKind::Index) return element_address(ast::as<ast::Index>(e), as);
  PROBE_ASSERT(false && "record expression without an address");
  return nullptr;
}

// Reads an integer of t's size at addr and widens it; bitfields are
// extracted from the bytes that hold them.
llvm::Value *Lowering::read_int(llvm::Value *addr, const Type &t, AddrSpace as, const Field *f) {
  llvm::Value *slot = temp(8, "field");
  store_i64(const_i64(0), slot);
  if (f && f->bitfield_bits) {
    uint32_t bytes = std::min<uint32_t>(8, (f->bitfield_shift + f->bitfield_bits + 7) / 8);
    read_mem(slot, bytes, addr, as);
    llvm::Value *v = b_->CreateLShr(b_->CreateLoad(i64(), slot), f->bitfield_shift);
    if (f->bitfield_bits >= 64) return v;
    if (t.is_int() && t.is_signed) {  // sign-extend from the field's width
      uint32_t up = 64 - f->bitfield_bits;
      return b_->CreateAShr(b_->CreateShl(v, up), up);
    }
    return b_->CreateAnd(v, const_i64((1ull << f->bitfield_bits) - 1));
  }
  uint32_t size = t.is_int() ? t.size : 8;
  read_mem(slot, size, addr, as);
  return normalize(b_->CreateLoad(i64(), slot), t);
}

// Where member e.field ($t.N) of the tuple e.base sits: the tuple's storage plus N's offset.
llvm::Value *Lowering::tuple_member_address(ast::FieldAccess &e) {
  size_t i = std::strtoul(e.field.c_str(), nullptr, 10);  // sema checked the index
  return gep(address(*e.base), tuple_offset(layout_of(*e.base), i));
}

const Type &Lowering::layout_of(const ast::Expr &e) const {
  // A variable's slot has its final type: later assignments may widen its
  // strings after this use was typed.
  if (e.kind == ast::ExprKind::Variable) return var_types_.at(ast::as<ast::Variable>(e).name);
  return e.type;
}

llvm::Value *Lowering::stored_field_address(ast::FieldAccess &e) {
  if (e.base->type.is(TypeKind::Tuple)) return tuple_member_address(e);
  ast::Expr &base = *e.base;
  llvm::Value *p = base.kind == ast::ExprKind::Field ? stored_field_address(ast::as<ast::FieldAccess>(base))
                                                     : address(base);
  return gep(p, field_of(e).offset);
}

// A field of a struct held as a value (@p.x): loaded from its storage.
static bool is_stored_struct_field(const ast::FieldAccess &e) {
  return e.base->type.is(TypeKind::Record) && !addressable(*e.base) && stored_value(*e.base);
}

llvm::Value *Lowering::lower_field(ast::FieldAccess &e) {
  if (e.base->type.is(TypeKind::Tuple)) return b_->CreateLoad(i64(), tuple_member_address(e));
  if (is_stored_struct_field(e)) {
    const Field &f = field_of(e);
    llvm::Value *p = stored_field_address(e);
    if (f.bitfield_bits) {
      uint32_t bytes = std::min<uint32_t>(8, (f.bitfield_shift + f.bitfield_bits + 7) / 8);
      llvm::Value *slot = temp(8, "bits");
      store_i64(const_i64(0), slot);
      copy(slot, p, bytes);
      llvm::Value *v = b_->CreateLShr(b_->CreateLoad(i64(), slot), f.bitfield_shift);
      if (f.bitfield_bits >= 64) return v;
      if (e.type.is_int() && e.type.is_signed) {
        uint32_t up = 64 - f.bitfield_bits;
        return b_->CreateAShr(b_->CreateShl(v, up), up);
      }
      return b_->CreateAnd(v, const_i64((1ull << f.bitfield_bits) - 1));
    }
    uint32_t size = e.type.is_int() ? e.type.size : 8;
    llvm::Value *v = b_->CreateLoad(llvm::IntegerType::get(llctx(), size * 8), p);
    if (size < 8) v = e.type.is_signed ? b_->CreateSExt(v, i64()) : b_->CreateZExt(v, i64());
    return v;
  }
  if (is_args(*e.base) && !e.base->type.is(TypeKind::Pointer)) {
    const Field &f = args_field(probe_, e.field);
    if (probe_.u64_slots) return normalize(b_->CreateLoad(i64(), gep(ctx_, f.offset)), *f.type);
    uint32_t size = f.type->is_int() ? f.type->size : 8;
    auto *ty = llvm::IntegerType::get(llctx(), size * 8);
    llvm::Value *v = b_->CreateLoad(ty, gep(ctx_, f.offset));
    if (size < 8) v = f.type->is_signed ? b_->CreateSExt(v, i64()) : b_->CreateZExt(v, i64());
    return v;
  }
  AddrSpace as = AddrSpace::Kernel;
  llvm::Value *addr = field_address(e, &as);
  return read_int(addr, e.type, as, &field_of(e));
}

void Lowering::store_field_into(ast::FieldAccess &e, llvm::Value *dst) {
  if (e.base->type.is(TypeKind::Tuple)) {
    copy(dst, tuple_member_address(e), storage_size(e.type));
    return;
  }
  if (is_stored_struct_field(e)) {
    copy(dst, stored_field_address(e), e.type.size);
    return;
  }
  if (is_args(*e.base) && !e.base->type.is(TypeKind::Pointer)) {
    const Field &f = args_field(probe_, e.field);
    // Tracepoint context is readable directly; copy in aligned pieces.
    copy(dst, gep(ctx_, f.offset), f.type->size);
    return;
  }
  AddrSpace as = AddrSpace::Kernel;
  llvm::Value *addr = field_address(e, &as);
  read_mem(dst, e.type.size, addr, as);
}

}  // namespace probe
