#!/usr/bin/env python3
"""Takes corpus expectations from bpftrace: runs bpftrace (0.17, the reference)
on a case's program, exactly as run_corpus.py runs probe, and shows or writes
its stdout as the case's STDOUT (and a file it wrote as OUTPUT_FILE_CONTENT).

    from_bpftrace.py [--build build] [--bpftrace bpftrace] [--filter GLOB]...
                     [--update] [--all] [FILE.test ...]

Without --update: for each selected case that has a STDOUT or
OUTPUT_FILE_CONTENT, prints bpftrace's output, exit code and stderr, and a
diff against the case's expectation. With --update: rewrites those heredocs
in place with bpftrace's output (a case with BPFTRACE_DIFFERS is never
rewritten: its expectation is written by hand, see its comment). --all also
shows the cases without a STDOUT (EXPECT_STDERR error cases etc.).

How bpftrace is run: ARGS, CMD, PARAMS, BEFORE, AFTER, ENV, TIMEOUT,
SIGINT_AFTER as for probe; BPFTRACE_PROG / BPFTRACE_ARGS replace PROG / ARGS
when 0.17 spells the same program differently. Absolute paths of the build
and source trees come back as {helpers}, {build}, {src}.

bpftrace 0.17 prints blank lines in -f json output (before and between map
objects); JSON is one object a line with no blank lines (issue 8), so blank
lines are dropped from the output of a case whose ARGS contain `-f json`.

Needs root (bpftrace loads programs). Python 3 standard library only.
"""

import argparse
import fnmatch
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import run_corpus  # noqa: E402


def is_json(case):
    args = case.get("BPFTRACE_ARGS") if case.get("BPFTRACE_ARGS") is not None else case.get("ARGS", "")
    return bool(re.search(r"(^|\s)-f\s*json\b", args or ""))


def unsubst(runner, text):
    """Absolute paths back to placeholders, longest first."""
    table = sorted(runner.placeholders.items(), key=lambda kv: -len(kv[1]))
    for ph, path in table:
        text = text.replace(path, ph)
    return text


def normalize(case, runner, text):
    if is_json(case):
        text = "".join(l for l in text.splitlines(keepends=True) if l.strip())
    return unsubst(runner, text)


def heredoc_body(text):
    """The heredoc lines for an output (inverse of run_corpus.expected_text)."""
    return text[:-1] if text.endswith("\n") else text


def rewrite(path, name, key, body):
    """Replaces the heredoc (or one-line value) of KEY in case NAME of file PATH."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = next(n for n, l in enumerate(lines) if l.rstrip() == "NAME " + name)
    i += 1
    while i < len(lines) and not lines[i].startswith("NAME "):
        if lines[i].split(" ", 1)[0] == key:
            break
        i += 1
    else:
        raise SystemExit(f"{path}: case {name} has no {key} to update")
    end = i + 1
    m = re.fullmatch(r"\S+ <<(\w+)\s*", lines[i])
    if m:
        while lines[end].rstrip() != m.group(1):
            end += 1
        end += 1
    tag = "END"
    while tag in body.split("\n"):
        tag += "_"
    lines[i:end] = [f"{key} <<{tag}"] + (body.split("\n") if body else []) + [tag]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def show(title, text):
    print(f"  {title}:")
    for l in text.splitlines() or ["(empty)"]:
        print("    | " + l)


def main():
    repo = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
    ap = argparse.ArgumentParser(description="Take corpus expectations from bpftrace.")
    ap.add_argument("files", nargs="*", help="case files (default: every cases/*.test)")
    ap.add_argument("--build", default=os.path.join(repo, "build"))
    ap.add_argument("--src", default=repo)
    ap.add_argument("--bpftrace", default="bpftrace")
    ap.add_argument("--filter", action="append", metavar="GLOB")
    ap.add_argument("--update", action="store_true", help="write bpftrace's output into the cases")
    ap.add_argument("--all", action="store_true", help="also run cases without STDOUT")
    args = ap.parse_args()
    files = args.files or sorted(os.path.join(HERE, "..", "cases", f)
                                 for f in os.listdir(os.path.join(HERE, "..", "cases")) if f.endswith(".test"))
    rargs = argparse.Namespace(probe=args.bpftrace, build=args.build, src=args.src, pending=True)
    runner = run_corpus.Runner(rargs)
    differ = 0
    for path in files:
        for case in run_corpus.parse_file(path):
            if args.filter and not any(fnmatch.fnmatchcase(case.name, g) for g in args.filter):
                continue
            keyed = case.get("STDOUT") is not None or case.get("OUTPUT_FILE") is not None
            if not keyed and not args.all:
                continue
            if case.needs_vm():
                print(f"SKIP {case.name}: a vm case")
                continue
            ex = runner.execute(case, binary=args.bpftrace, prog=case.get("BPFTRACE_PROG"),
                                args=case.get("BPFTRACE_ARGS"))
            out = normalize(case, runner, ex.stdout)
            status = []
            want_rc = int(case.get("EXIT", "0"))
            if ex.rc != want_rc:
                status.append(f"exit {ex.rc} (case: EXIT {want_rc})")
            updates = []
            if case.get("STDOUT") is not None:
                want = run_corpus.expected_text(case.get("STDOUT"))
                if out != want:
                    status.append("STDOUT differs")
                    updates.append(("STDOUT", out, want))
            if case.get("OUTPUT_FILE") is not None:
                got = normalize(case, runner, ex.output_file or "")
                want = run_corpus.expected_text(case.get("OUTPUT_FILE_CONTENT"))
                if got != want:
                    status.append("OUTPUT_FILE_CONTENT differs")
                    updates.append(("OUTPUT_FILE_CONTENT", got, want))
            hand = case.get("BPFTRACE_DIFFERS")
            verdict = "same" if not status else ", ".join(status)
            print(f"{'SAME' if not status else 'DIFF'} {case.name}: {verdict}"
                  + (f" [hand-written: {hand}]" if hand else ""))
            if status or args.all:
                differ += bool(status)
                show("bpftrace stdout", out)
                errs = "\n".join(l for l in ex.stderr.splitlines() if "RLIMIT_MEMLOCK" not in l)
                if errs.strip():
                    show("bpftrace stderr", errs)
                for key, got, want in updates:
                    m = run_corpus.exact_mismatch(key, want, got)
                    print("  " + m)
            if args.update and updates and not hand:
                for key, got, _ in updates:
                    rewrite(path, case.name, key, heredoc_body(got))
                print(f"  updated {key} of {case.name}")
    return 1 if differ and not args.update else 0


if __name__ == "__main__":
    sys.exit(main())
