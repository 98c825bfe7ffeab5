// for loops: the body becomes a BPF callback. `for ($kv : @m)` calls
// bpf_for_each_map_elem, `for ($i : a..b)` calls bpf_loop. The callback gets
// a context struct on the caller's stack:
//   [0] the probe's context pointer   [1] pointer to the "return now" flag
//   [2] the range's start             [3 + i] pointer to variable i's slot
// so the body reads and writes the probe's variables and can end the probe
// (return, exit()). While the outermost loop runs, the variables live in
// the program's entry of the loop_vars map (see ModuleState::loop_vars_map).
#include <llvm/IR/Constants.h>

#include <map>

#include "codegen/lowering.h"
#include "codegen/module_state.h"
#include "util/result.h"

namespace probe {

namespace {
constexpr uint64_t kCtxSlot = 0, kFlagSlot = 8, kStartSlot = 16, kFirstVar = 24;
}  // namespace

void Lowering::lower_for(const ast::For &f) {
  if (in_callback_) return lower_loop_call(f, vars_);  // already in the loop_vars area
  // The variables move to this program's loop_vars entry for the loop and
  // come back after it: the callback reads and writes them there.
  llvm::Value *key = temp(4, "lvkey");
  auto index = static_cast<uint32_t>(&probe_ - ms_.pass.probes.data());
  b_->CreateStore(llvm::ConstantInt::get(i32(), index), key);
  llvm::Value *area = helper(BPF_FUNC_map_lookup_elem, ptr(), {ms_.loop_vars_map(), key});
  if_then(b_->CreateIsNotNull(area), [&] {
    std::map<std::string, llvm::Value *> moved;
    uint64_t off = 0;
    for (const auto &[name, type] : var_types_) {
      uint32_t size = std::max<uint32_t>(8, (storage_size(type) + 7) / 8 * 8);
      moved[name] = gep(area, off);
      copy(moved[name], var_slot(name), std::max<uint32_t>(8, storage_size(type)));
      off += size;
    }
    lower_loop_call(f, moved);
    for (const auto &[name, type] : var_types_)
      copy(var_slot(name), moved[name], std::max<uint32_t>(8, storage_size(type)));
    llvm::Value *flag = b_->CreateLoad(i64(), loop_flag_);
    if_then(b_->CreateICmpNE(flag, const_i64(0)), [&] { return_from_probe(); });
  });
}

void Lowering::lower_loop_call(const ast::For &f, const std::map<std::string, llvm::Value *> &vars) {
  llvm::Value *cbctx = temp(static_cast<uint32_t>(kFirstVar + 8 * var_types_.size()), "forctx");
  b_->CreateStore(ctx_, gep(cbctx, kCtxSlot));
  llvm::Value *flag = ret_flag_;
  if (!in_callback_) {  // the outermost loop owns the flag
    flag = loop_flag_ = temp(8, "ret");
    store_i64(const_i64(0), flag);
  }
  b_->CreateStore(flag, gep(cbctx, kFlagSlot));
  store_i64(const_i64(0), gep(cbctx, kStartSlot));
  uint64_t off = kFirstVar;
  for (const auto &[name, type] : var_types_) {
    b_->CreateStore(vars.at(name), gep(cbctx, off));
    off += 8;
  }
  std::string name = probe_.prog.prog_name + "_for" + std::to_string(ms_.callbacks++);
  llvm::Function *cb = ms_.create_callback(name, f.map != nullptr);
  {
    Lowering body(ms_, probe_, var_types_);
    body.helper_loc_ = helper_loc_;
    body.lower_callback(cb, f);
  }
  set_loc(f.loc);
  if (f.map) {
    helper(BPF_FUNC_for_each_map_elem, i64(), {map_ptr(f.map->map_id), cb, cbctx, const_i64(0)});
  } else {
    // The bounds are evaluated once, before the first iteration.
    llvm::Value *start = value(*f.start), *end = value(*f.end);
    store_i64(start, gep(cbctx, kStartSlot));
    bool sign = f.var->type.is_signed;
    llvm::Value *more = sign ? b_->CreateICmpSGT(end, start) : b_->CreateICmpUGT(end, start);
    llvm::Value *n = b_->CreateSelect(more, b_->CreateSub(end, start), const_i64(0));
    // The verifier inlines bpf_loop when it can prove the flags are 0, and an
    // inlined bpf_loop whose callback holds another bpf_loop makes 6.18 fail
    // ("verifier bug: No program to jit"): the flags are the NUMA node's sign
    // bit, 0 at run time and unknown to the verifier.
    // No call at all for an empty range: a bpf_loop the verifier knows runs 0
    // times leaves its callback unvisited, and 6.18 then fails the same way.
    if_then(b_->CreateICmpNE(n, const_i64(0)), [&] {
      llvm::Value *flags = b_->CreateLShr(helper(BPF_FUNC_get_numa_node_id, i64(), {}), const_i64(63));
      helper(BPF_FUNC_loop, i64(), {n, cb, cbctx, flags});
    });
  }
  // return or exit() inside a nested loop's body: this callback stops too.
  if (in_callback_)
    if_then(b_->CreateICmpNE(b_->CreateLoad(i64(), flag), const_i64(0)), [&] { return_from_probe(); });
}

void Lowering::lower_callback(llvm::Function *cb, const ast::For &f) {
  fn_ = cb;
  in_callback_ = true;
  entry_ = llvm::BasicBlock::Create(llctx(), "entry", fn_);
  b_ = std::make_unique<llvm::IRBuilder<>>(entry_);
  set_loc(f.loc);
  auto *next = llvm::BasicBlock::Create(llctx(), "next", fn_);
  cb_stop_ = llvm::BasicBlock::Create(llctx(), "stop", fn_);
  auto *done = llvm::BasicBlock::Create(llctx(), "done", fn_);
  llvm::Value *ret = temp(8, "cbret");

  llvm::Value *cbctx = cb->getArg(f.map ? 3 : 1);
  ctx_ = b_->CreateLoad(ptr(), gep(cbctx, kCtxSlot), "probe_ctx");
  ret_flag_ = b_->CreateLoad(ptr(), gep(cbctx, kFlagSlot), "ret_flag");
  uint64_t off = kFirstVar;
  for (const auto &[name, type] : var_types_) {
    vars_[name] = b_->CreateLoad(ptr(), gep(cbctx, off), name);
    off += 8;
  }
  // The loop variable: (key, value) of this entry, or start + index.
  auto it = var_types_.find(f.var->name);
  if (it != var_types_.end()) {
    llvm::Value *slot = vars_.at(f.var->name);
    const Type &vt = it->second;
    if (f.map) {
      const MapSpec &spec = map_spec(f.map->map_id);
      PROBE_ASSERT(vt.is(TypeKind::Tuple) && vt.fields.size() == 2);
      copy(gep(slot, tuple_offset(vt, 0)), cb->getArg(1), std::min(storage_size(vt.fields[0]), spec.key_size));
      copy(gep(slot, tuple_offset(vt, 1)), cb->getArg(2), std::min(storage_size(vt.fields[1]), spec.value_size));
    } else {
      llvm::Value *start = b_->CreateLoad(i64(), gep(cbctx, kStartSlot));
      store_i64(b_->CreateAdd(start, cb->getArg(0)), slot);
    }
  }
  loops_.emplace_back(next, cb_stop_);  // continue: next entry; break: stop
  lower_block(f.body);
  loops_.pop_back();
  if (!b_->GetInsertBlock()->getTerminator()) b_->CreateBr(next);

  b_->SetInsertPoint(next);
  store_i64(const_i64(0), ret);
  b_->CreateBr(done);
  b_->SetInsertPoint(cb_stop_);
  store_i64(const_i64(1), ret);
  b_->CreateBr(done);
  b_->SetInsertPoint(done);
  flush_map_full();
  b_->CreateRet(b_->CreateLoad(i64(), ret));
}

}  // namespace probe
