// The output flags through run_cli, as a user runs them: -o FILE (created,
// truncated, everything the program prints; an unwritable path fails before
// anything runs), -q, -B and BPFTRACE_MAP_KEYS_MAX. Loading needs root.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "driver/cli.h"

namespace probe {
namespace {

// run_cli with these arguments (argv[0] added).
int cli(std::vector<std::string> args) {
  args.insert(args.begin(), "probe");
  std::vector<char *> argv;
  for (auto &a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return run_cli(int(args.size()), argv.data());
}

std::string slurp(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CliOutput : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "loading programs needs root";
    char tmpl[] = "/tmp/probe-cli-out-XXXXXX";
    int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = tmpl;
  }
  void TearDown() override {
    if (!path_.empty()) unlink(path_.c_str());
  }
  std::string path_;
};

const char *kProg = "BEGIN { printf(\"hi\\n\"); @a = 1; exit(); }";

TEST_F(CliOutput, OutputFileGetsAllProgramOutputAndIsTruncated) {
  { std::ofstream(path_) << "old contents that must go away\n"; }
  testing::internal::CaptureStdout();
  EXPECT_EQ(cli({"-o", path_, "-e", kProg}), 0);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(slurp(path_), "Attaching 1 probe...\nhi\n\n\n@a: 1\n");
}

TEST_F(CliOutput, QuietJsonInTheFile) {
  EXPECT_EQ(cli({"-q", "-f", "json", "-o", path_, "-e", kProg}), 0);
  EXPECT_EQ(slurp(path_), "{\"type\": \"printf\", \"data\": \"hi\\n\"}\n{\"type\": \"map\", \"data\": {\"@a\": 1}}\n");
}

TEST_F(CliOutput, BufferModesPrintTheSame) {
  for (const char *mode : {"none", "line", "full"}) {
    EXPECT_EQ(cli({"-B", mode, "-o", path_, "-e", kProg}), 0) << mode;
    EXPECT_EQ(slurp(path_), "Attaching 1 probe...\nhi\n\n\n@a: 1\n") << mode;
  }
}

TEST_F(CliOutput, UnwritableOutputFileFailsFirst) {
  testing::internal::CaptureStderr();
  // A compile error too: the file is checked before compiling, as bpftrace.
  EXPECT_EQ(cli({"-o", "/nonexistent-dir/out.txt", "-e", "BEGIN { exit( }"}), 1);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("cannot open the output file '/nonexistent-dir/out.txt': No such file or directory"),
            std::string::npos)
      << err;
  EXPECT_EQ(err.find("syntax"), std::string::npos) << err;
}

TEST_F(CliOutput, MapKeysMaxLimitsMapsAndWarns) {
  setenv("BPFTRACE_MAP_KEYS_MAX", "4", 1);
  testing::internal::CaptureStderr();
  int rc = cli({"-o", path_, "-e", "BEGIN { $i = 0; unroll(6) { @m[$i] = 1; $i++; } exit(); }"});
  std::string err = testing::internal::GetCapturedStderr();
  unsetenv("BPFTRACE_MAP_KEYS_MAX");
  EXPECT_EQ(rc, 0) << err;
  // @m keeps 4 of its 6 keys.
  EXPECT_NE(err.find("@m: 2 updates dropped: the map is full (4 entries; raise it with BPFTRACE_MAP_KEYS_MAX)"),
            std::string::npos)
      << err;
}

TEST_F(CliOutput, BadMapKeysMax) {
  setenv("BPFTRACE_MAP_KEYS_MAX", "0", 1);
  testing::internal::CaptureStderr();
  int rc = cli({"-e", kProg});
  std::string err = testing::internal::GetCapturedStderr();
  unsetenv("BPFTRACE_MAP_KEYS_MAX");
  EXPECT_EQ(rc, 1);
  EXPECT_NE(err.find("BPFTRACE_MAP_KEYS_MAX must be a positive number"), std::string::npos) << err;
}

}  // namespace
}  // namespace probe
