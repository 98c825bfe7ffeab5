#include "builtins/registry.h"

#include "builtins/agg/aggregation.h"

#include <cctype>

namespace probe {

namespace {

// One entry per aggregation file in agg/.
std::vector<BuiltinFunc> aggregation_funcs() {
  return {count_aggregation(), sum_aggregation(), min_aggregation(), max_aggregation(),
          avg_aggregation(),   stats_aggregation(), hist_aggregation(), lhist_aggregation()};
}

const std::vector<BuiltinVar> &vars() {
  static const std::vector<BuiltinVar> all = [] {
    std::vector<BuiltinVar> v;
    for (auto &f : {identity_vars(), probe_arg_vars(), stack_vars(), time_vars(), cgroup_vars()}) v.insert(v.end(), f.begin(), f.end());
    return v;
  }();
  return all;
}

const std::vector<BuiltinFunc> &funcs() {
  static const std::vector<BuiltinFunc> all = [] {
    std::vector<BuiltinFunc> v;
    for (auto &f : {output_funcs(), map_funcs(), net_funcs(), aggregation_funcs(), string_funcs(), probe_arg_funcs(), time_funcs(),
                    io_funcs(), unsafe_funcs(), value_funcs(), cgroup_funcs()})
      v.insert(v.end(), f.begin(), f.end());
    return v;
  }();
  return all;
}

// "arg12" -> "arg", "sarg3" -> "sarg"; other names unchanged.
std::string_view family_name(std::string_view name) {
  for (std::string_view family : {"arg", "sarg"}) {
    if (name.size() > family.size() && name.substr(0, family.size()) == family) {
      bool digits = true;
      for (char c : name.substr(family.size())) digits = digits && isdigit(static_cast<unsigned char>(c));
      if (digits) return family;
    }
  }
  return name;
}

}  // namespace

const BuiltinVar *find_builtin_var(std::string_view name) {
  if (name == "arg" || name == "sarg") return nullptr;  // the families: arg0, arg1..., sarg0...
  std::string_view n = family_name(name);
  for (const auto &v : vars())
    if (n == v.name) return &v;
  return nullptr;
}

const BuiltinFunc *find_builtin_func(std::string_view name) {
  for (const auto &f : funcs())
    if (name == f.name) return &f;
  return nullptr;
}

std::vector<std::string> builtin_var_names() {
  std::vector<std::string> out;
  for (const auto &v : vars())
    out.push_back(std::string(v.name) == "arg" ? "arg0" : std::string(v.name) == "sarg" ? "sarg0" : v.name);
  return out;
}

std::vector<std::string> builtin_func_names() {
  std::vector<std::string> out;
  for (const auto &f : funcs()) out.push_back(f.name);
  return out;
}

}  // namespace probe
