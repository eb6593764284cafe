#!/usr/bin/python3
"""test_hostile.py - text from the network cannot drive the terminal: C1
controls, bidi overrides and wide characters render inert and in the right
columns.  Run through run.py."""

import re

from tui import STATUS, alice_and_bob, col_of, cols_slice, text_width, title

CSI, OSC, ST = "\u009b", "\u009d", "\u009c"
RLO, LRI, PDI = "\u202e", "\u2066", "\u2069"

# (what bob sends, what natter must show)
BODIES = [
    ("A" + CSI + "2JB", "A<U+009B>2JB"),                       # clear screen
    ("T" + OSC + "0;pwned-title" + ST + "U",                    # set title
     "T<U+009D>0;pwned-title<U+009C>U"),
    (OSC + "52;c;aGVsbG8=" + ST, "<U+009D>52;c;aGVsbG8=<U+009C>"),   # OSC 52
    ("abc" + RLO + "def" + LRI + "ghi" + PDI,                   # bidi
     "abc<RLO>def<LRI>ghi<PDI>"),
    ("C1 " + CSI + "?1049h alt " + CSI + "31m red " + "\u0085 nel",
     "C1 <U+009B>?1049h alt <U+009B>31m red <U+0085> nel"),
]


def _body_row(t, shown):
    for r in t.main_area():
        if shown in r:
            return r
    raise AssertionError("%r not in the main area:\n%s" % (shown, t.show()))


def test_c1_and_bidi_render_inert(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    t.type_line("/win %s" % bjid)
    t.wait_for(lambda s: bjid in title(t), desc="bob's chat")
    bob.send_message(ajid, "first line before")
    t.wait_for("<Bob> first line before")
    pane_title = t.fmt("pane_title")
    alternate = t.fmt("alternate_on")
    for body, _ in BODIES:
        bob.send_message(ajid, body)
    bob.send_message(ajid, "last line after")
    t.wait_for("<Bob> last line after")
    t.stable(0.2)
    screen = t.screen()
    for body, shown in BODIES:
        row = _body_row(t, shown)
        assert re.match(r"^\d\d:\d\d <Bob> ", row), row
    assert not re.search("[\u0080-\u009f\u202a-\u202e\u2066-\u2069]",
                         screen), "raw controls on the screen: %r" % screen
    # not cleared: what was there before is still there, layout intact
    assert "<Bob> first line before" in screen, t.show()
    assert bjid in t.rows()[0], t.show()
    assert re.match(STATUS + r"\[alice: online\]", t.rows()[-2]), \
        t.show()
    # the title did not change, nor did OSC 52 reach the clipboard
    assert t.fmt("pane_title") == pane_title, \
        "pane title changed from %r to %r" % (pane_title,
                                              t.fmt("pane_title"))
    assert "pwned" not in t.fmt("pane_title")
    assert t.fmt("alternate_on") == alternate, "the alternate screen changed"
    assert t.tmux("list-buffers").strip() == "", \
        "a paste buffer appeared: %r" % t.tmux("list-buffers")
    t.quit()


def test_hostile_status_and_name(ctx):
    """Status texts (title bar) and roster names (pane, nick column) are
    sanitised too."""
    t, ajid, bob, bjid = alice_and_bob(
        ctx, bob_name="Bo" + CSI + "2J" + RLO + "b",
        bob_status="st" + OSC + "2;x" + ST + RLO + "end")
    shown_name = "Bo<U+009B>2J<RLO>b"
    t.wait_for(lambda s: any(shown_name in r for r in t.pane_area()),
               desc="the sanitised roster name in the pane")
    t.type_line("/win %s" % bjid)
    t.wait_for(lambda s: "st<U+009D>2;x<U+009C><RLO>end" in t.rows()[0],
               desc="the sanitised status text in the title bar")
    bob.send_message(ajid, "hi")
    t.wait_for("<%s> hi" % shown_name)
    assert not re.search("[\u0080-\u009f\u202a-\u202e]", t.screen())
    t.quit()


def test_wide_characters_take_their_columns(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    t.type_line("/win %s" % bjid)
    t.wait_for(lambda s: bjid in title(t), desc="bob's chat")
    sep = t.sep_col()
    main_w = sep
    cases = [("漢字🙂END1", 6), ("e\u0301 combining END2", 2),
             ("ｆｕｌｌwidth END3", 8)]
    for body, _ in cases:
        bob.send_message(ajid, body)
    # a long line of wide characters wraps inside the main window
    wide = "x" * 30 + " " + "漢字" * 40 + " END4"
    bob.send_message(ajid, wide)
    t.wait_for("END4")
    t.stable(0.2)
    rows = t.main_area()
    for body, wide_cols in cases:
        mark = body[-4:]
        row = next(r for r in rows if mark in r)
        start = col_of(row, "<Bob> ") + len("<Bob> ")
        want = start + text_width(body[:-4])
        assert col_of(row, mark) == want, \
            "%s at column %d, expected %d (the text before it takes %d " \
            "columns):\n%s" % (mark, col_of(row, mark), want,
                                text_width(body[:-4]), t.show())
    # every row, wide ones too, keeps the separator in its column
    for i, r in enumerate(t.rows()[1:-2], 1):
        assert cols_slice(r, sep, sep + 1) == "│", \
            "row %d: separator not at column %d:\n%s" % (i, sep, t.show())
        assert text_width(cols_slice(r, 0, sep).rstrip()) <= main_w, r
    # the wrapped wide text is complete: no character lost or split
    start = next(i for i, r in enumerate(rows) if "<Bob> xxx" in r)
    text = "".join(r.strip() for r in rows[start:])
    text = re.sub(r"^\d\d:\d\d<Bob>", "", text.replace(" ", ""))
    assert text == wide.replace(" ", ""), "wrapped wide text:\n%s" % t.show()

    # the cursor in the input line after wide characters
    t.literal("漢字🙂x")
    t.wait_for(lambda s: t.rows()[-1].startswith("> 漢字🙂x"),
               desc="the typed wide characters")
    assert t.cursor()[0] == len("> ") + 7, \
        "cursor at %r, expected column %d" % (t.cursor(), len("> ") + 7)
    t.keys("Left", "Left")
    t.wait_for(lambda s: t.cursor()[0] == len("> ") + 4,
               desc="the cursor two characters (3 columns) back")
    t.keys("C-a", "C-k")
    t.quit()
