// Output's events that act in user space: time(), join(), cat(), system().
#include <fcntl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "runtime/errors.h"
#include "runtime/output.h"
#include "util/log.h"

namespace probe {

namespace {

// Reads up to max bytes of path; false with errno set on failure.
bool read_file_prefix(const std::string &path, size_t max, std::string *out) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  char buf[4096];
  while (out->size() < max) {
    ssize_t n = read(fd, buf, std::min(sizeof buf, max - out->size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      close(fd);
      errno = e;
      return false;
    }
    if (n == 0) break;
    out->append(buf, size_t(n));
  }
  close(fd);
  return true;
}

// Splits a command line on blanks into an argv (no quoting, no shell).
// The one exception is a shell the user asks for: "sh -c SCRIPT" (also
// bash, dash, /bin/sh...) passes the rest of the line as one SCRIPT
// argument, without one pair of enclosing quotes.
std::vector<std::string> split_words(const std::string &cmd) {
  std::vector<std::string> words;
  std::istringstream in(cmd);
  for (std::string w; in >> w;) {
    words.push_back(w);
    if (words.size() != 2 || w != "-c") continue;
    std::string shell = words[0].substr(words[0].rfind('/') + 1);
    if (shell != "sh" && shell != "bash" && shell != "dash") continue;
    std::string rest;
    std::getline(in, rest, '\0');
    size_t b = rest.find_first_not_of(" \t\n"), e = rest.find_last_not_of(" \t\n");
    rest = b == std::string::npos ? "" : rest.substr(b, e - b + 1);
    if (rest.size() >= 2 && (rest[0] == '\'' || rest[0] == '"') && rest.back() == rest[0])
      rest = rest.substr(1, rest.size() - 2);
    if (!rest.empty()) words.push_back(rest);
    break;
  }
  return words;
}

// Runs argv (PATH searched, no shell) and returns what it wrote to stdout;
// its stderr stays ours. Errors are reported on stderr.
std::string run_command(const std::vector<std::string> &words) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    report_error(stderr, sys_error("system(): cannot create a pipe", errno));
    return "";
  }
  pid_t pid = fork();
  if (pid < 0) {
    report_error(stderr, sys_error("system(): cannot fork", errno));
    close(fds[0]);
    close(fds[1]);
    return "";
  }
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);  // dup2 clears O_CLOEXEC on the copy
    std::vector<char *> argv;
    for (const auto &w : words) argv.push_back(const_cast<char *>(w.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "probe: error: system(): cannot run '%s': %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, size_t(n));
  }
  close(fds[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return out;
}

}  // namespace

void Output::time_event(const PrintfSpec &spec) {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  write_typed("time", format_wall_time(spec.format, tv.tv_sec, tv.tv_usec));
}

void Output::join_event(const PrintfSpec &spec, const uint8_t *payload, size_t size) {
  if (size < 8 || spec.slot_size == 0) return;
  uint64_t n = 0;
  std::memcpy(&n, payload, sizeof n);
  std::string text;
  for (uint64_t i = 0; i < n && 8 + (i + 1) * spec.slot_size <= size; i++) {
    const char *s = reinterpret_cast<const char *>(payload + 8 + i * spec.slot_size);
    if (i) text += spec.format;
    text.append(s, strnlen(s, spec.slot_size));
  }
  write_typed("join", format_ == OutputFormat::Json ? text : text + "\n");
}

void Output::cat_event(const PrintfSpec &spec, const uint8_t *payload, size_t size) {
  std::string path;
  if (!render_format(spec, payload, size, &path)) return;
  std::string content;
  if (!read_file_prefix(path, cat_bytes_max_, &content)) {
    int err = errno;
    out_.flush();  // keep stdout and stderr in order on a terminal
    std::fprintf(stderr, "probe: error: cat(): failed to open file '%s': %s\n", path.c_str(), std::strerror(err));
    if (format_ == OutputFormat::Json) write_typed("cat", "");  // bpftrace 0.17 prints an empty cat there
    return;
  }
  write_typed("cat", content);
}

void Output::system_event(const PrintfSpec &spec, const uint8_t *payload, size_t size) {
  std::string cmd;
  if (!render_format(spec, payload, size, &cmd)) return;
  auto words = split_words(cmd);
  if (words.empty()) return;
  out_.flush();  // what we printed before comes first
  write_typed("syscall", run_command(words));
}

}  // namespace probe
