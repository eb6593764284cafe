/* input.c - the input line: GNU readline in callback mode, fed with the
 * bytes we read, drawn into the ncurses input window.  Bracketed paste and
 * mouse wheel reports are taken out of the byte stream before readline
 * sees it; window keys are readline bindings. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>
#include <glib.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "natter/account.h"
#include "natter/app.h"
#include "natter/capture.h"
#include "natter/cmd.h"
#include "natter/loop.h"
#include "natter/muc.h"
#include "natter/settings.h"
#include "natter/text.h"
#include "theme.h"
#include "ui.h"

#define PASTE_START "\033[200~"
#define PASTE_END "\033[201~"
#define COMPOSING_PAUSE_MS 5000

static struct {
	GByteArray *pending;  /* bytes for readline */
	GString *paste;       /* inside a bracketed paste, else NULL */
	GByteArray *esc;      /* an escape sequence being collected */
	FILE *devnull;
	int scroll;           /* first column of the line shown */
	/* our chat state towards the current window's contact */
	char *composing_to;
	unsigned pause_timer;
	char *set_line;       /* replaces the line once readline is done with it */
} in;

/* readline asks for one byte at a time. */
static int
input_getc(FILE *unused)
{
	int c;

	if (in.pending->len == 0)
		return EOF;
	c = in.pending->data[0];
	g_byte_array_remove_index(in.pending, 0);
	return c;
}

/* More bytes queued: lets readline tell Escape from an escape sequence. */
static int
input_available(void)
{
	return in.pending->len > 0;
}

static void
input_redisplay(void)
{
	ui_dirty(UI_INPUT);
}

static void
input_prep(int meta)
{
}

static void
input_deprep(void)
{
}

/* --- chat states (XEP-0085) --- */

static void
input_chatstate(const char *state)
{
	struct win *w = win_current();
	struct account *acc;

	if (w->kind != WIN_CHAT || !settings_bool("chat_states"))
		return;
	acc = account_find(w->account);
	if (acc != NULL && acc->state == ACC_ONLINE)
		cmd_chatstate(acc, w->jid, state);
}

static void
input_pause(void *unused)
{
	in.pause_timer = 0;
	if (in.composing_to != NULL)
		input_chatstate("paused");
	g_free(in.composing_to);
	in.composing_to = NULL;
}

/* The line changed: tell the contact we are composing, then paused. */
static void
input_typed(void)
{
	struct win *w = win_current();

	if (w->kind != WIN_CHAT || rl_line_buffer[0] == '/' || rl_end == 0)
		return;
	if (in.composing_to == NULL) {
		in.composing_to = g_strdup(w->jid);
		input_chatstate("composing");
	}
	loop_timer_cancel(app.loop, in.pause_timer);
	in.pause_timer = loop_timer_add(app.loop, COMPOSING_PAUSE_MS, input_pause, NULL);
}

/* The message went out (it carries <active/>) or the window changed. */
static void
input_chat_done(bool tell)
{
	loop_timer_cancel(app.loop, in.pause_timer);
	in.pause_timer = 0;
	if (tell && in.composing_to != NULL)
		input_chatstate("active");
	g_free(in.composing_to);
	in.composing_to = NULL;
}

/* --- lines --- */

/* True when line sets a secret, which history must not keep. */
static bool
input_secret(const char *line)
{
	char **w = g_strsplit_set(line, " \t", 5);
	bool secret = g_strv_length(w) >= 4 && strcmp(w[0], "/account") == 0 &&
	    strcmp(w[1], "set") == 0 && strcmp(w[3], "password") == 0;

	g_strfreev(w);
	return secret;
}

/* Remove control characters (but newlines) a line must not send. */
static void
input_strip_controls(char *s)
{
	char *o = s;

	for (const char *p = s; *p != '\0';) {
		gunichar c = g_utf8_get_char_validated(p, -1);
		const char *next = c == (gunichar)-1 || c == (gunichar)-2 ? p + 1 : g_utf8_next_char(p);
		bool drop = c == (gunichar)-1 || c == (gunichar)-2 ||
		    (c < 0x20 && c != '\n') || (c >= 0x7f && c < 0xa0);
		if (!drop) {
			memmove(o, p, (size_t)(next - p));
			o += next - p;
		}
		p = next;
	}
	*o = '\0';
	/* no trailing newlines */
	while (o > s && o[-1] == '\n')
		*--o = '\0';
}

static void
input_on_line(char *line)
{
	if (line == NULL) {
		/* Ctrl-D on an empty line: not a way to leave a chat client */
		return;
	}
	input_strip_controls(line);
	if (*line != '\0') {
		if (!input_secret(line))
			add_history(line);
		input_chat_done(false);
		win_scroll_end(win_current());
		ui_run_line(line);
	}
	free(line);
	in.scroll = 0;
	ui_dirty(UI_INPUT);
}

/* --- key bindings --- */

static int
input_key_win(int count, int key)
{
	const char *seq = rl_executing_keyseq;
	size_t n = seq != NULL ? strlen(seq) : 0;
	int num = n > 0 && seq[n - 1] >= '0' && seq[n - 1] <= '9' ? seq[n - 1] - '0' : -1;

	if (num == 0)
		num = 10;
	if (num > 0)
		win_focus(win_by_num(num));
	return 0;
}

/* Focus the window dir (+1/-1) positions away in the list. */
static void
input_win_step(int dir)
{
	GPtrArray *all = win_list();
	guint i;

	for (i = 0; i < all->len && g_ptr_array_index(all, i) != win_current(); i++)
		;
	i = (i + all->len + (guint)(dir > 0 ? 1 : all->len - 1)) % all->len;
	win_focus(g_ptr_array_index(all, i));
}

static int
input_key_next(int count, int key)
{
	input_win_step(1);
	return 0;
}

static int
input_key_prev(int count, int key)
{
	input_win_step(-1);
	return 0;
}

static int
input_key_pgup(int count, int key)
{
	win_scroll(win_current(), MAX(1, draw_main_height() - 2), draw_main_width());
	return 0;
}

static int
input_key_pgdn(int count, int key)
{
	win_scroll(win_current(), -MAX(1, draw_main_height() - 2), draw_main_width());
	return 0;
}

static int
input_key_roster_up(int count, int key)
{
	draw_pane_scroll(-MAX(1, draw_main_height() - 2));
	return 0;
}

static int
input_key_roster_down(int count, int key)
{
	draw_pane_scroll(MAX(1, draw_main_height() - 2));
	return 0;
}

/* Alt-u: in a raw console, fold or unfold every long element; elsewhere
 * readline's upcase-word. */
static int
input_key_unfold(int count, int key)
{
	struct win *w = win_current();

	if (w->kind != WIN_RAW)
		return rl_upcase_word(count, key);
	cmd_run_in(capture_view()->unfold_all ? "/console fold all" : "/console unfold all",
	    account_find(w->account), NULL);
	ui_dirty(UI_MAIN);
	return 0;
}

static int
input_key_newline(int count, int key)
{
	rl_insert_text("\n");
	return 0;
}

static int
input_key_redraw(int count, int key)
{
	clearok(curscr, TRUE);
	ui_dirty(UI_ALL);
	return 0;
}

/* --- completion --- */

static GPtrArray *matches;
static guint match_next;

static char *
input_complete_gen(const char *text, int state)
{
	if (state == 0)
		match_next = 0;
	if (matches == NULL || match_next >= matches->len)
		return NULL;
	return strdup(g_ptr_array_index(matches, match_next++));
}

/* True while the matches are nicks, which end in ':' at the line's start. */
static bool nick_matches;

/* The nicks of room window w that start with text, ignoring case (ours
 * left out); at the start of the line each with a ':' (readline adds the
 * space). */
static GPtrArray *
input_complete_nicks(struct win *w, const char *text, int start)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	struct room *r = muc_find(w->account, w->jid);
	char *prefix = g_utf8_casefold(text, -1);
	GHashTableIter it;
	gpointer v;

	if (r == NULL)
		goto done;
	g_hash_table_iter_init(&it, r->occupants);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		const struct occupant *o = v;
		char *fold;
		if (o->self || g_strcmp0(o->nick, r->nick) == 0)
			continue;
		fold = g_utf8_casefold(o->nick, -1);
		if (g_str_has_prefix(fold, prefix))
			g_ptr_array_add(out, start == 0 ? g_strconcat(o->nick, ":", NULL)
			                                : g_strdup(o->nick));
		g_free(fold);
	}
done:
	g_free(prefix);
	return out;
}

void
input_complete_occupants(const char *prefix, GPtrArray *out)
{
	struct win *w = win_current();
	GPtrArray *nicks;

	if (w->kind != WIN_ROOM)
		return;
	nicks = input_complete_nicks(w, "", 1);
	for (guint i = 0; i < nicks->len; i++) {
		const char *nick = g_ptr_array_index(nicks, i);
		if (g_str_has_prefix(nick, prefix))
			g_ptr_array_add(out, g_strdup(nick));
	}
	g_ptr_array_unref(nicks);
}

/* Complete the word before the cursor: in a room a plain line completes
 * nicks, anything else from the command table. */
static char **
input_complete(const char *text, int start, int end)
{
	struct win *w = win_current();
	struct account *acc = w->account != NULL ? account_find(w->account) : NULL;

	rl_attempted_completion_over = 1;
	if (matches != NULL)
		g_ptr_array_free(matches, TRUE);
	nick_matches = w->kind == WIN_ROOM && rl_line_buffer[0] != '/';
	/* nicks match whatever their case; command words as typed */
	rl_variable_bind("completion-ignore-case", nick_matches ? "on" : "off");
	if (nick_matches)
		matches = input_complete_nicks(w, text, start);
	else
		matches = cmd_complete(rl_line_buffer, (size_t)start, (size_t)end, acc);
	return rl_completion_matches(text, input_complete_gen);
}

/* Several matches: list them in the current window instead of printing. */
static void
input_show_matches(char **list, int n, int max)
{
	GString *s = g_string_new(NULL);

	for (int i = 1; i <= n; i++) {
		size_t len = strlen(list[i]);
		/* a nick without the ':' it gets at the start of the line */
		if (nick_matches && len > 0 && list[i][len - 1] == ':')
			len--;
		g_string_append_printf(s, "%s%.*s", i > 1 ? "  " : "", (int)len, list[i]);
	}
	win_add(win_current(), LINE_INFO, 0, NULL, s->str, NULL);
	g_string_free(s, TRUE);
}

/* --- bytes in --- */

/* Give readline every queued byte. */
static void
input_run_readline(void)
{
	while (in.pending->len > 0) {
		int before = rl_end;
		char *copy = NULL;
		if (win_current()->kind == WIN_CHAT)
			copy = g_strndup(rl_line_buffer, (gsize)rl_end);
		rl_callback_read_char();
		if (in.set_line != NULL) {
			rl_replace_line(in.set_line, 0);
			rl_point = rl_end;
			g_free(in.set_line);
			in.set_line = NULL;
		}
		if (copy != NULL) {
			if (before != rl_end || strncmp(copy, rl_line_buffer, (size_t)rl_end) != 0)
				input_typed();
			g_free(copy);
		}
	}
	ui_dirty(UI_INPUT);
}

/* A mouse report (SGR): the wheel scrolls the pane under the pointer. */
static void
input_mouse(const char *seq)
{
	int b, x, y;

	if (sscanf(seq, "\033[<%d;%d;%d", &b, &x, &y) != 3 || (b & ~3) != 64)
		return;
	if (x - 1 > draw_main_width())
		draw_pane_scroll((b & 1) ? 3 : -3);
	else
		win_scroll(win_current(), (b & 1) ? -3 : 3, draw_main_width());
}

/* The text of a paste goes into the line as it is, newlines included:
 * several lines become one message. */
static void
input_paste_done(void)
{
	char *text = g_string_free(in.paste, FALSE);

	in.paste = NULL;
	for (char *p = text; *p != '\0'; p++) {
		if (*p == '\r')
			*p = p[1] == '\n' ? ' ' : '\n';
		else if (*p == '\t')
			*p = ' ';
	}
	input_strip_controls(text);
	rl_insert_text(text);
	g_free(text);
	input_typed();
	ui_dirty(UI_INPUT);
}

void
input_feed(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (in.paste != NULL) {
			g_string_append_c(in.paste, (char)c);
			if (g_str_has_suffix(in.paste->str, PASTE_END)) {
				g_string_truncate(in.paste, in.paste->len - strlen(PASTE_END));
				input_paste_done();
			}
			continue;
		}
		if (in.esc->len > 0 || c == 0x1b) {
			/* collect what may be a paste start or a mouse report */
			g_byte_array_append(in.esc, &c, 1);
			char *s = g_strndup((char *)in.esc->data, in.esc->len);
			bool paste = g_str_has_prefix(PASTE_START, s);
			bool mouse = g_str_has_prefix(s, "\033[<") || g_str_has_prefix("\033[<", s);
			if (paste && strcmp(s, PASTE_START) == 0) {
				g_byte_array_set_size(in.esc, 0);
				in.paste = g_string_new(NULL);
			} else if (mouse && in.esc->len > 3 && (c == 'M' || c == 'm')) {
				input_mouse(s);
				g_byte_array_set_size(in.esc, 0);
			} else if (!paste && !mouse) {
				/* an ordinary key sequence: readline's */
				g_byte_array_append(in.pending, in.esc->data, in.esc->len);
				g_byte_array_set_size(in.esc, 0);
			}
			g_free(s);
			continue;
		}
		g_byte_array_append(in.pending, &c, 1);
	}
	/* a lone Escape at the end of a read is a key, not a prefix */
	if (in.esc->len == 1) {
		g_byte_array_append(in.pending, in.esc->data, 1);
		g_byte_array_set_size(in.esc, 0);
	}
	input_run_readline();
}

/* --- drawing --- */

/* Our prompt, or readline's own while it searches history (Ctrl-R). */
static const char *
input_prompt(void)
{
	if (rl_display_prompt != NULL && *rl_display_prompt != '\0')
		return rl_display_prompt;
	if (win_current()->kind == WIN_RAW)
		return "xml> ";
	if (win_current()->kind == WIN_SEARCH)
		return "search> ";
	return win_current()->kind != WIN_CONSOLE ? "> " : "[natter] ";
}

void
input_draw(void *ncwin, int width)
{
	WINDOW *win = ncwin;
	char *prompt = text_sanitize(input_prompt(), -1, 0);
	int pw = text_width(prompt, -1);
	int avail = width - pw - 1;
	char *shown = text_sanitize(rl_line_buffer, rl_end, 0);
	char *before = text_sanitize(rl_line_buffer, rl_point, 0);
	int cur = text_width(before, -1);
	int total = text_width(shown, -1);
	const char *p = shown;
	int col = 0;

	if (win == NULL)
		goto out;
	(void)total;
	if (cur - in.scroll > avail)
		in.scroll = cur - avail;
	if (cur < in.scroll)
		in.scroll = MAX(0, cur - avail / 2);
	draw_clear(win, theme_attr(THEME_INPUT));
	wmove(win, 0, 0);
	wattrset(win, theme_attr(THEME_INPUT_PROMPT));
	waddstr(win, prompt);
	wattrset(win, theme_attr(THEME_INPUT));
	/* skip the columns scrolled away, then draw what fits */
	while (*p != '\0' && col < in.scroll) {
		col += text_char_width(g_utf8_get_char(p));
		p = g_utf8_next_char(p);
	}
	{
		char *cut = text_truncate(p, avail, NULL);
		waddstr(win, cut);
		g_free(cut);
	}
	wmove(win, 0, pw + cur - in.scroll);
out:
	g_free(prompt);
	g_free(shown);
	g_free(before);
}

void
input_set_line(const char *text)
{
	g_free(in.set_line);
	in.set_line = g_strdup(text);
}

/* Free a saved history state and its entries, keeping the live one. */
static void
input_history_drop(HISTORY_STATE *st)
{
	HISTORY_STATE *live = history_get_history_state();
	HIST_ENTRY **list;

	history_set_history_state(st);
	/* an edited entry keeps its undo list in data, which clear_history
	 * leaves alone: hand each to readline to free */
	for (int i = 0; i < history_length; i++) {
		HIST_ENTRY *e = history_get(history_base + i);
		if (e != NULL && e->data != NULL) {
			UNDO_LIST *saved = rl_undo_list;
			rl_undo_list = (UNDO_LIST *)e->data;
			e->data = NULL;
			rl_free_undo_list();
			rl_undo_list = saved;
		}
	}
	clear_history(); /* frees the entries, not their array */
	list = history_list();
	history_set_history_state(live);
	free(list);
	free(live);
	free(st);
}

void
input_history_free(struct win *w)
{
	if (w->hist_state != NULL && w != win_current())
		input_history_drop(w->hist_state);
	w->hist_state = NULL;
}

void
input_window_changed(struct win *from, struct win *to)
{
	input_chat_done(from != NULL && from->kind == WIN_CHAT);
	if (from != NULL) {
		free(from->hist_state);
		from->hist_state = history_get_history_state();
	}
	if (to->hist_state != NULL) {
		history_set_history_state(to->hist_state);
	} else {
		HISTORY_STATE empty = { 0 };
		history_set_history_state(&empty);
	}
	/* Up starts from the newest line of this window's history */
	history_set_pos(history_length);
}

static void
input_bind(const char *seq, rl_command_func_t *fn)
{
	rl_bind_keyseq_in_map(seq, fn, emacs_standard_keymap);
}

int
input_start(void)
{
	in.pending = g_byte_array_new();
	in.esc = g_byte_array_new();
	in.devnull = fopen("/dev/null", "we");
	rl_readline_name = "natter";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = input_prep;
	rl_deprep_term_function = input_deprep;
	rl_getc_function = input_getc;
	rl_input_available_hook = input_available;
	rl_redisplay_function = input_redisplay;
	rl_outstream = in.devnull;
	rl_instream = stdin;
	rl_attempted_completion_function = input_complete;
	rl_completion_display_matches_hook = input_show_matches;
	rl_completer_word_break_characters = (char *)" \t";
	rl_basic_word_break_characters = (char *)" \t";
	using_history();
	/* an edited history line goes back to what it was once a line is sent */
	rl_variable_bind("revert-all-at-newline", "on");
	rl_callback_handler_install("", input_on_line);
	/* readline reads the keys from TERM's terminfo at install time */
	for (char k = '0'; k <= '9'; k++) {
		char seq[3] = { '\033', k, '\0' };
		input_bind(seq, input_key_win);
	}
	input_bind("\033[1;3C", input_key_next);
	input_bind("\033[1;3D", input_key_prev);
	input_bind("\033\033[C", input_key_next);
	input_bind("\033\033[D", input_key_prev);
	input_bind("\033[1;3A", input_key_roster_up);
	input_bind("\033[1;3B", input_key_roster_down);
	input_bind("\033[5~", input_key_pgup);
	input_bind("\033[6~", input_key_pgdn);
	input_bind("\033\r", input_key_newline);
	input_bind("\033\n", input_key_newline);
	input_bind("\014", input_key_redraw);
	input_bind("\033u", input_key_unfold);
	return 0;
}

void
input_stop(void)
{
	/* the line saved while browsing history is readline's to free */
	rl_free_line_state();
	rl_callback_handler_remove();
	input_chat_done(false);
	if (matches != NULL)
		g_ptr_array_free(matches, TRUE);
	matches = NULL;
	/* every window's history, the current one's included */
	if (win_current() != NULL) {
		HISTORY_STATE empty = { 0 };
		free(win_current()->hist_state);
		win_current()->hist_state = history_get_history_state();
		history_set_history_state(&empty);
	}
	for (guint i = 0; win_list() != NULL && i < win_list()->len; i++) {
		struct win *w = g_ptr_array_index(win_list(), i);
		if (w->hist_state != NULL)
			input_history_drop(w->hist_state);
		w->hist_state = NULL;
	}
	g_free(in.set_line);
	g_byte_array_free(in.pending, TRUE);
	g_byte_array_free(in.esc, TRUE);
	if (in.paste != NULL)
		g_string_free(in.paste, TRUE);
	if (in.devnull != NULL)
		fclose(in.devnull);
	memset(&in, 0, sizeof in);
}
