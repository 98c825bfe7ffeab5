// The library entry point: program text in, BPF object and tables out.
#pragma once

#include <memory>

#include "driver/pass.h"

namespace probe {

// Runs the whole pipeline on src. Returns the pass context: its `diags`
// hold any errors, and `output` the compiled program when there are none.
std::unique_ptr<PassContext> compile(const Config &cfg, SourceFile src);

// The provider that handles probes of this kind (for attaching).
const ProbeProvider *provider_for(ProbeKind kind);

}  // namespace probe
