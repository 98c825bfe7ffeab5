#include "frontend/sema/type_env.h"

#include "builtins/registry.h"
#include "frontend/sema/sema.h"

namespace probe {

namespace {

// Macros of the kernel's internal headers (not UAPI, not in BTF) that
// bpftrace's own tools use, with values unchanged since Linux 4.14; a
// script's #define or an installed kernel header takes precedence.
std::optional<int64_t> kernel_header_constant(const std::string &name) {
  static const std::pair<const char *, int64_t> table[] = {
      {"TASK_RUNNING", 0x0},       {"TASK_INTERRUPTIBLE", 0x1}, {"TASK_UNINTERRUPTIBLE", 0x2},
      {"__TASK_STOPPED", 0x4},     {"__TASK_TRACED", 0x8},      {"EXIT_DEAD", 0x10},
      {"EXIT_ZOMBIE", 0x20},       {"PF_KTHREAD", 0x00200000},  {"PF_EXITING", 0x00000004},
  };
  for (const auto &[n, v] : table)
    if (name == n) return v;
  return std::nullopt;
}

}  // namespace

TypeEnv::TypeEnv(BtfTypes &btf, Diagnostics &diags, std::vector<std::string> system_dirs)
    : btf_(btf), diags_(diags), system_dirs_(std::move(system_dirs)) {}

TypeEnv::~TypeEnv() = default;

void TypeEnv::set_preprocessed(MacroTable macros, std::vector<HeaderText> headers) {
  macros_ = std::move(macros);
  header_texts_ = std::move(headers);
  headers_parsed_ = false;
}

ScriptTypes &TypeEnv::headers() {
  if (!headers_parsed_) {
    headers_parsed_ = true;
    Diagnostics ignored;  // tolerant: a header's oddities are never the user's error
    for (const auto &h : header_texts_)
      headers_.add(h.text, Loc{}, false, ignored, [this](const std::string &n) { return outer_type(n, false); },
                   [this](const std::string &n) { return constant_value(n); });
  }
  return headers_;
}

std::optional<Type> TypeEnv::outer_type(const std::string &name, bool include_headers) {
  if (include_headers)
    if (auto t = headers().type(name)) return t;
  if (!btf_.available()) return std::nullopt;
  auto t = btf_.type(name);
  if (!t) return std::nullopt;
  return *t;
}

bool TypeEnv::is_type_name(const std::string &name) {
  if (script_.is_typedef(name)) return true;
  // A builtin (pid, comm, args...) is never a kernel typedef's name here.
  if (find_builtin_var(name)) return false;
  if (headers().is_typedef(name)) return true;
  return btf_.available() && btf_.is_typedef(name);
}

const Macro *TypeEnv::macro(const std::string &name) {
  auto it = macros_.find(name);
  return it == macros_.end() ? nullptr : &it->second;
}

void TypeEnv::declare(const std::string &text, const Loc &at) {
  script_.add(text, at, true, diags_, [this](const std::string &n) { return outer_type(n, true); },
              [this](const std::string &n) { return constant_value(n); });
}

Result<Type> TypeEnv::type(const std::string &name) {
  if (auto t = script_.type(name)) return *t;
  Type base = parse_int_type_name(name);
  if (base.kind != TypeKind::None) return base;
  if (name == "void") return Type::void_();
  if (auto t = headers().type(name)) return *t;
  if (!btf_.available()) return btf_.error();
  return btf_.type(name);
}

Result<std::shared_ptr<const Record>> TypeEnv::record(const std::string &name) {
  std::string full = name;
  if (full.rfind("struct ", 0) != 0 && full.rfind("union ", 0) != 0) full = "struct " + full;
  if (auto r = script_.record(full)) return r;
  if (auto r = headers().record(full)) return r;
  if (!btf_.available()) return btf_.error();
  return btf_.record(name);
}

std::optional<int64_t> TypeEnv::constant_value(const std::string &name) {
  auto c = constant(name);
  if (!c) return std::nullopt;
  return c->value;
}

std::optional<TypeEnv::Constant> TypeEnv::constant(const std::string &name) {
  if (auto v = script_.constant(name)) return Constant{*v, "the script"};
  if (auto v = macro_constant(macros_, name)) return Constant{*v, "a #define"};
  if (auto v = headers().constant(name)) return Constant{*v, "an included header"};
  if (btf_.available())
    if (auto v = btf_.enum_value(name)) return Constant{*v, "kernel BTF"};
  if (!system_) system_ = std::make_unique<SystemConstants>(system_dirs_);
  if (auto v = system_->lookup(name)) return Constant{v->first, v->second};
  if (auto v = kernel_header_constant(name)) return Constant{*v, "the kernel's headers (a stable value)"};
  return std::nullopt;
}

}  // namespace probe
