// The config block's and BPFTRACE_* variables' settings (frontend/settings.h).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "frontend/settings.h"

using namespace probe;

namespace {

// A fake environment for read_env_settings.
struct Env {
  std::map<std::string, std::string> vars;
  const char *operator()(const char *name) const {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  }
};

ast::ConfigEntry entry(const std::string &key, const std::string &value, int col = 1) {
  ast::ConfigEntry e;
  e.key = key;
  e.value = value;
  e.loc = Loc{Position{1, col}, Position{1, col + 3}};
  e.value_loc = e.loc;
  return e;
}

}  // namespace

TEST(Settings, NamesInEverySpelling) {
  EXPECT_EQ(canonical_setting("max_strlen"), "max_strlen");
  EXPECT_EQ(canonical_setting("MAX_STRLEN"), "max_strlen");
  EXPECT_EQ(canonical_setting("BPFTRACE_MAX_STRLEN"), "max_strlen");
  EXPECT_EQ(canonical_setting("BPFTRACE_STRLEN"), "max_strlen");  // bpftrace 0.17
  EXPECT_EQ(canonical_setting("BPFTRACE_MAP_KEYS_MAX"), "max_map_keys");
  EXPECT_EQ(canonical_setting("cat_bytes_max"), "max_cat_bytes");
  EXPECT_EQ(canonical_setting("stack_mode"), "stack_mode");
  EXPECT_EQ(canonical_setting("max_strln"), "");
}

TEST(Settings, ValuesAreChecked) {
  Config c;
  EXPECT_EQ(apply_setting(c, "max_strlen", "128"), "");
  EXPECT_EQ(c.str_size, 128u);
  EXPECT_EQ(apply_setting(c, "max_strlen", "0"), "a positive number of bytes (at most 1024)");
  EXPECT_EQ(apply_setting(c, "max_strlen", "-5"), "a positive number of bytes (at most 1024)");
  EXPECT_EQ(apply_setting(c, "max_strlen", "12x"), "a positive number of bytes (at most 1024)");
  EXPECT_EQ(c.str_size, 128u);
  EXPECT_EQ(apply_setting(c, "max_map_keys", "0x10"), "");
  EXPECT_EQ(c.map_keys_max, 16u);
  EXPECT_EQ(apply_setting(c, "print_maps_on_exit", "false"), "");
  EXPECT_FALSE(c.print_maps_on_exit);
  EXPECT_EQ(apply_setting(c, "print_maps_on_exit", "1"), "");
  EXPECT_TRUE(c.print_maps_on_exit);
  EXPECT_EQ(apply_setting(c, "print_maps_on_exit", "yes"), "true or false (or 1 or 0)");
  EXPECT_EQ(apply_setting(c, "stack_mode", "PERF"), "");
  EXPECT_EQ(c.stack_mode, "perf");
  EXPECT_EQ(apply_setting(c, "stack_mode", "fancy"), "one of bpftrace, perf, raw");
  EXPECT_EQ(apply_setting(c, "missing_probes", "ignore"), "");
  EXPECT_EQ(c.missing_probes, "ignore");
  EXPECT_EQ(apply_setting(c, "max_cat_bytes", "100"), "");
  EXPECT_EQ(c.cat_bytes_max, 100u);
  EXPECT_EQ(apply_setting(c, "no_cpp_demangle", "1"), "");
  EXPECT_FALSE(c.cpp_demangle);
}

TEST(Settings, PerfRbPagesSizesTheRingBuffer) {
  Config c;
  EXPECT_EQ(apply_setting(c, "perf_rb_pages", "100"), "");
  EXPECT_EQ(c.ringbuf_size, 128u * 4096);  // a power of two
  EXPECT_EQ(apply_setting(c, "perf_rb_pages", "1"), "");
  EXPECT_EQ(c.ringbuf_size, 1u << 16);
}

TEST(Settings, Environment) {
  Config c;
  Env env{{{"BPFTRACE_STRLEN", "32"}, {"BPFTRACE_MAX_PROBES", "7"}, {"BPFTRACE_UNRELATED", "x"}}};
  EXPECT_EQ(read_env_settings(c, env), "");
  EXPECT_EQ(c.str_size, 32u);
  EXPECT_EQ(c.max_probes, 7u);
  Config d;
  Env bad{{{"BPFTRACE_MAP_KEYS_MAX", "many"}}};
  EXPECT_EQ(read_env_settings(d, bad), "BPFTRACE_MAP_KEYS_MAX must be a positive number of map entries, not 'many'");
  Config e;
  Env bad2{{{"BPFTRACE_MAX_STRLEN", "4096"}}};
  EXPECT_EQ(read_env_settings(e, bad2), "BPFTRACE_MAX_STRLEN must be a positive number of bytes (at most 1024), not '4096'");
}

TEST(Settings, EnvironmentWinsOverTheConfigBlock) {
  Config c;
  Env env{{{"BPFTRACE_MAX_STRLEN", "16"}}};
  ASSERT_EQ(read_env_settings(c, env), "");
  Diagnostics diags;
  apply_config_block({entry("max_strlen", "100"), entry("max_map_keys", "9")}, c, diags);
  EXPECT_FALSE(diags.has_errors());
  EXPECT_EQ(c.str_size, 16u);
  EXPECT_EQ(c.map_keys_max, 9u);
  // The value is still checked.
  apply_config_block({entry("max_strlen", "zero")}, c, diags);
  EXPECT_TRUE(diags.has_errors());
}

TEST(Settings, ConfigBlockErrors) {
  Config c;
  Diagnostics diags;
  apply_config_block({entry("max_strln", "8", 12), entry("BPFTRACE_MAX_PROBES", "2"), entry("max_probes", "3")}, c,
                     diags);
  ASSERT_EQ(diags.all().size(), 2u);
  EXPECT_EQ(diags.all()[0].message, "unknown config setting 'max_strln'");
  EXPECT_EQ(diags.all()[0].loc.begin.column, 12);
  ASSERT_EQ(diags.all()[0].hints.size(), 1u);
  EXPECT_EQ(diags.all()[0].hints[0], "did you mean 'max_strlen'?");
  EXPECT_EQ(diags.all()[1].message, "config setting 'max_probes' is set twice");
  EXPECT_EQ(c.max_probes, 2u);
  Diagnostics d2;
  apply_config_block({entry("zzzzqq", "1")}, c, d2);
  ASSERT_EQ(d2.all().size(), 1u);
  EXPECT_NE(d2.all()[0].hints[0].find("settings are max_strlen, max_map_keys"), std::string::npos);
}
