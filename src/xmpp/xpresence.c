/* xpresence.c - presence in (contacts, subscription requests) and out. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <strophe.h>

#include "natter/account.h"
#include "natter/jid.h"
#include "natter/xmpp.h"
#include "session.h"

static int
xpresence_handler(xmpp_conn_t *conn, xmpp_stanza_t *p, void *userdata)
{
	struct session *s = userdata;
	const char *from = xmpp_stanza_get_from(p);
	const char *type = xmpp_stanza_get_type(p);
	struct event *ev;

	if (from == NULL || !jid_valid(from, NULL))
		return 1;
	if (xmuc_presence(s, p))
		return 1;
	if (type == NULL || strcmp(type, "unavailable") == 0) {
		char *show = xstanza_child_text(p, "show");
		char *prio = xstanza_child_text(p, "priority");
		int sh = type != NULL ? PRES_OFFLINE : show != NULL ? presence_show_parse(show) : PRES_ONLINE;
		ev = event_new(EV_PRESENCE, s->account);
		ev->u.presence.from = g_strdup(from);
		ev->u.presence.show = sh > PRES_OFFLINE || type != NULL ? (enum presence_show)sh
		                                                        : PRES_ONLINE;
		ev->u.presence.status = xstanza_child_text(p, "status");
		ev->u.presence.priority = prio != NULL ? (int)CLAMP(strtol(prio, NULL, 10), -128, 127) : 0;
		g_free(show);
		g_free(prio);
		session_emit(s, ev);
	} else if (strcmp(type, "subscribe") == 0 || strcmp(type, "subscribed") == 0 ||
	    strcmp(type, "unsubscribe") == 0 || strcmp(type, "unsubscribed") == 0) {
		ev = event_new(EV_SUBSCRIPTION, s->account);
		ev->u.subscription.from = jid_bare(from);
		ev->u.subscription.type = g_strdup(type);
		session_emit(s, ev);
	} else if (strcmp(type, "error") == 0) {
		char *cond = NULL;
		char *why = xiq_error_text(p, &cond);
		ev = event_new(EV_ERROR, s->account);
		ev->u.error.jid = g_strdup(from);
		ev->u.error.condition = cond;
		ev->u.error.command = g_strdup("presence");
		ev->u.error.message = g_strdup_printf("presence to %s failed: %s", from, why);
		g_free(why);
		session_emit(s, ev);
	}
	return 1;
}

void
xpresence_connected(struct session *s)
{
	xmpp_handler_add(s->conn, xpresence_handler, NULL, "presence", NULL, s);
}

/* Broadcast show/status (session thread). */
static void
xpresence_broadcast(struct session *s, enum presence_show show, const char *status)
{
	xmpp_stanza_t *p = xmpp_presence_new(s->ctx);

	if (show != PRES_ONLINE)
		xstanza_add_text(p, "show", presence_show_name(show));
	if (status != NULL && *status != '\0')
		xstanza_add_text(p, "status", status);
	xmpp_send(s->conn, p);
	xmpp_stanza_release(p);
}

void
xpresence_initial(struct session *s)
{
	xpresence_broadcast(s, s->show, s->status);
	s->presence_sent = true;
	xmuc_rejoin(s); /* directed presence to our rooms follows the broadcast */
	/* copies of what our other clients do from now on, then what was said
	 * while we were away */
	xtime_login(s);
	xcarbons_enable(s);
	xmam_login(s);
}

struct xpresence_req {
	enum presence_show show;
	char *status;
	char *jid, *type;
};

static void
xpresence_req_free(void *p)
{
	struct xpresence_req *r = p;

	g_free(r->status);
	g_free(r->jid);
	g_free(r->type);
	g_free(r);
}

static void
xpresence_do_send(struct session *s, void *arg)
{
	struct xpresence_req *r = arg;

	s->show = r->show;
	g_free(s->status);
	s->status = g_strdup(r->status);
	xpresence_broadcast(s, r->show, r->status);
}

int
xpresence_send(struct account *acc, enum presence_show show, const char *status)
{
	struct xpresence_req *r = g_new0(struct xpresence_req, 1);

	r->show = show;
	r->status = g_strdup(status);
	return session_request(acc, xpresence_do_send, r, xpresence_req_free);
}

static void
xpresence_do_subscription(struct session *s, void *arg)
{
	struct xpresence_req *r = arg;
	xmpp_stanza_t *p = xmpp_presence_new(s->ctx);

	xmpp_stanza_set_type(p, r->type);
	xmpp_stanza_set_to(p, r->jid);
	xmpp_send(s->conn, p);
	xmpp_stanza_release(p);
}

int
xpresence_subscription(struct account *acc, const char *jid, const char *type)
{
	struct xpresence_req *r = g_new0(struct xpresence_req, 1);

	r->jid = jid_bare(jid);
	r->type = g_strdup(type);
	return session_request(acc, xpresence_do_subscription, r, xpresence_req_free);
}
