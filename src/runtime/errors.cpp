#include "runtime/errors.h"

#include <cstring>

namespace probe {

std::string errno_text(int err) {
  if (err == 0) return "";
  char buf[256];
  // GNU strerror_r returns the message pointer (possibly not buf).
  return strerror_r(err, buf, sizeof buf);
}

Error sys_error(const std::string &what, int err, std::string hint) {
  std::string msg = what;
  if (err) msg += ": " + errno_text(err);
  return make_error(std::move(msg), err, std::move(hint));
}

void report_error(std::FILE *out, const Error &e) {
  std::fprintf(out, "probe: error: %s\n", e.message.c_str());
  if (!e.hint.empty()) std::fprintf(out, "hint: %s\n", e.hint.c_str());
  std::fflush(out);
}

}  // namespace probe
