// Per-CPU aggregations: count, sum, min, max, avg. Values live in per-CPU
// hash maps (no atomics on the hot path) and are combined in user space.
// Layouts: count/sum u64; min/max {i64 value; u64 set}; avg {i64 sum; u64 count}.
#include "builtins/registry.h"
#include "codegen/lowering.h"
#include "frontend/sema/sema.h"

namespace probe {

namespace {

Type int_arg_type(Sema &S, ast::Call &c) {
  Type t = S.check(*c.args[0]);
  if (t.kind == TypeKind::None) return t;
  if (!t.is_integral() || t.is_aggregate()) {
    S.diags().error(c.args[0]->loc, c.name + "() takes an integer, not " + t.to_string());
    return Type::none();
  }
  return Type::void_();
}

// Looks up the entry; runs `existing(ptr)` if present, else stores `init` (16 bytes max).
void upsert(Lowering &L, ast::Map &m, llvm::Value *key, const std::function<void(llvm::Value *)> &existing,
            const std::function<void(llvm::Value *)> &init) {
  llvm::Value *ptr = L.lookup(m.map_id, key);
  llvm::Value *found = L.b().CreateIsNotNull(ptr);
  L.if_then_else(
      found, [&] { existing(ptr); },
      [&] {
        uint32_t size = L.map_spec(m.map_id).value_size;
        llvm::Value *slot = L.temp(size, "init");
        init(slot);
        L.update(m.map_id, key, slot, BPF_ANY);
      });
}

void add_at(Lowering &L, llvm::Value *p, llvm::Value *delta) {
  auto &b = L.b();
  b.CreateStore(b.CreateAdd(b.CreateLoad(L.i64(), p), delta), p);
}

void count_lower(Lowering &L, ast::Call &, ast::Map &m, llvm::Value *key) {
  upsert(L, m, key, [&](llvm::Value *p) { add_at(L, p, L.const_i64(1)); },
         [&](llvm::Value *s) { L.b().CreateStore(L.const_i64(1), s); });
}

void sum_lower(Lowering &L, ast::Call &c, ast::Map &m, llvm::Value *key) {
  llvm::Value *v = L.value(*c.args[0]);
  upsert(L, m, key, [&](llvm::Value *p) { add_at(L, p, v); }, [&](llvm::Value *s) { L.b().CreateStore(v, s); });
}

void avg_lower(Lowering &L, ast::Call &c, ast::Map &m, llvm::Value *key) {
  llvm::Value *v = L.value(*c.args[0]);
  upsert(
      L, m, key,
      [&](llvm::Value *p) {
        add_at(L, p, v);
        add_at(L, L.gep(p, 8), L.const_i64(1));
      },
      [&](llvm::Value *s) {
        L.b().CreateStore(v, s);
        L.b().CreateStore(L.const_i64(1), L.gep(s, 8));
      });
}

// min/max: replace when unset or better; comparisons are signed like bpftrace.
void extreme_lower(Lowering &L, ast::Call &c, ast::Map &m, llvm::Value *key, bool is_min) {
  llvm::Value *v = L.value(*c.args[0]);
  auto &b = L.b();
  upsert(
      L, m, key,
      [&](llvm::Value *p) {
        llvm::Value *cur = b.CreateLoad(L.i64(), p);
        llvm::Value *set = b.CreateLoad(L.i64(), L.gep(p, 8));
        llvm::Value *better = is_min ? b.CreateICmpSLT(v, cur) : b.CreateICmpSGT(v, cur);
        llvm::Value *take = b.CreateOr(b.CreateICmpEQ(set, L.const_i64(0)), better);
        L.if_then(take, [&] {
          b.CreateStore(v, p);
          b.CreateStore(L.const_i64(1), L.gep(p, 8));
        });
      },
      [&](llvm::Value *s) {
        b.CreateStore(v, s);
        b.CreateStore(L.const_i64(1), L.gep(s, 8));
      });
}

}  // namespace

std::vector<BuiltinFunc> aggregation_funcs() {
  BuiltinFunc count{"count", "@m = count()", 0, 0, [](Sema &, ast::Call &) { return Type::void_(); }};
  count.lower_aggregate = count_lower;
  count.aggregate = TypeKind::Count;
  BuiltinFunc sum{"sum", "@m = sum(value)", 1, 1, int_arg_type};
  sum.lower_aggregate = sum_lower;
  sum.aggregate = TypeKind::Sum;
  BuiltinFunc min{"min", "@m = min(value)", 1, 1, int_arg_type};
  min.lower_aggregate = [](Lowering &L, ast::Call &c, ast::Map &m, llvm::Value *k) { extreme_lower(L, c, m, k, true); };
  min.aggregate = TypeKind::Min;
  BuiltinFunc max{"max", "@m = max(value)", 1, 1, int_arg_type};
  max.lower_aggregate = [](Lowering &L, ast::Call &c, ast::Map &m, llvm::Value *k) { extreme_lower(L, c, m, k, false); };
  max.aggregate = TypeKind::Max;
  BuiltinFunc avg{"avg", "@m = avg(value)", 1, 1, int_arg_type};
  avg.lower_aggregate = avg_lower;
  avg.aggregate = TypeKind::Avg;
  return {count, sum, min, max, avg};
}

}  // namespace probe
