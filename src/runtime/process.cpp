#include "runtime/process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <sstream>
#include <thread>
#include <utility>

#include "runtime/errors.h"

namespace probe {

namespace {

bool uses_shell_syntax(const std::string &cmd) {
  return cmd.find_first_of("|&;<>()$`*?[]{}~#\n") != std::string::npos;
}

// The executable execvp would run for name.
std::string find_program(const std::string &name) {
  auto canonical = [](const std::string &p) {
    char buf[PATH_MAX];
    return realpath(p.c_str(), buf) ? std::string(buf) : p;
  };
  if (name.find('/') != std::string::npos) return canonical(name);
  const char *env = getenv("PATH");
  std::istringstream dirs(env ? env : "/usr/local/bin:/usr/bin:/bin");
  for (std::string d; std::getline(dirs, d, ':');) {
    std::string p = (d.empty() ? "." : d) + "/" + name;
    struct stat st;
    if (stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0)
      return canonical(p);
  }
  return "";
}

// In the child: waits for the go byte, then execs; never returns.
[[noreturn]] void child_main(int hold_fd, const std::vector<std::string> &argv, pid_t parent) {
  // Die with probe however it ends (SIGKILL included); the flag survives exec.
  // If probe died before prctl took effect we were reparented: go now.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(127);
  char c;
  ssize_t n;
  do n = read(hold_fd, &c, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) _exit(127);  // probe gave up before releasing us
  close(hold_fd);
  std::vector<char *> args;
  for (const auto &a : argv) args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  std::fprintf(stderr, "probe: error: cannot run '%s': %s\n", args[0], errno_text(errno).c_str());
  _exit(127);
}

}  // namespace

std::vector<std::string> ChildProcess::split_words(const std::string &cmd) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < cmd.size(); i++) {
    char c = cmd[i];
    if (quote) {
      if (c == quote) quote = 0;
      else if (c == '\\' && quote == '"' && i + 1 < cmd.size()) cur += cmd[++i];
      else cur += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < cmd.size()) {
      cur += cmd[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(cur);
  return words;
}

Result<ChildProcess> ChildProcess::spawn_held(const std::string &cmd) {
  std::vector<std::string> argv;
  if (uses_shell_syntax(cmd)) argv = {"/bin/sh", "-c", cmd};
  else argv = split_words(cmd);
  if (argv.empty()) return make_error("the -c command is empty", EINVAL);
  std::string exe = find_program(argv[0]);
  if (exe.empty())
    return make_error("cannot find command '" + argv[0] + "'", ENOENT, "check the -c command and $PATH");
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return sys_error("cannot create a pipe for the -c command", errno);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(fds[0]);
    close(fds[1]);
    return sys_error("cannot fork the -c command", err);
  }
  if (pid == 0) {
    close(fds[1]);
    child_main(fds[0], argv, parent);
  }
  close(fds[0]);
  ChildProcess p;
  p.pid_ = pid;
  p.release_fd_ = fds[1];
  p.exe_ = exe;
  return p;
}

ChildProcess::ChildProcess(ChildProcess &&o) noexcept
    : pid_(o.pid_), release_fd_(o.release_fd_), exe_(std::move(o.exe_)), reaped_(o.reaped_),
      exit_code_(o.exit_code_) {
  o.pid_ = -1;
  o.release_fd_ = -1;
}

ChildProcess &ChildProcess::operator=(ChildProcess &&o) noexcept {
  if (this != &o) {
    ChildProcess old(std::move(*this));  // cleaned up when it goes out of scope
    pid_ = std::exchange(o.pid_, -1);
    release_fd_ = std::exchange(o.release_fd_, -1);
    exe_ = std::move(o.exe_);
    reaped_ = o.reaped_;
    exit_code_ = o.exit_code_;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (release_fd_ >= 0) close(release_fd_);  // an unreleased child sees EOF and exits
  if (pid_ <= 0 || reaped_) return;
  if (!exited()) {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 50 && !exited(); i++) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!reaped_) {
      kill(pid_, SIGKILL);
      wait();
    }
  }
}

Status ChildProcess::release() {
  if (release_fd_ < 0) return make_error("the -c command was already released");
  char go = 'g';
  ssize_t n;
  do n = write(release_fd_, &go, 1);
  while (n < 0 && errno == EINTR);
  int err = errno;
  close(release_fd_);
  release_fd_ = -1;
  if (n != 1) return sys_error("cannot start the -c command", err);
  return Ok{};
}

void ChildProcess::record_status(int status) {
  reaped_ = true;
  if (WIFEXITED(status)) exit_code_ = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) exit_code_ = 128 + WTERMSIG(status);
}

bool ChildProcess::exited() {
  if (reaped_) return true;
  if (pid_ <= 0) return true;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) record_status(status);
  else if (r < 0 && errno == ECHILD) reaped_ = true;
  return reaped_;
}

int ChildProcess::wait() {
  while (!reaped_ && pid_ > 0) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, 0);
    if (r == pid_) record_status(status);
    else if (r < 0 && errno != EINTR) reaped_ = true;
  }
  return exit_code_;
}

}  // namespace probe
