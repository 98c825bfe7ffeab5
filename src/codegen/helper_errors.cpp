// -k / -kk (bpftrace's helper checks) and map-full accounting: the checks
// lowered after a helper call, and the table of call sites user space
// needs to report a failure where bpftrace does.
#include <llvm/IR/Constants.h>

#include <cerrno>
#include <vector>

#include "codegen/helper_errors.h"
#include "codegen/lowering.h"
#include "codegen/module_state.h"

namespace probe {

namespace {

// Whether two spans are the same (sites are shared by identical calls, e.g. unrolled).
bool same_loc(const Loc &a, const Loc &b) {
  return a.begin.line == b.begin.line && a.begin.column == b.begin.column && a.end.line == b.end.line &&
         a.end.column == b.end.column;
}

// Whether id reads memory: bpftrace checks those only with -kk.
bool is_probe_read(bpf_func_id id) {
  return id == BPF_FUNC_probe_read || id == BPF_FUNC_probe_read_str || id == BPF_FUNC_probe_read_user ||
         id == BPF_FUNC_probe_read_kernel || id == BPF_FUNC_probe_read_user_str ||
         id == BPF_FUNC_probe_read_kernel_str;
}

}  // namespace

std::string helper_func_name(uint32_t id) {
  switch (id) {
    case BPF_FUNC_map_lookup_elem: return "map_lookup_elem";
    case BPF_FUNC_map_update_elem: return "map_update_elem";
    case BPF_FUNC_map_delete_elem: return "map_delete_elem";
    case BPF_FUNC_probe_read: return "probe_read";
    case BPF_FUNC_probe_read_str: return "probe_read_str";
    case BPF_FUNC_probe_read_user: return "probe_read_user";
    case BPF_FUNC_probe_read_kernel: return "probe_read_kernel";
    case BPF_FUNC_probe_read_user_str: return "probe_read_user_str";
    case BPF_FUNC_probe_read_kernel_str: return "probe_read_kernel_str";
    case BPF_FUNC_get_stackid: return "get_stackid";
    case BPF_FUNC_send_signal: return "send_signal";
    case BPF_FUNC_override_return: return "override_return";
    case BPF_FUNC_unspec: return "divide";
    default: return "helper #" + std::to_string(id);
  }
}

HelperErrorSite make_helper_error_site(uint32_t id, const Loc &loc, const SourceFile &src) {
  HelperErrorSite site;
  site.helper = id;
  site.helper_name = helper_func_name(id);
  site.loc = loc;
  // bpftrace 0.17's form: "file:LINE:COL-COL" on one line, "file:LINE-LINE" across lines
  // (then without the quoted source).
  if (loc.begin.line != loc.end.line) {
    site.where = src.name + ":" + std::to_string(loc.begin.line) + "-" + std::to_string(loc.end.line);
    return site;
  }
  site.where = src.name + ":" + std::to_string(loc.begin.line) + ":" + std::to_string(loc.begin.column) + "-" +
               std::to_string(loc.end.column);
  std::string line = src.line(loc.begin.line);
  if (line.empty()) return site;
  int from = std::max(loc.begin.column, 1), to = std::max(loc.end.column, from);
  site.context = line + "\n" + std::string(size_t(from - 1), ' ') + std::string(size_t(to - from), '~') + "\n";
  return site;
}

// The id of the site of helper `id` at loc, added on first use.
static uint32_t site_id(std::vector<HelperErrorSite> &sites, bpf_func_id id, const Loc &loc, const SourceFile &src) {
  uint32_t site = 0;
  while (site < sites.size() && !(sites[site].helper == uint32_t(id) && same_loc(sites[site].loc, loc))) site++;
  if (site == sites.size()) sites.push_back(make_helper_error_site(id, loc, src));
  return site;
}

void Lowering::check_helper(llvm::Value *ret, bpf_func_id id, const Loc *loc) {
  int level = config().helper_check_level;
  if (level <= 0 || (is_probe_read(id) && level < 2)) return;  // nothing emitted: no cost without -k
  uint32_t site = site_id(ms_.helper_errors, id, loc ? *loc : helper_loc_, ms_.pass.source);
  llvm::Value *rc = ret->getType() == i64() ? ret : b_->CreateSExt(ret, i64());
  if_then(b_->CreateICmpSLT(rc, const_i64(0)), [&] {
    emit_event(EventKind::HelperError, site, 8, [&](llvm::Value *payload) { store_i64(rc, payload); });
  });
}

void Lowering::check_lookup(llvm::Value *p, const Loc *loc) {
  if (config().helper_check_level < 2) return;  // bpftrace reports lookups that miss only with -kk
  uint32_t site = site_id(ms_.helper_errors, BPF_FUNC_map_lookup_elem, loc ? *loc : helper_loc_, ms_.pass.source);
  if_then(b_->CreateIsNull(p), [&] {
    emit_event(EventKind::HelperError, site, 8, [&](llvm::Value *payload) { store_i64(const_i64(0), payload); });
  });
}

void Lowering::check_divisor(llvm::Value *r, const Loc &loc) {
  // Site id 0 (BPF_FUNC_unspec) is no helper: the runtime prints the division warning.
  uint32_t site = site_id(ms_.helper_errors, BPF_FUNC_unspec, loc, ms_.pass.source);
  if_then(b_->CreateICmpEQ(r, const_i64(0)), [&] {
    emit_event(EventKind::HelperError, site, 8, [&](llvm::Value *payload) { store_i64(const_i64(0), payload); });
  });
}

llvm::Value *Lowering::div_result(llvm::IRBuilder<> &b, llvm::Value *r, llvm::Value *q) {
  auto *zero = llvm::ConstantInt::get(r->getType(), 0), *one = llvm::ConstantInt::get(r->getType(), 1);
  return b.CreateSelect(b.CreateICmpEQ(r, zero), one, q);
}

llvm::Value *Lowering::divide(llvm::IRBuilder<> &b, llvm::Value *l, llvm::Value *r, bool sign, bool rem) {
  auto *zero = llvm::ConstantInt::get(r->getType(), 0), *one = llvm::ConstantInt::get(r->getType(), 1);
  llvm::Value *d = b.CreateSelect(b.CreateICmpEQ(r, zero), one, r);
  llvm::Value *q = sign ? signed_div(b, l, d, rem) : rem ? b.CreateURem(l, d) : b.CreateUDiv(l, d);
  return div_result(b, r, q);
}

void Lowering::count_map_full(int map_id, llvm::Value *ret) {
  if (!ms_.map_full) return;
  // No branch per update: a branch the verifier must follow both ways, in a
  // loop of thousands of updates, exceeds its limit on pending jumps.
  llvm::Value *&slot = full_counts_[map_id];
  if (!slot) {
    llvm::IRBuilder<> eb(entry_, entry_->begin());
    slot = eb.CreateAlloca(i64(), nullptr, "map_full_count");
    eb.CreateStore(const_i64(0), slot);
  }
  // full = 1 iff ret == -E2BIG: x = ret + E2BIG is 0 exactly then, and
  // (x | -x) has its sign bit set iff x != 0.
  llvm::Value *x = b_->CreateAdd(ret, const_i64(E2BIG));
  llvm::Value *nonzero = b_->CreateLShr(b_->CreateOr(x, b_->CreateNeg(x)), const_i64(63));
  llvm::Value *full = b_->CreateXor(nonzero, const_i64(1));
  b_->CreateStore(b_->CreateAdd(b_->CreateLoad(i64(), slot), full), slot);
}

void Lowering::flush_map_full() {
  for (const auto &[map_id, slot] : full_counts_) {
    llvm::Value *n = b_->CreateLoad(i64(), slot);
    if_then(b_->CreateICmpNE(n, const_i64(0)), [&, id = map_id] {
      llvm::Value *key = temp(4, "full_key");
      b_->CreateStore(llvm::ConstantInt::get(i32(), uint32_t(id)), key);
      llvm::Value *cnt = helper(BPF_FUNC_map_lookup_elem, ptr(), {ms_.map_full, key});
      if_then(b_->CreateIsNotNull(cnt), [&] { b_->CreateStore(b_->CreateAdd(b_->CreateLoad(i64(), cnt), n), cnt); });
    });
  }
}

}  // namespace probe
