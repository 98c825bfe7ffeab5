"""Building blocks of hostile programs, shared by gen_cases.py (the
deterministic generated corpus cases) and sweep.py (the big combinatorial
sweep). Everything here is deterministic: lists, not random choices.

Each generator yields (name, program) pairs. Programs define the maps they
reference (@mi: integer, @mc: count(), @mk: keyed, @ms: string, @mt: tuple)
in the same probe, so a misuse is the only thing wrong with them.
"""

# Argument expressions of every kind, by short name.
ARG_KINDS = {
    "int": "1",
    "zero": "0",
    "neg": "-1",
    "huge": "0xffffffffffffffff",
    "string": '"abc"',
    "empty_string": '""',
    "comm": "comm",
    "tuple": "(1, 2)",
    "tuple_str": '(1, "a")',
    "struct": "*curtask",
    "struct_field": "*curtask->real_parent",  # not a value (small structs are values since issue 9)
    "pointer": "curtask",
    "pointer_field": "curtask->real_parent",
    "map_int": "@mi",
    "map_count": "@mc",
    "map_keyed": "@mk",
    "map_keyed_elem": "@mk[1]",
    "map_string": "@ms",
    "map_tuple": "@mt",
    "var_int": "$vi",
    "var_str": "$vs",
    "var_undef": "$undef",
    "void": "exit()",
    "nested_print": "print(1)",
    "nested_count": "count()",
    "nested_str": "str(str(comm))",
    "ksym": "ksym(1)",
    "positional": "$1",
    "poscount": "$#",
    "cast_ptr": "(struct task_struct *)0",
    "cast_int": "(uint8)300",
    "ternary_mixed": '1 ? 1 : "a"',
    "unknown_ident": "nosuchident",
    "unknown_call": "nosuchcall(1)",
    "arg_bare": "arg",
    "arg_huge": "arg99999999999",
    "retval": "retval",
    "args_struct": "args",
    "kstack": "kstack",
    "func": "func",
    "probe": "probe",
    "cpid": "cpid",
}

# Statements that define the maps and variables the kinds use.
PRELUDE = ('@mi = 1; @mc = count(); @mk[1] = 1; @ms = comm; @mt = (1, "a"); '
           '$vi = 1; $vs = comm; ')

# Builtin functions: name -> (min args, max args).
FUNCS = {
    "printf": (1, -1), "print": (1, 1), "exit": (0, 1), "clear": (1, 1), "zero": (1, 1),
    "count": (0, 0), "sum": (1, 1), "min": (1, 1), "max": (1, 1), "avg": (1, 1),
    "str": (1, 2), "reg": (1, 1), "ksym": (1, 1),
}
AGGREGATIONS = {"count", "sum", "min", "max", "avg"}

# Builtin variables.
VARS = ["pid", "tid", "uid", "gid", "nsecs", "cpu", "rand", "curtask", "cpid", "comm",
        "arg0", "arg5", "arg6", "retval", "args", "func", "probe", "kstack"]

# Probe headers of every provider (valid on this host in --dry-run).
PROBES = {
    "BEGIN": "BEGIN",
    "END": "END",
    "uprobe": "uprobe:libc:malloc",
    "uretprobe": "uretprobe:libc:malloc",
    "tracepoint": "tracepoint:syscalls:sys_enter_openat",
    "rawtracepoint": "rawtracepoint:sched_switch",
    "interval": "interval:s:1",
    "profile": "profile:hz:99",
    "software": "software:page-faults:100",
}

# Statement positions an expression E can take.
POSITIONS = {
    "stmt": "{E};",
    "map": "@r = {E};",
    "var": "$r = {E};",
    "key": "@r[{E}] = 1;",
    "key2": "@r[1, {E}] = 1;",
    "tuple": "@r = (1, {E});",
    "printf_d": 'printf("%d\\n", {E});',
    "printf_s": 'printf("%s\\n", {E});',
    "print": "print({E});",
    "if": "if ({E}) {{ @r = 1; }}",
    "while": "while ({E}) {{ break; }}",
    "unroll": "unroll({E}) {{ @r = 1; }}",
    "ternary": "@r = {E} ? 1 : 2;",
    "binop": "@r = {E} + 1;",
    "compare": "@r = {E} == 1;",
    "not": "@r = !{E};",
    "neg": "@r = -{E};",
    "deref": "@r = *{E};",
    "field": "@r = {E}->x;",
    "index": "@r = {E}[0];",
    "cast": "@r = (uint64){E};",
    "compound": "@r = 1; @r += {E};",
    "str": "@r = str({E});",
    "sum": "@r = sum({E});",
}


def call(fn, args):
    return "%s(%s)" % (fn, ", ".join(args))


def call_programs(kinds=None):
    """Every builtin function with every kind in every argument slot."""
    kinds = kinds or ARG_KINDS
    for fn, (lo, hi) in FUNCS.items():
        slots = max(hi, 2) if hi >= 0 else 3
        for slot in range(max(slots, 1)):
            for kname, expr in kinds.items():
                args = ["1"] * max(lo, slot + 1)
                if fn == "printf":
                    args[0] = '"%d %d\\n"' if slot else expr
                    while len(args) < 3:
                        args.append("1")
                if fn == "reg" and slot == 0:
                    pass
                args[slot] = expr
                c = call(fn, args)
                stmt = ("@r = %s;" % c) if fn in AGGREGATIONS else ("%s;" % c)
                yield "call_%s_a%d_%s" % (fn, slot, kname), "BEGIN { %s%s }" % (PRELUDE, stmt)


def arity_programs():
    """Every builtin function with too few and too many arguments."""
    for fn, (lo, hi) in FUNCS.items():
        wrap = (lambda c: "@r = %s;" % c) if fn in AGGREGATIONS else (lambda c: "%s;" % c)
        if lo > 0:
            yield "arity_%s_none" % fn, "BEGIN { %s }" % wrap(call(fn, []))
        if hi >= 0:
            yield "arity_%s_too_many" % fn, "BEGIN { %s }" % wrap(call(fn, ["1"] * (hi + 1)))
            yield "arity_%s_way_too_many" % fn, "BEGIN { %s }" % wrap(call(fn, ["1"] * (hi + 50)))


def position_programs(kinds=None, positions=None, probe="BEGIN"):
    """Every kind of expression in every statement position."""
    kinds = kinds or ARG_KINDS
    positions = positions or POSITIONS
    header = PROBES.get(probe, probe)
    for pname, tmpl in positions.items():
        for kname, expr in kinds.items():
            yield "pos_%s_%s_%s" % (probe, pname, kname), "%s { %s%s }" % (header, PRELUDE, tmpl.format(E=expr))


def context_programs():
    """Every builtin variable in every probe type (many are invalid there)."""
    for probe, header in PROBES.items():
        for var in VARS:
            for pname in ("map", "printf_d", "key", "stmt", "tuple"):
                yield "ctx_%s_%s_%s" % (probe, var, pname), "%s { %s }" % (header, POSITIONS[pname].format(E=var))


# Hand-picked programs at the edges (constant folding, printf formats, casts,
# BTF fields, tuples, mixed probe types, maps); some are valid.
TARGETED = r"""
BEGIN { @x = 1/0; }
BEGIN { @x = 1%0; }
BEGIN { @x = (-9223372036854775807 - 1) / -1; }
BEGIN { @x = (-9223372036854775807 - 1) % -1; }
BEGIN { @x = 1 << 64; }
BEGIN { @x = 1 << -1; }
BEGIN { @x = 1 >> 200; }
BEGIN { @x = 0xffffffffffffffff * 0xffffffffffffffff; }
BEGIN { @x = -(-9223372036854775807 - 1); }
BEGIN { unroll(1/0) { @x = 1; } }
BEGIN { unroll(1 << 63) { @x = 1; } }
BEGIN { unroll(-9223372036854775807 - 1) { @x = 1; } }
BEGIN { printf("%"); }
BEGIN { printf("%q", 1); }
BEGIN { printf("%-*d", 1, 2); }
BEGIN { printf("%lld %hhd %zu", 1, 2, 3); }
BEGIN { printf("%5$d", 1); }
BEGIN { printf("%n", 1); }
BEGIN { printf("%c", comm); }
BEGIN { printf("%99999999999999999999d", 1); }
BEGIN { printf("%.99999999999999999999s", comm); }
BEGIN { printf("%2147483648d", 1); }
BEGIN { printf("%s %s %s", 1); }
BEGIN { printf("%ls", comm); }
BEGIN { printf("%p", comm); }
BEGIN { printf("%-", 1); }
BEGIN { printf("%0000000000000000000000000000005d", 1); }
BEGIN { printf("%r", 1); }
BEGIN { printf("%d%", 1); }
BEGIN { @x = str(comm, 0); }
BEGIN { @x = str(0, -1); }
BEGIN { @x = str(0, 0); }
BEGIN { @x = str(0, 0xffffffffffffffff); }
BEGIN { @x = str(0, $1); }
BEGIN { @x = curtask->comm; }
BEGIN { @x = curtask->comm[0]; }
BEGIN { @x = curtask->comm[100]; }
BEGIN { @x = curtask->comm[-1]; }
BEGIN { @x = curtask->comm[0xffffffffffffffff]; }
BEGIN { @x = curtask->mm->pgd; }
BEGIN { @x = curtask->mm->pgd->pgd; }
BEGIN { @x = *curtask->mm->pgd; }
BEGIN { @x = curtask->thread_info; }
BEGIN { @x = curtask->sched_class->enqueue_task; }
BEGIN { @x = curtask->sched_class->enqueue_task(1); }
BEGIN { @x = *curtask->sched_class->enqueue_task; }
BEGIN { @x = curtask->pids; }
BEGIN { @x = curtask->cpus_mask.bits[0]; }
BEGIN { @x = curtask->cpus_mask.bits; }
BEGIN { print(curtask->cpus_mask.bits); }
BEGIN { @x[curtask->cpus_mask.bits] = 1; }
BEGIN { printf("%s", curtask->cpus_mask.bits); }
BEGIN { @x = curtask->__state; }
BEGIN { @x = curtask->in_execve; }
BEGIN { $x = curtask->in_execve; @y = $x + 1; }
BEGIN { @x = curtask->se.load; }
BEGIN { @x = curtask->se.load.weight; }
BEGIN { @x = (struct task_struct *)curtask->se.load; }
BEGIN { @x = ((struct task_struct *)0)->pid; }
BEGIN { @x = ((struct task_struct **)0)->pid; }
BEGIN { @x = (*(struct task_struct **)0)->pid; }
BEGIN { @x = (void *)0; }
BEGIN { @x = *(void *)0; }
BEGIN { @x = *(char *)0; }
BEGIN { @x = (char *)0; printf("%s", @x); }
BEGIN { @x = str((char *)0); }
BEGIN { @x = (bool)1; }
BEGIN { @x = (enum pid_type)1; }
BEGIN { @x = (enum pid_type *)1; }
BEGIN { @x = (int8)(int16)(int32)(int64)(uint8)1; }
BEGIN { @x = (unsigned char)1; }
BEGIN { @x = (long long unsigned int)1; }
BEGIN { @x = (signed)1; }
BEGIN { @x = (struct task_struct)*curtask; }
BEGIN { @x = (uint64)*curtask; }
BEGIN { @x = comm == "abc"; }
BEGIN { @x = comm < "abc"; }
BEGIN { @x = "a" == "b"; }
BEGIN { @x = comm == comm; }
BEGIN { @x = curtask->comm == "a"; }
BEGIN { @x = (1, "a") == (1, "a"); }
BEGIN { @x = 1 ? comm : "a"; }
BEGIN { @x = 1 ? "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" : "b"; }
BEGIN { @x = 1 ? (1, "a") : (2, "bbbbbbbbbbb"); }
BEGIN { @x = 1 ? (1, 2) : (1, "a"); }
BEGIN { @x = 1 ? curtask : 0; }
BEGIN { @x = 1 ? curtask : curtask->real_parent; }
BEGIN { @x = 1 ? *curtask : *curtask; }
BEGIN { $x = (1, 2); $x = (1, "a"); }
BEGIN { $x = (1, comm); @y[$x] = 1; }
BEGIN { $x = (1, (2, (3, (4, comm)))); @y[$x] = $x; print($x); }
BEGIN { @x[(1,2)] = 1; @x[(1,2,3)] = 1; }
BEGIN { @x[1] = (1, 2); print(@x[1]); }
BEGIN { @x[1] = (1, 2); @y = @x[1].0; }
BEGIN { $t = (1, 2); @y = $t.5; }
BEGIN { $t = (1, 2); @y = $t.99999999999999999999; }
BEGIN { $t = (1, 2); @y = $t.18446744073709551615; }
BEGIN { $t = (1, 2); @y = $t[0]; }
BEGIN { $t = (1, 2); @y = $t.x; }
BEGIN { $t = (1, 2); $t.0 = 5; }
BEGIN { @t = (1, 2); @t.0 = 5; }
BEGIN { @x++; @x--; ++@x; --@x; }
BEGIN { @x = comm; @x++; }
BEGIN { @x[1]++; @x[1] += 1; }
BEGIN { $x = curtask; $x++; }
BEGIN { $x = curtask; @y = $x + 1; @z = $x - $x; @w = $x * 2; }
BEGIN { $x = (struct task_struct *)0; @y = $x[1].pid; }
BEGIN { @x = curtask[1].pid; }
BEGIN { @x = curtask[-1].pid; }
BEGIN { $x = curtask; $x = 1; }
BEGIN { $x = 1; $x = curtask; }
BEGIN { @x = curtask; @x = 1; }
BEGIN { @x = 1; @x = curtask; }
BEGIN { @x = curtask; @x = curtask->real_parent; print(@x); }
BEGIN { @x = curtask; printf("%s\n", @x); }
BEGIN { @x = ksym(1); @x = 2; }
BEGIN { @x[ksym(1)] = 1; print(@x); }
tracepoint:syscalls:sys_enter_openat { @x = kstack; @x = 1; }
tracepoint:syscalls:sys_enter_openat { $k = kstack; @y[$k] = 1; printf("%d", $k); }
tracepoint:syscalls:sys_enter_openat { @x[kstack, kstack] = count(); }
tracepoint:syscalls:sys_enter_openat { print(kstack); }
tracepoint:syscalls:sys_enter_openat { printf("%s", kstack); }
tracepoint:syscalls:sys_enter_openat { @x = kstack + 1; }
tracepoint:syscalls:sys_enter_openat { @x = args->filename; @y = *args->filename; }
tracepoint:syscalls:sys_enter_openat { @x = args->filename[0]; }
tracepoint:syscalls:sys_enter_openat { @x = args->filename[99999999]; }
tracepoint:syscalls:sys_enter_openat { @x = str(args->filename, 0); }
tracepoint:syscalls:sys_enter_openat { @x = str(args->filename, 99999999999); }
tracepoint:syscalls:sys_enter_openat { @x = str(args->filename, -5); }
tracepoint:syscalls:sys_enter_openat { @x = args->__syscall_nr; @x = str(args->filename); }
tracepoint:syscalls:sys_enter_openat { @x[args->filename] = count(); }
tracepoint:syscalls:sys_enter_openat { @x = args.filename; }
tracepoint:syscalls:sys_enter_openat { @x = args->filename->foo; }
tracepoint:syscalls:sys_enter_openat { @x = (args->filename, args->flags); }
tracepoint:syscalls:sys_enter_openat,tracepoint:syscalls:sys_enter_read { @x = args->filename; }
tracepoint:syscalls:sys_enter_openat,tracepoint:syscalls:sys_enter_read { @x = args->count; }
tracepoint:syscalls:sys_enter_openat,uprobe:libc:malloc { @x = args->filename; }
tracepoint:syscalls:sys_enter_openat,uprobe:libc:malloc { @x = arg0; }
tracepoint:syscalls:sys_enter_openat,uretprobe:libc:malloc { @x = retval; }
BEGIN,END { @x = retval; }
uprobe:libc:malloc,uretprobe:libc:malloc { @x = retval; }
uprobe:libc:malloc,uretprobe:libc:malloc { @x = func; }
uprobe:libc:malloc,tracepoint:syscalls:sys_enter_openat { @x = func; }
uprobe:libc:mall* { @x[func] = count(); @y = func + 1; }
uprobe:libc:malloc { @x = reg("ax") + reg("orig_ax") + reg("ip"); }
uprobe:libc:malloc { @x = reg(""); }
uprobe:libc:malloc { @x = reg("AX"); }
uprobe:libc:malloc { @x = reg(comm); }
uprobe:libc:malloc { @x = ksym(reg("ip")); }
uprobe:libc:malloc { @x = ksym(comm); }
uprobe:libc:malloc { @x = arg0 + arg1 + arg2 + arg3 + arg4 + arg5; }
uprobe:libc:malloc { @x = *arg0; }
uprobe:libc:malloc { @x = *(struct task_struct *)arg0; }
uprobe:libc:malloc { @x = ((struct task_struct *)arg0)->comm; }
uprobe:libc:malloc { @x = str(arg0, arg1); }
uprobe:libc:malloc { @x = str(arg0, 0); }
uprobe:libc:malloc { @x = str(arg0, 100000); }
uprobe:libc:malloc { @x[str(arg0, 100000)] = 1; }
rawtracepoint:sched_switch { @x = args->prev; @y = args->prev->pid; }
rawtracepoint:sched_switch { @x = arg0; @y = arg5; @z = arg7; }
rawtracepoint:sched_switch { @x = args->nosuch; }
rawtracepoint:sched_switch { @x = *args->prev; }
rawtracepoint:sched_switch { @x = args->prev->comm; }
rawtracepoint:sched_switch { @x = args->preempt; print(args->preempt); }
rawtracepoint:sched_s* { @x = args->prev; }
rawtracepoint:sched_* { @x = args->prev; }
rawtracepoint:sched_* { @x = arg0; }
profile:hz:99 { @x = arg0; @y = args; }
software:page-faults:1 { @x = retval; }
interval:ms:1 { @x = func; }
BEGIN { @x = probe; @y = probe + 1; }
BEGIN,END { @x[probe] = count(); printf("%s", probe); }
BEGIN { @x = $#; @y = $# + $1; }
BEGIN { @x = $#[0]; }
BEGIN { @x = str($#); }
BEGIN { $x = $1; $x = "a"; }
BEGIN { @x = $1; @x = "a"; }
BEGIN { @x = cpid; }
BEGIN { if (1) { $x = 1; } else { $x = "a"; } }
BEGIN { while (1) { } }
BEGIN { while (1) { @x++; } }
BEGIN { $i = 0; while ($i < 1000000000) { $i++; } }
BEGIN { while (1) { while (1) { while (1) { break; } break; } break; } }
BEGIN { unroll(100) { while (1) { break; } } }
BEGIN { unroll(100) { unroll(80) { @x = 1; } } }
BEGIN { return; @x = 1; }
BEGIN { if (1) { return; } @x = 1; }
BEGIN { exit(); exit(); @x = 1; }
BEGIN { clear(@x); }
BEGIN { @x = 1; clear(@x); zero(@x); print(@x); delete(@x); }
BEGIN { @x = 1; clear(@x[1]); }
BEGIN { @x[1] = 1; print(@x[1]); print(@x[2]); }
BEGIN { @x[1] = 1; @y = @x[1] + @x["a"]; }
BEGIN { @x = count(); print(@x, 1); }
BEGIN { @x = count(); @y = @x; }
BEGIN { @x = count(); clear(@x); @x = count(); }
BEGIN { @x = sum(-1); @x = sum(0xffffffffffffffff); }
BEGIN { @x = min(comm); }
BEGIN { @x = avg(1); @x = avg(2); @y[1] = avg(1); @y = avg(1); }
BEGIN { @x[count()] = count(); }
BEGIN { @ = 1; @ = 2; @[1] = 1; }
BEGIN { @[1] = 1; @ = 2; }
BEGIN { @ = count(); @x = @; }
BEGIN { @x = @y; @y = @x; }
BEGIN { @x = @x; }
BEGIN { @x = @x + 1; }
BEGIN { $x = $x; }
BEGIN { @x[@x[@x[1]]] = 1; }
END { @x = 1; } BEGIN { print(@x); }
BEGIN { printf("%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s", comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm, comm); }
BEGIN { printf("%s", str(0, 100000)); }
BEGIN { @x = (str(0, 100000), str(0, 100000)); }
BEGIN { print((str(0,200), str(0,200), str(0,200))); }
BEGIN { @x[str(0,200), str(0,200), str(0,200)] = 1; }
BEGIN { $a = str(0,200); $b = str(0,200); $c = str(0,200); @x = ($a, $b, $c); }
""".strip().split("\n")


def targeted_programs():
    for i, prog in enumerate(TARGETED):
        yield "targeted_%03d" % i, prog


# Kinds used in pairwise operator programs (a subset: 20 x 20 x ops).
PAIR_KINDS = ["int", "huge", "string", "comm", "tuple", "struct", "pointer", "map_int", "map_count",
              "map_keyed", "map_string", "var_str", "void", "ksym", "positional", "cast_ptr",
              "arg_bare", "kstack", "args_struct", "retval"]
BINOPS = ["+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^", "&&", "||", "==", "!=", "<", ">="]


def pair_programs():
    """Every binary operator between every pair of PAIR_KINDS."""
    for op in BINOPS:
        for a in PAIR_KINDS:
            for b in PAIR_KINDS:
                yield ("binop_%s_%s_%s" % (BINOPS.index(op), a, b),
                       "tracepoint:syscalls:sys_enter_openat { %s@r = %s %s %s; }"
                       % (PRELUDE, ARG_KINDS[a], op, ARG_KINDS[b]))


def size_programs():
    """Keys, tuples, values and printf arguments of growing size."""
    elems = {"comm": "comm", "str64": "str(0, 64)", "str200": "str(0, 200)", "int": "nsecs",
             "tuple": "(1, comm)"}
    for n in (1, 2, 4, 8, 16, 24, 32, 48, 64, 128):
        for ename, e in elems.items():
            items = ", ".join([e] * n)
            yield "size_key_%s_%d" % (ename, n), "BEGIN { @m[%s] = 1; }" % items
            yield "size_tuple_%s_%d" % (ename, n), "BEGIN { @t = (%s); }" % items
            yield "size_var_tuple_%s_%d" % (ename, n), "BEGIN { $t = (%s); @k[$t] = 1; }" % items
            yield "size_printf_%s_%d" % (ename, n), 'BEGIN { printf("%s\\n", %s); }' % ("%s " * n, items)
            yield "size_print_%s_%d" % (ename, n), "BEGIN { print((%s)); }" % items
            yield "size_agg_%s_%d" % (ename, n), "BEGIN { @c[%s] = count(); }" % items
    for k in (1, 64, 200, 256, 511, 512, 513, 1024, 4096, 65536, 1 << 20):
        yield "size_str_%d" % k, "BEGIN { @s = str(0, %d); }" % k
        yield "size_strkey_%d" % k, "BEGIN { @s[str(0, %d)] = 1; }" % k
        yield "size_strlit_%d" % k, 'BEGIN { @s = "%s"; }' % ("x" * k)
        yield "size_strlit_key_%d" % k, 'BEGIN { @s["%s"] = 1; }' % ("x" * k)
