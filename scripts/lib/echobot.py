#!/usr/bin/python3
"""echobot.py - a demo XMPP peer: answers every chat message with
"echo: <body>", accepts every subscription request and subscribes back,
and shows a status text.

As a module (what scripts/demo uses, in the same process as the server):
    bot = start_echobot("bob@localhost", password, server)
As a script (the password never goes on the command line):
    ECHOBOT_PASSWORD=... scripts/lib/echobot.py --jid bob@localhost \
        --port 5222 --ca-file /tmp/x/ca.pem [--status "text"]
    scripts/lib/echobot.py --jid bob@localhost --password-file FILE ...
It runs until SIGINT/SIGTERM.
"""

import argparse
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer import Peer  # noqa: E402

DEFAULT_STATUS = "I repeat everything you say"


def _echo(peer, msg):
    body = msg["body"]
    if body.startswith("echo: "):
        return                      # never talk to another echobot forever
    peer.xmpp.send_message(mto=msg["from"], mbody="echo: " + body,
                           mtype=msg["type"] or "chat")


def _subscription(peer, sub):
    # Runs on the loop thread: use slixmpp directly, not the blocking API.
    if sub["type"] == "subscribe":
        peer.xmpp.send_presence(pto=sub["bare"], ptype="subscribed")
        peer.xmpp.send_presence(pto=sub["bare"], ptype="subscribe")
        # let the new contact see us right away
        peer.xmpp.send_presence(pto=sub["bare"], pstatus=peer.status)


def start_echobot(jid, password, server=None, host="127.0.0.1", port=None,
                  ca_file=None, status=DEFAULT_STATUS, resource="echobot"):
    """Connect an echobot and return its Peer (call .disconnect() to stop)."""
    bot = Peer(jid, password, server=server, host=host, port=port,
               ca_file=ca_file, resource=resource, on_message=_echo,
               on_subscription=_subscription, status=status)
    return bot.connect()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jid", required=True)
    ap.add_argument("--password-file",
                    help="file whose first line is the password "
                         "(default: $ECHOBOT_PASSWORD)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ca-file", required=True)
    ap.add_argument("--status", default=DEFAULT_STATUS)
    args = ap.parse_args()
    if args.password_file:
        with open(args.password_file) as f:
            password = f.readline().rstrip("\n")
    else:
        password = os.environ.pop("ECHOBOT_PASSWORD", None)
    if not password:
        ap.error("no password: use --password-file or $ECHOBOT_PASSWORD")

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    bot = start_echobot(args.jid, password, host=args.host, port=args.port,
                        ca_file=args.ca_file, status=args.status)
    print("echobot %s online" % bot.full_jid, flush=True)
    stop.wait()
    bot.disconnect()


if __name__ == "__main__":
    main()
