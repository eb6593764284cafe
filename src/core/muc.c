/* muc.c - each account's rooms and their occupants, kept current from
 * the room events the session layer emits. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "natter/account.h"
#include "natter/bus.h"
#include "natter/jid.h"
#include "natter/muc.h"

/* Ids remembered from one second of a room (a flood could bring more;
 * past this a rejoin may show a few of that second again). */
#define MUC_LAST_IDS_MAX 200

static GHashTable *accounts; /* account name -> (bare room JID -> struct room) */

static void
muc_occupant_free(gpointer p)
{
	struct occupant *o = p;

	g_free(o->nick);
	g_free(o->jid);
	g_free(o->status);
	g_free(o);
}

static void
muc_room_free(gpointer p)
{
	struct room *r = p;

	g_free(r->account);
	g_free(r->jid);
	g_free(r->nick);
	account_wipe(r->password);
	g_free(r->subject);
	g_free(r->archive_last);
	g_hash_table_destroy(r->last_ids);
	g_hash_table_destroy(r->occupants);
	g_free(r);
}

/* The rooms of account (created when create). */
static GHashTable *
muc_table(const char *account, bool create)
{
	GHashTable *t;

	if (account == NULL)
		return NULL;
	if (accounts == NULL) {
		if (!create)
			return NULL;
		accounts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    (GDestroyNotify)g_hash_table_destroy);
	}
	t = g_hash_table_lookup(accounts, account);
	if (t == NULL && create) {
		t = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, muc_room_free);
		g_hash_table_insert(accounts, g_strdup(account), t);
	}
	return t;
}

struct room *
muc_find(const char *account, const char *jid)
{
	GHashTable *t = muc_table(account, false);
	struct jid *j;
	struct room *r;

	if (t == NULL || jid == NULL)
		return NULL;
	r = g_hash_table_lookup(t, jid);
	if (r != NULL)
		return r;
	/* not as given: its normalised form (a full JID is an occupant) */
	j = jid_parse(jid, NULL);
	r = j != NULL && j->resource == NULL ? g_hash_table_lookup(t, j->bare) : NULL;
	jid_free(j);
	return r;
}

bool
muc_is_room(const char *account, const char *bare)
{
	return muc_find(account, bare) != NULL;
}

struct room *
muc_want(const char *account, const char *jid, const char *nick, const char *password)
{
	char *bare = jid_bare(jid);
	struct room *r;

	if (bare == NULL || nick == NULL)
		return g_free(bare), NULL;
	r = muc_find(account, bare);
	if (r == NULL) {
		r = g_new0(struct room, 1);
		r->account = g_strdup(account);
		r->jid = bare;
		r->occupants = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
		    muc_occupant_free);
		r->last_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		g_hash_table_insert(muc_table(account, true), r->jid, r);
	} else {
		g_free(bare);
	}
	if (g_strcmp0(r->nick, nick) != 0) {
		g_free(r->nick);
		r->nick = g_strdup(nick);
	}
	if (password != NULL) {
		account_wipe(r->password);
		r->password = g_strdup(password);
	}
	r->gen++;
	return r;
}

void
muc_forget(const char *account, const char *jid)
{
	struct room *r = muc_find(account, jid);

	if (r != NULL)
		g_hash_table_remove(muc_table(account, false), r->jid);
}

GList *
muc_rooms(const char *account)
{
	GHashTable *t = muc_table(account, false);

	return t != NULL ? g_hash_table_get_values(t) : NULL;
}

struct occupant *
muc_occupant(struct room *room, const char *nick)
{
	return room != NULL && nick != NULL ? g_hash_table_lookup(room->occupants, nick) : NULL;
}

/* Moderators first, then participants, then visitors. */
static int
muc_role_rank(const char *role)
{
	if (g_strcmp0(role, "moderator") == 0)
		return 0;
	if (g_strcmp0(role, "participant") == 0)
		return 1;
	return 2;
}

static gint
muc_occupant_cmp(gconstpointer a, gconstpointer b)
{
	const struct occupant *x = a, *y = b;
	int d = muc_role_rank(x->role) - muc_role_rank(y->role);
	char *fx, *fy;

	if (d != 0)
		return d;
	fx = g_utf8_casefold(x->nick, -1);
	fy = g_utf8_casefold(y->nick, -1);
	d = g_utf8_collate(fx, fy);
	g_free(fx);
	g_free(fy);
	return d != 0 ? d : strcmp(x->nick, y->nick);
}

GList *
muc_occupants_sorted(struct room *room)
{
	return g_list_sort(g_hash_table_get_values(room->occupants), muc_occupant_cmp);
}

/* Apply an EV_OCCUPANT to its room. */
static void
muc_on_occupant(const struct event *ev)
{
	struct room *r = muc_find(ev->account, ev->u.occupant.room);
	struct occupant *o;

	if (r == NULL || ev->u.occupant.nick == NULL)
		return;
	r->gen++;
	if (ev->u.occupant.show == PRES_OFFLINE) {
		g_hash_table_remove(r->occupants, ev->u.occupant.nick);
		if (ev->u.occupant.self && ev->u.occupant.new_nick != NULL) {
			g_free(r->nick);
			r->nick = g_strdup(ev->u.occupant.new_nick);
		}
		return;
	}
	o = g_hash_table_lookup(r->occupants, ev->u.occupant.nick);
	if (o == NULL) {
		o = g_new0(struct occupant, 1);
		o->nick = g_strdup(ev->u.occupant.nick);
		g_hash_table_insert(r->occupants, o->nick, o);
	}
	g_free(o->jid);
	o->jid = g_strdup(ev->u.occupant.jid);
	o->role = g_intern_string(ev->u.occupant.role != NULL ? ev->u.occupant.role : "none");
	o->affiliation = g_intern_string(ev->u.occupant.affiliation != NULL
	    ? ev->u.occupant.affiliation : "none");
	o->show = ev->u.occupant.show;
	g_free(o->status);
	o->status = g_strdup(ev->u.occupant.status);
	o->self = ev->u.occupant.self;
	if (o->self && g_strcmp0(r->nick, o->nick) != 0) {
		g_free(r->nick);
		r->nick = g_strdup(o->nick);
	}
}

static void
muc_on_event(const struct event *ev, void *unused)
{
	struct room *r;

	switch (ev->type) {
	case EV_OCCUPANT:
		muc_on_occupant(ev);
		break;
	case EV_MESSAGE: {
		/* what a rejoin need not fetch again */
		char *bare;
		if (g_strcmp0(ev->u.message.type, "groupchat") != 0)
			break;
		bare = jid_bare(ev->u.message.out ? ev->u.message.to : ev->u.message.from);
		r = muc_find(ev->account, bare);
		if (r != NULL && ev->u.message.stamp >= r->last_stamp) {
			if (ev->u.message.stamp > r->last_stamp)
				g_hash_table_remove_all(r->last_ids);
			r->last_stamp = ev->u.message.stamp;
			if (ev->u.message.id != NULL &&
			    g_hash_table_size(r->last_ids) < MUC_LAST_IDS_MAX)
				g_hash_table_add(r->last_ids, g_strdup(ev->u.message.id));
		}
		g_free(bare);
		break;
	}
	case EV_JOINED:
		if ((r = muc_find(ev->account, ev->u.room.room)) != NULL) {
			r->joined = true;
			if (r->last_stamp == 0)
				r->last_stamp = g_get_real_time() / G_USEC_PER_SEC;
			if (ev->u.room.nick != NULL && g_strcmp0(r->nick, ev->u.room.nick) != 0) {
				g_free(r->nick);
				r->nick = g_strdup(ev->u.room.nick);
			}
			r->gen++;
		}
		break;
	case EV_SUBJECT:
		if ((r = muc_find(ev->account, ev->u.room.room)) != NULL) {
			g_free(r->subject);
			r->subject = g_strdup(ev->u.room.text);
			r->gen++;
		}
		break;
	case EV_LEFT:
		muc_forget(ev->account, ev->u.room.room);
		break;
	case EV_DISCONNECTED: {
		/* still wanted: joined again on the next login */
		GList *all = muc_rooms(ev->account);
		for (GList *l = all; l != NULL; l = l->next) {
			r = l->data;
			r->joined = false;
			g_hash_table_remove_all(r->occupants);
			r->gen++;
		}
		g_list_free(all);
		break;
	}
	default:
		break;
	}
}

void
muc_free_all(const char *account)
{
	if (accounts == NULL)
		return;
	if (account != NULL) {
		g_hash_table_remove(accounts, account);
		return;
	}
	g_hash_table_destroy(accounts);
	accounts = NULL;
}

void
muc_init(void)
{
	bus_subscribe(EV_OCCUPANT, muc_on_event, NULL);
	bus_subscribe(EV_JOINED, muc_on_event, NULL);
	bus_subscribe(EV_MESSAGE, muc_on_event, NULL);
	bus_subscribe(EV_SUBJECT, muc_on_event, NULL);
	bus_subscribe(EV_LEFT, muc_on_event, NULL);
	bus_subscribe(EV_DISCONNECTED, muc_on_event, NULL);
}
