// The one path by which tracing output reaches stdout: a buffer over a raw
// fd whose writes retry EINTR, short writes and EAGAIN, and whose first
// error is kept for the session to act on (stdio's fwrite drops a whole
// buffer on EINTR and only says so through ferror, which nobody checked).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace probe {

// Buffered, checked writer over one fd it does not own.
class FdWriter {
 public:
  explicit FdWriter(int fd) : fd_(fd) {}
  FdWriter(const FdWriter &) = delete;
  FdWriter &operator=(const FdWriter &) = delete;
  // Flushes what is left; an error here is kept in error() like any other.
  ~FdWriter() { flush(); }

  // When write() itself writes out (-B): Full at kFlushAt, Line at each newline, None at once.
  enum class Mode { Full, Line, None };
  void set_mode(Mode m) { mode_ = m; }
  Mode mode() const { return mode_; }

  // Appends s; writes out as the mode says (and once past kFlushAt). Dropped after an error.
  void write(std::string_view s);
  // Writes every buffered byte; false once any write has failed.
  bool flush();
  // 0, or the errno of the first failed write (EPIPE: the reader went away).
  int error() const { return err_; }
  int fd() const { return fd_; }

  // Buffered bytes above which write() flushes (events also flush per poll).
  static constexpr size_t kFlushAt = 64 * 1024;

 private:
  int fd_;
  int err_ = 0;
  Mode mode_ = Mode::Full;
  std::string buf_;
};

// Writes all of data to fd (EINTR, short writes and EAGAIN retried); 0 or errno.
int write_all(int fd, const char *data, size_t size);

}  // namespace probe
