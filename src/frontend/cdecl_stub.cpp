// TEMPORARY stand-in for the C declaration parser (replaced by cdecl.cpp).
#include "frontend/cdecl.h"

namespace probe {

bool ScriptTypes::add(const std::string &, const Loc &at, bool strict, Diagnostics &diags, const OuterTypeLookup &) {
  if (strict) diags.error(at, "C declarations are not supported yet");
  return !strict;
}
std::optional<Type> ScriptTypes::type(const std::string &) const { return std::nullopt; }
std::shared_ptr<const Record> ScriptTypes::record(const std::string &) const { return nullptr; }
std::optional<int64_t> ScriptTypes::constant(const std::string &) const { return std::nullopt; }
bool ScriptTypes::is_typedef(const std::string &) const { return false; }

}  // namespace probe
