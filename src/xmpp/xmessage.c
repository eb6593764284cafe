/* xmessage.c - one-to-one messages: sending with ids (XEP-0359),
 * receiving chat and normal messages, and bounces reported against the
 * message they concern. */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <strophe.h>

#include "natter/account.h"
#include "natter/jid.h"
#include "natter/log.h"
#include "natter/xmpp.h"
#include "session.h"

#define SENT_REMEMBERED 1000 /* ids kept to match bounces */

/* Seconds since the epoch from an XEP-0082 stamp, or 0. */
static int64_t
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

static void
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

void
xmessage_free(struct session *s)
{
	if (s->sent != NULL) {
		g_hash_table_destroy(s->sent);
		g_queue_free_full(s->sent_order, g_free);
	}
	s->sent = NULL;
	s->sent_order = NULL;
}

/* A bounce: accepted when it names a message we sent and comes from its
 * recipient or the recipient's or our server. */
static void
xmessage_error(struct session *s, xmpp_stanza_t *m, const char *from)
{
	const char *id = xmpp_stanza_get_id(m);
	const char *to = id != NULL && s->sent != NULL ? g_hash_table_lookup(s->sent, id) : NULL;
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

static int
xmessage_handler(xmpp_conn_t *conn, xmpp_stanza_t *m, void *userdata)
{
	struct session *s = userdata;
	const char *type = xmpp_stanza_get_type(m);
	const char *from = xmpp_stanza_get_from(m);
	xmpp_stanza_t *delay;
	char *body;
	struct event *ev;

	if (type != NULL && strcmp(type, "error") == 0) {
		xmessage_error(s, m, from);
		return 1;
	}
	if (type != NULL && strcmp(type, "chat") != 0 && strcmp(type, "normal") != 0)
		return 1; /* groupchat and headline: later */
	if (from == NULL || !jid_valid(from, NULL))
		return 1;
	body = xmpp_message_get_body(m);
	if (body == NULL)
		return 1; /* chat states and receipts: later */
	ev = event_new(EV_MESSAGE, s->account);
	ev->u.message.from = g_strdup(from);
	ev->u.message.to = g_strdup(xmpp_stanza_get_to(m) ? xmpp_stanza_get_to(m) : s->bound_jid);
	ev->u.message.type = g_strdup(type != NULL ? type : "normal");
	ev->u.message.body = g_strdup(body);
	ev->u.message.id = g_strdup(xmpp_stanza_get_id(m));
	delay = xmpp_stanza_get_child_by_name_and_ns(m, "delay", "urn:xmpp:delay");
	ev->u.message.stamp = delay != NULL
	    ? xmessage_stamp(xmpp_stanza_get_attribute(delay, "stamp")) : 0;
	if (ev->u.message.stamp == 0)
		ev->u.message.stamp = g_get_real_time() / G_USEC_PER_SEC;
	xmpp_free(s->ctx, body);
	session_emit(s, ev);
	return 1;
}

void
xmessage_connected(struct session *s)
{
	xmpp_handler_add(s->conn, xmessage_handler, NULL, "message", NULL, s);
}

struct xmessage_req {
	char *to, *body, *id;
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

/* Session thread: send one chat message and report it as sent. */
static void
xmessage_do_send(struct session *s, void *arg)
{
	struct xmessage_req *r = arg;
	xmpp_stanza_t *m = xmpp_message_new(s->ctx, "chat", r->to, r->id);
	struct event *ev;

	xmpp_message_set_body(m, r->body);
	xmpp_stanza_set_attribute(xstanza_add(m, "origin-id", "urn:xmpp:sid:0"), "id", r->id);
	xmpp_send(s->conn, m);
	xmpp_stanza_release(m);
	xmessage_remember(s, r->id, r->to);

	ev = event_new(EV_MESSAGE, s->account);
	ev->u.message.out = true;
	ev->u.message.from = g_strdup(s->bound_jid);
	ev->u.message.to = g_strdup(r->to);
	ev->u.message.type = g_strdup("chat");
	ev->u.message.body = g_strdup(r->body);
	ev->u.message.id = g_strdup(r->id);
	ev->u.message.stamp = g_get_real_time() / G_USEC_PER_SEC;
	session_emit(s, ev);
}

int
xmessage_send(struct account *acc, const char *to, const char *body, char **id_out)
{
	struct xmessage_req *r = g_new0(struct xmessage_req, 1);

	r->to = g_strdup(to);
	r->body = g_strdup(body);
	r->id = session_id_new();
	if (id_out != NULL)
		*id_out = g_strdup(r->id);
	if (session_request(acc, xmessage_do_send, r, xmessage_req_free) != 0) {
		if (id_out != NULL) {
			g_free(*id_out);
			*id_out = NULL;
		}
		return -1;
	}
	return 0;
}
