/* pane-roster.c - the roster pane: contacts of the current account grouped
 * by roster group, presence by colour and symbol, unread counts.  The
 * sorted rows are rebuilt only when the roster changed; drawing touches
 * only the rows on screen. */
#include "config.h"

#include <string.h>

#include <curses.h>
#include <glib.h>

#include "natter/account.h"
#include "natter/roster.h"
#include "natter/text.h"
#include "theme.h"
#include "ui.h"

struct pane_row {
	const char *group;          /* non-NULL: a group header */
	const struct contact *c;
};

/* A contact with what it sorts by, computed once per rebuild. */
struct pane_sort {
	const struct contact *c;
	int rank;
	char *key; /* g_utf8_collate_key of the shown name */
};

static struct {
	GArray *rows;       /* struct pane_row */
	GPtrArray *groups;  /* group names (owned), for the headers */
	bool stale;
	int top;            /* first row shown */
	const struct account *acc;
} pane = { .stale = true };

void
pane_roster_changed(void)
{
	pane.stale = true;
}

void
pane_roster_free(void)
{
	if (pane.rows != NULL)
		g_array_free(pane.rows, TRUE);
	if (pane.groups != NULL)
		g_ptr_array_free(pane.groups, TRUE);
	pane.rows = NULL;
	pane.groups = NULL;
	pane.stale = true;
}

/* The account whose roster is shown: the current window's, else current. */
static const struct account *
pane_account(void)
{
	struct win *w = win_current();

	if (w->account != NULL)
		return account_find(w->account);
	return account_current();
}

/* Online first, then by name in the user's collation order. */
static gint
pane_cmp(gconstpointer a, gconstpointer b)
{
	const struct pane_sort *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	return strcmp(x->key, y->key);
}

/* Sort one group's contacts; the collation keys make it strcmp-cheap. */
static void
pane_sort_group(GPtrArray *list)
{
	GArray *keys = g_array_sized_new(FALSE, FALSE, sizeof(struct pane_sort), list->len);

	for (guint i = 0; i < list->len; i++) {
		const struct contact *c = g_ptr_array_index(list, i);
		struct pane_sort k = { c, roster_best(c) != NULL ? 0 : 1,
			g_utf8_collate_key(c->name != NULL ? c->name : c->jid, -1) };
		g_array_append_val(keys, k);
	}
	g_array_sort(keys, pane_cmp);
	for (guint i = 0; i < list->len; i++) {
		struct pane_sort *k = &g_array_index(keys, struct pane_sort, i);
		g_ptr_array_index(list, i) = (gpointer)k->c;
		g_free(k->key);
	}
	g_array_free(keys, TRUE);
}

/* Rebuild the rows: groups in name order ("" — no group — last). */
static void
pane_rebuild(void)
{
	GHashTable *by_group = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    (GDestroyNotify)g_ptr_array_unref);
	GHashTableIter it;
	gpointer v;
	GList *names;

	pane_roster_free();
	pane.rows = g_array_new(FALSE, FALSE, sizeof(struct pane_row));
	pane.groups = g_ptr_array_new_with_free_func(g_free);
	pane.acc = pane_account();
	pane.stale = false;
	if (pane.acc == NULL)
		goto out;
	g_hash_table_iter_init(&it, pane.acc->roster->contacts);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct contact *c = v;
		char *const *gs = c->groups;
		static char *const none[] = { "", NULL };
		if (gs == NULL || gs[0] == NULL)
			gs = none;
		for (; *gs != NULL; gs++) {
			GPtrArray *list = g_hash_table_lookup(by_group, *gs);
			if (list == NULL) {
				char *name = g_strdup(*gs);
				g_ptr_array_add(pane.groups, name);
				list = g_ptr_array_new();
				g_hash_table_insert(by_group, name, list);
			}
			g_ptr_array_add(list, c);
		}
	}
	names = g_list_sort(g_hash_table_get_keys(by_group), (GCompareFunc)g_utf8_collate);
	/* named groups first, then the contacts in no group under "Contacts" */
	for (int pass = 0; pass < 2; pass++) {
		for (GList *l = names; l != NULL; l = l->next) {
			const char *g = l->data;
			GPtrArray *list = g_hash_table_lookup(by_group, g);
			struct pane_row hdr = { *g != '\0' ? g : "Contacts", NULL };
			if ((pass == 0) == (*g == '\0'))
				continue;
			pane_sort_group(list);
			g_array_append_val(pane.rows, hdr);
			for (guint i = 0; i < list->len; i++) {
				struct pane_row r = { NULL, g_ptr_array_index(list, i) };
				g_array_append_val(pane.rows, r);
			}
		}
	}
	g_list_free(names);
out:
	g_hash_table_destroy(by_group);
}

void
pane_roster_scroll(int rows)
{
	pane.top += rows;
	if (pane.rows != NULL && pane.top > (int)pane.rows->len - 1)
		pane.top = (int)pane.rows->len - 1;
	if (pane.top < 0)
		pane.top = 0;
	ui_dirty(UI_ROSTER);
}

static const char *
pane_symbol(enum presence_show s)
{
	switch (s) {
	case PRES_CHAT:
		return "+";
	case PRES_ONLINE:
		return "o";
	case PRES_AWAY:
		return "-";
	case PRES_XA:
		return "=";
	case PRES_DND:
		return "!";
	default:
		return " ";
	}
}

static enum theme_key
pane_key(enum presence_show s)
{
	static const enum theme_key keys[] = { [PRES_OFFLINE] = THEME_ROSTER_OFFLINE,
		[PRES_ONLINE] = THEME_ROSTER_ONLINE, [PRES_CHAT] = THEME_ROSTER_CHAT,
		[PRES_AWAY] = THEME_ROSTER_AWAY, [PRES_XA] = THEME_ROSTER_XA,
		[PRES_DND] = THEME_ROSTER_DND };

	return keys[s];
}

/* Unread messages in the chat window of c, 0 when none is open. */
static int
pane_unread(const struct contact *c)
{
	struct win *w = win_chat(pane.acc->name, c->jid, false);

	return w != NULL ? w->unread : 0;
}

void
pane_roster_draw(void *ncwin, int height, int width)
{
	WINDOW *win = ncwin;

	if (pane.stale || pane.acc != pane_account())
		pane_rebuild();
	draw_clear(win, theme_attr(THEME_ROSTER));
	if (pane.acc == NULL) {
		mvwaddstr(win, 0, 0, " no account");
		return;
	}
	for (int y = 0; y < height && pane.top + y < (int)pane.rows->len; y++) {
		const struct pane_row *r = &g_array_index(pane.rows, struct pane_row, pane.top + y);
		char *label, *cut;
		wmove(win, y, 0);
		if (r->group != NULL) {
			char *g = text_sanitize(r->group, -1, 0);
			label = g_strdup_printf("%s", g);
			g_free(g);
			wattrset(win, theme_attr(THEME_ROSTER_GROUP));
		} else {
			const struct contact_resource *res = roster_best(r->c);
			enum presence_show show = res != NULL ? res->show : PRES_OFFLINE;
			char *name = text_sanitize(r->c->name != NULL ? r->c->name : r->c->jid, -1, 0);
			int unread = pane_unread(r->c);
			label = unread > 0 ? g_strdup_printf(" %s %s (%d)", pane_symbol(show), name, unread)
			                   : g_strdup_printf(" %s %s", pane_symbol(show), name);
			g_free(name);
			wattrset(win, theme_attr(unread > 0 ? THEME_ROSTER_UNREAD : pane_key(show)));
		}
		cut = text_truncate(label, width, "…");
		waddstr(win, cut);
		g_free(cut);
		g_free(label);
	}
}
