/* xdisco.c - what we answer about ourselves: disco#info (XEP-0030),
 * software version (XEP-0092) and ping (XEP-0199). */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <strophe.h>

#include "natter/xmpp.h"
#include "session.h"

/* Exactly what natter implements; sorted, as XEP-0115 hashing wants. */
static const char *const features[] = {
	"http://jabber.org/protocol/disco#info",
	"jabber:iq:version",
	"urn:xmpp:ping",
	NULL
};

const char *const *
xdisco_features(void)
{
	return features;
}

static xmpp_stanza_t *
xdisco_elem(struct session *s, const char *name, const char *ns)
{
	xmpp_stanza_t *e = xmpp_stanza_new(s->ctx);

	xmpp_stanza_set_name(e, name);
	if (ns != NULL)
		xmpp_stanza_set_ns(e, ns);
	return e;
}

static void
xdisco_text_child(struct session *s, xmpp_stanza_t *parent, const char *name, const char *text)
{
	xmpp_stanza_t *e = xdisco_elem(s, name, NULL), *t = xmpp_stanza_new(s->ctx);

	xmpp_stanza_set_text(t, text);
	xmpp_stanza_add_child(e, t);
	xmpp_stanza_add_child(parent, e);
	xmpp_stanza_release(t);
	xmpp_stanza_release(e);
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
		r = xdisco_elem(s, "query", ns);
		xdisco_text_child(s, r, "name", PACKAGE_NAME);
		xdisco_text_child(s, r, "version", PACKAGE_VERSION);
		xiq_result(s, iq, r);
		xmpp_stanza_release(r);
		return;
	}
	if (xmpp_stanza_get_attribute(query, "node") != NULL) {
		xiq_error(s, iq, "cancel", "item-not-found");
		return;
	}
	r = xdisco_elem(s, "query", ns);
	{
		xmpp_stanza_t *id = xdisco_elem(s, "identity", NULL);
		xmpp_stanza_set_attribute(id, "category", "client");
		xmpp_stanza_set_attribute(id, "type", "console");
		xmpp_stanza_set_attribute(id, "name", PACKAGE_NAME);
		xmpp_stanza_add_child(r, id);
		xmpp_stanza_release(id);
	}
	for (const char *const *f = features; *f != NULL; f++) {
		xmpp_stanza_t *fe = xdisco_elem(s, "feature", NULL);
		xmpp_stanza_set_attribute(fe, "var", *f);
		xmpp_stanza_add_child(r, fe);
		xmpp_stanza_release(fe);
	}
	xiq_result(s, iq, r);
	xmpp_stanza_release(r);
}
