// The call-site table behind -k / -kk: what user space prints when a BPF
// helper fails, built at compile time so the runtime needs no source.
#pragma once

#include <cstdint>
#include <string>

#include "codegen/artifact.h"
#include "frontend/diagnostics.h"

namespace probe {

// bpftrace's name for helper `id` ("map_update_elem"), as its warnings print it.
std::string helper_func_name(uint32_t id);

// The site of helper `id` at loc in src: its "file:L:C-C" and quoted, underlined line.
HelperErrorSite make_helper_error_site(uint32_t id, const Loc &loc, const SourceFile &src);

}  // namespace probe
