// Builtins are a registry: each variable (pid, comm, arg0...) and function
// (printf, count, str...) has its signature, its type rule and its lowering
// side by side in one entry, one file per family (identity.cpp, output.cpp,
// agg/*.cpp, strings.cpp, probe_args.cpp, time.cpp, io.cpp, unsafe.cpp).
// Sema and codegen dispatch through these tables; neither has a
// per-builtin if-chain.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "frontend/ast.h"
#include "frontend/types.h"
#include "codegen/artifact.h"

namespace llvm {
class Value;
}

namespace probe {

class Sema;      // frontend/sema/sema.h: type inference services
class Lowering;  // codegen/lowering.h: IR emission services
struct AggregationDef;  // builtins/agg/aggregation.h: an aggregation's compile half

// An identifier builtin such as pid or comm.
struct BuiltinVar {
  const char *name;  // "arg" matches arg0..argN
  const char *doc;
  // Type rule: returns the type, or reports misuse and returns Type::none().
  Type (*type)(Sema &, ast::Identifier &);
  // Lowering of integral builtins to an i64 value.
  llvm::Value *(*lower)(Lowering &, ast::Identifier &) = nullptr;
  // Lowering of non-integral builtins (strings) into storage at dst.
  void (*lower_into)(Lowering &, ast::Identifier &, llvm::Value *dst) = nullptr;
};

// A call builtin such as printf or count.
struct BuiltinFunc {
  const char *name;
  const char *signature;  // for messages: "str(ptr[, len])"
  int min_args;
  int max_args;  // -1: variadic
  // Type rule; arguments are not yet checked when it runs.
  Type (*type)(Sema &, ast::Call &);
  // Lowering to an i64 value, or nullptr for void calls (lowered for effect).
  llvm::Value *(*lower)(Lowering &, ast::Call &) = nullptr;
  // Lowering of non-integral results (strings) into storage at dst.
  void (*lower_into)(Lowering &, ast::Call &, llvm::Value *dst) = nullptr;
  // Aggregations (count, hist...) are valid only as `@m[k] = f(...)`; their
  // parameters, layout and lowering are here.
  const AggregationDef *aggregation = nullptr;
};

// Finds a variable builtin ("arg3" finds "arg"); nullptr when unknown.
const BuiltinVar *find_builtin_var(std::string_view name);
// Finds a function builtin; nullptr when unknown.
const BuiltinFunc *find_builtin_func(std::string_view name);
// Every builtin name, for "did you mean" hints.
std::vector<std::string> builtin_var_names();
std::vector<std::string> builtin_func_names();

// Checks a printf-style call (printf, system, cat: a literal format, then
// its arguments) and fills *spec with the argument layout; false on errors.
bool check_format_call(Sema &S, ast::Call &c, PrintfSpec *spec);
// Stores a printf-style call's arguments into an event payload at spec's offsets.
void store_format_args(Lowering &L, ast::Call &c, const PrintfSpec &spec, llvm::Value *payload);

// The families' tables, concatenated by registry.cpp.
std::vector<BuiltinVar> identity_vars();
std::vector<BuiltinVar> probe_arg_vars();
std::vector<BuiltinVar> stack_vars();
std::vector<BuiltinFunc> output_funcs();
std::vector<BuiltinFunc> string_funcs();
std::vector<BuiltinFunc> map_funcs();
std::vector<BuiltinFunc> net_funcs();
// print(@map[, top[, div]]) and print(@agg[key]): the map half of print(), in maps.cpp.
bool is_aggregation_entry(Sema &S, ast::Map &m);
Type print_map_type(Sema &S, ast::Call &c);
llvm::Value *print_map_lower(Lowering &L, ast::Call &c);
std::vector<BuiltinFunc> probe_arg_funcs();
std::vector<BuiltinVar> time_vars();    // time.cpp: elapsed
std::vector<BuiltinFunc> time_funcs();  // time.cpp: time, strftime
std::vector<BuiltinFunc> io_funcs();    // io.cpp: buf, join, cat, debugf
std::vector<BuiltinFunc> unsafe_funcs();
std::vector<BuiltinFunc> value_funcs();   // values.cpp: bswap, kptr, uptr, strerror, macaddr
std::vector<BuiltinVar> cgroup_vars();    // cgroup.cpp: cgroup
std::vector<BuiltinFunc> cgroup_funcs();  // cgroup.cpp: cgroupid, cgroup_path  // unsafe.cpp: system, signal, override (--unsafe)

}  // namespace probe
