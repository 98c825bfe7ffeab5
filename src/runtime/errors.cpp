#include "runtime/errors.h"

#include <cerrno>
#include <csignal>
#include <cstring>

namespace probe {

std::string errno_text(int err) {
  if (err == 0) return "";
  // The kernel's ENOTSUPP (not in userspace's errno.h): e.g. a uprobe on an
  // instruction it cannot single-step; strerror says "Unknown error 524".
  if (err == kENOTSUPP) return "not supported by the kernel (ENOTSUPP)";
  char buf[256];
  // GNU strerror_r returns the message pointer (possibly not buf).
  return strerror_r(err, buf, sizeof buf);
}

int write_failure_status(int err) {
  if (err == EPIPE) return 128 + SIGPIPE;
  report_error(stderr, sys_error("cannot write the output", err, "is the disk or the output device full?"));
  return 1;
}

Error sys_error(const std::string &what, int err, std::string hint) {
  std::string msg = what;
  if (err) msg += ": " + errno_text(err);
  return make_error(std::move(msg), err, std::move(hint));
}

std::string resource_hint(int err) {
  switch (err) {
    case ENOMEM:
      return "the kernel could not allocate memory for it: free some, raise the memory cgroup's limit "
             "(memory.max), or before Linux 5.11 the locked-memory limit (ulimit -l)";
    case E2BIG: return "it is larger than this kernel accepts";
    case EMFILE:
      return "probe ran out of file descriptors (each probe, link and map needs one): raise the limit with "
             "`ulimit -n`";
    case ENFILE: return "the system is out of file descriptors";
    case ENOSPC: return "the kernel has no room left for it (too many BPF objects, probes or events?)";
    case EPERM:
    case EACCES:
      return "probe has the privileges it needs, so a security policy refused: kernel lockdown, an LSM "
             "(SELinux, AppArmor), a seccomp filter or a container runtime";
    case EBUSY: return "the target is busy: another tracer may hold it exclusively";
    default: return "";
  }
}

void report_error(std::FILE *out, const Error &e) {
  std::fprintf(out, "probe: error: %s\n", e.message.c_str());
  if (!e.hint.empty()) std::fprintf(out, "hint: %s\n", e.hint.c_str());
  std::fflush(out);
}

}  // namespace probe
