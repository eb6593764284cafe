#!/usr/bin/python3
"""test_history_cmds.py - the history commands in headless mode: /history,
/search (words, from:, in:, marks), /export, /mam fetch, what message
events say about where a message came from, and history kept across a
restart.  Run through run.py."""

import json
import os
import stat


def bare(jid):
    return (jid or "").split("/", 1)[0]


def _setup(ctx, datadir=None):
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    bob = ctx.peer(bjid, bpw)
    lines = ctx.account_lines("alice", ajid, apw)
    n = ctx.natter(lines, args=["-a", "alice"], datadir=datadir)
    n.connected("alice")
    return n, lines, ajid, bob, bjid


def _send(n, to, text):
    m = n.mark()
    n.cmd("/msg %s %s" % (to, text))
    return n.wait("message", dir="out", body=text, since=m)


def _receive(n, peer, ajid, text):
    m = n.mark()
    peer.send_message(ajid, text)
    return n.wait("message", dir="in", body=text, since=m)


def _history(n, cmd):
    """Run a /history command; the history events it gave, then its info."""
    m = n.mark()
    n.cmd(cmd)
    info = n.wait("info", command="history", since=m)
    return n.events("history", since=m), info


def _search(n, query):
    """Run /search; the hit events and the summary."""
    m = n.mark()
    n.cmd("/search " + query)
    summary = n.wait("search", summary=True, since=m)
    hits = [e for e in n.events("search", since=m) if not e.get("summary")]
    return hits, summary


def _marked(body, marks):
    """The words marks name in body (byte offsets into its UTF-8)."""
    raw = body.encode("utf-8")
    return [raw[s:e].decode("utf-8").lower() for s, e in marks]


def test_history_in_order(ctx):
    n, lines, ajid, bob, bjid = _setup(ctx)
    out1 = _send(n, bjid, "first from alice")
    _receive(n, bob, ajid, "second from bob")
    _send(n, bjid, "third from alice \u2713")
    bob.wait_message(bare=ajid, body="third from alice \u2713")

    hist, info = _history(n, "/history %s" % bjid)
    assert [h["body"] for h in hist] == ["first from alice", "second from bob",
                                         "third from alice \u2713"], hist
    assert [h["dir"] for h in hist] == ["out", "in", "out"], hist
    for h in hist:
        assert h.get("account") == "alice", h
        assert h.get("conv") == bjid, h
        assert isinstance(h.get("stamp"), int) and h["stamp"] > 0, h
        assert h.get("type") == "chat", h
    assert bare(hist[0]["from"]) == ajid and bare(hist[0]["to"]) == bjid, hist[0]
    assert bare(hist[1]["from"]) == bjid and bare(hist[1]["to"]) == ajid, hist[1]
    assert hist[0]["id"] == out1["id"], (hist[0], out1)
    assert hist[0]["stamp"] <= hist[1]["stamp"] <= hist[2]["stamp"], hist
    assert "3 messages" in info["message"], info

    # N: the newest N, still oldest first
    hist, _ = _history(n, "/history %s 2" % bjid)
    assert [h["body"] for h in hist] == ["second from bob",
                                         "third from alice \u2713"], hist

    # nobody: an info, no events
    hist, info = _history(n, "/history nobody@localhost")
    assert hist == [] and "no messages" in info["message"], info
    m = n.mark()
    n.cmd("/history %s many" % bjid)
    n.wait("error", command="history", since=m)
    n.quit()


def test_message_events_say_their_source(ctx):
    n, lines, ajid, bob, bjid = _setup(ctx)
    out = _send(n, bjid, "where from")
    assert out.get("source") == "live", out
    assert out.get("origin_id"), "our messages carry an origin-id: %r" % out
    ev = _receive(n, bob, ajid, "from bob")
    assert ev.get("source") == "live", ev
    assert "stanza_id" in ev and "origin_id" in ev, ev
    n.quit()


def test_search_by_word_from_and_in(ctx):
    n, lines, ajid, bob, bjid = _setup(ctx)
    cjid, cpw = ctx.new_account("carol")
    carol = ctx.peer(cjid, cpw)
    _send(n, bjid, "the purple elephant dances")
    _receive(n, bob, ajid, "a green Elephant sleeps")
    _receive(n, carol, ajid, "purple rain all day")
    _send(n, cjid, "no animals here")

    hits, summary = _search(n, "elephant")
    assert len(hits) == 2, hits
    assert summary.get("total") == 2 and summary.get("count") == 2, summary
    assert summary.get("query") == "elephant", summary
    assert {h["body"] for h in hits} == {"the purple elephant dances",
                                         "a green Elephant sleeps"}, hits
    assert [h["n"] for h in hits] == [1, 2], hits
    # newest first
    assert hits[0]["body"] == "a green Elephant sleeps", hits
    for h in hits:
        assert h.get("conv") == bjid and h.get("account") == "alice", h
        assert isinstance(h.get("rowid"), int) and h["rowid"] > 0, h
        assert _marked(h["body"], h["marks"]) == ["elephant"], h

    hits, _ = _search(n, "purple")
    assert {h["conv"] for h in hits} == {bjid, cjid}, hits
    for h in hits:
        assert _marked(h["body"], h["marks"]) == ["purple"], h

    hits, _ = _search(n, "purple from:%s" % cjid)
    assert [h["body"] for h in hits] == ["purple rain all day"], hits
    assert bare(hits[0]["from"]) == cjid, hits

    hits, _ = _search(n, "purple in:%s" % bjid)
    assert [h["body"] for h in hits] == ["the purple elephant dances"], hits

    # in: alone lists the conversation
    hits, _ = _search(n, "in:%s" % cjid)
    assert {h["body"] for h in hits} == {"purple rain all day",
                                         "no animals here"}, hits

    # a prefix
    hits, _ = _search(n, "eleph*")
    assert len(hits) == 2, hits

    hits, summary = _search(n, "zebra")
    assert hits == [] and summary.get("total") == 0, summary

    m = n.mark()
    n.cmd("/search before:yesterday")
    n.wait("error", command="search", since=m)
    n.quit()


def test_export_json_lines(ctx):
    n, lines, ajid, bob, bjid = _setup(ctx)
    _send(n, bjid, "export me")
    _receive(n, bob, ajid, "and me \"quoted\"")
    path = os.path.join(ctx.mkdtemp(), "bob.jsonl")
    m = n.mark()
    n.cmd("/export %s %s" % (bjid, path))
    info = n.wait("info", command="export", since=m)
    assert "2 messages" in info["message"], info
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, oct(os.stat(path).st_mode)
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    assert [r["body"] for r in rows] == ["export me", "and me \"quoted\""], rows
    for r in rows:
        for key in ("from", "to", "body", "stamp"):
            assert key in r, (key, r)
        assert isinstance(r["stamp"], int), r
    assert bare(rows[0]["from"]) == ajid and bare(rows[0]["to"]) == bjid, rows[0]
    assert bare(rows[1]["from"]) == bjid and bare(rows[1]["to"]) == ajid, rows[1]

    m = n.mark()
    n.cmd("/export nobody@localhost %s" % path + ".2")
    n.wait("error", command="export", since=m)
    n.quit()


def test_restart_keeps_history(ctx):
    datadir = ctx.mkdtemp()
    n, lines, ajid, bob, bjid = _setup(ctx, datadir=datadir)
    _send(n, bjid, "before the restart")
    _receive(n, bob, ajid, "a reply that stays")
    n.quit()

    # offline this time: the store answers without a server
    n2 = ctx.natter(lines, datadir=datadir)
    hist, _ = _history(n2, "/history %s" % bjid)
    assert [h["body"] for h in hist] == ["before the restart",
                                         "a reply that stays"], hist
    hits, _ = _search(n2, "reply")
    assert [h["body"] for h in hits] == ["a reply that stays"], hits
    m = n2.mark()
    n2.cmd("/mam fetch %s" % ajid)
    err = n2.wait("error", command="mam fetch", since=m)
    assert "not connected" in err["message"], err
    n2.quit()


def test_mam_fetch_own_archive(ctx):
    n, lines, ajid, bob, bjid = _setup(ctx)
    _receive(n, bob, ajid, "archived for later")
    m = n.mark()
    n.cmd("/mam fetch %s 2000-01-01" % ajid)
    n.wait("info", command="mam fetch", since=m)
    page = n.wait("archive_page", since=m, timeout=15,
                  where=lambda e: e.get("complete") or not e.get("ok"))
    assert page.get("ok") is True, page
    assert page.get("account") == "alice", page
    for key in ("archive", "last_id", "count", "complete"):
        assert key in page, (key, page)
    # what the archive sent was known: still one row
    hist, _ = _history(n, "/history %s" % bjid)
    assert [h["body"] for h in hist] == ["archived for later"], hist

    m = n.mark()
    n.cmd("/mam fetch %s 2024-13-40" % ajid)
    n.wait("error", command="mam fetch", since=m)
    n.quit()
