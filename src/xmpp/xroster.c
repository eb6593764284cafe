/* xroster.c - the roster protocol (RFC 6121 section 2): the login fetch
 * with versioning, pushes from our own account only, and edits. */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <strophe.h>

#include "natter/account.h"
#include "natter/jid.h"
#include "natter/log.h"
#include "natter/roster.h"
#include "natter/xmpp.h"
#include "session.h"

#define NS_ROSTER "jabber:iq:roster"


/* An EV_ROSTER from one <item/>; NULL when the item has no valid jid. */
static struct event *
xroster_item_event(struct session *s, xmpp_stanza_t *item, bool fetched)
{
	const char *jid = xmpp_stanza_get_attribute(item, "jid");
	const char *sub = xmpp_stanza_get_attribute(item, "subscription");
	const char *ask = xmpp_stanza_get_attribute(item, "ask");
	char *bare = jid != NULL ? jid_bare(jid) : NULL;
	GPtrArray *groups = g_ptr_array_new();
	struct event *ev;

	if (bare == NULL) {
		g_ptr_array_free(groups, TRUE);
		return NULL;
	}
	for (xmpp_stanza_t *g = xmpp_stanza_get_child_by_name(item, "group"); g != NULL;
	     g = xmpp_stanza_get_next(g)) {
		char *text;
		if (g_strcmp0(xmpp_stanza_get_name(g), "group") != 0)
			continue;
		text = xstanza_text(g);
		if (text != NULL && *text != '\0')
			g_ptr_array_add(groups, text);
		else
			g_free(text);
	}
	ev = event_new(EV_ROSTER, s->account);
	ev->u.roster.jid = bare;
	ev->u.roster.name = g_strdup(xmpp_stanza_get_attribute(item, "name"));
	ev->u.roster.subscription = g_strdup(sub != NULL ? sub : "none");
	ev->u.roster.ask = g_strcmp0(ask, "subscribe") == 0 ? g_strdup(ask) : NULL;
	if (groups->len > 0) {
		g_ptr_array_add(groups, NULL);
		ev->u.roster.groups = (char **)g_ptr_array_free(groups, FALSE);
	} else {
		g_ptr_array_free(groups, TRUE);
	}
	ev->u.roster.fetched = fetched;
	return ev;
}

/* The login fetch came back: items (or "unchanged"), then presence. */
static void
xroster_on_fetch(struct session *s, xmpp_stanza_t *reply, void *unused)
{
	struct event *end;

	if (reply == NULL || g_strcmp0(xmpp_stanza_get_type(reply), "error") == 0) {
		struct event *ev = event_new(EV_ERROR, s->account);
		char *why = reply != NULL ? xiq_error_text(reply, NULL) : g_strdup("no answer");
		ev->u.error.command = g_strdup("roster");
		ev->u.error.message = g_strdup_printf("the roster could not be fetched: %s", why);
		g_free(why);
		session_emit(s, ev);
	} else {
		xmpp_stanza_t *q = xmpp_stanza_get_child_by_ns(reply, NS_ROSTER);
		end = event_new(EV_ROSTER_END, s->account);
		if (q == NULL) {
			end->u.roster_end.unchanged = true;
			end->u.roster_end.ver = g_strdup(s->roster_ver);
		} else {
			for (xmpp_stanza_t *i = xmpp_stanza_get_children(q); i != NULL;
			     i = xmpp_stanza_get_next(i)) {
				struct event *ev;
				if (g_strcmp0(xmpp_stanza_get_name(i), "item") != 0)
					continue;
				ev = xroster_item_event(s, i, true);
				if (ev != NULL && strcmp(ev->u.roster.subscription, "remove") != 0) {
					session_emit(s, ev);
				} else {
					event_free(ev);
				}
			}
			end->u.roster_end.ver = g_strdup(xmpp_stanza_get_attribute(q, "ver"));
		}
		session_emit(s, end);
	}
	/* RFC 6121 2.2: roster first, then initial presence */
	xpresence_initial(s);
}

void
xroster_connected(struct session *s)
{
	xmpp_stanza_t *iq = xmpp_iq_new(s->ctx, "get", NULL);
	xmpp_stanza_t *q = xstanza_add(iq, "query", NS_ROSTER);

	if (s->rosterver)
		xmpp_stanza_set_attribute(q, "ver", s->roster_ver != NULL ? s->roster_ver : "");
	xiq_send(s, iq, NULL, s->iq_timeout, xroster_on_fetch, NULL, NULL);
	xmpp_stanza_release(iq);
}

/* A roster push: accepted only from our own account (RFC 6121 2.1.6). */
int
xroster_push(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *query)
{
	const char *from = xmpp_stanza_get_from(iq);
	xmpp_stanza_t *item;
	struct event *ev;

	if (from != NULL && !jid_equal(from, s->jid) &&
	    !(s->bound_jid != NULL && jid_equal(from, s->bound_jid))) {
		log_msg(s->account, "roster push from %s ignored: not from our account", from);
		xiq_error(s, iq, "cancel", "service-unavailable");
		return -1;
	}
	item = xmpp_stanza_get_child_by_name(query, "item");
	ev = item != NULL ? xroster_item_event(s, item, false) : NULL;
	if (ev == NULL) {
		xiq_error(s, iq, "modify", "bad-request");
		return -1;
	}
	session_emit(s, ev);
	xiq_result(s, iq, NULL);
	return 0;
}

struct xroster_edit {
	char *jid;
	bool remove;
};

static void
xroster_edit_free(void *p)
{
	struct xroster_edit *e = p;

	g_free(e->jid);
	g_free(e);
}

static void
xroster_on_edit(struct session *s, xmpp_stanza_t *reply, void *arg)
{
	struct xroster_edit *e = arg;
	struct event *ev;
	char *why;

	if (reply != NULL && g_strcmp0(xmpp_stanza_get_type(reply), "result") == 0)
		return; /* the server's push follows */
	why = reply != NULL ? xiq_error_text(reply, NULL) : g_strdup("no answer from the server");
	ev = event_new(EV_ERROR, s->account);
	ev->u.error.command = g_strdup(e->remove ? "roster remove" : "roster");
	ev->u.error.jid = g_strdup(e->jid);
	ev->u.error.message = g_strdup_printf("roster change for %s failed: %s", e->jid, why);
	g_free(why);
	session_emit(s, ev);
}

struct xroster_req {
	char *jid, *name;
	char **groups;
	bool remove;
};

static void
xroster_req_free(void *p)
{
	struct xroster_req *r = p;

	g_free(r->jid);
	g_free(r->name);
	g_strfreev(r->groups);
	g_free(r);
}

/* Session thread: send the roster set. */
static void
xroster_do_set(struct session *s, void *arg)
{
	struct xroster_req *r = arg;
	xmpp_stanza_t *iq = xmpp_iq_new(s->ctx, "set", NULL);
	xmpp_stanza_t *item = xstanza_add(xstanza_add(iq, "query", NS_ROSTER), "item", NULL);
	struct xroster_edit *e = g_new0(struct xroster_edit, 1);

	xmpp_stanza_set_attribute(item, "jid", r->jid);
	if (r->remove)
		xmpp_stanza_set_attribute(item, "subscription", "remove");
	else if (r->name != NULL && *r->name != '\0')
		xmpp_stanza_set_attribute(item, "name", r->name);
	for (char **g = r->groups; !r->remove && g != NULL && *g != NULL; g++)
		xstanza_add_text(item, "group", *g);
	e->jid = g_strdup(r->jid);
	e->remove = r->remove;
	xiq_send(s, iq, NULL, s->iq_timeout, xroster_on_edit, e, xroster_edit_free);
	xmpp_stanza_release(iq);
}

int
xroster_set(struct account *acc, const char *jid, const char *name, char *const *groups)
{
	struct xroster_req *r = g_new0(struct xroster_req, 1);

	r->jid = g_strdup(jid);
	r->name = g_strdup(name);
	r->groups = g_strdupv((char **)groups);
	return session_request(acc, xroster_do_set, r, xroster_req_free);
}

int
xroster_remove(struct account *acc, const char *jid)
{
	struct xroster_req *r = g_new0(struct xroster_req, 1);

	r->jid = jid_bare(jid);
	r->remove = true;
	return session_request(acc, xroster_do_set, r, xroster_req_free);
}
