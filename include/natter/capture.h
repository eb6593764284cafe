/* capture.h - the raw-stanza console's model: every element each account
 * sent and received, in a bounded ring per account, with iq requests
 * paired to their replies, and the console's filters and view state.
 *
 * capture_init() subscribes to EV_STANZA (emitted by the session threads
 * for every element, credentials already removed) before any front end,
 * so an entry is in the ring when a front end sees its event.  The ring
 * keeps the last `console_buffer` elements (a setting) whether or not a
 * console is shown.  Entries are numbered per account from 1 and keep
 * their number until they fall out of the ring.  Their text is kept in
 * blocks of about 32 kB, each deflated (zlib) as one stream once full:
 * a presence storm takes a fifth of its size.  Main thread only, but
 * capture_pack, which session threads call.
 */
#ifndef NATTER_CAPTURE_H
#define NATTER_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

enum capture_kind { CAP_MESSAGE, CAP_PRESENCE, CAP_IQ, CAP_STREAM, CAP_KIND_COUNT };

struct capture_entry {
	uint64_t seq;      /* number within the account, from 1 */
	int64_t time;      /* microseconds since the epoch */
	int64_t rtt;       /* an iq reply: microseconds since its request; else -1 */
	uint64_t pair;     /* the request's or the reply's seq; 0: none (yet) */
	uint32_t size;     /* bytes as logged, before redaction */
	bool out;
	bool request;      /* an iq get or set */
	bool redacted;     /* credentials were removed from it */
	enum capture_kind kind;
};

/* An element made ready for the ring by the thread that captured it
 * (classified, an iq's type and id read), carried to the main thread in
 * EV_STANZA. */
struct capture_packed;
/* Pack xml, one element as captured (any thread). */
struct capture_packed *capture_pack(const char *xml, bool out, int64_t time, size_t size);
void capture_packed_free(struct capture_packed *p);

/* Entry seq of account, or NULL when it is not (or no longer) kept.  The
 * ring keeps elements compressed; capture_xml gives the text. */
const struct capture_entry *capture_get(const char *account, uint64_t seq);
/* The oldest and newest seq kept for account (0, 0 when none). */
void capture_range(const char *account, uint64_t *first, uint64_t *last);
/* Forget what account's ring holds (numbering goes on). */
void capture_clear(const char *account);
/* An iq request still unanswered after the iq_timeout setting. */
bool capture_timed_out(const struct capture_entry *e, int64_t now_us);
/* The text of e (to g_free). */
char *capture_xml(const struct capture_entry *e);
/* True when e's text contains needle. */
bool capture_contains(const struct capture_entry *e, const char *needle);
/* The value of attribute name of e's top element (to g_free), or NULL. */
char *capture_attr(const struct capture_entry *e, const char *name);
const char *capture_kind_name(enum capture_kind kind);

/* A filter: every part given must match (directions and kinds: any of
 * those listed). */
struct capture_filter;
/* Parse a filter from words such as "in iq jid bob@example.org ns
 * r=jabber:iq:roster xpath //r:query" (xpath takes the rest of the line);
 * NULL with *err (to g_free) when it does not parse.  spec is copied. */
struct capture_filter *capture_filter_new(const char *spec, char **err);
void capture_filter_free(struct capture_filter *f);
bool capture_filter_match(const struct capture_filter *f, const struct capture_entry *e);
/* The filter as it was written. */
const char *capture_filter_spec(const struct capture_filter *f);
/* Keep a filter under name (replacing one); -1 with *err when it does not
 * parse.  Named filters are what config lines define. */
int capture_filter_define(const char *name, const char *spec, char **err);
/* The filter named name, or NULL. */
const struct capture_filter *capture_filter_named(const char *name);
/* Names of the defined filters, sorted (g_list_free the list only). */
GList *capture_filter_names(void);

/* The console's state, shared by the front ends and commands. */
struct capture_view {
	struct capture_filter *filter; /* NULL: everything */
	bool raw;          /* one line per element instead of pretty-printed */
	bool paused;       /* the window holds still; capture goes on */
	uint64_t paused_last; /* the newest seq when it paused */
	bool events;       /* headless: every captured element as a stanza event */
	char *search;      /* text to mark (/console search), or NULL */
	bool unfold_all;   /* show long elements whole */
	GHashTable *folds; /* seq (GUINT_TO_POINTER) of elements shown the other
	                    * way from unfold_all; NULL: none */
};
struct capture_view *capture_view(void);
/* True when element seq (of any account) is to be shown unfolded. */
bool capture_view_unfolded(uint64_t seq);
/* Install f (ownership passes; NULL: no filter). */
void capture_view_set_filter(struct capture_filter *f);

void capture_init(void);
/* Forget every ring, the named filters and the view state. */
void capture_free_all(void);
/* Forget the named filters and the view state (capture_free_all). */
void capture_view_free(void);

#endif
