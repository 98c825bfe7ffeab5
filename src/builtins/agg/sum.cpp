// sum(v): total per key. Layout: i64 sum per CPU, added in user space
// (wrapping like the kernel's adds); printed signed unless v is unsigned.
#include "builtins/agg/aggregation.h"
#include "codegen/lowering.h"

namespace probe {

namespace {

void lower(Lowering &L, ast::Call &c, ast::Map &m, llvm::Value *key) {
  agg_add_words(L, m, key, {L.value(*c.args[0])});
}

// One parameter: 1 when the summed values are unsigned (printed as u64, as bpftrace does).
bool params(Sema &, ast::Call &c, std::vector<int64_t> *out) {
  const Type &t = c.args[0]->type;
  out->push_back((t.is_int() && !t.is_signed) || t.is(TypeKind::Pointer) ? 1 : 0);
  return true;
}

const AggregationDef kSum{"sum", params, [](const std::vector<int64_t> &) { return 8u; }, lower, false};

}  // namespace

BuiltinFunc sum_aggregation() { return aggregation_func(kSum, "@m = sum(value)", 1, 1, agg_int_arg); }

}  // namespace probe
