// Tests of the preprocessor pass: directives, conditional sections,
// blanking that keeps lines and columns, include search, missing headers.
#include "frontend/preprocess.h"

#include <gtest/gtest.h>

namespace probe {
namespace {

Preprocessed run(const std::string &text, Diagnostics &d, PreprocessOptions opts = {}) {
  SourceFile src{"test.bt", text};
  return preprocess(src, opts, d);
}

TEST(PreprocessTest, BlanksDirectives) {
  Diagnostics d;
  auto r = run("#define X 1\nkprobe:f { @ = X; }\n", d);
  EXPECT_FALSE(d.has_errors());
  EXPECT_EQ(r.text, "\nkprobe:f { @ = X; }\n");
  ASSERT_TRUE(r.macros.count("X"));
  EXPECT_EQ(r.macros.at("X").body, "1");
}

}  // namespace
}  // namespace probe
