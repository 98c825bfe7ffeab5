#!/usr/bin/env python3
"""Regenerates the program seeds of the libFuzzer targets (tests/fuzz/seeds/).

parse, sema and compile get every program of tests/corpus/cases/*.test
(PROG and PROG_FILE) and examples/*.bt, one file each, named by a hash of
the content; decode gets a few structured inputs (see decode_fuzz.cpp).
Kept seeds are never deleted, so hand-written seeds can sit beside them.

    python3 tests/fuzz/make_seeds.py
"""

import glob
import hashlib
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "corpus"))
import run_corpus  # noqa: E402


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(ROOT, "tests", "fuzz", "seeds", target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def programs():
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "corpus", "cases", "*.test"))):
        for case in run_corpus.parse_file(path):
            prog = case.get("PROG")
            if prog is None and case.get("PROG_FILE"):
                f = case.get("PROG_FILE").replace("{src}", ROOT)
                f = f.replace("{casedir}", os.path.dirname(path))
                if os.path.isfile(f):
                    prog = open(f, encoding="utf-8", errors="replace").read()
            if prog:
                out.append(prog)
    for f in sorted(glob.glob(os.path.join(ROOT, "examples", "*.bt"))):
        out.append(open(f, encoding="utf-8").read())
    return out


def decode_seeds():
    seeds = []
    for prog in range(8):
        for json in (0, 0x80):
            # mode 0: a printf record (kind 1, id 0) and a print record (kind 2, id 0) with zeroed payloads
            recs = b""
            for kind in (1, 2, 2, 4):
                rec = struct.pack("<II", kind, 0) + bytes(range(1, 65))
                recs += struct.pack("<H", len(rec)) + rec
            seeds.append(bytes([0, prog | json]) + recs)
            # mode 1: three map entries
            seeds.append(bytes([1, prog | json, 0, 2]) + bytes(range(256)) * 2)
    seeds.append(bytes([2, 0]) + b"%d %-5s %x %c %p %lld|%08X\0" + bytes([0, 0x20, 2, 5, 0x10, 0x40, 0x30, 0x10]) + bytes(range(64)))
    seeds.append(bytes([3, 0x80, 8, 3, 0x40, 2, 16, 9, 2, 5, 0x31, 4]) + bytes(range(128)))
    return seeds


def main():
    progs = programs()
    for p in progs:
        for t in ("parse", "sema", "compile"):
            write(t, p)
    for s in decode_seeds():
        write("decode", s)
    print(f"{len(progs)} programs, {len(decode_seeds())} decode seeds")


if __name__ == "__main__":
    main()
