#!/usr/bin/python3
"""test_console.py - the raw-stanza console window (/console): it shows
what was captured before it opened, redacted and in the theme's colours;
typed XML is sent (or refused with the parser's message) and replies are
paired; filters, raw mode, pause, folding and scrolling.  Run through
run.py."""

import os
import re
import sys

from tui import TOP, alice_and_bob, status_windows, title

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
HEADER = re.compile(r"^#(\d+) \d\d:\d\d:\d\d\.\d{3} (←|→) (in|out), \d+ B")
VERSION_IQ = "<iq type='get' to='localhost'><query xmlns='jabber:iq:version'/></iq>"


def _open_console(t):
    t.type_line("/console")
    # one capture for all three: tmux may be read between the terminal
    # writes of one redraw, so the title can show before the status row
    def opened(_s):
        rows = t.rows()
        wins = status_windows(rows[-2])
        return (rows[0].strip().startswith("xml console of alice")
                and any(name == "xml:alice" for name, _ in wins.values())
                and rows[-1].startswith("xml>"))
    t.wait_for(opened, desc="the console window: title, status row, prompt")


def _headers(t):
    """(seq, dir) of every element header in the main area."""
    out = []
    for row in t.main_area():
        m = HEADER.match(row)
        if m:
            out.append((int(m.group(1)), m.group(3)))
    return out


def _kept(t):
    m = re.search(r"— (\d+) kept", title(t))
    return int(m.group(1)) if m else -1


def _history(t):
    """Everything tmux holds of the pane: its history and the screen."""
    return t.tmux("capture-pane", "-p", "-S", "-", "-t", t.target)


def _coloured(ansi_row):
    """[(char, fg)] of a captured row with escapes: fg is the 256-colour
    number, 0-15 for basic colours, or None for the default."""
    out, fg, i = [], None, 0
    while i < len(ansi_row):
        m = SGR.match(ansi_row, i)
        if m:
            ps = [int(p) if p else 0 for p in re.split(r"[;:]", m.group(1))]
            j = 0
            while j < len(ps):
                p = ps[j]
                if p == 0 or p == 39:
                    fg = None
                elif p in (38, 48) and j + 2 < len(ps) and ps[j + 1] == 5:
                    if p == 38:
                        fg = ps[j + 2]
                    j += 2
                elif 30 <= p <= 37:
                    fg = p - 30
                elif 90 <= p <= 97:
                    fg = p - 90 + 8
                j += 1
            i = m.end()
            continue
        if ansi_row[i] == "\x1b":          # another escape: skip it
            i += 1
            continue
        out.append((ansi_row[i], fg))
        i += 1
    return out


def _fg_of(cells, text):
    """The foreground colours of the characters of the first occurrence of
    text in the row (set of colours), or None when it is not there."""
    s = "".join(c for c, _ in cells)
    i = s.find(text)
    if i < 0:
        return None
    return {fg for _, fg in cells[i:i + len(text)]}


def _row_with(t, text, pattern=None):
    """The first screen row (as [(char, fg)]) whose text holds text (or
    matches the regular expression pattern)."""
    for r in t.screen_ansi().split("\n"):
        cells = _coloured(r)
        plain = "".join(c for c, _ in cells)
        if (pattern is not None and re.search(pattern, plain)) or \
                (pattern is None and text in plain):
            return cells
    raise AssertionError("no row with %r:\n%s" % (pattern or text, t.show()))


def test_console_shows_the_negotiation_redacted(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    apw = next(line.split()[-1] for line in open(t.config_path)
               if " password " in line)
    _open_console(t)
    # the newest elements are at the bottom; the login is back there
    assert _headers(t), t.show()
    seen_auth = False
    for _ in range(30):
        screen = t.screen()
        assert apw not in screen, "the password is on the screen:\n" + t.show()
        if "<auth " in screen:
            row = next(r for r in t.main_area() if "<auth " in r)
            assert "[SASL data" in screen, t.show()
            assert "credentials removed" in screen, t.show()
            seen_auth = True
            break
        t.keys("PPage")
        t.stable(0.1)
    assert seen_auth, "no <auth> element found scrolling back:\n" + t.show()
    assert "mechanism=\"SCRAM-SHA-1\"" in row or "mechanism=" in row, row
    # scrolled back: the marker, and the stream's start above
    assert "more below (PgDn)" in t.main_text(), t.show()
    for _ in range(30):
        if "#1 " in t.main_text():
            break
        t.keys("PPage")
        t.stable(0.1)
    assert any(r.startswith("#1 ") and "→ out" in r for r in t.main_area()), t.show()
    assert "<stream:stream" in t.main_text(), t.show()
    # back down to the newest
    for _ in range(40):
        if "more below" not in t.main_text():
            break
        t.keys("NPage")
        t.stable(0.1)
    assert "more below" not in t.main_text(), t.show()
    assert apw not in _history(t)
    assert "in: as parsed" in title(t), title(t)
    t.quit()


def test_console_colours_from_the_theme(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    _open_console(t)
    t.type_line(VERSION_IQ)
    t.wait_for("<name>Prosody</name>")
    t.stable(0.2)
    row = _row_with(t, "<name>Prosody</name>")
    assert _fg_of(row, "name") == {81}, \
        "element names in console.element (colour81): %r" % _fg_of(row, "name")
    assert _fg_of(row, "Prosody") == {None}, \
        "text in console.text (the default colour): %r" % _fg_of(row, "Prosody")
    assert _fg_of(row, "<") == {245}, "punctuation: %r" % _fg_of(row, "<")
    row = _row_with(t, 'type="get"')
    assert _fg_of(row, "type") == {179}, "attribute names: %r" % _fg_of(row, "type")
    assert _fg_of(row, "get") == {114}, "attribute values: %r" % _fg_of(row, "get")
    row = _row_with(t, 'xmlns="jabber:iq:version"')
    assert _fg_of(row, "jabber:iq:version") == {244}, "namespaces"
    # headers: received in console.in, sent in console.out
    hin = _row_with(t, None, r"^#\d+ .* ← in")
    hout = _row_with(t, None, r"^#\d+ .* → out")
    assert _fg_of(hin, "← in") == {77}, _fg_of(hin, "← in")
    assert _fg_of(hout, "→ out") == {176}, _fg_of(hout, "→ out")
    # the pairing in console.rtt
    rep = _row_with(t, None, r"↩ #\d+ [\d.]+ ms")
    assert _fg_of(rep, "↩") == {116}, _fg_of(rep, "↩")
    # another theme, other colours
    t.type_line("/theme light")
    t.wait_for(lambda s: "48;5;117" in s.split("\n")[0], ansi=True,
               desc="the light theme")
    t.stable(0.2)
    row = _row_with(t, "<name>Prosody</name>")
    assert _fg_of(row, "name") == {26}, _fg_of(row, "name")
    t.quit()


# The login's archive query is an iq with a long reply too: tests that
# look for the iq they type or a folded element start without it.
NO_MAM = ("set mam_first 0",)


def test_console_sends_typed_xml_and_pairs_the_reply(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx, extra=NO_MAM)
    _open_console(t)
    before = _kept(t)
    t.type_line(VERSION_IQ)
    t.wait_for(lambda s: re.search(r"↩ #\d+ [\d.]+ ms", s), desc="a paired reply")
    t.wait_for("<version>")
    t.stable(0.2)
    heads = [r for r in t.main_area() if HEADER.match(r)]
    # the newest pair: the iq typed (the login's own iqs come before it)
    req = next(r for r in reversed(heads) if "→ out" in r and "→ #" in r.split("B", 1)[1])
    rep = next(r for r in reversed(heads) if re.search(r"↩ #\d+ [\d.]+ ms", r))
    req_seq = int(HEADER.match(req).group(1))
    rep_seq = int(HEADER.match(rep).group(1))
    assert ("→ #%d" % rep_seq) in req, (req, rep)
    assert ("↩ #%d " % req_seq) in rep, (req, rep)
    assert rep_seq > req_seq > before - 1, (req_seq, rep_seq, before)
    # the command's answer shows under the elements
    assert re.search(r"-- sent iq \S+; its reply is paired", t.main_text()), t.show()
    assert "[alice: online]" in t.rows()[-2]
    t.quit()


def test_console_refuses_malformed_xml(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    _open_console(t)
    t.stable(0.3)
    before = _kept(t)
    t.type_line("<iq><query></iq>")
    t.wait_for("not sent: line 1")
    row = next(r for r in t.main_area() if "not sent" in r)
    assert "!! not sent: line 1, column" in row, row
    assert "mismatch" in row, row
    t.stable(0.5)
    assert _kept(t) == before, "an element went out: %s" % title(t)
    assert "[alice: online]" in t.rows()[-2], t.rows()[-2]
    # two elements are refused too; the account still answers
    t.type_line("<presence/><presence/>")
    t.wait_for(lambda s: "not sent" in s and "not sent: line 1, column 5" not in s
               and "mismatch" not in s, desc="the second refusal")
    t.type_line(VERSION_IQ)
    t.wait_for(lambda s: re.search(r"↩ #\d+ [\d.]+ ms", s), desc="a paired reply")
    assert "[alice: online]" in t.rows()[-2]
    t.quit()


def test_console_filter_and_raw(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    _open_console(t)
    t.type_line("/console filter in message")
    t.wait_for(lambda s: "filter: in message" in title(t), desc="the filter in the title")
    t.wait_for("no element matches the filter")
    bob.send_message(ajid, "filtered hello")
    t.wait_for("filtered hello")
    t.stable(0.3)
    heads = _headers(t)
    assert heads and all(d == "in" for _, d in heads), t.show()
    main = t.main_text()
    assert "<presence" not in main and "<iq" not in main, t.show()
    assert "<message" in main, t.show()
    # an outgoing message is not shown
    t.type_line("/msg %s going out" % bjid)
    bob.wait_message(bare=ajid)
    t.keys("M-2")
    t.wait_for(lambda s: title(t).startswith("xml console"), desc="the console again")
    t.stable(0.3)
    assert "going out" not in t.main_text(), t.show()
    # off: everything again
    t.type_line("/console filter off")
    t.wait_for(lambda s: "filter:" not in title(t), desc="no filter in the title")
    t.wait_for("going out")
    assert any(d == "out" for _, d in _headers(t)), t.show()
    # raw: one line per element
    t.type_line("/console raw")
    t.wait_for(lambda s: "— raw" in title(t), desc="raw in the title")
    t.stable(0.3)
    rows = [r for r in t.main_area() if r.strip()]
    elements = [r for r in rows if re.match(r"^#\d+ \d\d:\d\d:\d\d\.\d{3} [←→] <", r)]
    assert len(elements) >= 10, t.show()
    # every row is an element (but the answer of the last command, if any)
    assert all(r in elements or r.startswith("0") or r.startswith("1") or
               r.startswith("2") for r in rows), t.show()
    seqs = [int(re.match(r"^#(\d+)", r).group(1)) for r in elements]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs
    t.type_line("/console pretty")
    t.wait_for(lambda s: "— raw" not in title(t), desc="pretty again")
    t.quit()


def test_console_pause_and_resume(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    _open_console(t)
    t.type_line("/console pause")
    t.wait_for(lambda s: "paused: 0 new" in title(t), desc="paused in the title")
    for i in range(3):
        bob.send_message(ajid, "while paused %d" % i)
    t.wait_for(lambda s: re.search(r"paused: ([3-9]|\d\d+) new", title(t)),
               desc="3 new in the title")
    t.stable(0.3)
    assert "while paused" not in t.main_text(), t.show()
    t.type_line("/console resume")
    t.wait_for("while paused 2")
    assert "paused" not in title(t), title(t)
    t.quit()


def test_console_folds_long_elements(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx, extra=NO_MAM)
    _open_console(t)
    t.type_line("/xml template disco-info")
    t.wait_for(lambda s: re.search(r"\[\+\d+ lines\] /console unfold \d+", s),
               desc="a folded element")
    m = re.search(r"\[\+(\d+) lines\] /console unfold (\d+)", t.screen())
    seq = int(m.group(2))
    assert "<identity" not in t.main_text(), t.show()
    assert "Alt-u" not in t.main_text()
    # Alt-u unfolds every long element, again folds them
    t.keys("M-u")
    t.wait_for("<identity")
    assert "/console unfold %d" % seq not in t.screen(), t.show()
    t.keys("M-u")
    t.wait_for("/console unfold %d" % seq)
    # one element by its number
    t.type_line("/console unfold %d" % seq)
    t.wait_for("<identity")
    t.type_line("/console fold %d" % seq)
    t.wait_for("/console unfold %d" % seq)
    t.quit()


def test_console_scrolled_back_stays_put(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx, height=20)
    _open_console(t)
    t.keys("PPage")
    t.wait_for("more below (PgDn)")
    t.stable(0.2)
    top = t.main_area()[:5]
    m = re.search(r"-- (\d+) more below", t.main_text())
    n = int(m.group(1))
    bob.send_message(ajid, "arrives below")
    t.wait_for(lambda s: re.search(r"-- (\d+) more below", t.main_text())
               and int(re.search(r"-- (\d+) more below",
                                 t.main_text()).group(1)) > n,
               desc="the count below growing")
    assert t.main_area()[:5] == top, "the view moved:\n" + t.show()
    assert "-- more --" in t.rows()[-2], t.rows()[-2]
    # wheel down (SGR mouse report) and PgDn go back to the end
    for _ in range(20):
        if "more below" not in t.main_text():
            break
        t.keys("NPage")
        t.stable(0.1)
    t.wait_for("arrives below")
    # the mouse wheel (SGR reports) scrolls too
    t.literal("\x1b[<64;10;10M")
    t.wait_for("more below (PgDn)")
    t.literal("\x1b[<65;10;10M")
    t.wait_gone("more below (PgDn)")
    # a search scrolls to its latest hit and marks it
    t.type_line("/console search SCRAM-SHA-1")
    t.wait_for("SCRAM-SHA-1")
    t.stable(0.2)
    assert "search: SCRAM-SHA-1" in title(t), title(t)
    row = _row_with(t, "SCRAM-SHA-1<")
    assert _fg_of(row, "SCRAM-SHA-1") == {16}, \
        "the hit in console.match: %r" % _fg_of(row, "SCRAM-SHA-1")
    t.quit()


def test_console_edit_sends_the_result(ctx):
    d = ctx.mkdtemp()
    editor = os.path.join(d, "editor.sh")
    with open(editor, "w") as f:
        f.write("#!/bin/sh\nsed -i 's/jabber:iq:version/urn:xmpp:ping/; "
                "s/<query /<ping /' \"$1\"\n")
    os.chmod(editor, 0o700)
    t, ajid, bob, bjid = alice_and_bob(ctx, env={"EDITOR": editor, "VISUAL": None})
    _open_console(t)
    t.type_line(VERSION_IQ)
    t.wait_for("<version>")
    t.stable(0.2)
    req = next(r for r in t.main_area() if HEADER.match(r) and "→ out" in r
               and "→ #" in r.split("B", 1)[1])
    seq = int(HEADER.match(req).group(1))
    t.type_line("/console edit %d" % seq)
    t.wait_for('<ping xmlns="urn:xmpp:ping"/>')
    t.wait_for(lambda s: re.search(r"-- sent iq", t.main_text()), desc="sent")
    # the edited request went out and got its own reply
    t.wait_for(lambda s: any(HEADER.match(r) and int(HEADER.match(r).group(1)) > seq + 1
                             and "↩ #" in r for r in t.main_area()),
               desc="the reply to the edited request")
    t.quit()


def test_console_marks_unanswered_requests(ctx):
    """A request without a reply after iq_timeout is marked "no reply" (a
    one-shot timer redraws at the deadline)."""
    sys.path.insert(0, os.path.join(TOP, "bench", "lib"))
    from rawxmpp import RawClient          # a client that answers nothing
    t, ajid, bob, bjid = alice_and_bob(ctx, extra=["set iq_timeout 1"])
    cjid, cpw = ctx.new_account("carol")
    srv = ctx.server
    carol = RawClient("127.0.0.1", srv.port, srv.host, cjid.split("@")[0],
                      cpw, srv.ca_file, resource="silent").connect()
    ctx.defer(carol.close)
    carol.presence()
    _open_console(t)
    t.type_line("<iq type='get' to='%s/silent'><ping xmlns='urn:xmpp:ping'/></iq>"
                % cjid)
    t.wait_for("<ping")
    t.wait_for(lambda s: any(HEADER.match(r) and r.endswith("no reply")
                             for r in t.main_area()), timeout=5,
               desc="the request marked 'no reply'")
    row = _row_with(t, None, r"^#\d+ .* → out, \d+ B  no reply")
    assert _fg_of(row, "no reply") == {203}, _fg_of(row, "no reply")
    t.quit()


def test_console_text_from_the_network_is_inert(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    _open_console(t)
    bob.send_message(ajid, "evil \u202e reversed \u009b csi end")
    t.wait_for("reversed")
    t.stable(0.2)
    main = t.main_text()
    assert "<RLO>" in main and "<U+009B>" in main, t.show()
    assert "\u202e" not in t.screen() and "\u009b" not in t.screen()
    t.quit()
