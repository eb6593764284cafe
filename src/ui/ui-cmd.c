/* ui-cmd.c - the commands of the terminal front end: windows and the
 * editor.  Registered with cmd_register_family, so /help, completion and
 * the man page know them like any other command. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curses.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <readline/readline.h>

#include "natter/account.h"
#include "natter/app.h"
#include "natter/bus.h"
#include "natter/cmd.h"
#include "natter/jid.h"
#include "natter/muc.h"
#include "ui.h"

/* The window of jid on account (opened when needed): a room's, a private
 * chat's with a room's occupant (room@host/nick), else a chat's. */
static struct win *
ui_cmd_win_of(const char *account, const struct jid *j)
{
	struct win *w = win_room(account, j->bare, false);
	bool room = w != NULL || muc_is_room(account, j->bare);

	if (room && j->resource != NULL)
		return win_chat(account, j->full, true);
	if (room)
		return w != NULL ? w : win_room(account, j->bare, true);
	return win_chat(account, j->bare, true);
}

static int
ui_cmd_win(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *end;
	long n = strtol(argv[0], &end, 10);
	struct win *w;

	if (*end == '\0') {
		w = win_by_num((int)n);
		if (w == NULL)
			return cmd_error(ctx, "no window %ld (/wins lists them)", n);
	} else {
		struct jid *j = jid_parse(argv[0], NULL);
		if (j == NULL)
			return cmd_error(ctx, "'%s' is neither a window number nor a JID", argv[0]);
		if (ctx->account == NULL) {
			jid_free(j);
			return cmd_error(ctx, "no account: add one with /account add NAME JID");
		}
		w = ui_cmd_win_of(ctx->account->name, j);
		jid_free(j);
	}
	win_focus(w);
	return 0;
}

static int
ui_cmd_close(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct win *w = win_current();

	if (w->kind == WIN_CONSOLE)
		return cmd_error(ctx, "the console stays open (/quit leaves natter)");
	if (w->kind == WIN_ROOM && muc_find(w->account, w->jid) != NULL) {
		/* closing a room's window leaves the room */
		char *leave = g_strdup_printf("/leave %s", w->jid);
		cmd_run_in(leave, account_find(w->account), w->jid);
		g_free(leave);
	}
	win_close(w);
	return 0;
}

static int
ui_cmd_wins(struct cmd_ctx *ctx, int argc, char **argv)
{
	GPtrArray *all = win_list();
	GString *s = g_string_new("windows:");

	for (guint i = 0; i < all->len; i++) {
		struct win *w = g_ptr_array_index(all, i);
		g_string_append_printf(s, "\n%c%2d %s%s%s", w == win_current() ? '*' : ' ', w->num,
		    w->name, w->account != NULL ? " on " : "", w->account != NULL ? w->account : "");
		if (w->unread > 0)
			g_string_append_printf(s, " (%d unread)", w->unread);
	}
	cmd_info(ctx, "%s", s->str);
	g_string_free(s, TRUE);
	return 0;
}

/* Let $VISUAL, else $EDITOR, else vi edit text in a private temporary
 * file (mode 0600, removed after), leaving curses meanwhile.  Returns what
 * the editor left, trailing blanks removed (to g_free), or NULL with *err
 * (to g_free) when the editor failed. */
static char *
ui_cmd_edit(const char *text, char **err)
{
	const char *editor = g_getenv("VISUAL") ? g_getenv("VISUAL") : g_getenv("EDITOR");
	char *path = NULL, *out = NULL, *cmdline;
	GError *gerr = NULL;
	int fd, status = 0;
	gsize len;

	fd = g_file_open_tmp("natter-XXXXXX.txt", &path, &gerr);
	if (fd < 0) {
		*err = g_strdup_printf("no temporary file for the editor: %s", gerr->message);
		g_error_free(gerr);
		return NULL;
	}
	fchmod(fd, 0600);
	if (text != NULL && write(fd, text, strlen(text)) < 0) {
		/* an empty file is fine */
	}
	close(fd);
	cmdline = g_strdup_printf("%s \"$1\"", editor != NULL && *editor ? editor : "vi");
	def_prog_mode();
	endwin();
	{
		char *args[] = { "/bin/sh", "-c", cmdline, "natter-editor", path, NULL };
		char **env = app_child_environ();
		if (!g_spawn_sync(NULL, args, env, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL,
		    NULL, &status, &gerr)) {
			status = -1;
		}
		g_strfreev(env);
	}
	reset_prog_mode();
	clearok(curscr, TRUE);
	ui_dirty(UI_ALL | UI_LAYOUT);
	g_free(cmdline);
	if (status != 0 || !g_file_get_contents(path, &out, &len, NULL)) {
		*err = g_strdup_printf("the editor failed%s%s", gerr ? ": " : "",
		    gerr ? gerr->message : "");
		if (gerr != NULL)
			g_error_free(gerr);
		out = NULL;
	} else {
		g_strchomp(out);
	}
	g_unlink(path);
	g_free(path);
	return out;
}

/* Compose the input line in the editor; the result replaces the input
 * line, to be sent with Enter. */
static int
ui_cmd_editor(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *err = NULL, *text = ui_cmd_edit(argc > 0 ? argv[0] : NULL, &err);

	if (text == NULL) {
		int rc = cmd_error(ctx, "%s", err);
		g_free(err);
		return rc;
	}
	/* readline clears its line after this command's line is handled:
	 * the text goes in once it has */
	input_set_line(text);
	g_free(text);
	return 0;
}

void
ui_cmd_on_edit(const struct event *ev)
{
	char *err = NULL, *text = ui_cmd_edit(ev->u.edit.text, &err), *line;

	if (text == NULL) {
		bus_error(ev->account, ev->u.edit.command, "%s", err);
		g_free(err);
		return;
	}
	if (*g_strstrip(text) == '\0') {
		bus_info(ev->account, ev->u.edit.command, "nothing to send: the editor left no text");
		g_free(text);
		return;
	}
	line = g_strconcat(ev->u.edit.command, " ", text, NULL);
	cmd_run_in(line, account_find(ev->account), NULL);
	g_free(line);
	g_free(text);
}

const struct cmd ui_cmd_table[] = {
	{ .name = "win",
	  .args = { { "N|JID", COMPLETE_JID, 0, NULL } },
	  .summary = "Go to window N, or to the chat or room with JID (opening it).",
	  .help = "Alt-1 ... Alt-0 go to windows 1-10, Alt-Left and Alt-Right to the\n"
	          "previous and next.  Window 1 is the console.",
	  .examples = { "/win 2", "/win bob@example.org" },
	  .fn = ui_cmd_win },
	{ .name = "close",
	  .summary = "Close the current window (not the console).",
	  .help = "Closing a room's window leaves the room (/leave).",
	  .fn = ui_cmd_close },
	{ .name = "wins",
	  .summary = "List the windows.",
	  .fn = ui_cmd_wins },
	{ .name = "editor",
	  .args = { { "TEXT", COMPLETE_NONE, CMD_ARG_OPTIONAL | CMD_ARG_REST, NULL } },
	  .summary = "Compose the input line in $EDITOR; Enter then sends it.",
	  .help = "Uses $VISUAL, else $EDITOR, else vi.  Several lines make one message.",
	  .fn = ui_cmd_editor },
	{ .name = NULL }
};
