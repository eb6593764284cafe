/* store.c - the SQLite database: opening, migrations, batched writes. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <sqlite3.h>

#include "natter/account.h"
#include "natter/bus.h"
#include "natter/roster.h"
#include "natter/store.h"

/* Migration N takes the schema from version N to N+1.  Never edit one that
 * has shipped: add the next.  tests/unit/test-store.c opens a database of
 * every earlier version and upgrades it. */
static const char *const migrations[] = {
	/* 0 -> 1: certificate pins and the roster cache */
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
	"  PRIMARY KEY (account, jid));",
};

static sqlite3 *db;
static GHashTable *stmts; /* SQL text (static) -> prepared statement */
static bool in_txn;
static unsigned roster_sub, roster_end_sub;

int
store_schema_version(void)
{
	return (int)G_N_ELEMENTS(migrations);
}

/* Run each migration newer than the file's user_version, each in its own
 * transaction with the version bump. */
static int
store_migrate(char **err)
{
	sqlite3_stmt *st;
	int version = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > store_schema_version()) {
		*err = g_strdup_printf("the database has schema version %d, newer than this natter "
		    "understands (%d)", version, store_schema_version());
		return -1;
	}
	for (int v = version; v < store_schema_version(); v++) {
		char *sql = g_strdup_printf("BEGIN; %s PRAGMA user_version = %d; COMMIT;",
		    migrations[v], v + 1);
		char *msg = NULL;
		int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
		g_free(sql);
		if (rc != SQLITE_OK) {
			*err = g_strdup_printf("migrating the database to version %d: %s", v + 1,
			    msg != NULL ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
fail:
	*err = g_strdup(sqlite3_errmsg(db));
	return -1;
}

/* Prepare sql once and keep it (statements live until store_close). */
static sqlite3_stmt *
store_stmt(const char *sql)
{
	sqlite3_stmt *st;

	if (stmts == NULL)
		stmts = g_hash_table_new(g_direct_hash, g_direct_equal);
	st = g_hash_table_lookup(stmts, sql);
	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		g_warning("store: %s: %s", sql, sqlite3_errmsg(db));
		return NULL;
	}
	g_hash_table_insert(stmts, (gpointer)sql, st);
	return st;
}

/* Open the pass's transaction on the first write. */
static void
store_write_begin(void)
{
	if (!in_txn && db != NULL && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK)
		in_txn = true;
}

void
store_flush(void)
{
	if (in_txn) {
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			g_warning("store: commit: %s", sqlite3_errmsg(db));
		in_txn = false;
	}
}

static int
store_step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		g_warning("store: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int
store_pin_set(const char *account, const char *fp)
{
	sqlite3_stmt *st;

	if (db == NULL)
		return -1;
	store_write_begin();
	if (fp == NULL) {
		st = store_stmt("DELETE FROM account_pin WHERE account = ?1");
		if (st == NULL)
			return -1;
		sqlite3_bind_text(st, 1, account, -1, SQLITE_TRANSIENT);
	} else {
		st = store_stmt("INSERT OR REPLACE INTO account_pin (account, sha256, added) "
		    "VALUES (?1, ?2, ?3)");
		if (st == NULL)
			return -1;
		sqlite3_bind_text(st, 1, account, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, fp, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, g_get_real_time() / G_USEC_PER_SEC);
	}
	return store_step_done(st);
}

static const char *
store_col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

void
store_account_load(struct account *acc)
{
	sqlite3_stmt *st;

	if (db == NULL)
		return;
	st = store_stmt("SELECT sha256 FROM account_pin WHERE account = ?1");
	if (st != NULL) {
		sqlite3_bind_text(st, 1, acc->name, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW) {
			g_free(acc->pin);
			acc->pin = g_strdup(store_col(st, 0));
		}
		sqlite3_reset(st);
	}
	st = store_stmt("SELECT ver FROM roster_meta WHERE account = ?1");
	if (st != NULL) {
		sqlite3_bind_text(st, 1, acc->name, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW) {
			g_free(acc->roster->ver);
			acc->roster->ver = g_strdup(store_col(st, 0));
		}
		sqlite3_reset(st);
	}
	st = store_stmt("SELECT jid, name, subscription, ask, groups FROM roster_item "
	    "WHERE account = ?1");
	if (st != NULL) {
		sqlite3_bind_text(st, 1, acc->name, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *g = store_col(st, 4);
			char **groups = g != NULL && *g != '\0' ? g_strsplit(g, "\n", -1) : NULL;
			roster_set(acc->roster, store_col(st, 0), store_col(st, 1), store_col(st, 2),
			    store_col(st, 3), groups);
			g_strfreev(groups);
		}
		sqlite3_reset(st);
	}
}

/* Insert or replace one cached roster item. */
static void
store_roster_item(const char *account, const char *jid, const char *name,
    const char *subscription, const char *ask, char *const *groupv)
{
	sqlite3_stmt *st = store_stmt("INSERT OR REPLACE INTO roster_item "
	    "(account, jid, name, subscription, ask, groups) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	char *groups;

	if (st == NULL)
		return;
	groups = groupv != NULL ? g_strjoinv("\n", (char **)groupv) : NULL;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, jid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, subscription != NULL ? subscription : "none", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, ask, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, groups, -1, SQLITE_TRANSIENT);
	store_step_done(st);
	g_free(groups);
}

/* Keep the roster cache in step with roster events. */
static void
store_on_roster(const struct event *ev, void *unused)
{
	sqlite3_stmt *st;

	store_write_begin();
	if (ev->type == EV_ROSTER_END) {
		struct account *acc = account_find(ev->account);
		if (ev->u.roster_end.unchanged || acc == NULL)
			return;
		/* core's roster (roster.c listens first) now holds exactly the
		 * fetched items: write the cache anew from it */
		st = store_stmt("DELETE FROM roster_item WHERE account = ?1");
		if (st != NULL) {
			sqlite3_bind_text(st, 1, ev->account, -1, SQLITE_TRANSIENT);
			store_step_done(st);
		}
		GList *all = roster_sorted(acc->roster);
		for (GList *l = all; l != NULL; l = l->next) {
			const struct contact *c = l->data;
			store_roster_item(ev->account, c->jid, c->name, c->subscription, c->ask,
			    c->groups);
		}
		g_list_free(all);
		st = store_stmt("INSERT OR REPLACE INTO roster_meta (account, ver) VALUES (?1, ?2)");
		if (st != NULL) {
			sqlite3_bind_text(st, 1, ev->account, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 2, ev->u.roster_end.ver, -1, SQLITE_TRANSIENT);
			store_step_done(st);
		}
		return;
	}
	if (ev->u.roster.fetched)
		return; /* written at EV_ROSTER_END */
	if (g_strcmp0(ev->u.roster.subscription, "remove") == 0) {
		st = store_stmt("DELETE FROM roster_item WHERE account = ?1 AND jid = ?2");
		if (st == NULL)
			return;
		sqlite3_bind_text(st, 1, ev->account, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, ev->u.roster.jid, -1, SQLITE_TRANSIENT);
		store_step_done(st);
		return;
	}
	store_roster_item(ev->account, ev->u.roster.jid, ev->u.roster.name,
	    ev->u.roster.subscription, ev->u.roster.ask, ev->u.roster.groups);
}

int
store_open(const char *dir, char **err)
{
	char *path;

	if (g_mkdir_with_parents(dir, 0700) != 0) {
		*err = g_strdup_printf("cannot create %s: %s", dir, g_strerror(errno));
		return -1;
	}
	path = g_build_filename(dir, "natter.db", NULL);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		*err = g_strdup_printf("%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		g_free(path);
		sqlite3_close(db);
		db = NULL;
		return -1;
	}
	chmod(path, 0600);
	g_free(path);
	sqlite3_busy_timeout(db, 2000);
	/* a small page cache: the working set of a chat client is small */
	sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
	    "PRAGMA foreign_keys = ON; PRAGMA cache_size = -128;", NULL, NULL, NULL);
	if (store_migrate(err) != 0) {
		sqlite3_close(db);
		db = NULL;
		return -1;
	}
	roster_sub = bus_subscribe(EV_ROSTER, store_on_roster, NULL);
	roster_end_sub = bus_subscribe(EV_ROSTER_END, store_on_roster, NULL);
	return 0;
}

void
store_close(void)
{
	sqlite3_stmt *st;

	if (db == NULL)
		return;
	store_flush();
	bus_unsubscribe(roster_sub);
	bus_unsubscribe(roster_end_sub);
	if (stmts != NULL)
		g_hash_table_destroy(stmts);
	stmts = NULL;
	while ((st = sqlite3_next_stmt(db, NULL)) != NULL)
		sqlite3_finalize(st);
	sqlite3_close(db);
	db = NULL;
}
