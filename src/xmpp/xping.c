/* xping.c - our keepalive: after keepalive_interval seconds without a
 * byte from the server, ping it (XEP-0199); no answer within
 * keepalive_timeout seconds means the connection is dead.  One timer,
 * re-armed from the time of the last byte: no polling. */
#include "config.h"

#include <glib.h>
#include <strophe.h>

#include "natter/loop.h"
#include "session.h"

static void xping_fire(void *arg);

static void
xping_arm(struct session *s, uint64_t ms)
{
	if (s->keepalive != 0)
		loop_timer_cancel(s->loop, s->keepalive);
	s->keepalive = loop_timer_add(s->loop, ms, xping_fire, s);
}

static void
xping_on_reply(struct session *s, xmpp_stanza_t *reply, void *unused)
{
	if (reply != NULL) {
		/* any answer, even an error, shows the connection is alive */
		xping_arm(s, (uint64_t)s->keepalive_interval * 1000);
		return;
	}
	s->keepalive = 0;
	s->timed_out = true;
	g_free(s->timeout_what);
	s->timeout_what = g_strdup_printf("the server did not answer a ping within %u s",
	    s->keepalive_timeout);
	/* the connection is dead: do not wait for a polite close */
	session_drop(s);
}

static void
xping_fire(void *arg)
{
	struct session *s = arg;
	uint64_t quiet = loop_now_ms() - s->last_rx;
	uint64_t interval = (uint64_t)s->keepalive_interval * 1000;
	xmpp_stanza_t *iq;

	s->keepalive = 0;
	if (quiet < interval) {
		xping_arm(s, interval - quiet);
		return;
	}
	iq = xmpp_iq_new(s->ctx, "get", NULL);
	xstanza_add(iq, "ping", "urn:xmpp:ping");
	xiq_send(s, iq, strchr(s->jid, '@') + 1, s->keepalive_timeout, xping_on_reply, NULL, NULL);
	xmpp_stanza_release(iq);
}

void
xping_start(struct session *s)
{
	s->last_rx = loop_now_ms();
	xping_arm(s, (uint64_t)s->keepalive_interval * 1000);
}

void
xping_stop(struct session *s)
{
	if (s->keepalive != 0 && s->loop != NULL)
		loop_timer_cancel(s->loop, s->keepalive);
	s->keepalive = 0;
}
