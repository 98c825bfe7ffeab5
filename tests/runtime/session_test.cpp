// End-to-end runs of run_session on small BPF objects built with clang at
// test time (skipped without root or clang).
#include "runtime/session.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace probe {
namespace {

const char *kPrelude = R"(
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 16); } events SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1);
         __type(key, __u32); __type(value, __u64); } lost_events SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16);
         __type(key, __u64); __type(value, __u64); } m_x SEC(".maps");
struct ev { __u32 kind, id; __s64 v; };
char LICENSE[] SEC("license") = "GPL";
)";

// Compiles C to a BPF object; empty on failure.
std::vector<uint8_t> compile_bpf(const std::string &body) {
  std::string base = "/tmp/probe_session_test_" + std::to_string(getpid());
  std::ofstream(base + ".c") << kPrelude << body;
  std::string cmd = "clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -c " + base + ".c -o " +
                    base + ".o 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) return {};
  std::ifstream in(base + ".o", std::ios::binary);
  std::vector<uint8_t> elf((std::istreambuf_iterator<char>(in)), {});
  unlink((base + ".c").c_str());
  unlink((base + ".o").c_str());
  return elf;
}

ProbeProgram probe_prog(const std::string &name, ProbeKind kind, const std::string &display) {
  ProbeProgram p;
  p.prog_name = name;
  p.kind = kind;
  p.display = display;
  return p;
}

CompiledProgram base_program(std::vector<uint8_t> elf) {
  CompiledProgram p;
  p.elf = std::move(elf);
  p.probes.push_back(probe_prog("begin", ProbeKind::Begin, "BEGIN"));
  p.probes.push_back(probe_prog("end", ProbeKind::End, "END"));
  PrintfSpec pf;
  pf.format = "value %d\n";
  pf.args = {Type::i64()};
  pf.offsets = {0};
  p.printfs = {pf, pf};
  p.printfs[1].format = "end %d\n";
  MapSpec m;
  m.name = "@x";
  m.bpf_name = "m_x";
  m.key = Type::u64();
  m.value = Type::i64();
  p.maps.push_back(m);
  return p;
}

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to load BPF programs";
    if (std::system("clang --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "clang not installed";
  }
};

TEST_F(SessionTest, BeginExitEndAndMaps) {
  auto elf = compile_bpf(R"(
SEC("raw_tp") int begin(void *ctx) {
  struct ev e = {1, 0, 42};
  bpf_ringbuf_output(&events, &e, sizeof e, 0);
  __u64 k = 0, v = 5;
  bpf_map_update_elem(&m_x, &k, &v, 0);
  struct ev x = {4, 0, 0};
  bpf_ringbuf_output(&events, &x, 8, 0);
  bpf_ringbuf_output(&events, &e, sizeof e, 0);  /* after exit(): dropped */
  return 0;
}
SEC("raw_tp") int end(void *ctx) {
  struct ev e = {1, 1, 7};
  bpf_ringbuf_output(&events, &e, sizeof e, 0);
  return 0;
}
)");
  if (elf.empty()) GTEST_SKIP() << "clang could not build the BPF object";
  CompiledProgram p = base_program(elf);
  Config cfg;
  testing::internal::CaptureStdout();
  int rc = run_session(p, cfg, nullptr);
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(out, "Attaching 2 probes...\nvalue 42\nend 7\n\n\n@x: 5\n");
}

TEST_F(SessionTest, VerifierRejectionNamesProbe) {
  auto elf = compile_bpf(R"(
SEC("raw_tp") int begin(unsigned long long *ctx) {
  volatile unsigned long long p = ctx[0] + 1;
  return *(int *)p;
}
SEC("raw_tp") int end(void *ctx) { return 0; }
)");
  if (elf.empty()) GTEST_SKIP() << "clang could not build the BPF object";
  CompiledProgram p = base_program(elf);
  Config cfg;
  testing::internal::CaptureStderr();
  int rc = run_session(p, cfg, nullptr);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, 1);
  EXPECT_NE(err.find("probe: error: the BPF verifier rejected probe 'BEGIN'"), std::string::npos) << err;
  EXPECT_NE(err.find("invalid mem access"), std::string::npos) << err;
}

TEST_F(SessionTest, AttachFailureDetachesAndFails) {
  auto elf = compile_bpf(R"(
SEC("raw_tp") int begin(void *ctx) { return 0; }
SEC("raw_tp") int end(void *ctx) { return 0; }
SEC("tracepoint") int tp(void *ctx) { return 0; }
)");
  if (elf.empty()) GTEST_SKIP() << "clang could not build the BPF object";
  CompiledProgram p = base_program(elf);
  p.probes.push_back(probe_prog("tp", ProbeKind::Tracepoint, "tracepoint:nosuch:event"));
  p.probes.back().path = "nosuch";
  p.probes.back().func = "event";
  Config cfg;
  AttachFn attach = [](const ProbeProgram &pp, bpf_program *prog) -> Result<std::vector<BpfLink>> {
    auto l = attach_tracepoint(prog, pp.path, pp.func);
    if (!l) return l.error();
    std::vector<BpfLink> v;
    v.push_back(std::move(*l));
    return v;
  };
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  int rc = run_session(p, cfg, attach);
  std::string err = testing::internal::GetCapturedStderr();
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(rc, 1);
  EXPECT_NE(err.find("cannot attach to tracepoint:nosuch:event: No such file or directory"), std::string::npos) << err;
  EXPECT_NE(err.find("hint: no such tracepoint"), std::string::npos) << err;
}

TEST_F(SessionTest, StopsWhenChildExits) {
  auto elf = compile_bpf(R"(
SEC("raw_tp") int begin(void *ctx) { return 0; }
SEC("raw_tp") int end(void *ctx) {
  struct ev e = {1, 1, 1};
  bpf_ringbuf_output(&events, &e, sizeof e, 0);
  return 0;
}
)");
  if (elf.empty()) GTEST_SKIP() << "clang could not build the BPF object";
  CompiledProgram p = base_program(elf);
  auto child = ChildProcess::spawn_held("true");
  ASSERT_TRUE(child.ok());
  Config cfg;
  cfg.pid = child->pid();
  testing::internal::CaptureStdout();
  int rc = run_session(p, cfg, nullptr, &*child);
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(out, "Attaching 2 probes...\nend 1\n\n\n\n");  // the empty @x: a blank line, as bpftrace 0.17
  EXPECT_EQ(child->exit_code(), 0);
}

}  // namespace
}  // namespace probe
