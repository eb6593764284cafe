/* store-priv.h - what the files of src/store/ share: the connection, the
 * statement cache, the conversation table and the time-ordered message
 * ids.  Nothing outside src/store/ includes it. */
#ifndef NATTER_STORE_PRIV_H
#define NATTER_STORE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

/* A message's id is (stamp << STORE_ID_SHIFT) + n, n counting the messages
 * of that second: id order is time order, so pages, search results
 * ("newest first") and before:/after: all walk one integer key.  A second
 * with more than 2^STORE_ID_SHIFT messages spills into the next ids. */
#define STORE_ID_SHIFT 10

/* The open database, or NULL. */
extern sqlite3 *store_db;

/* The prepared statement for sql (a string literal: the cache is keyed by
 * its address), reset and unbound; NULL (logged) if it does not compile.
 * The store owns it. */
sqlite3_stmt *store_stmt(const char *sql);
/* Column i of the current row as text (owned by SQLite, valid until the
 * next step). */
const char *store_col(sqlite3_stmt *st, int i);

/* The id of conversation jid of account, or 0 when there is none; create
 * adds it (inside the pass's transaction). */
int64_t store_conv_id(const char *account, const char *jid, bool create);

/* The first message id of second stamp (negative stamps count as 0). */
int64_t store_stamp_id(int64_t stamp);

/* Checkpoint db's write-ahead log (the file at path) on a thread of its
 * own from now on (checkpoint.c), instead of inside its commits. */
void checkpoint_start(sqlite3 *db, const char *path);
/* Stop that thread (before db is closed). */
void checkpoint_stop(sqlite3 *db);

/* Register the FTS5 function natter_marks() on db: 0, or -1. */
int history_fts_init(sqlite3 *db);

#endif
