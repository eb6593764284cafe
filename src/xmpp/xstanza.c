/* xstanza.c - small builders and readers over libstrophe's stanzas, so
 * the protocol files say what they send rather than how to nest it. */
#include "config.h"

#include <glib.h>
#include <strophe.h>

#include "session.h"

xmpp_stanza_t *
xstanza_new(xmpp_ctx_t *ctx, const char *name, const char *ns)
{
	xmpp_stanza_t *e = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(e, name);
	if (ns != NULL)
		xmpp_stanza_set_ns(e, ns);
	return e;
}

xmpp_stanza_t *
xstanza_add(xmpp_stanza_t *parent, const char *name, const char *ns)
{
	xmpp_stanza_t *e = xstanza_new(xmpp_stanza_get_context(parent), name, ns);

	xmpp_stanza_add_child(parent, e);
	xmpp_stanza_release(e);
	return e;
}

void
xstanza_add_text(xmpp_stanza_t *parent, const char *name, const char *text)
{
	xmpp_stanza_t *e = xstanza_add(parent, name, NULL);
	xmpp_stanza_t *t = xmpp_stanza_new(xmpp_stanza_get_context(parent));

	xmpp_stanza_set_text(t, text);
	xmpp_stanza_add_child(e, t);
	xmpp_stanza_release(t);
}

char *
xstanza_text(xmpp_stanza_t *stanza)
{
	char *t = stanza != NULL ? xmpp_stanza_get_text(stanza) : NULL;
	char *copy;

	if (t == NULL)
		return NULL;
	copy = g_strdup(t);
	xmpp_free(xmpp_stanza_get_context(stanza), t);
	return copy;
}

char *
xstanza_child_text(xmpp_stanza_t *stanza, const char *name)
{
	return xstanza_text(xmpp_stanza_get_child_by_name(stanza, name));
}
