// Lowering of one probe body to LLVM IR for one concrete program. Builtins'
// lowerings call these services; lower_expr.cpp and lower_stmt.cpp hold the
// core language.
#pragma once

#include <linux/bpf.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <llvm/IR/IRBuilder.h>

#include "codegen/artifact.h"
#include "config.h"
#include "frontend/ast.h"
#include "probes/provider.h"

namespace probe {

class ModuleState;  // codegen/module_state.h: module-wide LLVM objects

// Bytes of stack slots a program may keep before its large temporaries move
// to the scratch map: the rest of the 512-byte BPF stack is for LLVM's spills.
inline constexpr uint64_t kStackBudget = 320;
// Slots smaller than this stay on the stack; 8-byte ones move last (sorted by size).
inline constexpr uint64_t kMinScratchTemp = 8;

class Lowering {
 public:
  Lowering(ModuleState &ms, const ExpandedProbe &probe, const std::map<std::string, Type> &vars);

  // Emits the whole program function for `body` guarded by `predicate`.
  void lower_probe(const ast::Probe &probe);

  // --- services for builtins ---
  llvm::IRBuilder<> &b() { return *b_; }
  llvm::LLVMContext &llctx();
  llvm::Value *ctx_arg() { return ctx_; }
  const ExpandedProbe &probe() const { return probe_; }
  const Config &config() const;
  const MapSpec &map_spec(int id) const;
  const PrintfSpec &printf_spec(int id) const;
  const PrintSpec &print_spec(int id) const;
  llvm::Type *i8();
  llvm::Type *i32();
  llvm::Type *i64();
  llvm::Type *ptr();
  llvm::Value *const_i64(uint64_t v);
  // Calls BPF helper `id` with integer/pointer args.
  llvm::Value *helper(bpf_func_id id, llvm::Type *ret, std::vector<llvm::Value *> args);
  // The value of an integral expression, as i64.
  llvm::Value *value(ast::Expr &e);
  // Writes e's value into storage at dst (layout of storage_size()); tuples
  // use dst_type's member offsets when given (strings widen inside tuples).
  void store_into(ast::Expr &e, llvm::Value *dst, const Type *dst_type = nullptr);
  // Pointer to storage holding e's value (a temporary if needed).
  llvm::Value *address(ast::Expr &e);
  // An 8-aligned stack slot of `size` bytes in the entry block.
  llvm::Value *temp(uint32_t size, const char *name = "tmp");
  void zero(llvm::Value *dst, uint32_t size);
  void copy(llvm::Value *dst, llvm::Value *src, uint32_t size);
  llvm::Value *gep(llvm::Value *base, uint64_t offset);
  // Stores an i64 as `size` bytes (8 for storage).
  void store_i64(llvm::Value *v, llvm::Value *dst);
  llvm::Value *map_ptr(int id);
  // The stack-trace map (defined on first use).
  llvm::Value *stack_map();
  // Pointer to zeroed bytes as large as any aggregation value (null only if
  // the kernel lost the zeros map's entry: callers check).
  llvm::Value *zeros();
  // The number of entries in map map_id (bpf_for_each_map_elem, kernel 5.13+).
  llvm::Value *map_len(int map_id);
  // Zeroed key storage for m's keys (u64 0 for scalar maps).
  llvm::Value *build_key(ast::Map &m);
  // bpf_map_lookup_elem: pointer to the value or null.
  llvm::Value *lookup(int map_id, llvm::Value *key);
  // bpf_map_update_elem; a full map is counted in kMapFullMap, and -k reports any failure.
  void update(int map_id, llvm::Value *key, llvm::Value *value, uint64_t flags);
  // Where a failing helper is reported by -k (bpftrace's location for the call); set per statement.
  void set_helper_loc(const Loc &loc) { helper_loc_ = loc; }
  // -k: reports `ret` < 0 of helper `id` at loc, or the helper location (probe reads only with -kk).
  void check_helper(llvm::Value *ret, bpf_func_id id, const Loc *loc = nullptr);
  // -kk: reports a map lookup `p` that found nothing (bpftrace's map_lookup_elem, 0) at loc.
  void check_lookup(llvm::Value *p, const Loc *loc = nullptr);
  // A divisor r of 0 at run time: reports bpftrace's warning for loc (the
  // result is then 1, see div_result).
  void check_divisor(llvm::Value *r, const Loc &loc);
  // q, or 1 when the divisor r is 0 (current bpftrace's result for x / 0 and x % 0).
  static llvm::Value *div_result(llvm::IRBuilder<> &b, llvm::Value *r, llvm::Value *q);
  // l / r or l % r (signed when sign), 1 when r is 0. The division itself
  // never sees 0: LLVM treats that as undefined and would drop the check.
  static llvm::Value *divide(llvm::IRBuilder<> &b, llvm::Value *l, llvm::Value *r, bool sign, bool rem);
  // Reserves a ring-buffer record of header + payload_size bytes, calls fill
  // with the payload pointer, submits; counts a lost event if full.
  void emit_event(EventKind kind, uint32_t id, uint32_t payload_size,
                  const std::function<void(llvm::Value *payload)> &fill);
  // Flags for bpf_ringbuf_submit: whether this event wakes the reader.
  llvm::Value *submit_flags(EventKind kind);
  // Where untyped pointers point in this probe (user for uprobes).
  AddrSpace default_space() const;
  // Reads a NUL-terminated string from `src` (an i64 address) into dst (-kk checks it).
  void read_str(llvm::Value *dst, llvm::Value *size, llvm::Value *src, AddrSpace as, const Loc *loc = nullptr);
  // Reads `size` bytes from address src into dst (-kk checks it).
  void read_mem(llvm::Value *dst, uint32_t size, llvm::Value *src, AddrSpace as);
  // Stores a constant string (NUL-padded to `capacity`) at dst.
  void store_const_string(const std::string &s, uint32_t capacity, llvm::Value *dst);
  // Signed l / r (or l % r) with C's truncation, from unsigned operations:
  // BPF v3 has no signed division (LLVM refuses sdiv for it).
  static llvm::Value *signed_div(llvm::IRBuilder<> &b, llvm::Value *l, llvm::Value *r, bool rem);
  // l << r or l >> r (arithmetic when arith) with a defined result for any
  // count: 64 or more (as unsigned) shifts every bit out (0, or -1 for a
  // negative l shifted arithmetically), where LLVM would make it poison.
  static llvm::Value *shift(llvm::IRBuilder<> &b, bool left, bool arith, llvm::Value *l, llvm::Value *r);
  // Truncates and re-extends v to t's width and sign (all scalars are i64).
  llvm::Value *normalize(llvm::Value *v, const Type &t);
  // Sets the debug location for following instructions (BTF line info).
  void set_loc(const Loc &loc);
  // Splits the current block: if cond is false continue, else run then().
  void if_then(llvm::Value *cond, const std::function<void()> &then);
  void if_then_else(llvm::Value *cond, const std::function<void()> &then, const std::function<void()> &otherwise);
  // Ends the probe here (exit()): what follows in the body does not run.
  void return_from_probe();

 private:
  friend class ExprLowering;
  // When this program's stack slots add up to more than kStackBudget, moves
  // the largest (>= kMinScratchTemp bytes) into its entry of the per-CPU
  // scratch map until the rest fits: one inlined array lookup per run, paid
  // only by probes that need it.
  // keep_vars: variables stay on the stack (for-loop callbacks hold their addresses).
  void move_temps_to_scratch(bool keep_vars);
  void lower_block(const ast::Block &b);
  void lower_stmt(const ast::Stmt &s);
  void lower_assign_map(const ast::AssignMap &a);
  void lower_assign_var(const ast::AssignVar &a);
  void lower_if(const ast::If &s);
  void lower_while(const ast::While &s);
  void lower_unroll(const ast::Unroll &s);
  // lower_loops.cpp: a for loop calls a callback (bpf_for_each_map_elem or bpf_loop)
  // whose body is lowered by a second Lowering; the callback reaches the probe's
  // context and variables through pointers in a context struct on this stack.
  void lower_for(const ast::For &f);
  void lower_callback(llvm::Function *cb, const ast::For &f);
  // Builds the context struct (variables at `vars`), the callback, and the helper call.
  void lower_loop_call(const ast::For &f, const std::map<std::string, llvm::Value *> &vars);
  // Counts a -E2BIG `ret` of an update of map_id, branch-free, in a stack slot of this run.
  void count_map_full(int map_id, llvm::Value *ret);
  // At the exit block: adds each non-zero run count to kMapFullMap (one branch per map).
  void flush_map_full();
  llvm::Value *var_slot(const std::string &name);
  llvm::Value *lower_binop(ast::Binop &e);
  llvm::Value *lower_unop(ast::Unop &e);
  llvm::Value *lower_incdec(ast::Unop &e);
  llvm::Value *lower_field(ast::FieldAccess &e);
  llvm::Value *lower_ternary(ast::Ternary &e);
  llvm::Value *lower_positional(ast::Positional &e);
  // arr[i] of an array value (the element, as i64).
  llvm::Value *lower_array_index(ast::Index &ix);
  // Address (i64) of element ix.index of an array in memory or of p[i], and where it lives.
  llvm::Value *element_address(ast::Index &ix, AddrSpace *as);
  llvm::Value *lower_map_read(ast::Map &e);
  llvm::Value *string_equal(ast::Expr &a, ast::Expr &b);
  llvm::Value *truthy(llvm::Value *v);
  void store_field_into(ast::FieldAccess &e, llvm::Value *dst);
  // Pointer to member N of a tuple expression's storage ($t.N).
  llvm::Value *tuple_member_address(ast::FieldAccess &e);
  // Pointer to field e.field of a struct held as a value (a variable, a map value, a tuple member).
  llvm::Value *stored_field_address(ast::FieldAccess &e);
  // The storage layout of e's value (a variable's final type, else e.type).
  const Type &layout_of(const ast::Expr &e) const;
  // Address (i64) of a field / of a record-typed expression, and where it lives.
  llvm::Value *field_address(ast::FieldAccess &e, AddrSpace *as);
  llvm::Value *record_address(ast::Expr &e, AddrSpace *as);
  llvm::Value *read_int(llvm::Value *addr, const Type &t, AddrSpace as, const Field *f);

  ModuleState &ms_;
  const ExpandedProbe &probe_;
  const std::map<std::string, Type> &var_types_;
  std::map<std::string, llvm::Value *> vars_;
  llvm::Function *fn_ = nullptr;
  llvm::Value *ctx_ = nullptr;
  std::unique_ptr<llvm::IRBuilder<>> b_;
  llvm::BasicBlock *entry_ = nullptr;
  llvm::BasicBlock *exit_ = nullptr;
  std::vector<std::pair<llvm::BasicBlock *, llvm::BasicBlock *>> loops_;  // (continue, break)
  Loc helper_loc_;  // see set_helper_loc
  // Set while lowering a for loop's callback: return/exit() set *ret_flag_ (the
  // probe's "stop now") and end the iteration at cb_stop_.
  bool in_callback_ = false;
  llvm::Value *ret_flag_ = nullptr;
  llvm::BasicBlock *cb_stop_ = nullptr;
  llvm::Value *loop_flag_ = nullptr;  // the outermost loop's "return now" flag (a stack slot)
  // Per map id: this run's updates refused by a full map (an i64 stack slot; flushed at exit).
  std::map<int, llvm::Value *> full_counts_;
};

}  // namespace probe
