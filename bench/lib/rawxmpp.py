"""rawxmpp.py - a minimal, fast XMPP client for the benchmarks' peers.

slixmpp builds a stanza object per message and runs every send through
asyncio filters, which caps a flood at a few thousand messages per second
and makes the peer, not the receiving client, the thing being measured.
This client speaks just enough XMPP to log in to the benchmarks' private
Prosody (STARTTLS verified against its CA, SASL PLAIN inside TLS, resource
binding) and then writes pre-serialized stanzas straight into the TLS
socket:

    c = RawClient("127.0.0.1", port, "localhost", "bob", pw, ca_file)
    c.connect()                       # returns once the resource is bound
    c.send(b"<message .../>" * 100)   # sendall into the TLS socket
    rtt = c.ping()                    # an IQ round trip: the server has
                                      # taken everything sent before it
    c.close()

Only the standard library; loopback only (the address is whatever the
caller's LocalServer listens on).  Every wait has a timeout.
"""

import base64
import re
import secrets
import socket
import ssl
import time
from xml.sax.saxutils import escape, quoteattr

NS_CLIENT = "jabber:client"


class RawXmppError(RuntimeError):
    pass


def xml_text(s):
    return escape(s)


def xml_attr(s):
    return quoteattr(s)


class RawClient:
    def __init__(self, ip, port, domain, user, password, ca_file,
                 resource=None, timeout=15.0):
        self.ip, self.port, self.domain = ip, port, domain
        self.user, self.password = user, password
        self.ca_file = ca_file
        self.resource = resource or "bench-" + secrets.token_hex(3)
        self.timeout = timeout
        self.sock = None
        self.buf = b""
        self.full_jid = None
        self.bare = "%s@%s" % (user, domain)

    # ---- low level ------------------------------------------------------

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.sock.sendall(data)

    def _read_until(self, pattern, timeout=None):
        """Read until the regex `pattern` (bytes) matches the buffer; return
        the match and drop the buffer up to its end."""
        deadline = time.monotonic() + (timeout or self.timeout)
        rx = re.compile(pattern, re.S)
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise RawXmppError("%s: timed out waiting for %r; have %r"
                                   % (self.bare, pattern, self.buf[-300:]))
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            except ssl.SSLWantReadError:
                continue
            if not chunk:
                raise RawXmppError("%s: connection closed by the server; "
                                   "have %r" % (self.bare, self.buf[-300:]))
            self.buf += chunk

    def _open_stream(self):
        self.send("<?xml version='1.0'?><stream:stream to=%s version='1.0' "
                  "xmlns='jabber:client' "
                  "xmlns:stream='http://etherx.jabber.org/streams'>"
                  % xml_attr(self.domain))
        return self._read_until(rb"<stream:features.*?</stream:features>"
                                ).group(0)

    # ---- log-in ---------------------------------------------------------

    def connect(self):
        raw = socket.create_connection((self.ip, self.port), self.timeout)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = raw
        feats = self._open_stream()
        if b"urn:ietf:params:xml:ns:xmpp-tls" not in feats:
            raise RawXmppError("server offers no STARTTLS: %r" % feats)
        self.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
        self._read_until(rb"<proceed[^>]*/>")
        if self.buf:
            raise RawXmppError("data after <proceed/>: %r" % self.buf)
        ctx = ssl.create_default_context(cafile=self.ca_file)
        self.sock = ctx.wrap_socket(raw, server_hostname=self.domain)
        feats = self._open_stream()
        if b"<mechanism>PLAIN</mechanism>" not in feats:
            raise RawXmppError("server offers no PLAIN inside TLS: %r" % feats)
        token = base64.b64encode(("\0%s\0%s" % (self.user, self.password))
                                 .encode("utf-8")).decode("ascii")
        self.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
                  "mechanism='PLAIN'>%s</auth>" % token)
        m = self._read_until(rb"<success[^>]*(/>|>.*?</success>)|"
                             rb"<failure.*?</failure>")
        if m.group(0).startswith(b"<failure"):
            raise RawXmppError("%s: authentication failed: %r"
                               % (self.bare, m.group(0)))
        self._open_stream()
        self.send("<iq type='set' id='bind1'><bind "
                  "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>%s"
                  "</resource></bind></iq>" % xml_text(self.resource))
        m = self._read_until(rb"<jid>([^<]+)</jid>")
        self.full_jid = m.group(1).decode("utf-8")
        self._read_until(rb"</iq>")
        return self

    # ---- after log-in ---------------------------------------------------

    def presence(self, show=None, status=None, to=None, ptype=None):
        """Send a presence (initial presence when called with nothing)."""
        attrs = ""
        if to:
            attrs += " to=%s" % xml_attr(to)
        if ptype:
            attrs += " type=%s" % xml_attr(ptype)
        inner = ""
        if show:
            inner += "<show>%s</show>" % xml_text(show)
        if status:
            inner += "<status>%s</status>" % xml_text(status)
        self.send("<presence%s>%s</presence>" % (attrs, inner)
                  if inner else "<presence%s/>" % attrs)

    def ping(self, timeout=None):
        """An IQ ping to our own server; returns once it is answered.  The
        server handles a session's stanzas in order, so the answer means
        everything sent before it has been taken and routed."""
        pid = "p" + secrets.token_hex(4)
        self.send("<iq type='get' id='%s' to=%s><ping xmlns='urn:xmpp:ping'/>"
                  "</iq>" % (pid, xml_attr(self.domain)))
        self._read_until((r"<iq[^>]*id=['\"]%s['\"]" % pid).encode(),
                         timeout)

    def drain(self):
        """Discard whatever has arrived (non-blocking)."""
        self.buf = b""
        self.sock.setblocking(False)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
        except (BlockingIOError, ssl.SSLWantReadError, socket.timeout):
            pass
        finally:
            self.sock.setblocking(True)

    def close(self):
        if self.sock is None:
            return
        try:
            self.sock.settimeout(2)
            self.send("</stream:stream>")
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass
        self.sock = None


def chat_message(to, body, mid):
    """One pre-serialized <message type='chat'/> with a body."""
    return ("<message type='chat' to=%s id='%s'><body>%s</body></message>"
            % (xml_attr(to), mid, xml_text(body))).encode("utf-8")
