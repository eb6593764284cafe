#!/usr/bin/python3
"""tui.py - drive natter's terminal interface in a private tmux server.

    t = Tui(ctx, ctx.account_lines("alice", ajid, apw), args=["-a", "alice"])
    t.wait_for("[alice: online]")
    t.keys("M-2")                       # tmux key names (send-keys)
    t.literal("hello"); t.keys("Enter") # text as is (send-keys -l)
    t.paste("one\\ntwo")                 # paste-buffer -p (bracketed paste)
    rows = t.rows()                     # the screen, one string per row
    t.resize(80, 24)
    t.quit()                            # /quit, expects exit status 0

Every Tui gets its own tmux server (`tmux -L natter-ui-<random> -f
/dev/null`) holding one detached session of a fixed size; no client is ever
attached.  natter runs in it under a small sh wrapper that records its exit
status in a file, with TERM=xterm-256color, XDG_DATA_HOME/XDG_CONFIG_HOME/
HOME in a private directory, NATTER_SRCDIR set to the source tree (for the
themes) and its stderr in a file.  close() (run by the test runner after
each test) kills the tmux server and fails the test when natter's stderr
holds a sanitizer report.

A Tui registers itself in ctx.natters, so tests/integration/run.py's
runner closes it after the test and shows its stderr tail on failure.
Every wait polls every 50 ms and has a timeout (default 10 s, for slow
sanitizer builds); on timeout it raises TuiTimeout showing the last screen.
"""

import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
# the start of the status bar: an optional clock, then the accounts
STATUS = r"^ ?(?:\[\d\d:\d\d\] )?"
SANITIZER_MARKERS = ("AddressSanitizer", "LeakSanitizer", "runtime error:")
POLL = 0.05
TIMEOUT = float(os.environ.get("NATTER_UI_TIMEOUT", "10"))


class TuiError(AssertionError):
    pass


class TuiTimeout(TuiError):
    pass


def tmux_path():
    return shutil.which("tmux")


def _libc_wcwidth():
    try:
        import ctypes
        import ctypes.util
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.setlocale.restype = ctypes.c_char_p
        # wcwidth() depends on LC_CTYPE; set it for this process only
        if not libc.setlocale(0, b"C.UTF-8"):       # LC_CTYPE is 0
            return None
        libc.wcwidth.argtypes = [ctypes.c_wchar]
        return libc.wcwidth
    except (OSError, AttributeError):
        return None


_wcwidth = _libc_wcwidth()


def char_width(ch):
    """Display columns of one character as the C library's wcwidth()
    counts them (what ncurses and tmux use): controls count 0 here."""
    if _wcwidth is not None:
        return max(0, _wcwidth(ch))
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me",
                                                                 "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(s):
    return sum(char_width(c) for c in s)


def cols_slice(row, start, end=None):
    """The part of a captured row between display columns start and end."""
    out, col = [], 0
    for ch in row:
        w = char_width(ch)
        if col >= start and (end is None or col + w <= end):
            out.append(ch)
        col += w
    return "".join(out)


def col_of(row, sub):
    """The display column where sub starts in row (a captured screen row),
    or -1."""
    i = row.find(sub)
    return -1 if i < 0 else text_width(row[:i])


class Tui:
    def __init__(self, ctx, config_lines=(), args=(), width=120, height=35,
                 env=None, binary=None, name=None, timeout=TIMEOUT):
        from natter import natter_binary       # tests/integration/natter.py
        self.ctx = ctx
        self.timeout = timeout
        self.width, self.height = width, height
        self.tmpdir = tempfile.mkdtemp(prefix="natter-ui-")
        self.socket = "natter-ui-" + secrets.token_hex(6)
        self.binary = binary or natter_binary()
        self.name = name or "tui#%d" % (len(ctx.natters) + 1 if ctx else 1)
        self.config_path = os.path.join(self.tmpdir, "natterrc")
        self.stderr_path = os.path.join(self.tmpdir, "stderr.txt")
        self.status_path = os.path.join(self.tmpdir, "status")
        self.exit_status = None
        self._closed = False
        for d in ("data", "config", "home"):
            os.makedirs(os.path.join(self.tmpdir, d), mode=0o700)
        fd = os.open(self.config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                     0o600)
        with os.fdopen(fd, "w") as f:
            for line in config_lines:
                f.write(line + "\n")
        os.chmod(self.config_path, 0o600)
        self.argv = [self.binary, "-c", self.config_path, *args]
        envs = {"TERM": "xterm-256color",
                "XDG_DATA_HOME": os.path.join(self.tmpdir, "data"),
                "XDG_CONFIG_HOME": os.path.join(self.tmpdir, "config"),
                "HOME": os.path.join(self.tmpdir, "home"),
                "NATTER_SRCDIR": os.environ.get("NATTER_SRCDIR", TOP),
                "LC_ALL": "C.UTF-8",
                "COLORTERM": ""}
        envs.update(env or {})
        unset = [k for k, v in envs.items() if v is None]
        wrapper = os.path.join(self.tmpdir, "run.sh")
        with open(wrapper, "w") as f:
            f.write("#!/bin/sh\n")
            if unset:
                f.write("unset %s\n" % " ".join(unset))
            for k, v in envs.items():
                if v is not None:
                    f.write("%s=%s; export %s\n" % (k, shlex.quote(v), k))
            # outlive natter (Ctrl-C, hang-up) to record how it ended;
            # a trapped signal is back to its default in natter
            f.write("trap : INT HUP TERM QUIT\n")
            f.write("cd %s || exit 99\n" % shlex.quote(self.tmpdir))
            f.write("%s 2>%s\n" % (" ".join(shlex.quote(a) for a in self.argv),
                                   shlex.quote(self.stderr_path)))
            f.write("echo $? > %s.tmp && mv %s.tmp %s\n"
                    % ((shlex.quote(self.status_path),) * 3))
        os.chmod(wrapper, 0o700)
        if ctx is not None:
            ctx.natters.append(self)       # the runner closes us
        self._env = {k: v for k, v in os.environ.items()
                     if k not in ("TMUX", "TMUX_PANE")}
        # remain-on-exit: the screen natter leaves behind can be read
        self.tmux("start-server", ";", "set-option", "-g", "remain-on-exit",
                  "on", ";", "new-session", "-d", "-s", "natter", "-x", str(width),
                  "-y", str(height), "/bin/sh " + shlex.quote(wrapper))
        self.target = "natter:0.0"

    # ---- tmux -----------------------------------------------------------

    def tmux(self, *args, check=True):
        r = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null",
                            *args], capture_output=True, env=self._env,
                           timeout=10)
        if check and r.returncode != 0:
            raise TuiError("tmux %s failed (%d): %s%s"
                           % (" ".join(args), r.returncode,
                              r.stderr.decode("utf-8", "replace"),
                              self._exit_note()))
        return r.stdout.decode("utf-8", "replace")

    def keys(self, *keys):
        """tmux key names: "Enter", "M-2", "PPage", "Tab", "C-a", ..."""
        self.tmux("send-keys", "-t", self.target, *keys)

    def literal(self, text):
        """Type text as is (send-keys -l)."""
        self.tmux("send-keys", "-t", self.target, "-l", "--", text)

    def type_line(self, text):
        self.literal(text)
        self.keys("Enter")

    def paste(self, text):
        """Paste text like a terminal does: newlines become CR, wrapped in
        bracketed-paste markers when natter asked for them."""
        buf = "natter-ui-paste"
        self.tmux("set-buffer", "-b", buf, "--", text)
        self.tmux("paste-buffer", "-p", "-d", "-b", buf, "-t", self.target)

    def _settled(self, *args):
        """capture-pane until two captures in a row agree (at most five):
        one redraw of a large screen is several writes to the terminal,
        and a capture between two of them shows half a frame."""
        last = self.tmux("capture-pane", "-p", *args, "-t", self.target)
        for _ in range(4):
            now = self.tmux("capture-pane", "-p", *args, "-t", self.target)
            if now == last:
                break
            last = now
        return last

    def screen(self):
        """The visible screen as text (trailing spaces trimmed)."""
        return self._settled()

    def screen_ansi(self):
        """The visible screen with colours and attributes as SGR escapes."""
        return self._settled("-e")

    def rows(self):
        """The screen as exactly `height` rows."""
        rows = self.screen().split("\n")
        if rows and rows[-1] == "":
            rows.pop()
        rows += [""] * (self.height - len(rows))
        return rows[:self.height]

    def status_row(self):
        return self.rows()[-2]

    def input_row(self):
        return self.rows()[-1]

    ROSTER_WIDTH = 26          # the roster_width setting's default

    def sep_col(self):
        """The column of the roster pane's separator (None: no pane)."""
        if self.width < self.ROSTER_WIDTH + 30:
            return None
        return self.width - self.ROSTER_WIDTH - 1

    def main_area(self, rows=None):
        """The main window's rows (left of the roster pane), right-trimmed."""
        rows = self.rows() if rows is None else rows
        sep = self.sep_col()
        return [cols_slice(r, 0, sep).rstrip() for r in rows[1:-2]]

    def pane_area(self, rows=None):
        """The roster pane's rows (right of the separator)."""
        rows = self.rows() if rows is None else rows
        sep = self.sep_col()
        if sep is None:
            return []
        return [cols_slice(r, sep + 1).rstrip() for r in rows[1:-2]]

    def main_text(self):
        return "\n".join(self.main_area())

    def fmt(self, name):
        """A tmux format of the pane, e.g. "pane_title", "cursor_x"."""
        return self.tmux("display-message", "-p", "-t", self.target,
                         "#{%s}" % name).rstrip("\n")

    def cursor(self):
        return int(self.fmt("cursor_x")), int(self.fmt("cursor_y"))

    def resize(self, width, height):
        self.tmux("resize-window", "-t", "natter:0", "-x", str(width),
                  "-y", str(height))
        self.width, self.height = width, height

    # ---- waiting --------------------------------------------------------

    def wait_for(self, what, timeout=None, desc=None, ansi=False):
        """Poll the screen until `what` holds: a string that appears on
        it, or a predicate on the screen text (on the Tui's screen_ansi()
        with ansi=True).  Returns the screen (or the predicate's true
        value).  Raises TuiTimeout with the last screen."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        if isinstance(what, str):
            text = what
            desc = desc or "%r on the screen" % text

            def what(s):
                return s if text in s else None
        desc = desc or getattr(what, "__name__", "condition")
        while True:
            s = self.screen_ansi() if ansi else self.screen()
            got = what(s)
            if got:
                return got
            if self.exited():
                raise TuiError("natter exited while waiting for %s%s\n%s"
                               % (desc, self._exit_note(), self.show(s)))
            if time.monotonic() > deadline:
                raise TuiTimeout("waited %.1f s for %s; the screen:\n%s%s"
                                 % (timeout, desc, self.show(s),
                                    self._stderr_note()))
            time.sleep(POLL)

    def wait_gone(self, text, timeout=None):
        return self.wait_for(lambda s: s if text not in s else None,
                             timeout, desc="%r to leave the screen" % text)

    def wait_row(self, index, pred, timeout=None, desc=None):
        """Wait until pred(row) holds for screen row `index` (negative
        counts from the bottom)."""
        def check(_s):
            r = self.rows()[index]
            return r if pred(r) else None
        return self.wait_for(check, timeout, desc or "row %d" % index)

    def stable(self, within=0.3):
        """Wait until the screen has not changed for `within` seconds."""
        deadline = time.monotonic() + self.timeout
        last, since = self.screen(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(POLL)
            s = self.screen()
            if s != last:
                last, since = s, time.monotonic()
            elif time.monotonic() - since >= within:
                return s
        raise TuiTimeout("the screen never settled:\n" + self.show(last))

    def show(self, s=None):
        s = self.screen() if s is None else s
        rows = s.split("\n")
        return "  +" + "-" * self.width + "+\n" + "\n".join(
            "  |" + r + " " * max(0, self.width - text_width(r)) + "|"
            for r in rows[:self.height]) + "\n  +" + "-" * self.width + "+"

    # ---- the process ----------------------------------------------------

    def exited(self):
        if self.exit_status is None and os.path.exists(self.status_path):
            try:
                with open(self.status_path) as f:
                    self.exit_status = int(f.read().strip() or "-1")
            except (OSError, ValueError):
                return False
        return self.exit_status is not None

    def _exit_note(self):
        if self.exited():
            return "\n(natter exited with status %d)%s" \
                % (self.exit_status, self._stderr_note())
        return ""

    def _stderr_note(self):
        tail = self.stderr_text().splitlines()[-15:]
        return ("\n--- %s stderr tail ---\n  %s" % (self.name, "\n  ".join(tail))
                if tail else "")

    def quit(self, timeout=10.0):
        """Type /quit and expect natter to exit with status 0."""
        self.keys("C-a", "C-k")
        self.type_line("/quit")
        deadline = time.monotonic() + timeout
        while not self.exited():
            if time.monotonic() > deadline:
                raise TuiError("natter did not exit within %.0f s of /quit\n%s"
                               % (timeout, self.show()))
            time.sleep(POLL)
        if self.exit_status != 0:
            err = self.stderr_text()
            if any(m in err for m in SANITIZER_MARKERS):
                # close() shows the whole report
                raise TuiError("natter exited with status %d after /quit: "
                               "a sanitizer report" % self.exit_status)
            raise TuiError("natter exited with status %d after /quit "
                           "(expected 0)%s" % (self.exit_status,
                                               self._stderr_note()))
        return self.exit_status

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def close(self):
        """Kill the tmux server (natter gets SIGHUP), then fail on sanitizer
        reports in natter's stderr."""
        if self._closed:
            return
        self._closed = True
        pid = None if self.exited() else self.natter_pid()
        self.tmux("kill-server", check=False)
        if pid is not None:
            # the pane's hang-up sends natter SIGHUP; give it 5 s to go
            deadline = time.monotonic() + 5
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(POLL)
            if _alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        err = self.stderr_text()
        problems = [m for m in SANITIZER_MARKERS if m in err]
        keep = os.environ.get("NATTER_TEST_KEEP")
        if problems:
            msg = ("sanitizer report (%s) on %s's stderr:\n  %s"
                   % (problems[0], self.name,
                      "\n  ".join(err.splitlines()[-60:])))
            if not keep:
                shutil.rmtree(self.tmpdir, ignore_errors=True)
            raise TuiError(msg)
        if not keep:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def fmt_pid(self):
        try:
            return int(self.tmux("list-panes", "-t", "natter", "-F",
                                 "#{pane_pid}", check=False).split()[0])
        except (IndexError, ValueError):
            return None

    def natter_pid(self):
        """natter's pid: the child of the wrapper shell in the pane."""
        pid = self.fmt_pid()
        kids = _children(pid) if pid else []
        return kids[0] if kids else None


def _alive(pid):
    """True while pid runs (a zombie counts as gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


# ---- helpers shared by the tests ------------------------------------------

def set_roster_item(ctx, jid, password, item, name=None, groups=()):
    """Give `item` a name and groups in jid's roster (a short slixmpp
    session as jid)."""
    from peer import Peer
    p = Peer(jid, password, ctx.server, resource="setup").connect()
    try:
        p.roster_set(item, name=name, groups=groups)
    finally:
        p.disconnect()


def alice_and_bob(ctx, friends=True, bob_status=None, width=120, height=35,
                  extra=(), env=None, bob_online=True, bob_name="Bob",
                  groups=()):
    """Fresh accounts alice (natter in tmux) and bob (a slixmpp peer,
    online with bob_status); friends: mutual subscription, and bob is
    named bob_name in alice's roster.  Waits until natter shows alice
    online.  Returns (tui, ajid, bob_peer, bjid)."""
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    if friends:
        ctx.befriend(ajid, apw, bjid, bpw)
        if bob_name or groups:
            set_roster_item(ctx, ajid, apw, bjid, bob_name, groups)
    bob = ctx.peer(bjid, bpw, status=bob_status) if bob_online else None
    t = Tui(ctx, ctx.account_lines("alice", ajid, apw, extra=extra),
            args=["-a", "alice"], width=width, height=height, env=env)
    t.wait_for(lambda s: "[alice: online]" in s, desc="alice online in the "
               "status bar")
    return t, ajid, bob, bjid


def status_windows(row):
    """The windows in a status bar row: {number: (name, unread)}, unread
    being the "(N)" count or 0."""
    wins = {}
    for tok in row.split():
        m = re.match(r"^(\d+):(.+?)(?:\((\d+)\))?$", tok)
        if m and not tok.startswith("["):
            wins[int(m.group(1))] = (m.group(2), int(m.group(3) or 0))
    return wins


def title(t):
    return t.rows()[0].strip()
