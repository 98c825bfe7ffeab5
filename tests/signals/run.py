#!/usr/bin/env python3
"""Signals in every phase, output that is never lost, exact lost-event counts.

    tests/signals/run.py [--probe build/probe] [--filter GLOB] [-v]

Runs probe natively (root; uprobes and tracepoints) and checks values:

* matrix/PHASE/SIGNAL: PHASE in compile, load, attach, steady, end (END and
  the map dump) x SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGKILL. Every
  run uses `-c` so a child exists in every phase. After each: the exit status
  and whether maps printed match bpftrace 0.17 (it handles only SIGINT and
  SIGTERM: END and maps; the others kill it; SIGPIPE: we stop quietly with
  141 instead of dying of it), every BPF program and link probe held is gone,
  no uprobe_events/kprobe_events entry names probe's pid, the -c child is
  gone, and probe exited within 1 s of the signal plus the kernel's own
  detach time (probe -v logs "detached N links in X s"; for a kill the
  links held at the signal are charged at the slowest per-link time seen).
* sigint-twice: a second SIGINT while the map dump is blocked on a stalled
  reader exits at once.
* end-slow-reader: one SIGINT during the dump of 20,480 map lines to a slow
  pipe still prints every line.
* epipe, dev-full: a closed reader ends quietly (141, nothing on stderr); a
  full device is an error (exit 1) before anything is attached.
* lost-events: a target makes exactly N calls into a uprobe that printf()s
  each, with stdout read slowly: printed lines + reported lost == N.
* json-utf8: a comm with bytes that are not UTF-8 gives valid UTF-8 JSON with
  \\xNN escapes.

Exit status 0 when every check passes. Prints one line per case.
"""
import argparse
import ctypes
import errno
import fnmatch
import glob
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGPIPE", "SIGKILL"]
PHASES = ["compile", "load", "attach", "steady", "end"]
# Kernel probes (kprobe, kprobe.multi, fentry): only in the VM (--kernel).
KERNEL_PHASES = ["kattach", "kmulti", "ksteady"]
NFUNCS = 400  # functions in the target; uprobe wildcards attach to all of them
MAP_LINES = 20480  # 5 maps x 4096 entries in the end phase


def target_source(n):
    """A C program with n traceable functions and a few modes (see main)."""
    out = ["#include <stdio.h>", "#include <stdlib.h>", "#include <string.h>",
           "#include <sys/prctl.h>", "#include <time.h>", "#include <unistd.h>"]
    for i in range(n):
        out.append('__attribute__((noinline)) long sig_f%d(long x) { asm volatile(""); return x + %d; }' % (i, i))
    out.append("long (*const tbl[])(long) = {%s};" % ",".join("sig_f%d" % i for i in range(n)))
    out.append(r"""
int main(int argc, char **argv) {
  /* loop MS: call every function, sleep MS ms, forever.  count N: sig_f0(i)
     for i in 0..N-1.  name: rename ourselves to bytes that are not UTF-8. */
  volatile long s = 0;
  const char *mode = argc > 1 ? argv[1] : "loop";
  long n = argc > 2 ? atol(argv[2]) : 0;
  if (!strcmp(mode, "count")) { for (long i = 0; i < n; i++) s += sig_f0(i); return 0; }
  if (!strcmp(mode, "name")) {
    prctl(PR_SET_NAME, "sig\xff\xfe\x01x\xc3\xa9", 0, 0, 0);
    s += sig_f0(1);
    return 0;
  }
  for (;;) {
    for (int i = 0; i < (int)(sizeof tbl / sizeof tbl[0]); i++) s += tbl[i](i);
    if (n > 0) { struct timespec ts = {0, n * 1000000L}; nanosleep(&ts, 0); }
  }
}
""")
    return "\n".join(out) + "\n"


class Env:
    """Paths shared by every case."""

    def __init__(self, args, tmp):
        self.probe = os.path.abspath(args.probe)
        self.tmp = tmp
        self.verbose = args.verbose
        self.target = os.path.join(tmp, "sigtarget")
        src = os.path.join(tmp, "sigtarget.c")
        with open(src, "w") as f:
            f.write(target_source(NFUNCS))
        cc = os.environ.get("CC", "cc")
        subprocess.run([cc, "-O1", "-o", self.target, src], check=True)
        self.per_link = 0.15  # seconds per link the kernel may take to detach (raised by observation)

    def program(self, name, text):
        path = os.path.join(self.tmp, name + ".bt")
        with open(path, "w") as f:
            f.write(text)
        return path


def fd_targets(pid):
    """What each open fd of pid points to ({} if the process is gone)."""
    out = {}
    for p in glob.glob("/proc/%d/fd/*" % pid):
        try:
            out[p] = os.readlink(p)
        except OSError:
            pass
    return out


def bpf_ids(pid):
    """(prog ids, link ids) held by pid's fds, from /proc/PID/fdinfo."""
    progs, links = set(), set()
    for p in glob.glob("/proc/%d/fdinfo/*" % pid):
        try:
            with open(p) as f:
                text = f.read()
        except OSError:
            continue
        m = re.search(r"^prog_id:\s*(\d+)", text, re.M)
        if m:
            progs.add(int(m.group(1)))
        m = re.search(r"^link_id:\s*(\d+)", text, re.M)
        if m:
            links.add(int(m.group(1)))
    return progs, links


def count_links(pid):
    """Attached links: perf events (uprobes, tracepoints; each also has a BPF
    link fd) or, without perf events, BPF links (kprobe.multi, fentry)."""
    kinds = list(fd_targets(pid).values())
    return max(sum("perf_event" in t for t in kinds), sum("bpf_link" in t or "bpf-link" in t for t in kinds))


def has_prog_fd(pid):
    return any("bpf-prog" in t for t in fd_targets(pid).values())


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def alive(pid):
    """Exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] not in "ZX"


def loaded_ids():
    """Every BPF program and link id in the system (bpftool)."""
    def ids(kind):
        r = subprocess.run(["bpftool", "-j", kind, "show"], capture_output=True, text=True)
        try:
            return {e["id"] for e in json.loads(r.stdout or "[]")}
        except ValueError:
            return set()
    return ids("prog"), ids("link")


def tracefs_entries(pid):
    """uprobe_events/kprobe_events lines that name pid (libbpf's legacy names do)."""
    bad = []
    for d in ("/sys/kernel/tracing", "/sys/kernel/debug/tracing"):
        for name in ("uprobe_events", "kprobe_events"):
            try:
                with open(os.path.join(d, name)) as f:
                    bad += [l for l in f.read().splitlines() if "_%d_" % pid in l]
            except OSError:
                pass
    return bad


class Run:
    """probe running with stdout read by a thread (optionally slowly or stalled)."""

    def __init__(self, env, argv, slow=0.0, stall=None, stdout=subprocess.PIPE, chunk=4096, trigger=None):
        self.lines = []
        self.raw = bytearray()
        self.slow = slow
        self.chunk = chunk
        self.trigger = trigger  # (bytes, fn): fn() runs in the reader as soon as bytes arrive
        self.triggered_at = None
        self.progs, self.links, self.max_links = set(), set(), 0
        self.stall = stall  # a threading.Event: while set, the reader stops reading
        environ = dict(os.environ, __BPFTRACE_NOTIFY_PROBES_ATTACHED="1")
        self.t0 = time.monotonic()
        self.p = subprocess.Popen([env.probe, "-v"] + argv, stdout=stdout, stderr=subprocess.PIPE,
                                  env=environ, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE, (0, 0)))
        self.err = b""
        self.threads = [threading.Thread(target=self._read_err, daemon=True),
                        threading.Thread(target=self._sample, daemon=True)]
        if stdout == subprocess.PIPE:
            self.threads.append(threading.Thread(target=self._read_out, daemon=True))
        for t in self.threads:
            t.start()

    def _read_out(self):
        fd = self.p.stdout.fileno()
        while True:
            while self.stall is not None and self.stall.is_set():
                time.sleep(0.01)
            try:
                b = os.read(fd, self.chunk)
            except OSError:
                break
            if not b:
                break
            self.raw += b
            if self.trigger and self.triggered_at is None and self.trigger[0] in self.raw:
                self.triggered_at = time.monotonic()
                self.trigger[1]()
            if self.slow:
                time.sleep(self.slow)

    def _sample(self):
        """Until probe exits: every prog and link id it held, and the most links at once."""
        while self.p.poll() is None:
            progs, links = bpf_ids(self.p.pid)
            self.progs |= progs
            self.links |= links
            self.max_links = max(self.max_links, count_links(self.p.pid))
            time.sleep(0.005)

    def _read_err(self):
        self.err = self.p.stderr.read()

    def text(self):
        return bytes(self.raw).decode("utf-8", "replace")

    def wait_for(self, pred, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if pred():
                return True
            if self.p.poll() is not None:
                return pred()
            time.sleep(0.002)
        return False

    def finish(self, timeout=300):
        try:
            self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        t = time.monotonic()
        for th in self.threads:
            th.join(10)
        return t

    def detach_time(self):
        """(links, seconds) the kernel took to detach them and unload the programs (probe -v)."""
        m = re.findall(rb"detached (\d+) links in ([0-9.]+) s", self.err)
        u = re.findall(rb"unloaded the programs in ([0-9.]+) s", self.err)
        return (int(m[-1][0]), float(m[-1][1]) + (float(u[-1]) if u else 0.0)) if m else (0, 0.0)


class Case:
    def __init__(self, name):
        self.name = name
        self.problems = []
        self.notes = []

    def check(self, cond, what):
        if not cond:
            self.problems.append(what)
        return cond


def check_nothing_left(case, pid, progs, links, kids):
    all_progs, all_links = loaded_ids()
    case.check(not (progs & all_progs), "programs left loaded: %s" % sorted(progs & all_progs))
    case.check(not (links & all_links), "links left: %s" % sorted(links & all_links))
    case.check(not tracefs_entries(pid), "tracefs events left: %s" % tracefs_entries(pid))
    end = time.monotonic() + 1.0
    while any(alive(k) for k in kids) and time.monotonic() < end:
        time.sleep(0.01)
    left = [k for k in kids if alive(k)]
    if not case.check(not left, "-c child left running: %s" % left):
        for k in left:
            os.kill(k, signal.SIGKILL)


def phase_program(env, phase):
    """(program file, -c command, extra flags) for one phase."""
    t = env.target
    if phase == "compile":
        # Thousands of statements: several seconds of LLVM (the signal comes at 0.3 s).
        body = "".join("tracepoint:syscalls:sys_enter_getppid { %s }\n" %
                       " ".join("@m%d = %d;" % (i, p * 100 + i) for i in range(30)) for p in range(600))
        return env.program("compile", body + "END { @x = 1; }\n"), t + " loop 1", ["--max-probes", "5000"]
    if phase == "load":
        return (env.program("many", "uprobe:%s:sig_f* { @c = count(); }\n" % t), t + " loop 1",
                ["--max-probes", "5000"])
    if phase == "attach":
        # 100 uprobes: a window of ~50 ms to hit, and at most ~10 s of kernel detach.
        return env.program("attach", "uprobe:%s:sig_f1?? { @c = count(); }\n" % t), t + " loop 1", []
    if phase == "kattach":
        # Kprobes one by one (a link each): the attach loop of many kernel probes.
        return (env.program("kattach", "kprobe:vfs_* { @c = count(); }\n"), t + " loop 1",
                ["--no-kprobe-multi", "--max-probes", "5000"])
    if phase == "kmulti":
        return env.program("kmulti", "kprobe:vfs_* { @c = count(); }\n"), t + " loop 1", ["--max-probes", "5000"]
    if phase == "ksteady":
        return (env.program("ksteady", "kprobe:do_nanosleep { @c = count(); printf(\"x %d\\n\", pid); }\n"
                            "fentry:vfs_read { @r = count(); }\n"), t + " loop 1", [])
    if phase == "steady":
        return (env.program("steady", "uprobe:%s:sig_f1 { @c = count(); printf(\"x %%d\\n\", arg0); }\n"
                            "tracepoint:syscalls:sys_enter_nanosleep { @n = count(); }\n" % t), t + " loop 0", [])
    return (env.program("end", "BEGIN { $i = 0; while ($i < 4096) { @a[$i] = $i; @b[$i] = $i; @c[$i] = $i;"
                        " @d[$i] = $i; @e[$i] = $i; $i++; } }\n"
                        "uprobe:%s:sig_f1 { @calls = count(); }\n"
                        "interval:ms:300 { exit(); }\n"
                        "END { printf(\"end ran\\n\"); }\n" % t), t + " loop 1", [])


def wait_phase(run, phase, env):
    """Waits until probe is in phase; returns False if it never was."""
    p = run.p.pid
    notify = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"
    if phase == "compile":
        time.sleep(0.3)
        return run.p.poll() is None and not has_prog_fd(p)
    if phase == "load":
        return run.wait_for(lambda: has_prog_fd(p)) and "Attaching" not in run.text()
    if phase == "attach":
        # "Attaching N probes..." comes right before the attach loop (~0.3 ms a uprobe).
        return run.wait_for(lambda: "Attaching" in run.text()) and notify not in run.text()
    if phase in ("steady", "ksteady"):
        ok = run.wait_for(lambda: notify in run.text())
        time.sleep(0.3)
        return ok and run.text().count("\nx ") > 0
    return run.wait_for(lambda: "@a[" in run.text()) and run.p.poll() is None


def matrix_case(env, phase, sig):
    case = Case("matrix/%s/%s" % (phase, sig))
    prog, cmd, flags = phase_program(env, phase)
    # end: a slow reader, so the dump is still running when the signal comes.
    run = Run(env, flags + ["-c", cmd, prog], slow=0.004 if phase == "end" else 0.0)
    pid = run.p.pid
    if phase in ("attach", "kattach", "kmulti"):
        # Attaching 100 uprobes takes ~30 ms: signal from the reader thread
        # the moment "Attaching N probes..." (printed right before) arrives.
        # No delay for uprobes: 100 of them can attach in under 10 ms on an idle
        # host (a CI run missed the window once); a signal before the loop starts
        # still counts, since nothing then gets attached.
        delay = 0 if phase == "attach" else 0.01
        run.trigger = (b"Attaching", lambda: (time.sleep(delay), os.kill(pid, getattr(signal, sig))))
        in_phase = run.wait_for(lambda: run.triggered_at is not None)
        t_sig = run.triggered_at or time.monotonic()
        kids = children(pid)
    else:
        in_phase = wait_phase(run, phase, env)
        kids = children(pid)
        t_sig = time.monotonic()
        if in_phase:
            os.kill(pid, getattr(signal, sig))
    if not in_phase:
        run.p.kill()
    t_exit = run.finish()
    progs, links, nlinks = run.progs, run.links, run.max_links
    if not case.check(in_phase, "never saw the %s phase (stdout %r)" % (phase, run.text()[-200:])):
        return case
    rc = run.p.returncode
    out = run.text()
    handled = phase not in ("compile", "load")
    graceful = handled and sig in ("SIGINT", "SIGTERM")
    signum = getattr(signal, sig)
    if graceful:
        want_rc = 0
    elif handled and sig == "SIGPIPE":
        want_rc = 128 + signal.SIGPIPE
    else:
        want_rc = -signum
    case.check(rc == want_rc, "exit status %s, want %s" % (rc, want_rc))
    maps = re.findall(r"^@\w*(?:\[.*\])?: ", out, re.M)
    if graceful and phase in ("steady", "ksteady"):
        m = re.search(r"^@c: (\d+)$", out, re.M)
        case.check(m is not None, "no @c in the map dump: %r" % out[-300:])
        # Each hit counted in @c also printed a line: none may go missing on the way out.
        xs = len(re.findall(r"^x -?\d+$", out, re.M))
        lost = sum(int(x) for x in re.findall(rb"Lost (\d+) events", run.err))
        if m:
            case.check(xs + lost == int(m.group(1)), "printed %d + lost %d != @c %s" % (xs, lost, m.group(1)))
            case.notes.append("lines=%d" % xs)
    elif graceful and phase == "end":
        case.check(len(maps) == MAP_LINES + 1, "map lines %d, want %d" % (len(maps), MAP_LINES + 1))
        case.check("end ran" in out, "END did not run")
    elif graceful:
        case.check(notify_absent(out) or phase == "kmulti", "attach went on after the signal")
        case.check(phase != "attach" or run.detach_time()[0] < 100,
                   "all 100 probes were attached: the signal missed the attach phase")
    else:
        stop = out.find("\n\n\n") if phase == "end" else -1
        case.check(phase == "end" or not maps, "maps printed on %s: %r" % (sig, out[-200:]))
        case.check(not (phase == "end" and sig != "SIGPIPE" and len(maps) >= MAP_LINES + 1 and rc != 0),
                   "whole dump printed although %s kills" % sig)
    case.check(b"internal error" not in run.err and b"Sanitizer" not in run.err, "stderr: %r" % run.err[-300:])
    n, detach = run.detach_time()
    if n:
        env.per_link = max(env.per_link, detach / n * 1.5)
    else:
        detach = nlinks * env.per_link
    latency = t_exit - t_sig
    # end: the rest of the dump to a slow pipe (an external SIGPIPE does not cut the dump short).
    limit = 1.0 + detach + (2.0 if phase == "end" and (graceful or sig == "SIGPIPE") else 0.0)
    case.check(latency <= limit, "exited %.2f s after %s (limit %.2f s, %d links)" % (latency, sig, limit, nlinks))
    case.notes.append("%.2fs rc=%s links=%d detach=%.2fs" % (latency, rc, nlinks, detach))
    check_nothing_left(case, pid, progs, links, kids)
    return case


def notify_absent(out):
    return "__BPFTRACE_NOTIFY_PROBES_ATTACHED" not in out


def end_slow_reader(env):
    """One SIGINT during the dump (slow reader): all lines, exit 0."""
    case = Case("end-slow-reader")
    prog, cmd, _ = phase_program(env, "end")
    run = Run(env, ["-c", cmd, prog], slow=0.02)
    if not case.check(run.wait_for(lambda: "@a[" in run.text()), "no map dump"):
        run.p.kill()
        run.finish()
        return case
    for _ in range(1):
        os.kill(run.p.pid, signal.SIGINT)
    run.finish()
    maps = re.findall(r"^@\w+\[\d+\]: \d+$", run.text(), re.M)
    case.check(run.p.returncode == 0, "exit status %s" % run.p.returncode)
    case.check(len(maps) == MAP_LINES, "%d map lines, want %d" % (len(maps), MAP_LINES))
    case.notes.append("%d lines" % len(maps))
    return case


def steady_slow_reader(env):
    """SIGINT while probe is blocked writing to a slow pipe: every counted hit is
    printed or reported lost (issue 7: ~290 lines vanished, exit 0)."""
    case = Case("steady-slow-reader")
    prog, cmd, _ = phase_program(env, "steady")
    run = Run(env, ["-c", cmd, prog], slow=0.01, chunk=1024)
    if not case.check(run.wait_for(lambda: "\nx " in run.text()), "no output"):
        run.p.kill()
        run.finish()
        return case
    time.sleep(1.0)
    os.kill(run.p.pid, signal.SIGINT)
    run.finish()
    out = run.text()
    m = re.search(r"^@c: (\d+)$", out, re.M)
    xs = len(re.findall(r"^x -?\d+$", out, re.M))
    lost = sum(int(x) for x in re.findall(rb"Lost (\d+) events", run.err))
    case.check(run.p.returncode == 0, "exit status %s" % run.p.returncode)
    if case.check(m is not None, "no @c in the map dump: %r" % out[-300:]):
        case.check(xs + lost == int(m.group(1)), "printed %d + lost %d != @c %s" % (xs, lost, m.group(1)))
    case.notes.append("printed %d lost %d" % (xs, lost))
    return case


def sigint_twice(env):
    """A second SIGINT exits at once even with the dump blocked on a stalled reader."""
    case = Case("sigint-twice")
    prog, cmd, _ = phase_program(env, "end")
    stall = threading.Event()
    run = Run(env, ["-c", cmd, prog], stall=stall)
    pid = run.p.pid
    if not case.check(run.wait_for(lambda: "@a[" in run.text()), "no map dump"):
        run.p.kill()
        run.finish()
        return case
    stall.set()
    kids = children(pid)
    progs, links = bpf_ids(pid)
    os.kill(pid, signal.SIGINT)
    time.sleep(0.5)
    case.check(run.p.poll() is None, "exited on the first SIGINT with the reader stalled")
    t = time.monotonic()
    os.kill(pid, signal.SIGINT)
    try:
        run.p.wait(5)
    except subprocess.TimeoutExpired:
        pass
    latency = time.monotonic() - t
    stall.clear()
    run.finish()
    case.check(latency < 1.0, "second SIGINT: exit after %.2f s" % latency)
    case.check(run.p.returncode == -signal.SIGINT, "exit status %s, want -2" % run.p.returncode)
    case.notes.append("%.2fs" % latency)
    check_nothing_left(case, pid, progs | run.progs, links | run.links, kids)
    return case


def epipe(env):
    """The reader goes away: quiet, 141, nothing left."""
    case = Case("epipe")
    prog, cmd, _ = phase_program(env, "steady")
    r, w = os.pipe()
    run = Run(env, ["-c", cmd, prog], stdout=w)
    os.close(w)
    pid = run.p.pid
    f = os.fdopen(r, "rb")
    got = b""
    while b"\nx " not in got:
        b = f.read1(4096)
        if not b:
            break
        got += b
    kids = children(pid)
    progs, links = bpf_ids(pid)
    f.close()
    t = time.monotonic()
    run.finish()
    latency = time.monotonic() - t
    n, detach = run.detach_time()
    err = re.sub(rb"probe: debug: [^\n]*\n|libbpf: [^\n]*\n", b"", run.err)
    case.check(run.p.returncode == 141, "exit status %s, want 141" % run.p.returncode)
    case.check(err == b"", "stderr: %r" % err[-300:])
    case.check(latency < 1.0 + detach, "exit %.2f s after the reader left" % latency)
    case.notes.append("%.2fs" % latency)
    check_nothing_left(case, pid, progs | run.progs, links | run.links, kids)
    return case


def dev_full(env):
    case = Case("dev-full")
    prog, cmd, _ = phase_program(env, "steady")
    with open("/dev/full", "wb") as full:
        try:
            p = subprocess.run([env.probe, "-c", cmd, prog], stdout=full, stderr=subprocess.PIPE, timeout=20)
        except subprocess.TimeoutExpired:
            case.check(False, "still running 20 s after its first write failed")
            return case
    case.check(p.returncode == 1, "exit status %s, want 1" % p.returncode)
    case.check(b"No space left on device" in p.stderr, "stderr: %r" % p.stderr[-300:])
    case.check(b"attach" not in p.stderr, "stderr: %r" % p.stderr[-300:])
    return case


def lost_events(env, slow):
    """N calls -> printed + lost == N; slow: stdout is not read until the target is done."""
    n = 200000
    case = Case("lost-events/%s" % ("slow-reader" if slow else "fast-reader"))
    # 8 ints: 72-byte events, so 3 s of a stalled reader overflow the 4 MiB ring buffer.
    prog = env.program("lost", "uprobe:%s:sig_f0 { printf(\"%%d %%d %%d %%d %%d %%d %%d %%d\\n\", arg0, arg0, arg0,"
                       " arg0, arg0, arg0, arg0, arg0); }\n" % env.target)
    stall = threading.Event()
    if slow:
        stall.set()
    run = Run(env, ["-c", "%s count %d" % (env.target, n), prog], stall=stall)
    if slow:
        # Read nothing until the target has made all its calls (16 MB of
        # events for a 4 MiB ring buffer), whatever the machine's speed.
        end = time.monotonic() + 120
        kids = []
        while not kids and run.p.poll() is None and time.monotonic() < end:
            kids = children(run.p.pid)
            time.sleep(0.01)
        while any(alive(k) for k in kids) and time.monotonic() < end:
            time.sleep(0.05)
        stall.clear()
    run.finish(300)
    out = run.text()
    printed = re.findall(r"^(\d+)(?: \1){7}$", out, re.M)
    lost = sum(int(x) for x in re.findall(rb"Lost (\d+) events", run.err))
    case.check(run.p.returncode == 0, "exit status %s" % run.p.returncode)
    case.check(len(printed) + lost == n, "printed %d + lost %d != %d" % (len(printed), lost, n))
    case.check(len(set(printed)) == len(printed), "duplicate lines")
    case.check(len([l for l in out.splitlines() if l]) == len(printed) + 2, "other lines in the output: %r" % out[:200])
    if slow:
        case.check(lost > 0, "the stalled reader lost nothing: the test no longer tests loss")
    case.notes.append("printed %d lost %d" % (len(printed), lost))
    return case


def json_utf8(env):
    case = Case("json-utf8")
    prog = env.program("json", "uprobe:%s:sig_f0 { printf(\"%%s\\n\", comm); @n[comm] = count(); @s = comm; }\n"
                       % env.target)
    p = subprocess.run([env.probe, "-f", "json", "-c", "%s name" % env.target, prog],
                       capture_output=True, timeout=60)
    case.check(p.returncode == 0, "exit status %s: %r" % (p.returncode, p.stderr[-300:]))
    try:
        text = p.stdout.decode("utf-8")
    except UnicodeDecodeError as e:
        case.check(False, "output is not UTF-8: %s" % e)
        return case
    want = "sig\\xff\\xfe\x01x\u00e9"  # the bytes that are not UTF-8 as the text \xNN; é passes through
    seen = []
    for line in text.splitlines():
        try:
            rec = json.loads(line)
        except ValueError as e:
            case.check(False, "invalid JSON %r: %s" % (line, e))
            continue
        if rec.get("type") == "printf":
            seen.append(("printf", rec["data"]))
        elif rec.get("type") == "map":
            seen.append(("map", rec["data"]))
    case.check(("printf", want + "\n") in seen, "printf data: %r" % seen)
    case.check(("map", {"@n": {want: 1}}) in seen, "map key: %r" % seen)
    case.check(("map", {"@s": want}) in seen, "map value: %r" % seen)
    return case


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--probe", default=os.path.join(ROOT, "build", "probe"))
    ap.add_argument("--filter", action="append", help="run only cases whose name matches GLOB")
    ap.add_argument("--kernel", action="store_true",
                    help="also the kprobe/kprobe.multi/fentry phases (in the VM: tests/signals/run-in-vm.sh)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("tests/signals: needs root (BPF); skipped")
        return 0
    if not shutil.which("bpftool"):
        print("tests/signals: needs bpftool; failing")
        return 1
    start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="probe-signals-")
    try:
        env = Env(args, tmp)
        cases = [("epipe", lambda: epipe(env)), ("dev-full", lambda: dev_full(env)),
                 ("json-utf8", lambda: json_utf8(env)),
                 ("lost-events/fast-reader", lambda: lost_events(env, False)),
                 ("lost-events/slow-reader", lambda: lost_events(env, True)),
                 ("steady-slow-reader", lambda: steady_slow_reader(env)),
                 ("end-slow-reader", lambda: end_slow_reader(env)), ("sigint-twice", lambda: sigint_twice(env))]
        for ph in PHASES + (KERNEL_PHASES if args.kernel else []):
            for sig in SIGNALS:
                cases.append(("matrix/%s/%s" % (ph, sig), lambda ph=ph, sig=sig: matrix_case(env, ph, sig)))
        failed = 0
        total = 0
        for name, fn in cases:
            if args.filter and not any(fnmatch.fnmatch(name, g) for g in args.filter):
                continue
            total += 1
            t = time.monotonic()
            c = fn()
            status = "ok  " if not c.problems else "FAIL"
            failed += bool(c.problems)
            print("%s %-28s %5.1fs  %s" % (status, c.name, time.monotonic() - t, "; ".join(c.notes)), flush=True)
            for pr in c.problems:
                print("       " + pr, flush=True)
        print("tests/signals: %d/%d passed in %.0f s" % (total - failed, total, time.monotonic() - start))
        return 1 if failed else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
