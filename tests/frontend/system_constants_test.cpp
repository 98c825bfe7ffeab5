// Tests of SystemConstants: values of common constants from the headers
// installed on this machine (linux-libc-dev, libc6-dev), and its speed.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

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

// Enumerators count, with implicit values, references to macros and to
// earlier enumerators; a macro wins over an enumerator; the header that
// defines each is reported.
TEST(PreprocessSystemConstantsTest, EnumsAndMacrosFromHeaders) {
  char tmpl[] = "/tmp/pp_sc_XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::ofstream(dir + "/errno.h") << "#ifndef E_H\n#define E_H\n#define EFOO 77\n"
                                     "enum { EBAR = EFOO + 1, EBAZ, ENEG = -5, ENEXT, EREF = EBAR * 2 };\n"
                                     "#define EALIAS EBAZ\n#define ESTR \"x\"\n#endif\n";
  std::ofstream(dir + "/dirent.h") << "enum\n{\n  DT_X = 3,\n# define DT_X DT_X\n  DT_Y = 0x10\n# define DT_Y DT_Y\n};\n"
                                      "enum bad { DT_B = sizeof(struct nope), DT_C };\n";
  SystemConstants sc({dir});
  struct {
    const char *name;
    int64_t value;
  } expected[] = {{"EFOO", 77}, {"EBAR", 78}, {"EBAZ", 79}, {"ENEG", -5}, {"ENEXT", -4},
                  {"EREF", 156}, {"EALIAS", 79}, {"DT_X", 3}, {"DT_Y", 16}};
  for (const auto &e : expected) {
    auto v = sc.lookup(e.name);
    ASSERT_TRUE(v) << e.name;
    EXPECT_EQ(v->first, e.value) << e.name;
  }
  EXPECT_EQ(sc.lookup("EFOO")->second, dir + "/errno.h");
  EXPECT_EQ(sc.lookup("DT_X")->second, dir + "/dirent.h");
  EXPECT_FALSE(sc.lookup("ESTR"));
  EXPECT_FALSE(sc.lookup("DT_B"));
  EXPECT_FALSE(sc.lookup("DT_C"));
  EXPECT_FALSE(sc.lookup("__INT_MAX__"));  // built-in macros are not system constants
  std::filesystem::remove_all(dir);
  SystemConstants none(std::vector<std::string>{});
  EXPECT_FALSE(none.lookup("AF_INET"));
}

}  // namespace
}  // namespace probe
