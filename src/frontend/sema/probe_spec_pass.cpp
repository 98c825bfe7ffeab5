// Ast -> Probes: splits each attach point, finds its provider, validates it
// and expands wildcards into one concrete program per match.
#include <algorithm>

#include "frontend/sema/sema.h"
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

// The attach point with each $N replaced by positional parameter N ("" when
// missing), as bpftrace does (`uprobe:$1:main`, `interval:s:$2`); quoted
// parts are kept as written.
std::string substitute_params(const std::string &raw, const std::vector<std::string> &params) {
  std::string out;
  bool quoted = false;
  for (size_t i = 0; i < raw.size(); i++) {
    char c = raw[i];
    if (c == '"') quoted = !quoted;
    if (c != '$' || quoted || i + 1 >= raw.size() || !isdigit(static_cast<unsigned char>(raw[i + 1]))) {
      out += c;
      continue;
    }
    size_t j = i + 1;
    while (j < raw.size() && isdigit(static_cast<unsigned char>(raw[j]))) j++;
    std::string digits = raw.substr(i + 1, j - i - 1);
    size_t n = digits.size() > 9 ? 0 : std::stoul(digits);
    if (n >= 1 && n <= params.size()) out += params[n - 1];
    i = j - 1;
  }
  return out;
}

// unroll($N): the count becomes the parameter's number (0 when missing, as
// bpftrace reads a missing one), so sema and the size budget see a constant.
void resolve_unroll_params(ast::Block &b, const std::vector<std::string> &params) {
  for (auto &s : b) {
    switch (s->kind) {
      case ast::StmtKind::Unroll: {
        auto &u = ast::as<ast::Unroll>(*s);
        if (u.count->kind == ast::ExprKind::Positional) {
          const auto &p = ast::as<ast::Positional>(*u.count);
          uint64_t v = 0;
          if (!p.is_count && p.index >= 1 &&
              (static_cast<size_t>(p.index) > params.size() || parse_param(params[p.index - 1], &v) == ParamKind::Integer))
            u.count = std::make_unique<ast::Integer>(v, u.count->loc);
        }
        resolve_unroll_params(u.body, params);
        break;
      }
      case ast::StmtKind::If:
        resolve_unroll_params(ast::as<ast::If>(*s).then, params);
        resolve_unroll_params(ast::as<ast::If>(*s).otherwise, params);
        break;
      case ast::StmtKind::While: resolve_unroll_params(ast::as<ast::While>(*s).body, params); break;
      case ast::StmtKind::For: resolve_unroll_params(ast::as<ast::For>(*s).body, params); break;
      default: break;
    }
  }
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
      resolve_unroll_params(probe->body, ctx.config.params);
      if (probe->attach_points.size() > 1) {
        if (!expand_several(ctx, *probe)) return false;
        continue;
      }
      for (auto &ap : probe->attach_points) {
        // Resolving attach points can be slow (ELF symbol tables): once the
        // diagnostics cap is reached, the rest would only be dropped.
        if (ctx.diags.full()) {
          ctx.diags.mark_stopped();
          return false;
        }
        expand_one(ctx, *probe, *ap, ctx.diags);
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
  // A probe with several attach points: one that does not exist on this
  // system (a tracepoint, function or symbol that is not there) is a warning
  // when others attach, as in bpftrace (config missing_probes: error refuses
  // it, ignore says nothing); when none exists it is an error. False when
  // the diagnostics cap was reached.
  bool expand_several(PassContext &ctx, ast::Probe &probe) {
    struct Outcome {
      Diagnostics diags;
      bool missing = false;
    };
    std::vector<Outcome> out(probe.attach_points.size());
    size_t attached = 0, failed = 0;
    bool stopped = false;
    for (size_t i = 0; i < probe.attach_points.size(); i++) {
      // Resolving attach points can be slow (ELF symbol tables): past the
      // diagnostics cap the rest would only be dropped.
      if (ctx.diags.full() || failed >= ctx.diags.max_diagnostics()) {
        out.resize(i);
        stopped = true;
        break;
      }
      auto &ap = *probe.attach_points[i];
      size_t before = ctx.probes.size();
      expand_one(ctx, probe, ap, out[i].diags);
      bool failed_here = out[i].diags.has_errors();
      out[i].missing = failed_here && ctx.probes.size() == before && is_missing(ap, out[i].diags);
      if (!failed_here) attached++;
      else failed++;
    }
    const std::string &policy = ctx.config.missing_probes;
    for (size_t i = 0; i < out.size(); i++) {
      if (out[i].missing && attached > 0 && policy != "error") {
        if (policy == "ignore") continue;
        const Diagnostic &first = out[i].diags.all().front();
        ctx.diags.warning(probe.attach_points[i]->loc, first.message);
        ctx.diags.hint("the probe attaches to its other attach points (config missing_probes = error refuses this)");
        continue;
      }
      for (const Diagnostic &d : out[i].diags.all()) {
        if (d.severity == Severity::Warning) ctx.diags.warning(d.loc, d.message);
        else if (d.has_loc) ctx.diags.error(d.loc, d.message);
        else ctx.diags.error(d.message);
        for (const auto &h : d.hints) ctx.diags.hint(h);
      }
    }
    if (stopped) ctx.diags.mark_stopped();
    return !stopped;
  }

  // True when ap failed because what it names does not exist here (not
  // because it is malformed). A function wildcard that matches nothing
  // counts too when others attach: bpftrace's tools list a function's
  // variants (`kprobe:lookup_fast, kprobe:lookup_fast.constprop.*`) for
  // kernels that have one or the other. A tracepoint wildcard that matches
  // nothing stays an error, as in bpftrace 0.17 ("tracepoints not found").
  static bool is_missing(const ast::AttachPoint &ap, const Diagnostics &d) {
    bool tracepoint = !ap.parts.empty() && (ap.parts[0] == "tracepoint" || ap.parts[0] == "t");
    if (tracepoint && ap.raw.find_first_of("*?[") != std::string::npos) return false;
    static const char *const phrases[] = {"no such file", "not found", "not traceable", "no function",
                                          "no raw tracepoint named", "does not exist", "cannot find",
                                          "no traceable kernel function", "no symbol", "matches nothing", "no function matches"};
    for (const Diagnostic &e : d.all()) {
      if (e.severity != Severity::Error) continue;
      std::string m = e.message;
      for (char &c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (const char *p : phrases)
        if (m.find(p) != std::string::npos) return true;
    }
    return false;
  }

  void expand_one(PassContext &ctx, ast::Probe &probe, ast::AttachPoint &ap, Diagnostics &diags) {
    if (ap.raw.find('$') != std::string::npos) ap.raw = substitute_params(ap.raw, ctx.config.params);
    ap.parts = split_attach_point(ap.raw);
    const std::string &type = ap.parts[0];
    const ProbeProvider *prov = find_provider(type);
    if (!prov) {
      if (is_unimplemented_type(type)) {
        diags.error(ap.loc, "probe type '" + type + "' is not implemented yet");
        diags.hint("this build supports " + join(provider_names(), ", "));
        return;
      }
      diags.error(ap.loc, "unknown probe type '" + type + "'");
      auto pn = provider_names();
      std::vector<std::string> names(pn.begin(), pn.end());
      std::string near = closest(type, names);
      if (!near.empty())
        diags.hint("did you mean '" + near + "'?");
      else
        diags.hint("probe types are " + join(provider_names(), ", "));
      return;
    }
    ap.provider = std::string(prov->name());
    size_t first = ctx.probes.size();
    ExpandEnv env{ctx.config, ctx.btf()};
    prov->expand(ap, env, diags, ctx.probes);
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
