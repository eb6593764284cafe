#!/usr/bin/python3
"""peer.py - slixmpp XMPP peers that synchronous test code can drive.

All peers share one asyncio event loop running in a background thread; the
methods of Peer are called from ordinary (test) threads, run on that loop
and return when done.  What a peer receives lands in thread-safe inboxes:

    bob = Peer("bob@localhost", srv.passwords["bob"], srv)
    bob.connect()
    bob.send_message("alice@localhost", "hi")
    m = bob.wait_message(bare="alice@localhost", timeout=10)
    p = bob.wait_presence(lambda p: p["show"] == "away")
    st = bob.wait_stanza(chatstate="composing")   # body-less ones too
    s = bob.wait_subscription(type="subscribe")
    bob.disconnect()

Received items are dicts:
  message:      from, bare, to, type, body, id, error (condition or None),
                error_text, thread, xml, and the extension fields below
  stanza:       every message stanza, with or without a body (chat states,
                receipts): the message fields plus elem (an ElementTree
                element), chatstate (active|composing|... or None),
                receipt_request (bool), received (the id a receipt
                acknowledges, or None), replace (the id a correction
                replaces, or None), origin_id, no_store (bool)
  presence:     from, bare, to, type/ptype (available|unavailable|error),
                show (online|chat|away|xa|dnd|offline), status (or None),
                priority, and for presence from a room (XEP-0045): codes
                (a set of status code strings), role, affiliation,
                real_jid, new_nick (or None), error (condition or None)
  subscription: from, bare, to, type/ptype (subscribe|subscribed|
                unsubscribe|unsubscribed)
  iq:           from, bare, to, type, id, xml  (IQs sent to us)
A wait_* call returns the first not-yet-taken item that matches (keyword
values are compared for equality, callables are called as predicates) and
raises PeerTimeout listing what did arrive.

Subscription handling is NOT automatic (slixmpp's roster.auto_authorize is
set to None: False would make slixmpp auto-DENY requests): tests call
approve()/deny() themselves.  Debian's slixmpp 1.8.3 under /usr/bin/python3.
"""

import asyncio
import concurrent.futures
import logging
import threading
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

import slixmpp
import slixmpp.exceptions

ROSTER_NS = "jabber:iq:roster"
STANZA_NS = "urn:ietf:params:xml:ns:xmpp-stanzas"
CHATSTATES_NS = "http://jabber.org/protocol/chatstates"
RECEIPTS_NS = "urn:xmpp:receipts"
CORRECT_NS = "urn:xmpp:message-correct:0"
SID_NS = "urn:xmpp:sid:0"
HINTS_NS = "urn:xmpp:hints"
MUC_NS = "http://jabber.org/protocol/muc"
MUC_USER_NS = MUC_NS + "#user"
MUC_ADMIN_NS = MUC_NS + "#admin"
MUC_OWNER_NS = MUC_NS + "#owner"
CHATSTATES = ("active", "composing", "paused", "inactive", "gone")

log = logging.getLogger("natter.peer")


class PeerError(RuntimeError):
    pass


class PeerTimeout(AssertionError):
    pass


# ---- the one background event loop -------------------------------------

_loop = None
_loop_lock = threading.Lock()


def event_loop():
    """The shared asyncio loop, started on first use in a daemon thread."""
    global _loop
    with _loop_lock:
        if _loop is None:
            loop = asyncio.new_event_loop()
            ready = threading.Event()

            def run():
                asyncio.set_event_loop(loop)
                loop.call_soon(ready.set)
                loop.run_forever()

            threading.Thread(target=run, name="slixmpp-loop",
                             daemon=True).start()
            ready.wait()
            _loop = loop
        return _loop


def run_coro(coro, timeout=None):
    """Run a coroutine on the shared loop and wait for its result."""
    fut = asyncio.run_coroutine_threadsafe(coro, event_loop())
    try:
        return fut.result(timeout)
    except concurrent.futures.TimeoutError:
        fut.cancel()
        raise PeerTimeout("timed out after %s s" % timeout)


def run_sync(fn, *args, timeout=30, **kwargs):
    """Call fn(*args, **kwargs) on the loop thread and return its result."""
    async def wrapper():
        return fn(*args, **kwargs)
    return run_coro(wrapper(), timeout)


# ---- inboxes -------------------------------------------------------------

def matches(item, pred=None, match=None):
    if pred is not None and not pred(item):
        return False
    for key, want in (match or {}).items():
        have = item.get(key)
        if callable(want):
            if not want(have):
                return False
        elif have != want:
            return False
    return True


class Inbox:
    """Items in arrival order; take() removes the first matching one."""

    def __init__(self, name):
        self.name = name
        self.items = []          # not yet taken
        self.history = []        # everything, for error messages
        self.cond = threading.Condition()

    def put(self, item):
        with self.cond:
            self.items.append(item)
            self.history.append(item)
            self.cond.notify_all()

    def take(self, pred=None, timeout=10.0, match=None):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for i, item in enumerate(self.items):
                    if matches(item, pred, match):
                        return self.items.pop(i)
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = "\n  ".join(repr(x) for x in self.history[-20:])
                    raise PeerTimeout(
                        "no %s matching %s%s within %.1f s; last received:\n  %s"
                        % (self.name, match or {},
                           " and predicate" if pred else "", timeout,
                           seen or "(nothing)"))
                self.cond.wait(left)

    def none(self, pred=None, within=2.0, match=None):
        """Assert that no matching item arrives within `within` seconds."""
        try:
            item = self.take(pred, within, match)
        except PeerTimeout:
            return
        raise AssertionError("unexpected %s: %r" % (self.name, item))

    def clear(self):
        with self.cond:
            self.items.clear()


# ---- the peer ------------------------------------------------------------

SHOWS = ("chat", "away", "xa", "dnd")


class Peer:
    def __init__(self, jid, password, server=None, host="127.0.0.1",
                 port=None, ca_file=None, resource="peer",
                 on_message=None, on_subscription=None, initial_presence=True,
                 status=None):
        """jid may be bare ("bob@localhost"; `resource` is added) or full.
        server: a LocalServer; otherwise give host, port and ca_file.
        on_message(peer, msg) / on_subscription(peer, sub) run on the loop
        thread for each received chat message / subscription presence."""
        if "/" not in jid and resource:
            jid = "%s/%s" % (jid, resource)
        self.jid = jid
        self.bare = jid.split("/", 1)[0]
        self._password = password
        if server is not None:
            host, port, ca_file = server.ip, server.port, server.ca_file
        self.host, self.port, self.ca_file = host, port, ca_file
        self.on_message = on_message
        self.on_subscription = on_subscription
        self.initial_presence = initial_presence
        self.status = status
        self.messages = Inbox("message")
        self.stanzas = Inbox("message stanza")
        self.presences = Inbox("presence")
        self.subscriptions = Inbox("subscription")
        self.iqs = Inbox("iq")
        self.roster_pushes = Inbox("roster push")
        self.xmpp = None
        self.full_jid = None          # bound JID after connect
        self._started = None
        self._failure = None

    # -- connection --

    def _make_client(self):
        # slixmpp 1.8.3 ignores connect(force_starttls=True) and allows
        # SCRAM over an unencrypted stream by default: forbid every
        # mechanism without TLS, so a stream without STARTTLS cannot log in.
        no_clear = {"unencrypted_plain": False, "unencrypted_scram": False,
                    "unencrypted_digest": False, "unencrypted_cram": False}
        x = slixmpp.ClientXMPP(self.jid, self._password,
                               plugin_config={"feature_mechanisms": no_clear})
        x.loop = event_loop()
        x.ca_certs = self.ca_file
        x.use_ipv6 = False
        x.whitespace_keepalive = False
        x.register_plugin("xep_0030")   # disco
        x.register_plugin("xep_0199")   # answers pings
        x.register_plugin("xep_0203")   # delayed delivery stamps
        # Drive subscriptions by hand. None = "do not answer"; False would
        # make slixmpp send 'unsubscribed' to every request.
        x.roster.auto_authorize = None
        x.roster.auto_subscribe = False
        x.add_event_handler("session_start", self._on_session_start)
        x.add_event_handler("failed_auth", self._on_failure)
        x.add_event_handler("connection_failed", self._on_failure)
        x.add_event_handler("ssl_invalid_chain", self._on_failure)
        x.add_event_handler("stream_error", self._on_failure)
        x.add_event_handler("disconnected", self._on_disconnected)
        x.add_event_handler("message", self._on_message)
        x.add_event_handler("message_error", self._on_message_error)
        x.add_event_handler("presence", self._on_presence)
        x.add_event_handler("roster_update", self._on_roster_push)
        x.register_handler(slixmpp.Callback(
            "natter-test iq", slixmpp.MatchXPath("{jabber:client}iq"),
            self._on_iq))
        # slixmpp's "message" event skips messages without a body
        x.register_handler(slixmpp.Callback(
            "natter-test message", slixmpp.MatchXPath("{jabber:client}message"),
            self._on_stanza))
        return x

    def connect(self, wait=True, timeout=10.0):
        """Connect with mandatory STARTTLS, verifying against the CA.
        With wait, return once the session is established (roster fetched,
        initial presence sent) or raise PeerError."""
        self._started = threading.Event()
        self._failure = None

        def start():
            self.xmpp = self._make_client()
            self.xmpp.connect(address=(self.host, self.port),
                              use_ssl=False, force_starttls=True,
                              disable_starttls=False)
        run_sync(start)
        if wait:
            if not self._started.wait(timeout) or self._failure:
                why = self._failure or "no session within %.0f s" % timeout
                self._abort()
                raise PeerError("%s could not connect: %s" % (self.jid, why))
        return self

    def _abort(self):
        if self.xmpp is not None:
            x = self.xmpp
            self.xmpp = None
            run_sync(lambda: (x.cancel_connection_attempt(), x.abort(),
                              self._reap(x)))

    async def _on_session_start(self, _event):
        try:
            await self.xmpp.get_roster(timeout=10)
        except Exception as e:                 # noqa: BLE001 - report it
            log.warning("%s: roster fetch failed: %s", self.jid, e)
        if self.initial_presence:
            self.xmpp.send_presence(pstatus=self.status)
        self.full_jid = str(self.xmpp.boundjid)
        self._started.set()

    def _on_failure(self, event):
        if self._failure is None:
            self._failure = "%s" % (event,)
        if self._started is not None:
            self._started.set()

    def _on_disconnected(self, reason):
        if self._started is not None and not self._started.is_set():
            self._on_failure("disconnected: %s" % (reason,))

    def disconnect(self, timeout=5.0):
        """Close the stream (sends unavailable presence first)."""
        x = self.xmpp
        if x is None:
            return

        async def go():
            fut = x.disconnect(wait=1.0)
            try:
                await asyncio.wait_for(fut, timeout)
            except asyncio.TimeoutError:
                x.abort()
        try:
            run_coro(go(), timeout + 2)
        finally:
            self.xmpp = None
            run_sync(self._reap, x)

    def kill(self):
        """Drop the TCP connection without closing the stream."""
        x = self.xmpp
        self.xmpp = None
        if x is not None:
            run_sync(x.abort)
            run_sync(self._reap, x)

    @staticmethod
    def _reap(x):
        # slixmpp leaves its output-filter task pending after a disconnect;
        # cancel it so interpreter exit does not warn about it.
        task = getattr(x, "_run_out_filters", None)
        if task is not None and not task.done():
            task.cancel()

    # -- incoming --

    def _on_message_error(self, msg):
        self._on_message(msg, is_error=True)

    def _on_message(self, msg, is_error=False):
        if (msg["type"] == "error") != is_error:
            return            # errors come through _on_message_error only
        err = msg["error"]["condition"] if is_error else None
        item = {
            "from": str(msg["from"]), "bare": msg["from"].bare,
            "to": str(msg["to"]), "type": msg["type"], "body": msg["body"],
            "id": msg["id"], "error": err or None,
            "error_text": msg["error"]["text"] if err else None,
            "thread": msg["thread"] or None,
            "xml": str(msg),
        }
        item.update(self._extensions(msg.xml))
        if not item["body"] and not err:
            return                              # chat states, receipts...
        self.messages.put(item)
        if self.on_message and msg["type"] in ("chat", "normal") and not err:
            self.on_message(self, item)

    def _on_stanza(self, msg):
        err = msg["type"] == "error"
        item = {
            "from": str(msg["from"]), "bare": msg["from"].bare,
            "to": str(msg["to"]), "type": msg["type"], "body": msg["body"],
            "id": msg["id"],
            "error": (msg["error"]["condition"] or None) if err else None,
            "thread": msg["thread"] or None, "xml": str(msg), "elem": msg.xml,
        }
        item.update(self._extensions(msg.xml))
        self.stanzas.put(item)

    @staticmethod
    def _extensions(elem):
        """The chat state, receipt and correction children of a message
        element, as a dict of plain values."""
        def child(ns, name):
            return elem.find("{%s}%s" % (ns, name))

        state = None
        for name in CHATSTATES:
            if child(CHATSTATES_NS, name) is not None:
                state = name
                break
        received = child(RECEIPTS_NS, "received")
        replace = child(CORRECT_NS, "replace")
        origin = child(SID_NS, "origin-id")
        retract = child("urn:xmpp:message-retract:1", "retract")
        return {
            "retract": retract.get("id") if retract is not None else None,
            "chatstate": state,
            "receipt_request": child(RECEIPTS_NS, "request") is not None,
            "received": received.get("id") if received is not None else None,
            "replace": replace.get("id") if replace is not None else None,
            "origin_id": origin.get("id") if origin is not None else None,
            "no_store": child(HINTS_NS, "no-store") is not None,
        }

    def _on_presence(self, pres):
        ptype = pres["type"]
        item = {"from": str(pres["from"]), "bare": pres["from"].bare,
                "to": str(pres["to"])}
        if ptype in ("subscribe", "subscribed", "unsubscribe",
                     "unsubscribed"):
            item.update(type=ptype, ptype=ptype)
            self.subscriptions.put(item)
            if self.on_subscription:
                self.on_subscription(self, item)
            return
        show = pres["show"] if pres["show"] in SHOWS else "online"
        if ptype == "unavailable":
            show = "offline"
        if ptype in SHOWS or ptype == "":
            ptype = "available"
        item.update(type=ptype, ptype=ptype, show=show,
                    status=pres["status"] or None,
                    priority=int(pres["priority"] or 0))
        item.update(self._muc_fields(pres.xml))
        self.presences.put(item)

    @staticmethod
    def _muc_fields(elem):
        """The XEP-0045 parts of a presence element, as plain values."""
        x = elem.find("{%s}x" % MUC_USER_NS)
        err = elem.find("{jabber:client}error")
        cond = None
        if err is not None:
            for c in err:
                if c.tag.startswith("{%s}" % STANZA_NS) and not c.tag.endswith("}text"):
                    cond = c.tag.split("}", 1)[1]
        if x is None:
            return {"codes": set(), "role": None, "affiliation": None,
                    "real_jid": None, "new_nick": None, "error": cond}
        it = x.find("{%s}item" % MUC_USER_NS)
        return {
            "codes": {c.get("code") for c in x.findall("{%s}status" % MUC_USER_NS)},
            "role": it.get("role") if it is not None else None,
            "affiliation": it.get("affiliation") if it is not None else None,
            "real_jid": it.get("jid") if it is not None else None,
            "new_nick": it.get("nick") if it is not None else None,
            "error": cond,
        }

    def _on_roster_push(self, iq):
        # slixmpp also fires roster_update for the result of get_roster()
        if iq["type"] == "set":
            self.roster_pushes.put(self._roster_items(iq.xml))

    def _on_iq(self, iq):
        if iq["type"] in ("get", "set"):
            self.iqs.put({"from": str(iq["from"]), "bare": iq["from"].bare,
                          "to": str(iq["to"]), "type": iq["type"],
                          "id": iq["id"], "xml": str(iq)})

    def wait_message(self, pred=None, timeout=10.0, **match):
        return self.messages.take(pred, timeout, match)

    def wait_presence(self, pred=None, timeout=10.0, **match):
        return self.presences.take(pred, timeout, match)

    def wait_subscription(self, pred=None, timeout=10.0, **match):
        return self.subscriptions.take(pred, timeout, match)

    def no_message(self, pred=None, within=2.0, **match):
        self.messages.none(pred, within, match)

    def wait_stanza(self, pred=None, timeout=10.0, **match):
        """Any message stanza, body or not (see "stanza" above)."""
        return self.stanzas.take(pred, timeout, match)

    def no_stanza(self, pred=None, within=2.0, **match):
        self.stanzas.none(pred, within, match)

    # -- outgoing --

    def _need(self):
        if self.xmpp is None:
            raise PeerError("%s is not connected" % self.jid)
        return self.xmpp

    def send_message(self, to, body, mtype="chat", id=None):
        """Send a message; returns its id."""
        x = self._need()

        def send():
            m = x.make_message(mto=to, mbody=body, mtype=mtype)
            if id:
                m["id"] = id
            elif not m["id"]:
                m["id"] = x.new_id()
            m.send()
            return m["id"]
        return run_sync(send)

    def send_presence(self, show=None, status=None, pto=None, ptype=None,
                      priority=None):
        """show: None/online, chat, away, xa, dnd.  ptype: e.g.
        'unavailable', 'subscribe', 'subscribed', 'unsubscribe',
        'unsubscribed', 'probe'."""
        x = self._need()
        if show == "online":
            show = None
        run_sync(lambda: x.send_presence(pshow=show, pstatus=status, pto=pto,
                                         ptype=ptype, ppriority=priority))

    def subscribe(self, jid):
        """Ask to see jid's presence."""
        self.send_presence(pto=jid, ptype="subscribe")

    def approve(self, jid):
        """Let jid see our presence (answer its request)."""
        self.send_presence(pto=jid, ptype="subscribed")

    def deny(self, jid):
        self.send_presence(pto=jid, ptype="unsubscribed")

    def unsubscribe(self, jid):
        self.send_presence(pto=jid, ptype="unsubscribe")

    def retract(self, to, target, mtype="chat", body="retracted (fallback)"):
        """Send a retraction (XEP-0424) of message `target` (its origin-id,
        or in a room the room's stanza-id), with a fallback body."""
        self.send_raw(
            "<message to=%s type=%s id=%s><retract xmlns='urn:xmpp:message-retract:1' "
            "id=%s/><fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/>"
            "<body>%s</body><store xmlns='urn:xmpp:hints'/></message>"
            % (quoteattr(to), quoteattr(mtype), quoteattr(self.xmpp.new_id()),
               quoteattr(target), escape(body)))

    def send_raw(self, xml):
        """Send a raw XML string as is (it must be a complete stanza)."""
        x = self._need()
        run_sync(x.send_raw, xml)

    def iq(self, xml, timeout=10.0):
        """Send an <iq/> given as an XML string and return the reply as an
        ElementTree element (errors are returned too, not raised), or None
        when no reply came within `timeout`."""
        x = self._need()
        # Parse inside a jabber:client default namespace, as on the stream.
        elem = ET.fromstring("<w xmlns='jabber:client'>%s</w>" % xml)[0]

        async def go():
            iq = slixmpp.Iq(x, xml=elem)
            if not iq["id"]:
                iq["id"] = x.new_id()
            try:
                res = await iq.send(timeout=timeout)
            except slixmpp.exceptions.IqError as e:
                res = e.iq
            except slixmpp.exceptions.IqTimeout:
                return None
            return res.xml
        return run_coro(go(), timeout + 2)

    # -- roster --

    @staticmethod
    def _roster_items(iq_xml):
        items = {}
        for it in iq_xml.iter("{%s}item" % ROSTER_NS):
            items[it.get("jid")] = {
                "jid": it.get("jid"), "name": it.get("name"),
                "subscription": it.get("subscription", "none"),
                "ask": it.get("ask"),
                "groups": [g.text or "" for g in
                           it.findall("{%s}group" % ROSTER_NS)],
            }
        return items

    def roster(self, timeout=10.0):
        """Fetch the roster from the server: {jid: {jid, name,
        subscription, ask, groups}}."""
        x = self._need()

        async def go():
            iq = x.make_iq_get(queryxmlns=ROSTER_NS)
            res = await iq.send(timeout=timeout)
            return self._roster_items(res.xml)
        return run_coro(go(), timeout + 2)

    def roster_set(self, jid, name=None, groups=(), remove=False,
                   timeout=10.0):
        """Add/update (or with remove=True delete) a roster item."""
        x = self._need()

        async def go():
            q = ET.Element("{%s}query" % ROSTER_NS)
            it = ET.SubElement(q, "{%s}item" % ROSTER_NS, jid=jid)
            if remove:
                it.set("subscription", "remove")
            else:
                if name:
                    it.set("name", name)
                for g in groups:
                    ET.SubElement(it, "{%s}group" % ROSTER_NS).text = g
            iq = x.make_iq_set(sub=q)
            await iq.send(timeout=timeout)
        run_coro(go(), timeout + 2)

    def roster_remove(self, jid, timeout=10.0):
        self.roster_set(jid, remove=True, timeout=timeout)

    # -- group chat (XEP-0045), with raw stanzas --

    def join_room(self, room, nick, password=None, history=None,
                  timeout=10.0):
        """Enter room as nick and wait for our own presence (status 110).
        A room we create is made an instant room (default configuration).
        history: legacy maxstanzas (None: the room's default).  Returns our
        own presence item."""
        x = self._need()
        inner = ""
        if history is not None:
            inner += "<history maxstanzas='%d'/>" % history
        if password is not None:
            inner += "<password>%s</password>" % escape(password)
        run_sync(x.send_raw, "<presence to=%s><x xmlns='%s'>%s</x></presence>"
                 % (quoteattr("%s/%s" % (room, nick)), MUC_NS, inner))
        me = self.wait_presence(
            lambda p: p["bare"] == room and ("110" in p["codes"] or p["error"]),
            timeout=timeout)
        if me["error"]:
            raise PeerError("%s could not join %s: %s" % (self.jid, room, me["error"]))
        if "201" in me["codes"]:
            self.iq("<iq type='set' to='%s'><query xmlns='%s'>"
                    "<x xmlns='jabber:x:data' type='submit'/></query></iq>"
                    % (room, MUC_OWNER_NS), timeout=timeout)
        return me

    def configure_room(self, room, fields, timeout=10.0):
        """Submit the room configuration form with fields {var: value}."""
        body = "".join("<field var='%s'><value>%s</value></field>" % (k, v)
                       for k, v in fields.items())
        res = self.iq("<iq type='set' to='%s'><query xmlns='%s'>"
                      "<x xmlns='jabber:x:data' type='submit'>"
                      "<field var='FORM_TYPE'><value>"
                      "http://jabber.org/protocol/muc#roomconfig</value></field>"
                      "%s</x></query></iq>" % (room, MUC_OWNER_NS, body),
                      timeout=timeout)
        if res is None or res.get("type") != "result":
            raise PeerError("room configuration of %s refused" % room)

    def leave_room(self, room, nick, status=None):
        self.send_presence(pto="%s/%s" % (room, nick), ptype="unavailable",
                           status=status)

    def send_groupchat(self, room, body, id=None):
        return self.send_message(room, body, mtype="groupchat", id=id)

    def set_subject(self, room, subject):
        x = self._need()

        def send():
            m = x.make_message(mto=room, mtype="groupchat")
            m["subject"] = subject
            m.send()
        run_sync(send)

    def set_role(self, room, nick, role):
        """Give occupant nick a role (moderator, participant, visitor); we
        must be allowed to."""
        res = self.iq("<iq type='set' to=%s><query xmlns='%s'>"
                      "<item nick=%s role=%s/></query></iq>"
                      % (quoteattr(room), MUC_ADMIN_NS, quoteattr(nick), quoteattr(role)))
        if res is None or res.get("type") != "result":
            raise PeerError("role %s for %s refused" % (role, nick))

    def moderate(self, room, stanza_id, reason=None):
        """Ask room to retract message stanza_id (XEP-0425 0.2, as
        Prosody's mod_muc_moderation takes it); returns the reply."""
        r = "<reason>%s</reason>" % escape(reason) if reason else ""
        return self.iq("<iq type='set' to=%s><apply-to xmlns='urn:xmpp:fasten:0' id=%s>"
                       "<moderate xmlns='urn:xmpp:message-moderate:0'>"
                       "<retract xmlns='urn:xmpp:message-retract:0'/>%s</moderate>"
                       "</apply-to></iq>" % (quoteattr(room), quoteattr(stanza_id), r))

    def kick(self, room, nick, reason=None):
        """Ask the room to kick nick (we must be a moderator)."""
        r = "<reason>%s</reason>" % reason if reason else ""
        res = self.iq("<iq type='set' to='%s'><query xmlns='%s'>"
                      "<item nick='%s' role='none'>%s</item></query></iq>"
                      % (room, MUC_ADMIN_NS, nick, r))
        if res is None or res.get("type") != "result":
            raise PeerError("kick of %s refused" % nick)

    def ban(self, room, jid, reason=None):
        """Ban a bare JID from the room (we must be an admin or owner)."""
        r = "<reason>%s</reason>" % reason if reason else ""
        res = self.iq("<iq type='set' to='%s'><query xmlns='%s'>"
                      "<item jid='%s' affiliation='outcast'>%s</item></query></iq>"
                      % (room, MUC_ADMIN_NS, jid, r))
        if res is None or res.get("type") != "result":
            raise PeerError("ban of %s refused" % jid)

    def __repr__(self):
        return "<Peer %s>" % self.jid
