#!/usr/bin/python3
"""test_history.py - chat windows backed by the store: after a restart a
chat shows its earlier messages, PgUp pages older ones in (also past the
scrollback bound, and back), and /search opens the results window with the
words highlighted; choosing a hit opens its conversation at it.  Run
through run.py."""

import re

from tui import Tui, status_windows, title

MSG = re.compile(r"msg (\d{3})\b")
MARKER = re.compile(r"more below")
# the search.hit look of the default theme: fg=colour16 bg=colour220
HIT = re.compile(r"48;5;220m(?:\x1b\[[0-9;]*m)*elephant")


def _made(ctx, count, words=None):
    """A history of `count` messages from bob (msg 001 ...), made by a
    headless natter in a data directory of its own; words maps a number
    to extra text.  Returns (config lines, datadir, ajid, bjid)."""
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    datadir = ctx.mkdtemp()
    lines = ctx.account_lines("alice", ajid, apw)
    n = ctx.natter(lines, args=["-a", "alice"], datadir=datadir)
    n.connected("alice")
    bob = ctx.peer(bjid, bpw)
    for i in range(1, count + 1):
        text = "msg %03d" % i
        if words and i in words:
            text += " " + words[i]
        bob.send_message(ajid, text)
    n.wait("message", body=lambda b: (b or "").startswith("msg %03d" % count),
           timeout=30)
    n.quit()
    return lines, datadir, ajid, bjid


def _tui(ctx, lines, datadir, **kw):
    """natter in tmux on the data directory datadir, offline."""
    t = Tui(ctx, lines, env={"XDG_DATA_HOME": datadir}, **kw)
    t.wait_for("/help lists the commands")
    return t


def _shown(t):
    """The numbers of the "msg NNN" lines in the main area, top to bottom."""
    return [int(m.group(1)) for r in t.main_area() for m in [MSG.search(r)] if m]


def _open_chat(t, bjid):
    t.type_line("/win %s" % bjid)
    t.wait_for(lambda s: bjid in title(t), desc="bob's chat")


def test_chat_shows_history_after_restart(ctx):
    lines, datadir, ajid, bjid = _made(ctx, 5)
    t = _tui(ctx, lines, datadir)
    _open_chat(t, bjid)
    t.wait_for("msg 005")
    assert _shown(t) == [1, 2, 3, 4, 5], t.show()
    # bob's nick (his localpart: no roster offline), and the message kind
    local = bjid.split("@")[0]
    assert any("<%s> msg 001" % local in r for r in t.main_area()), t.show()
    t.quit()


def test_pgup_pages_older_messages_in(ctx):
    lines, datadir, ajid, bjid = _made(ctx, 150)
    t = _tui(ctx, lines, datadir)
    _open_chat(t, bjid)
    t.wait_for("msg 150")
    first = _shown(t)
    assert first[-1] == 150 and first[0] > 60, \
        "a new window shows the last screenful:\n%s" % t.show()
    seen = set(first)
    for _ in range(20):
        t.keys("PPage")
        t.stable(0.1)
        shown = _shown(t)
        assert shown == list(range(shown[0], shown[-1] + 1)), \
            "lines in order, none twice:\n%s" % t.show()
        seen.update(shown)
        if 1 in shown:
            break
    assert 1 in _shown(t), "PgUp should reach msg 001:\n%s" % t.show()
    assert seen == set(range(1, 151)), sorted(set(range(1, 151)) - seen)
    assert any(MARKER.search(r) for r in t.main_area()), t.show()
    # and back down to the end
    for _ in range(20):
        t.keys("NPage")
        t.stable(0.1)
        if 150 in _shown(t) and not any(MARKER.search(r) for r in t.main_area()):
            break
    assert _shown(t)[-1] == 150, t.show()
    t.quit()


def test_paging_past_scrollback_and_back(ctx):
    lines, datadir, ajid, bjid = _made(ctx, 260)
    lines = lines + ["set scrollback 100"]
    t = _tui(ctx, lines, datadir)
    _open_chat(t, bjid)
    t.wait_for("msg 260")
    for _ in range(40):
        t.keys("PPage")
        t.stable(0.1)
        shown = _shown(t)
        assert shown == list(range(shown[0], shown[-1] + 1)), t.show()
        if 1 in shown:
            break
    assert 1 in _shown(t), "PgUp should reach msg 001:\n%s" % t.show()
    # only 100 lines in memory: the newest went, and come back from the store
    for _ in range(40):
        t.keys("NPage")
        t.stable(0.1)
        shown = _shown(t)
        assert shown == list(range(shown[0], shown[-1] + 1)), t.show()
        if 260 in shown and not any(MARKER.search(r) for r in t.main_area()):
            break
    assert _shown(t)[-1] == 260, t.show()
    assert not any(MARKER.search(r) for r in t.main_area()), t.show()
    t.quit()


def test_search_window_opens_hit(ctx):
    lines, datadir, ajid, bjid = _made(ctx, 120, {10: "elephant parade",
                                                  115: "elephant again"})
    t = _tui(ctx, lines, datadir)
    t.type_line("/search elephant")
    t.wait_for(lambda s: "search: elephant" in title(t), desc="the search window")
    assert "2 hits" in title(t), title(t)
    t.wait_for("[2]")
    rows = t.main_area()
    one = [r for r in rows if "[1]" in r]
    two = [r for r in rows if "[2]" in r]
    assert one and "msg 115 elephant again" in one[0] and bjid in one[0], t.show()
    assert two and "msg 010 elephant parade" in two[0], t.show()
    # the dates are there, and the word in the search.hit look
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", two[0]), two[0]
    t.wait_for(lambda s: len(HIT.findall(s)) >= 2, ansi=True,
               desc="both words highlighted")
    assert t.rows()[-1].startswith("search>"), t.rows()[-1]

    # a number that is no hit
    t.type_line("7")
    t.wait_for("no hit 7")

    # choose the old one: bob's chat opens at it
    t.type_line("2")
    t.wait_for(lambda s: bjid in title(t), desc="bob's chat")
    t.wait_for("msg 010 elephant parade")
    shown = _shown(t)
    assert 10 in shown and 120 not in shown, t.show()
    assert shown == list(range(shown[0], shown[-1] + 1)), t.show()
    t.wait_for(lambda s: HIT.search(s), ansi=True,
               desc="the word highlighted in the chat")
    # below it, the rest comes back from the store
    for _ in range(20):
        t.keys("NPage")
        t.stable(0.1)
        if 120 in _shown(t) and not any(MARKER.search(r) for r in t.main_area()):
            break
    shown = _shown(t)
    assert shown[-1] == 120 and shown == list(range(shown[0], 121)), t.show()

    # another search from the search window itself
    num = [k for k, (name, _) in status_windows(t.rows()[-2]).items()
           if name == "search"]
    assert num, t.rows()[-2]
    t.type_line("/win %d" % num[0])
    t.wait_for(lambda s: "search: elephant" in title(t), desc="the search window")
    t.type_line("parade")
    t.wait_for(lambda s: "search: parade" in title(t) and "1 hit" in title(t),
               desc="the new search")
    t.quit()


def test_messages_while_away_shown_once(ctx):
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    ctx.befriend(ajid, apw, bjid, bpw)
    bob = ctx.peer(bjid, bpw)
    for i in range(3):
        bob.send_message(ajid, "while away %d" % i)
    # offline delivery and the archive both bring them: one line each
    t = Tui(ctx, ctx.account_lines("alice", ajid, apw), args=["-a", "alice"])
    t.wait_for(lambda s: "[alice: online]" in s, desc="alice online")
    t.wait_for(lambda s: 2 in status_windows(t.rows()[-2]), desc="bob's window")
    t.stable(1.0)
    _open_chat(t, bjid)
    t.wait_for("while away 2")
    t.stable(0.5)
    text = t.main_text()
    for i in range(3):
        assert text.count("while away %d" % i) == 1, t.show()
    assert text.index("while away 0") < text.index("while away 1") \
        < text.index("while away 2"), t.show()
    t.quit()


def test_carbon_from_another_client_shows_as_ours(ctx):
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    ctx.befriend(ajid, apw, bjid, bpw)
    bob = ctx.peer(bjid, bpw)
    t = Tui(ctx, ctx.account_lines("alice", ajid, apw), args=["-a", "alice"])
    t.wait_for(lambda s: "[alice: online]" in s, desc="alice online")
    t.stable(0.5)
    phone = ctx.peer(ajid, apw, resource="phone")
    phone.send_message(bjid, "from my phone")
    bob.wait_message(body="from my phone")
    t.wait_for(lambda s: 2 in status_windows(t.rows()[-2]), desc="bob's window")
    _open_chat(t, bjid)
    me = ajid.split("@")[0]
    t.wait_for("<%s> from my phone" % me)
    # ours: not unread, and in our own colours (main.nick.self: colour81)
    assert re.search(r"38;5;81m<%s>" % re.escape(me), t.screen_ansi()), \
        t.screen_ansi()
    t.quit()


def test_room_history_after_restart_once(ctx):
    import secrets
    room = "hist-%s@%s" % (secrets.token_hex(3), ctx.server.muc_host)
    bjid, bpw = ctx.new_account("bob")
    bob = ctx.peer(bjid, bpw)
    bob.join_room(room, "bobby")
    ajid, apw = ctx.new_account("alice")
    datadir = ctx.mkdtemp()
    lines = ctx.account_lines("alice", ajid, apw) + ["join %s/ally" % room]
    n = ctx.natter(lines, args=["-a", "alice"], datadir=datadir)
    n.wait("joined", room=room, timeout=15)
    for i in range(3):
        bob.send_groupchat(room, "room line %d" % i)
        n.wait("message", body="room line %d" % i)
    n.quit()
    # the store has them, and the room sends its recent history again
    t = Tui(ctx, lines, args=["-a", "alice"], env={"XDG_DATA_HOME": datadir})
    t.wait_for(lambda s: room in title(t) or 2 in status_windows(t.rows()[-2]),
               desc="the room's window")
    t.type_line("/win %s" % room)
    t.wait_for(lambda s: room in title(t) and "2 occupants" in title(t),
               desc="in the room again")
    t.wait_for("<bobby> room line 2")
    t.stable(1.0)
    text = t.main_text()
    for i in range(3):
        assert text.count("room line %d" % i) == 1, t.show()
    assert text.index("room line 0") < text.index("room line 2"), t.show()
    bob.send_groupchat(room, "room line 3")
    t.wait_for("<bobby> room line 3")
    t.quit()
