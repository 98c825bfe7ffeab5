// The program-size budget checked before type inference and codegen.
#pragma once

#include <cstdint>

#include "frontend/ast.h"
#include "frontend/diagnostics.h"

namespace probe {

// Most expression and statement nodes one probe may ask codegen to emit,
// counting an unroll body once per repetition. LLVM's time grows faster
// than linearly with the size of one BPF function (2,000 map updates in
// one probe take ~0.7 s, 3,000 ~2.6 s: SelectionDAG scheduling of one
// huge block) and the verifier refuses long before; real probes stay far
// below.
constexpr uint64_t kMaxProbeNodes = 8000;
// The whole program's nodes per allowed probe (--max-probes): LLVM's time
// is linear in the number of probes, so the total scales with that limit
// (1,024 probes: 32,768 nodes, a few seconds of LLVM at most).
constexpr uint64_t kProgramNodesPerProbe = 32;
// What a map access or a call counts in the budget (other nodes count 1).
constexpr uint64_t kHeavyNode = 4;

// Reports (once) where a probe exceeds probe_limit nodes or the program
// program_limit, naming the unroll responsible if any; returns false then.
bool check_program_budget(const ast::Program &program, Diagnostics &diags, uint64_t probe_limit,
                          uint64_t program_limit);

}  // namespace probe
