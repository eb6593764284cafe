#!/usr/bin/python3
"""test_scrollback.py - PgUp/PgDn, the "more below" marker, and new
messages never moving the view.  Run through run.py."""

import re

from tui import alice_and_bob, title

MARKER = re.compile(r"(\d+) more below")


def _msgs(t):
    """The numbers of the "msg NNN" lines in the main area, top to bottom."""
    return [int(m.group(1)) for r in t.main_area()
            for m in [re.search(r"<Bob> msg (\d{3})\b", r)] if m]


def _marker(t):
    for r in t.main_area():
        m = MARKER.search(r)
        if m:
            return int(m.group(1))
    return None


def test_scrollback_marker(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    t.type_line("/win %s" % bjid)
    t.wait_for(lambda s: bjid in title(t), desc="bob's chat")
    for i in range(1, 101):
        bob.send_message(ajid, "msg %03d" % i)
    t.wait_for("<Bob> msg 100", timeout=15)
    shown = _msgs(t)
    assert shown and shown[-1] == 100, shown
    assert _marker(t) is None, "no marker at the end:\n%s" % t.show()
    assert "-- more --" not in t.rows()[-2]
    first = shown[0]

    t.keys("PPage")
    t.wait_for(lambda s: _marker(t) is not None,
               desc="the 'N more below' marker after PgUp")
    shown = _msgs(t)
    assert 100 not in shown, "PgUp should leave the newest lines:\n%s" \
        % t.show()
    assert shown and shown[0] < first, \
        "PgUp should show older lines (top was %d):\n%s" % (first, t.show())
    assert shown == list(range(shown[0], shown[-1] + 1)), shown
    below = _marker(t)
    assert below == 100 - shown[-1], \
        "marker says %d below, but the last shown is msg %03d:\n%s" \
        % (below, shown[-1], t.show())
    # the marker is the last row of the main window
    assert MARKER.search(t.main_area()[-1]), t.show()
    assert "more" in t.rows()[-2], "status bar should say so: %r" \
        % t.rows()[-2]

    # a new message while scrolled back does not move the view
    top_row = t.main_area()[0]
    before = t.main_area()[:-1]
    bob.send_message(ajid, "msg 101")
    t.wait_for(lambda s: _marker(t) == below + 1,
               desc="the marker counting the new message")
    assert t.main_area()[0] == top_row, \
        "the view moved: top was %r, now:\n%s" % (top_row, t.show())
    assert t.main_area()[:-1] == before, "the view changed:\n%s" % t.show()
    assert "msg 101" not in t.main_text()

    # PgUp once more, then PgDn back to the end
    t.keys("PPage")
    t.wait_for(lambda s: (_marker(t) or 0) > below + 1,
               desc="a second PgUp going further back")
    for _ in range(10):
        t.keys("NPage")
        if _marker(t) is None and "msg 101" in t.main_text():
            break
        t.stable(0.1)
    t.wait_for(lambda s: _marker(t) is None and "<Bob> msg 101" in s,
               desc="PgDn back to the end, marker gone")
    assert _msgs(t)[-1] == 101, t.show()
    assert "more" not in t.rows()[-2], t.rows()[-2]
    # following the end again: a new message shows at once
    bob.send_message(ajid, "msg 102")
    t.wait_for("<Bob> msg 102")
    assert _msgs(t)[-1] == 102
    t.quit()
