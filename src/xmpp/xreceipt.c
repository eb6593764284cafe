/* xreceipt.c - message delivery receipts (XEP-0184): we ask for one on
 * every chat message we send, report those our contacts' clients send
 * back, and answer requests, but only from contacts allowed to see our
 * presence: a receipt tells the sender we are online (XEP-0184 section 8),
 * so strangers get none. */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <strophe.h>

#include "natter/jid.h"
#include "natter/log.h"
#include "natter/roster.h"
#include "session.h"

#define NS_RECEIPTS "urn:xmpp:receipts"

void
xreceipt_request(xmpp_stanza_t *m)
{
	xstanza_add(m, "request", NS_RECEIPTS);
}

bool
xreceipt_from_ok(const char *sent_to, const char *from)
{
	return sent_to != NULL && from != NULL && jid_bare_equal(sent_to, from);
}

bool
xreceipt_may_answer(const char *type, const char *subscription)
{
	if (g_strcmp0(type, "groupchat") == 0 || g_strcmp0(type, "error") == 0)
		return false;
	return g_strcmp0(subscription, "from") == 0 || g_strcmp0(subscription, "both") == 0;
}

/* A <received/>: EV_RECEIPT when it names a message we sent to from's
 * bare JID; anything else is dropped. */
static void
xreceipt_report(struct session *s, xmpp_stanza_t *received, const char *from)
{
	const char *id = xmpp_stanza_get_attribute(received, "id");
	const char *to = xmessage_sent_to(s, id);
	struct event *ev;

	if (!xreceipt_from_ok(to, from)) {
		log_msg(s->account, "receipt from %s for %s dropped: %s", from,
		    id != NULL ? id : "(no id)",
		    to == NULL ? "not a message we sent" : "the message went to someone else");
		return;
	}
	ev = event_new(EV_RECEIPT, s->account);
	ev->u.receipt.from = g_strdup(from);
	ev->u.receipt.id = g_strdup(id);
	session_emit(s, ev);
}

/* A receipt request in message m from `from`: the main thread decides
 * (xreceipt_ask), since only it holds the roster. */
static void
xreceipt_answer(struct session *s, xmpp_stanza_t *m, const char *from, const char *type)
{
	const char *id = xmpp_stanza_get_id(m);
	struct event *ev;

	if (id == NULL || g_strcmp0(type, "groupchat") == 0 || g_strcmp0(type, "error") == 0) {
		log_msg(s->account, "receipt request from %s not answered: %s", from,
		    id == NULL ? "the message has no id" : "not a one-to-one message");
		return;
	}
	ev = event_new(EV_RECEIPT_ASK, s->account);
	ev->u.receipt.from = g_strdup(from);
	ev->u.receipt.id = g_strdup(id);
	session_emit(s, ev);
}

/* The receipt to send: to whom, for which message id. */
struct xreceipt_req {
	char *to, *id;
};

static void
xreceipt_req_free(void *p)
{
	struct xreceipt_req *r = p;

	g_free(r->to);
	g_free(r->id);
	g_free(r);
}

/* Session thread: send a <received/> for r->id to r->to. */
static void
xreceipt_do_send(struct session *s, void *arg)
{
	struct xreceipt_req *r = arg;
	char *new_id = session_id_new();
	xmpp_stanza_t *a = xmpp_message_new(s->ctx, NULL, r->to, new_id);

	xmpp_stanza_set_attribute(xstanza_add(a, "received", NS_RECEIPTS), "id", r->id);
	xmpp_send(s->conn, a);
	xmpp_stanza_release(a);
	g_free(new_id);
}

void
xreceipt_ask(struct account *acc, const struct event *ev)
{
	char *bare = jid_bare(ev->u.receipt.from);
	const struct contact *c = bare != NULL && acc != NULL ? roster_find(acc->roster, bare) : NULL;
	struct xreceipt_req *r;

	g_free(bare);
	if (!xreceipt_may_answer("chat", c != NULL ? c->subscription : NULL)) {
		log_msg(ev->account, "receipt request from %s not answered: not subscribed to "
		    "our presence", ev->u.receipt.from);
		return;
	}
	r = g_new0(struct xreceipt_req, 1);
	r->to = g_strdup(ev->u.receipt.from);
	r->id = g_strdup(ev->u.receipt.id);
	session_request(acc, xreceipt_do_send, r, xreceipt_req_free);
}

void
xreceipt_incoming(struct session *s, xmpp_stanza_t *m, const char *from, const char *type,
    bool has_body)
{
	xmpp_stanza_t *received = xmpp_stanza_get_child_by_name_and_ns(m, "received", NS_RECEIPTS);

	if (received != NULL) {
		/* a receipt never asks for one in turn */
		xreceipt_report(s, received, from);
		return;
	}
	if (has_body && xmpp_stanza_get_child_by_name_and_ns(m, "request", NS_RECEIPTS) != NULL)
		xreceipt_answer(s, m, from, type);
}
