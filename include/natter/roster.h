/* roster.h - the model of each account's roster and contacts' presence.
 *
 * roster_init() subscribes to EV_ROSTER, EV_ROSTER_END, EV_PRESENCE and
 * EV_DISCONNECTED and keeps every account's roster current; front ends
 * read it.  A login fetch replaces the roster: items the result does not
 * name are removed at EV_ROSTER_END.  When the server says our cached
 * version is current, the cached items are emitted again as EV_ROSTER.
 */
#ifndef NATTER_ROSTER_H
#define NATTER_ROSTER_H

#include <glib.h>
#include "natter/event.h"

struct account;

struct contact_resource {
	char *resource;
	enum presence_show show;
	char *status;
	int priority;
};

struct contact {
	char *jid; /* bare; in the contact's own block */
	char *name;
	const char *subscription; /* none, to, from, both (interned) */
	const char *ask;          /* "subscribe" or NULL (interned) */
	char **groups;      /* NULL-terminated or NULL; the names are interned */
	GHashTable *resources; /* resource -> struct contact_resource; NULL until one is online */
	unsigned gen;
};

struct roster {
	GHashTable *contacts; /* bare jid -> struct contact */
	char *ver;
	unsigned gen;
};

struct roster *roster_new(void);
void roster_free(struct roster *roster);
struct contact *roster_find(struct roster *roster, const char *bare);
/* Add or update a contact (strings copied). */
struct contact *roster_set(struct roster *roster, const char *jid, const char *name,
    const char *subscription, const char *ask, char *const *groups);
void roster_remove(struct roster *roster, const char *bare);
/* The contact's best resource (highest priority, then most available). */
const struct contact_resource *roster_best(const struct contact *c);
/* Contacts sorted by JID; free the list (not its items) with g_list_free. */
GList *roster_sorted(struct roster *roster);

void roster_init(void);

#endif
