/* history.c - reading the message history back (history.h): pages of a
 * conversation, full-text search with the matching words located, and
 * export as JSON lines.  The write side is in store.c. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <jansson.h>
#include <sqlite3.h>

#include "natter/account.h"
#include "natter/history.h"
#include "natter/jid.h"
#include "store-priv.h"

/* The body of a message's newest correction, or NULL (as message_text). */
#define HISTORY_CORR \
	"(SELECT x.body FROM message x WHERE x.replaces_row = m.id ORDER BY x.id DESC LIMIT 1)"
/* What every reader selects, in the order history_row reads it. */
#define HISTORY_COLS \
	"m.id, m.stamp, m.dir, c.account, c.jid, m.sender, m.nick, m.type, m.body, " \
	HISTORY_CORR ", m.msg_id, m.retracted"
#define HISTORY_FROM " FROM message m JOIN conv c ON c.id = m.conv "
/* The filters of a search: ?2/?3 the id range (before:, after:), ?4 the
 * account, ?5 the conversation (in:), ?6 the sender's full JID or ?7/?8
 * the range of a bare JID's resources (from:). */
#define HISTORY_FILTERS \
	" AND (?4 IS NULL OR c.account = ?4) AND (?5 IS NULL OR c.jid = ?5)" \
	" AND (?6 IS NULL OR m.sender = ?6 OR (m.sender >= ?7 AND m.sender < ?8))"

/* Searches with words: the FTS index yields ids newest first. */
#define HISTORY_FTS_FROM \
	" FROM message_fts JOIN message m ON m.id = message_fts.rowid" \
	" JOIN conv c ON c.id = m.conv" \
	" WHERE message_fts MATCH ?1 AND message_fts.rowid < ?2 AND message_fts.rowid >= ?3" \
	HISTORY_FILTERS
static const char history_sql_words[] =
	"SELECT " HISTORY_COLS ", natter_marks(message_fts)" HISTORY_FTS_FROM
	" ORDER BY message_fts.rowid DESC LIMIT ?9 OFFSET ?10";
/* Counts stop at HISTORY_TOTAL_MAX (?11): counting every hit of a
 * common word would cost more than the search. */
#define HISTORY_COUNT(from) "SELECT count(*) FROM (SELECT 1" from " LIMIT ?11)"
static const char history_sql_words_n[] = HISTORY_COUNT(HISTORY_FTS_FROM);
/* Searches without words: every message, or one conversation's. */
#define HISTORY_ALL_WHERE \
	" WHERE m.replaces IS NULL AND m.id < ?2 AND m.id >= ?3" HISTORY_FILTERS
static const char history_sql_all[] =
	"SELECT " HISTORY_COLS HISTORY_FROM HISTORY_ALL_WHERE
	" ORDER BY m.id DESC LIMIT ?9 OFFSET ?10";
static const char history_sql_all_n[] = HISTORY_COUNT(HISTORY_FROM HISTORY_ALL_WHERE);
#define HISTORY_IN_WHERE \
	" WHERE m.conv IN (SELECT id FROM conv WHERE jid = ?5 AND (?4 IS NULL OR account = ?4))" \
	" AND m.replaces IS NULL AND m.id < ?2 AND m.id >= ?3" HISTORY_FILTERS
static const char history_sql_in[] =
	"SELECT " HISTORY_COLS HISTORY_FROM HISTORY_IN_WHERE
	" ORDER BY m.id DESC LIMIT ?9 OFFSET ?10";
static const char history_sql_in_n[] = HISTORY_COUNT(HISTORY_FROM HISTORY_IN_WHERE);

void
history_msg_free(struct history_msg *m)
{
	if (m == NULL)
		return;
	g_free(m->account);
	g_free(m->conv);
	g_free(m->sender);
	g_free(m->nick);
	g_free(m->type);
	g_free(m->body);
	g_free(m->msg_id);
	if (m->marks != NULL)
		g_array_unref(m->marks);
	g_free(m);
}

/* --- locating the matches: natter_marks(message_fts) --- */

/* What the tokenizer callback of history_marks_fn walks with. */
struct history_marks {
	const int *want; /* token positions that matched, ascending */
	int nwant, next;
	int pos;         /* the position of the next token */
	GArray *out;     /* unsigned start, end pairs */
};

/* Record the byte range of each token whose position matched. */
static int
history_marks_token(void *arg, int flags, const char *token, int ntoken, int start, int end)
{
	struct history_marks *hm = arg;
	unsigned s = (unsigned)start, e = (unsigned)end;

	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	while (hm->next < hm->nwant && hm->want[hm->next] < hm->pos)
		hm->next++;
	if (hm->next < hm->nwant && hm->want[hm->next] == hm->pos) {
		g_array_append_val(hm->out, s);
		g_array_append_val(hm->out, e);
	}
	hm->pos++;
	return hm->next < hm->nwant ? SQLITE_OK : SQLITE_DONE;
}

static int
history_int_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The FTS5 auxiliary function natter_marks(): a blob of unsigned (start,
 * end) byte offsets of the matched tokens in the row's body, as the index
 * tokenizes it (so it holds for any text: no markers are inserted). */
static void
history_marks_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
    int nval, sqlite3_value **val)
{
	struct history_marks hm = { 0 };
	GArray *want = g_array_new(FALSE, FALSE, sizeof(int));
	const char *text = NULL;
	int ninst = 0, len = 0, rc;

	rc = api->xInstCount(fts, &ninst);
	for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
		int phrase, col, off;
		rc = api->xInst(fts, i, &phrase, &col, &off);
		if (rc == SQLITE_OK && col == 0)
			g_array_append_val(want, off);
	}
	if (rc == SQLITE_OK)
		rc = api->xColumnText(fts, 0, &text, &len);
	hm.out = g_array_new(FALSE, FALSE, sizeof(unsigned));
	if (rc == SQLITE_OK && want->len > 0 && text != NULL) {
		qsort(want->data, want->len, sizeof(int), history_int_cmp);
		hm.want = (const int *)(void *)want->data;
		hm.nwant = (int)want->len;
		rc = api->xTokenize(fts, text, len, &hm, history_marks_token);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	if (rc == SQLITE_OK)
		sqlite3_result_blob(ctx, hm.out->data, (int)(hm.out->len * sizeof(unsigned)),
		    SQLITE_TRANSIENT);
	else
		sqlite3_result_error_code(ctx, rc);
	g_array_unref(hm.out);
	g_array_unref(want);
}

int
history_fts_init(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (api == NULL || api->iVersion < 2)
		return -1;
	return api->xCreateFunction(api, "natter_marks", NULL, history_marks_fn, NULL) == SQLITE_OK
	    ? 0 : -1;
}

/* --- reading rows --- */

/* The message of st's current row (HISTORY_COLS, then marks when
 * with_marks); the caller frees it. */
static struct history_msg *
history_row(sqlite3_stmt *st, bool with_marks)
{
	struct history_msg *m = g_new0(struct history_msg, 1);
	const char *corr = store_col(st, 9);

	m->rowid = sqlite3_column_int64(st, 0);
	m->stamp = sqlite3_column_int64(st, 1);
	m->out = sqlite3_column_int(st, 2) != 0;
	m->account = g_strdup(store_col(st, 3));
	m->conv = g_strdup(store_col(st, 4));
	m->sender = g_strdup(store_col(st, 5));
	m->nick = g_strdup(store_col(st, 6));
	m->type = g_strdup(store_col(st, 7));
	m->retracted = sqlite3_column_int(st, 11) != 0;
	m->corrected = corr != NULL && !m->retracted;
	m->body = g_strdup(corr != NULL ? corr : store_col(st, 8));
	m->msg_id = g_strdup(store_col(st, 10));
	if (with_marks) {
		const void *blob = sqlite3_column_blob(st, 12);
		int n = sqlite3_column_bytes(st, 12) / (int)sizeof(unsigned);
		m->marks = g_array_sized_new(FALSE, FALSE, sizeof(unsigned), (guint)n);
		if (blob != NULL && n > 0)
			g_array_append_vals(m->marks, blob, (guint)n);
	}
	return m;
}

/* A new array that frees its messages. */
static GPtrArray *
history_array(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)history_msg_free);
}

/* Step st to its end, collecting its rows (reversed when reverse: the
 * queries read newest first, pages are shown oldest first); resets st. */
static GPtrArray *
history_collect(sqlite3_stmt *st, bool with_marks, bool reverse, int *rc)
{
	GPtrArray *a = history_array();
	int r;

	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(a, history_row(st, with_marks));
	sqlite3_reset(st);
	if (reverse)
		for (guint i = 0; i < a->len / 2; i++) {
			gpointer t = a->pdata[i];
			a->pdata[i] = a->pdata[a->len - 1 - i];
			a->pdata[a->len - 1 - i] = t;
		}
	if (rc != NULL)
		*rc = r;
	return a;
}

/* The id of conversation conv of account: conv as given (normalised), or
 * its bare JID (a contact's full JID); 0 when the store has neither. */
static int64_t
history_conv(const char *account, const char *conv)
{
	struct jid *j = conv != NULL ? jid_parse(conv, NULL) : NULL;
	int64_t id = 0;

	if (j == NULL)
		return 0;
	id = store_conv_id(account, j->full, false);
	if (id == 0 && j->resource != NULL)
		id = store_conv_id(account, j->bare, false);
	jid_free(j);
	return id;
}

GPtrArray *
history_last(const char *account, const char *conv, unsigned n)
{
	return history_before(account, conv, INT64_MAX, n);
}

GPtrArray *
history_before(const char *account, const char *conv, int64_t rowid, unsigned n)
{
	int64_t id = history_conv(account, conv);
	sqlite3_stmt *st;

	if (id == 0 || n == 0)
		return history_array();
	st = store_stmt("SELECT " HISTORY_COLS HISTORY_FROM
	    "WHERE m.conv = ?1 AND m.id < ?2 AND m.replaces IS NULL ORDER BY m.id DESC LIMIT ?3");
	if (st == NULL)
		return history_array();
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, rowid);
	sqlite3_bind_int64(st, 3, n);
	return history_collect(st, false, true, NULL);
}

char *
history_retractable(const char *account, const char *conv, bool room, const char *nick,
    unsigned back)
{
	int64_t id = history_conv(account, conv);
	sqlite3_stmt *st = id != 0 ? store_stmt("SELECT coalesce(origin_id, msg_id), stanza_id, "
	    "stanza_by FROM message WHERE conv = ?1 AND dir = ?3 AND (?4 IS NULL OR nick = ?4) "
	    "AND replaces IS NULL AND retracted = 0 ORDER BY id DESC LIMIT 1 OFFSET ?2") : NULL;
	char *found = NULL;

	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, back);
	sqlite3_bind_int(st, 3, nick == NULL ? 1 : 0);
	sqlite3_bind_text(st, 4, nick, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		/* in a room, the id the room gave it (XEP-0424) */
		if (!room)
			found = g_strdup(store_col(st, 0));
		else if (store_col(st, 1) != NULL && g_strcmp0(store_col(st, 2), conv) == 0)
			found = g_strdup(store_col(st, 1));
	}
	sqlite3_reset(st);
	return found;
}

GPtrArray *
history_from(int64_t rowid, unsigned n)
{
	sqlite3_stmt *st = store_stmt("SELECT " HISTORY_COLS HISTORY_FROM
	    "WHERE m.conv = (SELECT conv FROM message WHERE id = ?1) AND m.id >= ?1 "
	    "AND m.replaces IS NULL ORDER BY m.id LIMIT ?2");

	if (st == NULL || n == 0)
		return history_array();
	sqlite3_bind_int64(st, 1, rowid);
	sqlite3_bind_int64(st, 2, n);
	return history_collect(st, false, false, NULL);
}

/* --- search --- */

/* Whether s (len bytes) holds a letter or a digit: something the index
 * has a token for. */
static bool
history_has_token(const char *s, size_t len)
{
	for (const char *p = s; p < s + len; p = g_utf8_next_char(p))
		if (g_unichar_isalnum(g_utf8_get_char_validated(p, (gssize)(s + len - p))))
			return true;
	return false;
}

/* The FTS5 expression for words (to free), or NULL when they hold nothing
 * to match (then every message matches).  Each word, or "quoted phrase",
 * becomes an FTS5 string (double quotes doubled), so no input is read as
 * an operator; a trailing * makes it a prefix; words with no letter or
 * digit (a lone *, punctuation) are left out. */
static char *
history_fts_expr(const char *words)
{
	GString *e = g_string_new(NULL);
	const char *p = words != NULL ? words : "";

	while (*p != '\0') {
		const char *s, *t;
		bool prefix = false;
		while (g_ascii_isspace(*p))
			p++;
		if (*p == '\0')
			break;
		if (*p == '"') {
			s = ++p;
			while (*p != '\0' && *p != '"')
				p++;
			t = p;
			if (*p == '"')
				p++;
			for (; *p == '*'; p++)
				prefix = true;
		} else {
			s = p;
			while (*p != '\0' && !g_ascii_isspace(*p))
				p++;
			for (t = p; t > s && t[-1] == '*'; t--)
				prefix = true;
		}
		if (!g_utf8_validate(s, t - s, NULL) || !history_has_token(s, (size_t)(t - s)))
			continue;
		if (e->len > 0)
			g_string_append_c(e, ' ');
		g_string_append_c(e, '"');
		for (const char *c = s; c < t; c++) {
			if (*c == '"')
				g_string_append_c(e, '"');
			g_string_append_c(e, *c);
		}
		g_string_append(e, prefix ? "\"*" : "\"");
	}
	if (e->len == 0) {
		g_string_free(e, TRUE);
		return NULL;
	}
	return g_string_free(e, FALSE);
}

/* Bind q's filters to st (see HISTORY_FILTERS); strings are copied. */
static void
history_bind_filters(sqlite3_stmt *st, const struct history_query *q, const char *in,
    const char *from)
{
	sqlite3_bind_int64(st, 2, q->before > 0 ? store_stamp_id(q->before) : INT64_MAX);
	sqlite3_bind_int64(st, 3, q->after > 0 ? store_stamp_id(q->after) : 0);
	sqlite3_bind_text(st, 4, q->account, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, in, -1, SQLITE_TRANSIENT);
	if (from != NULL && strchr(from, '/') != NULL) {
		sqlite3_bind_text(st, 6, from, -1, SQLITE_TRANSIENT);
	} else if (from != NULL) {
		/* a bare JID: itself, or any of its resources (bare + "/...") */
		sqlite3_bind_text(st, 6, from, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 7, g_strconcat(from, "/", NULL), -1, g_free);
		sqlite3_bind_text(st, 8, g_strconcat(from, "0", NULL), -1, g_free);
	}
}

/* The normalised form of JID s (full if it has a resource) to free, or
 * NULL with *err when it is not one. */
static char *
history_norm_jid(const char *s, const char *what, char **err)
{
	const char *why;
	struct jid *j = jid_parse(s, &why);
	char *full;

	if (j == NULL) {
		*err = g_strdup_printf("%s%s is not a JID: %s", what, s, why);
		return NULL;
	}
	full = g_strdup(j->full);
	jid_free(j);
	return full;
}

GPtrArray *
history_find(const struct history_query *q, unsigned *total, char **err)
{
	char *expr = history_fts_expr(q->words), *in = NULL, *from = NULL;
	const char *sql, *sql_n;
	sqlite3_stmt *st;
	GPtrArray *hits = NULL;
	int rc;

	if (total != NULL)
		*total = 0;
	if (store_db == NULL) {
		*err = g_strdup("no history is kept (the store is not open)");
		goto out;
	}
	if ((q->in != NULL && (in = history_norm_jid(q->in, "in:", err)) == NULL) ||
	    (q->from != NULL && (from = history_norm_jid(q->from, "from:", err)) == NULL))
		goto out;
	sql = expr != NULL ? history_sql_words : in != NULL ? history_sql_in : history_sql_all;
	sql_n = expr != NULL ? history_sql_words_n : in != NULL ? history_sql_in_n
	                                                        : history_sql_all_n;
	if (total != NULL && (st = store_stmt(sql_n)) != NULL) {
		if (expr != NULL)
			sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
		history_bind_filters(st, q, in, from);
		sqlite3_bind_int(st, 11, HISTORY_TOTAL_MAX);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			*total = (unsigned)sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW) {
			*err = g_strdup_printf("the search failed: %s", sqlite3_errmsg(store_db));
			goto out;
		}
	}
	if ((st = store_stmt(sql)) == NULL) {
		*err = g_strdup_printf("the search failed: %s", sqlite3_errmsg(store_db));
		goto out;
	}
	if (expr != NULL)
		sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	history_bind_filters(st, q, in, from);
	sqlite3_bind_int64(st, 9, q->limit > 0 ? q->limit : 50);
	sqlite3_bind_int64(st, 10, q->offset);
	hits = history_collect(st, expr != NULL, false, &rc);
	if (rc != SQLITE_DONE) {
		*err = g_strdup_printf("the search failed: %s", sqlite3_errmsg(store_db));
		g_ptr_array_unref(hits);
		hits = NULL;
	} else if (expr == NULL) {
		for (guint i = 0; i < hits->len; i++) {
			struct history_msg *m = hits->pdata[i];
			m->marks = g_array_new(FALSE, FALSE, sizeof(unsigned));
		}
	}
out:
	g_free(expr);
	g_free(in);
	g_free(from);
	return hits;
}

/* --- /search arguments --- */

void
history_query_clear(struct history_query *q)
{
	g_free(q->account);
	g_free(q->words);
	g_free(q->from);
	g_free(q->in);
	memset(q, 0, sizeof *q);
}

/* Parse DATE (YYYY-MM-DD or YYYY-MM-DDTHH:MM, local time) into *t;
 * false when it is not one. */
static bool
history_parse_date(const char *s, int64_t *t)
{
	int y, mo, d, h = 0, mi = 0, n = 0;
	GDateTime *dt;
	size_t len = strlen(s);

	if (len == 10) {
		if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
			return false;
	} else if (len == 16) {
		if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || n != 16)
			return false;
	} else {
		return false;
	}
	for (size_t i = 0; i < len; i++)
		if (!g_ascii_isdigit(s[i]) && !(i == 4 || i == 7 || i == 10 || i == 13))
			return false;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59)
		return false;
	dt = g_date_time_new_local(y, mo, d, h, mi, 0);
	if (dt == NULL)
		return false;
	/* GLib rolls 31 April over to 1 May: refuse what does not round-trip */
	if (g_date_time_get_day_of_month(dt) != d || g_date_time_get_month(dt) != mo) {
		g_date_time_unref(dt);
		return false;
	}
	*t = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return true;
}

/* The end of the next token of line from p: a "quoted phrase" (to its
 * closing quote, or the end) or a run of non-blanks. */
static const char *
history_token_end(const char *p)
{
	if (*p == '"') {
		const char *q = strchr(p + 1, '"');
		p = q != NULL ? q + 1 : p + strlen(p);
		while (*p != '\0' && !g_ascii_isspace(*p))
			p++;
		return p;
	}
	while (*p != '\0' && !g_ascii_isspace(*p))
		p++;
	return p;
}

/* Take one key:value token into q; -1 with *err for a bad one. */
static int
history_query_key(struct history_query *q, const char *key, const char *value, char **err)
{
	const char *why;

	if (*value == '\0') {
		*err = g_strdup_printf("%s: needs a value", key);
		return -1;
	}
	if (strcmp(key, "from") == 0 || strcmp(key, "in") == 0) {
		char **slot = strcmp(key, "from") == 0 ? &q->from : &q->in;
		if (!jid_valid(value, &why)) {
			*err = g_strdup_printf("%s:%s is not a JID: %s", key, value, why);
			return -1;
		}
		g_free(*slot);
		*slot = g_strdup(value);
		return 0;
	}
	if (strcmp(key, "before") == 0 || strcmp(key, "after") == 0) {
		int64_t t;
		if (!history_parse_date(value, &t)) {
			*err = g_strdup_printf("%s:%s is not a date: write YYYY-MM-DD or "
			    "YYYY-MM-DDTHH:MM (local time)", key, value);
			return -1;
		}
		*(strcmp(key, "before") == 0 ? &q->before : &q->after) = t;
		return 0;
	}
	*err = g_strdup_printf("unknown search key '%s:' (known: from:, in:, before:, after:; "
	    "put a word with a colon in double quotes)", key);
	return -1;
}

int
history_query_parse(const char *line, struct history_query *q, char **err)
{
	GString *words = g_string_new(NULL);
	const char *p = line != NULL ? line : "";
	char *expr;
	bool any;

	memset(q, 0, sizeof *q);
	while (*p != '\0') {
		const char *end, *colon;
		while (g_ascii_isspace(*p))
			p++;
		if (*p == '\0')
			break;
		end = history_token_end(p);
		colon = memchr(p, ':', (size_t)(end - p));
		if (*p != '"' && colon != NULL && colon > p) {
			bool letters = true;
			for (const char *c = p; c < colon; c++)
				letters = letters && g_ascii_isalpha(*c);
			if (letters) {
				char *key = g_strndup(p, (size_t)(colon - p));
				char *value = g_strndup(colon + 1, (size_t)(end - colon - 1));
				int rc = history_query_key(q, key, value, err);
				g_free(key);
				g_free(value);
				if (rc != 0)
					goto fail;
				p = end;
				continue;
			}
		}
		if (words->len > 0)
			g_string_append_c(words, ' ');
		g_string_append_len(words, p, end - p);
		p = end;
	}
	expr = history_fts_expr(words->str);
	any = expr != NULL || q->from != NULL || q->in != NULL || q->before > 0 || q->after > 0 ||
	    strcmp(words->str, "*") == 0;
	g_free(expr);
	if (!any) {
		*err = g_strdup("nothing to search for: give words (a trailing * for a prefix, "
		    "\"a phrase\"), from:JID, in:JID, before:DATE or after:DATE");
		goto fail;
	}
	q->words = words->len > 0 ? g_string_free(words, FALSE) : (g_string_free(words, TRUE), NULL);
	return 0;
fail:
	g_string_free(words, TRUE);
	history_query_clear(q);
	return -1;
}

/* --- export --- */

/* One exported message as a JSON object (a new reference); own is the
 * account's own JID (the other end of incoming messages). */
static json_t *
history_export_obj(const struct history_msg *m, const char *own)
{
	json_t *o = json_object();
	const char *to = m->out ? m->conv : own;
	const char *strs[][2] = {
		{ "from", m->sender }, { "to", to }, { "body", m->body },
		{ "dir", m->out ? "out" : "in" }, { "type", m->type }, { "id", m->msg_id },
		{ "nick", m->nick },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(strs); i++) {
		json_t *v;
		char *fixed;
		if (strs[i][1] == NULL) {
			if (strcmp(strs[i][0], "nick") != 0)
				json_object_set_new(o, strs[i][0], json_null());
			continue;
		}
		v = json_string(strs[i][1]);
		if (v == NULL) {
			fixed = g_utf8_make_valid(strs[i][1], -1);
			v = json_string(fixed);
			g_free(fixed);
		}
		json_object_set_new(o, strs[i][0], v != NULL ? v : json_null());
	}
	json_object_set_new(o, "stamp", json_integer(m->stamp));
	if (m->corrected)
		json_object_set_new(o, "corrected", json_true());
	if (m->retracted)
		json_object_set_new(o, "retracted", json_true());
	return o;
}

long
history_export(const char *account, const char *conv, const char *path, char **err)
{
	int64_t id = history_conv(account, conv), last = 0;
	struct account *acc = account_find(account);
	char *own = acc != NULL ? jid_bare(acc->jid) : NULL;
	long n = 0;
	int fd;
	FILE *f;

	if (id == 0) {
		*err = g_strdup_printf("no history with %s", conv != NULL ? conv : "(nobody)");
		g_free(own);
		return -1;
	}
	fd = g_open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0 || (f = fdopen(fd, "w")) == NULL) {
		*err = g_strdup_printf("%s: %s", path, g_strerror(errno));
		if (fd >= 0)
			close(fd);
		g_free(own);
		return -1;
	}
	for (;;) {
		/* oldest first, a bounded page at a time */
		sqlite3_stmt *st = store_stmt("SELECT " HISTORY_COLS HISTORY_FROM
		    "WHERE m.conv = ?1 AND m.id > ?2 AND m.replaces IS NULL ORDER BY m.id LIMIT 500");
		GPtrArray *page;
		if (st == NULL)
			break;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, last);
		page = history_collect(st, false, false, NULL);
		for (guint i = 0; i < page->len; i++) {
			struct history_msg *m = page->pdata[i];
			json_t *o = history_export_obj(m, own != NULL ? own : account);
			char *line = json_dumps(o, JSON_COMPACT);
			if (line != NULL) {
				fputs(line, f);
				fputc('\n', f);
				n++;
			}
			free(line);
			json_decref(o);
			last = m->rowid;
		}
		if (page->len < 500) {
			g_ptr_array_unref(page);
			break;
		}
		g_ptr_array_unref(page);
	}
	g_free(own);
	if (ferror(f) | (fclose(f) != 0)) {
		*err = g_strdup_printf("%s: %s", path, g_strerror(errno));
		return -1;
	}
	return n;
}
