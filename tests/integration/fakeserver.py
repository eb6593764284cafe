#!/usr/bin/python3
"""fakeserver.py - misbehaving "XMPP servers" on loopback for natter's
integration tests.  Each listens on a free 127.0.0.1 port in a daemon
thread and records every byte it receives.

    SilentServer()     accepts TCP connections and never sends a byte (the
                       sockets stay open until close()).
    NoStartTLSServer() answers the stream header with its own header and
                       <stream:features> offering only SASL PLAIN - no
                       STARTTLS - then just listens.  A correct client must
                       give up before sending <auth .../>.

    srv = NoStartTLSServer(); srv.start()
    ... point natter at 127.0.0.1:srv.port ...
    assert b"<auth" not in srv.received()
    srv.close()
"""

import socket
import threading
import time


class FakeServer:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.host = "127.0.0.1"
        self.port = self.sock.getsockname()[1]
        self.connections = []          # accepted sockets, kept open
        self._data = []                # one bytearray per connection
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self.accepted = threading.Event()

    def start(self):
        threading.Thread(target=self._accept_loop, daemon=True,
                         name="fakeserver-%d" % self.port).start()
        return self

    def _accept_loop(self):
        while not self._closed.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self._lock:
                self.connections.append(conn)
                buf = bytearray()
                self._data.append(buf)
            self.accepted.set()
            threading.Thread(target=self._serve_safely, args=(conn, buf),
                             daemon=True).start()

    def _serve_safely(self, conn, buf):
        try:
            self.serve(conn, buf)
        except OSError:
            pass

    def _recv(self, conn, buf):
        """Receive some bytes into buf; b"" at end of stream."""
        data = conn.recv(65536)
        with self._lock:
            buf.extend(data)
        return data

    def serve(self, conn, buf):
        """Default: read and record everything, never answer."""
        while self._recv(conn, buf):
            pass

    def received(self):
        """Everything received so far, all connections concatenated."""
        with self._lock:
            return b"".join(bytes(b) for b in self._data)

    def connection_count(self):
        with self._lock:
            return len(self.connections)

    def wait_connection(self, timeout=10.0):
        if not self.accepted.wait(timeout):
            raise AssertionError("nobody connected to the fake server on "
                                 "port %d within %.0f s" % (self.port, timeout))

    def close(self):
        self._closed.set()
        try:
            self.sock.close()
        except OSError:
            pass
        with self._lock:
            conns = list(self.connections)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
        return False


class SilentServer(FakeServer):
    """Accepts, records, never answers."""


class NoStartTLSServer(FakeServer):
    """Offers SASL PLAIN over plain TCP and no STARTTLS."""

    def __init__(self, domain="localhost"):
        super().__init__()
        self.domain = domain

    def serve(self, conn, buf):
        # wait for the client's stream header (up to its closing '>')
        start = len(buf)
        deadline = time.monotonic() + 30
        while b"<stream:stream" not in bytes(buf[start:]) or \
                not bytes(buf[start:]).rstrip().endswith(b">"):
            if not self._recv(conn, buf) or time.monotonic() > deadline:
                return
        reply = (
            "<?xml version='1.0'?>"
            "<stream:stream xmlns='jabber:client' "
            "xmlns:stream='http://etherx.jabber.org/streams' "
            "id='fake-%d' from='%s' version='1.0' xml:lang='en'>"
            "<stream:features>"
            "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
            "<mechanism>PLAIN</mechanism>"
            "</mechanisms>"
            "</stream:features>" % (self.port, self.domain))
        conn.sendall(reply.encode())
        # keep reading (and recording) whatever the client does next
        while self._recv(conn, buf):
            pass


class GarbageServer(NoStartTLSServer):
    """Answers the stream header, then sends bytes that are not XML.  For
    an account with tls plain: a broken or hostile server."""

    GARBAGE = b"<message from='x@localhost'><body>\x1b[2J</bo<<dy>&bogus;</ >"

    def serve(self, conn, buf):
        start = len(buf)
        deadline = time.monotonic() + 30
        while b"<stream:stream" not in bytes(buf[start:]):
            if not self._recv(conn, buf) or time.monotonic() > deadline:
                return
        conn.sendall(("<?xml version='1.0'?>"
                      "<stream:stream xmlns='jabber:client' "
                      "xmlns:stream='http://etherx.jabber.org/streams' "
                      "id='g' from='%s' version='1.0'>" % self.domain).encode()
                     + self.GARBAGE)
        while self._recv(conn, buf):
            pass


class FreezableProxy:
    """A TCP relay from a free loopback port to (host, port).  freeze()
    stops relaying in both directions while keeping the sockets open: to the
    client the server has gone silent, as behind a dead NAT."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.frozen = threading.Event()
        self.closed = threading.Event()
        self.socks = []

    def start(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _accept(self):
        while not self.closed.is_set():
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            u = socket.create_connection(self.target)
            self.socks += [c, u]
            for a, b in ((c, u), (u, c)):
                threading.Thread(target=self._pump, args=(a, b),
                                 daemon=True).start()

    def _pump(self, src, dst):
        src.settimeout(0.1)
        while not self.closed.is_set():
            if self.frozen.is_set():
                time.sleep(0.05)
                continue
            try:
                data = src.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            if not data:
                return
            try:
                dst.sendall(data)
            except OSError:
                return

    def freeze(self):
        self.frozen.set()

    def close(self):
        self.closed.set()
        for s in [self.sock] + self.socks:
            try:
                s.close()
            except OSError:
                pass


if __name__ == "__main__":
    # Self-test with plain sockets.
    with SilentServer() as s:
        c = socket.create_connection(("127.0.0.1", s.port))
        c.sendall(b"hello")
        c.settimeout(0.3)
        try:
            got = c.recv(10)
        except socket.timeout:
            got = None
        time.sleep(0.05)
        assert got is None, got
        assert s.received() == b"hello", s.received()
        c.close()
    with NoStartTLSServer() as s:
        c = socket.create_connection(("127.0.0.1", s.port))
        c.sendall(b"<?xml version='1.0'?><stream:stream to='localhost' "
                  b"xmlns='jabber:client' "
                  b"xmlns:stream='http://etherx.jabber.org/streams' "
                  b"version='1.0'>")
        c.settimeout(2)
        data = b""
        while b"</stream:features>" not in data:
            data += c.recv(4096)
        assert b"PLAIN" in data and b"starttls" not in data
        c.close()
    print("fakeserver self-test ok")
