/* ui.c - the terminal front end's life: taking over the terminal, turning
 * core events into lines in windows, and one redraw per loop pass. */
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

static struct {
	struct loop *loop;
	SCREEN *screen;
	unsigned dirty;
	unsigned sub;
	bool started;
	bool title_pushed;
	bool mouse;
	bool theme_loaded;
	uint64_t last_draw;   /* loop_now_ms of the last redraw */
	uint64_t burst_start; /* when redraws began to be held back; 0: not */
	bool frame_ready;     /* the held-back redraw is due */
	int layout;           /* the roster pane's width when last laid out */
	unsigned frame_timer; /* a deferred redraw during a burst */
	struct win *cmd_win; /* where the output of the running command goes */
} ui;

void
ui_dirty(unsigned parts)
{
	ui.dirty |= parts;
}

/* Write a control sequence straight to the terminal (never network text). */
static void
ui_tty(const char *seq)
{
	fputs(seq, stdout);
	fflush(stdout);
}

/* The terminal title: "natter" plus the count of highlighted windows. */
void
ui_title_update(void)
{
	GPtrArray *all = win_list();
	int hl = 0;
	char buf[64];

	if (!settings_bool("title_notify") || !ui.started)
		return;
	for (guint i = 0; i < all->len; i++)
		hl += ((struct win *)g_ptr_array_index(all, i))->highlight ? 1 : 0;
	if (hl > 0)
		snprintf(buf, sizeof buf, "\033]2;natter [%d]\007", hl);
	else
		snprintf(buf, sizeof buf, "\033]2;natter\007");
	ui_tty(buf);
}

void
ui_alert(struct win *w)
{
	if (settings_bool("bell"))
		beep();
	ui_title_update();
	ui_dirty(UI_STATUS);
}

/* A line of text in the console (or the window of the running command). */
static void
ui_say(enum line_kind kind, const char *account, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
ui_say(enum line_kind kind, const char *account, const char *fmt, ...)
{
	va_list ap;
	char *text;
	struct win *w = ui.cmd_win != NULL ? ui.cmd_win : win_console();

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	win_add(w, kind, 0, account, text, NULL);
	if (w != win_current()) {
		w->unread++;
		ui_dirty(UI_STATUS);
	}
	g_free(text);
}

/* An error: in the room or chat it concerns, else where the command ran. */
static void
ui_on_error(const struct event *ev)
{
	const char *jid = ev->u.error.jid;
	char *bare = jid != NULL ? jid_bare(jid) : NULL;
	struct win *w = bare != NULL ? win_room(ev->account, bare, false) : NULL;

	if (w != NULL && ev->u.error.id != NULL && strchr(jid, '/') != NULL)
		w = NULL; /* a bounced private message to an occupant */
	if (w == NULL && ev->u.error.id != NULL && bare != NULL) {
		/* a bounced message: say so in its chat */
		char *key = ui_chat_key(ev->account, jid);
		w = win_chat(ev->account, key != NULL ? key : bare, true);
		g_free(key);
	}
	if (w != NULL) {
		win_add(w, LINE_ERROR, 0, NULL, ev->u.error.message, NULL);
		if (w != win_current()) {
			w->unread++;
			ui_dirty(UI_STATUS);
		}
	} else {
		ui_say(LINE_ERROR, NULL, "%s", ev->u.error.message);
	}
	g_free(bare);
}

static void
ui_on_event(const struct event *ev, void *unused)
{
	switch (ev->type) {
	case EV_MESSAGE:
		ui_chat_on_message(ev);
		break;
	case EV_RECEIPT:
		ui_chat_on_receipt(ev);
		break;
	case EV_CHAT_OPEN:
		if (ev->account != NULL)
			ui_chat_open(ev->account, ev->u.chat.jid);
		else
			ui_say(LINE_ERROR, NULL, "no account: add one with /account add NAME JID");
		break;
	case EV_CHATSTATE:
		ui_chat_on_chatstate(ev);
		break;
	case EV_PRESENCE:
	case EV_ROSTER:
	case EV_ROSTER_END:
		pane_roster_changed();
		ui_dirty(UI_ROSTER | UI_TITLE);
		break;
	case EV_CONNECTING:
		ui_say(LINE_INFO, ev->account, "connecting…");
		ui_dirty(UI_STATUS);
		break;
	case EV_CONNECTED:
		ui_say(LINE_INFO, ev->account, "connected as %s", ev->u.connected.jid);
		ui_dirty(UI_STATUS | UI_ROSTER);
		break;
	case EV_DISCONNECTED:
		ui_say(ev->u.disconnected.kind == DISC_USER ? LINE_INFO : LINE_ERROR, ev->account,
		    "%s", ev->u.disconnected.reason);
		ui_chat_rooms_disconnected(ev->account,
		    ev->u.disconnected.kind == DISC_USER ? LINE_INFO : LINE_ERROR);
		pane_roster_changed();
		ui_dirty(UI_STATUS | UI_ROSTER | UI_TITLE);
		break;
	case EV_SUBSCRIPTION:
		if (g_strcmp0(ev->u.subscription.type, "subscribe") == 0)
			ui_say(LINE_INFO, ev->account, "%s asks to see your presence: "
			    "/roster approve %s or /roster deny %s", ev->u.subscription.from,
			    ev->u.subscription.from, ev->u.subscription.from);
		else
			ui_say(LINE_INFO, ev->account, "%s: %s", ev->u.subscription.from,
			    ev->u.subscription.type);
		break;
	case EV_INFO:
		ui_say(LINE_INFO, NULL, "%s", ev->u.info.message);
		break;
	case EV_ERROR:
		ui_on_error(ev);
		break;
	case EV_HISTORY:
		ui_chat_on_history(ev, ui.cmd_win != NULL ? ui.cmd_win : win_current());
		break;
	case EV_SEARCH:
		win_search_on_event(ev);
		break;
	case EV_JOINING:
	case EV_JOINED:
	case EV_SUBJECT:
	case EV_LEFT:
		ui_chat_on_room(ev);
		break;
	case EV_OCCUPANT:
		ui_chat_on_occupant(ev);
		break;
	case EV_STANZA:
		win_raw_on_stanza(ev);
		break;
	case EV_CONSOLE_OPEN:
		if (ev->account != NULL)
			win_focus(win_raw(ev->account, true));
		break;
	case EV_EDIT:
		ui_cmd_on_edit(ev);
		break;
	default:
		break;
	}
}

/* Run a typed line in the current window's context. */
void
ui_run_line(const char *line)
{
	struct win *w = win_current();
	struct account *acc = w->account != NULL ? account_find(w->account) : NULL;

	ui.cmd_win = w;
	if (w->kind == WIN_RAW) {
		/* the output of the last line shows under the elements; a plain
		 * line is XML to send */
		char *xml = line[0] != '/' ? g_strconcat("/xml ", line, NULL) : NULL;
		win_clear(w);
		cmd_run_in(xml != NULL ? xml : line, acc, NULL);
		g_free(xml);
		ui.cmd_win = NULL;
		/* /console filter, pause, raw and the like change the view */
		ui_dirty(UI_ALL);
		return;
	}
	if (w->kind == WIN_SEARCH && line[0] != '/') {
		/* a hit's number opens it; other words search again */
		win_search_line(w, line);
		ui.cmd_win = NULL;
		return;
	}
	/* a plain line goes to the chat or room of the window: a room's bare
	 * JID, an occupant's full JID for a private chat */
	cmd_run_in(line, acc, w->kind == WIN_CHAT || w->kind == WIN_ROOM ? w->jid : NULL);
	ui.cmd_win = NULL;
}

void
ui_win_closed(struct win *w)
{
	if (ui.cmd_win == w)
		ui.cmd_win = NULL;
}

static void
ui_on_stdin(int fd, short revents, void *unused)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) > 0)
		input_feed(buf, (size_t)n);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		/* the terminal is gone */
		loop_fd_remove(ui.loop, fd);
		cmd_run("/quit", NULL, 0);
	}
}

/* natter draws in windows of its own and never in stdscr, which ncurses
 * makes as big as the screen (280 kB of cells at 200x50): keep it one
 * cell.  resizeterm grows it again, so this runs after each resize. */
static void
ui_shrink_stdscr(void)
{
	wresize(stdscr, 1, 1);
}

static void
ui_on_winch(void *unused)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	ui_shrink_stdscr();
	ui_dirty(UI_ALL | UI_LAYOUT);
}

static void
ui_theme_changed(void)
{
	GPtrArray *all = win_list();

	for (guint i = 0; i < all->len; i++) {
		struct win *w = g_ptr_array_index(all, i);
		for (GList *l = w->lines->head; l != NULL; l = l->next)
			((struct line *)l->data)->rows_width = 0;
	}
	clearok(curscr, TRUE);
	ui_dirty(UI_ALL | UI_LAYOUT);
}

/* Turn mouse wheel reports on or off (SGR mode, so columns > 223 work). */
static void
ui_mouse(bool on)
{
	if (on == ui.mouse)
		return;
	ui_tty(on ? "\033[?1000h\033[?1006h" : "\033[?1006l\033[?1000l");
	ui.mouse = on;
}

/* Shortest time between two redraws while events pour in: UI_FRAME_MS
 * for the first UI_BURST_MS of a burst, then UI_FRAME_LONG_MS (a redraw
 * costs about a millisecond: a minute-long flood at 33 frames a second
 * spent more on drawing than on its messages; ten a second still show it
 * moving).  A key is echoed at once whatever the rate. */
#define UI_FRAME_MS 30
#define UI_FRAME_LONG_MS 100
#define UI_BURST_MS 500

/* The deferred redraw is due: the pass hook that follows draws it. */
static void
ui_frame_due(void *unused)
{
	ui.frame_timer = 0;
	ui.frame_ready = true;
}

/* The theme setting is known once the config has run: load it then. */
static void
ui_load_theme(void)
{
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);

	ui.theme_loaded = true;
	if (theme_load(settings_str("theme"), errors) != 0)
		g_ptr_array_add(errors, g_strdup_printf("no theme named '%s' (/theme lists them)",
		    settings_str("theme")));
	for (guint i = 0; i < errors->len; i++)
		win_add(win_console(), LINE_ERROR, 0, NULL, g_ptr_array_index(errors, i), NULL);
	g_ptr_array_free(errors, TRUE);
}

void
ui_flush(void)
{
	if (!ui.started)
		return;
	if (!ui.theme_loaded)
		ui_load_theme();
	ui_mouse(settings_bool("mouse"));
	{
		/* /set roster or roster_width changes the layout */
		int layout = settings_bool("roster") ? (int)settings_int("roster_width") : 0;
		if (layout != ui.layout) {
			ui.layout = layout;
			ui.dirty |= UI_ALL | UI_LAYOUT;
		}
	}
	if (ui.dirty == 0)
		return;
	/* during a burst (a flood, a presence storm) draw at most every
	 * frame; a key is echoed at once */
	{
		uint64_t now = loop_now_ms();
		uint64_t frame = ui.burst_start != 0 && now - ui.burst_start >= UI_BURST_MS
		    ? UI_FRAME_LONG_MS : UI_FRAME_MS;
		if (!(ui.dirty & (UI_INPUT | UI_LAYOUT)) && !ui.frame_ready &&
		    now - ui.last_draw < frame) {
			if (ui.burst_start == 0)
				ui.burst_start = now;
			if (ui.frame_timer == 0)
				ui.frame_timer = loop_timer_add(ui.loop, frame - (now - ui.last_draw),
				    ui_frame_due, NULL);
			return;
		}
		if (!ui.frame_ready && now - ui.last_draw >= frame)
			ui.burst_start = 0; /* nothing was held back: no burst */
		ui.frame_ready = false;
		loop_timer_cancel(ui.loop, ui.frame_timer);
		ui.frame_timer = 0;
		ui.last_draw = now;
	}
	if (ui.dirty & UI_LAYOUT)
		draw_layout();
	draw_screen(ui.dirty);
	ui.dirty = 0;
}

void
ui_register_commands(void)
{
	cmd_register_family(ui_cmd_table);
	cmd_register_family(theme_cmd_table);
	cmd_complete_source(COMPLETE_THEME, theme_complete);
	cmd_complete_source(COMPLETE_OCCUPANT, input_complete_occupants);
}

int
ui_start(struct loop *loop)
{
	struct termios tio;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "natter: the terminal interface needs a terminal "
		    "(for scripts: natter --headless)\n");
		return -1;
	}
	setlocale(LC_ALL, "");
	ui.loop = loop;
	ui.screen = newterm(NULL, stdout, stdin);
	if (ui.screen == NULL) {
		fprintf(stderr, "natter: cannot use the terminal type '%s'\n",
		    g_getenv("TERM") ? g_getenv("TERM") : "(unset)");
		return -1;
	}
	set_term(ui.screen);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	ui_shrink_stdscr();
	/* Ctrl-S and Ctrl-Q reach readline instead of freezing the screen */
	if (tcgetattr(STDIN_FILENO, &tio) == 0) {
		tio.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
		tcsetattr(STDIN_FILENO, TCSANOW, &tio);
	}
	theme_init();
	theme_set_changed_hook(ui_theme_changed);
	win_init();
	if (input_start() != 0) {
		endwin();
		return -1;
	}
	ui.sub = bus_subscribe(EV_ANY, ui_on_event, NULL);
	fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
	loop_fd_add(loop, STDIN_FILENO, POLLIN, ui_on_stdin, NULL);
	loop_signal(loop, SIGWINCH, ui_on_winch, NULL);
	ui_tty("\033[22;0t\033[?2004h"); /* keep the title to restore; bracketed paste */
	ui.title_pushed = true;
	ui.started = true;
	ui_title_update();
	ui_dirty(UI_ALL | UI_LAYOUT);
	win_add(win_console(), LINE_INFO, 0, NULL,
	    "natter " PACKAGE_VERSION " — /help lists the commands, /quit leaves.", NULL);
	return 0;
}

void
ui_stop(void)
{
	if (!ui.started)
		return;
	ui.started = false;
	bus_unsubscribe(ui.sub);
	ui_mouse(false);
	ui_tty("\033[?2004l");
	if (ui.title_pushed)
		ui_tty("\033[23;0t");
	input_stop();
	draw_free();
	pane_roster_free();
	pane_occupants_free();
	endwin();
	delscreen(ui.screen);
	win_free_all();
	fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) & ~O_NONBLOCK);
}
