/* xmuc.c - group chat (XEP-0045): joining and leaving rooms, occupants'
 * presence, room messages and subjects, nick changes, and the rejoin of
 * every room after a reconnect.
 *
 * The session keeps its own table of rooms (s->rooms, bare room JID ->
 * struct xmuc_room), seeded from the core's model before the thread starts
 * and changed by requests.  Presence and groupchat messages count only
 * from a room in that table: a groupchat message from anyone else is
 * dropped and logged.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <strophe.h>

#include "natter/account.h"
#include "natter/jid.h"
#include "natter/log.h"
#include "natter/muc.h"
#include "natter/settings.h"
#include "natter/xmpp.h"
#include "session.h"

#define NS_MUC "http://jabber.org/protocol/muc"
#define NS_MUC_USER NS_MUC "#user"
#define NS_MUC_OWNER NS_MUC "#owner"
#define NS_DATA "jabber:x:data"
#define NS_DELAY "urn:xmpp:delay"
#define NS_SID "urn:xmpp:sid:0"
#define NS_CORRECT "urn:xmpp:message-correct:0"
#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_MAM "urn:xmpp:mam:2"
#define NS_MODERATE "urn:xmpp:message-moderate:1"
#define NS_MODERATE_0 "urn:xmpp:message-moderate:0"

/* WANTED: to be joined once our initial presence is out (joining before
 * it would make the server's presence broadcast a second join); PROBING:
 * asking the room whether it keeps an archive, before joining. */
enum xmuc_state { XMUC_WANTED, XMUC_PROBING, XMUC_JOINING, XMUC_JOINED, XMUC_LEAVING };

struct xmuc_room {
	char *jid;       /* bare, the table's key */
	char *nick;      /* ours */
	char *password;  /* wiped when freed */
	enum xmuc_state state;
	int64_t since;   /* rejoin: ask for history from this time; 0: maxstanzas */
	GHashTable *since_ids; /* ids of messages at `since` already seen: skipped */
	unsigned history; /* first join: messages of history to ask for */
	char *last_id;   /* our last message (not a correction), for /correct */
	char *mam_after; /* the newest id of the room's archive we hold, or NULL */
	int64_t mam_after_stamp; /* its time */
	bool mam;        /* the room keeps an archive (XEP-0313): history comes
	                  * from it, not from the join */
	enum xmuc_moderation moderation; /* the XEP-0425 it offers */
};

static void
xmuc_room_free(gpointer p)
{
	struct xmuc_room *r = p;

	g_free(r->jid);
	g_free(r->nick);
	account_wipe(r->password);
	g_free(r->last_id);
	g_free(r->mam_after);
	if (r->since_ids != NULL)
		g_hash_table_destroy(r->since_ids);
	g_free(r);
}

static GHashTable *
xmuc_rooms(struct session *s)
{
	if (s->rooms == NULL)
		s->rooms = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, xmuc_room_free);
	return s->rooms;
}

/* The room of from's bare JID, or NULL. */
static struct xmuc_room *
xmuc_find(struct session *s, const char *from)
{
	char *bare;
	struct xmuc_room *r;

	if (s->rooms == NULL || from == NULL)
		return NULL;
	bare = jid_bare(from);
	r = bare != NULL ? g_hash_table_lookup(s->rooms, bare) : NULL;
	g_free(bare);
	return r;
}

/* Add or update room jid in the session's table. */
static struct xmuc_room *
xmuc_add(struct session *s, const char *jid, const char *nick, const char *password)
{
	struct xmuc_room *r = g_hash_table_lookup(xmuc_rooms(s), jid);

	if (r == NULL) {
		r = g_new0(struct xmuc_room, 1);
		r->jid = g_strdup(jid);
		g_hash_table_insert(s->rooms, r->jid, r);
	}
	g_free(r->nick);
	r->nick = g_strdup(nick);
	if (password != NULL) {
		account_wipe(r->password);
		r->password = g_strdup(password);
	}
	return r;
}

void
xmuc_seed(struct session *s, const char *account)
{
	GList *all = muc_rooms(account);

	for (GList *l = all; l != NULL; l = l->next) {
		struct room *room = l->data;
		struct xmuc_room *r = xmuc_add(s, room->jid, room->nick, room->password);
		r->since = room->last_stamp;
		if (g_hash_table_size(room->last_ids) > 0) {
			GHashTableIter it;
			gpointer k;
			r->since_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
			g_hash_table_iter_init(&it, room->last_ids);
			while (g_hash_table_iter_next(&it, &k, NULL))
				g_hash_table_add(r->since_ids, g_strdup(k));
		}
		r->history = (unsigned)settings_int("muc_history");
		r->mam_after = g_strdup(room->archive_last);
		r->mam_after_stamp = room->archive_stamp;
	}
	g_list_free(all);
}

void
xmuc_free(struct session *s)
{
	if (s->rooms != NULL)
		g_hash_table_destroy(s->rooms);
	s->rooms = NULL;
}

bool
xmuc_is_room(struct session *s, const char *bare)
{
	return s->rooms != NULL && bare != NULL && g_hash_table_contains(s->rooms, bare);
}

/* Session thread: send our presence to room r as r->nick (joining with the
 * MUC element and history limits when join). */
static void
xmuc_send_presence(struct session *s, struct xmuc_room *r, bool join)
{
	xmpp_stanza_t *p = xmpp_presence_new(s->ctx);
	char *to = g_strdup_printf("%s/%s", r->jid, r->nick);

	xmpp_stanza_set_to(p, to);
	if (s->show != PRES_ONLINE)
		xstanza_add_text(p, "show", presence_show_name(s->show));
	if (s->status != NULL && *s->status != '\0')
		xstanza_add_text(p, "status", s->status);
	if (join) {
		xmpp_stanza_t *x = xstanza_add(p, "x", NS_MUC);
		xmpp_stanza_t *h = xstanza_add(x, "history", NULL);
		if (r->mam) {
			/* the archive brings what we missed, once we are in */
			xmpp_stanza_set_attribute(h, "maxstanzas", "0");
		} else if (r->since > 0) {
			GDateTime *dt = g_date_time_new_from_unix_utc(r->since);
			char *iso = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
			xmpp_stanza_set_attribute(h, "since", iso);
			g_free(iso);
			g_date_time_unref(dt);
		} else {
			char n[16];
			snprintf(n, sizeof n, "%u", r->history);
			xmpp_stanza_set_attribute(h, "maxstanzas", n);
		}
		if (r->password != NULL)
			xstanza_add_text(x, "password", r->password);
	}
	xmpp_send(s->conn, p);
	xmpp_stanza_release(p);
	g_free(to);
}

/* The room's disco#info answer (NULL: none): join, taking history from
 * the room's archive when it keeps one. */
static void
xmuc_probe_done(struct session *s, xmpp_stanza_t *reply, void *arg)
{
	struct xmuc_room *r = xmuc_find(s, arg);
	xmpp_stanza_t *q;

	if (r == NULL || r->state != XMUC_PROBING)
		return;
	r->mam = false;
	r->moderation = XMUC_MOD_NONE;
	q = reply != NULL && g_strcmp0(xmpp_stanza_get_type(reply), "result") == 0
	    ? xmpp_stanza_get_child_by_name_and_ns(reply, "query", NS_DISCO_INFO) : NULL;
	for (xmpp_stanza_t *f = q != NULL ? xmpp_stanza_get_children(q) : NULL; f != NULL;
	     f = xmpp_stanza_get_next(f)) {
		const char *var = xmpp_stanza_get_attribute(f, "var");
		if (g_strcmp0(xmpp_stanza_get_name(f), "feature") != 0 || var == NULL)
			continue;
		if (strcmp(var, NS_MAM) == 0)
			r->mam = true;
		else if (strcmp(var, NS_MODERATE) == 0)
			r->moderation = XMUC_MOD_1;
		else if (strcmp(var, NS_MODERATE_0) == 0 && r->moderation == XMUC_MOD_NONE)
			r->moderation = XMUC_MOD_0;
	}
	r->state = XMUC_JOINING;
	xmuc_send_presence(s, r, true);
}

/* Start joining room r: ask it first whether it keeps an archive (a room
 * that does not exist yet answers with an error and is created by the
 * join). */
static void
xmuc_probe(struct session *s, struct xmuc_room *r)
{
	xmpp_stanza_t *iq = xmpp_iq_new(s->ctx, "get", NULL);

	xstanza_add(iq, "query", NS_DISCO_INFO);
	r->state = XMUC_PROBING;
	xiq_send(s, iq, r->jid, s->iq_timeout, xmuc_probe_done, g_strdup(r->jid), g_free);
	xmpp_stanza_release(iq);
}

void
xmuc_rejoin(struct session *s)
{
	GHashTableIter it;
	gpointer v;

	if (s->rooms == NULL)
		return;
	g_hash_table_iter_init(&it, s->rooms);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct xmuc_room *r = v;
		if (r->state == XMUC_WANTED)
			xmuc_probe(s, r);
	}
}

const char *
xmuc_own_nick(struct session *s, const char *room)
{
	struct xmuc_room *r = xmuc_find(s, room);

	return r != NULL ? r->nick : NULL;
}

enum xmuc_moderation
xmuc_moderation(struct session *s, const char *room)
{
	struct xmuc_room *r = xmuc_find(s, room);

	return r != NULL && r->state == XMUC_JOINED ? r->moderation : XMUC_MOD_NOT_IN;
}

void
xmuc_error(struct session *s, const char *command, const char *room, char *condition,
    char *message)
{
	struct event *ev = event_new(EV_ERROR, s->account);

	ev->u.error.command = g_strdup(command);
	ev->u.error.jid = g_strdup(room);
	ev->u.error.condition = condition;
	ev->u.error.message = message;
	session_emit(s, ev);
}

/* Emit EV_LEFT for room r and forget it. */
static void
xmuc_left(struct session *s, struct xmuc_room *r, const char *why, const char *text)
{
	struct event *ev = event_new(EV_LEFT, s->account);

	ev->u.room.room = g_strdup(r->jid);
	ev->u.room.nick = g_strdup(r->nick);
	ev->u.room.why = g_strdup(why);
	ev->u.room.text = g_strdup(text);
	session_emit(s, ev);
	g_hash_table_remove(s->rooms, r->jid);
}

/* What a join error means, for people (to free). */
static char *
xmuc_join_error_text(struct xmuc_room *r, const char *cond, const char *detail)
{
	if (strcmp(cond, "conflict") == 0)
		return g_strdup_printf("the nick %s is taken in %s: /join %s/OTHERNICK", r->nick,
		    r->jid, r->jid);
	if (strcmp(cond, "not-authorized") == 0)
		return g_strdup_printf("%s needs a password%s: /join %s PASSWORD", r->jid,
		    r->password != NULL ? " (the one given was refused)" : "", r->jid);
	if (strcmp(cond, "registration-required") == 0)
		return g_strdup_printf("%s is for members only", r->jid);
	if (strcmp(cond, "forbidden") == 0)
		return g_strdup_printf("you are banned from %s", r->jid);
	if (strcmp(cond, "service-unavailable") == 0)
		return g_strdup_printf("%s is full", r->jid);
	if (strcmp(cond, "item-not-found") == 0)
		return g_strdup_printf("%s does not exist (or is locked)", r->jid);
	if (strcmp(cond, "not-allowed") == 0)
		return g_strdup_printf("%s does not exist and you may not create it", r->jid);
	if (strcmp(cond, "jid-malformed") == 0)
		return g_strdup_printf("%s refused the nick %s", r->jid, r->nick);
	return g_strdup_printf("could not join %s: %s", r->jid, detail);
}

/* A presence of type error from room r (or one of its occupants). */
static void
xmuc_presence_error(struct session *s, struct xmuc_room *r, xmpp_stanza_t *p)
{
	char *cond = NULL;
	char *detail = xiq_error_text(p, &cond);

	if (r->state == XMUC_JOINING) {
		char *text = xmuc_join_error_text(r, cond, detail);
		xmuc_error(s, "join", r->jid, cond, g_strdup(text));
		xmuc_left(s, r, "error", text);
		g_free(text);
	} else {
		/* a nick change or presence update was refused; we are still in */
		xmuc_error(s, "nick", r->jid, cond,
		    g_strdup_printf("%s refused: %s", r->jid, detail));
	}
	g_free(detail);
}

/* The room's answer to xmuc_instant: report a refusal. */
static void
xmuc_instant_done(struct session *s, xmpp_stanza_t *reply, void *arg)
{
	const char *room = arg;
	char *why;

	if (reply != NULL && g_strcmp0(xmpp_stanza_get_type(reply), "result") == 0)
		return;
	why = reply != NULL ? xiq_error_text(reply, NULL) : g_strdup("no answer");
	xmuc_error(s, "join", room, NULL, g_strdup_printf("the new room %s is still locked: its "
	    "default configuration was not accepted: %s", room, why));
	g_free(why);
}

/* Make a room we just created usable: accept the default configuration
 * (an "instant room", XEP-0045 10.1.2). */
static void
xmuc_instant(struct session *s, struct xmuc_room *r)
{
	xmpp_stanza_t *iq = xmpp_iq_new(s->ctx, "set", NULL);
	xmpp_stanza_t *q = xstanza_add(iq, "query", NS_MUC_OWNER);
	xmpp_stanza_t *x = xstanza_add(q, "x", NS_DATA);

	xmpp_stanza_set_attribute(x, "type", "submit");
	xiq_send(s, iq, r->jid, s->iq_timeout, xmuc_instant_done, g_strdup(r->jid), g_free);
	xmpp_stanza_release(iq);
}

/* The status codes of a muc#user element, as a set of small flags. */
struct xmuc_codes {
	bool self, created, kicked, banned, nick, removed, shutdown;
};

static struct xmuc_codes
xmuc_codes(xmpp_stanza_t *x)
{
	struct xmuc_codes c = { 0 };

	for (xmpp_stanza_t *e = x != NULL ? xmpp_stanza_get_children(x) : NULL; e != NULL;
	     e = xmpp_stanza_get_next(e)) {
		const char *code = g_strcmp0(xmpp_stanza_get_name(e), "status") == 0
		    ? xmpp_stanza_get_attribute(e, "code") : NULL;
		int n = code != NULL ? atoi(code) : 0;
		switch (n) {
		case 110: c.self = true; break;
		case 201: c.created = true; break;
		case 307: c.kicked = true; break;
		case 301: c.banned = true; break;
		case 303: c.nick = true; break;
		case 321: case 322: c.removed = true; break;
		case 332: c.shutdown = true; break;
		default: break;
		}
	}
	return c;
}

/* Presence from an occupant of room r: EV_OCCUPANT, and for our own
 * presence EV_JOINED or EV_LEFT. */
static void
xmuc_presence_occupant(struct session *s, struct xmuc_room *r, xmpp_stanza_t *p,
    const char *nick, bool unavailable)
{
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(p, "x", NS_MUC_USER);
	xmpp_stanza_t *item = x != NULL ? xmpp_stanza_get_child_by_name(x, "item") : NULL;
	xmpp_stanza_t *destroy = x != NULL ? xmpp_stanza_get_child_by_name(x, "destroy") : NULL;
	struct xmuc_codes c = xmuc_codes(x);
	bool self = c.self || strcmp(nick, r->nick) == 0;
	struct event *ev = event_new(EV_OCCUPANT, s->account);
	const char *why = "left";

	ev->u.occupant.room = g_strdup(r->jid);
	ev->u.occupant.nick = g_strdup(nick);
	ev->u.occupant.self = self;
	ev->u.occupant.initial = r->state == XMUC_JOINING && !self;
	if (item != NULL) {
		const char *real = xmpp_stanza_get_attribute(item, "jid");
		ev->u.occupant.jid = real != NULL && jid_valid(real, NULL) ? g_strdup(real) : NULL;
		ev->u.occupant.role = g_strdup(xmpp_stanza_get_attribute(item, "role"));
		ev->u.occupant.affiliation = g_strdup(xmpp_stanza_get_attribute(item, "affiliation"));
		ev->u.occupant.reason = xstanza_child_text(item, "reason");
	}
	ev->u.occupant.status = xstanza_child_text(p, "status");
	if (unavailable) {
		ev->u.occupant.show = PRES_OFFLINE;
		if (c.nick && item != NULL && xmpp_stanza_get_attribute(item, "nick") != NULL) {
			why = "nick";
			ev->u.occupant.new_nick = g_strdup(xmpp_stanza_get_attribute(item, "nick"));
		} else if (c.banned) {
			why = "banned";
		} else if (c.kicked) {
			why = "kicked";
		} else if (c.removed || destroy != NULL) {
			why = "removed";
		} else if (c.shutdown) {
			why = "shutdown";
		}
		ev->u.occupant.why = g_strdup(why);
		if (destroy != NULL && ev->u.occupant.reason == NULL)
			ev->u.occupant.reason = xstanza_child_text(destroy, "reason");
	} else {
		char *show = xstanza_child_text(p, "show");
		int sh = show != NULL ? presence_show_parse(show) : PRES_ONLINE;
		ev->u.occupant.show = sh > PRES_OFFLINE ? (enum presence_show)sh : PRES_ONLINE;
		g_free(show);
	}
	if (!self) {
		session_emit(s, ev);
		return;
	}
	if (unavailable && strcmp(why, "nick") == 0) {
		/* our own nick change: the room sends us back under the new one */
		g_free(r->nick);
		r->nick = g_strdup(ev->u.occupant.new_nick);
		session_emit(s, ev);
	} else if (unavailable) {
		/* out of the room: asked for, or put out (a plain "left" we did
		 * not ask for means the room removed us) */
		const char *left = strcmp(why, "left") == 0 && r->state != XMUC_LEAVING
		    ? "removed" : why;
		char *text = ev->u.occupant.reason != NULL
		    ? g_strdup(ev->u.occupant.reason)
		    : destroy != NULL ? g_strdup("the room was destroyed") : NULL;
		session_emit(s, ev);
		xmuc_left(s, r, left, text);
		g_free(text);
	} else {
		bool joining = r->state == XMUC_JOINING;
		if (strcmp(nick, r->nick) != 0) {
			/* the room changed the nick we asked for (status 210) */
			g_free(r->nick);
			r->nick = g_strdup(nick);
		}
		session_emit(s, ev);
		if (joining) {
			struct event *j = event_new(EV_JOINED, s->account);
			r->state = XMUC_JOINED;
			j->u.room.room = g_strdup(r->jid);
			j->u.room.nick = g_strdup(r->nick);
			j->u.room.why = c.created ? g_strdup("created") : NULL;
			session_emit(s, j);
			if (c.created)
				xmuc_instant(s, r);
			else if (r->mam)
				/* what we missed: after the newest archive id we
				 * hold, else since the newest message we saw, else
				 * the newest r->history */
				xmam_room(s, r->jid, r->mam_after, r->mam_after_stamp, r->since,
				    r->history);
		}
	}
}

bool
xmuc_presence(struct session *s, xmpp_stanza_t *p)
{
	const char *from = xmpp_stanza_get_from(p);
	const char *type = xmpp_stanza_get_type(p);
	struct xmuc_room *r = xmuc_find(s, from);
	struct jid *j;

	if (r == NULL)
		return false;
	if (s->closing)
		return true; /* the rooms answer our going offline: we stay in them */
	if (g_strcmp0(type, "error") == 0) {
		xmuc_presence_error(s, r, p);
		return true;
	}
	if (type != NULL && strcmp(type, "unavailable") != 0)
		return false; /* subscription requests from a room: not ours to judge */
	j = jid_parse(from, NULL);
	if (j == NULL || j->resource == NULL) {
		/* presence from the room itself carries nothing for us */
		jid_free(j);
		return true;
	}
	xmuc_presence_occupant(s, r, p, j->resource, type != NULL);
	jid_free(j);
	return true;
}

/* A groupchat message's time: its delay stamp (history), else now (by
 * the server's clock). */
static int64_t
xmuc_stamp(struct session *s, xmpp_stanza_t *m)
{
	xmpp_stanza_t *d = xmpp_stanza_get_child_by_name_and_ns(m, "delay", NS_DELAY);
	int64_t t = d != NULL ? xmessage_stamp(xmpp_stanza_get_attribute(d, "stamp")) : 0;

	return t != 0 ? t : session_now(s);
}

/* The id a room message corrects, when it names an earlier message of the
 * same occupant (or ours, for our own echo); else NULL. */
static char *
xmuc_replace_id(struct session *s, xmpp_stanza_t *m, const char *from, bool out)
{
	xmpp_stanza_t *rp = xmpp_stanza_get_child_by_name_and_ns(m, "replace", NS_CORRECT);
	const char *rid = rp != NULL ? xmpp_stanza_get_attribute(rp, "id") : NULL;

	if (rid == NULL)
		return NULL;
	if (out ? xmessage_sent_to(s, rid) == NULL : !xmessage_seen_from(s, from, rid)) {
		log_msg(s->account, "room correction from %s of %s not accepted", from, rid);
		return NULL;
	}
	return g_strdup(rid);
}

bool
xmuc_message(struct session *s, xmpp_stanza_t *m, const char *type)
{
	const char *from = xmpp_stanza_get_from(m);
	struct xmuc_room *r = xmuc_find(s, from);
	struct jid *j;
	xmpp_stanza_t *subject;
	char *body;
	struct event *ev;
	bool out;

	if (g_strcmp0(type, "groupchat") != 0)
		return false;
	if (r == NULL || r->state == XMUC_LEAVING) {
		log_msg(s->account, "groupchat message from %s dropped: not a room we are in",
		    from != NULL ? from : "(no sender)");
		return true;
	}
	j = jid_parse(from, NULL);
	if (j == NULL)
		return true;
	body = xmpp_message_get_body(m);
	subject = xmpp_stanza_get_child_by_name(m, "subject");
	if (subject != NULL && body == NULL) {
		ev = event_new(EV_SUBJECT, s->account);
		ev->u.room.room = g_strdup(r->jid);
		ev->u.room.nick = g_strdup(j->resource);
		ev->u.room.text = xstanza_text(subject);
		if (ev->u.room.text == NULL)
			ev->u.room.text = g_strdup("");
		session_emit(s, ev);
		/* the subject ends the history a join brings */
		if (r->since_ids != NULL)
			g_hash_table_destroy(r->since_ids);
		r->since_ids = NULL;
		jid_free(j);
		return true;
	}
	if (body == NULL && !xmessage_has_content(m)) {
		jid_free(j);
		return true;
	}
	if (r->since_ids != NULL && xmpp_stanza_get_id(m) != NULL &&
	    g_hash_table_contains(r->since_ids, xmpp_stanza_get_id(m)) &&
	    xmpp_stanza_get_child_by_name_and_ns(m, "delay", NS_DELAY) != NULL) {
		/* history from the second we last saw: this one we have */
		xmpp_free(s->ctx, body);
		jid_free(j);
		return true;
	}
	out = j->resource != NULL && strcmp(j->resource, r->nick) == 0;
	ev = event_new(EV_MESSAGE, s->account);
	ev->u.message.out = out;
	ev->u.message.from = g_strdup(from);
	ev->u.message.to = g_strdup(out ? r->jid : s->bound_jid);
	ev->u.message.type = g_strdup("groupchat");
	ev->u.message.body = g_strdup(body != NULL ? body : "");
	ev->u.message.id = g_strdup(xmpp_stanza_get_id(m));
	xmessage_retraction(m, ev);
	if (out) {
		/* our echo names the id we sent; origin-id when the room
		 * rewrote it */
		xmpp_stanza_t *o = xmpp_stanza_get_child_by_name_and_ns(m, "origin-id", NS_SID);
		const char *oid = o != NULL ? xmpp_stanza_get_attribute(o, "id") : NULL;
		if (oid != NULL && xmessage_sent_to(s, oid) != NULL) {
			g_free(ev->u.message.id);
			ev->u.message.id = g_strdup(oid);
		}
	}
	ev->u.message.replace_id = xmuc_replace_id(s, m, from, out);
	ev->u.message.stamp = xmuc_stamp(s, m);
	ev->u.message.delayed = xmpp_stanza_get_child_by_name_and_ns(m, "delay", NS_DELAY) != NULL;
	/* the room's stanza-id (by the room), the sender's origin-id, and the
	 * occupant's stable id (XEP-0421) when the room gives one */
	xmessage_ids(m, r->jid, ev);
	{
		xmpp_stanza_t *oc = xmpp_stanza_get_child_by_name_and_ns(m, "occupant-id",
		    "urn:xmpp:occupant-id:0");
		if (oc != NULL)
			ev->u.message.occupant_id = g_strdup(xmpp_stanza_get_attribute(oc, "id"));
	}
	if (!out && j->resource != NULL)
		xmessage_seen(s, from, ev->u.message.id);
	/* a message the room's archive brings too is reported once */
	xmessage_emit_once(s, ev);
	xmpp_free(s->ctx, body);
	jid_free(j);
	return true;
}

/* A request to the session thread about one room. */
struct xmuc_req {
	char *room, *nick, *password, *text, *id;
	int64_t stamp; /* join: the time of id, the newest archive id held */
};

static void
xmuc_req_free(void *p)
{
	struct xmuc_req *q = p;

	g_free(q->room);
	g_free(q->nick);
	account_wipe(q->password);
	g_free(q->text);
	g_free(q->id);
	g_free(q);
}

static struct xmuc_req *
xmuc_req_new(const char *room, const char *nick, const char *text)
{
	struct xmuc_req *q = g_new0(struct xmuc_req, 1);

	q->room = jid_bare(room);
	q->nick = g_strdup(nick);
	q->text = g_strdup(text);
	return q;
}

static void
xmuc_do_join(struct session *s, void *arg)
{
	struct xmuc_req *q = arg;
	struct xmuc_room *r = g_hash_table_lookup(xmuc_rooms(s), q->room);

	if (r != NULL && r->state == XMUC_PROBING) {
		/* on the way in: the join goes out with the newest nick */
		g_free(r->nick);
		r->nick = g_strdup(q->nick);
		return;
	}
	if (r != NULL && r->state == XMUC_JOINED) {
		if (strcmp(r->nick, q->nick) != 0) {
			/* already in: a /join with another nick changes it */
			g_free(r->nick);
			r->nick = g_strdup(q->nick);
			xmuc_send_presence(s, r, false);
		}
		return;
	}
	r = xmuc_add(s, q->room, q->nick, q->password);
	r->since = 0;
	if (r->since_ids != NULL)
		g_hash_table_destroy(r->since_ids);
	r->since_ids = NULL;
	r->history = (unsigned)settings_int("muc_history");
	g_free(r->mam_after);
	r->mam_after = g_strdup(q->id);
	r->mam_after_stamp = q->stamp;
	if (!s->presence_sent) {
		r->state = XMUC_WANTED; /* xmuc_rejoin sends it */
		return;
	}
	xmuc_probe(s, r);
}

int
xmuc_join(struct account *acc, const char *room, const char *nick, const char *password)
{
	struct xmuc_req *q;

	if (room == NULL || nick == NULL || !jid_valid(room, NULL))
		return -1;
	q = xmuc_req_new(room, nick, NULL);
	q->password = g_strdup(password);
	{
		/* the newest id of the room's archive we hold: the catch-up
		 * starts after it */
		struct room *m = muc_find(acc->name, q->room);
		q->id = m != NULL ? g_strdup(m->archive_last) : NULL;
		q->stamp = m != NULL ? m->archive_stamp : 0;
	}
	return session_request(acc, xmuc_do_join, q, xmuc_req_free);
}

static void
xmuc_do_leave(struct session *s, void *arg)
{
	struct xmuc_req *q = arg;
	struct xmuc_room *r = xmuc_find(s, q->room);
	xmpp_stanza_t *p;
	char *to;

	if (r == NULL)
		return;
	if (r->state == XMUC_WANTED || r->state == XMUC_PROBING) {
		/* not in yet: nothing to tell the room */
		xmuc_left(s, r, "left", NULL);
		return;
	}
	r->state = XMUC_LEAVING;
	p = xmpp_presence_new(s->ctx);
	to = g_strdup_printf("%s/%s", r->jid, r->nick);
	xmpp_stanza_set_type(p, "unavailable");
	xmpp_stanza_set_to(p, to);
	if (q->text != NULL)
		xstanza_add_text(p, "status", q->text);
	xmpp_send(s->conn, p);
	xmpp_stanza_release(p);
	g_free(to);
}

int
xmuc_leave(struct account *acc, const char *room, const char *reason)
{
	if (room == NULL || !jid_valid(room, NULL))
		return -1;
	return session_request(acc, xmuc_do_leave, xmuc_req_new(room, NULL, reason), xmuc_req_free);
}

/* Session thread: send a groupchat message (a correction of replace_id
 * when not NULL); the room's echo is what gets reported. */
static void
xmuc_transmit(struct session *s, struct xmuc_room *r, const char *body, const char *id,
    const char *replace_id)
{
	xmpp_stanza_t *m = xmpp_message_new(s->ctx, "groupchat", r->jid, id);

	xmpp_message_set_body(m, body);
	xmpp_stanza_set_attribute(xstanza_add(m, "origin-id", NS_SID), "id", id);
	if (replace_id != NULL)
		xmpp_stanza_set_attribute(xstanza_add(m, "replace", NS_CORRECT), "id", replace_id);
	xmpp_send(s->conn, m);
	xmpp_stanza_release(m);
	xmessage_remember(s, id, r->jid);
	if (replace_id == NULL) {
		g_free(r->last_id);
		r->last_id = g_strdup(id);
	}
}

void
xmuc_not_in(struct session *s, const char *command, const char *room)
{
	xmuc_error(s, command, room, NULL, g_strdup_printf("you are not in %s: /join %s first",
	    room, room));
}

static void
xmuc_do_send(struct session *s, void *arg)
{
	struct xmuc_req *q = arg;
	struct xmuc_room *r = xmuc_find(s, q->room);

	if (r == NULL || r->state != XMUC_JOINED) {
		xmuc_not_in(s, "msg", q->room);
		return;
	}
	xmuc_transmit(s, r, q->text, q->id, NULL);
}

static void
xmuc_do_correct(struct session *s, void *arg)
{
	struct xmuc_req *q = arg;
	struct xmuc_room *r = xmuc_find(s, q->room);

	if (r == NULL || r->state != XMUC_JOINED) {
		xmuc_not_in(s, "correct", q->room);
		return;
	}
	if (r->last_id == NULL) {
		xmuc_error(s, "correct", q->room, NULL, g_strdup_printf("nothing to correct: "
		    "you sent no message to %s since joining", q->room));
		return;
	}
	xmuc_transmit(s, r, q->text, q->id, r->last_id);
}

/* Queue fn for a message to room; *id_out (may be NULL) gets its id. */
static int
xmuc_queue_message(struct account *acc, session_req_fn fn, const char *room, const char *body,
    char **id_out)
{
	struct xmuc_req *q;

	if (room == NULL || body == NULL || !jid_valid(room, NULL))
		return -1;
	q = xmuc_req_new(room, NULL, body);
	q->id = session_id_new();
	if (id_out != NULL)
		*id_out = g_strdup(q->id);
	if (session_request(acc, fn, q, xmuc_req_free) != 0) {
		if (id_out != NULL) {
			g_free(*id_out);
			*id_out = NULL;
		}
		return -1;
	}
	return 0;
}

int
xmuc_send(struct account *acc, const char *room, const char *body, char **id_out)
{
	return xmuc_queue_message(acc, xmuc_do_send, room, body, id_out);
}

int
xmuc_correct(struct account *acc, const char *room, const char *body, char **id_out)
{
	return xmuc_queue_message(acc, xmuc_do_correct, room, body, id_out);
}

static void
xmuc_do_subject(struct session *s, void *arg)
{
	struct xmuc_req *q = arg;
	struct xmuc_room *r = xmuc_find(s, q->room);
	xmpp_stanza_t *m;

	if (r == NULL || r->state != XMUC_JOINED) {
		xmuc_not_in(s, "topic", q->room);
		return;
	}
	m = xmpp_message_new(s->ctx, "groupchat", r->jid, NULL);
	xstanza_add_text(m, "subject", q->text);
	xmpp_send(s->conn, m);
	xmpp_stanza_release(m);
}

int
xmuc_subject(struct account *acc, const char *room, const char *subject)
{
	if (room == NULL || subject == NULL || !jid_valid(room, NULL))
		return -1;
	return session_request(acc, xmuc_do_subject, xmuc_req_new(room, NULL, subject),
	    xmuc_req_free);
}

static void
xmuc_do_nick(struct session *s, void *arg)
{
	struct xmuc_req *q = arg;
	struct xmuc_room *r = xmuc_find(s, q->room);
	char *old;

	if (r == NULL || r->state != XMUC_JOINED) {
		xmuc_not_in(s, "nick", q->room);
		return;
	}
	/* presence to the new occupant JID; the room answers with our old
	 * nick leaving (303) and the new one arriving, or an error */
	old = r->nick;
	r->nick = q->nick;
	xmuc_send_presence(s, r, false);
	r->nick = old;
}

int
xmuc_nick(struct account *acc, const char *room, const char *nick)
{
	if (room == NULL || nick == NULL || *nick == '\0' || !jid_valid(room, NULL))
		return -1;
	return session_request(acc, xmuc_do_nick, xmuc_req_new(room, nick, NULL), xmuc_req_free);
}
