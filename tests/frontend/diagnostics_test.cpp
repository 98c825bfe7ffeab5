// Golden tests for syntax and scanner diagnostics: the full rendered text
// (location, message, source line, underline and hints).
#include <gtest/gtest.h>
#include <pthread.h>

#include <string>

#include "frontend/parser_driver.h"

using namespace probe;

namespace {

// Parses text that must be rejected and returns the rendered diagnostics.
std::string errors(const std::string &text) {
  SourceFile src{"-e", text};
  Diagnostics diags;
  auto prog = parse_program(src, diags);
  EXPECT_EQ(prog, nullptr);
  EXPECT_TRUE(diags.has_errors());
  return diags.render(src);
}

}  // namespace

// The design card's example: angle brackets instead of braces.
TEST(SyntaxDiagnostics, AngleBracketsInsteadOfBraces) {
  EXPECT_EQ(errors("uprobe:/proc/self/exe:uprobed_add < print(arg0) >"),
            "-e:1:35: error: unexpected '<', expecting '{'\n"
            "uprobe:/proc/self/exe:uprobed_add < print(arg0) >\n"
            "                                  ^\n"
            "hint: a probe's body is a block in braces: write "
            "`uprobe:/proc/self/exe:uprobed_add { print(arg0) }`\n");
}

TEST(SyntaxDiagnostics, ParenthesesInsteadOfBracesWithSeveralAttachPoints) {
  EXPECT_EQ(errors("kprobe:f,\n  kprobe:g ( @x = 1 )"),
            "-e:2:12: error: unexpected '(', expecting '{'\n"
            "  kprobe:g ( @x = 1 )\n"
            "           ^\n"
            "hint: a probe's body is a block in braces: write `kprobe:f, kprobe:g { @x = 1 }`\n");
}

TEST(SyntaxDiagnostics, MissingBraces) {
  EXPECT_EQ(errors("kprobe:vfs_read printf(\"hi\")"),
            "-e:1:17: error: unexpected attach point 'printf(\"hi\")', expecting '{'\n"
            "kprobe:vfs_read printf(\"hi\")\n"
            "                ^~~~~~~~~~~~\n"
            "hint: a probe's body is a block in braces: write `kprobe:vfs_read { printf(\"hi\") }`\n");
}

TEST(SyntaxDiagnostics, MissingCommaBetweenAttachPoints) {
  EXPECT_EQ(errors("kprobe:vfs_read\nkprobe:vfs_write { @[comm] = count(); }"),
            "-e:2:1: error: unexpected attach point 'kprobe:vfs_write', expecting '{'\n"
            "kprobe:vfs_write { @[comm] = count(); }\n"
            "^~~~~~~~~~~~~~~~\n"
            "hint: attach points are separated by ',': write `kprobe:vfs_read, kprobe:vfs_write`\n");
}

TEST(SyntaxDiagnostics, MissingBodyAtEndOfFile) {
  EXPECT_EQ(errors("BEGIN\n"),
            "-e:1:6: error: unexpected end of file, expecting '{'\n"
            "BEGIN\n"
            "     ^\n"
            "hint: a probe's body is a block in braces: write `BEGIN { ... }`\n");
}

TEST(SyntaxDiagnostics, MissingSemicolon) {
  EXPECT_EQ(errors("BEGIN { printf(\"a\") printf(\"b\") }"),
            "-e:1:21: error: unexpected identifier 'printf', expecting ';' or '}'\n"
            "BEGIN { printf(\"a\") printf(\"b\") }\n"
            "                    ^~~~~~\n"
            "hint: statements are separated by ';'\n");
}

TEST(SyntaxDiagnostics, ErrorsInSeveralProbesAreAllReported) {
  EXPECT_EQ(errors("BEGIN { @x = 1 @y = 2 }\n"
                   "END { $a = (1 + ; }\n"
                   "kprobe:f { ok(); }"),
            "-e:1:16: error: unexpected map '@y', expecting ';' or '}'\n"
            "BEGIN { @x = 1 @y = 2 }\n"
            "               ^~\n"
            "hint: statements are separated by ';'\n"
            "-e:2:17: error: unexpected ';', expecting expression\n"
            "END { $a = (1 + ; }\n"
            "                ^\n");
}

TEST(SyntaxDiagnostics, UnterminatedString) {
  EXPECT_EQ(errors("BEGIN { printf(\"hello); }\nEND { }"),
            "-e:1:16: error: unterminated string\n"
            "BEGIN { printf(\"hello); }\n"
            "               ^~~~~~~~~~\n"
            "hint: close the string with '\"' on the same line\n");
}

TEST(SyntaxDiagnostics, UnterminatedComment) {
  EXPECT_EQ(errors("BEGIN { /* comment\n print(1) }"),
            "-e:1:9: error: unterminated comment\n"
            "BEGIN { /* comment\n"
            "        ^~\n"
            "hint: close the comment with '*/'\n");
}

TEST(SyntaxDiagnostics, UnclosedBlock) {
  EXPECT_EQ(errors("BEGIN {\n  if (1) {\n    print(1);\n}\n"),
            "-e:4:2: error: unexpected end of file, expecting statement, 'else' or '}'\n"
            "}\n"
            " ^\n"
            "hint: the '{' at line 1, column 7 is never closed\n");
}

TEST(SyntaxDiagnostics, InvalidCharacter) {
  EXPECT_EQ(errors("BEGIN { print(1) ` }"),
            "-e:1:18: error: invalid character '`'\n"
            "BEGIN { print(1) ` }\n"
            "                 ^\n");
}

TEST(SyntaxDiagnostics, InvalidByte) {
  EXPECT_EQ(errors("BEGIN { \x01 }"),
            "-e:1:9: error: invalid byte 0x01\n"
            "BEGIN { ? }\n"
            "        ^\n");
}

TEST(SyntaxDiagnostics, AssignmentInPredicate) {
  EXPECT_EQ(errors("kprobe:f /pid = 1/ { }"),
            "-e:1:15: error: unexpected '=', expecting '/'\n"
            "kprobe:f /pid = 1/ { }\n"
            "              ^\n"
            "hint: '=' assigns to a map or variable in a statement; use '==' to compare\n");
}

TEST(SyntaxDiagnostics, MissingIfParentheses) {
  EXPECT_EQ(errors("BEGIN { if pid { } }"),
            "-e:1:12: error: unexpected identifier 'pid', expecting '('\n"
            "BEGIN { if pid { } }\n"
            "           ^~~\n");
}

TEST(SyntaxDiagnostics, UnbalancedClosingBrace) {
  EXPECT_EQ(errors("BEGIN { } }"),
            "-e:1:11: error: unexpected '}', expecting end of file or attach point\n"
            "BEGIN { } }\n"
            "          ^\n");
}

TEST(SyntaxDiagnostics, EmptyProgram) {
  EXPECT_EQ(errors("// nothing here\n"),
            "-e:1:1: error: unexpected end of file, expecting attach point\n"
            "// nothing here\n"
            "^\n"
            "hint: a program is one or more probes, e.g. `BEGIN { printf(\"hello\\n\"); }`\n");
}

TEST(ScannerDiagnostics, BadLiteralsAreReportedAndParsingContinues) {
  EXPECT_EQ(errors("BEGIN { $a = 08; $b = 0x; $c = 99999999999999999999; $d = \"\\q\"; $e = 1 $ }"),
            "-e:1:14: error: invalid digit in octal literal '08'\n"
            "BEGIN { $a = 08; $b = 0x; $c = 99999999999999999999; $d = \"\\q\"; $e = 1 $ }\n"
            "             ^~\n"
            "-e:1:23: error: invalid integer literal '0x'\n"
            "BEGIN { $a = 08; $b = 0x; $c = 99999999999999999999; $d = \"\\q\"; $e = 1 $ }\n"
            "                      ^~\n"
            "-e:1:32: error: integer literal '99999999999999999999' does not fit in 64 bits\n"
            "BEGIN { $a = 08; $b = 0x; $c = 99999999999999999999; $d = \"\\q\"; $e = 1 $ }\n"
            "                               ^~~~~~~~~~~~~~~~~~~~\n"
            "-e:1:60: error: unknown escape sequence '\\q'\n"
            "BEGIN { $a = 08; $b = 0x; $c = 99999999999999999999; $d = \"\\q\"; $e = 1 $ }\n"
            "                                                           ^~\n"
            "-e:1:72: error: expected a variable name, a number or '#' after '$'\n"
            "BEGIN { $a = 08; $b = 0x; $c = 99999999999999999999; $d = \"\\q\"; $e = 1 $ }\n"
            "                                                                       ^\n");
}

TEST(SyntaxDiagnostics, DiagnosticLocationsAreRecorded) {
  SourceFile src{"prog.bt", "BEGIN {\n  x y\n}"};
  Diagnostics diags;
  EXPECT_EQ(parse_program(src, diags), nullptr);
  ASSERT_EQ(diags.all().size(), 1u);
  const Diagnostic &d = diags.all()[0];
  EXPECT_EQ(d.severity, Severity::Error);
  EXPECT_EQ(d.loc.begin.line, 2);
  EXPECT_EQ(d.loc.begin.column, 5);
  EXPECT_EQ(d.loc.end.line, 2);
  EXPECT_EQ(d.loc.end.column, 6);
  EXPECT_EQ(diags.render(src).substr(0, 16), "prog.bt:2:5: err");
}

// Hostile input: runs of NULs, control characters and bytes that are not
// UTF-8 are one error each (100,000 NULs made 100,000 errors, each with a
// copy of the 100 KB line: 8 GB), and the source line is printed with '?'
// in their place.
TEST(ScannerDiagnostics, RunOfInvalidBytesIsOneError) {
  EXPECT_EQ(errors(std::string("BEGIN { \0\0\0\xff\x01 }", 15)),
            "-e:1:9: error: 5 invalid bytes, the first byte 0x00\n"
            "BEGIN { ????? }\n"
            "        ^~~~~\n"
            "hint: a program is text: letters, digits and punctuation outside of strings and comments\n");
  std::string nuls(100000, '\0');
  SourceFile src{"-e", nuls};
  Diagnostics diags;
  EXPECT_EQ(parse_program(src, diags), nullptr);
  ASSERT_GE(diags.all().size(), 1u);
  EXPECT_EQ(diags.all()[0].message, "100000 invalid bytes, the first byte 0x00");
  EXPECT_LT(diags.render(src).size(), 1000u);
}

// A raw NUL inside a string literal silently cut printf's format: now an
// error at the byte (the scanner reads a copy with NULs replaced, to avoid
// flex's rescans, and checks the original bytes).
TEST(ScannerDiagnostics, NulInStringLiteralIsAnError) {
  static const char kText[] = "BEGIN { printf(\"a\0b\"); }";
  EXPECT_EQ(errors(std::string(kText, sizeof kText - 1)),
            "-e:1:18: error: a NUL byte inside a string literal\n"
            "BEGIN { printf(\"a?b\"); }\n"
            "                 ^\n"
            "hint: write it as the escape \\0 if it is meant\n");
}

// 20 KB of backticks made 20,000 errors, each printing the 20 KB line
// (600 MB): now 20 errors, lines cut around the column, then one line.
TEST(DiagnosticsCap, TooManyErrorsStops) {
  std::string text = "BEGIN { " + std::string(20000, '`') + " }";
  SourceFile src{"-e", text};
  Diagnostics diags;
  EXPECT_EQ(parse_program(src, diags), nullptr);
  EXPECT_EQ(diags.all().size(), Diagnostics::kDefaultMax);
  std::string out = diags.render(src);
  EXPECT_LT(out.size(), 20u * 600);
  EXPECT_NE(out.find("\n-e: too many errors; stopping\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("too many"), out.rfind("too many"));
}

TEST(DiagnosticsCap, DroppedDiagnosticsKeepErrorStateAndHintsGoNowhere) {
  Diagnostics diags(2);
  diags.warning(Loc{}, "w1");
  diags.warning(Loc{}, "w2");
  EXPECT_TRUE(diags.full());
  EXPECT_FALSE(diags.has_errors());
  diags.error(Loc{}, "e3");
  diags.hint("for e3");
  EXPECT_TRUE(diags.has_errors());
  EXPECT_EQ(diags.dropped(), 1u);
  ASSERT_EQ(diags.all().size(), 2u);
  EXPECT_TRUE(diags.all()[1].hints.empty());
  SourceFile src{"f", "x\n"};
  EXPECT_NE(diags.render(src).find("f: too many errors; stopping\n"), std::string::npos);
}

// A long line is shown as a window around the column, with the underline
// still under the right character.
TEST(DiagnosticsRendering, LongLineIsCutAroundTheColumn) {
  std::string line = std::string(5000, 'a') + "BAD" + std::string(5000, 'b');
  SourceFile src{"f", line};
  Diagnostic d;
  d.loc = Loc{Position{1, 5001}, Position{1, 5004}};
  d.message = "here";
  std::string out = render_diagnostic(d, src);
  std::string shown = out.substr(out.find('\n') + 1);
  std::string text = shown.substr(0, shown.find('\n'));
  std::string underline = shown.substr(shown.find('\n') + 1);
  underline = underline.substr(0, underline.find('\n'));
  EXPECT_LE(text.size(), kMaxShownLine + 6);
  EXPECT_EQ(text.substr(0, 3), "...");
  EXPECT_EQ(text.substr(text.size() - 3), "...");
  size_t caret = underline.find('^');
  ASSERT_NE(caret, std::string::npos);
  EXPECT_EQ(text.substr(caret, 3), "BAD");
  EXPECT_EQ(underline.substr(caret), "^~~");

  // Near the start or end of the line only one side is cut.
  d.loc = Loc{Position{1, 2}, Position{1, 3}};
  out = render_diagnostic(d, src);
  EXPECT_NE(out.find("\naaaa"), std::string::npos);
  EXPECT_NE(out.find("\n ^\n"), std::string::npos) << out;
}

TEST(DiagnosticsRendering, LongMessagesAndHintsAreShortened) {
  SourceFile src{"f", "x"};
  Diagnostic d;
  d.message = "unknown identifier '" + std::string(100000, 'x') + "'";
  d.hints.push_back(std::string(100000, 'y'));
  std::string out = render_diagnostic(d, src);
  EXPECT_LT(out.size(), 2 * kMaxShownMessage + 100);
  EXPECT_NE(out.find(" ... "), std::string::npos);
}

// Finding the line of each diagnostic used to scan from the start of the
// text: 1 MB of bad lines took more than 10 s.
TEST(DiagnosticsRendering, LineIndexFindsLines) {
  std::string text = "one\ntwo\n\nfour";
  LineIndex idx(text);
  EXPECT_EQ(idx.line(text, 1), "one");
  EXPECT_EQ(idx.line(text, 2), "two");
  EXPECT_EQ(idx.line(text, 3), "");
  EXPECT_EQ(idx.line(text, 4), "four");
  EXPECT_EQ(idx.line(text, 5), "");
  EXPECT_EQ(idx.line(text, 0), "");
  std::string many;
  for (int i = 0; i < 500000; i++) many += "`\n";
  SourceFile src{"-e", "BEGIN {\n" + many + "}"};
  Diagnostics diags;
  EXPECT_EQ(parse_program(src, diags), nullptr);
  EXPECT_EQ(diags.all().size(), Diagnostics::kDefaultMax);
  EXPECT_NE(diags.render(src).find("-e:21:1: error: invalid character '`'"), std::string::npos);
}

// The token budget bounds parsing time and memory (10 MB of `@x = 1;`
// took 2.8 GB).
TEST(ParserLimits, TooManyTokensIsOneError) {
  std::string text = "BEGIN { ";
  for (int i = 0; i < 60000; i++) text += "@x = 1; ";
  text += "}";
  SourceFile src{"-e", text};
  Diagnostics diags;
  EXPECT_EQ(parse_program(src, diags), nullptr);
  ASSERT_EQ(diags.all().size(), 1u) << diags.render(src);
  EXPECT_EQ(diags.all()[0].message, "the program is too large: more than 100000 tokens; stopping here");
}

namespace {

// Parses text on a thread with a 256 KiB stack (sanitizer builds and
// small thread stacks have about this much headroom); returns the first
// message.
std::string parse_on_small_stack(const std::string &text) {
  struct Job {
    const std::string *text;
    std::string first;
  } job{&text, ""};
  auto run = [](void *p) -> void * {
    auto *j = static_cast<Job *>(p);
    SourceFile src{"-e", *j->text};
    Diagnostics diags;
    auto prog = parse_program(src, diags);
    if (!diags.all().empty()) j->first = diags.all().front().message;
    return nullptr;
  };
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_t t;
  EXPECT_EQ(pthread_create(&t, &attr, run, &job), 0);
  pthread_join(t, nullptr);
  pthread_attr_destroy(&attr);
  return job.first;
}

}  // namespace

// A 90,000-deep expression followed by a syntax error: the parser's error
// recovery destroyed the tree recursively and overflowed the stack (SIGSEGV
// with a 512 KiB stack). The parser now refuses depth past kMaxNesting as
// the tree is built.
TEST(ParserLimits, DeepTreeIsRefusedWhileBuilt) {
  std::string chain = "BEGIN { $x = 1";
  for (int i = 0; i < 45000; i++) chain += "+1";
  EXPECT_EQ(parse_on_small_stack(chain + " + ; }"),
            "the program is nested too deeply (more than 1000 levels of expressions and blocks)");
  std::string neg = "BEGIN { $x = " + std::string(90000, '-') + "1 + ; }";
  EXPECT_EQ(parse_on_small_stack(neg),
            "the program is nested too deeply (more than 1000 levels of expressions and blocks)");
  std::string elifs = "BEGIN { if (1) { }";
  for (int i = 0; i < 5000; i++) elifs += " else if (1) { }";
  EXPECT_EQ(parse_on_small_stack(elifs + " }"),
            "the program is nested too deeply (more than 1000 levels of expressions and blocks)");
}
