// Placeholder until the BTF implementation lands: reports BTF as unavailable.
#include "frontend/sema/btf_types.h"

namespace probe {

BtfTypes::BtfTypes() = default;
BtfTypes::BtfTypes(std::string path) : path_(std::move(path)) {}
BtfTypes::~BtfTypes() = default;
bool BtfTypes::available() { return load(); }
bool BtfTypes::load() {
  error_ = make_error("kernel BTF support is not built yet");
  return false;
}
Result<std::shared_ptr<const Record>> BtfTypes::record(const std::string &) { return error_; }
Result<Type> BtfTypes::type(const std::string &) { return error_; }
Result<FuncProto> BtfTypes::func(const std::string &) { return error_; }
std::vector<std::string> BtfTypes::funcs_matching(const std::string &) { return {}; }
Result<FuncProto> BtfTypes::raw_tracepoint(const std::string &) { return error_; }
Type BtfTypes::convert(int, int) { return Type::none(); }

}  // namespace probe
