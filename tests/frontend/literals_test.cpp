// Integer and character literals, with bpftrace 0.17's rules: '_'
// separators, C size suffixes, scientific notation, octal, and the errors
// for what 0.17 rejects (coefficient > 9, exponent > 16, floats).
#include <gtest/gtest.h>

#include <string>

#include "frontend/ast.h"
#include "frontend/parser_driver.h"

using namespace probe;

namespace {

// The value of the literal lit, or the rendered diagnostics when it is rejected.
std::string lit(const std::string &text) {
  SourceFile src{"-e", "BEGIN { " + text + " }"};
  Diagnostics diags;
  auto prog = parse_program(src, diags);
  if (!prog || diags.has_errors()) return "ERROR " + diags.render(src);
  const auto &s = *prog->probes.at(0)->body.at(0);
  const auto &e = *ast::as<ast::ExprStmt>(s).expr;
  if (e.kind != ast::ExprKind::Integer) return "NOT AN INTEGER";
  return std::to_string(ast::as<ast::Integer>(e).value);
}

bool rejected(const std::string &text, const std::string &fragment) {
  std::string r = lit(text);
  return r.rfind("ERROR ", 0) == 0 && r.find(fragment) != std::string::npos;
}

}  // namespace

TEST(Literals, Decimal) {
  EXPECT_EQ(lit("1_000_000"), "1000000");
  EXPECT_EQ(lit("1__0"), "10");
  EXPECT_EQ(lit("0_7"), "7");  // octal, as 07
  EXPECT_EQ(lit("0777"), "511");
  EXPECT_EQ(lit("00"), "0");
  EXPECT_EQ(lit("18446744073709551615"), "18446744073709551615");
  EXPECT_TRUE(rejected("08", "invalid digit in octal literal '08'"));
  EXPECT_TRUE(rejected("10_", "invalid integer literal '10_'"));
  EXPECT_TRUE(rejected("18446744073709551616", "does not fit in 64 bits"));
}

TEST(Literals, SizeSuffixes) {
  EXPECT_EQ(lit("10u"), "10");
  EXPECT_EQ(lit("10ul"), "10");
  EXPECT_EQ(lit("10ULL"), "10");
  EXPECT_EQ(lit("1ll"), "1");
  EXPECT_EQ(lit("07u"), "7");
  EXPECT_TRUE(rejected("1lu", "invalid integer literal '1lu'"));
  EXPECT_TRUE(rejected("0x10u", "invalid integer literal '0x10u'"));
}

TEST(Literals, Hex) {
  EXPECT_EQ(lit("0x1e6"), "486");
  EXPECT_EQ(lit("0XfF"), "255");
  EXPECT_EQ(lit("0xffffffffffffffff"), "18446744073709551615");
  EXPECT_TRUE(rejected("0x_10", "invalid integer literal '0x_10'"));
  EXPECT_TRUE(rejected("0xffff_ffff", "invalid integer literal"));
  EXPECT_TRUE(rejected("0x", "invalid integer literal '0x'"));
}

TEST(Literals, Scientific) {
  EXPECT_EQ(lit("1e6"), "1000000");
  EXPECT_EQ(lit("5e3"), "5000");
  EXPECT_EQ(lit("1E6"), "1000000");
  EXPECT_EQ(lit("0e5"), "0");
  EXPECT_EQ(lit("5e0"), "5");
  EXPECT_EQ(lit("9e16"), "90000000000000000");
  EXPECT_EQ(lit("1e0_6"), "1000000");
  EXPECT_EQ(lit("2e1_0"), "20000000000");
  EXPECT_EQ(lit("1e3ULL"), "1000");
  EXPECT_TRUE(rejected("1e17", "exponent of the scientific literal '1e17' is too large: 17"));
  EXPECT_TRUE(rejected("1e20", "too large: 20"));
  EXPECT_TRUE(rejected("1e99999999999", "too large"));
  EXPECT_TRUE(rejected("12e2", "must be one digit (0-9), not 12"));
  EXPECT_TRUE(rejected("1_0e1_0", "not 10"));
  EXPECT_TRUE(rejected("1_e6", "invalid integer literal '1_e6'"));
  EXPECT_TRUE(rejected("1e_6", "invalid integer literal"));
  EXPECT_TRUE(rejected("1e3e3", "invalid integer literal"));
}

TEST(Literals, FloatsAreAnErrorWithAHint) {
  std::string r = lit("1.5");
  EXPECT_NE(r.find("error: floating-point literal '1.5' is not supported"), std::string::npos) << r;
  EXPECT_NE(r.find("hint: scale instead"), std::string::npos) << r;
}

TEST(Literals, Characters) {
  EXPECT_EQ(lit("'a'"), "97");
  EXPECT_EQ(lit("' '"), "32");
  EXPECT_EQ(lit("'\\n'"), "10");
  EXPECT_EQ(lit("'\\t'"), "9");
  EXPECT_EQ(lit("'\\0'"), "0");
  EXPECT_EQ(lit("'\\x41'"), "65");
  EXPECT_EQ(lit("'\\xff'"), "255");
  EXPECT_EQ(lit("'\\101'"), "65");
  EXPECT_EQ(lit("'\\''"), "39");
  EXPECT_EQ(lit("'\\\\'"), "92");
  EXPECT_EQ(lit("'\"'"), "34");
  EXPECT_TRUE(rejected("'\\q'", "invalid character literal '\\q'"));
  EXPECT_TRUE(rejected("'\\777'", "invalid character literal"));
  EXPECT_TRUE(rejected("'ab'", "invalid character"));
  EXPECT_TRUE(rejected("''", "invalid character"));
}

TEST(Literals, TupleIndexesAreNotFloats) {
  SourceFile src{"-e", "BEGIN { $t.1.0; $u.2.10 }"};
  Diagnostics diags;
  auto prog = parse_program(src, diags);
  EXPECT_FALSE(diags.has_errors()) << diags.render(src);
}
