// hist(v[, k]): a power-of-two histogram; k (0..5) splits each power of two
// into 2^k buckets, as current bpftrace does (0.17 has k = 0 only).
// Layout: one u64 count per bucket per CPU (runtime/agg/hist.cpp names them):
// bucket 0 is v < 0; values below 2^(k+1) get a bucket each (1 + v); above,
// power p (2^p <= v < 2^(p+1)) has 2^k buckets of width 2^(p-k).
#include "builtins/agg/aggregation.h"
#include "codegen/lowering.h"
#include "frontend/sema/sema.h"

namespace probe {

namespace {

constexpr int64_t kMaxK = 5;

// Buckets for sub-bucket bits k: the last one holds values just below 2^63.
uint32_t buckets(int64_t k) { return uint32_t(1 + (2ull << k) + (62 - k) * (1ull << k)); }

uint32_t value_size(const std::vector<int64_t> &p) { return 8 * buckets(p.empty() ? 0 : p[0]); }

bool params(Sema &S, ast::Call &c, std::vector<int64_t> *out) {
  int64_t k = 0;
  if (c.args.size() > 1) {
    if (!agg_literal(S, c, 1, &k)) return false;
    if (k < 0 || k > kMaxK) {
      S.diags().error(c.args[1]->loc, "hist() k must be 0 to 5 (provided " + std::to_string(k) + ")");
      S.diags().hint("k splits each power of two into 2^k buckets");
      return false;
    }
  }
  out->push_back(k);
  return true;
}

// The bucket of v (i64) for sub-bucket bits k, computed branch-free.
llvm::Value *bucket_of(Lowering &L, llvm::Value *v, int64_t k) {
  auto &b = L.b();
  // floor(log2(v)) for v >= 1 by binary search: p = sum of the shifts taken.
  llvm::Value *x = v, *p = L.const_i64(0);
  for (int s : {32, 16, 8, 4, 2, 1}) {
    llvm::Value *big = b.CreateICmpUGE(x, L.const_i64(1ull << s));
    llvm::Value *sh = b.CreateSelect(big, L.const_i64(s), L.const_i64(0));
    x = b.CreateLShr(x, sh);
    p = b.CreateAdd(p, sh);
  }
  // v >= 2^(k+1): 1 + 2^(k+1) + (p - k - 1) * 2^k + ((v >> (p - k)) & (2^k - 1)).
  llvm::Value *pk = b.CreateSub(p, L.const_i64(k));
  llvm::Value *sub = b.CreateAnd(b.CreateLShr(v, pk), L.const_i64((1ull << k) - 1));
  llvm::Value *log_idx = b.CreateAdd(
      b.CreateAdd(L.const_i64(1 + (2ull << k)), b.CreateShl(b.CreateSub(pk, L.const_i64(1)), L.const_i64(k))), sub);
  llvm::Value *small = b.CreateICmpSLT(v, L.const_i64(2ll << k));
  llvm::Value *idx = b.CreateSelect(small, b.CreateAdd(v, L.const_i64(1)), log_idx);
  idx = b.CreateSelect(b.CreateICmpSLT(v, L.const_i64(0)), L.const_i64(0), idx);
  // A bound the verifier can see (the value is always in range).
  llvm::Value *last = L.const_i64(buckets(k) - 1);
  return b.CreateSelect(b.CreateICmpUGT(idx, last), last, idx);
}

void lower(Lowering &L, ast::Call &c, ast::Map &m, llvm::Value *key) {
  int64_t k = L.map_spec(m.map_id).agg.params.at(0);
  llvm::Value *idx = bucket_of(L, L.value(*c.args[0]), k);
  agg_with_entry(L, m, key, [&](llvm::Value *p) {
    auto &b = L.b();
    llvm::Value *slot = b.CreateGEP(L.i8(), p, b.CreateShl(idx, L.const_i64(3)));
    agg_add(L, slot, L.const_i64(1));
  });
}

const AggregationDef kHist{"hist", params, value_size, lower};

}  // namespace

BuiltinFunc hist_aggregation() { return aggregation_func(kHist, "@m = hist(value[, k])", 1, 2, agg_int_arg); }

}  // namespace probe
