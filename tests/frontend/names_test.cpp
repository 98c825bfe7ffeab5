// The parser's questions to the name environment (frontend/names.h): type
// names in cast position, token-level macro expansion with locations, and
// top-level C declarations as single tokens. A fake environment answers.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "frontend/ast_printer.h"
#include "frontend/parser_driver.h"

using namespace probe;

namespace {

// An environment with fixed type names and macros that records declarations.
class FakeEnv : public NameEnv {
 public:
  std::set<std::string> types{"pid_t_k", "foo_t"};
  MacroTable macros;
  std::vector<std::pair<std::string, Loc>> declared;
  int type_questions = 0;

  bool is_type_name(const std::string &name) override {
    type_questions++;
    return types.count(name) != 0;
  }
  const Macro *macro(const std::string &name) override {
    auto it = macros.find(name);
    return it == macros.end() ? nullptr : &it->second;
  }
  void declare(const std::string &text, const Loc &at) override { declared.emplace_back(text, at); }

  void define(const std::string &name, const std::string &body, std::vector<std::string> params = {},
              bool fn = false) {
    Macro m;
    m.name = name;
    m.body = body;
    m.params = std::move(params);
    m.function_like = fn;
    m.file = "-e";
    macros[name] = m;
  }
};

std::string dump(const std::string &text, FakeEnv &env) {
  SourceFile src{"-e", text};
  Diagnostics diags;
  auto prog = parse_program(src, diags, &env);
  if (!prog) return "ERROR\n" + diags.render(src);
  return dump_ast(*prog);
}

}  // namespace

TEST(NameEnvParse, TypedefNameInCastPosition) {
  FakeEnv env;
  std::string d = dump("BEGIN { $a = (pid_t_k)1; $b = (foo_t *)0; $c = (x); }", env);
  EXPECT_NE(d.find("cast: pid_t_k"), std::string::npos) << d;
  EXPECT_NE(d.find("cast: foo_t *"), std::string::npos) << d;
  EXPECT_NE(d.find("builtin: x"), std::string::npos) << d;
}

TEST(NameEnvParse, OnlyCastPositionsAskTheEnvironment) {
  FakeEnv env;
  dump("BEGIN { $a = pid + foo_t; @[comm] = count(); printf(\"%d\", tid); $b = (tid); }", env);
  EXPECT_EQ(env.type_questions, 1);  // only `(tid)`; foo_t outside parentheses is an identifier
}

TEST(NameEnvParse, SizeofAndOffsetof) {
  FakeEnv env;
  std::string d = dump("BEGIN { $a = sizeof(foo_t); $b = sizeof(struct S); $c = sizeof($a); "
                       "$d = offsetof(struct S, a.b); }",
                       env);
  EXPECT_NE(d.find("sizeof: foo_t"), std::string::npos) << d;
  EXPECT_NE(d.find("sizeof: struct S"), std::string::npos) << d;
  EXPECT_NE(d.find("offsetof: struct S.a.b"), std::string::npos) << d;
}

TEST(NameEnvParse, ObjectMacroExpandsWithTheUseLocation) {
  FakeEnv env;
  env.define("N", "(40 + 2)");
  SourceFile src{"-e", "BEGIN { $a = N; }"};
  Diagnostics diags;
  auto prog = parse_program(src, diags, &env);
  ASSERT_TRUE(prog) << diags.render(src);
  const auto &s = ast::as<ast::AssignVar>(*prog->probes[0]->body[0]);
  EXPECT_EQ(s.value->kind, ast::ExprKind::Binop);
  EXPECT_EQ(s.value->loc.begin.column, 14);
  EXPECT_EQ(s.value->loc.end.column, 15);
}

TEST(NameEnvParse, FunctionMacroTakesArguments) {
  FakeEnv env;
  env.define("ADD", "((a) + (b))", {"a", "b"}, true);
  env.define("TWICE", "ADD(x, x)", {"x"}, true);
  std::string d = dump("BEGIN { $a = TWICE(ADD(1, 2)); $b = ADD; }", env);
  EXPECT_EQ(d.find("ERROR"), std::string::npos) << d;
  // ADD without '(' stays an identifier.
  EXPECT_NE(d.find("builtin: ADD"), std::string::npos) << d;
}

TEST(NameEnvParse, SelfReferentialMacroStops) {
  FakeEnv env;
  env.define("A", "A + 1");
  std::string d = dump("BEGIN { $a = A; }", env);
  EXPECT_NE(d.find("builtin: A"), std::string::npos) << d;
}

TEST(NameEnvParse, ExponentialMacroIsAnError) {
  FakeEnv env;
  env.define("M0", "1 + 1");
  for (int i = 1; i < 30; i++)
    env.define("M" + std::to_string(i), "M" + std::to_string(i - 1) + " + M" + std::to_string(i - 1));
  std::string d = dump("BEGIN { $a = M29; }", env);
  EXPECT_NE(d.find("macro expansion produces more than"), std::string::npos) << d;
}

TEST(NameEnvParse, WrongMacroArgumentCount) {
  FakeEnv env;
  env.define("ADD", "((a) + (b))", {"a", "b"}, true);
  std::string d = dump("BEGIN { $a = ADD(1); }", env);
  EXPECT_NE(d.find("-e:1:14: error: macro 'ADD' takes 2 arguments, not 1"), std::string::npos) << d;
}

TEST(NameEnvParse, BadMacroBodyNamesTheMacro) {
  FakeEnv env;
  env.define("BAD", "1 ` 2");
  std::string d = dump("BEGIN { $a = BAD; }", env);
  EXPECT_NE(d.find("in the expansion of macro 'BAD' (defined at -e:"), std::string::npos) << d;
}

TEST(NameEnvParse, TopLevelDeclarationsAreOneTokenEach) {
  FakeEnv env;
  std::string text =
      "struct Foo { int a; struct { char c; } in; } // no ';' needed\n"
      "typedef struct { int x; } bar_t;\n"
      "union U { int i; };\n"
      "BEGIN { exit(); }\n"
      "enum E { A, B };\n";
  std::string d = dump(text, env);
  EXPECT_EQ(d.find("ERROR"), std::string::npos) << d;
  ASSERT_EQ(env.declared.size(), 4u);
  EXPECT_EQ(env.declared[0].first, "struct Foo { int a; struct { char c; } in; };");
  EXPECT_EQ(env.declared[0].second.begin.line, 1);
  EXPECT_EQ(env.declared[1].first, "typedef struct { int x; } bar_t;");
  EXPECT_EQ(env.declared[1].second.begin.line, 2);
  EXPECT_EQ(env.declared[2].first, "union U { int i; };");
  EXPECT_EQ(env.declared[3].first, "enum E { A, B };");
  EXPECT_EQ(env.declared[3].second.begin.line, 5);
}

TEST(NameEnvParse, UnterminatedDeclaration) {
  FakeEnv env;
  std::string d = dump("typedef int x_t\nBEGIN { }", env);
  EXPECT_NE(d.find("-e:1:1: error: unterminated C declaration"), std::string::npos) << d;
}
