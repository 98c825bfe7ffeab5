// Constants from the installed libc and UAPI headers (AF_INET, EPERM,
// DT_REG, SIGKILL, ...), the last link of the name environment. On the
// first lookup a fixed list of headers is preprocessed once (without
// expanding their text); a name is then an object-like macro that folds to
// an integer or an enumerator of an `enum { ... }` in those headers (glibc
// writes DT_REG, IPPROTO_TCP and SOCK_STREAM as enumerators).
#include <map>

#include "frontend/pp_engine.h"

namespace probe {

namespace {

// The headers scripts commonly take constants from; a missing one is skipped.
constexpr const char *kHeaders[] = {
    "sys/socket.h",    "netinet/in.h",       "errno.h",          "dirent.h",          "fcntl.h",
    "signal.h",        "sys/mman.h",         "linux/icmp.h",     "linux/icmpv6.h",    "linux/if_ether.h",
    "linux/sched.h",   "sys/stat.h",         "linux/fs.h",       "sys/wait.h",        "linux/tcp.h",
    "linux/netlink.h", "sys/ptrace.h",       "linux/capability.h", "sys/resource.h",  "linux/futex.h",
    "linux/if_packet.h", "linux/in6.h",      "linux/perf_event.h", "linux/bpf.h",     "sys/epoll.h",
    "linux/sockios.h", "sys/prctl.h",        "linux/limits.h",   "linux/ioprio.h",    "linux/mman.h",
    "netinet/tcp.h",   "linux/if_arp.h",     "linux/ip.h",       "linux/ipv6.h",      "linux/udp.h",
};

struct Entry {
  int64_t value;
  std::string header;
};

}  // namespace

struct SystemConstants::State {
  MacroTable macros;
  std::map<std::string, Entry> enums;
  std::map<std::string, std::optional<std::pair<int64_t, std::string>>> cache;

  void build(const std::vector<std::string> &dirs);
  void scan_enums(const std::string &text, const std::string &header);
  std::optional<int64_t> enumerator_value(std::vector<pp::Tok> expr);
};

SystemConstants::SystemConstants(std::vector<std::string> system_dirs) : dirs_(std::move(system_dirs)) {}
SystemConstants::~SystemConstants() = default;

void SystemConstants::State::build(const std::vector<std::string> &dirs) {
  PreprocessOptions opts;
  opts.system_dirs = dirs;
  opts.have_btf = true;  // a missing header is skipped
  SourceFile src;
  src.name = "<system constants>";
  for (const char *h : kHeaders) src.text += std::string("#include <") + h + ">\n";
  Diagnostics scratch(size_t{1} << 20);
  pp::Engine engine(opts, scratch, false);
  Preprocessed r = engine.run(src);
  macros = std::move(r.macros);
  for (const HeaderText &h : r.headers) scan_enums(h.text, h.path);
}

std::optional<int64_t> SystemConstants::State::enumerator_value(std::vector<pp::Tok> expr) {
  pp::Budget budget;
  budget.max_work = size_t{1} << 18;
  budget.max_tokens = size_t{1} << 14;
  expr = pp::expand(std::move(expr), macros, budget);
  if (budget.overflow) return std::nullopt;
  // Enumerators left after expansion (also self-referring macros such as
  // `#define DT_REG DT_REG`) take their values.
  std::vector<pp::Tok> folded;
  for (pp::Tok &t : expr) {
    auto it = t.kind == pp::TokKind::Ident ? enums.find(t.text) : enums.end();
    if (it == enums.end()) {
      folded.push_back(std::move(t));
      continue;
    }
    int64_t v = it->second.value;
    pp::Tok n;
    n.kind = pp::TokKind::Number;
    n.text = std::to_string(v < 0 ? 0 - uint64_t(v) : uint64_t(v));
    if (v < 0) {
      pp::Tok p;
      p.kind = pp::TokKind::Punct;
      p.text = "(";
      folded.push_back(p);
      p.text = "-";
      folded.push_back(p);
      folded.push_back(n);
      p.text = ")";
      folded.push_back(p);
    } else {
      folded.push_back(n);
    }
  }
  auto v = pp::evaluate(folded, false, nullptr);
  if (!v) return std::nullopt;
  return int64_t(v->bits);
}

// Reads `enum [tag] { NAME [= expr], ... }` bodies in header text.
void SystemConstants::State::scan_enums(const std::string &text, const std::string &header) {
  std::vector<pp::Tok> toks;
  pp::tokenize(text, toks);
  for (size_t i = 0; i < toks.size(); ++i) {
    if (toks[i].kind != pp::TokKind::Ident || toks[i].text != "enum") continue;
    size_t k = i + 1;
    if (k < toks.size() && toks[k].kind == pp::TokKind::Ident) ++k;
    if (k >= toks.size() || !toks[k].is("{")) continue;
    std::optional<int64_t> next = 0;
    for (++k; k < toks.size() && !toks[k].is("}");) {
      if (toks[k].kind != pp::TokKind::Ident) break;
      std::string name = toks[k++].text;
      std::optional<int64_t> value = next;
      if (k < toks.size() && toks[k].is("=")) {
        std::vector<pp::Tok> expr;
        int depth = 0;
        for (++k; k < toks.size(); ++k) {
          if (depth == 0 && (toks[k].is(",") || toks[k].is("}"))) break;
          if (toks[k].is("(")) ++depth;
          if (toks[k].is(")")) --depth;
          expr.push_back(toks[k]);
        }
        value = enumerator_value(std::move(expr));
      }
      if (value) enums[name] = Entry{*value, header};
      next = value ? std::optional<int64_t>(*value + 1) : std::nullopt;
      if (k < toks.size() && toks[k].is(",")) ++k;
    }
    i = k;
  }
}

std::optional<std::pair<int64_t, std::string>> SystemConstants::lookup(const std::string &name) {
  if (!state_) {
    state_ = std::make_unique<State>();
    state_->build(dirs_);
  }
  auto c = state_->cache.find(name);
  if (c != state_->cache.end()) return c->second;
  std::optional<std::pair<int64_t, std::string>> r;
  auto m = state_->macros.find(name);
  if (m != state_->macros.end() && !m->second.function_like && m->second.file != "<built-in>") {
    std::vector<pp::Tok> toks(1);
    toks[0].kind = pp::TokKind::Ident;
    toks[0].text = name;
    if (auto v = state_->enumerator_value(std::move(toks))) r = std::make_pair(*v, m->second.file);
  }
  if (!r) {
    auto e = state_->enums.find(name);
    if (e != state_->enums.end()) r = std::make_pair(e->second.value, e->second.header);
  }
  state_->cache.emplace(name, r);
  return r;
}

}  // namespace probe
