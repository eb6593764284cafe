#!/usr/bin/python3
"""test_console.py - the raw-stanza console through the headless front
end: capture from the stream's negotiation on, redaction of credentials,
the ring and its bound, filters (direction, kind, JID, XPath with a
namespace), /xml with its checks and iq pairing, templates, replay, and
/console save.  Run through run.py."""

import json
import os
import stat


def _alice(ctx, extra=(), console_on=True):
    ajid, apw = ctx.new_account("alice")
    lines = (["console on"] if console_on else []) + \
        ctx.account_lines("alice", ajid, apw, extra=extra)
    n = ctx.natter(lines, args=["-a", "alice"])
    n.connected("alice")
    n.wait("roster_end")
    # our initial presence follows the roster
    n.wait("presence", where=lambda e: e["from"].startswith(ajid))
    return n, ajid, apw


def _save(ctx, n, name="save.jsonl"):
    path = os.path.join(ctx.mkdtemp(), name)
    m = n.mark()
    n.cmd("/console save %s" % path)
    n.wait("info", since=m, where=lambda e: path in e["message"])
    with open(path) as f:
        rows = [json.loads(line) for line in f]
    return path, rows


def test_negotiation_captured_and_redacted(ctx):
    debug = os.path.join(ctx.mkdtemp(), "debug.log")
    n, ajid, apw = _alice(ctx, extra=["set debug_file %s" % debug])
    ev = n.events("stanza")
    xmls = [e["xml"] for e in ev]
    assert any(x.startswith("<?xml") or x.startswith("<stream:stream") for x in xmls), xmls[:3]
    assert any("starttls" in x for x in xmls), "STARTTLS is captured"
    auth = [e for e in ev if e["xml"].startswith("<auth")]
    assert auth and auth[0]["dir"] == "out", xmls[:10]
    assert "[SASL data removed" in auth[0]["xml"], auth[0]
    assert any(x.startswith("<success") and "removed" in x for x in xmls), xmls[:12]
    assert any("xmpp-bind" in x for x in xmls), "bind is captured"
    for e in ev[:3]:
        assert e["account"] == "alice" and isinstance(e["time"], float), e
        assert e["dir"] in ("in", "out") and e["seq"] >= 1, e
    path, rows = _save(ctx, n)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, "the saved file is private"
    assert any(r["xml"].startswith("<auth") for r in rows)
    n.quit()
    # the password is nowhere: not in events, the saved file or the log
    with open(path) as f:
        saved = f.read()
    with open(debug) as f:
        log = f.read()
    assert apw not in n.stdout_text(), "password in a stanza event"
    assert apw not in saved, "password in the saved file"
    assert apw not in log, "password in the debug log"
    # SCRAM's client-first message carries the user name and nonce in base64:
    # none of the SASL payload may survive
    assert "biwsbj1" not in saved and "biwsbj1" not in n.stdout_text()


def test_ring_before_window_and_bound(ctx):
    n, ajid, apw = _alice(ctx, console_on=False,
                          extra=["set console_buffer 100"])
    bjid, bpw = ctx.new_account("bob")
    bob = ctx.peer(bjid, bpw)
    for i in range(150):
        bob.send_message(ajid, "m%d" % i)
    n.wait("message", body="m149", timeout=20)
    assert not n.events("stanza"), "no stanza events while /console is off"
    path, rows = _save(ctx, n)
    assert len(rows) == 100, "the ring keeps console_buffer elements: %d" % len(rows)
    seqs = [r["seq"] for r in rows]
    assert seqs == list(range(seqs[0], seqs[0] + 100)), "consecutive numbers"
    assert "m149" in rows[-1]["xml"], rows[-1]
    assert not any("<auth" in r["xml"] for r in rows), "the oldest fell out"
    # clear empties it; numbering goes on
    m = n.mark()
    n.cmd("/console clear")
    n.cmd("/console replay %d" % seqs[-1])
    err = n.wait("error", since=m)
    assert "holds nothing" in err["message"], err


def test_filters(ctx):
    n, ajid, apw = _alice(ctx, console_on=False)
    bjid, bpw = ctx.new_account("bob")
    ctx.befriend(ajid, apw, bjid, bpw)
    bob = ctx.peer(bjid, bpw)
    bob.send_message(ajid, "hello alice")
    n.wait("message", body="hello alice")
    n.cmd("/msg %s hello bob" % bjid)
    bob.wait_message(body="hello bob")
    n.cmd("/roster add carol@localhost")
    n.wait("roster", jid="carol@localhost")
    _, everything = _save(ctx, n, "all.jsonl")

    def with_filter(spec):
        m = n.mark()
        n.cmd("/console filter %s" % spec)
        n.no_event("error", since=m, within=0.3)
        return _save(ctx, n, "f.jsonl")[1]

    rows = with_filter("in message")
    assert rows and all(r["dir"] == "in" and r["xml"].startswith("<message") for r in rows), rows
    assert any("hello alice" in r["xml"] for r in rows)
    rows = with_filter("out")
    assert rows and all(r["dir"] == "out" for r in rows)
    rows = with_filter("iq presence")
    assert rows and all(r["xml"].startswith(("<iq", "<presence")) for r in rows)
    assert {r["xml"][:3] for r in rows} == {"<iq", "<pr"}
    rows = with_filter("stream")
    assert rows and not any(r["xml"].startswith(("<iq", "<message", "<presence")) for r in rows)
    rows = with_filter("jid %s" % bjid)
    assert rows and all(bjid in r["xml"] for r in rows), rows
    assert any("hello bob" in r["xml"] for r in rows) and any("hello alice" in r["xml"] for r in rows)
    rows = with_filter("ns r=jabber:iq:roster xpath //r:query")
    assert rows and all("jabber:iq:roster" in r["xml"] for r in rows), rows
    want = [r for r in everything if "jabber:iq:roster" in r["xml"] and "<query" in r["xml"]]
    assert len(rows) >= len(want) - 1, (len(rows), len(want))
    rows = with_filter("xpath //message[@type='chat']/body[text()='hello bob']")
    assert len(rows) == 1 and rows[0]["dir"] == "out", rows
    rows = with_filter("out message jid %s" % bjid)
    assert rows and all(r["dir"] == "out" and bjid in r["xml"] for r in rows)
    # named filters, and off
    n.cmd("/console filter define mine in message")
    rows = with_filter("mine")
    assert rows and all(r["dir"] == "in" and r["xml"].startswith("<message") for r in rows)
    n.cmd("/console filter off")
    assert len(_save(ctx, n, "off.jsonl")[1]) >= len(everything)
    # bad filters are refused
    for bad in ("sideways", "xpath //x:y", "xpath ((", "jid @@"):
        m = n.mark()
        n.cmd("/console filter %s" % bad)
        err = n.wait("error", since=m)
        assert "no filter set" in err["message"], (bad, err)


def test_xml_checked_and_paired(ctx):
    n, ajid, apw = _alice(ctx)
    for bad, word in (("<iq><query></iq>", "not sent"),
                      ("<a/><b/>", "Extra content"),
                      ("<?xml version='1.0'?><presence/>", "not sent"),
                      ("<x:presence/>", "not sent"),
                      ("just text", "not sent")):
        m = n.mark()
        n.cmd("/xml %s" % bad)
        err = n.wait("error", since=m)
        assert word in err["message"], (bad, err)
        n.no_event("stanza", since=m, dir="out", within=0.2)
    # still connected and working
    n.ping()
    assert not n.events("disconnected")
    m = n.mark()
    n.cmd("/xml <iq type='get' to='localhost'><query xmlns='jabber:iq:version'/></iq>")
    info = n.wait("info", since=m)
    iq_id = info["message"].split()[2].rstrip(";")
    out = n.wait("stanza", since=m, dir="out", where=lambda e: iq_id in e["xml"])
    reply = n.wait("stanza", since=m, dir="in", where=lambda e: iq_id in e["xml"])
    assert "type=\"result\"" in reply["xml"] or "type='result'" in reply["xml"], reply
    assert reply["pair"] == out["seq"], (out, reply)
    assert 0 <= reply["rtt_ms"] < 5000, reply
    # and a template, to our server by default
    m = n.mark()
    n.cmd("/xml template ping")
    n.wait("stanza", since=m, dir="in", where=lambda e: "pair" in e and "rtt_ms" in e)
    m = n.mark()
    n.cmd("/xml template disco-info conference.localhost")
    r = n.wait("stanza", since=m, dir="in", where=lambda e: "pair" in e)
    assert "http://jabber.org/protocol/muc" in r["xml"], r
    for line, word in (("/xml template nosuch", "no template"),
                       ("/xml template probe", "needs a JID")):
        m = n.mark()
        n.cmd(line)
        assert word in n.wait("error", since=m)["message"]
    m = n.mark()
    n.cmd("/xml template")
    assert "disco-info" in n.wait("info", since=m)["message"]


def test_replay(ctx):
    n, ajid, apw = _alice(ctx)
    bjid, bpw = ctx.new_account("bob")
    bob = ctx.peer(bjid, bpw)
    m = n.mark()
    n.cmd("/msg %s once" % bjid)
    sent = n.wait("stanza", since=m, dir="out", where=lambda e: ">once<" in e["xml"])
    bob.wait_message(body="once")
    n.cmd("/console replay %d" % sent["seq"])
    again = bob.wait_message(body="once")
    assert again["body"] == "once"
    # what cannot be replayed
    auth = [e for e in n.events("stanza") if e["xml"].startswith("<auth")][0]
    got_in = [e for e in n.events("stanza") if e["dir"] == "in" and e["xml"].startswith("<iq")][0]
    for seq, word in ((auth["seq"], "credentials"), (got_in["seq"], "received"),
                      (10 ** 9, "no element"), ("x", "not an element number")):
        m = n.mark()
        n.cmd("/console replay %s" % seq)
        assert word in n.wait("error", since=m)["message"], (seq, word)
    # headless has no editor
    m = n.mark()
    n.cmd("/console edit %d" % sent["seq"])
    assert "no editor" in n.wait("error", since=m)["message"]
    # /console off stops the events
    m = n.mark()
    n.cmd("/console off")
    n.cmd("/msg %s quiet" % bjid)
    bob.wait_message(body="quiet")
    n.no_event("stanza", since=m, within=0.5)
    n.cmd("/console nosuch")
    err = n.wait("error", since=m)
    assert "no account or subcommand" in err["message"], err
