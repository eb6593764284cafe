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

/* Answer the receipt request of message m from `from`, if our roster lets
 * from see our presence. */
static void
xreceipt_answer(struct session *s, xmpp_stanza_t *m, const char *from, const char *type)
{
	const char *id = xmpp_stanza_get_id(m);
	char *bare = jid_bare(from);
	const char *sub = bare != NULL ? xroster_subscription(s, bare) : NULL;
	char *new_id;
	xmpp_stanza_t *a;

	g_free(bare);
	if (id == NULL || !xreceipt_may_answer(type, sub)) {
		log_msg(s->account, "receipt request from %s not answered: %s", from,
		    id == NULL ? "the message has no id" : "not subscribed to our presence");
		return;
	}
	new_id = session_id_new();
	a = xmpp_message_new(s->ctx, NULL, from, new_id);
	xmpp_stanza_set_attribute(xstanza_add(a, "received", NS_RECEIPTS), "id", id);
	xmpp_send(s->conn, a);
	xmpp_stanza_release(a);
	g_free(new_id);
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
