// Hostile and careless programs that used to abort or throw in sema or
// codegen, or to exhaust time and memory: each is now a located error.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <memory>
#include <string>

#include "driver/pass.h"
#include "frontend/sema/budget.h"
#include "frontend/sema/sema.h"

using namespace probe;

// A uprobe target in this binary (-rdynamic exports it).
extern "C" __attribute__((noinline, used)) int robustness_test_target(int a, int b) {
  asm volatile("" ::: "memory");
  return a + b;
}

namespace {

std::string self_exe() {
  char *p = realpath("/proc/self/exe", nullptr);
  std::string s = p ? p : "";
  free(p);
  return s;
}

const std::string kUprobe = "uprobe:/proc/self/exe:robustness_test_target";
const std::string kTracepoint = "tracepoint:syscalls:sys_enter_openat";

struct Analysis {
  bool ok = false;
  std::string rendered;
  Diagnostic first;
};

// Parse, probe-spec and sema, as the compiler runs them.
Analysis analyse(const std::string &text) {
  Config cfg;
  cfg.dry_run = true;
  cfg.self_exe = self_exe();
  PassContext ctx(cfg, SourceFile{"-e", text});
  PassManager pm;
  pm.add(CreateParsePass());
  pm.add(CreateProbeSpecPass());
  pm.add(CreateSemanticPass());
  Analysis r;
  r.ok = pm.run(ctx);
  r.rendered = ctx.diags.render(ctx.source);
  if (!ctx.diags.all().empty()) r.first = ctx.diags.all().front();
  return r;
}

// The program must be rejected with exactly one error whose message is
// `message`, at column `column` of line 1.
void rejects(const std::string &text, const std::string &message, int column) {
  Analysis r = analyse(text);
  EXPECT_FALSE(r.ok) << text;
  EXPECT_EQ(r.first.message, message) << text << "\n" << r.rendered;
  EXPECT_EQ(r.first.loc.begin.line, 1) << text;
  EXPECT_EQ(r.first.loc.begin.column, column) << text << "\n" << r.rendered;
}

}  // namespace

// A struct-typed value used by value reached codegen's store_into() and
// aborted with "internal error: store_into() of an unsupported expression".
TEST(StructValues, StatementOfAWholeStructIsAnError) {
  rejects("BEGIN { *curtask; }", "a statement of a whole struct (struct task_struct) does nothing", 9);
  rejects("BEGIN { curtask->thread; }", "a statement of a whole struct (struct thread_struct) does nothing", 9);
  rejects(kTracepoint + " { args; }",
          "a statement of a whole struct (tracepoint:syscalls:sys_enter_openat) does nothing", 40);
}

TEST(StructValues, TuplesMapsVariablesAndPrintRejectStructs) {
  rejects("BEGIN { (*curtask, 1); }", "a tuple cannot hold a value of type struct task_struct", 10);
  rejects("BEGIN { @x = (*curtask, 1); }", "a tuple cannot hold a value of type struct task_struct", 15);
  rejects("BEGIN { $a = (curtask->thread, 1); }", "a tuple cannot hold a value of type struct thread_struct",
          15);
  rejects(kTracepoint + " { (args, 1); }",
          "a tuple cannot hold a value of type tracepoint:syscalls:sys_enter_openat", 41);
  rejects("BEGIN { print(*curtask); }", "cannot print a value of type struct task_struct", 15);
  rejects("BEGIN { print((1, curtask->thread)); }", "a tuple cannot hold a value of type struct thread_struct",
          19);
  rejects("BEGIN { @x = *curtask; }", "cannot store a value of type struct task_struct in a map", 14);
  rejects("BEGIN { $x = *curtask; }", "cannot assign a value of type struct task_struct to a variable", 14);
  rejects("BEGIN { $x = 1 ? *curtask : *curtask; }",
          "'?:' cannot choose between whole structs (struct task_struct and struct task_struct)", 14);
  rejects(kTracepoint + " { $a = *args; }", "cannot dereference a value of type tracepoint:syscalls:sys_enter_openat",
          45);
  // Their fields are fine.
  EXPECT_TRUE(analyse("BEGIN { print(((*curtask).pid, curtask->thread.sp)); }").ok);
}

// arg99999999999 threw std::out_of_range from std::stoi.
TEST(ProbeArgs, HugeArgumentIndexIsAnError) {
  rejects(kUprobe + " { arg99999999999; }", "arg99999999999 is beyond the 6 register arguments of x86-64", 48);
  rejects(kUprobe + " { @[arg99999999999999999999999] = 1; }",
          "arg99999999999999999999999 is beyond the 6 register arguments of x86-64", 50);
  EXPECT_TRUE(analyse(kUprobe + " { @[arg5] = 1; }").ok);
}

// Three nested unroll(100) asked codegen for a million copies (1.7 GB,
// killed); the innermost unroll whose body goes past the budget is named.
TEST(Budget, NestedUnrollsOverTheBudget) {
  Analysis r = analyse("BEGIN { unroll(100) { unroll(100) { unroll(100) { @x = 1; } } } }");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first.loc.begin.column, 23) << r.rendered;
  EXPECT_NE(r.first.message.find("unroll(100) makes the program too large"), std::string::npos) << r.rendered;
  EXPECT_EQ(r.rendered.find("error", r.rendered.find("error") + 1), std::string::npos) << r.rendered;
  // 100 x 10 x (3 nodes) is well inside.
  EXPECT_TRUE(analyse("BEGIN { unroll(100) { unroll(10) { @x = 1; } } }").ok);
  // Deep nesting of unrolls saturates instead of overflowing.
  std::string deep = "BEGIN { ";
  for (int i = 0; i < 30; i++) deep += "unroll(100) { ";
  deep += "@x = 1;" + std::string(30, '}') + " }";
  r = analyse(deep);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.first.message.find("more than 8000 times"), std::string::npos) << r.rendered;
}

// 10 MB of `@x = 1;` exhausted memory; a few thousand map updates already
// take LLVM seconds.
TEST(Budget, TooManyStatements) {
  std::string text = "BEGIN { ";
  for (uint64_t i = 0; i < kMaxProgramNodes / 3 + 1; i++) text += "@x = 1; ";
  text += "}";
  Analysis r = analyse(text);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first.message, "the program is too large: it has more than 8000 expression and statement nodes");
  EXPECT_EQ(r.first.loc.begin.column, 9 + 8 * static_cast<int>(kMaxProgramNodes / 3)) << r.rendered;
  text = "BEGIN { ";
  for (uint64_t i = 0; i < 1000; i++) text += "@x = 1; ";
  EXPECT_TRUE(analyse(text + "}").ok);
}
