// Type rules of issue 9's value builtins (builtins/values.cpp, cgroup.cpp,
// strings.cpp, identity.cpp, probe_args.cpp): result types and the errors
// for misuse, checked through variables' inferred types.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <memory>
#include <string>

#include "frontend/sema/sema.h"
#include "pipeline/pass.h"

using namespace probe;

extern "C" __attribute__((noinline, used)) long value_builtins_target(long a) {
  asm volatile("" ::: "memory");
  return a;
}
extern "C" __attribute__((used)) volatile long value_builtins_object = 7;
extern "C" __attribute__((used)) volatile unsigned short value_builtins_short = 7;

namespace {

struct Analysis {
  std::unique_ptr<Config> cfg;
  std::unique_ptr<PassContext> ctx;
  bool ok = false;
  Type var(const std::string &name) const {
    auto &vars = ctx->var_types.at(0);
    auto it = vars.find(name);
    return it == vars.end() ? Type::none() : it->second;
  }
  std::string rendered() const { return ctx->diags.render(ctx->source); }
};

std::string self_exe() {
  char *p = realpath("/proc/self/exe", nullptr);
  std::string s = p ? p : "";
  free(p);
  return s;
}

Analysis run(const std::string &text) {
  Analysis r;
  r.cfg = std::make_unique<Config>();
  r.cfg->dry_run = true;
  r.cfg->self_exe = self_exe();
  r.ctx = std::make_unique<PassContext>(*r.cfg, SourceFile{"-e", text});
  PassManager pm;
  pm.add(CreateParsePass());
  pm.add(CreateProbeSpecPass());
  pm.add(CreateSemanticPass());
  r.ok = pm.run(*r.ctx);
  return r;
}

// The type of $v in `BEGIN { $v = EXPR; }` (or in probe `where`).
Type type_of(const std::string &expr, const std::string &where = "BEGIN") {
  Analysis r = run(where + " { $v = " + expr + "; }");
  EXPECT_TRUE(r.ok) << expr << "\n" << r.rendered();
  return r.ok ? r.var("$v") : Type::none();
}

// The rendered diagnostics of a program that must be rejected.
std::string error_of(const std::string &text) {
  Analysis r = run(text);
  EXPECT_FALSE(r.ok) << text;
  return r.rendered();
}

bool has(const std::string &hay, const std::string &needle) { return hay.find(needle) != std::string::npos; }

const std::string kUprobe = "uprobe:/proc/self/exe:value_builtins_target";

}  // namespace

TEST(ValueBuiltins, BswapKeepsTheWidthAndIsUnsigned) {
  EXPECT_EQ(type_of("bswap((uint16)0x1234)"), Type::integer(2, false));
  EXPECT_EQ(type_of("bswap((int8)-2)"), Type::integer(1, false));
  EXPECT_EQ(type_of("bswap(1)"), Type::integer(8, false));
  EXPECT_TRUE(has(error_of("BEGIN { $v = bswap(\"ab\"); }"), "bswap() takes an integer, not string[3]"));
}

TEST(ValueBuiltins, KptrAndUptrAnnotatePointers) {
  Type k = type_of("kptr(curtask)");
  EXPECT_EQ(k.kind, TypeKind::Pointer);
  EXPECT_EQ(k.as, AddrSpace::Kernel);
  Type u = type_of("uptr(curtask)");
  EXPECT_EQ(u.as, AddrSpace::User);
  EXPECT_EQ(type_of("kptr(1)"), Type::i64());  // an integer stays one
}

TEST(ValueBuiltins, FormattedValues) {
  EXPECT_EQ(type_of("strerror(2)"), Type::formatted("strerror"));
  EXPECT_EQ(type_of("username"), Type::formatted("username"));
  EXPECT_EQ(type_of("cgroup_path(cgroup)"), Type::formatted("cgroup_path"));
  EXPECT_EQ(type_of("cgroup_path(1, \"c*\")"), Type::formatted("cgroup_path:c*"));
  EXPECT_EQ(Type::formatted("cgroup_path:c*").to_string(), "cgroup_path_t");
  EXPECT_EQ(storage_size(Type::formatted("strerror")), 8u);
  EXPECT_TRUE(has(error_of("BEGIN { $v = strerror(\"x\"); }"), "strerror() takes an error number"));
  EXPECT_TRUE(has(error_of("BEGIN { $x = \"a\"; $v = cgroup_path(1, $x); }"), "takes its filter as a string literal"));
}

TEST(ValueBuiltins, IdentityAndSystem) {
  EXPECT_EQ(type_of("cgroup"), Type::u64());
  EXPECT_EQ(type_of("jiffies"), Type::u64());
  EXPECT_EQ(type_of("ncpus"), Type::u64());
  EXPECT_EQ(type_of("numaid"), Type::u64());  // as bpftrace 0.17
  EXPECT_EQ(type_of("cgroupid(\"/sys/fs/cgroup/unified\")"), Type::u64());
  EXPECT_TRUE(has(error_of("BEGIN { $v = cgroupid(\"/no/such/cgroup\"); }"),
                  "cannot get the cgroup id of \"/no/such/cgroup\": No such file or directory"));
  EXPECT_TRUE(has(error_of("BEGIN { $p = \"/sys\"; $v = cgroupid($p); }"), "as a string literal"));
}

TEST(ValueBuiltins, StringComparisons) {
  EXPECT_EQ(type_of("strncmp(\"a\", \"b\", 1)"), Type::u64());
  EXPECT_EQ(type_of("strcontains(comm, \"a\")"), Type::u64());
  EXPECT_TRUE(has(error_of("BEGIN { $n = 1; $v = strncmp(\"a\", \"b\", $n); }"), "non-negative integer literal"));
  EXPECT_TRUE(has(error_of("BEGIN { $v = strncmp(\"a\", \"b\", -1); }"), "non-negative integer literal"));
  EXPECT_TRUE(has(error_of("BEGIN { $v = strcontains(1, \"a\"); }"), "compares strings, not int64"));
}

TEST(ValueBuiltins, Macaddr) {
  EXPECT_EQ(type_of("macaddr(arg0)", kUprobe), Type::formatted("macaddr"));
  EXPECT_TRUE(has(error_of("BEGIN { $v = macaddr(pton(\"1.2.3.4\")); }"), "must be 6 bytes in size"));
  EXPECT_TRUE(has(error_of("BEGIN { $v = macaddr(\"abcdef\"); }"), "must be 6 bytes in size"));
}

TEST(ValueBuiltins, StackArguments) {
  EXPECT_EQ(type_of("sarg0", kUprobe), Type::u64());
  EXPECT_EQ(type_of("sarg12", kUprobe), Type::u64());
  EXPECT_TRUE(has(error_of("BEGIN { $v = sarg0; }"), "only be used with kprobes and uprobes, not BEGIN"));
  EXPECT_TRUE(has(error_of(kUprobe + " { $v = sarg99999999999; }"), "out of range"));
}

TEST(ValueBuiltins, PathOnlyInFentry) {
  EXPECT_TRUE(has(error_of(kUprobe + " { $v = path(arg0); }"),
                  "the path function can only be used with fentry, fexit and iter probes, not uprobe probes"));
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PROBE_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(PROBE_TEST_ASAN)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif

TEST(ValueBuiltins, Uaddr) {
  Type t = type_of("uaddr(\"value_builtins_object\")", kUprobe);
  ASSERT_EQ(t.kind, TypeKind::Pointer);
  EXPECT_EQ(t.as, AddrSpace::User);
  EXPECT_EQ(*t.elem, Type::integer(8, false));
  Type s = type_of("uaddr(\"value_builtins_short\")", kUprobe);
  ASSERT_EQ(s.kind, TypeKind::Pointer);
  // AddressSanitizer pads globals with redzones, which the symbol's size includes.
  if (!kAddressSanitizer) EXPECT_EQ(*s.elem, Type::integer(2, false));
  EXPECT_TRUE(has(error_of(kUprobe + " { $v = uaddr(\"no_such_symbol_here\"); }"), "not found"));
  EXPECT_TRUE(has(error_of("BEGIN { $v = uaddr(\"main\"); }"), "only be used in uprobes, not BEGIN"));
}

TEST(ValueBuiltins, StrcontainsWorkIsBounded) {
  std::string big(200, 'x');
  EXPECT_TRUE(has(error_of("BEGIN { $a = \"" + big + "\"; $v = strcontains($a, $a); }"), "too costly"));
  EXPECT_EQ(type_of("strcontains(\"" + big + "\", \"needle\")"), Type::u64());  // a literal needle is cheap
}

TEST(ValueBuiltins, ConstantsFoldAsCodegenComputes) {
  auto fold = [](const std::string &expr) -> std::string {
    Analysis r = run("BEGIN { " + expr + "; }");
    if (!r.ok) return "ERROR " + r.rendered();
    const auto &s = *r.ctx->ast->probes.at(0)->body.at(0);
    int64_t v = 0;
    if (!Sema::int_constant(*ast::as<ast::ExprStmt>(s).expr, &v)) return "NOT CONSTANT";
    return std::to_string(v);
  };
  EXPECT_EQ(fold("2 * 1e3 + 1"), "2001");
  EXPECT_EQ(fold("-7 / 2"), "-3");
  EXPECT_EQ(fold("-7 % 2"), "-1");
  EXPECT_EQ(fold("7 % -2"), "1");
  EXPECT_EQ(fold("(-9223372036854775807 - 1) / -1"), "-9223372036854775808");
  EXPECT_EQ(fold("9223372036854775807 + 1"), "-9223372036854775808");
  EXPECT_EQ(fold("1 << 63"), "-9223372036854775808");
  EXPECT_EQ(fold("1 << 64"), "0");
  EXPECT_EQ(fold("-8 >> 70"), "-1");
  EXPECT_EQ(fold("0xf0 & 0x3c | 1 ^ 3"), std::to_string((0xf0 & 0x3c) | (1 ^ 3)));
  EXPECT_EQ(fold("1 < 2"), "NOT CONSTANT");
  EXPECT_NE(fold("5 / (1 - 1)").find("error: division by zero"), std::string::npos);
  EXPECT_NE(fold("5 % (2 - 2)").find("error: modulo by zero"), std::string::npos);
}
