#!/usr/bin/python3
"""localserver.py - a private, throwaway Prosody on loopback for natter's
tests, demo and benchmarks.

    srv = LocalServer()            # accounts alice, bob, carol
    srv.start()
    srv.port, srv.ca_file, srv.passwords["alice"]
    srv.restart_with_new_cert()    # new CA + new server certificate
    srv.stop()

Everything (CA, certificates, config, data, log, pid file) lives in one
temporary directory.  Prosody listens on 127.0.0.1 only, on free ports
picked at start; s2s and HTTP are off, so it never talks to another host.
Only the standard library is used; run it with Debian's /usr/bin/python3.
"""

import atexit
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time

PROSODY = "/usr/bin/prosody"
PROSODYCTL = "/usr/bin/prosodyctl"
PROSODY_MODULES = "/usr/lib/prosody/modules"

DEMO_ACCOUNTS = ("alice", "bob", "carol")


def random_password():
    """A password that is easy to grep for and safe in a Lua string."""
    return "pw-" + secrets.token_hex(12)


def free_port():
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lua_str(value):
    """Quote a Python string as a Lua string literal."""
    out = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + out + '"'


def direct_tls_supported():
    """Prosody 0.12 provides the c2s_direct_tls service; older ones do not."""
    try:
        with open(os.path.join(PROSODY_MODULES, "mod_c2s.lua")) as f:
            return '"c2s_direct_tls"' in f.read()
    except OSError:
        return False


class LocalServerError(RuntimeError):
    pass


class LocalServer:
    host = "localhost"
    muc_host = "conference.localhost"
    ip = "127.0.0.1"

    def __init__(self, tmpdir=None, accounts=None, direct_tls=True,
                 log_level="info"):
        """tmpdir: use (and keep) this directory instead of a fresh one.
        accounts: {user: password}; a password of None means random.
        Default: alice, bob and carol with random passwords."""
        if accounts is None:
            accounts = {name: None for name in DEMO_ACCOUNTS}
        self.passwords = {u: (p if p is not None else random_password())
                          for u, p in accounts.items()}
        self._own_tmpdir = tmpdir is None
        self.tmpdir = tmpdir or tempfile.mkdtemp(prefix="natter-prosody-")
        os.makedirs(self.tmpdir, exist_ok=True)
        self.data_path = os.path.join(self.tmpdir, "data")
        self.config_file = os.path.join(self.tmpdir, "prosody.cfg.lua")
        self.log_file = os.path.join(self.tmpdir, "prosody.log")
        self.pid_file = os.path.join(self.tmpdir, "prosody.pid")
        self.ca_file = os.path.join(self.tmpdir, "ca.pem")
        self.ca_key = os.path.join(self.tmpdir, "ca.key")
        self.cert_file = os.path.join(self.tmpdir, "server.crt")
        self.key_file = os.path.join(self.tmpdir, "server.key")
        self.log_level = log_level
        self.port = None
        self.direct_tls_port = None
        self._want_direct_tls = direct_tls and direct_tls_supported()
        self._proc = None
        self._cert_generation = 0
        self._registered = set()
        self.start_seconds = None     # how long the last start() took
        atexit.register(self._atexit)

    # ---- certificates -------------------------------------------------

    def _openssl(self, *args):
        r = subprocess.run(["openssl", *args], cwd=self.tmpdir,
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True)
        if r.returncode != 0:
            raise LocalServerError("openssl %s failed: %s"
                                   % (args[0], r.stderr.strip()))

    def make_certificates(self):
        """A new CA (ca.pem, ca.key) and a server certificate signed by it
        for localhost, conference.localhost and 127.0.0.1.  Each call makes
        a different CA, so older pins and older ca.pem files stop working."""
        self._cert_generation += 1
        tag = "%d-%s" % (self._cert_generation, secrets.token_hex(4))
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
              "-nodes"]
        self._openssl("req", "-x509", *ec, "-keyout", self.ca_key,
                      "-out", self.ca_file, "-days", "7",
                      "-subj", "/CN=natter throwaway test CA " + tag,
                      "-addext", "basicConstraints=critical,CA:TRUE",
                      "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        # OpenSSL 3's "req -x509 -CA" signs the new request with our CA.
        self._openssl("req", "-x509", *ec, "-keyout", self.key_file,
                      "-out", self.cert_file, "-days", "7",
                      "-CA", self.ca_file, "-CAkey", self.ca_key,
                      "-subj", "/CN=localhost",
                      "-addext", "subjectAltName=DNS:localhost,"
                      "DNS:conference.localhost,IP:127.0.0.1",
                      "-addext", "basicConstraints=critical,CA:FALSE",
                      "-addext", "keyUsage=critical,digitalSignature,"
                      "keyEncipherment",
                      "-addext", "extendedKeyUsage=serverAuth")
        for path in (self.ca_key, self.key_file):
            os.chmod(path, 0o600)
        # Prosody also looks for HOST.crt / HOST.key in `certificates`.
        certdir = os.path.join(self.tmpdir, "certs")
        os.makedirs(certdir, exist_ok=True)
        for name in (self.host, self.muc_host):
            shutil.copyfile(self.cert_file, os.path.join(certdir, name + ".crt"))
            shutil.copyfile(self.key_file, os.path.join(certdir, name + ".key"))

    def server_cert_sha256(self):
        """SHA-256 fingerprint of the current server certificate (DER),
        lowercase hex without colons - the format natter prints and pins."""
        r = subprocess.run(["openssl", "x509", "-in", self.cert_file,
                            "-noout", "-fingerprint", "-sha256"],
                           capture_output=True, text=True, check=True)
        # "sha256 Fingerprint=AB:CD:..." (the prefix's case varies by version)
        value = r.stdout.strip().split("=", 1)[1]
        return value.replace(":", "").lower()

    # ---- configuration --------------------------------------------------

    def _write_config(self):
        t = self.tmpdir
        ssl = "{ certificate = %s; key = %s; }" % (lua_str(self.cert_file),
                                                   lua_str(self.key_file))
        direct = ""
        if self.direct_tls_port:
            direct = ("c2s_direct_tls_ports = { %d }\n"
                      "c2s_direct_tls_interfaces = { %s }\n"
                      "c2s_direct_tls_ssl = %s\n"
                      % (self.direct_tls_port, lua_str(self.ip), ssl))
        else:
            direct = "c2s_direct_tls_ports = { }\n"
        cfg = f"""-- generated by natter's scripts/lib/localserver.py; throwaway
pidfile = {lua_str(self.pid_file)}
data_path = {lua_str(self.data_path)}
certificates = {lua_str(os.path.join(t, "certs"))}
ssl = {ssl}
run_as_root = true
daemonize = false

interfaces = {{ {lua_str(self.ip)} }}
local_interfaces = {{ {lua_str(self.ip)} }}
c2s_interfaces = {{ {lua_str(self.ip)} }}
c2s_ports = {{ {self.port} }}
{direct}legacy_ssl_ports = {{ }}
s2s_ports = {{ }}
s2s_direct_tls_ports = {{ }}
http_ports = {{ }}
https_ports = {{ }}
component_ports = {{ }}

log = {{ {{ levels = {{ min = {lua_str(self.log_level)} }}, to = "file", filename = {lua_str(self.log_file)} }} }}

modules_enabled = {{
    "roster"; "saslauth"; "tls"; "disco"; "carbons"; "pep"; "mam";
    "ping"; "version"; "time"; "blocklist"; "vcard_legacy"; "private";
    "offline"; "bookmarks"; "smacks"; "posix";
}}
modules_disabled = {{ "s2s"; "s2s_auth_certs"; "dialback"; "http"; "bosh"; "websocket"; }}

smacks_hibernation_time = 5
c2s_require_encryption = true
allow_unencrypted_plain_auth = false
authentication = "internal_hashed"
storage = "internal"
default_archive_policy = true
archive_expires_after = "1d"
-- the suite hammers the server from one address; never throttle it
limits = {{ }}

VirtualHost {lua_str(self.host)}
    ssl = {ssl}

Component {lua_str(self.muc_host)} "muc"
    -- muc_moderation: XEP-0425, from Debian's prosody-modules
    modules_enabled = {{ "muc_mam"; "muc_moderation" }}
    ssl = {ssl}
"""
        with open(self.config_file, "w") as f:
            f.write(cfg)

    # ---- accounts -------------------------------------------------------

    def _register_cmd(self, user):
        # The password goes on stdin (prosodyctl asks for it twice), never
        # in an argv where `ps` would show it.
        return [PROSODYCTL, "--config", self.config_file, "register", user,
                self.host]

    def register(self, user, password=None):
        """Create (or re-password) an account with prosodyctl.  Works before
        start and while running: internal_hashed storage is files that the
        server reads at each login."""
        if password is None:
            password = random_password()
        r = subprocess.run(self._register_cmd(user),
                           input="%s\n%s\n" % (password, password),
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise LocalServerError("prosodyctl register %s failed (%d): %s%s"
                                   % (user, r.returncode, r.stdout, r.stderr))
        self.passwords[user] = password
        self._registered.add(user)
        return password

    def _register_all(self):
        """Register every account not yet registered, in parallel (users
        are separate files, so running them side by side is safe)."""
        todo = [u for u in self.passwords if u not in self._registered]
        procs = []
        for user in todo:
            p = subprocess.Popen(self._register_cmd(user),
                                 stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True)
            procs.append((user, p))
        for user, p in procs:
            pw = self.passwords[user]
            out, _ = p.communicate("%s\n%s\n" % (pw, pw))
            if p.returncode != 0:
                raise LocalServerError("prosodyctl register %s failed (%d): %s"
                                       % (user, p.returncode, out))
            self._registered.add(user)

    def jid(self, user):
        return "%s@%s" % (user, self.host)

    # ---- process --------------------------------------------------------

    def running(self):
        return self._proc is not None and self._proc.poll() is None

    def log_tail(self, lines=30):
        try:
            with open(self.log_file, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no prosody log)"

    def start(self, timeout=15.0):
        if self.running():
            return self
        t0 = time.monotonic()
        if not os.path.exists(self.cert_file):
            self.make_certificates()
        if self.port is None:
            self.port = free_port()
            if self._want_direct_tls:
                self.direct_tls_port = free_port()
                while self.direct_tls_port == self.port:
                    self.direct_tls_port = free_port()
        os.makedirs(self.data_path, mode=0o700, exist_ok=True)
        self._write_config()
        self._register_all()
        self._stdout = open(os.path.join(self.tmpdir, "prosody.stdout"), "ab")
        self._proc = subprocess.Popen(
            [PROSODY, "--config", self.config_file, "-F"],
            cwd=self.tmpdir, stdin=subprocess.DEVNULL, stdout=self._stdout,
            stderr=subprocess.STDOUT, start_new_session=True)
        ports = [self.port] + ([self.direct_tls_port]
                               if self.direct_tls_port else [])
        deadline = time.monotonic() + timeout
        for port in ports:
            while True:
                if self._proc.poll() is not None:
                    code = self._proc.returncode
                    self._proc = None
                    raise LocalServerError(
                        "prosody exited with status %s during start-up; "
                        "log tail:\n%s" % (code, self.log_tail()))
                try:
                    with socket.create_connection((self.ip, port), 0.2):
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    self.stop()
                    raise LocalServerError(
                        "prosody did not listen on %s:%d within %.0f s; "
                        "log tail:\n%s" % (self.ip, port, timeout,
                                           self.log_tail()))
                time.sleep(0.02)
        self.start_seconds = time.monotonic() - t0
        return self

    def stop(self, timeout=10.0):
        """Stop prosody (SIGTERM to its process group, SIGKILL after
        `timeout`).  The directory stays; cleanup() removes it."""
        p = self._proc
        self._proc = None
        if p is not None and p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait()
        if getattr(self, "_stdout", None):
            self._stdout.close()
            self._stdout = None

    def restart_with_new_cert(self):
        """Stop, switch to a certificate from a brand-new CA, start again on
        the same ports with the same accounts and data."""
        self.stop()
        self.make_certificates()
        return self.start()

    def cleanup(self):
        """Stop and remove the temporary directory (if we made it)."""
        self.stop()
        if self._own_tmpdir and os.path.isdir(self.tmpdir):
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def _atexit(self):
        try:
            self.cleanup()
        except Exception:
            pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()
        return False


if __name__ == "__main__":
    # Smoke test: start, print what a client needs, stop.
    srv = LocalServer()
    srv.start()
    print("prosody up in %.2f s on %s:%d (direct TLS %s)"
          % (srv.start_seconds, srv.ip, srv.port, srv.direct_tls_port))
    print("ca_file", srv.ca_file)
    print("fingerprint", srv.server_cert_sha256())
    srv.cleanup()
