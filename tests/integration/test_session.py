#!/usr/bin/python3
"""test_session.py - the session layer beyond logging in: keepalive on a
dead connection, what natter answers to other entities, several accounts at
once, password_cmd, a broken server, and roster versioning.  Run through
run.py."""

import os
import time

from fakeserver import FreezableProxy, GarbageServer

NS_DISCO = "{http://jabber.org/protocol/disco#info}"
NS_VERSION = "{jabber:iq:version}"
NS_STANZAS = "{urn:ietf:params:xml:ns:xmpp-stanzas}"


def test_keepalive_notices_dead_connection(ctx):
    proxy = FreezableProxy("127.0.0.1", ctx.server.port).start()
    ctx.defer(proxy.close)
    jid, pw = ctx.new_account("alice")
    lines = ctx.account_lines("alice", jid, pw, port=proxy.port,
                              extra=["set keepalive_interval 5",
                                     "set keepalive_timeout 2"])
    n = ctx.natter(lines, args=["-a", "alice"])
    n.connected("alice")
    # the connection is alive: one keepalive round passes without a drop
    n.no_event("disconnected", within=6.5)
    proxy.freeze()
    t0 = time.monotonic()
    ev = n.wait("disconnected", account="alice", timeout=15)
    took = time.monotonic() - t0
    assert ev.get("kind") == "timeout", \
        "an unanswered keepalive should give kind 'timeout', got %r" % ev
    assert "ping" in ev.get("reason", ""), \
        "the reason should say the ping went unanswered: %r" % ev
    assert took <= 5 + 2 + 2.5, \
        "keepalive 5 s + timeout 2 s should notice within ~7 s, took %.1f s" % took
    n.ping()
    n.quit()


def test_answers_disco_version_ping(ctx):
    jid, pw = ctx.new_account("alice")
    pjid, ppw = ctx.new_account("prober")
    n = ctx.natter(ctx.account_lines("alice", jid, pw), args=["-a", "alice"])
    full = n.connected("alice")["jid"]
    p = ctx.peer(pjid, ppw)

    r = p.iq("<iq type='get' to='%s'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>" % full)
    assert r is not None and r.get("type") == "result", "disco#info: %r" % r
    q = r.find(NS_DISCO + "query")
    feats = sorted(f.get("var") for f in q.findall(NS_DISCO + "feature"))
    assert feats == sorted(["http://jabber.org/protocol/chatstates",
                            "http://jabber.org/protocol/disco#info",
                            "jabber:iq:version",
                            "urn:xmpp:message-correct:0",
                            "urn:xmpp:ping", "urn:xmpp:receipts"]), \
        "disco#info should list exactly what natter implements: %r" % feats
    ident = q.find(NS_DISCO + "identity")
    assert ident is not None and ident.get("category") == "client", \
        "disco#info needs a client identity"

    r = p.iq("<iq type='get' to='%s'><query xmlns='jabber:iq:version'/></iq>" % full)
    assert r is not None and r.get("type") == "result", "version: %r" % r
    assert r.find(NS_VERSION + "query/" + NS_VERSION + "name").text == "natter"

    r = p.iq("<iq type='get' to='%s'><ping xmlns='urn:xmpp:ping'/></iq>" % full)
    assert r is not None and r.get("type") == "result", "ping: %r" % r

    # anything else is refused, as RFC 6120 8.4 asks
    r = p.iq("<iq type='get' to='%s'><query xmlns='urn:example:nothing'/></iq>" % full)
    assert r is not None and r.get("type") == "error", "unknown get: %r" % r
    n.ping()
    n.quit()


def test_two_accounts_at_once(ctx):
    # four logins at once: their SCRAM computations overlap, which once
    # broke every login (libstrophe's SHA-1 is not thread-safe)
    ja, pa = ctx.new_account("alice")
    jb, pb = ctx.new_account("bob")
    jc, pc = ctx.new_account("carol")
    jd, pd = ctx.new_account("dave")
    lines = (ctx.account_lines("one", ja, pa) + ctx.account_lines("two", jb, pb) +
             ctx.account_lines("three", jc, pc) + ctx.account_lines("four", jd, pd))
    n = ctx.natter(lines, args=["-a", "one", "-a", "two", "-a", "three", "-a", "four"])
    for name in ("one", "two", "three", "four"):
        n.connected(name)
    n.cmd("/account use one")
    n.cmd("/msg %s from one to two" % jb)
    ev = n.wait("message", account="two", dir="in", body="from one to two")
    assert ev["from"].startswith(ja + "/"), ev
    n.cmd("/account use two")
    n.cmd("/msg %s and back" % ja)
    n.wait("message", account="one", dir="in", body="and back")
    n.cmd("/disconnect one")
    n.wait("disconnected", account="one", kind="user")
    n.cmd("/msg %s still here" % ja)
    n.wait("message", account="two", dir="out", body="still here")
    n.quit()


def test_password_cmd_and_its_environment(ctx):
    jid, pw = ctx.new_account("alice")
    d = ctx.mkdtemp()
    pwfile = os.path.join(d, "pw")
    with open(pwfile, "w") as f:
        f.write(pw + "\nsecond line is ignored\n")
    envdump = os.path.join(d, "env")
    lines = [l for l in ctx.account_lines("alice", jid, pw) if " password " not in l]
    # written as in a shell: quoting and a pipeline must reach sh -c untouched
    lines.append("account set alice password_cmd env > '%s'; cat \"%s\" | cat"
                 % (envdump, pwfile))
    # as on a stock system: OpenSSL's defaults, no SSL_CERT_FILE or _DIR
    n = ctx.natter(lines, args=["-a", "alice"],
                   env={"SSL_CERT_FILE": None, "SSL_CERT_DIR": None})
    n.connected("alice")
    env = open(envdump).read()
    assert pw not in env, "the password leaked into password_cmd's environment"
    # natter points OpenSSL at the hashed CA directory for itself only: a
    # child (which might run curl) gets the environment natter was given
    assert not any(l.startswith("SSL_CERT_FILE=") for l in env.splitlines()), \
        "natter's own SSL_CERT_FILE reached password_cmd: %r" % env
    with open("/proc/%d/environ" % n.proc.pid, "rb") as f:
        assert pw.encode() not in f.read(), "password in natter's environment"
    with open("/proc/%d/cmdline" % n.proc.pid, "rb") as f:
        assert pw.encode() not in f.read(), "password on natter's command line"
    assert pw not in n.stdout_text(), "password in natter's output"
    n.quit()


def test_password_cmd_failure_reported(ctx):
    jid, pw = ctx.new_account("alice")
    lines = [l for l in ctx.account_lines("alice", jid, pw) if " password " not in l]
    lines.append("account set alice password_cmd echo 'no key for you' >&2; exit 3")
    n = ctx.natter(lines, args=["-a", "alice"])
    ev = n.refused("alice")
    assert ev.get("kind") == "config", ev
    assert "password_cmd failed" in ev["reason"] and "no key for you" in ev["reason"], ev
    n.ping()
    n.quit()


def test_broken_server_garbage(ctx):
    fake = GarbageServer().start()
    ctx.defer(fake.close)
    jid, pw = ctx.new_account("alice")
    lines = [l for l in ctx.account_lines("alice", jid, pw, port=fake.port,
                                          ca_file=False) if " password " not in l]
    lines += ["account set alice password not-sent", "account set alice tls plain"]
    n = ctx.natter(lines, args=["-a", "alice"])
    ev = n.refused("alice")
    assert ev.get("kind") in ("network", "stream"), ev
    assert ev.get("reason"), ev
    assert b"<auth" not in fake.received(), "credentials sent to a broken server"
    assert not any("\x1b" in (e.get("body") or "") for e in n.events("message")), \
        "a message from the garbage got through"
    n.ping()
    n.quit()


def test_roster_versioning_second_login(ctx):
    jid, pw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    ctx.befriend(jid, pw, bjid, bpw)
    datadir = ctx.mkdtemp()
    lines = ctx.account_lines("alice", jid, pw)
    n = ctx.natter(lines, args=["-a", "alice"], datadir=datadir)
    n.connected("alice")
    end = n.wait("roster_end", account="alice")
    assert end["unchanged"] is False, end
    n.wait("roster", account="alice", jid=bjid, subscription="both")
    n.quit()

    n2 = ctx.natter(lines, args=["-a", "alice"], datadir=datadir)
    n2.connected("alice")
    end = n2.wait("roster_end", account="alice")
    assert end["unchanged"] is True, \
        "the second login should be told its cached roster is current: %r" % end
    # the cached contacts are still reported, and listed
    n2.wait("roster", account="alice", jid=bjid, subscription="both")
    m = n2.mark()
    n2.cmd("/roster list")
    info = n2.wait("info", since=m)
    assert bjid in info["message"], info
    n2.quit()
