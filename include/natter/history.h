/* history.h - the message history the store keeps (src/store/), read by
 * commands and front ends: the last messages of a conversation, pages
 * before them, full-text search, export.
 *
 * Every EV_MESSAGE (live, carbon or archived; chat, normal or groupchat;
 * in or out) is stored exactly once: a copy is recognised by its
 * stanza-id scoped by its `by`, else its origin-id, else (sender, id,
 * body), else (sender, body, second), among the messages of its
 * conversation around its time: within an hour for an archived copy
 * (a message we sent or got live is stamped by our clock, its archived
 * copy by the server's), two minutes for others.  A copy that brings
 * the stanza-id a stored message lacked gives it to it.  A correction
 * (XEP-0308) is kept as its own row; it replaces the newest message
 * before it in its conversation with the id it names from the same
 * sender (or, when that message is not stored yet, the first such
 * message that comes).  Readers get the original row with the newest
 * correction's text and `corrected` set, and never the correction rows
 * themselves.  A conversation is the bare JID of the contact or room; a
 * private chat with a room occupant is the full JID ROOM/NICK.  Main
 * thread only; results are copies the caller frees (g_ptr_array_unref:
 * the arrays free their elements).
 */
#ifndef NATTER_HISTORY_H
#define NATTER_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

struct history_msg {
	int64_t rowid;     /* the store's id: pages and search hits point here */
	int64_t stamp;     /* seconds since the epoch, UTC */
	bool out;
	bool corrected;    /* body is the newest correction's */
	bool retracted;    /* its sender retracted it (XEP-0424): body is empty */
	char *account;
	char *conv;        /* the conversation (see above) */
	char *sender;      /* full JID, or ROOM/NICK */
	char *nick;        /* room nick, or NULL */
	char *type;        /* chat, normal, groupchat */
	char *body;        /* "" once retracted */
	char *msg_id;      /* the message's id attribute (for receipts, corrections) */
	GArray *marks;     /* search hits only: unsigned pairs (start, end) of byte
	                    * offsets of the matching words in body, in order
	                    * (g_array_index(marks, unsigned, 2 * i)); empty for a
	                    * search without words; NULL outside searches */
};

void history_msg_free(struct history_msg *m);

/* The newest n messages of conversation conv of account, oldest first.
 * Messages are ordered by time (the server's stamp where given), and
 * rowids grow with it: pages and hits are ordered by rowid. */
GPtrArray *history_last(const char *account, const char *conv, unsigned n);
/* The n messages of conv just older than the one with rowid, oldest
 * first (empty at the beginning). */
GPtrArray *history_before(const char *account, const char *conv, int64_t rowid, unsigned n);
/* The id a retraction (XEP-0424) of the newest message in conv not
 * retracted yet names, or of the one `back` before it: among ours (nick
 * NULL), else among those of the room occupant nick; its origin-id, else
 * its id, or in a room the stanza-id the room gave it.  To free; NULL when
 * there is no such message or, in a room, it has no id from the room. */
char *history_retractable(const char *account, const char *conv, bool room, const char *nick,
    unsigned back);
/* The message rowid and up to n - 1 newer ones of its conversation,
 * oldest first: opening a conversation at a search hit. */
GPtrArray *history_from(int64_t rowid, unsigned n);

/* A search: words (FTS5 over bodies, every word must occur; a word ending
 * in * is a prefix; "a phrase" in double quotes; input is never read as
 * FTS5 operators; words without a letter or digit are left out, and a
 * lone * alone means every message), optionally from:JID (the sender,
 * bare or full), in:JID (the conversation), before:/after: (YYYY-MM-DD or
 * YYYY-MM-DDTHH:MM, local time: after: from that moment on, before: up to
 * it), newest first. */
struct history_query {
	char *account;  /* NULL: every account */
	char *words;    /* NULL or empty with from:/in: alone: those messages */
	char *from, *in;
	int64_t before, after; /* seconds since the epoch: stamp < before,
	                        * stamp >= after; 0: unbounded */
	unsigned limit;        /* 0: 50 */
	unsigned offset;
};

/* Parse the arguments of /search into q (its strings to free with
 * history_query_clear); -1 with *err (to free) for a bad date, an unknown
 * key or nothing to search for. */
int history_query_parse(const char *line, struct history_query *q, char **err);
void history_query_clear(struct history_query *q);
/* Totals of searches stop counting here: a total of HISTORY_TOTAL_MAX
 * means "at least". */
#define HISTORY_TOTAL_MAX 10000

/* The hits of q (struct history_msg with marks), newest first; *total
 * (may be NULL) gets how many there are in all, up to HISTORY_TOTAL_MAX
 * (counting costs a little more than the page).  NULL with *err (to free)
 * when the query cannot run.  (Not history_search: GNU readline's
 * history library, linked into natter, exports that name.) */
GPtrArray *history_find(const struct history_query *q, unsigned *total, char **err);

/* Write conversation conv of account to path as JSON lines, oldest first:
 * one object per message with from, to, body, stamp (seconds since the
 * epoch, UTC), dir (in, out), type, id, and nick in rooms and
 * "corrected": true where they apply.  The file is created (or
 * truncated) 0600.  The number written, or -1 with *err (to free). */
long history_export(const char *account, const char *conv, const char *path, char **err);

#endif
