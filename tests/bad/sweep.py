#!/usr/bin/env python3
"""Combinatorial sweep of hostile programs (not part of CI; a small
deterministic sample is cheap enough to run anywhere).

Generates thousands of programs from hostile.py -- every builtin function
with every kind of argument in every slot, every kind of expression in every
statement position, every builtin variable in every probe type, each in every
probe type and inside if/while/unroll/predicates -- and compiles each with
`probe --dry-run`, in parallel. It reports every program that:
  exits with a status other than 0 or 1, dies of a signal, prints "internal
  error", an exception or sanitizer text, takes more than 2 s or more than
  1 GiB peak RSS, or fails (exit 1) without a located "FILE:L:C: error:" or
  "probe: error:" message.
Findings are grouped by their first stderr line (numbers masked), one
minimal (shortest) reproducer per group.

    tests/bad/sweep.py --probe build/probe            # everything (~35k programs, ~12 min)
    tests/bad/sweep.py --probe build/probe --sample 500   # every Nth: ~500 programs
    tests/bad/sweep.py --probe build/probe --filter 'call_*' --list
"""
import argparse
import concurrent.futures
import fnmatch
import os
import re
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import hostile  # noqa: E402
from run import BAD_STDERR, MEM_LIMIT_KB, run_limited  # noqa: E402

WRAPPERS = {
    "plain": "{S}",
    "if": "if (pid > 0) {{ {S} }}",
    "else": "if (pid == 0) {{ }} else {{ {S} }}",
    "while": "$i = 0; while ($i < 2) {{ $i++; {S} }}",
    "unroll": "unroll(3) {{ {S} }}",
}


def programs():
    """All sweep programs as (name, text), in a fixed order."""
    seen = set()

    def emit(name, prog):
        if name not in seen:
            seen.add(name)
            return [(name, prog)]
        return []

    out = []
    for name, prog in hostile.arity_programs():
        out += emit(name, prog)
    for name, prog in hostile.targeted_programs():
        out += emit(name, prog)
    for name, prog in hostile.size_programs():
        out += emit(name, prog)
    for name, prog in hostile.pair_programs():
        out += emit(name, prog)
    # Builtin calls with every argument kind, in several probe types.
    for probe in ("BEGIN", "uprobe", "tracepoint", "uretprobe", "interval"):
        header = hostile.PROBES[probe]
        for name, prog in hostile.call_programs():
            out += emit(name.replace("call_", "call_%s_" % probe, 1), prog.replace("BEGIN", header, 1))
    # Expressions of every kind in every statement position, per probe type.
    for probe in hostile.PROBES:
        for name, prog in hostile.position_programs(probe=probe):
            out += emit(name, prog)
    # Builtin variables in every probe type.
    for name, prog in hostile.context_programs():
        out += emit(name, prog)
    # Statement forms nested in control flow and predicates.
    for wname, wrap in WRAPPERS.items():
        if wname == "plain":
            continue
        for probe in ("BEGIN", "tracepoint", "uprobe"):
            header = hostile.PROBES[probe]
            for pname, tmpl in hostile.POSITIONS.items():
                for kname, expr in hostile.ARG_KINDS.items():
                    stmt = tmpl.format(E=expr)
                    out += emit("nest_%s_%s_%s_%s" % (wname, probe, pname, kname),
                                "%s { %s%s }" % (header, hostile.PRELUDE, wrap.format(S=stmt)))
    for probe in ("BEGIN", "tracepoint", "uprobe", "uretprobe"):
        header = hostile.PROBES[probe]
        for kname, expr in hostile.ARG_KINDS.items():
            out += emit("pred_%s_%s" % (probe, kname), "%s /%s/ { @r = 1; }" % (header, expr))
            out += emit("pred_cmp_%s_%s" % (probe, kname), "%s /%s == 1/ { @r = 1; }" % (header, expr))
    return out


def signature(stderr, status, secs, rss, timed_out):
    if timed_out:
        return "timeout"
    if rss > MEM_LIMIT_KB:
        return "rss > 1 GiB"
    if secs > 2:
        return "slow > 2 s"
    for pat in BAD_STDERR:
        m = re.search(pat, stderr)
        if m:
            line = stderr[m.start():].split("\n", 1)[0]
            return re.sub(r"\d+", "N", line)[:160]
    if os.WIFSIGNALED(status):
        return "signal %s" % signal.Signals(os.WTERMSIG(status)).name
    return "exit %d" % os.WEXITSTATUS(status)


def check(probe, item):
    name, prog = item
    with tempfile.NamedTemporaryFile("w", suffix=".bt", delete=False) as f:
        f.write(prog)
        path = f.name
    try:
        status, _, err, secs, rss, timed_out = run_limited([probe, "--dry-run", path], b"", 10.0, "/tmp", False)
        if timed_out or secs > 2:  # a loaded machine is not a finding: retry once
            status, _, err, secs, rss, timed_out = run_limited([probe, "--dry-run", path], b"", 10.0, "/tmp",
                                                               False)
    finally:
        os.unlink(path)
    text = err.decode("utf-8", "replace")
    bad = (timed_out or secs > 2 or rss > MEM_LIMIT_KB or os.WIFSIGNALED(status)
           or os.WEXITSTATUS(status) not in (0, 1) or any(re.search(p, text) for p in BAD_STDERR))
    sig = signature(text, status, secs, rss, timed_out) if bad else None
    if not bad and os.WEXITSTATUS(status) == 1 and not re.search(re.escape(path) + r":\d+:\d+: error: ", text) \
            and not re.search(r"(^|\n)probe: error: ", text):
        # An error without a location (e.g. LLVM's own text) is a finding too.
        first = text.strip().split("\n", 1)[0].replace(path, "FILE")
        sig = "unlocated: " + re.sub(r"\d+", "N", first)[:160]
    return name, prog, sig, text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--probe", default="build/probe")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--filter", default="*")
    ap.add_argument("--sample", type=int, default=0, help="run about N programs (every k-th)")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--all-findings", action="store_true", help="print every failing program, not one per group")
    opts = ap.parse_args()
    items = [p for p in programs() if fnmatch.fnmatch(p[0], opts.filter)]
    if opts.sample and len(items) > opts.sample:
        step = len(items) / opts.sample
        items = [items[int(i * step)] for i in range(opts.sample)]
    if opts.list:
        for name, prog in items:
            print(f"{name}\t{prog}")
        return 0
    probe = os.path.abspath(opts.probe)
    t0 = time.monotonic()
    groups = {}
    counts = {0: 0, 1: 0}
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as ex:
        for name, prog, sig, text in ex.map(lambda it: check(probe, it), items):
            if sig is None:
                continue
            if opts.all_findings:
                print(f"BAD {name}: {sig}\n    {prog}")
            g = groups.setdefault(sig, [])
            g.append((len(prog), name, prog, text))
    print(f"{len(items)} programs, {sum(len(g) for g in groups.values())} bad in {len(groups)} groups "
          f"({time.monotonic() - t0:.0f}s)")
    for sig, g in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        g.sort()
        _, name, prog, text = g[0]
        print(f"\n[{len(g)}x] {sig}\n    e.g. {name}: {prog}")
        first = text.strip().split("\n")[:2]
        for line in first:
            print(f"    | {line[:200]}")
        others = ", ".join(x[1] for x in g[1:4])
        if others:
            print(f"    also: {others}{' ...' if len(g) > 4 else ''}")
    return 1 if groups else 0


if __name__ == "__main__":
    sys.exit(main())
