/* win-search.c - the search results window: the hits of the last /search,
 * numbered, newest first, with the matching words highlighted; typing a
 * hit's number opens its conversation at that message. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "natter/account.h"
#include "natter/cmd.h"
#include "natter/text.h"
#include "ui.h"

/* Where a hit is, to open it. */
struct win_hit {
	char *account, *conv, *type, *body;
	int64_t rowid;
	unsigned *marks;
	unsigned n_marks;
};

struct win_search {
	char *query;
	GPtrArray *hits;  /* struct win_hit, in number order */
	unsigned total;   /* hits in all (more than shown when the limit cut) */
	bool done;        /* the summary came */
};

static void
win_search_hit_free(gpointer p)
{
	struct win_hit *h = p;

	g_free(h->account);
	g_free(h->conv);
	g_free(h->type);
	g_free(h->body);
	g_free(h->marks);
	g_free(h);
}

void
win_search_free(struct win *w)
{
	struct win_search *s = w->search;

	if (s == NULL)
		return;
	g_free(s->query);
	g_ptr_array_unref(s->hits);
	g_free(s);
	w->search = NULL;
}

/* Empty the search window w for a new search of query. */
static struct win_search *
win_search_reset(struct win *w, const char *query)
{
	win_search_free(w);
	win_clear(w);
	w->search = g_new0(struct win_search, 1);
	w->search->query = g_strdup(query);
	w->search->hits = g_ptr_array_new_with_free_func(win_search_hit_free);
	return w->search;
}

/* Anchor the view of w so that its first line is at the top. */
static void
win_search_top(struct win *w)
{
	int height = draw_main_height(), width = draw_main_width(), rows = 0;
	GList *k;

	for (k = w->lines->head; k != NULL; k = k->next) {
		rows += win_line_rows(k->data, width);
		if (rows >= height)
			break;
	}
	w->anchor = k != NULL && k->next != NULL ? ((struct line *)k->data)->seq : 0;
}

/* One hit: a line "[N] CONV <NICK> BODY" stamped with its date. */
static void
win_search_hit(struct win *w, const struct event *ev)
{
	struct win_search *s = w->search;
	struct win_hit *h = g_new0(struct win_hit, 1);
	char *num = g_strdup_printf("%u", ev->u.found.n);
	char *nick = ui_chat_nick_of(ev->account, ev->u.found.conv, ev->u.found.out,
	    ev->u.found.from, ev->u.found.nick);
	char *prefix = g_strdup_printf("%s <%s> ", ev->u.found.conv, nick);
	struct line *l = win_line_new(LINE_HIT, ev->u.found.stamp, num, NULL, ev->u.found.id);

	l->flags |= LINE_DATE;
	l->rowid = ev->u.found.rowid;
	win_line_set_marked(l, prefix, ev->u.found.body != NULL ? ev->u.found.body : "",
	    ev->u.found.marks, ev->u.found.n_marks);
	win_insert(w, l, NULL);
	h->account = g_strdup(ev->account);
	h->conv = g_strdup(ev->u.found.conv);
	h->type = g_strdup(ev->u.found.type);
	h->body = g_strdup(ev->u.found.body);
	h->rowid = ev->u.found.rowid;
	if (ev->u.found.n_marks > 0)
		h->marks = g_memdup2(ev->u.found.marks, 2 * ev->u.found.n_marks * sizeof(unsigned));
	h->n_marks = ev->u.found.n_marks;
	g_ptr_array_add(s->hits, h);
	s->total = ev->u.found.total;
	g_free(prefix);
	g_free(nick);
	g_free(num);
}

void
win_search_on_event(const struct event *ev)
{
	struct win *w = win_search_win(true);
	struct win_search *s = w->search;

	if (!ev->u.found.summary) {
		if (ev->u.found.n <= 1 || s == NULL || s->done)
			s = win_search_reset(w, ev->u.found.query);
		win_search_hit(w, ev);
		return;
	}
	if (ev->u.found.n == 0 || s == NULL || s->done) {
		char *text = g_strdup_printf("no message matches %s", ev->u.found.query);
		s = win_search_reset(w, ev->u.found.query);
		win_add(w, LINE_INFO, 0, NULL, text, NULL);
		g_free(text);
	}
	s->total = ev->u.found.total;
	s->done = true;
	win_focus(w);
	win_search_top(w);
	ui_dirty(UI_ALL);
}

void
win_search_title(struct win *w, GString *t)
{
	struct win_search *s = w->search;
	char *q;

	if (s == NULL) {
		g_string_append(t, "search — /search TEXT");
		return;
	}
	q = text_sanitize(s->query, -1, 0);
	g_string_append_printf(t, "search: %s — ", q);
	if (s->hits->len == 0)
		g_string_append(t, "no hits");
	else if (s->total > s->hits->len)
		g_string_append_printf(t, "%u of %u hits, newest first", s->hits->len, s->total);
	else
		g_string_append_printf(t, "%u %s, newest first", s->hits->len,
		    s->hits->len == 1 ? "hit" : "hits");
	if (s->hits->len > 0)
		g_string_append(t, " — type a number and Enter to open it");
	g_free(q);
}

void
win_search_line(struct win *w, const char *line)
{
	struct win_search *s = w->search;
	char *end, *text = g_strstrip(g_strdup(line));
	unsigned long n = strtoul(text, &end, 10);

	if (*text != '\0' && *end == '\0' && g_ascii_isdigit(*text)) {
		if (s == NULL || n < 1 || n > s->hits->len) {
			char *msg = s == NULL || s->hits->len == 0
			    ? g_strdup("no hits to open: search with /search TEXT")
			    : g_strdup_printf("no hit %lu: type a number from 1 to %u", n, s->hits->len);
			win_add(w, LINE_ERROR, 0, NULL, msg, NULL);
			g_free(msg);
		} else {
			const struct win_hit *h = g_ptr_array_index(s->hits, n - 1);
			win_history_open(h->account, h->conv, h->type, h->rowid, h->body, h->marks,
			    h->n_marks);
		}
	} else {
		/* other words: search again */
		char *cmd = g_strconcat("/search ", line, NULL);
		cmd_run_in(cmd, NULL, NULL);
		g_free(cmd);
	}
	g_free(text);
}
