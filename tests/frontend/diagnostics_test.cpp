// Golden tests for syntax and scanner diagnostics: the full rendered text
// (location, message, source line, underline and hints).
#include <gtest/gtest.h>

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
            "BEGIN { \x01 }\n"
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
