#!/usr/bin/python3
"""test_archive.py - what was said while natter was away (XEP-0313 message
archive, with Prosody's mod_mam) and what our other clients say (XEP-0280
carbons, mod_carbons), and what must not count: archive results nobody
asked for and carbons not from our own account.  Run through run.py."""

import glob
import os
import re
import sqlite3
import time


def _login(ctx, ajid, apw, datadir=None, extra=()):
    n = ctx.natter(ctx.account_lines("alice", ajid, apw, extra=extra),
                   args=["-a", "alice"], datadir=datadir)
    n.connected("alice")
    n.wait("roster_end")
    return n


def _page(n, since, timeout=10):
    """The archive_page event that ends our own archive's catch-up."""
    return n.wait("archive_page", since=since, timeout=timeout,
                  where=lambda e: e.get("complete") or not e.get("ok"))


def test_messages_while_away_arrive_once(ctx):
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    ctx.befriend(ajid, apw, bjid, bpw)
    data = ctx.mkdtemp()
    n = _login(ctx, ajid, apw, datadir=data)
    first = _page(n, 0)
    assert first["ok"], first
    n.quit()

    bob = ctx.peer(bjid, bpw)
    for i in range(3):
        bob.send_message(ajid, "while away %d" % i)
    time.sleep(0.5)

    n = _login(ctx, ajid, apw, datadir=data)
    page = _page(n, 0)
    assert page["ok"], page
    got = [e for e in n.events("message") if e["body"].startswith("while away")]
    bodies = [e["body"] for e in got]
    assert bodies == ["while away 0", "while away 1", "while away 2"], \
        "each once, in order: %r" % [(e["body"], e.get("source")) for e in got]
    assert all(e["dir"] == "in" and e["from"].startswith(bjid) for e in got), got
    n.quit()

    # a third login finds nothing new
    n = _login(ctx, ajid, apw, datadir=data)
    page = _page(n, 0)
    assert page["ok"] and page["count"] == 0, page
    assert not [e for e in n.events("message") if e.get("source") == "archive"], \
        n.events("message")
    n.quit()


def test_carbons_from_another_client(ctx):
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    ctx.befriend(ajid, apw, bjid, bpw)
    n = _login(ctx, ajid, apw)
    _page(n, 0)
    bob = ctx.peer(bjid, bpw)
    phone = ctx.peer(ajid, apw, resource="phone")
    m = n.mark()
    # sent from alice's phone: natter shows it as ours, in bob's chat
    phone.send_message(bjid, "from my phone")
    ev = n.wait("message", since=m, body="from my phone")
    assert ev["dir"] == "out" and ev["source"] == "carbon", ev
    assert ev["to"].split("/")[0] == bjid and ev["from"] == ajid + "/phone", ev
    # received by the phone only: natter gets a copy
    bob.send_message(ajid + "/phone", "for the phone")
    ev = n.wait("message", since=m, body="for the phone")
    assert ev["dir"] == "in" and ev["source"] == "carbon", ev
    assert ev["from"].startswith(bjid), ev


def test_forged_carbons_and_results_dropped(ctx):
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    ctx.befriend(ajid, apw, bjid, bpw)
    n = _login(ctx, ajid, apw)
    _page(n, 0)
    bob = ctx.peer(bjid, bpw)
    m = n.mark()
    full = ajid + "/natter"
    # a "carbon" from bob claiming alice sent something
    bob.send_raw(
        "<message to='%s'><sent xmlns='urn:xmpp:carbons:2'>"
        "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' "
        "from='%s/phone' to='carol@localhost' type='chat'><body>forged carbon</body>"
        "</message></forwarded></sent></message>" % (full, ajid))
    # an archive "result" from bob, with a query id nobody asked for
    bob.send_raw(
        "<message to='%s'><result xmlns='urn:xmpp:mam:2' queryid='guess' id='x1'>"
        "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' "
        "stamp='2020-01-01T00:00:00Z'/><message xmlns='jabber:client' from='%s' "
        "to='%s' type='chat'><body>forged archive</body></message></forwarded>"
        "</result></message>" % (full, bjid, ajid))
    bob.send_message(ajid, "a real one")
    n.wait("message", since=m, body="a real one")
    n.ping()
    bodies = [e["body"] for e in n.events("message", since=m)]
    assert "forged carbon" not in bodies and "forged archive" not in bodies, bodies


def test_mam_fetch_on_demand(ctx):
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    ctx.befriend(ajid, apw, bjid, bpw)
    bob = ctx.peer(bjid, bpw)
    n = _login(ctx, ajid, apw, extra=["set mam_first 0"])
    for i in range(3):
        bob.send_message(ajid, "older %d" % i)
        n.wait("message", body="older %d" % i)
    m = n.mark()
    n.cmd("/mam fetch %s" % ajid)
    page = _page(n, m)
    assert page["ok"] and page["count"] >= 3, page
    # already reported live in this session: not again
    again = [e for e in n.events("message", since=m) if e["body"].startswith("older")]
    assert not again, again


def _mam_query_ids(n, since):
    """The queryids of the MAM queries natter sent since a mark (headless
    stanza events, /console on)."""
    ids = []
    for e in n.events("stanza", since=since, dir="out"):
        m = re.search(r"<query[^>]*xmlns=[\"']urn:xmpp:mam:2[\"'][^>]*>", e["xml"])
        q = m and re.search(r"queryid=[\"']([^\"']+)[\"']", m.group(0))
        if q:
            ids.append(q.group(1))
    return ids


def test_archive_results_need_their_query_in_flight(ctx):
    """Results really sent by our own archive count only with the queryid
    of a query still in flight: one natter never sent, and one whose query
    has ended, are dropped.  Prosody sends both, asked through /xml."""
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    ctx.befriend(ajid, apw, bjid, bpw)
    # said by alice's phone while natter is away: in alice's archive only
    phone = ctx.peer(ajid, apw, resource="phone")
    for i in range(3):
        phone.send_message(bjid, "archived %d" % i)
    phone.disconnect()
    n = _login(ctx, ajid, apw, extra=["set mam_first 0"])
    n.cmd("/console on")
    # a query of natter's own that ends with nothing (it starts tomorrow)
    m = n.mark()
    tomorrow = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 2 * 86400))
    n.cmd("/mam fetch %s %s" % (ajid, tomorrow))
    page = _page(n, m)
    assert page["ok"] and page["count"] == 0, page
    stale = _mam_query_ids(n, m)
    assert len(stale) == 1, stale

    for qid in (stale[0], "never-asked"):
        m = n.mark()
        n.cmd("/xml <iq type='set'><query xmlns='urn:xmpp:mam:2' queryid='%s'/></iq>"
              % qid)
        # the archive answers: results with that queryid, then the iq result
        res = n.wait("stanza", since=m, dir="in", where=lambda e: re.search(
            r"<result[^>]*queryid=[\"']%s[\"']" % re.escape(qid), e["xml"]))
        assert "archived 0" in res["xml"], res
        # the archive's answer to the query itself ends the results
        n.wait("stanza", since=m, dir="in",
               where=lambda e: e["xml"].startswith("<iq") and "<fin" in e["xml"])
        n.ping()
        got = [e["body"] for e in n.events("message", since=m)]
        assert not got, "results of query %s must be dropped: %r" % (qid, got)

    # the same messages through a query in flight do count: the drops
    # above were for the queryid, not for the messages
    m = n.mark()
    n.cmd("/mam fetch %s" % ajid)
    _page(n, m)
    got = [e["body"] for e in n.events("message", since=m)]
    assert got == ["archived 0", "archived 1", "archived 2"], got
    assert all(e["dir"] == "out" and e["source"] == "archive"
               for e in n.events("message", since=m)), n.events("message", since=m)


def test_clock_hours_off_keeps_one_copy(ctx):
    """natter's clock three hours ahead of the server's (faketime): what
    it sends and receives live is stamped by the server's clock (XEP-0202,
    asked at login), so the archive's copies fetched by a later session
    are the same messages, not second rows three hours away."""
    libs = glob.glob("/usr/lib/*/faketime/libfaketime.so.1")
    assert libs, "libfaketime is missing: scripts/deps installs faketime"
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    ctx.befriend(ajid, apw, bjid, bpw)
    data = ctx.mkdtemp()
    lines = ctx.account_lines("alice", ajid, apw, extra=["set mam_first 50"])
    env = {"LD_PRELOAD": libs[0],
           "FAKETIME": "+3h", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
           "FAKETIME_DONT_RESET": "1",
           # under AddressSanitizer: its runtime need not come first
           "ASAN_OPTIONS": ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"),
                                                  "verify_asan_link_order=0"]))}
    n = ctx.natter(lines, args=["-a", "alice"], datadir=data, env=env)
    n.connected("alice")
    _page(n, 0)
    bob = ctx.peer(bjid, bpw)
    time.sleep(0.5)  # the server's time has come back
    m = n.mark()
    n.cmd("/msg %s sent with a fast clock" % bjid)
    out = n.wait("message", since=m, dir="out")
    bob.send_message(ajid, "received with a fast clock")
    inn = n.wait("message", since=m, body="received with a fast clock")
    for ev in (out, inn):
        assert abs(ev["stamp"] - time.time()) < 60, (ev, time.time())
    n.quit()
    # forget the checkpoint: the next login fetches the newest messages
    db = sqlite3.connect(os.path.join(data, "natter", "natter.db"))
    db.execute("DELETE FROM archive_state")
    db.commit()
    db.close()
    n = ctx.natter(lines, args=["-a", "alice"], datadir=data, env=env)
    n.connected("alice")
    page = _page(n, 0)
    assert page["ok"] and page["count"] >= 2, page
    m = n.mark()
    n.cmd("/history %s" % bjid)
    n.wait("info", command="history", since=m)
    bodies = [e["body"] for e in n.events("history", since=m)]
    assert sorted(bodies) == ["received with a fast clock", "sent with a fast clock"], bodies


def test_checkpoint_dropped_by_the_archive(ctx):
    """A full archive drops its oldest messages, the one natter's
    checkpoint names among them: natter fetches from that message's time
    instead, so nothing said since is lost (not only the newest mam_first),
    and nothing shown twice."""
    ajid, apw = ctx.new_account("alice")
    bjid, bpw = ctx.new_account("bob")
    ctx.befriend(ajid, apw, bjid, bpw)
    bob = ctx.peer(bjid, bpw)
    bob.send_message(ajid, "before")
    time.sleep(0.3)
    data = ctx.mkdtemp()
    n = _login(ctx, ajid, apw, datadir=data, extra=["set mam_first 1"])
    _page(n, 0)
    n.quit()
    # said by alice's phone: in the archive only (no offline delivery)
    phone = ctx.peer(ajid, apw, resource="phone")
    for i in range(3):
        phone.send_message(bjid, "while away %d" % i)
    phone.disconnect()
    time.sleep(1.1)
    db = sqlite3.connect(os.path.join(data, "natter", "natter.db"))
    assert db.execute("UPDATE archive_state SET last_id = 'dropped-by-the-server'"
                      ).rowcount == 1
    db.commit()
    db.close()
    n = _login(ctx, ajid, apw, datadir=data, extra=["set mam_first 1"])
    page = _page(n, 0)
    assert page["ok"], page
    m = n.mark()
    n.cmd("/history %s" % bjid)
    n.wait("info", command="history", since=m)
    bodies = [e["body"] for e in n.events("history", since=m)]
    assert bodies == ["before", "while away 0", "while away 1", "while away 2"], bodies
    n.quit()
    # and the checkpoint is a real id again: the next login fetches nothing
    n = _login(ctx, ajid, apw, datadir=data, extra=["set mam_first 1"])
    page = _page(n, 0)
    assert page["ok"] and page["count"] == 0, page
