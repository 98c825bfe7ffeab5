// ScriptTypes: the table of types and constants C declarations define.
// Parsing lives in cdecl_parser.cpp and its siblings.
#include "frontend/cdecl.h"

#include "frontend/cdecl_parser.h"

namespace probe {

namespace {

// name with surrounding blanks dropped and inner runs of blanks made one
// space; trailing '*'s are counted into ptrs ("struct Foo *" -> 1).
std::string normalize(const std::string &name, int &ptrs) {
  std::string out;
  ptrs = 0;
  for (char c : name) {
    if (c == '*') {
      ptrs++;
      continue;
    }
    if (ptrs) return "";  // '*' in the middle: not a type name this table knows
    if (c == ' ' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

bool ScriptTypes::add(const std::string &text, const Loc &at, bool strict, Diagnostics &diags,
                      const OuterTypeLookup &outer) {
  return add(text, at, strict, diags, outer, OuterConstantLookup{});
}

bool ScriptTypes::add(const std::string &text, const Loc &at, bool strict, Diagnostics &diags,
                      const OuterTypeLookup &outer, const OuterConstantLookup &outer_constants) {
  cdecl::Parser parser(*this, cdecl::tokenize(text, at, !strict), strict, diags, outer, outer_constants);
  return parser.run();
}

Type ScriptTypes::completed(Type t) const {
  if (!t.is(TypeKind::Record) || t.record) return t;
  auto it = records_.find(t.name);
  return it == records_.end() ? t : Type::record_of(it->second);
}

std::optional<Type> ScriptTypes::type(const std::string &name) const {
  int ptrs;
  std::string n = normalize(name, ptrs);
  auto it = types_.find(n);
  if (it == types_.end()) return std::nullopt;
  Type t = function_typedefs_.count(n) ? Type::u64() : completed(it->second);
  for (int i = 0; i < ptrs; i++) t = Type::pointer(std::move(t), AddrSpace::None);
  return t;
}

std::shared_ptr<const Record> ScriptTypes::record(const std::string &name) const {
  int ptrs;
  std::string n = normalize(name, ptrs);
  if (ptrs) return nullptr;
  auto it = records_.find(n);
  if (it != records_.end()) return it->second;
  auto t = types_.find(n);  // a typedef of a struct: "Foo_t"
  if (t == types_.end() || !t->second.is(TypeKind::Record)) return nullptr;
  if (t->second.record) return t->second.record;
  auto r = records_.find(t->second.name);
  return r == records_.end() ? nullptr : r->second;
}

std::optional<int64_t> ScriptTypes::constant(const std::string &name) const {
  auto it = constants_.find(name);
  if (it == constants_.end()) return std::nullopt;
  return it->second;
}

bool ScriptTypes::is_typedef(const std::string &name) const {
  return name.find(' ') == std::string::npos && types_.count(name) > 0;
}

}  // namespace probe
