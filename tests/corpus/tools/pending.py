#!/usr/bin/env python3
"""Shows which PENDING corpus cases pass now, by feature, and can un-pend them.

    pending.py [--probe build/probe] [--build build] [--feature NAME]...
               [--filter GLOB]... [--unmark]

Runs every case that has `PENDING <feature>` (or only those of --feature /
--filter) against probe, prints PASS/FAIL per case and a count per feature.
--unmark removes the PENDING line of each case that passes, so that the
default corpus run (which skips pending cases) checks it from then on.
Python 3 standard library only; needs root like the corpus.
"""

import argparse
import collections
import fnmatch
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import run_corpus  # noqa: E402


def unmark(path, name):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = next(n for n, l in enumerate(lines) if l.rstrip() == "NAME " + name)
    j = i + 1
    while j < len(lines) and not lines[j].startswith("NAME "):
        if lines[j].startswith("PENDING "):
            del lines[j]
            break
        j += 1
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main():
    repo = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
    ap = argparse.ArgumentParser(description="Run the PENDING corpus cases.")
    ap.add_argument("--probe", default=os.path.join(repo, "build", "probe"))
    ap.add_argument("--build", default=os.path.join(repo, "build"))
    ap.add_argument("--src", default=repo)
    ap.add_argument("--feature", action="append", help="only cases PENDING this feature (repeatable)")
    ap.add_argument("--filter", action="append", metavar="GLOB")
    ap.add_argument("--unmark", action="store_true", help="remove PENDING from the cases that pass")
    args = ap.parse_args()
    runner = run_corpus.Runner(argparse.Namespace(probe=args.probe, build=args.build, src=args.src, pending=True))
    cases_dir = os.path.join(HERE, "..", "cases")
    tally = collections.defaultdict(lambda: [0, 0])
    for fn in sorted(os.listdir(cases_dir)):
        if not fn.endswith(".test"):
            continue
        path = os.path.join(cases_dir, fn)
        for case in run_corpus.parse_file(path):
            feature = case.get("PENDING")
            if not feature or case.needs_vm():
                continue
            if args.feature and feature not in args.feature:
                continue
            if args.filter and not any(fnmatch.fnmatchcase(case.name, g) for g in args.filter):
                continue
            r = runner.run(case)
            ok = r.status == "PASS"
            tally[feature][0 if ok else 1] += 1
            print(f"{r.status} {case.name} [{feature}]" + ("" if ok else ": " + r.reason.split("\n")[0]), flush=True)
            if ok and args.unmark:
                unmark(path, case.name)
    print()
    for feature, (p, f) in sorted(tally.items()):
        print(f"{feature:24} {p:4} pass now, {f:4} still fail")
    return 0


if __name__ == "__main__":
    sys.exit(main())
