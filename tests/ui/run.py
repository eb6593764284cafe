#!/usr/bin/python3
"""run.py - natter's terminal-interface tests: natter in tmux (tui.py)
against the suite's private Prosody.

    tests/ui/run.py [SUBSTRING...]

The runner is tests/integration/run.py's (one Prosody for the run, the
test_*.py files beside this one, a fresh `ctx` per test, PASS/FAIL lines,
"N passed, N failed", exit status 1 on failure); only the directory the
tests are found in differs.  Exit status 77 (automake's SKIP) without tmux.
The binary is $NATTER (default ./natter); NATTER_UI_TIMEOUT sets the
per-wait timeout (10 s).
"""

import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))


def load_integration_runner():
    path = os.path.join(TOP, "tests", "integration", "run.py")
    spec = importlib.util.spec_from_file_location("natter_integration_run",
                                                  path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)      # also puts scripts/lib on sys.path
    return mod


def main(argv):
    sys.path.insert(0, HERE)
    import tui
    if tui.tmux_path() is None:
        print("SKIP: tmux is not installed")
        print("0 passed, 0 failed")
        return 77
    os.environ.setdefault("NATTER_SRCDIR", TOP)
    runner = load_integration_runner()
    runner.HERE = HERE                # discover() looks here for test_*.py
    return runner.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
