// Type inference and checking over the AST. Builtins' type rules call back
// into Sema to check their arguments and to register printf/print sites.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pipeline/pass.h"
#include "frontend/sema/btf_types.h"
#include "frontend/sema/type_env.h"

namespace probe {

struct AggregationDef;  // builtins/agg/aggregation.h: an aggregation's compile half

// Per-map facts gathered across all probes before MapSpecs are built.
struct MapInfo {
  std::string name;
  Type key;               // None until first use with keys; Tuple for multi-key
  bool scalar = true;     // used without keys
  bool keyed = false;     // used with keys
  Type value;             // None until assigned
  const AggregationDef *agg = nullptr;  // the aggregation it holds, if any (params in value.agg)
  Loc first_assign;
  bool assigned = false;
  int id = -1;
};

class Sema {
 public:
  explicit Sema(PassContext &ctx) : ctx_(ctx) {}

  // Runs inference twice (so maps used before their assignment are typed),
  // reporting errors only on the final run, then fills ctx.maps.
  bool run();

  // --- services for builtins' type rules ---
  Diagnostics &diags() { return final_ ? ctx_.diags : scratch_; }
  const Config &config() const { return ctx_.config; }
  // The concrete programs the current probe body is compiled for.
  const std::vector<const ExpandedProbe *> &expansions() const { return expansions_; }
  // Infers and records e's type.
  Type check(ast::Expr &e);
  // Registers a printf/print call site; returns its id (stable on the final run).
  int add_printf(PrintfSpec spec);
  int add_print(PrintSpec spec);
  // Checks m's keys against the map's key type (delete(@m[k]), has_key).
  void check_keys(ast::Map &m);
  // The map an expression names (for print(@m), clear(@m)); null if not a map.
  MapInfo *map_info(ast::Map &m);
  // Records that map m holds aggregation def with params (from `@m = lhist(...)`);
  // one map keeps one aggregation and one set of parameters.
  void set_aggregation(ast::Map &m, const AggregationDef &def, std::vector<int64_t> params, const Loc &loc);
  // Kernel BTF types (loaded on first use).
  BtfTypes &btf() { return ctx_.btf(); }
  // The name environment: script types, headers, BTF, constants.
  TypeEnv &env() { return ctx_.env(); }
  // The type a TypeSpec names, stars applied (pointers in address space as);
  // None after reporting an unknown name at spec.loc.
  Type resolve_type_spec(const ast::TypeSpec &spec, AddrSpace as);
  // Bytes a value of type t occupies, as C's sizeof says; 0 if unknown (reported at loc).
  uint64_t size_of(const Type &t, const Loc &loc);
  // The layout of a Record type, resolving lazy BTF records; reports errors at loc.
  std::shared_ptr<const Record> resolve_record(const Type &t, const Loc &loc);
  // True when s reads as an integer constant; sets *v.
  static bool int_constant(const ast::Expr &e, int64_t *v);
  // int_constant of a binary operator on two constants (2 * 1e3, 1 << 10).
  static bool fold_binop(const ast::Binop &b, int64_t *v);
  // Adds the hint for a struct used where a value is copied.
  void struct_value_hint();
  // The type of e's value where it is copied (variables, maps, tuples,
  // print): structs inside it laid out completely, down to nested structs,
  // so that codegen copies and the runtime prints every field. Sets e.type.
  Type value_type(ast::Expr &e, const Type &t);
  // Reports `what` (of type t, at loc) if it is larger than kMaxStackValue.
  bool check_value_size(const Type &t, const Loc &loc, const std::string &what);

 private:
  void analyse_program();
  void check_block(ast::Block &b, int loop_depth);
  void check_stmt(ast::Stmt &s, int loop_depth);
  void check_assign_map(ast::AssignMap &a);
  void check_assign_var(ast::AssignVar &a);
  Type check_binop(ast::Binop &b);
  Type check_pointer_binop(ast::Binop &b, const Type &l, const Type &r);
  // p with its pointee's size known (a struct named in a tracepoint format is resolved).
  Type sized_pointer(const Type &p, const Loc &loc);
  Type check_unop(ast::Unop &u);
  Type check_ternary(ast::Ternary &t);
  Type check_field(ast::FieldAccess &f);
  Type check_cast(ast::Cast &c);
  // check()'s dispatch, and the cases with locals of their own (see check()).
  Type check_kind(ast::Expr &e);
  Type check_string(ast::String &s);
  Type check_variable(ast::Variable &v);
  Type check_tuple(ast::Tuple &t);
  Type check_type_query(ast::TypeQuery &q);
  Type check_identifier(ast::Identifier &id);
  Type check_call(ast::Call &c);
  Type check_map_read(ast::Map &m);
  Type check_positional(ast::Positional &p);
  Type check_index(ast::Index &ix);
  // sema_scopes.cpp: `let` scopes, for loops and the slots variables live in.
  void check_for(ast::For &f, int loop_depth);
  void check_let(ast::AssignVar &a);
  // The slot a variable named `source` resolves to here ("" if none is visible).
  std::string resolve_var(const std::string &source) const;
  // Points v at its slot; false (reported) when no variable of that name is visible.
  bool bind_var(ast::Variable &v, bool report);
  // A fresh slot for a variable named `source` (its own name when still free).
  std::string new_slot(const std::string &source);
  void push_scope() { scopes_.emplace_back(); }
  void pop_scope() { scopes_.pop_back(); }
  MapInfo &info_for(ast::Map &m);
  void assign_map_value(ast::Map &m, const Type &t, const Loc &loc);
  void build_map_specs();
  Type resolve_layout(const Type &t, const Loc &loc, int depth);

  PassContext &ctx_;
  Diagnostics scratch_;  // errors from the first, non-final run are dropped
  bool final_ = false;
  std::map<std::string, MapInfo> maps_;
  std::map<std::string, Type> *vars_ = nullptr;
  // One map per open block: `let` names declared there -> their slots.
  std::vector<std::map<std::string, std::string>> scopes_;
  // Variables first assigned without `let` (probe-wide, as in bpftrace 0.17) -> their slots.
  std::map<std::string, std::string> plain_;
  // Every slot handed out in this probe, and where its `let` declared it.
  std::map<std::string, Loc> slots_;
  std::vector<const ExpandedProbe *> expansions_;
  std::vector<ast::Map *> map_nodes_;  // every map node of the final run
  std::map<const Record *, std::shared_ptr<const Record>> layouts_;  // record -> completely laid out copy
};

// Longest string literal or string parameter: LLVM's optimiser is
// quadratic in their size (a 1 MB literal ran for minutes).
constexpr size_t kMaxStringLiteral = 1024;
// Largest map key, map value, variable or tuple (bytes): each is built in
// a slot of the 512-byte BPF stack; larger ones only end in LLVM errors.
constexpr uint32_t kMaxStackValue = 512;
// True for struct values (and arrays or tuples holding them): codegen
// reads them only through their fields.
bool contains_record(const Type &t);
// True when values of type t can be copied into a map, variable, tuple or
// event: no structs, no void.
bool storable(const Type &t);
// Widens string types to the larger capacity; other types are returned as is.
Type unify_strings(const Type &a, const Type &b);
// Normalises a value for storage as a map key or value: ints become 64-bit.
Type storage_type(const Type &t);
// True when the struct or array value e lives in memory codegen can read
// through a pointer: `*p`, `p->f`, and fields of those. Fields of `args`
// itself live in the probe's context and are read with direct loads.
bool addressable(const ast::Expr &e);
// True when e is a copied value codegen holds in its own storage: a
// variable, a map value, or a member of those (@p.x of a struct in a map).
bool stored_value(const ast::Expr &e);
// What a positional parameter's text is: a number (any C spelling that
// strtoll reads whole), a number out of int64's range, or text.
enum class ParamKind { Integer, OutOfRange, Text };
// Classifies s; sets *value (two's complement for negatives) when Integer.
ParamKind parse_param(const std::string &s, uint64_t *value);
// True for names written like C constants (AF_INET, TASK_RUNNING): for the
// hint of an unknown identifier.
bool looks_like_constant(const std::string &name);
// Parses a C integer type name ("u32", "unsigned long", "int8_t"); None if unknown.
Type parse_int_type_name(const std::string &name);

}  // namespace probe
