#include "util/log.h"

#include <cstdio>

namespace probe {

Logger &Logger::get() {
  static Logger logger;
  return logger;
}

void Logger::log(LogLevel l, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(l, fmt, ap);
  va_end(ap);
}

void Logger::vlog(LogLevel l, const char *fmt, va_list ap) {
  if (!enabled(l)) return;
  static const char *names[] = {"error", "warning", "info", "debug"};
  std::fprintf(stderr, "probe: %s: ", names[static_cast<int>(l)]);
  std::vfprintf(stderr, fmt, ap);
  size_t n = std::string(fmt).size();
  if (n == 0 || fmt[n - 1] != '\n') std::fputc('\n', stderr);
}

}  // namespace probe
