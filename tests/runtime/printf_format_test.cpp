#include "frontend/printf_format.h"

#include <gtest/gtest.h>

#include <cstring>

namespace probe {
namespace {

// Packs 8-byte little-endian slots, the event payload layout.
struct Payload {
  std::vector<uint8_t> bytes;
  std::vector<uint32_t> offsets;
  std::vector<Type> types;
  void add_int(int64_t v, Type t = Type::i64()) {
    offsets.push_back(uint32_t(bytes.size()));
    bytes.resize(bytes.size() + 8);
    std::memcpy(bytes.data() + offsets.back(), &v, 8);
    types.push_back(t);
  }
  void add_str(const std::string &s, uint32_t cap = 16) {
    offsets.push_back(uint32_t(bytes.size()));
    bytes.resize(bytes.size() + cap);
    std::memcpy(bytes.data() + offsets.back(), s.data(), std::min<size_t>(s.size(), cap));
    types.push_back(Type::string(cap));
  }
  std::string fmt(const std::string &f) const { return format_printf(f, types, bytes.data(), offsets); }
};

TEST(PrintfFormat, ParsesSpecifiers) {
  auto r = parse_printf_format("pid %d comm %-16s %%x %08llx %5.2lu%c %p %hhd %zu");
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::vector<std::string> specs;
  for (const auto &s : *r) specs.push_back(s.spec);
  EXPECT_EQ(specs, (std::vector<std::string>{"%d", "%-16s", "%08llx", "%5.2lu", "%c", "%p", "%hhd", "%zu"}));
  EXPECT_EQ((*r)[0].offset, 4u);
  EXPECT_EQ((*r)[0].conv, 'd');
  EXPECT_EQ((*r)[1].length, 5u);
  EXPECT_EQ((*r)[2].conv, 'x');
}

// What is not a conversion is literal text (bpftrace 0.17 prints it as written).
TEST(PrintfFormat, UnknownConversionsAreText) {
  auto r = parse_printf_format("ab %q x %-5");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  EXPECT_EQ(printf_literal_percents("ab %q x %-5"), (std::vector<std::string>{"%q", "%-5"}));
  EXPECT_TRUE(printf_literal_percents("100%% %d").empty());
}

TEST(PrintfFormat, RejectsBadConversion) {
  EXPECT_FALSE(parse_printf_format("%ls").ok());
  EXPECT_FALSE(parse_printf_format("%*d").ok());
  EXPECT_TRUE(parse_printf_format("100%% done").ok());
  EXPECT_TRUE(parse_printf_format("100%% done")->empty());
}

// Found by decode_fuzz: "%0000000000195211606X" padded 195 MB into a
// 512-byte buffer on every event (seconds each, output silently cut).
TEST(PrintfFormat, RejectsHugeWidthOrPrecision) {
  auto r = parse_printf_format("x %0000000000195211606X");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "width or precision above 256 in '%0000000000195211606X' at offset 2");
  EXPECT_FALSE(parse_printf_format("%.257d").ok());
  EXPECT_FALSE(parse_printf_format("%99999999999999999999s").ok());
  ASSERT_TRUE(parse_printf_format("%256.256d").ok());
  Payload p;
  p.add_int(-1);
  EXPECT_EQ(p.fmt("%256d"), std::string(254, ' ') + "-1");
  EXPECT_EQ(p.fmt("%.256d").size(), 257u);
}

// Found by decode_fuzz: "%08.00000000p" took the precision's digits as more
// width (800,000,000) and stalled on padding.
TEST(PrintfFormat, PointerPrecisionIsNotWidth) {
  Payload p;
  p.add_int(4096);
  EXPECT_EQ(p.fmt("[%08.00000000p]"), "[  0x1000]");
  EXPECT_EQ(p.fmt("[%-8.3p]"), "[0x1000  ]");
  EXPECT_EQ(p.fmt("[%.9p]"), "[0x000001000]");  // glibc's (and so bpftrace's) precision
}

TEST(PrintfFormat, Accepts) {
  std::string why;
  EXPECT_TRUE(format_accepts('d', Type::i64(), &why));
  EXPECT_TRUE(format_accepts('x', Type::integer(4, false), &why));
  EXPECT_FALSE(format_accepts('d', Type::string(16), &why));
  EXPECT_NE(why.find("string[16]"), std::string::npos);
  EXPECT_TRUE(format_accepts('s', Type::string(16), &why));
  EXPECT_TRUE(format_accepts('s', Type::i64(), &why));
  EXPECT_TRUE(format_accepts('p', Type::pointer(Type::integer(1, true), AddrSpace::Kernel), &why));
  EXPECT_FALSE(format_accepts('p', Type::string(8), &why));
  EXPECT_FALSE(format_accepts('c', Type::string(8), &why));
}

TEST(PrintfFormat, FormatsIntegers) {
  Payload p;
  p.add_int(-42);
  p.add_int(255, Type::u64());
  p.add_int(-1, Type::integer(4, true));
  p.add_int(0xffffffff, Type::integer(4, false));
  EXPECT_EQ(p.fmt("%d %x %d %u"), "-42 ff -1 4294967295");
  EXPECT_EQ(p.fmt("[%5d] [%-5X] [%+d] [%o]"), "[  -42] [FF   ] [-1] [37777777777]");
  EXPECT_EQ(p.fmt("%08lld|%#x|%hhd|%hu"), "-0000042|0xff|-1|65535");
}

// Without a length modifier %d takes an int and %x an unsigned int, as in
// C and bpftrace 0.17: only l/ll/j/z/t print all 64 bits.
TEST(PrintfFormat, LargeValuesNeedALengthModifier) {
  Payload p;
  p.add_int((int64_t(1) << 40) + 255);
  p.add_int(int64_t(1) << 40);
  p.add_int(int64_t(1) << 40);
  p.add_int(int64_t(1) << 40);
  EXPECT_EQ(p.fmt("%d %lu %llx %zd"), "255 1099511627776 10000000000 1099511627776");
  EXPECT_EQ(p.fmt("%x %X %o %u"), "ff 0 0 0");
}

// The C semantics by the argument's width and sign, without l.
TEST(PrintfFormat, NegativeValuesByWidth) {
  Payload p;
  p.add_int(-100, Type::integer(4, true));
  p.add_int(-1, Type::i64());
  p.add_int(-1, Type::integer(1, true));
  p.add_int(0xffffffff, Type::integer(4, false));
  p.add_int(-100, Type::integer(4, true));
  EXPECT_EQ(p.fmt("%d %x %X %d %lu"), "-100 ffffffff FFFFFFFF -1 18446744073709551516");
  EXPECT_EQ(p.fmt("%u %o %i %x %ld"), "4294967196 37777777777 -1 ffffffff -100");
  Payload q;
  q.add_int(300);
  q.add_int(70000);
  q.add_int(-1);
  q.add_int(321);
  EXPECT_EQ(q.fmt("%hhd %hd %hu %c"), "44 4464 65535 A");
}

// "%%" is one '%' everywhere (C). bpftrace 0.17 left it alone after the
// last conversion ("%d%%" printed "5%%"): a bug the corpus documents
// (BPFTRACE_DIFFERS). A '%' that starts no conversion prints as written.
TEST(PrintfFormat, PercentSigns) {
  Payload p;
  p.add_int(5);
  EXPECT_EQ(p.fmt("a%%b %d%%\n"), "a%b 5%\n");
  Payload none;
  EXPECT_EQ(none.fmt("100%% %5%\n"), "100% %5%\n");
  EXPECT_EQ(none.fmt("%y % d 50%"), "%y % d 50%");
}

TEST(PrintfFormat, Buffers) {
  Payload p;
  uint8_t raw[16] = {4, 0, 0, 0, 0, 0, 0, 0, 'a', 0x01, '\\', 0xff, 'z', 'z', 'z', 'z'};
  p.bytes.assign(raw, raw + 16);
  for (int i = 0; i < 3; i++) {  // three arguments, all the same buffer
    p.offsets.push_back(0);
    p.types.push_back(Type::buffer(8));
  }
  EXPECT_EQ(p.fmt("%r|%rx|%12r|"), "a\\x01\\\\xff|\\x61\\x01\\x5c\\xff|  a\\x01\\\\xff|");
  EXPECT_EQ(escape_buffer(raw + 8, 4, false), "a\\x01\\\\xff");
}

TEST(PrintfFormat, FormatsStringsCharsPointers) {
  Payload p;
  p.add_str("bash");
  p.add_int('A');
  p.add_int(0x7fff1234, Type::pointer(Type::integer(1, true), AddrSpace::User));
  p.add_int(17);
  EXPECT_EQ(p.fmt("comm=%s c=%c p=%p n=%s"), "comm=bash c=A p=0x7fff1234 n=17");
  Payload q;
  for (int i = 0; i < 3; i++) q.add_str("bash");
  EXPECT_EQ(q.fmt("[%-6s][%6s][%.2s] %% done"), "[bash  ][  bash][ba] % done");
}

TEST(PrintfFormat, StringFillingItsStorageIsBounded) {
  Payload p;
  p.add_str("0123456789abcdef", 16);  // no NUL inside the storage
  p.add_int(5);
  EXPECT_EQ(p.fmt("%s %d"), "0123456789abcdef 5");
}

TEST(PrintfFormat, MissingArgumentsPrintNothing) {
  Payload p;
  EXPECT_EQ(p.fmt("a %d b"), "a  b");
}

}  // namespace
}  // namespace probe
