// Ast -> Probes: splits each attach point, finds its provider, validates it
// and expands wildcards into one concrete program per match.
#include <algorithm>

#include "pipeline/pass.h"
#include "util/strings.h"

namespace probe {

namespace {

// Provider names users may know from bpftrace that this build lacks.
bool is_unimplemented_type(const std::string &n) {
  static const char *names[] = {"hardware", "usdt", "watchpoint", "asyncwatchpoint", "iter",
                                "h", "U", "w"};
  return std::find(std::begin(names), std::end(names), n) != std::end(names);
}

class ProbeSpecPass : public Pass {
 public:
  const char *name() const override { return "probe-spec"; }
  std::vector<Artifact> reads() const override { return {Artifact::Ast}; }
  std::vector<Artifact> produces() const override { return {Artifact::Probes}; }

  bool run(PassContext &ctx) override {
    int index = 0;
    for (auto &probe : ctx.ast->probes) {
      probe->index = index++;
      for (auto &ap : probe->attach_points) {
        // Resolving attach points can be slow (ELF symbol tables): once the
        // diagnostics cap is reached, the rest would only be dropped.
        if (ctx.diags.full()) {
          ctx.diags.mark_stopped();
          return false;
        }
        expand_one(ctx, *probe, *ap);
      }
    }
    if (!ctx.diags.has_errors() && ctx.probes.size() > ctx.config.max_probes) {
      ctx.diags.error(ctx.ast->probes.front()->loc,
                      "this program expands to " + std::to_string(ctx.probes.size()) +
                          " probes, more than the limit of " + std::to_string(ctx.config.max_probes));
      ctx.diags.hint("narrow the wildcards, or raise the limit with --max-probes N");
    }
    return !ctx.diags.has_errors();
  }

 private:
  void expand_one(PassContext &ctx, ast::Probe &probe, ast::AttachPoint &ap) {
    ap.parts = split_attach_point(ap.raw);
    const std::string &type = ap.parts[0];
    const ProbeProvider *prov = find_provider(type);
    if (!prov) {
      if (is_unimplemented_type(type)) {
        ctx.diags.error(ap.loc, "probe type '" + type + "' is not implemented yet");
        ctx.diags.hint("this build supports " + join(provider_names(), ", "));
        return;
      }
      ctx.diags.error(ap.loc, "unknown probe type '" + type + "'");
      auto pn = provider_names();
      std::vector<std::string> names(pn.begin(), pn.end());
      std::string near = closest(type, names);
      if (!near.empty())
        ctx.diags.hint("did you mean '" + near + "'?");
      else
        ctx.diags.hint("probe types are " + join(provider_names(), ", "));
      return;
    }
    ap.provider = std::string(prov->name());
    size_t first = ctx.probes.size();
    ExpandEnv env{ctx.config, ctx.btf()};
    prov->expand(ap, env, ctx.diags, ctx.probes);
    for (size_t i = first; i < ctx.probes.size(); i++) {
      ctx.probes[i].provider = prov;
      ctx.probes[i].probe_index = probe.index;
      ctx.probes[i].prog.prog_name = program_name(ctx.probes[i].prog, i);
    }
  }

  // ELF symbol for the program: readable in bpftool, unique by index.
  static std::string program_name(const ProbeProgram &p, size_t i) {
    std::string base;
    switch (p.kind) {
      case ProbeKind::Begin: base = "BEGIN"; break;
      case ProbeKind::End: base = "END"; break;
      default: base = p.func.empty() ? "probe" : p.func; break;
    }
    std::string out;
    for (char c : base) out += (isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
    return out.substr(0, 40) + "_" + std::to_string(i);
  }
};

}  // namespace

std::unique_ptr<Pass> CreateProbeSpecPass() { return std::make_unique<ProbeSpecPass>(); }

}  // namespace probe
