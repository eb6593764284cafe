/* xmam.c - message archives (XEP-0313, urn:xmpp:mam:2): what was said
 * while natter was away, fetched page by page (RSM) after the newest
 * archive id we hold.  A result counts only when it carries the queryid
 * of a query still in flight and comes from the archive that query went
 * to; anything else is dropped and logged. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <strophe.h>

#include "natter/jid.h"
#include "natter/log.h"
#include "natter/settings.h"
#include "natter/xmpp.h"
#include "session.h"

#define NS_MAM "urn:xmpp:mam:2"
#define NS_RSM "http://jabber.org/protocol/rsm"
#define NS_DATA "jabber:x:data"
#define NS_FORWARD "urn:xmpp:forward:0"
#define NS_DELAY "urn:xmpp:delay"
#define NS_CORRECT "urn:xmpp:message-correct:0"
#define NS_OCCUPANT_ID "urn:xmpp:occupant-id:0"

#define XMAM_PAGE 100 /* messages per page */

/* One query in flight (one page of it). */
struct xmam_query {
	char *queryid;
	char *archive;   /* bare JID of the archive: ours or a room's */
	bool own;        /* our own archive (the iq has no 'to') */
	int64_t since;
	bool newest;     /* one page: the newest messages (RSM <before/>) */
	char *last_id;   /* the newest id delivered by this page */
	int64_t last_stamp;
	unsigned count;
	int64_t fallback_since; /* a first page after an id the archive no longer
	                         * has: ask for everything from this time (the
	                         * id's) instead, or with none, for the */
	unsigned fallback;      /* newest `fallback` messages */
};

static void
xmam_query_free(gpointer p)
{
	struct xmam_query *q = p;

	g_free(q->queryid);
	g_free(q->archive);
	g_free(q->last_id);
	g_free(q);
}

static GHashTable *
xmam_queries(struct session *s)
{
	if (s->mam_queries == NULL)
		s->mam_queries = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, xmam_query_free);
	return s->mam_queries;
}

void
xmam_free(struct session *s)
{
	if (s->mam_queries != NULL)
		g_hash_table_destroy(s->mam_queries);
	s->mam_queries = NULL;
	g_free(s->mam_last_id);
	s->mam_last_id = NULL;
}

/* Add <field var=var><value>value</value></field> to form x. */
static void
xmam_field(xmpp_stanza_t *x, const char *var, const char *type, const char *value)
{
	xmpp_stanza_t *f = xstanza_add(x, "field", NULL);

	xmpp_stanza_set_attribute(f, "var", var);
	if (type != NULL)
		xmpp_stanza_set_attribute(f, "type", type);
	xstanza_add_text(f, "value", value);
}

static void xmam_page_done(struct session *s, xmpp_stanza_t *reply, void *arg);

/* Send the query for one page of up to max messages: with newest, the
 * newest ones (one page, nothing more after it); else the oldest after
 * after_id (NULL: from the start, or from since), paging on.  The query
 * in flight is returned (s->mam_queries owns it). */
static struct xmam_query *
xmam_send(struct session *s, const char *archive, bool own, const char *after_id,
    unsigned max_n, int64_t since, bool newest)
{
	xmpp_stanza_t *iq = xmpp_iq_new(s->ctx, "set", NULL);
	xmpp_stanza_t *q = xstanza_add(iq, "query", NS_MAM);
	xmpp_stanza_t *x = xstanza_add(q, "x", NS_DATA);
	xmpp_stanza_t *set = xstanza_add(q, "set", NS_RSM);
	struct xmam_query *mq = g_new0(struct xmam_query, 1);
	char max[16];

	mq->queryid = session_id_new();
	mq->archive = g_strdup(archive);
	mq->own = own;
	mq->since = since;
	mq->newest = newest;
	xmpp_stanza_set_attribute(q, "queryid", mq->queryid);
	xmpp_stanza_set_attribute(x, "type", "submit");
	xmam_field(x, "FORM_TYPE", "hidden", NS_MAM);
	if (since > 0) {
		GDateTime *dt = g_date_time_new_from_unix_utc(since);
		char *iso = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
		xmam_field(x, "start", NULL, iso);
		g_free(iso);
		g_date_time_unref(dt);
	}
	snprintf(max, sizeof max, "%u", max_n);
	xstanza_add_text(set, "max", max);
	if (newest)
		xstanza_add(set, "before", NULL); /* the newest page */
	else if (after_id != NULL)
		xstanza_add_text(set, "after", after_id);
	g_hash_table_insert(xmam_queries(s), mq->queryid, mq);
	xiq_send(s, iq, own ? NULL : archive, s->iq_timeout, xmam_page_done,
	    g_strdup(mq->queryid), g_free);
	xmpp_stanza_release(iq);
	return mq;
}

/* Report a page's end (ok false: it failed, why says how). */
static void
xmam_page_event(struct session *s, struct xmam_query *q, bool ok, bool complete, const char *why)
{
	struct event *ev = event_new(EV_ARCHIVE_PAGE, s->account);

	ev->u.archive.archive = g_strdup(q->archive);
	ev->u.archive.last_id = g_strdup(q->last_id);
	ev->u.archive.last_stamp = q->last_stamp;
	ev->u.archive.count = q->count;
	ev->u.archive.complete = complete;
	ev->u.archive.ok = ok;
	session_emit(s, ev);
	if (!ok) {
		struct event *err = event_new(EV_ERROR, s->account);
		err->u.error.command = g_strdup("mam");
		err->u.error.jid = g_strdup(q->archive);
		err->u.error.message = g_strdup_printf("the archive of %s could not be fetched: %s",
		    q->archive, why);
		session_emit(s, err);
	}
}

/* The answer to a page's query: the next page, or the end. */
static void
xmam_page_done(struct session *s, xmpp_stanza_t *reply, void *arg)
{
	const char *queryid = arg;
	struct xmam_query *q = s->mam_queries != NULL ? g_hash_table_lookup(s->mam_queries, queryid)
	                                              : NULL;
	xmpp_stanza_t *fin;
	bool complete;

	if (q == NULL)
		return;
	g_hash_table_steal(s->mam_queries, queryid);
	if (reply == NULL || g_strcmp0(xmpp_stanza_get_type(reply), "result") != 0) {
		char *cond = NULL;
		char *why = reply != NULL ? xiq_error_text(reply, &cond) : g_strdup("no answer");
		if ((q->fallback_since > 0 || q->fallback > 0) &&
		    g_strcmp0(cond, "item-not-found") == 0) {
			/* the id we hold has expired from the archive (a server
			 * drops the oldest when an archive is full): what it
			 * still has from that id's time on (copies of what we
			 * hold are dropped by the store) */
			log_msg(s->account, "archive of %s no longer has our newest id: "
			    "fetching from its time", q->archive);
			if (q->fallback_since > 0)
				xmam_send(s, q->archive, q->own, NULL, XMAM_PAGE, q->fallback_since,
				    false);
			else
				xmam_send(s, q->archive, q->own, NULL, q->fallback, 0, true);
		} else {
			xmam_page_event(s, q, false, false, why);
		}
		g_free(cond);
		g_free(why);
		xmam_query_free(q);
		return;
	}
	fin = xmpp_stanza_get_child_by_name_and_ns(reply, "fin", NS_MAM);
	/* a page with nothing new is the end too, whatever the server says */
	complete = q->newest || fin == NULL ||
	    g_strcmp0(xmpp_stanza_get_attribute(fin, "complete"), "true") == 0 ||
	    q->count == 0 || q->last_id == NULL;
	xmam_page_event(s, q, true, complete, NULL);
	if (!complete)
		xmam_send(s, q->archive, q->own, q->last_id, XMAM_PAGE, q->since, false);
	xmam_query_free(q);
}

bool
xmam_message(struct session *s, xmpp_stanza_t *m)
{
	xmpp_stanza_t *res = xmpp_stanza_get_child_by_name_and_ns(m, "result", NS_MAM);
	const char *from = xmpp_stanza_get_from(m);
	const char *qid, *aid;
	struct xmam_query *q;
	xmpp_stanza_t *fwd, *inner, *delay;
	const char *ifrom, *ito;
	bool out;
	struct event *ev;

	if (res == NULL)
		return false;
	qid = xmpp_stanza_get_attribute(res, "queryid");
	aid = xmpp_stanza_get_attribute(res, "id");
	q = qid != NULL && s->mam_queries != NULL ? g_hash_table_lookup(s->mam_queries, qid) : NULL;
	if (q == NULL || aid == NULL) {
		log_msg(s->account, "archive result from %s dropped: no query %s in flight",
		    from != NULL ? from : "(no sender)", qid != NULL ? qid : "(none)");
		return true;
	}
	/* our own archive answers as our account (or the server for it) */
	if (q->own ? from != NULL && !jid_equal(from, session_bare(s))
	           : from == NULL || !jid_equal(from, q->archive)) {
		log_msg(s->account, "archive result from %s dropped: query %s went to %s",
		    from != NULL ? from : "(no sender)", qid, q->archive);
		return true;
	}
	fwd = xmpp_stanza_get_child_by_name_and_ns(res, "forwarded", NS_FORWARD);
	inner = fwd != NULL ? xmpp_stanza_get_child_by_name(fwd, "message") : NULL;
	delay = fwd != NULL ? xmpp_stanza_get_child_by_name_and_ns(fwd, "delay", NS_DELAY) : NULL;
	g_free(q->last_id);
	q->last_id = g_strdup(aid);
	if (inner == NULL || !xmessage_has_content(inner))
		return true;
	ifrom = xmpp_stanza_get_from(inner);
	ito = xmpp_stanza_get_to(inner);
	if (ifrom == NULL || !jid_valid(ifrom, NULL))
		return true;
	if (q->own) {
		out = jid_bare_equal(ifrom, session_bare(s));
		ev = xmessage_event(s, inner, ifrom, ito != NULL ? ito : session_bare(s), out,
		    MSG_ARCHIVE);
	} else {
		/* a room's archive: everything in it was said in the room */
		const char *nick = xmuc_own_nick(s, q->archive);
		const char *slash = strchr(ifrom, '/');
		xmpp_stanza_t *oc = xmpp_stanza_get_child_by_name_and_ns(inner, "occupant-id",
		    NS_OCCUPANT_ID);
		if (!jid_bare_equal(ifrom, q->archive) || slash == NULL)
			return true; /* not an occupant's message (or not in the room) */
		out = nick != NULL && strcmp(slash + 1, nick) == 0;
		ev = xmessage_event(s, inner, ifrom, out ? q->archive : s->bound_jid, out,
		    MSG_ARCHIVE);
		g_free(ev->u.message.type);
		ev->u.message.type = g_strdup("groupchat");
		if (oc != NULL)
			ev->u.message.occupant_id = g_strdup(xmpp_stanza_get_attribute(oc, "id"));
	}
	{
		/* a correction: the store accepts it only for a message of the
		 * same sender */
		xmpp_stanza_t *rp = xmpp_stanza_get_child_by_name_and_ns(inner, "replace",
		    NS_CORRECT);
		const char *rid = rp != NULL ? xmpp_stanza_get_attribute(rp, "id") : NULL;
		if (rid != NULL && *rid != '\0')
			ev->u.message.replace_id = g_strdup(rid);
	}
	{
		/* the archive's time of the message, not ours of the result */
		int64_t t = delay != NULL ? xmessage_stamp(xmpp_stanza_get_attribute(delay, "stamp")) : 0;
		if (t != 0)
			ev->u.message.stamp = t;
	}
	ev->u.message.delayed = true;
	/* the archive's id is this message's stanza-id there */
	g_free(ev->u.message.stanza_id);
	g_free(ev->u.message.stanza_by);
	ev->u.message.stanza_id = g_strdup(aid);
	ev->u.message.stanza_by = g_strdup(q->archive);
	q->count++;
	q->last_stamp = ev->u.message.stamp;
	xmessage_emit_once(s, ev);
	return true;
}

/* Catch up on archive (ours when own): after after_id (from its time,
 * after_stamp, if the archive has dropped it), else from since, else its
 * newest `newest` messages. */
static void
xmam_catch_up(struct session *s, const char *archive, bool own, const char *after_id,
    int64_t after_stamp, int64_t since, unsigned newest)
{
	if (after_id != NULL) {
		struct xmam_query *q = xmam_send(s, archive, own, after_id, XMAM_PAGE, 0, false);
		q->fallback = newest;
		q->fallback_since = after_stamp;
	} else if (since > 0) {
		xmam_send(s, archive, own, NULL, XMAM_PAGE, since, false);
	} else if (newest > 0) {
		xmam_send(s, archive, own, NULL, newest, 0, true);
	}
}

void
xmam_login(struct session *s)
{
	xmam_catch_up(s, session_bare(s), true, s->mam_last_id, s->mam_last_stamp, 0,
	    (unsigned)MAX(settings_int("mam_first"), 0));
}

void
xmam_room(struct session *s, const char *room, const char *after_id, int64_t after_stamp,
    int64_t since, unsigned newest)
{
	xmam_catch_up(s, room, false, after_id, after_stamp, since, newest);
}

/* A request from the main thread: fetch one archive. */
struct xmam_req {
	char *archive, *after;
	int64_t since;
};

static void
xmam_req_free(void *p)
{
	struct xmam_req *r = p;

	g_free(r->archive);
	g_free(r->after);
	g_free(r);
}

static void
xmam_do_fetch(struct session *s, void *arg)
{
	struct xmam_req *r = arg;
	bool own = r->archive == NULL || jid_equal(r->archive, session_bare(s));

	/* from a time (or an id): everything after it; else the newest page */
	xmam_send(s, own ? session_bare(s) : r->archive, own, r->after, XMAM_PAGE, r->since,
	    r->after == NULL && r->since == 0);
}

int
xmam_fetch(struct account *acc, const char *archive, const char *after_id, int64_t since)
{
	struct xmam_req *r;

	if (archive != NULL && !jid_valid(archive, NULL))
		return -1;
	r = g_new0(struct xmam_req, 1);
	r->archive = archive != NULL ? jid_bare(archive) : NULL;
	r->after = g_strdup(after_id);
	r->since = since;
	return session_request(acc, xmam_do_fetch, r, xmam_req_free);
}
