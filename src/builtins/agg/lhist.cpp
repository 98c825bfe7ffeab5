// lhist(v, min, max, step): a linear histogram. Layout: one u64 count per
// bucket per CPU: bucket 0 is v < min, 1..N are [min + (i-1)*step, min +
// i*step) (the last one ends at max), N+1 is v >= max. N is ceil((max -
// min) / step): bpftrace 0.17 rounds down and counts v in [min + N*step,
// max) as ">= max", a wrong bucket; here it gets its own, cut at max.
#include "builtins/agg/aggregation.h"
#include "codegen/lowering.h"
#include "frontend/sema/sema.h"

namespace probe {

namespace {

constexpr int64_t kMaxBuckets = 1000;  // bpftrace's limit

int64_t inner_buckets(int64_t min, int64_t max, int64_t step) { return (max - min + step - 1) / step; }

uint32_t value_size(const std::vector<int64_t> &p) { return uint32_t(8 * (inner_buckets(p[0], p[1], p[2]) + 2)); }

bool params(Sema &S, ast::Call &c, std::vector<int64_t> *out) {
  int64_t min, max, step;
  if (!agg_literal(S, c, 1, &min) || !agg_literal(S, c, 2, &max) || !agg_literal(S, c, 3, &step)) return false;
  auto bad = [&](const std::string &msg) {
    S.diags().error(c.loc, "lhist() " + msg);
    S.diags().hint("usage: lhist(value, min, max, step): buckets of `step` from min up to max");
    return false;
  };
  if (min < 0) return bad("min must be non-negative (provided min " + std::to_string(min) + ")");
  if (min >= max)
    return bad("min must be less than max (provided min " + std::to_string(min) + " and max " +
               std::to_string(max) + ")");
  if (step < 1) return bad("step must be >= 1 (" + std::to_string(step) + " provided)");
  int64_t n = inner_buckets(min, max, step);
  if (n > kMaxBuckets)
    return bad("too many buckets, must be <= " + std::to_string(kMaxBuckets) + " (would need " +
               std::to_string(n) + ")");
  *out = {min, max, step};
  return true;
}

void lower(Lowering &L, ast::Call &c, ast::Map &m, llvm::Value *key) {
  const auto &p = L.map_spec(m.map_id).agg.params;
  int64_t min = p[0], max = p[1], step = p[2], n = inner_buckets(min, max, step);
  auto &b = L.b();
  llvm::Value *v = L.value(*c.args[0]);
  // (v - min) / step on unsigned values (v >= min here), as BPF has no sdiv.
  llvm::Value *inner = b.CreateAdd(b.CreateUDiv(b.CreateSub(v, L.const_i64(min)), L.const_i64(step)), L.const_i64(1));
  llvm::Value *idx = b.CreateSelect(b.CreateICmpSGE(v, L.const_i64(max)), L.const_i64(n + 1), inner);
  idx = b.CreateSelect(b.CreateICmpSLT(v, L.const_i64(min)), L.const_i64(0), idx);
  idx = b.CreateSelect(b.CreateICmpUGT(idx, L.const_i64(n + 1)), L.const_i64(n + 1), idx);  // for the verifier
  agg_with_entry(L, m, key, [&](llvm::Value *e) {
    agg_add(L, b.CreateGEP(L.i8(), e, b.CreateShl(idx, L.const_i64(3))), L.const_i64(1));
  });
}

const AggregationDef kLhist{"lhist", params, value_size, lower};

}  // namespace

BuiltinFunc lhist_aggregation() {
  return aggregation_func(kLhist, "@m = lhist(value, min, max, step)", 4, 4, agg_int_arg);
}

}  // namespace probe
