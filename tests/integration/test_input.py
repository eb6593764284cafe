#!/usr/bin/python3
"""test_input.py - bad commands, bad JIDs and bad config lines give error
events and natter carries on.  Run through run.py."""


def test_unknown_command(ctx):
    n = ctx.natter([])
    m = n.mark()
    n.cmd("/frobnicate now please")
    ev = n.wait("error", since=m)
    assert ev.get("command") == "frobnicate", \
        "error for an unknown command should name it: %r" % ev
    assert ev.get("message"), ev
    n.ping()
    n.quit()


def test_help(ctx):
    n = ctx.natter([])
    m = n.mark()
    n.cmd("/help")
    ev = n.wait("info", since=m)
    assert ev.get("message"), ev
    m = n.mark()
    n.cmd("/help msg")
    ev = n.wait("info", since=m)
    assert "msg" in (ev.get("message") or ""), \
        "/help msg should describe /msg: %r" % ev
    n.quit()


def test_malformed_jids(ctx):
    jid, pw = ctx.new_account("alice")
    n = ctx.natter(ctx.account_lines("alice", jid, pw), args=["-a", "alice"])
    n.connected("alice")
    # ("/msg not a jid@@ hi" would address the valid domain JID "not".)
    for bad in ("jid@@bad", "@localhost", "a@b@c", "user@", "x@localhost/"):
        m = n.mark()
        n.cmd("/msg %s hi" % bad)
        ev = n.wait("error", since=m)
        assert ev.get("command") == "msg", \
            "error for /msg %s should name the command: %r" % (bad, ev)
        n.no_event("message", dir="out", since=m, within=0.2)
    n.ping()
    n.quit()


def test_corrupt_config_line(ctx):
    jid, pw = ctx.new_account("alice")
    good = ctx.account_lines("alice", jid, pw)
    lines = ["# natter test config",        # line 1
             good[0],                         # line 2: account add
             "account sett alice x y"]        # line 3: the typo
    lines += good[1:]                         # the rest still applies
    n = ctx.natter(lines, args=["-a", "alice"])
    ev = n.wait("error",
                message=lambda s: (s or "").startswith(n.config_path + ":3:"))
    assert not n.events("error",
                        message=lambda s: ":3:" not in (s or "")), \
        "only line 3 is wrong: %r" % n.events("error")
    n.connected("alice")
    n.quit()


def test_comments_and_blank_lines_in_config(ctx):
    jid, pw = ctx.new_account("alice")
    good = ctx.account_lines("alice", jid, pw)
    lines = ["", "# comment", "   ", good[0], "  # indented comment"]
    lines += ["/" + l for l in good[1:]]      # leading slash is optional
    n = ctx.natter(lines, args=["-a", "alice"])
    n.connected("alice")
    n.no_event("error", within=0.5)
    n.quit()
