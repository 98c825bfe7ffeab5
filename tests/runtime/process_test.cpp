#include "runtime/process.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <thread>

namespace probe {
namespace {

TEST(ChildProcess, SplitWords) {
  EXPECT_EQ(ChildProcess::split_words("ls -l  'a b' \"c\\\"d\" e\\ f"),
            (std::vector<std::string>{"ls", "-l", "a b", "c\"d", "e f"}));
  EXPECT_TRUE(ChildProcess::split_words("   ").empty());
}

TEST(ChildProcess, HeldUntilReleased) {
  std::string marker = "/tmp/probe_child_test_" + std::to_string(getpid());
  unlink(marker.c_str());
  auto c = ChildProcess::spawn_held("/bin/sh -c 'echo ran > " + marker + "; exit 3'");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_GT(c->pid(), 0);
  EXPECT_EQ(c->exe_path().front(), '/');
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(c->exited());
  EXPECT_NE(access(marker.c_str(), F_OK), 0);  // not run yet
  ASSERT_TRUE(c->release().ok());
  EXPECT_EQ(c->wait(), 3);
  EXPECT_TRUE(c->exited());
  EXPECT_EQ(access(marker.c_str(), F_OK), 0);
  unlink(marker.c_str());
}

TEST(ChildProcess, ExePathResolvesPath) {
  auto c = ChildProcess::spawn_held("true");
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c->exe_path().find("true"), std::string::npos);
  // Destroyed unreleased: the child exits without running and is reaped.
}

TEST(ChildProcess, MissingCommand) {
  auto c = ChildProcess::spawn_held("definitely-not-a-command-xyz --flag");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("definitely-not-a-command-xyz"), std::string::npos);
}

// A scratch directory with files of every kind exec may refuse.
class ExecCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/probe_exec_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const auto &f : files_) unlink(f.c_str());
    rmdir(dir_.c_str());
  }
  std::string file(const std::string &name, const std::string &text, mode_t mode) {
    std::string p = dir_ + "/" + name;
    std::ofstream(p) << text;
    chmod(p.c_str(), mode);
    files_.push_back(p);
    return p;
  }
  // The message of check_executable(path), "" when it passes.
  static std::string refusal(const std::string &path) {
    auto st = ChildProcess::check_executable(path);
    return st.ok() ? "" : st.error().message;
  }
  std::string dir_;
  std::vector<std::string> files_;
};

TEST_F(ExecCheck, RunnableFiles) {
  EXPECT_EQ(refusal("/bin/sh"), "");
  EXPECT_EQ(refusal(file("script", "#!/bin/sh\nexit 0\n", 0755)), "");
  EXPECT_EQ(refusal(file("spaced", "#!  /bin/sh -e\n", 0755)), "");
  // A script whose interpreter is itself a script (the kernel allows 4 levels).
  std::string inner = file("inner", "#!/bin/sh\n", 0755);
  EXPECT_EQ(refusal(file("outer", "#!" + inner + "\n", 0755)), "");
}

TEST_F(ExecCheck, RefusedWithTheReason) {
  EXPECT_NE(refusal(dir_ + "/missing").find("No such file"), std::string::npos);
  EXPECT_NE(refusal(dir_).find("is a directory"), std::string::npos);
  EXPECT_NE(refusal("/dev/null").find("not a regular file"), std::string::npos);
  // Even root needs an x bit to exec.
  EXPECT_NE(refusal(file("noexec", "#!/bin/sh\n", 0644)).find("not executable"), std::string::npos);
  EXPECT_NE(refusal(file("text", "echo hi\n", 0755)).find("neither an ELF executable nor a script"),
            std::string::npos);
  EXPECT_NE(refusal(file("empty", "", 0755)).find("neither an ELF"), std::string::npos);
  EXPECT_NE(refusal(file("badbang", "#!/nonexistent/interp\n", 0755)).find("#! interpreter '/nonexistent/interp'"),
            std::string::npos);
  EXPECT_NE(refusal(file("emptybang", "#!  \n", 0755)).find("empty #! line"), std::string::npos);
  EXPECT_NE(refusal(file("dirbang", "#!" + dir_ + "\n", 0755)).find("is a directory"), std::string::npos);
}

// -c is refused before anything runs, including the first word under sh -c.
TEST_F(ExecCheck, SpawnRefusesBeforeForking) {
  std::string text = file("text", "echo hi\n", 0755);
  for (const std::string &cmd : {text, text + " arg", text + " | cat", dir_, dir_ + "/missing > /dev/null"}) {
    auto c = ChildProcess::spawn_held(cmd);
    ASSERT_FALSE(c.ok()) << cmd;
    EXPECT_NE(c.error().message.find("cannot run '"), std::string::npos) << c.error().message;
  }
  // Shell words that are not plain paths are left to the shell.
  EXPECT_TRUE(ChildProcess::spawn_held("true && exit 0").ok());
}

// exec failing after release (the file changed after the check) is an error
// from release(), not a child that prints and exits 127 unnoticed.
TEST_F(ExecCheck, LateExecFailureIsReported) {
  std::string p = file("late", "#!/bin/sh\nexit 0\n", 0755);
  auto c = ChildProcess::spawn_held(p);
  ASSERT_TRUE(c.ok()) << c.error().message;
  std::ofstream(p) << "not a script any more\n";
  auto st = c->release();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("cannot run '" + p + "'"), std::string::npos) << st.error().message;
  EXPECT_EQ(st.error().err, ENOEXEC);
  EXPECT_EQ(c->wait(), 127);
}

TEST_F(ExecCheck, GoodExecReleasesWithoutError) {
  auto c = ChildProcess::spawn_held(file("ok", "#!/bin/sh\nexit 4\n", 0755));
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE(c->release().ok());
  EXPECT_EQ(c->wait(), 4);
}

}  // namespace
}  // namespace probe
