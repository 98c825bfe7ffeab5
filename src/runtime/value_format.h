// Renders decoded values (map keys/values, print() arguments) the way
// bpftrace shows them, as text or JSON.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "frontend/types.h"

namespace probe {

// Names kernel addresses and stacks while values are printed; supplied by
// the session (kallsyms, the stack-trace map). Without it they print as hex.
struct ValueContext {
  std::function<std::string(uint64_t addr)> ksym;                   // exact symbol
  std::function<std::vector<std::string>(int64_t stack_id)> kstack;  // frames, innermost first
};

// bpftrace text form: ints decimal, strings raw, tuples "(1, abc)", pointers "0x...".
// data holds the value in its storage layout (see storage_size).
std::string format_value(const Type &t, const uint8_t *data, const ValueContext *ctx = nullptr);

// A map key's text form (in `@m[...]` and JSON keys): as format_value, but
// structs print without spaces, as bpftrace: {.a=1,.b=2}.
std::string format_key(const Type &t, const uint8_t *data, const ValueContext *ctx = nullptr);

// JSON form: ints as numbers, strings quoted, tuples and arrays as lists.
std::string format_value_json(const Type &t, const uint8_t *data, const ValueContext *ctx = nullptr);

// Quotes and escapes s as a JSON string; the one quoting function for every
// JSON string (keys, values, printf data, map names). The result is always
// valid UTF-8: control characters become \n, \r, \t or \u00XX, valid UTF-8
// passes through, and each byte that is not part of valid UTF-8 becomes the
// visible text \xNN (JSON "\\xNN"), e.g. a comm of "a\xffb" -> "a\\xffb".
std::string json_quote(const std::string &s);

// strftime(fmt) of the local time ns_since_boot (CLOCK_MONOTONIC, as
// bpf_ktime_get_ns) stands for; %f is the microseconds (6 digits).
std::string format_timestamp(const std::string &fmt, uint64_t ns_since_boot);

// strftime(fmt) of a wall-clock time (seconds and microseconds); %f as above.
std::string format_wall_time(const std::string &fmt, int64_t sec, long usec);

// The text of a Type::formatted value (`how` is its name: strerror,
// username, macaddr, cgroup_path[:FILTER]) stored at p (8 bytes).
std::string formatted_text(const std::string &how, const uint8_t *p);

// Reads an integer value of type t (8-byte storage unless packed) as 64 bits, sign-extended.
int64_t read_int_value(const Type &t, const uint8_t *data, bool packed = false);

}  // namespace probe
