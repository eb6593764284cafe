#!/usr/bin/python3
"""test_theme.py - /theme switches live, a missing theme is an error,
NO_COLOR means no colour.  Run through run.py."""

import re

from tui import alice_and_bob, title

SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def colour_codes(text):
    """The SGR sequences in text that set a colour (39/49, back to the
    default colour, are not counted; bold, reverse and the like neither)."""
    found = []
    for m in SGR.finditer(text):
        params = [p for p in re.split(r"[;:]", m.group(1)) if p != ""]
        for p in params:
            n = int(p)
            if n in (38, 48) or 30 <= n <= 37 or 40 <= n <= 47 or \
                    90 <= n <= 97 or 100 <= n <= 107:
                found.append(m.group(0))
                break
    return found


def _ansi_rows(t):
    return t.screen_ansi().split("\n")


def _chat_with_lines(t, ajid, bob, bjid):
    """Fill bob's chat with one line of each kind, and show it."""
    t.type_line("/win %s" % bjid)
    t.wait_for(lambda s: bjid in title(t), desc="bob's chat")
    bob.send_message(ajid, "a message from bob")
    bob.send_message(ajid, "/me waves")
    t.wait_for("waves")
    t.type_line("a message from alice")
    bob.wait_message(bare=ajid)
    t.type_line("/nosuchcommand")
    t.wait_for(lambda s: "a message from alice" in s and
               "nosuchcommand" in t.main_text(), desc="all the lines")
    t.stable(0.2)


def test_theme_switches(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    _chat_with_lines(t, ajid, bob, bjid)
    dark = t.screen_ansi()
    dark_title = _ansi_rows(t)[0]
    assert colour_codes(dark), "the default theme should have colours"
    assert "48;5;18" in dark_title, \
        "default theme's title bar (bg=colour18): %r" % dark_title

    t.type_line("/theme light")
    t.wait_for(lambda s: "48;5;117" in s.split("\n")[0], ansi=True,
               desc="the light theme's title bar (bg=colour117)")
    t.stable(0.2)
    light = t.screen_ansi()
    assert "theme light" in t.main_text(), t.show()
    assert "48;5;18" not in light.split("\n")[0]
    body = lambda a: "\n".join(a.split("\n")[1:-2])   # noqa: E731
    assert colour_codes(body(light)) != colour_codes(body(dark)), \
        "the main area should change colours too"

    t.type_line("/theme nosuch")
    t.wait_for(lambda s: "no theme nosuch" in t.main_text(),
               desc="an error for /theme nosuch")
    row = next(r for r in t.main_area() if "no theme nosuch" in r)
    assert re.match(r"^\d\d:\d\d !! ", row), "shown as an error: %r" % row
    assert "48;5;117" in _ansi_rows(t)[0], "light stays after the error"

    t.type_line("/theme default")
    t.wait_for(lambda s: "48;5;18" in s.split("\n")[0], ansi=True,
               desc="the default theme again")
    t.quit()


def test_mono_theme_has_no_colour(ctx):
    """mono.theme: "no colour at all", nick colours included."""
    t, ajid, bob, bjid = alice_and_bob(ctx)
    _chat_with_lines(t, ajid, bob, bjid)
    t.type_line("/theme mono")
    t.wait_for(lambda s: "48;5;18" not in s.split("\n")[0], ansi=True,
               desc="the mono theme")
    t.stable(0.2)
    rows = _ansi_rows(t)
    bad = [(i, sorted(set(colour_codes(r)))) for i, r in enumerate(rows)
           if colour_codes(r)]
    assert bad == [], "mono has attributes only; colours in rows:\n%s\n%s" \
        % ("\n".join("  row %d %r: %r" % (i, t.rows()[i][:50], c)
                     for i, c in bad), t.show())
    t.quit()


def test_no_color(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx, env={"NO_COLOR": "1"})
    _chat_with_lines(t, ajid, bob, bjid)
    a = t.screen_ansi()
    rows = a.split("\n")
    body = "\n".join(rows[1:-2])
    assert colour_codes(body) == [], \
        "NO_COLOR: colour escapes in the main area: %r" \
        % sorted(set(colour_codes(body)))
    assert colour_codes(a) == [], \
        "NO_COLOR: colour escapes on the screen, rows %r" \
        % [i for i, r in enumerate(rows) if colour_codes(r)]
    # a theme switch does not bring colour back
    t.type_line("/theme light")
    t.wait_for(lambda s: "theme light" in t.main_text(),
               desc="/theme light's answer")
    t.stable(0.2)
    assert colour_codes(t.screen_ansi()) == [], \
        "NO_COLOR after /theme light: %r" \
        % sorted(set(colour_codes(t.screen_ansi())))
    t.quit()
