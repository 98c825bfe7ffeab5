// Shared helpers for building and reporting runtime errors.
#pragma once

#include <cstdio>
#include <string>

#include "util/result.h"

namespace probe {

// The kernel's ENOTSUPP, which userspace's errno.h lacks (strerror: "Unknown error 524").
constexpr int kENOTSUPP = 524;

// The exit status once stdout could not be written: a reader that went away
// (EPIPE) ends quietly with 128+SIGPIPE, like `yes | head`; any other error
// (a full disk; 0 when only ferror knows) is reported and exits 1.
int write_failure_status(int err);

// strerror(err) without the thread-safety caveats; "" for 0.
std::string errno_text(int err);

// Error for a failed system call: "<what>: <strerror>" with errno and hint.
Error sys_error(const std::string &what, int err, std::string hint = "");

// A hint for an errno that means the kernel ran out of something or a
// policy refused (ENOMEM, E2BIG, EMFILE, ENOSPC, EPERM as root...); "" otherwise.
std::string resource_hint(int err);

// Writes "probe: error: <message>" and, if any, "hint: <hint>" lines to out.
void report_error(std::FILE *out, const Error &e);

}  // namespace probe
