#!/usr/bin/env python3
"""Hostile-input corpus runner: every case in tests/bad/cases must make probe
fail cleanly.

Each case runs probe (normally with --dry-run, so neither root nor a kernel is
needed) and must:
  - exit with the expected status (1 unless the case says otherwise),
  - print a located error on stderr: "<file>:LINE:COL: error:" for program
    errors, "probe: error:" for command-line and file errors,
  - never print "internal error", an uncaught exception or a sanitizer report,
  - never die of a signal,
  - finish within the time limit (2 s) and stay under the memory limit (1 GiB
    peak RSS, measured with wait4's ru_maxrss).

Case files (tests/bad/cases/*.bad), blocks separated by a NAME line:

    NAME lex_nul_bytes            unique name (required, starts a case)
    PROG BEGIN { ... }            program text (one line), or
    PROG <<END ... END            program text (heredoc), or
    GEN b"BEGIN {" + b"\\0" * 9    a Python expression giving str/bytes
    ARGS --dry-run {file}         probe's arguments, shell-split; {file} is the
                                  program file written from PROG/GEN, {dir} a
                                  scratch directory. Default: --dry-run {file}
    STDIN <text>                  standard input (default: empty); a GEN-like
                                  Python expression with STDIN_GEN
    EXIT 1                        expected exit status (default 1); "0,1" allows
                                  either (for deep but valid programs)
    ERROR program|message|any|none
                                  program: "<file>:L:C: error:" (default when
                                  the program comes from {file} or -e);
                                  message: "probe: error:" (default otherwise);
                                  any: "probe: error:" or any "NAME:L:C: error:";
                                  none: no check
    EXPECT <regex>                extra regex that stderr must match (repeatable)
    REJECT <regex>                regex that stderr must not match (repeatable)
    TIMEOUT 2                     seconds (default 2)
    SETUP <shell command>         run (in {dir}) before probe, e.g. chmod
    ROOTLESS 1                    run probe as nobody (skipped if not root)
    XFAIL <reason>                known failure: reported, not counted as a fail

Blank lines and lines starting with '#' between cases are ignored. Lines
"DEFAULT KEY VALUE" before the first NAME apply to every case of the file.
Usage: tests/bad/run.py --probe build/probe [-j2] [--filter GLOB] [-v]
"""
import argparse
import concurrent.futures
import fnmatch
import os
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RETRY_LOCK = threading.Lock()       # retries of timed-out cases run one at a time
MEM_LIMIT_KB = 1024 * 1024          # 1 GiB peak RSS
AS_LIMIT = 4 << 30                  # safety net: address space 4 GiB
BAD_STDERR = [
    r"(?i)internal error",
    r"terminate called",
    r"what\(\):",
    r"std::[a-z_]+(_error|out_of_range|bad_alloc|length_error)",
    r"(?i)AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:",
    r"Assertion .* failed",
    r"(?i)LLVM ERROR",
    r"(?i)segmentation fault|stack dump:",
]


class Case:
    def __init__(self, name, path, line):
        self.name, self.path, self.line = name, path, line
        self.prog = None          # bytes or None
        self.args = None
        self.stdin = b""
        self.exit = [1]
        self.error = None
        self.expect, self.reject = [], []
        self.timeout = 2.0
        self.setup = []
        self.rootless = False
        self.xfail = None


def to_bytes(v):
    return v.encode() if isinstance(v, str) else bytes(v)


def parse_file(path):
    cases, cur, defaults = [], None, []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        raw = lines[i]
        i += 1
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        key, _, val = raw.partition(" ")
        if key == "DEFAULT" and cur is None:
            defaults.append(val)
            continue
        if key == "NAME":
            cur = Case(val.strip(), path, i)
            cases.append(cur)
            for d in defaults:
                apply_key(cur, *d.partition(" ")[::2])
            continue
        if cur is None:
            raise SystemExit(f"{path}:{i}: {key} before NAME")
        if key in ("PROG", "STDIN") and val.startswith("<<"):
            tag, body = val[2:].strip(), []
            while i < len(lines) and lines[i] != tag:
                body.append(lines[i])
                i += 1
            if i >= len(lines):
                raise SystemExit(f"{path}:{i}: unterminated heredoc {tag}")
            i += 1
            val = "\n".join(body) + "\n"
        apply_key(cur, key, val, f"{path}:{i}")
    return cases


def apply_key(cur, key, val, where="DEFAULT"):
    if key == "PROG":
        cur.prog = val.encode()
    elif key == "GEN":
        cur.prog = to_bytes(eval(val, {}))
    elif key == "STDIN":
        cur.stdin = val.encode()
    elif key == "STDIN_GEN":
        cur.stdin = to_bytes(eval(val, {}))
    elif key == "ARGS":
        cur.args = val
    elif key == "EXIT":
        cur.exit = [int(x) for x in val.split(',')]
    elif key == "ERROR":
        cur.error = val.strip()
    elif key == "EXPECT":
        cur.expect.append(val)
    elif key == "REJECT":
        cur.reject.append(val)
    elif key == "TIMEOUT":
        cur.timeout = float(val)
    elif key == "SETUP":
        cur.setup.append(val)
    elif key == "ROOTLESS":
        cur.rootless = val.strip() not in ("", "0")
    elif key == "XFAIL":
        cur.xfail = val.strip() or "known failure"
    else:
        raise SystemExit(f"{where}: unknown key {key}")


def load_cases(case_dir):
    cases = []
    for fn in sorted(os.listdir(case_dir)):
        if fn.endswith(".bad"):
            cases += parse_file(os.path.join(case_dir, fn))
    seen = set()
    for c in cases:
        if c.name in seen:
            raise SystemExit(f"{c.path}:{c.line}: duplicate case name {c.name}")
        seen.add(c.name)
    return cases


def limit_child():
    os.setsid()
    try:
        resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))
    except (ValueError, OSError):
        pass
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_limited(argv, stdin_bytes, timeout, cwd, rootless):
    """Runs argv; returns (status, stdout, stderr, seconds, maxrss_kb, timed_out)."""
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    inp = tempfile.TemporaryFile()
    inp.write(stdin_bytes)
    inp.seek(0)

    def pre():
        limit_child()
        if rootless:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)

    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=inp, stdout=out, stderr=err, cwd=cwd, preexec_fn=pre)
    timed_out = False
    deadline = start + timeout
    while True:
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            pid, status, ru = os.wait4(proc.pid, 0)
            break
        time.sleep(0.005)
    proc.returncode = 0  # reaped by wait4 above; keep Popen from waiting again
    secs = time.monotonic() - start
    # The -c child (if any) shares the process group: make sure nothing lingers.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    out.seek(0)
    err.seek(0)
    return status, out.read(), err.read(), secs, ru.ru_maxrss, timed_out


def check(case, probe, keep):
    work = tempfile.mkdtemp(prefix="bad-")
    try:
        fpath = os.path.join(work, case.name + ".bt")
        if case.prog is not None:
            with open(fpath, "wb") as f:
                f.write(case.prog)
        if case.rootless:
            os.chmod(work, 0o755)
            if os.path.exists(fpath):
                os.chmod(fpath, 0o644)
        for s in case.setup:
            subprocess.run(s.replace("{file}", fpath).replace("{dir}", work), shell=True, cwd=work,
                           check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        args = case.args if case.args is not None else "--dry-run {file}"
        argv = [probe] + [a.replace("{file}", fpath).replace("{dir}", work) for a in shlex.split(args)]
        status, out, err, secs, rss, timed_out = run_limited(argv, case.stdin, case.timeout, work,
                                                             case.rootless)
        text = err.decode("utf-8", "replace")
        problems = []
        if timed_out:
            problems.append(f"timeout after {case.timeout:g}s")
        elif os.WIFSIGNALED(status):
            problems.append(f"killed by signal {signal.Signals(os.WTERMSIG(status)).name}")
        else:
            code = os.WEXITSTATUS(status)
            if code not in case.exit:
                problems.append(f"exit {code}, expected {'/'.join(map(str, case.exit))}")
        if secs > case.timeout:
            problems.append(f"took {secs:.2f}s")
        if rss > MEM_LIMIT_KB:
            problems.append(f"peak RSS {rss // 1024} MiB")
        for pat in BAD_STDERR:
            m = re.search(pat, text)
            if m:
                problems.append(f"stderr has {m.group(0)!r}")
                break
        mode = case.error
        if mode is None:
            mode = "program" if "{file}" in args and case.prog is not None else "message"
        # -e programs are named "stdin"; files by their path.
        file_pat = r"(stdin|" + re.escape(fpath) + r")"
        loc_pat = file_pat + r":\d+:\d+: error: "
        failed_run = timed_out or os.WIFSIGNALED(status) or os.WEXITSTATUS(status) != 0
        if failed_run and case.exit != [0]:
            if mode == "program" and not re.search(loc_pat, text):
                problems.append("no located error (file:LINE:COL: error:)")
            elif mode == "message" and not re.search(r"(^|\n)probe: error: \S", text):
                problems.append("no 'probe: error:' message")
            elif mode == "any" and not re.search(r"(^|\n)[^\n]+:\d+:\d+: error: \S", text) \
                    and not re.search(r"(^|\n)probe: error: \S", text):
                problems.append("no error message")
        for pat in case.expect:
            if not re.search(pat, text):
                problems.append(f"stderr does not match /{pat}/")
        for pat in case.reject:
            if re.search(pat, text):
                problems.append(f"stderr matches /{pat}/")
        return case, problems, secs, rss, text
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def generated_is_stale(case_dir):
    """True when cases/generated.bad differs from what gen_cases.py writes."""
    path = os.path.join(case_dir, "generated.bad")
    if not os.path.exists(path) or os.path.abspath(case_dir) != os.path.join(HERE, "cases"):
        return False
    sys.path.insert(0, HERE)
    import gen_cases
    with open(path, encoding="utf-8") as f:
        return f.read() != gen_cases.render()


def check_retrying(case, probe, keep):
    """check(), run once more alone if the only problems are time limits (a
    loaded machine is not a finding; slow twice is)."""
    result = check(case, probe, keep)
    problems = result[1]
    if problems and all(p.startswith(("timeout", "took")) for p in problems):
        with RETRY_LOCK:
            result = check(case, probe, keep)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--probe", default="build/probe")
    ap.add_argument("--cases", default=os.path.join(HERE, "cases"))
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--filter", default="*", help="glob on case names")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every case and stderr of failures")
    ap.add_argument("--keep", action="store_true", help="keep scratch directories")
    ap.add_argument("--list", action="store_true", help="list case names and exit")
    opts = ap.parse_args()
    probe = os.path.abspath(opts.probe)
    cases = [c for c in load_cases(opts.cases) if fnmatch.fnmatch(c.name, opts.filter)]
    if opts.list:
        for c in cases:
            print(c.name)
        return 0
    if not os.access(probe, os.X_OK):
        print(f"run.py: {probe} is not an executable", file=sys.stderr)
        return 2
    stale = generated_is_stale(opts.cases)
    is_root = os.geteuid() == 0
    skipped = [c for c in cases if c.rootless and not is_root]
    cases = [c for c in cases if c not in skipped]
    passed = failed = xfailed = xpassed = 0
    t0 = time.monotonic()
    slowest = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as ex:
        for case, problems, secs, rss, text in ex.map(lambda c: check_retrying(c, probe, opts.keep), cases):
            slowest.append((secs, rss, case.name))
            where = f"{os.path.relpath(case.path)}:{case.line}"
            if problems and case.xfail:
                xfailed += 1
                print(f"XFAIL {case.name} ({where}): {'; '.join(problems)} [{case.xfail}]")
            elif problems:
                failed += 1
                print(f"FAIL {case.name} ({where}): {'; '.join(problems)}")
                if opts.verbose:
                    print("    " + text[:600].replace("\n", "\n    "))
            elif case.xfail:
                xpassed += 1
                print(f"XPASS {case.name} ({where}): passes now; remove XFAIL")
            else:
                passed += 1
                if opts.verbose:
                    print(f"PASS {case.name} {secs:.2f}s {rss // 1024} MiB")
    slowest.sort(reverse=True)
    if opts.verbose:
        for secs, rss, name in slowest[:5]:
            print(f"slow: {name} {secs:.2f}s {rss // 1024} MiB")
    extra = f"{len(cases)} cases in {time.monotonic() - t0:.1f}s"
    if xfailed or xpassed:
        extra += f"; {xfailed} xfailed, {xpassed} xpassed"
    if skipped:
        extra += f"; {len(skipped)} skipped (need root)"
    print(extra)
    print(f"{passed} passed, {failed} failed")
    if stale:
        print("FAIL cases/generated.bad is out of date: run tests/bad/gen_cases.py")
    return 1 if failed or xpassed or stale else 0


if __name__ == "__main__":
    sys.exit(main())
