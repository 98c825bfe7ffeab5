#include "runtime/process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

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

// Issue 7: the -c command outlived probe when probe died of SIGHUP, SIGQUIT,
// SIGPIPE or SIGKILL. A stand-in for probe spawns and releases the command,
// is SIGKILLed (no destructor runs), and the command must die with it.
TEST(ChildProcess, DiesWithParentKilled) {
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);  // the orphan is reparented to us: we can reap it
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  pid_t middle = fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    close(p[0]);
    auto c = ChildProcess::spawn_held("sleep 100");
    if (!c || !c->release()) _exit(1);
    pid_t pid = c->pid();
    if (write(p[1], &pid, sizeof pid) != sizeof pid) _exit(1);
    for (;;) pause();
  }
  close(p[1]);
  pid_t child = -1;
  ASSERT_EQ(read(p[0], &child, sizeof child), ssize_t(sizeof child));
  close(p[0]);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let it exec sleep
  kill(middle, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(middle, &status, 0), middle);
  // The command gets SIGKILL from PR_SET_PDEATHSIG and, reparented to us, is reaped here.
  pid_t r = 0;
  for (int i = 0; i < 100 && r == 0; i++) {
    r = waitpid(child, &status, WNOHANG);
    if (r == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (r == 0) kill(child, SIGKILL), waitpid(child, &status, 0);
  prctl(PR_SET_CHILD_SUBREAPER, 0);
  ASSERT_EQ(r, child) << "the -c command outlived its parent by more than 1 s";
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

}  // namespace
}  // namespace probe
