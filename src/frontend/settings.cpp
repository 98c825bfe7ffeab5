#include "frontend/settings.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>

#include "util/strings.h"

namespace probe {

namespace {

// What kind of value a setting takes.
enum class Kind { Number, Bool, Choice, Text };

// One setting: its canonical name, the other spellings bpftrace accepts for
// it, the value it takes, and where it goes in Config.
struct Setting {
  const char *name;
  std::vector<const char *> aliases;  // upper-case names without BPFTRACE_ (0.17's as well)
  Kind kind;
  uint64_t min = 0, max = 0;          // Number
  std::vector<const char *> choices;  // Choice (compared case-insensitively)
  std::function<void(Config &, uint64_t, const std::string &)> set;
};

const std::vector<Setting> &settings() {
  static const std::vector<Setting> table = {
      {"max_strlen", {"STRLEN", "STR_LEN"}, Kind::Number, 1, 1024, {},
       [](Config &c, uint64_t n, const std::string &) { c.str_size = static_cast<unsigned>(n); }},
      {"max_map_keys", {"MAP_KEYS_MAX"}, Kind::Number, 1, UINT32_MAX, {},
       [](Config &c, uint64_t n, const std::string &) { c.map_keys_max = static_cast<uint32_t>(n); }},
      {"max_probes", {}, Kind::Number, 1, UINT_MAX, {},
       [](Config &c, uint64_t n, const std::string &) { c.max_probes = static_cast<unsigned>(n); }},
      {"max_bpf_progs", {}, Kind::Number, 1, UINT32_MAX, {},
       [](Config &c, uint64_t n, const std::string &) { c.max_bpf_progs = static_cast<uint32_t>(n); }},
      {"max_cat_bytes", {"CAT_BYTES_MAX"}, Kind::Number, 1, 1u << 30, {},
       [](Config &c, uint64_t n, const std::string &) { c.cat_bytes_max = static_cast<uint32_t>(n); }},
      {"log_size", {}, Kind::Number, 1, UINT32_MAX, {},
       [](Config &c, uint64_t n, const std::string &) { c.log_size = static_cast<uint32_t>(n); }},
      {"perf_rb_pages", {}, Kind::Number, 1, 1u << 18, {},
       [](Config &c, uint64_t n, const std::string &) {
         // The ring buffer: a power of two of pages, at least the 64 KiB default of BEGIN-only programs.
         uint64_t bytes = 4096;
         while (bytes < n * 4096) bytes <<= 1;
         c.ringbuf_size = static_cast<unsigned>(std::max<uint64_t>(bytes, 1u << 16));
       }},
      {"on_stack_limit", {}, Kind::Number, 0, 512, {},
       [](Config &c, uint64_t n, const std::string &) { c.on_stack_limit = static_cast<uint32_t>(n); }},
      {"stack_mode", {}, Kind::Choice, 0, 0, {"bpftrace", "perf", "raw"},
       [](Config &c, uint64_t, const std::string &v) { c.stack_mode = v; }},
      {"missing_probes", {}, Kind::Choice, 0, 0, {"error", "warn", "ignore"},
       [](Config &c, uint64_t, const std::string &v) { c.missing_probes = v; }},
      {"cache_user_symbols", {}, Kind::Choice, 0, 0, {"PER_PROGRAM", "PER_PID", "NONE"},
       [](Config &c, uint64_t, const std::string &v) { c.cache_user_symbols = v; }},
      {"print_maps_on_exit", {}, Kind::Bool, 0, 0, {},
       [](Config &c, uint64_t n, const std::string &) { c.print_maps_on_exit = n != 0; }},
      {"cpp_demangle", {}, Kind::Bool, 0, 0, {},
       [](Config &c, uint64_t n, const std::string &) { c.cpp_demangle = n != 0; }},
      // 0.17's BPFTRACE_NO_CPP_DEMANGLE=1 is cpp_demangle = false.
      {"no_cpp_demangle", {}, Kind::Bool, 0, 0, {},
       [](Config &c, uint64_t n, const std::string &) { c.cpp_demangle = n == 0; }},
      {"lazy_symbolication", {}, Kind::Bool, 0, 0, {},
       [](Config &c, uint64_t n, const std::string &) { c.lazy_symbolication = n != 0; }},
      {"show_debug_info", {}, Kind::Bool, 0, 0, {},
       [](Config &c, uint64_t n, const std::string &) { c.show_debug_info = n != 0; }},
      {"license", {}, Kind::Text, 0, 0, {},
       [](Config &c, uint64_t, const std::string &v) { c.license = v; }},
      {"str_trunc_trailer", {}, Kind::Text, 0, 0, {},
       [](Config &c, uint64_t, const std::string &v) { c.str_trunc_trailer = v; }},
  };
  return table;
}

std::string upper(std::string s) {
  for (char &c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string lower(std::string s) {
  for (char &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const Setting *find(const std::string &key) {
  std::string k = upper(key);
  if (k.rfind("BPFTRACE_", 0) == 0) k = k.substr(9);
  for (const auto &s : settings()) {
    if (k == upper(s.name)) return &s;
    for (const char *a : s.aliases)
      if (k == a) return &s;
  }
  return nullptr;
}

// What the value must be, for messages.
std::string describe(const Setting &s) {
  switch (s.kind) {
    case Kind::Number: {
      static const std::vector<std::pair<std::string, std::string>> units = {
          {"max_strlen", "bytes"}, {"max_map_keys", "map entries"}, {"max_probes", "probes"},
          {"max_bpf_progs", "programs"}, {"max_cat_bytes", "bytes"}, {"log_size", "bytes"},
          {"perf_rb_pages", "pages"}, {"on_stack_limit", "bytes"}};
      std::string unit;
      for (const auto &[n, u] : units)
        if (n == s.name) unit = " of " + u;
      if (s.min == 1)
        return "a positive number" + unit + (s.max < UINT32_MAX ? " (at most " + std::to_string(s.max) + ")" : "");
      return "a number" + unit + " from " + std::to_string(s.min) + " to " + std::to_string(s.max);
    }
    case Kind::Bool: return "true or false (or 1 or 0)";
    case Kind::Choice: {
      std::vector<std::string> c(s.choices.begin(), s.choices.end());
      return "one of " + join(c, ", ");
    }
    case Kind::Text: return "text";
  }
  return "";
}

}  // namespace

std::string canonical_setting(const std::string &key) {
  const Setting *s = find(key);
  return s ? s->name : "";
}

std::vector<std::string> setting_names() {
  std::vector<std::string> out;
  for (const auto &s : settings())
    if (std::string(s.name) != "no_cpp_demangle") out.push_back(s.name);
  return out;
}

std::string apply_setting(Config &cfg, const std::string &name, const std::string &value) {
  const Setting *s = find(name);
  if (!s) return "an unknown setting";
  switch (s->kind) {
    case Kind::Number: {
      char *end = nullptr;
      errno = 0;
      unsigned long long n = std::strtoull(value.c_str(), &end, 0);
      if (value.empty() || *end || errno || value[0] == '-' || n < s->min || n > s->max) return describe(*s);
      s->set(cfg, n, value);
      return "";
    }
    case Kind::Bool: {
      std::string v = lower(value);
      if (v == "1" || v == "true") s->set(cfg, 1, value);
      else if (v == "0" || v == "false") s->set(cfg, 0, value);
      else return describe(*s);
      return "";
    }
    case Kind::Choice:
      for (const char *c : s->choices) {
        if (lower(value) == lower(c)) {
          s->set(cfg, 0, c);
          return "";
        }
      }
      return describe(*s);
    case Kind::Text: s->set(cfg, 0, value); return "";
  }
  return "";
}

std::string read_env_settings(Config &cfg, const std::function<const char *(const char *)> &getenv) {
  for (const auto &s : settings()) {
    std::vector<std::string> names{"BPFTRACE_" + upper(s.name)};
    for (const char *a : s.aliases) names.push_back(std::string("BPFTRACE_") + a);
    for (const auto &env : names) {
      const char *v = getenv(env.c_str());
      if (!v) continue;
      std::string why = apply_setting(cfg, s.name, v);
      if (!why.empty()) return env + " must be " + why + ", not '" + std::string(v).substr(0, 64) + "'";
      cfg.env_settings.push_back(s.name);
    }
  }
  return "";
}

void apply_config_block(const std::vector<ast::ConfigEntry> &entries, Config &cfg, Diagnostics &diags) {
  std::vector<std::string> seen;
  for (const auto &e : entries) {
    std::string name = canonical_setting(e.key);
    if (name.empty()) {
      diags.error(e.loc, "unknown config setting '" + e.key + "'");
      std::string near = closest(lower(e.key), setting_names());
      if (!near.empty()) diags.hint("did you mean '" + near + "'?");
      else diags.hint("settings are " + join(setting_names(), ", "));
      continue;
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      diags.error(e.loc, "config setting '" + name + "' is set twice");
      continue;
    }
    seen.push_back(name);
    // The environment takes precedence over the program's config block (bpftrace's rule);
    // the value is still checked.
    Config scratch = cfg;
    bool env = std::find(cfg.env_settings.begin(), cfg.env_settings.end(), name) != cfg.env_settings.end();
    std::string why = apply_setting(env ? scratch : cfg, name, e.value);
    if (!why.empty()) diags.error(e.value_loc, "config setting '" + name + "' must be " + why + ", not '" +
                                                   e.value.substr(0, 64) + "'");
  }
}

}  // namespace probe
