/* xcarbons.c - message carbons (XEP-0280): copies of the messages our
 * other clients send and receive, so that every conversation is whole
 * here.  A carbon counts only when our own server sends it on our
 * account's behalf (from our bare JID); anyone else could forge one. */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <strophe.h>

#include "natter/jid.h"
#include "natter/log.h"
#include "session.h"

#define NS_CARBONS "urn:xmpp:carbons:2"
#define NS_FORWARD "urn:xmpp:forward:0"

/* The server's answer to our enable request. */
static void
xcarbons_enabled(struct session *s, xmpp_stanza_t *reply, void *unused)
{
	if (reply == NULL || g_strcmp0(xmpp_stanza_get_type(reply), "result") != 0)
		log_msg(s->account, "carbons not enabled: %s",
		    reply == NULL ? "no answer" : "the server refused");
}

void
xcarbons_enable(struct session *s)
{
	xmpp_stanza_t *iq = xmpp_iq_new(s->ctx, "set", NULL);

	xstanza_add(iq, "enable", NS_CARBONS);
	xiq_send(s, iq, NULL, s->iq_timeout, xcarbons_enabled, NULL, NULL);
	xmpp_stanza_release(iq);
}

bool
xcarbons_message(struct session *s, xmpp_stanza_t *m)
{
	xmpp_stanza_t *wrap = xmpp_stanza_get_child_by_name_and_ns(m, "received", NS_CARBONS);
	const char *from = xmpp_stanza_get_from(m);
	xmpp_stanza_t *fwd, *inner;
	const char *ifrom, *ito;
	bool sent = false;
	struct event *ev;

	if (wrap == NULL) {
		wrap = xmpp_stanza_get_child_by_name_and_ns(m, "sent", NS_CARBONS);
		sent = wrap != NULL;
	}
	if (wrap == NULL)
		return false;
	if (from == NULL || !jid_equal(from, session_bare(s))) {
		log_msg(s->account, "carbon from %s dropped: only our own account sends them",
		    from != NULL ? from : "(no sender)");
		return true;
	}
	fwd = xmpp_stanza_get_child_by_name_and_ns(wrap, "forwarded", NS_FORWARD);
	inner = fwd != NULL ? xmpp_stanza_get_child_by_name(fwd, "message") : NULL;
	if (inner == NULL || !xmessage_has_content(inner))
		return true; /* chat states and receipts of other clients: theirs */
	ifrom = xmpp_stanza_get_from(inner);
	ito = xmpp_stanza_get_to(inner);
	if (g_strcmp0(xmpp_stanza_get_type(inner), "groupchat") == 0 || ifrom == NULL ||
	    ito == NULL || !jid_valid(ifrom, NULL) || !jid_valid(ito, NULL))
		return true;
	/* a sent carbon is ours from another resource; a received one came to
	 * another resource of ours */
	if (!jid_bare_equal(sent ? ifrom : ito, session_bare(s))) {
		log_msg(s->account, "carbon dropped: the copied message is not ours");
		return true;
	}
	ev = xmessage_event(s, inner, ifrom, ito, sent, MSG_CARBON);
	if (!sent)
		xmessage_seen(s, ifrom, ev->u.message.id);
	xmessage_emit_once(s, ev);
	return true;
}
