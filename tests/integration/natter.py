#!/usr/bin/python3
"""natter.py - drive `natter --headless` from integration tests.

    n = Natter(["account add alice alice@localhost", ...], args=["-a", "alice"])
    n.wait("connected", account="alice")
    n.cmd("/msg bob@localhost hi")
    ev = n.wait("message", dir="out", body="hi")
    n.quit()                      # closes stdin, expects exit status 0
    n.close()                     # kills if needed, checks stderr/stdout

The config lines go to a file (mode 0600) passed with -c; XDG_DATA_HOME,
XDG_CONFIG_HOME and HOME point into a private temporary directory (pass
`datadir` to share the data directory between two instances).  stdout must
be JSON objects, one per line, each with an "event" member: anything else is
recorded and fails the test at close(), as does any AddressSanitizer,
LeakSanitizer or UBSan report on stderr.

Match values in wait()/no_event(): plain values are compared for equality,
callables are predicates on the member's value (None when absent).  A
trailing underscore is dropped from a key, so `from_="x"` matches "from".
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SANITIZER_MARKERS = ("AddressSanitizer", "LeakSanitizer", "runtime error:")


def natter_binary():
    """$NATTER, else the in-tree ./natter, else build/natter."""
    env = os.environ.get("NATTER")
    if env:
        return os.path.abspath(env)
    top = os.path.normpath(os.path.join(HERE, "..", ".."))
    for cand in (os.path.join(top, "natter"),
                 os.path.join(top, "build", "natter")):
        if os.access(cand, os.X_OK):
            return cand
    return os.path.join(top, "natter")


class NatterError(AssertionError):
    pass


def _norm(match):
    return {(k[:-1] if k.endswith("_") else k): v for k, v in match.items()}


def event_matches(ev, event, match, where=None):
    if event is not None and ev.get("event") != event:
        return False
    for key, want in match.items():
        have = ev.get(key)
        if callable(want):
            try:
                if not want(have):
                    return False
            except Exception:           # a predicate choking = no match
                return False
        elif have != want:
            return False
    if where is not None and not where(ev):
        return False
    return True


class Natter:
    def __init__(self, config_lines=(), args=(), env=None, datadir=None,
                 binary=None, name="natter", start=True, config_path=None):
        self.name = name
        self.tmpdir = tempfile.mkdtemp(prefix="natter-it-")
        self.config_path = config_path or os.path.join(self.tmpdir,
                                                       "natterrc")
        self.datadir = datadir or os.path.join(self.tmpdir, "data")
        self.configdir = os.path.join(self.tmpdir, "config")
        self.homedir = os.path.join(self.tmpdir, "home")
        for d in (self.datadir, self.configdir, self.homedir):
            os.makedirs(d, mode=0o700, exist_ok=True)
        self.write_config(config_lines)
        self.binary = binary or natter_binary()
        self.args = list(args)
        self.extra_env = dict(env or {})
        self.stderr_path = os.path.join(self.tmpdir, "stderr.txt")
        self.proc = None
        self._events = []            # every event, in order
        self._consumed = set()       # indexes taken by wait()
        self.bad_lines = []          # stdout lines that are not JSON events
        self.raw_stdout = []         # every stdout line as text
        self._cond = threading.Condition()
        self._eof = False
        self._closed = False
        self.exit_status = None
        if start:
            self.start()

    # ---- process --------------------------------------------------------

    def write_config(self, lines):
        fd = os.open(self.config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                     0o600)
        with os.fdopen(fd, "w") as f:
            for line in lines:
                f.write(line + "\n")
        os.chmod(self.config_path, 0o600)

    def start(self):
        if not os.access(self.binary, os.X_OK):
            raise NatterError("natter binary not found or not executable: "
                              "%s (set $NATTER)" % self.binary)
        env = dict(os.environ)
        env.update(XDG_DATA_HOME=self.datadir, XDG_CONFIG_HOME=self.configdir,
                   HOME=self.homedir, LC_ALL=env.get("LC_ALL", "C.UTF-8"))
        env.update(self.extra_env)
        # env={"NAME": None} removes NAME from natter's environment
        env = {k: v for k, v in env.items() if v is not None}
        self.argv = [self.binary, "--headless", "-c", self.config_path,
                     *self.args]
        self._stderr = open(self.stderr_path, "wb")
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=self._stderr, env=env,
                                     cwd=self.tmpdir)
        self.pid = self.proc.pid
        self._reader = threading.Thread(target=self._read_stdout,
                                        daemon=True,
                                        name="natter-stdout-%d" % self.pid)
        self._reader.start()
        return self

    def _read_stdout(self):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._cond:
                self.raw_stdout.append(line)
                try:
                    ev = json.loads(line)
                    if not isinstance(ev, dict) or \
                            not isinstance(ev.get("event"), str):
                        raise ValueError("no \"event\" member")
                except ValueError as e:
                    self.bad_lines.append("%r (%s)" % (line, e))
                else:
                    ev["_t"] = time.monotonic()
                    self._events.append(ev)
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def cmd(self, line):
        """Send one command line to natter's stdin."""
        if not self.alive():
            raise NatterError("cannot send %r: natter is not running (exit "
                              "status %s)\n%s" % (line, self.proc.poll(),
                                                  self.diagnostics()))
        try:
            self.proc.stdin.write((line + "\n").encode("utf-8"))
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise NatterError("natter closed its stdin while sending %r\n%s"
                              % (line, self.diagnostics()))

    def quit(self, timeout=10.0):
        """Close stdin (end of file = quit) and expect exit status 0."""
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            status = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise NatterError("natter did not exit within %.0f s of end of "
                              "stdin\n%s" % (timeout, self.diagnostics()))
        self.exit_status = status
        self._reader.join(5)
        if status != 0:
            raise NatterError("natter exited with status %d after end of "
                              "stdin (expected 0)\n%s"
                              % (status, self.diagnostics()))
        return status

    def close(self):
        """Stop natter if still running, then fail if anything bad was seen:
        sanitizer reports on stderr, non-JSON lines on stdout."""
        if self._closed:
            return
        self._closed = True
        if self.proc is not None:
            if self.proc.poll() is None:
                try:
                    self.proc.stdin.close()
                except (BrokenPipeError, OSError):
                    pass
                try:
                    self.proc.wait(3)
                except subprocess.TimeoutExpired:
                    self.proc.send_signal(signal.SIGTERM)
                    try:
                        self.proc.wait(3)
                    except subprocess.TimeoutExpired:
                        self.proc.kill()
                        self.proc.wait()
            self._reader.join(5)
            self._stderr.close()
        problems = []
        err = self.stderr_text()
        for marker in SANITIZER_MARKERS:
            if marker in err:
                problems.append("sanitizer report (%r) on natter's stderr"
                                % marker)
                break
        if self.bad_lines:
            problems.append("natter printed %d non-JSON line(s) on stdout:\n  "
                            % len(self.bad_lines)
                            + "\n  ".join(self.bad_lines[:10]))
        if problems:
            msg = "\n".join(problems) + "\n" + self.diagnostics(stderr_lines=80)
            self._cleanup_dir()
            raise NatterError(msg)
        self._cleanup_dir()

    def _cleanup_dir(self):
        if os.environ.get("NATTER_TEST_KEEP"):
            return
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # ---- events ---------------------------------------------------------

    def events(self, event=None, since=0, **match):
        """All events so far (consumed or not), optionally filtered."""
        match = _norm(match)
        with self._cond:
            return [ev for ev in self._events[since:]
                    if event_matches(ev, event, match)]

    def mark(self):
        """A position in the event stream, for wait(..., since=mark)."""
        with self._cond:
            return len(self._events)

    def _find(self, event, match, where, since):
        for i in range(since, len(self._events)):
            if i not in self._consumed and \
                    event_matches(self._events[i], event, match, where):
                return i
        return None

    def wait(self, event, timeout=10.0, since=0, where=None, fail_on=(),
             **match):
        """Return (and consume) the first unconsumed event named `event`
        whose members match.  Raises NatterError on timeout, if natter
        exits first, or as soon as an unconsumed event named in `fail_on`
        is there (for the same account, if `account` is a match key),
        e.g. wait("connected", account="a", fail_on=["disconnected"])."""
        match = _norm(match)
        deadline = time.monotonic() + timeout
        acct = match.get("account")
        with self._cond:
            while True:
                i = self._find(event, match, where, since)
                if i is not None:
                    self._consumed.add(i)
                    return self._events[i]
                bad = [ev for j, ev in enumerate(self._events)
                       if j >= since and j not in self._consumed and
                       ev.get("event") in fail_on and
                       (acct is None or ev.get("account") == acct)]
                left = deadline - time.monotonic()
                if bad:
                    why = "got %s instead" % _show(bad[0])
                elif self._eof:
                    why = "natter exited (status %s)" % self.proc.poll()
                elif left <= 0:
                    why = "timed out after %.1f s" % timeout
                else:
                    self._cond.wait(min(left, 0.5))
                    continue
                break
        raise NatterError("waiting for %r event matching %s%s: %s\n%s"
                          % (event, _describe(match),
                             " and a predicate" if where else "", why,
                             self.diagnostics()))

    def no_event(self, event, within=2.0, since=0, where=None, **match):
        """Assert no (unconsumed) matching event is or becomes available
        within `within` seconds."""
        match = _norm(match)
        deadline = time.monotonic() + within
        with self._cond:
            while True:
                i = self._find(event, match, where, since)
                if i is not None:
                    raise NatterError("unexpected %r event: %s\n%s"
                                      % (event, _show(self._events[i]),
                                         self.diagnostics()))
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    return
                self._cond.wait(left)

    def connected(self, account, timeout=15.0, since=0):
        """Wait for `account` to connect; fail at once on 'disconnected'."""
        return self.wait("connected", timeout=timeout, since=since,
                         account=account, fail_on=["disconnected"])

    def refused(self, account, timeout=15.0, since=0, **match):
        """Wait for `account`'s 'disconnected' event; fail at once if it
        connects instead."""
        return self.wait("disconnected", timeout=timeout, since=since,
                         account=account, fail_on=["connected"], **match)

    def ping(self, timeout=3.0):
        """Check that natter still answers: /help must give an info event."""
        m = self.mark()
        self.cmd("/help")
        return self.wait("info", timeout=timeout, since=m)

    # ---- diagnostics ----------------------------------------------------

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stdout_text(self):
        with self._cond:
            return "\n".join(self.raw_stdout)

    def diagnostics(self, events=30, stderr_lines=25):
        with self._cond:
            evs = self._events[-events:]
            bad = list(self.bad_lines[-5:])
        out = ["--- %s: last %d events (of %d) ---"
               % (self.name, len(evs), len(self._events))]
        out += ["  " + _show(e) for e in evs] or ["  (none)"]
        if bad:
            out.append("--- non-JSON stdout lines ---")
            out += ["  " + b for b in bad]
        err = self.stderr_text().splitlines()[-stderr_lines:]
        if err:
            out.append("--- %s: stderr tail ---" % self.name)
            out += ["  " + line for line in err]
        return "\n".join(out)


def _show(ev):
    return json.dumps({k: v for k, v in ev.items() if k != "_t"},
                      ensure_ascii=False)


def _describe(match):
    return "{%s}" % ", ".join(
        "%s=%s" % (k, "<predicate>" if callable(v) else repr(v))
        for k, v in match.items())
