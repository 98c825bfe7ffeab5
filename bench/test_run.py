#!/usr/bin/env python3
"""Unit tests of bench/run.py's hist value check (stdlib unittest, no root, no tracing).

    python3 bench/test_run.py
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402

# bpftrace 0.17's text for genarg 30: umask(-2 .. 27), plus one stray umask(022) of another process.
BPFTRACE_30 = """Attaching 1 probe...


@: 
(..., 0)               2 |@@@@@@@@@@@@@                                       |
[0]                    1 |@@@@@@                                              |
[1]                    1 |@@@@@@                                              |
[2, 4)                 2 |@@@@@@@@@@@@@                                       |
[4, 8)                 4 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[8, 16)                8 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[16, 32)              13 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

"""


class HistCheck(unittest.TestCase):
    def test_bucket_numbering_is_bpftraces(self):
        self.assertEqual([run.hist_bucket(v) for v in (-5, -1, 0, 1, 2, 3, 4, 7, 8, 1023, 1024)],
                         [0, 0, 1, 2, 3, 3, 4, 4, 5, 11, 12])
        self.assertEqual(run.hist_bucket((1 << 63) - 1), 64)

    def test_expected_counts_the_generators_values(self):
        n = 500000
        exp = run.hist_expected(n)
        self.assertEqual(sum(exp.values()), n)
        want = {}
        for v in range(-2, n - 2):
            want[run.hist_bucket(v)] = want.get(run.hist_bucket(v), 0) + 1
        self.assertEqual(exp, want)
        self.assertEqual(exp[20], 237854)  # [256K, 512K): 262144 .. 499997

    def test_parses_labels_with_suffixes(self):
        text = "[0]   3 |@|\n[1K, 2K)   7 |@|\n[256K, 512K)   9 |@|\n[1M, 2M)   1 |@|\n[4G, 8G)  2 |@|\n"
        self.assertEqual(run.parse_hist_text(text), {1: 3, 12: 7, 20: 9, 22: 1, 34: 2})

    def test_accepts_a_few_strays_and_rejects_a_short_bucket(self):
        got = run.parse_hist_text(BPFTRACE_30)
        self.assertEqual(run.hist_check(got, 30), {"hist_ok": True, "hist_extra": 1})
        got[4] -= 1
        got[5] += 1  # one value in the wrong bucket: total right, bucket short
        r = run.hist_check(got, 30)
        self.assertFalse(r["hist_ok"])
        self.assertEqual(r["hist_short"], {"4": (4, 3)})

    def test_rejects_a_missing_histogram_and_too_many_strays(self):
        self.assertFalse(run.hist_check({}, 30)["hist_ok"])
        got = run.hist_expected(100000)
        got[1] += 500  # 0.5 % extra: more than other processes' umask calls explain
        self.assertFalse(run.hist_check(got, 100000)["hist_ok"])


if __name__ == "__main__":
    unittest.main()
