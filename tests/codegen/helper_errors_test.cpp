// -k / -kk helper checks and map-full accounting at compile time: the
// call-site table (bpftrace 0.17's locations and text), that nothing is
// emitted without -k, and the map_full map and BPFTRACE_MAP_KEYS_MAX.
#include <gtest/gtest.h>
#include <linux/bpf.h>

#include <memory>
#include <string>

#include "codegen/helper_errors.h"
#include "driver/compiler.h"

namespace probe {
namespace {

// A compiled dry run with -k at `level` (and map capacity keys).
struct Built {
  std::unique_ptr<Config> cfg;
  std::unique_ptr<PassContext> ctx;
  const CompiledProgram &out() const { return ctx->output; }
};

Built build(const std::string &text, int level, uint32_t keys = 4096) {
  Built b;
  b.cfg = std::make_unique<Config>();
  b.cfg->dry_run = true;
  b.cfg->dump_ir = true;
  b.cfg->helper_check_level = level;
  b.cfg->map_keys_max = keys;
  b.ctx = compile(*b.cfg, SourceFile{"stdin", text});
  EXPECT_FALSE(b.ctx->diags.has_errors()) << b.ctx->diags.render(b.ctx->source);
  return b;
}

TEST(HelperErrorSite, OneLineQuotesAndUnderlines) {
  SourceFile src{"stdin", "BEGIN { $i = 0; while ($i < 20) { @m[$i] = 1; $i++; } exit(); }"};
  Loc loc{{1, 42}, {1, 43}};
  HelperErrorSite s = make_helper_error_site(BPF_FUNC_map_update_elem, loc, src);
  EXPECT_EQ(s.helper_name, "map_update_elem");
  EXPECT_EQ(s.where, "stdin:1:42-43");
  EXPECT_EQ(s.context, src.text + "\n" + std::string(41, ' ') + "~\n");
}

TEST(HelperErrorSite, MultiLineHasNoQuote) {
  SourceFile src{"prog.bt", "BEGIN {\n  @m[1] =\n 2;\n}\n"};
  HelperErrorSite s = make_helper_error_site(BPF_FUNC_map_update_elem, Loc{{2, 3}, {3, 3}}, src);
  EXPECT_EQ(s.where, "prog.bt:2-3");
  EXPECT_EQ(s.context, "");
}

TEST(HelperErrorSite, Names) {
  EXPECT_EQ(helper_func_name(BPF_FUNC_map_delete_elem), "map_delete_elem");
  EXPECT_EQ(helper_func_name(BPF_FUNC_probe_read_user_str), "probe_read_user_str");
  EXPECT_EQ(helper_func_name(BPF_FUNC_probe_read_kernel), "probe_read_kernel");
}

TEST(HelperChecks, NoneWithoutK) {
  Built b = build("BEGIN { @m[1] = 1; @c = count(); printf(\"%s\\n\", str(0)); }", 0);
  EXPECT_TRUE(b.out().helper_errors.empty());
  // The HelperError kind (16) is never written into a record header.
  EXPECT_EQ(b.out().listing.find("i64 16,"), std::string::npos);
}

TEST(HelperChecks, KReportsUpdatesAtBpftraceLocations) {
  // = of a plain assignment; an aggregation's call; the whole ++ and +=.
  Built b = build("BEGIN { @m[1] = 1; @c = count(); @n[2]++; @s[3] += 4; }", 1);
  const auto &sites = b.out().helper_errors;
  ASSERT_EQ(sites.size(), 4u);
  for (const auto &s : sites) EXPECT_EQ(s.helper, uint32_t(BPF_FUNC_map_update_elem));
  EXPECT_EQ(sites[0].where, "stdin:1:15-16");  // "="
  EXPECT_EQ(sites[1].where, "stdin:1:25-32");  // "count()"
  EXPECT_EQ(sites[2].where, "stdin:1:34-41");  // "@n[2]++"
  EXPECT_EQ(sites[3].where, "stdin:1:43-53");  // "@s[3] += 4"
}

TEST(HelperChecks, ProbeReadsOnlyWithKK) {
  const char *prog = "BEGIN { printf(\"%s\\n\", str(0)); }";
  EXPECT_TRUE(build(prog, 1).out().helper_errors.empty());
  Built b = build(prog, 2);
  ASSERT_EQ(b.out().helper_errors.size(), 1u);
  EXPECT_EQ(b.out().helper_errors[0].helper_name, "probe_read_kernel_str");
  EXPECT_EQ(b.out().helper_errors[0].where, "stdin:1:24-30");  // the str() call, as bpftrace
}

TEST(HelperChecks, LookupsOnlyWithKK) {
  const char *prog = "BEGIN { @c[1] = count(); $x = @v[2]; @v[1] = 1; }";
  EXPECT_EQ(build(prog, 1).out().helper_errors.size(), 2u);  // the updates
  Built b = build(prog, 2);
  ASSERT_EQ(b.out().helper_errors.size(), 4u);
  EXPECT_EQ(b.out().helper_errors[0].helper_name, "map_lookup_elem");
  EXPECT_EQ(b.out().helper_errors[0].where, "stdin:1:17-24");  // count()
  EXPECT_EQ(b.out().helper_errors[2].where, "stdin:1:31-36");  // @v[2]
}

TEST(HelperChecks, RepeatedCallSiteSharesOneEntry) {
  Built b = build("BEGIN { unroll(3) { @m[1] = 1; } }", 1);
  EXPECT_EQ(b.out().helper_errors.size(), 1u);
}

TEST(MapFull, CountingMapAndCapacity) {
  Built b = build("BEGIN { @m[1] = 1; @n = 2; }", 0, 16);
  EXPECT_TRUE(b.out().counts_map_full);
  ASSERT_EQ(b.out().maps.size(), 2u);
  for (const auto &m : b.out().maps) EXPECT_EQ(m.max_entries, 16u);
  // The run's count is added to the map at exit, and only when non-zero.
  EXPECT_NE(b.out().listing.find("@map_full"), std::string::npos);
  EXPECT_FALSE(build("BEGIN { printf(\"x\\n\"); }", 0).out().counts_map_full);
}

}  // namespace
}  // namespace probe
