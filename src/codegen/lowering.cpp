// Lowering services (helpers, stack slots, maps, ring-buffer events) and
// statements. Every scalar is an i64 in IR; storage layout is types.h's.
#include "codegen/lowering.h"

#include <set>

#include <llvm/IR/Constants.h>
#include <llvm/IR/DebugInfoMetadata.h>

#include "builtins/registry.h"
#include "builtins/agg/aggregation.h"
#include "codegen/module_state.h"
#include "util/result.h"

namespace probe {

Lowering::Lowering(ModuleState &ms, const ExpandedProbe &probe, const std::map<std::string, Type> &vars)
    : ms_(ms), probe_(probe), var_types_(vars) {}

llvm::LLVMContext &Lowering::llctx() { return ms_.llctx; }
const Config &Lowering::config() const { return ms_.pass.config; }
const MapSpec &Lowering::map_spec(int id) const { return ms_.pass.maps.at(id); }
const PrintfSpec &Lowering::printf_spec(int id) const { return ms_.pass.printfs.at(id); }
const PrintSpec &Lowering::print_spec(int id) const { return ms_.pass.prints.at(id); }
llvm::Type *Lowering::i8() { return llvm::Type::getInt8Ty(llctx()); }
llvm::Type *Lowering::i32() { return llvm::Type::getInt32Ty(llctx()); }
llvm::Type *Lowering::i64() { return llvm::Type::getInt64Ty(llctx()); }
llvm::Type *Lowering::ptr() { return llvm::PointerType::get(llctx(), 0); }
llvm::Value *Lowering::const_i64(uint64_t v) { return llvm::ConstantInt::get(i64(), v); }

AddrSpace Lowering::default_space() const { return probe_.provider->context().space; }

// True when a for loop appears anywhere in b.
static bool has_for_loop(const ast::Block &b) {
  for (const auto &s : b) {
    switch (s->kind) {
      case ast::StmtKind::For: return true;
      case ast::StmtKind::If: {
        const auto &i = ast::as<ast::If>(*s);
        if (has_for_loop(i.then) || has_for_loop(i.otherwise)) return true;
        break;
      }
      case ast::StmtKind::While:
        if (has_for_loop(ast::as<ast::While>(*s).body)) return true;
        break;
      case ast::StmtKind::Unroll:
        if (has_for_loop(ast::as<ast::Unroll>(*s).body)) return true;
        break;
      default: break;
    }
  }
  return false;
}

void Lowering::lower_probe(const ast::Probe &probe) {
  fn_ = ms_.create_program(probe_);
  ctx_ = fn_->getArg(0);
  entry_ = llvm::BasicBlock::Create(llctx(), "entry", fn_);
  b_ = std::make_unique<llvm::IRBuilder<>>(entry_);
  exit_ = llvm::BasicBlock::Create(llctx(), "exit", fn_);
  set_loc(probe.loc);
  // Non-scalar variables are zeroed once so they can serve as map keys; all
  // are when a for loop's callback may read them (the verifier checks reads
  // of the probe's stack there too).
  bool loops = has_for_loop(probe.body);
  for (const auto &[name, type] : var_types_) {
    llvm::Value *slot = temp(std::max<uint32_t>(8, storage_size(type)), name.c_str());
    if (!type.is_integral() || loops) zero(slot, std::max<uint32_t>(8, storage_size(type)));
    vars_[name] = slot;
  }
  if (probe.predicate) {
    set_loc(probe.predicate->loc);
    llvm::Value *ok = truthy(value(*probe.predicate));
    llvm::BasicBlock *body = llvm::BasicBlock::Create(llctx(), "body", fn_);
    b_->CreateCondBr(ok, body, exit_);
    b_->SetInsertPoint(body);
  }
  lower_block(probe.body);
  if (!b_->GetInsertBlock()->getTerminator()) b_->CreateBr(exit_);
  b_->SetInsertPoint(exit_);
  flush_map_full();
  b_->CreateRet(const_i64(0));
  set_loc(probe.loc);
  move_temps_to_scratch(loops);
}

void Lowering::move_temps_to_scratch(bool keep_vars) {
  // Variables stay where they are when for-loop callbacks get their addresses.
  std::set<llvm::Value *> pinned;
  if (keep_vars)
    for (const auto &[name, slot] : vars_) pinned.insert(slot);
  // The allocas of this program (all in the entry block, see temp()), largest first.
  std::vector<llvm::AllocaInst *> slots;
  uint64_t total = 0;
  for (auto &inst : *entry_)
    if (auto *a = llvm::dyn_cast<llvm::AllocaInst>(&inst)) {
      auto size = a->getAllocationSize(ms_.module->getDataLayout());
      uint64_t n = size ? size->getFixedValue() : 0;
      total += (n + 7) & ~7ull;
      if (n >= kMinScratchTemp && !pinned.count(a)) slots.push_back(a);
    }
  if (total <= kStackBudget) return;  // small probes keep everything on the stack: no extra cost
  std::stable_sort(slots.begin(), slots.end(), [&](llvm::AllocaInst *x, llvm::AllocaInst *y) {
    return x->getAllocationSize(ms_.module->getDataLayout())->getFixedValue() >
           y->getAllocationSize(ms_.module->getDataLayout())->getFixedValue();
  });
  std::vector<std::pair<llvm::AllocaInst *, uint64_t>> moved;  // alloca, offset in the entry
  uint64_t offset = 0;
  for (auto *a : slots) {
    if (total <= kStackBudget) break;
    uint64_t n = (a->getAllocationSize(ms_.module->getDataLayout())->getFixedValue() + 7) & ~7ull;
    moved.emplace_back(a, offset);
    offset += n;
    total -= n;
  }
  // The entry block becomes: allocas; look up this body's scratch entry;
  // if the kernel returns none (it cannot for an array), return 0.
  // (Slots are created at the top of the entry block, but a few initialising
  // stores sit among them: gather the allocas first.)
  std::vector<llvm::AllocaInst *> all;
  for (auto &inst : *entry_)
    if (auto *a = llvm::dyn_cast<llvm::AllocaInst>(&inst)) all.push_back(a);
  for (auto it = all.rbegin(); it != all.rend(); ++it) (*it)->moveBefore(*entry_, entry_->begin());
  llvm::Instruction *first = &*entry_->begin();
  while (llvm::isa<llvm::AllocaInst>(first)) first = first->getNextNode();
  llvm::BasicBlock *body = entry_->splitBasicBlock(first, "scratch.ok");
  entry_->getTerminator()->eraseFromParent();
  auto *fail = llvm::BasicBlock::Create(llctx(), "scratch.none", fn_);
  b_->SetInsertPoint(fail);
  b_->CreateRet(const_i64(0));
  b_->SetInsertPoint(entry_);
  llvm::Value *key = temp(4, "scratch_key");
  b_->CreateStore(llvm::ConstantInt::get(i32(), static_cast<uint32_t>(probe_.probe_index)), key);
  llvm::Value *base = helper(BPF_FUNC_map_lookup_elem, ptr(),
                             {ms_.scratch_map(static_cast<uint32_t>(offset)), key});
  b_->CreateCondBr(b_->CreateIsNull(base), fail, body);
  // Each use gets its own address computation right before it: one GEP per
  // slot at the top would keep every address live (and spilled) throughout.
  for (auto &[a, off] : moved) {
    std::vector<llvm::Use *> uses;
    for (auto &u : a->uses()) uses.push_back(&u);
    for (llvm::Use *u : uses) {
      auto *user = llvm::cast<llvm::Instruction>(u->getUser());
      b_->SetInsertPoint(user);
      u->set(off ? b_->CreateConstInBoundsGEP1_64(i8(), base, off) : base);
    }
    a->eraseFromParent();
  }
}

void Lowering::set_loc(const Loc &loc) {
  b_->SetCurrentDebugLocation(llvm::DILocation::get(llctx(), loc.begin.line, loc.begin.column,
                                                    fn_->getSubprogram()));
}

llvm::Value *Lowering::helper(bpf_func_id id, llvm::Type *ret, std::vector<llvm::Value *> args) {
  std::vector<llvm::Type *> types;
  for (auto *a : args) types.push_back(a->getType());
  auto *fty = llvm::FunctionType::get(ret, types, false);
  auto *callee = llvm::ConstantExpr::getIntToPtr(llvm::ConstantInt::get(i64(), id), ptr());
  return b_->CreateCall(fty, callee, args);
}

llvm::Value *Lowering::temp(uint32_t size, const char *name) {
  llvm::IRBuilder<> eb(entry_, entry_->begin());
  auto *slot = eb.CreateAlloca(llvm::ArrayType::get(i8(), std::max<uint32_t>(size, 1)), nullptr, name);
  slot->setAlignment(llvm::Align(8));
  return slot;
}

void Lowering::zero(llvm::Value *dst, uint32_t size) {
  if (size) b_->CreateMemSet(dst, llvm::ConstantInt::get(i8(), 0), size, llvm::MaybeAlign(8));
}

void Lowering::copy(llvm::Value *dst, llvm::Value *src, uint32_t size) {
  if (size) b_->CreateMemCpy(dst, llvm::MaybeAlign(1), src, llvm::MaybeAlign(1), size);
}

llvm::Value *Lowering::gep(llvm::Value *base, uint64_t offset) {
  if (offset == 0) return base;
  return b_->CreateConstInBoundsGEP1_64(i8(), base, offset);
}

void Lowering::store_i64(llvm::Value *v, llvm::Value *dst) { b_->CreateStore(v, dst); }

llvm::Value *Lowering::map_ptr(int id) { return ms_.user_maps.at(id); }

llvm::Value *Lowering::stack_map() { return ms_.stack_map(); }

llvm::Value *Lowering::zeros() {
  llvm::Value *key = temp(4, "zkey");
  b_->CreateStore(llvm::ConstantInt::get(i32(), 0), key);
  return helper(BPF_FUNC_map_lookup_elem, ptr(), {ms_.zeros_map(), key});
}

llvm::Value *Lowering::map_len(int map_id) {
  llvm::Value *n = temp(8, "len");
  store_i64(const_i64(0), n);
  helper(BPF_FUNC_for_each_map_elem, i64(), {map_ptr(map_id), ms_.count_callback(), n, const_i64(0)});
  return b_->CreateLoad(i64(), n);
}

llvm::Value *Lowering::lookup(int map_id, llvm::Value *key) {
  return helper(BPF_FUNC_map_lookup_elem, ptr(), {map_ptr(map_id), key});
}

void Lowering::update(int map_id, llvm::Value *key, llvm::Value *value, uint64_t flags) {
  llvm::Value *ret = helper(BPF_FUNC_map_update_elem, i64(), {map_ptr(map_id), key, value, const_i64(flags)});
  count_map_full(map_id, ret);
  if (config().helper_check_level <= 0) return;
  // BPF_NOEXIST losing a race to another CPU's insert is no failure.
  if (flags & BPF_NOEXIST) ret = b_->CreateSelect(b_->CreateICmpEQ(ret, const_i64(uint64_t(-int64_t(EEXIST)))), const_i64(0), ret);
  check_helper(ret, BPF_FUNC_map_update_elem);
}

llvm::Value *Lowering::build_key(ast::Map &m) {
  const MapSpec &spec = map_spec(m.map_id);
  llvm::Value *key = temp(spec.key_size, "key");
  if (m.keys.empty()) {
    if (spec.key_size == 4)  // the one-entry array of a key-less aggregation
      b_->CreateStore(llvm::ConstantInt::get(i32(), 0), key);
    else
      store_i64(const_i64(0), key);
    return key;
  }
  zero(key, spec.key_size);
  if (m.keys.size() == 1) {
    store_into(*m.keys[0], key, &spec.key);
    return key;
  }
  for (size_t i = 0; i < m.keys.size(); i++)
    store_into(*m.keys[i], gep(key, tuple_offset(spec.key, i)), &spec.key.fields[i]);
  return key;
}

void Lowering::emit_event(EventKind kind, uint32_t id, uint32_t payload_size,
                          const std::function<void(llvm::Value *payload)> &fill) {
  uint64_t size = sizeof(EventHeader) + payload_size;
  if (probe_.prog.kind != ProbeKind::Begin && probe_.prog.kind != ProbeKind::End) ms_.hot_output = true;
  llvm::Value *rec = helper(BPF_FUNC_ringbuf_reserve, ptr(), {ms_.events, const_i64(size), const_i64(0)});
  if_then_else(
      b_->CreateIsNull(rec),
      [&] {
        llvm::Value *zero_key = temp(4, "lost_key");
        b_->CreateStore(llvm::ConstantInt::get(i32(), 0), zero_key);
        llvm::Value *cnt = helper(BPF_FUNC_map_lookup_elem, ptr(), {ms_.lost, zero_key});
        if_then(b_->CreateIsNotNull(cnt), [&] {
          b_->CreateStore(b_->CreateAdd(b_->CreateLoad(i64(), cnt), const_i64(1)), cnt);
        });
      },
      [&] {
        uint64_t header = (uint64_t(id) << 32) | static_cast<uint32_t>(kind);
        b_->CreateStore(const_i64(header), rec);
        fill(gep(rec, sizeof(EventHeader)));
        helper(BPF_FUNC_ringbuf_submit, llvm::Type::getVoidTy(llctx()), {rec, submit_flags(kind)});
      });
}

llvm::Value *Lowering::submit_flags(EventKind kind) {
  bool per_event = probe_.prog.kind != ProbeKind::Begin && probe_.prog.kind != ProbeKind::End &&
                   (kind == EventKind::Printf || kind == EventKind::Print || kind == EventKind::Time ||
                    kind == EventKind::Join || kind == EventKind::Cat || kind == EventKind::System);
  if (!per_event) return const_i64(0);  // control events wake the reader at once
  // Per-event output does not wake the reader (a wakeup costs the traced
  // thread more than the event itself); the reader drains on its poll
  // interval, and a backlog of an eighth of the buffer forces a wakeup.
  llvm::Value *avail =
      helper(BPF_FUNC_ringbuf_query, i64(), {ms_.events, const_i64(BPF_RB_AVAIL_DATA)});
  llvm::Value *backlog = b_->CreateICmpUGE(avail, const_i64(config().ringbuf_size / 8));
  return b_->CreateSelect(backlog, const_i64(BPF_RB_FORCE_WAKEUP), const_i64(BPF_RB_NO_WAKEUP));
}

void Lowering::read_str(llvm::Value *dst, llvm::Value *size, llvm::Value *src, AddrSpace as, const Loc *loc) {
  auto id = as == AddrSpace::User ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_kernel_str;
  check_helper(helper(id, i64(), {dst, size, src}), id, loc);
}

void Lowering::read_mem(llvm::Value *dst, uint32_t size, llvm::Value *src, AddrSpace as) {
  auto id = as == AddrSpace::User ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel;
  check_helper(helper(id, i64(), {dst, const_i64(size), src}), id);
}

void Lowering::store_const_string(const std::string &s, uint32_t capacity, llvm::Value *dst) {
  // Whole 8-byte words where possible: fewer instructions than bytes.
  std::string padded = s.substr(0, capacity ? capacity - 1 : 0);
  padded.resize(capacity, '\0');
  size_t i = 0;
  for (; i + 8 <= padded.size(); i += 8) {
    uint64_t w = 0;
    for (int k = 7; k >= 0; k--) w = (w << 8) | static_cast<unsigned char>(padded[i + k]);
    b_->CreateStore(const_i64(w), gep(dst, i));
  }
  for (; i < padded.size(); i++)
    b_->CreateStore(llvm::ConstantInt::get(i8(), static_cast<unsigned char>(padded[i])), gep(dst, i));
}

void Lowering::if_then(llvm::Value *cond, const std::function<void()> &then) {
  auto *then_bb = llvm::BasicBlock::Create(llctx(), "then", fn_);
  auto *done = llvm::BasicBlock::Create(llctx(), "done", fn_);
  b_->CreateCondBr(cond, then_bb, done);
  b_->SetInsertPoint(then_bb);
  then();
  if (!b_->GetInsertBlock()->getTerminator()) b_->CreateBr(done);
  b_->SetInsertPoint(done);
}

void Lowering::if_then_else(llvm::Value *cond, const std::function<void()> &then,
                            const std::function<void()> &otherwise) {
  auto *then_bb = llvm::BasicBlock::Create(llctx(), "then", fn_);
  auto *else_bb = llvm::BasicBlock::Create(llctx(), "else", fn_);
  auto *done = llvm::BasicBlock::Create(llctx(), "done", fn_);
  b_->CreateCondBr(cond, then_bb, else_bb);
  b_->SetInsertPoint(then_bb);
  then();
  if (!b_->GetInsertBlock()->getTerminator()) b_->CreateBr(done);
  b_->SetInsertPoint(else_bb);
  otherwise();
  if (!b_->GetInsertBlock()->getTerminator()) b_->CreateBr(done);
  b_->SetInsertPoint(done);
}

void Lowering::return_from_probe() {
  if (in_callback_) {  // tell the probe to stop, and stop iterating
    store_i64(const_i64(1), ret_flag_);
    b_->CreateBr(cb_stop_);
    return;
  }
  b_->CreateBr(exit_);
}

llvm::Value *Lowering::truthy(llvm::Value *v) { return b_->CreateICmpNE(v, const_i64(0)); }

llvm::Value *Lowering::var_slot(const std::string &name) {
  auto it = vars_.find(name);
  PROBE_ASSERT(it != vars_.end());
  return it->second;
}

void Lowering::lower_block(const ast::Block &b) {
  for (const auto &s : b) {
    if (b_->GetInsertBlock()->getTerminator()) {
      // Code after return/break/continue: unreachable but must be well formed.
      b_->SetInsertPoint(llvm::BasicBlock::Create(llctx(), "dead", fn_));
    }
    lower_stmt(*s);
  }
}

void Lowering::lower_stmt(const ast::Stmt &s) {
  set_loc(s.loc);
  helper_loc_ = s.loc;
  switch (s.kind) {
    case ast::StmtKind::Expr: {
      auto &e = *ast::as<ast::ExprStmt>(s).expr;
      if (e.type.is_integral()) {
        value(e);
      } else if (e.kind == ast::ExprKind::Call && ast::as<ast::Call>(e).func->lower) {
        ast::as<ast::Call>(e).func->lower(*this, ast::as<ast::Call>(e));
      } else if (!e.type.is(TypeKind::Void)) {
        address(e);
      }
      return;
    }
    case ast::StmtKind::AssignMap: return lower_assign_map(ast::as<ast::AssignMap>(s));
    case ast::StmtKind::AssignVar: return lower_assign_var(ast::as<ast::AssignVar>(s));
    case ast::StmtKind::If: return lower_if(ast::as<ast::If>(s));
    case ast::StmtKind::While: return lower_while(ast::as<ast::While>(s));
    case ast::StmtKind::Unroll: return lower_unroll(ast::as<ast::Unroll>(s));
    case ast::StmtKind::For: return lower_for(ast::as<ast::For>(s));
    case ast::StmtKind::Jump: {
      auto j = ast::as<ast::Jump>(s).jump;
      if (j == ast::JumpKind::Return) {
        return_from_probe();
      } else {
        PROBE_ASSERT(!loops_.empty());
        b_->CreateBr(j == ast::JumpKind::Continue ? loops_.back().first : loops_.back().second);
      }
      return;
    }
  }
}

llvm::Value *Lowering::signed_div(llvm::IRBuilder<> &b, llvm::Value *l, llvm::Value *r, bool rem) {
  // Divide the magnitudes, then give the quotient the sign of l * r and the
  // remainder the sign of l. Division by zero gives 0 in BPF, as before.
  auto *zero = llvm::ConstantInt::get(l->getType(), 0);
  llvm::Value *ln = b.CreateICmpSLT(l, zero), *rn = b.CreateICmpSLT(r, zero);
  llvm::Value *la = b.CreateSelect(ln, b.CreateNeg(l), l);
  llvm::Value *ra = b.CreateSelect(rn, b.CreateNeg(r), r);
  llvm::Value *q = rem ? b.CreateURem(la, ra) : b.CreateUDiv(la, ra);
  llvm::Value *negate = rem ? ln : b.CreateXor(ln, rn);
  return b.CreateSelect(negate, b.CreateNeg(q), q);
}

// Applies a compound-assignment operator to two i64 values.
static llvm::Value *apply_op(llvm::IRBuilder<> &b, ast::BinOp op, llvm::Value *l, llvm::Value *r, bool sign) {
  switch (op) {
    case ast::BinOp::Add: return b.CreateAdd(l, r);
    case ast::BinOp::Sub: return b.CreateSub(l, r);
    case ast::BinOp::Mul: return b.CreateMul(l, r);
    case ast::BinOp::Div: return Lowering::divide(b, l, r, sign, false);
    case ast::BinOp::Mod: return Lowering::divide(b, l, r, sign, true);
    case ast::BinOp::Shl: return Lowering::shift(b, true, false, l, r);
    case ast::BinOp::Shr: return Lowering::shift(b, false, sign, l, r);
    case ast::BinOp::BitAnd: return b.CreateAnd(l, r);
    case ast::BinOp::BitOr: return b.CreateOr(l, r);
    case ast::BinOp::BitXor: return b.CreateXor(l, r);
    default: PROBE_ASSERT(false && "not a compound operator");
  }
  return nullptr;
}

void Lowering::lower_assign_var(const ast::AssignVar &a) {
  if (a.implicit_value && !var_types_.count(a.var->name)) return;  // `let $x;` never used
  llvm::Value *slot = var_slot(a.var->name);
  const Type &vt = var_types_.at(a.var->name);
  if (a.implicit_value) {  // `let $x;`: zero, whatever type its first assignment gave it
    zero(slot, std::max<uint32_t>(8, storage_size(vt)));
    return;
  }
  if (a.compound) {
    llvm::Value *cur = b_->CreateLoad(i64(), slot);
    llvm::Value *rhs = value(*a.value);
    if (a.op == ast::BinOp::Div || a.op == ast::BinOp::Mod) check_divisor(rhs, a.loc);
    if (vt.is(TypeKind::Pointer)) rhs = b_->CreateMul(rhs, const_i64(pointee_size(vt)));  // $p += n: n elements
    store_i64(normalize(apply_op(*b_, a.op, cur, rhs, vt.is_signed), vt), slot);
    return;
  }
  if (vt.is_int() && vt.size < 8) {  // a narrow variable keeps its width: truncate, re-extend
    store_i64(normalize(value(*a.value), vt), slot);
    return;
  }
  store_into(*a.value, slot, &vt);
}

void Lowering::lower_assign_map(const ast::AssignMap &a) {
  ast::Map &m = *a.map;
  const MapSpec &spec = map_spec(m.map_id);
  llvm::Value *key = build_key(m);
  if (a.value->kind == ast::ExprKind::Call) {
    auto &call = ast::as<ast::Call>(*a.value);
    if (call.func && call.func->aggregation) {
      helper_loc_ = call.loc;  // bpftrace reports an aggregation's update at the call
      call.func->aggregation->lower(*this, call, m, key);
      return;
    }
  }
  if (a.compound) {
    llvm::Value *rhs = value(*a.value);
    if (a.op == ast::BinOp::Div || a.op == ast::BinOp::Mod) check_divisor(rhs, a.loc);
    llvm::Value *p = lookup(m.map_id, key);
    check_lookup(p, &m.loc);  // -kk: at the map, as bpftrace (the update: at the statement)
    if_then_else(
        b_->CreateIsNotNull(p),
        [&] { b_->CreateStore(apply_op(*b_, a.op, b_->CreateLoad(i64(), p), rhs, spec.value.is_signed), p); },
        [&] {
          llvm::Value *slot = temp(8, "val");
          store_i64(apply_op(*b_, a.op, const_i64(0), rhs, spec.value.is_signed), slot);
          update(m.map_id, key, slot, BPF_ANY);
        });
    return;
  }
  llvm::Value *slot = temp(spec.value_size, "val");
  if (!spec.value.is_integral()) zero(slot, spec.value_size);
  store_into(*a.value, slot, &spec.value);
  helper_loc_ = a.op_loc;  // bpftrace reports a plain assignment's update at its `=`
  update(m.map_id, key, slot, BPF_ANY);
}

void Lowering::lower_if(const ast::If &s) {
  llvm::Value *c = truthy(value(*s.cond));
  if (s.otherwise.empty()) {
    if_then(c, [&] { lower_block(s.then); });
  } else {
    if_then_else(c, [&] { lower_block(s.then); }, [&] { lower_block(s.otherwise); });
  }
}

void Lowering::lower_while(const ast::While &s) {
  auto *cond_bb = llvm::BasicBlock::Create(llctx(), "while.cond", fn_);
  auto *body_bb = llvm::BasicBlock::Create(llctx(), "while.body", fn_);
  auto *done = llvm::BasicBlock::Create(llctx(), "while.end", fn_);
  b_->CreateBr(cond_bb);
  b_->SetInsertPoint(cond_bb);
  b_->CreateCondBr(truthy(value(*s.cond)), body_bb, done);
  b_->SetInsertPoint(body_bb);
  loops_.emplace_back(cond_bb, done);
  lower_block(s.body);
  loops_.pop_back();
  if (!b_->GetInsertBlock()->getTerminator()) b_->CreateBr(cond_bb);
  b_->SetInsertPoint(done);
}

void Lowering::lower_unroll(const ast::Unroll &s) {
  for (int64_t i = 0; i < s.times; i++) {
    if (b_->GetInsertBlock()->getTerminator()) break;
    lower_block(s.body);
  }
}

}  // namespace probe
