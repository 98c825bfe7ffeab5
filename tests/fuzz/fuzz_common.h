// Shared by the libFuzzer targets: a compile configuration that never
// depends on the host (fixed BTF, dry run) and input filters that keep
// each execution fast and deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "config.h"
#include "frontend/ast.h"

namespace probe::fuzz {

// Inputs above this are skipped: the budgets for huge programs are the
// tests/bad corpus's job; the fuzzers look for crashes in the logic. Below
// 1,001 bytes no program can nest deeper than the parser's limit, whose
// error path leaks the tree on purpose (tests/fuzz/lsan.supp).
inline constexpr size_t kMaxProgram = 1000;

// tests/data/mini_vmlinux.btf (or $PROBE_FUZZ_BTF): never the host's BTF.
std::string btf_path();

// Dry-run config with the fixed BTF and a small probe budget.
Config config();

// True when an attach point has a wildcard: expanding it reads the host's
// tracefs, kallsyms or binaries, which is slow and not reproducible.
bool has_host_wildcard(const ast::Program &prog);

// $PROBE_FUZZ_VERBOSE set: the targets print each input's diagnostics
// (to see why a seed or a crash input is rejected).
bool verbose();

}  // namespace probe::fuzz
