// LLVM's own errors reach the user as located diagnostics: without a
// handler LLVM printed them raw ("error: <unknown>:0:0: in function ...")
// and called exit(1) from inside compile().
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "driver/compiler.h"

using namespace probe;

// 80 values live at once (each left operand waits for its right one across
// a helper call): LLVM's spills alone exceed the stack.
TEST(LlvmErrors, StackLimitIsALocatedDiagnostic) {
  Config cfg;
  cfg.dry_run = true;
  std::string e = "nsecs";
  for (int i = 0; i < 80; i++) e = "nsecs ^ (" + e + ")";
  auto ctx = compile(cfg, SourceFile{"-e", "BEGIN { @x = " + e + "; }"});
  ASSERT_TRUE(ctx->diags.has_errors());
  ASSERT_EQ(ctx->diags.all().size(), 1u) << ctx->diags.render(ctx->source);  // not once per instruction
  const Diagnostic &d = ctx->diags.all()[0];
  EXPECT_EQ(d.message, "this probe needs more than the 512 bytes of BPF stack");
  EXPECT_TRUE(d.has_loc);
  EXPECT_EQ(d.loc.begin.line, 1);
  EXPECT_TRUE(ctx->output.elf.empty());
}

// Large temporaries move to the per-CPU scratch map: this tuple key of four
// 64-byte strings overflowed the stack before.
TEST(LlvmErrors, LargeTupleKeyFitsThroughScratch) {
  Config cfg;
  cfg.dry_run = true;
  auto ctx = compile(cfg, SourceFile{"-e", "BEGIN { $t = (str(0, 64), str(0, 64), str(0, 64), str(0, 64)); "
                                           "@k[$t] = 1; }"});
  EXPECT_FALSE(ctx->diags.has_errors()) << ctx->diags.render(ctx->source);
  EXPECT_FALSE(ctx->output.elf.empty());
}

// A second compile in the same process still works (the handler is reset).
TEST(LlvmErrors, NextCompileIsUnaffected) {
  Config cfg;
  cfg.dry_run = true;
  auto ctx = compile(cfg, SourceFile{"-e", "BEGIN { @x = 1; }"});
  EXPECT_FALSE(ctx->diags.has_errors()) << ctx->diags.render(ctx->source);
  EXPECT_FALSE(ctx->output.elf.empty());
}
