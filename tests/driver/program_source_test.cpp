#include "driver/program_source.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

namespace probe {
namespace {

std::string scratch(const std::string &name, const std::string &text) {
  std::string p = "/tmp/probe_source_test_" + std::to_string(getpid()) + "_" + name;
  std::ofstream(p) << text;
  return p;
}

TEST(ProgramSource, ReadsAFile) {
  std::string p = scratch("ok.bt", "BEGIN { exit(); }\n");
  auto r = read_program_file(p);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "BEGIN { exit(); }\n");
  unlink(p.c_str());
}

// Directories and devices are refused by name: /dev/zero used to be read
// until memory ran out, a directory parsed as an empty program.
TEST(ProgramSource, RefusesDirectoriesAndDevices) {
  auto dir = read_program_file("/tmp");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().message, "program file '/tmp' is a directory");
  for (const char *dev : {"/dev/zero", "/dev/null", "/dev/urandom"}) {
    auto r = read_program_file(dev);
    ASSERT_FALSE(r.ok()) << dev;
    EXPECT_EQ(r.error().message, std::string("program file '") + dev + "' is a device, not a file");
  }
}

TEST(ProgramSource, MissingFileSaysWhy) {
  auto r = read_program_file("/no/such/program.bt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "cannot read program file '/no/such/program.bt': No such file or directory");
}

TEST(ProgramSource, SizeIsCapped) {
  std::string p = scratch("big.bt", std::string(5000, ' '));
  auto r = read_program_file(p, 4096);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("larger than the limit of 4096 bytes"), std::string::npos) << r.error().message;
  EXPECT_TRUE(read_program_file(p, 5000).ok());
  unlink(p.c_str());
}

// A pipe (no size to stat) is cut off at the cap while reading; opened by
// name like `probe /dev/stdin` or `probe <(...)`.
TEST(ProgramSource, PipeIsCappedWhileReading) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string chunk(1024, ' ');
    for (int i = 0; i < 1000; i++)
      if (write(fds[1], chunk.data(), chunk.size()) < 0) break;
    _exit(0);
  }
  close(fds[1]);
  auto r = read_program_file("/proc/self/fd/" + std::to_string(fds[0]), 100 * 1024);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("larger than the limit"), std::string::npos) << r.error().message;
  close(fds[0]);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

// A FIFO nobody writes to is an error at once, not a probe blocked in open().
TEST(ProgramSource, FifoWithoutWriterDoesNotBlock) {
  std::string fifo = "/tmp/probe_source_test_" + std::to_string(getpid()) + "_lonely";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto r = read_program_file(fifo);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("is a pipe with nothing written to it"), std::string::npos) << r.error().message;
  unlink(fifo.c_str());
}

// Other files that are not programs: each a message naming the file.
TEST(ProgramSource, SpecialPaths) {
  auto kcore = read_program_file("/proc/kcore");  // a regular file of the size of memory
  ASSERT_FALSE(kcore.ok());
  auto mem = read_program_file("/proc/self/mem");  // reading offset 0 fails
  ASSERT_FALSE(mem.ok());
  EXPECT_NE(mem.error().message.find("/proc/self/mem"), std::string::npos);
  EXPECT_FALSE(read_program_file("").ok());
}

}  // namespace
}  // namespace probe
