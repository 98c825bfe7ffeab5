#include "runtime/tracefs.h"

#include <grp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace probe {
namespace {

const char *kOpenatFormat = R"(name: sys_enter_openat
ID: 640
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:int __syscall_nr;	offset:8;	size:4;	signed:1;
	field:int dfd;	offset:16;	size:8;	signed:0;
	field:const char * filename;	offset:24;	size:8;	signed:0;
	field:int flags;	offset:32;	size:8;	signed:0;
	field:umode_t mode;	offset:40;	size:8;	signed:0;

print fmt: "dfd: 0x%08lx", ((unsigned long)(REC->dfd))
)";

TEST(Tracefs, ParsesSyscallFormat) {
  auto r = parse_tracepoint_format("syscalls", "sys_enter_openat", kOpenatFormat);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Record &rec = **r;
  EXPECT_EQ(rec.name, "tracepoint:syscalls:sys_enter_openat");
  EXPECT_EQ(rec.size, 48u);
  EXPECT_EQ(rec.find("common_pid"), nullptr);
  const Field *f = rec.find("filename");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->offset, 24u);
  EXPECT_TRUE(f->type->is(TypeKind::Pointer));
  EXPECT_EQ(f->type->as, AddrSpace::User);
  EXPECT_EQ(*f->type->elem, Type::integer(1, true));
  const Field *nr = rec.find("__syscall_nr");
  ASSERT_NE(nr, nullptr);
  EXPECT_EQ(*nr->type, Type::integer(4, true));
}

TEST(Tracefs, ParsesArraysAndDataLoc) {
  const char *fmt = R"(	field:char comm[16];	offset:8;	size:16;	signed:0;
	field:pid_t pid;	offset:24;	size:4;	signed:1;
	field:__data_loc char[] name;	offset:28;	size:4;	signed:0;
	field:u64 vals[2];	offset:32;	size:16;	signed:0;
	field:struct task_struct * task;	offset:48;	size:8;	signed:0;
)";
  auto r = parse_tracepoint_format("sched", "x", fmt);
  ASSERT_TRUE(r.ok());
  const Record &rec = **r;
  EXPECT_EQ(*rec.find("comm")->type, Type::string(16));
  EXPECT_EQ(*rec.find("pid")->type, Type::integer(4, true));
  EXPECT_EQ(*rec.find("name")->type, Type::integer(4, false));
  EXPECT_EQ(*rec.find("vals")->type, Type::array(Type::integer(8, false), 2));
  EXPECT_EQ(rec.find("task")->type->as, AddrSpace::Kernel);
  EXPECT_EQ(rec.find("vals")->offset, 32u);
}

TEST(Tracefs, RealOpenatFormat) {
  if (geteuid() != 0) GTEST_SKIP() << "reading tracefs needs root";
  auto root = tracefs_root();
  if (!root.ok()) GTEST_SKIP() << "tracefs unavailable: " << root.error().message;
  auto r = tracepoint_format("syscalls", "sys_enter_openat");
  if (!r.ok()) GTEST_SKIP() << "no syscall tracepoints: " << r.error().message;
  const Field *f = (*r)->find("filename");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->offset, 24u);
  auto missing = tracepoint_format("syscalls", "no_such_event");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().hint.find("probe -l"), std::string::npos);
  auto list = list_tracepoints("sched", "sched_process_*");
  ASSERT_TRUE(list.ok());
  bool found = false;
  for (auto &[c, n] : *list) found |= (c == "sched" && n == "sched_process_exit");
  EXPECT_TRUE(found);
}

// Runs fn as user nobody in a forked child; returns what it wrote.
std::string as_nobody(std::string (*fn)()) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string out = setgroups(0, nullptr) == 0 && setresgid(65534, 65534, 65534) == 0 &&
                              setresuid(65534, 65534, 65534) == 0
                          ? fn()
                          : "setuid failed";
    (void)!write(fds[1], out.data(), out.size());
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, size_t(n));
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  return out;
}

// tracefs is mode 700: as non-root it is unreadable, not unmounted, and
// probe must neither say "not mounted" nor try to mount it.
TEST(Tracefs, UnreadableAsNonRootSaysPermission) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to switch to nobody";
  auto root = tracefs_root();
  if (!root.ok()) GTEST_SKIP() << "tracefs unavailable: " << root.error().message;
  std::string msg = as_nobody([] {
    auto r = tracefs_root();
    return r.ok() ? "ok " + *r : r.error().message + " | " + r.error().hint;
  });
  if (msg.rfind("ok ", 0) == 0) GTEST_SKIP() << "tracefs is world-readable here";
  EXPECT_NE(msg.find("cannot read tracefs at"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Permission denied"), std::string::npos) << msg;
  EXPECT_NE(msg.find("needs root"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("mount"), std::string::npos) << msg;
}

}  // namespace
}  // namespace probe

// A pointer to a struct in a format file is a pointer to that struct (laid
// out from BTF by sema); pointers to pointers and to scalars stay as they were.
TEST(TracefsFormat, StructPointerFieldIsTypedByName) {
  const std::string text =
      "format:\n"
      "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
      "\tfield:struct sockaddr * uservaddr;\toffset:24;\tsize:8;\tsigned:0;\n"
      "\tfield:const struct timespec * tsp;\toffset:32;\tsize:8;\tsigned:0;\n"
      "\tfield:struct foo ** pp;\toffset:40;\tsize:8;\tsigned:0;\n";
  auto rec = probe::parse_tracepoint_format("syscalls", "sys_enter_x", text);
  ASSERT_TRUE(rec.ok()) << rec.error().message;
  const probe::Field *f = (*rec)->find("uservaddr");
  ASSERT_NE(f, nullptr);
  ASSERT_TRUE(f->type->is(probe::TypeKind::Pointer));
  EXPECT_EQ(f->type->as, probe::AddrSpace::User);
  EXPECT_TRUE(f->type->elem->is(probe::TypeKind::Record));
  EXPECT_EQ(f->type->elem->name, "struct sockaddr");
  const probe::Field *t = (*rec)->find("tsp");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->type->elem->name, "struct timespec");
  const probe::Field *pp = (*rec)->find("pp");
  ASSERT_NE(pp, nullptr);
  EXPECT_TRUE(pp->type->elem->is_int());
}
