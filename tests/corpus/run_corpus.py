#!/usr/bin/env python3
"""Runtime corpus runner for probe: runs tests/corpus/cases/*.test end to end.

    run_corpus.py --probe build/probe --build build [--filter GLOB]
                  [--requires native|vm|all] [--pending] [-j N] [--junit FILE] [-v]

Prints one line per case (PASS/FAIL/SKIP, with the reason), the details of every
failure, then "N pending" and last a line exactly "N passed, N failed, N skipped"
(a PENDING case not run is counted as skipped, never as passed; --pending runs
them). Exits 1 if any case failed, else 0. The case format is documented in
tests/corpus/README.md. Python 3 standard library only.
"""

import argparse
import concurrent.futures
import difflib
import fnmatch
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

NOTIFY_ENV = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"
NOTIFY_LINE = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"
DEFAULT_TIMEOUT = 10.0
KILL_GRACE = 5.0  # after SIGINT, how long before SIGKILL

REQUIRES_VALUES = ("dry", "root", "native", "vm")
LIST_KEYS = {"EXPECT", "EXPECT_REGEX", "EXPECT_NONE", "EXPECT_NONE_REGEX", "EXPECT_SEQ",
             "EXPECT_STDERR", "EXPECT_STDERR_REGEX", "EXPECT_STDERR_NONE", "BEFORE",
             "AFTER", "ENV", "REQUIRES", "TMP_FILE"}
SCALAR_KEYS = {"NAME", "PROG", "PROG_FILE", "ARGS", "PARAMS", "CMD", "EXIT", "TIMEOUT", "SIGINT_AFTER",
               "BEFORE_DELAY", "SKIP_IN_VM", "STDOUT", "STDOUT_REGEX", "PENDING", "OUTPUT_FILE",
               "OUTPUT_FILE_CONTENT", "BPFTRACE_PROG", "BPFTRACE_ARGS", "BPFTRACE_DIFFERS", "SKIP_UNLESS_EXISTS"}
# Keys only tools/from_bpftrace.py reads (the runner ignores them): the program
# or options to give bpftrace 0.17 instead, and why an expectation is not its output.
REFERENCE_KEYS = {"BPFTRACE_PROG", "BPFTRACE_ARGS", "BPFTRACE_DIFFERS"}


class CaseError(Exception):
    pass


class Case:
    def __init__(self, path, line):
        self.path = path
        self.line = line
        self.fields = {}

    def get(self, key, default=None):
        return self.fields.get(key, default)

    def list(self, key):
        return self.fields.get(key, [])

    @property
    def name(self):
        return self.fields["NAME"]

    @property
    def requires(self):
        return set(self.list("REQUIRES")) or {"native"}

    def needs_vm(self):
        return "vm" in self.requires

    def needs_root(self):
        return bool(self.requires - {"dry"})


def parse_file(path):
    """Parses one .test file into Cases. Each NAME starts a new case."""
    cases = []
    cur = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        raw = lines[i]
        lineno = i + 1
        i += 1
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, value = line.partition(" ")
        value = value.strip()
        if key not in LIST_KEYS and key not in SCALAR_KEYS:
            raise CaseError(f"{path}:{lineno}: unknown key '{key}'")
        # TMP_FILE NAME <<END: a file written into {tmp} before the case runs.
        m = re.fullmatch(r"(\S+) <<(\w+)" if key == "TMP_FILE" else r"()<<(\w+)", value)
        if key == "TMP_FILE" and not m:
            raise CaseError(f"{path}:{lineno}: TMP_FILE takes 'NAME <<TAG' and a heredoc")
        if m:  # heredoc: KEY <<END ... END
            body = []
            while i < len(lines) and lines[i].rstrip() != m.group(2):
                body.append(lines[i])
                i += 1
            if i >= len(lines):
                raise CaseError(f"{path}:{lineno}: heredoc <<{m.group(2)} is not closed")
            i += 1
            value = "\n".join(body)
            if key == "TMP_FILE":
                if "/" in m.group(1) or m.group(1) in (".", ".."):
                    raise CaseError(f"{path}:{lineno}: TMP_FILE name must be a plain file name")
                value = (m.group(1), value)
        if key == "NAME":
            cur = Case(path, lineno)
            cases.append(cur)
            cur.fields["NAME"] = value
            continue
        if cur is None:
            raise CaseError(f"{path}:{lineno}: '{key}' before the first NAME")
        if key in LIST_KEYS:
            if key == "REQUIRES":
                for r in value.split():
                    if r not in REQUIRES_VALUES:
                        raise CaseError(f"{path}:{lineno}: REQUIRES must be one of {REQUIRES_VALUES}")
                    cur.fields.setdefault(key, []).append(r)
            else:
                cur.fields.setdefault(key, []).append(value)
        else:
            if key in cur.fields:
                raise CaseError(f"{path}:{lineno}: '{key}' given twice in case {cur.name}")
            cur.fields[key] = value
    for c in cases:
        # A listing case (ARGS starting with -l/-lv) runs no program.
        listing = c.fields.get("ARGS", "").lstrip().startswith("-l")
        if ("PROG" in c.fields) and ("PROG_FILE" in c.fields) or \
                (not listing and ("PROG" in c.fields) == ("PROG_FILE" in c.fields)):
            raise CaseError(f"{c.path}:{c.line}: case {c.name} needs exactly one of PROG, PROG_FILE")
        if ("OUTPUT_FILE_CONTENT" in c.fields) != ("OUTPUT_FILE" in c.fields):
            raise CaseError(f"{c.path}:{c.line}: case {c.name}: OUTPUT_FILE and OUTPUT_FILE_CONTENT go together")
        if "STDOUT" in c.fields and "STDOUT_REGEX" in c.fields:
            raise CaseError(f"{c.path}:{c.line}: case {c.name}: STDOUT and STDOUT_REGEX exclude each other")
        stdout_rx = c.fields.get("STDOUT_REGEX")
        stdout_rx = stdout_rx.split("\n") if stdout_rx else []
        for rx in c.list("EXPECT_REGEX") + c.list("EXPECT_NONE_REGEX") + c.list("EXPECT_STDERR_REGEX") + stdout_rx:
            try:
                re.compile(rx)
            except re.error as e:
                raise CaseError(f"{c.path}:{c.line}: case {c.name}: bad regex {rx!r}: {e}")
    return cases


class Result:
    def __init__(self, case, status, reason="", details="", duration=0.0):
        self.case = case
        self.status = status  # PASS FAIL SKIP
        self.reason = reason
        self.details = details
        self.duration = duration


class Runner:
    def __init__(self, args):
        self.args = args
        self.probe = os.path.abspath(args.probe)
        self.build = os.path.abspath(args.build)
        self.src = os.path.abspath(args.src)
        self.in_vm = os.environ.get("PROBE_IN_VM") == "1"
        self.is_root = os.geteuid() == 0
        self.placeholders = {
            "{probe}": self.probe,
            "{build}": self.build,
            "{src}": self.src,
            "{examples}": os.path.join(self.build, "examples"),
            "{helpers}": os.path.join(self.build, "tests", "corpus", "helpers"),
        }

    def subst(self, text, extra=None):
        table = dict(self.placeholders)
        if extra:
            table.update(extra)
        return re.sub(r"\{[a-z_]+\}", lambda m: table.get(m.group(0), m.group(0)), text)

    def skip_reason(self, case):
        if case.needs_vm() and not self.in_vm:
            return "needs the VM kernel (run tests/vm/run-vm-suite.sh)"
        if case.needs_root() and not self.is_root:
            return "needs root"
        # A kernel feature the test kernel lacks: skipped there, with the reason.
        if self.in_vm and case.get("SKIP_IN_VM"):
            return "not on the VM kernel: " + case.get("SKIP_IN_VM")
        # A file the case needs that this machine may lack (a packaged tool).
        need = case.get("SKIP_UNLESS_EXISTS")
        if need and not os.path.exists(self.subst(need)):
            return f"not installed: {self.subst(need)}"
        return None

    def run(self, case):
        reason = self.skip_reason(case)
        if reason:
            return Result(case, "SKIP", reason)
        if case.get("PENDING") and not self.args.pending:
            return Result(case, "SKIP", "pending: " + case.get("PENDING"))
        start = time.monotonic()
        try:
            status, reason, details = self._run(case)
        except Exception as e:  # a runner bug must show as a failure, not a crash
            status, reason, details = "FAIL", f"runner error: {type(e).__name__}: {e}", ""
        if case.get("PENDING"):
            reason = (reason + " " if reason else "") + "[pending: " + case.get("PENDING") + "]"
        return Result(case, status, reason, details, time.monotonic() - start)

    def _run(self, case):
        ex = self.execute(case)
        if ex.missing:
            return "FAIL", f"binary not found: {ex.cmd[0]}", ex.details()
        if ex.killed:
            return "FAIL", f"did not exit within {KILL_GRACE:g}s of SIGINT (killed)", ex.details()
        failure = self.check(case, ex)
        if failure:
            # A multi-line failure (STDOUT's diff): its first line on the case's
            # line, the rest with the details.
            head, _, rest = failure.partition("\n")
            return "FAIL", head, (rest + "\n" if rest else "") + ex.details()
        return "PASS", "", ""

    def execute(self, case, binary=None, prog=None, args=None):
        """Runs the case's command (with BEFORE, AFTER, SIGINT_AFTER, TIMEOUT) and
        returns an Execution. binary/prog/args replace probe, PROG and ARGS
        (tools/from_bpftrace.py runs bpftrace through this)."""
        befores = []
        tmp = tempfile.mkdtemp(prefix="probe-corpus-")
        extra = {"{casedir}": os.path.dirname(os.path.abspath(case.path)), "{tmp}": tmp}
        try:
            for name, content in case.list("TMP_FILE"):
                with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                    f.write(expected_text(self.subst(content, extra)))
            for b in case.list("BEFORE"):
                befores.append(self._start_before(self.subst(b, extra)))
            if befores:
                extra["{before_pid}"] = str(befores[0].pid)
                # BEFORE_DELAY: seconds for BEFORE commands to get ready (e.g. a
                # probe that must have loaded its programs first).
                time.sleep(float(case.get("BEFORE_DELAY") or 0))
            return self._run_probe(case, extra, binary, prog, args)
        finally:
            for p in befores:
                _kill_group(p)
            shutil.rmtree(tmp, ignore_errors=True)

    def _start_before(self, cmd):
        p = subprocess.Popen(["/bin/sh", "-c", "exec " + cmd], cwd=self.src, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        # Wait until the shell has exec'd the command, so {before_pid} is it.
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and p.poll() is None:
            try:
                if os.path.basename(os.readlink(f"/proc/{p.pid}/exe")) not in ("sh", "dash", "bash"):
                    break
            except OSError:
                pass
            time.sleep(0.01)
        time.sleep(0.05)
        return p

    def build_command(self, case, extra, binary=None, prog=None, args=None):
        cmd = [binary or self.probe]
        args = case.get("ARGS") if args is None else args
        if args:
            cmd += shlex.split(self.subst(args, extra))
        if case.get("CMD"):
            cmd += ["-c", self.subst(case.get("CMD"), extra)]
        prog = case.get("PROG") if prog is None else prog
        if prog is not None:
            cmd += ["-e", self.subst(prog, extra)]
        elif case.get("PROG_FILE") is not None:
            pf = self.subst(case.get("PROG_FILE"), extra)
            if not os.path.isabs(pf):
                pf = os.path.join(os.path.dirname(os.path.abspath(case.path)), pf)
            cmd.append(pf)
        if case.get("PARAMS"):
            cmd += shlex.split(self.subst(case.get("PARAMS"), extra))
        return cmd

    def _run_probe(self, case, extra, binary, prog, args):
        timeout = float(case.get("TIMEOUT", DEFAULT_TIMEOUT))
        sigint_after = case.get("SIGINT_AFTER")
        sigint_after = float(sigint_after) if sigint_after is not None else None
        cmd = self.build_command(case, extra, binary, prog, args)
        ex = Execution(self, case, cmd, extra)
        env = dict(os.environ)
        env[NOTIFY_ENV] = "1"
        for kv in case.list("ENV"):
            k, _, v = kv.partition("=")
            env[k] = self.subst(v, extra)
        if not os.path.exists(cmd[0]) and not shutil.which(cmd[0]):
            ex.missing = True
            return ex

        proc = subprocess.Popen(cmd, cwd=self.src, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        # AFTER commands can signal probe itself (e.g. SIGUSR1 to print the maps).
        extra["{probe_pid}"] = str(proc.pid)
        out_raw, err_raw = [], []
        attached = threading.Event()

        # The attach notification is removed from either stream (probe prints it
        # on stdout, bpftrace 0.17 on stderr); everything else is kept verbatim.
        def reader(stream, sink):
            for raw in iter(stream.readline, b""):
                line = raw.decode("utf-8", "replace")
                if line.strip() == NOTIFY_LINE:
                    attached.set()
                    continue
                sink.append(line)

        threads = [threading.Thread(target=reader, args=(proc.stdout, out_raw), daemon=True),
                   threading.Thread(target=reader, args=(proc.stderr, err_raw), daemon=True)]
        for t in threads:
            t.start()

        start = time.monotonic()
        after_cmds = [self.subst(a, extra) for a in case.list("AFTER")]
        afters_done = not after_cmds
        attach_time = None
        sent_sigint = False
        timed_out = False
        sigint_time = None
        while proc.poll() is None:
            now = time.monotonic()
            if attach_time is None and attached.is_set():
                attach_time = now
            if not afters_done and attach_time is not None:
                for a in after_cmds:
                    try:
                        r = subprocess.run(["/bin/sh", "-c", a], cwd=self.src, stdin=subprocess.DEVNULL,
                                           capture_output=True, timeout=max(1.0, timeout - (now - start)))
                        ex.after_log.append((a, r.returncode, r.stdout.decode("utf-8", "replace"),
                                             r.stderr.decode("utf-8", "replace")))
                    except subprocess.TimeoutExpired:
                        ex.after_log.append((a, "timeout", "", ""))
                afters_done = True
                continue
            if (not sent_sigint and sigint_after is not None and attach_time is not None
                    and now - attach_time >= sigint_after):
                _signal_group(proc, signal.SIGINT)
                sent_sigint, sigint_time = True, now
            if not sent_sigint and now - start >= timeout:
                timed_out = True
                _signal_group(proc, signal.SIGINT)
                sent_sigint, sigint_time = True, now
            if sent_sigint and now - sigint_time >= KILL_GRACE:
                _signal_group(proc, signal.SIGKILL)
                ex.killed = True
                break
            time.sleep(0.02)
        proc.wait()
        for t in threads:
            t.join(timeout=2)
        ex.stdout = "".join(out_raw)
        ex.out_lines = [l.rstrip("\n") for l in out_raw]
        ex.stderr = "".join(err_raw)
        ex.rc = proc.returncode
        if case.list("AFTER") and attach_time is None:
            ex.notes.append("probes never reported attachment, so AFTER did not run")
        if timed_out:
            ex.notes.append(f"TIMEOUT {timeout:g}s reached: sent SIGINT")
        if case.get("OUTPUT_FILE"):
            try:
                with open(self.subst(case.get("OUTPUT_FILE"), extra), encoding="utf-8", errors="replace") as f:
                    ex.output_file = f.read()
            except OSError as e:
                ex.notes.append(f"OUTPUT_FILE: {e}")
        return ex

    def check(self, case, ex):
        """Returns the first failed expectation of Execution ex, or None."""
        out_lines, stderr, rc, extra = ex.out_lines, ex.stderr, ex.rc, ex.extra
        plain = lambda key: [self.subst(e, extra) for e in case.list(key)]
        escaped = {k: re.escape(v) for k, v in {**self.placeholders, **extra}.items()}
        regexes = lambda key: [re.sub(r"\{[a-z_]+\}", lambda m: escaped.get(m.group(0), m.group(0)), e)
                               for e in case.list(key)]
        want_rc = int(case.get("EXIT", "0"))
        if rc != want_rc:
            return f"exit code {rc}, expected EXIT {want_rc}"
        if case.get("STDOUT") is not None:
            failure = exact_mismatch("STDOUT", expected_text(self.subst(case.get("STDOUT"), extra)), ex.stdout)
            if failure:
                return failure
        if case.get("STDOUT_REGEX") is not None:
            rxs = [re.sub(r"\{[a-z_]+\}", lambda m: escaped.get(m.group(0), m.group(0)), e)
                   for e in case.get("STDOUT_REGEX").split("\n")]
            failure = regex_mismatch(rxs, ex.stdout)
            if failure:
                return failure
        if case.get("OUTPUT_FILE") is not None:
            if ex.output_file is None:
                return f"OUTPUT_FILE {case.get('OUTPUT_FILE')} was not written"
            failure = exact_mismatch("OUTPUT_FILE_CONTENT",
                                     expected_text(self.subst(case.get("OUTPUT_FILE_CONTENT"), extra)),
                                     ex.output_file)
            if failure:
                return failure
        for e in plain("EXPECT"):
            if not any(e in line for line in out_lines):
                return f"EXPECT not found in stdout: {e!r}"
        for e in regexes("EXPECT_REGEX"):
            rx = re.compile(e)
            if not any(rx.search(line) for line in out_lines):
                return f"EXPECT_REGEX matched no stdout line: {e!r}"
        for e in plain("EXPECT_NONE"):
            for line in out_lines:
                if e in line:
                    return f"EXPECT_NONE found in stdout: {e!r} (line {line!r})"
        for e in regexes("EXPECT_NONE_REGEX"):
            rx = re.compile(e)
            for line in out_lines:
                if rx.search(line):
                    return f"EXPECT_NONE_REGEX matched stdout line {line!r}: {e!r}"
        seq = plain("EXPECT_SEQ")
        if seq:
            pos = 0
            for e in seq:
                while pos < len(out_lines) and out_lines[pos].rstrip() != e:
                    pos += 1
                if pos >= len(out_lines):
                    return f"EXPECT_SEQ: {e!r} not found after the previous EXPECT_SEQ line"
                pos += 1
        err_lines = stderr.split("\n")
        for e in plain("EXPECT_STDERR"):
            if e not in stderr:
                return f"EXPECT_STDERR not found in stderr: {e!r}"
        for e in regexes("EXPECT_STDERR_REGEX"):
            rx = re.compile(e)
            if not any(rx.search(line) for line in err_lines):
                return f"EXPECT_STDERR_REGEX matched no stderr line: {e!r}"
        for e in plain("EXPECT_STDERR_NONE"):
            if e in stderr:
                return f"EXPECT_STDERR_NONE found in stderr: {e!r}"
        return None

    def _details(self, case, cmd, stdout, stderr, rc, after_log, notes=(), output_file=None):
        def block(title, text):
            text = text if len(text) <= 6000 else text[:3000] + "\n...[truncated]...\n" + text[-3000:]
            body = "\n".join("    | " + l for l in text.rstrip("\n").split("\n")) if text.strip() else "    (empty)"
            return f"  {title}:\n{body}"
        prog = case.get("PROG") if case.get("PROG") is not None else f"(file) {case.get('PROG_FILE')}"
        parts = [f"  case: {case.path}:{case.line}",
                 block("program", prog),
                 f"  command: {shlex.join(cmd)}",
                 f"  exit code: {rc}"]
        for n in notes:
            parts.append(f"  note: {n}")
        for b in case.list("BEFORE"):
            parts.append(f"  before: {b}")
        for a, arc, aout, aerr in after_log:
            parts.append(f"  after: {a} (exit {arc})")
            if aerr.strip():
                parts.append(block("after stderr", aerr))
        parts.append(block("stdout", stdout))
        parts.append(block("stderr", stderr))
        if output_file is not None:
            parts.append(block("output file", output_file))
        return "\n".join(parts)


class Execution:
    """What one run of a case's command produced."""

    def __init__(self, runner, case, cmd, extra):
        self.runner, self.case, self.cmd, self.extra = runner, case, cmd, extra
        self.stdout, self.out_lines, self.stderr, self.rc = "", [], "", None
        self.after_log, self.notes = [], []
        self.killed = self.missing = False
        self.output_file = None

    def details(self):
        return self.runner._details(self.case, self.cmd, self.stdout, self.stderr, self.rc, self.after_log,
                                    self.notes, self.output_file)


def expected_text(body):
    """A STDOUT heredoc is the output's lines, each ending in a newline; an empty
    heredoc is an empty output."""
    return body + "\n" if body else ""


def exact_mismatch(key, want, got):
    """None if got == want, else a one-line summary and a unified diff."""
    if got == want:
        return None
    diff = difflib.unified_diff(want.splitlines(keepends=True), got.splitlines(keepends=True),
                                fromfile="expected " + key, tofile="actual", n=2)
    shown = []
    for d in diff:
        # Make line ends and trailing blanks visible: a missing final newline
        # or a trailing space is a difference too.
        d = d.rstrip("\n")
        shown.append("    " + (d + "$" if not d.startswith(("---", "+++", "@@")) else d))
    if len(shown) > 80:
        shown = shown[:80] + ["    ...[diff truncated]"]
    return f"{key} differs (diff: - expected, + actual, $ = end of line)\n" + "\n".join(shown)


def regex_mismatch(rxs, got):
    """None if each line of got fully matches the regex of the same index."""
    lines = got.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    else:
        return "STDOUT_REGEX: stdout does not end with a newline" if got else \
            ("STDOUT_REGEX: stdout is empty" if rxs != [""] else None)
    for i, (rx, line) in enumerate(zip(rxs, lines)):
        if not re.fullmatch(rx, line):
            return f"STDOUT_REGEX line {i + 1}: {line!r} does not match {rx!r}"
    if len(rxs) != len(lines):
        return f"STDOUT_REGEX: {len(lines)} stdout lines, expected {len(rxs)}"
    return None


def _signal_group(proc, sig):
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            proc.send_signal(sig)
        except ProcessLookupError:
            pass


def _kill_group(proc):
    if proc.poll() is None:
        _signal_group(proc, signal.SIGKILL)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def select(cases, args):
    out = []
    for c in cases:
        if args.filter and not any(fnmatch.fnmatchcase(c.name, g) for g in args.filter):
            continue
        if args.requires == "native" and c.needs_vm():
            continue
        if args.requires == "vm" and not c.needs_vm():
            continue
        out.append(c)
    return out


def write_junit(path, results, total_time):
    suite = ET.Element("testsuite", name="probe-corpus", tests=str(len(results)),
                       failures=str(sum(r.status == "FAIL" for r in results)),
                       skipped=str(sum(r.status == "SKIP" for r in results)),
                       time=f"{total_time:.3f}")
    for r in results:
        tc = ET.SubElement(suite, "testcase", classname="corpus." + os.path.basename(r.case.path)[:-5],
                           name=r.case.name, time=f"{r.duration:.3f}")
        if r.status == "FAIL":
            ET.SubElement(tc, "failure", message=r.reason).text = r.details
        elif r.status == "SKIP":
            ET.SubElement(tc, "skipped", message=r.reason)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.abspath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser(description="Run probe's runtime test corpus.")
    ap.add_argument("--probe", default=os.path.join(repo, "build", "probe"), help="the probe binary")
    ap.add_argument("--build", default=os.path.join(repo, "build"), help="the build directory ({build})")
    ap.add_argument("--src", default=repo, help="the source tree ({src}); cases run from here")
    ap.add_argument("--cases", default=os.path.join(here, "cases"), help="directory of *.test files")
    ap.add_argument("--filter", action="append", metavar="GLOB",
                    help="run only cases whose NAME matches GLOB (repeatable)")
    ap.add_argument("--requires", choices=("native", "vm", "all"), default="all",
                    help="native: every case but the vm ones; vm: only vm cases; all (default)")
    ap.add_argument("--pending", action="store_true",
                    help="also run the PENDING cases (features not implemented yet) and report them PASS/FAIL")
    ap.add_argument("-j", "--jobs", type=int, default=1,
                    help="cases run in parallel (default 1: system-wide probes see each other's work)")
    ap.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report")
    ap.add_argument("-v", "--verbose", action="store_true", help="print details of passing cases' commands too")
    args = ap.parse_args()

    try:
        cases = []
        for fn in sorted(os.listdir(args.cases)):
            if fn.endswith(".test"):
                cases += parse_file(os.path.join(args.cases, fn))
    except (CaseError, OSError) as e:
        print(f"run_corpus: {e}", file=sys.stderr)
        return 2
    names = {}
    for c in cases:
        if c.name in names:
            print(f"run_corpus: duplicate NAME {c.name} ({names[c.name]} and {c.path}:{c.line})", file=sys.stderr)
            return 2
        names[c.name] = f"{c.path}:{c.line}"
    cases = select(cases, args)
    runner = Runner(args)
    where = "inside the VM" if runner.in_vm else "natively"
    print(f"probe corpus: {len(cases)} cases, {args.probe}, {where}", flush=True)

    start = time.monotonic()
    results = []
    lock = threading.Lock()

    def report(r):
        with lock:
            results.append(r)
            line = f"{r.status} {r.case.name}"
            if r.status != "SKIP":
                line += f" ({r.duration:.1f}s)"
            if r.reason:
                line += f": {r.reason}"
            print(line, flush=True)
            if args.verbose and r.status == "PASS":
                print(f"  command: {shlex.join(runner.build_command(r.case, {}))}", flush=True)

    if args.jobs <= 1:
        for c in cases:
            report(runner.run(c))
    else:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
            for f in concurrent.futures.as_completed([ex.submit(runner.run, c) for c in cases]):
                report(f.result())
    total = time.monotonic() - start

    failed = [r for r in results if r.status == "FAIL"]
    if failed:
        print("\n=== failures ===")
        for r in sorted(failed, key=lambda r: r.case.name):
            print(f"FAIL {r.case.name}: {r.reason}")
            print(r.details)
            print()
    if args.junit:
        write_junit(args.junit, results, total)
    n_pass = sum(r.status == "PASS" for r in results)
    n_skip = sum(r.status == "SKIP" for r in results)
    pending = [r for r in results if r.case.get("PENDING")]
    if args.pending:
        now_pass = sorted(r.case.name for r in pending if r.status == "PASS")
        if now_pass:
            print("pending cases that pass now: " + " ".join(now_pass))
        print(f"{len(pending)} pending (run: {len(now_pass)} passed, "
              f"{sum(r.status == 'FAIL' for r in pending)} failed)")
    else:
        print(f"{len(pending)} pending (counted as skipped; --pending runs them)")
    print(f"{n_pass} passed, {len(failed)} failed, {n_skip} skipped", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
