#!/usr/bin/python3
"""perfstacks.py - inclusive time per function from a `perf record
--call-graph` file, and who calls a given function.

    bench/lib/perfstacks.py perf.data [--top 30] [--callers FUNC ...]

perf report's tree is hard to read for one question ("what share of the
samples is under draw_screen?"); this counts, for every symbol, the
samples whose stack contains it (once per sample), and for --callers the
symbol just above FUNC in those stacks.
"""

import argparse
import collections
import subprocess
import sys


def samples(path):
    r = subprocess.run(["perf", "script", "-i", path, "-F", "tid,ip,sym"],
                       capture_output=True, text=True, timeout=600)
    stack = []
    for line in r.stdout.splitlines():
        if not line.strip():
            if stack:
                yield stack
            stack = []
            continue
        if not line.startswith((" ", "\t")):
            if stack:
                yield stack
            stack = []
            continue
        parts = line.split(None, 1)
        sym = parts[1] if len(parts) > 1 else "?"
        sym = sym.split("+0x")[0].replace(" (inlined)", "").strip()
        stack.append(sym)
    if stack:
        yield stack


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--callers", nargs="*", default=[])
    a = ap.parse_args()
    incl = collections.Counter()
    callers = {f: collections.Counter() for f in a.callers}
    n = 0
    for st in samples(a.path):
        n += 1
        for s in set(st):
            incl[s] += 1
        for f in a.callers:
            for i, s in enumerate(st):
                if s == f:
                    callers[f][st[i + 1] if i + 1 < len(st) else "-"] += 1
                    break
    if not n:
        sys.exit("no samples with call graphs in %s" % a.path)
    print("%d samples; inclusive share per function:" % n)
    for s, c in incl.most_common(a.top):
        print("  %5.1f%%  %s" % (100.0 * c / n, s))
    for f, cnt in callers.items():
        print("callers of %s (%.1f%% of all samples):"
              % (f, 100.0 * sum(cnt.values()) / n))
        for s, c in cnt.most_common(10):
            print("  %5.1f%%  %s" % (100.0 * c / n, s))


if __name__ == "__main__":
    main()
