// kprobe:FUNC, kprobe:FUNC+OFFSET and kretprobe:FUNC; FUNC may be a wildcard.
//
// One function: a perf-event kprobe (bpf_program__attach_kprobe_opts, so no
// tracefs kprobe_events entry is left behind), section "kprobe"/"kretprobe".
//
// A wildcard: ONE program whose ProbeProgram.funcs lists every traceable,
// not denied match, section "kprobe.multi"/"kretprobe.multi" so libbpf loads
// it with expected_attach_type BPF_TRACE_KPROBE_MULTI and it is attached with
// one kprobe_multi link. The kernel fixes how a kprobe program may be
// attached when it is loaded (a KPROBE_MULTI program cannot be a perf-event
// kprobe and vice versa), so the multi-or-not decision is made in prepare(),
// before load: if --no-kprobe-multi was given or the kernel lacks kprobe_multi
// (probed once, see kprobe_multi_unsupported()), prepare() resets the expected
// attach type to 0 and says so once on stderr. attach() then follows what the
// program was loaded as, so the two can never disagree.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "probes/kernel_funcs.h"
#include "probes/provider.h"
#include "util/log.h"
#include "probes/providers.h"
#include "runtime/errors.h"
#include "runtime/session.h"

namespace probe {

namespace {

// Why kprobe_multi links cannot be used here, or "" when they can. Probed
// once: a two-instruction KPROBE_MULTI program is linked to a function that
// cannot exist. A kernel with kprobe_multi looks the symbol up and fails with
// ESRCH; one without it rejects the attach type (EINVAL) or has no fprobe
// support (EOPNOTSUPP).
const std::string &kprobe_multi_unsupported(int *err_out) {
  static std::string reason;
  static int err = 0;
  static std::once_flag once;
  std::call_once(once, [] {
    bpf_insn insns[2] = {};
    insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K;  // r0 = 0
    insns[1].code = BPF_JMP | BPF_EXIT;
    LIBBPF_OPTS(bpf_prog_load_opts, lopts, .expected_attach_type = BPF_TRACE_KPROBE_MULTI);
    int fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "probe_kmulti", "GPL", insns, 2, &lopts);
    if (fd < 0) {
      err = errno;
      reason = "the kernel rejects kprobe.multi programs";
      return;
    }
    const char *sym = "__probe_feature_check_no_such_function__";
    LIBBPF_OPTS(bpf_link_create_opts, opts);
    opts.kprobe_multi.syms = &sym;
    opts.kprobe_multi.cnt = 1;
    int lfd = bpf_link_create(fd, 0, BPF_TRACE_KPROBE_MULTI, &opts);
    int e = errno;
    if (lfd >= 0) close(lfd);
    close(fd);
    if (lfd >= 0 || e == ESRCH || e == ENOENT) return;  // supported
    err = e;
    reason = "the kernel lacks kprobe.multi links (Linux 5.18+ with CONFIG_FPROBE)";
  });
  if (err_out) *err_out = err;
  return reason;
}

// Parses "FUNC", "FUNC+0x10", "FUNC+16".
bool parse_target(const std::string &s, std::string *func, uint64_t *offset, std::string *why) {
  size_t plus = s.find('+');
  *func = s.substr(0, plus);
  *offset = 0;
  if (plus == std::string::npos) return true;
  std::string off = s.substr(plus + 1);
  if (off.empty()) {
    *why = "missing offset after '+'";
    return false;
  }
  char *end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(off.c_str(), &end, 0);
  if (errno || *end != '\0' || off[0] == '-') {
    *why = "bad offset '" + off + "' (write decimal or 0x hex)";
    return false;
  }
  *offset = v;
  return true;
}

class KprobeProvider : public ProbeProvider {
 public:
  explicit KprobeProvider(bool ret) : ret_(ret) {}
  std::string_view name() const override { return ret_ ? "kretprobe" : "kprobe"; }
  std::vector<std::string_view> aliases() const override {
    if (ret_) return {"kr"};
    return {"k"};
  }
  ProbeKind kind() const override { return ret_ ? ProbeKind::Kretprobe : ProbeKind::Kprobe; }

  void expand(const ast::AttachPoint &ap, ExpandEnv &, Diagnostics &diags,
              std::vector<ExpandedProbe> &out) const override {
    const std::string type(name());
    if (ap.parts.size() == 3) {
      diags.error(ap.loc, "module-qualified " + type + "s are not supported");
      diags.hint("write `" + type + ":" + ap.parts[2] + "`");
      return;
    }
    if (ap.parts.size() != 2 || ap.parts[1].empty()) {
      diags.error(ap.loc, type + " needs a kernel function");
      diags.hint("write `" + type + ":do_sys_openat2`; list them with `probe -l '" + type + ":*'`");
      return;
    }
    std::string func;
    uint64_t offset = 0;
    std::string why;
    if (!parse_target(ap.parts[1], &func, &offset, &why)) {
      diags.error(ap.loc, why);
      return;
    }
    if (func.empty()) {
      diags.error(ap.loc, type + " needs a kernel function before '+'");
      return;
    }
    if (ret_ && ap.parts[1].find('+') != std::string::npos) {
      diags.error(ap.loc, "kretprobe takes no offset");
      diags.hint("a return probe fires when the function returns; write `kretprobe:" + func + "`");
      return;
    }
    ExpandedProbe e;
    e.prog.kind = kind();
    e.prog.loc = ap.loc;
    if (has_wildcard(func)) {
      if (offset) {
        diags.error(ap.loc, "an offset cannot be combined with a wildcard");
        return;
      }
      auto funcs = match_kernel_funcs(ap, type, func, diags);
      if (!funcs) return;
      e.prog.func = func;
      e.prog.funcs = std::move(*funcs);
      e.prog.display = type + ":" + func;
    } else {
      if (!check_kernel_func(ap, type, func, diags)) return;
      e.prog.func = func;
      e.prog.offset = offset;
      e.prog.display = type + ":" + ap.parts[1];
    }
    out.push_back(std::move(e));
  }

  ProbeContext context() const override {
    ProbeContext c;
    c.has_regs = true;
    c.has_retval = ret_;
    c.has_func = true;
    c.space = AddrSpace::Kernel;
    // One program may fire for many functions (kprobe.multi, or its
    // per-function fallback), so `func` comes from bpf_get_func_ip.
    c.func_ip = true;
    return c;
  }

  std::string section(const ProbeProgram &p) const override {
    if (!p.funcs.empty()) return ret_ ? "kretprobe.multi" : "kprobe.multi";
    return ret_ ? "kretprobe" : "kprobe";
  }

  Status prepare(const ProbeProgram &p, bpf_program *prog, const Config &cfg) const override {
    if (p.funcs.empty()) return Ok{};
    int err = 0;
    std::string reason;
    if (!cfg.kprobe_multi) reason = "--no-kprobe-multi";
    else reason = kprobe_multi_unsupported(&err);
    if (reason.empty()) {
      if (bpf_program__expected_attach_type(prog) != BPF_TRACE_KPROBE_MULTI)
        return make_error("internal: section '" + section(p) + "' did not select kprobe.multi");
      return Ok{};
    }
    if (p.funcs.size() > cfg.max_probes)
      return make_error(p.display + " matches " + std::to_string(p.funcs.size()) +
                            " functions, more than the limit of " + std::to_string(cfg.max_probes) +
                            " single kprobes (" + reason + ")",
                        0, "narrow the wildcard, or raise the limit with --max-probes N");
    static std::once_flag said;
    std::call_once(said, [&] {
      std::string msg = "probe: attaching one kprobe per function: " + reason;
      if (cfg.verbose && err) msg += " (" + errno_text(err) + ")";
      std::fprintf(stderr, "%s\n", msg.c_str());
    });
    if (int e = bpf_program__set_expected_attach_type(prog, bpf_attach_type(0)); e)
      return sys_error("cannot configure " + p.display, -e);
    return Ok{};
  }

  Result<std::vector<BpfLink>> attach(const ProbeProgram &p, bpf_program *prog,
                                      const Config &) const override {
    std::vector<BpfLink> links;
    if (p.funcs.empty()) {
      auto l = attach_kprobe(prog, p.func, p.offset, ret_);
      if (!l) {
        Error e = l.error();
        if (e.err == EILSEQ && p.offset)
          e.hint = "the offset is not at an instruction boundary of " + p.func +
                   "; see `objdump -d` of vmlinux or /proc/kcore";
        return e;
      }
      links.push_back(std::move(*l));
      return links;
    }
    if (bpf_program__expected_attach_type(prog) == BPF_TRACE_KPROBE_MULTI) {
      auto l = attach_kprobe_multi(prog, p.funcs, ret_);
      if (!l) return l.error();
      links.push_back(std::move(*l));
      return links;
    }
    // One kprobe per function: a function the kernel refuses (listed as
    // traceable but NOKPROBE) is skipped with a warning, as one bad match
    // should not stop a wildcard; only no attachment at all is an error.
    links.reserve(p.funcs.size());
    Error first;
    size_t failed = 0;
    for (const auto &f : p.funcs) {
      if (stop_requested()) break;  // Ctrl-C: the session detaches what is attached
      auto l = attach_kprobe(prog, f, 0, ret_);
      if (!l) {
        if (failed++ == 0) first = l.error();
        PROBE_LOG(Warning, "skipping %s:%s: %s", std::string(name()).c_str(), f.c_str(),
                  l.error().message.c_str());
        continue;
      }
      links.push_back(std::move(*l));
    }
    if (links.empty() && failed) return first;
    return links;
  }

 private:
  bool ret_;
};

}  // namespace

const ProbeProvider *kprobe_provider() {
  static const KprobeProvider p(false);
  return &p;
}

const ProbeProvider *kretprobe_provider() {
  static const KprobeProvider p(true);
  return &p;
}

}  // namespace probe
