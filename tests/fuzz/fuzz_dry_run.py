#!/usr/bin/env python3
"""Mutation fuzzer for `probe --dry-run` (programs and command-line flags).

Seeds: the PROG lines of tests/corpus/cases/*.test and examples/*.bt. Each
iteration mutates a seed (token delete/duplicate/swap/insert from a vocabulary
of the language, deep nesting, huge integers, odd strings, binary bytes) or
builds an odd command line, runs probe with --dry-run and a timeout, and flags
a crash finding when the exit code is not 0 or 1, the run times out, or stderr
mentions "internal error", "terminate called", "Assertion", or a sanitizer.

    python3 tests/fuzz/fuzz_dry_run.py [--probe build/probe] [--seed N]
        [--iterations N] [--timeout S] [--crashers DIR] [--cli-ratio F] [-v]

Last line: `N passed, N failed` (failed = crash findings). Each finding is
written to DIR/crash-NNNN.txt (argv, exit code, stderr) plus DIR/crash-NNNN.bt
(the program, if any). Exit status 1 if anything failed.
"""

import argparse
import glob
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

BAD_STDERR = re.compile(
    r"internal error|terminate called|Assertion|AddressSanitizer|"
    r"UndefinedBehaviorSanitizer|runtime error:|LLVM ERROR|PLEASE submit a bug report|"
    r"Stack dump|Segmentation fault")

OPERATORS = ["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "==", "!=", "<",
             "<=", ">", ">=", "&&", "||", "!", "~", "=", "+=", "-=", "*=", "/=",
             "%=", "&=", "|=", "^=", "<<=", ">>=", "++", "--", "?", ":", ".", "->",
             ",", ";", "{", "}", "(", ")", "[", "]", "/", "$", "@", "#"]
KEYWORDS = ["if", "else", "while", "unroll", "return", "let", "for", "break",
            "continue", "BEGIN", "END", "interval:s:1", "profile:hz:99",
            "kprobe:do_nanosleep", "kretprobe:do_nanosleep",
            "tracepoint:syscalls:sys_enter_openat", "uprobe:/proc/self/exe:main",
            "struct", "sizeof", "offsetof", "config", "import", "macro"]
BUILTINS = ["pid", "tid", "uid", "gid", "comm", "args", "retval", "arg0", "arg1",
            "arg5", "arg9", "func", "probe", "curtask", "kstack", "ustack", "nsecs",
            "elapsed", "cpu", "cgroup", "rand", "ctx", "$1", "$2", "$#", "sarg0"]
CALLS = ["printf(", "print(", "str(", "count()", "sum(", "min(", "max(", "avg(",
         "stats(", "hist(", "lhist(", "exit()", "clear(", "zero(", "ksym(",
         "usym(", "reg(", "delete(", "kaddr(", "uaddr(", "ntop(", "buf(",
         "time(", "join(", "system(", "cat(", "signal(", "strncmp(", "sizeof(",
         "has_key(", "len("]
CASTS = ["(int8)", "(uint8)", "(int16)", "(uint64)", "(int64)", "(bool)",
         "(string)", "(struct task_struct *)", "(struct task_struct)",
         "(struct nonexistent *)", "(int8[4])", "(void *)", "(int32 *)"]
VARS = ["$x", "$y", "$x = 1;", "@m[", "@m", "@", "@[", "]", "@x = @x;",
        "@a[1,2,3]", "(1, (2, 3))", "$t.0", "$t.1000", "->comm", ".pid"]
STRINGS = ['"a"', '""', '"\\n\\t\\\\"', '"\\x41\\0"', '"%d %s %"', '"%s%s%s%s"',
           '"\\777"', '"\\u1234"', '"%-999999999d"', '"%.*s"', '"%lx %llu %c %p"',
           '"\\', '"' + "A" * 300 + '"']
NUMBERS = ["0", "1", "-1", "18446744073709551615", "18446744073709551616",
           "99999999999999999999999999", "0x", "0xffffffffffffffff", "1e9",
           "1_000", "0b101", "077", "09", "-9223372036854775808", "4294967296",
           "1k", "1.5"]
BYTES = ["\u00e9", "\u2028", "\U0001F600", "\x00", "\x01", "\x7f", "\t", "\r",
         "\\", "`", "'", "\ufeff", "\n", "//", "/*", "*/"]

VOCAB = OPERATORS + KEYWORDS + BUILTINS + CALLS + CASTS + VARS + STRINGS + NUMBERS + BYTES

TOKEN_RE = re.compile(r'"(?:\\.|[^"\\])*"|[A-Za-z_$@][A-Za-z0-9_]*|0x[0-9a-fA-F]+|'
                      r'\d+|<<=|>>=|->|\+\+|--|[<>=!]=|&&|\|\||<<|>>|\s+|.', re.S)


def load_seeds():
    seeds = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/corpus/cases/*.test"))):
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.startswith("PROG "):
                value = line[5:]
                m = re.match(r"<<(\w+)$", value.strip())
                if m:
                    end, body = m.group(1), []
                    i += 1
                    while i < len(lines) and lines[i] != end:
                        body.append(lines[i])
                        i += 1
                    value = "\n".join(body)
                seeds.append(value)
            i += 1
    for path in sorted(glob.glob(os.path.join(ROOT, "examples/*.bt"))):
        with open(path, encoding="utf-8", errors="replace") as f:
            seeds.append(f.read())
    seeds += ["BEGIN { exit(); }", "BEGIN { $x = 1; printf(\"%d\\n\", $x); }",
              "kprobe:do_nanosleep { @[comm] = count(); }"]
    return seeds


def tokenize(prog):
    return TOKEN_RE.findall(prog)


def mutate(rng, prog):
    toks = tokenize(prog) or [""]
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(10)
        n = len(toks)
        i = rng.randrange(n) if n else 0
        if op == 0 and n > 1:                                  # delete
            del toks[i]
        elif op == 1:                                          # duplicate
            toks.insert(i, toks[i] if n else "")
        elif op == 2 and n > 1:                                # swap
            j = rng.randrange(n)
            toks[i], toks[j] = toks[j], toks[i]
        elif op in (3, 4, 5):                                  # insert vocab
            toks.insert(i, rng.choice(VOCAB) + rng.choice(["", " "]))
        elif op == 6:                                          # replace with vocab
            toks[i] = rng.choice(VOCAB)
        elif op == 7:                                          # deep nesting
            depth = rng.choice([10, 100, 1000, 5000])
            kind = rng.randrange(4)
            if kind == 3:
                expr = "1" + "+1" * depth
            elif kind == 0:
                expr = "(" * depth + "1" + ")" * depth
            elif kind == 1:
                expr = "-" * depth + "1"
            else:
                expr = "if (1) {" * min(depth, 500) + "}" * min(depth, 500)
            toks.insert(i, expr)
        elif op == 8:                                          # huge integer
            toks.insert(i, str(rng.choice([2 ** 64, 2 ** 63, 10 ** 40, -(2 ** 63) - 1])))
        else:                                                  # raw byte
            toks.insert(i, chr(rng.randrange(1, 256)))
    return "".join(toks)


def cli_case(rng, seeds):
    prog = rng.choice(seeds)
    flag_sets = [
        ["--bogus"], ["-Z"], ["-p"], ["-p", "0"], ["-p", "abc"], ["-p", "-1"],
        ["-p", "99999999999999999999"], ["-p", "4194304"], ["-d"], ["-d", "xyz"],
        ["-d", "ast"], ["-d", "ir"], ["-d", "asm"], ["-f"], ["-f", "xml"],
        ["-f", "json"], ["-c", ""], ["-c", "   "], ["--max-probes", "-1"],
        ["--max-probes", "0"], ["--max-probes", "abc"], ["--max-probes"],
        ["--max-probes", "99999999999999999999"], ["--emit-elf"],
        ["--emit-elf", "/nonexistent/dir/x.o"], ["-e"], ["-e", ""], ["-"],
        ["-v"], ["-V"], ["-h"], ["--no-kprobe-multi"], ["--unsafe"], ["--unsafe=1"], ["-e", prog, "-e", prog],
        ["--", "-e"], ["--dry-run=1"], ["--max-probes=1"], [""],
    ]
    argv = ["--dry-run"]
    for _ in range(rng.randint(1, 3)):
        argv += rng.choice(flag_sets)
    if rng.random() < 0.15:
        argv = ["-l", rng.choice(["", "*", ":", "::", ":::", "tracepoint:",
                                  "tracepoint:*:", "kprobe:[", "uprobe:", "x" * 5000,
                                  "uprobe:/nonexistent:*", "tracepoint:syscalls:sys_enter_open*",
                                  "\x01", "kprobe:do_nano*", "software:*", "hardware:*:*",
                                  "usdt:", "*:*:*"])]
        if rng.random() < 0.3:
            argv.append("-v")
    elif rng.random() < 0.7 and "-e" not in argv:
        argv += ["-e", prog]
    if rng.random() < 0.2:
        argv += rng.choice([["1"], ["a", "b"], ["--x"], ["-5"], [""]])
    return argv


def run(probe, argv, timeout, cwd):
    try:
        p = subprocess.run([probe] + argv, stdin=subprocess.DEVNULL, cwd=cwd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "TIMEOUT"
    except ValueError as e:   # embedded NUL in argv
        return "skip", str(e)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--probe", default=os.path.join(ROOT, "build/probe"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--crashers", default="fuzz-crashers")
    ap.add_argument("--cli-ratio", type=float, default=0.15)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    seeds = load_seeds()
    passed = failed = 0
    os.makedirs(args.crashers, exist_ok=True)
    args.probe = os.path.abspath(args.probe)
    # probe runs in a scratch directory: fuzzed flags like `--emit-elf -` write files.
    workdir = tempfile.mkdtemp(prefix="probe-fuzz-")
    for it in range(args.iterations):
        prog = None
        if rng.random() < args.cli_ratio:
            argv = cli_case(rng, seeds)
        else:
            prog = mutate(rng, rng.choice(seeds))
            if "\x00" in prog:
                prog = prog.replace("\x00", "\x01")
            argv = ["--dry-run", "-e", prog]
        code, err = run(args.probe, argv, args.timeout, workdir)
        if code == "skip":
            continue
        bad = None
        if code is None:
            bad = "timeout"
        elif code not in (0, 1):
            bad = "exit code %d" % code
        elif BAD_STDERR.search(err):
            bad = "stderr: " + BAD_STDERR.search(err).group(0)
        if bad is None:
            passed += 1
            if args.verbose:
                print("ok %d (exit %s)" % (it, code))
            continue
        failed += 1
        base = os.path.join(args.crashers, "crash-%04d" % failed)
        with open(base + ".txt", "w", encoding="utf-8", errors="replace") as f:
            f.write("iteration %d seed %d\nfinding: %s\nargv: %r\n--- stderr ---\n%s\n"
                    % (it, args.seed, bad, argv, err[-4000:]))
        if prog is not None:
            with open(base + ".bt", "w", encoding="utf-8", errors="replace") as f:
                f.write(prog)
        print("FAIL %d: %s: %r" % (it, bad, argv if prog is None else prog[:200]),
              flush=True)
    shutil.rmtree(workdir, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
