/* ui-chat.c - chats and rooms in windows: messages, corrections,
 * receipts and typing states, highlights, and a room's comings, goings,
 * subject and history (src/ui/ui.c dispatches the events here). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <curses.h>
#include <glib.h>

#include "natter/account.h"
#include "natter/bus.h"
#include "natter/cmd.h"
#include "natter/jid.h"
#include "natter/loop.h"
#include "natter/muc.h"
#include "natter/roster.h"
#include "natter/settings.h"
#include "natter/text.h"
#include "natter/ui.h"
#include "theme.h"
#include "ui.h"

/* The nick shown for a contact: the roster name, else the localpart. */
static char *
ui_chat_contact_nick(const struct account *acc, const char *bare)
{
	const struct contact *c = acc != NULL ? roster_find(acc->roster, bare) : NULL;
	const char *at;

	if (c != NULL && c->name != NULL && *c->name != '\0')
		return g_strdup(c->name);
	at = strchr(bare, '@');
	return at != NULL ? g_strndup(bare, (gsize)(at - bare)) : g_strdup(bare);
}

/* Our own nick in chats of acc. */
static char *
ui_chat_self_nick(const struct account *acc)
{
	const char *at;

	if (acc == NULL)
		return g_strdup("me");
	if (acc->nick != NULL)
		return g_strdup(acc->nick);
	at = strchr(acc->jid, '@');
	return g_strndup(acc->jid, at != NULL ? (gsize)(at - acc->jid) : strlen(acc->jid));
}

/* The consistent colour (XEP-0392) of name; the last name's is kept, as
 * a busy chat or room asks for the same few names line after line. */
static int
ui_chat_colour(const char *name)
{
	static char *last;
	static int colour;

	if (last == NULL || strcmp(last, name) != 0) {
		g_free(last);
		last = g_strdup(name);
		colour = text_color_xterm256(name);
	}
	return colour;
}

/* True when s is plain ASCII. */
static bool
ui_chat_ascii(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80)
			return false;
	}
	return true;
}

/* True when body mentions nick as a word, ignoring case. */
static bool
ui_chat_mentions(const char *body, const char *nick)
{
	char *b, *k;
	size_t n;
	bool found = false;

	if (ui_chat_ascii(body) && ui_chat_ascii(nick)) {
		/* the common case, without copies: ASCII folds to ASCII */
		n = strlen(nick);
		for (const char *p = body; n > 0 && *p != '\0'; p++) {
			if (g_ascii_strncasecmp(p, nick, n) == 0 &&
			    (p == body || !g_ascii_isalnum(p[-1])) && !g_ascii_isalnum(p[n]))
				return true;
		}
		return false;
	}
	/* casefolded, so that "Alice" and "alice" both mention alice */
	b = g_utf8_casefold(body, -1);
	k = g_utf8_casefold(nick, -1);
	n = strlen(k);

	for (const char *p = b; n > 0 && !found && (p = strstr(p, k)) != NULL; p += n) {
		bool start = p == b || !g_unichar_isalnum(g_utf8_get_char(g_utf8_prev_char(p)));
		bool end = p[n] == '\0' || !g_unichar_isalnum(g_utf8_get_char(p + n));
		found = start && end;
	}
	g_free(b);
	g_free(k);
	return found;
}

/* The window key of a chat with jid: its bare JID, or for an occupant of
 * one of account's rooms (room@host/nick) the full JID; NULL if invalid. */
char *
ui_chat_key(const char *account, const char *jid)
{
	struct jid *j = jid != NULL ? jid_parse(jid, NULL) : NULL;
	char *key;

	if (j == NULL)
		return NULL;
	key = g_strdup(j->resource != NULL && muc_is_room(account, j->bare) ? j->full : j->bare);
	jid_free(j);
	return key;
}

/* The resource of jid (a room occupant's nick), to free; NULL if none. */
static char *
ui_chat_resource(const char *jid)
{
	const char *slash = jid != NULL ? strchr(jid, '/') : NULL;

	return slash != NULL && slash[1] != '\0' ? g_strdup(slash + 1) : NULL;
}

char *
ui_chat_nick_of(const char *account, const char *conv, bool out, const char *sender,
    const char *nick)
{
	const struct account *acc = account_find(account);
	char *bare = conv != NULL ? jid_bare(conv) : NULL;
	bool room = bare != NULL && (muc_is_room(account, bare) ||
	    win_room(account, bare, false) != NULL || strcmp(bare, conv) != 0);
	char *who;

	if (nick != NULL && *nick != '\0') {
		who = g_strdup(nick);
	} else if (out && room) {
		/* in a room, and in a private chat there, we are our nick */
		const struct room *r = muc_find(account, bare);
		who = r != NULL && r->nick != NULL ? g_strdup(r->nick) : ui_chat_self_nick(acc);
	} else if (out) {
		who = ui_chat_self_nick(acc);
	} else if (conv != NULL && strcmp(bare, conv) != 0) {
		who = ui_chat_resource(conv);
	} else if (room && (who = ui_chat_resource(sender)) != NULL) {
		/* an occupant's nick */
	} else {
		who = ui_chat_contact_nick(acc, bare != NULL ? bare : "?");
	}
	g_free(bare);
	return who;
}

void
ui_chat_on_history(const struct event *ev, struct win *w)
{
	char *nick = ui_chat_nick_of(ev->account, ev->u.found.conv, ev->u.found.out,
	    ev->u.found.from, ev->u.found.nick);
	const char *body = ev->u.found.body != NULL ? ev->u.found.body : "";
	char *text = g_str_has_prefix(body, "/me ")
	    ? g_strdup_printf("* %s %s", nick, body + 4)
	    : g_strdup_printf("<%s> %s%s", nick, body, ev->u.found.corrected ? " (edited)" : "");
	struct line *l = win_add(w, LINE_INFO, ev->u.found.stamp, NULL, text, ev->u.found.id);

	l->flags |= LINE_DATE;
	if (w != win_current()) {
		w->unread++;
		ui_dirty(UI_STATUS);
	}
	g_free(text);
	g_free(nick);
}

/* Replace line l of w by a correction (XEP-0308) with text. */
static void
ui_chat_correct(struct win *w, struct line *l, const char *text)
{
	g_free(l->text);
	l->text = text_sanitize(text, -1, TEXT_KEEP_NEWLINE);
	l->flags |= LINE_CORRECTED;
	l->rows_width = 0;
	if (w == win_current())
		ui_dirty(UI_MAIN);
}

/* --- rooms (XEP-0045) --- */

/* A line in room window w (the text is sanitized by win_add). */
static void
ui_chat_room_say(struct win *w, enum line_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
ui_chat_room_say(struct win *w, enum line_kind kind, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	win_add(w, kind, 0, NULL, text, NULL);
	g_free(text);
}

/* open TEXT close when text is not empty, else "" (to free). */
static char *
ui_chat_reason(const char *open, const char *text, const char *close)
{
	if (text == NULL || *text == '\0')
		return g_strdup("");
	return g_strconcat(open, text, close, NULL);
}

/* Seconds a room message's stamp may lag behind our clock and still be
 * news rather than the history a room replays as we join. */
#define UI_LIVE_SLACK 2

/* True when a message stamped stamp in room r is history (delayed, or
 * before we are in the room): not news to ring the bell for. */
static bool
ui_chat_room_history(const struct room *r, int64_t stamp)
{
	return r == NULL || !r->joined || stamp < g_get_real_time() / G_USEC_PER_SEC - UI_LIVE_SLACK;
}

/* A message in a room (type groupchat, or from the room itself): a line
 * in the room's window, unread while it is not current, a highlight when
 * it mentions our nick. */
static void
ui_chat_room_message(const struct event *ev)
{
	bool out = ev->u.message.out;
	char *room = jid_bare(out ? ev->u.message.to : ev->u.message.from);
	struct room *r = room != NULL ? muc_find(ev->account, room) : NULL;
	const char *body = ev->u.message.body;
	bool action = g_str_has_prefix(body, "/me ");
	const char *text = action ? body + 4 : body;
	bool history = ui_chat_room_history(r, ev->u.message.stamp) ||
	    ev->u.message.source == MSG_ARCHIVE;
	/* old news goes where its time is */
	bool ordered = history || ev->u.message.delayed || ev->u.message.source != MSG_LIVE;
	enum line_kind kind = out ? (action ? LINE_ACTION_OUT : LINE_MSG_OUT)
	                          : (action ? LINE_ACTION_IN : LINE_MSG_IN);
	char *nick = NULL, *safe;
	bool ours, mention = false;
	struct win *w;
	struct line *l;

	if (room == NULL)
		return;
	/* a new window starts with the store's lines: this one may be there */
	ordered = ordered || win_room(ev->account, room, false) == NULL;
	w = win_room(ev->account, room, true);
	if (jid_bare_equal(ev->u.message.from, room))
		nick = ui_chat_resource(ev->u.message.from);
	if (nick == NULL && out && r != NULL)
		nick = g_strdup(r->nick);
	if (nick == NULL) {
		/* the room itself speaks */
		ui_chat_room_say(w, LINE_INFO, "%s", body);
		goto done;
	}
	safe = text_sanitize(nick, -1, 0);
	ours = out || (r != NULL && g_strcmp0(r->nick, nick) == 0);
	if (ev->u.message.replace_id != NULL &&
	    (l = win_find_id(w, ev->u.message.replace_id)) != NULL &&
	    g_strcmp0(l->nick, safe) == 0 &&
	    (l->kind == LINE_MSG_OUT || l->kind == LINE_ACTION_OUT) == out) {
		ui_chat_correct(w, l, text);
		g_free(safe);
		goto done;
	}
	/* a message the store did not have is in no window: no need to look
	 * (the look costs a scan of the lines near its time, for every
	 * message of a catch-up) */
	if (ordered && !ev->u.message.unseen &&
	    win_history_shown(w, out, safe, ev->u.message.id, ev->u.message.origin_id,
	    ev->u.message.stamp, text)) {
		g_free(safe);
		goto done;
	}
	g_free(safe);
	l = ordered ? win_add_at(w, kind, ev->u.message.stamp, nick, text, ev->u.message.id)
	    : w->detached ? NULL : win_add(w, kind, ev->u.message.stamp, nick, text, ev->u.message.id);
	if (l == NULL) {
		/* the store has it: scrolling brings it (news still counts) */
		if (w != win_current() && !out && !ordered)
			w->unread++;
		goto done;
	}
	if (settings_bool("nick_colors") && !out)
		l->nick_colour = ui_chat_colour(nick);
	if (!ours && r != NULL && r->nick != NULL && ui_chat_mentions(text, r->nick)) {
		l->flags |= LINE_HIGHLIGHT;
		mention = true;
	}
	if (w != win_current() && !out) {
		w->unread++;
		/* a mention in history may be old news: no highlight, no bell */
		if (mention && !history) {
			w->highlight = true;
			ui_alert(w);
		}
	}
done:
	ui_dirty(UI_STATUS);
	g_free(nick);
	g_free(room);
}

/* Forget the nicks w has shown, then take them from r when not NULL. */
static void
ui_chat_room_nicks_reset(struct win *w, struct room *r)
{
	GHashTableIter it;
	gpointer nick;

	g_hash_table_remove_all(w->nicks);
	if (r == NULL)
		return;
	g_hash_table_iter_init(&it, r->occupants);
	while (g_hash_table_iter_next(&it, &nick, NULL))
		g_hash_table_add(w->nicks, g_strdup(nick));
}

/* Someone came, changed or left: a line in the room's window, except for
 * the list a room sends as we join (hundreds in a big room). */
void
ui_chat_on_occupant(const struct event *ev)
{
	const char *nick = ev->u.occupant.nick, *why = ev->u.occupant.why;
	const char *reason = ev->u.occupant.reason != NULL ? ev->u.occupant.reason
	                                                   : ev->u.occupant.status;
	struct win *w = win_room(ev->account, ev->u.occupant.room, false);
	bool known;

	if (w == win_current())
		ui_dirty(UI_ROSTER | UI_TITLE);
	else if (win_current()->kind == WIN_CHAT && strchr(win_current()->jid, '/') != NULL)
		ui_dirty(UI_TITLE); /* perhaps a private chat with this occupant */
	if (w == NULL || nick == NULL)
		return;
	known = g_hash_table_contains(w->nicks, nick);
	if (ev->u.occupant.show != PRES_OFFLINE) {
		if (!known)
			g_hash_table_add(w->nicks, g_strdup(nick));
		if (!known && !ev->u.occupant.initial && !ev->u.occupant.self)
			ui_chat_room_say(w, LINE_JOIN, "%s joined", nick);
		return;
	}
	g_hash_table_remove(w->nicks, nick);
	if (ev->u.occupant.new_nick != NULL) {
		g_hash_table_add(w->nicks, g_strdup(ev->u.occupant.new_nick));
		if (ev->u.occupant.self)
			ui_chat_room_say(w, LINE_INFO, "you are now known as %s", ev->u.occupant.new_nick);
		else
			ui_chat_room_say(w, LINE_INFO, "%s is now known as %s", nick,
			    ev->u.occupant.new_nick);
		return;
	}
	if (ev->u.occupant.self)
		return; /* EV_LEFT says why we are out */
	{
		const char *verb = g_strcmp0(why, "kicked") == 0 ? "was kicked"
		    : g_strcmp0(why, "banned") == 0 ? "was banned"
		    : g_strcmp0(why, "removed") == 0 ? "was removed" : "left";
		char *r = ui_chat_reason(" (", reason, ")");
		ui_chat_room_say(w, LINE_PART, "%s %s%s", nick, verb, r);
		g_free(r);
	}
}

/* We are out of the room of w: say why. */
static void
ui_chat_room_left(struct win *w, const struct event *ev)
{
	const char *why = ev->u.room.why, *room = ev->u.room.room;
	const char *what = g_strcmp0(why, "kicked") == 0 ? "you were kicked from"
	    : g_strcmp0(why, "banned") == 0 ? "you were banned from"
	    : g_strcmp0(why, "removed") == 0 ? "you were removed from"
	    : "you are out of";
	char *r;

	if (g_strcmp0(why, "error") == 0)
		return; /* the error itself (EV_ERROR) has said why */
	if (g_strcmp0(why, "left") == 0) {
		ui_chat_room_say(w, LINE_INFO, "you left %s", room);
		return;
	}
	r = ui_chat_reason(": ", ev->u.room.text, "");
	ui_chat_room_say(w, LINE_ERROR, "%s %s%s", what, room, r);
	g_free(r);
	if (w != win_current())
		w->unread++;
}

/* Our own comings and goings in a room, and its subject. */
void
ui_chat_on_room(const struct event *ev)
{
	const char *room = ev->u.room.room, *nick = ev->u.room.nick, *text = ev->u.room.text;
	struct win *w = win_room(ev->account, room,
	    ev->type == EV_JOINING || ev->type == EV_JOINED);

	pane_occupants_changed();
	if (w == NULL)
		return;
	switch (ev->type) {
	case EV_JOINING:
		/* (a /join of a room we are in changes our nick: the nicks stay) */
		if (!w->in_room)
			ui_chat_room_nicks_reset(w, NULL);
		ui_chat_room_say(w, LINE_INFO, "joining %s as %s…", room, nick);
		win_focus(w);
		break;
	case EV_JOINED:
		w->in_room = true;
		ui_chat_room_nicks_reset(w, muc_find(ev->account, room));
		ui_chat_room_say(w, LINE_INFO, "you joined %s as %s%s", room, nick,
		    g_strcmp0(ev->u.room.why, "created") == 0 ? " (a new room)" : "");
		break;
	case EV_SUBJECT: {
		char *by = ui_chat_reason(" (set by ", nick, ")");
		if (text != NULL && *text != '\0')
			ui_chat_room_say(w, LINE_INFO, "topic: %s%s", text, by);
		else if (nick != NULL)
			ui_chat_room_say(w, LINE_INFO, "%s removed the topic", nick);
		/* (an empty subject from the room itself ends a join: no news) */
		g_free(by);
		break;
	}
	case EV_LEFT:
		w->in_room = false;
		ui_chat_room_nicks_reset(w, NULL);
		ui_chat_room_left(w, ev);
		break;
	default:
		break;
	}
	if (w == win_current())
		ui_dirty(UI_TITLE | UI_ROSTER);
	ui_dirty(UI_STATUS);
}

/* The account is offline: each room we were in says it will be rejoined. */
void
ui_chat_rooms_disconnected(const char *account, enum line_kind kind)
{
	GPtrArray *all = win_list();

	for (guint i = 0; i < all->len; i++) {
		struct win *w = g_ptr_array_index(all, i);
		if (w->kind != WIN_ROOM || g_strcmp0(w->account, account) != 0 || !w->in_room)
			continue;
		w->in_room = false;
		ui_chat_room_nicks_reset(w, NULL);
		if (muc_find(account, w->jid) != NULL)
			ui_chat_room_say(w, kind, "disconnected: rejoining when the account connects");
		else
			ui_chat_room_say(w, kind, "disconnected");
	}
	pane_occupants_changed();
}

/* A retraction the store applied (XEP-0424): the line of the message in
 * its window (found by the store's row, else by its id from the same
 * sender) shows that it was retracted instead of its text. */
static void
ui_chat_retract(const struct event *ev)
{
	bool room = g_strcmp0(ev->u.message.type, "groupchat") == 0;
	const char *peer = ev->u.message.out ? ev->u.message.to : ev->u.message.from;
	char *key = room ? jid_bare(peer) : ui_chat_key(ev->account, peer);
	struct win *w = key == NULL ? NULL
	    : room ? win_room(ev->account, key, false) : win_chat(ev->account, key, false);
	char *nick = room && !ev->u.message.moderated ? ui_chat_resource(ev->u.message.from) : NULL;
	char *safe = nick != NULL ? text_sanitize(nick, -1, 0) : NULL;
	struct line *l = NULL;

	for (GList *i = w != NULL ? w->lines->tail : NULL; i != NULL && l == NULL; i = i->prev) {
		struct line *ln = i->data;
		if (ln->rowid != 0 ? ln->rowid == ev->u.message.retract_row
		    : ln->id != NULL && g_strcmp0(ln->id, ev->u.message.retracts) == 0 &&
		      (room ? ev->u.message.moderated || g_strcmp0(ln->nick, safe) == 0
		            : (ln->kind == LINE_MSG_OUT || ln->kind == LINE_ACTION_OUT) ==
		              ev->u.message.out))
			l = ln;
	}
	if (l != NULL) {
		g_free(l->text);
		l->text = g_strdup("");
		l->flags = (l->flags & ~(LINE_CORRECTED | LINE_DELIVERED | LINE_HIGHLIGHT)) |
		    LINE_RETRACTED;
		l->rows_width = 0;
		if (w == win_current())
			ui_dirty(UI_MAIN);
	}
	g_free(safe);
	g_free(nick);
	g_free(key);
}

/* A message in or out: a line in its chat or room window, with unread
 * marks and highlights; a correction replaces its line. */
void
ui_chat_on_message(const struct event *ev)
{
	const struct account *acc = account_find(ev->account);
	const char *peer = ev->u.message.out ? ev->u.message.to : ev->u.message.from;
	char *key;
	char *occupant = NULL; /* the nick, in a private chat with a room's occupant */
	struct win *w;
	struct line *l;
	const char *body = ev->u.message.body != NULL ? ev->u.message.body : "";
	bool action = g_str_has_prefix(body, "/me ");
	const char *text = action ? body + 4 : body;
	bool out = ev->u.message.out;
	bool ordered = ev->u.message.delayed || ev->u.message.source != MSG_LIVE;
	/* the archive fills a gap: counted, but no alarm */
	bool news = ev->u.message.source != MSG_ARCHIVE;
	enum line_kind kind = out ? (action ? LINE_ACTION_OUT : LINE_MSG_OUT)
	                          : (action ? LINE_ACTION_IN : LINE_MSG_IN);
	bool fresh;
	char *nick;

	if (ev->u.message.body == NULL)
		return;
	if (ev->u.message.retract_id != NULL) {
		if (ev->u.message.retract_row != 0)
			ui_chat_retract(ev);
		return;
	}
	if (g_strcmp0(ev->u.message.type, "groupchat") == 0) {
		ui_chat_room_message(ev);
		return;
	}
	if ((key = ui_chat_key(ev->account, peer)) == NULL)
		return;
	if (strchr(key, '/') != NULL) {
		occupant = ui_chat_resource(key);
	} else if (muc_is_room(ev->account, key)) {
		/* from the room itself, not from one of its occupants */
		ui_chat_room_message(ev);
		g_free(key);
		return;
	}
	/* a new window starts with the store's lines: this one may be there */
	fresh = win_chat(ev->account, key, false) == NULL;
	w = win_chat(ev->account, key, true);
	if (ev->u.message.replace_id != NULL &&
	    (l = win_find_id(w, ev->u.message.replace_id)) != NULL &&
	    (l->kind == LINE_MSG_OUT || l->kind == LINE_ACTION_OUT) == ev->u.message.out) {
		/* a correction replaces the line in place */
		ui_chat_correct(w, l, text);
		g_free(occupant);
		g_free(key);
		return;
	}
	if (ev->u.message.out && occupant != NULL) {
		/* in a private chat we are our nick in its room */
		char *room = g_strndup(key, (gsize)(strchr(key, '/') - key));
		struct room *r = muc_find(ev->account, room);
		nick = r != NULL && r->nick != NULL ? g_strdup(r->nick) : ui_chat_self_nick(acc);
		g_free(room);
	} else if (ev->u.message.out) {
		nick = ui_chat_self_nick(acc);
	} else {
		nick = occupant != NULL ? g_strdup(occupant) : ui_chat_contact_nick(acc, key);
	}
	if ((ordered || fresh) && !ev->u.message.unseen && win_history_shown(w, out, NULL,
	    ev->u.message.id, ev->u.message.origin_id, ev->u.message.stamp, text))
		goto done; /* shown already: from the store, live, or as a carbon */
	/* NULL: the store has it for scrolling to bring (a detached window,
	 * or an archived message older than the window's first line) */
	if (ordered)
		l = win_add_at(w, kind, ev->u.message.stamp, nick, text, ev->u.message.id);
	else
		l = w->detached ? NULL : win_add(w, kind, ev->u.message.stamp, nick, text,
		    ev->u.message.id);
	if (l != NULL && settings_bool("nick_colors") && !out)
		l->nick_colour = ui_chat_colour(occupant != NULL ? occupant : key);
	if (!out && (l != NULL || !ordered)) {
		g_free(w->chatstate);
		w->chatstate = NULL;
		if (w != win_current()) {
			w->unread++;
			if (news) {
				/* a direct message always highlights */
				w->highlight = true;
				if (l != NULL)
					l->flags |= LINE_HIGHLIGHT;
				ui_alert(w);
			}
		} else if (l != NULL) {
			char *self = ui_chat_self_nick(acc);
			if (ui_chat_mentions(text, self))
				l->flags |= LINE_HIGHLIGHT;
			g_free(self);
		}
	}
done:
	if (w == win_current())
		ui_dirty(UI_TITLE);
	ui_dirty(UI_STATUS | UI_ROSTER);
	g_free(nick);
	g_free(occupant);
	g_free(key);
}

/* A receipt: the delivered mark on the line of that message. */
void
ui_chat_on_receipt(const struct event *ev)
{
	char *bare = ui_chat_key(ev->account, ev->u.receipt.from);
	struct win *w = bare != NULL ? win_chat(ev->account, bare, false) : NULL;
	struct line *l = w != NULL ? win_find_id(w, ev->u.receipt.id) : NULL;

	if (l != NULL) {
		l->flags |= LINE_DELIVERED;
		if (w == win_current())
			ui_dirty(UI_MAIN);
	}
	g_free(bare);
}

/* The peer's typing state, shown in the title of its chat. */
void
ui_chat_on_chatstate(const struct event *ev)
{
	char *bare = ui_chat_key(ev->account, ev->u.chatstate.from);
	struct win *w = bare != NULL ? win_chat(ev->account, bare, false) : NULL;

	if (w != NULL) {
		g_free(w->chatstate);
		w->chatstate = g_strcmp0(ev->u.chatstate.state, "active") == 0 ||
		    g_strcmp0(ev->u.chatstate.state, "gone") == 0
		    ? NULL : text_sanitize(ev->u.chatstate.state, -1, 0);
		if (w == win_current())
			ui_dirty(UI_TITLE);
	}
	g_free(bare);
}

/* /msg JID without text: open and focus its chat, or its room's window. */
void
ui_chat_open(const char *account, const char *jid)
{
	char *key = ui_chat_key(account, jid);

	if (key == NULL)
		return;
	if (muc_is_room(account, key) || win_room(account, key, false) != NULL)
		win_focus(win_room(account, key, true));
	else
		win_focus(win_chat(account, key, true));
	g_free(key);
}
