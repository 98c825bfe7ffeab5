#include "runtime/process.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <thread>
#include <utility>

#include "runtime/errors.h"

namespace probe {

namespace {

bool uses_shell_syntax(const std::string &cmd) {
  return cmd.find_first_of("|&;<>()$`*?[]{}~#\n") != std::string::npos;
}

// The path execvp would run for name: name itself when it has a slash,
// else the first executable match in $PATH ("" when none).
std::string search_path(const std::string &name) {
  if (name.find('/') != std::string::npos) return name;
  const char *env = getenv("PATH");
  std::istringstream dirs(env ? env : "/usr/local/bin:/usr/bin:/bin");
  for (std::string d; std::getline(dirs, d, ':');) {
    std::string p = (d.empty() ? "." : d) + "/" + name;
    struct stat st;
    if (stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

// The canonical file behind path (what uprobes on /proc/self/exe attach to); path when it does not exist.
std::string canonical(const std::string &path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) ? std::string(buf) : path;
}

// Whether binfmt_misc has handlers registered: then files that are neither
// ELF nor #! scripts may still be executable (qemu-user, wine, jar).
bool binfmt_misc_in_use() {
  DIR *d = opendir("/proc/sys/fs/binfmt_misc");
  if (!d) return false;
  bool any = false;
  while (dirent *e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != ".." && n != "register" && n != "status") any = true;
  }
  closedir(d);
  return any;
}

// The first bytes of path ("" when it cannot be read, which exec may still allow).
std::string file_head(const std::string &path, size_t n) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return "";
  std::string buf(n, '\0');
  ssize_t got;
  do got = read(fd, buf.data(), n);
  while (got < 0 && errno == EINTR);
  close(fd);
  buf.resize(got > 0 ? size_t(got) : 0);
  return buf;
}

// The interpreter named by a "#!" line ("" when there is none).
std::string shebang_interpreter(const std::string &head) {
  size_t b = head.find_first_not_of(" \t", 2);
  if (b == std::string::npos) return "";
  size_t e = head.find_first_of(" \t\n", b);
  return head.substr(b, e == std::string::npos ? std::string::npos : e - b);
}

// Whether exec would run path (shown in messages as `shown`); depth counts
// #! interpreters, which may be scripts themselves (up to the kernel's 4).
Status check_executable_at(const std::string &shown, const std::string &path, int depth) {
  auto fail = [&](const std::string &why, int err, std::string hint = "") {
    return make_error("cannot run '" + shown + "': " + why, err, std::move(hint));
  };
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    int err = errno;
    if (depth > 0) return fail("its #! interpreter '" + path + "': " + errno_text(err), err);
    return fail(errno_text(err), err, "check the -c command and $PATH");
  }
  std::string what = depth == 0 ? std::string("it") : "its #! interpreter '" + path + "'";
  if (S_ISDIR(st.st_mode)) return fail(what + " is a directory", EISDIR);
  if (!S_ISREG(st.st_mode)) return fail(what + " is not a regular file", EACCES);
  if (access(path.c_str(), X_OK) != 0)
    return fail(what + " is not executable", EACCES, "make it executable (chmod +x), or run it through its interpreter");
  if (binfmt_misc_in_use()) return Ok{};
  std::string head = file_head(path, 256);
  if (head.empty() && st.st_size > 0) return Ok{};  // executable but unreadable: exec decides
  if (head.rfind("\x7f" "ELF", 0) == 0) return Ok{};
  if (head.rfind("#!", 0) == 0) {
    std::string interp = shebang_interpreter(head);
    if (interp.empty()) return fail(what + " has an empty #! line", ENOEXEC);
    if (depth >= 4) return fail("too many levels of #! interpreters", ELOOP);
    return check_executable_at(shown, interp, depth + 1);
  }
  return fail(what + " is neither an ELF executable nor a script with a #! line", ENOEXEC,
              "run it through its interpreter, e.g. -c 'sh " + shown + "'");
}

// The leading word of a shell command when it is a plain path to run
// ("./x args | y" -> "./x"), else "" (builtins, assignments, quoting).
std::string shell_command_path(const std::string &cmd) {
  size_t b = cmd.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = cmd.find_first_of(" \t\n|&;<>()", b);
  std::string w = cmd.substr(b, e == std::string::npos ? std::string::npos : e - b);
  if (w.find('/') == std::string::npos) return "";
  for (char c : w)
    if (!isalnum(static_cast<unsigned char>(c)) && !std::strchr("_./+,-@%:", c)) return "";
  return w;
}

// The -c command's exec status pipe (both ends CLOEXEC): the child writes
// exec's errno, or the pipe closes when exec succeeds. Closes what it owns.
struct StatusPipe {
  int fd[2] = {-1, -1};
  int err = 0;
  StatusPipe() {
    if (pipe2(fd, O_CLOEXEC) != 0) err = errno;
  }
  ~StatusPipe() {
    for (int f : fd)
      if (f >= 0) close(f);
  }
  // The read end, for the parent; closes the write end (the child has its own).
  int take_read_end() {
    close(std::exchange(fd[1], -1));
    return std::exchange(fd[0], -1);
  }
};

// In the child: waits for the go byte, then execs; never returns.
[[noreturn]] void child_main(int hold_fd, int status_fd, const std::string &exe,
                             const std::vector<std::string> &argv) {
  char c;
  ssize_t n;
  do n = read(hold_fd, &c, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) _exit(127);  // probe gave up before releasing us
  close(hold_fd);
  std::vector<char *> args;
  for (const auto &a : argv) args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  execv(exe.c_str(), args.data());
  int err = errno;  // the parent reports it (release()); the pipe closes on a good exec
  (void)!write(status_fd, &err, sizeof err);
  _exit(127);
}

}  // namespace

Status ChildProcess::check_executable(const std::string &path) { return check_executable_at(path, path, 0); }

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
  bool shell = uses_shell_syntax(cmd);
  if (shell) argv = {"/bin/sh", "-c", cmd};
  else argv = split_words(cmd);
  if (argv.empty()) return make_error("the -c command is empty", EINVAL);
  // Run as execvp would (a script's $0 is the path as written), but with
  // execv: execvp runs a file that is neither ELF nor #! with sh.
  std::string path = search_path(argv[0]);
  if (path.empty())
    return make_error("cannot find command '" + argv[0] + "'", ENOENT, "check the -c command and $PATH");
  // Refuse what exec would refuse now, before anything is loaded.
  if (auto st = check_executable_at(argv[0], path, 0); !st) return st.error();
  // Under sh -c, the command's own first word when it is a plain path.
  if (std::string first = shell ? shell_command_path(cmd) : ""; !first.empty())
    if (auto st = check_executable_at(first, first, 0); !st) return st.error();
  StatusPipe status;
  if (status.err) return sys_error("cannot create a pipe for the -c command", status.err);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return sys_error("cannot create a pipe for the -c command", errno);
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(fds[0]);
    close(fds[1]);
    return sys_error("cannot fork the -c command", err);
  }
  if (pid == 0) {
    close(fds[1]);
    child_main(fds[0], status.fd[1], path, argv);
  }
  close(fds[0]);
  ChildProcess p;
  p.pid_ = pid;
  p.release_fd_ = fds[1];
  p.status_fd_ = status.take_read_end();
  p.exe_ = canonical(path);
  return p;
}

ChildProcess::ChildProcess(ChildProcess &&o) noexcept
    : pid_(o.pid_), release_fd_(o.release_fd_), status_fd_(o.status_fd_), exe_(std::move(o.exe_)),
      reaped_(o.reaped_), exit_code_(o.exit_code_) {
  o.pid_ = -1;
  o.release_fd_ = -1;
  o.status_fd_ = -1;
}

ChildProcess &ChildProcess::operator=(ChildProcess &&o) noexcept {
  if (this != &o) {
    ChildProcess old(std::move(*this));  // cleaned up when it goes out of scope
    pid_ = std::exchange(o.pid_, -1);
    release_fd_ = std::exchange(o.release_fd_, -1);
    status_fd_ = std::exchange(o.status_fd_, -1);
    exe_ = std::move(o.exe_);
    reaped_ = o.reaped_;
    exit_code_ = o.exit_code_;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (release_fd_ >= 0) close(release_fd_);  // an unreleased child sees EOF and exits
  if (status_fd_ >= 0) close(status_fd_);
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
  // The status pipe closes on a successful exec (CLOEXEC) or carries exec's errno.
  int exec_err = 0;
  do n = read(status_fd_, &exec_err, sizeof exec_err);
  while (n < 0 && errno == EINTR);
  close(status_fd_);
  status_fd_ = -1;
  if (n == sizeof exec_err) return sys_error("cannot run '" + exe_ + "'", exec_err);
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
