/* xtime.c - the server's clock (XEP-0202 entity time), asked once per
 * login.  A message stamped "now" is stamped by the server's clock, not
 * ours: its copy in the archive carries the server's time, and the store
 * matches copies of a message around its time, so a local clock that is
 * hours off would otherwise make two rows of one message. */
#include "config.h"

#include <glib.h>
#include <strophe.h>

#include "natter/jid.h"
#include "natter/log.h"
#include "session.h"

#define NS_TIME "urn:xmpp:time"

int64_t
session_now(struct session *s)
{
	return g_get_real_time() / G_USEC_PER_SEC + s->clock_offset;
}

/* The server's answer: its UTC time, compared with the middle of our
 * round trip (arg: when we asked, in microseconds). */
static void
xtime_done(struct session *s, xmpp_stanza_t *reply, void *arg)
{
	int64_t asked = *(int64_t *)arg;
	int64_t now = g_get_real_time();
	xmpp_stanza_t *t = reply != NULL && g_strcmp0(xmpp_stanza_get_type(reply), "result") == 0
	    ? xmpp_stanza_get_child_by_name_and_ns(reply, "time", NS_TIME) : NULL;
	char *utc = t != NULL ? xstanza_child_text(t, "utc") : NULL;
	int64_t server = xmessage_stamp(utc);
	int64_t mid = (asked + now) / 2 / G_USEC_PER_SEC;

	g_free(utc);
	if (server == 0)
		return; /* no answer, or none we can read: our own clock it is */
	/* within a couple of seconds is the same clock, seen through a round
	 * trip and whole seconds */
	s->clock_offset = server - mid > 2 || server - mid < -2 ? server - mid : 0;
	if (s->clock_offset != 0)
		log_msg(s->account, "the server's clock is %+" G_GINT64_FORMAT " s from ours: "
		    "messages are stamped by the server's", s->clock_offset);
}

void
xtime_login(struct session *s)
{
	xmpp_stanza_t *iq = xmpp_iq_new(s->ctx, "get", NULL);
	struct jid *j = jid_parse(session_bare(s), NULL);
	int64_t *asked = g_new(int64_t, 1);

	*asked = g_get_real_time();
	xstanza_add(iq, "time", NS_TIME);
	xiq_send(s, iq, j != NULL ? j->domain : NULL, s->iq_timeout, xtime_done, asked, g_free);
	xmpp_stanza_release(iq);
	jid_free(j);
}
