/* cmd.c - the command table's driver: tokenizing, dispatch, config files. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "natter/account.h"
#include "natter/bus.h"
#include "natter/cmd.h"
#include "cmd-families.h"

/* Every family's table; the order is the order of /help and the man page.
 * Front ends append theirs with cmd_register_family. */
static const struct cmd *families[16] = {
	cmd_core_table,
	cmd_account_table,
	cmd_chat_table,
	cmd_roster_table,
	cmd_muc_table,
	cmd_console_table,
	cmd_history_table,
};

static struct cmd all_cmds[96];
static char *last_target;

void
cmd_register_family(const struct cmd *table)
{
	size_t f = 0;

	while (families[f] != NULL && families[f] != table)
		f++;
	g_assert(f + 1 < G_N_ELEMENTS(families));
	families[f] = table;
	all_cmds[0].name = NULL; /* rebuild */
}

const struct cmd *
cmd_table(void)
{
	if (all_cmds[0].name == NULL) {
		size_t n = 0;
		for (size_t f = 0; f < G_N_ELEMENTS(families) && families[f] != NULL; f++) {
			for (const struct cmd *c = families[f]; c->name != NULL; c++) {
				g_assert(n + 1 < G_N_ELEMENTS(all_cmds));
				all_cmds[n++] = *c;
			}
		}
		all_cmds[n].name = NULL;
	}
	return all_cmds;
}

const char *
cmd_last_target(void)
{
	return last_target;
}

void
cmd_set_last_target(const char *jid)
{
	if (g_strcmp0(jid, last_target) == 0)
		return;
	g_free(last_target);
	last_target = g_strdup(jid);
}

const struct cmd *
cmd_find(const struct cmd *table, const char *name)
{
	for (const struct cmd *c = table; c != NULL && c->name != NULL; c++) {
		if (strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

const char *
cmd_synopsis(const struct cmd *c)
{
	static char buf[256];
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < CMD_MAX_ARGS && c->args[i].name != NULL; i++) {
		const struct cmd_arg *a = &c->args[i];
		bool opt = (a->flags & CMD_ARG_OPTIONAL) != 0;
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s%s%s",
		    i > 0 ? " " : "", opt ? "[" : "", a->name, opt ? "]" : "");
		if (len >= sizeof buf)
			break;
	}
	return buf;
}

int
cmd_error(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (ctx->file != NULL)
		bus_error(NULL, ctx->name, "%s:%d: %s", ctx->file, ctx->line, text);
	else
		bus_error(ctx->account != NULL ? ctx->account->name : NULL, ctx->name, "%s", text);
	g_free(text);
	return -1;
}

void
cmd_info(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	bus_info(ctx->account != NULL ? ctx->account->name : NULL, ctx->name, "%s", text);
	g_free(text);
}

/* Skip blanks from *p. */
static const char *
cmd_skip(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Take one word from *pp (quotes group, backslash escapes inside them);
 * returns a new string or NULL at the end, with *bad set on an open quote. */
static char *
cmd_word(const char **pp, bool *bad)
{
	const char *p = cmd_skip(*pp);
	GString *w;

	if (*p == '\0') {
		*pp = p;
		return NULL;
	}
	w = g_string_new(NULL);
	while (*p != '\0' && *p != ' ' && *p != '\t') {
		if (*p == '"') {
			p++;
			while (*p != '\0' && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				g_string_append_c(w, *p++);
			}
			if (*p != '"') {
				*bad = true;
				break;
			}
			p++;
		} else {
			g_string_append_c(w, *p++);
		}
	}
	*pp = p;
	return g_string_free(w, FALSE);
}

/* Split args for c: words, then the verbatim rest for a CMD_ARG_REST
 * argument.  Returns argc, or -1 on an unterminated quote. */
static int
cmd_split(const struct cmd *c, const char *p, char **argv)
{
	int argc = 0;
	bool bad = false;

	for (int i = 0; i < CMD_MAX_ARGS && c->args[i].name != NULL; i++) {
		p = cmd_skip(p);
		if (*p == '\0')
			break;
		if (c->args[i].flags & CMD_ARG_REST) {
			argv[argc++] = g_strchomp(g_strdup(p));
			p += strlen(p);
			break;
		}
		argv[argc] = cmd_word(&p, &bad);
		if (bad) {
			g_free(argv[argc]);
			argv[argc] = NULL;
			return -1;
		}
		argc++;
	}
	p = cmd_skip(p);
	if (*p != '\0') {
		/* more words than the command takes */
		argv[argc] = NULL;
		return -2;
	}
	argv[argc] = NULL;
	return argc;
}

/* Run table entry c on the rest of the line p; name is its full name. */
static int
cmd_dispatch(const struct cmd *c, const char *name, const char *p, struct cmd_ctx *ctx)
{
	char *argv[CMD_MAX_ARGS + 1] = { NULL };
	int argc, min = 0, rc;

	ctx->name = name;
	if (c->sub != NULL) {
		bool bad = false;
		const char *q = p;
		char *word = cmd_word(&q, &bad);
		const struct cmd *s = word != NULL ? cmd_find(c->sub, word) : NULL;

		if (bad) {
			g_free(word);
			return cmd_error(ctx, "unterminated quote; usage: /%s %s", name, cmd_synopsis(c));
		}

		if (s == NULL && c->fn != NULL && word == NULL) {
			g_free(word);
			return c->fn(ctx, 0, argv);
		}
		if (s == NULL && c->fn != NULL && c->own_args) {
			/* no subcommand: the command's own arguments ("/xml <iq/>") */
			g_free(word);
			goto own_args;
		}
		if (s == NULL) {
			GString *names = g_string_new(NULL);
			for (const struct cmd *x = c->sub; x->name != NULL; x++)
				g_string_append_printf(names, "%s%s", names->len ? ", " : "", x->name);
			rc = word == NULL
			    ? cmd_error(ctx, "/%s needs one of: %s", name, names->str)
			    : cmd_error(ctx, "/%s has no subcommand '%s' (one of: %s)", name, word, names->str);
			g_string_free(names, TRUE);
			g_free(word);
			return rc;
		}
		{
			char *full = g_strdup_printf("%s %s", name, s->name);
			rc = cmd_dispatch(s, full, q, ctx);
			g_free(full);
		}
		g_free(word);
		return rc;
	}

own_args:
	for (int i = 0; i < CMD_MAX_ARGS && c->args[i].name != NULL; i++) {
		if (!(c->args[i].flags & CMD_ARG_OPTIONAL))
			min = i + 1;
	}
	argc = cmd_split(c, p, argv);
	if (argc == -1) {
		rc = cmd_error(ctx, "unterminated quote; usage: /%s %s", name, cmd_synopsis(c));
	} else if (argc == -2) {
		rc = cmd_error(ctx, "too many arguments; usage: /%s %s", name, cmd_synopsis(c));
	} else if (argc < min) {
		rc = cmd_error(ctx, "missing %s; usage: /%s %s", c->args[argc].name, name,
		    cmd_synopsis(c));
	} else if (c->needs_online && (ctx->account == NULL || ctx->account->state != ACC_ONLINE)) {
		rc = ctx->account == NULL
		    ? cmd_error(ctx, "no account: add one with /account add NAME JID")
		    : cmd_error(ctx, "account %s is not connected (use /connect %s)",
		          ctx->account->name, ctx->account->name);
	} else {
		rc = c->fn(ctx, argc, argv);
	}
	for (int i = 0; argv[i] != NULL; i++)
		g_free(argv[i]);
	return rc;
}

/* Run line with ctx filled in by the caller. */
static int
cmd_exec(struct cmd_ctx *ctx, const char *line)
{
	const char *p = cmd_skip(line);
	const char *end;
	char *name;
	const struct cmd *c;
	int rc;

	if (*p == '/')
		p++;
	else if (ctx->file == NULL && *p != '\0') {
		char *say;
		if (ctx->target == NULL) {
			ctx->name = "msg";
			return cmd_error(ctx, "a line that is not a command needs a chat window; "
			    "use /msg JID TEXT");
		}
		/* the rest of the line verbatim: no word splitting, no quotes */
		say = g_strdup_printf("%s %s", ctx->target, line);
		rc = cmd_dispatch(cmd_find(cmd_table(), "msg"), "msg", say, ctx);
		g_free(say);
		return rc;
	}
	end = p;
	while (*end != '\0' && *end != ' ' && *end != '\t')
		end++;
	if (end == p) {
		ctx->name = "";
		return cmd_error(ctx, "empty command; /help lists the commands");
	}
	name = g_strndup(p, (gsize)(end - p));
	c = cmd_find(cmd_table(), name);
	if (c == NULL) {
		ctx->name = name;
		rc = cmd_error(ctx, "unknown command /%s (/help lists the commands)", name);
	} else {
		rc = cmd_dispatch(c, c->name, end, ctx);
	}
	g_free(name);
	return rc;
}

int
cmd_run(const char *line, const char *file, int lineno)
{
	struct cmd_ctx ctx = { file, lineno, NULL, account_current(),
		file == NULL ? last_target : NULL };

	return cmd_exec(&ctx, line);
}

int
cmd_run_in(const char *line, struct account *acc, const char *target)
{
	struct cmd_ctx ctx = { NULL, 0, NULL, acc != NULL ? acc : account_current(), target };

	return cmd_exec(&ctx, line);
}

int
cmd_config_load(const char *path, bool must_exist)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0;

	if (f == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		bus_error(NULL, "config", "%s: %s", path, g_strerror(errno));
		return -1;
	}
	{
		struct stat sb;
		if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
			bus_error(NULL, "config", "%s: %s", path, g_strerror(EISDIR));
			fclose(f);
			return -1;
		}
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		const char *p;
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		p = cmd_skip(line);
		if (*p == '\0' || *p == '#')
			continue;
		if (!g_utf8_validate(p, -1, NULL)) {
			bus_error(NULL, "config", "%s:%d: not valid UTF-8", path, lineno);
			continue;
		}
		cmd_run(p, path, lineno);
	}
	/* the line may have held a password */
	if (line != NULL)
		memset(line, 0, cap);
	free(line);
	fclose(f);
	return 0;
}
