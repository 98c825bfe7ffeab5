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
    "struct_field": "curtask->se",
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
    "printf": (1, -1), "print": (1, 1), "exit": (0, 0), "clear": (1, 1), "zero": (1, 1),
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
