// Hostile and careless programs that used to abort or throw in sema or
// codegen, or to exhaust time and memory: each is now a located error.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <memory>
#include <string>
#include <vector>

#include "pipeline/pass.h"
#include "frontend/sema/budget.h"
#include "frontend/sema/sema.h"

using namespace probe;

// A uprobe target in this binary (-rdynamic exports it).
extern "C" __attribute__((noinline, used)) int robustness_test_target(int a, int b) {
  asm volatile("" ::: "memory");
  return a + b;
}

namespace {

std::string self_exe() {
  char *p = realpath("/proc/self/exe", nullptr);
  std::string s = p ? p : "";
  free(p);
  return s;
}

const std::string kUprobe = "uprobe:/proc/self/exe:robustness_test_target";
const std::string kTracepoint = "tracepoint:syscalls:sys_enter_openat";

struct Analysis {
  bool ok = false;
  std::string rendered;
  Diagnostic first;
};

// Parse, probe-spec and sema, as the compiler runs them.
Analysis analyse(const std::string &text, unsigned max_probes = Config{}.max_probes) {
  Config cfg;
  cfg.dry_run = true;
  cfg.max_probes = max_probes;
  cfg.self_exe = self_exe();
  PassContext ctx(cfg, SourceFile{"-e", text});
  PassManager pm;
  pm.add(CreateParsePass());
  pm.add(CreateProbeSpecPass());
  pm.add(CreateSemanticPass());
  Analysis r;
  r.ok = pm.run(ctx);
  r.rendered = ctx.diags.render(ctx.source);
  if (!ctx.diags.all().empty()) r.first = ctx.diags.all().front();
  return r;
}

// The program must be rejected with exactly one error whose message is
// `message`, at column `column` of line 1.
void rejects(const std::string &text, const std::string &message, int column) {
  Analysis r = analyse(text);
  EXPECT_FALSE(r.ok) << text;
  EXPECT_EQ(r.first.message, message) << text << "\n" << r.rendered;
  EXPECT_EQ(r.first.loc.begin.line, 1) << text;
  EXPECT_EQ(r.first.loc.begin.column, column) << text << "\n" << r.rendered;
}

}  // namespace

// A struct-typed value used by value reached codegen's store_into() and
// aborted with "internal error: store_into() of an unsupported expression".
TEST(StructValues, StatementOfAWholeStructIsAnError) {
  rejects("BEGIN { *curtask; }", "a statement of a whole struct (struct task_struct) does nothing", 9);
  rejects("BEGIN { curtask->thread; }", "a statement of a whole struct (struct thread_struct) does nothing", 9);
  rejects(kTracepoint + " { args; }",
          "a statement of a whole struct (tracepoint:syscalls:sys_enter_openat) does nothing", 40);
}

// Structs are values (issue 9) when they fit the 512-byte limit on one
// value; larger ones, and the tracepoint context `args`, are located errors.
void rejects_prefix(const std::string &text, const std::string &prefix, int column) {
  Analysis r = analyse(text);
  EXPECT_FALSE(r.ok) << text;
  EXPECT_EQ(r.first.message.rfind(prefix, 0), 0u) << text << "\n" << r.rendered;
  EXPECT_EQ(r.first.loc.begin.column, column) << text << "\n" << r.rendered;
}

TEST(StructValues, TuplesMapsVariablesAndPrintRejectLargeStructsAndArgs) {
  rejects("BEGIN { (*curtask, 1); }", "a tuple cannot hold a value of type struct task_struct", 10);
  rejects("BEGIN { @x = (*curtask, 1); }", "a tuple cannot hold a value of type struct task_struct", 15);
  rejects(kTracepoint + " { (args, 1); }",
          "a tuple cannot hold a value of type tracepoint:syscalls:sys_enter_openat", 41);
  rejects("BEGIN { print(*curtask); }", "cannot print a value of type struct task_struct", 15);
  rejects("BEGIN { @x = *curtask; }", "cannot store a value of type struct task_struct in a map", 14);
  rejects("BEGIN { $x = *curtask; }", "cannot assign a value of type struct task_struct to a variable", 14);
  // A struct of values, larger than the limit.
  rejects_prefix("BEGIN { @x = *curtask->mm; }", "the value stored in map '@x' is ", 9);
  rejects("BEGIN { $x = 1 ? *curtask : *curtask; }",
          "'?:' cannot choose between whole structs (struct task_struct and struct task_struct)", 14);
  rejects(kTracepoint + " { $a = *args; }", "cannot dereference a value of type tracepoint:syscalls:sys_enter_openat",
          45);
  // Small structs are values; their fields are fine too.
  EXPECT_TRUE(analyse("BEGIN { print(((*curtask).pid, curtask->thread.sp)); }").ok);
  Analysis small = analyse("BEGIN { $a = (curtask->se.load, 1); print(curtask->se.load); @m[curtask->se.load] = curtask->se.load; }");
  EXPECT_TRUE(small.ok) << small.rendered;
}

// arg99999999999 threw std::out_of_range from std::stoi.
TEST(ProbeArgs, HugeArgumentIndexIsAnError) {
  rejects(kUprobe + " { arg99999999999; }", "arg99999999999 is beyond the 6 register arguments of x86-64", 48);
  rejects(kUprobe + " { @[arg99999999999999999999999] = 1; }",
          "arg99999999999999999999999 is beyond the 6 register arguments of x86-64", 50);
  EXPECT_TRUE(analyse(kUprobe + " { @[arg5] = 1; }").ok);
}

// Three nested unroll(100) asked codegen for a million copies (1.7 GB,
// killed); the innermost unroll whose body goes past the budget is named.
TEST(Budget, NestedUnrollsOverTheBudget) {
  Analysis r = analyse("BEGIN { unroll(100) { unroll(100) { unroll(100) { @x = 1; } } } }");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first.loc.begin.column, 23) << r.rendered;
  EXPECT_NE(r.first.message.find("unroll(100) makes the program too large"), std::string::npos) << r.rendered;
  EXPECT_EQ(r.rendered.find("error", r.rendered.find("error") + 1), std::string::npos) << r.rendered;
  // 100 x 10 x (3 nodes) is well inside.
  EXPECT_TRUE(analyse("BEGIN { unroll(100) { unroll(10) { @x = 1; } } }").ok);
  // Deep nesting of unrolls saturates instead of overflowing.
  std::string deep = "BEGIN { ";
  for (int i = 0; i < 30; i++) deep += "unroll(100) { ";
  deep += "@x = 1;" + std::string(30, '}') + " }";
  r = analyse(deep);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.first.message.find("would be emitted 10000 times (with the enclosing unrolls)"), std::string::npos)
      << r.rendered;
}

// 10 MB of `@x = 1;` exhausted memory; a few thousand map updates already
// take LLVM seconds. Each `@x = 1;` costs 1 + kHeavyNode + 1 nodes.
TEST(Budget, TooManyStatements) {
  const uint64_t per = 2 + kHeavyNode, fits = kMaxProbeNodes / per;
  std::string text = "BEGIN { ";
  for (uint64_t i = 0; i <= fits; i++) text += "@x = 1; ";
  Analysis r = analyse(text + "}");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first.message,
            "the probe is too large: more than 8000 nodes (statements and expressions; map accesses and calls "
            "count 4)");
  EXPECT_EQ(r.first.loc.begin.column, 9 + 8 * static_cast<int>(fits)) << r.rendered;
  text = "BEGIN { ";
  for (uint64_t i = 0; i < fits; i++) text += "@x = 1; ";
  EXPECT_TRUE(analyse(text + "}").ok);
}

// The program's total scales with --max-probes (1,000 small probes compile
// in 0.6 s; the budget must not refuse them, as a flat 8,000 nodes did).
TEST(Budget, ProgramTotalScalesWithMaxProbes) {
  auto probes = [](int n) {
    std::string text;
    for (int i = 0; i < n; i++) text += "BEGIN { @a = 1; @b = 1; @c = 1; @d = 1; @e = 1; @f = 1; }\n";  // 36 nodes
    return text;
  };
  EXPECT_TRUE(analyse(probes(900), 1024).ok);  // 32,400 of 32,768
  Analysis r = analyse(probes(1000), 1024);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first.message,
            "the program is too large: more than 32768 nodes in all (32 for each of the --max-probes probes)");
  EXPECT_EQ(r.first.loc.begin.line, 911) << r.rendered;  // 910 probes fit (32,760 nodes)
  EXPECT_EQ(r.first.loc.begin.column, 17) << r.rendered;  // its second statement crosses
  EXPECT_TRUE(analyse(probes(1000), 2000).ok);
}

// Tuples, keys and values larger than the BPF stack ended in LLVM's
// "A call to built-in function 'memset' is not supported".
TEST(Budget, ValuesLargerThanTheStack) {
  std::string comms = "comm";
  for (int i = 1; i < 33; i++) comms += ", comm";
  rejects("BEGIN { @x = (" + comms + "); }",
          "this tuple is 528 bytes ((string[16], string[16], string[16], string[16], string[16],...), more than the "
          "512 bytes of the BPF stack",
          14);
  rejects("BEGIN { @x[" + comms + "] = 1; }",
          "the key of map '@x' is 528 bytes ((string[16], string[16], string[16], string[16], string[16],...), more "
          "than the 512 bytes of the BPF stack",
          9);
  rejects("BEGIN { $s = \"" + std::string(600, 'a') + "\"; }",
          "the value of '$s' is 608 bytes (string[601]), more than the 512 bytes of the BPF stack", 14);
  EXPECT_TRUE(analyse("BEGIN { @x = (comm, comm, comm); @y[comm, comm] = 1; }").ok);
}

// Bare `arg` threw std::invalid_argument from std::stoi.
TEST(ProbeArgs, BareArgIsAnUnknownIdentifier) {
  rejects(kUprobe + " { @x = arg; }", "unknown identifier 'arg'", 53);
  rejects(kUprobe + " { @x = arg-1; }", "unknown identifier 'arg'", 53);
}

namespace {

// Sema of `text` with positional parameters.
Analysis analyse_with(const std::string &text, std::vector<std::string> params) {
  Config cfg;
  cfg.dry_run = true;
  cfg.params = std::move(params);
  PassContext ctx(cfg, SourceFile{"-e", text});
  PassManager pm;
  pm.add(CreateParsePass());
  pm.add(CreateProbeSpecPass());
  pm.add(CreateSemanticPass());
  Analysis r;
  r.ok = pm.run(ctx);
  r.rendered = ctx.diags.render(ctx.source);
  if (!ctx.diags.all().empty()) r.first = ctx.diags.all().front();
  return r;
}

}  // namespace

// A numeric parameter out of range was silently clamped to INT64_MAX
// (strtoll's ERANGE was not checked); bpftrace refuses it.
TEST(Positionals, NumberOutOfRangeIsAnError) {
  Analysis r = analyse_with("BEGIN { @x = $1; }", {"99999999999999999999999999"});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first.message,
            "positional parameter $1 is the number '99999999999999999999999999', which does not fit in a signed "
            "64-bit integer");
  EXPECT_EQ(r.first.loc.begin.column, 14);
  EXPECT_FALSE(analyse_with("BEGIN { @x = $1 * 2; }", {"-99999999999999999999"}).ok);
  EXPECT_FALSE(analyse_with("BEGIN { @x = $1; }", {"18446744073709551615"}).ok);
  EXPECT_TRUE(analyse_with("BEGIN { @x = $1; }", {"-9223372036854775808"}).ok);
  // As text it is fine, and str() of a missing parameter is "".
  EXPECT_TRUE(analyse_with("BEGIN { printf(\"%s %s\", str($1), str($2)); }", {"99999999999999999999999999"}).ok);
}

// args.pgprot.pgprot (a field of a struct passed by value in the context)
// aborted in codegen ("record expression without an address").
TEST(StructValues, FieldOfAStructArgumentByValueIsAnError) {
  rejects("fentry:vmf_insert_pfn_prot { @x = args.pgprot.pgprot; }",
          "cannot read field 'pgprot' of this struct pgprot value: only fields of structs in memory (p->field, "
          "(*p).field) and of args are readable",
          35);
}

// Arrays: indexes are checked against the bounds, and arrays outside of
// memory (the tracepoint's context, variables) take constant indexes.
TEST(Arrays, IndexesAreCheckedAndConstantOutsideMemory) {
  EXPECT_TRUE(analyse("tracepoint:raw_syscalls:sys_enter { @x = args.args[5]; $a = args.args; @y = $a[0]; }").ok);
  rejects("tracepoint:raw_syscalls:sys_enter { @x = args.args[6]; }", "index 6 is out of bounds for uint64[6] (valid indexes: 0 to 5)", 52);
  rejects("tracepoint:raw_syscalls:sys_enter { $i = 1; @x = args.args[$i]; }",
          "this array can only be indexed with a constant", 60);
}

// arg0 in a return probe read clobbered registers (silently wrong values);
// bpftrace refuses it too. Slots past a raw tracepoint's or fexit's
// arguments are refused by the verifier at load: now a located error.
TEST(ProbeArgs, ArgumentsWhereTheyAreNotReadable) {
  const std::string ret = "uretprobe:/proc/self/exe:robustness_test_target";
  rejects(ret + " { @r = arg0; }",
          "arg0 is not available in uretprobe probes: the argument registers are overwritten by then", 56);
  EXPECT_TRUE(analyse(kUprobe + " { @r = arg1; }").ok);
  rejects("rawtracepoint:sched_switch { @r = arg5; }", "arg5 is beyond the 4 arguments of rawtracepoint:sched_switch",
          35);
  EXPECT_TRUE(analyse("rawtracepoint:sched_switch { @r = arg3; }").ok);
}

// printf("%9999999999999999999999d|", 1) printed "|" without the number
// (snprintf fails past INT_MAX): silently wrong; widths are now bounded.
TEST(Printf, AbsurdWidthOrPrecisionIsAnError) {
  rejects("BEGIN { printf(\"%9999999999999999999999d\", 1); }",
          "bad printf format: width or precision above 256 in '%9999999999999999999999d' at offset 0", 16);
  rejects("BEGIN { printf(\"ab%.2000s\", \"x\"); }",
          "bad printf format: width or precision above 256 in '%.2000s' at offset 2", 16);
  EXPECT_TRUE(analyse("BEGIN { printf(\"%-256.256s %08d\", \"x\", 1); }").ok);
}

// The hint for argN outside register contexts named tracepoints even in
// BEGIN.
TEST(ProbeArgs, HintFitsTheProbe) {
  Analysis r = analyse("BEGIN { arg0; }");
  ASSERT_FALSE(r.ok);
  ASSERT_EQ(r.first.hints.size(), 1u);
  EXPECT_EQ(r.first.hints[0], "argN is read in uprobes, kprobes, fentry and raw tracepoints");
  r = analyse(kTracepoint + " { @ = arg0; }");
  ASSERT_EQ(r.first.hints.size(), 1u);
  EXPECT_NE(r.first.hints[0].find("args.NAME"), std::string::npos);
}
