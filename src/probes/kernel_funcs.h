// Kernel function targets shared by kprobe and fentry: traceability and
// deny-list checks for one function, wildcard expansion for many.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "frontend/ast.h"
#include "frontend/diagnostics.h"

namespace probe {

// Checks that fn can be probed (traceable, not denied); reports to diags at
// ap.loc and returns false when not. `type` is the probe type for messages.
bool check_kernel_func(const ast::AttachPoint &ap, const std::string &type, const std::string &fn,
                       Diagnostics &diags);

// The address of a kernel symbol in /proc/kallsyms (nullopt: not there; 0:
// addresses hidden), for builtins (kaddr), which do not see the runtime.
std::optional<uint64_t> kernel_symbol_address(const std::string &name);

// Traceable, not denied kernel functions matching glob, sorted and unique;
// nullopt (after reporting) when the list is unavailable or nothing matches.
std::optional<std::vector<std::string>> match_kernel_funcs(const ast::AttachPoint &ap,
                                                           const std::string &type,
                                                           const std::string &glob,
                                                           Diagnostics &diags);

}  // namespace probe
