#!/usr/bin/python3
"""test_retract.py - message retraction (XEP-0424) against the suite's
Prosody with slixmpp peers: a contact's retraction blanks the message in
the store and says so, ours go out with /retract, only a message's sender
may retract it (in chats by bare JID, in rooms by occupant), and a
retraction fetched from the archive applies like a live one.  Run through
run.py."""

import secrets
import time


def _pair(ctx, datadir=None):
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    ctx.befriend(ajid, apw, bjid, bpw)
    return ajid, apw, bjid, bpw


def _login(ctx, ajid, apw, datadir=None):
    n = ctx.natter(ctx.account_lines("alice", ajid, apw), args=["-a", "alice"],
                   datadir=datadir)
    n.connected("alice")
    return n


def _history(n, jid):
    m = n.mark()
    n.cmd("/history %s" % jid)
    n.wait("info", command="history", since=m)
    return n.events("history", since=m)


def _search(n, words):
    m = n.mark()
    n.cmd("/search %s" % words)
    n.wait("search", since=m, where=lambda e: e.get("summary"))
    return [e for e in n.events("search", since=m) if not e.get("summary")]


def test_contact_retracts_a_message(ctx):
    ajid, apw, bjid, bpw = _pair(ctx)
    n = _login(ctx, ajid, apw)
    bob = ctx.peer(bjid, bpw)
    mid = bob.send_message(ajid, "the secret plan")
    n.wait("message", body="the secret plan")
    bob.send_message(ajid, "something else")
    n.wait("message", body="something else")
    assert [e["body"] for e in _search(n, "secret")] == ["the secret plan"]

    m = n.mark()
    bob.retract(ajid, mid)
    ev = n.wait("retract", since=m)
    assert ev["retracts"] == mid and ev["dir"] == "in", ev
    assert ev["from"].startswith(bjid), ev
    # the fallback text is not a message
    assert not n.events("message", since=m), n.events("message", since=m)
    hist = _history(n, bjid)
    gone = [e for e in hist if e.get("id") == mid]
    assert len(gone) == 1 and gone[0]["body"] == "" and gone[0].get("retracted"), hist
    assert any(e["body"] == "something else" and not e.get("retracted") for e in hist), hist
    assert _search(n, "secret") == [], "the text is forgotten, also by search"

    # a second retraction of the same message changes nothing
    m = n.mark()
    bob.retract(ajid, mid)
    bob.send_message(ajid, "after")
    n.wait("message", since=m, body="after")
    assert not n.events("retract", since=m), n.events("retract", since=m)


def test_only_the_sender_may_retract(ctx):
    ajid, apw, bjid, bpw = _pair(ctx)
    cjid, cpw = ctx.new_account("carol")
    n = _login(ctx, ajid, apw)
    bob = ctx.peer(bjid, bpw)
    carol = ctx.peer(cjid, cpw)
    mid = bob.send_message(ajid, "bob said this")
    n.wait("message", body="bob said this")
    m = n.mark()
    n.cmd("/msg %s my own words" % bjid)
    mine = n.wait("message", since=m, dir="out", body="my own words")

    m = n.mark()
    # carol cannot retract bob's message, bob cannot retract ours
    carol.retract(ajid, mid)
    bob.retract(ajid, mine["id"])
    # carol reusing the id in her own chat changes nothing in bob's
    carol.send_message(ajid, "carol's", id=mid)
    n.wait("message", since=m, body="carol's")
    carol.retract(ajid, mid)
    ev = n.wait("retract", since=m)
    assert ev["from"].startswith(cjid), ev
    n.ping()
    assert len(n.events("retract", since=m)) == 1, n.events("retract", since=m)
    bodies = {e["body"] for e in _history(n, bjid)}
    assert {"bob said this", "my own words"} <= bodies, bodies
    assert [e["body"] for e in _history(n, cjid)] == [""]


def test_retract_our_own(ctx):
    ajid, apw, bjid, bpw = _pair(ctx)
    n = _login(ctx, ajid, apw)
    bob = ctx.peer(bjid, bpw)
    m = n.mark()
    sent = {}
    for body in ("first", "wrong chat, sorry", "third"):
        n.cmd("/msg %s %s" % (bjid, body))
        sent[body] = n.wait("message", since=m, dir="out", body=body)
        bob.wait_message(body=body)
    # /retract 2: the one before the last
    m = n.mark()
    n.cmd("/retract 2")
    got = bob.wait_message(lambda s: s.get("retract"))
    assert got["retract"] == sent["wrong chat, sorry"]["origin_id"], got
    ev = n.wait("retract", since=m)
    assert ev["dir"] == "out" and ev["retracts"] == sent["wrong chat, sorry"]["id"], ev
    # without N: the newest not retracted
    n.cmd("/retract")
    got = bob.wait_message(lambda s: s.get("retract") == sent["third"]["origin_id"])
    n.wait("retract", since=m, where=lambda e: e["retracts"] == sent["third"]["id"])
    # counts skip the retracted: only "first" is left, so 2 is too far
    m = n.mark()
    for bad in ("2", "x", "0", "-1"):
        n.cmd("/retract %s" % bad)
    errs = [n.wait("error", since=m, command="retract")["message"] for _ in range(4)]
    assert "not sent 2 messages" in errs[0], errs
    assert all("is not a count" in e for e in errs[1:]), errs
    assert not n.events("retract", since=m)
    n.cmd("/retract")
    got = bob.wait_message(lambda s: s.get("retract") == sent["first"]["origin_id"])
    n.wait("retract", since=m, where=lambda e: e["retracts"] == sent["first"]["id"])
    hist = _history(n, bjid)
    assert len(hist) == 3 and all(e.get("retracted") for e in hist), hist
    m = n.mark()
    n.cmd("/retract")
    err = n.wait("error", since=m, command="retract")
    assert "nothing to retract" in err["message"], err


def _room_of_three(ctx, prefix):
    """A room made by bob (so its moderator) with carol in it, and natter
    logged in as alice and joined as alice: (n, bob, carol, room)."""
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    cjid, cpw = ctx.new_account("carol")
    bob = ctx.peer(bjid, bpw)
    carol = ctx.peer(cjid, cpw)
    room = "%s-%s@%s" % (prefix, secrets.token_hex(3), ctx.server.muc_host)
    bob.join_room(room, "bobby")
    carol.join_room(room, "carol")
    n = _login(ctx, ajid, apw)
    m = n.mark()
    n.cmd("/join %s/alice" % room)
    n.wait("joined", since=m, room=room, fail_on=["left"])
    return n, bob, carol, room


def test_room_retractions(ctx):
    n, bob, carol, room = _room_of_three(ctx, "retract")
    m = n.mark()
    bob.send_groupchat(room, "room oops")
    ev = n.wait("message", since=m, body="room oops")
    sid = ev["stanza_id"]
    assert sid, ev

    m = n.mark()
    carol.retract(room, sid, mtype="groupchat")  # not hers
    carol.send_groupchat(room, "marker")
    n.wait("message", since=m, body="marker")
    assert not n.events("retract", since=m), n.events("retract", since=m)
    bob.retract(room, sid, mtype="groupchat")
    ev = n.wait("retract", since=m)
    assert ev["from"] == room + "/bobby" and ev["type"] == "groupchat", ev

    # ours: the room gave it an id, /retract names that id
    m = n.mark()
    n.cmd("/msg %s mine to take back" % room)
    echo = n.wait("message", since=m, dir="out", body="mine to take back")
    n.cmd("/win %s" % room)
    n.cmd("/retract")
    got = bob.wait_message(lambda s: s.get("retract") and s["from"] == room + "/alice")
    assert got["retract"] == echo["stanza_id"], got
    ev = n.wait("retract", since=m, dir="out")
    hist = {e["body"]: e.get("retracted") for e in _history(n, room)}
    assert hist.get("") and "room oops" not in hist and "mine to take back" not in hist, hist


def test_room_moderation(ctx):
    """/moderate asks the room (Prosody's mod_muc_moderation, XEP-0425)
    to retract an occupant's message; refused until we are a moderator;
    a moderation by another moderator applies here too."""
    n, bob, carol, room = _room_of_three(ctx, "moderated")
    m = n.mark()
    n.cmd("/win %s" % room)
    sids = {}
    for body in ("spam one", "spam two", "fine words"):
        carol.send_groupchat(room, body)
        sids[body] = n.wait("message", since=m, body=body)["stanza_id"]
        assert sids[body], body

    # a participant may not: the room's refusal is reported, nothing changes
    m = n.mark()
    n.cmd("/moderate carol")
    err = n.wait("error", since=m, command="moderate")
    assert "did not retract" in err["message"] and err.get("condition") == "forbidden", err
    assert not n.events("retract", since=m)

    # a moderator may: /moderate carol 2 takes "spam two" (the one before
    # her last), and everyone sees the room's retraction with the reason
    bob.set_role(room, "alice", "moderator")
    m = n.mark()
    n.cmd("/moderate carol 2 advertising")
    ev = n.wait("retract", since=m)
    assert ev["from"] == room and ev["moderated"] and ev["retract_id"] == sids["spam two"], ev
    got = bob.wait_stanza(lambda st: "urn:xmpp:message-moderate" in st["xml"]
                          and sids["spam two"] in st["xml"])
    assert "advertising" in got["xml"] and room + "/alice" in got["xml"], got["xml"]

    # bad counts and unknown authors are refused here, before the room
    m = n.mark()
    n.cmd("/moderate carol 9")
    n.cmd("/moderate nobody")
    errs = [n.wait("error", since=m, command="moderate")["message"] for _ in range(2)]
    assert "has not sent 9 messages" in errs[0] and "no message from nobody" in errs[1], errs
    assert not n.events("retract", since=m)

    # another moderator's retraction applies here as well
    reply = bob.moderate(room, sids["spam one"], "spam")
    assert reply is not None and reply.get("type") == "result", reply
    ev = n.wait("retract", since=m)
    assert ev["moderated"] and ev["retract_id"] == sids["spam one"], ev
    hist = [(e["body"], bool(e.get("retracted"))) for e in _history(n, room)]
    assert hist == [("", True), ("", True), ("fine words", False)], hist


def test_retraction_from_the_archive(ctx):
    ajid, apw, bjid, bpw = _pair(ctx)
    data = ctx.mkdtemp()
    n = _login(ctx, ajid, apw, datadir=data)
    n.wait("archive_page", where=lambda e: e["complete"])
    n.quit()
    bob = ctx.peer(bjid, bpw)
    mid = bob.send_message(ajid, "said while away")
    bob.send_message(ajid, "kept while away")
    bob.retract(ajid, mid)
    time.sleep(0.5)
    n = _login(ctx, ajid, apw, datadir=data)
    n.wait("archive_page", where=lambda e: e["complete"])
    n.ping()
    hist = {e["body"]: e for e in _history(n, bjid)}
    assert "said while away" not in hist, hist
    assert "kept while away" in hist and hist[""].get("retracted"), hist
