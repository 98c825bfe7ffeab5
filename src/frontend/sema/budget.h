// The program-size budget checked before type inference and codegen.
#pragma once

#include <cstdint>

#include "frontend/ast.h"
#include "frontend/diagnostics.h"

namespace probe {

// Most expression and statement nodes a program may ask codegen to emit,
// counting an unroll body once per repetition. LLVM's time grows faster
// than linearly with the size of one BPF function (2,000 map updates in
// one probe take ~0.7 s, 3,000 ~2.6 s: SelectionDAG scheduling of one
// huge block) and the verifier refuses long before; real programs stay
// far below.
constexpr uint64_t kMaxProgramNodes = 8000;
// What a map access or a call counts in the budget (other nodes count 1).
constexpr uint64_t kHeavyNode = 4;

// Reports (once) where the program exceeds `limit` nodes, naming the
// unroll responsible if any; returns false then.
bool check_program_budget(const ast::Program &program, Diagnostics &diags, uint64_t limit = kMaxProgramNodes);

}  // namespace probe
