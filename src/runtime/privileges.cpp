#include "runtime/privileges.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/errors.h"

namespace probe {

namespace {

constexpr int kCapSysAdmin = 21;
constexpr int kCapPerfmon = 38;
constexpr int kCapBpf = 39;

// Reads the effective capability set (64 bits) via capget(2).
bool effective_caps(uint64_t *caps) {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &hdr, data) != 0) return false;
  *caps = uint64_t(data[0].effective) | (uint64_t(data[1].effective) << 32);
  return true;
}

bool has(uint64_t caps, int cap) { return (caps >> cap) & 1; }

}  // namespace

Error privilege_error(const std::string &what, int err) {
  return sys_error(what + ": probe needs root (CAP_BPF and CAP_PERFMON)", err,
                   "run probe as root, e.g. with sudo");
}

Error denied_error(const std::string &what, int err) {
  uint64_t caps = 0;
  if (!check_privileges().ok()) return privilege_error(what, err);
  if (effective_caps(&caps) && !has(caps, kCapSysAdmin))
    return sys_error(what, err,
                     "probe has CAP_BPF and CAP_PERFMON but not CAP_SYS_ADMIN, which this kernel also wants for "
                     "it: run probe as full root");
  return sys_error(what, err, resource_hint(err));  // every capability: a policy said no
}

Status check_privileges() {
  uint64_t caps = 0;
  if (!effective_caps(&caps)) {
    if (geteuid() == 0) return Ok{};
  } else if (has(caps, kCapSysAdmin) || (has(caps, kCapBpf) && has(caps, kCapPerfmon))) {
    return Ok{};
  }
  return make_error("probe needs root (CAP_BPF and CAP_PERFMON) to load and attach BPF programs",
                    EPERM, "run probe as root, e.g. with sudo");
}

}  // namespace probe
