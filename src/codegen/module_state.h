// Module-wide LLVM objects shared by every program's lowering: the module,
// debug info (so maps are BTF-defined and line info reaches the verifier
// log), and the map definitions.
#pragma once

#include <memory>
#include <vector>

#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "codegen/artifact.h"
#include "pipeline/pass.h"

namespace probe {

class ModuleState {
 public:
  ModuleState(const PassContext &ctx);

  // Creates the program function for one expansion, in its ELF section.
  llvm::Function *create_program(const ExpandedProbe &p);
  // The stack-trace map, defined on first use (kstack).
  llvm::GlobalVariable *stack_map();
  // A read-only array of zeros as large as the largest aggregation value:
  // the initial value of a new histogram entry (too large for the stack).
  llvm::GlobalVariable *zeros_map();
  // The per-CPU scratch map (kScratchMap), defined on first use; its value
  // grows to the largest `bytes` any probe body asks for.
  llvm::GlobalVariable *scratch_map(uint32_t bytes);
  // The bpf_for_each_map_elem callback that counts entries into *ctx (len()).
  llvm::Function *count_callback();
  // A new static subprogram with BTF for a loop body: `long NAME(void *map, void *key,
  // void *value, void *ctx)` for bpf_for_each_map_elem, `long NAME(u64 index, void *ctx)`
  // for bpf_loop.
  llvm::Function *create_callback(const std::string &name, bool map_callback);
  // Per-CPU array with one entry per program, as large as the largest set of
  // scratch variables: for loops keep the variables there while the callback
  // runs (the verifier does not track map memory, so its exploration of the
  // callback converges; on the stack a counter compared in the body made it
  // explore every value).
  llvm::GlobalVariable *loop_vars_map();
  // Finishes debug info; call once after all programs are lowered.
  void finalize();

  const PassContext &pass;
  llvm::LLVMContext llctx;
  std::unique_ptr<llvm::Module> module;
  std::unique_ptr<llvm::DIBuilder> dib;
  llvm::DICompileUnit *cu = nullptr;
  llvm::DIFile *file = nullptr;
  std::vector<llvm::GlobalVariable *> user_maps;  // by map id
  llvm::GlobalVariable *events = nullptr;
  llvm::GlobalVariable *lost = nullptr;
  llvm::GlobalVariable *stacks = nullptr;
  // kMapFullMap: per user map, updates refused because the map was full (null without user maps).
  llvm::GlobalVariable *map_full = nullptr;
  // -k: the call sites whose helper failures are reported, by site id.
  std::vector<HelperErrorSite> helper_errors;
  llvm::GlobalVariable *zeros = nullptr;
  llvm::GlobalVariable *scratch = nullptr;
  uint32_t scratch_size = 0;  // bytes per entry (described in finalize())
  llvm::Function *count_cb = nullptr;
  llvm::GlobalVariable *loop_vars = nullptr;
  int callbacks = 0;  // loop-body callbacks created so far (their names are numbered)
  // Set when a probe other than BEGIN/END emits events: the ring buffer
  // then gets its full size; otherwise a small one (it is resident memory).
  bool hot_output = false;
  uint32_t ringbuf_size = 0;  // chosen in finalize()

 private:
  // Defines one libbpf-style BTF map: `struct { __uint(type..); ... } name SEC(".maps")`.
  llvm::GlobalVariable *define_map(const std::string &name, uint32_t type, uint32_t max_entries,
                                   uint32_t key_size, uint32_t value_size, uint32_t flags = 0);
  // The IR global of a map with n definition members (debug info added separately).
  llvm::GlobalVariable *map_global(const std::string &name, size_t n);
  // Attaches the BTF-defining debug info for a map to its global.
  void describe_map(llvm::GlobalVariable *gv, uint32_t type, uint32_t max_entries, uint32_t key_size,
                    uint32_t value_size, uint32_t flags = 0);
  llvm::DIType *byte_type(uint32_t size);
};

// Owns the module state between the codegen and emit passes.
struct ModuleHolder {
  std::unique_ptr<ModuleState> state;
};

}  // namespace probe
