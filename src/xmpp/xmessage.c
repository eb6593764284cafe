/* xmessage.c - one-to-one messages: sending with ids (XEP-0359), chat
 * states (XEP-0085) and corrections (XEP-0308) both ways, receiving chat
 * and normal messages, and bounces reported against the message they
 * concern.  Receipts (XEP-0184) are in xreceipt.c.
 *
 * What a session remembers (session thread only, for this connection):
 *   sent       our message id -> its recipient, for the last
 *              SENT_REMEMBERED messages: bounces and receipts must name
 *              one of them;
 *   last_sent  bare recipient -> id and address of the last message sent
 *              there that was not itself a correction: what /correct
 *              replaces (every correction names the original message, as
 *              XEP-0308's business rules ask);
 *   received   (full sender JID, id) of the last RECEIVED_REMEMBERED
 *              messages received: an incoming correction counts only when
 *              it names one of them from the same full JID.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <strophe.h>

#include "natter/account.h"
#include "natter/jid.h"
#include "natter/log.h"
#include "natter/xmpp.h"
#include "session.h"

#define SENT_REMEMBERED 1000     /* ids kept to match bounces and receipts */
#define RECEIVED_REMEMBERED 1000 /* ids kept to match corrections */

#define NS_CHATSTATES "http://jabber.org/protocol/chatstates"
#define NS_CORRECT "urn:xmpp:message-correct:0"
#define NS_HINTS "urn:xmpp:hints"
#define NS_SID "urn:xmpp:sid:0"

/* The chat states of XEP-0085, the only element names we send or report. */
static const char *const chatstates[] = {
	"active", "composing", "paused", "inactive", "gone", NULL
};

/* The last message sent to one bare JID (an entry of last_sent). */
struct xmessage_last {
	char *id, *to;
};

int64_t
xmessage_stamp(const char *s)
{
	GDateTime *dt;
	int64_t t;

	if (s == NULL)
		return 0;
	dt = g_date_time_new_from_iso8601(s, NULL);
	if (dt == NULL)
		return 0;
	t = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return t;
}

const char *
xmessage_chatstate_name(const char *name)
{
	for (size_t i = 0; name != NULL && chatstates[i] != NULL; i++) {
		if (strcmp(name, chatstates[i]) == 0)
			return chatstates[i];
	}
	return NULL;
}

static void
xmessage_last_free(void *p)
{
	struct xmessage_last *l = p;

	g_free(l->id);
	g_free(l->to);
	g_free(l);
}

/* Remember id as sent to `to`, forgetting the oldest past the limit. */
void
xmessage_remember(struct session *s, const char *id, const char *to)
{
	if (s->sent == NULL) {
		s->sent = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		s->sent_order = g_queue_new();
	}
	g_hash_table_replace(s->sent, g_strdup(id), g_strdup(to));
	g_queue_push_tail(s->sent_order, g_strdup(id));
	while (g_queue_get_length(s->sent_order) > SENT_REMEMBERED) {
		char *old = g_queue_pop_head(s->sent_order);
		g_hash_table_remove(s->sent, old);
		g_free(old);
	}
}

const char *
xmessage_sent_to(struct session *s, const char *id)
{
	return id != NULL && s->sent != NULL ? g_hash_table_lookup(s->sent, id) : NULL;
}

/* Remember id (to, whose bare JID is the key) as the message a correction
 * to that JID replaces. */
static void
xmessage_set_last(struct session *s, const char *to, const char *id)
{
	struct xmessage_last *l;
	char *bare = jid_bare(to);

	if (bare == NULL)
		return;
	if (s->last_sent == NULL)
		s->last_sent = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    xmessage_last_free);
	l = g_new0(struct xmessage_last, 1);
	l->id = g_strdup(id);
	l->to = g_strdup(to);
	g_hash_table_replace(s->last_sent, bare, l);
}

/* The key of (from, id) in the received set (to free), or NULL when from
 * is not a JID; the length prefix keeps any two pairs apart. */
static char *
xmessage_received_key(const char *from, const char *id)
{
	struct jid *j = jid_parse(from, NULL);
	char *key;

	if (j == NULL || id == NULL) {
		jid_free(j);
		return NULL;
	}
	key = g_strdup_printf("%zu:%s%s", strlen(j->full), j->full, id);
	jid_free(j);
	return key;
}

/* Add key (taken) to a set of the RECEIVED_REMEMBERED newest keys, made
 * on first use (the queue owns the keys, the set shares them): false, and
 * key freed, when the set holds it already. */
static bool
xmessage_recent_add(GHashTable **set, GQueue **order, char *key)
{
	if (*set == NULL) {
		*set = g_hash_table_new(g_str_hash, g_str_equal);
		*order = g_queue_new();
	}
	if (g_hash_table_contains(*set, key)) {
		g_free(key);
		return false;
	}
	g_hash_table_add(*set, key);
	g_queue_push_tail(*order, key);
	while (g_queue_get_length(*order) > RECEIVED_REMEMBERED) {
		char *old = g_queue_pop_head(*order);
		g_hash_table_remove(*set, old);
		g_free(old);
	}
	return true;
}

void
xmessage_seen(struct session *s, const char *from, const char *id)
{
	char *key = xmessage_received_key(from, id);

	if (key != NULL)
		xmessage_recent_add(&s->received, &s->received_order, key);
}

bool
xmessage_seen_from(struct session *s, const char *from, const char *id)
{
	char *key = xmessage_received_key(from, id);
	bool seen = key != NULL && s->received != NULL && g_hash_table_contains(s->received, key);

	g_free(key);
	return seen;
}

void
xmessage_free(struct session *s)
{
	if (s->sent != NULL) {
		g_hash_table_destroy(s->sent);
		g_queue_free_full(s->sent_order, g_free);
	}
	if (s->received != NULL) {
		g_hash_table_destroy(s->received);
		g_queue_free_full(s->received_order, g_free);
	}
	if (s->last_sent != NULL)
		g_hash_table_destroy(s->last_sent);
	if (s->archived != NULL) {
		g_hash_table_destroy(s->archived);
		g_queue_free_full(s->archived_order, g_free);
	}
	s->archived = NULL;
	s->archived_order = NULL;
	s->sent = NULL;
	s->sent_order = NULL;
	s->received = NULL;
	s->received_order = NULL;
	s->last_sent = NULL;
}

/* A bounce: accepted when it names a message we sent and comes from its
 * recipient or the recipient's or our server. */
static void
xmessage_error(struct session *s, xmpp_stanza_t *m, const char *from)
{
	const char *id = xmpp_stanza_get_id(m);
	const char *to = xmessage_sent_to(s, id);
	struct jid *jt, *jf;
	bool ok;
	char *cond = NULL, *why;
	struct event *ev;

	if (to == NULL)
		return;
	jt = jid_parse(to, NULL);
	jf = jid_parse(from != NULL ? from : s->jid, NULL);
	ok = jt != NULL && jf != NULL &&
	    (strcmp(jf->bare, jt->bare) == 0 || (jf->local == NULL &&
	     (strcmp(jf->domain, jt->domain) == 0 || jid_equal(jf->domain, strchr(s->jid, '@') + 1))));
	jid_free(jt);
	jid_free(jf);
	if (!ok) {
		log_msg(s->account, "message error for %s from %s ignored", id, from);
		return;
	}
	why = xiq_error_text(m, &cond);
	ev = event_new(EV_ERROR, s->account);
	ev->u.error.command = g_strdup("msg");
	ev->u.error.id = g_strdup(id);
	ev->u.error.jid = g_strdup(to);
	ev->u.error.condition = cond;
	ev->u.error.message = g_strdup_printf("the message to %s was not delivered: %s", to, why);
	g_free(why);
	session_emit(s, ev);
}

/* The id a correction replaces, when it names a message received earlier
 * from the same full JID; otherwise NULL (and the message is shown as a
 * new one: anyone could name anyone's message id). */
static char *
xmessage_replace_id(struct session *s, xmpp_stanza_t *m, const char *from)
{
	xmpp_stanza_t *r = xmpp_stanza_get_child_by_name_and_ns(m, "replace", NS_CORRECT);
	const char *rid = r != NULL ? xmpp_stanza_get_attribute(r, "id") : NULL;

	if (rid == NULL)
		return NULL;
	if (!xmessage_seen_from(s, from, rid)) {
		log_msg(s->account, "correction from %s of message %s not accepted: "
		    "no such message from that sender; shown as a new message", from, rid);
		return NULL;
	}
	return g_strdup(rid);
}

void
xmessage_ids(xmpp_stanza_t *m, const char *by, struct event *ev)
{
	for (xmpp_stanza_t *c = xmpp_stanza_get_children(m); c != NULL; c = xmpp_stanza_get_next(c)) {
		const char *name = xmpp_stanza_get_name(c);
		if (name == NULL || g_strcmp0(xmpp_stanza_get_ns(c), NS_SID) != 0)
			continue;
		if (strcmp(name, "origin-id") == 0 && ev->u.message.origin_id == NULL) {
			ev->u.message.origin_id = g_strdup(xmpp_stanza_get_attribute(c, "id"));
		} else if (strcmp(name, "stanza-id") == 0 && ev->u.message.stanza_id == NULL &&
		    by != NULL && xmpp_stanza_get_attribute(c, "by") != NULL &&
		    (strcmp(xmpp_stanza_get_attribute(c, "by"), by) == 0 ||
		     jid_equal(xmpp_stanza_get_attribute(c, "by"), by))) {
			/* only the id our own archive (or the room) gave: anyone
			 * else's would let a sender choose how we deduplicate */
			ev->u.message.stanza_id = g_strdup(xmpp_stanza_get_attribute(c, "id"));
			ev->u.message.stanza_by = g_strdup(by);
		}
	}
}

#define NS_RETRACT "urn:xmpp:message-retract:1"
#define NS_RETRACT_0 "urn:xmpp:message-retract:0"
#define NS_FASTEN "urn:xmpp:fasten:0"
#define NS_MODERATE "urn:xmpp:message-moderate:1"
#define NS_MODERATE_0 "urn:xmpp:message-moderate:0"

const char *
xmessage_retract_id(xmpp_stanza_t *m, bool *moderated)
{
	xmpp_stanza_t *r = xmpp_stanza_get_child_by_name_and_ns(m, "retract", NS_RETRACT);
	xmpp_stanza_t *a;

	*moderated = false;
	if (r != NULL) {
		/* XEP-0424 0.4: <retract id=.../>, XEP-0425 0.3: <moderated/> in it */
		*moderated = xmpp_stanza_get_child_by_name_and_ns(r, "moderated", NS_MODERATE) != NULL;
		return xmpp_stanza_get_attribute(r, "id");
	}
	/* the earlier form, still sent: <apply-to id=...><retract/></apply-to>,
	 * or from the room <apply-to><moderated><retract/></moderated></apply-to>
	 * (XEP-0425 0.2; <moderate> is the moderator's request to the room) */
	a = xmpp_stanza_get_child_by_name_and_ns(m, "apply-to", NS_FASTEN);
	if (a == NULL)
		return NULL;
	if (xmpp_stanza_get_child_by_name_and_ns(a, "retract", NS_RETRACT_0) != NULL)
		return xmpp_stanza_get_attribute(a, "id");
	r = xmpp_stanza_get_child_by_name_and_ns(a, "moderated", NS_MODERATE_0);
	if (r != NULL && xmpp_stanza_get_child_by_name_and_ns(r, "retract", NS_RETRACT_0) != NULL) {
		*moderated = true;
		return xmpp_stanza_get_attribute(a, "id");
	}
	return NULL;
}

bool
xmessage_has_content(xmpp_stanza_t *m)
{
	bool moderated;
	const char *rid = xmessage_retract_id(m, &moderated);

	return xmpp_stanza_get_child_by_name(m, "body") != NULL || (rid != NULL && *rid != '\0');
}

void
xmessage_retraction(xmpp_stanza_t *m, struct event *ev)
{
	bool moderated;
	const char *rid = xmessage_retract_id(m, &moderated);

	if (rid == NULL || *rid == '\0')
		return;
	ev->u.message.retract_id = g_strdup(rid);
	ev->u.message.moderated = moderated;
}

struct event *
xmessage_event(struct session *s, xmpp_stanza_t *m, const char *from, const char *to,
    bool out, enum msg_source source)
{
	xmpp_stanza_t *delay = xmpp_stanza_get_child_by_name_and_ns(m, "delay", "urn:xmpp:delay");
	const char *type = xmpp_stanza_get_type(m);
	struct event *ev = event_new(EV_MESSAGE, s->account);
	char *body = xmpp_message_get_body(m);

	ev->u.message.out = out;
	ev->u.message.source = source;
	ev->u.message.from = g_strdup(from);
	ev->u.message.to = g_strdup(to);
	ev->u.message.type = g_strdup(type != NULL ? type : "normal");
	ev->u.message.body = g_strdup(body != NULL ? body : "");
	ev->u.message.id = g_strdup(xmpp_stanza_get_id(m));
	ev->u.message.delayed = delay != NULL;
	ev->u.message.stamp = delay != NULL
	    ? xmessage_stamp(xmpp_stanza_get_attribute(delay, "stamp")) : 0;
	if (ev->u.message.stamp == 0)
		ev->u.message.stamp = session_now(s);
	xmessage_ids(m, session_bare(s), ev);
	xmessage_retraction(m, ev);
	if (body != NULL)
		xmpp_free(s->ctx, body);
	return ev;
}

bool
xmessage_emit_once(struct session *s, struct event *ev)
{
	char *key;

	if (ev->u.message.stanza_id == NULL || ev->u.message.stanza_by == NULL) {
		session_emit(s, ev);
		return true;
	}
	key = g_strdup_printf("%s %s", ev->u.message.stanza_by, ev->u.message.stanza_id);
	if (!xmessage_recent_add(&s->archived, &s->archived_order, key)) {
		log_msg(s->account, "message %s from %s already reported", ev->u.message.stanza_id,
		    ev->u.message.from);
		event_free(ev);
		return false;
	}
	session_emit(s, ev);
	return true;
}

/* Report a message with a body as EV_MESSAGE in, and remember its id. */
static void
xmessage_incoming(struct session *s, xmpp_stanza_t *m, const char *from)
{
	const char *to = xmpp_stanza_get_to(m);
	struct event *ev = xmessage_event(s, m, from, to != NULL ? to : s->bound_jid, false,
	    MSG_LIVE);

	ev->u.message.replace_id = xmessage_replace_id(s, m, from);
	xmessage_seen(s, from, ev->u.message.id);
	xmessage_emit_once(s, ev);
}

/* Report the chat state a chat message carries, unless it was delayed
 * (a stored "composing" says nothing about now). */
static void
xmessage_chatstate_incoming(struct session *s, xmpp_stanza_t *m, const char *from,
    const char *type)
{
	xmpp_stanza_t *c;
	const char *state;
	struct event *ev;

	if (g_strcmp0(type, "chat") != 0 ||
	    xmpp_stanza_get_child_by_name_and_ns(m, "delay", "urn:xmpp:delay") != NULL)
		return;
	c = xmpp_stanza_get_child_by_ns(m, NS_CHATSTATES);
	state = c != NULL ? xmessage_chatstate_name(xmpp_stanza_get_name(c)) : NULL;
	if (state == NULL)
		return;
	ev = event_new(EV_CHATSTATE, s->account);
	ev->u.chatstate.from = g_strdup(from);
	ev->u.chatstate.state = g_strdup(state);
	session_emit(s, ev);
}

static int
xmessage_handler(xmpp_conn_t *conn, xmpp_stanza_t *m, void *userdata)
{
	struct session *s = userdata;
	const char *type = xmpp_stanza_get_type(m);
	const char *from = xmpp_stanza_get_from(m);
	char *body;

	if (type != NULL && strcmp(type, "error") == 0) {
		xmessage_error(s, m, from);
		return 1;
	}
	if (xmam_message(s, m) || xcarbons_message(s, m))
		return 1;
	if (xmuc_message(s, m, type))
		return 1;
	if (type != NULL && strcmp(type, "chat") != 0 && strcmp(type, "normal") != 0)
		return 1; /* headline: not shown */
	if (from == NULL || !jid_valid(from, NULL))
		return 1;
	body = xmpp_message_get_body(m);
	if (xmessage_has_content(m))
		xmessage_incoming(s, m, from);
	xreceipt_incoming(s, m, from, type, body != NULL);
	xmessage_chatstate_incoming(s, m, from, type);
	if (body != NULL)
		xmpp_free(s->ctx, body);
	return 1;
}

void
xmessage_connected(struct session *s)
{
	xmpp_handler_add(s->conn, xmessage_handler, NULL, "message", NULL, s);
}

/* A request to the session thread: a message, a correction or a chat state. */
struct xmessage_req {
	char *to, *body, *id;
	const char *state; /* static: one of chatstates[] */
};

static void
xmessage_req_free(void *p)
{
	struct xmessage_req *r = p;

	g_free(r->to);
	g_free(r->body);
	g_free(r->id);
	g_free(r);
}

/* The EV_MESSAGE of a chat message we sent to `to` as id (also its
 * origin-id) with body, stamped now. */
static struct event *
xmessage_sent_event(struct session *s, const char *to, const char *id, const char *body)
{
	struct event *ev = event_new(EV_MESSAGE, s->account);

	ev->u.message.out = true;
	ev->u.message.from = g_strdup(s->bound_jid);
	ev->u.message.to = g_strdup(to);
	ev->u.message.type = g_strdup("chat");
	ev->u.message.body = g_strdup(body);
	ev->u.message.id = g_strdup(id);
	ev->u.message.origin_id = g_strdup(id);
	ev->u.message.stamp = session_now(s);
	return ev;
}

/* Session thread: send a chat message with a body (a correction of
 * replace_id when that is not NULL) and report it as sent. */
static void
xmessage_transmit(struct session *s, const char *to, const char *body, const char *id,
    const char *replace_id)
{
	xmpp_stanza_t *m = xmpp_message_new(s->ctx, "chat", to, id);
	struct event *ev;

	xmpp_message_set_body(m, body);
	{
		/* a private message to a room occupant says so (XEP-0045 7.5) */
		char *bare = jid_bare(to);
		if (xmuc_is_room(s, bare))
			xstanza_add(m, "x", "http://jabber.org/protocol/muc#user");
		g_free(bare);
	}
	xstanza_add(m, "active", NS_CHATSTATES);
	xreceipt_request(m);
	xmpp_stanza_set_attribute(xstanza_add(m, "origin-id", NS_SID), "id", id);
	if (replace_id != NULL)
		xmpp_stanza_set_attribute(xstanza_add(m, "replace", NS_CORRECT), "id", replace_id);
	xmpp_send(s->conn, m);
	xmpp_stanza_release(m);
	xmessage_remember(s, id, to);
	if (replace_id == NULL)
		xmessage_set_last(s, to, id);

	ev = xmessage_sent_event(s, to, id, body);
	ev->u.message.replace_id = g_strdup(replace_id);
	session_emit(s, ev);
}

/* Session thread: send one chat message. */
static void
xmessage_do_send(struct session *s, void *arg)
{
	struct xmessage_req *r = arg;

	xmessage_transmit(s, r->to, r->body, r->id, NULL);
}

/* Session thread: correct the last message sent to r->to's bare JID, or
 * report that there is none. */
static void
xmessage_do_correct(struct session *s, void *arg)
{
	struct xmessage_req *r = arg;
	char *bare = jid_bare(r->to);
	struct xmessage_last *l = bare != NULL && s->last_sent != NULL
	    ? g_hash_table_lookup(s->last_sent, bare) : NULL;
	struct event *ev;

	g_free(bare);
	if (l != NULL) {
		xmessage_transmit(s, l->to, r->body, r->id, l->id);
		return;
	}
	ev = event_new(EV_ERROR, s->account);
	ev->u.error.command = g_strdup("correct");
	ev->u.error.jid = g_strdup(r->to);
	ev->u.error.message = g_strdup_printf("nothing to correct: no message was sent to %s "
	    "in this session", r->to);
	session_emit(s, ev);
}

/* A request to retract one of our messages. */
struct xmessage_retract_req {
	char *to, *target;
	bool room;
};

static void
xmessage_retract_req_free(void *p)
{
	struct xmessage_retract_req *r = p;

	g_free(r->to);
	g_free(r->target);
	g_free(r);
}

/* Session thread: send the retraction (XEP-0424) of message r->target,
 * with a fallback body for clients without retractions; in a chat it is
 * reported as sent (the store blanks our copy), a room echoes it. */
static void
xmessage_do_retract(struct session *s, void *arg)
{
	struct xmessage_retract_req *r = arg;
	char *id = session_id_new();
	xmpp_stanza_t *m = xmpp_message_new(s->ctx, r->room ? "groupchat" : "chat", r->to, id);
	xmpp_stanza_t *fb;
	struct event *ev;

	xmpp_stanza_set_attribute(xstanza_add(m, "retract", NS_RETRACT), "id", r->target);
	fb = xstanza_add(m, "fallback", "urn:xmpp:fallback:0");
	xmpp_stanza_set_attribute(fb, "for", NS_RETRACT);
	xmpp_message_set_body(m, "/me retracted a previous message, but your client does not "
	    "support that");
	xstanza_add(m, "store", "urn:xmpp:hints");
	xmpp_stanza_set_attribute(xstanza_add(m, "origin-id", NS_SID), "id", id);
	xmpp_send(s->conn, m);
	xmpp_stanza_release(m);
	if (!r->room) {
		ev = xmessage_sent_event(s, r->to, id, "");
		ev->u.message.retract_id = g_strdup(r->target);
		session_emit(s, ev);
	}
	g_free(id);
}

int
xmessage_retract(struct account *acc, const char *to, bool room, const char *target)
{
	struct xmessage_retract_req *r;

	if (to == NULL || target == NULL || !jid_valid(to, NULL))
		return -1;
	r = g_new0(struct xmessage_retract_req, 1);
	r->to = g_strdup(to);
	r->target = g_strdup(target);
	r->room = room;
	return session_request(acc, xmessage_do_retract, r, xmessage_retract_req_free);
}

/* Session thread: send a standalone chat state, which servers need not
 * store (XEP-0334 hint). */
static void
xmessage_do_chatstate(struct session *s, void *arg)
{
	struct xmessage_req *r = arg;
	xmpp_stanza_t *m = xmpp_message_new(s->ctx, "chat", r->to, r->id);

	xstanza_add(m, r->state, NS_CHATSTATES);
	xstanza_add(m, "no-store", NS_HINTS);
	xmpp_send(s->conn, m);
	xmpp_stanza_release(m);
}

/* Queue fn with a new request for (to, body, state); *id_out (to free,
 * may be NULL) gets the new id.  -1 when acc is not online. */
static int
xmessage_queue(struct account *acc, session_req_fn fn, const char *to, const char *body,
    const char *state, char **id_out)
{
	struct xmessage_req *r = g_new0(struct xmessage_req, 1);

	r->to = g_strdup(to);
	r->body = g_strdup(body);
	r->state = state;
	r->id = session_id_new();
	if (id_out != NULL)
		*id_out = g_strdup(r->id);
	if (session_request(acc, fn, r, xmessage_req_free) != 0) {
		if (id_out != NULL) {
			g_free(*id_out);
			*id_out = NULL;
		}
		return -1;
	}
	return 0;
}

int
xmessage_send(struct account *acc, const char *to, const char *body, char **id_out)
{
	return xmessage_queue(acc, xmessage_do_send, to, body, NULL, id_out);
}

int
xmessage_correct(struct account *acc, const char *to, const char *body, char **id_out)
{
	if (to == NULL || body == NULL || !jid_valid(to, NULL))
		return -1;
	return xmessage_queue(acc, xmessage_do_correct, to, body, NULL, id_out);
}

int
xmessage_chatstate(struct account *acc, const char *to, const char *state)
{
	const char *name = xmessage_chatstate_name(state);

	if (name == NULL || to == NULL || !jid_valid(to, NULL))
		return -1;
	return xmessage_queue(acc, xmessage_do_chatstate, to, NULL, name, NULL);
}
