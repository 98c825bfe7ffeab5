// Text of user-space-formatted values (runtime/formatted.cpp): errno text,
// user names, MAC addresses, cgroup paths; and their print forms.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "runtime/value_format.h"

using namespace probe;

namespace {

std::string text(const std::string &how, uint64_t v) {
  uint8_t buf[8];
  std::memcpy(buf, &v, sizeof buf);
  return formatted_text(how, buf);
}

}  // namespace

TEST(Formatted, Strerror) {
  EXPECT_EQ(text("strerror", 0), "Success");
  EXPECT_EQ(text("strerror", 2), "No such file or directory");
  EXPECT_EQ(text("strerror", 13), "Permission denied");
  EXPECT_EQ(text("strerror", 200), "Unknown error 200");
  EXPECT_EQ(text("strerror", uint64_t(-1)), "Unknown error -1");
}

TEST(Formatted, Username) {
  EXPECT_EQ(text("username", 0), "root");
  EXPECT_EQ(text("username", 4000000000u), "4000000000");  // no such user: the uid
}

TEST(Formatted, Macaddr) {
  uint8_t mac[8] = {0x00, 0x1a, 0x2b, 0x3c, 0xd4, 0xef, 0x99, 0x99};
  EXPECT_EQ(formatted_text("macaddr", mac), "00:1A:2B:3C:D4:EF");
}

TEST(Formatted, CgroupPathOfUnknownIdIsEmpty) {
  EXPECT_EQ(text("cgroup_path", 0xffffffffffffull), "");
  EXPECT_EQ(text("cgroup_path:no-such-hierarchy", 1), "");
}

TEST(Formatted, PrintForms) {
  uint64_t e = 2;
  const auto *p = reinterpret_cast<const uint8_t *>(&e);
  EXPECT_EQ(format_value(Type::formatted("strerror"), p), "No such file or directory");
  EXPECT_EQ(format_value_json(Type::formatted("strerror"), p), "\"No such file or directory\"");
}
