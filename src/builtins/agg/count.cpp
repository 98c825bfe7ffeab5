// count(): events per key. Layout: u64 count per CPU, summed in user space.
#include "builtins/agg/aggregation.h"
#include "codegen/lowering.h"

namespace probe {

namespace {

void lower(Lowering &L, ast::Call &, ast::Map &m, llvm::Value *key) {
  agg_add_words(L, m, key, {L.const_i64(1)});
}

const AggregationDef kCount{"count", nullptr, [](const std::vector<int64_t> &) { return 8u; }, lower};

}  // namespace

BuiltinFunc count_aggregation() {
  return aggregation_func(kCount, "@m = count()", 0, 0, [](Sema &, ast::Call &) { return Type::void_(); });
}

}  // namespace probe
