// Parser tests: AST dumps for the whole language, node locations, literal
// decoding.
#include <gtest/gtest.h>

#include <string>

#include "frontend/ast_printer.h"
#include "frontend/parser_driver.h"

using namespace probe;

namespace {

// Parses text and returns the AST dump, or the rendered diagnostics.
std::string dump(const std::string &text) {
  SourceFile src{"-e", text};
  Diagnostics diags;
  auto prog = parse_program(src, diags);
  if (!prog) return "ERROR\n" + diags.render(src);
  EXPECT_FALSE(diags.has_errors());
  return dump_ast(*prog);
}

std::unique_ptr<ast::Program> parse(const std::string &text) {
  SourceFile src{"-e", text};
  Diagnostics diags;
  auto prog = parse_program(src, diags);
  EXPECT_TRUE(prog) << diags.render(src);
  return prog;
}

// The expression of the probe's first statement (which must be an ExprStmt).
const ast::Expr &first_expr(const ast::Program &p) {
  const auto &s = *p.probes.at(0)->body.at(0);
  EXPECT_EQ(s.kind, ast::StmtKind::Expr);
  return *ast::as<ast::ExprStmt>(s).expr;
}

// Dump of a single expression inside BEGIN { ... }.
std::string expr_dump(const std::string &expr) {
  auto p = parse("BEGIN { " + expr + " }");
  if (!p) return "ERROR";
  return dump_ast(first_expr(*p));
}

void expect_loc(const Loc &l, int bl, int bc, int el, int ec) {
  EXPECT_EQ(l.begin.line, bl);
  EXPECT_EQ(l.begin.column, bc);
  EXPECT_EQ(l.end.line, el);
  EXPECT_EQ(l.end.column, ec);
}

}  // namespace

TEST(Parser, SimpleProbe) {
  EXPECT_EQ(dump(R"(uprobe:/bin/sh:f { printf("%d\n", arg0); })"),
            "Program\n"
            " uprobe:/bin/sh:f\n"
            "  call: printf\n"
            "   string: %d\\n\n"
            "   builtin: arg0\n");
}

TEST(Parser, EmptyBodiesAndEmptyStatements) {
  EXPECT_EQ(dump("BEGIN{} END { ; ; }"), "Program\n BEGIN\n END\n");
  EXPECT_EQ(dump("BEGIN { a(); ; b() }"), "Program\n BEGIN\n  call: a\n  call: b\n");
}

TEST(Parser, LastSemicolonOptional) {
  EXPECT_EQ(dump("BEGIN { a(); b(); }"), dump("BEGIN { a(); b() }"));
}

TEST(Parser, MultipleProbesAndCommaSeparatedAttachPoints) {
  EXPECT_EQ(dump("BEGIN { a() }\n"
                 "kprobe:f, kprobe:g,kretprobe:h { b() }\n"
                 "END { c() }"),
            "Program\n"
            " BEGIN\n"
            "  call: a\n"
            " kprobe:f\n"
            " kprobe:g\n"
            " kretprobe:h\n"
            "  call: b\n"
            " END\n"
            "  call: c\n");
}

TEST(Parser, AttachPointForms) {
  auto p = parse(
      "uprobe:/proc/self/exe:uprobed_add,\n"
      "uretprobe:libc:malloc,\n"
      "tracepoint:syscalls:sys_enter_*,\n"
      "kprobe:vfs_*,\n"
      "kprobe:do_sys_open+0x10,\n"
      "interval:s:1,\n"
      "profile:hz:99,\n"
      "fentry:bpf:123:func,\n"
      "uprobe:\"/path with space, and comma\":f,\n"
      "software:cpu-clock:100,\n"
      "k:f,\n"
      "t:syscalls:x,\n"
      "uprobe:./a.out:\"ns::f<int>\"\n"
      "{ }");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->probes.size(), 1u);
  std::vector<std::string> raws;
  for (const auto &ap : p->probes[0]->attach_points) raws.push_back(ap->raw);
  EXPECT_EQ(raws, (std::vector<std::string>{
                      "uprobe:/proc/self/exe:uprobed_add", "uretprobe:libc:malloc",
                      "tracepoint:syscalls:sys_enter_*", "kprobe:vfs_*", "kprobe:do_sys_open+0x10",
                      "interval:s:1", "profile:hz:99", "fentry:bpf:123:func",
                      "uprobe:\"/path with space, and comma\":f", "software:cpu-clock:100", "k:f",
                      "t:syscalls:x", "uprobe:./a.out:\"ns::f<int>\""}));
  // Not split by the parser.
  EXPECT_TRUE(p->probes[0]->attach_points[0]->provider.empty());
  EXPECT_TRUE(p->probes[0]->attach_points[0]->parts.empty());
}

TEST(Parser, AttachPointLocations) {
  auto p = parse("BEGIN,\n  kprobe:vfs_read { }");
  ASSERT_TRUE(p);
  expect_loc(p->probes[0]->attach_points[0]->loc, 1, 1, 1, 6);
  expect_loc(p->probes[0]->attach_points[1]->loc, 2, 3, 2, 18);
  expect_loc(p->probes[0]->loc, 1, 1, 2, 22);
}

TEST(Parser, Predicate) {
  EXPECT_EQ(dump("kprobe:f / pid == 1 && comm != \"sh\" / { exit() }"),
            "Program\n"
            " kprobe:f\n"
            "  pred\n"
            "   binop: &&\n"
            "    binop: ==\n"
            "     builtin: pid\n"
            "     int: 1\n"
            "    binop: !=\n"
            "     builtin: comm\n"
            "     string: sh\n"
            "  call: exit\n");
}

TEST(Parser, PredicateWithDivisionAndNoSpaceBeforeBrace) {
  EXPECT_EQ(dump("kprobe:f /$1 / 2 > 1/{ }"),
            "Program\n"
            " kprobe:f\n"
            "  pred\n"
            "   binop: >\n"
            "    binop: /\n"
            "     param: $1\n"
            "     int: 2\n"
            "    int: 1\n");
}

TEST(Parser, PredicateAcrossLines) {
  EXPECT_EQ(dump("kprobe:f\n/pid/\n{\n}\n"), "Program\n kprobe:f\n  pred\n   builtin: pid\n");
  EXPECT_EQ(dump("kprobe:f /pid/ // why\n/* note */ { }"),
            "Program\n kprobe:f\n  pred\n   builtin: pid\n");
}

TEST(Parser, PreambleIsKeptVerbatim) {
  auto p = parse("#include <linux/sched.h>\n#define MAX 10\n  #include \"x.h\"\nBEGIN { }");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->preamble, (std::vector<std::string>{"#include <linux/sched.h>", "#define MAX 10",
                                                  "#include \"x.h\""}));
  EXPECT_EQ(dump_ast(*p),
            "Program\n"
            " preamble: #include <linux/sched.h>\n"
            " preamble: #define MAX 10\n"
            " preamble: #include \"x.h\"\n"
            " BEGIN\n");
}

TEST(Parser, Comments) {
  EXPECT_EQ(dump("// leading\n"
                 "/* block\n comment */ BEGIN /* here */ , END // there\n"
                 "/* before pred */ /pid/* in pred */ / { a(); // trailing\n"
                 "  /* inside */ b() /* end */ }\n"),
            "Program\n"
            " BEGIN\n"
            " END\n"
            "  pred\n"
            "   builtin: pid\n"
            "  call: a\n"
            "  call: b\n");
}

TEST(Parser, BinaryPrecedenceLowToHigh) {
  // Each operator binds tighter than the one on its left.
  EXPECT_EQ(expr_dump("a || b && c | d ^ e & f == g < h << i + j * k"),
            "binop: ||\n"
            " builtin: a\n"
            " binop: &&\n"
            "  builtin: b\n"
            "  binop: |\n"
            "   builtin: c\n"
            "   binop: ^\n"
            "    builtin: d\n"
            "    binop: &\n"
            "     builtin: e\n"
            "     binop: ==\n"
            "      builtin: f\n"
            "      binop: <\n"
            "       builtin: g\n"
            "       binop: <<\n"
            "        builtin: h\n"
            "        binop: +\n"
            "         builtin: i\n"
            "         binop: *\n"
            "          builtin: j\n"
            "          builtin: k\n");
  // And the reverse order groups to the left.
  EXPECT_EQ(expr_dump("a * b + c << d < e == f & g ^ h | i && j || k"),
            "binop: ||\n"
            " binop: &&\n"
            "  binop: |\n"
            "   binop: ^\n"
            "    binop: &\n"
            "     binop: ==\n"
            "      binop: <\n"
            "       binop: <<\n"
            "        binop: +\n"
            "         binop: *\n"
            "          builtin: a\n"
            "          builtin: b\n"
            "         builtin: c\n"
            "        builtin: d\n"
            "       builtin: e\n"
            "      builtin: f\n"
            "     builtin: g\n"
            "    builtin: h\n"
            "   builtin: i\n"
            "  builtin: j\n"
            " builtin: k\n");
}

TEST(Parser, EveryBinaryOperator) {
  const char *ops[] = {"+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^",
                       "&&", "||", "==", "!=", "<", "<=", ">", ">="};
  for (const char *op : ops) {
    EXPECT_EQ(expr_dump(std::string("$a ") + op + " 2"),
              std::string("binop: ") + op + "\n variable: $a\n int: 2\n")
        << op;
  }
}

TEST(Parser, SamePrecedenceIsLeftAssociative) {
  EXPECT_EQ(expr_dump("1 - 2 - 3"), "binop: -\n binop: -\n  int: 1\n  int: 2\n int: 3\n");
  EXPECT_EQ(expr_dump("8 / 4 % 3 * 2"),
            "binop: *\n binop: %\n  binop: /\n   int: 8\n   int: 4\n  int: 3\n int: 2\n");
  EXPECT_EQ(expr_dump("1 < 2 >= 3"), "binop: >=\n binop: <\n  int: 1\n  int: 2\n int: 3\n");
  EXPECT_EQ(expr_dump("1 >> 2 << 3"), "binop: <<\n binop: >>\n  int: 1\n  int: 2\n int: 3\n");
}

TEST(Parser, TernaryIsRightAssociativeAndLowest) {
  EXPECT_EQ(expr_dump("a || b ? c + 1 : d ? e : f"),
            "ternary\n"
            " binop: ||\n"
            "  builtin: a\n"
            "  builtin: b\n"
            " binop: +\n"
            "  builtin: c\n"
            "  int: 1\n"
            " ternary\n"
            "  builtin: d\n"
            "  builtin: e\n"
            "  builtin: f\n");
}

TEST(Parser, Parentheses) {
  EXPECT_EQ(expr_dump("(1 + 2) * 3"), "binop: *\n binop: +\n  int: 1\n  int: 2\n int: 3\n");
  EXPECT_EQ(expr_dump("((a))"), "builtin: a\n");
}

TEST(Parser, UnaryOperators) {
  EXPECT_EQ(expr_dump("-$x"), "unop: -\n variable: $x\n");
  EXPECT_EQ(expr_dump("!$x"), "unop: !\n variable: $x\n");
  EXPECT_EQ(expr_dump("~$x"), "unop: ~\n variable: $x\n");
  EXPECT_EQ(expr_dump("*$x"), "unop: *\n variable: $x\n");
  EXPECT_EQ(expr_dump("&$x"), "unop: &\n variable: $x\n");
  EXPECT_EQ(expr_dump("++$x"), "unop: ++ (pre)\n variable: $x\n");
  EXPECT_EQ(expr_dump("--@m[1]"), "unop: -- (pre)\n map: @m\n  int: 1\n");
  EXPECT_EQ(expr_dump("$x++"), "unop: ++ (post)\n variable: $x\n");
  EXPECT_EQ(expr_dump("@m[1, 2]--"), "unop: -- (post)\n map: @m\n  int: 1\n  int: 2\n");
  // Unary binds tighter than binary, postfix tighter than prefix.
  EXPECT_EQ(expr_dump("-a * b"), "binop: *\n unop: -\n  builtin: a\n builtin: b\n");
  EXPECT_EQ(expr_dump("-$x++"), "unop: -\n unop: ++ (post)\n  variable: $x\n");
  EXPECT_EQ(expr_dump("!!a"), "unop: !\n unop: !\n  builtin: a\n");
  EXPECT_EQ(expr_dump("- -1"), "unop: -\n unop: -\n  int: 1\n");
  EXPECT_EQ(expr_dump("*$p->next"), "unop: *\n field: ->next\n  variable: $p\n");
  EXPECT_EQ(expr_dump("a & &b"), "binop: &\n builtin: a\n unop: &\n  builtin: b\n");
  EXPECT_EQ(expr_dump("a * *b"), "binop: *\n builtin: a\n unop: *\n  builtin: b\n");
}

TEST(Parser, FieldAccessAndIndexing) {
  EXPECT_EQ(expr_dump("args.filename"), "field: .filename\n builtin: args\n");
  EXPECT_EQ(expr_dump("args->filename"), "field: ->filename\n builtin: args\n");
  EXPECT_EQ(expr_dump("str(args->filename)"), "call: str\n field: ->filename\n  builtin: args\n");
  EXPECT_EQ(expr_dump("curtask->mm->arg_start"),
            "field: ->arg_start\n field: ->mm\n  builtin: curtask\n");
  EXPECT_EQ(expr_dump("$a[1][2]"), "index\n index\n  variable: $a\n  int: 1\n int: 2\n");
  EXPECT_EQ(expr_dump("$a[1].x"), "field: .x\n index\n  variable: $a\n  int: 1\n");
  EXPECT_EQ(expr_dump("$t.1"), "field: .1\n variable: $t\n");
  EXPECT_EQ(expr_dump("$s.u64"), "field: .u64\n variable: $s\n");
}

TEST(Parser, Casts) {
  EXPECT_EQ(expr_dump("(int)arg0"), "cast: int\n builtin: arg0\n");
  EXPECT_EQ(expr_dump("(uint64_t)arg0"), "cast: uint64_t\n builtin: arg0\n");
  EXPECT_EQ(expr_dump("(u32)arg0"), "cast: u32\n builtin: arg0\n");
  EXPECT_EQ(expr_dump("(unsigned long long)arg0"), "cast: unsigned long long\n builtin: arg0\n");
  EXPECT_EQ(expr_dump("(struct task_struct *)curtask"),
            "cast: struct task_struct *\n builtin: curtask\n");
  EXPECT_EQ(expr_dump("(struct x **)0"), "cast: struct x **\n int: 0\n");
  EXPECT_EQ(expr_dump("(union u *)$p"), "cast: union u *\n variable: $p\n");
  EXPECT_EQ(expr_dump("(enum e)1"), "cast: enum e\n int: 1\n");
  // As in C, a cast applies to a unary expression, after postfix operators.
  EXPECT_EQ(expr_dump("(int8_t)a + b"), "binop: +\n cast: int8_t\n  builtin: a\n builtin: b\n");
  EXPECT_EQ(expr_dump("(struct s *)a->b"), "cast: struct s *\n field: ->b\n  builtin: a\n");
  EXPECT_EQ(expr_dump("((struct s *)a)->b"), "field: ->b\n cast: struct s *\n  builtin: a\n");
  EXPECT_EQ(expr_dump("(int)-1"), "cast: int\n unop: -\n  int: 1\n");
}

TEST(Parser, CastTypeSpec) {
  auto p = parse("BEGIN { (struct task_struct **)0 }");
  ASSERT_TRUE(p);
  const auto &c = ast::as<ast::Cast>(first_expr(*p));
  EXPECT_EQ(c.target.name, "struct task_struct");
  EXPECT_EQ(c.target.pointer_depth, 2);
  expect_loc(c.target.loc, 1, 10, 1, 31);
  expect_loc(c.loc, 1, 9, 1, 33);
}

TEST(Parser, Tuples) {
  EXPECT_EQ(expr_dump("(1, \"a\", $x)"), "tuple\n int: 1\n string: a\n variable: $x\n");
  EXPECT_EQ(expr_dump("((1, 2), 3)"), "tuple\n tuple\n  int: 1\n  int: 2\n int: 3\n");
}

TEST(Parser, Calls) {
  EXPECT_EQ(expr_dump("exit()"), "call: exit\n");
  EXPECT_EQ(expr_dump("printf(\"%s %d\", comm, pid + 1)"),
            "call: printf\n string: %s %d\n builtin: comm\n binop: +\n  builtin: pid\n  int: 1\n");
  EXPECT_EQ(expr_dump("hist(count())"), "call: hist\n call: count\n");
}

TEST(Parser, Maps) {
  EXPECT_EQ(dump("BEGIN { @ = 1; @x = 2; @m[tid] = 3; @m[pid, comm] = count(); }"),
            "Program\n"
            " BEGIN\n"
            "  =\n"
            "   map: @\n"
            "   int: 1\n"
            "  =\n"
            "   map: @x\n"
            "   int: 2\n"
            "  =\n"
            "   map: @m\n"
            "    builtin: tid\n"
            "   int: 3\n"
            "  =\n"
            "   map: @m\n"
            "    builtin: pid\n"
            "    builtin: comm\n"
            "   call: count\n");
  EXPECT_EQ(expr_dump("@x + @y[1]"), "binop: +\n map: @x\n map: @y\n  int: 1\n");
}

TEST(Parser, VariablesAndPositionals) {
  EXPECT_EQ(dump("BEGIN { $x = $1 + $12; $y = $#; }"),
            "Program\n"
            " BEGIN\n"
            "  =\n"
            "   variable: $x\n"
            "   binop: +\n"
            "    param: $1\n"
            "    param: $12\n"
            "  =\n"
            "   variable: $y\n"
            "   param: $#\n");
  auto p = parse("BEGIN { $3; $# }");
  ASSERT_TRUE(p);
  const auto &pos = ast::as<ast::Positional>(first_expr(*p));
  EXPECT_EQ(pos.index, 3);
  EXPECT_FALSE(pos.is_count);
  const auto &cnt = ast::as<ast::Positional>(*ast::as<ast::ExprStmt>(*p->probes[0]->body[1]).expr);
  EXPECT_TRUE(cnt.is_count);
}

TEST(Parser, CompoundAssignments) {
  struct Case {
    const char *op;
    ast::BinOp bin;
  } cases[] = {{"+=", ast::BinOp::Add},    {"-=", ast::BinOp::Sub},    {"*=", ast::BinOp::Mul},
               {"/=", ast::BinOp::Div},    {"%=", ast::BinOp::Mod},    {"&=", ast::BinOp::BitAnd},
               {"|=", ast::BinOp::BitOr},  {"^=", ast::BinOp::BitXor}, {"<<=", ast::BinOp::Shl},
               {">>=", ast::BinOp::Shr}};
  for (const auto &c : cases) {
    auto p = parse(std::string("BEGIN { @m[1] ") + c.op + " 2; $v " + c.op + " 3 }");
    ASSERT_TRUE(p) << c.op;
    const auto &am = ast::as<ast::AssignMap>(*p->probes[0]->body[0]);
    EXPECT_TRUE(am.compound);
    EXPECT_EQ(am.op, c.bin);
    EXPECT_EQ(am.map->name, "@m");
    const auto &av = ast::as<ast::AssignVar>(*p->probes[0]->body[1]);
    EXPECT_TRUE(av.compound);
    EXPECT_EQ(av.op, c.bin);
    EXPECT_EQ(av.var->name, "$v");
    EXPECT_EQ(dump_ast(*p->probes[0]->body[0]),
              std::string(c.op) + "\n map: @m\n  int: 1\n int: 2\n");
  }
  auto p = parse("BEGIN { @a = 1; $b = 2 }");
  ASSERT_TRUE(p);
  EXPECT_FALSE(ast::as<ast::AssignMap>(*p->probes[0]->body[0]).compound);
  EXPECT_FALSE(ast::as<ast::AssignVar>(*p->probes[0]->body[1]).compound);
}

TEST(Parser, IfElseIfElse) {
  EXPECT_EQ(dump("BEGIN { if (a) { x() } else if (b) { y(); z() } else { w() } v() }"),
            "Program\n"
            " BEGIN\n"
            "  if\n"
            "   builtin: a\n"
            "   then\n"
            "    call: x\n"
            "   else\n"
            "    if\n"
            "     builtin: b\n"
            "     then\n"
            "      call: y\n"
            "      call: z\n"
            "     else\n"
            "      call: w\n"
            "  call: v\n");
  auto p = parse("BEGIN { if (a) { } else if (b) { } }");
  ASSERT_TRUE(p);
  const auto &outer = ast::as<ast::If>(*p->probes[0]->body[0]);
  ASSERT_EQ(outer.otherwise.size(), 1u);
  EXPECT_EQ(outer.otherwise[0]->kind, ast::StmtKind::If);
  EXPECT_TRUE(ast::as<ast::If>(*outer.otherwise[0]).otherwise.empty());
}

TEST(Parser, LoopsAndJumps) {
  EXPECT_EQ(dump("BEGIN { unroll (3) { @x++ } while ($i < 10) { $i++; if ($i == 5) { break; } continue } "
                 "return; }"),
            "Program\n"
            " BEGIN\n"
            "  unroll\n"
            "   int: 3\n"
            "   body\n"
            "    unop: ++ (post)\n"
            "     map: @x\n"
            "  while\n"
            "   binop: <\n"
            "    variable: $i\n"
            "    int: 10\n"
            "   body\n"
            "    unop: ++ (post)\n"
            "     variable: $i\n"
            "    if\n"
            "     binop: ==\n"
            "      variable: $i\n"
            "      int: 5\n"
            "     then\n"
            "      break\n"
            "    continue\n"
            "  return\n");
}

TEST(Parser, IntegerLiterals) {
  auto value = [](const std::string &lit) -> uint64_t {
    auto p = parse("BEGIN { " + lit + " }");
    if (!p) return 0xdeadbeef;
    return ast::as<ast::Integer>(first_expr(*p)).value;
  };
  EXPECT_EQ(value("0"), 0u);
  EXPECT_EQ(value("42"), 42u);
  EXPECT_EQ(value("0x1F"), 31u);
  EXPECT_EQ(value("0XfF"), 255u);
  EXPECT_EQ(value("017"), 15u);
  EXPECT_EQ(value("1_000_000"), 1000000u);
  EXPECT_EQ(value("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(value("0xffffffffffffffff"), UINT64_MAX);
  EXPECT_EQ(expr_dump("-1"), "unop: -\n int: 1\n");
}

TEST(Parser, StringEscapes) {
  auto value = [](const std::string &lit) -> std::string {
    auto p = parse("BEGIN { " + lit + " }");
    if (!p) return "<error>";
    return ast::as<ast::String>(first_expr(*p)).value;
  };
  EXPECT_EQ(value(R"("plain")"), "plain");
  EXPECT_EQ(value(R"("a\nb\tc")"), "a\nb\tc");
  EXPECT_EQ(value(R"("q\"q\\")"), "q\"q\\");
  EXPECT_EQ(value(R"("\101\60\0")"), std::string("A0\0", 3));
  EXPECT_EQ(value(R"("\x41\x7e\xff")"), "A~\xff");
  EXPECT_EQ(value(R"("\r\'")"), "\r'");
  EXPECT_EQ(value(R"("")"), "");
  EXPECT_EQ(value(R"("// not a comment /* */")"), "// not a comment /* */");
  // The dump re-escapes.
  EXPECT_EQ(expr_dump(R"("a\n\"\x01")"), "string: a\\n\\\"\\x01\n");
}

TEST(Parser, ExpressionLocations) {
  //                 1234567890123456789012345678901234567890
  auto p = parse("BEGIN { printf(\"%d\", a + b * 2); }\n"
                 "kprobe:f { @m[pid, 1] = $x;\n"
                 "  $v += -c; }");
  ASSERT_TRUE(p);
  const auto &call = ast::as<ast::Call>(first_expr(*p));
  expect_loc(call.loc, 1, 9, 1, 32);
  expect_loc(call.args[0]->loc, 1, 16, 1, 20);
  const auto &sum = ast::as<ast::Binop>(*call.args[1]);
  expect_loc(sum.loc, 1, 22, 1, 31);
  expect_loc(sum.lhs->loc, 1, 22, 1, 23);
  expect_loc(sum.rhs->loc, 1, 26, 1, 31);
  expect_loc(p->probes[0]->body[0]->loc, 1, 9, 1, 32);

  const auto &assign = ast::as<ast::AssignMap>(*p->probes[1]->body[0]);
  expect_loc(assign.loc, 2, 12, 2, 27);
  expect_loc(assign.map->loc, 2, 12, 2, 22);
  expect_loc(assign.map->keys[1]->loc, 2, 20, 2, 21);
  expect_loc(assign.value->loc, 2, 25, 2, 27);

  const auto &var = ast::as<ast::AssignVar>(*p->probes[1]->body[1]);
  expect_loc(var.loc, 3, 3, 3, 11);
  expect_loc(var.var->loc, 3, 3, 3, 5);
  expect_loc(var.value->loc, 3, 9, 3, 11);
  expect_loc(p->probes[1]->loc, 2, 1, 3, 14);
  expect_loc(p->loc, 1, 1, 3, 14);
}

TEST(Parser, StatementLocations) {
  auto p = parse("BEGIN {\n"
                 "  if (a) {\n"
                 "    return\n"
                 "  } else { b() }\n"
                 "  while (1) { break }\n"
                 "}");
  ASSERT_TRUE(p);
  const auto &body = p->probes[0]->body;
  const auto &iff = ast::as<ast::If>(*body[0]);
  expect_loc(iff.loc, 2, 3, 4, 17);
  expect_loc(iff.cond->loc, 2, 7, 2, 8);
  expect_loc(iff.then[0]->loc, 3, 5, 3, 11);
  expect_loc(body[1]->loc, 5, 3, 5, 22);
  expect_loc(ast::as<ast::While>(*body[1]).body[0]->loc, 5, 15, 5, 20);
}

TEST(Parser, StringLocationIncludesQuotes) {
  auto p = parse("BEGIN { \"a\\tb\" }");
  ASSERT_TRUE(p);
  expect_loc(first_expr(*p).loc, 1, 9, 1, 15);
}

TEST(Parser, KeywordsAreNotIdentifiers) {
  EXPECT_EQ(expr_dump("iff + whilex + structure"),
            "binop: +\n binop: +\n  builtin: iff\n  builtin: whilex\n builtin: structure\n");
}

TEST(AstPrinter, ShowsTypes) {
  auto p = parse("BEGIN { pid + 1 }");
  ASSERT_TRUE(p);
  auto &e = ast::as<ast::Binop>(*ast::as<ast::ExprStmt>(*p->probes[0]->body[0]).expr);
  e.lhs->type = Type::integer(4, false);
  e.type = Type::u64();
  EXPECT_EQ(dump_ast(*p), "Program\n BEGIN\n  binop: + :: uint64\n   builtin: pid :: uint32\n   int: 1\n");
}

TEST(Parser, ProbeIndices) {
  auto p = parse("BEGIN {} END {} kprobe:f {}");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->probes.size(), 3u);
  for (size_t i = 0; i < 3; i++) EXPECT_EQ(p->probes[i]->index, static_cast<int>(i));
}

TEST(Parser, CrlfAndTabs) {
  EXPECT_EQ(dump("BEGIN\r\n{\r\n\tprint(1);\r\n}\r\n"), "Program\n BEGIN\n  call: print\n   int: 1\n");
}
