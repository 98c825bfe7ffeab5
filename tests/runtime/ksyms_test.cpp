#include "runtime/ksyms.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

namespace probe {
namespace {

const char *kKallsyms =
    "ffffffff81000000 T _stext\n"
    "ffffffff81100000 T vfs_read\n"
    "ffffffff81100000 t vfs_read_alias\n"
    "ffffffff81100100 T vfs_write\n"
    "ffffffff81200000 D some_data\n"
    "ffffffffc0001000 t mod_func\t[some_mod]\n"
    "0000000000000000 T hidden\n";

TEST(KernelSymbols, ParseAndLookup) {
  KernelSymbols ks = KernelSymbols::parse(kKallsyms);
  EXPECT_EQ(ks.size(), 5u);  // data and address-0 symbols dropped
  EXPECT_EQ(ks.name(0xffffffff81100000, false), "vfs_read");
  EXPECT_EQ(ks.name(0xffffffff81100000, true), "vfs_read+0");
  EXPECT_EQ(ks.name(0xffffffff81100004, true), "vfs_read+4");
  EXPECT_EQ(ks.name(0xffffffff81100004, false), "vfs_read");
  EXPECT_EQ(ks.name(0xffffffff81100110, true), "vfs_write+16");
  EXPECT_EQ(ks.name(0xffffffffc0001008, false), "mod_func");
  EXPECT_EQ(ks.name(0x1234, false), "0x1234");
  EXPECT_EQ(ks.name(0xffffffffd0000000, true), "0xffffffffd0000000");  // far past the last
}

TEST(KernelSymbols, Restricted) {
  KernelSymbols ks = KernelSymbols::parse("0000000000000000 T vfs_read\n");
  EXPECT_EQ(ks.size(), 0u);
  EXPECT_EQ(ks.name(0xffffffff81100000, false), "0xffffffff81100000");
}

TEST(KernelSymbols, FilterFunctions) {
  auto v = parse_filter_functions(
      "vfs_write\nvfs_read\nvfs_read\nfoo_mod_fn [foo_mod]\n__ftrace_invalid_address___12\n"
      "do_sys_open\n",
      "*");
  EXPECT_EQ(v, (std::vector<std::string>{"do_sys_open", "foo_mod_fn", "vfs_read", "vfs_write"}));
  EXPECT_EQ(parse_filter_functions("vfs_write\nvfs_read\nfoo [m]\n", "vfs_*"),
            (std::vector<std::string>{"vfs_read", "vfs_write"}));
}

TEST(KernelSymbols, DenyList) {
  std::string why;
  for (const char *fn : {"__bpf_prog_run", "__bpf_prog_run32", "bpf_dispatcher_xdp_func",
                         "bpf_trampoline_6442", "rcu_read_lock_held", "__rcu_read_lock", "cpu_idle_poll",
                         "default_idle_call", "arch_cpu_idle", "do_idle", "intel_idle_irq",
                         "mwait_idle_with_hints", "native_write_msr", "do_nmi", "perf_event_nmi_handler",
                         "kprobe_ftrace_handler", "ftrace_ops_list_func", "__ftrace_trace_stack",
                         "preempt_count_add", "lockdep_hardirqs_on", "__sanitizer_cov_trace_pc"}) {
    why.clear();
    EXPECT_TRUE(kprobe_denied(fn, &why)) << fn;
    EXPECT_FALSE(why.empty()) << fn;
  }
  for (const char *fn : {"vfs_read", "do_unlinkat", "bpf_map_lookup_elem", "tcp_sendmsg", "schedule"})
    EXPECT_FALSE(kprobe_denied(fn, nullptr)) << fn;
}

TEST(KernelSymbols, RunningKernel) {
  if (geteuid() != 0) GTEST_SKIP() << "kallsyms addresses need root";
  const KernelSymbols &ks = KernelSymbols::get();
  if (ks.size() == 0) GTEST_SKIP() << "/proc/kallsyms shows no addresses (kptr_restrict)";
  // Find vfs_read's address independently and name it back.
  std::ifstream in("/proc/kallsyms");
  uint64_t addr = 0;
  std::string a, t, n;
  while (in >> a >> t >> n)
    if (n == "vfs_read") {
      addr = std::stoull(a, nullptr, 16);
      break;
    }
  ASSERT_NE(addr, 0u);
  EXPECT_EQ(ksym_name(addr, false), "vfs_read");
  EXPECT_EQ(ksym_name(addr + 4, true), "vfs_read+4");
}

TEST(KernelSymbols, TraceableFunctions) {
  if (geteuid() != 0) GTEST_SKIP() << "the traceable function lists need root";
  auto v = traceable_functions("vfs_rea*");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_NE(std::find(v->begin(), v->end(), "vfs_read"), v->end());
  EXPECT_TRUE(std::is_sorted(v->begin(), v->end()));
  for (const auto &f : *v) EXPECT_EQ(f.find(' '), std::string::npos) << f;
  auto one = traceable_functions("vfs_read");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, std::vector<std::string>{"vfs_read"});
  auto none = traceable_functions("no_such_function_xyz");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace probe
