#include "probes/kernel_funcs.h"

#include <algorithm>

#include "runtime/ksyms.h"

namespace probe {

namespace {

void report(Diagnostics &diags, const ast::AttachPoint &ap, const Error &e) {
  diags.error(ap.loc, e.message);
  if (!e.hint.empty()) diags.hint(e.hint);
}

}  // namespace

std::optional<uint64_t> kernel_symbol_address(const std::string &name) { return kallsyms_address(name); }

bool check_kernel_func(const ast::AttachPoint &ap, const std::string &type, const std::string &fn,
                       Diagnostics &diags) {
  std::string why;
  if (kprobe_denied(fn, &why)) {
    diags.error(ap.loc, "kernel function '" + fn + "' cannot be probed: " + why);
    return false;
  }
  auto all = traceable_functions(fn);
  // Without a list to check against, let the kernel decide at attach time.
  if (!all) return true;
  if (std::find(all->begin(), all->end(), fn) == all->end()) {
    if (!kallsyms_address(fn)) {
      diags.error(ap.loc, "kernel function '" + fn + "' does not exist in this kernel");
      diags.hint("it may be renamed or compiled out here; list candidates with `probe -l '" + type + ":" +
                 fn.substr(0, std::min<size_t>(fn.size(), 4)) + "*'`");
      return false;
    }
    diags.error(ap.loc, "kernel function '" + fn + "' is not traceable");
    diags.hint("it does not exist, was inlined, or is marked notrace; list candidates with `probe -l '" +
               type + ":" + fn.substr(0, std::min<size_t>(fn.size(), 4)) + "*'`");
    return false;
  }
  return true;
}

std::optional<std::vector<std::string>> match_kernel_funcs(const ast::AttachPoint &ap,
                                                           const std::string &type,
                                                           const std::string &glob,
                                                           Diagnostics &diags) {
  auto all = traceable_functions(glob);
  if (!all) {
    report(diags, ap, all.error());
    return std::nullopt;
  }
  std::vector<std::string> out;
  size_t denied = 0;
  for (auto &f : *all) {
    if (kprobe_denied(f, nullptr)) {
      denied++;
      continue;
    }
    out.push_back(f);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.empty()) {
    diags.error(ap.loc, "no traceable kernel function matches '" + glob + "'" +
                            (denied ? " (" + std::to_string(denied) + " matching ones are denied)" : ""));
    diags.hint("list them with `probe -l '" + type + ":" + glob + "'`");
    return std::nullopt;
  }
  return out;
}

}  // namespace probe
