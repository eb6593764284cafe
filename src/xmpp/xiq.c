/* xiq.c - IQ requests: ours (ids, timeouts, replies only from the entity
 * asked) and the ones we answer (disco, version, ping, roster pushes). */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <strophe.h>

#include "natter/jid.h"
#include "natter/log.h"
#include "natter/loop.h"
#include "session.h"

struct xiq_pending {
	struct session *s;
	char *id;
	char *to;        /* the entity asked; NULL: our own account */
	xiq_reply_fn fn;
	void *arg;
	void (*free_arg)(void *);
	unsigned timer;
};

static void
xiq_pending_free(gpointer p)
{
	struct xiq_pending *x = p;

	if (x->timer != 0 && x->s->loop != NULL)
		loop_timer_cancel(x->s->loop, x->timer);
	if (x->free_arg != NULL)
		x->free_arg(x->arg);
	g_free(x->id);
	g_free(x->to);
	g_free(x);
}

bool
xiq_reply_from_ok(const char *own_bare, const char *own_full, const char *to, const char *from)
{
	if (to == NULL)
		return from == NULL || jid_equal(from, own_bare) ||
		    (own_full != NULL && jid_equal(from, own_full));
	if (from == NULL)
		return jid_equal(to, own_bare);
	return jid_equal(from, to);
}

static void
xiq_timeout(void *arg)
{
	struct xiq_pending *x = arg;
	struct session *s = x->s;
	xiq_reply_fn fn = x->fn;
	void *farg = x->arg;


	x->timer = 0;
	g_hash_table_steal(s->iqs, x->id);
	fn(s, NULL, farg);
	xiq_pending_free(x);
}

void
xiq_send(struct session *s, xmpp_stanza_t *iq, const char *to, unsigned timeout_s,
    xiq_reply_fn fn, void *arg, void (*free_arg)(void *))
{
	struct xiq_pending *x = g_new0(struct xiq_pending, 1);

	x->s = s;
	x->id = session_id_new();
	x->to = g_strdup(to);
	x->fn = fn;
	x->arg = arg;
	x->free_arg = free_arg;
	xmpp_stanza_set_id(iq, x->id);
	if (to != NULL)
		xmpp_stanza_set_to(iq, to);
	x->timer = loop_timer_add(s->loop, (uint64_t)timeout_s * 1000, xiq_timeout, x);
	g_hash_table_insert(s->iqs, x->id, x);
	xmpp_send(s->conn, iq);
}

/* Send a reply of type to request iq (payload may be NULL). */
static xmpp_stanza_t *
xiq_reply(struct session *s, xmpp_stanza_t *iq, const char *type)
{
	xmpp_stanza_t *r = xmpp_iq_new(s->ctx, type, xmpp_stanza_get_id(iq));
	const char *from = xmpp_stanza_get_from(iq);

	if (from != NULL)
		xmpp_stanza_set_to(r, from);
	return r;
}

void
xiq_result(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *payload)
{
	xmpp_stanza_t *r = xiq_reply(s, iq, "result");

	if (payload != NULL)
		xmpp_stanza_add_child(r, payload);
	xmpp_send(s->conn, r);
	xmpp_stanza_release(r);
}

void
xiq_error(struct session *s, xmpp_stanza_t *iq, const char *type, const char *condition)
{
	xmpp_stanza_t *r = xiq_reply(s, iq, "error");
	xmpp_stanza_t *e = xstanza_add(r, "error", NULL);

	xmpp_stanza_set_type(e, type);
	xstanza_add(e, condition, "urn:ietf:params:xml:ns:xmpp-stanzas");
	xmpp_send(s->conn, r);
	xmpp_stanza_release(r);
}

char *
xiq_error_text(xmpp_stanza_t *stanza, char **condition)
{
	xmpp_stanza_t *err = xmpp_stanza_get_child_by_name(stanza, "error");
	const char *cond = "undefined-condition";
	char *text = NULL, *out;

	if (err != NULL) {
		for (xmpp_stanza_t *c = xmpp_stanza_get_children(err); c != NULL;
		     c = xmpp_stanza_get_next(c)) {
			const char *name = xmpp_stanza_get_name(c);
			const char *ns = xmpp_stanza_get_ns(c);
			if (name == NULL || g_strcmp0(ns, "urn:ietf:params:xml:ns:xmpp-stanzas") != 0)
				continue;
			if (strcmp(name, "text") == 0)
				text = xstanza_text(c);
			else
				cond = name;
		}
	}
	if (condition != NULL)
		*condition = g_strdup(cond);
	out = text != NULL ? g_strdup_printf("%s: %s", cond, text) : g_strdup(cond);
	g_free(text);
	return out;
}

/* Answer a get or set addressed to us, by the payload's namespace. */
static void
xiq_request(struct session *s, xmpp_stanza_t *iq, const char *type)
{
	xmpp_stanza_t *child = xmpp_stanza_get_children(iq);
	const char *ns;

	while (child != NULL && xmpp_stanza_get_name(child) == NULL)
		child = xmpp_stanza_get_next(child);
	if (child == NULL) {
		xiq_error(s, iq, "modify", "bad-request");
		return;
	}
	ns = xmpp_stanza_get_ns(child);
	if (ns != NULL && strcmp(ns, "jabber:iq:roster") == 0 && strcmp(type, "set") == 0) {
		xroster_push(s, iq, child);
		return;
	}
	if (ns != NULL && strcmp(type, "get") == 0 &&
	    (strcmp(ns, "http://jabber.org/protocol/disco#info") == 0 ||
	     strcmp(ns, "jabber:iq:version") == 0 || strcmp(ns, "urn:xmpp:ping") == 0)) {
		xdisco_answer(s, iq, child);
		return;
	}
	xiq_error(s, iq, "cancel", "service-unavailable");
}

static int
xiq_handler(xmpp_conn_t *conn, xmpp_stanza_t *iq, void *userdata)
{
	struct session *s = userdata;
	const char *type = xmpp_stanza_get_type(iq);
	const char *id = xmpp_stanza_get_id(iq);
	struct xiq_pending *x;

	if (type == NULL)
		return 1;
	if (strcmp(type, "get") == 0 || strcmp(type, "set") == 0) {
		xiq_request(s, iq, type);
		return 1;
	}
	if (strcmp(type, "result") != 0 && strcmp(type, "error") != 0)
		return 1;
	x = id != NULL ? g_hash_table_lookup(s->iqs, id) : NULL;
	if (x == NULL)
		return 1;
	if (!xiq_reply_from_ok(s->jid, s->bound_jid, x->to, xmpp_stanza_get_from(iq))) {
		log_msg(s->account, "iq reply %s from %s ignored: the request went to %s", id,
		    xmpp_stanza_get_from(iq), x->to != NULL ? x->to : "our account");
		return 1;
	}
	g_hash_table_steal(s->iqs, id);
	if (x->timer != 0)
		loop_timer_cancel(s->loop, x->timer);
	x->timer = 0;
	x->fn(s, iq, x->arg);
	xiq_pending_free(x);
	return 1;
}

void
xiq_init(struct session *s)
{
	s->iqs = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, xiq_pending_free);
	xmpp_handler_add(s->conn, xiq_handler, NULL, "iq", NULL, s);
}

void
xiq_free(struct session *s)
{
	if (s->iqs != NULL)
		g_hash_table_destroy(s->iqs);
	s->iqs = NULL;
}
