// fentry:FUNC and fexit:FUNC (kfunc/kretfunc, f/fr): BPF trampolines on
// kernel functions, typed from kernel BTF. The context is an array of u64
// slots, one per parameter (and fexit's return value after them); `args`
// names the parameters. FUNC may be a wildcard: one program per function,
// since each has its own prototype. Section "fentry/FUNC" lets libbpf find
// the BTF id at load.
//
// fentry:bpf:ID:FUNC and fentry:bpf:PROGNAME:FUNC trace a function of a
// loaded BPF program: prepare() points the program at it with
// bpf_program__set_attach_target. Their parameters come from the program's
// BTF as u64s when we may open it at compile time (else no `args`).
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "frontend/sema/btf_types.h"
#include "probes/kernel_funcs.h"
#include "probes/provider.h"
#include "probes/providers.h"
#include "runtime/errors.h"

namespace probe {

namespace {

// A loaded BPF program by id ("123") or name, as an open fd; the fd stays
// open for the life of the process (the tracing program refers to it).
Result<int> bpf_prog_fd(const std::string &spec) {
  static std::mutex mu;
  static std::vector<std::pair<std::string, int>> cache;
  std::lock_guard<std::mutex> lock(mu);
  for (auto &[s, fd] : cache)
    if (s == spec) return fd;
  char *end = nullptr;
  unsigned long id = std::strtoul(spec.c_str(), &end, 10);
  int fd = -1;
  if (!spec.empty() && *end == '\0') {
    fd = bpf_prog_get_fd_by_id(uint32_t(id));
    if (fd < 0) {
      int err = errno;
      return sys_error("cannot open BPF program id " + spec, err,
                       err == ENOENT ? "no such program; list them with `bpftool prog show`" : "");
    }
  } else {
    uint32_t next = 0;
    while (bpf_prog_get_next_id(next, &next) == 0) {
      int f = bpf_prog_get_fd_by_id(next);
      if (f < 0) continue;
      bpf_prog_info info = {};
      uint32_t len = sizeof info;
      if (bpf_obj_get_info_by_fd(f, &info, &len) == 0 &&
          std::strncmp(info.name, spec.c_str(), sizeof info.name) == 0) {
        if (fd >= 0) {
          close(fd);
          close(f);
          return make_error("more than one loaded BPF program is named '" + spec + "'", 0,
                            "name it by id: `fentry:bpf:ID:FUNC` (see `bpftool prog show name " +
                                spec + "`)");
        }
        fd = f;
        continue;
      }
      close(f);
    }
    if (fd < 0)
      return make_error("no loaded BPF program is named '" + spec + "'", 0,
                        "program names are cut to 15 characters; list them with `bpftool prog show`");
  }
  cache.emplace_back(spec, fd);
  return fd;
}

// Parameter names of FUNC in the BTF of the program open as prog_fd.
Result<std::vector<std::string>> bpf_func_params(int prog_fd, const std::string &func) {
  bpf_prog_info info = {};
  uint32_t len = sizeof info;
  if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) != 0)
    return sys_error("cannot inspect BPF program", errno);
  if (!info.btf_id)
    return make_error("BPF program '" + std::string(info.name) + "' has no BTF", 0,
                      "fentry/fexit on BPF programs need programs loaded with BTF");
  struct btf *b = btf__load_from_kernel_by_id(info.btf_id);
  if (!b) return sys_error("cannot load the BTF of BPF program '" + std::string(info.name) + "'", errno);
  std::vector<std::string> names;
  int id = btf__find_by_name_kind(b, func.c_str(), BTF_KIND_FUNC);
  const btf_type *proto = id > 0 ? btf__type_by_id(b, btf__type_by_id(b, id)->type) : nullptr;
  if (!proto || !btf_is_func_proto(proto)) {
    btf__free(b);
    return make_error("BPF program '" + std::string(info.name) + "' has no function '" + func + "'", 0,
                      "see its functions with `bpftool btf dump id " + std::to_string(info.btf_id) + "`");
  }
  const btf_param *p = btf_params(proto);
  for (int i = 0; i < btf_vlen(proto); i++) {
    const char *n = btf__name_by_offset(b, p[i].name_off);
    names.push_back(n && *n ? n : "arg" + std::to_string(i));
  }
  btf__free(b);
  return names;
}

class FentryProvider : public ProbeProvider {
 public:
  explicit FentryProvider(bool exit) : exit_(exit) {}
  std::string_view name() const override { return exit_ ? "fexit" : "fentry"; }
  std::vector<std::string_view> aliases() const override {
    if (exit_) return {"kretfunc", "fr"};
    return {"kfunc", "f"};
  }
  ProbeKind kind() const override { return exit_ ? ProbeKind::Fexit : ProbeKind::Fentry; }

  void expand(const ast::AttachPoint &ap, ExpandEnv &env, Diagnostics &diags,
              std::vector<ExpandedProbe> &out) const override {
    const std::string type(name());
    if (ap.parts.size() == 4 && ap.parts[1] == "bpf") {
      expand_bpf(ap, diags, out);
      return;
    }
    if (ap.parts.size() == 3) {
      diags.error(ap.loc, "module-qualified " + type + " probes are not supported");
      diags.hint("write `" + type + ":" + ap.parts[2] + "`, or `" + type +
                 ":bpf:PROG:FUNC` for a BPF program");
      return;
    }
    if (ap.parts.size() != 2 || ap.parts[1].empty()) {
      diags.error(ap.loc, type + " needs a kernel function");
      diags.hint("write `" + type + ":vfs_read`; list them with `probe -l '" + type + ":*'`");
      return;
    }
    const std::string &func = ap.parts[1];
    if (!env.btf.available()) {
      diags.error(ap.loc, type + " needs kernel BTF: " + env.btf.error().message);
      if (!env.btf.error().hint.empty()) diags.hint(env.btf.error().hint);
      return;
    }
    std::vector<std::string> funcs;
    if (has_wildcard(func)) {
      auto traceable = match_kernel_funcs(ap, type, func, diags);
      if (!traceable) return;
      auto with_btf = env.btf.funcs_matching(func);  // sorted
      for (auto &f : *traceable)
        if (std::binary_search(with_btf.begin(), with_btf.end(), f)) funcs.push_back(f);
      if (funcs.empty()) {
        diags.error(ap.loc, "no traceable kernel function with BTF matches '" + func + "'");
        diags.hint("list them with `probe -l '" + type + ":" + func + "'`");
        return;
      }
    } else {
      if (!check_kernel_func(ap, type, func, diags)) return;
      funcs.push_back(func);
    }
    for (const auto &f : funcs) {
      auto proto = env.btf.func(f);
      if (!proto) {
        diags.error(ap.loc, proto.error());
        return;
      }
      ExpandedProbe e;
      e.prog.kind = kind();
      e.prog.func = f;
      e.prog.display = type + ":" + f;
      e.prog.loc = ap.loc;
      e.args = slots_record(type + ":" + f, *proto);
      e.u64_slots = true;
      if (exit_) {
        e.retval_slot = int(proto->params.size());
        e.retval_type = proto->ret;
      }
      out.push_back(std::move(e));
    }
  }

  ProbeContext context() const override {
    ProbeContext c;
    c.has_args = true;
    c.has_retval = exit_;
    c.has_func = true;
    c.space = AddrSpace::Kernel;
    return c;
  }

  std::string section(const ProbeProgram &p) const override {
    return std::string(exit_ ? "fexit/" : "fentry/") + p.func;
  }

  Status prepare(const ProbeProgram &p, bpf_program *prog, const Config &) const override {
    if (p.path.empty()) return Ok{};  // kernel function: libbpf resolves it from the section
    auto fd = bpf_prog_fd(p.path);
    if (!fd) return fd.error();
    if (int e = bpf_program__set_attach_target(prog, *fd, p.func.c_str()); e)
      return sys_error("cannot target " + p.display, -e,
                       -e == ESRCH || -e == ENOENT
                           ? "the program has no BTF function '" + p.func +
                                 "'; see `bpftool prog show id ID` and `bpftool btf dump`"
                           : "");
    return Ok{};
  }

  Result<std::vector<BpfLink>> attach(const ProbeProgram &, bpf_program *prog,
                                      const Config &) const override {
    return single_link(attach_trace(prog));
  }

 private:
  // The `args` record: parameter i is slot i (offset 8*i) of the context.
  static std::shared_ptr<const Record> slots_record(const std::string &name, const FuncProto &proto) {
    auto rec = std::make_shared<Record>();
    rec->name = name;
    for (size_t i = 0; i < proto.params.size(); i++) {
      Field f;
      f.name = proto.params[i].first.empty() ? "arg" + std::to_string(i) : proto.params[i].first;
      f.type = std::make_shared<const Type>(proto.params[i].second);
      f.offset = uint32_t(8 * i);
      rec->fields.push_back(std::move(f));
    }
    rec->size = uint32_t(8 * proto.params.size());
    return rec;
  }

  void expand_bpf(const ast::AttachPoint &ap, Diagnostics &diags,
                  std::vector<ExpandedProbe> &out) const {
    const std::string type(name());
    const std::string &target = ap.parts[2], &func = ap.parts[3];
    if (target.empty() || func.empty() || has_wildcard(target) || has_wildcard(func)) {
      diags.error(ap.loc, type + ":bpf needs a program id or name and a function, without wildcards");
      diags.hint("write `" + type + ":bpf:42:my_func` or `" + type + ":bpf:my_prog:my_func`");
      return;
    }
    ExpandedProbe e;
    e.prog.kind = kind();
    e.prog.path = target;
    e.prog.func = func;
    e.prog.display = type + ":bpf:" + target + ":" + func;
    e.prog.loc = ap.loc;
    e.u64_slots = true;
    // With privileges, name the parameters from the program's BTF (as u64s)
    // and find fexit's return slot; otherwise (dry runs) they stay unknown.
    auto fd = bpf_prog_fd(target);
    if (fd) {
      auto params = bpf_func_params(*fd, func);
      if (!params) {
        diags.error(ap.loc, params.error());
        return;
      }
      FuncProto proto;
      for (auto &n : *params) proto.params.emplace_back(n, Type::u64());
      e.args = slots_record(e.prog.display, proto);
      if (exit_) e.retval_slot = int(params->size());
    }
    out.push_back(std::move(e));
  }

  bool exit_;
};

}  // namespace

const ProbeProvider *fentry_provider() {
  static const FentryProvider p(false);
  return &p;
}

const ProbeProvider *fexit_provider() {
  static const FentryProvider p(true);
  return &p;
}

}  // namespace probe
