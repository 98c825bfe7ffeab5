// The chained type and name environment (frontend/names.h describes the
// chain): script definitions -> macros -> included headers' declarations
// -> BTF of the kernel -> installed UAPI/libc headers (constants only).
// One per compilation; the parser and sema both resolve names through it,
// so a name means the same thing in a cast, in sizeof and in a field walk.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "frontend/cdecl.h"
#include "frontend/diagnostics.h"
#include "frontend/names.h"
#include "frontend/preprocess.h"
#include "frontend/sema/btf_types.h"
#include "util/result.h"

namespace probe {

class TypeEnv : public NameEnv {
 public:
  // diags receives errors of the script's own declarations.
  TypeEnv(BtfTypes &btf, Diagnostics &diags, std::vector<std::string> system_dirs);
  ~TypeEnv() override;

  // What the preprocessor pass found: macros and included headers' text.
  void set_preprocessed(MacroTable macros, std::vector<HeaderText> headers);

  // --- NameEnv (the parser) ---
  bool is_type_name(const std::string &name) override;
  const Macro *macro(const std::string &name) override;
  void declare(const std::string &text, const Loc &at) override;

  // --- sema ---
  // A C type by name, without pointer stars: "struct Foo", "union U",
  // "enum E", a typedef ("pid_t", a script's "foo_t") or a base type ("int").
  Result<Type> type(const std::string &name);
  // A complete struct/union layout by "struct NAME"/"union NAME" (or a bare NAME).
  Result<std::shared_ptr<const Record>> record(const std::string &name);
  // A named constant and where it came from ("enum in BTF", a header path).
  struct Constant {
    int64_t value = 0;
    std::string origin;
  };
  // Looks name up as an enumerator of the script, a macro constant, an
  // enumerator of an included header, of BTF, then in the system headers.
  std::optional<Constant> constant(const std::string &name);
  // Just the value, for array sizes in C declarations (`char comm[TASK_COMM_LEN]`).
  std::optional<int64_t> constant_value(const std::string &name);

 private:
  // The headers' declarations, parsed (tolerantly) on first use.
  ScriptTypes &headers();
  // Types the script and headers do not define, from BTF (nullopt if none).
  std::optional<Type> outer_type(const std::string &name, bool include_headers);

  BtfTypes &btf_;
  Diagnostics &diags_;
  std::vector<std::string> system_dirs_;
  ScriptTypes script_;                     // the script's own definitions
  ScriptTypes headers_;                    // #included headers' declarations
  std::vector<HeaderText> header_texts_;   // parsed into headers_ on first use
  bool headers_parsed_ = false;
  MacroTable macros_;
  std::unique_ptr<SystemConstants> system_;  // created on the first miss
};

}  // namespace probe
