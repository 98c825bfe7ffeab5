#include "runtime/event_loop.h"

#include <bpf/bpf.h>
#include <gtest/gtest.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/bpf_link.h"
#include "runtime/bpf_object.h"
#include "runtime/errors.h"

#include "event_test_support.h"

namespace probe {
namespace {

using test::read_all;
using test::record;

CompiledProgram sample_program() {
  CompiledProgram p;
  PrintfSpec pf;
  pf.format = "pid %d comm %s\n";
  pf.args = {Type::i64(), Type::string(8)};
  pf.offsets = {0, 8};
  pf.payload_size = 16;
  p.printfs.push_back(pf);
  p.prints.push_back(PrintSpec{Type::tuple({Type::i64(), Type::string(8)})});
  return p;
}

TEST(EventLoop, DispatchesRecords) {
  CompiledProgram p = sample_program();
  std::FILE *f = std::tmpfile();
  Output out(fileno(f), OutputFormat::Text, p, {});
  auto loop = EventLoop::create(-1, -1, p, out);
  ASSERT_TRUE(loop.ok());
  std::vector<uint8_t> payload(16);
  int64_t pid = 42;
  std::memcpy(payload.data(), &pid, 8);
  std::memcpy(payload.data() + 8, "bash", 5);
  auto r1 = record(EventKind::Printf, 0, payload);
  auto r2 = record(EventKind::Print, 0, payload);
  auto r3 = record(EventKind::Printf, 7, payload);  // unknown id: ignored
  auto r4 = record(EventKind::Printf, 0, {1, 2});   // truncated: ignored
  for (auto *r : {&r1, &r2, &r3, &r4}) loop->handle_record(r->data(), r->size());
  EXPECT_FALSE(loop->exit_requested());
  auto ex = record(EventKind::Exit, 0);
  loop->handle_record(ex.data(), ex.size());
  EXPECT_TRUE(loop->exit_requested());
  loop->handle_record(r1.data(), r1.size());  // dropped after exit()
  loop->accept_after_exit();
  loop->handle_record(r1.data(), r1.size());
  EXPECT_EQ(read_all(out, f), "pid 42 comm bash\n(42, bash)\npid 42 comm bash\n");
  std::fclose(f);
}

TEST(EventLoop, JsonOutput) {
  CompiledProgram p = sample_program();
  std::FILE *f = std::tmpfile();
  Output out(fileno(f), OutputFormat::Json, p, {});
  auto loop = EventLoop::create(-1, -1, p, out);
  ASSERT_TRUE(loop.ok());
  std::vector<uint8_t> payload(16);
  std::memcpy(payload.data() + 8, "x", 2);
  auto r1 = record(EventKind::Printf, 0, payload);
  loop->handle_record(r1.data(), r1.size());
  out.attached_probes(1);
  EXPECT_EQ(read_all(out, f),
            "{\"type\": \"printf\", \"data\": \"pid 0 comm x\\n\"}\n"
            "{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}\n");
  std::fclose(f);
}

TEST(EventLoop, AttachingMessage) {
  CompiledProgram p;
  std::FILE *f = std::tmpfile();
  Output out(fileno(f), OutputFormat::Text, p, {});
  out.attached_probes(1);
  out.attached_probes(3);
  EXPECT_EQ(read_all(out, f), "Attaching 1 probe...\nAttaching 3 probes...\n");
  std::fclose(f);
}

// Loads a raw_tp program that writes one Printf record to a real ring buffer,
// runs it with run_prog_once, and reads it back through the event loop.
TEST(EventLoopKernel, RingBufferRoundTrip) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to load BPF programs";
  install_libbpf_logger();
  int rb = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "events", 0, 0, 4096 * 4, nullptr);
  if (rb < 0) GTEST_SKIP() << "cannot create ring buffer: " << strerror(errno);
  // header {kind=Printf, id=0} at fp-24, i64 7 at fp-16, "ok\0" at fp-8.
  const bpf_insn insns[] = {
      {BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -24, 1},
      {BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -20, 0},
      {BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -16, 7},
      {BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -8, 0x6b6f},
      {BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, rb},
      {0, 0, 0, 0, 0},
      {BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0},
      {BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -24},
      {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, 24},
      {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, 0},
      {BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_output},
      {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0},
      {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
  };
  LIBBPF_OPTS(bpf_prog_load_opts, opts);
  int prog = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "begin", "GPL", insns,
                           sizeof insns / sizeof insns[0], &opts);
  if (prog < 0) {
    close(rb);
    GTEST_SKIP() << "cannot load test program: " << strerror(errno);
  }
  CompiledProgram p;
  PrintfSpec pf;
  pf.format = "n=%d s=%s\n";
  pf.args = {Type::i64(), Type::string(8)};
  pf.offsets = {0, 8};
  p.printfs.push_back(pf);
  std::FILE *f = std::tmpfile();
  Output out(fileno(f), OutputFormat::Text, p, {});
  auto loop = EventLoop::create(rb, -1, p, out);
  ASSERT_TRUE(loop.ok()) << loop.error().message;
  LIBBPF_OPTS(bpf_test_run_opts, run);
  ASSERT_EQ(bpf_prog_test_run_opts(prog, &run), 0) << strerror(errno);
  ASSERT_TRUE(loop->poll(100).ok());
  EXPECT_EQ(read_all(out, f), "n=7 s=ok\n");
  std::fclose(f);
  close(prog);
  close(rb);
}

TEST(BpfObject, ParsesVerifierLog) {
  std::string out =
      "libbpf: prog 'probe_kprobe_1': BPF program load failed: Permission denied\n"
      "libbpf: prog 'probe_kprobe_1': -- BEGIN PROG LOAD LOG --\n"
      "0: R1=ctx() R10=fp0\n"
      "0: (79) r1 = *(u64 *)(r1 +0)\n"
      "1: (71) r2 = *(u8 *)(r1 +0)\n"
      "R1 invalid mem access 'scalar'\n"
      "processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0\n"
      "-- END PROG LOAD LOG --\n"
      "libbpf: prog 'probe_kprobe_1': failed to load: -13\n";
  LoadFailure f = parse_load_log(out);
  EXPECT_EQ(f.prog_name, "probe_kprobe_1");
  EXPECT_EQ(f.summary, "R1 invalid mem access 'scalar'");
  EXPECT_NE(f.full_log.find("0: (79) r1"), std::string::npos);
  EXPECT_EQ(f.full_log.find("END PROG"), std::string::npos);
}

// A map the kernel would not create is named (ENOMEM/ENOSPC/E2BIG at load
// used to say "cannot load the BPF object" with libbpf's last line as hint).
TEST(BpfObject, ParsesMapCreationFailure) {
  LoadFailure f = parse_load_log(
      "libbpf: map 'events': failed to create: Cannot allocate memory(-12)\n"
      "libbpf: failed to load object 'probe'\n");
  EXPECT_EQ(f.map_name, "events");
  EXPECT_EQ(f.prog_name, "");
  EXPECT_EQ(f.full_log, "");
}

// A log of statistics only means the verifier accepted the program and the
// kernel failed after it (EMFILE for its fd): the summary is empty, which
// BpfObject::load takes as "not a verifier rejection".
TEST(BpfObject, StatisticsOnlyLogHasNoSummary) {
  LoadFailure f = parse_load_log(
      "libbpf: prog 'END_3': BPF program load failed: Too many open files\n"
      "libbpf: prog 'END_3': -- BEGIN PROG LOAD LOG --\n"
      "processed 25 insns (limit 1000000) max_states_per_insn 0 total_states 2 peak_states 2 mark_read 0\n"
      "-- END PROG LOAD LOG --\n"
      "libbpf: prog 'END_3': failed to load: -24\n");
  EXPECT_EQ(f.prog_name, "END_3");
  EXPECT_EQ(f.summary, "");
}

TEST(BpfLink, PerfEventNames) {
  EXPECT_EQ(perf_event_name(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK), "software:cpu-clock");
  EXPECT_EQ(perf_event_name(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT), "software:bpf-output");
  EXPECT_EQ(perf_event_name(PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS), "hardware:instructions");
  EXPECT_EQ(perf_event_name(PERF_TYPE_SOFTWARE, 999), "type 1 config 999");
}

TEST(Errors, ResourceHints) {
  for (int err : {ENOMEM, E2BIG, EMFILE, ENFILE, ENOSPC, EPERM, EBUSY})
    EXPECT_NE(resource_hint(err), "") << err;
  EXPECT_NE(resource_hint(EMFILE).find("ulimit -n"), std::string::npos);
  EXPECT_EQ(resource_hint(ENOENT), "");
}

TEST(BpfObject, RejectsGarbageElf) {
  std::vector<uint8_t> junk = {1, 2, 3, 4};
  auto r = BpfObject::open_mem(junk, "junk");
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace probe
