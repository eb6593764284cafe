#!/usr/bin/python3
"""test_windows.py - windows: a message opens one without taking focus;
switching by key and by command.  Run through run.py."""

from tui import alice_and_bob, status_windows, title


def _wins(t):
    return status_windows(t.rows()[-2])


def test_message_opens_window_without_focus(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    bob.send_message(ajid, "hello from bob")
    t.wait_for(lambda s: 2 in _wins(t), desc="window 2 in the status bar")
    w = _wins(t)
    assert w[2][1] == 1, "window 2 should show 1 unread: %r" % t.rows()[-2]
    assert bjid.startswith(w[2][0].rstrip("…")), w
    # the console stays current and does not show the message
    assert "console" in title(t), t.show()
    assert t.rows()[-1].startswith("[natter]"), t.rows()[-1]
    assert "hello from bob" not in t.main_text(), t.show()
    # the roster pane counts it too
    assert any(r.startswith(" o Bob (1)") for r in t.pane_area()), t.show()
    # and the terminal title tells (title_notify is on by default)
    t.wait_for(lambda s: t.fmt("pane_title") == "natter [1]",
               desc="the terminal title 'natter [1]' (now %r)"
               % t.fmt("pane_title"))

    t.keys("M-2")
    t.wait_for(lambda s: bjid in title(t), desc="bob's chat in the title")
    t.wait_for("<Bob> hello from bob")
    assert t.rows()[-1].startswith(">"), "chat prompt: %r" % t.rows()[-1]
    assert _wins(t)[2][1] == 0, "unread mark should go: %r" % t.rows()[-2]
    assert not any("(1)" in r for r in t.pane_area()), t.show()
    # read: the terminal title no longer counts it
    t.wait_for(lambda s: t.fmt("pane_title") == "natter",
               desc="the terminal title back to 'natter' once read (it is "
               "%r)" % t.fmt("pane_title"))

    # a line typed in the chat goes to bob and shows as ours
    t.type_line("hi bob")
    got = bob.wait_message(bare=ajid)
    assert got["body"] == "hi bob", got
    t.wait_for("hi bob")
    t.quit()


def test_switch_windows(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    cjid, cpw = ctx.new_account("carol")
    carol = ctx.peer(cjid, cpw)
    bob.send_message(ajid, "from bob")
    t.wait_for(lambda s: 2 in _wins(t), desc="window 2 (bob)")
    carol.send_message(ajid, "from carol")
    t.wait_for(lambda s: 3 in _wins(t), desc="window 3 (carol)")
    assert "console" in title(t)

    def at(jid):
        t.wait_for(lambda s: jid in title(t),
                   desc="%s's chat in the title bar" % jid)
        assert "from %s" % ("bob" if jid == bjid else "carol") in t.main_text()

    def at_console():
        t.wait_for(lambda s: "console" in title(t), desc="the console")

    # by key
    t.keys("M-3")
    at(cjid)
    t.keys("M-2")
    at(bjid)
    t.keys("M-1")
    at_console()
    t.keys("M-Right")
    at(bjid)
    t.keys("M-Right")
    at(cjid)
    t.keys("M-Right")          # wraps around to the console
    at_console()
    t.keys("M-Left")           # and back to the last
    at(cjid)
    t.keys("M-Left")
    at(bjid)
    t.keys("M-9")              # no window 9: nothing happens
    t.stable(0.2)
    assert bjid in title(t)

    # by command
    t.type_line("/win 1")
    at_console()
    t.type_line("/win 3")
    at(cjid)
    t.type_line("/win %s" % bjid)
    at(bjid)
    t.type_line("/win 7")
    t.wait_for("no window 7")
    assert bjid in title(t)

    # /wins lists the windows (in the current window) and marks ours
    t.type_line("/wins")
    t.wait_for("windows:")
    main = t.main_text()
    assert "* 2 %s on alice" % bjid in main, main
    assert "  1 console" in main, main
    assert "  3 %s on alice" % cjid in main, main

    # a new chat by JID opens (and focuses) the next free number
    djid, _ = ctx.new_account("dave")
    t.type_line("/win %s" % djid)
    t.wait_for(lambda s: djid in title(t), desc="dave's new chat")
    assert sorted(_wins(t)) == [1, 2, 3, 4], t.rows()[-2]

    # /close closes the current window and goes back to the previous one
    t.type_line("/close")
    t.wait_for(lambda s: 4 not in _wins(t), desc="window 4 closed")
    at(bjid)
    t.type_line("/close")
    t.wait_for(lambda s: 2 not in _wins(t), desc="window 2 closed")
    assert sorted(_wins(t)) == [1, 3], t.rows()[-2]
    assert "console" in title(t) or cjid in title(t), t.show()
    t.type_line("/win 1")
    at_console()
    t.type_line("/close")
    t.wait_for("the console stays open")
    # bob writes again: his window comes back (the lowest free number)
    bob.send_message(ajid, "back again")
    t.wait_for(lambda s: _wins(t).get(2, ("", 0))[1] == 1,
               desc="bob's window back as 2 with 1 unread")
    t.quit()


def test_msg_without_text_opens_chat(ctx):
    """/msg JID with no text opens (or focuses) the chat, like /query."""
    t, ajid, bob, bjid = alice_and_bob(ctx)
    t.type_line("/msg %s" % bjid)
    t.wait_for(lambda s: bjid in title(t),
               desc="/msg JID (no text) focusing bob's chat")
    assert 2 in _wins(t), t.rows()[-2]
    t.keys("M-1")
    t.wait_for(lambda s: "console" in title(t), desc="the console")
    t.type_line("/msg %s" % bjid)       # again: focuses the same window
    t.wait_for(lambda s: bjid in title(t), desc="bob's chat again")
    assert sorted(_wins(t)) == [1, 2], t.rows()[-2]
    t.quit()
