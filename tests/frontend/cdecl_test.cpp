// Unit tests of the C declaration parser (frontend/cdecl.h). Expected
// layouts come from gcc on x86-64 (offsetof/sizeof of the same declarations;
// bit positions found by setting the bit-field to all ones).
#include "frontend/cdecl.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

using namespace probe;

namespace {

// A ScriptTypes with a fake outer link (what BTF would answer) and the
// diagnostics of the last add().
struct Table {
  ScriptTypes st;
  Diagnostics diags{1000};
  std::map<std::string, Type> outer_types;
  std::map<std::string, int64_t> outer_constants;
  std::vector<std::string> asked;  // names looked up in the outer link, in order
  std::string last_text;

  // Parses text (starting at line 1, column 1 unless at says otherwise).
  bool add(const std::string &text, bool strict = true, Loc at = Loc{}) {
    last_text = text;
    OuterTypeLookup outer = [this](const std::string &n) -> std::optional<Type> {
      asked.push_back(n);
      auto it = outer_types.find(n);
      if (it == outer_types.end()) return std::nullopt;
      return it->second;
    };
    OuterConstantLookup consts = [this](const std::string &n) -> std::optional<int64_t> {
      auto it = outer_constants.find(n);
      if (it == outer_constants.end()) return std::nullopt;
      return it->second;
    };
    return st.add(text, at, strict, diags, outer, consts);
  }
  // The record called name; fails the test when missing.
  std::shared_ptr<const Record> rec(const std::string &name) {
    auto r = st.record(name);
    EXPECT_TRUE(r) << name;
    return r;
  }
  // The first diagnostic's message ("" when none).
  std::string error() const { return diags.all().empty() ? "" : diags.all()[0].message; }
  // The rendered diagnostics of the last text.
  std::string rendered() const { return diags.render(SourceFile{"-e", last_text}); }
};

// Field name of rec, or a test failure.
const Field &field(const std::shared_ptr<const Record> &rec, const std::string &name) {
  static const Field none;
  if (!rec) return none;
  const Field *f = rec->find(name);
  EXPECT_TRUE(f) << rec->name << " has no field " << name;
  return f ? *f : none;
}

// An outer (BTF-like) struct with the given u64/u32 fields laid out back to back.
Type outer_struct(const std::string &name, uint32_t size) {
  auto r = std::make_shared<Record>();
  r->name = name;
  r->size = size;
  Field a;
  a.name = "a";
  a.type = std::make_shared<const Type>(Type::u64());
  r->fields.push_back(a);
  return Type::record_of(r);
}

}  // namespace

TEST(CDecl, StructFooIsTwelveBytes) {
  Table t;
  ASSERT_TRUE(t.add("struct Foo { int a; char b[8]; };")) << t.rendered();
  auto r = t.rec("struct Foo");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size, 12u);
  EXPECT_EQ(r->name, "struct Foo");
  ASSERT_EQ(r->fields.size(), 2u);
  EXPECT_EQ(field(r, "a").offset, 0u);
  EXPECT_EQ(*field(r, "a").type, Type::integer(4, true));
  EXPECT_EQ(field(r, "a").type->name, "int");
  EXPECT_EQ(field(r, "b").offset, 4u);
  EXPECT_EQ(*field(r, "b").type, Type::string(8));  // char arrays are strings, as in btf_types
  auto ty = t.st.type("struct Foo");
  ASSERT_TRUE(ty);
  EXPECT_TRUE(ty->is(TypeKind::Record));
  EXPECT_EQ(ty->size, 12u);
  EXPECT_EQ(ty->record, r);
  EXPECT_FALSE(t.st.is_typedef("struct Foo"));
}

// bpftrace scripts write `struct Foo { ... }` without the closing ';'.
TEST(CDecl, FinalSemicolonMayBeMissing) {
  Table t;
  ASSERT_TRUE(t.add("struct Foo { int a; char b[8]; }")) << t.rendered();
  EXPECT_EQ(t.rec("struct Foo")->size, 12u);
}

TEST(CDecl, CommentsAreSkipped) {
  Table t;
  ASSERT_TRUE(t.add("struct /* tag */ Foo { // first\n int a; /* multi\n line */ char b[8];\n};")) << t.rendered();
  EXPECT_EQ(t.rec("struct Foo")->size, 12u);
}

TEST(CDecl, NestedDefinitionsAndAnonymousMembersAreFlattened) {
  Table t;
  ASSERT_TRUE(t.add("struct A { struct B { int x; } b; union { int u; long v; }; char c; };")) << t.rendered();
  auto a = t.rec("struct A");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->size, 24u);
  EXPECT_EQ(field(a, "b").offset, 0u);
  EXPECT_EQ(field(a, "b").type->name, "struct B");
  EXPECT_TRUE(field(a, "b").type->record);
  EXPECT_EQ(field(a, "u").offset, 8u);
  EXPECT_EQ(field(a, "v").offset, 8u);
  EXPECT_EQ(*field(a, "v").type, Type::i64());
  EXPECT_EQ(field(a, "c").offset, 16u);
  EXPECT_EQ(a->fields.size(), 4u);         // b, u, v, c: the anonymous union has no field of its own
  EXPECT_EQ(t.rec("struct B")->size, 4u);  // nested tags are visible outside, as in C

  ASSERT_TRUE(t.add("struct AN { int a; struct { char b; union { short c; int d; }; }; long e; };")) << t.rendered();
  auto an = t.rec("struct AN");
  EXPECT_EQ(an->size, 24u);
  EXPECT_EQ(field(an, "b").offset, 4u);
  EXPECT_EQ(field(an, "c").offset, 8u);
  EXPECT_EQ(field(an, "d").offset, 8u);
  EXPECT_EQ(field(an, "e").offset, 16u);
}

TEST(CDecl, Unions) {
  Table t;
  ASSERT_TRUE(t.add("union U { char a; int b; long long c; char d[9]; };")) << t.rendered();
  auto u = t.rec("union U");
  EXPECT_EQ(u->size, 16u);
  EXPECT_EQ(u->name, "union U");
  for (const char *f : {"a", "b", "c", "d"}) EXPECT_EQ(field(u, f).offset, 0u) << f;
  EXPECT_EQ(t.st.type("union U")->size, 16u);
  EXPECT_FALSE(t.st.type("struct U"));
}

TEST(CDecl, BitfieldsFollowGcc) {
  Table t;
  ASSERT_TRUE(t.add("struct BF { unsigned int a:3; unsigned int b:5; unsigned int c:25; char d;\n"
                    "            long long e:40; int f:1; short g; };"))
      << t.rendered();
  auto r = t.rec("struct BF");
  EXPECT_EQ(r->size, 24u);
  struct Want {
    const char *name;
    uint32_t offset, shift, bits;
  };
  for (Want w : {Want{"a", 0, 0, 3}, Want{"b", 0, 3, 5}, Want{"c", 4, 0, 25}, Want{"e", 9, 0, 40},
                 Want{"f", 14, 0, 1}}) {
    const Field &f = field(r, w.name);
    EXPECT_EQ(f.offset, w.offset) << w.name;
    EXPECT_EQ(f.bitfield_shift, w.shift) << w.name;
    EXPECT_EQ(f.bitfield_bits, w.bits) << w.name;
  }
  EXPECT_EQ(*field(r, "a").type, Type::integer(4, false));  // the declared type, as btf_types
  EXPECT_EQ(*field(r, "f").type, Type::integer(4, true));
  EXPECT_EQ(field(r, "d").offset, 8u);
  EXPECT_EQ(field(r, "d").bitfield_bits, 0u);
  EXPECT_EQ(field(r, "g").offset, 16u);

  // A bit-field that would straddle a unit of its type moves to the next one.
  ASSERT_TRUE(t.add("struct BF2 { char a; unsigned short b:9; unsigned char c:7; };")) << t.rendered();
  auto r2 = t.rec("struct BF2");
  EXPECT_EQ(r2->size, 4u);
  EXPECT_EQ(field(r2, "b").offset, 2u);
  EXPECT_EQ(field(r2, "b").bitfield_shift, 0u);
  EXPECT_EQ(field(r2, "c").offset, 3u);
  EXPECT_EQ(field(r2, "c").bitfield_shift, 1u);

  // Packed: no unit boundaries.
  ASSERT_TRUE(t.add("struct PB { char a; unsigned int b:31; unsigned int c:3; } __attribute__((packed));"))
      << t.rendered();
  auto pb = t.rec("struct PB");
  EXPECT_EQ(pb->size, 6u);
  EXPECT_EQ(field(pb, "b").offset, 1u);
  EXPECT_EQ(field(pb, "c").offset, 4u);
  EXPECT_EQ(field(pb, "c").bitfield_shift, 7u);
}

TEST(CDecl, ZeroWidthAndUnnamedBitfields) {
  Table t;
  ASSERT_TRUE(t.add("struct Z { char a; int :0; char b; };\n"
                    "struct N { char a; int :4; };\n"
                    "struct L { long long a:3; };\n"
                    "union UB { char a; int b:3; };"))
      << t.rendered();
  auto z = t.rec("struct Z");
  EXPECT_EQ(z->size, 5u);  // `int :0` moves b to 4 but does not align the struct
  EXPECT_EQ(field(z, "b").offset, 4u);
  EXPECT_EQ(z->fields.size(), 2u);  // unnamed bit-fields are padding only
  EXPECT_EQ(t.rec("struct N")->size, 2u);
  EXPECT_EQ(t.rec("struct L")->size, 8u);
  EXPECT_EQ(t.rec("union UB")->size, 4u);
}

TEST(CDecl, ArraysAndPointers) {
  Table t;
  ASSERT_TRUE(t.add("struct S { struct node *n; int (*fn)(int, char *); void (*h[4])(void); long *p[4];\n"
                    "           char s[4][16]; unsigned char mac[6]; int m[2][3]; };"))
      << t.rendered();
  auto r = t.rec("struct S");
  EXPECT_EQ(r->size, 176u);
  const Field &n = field(r, "n");
  ASSERT_TRUE(n.type->is(TypeKind::Pointer));
  EXPECT_EQ(n.type->as, AddrSpace::None);  // read where the probe's pointers point (user memory in uprobes)
  EXPECT_TRUE(n.type->elem->is(TypeKind::Record));
  EXPECT_EQ(n.type->elem->name, "struct node");  // undefined: known by name only
  EXPECT_FALSE(n.type->elem->record);
  EXPECT_EQ(field(r, "fn").offset, 8u);
  EXPECT_EQ(*field(r, "fn").type, Type::u64());  // function pointers are u64, as btf_types
  EXPECT_EQ(field(r, "h").offset, 16u);
  EXPECT_EQ(*field(r, "h").type, Type::array(Type::u64(), 4));
  EXPECT_EQ(field(r, "p").offset, 48u);
  EXPECT_EQ(*field(r, "p").type, Type::array(Type::pointer(Type::i64(), AddrSpace::None), 4));
  EXPECT_EQ(field(r, "s").offset, 80u);
  EXPECT_EQ(*field(r, "s").type, Type::array(Type::string(16), 4));
  EXPECT_EQ(field(r, "mac").offset, 144u);
  EXPECT_EQ(*field(r, "mac").type, Type::array(Type::integer(1, false), 6));  // unsigned char[N] is numbers
  EXPECT_EQ(field(r, "m").offset, 152u);
  EXPECT_EQ(*field(r, "m").type, Type::array(Type::array(Type::integer(4, true), 3), 2));
  EXPECT_EQ(field(r, "m").type->size, 24u);
}

TEST(CDecl, SixteenByteScalars) {
  Table t;
  ASSERT_TRUE(t.add("struct AA { char c; long double ld; __int128 i; };")) << t.rendered();
  auto r = t.rec("struct AA");
  EXPECT_EQ(r->size, 48u);
  EXPECT_EQ(field(r, "ld").offset, 16u);
  EXPECT_EQ(field(r, "i").offset, 32u);
}

TEST(CDecl, SelfReferenceAndForwardDeclarations) {
  Table t;
  ASSERT_TRUE(t.add("struct node { struct node *next; int v; };")) << t.rendered();
  auto n = t.rec("struct node");
  EXPECT_EQ(n->size, 16u);
  EXPECT_EQ(field(n, "next").type->elem->name, "struct node");
  EXPECT_EQ(field(n, "v").offset, 8u);

  // Pointers made while the struct was incomplete get its size once it is
  // complete (pointer arithmetic scales by it), as BTF's pointers have it.
  EXPECT_EQ(field(n, "next").type->elem->size, 16u);
  ASSERT_TRUE(t.add("typedef struct later *later_p; struct has { struct later *l; };")) << t.rendered();
  EXPECT_EQ(field(t.rec("struct has"), "l").type->elem->size, 0u);
  ASSERT_TRUE(t.add("struct later { char c[40]; };")) << t.rendered();
  EXPECT_EQ(field(t.rec("struct has"), "l").type->elem->size, 40u);
  EXPECT_EQ(t.st.type("later_p")->elem->size, 40u);
  EXPECT_FALSE(field(t.rec("struct has"), "l").type->elem->record);  // resolved by name, no cycles

  ASSERT_TRUE(t.add("struct Fwd;")) << t.rendered();
  ASSERT_TRUE(t.add("typedef struct Fwd Fwd_t;")) << t.rendered();
  EXPECT_FALSE(t.st.record("struct Fwd"));
  auto fwd = t.st.type("struct Fwd");
  ASSERT_TRUE(fwd);  // declared here: it shadows an outer type of the same name
  EXPECT_FALSE(fwd->record);
  ASSERT_TRUE(t.add("struct Fwd { long x; };")) << t.rendered();
  EXPECT_EQ(t.rec("struct Fwd")->size, 8u);
  auto td = t.st.type("Fwd_t");  // the typedef sees the completed struct
  ASSERT_TRUE(td);
  ASSERT_TRUE(td->record);
  EXPECT_EQ(td->size, 8u);
  EXPECT_EQ(t.st.record("Fwd_t"), t.st.record("struct Fwd"));
}

TEST(CDecl, EnumValuesAndTypes) {
  Table t;
  ASSERT_TRUE(t.add("enum E { A, B = 5, C, D = B << 3, F = ~0, G = 0x10, H = 'a', I = (1 << 3) | 1,\n"
                    "         J = sizeof(int) * 2, K = -3, L = C + G, M = '\\n', N = 010 };"))
      << t.rendered();
  std::map<std::string, int64_t> want = {{"A", 0},  {"B", 5}, {"C", 6}, {"D", 40},  {"F", -1},  {"G", 16}, {"H", 97},
                                         {"I", 9}, {"J", 8}, {"K", -3}, {"L", 22}, {"M", 10}, {"N", 8}};
  for (const auto &[name, v] : want) EXPECT_EQ(t.st.constant(name), v) << name;
  auto e = t.st.type("enum E");
  ASSERT_TRUE(e);
  EXPECT_EQ(*e, Type::integer(4, true));
  EXPECT_EQ(e->name, "enum E");

  ASSERT_TRUE(t.add("enum { ANON_A = 3, ANON_B };")) << t.rendered();
  EXPECT_EQ(t.st.constant("ANON_B"), 4);
  ASSERT_TRUE(t.add("enum U32 { UA = 0xffffffff }; enum Big { BA = 0x100000000 };\n"
                    "enum __attribute__((packed)) Small { SA = 255 };"))
      << t.rendered();
  EXPECT_EQ(*t.st.type("enum U32"), Type::integer(4, false));
  EXPECT_EQ(*t.st.type("enum Big"), Type::integer(8, false));
  EXPECT_EQ(*t.st.type("enum Small"), Type::integer(1, false));
  EXPECT_EQ(t.st.constant("BA"), int64_t(1) << 32);

  ASSERT_TRUE(t.add("struct WE { char c; enum E e; enum Small s; };")) << t.rendered();
  auto we = t.rec("struct WE");
  EXPECT_EQ(field(we, "e").offset, 4u);
  EXPECT_EQ(field(we, "s").offset, 8u);
  EXPECT_EQ(we->size, 12u);
  EXPECT_FALSE(t.st.constant("nope"));
}

TEST(CDecl, ConstantExpressionsFollowCTyping) {
  Table t;
  ASSERT_TRUE(t.add("enum X { X1 = -1 / 2, X2 = -7 % 3, X3 = 1U > -1, X4 = 1 > -1, X5 = (unsigned char)300,\n"
                    "         X6 = (signed char)200, X7 = 0 ? 1 / 0 : 5, X8 = 0 && 1 / 0, X9 = 1 << 31,\n"
                    "         X10 = ~0U >> 1, X11 = -1 >> 1, X12 = (long)1 << 40, X13 = 0xffffffffU + 1,\n"
                    "         X14 = sizeof(long) == 8, X15 = !5, X16 = 3 ^ 5, X17 = __alignof__(long long) };"))
      << t.rendered();
  std::map<std::string, int64_t> want = {
      {"X1", 0},   {"X2", -1},         {"X3", 0},           {"X4", 1},  {"X5", 44}, {"X6", -56},
      {"X7", 5},   {"X8", 0},          {"X9", INT32_MIN},   {"X10", INT32_MAX},     {"X11", -1},
      {"X12", int64_t(1) << 40},       {"X13", 0},          {"X14", 1}, {"X15", 0}, {"X16", 6}, {"X17", 8}};
  for (const auto &[name, v] : want) EXPECT_EQ(t.st.constant(name), v) << name;
  ASSERT_TRUE(t.add("struct O { int a; struct { char b; int c; } in; };\n"
                    "enum { OFF_C = __builtin_offsetof(struct O, in.c), SZ = sizeof(struct O) };"))
      << t.rendered();
  EXPECT_EQ(t.st.constant("OFF_C"), 8);
  EXPECT_EQ(t.st.constant("SZ"), 12);
}

TEST(CDecl, TypedefChains) {
  Table t;
  ASSERT_TRUE(t.add("typedef unsigned int u_t;\n"
                    "typedef u_t v_t;\n"
                    "typedef struct Foo { int a; char b[8]; } Foo_t, *FooPtr;\n"
                    "typedef struct { int x; } anon_t;\n"
                    "typedef int arr_t[4];\n"
                    "typedef void (*fp_t)(int);\n"
                    "typedef int fn_t(int);\n"
                    "struct Use { v_t v; Foo_t f; anon_t an; arr_t arr; fp_t fp; fn_t *fnp; FooPtr p; };"))
      << t.rendered();
  for (const char *n : {"u_t", "v_t", "Foo_t", "FooPtr", "anon_t", "arr_t", "fp_t", "fn_t"})
    EXPECT_TRUE(t.st.is_typedef(n)) << n;
  EXPECT_FALSE(t.st.is_typedef("Foo"));
  EXPECT_EQ(*t.st.type("v_t"), Type::integer(4, false));
  EXPECT_EQ(t.st.type("v_t")->name, "v_t");  // integers keep the typedef's name
  EXPECT_EQ(t.st.type("Foo_t")->name, "struct Foo");
  EXPECT_EQ(t.st.record("Foo_t")->size, 12u);
  auto an = t.st.type("anon_t");
  ASSERT_TRUE(an && an->record);
  EXPECT_EQ(an->record->fields[0].name, "x");
  EXPECT_EQ(t.st.record("anon_t"), an->record);
  EXPECT_EQ(*t.st.type("arr_t"), Type::array(Type::integer(4, true), 4));
  EXPECT_EQ(*t.st.type("fp_t"), Type::u64());
  EXPECT_EQ(*t.st.type("fn_t"), Type::u64());
  EXPECT_TRUE(t.st.type("FooPtr")->is(TypeKind::Pointer));
  auto use = t.rec("struct Use");
  EXPECT_EQ(field(use, "f").offset, 4u);
  EXPECT_EQ(field(use, "an").offset, 16u);
  EXPECT_EQ(field(use, "arr").offset, 20u);
  EXPECT_EQ(field(use, "fp").offset, 40u);
  EXPECT_EQ(*field(use, "fnp").type, Type::u64());
  EXPECT_EQ(field(use, "p").offset, 56u);
  EXPECT_EQ(use->size, 64u);
  // Pointer spellings are understood too.
  auto p = t.st.type("struct Foo *");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->is(TypeKind::Pointer));
  EXPECT_EQ(p->elem->size, 12u);
}

TEST(CDecl, BuiltinIntegerNames) {
  Table t;
  ASSERT_TRUE(t.add("struct I { __u8 a; u16 b; s32 c; uint64_t d; int8_t e; size_t f; bool g; _Bool h;\n"
                    "          unsigned short i; signed char j; long long unsigned int k; short int l; float m;\n"
                    "          double n; };"))
      << t.rendered();
  auto r = t.rec("struct I");
  EXPECT_EQ(*field(r, "a").type, Type::integer(1, false));
  EXPECT_EQ(field(r, "a").type->name, "__u8");
  EXPECT_EQ(*field(r, "b").type, Type::integer(2, false));
  EXPECT_EQ(field(r, "b").offset, 2u);
  EXPECT_EQ(*field(r, "c").type, Type::integer(4, true));
  EXPECT_EQ(field(r, "d").offset, 8u);
  EXPECT_EQ(*field(r, "e").type, Type::integer(1, true));
  EXPECT_EQ(field(r, "f").offset, 24u);
  EXPECT_EQ(field(r, "g").offset, 32u);
  EXPECT_EQ(field(r, "h").offset, 33u);
  EXPECT_EQ(field(r, "i").offset, 34u);
  EXPECT_EQ(*field(r, "j").type, Type::integer(1, true));
  EXPECT_EQ(field(r, "k").offset, 40u);
  EXPECT_EQ(field(r, "k").type->name, "unsigned long long");
  EXPECT_EQ(*field(r, "l").type, Type::integer(2, true));
  EXPECT_EQ(field(r, "m").offset, 52u);
  EXPECT_EQ(field(r, "n").offset, 56u);
  EXPECT_EQ(r->size, 64u);
  EXPECT_TRUE(t.asked.empty());  // builtin names never reach the outer link
}

TEST(CDecl, PackedAndAligned) {
  Table t;
  ASSERT_TRUE(t.add("struct __attribute__((packed)) PK { char a; int b; short c; };\n"
                    "struct AL { char a; int b __attribute__((aligned(16))); } __attribute__((aligned(32)));\n"
                    "struct PA { char a; int b __attribute__((packed)); };\n"
                    "struct __attribute__((packed, aligned(4))) P4 { char a; int b; char c; };\n"
                    "struct AS { char a; _Alignas(8) int b; };\n"
                    "typedef int aligned_int __attribute__((aligned(8)));\n"
                    "struct UA { char a; aligned_int b; };\n"
                    "struct Outer { char c; struct AL al; };"))
      << t.rendered();
  EXPECT_EQ(t.rec("struct PK")->size, 7u);
  EXPECT_EQ(field(t.rec("struct PK"), "b").offset, 1u);
  EXPECT_EQ(field(t.rec("struct PK"), "c").offset, 5u);
  EXPECT_EQ(t.rec("struct AL")->size, 32u);
  EXPECT_EQ(field(t.rec("struct AL"), "b").offset, 16u);
  EXPECT_EQ(field(t.rec("struct PA"), "b").offset, 1u);
  EXPECT_EQ(t.rec("struct PA")->size, 5u);
  EXPECT_EQ(t.rec("struct P4")->size, 8u);
  EXPECT_EQ(field(t.rec("struct P4"), "c").offset, 5u);
  EXPECT_EQ(field(t.rec("struct AS"), "b").offset, 8u);
  EXPECT_EQ(field(t.rec("struct UA"), "b").offset, 8u);
  EXPECT_EQ(field(t.rec("struct Outer"), "al").offset, 32u);  // the struct's own alignment is kept
  EXPECT_EQ(t.rec("struct Outer")->size, 64u);
}

TEST(CDecl, OuterLookupForUndefinedNames) {
  Table t;
  t.outer_types["struct task_struct"] = outer_struct("struct task_struct", 24);
  Type pid = Type::integer(4, true);
  pid.name = "pid_t";
  t.outer_types["pid_t"] = pid;
  Type sock;  // known by name only (size from BTF, layout resolved later)
  sock.kind = TypeKind::Record;
  sock.name = "struct sock";
  sock.size = 100;
  t.outer_types["struct sock"] = sock;
  t.outer_constants["TASK_COMM_LEN"] = 16;
  ASSERT_TRUE(t.add("struct S { char c; struct task_struct t; pid_t pid; struct sock *sk; char comm[TASK_COMM_LEN]; };"))
      << t.rendered();
  auto r = t.rec("struct S");
  EXPECT_EQ(field(r, "t").offset, 8u);  // aligned as its u64 member
  EXPECT_EQ(field(r, "t").type->size, 24u);
  EXPECT_EQ(field(r, "pid").offset, 32u);
  EXPECT_EQ(field(r, "pid").type->name, "pid_t");
  EXPECT_EQ(field(r, "sk").offset, 40u);
  EXPECT_EQ(field(r, "sk").type->elem->name, "struct sock");
  EXPECT_EQ(field(r, "sk").type->elem->size, 100u);
  EXPECT_EQ(*field(r, "comm").type, Type::string(16));
  EXPECT_EQ(r->size, 64u);

  // The outer link's records carry no alignment: it is their members',
  // or 1 when packed (a member off its alignment, or an odd size).
  auto packed = std::make_shared<Record>();
  packed->name = "struct pk";
  packed->size = 12;
  Field pa;
  pa.name = "a";
  pa.type = std::make_shared<const Type>(Type::integer(4, false));
  packed->fields.push_back(pa);
  pa.name = "b";
  pa.offset = 4;
  pa.type = std::make_shared<const Type>(Type::u64());
  packed->fields.push_back(pa);
  t.outer_types["struct pk"] = Type::record_of(packed);
  ASSERT_TRUE(t.add("struct P { char c; struct pk p; };")) << t.rendered();
  EXPECT_EQ(field(t.rec("struct P"), "p").offset, 1u);
  EXPECT_EQ(t.rec("struct P")->size, 13u);

  // A struct known to the outer link only by name cannot be a member by value.
  EXPECT_FALSE(t.add("struct V { struct sock s; };"));
  EXPECT_EQ(t.error(), "member 's' has incomplete type 'struct sock'");
  EXPECT_FALSE(t.st.record("struct V"));

  // Definitions here shadow the outer link's.
  t.asked.clear();
  ASSERT_TRUE(t.add("struct task_struct { int mine; }; struct W { struct task_struct t; };")) << t.rendered();
  EXPECT_EQ(field(t.rec("struct W"), "t").type->size, 4u);
  EXPECT_EQ(t.st.type("struct task_struct")->size, 4u);
  EXPECT_TRUE(std::find(t.asked.begin(), t.asked.end(), "struct task_struct") == t.asked.end());
}

TEST(CDecl, UnknownTypeNameIsLocated) {
  Table t;
  EXPECT_FALSE(t.add("struct Foo {\n  int a;\n  foo_t b;\n};", true, Loc{{5, 1}, {5, 1}}));
  ASSERT_EQ(t.diags.all().size(), 1u);
  const Diagnostic &d = t.diags.all()[0];
  EXPECT_EQ(d.message, "unknown type name 'foo_t'");
  EXPECT_EQ(d.loc.begin.line, 7);
  EXPECT_EQ(d.loc.begin.column, 3);
  EXPECT_EQ(d.loc.end.column, 8);
  ASSERT_EQ(d.hints.size(), 1u);
  EXPECT_FALSE(t.st.record("struct Foo"));  // nothing half-defined is kept

  // A text starting mid-line keeps its column offset on its first line.
  Table u;
  EXPECT_FALSE(u.add("struct X { task_struct *t; };", true, Loc{{1, 10}, {1, 10}}));
  u.outer_types["struct task_struct"] = outer_struct("struct task_struct", 8);
  Table v;
  v.outer_types["struct task_struct"] = outer_struct("struct task_struct", 8);
  EXPECT_FALSE(v.add("struct X { task_struct *t; };", true, Loc{{1, 10}, {1, 10}}));
  EXPECT_EQ(v.diags.all()[0].loc.begin.column, 21);
  EXPECT_EQ(v.diags.all()[0].hints[0], "did you mean 'struct task_struct'?");
}

TEST(CDecl, StrictErrorsPointAtTheirToken) {
  struct Case {
    const char *text;
    int line, column;
    const char *message;
  };
  const Case cases[] = {
      {"struct A { int a:33; };", 1, 18, "width of bit-field 'a' (33 bits) exceeds its type (32 bits)"},
      {"struct A { char a:9; };", 1, 19, "width of bit-field 'a' (9 bits) exceeds its type (8 bits)"},
      {"struct A { int a:-1; };", 1, 18, "bit-field 'a' has a negative width"},
      {"struct A { int a:0; };", 1, 18, "named bit-field 'a' has zero width"},
      {"struct A { char *p:3; };", 1, 18, "bit-field 'p' has non-integer type 'int8 *'"},
      {"struct A { int a[-2]; };", 1, 18, "array size is negative (-2)"},
      {"struct A { int a[5000000000]; };", 1, 18, "array size 5000000000 is too large"},
      {"struct A { long a[1 << 30]; };", 1, 18, "array is too large (1073741824 elements of 8 bytes)"},
      {"struct A { int a[2][0x40000000]; };", 1, 20, "array is too large (1073741824 elements of 4 bytes)"},
      {"typedef int z[0];", 1, 14, "zero-size array"},
      {"struct A { int a; };\nstruct A { long a; };", 2, 8, "redefinition of 'struct A'"},
      {"struct A {\n  int a\n};", 3, 1, "expected ';' after member 'a', found '}'"},
      {"struct A { int a; int a; };", 1, 23, "duplicate member 'a'"},
      {"struct A { int a; /* open", 1, 19, "unterminated comment"},
      {"struct A { int @a; };", 1, 16, "unexpected character"},
      {"struct A { int a[N]; };", 1, 18, "'N' is not a constant"},
      {"struct A { int a[1.5]; };", 1, 18, "floating constant '1.5' in an integer constant expression"},
      {"struct A { int a[4 / 0]; };", 1, 20, "division by zero in a constant expression"},
      {"struct A { void v; };", 1, 17, "member 'v' has incomplete type 'void'"},
      {"struct A { struct B b; };", 1, 21, "member 'b' has incomplete type 'struct B'"},
      {"struct A { int f(int); };", 1, 16, "member 'f' is declared as a function"},
      {"struct A { long char c; };", 1, 17, "cannot combine 'char' with the type specifiers before it"},
      {"struct A { unsigned float f; };", 1, 21, "cannot combine 'float' with the type specifiers before it"},
      {"struct A { int a; } x;", 1, 21, "variable declarations are not supported in a script"},
      {"int f(void);", 1, 5, "function declarations are not supported in a script"},
      {"int f(void) { return 1; }", 1, 5, "function definitions are not supported in a script"},
      {"enum E { A = 1, A = 2 };", 1, 17, "redefinition of enumerator 'A'"},
      {"enum E { };", 1, 8, "an enum needs at least one enumerator"},
      {"enum E { A };\nenum E { B };", 2, 6, "redefinition of 'enum E'"},
      {"struct A { char flex[]; int after; };", 1, 17, "flexible array member 'flex' is not the last member"},
      {"struct A { int x __attribute__((aligned(3))); };", 1, 41,
       "requested alignment 3 is not a power of 2 up to 2^28"},
      {"union A { int x; }; struct A { int y; };", 1, 28, "'A' is already defined as a union"},
      {"typedef int T; typedef long T;", 1, 29, "conflicting types for typedef 'T'"},
      {"struct A { int a[1L << 40]; };", 1, 18, "array size 1099511627776 is too large"},
      {"struct A { int a[1 << 32]; };", 1, 20, "shift count 32 is out of range"},
      {"_Static_assert(1 == 2, \"no\");", 1, 1, "static assertion failed"},
      {"= 3;", 1, 1, "expected a declaration, found '='"},
  };
  for (const Case &c : cases) {
    Table t;
    EXPECT_FALSE(t.add(c.text)) << c.text;
    ASSERT_FALSE(t.diags.all().empty()) << c.text;
    const Diagnostic &d = t.diags.all()[0];
    EXPECT_EQ(d.message, c.message) << c.text;
    EXPECT_EQ(d.loc.begin.line, c.line) << c.text;
    EXPECT_EQ(d.loc.begin.column, c.column) << c.text;
  }
}

TEST(CDecl, RenderedDiagnostic) {
  Table t;
  EXPECT_FALSE(t.add("struct Foo { int a; frob_t b; }"));
  EXPECT_EQ(t.rendered(),
            "-e:1:21: error: unknown type name 'frob_t'\n"
            "struct Foo { int a; frob_t b; }\n"
            "                    ^~~~~~\n"
            "hint: define it first (typedef, struct) or #include the header that declares it\n");
}

TEST(CDecl, IdenticalRedefinitionsAreAccepted) {
  Table t;
  ASSERT_TRUE(t.add("struct A { int a; char b; };", false));  // a header
  ASSERT_TRUE(t.add("struct A { int a; char b; };")) << t.rendered();
  ASSERT_TRUE(t.add("typedef unsigned int u_t; typedef unsigned int u_t;")) << t.rendered();
  ASSERT_TRUE(t.add("enum E { A1 = 1 }; enum E { A1 = 1 };")) << t.rendered();
  // A header's conflicting definition is skipped silently; the first wins.
  ASSERT_TRUE(t.add("struct A { long x; };", false));
  EXPECT_EQ(t.rec("struct A")->size, 8u);
  EXPECT_TRUE(t.diags.all().empty());
}

TEST(CDecl, StrictModeReportsEveryDeclarationOnce) {
  Table t;
  EXPECT_FALSE(t.add("struct A { bad_t a; bad_t b; };\nstruct B { int x; };\nstruct C { other_t c; };"));
  ASSERT_EQ(t.diags.all().size(), 2u);  // one per failing declaration
  EXPECT_EQ(t.diags.all()[1].loc.begin.line, 3);
  EXPECT_EQ(t.rec("struct B")->size, 4u);  // declarations after an error are still read
}

TEST(CDecl, TolerantModeSkipsWhatItCannotUse) {
  Table t;
  const char *header = R"(# 1 "/usr/include/x.h"
extern int errno_value;
extern int printf (const char *__restrict __format, ...) __attribute__ ((__nonnull__ (1)));
static __inline __attribute__ ((__always_inline__)) int f (int x) { if (x) { return 1; } return 0; }
__extension__ typedef unsigned long long int __u_quad_t;
_Static_assert (sizeof (int) == 4, "int");
extern char *name_of (int) __asm__ ("" "name_of64") __attribute__ ((__nothrow__ , __leaf__));
struct before { int a; };
int weird( ;
typedef struct { unknown_t x; } broken_t;
struct after { struct before b; __u_quad_t q; } __attribute__ ((__aligned__ (16)));
enum { AF_UNSPEC = 0, AF_INET = 2 };
int arr[] = { 1, 2, 3 }, other = 4;
typedef __typeof__(1) weird_t;
struct last { char c; };
)";
  EXPECT_TRUE(t.add(header, false));
  EXPECT_TRUE(t.diags.all().empty());
  EXPECT_EQ(t.rec("struct before")->size, 4u);
  EXPECT_EQ(t.rec("struct after")->size, 16u);
  EXPECT_EQ(field(t.rec("struct after"), "q").offset, 8u);
  EXPECT_EQ(t.st.constant("AF_INET"), 2);
  EXPECT_EQ(t.rec("struct last")->size, 1u);
  EXPECT_TRUE(t.st.is_typedef("__u_quad_t"));
  EXPECT_FALSE(t.st.is_typedef("broken_t"));
  EXPECT_FALSE(t.st.is_typedef("weird_t"));
}

// An approximation of preprocessed <netinet/in.h> and <linux/tcp.h>.
TEST(CDecl, HeaderApproximations) {
  Table t;
  const char *text = R"(
typedef unsigned char __uint8_t;
typedef unsigned short int __uint16_t;
typedef unsigned int __uint32_t;
typedef __uint16_t uint16_t;
typedef __uint32_t uint32_t;
typedef unsigned short int sa_family_t;
typedef uint32_t in_addr_t;
struct in_addr { in_addr_t s_addr; };
enum { IPPROTO_IP = 0, IPPROTO_ICMP = 1, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_MAX };
typedef uint16_t in_port_t;
struct in6_addr {
  union {
    __uint8_t __u6_addr8[16];
    __uint16_t __u6_addr16[8];
    __uint32_t __u6_addr32[4];
  } __in6_u;
};
extern const struct in6_addr in6addr_any;
struct sockaddr_in {
  sa_family_t sin_family;
  in_port_t sin_port;
  struct in_addr sin_addr;
  unsigned char sin_zero[sizeof (struct sockaddr) - (sizeof (unsigned short int)) - sizeof (in_port_t) - sizeof (struct in_addr)];
};
struct sockaddr { sa_family_t sa_family; char sa_data[14]; };
struct sockaddr_in_2 {
  sa_family_t sin_family;
  in_port_t sin_port;
  struct in_addr sin_addr;
  unsigned char sin_zero[sizeof (struct sockaddr) - (sizeof (unsigned short int)) - sizeof (in_port_t) - sizeof (struct in_addr)];
};
struct sockaddr_in6 {
  sa_family_t sin6_family;
  in_port_t sin6_port;
  uint32_t sin6_flowinfo;
  struct in6_addr sin6_addr;
  uint32_t sin6_scope_id;
};
extern uint32_t ntohl (uint32_t __netlong) __attribute__ ((__nothrow__ , __leaf__)) __attribute__ ((__const__));
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef __u16 __be16;
typedef __u32 __be32;
struct tcphdr {
 __be16 source;
 __be16 dest;
 __be32 seq;
 __be32 ack_seq;
 __u16 res1:4, doff:4, fin:1, syn:1, rst:1, psh:1, ack:1, urg:1, ece:1, cwr:1;
 __be16 window;
 __u16 check;
 __u16 urg_ptr;
};
enum {
 TCP_ESTABLISHED = 1, TCP_SYN_SENT, TCP_SYN_RECV, TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_TIME_WAIT,
 TCP_CLOSE, TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_LISTEN, TCP_CLOSING, TCP_NEW_SYN_RECV, TCP_MAX_STATES
};
)";
  EXPECT_TRUE(t.add(text, false));
  EXPECT_FALSE(t.st.record("struct sockaddr_in"));  // used struct sockaddr before its definition
  EXPECT_EQ(t.rec("struct sockaddr_in_2")->size, 16u);
  EXPECT_EQ(*field(t.rec("struct sockaddr_in_2"), "sin_zero").type, Type::array(Type::integer(1, false), 8));
  EXPECT_EQ(t.rec("struct in6_addr")->size, 16u);
  EXPECT_EQ(t.rec("struct sockaddr_in6")->size, 28u);
  EXPECT_EQ(field(t.rec("struct sockaddr_in6"), "sin6_addr").offset, 8u);
  auto tcp = t.rec("struct tcphdr");
  EXPECT_EQ(tcp->size, 20u);
  EXPECT_EQ(field(tcp, "doff").offset, 12u);
  EXPECT_EQ(field(tcp, "doff").bitfield_shift, 4u);
  EXPECT_EQ(field(tcp, "syn").offset, 13u);
  EXPECT_EQ(field(tcp, "syn").bitfield_shift, 1u);
  EXPECT_EQ(field(tcp, "window").offset, 14u);
  EXPECT_EQ(t.st.constant("TCP_LISTEN"), 10);
  EXPECT_EQ(t.st.constant("IPPROTO_MAX"), 18);
  EXPECT_EQ(t.st.type("in_port_t")->name, "in_port_t");
}

// Deeply nested or huge input fails cleanly: no crash, no stack overflow.
TEST(CDecl, HostileInputIsBounded) {
  {
    Table t;
    std::string deep = "typedef int " + std::string(100000, '(') + "x" + std::string(100000, ')') + ";";
    EXPECT_FALSE(t.add(deep));
    EXPECT_EQ(t.error(), "declaration nested too deeply");
    EXPECT_TRUE(t.add(deep, false));
  }
  {
    Table t;
    std::string s;
    for (int i = 0; i < 5000; i++) s += "struct S" + std::to_string(i) + " { ";
    s += "int x;";
    for (int i = 0; i < 5000; i++) s += " } m" + std::to_string(i) + ";";
    EXPECT_FALSE(t.add(s));
    EXPECT_EQ(t.error(), "declaration nested too deeply");
  }
  {
    Table t;
    std::string e = "enum { A = ";
    for (int i = 0; i < 100000; i++) e += "- ";
    EXPECT_FALSE(t.add(e + "1 };"));
    EXPECT_EQ(t.error(), "declaration nested too deeply");
    t.diags.clear();
    std::string p = "enum { B = " + std::string(100000, '(') + "1" + std::string(100000, ')') + " };";
    EXPECT_FALSE(t.add(p));
    EXPECT_EQ(t.error(), "declaration nested too deeply");
  }
  {
    Table t;  // many small declarations stay linear
    std::string s;
    for (int i = 0; i < 5000; i++) s += "struct R" + std::to_string(i) + " { int a; long b; char c[3]; };\n";
    EXPECT_TRUE(t.add(s, false));
    EXPECT_EQ(t.rec("struct R4999")->size, 24u);
  }
  {
    // Every prefix of a valid text, in both modes: errors, never a crash.
    std::string text =
        "typedef struct __attribute__((packed)) A { int a:3, :0; char b[2][3]; struct A *n; "
        "union { long x; } u; void (*f)(int); } A_t; enum E { X = (1 << 2) | 'a', Y = sizeof(A_t) };";
    for (size_t n = 0; n <= text.size(); n++) {
      Table t;
      t.add(text.substr(0, n), true);
      Table u;
      EXPECT_TRUE(u.add(text.substr(0, n), false));
    }
  }
}

// Preprocessed system headers parse, with the layouts gcc gives (skipped when
// there is no C preprocessor or the headers are not installed).
TEST(CDecl, RealPreprocessedHeaders) {
  std::string cmd =
      "printf '#include <netinet/in.h>\\n#include <linux/tcp.h>\\n#include <linux/ip.h>\\n' | cpp -P - 2>/dev/null";
  FILE *p = popen(cmd.c_str(), "r");
  if (!p) GTEST_SKIP() << "no cpp";
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
  if (pclose(p) != 0 || text.empty()) GTEST_SKIP() << "cpp or the headers are missing";
  Table t;
  EXPECT_TRUE(t.add(text, false));
  EXPECT_TRUE(t.diags.all().empty());
  EXPECT_EQ(t.rec("struct sockaddr_in")->size, 16u);
  EXPECT_EQ(t.rec("struct sockaddr_in6")->size, 28u);
  EXPECT_EQ(t.rec("struct in6_addr")->size, 16u);
  EXPECT_EQ(t.rec("struct tcphdr")->size, 20u);
  EXPECT_EQ(t.rec("struct iphdr")->size, 20u);
  EXPECT_EQ(field(t.rec("struct iphdr"), "saddr").offset, 12u);
  EXPECT_EQ(field(t.rec("struct iphdr"), "version").bitfield_shift, 4u);
  EXPECT_EQ(t.st.constant("IPPROTO_TCP"), 6);
  EXPECT_EQ(t.st.constant("TCP_RECV_QUEUE"), 1);
}
