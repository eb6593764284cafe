/* xmoderate.c - a room moderator's retraction of an occupant's message
 * (XEP-0425).  The request goes to the room as an IQ in the form its
 * disco#info offers; the room then tells every occupant, and that
 * announcement (xmessage_retraction) is what blanks the message here too. */
#include "config.h"

#include <glib.h>
#include <strophe.h>

#include "natter/xmpp.h"
#include "session.h"

#define NS_MODERATE "urn:xmpp:message-moderate:1"
#define NS_MODERATE_0 "urn:xmpp:message-moderate:0"
#define NS_RETRACT "urn:xmpp:message-retract:1"
#define NS_RETRACT_0 "urn:xmpp:message-retract:0"
#define NS_FASTEN "urn:xmpp:fasten:0"

struct xmoderate_req {
	char *room, *stanza_id, *reason;
};

static void
xmoderate_req_free(void *p)
{
	struct xmoderate_req *q = p;

	g_free(q->room);
	g_free(q->stanza_id);
	g_free(q->reason);
	g_free(q);
}

/* The room's answer: a refusal (not a moderator, no such message) is
 * reported; success shows as the room's announcement. */
static void
xmoderate_done(struct session *s, xmpp_stanza_t *reply, void *arg)
{
	const char *room = arg;
	char *cond = NULL, *why;

	if (reply != NULL && g_strcmp0(xmpp_stanza_get_type(reply), "result") == 0)
		return;
	why = reply != NULL ? xiq_error_text(reply, &cond) : g_strdup("no answer");
	xmuc_error(s, "moderate", room, cond, g_strdup_printf("%s did not retract the message: %s",
	    room, why));
	g_free(why);
}

/* Session thread: ask the room to retract message q->stanza_id. */
static void
xmoderate_do(struct session *s, void *arg)
{
	struct xmoderate_req *q = arg;
	enum xmuc_moderation form = xmuc_moderation(s, q->room);
	xmpp_stanza_t *iq, *m;

	if (form == XMUC_MOD_NOT_IN) {
		xmuc_not_in(s, "moderate", q->room);
		return;
	}
	if (form == XMUC_MOD_NONE) {
		xmuc_error(s, "moderate", q->room, NULL, g_strdup_printf("%s does not offer message "
		    "moderation (XEP-0425): nothing was retracted", q->room));
		return;
	}
	iq = xmpp_iq_new(s->ctx, "set", NULL);
	if (form == XMUC_MOD_1) {
		m = xstanza_add(iq, "moderate", NS_MODERATE);
		xmpp_stanza_set_attribute(m, "id", q->stanza_id);
		xstanza_add(m, "retract", NS_RETRACT);
	} else {
		xmpp_stanza_t *a = xstanza_add(iq, "apply-to", NS_FASTEN);
		xmpp_stanza_set_attribute(a, "id", q->stanza_id);
		m = xstanza_add(a, "moderate", NS_MODERATE_0);
		xstanza_add(m, "retract", NS_RETRACT_0);
	}
	if (q->reason != NULL && *q->reason != '\0')
		xstanza_add_text(m, "reason", q->reason);
	xiq_send(s, iq, q->room, s->iq_timeout, xmoderate_done, g_strdup(q->room), g_free);
	xmpp_stanza_release(iq);
}

int
xmoderate(struct account *acc, const char *room, const char *stanza_id, const char *reason)
{
	struct xmoderate_req *q;

	if (room == NULL || stanza_id == NULL || *stanza_id == '\0')
		return -1;
	q = g_new0(struct xmoderate_req, 1);
	q->room = g_strdup(room);
	q->stanza_id = g_strdup(stanza_id);
	q->reason = g_strdup(reason);
	return session_request(acc, xmoderate_do, q, xmoderate_req_free);
}
