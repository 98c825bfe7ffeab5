// Runtime halves of the output flags: -B modes of FdWriter, -k's
// helper_error rendering (text and JSON, as bpftrace 0.17), its dispatch
// from a ring-buffer record, SIGUSR1's map dump, and the map-full warning.
#include <gtest/gtest.h>
#include <linux/bpf.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "runtime/event_loop.h"
#include "runtime/fd_writer.h"
#include "runtime/map_full.h"
#include "runtime/output.h"

namespace probe {
namespace {

// What is readable from a pipe's read end right now (non-blocking).
std::string available(int fd) {
  std::string s;
  char buf[256];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    s.append(buf, size_t(n));
  }
  return s;
}

// A pipe whose read end does not block.
struct Pipe {
  int fds[2];
  Pipe() {
    EXPECT_EQ(pipe2(fds, O_NONBLOCK), 0);
  }
  ~Pipe() {
    close(fds[0]);
    close(fds[1]);
  }
};

TEST(FdWriterModes, FullWaitsForFlush) {
  Pipe p;
  FdWriter w(p.fds[1]);
  w.write("a\nb\n");
  EXPECT_EQ(available(p.fds[0]), "");
  w.flush();
  EXPECT_EQ(available(p.fds[0]), "a\nb\n");
}

TEST(FdWriterModes, LineWritesAtNewline) {
  Pipe p;
  FdWriter w(p.fds[1]);
  w.set_mode(FdWriter::Mode::Line);
  w.write("partial");
  EXPECT_EQ(available(p.fds[0]), "");
  w.write(" line\n");
  EXPECT_EQ(available(p.fds[0]), "partial line\n");
}

TEST(FdWriterModes, NoneWritesAtOnce) {
  Pipe p;
  FdWriter w(p.fds[1]);
  w.set_mode(FdWriter::Mode::None);
  w.write("x");
  EXPECT_EQ(available(p.fds[0]), "x");
}

// Everything written to f.
std::string contents(Output &out, std::FILE *f) {
  out.flush();
  std::rewind(f);
  std::string s;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

HelperErrorSite sample_site() {
  HelperErrorSite s;
  s.helper = BPF_FUNC_map_update_elem;
  s.helper_name = "map_update_elem";
  s.loc = Loc{{1, 42}, {1, 43}};
  s.where = "stdin:1:42-43";
  s.context = "BEGIN { @m[1] = 1; }\n              ~\n";
  return s;
}

TEST(HelperErrorOutput, TextAsBpftrace) {
  CompiledProgram p;
  std::FILE *f = std::tmpfile();
  Output out(fileno(f), OutputFormat::Text, p, {});
  out.helper_error(sample_site(), -7);
  EXPECT_EQ(contents(out, f),
            "stdin:1:42-43: WARNING: Failed to map_update_elem: Argument list too long (-7)\n"
            "BEGIN { @m[1] = 1; }\n              ~\n");
  std::fclose(f);
}

TEST(HelperErrorOutput, LookupMissPrintsTheBareValue) {
  CompiledProgram p;
  std::FILE *f = std::tmpfile();
  Output out(fileno(f), OutputFormat::Text, p, {});
  HelperErrorSite s = sample_site();
  s.helper_name = "map_lookup_elem";
  s.context = "";
  out.helper_error(s, 0);
  EXPECT_EQ(contents(out, f), "stdin:1:42-43: WARNING: Failed to map_lookup_elem: 0\n");
  std::fclose(f);
}

TEST(HelperErrorOutput, JsonAsBpftrace) {
  CompiledProgram p;
  std::FILE *f = std::tmpfile();
  Output out(fileno(f), OutputFormat::Json, p, {});
  out.helper_error(sample_site(), -14);
  EXPECT_EQ(contents(out, f),
            "{\"type\": \"helper_error\", \"helper\": \"map_update_elem\", \"retcode\": -14, \"line\": 1, \"col\": 42}\n");
  std::fclose(f);
}

TEST(HelperErrorOutput, DispatchedFromARecord) {
  CompiledProgram p;
  p.helper_errors.push_back(sample_site());
  std::FILE *f = std::tmpfile();
  Output out(fileno(f), OutputFormat::Json, p, {});
  auto loop = EventLoop::create(-1, -1, p, out);
  ASSERT_TRUE(loop.ok());
  EventHeader h{uint32_t(EventKind::HelperError), 0};
  int64_t rc = -2;
  uint8_t rec[sizeof h + sizeof rc];
  std::memcpy(rec, &h, sizeof h);
  std::memcpy(rec + sizeof h, &rc, sizeof rc);
  loop->handle_record(rec, sizeof rec);
  h.id = 5;  // no such site: ignored
  std::memcpy(rec, &h, sizeof h);
  loop->handle_record(rec, sizeof rec);
  EXPECT_EQ(contents(out, f),
            "{\"type\": \"helper_error\", \"helper\": \"map_update_elem\", \"retcode\": -2, \"line\": 1, \"col\": 42}\n");
  std::fclose(f);
}

TEST(MapDump, Sigusr1HasNoLeadingBlankLines) {
  CompiledProgram p;  // no maps: only the separator would print
  std::FILE *f = std::tmpfile();
  Output out(fileno(f), OutputFormat::Text, p, {});
  out.print_all_maps(false);
  EXPECT_EQ(contents(out, f), "");
  out.print_all_maps();
  EXPECT_EQ(contents(out, f), "\n\n");
  std::fclose(f);
}

TEST(MapFullWarning, Text) {
  MapSpec m;
  m.name = "@m";
  m.max_entries = 16;
  EXPECT_EQ(MapFullMonitor::message(m, 4, false),
            "@m: 4 updates dropped: the map is full (16 entries; raise it with BPFTRACE_MAP_KEYS_MAX)");
  EXPECT_EQ(MapFullMonitor::message(m, 1, true),
            "@m: 1 update dropped in all: the map is full (16 entries; raise it with BPFTRACE_MAP_KEYS_MAX)");
}

TEST(MapFullWarning, WithoutTheMapNothingIsRead) {
  CompiledProgram p;
  p.maps.push_back(MapSpec{});
  MapFullMonitor mon(-1, p);
  mon.check();  // no fd: no warning, no crash
  mon.final_report();
}

}  // namespace
}  // namespace probe
