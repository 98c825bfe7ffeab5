// Whether this process may load BPF programs and open perf events.
#pragma once

#include "util/result.h"

namespace probe {

// Ok when CAP_BPF+CAP_PERFMON (or CAP_SYS_ADMIN) are effective, whatever the
// uid (root in a container may lack them); euid 0 when capget fails.
Status check_privileges();

// The error returned for EPERM/EACCES from the kernel: names the capabilities.
Error privilege_error(const std::string &what, int err);

// The error for EPERM/EACCES from the kernel, by cause: the capabilities
// probe lacks (privilege_error), CAP_SYS_ADMIN that some kernels still want
// (uprobes, tracepoints), or, with every capability, a security policy.
Error denied_error(const std::string &what, int err);

}  // namespace probe
