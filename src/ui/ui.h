/* ui.h - private to src/ui: windows, their lines, drawing and input.
 *
 * The model of the screen: a list of numbered windows (1 is the console),
 * each with a bounded buffer of lines and a view that either follows the
 * newest line or is anchored on one line while the user reads back.  The
 * drawing code reads this model; events and keys change it and mark what
 * must be redrawn (ui_dirty).  Everything here runs on the main thread.
 */
#ifndef NATTER_UI_PRIVATE_H
#define NATTER_UI_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "natter/cmd.h"
#include "natter/event.h"

/* A chat's jid is a bare JID, or room@host/nick for a private chat with
 * a room's occupant; a room's is the room's bare JID.  WIN_RAW is an
 * account's raw-stanza console (win-raw.c): no jid, its lines are the
 * output of the commands typed in it.  WIN_SEARCH is the one window of
 * search results (win-search.c): no account, no jid.
 *
 * Chat and room windows are views on the store (win-history.c): a new one
 * starts with the last screenful of its conversation; scrolling back past
 * its oldest line pages older ones in.  At most `scrollback` lines stay in
 * memory: paging back past that drops the newest lines, and the window is
 * then "detached" from the present until scrolling forward has paged the
 * newest messages in again from the store. */
enum win_kind { WIN_CONSOLE, WIN_CHAT, WIN_ROOM, WIN_RAW, WIN_SEARCH };

enum line_kind {
	LINE_INFO,     /* command output, status */
	LINE_ERROR,
	LINE_MSG_IN,
	LINE_MSG_OUT,
	LINE_ACTION_IN,  /* /me */
	LINE_ACTION_OUT,
	LINE_JOIN,     /* someone came into a room */
	LINE_PART,     /* someone left a room */
	LINE_HIT       /* a search result: nick is its number */
};

#define LINE_DELIVERED 0x1  /* a receipt came back */
#define LINE_CORRECTED 0x2
#define LINE_HIGHLIGHT 0x4
#define LINE_DATE      0x8  /* show the date with the time */
#define LINE_RETRACTED 0x10 /* its sender took it back: no text, a mark */

/* One logical line of a window (it may wrap to several screen rows). */
struct line {
	uint64_t seq;      /* increasing within the window */
	int64_t stamp;
	enum line_kind kind;
	unsigned flags;
	char *nick;        /* sanitized; NULL for info and errors */
	char *text;        /* sanitized, may hold '\n' */
	char *id;          /* message id, for receipts and corrections */
	int nick_colour;   /* xterm-256 colour of nick, -1: theme's */
	int rows_width;    /* the width rows was computed for */
	int rows;          /* screen rows at rows_width */
	int64_t rowid;     /* the store's row of the message, 0: not known */
	unsigned *marks;   /* n_marks pairs (start, end) of byte offsets in text */
	unsigned n_marks;  /* shown as search hits; NULL: none */
};

struct win {
	int num;
	enum win_kind kind;
	char *account;     /* NULL for the console */
	char *jid;         /* bare JID of the chat or room (see win_kind) */
	char *name;        /* what the status bar shows */
	GQueue *lines;     /* struct line, oldest first */
	uint64_t next_seq;
	uint64_t anchor;   /* seq of the bottom line shown; 0: follow the end */
	int unread;        /* messages since last viewed */
	bool highlight;    /* a direct message or mention unread */
	char *chatstate;   /* the peer's latest state, or NULL */
	char *history;     /* readline history state, while not current */
	void *hist_state;
	/* rooms only: the nicks present as this window has shown them (so
	 * that a presence change is not announced as a join), and whether
	 * we are in the room */
	GHashTable *nicks;
	bool in_room;
	struct win_raw *raw; /* WIN_RAW only: the view's state (win-raw.c) */
	struct win_search *search; /* WIN_SEARCH only: the hits (win-search.c) */
	/* chats and rooms: the store holds nothing older than the first line
	 * (hist_begin), or newer messages than the last (detached) */
	bool hist_begin;
	bool detached;
};

/* win.c */
void win_init(void);
void win_free_all(void);
struct win *win_console(void);
struct win *win_current(void);
/* Focus w (clears its unread marks). */
void win_focus(struct win *w);
/* The chat window of account/jid; created (not focused) when create. */
struct win *win_chat(const char *account, const char *jid, bool create);
/* The window of room jid (bare) of account; created (not focused) when create. */
struct win *win_room(const char *account, const char *jid, bool create);
/* The raw-stanza console window of account; created (not focused) when create. */
struct win *win_raw(const char *account, bool create);
struct win *win_by_num(int num);
/* Windows in number order. */
GPtrArray *win_list(void);
/* Close w (not the console); focus moves to the previous window. */
void win_close(struct win *w);
/* Append a line (strings are sanitized here, copied); returns it. */
struct line *win_add(struct win *w, enum line_kind kind, int64_t stamp, const char *nick,
    const char *text, const char *id);
/* A new line, not in a window (strings sanitized and copied); free it
 * with win_line_free unless it is put in a window. */
struct line *win_line_new(enum line_kind kind, int64_t stamp, const char *nick,
    const char *text, const char *id);
void win_line_free(gpointer l);
/* Put line l into w before link `before` (NULL: at the end); w owns it
 * then.  The view stays on the lines it showed. */
void win_insert(struct win *w, struct line *l, GList *before);
/* Take line l out of w and free it (the view moves off it). */
void win_remove(struct win *w, GList *link);
/* Add a message line at its time: after the last line stamped at or
 * before stamp (the end, for news).  NULL (nothing added) when that
 * place is outside what w holds of a longer history: before its first
 * line while the store has older ones, or after its last while it is
 * detached; paging brings the message then. */
struct line *win_add_at(struct win *w, enum line_kind kind, int64_t stamp, const char *nick,
    const char *text, const char *id);
/* Replace l's text by prefix and body (raw; sanitized here) and mark the
 * n_marks pairs of byte offsets marks of body in it. */
void win_line_set_marked(struct line *l, const char *prefix, const char *body,
    const unsigned *marks, unsigned n_marks);
/* Keep at most the scrollback setting's lines: the oldest go first
 * (then hist_begin is false). */
void win_trim(struct win *w);
/* The same after lines were paged in, never taking the lines in view:
 * the newest go first (w is detached then) when newest_first, else the
 * oldest first. */
void win_trim_view(struct win *w, bool newest_first);
struct line *win_find_id(struct win *w, const char *id);
/* Scroll by rows screen rows (positive: back in time). */
void win_scroll(struct win *w, int rows, int width);
void win_scroll_end(struct win *w);
/* Lines below the view when scrolled back. */
unsigned win_below(const struct win *w);
/* Rows a line takes at width (cached). */
int win_line_rows(struct line *l, int width);
/* Forget w's lines (the view follows the end again). */
void win_clear(struct win *w);
/* The search results window; created (not focused) when create. */
struct win *win_search_win(bool create);
/* Anchor the view of w so that line l shows in the middle of a main
 * window height rows high. */
void win_show_line(struct win *w, struct line *l, int height, int width);

/* win-history.c: chat and room windows backed by the store */
/* Fill new window w with the last screenful of its conversation. */
void win_history_load(struct win *w);
/* Page up to a page of older messages in before w's first line; true
 * when lines were added. */
bool win_history_older(struct win *w);
/* Detached w: page newer messages in after its last line; true when
 * lines were added. */
bool win_history_newer(struct win *w);
/* Detached w: show the newest messages again, as if just opened. */
void win_history_latest(struct win *w);
/* True when w shows the message already: same id (or origin-id) with the
 * same text, or the same time and text, from nick (sanitized; NULL: any)
 * in direction out (rooms: any, nick decides). */
bool win_history_shown(struct win *w, bool out, const char *nick, const char *id,
    const char *origin_id, int64_t stamp, const char *text);
/* Open the window of conversation conv of account (a room's when type
 * is groupchat) at the store's message rowid, with the pairs of byte
 * offsets marks of its body (raw, as the store has it) highlighted, and
 * focus it. */
void win_history_open(const char *account, const char *conv, const char *type, int64_t rowid,
    const char *body, const unsigned *marks, unsigned n_marks);

/* win-search.c: the search results window */
/* An EV_SEARCH: a hit into the window, or the summary that ends a search. */
void win_search_on_event(const struct event *ev);
/* A line typed in the search window: a hit's number opens it, other text
 * searches again. */
void win_search_line(struct win *w, const char *line);
/* Append the search window's title to t. */
void win_search_title(struct win *w, GString *t);
/* Free w's search state (w itself stays). */
void win_search_free(struct win *w);

/* win-raw.c: the raw-stanza console windows */
/* Draw raw window w into the ncurses window ncwin (height x width). */
void win_raw_draw(struct win *w, void *ncwin, int height, int width);
/* Append w's title bar text to t. */
void win_raw_title(struct win *w, GString *t);
/* Scroll by rows screen rows (positive: back in time). */
void win_raw_scroll(struct win *w, int rows, int width);
void win_raw_scroll_end(struct win *w);
/* Elements below the view while scrolled back (0 when following). */
unsigned win_raw_below(const struct win *w);
/* An element was captured: redraw when its console is shown. */
void win_raw_on_stanza(const struct event *ev);
/* Free w's raw state (w itself stays). */
void win_raw_free(struct win *w);

/* ui.c */
enum ui_part {
	UI_TITLE = 1 << 0,
	UI_MAIN = 1 << 1,
	UI_ROSTER = 1 << 2,
	UI_STATUS = 1 << 3,
	UI_INPUT = 1 << 4,
	UI_ALL = 0x1f,
	UI_LAYOUT = 1 << 5  /* sizes changed: rebuild the ncurses windows */
};
void ui_dirty(unsigned parts);
/* Ring the bell / set the terminal title when the settings allow. */
void ui_alert(struct win *w);
/* Run a line typed in the current window. */
void ui_run_line(const char *line);
/* Show the count of highlighted windows in the terminal title. */
void ui_title_update(void);
/* w is being closed: forget every reference to it. */
void ui_win_closed(struct win *w);

/* ui-chat.c: chat and room events into windows */
void ui_chat_on_message(const struct event *ev);
void ui_chat_on_receipt(const struct event *ev);
void ui_chat_on_chatstate(const struct event *ev);
void ui_chat_on_room(const struct event *ev);
void ui_chat_on_occupant(const struct event *ev);
void ui_chat_rooms_disconnected(const char *account, enum line_kind kind);
/* Open and focus the chat (or room window) of jid. */
void ui_chat_open(const char *account, const char *jid);
/* The window key of a chat with jid (to free): its bare JID, or the full
 * JID of a room's occupant; NULL when jid is not a JID. */
char *ui_chat_key(const char *account, const char *jid);
/* The nick a message of conversation conv of account shows (to free):
 * ours when out, else the room nick, the occupant's, or the contact's
 * roster name or localpart. */
char *ui_chat_nick_of(const char *account, const char *conv, bool out, const char *sender,
    const char *nick);
/* /history: one message from the store as a line in the command's window. */
void ui_chat_on_history(const struct event *ev, struct win *w);

/* draw.c */
void draw_layout(void);
void draw_free(void);
void draw_screen(unsigned parts);
int draw_main_width(void);
int draw_main_height(void);
/* Erase an ncurses window in attributes a (an attr_t) and leave a set. */
void draw_clear(void *ncwin, unsigned long a);
/* Screen rows line l takes in a main window width columns wide. */
int draw_line_rows(struct line *l, int width);
/* Draw rows [skip, skip+count) of line l from row y of ncwin. */
void draw_line(void *ncwin, struct line *l, int y, int skip, int count, int width);
/* Scroll the right-hand pane shown now (roster or occupants) by rows. */
void draw_pane_scroll(int rows);

/* pane-roster.c */
void pane_roster_draw(void *ncwin, int height, int width);
void pane_roster_scroll(int rows);
void pane_roster_changed(void);
void pane_roster_free(void);

/* pane-occupants.c: the right-hand pane while a room is current */
void pane_occupants_draw(void *ncwin, int height, int width);
void pane_occupants_scroll(int rows);
/* Rebuild at the next draw even if the room's gen looks unchanged. */
void pane_occupants_changed(void);
void pane_occupants_free(void);

/* input.c */
int input_start(void);
void input_stop(void);
void input_feed(const char *buf, size_t len);
void input_draw(void *ncwin, int width);
void input_window_changed(struct win *from, struct win *to);
/* Put text in the input line (after the line being handled is done). */
void input_set_line(const char *text);
/* Free a window's saved readline history (not the current window's). */
void input_history_free(struct win *w);
/* Add to out (g_free) the nicks of the current room window's occupants,
 * ours left out, that start with prefix: /moderate's completion. */
void input_complete_occupants(const char *prefix, GPtrArray *out);

/* ui-cmd.c */
extern const struct cmd ui_cmd_table[];
/* /console edit N: edit the text in $EDITOR, then run the command with it. */
void ui_cmd_on_edit(const struct event *ev);

#endif
