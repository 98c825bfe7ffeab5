// Bytes and files: buf(p, n) (raw bytes, printed with \xNN escapes),
// join(argv[, sep]) (a NULL-terminated array of strings, printed joined),
// cat(fmt, ...) (a file's contents, read in user space), debugf(fmt, ...)
// (bpf_trace_printk to the kernel's trace pipe).
#include "builtins/registry.h"
#include "codegen/lowering.h"
#include "frontend/printf_format.h"
#include "frontend/sema/sema.h"

namespace probe {

namespace {

// Where a pointer-valued argument points (user memory in uprobes).
AddrSpace space_of(Lowering &L, const Type &t) {
  return t.is(TypeKind::Pointer) && t.as != AddrSpace::None ? t.as : L.default_space();
}

// buf(p, n): n bytes from address p (or from a string value); the
// capacity is n when constant (at most the string size, 64 by default,
// as bpftrace), else the string size, and the length min(n, capacity).
Type buf_type(Sema &S, ast::Call &c) {
  Type p = S.check(*c.args[0]);
  if (p.kind == TypeKind::None) return p;
  if (!p.is_int() && !p.is(TypeKind::Pointer) && !p.is(TypeKind::String)) {
    S.diags().error(c.args[0]->loc, "buf() reads from an address or a string, not from " + p.to_string());
    return Type::none();
  }
  if (c.args.size() < 2) {
    S.diags().error(c.loc, "buf() needs a length: buf(ptr, length)");
    return Type::none();
  }
  Type n = S.check(*c.args[1]);
  if (n.kind == TypeKind::None) return n;
  if (!n.is_int()) {
    S.diags().error(c.args[1]->loc, "buf()'s length must be an integer, not " + n.to_string());
    return Type::none();
  }
  uint32_t cap = S.config().str_size;
  int64_t len = 0;
  if (Sema::int_constant(*c.args[1], &len)) {
    if (len < 1) {
      S.diags().error(c.args[1]->loc, "buf()'s length must be at least 1");
      return Type::none();
    }
    if (uint64_t(len) > cap)
      S.diags().warning(c.loc, "buf() length is too long and will be shortened to " + std::to_string(cap) + " bytes");
    else
      cap = uint32_t(len);
  }
  return Type::buffer(cap);
}

void buf_lower_into(Lowering &L, ast::Call &c, llvm::Value *dst) {
  auto &b = L.b();
  uint32_t cap = c.type.size;
  llvm::Value *data = L.gep(dst, 8);
  llvm::Value *n = L.value(*c.args[1]);
  n = b.CreateSelect(b.CreateICmpUGT(n, L.const_i64(cap)), L.const_i64(cap), n);
  L.store_i64(n, dst);
  const Type &pt = c.args[0]->type;
  if (pt.is(TypeKind::String)) {
    // The string's bytes, zero-padded to the capacity.
    uint32_t size = std::max<uint32_t>(storage_size(pt), (cap + 7) & ~7u);
    llvm::Value *tmp = L.temp(size, "bufsrc");
    L.zero(tmp, size);
    L.store_into(*c.args[0], tmp);
    L.copy(data, tmp, cap);
    return;
  }
  L.zero(data, cap);  // a reused slot (a variable) keeps no bytes of a longer buffer
  AddrSpace as = space_of(L, pt);
  auto id = as == AddrSpace::User ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel;
  L.helper(id, L.i64(), {data, n, L.value(*c.args[0])});
}

// join(argv[, sep]): the separator must be a literal (it is printed in user space).
Type join_type(Sema &S, ast::Call &c) {
  Type p = S.check(*c.args[0]);
  if (p.kind == TypeKind::None) return p;
  if (!p.is_int() && !p.is(TypeKind::Pointer)) {
    S.diags().error(c.args[0]->loc, "join() reads an array of string pointers (char *argv[]), not " + p.to_string());
    return Type::none();
  }
  PrintfSpec spec;
  spec.format = " ";
  if (c.args.size() == 2) {
    if (c.args[1]->kind != ast::ExprKind::String) {
      S.diags().error(c.args[1]->loc, "join()'s separator must be a string literal");
      return Type::none();
    }
    spec.format = ast::as<ast::String>(*c.args[1]).value;
  }
  spec.slot_size = S.config().join_argsize;
  spec.payload_size = 8 + S.config().join_argnum * spec.slot_size;
  c.id = S.add_printf(std::move(spec));
  return Type::void_();
}

// Reads argv[i], argv[i+1]... into the payload's slots until a NULL pointer.
void join_read(Lowering &L, llvm::Value *payload, llvm::Value *argv, AddrSpace as, uint32_t i, uint32_t argnum,
               uint32_t slot) {
  llvm::Value *ptr_slot = L.temp(8, "argp");
  L.store_i64(L.const_i64(0), ptr_slot);
  L.read_mem(ptr_slot, 8, L.b().CreateAdd(argv, L.const_i64(8 * i)), as);
  llvm::Value *ptr = L.b().CreateLoad(L.i64(), ptr_slot);
  L.if_then(L.b().CreateICmpNE(ptr, L.const_i64(0)), [&] {
    L.read_str(L.gep(payload, 8 + uint64_t(i) * slot), L.const_i64(slot), ptr, as);
    L.store_i64(L.const_i64(i + 1), payload);
    if (i + 1 < argnum) join_read(L, payload, argv, as, i + 1, argnum, slot);
  });
}

llvm::Value *join_lower(Lowering &L, ast::Call &c) {
  const PrintfSpec &spec = L.printf_spec(c.id);
  uint32_t argnum = (spec.payload_size - 8) / spec.slot_size;
  llvm::Value *argv = L.value(*c.args[0]);
  AddrSpace as = space_of(L, c.args[0]->type);
  L.emit_event(EventKind::Join, c.id, spec.payload_size, [&](llvm::Value *payload) {
    L.store_i64(L.const_i64(0), payload);
    join_read(L, payload, argv, as, 0, argnum, spec.slot_size);
  });
  return nullptr;
}

// cat(fmt, ...): the file name is formatted like printf, in user space.
Type cat_type(Sema &S, ast::Call &c) {
  PrintfSpec spec;
  if (!check_format_call(S, c, &spec)) return Type::none();
  c.id = S.add_printf(std::move(spec));
  return Type::void_();
}

llvm::Value *cat_lower(Lowering &L, ast::Call &c) {
  const PrintfSpec &spec = L.printf_spec(c.id);
  L.emit_event(EventKind::Cat, c.id, spec.payload_size, [&](llvm::Value *payload) { store_format_args(L, c, spec, payload); });
  return nullptr;
}

// debugf(fmt, ...): bpf_trace_printk, which takes at most three arguments
// and knows %d %i %u %x %p %s (and l/ll); output goes to the trace pipe.
Type debugf_type(Sema &S, ast::Call &c) {
  PrintfSpec spec;
  if (!check_format_call(S, c, &spec)) return Type::none();
  if (c.args.size() > 4) {
    S.diags().error(c.loc, "debugf() takes at most 3 arguments after the format (bpf_trace_printk)");
    return Type::none();
  }
  auto specs = parse_printf_format(ast::as<ast::String>(*c.args[0]).value);
  for (size_t i = 0; specs && i < specs->size(); i++) {
    char conv = (*specs)[i].conv;
    if (std::string_view("diuxps").find(conv) == std::string_view::npos) {
      S.diags().error(c.args[i + 1]->loc, "debugf() does not take '" + (*specs)[i].spec + "'");
      S.diags().hint("bpf_trace_printk knows %d %i %u %x %p %s");
      return Type::none();
    }
  }
  S.diags().warning(c.loc, "the debugf() builtin is not recommended for production use; its output goes to "
                           "/sys/kernel/tracing/trace_pipe (see bpf_trace_printk in bpf-helpers(7))");
  return Type::void_();
}

llvm::Value *debugf_lower(Lowering &L, ast::Call &c) {
  const std::string &fmt = ast::as<ast::String>(*c.args[0]).value;
  uint32_t size = uint32_t(fmt.size()) + 1;
  llvm::Value *fmt_slot = L.temp((size + 7) & ~7u, "fmt");
  L.store_const_string(fmt, size, fmt_slot);
  std::vector<llvm::Value *> args{fmt_slot, L.const_i64(size)};
  for (size_t i = 1; i < c.args.size(); i++) {
    auto &a = *c.args[i];
    args.push_back(a.type.is_integral() ? L.value(a) : L.b().CreatePtrToInt(L.address(a), L.i64()));
  }
  L.helper(BPF_FUNC_trace_printk, L.i64(), args);
  return nullptr;
}

}  // namespace

std::vector<BuiltinFunc> io_funcs() {
  BuiltinFunc buf{"buf", "buf(ptr, length)", 1, 2, buf_type};
  buf.lower_into = buf_lower_into;
  return {
      buf,
      {"join", "join(argv[, sep])", 1, 2, join_type, join_lower},
      {"cat", "cat(fmt, ...)", 1, -1, cat_type, cat_lower},
      {"debugf", "debugf(fmt, ...)", 1, 4, debugf_type, debugf_lower},
  };
}

}  // namespace probe
