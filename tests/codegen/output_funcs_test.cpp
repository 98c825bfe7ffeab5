// Codegen of issue 8's output functions: which helpers and ring-buffer
// events each one emits, read from the BPF assembly listing (-d asm).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <regex>
#include <string>

#include "driver/compiler.h"

namespace probe {
namespace {

extern "C" __attribute__((noinline, used)) int output_funcs_test_target(int a) {
  asm volatile("" ::: "memory");
  return a;
}

std::string self_exe() {
  char *p = realpath("/proc/self/exe", nullptr);
  std::string s = p ? p : "";
  free(p);
  return s;
}

const std::string kUprobe = "uprobe:/proc/self/exe:output_funcs_test_target";

// The program's BPF assembly (dry run); fails the test on errors.
std::string assembly(const std::string &text, bool unsafe = false) {
  Config cfg;
  cfg.dry_run = true;
  cfg.dump_asm = true;
  cfg.unsafe = unsafe;
  cfg.self_exe = self_exe();
  auto ctx = compile(cfg, SourceFile{"-e", text});
  EXPECT_FALSE(ctx->diags.has_errors()) << text << "\n" << ctx->diags.render(ctx->source);
  return ctx->output.listing;
}

// How often `call N` (BPF helper N) appears in asm.
int calls(const std::string &asm_text, int helper) {
  std::regex re("\\bcall " + std::to_string(helper) + "\\b");
  return int(std::distance(std::sregex_iterator(asm_text.begin(), asm_text.end(), re), std::sregex_iterator()));
}

constexpr int kRingbufReserve = 131;  // BPF_FUNC_ringbuf_reserve

// exit() returns from the probe: the printf after it is never emitted.
TEST(CodegenOutputFuncs, ExitEndsTheProbe) {
  EXPECT_EQ(calls(assembly("BEGIN { printf(\"a\\n\"); printf(\"b\\n\"); }"), kRingbufReserve), 2);
  EXPECT_EQ(calls(assembly("BEGIN { printf(\"a\\n\"); exit(); printf(\"b\\n\"); }"), kRingbufReserve), 2);
  // In a branch, only that branch ends.
  EXPECT_EQ(calls(assembly("BEGIN { if (pid > 1) { exit(); printf(\"x\\n\"); } printf(\"b\\n\"); }"),
                  kRingbufReserve), 2);
}

TEST(CodegenOutputFuncs, TablesForTimeJoinCatSystem) {
  Config cfg;
  cfg.dry_run = true;
  cfg.unsafe = true;
  cfg.self_exe = self_exe();
  cfg.join_argnum = 4;
  cfg.join_argsize = 32;
  auto ctx = compile(cfg, SourceFile{"-e", kUprobe + " { time(); time(\"%H\"); join(arg0, \",\"); cat(\"/proc/%d/stat\", pid);"
                                           " system(\"echo %s\", comm); }"});
  ASSERT_FALSE(ctx->diags.has_errors()) << ctx->diags.render(ctx->source);
  const auto &pf = ctx->output.printfs;
  ASSERT_EQ(pf.size(), 5u);
  EXPECT_EQ(pf[0].format, "%H:%M:%S\n");  // bpftrace's default
  EXPECT_EQ(pf[1].format, "%H");
  EXPECT_EQ(pf[2].format, ",");
  EXPECT_EQ(pf[2].slot_size, 32u);
  EXPECT_EQ(pf[2].payload_size, 8u + 4 * 32);
  EXPECT_EQ(pf[3].format, "/proc/%d/stat");
  EXPECT_EQ(pf[3].args.size(), 1u);
  EXPECT_EQ(pf[4].args[0], Type::string(16));
}

// join() reads each argv slot (probe_read_user) and string (probe_read_user_str).
TEST(CodegenOutputFuncs, JoinReadsEverySlot) {
  std::string a = assembly(kUprobe + " { join(arg0); }");
  EXPECT_EQ(calls(a, 112), 16);  // BPF_FUNC_probe_read_user: one pointer per slot
  EXPECT_EQ(calls(a, 114), 16);  // BPF_FUNC_probe_read_user_str
}

// Per-event output (printf, print, time, join, cat, system) in a hot probe
// does not wake the reader each time (ringbuf_query decides); exit() does.
TEST(CodegenOutputFuncs, PerEventOutputDoesNotWakeTheReader) {
  constexpr int kRingbufQuery = 134;  // BPF_FUNC_ringbuf_query
  EXPECT_EQ(calls(assembly(kUprobe + " { time(); join(arg0); cat(\"/x\"); }"), kRingbufQuery), 3);
  EXPECT_EQ(calls(assembly(kUprobe + " { exit(); }"), kRingbufQuery), 0);
  EXPECT_EQ(calls(assembly("BEGIN { time(); }"), kRingbufQuery), 0);
}

TEST(CodegenOutputFuncs, UnsafeHelpers) {
  std::string a = assembly(kUprobe + " { signal(\"SIGUSR1\"); signal(arg0); }", true);
  EXPECT_EQ(calls(a, 109), 2);  // BPF_FUNC_send_signal
  EXPECT_TRUE(std::regex_search(a, std::regex("= 10\\b"))) << a;  // SIGUSR1 as a constant
}

TEST(CodegenOutputFuncs, DebugfIsTracePrintk) {
  EXPECT_EQ(calls(assembly("BEGIN { debugf(\"x %d %s\\n\", 1, \"ab\"); }"), 6), 1);  // BPF_FUNC_trace_printk
}

TEST(CodegenOutputFuncs, BufReadsTheLength) {
  std::string a = assembly(kUprobe + " { printf(\"%r\\n\", buf(arg0, arg1)); }");
  EXPECT_EQ(calls(a, 112), 1);
  Config cfg;
  cfg.dry_run = true;
  cfg.self_exe = self_exe();
  auto ctx = compile(cfg, SourceFile{"-e", kUprobe + " { printf(\"%r%r\\n\", buf(arg0, arg1), buf(arg0, 5)); }"});
  ASSERT_FALSE(ctx->diags.has_errors());
  EXPECT_EQ(ctx->output.printfs[0].args[0], Type::buffer(64));  // variable: the string size
  EXPECT_EQ(ctx->output.printfs[0].args[1], Type::buffer(5));
  EXPECT_EQ(ctx->output.printfs[0].payload_size, 8u + 64 + 8 + 8);
}

}  // namespace
}  // namespace probe
