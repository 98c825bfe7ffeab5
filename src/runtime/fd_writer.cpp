#include "runtime/fd_writer.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace probe {

int write_all(int fd, const char *data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n > 0) {
      data += n;
      size -= size_t(n);
      continue;
    }
    if (n == 0) return EIO;  // write(2) of a non-zero count never returns 0 on a healthy fd
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      // An inherited O_NONBLOCK stdout: wait until it drains instead of dropping output.
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, -1) < 0 && errno != EINTR) return errno;
      continue;
    }
    return errno;
  }
  return 0;
}

void FdWriter::write(std::string_view s) {
  if (err_) return;
  buf_.append(s.data(), s.size());
  if (buf_.size() >= kFlushAt || mode_ == Mode::None ||
      (mode_ == Mode::Line && s.find('\n') != std::string_view::npos))
    flush();
}

bool FdWriter::flush() {
  if (!err_ && !buf_.empty()) err_ = write_all(fd_, buf_.data(), buf_.size());
  buf_.clear();
  return err_ == 0;
}

}  // namespace probe
