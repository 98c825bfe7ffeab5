// Unit tests of the C declaration parser (frontend/cdecl.h).
#include "frontend/cdecl.h"

#include <gtest/gtest.h>

using namespace probe;

TEST(CDecl, Smoke) {
  ScriptTypes st;
  Diagnostics d;
  EXPECT_TRUE(st.add("struct Foo { int a; char b[8]; };", Loc{}, true, d, nullptr));
  auto r = st.record("struct Foo");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size, 12u);
}
