// Output's user-space actions: time(), join(), cat(), system(), exit(code),
// buffers and strftime values, in text and JSON.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <regex>

#include "runtime/event_loop.h"
#include "runtime/output.h"
#include "event_test_support.h"
#include "runtime/value_format.h"

namespace probe {
namespace {

using test::read_all;
using test::record;

// A join payload: u64 count, then `slots` slots of `size` bytes.
std::vector<uint8_t> join_payload(const std::vector<std::string> &words, uint32_t slots, uint32_t size) {
  std::vector<uint8_t> p(8 + slots * size);
  uint64_t n = words.size();
  std::memcpy(p.data(), &n, 8);
  for (size_t i = 0; i < words.size(); i++) std::memcpy(p.data() + 8 + i * size, words[i].c_str(), words[i].size() + 1);
  return p;
}

// Runs records through an event loop over prog and returns the output.
std::string run(const CompiledProgram &prog, OutputFormat fmt, const std::vector<std::vector<uint8_t>> &records,
                int *exit_code = nullptr) {
  std::FILE *f = std::tmpfile();
  Output out(fileno(f), fmt, prog, {});
  auto loop = EventLoop::create(-1, -1, prog, out);
  EXPECT_TRUE(loop.ok());
  for (const auto &r : records) loop->handle_record(r.data(), r.size());
  if (exit_code) *exit_code = loop->exit_code();
  std::string s = read_all(out, f);
  std::fclose(f);
  return s;
}

PrintfSpec text_spec(const std::string &fmt) {
  PrintfSpec s;
  s.format = fmt;
  return s;
}

TEST(OutputActions, Join) {
  CompiledProgram p;
  PrintfSpec sp = text_spec(",");
  sp.slot_size = 16;
  sp.payload_size = 8 + 4 * 16;
  p.printfs.push_back(sp);
  auto r = record(EventKind::Join, 0, join_payload({"one", "two", "three"}, 4, 16));
  auto empty = record(EventKind::Join, 0, join_payload({}, 4, 16));
  EXPECT_EQ(run(p, OutputFormat::Text, {r, empty}), "one,two,three\n\n");
  EXPECT_EQ(run(p, OutputFormat::Json, {r}), "{\"type\": \"join\", \"data\": \"one,two,three\"}\n");
  // A count beyond the payload is cut at what the record holds.
  auto big = join_payload({"a", "b"}, 2, 16);
  uint64_t n = 99;
  std::memcpy(big.data(), &n, 8);
  EXPECT_EQ(run(p, OutputFormat::Text, {record(EventKind::Join, 0, big)}), "a,b\n");
}

TEST(OutputActions, Time) {
  CompiledProgram p;
  p.printfs.push_back(text_spec("%Y|%%|%f\n"));
  std::string s = run(p, OutputFormat::Text, {record(EventKind::Time, 0)});
  EXPECT_TRUE(std::regex_match(s, std::regex("2[0-9]{3}\\|%\\|[0-9]{6}\n"))) << s;
  std::string j = run(p, OutputFormat::Json, {record(EventKind::Time, 0)});
  EXPECT_TRUE(std::regex_match(j, std::regex("\\{\"type\": \"time\", \"data\": \"2[0-9]{3}\\|%\\|[0-9]{6}\\\\n\"\\}\n"))) << j;
}

TEST(OutputActions, CatFormatsTheName) {
  char path[] = "/tmp/probe_cat_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "hello\nworld", 11), 11);
  close(fd);
  CompiledProgram p;
  PrintfSpec sp = text_spec(std::string(path, std::strlen(path) - 6) + "%s");
  sp.args = {Type::string(8)};
  sp.offsets = {0};
  sp.payload_size = 8;
  p.printfs.push_back(sp);
  std::vector<uint8_t> payload(8);
  std::memcpy(payload.data(), path + std::strlen(path) - 6, 6);
  auto r = record(EventKind::Cat, 0, payload);
  EXPECT_EQ(run(p, OutputFormat::Text, {r}), "hello\nworld");
  EXPECT_EQ(run(p, OutputFormat::Json, {r}), "{\"type\": \"cat\", \"data\": \"hello\\nworld\"}\n");
  unlink(path);
  EXPECT_EQ(run(p, OutputFormat::Text, {r}), "");  // reported on stderr
  EXPECT_EQ(run(p, OutputFormat::Json, {r}), "{\"type\": \"cat\", \"data\": \"\"}\n");
}

TEST(OutputActions, SystemRunsWithoutShell) {
  CompiledProgram p;
  PrintfSpec sp = text_spec("echo %d $HOME  a;b");
  sp.args = {Type::i64()};
  sp.offsets = {0};
  sp.payload_size = 8;
  p.printfs.push_back(sp);
  p.printfs.push_back(text_spec("before\n"));
  std::vector<uint8_t> payload(8);
  int64_t v = 7;
  std::memcpy(payload.data(), &v, 8);
  auto before = record(EventKind::Printf, 1);
  auto sys = record(EventKind::System, 0, payload);
  EXPECT_EQ(run(p, OutputFormat::Text, {before, sys, before}), "before\n7 $HOME a;b\nbefore\n");
  EXPECT_EQ(run(p, OutputFormat::Json, {sys}), "{\"type\": \"syscall\", \"data\": \"7 $HOME a;b\\n\"}\n");
  // A shell only when written: the rest of the line is its one script argument.
  CompiledProgram q;
  q.printfs.push_back(text_spec("/bin/sh -c 'echo a  b | tr a x; echo $((1+2))'"));
  q.printfs.push_back(text_spec("bash -c \"echo 'q'\""));
  q.printfs.push_back(text_spec("sh -e -c echo  x"));  // not "sh -c": words as they are
  EXPECT_EQ(run(q, OutputFormat::Text, {record(EventKind::System, 0), record(EventKind::System, 1)}), "x b\n3\nq\n");
  EXPECT_EQ(run(q, OutputFormat::Text, {record(EventKind::System, 2)}), "\n");  // script "echo", $0 "x"
}

TEST(OutputActions, ExitCode) {
  CompiledProgram p;
  int code = -1;
  int64_t status = 300;  // a shell sees the low 8 bits
  std::vector<uint8_t> payload(8);
  std::memcpy(payload.data(), &status, 8);
  run(p, OutputFormat::Text, {record(EventKind::Exit, 0, payload)}, &code);
  EXPECT_EQ(code, 44);
  run(p, OutputFormat::Text, {record(EventKind::Exit, 0)}, &code);
  EXPECT_EQ(code, 0);
}

TEST(ValueFormat, Buffers) {
  std::vector<uint8_t> v(16);
  uint64_t n = 5;
  std::memcpy(v.data(), &n, 8);
  std::memcpy(v.data() + 8, "a\x01\"\xff" "zzz", 8);
  Type t = Type::buffer(8);
  EXPECT_EQ(storage_size(t), 16u);
  EXPECT_EQ(format_value(t, v.data()), "a\\x01\"\\xffz");
  EXPECT_EQ(format_value_json(t, v.data()), "\"a\\\\x01\\\"\\\\xffz\"");
  n = 100;  // a length beyond the capacity prints the capacity
  std::memcpy(v.data(), &n, 8);
  EXPECT_EQ(format_value(t, v.data()), "a\\x01\"\\xffzzz\\x00");
}

TEST(ValueFormat, WallTimeAndTimestamps) {
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_EQ(format_wall_time("%Y-%m-%d %H:%M:%S.%f %%f", 86400 + 3661, 42), "1970-01-02 01:01:01.000042 %f");
  EXPECT_EQ(format_wall_time("", 0, 0), "");
  timespec mono{};
  clock_gettime(CLOCK_MONOTONIC, &mono);
  uint64_t now_ns = uint64_t(mono.tv_sec) * 1000000000ull + mono.tv_nsec;
  time_t wall = time(nullptr);
  char want[8];
  struct tm tm {};
  gmtime_r(&wall, &tm);
  strftime(want, sizeof want, "%Y", &tm);
  std::vector<uint8_t> v(8);
  std::memcpy(v.data(), &now_ns, 8);
  EXPECT_EQ(format_value(Type::timestamp("%Y"), v.data()), want);
  EXPECT_EQ(format_value_json(Type::timestamp("%Y"), v.data()), std::string("\"") + want + "\"");
  unsetenv("TZ");
  tzset();
}

}  // namespace
}  // namespace probe
