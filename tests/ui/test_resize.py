#!/usr/bin/python3
"""test_resize.py - a resize redraws the whole layout for the new size and
leaves nothing of the old one.  Run through run.py."""

import re

from tui import STATUS, alice_and_bob, cols_slice, text_width, title

WORDS = ["w%02d" % i for i in range(60)]
LONG = "start " + " ".join(WORDS) + " TAILMARK"


def check_layout(t, jid):
    """The screen is natter's layout for t.width x t.height, with bob's
    chat current and LONG the only message in it."""
    rows = t.rows()
    assert len(rows) == t.height
    for i, r in enumerate(rows):
        assert text_width(r) <= t.width, "row %d is %d columns wide: %r" \
            % (i, text_width(r), r)
    assert jid in rows[0], "title bar: %r" % rows[0]
    assert re.match(STATUS + r"\[alice: online\] 1:console 2:",
                    rows[-2]), \
        "status bar not on the second-last row:\n%s" % t.show()
    assert rows[-1].startswith(">"), "input line not on the last row:\n%s" \
        % t.show()
    sep = t.sep_col()
    for i, r in enumerate(rows[1:-2], 1):
        if sep is not None:
            assert cols_slice(r, sep, sep + 1) == "│", \
                "row %d has no separator at column %d:\n%s" % (i, sep, t.show())
        rest = r.replace("│", " ") if sep is None else cols_slice(r, 0, sep)
        assert "│" not in rest, \
            "row %d: a separator left of column %d (old layout):\n%s" \
            % (i, sep, t.show())
    # the main area holds the message, wrapped for the new width, and
    # nothing else: every word once, in order
    main = [r for r in t.main_area() if r.strip()]
    assert main, t.show()
    assert re.match(r"^\d\d:\d\d <Bob> start", main[0]), \
        "first row of the message: %r\n%s" % (main[0], t.show())
    body = " ".join([re.sub(r"^\d\d:\d\d <Bob> ", "", main[0])] +
                    [r.strip() for r in main[1:]])
    assert body.split() == LONG.split(), \
        "the main area should hold exactly the message, re-wrapped:\n%s" \
        % t.show()
    width = sep if sep is not None else t.width
    for r in main:
        assert text_width(r) <= width, "row wider than the main window: %r" % r


def test_resize_200x50_to_80x24(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx, width=200, height=50)
    t.type_line("/win %s" % bjid)
    t.wait_for(lambda s: bjid in title(t), desc="bob's chat")
    bob.send_message(ajid, LONG)
    t.wait_for("TAILMARK")
    t.literal("draft text")
    t.wait_for(lambda s: t.rows()[-1] == "> draft text", desc="the draft")
    check_layout(t, bjid)
    # the long message reached beyond column 80 in the wide layout
    assert any(col > 80 for r in t.main_area()
               for col in [text_width(r)]), t.show()

    t.resize(80, 24)
    t.wait_for(lambda s: len(s.rstrip("\n").split("\n")) <= 24 and
               t.rows()[-1].startswith("> draft text") and
               re.match(STATUS + r"\[alice", t.rows()[-2]),
               desc="the 80x24 layout")
    t.stable(0.3)
    check_layout(t, bjid)
    assert t.rows()[-1] == "> draft text", t.rows()[-1]
    assert t.cursor() == (len("> draft text"), 23), t.cursor()

    # and back to a big one: everything drawn for 250x70
    t.resize(250, 70)
    t.wait_for(lambda s: t.rows()[-1].startswith("> draft") and
               re.match(STATUS + r"\[alice", t.rows()[-2]),
               desc="the 250x70 layout")
    t.stable(0.3)
    check_layout(t, bjid)
    # the draft is still there and still ours to send
    t.keys("Enter")
    got = bob.wait_message(bare=ajid)
    assert got["body"] == "draft text", got
    t.quit()


def test_resize_tiny_and_back(ctx):
    """Too small for the layout: no crash, and a full redraw afterwards."""
    t, ajid, bob, bjid = alice_and_bob(ctx, width=80, height=24)
    t.type_line("/win %s" % bjid)
    t.wait_for(lambda s: bjid in title(t), desc="bob's chat")
    bob.send_message(ajid, LONG)
    t.wait_for("TAILMARK")
    for w, h in ((20, 5), (8, 3), (40, 10), (80, 24)):
        t.resize(w, h)
        t.stable(0.2)
    t.wait_for(lambda s: re.match(STATUS + r"\[alice", t.rows()[-2]),
               desc="the 80x24 layout again")
    check_layout(t, bjid)
    t.quit()
