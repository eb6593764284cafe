/* xdisco.c - what we answer about ourselves: disco#info (XEP-0030),
 * software version (XEP-0092) and ping (XEP-0199).  The features also
 * announce chat states (XEP-0085), message correction (XEP-0308) and
 * receipts (XEP-0184), implemented in xmessage.c and xreceipt.c. */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <strophe.h>

#include "natter/xmpp.h"
#include "session.h"

/* Exactly what natter implements; sorted, as XEP-0115 hashing wants. */
static const char *const features[] = {
	"http://jabber.org/protocol/chatstates",
	"http://jabber.org/protocol/disco#info",
	"jabber:iq:version",
	"urn:xmpp:message-correct:0",
	"urn:xmpp:ping",
	"urn:xmpp:receipts",
	NULL
};

const char *const *
xdisco_features(void)
{
	return features;
}

void
xdisco_answer(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *query)
{
	const char *ns = xmpp_stanza_get_ns(query);
	xmpp_stanza_t *r;

	if (strcmp(ns, "urn:xmpp:ping") == 0) {
		xiq_result(s, iq, NULL);
		return;
	}
	if (strcmp(ns, "jabber:iq:version") == 0) {
		r = xstanza_new(s->ctx, "query", ns);
		xstanza_add_text(r, "name", PACKAGE_NAME);
		xstanza_add_text(r, "version", PACKAGE_VERSION);
		xiq_result(s, iq, r);
		xmpp_stanza_release(r);
		return;
	}
	if (xmpp_stanza_get_attribute(query, "node") != NULL) {
		xiq_error(s, iq, "cancel", "item-not-found");
		return;
	}
	r = xstanza_new(s->ctx, "query", ns);
	{
		xmpp_stanza_t *id = xstanza_add(r, "identity", NULL);
		xmpp_stanza_set_attribute(id, "category", "client");
		xmpp_stanza_set_attribute(id, "type", "console");
		xmpp_stanza_set_attribute(id, "name", PACKAGE_NAME);
	}
	for (const char *const *f = features; *f != NULL; f++)
		xmpp_stanza_set_attribute(xstanza_add(r, "feature", NULL), "var", *f);
	xiq_result(s, iq, r);
	xmpp_stanza_release(r);
}
