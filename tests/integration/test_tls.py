#!/usr/bin/python3
"""test_tls.py - certificate verification, pinning with /account trust,
a server without STARTTLS, direct TLS.  Run through run.py.

Note: test_untrusted_certificate_trust_and_new_cert restarts the shared
Prosody with a certificate from a new CA (ca.pem is rewritten in place, so
later tests using ctx.server.ca_file are unaffected)."""

import os
import subprocess

from fakeserver import NoStartTLSServer


def _fresh_ca(directory):
    """A CA unrelated to the server's: ca_file pointing here must fail."""
    key, pem = directory + "/other-ca.key", directory + "/other-ca.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", pem, "-days", "2",
                    "-subj", "/CN=unrelated test CA"],
                   check=True, capture_output=True)
    return pem


def test_ca_file_verifies(ctx):
    jid, pw = ctx.new_account("alice")
    n = ctx.natter(ctx.account_lines("alice", jid, pw), args=["-a", "alice"])
    n.connected("alice")
    n.quit()


def test_wrong_ca_file_refused(ctx):
    jid, pw = ctx.new_account("alice")
    other = _fresh_ca(ctx.mkdtemp())
    n = ctx.natter(ctx.account_lines("alice", jid, pw, ca_file=other),
                   args=["-a", "alice"])
    ev = n.refused("alice")
    assert ev.get("kind") == "certificate", \
        "certificate from another CA should give kind 'certificate': %r" % ev
    assert ev.get("fingerprint") == ctx.server.server_cert_sha256(), \
        "fingerprint should be the server's SHA-256 (%s): %r" \
        % (ctx.server.server_cert_sha256(), ev)
    assert not n.events("connected")
    n.quit()


def test_untrusted_certificate_trust_and_new_cert(ctx):
    jid, pw = ctx.new_account("alice")
    # no ca_file: the system store does not know our throwaway CA
    lines = ctx.account_lines("alice", jid, pw, ca_file=None)
    datadir = ctx.mkdtemp()
    n = ctx.natter(lines, args=["-a", "alice"], datadir=datadir)
    fp = ctx.server.server_cert_sha256()
    ev = n.refused("alice")
    assert ev.get("kind") == "certificate", \
        "untrusted certificate should give kind 'certificate': %r" % ev
    assert ev.get("fingerprint") == fp, \
        "fingerprint %r should be the server certificate's %s" \
        % (ev.get("fingerprint"), fp)
    assert "/account trust alice %s" % fp in (ev.get("reason") or ""), \
        "reason should tell the user to run '/account trust alice %s': %r" \
        % (fp, ev.get("reason"))
    assert not n.events("connected"), "must not connect to an untrusted server"

    # pin it and connect
    m = n.mark()
    n.cmd("/account trust alice %s" % fp)
    n.cmd("/connect alice")
    n.connected("alice", since=m)
    n.quit()

    # the pin is remembered in the data directory
    n2 = ctx.natter(lines, args=["-a", "alice"], datadir=datadir)
    n2.connected("alice")

    # new certificate from a new CA: the pin no longer matches
    m = n2.mark()
    ctx.server.restart_with_new_cert()
    fp2 = ctx.server.server_cert_sha256()
    assert fp2 != fp
    n2.wait("disconnected", account="alice", since=m, timeout=15)
    m2 = n2.mark()
    n2.cmd("/connect alice")
    ev = n2.refused("alice", since=m2, kind="certificate")
    assert ev.get("fingerprint") == fp2, \
        "after the certificate change the event should carry the new " \
        "fingerprint %s: %r" % (fp2, ev)
    assert not n2.events("connected", since=m), \
        "connected although the pinned certificate changed"
    n2.quit()


def test_no_starttls_refused_before_auth(ctx):
    fake = NoStartTLSServer().start()
    ctx.defer(fake.close)
    jid, pw = ctx.new_account("alice")
    n = ctx.natter(ctx.account_lines("alice", jid, pw, port=fake.port),
                   args=["-a", "alice"])
    ev = n.refused("alice")
    got = fake.received()
    assert ev.get("kind") == "tls", \
        "a server without STARTTLS should give kind 'tls': %r" % ev
    assert b"<stream:stream" in got, \
        "natter should have opened a stream (got %r)" % got[:200]
    assert b"<auth" not in got, \
        "natter sent <auth> over an unencrypted stream: %r" % got
    assert pw.encode() not in got
    assert not n.events("connected")
    n.ping()
    n.quit()


def test_direct_tls(ctx):
    if not ctx.server.direct_tls_port:
        ctx.log("Prosody without c2s_direct_tls: nothing to test")
        return
    jid, pw = ctx.new_account("alice")
    lines = ctx.account_lines("alice", jid, pw,
                              port=ctx.server.direct_tls_port,
                              extra=["account set alice tls direct"])
    n = ctx.natter(lines, args=["-a", "alice"])
    n.connected("alice")
    n.quit()


def test_unusable_ca_file_refused_before_connecting(ctx):
    d = ctx.mkdtemp()
    garbage = os.path.join(d, "not-a-cert.pem")
    with open(garbage, "w") as f:
        f.write("this is not a certificate\n")
    for path, words in ((os.path.join(d, "missing.pem"), "cannot be read"),
                        (garbage, "no PEM certificate")):
        jid, pw = ctx.new_account("alice")
        n = ctx.natter(ctx.account_lines("alice", jid, pw, ca_file=path),
                       args=["-a", "alice"])
        ev = n.refused("alice")
        assert ev.get("kind") == "tls", \
            "an unusable ca_file should fail closed with kind 'tls': %r" % ev
        assert words in ev.get("reason", "") and path in ev["reason"], ev
        n.ping()
        n.quit()
