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
    if (ap.raw.find('$') != std::string::npos) ap.raw = substitute_params(ap.raw, ctx.config.params);
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
