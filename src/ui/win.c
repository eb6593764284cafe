/* win.c - numbered windows and their bounded buffers of lines. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "natter/settings.h"
#include "natter/text.h"
#include "ui.h"

static GList *win_link(struct win *w, uint64_t seq);

static GPtrArray *wins;    /* struct win, in number order */
static struct win *current;
static struct win *previous;

void
win_line_free(gpointer p)
{
	struct line *l = p;

	g_free(l->nick);
	g_free(l->text);
	g_free(l->id);
	g_free(l->marks);
	g_free(l);
}

static struct win *
win_new(enum win_kind kind, const char *account, const char *jid, const char *name)
{
	struct win *w = g_new0(struct win, 1);
	guint i;

	w->kind = kind;
	w->account = g_strdup(account);
	w->jid = g_strdup(jid);
	w->name = text_sanitize(name, -1, 0);
	w->lines = g_queue_new();
	w->next_seq = 1;
	/* the lowest free number */
	w->num = 1;
	for (i = 0; i < wins->len; i++) {
		struct win *o = g_ptr_array_index(wins, i);
		if (o->num != w->num)
			break;
		w->num++;
	}
	g_ptr_array_insert(wins, (gint)i, w);
	ui_dirty(UI_STATUS);
	return w;
}

static void
win_free(gpointer p)
{
	struct win *w = p;

	g_queue_free_full(w->lines, win_line_free);
	g_free(w->account);
	g_free(w->jid);
	g_free(w->name);
	g_free(w->chatstate);
	if (w->nicks != NULL)
		g_hash_table_destroy(w->nicks);
	win_raw_free(w);
	win_search_free(w);
	g_free(w);
}

void
win_init(void)
{
	wins = g_ptr_array_new_with_free_func(win_free);
	current = win_new(WIN_CONSOLE, NULL, NULL, "console");
}

void
win_free_all(void)
{
	if (wins != NULL)
		g_ptr_array_free(wins, TRUE);
	wins = NULL;
	current = previous = NULL;
}

struct win *
win_console(void)
{
	return g_ptr_array_index(wins, 0);
}

struct win *
win_current(void)
{
	return current;
}

GPtrArray *
win_list(void)
{
	return wins;
}

void
win_focus(struct win *w)
{
	if (w == NULL)
		return;
	if (w != current) {
		input_window_changed(current, w);
		previous = current;
		current = w;
	}
	w->unread = 0;
	if (w->highlight) {
		w->highlight = false;
		ui_title_update();
	}
	ui_dirty(UI_ALL);
}

/* The window of kind for account/jid, or NULL. */
static struct win *
win_find(enum win_kind kind, const char *account, const char *jid)
{
	for (guint i = 0; i < wins->len; i++) {
		struct win *w = g_ptr_array_index(wins, i);
		if (w->kind == kind && g_strcmp0(w->account, account) == 0 &&
		    g_strcmp0(w->jid, jid) == 0)
			return w;
	}
	return NULL;
}

struct win *
win_chat(const char *account, const char *jid, bool create)
{
	struct win *w = win_find(WIN_CHAT, account, jid);
	const char *slash = jid != NULL ? strchr(jid, '/') : NULL;

	if (w != NULL || !create)
		return w;
	/* a private chat with a room's occupant is named by the nick */
	w = win_new(WIN_CHAT, account, jid, slash != NULL && slash[1] != '\0' ? slash + 1 : jid);
	win_history_load(w);
	return w;
}

struct win *
win_room(const char *account, const char *jid, bool create)
{
	struct win *w = win_find(WIN_ROOM, account, jid);
	const char *at = jid != NULL ? strchr(jid, '@') : NULL;
	char *local;

	if (w != NULL || !create)
		return w;
	/* named by the room's localpart, like a chat by its contact */
	local = at != NULL && at != jid ? g_strndup(jid, (gsize)(at - jid)) : g_strdup(jid);
	w = win_new(WIN_ROOM, account, jid, local);
	w->nicks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_free(local);
	win_history_load(w);
	return w;
}

struct win *
win_raw(const char *account, bool create)
{
	struct win *w = win_find(WIN_RAW, account, NULL);
	char *name;

	if (w != NULL || !create)
		return w;
	name = g_strconcat("xml:", account, NULL);
	w = win_new(WIN_RAW, account, NULL, name);
	g_free(name);
	return w;
}

struct win *
win_search_win(bool create)
{
	struct win *w = win_find(WIN_SEARCH, NULL, NULL);

	if (w != NULL || !create)
		return w;
	return win_new(WIN_SEARCH, NULL, NULL, "search");
}

struct win *
win_by_num(int num)
{
	for (guint i = 0; i < wins->len; i++) {
		struct win *w = g_ptr_array_index(wins, i);
		if (w->num == num)
			return w;
	}
	return NULL;
}

void
win_close(struct win *w)
{
	struct win *next;

	if (w == NULL || w->kind == WIN_CONSOLE)
		return;
	next = previous != NULL && previous != w ? previous : win_console();
	if (w == current)
		win_focus(next);
	if (previous == w)
		previous = NULL;
	input_history_free(w);
	ui_win_closed(w);
	g_ptr_array_remove(wins, w);
	ui_dirty(UI_ALL);
}

struct line *
win_line_new(enum line_kind kind, int64_t stamp, const char *nick, const char *text,
    const char *id)
{
	struct line *l = g_new0(struct line, 1);

	l->stamp = stamp != 0 ? stamp : g_get_real_time() / G_USEC_PER_SEC;
	l->kind = kind;
	l->nick = nick != NULL ? text_sanitize(nick, -1, 0) : NULL;
	l->text = text_sanitize(text != NULL ? text : "", -1, TEXT_KEEP_NEWLINE);
	l->id = g_strdup(id);
	l->nick_colour = -1;
	return l;
}

void
win_trim(struct win *w)
{
	guint max = (guint)settings_int("scrollback");

	while (g_queue_get_length(w->lines) > max) {
		struct line *old = g_queue_pop_head(w->lines);
		if (w->anchor != 0 && w->anchor <= old->seq)
			w->anchor = old->seq + 1;
		win_line_free(old);
		w->hist_begin = false;
	}
}

void
win_trim_view(struct win *w, bool newest_first)
{
	guint max = (guint)settings_int("scrollback");
	guint len = g_queue_get_length(w->lines);
	GList *at = w->anchor != 0 ? win_link(w, w->anchor) : w->lines->tail;
	/* the view is the anchor's line and a screen of lines above it */
	guint margin = (guint)MAX(draw_main_height(), 1);
	guint before = at != NULL ? (guint)g_queue_link_index(w->lines, at) : 0;
	guint after = len > before ? len - before - 1 : 0;

	while (len > max) {
		bool tail = after > 0 && (newest_first || before <= margin);
		if (tail) {
			win_line_free(g_queue_pop_tail(w->lines));
			after--;
			w->detached = true;
		} else if (before > margin) {
			win_line_free(g_queue_pop_head(w->lines));
			before--;
			w->hist_begin = false;
		} else {
			break;
		}
		len--;
	}
	w->next_seq = w->lines->tail != NULL ? ((struct line *)w->lines->tail->data)->seq + 1 : 1;
}

struct line *
win_add(struct win *w, enum line_kind kind, int64_t stamp, const char *nick, const char *text,
    const char *id)
{
	struct line *l = win_line_new(kind, stamp, nick, text, id);

	l->seq = w->next_seq++;
	g_queue_push_tail(w->lines, l);
	win_trim(w);
	if (w == current)
		ui_dirty(UI_MAIN | (w->anchor != 0 ? UI_STATUS : 0));
	return l;
}

/* The queue link holding the line with sequence number seq. */
static GList *
win_link(struct win *w, uint64_t seq)
{
	struct line *first = g_queue_peek_head(w->lines);

	if (first == NULL || seq < first->seq)
		return w->lines->head;
	return g_queue_peek_nth_link(w->lines, (guint)(seq - first->seq));
}

/* The line the view is anchored on, or NULL when it follows the end. */
static struct line *
win_anchor_line(struct win *w)
{
	GList *link = w->anchor != 0 ? win_link(w, w->anchor) : NULL;

	return link != NULL ? link->data : NULL;
}

/* Number w's lines from 1 again (a line came or went in the middle) and
 * keep the view on line at (NULL: following the end). */
static void
win_renumber(struct win *w, const struct line *at)
{
	uint64_t seq = 1;

	for (GList *l = w->lines->head; l != NULL; l = l->next)
		((struct line *)l->data)->seq = seq++;
	w->next_seq = seq;
	w->anchor = at != NULL ? at->seq : 0;
}

void
win_insert(struct win *w, struct line *l, GList *before)
{
	struct line *at;

	if (before == NULL) {
		l->seq = w->next_seq++;
		g_queue_push_tail(w->lines, l);
	} else {
		at = win_anchor_line(w);
		g_queue_insert_before(w->lines, before, l);
		win_renumber(w, at);
	}
	if (w == current)
		ui_dirty(UI_MAIN | UI_STATUS);
}

void
win_remove(struct win *w, GList *link)
{
	struct line *at = win_anchor_line(w);

	if (at != NULL && at == link->data) {
		/* the view moves to the line before (after, at the top) */
		GList *next = link->prev != NULL ? link->prev : link->next;
		at = next != NULL ? next->data : NULL;
	}
	win_line_free(link->data);
	g_queue_delete_link(w->lines, link);
	win_renumber(w, at);
	if (w == current)
		ui_dirty(UI_MAIN | UI_STATUS);
}

struct line *
win_add_at(struct win *w, enum line_kind kind, int64_t stamp, const char *nick, const char *text,
    const char *id)
{
	GList *pos = w->lines->tail;
	struct line *l;

	while (pos != NULL && ((struct line *)pos->data)->stamp > stamp)
		pos = pos->prev;
	if (pos == w->lines->tail)
		return w->detached ? NULL : win_add(w, kind, stamp, nick, text, id);
	if (pos == NULL && !w->hist_begin)
		return NULL;
	l = win_line_new(kind, stamp, nick, text, id);
	win_insert(w, l, pos != NULL ? pos->next : w->lines->head);
	win_trim(w);
	return l;
}

void
win_line_set_marked(struct line *l, const char *prefix, const char *body, const unsigned *marks,
    unsigned n_marks)
{
	GString *out = g_string_new(NULL);
	GArray *m = g_array_new(FALSE, FALSE, sizeof(unsigned));
	size_t len = strlen(body), pos = 0;
	char *s;

	s = text_sanitize(prefix != NULL ? prefix : "", -1, TEXT_KEEP_NEWLINE);
	g_string_append(out, s);
	g_free(s);
	/* each piece sanitized alone: the marks land where their words do */
	for (unsigned i = 0; i < n_marks; i++) {
		size_t start = MIN(marks[2 * i], len), end = MIN(marks[2 * i + 1], len);
		unsigned ms, me;
		if (start < pos || end <= start)
			continue;
		s = text_sanitize(body + pos, (gssize)(start - pos), TEXT_KEEP_NEWLINE);
		g_string_append(out, s);
		g_free(s);
		ms = (unsigned)out->len;
		s = text_sanitize(body + start, (gssize)(end - start), TEXT_KEEP_NEWLINE);
		g_string_append(out, s);
		g_free(s);
		me = (unsigned)out->len;
		g_array_append_val(m, ms);
		g_array_append_val(m, me);
		pos = end;
	}
	s = text_sanitize(body + pos, (gssize)(len - pos), TEXT_KEEP_NEWLINE);
	g_string_append(out, s);
	g_free(s);
	g_free(l->text);
	l->text = g_string_free(out, FALSE);
	g_free(l->marks);
	l->n_marks = m->len / 2;
	l->marks = (unsigned *)(void *)g_array_free(m, l->n_marks == 0);
	l->rows_width = 0;
}

struct line *
win_find_id(struct win *w, const char *id)
{
	if (id == NULL)
		return NULL;
	for (GList *l = w->lines->tail; l != NULL; l = l->prev) {
		struct line *ln = l->data;
		if (g_strcmp0(ln->id, id) == 0)
			return ln;
	}
	return NULL;
}

int
win_line_rows(struct line *l, int width)
{
	if (l->rows_width != width) {
		l->rows = draw_line_rows(l, width);
		l->rows_width = width;
	}
	return l->rows;
}

void
win_clear(struct win *w)
{
	g_queue_free_full(w->lines, win_line_free);
	w->lines = g_queue_new();
	w->anchor = 0;
	w->next_seq = 1;
	w->detached = false;
	if (w == current)
		ui_dirty(UI_MAIN | UI_STATUS);
}

/* Screen rows of the lines from link on in direction dir (-1: older,
 * +1: newer), counted up to need. */
static int
win_rows_beyond(GList *link, int dir, int need, int width)
{
	int rows = 0;

	for (link = link != NULL ? (dir < 0 ? link->prev : link->next) : NULL;
	    link != NULL && rows < need; link = dir < 0 ? link->prev : link->next)
		rows += win_line_rows(link->data, width);
	return rows;
}

/* Before scrolling w by rows from link: page in from the store what the
 * view is about to need (older lines at the top, or newer ones after the
 * end of a detached window).  Returns the link of the same line. */
static GList *
win_scroll_page(struct win *w, GList *link, int rows, int width)
{
	struct line *at = link->data;
	int need = (rows > 0 ? rows : -rows) + draw_main_height();
	bool paged = false;

	if (w->kind != WIN_CHAT && w->kind != WIN_ROOM)
		return link;
	if (rows > 0 && !w->hist_begin && win_rows_beyond(link, -1, need, width) < need)
		paged = win_history_older(w);
	else if (rows < 0 && w->detached && win_rows_beyond(link, 1, need, width) < need)
		paged = win_history_newer(w);
	if (!paged)
		return link;
	link = g_queue_find(w->lines, at);
	return link != NULL ? link : w->lines->tail;
}

void
win_scroll(struct win *w, int rows, int width)
{
	GList *link;
	struct line *last = g_queue_peek_tail(w->lines);

	if (w->kind == WIN_RAW) {
		win_raw_scroll(w, rows, width);
		return;
	}
	if (last == NULL) {
		/* an empty chat: perhaps the store has its messages */
		if ((w->kind != WIN_CHAT && w->kind != WIN_ROOM) || w->hist_begin ||
		    !win_history_older(w))
			return;
		last = g_queue_peek_tail(w->lines);
	}
	link = win_scroll_page(w, win_link(w, w->anchor != 0 ? w->anchor : last->seq), rows, width);
	if (rows > 0) {
		/* back in time: move the anchor up while rows remain */
		while (rows > 0 && link != NULL && link->prev != NULL) {
			rows -= win_line_rows(link->data, width);
			link = link->prev;
		}
	} else {
		while (rows < 0 && link != NULL && link->next != NULL) {
			link = link->next;
			rows += win_line_rows(link->data, width);
		}
	}
	/* a detached window's last line is not the end */
	w->anchor = link == NULL || (link->next == NULL && !w->detached)
	    ? 0 : ((struct line *)link->data)->seq;
	ui_dirty(UI_MAIN | UI_STATUS);
}

void
win_show_line(struct win *w, struct line *l, int height, int width)
{
	GList *link = g_queue_find(w->lines, l);
	int rows = 0;

	if (link == NULL)
		return;
	/* the bottom line of the view: half a screen below l */
	while (link->next != NULL && rows + win_line_rows(link->next->data, width) <= height / 2) {
		link = link->next;
		rows += win_line_rows(link->data, width);
	}
	w->anchor = link->next == NULL && !w->detached ? 0 : ((struct line *)link->data)->seq;
	ui_dirty(UI_MAIN | UI_STATUS);
}

void
win_scroll_end(struct win *w)
{
	if (w->kind == WIN_RAW)
		win_raw_scroll_end(w);
	if (w->detached)
		win_history_latest(w);
	w->anchor = 0;
	ui_dirty(UI_MAIN | UI_STATUS);
}

unsigned
win_below(const struct win *w)
{
	struct line *last = g_queue_peek_tail(w->lines);

	if (w->kind == WIN_RAW)
		return win_raw_below(w);
	if (w->anchor == 0 || last == NULL)
		return 0;
	/* newer messages in the store count as one more */
	return (unsigned)(last->seq - w->anchor) + (w->detached ? 1 : 0);
}
