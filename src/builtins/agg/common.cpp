// Services shared by the aggregations' lowerings.
#include "builtins/agg/aggregation.h"
#include "codegen/lowering.h"
#include "frontend/sema/sema.h"

namespace probe {

BuiltinFunc aggregation_func(const AggregationDef &def, const char *signature, int min_args, int max_args,
                             Type (*type)(Sema &, ast::Call &)) {
  BuiltinFunc f{def.name, signature, min_args, max_args, type};
  f.aggregation = &def;
  return f;
}

Type agg_int_arg(Sema &S, ast::Call &c) {
  Type t = S.check(*c.args[0]);
  if (t.kind == TypeKind::None) return t;
  if (!t.is_integral()) {
    S.diags().error(c.args[0]->loc, c.name + "() takes an integer, not " + t.to_string());
    return Type::none();
  }
  return Type::void_();
}

void agg_upsert(Lowering &L, ast::Map &m, llvm::Value *key, const std::function<void(llvm::Value *)> &existing,
                const std::function<void(llvm::Value *)> &init) {
  llvm::Value *ptr = L.lookup(m.map_id, key);
  L.check_lookup(ptr);  // -kk: a new key, as bpftrace reports it
  llvm::Value *found = L.b().CreateIsNotNull(ptr);
  L.if_then_else(
      found, [&] { existing(ptr); },
      [&] {
        uint32_t size = L.map_spec(m.map_id).value_size;
        llvm::Value *slot = L.temp(size, "init");
        L.zero(slot, size);
        init(slot);
        L.update(m.map_id, key, slot, BPF_ANY);
      });
}

void agg_with_entry(Lowering &L, ast::Map &m, llvm::Value *key, const std::function<void(llvm::Value *)> &with) {
  auto &b = L.b();
  llvm::Value *slot = L.temp(8, "entry");
  llvm::Value *p = L.lookup(m.map_id, key);
  L.check_lookup(p);  // -kk: a new key, as bpftrace reports it
  b.CreateStore(p, slot);
  L.if_then(b.CreateIsNull(p), [&] {
    llvm::Value *z = L.zeros();
    L.if_then(b.CreateIsNotNull(z), [&] {
      L.update(m.map_id, key, z, BPF_NOEXIST);
      b.CreateStore(L.lookup(m.map_id, key), slot);
    });
  });
  llvm::Value *q = b.CreateLoad(L.ptr(), slot);
  L.if_then(b.CreateIsNotNull(q), [&] { with(q); });
}

bool agg_literal(Sema &S, ast::Call &c, size_t i, int64_t *v) {
  if (Sema::int_constant(*c.args[i], v)) return true;
  S.diags().error(c.args[i]->loc, c.name + "() expects an integer literal here");
  S.diags().hint(std::string("usage: ") + c.func->signature);
  return false;
}

void agg_add_words(Lowering &L, ast::Map &m, llvm::Value *key, const std::vector<llvm::Value *> &deltas) {
  agg_upsert(
      L, m, key,
      [&](llvm::Value *p) {
        for (size_t i = 0; i < deltas.size(); i++) agg_add(L, L.gep(p, 8 * i), deltas[i]);
      },
      [&](llvm::Value *s) {
        for (size_t i = 0; i < deltas.size(); i++) L.b().CreateStore(deltas[i], L.gep(s, 8 * i));
      });
}

void agg_add(Lowering &L, llvm::Value *p, llvm::Value *delta) {
  auto &b = L.b();
  b.CreateStore(b.CreateAdd(b.CreateLoad(L.i64(), p), delta), p);
}

}  // namespace probe
