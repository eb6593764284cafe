#!/usr/bin/python3
"""test_roster.py - roster management and presence subscriptions, checked
both in natter's events and on the server (through a second slixmpp
session of the same account), and forged roster pushes.  Run through
run.py."""

import time

ROSTER_NS = "jabber:iq:roster"


def _setup(ctx, friends=False):
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    if friends:
        ctx.befriend(ajid, apw, bjid, bpw)
    bob = ctx.peer(bjid, bpw)
    n = ctx.natter(ctx.account_lines("alice", ajid, apw), args=["-a", "alice"])
    n.connected("alice")
    return n, ajid, apw, bob, bjid


def _server_roster(ctx, jid, password):
    """alice's roster as the server has it, via a silent second session."""
    p = ctx.peer(jid, password, resource="check", initial_presence=False)
    try:
        return p.roster()
    finally:
        p.disconnect()


def _roster_list_text(n, settle=0.5):
    """Run /roster list and return the text of all info output."""
    m = n.mark()
    n.cmd("/roster list")
    # "command" is "roster" or the full "roster list"
    n.wait("info", since=m,
           command=lambda c: (c or "").split(" ")[0] == "roster")
    time.sleep(settle)           # the listing may be several info events
    return "\n".join(ev.get("message") or ""
                     for ev in n.events("info", since=m))


def test_roster_add_request_approved(ctx):
    n, ajid, apw, bob, bjid = _setup(ctx)
    m = n.mark()
    n.cmd("/roster add %s Bob" % bjid)
    ev = n.wait("roster", jid=bjid, since=m)
    assert ev.get("account") == "alice", ev
    assert ev.get("name") == "Bob", "roster add NAME: %r" % ev
    assert ev.get("subscription") == "none", ev

    n.cmd("/roster request %s" % bjid)
    bob.wait_subscription(bare=ajid, type="subscribe")
    m = n.mark()
    bob.approve(ajid)
    ev = n.wait("roster", jid=bjid, since=m,
                subscription=lambda s: s in ("to", "both"))
    assert ev.get("ask") is None, \
        "ask should be cleared once approved: %r" % ev
    n.wait("presence", from_=bob.full_jid, since=m, show="online")

    text = _roster_list_text(n)
    assert bjid in text, "/roster list should show %s:\n%s" % (bjid, text)
    item = _server_roster(ctx, ajid, apw).get(bjid)
    assert item and item["name"] == "Bob" and item["subscription"] == "to", \
        "server roster item: %r" % item
    n.quit()


def test_peer_request_approved(ctx):
    n, ajid, apw, bob, bjid = _setup(ctx)
    m = n.mark()
    bob.subscribe(ajid)
    ev = n.wait("subscription", from_=bjid, since=m)
    assert ev.get("type") == "subscribe", ev
    assert ev.get("account") == "alice", ev
    m = n.mark()
    n.cmd("/roster approve %s" % bjid)
    bob.wait_subscription(bare=ajid, type="subscribed")
    n.wait("roster", jid=bjid, since=m,
           subscription=lambda s: s in ("from", "both"))
    item = _server_roster(ctx, ajid, apw).get(bjid)
    assert item and item["subscription"] in ("from", "both"), item
    n.quit()


def test_peer_request_denied(ctx):
    n, ajid, apw, bob, bjid = _setup(ctx)
    m = n.mark()
    bob.subscribe(ajid)
    n.wait("subscription", from_=bjid, type="subscribe", since=m)
    n.cmd("/roster deny %s" % bjid)
    bob.wait_subscription(bare=ajid, type="unsubscribed")
    item = _server_roster(ctx, ajid, apw).get(bjid)
    assert item is None or item["subscription"] in ("none", "to"), item
    n.quit()


def test_roster_cancel(ctx):
    n, ajid, apw, bob, bjid = _setup(ctx, friends=True)
    n.wait("roster", jid=bjid, subscription="both")   # from the login fetch
    m = n.mark()
    n.cmd("/roster cancel %s" % bjid)
    bob.wait_subscription(bare=ajid, type="unsubscribe")
    n.wait("roster", jid=bjid, since=m,
           subscription=lambda s: s in ("from", "none"))
    item = _server_roster(ctx, ajid, apw).get(bjid)
    assert item and item["subscription"] == "from", item
    n.quit()


def test_roster_rename_group_remove(ctx):
    n, ajid, apw, bob, bjid = _setup(ctx)
    m = n.mark()
    n.cmd("/roster add %s" % bjid)
    n.wait("roster", jid=bjid, since=m)
    m = n.mark()
    n.cmd("/roster rename %s Bobby" % bjid)
    ev = n.wait("roster", jid=bjid, since=m, name="Bobby")
    m = n.mark()
    n.cmd("/roster group %s Friends,Work" % bjid)
    ev = n.wait("roster", jid=bjid, since=m,
                groups=lambda g: sorted(g or []) == ["Friends", "Work"])
    assert ev.get("name") == "Bobby", "grouping lost the name: %r" % ev
    item = _server_roster(ctx, ajid, apw).get(bjid)
    assert item and item["name"] == "Bobby" and \
        sorted(item["groups"]) == ["Friends", "Work"], \
        "server roster item: %r" % item
    m = n.mark()
    n.cmd("/roster remove %s" % bjid)
    n.wait("roster", jid=bjid, since=m, subscription="remove")
    assert bjid not in _server_roster(ctx, ajid, apw), \
        "item still on the server after /roster remove"
    assert bjid not in _roster_list_text(n)
    n.quit()


def _forged_push(victim_full, jid):
    return ("<iq type='set' to='%s' id='forged-%s'>"
            "<query xmlns='%s'><item jid='%s' name='Evil'/></query></iq>"
            % (victim_full, jid.split("@")[0], ROSTER_NS, jid))


def test_stranger_roster_push_ignored(ctx):
    n, ajid, apw, bob, bjid = _setup(ctx)
    # control: a real push (made by another session of alice) shows up
    other = ctx.peer(ajid, apw, resource="other", initial_presence=False)
    djid = "dave-%d@localhost" % int(time.time() * 1000)
    m = n.mark()
    other.roster_set(djid, name="Dave")
    n.wait("roster", jid=djid, since=m, name="Dave")

    stranger_jid, stranger_pw = ctx.new_account("mallory")
    mallory = ctx.peer(stranger_jid, stranger_pw)
    evil = "evil-%d@localhost" % int(time.time() * 1000)
    reply = mallory.iq(_forged_push(ajid + "/natter", evil), timeout=2)
    n.no_event("roster", jid=evil, within=1.0)   # 3 s after sending
    if reply is not None:
        assert reply.get("type") != "result", \
            "natter acknowledged a roster push from a stranger"
    text = _roster_list_text(n)
    assert djid in text, "/roster list lacks the real item:\n" + text
    assert evil not in text, "/roster list shows the forged item:\n" + text
    n.ping()
    n.quit()


def test_roster_push_from_own_other_resource_ignored(ctx):
    # RFC 6121 2.1.6: a push is valid only without 'from' or from the
    # account's bare JID (i.e. from the server) - not from a full JID.
    n, ajid, apw, bob, bjid = _setup(ctx)
    other = ctx.peer(ajid, apw, resource="other", initial_presence=False)
    evil = "evil2-%d@localhost" % int(time.time() * 1000)
    other.iq(_forged_push(ajid + "/natter", evil), timeout=2)
    n.no_event("roster", jid=evil, within=1.0)
    assert evil not in _roster_list_text(n)
    n.quit()
