// stats(v): count, average and total per key. Layout: {u64 count; i64 total}
// per CPU, both summed in user space.
#include "builtins/agg/aggregation.h"
#include "codegen/lowering.h"

namespace probe {

namespace {

void lower(Lowering &L, ast::Call &c, ast::Map &m, llvm::Value *key) {
  agg_add_words(L, m, key, {L.const_i64(1), L.value(*c.args[0])});  // {count, total}
}

const AggregationDef kStats{"stats", nullptr, [](const std::vector<int64_t> &) { return 16u; }, lower};

}  // namespace

BuiltinFunc stats_aggregation() { return aggregation_func(kStats, "@m = stats(value)", 1, 1, agg_int_arg); }

}  // namespace probe
