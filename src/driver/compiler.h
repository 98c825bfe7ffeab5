// The library entry point: program text in, BPF object and tables out.
#pragma once

#include <memory>

#include "pipeline/pass.h"
#include "runtime/session.h"

namespace probe {

// Runs the whole pipeline on src. Returns the pass context: its `diags`
// hold any errors, and `output` the compiled program when there are none.
std::unique_ptr<PassContext> compile(const Config &cfg, SourceFile src);

// The provider that handles probes of this kind (for attaching).
const ProbeProvider *provider_for(ProbeKind kind);

// The session's attach callback: dispatches each probe to its provider.
AttachFn make_attach_fn(const Config &cfg);
// The session's before-load callback: lets each provider configure its program.
PrepareFn make_prepare_fn(const Config &cfg);

}  // namespace probe
