// Parser tests for current bpftrace syntax: let, for, ?:, the config block.
#include <gtest/gtest.h>

#include <string>

#include "frontend/ast_printer.h"
#include "frontend/parser_driver.h"

using namespace probe;

namespace {

// The AST dump of text, or "ERROR\n" and the rendered diagnostics.
std::string dump_of(const std::string &text) {
  SourceFile src{"-e", text};
  Diagnostics diags;
  auto prog = parse_program(src, diags);
  if (!prog) return "ERROR\n" + diags.render(src);
  return dump_ast(*prog);
}

std::unique_ptr<ast::Program> parse_ok(const std::string &text) {
  SourceFile src{"-e", text};
  Diagnostics diags;
  auto prog = parse_program(src, diags);
  EXPECT_TRUE(prog) << diags.render(src);
  return prog;
}

}  // namespace

TEST(SyntaxParser, LetForms) {
  EXPECT_EQ(dump_of("BEGIN { let $a; let $b = 2; let $c: u8 = 3; let $d: string; }"),
            "Program\n BEGIN\n"
            "  let\n   variable: $a\n   int: 0\n"
            "  let\n   variable: $b\n   int: 2\n"
            "  let\n   variable: $c\n   cast: u8\n    int: 3\n"
            "  let\n   variable: $d\n   string: \n");
  auto p = parse_ok("BEGIN { let $x = 1; $x = 2; }");
  ASSERT_TRUE(p);
  EXPECT_TRUE(ast::as<ast::AssignVar>(*p->probes[0]->body[0]).decl);
  EXPECT_FALSE(ast::as<ast::AssignVar>(*p->probes[0]->body[1]).decl);
}

TEST(SyntaxParser, LetUnknownTypeIsLocated) {
  std::string out = dump_of("BEGIN { let $x: strng = 1; }");
  EXPECT_NE(out.find("-e:1:17: error: unknown type 'strng' in a declaration"), std::string::npos) << out;
}

TEST(SyntaxParser, LetIsAKeywordOnlyAlone) {
  // letter, format, fortune stay identifiers.
  EXPECT_EQ(dump_of("BEGIN { letter(); format(); }"), "Program\n BEGIN\n  call: letter\n  call: format\n");
}

TEST(SyntaxParser, ForOverMap) {
  EXPECT_EQ(dump_of("BEGIN { for ($kv : @m) { print($kv); } }"),
            "Program\n BEGIN\n  for\n   variable: $kv\n   map: @m\n   body\n    call: print\n     variable: $kv\n");
}

TEST(SyntaxParser, ForOverRange) {
  EXPECT_EQ(dump_of("BEGIN { for ($i : 0..$n + 1) { break; continue; } }"),
            "Program\n BEGIN\n  for\n   variable: $i\n   range\n    int: 0\n    binop: +\n     variable: $n\n"
            "     int: 1\n   body\n    break\n    continue\n");
  // A map can also be a bound.
  EXPECT_EQ(dump_of("BEGIN { for ($i : @a..@b[1]) { } }"),
            "Program\n BEGIN\n  for\n   variable: $i\n   range\n    map: @a\n    map: @b\n     int: 1\n   body\n");
}

TEST(SyntaxParser, ForNeedsAVariable) {
  std::string out = dump_of("BEGIN { for (@x : @m) { } }");
  EXPECT_NE(out.find("-e:1:14: error: unexpected map"), std::string::npos) << out;
}

TEST(SyntaxParser, Elvis) {
  EXPECT_EQ(dump_of("BEGIN { $a = $b ?: 5; }"),
            "Program\n BEGIN\n  =\n   variable: $a\n   binop: ?:\n    variable: $b\n    int: 5\n");
  // Right-associative, below || like the ternary.
  EXPECT_EQ(dump_of("BEGIN { 1 ?: 2 || 3 ?: 4; }"),
            "Program\n BEGIN\n  binop: ?:\n   int: 1\n   binop: ?:\n    binop: ||\n     int: 2\n     int: 3\n"
            "    int: 4\n");
  EXPECT_EQ(dump_of("BEGIN { 1 ? 2 : 3 ?: 4; }"),
            "Program\n BEGIN\n  ternary\n   int: 1\n   int: 2\n   binop: ?:\n    int: 3\n    int: 4\n");
}

TEST(SyntaxParser, ConfigBlock) {
  auto p = parse_ok("config = {\n  max_strlen = 128;\n  stack_mode = perf; license = \"GPL v2\"\n}\nBEGIN { }");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->config.size(), 3u);
  EXPECT_EQ(p->config[0].key, "max_strlen");
  EXPECT_EQ(p->config[0].value, "128");
  EXPECT_EQ(p->config[1].value, "perf");
  EXPECT_TRUE(p->config[2].is_string);
  EXPECT_EQ(p->config[2].value, "GPL v2");
  EXPECT_EQ(p->config[1].loc.begin.line, 3);
  EXPECT_EQ(p->config[1].value_loc.begin.column, 16);
  ASSERT_EQ(p->probes.size(), 1u);
  EXPECT_EQ(dump_of("config = { max_strlen = 8; license = \"GPL\" } BEGIN { }"),
            "Program\n config: max_strlen = 8\n config: license = \"GPL\"\n BEGIN\n");
}

TEST(SyntaxParser, ConfigBlockForms) {
  EXPECT_TRUE(parse_ok("config={max_map_keys=2}BEGIN{}"));
  EXPECT_TRUE(parse_ok("config = { } BEGIN { }"));
  EXPECT_TRUE(parse_ok("#include <linux/sched.h>\nconfig = { ;; max_probes = 3;; } BEGIN { }"));
  // An attach point that only starts with "config" is still one.
  auto p = parse_ok("configfs:x { }");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->probes[0]->attach_points[0]->raw, "configfs:x");
}

TEST(SyntaxParser, ConfigBlockErrorsAreLocated) {
  std::string out = dump_of("config = { max_strlen 128 } BEGIN { }");
  EXPECT_NE(out.find("-e:1:23: error: unexpected integer '128'"), std::string::npos) << out;
  out = dump_of("BEGIN { } config = { max_strlen = 1 }");
  EXPECT_NE(out.find("error:"), std::string::npos) << out;
  out = dump_of("config = { x = 1 + 2 } BEGIN { }");
  EXPECT_NE(out.find("-e:1:18: error: unexpected '+'"), std::string::npos) << out;
}
