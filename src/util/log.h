// The one logger: libbpf's messages, verbose traces and warnings go through it
// so that -v decides what users see.
#pragma once

#include <cstdarg>
#include <string>

namespace probe {

enum class LogLevel { Error = 0, Warning = 1, Info = 2, Debug = 3 };

// Process-wide sink for log lines; its level comes from Config at start-up.
class Logger {
 public:
  static Logger &get();
  void set_level(LogLevel l) { level_ = l; }
  LogLevel level() const { return level_; }
  bool enabled(LogLevel l) const { return static_cast<int>(l) <= static_cast<int>(level_); }
  // printf-style message at level l, written to stderr when enabled.
  void log(LogLevel l, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
  void vlog(LogLevel l, const char *fmt, va_list ap);

 private:
  LogLevel level_ = LogLevel::Warning;
};

}  // namespace probe

#define PROBE_LOG(level, ...) ::probe::Logger::get().log(::probe::LogLevel::level, __VA_ARGS__)
