/* store.c - the SQLite database: opening, migrations, batched writes
 * (pins, the roster cache, and every message with the archive checkpoints
 * that cover them). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <sqlite3.h>

#include "natter/account.h"
#include "natter/bus.h"
#include "natter/jid.h"
#include "natter/log.h"
#include "natter/muc.h"
#include "natter/roster.h"
#include "natter/store.h"
#include "store-priv.h"

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

	/* 1 -> 2: message history, full-text search, archive checkpoints.
	 * A conversation (account, JID) is a row of conv, so each message
	 * and index entry carries a small integer instead of two strings.
	 * message.id is (stamp << 10) + n (store-priv.h): id order is time
	 * order, and a conversation's index entries are appended.  An index
	 * on a random key (a stanza-id, an origin-id) would cost a page read
	 * and a page written per message, most of the cost of an insert in a
	 * large store; so a message is found again by the conversation index,
	 * which also holds hashes of its ids (skey: the stanza-id; okey: the
	 * origin-id, else the id), around its time: copies of a message
	 * differ in time by the difference of our clock and the server's
	 * (a message we send is stamped by us, its archived copy by the
	 * server).  A correction names
	 * the message id it replaces (replaces) and, once that message is
	 * found, its row (replaces_row).  message_text is what readers show:
	 * an original with the body of its newest correction; message_fts
	 * indexes exactly that (external content).  Inserts are indexed by
	 * store_insert (a trigger on insert would give every insert a
	 * statement journal, and FTS5 in SQLite 3.40 writes its pending
	 * terms out as a new segment at every statement savepoint: 15 us a
	 * message); the triggers keep the index in step on every update and
	 * delete. */
	"CREATE TABLE conv ("
	"  id INTEGER PRIMARY KEY,"
	"  account TEXT NOT NULL,"
	"  jid TEXT NOT NULL,"
	"  UNIQUE (account, jid));"
	"CREATE TABLE message ("
	"  id INTEGER PRIMARY KEY,"
	"  conv INTEGER NOT NULL REFERENCES conv (id),"
	"  sender TEXT,"
	"  nick TEXT,"
	"  occupant_id TEXT,"
	"  dir INTEGER NOT NULL,"        /* 0 in, 1 out */
	"  type TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  stamp INTEGER NOT NULL,"      /* seconds since the epoch, UTC */
	"  msg_id TEXT,"
	"  origin_id TEXT,"
	"  stanza_id TEXT,"
	"  stanza_by TEXT,"
	"  replaces TEXT,"               /* the msg_id this corrects */
	"  replaces_row INTEGER,"        /* the row it corrects, once found */
	"  retracted INTEGER NOT NULL DEFAULT 0,"
	"  skey INTEGER,"                /* match_key of stanza_id */
	"  okey INTEGER);"               /* match_key of origin_id, else of msg_id */
	"CREATE INDEX message_conv ON message (conv, id, skey, okey);"
	"CREATE INDEX message_replaces ON message (conv, replaces) WHERE replaces IS NOT NULL;"
	"CREATE INDEX message_replaces_row ON message (replaces_row)"
	"  WHERE replaces_row IS NOT NULL;"
	"CREATE VIEW message_text (id, body) AS"
	"  SELECT m.id, coalesce((SELECT c.body FROM message c WHERE c.replaces_row = m.id"
	"    ORDER BY c.id DESC LIMIT 1), m.body)"
	"  FROM message m WHERE m.replaces IS NULL;"
	"CREATE VIRTUAL TABLE message_fts USING fts5 (body, content = 'message_text',"
	"  content_rowid = 'id', columnsize = 0, tokenize = 'unicode61 remove_diacritics 2');"
	/* what a row's change can change in message_text: the row itself
	 * (an original) and the row it corrects */
	"CREATE TRIGGER message_bd BEFORE DELETE ON message BEGIN"
	"  INSERT INTO message_fts (message_fts, rowid, body)"
	"    SELECT 'delete', id, body FROM message_text WHERE id IN ("
	"      SELECT old.id WHERE old.replaces IS NULL UNION SELECT old.replaces_row);"
	"END;"
	"CREATE TRIGGER message_ad AFTER DELETE ON message WHEN old.replaces_row IS NOT NULL BEGIN"
	"  INSERT INTO message_fts (rowid, body)"
	"    SELECT id, body FROM message_text WHERE id = old.replaces_row;"
	"END;"
	"CREATE TRIGGER message_bu BEFORE UPDATE OF id, body, replaces, replaces_row ON message BEGIN"
	"  INSERT INTO message_fts (message_fts, rowid, body)"
	"    SELECT 'delete', id, body FROM message_text WHERE id IN ("
	"      SELECT old.id WHERE old.replaces IS NULL"
	"      UNION SELECT old.replaces_row UNION SELECT new.replaces_row);"
	"END;"
	"CREATE TRIGGER message_au AFTER UPDATE OF id, body, replaces, replaces_row ON message BEGIN"
	"  INSERT INTO message_fts (rowid, body)"
	"    SELECT id, body FROM message_text WHERE id IN ("
	"      SELECT new.id WHERE new.replaces IS NULL"
	"      UNION SELECT old.replaces_row UNION SELECT new.replaces_row);"
	"END;"
	"CREATE TABLE archive_state ("
	"  account TEXT NOT NULL,"
	"  archive TEXT NOT NULL,"        /* bare JID: ours or a room's */
	"  last_id TEXT NOT NULL,"        /* the newest archive id we hold */
	"  last_stamp INTEGER NOT NULL,"
	"  PRIMARY KEY (account, archive));",
};

/* The archive messages of a page are committed with the page's checkpoint:
 * a pass that ends between them defers its commit, at most this many
 * passes in a row or this many messages (a page that never ends, e.g. a
 * query cut short, must not hold writes back for ever). */
#define STORE_DEFER_PASSES 20
#define STORE_DEFER_MSGS 5000
/* The page cache, in KiB: 128 KiB keeps the 5,000-contact login under its
 * memory target and is plenty for searches and screenfuls (bench/history:
 * each under a millisecond); a pass that writes many messages (an archive
 * catch-up, a flood) raises it to STORE_CACHE_BULK_KB for the burst, which
 * keeps the tail pages of the conversations being written cached:
 * bench/history inserts 100,000 messages into a store of 1,000,000 in
 * 1.5 s with 2 MiB, 2.1 s with 512 KiB, 2.7 s with 128 KiB.  The first
 * quiet pass after writes gives the pages back (store_flush). */
#define STORE_CACHE_KB 128
#define STORE_CACHE_BULK_KB 2048
#define STORE_BULK_MSGS 64 /* messages in one pass that make it a burst */
sqlite3 *store_db;
static GHashTable *stmts; /* SQL text (static) -> prepared statement */
static GHashTable *convs; /* "account\njid" -> conv id (GINT_TO_POINTER) */
static GHashTable *synced; /* "account\narchive" for the archives (ours, a
                            * room's) caught up this session: live ids
                            * they gave advance the checkpoint (a set) */
static bool in_txn;
static unsigned pending_archive; /* archive messages written since their page event */
static unsigned deferred;        /* passes whose commit was put off for them */
static unsigned subs[7];
/* Caches of the write path, forgotten when a commit fails: the last
 * conversation written to, and the last id given in the last second. */
static int64_t last_conv;
static char *last_conv_account, *last_conv_jid;
static int64_t next_base = -1, next_id_cache;
/* ... (that second full: its last id) and the greatest id given or in the
 * table (-1: not asked yet), where a full second's next ids go */
static int64_t max_id = -1;
/* Checkpoint moves by live messages, written once per commit rather than
 * once per message: "account\narchive" -> struct store_move. */
static GHashTable *moves;
static void store_moves_write(void);
/* Whether a correction may wait for its message (found at open, set when
 * one comes first): if not, a new message needs no look for one. */
static bool fixes_waiting;
static unsigned pass_msgs; /* messages written in this pass */
/* Commits at most every STORE_BATCH_MS (store_pass_end): a flood of
 * 10,000 messages came in some 4,000 passes, and a commit each (its log
 * header, the pages it dirtied written again) cost more than the
 * messages' rows and index. */
#define STORE_BATCH_MS 100
static int64_t last_commit; /* monotonic us */
static bool bulk_cache;    /* the page cache is STORE_CACHE_BULK_KB */

/* Forget the caches of the write path (after a failed commit, at close). */
static void
store_forget(void)
{
	if (convs != NULL)
		g_hash_table_remove_all(convs);
	g_free(last_conv_account);
	g_free(last_conv_jid);
	last_conv_account = last_conv_jid = NULL;
	last_conv = 0;
	next_base = max_id = -1;
	if (moves != NULL)
		g_hash_table_remove_all(moves);
	match_forget();
}

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

	if (sqlite3_prepare_v2(store_db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
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
		int rc = sqlite3_exec(store_db, sql, NULL, NULL, &msg);
		g_free(sql);
		if (rc != SQLITE_OK) {
			*err = g_strdup_printf("migrating the database to version %d: %s", v + 1,
			    msg != NULL ? msg : sqlite3_errmsg(store_db));
			sqlite3_free(msg);
			sqlite3_exec(store_db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
fail:
	*err = g_strdup(sqlite3_errmsg(store_db));
	return -1;
}

sqlite3_stmt *
store_stmt(const char *sql)
{
	sqlite3_stmt *st;

	if (store_db == NULL)
		return NULL;
	if (stmts == NULL)
		stmts = g_hash_table_new(g_direct_hash, g_direct_equal);
	st = g_hash_table_lookup(stmts, sql);
	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(store_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		g_warning("store: %s: %s", sql, sqlite3_errmsg(store_db));
		return NULL;
	}
	g_hash_table_insert(stmts, (gpointer)sql, st);
	return st;
}

/* Open the pass's transaction on the first write. */
static void
store_write_begin(void)
{
	if (!in_txn && store_db != NULL &&
	    sqlite3_exec(store_db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK)
		in_txn = true;
}

/* Commit the open transaction, if any; after a failed commit forget the
 * conversation ids it may have created. */
static void
store_commit(void)
{
	store_moves_write();
	if (!in_txn)
		return;
	if (sqlite3_exec(store_db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		g_warning("store: commit: %s", sqlite3_errmsg(store_db));
		sqlite3_exec(store_db, "ROLLBACK", NULL, NULL, NULL);
		store_forget();
	}
	in_txn = false;
	last_commit = g_get_monotonic_time();
	pending_archive = 0;
	deferred = 0;
}

/* Set the page cache to kib KiB. */
static void
store_cache_size(int kib)
{
	char sql[48];

	snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", kib);
	sqlite3_exec(store_db, sql, NULL, NULL, NULL);
}

int
store_pass_end(void)
{
	int64_t since = (g_get_monotonic_time() - last_commit) / 1000;

	if (in_txn && since < STORE_BATCH_MS) {
		pass_msgs = 0;
		return (int)MAX(STORE_BATCH_MS - since, 1);
	}
	store_flush();
	return 0;
}

void
store_flush(void)
{
	static bool wrote;

	pass_msgs = 0;
	if (in_txn && pending_archive > 0 && pending_archive < STORE_DEFER_MSGS &&
	    deferred < STORE_DEFER_PASSES) {
		deferred++;
		return;
	}
	if (in_txn) {
		store_commit();
		wrote = true;
	} else if (wrote && store_db != NULL) {
		/* a quiet pass after writes: the burst is over, give back the
		 * page cache it filled */
		if (bulk_cache)
			store_cache_size(STORE_CACHE_KB);
		bulk_cache = false;
		sqlite3_db_release_memory(store_db);
		wrote = false;
	}
}

int
store_step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		g_warning("store: %s", sqlite3_errmsg(store_db));
		return -1;
	}
	return 0;
}

int
store_pin_set(const char *account, const char *fp)
{
	sqlite3_stmt *st;

	if (store_db == NULL)
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

const char *
store_col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

void
store_account_load(struct account *acc)
{
	sqlite3_stmt *st;
	char *own;

	if (store_db == NULL)
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
	own = jid_bare(acc->jid);
	if (own != NULL) {
		int64_t stamp = 0;
		char *last = store_archive_last(acc->name, own, &stamp);
		if (last != NULL) {
			g_free(acc->mam_last_id);
			acc->mam_last_id = last;
			acc->mam_last_stamp = stamp;
		}
	}
	g_free(own);
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

/* --- messages --- */

int64_t
store_stamp_id(int64_t stamp)
{
	if (stamp < 0)
		stamp = 0;
	if (stamp > (INT64_MAX >> STORE_ID_SHIFT) - 2)
		stamp = (INT64_MAX >> STORE_ID_SHIFT) - 2;
	return stamp << STORE_ID_SHIFT;
}

int64_t
store_conv_id(const char *account, const char *jid, bool create)
{
	char *key;
	gpointer v;
	int64_t id = 0;
	sqlite3_stmt *st;

	if (store_db == NULL || account == NULL || jid == NULL)
		return 0;
	/* messages come in bursts: the last one's conversation first */
	if (last_conv != 0 && strcmp(last_conv_account, account) == 0 &&
	    strcmp(last_conv_jid, jid) == 0)
		return last_conv;
	if (convs == NULL)
		convs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	key = g_strconcat(account, "\n", jid, NULL);
	if (g_hash_table_lookup_extended(convs, key, NULL, &v)) {
		g_free(key);
		id = GPOINTER_TO_INT(v);
		g_free(last_conv_account);
		g_free(last_conv_jid);
		last_conv_account = g_strdup(account);
		last_conv_jid = g_strdup(jid);
		return last_conv = id;
	}
	st = store_stmt("SELECT id FROM conv WHERE account = ?1 AND jid = ?2");
	if (st != NULL) {
		sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, jid, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	if (id == 0 && create) {
		store_write_begin();
		st = store_stmt("INSERT INTO conv (account, jid) VALUES (?1, ?2)");
		if (st != NULL) {
			sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, jid, -1, SQLITE_STATIC);
			if (store_step_done(st) == 0)
				id = sqlite3_last_insert_rowid(store_db);
		}
	}
	if (id > 0 && id <= G_MAXINT)
		g_hash_table_insert(convs, key, GINT_TO_POINTER((int)id));
	else
		g_free(key);
	if (id > 0) {
		g_free(last_conv_account);
		g_free(last_conv_jid);
		last_conv_account = g_strdup(account);
		last_conv_jid = g_strdup(jid);
		last_conv = id;
	}
	return id;
}

/* A free message id for a message of second stamp: after the others of
 * that second, or (the second is full) after every message. */
static int64_t
store_next_id(int64_t stamp)
{
	int64_t base = store_stamp_id(stamp), id = base;
	int64_t end = base + (1 << STORE_ID_SHIFT);
	sqlite3_stmt *st;

	/* a new second: ask where its ids stand (then no more: only this code
	 * inserts messages, and a failed commit forgets the cache) */
	if (base != next_base) {
		st = store_stmt("SELECT max(id) FROM message WHERE id >= ?1 AND id < ?2");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, base);
		sqlite3_bind_int64(st, 2, end);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
			id = sqlite3_column_int64(st, 0) + 1;
		sqlite3_reset(st);
		next_base = base;
		next_id_cache = MIN(id, end) - 1;
	}
	if (next_id_cache + 1 < end) {
		id = ++next_id_cache;
		if (max_id >= 0 && id > max_id)
			max_id = id;
		return id;
	}
	/* a second of more than 2^STORE_ID_SHIFT messages (a flood): the rest
	 * go after the greatest id, asked once */
	if (max_id < 0) {
		st = store_stmt("SELECT max(id) FROM message");
		if (st == NULL)
			return -1;
		if (sqlite3_step(st) == SQLITE_ROW)
			max_id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	return ++max_id;
}

static void
store_row_clear(struct store_row *r)
{
	jid_free(r->jf);
	jid_free(r->jt);
	g_free(r->by);
}

static char *own_name, *own_jid, *own_bare; /* the cache of store_own */

/* The bare JID of account's own address, case-folded, or NULL; valid
 * until the next call (one account's is cached: parsing is not free). */
static const char *
store_own(const char *account)
{
	struct account *acc = account != NULL ? account_find(account) : NULL;

	if (acc == NULL)
		return NULL;
	if (g_strcmp0(own_name, account) != 0 || g_strcmp0(own_jid, acc->jid) != 0) {
		g_free(own_name);
		g_free(own_jid);
		g_free(own_bare);
		own_name = g_strdup(account);
		own_jid = g_strdup(acc->jid);
		own_bare = jid_bare(acc->jid);
	}
	return own_bare;
}

/* Work out r's conversation, sender and nick from its event (see
 * history.h): -1 when the addresses do not name one. */
static int
store_row_names(struct store_row *r)
{
	const struct event *ev = r->ev;
	const char *from = ev->u.message.from, *to = ev->u.message.to, *by;
	struct jid *peer;

	r->own = store_own(ev->account);
	r->jf = from != NULL ? jid_parse(from, NULL) : NULL;
	if (g_strcmp0(ev->u.message.type, "groupchat") == 0) {
		/* the room: it sends (also the echo of ours), unless we do */
		peer = r->jf;
		if (peer == NULL || g_strcmp0(peer->bare, r->own) == 0)
			peer = r->jt = to != NULL ? jid_parse(to, NULL) : NULL;
		if (peer != NULL) {
			r->conv_jid = peer->bare;
			if (peer == r->jf)
				r->nick = r->jf->resource;
		}
	} else {
		peer = ev->u.message.out ? (r->jt = to != NULL ? jid_parse(to, NULL) : NULL) : r->jf;
		if (peer != NULL && peer->resource != NULL &&
		    muc_is_room(ev->account, peer->bare)) {
			r->conv_jid = peer->full; /* private, with an occupant */
			r->nick = peer->resource;
		} else if (peer != NULL) {
			r->conv_jid = peer->bare;
		}
	}
	if (r->jf != NULL)
		r->sender = r->jf->full;
	else if (ev->u.message.out)
		r->sender = r->own;
	by = ev->u.message.stanza_by;
	if (by != NULL && r->own != NULL && strcmp(by, r->own) == 0)
		r->stanza_by = r->own;
	else if (by != NULL && r->conv_jid != NULL && strcmp(by, r->conv_jid) == 0)
		r->stanza_by = r->conv_jid;
	else if (by != NULL)
		r->stanza_by = r->by = jid_bare(by);
	return r->conv_jid != NULL ? 0 : -1;
}

/* What message id shows (message_text: its newest correction's body, or
 * its own), to free; NULL if it is not an original message. */
static char *
store_shown(int64_t id)
{
	sqlite3_stmt *st = store_stmt("SELECT body FROM message_text WHERE id = ?1");
	char *body = NULL;

	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		body = g_strdup(store_col(st, 0));
	sqlite3_reset(st);
	return body;
}

/* Add (or with del, remove) text as what message id shows to the index. */
static void
store_fts(int64_t id, const char *text, bool del)
{
	sqlite3_stmt *st = del
	    ? store_stmt("INSERT INTO message_fts (message_fts, rowid, body) VALUES ('delete', ?1, ?2)")
	    : store_stmt("INSERT INTO message_fts (rowid, body) VALUES (?1, ?2)");

	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	store_step_done(st);
}

/* How far back in its conversation a correction looks for the message it
 * replaces (clients correct recent messages; one not found by then waits
 * for its message to arrive). */
#define STORE_FIX_SCAN 2000

/* The row correction r (to be id) replaces: the newest message before it
 * in its conversation with that message id from the same sender (if that
 * is a correction itself, as some clients send, the message it replaces);
 * 0 when there is none among the last STORE_FIX_SCAN. */
static int64_t
store_fix_target(const struct store_row *r, int64_t id)
{
	sqlite3_stmt *st = store_stmt("SELECT id, msg_id, sender, replaces IS NULL, replaces_row "
	    "FROM message WHERE conv = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3");
	int64_t found = 0;

	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, r->conv);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int(st, 3, STORE_FIX_SCAN);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (g_strcmp0(store_col(st, 1), r->ev->u.message.replace_id) != 0 ||
		    g_strcmp0(store_col(st, 2), r->sender) != 0)
			continue;
		found = sqlite3_column_int(st, 3) != 0 ? sqlite3_column_int64(st, 0)
		                                       : sqlite3_column_int64(st, 4);
		if (found != 0)
			break;
	}
	sqlite3_reset(st);
	return found;
}

/* Original r, just stored as id: corrections that came before it (from the
 * same sender, naming its message id, not yet attached) now replace it;
 * the update triggers index its new text. */
static void
store_attach_fixes(const struct store_row *r, int64_t id)
{
	sqlite3_stmt *st;

	if (r->ev->u.message.id == NULL)
		return;
	st = store_stmt("UPDATE message SET replaces_row = ?1 WHERE conv = ?2 AND replaces = ?3 "
	    "AND replaces_row IS NULL AND sender IS ?4");
	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, r->conv);
	sqlite3_bind_text(st, 3, r->ev->u.message.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->sender, -1, SQLITE_STATIC);
	store_step_done(st);
}

/* Whether a correction (from sender, naming msg_id) waits in conv for its
 * message: cheap, the index holds only corrections. */
static bool
store_fix_waiting(const struct store_row *r)
{
	sqlite3_stmt *st = store_stmt("SELECT 1 FROM message WHERE conv = ?1 AND replaces = ?2 "
	    "AND replaces_row IS NULL AND sender IS ?3 LIMIT 1");
	bool found;

	if (st == NULL || r->ev->u.message.id == NULL)
		return false;
	sqlite3_bind_int64(st, 1, r->conv);
	sqlite3_bind_text(st, 2, r->ev->u.message.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->sender, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return found;
}

/* Insert r as a new row and index what it shows: an original its text
 * (then the text of a correction that came first), a correction the new
 * text of the message it replaces. */
static void
store_insert(const struct store_row *r)
{
	const struct event *ev = r->ev;
	int64_t id = store_next_id(ev->u.message.stamp), target = 0;
	sqlite3_stmt *st = store_stmt("INSERT INTO message (id, conv, sender, nick, occupant_id, "
	    "dir, type, body, stamp, msg_id, origin_id, stanza_id, stanza_by, replaces, "
	    "replaces_row, skey, okey) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15, ?16, ?17)");
	char *before = NULL, *after;

	if (ev->u.message.replace_id != NULL && (target = store_fix_target(r, id)) != 0)
		before = store_shown(target);
	/* (store_fix_target and store_shown used other statements: st is
	 * still reset and unbound) */
	if (st == NULL || id < 0) {
		g_free(before);
		return;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, r->conv);
	sqlite3_bind_text(st, 3, r->sender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->nick, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ev->u.message.occupant_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, ev->u.message.out ? 1 : 0);
	sqlite3_bind_text(st, 7, ev->u.message.type != NULL ? ev->u.message.type : "normal", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 8, ev->u.message.body, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, ev->u.message.stamp);
	sqlite3_bind_text(st, 10, ev->u.message.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, ev->u.message.origin_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, r->stanza_by != NULL ? ev->u.message.stanza_id : NULL, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 13, ev->u.message.stanza_id != NULL ? r->stanza_by : NULL, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 14, ev->u.message.replace_id, -1, SQLITE_STATIC);
	if (target != 0)
		sqlite3_bind_int64(st, 15, target);
	if (r->stanza_by != NULL)
		match_bind_key(st, 16, ev->u.message.stanza_id);
	match_bind_key(st, 17, ev->u.message.origin_id != NULL ? ev->u.message.origin_id
	                                                      : ev->u.message.id);
	if (store_step_done(st) != 0) {
		g_free(before);
		return;
	}
	match_remember(r, id);
	if (ev->u.message.replace_id == NULL) {
		store_fts(id, ev->u.message.body, false);
		if (fixes_waiting && store_fix_waiting(r))
			store_attach_fixes(r, id);
	} else if (target == 0) {
		fixes_waiting = true;
	} else {
		after = store_shown(target);
		if (before != NULL && after != NULL && strcmp(before, after) != 0) {
			store_fts(target, before, true);
			store_fts(target, after, false);
		}
		g_free(after);
	}
	g_free(before);
}

/* Where the checkpoint of account's archive is kept in memory: *id and
 * *stamp point into our account (own archive) or a known room, or are
 * NULL. */
static void
store_held(const char *account, const char *archive, const char *own, char ***id,
    int64_t **stamp)
{
	struct account *acc = account_find(account);
	struct room *room;

	*id = NULL;
	*stamp = NULL;
	if (acc != NULL && own != NULL && strcmp(archive, own) == 0) {
		*id = &acc->mam_last_id;
		*stamp = &acc->mam_last_stamp;
	} else if ((room = muc_find(account, archive)) != NULL) {
		*id = &room->archive_last;
		*stamp = &room->archive_stamp;
	}
}

/* Record that account holds archive up to last_id (at last_stamp), unless
 * it holds a newer id already; our own archive's id becomes
 * acc->mam_last_id. */
static void
store_checkpoint(const char *account, const char *archive, const char *own, const char *last_id,
    int64_t last_stamp)
{
	sqlite3_stmt *st = store_stmt("INSERT INTO archive_state (account, archive, last_id, "
	    "last_stamp) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (account, archive) DO UPDATE SET "
	    "last_id = excluded.last_id, last_stamp = excluded.last_stamp "
	    "WHERE excluded.last_stamp >= archive_state.last_stamp");
	char **held;
	int64_t *held_stamp;

	if (st == NULL)
		return;
	store_write_begin();
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, archive, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, last_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, last_stamp);
	if (store_step_done(st) != 0 || sqlite3_changes(store_db) == 0)
		return;
	/* (memory may be ahead of the table by a move not yet written) */
	store_held(account, archive, own, &held, &held_stamp);
	if (held != NULL && (*held == NULL || last_stamp >= *held_stamp)) {
		g_free(*held);
		*held = g_strdup(last_id);
		*held_stamp = last_stamp;
	}
}

struct store_move {
	char *account, *archive, *own, *last_id;
	int64_t stamp;
};

/* Free a struct store_move (the moves table's value destructor). */
static void
store_move_free(gpointer p)
{
	struct store_move *m = p;

	g_free(m->account);
	g_free(m->archive);
	g_free(m->own);
	g_free(m->last_id);
	g_free(m);
}

/* Move account's checkpoint of archive to last_id (at last_stamp) for a
 * live message: in memory now, in the database at the commit
 * (store_moves_write). */
static void
store_move(const char *account, const char *archive, const char *own, const char *last_id,
    int64_t last_stamp)
{
	char *key, **held;
	int64_t *held_stamp;
	struct store_move *m;

	store_held(account, archive, own, &held, &held_stamp);
	if (held != NULL) {
		if (*held != NULL && last_stamp < *held_stamp)
			return;
		g_free(*held);
		*held = g_strdup(last_id);
		*held_stamp = last_stamp;
	}
	key = g_strconcat(account, "\n", archive, NULL);

	if (moves == NULL)
		moves = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, store_move_free);
	if ((m = g_hash_table_lookup(moves, key)) == NULL) {
		m = g_new0(struct store_move, 1);
		m->account = g_strdup(account);
		m->archive = g_strdup(archive);
		m->own = g_strdup(own);
		g_hash_table_insert(moves, key, m);
	} else {
		g_free(key);
		if (last_stamp < m->stamp)
			return;
		g_free(m->last_id);
	}
	m->last_id = g_strdup(last_id);
	m->stamp = last_stamp;
	store_write_begin();
}

/* Write the checkpoint moves noted since the last commit. */
static void
store_moves_write(void)
{
	GHashTableIter it;
	gpointer v;

	if (moves == NULL || g_hash_table_size(moves) == 0)
		return;
	g_hash_table_iter_init(&it, moves);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct store_move *m = v;
		store_checkpoint(m->account, m->archive, m->own, m->last_id, m->stamp);
	}
	g_hash_table_remove_all(moves);
}

char *
store_archive_last(const char *account, const char *archive, int64_t *stamp)
{
	sqlite3_stmt *st = store_stmt("SELECT last_id, last_stamp FROM archive_state "
	    "WHERE account = ?1 AND archive = ?2");
	char *bare = archive != NULL ? jid_bare(archive) : NULL;
	char *id = NULL;

	store_moves_write();
	if (st != NULL && bare != NULL) {
		sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, bare, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			id = g_strdup(store_col(st, 0));
			*stamp = sqlite3_column_int64(st, 1);
		}
		sqlite3_reset(st);
	}
	g_free(bare);
	return id;
}

/* True when account's archive (a bare JID) was caught up this session. */
static bool
store_synced(const char *account, const char *archive)
{
	char *key;
	bool yes;

	if (synced == NULL || archive == NULL)
		return false;
	key = g_strconcat(account, "\n", archive, NULL);
	yes = g_hash_table_contains(synced, key);
	g_free(key);
	return yes;
}

/* After message r (kept, or a copy): count it against its archive page,
 * or let a live one with an id of an archive caught up this session move
 * that archive's checkpoint. */
static void
store_after_message(const struct store_row *r)
{
	const struct event *ev = r->ev;

	if (ev->u.message.source == MSG_ARCHIVE)
		pending_archive++;
	else if (ev->u.message.stanza_id != NULL && store_synced(ev->account, r->stanza_by))
		store_move(ev->account, r->stanza_by, r->own, ev->u.message.stanza_id,
		    ev->u.message.stamp);
}

/* What store_filter_message decided about the event being dispatched,
 * for store_on_message: its row (names parsed, conversation) and whether
 * it is a copy. */
static struct {
	const struct event *ev;
	struct store_row r;
	bool dup;
} judged;

/* Forget what was judged. */
static void
store_judged_clear(void)
{
	if (judged.ev != NULL)
		store_row_clear(&judged.r);
	judged.ev = NULL;
}

/* The bus's filter of messages: the store sees each one before anyone.
 * A copy of a message already kept that is not live (history, archive,
 * carbon, offline delivery) goes no further: a window or a script has
 * seen it.  A retraction is applied here (match_retract), so that front
 * ends learn which message it blanked, and goes no further if it blanked
 * none.  Messages are written after every front end has seen them
 * (store_on_message): a window opened for a message finds the store's
 * lines without it. */
static bool
store_filter_message(struct event *ev, void *unused)
{
	struct store_row *r = &judged.r;
	bool pass = true;

	store_judged_clear();
	if (store_db == NULL || ev->account == NULL || ev->u.message.body == NULL)
		return true;
	*r = (struct store_row){ .ev = ev };
	judged.ev = ev;
	if (store_row_names(r) == 0)
		r->conv = store_conv_id(ev->account, r->conv_jid, true);
	if (r->conv == 0) {
		store_judged_clear();
		return true;
	}
	store_write_begin();
	if (ev->u.message.retract_id != NULL) {
		judged.dup = !match_retract(r, ev);
		pass = !judged.dup;
	} else {
		judged.dup = match_copy(r);
		ev->u.message.unseen = !judged.dup;
		pass = !judged.dup || (ev->u.message.source == MSG_LIVE && !ev->u.message.delayed);
	}
	if (!pass) {
		store_after_message(r);
		store_judged_clear();
	}
	return pass;
}

/* Store a message once (see history.h), as store_filter_message judged
 * it, after the front ends saw it. */
static void
store_on_message(const struct event *ev, void *unused)
{
	struct store_row r = { .ev = ev };
	bool was_judged = judged.ev == ev;

	if (store_db == NULL || ev->account == NULL || ev->u.message.body == NULL)
		return;
	if (was_judged) {
		/* the filter's row, names and conversation found already */
		r = judged.r;
		judged.ev = NULL;
		r.own = store_own(ev->account); /* its cache may have moved on */
	} else if (store_row_names(&r) == 0) {
		/* not judged (emitted without the filters) */
		r.conv = store_conv_id(ev->account, r.conv_jid, true);
	}
	if (r.conv == 0) {
		log_msg(ev->account, "store: message from %s to %s not kept: no conversation",
		    ev->u.message.from != NULL ? ev->u.message.from : "(none)",
		    ev->u.message.to != NULL ? ev->u.message.to : "(none)");
		store_row_clear(&r);
		return;
	}
	store_write_begin();
	if (++pass_msgs == STORE_BULK_MSGS && !bulk_cache) {
		store_cache_size(STORE_CACHE_BULK_KB);
		bulk_cache = true;
	}
	if (ev->u.message.retract_id == NULL && (was_judged ? !judged.dup : !match_copy(&r)))
		store_insert(&r);
	store_after_message(&r);
	store_row_clear(&r);
}

/* A page of an archive was delivered: its checkpoint goes into the same
 * transaction as its messages; our own archive caught up lets live ids
 * advance the checkpoint from now on. */
static void
store_on_archive_page(const struct event *ev, void *unused)
{
	char *own, *archive;

	if (store_db == NULL || ev->account == NULL)
		return;
	pending_archive = 0;
	if (!ev->u.archive.ok || ev->u.archive.archive == NULL)
		return;
	own = g_strdup(store_own(ev->account));
	archive = jid_bare(ev->u.archive.archive);
	if (archive != NULL && ev->u.archive.last_id != NULL)
		store_checkpoint(ev->account, archive, own, ev->u.archive.last_id,
		    ev->u.archive.last_stamp);
	if (archive != NULL && ev->u.archive.complete) {
		if (synced == NULL)
			synced = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		g_hash_table_add(synced, g_strconcat(ev->account, "\n", archive, NULL));
	}
	g_free(own);
	g_free(archive);
}

/* A session began or ended: until the next catch-up completes, live ids
 * do not move the checkpoint (there may be a gap before them). */
static void
store_on_session(const struct event *ev, void *unused)
{
	if (synced != NULL && ev->account != NULL) {
		GHashTableIter it;
		gpointer k;
		size_t n = strlen(ev->account);
		g_hash_table_iter_init(&it, synced);
		while (g_hash_table_iter_next(&it, &k, NULL)) {
			if (strncmp(k, ev->account, n) == 0 && ((char *)k)[n] == '\n')
				g_hash_table_iter_remove(&it);
		}
	}
	if (ev->type == EV_DISCONNECTED)
		pending_archive = 0;
}

/* The number one query (sql, a literal) counts, or -1. */
static int64_t
store_count(const char *sql)
{
	sqlite3_stmt *st = store_stmt(sql);
	int64_t n = -1;

	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	if (st != NULL)
		sqlite3_reset(st);
	return n;
}

int
store_open(const char *dir, char **err)
{
	char *path;

	/* natter is SQLite's only user here: no global memory statistics
	 * (a mutex taken on every allocation); refused once initialized */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (g_mkdir_with_parents(dir, 0700) != 0) {
		*err = g_strdup_printf("cannot create %s: %s", dir, g_strerror(errno));
		return -1;
	}
	path = g_build_filename(dir, "natter.db", NULL);
	if (sqlite3_open_v2(path, &store_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		*err = g_strdup_printf("%s: %s", path,
		    store_db ? sqlite3_errmsg(store_db) : "out of memory");
		g_free(path);
		sqlite3_close(store_db);
		store_db = NULL;
		return -1;
	}
	chmod(path, 0600);
	sqlite3_busy_timeout(store_db, 2000);
	/* the page cache: see STORE_CACHE_KB */
	bulk_cache = false;
	sqlite3_exec(store_db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
	    "PRAGMA foreign_keys = ON; PRAGMA cache_size = -" G_STRINGIFY(STORE_CACHE_KB) ";",
	    NULL, NULL, NULL);
	if (store_migrate(err) != 0 || (history_fts_init(store_db) != 0 &&
	    (*err = g_strdup("this SQLite has no full-text search (FTS5)")) != NULL)) {
		sqlite3_close(store_db);
		store_db = NULL;
		g_free(path);
		return -1;
	}
	checkpoint_start(store_db, path);
	g_free(path);
	fixes_waiting = store_count("SELECT count(*) FROM message "
	    "WHERE replaces IS NOT NULL AND replaces_row IS NULL") != 0;
	subs[0] = bus_subscribe(EV_ROSTER, store_on_roster, NULL);
	subs[1] = bus_subscribe(EV_ROSTER_END, store_on_roster, NULL);
	subs[2] = bus_subscribe(EV_MESSAGE, store_on_message, NULL);
	subs[6] = bus_filter(EV_MESSAGE, store_filter_message, NULL);
	subs[3] = bus_subscribe(EV_ARCHIVE_PAGE, store_on_archive_page, NULL);
	subs[4] = bus_subscribe(EV_CONNECTED, store_on_session, NULL);
	subs[5] = bus_subscribe(EV_DISCONNECTED, store_on_session, NULL);
	return 0;
}

void
store_close(void)
{
	GHashTableIter it;
	gpointer st;

	if (store_db == NULL)
		return;
	store_commit();
	store_judged_clear();
	checkpoint_stop(store_db);
	for (size_t i = 0; i < G_N_ELEMENTS(subs); i++)
		bus_unsubscribe(subs[i]);
	/* only ours: FTS5 keeps statements of its own on the connection,
	 * which it finalizes as it closes */
	if (stmts != NULL) {
		g_hash_table_iter_init(&it, stmts);
		while (g_hash_table_iter_next(&it, NULL, &st))
			sqlite3_finalize(st);
		g_hash_table_destroy(stmts);
	}
	stmts = NULL;
	store_forget();
	if (convs != NULL)
		g_hash_table_destroy(convs);
	convs = NULL;
	match_free();
	if (moves != NULL)
		g_hash_table_destroy(moves);
	moves = NULL;
	if (synced != NULL)
		g_hash_table_destroy(synced);
	synced = NULL;
	g_free(own_name);
	g_free(own_jid);
	g_free(own_bare);
	own_name = own_jid = own_bare = NULL;
	if (sqlite3_close(store_db) != SQLITE_OK)
		g_warning("store: close: %s", sqlite3_errmsg(store_db));
	store_db = NULL;
}
