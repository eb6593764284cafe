/* test-history.c - the message history: src/store/store.c's write path
 * (conversations, deduplication, corrections, archive checkpoints) and
 * src/store/history.c's readers (pages, search, export). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <jansson.h>
#include <sqlite3.h>

#include "natter/account.h"
#include "natter/bus.h"
#include "natter/event.h"
#include "natter/history.h"
#include "natter/muc.h"
#include "natter/roster.h"
#include "natter/settings.h"
#include "natter/store.h"
#include "store-priv.h"
#include "storetest.h"

#define ME "me@example.org"
#define BOB "bob@example.org"
#define ROOM "room@muc.example.org"
#define T0 1700000000 /* 2023-11-14 */

/* One EV_MESSAGE to emit; unset strings are NULL. */
struct msg {
	const char *account, *from, *to, *type, *body, *id;
	const char *origin, *sid, *sby, *replace, *occ;
	int64_t stamp;
	bool out;
	enum msg_source src;
};

/* Unset, the account is "a", the type chat and the stamp T0. */
#define EMIT(...) emit(&(struct msg){ __VA_ARGS__ })

static void
emit(const struct msg *m)
{
	struct event *ev = event_new(EV_MESSAGE, m->account != NULL ? m->account : "a");

	ev->u.message.out = m->out;
	ev->u.message.from = g_strdup(m->from);
	ev->u.message.to = g_strdup(m->to);
	ev->u.message.type = g_strdup(m->type != NULL ? m->type : "chat");
	ev->u.message.body = g_strdup(m->body);
	ev->u.message.id = g_strdup(m->id);
	ev->u.message.origin_id = g_strdup(m->origin);
	ev->u.message.stanza_id = g_strdup(m->sid);
	ev->u.message.stanza_by = g_strdup(m->sby);
	ev->u.message.replace_id = g_strdup(m->replace);
	ev->u.message.occupant_id = g_strdup(m->occ);
	ev->u.message.stamp = m->stamp != 0 ? m->stamp : T0;
	ev->u.message.source = m->src;
	ev->u.message.delayed = m->src == MSG_ARCHIVE;
	bus_emit_free(ev);
}

static void
emit_page(const char *account, const char *archive, const char *last_id, int64_t last_stamp,
    bool complete)
{
	struct event *ev = event_new(EV_ARCHIVE_PAGE, account);

	ev->u.archive.archive = g_strdup(archive);
	ev->u.archive.last_id = g_strdup(last_id);
	ev->u.archive.last_stamp = last_stamp;
	ev->u.archive.complete = complete;
	ev->u.archive.ok = true;
	bus_emit_free(ev);
}

static void
emit_simple(enum event_type type, const char *account)
{
	bus_emit_free(event_new(type, account));
}

static int
setup(void **state)
{
	storetest_core_start();
	tmpdir = g_dir_make_tmp("natter-test-history-XXXXXX", NULL);
	assert_non_null(tmpdir);
	storetest_open(tmpdir);
	storetest_account("a", ME);
	return 0;
}

static int
teardown(void **state)
{
	storetest_end();
	return 0;
}

/* Commit, close and open again, forgetting what is in memory. */
static void
restart(void)
{
	store_close();
	storetest_core_start();
	storetest_open(tmpdir);
	storetest_account("a", ME);
}

/* An integer from the store's own connection (sees uncommitted writes). */
static int64_t
q_int(const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(store_db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Text from the store's own connection (to free), or NULL. */
static char *
q_text(const char *sql)
{
	sqlite3_stmt *st;
	char *v = NULL;

	assert_int_equal(sqlite3_prepare_v2(store_db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = g_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

/* The number of rows a separate connection sees (committed only). */
static int64_t
committed_count(const char *table)
{
	char *path = g_build_filename(tmpdir, "natter.db", NULL);
	char *sql = g_strdup_printf("SELECT count(*) FROM %s", table);
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	g_free(sql);
	g_free(path);
	return v;
}

/* The FTS index agrees with what readers show. */
static void
check_fts(void)
{
	char *msg = NULL;
	int rc = sqlite3_exec(store_db,
	    "INSERT INTO message_fts (message_fts, rank) VALUES ('integrity-check', 1)",
	    NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		fail_msg("FTS index out of step: %s", msg);
}

/* The newest messages of conv, asserting how many there are. */
static GPtrArray *
last_n(const char *conv, unsigned n, unsigned want)
{
	GPtrArray *a = history_last("a", conv, n);

	assert_non_null(a);
	if (a->len != want)
		fail_msg("%s: %u messages, expected %u", conv, a->len, want);
	return a;
}

#define MSG(a, i) ((struct history_msg *)g_ptr_array_index((a), (i)))

/* Search line for account a; the test fails if it is refused. */
static GPtrArray *
search(const char *line, unsigned *total)
{
	struct history_query q;
	char *err = NULL;
	GPtrArray *hits;

	if (history_query_parse(line, &q, &err) != 0)
		fail_msg("parse %s: %s", line, err);
	q.account = g_strdup("a");
	hits = history_find(&q, total, &err);
	if (hits == NULL)
		fail_msg("search %s: %s", line, err);
	history_query_clear(&q);
	return hits;
}

/* The number of hits of line. */
static unsigned
hits_of(const char *line)
{
	unsigned total = 0;
	GPtrArray *a = search(line, &total);
	unsigned n = a->len;

	assert_int_equal(n, total < 50 ? total : 50);
	g_ptr_array_unref(a);
	return n;
}

static void
test_conversations(void **state)
{
	GPtrArray *a;

	EMIT(.from = "Bob@Example.org/phone", .to = ME "/natter", .body = "hi", .id = "1");
	EMIT(.from = ME "/natter", .to = BOB, .body = "hello", .id = "2", .out = true, .stamp = T0 + 1);
	EMIT(.from = ROOM "/alice", .to = ME "/natter", .type = "groupchat", .body = "in the room",
	    .id = "3");
	/* the room's echo of ours */
	EMIT(.from = ROOM "/me", .to = ME "/natter", .type = "groupchat", .body = "mine",
	    .id = "4", .out = true, .stamp = T0 + 1);
	/* a private message with an occupant of a room we are in */
	muc_want("a", ROOM, "me", NULL);
	EMIT(.from = ROOM "/alice", .to = ME "/natter", .body = "psst", .id = "5");
	EMIT(.from = ME "/natter", .to = ROOM "/alice", .body = "yes?", .id = "6", .out = true,
	    .stamp = T0 + 1);
	/* a chat from a full JID whose bare JID is not a room: the contact */
	EMIT(.from = "carol@example.org/laptop", .to = ME, .body = "c", .id = "7");

	a = last_n(BOB, 10, 2);
	assert_string_equal(MSG(a, 0)->body, "hi");
	assert_string_equal(MSG(a, 0)->sender, "bob@example.org/phone");
	assert_string_equal(MSG(a, 0)->conv, BOB);
	assert_string_equal(MSG(a, 0)->account, "a");
	assert_false(MSG(a, 0)->out);
	assert_string_equal(MSG(a, 1)->body, "hello");
	assert_true(MSG(a, 1)->out);
	assert_null(MSG(a, 1)->marks);
	g_ptr_array_unref(a);
	/* a contact's full JID names its conversation too */
	a = last_n(BOB "/phone", 10, 2);
	g_ptr_array_unref(a);

	a = last_n(ROOM, 10, 2);
	assert_string_equal(MSG(a, 0)->nick, "alice");
	assert_string_equal(MSG(a, 0)->type, "groupchat");
	assert_string_equal(MSG(a, 1)->nick, "me");
	assert_true(MSG(a, 1)->out);
	g_ptr_array_unref(a);

	a = last_n(ROOM "/alice", 10, 2);
	assert_string_equal(MSG(a, 0)->body, "psst");
	assert_string_equal(MSG(a, 0)->conv, ROOM "/alice");
	assert_string_equal(MSG(a, 0)->nick, "alice");
	assert_string_equal(MSG(a, 1)->body, "yes?");
	g_ptr_array_unref(a);

	a = last_n("carol@example.org", 10, 1);
	g_ptr_array_unref(a);
	a = last_n("nobody@example.org", 10, 0);
	g_ptr_array_unref(a);
	/* another account's conversations are its own */
	a = history_last("other", BOB, 10);
	assert_int_equal(a->len, 0);
	g_ptr_array_unref(a);
	check_fts();
}

static void
test_dedup_stanza_id(void **state)
{
	/* live, as a carbon and from the archive: one row */
	EMIT(.from = BOB "/phone", .to = ME "/natter", .body = "once", .id = "x1", .sid = "S1",
	    .sby = ME);
	EMIT(.from = BOB "/phone", .to = ME "/other", .body = "once", .id = "x1", .sid = "S1",
	    .sby = ME, .src = MSG_CARBON);
	EMIT(.from = BOB "/phone", .to = ME, .body = "once", .id = "x1", .sid = "S1", .sby = ME,
	    .src = MSG_ARCHIVE, .stamp = T0 - 1);
	assert_int_equal(q_int("SELECT count(*) FROM message"), 1);
	/* another id of the same archive is another message, even with the
	 * same text and id attribute */
	EMIT(.from = BOB "/phone", .to = ME "/natter", .body = "once", .id = "x1", .sid = "S2",
	    .sby = ME);
	assert_int_equal(q_int("SELECT count(*) FROM message"), 2);
	/* the same stanza-id from another archive is not ours to merge on */
	EMIT(.from = ROOM "/bob", .to = ME "/natter", .type = "groupchat", .body = "room",
	    .sid = "S1", .sby = ROOM);
	assert_int_equal(q_int("SELECT count(*) FROM message"), 3);
	EMIT(.from = ROOM "/bob", .to = ME "/natter", .type = "groupchat", .body = "room",
	    .sid = "S1", .sby = ROOM, .src = MSG_ARCHIVE);
	assert_int_equal(q_int("SELECT count(*) FROM message"), 3);
}

static void
test_dedup_origin_then_stanza(void **state)
{
	char *sid;

	/* sent live: no stanza-id yet */
	EMIT(.from = ME "/natter", .to = BOB, .body = "sent", .id = "o1", .origin = "o1",
	    .out = true);
	/* the carbon another client of ours gets is not for us; the archive's
	 * copy brings the stanza-id and the same origin-id */
	EMIT(.from = ME "/natter", .to = BOB, .body = "sent", .id = "o1", .origin = "o1",
	    .sid = "A7", .sby = ME, .out = true, .src = MSG_ARCHIVE);
	assert_int_equal(q_int("SELECT count(*) FROM message"), 1);
	sid = q_text("SELECT stanza_id || ' ' || stanza_by FROM message");
	assert_string_equal(sid, "A7 " ME);
	g_free(sid);
	/* now the stanza-id alone finds it */
	EMIT(.from = ME "/natter", .to = BOB, .body = "sent", .sid = "A7", .sby = ME, .out = true,
	    .src = MSG_ARCHIVE);
	assert_int_equal(q_int("SELECT count(*) FROM message"), 1);
	/* the same origin-id in another conversation is another message */
	EMIT(.from = ME "/natter", .to = "carol@example.org", .body = "sent", .origin = "o1",
	    .out = true);
	assert_int_equal(q_int("SELECT count(*) FROM message"), 2);
	/* an origin-id alone, twice */
	EMIT(.from = BOB "/phone", .to = ME, .body = "x", .origin = "o2");
	EMIT(.from = BOB "/phone", .to = ME, .body = "x", .origin = "o2", .src = MSG_CARBON);
	assert_int_equal(q_int("SELECT count(*) FROM message"), 3);
	/* one origin-id, two different stanza-ids of one archive: two
	 * messages (a sender cannot hide a message by reusing an origin-id) */
	EMIT(.from = BOB "/phone", .to = ME, .body = "y", .origin = "o3", .sid = "B1", .sby = ME);
	EMIT(.from = BOB "/phone", .to = ME, .body = "z", .origin = "o3", .sid = "B2", .sby = ME);
	assert_int_equal(q_int("SELECT count(*) FROM message"), 5);
}

static void
test_dedup_clocks(void **state)
{
	char *sid;

	/* received live (stamped by our clock), then from the archive
	 * (stamped by the server's, 40 minutes apart) */
	EMIT(.from = BOB "/phone", .to = ME, .body = "skew", .id = "k1", .origin = "k1", .sid = "K1",
	    .sby = ME, .stamp = T0);
	EMIT(.from = BOB "/phone", .to = ME, .body = "skew", .id = "k1", .origin = "k1", .sid = "K1",
	    .sby = ME, .stamp = T0 - 2400, .src = MSG_ARCHIVE);
	/* a carbon a minute and a half later */
	EMIT(.from = BOB "/phone", .to = ME, .body = "skew", .id = "k1", .origin = "k1", .sid = "K1",
	    .sby = ME, .stamp = T0 + 90, .src = MSG_CARBON);
	assert_int_equal(q_int("SELECT count(*) FROM message"), 1);
	/* sent by us (no stanza-id), archived copy 50 minutes off */
	EMIT(.from = ME "/natter", .to = BOB, .body = "mine", .id = "k2", .origin = "k2", .out = true,
	    .stamp = T0 + 10000);
	EMIT(.from = ME "/natter", .to = BOB, .body = "mine", .id = "k2", .origin = "k2", .sid = "K2",
	    .sby = ME, .out = true, .stamp = T0 + 13000, .src = MSG_ARCHIVE);
	assert_int_equal(q_int("SELECT count(*) FROM message"), 2);
	sid = q_text("SELECT stanza_id FROM message WHERE body = 'mine'");
	assert_string_equal(sid, "K2");
	g_free(sid);
	/* the same ids in another conversation are another message */
	EMIT(.from = "carol@example.org/x", .to = ME, .body = "skew", .id = "k1", .origin = "k1",
	    .sid = "K1", .sby = ME, .stamp = T0);
	assert_int_equal(q_int("SELECT count(*) FROM message"), 3);
	check_fts();
}

static void
test_dedup_fallback(void **state)
{
	char *sid;

	EMIT(.from = BOB "/phone", .to = ME, .body = "hi", .id = "m1");
	EMIT(.from = BOB "/phone", .to = ME, .body = "hi", .id = "m1", .src = MSG_CARBON);
	assert_int_equal(q_int("SELECT count(*) FROM message"), 1);
	/* the same id with another text, or from another sender: new */
	EMIT(.from = BOB "/phone", .to = ME, .body = "ho", .id = "m1");
	EMIT(.from = BOB "/laptop", .to = ME, .body = "hi", .id = "m1");
	assert_int_equal(q_int("SELECT count(*) FROM message"), 3);
	/* the archive's copy of the first one: matched on (sender, id, body)
	 * and given its stanza-id */
	EMIT(.from = BOB "/phone", .to = ME, .body = "hi", .id = "m1", .sid = "Z1", .sby = ME,
	    .src = MSG_ARCHIVE);
	assert_int_equal(q_int("SELECT count(*) FROM message"), 3);
	sid = q_text("SELECT stanza_id FROM message WHERE body = 'hi' AND sender LIKE '%phone'");
	assert_string_equal(sid, "Z1");
	g_free(sid);
	/* no id at all: the same text in the same second is one message */
	EMIT(.from = BOB "/phone", .to = ME, .body = "no id", .stamp = T0 + 5);
	EMIT(.from = BOB "/phone", .to = ME, .body = "no id", .stamp = T0 + 5);
	assert_int_equal(q_int("SELECT count(*) FROM message"), 4);
	EMIT(.from = BOB "/phone", .to = ME, .body = "no id", .stamp = T0 + 6);
	assert_int_equal(q_int("SELECT count(*) FROM message"), 5);
	check_fts();
}

static void
test_corrections(void **state)
{
	GPtrArray *a;
	unsigned total;

	EMIT(.from = BOB "/phone", .to = ME, .body = "helo wrold", .id = "c1");
	EMIT(.from = BOB "/phone", .to = ME, .body = "other", .id = "c2", .stamp = T0 + 1);
	EMIT(.from = BOB "/phone", .to = ME, .body = "hello wrold", .id = "c3", .replace = "c1",
	    .stamp = T0 + 2);
	a = last_n(BOB, 10, 2);
	assert_string_equal(MSG(a, 0)->body, "hello wrold");
	assert_true(MSG(a, 0)->corrected);
	assert_string_equal(MSG(a, 0)->msg_id, "c1");
	assert_false(MSG(a, 1)->corrected);
	g_ptr_array_unref(a);
	/* the newest correction wins */
	EMIT(.from = BOB "/phone", .to = ME, .body = "hello world", .id = "c4", .replace = "c1",
	    .stamp = T0 + 3);
	a = last_n(BOB, 10, 2);
	assert_string_equal(MSG(a, 0)->body, "hello world");
	g_ptr_array_unref(a);
	/* search sees the text shown, not the rows behind it */
	assert_int_equal(hits_of("helo"), 0);
	assert_int_equal(hits_of("wrold"), 0);
	a = search("world", &total);
	assert_int_equal(a->len, 1);
	assert_string_equal(MSG(a, 0)->body, "hello world");
	assert_true(MSG(a, 0)->corrected);
	g_ptr_array_unref(a);
	/* a correction from someone else changes nothing */
	EMIT(.from = "eve@example.org/x", .to = ME, .body = "evil", .id = "c5", .replace = "c1");
	a = last_n(BOB, 10, 2);
	assert_string_equal(MSG(a, 0)->body, "hello world");
	g_ptr_array_unref(a);
	EMIT(.from = ROOM "/alice", .to = ME, .type = "groupchat", .body = "room text", .id = "r1");
	EMIT(.from = ROOM "/mallory", .to = ME, .type = "groupchat", .body = "hacked", .id = "r2",
	    .replace = "r1");
	EMIT(.from = ROOM "/alice", .to = ME, .type = "groupchat", .body = "room text!", .id = "r3",
	    .replace = "r1");
	a = last_n(ROOM, 10, 1);
	assert_string_equal(MSG(a, 0)->body, "room text!");
	g_ptr_array_unref(a);
	assert_int_equal(hits_of("hacked"), 0);
	/* a correction that arrives before its message (the archive fills the
	 * gap later) */
	EMIT(.from = BOB "/phone", .to = ME, .body = "late fixed", .id = "c7", .replace = "c6",
	    .stamp = T0 + 11);
	EMIT(.from = BOB "/phone", .to = ME, .body = "late fxied", .id = "c6", .stamp = T0 + 10,
	    .src = MSG_ARCHIVE);
	a = last_n(BOB, 10, 3);
	assert_string_equal(MSG(a, 2)->body, "late fixed");
	assert_true(MSG(a, 2)->corrected);
	g_ptr_array_unref(a);
	assert_int_equal(hits_of("fixed"), 1);
	assert_int_equal(hits_of("fxied"), 0);
	/* a correction naming the previous correction (some clients do)
	 * replaces the message that one replaced */
	EMIT(.from = BOB "/phone", .to = ME, .body = "late fixed twice", .id = "c8", .replace = "c7",
	    .stamp = T0 + 12);
	a = last_n(BOB, 10, 3);
	assert_string_equal(MSG(a, 2)->body, "late fixed twice");
	g_ptr_array_unref(a);
	check_fts();
	/* deleting and editing rows keeps the index in step */
	assert_int_equal(sqlite3_exec(store_db, "DELETE FROM message WHERE msg_id = 'c4'", NULL, NULL,
	    NULL), SQLITE_OK);
	check_fts();
	assert_int_equal(hits_of("wrold"), 1);
	assert_int_equal(sqlite3_exec(store_db, "UPDATE message SET body = 'brand new' "
	    "WHERE msg_id = 'c2'", NULL, NULL, NULL), SQLITE_OK);
	check_fts();
	assert_int_equal(hits_of("brand"), 1);
	assert_int_equal(hits_of("other"), 0);
	assert_int_equal(sqlite3_exec(store_db, "UPDATE message SET replaces = NULL "
	    "WHERE msg_id = 'c3'", NULL, NULL, NULL), SQLITE_OK);
	check_fts();
	assert_int_equal(sqlite3_exec(store_db, "DELETE FROM message", NULL, NULL, NULL),
	    SQLITE_OK);
	check_fts();
	assert_int_equal(hits_of("hello"), 0);
}

static void
test_paging(void **state)
{
	GPtrArray *a, *b;
	int64_t first;

	for (int i = 0; i < 120; i++) {
		char body[32], id[16];
		snprintf(body, sizeof body, "message %d", i);
		snprintf(id, sizeof id, "p%d", i);
		/* two a second: same-second messages keep their order */
		EMIT(.from = BOB "/phone", .to = ME, .body = body, .id = id, .stamp = T0 + i / 2);
	}
	a = last_n(BOB, 50, 50);
	assert_string_equal(MSG(a, 0)->body, "message 70");
	assert_string_equal(MSG(a, 49)->body, "message 119");
	for (guint i = 1; i < a->len; i++)
		assert_true(MSG(a, i - 1)->rowid < MSG(a, i)->rowid);
	first = MSG(a, 0)->rowid;
	b = history_before("a", BOB, first, 50);
	assert_int_equal(b->len, 50);
	assert_string_equal(MSG(b, 0)->body, "message 20");
	assert_string_equal(MSG(b, 49)->body, "message 69");
	first = MSG(b, 0)->rowid;
	g_ptr_array_unref(b);
	b = history_before("a", BOB, first, 50);
	assert_int_equal(b->len, 20);
	assert_string_equal(MSG(b, 0)->body, "message 0");
	first = MSG(b, 0)->rowid;
	g_ptr_array_unref(b);
	b = history_before("a", BOB, first, 50);
	assert_int_equal(b->len, 0);
	g_ptr_array_unref(b);
	/* opening at a hit: it and the newer ones */
	b = history_from(MSG(a, 10)->rowid, 5);
	assert_int_equal(b->len, 5);
	assert_string_equal(MSG(b, 0)->body, "message 80");
	assert_string_equal(MSG(b, 4)->body, "message 84");
	g_ptr_array_unref(b);
	b = history_from(MSG(a, 48)->rowid, 5);
	assert_int_equal(b->len, 2);
	g_ptr_array_unref(b);
	g_ptr_array_unref(a);
	/* an archived message older than all of them, arriving last, takes
	 * its place in time */
	EMIT(.from = BOB "/phone", .to = ME, .body = "from the archive", .sid = "old1", .sby = ME,
	    .stamp = T0 - 100, .src = MSG_ARCHIVE);
	a = last_n(BOB, 200, 121);
	assert_string_equal(MSG(a, 0)->body, "from the archive");
	assert_string_equal(MSG(a, 120)->body, "message 119");
	g_ptr_array_unref(a);
	/* more messages in one second than the id has room for stay in order */
	for (int i = 0; i < 1100; i++) {
		char body[32];
		snprintf(body, sizeof body, "flood %d", i);
		EMIT(.from = "flood@example.org/x", .to = ME, .body = body, .id = body,
		    .stamp = T0 + 500);
	}
	EMIT(.from = "flood@example.org/x", .to = ME, .body = "after", .id = "after",
	    .stamp = T0 + 501);
	a = history_last("a", "flood@example.org", 2000);
	assert_int_equal(a->len, 1101);
	for (guint i = 0; i < 1100; i++) {
		char body[32];
		snprintf(body, sizeof body, "flood %u", i);
		assert_string_equal(MSG(a, i)->body, body);
	}
	assert_string_equal(MSG(a, 1100)->body, "after");
	g_ptr_array_unref(a);
	/* and it survives a restart */
	restart();
	a = last_n(BOB, 3, 3);
	assert_string_equal(MSG(a, 2)->body, "message 119");
	g_ptr_array_unref(a);
}

/* A small corpus for the searches. */
static void
search_corpus(void)
{
	muc_want("a", ROOM, "me", NULL);
	EMIT(.from = BOB "/phone", .to = ME, .body = "I like apples and bananas", .id = "s1",
	    .stamp = T0);
	EMIT(.from = BOB "/laptop", .to = ME, .body = "apple pie tonight?", .id = "s2",
	    .stamp = T0 + 86400);
	EMIT(.from = ME "/natter", .to = BOB, .body = "Yes: apple pie AND cream", .id = "s3",
	    .out = true, .stamp = T0 + 2 * 86400);
	EMIT(.from = ROOM "/alice", .to = ME, .type = "groupchat", .body = "who has an apple?",
	    .id = "s4", .stamp = T0 + 3 * 86400);
	EMIT(.from = ROOM "/carol", .to = ME, .type = "groupchat",
	    .body = "NEAR(apple pie) \"quoted\" (parens) a*b -minus", .id = "s5",
	    .stamp = T0 + 4 * 86400);
	EMIT(.account = "b", .from = "zed@example.org/x", .to = "b@example.org", .body = "apple",
	    .id = "s6", .stamp = T0 + 5 * 86400);
}

static void
test_search_words(void **state)
{
	GPtrArray *a;
	unsigned total = 0;
	struct history_query q = { 0 };
	char *err = NULL;

	search_corpus();
	a = search("apple", &total);
	assert_int_equal(total, 4);
	assert_int_equal(a->len, 4);
	/* newest first */
	assert_string_equal(MSG(a, 0)->msg_id, "s5");
	assert_string_equal(MSG(a, 3)->msg_id, "s2");
	g_ptr_array_unref(a);
	assert_int_equal(hits_of("apple pie"), 3);
	assert_int_equal(hits_of("APPLE PIE cream"), 1);
	assert_int_equal(hits_of("app*"), 5);     /* apples too */
	assert_int_equal(hits_of("banana*"), 1);
	assert_int_equal(hits_of("\"apple pie\""), 3);
	assert_int_equal(hits_of("\"pie apple\""), 0);
	assert_int_equal(hits_of("durian"), 0);
	/* filters */
	assert_int_equal(hits_of("apple from:" BOB), 1);
	assert_int_equal(hits_of("app* from:" BOB), 2);
	assert_int_equal(hits_of("app* from:" BOB "/laptop"), 1);
	assert_int_equal(hits_of("app* from:" ME), 1);
	assert_int_equal(hits_of("apple in:" ROOM), 2);
	assert_int_equal(hits_of("in:" ROOM), 2);
	assert_int_equal(hits_of("from:" ROOM "/alice"), 1);
	assert_int_equal(hits_of("from:" BOB), 2);
	assert_int_equal(hits_of("apple in:" BOB " from:" ME), 1);
	assert_int_equal(hits_of("app* before:2023-11-16"), 2);     /* T0 is 2023-11-14 */
	assert_int_equal(hits_of("app* after:2023-11-16"), 3);
	assert_int_equal(hits_of("app* after:2023-11-15T00:00 before:2023-11-17"), 2);
	assert_int_equal(hits_of("after:2023-11-17"), 2);
	/* every account when none is given */
	assert_int_equal(history_query_parse("apple", &q, &err), 0);
	a = history_find(&q, &total, &err);
	assert_non_null(a);
	assert_int_equal(total, 5);
	assert_string_equal(MSG(a, 0)->account, "b");
	g_ptr_array_unref(a);
	/* paging through the hits */
	q.limit = 2;
	q.offset = 2;
	a = history_find(&q, NULL, &err);
	assert_int_equal(a->len, 2);
	assert_string_equal(MSG(a, 0)->msg_id, "s4");
	assert_string_equal(MSG(a, 1)->msg_id, "s3");
	g_ptr_array_unref(a);
	history_query_clear(&q);
	/* without words, hits have no marks but an empty list */
	a = search("in:" BOB, &total);
	assert_int_equal(total, 3);
	assert_non_null(MSG(a, 0)->marks);
	assert_int_equal(MSG(a, 0)->marks->len, 0);
	g_ptr_array_unref(a);
	/* a lone * is every message */
	assert_int_equal(hits_of("*"), 5);
	restart();
	assert_int_equal(hits_of("apple"), 4);
}

static void
test_search_hostile(void **state)
{
	static const char *const lines[] = {
		"AND", "OR", "NOT", "apple AND", "NEAR", "NEAR(apple pie)", "NEAR(apple pie, 2)",
		"\"", "\"\"", "\"apple", "apple\"", "a\"b", "(", ")", "(apple", "apple)", "*",
		"**", "* apple", "apple *", "-minus", "+plus", "^apple", "body:apple",
		"\"body:apple\"", "{body}: apple", "a*b", "apple OR pie", "col : x", "'", ";--",
		"\\", "\xc3\xa9*", "\"unterminated phrase", "NEAR(\"", "apple NOT pie",
	};
	search_corpus();
	for (size_t i = 0; i < G_N_ELEMENTS(lines); i++) {
		struct history_query q = { .words = (char *)lines[i] };
		char *err = NULL;
		unsigned total;
		GPtrArray *a = history_find(&q, &total, &err);
		if (a == NULL)
			fail_msg("search %s: %s", lines[i], err);
		g_ptr_array_unref(a);
	}
	/* operators are plain words */
	assert_int_equal(hits_of("AND"), 2);           /* "and", "AND" */
	assert_int_equal(hits_of("NEAR(apple"), 1);
	assert_int_equal(hits_of("\"quoted\""), 1);
	assert_int_equal(hits_of("(parens)"), 1);
	assert_int_equal(hits_of("apple NOT pie"), 0); /* needs the word "not" */
	assert_int_equal(hits_of("a*b"), 1);           /* the phrase "a b" */
	assert_int_equal(hits_of("-minus"), 1);
}

static void
test_query_parse(void **state)
{
	static const char *const bad[] = {
		"", "   ", "from:", "in:a@b@c", "from:@example.org", "before:yesterday",
		"after:2023-13-01", "before:2023-02-30", "after:2023-1-1", "before:2023-01-01T25:00",
		"colour:red apple", "(", "-- ;",
	};
	struct history_query q;
	char *err = NULL;

	assert_int_equal(history_query_parse("hello  wor* from:" BOB " in:" ROOM
	    " after:2023-11-14 before:2023-11-15T12:30 \"a b:c\"", &q, &err), 0);
	assert_string_equal(q.words, "hello wor* \"a b:c\"");
	assert_string_equal(q.from, BOB);
	assert_string_equal(q.in, ROOM);
	assert_true(q.after > 0 && q.before > q.after);
	assert_int_equal(q.before - q.after, 86400 + 12 * 3600 + 30 * 60);
	assert_null(q.account);
	history_query_clear(&q);
	assert_int_equal(history_query_parse("from:" BOB, &q, &err), 0);
	assert_null(q.words);
	history_query_clear(&q);
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		err = NULL;
		if (history_query_parse(bad[i], &q, &err) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_non_null(err);
		assert_true(*err != '\0');
		g_free(err);
		assert_null(q.words);
	}
	err = NULL;
	assert_int_equal(history_query_parse("colour:red", &q, &err), -1);
	assert_non_null(strstr(err, "colour:"));
	g_free(err);
	err = NULL;
	assert_int_equal(history_query_parse("before:2023-02-30", &q, &err), -1);
	assert_non_null(strstr(err, "YYYY-MM-DD"));
	g_free(err);
}

/* Whether the marks of m cover exactly the words in want (in order). */
static void
check_marks(const struct history_msg *m, const char *const *want, unsigned n)
{
	assert_non_null(m->marks);
	if (m->marks->len != 2 * n)
		fail_msg("%u marks in '%s', expected %u", m->marks->len / 2, m->body, n);
	for (unsigned i = 0; i < n; i++) {
		unsigned s = g_array_index(m->marks, unsigned, 2 * i);
		unsigned e = g_array_index(m->marks, unsigned, 2 * i + 1);
		assert_true(s < e && e <= strlen(m->body));
		if (strncmp(m->body + s, want[i], e - s) != 0 || strlen(want[i]) != e - s)
			fail_msg("mark %u of '%s' is '%.*s', expected '%s'", i, m->body, (int)(e - s),
			    m->body + s, want[i]);
	}
}

static void
test_marks_utf8(void **state)
{
	static const char *const gruesse[] = { "Gr\xc3\xbc\xc3\x9f" "e", "GR\xc3\x9c\xc3\x9f" "E" };
	static const char *const koeln[] = { "K\xc3\xb6ln" };
	static const char *const pre[] = { "\xe6\x9d\xb1\xe4\xba\xac", "caf\xc3\xa9s", "Caf\xc3\xa9" };
	GPtrArray *a;
	unsigned total;

	EMIT(.from = BOB "/phone", .to = ME, .id = "u1",
	    .body = "\xf0\x9f\x98\x80 Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln, "
	            "\xe2\x80\xae sch\xc3\xb6ne GR\xc3\x9c\xc3\x9f" "E!");
	EMIT(.from = BOB "/phone", .to = ME, .id = "u2", .stamp = T0 + 1,
	    .body = "\xe6\x9d\xb1\xe4\xba\xac caf\xc3\xa9s <b>&amp;</b> Caf\xc3\xa9\x01");
	a = search("gr\xc3\xbc\xc3\x9f" "e", &total);
	assert_int_equal(a->len, 1);
	check_marks(MSG(a, 0), gruesse, 2);
	g_ptr_array_unref(a);
	/* diacritics are folded: koln finds Köln */
	a = search("koln", &total);
	assert_int_equal(a->len, 1);
	check_marks(MSG(a, 0), koeln, 1);
	g_ptr_array_unref(a);
	a = search("caf* \xe6\x9d\xb1\xe4\xba\xac", &total);
	assert_int_equal(a->len, 1);
	check_marks(MSG(a, 0), pre, 3);
	g_ptr_array_unref(a);
}

static void
test_export(void **state)
{
	char *path = g_build_filename(tmpdir, "bob.jsonl", NULL);
	char *text = NULL, **lines;
	char *err = NULL;
	struct stat st;
	json_t *o;

	EMIT(.from = BOB "/phone", .to = ME "/natter", .body = "first \"quoted\"\nline", .id = "e1",
	    .stamp = T0);
	EMIT(.from = ME "/natter", .to = BOB, .body = "second", .id = "e2", .out = true,
	    .stamp = T0 + 1);
	EMIT(.from = BOB "/phone", .to = ME "/natter", .body = "third", .id = "e3", .stamp = T0 + 2);
	EMIT(.from = BOB "/phone", .to = ME "/natter", .body = "THIRD", .id = "e4", .replace = "e3",
	    .stamp = T0 + 3);
	/* an older file of someone else's mode is replaced, and made private */
	assert_true(g_file_set_contents(path, "old content that is long\n", -1, NULL));
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(history_export("a", BOB, path, &err), 3);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	assert_int_equal(g_strv_length(lines), 4);
	assert_string_equal(lines[3], "");
	o = json_loads(lines[0], 0, NULL);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "from")), BOB "/phone");
	assert_string_equal(json_string_value(json_object_get(o, "to")), ME);
	assert_string_equal(json_string_value(json_object_get(o, "body")), "first \"quoted\"\nline");
	assert_int_equal(json_integer_value(json_object_get(o, "stamp")), T0);
	assert_string_equal(json_string_value(json_object_get(o, "dir")), "in");
	assert_string_equal(json_string_value(json_object_get(o, "type")), "chat");
	assert_string_equal(json_string_value(json_object_get(o, "id")), "e1");
	json_decref(o);
	o = json_loads(lines[1], 0, NULL);
	assert_string_equal(json_string_value(json_object_get(o, "from")), ME "/natter");
	assert_string_equal(json_string_value(json_object_get(o, "to")), BOB);
	assert_string_equal(json_string_value(json_object_get(o, "dir")), "out");
	json_decref(o);
	o = json_loads(lines[2], 0, NULL);
	assert_string_equal(json_string_value(json_object_get(o, "body")), "THIRD");
	assert_true(json_is_true(json_object_get(o, "corrected")));
	json_decref(o);
	g_strfreev(lines);
	g_free(text);
	/* nothing stored, or a file that cannot be written */
	assert_int_equal(history_export("a", "nobody@example.org", path, &err), -1);
	assert_non_null(err);
	g_free(err);
	err = NULL;
	assert_int_equal(history_export("a", BOB, "/nonexistent/dir/x.jsonl", &err), -1);
	assert_non_null(err);
	g_free(err);
	g_free(path);
}

static void
test_archive_checkpoint(void **state)
{
	struct account *acc = account_find("a");
	char *id;
	int64_t stamp = 0;

	assert_null(acc->mam_last_id);
	/* a page: its messages, then its event */
	EMIT(.from = BOB "/phone", .to = ME, .body = "p1", .sid = "A1", .sby = ME,
	    .src = MSG_ARCHIVE, .stamp = T0);
	EMIT(.from = BOB "/phone", .to = ME, .body = "p2", .sid = "A2", .sby = ME,
	    .src = MSG_ARCHIVE, .stamp = T0 + 1);
	/* a pass ends in the middle of the page: nothing is committed yet */
	store_flush();
	assert_int_equal(committed_count("message"), 0);
	emit_page("a", ME, "A2", T0 + 1, false);
	assert_string_equal(acc->mam_last_id, "A2");
	store_flush();
	assert_int_equal(committed_count("message"), 2);
	assert_int_equal(committed_count("archive_state"), 1);
	EMIT(.from = BOB "/phone", .to = ME, .body = "p3", .sid = "A3", .sby = ME,
	    .src = MSG_ARCHIVE, .stamp = T0 + 2);
	emit_page("a", ME, "A3", T0 + 2, true);
	assert_string_equal(acc->mam_last_id, "A3");
	/* caught up: a live message with our archive's id moves it on */
	EMIT(.from = BOB "/phone", .to = ME, .body = "live", .sid = "A4", .sby = ME,
	    .stamp = T0 + 3);
	assert_string_equal(acc->mam_last_id, "A4");
	/* in memory at once, in the database with the commit */
	store_flush();
	id = q_text("SELECT last_id FROM archive_state WHERE archive = '" ME "'");
	assert_string_equal(id, "A4");
	g_free(id);
	/* a room's archive has its own checkpoint */
	EMIT(.from = ROOM "/x", .to = ME, .type = "groupchat", .body = "r", .sid = "R1",
	    .sby = ROOM, .src = MSG_ARCHIVE);
	emit_page("a", ROOM, "R1", T0, true);
	assert_string_equal(acc->mam_last_id, "A4");
	/* an older page (fetched on demand) does not move it back */
	emit_page("a", ME, "A0", T0 - 1000, true);
	assert_string_equal(acc->mam_last_id, "A4");
	restart();
	acc = account_find("a");
	assert_string_equal(acc->mam_last_id, "A4");
	id = q_text("SELECT last_id FROM archive_state WHERE archive = '" ROOM "'");
	assert_string_equal(id, "R1");
	g_free(id);
	id = store_archive_last("a", ROOM "/nick", &stamp);
	assert_string_equal(id, "R1");
	g_free(id);
	id = store_archive_last("a", ME, &stamp);
	assert_string_equal(id, "A4");
	/* with its time: where a catch-up starts if the archive drops it */
	assert_true(stamp > 0);
	assert_true(acc->mam_last_stamp == stamp);
	g_free(id);
	assert_null(store_archive_last("b", ME, &stamp));
	/* a new session: until its catch-up completes, live ids may follow a
	 * gap and do not count */
	emit_simple(EV_CONNECTED, "a");
	EMIT(.from = BOB "/phone", .to = ME, .body = "live 2", .sid = "A9", .sby = ME,
	    .stamp = T0 + 9);
	assert_string_equal(acc->mam_last_id, "A4");
	EMIT(.from = BOB "/phone", .to = ME, .body = "p5", .sid = "A5", .sby = ME,
	    .src = MSG_ARCHIVE, .stamp = T0 + 5);
	emit_page("a", ME, "A5", T0 + 5, true);
	assert_string_equal(acc->mam_last_id, "A5");
	EMIT(.from = BOB "/phone", .to = ME, .body = "live 3", .sid = "A10", .sby = ME,
	    .stamp = T0 + 10);
	assert_string_equal(acc->mam_last_id, "A10");
	/* another archive's ids on live messages do not count */
	EMIT(.from = BOB "/phone", .to = ME, .body = "live 4", .sid = "X1", .sby = "evil.example",
	    .stamp = T0 + 11);
	assert_string_equal(acc->mam_last_id, "A10");
}

/* A burst longer than what the store keeps in memory to find copies
 * (fresh: 40,000 keys, 2 a message): every message of it is still found
 * again, by its stanza-id from the archive and by its origin-id live, the
 * old half by the index, the rest in memory; and a copy only in the
 * window's reach is still no copy. */
static void
test_copies_found_after_long_burst(void **state)
{
	char id[32], sid[32], body[48];
	const int n = 25000;

	for (int i = 0; i < n; i++) {
		snprintf(id, sizeof id, "o-%d", i);
		snprintf(sid, sizeof sid, "s-%d", i);
		snprintf(body, sizeof body, "burst %d", i);
		EMIT(.from = BOB "/phone", .to = ME, .body = body, .id = id, .origin = id,
		    .sid = sid, .sby = ME, .stamp = T0 + i / 10);
		if (i % 500 == 499)
			store_flush();
	}
	store_flush();
	assert_int_equal(q_int("SELECT count(*) FROM message"), n);
	/* archived copies of the first, a middle and the last message, and a
	 * live copy (origin-id only) of one from the kept half */
	for (int k = 0; k < 3; k++) {
		int i = k == 0 ? 0 : k == 1 ? n / 2 : n - 1;
		snprintf(sid, sizeof sid, "s-%d", i);
		snprintf(body, sizeof body, "burst %d", i);
		EMIT(.from = BOB "/phone", .to = ME, .body = body, .sid = sid, .sby = ME,
		    .stamp = T0 + i / 10, .src = MSG_ARCHIVE);
	}
	snprintf(id, sizeof id, "o-%d", n - 10);
	snprintf(body, sizeof body, "burst %d", n - 10);
	EMIT(.from = BOB "/phone", .to = ME, .body = body, .id = id, .origin = id,
	    .stamp = T0 + (n - 10) / 10 + 30);
	store_flush();
	assert_int_equal(q_int("SELECT count(*) FROM message"), n);
	/* the same id far outside the window is another message */
	EMIT(.from = BOB "/phone", .to = ME, .body = "burst 0", .id = "o-0", .origin = "o-0",
	    .stamp = T0 + 86400);
	store_flush();
	assert_int_equal(q_int("SELECT count(*) FROM message"), n + 1);
}

static void
test_checkpoint_bound(void **state)
{
	/* a page whose end never comes does not hold writes for ever */
	EMIT(.from = BOB "/phone", .to = ME, .body = "p1", .sid = "A1", .sby = ME,
	    .src = MSG_ARCHIVE);
	for (int i = 0; i < 30; i++)
		store_flush();
	assert_int_equal(committed_count("message"), 1);
	/* nor does a session that ended */
	EMIT(.from = BOB "/phone", .to = ME, .body = "p2", .sid = "A2", .sby = ME,
	    .src = MSG_ARCHIVE);
	emit_simple(EV_DISCONNECTED, "a");
	store_flush();
	assert_int_equal(committed_count("message"), 2);
	/* live messages are committed at the end of their pass */
	EMIT(.from = BOB "/phone", .to = ME, .body = "l", .id = "l1");
	store_flush();
	assert_int_equal(committed_count("message"), 3);
}

static void
test_page_cache(void **state)
{
	/* small while nothing much is written */
	assert_int_equal(q_int("PRAGMA cache_size"), -128);
	EMIT(.from = BOB "/phone", .to = ME, .body = "one", .id = "1");
	store_flush();
	assert_int_equal(q_int("PRAGMA cache_size"), -128);
	/* a burst raises it, the first quiet pass after it lowers it again */
	for (int i = 0; i < 100; i++) {
		char id[16];
		snprintf(id, sizeof id, "b%d", i);
		EMIT(.from = BOB "/phone", .to = ME, .body = "burst", .id = id, .stamp = T0 + i);
	}
	assert_int_equal(q_int("PRAGMA cache_size"), -2048);
	store_flush();
	assert_int_equal(q_int("PRAGMA cache_size"), -2048);
	store_flush();
	assert_int_equal(q_int("PRAGMA cache_size"), -128);
	assert_int_equal(committed_count("message"), 101);
}

static void
test_wal_checkpointed(void **state)
{
	char *wal = g_build_filename(tmpdir, "natter.db-wal", NULL);
	GString *body = g_string_new(NULL);
	struct stat st;

	/* 40,000 messages of 1 kB, a pass of 500 at a time (some 100 MB of
	 * log written): the log is copied back (on its thread) and starts
	 * again from its beginning, so its file stays within the bound
	 * where commits copy back the rest (16,000 pages, 64 MiB, and the
	 * pass that crosses it) */
	for (int i = 0; i < 40000; i++) {
		char id[16];
		snprintf(id, sizeof id, "w%d", i);
		g_string_printf(body, "%d %01000d", i, i);
		EMIT(.from = BOB "/phone", .to = ME, .body = body->str, .id = id, .stamp = T0 + i);
		if (i % 500 == 499)
			store_flush();
	}
	store_flush();
	assert_int_equal(committed_count("message"), 40000);
	assert_int_equal(stat(wal, &st), 0);
	if (st.st_size > 80 * 1024 * 1024)
		fail_msg("the log grew to %lld bytes", (long long)st.st_size);
	check_fts();
	g_string_free(body, TRUE);
	g_free(wal);
}

static void
test_migrate_from_v1(void **state)
{
	char *path = g_build_filename(tmpdir, "natter.db", NULL);
	char *wal = g_strconcat(path, "-wal", NULL), *shm = g_strconcat(path, "-shm", NULL);
	sqlite3 *db;
	GPtrArray *a;

	store_close();
	g_remove(path);
	g_remove(wal);
	g_remove(shm);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	    "CREATE TABLE account_pin (account TEXT PRIMARY KEY, sha256 TEXT NOT NULL,"
	    "  added INTEGER NOT NULL);"
	    "CREATE TABLE roster_meta (account TEXT PRIMARY KEY, ver TEXT);"
	    "CREATE TABLE roster_item (account TEXT NOT NULL, jid TEXT NOT NULL, name TEXT,"
	    "  subscription TEXT NOT NULL, ask TEXT, groups TEXT, PRIMARY KEY (account, jid));"
	    "INSERT INTO account_pin VALUES ('a', 'abcd', 1);"
	    "INSERT INTO roster_meta VALUES ('a', 'v1');"
	    "INSERT INTO roster_item VALUES ('a', '" BOB "', 'Bob', 'both', NULL, NULL);"
	    "PRAGMA user_version = 1;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	storetest_core_start();
	storetest_open(tmpdir);
	assert_int_equal(q_int("PRAGMA user_version"), store_schema_version());
	assert_int_equal(store_schema_version(), 2);
	{
		struct account *acc = storetest_account("a", ME);
		assert_string_equal(acc->pin, "abcd");
		assert_string_equal(acc->roster->ver, "v1");
		assert_non_null(roster_find(acc->roster, BOB));
		assert_null(acc->mam_last_id);
	}
	EMIT(.from = BOB "/phone", .to = ME, .body = "after the upgrade", .id = "m1");
	a = last_n(BOB, 10, 1);
	g_ptr_array_unref(a);
	assert_int_equal(hits_of("upgrade"), 1);
	g_free(path);
	g_free(wal);
	g_free(shm);
}

int
main(void)
{
	/* dates in the searches are local time: make it UTC */
	g_setenv("TZ", "UTC", TRUE);
	tzset();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_conversations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dedup_stanza_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dedup_origin_then_stanza, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dedup_clocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dedup_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_marks_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export, setup, teardown),
		cmocka_unit_test_setup_teardown(test_archive_checkpoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copies_found_after_long_burst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_checkpointed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_v1, setup, teardown),
	};

	return cmocka_run_group_tests_name("history", tests, NULL, NULL);
}
