/* win-raw.c - the raw-stanza console windows (WIN_RAW), one per account.
 *
 * Such a window holds no lines of its own but the output of the commands
 * typed in it (shown under the elements): it draws the account's capture
 * ring (src/core/capture.c) directly, so it shows what happened before it
 * was opened.  Each element is a header row (number, time, direction,
 * size, iq pairing) and its body: pretty-printed, wrapped and coloured by
 * span kind, folded to one row when long, or one row in raw mode.  Only
 * the elements on screen are formatted, and the rows of the last ones are
 * kept in a small cache bounded by elements and rows.  The view follows
 * the newest element, or is anchored on one element and a count of its
 * rows hidden below the window while the user reads back. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curses.h>
#include <glib.h>

#include "natter/account.h"
#include "natter/app.h"
#include "natter/capture.h"
#include "natter/loop.h"
#include "natter/settings.h"
#include "natter/stanza.h"
#include "natter/text.h"
#include "theme.h"
#include "ui.h"

/* An element of more pretty-printed lines than this is folded. */
#define RAW_FOLD_LINES 10
/* The cache keeps at most this many formatted elements, and this many rows
 * in all (beyond the elements of the last screen drawn). */
#define RAW_CACHE_ELEMENTS 128
#define RAW_CACHE_ROWS 4096
/* Command output under the elements: at most this many rows (and half the
 * window). */
#define RAW_NOTICE_ROWS 8
/* Columns a wrapped row is indented by past its line's indent. */
#define RAW_CONTINUE 4

/* Kinds of segments: enum stanza_span_kind, then the header's; a segment
 * inside a search hit has RAW_MATCH set. */
enum {
	RAW_K_IN = 16,   /* the header of a received element */
	RAW_K_OUT,       /* of a sent one */
	RAW_K_RTT,       /* the pairing of an iq and its round trip */
	RAW_K_TIMEOUT,   /* a request without a reply in time */
	RAW_MATCH = 0x80
};

struct raw_seg {
	unsigned kind;
	size_t off, len; /* bytes of the row's text */
};

/* One screen row: its indent, its sanitized text (no newline) and the
 * segments that cover the text. */
struct raw_row {
	int indent;
	char *text;
	GArray *segs; /* struct raw_seg */
};

#define RAW_MODE_RAW 1u
#define RAW_MODE_UNFOLDED 2u

/* The formatted body of one element, for one width and mode. */
struct raw_fmt {
	uint64_t seq;
	int width;
	unsigned mode;       /* RAW_MODE_* */
	unsigned search_gen; /* the search it marks */
	GPtrArray *rows;     /* struct raw_row */
	GList *link;         /* in the cache's queue, most recent first */
};

struct win_raw {
	uint64_t anchor;     /* element at the bottom of the view; 0: follow */
	int skip;            /* rows of the anchor hidden below the view */
	bool paused;         /* capture_view()->paused as last seen */
	uint64_t paused_at;  /* the bottom element while paused */
	char *search;        /* capture_view()->search as last seen */
	unsigned search_gen;
	char *filter;        /* the filter spec shown[] is for; NULL: none */
	GHashTable *shown;   /* seq -> 1 matches the filter, 2 does not */
	GHashTable *cache;   /* seq -> struct raw_fmt */
	GQueue lru;          /* struct raw_fmt, most recently used first */
	size_t cache_rows;
	unsigned below;      /* elements below the view, at the last draw */
	int avail;           /* rows for elements, at the last draw */
	unsigned timer;      /* redraw when a request shown times out */
	int64_t timer_due;   /* its deadline, microseconds since the epoch */
};

/* --- rows and the cache --- */

/* Free a row, its text and segments. */
static void
win_raw_row_free(gpointer p)
{
	struct raw_row *r = p;

	g_free(r->text);
	g_array_unref(r->segs);
	g_free(r);
}

/* A new empty row at indent (to win_raw_row_free). */
static struct raw_row *
win_raw_row_new(int indent)
{
	struct raw_row *r = g_new0(struct raw_row, 1);

	r->indent = indent;
	r->segs = g_array_new(FALSE, FALSE, sizeof(struct raw_seg));
	return r;
}

/* Add the segment [off, off+len) of kind to segs, merged with the last
 * one when it is of the same kind and ends at off. */
static void
win_raw_seg(GArray *segs, unsigned kind, size_t off, size_t len)
{
	struct raw_seg seg = { kind, off, len };

	if (len == 0)
		return;
	if (segs->len > 0) {
		struct raw_seg *last = &g_array_index(segs, struct raw_seg, segs->len - 1);
		if (last->kind == kind && last->off + last->len == off) {
			last->len += len;
			return;
		}
	}
	g_array_append_val(segs, seg);
}

/* Append len bytes of s (len < 0: all) to g as a segment of kind. */
static void
win_raw_put(GString *g, GArray *segs, unsigned kind, const char *s, gssize len)
{
	if (len < 0)
		len = (gssize)strlen(s);
	win_raw_seg(segs, kind, g->len, (size_t)len);
	g_string_append_len(g, s, len);
}

/* The text of stanza line l sanitized span by span into g and segs (both
 * empty), with the occurrences of search (may be NULL) marked RAW_MATCH. */
static void
win_raw_sanitize(const struct stanza_line *l, const char *search, unsigned flags, GString *g,
    GArray *segs)
{
	for (guint i = 0; i < l->spans->len; i++) {
		const struct stanza_span *sp = &g_array_index(l->spans, struct stanza_span, i);
		char *safe = text_sanitize(l->text + sp->off, (gssize)sp->len, flags);
		win_raw_put(g, segs, sp->kind, safe, -1);
		g_free(safe);
	}
	if (search == NULL || *search == '\0' || strstr(g->str, search) == NULL)
		return;
	{
		/* split the segments where hits begin and end */
		size_t n = strlen(search);
		guint8 *hit = g_malloc0(g->len + 1);
		GArray *old = g_array_copy(segs);

		for (const char *p = strstr(g->str, search); p != NULL; p = strstr(p + n, search))
			memset(hit + (p - g->str), 1, n);
		g_array_set_size(segs, 0);
		for (guint i = 0; i < old->len; i++) {
			const struct raw_seg *sg = &g_array_index(old, struct raw_seg, i);
			for (size_t b = sg->off; b < sg->off + sg->len;) {
				size_t e = b;
				while (e < sg->off + sg->len && hit[e] == hit[b])
					e++;
				win_raw_seg(segs, sg->kind | (hit[b] ? RAW_MATCH : 0u), b, e - b);
				b = e;
			}
		}
		g_array_unref(old);
		g_free(hit);
	}
}

/* Add to rows the rows of text g (with segs) wrapped to width, the first
 * at indent, the others further in. */
static void
win_raw_wrap(GPtrArray *rows, const GString *g, const GArray *segs, int indent, int width)
{
	int cont = indent + RAW_CONTINUE;
	GArray *lines;

	if (width - cont < 10)
		cont = indent;
	lines = text_wrap_array(g->str, MAX(1, width - cont));
	for (guint i = 0; i < lines->len; i++) {
		const struct text_line *tl = &g_array_index(lines, struct text_line, i);
		struct raw_row *r = win_raw_row_new(i == 0 ? indent : cont);
		GString *t = g_string_new(NULL);

		for (guint k = 0; k < segs->len; k++) {
			const struct raw_seg *sg = &g_array_index(segs, struct raw_seg, k);
			size_t a = MAX(sg->off, tl->off), b = MIN(sg->off + sg->len, tl->off + tl->len);
			if (a < b)
				win_raw_put(t, r->segs, sg->kind, g->str + a, (gssize)(b - a));
		}
		r->text = g_string_free(t, FALSE);
		g_ptr_array_add(rows, r);
	}
	g_array_unref(lines);
}

/* Cut text g (with segs) to cols columns in place, ending it with a "…"
 * marker when it did not fit. */
static void
win_raw_cut(GString *g, GArray *segs, int cols)
{
	char *cut = text_truncate(g->str, cols, "…");
	size_t keep = strlen(cut);

	if (keep < g->len || strcmp(cut, g->str) != 0) {
		bool ell = g_str_has_suffix(cut, "…");
		if (ell)
			keep -= strlen("…");
		g_string_truncate(g, keep);
		for (guint i = segs->len; i-- > 0;) {
			struct raw_seg *sg = &g_array_index(segs, struct raw_seg, i);
			if (sg->off >= keep)
				g_array_remove_index(segs, i);
			else if (sg->off + sg->len > keep)
				sg->len = keep - sg->off;
		}
		if (ell)
			win_raw_put(g, segs, SPAN_MARKER, "…", -1);
	}
	g_free(cut);
}

/* One row of element xml on one line, cut to cols columns, after prefix
 * (our own text, in kind pkind). */
static struct raw_row *
win_raw_oneline(const char *xml, const char *prefix, unsigned pkind, const char *suffix,
    const char *search, int cols)
{
	struct raw_row *r = win_raw_row_new(0);
	int pw = prefix != NULL ? text_width(prefix, -1) : 0;
	int sw = suffix != NULL ? text_width(suffix, -1) : 0;
	int room = MAX(1, cols - pw - sw);
	struct stanza_line *l = stanza_oneline(xml, (size_t)room * 4 + 16);
	GString *g = g_string_new(NULL);
	GArray *segs = g_array_new(FALSE, FALSE, sizeof(struct raw_seg));
	GString *out = g_string_new(NULL);

	win_raw_sanitize(l, search, 0, g, segs);
	win_raw_cut(g, segs, room);
	if (prefix != NULL)
		win_raw_put(out, r->segs, pkind, prefix, -1);
	for (guint i = 0; i < segs->len; i++) {
		const struct raw_seg *sg = &g_array_index(segs, struct raw_seg, i);
		win_raw_put(out, r->segs, sg->kind, g->str + sg->off, (gssize)sg->len);
	}
	if (suffix != NULL)
		win_raw_put(out, r->segs, SPAN_MARKER, suffix, -1);
	r->text = g_string_free(out, FALSE);
	g_string_free(g, TRUE);
	g_array_unref(segs);
	stanza_line_free(l);
	return r;
}

/* "#SEQ HH:MM:SS.mmm" of e into buf. */
static void
win_raw_stamp(const struct capture_entry *e, char *buf, size_t len)
{
	time_t t = (time_t)(e->time / G_USEC_PER_SEC);
	struct tm tm;
	char hms[16];

	localtime_r(&t, &tm);
	strftime(hms, sizeof hms, "%H:%M:%S", &tm);
	snprintf(buf, len, "#%llu %s.%03d", (unsigned long long)e->seq, hms,
	    (int)(e->time % G_USEC_PER_SEC / 1000));
}

static void win_raw_format_text(struct raw_fmt *f, const struct capture_entry *e,
    const char *xml, int width, const char *search);

/* Fill the rows of f for element e at width in mode. */
static void
win_raw_format(struct raw_fmt *f, const struct capture_entry *e, int width, const char *search)
{
	char *xml = capture_xml(e);

	win_raw_format_text(f, e, xml, width, search);
	g_free(xml);
}

/* Fill the rows of f for element e, whose text is xml, at width. */
static void
win_raw_format_text(struct raw_fmt *f, const struct capture_entry *e, const char *xml, int width,
    const char *search)
{
	if (f->mode & RAW_MODE_RAW) {
		char stamp[64], *prefix;

		win_raw_stamp(e, stamp, sizeof stamp);
		prefix = g_strdup_printf("%s %s ", stamp, e->out ? "→" : "←");
		g_ptr_array_add(f->rows, win_raw_oneline(xml, prefix, e->out ? RAW_K_OUT
		    : RAW_K_IN, NULL, search, width));
		g_free(prefix);
		return;
	}
	{
		GPtrArray *lines = stanza_pretty(xml);
		int top = MIN(2, width / 4), max_indent = MAX(top, width / 2);

		if (lines->len > RAW_FOLD_LINES && !(f->mode & RAW_MODE_UNFOLDED)) {
			char *fold = g_strdup_printf(" [+%u lines] /console unfold %llu", lines->len - 1,
			    (unsigned long long)e->seq);
			struct raw_row *r = win_raw_oneline(xml, NULL, 0, fold, search, width - top);
			r->indent = top;
			g_ptr_array_add(f->rows, r);
			g_free(fold);
		} else {
			GString *g = g_string_new(NULL);
			GArray *segs = g_array_new(FALSE, FALSE, sizeof(struct raw_seg));

			for (guint i = 0; i < lines->len; i++) {
				const struct stanza_line *l = g_ptr_array_index(lines, i);
				g_string_truncate(g, 0);
				g_array_set_size(segs, 0);
				win_raw_sanitize(l, search, TEXT_KEEP_NEWLINE, g, segs);
				win_raw_wrap(f->rows, g, segs, MIN(top + 2 * l->indent, max_indent), width);
			}
			g_string_free(g, TRUE);
			g_array_unref(segs);
		}
		g_ptr_array_unref(lines);
	}
}

/* Free a cached element's rows and itself. */
static void
win_raw_fmt_free(gpointer p)
{
	struct raw_fmt *f = p;

	g_ptr_array_unref(f->rows);
	g_free(f);
}

/* The state of raw window w, made on first use. */
static struct win_raw *
win_raw_state(struct win *w)
{
	if (w->raw == NULL) {
		w->raw = g_new0(struct win_raw, 1);
		w->raw->shown = g_hash_table_new(g_direct_hash, g_direct_equal);
		w->raw->cache = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
		    win_raw_fmt_free);
		g_queue_init(&w->raw->lru);
		/* a search from before the window opened does not move it */
		w->raw->search = g_strdup(capture_view()->search);
	}
	return w->raw;
}

/* The mode element seq is shown in now. */
static unsigned
win_raw_mode(uint64_t seq)
{
	if (capture_view()->raw)
		return RAW_MODE_RAW;
	return capture_view_unfolded(seq) ? RAW_MODE_UNFOLDED : 0;
}

/* The body of e at width as the view shows it now: from the cache, else
 * formatted and cached (the cache owns it; it stays valid until the next
 * win_raw_trim). */
static struct raw_fmt *
win_raw_fmt(struct win_raw *s, const struct capture_entry *e, int width)
{
	gpointer key = GSIZE_TO_POINTER((gsize)e->seq);
	struct raw_fmt *f = g_hash_table_lookup(s->cache, key);
	unsigned mode = win_raw_mode(e->seq);

	if (f != NULL && f->width == width && f->mode == mode && f->search_gen == s->search_gen) {
		g_queue_unlink(&s->lru, f->link);
		g_queue_push_head_link(&s->lru, f->link);
		return f;
	}
	if (f == NULL) {
		f = g_new0(struct raw_fmt, 1);
		f->seq = e->seq;
		g_queue_push_head(&s->lru, f);
		f->link = s->lru.head;
		g_hash_table_insert(s->cache, key, f);
	} else {
		s->cache_rows -= f->rows->len;
		g_ptr_array_unref(f->rows);
		g_queue_unlink(&s->lru, f->link);
		g_queue_push_head_link(&s->lru, f->link);
	}
	f->rows = g_ptr_array_new_with_free_func(win_raw_row_free);
	f->width = width;
	f->mode = mode;
	f->search_gen = s->search_gen;
	win_raw_format(f, e, width, s->search);
	s->cache_rows += f->rows->len;
	return f;
}

/* Drop the least recently used elements beyond the cache's bounds, but
 * never those of the screen just drawn (keep: how many those are). */
static void
win_raw_trim(struct win_raw *s, guint keep)
{
	while (s->lru.length > MAX(keep, 1) &&
	    (s->lru.length > RAW_CACHE_ELEMENTS || s->cache_rows > RAW_CACHE_ROWS)) {
		struct raw_fmt *f = s->lru.tail->data;
		s->cache_rows -= f->rows->len;
		g_queue_delete_link(&s->lru, s->lru.tail);
		g_hash_table_remove(s->cache, GSIZE_TO_POINTER((gsize)f->seq));
	}
}

/* Forget every formatted element. */
static void
win_raw_cache_clear(struct win_raw *s)
{
	g_queue_clear(&s->lru);
	g_hash_table_remove_all(s->cache);
	s->cache_rows = 0;
}

void
win_raw_free(struct win *w)
{
	struct win_raw *s = w->raw;

	if (s == NULL)
		return;
	loop_timer_cancel(app.loop, s->timer);
	win_raw_cache_clear(s);
	g_hash_table_destroy(s->cache);
	g_hash_table_destroy(s->shown);
	g_free(s->search);
	g_free(s->filter);
	g_free(s);
	w->raw = NULL;
}

/* --- which elements, and where --- */

/* True when element seq of w's account exists and passes the filter
 * (remembered per element until the filter changes). */
static bool
win_raw_shown(struct win *w, uint64_t seq)
{
	const struct capture_filter *f = capture_view()->filter;
	const struct capture_entry *e = capture_get(w->account, seq);
	gpointer key = GSIZE_TO_POINTER((gsize)seq), v;
	bool yes;

	if (e == NULL)
		return false;
	if (f == NULL)
		return true;
	if ((v = g_hash_table_lookup(w->raw->shown, key)) != NULL)
		return GPOINTER_TO_UINT(v) == 1;
	yes = capture_filter_match(f, e);
	g_hash_table_insert(w->raw->shown, key, GUINT_TO_POINTER(yes ? 1u : 2u));
	return yes;
}

/* The newest element shown at or before seq (0: none). */
static uint64_t
win_raw_prev(struct win *w, uint64_t seq, uint64_t first)
{
	for (; seq >= first && seq > 0; seq--) {
		if (win_raw_shown(w, seq))
			return seq;
	}
	return 0;
}

/* The oldest element shown from seq to last (0: none). */
static uint64_t
win_raw_next(struct win *w, uint64_t seq, uint64_t last)
{
	for (; seq <= last && seq > 0; seq++) {
		if (win_raw_shown(w, seq))
			return seq;
	}
	return 0;
}

/* Screen rows element seq takes at width: its header and its body. */
static int
win_raw_rows(struct win *w, uint64_t seq, int width)
{
	const struct capture_entry *e = capture_get(w->account, seq);
	struct raw_fmt *f;

	if (e == NULL)
		return 1;
	f = win_raw_fmt(w->raw, e, width);
	return (int)f->rows->len + ((f->mode & RAW_MODE_RAW) ? 0 : 1);
}

/* The newest element the view may show: the last, or where it paused. */
static uint64_t
win_raw_limit(struct win *w, uint64_t last)
{
	return w->raw->paused ? MIN(w->raw->paused_at, last) : last;
}

/* Anchor the view so that the first hit of the search in element seq is
 * on screen (avail rows for elements). */
static void
win_raw_show_hit(struct win *w, uint64_t seq, int width, int avail)
{
	struct win_raw *s = w->raw;
	const struct capture_entry *e = capture_get(w->account, seq);
	struct raw_fmt *f = e != NULL ? win_raw_fmt(s, e, width) : NULL;
	int head = f != NULL && !(f->mode & RAW_MODE_RAW) ? 1 : 0;
	int rows, hit = 0;

	if (f == NULL)
		return;
	rows = (int)f->rows->len + head;
	for (guint i = 0; i < f->rows->len && hit == 0; i++) {
		const struct raw_row *r = g_ptr_array_index(f->rows, i);
		for (guint k = 0; k < r->segs->len; k++) {
			if (g_array_index(r->segs, struct raw_seg, k).kind & RAW_MATCH) {
				hit = (int)i + head;
				break;
			}
		}
	}
	s->anchor = seq;
	/* the hit row about the middle when the element is taller than the view */
	s->skip = rows <= avail ? 0 : CLAMP(rows - hit - 1 - avail / 2, 0, rows - 1);
}

/* Bring w's state up to date with the console's view: the filter, pause
 * and the search (a new search moves the view to its latest hit). */
static void
win_raw_sync(struct win *w, uint64_t first, uint64_t last, int width, int avail)
{
	struct capture_view *v = capture_view();
	struct win_raw *s = win_raw_state(w);
	const char *spec = v->filter != NULL ? capture_filter_spec(v->filter) : NULL;

	if (g_strcmp0(spec, s->filter) != 0) {
		g_free(s->filter);
		s->filter = g_strdup(spec);
		g_hash_table_remove_all(s->shown);
	} else if (g_hash_table_size(s->shown) > 2 * (last - first + 1) + 1024) {
		/* forget elements that left the ring */
		GHashTableIter it;
		gpointer k;
		g_hash_table_iter_init(&it, s->shown);
		while (g_hash_table_iter_next(&it, &k, NULL)) {
			if ((uint64_t)GPOINTER_TO_SIZE(k) < first)
				g_hash_table_iter_remove(&it);
		}
	}
	if (v->paused && !s->paused) {
		s->paused = true;
		/* where /console pause was typed (in this window: its account) */
		s->paused_at = v->paused_last >= first && v->paused_last <= last ? v->paused_last : last;
	} else if (!v->paused) {
		s->paused = false;
	}
	if (s->paused && s->paused_at < first)
		s->paused_at = first; /* it left the ring */
	if (s->anchor != 0 && (first == 0 || s->anchor < first)) {
		s->anchor = first; /* it left the ring: the oldest kept */
		s->skip = 0;
	}
	if (g_strcmp0(v->search, s->search) != 0) {
		g_free(s->search);
		s->search = g_strdup(v->search);
		s->search_gen++;
		for (uint64_t seq = last; s->search != NULL && seq >= first && seq > 0; seq--) {
			const struct capture_entry *e = capture_get(w->account, seq);
			if (e != NULL && capture_contains(e, s->search) && win_raw_shown(w, seq)) {
				win_raw_show_hit(w, seq, width, avail);
				break;
			}
		}
	}
}

/* --- scrolling --- */

/* Move the view rows screen rows forward (towards the newest) from
 * element cur with skip rows hidden; the bottom follows again when it
 * reaches the newest element. */
static void
win_raw_forward(struct win *w, uint64_t cur, int skip, int rows, int width, uint64_t limit)
{
	struct win_raw *s = w->raw;

	skip -= rows;
	while (skip < 0) {
		uint64_t next = win_raw_next(w, cur + 1, limit);
		if (next == 0) {
			skip = 0;
			break;
		}
		cur = next;
		skip += win_raw_rows(w, cur, width);
	}
	s->anchor = skip == 0 && win_raw_next(w, cur + 1, limit) == 0 ? 0 : cur;
	s->skip = s->anchor != 0 ? skip : 0;
}

void
win_raw_scroll(struct win *w, int rows, int width)
{
	struct win_raw *s = win_raw_state(w);
	uint64_t first, last, limit, cur;
	int skip, avail;

	capture_range(w->account, &first, &last);
	avail = s->avail > 0 ? s->avail : MAX(1, draw_main_height() - 1);
	win_raw_sync(w, first, last, width, avail);
	limit = win_raw_limit(w, last);
	cur = win_raw_prev(w, s->anchor != 0 ? s->anchor : limit, first);
	skip = s->anchor != 0 ? s->skip : 0;
	if (cur == 0)
		return;
	if (rows < 0) {
		win_raw_forward(w, cur, skip, -rows, width, limit);
	} else {
		int used, n;
		uint64_t p;

		skip += rows;
		while (skip >= (n = win_raw_rows(w, cur, width))) {
			uint64_t prev = win_raw_prev(w, cur - 1, first);
			if (prev == 0) {
				skip = n - 1;
				break;
			}
			skip -= n;
			cur = prev;
		}
		/* at the top, the oldest element starts the view: no empty rows
		 * above it */
		used = win_raw_rows(w, cur, width) - skip;
		for (p = win_raw_prev(w, cur - 1, first); p != 0 && used < avail;
		    p = win_raw_prev(w, p - 1, first))
			used += win_raw_rows(w, p, width);
		if (used < avail)
			win_raw_forward(w, cur, skip, avail - used, width, limit);
		else {
			s->anchor = cur;
			s->skip = skip;
		}
	}
	win_raw_trim(s, 0);
	ui_dirty(UI_MAIN | UI_STATUS);
}

void
win_raw_scroll_end(struct win *w)
{
	if (w->raw != NULL) {
		w->raw->anchor = 0;
		w->raw->skip = 0;
	}
}

unsigned
win_raw_below(const struct win *w)
{
	if (w->raw == NULL || w->raw->anchor == 0)
		return 0;
	return MAX(w->raw->below, 1u);
}

/* --- drawing --- */

/* The look of a segment kind. */
static attr_t
win_raw_attr(unsigned kind)
{
	if (kind & RAW_MATCH)
		return theme_attr(THEME_CONSOLE_MATCH);
	switch (kind) {
	case SPAN_PUNCT: return theme_attr(THEME_CONSOLE_PUNCTUATION);
	case SPAN_ELEMENT: return theme_attr(THEME_CONSOLE_ELEMENT);
	case SPAN_ATTR: return theme_attr(THEME_CONSOLE_ATTRIBUTE);
	case SPAN_VALUE: return theme_attr(THEME_CONSOLE_VALUE);
	case SPAN_NS: return theme_attr(THEME_CONSOLE_NAMESPACE);
	case SPAN_TEXT: return theme_attr(THEME_CONSOLE_TEXT);
	case SPAN_MARKER: return theme_attr(THEME_CONSOLE_MARKER);
	case RAW_K_IN: return theme_attr(THEME_CONSOLE_IN);
	case RAW_K_OUT: return theme_attr(THEME_CONSOLE_OUT);
	case RAW_K_RTT: return theme_attr(THEME_CONSOLE_RTT);
	case RAW_K_TIMEOUT: return theme_attr(THEME_CONSOLE_TIMEOUT);
	default: return theme_attr(THEME_CONSOLE);
	}
}

/* Write len bytes of s from the cursor, at most cols columns of it (whole
 * characters); returns the columns written. */
static int
win_raw_addn(WINDOW *win, const char *s, size_t len, int cols)
{
	const char *p = s, *end = s + len;
	int used = 0;

	while (p < end) {
		int cw = text_char_width(g_utf8_get_char(p));
		if (used + cw > cols)
			break;
		used += cw;
		p = g_utf8_next_char(p);
	}
	if (p > s)
		waddnstr(win, s, (int)(p - s));
	return used;
}

/* Draw row r at screen row y of a window width columns wide. */
static void
win_raw_draw_row(WINDOW *win, int y, const struct raw_row *r, int width)
{
	int col = MIN(r->indent, width);

	wmove(win, y, col);
	for (guint i = 0; i < r->segs->len && col < width; i++) {
		const struct raw_seg *sg = &g_array_index(r->segs, struct raw_seg, i);
		wattrset(win, win_raw_attr(sg->kind));
		col += win_raw_addn(win, r->text + sg->off, sg->len, width - col);
	}
	wattrset(win, theme_attr(THEME_CONSOLE));
}

/* The header row of element e (to win_raw_row_free): number, time,
 * direction, size, and the iq pairing (now_us decides timeouts). */
static struct raw_row *
win_raw_header(const struct win_raw *s, const struct capture_entry *e, int64_t now_us)
{
	struct raw_row *r = win_raw_row_new(0);
	GString *g = g_string_new(NULL);
	unsigned dir = e->out ? RAW_K_OUT : RAW_K_IN;
	char stamp[64], *t, *sp;
	bool hit = s->search != NULL && *s->search != '\0' && capture_contains(e, s->search);

	win_raw_stamp(e, stamp, sizeof stamp);
	sp = strchr(stamp, ' ');
	/* the number marked when the element holds the search, folded or not */
	win_raw_put(g, r->segs, dir | (hit ? RAW_MATCH : 0), stamp, sp - stamp);
	t = g_strdup_printf("%s %s, %u B", sp, e->out ? "→ out" : "← in", (unsigned)e->size);
	win_raw_put(g, r->segs, dir, t, -1);
	g_free(t);
	if (e->redacted)
		win_raw_put(g, r->segs, SPAN_MARKER, ", credentials removed", -1);
	if (e->rtt >= 0 && e->pair != 0) {
		t = g_strdup_printf("  ↩ #%llu %.1f ms", (unsigned long long)e->pair,
		    (double)e->rtt / 1000.0);
		win_raw_put(g, r->segs, RAW_K_RTT, t, -1);
		g_free(t);
	} else if (e->request && e->pair != 0) {
		t = g_strdup_printf("  → #%llu", (unsigned long long)e->pair);
		win_raw_put(g, r->segs, RAW_K_RTT, t, -1);
		g_free(t);
	} else if (capture_timed_out(e, now_us)) {
		win_raw_put(g, r->segs, RAW_K_TIMEOUT, "  no reply", -1);
	}
	r->text = g_string_free(g, FALSE);
	return r;
}

/* A timed-out request is due: redraw to mark it. */
static void
win_raw_timer_due(void *arg)
{
	struct win *w = arg;

	w->raw->timer = 0;
	w->raw->timer_due = 0;
	if (w == win_current())
		ui_dirty(UI_MAIN);
}

/* One timer for the earliest of the deadlines of the requests shown
 * (due: microseconds since the epoch; 0: none, and no timer). */
static void
win_raw_arm(struct win *w, int64_t due, int64_t now_us)
{
	struct win_raw *s = w->raw;

	if (due == s->timer_due && (s->timer != 0 || due == 0))
		return;
	loop_timer_cancel(app.loop, s->timer);
	s->timer = 0;
	s->timer_due = due;
	if (due != 0)
		s->timer = loop_timer_add(app.loop, (uint64_t)MAX(0, (due - now_us) / 1000) + 1,
		    win_raw_timer_due, w);
}

/* Draw the output of the commands typed in w (its lines) at the bottom
 * of the window: at most max rows; returns the rows used. */
static int
win_raw_notices(struct win *w, WINDOW *win, int height, int width, int max)
{
	GList *l = w->lines->tail, *top = NULL;
	int used = 0, y;

	for (; l != NULL && used < max; l = l->prev) {
		used += win_line_rows(l->data, width);
		top = l;
	}
	if (top == NULL)
		return 0;
	y = height - MIN(used, max);
	for (l = top; l != NULL; l = l->next) {
		int rows = win_line_rows(l->data, width);
		int skip = l == top && used > max ? used - max : 0;
		draw_line(win, l->data, y, skip, rows - skip, width);
		y += rows - skip;
	}
	return MIN(used, max);
}

/* What the window says when there is no element to show. */
static void
win_raw_empty(struct win *w, WINDOW *win, uint64_t last, int width)
{
	char *msg;

	if (last == 0)
		msg = g_strdup_printf("nothing captured for %s yet: elements appear as the "
		    "account sends and receives them", w->account);
	else
		msg = g_strdup("no element matches the filter (/console filter off shows them all)");
	wmove(win, 0, 0);
	wattrset(win, theme_attr(THEME_MAIN_INFO));
	win_raw_addn(win, msg, strlen(msg), width);
	g_free(msg);
}

/* An element on screen: its number and how many of its rows show. */
struct raw_vis {
	uint64_t seq;
	int rows;
};

void
win_raw_draw(struct win *w, void *ncwin, int height, int width)
{
	WINDOW *win = ncwin;
	struct win_raw *s = win_raw_state(w);
	uint64_t first, last, limit, bottom;
	int notices, avail, used = 0, y;
	GArray *vis = g_array_new(FALSE, FALSE, sizeof(struct raw_vis));
	int64_t now = g_get_real_time(), due = 0, timeout;

	capture_range(w->account, &first, &last);
	draw_clear(win, theme_attr(THEME_CONSOLE));
	notices = win_raw_notices(w, win, height, width, MIN(RAW_NOTICE_ROWS, height / 2));
	avail = height - notices;
	win_raw_sync(w, first, last, width, avail);
	limit = win_raw_limit(w, last);
	/* with the anchor: the marker row under the elements */
	s->below = 0;
	if (s->anchor != 0) {
		for (uint64_t q = s->anchor + 1; q <= limit; q++)
			s->below += win_raw_shown(w, q) ? 1 : 0;
		if (s->below == 0 && s->skip == 0)
			s->anchor = 0;
		else
			avail--;
	}
	s->avail = avail;
	bottom = win_raw_prev(w, s->anchor != 0 ? s->anchor : limit, first);
	if (s->anchor != 0 && bottom != s->anchor) {
		/* the anchor is filtered out now: the one before it */
		s->anchor = bottom;
		s->skip = 0;
	}
	if (bottom == 0) {
		win_raw_empty(w, win, last, width);
		s->anchor = 0;
	}
	/* walk back from the bottom until the screen is full */
	for (uint64_t q = bottom; q != 0 && used < avail; q = win_raw_prev(w, q - 1, first)) {
		struct raw_vis v = { q, win_raw_rows(w, q, width) };
		if (q == bottom && s->anchor != 0)
			v.rows = MAX(1, v.rows - s->skip);
		used += v.rows;
		g_array_append_val(vis, v);
	}
	/* the oldest at the top, cut when the elements overflow */
	y = used > avail ? avail - used : 0;
	timeout = settings_int("iq_timeout") * G_USEC_PER_SEC;
	for (guint i = vis->len; i-- > 0;) {
		const struct raw_vis *v = &g_array_index(vis, struct raw_vis, i);
		const struct capture_entry *e = capture_get(w->account, v->seq);
		struct raw_fmt *f = win_raw_fmt(s, e, width);
		int head = (f->mode & RAW_MODE_RAW) ? 0 : 1;

		for (int r = 0; r < v->rows; r++, y++) {
			if (y < 0 || y >= avail)
				continue;
			if (r < head) {
				struct raw_row *h = win_raw_header(s, e, now);
				win_raw_draw_row(win, y, h, width);
				win_raw_row_free(h);
			} else {
				win_raw_draw_row(win, y, g_ptr_array_index(f->rows, r - head), width);
			}
		}
		if (e->request && e->pair == 0 && !capture_timed_out(e, now) &&
		    (due == 0 || e->time + timeout < due))
			due = e->time + timeout;
	}
	if (s->anchor != 0) {
		char buf[64];
		if (s->below > 0)
			snprintf(buf, sizeof buf, "-- %u more below (PgDn) --", s->below);
		else
			snprintf(buf, sizeof buf, "-- more below (PgDn) --");
		wmove(win, avail, 0);
		wattrset(win, theme_attr(THEME_MAIN_MARKER));
		win_raw_addn(win, buf, strlen(buf), width);
		wattrset(win, theme_attr(THEME_CONSOLE));
	}
	win_raw_arm(w, due, now);
	win_raw_trim(s, vis->len);
	g_array_unref(vis);
}

/* --- the title, events --- */

void
win_raw_title(struct win *w, GString *t)
{
	struct capture_view *v = capture_view();
	struct win_raw *s = win_raw_state(w);
	uint64_t first, last;

	capture_range(w->account, &first, &last);
	g_string_append_printf(t, "xml console of %s — %llu kept", w->account,
	    (unsigned long long)(last != 0 ? last - first + 1 : 0));
	if (v->filter != NULL)
		g_string_append_printf(t, " — filter: %s", capture_filter_spec(v->filter));
	if (v->search != NULL)
		g_string_append_printf(t, " — search: %s", v->search);
	if (v->paused) {
		uint64_t at = s->paused ? s->paused_at : v->paused_last;
		g_string_append_printf(t, " — paused: %llu new",
		    (unsigned long long)(last > at ? last - at : 0));
	}
	if (v->raw)
		g_string_append(t, " — raw");
	g_string_append(t, " — in: as parsed (re-serialized by libstrophe)");
}

void
win_raw_on_stanza(const struct event *ev)
{
	struct win *w = win_current();

	if (w->kind == WIN_RAW && g_strcmp0(w->account, ev->account) == 0)
		ui_dirty(UI_MAIN | UI_TITLE | (w->raw != NULL && w->raw->anchor != 0 ? UI_STATUS : 0));
}
