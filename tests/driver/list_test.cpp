#include "driver/list.h"

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace probe {
namespace {

TEST(List, SoftwareEvents) {
  const auto &ev = software_event_names();
  ASSERT_EQ(ev.size(), 11u);
  EXPECT_EQ(ev[0], (std::pair<std::string, std::string>{"cpu-clock", "cpu"}));
  EXPECT_EQ(ev.back().first, "bpf-output");
}

TEST(List, CTypeNames) {
  Type file;
  file.kind = TypeKind::Record;
  file.name = "struct file";
  EXPECT_EQ(c_type_name(Type::pointer(file, AddrSpace::Kernel)), "struct file *");
  Type ch = Type::integer(1, true);
  ch.name = "char";
  EXPECT_EQ(c_type_name(Type::pointer(ch, AddrSpace::Kernel)), "char *");
  EXPECT_EQ(c_type_name(Type::pointer(Type::pointer(ch, AddrSpace::Kernel), AddrSpace::Kernel)), "char **");
  EXPECT_EQ(c_type_name(Type::pointer(Type::void_(), AddrSpace::Kernel)), "void *");
  EXPECT_EQ(c_type_name(Type::string(16)), "char[16]");
  EXPECT_EQ(c_type_name(Type::integer(8, false)), "uint64");
}

TEST(List, ProtoLines) {
  FuncProto p;
  p.name = "vfs_read";
  Type sz = Type::integer(8, false);
  sz.name = "size_t";
  Type ret = Type::integer(8, true);
  ret.name = "ssize_t";
  p.params = {{"count", sz}};
  p.ret = ret;
  EXPECT_EQ(proto_lines(p, true), (std::vector<std::string>{"    size_t count", "    ssize_t retval"}));
  EXPECT_EQ(proto_lines(p, false), (std::vector<std::string>{"    size_t count"}));
  p.ret = Type::void_();
  EXPECT_EQ(proto_lines(p, true), (std::vector<std::string>{"    size_t count"}));
}

TEST(List, TracepointFieldLines) {
  const char *fmt =
      "name: sys_enter_openat\nID: 700\nformat:\n"
      "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
      "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
      "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
      "\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
      "\tfield:char comm[16];\toffset:32;\tsize:16;\tsigned:0;\n\n"
      "print fmt: \"...\"\n";
  EXPECT_EQ(tracepoint_field_lines(fmt),
            (std::vector<std::string>{"    int __syscall_nr", "    const char * filename",
                                      "    char comm[16]"}));
}

TEST(List, CanonicalPattern) {
  EXPECT_EQ(canonical_pattern("t:syscalls:*"), "tracepoint:syscalls:*");
  EXPECT_EQ(canonical_pattern("k:vfs_*"), "kprobe:vfs_*");
  EXPECT_EQ(canonical_pattern("kfunc:vfs_read"), "fentry:vfs_read");
  EXPECT_EQ(canonical_pattern("*:vfs_read"), "*:vfs_read");
  EXPECT_EQ(canonical_pattern("nosuch:x"), "nosuch:x");
  EXPECT_EQ(canonical_pattern("vfs_read"), "vfs_read");
}

// list_probes(pattern)'s exit status as user nobody, output discarded.
int list_status_as_nobody(const char *pattern) {
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    if (setgroups(0, nullptr) != 0 || setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0)
      _exit(99);
    _exit(list_probes(pattern, false, Config{}));
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// An error while listing (tracefs unreadable as non-root) is exit status 1, not 0.
TEST(List, FailureIsExitStatusOne) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to switch to nobody";
  if (access("/sys/kernel/tracing/events", R_OK) != 0) GTEST_SKIP() << "no tracefs";
  EXPECT_EQ(list_status_as_nobody("software:*"), 0);
  EXPECT_EQ(list_status_as_nobody("tracepoint:syscalls:sys_enter_openat"), 1);
  EXPECT_EQ(list_status_as_nobody("*:sys_enter_openat"), 1);
  EXPECT_EQ(list_status_as_nobody("uprobe:/no/such/binary:*"), 1);
}

}  // namespace
}  // namespace probe
