// LLVM's own errors reach the user as located diagnostics: without a
// handler LLVM printed them raw ("error: <unknown>:0:0: in function ...")
// and called exit(1) from inside compile().
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "driver/compiler.h"

using namespace probe;

TEST(LlvmErrors, StackLimitIsALocatedDiagnostic) {
  Config cfg;
  cfg.dry_run = true;
  auto ctx = compile(cfg, SourceFile{"-e", "BEGIN { $t = (str(0, 64), str(0, 64), str(0, 64), str(0, 64)); "
                                           "@k[$t] = 1; }"});
  ASSERT_TRUE(ctx->diags.has_errors());
  ASSERT_EQ(ctx->diags.all().size(), 1u) << ctx->diags.render(ctx->source);  // not once per instruction
  const Diagnostic &d = ctx->diags.all()[0];
  EXPECT_EQ(d.message, "this probe needs more than the 512 bytes of BPF stack");
  EXPECT_TRUE(d.has_loc);
  EXPECT_EQ(d.loc.begin.line, 1);
  EXPECT_EQ(d.loc.begin.column, 64);
  EXPECT_TRUE(ctx->output.elf.empty());
}

// A second compile in the same process still works (the handler is reset).
TEST(LlvmErrors, NextCompileIsUnaffected) {
  Config cfg;
  cfg.dry_run = true;
  auto ctx = compile(cfg, SourceFile{"-e", "BEGIN { @x = 1; }"});
  EXPECT_FALSE(ctx->diags.has_errors()) << ctx->diags.render(ctx->source);
  EXPECT_FALSE(ctx->output.elf.empty());
}
