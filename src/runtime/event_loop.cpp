#include "runtime/event_loop.h"

#include <csignal>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "runtime/errors.h"
#include "util/log.h"

namespace probe {

struct EventLoop::State {
  ring_buffer *rb = nullptr;
  int lost_fd = -1;
  uint64_t lost_reported = 0;
  bool exit_seen = false;
  int exit_code = 0;  // exit(code)
  // While polling (not draining), stop after a batch or on a stop request so
  // a busy producer cannot keep the loop from checking Ctrl-C and exit().
  bool bounded = false;
  size_t batch = 0;
  const volatile sig_atomic_t *stop = nullptr;
  bool discard = false;
  const CompiledProgram *prog = nullptr;
  Output *out = nullptr;

  ~State() {
    if (rb) ring_buffer__free(rb);
  }
};

namespace {

// Renders one record; exit() makes later records be dropped.
int dispatch(EventLoop::State &s, const void *data, size_t size);

int on_sample(void *ctx, void *data, size_t size) {
  auto &s = *static_cast<EventLoop::State *>(ctx);
  int rc = dispatch(s, data, size);  // the record is consumed either way
  // Output that cannot be written stops the batch too: the session is ending.
  if (rc == 0 && s.bounded &&
      (++s.batch >= 65536 || s.exit_seen || (s.stop && *s.stop) || s.out->write_error()))
    return -EINTR;
  return rc;
}

}  // namespace

Result<EventLoop> EventLoop::create(int events_fd, int lost_fd, const CompiledProgram &prog, Output &out) {
  EventLoop loop;
  loop.s_ = std::make_unique<State>();
  loop.s_->lost_fd = lost_fd;
  loop.s_->prog = &prog;
  loop.s_->out = &out;
  if (events_fd >= 0) {
    errno = 0;
    loop.s_->rb = ring_buffer__new(events_fd, on_sample, loop.s_.get(), nullptr);
    if (!loop.s_->rb) return sys_error("cannot set up the events ring buffer", errno ? errno : EINVAL);
  }
  return loop;
}

EventLoop::EventLoop(EventLoop &&o) noexcept = default;
EventLoop &EventLoop::operator=(EventLoop &&o) noexcept = default;
EventLoop::~EventLoop() = default;

int EventLoop::handle_record(const void *data, size_t size) { return dispatch(*s_, data, size); }

namespace {

int dispatch(EventLoop::State &s, const void *data, size_t size) {
  if (size < sizeof(EventHeader)) return 0;
  EventHeader h;
  std::memcpy(&h, data, sizeof h);
  const uint8_t *payload = static_cast<const uint8_t *>(data) + sizeof h;
  size_t psize = size - sizeof h;
  const CompiledProgram &p = *s.prog;
  if (s.discard) return 0;
  Status st = Ok{};
  switch (static_cast<EventKind>(h.kind)) {
    case EventKind::Printf:
      if (h.id < p.printfs.size()) s.out->printf_event(p.printfs[h.id], payload, psize);
      break;
    case EventKind::Print:
      if (h.id < p.prints.size()) s.out->print_event(p.prints[h.id], payload, psize);
      break;
    case EventKind::PrintMap: {
      uint64_t top_div[2] = {0, 1};  // print(@m, top, div) sends both
      if (psize >= sizeof top_div) std::memcpy(top_div, payload, sizeof top_div);
      st = s.out->print_map(h.id, top_div[0], top_div[1]);
      break;
    }
    case EventKind::PrintEntry: st = s.out->print_entry(h.id, payload, psize); break;
    case EventKind::ClearMap: st = s.out->clear_map(h.id); break;
    case EventKind::ZeroMap: st = s.out->zero_map(h.id); break;
    case EventKind::HelperError:
      if (h.id < p.helper_errors.size() && psize >= sizeof(int64_t)) {
        int64_t rc;
        std::memcpy(&rc, payload, sizeof rc);
        s.out->helper_error(p.helper_errors[h.id], rc);
      }
      break;
    case EventKind::Time:
      if (h.id < p.printfs.size()) s.out->time_event(p.printfs[h.id]);
      break;
    case EventKind::Join:
      if (h.id < p.printfs.size()) s.out->join_event(p.printfs[h.id], payload, psize);
      break;
    case EventKind::Cat:
      if (h.id < p.printfs.size()) s.out->cat_event(p.printfs[h.id], payload, psize);
      break;
    case EventKind::System:
      if (h.id < p.printfs.size()) s.out->system_event(p.printfs[h.id], payload, psize);
      break;
    case EventKind::Exit:
      if (psize >= 8) {
        int64_t code;
        std::memcpy(&code, payload, sizeof code);
        s.exit_code = static_cast<int>(code & 0xff);  // what a shell sees of exit(code)
      }
      s.exit_seen = true;
      s.discard = true;
      break;
    default:
      PROBE_LOG(Debug, "unknown event kind %u ignored", h.kind);
  }
  if (!st) report_error(stderr, st.error());
  return 0;
}

}  // namespace

Status EventLoop::poll(int timeout_ms) {
  if (!s_->rb) return Ok{};
  s_->bounded = true;
  s_->batch = 0;
  int n = ring_buffer__poll(s_->rb, timeout_ms);
  // Per-event records are submitted without waking us: take what arrived.
  if (n >= 0) n = ring_buffer__consume(s_->rb);
  s_->out->flush();
  if (n < 0 && n != -EINTR) return sys_error("cannot read the events ring buffer", -n);
  return Ok{};
}

Status EventLoop::drain() {
  if (!s_->rb) return Ok{};
  s_->bounded = false;
  int n = ring_buffer__consume(s_->rb);
  s_->out->flush();
  if (n < 0 && n != -EINTR) return sys_error("cannot read the events ring buffer", -n);
  return Ok{};
}

bool EventLoop::exit_requested() const { return s_->exit_seen; }

int EventLoop::exit_code() const { return s_->exit_code; }

void EventLoop::set_stop_flag(const volatile sig_atomic_t *stop) { s_->stop = stop; }

void EventLoop::accept_after_exit() { s_->discard = false; }

void EventLoop::report_lost() {
  if (s_->lost_fd < 0) return;
  int ncpus = libbpf_num_possible_cpus();
  if (ncpus <= 0) return;
  std::vector<uint64_t> vals(ncpus);
  uint32_t key = 0;
  if (bpf_map_lookup_elem(s_->lost_fd, &key, vals.data()) != 0) return;
  uint64_t total = 0;
  for (uint64_t v : vals) total += v;
  if (total > s_->lost_reported) {
    s_->out->lost_events(total - s_->lost_reported);
    s_->lost_reported = total;
  }
}

}  // namespace probe
