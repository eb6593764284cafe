/* test-store.c - src/store/store.c: opening and migrating the database,
 * certificate pins and the roster cache. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "natter/account.h"
#include "natter/bus.h"
#include "natter/event.h"
#include "natter/roster.h"
#include "natter/settings.h"
#include "natter/store.h"
#include "storetest.h"

#define FP1 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define FP2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

/* The schema of every earlier version, as the code of that version created
 * it, with a little data; index = version.  Version 0 is an empty file.
 * When a migration is added, add the schema it starts from here (the test
 * test_fixtures_cover_every_version fails until then). */
static const char *const old_schemas[] = {
	/* 0 */ NULL,
	/* 1: pins and the roster cache */
	"CREATE TABLE account_pin ("
	"  account TEXT PRIMARY KEY,"
	"  sha256 TEXT NOT NULL,"
	"  added INTEGER NOT NULL);"
	"CREATE TABLE roster_meta ("
	"  account TEXT PRIMARY KEY,"
	"  ver TEXT);"
	"CREATE TABLE roster_item ("
	"  account TEXT NOT NULL,"
	"  jid TEXT NOT NULL,"
	"  name TEXT,"
	"  subscription TEXT NOT NULL,"
	"  ask TEXT,"
	"  groups TEXT,"
	"  PRIMARY KEY (account, jid));"
	"INSERT INTO account_pin VALUES ('old', '" FP2 "', 1700000000);"
	"INSERT INTO roster_meta VALUES ('old', 'v9');"
	"INSERT INTO roster_item VALUES ('old', 'bob@example.org', 'Bob', 'both', NULL,"
	"  'Friends' || char(10) || 'Work');",
};

static int
setup(void **state)
{
	storetest_core_start();
	tmpdir = g_dir_make_tmp("natter-test-store-XXXXXX", NULL);
	assert_non_null(tmpdir);
	return 0;
}

static int
teardown(void **state)
{
	storetest_end();
	return 0;
}

/* Close and forget everything in memory, then start again with the same
 * files: what survives is what the store kept. */
static void
restart(void)
{
	store_flush();
	store_close();
	storetest_core_start();
	storetest_open(tmpdir);
}

/* Run sql on the database file at path (a connection of our own). */
static void
sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* The integer result of a one-value query on the database at path. */
static int
sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int v = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* The text result of a one-value query (to free), or NULL. */
static char *
sql_text(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *v = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = g_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static char *
db_path(void)
{
	return g_build_filename(tmpdir, "natter.db", NULL);
}

static void
emit_item(const char *account, const char *jid, const char *name, const char *sub,
    const char *ask, const char *const *groups, bool fetched)
{
	struct event *ev = event_new(EV_ROSTER, account);

	ev->u.roster.jid = g_strdup(jid);
	ev->u.roster.name = g_strdup(name);
	ev->u.roster.subscription = g_strdup(sub);
	ev->u.roster.ask = g_strdup(ask);
	ev->u.roster.groups = g_strdupv((char **)groups);
	ev->u.roster.fetched = fetched;
	bus_emit_free(ev);
}

static void
emit_end(const char *account, const char *ver, bool unchanged)
{
	struct event *ev = event_new(EV_ROSTER_END, account);

	ev->u.roster_end.ver = g_strdup(ver);
	ev->u.roster_end.unchanged = unchanged;
	bus_emit_free(ev);
}

static void
test_open_creates(void **state)
{
	char *path = db_path();
	char *sub = g_build_filename(tmpdir, "a", "b", NULL);
	char *subdb = g_build_filename(sub, "natter.db", NULL);
	char *mode;
	struct stat st;

	storetest_open(tmpdir);
	assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	store_close();
	assert_true(store_schema_version() >= 1);
	assert_int_equal(sql_int(path, "PRAGMA user_version"), store_schema_version());
	mode = sql_text(path, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	g_free(mode);
	/* missing directories are made */
	storetest_open(sub);
	store_close();
	assert_int_equal(sql_int(subdb, "PRAGMA user_version"), store_schema_version());
	/* opening again changes nothing */
	storetest_open(tmpdir);
	store_close();
	assert_int_equal(sql_int(path, "PRAGMA user_version"), store_schema_version());
	g_free(path);
	g_free(sub);
	g_free(subdb);
}

static void
test_open_fails(void **state)
{
	char *file = g_build_filename(tmpdir, "plain-file", NULL);
	char *below = g_build_filename(file, "dir", NULL);
	char *err = NULL;

	assert_true(g_file_set_contents(file, "x", 1, NULL));
	assert_int_equal(store_open(below, &err), -1);
	assert_non_null(err);
	assert_true(*err != '\0');
	g_free(err);
	/* a store that is not open refuses writes and loads nothing */
	assert_int_equal(store_pin_set("a", FP1), -1);
	{
		struct account *acc = storetest_account("a", "a@example.org");
		assert_null(acc->pin);
		assert_int_equal(g_hash_table_size(acc->roster->contacts), 0);
	}
	store_flush();
	store_close();
	g_free(file);
	g_free(below);
}

static void
test_pin_round_trip(void **state)
{
	struct account *acc;

	storetest_open(tmpdir);
	assert_int_equal(store_pin_set("work", FP1), 0);
	assert_int_equal(store_pin_set("home", FP2), 0);
	restart();
	acc = storetest_account("work", "w@example.org");
	assert_non_null(acc->pin);
	assert_string_equal(acc->pin, FP1);
	acc = storetest_account("home", "h@example.org");
	assert_string_equal(acc->pin, FP2);
	acc = storetest_account("other", "o@example.org");
	assert_null(acc->pin);

	/* replacing a pin */
	assert_int_equal(store_pin_set("work", FP2), 0);
	restart();
	assert_string_equal(storetest_account("work", "w@example.org")->pin, FP2);
}

static void
test_pin_removal(void **state)
{
	storetest_open(tmpdir);
	assert_int_equal(store_pin_set("work", FP1), 0);
	assert_int_equal(store_pin_set("home", FP2), 0);
	restart();
	assert_int_equal(store_pin_set("work", NULL), 0);
	/* removing what is not there is fine */
	assert_int_equal(store_pin_set("nobody", NULL), 0);
	restart();
	assert_null(storetest_account("work", "w@example.org")->pin);
	assert_string_equal(storetest_account("home", "h@example.org")->pin, FP2);
}

/* Check contact jid in acc's roster. */
static void
check_contact(struct account *acc, const char *jid, const char *name, const char *sub,
    const char *ask, const char *const *groups)
{
	struct contact *c = roster_find(acc->roster, jid);

	if (c == NULL)
		fail_msg("%s is not in the roster", jid);
	if (name == NULL)
		assert_null(c->name);
	else
		assert_string_equal(c->name, name);
	assert_string_equal(c->subscription, sub);
	if (ask == NULL)
		assert_null(c->ask);
	else
		assert_string_equal(c->ask, ask);
	if (groups == NULL || groups[0] == NULL) {
		assert_true(c->groups == NULL || c->groups[0] == NULL);
	} else {
		assert_non_null(c->groups);
		assert_int_equal(g_strv_length(c->groups), g_strv_length((char **)groups));
		for (int i = 0; groups[i] != NULL; i++)
			assert_true(g_strv_contains((const char *const *)c->groups, groups[i]));
	}
}

static void
test_roster_round_trip(void **state)
{
	static const char *const bob_groups[] = { "Friends", "Work", NULL };
	static const char *const dave_groups[] = { "Caf\xc3\xa9 \"Chez\" 'Nous'", NULL };
	struct account *acc;

	storetest_open(tmpdir);
	acc = storetest_account("a", "a@example.org");
	storetest_account("other", "o@example.org");
	emit_item("a", "bob@example.org", "Bob", "both", NULL, bob_groups, true);
	emit_item("a", "carol@example.org", NULL, "to", "subscribe", NULL, true);
	emit_item("a", "dave@example.org", "Dave O'Neil", "from", NULL, dave_groups, true);
	emit_item("other", "zed@example.org", "Zed", "both", NULL, NULL, true);
	emit_end("a", "v42", false);
	emit_end("other", "o1", false);
	assert_int_equal(g_hash_table_size(acc->roster->contacts), 3);
	restart();

	acc = storetest_account("a", "a@example.org");
	assert_non_null(acc->roster->ver);
	assert_string_equal(acc->roster->ver, "v42");
	assert_int_equal(g_hash_table_size(acc->roster->contacts), 3);
	check_contact(acc, "bob@example.org", "Bob", "both", NULL, bob_groups);
	check_contact(acc, "carol@example.org", NULL, "to", "subscribe", NULL);
	check_contact(acc, "dave@example.org", "Dave O'Neil", "from", NULL, dave_groups);
	acc = storetest_account("other", "o@example.org");
	assert_string_equal(acc->roster->ver, "o1");
	assert_int_equal(g_hash_table_size(acc->roster->contacts), 1);
	check_contact(acc, "zed@example.org", "Zed", "both", NULL, NULL);
	/* an account the store has never seen starts empty */
	acc = storetest_account("new", "n@example.org");
	assert_null(acc->roster->ver);
	assert_int_equal(g_hash_table_size(acc->roster->contacts), 0);
}

static void
test_roster_refetch_replaces(void **state)
{
	static const char *const g1[] = { "Old", NULL };
	struct account *acc;

	storetest_open(tmpdir);
	storetest_account("a", "a@example.org");
	emit_item("a", "bob@example.org", "Bob", "both", NULL, g1, true);
	emit_item("a", "carol@example.org", "Carol", "both", NULL, NULL, true);
	emit_end("a", "v1", false);
	restart();
	acc = storetest_account("a", "a@example.org");
	assert_int_equal(g_hash_table_size(acc->roster->contacts), 2);
	/* the next login's fetch no longer names carol, and bob changed */
	emit_item("a", "bob@example.org", "Robert", "to", NULL, NULL, true);
	emit_end("a", "v2", false);
	restart();
	acc = storetest_account("a", "a@example.org");
	assert_string_equal(acc->roster->ver, "v2");
	assert_int_equal(g_hash_table_size(acc->roster->contacts), 1);
	check_contact(acc, "bob@example.org", "Robert", "to", NULL, NULL);
	assert_null(roster_find(acc->roster, "carol@example.org"));
}

static void
test_roster_unchanged_keeps_cache(void **state)
{
	struct account *acc;

	storetest_open(tmpdir);
	storetest_account("a", "a@example.org");
	emit_item("a", "bob@example.org", "Bob", "both", NULL, NULL, true);
	emit_end("a", "v1", false);
	restart();
	storetest_account("a", "a@example.org");
	/* the server says our version is current: nothing is fetched */
	emit_end("a", "v1", true);
	restart();
	acc = storetest_account("a", "a@example.org");
	assert_string_equal(acc->roster->ver, "v1");
	check_contact(acc, "bob@example.org", "Bob", "both", NULL, NULL);
}

static void
test_roster_fetch_cut_short(void **state)
{
	struct account *acc;

	storetest_open(tmpdir);
	storetest_account("a", "a@example.org");
	emit_item("a", "bob@example.org", "Bob", "both", NULL, NULL, true);
	emit_end("a", "v1", false);
	restart();
	storetest_account("a", "a@example.org");
	/* the next fetch is cut short before its end (a disconnect): the
	 * cache keeps the last complete roster and its version */
	emit_item("a", "carol@example.org", "Carol", "both", NULL, NULL, true);
	restart();
	acc = storetest_account("a", "a@example.org");
	assert_string_equal(acc->roster->ver, "v1");
	assert_int_equal(g_hash_table_size(acc->roster->contacts), 1);
	check_contact(acc, "bob@example.org", "Bob", "both", NULL, NULL);
	assert_null(roster_find(acc->roster, "carol@example.org"));
}

static void
test_roster_pushes(void **state)
{
	static const char *const g[] = { "New", NULL };
	struct account *acc;

	storetest_open(tmpdir);
	storetest_account("a", "a@example.org");
	emit_item("a", "bob@example.org", "Bob", "both", NULL, NULL, true);
	emit_item("a", "carol@example.org", NULL, "both", NULL, NULL, true);
	emit_end("a", "v1", false);
	/* pushes after the fetch: an addition, a change and a removal */
	emit_item("a", "erin@example.org", "Erin", "none", "subscribe", g, false);
	emit_item("a", "bob@example.org", "Bobby", "both", NULL, NULL, false);
	emit_item("a", "carol@example.org", NULL, "remove", NULL, NULL, false);
	restart();
	acc = storetest_account("a", "a@example.org");
	assert_int_equal(g_hash_table_size(acc->roster->contacts), 2);
	check_contact(acc, "erin@example.org", "Erin", "none", "subscribe", g);
	check_contact(acc, "bob@example.org", "Bobby", "both", NULL, NULL);
	assert_null(roster_find(acc->roster, "carol@example.org"));
}

static void
test_fixtures_cover_every_version(void **state)
{
	assert_int_equal(G_N_ELEMENTS(old_schemas), store_schema_version());
}

static void
test_migrate_every_version(void **state)
{
	char *path = db_path();

	for (int v = 0; v < (int)G_N_ELEMENTS(old_schemas); v++) {
		char *wal = g_strconcat(path, "-wal", NULL), *shm = g_strconcat(path, "-shm", NULL);
		g_remove(path);
		g_remove(wal);
		g_remove(shm);
		g_free(wal);
		g_free(shm);
		assert_true(g_file_set_contents(path, "", 0, NULL));
		if (old_schemas[v] != NULL) {
			char *sql = g_strdup_printf("%s PRAGMA user_version = %d;", old_schemas[v], v);
			sql_exec(path, sql);
			g_free(sql);
		}
		assert_int_equal(sql_int(path, "PRAGMA user_version"), v);
		storetest_open(tmpdir);
		/* the upgraded store works */
		assert_int_equal(store_pin_set("m", FP1), 0);
		restart();
		assert_string_equal(storetest_account("m", "m@example.org")->pin, FP1);
		if (v >= 1) {
			/* what the old version kept is still there */
			static const char *const groups[] = { "Friends", "Work", NULL };
			struct account *old = storetest_account("old", "old@example.org");
			assert_string_equal(old->pin, FP2);
			assert_string_equal(old->roster->ver, "v9");
			check_contact(old, "bob@example.org", "Bob", "both", NULL, groups);
		}
		/* and keeps history (schema 2) */
		assert_int_equal(sql_int(path, "SELECT count(*) FROM message"), 0);
		store_close();
		assert_int_equal(sql_int(path, "PRAGMA user_version"), store_schema_version());
		storetest_core_start();
	}
	g_free(path);
}

static void
test_failed_migration_rolls_back(void **state)
{
	char *path = db_path();
	char *err = NULL;

	/* a version-0 file that already has a table the first migration makes */
	sql_exec(path, "CREATE TABLE account_pin (x INTEGER);");
	assert_int_equal(store_open(tmpdir, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "version 1"));
	g_free(err);
	assert_int_equal(sql_int(path, "PRAGMA user_version"), 0);
	/* nothing of the migration is left behind */
	assert_int_equal(sql_int(path,
	    "SELECT count(*) FROM sqlite_master WHERE name IN ('roster_meta', 'roster_item')"), 0);
	g_free(path);
}

static void
test_newer_version_refused(void **state)
{
	char *path = db_path();
	char *err = NULL;
	char *sql = g_strdup_printf("CREATE TABLE future (x); PRAGMA user_version = %d;",
	    store_schema_version() + 1);
	char *want = g_strdup_printf("%d", store_schema_version() + 1);

	sql_exec(path, sql);
	assert_int_equal(store_open(tmpdir, &err), -1);
	assert_non_null(err);
	if (strstr(err, want) == NULL || strstr(err, "newer") == NULL)
		fail_msg("unclear error: %s", err);
	g_free(err);
	/* the file is left as it was, and the store stays closed */
	assert_int_equal(sql_int(path, "PRAGMA user_version"), store_schema_version() + 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'account_pin'"),
	    0);
	assert_int_equal(store_pin_set("a", FP1), -1);
	g_free(sql);
	g_free(want);
	g_free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_creates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_removal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster_refetch_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster_unchanged_keeps_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster_fetch_cut_short, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster_pushes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixtures_cover_every_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_every_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_migration_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_version_refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
