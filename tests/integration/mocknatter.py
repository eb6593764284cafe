#!/usr/bin/python3
"""mocknatter.py - a stand-in for `natter --headless`, built on slixmpp,
used ONLY to test the integration tests themselves before (or besides) the
real binary:

    NATTER=tests/integration/mocknatter.py tests/integration/run.py

It implements the headless contract the tests are written against (config
file of commands, -a, JSON events on stdout, /msg, /status, /roster ...,
/account trust pins kept in $XDG_DATA_HOME/natter/pins, connect_timeout,
mandatory TLS), loosely and without any of natter's design.  If a test fails
against this mock, suspect the test (or the mock) first; if it passes here
and fails with natter, suspect natter (or a contract misunderstanding).
"""

import hashlib
import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts", "lib"))
import slixmpp                                      # noqa: E402
from slixmpp.jid import JID, InvalidJID            # noqa: E402
from peer import event_loop, ROSTER_NS             # noqa: E402

OUT_LOCK = threading.Lock()
SHOWS = ("online", "chat", "away", "xa", "dnd")


def emit(event, **fields):
    obj = {"event": event}
    obj.update(fields)
    with OUT_LOCK:
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        sys.stdout.flush()


class CmdError(Exception):
    pass


def valid_jid(text, allow_resource=True):
    if text.count("@") > 1 or text.startswith("@") or text.endswith("@") \
            or text.endswith("/") or " " in text:
        raise CmdError("malformed JID: %s" % text)
    try:
        j = JID(text)
    except InvalidJID as e:
        raise CmdError("malformed JID %s: %s" % (text, e))
    if not j.domain or (j.resource and not allow_resource):
        raise CmdError("malformed JID: %s" % text)
    return j


class Session(slixmpp.ClientXMPP):
    """One account's connection with natter-like reporting."""

    def __init__(self, app, acct):
        jid = "%s/%s" % (acct["jid"], acct.get("resource") or "natter")
        no_clear = {"unencrypted_plain": False, "unencrypted_scram": False,
                    "unencrypted_digest": False, "unencrypted_cram": False}
        super().__init__(jid, acct.get("password", ""),
                         plugin_config={"feature_mechanisms": no_clear})
        self.app, self.acct, self.name = app, acct, acct["name"]
        self.loop = event_loop()
        self.use_ipv6 = False
        self.whitespace_keepalive = False
        self.roster.auto_authorize = None
        self.roster.auto_subscribe = False
        self.finished = False
        self.online = False
        for ev, fn in (("session_start", self.on_start),
                       ("failed_auth", self.on_failed_auth),
                       ("disconnected", self.on_disconnected),
                       ("connection_failed", self.on_conn_failed),
                       ("message", self.on_message),
                       ("message_error", self.on_message_error),
                       ("presence", self.on_presence),
                       ("roster_update", self.on_roster)):
            self.add_event_handler(ev, fn)

    # -- verification --

    def get_ssl_context(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE     # verified in connection_made
        return ctx

    def connection_made(self, transport):
        sslobj = transport.get_extra_info("ssl_object")
        if sslobj is not None:
            der = sslobj.getpeercert(True)
            fp = hashlib.sha256(der).hexdigest()
            if not self.cert_ok(der, fp):
                self.fail("certificate",
                          "certificate not trusted; if you checked its "
                          "fingerprint, run /account trust %s %s"
                          % (self.name, fp), fingerprint=fp)
                transport.abort()
                return
        super().connection_made(transport)

    def cert_ok(self, der, fp):
        if self.app.pins.get(self.name) == fp:
            return True
        pem = ssl.DER_cert_to_PEM_cert(der)
        with tempfile.NamedTemporaryFile("w", suffix=".pem") as f:
            f.write(pem)
            f.flush()
            cmd = ["openssl", "verify", "-verify_hostname",
                   self.boundjid.domain]
            if self.acct.get("ca_file"):
                cmd += ["-CAfile", self.acct["ca_file"]]
            cmd.append(f.name)
            r = subprocess.run(cmd, capture_output=True)
            return r.returncode == 0

    async def _handle_stream_features(self, features):
        tls = isinstance(self.socket, (ssl.SSLSocket, ssl.SSLObject))
        if not tls and "starttls" not in features["features"]:
            self.fail("tls", "server does not offer STARTTLS")
            self.abort()
            return False
        return await super()._handle_stream_features(features)

    # -- state --

    def fail(self, kind, reason, **extra):
        if self.finished:
            return
        self.finished = True
        self.online = False
        self.cancel_connection_attempt()
        emit("disconnected", account=self.name, kind=kind, reason=reason,
             **extra)

    def start(self):
        tmo = self.app.settings.get("connect_timeout", 30)
        self.timer = self.loop.call_later(float(tmo), self.on_timeout)
        direct = self.acct.get("tls") == "direct"
        self.connect(address=(self.acct.get("server", "127.0.0.1"),
                              int(self.acct.get("port", 5222))),
                     use_ssl=direct)

    def on_timeout(self):
        if not self.online and not self.finished:
            self.fail("timeout", "no session after connect_timeout")
            if self.transport:
                self.abort()

    async def on_start(self, _):
        await self.get_roster()
        self.send_presence()
        self.online = True
        self.timer.cancel()
        emit("connected", account=self.name, jid=str(self.boundjid))

    def on_failed_auth(self, _):
        self.fail("auth", "authentication failed")
        self.abort()

    def on_conn_failed(self, err):
        self.fail("network", "connection failed: %s" % err)

    def on_disconnected(self, reason):
        self.fail("network", "connection closed: %s" % (reason,))

    # -- stanzas --

    def on_message(self, msg):
        if msg["type"] == "error" or not msg["body"]:
            return
        emit("message", account=self.name, dir="in", **{"from":
             str(msg["from"])}, to=str(msg["to"]), type=msg["type"],
             body=msg["body"], id=msg["id"], stamp=int(time.time()))

    def on_message_error(self, msg):
        emit("error", account=self.name, id=msg["id"],
             condition=msg["error"]["condition"],
             message="message to %s bounced: %s" % (msg["from"],
                                                   msg["error"]["text"]))

    def on_presence(self, p):
        t = p["type"]
        if t in ("subscribe", "subscribed", "unsubscribe", "unsubscribed"):
            emit("subscription", account=self.name, type=t,
                 **{"from": p["from"].bare})
            return
        if t == "error":
            return
        show = "offline" if t == "unavailable" else (p["show"] or "online")
        emit("presence", account=self.name, show=show,
             status=p["status"] or None, priority=int(p["priority"] or 0),
             **{"from": str(p["from"])})

    def on_roster(self, iq):
        for it in iq.xml.iter("{%s}item" % ROSTER_NS):
            emit("roster", account=self.name, jid=it.get("jid"),
                 name=it.get("name"),
                 subscription=it.get("subscription", "none"),
                 ask=it.get("ask"),
                 groups=[g.text or "" for g in
                         it.findall("{%s}group" % ROSTER_NS)])

    def roster_set(self, jid, name=None, groups=None, remove=False):
        import xml.etree.ElementTree as ET
        cur = self.client_roster[jid] if jid in self.client_roster else None
        q = ET.Element("{%s}query" % ROSTER_NS)
        it = ET.SubElement(q, "{%s}item" % ROSTER_NS, jid=jid)
        if remove:
            it.set("subscription", "remove")
        else:
            if name is None and cur is not None:
                name = cur["name"] or None
            if name:
                it.set("name", name)
            if groups is None:
                groups = list(cur["groups"]) if cur is not None else []
            for g in groups:
                ET.SubElement(it, "{%s}group" % ROSTER_NS).text = g
        self.make_iq_set(sub=q).send()


class App:
    def __init__(self, datadir):
        self.accounts = {}
        self.sessions = {}
        self.settings = {}
        self.current = None
        self.pin_file = os.path.join(datadir, "natter", "pins")
        self.pins = {}
        if os.path.exists(self.pin_file):
            with open(self.pin_file) as f:
                self.pins = json.load(f)

    def run_line(self, line, origin=None):
        line = line.strip()
        if not line or line.startswith("#"):
            return
        if line.startswith("/"):
            line = line[1:]
        name, _, rest = line.partition(" ")
        try:
            fn = getattr(self, "cmd_" + name, None)
            if fn is None:
                raise CmdError("unknown command: %s" % name)
            fn(rest.strip())
        except CmdError as e:
            msg = "%s: %s" % (origin, e) if origin else str(e)
            emit("error", command=name, message=msg)

    def session(self):
        s = self.sessions.get(self.current)
        if s is None or not s.online:
            raise CmdError("not connected")
        return s

    def on_loop(self, fn, *args):
        event_loop().call_soon_threadsafe(fn, *args)

    # -- commands --

    def cmd_help(self, rest):
        emit("info", command="help",
             message="help for %s" % (rest or "all commands: msg status "
                                      "roster account connect quit"))

    def cmd_set(self, rest):
        key, _, value = rest.partition(" ")
        self.settings[key] = value

    def cmd_account(self, rest):
        words = rest.split(None, 3)
        sub = words[0] if words else ""
        if sub == "add" and len(words) >= 3:
            self.accounts[words[1]] = {"name": words[1], "jid": words[2]}
            self.current = self.current or words[1]
        elif sub == "set" and len(words) == 4 and words[1] in self.accounts:
            if words[2] not in ("password", "server", "port", "ca_file",
                                "resource", "tls", "autoconnect"):
                raise CmdError("unknown account key %s" % words[2])
            self.accounts[words[1]][words[2]] = words[3]
        elif sub == "trust" and len(words) == 3:
            self.pins[words[1]] = words[2].lower()
            os.makedirs(os.path.dirname(self.pin_file), exist_ok=True)
            with open(self.pin_file, "w") as f:
                json.dump(self.pins, f)
            emit("info", command="account", message="trusted")
        else:
            raise CmdError("usage: /account add|set|trust ...")

    def cmd_connect(self, rest):
        name = rest or self.current
        if name not in self.accounts:
            raise CmdError("no account %s" % name)
        self.current = name

        def go():
            s = Session(self, self.accounts[name])
            self.sessions[name] = s
            s.start()
        self.on_loop(go)

    def cmd_disconnect(self, rest):
        s = self.sessions.get(rest or self.current)
        if s is None:
            raise CmdError("not connected")

        def go():
            s.fail("user", "disconnected by the user")
            s.disconnect()
        self.on_loop(go)

    def cmd_msg(self, rest):
        to, _, text = rest.partition(" ")
        j = valid_jid(to)
        s = self.session()
        mid = s.new_id()

        def go():
            s.send_message(mto=j, mbody=text, mtype="chat")
        m = s.make_message(mto=j, mbody=text, mtype="chat")
        m["id"] = mid
        self.on_loop(m.send)
        emit("message", account=s.name, dir="out", to=str(j),
             **{"from": str(s.boundjid)}, type="chat", body=text, id=mid,
             stamp=int(time.time()))

    def cmd_status(self, rest):
        show, _, text = rest.partition(" ")
        if show not in SHOWS:
            raise CmdError("unknown show %s" % show)
        s = self.session()
        self.on_loop(lambda: s.send_presence(
            pshow=None if show == "online" else show, pstatus=text or None))

    def cmd_roster(self, rest):
        words = rest.split(" ", 2)
        sub = words[0]
        s = self.session()
        if sub == "list":
            items = ["%s %s %s" % (j, s.client_roster[j]["name"],
                                   s.client_roster[j]["subscription"])
                     for j in s.client_roster.keys()]
            emit("info", command="roster", message="\n".join(items) or
                 "(empty roster)")
            return
        if len(words) < 2:
            raise CmdError("usage")
        jid = str(valid_jid(words[1], allow_resource=False))
        arg = words[2] if len(words) > 2 else None
        if sub == "add":
            self.on_loop(lambda: s.roster_set(jid, name=arg, groups=[]))
        elif sub == "remove":
            self.on_loop(lambda: s.roster_set(jid, remove=True))
        elif sub == "rename":
            self.on_loop(lambda: s.roster_set(jid, name=arg))
        elif sub == "group":
            self.on_loop(lambda: s.roster_set(
                jid, groups=[g for g in (arg or "").split(",") if g]))
        elif sub in ("request", "approve", "deny", "cancel"):
            ptype = {"request": "subscribe", "approve": "subscribed",
                     "deny": "unsubscribed", "cancel": "unsubscribe"}[sub]
            self.on_loop(lambda: s.send_presence(pto=jid, ptype=ptype))
        else:
            raise CmdError("unknown roster command %s" % sub)

    def cmd_quit(self, rest):
        shutdown(self)


def shutdown(app):
    done = threading.Event()

    async def close_all():
        for s in app.sessions.values():
            if s.transport:
                s.finished = True
                s.disconnect(wait=0.5)
        done.set()
    import asyncio
    asyncio.run_coroutine_threadsafe(close_all(), event_loop())
    done.wait(2)
    time.sleep(0.3)
    sys.stdout.flush()
    os._exit(0)


def main(argv):
    args = argv[1:]
    cfg, auto = None, None
    while args:
        a = args.pop(0)
        if a == "-c":
            cfg = args.pop(0)
        elif a == "-a":
            auto = args.pop(0)
    datadir = os.environ.get("XDG_DATA_HOME",
                             os.path.expanduser("~/.local/share"))
    app = App(datadir)
    if cfg:
        with open(cfg) as f:
            for i, line in enumerate(f, 1):
                app.run_line(line, origin="%s:%d" % (cfg, i))
    if auto:
        app.run_line("/connect " + auto)
    for line in sys.stdin:
        app.run_line(line)
    shutdown(app)


if __name__ == "__main__":
    main(sys.argv)
