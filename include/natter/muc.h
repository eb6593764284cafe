/* muc.h - the model of each account's group chats (XEP-0045) and their
 * occupants.
 *
 * A room is in the model from /join until /leave (or until the room puts
 * us out: kicked, banned, destroyed).  While its account is offline a
 * room stays "wanted" and is joined again when the account connects.
 * muc_init() subscribes to EV_JOINED, EV_OCCUPANT, EV_SUBJECT, EV_LEFT,
 * EV_MESSAGE and EV_DISCONNECTED; it is called before any front end
 * subscribes, so the model is current when a front end sees an event.
 * Main thread only.
 */
#ifndef NATTER_MUC_H
#define NATTER_MUC_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "natter/event.h"

struct account;

struct occupant {
	char *nick;
	char *jid;         /* real JID when the room shows it, else NULL */
	const char *role;        /* interned: moderator, participant, visitor, none */
	const char *affiliation; /* interned: owner, admin, member, outcast, none */
	enum presence_show show;
	char *status;
	bool self;
};

struct room {
	char *account;
	char *jid;         /* bare */
	char *nick;        /* ours: asked for, then as the room gave it */
	char *password;    /* for rejoining a protected room; wiped when freed */
	char *subject;
	bool joined;       /* our own presence came back */
	int64_t last_stamp; /* newest message seen (or when we joined): a rejoin
	                     * asks for the history from that second */
	GHashTable *last_ids; /* ids of the messages seen in that second: a
	                       * rejoin does not show them again (a set) */
	char *archive_last; /* the newest id of the room's archive (XEP-0313) we
	                     * hold, or NULL; the store keeps it */
	int64_t archive_stamp; /* its time */
	GHashTable *occupants; /* nick -> struct occupant */
	unsigned gen;      /* bumped on every change, for front ends' caches */
};

/* The room jid of account, or NULL (also for a full JID room/nick). */
struct room *muc_find(const char *account, const char *jid);
/* Record that account wants to be in room jid as nick (password may be
 * NULL); an existing entry takes the new nick and password. */
struct room *muc_want(const char *account, const char *jid, const char *nick,
    const char *password);
/* Forget the room (after /leave). */
void muc_forget(const char *account, const char *jid);
/* The rooms of account, in no order (a list to g_list_free). */
GList *muc_rooms(const char *account);
/* The occupant nick of room, or NULL. */
struct occupant *muc_occupant(struct room *room, const char *nick);
/* Occupants by role (moderators first), then nick ignoring case; a list
 * to g_list_free. */
GList *muc_occupants_sorted(struct room *room);
/* True when bare is a room of account (a full JID room/nick is one of
 * its occupants, not a contact). */
bool muc_is_room(const char *account, const char *bare);
/* Forget every room of account, or of every account when NULL. */
void muc_free_all(const char *account);

void muc_init(void);

#endif
