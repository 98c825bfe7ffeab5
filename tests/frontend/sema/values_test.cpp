// Composite values in the semantic pass: tuple members ($t.N), pointer
// arithmetic, pointer-typed tracepoint arguments, arrays and structs as values.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "frontend/sema/sema.h"
#include "pipeline/pass.h"

using namespace probe;

namespace {

std::string exe_path() {
  char *p = realpath("/proc/self/exe", nullptr);
  std::string s = p ? p : "";
  free(p);
  return s;
}

// Parse + probe-spec + semantic, and what they produced.
struct Checked {
  std::unique_ptr<Config> cfg;
  std::unique_ptr<PassContext> ctx;
  bool ok = false;

  std::string rendered() const { return ctx->diags.render(ctx->source); }
  Type var(const std::string &name) const {
    auto &vars = ctx->var_types.at(0);
    auto it = vars.find(name);
    return it == vars.end() ? Type::none() : it->second;
  }
  const MapSpec *map(const std::string &name) const {
    for (const auto &m : ctx->maps)
      if (m.name == name) return &m;
    return nullptr;
  }
};

Checked check(const std::string &text) {
  Checked c;
  c.cfg = std::make_unique<Config>();
  c.cfg->dry_run = true;
  c.cfg->self_exe = exe_path();
  c.ctx = std::make_unique<PassContext>(*c.cfg, SourceFile{"-e", text});
  PassManager pm;
  pm.add(CreateParsePass());
  pm.add(CreateProbeSpecPass());
  pm.add(CreateSemanticPass());
  c.ok = pm.run(*c.ctx);
  return c;
}

bool have_btf() { return access("/sys/kernel/btf/vmlinux", R_OK) == 0; }
bool have_tracefs() { return access("/sys/kernel/tracing/events/syscalls/sys_enter_connect/format", R_OK) == 0; }

TEST(SemaTuple, MembersHaveTheirStorageTypes) {
  auto c = check("BEGIN { $t = (1, \"abc\", (2, (int8)3)); $a = $t.0; $b = $t.1; $c = $t.2; $d = $t.2.1; }");
  ASSERT_TRUE(c.ok) << c.rendered();
  EXPECT_EQ(c.var("$a"), Type::i64());
  EXPECT_EQ(c.var("$b"), Type::string(4));
  EXPECT_EQ(c.var("$c"), Type::tuple({Type::i64(), Type::i64()}));
  EXPECT_EQ(c.var("$d"), Type::i64());
}

TEST(SemaTuple, MemberOfMapValueAndLiteral) {
  auto c = check("BEGIN { @t = (5, \"x\"); $a = @t.0; $b = (7, 8).1; }");
  ASSERT_TRUE(c.ok) << c.rendered();
  EXPECT_EQ(c.var("$a"), Type::i64());
  EXPECT_EQ(c.var("$b"), Type::i64());
}

TEST(SemaTuple, IndexOutOfRangeIsLocated) {
  auto c = check("BEGIN { $t = (1, 2); $a = $t.2; }");
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.rendered().find("-e:1:27: error: tuple index 2 is out of range for (int64, int64) (2 members)"),
            std::string::npos)
      << c.rendered();
}

TEST(SemaTuple, NamedFieldAndArrowAreErrors) {
  auto c = check("BEGIN { $t = (1, 2); $a = $t.x; }");
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.rendered().find("a tuple has no field 'x'"), std::string::npos) << c.rendered();
  EXPECT_NE(c.rendered().find("$t.0` .. `$t.1"), std::string::npos) << c.rendered();
  auto d = check("BEGIN { $t = (1, 2); $a = $t->0; }");
  EXPECT_FALSE(d.ok);
  EXPECT_NE(d.rendered().find("read with '.', not '->'"), std::string::npos) << d.rendered();
}

TEST(SemaPointer, ArithmeticKeepsThePointerType) {
  auto c = check("BEGIN { $p = (int32 *)1000; $q = $p + 2; $r = 3 + $p; $s = $p - 1; $p++; $p += 4; $c = $p == $q; }");
  ASSERT_TRUE(c.ok) << c.rendered();
  EXPECT_TRUE(c.var("$q").is(TypeKind::Pointer));
  EXPECT_EQ(*c.var("$q").elem, Type::integer(4, true));
  EXPECT_TRUE(c.var("$r").is(TypeKind::Pointer));
  EXPECT_TRUE(c.var("$s").is(TypeKind::Pointer));
  EXPECT_EQ(c.var("$c"), Type::integer(8, false));
}

TEST(SemaPointer, OtherArithmeticIsAnError) {
  for (const char *e : {"$p * 2", "$p + $p", "$p - $p", "2 - $p", "$p & 1", "$p / 2", "-$p", "~$p"}) {
    auto c = check(std::string("BEGIN { $p = (int32 *)1000; $x = ") + e + "; }");
    EXPECT_FALSE(c.ok) << e;
    EXPECT_NE(c.rendered().find("error: operator"), std::string::npos) << e << "\n" << c.rendered();
  }
}

TEST(SemaPointer, IncrementNeedsIntegerOrPointer) {
  auto c = check("BEGIN { $s = \"a\"; $s++; }");
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.rendered().find("'++' needs an integer or a pointer, not string[2]"), std::string::npos) << c.rendered();
}

TEST(SemaPointer, TracepointStructPointerArgument) {
  if (geteuid() != 0 || !have_tracefs() || !have_btf()) GTEST_SKIP() << "needs root, tracefs and BTF";
  auto c = check("tracepoint:syscalls:sys_enter_connect { $f = args->uservaddr->sa_family; $a = args->uservaddr; }");
  ASSERT_TRUE(c.ok) << c.rendered();
  EXPECT_TRUE(c.var("$f").is_int());
  Type a = c.var("$a");
  ASSERT_TRUE(a.is(TypeKind::Pointer));
  EXPECT_EQ(a.as, AddrSpace::User);  // a syscall's argument points into user memory
  EXPECT_EQ(a.elem->name, "struct sockaddr");
}

}  // namespace

namespace {

TEST(SemaStruct, SmallStructsAreValuesLaidOutCompletely) {
  if (!have_btf()) GTEST_SKIP() << "needs kernel BTF";
  auto c = check("BEGIN { $l = curtask->se.load; @s = curtask->sighand->action[8].sa; @k[curtask->cred->uid] = 1; "
                 "$w = $l.weight; $m = @s.sa_mask; }");
  ASSERT_TRUE(c.ok) << c.rendered();
  Type l = c.var("$l");
  ASSERT_TRUE(l.is(TypeKind::Record));
  ASSERT_NE(l.record, nullptr);
  EXPECT_NE(l.record->find("weight"), nullptr);
  const MapSpec *s = c.map("@s");
  ASSERT_NE(s, nullptr);
  // The nested struct (sa_mask: sigset_t) is laid out too, for the runtime to print.
  const Field *mask = s->value.record->find("sa_mask");
  ASSERT_NE(mask, nullptr);
  ASSERT_TRUE(mask->type->is(TypeKind::Record));
  EXPECT_NE(mask->type->record, nullptr);
  EXPECT_TRUE(c.map("@k")->key.is(TypeKind::Record));
  EXPECT_TRUE(c.var("$w").is_int());
}

TEST(SemaStruct, ArrayOfStructsIndexAndOutOfBounds) {
  if (!have_btf()) GTEST_SKIP() << "needs kernel BTF";
  auto c = check("BEGIN { $r = curtask->signal->rlim[3]; $c = curtask->signal->rlim[3].rlim_cur; }");
  ASSERT_TRUE(c.ok) << c.rendered();
  EXPECT_TRUE(c.var("$r").is(TypeKind::Record));
  auto d = check("BEGIN { $r = curtask->signal->rlim[16]; }");
  EXPECT_FALSE(d.ok);
  EXPECT_NE(d.rendered().find("index 16 is out of bounds for struct rlimit[16] (valid indexes: 0 to 15)"),
            std::string::npos)
      << d.rendered();
}

TEST(SemaArray, EqualityNeedsTheSameArrayType) {
  if (!have_btf()) GTEST_SKIP() << "needs kernel BTF";
  auto c = check("BEGIN { $e = curtask->mm->saved_auxv == curtask->mm->saved_auxv; }");
  ASSERT_TRUE(c.ok) << c.rendered();
  EXPECT_EQ(c.var("$e"), Type::integer(8, false));
  auto d = check("BEGIN { $e = curtask->mm->saved_auxv == curtask->signal->rlim; }");
  EXPECT_FALSE(d.ok);
  EXPECT_NE(d.rendered().find("compares arrays of the same type"), std::string::npos) << d.rendered();
}

TEST(SemaStruct, ArgsOfARawTracepointIsNotAValue) {
  if (geteuid() != 0 || !have_btf()) GTEST_SKIP() << "needs root and BTF";
  auto c = check("rawtracepoint:sched_switch { @r = args; }");
  EXPECT_FALSE(c.ok);
}

}  // namespace
