// `probe -l [PATTERN]` and `probe -lv`: lists attach points, one per line,
// like bpftrace's -l.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config.h"
#include "frontend/sema/btf_types.h"

namespace probe {

// Prints the attach points matching the shell glob `pattern` (over the
// whole "type:target" string; empty lists tracepoints, rawtracepoints,
// kprobes, software events and fentry functions). verbose adds each probe's
// arguments as "    TYPE NAME" lines. Returns the process exit status.
int list_probes(const std::string &pattern, bool verbose, const Config &cfg);

// --- pure helpers, exposed for tests ---

// The software events, canonical name first and an alias or "" second.
const std::vector<std::pair<std::string, std::string>> &software_event_names();

// C spelling of a BTF-derived type: "struct file *", "char *", "ssize_t", "char[16]".
std::string c_type_name(const Type &t);

// "    TYPE NAME" lines for a prototype; fentry adds "    RET retval" when
// the function returns a value.
std::vector<std::string> proto_lines(const FuncProto &p, bool with_retval);

// "    DECL" lines for a tracepoint format file's fields, common_* skipped:
// "    int __syscall_nr", "    const char * filename".
std::vector<std::string> tracepoint_field_lines(const std::string &format_text);

// Rewrites a pattern's probe-type alias to the canonical name
// ("t:syscalls:*" -> "tracepoint:syscalls:*"); other patterns unchanged.
std::string canonical_pattern(const std::string &pattern);

}  // namespace probe
