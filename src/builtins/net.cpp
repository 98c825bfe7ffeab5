// Network addresses: ntop(addr) / ntop(af, addr) to an inet value (printed as
// "127.0.0.1" / "::1", usable as a map key), and pton("addr") to the address
// bytes at compile time (uint8[4] or uint8[16]).
#include <arpa/inet.h>
#include <sys/socket.h>

#include "builtins/registry.h"
#include "codegen/lowering.h"
#include "frontend/sema/sema.h"

namespace probe {

namespace {

// The address argument's byte count: 4 for an integer (IPv4 in network
// order) or uint8[4], 16 for uint8[16]; 0 when the type is not an address.
uint32_t addr_bytes(const Type &t) {
  if (t.is_int()) return 4;
  if (t.is(TypeKind::Array) && t.elem && t.elem->is_int() && t.elem->size == 1 && (t.count == 4 || t.count == 16))
    return t.count;
  return 0;
}

Type ntop_type(Sema &S, ast::Call &c) {
  Type addr = S.check(*c.args.back());
  if (addr.kind == TypeKind::None) return addr;
  if (c.args.size() == 2) {
    Type af = S.check(*c.args[0]);
    if (af.kind == TypeKind::None) return af;
    if (!af.is_int()) {
      S.diags().error(c.args[0]->loc, "ntop()'s address family must be an integer (AF_INET 2, AF_INET6 10)");
      return Type::none();
    }
  }
  if (!addr_bytes(addr)) {
    S.diags().error(c.args.back()->loc, "ntop() takes an IPv4 address as an integer or the bytes of an address "
                                        "(uint8[4] or uint8[16]), not " + addr.to_string());
    S.diags().hint("for a socket address field, cast it: ntop(((struct sockaddr_in *)p)->sin_addr.s_addr)");
    return Type::none();
  }
  return Type::inet();
}

void ntop_lower_into(Lowering &L, ast::Call &c, llvm::Value *dst) {
  auto &b = L.b();
  ast::Expr &addr = *c.args.back();
  uint32_t n = addr_bytes(addr.type);
  L.zero(dst, 24);
  llvm::Value *family = c.args.size() == 2 ? L.value(*c.args[0]) : L.const_i64(n == 16 ? AF_INET6 : AF_INET);
  b.CreateStore(family, dst);
  if (addr.type.is_int())
    b.CreateStore(b.CreateTrunc(L.value(addr), L.i32()), L.gep(dst, 8));
  else
    L.copy(L.gep(dst, 8), L.address(addr), n);
}

// pton's text, parsed: 4 or 16 bytes; empty when it is not an address.
std::vector<uint8_t> parse_addr(const std::string &text) {
  uint8_t buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) return {buf, buf + 4};
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1) return {buf, buf + 16};
  return {};
}

Type pton_type(Sema &S, ast::Call &c) {
  auto &arg = *c.args[0];
  if (arg.kind != ast::ExprKind::String) {
    S.diags().error(arg.loc, "pton() takes an address as a string literal");
    return Type::none();
  }
  auto bytes = parse_addr(ast::as<ast::String>(arg).value);
  if (bytes.empty()) {
    S.diags().error(arg.loc, "pton(): '" + ast::as<ast::String>(arg).value + "' is not an IPv4 or IPv6 address");
    return Type::none();
  }
  return Type::array(Type::integer(1, false), uint32_t(bytes.size()));
}

void pton_lower_into(Lowering &L, ast::Call &c, llvm::Value *dst) {
  auto bytes = parse_addr(ast::as<ast::String>(*c.args[0]).value);
  for (size_t i = 0; i < bytes.size(); i++)
    L.b().CreateStore(llvm::ConstantInt::get(L.i8(), bytes[i]), L.gep(dst, i));
}

}  // namespace

std::vector<BuiltinFunc> net_funcs() {
  BuiltinFunc ntop{"ntop", "ntop([af, ]addr)", 1, 2, ntop_type};
  ntop.lower_into = ntop_lower_into;
  BuiltinFunc pton{"pton", "pton(\"addr\")", 1, 1, pton_type};
  pton.lower_into = pton_lower_into;
  return {ntop, pton};
}

}  // namespace probe
