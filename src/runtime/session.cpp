#include "runtime/session.h"

#include <map>

#include <bpf/bpf.h>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "runtime/bpf_object.h"
#include "runtime/errors.h"
#include "runtime/event_loop.h"
#include "runtime/output.h"
#include "runtime/ksyms.h"
#include "runtime/map_full.h"
#include "runtime/privileges.h"
#include "util/log.h"

namespace probe {

namespace {

// The session's stop request (the one accepted piece of global state): set
// by SIGINT/SIGTERM (a stop with END and the map dump, like bpftrace) and by
// SIGPIPE (a quiet stop: the reader is gone, nothing more is printed).
volatile sig_atomic_t g_stop = 0;
volatile sig_atomic_t g_sigpipe = 0;
// SIGUSR1: print every map now and keep running (bpftrace's map dump on demand).
volatile sig_atomic_t g_usr1 = 0;

// First SIGINT/SIGTERM: stop gracefully. A second one: die of it at once
// (fds close, so the kernel detaches everything; the -c child has
// PR_SET_PDEATHSIG). Async-signal-safe: sigaction, raise.
void on_stop_signal(int sig) {
  if (g_stop) {
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, nullptr);
    raise(sig);  // blocked while in this handler; delivered on return
    return;
  }
  g_stop = 1;
}

void on_sigusr1(int) { g_usr1 = 1; }

void on_sigpipe(int) {
  g_sigpipe = 1;
  g_stop = 1;
}

// Installs the session's SIGINT/SIGTERM/SIGPIPE/SIGUSR1 handlers and restores the old ones after.
// SA_RESTART: a write blocked on a slow pipe resumes instead of failing
// with EINTR (which lost whole buffers); the event loop's epoll_wait is
// never restarted by the kernel (signal(7)), so polling still wakes up.
// SIGHUP and SIGQUIT keep their default action, as in bpftrace: the process
// dies, its fds close and the kernel detaches every link.
class SignalGuard {
 public:
  SignalGuard() {
    g_stop = 0;
    g_sigpipe = 0;
    g_usr1 = 0;
    struct sigaction sa = {};
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
    sa.sa_handler = on_sigpipe;
    sigaction(SIGPIPE, &sa, &old_pipe_);
    sa.sa_handler = on_sigusr1;
    sigaction(SIGUSR1, &sa, &old_usr1_);
  }
  ~SignalGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    sigaction(SIGPIPE, &old_pipe_, nullptr);
    sigaction(SIGUSR1, &old_usr1_, nullptr);
  }

 private:
  struct sigaction old_int_ = {}, old_term_ = {}, old_pipe_ = {}, old_usr1_ = {};
};

// Whether output can no longer be written (the reader left, or a write failed).
bool output_dead(const Output &out) { return g_sigpipe || out.write_error() != 0; }

// The exit status once output died: a broken pipe ends quietly with 128+SIGPIPE
// (what a shell reports for `yes | head`, so pipefail scripts see the same);
// any other write error is reported and exits 1.
int output_failure_status(const Output &out) {
  return write_failure_status(g_sigpipe ? EPIPE : out.write_error());
}

const ProbeProgram *probe_named(const CompiledProgram &prog, const std::string &name) {
  for (const auto &p : prog.probes)
    if (p.prog_name == name) return &p;
  return nullptr;
}

void report_load_failure(const CompiledProgram &prog, const Error &e, const LoadFailure &f,
                         const Config &cfg) {
  const ProbeProgram *p = f.prog_name.empty() ? nullptr : probe_named(prog, f.prog_name);
  if (f.full_log.empty()) {  // not the verifier: resources or policy; name what the kernel refused
    Error named = e;
    if (p) named.message = "cannot load the BPF program of " + p->display + ": " + errno_text(e.err);
    for (const auto &m : prog.maps)
      if (!f.map_name.empty() && m.bpf_name == f.map_name)
        named.message = "cannot create the BPF map of " + m.name + " (" + f.map_detail + "): " + errno_text(e.err);
    report_error(stderr, named);
    return;
  }
  std::string display = p ? p->display : f.prog_name;
  std::fprintf(stderr, "probe: error: the BPF verifier rejected probe '%s'\n", display.c_str());
  // BTF line info makes the verifier quote our source as "; TEXT @ FILE:LINE";
  // the last quote before the failure is where it gave up.
  std::string where;
  size_t pos = 0;
  while (pos < f.full_log.size()) {
    size_t end = f.full_log.find('\n', pos);
    if (end == std::string::npos) end = f.full_log.size();
    std::string line = f.full_log.substr(pos, end - pos);
    size_t at = line.rfind(" @ ");
    if (line.rfind("; ", 0) == 0 && at != std::string::npos)
      where = line.substr(at + 3) + ": " + line.substr(2, at - 2);
    pos = end + 1;
  }
  if (!where.empty()) std::fprintf(stderr, "  at %s\n", where.c_str());
  if (!f.summary.empty()) std::fprintf(stderr, "  %s\n", f.summary.c_str());
  if (cfg.verbose && !f.full_log.empty())
    std::fprintf(stderr, "verifier log:\n%s\n", f.full_log.c_str());
  else if (!f.full_log.empty())
    std::fprintf(stderr, "hint: run with -v to see the full verifier log\n");
}

// Runs every program of the given kind once (BEGIN or END).
Status run_kind(const CompiledProgram &prog, BpfObject &obj, ProbeKind kind) {
  for (const auto &p : prog.probes) {
    if (p.kind != kind) continue;
    bpf_program *bp = obj.find_program(p.prog_name);
    if (!bp) return make_error("program '" + p.prog_name + "' for " + p.display + " is missing from the object");
    if (auto st = run_prog_once(bp); !st) {
      Error e = st.error();
      if (e.err) e.message = "cannot run " + p.display + ": " + errno_text(e.err);  // not its ELF name
      return e;
    }
  }
  return Ok{};
}

// Kinds whose programs on one event the kernel runs last-attached first: a
// uprobe's consumers, a kprobe's aggregated handlers and a BPF trampoline's
// programs are added at the head of their list (6.1 and 6.18: corpus
// order_*); tracepoints, raw tracepoints and kretprobes (6.1) run in attach order.
bool runs_last_attached_first(ProbeKind k) {
  return k == ProbeKind::Uprobe || k == ProbeKind::Uretprobe || k == ProbeKind::Kprobe || k == ProbeKind::Fentry ||
         k == ProbeKind::Fexit;
}

// The attach order that makes probes on one event run in the order they are
// written (bpftrace's behaviour): source order, except that programs of a
// kind the kernel runs last-attached first, on the same target, trade
// places so the last of them attaches first.
std::vector<const ProbeProgram *> attach_order(const CompiledProgram &prog) {
  std::vector<const ProbeProgram *> order;
  for (const auto &p : prog.probes) order.push_back(&p);
  std::map<std::string, std::vector<size_t>> groups;  // same kind and target -> positions
  for (size_t i = 0; i < order.size(); i++) {
    const ProbeProgram &p = *order[i];
    if (!runs_last_attached_first(p.kind)) continue;
    std::string key = std::to_string(static_cast<int>(p.kind)) + '\n' + p.path + '\n' + p.func + '\n' +
                      std::to_string(p.offset);
    for (const auto &f : p.funcs) key += '\n' + f;
    groups[key].push_back(i);
  }
  for (const auto &[key, pos] : groups) {
    std::vector<const ProbeProgram *> members;
    for (size_t i : pos) members.push_back(order[i]);
    for (size_t k = 0; k < pos.size(); k++) order[pos[k]] = members[pos.size() - 1 - k];
  }
  return order;
}

// Attaches every probe that is not BEGIN/END; links land in *links.
Status attach_all(const CompiledProgram &prog, BpfObject &obj, const AttachFn &attach,
                  std::vector<BpfLink> *links) {
  for (const ProbeProgram *pp : attach_order(prog)) {
    const ProbeProgram &p = *pp;
    if (p.kind == ProbeKind::Begin || p.kind == ProbeKind::End) continue;
    if (g_stop) break;  // Ctrl-C while attaching: stop, then END and maps as usual
    bpf_program *bp = obj.find_program(p.prog_name);
    if (!bp) return make_error("program '" + p.prog_name + "' for " + p.display + " is missing from the object");
    if (!attach) return make_error("no attach function for " + p.display);
    auto r = attach(p, bp);
    if (!r) {
      Error e = r.error();
      if (e.message.find(p.display) == std::string::npos && e.message.find("cannot attach") == std::string::npos)
        e.message = "cannot attach " + p.display + ": " + e.message;
      return e;
    }
    for (auto &l : *r) links->push_back(std::move(l));
  }
  return Ok{};
}

// Whether the traced process (-p or -c) is gone.
bool target_gone(const Config &cfg, ChildProcess *child) {
  if (child) return child->exited();
  if (!cfg.pid) return false;
  if (kill(*cfg.pid, 0) != 0 && errno == ESRCH) return true;
  // A zombie whose parent has not reaped it yet has exited too.
  std::FILE *f = std::fopen(("/proc/" + std::to_string(*cfg.pid) + "/stat").c_str(), "r");
  if (!f) return true;
  char buf[512];
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  const char *paren = std::strrchr(buf, ')');
  return paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
}

// Polls until a signal, exit(), or the traced process ending; prints the
// maps on SIGUSR1 and checks for lost events and full maps once a second.
Status pump(EventLoop &loop, Output &out, const Config &cfg, ChildProcess *child, MapFullMonitor &full) {
  auto last_lost = std::chrono::steady_clock::now();
  while (!g_stop && !loop.exit_requested() && !output_dead(out)) {
    if (auto st = loop.poll(100); !st) return st;
    if (g_usr1) {  // after the events before it, like bpftrace
      g_usr1 = 0;
      out.print_all_maps(false);
    }
    if (target_gone(cfg, child)) break;
    auto now = std::chrono::steady_clock::now();
    if (now - last_lost > std::chrono::seconds(1)) {
      loop.report_lost();
      full.check();
      last_lost = now;
    }
  }
  return Ok{};
}

// -B as the writer's mode; Auto is bpftrace's stdio default: line-buffered on
// a terminal, else full (which here still writes out at every poll, <= 0.1 s).
FdWriter::Mode buffer_mode(BufferMode m, int fd) {
  switch (m) {
    case BufferMode::None: return FdWriter::Mode::None;
    case BufferMode::Line: return FdWriter::Mode::Line;
    case BufferMode::Full: return FdWriter::Mode::Full;
    case BufferMode::Auto: break;
  }
  return isatty(fd) ? FdWriter::Mode::Line : FdWriter::Mode::Full;
}

// Kernel symbols from kallsyms (loaded on first use) and stacks from the
// stack-trace map, for printing Ksym and Kstack values.
ValueContext make_value_context(const CompiledProgram &prog, BpfObject &obj) {
  ValueContext ctx;
  ctx.ksym = [](uint64_t addr) { return ksym_name(addr, false); };
  int stacks_fd = prog.uses_stacks ? obj.map_fd(kStackMap) : -1;
  if (stacks_fd >= 0) {
    ctx.kstack = [stacks_fd](int64_t id) {
      std::vector<std::string> frames;
      uint64_t ips[kMaxStackDepth] = {};
      uint32_t key = static_cast<uint32_t>(id);
      if (bpf_map_lookup_elem(stacks_fd, &key, ips) != 0) return frames;
      for (uint64_t ip : ips) {
        if (!ip) break;
        frames.push_back(ksym_name(ip, true));
      }
      return frames;
    };
  }
  return ctx;
}

// Everything after the loaded object exists: returns the exit status.
int run_loaded(const CompiledProgram &prog, const Config &cfg, const AttachFn &attach,
               ChildProcess *child, BpfObject &obj, int out_fd) {
  std::vector<int> fds;
  for (const auto &m : prog.maps) fds.push_back(obj.map_fd(m.bpf_name));
  Output out(out_fd, cfg.format, prog, fds);
  out.set_cat_bytes_max(cfg.cat_bytes_max);
  out.set_buffering(buffer_mode(cfg.buffering, out_fd));
  out.set_value_context(make_value_context(prog, obj));
  MapFullMonitor full(prog.counts_map_full ? obj.map_fd(kMapFullMap) : -1, prog);
  auto loop = EventLoop::create(obj.map_fd(kEventsMap), obj.map_fd(kLostMap), prog, out);
  if (!loop) return report_error(stderr, loop.error()), 1;
  SignalGuard signals;
  loop->set_stop_flag(&g_stop);
  if (!cfg.quiet) out.attached_probes(count_attach_points(prog));
  if (output_dead(out)) return output_failure_status(out);  // e.g. > /dev/full: before attaching anything
  if (auto st = run_kind(prog, obj, ProbeKind::Begin); !st) return report_error(stderr, st.error()), 1;
  if (auto st = loop->drain(); !st) return report_error(stderr, st.error()), 1;
  std::vector<BpfLink> links;
  bool failed = false;  // reading events failed: END and maps still run, exit 1
  if (!loop->exit_requested() && !output_dead(out)) {
    if (auto st = attach_all(prog, obj, attach, &links); !st) return report_error(stderr, st.error()), 1;
    if (!g_stop && std::getenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED")) {  // not when attach was cut short
      static constexpr std::string_view kNotify = "__BPFTRACE_NOTIFY_PROBES_ATTACHED\n";
      if (out_fd == STDOUT_FILENO) out.raw(kNotify);
      else (void)write_all(STDOUT_FILENO, kNotify.data(), kNotify.size());  // not into the -o file
      out.flush();
    }
    // Not when Ctrl-C came during attach (the command must not start), nor
    // when the held child already died (writing to its pipe would SIGPIPE us).
    if (child && !g_stop && !child->exited())
      if (auto st = child->release(); !st) return report_error(stderr, st.error()), 1;
    if (auto st = pump(*loop, out, cfg, child, full); !st) {
      report_error(stderr, st.error());
      failed = true;
    }
  }
  // Detach before END so nothing else fires. Closing a link waits for the
  // kernel (~0.1 s per uprobe, ~0.04 s per tracepoint on 6.18): logged so
  // tests can tell our exit latency from the kernel's.
  size_t nlinks = links.size();
  auto detach_start = std::chrono::steady_clock::now();
  links.clear();
  PROBE_LOG(Debug, "detached %zu links in %.3f s", nlinks,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - detach_start).count());
  // Output that cannot be written: no END, no map dump (nothing would arrive).
  if (output_dead(out)) return output_failure_status(out);
  (void)loop->drain();
  loop->accept_after_exit();
  if (auto st = run_kind(prog, obj, ProbeKind::End); !st) report_error(stderr, st.error()), failed = true;
  (void)loop->drain();
  out.flush();          // what came before the warning, in order on a terminal
  full.final_report();  // before the maps, so the warning is next to what it is about
  if (cfg.print_maps_on_exit) out.print_all_maps();  // config print_maps_on_exit = false: none
  if (out.map_read_failed()) failed = true;  // and END failing (above): exit 1 too
  loop->report_lost();
  if (!out.flush() || output_dead(out)) return output_failure_status(out);
  return failed ? 1 : loop->exit_code();
}

}  // namespace

bool stop_requested() { return g_stop != 0; }

size_t count_attach_points(const CompiledProgram &prog) {
  size_t n = 0;
  for (const auto &p : prog.probes) n += p.funcs.empty() ? 1 : p.funcs.size();
  return n;
}

int run_session(const CompiledProgram &prog, const Config &cfg, const AttachFn &attach,
                ChildProcess *child, const PrepareFn &prepare, int out_fd) {
  install_libbpf_logger();
  if (auto st = check_privileges(); !st) return report_error(stderr, st.error()), 1;
  auto obj = BpfObject::open_mem(prog.elf, "probe");
  if (!obj) return report_error(stderr, obj.error()), 1;
  if (prepare) {
    for (const auto &p : prog.probes) {
      bpf_program *bp = obj->find_program(p.prog_name);
      if (!bp) continue;
      if (auto st = prepare(p, bp); !st) return report_error(stderr, st.error()), 1;
    }
  }
  LoadFailure fail;
  if (auto st = obj->load(&fail); !st) {
    report_load_failure(prog, st.error(), fail, cfg);
    return 1;
  }
  int rc = run_loaded(prog, cfg, attach, child, *obj, out_fd);
  // Unloading is the kernel's time too (many kprobe programs: seconds under TCG).
  auto unload_start = std::chrono::steady_clock::now();
  { BpfObject gone(std::move(*obj)); }
  PROBE_LOG(Debug, "unloaded the programs in %.3f s",
            std::chrono::duration<double>(std::chrono::steady_clock::now() - unload_start).count());
  return rc;
}

}  // namespace probe
