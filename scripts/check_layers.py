#!/usr/bin/env python3
"""Fails (exit 1) when a source file includes a header its layer must not see.

The build runs it before compiling anything (CMake target check_layers), so a
wrong include fails the build. Layers (README, Layout): the frontend knows
nothing of LLVM, libbpf or the CLI; codegen emits an object and never loads
it; the runtime knows no CLI and no compiler; the pass framework sits below
the frontend. Aggregations and builtins have a compile half (builtins/) and a
runtime half (runtime/agg/) that never include each other.

    scripts/check_layers.py [SRC_DIR]
"""
import os
import re
import sys

# (directory under src/, forbidden include prefixes, reason)
RULES = [
    ("util/", ["frontend/", "codegen/", "runtime/", "driver/", "builtins/", "probes/", "pipeline/", "llvm/", "bpf/"],
     "util is below every layer"),
    ("frontend/", ["codegen/", "runtime/", "driver/", "llvm/", "main"],
     "the frontend knows nothing of LLVM, the runtime or the CLI"),
    ("pipeline/", ["driver/", "codegen/lowering.h", "codegen/module_state.h", "llvm/"],
     "the pass framework is below the frontend and the driver"),
    ("codegen/", ["driver/", "runtime/session.h", "runtime/bpf_object.h", "runtime/event_loop.h"],
     "codegen emits an object and never loads it"),
    ("runtime/", ["driver/", "codegen/lowering.h", "codegen/module_state.h", "builtins/", "frontend/sema/",
                  "frontend/parser", "frontend/ast.h", "pipeline/", "llvm/"],
     "the runtime knows no CLI and no compiler"),
    ("builtins/", ["runtime/", "driver/"],
     "builtins' compile halves never include the runtime (runtime/agg/ is the runtime half)"),
]
# The frontend's sema reads kernel BTF through libbpf's BTF parser (no loading).
ALLOWED = {("frontend/sema/btf_types.cpp", "bpf/btf.h"), ("frontend/sema/btf_types.h", "bpf/btf.h")}

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")
    bad = []
    for root, _, files in os.walk(src):
        for name in files:
            if not name.endswith((".h", ".cpp")):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, src).replace(os.sep, "/")
            with open(path, encoding="utf-8", errors="replace") as f:
                for lineno, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    inc = m.group(1)
                    for layer, forbidden, why in RULES:
                        if not rel.startswith(layer) or (rel, inc) in ALLOWED:
                            continue
                        if any(inc.startswith(p) for p in forbidden):
                            bad.append(f"src/{rel}:{lineno}: includes {inc}: {why}")
    for b in bad:
        print(b, file=sys.stderr)
    if bad:
        print(f"check_layers: {len(bad)} include(s) cross a layer boundary", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
