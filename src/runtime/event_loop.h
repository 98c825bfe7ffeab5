// Consumes the `events` ring buffer and dispatches each record by its
// EventHeader to Output; also watches the `lost_events` counter.
#pragma once

#include <csignal>

#include <cstdint>
#include <memory>

#include "codegen/artifact.h"
#include "runtime/output.h"
#include "util/result.h"

namespace probe {

// Owns the libbpf ring_buffer consumer; move-only, freed on destruction.
class EventLoop {
 public:
  // events_fd: the ring buffer map; lost_fd: per-CPU array[1] of u64 (-1 if absent).
  static Result<EventLoop> create(int events_fd, int lost_fd, const CompiledProgram &prog, Output &out);

  EventLoop(EventLoop &&) noexcept;
  EventLoop &operator=(EventLoop &&) noexcept;
  ~EventLoop();

  // Waits up to timeout_ms for records and handles them; flushes output.
  Status poll(int timeout_ms);
  // Handles every record already in the buffer without waiting.
  Status drain();
  // An exit() event was seen.
  bool exit_requested() const;
  // The status exit(code) asked for (0 for exit() or none).
  int exit_code() const;
  // A flag (set by a signal handler) that makes poll() return early.
  void set_stop_flag(const volatile sig_atomic_t *stop);
  // After exit(), further records are dropped (like bpftrace) until this is called.
  void accept_after_exit();
  // Prints "Lost N events" for losses since the last report.
  void report_lost();

  // Dispatches one raw record (exposed for tests); returns 0.
  int handle_record(const void *data, size_t size);

  // Consumer state; heap-allocated so libbpf's callback context survives moves.
  struct State;

 private:
  EventLoop() = default;
  std::unique_ptr<State> s_;
};

}  // namespace probe
