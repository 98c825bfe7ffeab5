// rawtracepoint:NAME (rt): a BPF_PROG_TYPE_RAW_TRACEPOINT program on the
// tracepoint's raw arguments. The context is an array of u64 slots (argN is
// slot N); when kernel BTF describes the tracepoint (btf_trace_NAME), `args`
// names them. NAME may be a wildcard, matched against the btf_trace_* types
// (or, without BTF, tracefs event names).
#include <algorithm>

#include "frontend/sema/btf_types.h"
#include "probes/provider.h"
#include "probes/providers.h"
#include "runtime/tracefs.h"

namespace probe {

namespace {

class RawTracepointProvider : public ProbeProvider {
 public:
  std::string_view name() const override { return "rawtracepoint"; }
  std::vector<std::string_view> aliases() const override { return {"rt"}; }
  ProbeKind kind() const override { return ProbeKind::RawTracepoint; }

  void expand(const ast::AttachPoint &ap, ExpandEnv &env, Diagnostics &diags,
              std::vector<ExpandedProbe> &out) const override {
    // rawtracepoint:NAME, or rawtracepoint:MODULE:NAME (module ignored: names are global)
    if ((ap.parts.size() != 2 && ap.parts.size() != 3) || ap.parts.back().empty()) {
      diags.error(ap.loc, "rawtracepoint needs a tracepoint name");
      diags.hint("write `rawtracepoint:sched_switch`; list them with `probe -l 'rawtracepoint:*'`");
      return;
    }
    const std::string &tp = ap.parts.back();
    std::vector<std::string> names;
    if (has_wildcard(tp) && env.btf.available()) {
      names = env.btf.raw_tracepoints_matching(tp);
      if (names.empty()) {
        diags.error(ap.loc, "no raw tracepoint matches '" + tp + "'");
        diags.hint("list them with `probe -l 'rawtracepoint:*'`");
        return;
      }
    } else if (has_wildcard(tp)) {
      auto l = list_tracepoints("*", tp);
      if (!l) {
        diags.error(ap.loc, l.error());
        return;
      }
      for (auto &[cat, ev] : *l) names.push_back(ev);
      std::sort(names.begin(), names.end());
      names.erase(std::unique(names.begin(), names.end()), names.end());
      if (names.empty()) {
        diags.error(ap.loc, "no tracepoint matches '" + tp + "'");
        diags.hint("list them with `probe -l 'rawtracepoint:*'`");
        return;
      }
    } else {
      // A name neither BTF nor tracefs knows would fail only at attach.
      if (env.btf.available() && !env.btf.raw_tracepoint(tp)) {
        auto l = list_tracepoints("*", tp);
        if (l && l->empty()) {
          diags.error(ap.loc, "no raw tracepoint named '" + tp + "'");
          diags.hint("list them with `probe -l 'rawtracepoint:*'`");
          return;
        }
      }
      names.push_back(tp);
    }
    for (auto &n : names) {
      ExpandedProbe e;
      e.prog.kind = ProbeKind::RawTracepoint;
      e.prog.func = n;
      e.prog.display = "rawtracepoint:" + n;
      e.prog.loc = ap.loc;
      e.u64_slots = true;
      if (env.btf.available()) {
        if (auto proto = env.btf.raw_tracepoint(n)) {
          auto rec = std::make_shared<Record>();
          rec->name = e.prog.display;
          for (size_t i = 0; i < proto->params.size(); i++) {
            Field f;
            f.name = proto->params[i].first.empty() ? "arg" + std::to_string(i) : proto->params[i].first;
            f.type = std::make_shared<const Type>(proto->params[i].second);
            f.offset = uint32_t(8 * i);
            rec->fields.push_back(std::move(f));
          }
          rec->size = uint32_t(8 * proto->params.size());
          e.args = rec;
        }
      }
      out.push_back(std::move(e));
    }
  }

  ProbeContext context() const override {
    ProbeContext c;
    c.has_regs = false;  // argN reads u64 slots (ExpandedProbe::u64_slots)
    c.has_args = true;
    c.space = AddrSpace::Kernel;
    return c;
  }

  std::string section(const ProbeProgram &p) const override { return "raw_tp/" + p.func; }

  Result<std::vector<BpfLink>> attach(const ProbeProgram &p, bpf_program *prog,
                                      const Config &) const override {
    return single_link(attach_raw_tracepoint(prog, p.func));
  }
};

}  // namespace

const ProbeProvider *rawtracepoint_provider() {
  static const RawTracepointProvider p;
  return &p;
}

}  // namespace probe
