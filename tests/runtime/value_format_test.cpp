#include "runtime/value_format.h"

#include <gtest/gtest.h>

#include <cstring>

namespace probe {
namespace {

std::vector<uint8_t> i64(int64_t v) {
  std::vector<uint8_t> b(8);
  std::memcpy(b.data(), &v, 8);
  return b;
}

TEST(ValueFormat, Integers) {
  EXPECT_EQ(format_value(Type::i64(), i64(-5).data()), "-5");
  EXPECT_EQ(format_value(Type::u64(), i64(-1).data()), "18446744073709551615");
  EXPECT_EQ(format_value(Type::integer(4, true), i64(0xffffffff).data()), "-1");
  EXPECT_EQ(format_value(Type::integer(2, false), i64(0x12345).data()), "9029");
}

TEST(ValueFormat, StringsAndPointers) {
  uint8_t s[16] = "hello";
  EXPECT_EQ(format_value(Type::string(16), s), "hello");
  EXPECT_EQ(format_value_json(Type::string(16), s), "\"hello\"");
  uint8_t q[8] = {'a', '"', '\n', 0};
  EXPECT_EQ(format_value_json(Type::string(8), q), "\"a\\\"\\n\"");
  auto ptr = Type::pointer(Type::i64(), AddrSpace::Kernel);
  EXPECT_EQ(format_value(ptr, i64(0xffff8881deadbeef).data()), "0xffff8881deadbeef");
}

TEST(ValueFormat, Tuples) {
  Type t = Type::tuple({Type::i64(), Type::string(8), Type::integer(4, true)});
  std::vector<uint8_t> buf(storage_size(t));
  int64_t one = 1, neg = -3;
  std::memcpy(buf.data(), &one, 8);
  std::memcpy(buf.data() + 8, "abc", 4);
  std::memcpy(buf.data() + 16, &neg, 8);
  EXPECT_EQ(format_value(t, buf.data()), "(1, abc, -3)");
  EXPECT_EQ(format_value_json(t, buf.data()), "[1,\"abc\",-3]");
}

TEST(ValueFormat, RecordsAndArraysUseNaturalLayout) {
  auto rec = std::make_shared<Record>();
  rec->name = "struct x";
  rec->size = 8;
  rec->fields.push_back({"a", std::make_shared<const Type>(Type::integer(4, true)), 0});
  rec->fields.push_back({"b", std::make_shared<const Type>(Type::integer(2, false)), 4});
  uint8_t data[8] = {};
  int32_t a = -2;
  uint16_t b = 9;
  std::memcpy(data, &a, 4);
  std::memcpy(data + 4, &b, 2);
  EXPECT_EQ(format_value(Type::record_of(rec), data), "{ .a = -2, .b = 9 }");
  // bpftrace 0.17's JSON for a struct keeps the spaces inside the braces.
  EXPECT_EQ(format_value_json(Type::record_of(rec), data), "{ \"a\": -2, \"b\": 9 }");
  EXPECT_EQ(format_key(Type::record_of(rec), data), "{.a=-2,.b=9}");
  uint8_t arr[4] = {1, 2, 3, 4};
  EXPECT_EQ(format_value(Type::array(Type::integer(1, false), 4), arr), "[1,2,3,4]");
}

// Issue 7: JSON must be valid UTF-8 whatever bytes the kernel hands us.
TEST(JsonQuote, ControlCharactersAreEscaped) {
  EXPECT_EQ(json_quote(std::string("a\x01\x1f\x7f", 4)), "\"a\\u0001\\u001f\x7f\"");
  EXPECT_EQ(json_quote(std::string("\0", 1)), "\"\\u0000\"");
  EXPECT_EQ(json_quote("q\"b\\s\n\r\t"), "\"q\\\"b\\\\s\\n\\r\\t\"");
}

TEST(JsonQuote, ValidUtf8PassesThrough) {
  EXPECT_EQ(json_quote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");                 // U+00E9
  EXPECT_EQ(json_quote("\xe2\x82\xac"), "\"\xe2\x82\xac\"");               // U+20AC
  EXPECT_EQ(json_quote("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");       // U+1F600
  EXPECT_EQ(json_quote("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"");       // U+10FFFF
}

TEST(JsonQuote, InvalidBytesBecomeVisibleEscapes) {
  EXPECT_EQ(json_quote("a\xff" "b"), "\"a\\\\xffb\"");
  EXPECT_EQ(json_quote("\x80"), "\"\\\\x80\"");                       // stray continuation
  EXPECT_EQ(json_quote("\xc0\xaf"), "\"\\\\xc0\\\\xaf\"");            // overlong '/'
  EXPECT_EQ(json_quote("\xe0\x80\xaf"), "\"\\\\xe0\\\\x80\\\\xaf\"");  // overlong, 3 bytes
  EXPECT_EQ(json_quote("\xed\xa0\x80"), "\"\\\\xed\\\\xa0\\\\x80\"");  // surrogate U+D800
  EXPECT_EQ(json_quote("\xf4\x90\x80\x80"), "\"\\\\xf4\\\\x90\\\\x80\\\\x80\"");  // > U+10FFFF
  EXPECT_EQ(json_quote("x\xe2\x82"), "\"x\\\\xe2\\\\x82\"");          // cut short at the end
  EXPECT_EQ(json_quote("\xe2(\xa1"), "\"\\\\xe2(\\\\xa1\"");          // broken in the middle
}

// Every string position (value, map name, key, record field) goes through json_quote.
TEST(JsonQuote, UsedForStringValues) {
  char s[16] = "a\xff\x01z";
  EXPECT_EQ(format_value_json(Type::string(16), reinterpret_cast<uint8_t *>(s)), "\"a\\\\xff\\u0001z\"");
}

}  // namespace
}  // namespace probe
