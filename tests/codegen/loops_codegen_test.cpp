// Codegen of for loops (callbacks), ?: and unroll($N): the IR and the object.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <memory>
#include <string>

#include "driver/compiler.h"

using namespace probe;

namespace {

struct Ir {
  std::unique_ptr<Config> cfg;
  std::unique_ptr<PassContext> ctx;
  std::string text() const { return ctx->output.listing; }
};

Ir ir_of(const std::string &prog, std::vector<std::string> params = {}) {
  Ir r;
  r.cfg = std::make_unique<Config>();
  r.cfg->dry_run = true;
  r.cfg->dump_ir = true;
  r.cfg->params = std::move(params);
  r.ctx = compile(*r.cfg, SourceFile{"-e", prog});
  EXPECT_FALSE(r.ctx->diags.has_errors()) << r.ctx->diags.render(r.ctx->source);
  EXPECT_FALSE(r.ctx->output.elf.empty());
  return r;
}

size_t count(const std::string &s, const std::string &what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) n++;
  return n;
}

}  // namespace

TEST(LoopsCodegen, MapLoopIsAForEachCallback) {
  auto r = ir_of("BEGIN { @m[1] = 2; for ($kv : @m) { print($kv); } }");
  std::string ir = r.text();
  EXPECT_NE(ir.find("define internal i64 @BEGIN_0_for0(ptr"), std::string::npos) << ir;
  EXPECT_NE(ir.find("i64 164 to ptr"), std::string::npos) << "bpf_for_each_map_elem\n" << ir;
}

TEST(LoopsCodegen, RangeLoopIsABpfLoopCallback) {
  auto r = ir_of("BEGIN { for ($i : 0..10) { for ($j : 0..$i) { printf(\"%d\\n\", $j); } } }");
  std::string ir = r.text();
  EXPECT_NE(ir.find("define internal i64 @BEGIN_0_for0(i64"), std::string::npos) << ir;
  EXPECT_NE(ir.find("define internal i64 @BEGIN_0_for1(i64"), std::string::npos) << ir;
  EXPECT_EQ(count(ir, "i64 181 to ptr"), 2u) << "one bpf_loop per loop\n" << ir;
}

TEST(LoopsCodegen, ProbeVariablesAreZeroedWhenALoopMayReadThem) {
  auto r = ir_of("BEGIN { $a = 1; for ($i : 0..2) { $a += $i; } print($a); }");
  EXPECT_NE(r.text().find("memset"), std::string::npos) << r.text();
}

TEST(LoopsCodegen, ElvisEvaluatesTheRightOnlyWhenNeeded) {
  auto r = ir_of("BEGIN { $a = pid; $b = $a ?: @x++; }");
  std::string ir = r.text();
  // The map update of @x++ sits behind a branch on $a.
  EXPECT_NE(ir.find("br i1"), std::string::npos) << ir;
}

TEST(LoopsCodegen, UnrollOfAParameterRepeatsTheBody) {
  auto r = ir_of("BEGIN { unroll($1) { @c = count(); } }", {"4"});
  auto once = ir_of("BEGIN { unroll(1) { @c = count(); } }");
  EXPECT_GT(r.text().size(), once.text().size());
}
