#include "runtime/elf_symbols.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

extern "C" __attribute__((noinline)) int runtime_test_target(int a) {
  asm volatile("");
  return a * 3 + 1;
}

namespace probe {
namespace {

// The file offset of addr computed from /proc/self/maps (what the kernel sees).
uint64_t offset_from_maps(uintptr_t addr) {
  std::ifstream in("/proc/self/maps");
  for (std::string line; std::getline(in, line);) {
    uintptr_t lo, hi;
    unsigned long long off;
    char perms[8];
    if (std::sscanf(line.c_str(), "%lx-%lx %7s %llx", &lo, &hi, perms, &off) != 4) continue;
    if (addr >= lo && addr < hi) return addr - lo + off;
  }
  return 0;
}

TEST(ElfSymbols, OffsetOfFunctionInTestBinary) {
  EXPECT_EQ(runtime_test_target(1), 4);
  auto off = symbol_file_offset("/proc/self/exe", "runtime_test_target");
  ASSERT_TRUE(off.ok()) << off.error().message;
  uint64_t expected = offset_from_maps(reinterpret_cast<uintptr_t>(&runtime_test_target));
  ASSERT_NE(expected, 0u);
  EXPECT_EQ(*off, expected);
}

TEST(ElfSymbols, MissingSymbolNamesBinaryAndHint) {
  auto r = symbol_file_offset("/proc/self/exe", "no_such_function_xyz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "function 'no_such_function_xyz' not found in /proc/self/exe");
  EXPECT_NE(r.error().hint.find("probe -l 'uprobe:/proc/self/exe:*'"), std::string::npos);
}

TEST(ElfSymbols, MissingFileAndNotElf) {
  auto r = symbol_file_offset("/nonexistent/bin", "main");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("cannot open '/nonexistent/bin'", 0), 0u);
  auto r2 = symbol_file_offset("/etc/hostname", "main");
  if (access("/etc/hostname", R_OK) == 0) {
    ASSERT_FALSE(r2.ok());
    EXPECT_NE(r2.error().message.find("not an ELF file"), std::string::npos);
  }
}

TEST(ElfSymbols, MatchSymbolsGlob) {
  auto r = match_symbols("/proc/self/exe", "runtime_test_tar*");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, std::vector<std::string>{"runtime_test_target"});
}

TEST(ElfSymbols, LibcDynsymOffsetMatchesDlsym) {
  auto libc = resolve_binary("libc", std::nullopt);
  ASSERT_TRUE(libc.ok()) << libc.error().message;
  auto off = symbol_file_offset(*libc, "getpid");
  ASSERT_TRUE(off.ok()) << off.error().message;
  void *addr = dlsym(RTLD_DEFAULT, "getpid");
  ASSERT_NE(addr, nullptr);
  EXPECT_EQ(*off, offset_from_maps(reinterpret_cast<uintptr_t>(addr)));
}

// libc has two pthread_cond_wait versions; callers bind to the default one.
TEST(ElfSymbols, DefaultSymbolVersionWins) {
  auto libc = resolve_binary("libc", std::nullopt);
  ASSERT_TRUE(libc.ok()) << libc.error().message;
  void *def = dlvsym(RTLD_DEFAULT, "pthread_cond_wait", "GLIBC_2.3.2");
  void *old = dlvsym(RTLD_DEFAULT, "pthread_cond_wait", "GLIBC_2.2.5");
  if (!def || !old || def == old) GTEST_SKIP() << "this libc has one pthread_cond_wait version";
  auto off = symbol_file_offset(*libc, "pthread_cond_wait");
  ASSERT_TRUE(off.ok()) << off.error().message;
  EXPECT_EQ(*off, offset_from_maps(reinterpret_cast<uintptr_t>(def)));
}

// An IFUNC resolver runs once at load: probing it would never fire.
TEST(ElfSymbols, IfuncResolverIsRefused) {
  auto libc = resolve_binary("libc", std::nullopt);
  ASSERT_TRUE(libc.ok()) << libc.error().message;
  auto off = symbol_file_offset(*libc, "strlen");
  ASSERT_FALSE(off.ok());
  EXPECT_NE(off.error().message.find("IFUNC resolver"), std::string::npos) << off.error().message;
  auto m = match_symbols(*libc, "strlen");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->empty());
}

// memcpy@GLIBC_2.2.5 is a plain function but memcpy@@GLIBC_2.14, the one a
// probe binds to, is a resolver: a wildcard must leave memcpy out, and every
// name it returns must have an offset (uprobe:libc:mem* used to fail).
TEST(ElfSymbols, WildcardSkipsResolverOfDefaultVersion) {
  auto libc = resolve_binary("libc", std::nullopt);
  ASSERT_TRUE(libc.ok()) << libc.error().message;
  auto m = match_symbols(*libc, "mem*");
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_FALSE(m->empty());
  EXPECT_EQ(std::count(m->begin(), m->end(), "memcpy"), 0);
  EXPECT_EQ(std::count(m->begin(), m->end(), "memset"), 0);
  auto offs = symbol_file_offsets(*libc, *m);
  EXPECT_TRUE(offs.ok()) << offs.error().message;
  auto all = match_symbols(*libc, "*");
  ASSERT_TRUE(all.ok());
  auto all_offs = symbol_file_offsets(*libc, *all);
  EXPECT_TRUE(all_offs.ok()) << all_offs.error().message;
}

TEST(ResolveBinary, LibraryNames) {
  for (const char *name : {"libc", "libc.so.6", "c"}) {
    auto r = resolve_binary(name, std::nullopt);
    ASSERT_TRUE(r.ok()) << name << ": " << r.error().message;
    EXPECT_NE(r->find("libc.so.6"), std::string::npos) << *r;
    EXPECT_EQ(access(r->c_str(), R_OK), 0);
  }
  auto viapid = resolve_binary("libc", getpid());
  ASSERT_TRUE(viapid.ok());
  EXPECT_NE(viapid->find("libc.so.6"), std::string::npos);
}

// kthreadd (pid 2 outside containers) has no executable: uprobes on it are
// an error that says so, not "no process" nor probes that never fire.
TEST(ResolveBinary, KernelThreadAndMissingPid) {
  std::ifstream comm("/proc/2/comm");
  std::string name;
  std::getline(comm, name);
  EXPECT_FALSE(is_kernel_thread(getpid()));
  auto self = process_exe(getpid());
  ASSERT_TRUE(self.ok()) << self.error().message;
  EXPECT_EQ(*self, "/proc/" + std::to_string(getpid()) + "/exe");
  auto gone = process_exe(0x3ffffff0);  // above pid_max
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().message, "no process with pid " + std::to_string(0x3ffffff0));
  if (name != "kthreadd") GTEST_SKIP() << "pid 2 is not kthreadd here";
  EXPECT_TRUE(is_kernel_thread(2));
  auto k = process_exe(2);
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_EQ(*k, "");
  auto r = resolve_binary("libc", pid_t(2));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("pid 2 is a kernel thread; it has no user-space executable"), std::string::npos)
      << r.error().message;
}

// A zombie (exited, not yet reaped) has no executable any more: "has exited", not "no process".
TEST(ResolveBinary, ZombiePid) {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  for (int i = 0; i < 200; i++) {  // until it is a zombie
    std::ifstream st("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(st, line);
    if (line.find(") Z") != std::string::npos) break;
    usleep(5000);
  }
  auto r = process_exe(pid);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "pid " + std::to_string(pid) + " has exited");
  waitpid(pid, nullptr, 0);
}

TEST(ResolveBinary, PathsAndPrograms) {
  auto sh = resolve_binary("sh", std::nullopt);
  ASSERT_TRUE(sh.ok()) << sh.error().message;
  EXPECT_EQ(sh->front(), '/');
  auto abs = resolve_binary("/proc/self/exe", std::nullopt);
  ASSERT_TRUE(abs.ok());
  EXPECT_EQ(abs->find("/proc/"), std::string::npos);  // canonicalised
  auto missing = resolve_binary("/no/such/binary", std::nullopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("'/no/such/binary'"), std::string::npos);
  EXPECT_FALSE(resolve_binary("libdefinitelynotthere", std::nullopt).ok());
}

TEST(ResolveBinary, LdCacheParser) {
  std::ifstream in("/etc/ld.so.cache", std::ios::binary);
  if (!in) GTEST_SKIP() << "no /etc/ld.so.cache";
  std::stringstream ss;
  ss << in.rdbuf();
  auto hits = ld_cache_lookup(ss.str(), "libc.so.6");
  if (ss.str().find("glibc-ld.so.cache1.1") == std::string::npos) GTEST_SKIP() << "old cache format";
  ASSERT_FALSE(hits.empty());
  EXPECT_NE(hits.front().find("libc.so.6"), std::string::npos);
}

}  // namespace
}  // namespace probe
