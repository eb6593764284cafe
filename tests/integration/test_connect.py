#!/usr/bin/python3
"""test_connect.py - logging in, failing to, timeouts, quitting, and
keeping the password out of sight.  Run through run.py."""

import os
import subprocess
import time

from fakeserver import SilentServer


def _setup(ctx, name="alice", **kw):
    jid, pw = ctx.new_account(name)
    return jid, pw, ctx.account_lines(name, jid, pw, **kw)


def test_login(ctx):
    jid, pw, lines = _setup(ctx)
    n = ctx.natter(lines, args=["-a", "alice"])
    ev = n.connected("alice")
    assert ev.get("jid") == jid + "/natter", \
        "connected event jid should be the bound full JID %s/natter, got %r" \
        % (jid, ev.get("jid"))
    n.quit()


def test_connect_and_disconnect_commands(ctx):
    jid, pw, lines = _setup(ctx)
    n = ctx.natter(lines)
    n.no_event("connected", within=1.0)   # no -a, no autoconnect: stay off
    n.cmd("/connect alice")
    n.connected("alice")
    n.cmd("/disconnect alice")
    ev = n.wait("disconnected", account="alice")
    assert ev.get("kind") == "user", \
        "a /disconnect should report kind 'user', got %r" % ev
    n.ping()
    n.quit()


def test_wrong_password(ctx):
    jid, pw, lines = _setup(ctx, "alice")
    lines = [l.replace(pw, "not-" + pw) for l in lines]
    n = ctx.natter(lines, args=["-a", "alice"])
    ev = n.refused("alice")
    assert ev.get("kind") == "auth", \
        "wrong password should give kind 'auth', got %r" % ev
    assert ev.get("reason"), "disconnected event needs a reason text"
    assert not n.events("connected"), "must not report connected"
    n.ping()                       # still alive and answering
    n.quit()


def test_silent_server_times_out_and_stays_responsive(ctx):
    fake = SilentServer().start()
    ctx.defer(fake.close)
    jid, pw, lines = _setup(ctx, port=fake.port,
                            extra=["set connect_timeout 3"])
    n = ctx.natter(lines, args=["-a", "alice"])
    fake.wait_connection(timeout=5)
    t_conn = time.monotonic()
    # while the session hangs, the command loop must answer at once
    m = n.mark()
    t0 = time.monotonic()
    n.cmd("/help")
    n.wait("info", since=m, timeout=2)
    answered = time.monotonic() - t0
    assert answered < 0.5, \
        "/help took %.2f s while connecting (must be < 0.5 s)" % answered
    ev = n.refused("alice")
    took = ev["_t"] - t_conn
    assert ev.get("kind") == "timeout", \
        "a silent server should give kind 'timeout', got %r" % ev
    assert 2.5 <= took <= 6.5, \
        "connect_timeout 3 should fire after ~3 s, took %.2f s" % took
    assert b"<auth" not in fake.received()
    n.ping()
    n.quit()


def test_end_of_stdin_exits_zero_idle(ctx):
    n = ctx.natter([])
    time.sleep(0.3)
    n.quit()


def test_end_of_stdin_exits_zero_connected(ctx):
    jid, pw, lines = _setup(ctx)
    n = ctx.natter(lines, args=["-a", "alice"])
    n.connected("alice")
    n.quit()


def test_quit_command(ctx):
    jid, pw, lines = _setup(ctx)
    n = ctx.natter(lines, args=["-a", "alice"])
    n.connected("alice")
    n.cmd("/quit")
    try:
        status = n.proc.wait(10)
    except subprocess.TimeoutExpired:
        raise AssertionError("natter did not exit within 10 s of /quit\n"
                             + n.diagnostics())
    assert status == 0, "/quit should exit with status 0, got %d" % status


def test_password_never_shown(ctx):
    jid, pw, lines = _setup(ctx)
    n = ctx.natter(lines, args=["-a", "alice"])
    n.connected("alice")
    # poke at things that might echo settings back
    n.cmd("/help account")
    n.cmd("/account list")
    n.cmd("/account set alice nosuchkey x")
    n.ping()
    with open("/proc/%d/cmdline" % n.pid, "rb") as f:
        cmdline = f.read()
    with open("/proc/%d/environ" % n.pid, "rb") as f:
        environ = f.read()
    ps = subprocess.run(["ps", "-eww", "-o", "args"], capture_output=True,
                        text=True).stdout
    n.quit()
    secret = pw.encode()
    assert secret not in cmdline, "password in /proc/PID/cmdline"
    assert secret not in environ, "password in /proc/PID/environ"
    assert pw not in ps, "password visible in ps output"
    assert pw not in n.stdout_text(), "password printed on stdout"
    assert pw not in n.stderr_text(), "password printed on stderr"
    st = os.stat(n.config_path)
    assert st.st_mode & 0o077 == 0, "test config should stay mode 0600"
