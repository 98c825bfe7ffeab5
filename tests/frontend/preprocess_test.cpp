// Tests of the preprocessor pass: directives, conditional sections,
// blanking that keeps lines and columns, include search order, missing
// headers (note vs error), include guards, #pragma once, cycles, and
// hostile input that must end fast with errors.
#include "frontend/preprocess.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace probe {
namespace {

Preprocessed run(const std::string &text, Diagnostics &d, PreprocessOptions opts = {}) {
  SourceFile src{"test.bt", text};
  return preprocess(src, opts, d);
}

std::string messages(const Diagnostics &d) {
  std::string s;
  for (const Diagnostic &x : d.all()) s += std::to_string(x.loc.begin.line) + ":" + std::to_string(x.loc.begin.column) + ": " + x.message + "\n";
  return s;
}

// A temporary directory with header files, removed at the end of a test.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/pp_test_XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  void write(const std::string &rel, const std::string &text) const {
    std::filesystem::path p = path_ + "/" + rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  std::string operator/(const std::string &rel) const { return path_ + "/" + rel; }
  const std::string &path() const { return path_; }

 private:
  std::string path_;
};

TEST(PreprocessTest, BlanksDirectives) {
  Diagnostics d;
  auto r = run("#define X 1\nkprobe:f { @ = X; }\n", d);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  EXPECT_EQ(r.text, "\nkprobe:f { @ = X; }\n");
  ASSERT_TRUE(r.macros.count("X"));
  EXPECT_EQ(r.macros.at("X").body, "1");
  EXPECT_EQ(r.macros.at("X").file, "test.bt");
  EXPECT_EQ(r.macros.at("X").loc.begin.line, 1);
}

TEST(PreprocessTest, KeepsLinesAndColumns) {
  Diagnostics d;
  std::string src =
      "#!/usr/bin/env bpftrace\n"
      "  #define LONG(a, b) \\\n"
      "     ((a) + \\\n"
      "      (b))\n"
      "kprobe:f /comm == \"a#b\"/ { printf(\"#x\\n\"); } // # not a directive\n"
      "/* a comment\n"
      "#define IN_COMMENT 1\n"
      "*/ BEGIN { @x = 1; }\n"
      "#ifdef NOPE\n"
      "skipped { }\n"
      "#else\n"
      "   kept { }\n"
      "#endif\n"
      "last";
  auto r = run(src, d);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  EXPECT_EQ(r.text,
            "\n\n\n\n"
            "kprobe:f /comm == \"a#b\"/ { printf(\"#x\\n\"); } // # not a directive\n"
            "/* a comment\n"
            "#define IN_COMMENT 1\n"
            "*/ BEGIN { @x = 1; }\n"
            "\n\n\n"
            "   kept { }\n"
            "\n"
            "last");
  EXPECT_TRUE(r.macros.count("LONG"));
  EXPECT_EQ(r.macros.at("LONG").body, "((a) +       (b))");
  EXPECT_FALSE(r.macros.count("IN_COMMENT"));
}

TEST(PreprocessTest, SplicedLineIsNotADirective) {
  Diagnostics d;
  auto r = run("BEGIN { printf(\"a\\\n#b\"); }\n", d);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  EXPECT_EQ(r.text, "BEGIN { printf(\"a\\\n#b\"); }\n");
}

TEST(PreprocessTest, DirectiveWithCommentSpanningLines) {
  Diagnostics d;
  auto r = run("#define A 1 /* starts\n  ends */\nx\n", d);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  EXPECT_EQ(r.text, "\n\nx\n");
  EXPECT_EQ(r.macros.at("A").body, "1");
}

TEST(PreprocessTest, ConditionalNesting) {
  Diagnostics d;
  std::string src =
      "#define A 2\n"
      "#if A > 1\n"
      "a1\n"
      "# if defined(B) || !defined A\n"
      "b1\n"
      "# elif A == 2\n"
      "b2\n"
      "# else\n"
      "b3\n"
      "# endif\n"
      "#elif 1\n"
      "a2\n"
      "#if 1\n"
      "c\n"
      "#endif\n"
      "#else\n"
      "a3\n"
      "#endif\n"
      "#ifndef A\nn1\n#elifdef A\nn2\n#endif\n";
  auto r = run(src, d);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  EXPECT_EQ(r.text, "\n\na1\n\n\n\nb2\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nn2\n\n");
}

TEST(PreprocessTest, IfExpressions) {
  struct {
    const char *expr;
    bool value;
  } cases[] = {
      {"1 + 2 * 3 == 7", true},          {"(1 << 62) > 0", true},        {"-1 < 0", true},
      {"-1 < 0u", false},                {"UNKNOWN == 0", true},         {"UNKNOWN", false},
      {"0x10 == 16 && 010 == 8", true},  {"'a' == 97", true},            {"1 ? 0 : 1", false},
      {"defined __x86_64__", true},      {"__GNUC__ >= 12", true},       {"__STDC_VERSION__ >= 201112L", true},
      {"__has_include(<nope/x.h>)", false}, {"__has_attribute(packed)", false}, {"defined(__has_include)", true},
      {"0 && 1 / 0", false},             {"1 || 1 / 0", true},           {"__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__", true},
      {"__SIZEOF_LONG__ == 8 && __SIZEOF_POINTER__ == 8", true}, {"~0 == -1", true}, {"18446744073709551615u == -1", true},
  };
  for (const auto &c : cases) {
    Diagnostics d;
    auto r = run(std::string("#if ") + c.expr + "\nyes\n#endif\n", d);
    EXPECT_FALSE(d.has_errors()) << c.expr << ": " << messages(d);
    EXPECT_EQ(r.text == "\nyes\n\n", c.value) << c.expr;
  }
}

TEST(PreprocessTest, BtfMacro) {
  Diagnostics d;
  auto r = run("#ifdef BPFTRACE_HAVE_BTF\nbtf\n#endif\n", d);
  EXPECT_EQ(r.text, "\nbtf\n\n");
  PreprocessOptions no;
  no.have_btf = false;
  r = run("#ifdef BPFTRACE_HAVE_BTF\nbtf\n#endif\n", d, no);
  EXPECT_EQ(r.text, "\n\n\n");
}

TEST(PreprocessTest, Errors) {
  struct {
    const char *src;
    const char *message;  // the first error
    int line, column;
  } cases[] = {
      {"x\n  #error stop here\n", "2:3: #error stop here", 2, 3},
      {"#if 1 +\n#endif\n", "1:1: invalid #if expression: expected an expression", 1, 1},
      {"#if 1 / 0\n#endif\n", "1:1: invalid #if expression: division by zero", 1, 1},
      {"#if\n#endif\n", "1:1: invalid #if expression: #if with no expression", 1, 1},
      {"\n#if 1\nx\n", "2:1: unterminated #if (no matching #endif)", 2, 1},
      {"#endif\n", "1:1: #endif without #if", 1, 1},
      {"#else\n", "1:1: #else without #if", 1, 1},
      {"#if 1\n#else\n#else\n#endif\n", "3:1: #else after #else", 3, 1},
      {"#foo bar\n", "1:1: unknown preprocessor directive '#foo'", 1, 1},
      {"#define\n", "1:1: macro name missing after #define", 1, 1},
      {"#define F(a, 1) a\n", "1:1: expected a parameter name in the macro parameter list", 1, 1},
      {"#ifdef\n#endif\n", "1:1: macro name missing after #ifdef", 1, 1},
      {"#include nothing\n", "1:1: #include expects \"FILE\" or <FILE>", 1, 1},
      {"#if defined(\n#endif\n", "1:1: invalid #if expression: macro name missing after 'defined'", 1, 1},
  };
  for (const auto &c : cases) {
    Diagnostics d;
    run(c.src, d);
    ASSERT_TRUE(d.has_errors()) << c.src;
    std::string m = messages(d);
    EXPECT_EQ(m.substr(0, m.find('\n')), c.message) << c.src;
  }
}

TEST(PreprocessTest, WarningAndIgnoredDirectives) {
  Diagnostics d;
  auto r = run("#warning careful\n#pragma once\n#pragma GCC diagnostic push\n#line 10\n#\n# 1 \"x.c\"\n#if 0\n#bogus\n#endif\nx\n", d);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  ASSERT_EQ(d.all().size(), 1u);
  EXPECT_EQ(d.all()[0].severity, Severity::Warning);
  EXPECT_EQ(d.all()[0].message, "#warning careful");
  EXPECT_EQ(r.text, "\n\n\n\n\n\n\n\n\nx\n");
}

TEST(PreprocessTest, UndefAndRedefine) {
  Diagnostics d;
  auto r = run("#define A 1\n#undef A\n#ifdef A\nx\n#endif\n#define A 2\n#define A 3\n", d);
  EXPECT_FALSE(d.has_errors());
  EXPECT_EQ(r.text, "\n\n\n\n\n\n\n");
  EXPECT_EQ(r.macros.at("A").body, "3");
}

TEST(PreprocessTest, IncludeSearchOrder) {
  TempDir t;
  t.write("script/a.h", "#define WHICH_A 1\n");
  t.write("inc/a.h", "#define WHICH_A 2\n");
  t.write("inc/b.h", "#define WHICH_B 2\n#include \"c.h\"\n");
  t.write("sys/b.h", "#define WHICH_B 3\n");
  t.write("inc/c.h", "#define WHICH_C 2\n");
  t.write("sys/c.h", "#define WHICH_C 3\n");
  t.write("sys/d.h", "#define WHICH_D 3\nstruct D { int x; };\n");
  PreprocessOptions o;
  o.script_dir = t / "script";
  o.include_dirs = {t / "inc"};
  o.system_dirs = {t / "sys"};
  Diagnostics d;
  auto r = run("#include \"a.h\"\n#include <a.h>\n#include <b.h>\n#include <d.h>\n", d, o);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  EXPECT_EQ(r.text, "\n\n\n\n");
  // "a.h" finds the script's dir first; the later <a.h> (inc/) redefines it.
  EXPECT_EQ(r.macros.at("WHICH_A").body, "2");
  EXPECT_EQ(r.macros.at("WHICH_B").body, "2");
  EXPECT_EQ(r.macros.at("WHICH_C").body, "2");  // "c.h" from inc/b.h: its own dir first
  EXPECT_EQ(r.macros.at("WHICH_D").file, t / "sys/d.h");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].path, t / "sys/d.h");
  EXPECT_EQ(r.headers[0].text, "struct D { int x; };");
}

TEST(PreprocessTest, QuotedIncludeSearchesScriptDirFirst) {
  TempDir t;
  t.write("script/a.h", "#define WHICH 1\n");
  t.write("inc/a.h", "#define WHICH 2\n");
  PreprocessOptions o;
  o.script_dir = t / "script";
  o.include_dirs = {t / "inc"};
  Diagnostics d;
  auto r = run("#include \"a.h\"\n", d, o);
  EXPECT_EQ(r.macros.at("WHICH").body, "1");
  r = run("#include <a.h>\n", d, o);
  EXPECT_EQ(r.macros.at("WHICH").body, "2");
}

TEST(PreprocessTest, IncludeNext) {
  TempDir t;
  t.write("inc/x.h", "#define FIRST 1\n#include_next <x.h>\n");
  t.write("sys/x.h", "#define SECOND 1\n");
  PreprocessOptions o;
  o.include_dirs = {t / "inc"};
  o.system_dirs = {t / "sys"};
  Diagnostics d;
  auto r = run("#include <x.h>\n", d, o);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  EXPECT_TRUE(r.macros.count("FIRST"));
  EXPECT_TRUE(r.macros.count("SECOND"));
}

TEST(PreprocessTest, HeaderTextIsExpandedAndOrdered) {
  TempDir t;
  t.write("inc/h.h",
          "#ifndef H_H\n#define H_H\n"
          "#define N 4\n#define FIELD(t, n) t n;\n"
          "typedef int h_int; // c\n"
          "#include \"g.h\"\n"
          "struct S { FIELD(h_int, a) char b[N]; /* multi\n"
          " line */ };\n"
          "#if 0\nstruct Skipped { int z; };\n#endif\n"
          "#endif\n");
  t.write("inc/g.h", "enum G { G1 = N };\n");
  PreprocessOptions o;
  o.include_dirs = {t / "inc"};
  Diagnostics d;
  auto r = run("#include <h.h>\n#include <h.h>\n#if N == 4\nfour\n#endif\n", d, o);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  EXPECT_EQ(r.text, "\n\n\nfour\n\n");
  ASSERT_EQ(r.headers.size(), 3u);
  EXPECT_EQ(r.headers[0].text, "typedef int h_int;");
  EXPECT_EQ(r.headers[1].text, "enum G { G1 = 4 };");
  EXPECT_EQ(r.headers[2].text, "struct S { h_int a; char b[4];\n};");
}

TEST(PreprocessTest, GuardsAndPragmaOnce) {
  TempDir t;
  t.write("inc/g.h", "#ifndef G_H\n#define G_H\nint g;\n#endif\n");
  t.write("inc/o.h", "#pragma once\nint o;\n");
  t.write("inc/twice.h", "int twice;\n");
  PreprocessOptions o;
  o.include_dirs = {t / "inc"};
  Diagnostics d;
  auto r = run("#include <g.h>\n#include <g.h>\n#include <o.h>\n#include \"o.h\"\n#include <twice.h>\n#include <twice.h>\n", d, o);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  std::string all;
  for (auto &h : r.headers) all += h.text + "|";
  EXPECT_EQ(all, "int g;|int o;|int twice;\nint twice;|");
}

TEST(PreprocessTest, IncludeCycleStops) {
  TempDir t;
  t.write("inc/a.h", "int a;\n#include \"b.h\"\n");
  t.write("inc/b.h", "int b;\n#include \"a.h\"\n");
  PreprocessOptions o;
  o.include_dirs = {t / "inc"};
  Diagnostics d;
  auto r = run("#include <a.h>\n", d, o);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("include cycle"), std::string::npos);
}

TEST(PreprocessTest, IncludeTooDeep) {
  TempDir t;
  // d0.h includes d1.h ... each a different file: depth, not a cycle.
  for (int i = 0; i < 80; ++i) t.write("inc/d" + std::to_string(i) + ".h", "#include \"d" + std::to_string(i + 1) + ".h\"\n");
  t.write("inc/d80.h", "int deep;\n");
  PreprocessOptions o;
  o.include_dirs = {t / "inc"};
  Diagnostics d;
  run("BEGIN {}\n#include <d0.h>\n", d, o);
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(messages(d).substr(0, 40), "2:1: #include nested deeper than 64 leve");
}

TEST(PreprocessTest, MissingHeaderNoteWithBtf) {
  Diagnostics d;
  PreprocessOptions o;
  o.system_dirs = {"/nonexistent-dir"};
  auto r = run("#include <net/sock.h>\nBEGIN {}\n#include <linux/blkdev.h>\n#include <asm/x.h>\n", d, o);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  ASSERT_EQ(r.notes.size(), 3u);
  EXPECT_EQ(r.notes[0], "<net/sock.h> is not installed; its types come from BTF");
  EXPECT_EQ(r.text, "\nBEGIN {}\n\n\n");
}

TEST(PreprocessTest, MissingHeaderErrors) {
  TempDir t;
  t.write("inc/outer.h", "#include \"inner_missing.h\"\n");
  PreprocessOptions o;
  o.system_dirs = {t / "inc"};
  {
    Diagnostics d;
    run("\n  #include \"missing.h\"\n", d, o);
    ASSERT_TRUE(d.has_errors());
    EXPECT_EQ(messages(d), "2:3: header \"missing.h\" not found\n");
    ASSERT_EQ(d.all()[0].hints.size(), 1u);
    EXPECT_NE(d.all()[0].hints[0].find(t / "inc"), std::string::npos);
  }
  {
    Diagnostics d;  // with BTF, only kernel headers are skipped
    run("#include <no/such_header.h>\n#include <nosuch.h>\n", d, o);
    EXPECT_EQ(messages(d), "1:1: header <no/such_header.h> not found\n2:1: header <nosuch.h> not found\n");
  }
  {
    Diagnostics d;
    o.have_btf = false;
    run("#include <net/sock.h>\n", d, o);
    EXPECT_EQ(messages(d), "1:1: header <net/sock.h> not found\n");
  }
  {
    Diagnostics d;
    run("BEGIN {}\n#include <outer.h>\n", d, o);
    EXPECT_EQ(messages(d), "2:1: header \"inner_missing.h\" not found (included from " + (t / "inc/outer.h") + ")\n");
  }
}

TEST(PreprocessTest, HeaderErrorsAreTolerated) {
  TempDir t;
  t.write("inc/bad.h",
          "#if 1 +\nint bad1;\n#endif\n#error no\n#bogus\n#else\n#endif\n#endif\n"
          "#define OK 1\nint good;\n#if 1\nint unterminated;\n");
  PreprocessOptions o;
  o.include_dirs = {t / "inc"};
  Diagnostics d;
  auto r = run("#include <bad.h>\n#if OK\nyes\n#endif\n", d, o);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  EXPECT_EQ(r.text, "\n\nyes\n\n");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].text, "int good;\nint unterminated;");
}

TEST(PreprocessTest, ExponentialHeaderIsCut) {
  TempDir t;
  std::string h = "#define a0 x\n";
  for (int i = 1; i < 40; ++i) h += "#define a" + std::to_string(i) + " a" + std::to_string(i - 1) + " a" + std::to_string(i - 1) + "\n";
  for (int i = 0; i < 50; ++i) h += "int v = a39;\n#undef a0\n#define a0 y\n";
  t.write("inc/boom.h", h);
  PreprocessOptions o;
  o.include_dirs = {t / "inc"};
  Diagnostics d;
  auto t0 = std::chrono::steady_clock::now();
  auto r = run("BEGIN {}\n#include <boom.h>\n", d, o);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(ms, 30000);  // ~0.5 s here, ~4 s with ASan; generous for sanitizer builds
  EXPECT_EQ(messages(d), "2:1: macro expansion in " + (t / "inc/boom.h") + " exceeds the size limit\n");
  size_t bytes = 0;
  for (const auto &x : r.headers) bytes += x.text.size();
  EXPECT_LT(bytes, size_t{1} << 20);
}

TEST(PreprocessTest, IncludeOptionFiles) {
  TempDir t;
  t.write("pre.h", "#define PRE 7\n");
  PreprocessOptions o;
  o.include_files = {t / "pre.h"};
  Diagnostics d;
  auto r = run("#if PRE == 7\nok\n#endif\n", d, o);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  EXPECT_EQ(r.text, "\nok\n\n");
  o.include_files = {t / "missing.h"};
  run("", d, o);
  EXPECT_TRUE(d.has_errors());
}

TEST(PreprocessTest, IncludeThroughMacro) {
  TempDir t;
  t.write("inc/m.h", "#define FROM_M 1\n");
  PreprocessOptions o;
  o.include_dirs = {t / "inc"};
  Diagnostics d;
  auto r = run("#define HDR <m.h>\n#include HDR\n#define Q \"m.h\"\n#undef FROM_M\n#include Q\n", d, o);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  EXPECT_TRUE(r.macros.count("FROM_M"));
}

TEST(PreprocessTest, SkippedBranchesAreNotEvaluated) {
  Diagnostics d;
  auto r = run("#if 1\na\n#elif 1 / 0\nb\n#elif +\n#else\n#endif\n#if 0\n#if 1 / 0\n#endif\n#error no\n#endif\n", d);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  EXPECT_EQ(r.text, "\na\n\n\n\n\n\n\n\n\n\n\n");
}

TEST(PreprocessTest, HasInclude) {
  TempDir t;
  t.write("inc/there.h", "");
  PreprocessOptions o;
  o.include_dirs = {t / "inc"};
  Diagnostics d;
  auto r = run("#if __has_include(<there.h>) && !__has_include(\"nothere.h\")\nyes\n#endif\n", d, o);
  EXPECT_FALSE(d.has_errors()) << messages(d);
  EXPECT_EQ(r.text, "\nyes\n\n");
}

TEST(PreprocessTest, SystemHeadersPreprocess) {
  PreprocessOptions o;
  o.system_dirs = default_system_include_dirs();
  Diagnostics d;
  auto t0 = std::chrono::steady_clock::now();
  auto r = run("#include <sys/socket.h>\n#include <linux/sched.h>\n#include <signal.h>\n#if AF_INET == 2\nyes\n#endif\n", d, o);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_FALSE(d.has_errors()) << messages(d);
  EXPECT_EQ(r.text, "\n\n\n\nyes\n\n");
  EXPECT_TRUE(r.notes.empty()) << r.notes[0];
  EXPECT_LT(ms, 1000);
  bool sockaddr = false;
  for (const auto &h : r.headers) sockaddr |= h.text.find("struct sockaddr") != std::string::npos;
  EXPECT_TRUE(sockaddr);
  PreprocessOptions strict = o;
  strict.have_btf = false;
  Diagnostics d2;
  run("#include <sys/socket.h>\n#include <stdint.h>\n#include <stddef.h>\n", d2, strict);
  EXPECT_FALSE(d2.has_errors()) << messages(d2);
}

TEST(PreprocessTest, DefaultSystemDirs) {
  auto dirs = default_system_include_dirs();
  ASSERT_FALSE(dirs.empty());
  EXPECT_NE(std::find(dirs.begin(), dirs.end(), "/usr/include"), dirs.end());
  auto multi = std::find(dirs.begin(), dirs.end(), "/usr/include/x86_64-linux-gnu");
  EXPECT_LT(multi, std::find(dirs.begin(), dirs.end(), "/usr/include"));
}

// Hostile inputs end quickly with errors and never crash.
TEST(PreprocessTest, HostileInputs) {
  auto fast = [](const std::string &src, bool want_error) {
    Diagnostics d;
    auto t0 = std::chrono::steady_clock::now();
    run(src, d);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(ms, 20000) << src.substr(0, 60);  // each ~0.1 s; generous for sanitizer builds
    if (want_error) {
      EXPECT_TRUE(d.has_errors()) << src.substr(0, 60);
    }
  };
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "#if 1\n";
  fast(deep, true);
  std::string exp = "#define a0 x\n";
  for (int i = 1; i < 64; ++i) exp += "#define a" + std::to_string(i) + " a" + std::to_string(i - 1) + " a" + std::to_string(i - 1) + "\n";
  fast(exp + "#if a63\n#endif\n", true);
  fast("#if " + std::string(100000, '(') + "1\n#endif\n", true);
  fast("#if " + std::string(100000, '-') + "1\n#endif\n", true);
  std::string junk;
  for (int i = 0; i < 200000; ++i) junk += char((i * 7919) % 256);
  fast(junk, false);
  fast("#define F(x) F(x) F(x)\n#if F(F(F(F(1))))\n#endif\n", true);
  fast("#if 1\n/*\n#endif\n", true);
  fast(std::string("#define X \"") + std::string(100000, 'a') + "\n#if X\n#endif\n", true);
  std::string self = "#define S(x) S(x)+S(x)\n#if ";
  for (int i = 0; i < 1000; ++i) self += "S(";
  fast(self + "\n#endif\n", true);
}

}  // namespace
}  // namespace probe
