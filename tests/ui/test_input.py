#!/usr/bin/python3
"""test_input.py - the input line: bracketed paste, Alt-Enter, Tab
completion, chat states while typing, /editor.  Run through run.py."""

import os

from tui import Tui, alice_and_bob, title


def _chat(t, bjid):
    t.type_line("/win %s" % bjid)
    t.wait_for(lambda s: bjid in title(t), desc="bob's chat")


def test_paste_is_one_message(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    _chat(t, bjid)
    t.paste("line one\nline two\nline three")
    t.wait_for(lambda s: "line three" in t.rows()[-1],
               desc="the pasted text in the input line")
    bob.no_message(within=0.5)          # a paste never sends by itself
    t.keys("Enter")
    got = bob.wait_message(bare=ajid)
    assert got["body"] == "line one\nline two\nline three", \
        "the paste should arrive as one message: %r" % got["body"]
    bob.no_message(within=0.5)
    t.wait_for(lambda s: "line three" in t.main_text(),
               desc="our message in the chat")
    t.wait_for(lambda s: t.rows()[-1].strip() == ">",
               desc="an empty input line")

    # a trailing newline in the paste does not send either, and control
    # characters in it are not sent
    t.paste("alpha\tbeta\x07gamma\n")
    t.wait_for(lambda s: "alpha" in t.rows()[-1], desc="the second paste")
    bob.no_message(within=0.5)
    t.keys("Enter")
    got = bob.wait_message(bare=ajid)
    assert got["body"] == "alpha betagamma", repr(got["body"])

    # Alt-Enter puts a newline into the line
    t.literal("first")
    t.keys("M-Enter")
    t.literal("second")
    t.wait_for(lambda s: "second" in t.rows()[-1], desc="typed text")
    bob.no_message(within=0.3)
    t.keys("Enter")
    got = bob.wait_message(bare=ajid)
    assert got["body"] == "first\nsecond", repr(got["body"])
    t.quit()


def test_tab_completion(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    t.literal("/ros")
    t.wait_for(lambda s: t.rows()[-1] == "[natter] /ros", desc="'/ros'")
    t.keys("Tab")
    t.wait_for(lambda s: t.rows()[-1] == "[natter] /roster",
               desc="'/ros' Tab completing to '/roster '")
    assert t.cursor()[0] == len("[natter] /roster "), \
        "completion should add a space: cursor at %r" % (t.cursor(),)
    t.keys("C-a", "C-k")

    t.literal("/msg bo")
    t.wait_for(lambda s: t.rows()[-1] == "[natter] /msg bo", desc="'/msg bo'")
    t.keys("Tab")
    t.wait_for(lambda s: t.rows()[-1] == "[natter] /msg %s" % bjid,
               desc="'/msg bo' Tab completing bob's JID")
    assert t.cursor()[0] == len("[natter] /msg %s " % bjid), t.cursor()
    t.literal("hi via completion")
    t.keys("Enter")
    got = bob.wait_message(bare=ajid)
    assert got["body"] == "hi via completion", got

    # /win completes JIDs as well
    t.literal("/win bo")
    t.keys("Tab")
    t.wait_for(lambda s: t.rows()[-1] == "[natter] /win %s" % bjid,
               desc="'/win bo' Tab completing bob's JID")
    t.keys("Enter")
    t.wait_for(lambda s: bjid in title(t), desc="bob's chat")
    t.quit()


def test_chat_states_while_typing(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    _chat(t, bjid)
    t.literal("hel")
    st = bob.wait_stanza(bare=ajid, chatstate="composing")
    assert not st["body"], "composing goes alone: %r" % st
    t.literal("lo")
    t.keys("Enter")
    got = bob.wait_message(bare=ajid)
    assert got["body"] == "hello", got
    assert got["chatstate"] == "active", \
        "the message should carry <active/>: %s" % got["xml"]
    # commands typed in a chat are not "composing"
    bob.stanzas.clear()
    t.literal("/wins")
    bob.no_stanza(within=0.5, chatstate="composing")
    t.keys("C-a", "C-k")
    t.quit()


def test_history_per_window(ctx):
    t, ajid, bob, bjid = alice_and_bob(ctx)
    t.type_line("/wins")
    t.wait_for("windows:")
    _chat(t, bjid)
    t.type_line("to bob one")
    t.type_line("to bob two")
    for body in ("to bob one", "to bob two"):
        assert bob.wait_message(bare=ajid)["body"] == body
    t.keys("Up")
    t.wait_for(lambda s: t.rows()[-1] == "> to bob two", desc="Up: last line")
    t.keys("Up")
    t.wait_for(lambda s: t.rows()[-1] == "> to bob one", desc="Up again")
    t.keys("Down", "Down")
    t.wait_for(lambda s: t.rows()[-1] == ">", desc="Down to an empty line")
    # the console has its own history
    t.keys("M-1")
    t.wait_for(lambda s: "console" in title(t), desc="the console")
    t.keys("Up")
    t.wait_for(lambda s: t.rows()[-1] == "[natter] /win %s" % bjid,
               desc="the console's own last line")
    t.keys("C-a", "C-k")
    # Ctrl-R finds an older line of this window
    t.keys("C-r")
    t.literal("wi")
    t.wait_for(lambda s: "/wins" in t.rows()[-1], desc="Ctrl-R finding /wins")
    t.keys("Enter")
    t.wait_for(lambda s: t.main_text().count("windows:") == 2,
               desc="/wins run again from the search")
    t.keys("M-2")
    t.keys("Up")
    t.wait_for(lambda s: t.rows()[-1] == "> to bob two",
               desc="bob's chat keeps its history")
    t.keys("C-a", "C-k")
    t.quit()


def _editor(ctx, content):
    d = ctx.mkdtemp()
    path = os.path.join(d, "editor.sh")
    data = os.path.join(d, "text")
    with open(data, "wb") as f:
        f.write(content.encode("utf-8"))
    with open(path, "w") as f:
        f.write("#!/bin/sh\ncat '%s' > \"$1\"\n" % data)
    os.chmod(path, 0o755)
    return path


def test_editor(ctx):
    ed = _editor(ctx, "from the editor\nsecond line\n")
    t, ajid, bob, bjid = alice_and_bob(ctx, env={"EDITOR": ed,
                                                 "VISUAL": None})
    _chat(t, bjid)
    t.type_line("/editor")
    t.wait_for(lambda s: "from the editor" in t.rows()[-1],
               desc="the editor's text in the input line")
    assert "second line" in t.rows()[-1], t.rows()[-1]
    bob.no_message(within=0.3)
    assert bjid in t.rows()[0], "the screen is back:\n%s" % t.show()
    t.keys("Enter")
    got = bob.wait_message(bare=ajid)
    assert got["body"] == "from the editor\nsecond line", repr(got["body"])
    t.wait_for(lambda s: "second line" in t.main_text(),
               desc="the message in the chat")
    t.quit()


def test_editor_control_characters(ctx):
    """C0 controls from $EDITOR are shown inert and not sent."""
    ed = _editor(ctx, "esc \x1b[2J bell \x07 end")
    t, ajid, bob, bjid = alice_and_bob(ctx, env={"EDITOR": ed,
                                                 "VISUAL": None})
    _chat(t, bjid)
    t.literal("before")
    t.keys("C-a", "C-k")
    t.type_line("/editor")
    t.wait_for(lambda s: "end" in t.rows()[-1],
               desc="the editor's text in the input line")
    row = t.rows()[-1]
    assert "^[[2J" in row and "^G" in row, \
        "controls should show inert in the input line: %r" % row
    assert bjid in t.rows()[0], t.show()
    t.keys("Enter")
    got = bob.wait_message(bare=ajid)
    assert got["body"] == "esc [2J bell  end", repr(got["body"])
    t.quit()


def test_quit_from_console(ctx):
    """natter without accounts starts, and /quit ends it with status 0."""
    t = Tui(ctx, [], width=80, height=24)
    t.wait_for("/help lists the commands")
    t.quit()
