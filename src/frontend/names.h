// The chained name environment, as the frontend sees it. The parser asks it
// whether an identifier names a type (so `(pid_t)x` is a cast and `(x)` is
// not) and expands macros through it; sema resolves types and constants
// through its links, first match wins:
//   script definitions (struct/union/enum/typedef written in the program)
//   -> #define macros (the script's and its #included headers')
//   -> C declarations from #included headers
//   -> BTF of vmlinux and kernel modules (/sys/kernel/btf/*)
//   -> installed UAPI and libc headers (constants only, as a last resort)
// The frontend declares the interface; the link to BTF lives in the
// compiler layer (frontend/sema/type_env.h), so the frontend needs no libbpf.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "frontend/location.h"

namespace probe {

// One #define: object-like (`#define N 4`) or function-like
// (`#define MAX(a, b) ((a) > (b) ? (a) : (b))`), body kept as written.
struct Macro {
  std::string name;
  bool function_like = false;
  std::vector<std::string> params;  // parameter names of a function-like macro
  bool variadic = false;            // `...` last: __VA_ARGS__ in the body
  std::string body;                 // replacement text, continuation lines joined
  std::string file;                 // where it was defined: the script's name or a header path
  Loc loc;                          // its #define line in that file
};

// Every macro visible at the end of preprocessing, by name.
using MacroTable = std::map<std::string, Macro>;

// What the parser asks while it reads the program.
class NameEnv {
 public:
  virtual ~NameEnv() = default;
  // True when name is a typedef or a C type name usable alone in a cast
  // (`pid_t`, `__kernel_pid_t`, a script typedef); builtin C keywords such
  // as `int` are the scanner's own business.
  virtual bool is_type_name(const std::string &name) = 0;
  // The macro called name, or null: the scanner expands it in place.
  virtual const Macro *macro(const std::string &name) = 0;
  // Records the C declarations a program writes at its top level
  // (`struct Foo { int a; };`, `typedef ...;`); text starts at `at`.
  // Errors are reported in diags; later names see the new types at once.
  virtual void declare(const std::string &text, const Loc &at) = 0;
};

}  // namespace probe
