/* match.c - which stored message a new one is, or names: its copies
 * (the same message live, as a carbon, from an archive) and the message
 * a retraction takes back.  The store's write path (store.c) asks before
 * it writes; the rows it writes are remembered here (match_remember). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <sqlite3.h>

#include "natter/event.h"
#include "natter/jid.h"
#include "natter/log.h"
#include "store-priv.h"

/* Copies of a message are looked for this many seconds around its time:
 * an archived one may have a copy received live, stamped by our clock,
 * not the server's; copies of a live one come from the server. */
#define MATCH_WINDOW_ARCHIVE 3600
#define MATCH_WINDOW_LIVE 120

/* Copies of a message are looked for around its time among the index
 * entries of its conversation (match_copy).  For a burst of new
 * messages (a catch-up, a flood) that window holds the burst itself, and
 * the scan made checking it quadratic: 17 s of CPU for a catch-up of
 * 10,000 messages.  So the rows this run wrote with ids above fresh_top
 * (the newest row when the store opened) are kept in fresh, (conv, kind,
 * key of an id) -> row (MATCH_FRESH_MANY when two rows share it), and the
 * index is scanned only up to fresh_top.  At MATCH_FRESH_MAX entries
 * (about 1.5 MB) the older half goes (fresh_top moves up past it); after
 * a failed commit all of it (fresh_top -1: to be read again). */
static GHashTable *fresh;
static int64_t fresh_top = -1;
#define MATCH_FRESH_MAX 40000
#define MATCH_FRESH_MANY ((gpointer)(intptr_t)-1)
enum { MATCH_KEY_STANZA, MATCH_KEY_ORIGIN };

/* The key of an id in the conversation index: a 31-bit FNV-1a hash
 * (stable: it is stored). */
int64_t
match_key(const char *s)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		h = (h ^ *p) * 16777619u;
	return (int64_t)(h & 0x7fffffff);
}

/* Bind the key of s (NULL: none) to parameter i of st. */
void
match_bind_key(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_int64(st, i, match_key(s));
}

static void match_remember_id(int64_t conv, int kind, const char *id, int64_t row);

/* Give stored message id the stanza-id of r (it arrived without one). */
static void
match_fill_stanza_id(int64_t id, const struct store_row *r)
{
	sqlite3_stmt *st = store_stmt("UPDATE message SET stanza_id = ?1, stanza_by = ?2, "
	    "skey = ?4 WHERE id = ?3");

	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, r->ev->u.message.stanza_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->stanza_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	match_bind_key(st, 4, r->ev->u.message.stanza_id);
	if (store_step_done(st) == 0)
		match_remember_id(r->conv, MATCH_KEY_STANZA, r->ev->u.message.stanza_id, id);
}

/* Whether stored message id is r's message: they share an id that names
 * it (a stanza-id of the same archive, an origin-id, or an id with the
 * same sender and text) and no id tells them apart.  *fill: the row
 * lacks the stanza-id r brings. */
static bool
match_row(const struct store_row *r, int64_t id, bool *fill)
{
	const struct event *ev = r->ev;
	const char *esid = ev->u.message.stanza_id, *eoid = ev->u.message.origin_id;
	const char *emid = ev->u.message.id, *sid, *sby, *oid, *mid;
	sqlite3_stmt *st = store_stmt("SELECT stanza_id, stanza_by, origin_id, msg_id, sender, body "
	    "FROM message WHERE id = ?1");
	bool same;

	*fill = false;
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return false;
	}
	sid = store_col(st, 0);
	sby = store_col(st, 1);
	oid = store_col(st, 2);
	mid = store_col(st, 3);
	if (sid != NULL && esid != NULL && g_strcmp0(sby, r->stanza_by) == 0)
		same = strcmp(sid, esid) == 0; /* one archive, one id each */
	else if (oid != NULL && eoid != NULL)
		same = strcmp(oid, eoid) == 0;
	else /* the id, sender and text (no id at all: the query matched the second) */
		same = g_strcmp0(mid, emid) == 0 && g_strcmp0(store_col(st, 4), r->sender) == 0 &&
		    g_strcmp0(store_col(st, 5), ev->u.message.body) == 0;
	if (same && oid != NULL && eoid != NULL && strcmp(oid, eoid) != 0)
		same = false;
	*fill = same && sid == NULL && esid != NULL && r->stanza_by != NULL;
	sqlite3_reset(st);
	return same;
}

/* Whether one of the ids st yields (column 0; st is reset) is r's
 * message; its stanza-id is filled in if it lacked one. */
static bool
match_scan(sqlite3_stmt *st, const struct store_row *r)
{
	int64_t ids[64], hit = 0;
	unsigned n = 0;
	bool fill = false;

	/* collected first: match_row steps another statement */
	while (n < G_N_ELEMENTS(ids) && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	for (unsigned i = 0; i < n && hit == 0; i++)
		if (match_row(r, ids[i], &fill))
			hit = ids[i];
	if (hit != 0 && fill)
		match_fill_stanza_id(hit, r);
	return hit != 0;
}

/* The key of fresh for an id (kind: MATCH_KEY_*) in conversation conv. */
static gpointer
match_fresh_key(int64_t conv, int kind, const char *id)
{
	return (gpointer)(uintptr_t)(((uint64_t)conv << 33) | ((uint64_t)kind << 31) |
	    (uint64_t)match_key(id));
}

/* The newest row's id (fresh_top, read again after a failed commit). */
static int64_t
match_fresh_top(void)
{
	sqlite3_stmt *st;

	if (fresh_top >= 0)
		return fresh_top;
	st = store_stmt("SELECT coalesce(max(id), 0) FROM message");
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		fresh_top = sqlite3_column_int64(st, 0);
	if (st != NULL)
		sqlite3_reset(st);
	return fresh_top;
}

static int
match_cmp_rows(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* fresh is full: the older half of its rows becomes the index's to find
 * (fresh_top moves up to the newest of them), so that the messages of
 * the last minutes stay in memory however long a burst lasts. */
static void
match_fresh_prune(void)
{
	GHashTableIter it;
	gpointer v;
	GArray *rows = g_array_sized_new(FALSE, FALSE, sizeof(int64_t), g_hash_table_size(fresh));
	int64_t cut;

	g_hash_table_iter_init(&it, fresh);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		int64_t row = (int64_t)(intptr_t)v;
		if (v != MATCH_FRESH_MANY)
			g_array_append_val(rows, row);
	}
	if (rows->len == 0) {
		/* only shared keys: start again from the index */
		g_hash_table_remove_all(fresh);
		fresh_top = -1;
		g_array_free(rows, TRUE);
		return;
	}
	qsort(rows->data, rows->len, sizeof(int64_t), match_cmp_rows);
	cut = g_array_index(rows, int64_t, rows->len / 2);
	g_array_free(rows, TRUE);
	/* keys shared by several rows stay: they send the look to the index
	 * over the whole window */
	g_hash_table_iter_init(&it, fresh);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		if (v != MATCH_FRESH_MANY && (int64_t)(intptr_t)v <= cut)
			g_hash_table_iter_remove(&it);
	}
	fresh_top = MAX(match_fresh_top(), cut);
}

/* Remember row id of conversation conv under id (kind: MATCH_KEY_*), if
 * it is newer than fresh_top. */
static void
match_remember_id(int64_t conv, int kind, const char *id, int64_t row)
{
	gpointer key, old;

	if (id == NULL || row <= match_fresh_top())
		return;
	if (fresh == NULL)
		fresh = g_hash_table_new(g_direct_hash, g_direct_equal);
	if (g_hash_table_size(fresh) >= MATCH_FRESH_MAX) {
		match_fresh_prune();
		if (row <= match_fresh_top())
			return;
	}
	key = match_fresh_key(conv, kind, id);
	old = g_hash_table_lookup(fresh, key);
	g_hash_table_insert(fresh, key, old == NULL || old == (gpointer)(intptr_t)row
	    ? (gpointer)(intptr_t)row : MATCH_FRESH_MANY);
}

/* Whether a row of fresh in [lo, hi) under one of r's ids is r's message
 * (its stanza-id filled in if it lacked one); *many: a key is shared by
 * several rows, so the index must be asked over the whole window. */
static bool
match_fresh_dup(const struct store_row *r, int64_t lo, int64_t hi, bool *many)
{
	const struct event *ev = r->ev;
	const char *ids[3] = { ev->u.message.stanza_id, ev->u.message.origin_id, ev->u.message.id };
	bool fill = false;

	*many = false;
	if (fresh == NULL)
		return false;
	for (int i = 0; i < 3; i++) {
		gpointer v;
		int64_t row;
		if (ids[i] == NULL || (i == 0 && r->stanza_by == NULL))
			continue;
		v = g_hash_table_lookup(fresh, match_fresh_key(r->conv,
		    i == 0 ? MATCH_KEY_STANZA : MATCH_KEY_ORIGIN, ids[i]));
		if (v == MATCH_FRESH_MANY) {
			*many = true;
			continue;
		}
		row = (int64_t)(intptr_t)v;
		if (row >= lo && row < hi && match_row(r, row, &fill)) {
			if (fill)
				match_fill_stanza_id(row, r);
			return true;
		}
	}
	return false;
}

/* Whether r's message is stored already (see the schema): a row of its
 * conversation around its time (an hour for an archived one, two minutes
 * otherwise) that shares an id with it, or, without any id, one with its
 * sender and text in the same second.  Rows this run wrote are looked up
 * in fresh, the others in the index. */
bool
match_copy(const struct store_row *r)
{
	const struct event *ev = r->ev;
	const char *ids[3] = { ev->u.message.origin_id, ev->u.message.stanza_id, ev->u.message.id };
	int64_t t = ev->u.message.stamp;
	int64_t w = ev->u.message.source == MSG_ARCHIVE ? MATCH_WINDOW_ARCHIVE
	                                                : MATCH_WINDOW_LIVE;
	sqlite3_stmt *st;

	if (ids[0] != NULL || ids[1] != NULL || ids[2] != NULL) {
		int64_t lo = store_stamp_id(t - w), hi = store_stamp_id(t + w + 1);
		bool many;
		if (match_fresh_dup(r, lo, hi, &many))
			return true;
		if (!many)
			hi = MIN(hi, match_fresh_top() + 1);
		if (lo >= hi)
			return false;
		st = store_stmt("SELECT id FROM message WHERE conv = ?1 AND id >= ?2 AND id < ?3 "
		    "AND (skey = ?4 OR okey IN (?5, ?6))");
		if (st == NULL)
			return false;
		sqlite3_bind_int64(st, 1, r->conv);
		sqlite3_bind_int64(st, 2, lo);
		sqlite3_bind_int64(st, 3, hi);
		match_bind_key(st, 4, ids[1]);
		match_bind_key(st, 5, ids[0]);
		match_bind_key(st, 6, ids[2]);
		return match_scan(st, r);
	}
	st = store_stmt("SELECT id FROM message WHERE conv = ?1 AND id >= ?2 AND id < ?3 "
	    "AND stamp = ?4 AND msg_id IS NULL AND origin_id IS NULL AND stanza_id IS NULL "
	    "AND sender IS ?5 AND body = ?6");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, r->conv);
	sqlite3_bind_int64(st, 2, store_stamp_id(t));
	sqlite3_bind_int64(st, 3, store_stamp_id(t) + (1 << STORE_ID_SHIFT));
	sqlite3_bind_int64(st, 4, t);
	sqlite3_bind_text(st, 5, r->sender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, ev->u.message.body, -1, SQLITE_STATIC);
	return match_scan(st, r);
}

void
match_remember(const struct store_row *r, int64_t row)
{
	const struct event *ev = r->ev;

	if (r->stanza_by != NULL)
		match_remember_id(r->conv, MATCH_KEY_STANZA, ev->u.message.stanza_id, row);
	match_remember_id(r->conv, MATCH_KEY_ORIGIN, ev->u.message.origin_id != NULL
	    ? ev->u.message.origin_id : ev->u.message.id, row);
}

void
match_forget(void)
{
	if (fresh != NULL)
		g_hash_table_remove_all(fresh);
	fresh_top = -1;
}

void
match_free(void)
{
	if (fresh != NULL)
		g_hash_table_destroy(fresh);
	fresh = NULL;
	fresh_top = -1;
}

/* Whether retraction r may blank a message of sender (with occupant-id
 * occ): from the same occupant in a room (its occupant-id when both have
 * one, else its nick), from the room itself for a moderator's, from the
 * same bare JID in a chat (XEP-0424 "Business rules"). */
static bool
match_retract_allowed(const struct store_row *r, const char *sender, const char *occ)
{
	const struct event *ev = r->ev;

	if (sender == NULL || r->sender == NULL)
		return false;
	if (g_strcmp0(ev->u.message.type, "groupchat") == 0) {
		if (ev->u.message.moderated)
			return r->jf != NULL && r->jf->resource == NULL;
		if (occ != NULL && ev->u.message.occupant_id != NULL)
			return strcmp(occ, ev->u.message.occupant_id) == 0;
		return strcmp(sender, r->sender) == 0;
	}
	return jid_bare_equal(sender, r->sender);
}

/* Apply retraction r: blank the message of r's conversation whose
 * origin-id, id or stanza-id (by the archive of the conversation) is
 * ev's retract_id, with its corrections, and mark it retracted, if r's
 * sender may (match_retract_allowed).  Fills ev's retracts and
 * retract_row; false when nothing was retracted. */
bool
match_retract(const struct store_row *r, struct event *ev)
{
	const char *rid = ev->u.message.retract_id;
	sqlite3_stmt *st = store_stmt("SELECT id, sender, occupant_id, msg_id, origin_id, stanza_id, "
	    "stanza_by, retracted FROM message WHERE conv = ?1 AND (skey = ?2 OR okey = ?2) "
	    "AND replaces IS NULL ORDER BY id DESC");
	int64_t row = 0;
	bool done = false;

	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, r->conv);
	sqlite3_bind_int64(st, 2, match_key(rid));
	while (row == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *origin = store_col(st, 4), *sid = store_col(st, 5);
		bool named = g_strcmp0(origin, rid) == 0 ||
		    (origin == NULL && g_strcmp0(store_col(st, 3), rid) == 0) ||
		    (g_strcmp0(sid, rid) == 0 && g_strcmp0(store_col(st, 6), r->conv_jid) == 0);
		if (!named)
			continue;
		if (!match_retract_allowed(r, store_col(st, 1), store_col(st, 2))) {
			log_msg(ev->account, "retraction of %s by %s refused: not its sender", rid,
			    r->sender != NULL ? r->sender : "(none)");
			break;
		}
		if (sqlite3_column_int(st, 7) != 0)
			break; /* already */
		row = sqlite3_column_int64(st, 0);
		g_free(ev->u.message.retracts);
		ev->u.message.retracts = g_strdup(store_col(st, 3));
	}
	sqlite3_reset(st);
	if (row == 0)
		return false;
	st = store_stmt("UPDATE message SET body = '', retracted = 1 WHERE id = ?1 OR replaces_row = ?1");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, row);
		done = store_step_done(st) == 0;
	}
	ev->u.message.retract_row = done ? row : 0;
	return done;
}
