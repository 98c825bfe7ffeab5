// The preprocessor: its own pass, source to source. It runs the script's
// directives (#include, #define, #undef, #if/#ifdef/#ifndef/#elif/#else/
// #endif, #error, #pragma ignored) and returns the script with every
// directive line and every line of a skipped conditional section blanked,
// so lines and columns are unchanged and diagnostics still point into the
// user's file. Macros are not expanded in the text: the scanner expands
// them token by token (frontend/names.h), so an expansion keeps the
// location of the name it replaced. Included headers are preprocessed
// recursively; their C declarations (macros expanded) are returned for
// the declaration parser, their macros join the table.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "frontend/diagnostics.h"
#include "frontend/names.h"

namespace probe {

// Where headers are searched and what is predefined.
struct PreprocessOptions {
  std::vector<std::string> include_dirs;   // -I DIR, searched first, in order
  std::vector<std::string> include_files;  // --include FILE, included before the script
  std::string script_dir;                  // directory of the script file ("" for -e)
  // Searched after include_dirs for <...> (and "..." after script_dir):
  // /usr/include/x86_64-linux-gnu, /usr/include, the kernel headers
  // directory when one is installed (/lib/modules/$(uname -r)/build/include...).
  std::vector<std::string> system_dirs;
  bool have_btf = true;  // BPFTRACE_HAVE_BTF is defined; missing kernel <linux/...>, <net/...> headers are skipped
  bool verbose = false;  // -v: note each header skipped
};

// The default system search directories on this machine, in order.
std::vector<std::string> default_system_include_dirs();

// A header's contribution: its C text after preprocessing (directives
// removed, macros expanded), for the declaration parser in tolerant mode.
struct HeaderText {
  std::string path;  // the file read
  std::string text;
};

// What preprocessing a script yields.
struct Preprocessed {
  std::string text;                 // the script, directives and skipped lines blanked
  MacroTable macros;                // every macro defined at the end
  std::vector<HeaderText> headers;  // included headers' C declarations, in include order
  std::vector<std::string> notes;   // "-v" notes: headers skipped and why
};

// Preprocesses src. Errors (a missing "..." header, #error, an unterminated
// #if, a bad #if expression, include nesting deeper than 64) are reported in
// diags at the script location of the directive that caused them.
Preprocessed preprocess(const SourceFile &src, const PreprocessOptions &opts, Diagnostics &diags);

// Expands macros in text with the table, as cpp would (function-like macros,
// # and ##, no recursion into a macro being expanded). For header bodies
// and for constants. A runaway expansion (see try_expand_macros) leaves
// text unchanged.
std::string expand_macros(const std::string &text, const MacroTable &macros);

// Same, but nullopt when the expansion exceeds the limits (256K tokens of
// output or two million steps): a macro set that expands
// exponentially is an error, not a hang.
std::optional<std::string> try_expand_macros(const std::string &text, const MacroTable &macros);

// Evaluates a C integer constant expression (after expand_macros): integer
// and character literals with suffixes, casts to integer types, sizeof of
// basic types, all C operators; unknown identifiers are an error (nullopt),
// not 0 as in #if. Used for macro constants (`#define FLAG (1 << 3)`).
std::optional<int64_t> eval_constant_expr(const std::string &text);

// The value of object-like macro `name` as an integer constant, or nullopt
// if it is not defined or does not fold to one.
std::optional<int64_t> macro_constant(const MacroTable &macros, const std::string &name);

// Constants the kernel headers would give a script (AF_INET, EPERM, DT_REG,
// ICMP_ECHO, O_RDONLY, SIGKILL, ...) when they are defined nowhere else:
// taken from the installed UAPI and libc headers (linux-libc-dev,
// libc6-dev), which are preprocessed once, on the first lookup.
class SystemConstants {
 public:
  explicit SystemConstants(std::vector<std::string> system_dirs);
  ~SystemConstants();
  // The constant's value, and the header that defines it, or nullopt.
  std::optional<std::pair<int64_t, std::string>> lookup(const std::string &name);

 private:
  struct State;
  std::vector<std::string> dirs_;
  std::unique_ptr<State> state_;  // built on the first lookup
};

}  // namespace probe
