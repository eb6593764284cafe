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

/* Let $EDITOR (else vi) edit the input line in a private file; the
 * result replaces the input line, to be sent with Enter. */
static int
ui_cmd_editor(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *editor = g_getenv("VISUAL") ? g_getenv("VISUAL") : g_getenv("EDITOR");
	char *path = NULL, *text = NULL, *cmdline;
	GError *err = NULL;
	int fd, status = 0;
	gsize len;

	fd = g_file_open_tmp("natter-XXXXXX.txt", &path, &err);
	if (fd < 0) {
		int rc = cmd_error(ctx, "no temporary file for the editor: %s", err->message);
		g_error_free(err);
		return rc;
	}
	fchmod(fd, 0600);
	if (argc > 0 && write(fd, argv[0], strlen(argv[0])) < 0) {
		/* an empty file is fine */
	}
	close(fd);
	cmdline = g_strdup_printf("%s \"$1\"", editor != NULL && *editor ? editor : "vi");
	def_prog_mode();
	endwin();
	{
		char *args[] = { "/bin/sh", "-c", cmdline, "natter-editor", path, NULL };
		if (!g_spawn_sync(NULL, args, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL,
		    NULL, &status, &err)) {
			status = -1;
		}
	}
	reset_prog_mode();
	clearok(curscr, TRUE);
	ui_dirty(UI_ALL | UI_LAYOUT);
	g_free(cmdline);
	if (status != 0 || !g_file_get_contents(path, &text, &len, NULL)) {
		int rc = cmd_error(ctx, "the editor failed%s%s", err ? ": " : "",
		    err ? err->message : "");
		if (err != NULL)
			g_error_free(err);
		g_unlink(path);
		g_free(path);
		return rc;
	}
	g_unlink(path);
	g_free(path);
	g_strchomp(text);
	/* readline clears its line after this command's line is handled:
	 * the text goes in once it has */
	input_set_line(text);
	g_free(text);
	return 0;
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
