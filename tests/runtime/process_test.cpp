#include "runtime/process.h"

#include <gtest/gtest.h>
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

}  // namespace
}  // namespace probe
