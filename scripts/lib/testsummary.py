#!/usr/bin/python3
"""testsummary.py - count passed/failed tests from automake test logs.

    testsummary.py [--build-failed NAME]... NAME=DIR [NAME=DIR...]

For every DIR (a build directory) it reads each test's .log under DIR/tests
(recursively, not test-suite.log):
  - a cmocka log counts its "[  PASSED  ] N test(s)." and
    "[  FAILED  ] N test(s)" lines (summed over groups);
  - a log with a line "N passed, N failed" (tests/integration/run.py)
    counts the last such line;
  - any other log counts 1 passed or 1 failed from its .trs :test-result:.
A test whose .trs says FAIL/ERROR but whose counts show no failure (a crash
or a sanitizer report after the summary) counts one more failure.  A build
named with --build-failed counts one failure ("build").
Prints per-build totals and, as the very last line, "N passed, N failed"
over all builds.  Exit status 1 if anything failed.
"""

import os
import re
import sys

CMOCKA_PASSED = re.compile(r"^\[  PASSED  \] (\d+) test\(s\)\.", re.M)
CMOCKA_FAILED = re.compile(r"^\[  FAILED  \] (\d+) test\(s\)", re.M)
RUNNER = re.compile(r"^(\d+) passed, (\d+) failed\s*$", re.M)
TRS = re.compile(r"^:test-result:\s*(\S+)", re.M)


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def count_log(log):
    """(passed, failed, note) for one test log."""
    text = read(log) or ""
    trs = read(log[:-4] + ".trs")
    result = None
    if trs is not None:
        m = TRS.findall(trs)
        result = m[-1] if m else None
    p_cm = [int(x) for x in CMOCKA_PASSED.findall(text)]
    f_cm = [int(x) for x in CMOCKA_FAILED.findall(text)]
    runner = RUNNER.findall(text)
    if p_cm or f_cm:
        passed, failed, kind = sum(p_cm), sum(f_cm), "cmocka"
    elif runner:
        passed, failed = (int(x) for x in runner[-1])
        kind = "runner"
    elif result is None:
        return 0, 1, "no result (no .trs)"
    elif result in ("PASS", "XFAIL"):
        return 1, 0, result
    elif result == "SKIP":
        return 0, 0, "SKIP"
    else:
        return 0, 1, result
    note = kind
    if result in ("FAIL", "ERROR", "XPASS") and failed == 0:
        failed += 1
        note += ", but the test %s (exit status / sanitizer)" % result
    return passed, failed, note


def summarize(name, bdir, build_failed):
    total_p = total_f = 0
    lines = []
    logs = []
    tdir = os.path.join(bdir, "tests")
    for root, _dirs, files in os.walk(tdir):
        for fn in files:
            if fn.endswith(".log") and fn != "test-suite.log":
                logs.append(os.path.join(root, fn))
    for log in sorted(logs):
        p, f, note = count_log(log)
        total_p += p
        total_f += f
        rel = os.path.relpath(log, bdir)[:-4]
        lines.append("  %-40s %4d passed %4d failed  (%s)"
                     % (rel, p, f, note))
    if build_failed:
        total_f += 1
        lines.append("  %-40s %4d passed %4d failed  (build or configure "
                     "failed)" % ("build", 0, 1))
    if not logs and not build_failed:
        lines.append("  (no test logs found under %s)" % tdir)
    print("%s: %d passed, %d failed" % (name, total_p, total_f))
    for line in lines:
        print(line)
    return total_p, total_f


def main(argv):
    failed_builds = set()
    builds = []
    args = argv[1:]
    while args:
        a = args.pop(0)
        if a == "--build-failed":
            failed_builds.add(args.pop(0))
        else:
            name, _, d = a.partition("=")
            builds.append((name, d or name))
    tp = tf = 0
    for name, d in builds:
        p, f = summarize(name, d, name in failed_builds)
        tp += p
        tf += f
    print("%d passed, %d failed" % (tp, tf))
    return 1 if tf else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
