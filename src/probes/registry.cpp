#include <algorithm>

#include "probes/provider.h"
#include "probes/providers.h"

namespace probe {

namespace {

const std::vector<const ProbeProvider *> &all_providers() {
  static const std::vector<const ProbeProvider *> list = {
      begin_provider(), end_provider(), uprobe_provider(), uretprobe_provider(),
      tracepoint_provider(), kprobe_provider(), kretprobe_provider(), fentry_provider(),
      fexit_provider(), rawtracepoint_provider(), interval_provider(), profile_provider(),
      software_provider(),
  };
  return list;
}

}  // namespace

const ProbeProvider *find_provider(std::string_view name) {
  for (const auto *p : all_providers()) {
    if (p->name() == name) return p;
    auto al = p->aliases();
    if (std::find(al.begin(), al.end(), name) != al.end()) return p;
  }
  return nullptr;
}

std::vector<std::string_view> provider_names() {
  std::vector<std::string_view> names;
  for (const auto *p : all_providers()) names.push_back(p->name());
  return names;
}

std::vector<std::string> split_attach_point(const std::string &raw) {
  std::vector<std::string> parts;
  std::string cur;
  bool quoted = false;
  for (char c : raw) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ':' && !quoted) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

bool has_wildcard(const std::string &s) { return s.find_first_of("*?[") != std::string::npos; }

}  // namespace probe
