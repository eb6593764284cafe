/* test-muc.c - src/core/muc.c: the rooms model kept from room events. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "natter/bus.h"
#include "natter/muc.h"

#define ROOM "club@conference.example.org"

static int
setup(void **state)
{
	bus_reset();
	muc_init();
	return 0;
}

static int
teardown(void **state)
{
	muc_free_all(NULL);
	bus_reset();
	return 0;
}

/* Emit an EV_OCCUPANT for nick in ROOM of account "a". */
static void
occupant(const char *nick, const char *role, enum presence_show show, bool self,
    const char *new_nick)
{
	struct event *ev = event_new(EV_OCCUPANT, "a");

	ev->u.occupant.room = g_strdup(ROOM);
	ev->u.occupant.nick = g_strdup(nick);
	ev->u.occupant.role = g_strdup(role);
	ev->u.occupant.affiliation = g_strdup("none");
	ev->u.occupant.show = show;
	ev->u.occupant.self = self;
	ev->u.occupant.new_nick = g_strdup(new_nick);
	bus_emit_free(ev);
}

static void
room_event(enum event_type type, const char *nick, const char *text, const char *why)
{
	struct event *ev = event_new(type, "a");

	ev->u.room.room = g_strdup(ROOM);
	ev->u.room.nick = g_strdup(nick);
	ev->u.room.text = g_strdup(text);
	ev->u.room.why = g_strdup(why);
	bus_emit_free(ev);
}

static void
test_want_and_find(void **state)
{
	struct room *r = muc_want("a", "Club@Conference.Example.org", "ally", "pw");

	assert_non_null(r);
	assert_string_equal(r->jid, ROOM);
	assert_ptr_equal(muc_find("a", ROOM), r);
	assert_ptr_equal(muc_find("a", "CLUB@conference.example.org"), r);
	/* a full JID is an occupant, not the room; other accounts have their own */
	assert_null(muc_find("a", ROOM "/bob"));
	assert_false(muc_is_room("a", ROOM "/bob"));
	assert_null(muc_find("b", ROOM));
	assert_false(r->joined);
	/* again: a new nick, the password kept when none is given */
	assert_ptr_equal(muc_want("a", ROOM, "allison", NULL), r);
	assert_string_equal(r->nick, "allison");
	assert_string_equal(r->password, "pw");
	assert_null(muc_want("a", "not a jid@", "x", NULL));
	muc_forget("a", ROOM);
	assert_null(muc_find("a", ROOM));
}

static void
test_occupants_follow_events(void **state)
{
	struct room *r = muc_want("a", ROOM, "ally", NULL);
	GList *sorted;
	unsigned gen;

	occupant("zed", "participant", PRES_ONLINE, false, NULL);
	occupant("Bob", "participant", PRES_AWAY, false, NULL);
	occupant("amy", "moderator", PRES_ONLINE, false, NULL);
	occupant("ally", "visitor", PRES_ONLINE, true, NULL);
	room_event(EV_JOINED, "ally", NULL, NULL);
	assert_true(r->joined);
	assert_true(r->last_stamp > 0);
	assert_int_equal(g_hash_table_size(r->occupants), 4);
	assert_true(muc_occupant(r, "ally")->self);
	assert_int_equal(muc_occupant(r, "Bob")->show, PRES_AWAY);

	/* moderators, then participants by nick ignoring case, then visitors */
	sorted = muc_occupants_sorted(r);
	assert_string_equal(((struct occupant *)g_list_nth_data(sorted, 0))->nick, "amy");
	assert_string_equal(((struct occupant *)g_list_nth_data(sorted, 1))->nick, "Bob");
	assert_string_equal(((struct occupant *)g_list_nth_data(sorted, 2))->nick, "zed");
	assert_string_equal(((struct occupant *)g_list_nth_data(sorted, 3))->nick, "ally");
	g_list_free(sorted);

	/* a rename: the old nick goes, the new one comes */
	gen = r->gen;
	occupant("zed", "participant", PRES_OFFLINE, false, "zack");
	occupant("zack", "participant", PRES_ONLINE, false, NULL);
	assert_null(muc_occupant(r, "zed"));
	assert_non_null(muc_occupant(r, "zack"));
	assert_true(r->gen > gen);
	/* our own rename changes our nick in the room */
	occupant("ally", "visitor", PRES_OFFLINE, true, "allison");
	assert_string_equal(r->nick, "allison");
	occupant("allison", "participant", PRES_ONLINE, true, NULL);
	assert_true(muc_occupant(r, "allison")->self);

	room_event(EV_SUBJECT, "amy", "plans", NULL);
	assert_string_equal(r->subject, "plans");
}

static void
test_disconnect_keeps_rooms_left_forgets(void **state)
{
	struct room *r = muc_want("a", ROOM, "ally", NULL);
	struct event *ev;

	occupant("bob", "participant", PRES_ONLINE, false, NULL);
	room_event(EV_JOINED, "ally", NULL, NULL);

	/* the newest room message is what a rejoin need not fetch again */
	ev = event_new(EV_MESSAGE, "a");
	ev->u.message.from = g_strdup(ROOM "/bob");
	ev->u.message.type = g_strdup("groupchat");
	ev->u.message.id = g_strdup("m1");
	ev->u.message.stamp = 4000000000;
	bus_emit_free(ev);
	assert_true(r->last_stamp == 4000000000);
	assert_true(g_hash_table_contains(r->last_ids, "m1"));
	/* another in the same second joins it */
	ev = event_new(EV_MESSAGE, "a");
	ev->u.message.from = g_strdup(ROOM "/bob");
	ev->u.message.type = g_strdup("groupchat");
	ev->u.message.id = g_strdup("m1b");
	ev->u.message.stamp = 4000000000;
	bus_emit_free(ev);
	assert_int_equal(g_hash_table_size(r->last_ids), 2);
	/* a chat message with an occupant is no room message */
	ev = event_new(EV_MESSAGE, "a");
	ev->u.message.from = g_strdup(ROOM "/bob");
	ev->u.message.type = g_strdup("chat");
	ev->u.message.id = g_strdup("m2");
	ev->u.message.stamp = 4000000001;
	bus_emit_free(ev);
	assert_int_equal(g_hash_table_size(r->last_ids), 2);
	assert_false(g_hash_table_contains(r->last_ids, "m2"));
	/* a later second starts a new set */
	ev = event_new(EV_MESSAGE, "a");
	ev->u.message.out = true;
	ev->u.message.from = g_strdup(ROOM "/ally");
	ev->u.message.to = g_strdup(ROOM);
	ev->u.message.type = g_strdup("groupchat");
	ev->u.message.id = g_strdup("m3");
	ev->u.message.stamp = 4000000002;
	bus_emit_free(ev);
	assert_int_equal(g_hash_table_size(r->last_ids), 1);
	assert_true(g_hash_table_contains(r->last_ids, "m3"));

	ev = event_new(EV_DISCONNECTED, "a");
	ev->u.disconnected.reason = g_strdup("gone");
	bus_emit_free(ev);
	assert_ptr_equal(muc_find("a", ROOM), r);
	assert_false(r->joined);
	assert_int_equal(g_hash_table_size(r->occupants), 0);

	room_event(EV_LEFT, "ally", "too loud", "kicked");
	assert_null(muc_find("a", ROOM));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_want_and_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_occupants_follow_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disconnect_keeps_rooms_left_forgets, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
