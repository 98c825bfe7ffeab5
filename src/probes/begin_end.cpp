// BEGIN and END: raw_tp programs never attached to anything; the session runs
// each once with BPF_PROG_TEST_RUN (BEGIN before any probe is attached, END
// after all are detached).
#include "probes/provider.h"
#include "probes/providers.h"

namespace probe {

namespace {

class SpecialProvider : public ProbeProvider {
 public:
  SpecialProvider(const char *name, ProbeKind kind) : name_(name), kind_(kind) {}
  std::string_view name() const override { return name_; }
  ProbeKind kind() const override { return kind_; }

  void expand(const ast::AttachPoint &ap, ExpandEnv &, Diagnostics &diags,
              std::vector<ExpandedProbe> &out) const override {
    if (ap.parts.size() != 1) {
      diags.error(ap.loc, std::string(name_) + " takes no arguments");
      diags.hint(std::string("write just `") + name_ + "`");
      return;
    }
    ExpandedProbe e;
    e.prog.kind = kind_;
    e.prog.display = name_;
    e.prog.loc = ap.loc;
    out.push_back(std::move(e));
  }

  ProbeContext context() const override { return ProbeContext{}; }
  std::string section(const ProbeProgram &) const override { return "raw_tp"; }
  Result<std::vector<BpfLink>> attach(const ProbeProgram &, bpf_program *,
                                      const Config &) const override {
    return std::vector<BpfLink>{};
  }

 private:
  const char *name_;
  ProbeKind kind_;
};

}  // namespace

const ProbeProvider *begin_provider() {
  static const SpecialProvider p("BEGIN", ProbeKind::Begin);
  return &p;
}

const ProbeProvider *end_provider() {
  static const SpecialProvider p("END", ProbeKind::End);
  return &p;
}

}  // namespace probe
