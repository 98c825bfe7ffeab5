// min(v): the smallest value per key (signed, like bpftrace). Layout:
// {i64 value; u64 set} per CPU; user space takes the smallest of the set ones.
#include "builtins/agg/aggregation.h"
#include "codegen/lowering.h"

namespace probe {

namespace {

void lower(Lowering &L, ast::Call &c, ast::Map &m, llvm::Value *key) {
  llvm::Value *v = L.value(*c.args[0]);
  auto &b = L.b();
  agg_upsert(
      L, m, key,
      [&](llvm::Value *p) {
        llvm::Value *cur = b.CreateLoad(L.i64(), p);
        llvm::Value *set = b.CreateLoad(L.i64(), L.gep(p, 8));
        llvm::Value *take = b.CreateOr(b.CreateICmpEQ(set, L.const_i64(0)), b.CreateICmpSLT(v, cur));
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

const AggregationDef k{"min", nullptr, [](const std::vector<int64_t> &) { return 16u; }, lower};

}  // namespace

BuiltinFunc min_aggregation() { return aggregation_func(k, "@m = min(value)", 1, 1, agg_int_arg); }

}  // namespace probe
