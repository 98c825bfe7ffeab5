// uprobe:BINARY:FUNC and uretprobe:BINARY:FUNC. BINARY is a path, a library
// short name (libc), a program in $PATH, or /proc/self/exe (the -c/-p target,
// else probe itself). FUNC may be a wildcard. Symbols come from the ELF
// tables; we compute the file offset ourselves so libbpf needs no name lookup.
#include "probes/provider.h"
#include "probes/providers.h"
#include "runtime/elf_symbols.h"
#include "runtime/errors.h"
#include "util/log.h"

namespace probe {

namespace {

class UprobeProvider : public ProbeProvider {
 public:
  explicit UprobeProvider(bool ret) : ret_(ret) {}
  std::string_view name() const override { return ret_ ? "uretprobe" : "uprobe"; }
  std::vector<std::string_view> aliases() const override {
    if (ret_) return {"ur"};
    return {"u"};
  }
  ProbeKind kind() const override { return ret_ ? ProbeKind::Uretprobe : ProbeKind::Uprobe; }

  Result<UserSymbol> user_symbol(const ProbeProgram &p, const std::string &sym) const override {
    auto info = symbol_info(p.path, sym);
    if (!info) return info.error();
    if (info->tls) return make_error("'" + sym + "' is a thread-local variable: it has no single address");
    UserSymbol u{info->vaddr, info->size, info->pie, 0};
    if (!u.relative) return u;
    // At a uretprobe ip is the return address, which says nothing of where
    // the probed function's binary is loaded.
    if (ret_)
      return make_error(p.path + " is position-independent: in a uretprobe uaddr(\"" + sym +
                            "\") cannot know where it is loaded",
                        0, "read it in a uprobe on the same binary, e.g. save it in a map");
    auto func = symbol_info(p.path, p.func);
    auto func_off = symbol_file_offset(p.path, p.func);
    if (!func) return func.error();
    if (!func_off) return func_off.error();
    u.probe_vaddr = func->vaddr + (p.offset - *func_off);
    return u;
  }

  void expand(const ast::AttachPoint &ap, ExpandEnv &env, Diagnostics &diags,
              std::vector<ExpandedProbe> &out) const override {
    const Config &cfg = env.cfg;
    std::string binary, func;
    if (ap.parts.size() == 3) {
      binary = ap.parts[1];
      func = ap.parts[2];
    } else if (ap.parts.size() == 2 && cfg.pid) {
      binary = "/proc/self/exe";
      func = ap.parts[1];
    } else {
      diags.error(ap.loc, std::string(name()) + " needs a binary and a function");
      diags.hint(std::string("write `") + std::string(name()) + ":/path/to/binary:function`, e.g. `" +
                 std::string(name()) + ":libc:malloc`");
      return;
    }
    if (binary.empty() || func.empty()) {
      diags.error(ap.loc, std::string("empty ") + (binary.empty() ? "binary" : "function") +
                              " in attach point '" + ap.raw + "'");
      return;
    }
    if (binary == "/proc/self/exe" && !cfg.self_exe.empty()) binary = cfg.self_exe;
    auto path = resolve_binary(binary, cfg.pid);
    if (!path) {
      diags.error(ap.loc, path.error());
      return;
    }
    std::vector<std::string> funcs;
    if (has_wildcard(func)) {
      auto m = match_symbols(*path, func);
      if (!m) {
        diags.error(ap.loc, m.error());
        return;
      }
      if (m->empty()) {
        diags.error(ap.loc, "no function in " + *path + " matches '" + func + "'");
        diags.hint("list them with `probe -l 'uprobe:" + *path + ":*'`");
        return;
      }
      // Refuse before generating thousands of programs (probe_spec_pass
      // enforces the total).
      if (out.size() + m->size() > cfg.max_probes) {
        diags.error(ap.loc, "'" + ap.raw + "' matches " + std::to_string(m->size()) +
                                " functions, more than the limit of " + std::to_string(cfg.max_probes) + " probes");
        diags.hint("narrow the wildcard, or raise the limit with --max-probes N");
        return;
      }
      funcs = std::move(*m);
    } else {
      funcs.push_back(func);
    }
    auto offsets = symbol_file_offsets(*path, funcs);
    if (!offsets) {
      diags.error(ap.loc, offsets.error());
      return;
    }
    for (size_t i = 0; i < funcs.size(); i++) {
      const std::string &f = funcs[i];
      ExpandedProbe e;
      e.prog.kind = kind();
      e.prog.path = *path;
      e.prog.func = f;
      e.prog.offset = (*offsets)[i];
      e.prog.display = std::string(name()) + ":" + *path + ":" + f;
      e.prog.loc = ap.loc;
      e.prog.wildcard_match = has_wildcard(func);
      out.push_back(std::move(e));
    }
  }

  ProbeContext context() const override {
    ProbeContext c;
    c.has_regs = true;
    c.has_retval = ret_;
    c.has_func = true;
    c.space = AddrSpace::User;
    return c;
  }

  std::string section(const ProbeProgram &) const override { return ret_ ? "uretprobe" : "uprobe"; }

  Result<std::vector<BpfLink>> attach(const ProbeProgram &p, bpf_program *prog,
                                      const Config &cfg) const override {
    auto link = attach_uprobe(prog, p.path, p.offset, ret_, cfg.pid && cfg.pid_filter ? *cfg.pid : -1);
    // ENOTSUPP: the kernel cannot place a uprobe on this function's first
    // instruction (libc's pthread_spin_lock); one such match must not stop
    // `uprobe:libc:*`.
    if (!link && p.wildcard_match && link.error().err == kENOTSUPP) {
      PROBE_LOG(Warning, "skipping %s: %s", p.display.c_str(), link.error().message.c_str());
      return std::vector<BpfLink>{};
    }
    return single_link(std::move(link));
  }

 private:
  bool ret_;
};

}  // namespace

const ProbeProvider *uprobe_provider() {
  static const UprobeProvider p(false);
  return &p;
}

const ProbeProvider *uretprobe_provider() {
  static const UprobeProvider p(true);
  return &p;
}

}  // namespace probe
