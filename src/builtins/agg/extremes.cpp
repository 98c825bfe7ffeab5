// min(v) and max(v), mirror images: the smallest (largest) value per key,
// signed like bpftrace. Layout: {i64 value; u64 set} per CPU; user space takes
// the smallest (largest) of the set ones (runtime/agg/extremes.cpp).
#include "builtins/agg/aggregation.h"
#include "codegen/lowering.h"

namespace probe {

namespace {

// Replaces the entry's value when it is unset or v beats it.
template <bool IsMin>
void lower(Lowering &L, ast::Call &c, ast::Map &m, llvm::Value *key) {
  llvm::Value *v = L.value(*c.args[0]);
  auto &b = L.b();
  agg_upsert(
      L, m, key,
      [&](llvm::Value *p) {
        llvm::Value *cur = b.CreateLoad(L.i64(), p);
        llvm::Value *set = b.CreateLoad(L.i64(), L.gep(p, 8));
        llvm::Value *better = IsMin ? b.CreateICmpSLT(v, cur) : b.CreateICmpSGT(v, cur);
        L.if_then(b.CreateOr(b.CreateICmpEQ(set, L.const_i64(0)), better), [&] {
          b.CreateStore(v, p);
          b.CreateStore(L.const_i64(1), L.gep(p, 8));
        });
      },
      [&](llvm::Value *s) {
        b.CreateStore(v, s);
        b.CreateStore(L.const_i64(1), L.gep(s, 8));
      });
}

uint32_t value_size(const std::vector<int64_t> &) { return 16; }

const AggregationDef kMin{"min", nullptr, value_size, lower<true>};
const AggregationDef kMax{"max", nullptr, value_size, lower<false>};

}  // namespace

BuiltinFunc min_aggregation() { return aggregation_func(kMin, "@m = min(value)", 1, 1, agg_int_arg); }
BuiltinFunc max_aggregation() { return aggregation_func(kMax, "@m = max(value)", 1, 1, agg_int_arg); }

}  // namespace probe
