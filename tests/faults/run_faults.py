#!/usr/bin/env python3
"""Fault-injection and command-line failure tests for probe (needs root).

    tests/faults/run.sh [--build build] [--filter GLOB] [-v]

Each case runs probe (usually under build/tests/faults/faultexec, which makes
one system call fail and reports processes left behind) and checks:
  - the exit status (1 for every failure) and no death by a signal;
  - a clear message on stderr: the case's regexes, "probe: error:", and
    never a libbpf dump, "internal error", an exception or a sanitizer report;
  - nothing left: no BPF program of ours loaded (bpftool), no uprobe/kprobe
    event of ours in tracefs, no -c child alive (faultexec exits 99 on one).
Prints PASS/FAIL/SKIP per case and ends with "N passed, N failed, N skipped".
Python 3 standard library only.
"""

import argparse
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASE_TIMEOUT = 20.0

# The traced program: a uprobe on the -c target (a distinctive program name,
# pffault_fn_N, to find leftovers), a tracepoint, BEGIN/END, two hash maps
# and the output ring buffer: every kind of kernel object probe makes here.
PROG = ('BEGIN { printf("begin\\n"); } '
        'uprobe:/proc/self/exe:pffault_fn { @pffault[probe] = count(); } '
        'tracepoint:syscalls:sys_enter_clock_nanosleep /pid == cpid/ { @pfsleep = count(); } '
        'END { printf("end\\n"); }')
# Never acceptable on stderr.
FORBIDDEN = [r"libbpf:", r"internal error", r"terminate called", r"Aborted", r"Sanitizer",
             r"runtime error:", r"Segmentation", r"faultexec: LEAK"]
ERRNOS = ["EPERM", "ENOMEM", "E2BIG", "EMFILE", "ENOSPC"]


class Case:
    def __init__(self, name, argv, rc=1, stderr=(), stdout=(), stdout_none=(), stderr_none=(),
                 needs=None, stdin=None, env=None):
        self.name, self.argv, self.rc = name, argv, rc
        self.stderr, self.stdout = list(stderr), list(stdout)
        self.stdout_none, self.stderr_none = list(stdout_none), list(stderr_none)
        self.needs = needs  # a callable returning None or a reason to skip
        self.stdin, self.env = stdin, env


def fault(name, rule, stderr, rc=1, stdout=(), **kw):
    """probe -c faulttarget PROG under faultexec RULE."""
    return Case(name, ["{faultexec}"] + rule + ["--", "{probe}", "-c", "{target} {pidfile} 5", "-e", PROG],
                rc=rc, stderr=stderr, stdout=stdout, **kw)


def fault_cases():
    cases = []
    for e in ERRNOS:
        # Map creation: the first map created is the output ring buffer.
        cases.append(fault(f"map_create_{e}", ["--bpf-cmd", "BPF_MAP_CREATE", "--errno", e],
                           [r"cannot create BPF map 'events' \(ringbuf, \d+ [KM]iB\): "]))
        # A user map (@pffault, a per-CPU hash).
        cases.append(fault(f"map_create_hash_{e}",
                           ["--bpf-cmd", "BPF_MAP_CREATE", "--map-type", "PERCPU_HASH", "--errno", e],
                           [r"cannot create the BPF map of @pf(fault|sleep) \(percpu_hash, 4096 entries of \d+\+\d+ bytes\): "]))
        # The first program load is libbpf's feature test: BPF refused altogether.
        cases.append(fault(f"prog_load_{e}", ["--bpf-cmd", "BPF_PROG_LOAD", "--errno", e],
                           [r"probe: error: the kernel refuses to load BPF programs: "]))
        # The uprobe's own program (BPF_PROG_TYPE_KPROBE): named by its attach point.
        cases.append(fault(f"prog_load_uprobe_{e}",
                           ["--bpf-cmd", "BPF_PROG_LOAD", "--prog-type", "KPROBE", "--errno", e],
                           [r"cannot load the BPF program of uprobe:.*faulttarget:pffault_fn: "],
                           stderr_none=[r"verifier"]))
        # perf_event_open: the first is the uprobe's (uprobe PMU), the second the tracepoint's.
        cases.append(fault(f"perf_event_open_{e}", ["--syscall", "perf_event_open", "--errno", e],
                           [r"cannot attach to uprobe .*faulttarget at 0x[0-9a-f]+: "],
                           stdout=["^begin$"], stdout_none=["^end$"]))
        cases.append(fault(f"perf_event_open_2nd_{e}",
                           ["--syscall", "perf_event_open", "--nth", "2", "--errno", e],
                           [r"cannot attach to tracepoint:syscalls:sys_enter_clock_nanosleep: "]))
        # BPF_LINK_CREATE: the 1st is libbpf's perf-link feature test (a failure
        # there makes it attach with an ioctl instead); the 2nd is the uprobe's.
        cases.append(fault(f"link_create_2nd_{e}", ["--bpf-cmd", "BPF_LINK_CREATE", "--nth", "2", "--errno", e],
                           [r"cannot attach to uprobe .*faulttarget at 0x[0-9a-f]+: "]))
        cases.append(fault(f"link_create_3rd_{e}", ["--bpf-cmd", "BPF_LINK_CREATE", "--nth", "3", "--errno", e],
                           [r"cannot attach to tracepoint:syscalls:sys_enter_clock_nanosleep: "]))
    # A perf event per CPU (profile): the last CPU's fails after the others attached.
    ncpu = os.cpu_count() or 1
    prof = ('uprobe:/proc/self/exe:pffault_fn { @pffault = count(); } profile:hz:99 { @pfprof = count(); }')
    for e in ["EMFILE", "EBUSY", "ENOMEM"]:
        cases.append(Case(f"perf_event_open_profile_last_cpu_{e}",
                          ["{faultexec}", "--syscall", "perf_event_open", "--nth", str(1 + ncpu), "--errno", e, "--",
                           "{probe}", "-c", "{target} {pidfile} 5", "-e", prof],
                          stderr=[r"cannot attach to perf event software:cpu-clock on CPU \d+: "]))
    # Map creation of the ring buffer specifically (ENOSPC/E2BIG: too big for the kernel).
    for e in ["ENOMEM", "E2BIG", "ENOSPC"]:
        cases.append(fault(f"ringbuf_{e}", ["--bpf-cmd", "BPF_MAP_CREATE", "--map-type", "RINGBUF", "--errno", e],
                           [r"cannot create BPF map 'events' \(ringbuf, \d+ [KM]iB\): "]))
    # Errors whose privileges hint would be wrong as root: a policy, not "needs root".
    cases.append(fault("perf_event_open_EPERM_as_root", ["--syscall", "perf_event_open", "--errno", "EPERM"],
                       [r"^hint: probe has the privileges it needs, so a security policy refused"],
                       stderr_none=[r"needs root"]))
    cases.append(fault("prog_load_EMFILE_hint", ["--bpf-cmd", "BPF_PROG_LOAD", "--errno", "EMFILE"],
                       [r"^hint: probe ran out of file descriptors.*ulimit -n"]))
    # BEGIN and END run through BPF_PROG_TEST_RUN.
    cases.append(fault("test_run_BEGIN_ENOMEM", ["--bpf-cmd", "BPF_PROG_TEST_RUN", "--errno", "ENOMEM"],
                       [r"^probe: error: cannot run BEGIN: Cannot allocate memory$"], stdout_none=["^begin$"]))
    cases.append(fault("test_run_END_EPERM", ["--bpf-cmd", "BPF_PROG_TEST_RUN", "--nth", "2", "--errno", "EPERM"],
                       [r"^probe: error: cannot run END: Operation not permitted$"],
                       stdout=["^begin$", r"^@pffault\[.*\]: 5$"]))
    # Reading maps at exit fails: reported, and the exit status says so.
    cases.append(fault("map_read_ENOMEM", ["--bpf-cmd", "BPF_MAP_LOOKUP_BATCH", "--errno", "ENOMEM"],
                       [r"cannot read map @pffault: Cannot allocate memory"], stdout=["^end$"]))
    # Degradations libbpf handles itself: the run succeeds with every value.
    for e in ["EPERM", "ENOMEM"]:
        cases.append(fault(f"btf_load_{e}_degrades", ["--bpf-cmd", "BPF_BTF_LOAD", "--errno", e], [], rc=0,
                           stdout=[r"^@pffault\[uprobe:.*faulttarget:pffault_fn\]: 5$", r"^@pfsleep: 5$"]))
        cases.append(fault(f"link_create_probe_{e}_degrades", ["--bpf-cmd", "BPF_LINK_CREATE", "--nth", "1",
                                                               "--errno", e], [], rc=0,
                           stdout=[r"^@pffault\[uprobe:.*faulttarget:pffault_fn\]: 5$", r"^@pfsleep: 5$"]))
    # Few file descriptors.
    for n in ["8", "10", "12", "14", "16"]:
        cases.append(fault(f"ulimit_nofile_{n}", ["--nofile", n], [r"Too many open files"],
                           stderr_none=["verifier"]))
    cases.append(fault("ulimit_nofile_64_enough", ["--nofile", "64"], [], rc=0, stdout=[r"^@pfsleep: 5$"]))
    cases.append(fault("no_fault_baseline", [], [], rc=0,
                       stdout=["^begin$", "^end$", r"^@pffault\[uprobe:.*faulttarget:pffault_fn\]: 5$",
                               r"^@pfsleep: 5$"]))
    return cases


def nobody(argv):
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + argv


def kthreadd():
    try:
        with open("/proc/2/comm") as f:
            return None if f.read().strip() == "kthreadd" else "pid 2 is not kthreadd here"
    except OSError:
        return "no pid 2"


def tracefs_mounted():
    return None if os.path.isdir("/sys/kernel/tracing/events") else "no tracefs at /sys/kernel/tracing"


def cli_cases(tmp):
    files = {
        "text": ("echo hello\n", 0o755), "noexec": ("#!/bin/sh\n", 0o644),
        "badbang": ("#!/nonexistent/interp\n", 0o755), "junkelf": ("\x7fELFjunkjunkjunk", 0o755),
        "ok.bt": ('BEGIN { printf("ok\\n"); exit(); }\n', 0o644), "unreadable.bt": ("BEGIN {}\n", 0o600),
    }
    for name, (text, mode) in files.items():
        p = os.path.join(tmp, name)
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, mode)
    with open(os.path.join(tmp, "big.bt"), "w") as f:
        f.write(" " * (5 << 20))
    # A failure to exec must come before anything is loaded: bpf() fails with
    # ENOSYS, so reaching the loader would print a different error.
    guard = ["{faultexec}", "--syscall", "bpf", "--errno", "ENOSYS", "--", "{probe}"]
    begin = ["-e", 'BEGIN { printf("begin\\n"); } END { printf("end\\n"); }']
    t = lambda n: os.path.join(tmp, n)
    c = [
        Case("exec_missing", guard + ["-c", t("missing")] + begin,
             stderr=[rf"^probe: error: cannot run '{t('missing')}': No such file or directory$"],
             stdout_none=["Attaching"]),
        Case("exec_directory", guard + ["-c", tmp] + begin,
             stderr=[rf"^probe: error: cannot run '{tmp}': it is a directory$"], stdout_none=["Attaching"]),
        Case("exec_not_executable", guard + ["-c", t("noexec")] + begin,
             stderr=[r"^probe: error: cannot run '.*noexec': it is not executable$"], stdout_none=["Attaching"]),
        Case("exec_not_elf_nor_script", guard + ["-c", t("text") + " arg"] + begin,
             stderr=[r"cannot run '.*/text': it is neither an ELF executable nor a script with a #! line"],
             stdout_none=["Attaching"]),
        Case("exec_bad_interpreter", guard + ["-c", t("badbang")] + begin,
             stderr=[r"cannot run '.*badbang': its #! interpreter '/nonexistent/interp': No such file"],
             stdout_none=["Attaching"]),
        Case("exec_shell_first_word", guard + ["-c", t("text") + " | cat"] + begin,
             stderr=[r"cannot run '.*/text': it is neither an ELF"], stdout_none=["Attaching"]),
        Case("exec_device", guard + ["-c", "/dev/null"] + begin,
             stderr=[r"cannot run '/dev/null': it is not a regular file"], stdout_none=["Attaching"]),
        # Passes the check (ELF magic) but exec fails: reported through the status pipe.
        Case("exec_fails_after_release", ["{faultexec}", "--", "{probe}", "-c", t("junkelf")] + begin,
             stderr=[rf"^probe: error: cannot run '{t('junkelf')}': Exec format error$"]),
        Case("program_directory", ["{probe}", tmp], stderr=[rf"program file '{tmp}' is a directory"]),
        Case("program_dev_zero", ["{probe}", "/dev/zero"], stderr=[r"program file '/dev/zero' is a device"]),
        Case("program_dev_null", ["{probe}", "/dev/null"], stderr=[r"program file '/dev/null' is a device"]),
        Case("program_missing", ["{probe}", t("missing.bt")],
             stderr=[r"cannot read program file '.*missing.bt': No such file or directory"]),
        Case("program_too_big", ["{probe}", t("big.bt")],
             stderr=[r"program file '.*big.bt' is larger than the limit of 4 MiB"]),
        Case("program_stdin_dev_zero", ["{probe}", "-"], stdin="/dev/zero",
             stderr=[r"the program on standard input is larger than the limit of 4 MiB"]),
        Case("program_unreadable_nonroot", nobody(["{probe}", t("unreadable.bt")]),
             stderr=[r"cannot read program file '.*unreadable.bt': Permission denied"]),
        Case("program_ok_file", ["{probe}", t("ok.bt")], rc=0, stdout=["^ok$"]),
        Case("nonroot_tracepoint", nobody(["{probe}", "-e", "tracepoint:syscalls:sys_enter_openat { @ = count(); }"]),
             stderr=[r"error: cannot read tracefs at /sys/kernel/tracing: Permission denied", r"needs root"],
             stderr_none=[r"mount", r"not mounted"], needs=tracefs_mounted),
        Case("nonroot_list_tracepoints", nobody(["{probe}", "-l", "tracepoint:*"]),
             stderr=[r"cannot read tracefs at /sys/kernel/tracing: Permission denied"], needs=tracefs_mounted),
        Case("nonroot_list_all", nobody(["{probe}", "-l"]),
             stderr=[r"cannot read tracefs at /sys/kernel/tracing: Permission denied"], needs=tracefs_mounted),
        Case("nonroot_pid_1", nobody(["{probe}", "-p", "1", "-e", "uprobe:libc:malloc { @ = count(); }"]),
             stderr=[r"cannot trace pid 1 \(cannot read /proc/1/exe\): Permission denied", r"run probe as root"],
             stderr_none=[r"no process"]),
        Case("nonroot_begin", nobody(["{probe}", "-e", "BEGIN { exit(); }"]),
             stderr=[r"probe needs root \(CAP_BPF and CAP_PERFMON\)"]),
        Case("pid_kernel_thread", ["{probe}", "-p", "2", "-e", "uprobe:libc:malloc { @ = count(); }"],
             stderr=[r"pid 2 is a kernel thread; it has no user-space executable"], needs=kthreadd),
        Case("pid_kernel_thread_self_exe", ["{probe}", "-p", "2", "-e", "uprobe:/proc/self/exe:main { }"],
             stderr=[r"pid 2 is a kernel thread; it has no user-space executable"], needs=kthreadd),
        Case("pid_missing", ["{probe}", "-p", "4194000", "-e", "BEGIN { exit(); }"],
             stderr=[r"^probe: error: no process with pid 4194000$"]),
        Case("flag_unknown", ["{probe}", "--bogus", "-e", "BEGIN { exit(); }"],
             stderr=[r"^probe: error: unknown option '--bogus'$"]),
        Case("flag_missing_argument", ["{probe}", "-e", "BEGIN { exit(); }", "-c"],
             stderr=[r"^probe: error: option '-c' needs an argument$"]),
        Case("flag_c_empty", ["{probe}", "-c", "", "-e", "BEGIN { exit(); }"],
             stderr=[r"^probe: error: -c needs a command"], stdout_none=["Attaching"]),
        Case("list_missing_binary", ["{probe}", "-l", "uprobe:/no/such/bin:*"], stderr=[r"/no/such/bin"]),
        # stdout on a full device outside a session: -l, -d and --help said nothing and exited 0.
        Case("dev_full_list", ["sh", "-c", "exec {probe} -l 'tracepoint:sched:*' > /dev/full"],
             stderr=[r"probe: error: cannot write the output"]),
        Case("dev_full_dump_ast", ["sh", "-c", "exec {probe} --dry-run -d ast -e 'BEGIN { exit(); }' > /dev/full"],
             stderr=[r"probe: error: cannot write the output"]),
        Case("dev_full_dump_ir", ["sh", "-c", "exec {probe} --dry-run -d ir -e 'BEGIN { exit(); }' > /dev/full"],
             stderr=[r"probe: error: cannot write the output"]),
        Case("dev_full_help", ["sh", "-c", "exec {probe} --help > /dev/full"],
             stderr=[r"probe: error: cannot write the output"]),
    ]
    return c


def tracefs_cases():
    """tracefs hidden in a private mount namespace (unshare -m)."""
    caps = "-dac_override,-dac_read_search,-sys_admin"
    # Root without CAP_DAC_OVERRIDE/CAP_SYS_ADMIN: cannot read a mode-000 dir, cannot mount.
    weak_root = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}"]

    def hidden(mode, argv, weak=True):
        mounts = " && ".join(f"mount -t tmpfs -o mode={mode} none {d}"
                             for d in ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]
                             if os.path.isdir(d))
        inner = " ".join(shlex.quote(a) for a in (weak_root if weak else []) + argv)
        return ["unshare", "-m", "--propagation", "private", "sh", "-c", f"{mounts} && exec {inner}"]

    tp = ["{faultexec}", "--", "{probe}", "-e", "tracepoint:syscalls:sys_enter_openat { @ = count(); }"]
    up = ["{faultexec}", "--", "{probe}", "-c", "{target} {pidfile} 5", "-e",
          "uprobe:/proc/self/exe:pffault_fn { @pffault = count(); }"]
    needs = lambda: tracefs_mounted() or (None if shutil.which("unshare") else "no unshare")
    return [
        Case("tracefs_mode000", hidden("000", tp),
             stderr=[r"cannot read tracefs at /sys/kernel/tracing: Permission denied"],
             stderr_none=["not mounted"], needs=needs),
        Case("tracefs_list_mode000", hidden("000", ["{probe}", "-l", "tracepoint:syscalls:*"]),
             stderr=[r"cannot read tracefs at /sys/kernel/tracing: Permission denied"], needs=needs),
        Case("tracefs_empty_cannot_mount", hidden("755", tp),
             stderr=[r"tracefs is not mounted and mounting it on /sys/kernel/tracing failed: Operation not permitted"],
             needs=needs),
        # uprobes do not need tracefs (the uprobe PMU): they still work.
        Case("tracefs_mode000_uprobe_works", hidden("000", up, weak=False), rc=0, stdout=[r"^@pffault: 5$"],
             needs=needs),
        # Root without CAP_SYS_ADMIN: this kernel wants it for uprobes; say so, not "a policy".
        Case("uprobe_without_cap_sys_admin", weak_root + up,
             stderr=[r"cannot attach to uprobe .*: Permission denied",
                     r"^hint: probe has CAP_BPF and CAP_PERFMON but not CAP_SYS_ADMIN"], needs=needs),
        Case("root_without_bpf_caps", ["setpriv", "--inh-caps=-bpf,-perfmon,-sys_admin",
                                       "--bounding-set=-bpf,-perfmon,-sys_admin", "{probe}", "-e", "BEGIN { exit(); }"],
             stderr=[r"probe needs root \(CAP_BPF and CAP_PERFMON\)"]),
        # Full root mounts tracefs itself (inside the private namespace).
        Case("tracefs_empty_root_mounts", hidden("755", tp[:-1] + ["tracepoint:syscalls:sys_enter_openat { @ = count(); exit(); }"], weak=False),
             rc=0, stdout=[r"^@: \d+$"], needs=needs),
    ]


def vm_cases():
    """kprobe and fentry faults: this host cannot run them; in the VM (PROBE_IN_VM=1) they run."""
    needs = lambda: None if os.environ.get("PROBE_IN_VM") == "1" else "kprobes/fentry: run in the VM"
    up = "uprobe:/proc/self/exe:pffault_fn { @pffault = count(); } "
    kp, multi, fe = (up + "kprobe:vfs_read { @pfk = count(); } END {}",
                     up + "kprobe:vfs_read* { @pfk = count(); } END {}",
                     up + "fentry:vfs_read { @pfk = count(); } END {}")
    run = lambda rule, prog: ["{faultexec}"] + rule + ["--", "{probe}", "-c", "{target} {pidfile} 3", "-e", prog]
    c = []
    # (Not ENOSPC for program loads: libbpf takes it as "log buffer too small" and retries.)
    for e in ["EMFILE", "ENOMEM", "E2BIG"]:
        # The 2nd perf_event_open is the kprobe's (the 1st is the uprobe's).
        c.append(Case(f"vm_kprobe_perf_event_open_{e}", run(["--syscall", "perf_event_open", "--nth", "2",
                                                             "--errno", e], kp),
                      stderr=[r"^probe: error: cannot attach to kprobe:vfs_read: "], needs=needs))
        c.append(Case(f"vm_fentry_prog_load_{e}", run(["--bpf-cmd", "BPF_PROG_LOAD", "--prog-type", "TRACING",
                                                       "--errno", e], fe),
                      stderr=[r"^probe: error: cannot load the BPF program of fentry:vfs_read: "],
                      stderr_none=["verifier"], needs=needs))
        # BPF_LINK_CREATE: perf-link feature test, the uprobe's link, then the fentry's.
        c.append(Case(f"vm_fentry_link_create_{e}", run(["--bpf-cmd", "BPF_LINK_CREATE", "--nth", "3",
                                                         "--errno", e], fe),
                      stderr=[r"^probe: error: cannot attach to fentry:vfs_read: "], needs=needs))
    # kprobe_multi's link failing: probe falls back to one kprobe per function.
    c.append(Case("vm_kprobe_multi_link_fails_falls_back", run(["--bpf-cmd", "BPF_LINK_CREATE", "--errno", "ENOMEM"],
                                                              multi),
                  rc=0, stdout=[r"^@pffault: 3$", r"^@pfk: \d+$"], needs=needs))
    return c


def ifunc_case():
    """uprobe:libc:mem* attaches every match except IFUNC resolvers (memcpy, memset...)."""
    return Case("ifunc_wildcard_real_run", ["{probe}", "-c", "{target} {pidfile} 3",
                                            "-e", "uprobe:libc:mem* { @[probe] = count(); }"], rc=0)


def expected_libc_mem_functions(probe):
    """Names probe -l lists for uprobe:libc:mem*, checked against readelf's default versions."""
    out = subprocess.run([probe, "-l", "uprobe:libc:mem*"], capture_output=True, text=True, timeout=30)
    listed = [l.split(":")[-1] for l in out.stdout.split()]
    libc = subprocess.run(["sh", "-c", "ldconfig -p | awk '/libc.so.6 .*x86-64/ {print $NF; exit}'"],
                          capture_output=True, text=True).stdout.strip() or "/lib/x86_64-linux-gnu/libc.so.6"
    dyn = subprocess.run(["readelf", "-W", "--dyn-syms", libc], capture_output=True, text=True).stdout
    default = {}  # name -> type of the version a probe binds to (@@, or the unversioned one)
    for line in dyn.splitlines():
        f = line.split()
        if len(f) < 8 or f[6] == "UND" or f[3] not in ("FUNC", "IFUNC"):
            continue
        name = f[7]
        base = name.split("@")[0]
        if not base.startswith("mem"):
            continue
        if "@@" in name or "@" not in name or base not in default:
            default[base] = f[3]
    resolvers = sorted(n for n, t in default.items() if t == "IFUNC")
    return listed, sorted(n for n, t in default.items() if t == "FUNC"), resolvers


def our_programs():
    try:
        out = subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True, text=True, timeout=10)
        return [p.get("name", "") for p in json.loads(out.stdout or "[]") if p.get("name", "").startswith("pffault_fn")]
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return []


def tracefs_events(pid):
    found = []
    for f in ("uprobe_events", "kprobe_events"):
        try:
            with open("/sys/kernel/tracing/" + f) as fh:
                found += [l for l in fh if "faulttarget" in l or (pid and f"_{pid}_" in l)]
        except OSError:
            pass
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def run_case(case, paths, tmp, verbose):
    pidfile = os.path.join(tmp, "child.pid")
    probe_pidfile = os.path.join(tmp, "probe.pid")
    for p in (pidfile, probe_pidfile):
        if os.path.exists(p):
            os.unlink(p)
    subst = dict(paths, pidfile=pidfile)
    argv = []
    for a in case.argv:
        for k, v in subst.items():
            a = a.replace("{" + k + "}", v)
        argv.append(a)
    if argv and argv[0] == paths["faultexec"]:
        argv = argv[:1] + ["--pid-file", probe_pidfile] + argv[1:]
    stdin = open(case.stdin, "rb") if case.stdin else subprocess.DEVNULL
    start = time.monotonic()
    try:
        r = subprocess.run(argv, stdin=stdin, capture_output=True, timeout=CASE_TIMEOUT, cwd=tmp)
        out, err, rc = r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace"), r.returncode
    except subprocess.TimeoutExpired as e:
        out, err, rc = (e.stdout or b"").decode(errors="replace"), (e.stderr or b"").decode(errors="replace"), None
    finally:
        if case.stdin:
            stdin.close()
    took = time.monotonic() - start
    problems = []
    if rc is None:
        problems.append(f"timed out after {CASE_TIMEOUT:.0f} s")
    elif rc == 99 and "faultexec: LEAK" in err:
        problems.append("a process outlived probe")
    elif rc < 0 or rc >= 128:
        problems.append(f"killed by a signal (status {rc})")
    elif rc != case.rc:
        problems.append(f"exit status {rc}, expected {case.rc}")
    for pat in FORBIDDEN:
        if re.search(pat, err):
            problems.append(f"stderr has forbidden /{pat}/")
    if case.rc == 1 and rc == 1 and not re.search(r"^(probe: error: |\S+:\d+:\d+: error: )", err, re.M):
        problems.append("no 'probe: error:' line on stderr")
    if len(err) > 4000:
        problems.append(f"stderr is {len(err)} bytes (a dump?)")
    for pat in case.stderr:
        if not re.search(pat, err, re.M):
            problems.append(f"stderr lacks /{pat}/")
    for pat in case.stderr_none:
        if re.search(pat, err, re.M):
            problems.append(f"stderr has /{pat}/")
    for pat in case.stdout:
        if not re.search(pat, out, re.M):
            problems.append(f"stdout lacks /{pat}/")
    for pat in case.stdout_none:
        if re.search(pat, out, re.M):
            problems.append(f"stdout has /{pat}/")
    # Nothing left: programs (freed asynchronously once their fds close), tracefs events, the child.
    probe_pid = None
    if os.path.exists(probe_pidfile):
        probe_pid = open(probe_pidfile).read().strip()
    deadline = time.monotonic() + 3
    while our_programs() and time.monotonic() < deadline:
        time.sleep(0.1)
    if our_programs():
        problems.append(f"BPF programs left loaded: {our_programs()}")
    if tracefs_events(probe_pid):
        problems.append(f"tracefs events left: {tracefs_events(probe_pid)}")
    if os.path.exists(pidfile):
        cpid = open(pidfile).read().strip()
        if cpid and alive(cpid):
            problems.append(f"-c child {cpid} still running")
            os.kill(int(cpid), 9)
    return problems, out, err, rc, took


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--filter", default="*")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    paths = {"probe": os.path.join(build, "probe"),
             "faultexec": os.path.join(build, "tests/faults/faultexec"),
             "target": os.path.join(build, "tests/faults/faulttarget")}
    for p in paths.values():
        if not os.access(p, os.X_OK):
            print(f"run_faults: {p} is missing; build first", file=sys.stderr)
            return 2
    if os.geteuid() != 0:
        print("SKIP: the fault tests need root")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    tmp = tempfile.mkdtemp(prefix="probe-faults-")
    os.chmod(tmp, 0o755)  # nobody runs probe from here
    cases = fault_cases() + cli_cases(tmp) + tracefs_cases() + [ifunc_case()] + vm_cases()
    passed = failed = skipped = 0
    t0 = time.monotonic()
    try:
        for case in cases:
            if not fnmatch.fnmatch(case.name, args.filter):
                continue
            reason = case.needs() if case.needs else None
            if reason:
                print(f"SKIP {case.name}: {reason}")
                skipped += 1
                continue
            problems, out, err, rc, took = run_case(case, paths, tmp, args.verbose)
            if case.name == "ifunc_wildcard_real_run" and not problems:
                problems += check_ifunc(paths["probe"], out)
            if problems:
                failed += 1
                print(f"FAIL {case.name} ({took:.1f} s): " + "; ".join(problems))
                print("  command: " + " ".join(shlex.quote(a) for a in case.argv))
                print("  stderr: " + err.strip().replace("\n", "\n          ")[:2000])
                print("  stdout: " + out.strip().replace("\n", "\n          ")[:1000])
            else:
                passed += 1
                print(f"PASS {case.name} ({took:.1f} s)")
                if args.verbose:
                    print("  " + err.strip().replace("\n", "\n  "))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed, {skipped} skipped ({time.monotonic() - t0:.0f} s)")
    return 1 if failed else 0


def check_ifunc(probe, out):
    listed, functions, resolvers = expected_libc_mem_functions(probe)
    problems = []
    if not resolvers:
        problems.append("this libc has no mem* IFUNC resolver to test with")
    if sorted(listed) != functions:
        problems.append(f"probe -l lists {listed}, readelf's non-resolver defaults are {functions}")
    m = re.search(r"^Attaching (\d+) probes?", out, re.M)
    if not m or int(m.group(1)) != len(functions):
        problems.append(f"attached {m.group(1) if m else 'no'} probes, expected {len(functions)} ({functions})")
    for r in resolvers:
        if re.search(rf":{r}\]", out):
            problems.append(f"resolver {r} was probed")
    return problems


if __name__ == "__main__":
    sys.exit(main())
