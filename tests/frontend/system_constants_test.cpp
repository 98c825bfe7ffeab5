// Tests of SystemConstants: values of common constants from the headers
// installed on this machine (linux-libc-dev, libc6-dev), and its speed.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "frontend/preprocess.h"

namespace probe {
namespace {

TEST(PreprocessSystemConstantsTest, CommonValues) {
  SystemConstants sc(default_system_include_dirs());
  auto t0 = std::chrono::steady_clock::now();
  auto af = sc.lookup("AF_INET");
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("first lookup: %.1f ms\n", ms);
  ASSERT_TRUE(af);
  EXPECT_EQ(af->first, 2);
  struct {
    const char *name;
    int64_t value;
  } expected[] = {{"AF_INET6", 10}, {"EPERM", 1},      {"ENOENT", 2},      {"DT_REG", 8},   {"DT_DIR", 4},
                  {"ICMP_ECHO", 8}, {"O_RDONLY", 0},   {"O_CREAT", 0100},  {"SIGKILL", 9},  {"SIGTERM", 15},
                  {"IPPROTO_TCP", 6}, {"IPPROTO_UDP", 17}, {"SOCK_STREAM", 1}, {"SOCK_DGRAM", 2}, {"PF_INET", 2},
                  {"ETH_P_IP", 0x0800}, {"CLONE_VM", 0x100}, {"S_IFREG", 0100000}, {"PROT_READ", 1},
                  {"MAP_SHARED", 1}, {"CAP_SYS_ADMIN", 21}, {"FUTEX_WAIT", 0}, {"EAGAIN", 11}, {"EWOULDBLOCK", 11},
                  {"AT_FDCWD", -100}, {"TCP_ESTABLISHED", 1}, {"SIGRTMIN_NOPE", -1}};
  for (const auto &e : expected) {
    auto v = sc.lookup(e.name);
    if (e.value == -1 && std::string(e.name) == "SIGRTMIN_NOPE") {
      EXPECT_FALSE(v) << e.name;
      continue;
    }
    ASSERT_TRUE(v) << e.name;
    EXPECT_EQ(v->first, e.value) << e.name;
  }
  auto dt = sc.lookup("DT_REG");
  ASSERT_TRUE(dt);
  EXPECT_NE(dt->second.find("dirent.h"), std::string::npos) << dt->second;
  t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) sc.lookup("AF_INET");
  ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(ms, 50);
}

}  // namespace
}  // namespace probe
