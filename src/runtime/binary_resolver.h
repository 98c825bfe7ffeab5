// Turns the binary part of a uprobe ("/bin/bash", "bash", "libc") into a file.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace probe {

// The file a uprobe target names: a path (made canonical), a library short
// name ("libc", "libc.so.6") resolved like the dynamic loader (through
// /proc/PID/maps when pid is given, else /etc/ld.so.cache, else the standard
// library directories), or a program found in $PATH.
Result<std::string> resolve_binary(const std::string &target, std::optional<pid_t> pid);

// Whether pid is a kernel thread (PF_KTHREAD in /proc/PID/stat): it has no
// user-space executable, so uprobes cannot trace it.
bool is_kernel_thread(pid_t pid);

// What /proc/self/exe means for -p PID: "/proc/PID/exe" itself (see
// resolve_binary), or "" for a kernel thread. Errors tell a missing process
// from one probe may not inspect (another user's, without root).
Result<std::string> process_exe(pid_t pid);

// Library paths recorded in an ld.so.cache image ("glibc-ld.so.cache1.1")
// whose soname matches name; exposed for tests.
std::vector<std::string> ld_cache_lookup(const std::string &cache_bytes, const std::string &name);

}  // namespace probe
