/* win-history.c - chat and room windows as views on the store: the last
 * screenful when a window opens, older pages as the user scrolls back,
 * newer ones again after a detached window, a window opened at a search
 * hit, and the test that keeps a message from showing twice. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "natter/history.h"
#include "natter/settings.h"
#include "natter/text.h"
#include "ui.h"

#define WIN_HISTORY_FIRST 50   /* messages a new window starts with, at least */
#define WIN_HISTORY_PAGE 100   /* messages paged in at a time */
/* Seconds by which two copies of one message (live, carbon, archived)
 * may be stamped apart: the sender's clock, the server's, ours. */
#define WIN_HISTORY_SLACK 600

static bool
win_history_backed(const struct win *w)
{
	return (w->kind == WIN_CHAT || w->kind == WIN_ROOM) && w->account != NULL && w->jid != NULL;
}

static bool
win_history_is_msg(const struct line *l)
{
	return l->kind == LINE_MSG_IN || l->kind == LINE_MSG_OUT || l->kind == LINE_ACTION_IN ||
	    l->kind == LINE_ACTION_OUT;
}

static bool
win_history_is_out(const struct line *l)
{
	return l->kind == LINE_MSG_OUT || l->kind == LINE_ACTION_OUT;
}

/* True when line b is a copy of line a: the same store row, or the same
 * id (or origin-id) and text, or the same time and text; from the same
 * nick in a room, in the same direction in a chat.  (Cheap tests first:
 * this runs over many lines for every archived message.) */
static bool
win_history_same(const struct win *w, const struct line *a, const struct line *b,
    const char *origin_id)
{
	bool ids;

	if (!win_history_is_msg(a) || !win_history_is_msg(b))
		return false;
	if (a->rowid != 0 && b->rowid != 0)
		return a->rowid == b->rowid;
	ids = a->id != NULL && ((b->id != NULL && strcmp(a->id, b->id) == 0) ||
	    (origin_id != NULL && strcmp(a->id, origin_id) == 0));
	if (!ids && a->stamp != b->stamp)
		return false;
	if (w->kind == WIN_ROOM ? g_strcmp0(a->nick, b->nick) != 0
	                        : win_history_is_out(a) != win_history_is_out(b))
		return false;
	return strcmp(a->text, b->text) == 0 || (ids && ((a->flags | b->flags) & LINE_CORRECTED));
}

/* The link of a line of w that line l copies, or NULL: lines stamped
 * near l's are compared, from the end (newest first). */
static GList *
win_history_find(const struct win *w, const struct line *l, const char *origin_id)
{
	for (GList *k = w->lines->tail; k != NULL; k = k->prev) {
		const struct line *o = k->data;
		if (o->stamp < l->stamp - WIN_HISTORY_SLACK)
			break;
		if (o->stamp <= l->stamp + WIN_HISTORY_SLACK && win_history_same(w, o, l, origin_id))
			return k;
	}
	return NULL;
}

bool
win_history_shown(struct win *w, bool out, const char *nick, const char *id,
    const char *origin_id, int64_t stamp, const char *text)
{
	struct line probe = { 0 };
	bool shown;

	probe.kind = out ? LINE_MSG_OUT : LINE_MSG_IN;
	probe.stamp = stamp;
	probe.nick = (char *)nick;
	probe.id = (char *)id;
	probe.text = text_sanitize(text != NULL ? text : "", -1, TEXT_KEEP_NEWLINE);
	shown = win_history_find(w, &probe, origin_id) != NULL;
	g_free(probe.text);
	return shown;
}

/* A line (to put in w, or to free) for message m of w's conversation. */
static struct line *
win_history_line(struct win *w, const struct history_msg *m)
{
	const char *body = m->body != NULL ? m->body : "";
	bool action = g_str_has_prefix(body, "/me ");
	char *nick = ui_chat_nick_of(w->account, w->jid, m->out, m->sender, m->nick);
	const char *slash = strchr(w->jid, '/');
	struct line *l;

	if (w->kind == WIN_ROOM && !m->out && m->nick == NULL &&
	    (m->sender == NULL || strchr(m->sender, '/') == NULL)) {
		/* the room itself spoke */
		l = win_line_new(LINE_INFO, m->stamp, NULL, body, m->msg_id);
	} else {
		l = win_line_new(m->out ? (action ? LINE_ACTION_OUT : LINE_MSG_OUT)
		                        : (action ? LINE_ACTION_IN : LINE_MSG_IN),
		    m->stamp, nick, action ? body + 4 : body, m->msg_id);
	}
	l->rowid = m->rowid;
	if (m->corrected)
		l->flags |= LINE_CORRECTED;
	if (m->retracted)
		l->flags |= LINE_RETRACTED;
	if (!m->out && settings_bool("nick_colors") && l->kind != LINE_INFO)
		/* as live lines have it: a room's nick, an occupant's, a contact's JID */
		l->nick_colour = text_color_xterm256(w->kind == WIN_ROOM ? nick
		    : slash != NULL ? slash + 1 : w->jid);
	g_free(nick);
	return l;
}

void
win_history_load(struct win *w)
{
	unsigned n = (unsigned)MAX(WIN_HISTORY_FIRST, draw_main_height());
	GPtrArray *msgs;

	if (!win_history_backed(w)) {
		w->hist_begin = true;
		return;
	}
	msgs = history_last(w->account, w->jid, n);
	w->hist_begin = msgs == NULL || msgs->len < n;
	for (guint i = 0; msgs != NULL && i < msgs->len; i++)
		win_insert(w, win_history_line(w, g_ptr_array_index(msgs, i)), NULL);
	if (msgs != NULL)
		g_ptr_array_unref(msgs);
}

/* Put l into w at its time, after link from (NULL: anywhere from the
 * start) and before link to (NULL: up to the end), unless w shows it
 * already (then it is freed).  True when it was put in. */
static bool
win_history_place(struct win *w, struct line *l, GList *from, GList *to)
{
	GList *pos = to != NULL ? to->prev : w->lines->tail;

	if (win_history_find(w, l, NULL) != NULL) {
		win_line_free(l);
		return false;
	}
	/* after the last line of the range stamped at or before it */
	while (pos != NULL && pos != from && ((struct line *)pos->data)->stamp > l->stamp)
		pos = pos->prev;
	win_insert(w, l, pos != NULL ? pos->next : w->lines->head);
	return true;
}

bool
win_history_older(struct win *w)
{
	GList *first = NULL;
	const struct line *head;
	GPtrArray *msgs;
	unsigned ask, before = 0, added = 0;

	if (!win_history_backed(w) || w->hist_begin)
		return false;
	/* the oldest line the store knows, and the lines in front of it */
	for (GList *k = w->lines->head; k != NULL && first == NULL; k = k->next) {
		if (((struct line *)k->data)->rowid != 0)
			first = k;
		else
			before++;
	}
	if (first != NULL) {
		ask = WIN_HISTORY_PAGE + MIN(before, 1000);
		msgs = history_before(w->account, w->jid, ((struct line *)first->data)->rowid, ask);
	} else {
		/* only live lines: they are the newest of the store */
		ask = g_queue_get_length(w->lines) + WIN_HISTORY_PAGE;
		msgs = history_last(w->account, w->jid, ask);
	}
	w->hist_begin = msgs == NULL || msgs->len < ask;
	head = g_queue_peek_head(w->lines);
	for (guint i = 0; msgs != NULL && i < msgs->len; i++) {
		const struct history_msg *m = g_ptr_array_index(msgs, i);
		/* without a row to page from: what is older than the first line */
		if (first == NULL && head != NULL && m->stamp > head->stamp)
			continue;
		if (win_history_place(w, win_history_line(w, m), NULL, first))
			added++;
	}
	if (msgs != NULL)
		g_ptr_array_unref(msgs);
	win_trim_view(w, true);
	return added > 0;
}

bool
win_history_newer(struct win *w)
{
	GList *last = NULL;
	GPtrArray *msgs;
	unsigned ask, after = 0, added = 0;

	if (!win_history_backed(w) || !w->detached)
		return false;
	for (GList *k = w->lines->tail; k != NULL && last == NULL; k = k->prev) {
		if (((struct line *)k->data)->rowid != 0)
			last = k;
		else
			after++;
	}
	if (last == NULL) {
		win_history_latest(w);
		return true;
	}
	/* the last line itself comes first */
	ask = WIN_HISTORY_PAGE + 1 + MIN(after, 1000);
	msgs = history_from(((struct line *)last->data)->rowid, ask);
	w->detached = msgs != NULL && msgs->len >= ask;
	for (guint i = 0; msgs != NULL && i < msgs->len; i++) {
		if (win_history_place(w, win_history_line(w, g_ptr_array_index(msgs, i)), last, NULL))
			added++;
	}
	if (msgs != NULL)
		g_ptr_array_unref(msgs);
	win_trim_view(w, false);
	return added > 0;
}

void
win_history_latest(struct win *w)
{
	win_clear(w);
	win_history_load(w);
}

/* The link of the line of w with the store's row rowid, or NULL. */
static GList *
win_history_row(struct win *w, int64_t rowid)
{
	for (GList *k = w->lines->tail; k != NULL; k = k->prev) {
		if (((struct line *)k->data)->rowid == rowid)
			return k;
	}
	return NULL;
}

/* Fill w with the messages around row rowid: some before it, it, and a
 * page after it. */
static void
win_history_around(struct win *w, int64_t rowid)
{
	unsigned ask_before = WIN_HISTORY_PAGE / 2, ask_from = WIN_HISTORY_PAGE;
	GPtrArray *before = history_before(w->account, w->jid, rowid, ask_before);
	GPtrArray *from = history_from(rowid, ask_from);

	win_clear(w);
	w->hist_begin = before == NULL || before->len < ask_before;
	w->detached = from != NULL && from->len >= ask_from;
	for (guint i = 0; before != NULL && i < before->len; i++)
		win_insert(w, win_history_line(w, g_ptr_array_index(before, i)), NULL);
	for (guint i = 0; from != NULL && i < from->len; i++)
		win_insert(w, win_history_line(w, g_ptr_array_index(from, i)), NULL);
	if (before != NULL)
		g_ptr_array_unref(before);
	if (from != NULL)
		g_ptr_array_unref(from);
}

void
win_history_open(const char *account, const char *conv, const char *type, int64_t rowid,
    const char *body, const unsigned *marks, unsigned n_marks)
{
	struct win *w = g_strcmp0(type, "groupchat") == 0 ? win_room(account, conv, true)
	                                                   : win_chat(account, conv, true);
	GList *link = win_history_row(w, rowid);
	struct line *l;

	if (link == NULL) {
		win_history_around(w, rowid);
		link = win_history_row(w, rowid);
	}
	win_focus(w);
	if (link == NULL) {
		win_add(w, LINE_ERROR, 0, NULL, "that message is no longer in the history", NULL);
		return;
	}
	l = link->data;
	if (body != NULL && marks != NULL) {
		/* the marks count in the body; an action's line lacks its "/me " */
		size_t skip = l->kind == LINE_ACTION_IN || l->kind == LINE_ACTION_OUT ? 4 : 0;
		unsigned *m = g_new(unsigned, 2 * (gsize)n_marks);
		unsigned n = 0;
		for (unsigned i = 0; i < n_marks && strlen(body) >= skip; i++) {
			if (marks[2 * i] < skip)
				continue;
			m[2 * n] = marks[2 * i] - (unsigned)skip;
			m[2 * n + 1] = marks[2 * i + 1] - (unsigned)skip;
			n++;
		}
		win_line_set_marked(l, NULL, body + MIN(skip, strlen(body)), m, n);
		g_free(m);
	}
	win_show_line(w, l, draw_main_height(), draw_main_width());
	win_trim_view(w, true);
}
