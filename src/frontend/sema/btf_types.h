// Kernel types from BTF (libbpf btf__*), loaded on first use so programs
// that need no kernel types never pay for parsing vmlinux BTF.
//
// Conventions for the Types it returns:
// - struct/union types are TypeKind::Record named "struct NAME"/"union NAME";
//   nested struct types (embedded or behind pointers) come back with
//   `record == nullptr` and are resolved on demand with record(name), so a
//   lookup never walks the whole type graph;
// - pointers are AddrSpace::Kernel; char arrays are Type::string(N); other
//   arrays Type::array; enums are integers; typedefs/const/volatile are
//   resolved; function pointers are u64.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "frontend/types.h"
#include "util/result.h"

struct btf;

namespace probe {

// A kernel function's (or raw tracepoint's) prototype.
struct FuncProto {
  std::string name;
  std::vector<std::pair<std::string, Type>> params;  // name, type
  Type ret;                                          // Void for void functions
};

class BtfTypes {
 public:
  // Kernel BTF from /sys/kernel/btf/vmlinux (libbpf's search), loaded lazily.
  BtfTypes();
  // BTF from a file (tests, or a kernel image's BTF).
  explicit BtfTypes(std::string path);
  ~BtfTypes();
  BtfTypes(const BtfTypes &) = delete;
  BtfTypes &operator=(const BtfTypes &) = delete;

  // Loads BTF on first call; false (see error()) when there is none.
  bool available();
  // Why BTF is unavailable, with a hint, for diagnostics.
  const Error &error() const { return error_; }

  // A struct or union by C name ("struct task_struct", "task_struct").
  Result<std::shared_ptr<const Record>> record(const std::string &name);
  // Any C type by name: "struct file", "int", "pid_t", "u64".
  Result<Type> type(const std::string &name);
  // True when name is a typedef in kernel BTF (`__kernel_pid_t`, `u64`).
  bool is_typedef(const std::string &name);
  // The value of an enumerator (TCP_ESTABLISHED, IPPROTO_TCP), from an
  // index of every enum built on the first call; nullopt if none has it.
  std::optional<int64_t> enum_value(const std::string &name);
  // A kernel function's prototype (BTF_KIND_FUNC).
  Result<FuncProto> func(const std::string &name);
  // Kernel functions (BTF_KIND_FUNC) whose names match a glob, sorted.
  std::vector<std::string> funcs_matching(const std::string &glob);
  // A raw tracepoint's arguments, from the `btf_trace_NAME` typedef
  // (its first, `void *` context parameter removed).
  Result<FuncProto> raw_tracepoint(const std::string &name);
  // Raw tracepoints (`btf_trace_NAME` typedefs) whose NAMEs match a glob, sorted.
  std::vector<std::string> raw_tracepoints_matching(const std::string &glob);

 private:
  bool load();
  Type convert(int type_id, int depth);
  // Appends the members of composite type_id (anonymous ones flattened).
  void add_members(Record &rec, uint32_t type_id, uint32_t base_bits, int depth);
  std::string path_;
  struct btf *btf_ = nullptr;
  bool tried_ = false;
  Error error_;
  std::vector<std::pair<std::string, std::shared_ptr<const Record>>> cache_;
  std::map<std::string, int64_t> enums_;  // enumerator -> value (first definition wins)
  bool enums_indexed_ = false;
};

}  // namespace probe
