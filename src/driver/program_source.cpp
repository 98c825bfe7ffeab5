#include "driver/program_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/errors.h"

namespace probe {

namespace {

// "1 MiB" or "4096 bytes".
std::string size_text(size_t n) {
  return n >= (size_t(1) << 20) && n % (size_t(1) << 20) == 0 ? std::to_string(n >> 20) + " MiB"
                                                              : std::to_string(n) + " bytes";
}

// Reads fd to EOF, failing as soon as more than max bytes arrive; what names it in errors.
Result<std::string> read_bounded(int fd, const std::string &what, size_t max) {
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("cannot read " + what, errno);
    if (n == 0) return text;
    if (text.size() + size_t(n) > max)
      return make_error(what + " is larger than the limit of " + size_text(max), EFBIG,
                        "a probe program is text of at most a few thousand lines");
    text.append(buf, size_t(n));
  }
}

}  // namespace

Result<std::string> read_program_file(const std::string &path, size_t max_bytes) {
  if (path == "-") return read_bounded(STDIN_FILENO, "the program on standard input", max_bytes);
  // stat before open: opening a device can block or have effects.
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return sys_error("cannot read program file '" + path + "'", errno);
  int fd = -1;
  if (!S_ISDIR(st.st_mode) && !S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) {
    // O_NONBLOCK: opening a FIFO nobody writes to would block forever.
    fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return sys_error("cannot read program file '" + path + "'", errno);
    if (fstat(fd, &st) != 0) {  // the file opened, not whatever the name meant before
      int err = errno;
      close(fd);
      return sys_error("cannot read program file '" + path + "'", err);
    }
  }
  std::string why;
  if (S_ISDIR(st.st_mode)) why = "is a directory";
  else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) why = "is a device, not a file";
  else if (S_ISREG(st.st_mode) && size_t(st.st_size) > max_bytes)
    why = "is larger than the limit of " + size_text(max_bytes);
  if (!why.empty()) {
    if (fd >= 0) close(fd);
    return make_error("program file '" + path + "' " + why, S_ISDIR(st.st_mode) ? EISDIR : EINVAL,
                      "give the file that holds the program, or the program itself with -e");
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);  // a pipe with a writer: wait for all of it
  auto text = read_bounded(fd, "program file '" + path + "'", max_bytes);
  close(fd);
  if (text && text->empty() && S_ISFIFO(st.st_mode))
    return make_error("program file '" + path + "' is a pipe with nothing written to it", ENODATA,
                      "write the program into it before starting probe, or use -e or a file");
  return text;
}

}  // namespace probe
