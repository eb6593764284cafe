/* draw.c - the screen's layout and the drawing of the title bar, the main
 * window, the status bar and the pane borders.  Only visible lines are
 * formatted, and only the parts marked dirty are redrawn. */
#include "config.h"

#include <string.h>
#include <time.h>

#include <curses.h>
#include <glib.h>

#include "natter/account.h"
#include "natter/muc.h"
#include "natter/roster.h"
#include "natter/settings.h"
#include "natter/text.h"
#include "theme.h"
#include "ui.h"

static struct {
	WINDOW *title, *main, *sep, *roster, *status, *input;
	int main_w, main_h;
} d;

int
draw_main_width(void)
{
	return d.main_w;
}

int
draw_main_height(void)
{
	return d.main_h;
}

static void
draw_del(WINDOW **w)
{
	if (*w != NULL)
		delwin(*w);
	*w = NULL;
}

void
draw_free(void)
{
	draw_del(&d.title);
	draw_del(&d.main);
	draw_del(&d.sep);
	draw_del(&d.roster);
	draw_del(&d.status);
	draw_del(&d.input);
}

/* The roster pane's width, or 0 when hidden or the screen is too narrow. */
static int
draw_roster_width(void)
{
	int rw = (int)settings_int("roster_width");

	if (!settings_bool("roster") || COLS < rw + 30)
		return 0;
	return rw;
}

void
draw_layout(void)
{
	int rows = LINES, cols = COLS, rw = draw_roster_width();

	draw_free();
	if (rows < 4 || cols < 10)
		return;
	d.main_h = rows - 3;
	d.main_w = rw > 0 ? cols - rw - 1 : cols;
	d.title = newwin(1, cols, 0, 0);
	d.main = newwin(d.main_h, d.main_w, 1, 0);
	if (rw > 0) {
		d.sep = newwin(d.main_h, 1, 1, d.main_w);
		d.roster = newwin(d.main_h, rw, 1, d.main_w + 1);
	}
	d.status = newwin(1, cols, rows - 2, 0);
	d.input = newwin(1, cols, rows - 1, 0);
	clearok(curscr, TRUE);
	/* the wrapped heights depend on the width */
	for (guint i = 0; i < win_list()->len; i++) {
		struct win *w = g_ptr_array_index(win_list(), i);
		for (GList *l = w->lines->head; l != NULL; l = l->next)
			((struct line *)l->data)->rows_width = 0;
	}
}

/* Clear the rest of the row in the current attributes.  (wbkgdset also
 * changes the window's attributes, hence the wattrset after it.) */
static void
draw_fill(WINDOW *win)
{
	attr_t a = (attr_t)getattrs(win);

	wbkgdset(win, ' ' | a);
	wclrtoeol(win);
	wbkgdset(win, ' ');
	wattrset(win, a);
}

void
draw_clear(void *ncwin, unsigned long a)
{
	WINDOW *win = ncwin;

	/* blank in a, then a plain background so that its attributes do not
	 * mix into the text written later */
	wbkgdset(win, ' ' | a);
	werase(win);
	wbkgdset(win, ' ');
	wattrset(win, a);
}

/* "HH:MM " (the time_format setting) for line l's stamp, after the date
 * for a line that asks for it (history, search hits). */
static int
draw_stamp(const struct line *l, char *buf, size_t len)
{
	time_t t = (time_t)l->stamp;
	struct tm tm;
	size_t n;
	char *fmt = g_strconcat((l->flags & LINE_DATE) ? "%Y-%m-%d " : "",
	    settings_str("time_format"), NULL);

	localtime_r(&t, &tm);
	n = strftime(buf, len - 1, fmt, &tm);
	g_free(fmt);
	buf[n++] = ' ';
	buf[n] = '\0';
	return text_width(buf, (gssize)n);
}

/* The nick column of a line ("<bob> ", "* bob ", "-- "), to free. */
static char *
draw_nick(const struct line *l)
{
	switch (l->kind) {
	case LINE_MSG_IN:
	case LINE_MSG_OUT:
		return g_strdup_printf("<%s> ", l->nick != NULL ? l->nick : "?");
	case LINE_ACTION_IN:
	case LINE_ACTION_OUT:
		return g_strdup_printf("* %s ", l->nick != NULL ? l->nick : "?");
	case LINE_ERROR:
		return g_strdup("!! ");
	case LINE_JOIN:
		return g_strdup("--> ");
	case LINE_PART:
		return g_strdup("<-- ");
	case LINE_HIT:
		return g_strdup_printf("[%s] ", l->nick != NULL ? l->nick : "?");
	default:
		return g_strdup("-- ");
	}
}

/* The text of a line with its marks (edited, delivered), to free;
 * *text_len gets the length of the text itself. */
static char *
draw_body(const struct line *l, size_t *text_len)
{
	*text_len = strlen(l->text);
	if (l->flags & LINE_RETRACTED)
		return g_strconcat(l->text, "(message retracted)", NULL);
	return g_strconcat(l->text, (l->flags & LINE_CORRECTED) ? " (edited)" : "",
	    (l->flags & LINE_DELIVERED) ? " ✓" : "", NULL);
}

/* Columns the prefix (time and nick) takes, and the indent of later rows. */
static int
draw_prefix(const struct line *l, int width, int *indent)
{
	char stamp[64];
	char *nick = draw_nick(l);
	int cols = draw_stamp(l, stamp, sizeof stamp) + text_width(nick, -1);

	g_free(nick);
	*indent = cols < width / 2 ? cols : 2;
	return cols;
}

int
draw_line_rows(struct line *l, int width)
{
	int indent, prefix = draw_prefix(l, width, &indent);
	size_t tl;
	char *body = draw_body(l, &tl);
	/* the first row is shorter by the prefix than the others by the indent */
	int first = width - prefix, rest = width - indent;
	size_t n;

	if (first < 1 || rest < 1) {
		g_free(body);
		return 1;
	}
	/* wrap at the narrower width: cheap and never overflows */
	n = text_wrap(body, MIN(first, rest), NULL, 0);
	g_free(body);
	return n > 0 ? (int)n : 1;
}

/* Draw bytes [from, to) of body, the text of line l, in attributes a,
 * and the words its marks name (search hits) in the search.hit look. */
static void
draw_text(WINDOW *win, const struct line *l, const char *body, size_t from, size_t to, attr_t a)
{
	size_t pos = from;

	for (unsigned i = 0; i < l->n_marks && pos < to; i++) {
		size_t ms = MAX(l->marks[2 * i], pos), me = MIN(l->marks[2 * i + 1], to);
		if (me <= ms)
			continue;
		wattrset(win, a);
		if (ms > pos)
			waddnstr(win, body + pos, (int)(ms - pos));
		wattrset(win, theme_attr(THEME_SEARCH_HIT));
		waddnstr(win, body + ms, (int)(me - ms));
		pos = me;
	}
	wattrset(win, a);
	if (to > pos)
		waddnstr(win, body + pos, (int)(to - pos));
}

/* Draw rows [skip, skip+count) of line l from screen row y (also the
 * notices under a raw console's elements). */
void
draw_line(void *ncwin, struct line *l, int y, int skip, int count, int width)
{
	WINDOW *win = ncwin;
	int indent, prefix = draw_prefix(l, width, &indent);
	size_t tl;
	char *body = draw_body(l, &tl);
	GArray *rows = text_wrap_array(body, MAX(1, MIN(width - prefix, width - indent)));
	attr_t base = theme_attr(THEME_MAIN);
	attr_t text_attr;

	switch (l->kind) {
	case LINE_MSG_OUT:
	case LINE_ACTION_OUT:
		text_attr = theme_attr(THEME_MAIN_TEXT_SELF);
		break;
	case LINE_ERROR:
		text_attr = theme_attr(THEME_MAIN_ERROR);
		break;
	case LINE_INFO:
		text_attr = theme_attr(THEME_MAIN_INFO);
		break;
	case LINE_JOIN:
		text_attr = theme_attr(THEME_MAIN_JOIN);
		break;
	case LINE_PART:
		text_attr = theme_attr(THEME_MAIN_PART);
		break;
	default:
		text_attr = (l->flags & LINE_HIGHLIGHT) ? theme_attr(THEME_MAIN_HIGHLIGHT) : base;
	}
	if (l->kind == LINE_ACTION_IN || l->kind == LINE_ACTION_OUT)
		text_attr = theme_attr(THEME_MAIN_ACTION);

	for (int r = skip; r < skip + count && r < (int)rows->len; r++, y++) {
		const struct text_line *tl_row = &g_array_index(rows, struct text_line, r);
		wmove(win, y, 0);
		wattrset(win, base);
		if (r == 0) {
			char stamp[64];
			char *nick = draw_nick(l);
			draw_stamp(l, stamp, sizeof stamp);
			wattrset(win, theme_attr(THEME_MAIN_TIME));
			waddstr(win, stamp);
			if (l->kind == LINE_MSG_OUT || l->kind == LINE_ACTION_OUT)
				wattrset(win, theme_attr(THEME_MAIN_NICK_SELF));
			else if (l->nick_colour >= 0)
				wattrset(win, theme_fg_attr(l->nick_colour, THEME_MAIN_NICK));
			else if (l->kind != LINE_MSG_IN && l->kind != LINE_ACTION_IN)
				wattrset(win, text_attr); /* info, errors, joins, parts */
			else
				wattrset(win, theme_attr(THEME_MAIN_NICK));
			waddstr(win, nick);
			g_free(nick);
		} else {
			for (int i = 0; i < indent; i++)
				waddch(win, ' ');
		}
		/* the text, then the marks in their own colour */
		{
			size_t off = tl_row->off, end = tl_row->off + tl_row->len;
			size_t split = MIN(MAX(off, tl), end);
			wattrset(win, text_attr);
			if (split > off)
				draw_text(win, l, body, off, split, text_attr);
			if (end > split) {
				wattrset(win, theme_attr((l->flags & LINE_DELIVERED) &&
				    strstr(body + split, "✓") != NULL && !(l->flags & LINE_CORRECTED)
				    ? THEME_MAIN_RECEIPT : THEME_MAIN_CORRECTED));
				waddnstr(win, body + split, (int)(end - split));
			}
		}
		wattrset(win, base);
		draw_fill(win);
	}
	g_array_unref(rows);
	g_free(body);
}

/* Draw the current window's lines: from the anchor (or the newest) up. */
static void
draw_main(void)
{
	struct win *w = win_current();
	WINDOW *win = d.main;
	int height = d.main_h, width = d.main_w;
	unsigned below = win_below(w);
	int avail = height - (below > 0 ? 1 : 0);
	GList *link;
	int used = 0;

	if (win == NULL)
		return;
	if (w->kind == WIN_RAW) {
		win_raw_draw(w, win, height, width);
		wnoutrefresh(win);
		return;
	}
	draw_clear(win, theme_attr(THEME_MAIN));
	link = w->lines->tail;
	if (w->anchor != 0) {
		struct line *first = g_queue_peek_head(w->lines);
		link = first != NULL ? g_queue_peek_nth_link(w->lines, (guint)(w->anchor - first->seq))
		                     : NULL;
	}
	/* walk back until the screen is full */
	GList *top = link;
	while (top != NULL) {
		int rows = win_line_rows(top->data, width);
		if (used + rows >= avail) {
			used += rows;
			break;
		}
		used += rows;
		if (top->prev == NULL)
			break;
		top = top->prev;
	}
	if (top != NULL) {
		/* fewer rows than the screen: keep them at the bottom, like a
		 * chat; more: the top line shows only its last rows */
		int y = used < avail ? avail - used : 0;
		int overflow = used > avail ? used - avail : 0;
		for (GList *l = top; l != NULL; l = l->next) {
			int rows = win_line_rows(l->data, width);
			int skip = l == top ? overflow : 0;
			int count = MIN(rows - skip, avail - y);
			if (count <= 0)
				break;
			draw_line(win, l->data, y, skip, count, width);
			y += count;
			if (l == link)
				break;
		}
	}
	if (below > 0) {
		char buf[64];
		if (w->detached)
			snprintf(buf, sizeof buf, "-- more below (PgDn) --");
		else
			snprintf(buf, sizeof buf, "-- %u more below (PgDn) --", below);
		wmove(win, height - 1, 0);
		wattrset(win, theme_attr(THEME_MAIN_MARKER));
		waddstr(win, buf);
		draw_fill(win);
	}
	wnoutrefresh(win);
}

/* The title of a room: its JID, our nick, the occupant count, the subject. */
static void
draw_title_room(GString *t, const struct win *w)
{
	const struct room *r = muc_find(w->account, w->jid);
	char *s;

	g_string_append(t, w->jid);
	if (r == NULL) {
		g_string_append(t, " — not in the room");
		return;
	}
	s = text_sanitize(r->nick, -1, 0);
	g_string_append_printf(t, " as %s", s);
	g_free(s);
	if (!r->joined) {
		const struct account *acc = account_find(w->account);
		g_string_append(t, acc != NULL && acc->state == ACC_ONLINE ? " — joining…"
		    : " — offline: joined again when the account connects");
		return;
	}
	g_string_append_printf(t, " — %u %s", g_hash_table_size(r->occupants),
	    g_hash_table_size(r->occupants) == 1 ? "occupant" : "occupants");
	if (r->subject != NULL && *r->subject != '\0') {
		/* a subject of several lines shows as one */
		s = text_sanitize(r->subject, -1, TEXT_KEEP_NEWLINE);
		g_strdelimit(s, "\n", ' ');
		g_string_append_printf(t, " — %s", s);
		g_free(s);
	}
}

/* The title of a private chat with a room's occupant: "nick in room". */
static void
draw_title_occupant(GString *t, const struct win *w)
{
	const char *slash = strchr(w->jid, '/');
	char *room = g_strndup(w->jid, (gsize)(slash - w->jid));
	const struct occupant *o = muc_occupant(muc_find(w->account, room), slash + 1);

	g_string_append_printf(t, "%s in %s — %s", slash + 1, room,
	    o != NULL ? presence_show_name(o->show) : "not in the room");
	if (o != NULL && o->status != NULL) {
		char *st = text_sanitize(o->status, -1, 0);
		g_string_append_printf(t, ": %s", st);
		g_free(st);
	}
	g_free(room);
}

/* The title of a chat: the contact's JID, name, presence and status. */
static void
draw_title_chat(GString *t, const struct win *w)
{
	const struct account *acc = account_find(w->account);
	const struct contact *c = acc != NULL ? roster_find(acc->roster, w->jid) : NULL;
	const struct contact_resource *r = c != NULL ? roster_best(c) : NULL;

	g_string_append(t, w->jid);
	if (c != NULL && c->name != NULL) {
		char *n = text_sanitize(c->name, -1, 0);
		g_string_append_printf(t, " (%s)", n);
		g_free(n);
	}
	g_string_append_printf(t, " — %s", presence_show_name(r != NULL ? r->show : PRES_OFFLINE));
	if (r != NULL && r->status != NULL) {
		char *st = text_sanitize(r->status, -1, 0);
		g_string_append_printf(t, ": %s", st);
		g_free(st);
	}
}

static void
draw_title(void)
{
	struct win *w = win_current();
	GString *t = g_string_new(" ");
	char *cut;

	if (w->kind == WIN_CONSOLE)
		g_string_append(t, "natter — console");
	else if (w->kind == WIN_RAW)
		win_raw_title(w, t);
	else if (w->kind == WIN_SEARCH)
		win_search_title(w, t);
	else if (w->kind == WIN_ROOM)
		draw_title_room(t, w);
	else if (strchr(w->jid, '/') != NULL)
		draw_title_occupant(t, w);
	else
		draw_title_chat(t, w);
	if (w->kind == WIN_CHAT && w->chatstate != NULL)
		g_string_append_printf(t, "   [%s…]", w->chatstate);
	{
		/* its parts are sanitized already; the whole again, to be sure */
		char *safe = text_sanitize(t->str, -1, 0);
		cut = text_truncate(safe, COLS, "…");
		g_free(safe);
	}
	draw_clear(d.title, theme_attr(THEME_TITLE));
	wmove(d.title, 0, 0);
	waddstr(d.title, cut);
	draw_fill(d.title);
	wnoutrefresh(d.title);
	g_free(cut);
	g_string_free(t, TRUE);
}

/* One account's state for the status bar. */
static const char *
draw_account_state(const struct account *acc)
{
	switch (acc->state) {
	case ACC_ONLINE:
		return presence_show_name(acc->show);
	case ACC_CONNECTING:
		return "connecting";
	case ACC_DISCONNECTING:
		return "disconnecting";
	default:
		return "offline";
	}
}

static void
draw_status(void)
{
	WINDOW *s = d.status;
	GPtrArray *all = win_list();

	/* no clock: it would wake natter every minute for nothing */
	draw_clear(s, theme_attr(THEME_STATUS));
	wmove(s, 0, 0);
	waddch(s, ' ');
	for (size_t i = 0; i < account_count(); i++) {
		const struct account *acc = account_nth(i);
		wattrset(s, theme_attr(THEME_STATUS_ACCOUNT));
		wprintw(s, "[%s: %s] ", acc->name, draw_account_state(acc));
	}
	for (guint i = 0; i < all->len; i++) {
		struct win *w = g_ptr_array_index(all, i);
		enum theme_key k = w == win_current() ? THEME_STATUS_WIN_CURRENT
		    : w->highlight && settings_bool("status_highlight") ? THEME_STATUS_WIN_HIGHLIGHT
		    : w->unread > 0 ? THEME_STATUS_WIN_ACTIVE : THEME_STATUS_WIN;
		char *name = text_truncate(w->name, 16, "…");
		wattrset(s, theme_attr(k));
		if (w->unread > 0 && w != win_current())
			wprintw(s, "%d:%s(%d)", w->num, name, w->unread);
		else
			wprintw(s, "%d:%s", w->num, name);
		wattrset(s, theme_attr(THEME_STATUS));
		waddch(s, ' ');
		g_free(name);
	}
	if (win_below(win_current()) > 0) {
		wattrset(s, theme_attr(THEME_STATUS_WIN_ACTIVE));
		waddstr(s, "-- more --");
	}
	wattrset(s, theme_attr(THEME_STATUS));
	draw_fill(s);
	wnoutrefresh(s);
}

static void
draw_sep(void)
{
	if (d.sep == NULL)
		return;
	wattrset(d.sep, theme_attr(THEME_SEPARATOR));
	for (int y = 0; y < d.main_h; y++) {
		/* the line-drawing character itself where the locale allows */
		if (g_get_charset(NULL))
			mvwaddstr(d.sep, y, 0, "│");
		else
			mvwaddch(d.sep, y, 0, ACS_VLINE);
	}
	wnoutrefresh(d.sep);
}

void
draw_pane_scroll(int rows)
{
	if (win_current()->kind == WIN_ROOM)
		pane_occupants_scroll(rows);
	else
		pane_roster_scroll(rows);
}

void
draw_screen(unsigned parts)
{
	if (d.main == NULL)
		return;
	if (parts & UI_TITLE)
		draw_title();
	if (parts & UI_MAIN)
		draw_main();
	if ((parts & UI_ROSTER) && d.roster != NULL) {
		draw_sep();
		/* a room shows its occupants where the roster is */
		if (win_current()->kind == WIN_ROOM)
			pane_occupants_draw(d.roster, d.main_h, getmaxx(d.roster));
		else
			pane_roster_draw(d.roster, d.main_h, getmaxx(d.roster));
		wnoutrefresh(d.roster);
	}
	if (parts & UI_STATUS)
		draw_status();
	/* the input line last: the cursor stays there */
	input_draw(d.input, COLS);
	wnoutrefresh(d.input);
	doupdate();
}
