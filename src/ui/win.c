/* win.c - numbered windows and their bounded buffers of lines. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "natter/settings.h"
#include "natter/text.h"
#include "ui.h"

static GPtrArray *wins;    /* struct win, in number order */
static struct win *current;
static struct win *previous;

static void
win_line_free(gpointer p)
{
	struct line *l = p;

	g_free(l->nick);
	g_free(l->text);
	g_free(l->id);
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
	return win_new(WIN_CHAT, account, jid, slash != NULL && slash[1] != '\0' ? slash + 1 : jid);
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
win_add(struct win *w, enum line_kind kind, int64_t stamp, const char *nick, const char *text,
    const char *id)
{
	struct line *l = g_new0(struct line, 1);
	guint max = (guint)settings_int("scrollback");

	l->seq = w->next_seq++;
	l->stamp = stamp != 0 ? stamp : g_get_real_time() / G_USEC_PER_SEC;
	l->kind = kind;
	l->nick = nick != NULL ? text_sanitize(nick, -1, 0) : NULL;
	l->text = text_sanitize(text != NULL ? text : "", -1, TEXT_KEEP_NEWLINE);
	l->id = g_strdup(id);
	l->nick_colour = -1;
	g_queue_push_tail(w->lines, l);
	while (g_queue_get_length(w->lines) > max) {
		struct line *old = g_queue_pop_head(w->lines);
		if (w->anchor != 0 && w->anchor <= old->seq)
			w->anchor = old->seq + 1;
		win_line_free(old);
	}
	if (w == current)
		ui_dirty(UI_MAIN | (w->anchor != 0 ? UI_STATUS : 0));
	return l;
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
	if (w == current)
		ui_dirty(UI_MAIN | UI_STATUS);
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

void
win_scroll(struct win *w, int rows, int width)
{
	GList *link;
	struct line *last = g_queue_peek_tail(w->lines);

	if (w->kind == WIN_RAW) {
		win_raw_scroll(w, rows, width);
		return;
	}
	if (last == NULL)
		return;
	link = win_link(w, w->anchor != 0 ? w->anchor : last->seq);
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
	w->anchor = link == NULL || link->next == NULL ? 0 : ((struct line *)link->data)->seq;
	ui_dirty(UI_MAIN | UI_STATUS);
}

void
win_scroll_end(struct win *w)
{
	if (w->kind == WIN_RAW)
		win_raw_scroll_end(w);
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
	return (unsigned)(last->seq - w->anchor);
}
