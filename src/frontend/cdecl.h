// C declarations written in a script's top level or in a header it
// includes: struct/union/enum definitions (nested, anonymous members,
// bitfields, arrays, pointers, function pointers, forward declarations,
// __attribute__((packed)) and aligned), typedefs, and enum constants.
// Layouts follow the x86-64 System V ABI, the one the kernel and user
// space use here. Types it does not define itself (a `struct task_struct *`
// member, a `u64` typedef) are asked of the outer links of the name
// environment through a lookup callback (BTF, in the compiler layer).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "frontend/diagnostics.h"
#include "frontend/types.h"

namespace probe {

// Resolves a type name this table does not define: "struct sock", "u64",
// "pid_t". nullopt if unknown. A struct known only by name may come back as
// a Record type with record == nullptr (resolved later by name).
using OuterTypeLookup = std::function<std::optional<Type>(const std::string &name)>;

// Resolves a constant this table does not define, for array sizes and enum
// values (`char comm[TASK_COMM_LEN];` with the enum from BTF). nullopt if unknown.
using OuterConstantLookup = std::function<std::optional<int64_t>(const std::string &name)>;

namespace cdecl {
class Parser;
}

// The types and enum constants a script (and its headers) define. Types
// follow btf_types.h's conventions, except that pointers have no address
// space (AddrSpace::None): they are read where the probe's own pointers
// point, user memory in a uprobe and kernel memory in a kprobe.
class ScriptTypes {
 public:
  // Parses the declarations in text, which starts at script location `at`.
  // strict (the script's own text): anything not understood is an error at
  // its exact location; tolerant (a header): declarations it cannot use
  // (function prototypes, inline functions, GNU extensions) are skipped
  // silently. Returns false if strict parsing reported errors.
  bool add(const std::string &text, const Loc &at, bool strict, Diagnostics &diags, const OuterTypeLookup &outer);
  // Same, with the outer links' constants for names used in constant
  // expressions that this table does not define.
  bool add(const std::string &text, const Loc &at, bool strict, Diagnostics &diags, const OuterTypeLookup &outer,
           const OuterConstantLookup &outer_constants);

  // A type by C name: "struct Foo", "union U", "enum E", or a typedef name.
  std::optional<Type> type(const std::string &name) const;
  // A complete struct/union layout by "struct Foo"/"union U"; null if only
  // declared forward or not defined here.
  std::shared_ptr<const Record> record(const std::string &name) const;
  // An enumerator's value (`enum { A = 4 }` -> A = 4).
  std::optional<int64_t> constant(const std::string &name) const;
  // True when name is a typedef defined here.
  bool is_typedef(const std::string &name) const;

 private:
  friend class cdecl::Parser;
  // t with a by-name record reference (record == nullptr) completed from
  // this table's layouts, when it defines that record.
  Type completed(Type t) const;

  std::map<std::string, Type> types_;                        // "struct Foo", typedef names
  std::map<std::string, std::shared_ptr<Record>> records_;   // complete layouts
  std::map<std::string, int64_t> constants_;                 // enumerators
  std::map<std::string, uint32_t> aligns_;                   // alignment of each entry of types_ and records_
  std::map<std::string, Loc> defined_at_;                    // where each type and constant was defined
  std::set<std::string> function_typedefs_;                  // typedef names of function types
  // Pointers (record fields: {record name, field index}; typedefs: {name,
  // SIZE_MAX}) to a struct that was incomplete when they were declared, by that
  // struct's name: completing it gives them its size, so that pointer
  // arithmetic scales as it does on BTF's pointers.
  std::map<std::string, std::vector<std::pair<std::string, size_t>>> sizeless_pointers_;
};

}  // namespace probe
