// Functions on values: bswap(x), kptr(p)/uptr(p) (address-space
// annotations), strerror(errno) and macaddr(p) (printed as text made in
// user space: see Type::formatted and runtime/value_format.cpp).
#include <llvm/IR/Intrinsics.h>

#include "builtins/registry.h"
#include "codegen/lowering.h"
#include "frontend/sema/sema.h"

namespace probe {

namespace {

// The argument's type if it is an integer; reports and returns none otherwise.
Type int_arg(Sema &S, ast::Call &c, size_t i, const char *what) {
  Type t = S.check(*c.args[i]);
  if (t.kind == TypeKind::None) return t;
  if (!t.is_int()) {
    S.diags().error(c.args[i]->loc, c.name + "() takes " + what + ", not " + t.to_string());
    return Type::none();
  }
  return t;
}

// bswap(x): x's bytes reversed at x's own width, as an unsigned integer of
// that width (bpftrace: bswap((uint16)0x1234) is 0x3412, bswap((int8)-2) 254).
Type bswap_type(Sema &S, ast::Call &c) {
  Type t = int_arg(S, c, 0, "an integer");
  if (t.kind == TypeKind::None) return t;
  return Type::integer(t.size, false);
}

llvm::Value *bswap_lower(Lowering &L, ast::Call &c) {
  auto &b = L.b();
  uint32_t size = c.type.size;
  llvm::Value *v = L.value(*c.args[0]);
  if (size == 1) return b.CreateAnd(v, L.const_i64(0xff));
  auto *ty = llvm::IntegerType::get(L.llctx(), size * 8);
  llvm::Value *x = size < 8 ? b.CreateTrunc(v, ty) : v;
  x = b.CreateUnaryIntrinsic(llvm::Intrinsic::bswap, x);
  return size < 8 ? b.CreateZExt(x, L.i64()) : x;
}

// kptr(p) / uptr(p): p, read from kernel / user memory when dereferenced.
// An integer stays an integer (bpftrace prints kptr(1) as 1).
template <AddrSpace AS>
Type space_type(Sema &S, ast::Call &c) {
  Type t = S.check(*c.args[0]);
  if (t.kind == TypeKind::None) return t;
  if (t.is(TypeKind::Pointer)) {
    t.as = AS;
    return t;
  }
  if (t.is_int()) return t;
  S.diags().error(c.args[0]->loc, c.name + "() takes a pointer or an address, not " + t.to_string());
  return Type::none();
}

llvm::Value *pass_through(Lowering &L, ast::Call &c) { return L.value(*c.args[0]); }

// strerror(e): the errno's text ("No such file or directory"), made in user space.
Type strerror_type(Sema &S, ast::Call &c) {
  if (int_arg(S, c, 0, "an error number").kind == TypeKind::None) return Type::none();
  return Type::formatted("strerror");
}

void store_value(Lowering &L, ast::Call &c, llvm::Value *dst) { L.store_i64(L.value(*c.args[0]), dst); }

// macaddr(p): 6 bytes printed "AA:BB:CC:DD:EE:FF". p is a 6-byte array
// (uint8[6], e.g. a struct field), a pointer to one, or an address to read 6 bytes at.
Type macaddr_type(Sema &S, ast::Call &c) {
  Type t = S.check(*c.args[0]);
  if (t.kind == TypeKind::None) return t;
  bool six = (t.is(TypeKind::Array) && t.elem && t.elem->size * t.count == 6) ||
             (t.is(TypeKind::Pointer) && t.elem && t.elem->is(TypeKind::Array) && t.elem->size == 6) ||
             (t.is(TypeKind::Pointer) && t.elem && t.elem->is_int()) || t.is_int();
  if (!six) {
    S.diags().error(c.args[0]->loc, "macaddr() argument must be 6 bytes in size (uint8[6], or a pointer to "
                                    "them), not " + t.to_string());
    return Type::none();
  }
  return Type::formatted("macaddr");
}

void macaddr_lower_into(Lowering &L, ast::Call &c, llvm::Value *dst) {
  ast::Expr &a = *c.args[0];
  L.store_i64(L.const_i64(0), dst);
  if (a.type.is(TypeKind::Array)) {
    L.copy(dst, L.address(a), 6);
    return;
  }
  AddrSpace as = a.type.is(TypeKind::Pointer) && a.type.as != AddrSpace::None ? a.type.as : L.default_space();
  L.read_mem(dst, 6, L.value(a), as);
}

}  // namespace

std::vector<BuiltinFunc> value_funcs() {
  BuiltinFunc strerror_f{"strerror", "strerror(errno)", 1, 1, strerror_type};
  strerror_f.lower_into = store_value;
  BuiltinFunc macaddr_f{"macaddr", "macaddr(addr)", 1, 1, macaddr_type};
  macaddr_f.lower_into = macaddr_lower_into;
  return {
      {"bswap", "bswap(integer)", 1, 1, bswap_type, bswap_lower},
      {"kptr", "kptr(pointer)", 1, 1, space_type<AddrSpace::Kernel>, pass_through},
      {"uptr", "uptr(pointer)", 1, 1, space_type<AddrSpace::User>, pass_through},
      strerror_f,
      macaddr_f,
  };
}

}  // namespace probe
