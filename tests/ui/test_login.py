#!/usr/bin/python3
"""test_login.py - logging in draws the layout, the roster pane and the
status bar.  Run through run.py."""

import re

from tui import STATUS, alice_and_bob, cols_slice, status_windows, text_width


def test_login_shows_roster(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx, bob_status="out for lunch",
                                       groups=["Friends"])
    # the roster pane: the group, then Bob with the online symbol
    t.wait_for(lambda s: any(r.startswith(" o Bob") for r in t.pane_area()),
               desc="' o Bob' in the roster pane")
    pane = t.pane_area()
    i = next(i for i, r in enumerate(pane) if r.startswith(" o Bob"))
    assert i > 0 and pane[i - 1].strip() == "Friends", \
        "Bob should be under his group 'Friends':\n%s" % t.show()
    rows = t.rows()
    # title bar on the first row, status bar on the second-last, input last
    assert "console" in rows[0], "title bar should name the console:\n%s" \
        % t.show()
    assert re.match(STATUS + r"\[alice: online\] 1:console",
                    rows[-2]), "status bar: %r" % rows[-2]
    assert rows[-1].startswith("[natter]"), "input line: %r" % rows[-1]
    assert status_windows(rows[-2]) == {1: ("console", 0)}, rows[-2]
    # the separator runs the whole height of the main area
    sep = t.sep_col()
    for r in rows[1:-2]:
        assert cols_slice(r, sep, sep + 1) == "│", \
            "row without the pane separator at column %d: %r" % (sep, r)
    # the console says we are connected
    assert "connected as %s/natter" % ajid in t.main_text(), t.show()

    # presence changes show in the pane: away has its own symbol ...
    bob.send_presence(show="away", status="gone fishing")
    t.wait_for(lambda s: any(r.startswith(" - Bob") for r in t.pane_area()),
               desc="' - Bob' (away) in the roster pane")
    # ... and the title bar of bob's chat shows the presence and status
    t.type_line("/win %s" % bjid)
    t.wait_for(lambda s: "gone fishing" in t.rows()[0],
               desc="bob's status text in the title bar")
    assert bjid in t.rows()[0] and "away" in t.rows()[0], t.rows()[0]
    # offline: no symbol, still listed
    bob.disconnect()
    t.wait_for(lambda s: any(r.startswith("   Bob") for r in t.pane_area()),
               desc="'   Bob' (offline) in the roster pane")
    t.quit()


def test_roster_pane_toggle_and_width(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    t.wait_for(lambda s: any("Bob" in r for r in t.pane_area()),
               desc="Bob in the roster pane")
    # /set roster off: the pane and its separator go, the chat takes the width
    t.type_line("/set roster off")
    t.wait_for(lambda s: "│" not in "".join(t.rows()[1:-2]),
               desc="no pane separator after /set roster off")
    assert not any("Bob" in r for r in t.rows()[1:-2]), t.show()
    # back on, at another width: the separator moves
    t.type_line("/set roster_width 30")
    t.type_line("/set roster on")
    t.wait_for(lambda s: "│" in "".join(t.rows()[1:-2]),
               desc="the pane back after /set roster on")
    row = next(r for r in t.rows()[1:-2] if "│" in r)
    sep = text_width(row[:row.index("│")])
    assert sep == t.width - 30 - 1, \
        "a 30-column pane puts the separator at column %d, not %d:\n%s" \
        % (t.width - 31, sep, t.show())
    t.quit()
