// Whether this process may load BPF programs and open perf events.
#pragma once

#include "util/result.h"

namespace probe {

// Ok when euid is 0 or CAP_BPF+CAP_PERFMON (or CAP_SYS_ADMIN) are effective.
Status check_privileges();

// The error returned for EPERM/EACCES from the kernel: names the capabilities.
Error privilege_error(const std::string &what, int err);

}  // namespace probe
