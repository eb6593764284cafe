#!/usr/bin/python3
"""test_muc.py - group chat (XEP-0045) against the suite's Prosody MUC
service with slixmpp peers: joining (and creating) rooms, occupants,
messages both ways, history, subjects, nick conflicts and changes, leaving,
being kicked, rejoining after a reconnect, private messages, and dropping
what does not come from a room we are in.  Run through run.py."""

import os
import re
import secrets
import sqlite3
import time

from peer import PeerTimeout


def _room(ctx, name="room"):
    return "%s-%s@%s" % (name, secrets.token_hex(3), ctx.server.muc_host)


def _alice(ctx, extra=()):
    ajid, apw = ctx.new_account("alice")
    n = ctx.natter(ctx.account_lines("alice", ajid, apw, extra=extra),
                   args=["-a", "alice"])
    n.connected("alice")
    return n, ajid


def _bob(ctx):
    bjid, bpw = ctx.new_account("bob")
    return ctx.peer(bjid, bpw), bjid


def _join(n, room, nick=None, password=None):
    """/join and wait for 'joined'; fails at once on a join error."""
    m = n.mark()
    line = "/join %s%s" % (room, "/" + nick if nick else "")
    if password:
        line += " " + password
    n.cmd(line)
    return n.wait("joined", since=m, room=room, fail_on=["left"])


def test_join_creates_room(ctx):
    n, ajid = _alice(ctx)
    room = _room(ctx)
    m = n.mark()
    n.cmd("/join %s" % room)
    ev = n.wait("joining", since=m, room=room)
    nick = ajid.split("@")[0]
    assert ev["nick"] == nick, "default nick is the JID's name: %r" % ev
    me = n.wait("occupant", since=m, room=room, nick=nick)
    assert me["self"] is True and me["show"] == "online", me
    assert me["affiliation"] == "owner", "the creator owns the room: %r" % me
    j = n.wait("joined", since=m, room=room)
    assert j["nick"] == nick and j.get("why") == "created", j
    # the room was unlocked (instant room): someone else can enter it
    bob, bjid = _bob(ctx)
    bob.join_room(room, "bobby")
    occ = n.wait("occupant", since=m, room=room, nick="bobby")
    assert occ["self"] is False and occ["initial"] is False, occ
    assert occ["role"] == "participant", occ
    # the owner may set the subject; everyone sees it
    m = n.mark()
    n.cmd("/topic plans for Friday")
    sub = n.wait("subject", since=m, room=room)
    assert sub["subject"] == "plans for Friday" and sub["nick"] == nick, sub
    bob.wait_stanza(lambda s: s["elem"].findtext("{jabber:client}subject")
                    == "plans for Friday")
    n.cmd("/topic")
    assert "plans for Friday" in n.wait("info", since=m)["message"]


def test_messages_both_ways(ctx):
    bob, bjid = _bob(ctx)
    room = _room(ctx)
    bob.join_room(room, "bobby")
    n, ajid = _alice(ctx)
    m = n.mark()
    _join(n, room, "ally")
    occ = n.wait("occupant", since=m, room=room, nick="bobby")
    assert occ["initial"] is True, "bob was there first: %r" % occ
    assert occ["affiliation"] == "owner" and occ["role"] == "moderator", occ
    bob.wait_presence(lambda p: p["from"] == room + "/ally")

    m = n.mark()
    mid = bob.send_groupchat(room, "hello room")
    ev = n.wait("message", since=m, dir="in", type="groupchat")
    assert ev["from"] == room + "/bobby" and ev["body"] == "hello room", ev
    assert ev["id"] == mid, ev

    # a plain line after /join goes to the room
    m = n.mark()
    n.cmd("hi all")
    got = bob.wait_message(type="groupchat", body="hi all")
    assert got["from"] == room + "/ally", got
    out = n.wait("message", since=m, dir="out", body="hi all")
    assert out["type"] == "groupchat" and out["from"] == room + "/ally", out
    assert out["id"] == got["id"] or out["id"] == got["origin_id"], (out, got)
    n.no_event("message", since=m, body="hi all", within=1.0)

    # a correction of it, in the room
    m = n.mark()
    n.cmd("/correct hi everyone")
    got2 = bob.wait_message(type="groupchat", body="hi everyone")
    assert got2["replace"] in (got["id"], got["origin_id"]), got2
    out2 = n.wait("message", since=m, dir="out", body="hi everyone")
    assert out2["replace_id"] == out["id"], out2

    # /me goes as it is
    n.cmd("/msg %s /me waves" % room)
    bob.wait_message(type="groupchat", body="/me waves")


def test_history_on_join_once(ctx):
    """A room that keeps an archive (Prosody's mod_muc_mam): natter joins
    asking for no join history and fetches what it missed from the
    room's archive; a reconnect fetches only what came after the newest
    archived message natter holds."""
    bob, bjid = _bob(ctx)
    room = _room(ctx)
    bob.join_room(room, "bobby")
    for i in range(3):
        bob.send_groupchat(room, "old %d" % i)
    bob.set_subject(room, "the subject")
    time.sleep(0.3)
    n, ajid = _alice(ctx)
    n.cmd("/console on")
    m = n.mark()
    _join(n, room)
    for i in range(3):
        ev = n.wait("message", since=m, body="old %d" % i)
        assert ev["type"] == "groupchat" and ev["dir"] == "in", ev
        assert ev["source"] == "archive" and ev["stanza_id"], ev
        assert ev["from"] == room + "/bobby", ev
        assert ev["stamp"] <= time.time() + 1, ev
    sub = n.wait("subject", since=m, room=room)
    assert sub["subject"] == "the subject", sub
    page = n.wait("archive_page", since=m, archive=room)
    assert page["ok"] and page["complete"], page
    bodies = [e["body"] for e in n.events("message", since=m)]
    assert bodies == ["old 0", "old 1", "old 2"], bodies
    join = [e["xml"] for e in n.events("stanza", since=m, dir="out")
            if e["xml"].startswith("<presence") and room in e["xml"]]
    assert join and re.search(r"maxstanzas=[\"']0[\"']", join[0]), join

    # one seen live, in the same second as the last history message
    bob.send_groupchat(room, "seen live")
    live = n.wait("message", since=m, body="seen live")
    assert live["source"] == "live" and live["stanza_id"], live

    # reconnecting joins again, with only what was missed
    m = n.mark()
    n.cmd("/disconnect")
    n.wait("disconnected", since=m)
    bob.send_groupchat(room, "while you were away")
    n.cmd("/connect alice")
    n.connected("alice", since=m)
    n.wait("joined", since=m, room=room)
    ev = n.wait("message", since=m, body="while you were away")
    assert ev["source"] == "archive", ev
    n.wait("subject", since=m, room=room)
    n.wait("archive_page", since=m, archive=room, where=lambda e: e["complete"])
    bodies = [e["body"] for e in n.events("message", since=m)]
    assert bodies == ["while you were away"], \
        "a rejoin must not repeat history: %r" % bodies
    # the query named the newest archived message natter held
    q = [e["xml"] for e in n.events("stanza", since=m, dir="out")
         if "urn:xmpp:mam:2" in e["xml"] and room in e["xml"]]
    assert len(q) == 1 and "<after>%s</after>" % live["stanza_id"] in q[0], q


def test_room_archive_after_restart(ctx):
    """The newest archived message of a room is kept with the history: a
    natter started again (a /join line in its config) fetches only what
    the room said after it, and a room with archiving off gets its join
    history instead, once."""
    bob, bjid = _bob(ctx)
    room = _room(ctx)
    bob.join_room(room, "bobby")
    bob.send_groupchat(room, "before")
    ajid, apw = ctx.new_account("alice")
    data = ctx.mkdtemp()
    lines = ctx.account_lines("alice", ajid, apw) + ["/join %s/alice" % room]

    def start():
        n = ctx.natter(lines, args=["-a", "alice"], datadir=data)
        n.connected("alice")
        n.wait("joined", room=room, fail_on=["left"])
        n.wait("archive_page", archive=room, where=lambda e: e["complete"])
        n.ping()
        return n

    n = start()
    assert [e["body"] for e in n.events("message")] == ["before"], n.events("message")
    n.quit()
    bob.send_groupchat(room, "after 1")
    bob.send_groupchat(room, "after 2")
    time.sleep(0.3)
    n = start()
    got = n.events("message")
    assert [e["body"] for e in got] == ["after 1", "after 2"], got
    assert all(e["source"] == "archive" for e in got), got
    m = n.mark()
    n.cmd("/history %s" % room)
    n.wait("info", command="history", since=m)
    hist = [e["body"] for e in n.events("history", since=m)]
    assert hist == ["before", "after 1", "after 2"], hist
    n.quit()

    # the checkpoint lost (a store from before it was kept): the room's
    # newest messages come again, and what the store holds is not shown
    # or kept twice
    db = sqlite3.connect(os.path.join(data, "natter", "natter.db"))
    db.execute("DELETE FROM archive_state WHERE archive = ?", (room,))
    db.commit()
    db.close()
    bob.send_groupchat(room, "after 3")
    time.sleep(0.3)
    n = start()
    got = n.events("message")
    assert [e["body"] for e in got] == ["after 3"], got
    m = n.mark()
    n.cmd("/history %s" % room)
    n.wait("info", command="history", since=m)
    hist = [e["body"] for e in n.events("history", since=m)]
    assert hist == ["before", "after 1", "after 2", "after 3"], hist
    n.quit()


def test_room_without_archive_uses_join_history(ctx):
    bob, bjid = _bob(ctx)
    room = _room(ctx)
    bob.join_room(room, "bobby")
    bob.configure_room(room, {"muc#roomconfig_enablearchiving": "0"})
    for i in range(2):
        bob.send_groupchat(room, "legacy %d" % i)
    time.sleep(0.3)
    n, ajid = _alice(ctx)
    m = n.mark()
    _join(n, room)
    for i in range(2):
        ev = n.wait("message", since=m, body="legacy %d" % i)
        assert ev["source"] == "live" and ev["delayed"], ev
    n.wait("subject", since=m, room=room)
    n.ping()
    assert not n.events("archive_page", since=m, archive=room), n.events("archive_page")
    bodies = [e["body"] for e in n.events("message", since=m)]
    assert bodies == ["legacy 0", "legacy 1"], bodies

    # a rejoin asks for history since the newest message seen: nothing again
    bob.send_groupchat(room, "seen live")
    n.wait("message", since=m, body="seen live")
    m = n.mark()
    n.cmd("/disconnect")
    n.wait("disconnected", since=m)
    time.sleep(1.1)
    bob.send_groupchat(room, "while you were away")
    time.sleep(1.1)
    n.cmd("/connect alice")
    n.connected("alice", since=m)
    n.wait("joined", since=m, room=room)
    n.wait("message", since=m, body="while you were away")
    n.wait("subject", since=m, room=room)
    bodies = [e["body"] for e in n.events("message", since=m)]
    assert bodies == ["while you were away"], \
        "a rejoin must not repeat history: %r" % bodies


def test_join_from_config_when_connected(ctx):
    bob, bjid = _bob(ctx)
    room = _room(ctx)
    bob.join_room(room, "bobby")
    ajid, apw = ctx.new_account("alice")
    lines = ctx.account_lines("alice", ajid, apw) + ["join %s/fromconfig" % room]
    n = ctx.natter(lines, args=["-a", "alice"])
    info = n.wait("info")
    assert room in info["message"] and "when alice connects" in info["message"], info
    n.connected("alice")
    j = n.wait("joined", room=room)
    assert j["nick"] == "fromconfig", j
    bob.wait_presence(lambda p: p["from"] == room + "/fromconfig")


def test_nick_conflict(ctx):
    bob, bjid = _bob(ctx)
    room = _room(ctx)
    bob.join_room(room, "taken")
    n, ajid = _alice(ctx)
    m = n.mark()
    n.cmd("/join %s/taken" % room)
    err = n.wait("error", since=m, command="join")
    assert err["condition"] == "conflict" and err["jid"] == room, err
    assert "taken" in err["message"], err
    left = n.wait("left", since=m, room=room)
    assert left["why"] == "error", left
    n.no_event("joined", since=m, within=0.5)
    # a plain line now is refused rather than sent anywhere
    m = n.mark()
    n.cmd("/msg %s hello?" % room)
    n.wait("error", since=m)
    bob.no_message(type="groupchat", within=1.0)
    # another nick works
    _join(n, room, "free")


def test_leave_and_kick(ctx):
    bob, bjid = _bob(ctx)
    room = _room(ctx)
    bob.join_room(room, "boss")
    n, ajid = _alice(ctx)
    _join(n, room, "ally")
    bob.wait_presence(lambda p: p["from"] == room + "/ally")
    m = n.mark()
    n.cmd("/leave %s gone fishing" % room)
    left = n.wait("left", since=m, room=room)
    assert left["why"] == "left", left
    p = bob.wait_presence(lambda p: p["from"] == room + "/ally")
    assert p["type"] == "unavailable" and p["status"] == "gone fishing", p
    # not in the room any more: the room's messages would be dropped, and
    # a message to it is refused
    m = n.mark()
    n.cmd("/msg %s still there?" % room)
    n.wait("error", since=m)

    # kicked
    _join(n, room, "ally")
    bob.wait_presence(lambda p: p["from"] == room + "/ally" and p["type"] == "available")
    m = n.mark()
    bob.kick(room, "ally", reason="too loud")
    occ = n.wait("occupant", since=m, room=room, nick="ally")
    assert occ["self"] and occ["why"] == "kicked" and occ["show"] == "offline", occ
    left = n.wait("left", since=m, room=room)
    assert left["why"] == "kicked" and left["reason"] == "too loud", left
    # kicked means out: no automatic rejoin on reconnect
    m = n.mark()
    n.cmd("/disconnect")
    n.wait("disconnected", since=m)
    n.cmd("/connect alice")
    n.connected("alice", since=m)
    n.no_event("joined", since=m, within=1.5)


def test_occupants_come_go_and_rename(ctx):
    n, ajid = _alice(ctx)
    room = _room(ctx)
    _join(n, room, "ally")
    bob, bjid = _bob(ctx)
    m = n.mark()
    bob.join_room(room, "bobby")
    n.wait("occupant", since=m, nick="bobby", show="online")
    bob.send_presence(show="away", status="lunch", pto=room + "/bobby")
    occ = n.wait("occupant", since=m, nick="bobby", show="away")
    assert occ["status"] == "lunch", occ
    # bob renames himself
    bob.send_presence(pto=room + "/robert")
    gone = n.wait("occupant", since=m, nick="bobby", show="offline")
    assert gone["why"] == "nick" and gone["new_nick"] == "robert", gone
    n.wait("occupant", since=m, nick="robert", show="online")
    # we rename ourselves
    m = n.mark()
    n.cmd("/nick allison")
    me = n.wait("occupant", since=m, nick="ally", where=lambda e: e["self"])
    assert me["why"] == "nick" and me["new_nick"] == "allison", me
    n.wait("occupant", since=m, nick="allison", where=lambda e: e["self"], show="online")
    bob.wait_presence(lambda p: p["from"] == room + "/allison")
    # and our messages come back as ours under the new nick
    m = n.mark()
    n.cmd("/msg %s renamed" % room)
    out = n.wait("message", since=m, body="renamed")
    assert out["dir"] == "out" and out["from"] == room + "/allison", out
    # a nick someone has is refused and we keep ours
    m = n.mark()
    n.cmd("/nick robert")
    err = n.wait("error", since=m, command="nick")
    assert err["condition"] == "conflict", err
    n.cmd("/msg %s still allison" % room)
    out = n.wait("message", since=m, body="still allison")
    assert out["from"] == room + "/allison", out
    # bob leaves
    m = n.mark()
    bob.leave_room(room, "robert", status="bye")
    gone = n.wait("occupant", since=m, nick="robert", show="offline")
    assert gone["why"] == "left" and gone["status"] == "bye", gone


def test_private_messages(ctx):
    bob, bjid = _bob(ctx)
    room = _room(ctx)
    bob.join_room(room, "bobby")
    n, ajid = _alice(ctx)
    _join(n, room, "ally")
    bob.wait_presence(lambda p: p["from"] == room + "/ally")
    m = n.mark()
    bob.send_message(room + "/ally", "psst", mtype="chat")
    ev = n.wait("message", since=m, body="psst")
    assert ev["type"] == "chat" and ev["from"] == room + "/bobby", ev
    n.cmd("/msg %s/bobby back at you" % room)
    got = bob.wait_stanza(body="back at you")
    assert got["type"] == "chat" and got["from"] == room + "/ally", got
    assert got["elem"].find("{http://jabber.org/protocol/muc#user}x") is not None, \
        "a private message in a room carries the muc#user element"


def test_groupchat_not_from_a_room_is_dropped(ctx):
    n, ajid = _alice(ctx)
    room = _room(ctx)
    _join(n, room, "ally")
    bob, bjid = _bob(ctx)
    m = n.mark()
    # a groupchat message straight from a user, and one "from" a room we
    # are not in, and a fake self-presence: none of it counts
    bob.send_message(ajid + "/natter", "not a room", mtype="groupchat")
    bob.send_raw("<presence to='%s/natter'><x xmlns='http://jabber.org/"
                 "protocol/muc#user'><item affiliation='owner' role='moderator'/>"
                 "<status code='110'/></x></presence>" % ajid)
    time.sleep(0.3)
    n.ping()
    n.no_event("message", since=m, within=1.0)
    n.no_event("joined", since=m, within=0.1)
    n.no_event("occupant", since=m, within=0.1)


def test_password_room(ctx):
    bob, bjid = _bob(ctx)
    room = _room(ctx)
    bob.join_room(room, "boss")
    bob.configure_room(room, {"muc#roomconfig_passwordprotectedroom": "1",
                              "muc#roomconfig_roomsecret": "s3cr3t-word"})
    debug = ctx.mkdtemp() + "/debug.log"
    n, ajid = _alice(ctx, extra=["set debug_file %s" % debug])
    m = n.mark()
    n.cmd("/join %s/ally" % room)
    err = n.wait("error", since=m, command="join")
    assert err["condition"] == "not-authorized", err
    assert "password" in err["message"], err
    n.wait("left", since=m, room=room)
    _join(n, room, "ally", password="s3cr3t-word")
    n.quit()
    with open(debug) as f:
        log = f.read()
    assert "<presence" in log, "the debug log should show traffic"
    assert "s3cr3t-word" not in log, "the room password must not be logged"
    assert "s3cr3t-word" not in n.stdout_text().replace(
        "/join %s/ally s3cr3t-word" % room, ""), "nor printed"


def test_bad_input(ctx):
    n, ajid = _alice(ctx)
    for line, word in (("/join conference.localhost", "not a room"),
                       ("/join a@@b", "not a valid room JID"),
                       ("/leave nowhere@conference.localhost", "not in"),
                       ("/topic", "which room"),
                       ("/nick x", "which room")):
        m = n.mark()
        n.cmd(line)
        err = n.wait("error", since=m)
        assert word in err["message"], (line, err)
    n.ping()
