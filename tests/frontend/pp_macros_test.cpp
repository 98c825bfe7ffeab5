// Tests of expand_macros (cpp semantics), eval_constant_expr and
// macro_constant.
#include <gtest/gtest.h>

#include <chrono>

#include "frontend/preprocess.h"

namespace probe {
namespace {

// A table from "#define" lines, through the preprocessor itself.
MacroTable table(const std::string &defines) {
  Diagnostics d;
  SourceFile src{"m.bt", defines};
  auto r = preprocess(src, PreprocessOptions{}, d);
  EXPECT_FALSE(d.has_errors());
  return r.macros;
}

TEST(PreprocessMacrosTest, ObjectAndFunctionLike) {
  auto m = table(
      "#define N 4\n"
      "#define TWICE(x) ((x) * 2)\n"
      "#define MAX(a, b) ((a) > (b) ? (a) : (b))\n"
      "#define EMPTY\n"
      "#define NOARGS() 42\n"
      "#define ALIAS TWICE\n");
  EXPECT_EQ(expand_macros("N + 1", m), "4 + 1");
  EXPECT_EQ(expand_macros("TWICE(N)", m), "((4) * 2)");
  EXPECT_EQ(expand_macros("MAX(TWICE(1), N)", m), "((((1) * 2)) > (4) ? (((1) * 2)) : (4))");
  EXPECT_EQ(expand_macros("a EMPTY b", m), "a b");
  EXPECT_EQ(expand_macros("NOARGS()", m), "42");
  EXPECT_EQ(expand_macros("TWICE", m), "TWICE");          // not a call
  EXPECT_EQ(expand_macros("TWICE (3)", m), "((3) * 2)");  // blank before ( is fine
  EXPECT_EQ(expand_macros("ALIAS(3)", m), "((3) * 2)");   // rescanned with the rest
  EXPECT_EQ(expand_macros("MAX((1, 2), 3)", m), "(((1, 2)) > (3) ? ((1, 2)) : (3))");
  EXPECT_EQ(expand_macros("TWICE(1", m), "TWICE(1");  // unterminated: left alone
  EXPECT_EQ(expand_macros("\"N\" 'N' N", m), "\"N\" 'N' 4");
  EXPECT_EQ(expand_macros("TWICE(\n1)", m), "((1) * 2)");
}

TEST(PreprocessMacrosTest, Variadic) {
  auto m = table(
      "#define P(fmt, ...) printf(fmt, __VA_ARGS__)\n"
      "#define G(fmt, args...) printf(fmt, args)\n"
      "#define C(fmt, ...) printf(fmt, ## __VA_ARGS__)\n"
      "#define ALL(...) [__VA_ARGS__]\n"
      "#define OPT(fmt, ...) f(fmt __VA_OPT__(,) __VA_ARGS__)\n");
  EXPECT_EQ(expand_macros("P(\"%d %d\", 1, 2)", m), "printf(\"%d %d\", 1, 2)");
  EXPECT_EQ(expand_macros("G(\"%d\", x)", m), "printf(\"%d\", x)");
  EXPECT_EQ(expand_macros("C(\"x\")", m), "printf(\"x\")");
  EXPECT_EQ(expand_macros("C(\"x\", 1)", m), "printf(\"x\",1)");
  EXPECT_EQ(expand_macros("ALL()", m), "[]");
  EXPECT_EQ(expand_macros("ALL(a, (b, c), d)", m), "[a, (b, c), d]");
  EXPECT_EQ(expand_macros("OPT(x)", m), "f(x)");
  EXPECT_EQ(expand_macros("OPT(x, 1, 2)", m), "f(x, 1, 2)");
}

TEST(PreprocessMacrosTest, StringifyAndPaste) {
  auto m = table(
      "#define STR(x) #x\n"
      "#define XSTR(x) STR(x)\n"
      "#define CAT(a, b) a ## b\n"
      "#define N 4\n"
      "#define VAR(n) var_ ## n\n");
  EXPECT_EQ(expand_macros("STR(N)", m), "\"N\"");
  EXPECT_EQ(expand_macros("XSTR(N)", m), "\"4\"");
  EXPECT_EQ(expand_macros("STR( a  +  \"q\\n\" )", m), "\"a + \\\"q\\\\n\\\"\"");
  EXPECT_EQ(expand_macros("CAT(N, 2)", m), "N2");  // operands of ## are not expanded
  EXPECT_EQ(expand_macros("CAT(1, 2)", m), "12");
  EXPECT_EQ(expand_macros("CAT(<, <)", m), "<<");
  EXPECT_EQ(expand_macros("VAR(x)", m), "var_x");
  EXPECT_EQ(expand_macros("CAT(, b)", m), "b");
  EXPECT_EQ(expand_macros("CAT(a,)", m), "a");
  EXPECT_EQ(expand_macros("CAT(N,)", m), "4");  // the pasted result is rescanned
}

TEST(PreprocessMacrosTest, SelfReferenceAndHideSets) {
  auto m = table(
      "#define foo foo\n"
      "#define x (4 + y)\n"
      "#define y (2 * x)\n"
      "#define f(a) a*g\n"
      "#define g(a) f(a)\n"
      "#define DT_REG DT_REG\n");
  EXPECT_EQ(expand_macros("foo", m), "foo");
  EXPECT_EQ(expand_macros("x", m), "(4 + (2 * x))");
  EXPECT_EQ(expand_macros("y", m), "(2 * (4 + y))");
  // C11 6.10.3.4 example: f(2)(9) -> 2*9*g
  EXPECT_EQ(expand_macros("f(2)(9)", m), "2*9*g");
  EXPECT_EQ(expand_macros("DT_REG", m), "DT_REG");
}

TEST(PreprocessMacrosTest, RunawayExpansionIsCut) {
  std::string defs = "#define a0 x\n";
  for (int i = 1; i < 40; ++i) defs += "#define a" + std::to_string(i) + " a" + std::to_string(i - 1) + " a" + std::to_string(i - 1) + "\n";
  auto m = table(defs);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(try_expand_macros("a39", m));
  EXPECT_EQ(expand_macros("a39", m), "a39");
  EXPECT_TRUE(try_expand_macros("a3", m));
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(ms, 20000);  // ~0.2 s; generous for sanitizer builds
}

TEST(PreprocessMacrosTest, EvalConstantExpr) {
  struct {
    const char *expr;
    int64_t value;
  } ok[] = {
      {"1", 1},
      {"1 + 2 * 3", 7},
      {"(1 << 3)", 8},
      {"0x10", 16},
      {"0X1fUL", 31},
      {"010", 8},
      {"0b101", 5},
      {"10u", 10},
      {"10LL", 10},
      {"10ull", 10},
      {"'a'", 97},
      {"'\\n'", 10},
      {"'\\x41'", 65},
      {"'\\0'", 0},
      {"'\\377'", -1},
      {"-1", -1},
      {"~0", -1},
      {"~0U", 0xffffffff},
      {"~0UL", -1},
      {"-1U", 0xffffffff},
      {"(int)0xffffffff", -1},
      {"(unsigned int)-1", 0xffffffff},
      {"(__u32)-1", 0xffffffff},
      {"(unsigned long)-1", -1},
      {"(u8)0x1ff", 255},
      {"(short)0x8000", -32768},
      {"(char)200", -56},
      {"(unsigned char)-1", 255},
      {"sizeof(int)", 4},
      {"sizeof(long)", 8},
      {"sizeof(unsigned short)", 2},
      {"7 / 2", 3},
      {"-7 / 2", -3},
      {"-7 % 3", -1},
      {"0xffffffffU / 2", 0x7fffffff},
      {"-1 < 0", 1},
      {"-1 < 0U", 0},
      {"-1L < 0U", 1},
      {"1 ? 2 : 3", 2},
      {"0 ? 1 / 0 : 3", 3},
      {"0 && 1 / 0", 0},
      {"!5", 0},
      {"5 == 5 && 3 != 4", 1},
      {"(1, 2)", 2},
      {"0x80000000", 0x80000000},
      {"2147483648", 2147483648},
      {"(-1) >> 1", -1},
      {"0xffffffffU >> 4", 0x0fffffff},
      {"(((2U) << (((0+8)+8)+14)) | ((('f')) << (0+8)) | (((1)) << 0) | ((((sizeof(long)))) << ((0+8)+8)))", 0x80086601},
      {"0x7fffffffffffffff + 1", INT64_MIN},
  };
  for (const auto &c : ok) {
    auto v = eval_constant_expr(c.expr);
    ASSERT_TRUE(v) << c.expr;
    EXPECT_EQ(*v, c.value) << c.expr;
  }
  const char *bad[] = {"", "1 / 0", "1 % 0", "x", "1 +", "(1", "1 << 64", "1 << -1", "1.5", "\"s\"",
                       "sizeof(struct x)", "(void *)0", "0x", "09", "1 2", "99999999999999999999999"};
  for (const char *b : bad) EXPECT_FALSE(eval_constant_expr(b)) << b;
  std::string deep(100000, '(');
  EXPECT_FALSE(eval_constant_expr(deep + "1"));
}

TEST(PreprocessMacrosTest, MacroConstant) {
  auto m = table(
      "#define FLAG (1 << 3)\n"
      "#define BOTH (FLAG | 1)\n"
      "#define SELF SELF\n"
      "#define FN(x) 1\n"
      "#define STR \"s\"\n"
      "#define NEG -EINVAL\n"
      "#define EINVAL 22\n"
      "#define IOR (((2U) << 30) | (('f') << 8) | 1 | ((sizeof(long)) << 16))\n");
  EXPECT_EQ(macro_constant(m, "FLAG"), 8);
  EXPECT_EQ(macro_constant(m, "BOTH"), 9);
  EXPECT_EQ(macro_constant(m, "NEG"), -22);
  EXPECT_EQ(macro_constant(m, "IOR"), 0x80086601);
  EXPECT_FALSE(macro_constant(m, "SELF"));
  EXPECT_FALSE(macro_constant(m, "FN"));
  EXPECT_FALSE(macro_constant(m, "STR"));
  EXPECT_FALSE(macro_constant(m, "MISSING"));
  EXPECT_EQ(macro_constant(m, "__INT_MAX__"), 0x7fffffff);
}

}  // namespace
}  // namespace probe
