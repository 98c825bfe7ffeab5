// tracepoint:CATEGORY:EVENT, wildcards allowed in both. `args` is typed from
// the event's tracefs format file; each match is its own program because
// field offsets differ between events.
#include "probes/provider.h"
#include "probes/providers.h"
#include "frontend/sema/btf_types.h"
#include "runtime/tracefs.h"

namespace probe {

namespace {

class TracepointProvider : public ProbeProvider {
 public:
  std::string_view name() const override { return "tracepoint"; }
  std::vector<std::string_view> aliases() const override { return {"t"}; }
  ProbeKind kind() const override { return ProbeKind::Tracepoint; }

  // When the format file can't be read, the kernel's BTF still describes
  // most events as `struct trace_event_raw_EVENT` (its `ent` header skipped).
  static Result<std::shared_ptr<const Record>> from_btf(BtfTypes &btf, const std::string &cat,
                                                        const std::string &ev, const Error &why) {
    if (!btf.available()) return why;
    auto raw = btf.record("struct trace_event_raw_" + ev);
    if (!raw) return why;
    auto rec = std::make_shared<Record>();
    rec->name = "tracepoint:" + cat + ":" + ev;
    rec->size = (*raw)->size;
    for (const auto &f : (*raw)->fields)
      if (f.name != "ent" && f.name != "__data") rec->fields.push_back(f);
    return std::shared_ptr<const Record>(rec);
  }

  void expand(const ast::AttachPoint &ap, ExpandEnv &env, Diagnostics &diags,
              std::vector<ExpandedProbe> &out) const override {
    if (ap.parts.size() != 3 || ap.parts[1].empty() || ap.parts[2].empty()) {
      diags.error(ap.loc, "tracepoint needs a category and an event");
      diags.hint("write `tracepoint:syscalls:sys_enter_openat`; list them with `probe -l 'tracepoint:*'`");
      return;
    }
    std::vector<std::pair<std::string, std::string>> events;
    if (has_wildcard(ap.parts[1]) || has_wildcard(ap.parts[2])) {
      auto l = list_tracepoints(ap.parts[1], ap.parts[2]);
      if (!l) {
        diags.error(ap.loc, l.error());
        return;
      }
      if (l->empty()) {
        diags.error(ap.loc, "no tracepoint matches '" + ap.parts[1] + ":" + ap.parts[2] + "'");
        diags.hint("list them with `probe -l 'tracepoint:" + ap.parts[1] + ":*'`");
        return;
      }
      events = std::move(*l);
    } else {
      events.emplace_back(ap.parts[1], ap.parts[2]);
    }
    for (auto &[cat, ev] : events) {
      auto rec = tracepoint_format(cat, ev);
      if (!rec) rec = from_btf(env.btf, cat, ev, rec.error());
      if (!rec) {
        diags.error(ap.loc, rec.error());
        return;
      }
      ExpandedProbe e;
      e.prog.kind = ProbeKind::Tracepoint;
      e.prog.path = cat;
      e.prog.func = ev;
      e.prog.display = "tracepoint:" + cat + ":" + ev;
      e.prog.loc = ap.loc;
      e.args = *rec;
      out.push_back(std::move(e));
    }
  }

  ProbeContext context() const override {
    ProbeContext c;
    c.has_args = true;
    c.space = AddrSpace::Kernel;
    return c;
  }

  std::string section(const ProbeProgram &p) const override {
    return "tracepoint/" + p.path + "/" + p.func;
  }

  Result<std::vector<BpfLink>> attach(const ProbeProgram &p, bpf_program *prog,
                                      const Config &) const override {
    return single_link(attach_tracepoint(prog, p.path, p.func));
  }
};

}  // namespace

const ProbeProvider *tracepoint_provider() {
  static const TracepointProvider p;
  return &p;
}

}  // namespace probe
