// Who and when: pid, tid, uid, gid, username, comm, nsecs, jiffies, cpu,
// ncpus, numaid, curtask, rand.
#include <fstream>

#include "builtins/registry.h"
#include "codegen/lowering.h"
#include "frontend/sema/sema.h"

namespace probe {

namespace {

// Every identity builtin but cpid is a uint64, as in bpftrace 0.17 (a variable
// keeps its width, so $p = pid; $p *= N must not wrap at 32 bits).
Type u64_type(Sema &, ast::Identifier &) { return Type::u64(); }

llvm::Value *pid_tgid(Lowering &L) { return L.helper(BPF_FUNC_get_current_pid_tgid, L.i64(), {}); }
llvm::Value *uid_gid(Lowering &L) { return L.helper(BPF_FUNC_get_current_uid_gid, L.i64(), {}); }

// The number of possible CPUs (/sys/devices/system/cpu/possible, "0-3" -> 4).
uint64_t possible_cpus() {
  std::ifstream in("/sys/devices/system/cpu/possible");
  std::string list;
  if (!(in >> list)) return 1;
  uint64_t n = 0;
  size_t i = 0;
  while (i < list.size()) {
    size_t comma = list.find(',', i);
    std::string r = list.substr(i, comma == std::string::npos ? std::string::npos : comma - i);
    size_t dash = r.find('-');
    unsigned long a = std::stoul(r), b = dash == std::string::npos ? a : std::stoul(r.substr(dash + 1));
    n += b >= a ? b - a + 1 : 0;
    if (comma == std::string::npos) break;
    i = comma + 1;
  }
  return n ? n : 1;
}

}  // namespace

std::vector<BuiltinVar> identity_vars() {
  return {
      {"pid", "process (thread group) id", u64_type,
       [](Lowering &L, ast::Identifier &) { return L.b().CreateLShr(pid_tgid(L), 32); }},
      {"tid", "thread id", u64_type,
       [](Lowering &L, ast::Identifier &) { return L.b().CreateAnd(pid_tgid(L), 0xffffffffull); }},
      {"uid", "user id", u64_type,
       [](Lowering &L, ast::Identifier &) { return L.b().CreateAnd(uid_gid(L), 0xffffffffull); }},
      {"gid", "group id", u64_type,
       [](Lowering &L, ast::Identifier &) { return L.b().CreateLShr(uid_gid(L), 32); }},
      {"username", "the current user's name (uid, named in user space)",
       [](Sema &, ast::Identifier &) { return Type::formatted("username"); }, nullptr,
       [](Lowering &L, ast::Identifier &, llvm::Value *dst) {
         L.store_i64(L.b().CreateAnd(uid_gid(L), 0xffffffffull), dst);
       }},
      {"jiffies", "the kernel's jiffies (64-bit)", u64_type,
       [](Lowering &L, ast::Identifier &) { return L.helper(BPF_FUNC_jiffies64, L.i64(), {}); }},
      {"ncpus", "the number of possible CPUs (at compile time)", u64_type,
       [](Lowering &L, ast::Identifier &) { return L.const_i64(possible_cpus()); }},
      {"numaid", "the current NUMA node", u64_type,
       [](Lowering &L, ast::Identifier &) {
         return L.b().CreateZExt(L.helper(BPF_FUNC_get_numa_node_id, L.i32(), {}), L.i64());
       }},
      {"nsecs", "monotonic nanoseconds", u64_type,
       [](Lowering &L, ast::Identifier &) { return L.helper(BPF_FUNC_ktime_get_ns, L.i64(), {}); }},
      {"cpu", "current CPU", u64_type,
       [](Lowering &L, ast::Identifier &) {
         return L.b().CreateZExt(L.helper(BPF_FUNC_get_smp_processor_id, L.i32(), {}), L.i64());
       }},
      {"rand", "pseudo-random u32", u64_type,
       [](Lowering &L, ast::Identifier &) {
         return L.b().CreateZExt(L.helper(BPF_FUNC_get_prandom_u32, L.i32(), {}), L.i64());
       }},
      {"curtask", "the current task_struct",
       [](Sema &S, ast::Identifier &) {
         // Typed when kernel BTF exists, so curtask->pid works; else an address.
         if (!S.btf().available()) return Type::u64();
         auto t = S.btf().type("struct task_struct");
         return t ? Type::pointer(*t, AddrSpace::Kernel) : Type::u64();
       },
       [](Lowering &L, ast::Identifier &) { return L.helper(BPF_FUNC_get_current_task, L.i64(), {}); }},
      {"cpid", "pid of the -c command",
       [](Sema &S, ast::Identifier &id) {
         if (S.config().cmd.empty()) {
           S.diags().error(id.loc, "cpid is the pid of the command started with -c, and there is none");
           S.diags().hint("run the program with -c 'CMD'");
           return Type::none();
         }
         return Type::integer(4, false);
       },
       [](Lowering &L, ast::Identifier &) { return L.const_i64(L.config().pid.value_or(0)); }},
      {"comm", "current thread's name",
       [](Sema &, ast::Identifier &) { return Type::string(16); }, nullptr,
       [](Lowering &L, ast::Identifier &, llvm::Value *dst) {
         L.helper(BPF_FUNC_get_current_comm, L.i64(), {dst, L.const_i64(16)});
       }},
  };
}

}  // namespace probe
