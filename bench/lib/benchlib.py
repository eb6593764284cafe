"""benchlib.py - shared pieces of natter's terminal benchmarks.

  - process counters from /proc (CPU of all threads, context switches of
    all threads, VmRSS/VmHWM);
  - Tmux: one client program in a private tmux server (`tmux -L NAME`),
    one detached session of a fixed size, read with capture-pane;
  - start-up set-ups for natter, Profanity and mcabber against a private
    Prosody (scripts/lib/localserver.py), each in its own temporary HOME
    and XDG directories so nothing of the user's is read or written;
  - small statistics and markdown helpers.

Run by Debian's /usr/bin/python3 (the benchmarks' shebang).
"""

import os
import re
import secrets
import shlex
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "scripts", "lib"))

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


class BenchError(RuntimeError):
    pass


def env_float(name, default):
    v = os.environ.get(name)
    return float(v) if v not in (None, "") else float(default)


def env_int(name, default):
    v = os.environ.get(name)
    return int(v) if v not in (None, "") else int(default)


def find_natter():
    env = os.environ.get("NATTER")
    if env:
        return os.path.abspath(env)
    for cand in (os.path.join(TOP, "natter"), os.path.join(TOP, "build",
                                                            "natter")):
        if os.access(cand, os.X_OK):
            return os.path.abspath(cand)
    raise BenchError("no natter binary (build it or set NATTER)")


def natter_version(binary):
    try:
        return subprocess.run([binary, "--version"], capture_output=True,
                              text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def tool_version(argv, pattern=None):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    out = (r.stdout + r.stderr).strip()
    if pattern:
        m = re.search(pattern, out)
        return m.group(0) if m else out.splitlines()[0] if out else None
    return out.splitlines()[0] if out else None


def deb_version(pkg):
    try:
        r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                           capture_output=True, text=True, timeout=5)
        return r.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


# ---- /proc counters -------------------------------------------------------

def cpu_ms(pid):
    """utime+stime of the whole process (all threads), in ms."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / CLK_TCK


def cpu_split_ms(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) * 1000.0 / CLK_TCK,
            int(fields[12]) * 1000.0 / CLK_TCK)


def ctx_switches(pid):
    """{tid: (voluntary, nonvoluntary)} for every thread."""
    out = {}
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return out
    for tid in tids:
        vol = nonvol = 0
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        vol = int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches:"):
                        nonvol = int(line.split()[1])
        except OSError:
            continue
        out[tid] = (vol, nonvol)
    return out


def cs_delta(a, b):
    vol = nonvol = 0
    for tid, (v1, n1) in b.items():
        v0, n0 = a.get(tid, (0, 0))
        vol += v1 - v0
        nonvol += n1 - n0
    return vol, nonvol


def mem_kb(pid):
    """{"VmRSS": kB, "VmHWM": kB, "Threads": n}."""
    vals = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "Threads"):
                vals[k] = int(v.split()[0])
    return vals


def smaps_kb(pid):
    """Resident kB by kind of mapping, from /proc/PID/smaps: "heap" (the
    main malloc arena), "anon" (other anonymous memory: thread malloc
    arenas, large malloc chunks, thread stacks), "libs" (file-backed:
    the executable and shared libraries), "stack", "other"."""
    out = {"heap": 0, "anon": 0, "libs": 0, "stack": 0, "other": 0}
    kind = "other"
    try:
        with open("/proc/%d/smaps" % pid) as f:
            for line in f:
                first = line.split(None, 1)[0]
                if "-" in first and not first.endswith(":"):
                    parts = line.split()
                    name = parts[5] if len(parts) > 5 else ""
                    if name == "[heap]":
                        kind = "heap"
                    elif name == "":
                        kind = "anon"
                    elif name.startswith("[stack"):
                        kind = "stack"
                    elif name.startswith("/"):
                        kind = "libs"
                    else:
                        kind = "other"
                elif first == "Rss:":
                    out[kind] += int(line.split()[1])
    except OSError:
        pass
    return out


def smaps_line(pid):
    s = smaps_kb(pid)
    return ", ".join("%s %s" % (k, mb(v)) for k, v in s.items() if v)


def mb(kb):
    return "%.1f MB" % (kb / 1024.0) if kb is not None else "-"


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def _socket_inodes(pid):
    out = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if link.startswith("socket:["):
                out.add(link[8:-1])
    except OSError:
        pass
    return out


def tcp_backlog(pid, server_port):
    """Bytes on their way to the client: the receive queues of its TCP
    connections to server_port plus the send queues of the server's ends
    of them (/proc/net/tcp).  Zero means the client has read everything
    the server has handed to the kernel."""
    inodes = _socket_inodes(pid)
    mine, total = set(), 0
    rows = []
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(path) as f:
                next(f)
                for line in f:
                    p = line.split()
                    rows.append(p)
        except OSError:
            continue
    for p in rows:
        if p[9] in inodes and int(p[2].split(":")[1], 16) == server_port:
            mine.add(int(p[1].split(":")[1], 16))
            total += int(p[4].split(":")[1], 16)            # rx_queue
    for p in rows:
        if int(p[1].split(":")[1], 16) == server_port and \
                int(p[2].split(":")[1], 16) in mine:
            total += int(p[4].split(":")[0], 16)            # tx_queue
    return total


def wait_cpu_quiet(pid, quiet=0.5, timeout=30.0, step=0.05, tol_ms=0.0,
                   server_port=None):
    """Wait until the process used at most tol_ms of CPU over the last
    `quiet` seconds (CPU time moves in 10 ms ticks; a small tolerance lets
    a client that wakes a few times a second when idle, like Profanity,
    count as settled).  With server_port, also wait until nothing is queued
    on the way from the server to the client (tcp_backlog): Profanity sits
    idle between input timeouts while data waits in its socket.  Returns
    (settled, seconds waited, seconds until the end of the last busy
    stretch)."""
    t0 = time.monotonic()
    hist = [(t0, cpu_ms(pid))]
    busy_until = t0
    while time.monotonic() - t0 < timeout:
        time.sleep(step)
        now = time.monotonic()
        c = cpu_ms(pid)
        hist.append((now, c))
        # the oldest sample still inside the window
        while len(hist) > 2 and hist[1][0] <= now - quiet:
            hist.pop(0)
        backlog = tcp_backlog(pid, server_port) if server_port else 0
        if c - hist[-2][1] > tol_ms or backlog:
            busy_until = now
        if hist[0][0] <= now - quiet + step and c - hist[0][1] <= tol_ms \
                and now - busy_until >= quiet:
            return True, now - t0, busy_until - t0
    return False, time.monotonic() - t0, busy_until - t0


# ---- tmux -----------------------------------------------------------------

TMUX_CONF = """\
set -g status off
set -g escape-time 0
set -g history-limit 100
set -g remain-on-exit on
"""


class Tmux:
    """One program in one detached session of a private tmux server.  The
    program runs under `sh -c 'exec ...'`, so the pane's pid is its pid."""

    def __init__(self, argv, env, cwd, width=200, height=50, name="bench"):
        self.width, self.height = width, height
        self.dir = cwd
        self.socket = "natter-bench-%s-%s" % (name, secrets.token_hex(4))
        self.conf = os.path.join(cwd, "tmux.conf")
        with open(self.conf, "w") as f:
            f.write(TMUX_CONF)
        self.stderr_path = os.path.join(cwd, "%s.stderr" % name)
        envs = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in env.items())
        # every client runs with OpenSSL's defaults, as on a stock Debian
        # system: this machine's SSL_CERT_FILE/SSL_CERT_DIR are removed
        cmd = "cd %s && exec env -u SSL_CERT_FILE -u SSL_CERT_DIR %s %s 2>%s" % (
            shlex.quote(cwd), envs, " ".join(shlex.quote(a) for a in argv),
            shlex.quote(self.stderr_path))
        self._env = {k: v for k, v in os.environ.items()
                     if k not in ("TMUX", "TMUX_PANE")}
        self.t_start = time.monotonic()
        self.wall_start = time.time()
        self.tmux("new-session", "-d", "-s", "b", "-x", str(width),
                  "-y", str(height), cmd)
        self.target = "b:0.0"
        self.pid = int(self.tmux("display-message", "-p", "-t", self.target,
                                 "#{pane_pid}").strip())
        self.server_pid = int(self.tmux("display-message", "-p",
                                        "#{pid}").strip())

    def tmux(self, *args, check=True):
        r = subprocess.run(["tmux", "-L", self.socket, "-f", self.conf,
                            *args], capture_output=True, env=self._env,
                           timeout=10)
        if check and r.returncode != 0:
            raise BenchError("tmux %s failed (%d): %s" % (
                " ".join(args), r.returncode,
                r.stderr.decode("utf-8", "replace")))
        return r.stdout.decode("utf-8", "replace")

    def keys(self, *keys):
        self.tmux("send-keys", "-t", self.target, *keys)

    def literal(self, text):
        self.tmux("send-keys", "-t", self.target, "-l", "--", text)

    def line(self, text):
        self.literal(text)
        self.keys("Enter")

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", self.target)

    def rows(self):
        rows = self.screen().split("\n")
        if rows and rows[-1] == "":
            rows.pop()
        rows += [""] * (self.height - len(rows))
        return rows[:self.height]

    def wait_for(self, pred, timeout, poll=0.01, desc=None):
        """Poll the screen every `poll` s until pred(screen) is true (a
        string: is in the screen).  Returns (monotonic time seen, screen);
        raises BenchError with the last screen on timeout."""
        if isinstance(pred, str):
            needle = pred
            pred = lambda s: needle in s            # noqa: E731
            desc = desc or repr(needle)
        deadline = time.monotonic() + timeout
        s = ""
        while True:
            s = self.screen()
            now = time.monotonic()
            if pred(s):
                return now, s
            if now > deadline:
                raise BenchError("timed out after %.0f s waiting for %s; "
                                 "screen:\n%s" % (timeout, desc or "screen",
                                                  s))
            if not alive(self.pid):
                raise BenchError("the client exited while waiting for %s; "
                                 "stderr: %s; screen:\n%s"
                                 % (desc, self.stderr_tail(), s))
            if poll:
                time.sleep(poll)

    def stderr_tail(self, n=600):
        try:
            with open(self.stderr_path, errors="replace") as f:
                return f.read()[-n:]
        except OSError:
            return ""

    def kill(self):
        if alive(self.pid):
            try:
                os.kill(self.pid, 15)
            except OSError:
                pass
            for _ in range(50):
                if not alive(self.pid):
                    break
                time.sleep(0.05)
            if alive(self.pid):
                try:
                    os.kill(self.pid, 9)
                except OSError:
                    pass
        self.tmux("kill-server", check=False)
        # tmux leaves the socket file of a killed server behind
        sock = os.path.join(os.environ.get("TMUX_TMPDIR") or "/tmp",
                            "tmux-%d" % os.getuid(), self.socket)
        try:
            os.unlink(sock)
        except OSError:
            pass


# ---- the clients ----------------------------------------------------------

def client_dirs(tmp, name):
    base = os.path.join(tmp, name)
    d = {"base": base, "home": os.path.join(base, "home")}
    d["config"] = os.path.join(d["home"], ".config")
    d["data"] = os.path.join(d["home"], ".local", "share")
    d["cache"] = os.path.join(d["home"], ".cache")
    d["state"] = os.path.join(d["home"], ".local", "state")
    for k in ("home", "config", "data", "cache", "state"):
        os.makedirs(d[k], mode=0o700, exist_ok=True)
    return d


def client_env(d, extra=None):
    env = {"HOME": d["home"], "XDG_CONFIG_HOME": d["config"],
           "XDG_DATA_HOME": d["data"], "XDG_CACHE_HOME": d["cache"],
           "XDG_STATE_HOME": d["state"], "TERM": "xterm-256color",
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "NATTER_SRCDIR": TOP}
    env.update(extra or {})
    return env


def write_private(path, text):
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def setup_natter(tmp, srv, user, extra_lines=(), pre_lines=()):
    """Config for natter logged in as user; returns (argv, env, dirs)."""
    d = client_dirs(tmp, "natter")
    rc = os.path.join(d["base"], "natterrc")
    lines = list(pre_lines) + [
        "account add %s %s@%s" % (user, user, srv.host),
        "account set %s password %s" % (user, srv.passwords[user]),
        "account set %s server %s" % (user, srv.ip),
        "account set %s port %d" % (user, srv.port),
        "account set %s ca_file %s" % (user, srv.ca_file),
    ] + list(extra_lines)
    write_private(rc, "\n".join(lines) + "\n")
    # BENCH_NATTER_ENV="K=V K=V": extra environment for natter only, for
    # experiments such as GLIBC_TUNABLES=glibc.malloc.arena_max=1
    extra = dict(kv.split("=", 1) for kv in
                 os.environ.get("BENCH_NATTER_ENV", "").split() if "=" in kv)
    return [find_natter(), "-c", rc, "-a", user], client_env(d, extra), d


def setup_profanity(tmp, srv, user):
    """Profanity 0.13.1 with one account and the private CA trusted.

    Its accounts live in $XDG_DATA_HOME/profanity/accounts and its settings
    in $XDG_CONFIG_HOME/profanity/profrc (GLib key files).  libstrophe's
    OpenSSL verifies against the default paths, which honour
    SSL_CERT_FILE: pointing that at the throwaway CA makes Profanity verify
    the server exactly like natter does (no `/tls allow`, no trust-all)."""
    d = client_dirs(tmp, "profanity")
    jid = "%s@%s" % (user, srv.host)
    write_private(os.path.join(d["data"], "profanity", "accounts"),
                  "[%s]\nenabled=true\njid=%s\nserver=%s\nport=%d\n"
                  "resource=profanity\npassword=%s\ntls.policy=force\n"
                  % (jid, jid, srv.ip, srv.port, srv.passwords[user]))
    # Only what a first start would ask about; everything else default.
    write_private(os.path.join(d["config"], "profanity", "profrc"),
                  "[ui]\nsplash=false\ntitlebar.show=false\n"
                  "[notifications]\nmessage=false\nroom=false\n"
                  "invite=false\nsub=false\n")
    env = client_env(d, {"SSL_CERT_FILE": srv.ca_file})
    return ["/usr/bin/profanity", "-a", jid], env, d


def setup_mcabber(tmp, srv, user):
    """mcabber 1.1.2 with a ~/.mcabber/mcabberrc for user, verifying the
    server against the private CA (ssl_ca), STARTTLS required (tls=1)."""
    d = client_dirs(tmp, "mcabber")
    mdir = os.path.join(d["home"], ".mcabber")
    os.makedirs(mdir, mode=0o700, exist_ok=True)
    write_private(os.path.join(mdir, "mcabberrc"),
                  "set jid = %s@%s\n"
                  "set password = %s\n"
                  "set server = %s\n"
                  "set port = %d\n"
                  "set resource = mcabber\n"
                  "set tls = 1\n"
                  "set ssl_ca = %s\n"
                  % (user, srv.host, srv.passwords[user], srv.ip, srv.port,
                     srv.ca_file))
    env = client_env(d)
    return ["/usr/bin/mcabber"], env, d


# ---- statistics and markdown ----------------------------------------------

def pct(values, p):
    """p-th percentile (nearest rank) of a non-empty list."""
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(round(p / 100.0 * len(v) + 0.5)) - 1))
    return v[k]


def summary_ms(values):
    """min / median / p95 / max of seconds, as ms strings."""
    if not values:
        return ("-",) * 4
    return tuple("%.1f" % (x * 1000) for x in (
        min(values), statistics.median(values), pct(values, 95),
        max(values)))


def fmt_s(x, digits=3):
    return "-" if x is None else ("%." + str(digits) + "f s") % x


def fmt_ms(x):
    return "-" if x is None else "%.0f ms" % x


def table(headers, rows, align=None):
    out = ["| " + " | ".join(headers) + " |",
           "|" + "|".join(a if a else "---" for a in
                          (align or ["---"] * len(headers))) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def machine_line():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%d CPUs (%s), %s" % (os.cpu_count() or 0, cpu,
                                 os.uname().release)


def cleanup_dir(path):
    if os.environ.get("BENCH_KEEP"):
        print("(kept %s)" % path, file=sys.stderr)
        return
    shutil.rmtree(path, ignore_errors=True)


# ---- per-client knowledge ---------------------------------------------------

class ClientKind:
    """How to start one kind of client and tell when it is ready."""

    def __init__(self, name, setup, ready, chat_title, version):
        self.name = name
        self.setup = setup            # (tmp, srv, user) -> argv, env, dirs
        self.ready = ready            # (screen, user) -> bool
        self.chat_title = chat_title  # (rows, jid) -> bool: chat focused
        self.version = version        # () -> str

    def start(self, tmp, srv, user, width=200, height=50, **kw):
        argv, env, d = self.setup(tmp, srv, user, **kw)
        t = Tmux(argv, env, d["base"], width, height, name=self.name)
        t.dirs = d
        return t

    def open_chat(self, t, jid, name=None, timeout=20):
        """`/msg JID`, then wait until the title bar names JID (or its
        roster name)."""
        t.line("/msg %s" % jid)
        return t.wait_for(lambda s: any(self.chat_title(s.split("\n"), n)
                                        for n in (jid, name) if n),
                          timeout, poll=0.02,
                          desc="the chat with %s focused" % jid)


def _natter_setup(tmp, srv, user, **kw):
    return setup_natter(tmp, srv, user, **kw)


NATTER = ClientKind(
    "natter", _natter_setup,
    lambda s, user: "[%s: online]" % user in s,
    lambda rows, jid: rows[0].startswith(" " + jid),
    lambda: natter_version(find_natter()))

PROFANITY = ClientKind(
    "profanity", lambda tmp, srv, user, **kw: setup_profanity(tmp, srv, user),
    lambda s, user: "logged in successfully" in s,
    lambda rows, jid: rows[0].startswith(" " + jid),
    lambda: "Profanity " + (deb_version("profanity") or "?"))

MCABBER = ClientKind(
    "mcabber", lambda tmp, srv, user, **kw: setup_mcabber(tmp, srv, user),
    lambda s, user: "Your status has been set" in s,
    lambda rows, jid: False,
    lambda: "mcabber " + (deb_version("mcabber") or "?"))

KINDS = {"natter": NATTER, "profanity": PROFANITY, "mcabber": MCABBER}


def kinds_from_env(var, default):
    names = os.environ.get(var, default).replace(",", " ").split()
    out = []
    for n in names:
        if n not in KINDS:
            raise BenchError("%s: unknown client %r (known: %s)"
                             % (var, n, " ".join(KINDS)))
        if n != "natter" and not shutil.which(n):
            print("(%s not installed: bench/deps installs it; skipped)" % n,
                  file=sys.stderr)
            continue
        out.append(KINDS[n])
    return out


def build_trimprobe(outdir):
    """Compile bench/lib/trimprobe.c into outdir; returns the .so path."""
    so = os.path.join(outdir, "trimprobe.so")
    r = subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", so,
                        os.path.join(HERE, "trimprobe.c"), "-lpthread"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise BenchError("cannot build trimprobe.so: %s" % r.stderr)
    return so


# ---- perf -------------------------------------------------------------------

class Perf:
    """`perf record` attached to one process for a window; report() gives
    the flat profile (self time per symbol).  callgraph=True records DWARF
    call graphs (natter is built -O2 without frame pointers)."""

    def __init__(self, pid, path, callgraph=False, freq=2000, settle=0.3):
        self.path = path
        self.proc = None
        if not shutil.which("perf"):
            self.error = "perf not found (bench/deps installs linux-perf)"
            return
        self.error = None
        argv = ["perf", "record", "-q", "-F", str(freq), "-o", path,
                "-p", str(pid)]
        if callgraph:
            argv[2:2] = ["--call-graph", "dwarf,16384"]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        time.sleep(settle)        # let it attach before the window starts

    def stop(self):
        if self.proc is None:
            return
        self.proc.send_signal(2)
        try:
            _, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        if not os.path.exists(self.path):
            self.error = "perf record failed: %s" % err.strip()[-300:]
        self.proc = None

    def report(self, top=25, extra=()):
        if self.error:
            return self.error
        if os.environ.get("BENCH_KEEP"):
            print("(perf data kept in %s)" % self.path, file=sys.stderr)
        r = subprocess.run(["perf", "report", "-i", self.path, "--stdio",
                            "--no-children", "--sort", "dso,sym",
                            "--percent-limit", "0.7", *extra],
                           capture_output=True, text=True, timeout=120)
        lines = [ln for ln in r.stdout.splitlines()
                 if ln.strip() and not ln.startswith("#")]
        return "\n".join(lines[:top]) if lines else r.stderr.strip()[-500:]
