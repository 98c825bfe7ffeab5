// The -c command: forked before compiling and held before exec so probes
// are attached before it runs its first instruction.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "util/result.h"

namespace probe {

// A child process blocked before exec until release(); killed and reaped on destruction.
class ChildProcess {
 public:
  // Forks a child that waits on a pipe, then execs cmd (split into words,
  // or via /bin/sh -c when it uses shell syntax).
  static Result<ChildProcess> spawn_held(const std::string &cmd);

  ChildProcess(ChildProcess &&o) noexcept;
  ChildProcess &operator=(ChildProcess &&o) noexcept;
  ChildProcess(const ChildProcess &) = delete;
  ChildProcess &operator=(const ChildProcess &) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // The program the child will exec (what /proc/self/exe means for -c).
  const std::string &exe_path() const { return exe_; }
  // Lets the child exec; fails (and the child exits 127) when exec fails.
  Status release();
  // Non-blocking: true once the child has exited (and is reaped).
  bool exited();
  // Blocks until the child exits; returns its exit code (128+sig when killed).
  int wait();
  // The exit code once exited(), else -1.
  int exit_code() const { return exit_code_; }

  // Ok when exec would run path: it exists, is a regular executable file,
  // and is ELF or a script whose #! interpreter passes the same check.
  static Status check_executable(const std::string &path);

  // Splits cmd into words honouring quotes and backslashes (exposed for tests).
  static std::vector<std::string> split_words(const std::string &cmd);

 private:
  ChildProcess() = default;
  void record_status(int status);
  pid_t pid_ = -1;
  int release_fd_ = -1;  // write end of the hold pipe
  int status_fd_ = -1;   // read end of the exec status pipe (CLOEXEC in the child)
  std::string exe_;
  bool reaped_ = false;
  int exit_code_ = -1;
};

}  // namespace probe
