#!/usr/bin/python3
"""test_chat_features.py - chat states (XEP-0085), delivery receipts
(XEP-0184) and message correction (XEP-0308) with slixmpp peers, both
ways, including the checks on who may send a receipt or a correction and
who gets a receipt from us.  Run through run.py."""

import secrets
from xml.sax.saxutils import escape, quoteattr

NS_CHATSTATES = "http://jabber.org/protocol/chatstates"
NS_RECEIPTS = "urn:xmpp:receipts"
NS_CORRECT = "urn:xmpp:message-correct:0"


def bare(jid):
    return (jid or "").split("/", 1)[0]


def _new_id():
    return "t-" + secrets.token_hex(6)


def _setup(ctx, friends=False, want_password=False):
    """natter as alice, and bob as a slixmpp peer.  Returns (n, alice's
    full JID, bob, bob's bare JID), and bob's password last if asked."""
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    if friends:
        ctx.befriend(ajid, apw, bjid, bpw)
    bob = ctx.peer(bjid, bpw)
    n = ctx.natter(ctx.account_lines("alice", ajid, apw), args=["-a", "alice"])
    full = n.connected("alice")["jid"]
    if want_password:
        return n, full, bob, bjid, bpw
    return n, full, bob, bjid


def _stranger(ctx, prefix="carol"):
    jid, pw = ctx.new_account(prefix)
    return ctx.peer(jid, pw)


def _send(peer, to, body=None, mtype="chat", id=None, extra=""):
    """Send a raw message stanza from peer; returns its id."""
    mid = id or _new_id()
    xml = "<message to=%s id=%s%s>%s%s</message>" % (
        quoteattr(to), quoteattr(mid),
        " type=%s" % quoteattr(mtype) if mtype else "",
        "<body>%s</body>" % escape(body) if body is not None else "", extra)
    peer.send_raw(xml)
    return mid


def _chatstate(state):
    return "<%s xmlns='%s'/>" % (state, NS_CHATSTATES)


def _receipt(peer, to, id):
    """peer acknowledges our message id (XEP-0184)."""
    return _send(peer, to, mtype=None,
                 extra="<received xmlns='%s' id=%s/>" % (NS_RECEIPTS,
                                                         quoteattr(id)))


def _msg(n, bjid, text):
    """/msg bjid text; returns the out message event."""
    m = n.mark()
    n.cmd("/msg %s %s" % (bjid, text))
    return n.wait("message", dir="out", since=m, body=text)


# ---- chat states ---------------------------------------------------------

def test_chatstates_from_peer(ctx):
    n, full, bob, bjid = _setup(ctx)
    m = n.mark()
    _send(bob, full, extra=_chatstate("composing"))
    ev = n.wait("chatstate", since=m, state="composing")
    assert ev.get("from") == bob.full_jid, \
        "chatstate from should be the full JID %s: %r" % (bob.full_jid, ev)
    assert ev.get("account") == "alice", ev
    _send(bob, full, extra=_chatstate("paused"))
    n.wait("chatstate", since=m, state="paused", from_=bob.full_jid)
    # with a body: the message and its state both arrive
    _send(bob, full, body="there you are", extra=_chatstate("active"))
    n.wait("message", since=m, dir="in", body="there you are")
    n.wait("chatstate", since=m, state="active", from_=bob.full_jid)
    _send(bob, full, extra=_chatstate("gone"))
    n.wait("chatstate", since=m, state="gone", from_=bob.full_jid)
    # a body-less chat state is not a message
    n.no_event("message", since=m, within=0.5, body=None)
    # an unknown element in the namespace, or a state outside a chat
    # message, is no chat state
    m = n.mark()
    _send(bob, full, extra="<typing xmlns='%s'/>" % NS_CHATSTATES)
    _send(bob, full, body="plain", mtype="normal",
          extra=_chatstate("composing"))
    n.wait("message", since=m, body="plain")
    n.no_event("chatstate", since=m, within=1.0)
    n.quit()


def test_outgoing_message_carries_active_and_request(ctx):
    n, full, bob, bjid = _setup(ctx)
    out = _msg(n, bjid, "hello with extras")
    assert out.get("replace_id") is None, \
        "a plain message has replace_id null: %r" % out
    st = bob.wait_stanza(bare=bare(full), body="hello with extras")
    assert st["chatstate"] == "active", \
        "a chat message should carry <active/>: %s" % st["xml"]
    assert st["receipt_request"], \
        "a chat message should ask for a receipt: %s" % st["xml"]
    assert st["id"] == out["id"] and st["origin_id"] == out["id"], st["xml"]
    assert st["replace"] is None, st["xml"]
    n.quit()


def test_msg_me_is_sent_verbatim(ctx):
    n, full, bob, bjid = _setup(ctx)
    _msg(n, bjid, "/me waves")
    got = bob.wait_message(bare=bare(full))
    assert got["body"] == "/me waves", got
    n.quit()


# ---- receipts ------------------------------------------------------------

def test_receipt_from_contact_reported(ctx):
    n, full, bob, bjid = _setup(ctx, friends=True)
    out = _msg(n, bjid, "did you get this?")
    bob.wait_message(bare=bare(full))
    m = n.mark()
    _receipt(bob, full, out["id"])
    ev = n.wait("receipt", since=m, id=out["id"])
    assert ev.get("from") == bob.full_jid, ev
    assert ev.get("account") == "alice", ev
    # a receipt is not a message and gets no receipt in turn
    n.no_event("message", since=m, within=0.5, dir="in")
    bob.no_stanza(received=lambda r: r is not None, within=0.5)
    n.quit()


def test_receipt_from_others_dropped(ctx):
    n, full, bob, bjid = _setup(ctx, friends=True)
    carol = _stranger(ctx)
    out = _msg(n, bjid, "for bob only")
    bob.wait_message(bare=bare(full))
    m = n.mark()
    # a third party names bob's message id
    _receipt(carol, full, out["id"])
    # bob acknowledges a message natter never sent
    _receipt(bob, full, "never-sent-" + secrets.token_hex(4))
    # a receipt without an id
    _send(bob, full, mtype=None, extra="<received xmlns='%s'/>" % NS_RECEIPTS)
    n.no_event("receipt", since=m, within=2.0)
    # bob's own receipt still counts
    _receipt(bob, full, out["id"])
    ev = n.wait("receipt", since=m, id=out["id"])
    assert ev.get("from") == bob.full_jid, ev
    n.quit()


def test_receipt_requests_answered_for_subscribed_only(ctx):
    n, full, bob, bjid = _setup(ctx, friends=True)
    carol = _stranger(ctx)
    request = "<request xmlns='%s'/>" % NS_RECEIPTS
    # bob (subscription both) gets a receipt from natter's full JID
    mid = _send(bob, full, body="receipt please", extra=request)
    n.wait("message", dir="in", body="receipt please")
    st = bob.wait_stanza(received=mid)
    assert st["from"] == full, "the receipt comes from natter: %r" % st
    assert not st["receipt_request"] and not st["body"], st["xml"]
    assert st["id"] and st["id"] != mid, \
        "the receipt has an id of its own: %s" % st["xml"]
    # carol is not in alice's roster: no receipt (it would reveal presence)
    cid = _send(carol, full, body="me too?", extra=request)
    n.wait("message", dir="in", body="me too?")
    carol.no_stanza(received=cid, within=2.0)
    # no receipt for a request in a body-less message or without an id
    _send(bob, full, extra=request + _chatstate("composing"), id="no-body")
    bob.send_raw("<message to=%s type='chat'><body>no id</body>%s</message>"
                 % (quoteattr(full), request))
    n.wait("message", dir="in", body="no id")
    bob.no_stanza(received=lambda r: r is not None, within=1.5)
    n.quit()


def test_receipt_answered_once_subscription_granted(ctx):
    n, full, bob, bjid = _setup(ctx)
    request = "<request xmlns='%s'/>" % NS_RECEIPTS
    mid = _send(bob, full, body="before", extra=request)
    n.wait("message", dir="in", body="before")
    bob.no_stanza(received=mid, within=1.5)
    # bob asks to see alice's presence and natter approves: the roster
    # push gives bob subscription 'from'
    m = n.mark()
    bob.subscribe(bare(full))
    n.wait("subscription", since=m, type="subscribe")
    n.cmd("/roster approve %s" % bjid)
    n.wait("roster", since=m, jid=bjid,
           subscription=lambda s: s in ("from", "both"))
    mid = _send(bob, full, body="after", extra=request)
    n.wait("message", dir="in", body="after")
    bob.wait_stanza(received=mid)
    n.quit()


def test_receipt_not_answered_to_one_way_subscription(ctx):
    # alice sees dave's presence ('to') but dave may not see hers
    ajid, apw = ctx.new_account("alice")
    djid, dpw = ctx.new_account("dave")
    a = ctx.peer(ajid, apw, resource="setup")
    d = ctx.peer(djid, dpw, resource="setup")
    a.subscribe(djid)
    d.wait_subscription(bare=ajid, type="subscribe")
    d.approve(ajid)
    a.wait_subscription(bare=djid, type="subscribed")
    a.disconnect()
    d.disconnect()
    n = ctx.natter(ctx.account_lines("alice", ajid, apw), args=["-a", "alice"])
    full = n.connected("alice")["jid"]
    n.wait("roster", jid=djid, subscription="to")
    dave = ctx.peer(djid, dpw)
    mid = _send(dave, full, body="receipt?",
                extra="<request xmlns='%s'/>" % NS_RECEIPTS)
    n.wait("message", dir="in", body="receipt?")
    dave.no_stanza(received=mid, within=2.0)
    n.quit()


def test_receipt_answered_after_versioned_login(ctx):
    # the second login is told its cached roster is current and gets no
    # items: the session must know bob's subscription from the cache
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    ctx.befriend(ajid, apw, bjid, bpw)
    datadir = ctx.mkdtemp()
    lines = ctx.account_lines("alice", ajid, apw)
    n = ctx.natter(lines, args=["-a", "alice"], datadir=datadir)
    n.connected("alice")
    n.wait("roster_end", account="alice")
    n.quit()
    n2 = ctx.natter(lines, args=["-a", "alice"], datadir=datadir)
    full = n2.connected("alice")["jid"]
    end = n2.wait("roster_end", account="alice")
    assert end["unchanged"] is True, end
    bob = ctx.peer(bjid, bpw)
    mid = _send(bob, full, body="cached?",
                extra="<request xmlns='%s'/>" % NS_RECEIPTS)
    n2.wait("message", dir="in", body="cached?")
    bob.wait_stanza(received=mid)
    n2.quit()


# ---- corrections ---------------------------------------------------------

def test_correct_after_msg(ctx):
    n, full, bob, bjid = _setup(ctx)
    first = _msg(n, bjid, "see you at noom")
    bob.wait_message(bare=bare(full), body="see you at noom")
    m = n.mark()
    n.cmd("/correct see you at noon")
    out = n.wait("message", since=m, dir="out", body="see you at noon")
    assert out.get("replace_id") == first["id"], \
        "the out event names the corrected message: %r" % out
    assert out.get("id") and out["id"] != first["id"], \
        "a correction has an id of its own: %r" % out
    st = bob.wait_stanza(body="see you at noon")
    assert st["replace"] == first["id"], \
        "the peer should see <replace id=%r/>: %s" % (first["id"], st["xml"])
    assert st["id"] == out["id"] and st["origin_id"] == out["id"], st["xml"]
    assert st["chatstate"] == "active" and st["receipt_request"], st["xml"]
    # correcting again still names the original message (XEP-0308)
    m = n.mark()
    n.cmd("/correct see you at noon!")
    out2 = n.wait("message", since=m, dir="out", body="see you at noon!")
    assert out2.get("replace_id") == first["id"], out2
    st = bob.wait_stanza(body="see you at noon!")
    assert st["replace"] == first["id"], st["xml"]
    # a new message becomes the one to correct
    second = _msg(n, bjid, "bring teh cake")
    m = n.mark()
    n.cmd("/correct bring the cake")
    out3 = n.wait("message", since=m, dir="out", body="bring the cake")
    assert out3.get("replace_id") == second["id"], out3
    assert bob.wait_stanza(body="bring the cake")["replace"] == second["id"]
    n.quit()


def test_correct_with_nothing_sent(ctx):
    n, full, bob, bjid = _setup(ctx)
    # no chat at all
    m = n.mark()
    n.cmd("/correct oops")
    err = n.wait("error", since=m, command="correct")
    assert err.get("message"), err
    n.no_event("message", since=m, within=0.5, dir="out")
    # a chat, but nothing sent to it in this session
    _msg(n, bjid, "first session")
    bob.wait_message(bare=bare(full), body="first session")
    m = n.mark()
    n.cmd("/disconnect")
    n.wait("disconnected", since=m, account="alice")
    m = n.mark()
    n.cmd("/connect alice")
    n.connected("alice", since=m)
    m = n.mark()
    n.cmd("/correct oops")
    err = n.wait("error", since=m, command="correct")
    assert "nothing to correct" in err.get("message", ""), err
    assert err.get("jid") == bjid, err
    # (the login's archive catch-up may bring "first session" back as an
    # archived copy: that is no correction)
    n.no_event("message", since=m, within=1.0, dir="out",
               where=lambda e: e.get("source") != "archive")
    bob.no_message(body="oops", within=0.5)
    n.quit()


def test_incoming_correction_from_same_sender(ctx):
    n, full, bob, bjid = _setup(ctx)
    m = n.mark()
    mid = _send(bob, full, body="helo")
    ev = n.wait("message", since=m, dir="in", body="helo")
    assert ev.get("replace_id") is None, ev
    cid = _send(bob, full, body="hello",
                extra="<replace xmlns='%s' id=%s/>" % (NS_CORRECT,
                                                      quoteattr(mid)))
    ev = n.wait("message", since=m, dir="in", body="hello")
    assert ev.get("replace_id") == mid, \
        "a correction from the same full JID names the message: %r" % ev
    assert ev.get("id") == cid, ev
    assert ev.get("from") == bob.full_jid, ev
    n.quit()


def test_incoming_correction_from_others_is_a_new_message(ctx):
    n, full, bob, bjid, bpw = _setup(ctx, want_password=True)
    carol = _stranger(ctx)
    bob2 = ctx.peer(bjid, bpw, resource="other")
    m = n.mark()
    mid = _send(bob, full, body="original")
    n.wait("message", since=m, dir="in", body="original")
    replace = "<replace xmlns='%s' id=%s/>" % (NS_CORRECT, quoteattr(mid))
    # another account claims bob's message
    _send(carol, full, body="carol's rewrite", extra=replace)
    ev = n.wait("message", since=m, dir="in", body="carol's rewrite")
    assert ev.get("replace_id") is None, \
        "a correction of someone else's message is a new message: %r" % ev
    # bob's other resource is not the full JID that sent it
    _send(bob2, full, body="other resource", extra=replace)
    ev = n.wait("message", since=m, dir="in", body="other resource")
    assert ev.get("replace_id") is None, ev
    # an id nobody sent
    _send(bob, full, body="ghost", extra="<replace xmlns='%s' id='nope'/>"
          % NS_CORRECT)
    ev = n.wait("message", since=m, dir="in", body="ghost")
    assert ev.get("replace_id") is None, ev
    # the original sender still can
    _send(bob, full, body="fixed", extra=replace)
    ev = n.wait("message", since=m, dir="in", body="fixed")
    assert ev.get("replace_id") == mid, ev
    n.quit()
