/* roster.c - each account's contacts and their resources' presence. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "natter/account.h"
#include "natter/bus.h"
#include "natter/jid.h"
#include "natter/roster.h"

static void
roster_resource_free(gpointer p)
{
	struct contact_resource *r = p;

	g_free(r->resource);
	g_free(r->status);
	g_free(r);
}

static void
roster_contact_free(gpointer p)
{
	struct contact *c = p;

	/* the JID lives in the same block as c; group names are interned */
	g_free(c->name);
	g_free(c->groups);
	if (c->resources != NULL)
		g_hash_table_destroy(c->resources);
	g_free(c);
}

struct roster *
roster_new(void)
{
	struct roster *r = g_new0(struct roster, 1);

	r->contacts = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, roster_contact_free);
	return r;
}

void
roster_free(struct roster *r)
{
	if (r == NULL)
		return;
	g_hash_table_destroy(r->contacts);
	g_free(r->ver);
	g_free(r);
}

struct contact *
roster_find(struct roster *r, const char *bare)
{
	return g_hash_table_lookup(r->contacts, bare);
}

/* A copy of groups (NULL-terminated, may be NULL) whose names are
 * interned: a few group names shared by thousands of contacts.  Free the
 * array alone. */
static char **
roster_groups(char *const *groups)
{
	guint n = groups != NULL ? g_strv_length((char **)groups) : 0;
	char **out;

	if (groups == NULL)
		return NULL;
	out = g_new(char *, n + 1);
	for (guint i = 0; i < n; i++)
		out[i] = (char *)g_intern_string(groups[i]);
	out[n] = NULL;
	return out;
}

struct contact *
roster_set(struct roster *r, const char *jid, const char *name,
    const char *subscription, const char *ask, char *const *groups)
{
	struct contact *c = roster_find(r, jid);

	if (c == NULL) {
		/* one allocation for the contact and its JID, which never changes:
		 * thousands of contacts make thousands fewer small blocks */
		size_t n = strlen(jid) + 1;
		c = g_malloc0(sizeof *c + n);
		c->jid = memcpy((char *)(c + 1), jid, n);
		g_hash_table_insert(r->contacts, c->jid, c);
	}
	g_free(c->name);
	c->name = g_strdup(name);
	/* a handful of distinct values across thousands of contacts */
	c->subscription = g_intern_string(subscription != NULL ? subscription : "none");
	c->ask = ask != NULL ? g_intern_string(ask) : NULL;
	g_free(c->groups);
	c->groups = roster_groups(groups);
	return c;
}

void
roster_remove(struct roster *r, const char *bare)
{
	g_hash_table_remove(r->contacts, bare);
}

/* Rank of availability for choosing the best resource. */
static int
roster_show_rank(enum presence_show s)
{
	static const int rank[] = { [PRES_OFFLINE] = 0, [PRES_DND] = 1, [PRES_XA] = 2,
		[PRES_AWAY] = 3, [PRES_ONLINE] = 4, [PRES_CHAT] = 5 };

	return rank[s];
}

const struct contact_resource *
roster_best(const struct contact *c)
{
	GHashTableIter it;
	gpointer v;
	const struct contact_resource *best = NULL;

	if (c->resources == NULL)
		return NULL;
	g_hash_table_iter_init(&it, c->resources);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		const struct contact_resource *r = v;
		if (best == NULL || r->priority > best->priority ||
		    (r->priority == best->priority &&
		     roster_show_rank(r->show) > roster_show_rank(best->show)))
			best = r;
	}
	return best;
}

static gint
roster_cmp(gconstpointer a, gconstpointer b)
{
	const struct contact *ca = a, *cb = b;

	return strcmp(ca->jid, cb->jid);
}

GList *
roster_sorted(struct roster *r)
{
	return g_list_sort(g_hash_table_get_values(r->contacts), roster_cmp);
}

static void
roster_on_item(struct account *acc, const struct event *ev)
{
	struct roster *r = acc->roster;
	struct contact *c;

	if (g_strcmp0(ev->u.roster.subscription, "remove") == 0) {
		roster_remove(r, ev->u.roster.jid);
		return;
	}
	c = roster_set(r, ev->u.roster.jid, ev->u.roster.name, ev->u.roster.subscription,
	    ev->u.roster.ask, ev->u.roster.groups);
	if (ev->u.roster.fetched)
		c->gen = r->gen + 1;
}

/* Re-emit the cached items when the server confirmed our version. */
static void
roster_emit_cached(struct account *acc)
{
	GList *all = roster_sorted(acc->roster);

	for (GList *l = all; l != NULL; l = l->next) {
		const struct contact *c = l->data;
		struct event *ev = event_new(EV_ROSTER, acc->name);
		ev->u.roster.jid = g_strdup(c->jid);
		ev->u.roster.name = g_strdup(c->name);
		ev->u.roster.subscription = g_strdup(c->subscription);
		ev->u.roster.ask = g_strdup(c->ask);
		ev->u.roster.groups = g_strdupv(c->groups);
		bus_emit_free(ev);
	}
	g_list_free(all);
}

/* A full fetch replaces the roster: drop what it did not name. */
static void
roster_on_end(struct account *acc, const struct event *ev)
{
	struct roster *r = acc->roster;
	GHashTableIter it;
	gpointer v;

	if (ev->u.roster_end.unchanged) {
		roster_emit_cached(acc);
		return;
	}
	r->gen++;
	g_hash_table_iter_init(&it, r->contacts);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct contact *c = v;
		if (c->gen != r->gen)
			g_hash_table_iter_remove(&it);
	}
	g_free(r->ver);
	r->ver = g_strdup(ev->u.roster_end.ver);
}

static void
roster_on_presence(struct account *acc, const struct event *ev)
{
	struct jid *j = jid_parse(ev->u.presence.from, NULL);
	struct contact *c;
	const char *res;

	if (j == NULL)
		return;
	c = roster_find(acc->roster, j->bare);
	res = j->resource != NULL ? j->resource : "";
	if (c != NULL) {
		if (ev->u.presence.show == PRES_OFFLINE) {
			if (c->resources != NULL)
				g_hash_table_remove(c->resources, res);
		} else {
			struct contact_resource *r;
			/* most contacts of a big roster are offline: no table for them */
			if (c->resources == NULL)
				c->resources = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
				    roster_resource_free);
			r = g_hash_table_lookup(c->resources, res);
			if (r == NULL) {
				r = g_new0(struct contact_resource, 1);
				r->resource = g_strdup(res);
				g_hash_table_insert(c->resources, r->resource, r);
			}
			r->show = ev->u.presence.show;
			g_free(r->status);
			r->status = g_strdup(ev->u.presence.status);
			r->priority = ev->u.presence.priority;
		}
	}
	jid_free(j);
}

static void
roster_on_disconnected(struct account *acc)
{
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, acc->roster->contacts);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct contact *c = v;
		if (c->resources != NULL) {
			g_hash_table_destroy(c->resources);
			c->resources = NULL;
		}
	}
}

static void
roster_on_event(const struct event *ev, void *unused)
{
	struct account *acc = ev->account != NULL ? account_find(ev->account) : NULL;

	if (acc == NULL)
		return;
	switch (ev->type) {
	case EV_ROSTER:
		roster_on_item(acc, ev);
		break;
	case EV_ROSTER_END:
		roster_on_end(acc, ev);
		break;
	case EV_PRESENCE:
		roster_on_presence(acc, ev);
		break;
	case EV_DISCONNECTED:
		roster_on_disconnected(acc);
		break;
	default:
		break;
	}
}

void
roster_init(void)
{
	bus_subscribe(EV_ROSTER, roster_on_event, NULL);
	bus_subscribe(EV_ROSTER_END, roster_on_event, NULL);
	bus_subscribe(EV_PRESENCE, roster_on_event, NULL);
	bus_subscribe(EV_DISCONNECTED, roster_on_event, NULL);
}
