// avg(v): mean per key. Layout: {i64 sum; u64 count} per CPU, both summed in
// user space; prints sum / count (integer division, like bpftrace).
#include "builtins/agg/aggregation.h"
#include "codegen/lowering.h"

namespace probe {

namespace {

void lower(Lowering &L, ast::Call &c, ast::Map &m, llvm::Value *key) {
  agg_add_words(L, m, key, {L.value(*c.args[0]), L.const_i64(1)});  // {sum, count}
}

const AggregationDef kAvg{"avg", nullptr, [](const std::vector<int64_t> &) { return 16u; }, lower};

}  // namespace

BuiltinFunc avg_aggregation() { return aggregation_func(kAvg, "@m = avg(value)", 1, 1, agg_int_arg); }

}  // namespace probe
