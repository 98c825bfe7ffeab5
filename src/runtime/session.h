// One tracing run: load the compiled object, run BEGIN, attach probes, pump
// events until told to stop, then END and the final map dump.
#pragma once

#include <cstdio>
#include <functional>
#include <vector>

#include "codegen/artifact.h"
#include "config.h"
#include "runtime/bpf_link.h"
#include "runtime/process.h"
#include "util/result.h"

struct bpf_program;

namespace probe {

// Attaches one probe's loaded program; supplied by the compiler's probe providers.
using AttachFn = std::function<Result<std::vector<BpfLink>>(const ProbeProgram &, bpf_program *)>;

// Configures one probe's program after open and before load (e.g. the
// attach target of fentry on a BPF program); supplied by the providers.
using PrepareFn = std::function<Status(const ProbeProgram &, bpf_program *)>;

// Runs prog to completion and returns the process exit status (0 ok, 1 error).
// child is the already spawned, still held -c command (or nullptr); program
// output goes to out_fd (stdout, or the -o file; not owned).
int run_session(const CompiledProgram &prog, const Config &cfg, const AttachFn &attach,
                ChildProcess *child = nullptr, const PrepareFn &prepare = nullptr, int out_fd = 1);

// Whether SIGINT/SIGTERM/SIGPIPE asked the running session to stop: lets a
// provider's loop over thousands of attach points give up early.
bool stop_requested();

// Number of attach points bpftrace would report in "Attaching N probes...".
size_t count_attach_points(const CompiledProgram &prog);

}  // namespace probe
