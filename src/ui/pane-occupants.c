/* pane-occupants.c - the occupant pane: while a room is the current
 * window, its occupants take the roster pane's place, grouped by role
 * (moderators, participants, visitors) under headers with a count, each
 * with its presence by symbol and colour and our own nick marked.  The
 * rows are rebuilt only when the room changed (its gen); drawing touches
 * only the rows on screen. */
#include "config.h"

#include <string.h>

#include <curses.h>
#include <glib.h>

#include "natter/account.h"
#include "natter/muc.h"
#include "natter/text.h"
#include "theme.h"
#include "ui.h"

/* One row: a role's header, or an occupant. */
struct occ_row {
	const char *header; /* non-NULL: "Moderators" and so on */
	unsigned count;     /* a header's number of occupants */
	const struct occupant *o;
};

static struct {
	GArray *rows;       /* struct occ_row */
	/* the room the rows are of: the pointer alone could be a new room
	 * at an old address, hence the names and the gen too */
	const struct room *room;
	char *account, *jid;
	unsigned gen;
	bool stale;
	int top;            /* first row shown */
} occ = { .stale = true };

void
pane_occupants_changed(void)
{
	occ.stale = true;
}

void
pane_occupants_free(void)
{
	if (occ.rows != NULL)
		g_array_free(occ.rows, TRUE);
	g_free(occ.account);
	g_free(occ.jid);
	occ.rows = NULL;
	occ.account = occ.jid = NULL;
	occ.room = NULL;
	occ.stale = true;
}

/* The header of role's group; roles other than these count as visitors. */
static const char *
pane_occupants_group(const char *role)
{
	if (g_strcmp0(role, "moderator") == 0)
		return "Moderators";
	if (g_strcmp0(role, "participant") == 0)
		return "Participants";
	return "Visitors";
}

/* Rebuild the rows of room r of window w: muc_occupants_sorted gives them
 * by role, then by nick; a header goes before each role's first. */
static void
pane_occupants_rebuild(struct win *w, const struct room *r)
{
	GList *list;
	guint hdr = 0;

	if (occ.jid == NULL || strcmp(occ.jid, w->jid) != 0 ||
	    g_strcmp0(occ.account, w->account) != 0)
		occ.top = 0; /* another room: from its top */
	pane_occupants_free();
	occ.rows = g_array_new(FALSE, FALSE, sizeof(struct occ_row));
	occ.account = g_strdup(w->account);
	occ.jid = g_strdup(w->jid);
	occ.room = r;
	occ.gen = r != NULL ? r->gen : 0;
	occ.stale = false;
	if (r == NULL)
		return;
	list = muc_occupants_sorted((struct room *)r);
	for (GList *l = list; l != NULL; l = l->next) {
		const struct occupant *o = l->data;
		const char *group = pane_occupants_group(o->role);
		struct occ_row row = { NULL, 0, o };
		if (occ.rows->len == 0 ||
		    strcmp(g_array_index(occ.rows, struct occ_row, hdr).header, group) != 0) {
			struct occ_row h = { group, 0, NULL };
			hdr = occ.rows->len;
			g_array_append_val(occ.rows, h);
		}
		g_array_index(occ.rows, struct occ_row, hdr).count++;
		g_array_append_val(occ.rows, row);
	}
	g_list_free(list);
}

void
pane_occupants_scroll(int rows)
{
	occ.top += rows;
	if (occ.rows != NULL && occ.top > (int)occ.rows->len - 1)
		occ.top = (int)occ.rows->len - 1;
	if (occ.top < 0)
		occ.top = 0;
	ui_dirty(UI_ROSTER);
}

/* The presence symbol of an occupant, as the roster pane shows contacts. */
static const char *
pane_occupants_symbol(enum presence_show s)
{
	static const char *const symbols[] = { [PRES_OFFLINE] = " ", [PRES_ONLINE] = "o",
		[PRES_CHAT] = "+", [PRES_AWAY] = "-", [PRES_XA] = "=", [PRES_DND] = "!" };

	return symbols[s];
}

/* The roster pane's colour of a presence, for the symbol. */
static enum theme_key
pane_occupants_show_key(enum presence_show s)
{
	static const enum theme_key keys[] = { [PRES_OFFLINE] = THEME_ROSTER_OFFLINE,
		[PRES_ONLINE] = THEME_ROSTER_ONLINE, [PRES_CHAT] = THEME_ROSTER_CHAT,
		[PRES_AWAY] = THEME_ROSTER_AWAY, [PRES_XA] = THEME_ROSTER_XA,
		[PRES_DND] = THEME_ROSTER_DND };

	return keys[s];
}

/* The colour of an occupant's nick: ours, or by role. */
static enum theme_key
pane_occupants_nick_key(const struct occupant *o)
{
	if (o->self)
		return THEME_MAIN_NICK_SELF;
	if (g_strcmp0(o->role, "moderator") == 0)
		return THEME_OCCUPANTS_MODERATOR;
	if (g_strcmp0(o->role, "participant") == 0)
		return THEME_OCCUPANTS_PARTICIPANT;
	return THEME_OCCUPANTS_VISITOR;
}

/* Draw one row at the cursor, width columns wide. */
static void
pane_occupants_row(WINDOW *win, const struct occ_row *row, int width)
{
	char *label, *cut;

	if (row->header != NULL) {
		label = g_strdup_printf("%s (%u)", row->header, row->count);
		wattrset(win, theme_attr(THEME_OCCUPANTS_HEADER));
		cut = text_truncate(label, width, "…");
		waddstr(win, cut);
	} else {
		char *nick = text_sanitize(row->o->nick, -1, 0);
		wattrset(win, theme_attr(THEME_OCCUPANTS));
		waddch(win, ' ');
		wattrset(win, theme_attr(pane_occupants_show_key(row->o->show)));
		waddstr(win, pane_occupants_symbol(row->o->show));
		wattrset(win, theme_attr(THEME_OCCUPANTS));
		waddch(win, ' ');
		/* ours marked by its colour and a star, which needs no colour */
		label = row->o->self ? g_strconcat(nick, " *", NULL) : g_strdup(nick);
		g_free(nick);
		wattrset(win, theme_attr(pane_occupants_nick_key(row->o)));
		cut = text_truncate(label, width - 3, "…");
		waddstr(win, cut);
	}
	g_free(cut);
	g_free(label);
}

void
pane_occupants_draw(void *ncwin, int height, int width)
{
	WINDOW *win = ncwin;
	struct win *w = win_current();
	const struct room *r = muc_find(w->account, w->jid);

	if (occ.stale || r != occ.room || (r != NULL && r->gen != occ.gen) ||
	    g_strcmp0(occ.jid, w->jid) != 0 || g_strcmp0(occ.account, w->account) != 0)
		pane_occupants_rebuild(w, r);
	draw_clear(win, theme_attr(THEME_OCCUPANTS));
	if (r == NULL || occ.rows->len == 0) {
		const struct account *acc = account_find(w->account);
		wmove(win, 0, 0);
		waddstr(win, r == NULL ? " not in the room" : r->joined ? " nobody"
		    : acc != NULL && acc->state == ACC_ONLINE ? " joining…" : " offline");
		return;
	}
	for (int y = 0; y < height && occ.top + y < (int)occ.rows->len; y++) {
		wmove(win, y, 0);
		pane_occupants_row(win, &g_array_index(occ.rows, struct occ_row, occ.top + y), width);
	}
}
