/* store-priv.h - what the files of src/store/ share: the connection, the
 * statement cache, the conversation table and the time-ordered message
 * ids.  Nothing outside src/store/ includes it. */
#ifndef NATTER_STORE_PRIV_H
#define NATTER_STORE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

struct event;
struct jid;

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

/* Step st, which returns no rows, and reset it: 0, or -1 (logged). */
int store_step_done(sqlite3_stmt *st);

/* One message as it is stored: the names worked out from the event
 * (pointing into the parsed addresses, or the cache of our own JID). */
struct store_row {
	const struct event *ev;
	int64_t conv;
	struct jid *jf, *jt;   /* from and to, parsed (jt only when needed) */
	const char *conv_jid;  /* the conversation */
	const char *sender;    /* normalised full JID of the sender */
	const char *nick;      /* room nick, or NULL */
	const char *stanza_by; /* normalised, or NULL */
	const char *own;       /* our own bare JID, or NULL */
	char *by;              /* stanza_by when it had to be parsed */
};

/* match.c: which stored message a new one is, or names. */
/* The key of an id in the conversation index (skey, okey): a 31-bit
 * FNV-1a hash (stable: it is stored). */
int64_t match_key(const char *s);
/* Bind the key of s (NULL: none) to parameter i of st. */
void match_bind_key(sqlite3_stmt *st, int i, const char *s);
/* Whether r's message is stored already (its stanza-id filled in on the
 * stored copy if that lacked one). */
bool match_copy(const struct store_row *r);
/* Remember that r was stored as row (for match_copy of a burst). */
void match_remember(const struct store_row *r, int64_t row);
/* Apply retraction r (ev) to the message it names, if its sender may;
 * false when nothing was retracted.  Fills ev's retracts, retract_row. */
bool match_retract(const struct store_row *r, struct event *ev);
/* Forget what was remembered (a failed commit); free it (closing). */
void match_forget(void);
void match_free(void);

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
