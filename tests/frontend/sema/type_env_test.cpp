// The name environment through the pipeline (preprocess, parse, sema):
// named constants from BTF and macros, casts to typedef names, sizeof and
// offsetof values, and the errors for names found nowhere.
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "config.h"
#include "frontend/sema/sema.h"
#include "pipeline/pass.h"

using namespace probe;

namespace {

bool have_btf() { return access("/sys/kernel/btf/vmlinux", R_OK) == 0; }

// A program run through preprocess, parse, probe-spec and sema.
struct Checked {
  std::unique_ptr<Config> cfg;
  std::unique_ptr<PassContext> ctx;
  bool ok = false;

  std::string rendered() const { return ctx->diags.render(ctx->source); }
  // The value expression of the n-th statement `$x = value` of the first probe.
  const ast::Expr &value(size_t n) const {
    return *ast::as<ast::AssignVar>(*ctx->ast->probes.at(0)->body.at(n)).value;
  }
  // The folded integer of that value (a constant identifier or a type query).
  int64_t constant(size_t n) const {
    int64_t v = -1;
    EXPECT_TRUE(Sema::int_constant(value(n), &v)) << "statement " << n;
    return v;
  }
};

Checked check(const std::string &text) {
  Checked c;
  c.cfg = std::make_unique<Config>();
  c.cfg->dry_run = true;
  c.ctx = std::make_unique<PassContext>(*c.cfg, SourceFile{"-e", text});
  PassManager pm;
  pm.add(CreatePreprocessPass());
  pm.add(CreateParsePass());
  pm.add(CreateProbeSpecPass());
  pm.add(CreateSemanticPass());
  c.ok = pm.run(*c.ctx);
  return c;
}

}  // namespace

TEST(TypeEnvSema, BtfEnumeratorsAreConstants) {
  if (!have_btf()) GTEST_SKIP() << "no kernel BTF";
  Checked c = check("BEGIN { $a = TCP_ESTABLISHED; $b = IPPROTO_TCP; $c = TCP_CLOSE; }");
  ASSERT_TRUE(c.ok) << c.rendered();
  EXPECT_EQ(c.constant(0), 1);
  EXPECT_EQ(c.constant(1), 6);
  EXPECT_EQ(c.constant(2), 7);
}

TEST(TypeEnvSema, DefineWinsOverBtf) {
  if (!have_btf()) GTEST_SKIP() << "no kernel BTF";
  Checked c = check("#define TCP_CLOSE 99\nBEGIN { $a = TCP_CLOSE; }");
  ASSERT_TRUE(c.ok) << c.rendered();
  EXPECT_EQ(c.value(0).kind, ast::ExprKind::Integer);  // the macro was expanded by the scanner
  EXPECT_EQ(c.constant(0), 99);
}

TEST(TypeEnvSema, KernelInternalConstant) {
  Checked c = check("BEGIN { $a = TASK_RUNNING; $b = TASK_UNINTERRUPTIBLE; }");
  ASSERT_TRUE(c.ok) << c.rendered();
  EXPECT_EQ(c.constant(0), 0);
  EXPECT_EQ(c.constant(1), 2);
}

TEST(TypeEnvSema, UnknownConstantSuggestsDefine) {
  Checked c = check("BEGIN { $a = NO_SUCH_CONSTANT_XYZ; }");
  ASSERT_FALSE(c.ok);
  const Diagnostic &d = c.ctx->diags.all().at(0);
  EXPECT_EQ(d.message, "unknown identifier 'NO_SUCH_CONSTANT_XYZ'");
  EXPECT_EQ(d.loc.begin.column, 14);
  ASSERT_FALSE(d.hints.empty());
  EXPECT_NE(d.hints[0].find("#define NO_SUCH_CONSTANT_XYZ VALUE"), std::string::npos) << d.hints[0];
}

TEST(TypeEnvSema, CastToKernelTypedef) {
  if (!have_btf()) GTEST_SKIP() << "no kernel BTF";
  Checked c = check("BEGIN { $a = (__kernel_pid_t)-1; $b = (__u16)70000; }");
  ASSERT_TRUE(c.ok) << c.rendered();
  EXPECT_EQ(c.value(0).type, Type::integer(4, true));
  EXPECT_EQ(c.value(1).type, Type::integer(2, false));
}

TEST(TypeEnvSema, SizeofTypesAndExpressions) {
  if (!have_btf()) GTEST_SKIP() << "no kernel BTF";
  Checked c = check("BEGIN { $a = sizeof(int32); $b = sizeof(struct list_head); $c = sizeof(comm); "
                    "$d = sizeof(__u16); $e = sizeof(struct list_head *); $f = sizeof($a); }");
  ASSERT_TRUE(c.ok) << c.rendered();
  EXPECT_EQ(c.constant(0), 4);
  EXPECT_EQ(c.constant(1), 16);
  EXPECT_EQ(c.constant(2), 16);
  EXPECT_EQ(c.constant(3), 2);
  EXPECT_EQ(c.constant(4), 8);
  EXPECT_EQ(c.constant(5), 8);
  EXPECT_EQ(c.value(0).type, Type::u64());
}

TEST(TypeEnvSema, OffsetofWalksNestedMembers) {
  if (!have_btf()) GTEST_SKIP() << "no kernel BTF";
  Checked c = check("BEGIN { $a = offsetof(struct list_head, prev); $b = offsetof(struct hlist_node, next); }");
  ASSERT_TRUE(c.ok) << c.rendered();
  EXPECT_EQ(c.constant(0), 8);
  EXPECT_EQ(c.constant(1), 0);
  Checked bad = check("BEGIN { $a = offsetof(struct list_head, nope); }");
  ASSERT_FALSE(bad.ok);
  EXPECT_EQ(bad.ctx->diags.all().at(0).message, "offsetof: struct list_head has no field 'nope'");
}
