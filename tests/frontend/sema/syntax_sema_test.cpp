// Semantic checks of current bpftrace syntax: let scopes, for loops, ?:,
// positional parameters in attach points and unroll, missing attach points.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <memory>
#include <string>
#include <vector>

#include "frontend/sema/sema.h"
#include "pipeline/pass.h"

using namespace probe;

namespace {

struct Result {
  std::unique_ptr<PassContext> ctx;
  bool ok = false;
  std::string rendered() const { return ctx->diags.render(ctx->source); }
  Type var(const std::string &slot) const {
    const auto &vars = ctx->var_types.at(0);
    auto it = vars.find(slot);
    return it == vars.end() ? Type::none() : it->second;
  }
};

Result run(const std::string &text, std::vector<std::string> params = {}, Config cfg = Config{}) {
  Result r;
  cfg.dry_run = true;
  cfg.params = std::move(params);
  r.ctx = std::make_unique<PassContext>(cfg, SourceFile{"-e", text});
  PassManager pm;
  pm.add(CreateParsePass());
  pm.add(CreateProbeSpecPass());
  pm.add(CreateSemanticPass());
  r.ok = pm.run(*r.ctx);
  return r;
}

bool has(const Result &r, const std::string &text) { return r.rendered().find(text) != std::string::npos; }

}  // namespace

TEST(SyntaxSema, LetDeclaresAVariable) {
  auto r = run("BEGIN { let $a = 1; let $b; let $c: u8 = 3; let $s: string = \"hi\"; $a = $b + $c; }");
  ASSERT_TRUE(r.ok) << r.rendered();
  EXPECT_EQ(r.var("$a"), Type::integer(8, true));
  EXPECT_EQ(r.var("$c"), Type::integer(8, false));
  EXPECT_TRUE(r.var("$s").is(TypeKind::String));
}

TEST(SyntaxSema, RedeclarationIsAnError) {
  auto r = run("BEGIN { let $a = 1;\n let $a = 2; }");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(has(r, "-e:2:6: error: variable '$a' is already declared")) << r.rendered();
  EXPECT_TRUE(has(r, "its declaration is at line 1, column 13")) << r.rendered();
  // Also over a plain variable assigned before, and in a nested block.
  EXPECT_FALSE(run("BEGIN { $a = 1; let $a = 2; }").ok);
  EXPECT_FALSE(run("BEGIN { let $a = 1; if (1) { let $a = 2; } }").ok);
}

TEST(SyntaxSema, LetIsBlockScoped) {
  // Sibling blocks may each declare $x, with their own types and slots.
  auto r = run("BEGIN { if (1) { let $x = 1; } if (1) { let $x = \"s\"; } }");
  ASSERT_TRUE(r.ok) << r.rendered();
  EXPECT_EQ(r.var("$x"), Type::integer(8, true));
  EXPECT_TRUE(r.var("$x'2").is(TypeKind::String));
  auto gone = run("BEGIN { if (1) { let $x = 1; } $y = $x; }");
  EXPECT_FALSE(gone.ok);
  EXPECT_TRUE(has(gone, "error: undefined variable '$x'")) << gone.rendered();
  EXPECT_TRUE(has(gone, "was declared with `let` at line 1, column 22 in a block that has ended")) << gone.rendered();
}

TEST(SyntaxSema, PlainVariablesStayProbeWide) {
  // bpftrace 0.17: a variable first assigned in a block is visible after it.
  auto r = run("BEGIN { if (1) { $x = 1; } $y = $x; }");
  ASSERT_TRUE(r.ok) << r.rendered();
}

TEST(SyntaxSema, ForOverMapTypesTheTuple) {
  auto r = run("BEGIN { @m[\"a\", 1] = 5; for ($kv : @m) { @n = $kv; } }");
  ASSERT_TRUE(r.ok) << r.rendered();
  Type kv = r.var("$kv");
  ASSERT_TRUE(kv.is(TypeKind::Tuple)) << kv.to_string();
  ASSERT_EQ(kv.fields.size(), 2u);
  EXPECT_TRUE(kv.fields[0].is(TypeKind::Tuple));
  EXPECT_TRUE(kv.fields[1].is_int());
}

TEST(SyntaxSema, ForOverMapErrors) {
  auto agg = run("BEGIN { @c[1] = count(); for ($kv : @c) { } }");
  EXPECT_FALSE(agg.ok);
  EXPECT_TRUE(has(agg, "-e:1:37: error: cannot iterate over map '@c'")) << agg.rendered();
  auto scalar = run("BEGIN { @s = 1; for ($kv : @s) { } }");
  EXPECT_FALSE(scalar.ok);
  EXPECT_TRUE(has(scalar, "cannot iterate over map '@s': it has no keys")) << scalar.rendered();
  auto never = run("BEGIN { for ($kv : @nope) { } }");
  EXPECT_FALSE(never.ok);
  EXPECT_TRUE(has(never, "map '@nope' is used but never assigned")) << never.rendered();
  auto keyed = run("BEGIN { @m[1] = 1; for ($kv : @m[1]) { } }");
  EXPECT_FALSE(keyed.ok);
}

TEST(SyntaxSema, ForOverRange) {
  auto r = run("BEGIN { $n = 3; for ($i : 0..$n) { $s = $i; } }");
  ASSERT_TRUE(r.ok) << r.rendered();
  EXPECT_TRUE(r.var("$i").is_int());
  auto bad = run("BEGIN { for ($i : 0..\"x\") { } }");
  EXPECT_FALSE(bad.ok);
  EXPECT_TRUE(has(bad, "-e:1:22: error: a range's bounds must be integers, not string[2]")) << bad.rendered();
  // The loop variable ends with the loop.
  auto after = run("BEGIN { for ($i : 0..2) { } $x = $i; }");
  EXPECT_FALSE(after.ok);
}

TEST(SyntaxSema, BreakAndContinueNeedALoop) {
  EXPECT_TRUE(run("BEGIN { for ($i : 0..2) { break; } while (1) { continue; } }").ok);
  auto r = run("BEGIN { break; }");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(has(r, "error: break outside of a loop")) << r.rendered();
  EXPECT_TRUE(run("BEGIN { return; }").ok);
}

TEST(SyntaxSema, Elvis) {
  auto r = run("BEGIN { $a = 0 ?: 5; $p = curtask ?: curtask; }");
  ASSERT_TRUE(r.ok) << r.rendered();
  EXPECT_TRUE(r.var("$a").is_int());
  EXPECT_TRUE(r.var("$p").is(TypeKind::Pointer));
  auto bad = run("BEGIN { $a = \"x\" ?: 5; }");
  EXPECT_FALSE(bad.ok);
  EXPECT_TRUE(has(bad, "error: operator '?:' needs two integers")) << bad.rendered();
}

TEST(SyntaxSema, UnrollOfAParameter) {
  EXPECT_TRUE(run("BEGIN { unroll($1) { } }", {"3"}).ok);
  auto zero = run("BEGIN { unroll($1) { } }");
  EXPECT_FALSE(zero.ok);
  EXPECT_TRUE(has(zero, "unroll count must be between 1 and 100, not 0")) << zero.rendered();
  auto text = run("BEGIN { unroll($1) { } }", {"abc"});
  EXPECT_FALSE(text.ok);
  EXPECT_TRUE(has(text, "unroll needs an integer constant")) << text.rendered();
}

TEST(SyntaxSema, ParametersInAttachPoints) {
  auto r = run("interval:s:$1, profile:hz:$2 { }", {"5", "99"});
  ASSERT_TRUE(r.ok) << r.rendered();
  ASSERT_EQ(r.ctx->probes.size(), 2u);
  EXPECT_EQ(r.ctx->ast->probes[0]->attach_points[0]->raw, "interval:s:5");
  EXPECT_EQ(r.ctx->ast->probes[0]->attach_points[1]->raw, "profile:hz:99");
  auto missing = run("interval:s:$1 { }");
  EXPECT_FALSE(missing.ok);
}

TEST(SyntaxSema, ConfigBlockReachesThePipeline) {
  auto r = run("config = { max_strlen = 16; max_probes = 1 } BEGIN { $s = str(0); }");
  ASSERT_TRUE(r.ok) << r.rendered();
  EXPECT_EQ(r.ctx->config.str_size, 16u);
  EXPECT_EQ(r.var("$s"), Type::string(16));
  auto over = run("config = { max_probes = 1 } BEGIN { } END { }");
  EXPECT_FALSE(over.ok);
  EXPECT_TRUE(has(over, "more than the limit of 1")) << over.rendered();
  auto unknown = run("config = { nope = 1 } BEGIN { }");
  EXPECT_FALSE(unknown.ok);
  EXPECT_TRUE(has(unknown, "-e:1:12: error: unknown config setting 'nope'")) << unknown.rendered();
}

TEST(SyntaxSema, MissingAttachPointAmongOthersWarns) {
  if (access("/sys/kernel/tracing/events/syscalls/sys_enter_getpid", F_OK) != 0) GTEST_SKIP() << "no tracefs";
  const std::string prog = "tracepoint:syscalls:sys_enter_getpid, tracepoint:syscalls:sys_enter_no_such { }";
  auto r = run(prog);
  ASSERT_TRUE(r.ok) << r.rendered();
  EXPECT_EQ(r.ctx->probes.size(), 1u);
  EXPECT_TRUE(has(r, "-e:1:39: warning: cannot read the format of tracepoint:syscalls:sys_enter_no_such")) << r.rendered();
  Config strict;
  strict.missing_probes = "error";
  EXPECT_FALSE(run(prog, {}, strict).ok);
  Config quiet;
  quiet.missing_probes = "ignore";
  auto q = run(prog, {}, quiet);
  EXPECT_TRUE(q.ok);
  EXPECT_TRUE(q.ctx->diags.all().empty());
  // All missing, or a wildcard that matches nothing: errors.
  EXPECT_FALSE(run("tracepoint:syscalls:sys_enter_no_such, tracepoint:syscalls:sys_enter_no_such2 { }").ok);
  EXPECT_FALSE(run("tracepoint:syscalls:sys_enter_getpid, tracepoint:syscalls:sys_enter_no_such* { }").ok);
}
