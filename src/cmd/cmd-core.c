/* cmd-core.c - /help, /set and /quit, and the checks of arguments the
 * families share. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "natter/account.h"
#include "natter/app.h"
#include "natter/cmd.h"
#include "natter/jid.h"
#include "natter/loop.h"
#include "natter/log.h"
#include "natter/settings.h"
#include "natter/xmpp.h"
#include "cmd-families.h"

bool
cmd_check_jid(struct cmd_ctx *ctx, const char *s, bool bare_only)
{
	const char *why;
	struct jid *j = jid_parse(s, &why);

	if (j == NULL) {
		cmd_error(ctx, "'%s' is not a valid JID: %s", s, why);
		return false;
	}
	if (bare_only && j->resource != NULL) {
		jid_free(j);
		cmd_error(ctx, "'%s' has a resource; a bare JID (user@domain) is needed here", s);
		return false;
	}
	jid_free(j);
	return true;
}

int
cmd_count(const char *s, long max, long *n, const char **rest)
{
	char *end;
	long v;

	if (!g_ascii_isdigit(s[0]))
		return 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' && (rest == NULL || !g_ascii_isspace(*end)))
		return 0;
	*n = v;
	if (v < 1 || v > max)
		return -1;
	if (rest != NULL) {
		while (g_ascii_isspace(*end))
			end++;
		*rest = end;
	}
	return 1;
}

/* Append the help of one command (and its subcommands) to out. */
static void
cmd_help_one(GString *out, const struct cmd *c, const char *prefix)
{
	const char *syn = cmd_synopsis(c);

	g_string_append_printf(out, "/%s%s%s%s\n    %s\n", prefix, c->name, *syn ? " " : "",
	    syn, c->summary);
	if (c->help != NULL)
		g_string_append_printf(out, "\n%s\n", c->help);
	for (int i = 0; i < 4 && c->examples[i] != NULL; i++)
		g_string_append_printf(out, "%s  e.g. %s\n", i == 0 ? "\n" : "", c->examples[i]);
	if (c->sub != NULL) {
		char *p = g_strdup_printf("%s%s ", prefix, c->name);
		g_string_append(out, "\n");
		for (const struct cmd *s = c->sub; s->name != NULL; s++)
			g_string_append_printf(out, "/%s%s%s%s\n    %s\n", p, s->name,
			    *cmd_synopsis(s) ? " " : "", cmd_synopsis(s), s->summary);
		g_free(p);
	}
}

static int
cmd_help(struct cmd_ctx *ctx, int argc, char **argv)
{
	GString *out = g_string_new(NULL);

	if (argc == 0) {
		g_string_append(out, "Commands (/help COMMAND for more):\n");
		for (const struct cmd *c = cmd_table(); c->name != NULL; c++)
			g_string_append_printf(out, "  /%-12s %s\n", c->name, c->summary);
	} else {
		char **words = g_strsplit_set(argv[0][0] == '/' ? argv[0] + 1 : argv[0], " ", 2);
		const struct cmd *c = cmd_find(cmd_table(), words[0]);
		const struct cmd *s = c != NULL && c->sub != NULL && words[1] != NULL
		    ? cmd_find(c->sub, words[1]) : NULL;

		if (c == NULL) {
			g_strfreev(words);
			g_string_free(out, TRUE);
			return cmd_error(ctx, "no command /%s (/help lists them)", argv[0]);
		}
		if (s != NULL) {
			char *p = g_strdup_printf("%s ", c->name);
			cmd_help_one(out, s, p);
			g_free(p);
		} else {
			cmd_help_one(out, c, "");
		}
		if (strcmp(c->name, "set") == 0) {
			g_string_append(out, "\nSettings:\n");
			for (const struct setting *st = settings_table(); st->name != NULL; st++)
				g_string_append_printf(out, "  %-20s %s (now: %s)\n", st->name, st->help,
				    settings_str(st->name));
		}
		g_strfreev(words);
	}
	while (out->len > 0 && out->str[out->len - 1] == '\n')
		g_string_truncate(out, out->len - 1);
	cmd_info(ctx, "%s", out->str);
	g_string_free(out, TRUE);
	return 0;
}

static int
cmd_set(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *err;

	if (argc == 0) {
		GString *out = g_string_new(NULL);
		for (const struct setting *s = settings_table(); s->name != NULL; s++)
			g_string_append_printf(out, "%s%s = %s", out->len ? "\n" : "", s->name,
			    settings_str(s->name));
		cmd_info(ctx, "%s", out->str);
		g_string_free(out, TRUE);
		return 0;
	}
	if (argc == 1) {
		const struct setting *s;
		for (s = settings_table(); s->name != NULL; s++) {
			if (strcmp(s->name, argv[0]) == 0) {
				cmd_info(ctx, "%s = %s", s->name, settings_str(s->name));
				return 0;
			}
		}
		return cmd_error(ctx, "no setting named '%s' (see /help set)", argv[0]);
	}
	err = settings_set(argv[0], argv[1]);
	if (err != NULL) {
		int rc = cmd_error(ctx, "%s", err);
		g_free(err);
		return rc;
	}
	if (strcmp(argv[0], "debug_file") == 0 && log_open(argv[1]) != 0)
		return cmd_error(ctx, "cannot open %s: %s", argv[1], g_strerror(errno));
	return 0;
}

/* Stop the loop once every session has ended, or after a grace period. */
static void
cmd_quit_grace(void *unused)
{
	loop_quit(app.loop);
}

static int
cmd_quit(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (app.quitting)
		return 0;
	app.quitting = true;
	for (size_t i = 0; i < account_count(); i++)
		session_disconnect(account_nth(i));
	if (app.loop != NULL)
		loop_timer_add(app.loop, 3000, cmd_quit_grace, NULL);
	return 0;
}

static const char *const bool_words[] = { "on", "off", NULL };

const struct cmd cmd_core_table[] = {
	{ .name = "help",
	  .args = { { "COMMAND", COMPLETE_COMMAND, CMD_ARG_OPTIONAL | CMD_ARG_REST, NULL } },
	  .summary = "List the commands, or explain one.",
	  .help = "Without COMMAND, lists every command with a line about it. With COMMAND\n"
	          "(and optionally a subcommand), shows its arguments, what it does and examples.",
	  .examples = { "/help roster", "/help roster add" },
	  .fn = cmd_help },
	{ .name = "set",
	  .args = { { "NAME", COMPLETE_SETTING, CMD_ARG_OPTIONAL, NULL },
	            { "VALUE", COMPLETE_WORD, CMD_ARG_OPTIONAL | CMD_ARG_REST, bool_words } },
	  .summary = "Show or change a setting.",
	  .help = "Without arguments, lists every setting with its value. With NAME, shows one.\n"
	          "With NAME and VALUE, changes it. /help set lists the settings.",
	  .examples = { "/set connect_timeout 10", "/set keepalive_interval 120" },
	  .fn = cmd_set },
	{ .name = "quit",
	  .summary = "Disconnect every account and exit.",
	  .help = "Sends unavailable presence and closes each stream before exiting.",
	  .fn = cmd_quit },
	{ .name = NULL }
};
