#!/usr/bin/python3
"""test_chat.py - messages both ways with a slixmpp peer, bounces,
presence and /status.  Run through run.py."""

import time

# Prosody with s2s disabled (our test server) answers a message to another
# domain with not-allowed; a real server says remote-server-not-found or
# service-unavailable.
BOUNCE_CONDITIONS = ("remote-server-not-found", "service-unavailable",
                     "not-allowed")


def bare(jid):
    return (jid or "").split("/", 1)[0]


def _alice_and_bob(ctx, friends=False):
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    if friends:
        ctx.befriend(ajid, apw, bjid, bpw)
    bob = ctx.peer(bjid, bpw)
    n = ctx.natter(ctx.account_lines("alice", ajid, apw), args=["-a", "alice"])
    n.connected("alice")
    return n, ajid, bob, bjid


def _send_and_check(n, bob, bjid, ajid, text):
    m = n.mark()
    n.cmd("/msg %s %s" % (bjid, text))
    out = n.wait("message", dir="out", since=m)
    assert out.get("body") == text, "out event body %r != %r" \
        % (out.get("body"), text)
    assert bare(out.get("to")) == bjid, "out event to %r" % out.get("to")
    assert out.get("account") == "alice"
    assert out.get("id"), "out message event needs the id used: %r" % out
    got = bob.wait_message(bare=ajid)
    assert got["body"] == text, "peer got %r, natter sent %r" \
        % (got["body"], text)
    assert got["type"] == "chat", "/msg should send type chat: %r" % got
    assert got["id"] == out["id"], \
        "id on the wire %r differs from the out event's %r" \
        % (got["id"], out["id"])
    assert got["from"] == ajid + "/natter", got["from"]


def _receive_and_check(n, bob, bjid, ajid, text):
    m = n.mark()
    t0 = time.time()
    mid = bob.send_message(ajid, text)
    ev = n.wait("message", dir="in", since=m)
    assert ev.get("body") == text, "in event body %r != %r" \
        % (ev.get("body"), text)
    assert ev.get("from") == bob.full_jid, \
        "from should be the sender's full JID %s: %r" \
        % (bob.full_jid, ev.get("from"))
    assert bare(ev.get("to")) == ajid, ev
    assert ev.get("type") == "chat", ev
    assert ev.get("id") == mid, "in event id %r != sent id %r" \
        % (ev.get("id"), mid)
    assert ev.get("account") == "alice", ev
    stamp = ev.get("stamp")
    assert isinstance(stamp, int) and abs(stamp - t0) < 60, \
        "stamp should be integer UTC seconds near now: %r" % stamp


def test_messages_both_ways(ctx):
    n, ajid, bob, bjid = _alice_and_bob(ctx)
    _send_and_check(n, bob, bjid, ajid, "hello bob")
    _receive_and_check(n, bob, bjid, ajid, "hi alice")
    n.quit()


def test_messages_special_characters(ctx):
    n, ajid, bob, bjid = _alice_and_bob(ctx)
    for text in ("<b>not bold</b> & \"quotes\" 'apos'",
                 "h\u00e9llo \u2713 \u65e5\u672c\u8a9e \U0001f600",
                 "two  spaces  inside, kept"):
        _send_and_check(n, bob, bjid, ajid, text)
        _receive_and_check(n, bob, bjid, ajid, text)
    n.quit()


def test_message_bounce_is_reported_with_id(ctx):
    n, ajid, bob, bjid = _alice_and_bob(ctx)
    m = n.mark()
    n.cmd("/msg nobody@nonexistent.invalid hi")
    out = n.wait("message", dir="out", since=m)
    assert out.get("id"), out
    err = n.wait("error", id=out["id"], since=m, timeout=10)
    assert err.get("account") == "alice", err
    assert err.get("condition") in BOUNCE_CONDITIONS, \
        "bounce condition %r not one of %s" % (err.get("condition"),
                                               BOUNCE_CONDITIONS)
    assert err.get("message"), "error event needs a human message: %r" % err
    n.ping()
    n.quit()


def test_presence_of_subscribed_peer(ctx):
    n, ajid, bob, bjid = _alice_and_bob(ctx, friends=True)
    ev = n.wait("presence", from_=bob.full_jid, show="online")
    assert ev.get("account") == "alice", ev
    m = n.mark()
    bob.send_presence(show="dnd", status="in a meeting")
    ev = n.wait("presence", from_=bob.full_jid, since=m, show="dnd")
    assert ev.get("status") == "in a meeting", ev
    m = n.mark()
    bob.disconnect()
    n.wait("presence", from_=lambda f: bare(f) == bjid, show="offline",
           since=m)
    n.quit()


def test_status_seen_by_subscribed_peer(ctx):
    n, ajid, bob, bjid = _alice_and_bob(ctx, friends=True)
    bob.wait_presence(bare=ajid, show="online")
    n.cmd("/status away brb")
    p = bob.wait_presence(bare=ajid, show="away")
    assert p["status"] == "brb", "peer saw status %r, expected 'brb'" \
        % p["status"]
    assert p["from"] == ajid + "/natter", p
    n.cmd("/status dnd")
    p = bob.wait_presence(bare=ajid, show="dnd")
    assert p["status"] is None, \
        "/status dnd without text should clear the status, got %r" \
        % p["status"]
    n.cmd("/status online back")
    p = bob.wait_presence(bare=ajid, show="online")
    assert p["status"] == "back", p
    n.quit()
    p = bob.wait_presence(bare=ajid, show="offline")
