#!/usr/bin/python3
"""run.py - natter's integration test runner.

    tests/integration/run.py [SUBSTRING...]

Starts one private Prosody (scripts/lib/localserver.py) for the whole run,
imports every test_*.py beside this file (in name order) and runs each
function named test_* (in file order) with a fresh `ctx` (see Context).
Prints PASS/FAIL per test (with the traceback and natter's stderr tail on
failure), and ends with the line "N passed, N failed"; exit status 1 if any
test failed.  With arguments, only tests whose "file::name" contains one of
them run.  The binary is $NATTER (default: ./natter at the top of the tree).
Each test has TEST_TIMEOUT seconds (env NATTER_TEST_TIMEOUT, default 60).
"""

import importlib.util
import os
import secrets
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "scripts", "lib"))
sys.path.insert(0, HERE)

from localserver import LocalServer   # noqa: E402
from peer import Peer                 # noqa: E402
from natter import Natter, natter_binary   # noqa: E402

TEST_TIMEOUT = float(os.environ.get("NATTER_TEST_TIMEOUT", "60"))


class Context:
    """What a test function gets.

    ctx.server                  the shared LocalServer
    ctx.new_account(prefix)     -> (jid, password), a fresh account
    ctx.account_lines(name, jid, password, ...) -> natter config lines
    ctx.natter(lines, args=..., datadir=...)    -> Natter, closed after test
    ctx.peer(jid, password, connect=True)       -> slixmpp Peer, closed after
    ctx.befriend(jid1, pw1, jid2, pw2)          mutual subscription 'both'
    ctx.mkdtemp()               a directory removed after the test
    ctx.defer(fn)               run fn() after the test (LIFO)
    ctx.log(text)               printed only if the test fails
    """

    counter = 0

    def __init__(self, server, name):
        self.server = server
        self.name = name
        self.natters = []
        self.peers = []
        self._cleanups = []
        self._log = []

    def new_account(self, prefix="user"):
        Context.counter += 1
        user = "%s%d-%s" % (prefix, Context.counter, secrets.token_hex(3))
        password = self.server.register(user)
        return self.server.jid(user), password

    def account_lines(self, name, jid, password, ca_file=True, port=None,
                      server="127.0.0.1", resource="natter", extra=()):
        """Config lines for one account.  ca_file=True means the suite's CA,
        None/False means no ca_file line, a string is used as the path."""
        lines = ["account add %s %s" % (name, jid),
                 "account set %s password %s" % (name, password),
                 "account set %s server %s" % (name, server),
                 "account set %s port %d" % (name, port or self.server.port)]
        if ca_file is True:
            lines.append("account set %s ca_file %s"
                         % (name, self.server.ca_file))
        elif ca_file:
            lines.append("account set %s ca_file %s" % (name, ca_file))
        if resource:
            lines.append("account set %s resource %s" % (name, resource))
        lines += list(extra)
        return lines

    def natter(self, config_lines=(), args=(), **kw):
        n = Natter(config_lines, args=args,
                   name="natter#%d" % (len(self.natters) + 1), **kw)
        self.natters.append(n)
        return n

    def peer(self, jid, password, connect=True, **kw):
        p = Peer(jid, password, self.server, **kw)
        self.peers.append(p)
        if connect:
            p.connect()
        return p

    def befriend(self, jid1, pw1, jid2, pw2):
        """Make jid1 and jid2 subscribed to each other ('both'), using two
        temporary slixmpp sessions that are closed again afterwards."""
        a = Peer(jid1, pw1, self.server, resource="setup").connect()
        b = Peer(jid2, pw2, self.server, resource="setup").connect()
        try:
            for x, y in ((a, b), (b, a)):
                x.subscribe(y.bare)
                y.wait_subscription(bare=x.bare, type="subscribe")
                y.approve(x.bare)
                x.wait_subscription(bare=y.bare, type="subscribed")
            for x, y in ((a, b), (b, a)):
                deadline = time.monotonic() + 5
                while x.roster().get(y.bare, {}).get("subscription") != "both":
                    if time.monotonic() > deadline:
                        raise AssertionError("befriend: %s's roster item for "
                                             "%s never became 'both'"
                                             % (x.bare, y.bare))
                    time.sleep(0.05)
        finally:
            a.disconnect()
            b.disconnect()

    def mkdtemp(self):
        import shutil
        d = tempfile.mkdtemp(prefix="natter-it-")
        self.defer(lambda: shutil.rmtree(d, ignore_errors=True))
        return d

    def defer(self, fn):
        self._cleanups.append(fn)

    def log(self, text):
        self._log.append(text)

    def cleanup(self):
        """Run deferred functions, disconnect peers, close natters; returns
        the list of errors (a natter sanitizer report is one)."""
        errors = []
        for fn in reversed(self._cleanups):
            try:
                fn()
            except Exception as e:          # noqa: BLE001
                errors.append("cleanup: %r" % e)
        for p in self.peers:
            try:
                p.disconnect(timeout=3)
            except Exception:               # noqa: BLE001
                pass
        for n in self.natters:
            try:
                n.close()
            except AssertionError as e:
                errors.append(str(e))
        return errors


def discover(filters):
    tests = []
    for fname in sorted(os.listdir(HERE)):
        if not (fname.startswith("test_") and fname.endswith(".py")):
            continue
        path = os.path.join(HERE, fname)
        modname = fname[:-3]
        spec = importlib.util.spec_from_file_location(modname, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[modname] = mod
        spec.loader.exec_module(mod)
        funcs = [f for n, f in vars(mod).items()
                 if n.startswith("test_") and callable(f)
                 and getattr(f, "__module__", None) == modname]
        funcs.sort(key=lambda f: f.__code__.co_firstlineno)
        for f in funcs:
            full = "%s::%s" % (modname, f.__name__)
            if not filters or any(s in full for s in filters):
                tests.append((full, f))
    return tests


def run_one(server, full, func):
    """Run one test in a worker thread under a watchdog.
    Returns (ok, seconds, report text)."""
    ctx = Context(server, full)
    result = {}

    def worker():
        try:
            func(ctx)
            result["ok"] = True
        except BaseException:               # noqa: BLE001
            result["ok"] = False
            result["tb"] = traceback.format_exc()

    t0 = time.monotonic()
    th = threading.Thread(target=worker, daemon=True, name=full)
    th.start()
    th.join(TEST_TIMEOUT)
    if th.is_alive():
        result = {"ok": False,
                  "tb": "test did not finish within %.0f s (watchdog)\n"
                        % TEST_TIMEOUT}
    errors = ctx.cleanup()        # kills natters: unblocks a stuck worker
    if th.is_alive():
        th.join(5)
    ok = result.get("ok", False) and not errors
    report = []
    if not ok:
        if result.get("tb"):
            report.append(result["tb"].rstrip())
        report += errors
        shown = "\n".join(report)
        for n in ctx.natters:
            # NatterError messages already carry events and stderr tail
            tail = n.stderr_text().splitlines()[-30:]
            if tail and ("--- %s: stderr tail" % n.name) not in shown:
                report.append("--- %s stderr tail (%s) ---\n  %s"
                              % (n.name, n.argv[0] if hasattr(n, "argv")
                                 else "", "\n  ".join(tail)))
        if ctx._log:
            report.append("--- test log ---\n" + "\n".join(ctx._log))
    return ok, time.monotonic() - t0, "\n".join(report)


def main(argv):
    filters = argv[1:]
    binary = natter_binary()
    os.environ["NATTER"] = binary
    print("natter binary: %s" % binary, flush=True)
    if not os.access(binary, os.X_OK):
        print("FAIL setup: natter binary not found (build it or set $NATTER)")
        print("0 passed, 1 failed")
        return 1
    tests = discover(filters)
    t0 = time.monotonic()
    try:
        server = LocalServer()
        server.start()
    except Exception as e:                  # noqa: BLE001
        print("FAIL setup: could not start Prosody: %s" % e)
        print("0 passed, 1 failed")
        return 1
    print("prosody on %s:%d (direct TLS %s), up in %.2f s, dir %s"
          % (server.ip, server.port, server.direct_tls_port,
             server.start_seconds, server.tmpdir), flush=True)
    passed = failed = 0
    try:
        for full, func in tests:
            if not server.running():
                # a test stopped it (or it died): bring it back for the rest
                server.start()
            ok, secs, report = run_one(server, full, func)
            if ok:
                passed += 1
                print("PASS %s (%.1f s)" % (full, secs), flush=True)
            else:
                failed += 1
                print("FAIL %s (%.1f s)" % (full, secs))
                print("    " + report.replace("\n", "\n    "), flush=True)
    finally:
        if failed:
            print("--- prosody log tail ---")
            print(server.log_tail(20), end="")
        server.cleanup()
    print("integration run took %.1f s" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
