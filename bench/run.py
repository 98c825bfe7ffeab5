#!/usr/bin/env python3
"""probe vs bpftrace 0.17, side by side: one command, one table.

    sudo python3 bench/run.py [--rounds 5] [--quick] [--only NAME[,NAME...]] [--probe PATH]

Installs what is missing (apt-get), builds probe if needed (cmake) and the hand-written
libbpf reference (/work/shared/bench-reference or --ref), runs every workload with both
tools alternately (a warm-up round, then A B A B ...), prints a markdown table and writes
bench/results/latest.json and latest.md. See bench/README.md.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTIFY = b"__BPFTRACE_NOTIFY_PROBES_ATTACHED"
TRACEFS = "/sys/kernel/tracing/events"
LIVE = set()  # process-group ids still running: killed on exit


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- setup

def ensure_packages():
    need = {"bpftrace": "bpftrace", "clang": "clang", "bpftool": "bpftool", "gcc": "build-essential",
            "cmake": "cmake"}
    missing = [pkg for exe, pkg in need.items() if not shutil.which(exe)]
    if not os.path.exists("/usr/include/bpf/libbpf.h"):
        missing.append("libbpf-dev")
    if not os.path.exists("/usr/include/libelf.h"):
        missing.append("libelf-dev")
    if missing:
        log("installing:", " ".join(missing))
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], env=env, timeout=600, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                       env=env, timeout=1800, check=True)


def find_probe(explicit):
    if explicit:
        return os.path.abspath(explicit)
    for cand in ("build/probe", "build-bench/probe"):
        p = os.path.join(ROOT, cand)
        if os.access(p, os.X_OK):
            return p
    log("building probe into build-bench/ (cmake, -j1)")
    subprocess.run(["cmake", "-S", ROOT, "-B", os.path.join(ROOT, "build-bench"),
                    "-DCMAKE_BUILD_TYPE=RelWithDebInfo"], check=True, timeout=600, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", os.path.join(ROOT, "build-bench"), "--target", "probe", "-j1"],
                   check=True, timeout=7200)
    return os.path.join(ROOT, "build-bench", "probe")


def build_reference(ref, out):
    subprocess.run(["bash", os.path.join(ref, "build.sh"), out], check=True, timeout=600,
                   stdout=subprocess.DEVNULL)
    return out


# Launcher between run.py and each tool. ru_maxrss of a process includes the hiwater RSS of the
# mm it exec'd from, i.e. python's (which grows to 100+ MB after reading a throughput output):
# measuring the tool's rusage from python's wait4 would report max(python, tool). The launcher is
# exec'd fresh (tiny mm), forks the tool, ignores SIGINT itself, reaps the tool with wait4 and writes
# its rusage to argv[1]; it exits with the tool's status.
SPAWN_C = r"""
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
  signal(SIGINT, SIG_IGN);
  pid_t c = fork();
  if (c == 0) { signal(SIGINT, SIG_DFL); execvp(argv[2], argv + 2); _exit(127); }
  int st; struct rusage ru;
  while (wait4(c, &st, 0, &ru) < 0) {}
  FILE *f = fopen(argv[1], "w");
  fprintf(f, "%ld %ld.%06ld %ld.%06ld\n", ru.ru_maxrss, (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec,
          (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec);
  fclose(f);
  if (WIFSIGNALED(st)) { signal(WTERMSIG(st), SIG_DFL); raise(WTERMSIG(st)); }
  return WEXITSTATUS(st);
}
"""
SPAWN = None


def build_spawn(tmp):
    global SPAWN
    src = os.path.join(tmp, "spawn.c")
    with open(src, "w") as f:
        f.write(SPAWN_C)
    SPAWN = os.path.join(tmp, "spawn")
    subprocess.run(["gcc", "-O2", "-static", src, "-o", SPAWN], check=True, timeout=120)
    return SPAWN


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
    return {"nproc": os.cpu_count(), "cpu": model, "kernel": platform.release(), "memory": mem,
            "loadavg_start": open("/proc/loadavg").read().split()[:3]}


def version(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout.strip().splitlines()[0]
    except Exception as e:  # noqa: BLE001
        return "?(%s)" % e


# ---------------------------------------------------------------- running one tool

class Run:
    """One traced run: spawn, wait for the attach line, optionally do work, SIGINT, reap with wait4."""

    def __init__(self, argv, *, out_file=None, env_extra=None, timeout=60):
        self.argv, self.timeout = argv, timeout
        env = dict(os.environ)
        env["__BPFTRACE_NOTIFY_PROBES_ATTACHED"] = "1"
        env.update(env_extra or {})
        self.out_file = out_file
        self.attached = threading.Event()
        self.t_attach = None
        self.stdout_lines = []
        self.stderr = b""
        self.ru_file = tempfile.mktemp(prefix="ru-", dir=os.path.dirname(SPAWN))
        argv = [SPAWN, self.ru_file, *argv]
        self.t0 = time.perf_counter()
        if out_file:  # stdout to a tmpfs file: no reader competes for CPU; attach line found by polling
            self._out = open(out_file, "wb")
            self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self._out, stderr=subprocess.PIPE,
                                      env=env, start_new_session=True)
        else:
            self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      env=env, start_new_session=True)
        LIVE.add(self.p.pid)
        self.done = threading.Event()
        self.rusage = None
        self.status = None
        threading.Thread(target=self._reap, daemon=True).start()
        self.readers = [threading.Thread(target=self._read_err, daemon=True)]
        if not out_file:
            self.readers.append(threading.Thread(target=self._read_out, daemon=True))
        for t in self.readers:
            t.start()

    def _reap(self):
        _, st, ru = os.wait4(self.p.pid, 0)
        self.t_end = time.perf_counter()
        self.status, self.rusage = st, ru
        self.p.returncode = os.waitstatus_to_exitcode(st)
        LIVE.discard(self.p.pid)
        self.done.set()

    def _saw_notify(self):
        if not self.attached.is_set():
            self.t_attach = time.perf_counter()
            self.attached.set()

    def _read_err(self):
        # bpftrace 0.17 prints the attach line on stderr, probe on stdout: watch both.
        buf = []
        for line in self.p.stderr:
            if line.startswith(NOTIFY):
                self._saw_notify()
            buf.append(line)
        self.stderr = b"".join(buf)

    def _read_out(self):
        for line in self.p.stdout:
            if line.startswith(NOTIFY):
                self._saw_notify()
            elif len(self.stdout_lines) < 1000:
                self.stdout_lines.append(line)

    def wait_attached(self):
        """True once attached; False if the tool exited (or timed out) first."""
        deadline = self.t0 + self.timeout
        if not self.out_file:
            while time.perf_counter() < deadline:
                if self.attached.wait(0.05):
                    return True
                if self.done.is_set():
                    return self.attached.wait(0.05)
            return False
        while time.perf_counter() < deadline:
            if self.attached.is_set():
                return True
            with open(self.out_file, "rb") as f:
                if NOTIFY in f.read(65536):
                    self._saw_notify()
                    return True
            if self.done.is_set():
                return False
            time.sleep(0.001)
        return False

    def stop(self, sig=signal.SIGINT):
        if not self.done.is_set():
            try:
                os.killpg(self.p.pid, sig)
            except ProcessLookupError:
                pass

    def finish(self, resend=False):
        """Waits for exit (killing the group on timeout); returns a dict of measurements.

        resend: SIGINT was sent; repeat it every 2 s while the tool is still up (bpftrace 0.17
        sometimes misses a SIGINT that arrives right after its attach line); counted in sigint_resent.
        """
        resent = 0
        while resend and not self.done.wait(2.0) and time.perf_counter() < self.t0 + self.timeout:
            self.stop()
            resent += 1
        left = max(1.0, self.t0 + self.timeout - time.perf_counter())
        if not self.done.wait(left):
            self.stop(signal.SIGINT)
            if not self.done.wait(5):
                self.stop(signal.SIGKILL)
                self.done.wait(10)
            raise RuntimeError("timeout: %s" % " ".join(self.argv)[:200])
        for t in self.readers:
            t.join(5)
        if self.out_file:
            self._out.close()
        err = self.stderr.decode(errors="replace")
        # "Lost N events": probe prints it on stderr, bpftrace 0.17 on stdout: count both
        if self.out_file:
            with open(self.out_file, "rb") as f:
                out = f.read().decode(errors="replace")
        else:
            out = b"".join(self.stdout_lines).decode(errors="replace")
        lost = sum(int(m) for m in re.findall(r"Lost (\d+) events", err + "\n" + out))
        with open(self.ru_file) as f:
            rss, ut, st = f.read().split()
        os.unlink(self.ru_file)
        ut, st = float(ut), float(st)
        r = {"wall_s": self.t_end - self.t0,
             "attach_s": (self.t_attach - self.t0) if self.t_attach else None,
             "cpu_s": ut + st, "user_s": ut, "sys_s": st, "maxrss_kb": int(rss), "rc": self.p.returncode, "lost": lost, "sigint_resent": resent}
        if self.p.returncode not in (0,) and not (self.p.returncode == -signal.SIGINT):
            r["stderr"] = err[-2000:]
        return r


def tool_argv(tool, tools, script):
    if tool == "probe":
        return [tools["probe"], "-e", script]
    return ["bpftrace", "-e", script]


def kill_all():
    for pgid in list(LIVE):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def alternate(rounds, warmup=1):
    """Round order: warm-up round(s) (discarded), then A B, B A, ... so neither tool always goes first."""
    seq = []
    for r in range(warmup + rounds):
        order = ("probe", "bpftrace") if r % 2 == 0 else ("bpftrace", "probe")
        for t in order:
            seq.append((r - warmup, t))
    return seq


# ---------------------------------------------------------------- workloads

def tracepoints(n):
    """n distinct tracepoints: syscalls first, then the other categories, sorted."""
    out = []
    cats = ["syscalls"] + sorted(c for c in os.listdir(TRACEFS) if c != "syscalls")
    for cat in cats:
        d = os.path.join(TRACEFS, cat)
        if not os.path.isdir(d):
            continue
        for ev in sorted(os.listdir(d)):
            if os.path.isdir(os.path.join(d, ev)):
                out.append("%s:%s" % (cat, ev))
    if len(out) < n:
        raise RuntimeError("only %d tracepoints" % len(out))
    return out[:n]


def tp20_script():
    tps = [t for t in tracepoints(400) if t.startswith("syscalls:sys_enter_")][:20]
    return "".join("tracepoint:%s { @[%d] = count(); }\n" % (t, i) for i, t in enumerate(tps))


def start_workloads():
    tp20 = tp20_script()
    return [
        ("begin", "BEGIN { exit() }", "BEGIN { exit() }"),
        ("tp_openat", "tracepoint:syscalls:sys_enter_openat { @[comm] = count(); } BEGIN { exit() }",
         "tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }"),
        ("uprobe_libc", "uprobe:libc:getpid { @ = count(); } BEGIN { exit() }", "uprobe:libc:getpid { @ = count(); }"),
        ("tp20", tp20 + "BEGIN { exit() }", tp20),
    ]


def w_start(tools, rounds, res):
    """1+2. Start -> attached -> exit, and peak RSS.

    as_written: the script as given (ends with BEGIN { exit() }): wall/CPU/RSS until exit.
    attach: the script without BEGIN exit(); SIGINT the moment the tool prints the attach line.
    attach_s = spawn -> attach line; wall_s = spawn -> exit after that SIGINT.
    """
    for name, as_written, attach_only in start_workloads():
        for mode, script in (("as_written", as_written), ("attach", attach_only)):
            if mode == "attach" and name == "begin":
                continue
            key = "start/%s/%s" % (name, mode)
            res[key] = {"probe": [], "bpftrace": []}
            for rnd, tool in alternate(rounds):
                run = Run(tool_argv(tool, tools, script), timeout=60)
                ok = run.wait_attached()
                if mode == "attach":
                    run.stop()
                r = run.finish(resend=(mode == "attach"))
                r["attached"] = ok
                if rnd >= 0:
                    res[key][tool].append(r)
            log("  %-32s done" % key)


def run_gen(tools, n, timeout=300):
    p = subprocess.run([tools["gen"], str(n), "1"], capture_output=True, text=True, timeout=timeout)
    return float(p.stdout.split()[0])


def per_event_scripts():
    return {
        "empty": "tracepoint:syscalls:sys_enter_getppid { }",
        "count_comm": "tracepoint:syscalls:sys_enter_getppid { @[comm] = count(); }",
        "printf": 'tracepoint:syscalls:sys_enter_getppid { printf("%d %s\\n", pid, comm); }',
    }


HAND_NAME = {"empty": "empty", "count_comm": "count_comm", "printf": "print_ev", "hist": "hist_array"}


def w_per_event(tools, rounds, n, res, tmp):
    """3. ns added per getppid() call: gen with nothing attached, under each tool, and under hand."""
    out = os.path.join(tmp, "out.txt")
    base = []
    for _ in range(rounds + 1):
        base.append(run_gen(tools, n))
    res["per_event/baseline"] = {"ns_per_call": base[1:]}
    for prog, script in per_event_scripts().items():
        key = "per_event/%s" % prog
        res[key] = {"probe": [], "bpftrace": [], "hand": []}
        seq = []
        for rnd, t in alternate(rounds):
            seq.append((rnd, t))
            if t == "bpftrace":
                seq.append((rnd, "hand"))
        for rnd, tool in seq:
            if tool == "hand":
                with open(out, "wb") as f:
                    p = subprocess.run([tools["hand"], HAND_NAME[prog], str(n)], cwd=tools["refdir"], stdout=f,
                                       stderr=subprocess.PIPE, text=False, timeout=300)
                err = p.stderr.decode()
                m = re.search(r"([\d.]+) ns/call", err)
                rec = re.search(r"received (\d+)", err)
                r = {"ns_per_call": float(m.group(1)) if m else None,
                     "received": int(rec.group(1)) if rec else None}
            else:
                run = Run(tool_argv(tool, tools, script), out_file=out, timeout=120 + n * 20e-6)
                if not run.wait_attached():
                    run.stop()
                    r = run.finish(resend=True)
                    r["error"] = "not attached"
                else:
                    ns = run_gen(tools, n)
                    run.stop()
                    r = run.finish(resend=True)
                    r["ns_per_call"] = ns
            if rnd >= 0:
                res[key][tool].append(r)
        log("  %-32s done" % key)
    base_med = statistics.median(res["per_event/baseline"]["ns_per_call"])
    for prog in per_event_scripts():
        for tool, rs in res["per_event/%s" % prog].items():
            for r in rs:
                if r.get("ns_per_call") is not None:
                    r["added_ns"] = r["ns_per_call"] - base_med


# ---------------------------------------------------------------- hist: @ = hist(x) per event

HIST_SCRIPT = "tracepoint:syscalls:sys_enter_umask { @ = hist(args->mask); }"
HIST_HAND = {"hand": "hist_array", "hand_hash": "hist_hash"}  # hist.bpf.c programs
SUFFIX = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50, "E": 1 << 60}


def hist_bucket(v):
    """bpftrace 0.17's hist bucket: 0 = negative, 1 = zero, 2 + floor(log2 v) for v >= 1."""
    return 0 if v < 0 else 1 if v == 0 else 1 + v.bit_length()


def hist_expected(n):
    """Bucket counts of genarg N: umask(i - 2) for i in 0..N-1, i.e. the values -2 .. N-3."""
    exp, lo, hi = {0: 2, 1: 1}, 1, n - 3
    while lo <= hi:
        top = min(hi, 2 * lo - 1)
        exp[hist_bucket(lo)] = top - lo + 1
        lo *= 2
    return exp


def parse_hist_text(text):
    """Bucket -> count from bpftrace-style hist lines: `(..., 0)`, `[0]`, `[1]`, `[4, 8)`, `[1K, 2K)`."""
    out = {}
    for m in re.finditer(r"^(\(\.\.\., 0\)|\[(-?\d+)([KMGTPE]?)(?:, [^)\]]*)?[\])])\s+(\d+) \|", text, re.M):
        if m.group(1).startswith("(..."):
            b = 0
        else:
            b = hist_bucket(int(m.group(2)) * SUFFIX[m.group(3)])
        out[b] = out.get(b, 0) + int(m.group(4))
    return out


def hist_check(got, n):
    """Compares a histogram with the generator's: every bucket holds at least the expected count and the
    total excess (umask calls of other processes: shells, package tools) stays under 0.1 % of n."""
    exp = hist_expected(n)
    short = {b: (c, got.get(b, 0)) for b, c in exp.items() if got.get(b, 0) < c}
    extra = sum(got.values()) - n
    return {"hist_ok": not short and 0 <= extra <= max(10, n // 1000), "hist_extra": extra,
            **({"hist_short": {str(b): v for b, v in short.items()}} if short else {})}


class BpfStats:
    """Holds the kernel's BPF run-time accounting on (bpf(BPF_ENABLE_STATS), run_time_ns/run_cnt per
    program) while open. The kernel counts holders and turns it off when the last fd closes, so this
    does not disturb anyone else's setting of kernel.bpf_stats_enabled."""

    def __init__(self):
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        attr = ctypes.create_string_buffer(16)  # bpf_attr.enable_stats.type = BPF_STATS_RUN_TIME (0)
        self.fd = libc.syscall(321, 32, attr, 16)  # __NR_bpf (x86-64), BPF_ENABLE_STATS
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "BPF_ENABLE_STATS")

    def close(self):
        os.close(self.fd)


def prog_run_ns(progs):
    """ns per run of the (single) tracepoint program among progs, from bpftool's run_time_ns/run_cnt."""
    tp = [p for p in progs if p["type"] == "tracepoint" and p.get("run_cnt")]
    return (tp[0]["run_time_ns"] / tp[0]["run_cnt"], tp[0]["run_cnt"]) if len(tp) == 1 else (None, None)


def run_genarg(tools, n, timeout=300):
    p = subprocess.run([tools["genarg"], str(n)], capture_output=True, text=True, timeout=timeout)
    return float(p.stdout.split()[0])


def w_hist(tools, rounds, n, res, tmp):
    """3b. ns added per umask() call by `@ = hist(args->mask)`: probe, bpftrace, the hand-written C (per-CPU
    array and per-CPU hash) and nothing attached, interleaved in every round; each histogram is checked."""
    out = os.path.join(tmp, "hist.txt")
    key = "hist/hist"
    res[key] = {"probe": [], "bpftrace": [], "hand": [], "hand_hash": [], "baseline": []}
    for rnd, first in alternate(rounds):
        if first == "bpftrace":  # alternate() yields each round twice (A B / B A): use its order once per round
            continue
        order = ["baseline", "probe", "bpftrace", "hand", "hand_hash"]
        if (rnd + 1) % 2:
            order.reverse()
        for tool in order:
            r = hist_run(tools, tool, n, out)
            if rnd >= 0:
                res[key][tool].append(r)
    base = med(r["ns_per_call"] for r in res[key]["baseline"])
    for tool, rs in res[key].items():
        for r in rs:
            if r.get("ns_per_call") is not None:
                r["added_ns"] = r["ns_per_call"] - base
    log("  %-32s done" % key)
    # The same runs with the kernel's BPF stats on: ns spent inside the program per event, free of the
    # scheduling noise of the end-to-end figure (and of the tracepoint's fixed cost, equal for all).
    # Separate rounds: the accounting itself adds two clock reads per event to the end-to-end time.
    key = "hist/prog_ns"
    res[key] = {"probe": [], "bpftrace": [], "hand": [], "hand_hash": []}
    try:
        stats = BpfStats()
    except OSError as e:
        log("  hist/prog_ns skipped: %s" % e)
        del res[key]
        return
    try:
        for rnd in range(rounds):
            order = ["probe", "bpftrace", "hand", "hand_hash"]
            for tool in (order if rnd % 2 == 0 else order[::-1]):
                res[key][tool].append(hist_run(tools, tool, max(n // 4, 1000), out, stats=True))
    finally:
        stats.close()
    log("  %-32s done" % key)


def hist_run(tools, tool, n, out, stats=False):
    """One hist run of tool (baseline = the generator alone): ns/call, the histogram check and, with
    stats, the program's ns per run (prog_ns) and run count."""
    if tool == "baseline":
        return {"ns_per_call": run_genarg(tools, n)}
    if tool.startswith("hand"):
        p = subprocess.run([tools["hist"], HIST_HAND[tool], str(n), tools["genarg"]], cwd=tools["histdir"],
                           capture_output=True, text=True, timeout=300)
        m = re.search(r"([\d.]+) ns/call", p.stdout)
        got = {int(b): int(c) for b, c in re.findall(r"^(\d+) (\d+)$", p.stdout, re.M)}
        r = {"ns_per_call": float(m.group(1)) if m else None, **hist_check(got, n)}
        st = re.search(r"run_time_ns (\d+) run_cnt (\d+)", p.stdout)
        if stats and st and int(st.group(2)):
            r.update(prog_ns=int(st.group(1)) / int(st.group(2)), run_cnt=int(st.group(2)))
        if p.returncode:
            r["error"] = p.stderr[-2000:]
        return r
    run = Run(tool_argv(tool, tools, HIST_SCRIPT), out_file=out, timeout=120 + n * 20e-6)
    if not run.wait_attached():
        run.stop()
        r = run.finish(resend=True)
        r["error"] = "not attached"
        return r
    ns = run_genarg(tools, n)
    prog_ns, cnt = prog_run_ns(prog_stats(run.p.pid)) if stats else (None, None)
    run.stop()
    r = run.finish(resend=True)
    r["ns_per_call"] = ns
    if prog_ns is not None:
        r.update(prog_ns=prog_ns, run_cnt=cnt)
    with open(out, errors="replace") as f:
        r.update(hist_check(parse_hist_text(f.read()), n))
    return r


def w_throughput(tools, rounds, n, res, tmp):
    """4. printf of pid, comm and a counter at the generator's full rate, n events; count lines received."""
    out = os.path.join(tmp, "tput.txt")
    script = ('tracepoint:syscalls:sys_enter_getppid /comm == "gen"/ '
              '{ @c++; printf("%d %s %d\\n", pid, comm, @c); }')
    key = "throughput/printf"
    res[key] = {"probe": [], "bpftrace": []}
    pat = re.compile(rb"^\d+ gen \d+$", re.M)
    for rnd, tool in alternate(rounds):
        run = Run(tool_argv(tool, tools, script), out_file=out, timeout=180 + n * 40e-6)
        if not run.wait_attached():
            run.stop()
            r = run.finish(resend=True)
            r["error"] = "not attached"
            if rnd >= 0:
                res[key][tool].append(r)
            continue
        t_gen = time.perf_counter()
        ns = run_gen(tools, n)
        t_gen_end = time.perf_counter()
        # follow the output until it reaches n lines or stops growing for 0.5 s
        seen, t_last, pos, tail = 0, time.perf_counter(), 0, b""
        with open(out, "rb") as f:
            while True:
                chunk = f.read()
                now = time.perf_counter()
                if chunk:
                    data = tail + chunk
                    cut = data.rfind(b"\n") + 1
                    seen += len(pat.findall(data[:cut]))
                    tail = data[cut:]
                    t_last = now
                    if seen >= n:
                        break
                elif now - t_last > 0.5 and now > t_gen_end + 0.5:
                    break
                else:
                    time.sleep(0.002)
        run.stop()
        r = run.finish(resend=True)
        with open(out, "rb") as f:
            total = len(pat.findall(f.read()))
        r.update({"n": n, "gen_ns_per_call": ns, "received": total, "missing": n - total,
                  "delivered_per_s": seen / max(1e-9, t_last - t_gen),
                  "gen_rate_per_s": 1e9 / ns})
        if rnd >= 0:
            res[key][tool].append(r)
    log("  %-32s done" % key)


def w_compile(tools, rounds, res, tmp, sizes=(1, 10, 100, 1000)):
    """5. Compile only: probe --dry-run vs bpftrace --emit-elf (0.17's dry-run mode), N distinct tracepoints."""
    tps = tracepoints(max(sizes))
    env = {"BPFTRACE_MAX_PROBES": "100000", "BPFTRACE_MAX_BPF_PROGS": "100000"}
    for n in sizes:
        path = os.path.join(tmp, "c%d.bt" % n)
        with open(path, "w") as f:
            f.write("".join("tracepoint:%s { @[%d] = count(); }\n" % (t, i) for i, t in enumerate(tps[:n])))
        key = "compile/%d" % n
        res[key] = {"probe": [], "bpftrace": []}
        for rnd, tool in alternate(rounds):
            if tool == "probe":
                argv = [tools["probe"], "--dry-run", "--max-probes", "100000", path]
            else:
                argv = ["bpftrace", "--emit-elf", os.path.join(tmp, "bt.o"), path]
            run = Run(argv, env_extra=env, timeout=600)
            run.done.wait(600)
            r = run.finish()
            if rnd >= 0:
                res[key][tool].append(r)
        log("  %-32s done" % key)


def prog_ids(pid):
    """BPF program ids whose fds pid holds (/proc/PID/fdinfo prog_id lines)."""
    ids = set()
    d = "/proc/%d/fdinfo" % pid
    for fd in os.listdir(d):
        try:
            with open(os.path.join(d, fd)) as f:
                for line in f:
                    if line.startswith("prog_id:"):
                        ids.add(int(line.split()[1]))
        except OSError:
            pass
    return ids


def descendants(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for tid in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/children" % (p, tid)) as f:
                    todo += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return out


def prog_stats(pid):
    """Programs held by pid or its descendants (the launcher's child is the tool), sizes from bpftool."""
    ids = set()
    for p in descendants(pid):
        try:
            ids |= prog_ids(p)
        except OSError:
            pass
    p = subprocess.run(["bpftool", "prog", "show", "-j"], capture_output=True, text=True, timeout=30)
    progs = []
    for pr in json.loads(p.stdout or "[]"):
        if pr.get("id") in ids:
            progs.append({"name": pr.get("name"), "type": pr.get("type"), "tag": pr.get("tag"),
                          "xlated": pr.get("bytes_xlated"), "jited": pr.get("bytes_jited"),
                          "insns": (pr.get("bytes_xlated") or 0) // 8,
                          "run_time_ns": pr.get("run_time_ns", 0), "run_cnt": pr.get("run_cnt", 0)})
    return progs


def w_bpf_cost(tools, res, tmp):
    """6. Size of the loaded tracepoint program per script, both tools, plus the hand-written C."""
    scripts = dict(per_event_scripts())
    scripts["tput_printf"] = ('tracepoint:syscalls:sys_enter_getppid /comm == "gen"/ '
                              '{ @c++; printf("%d %s %d\\n", pid, comm, @c); }')
    scripts["hist"] = HIST_SCRIPT
    res["bpf_cost"] = {}
    for name, script in scripts.items():
        row = {}
        for tool in ("probe", "bpftrace"):
            run = Run(tool_argv(tool, tools, script), timeout=60)
            progs = prog_stats(run.p.pid) if run.wait_attached() else []
            run.stop()
            run.finish(resend=True)
            row[tool] = [p for p in progs if p["type"] == "tracepoint"]
            row[tool + "_all"] = progs
        res["bpf_cost"][name] = row
    res["bpf_cost_hand"] = {}
    for obj in (os.path.join(tools["refdir"], "hand.bpf.o"), os.path.join(tools["histdir"], "hist.bpf.o")):
        res["bpf_cost_hand"].update(hand_prog_sizes(obj))


def hand_prog_sizes(obj):
    """Loads every program of a hand-written object with bpftool into bpffs, reads their sizes, unpins."""
    pin = "/sys/fs/bpf/probe_bench_hand"
    subprocess.run(["rm", "-rf", pin], timeout=10)
    p = subprocess.run(["bpftool", "prog", "loadall", obj, pin],
                       capture_output=True, text=True, timeout=60)
    hand = {}
    if p.returncode == 0:
        out = json.loads(subprocess.run(["bpftool", "prog", "show", "-j"], capture_output=True, text=True,
                                        timeout=30).stdout)
        ids = set()
        for f in os.listdir(pin):
            s = subprocess.run(["bpftool", "prog", "show", "pinned", os.path.join(pin, f), "-j"],
                               capture_output=True, text=True, timeout=30)
            ids.add(json.loads(s.stdout)["id"])
        for pr in out:
            if pr["id"] in ids:
                hand[pr["name"]] = {"xlated": pr.get("bytes_xlated"), "jited": pr.get("bytes_jited"),
                                    "insns": pr.get("bytes_xlated", 0) // 8}
    subprocess.run(["rm", "-rf", pin], timeout=10)
    return hand


# ---------------------------------------------------------------- report

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def rng(xs):
    xs = [x for x in xs if x is not None]
    return (min(xs), max(xs)) if xs else (None, None)


def fmt(x, unit):
    if x is None:
        return "—"
    if unit == "ms":
        return "%.1f" % (x * 1e3) if x * 1e3 < 100 else "%.0f" % (x * 1e3)
    if unit == "MB":
        return "%.1f" % (x / 1024)
    if unit == "ns":
        return "%.0f" % x
    if unit == "k/s":
        return "%.0f" % (x / 1e3)
    return "%g" % x


def cell(rs, field, unit):
    xs = [r.get(field) for r in rs]
    m, (lo, hi) = med(xs), rng(xs)
    if m is None:
        return "—", None
    return "%s (%s–%s)" % (fmt(m, unit), fmt(lo, unit), fmt(hi, unit)), m


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def hist_report(h, prog, meta, goals):
    """The `@ = hist(x)` table: added ns per event of each tool, ratios by median and by best round."""
    L = ["", "Per-event `@ = hist(args->mask)` on `tracepoint:syscalls:sys_enter_umask`: `genarg N` calls "
         "umask(i − 2) for i < N (%s calls a run), ns added per call over no tracing (baseline %s ns/call, "
         "median (min–max)); hand-written C = `bench/reference/hist/` (per-CPU array, and per-CPU hash)."
         % (meta.get("hist_calls", "?"), cell(h["baseline"], "ns_per_call", "ns")[0]), "",
         "| measure | probe | bpftrace | hand C (array) | hand C (hash) | probe/bpftrace | probe/hand | "
         "probe/hand (best rounds) |", "|---|---|---|---|---|---|---|---|"]
    cs = {t: cell(h[t], "added_ns", "ns") for t in ("probe", "bpftrace", "hand", "hand_hash")}
    best = {t: min((r["added_ns"] for r in h[t] if r.get("added_ns") is not None), default=None) for t in cs}
    q1, q2 = ratio(cs["probe"][1], cs["bpftrace"][1]), ratio(cs["probe"][1], cs["hand"][1])
    q3 = ratio(best["probe"], best["hand"])
    f = lambda q: "%.2f×" % q if q else "—"  # noqa: E731
    L.append("| hist: ns added per call | %s | %s | %s | %s | %s | %s | %s |" % (cs["probe"][0], cs["bpftrace"][0], cs["hand"][0],
                                                            cs["hand_hash"][0], f(q1), f(q2), f(q3)))
    ps = prog.get if prog else (lambda t: [])
    pc = {t: cell(ps(t) or [], "prog_ns", "ns") for t in cs}
    pbest = {t: min((r["prog_ns"] for r in ps(t) or [] if r.get("prog_ns")), default=None) for t in cs}
    q4, q5 = ratio(pc["probe"][1], pc["hand"][1]), ratio(pc["probe"][1], pc["bpftrace"][1])
    q6 = ratio(pbest["probe"], pbest["hand"])
    if prog:
        L.append("| hist: ns inside the BPF program per event (kernel bpf_stats) | %s | %s | %s | %s | %s | %s | %s |"
                 % (pc["probe"][0], pc["bpftrace"][0], pc["hand"][0], pc["hand_hash"][0], f(q5), f(q4), f(q6)))
    runs = {t: h[t] + (ps(t) or []) for t in cs}
    ok = {t: "%d/%d" % (sum(1 for r in runs[t] if r.get("hist_ok")), len(runs[t])) for t in cs}
    extra = max((r.get("hist_extra", 0) for t in cs for r in runs[t]), default=0)
    L += ["", "Histograms equal to the generator's values (bucket by bucket, ≤ 0.1 %% extra events from other "
          "processes' umask calls): probe %s, bpftrace %s, hand %s, hand (hash) %s runs; most extra events in "
          "one run: %d." % (ok["probe"], ok["bpftrace"], ok["hand"], ok["hand_hash"], extra)]
    goals.append(("per-event `hist` ≤ 1.1× hand-written C", q2 is not None and q2 <= 1.1,
                  "%s (best rounds %s)" % (f(q2), f(q3))))
    goals.append(("per-event `hist` below bpftrace", q1 is not None and q1 < 1, f(q1)))
    if prog:
        goals.append(("`hist` BPF program ns/event ≤ 1.1× hand-written C", q4 is not None and q4 <= 1.1,
                      "%s (best rounds %s)" % (f(q4), f(q6))))
    goals.append(("`hist` values right in every run", all(r.get("hist_ok") for t in cs for r in runs[t]),
                  ", ".join("%s %s" % (t, ok[t]) for t in cs)))
    return L


def report(res, meta):
    L = []
    goals = []
    if any(k.startswith("start/") for k in res):
        L.append("| workload | metric | probe median (min–max) | bpftrace median (min–max) | probe/bpftrace |")
        L.append("|---|---|---|---|---|")
    start_ratio, rss_ratio = [], []
    for key in sorted(k for k in res if k.startswith("start/")):
        _, name, mode = key.split("/")
        pr, bt = res[key]["probe"], res[key]["bpftrace"]
        metrics = [("wall_s", "wall ms", "ms"), ("cpu_s", "CPU (user+sys) ms", "ms"), ("maxrss_kb", "peak RSS MB", "MB")]
        if mode == "attach":
            metrics.insert(0, ("attach_s", "start→attached ms", "ms"))
        for field, label, unit in metrics:
            c1, m1 = cell(pr, field, unit)
            c2, m2 = cell(bt, field, unit)
            q = ratio(m1, m2)
            L.append("| %s (%s) | %s | %s | %s | %s |" % (name, mode, label, c1, c2, "%.2f×" % q if q else "—"))
            # start goal: time to attached; BEGIN-only never attaches anything: its wall time
            if (field == "attach_s") or (name == "begin" and field == "wall_s"):
                start_ratio.append((name, q))
            if field == "maxrss_kb" and (mode == "attach" or name == "begin"):
                rss_ratio.append((name, q))
    pe = [k for k in ("per_event/empty", "per_event/count_comm", "per_event/printf") if k in res]
    if pe:
        L.append("")
        L.append("Per-event cost: getppid() loop, ns added per call over no tracing "
                 "(baseline %s ns/call), median (min–max)."
                 % fmt(med(res["per_event/baseline"]["ns_per_call"]), "ns"))
        L.append("")
        L.append("| program | probe | bpftrace | hand-written C | probe/bpftrace | probe/hand |")
        L.append("|---|---|---|---|---|---|")
        for k in pe:
            prog = k.split("/")[1]
            cs = {t: cell(res[k][t], "added_ns", "ns") for t in ("probe", "bpftrace", "hand")}
            q1 = ratio(cs["probe"][1], cs["bpftrace"][1])
            q2 = ratio(cs["probe"][1], cs["hand"][1])
            L.append("| %s | %s | %s | %s | %s | %s |" % (prog, cs["probe"][0], cs["bpftrace"][0], cs["hand"][0],
                                                      "%.2f×" % q1 if q1 else "—", "%.2f×" % q2 if q2 else "—"))
            if prog in ("count_comm", "printf"):
                goals.append(("per-event `%s` ≤ 1.1× hand-written C" % prog, q2 is not None and q2 <= 1.1,
                              "%.2f×" % q2 if q2 else "—"))
    if "hist/hist" in res:
        L += hist_report(res["hist/hist"], res.get("hist/prog_ns"), meta, goals)
    if "throughput/printf" in res:
        t = res["throughput/printf"]
        L.append("")
        n = t["probe"][0].get("n") if t["probe"] else "?"
        L.append("Output throughput: `printf(\"%%d %%s %%d\\n\", pid, comm, @c)` per getppid() of the generator, "
                 "%s events per round." % n)
        L.append("")
        L.append("| metric | probe | bpftrace | probe/bpftrace |")
        L.append("|---|---|---|---|")
        for field, label, unit in (("delivered_per_s", "delivered k events/s", "k/s"),
                                   ("gen_ns_per_call", "generator ns/call while traced", "ns"),
                                   ("received", "lines received", ""), ("missing", "events missing", ""),
                                   ("lost", "tool's own `Lost N events` total", "")):
            c1, m1 = cell(t["probe"], field, unit)
            c2, m2 = cell(t["bpftrace"], field, unit)
            q = ratio(m1, m2)
            L.append("| %s | %s | %s | %s |" % (label, c1, c2, "%.2f×" % q if q else "—"))
        zero = all(r.get("missing") == 0 and r.get("lost") == 0 for r in t["probe"]) and bool(t["probe"])
        worst = max((r.get("missing") or 0 for r in t["probe"]), default=None)
        goals.append(("printf: zero events lost at full rate (defaults)", zero,
                      "max missing %s, lost reported %s" % (worst, sum(r.get("lost", 0) for r in t["probe"]))))
    ck = sorted((int(k.split("/")[1]), k) for k in res if k.startswith("compile/"))
    if ck:
        L.append("")
        L.append("Compile only (probe `--dry-run`, bpftrace 0.17 `--emit-elf FILE`, its dry-run mode); "
                 "N distinct tracepoints, each `{ @[i] = count(); }`.")
        L.append("")
        L.append("| probes | probe wall ms | bpftrace wall ms | probe CPU ms | bpftrace CPU ms | probe peak RSS MB | "
                 "bpftrace peak RSS MB | wall ratio |")
        L.append("|---|---|---|---|---|---|---|---|")
        pts = []
        for n, k in ck:
            c = {(t, f): cell(res[k][t], f, u) for t in ("probe", "bpftrace")
                 for f, u in (("wall_s", "ms"), ("cpu_s", "ms"), ("maxrss_kb", "MB"))}
            q = ratio(c[("probe", "wall_s")][1], c[("bpftrace", "wall_s")][1])
            pts.append((n, c[("probe", "wall_s")][1], q))
            L.append("| %d | %s | %s | %s | %s | %s | %s | %s |" % (
                n, c[("probe", "wall_s")][0], c[("bpftrace", "wall_s")][0], c[("probe", "cpu_s")][0],
                c[("bpftrace", "cpu_s")][0], c[("probe", "maxrss_kb")][0], c[("bpftrace", "maxrss_kb")][0],
                "%.2f×" % q if q else "—"))
        if len(pts) >= 3 and all(p[1] for p in pts):
            # linear: the per-probe cost from the last step is within 2x of the previous step's
            d = [(pts[i + 1][1] - pts[i][1]) / (pts[i + 1][0] - pts[i][0]) for i in range(len(pts) - 1)]
            lin = d[-1] <= 2 * d[-2] if d[-2] > 0 else True
            L.append("")
            L.append("Marginal ms per probe between sizes (probe): " +
                     ", ".join("%d→%d: %.2f" % (pts[i][0], pts[i + 1][0], d[i] * 1e3) for i in range(len(d))))
            goals.append(("compile time linear in probe count", lin,
                          "marginal ms/probe " + " / ".join("%.2f" % (x * 1e3) for x in d)))
            q1000 = pts[-1][2]
            goals.append(("compile ≤ 0.2× bpftrace at %d probes" % pts[-1][0], q1000 is not None and q1000 <= 0.2,
                          "%.2f×" % q1000 if q1000 else "—"))
    if "bpf_cost" in res:
        L.append("")
        L.append("Loaded tracepoint program size (bpftool prog show: xlated insns / jited bytes; "
                 "hand = hand.bpf.o / hist.bpf.o loaded with bpftool prog loadall).")
        L.append("")
        L.append("| script | probe insns | bpftrace insns | hand insns | probe jited B | bpftrace jited B | hand jited B |")
        L.append("|---|---|---|---|---|---|---|")
        hand = res.get("bpf_cost_hand", {})
        for name, row in res["bpf_cost"].items():
            def s(tool, f):
                return "+".join(str(p[f]) for p in row.get(tool, [])) or "—"
            h = hand.get(HAND_NAME.get(name, ""), {})
            L.append("| %s | %s | %s | %s | %s | %s | %s |" % (name, s("probe", "insns"), s("bpftrace", "insns"),
                                                            h.get("insns", "—"), s("probe", "jited"),
                                                            s("bpftrace", "jited"), h.get("jited", "—")))
    if start_ratio:
        worst = max(start_ratio, key=lambda x: x[1] or 1e9)
        goals.insert(0, ("start→attached ≤ 0.1× bpftrace (every start workload)",
                         all(q is not None and q <= 0.1 for _, q in start_ratio),
                         ", ".join("%s %.2f×" % (n, q) for n, q in start_ratio if q)))
    if rss_ratio:
        goals.insert(1, ("peak RSS ≤ 0.33× bpftrace", all(q is not None and q <= 0.33 for _, q in rss_ratio),
                         ", ".join("%s %.2f×" % (n, q) for n, q in rss_ratio if q)))
    G = ["| goal | met? | measured |", "|---|---|---|"]
    for g, ok, val in goals:
        G.append("| %s | %s | %s |" % (g, "met" if ok else "**missed**", val))
    head = ("Run %s on %s (%s cores, %s, kernel %s); load at start %s; probe %s; %s; %d rounds after 1 warm-up."
            % (meta["date"], meta["machine"]["cpu"], meta["machine"]["nproc"], meta["machine"]["memory"],
               meta["machine"]["kernel"], "/".join(meta["machine"]["loadavg_start"]), meta["probe_version"],
               meta["bpftrace_version"], meta["rounds"]))
    return head + "\n\n" + "\n".join(L).lstrip("\n") + "\n\nGoals:\n\n" + "\n".join(G) + "\n"


# ---------------------------------------------------------------- main

ALL = ("start", "per_event", "hist", "throughput", "compile", "bpf_cost")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="small counts, 2 rounds: smoke test")
    ap.add_argument("--only", default="", help="comma list of: " + ", ".join(ALL))
    ap.add_argument("--probe", help="probe binary (default build/probe, else build-bench/probe, else build it)")
    ap.add_argument("--ref", default="/work/shared/bench-reference", help="bench-reference directory")
    ap.add_argument("--hist-ref", default=os.path.join(ROOT, "bench", "reference", "hist"),
                    help="hand-written hist reference (bench/reference/hist)")
    ap.add_argument("--hist-events", type=int, default=None, help="umask() calls per hist run (default 2,000,000)")
    ap.add_argument("--events", type=int, default=None, help="getppid() calls per per-event run (default 500000)")
    ap.add_argument("--tput-events", type=int, default=None, help="events per throughput run (default 1000000)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("run.py: needs root (sudo python3 bench/run.py)")
    only = [x for x in a.only.split(",") if x] or list(ALL)
    for x in only:
        if x not in ALL:
            sys.exit("unknown workload %r (one of %s)" % (x, ", ".join(ALL)))
    rounds = 2 if a.quick and a.rounds == 5 else a.rounds
    n_ev = a.events or (30000 if a.quick else 500000)
    n_tp = a.tput_events or (50000 if a.quick else 1000000)
    n_hist = a.hist_events or (30000 if a.quick else 2000000)

    ensure_packages()
    tmp = tempfile.mkdtemp(prefix="probe-bench-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    build_spawn(tmp)
    tools = {"probe": find_probe(a.probe)}
    refdir = build_reference(a.ref, os.path.join(tmp, "ref"))
    tools.update(refdir=refdir, gen=os.path.join(refdir, "gen"), hand=os.path.join(refdir, "hand"))
    histdir = build_reference(a.hist_ref, os.path.join(tmp, "hist"))
    tools.update(histdir=histdir, genarg=os.path.join(histdir, "genarg"), hist=os.path.join(histdir, "hist"))
    signal.signal(signal.SIGTERM, lambda *_: (kill_all(), sys.exit(143)))
    try:
        git = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], capture_output=True,
                             text=True, timeout=10).stdout.strip()
    except Exception:  # noqa: BLE001
        git = "?"
    meta = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "machine": machine(), "rounds": rounds,
            "probe": tools["probe"], "probe_version": "%s (git %s, built %s)" % (
                version([tools["probe"], "--version"]), git,
                time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(tools["probe"])))),
            "bpftrace_version": version(["bpftrace", "--version"]), "per_event_calls": n_ev,
            "throughput_events": n_tp, "hist_calls": n_hist}
    res = {}
    try:
        if "start" in only:
            log("start workloads"); w_start(tools, rounds, res)
        if "per_event" in only:
            log("per-event workloads (%d calls)" % n_ev); w_per_event(tools, rounds, n_ev, res, tmp)
        if "hist" in only:
            log("hist workload (%d calls)" % n_hist); w_hist(tools, rounds, n_hist, res, tmp)
        if "throughput" in only:
            log("throughput (%d events)" % n_tp); w_throughput(tools, rounds, n_tp, res, tmp)
        if "compile" in only:
            log("compile scaling"); w_compile(tools, rounds, res, tmp)
        if "bpf_cost" in only:
            log("BPF program sizes"); w_bpf_cost(tools, res, tmp)
    finally:
        kill_all()
        meta["machine"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, "latest.json"), "w") as f:
            json.dump({"meta": meta, "results": res}, f, indent=1)
        shutil.rmtree(tmp, ignore_errors=True)
    md = report(res, meta)
    with open(os.path.join(a.out, "latest.md"), "w") as f:
        f.write(md)
    print(md)


if __name__ == "__main__":
    main()
