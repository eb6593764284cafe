#!/usr/bin/python3
"""test_muc.py - group chat (XEP-0045) in the terminal interface: the room
window and its title, the occupant pane, messages both ways, unread and
highlights, nick completion, and people leaving.  Run through run.py."""

import re
import secrets

from tui import Tui, status_windows, title

SGR = re.compile(r"\x1b\[([0-9;:]*)m")

# the default theme's colours (src/ui/theme.c)
HIGHLIGHT_WIN = 207    # status.win.highlight
ACTIVE_WIN = 226       # status.win.active
HIGHLIGHT_LINE = 220   # main.highlight


def _room(ctx, name="room"):
    return "%s-%s@%s" % (name, secrets.token_hex(3), ctx.server.muc_host)


def _fg_at(ansi_row, sub):
    """The xterm-256 foreground colour (or None: the default) in effect
    where sub starts in a row captured with its SGR sequences."""
    fg, text, states = None, [], []
    i = 0
    while i < len(ansi_row):
        m = SGR.match(ansi_row, i)
        if m:
            params = [p for p in re.split(r"[;:]", m.group(1))] or ["0"]
            j = 0
            while j < len(params):
                p = int(params[j] or 0)
                if p == 0 or p == 39:
                    fg = None
                elif p == 38 and j + 2 < len(params) and params[j + 1] == "5":
                    fg = int(params[j + 2])
                    j += 2
                elif p == 48 and j + 2 < len(params) and params[j + 1] == "5":
                    j += 2
                elif 30 <= p <= 37:
                    fg = p - 30
                elif 90 <= p <= 97:
                    fg = p - 90 + 8
                j += 1
            i = m.end()
            continue
        text.append(ansi_row[i])
        states.append(fg)
        i += 1
    at = "".join(text).find(sub)
    assert at >= 0, "%r not in %r" % (sub, "".join(text))
    return states[at]


def _ansi_row(t, pred):
    """The first row of the screen (with colours) whose text holds pred."""
    for row in t.screen_ansi().split("\n"):
        if pred in SGR.sub("", row):
            return row
    raise AssertionError("no row with %r:\n%s" % (pred, t.show()))


def _status_fg(t, num):
    """The foreground colour of window num's entry in the status bar."""
    row = t.screen_ansi().split("\n")[t.height - 2]
    return _fg_at(row, "%d:" % num)


def _in_room(ctx, peer_nick="bobby", nick="ally", height=35):
    """A room made by bob (a slixmpp peer, so its moderator) as
    peer_nick, and alice's natter in it as nick, the room's window
    current.  Returns (tui, alice's jid, bob, room)."""
    room = _room(ctx)
    bjid, bpw = ctx.new_account("bob")
    bob = ctx.peer(bjid, bpw)
    bob.join_room(room, peer_nick)
    ajid, apw = ctx.new_account("alice")
    t = Tui(ctx, ctx.account_lines("alice", ajid, apw), args=["-a", "alice"],
            height=height)
    t.wait_for(lambda s: "[alice: online]" in s, desc="alice online")
    t.type_line("/join %s/%s" % (room, nick))
    t.wait_for(lambda s: room in title(t) and "2 occupants" in title(t),
               desc="the room in the title with its 2 occupants")
    t.wait_for("you joined %s as %s" % (room, nick))
    return t, ajid, bob, room


def test_join_shows_room_and_occupants(ctx):
    t, ajid, bob, room = _in_room(ctx)
    # the window is current and named by the room's localpart
    wins = status_windows(t.status_row())
    local = room.split("@")[0]
    assert 2 in wins and local.startswith(wins[2][0].rstrip("…")), t.status_row()
    assert "as ally" in title(t), title(t)
    assert t.input_row().startswith(">"), t.input_row()
    assert "joining %s as ally…" % room in t.main_text(), t.show()
    # the occupant pane: bob made the room (a moderator), we take part
    t.wait_for(lambda s: " o ally *" in t.pane_area(),
               desc="our own nick in the occupant pane")
    pane = [r for r in t.pane_area() if r]
    assert pane[:4] == ["Moderators (1)", " o bobby", "Participants (1)",
                        " o ally *"], pane
    # the console shows the roster again
    t.keys("M-1")
    t.wait_for(lambda s: "console" in title(t), desc="the console")
    assert "Moderators (1)" not in t.pane_area(), t.show()
    t.keys("M-2")
    t.wait_for(lambda s: "Moderators (1)" in t.pane_area(),
               desc="the occupants again")
    t.quit()


def test_messages_both_ways(ctx):
    t, ajid, bob, room = _in_room(ctx)
    bob.send_groupchat(room, "hello room")
    t.wait_for("<bobby> hello room")
    # a plain line goes to the room, and shows once, as ours
    t.type_line("hi bobby")
    got = bob.wait_message(lambda m: m["body"] == "hi bobby")
    assert got["type"] == "groupchat", got
    assert got["from"] == "%s/ally" % room, got
    t.wait_for("<ally> hi bobby")
    t.stable(0.3)
    assert t.main_text().count("hi bobby") == 1, t.show()
    # /me in a room
    bob.send_groupchat(room, "/me waves")
    t.wait_for("* bobby waves")
    t.quit()


def test_unread_and_highlight(ctx):
    t, ajid, bob, room = _in_room(ctx)
    t.keys("M-1")
    t.wait_for(lambda s: "console" in title(t), desc="the console")
    # a message not about us: unread, no highlight
    bob.send_groupchat(room, "hello everyone")
    t.wait_for(lambda s: status_windows(t.status_row()).get(2, ("", 0))[1] == 1,
               desc="window 2 with 1 unread")
    t.stable(0.2)
    assert _status_fg(t, 2) == ACTIVE_WIN, t.status_row()
    assert t.fmt("pane_title") == "natter", t.fmt("pane_title")
    # one that names us (in another case): a highlight
    bob.send_groupchat(room, "ALLY: are you there?")
    t.wait_for(lambda s: status_windows(t.status_row()).get(2, ("", 0))[1] == 2,
               desc="window 2 with 2 unread")
    t.stable(0.2)
    assert _status_fg(t, 2) == HIGHLIGHT_WIN, t.status_row()
    t.wait_for(lambda s: t.fmt("pane_title") == "natter [1]",
               desc="the terminal title counting 1 highlight (it is %r)"
               % t.fmt("pane_title"))
    # in the room: the line that names us is highlighted, the other not
    t.keys("M-2")
    t.wait_for("are you there?")
    t.stable(0.2)
    assert _fg_at(_ansi_row(t, "are you there?"), "are you there?") \
        == HIGHLIGHT_LINE, t.show()
    assert _fg_at(_ansi_row(t, "hello everyone"), "hello everyone") \
        != HIGHLIGHT_LINE, t.show()
    t.wait_for(lambda s: t.fmt("pane_title") == "natter",
               desc="the terminal title back to 'natter' once read")
    # a mention in the current window is highlighted too
    bob.send_groupchat(room, "thanks ally")
    t.wait_for("thanks ally")
    t.stable(0.2)
    assert _fg_at(_ansi_row(t, "thanks ally"), "thanks ally") \
        == HIGHLIGHT_LINE, t.show()
    # and our own lines never are
    t.type_line("ally is here")
    t.wait_for("<ally> ally is here")
    t.stable(0.2)
    assert _fg_at(_ansi_row(t, "ally is here"), "ally is here") \
        != HIGHLIGHT_LINE, t.show()
    t.quit()


def test_nick_completion(ctx):
    t, ajid, bob, room = _in_room(ctx)
    # at the start of the line: "nick: "
    t.literal("bo")
    t.keys("Tab")
    t.wait_row(-1, lambda r: r == "> bobby:", desc="'bobby: ' completed")
    t.literal("x")
    t.wait_row(-1, lambda r: r == "> bobby: x", desc="a space after the colon")
    t.keys("C-a", "C-k")
    # later in the line: "nick ", and case does not matter
    t.literal("hi BO")
    t.keys("Tab")
    t.literal("x")
    t.wait_row(-1, lambda r: r == "> hi bobby x", desc="'hi bobby x'")
    t.keys("C-a", "C-k")
    # commands still complete as commands
    t.literal("/jo")
    t.keys("Tab")
    t.wait_row(-1, lambda r: r.startswith("> /join"), desc="/join completed")
    t.keys("C-a", "C-k")
    t.quit()


def test_peer_leaves(ctx):
    t, ajid, bob, room = _in_room(ctx)
    t.wait_for(lambda s: " o bobby" in t.pane_area(), desc="bobby in the pane")
    bob.leave_room(room, "bobby", status="off to lunch")
    t.wait_for("bobby left (off to lunch)")
    t.wait_for(lambda s: " o bobby" not in t.pane_area(),
               desc="bobby gone from the occupant pane")
    assert "1 occupant" in title(t), title(t)
    # back again: a join line
    bob.join_room(room, "bobby")
    t.wait_for("bobby joined")
    t.wait_for(lambda s: " o bobby" in t.pane_area(), desc="bobby back")
    t.quit()


def test_occupant_pane_scrolls(ctx):
    # 3 rows for the pane: the 4 rows of 2 groups do not fit
    t, ajid, bob, room = _in_room(ctx, height=6)
    t.wait_for(lambda s: t.pane_area()[:3] == ["Moderators (1)", " o bobby",
                                                "Participants (1)"],
               desc="the pane's first rows")
    t.keys("M-Down")
    t.wait_for(lambda s: t.pane_area()[:3] == [" o bobby", "Participants (1)",
                                                " o ally *"],
               desc="the pane scrolled down a row")
    t.keys("M-Up")
    t.wait_for(lambda s: t.pane_area()[0] == "Moderators (1)",
               desc="the pane back at its top")
    t.quit()


def test_close_leaves_room(ctx):
    t, ajid, bob, room = _in_room(ctx)
    t.type_line("/close")
    t.wait_for(lambda s: 2 not in status_windows(t.status_row()),
               desc="the room's window closed")
    bob.wait_presence(lambda p: p["bare"] == room and p["type"] == "unavailable"
                      and p["from"].endswith("/ally"))
    t.quit()


def test_private_chat_with_occupant(ctx):
    t, ajid, bob, room = _in_room(ctx)
    # a private message from an occupant opens a window named by the nick
    bob.send_message("%s/ally" % room, "psst, ally")
    t.wait_for(lambda s: 3 in status_windows(t.status_row()),
               desc="window 3 for bobby's private message")
    assert status_windows(t.status_row())[3] == ("bobby", 1), t.status_row()
    t.keys("M-3")
    t.wait_for(lambda s: title(t).startswith("bobby in %s" % room),
               desc="'bobby in ROOM' in the title")
    t.wait_for("<bobby> psst, ally")
    # a reply goes to the occupant, not to the room
    t.type_line("what is it?")
    got = bob.wait_message(lambda m: m["body"] == "what is it?")
    assert got["type"] == "chat" and got["from"] == "%s/ally" % room, got
    t.wait_for("<ally> what is it?")
    # the room's window did not get it
    t.keys("M-2")
    t.wait_for(lambda s: room in title(t) and "as ally" in title(t),
               desc="the room again")
    assert "psst" not in t.main_text() and "what is it" not in t.main_text(), \
        t.show()
    t.quit()


def test_kicked(ctx):
    t, ajid, bob, room = _in_room(ctx)
    bob.kick(room, "ally", reason="too loud")
    t.wait_for("you were kicked from %s: too loud" % room)
    # the window stays, to read back, and says we are out
    t.wait_for(lambda s: "not in the room" in title(t),
               desc="'not in the room' in the title")
    assert " not in the room" in t.pane_area(), t.show()
    t.quit()


def test_reconnect_rejoins(ctx):
    t, ajid, bob, room = _in_room(ctx)
    bob.send_groupchat(room, "before the break")
    t.wait_for("<bobby> before the break")
    t.type_line("/disconnect")
    t.wait_for("disconnected: rejoining when the account connects")
    t.wait_for(lambda s: "offline: joined again" in title(t),
               desc="the title saying we are out until we connect")
    assert " offline" in t.pane_area(), t.show()
    bob.send_groupchat(room, "ally: while you were away")
    t.type_line("/connect")
    t.wait_for(lambda s: t.main_text().count("you joined %s as ally" % room)
               == 2, desc="a second 'you joined'")
    # what was missed comes, once; what was seen is not repeated
    t.wait_for("<bobby> ally: while you were away")
    t.wait_for(lambda s: "2 occupants" in title(t), desc="2 occupants again")
    t.wait_for(lambda s: " o bobby" in t.pane_area(), desc="bobby in the pane")
    t.stable(0.3)
    assert t.main_text().count("before the break") == 1, t.show()
    assert t.main_text().count("while you were away") == 1, t.show()
    t.quit()


def test_corrections(ctx):
    t, ajid, bob, room = _in_room(ctx)
    # the peer corrects its message: the line changes in place
    bob.send_groupchat(room, "helo all", id="m-1")
    t.wait_for("<bobby> helo all")
    bob.send_raw("<message to='%s' type='groupchat' id='m-2'><body>hello all"
                 "</body><replace xmlns='urn:xmpp:message-correct:0' "
                 "id='m-1'/></message>" % room)
    t.wait_for("<bobby> hello all (edited)")
    assert "helo all" not in t.main_text(), t.show()
    # and we correct ours
    t.type_line("a tpyo")
    t.wait_for("<ally> a tpyo")
    t.type_line("/correct a typo")
    t.wait_for("<ally> a typo (edited)")
    t.stable(0.2)
    assert "tpyo" not in t.main_text(), t.show()
    t.quit()


def test_retractions(ctx):
    t, ajid, bob, room = _in_room(ctx)
    # the peer takes its message back (by the id the room gave it, which
    # its own echo carries): the line says so, the text is gone
    bob.send_groupchat(room, "a regrettable remark")
    echo = bob.wait_message(lambda s: s["from"] == room + "/bobby"
                            and s["body"] == "a regrettable remark")
    sid = re.search(r'<stanza-id[^>]*id="([^"]+)"', echo["xml"]).group(1)
    t.wait_for("<bobby> a regrettable remark")
    bob.retract(room, sid, mtype="groupchat")
    t.wait_for("<bobby> (message retracted)")
    t.stable(0.2)
    assert "regrettable" not in t.main_text(), t.show()
    assert "retracted (fallback)" not in t.main_text(), t.show()
    # and we take back ours
    t.type_line("wrong room")
    t.wait_for("<ally> wrong room")
    t.type_line("/retract")
    t.wait_for("<ally> (message retracted)")
    t.stable(0.2)
    assert "wrong room" not in t.main_text(), t.show()
    # as a moderator we take back the peer's: Tab completes its nick
    bob.set_role(room, "ally", "moderator")
    bob.send_groupchat(room, "buy cheap watches")
    t.wait_for("<bobby> buy cheap watches")
    t.keys("/moderate bo", "Tab")
    t.wait_row(-1, lambda r: "/moderate bobby" in r, desc="the nick completed")
    t.keys(" spam", "Enter")
    t.wait_gone("buy cheap watches")
    t.stable(0.2)
    assert t.main_text().count("<bobby> (message retracted)") == 2, t.show()
    t.quit()


def test_nick_change_leave_and_win(ctx):
    t, ajid, bob, room = _in_room(ctx)
    # the peer changes its nick
    bob.send_raw("<presence to='%s/bob2'/>" % room)
    t.wait_for("bobby is now known as bob2")
    t.wait_for(lambda s: " o bob2" in t.pane_area(), desc="bob2 in the pane")
    t.stable(0.2)
    assert "bob2 joined" not in t.main_text(), t.show()
    assert " o bobby" not in t.pane_area(), t.show()
    # /win ROOM finds the room's window
    t.keys("M-1")
    t.wait_for(lambda s: "console" in title(t), desc="the console")
    t.type_line("/win %s" % room)
    t.wait_for(lambda s: room in title(t), desc="the room by /win")
    assert sorted(status_windows(t.status_row())) == [1, 2], t.status_row()
    # /leave: out of the room, the window stays to be read
    t.type_line("/leave")
    t.wait_for("you left %s" % room)
    t.wait_for(lambda s: "not in the room" in title(t), desc="out of the room")
    assert 2 in status_windows(t.status_row()), t.status_row()
    t.quit()


def test_join_error_in_room_window(ctx):
    room = _room(ctx)
    bjid, bpw = ctx.new_account("bob")
    bob = ctx.peer(bjid, bpw)
    bob.join_room(room, "bobby")
    ajid, apw = ctx.new_account("alice")
    t = Tui(ctx, ctx.account_lines("alice", ajid, apw), args=["-a", "alice"])
    t.wait_for(lambda s: "[alice: online]" in s, desc="alice online")
    t.type_line("/join %s/bobby" % room)          # the nick is taken
    t.wait_for(lambda s: room in title(t), desc="the room's window")
    t.wait_for(lambda s: "!! " in t.main_text(), desc="an error line")
    main = t.main_text()
    assert "joining %s as bobby" % room in main, main
    assert main.count("!! ") == 1, "the error once: %s" % t.show()
    assert "console" not in title(t), t.show()
    t.keys("M-1")
    t.wait_for(lambda s: "console" in title(t), desc="the console")
    t.stable(0.2)
    assert "!! " not in t.main_text(), "the error belongs to the room: %s" \
        % t.show()
    t.quit()
