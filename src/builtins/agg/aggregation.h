// The compile half of an aggregation (count, sum, hist...): its type rule,
// parameters, per-CPU value layout and lowering, one file per aggregation in
// this directory. The runtime half (reduce, sort, print) is runtime/agg/; the
// two share only AggregationRef (name + parameters) and MapSpec::value_size.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "builtins/registry.h"

namespace probe {

// What the compiler knows about one aggregation.
struct AggregationDef {
  const char *name;  // as called: "lhist"
  // Reads the call's constant parameters (lhist's min, max, step) into
  // params, reporting bad ones; nullptr when it has none.
  bool (*params)(Sema &, ast::Call &, std::vector<int64_t> *params) = nullptr;
  // Bytes of one CPU's value for these parameters (a multiple of 8).
  uint32_t (*value_size)(const std::vector<int64_t> &params);
  // Updates the per-CPU entry for key storage `key` with the call's value.
  void (*lower)(Lowering &, ast::Call &, ast::Map &, llvm::Value *key);
  // An all-zero value means "nothing recorded" (not sum: its total can be 0),
  // so a key-less map of it can be a one-entry per-CPU array.
  bool zero_is_empty = true;
};

// A BuiltinFunc for aggregation def: `@m[k] = NAME(args)` only.
BuiltinFunc aggregation_func(const AggregationDef &def, const char *signature, int min_args, int max_args,
                             Type (*type)(Sema &, ast::Call &));

// Type rule of aggregations whose first argument is an integer value.
Type agg_int_arg(Sema &S, ast::Call &c);

// Looks up the map entry; runs existing(ptr) on it if present, else fills a
// zeroed value_size slot with init(slot) and inserts it.
void agg_upsert(Lowering &L, ast::Map &m, llvm::Value *key, const std::function<void(llvm::Value *)> &existing,
                const std::function<void(llvm::Value *)> &init);

// Runs with(ptr) on m's entry for key, first inserting a zeroed value when
// absent (values too large for the stack: histograms); skips if none can be made.
void agg_with_entry(Lowering &L, ast::Map &m, llvm::Value *key, const std::function<void(llvm::Value *)> &with);

// Reads argument i of c as an integer literal into *v; reports otherwise.
bool agg_literal(Sema &S, ast::Call &c, size_t i, int64_t *v);

// Adds deltas[i] to the entry's i-th u64 word (count, sum, avg, stats): a new
// entry starts from zero, so it stores them.
void agg_add_words(Lowering &L, ast::Map &m, llvm::Value *key, const std::vector<llvm::Value *> &deltas);

// *p += delta (i64).
void agg_add(Lowering &L, llvm::Value *p, llvm::Value *delta);

// The per-aggregation definitions, one per file; registry.cpp lists them.
BuiltinFunc count_aggregation();
BuiltinFunc sum_aggregation();
BuiltinFunc min_aggregation();
BuiltinFunc max_aggregation();
BuiltinFunc avg_aggregation();
BuiltinFunc stats_aggregation();
BuiltinFunc hist_aggregation();
BuiltinFunc lhist_aggregation();

}  // namespace probe
