// Result<T>: the channel for recoverable system errors (a missing file, an
// errno from the kernel). User mistakes go to Diagnostics instead, and
// broken invariants to PROBE_ASSERT.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace probe {

// A failed operation: what went wrong, the errno if any, and a hint for users.
struct Error {
  std::string message;
  int err = 0;
  std::string hint;
};

// Either a value or an Error; never both.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error e) : v_(std::move(e)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T &value() { return std::get<0>(v_); }
  const T &value() const { return std::get<0>(v_); }
  T &operator*() { return value(); }
  T *operator->() { return &value(); }
  const Error &error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result for operations that produce nothing but can fail.
struct Ok {};
using Status = Result<Ok>;

// Builds an Error from a message and an optional errno (positive).
inline Error make_error(std::string message, int err = 0, std::string hint = "") {
  return Error{std::move(message), err, std::move(hint)};
}

// Aborts with a message: only for broken internal invariants, never user input.
[[noreturn]] inline void invariant_failed(const char *cond, const char *file, int line) {
  std::fprintf(stderr, "probe: internal error: %s (%s:%d)\n", cond, file, line);
  std::abort();
}

}  // namespace probe

#define PROBE_ASSERT(cond) \
  ((cond) ? (void)0 : ::probe::invariant_failed(#cond, __FILE__, __LINE__))
