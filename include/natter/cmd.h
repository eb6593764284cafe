/* cmd.h - the command language: one table drives parsing, help,
 * completion and the man page.
 *
 * A line is "/name args..." (the slash is optional in config files).
 * Arguments are split at blanks; "double quotes" group words, with \" and
 * \\ inside.  The last argument may take the rest of the line verbatim
 * (CMD_ARG_REST), so "/msg bob@example.org  two  spaces" keeps its
 * spacing.  Commands with subcommands ("/roster add JID") list them in
 * .sub; the first argument picks one.
 */
#ifndef NATTER_CMD_H
#define NATTER_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <glib.h>

struct account;

/* What Tab completes an argument with. */
enum cmd_complete {
	COMPLETE_NONE,
	COMPLETE_WORD,    /* from the argument's .choices */
	COMPLETE_ACCOUNT,
	COMPLETE_JID,     /* roster JIDs of the current account */
	COMPLETE_ROOM,    /* rooms of the current account */
	COMPLETE_SETTING,
	COMPLETE_ACCOUNT_KEY,
	COMPLETE_COMMAND,
	COMPLETE_FILE,
	COMPLETE_THEME,   /* theme names (the UI supplies them) */
	COMPLETE_FILTER,  /* named console filters and "off" */
	COMPLETE_TEMPLATE, /* /xml template names */
	COMPLETE_OCCUPANT, /* nicks in the current room (the UI supplies them) */
	COMPLETE_KIND_COUNT
};

#define CMD_ARG_OPTIONAL 0x1
#define CMD_ARG_REST     0x2 /* the rest of the line, verbatim */

struct cmd_arg {
	const char *name;
	enum cmd_complete complete;
	unsigned flags;
	const char *const *choices; /* COMPLETE_WORD: NULL-terminated */
};

#define CMD_MAX_ARGS 6

/* Where a command line came from, and what it concerns. */
struct cmd_ctx {
	const char *file;   /* config file, or NULL when typed */
	int line;
	const char *name;   /* "roster add" */
	struct account *account; /* current account, may be NULL */
	const char *target; /* bare JID of the current chat (window), or NULL */
};

struct cmd {
	const char *name;
	struct cmd_arg args[CMD_MAX_ARGS];
	const char *summary;  /* one line */
	const char *help;     /* paragraphs, plain text */
	const char *examples[4];
	/* argv[0] is the first argument; argc counts the ones given. */
	int (*fn)(struct cmd_ctx *ctx, int argc, char **argv);
	const struct cmd *sub; /* subcommands, ending with a NULL name */
	bool own_args;         /* with sub: a first word that names no subcommand
	                        * is the command's own first argument */
	bool needs_online;     /* refuse when the current account is offline */
};

/* Run one line; results and errors are emitted as events.
 * file/line name the config file position (NULL/0 when typed).
 * Returns 0, or -1 after emitting an error. */
int cmd_run(const char *line, const char *file, int lineno);
/* Run a typed line in a front end's context: acc (NULL: the current
 * account) and target, the bare JID of the chat the line was typed in
 * (NULL: none).  A line without a leading '/' is a message to target. */
int cmd_run_in(const char *line, struct account *acc, const char *target);
/* The target of the headless front end and of commands typed without a
 * window: the JID of the last /msg with text, or NULL. */
const char *cmd_last_target(void);
/* Run a config file; a bad line is reported as FILE:LINE and skipped.
 * Returns -1 only when the file cannot be read. */
int cmd_config_load(const char *path, bool must_exist);

/* Tell jid that the user of acc is in chat state `state` (active,
 * composing, paused, inactive or gone; XEP-0085), for front ends that
 * watch typing.  Silent: -1 when acc is offline or an argument is bad. */
int cmd_chatstate(struct account *acc, const char *jid, const char *state);

/* Emit an error about the running command; returns -1. */
int cmd_error(struct cmd_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cmd_info(struct cmd_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Add a front end's command family (a table ending with a NULL name) to
 * the commands; call before the first cmd_table().  This is how src/ui
 * contributes /win and friends without src/cmd depending on it. */
void cmd_register_family(const struct cmd *table);
/* The top-level commands, ending with a NULL name. */
const struct cmd *cmd_table(void);
const struct cmd *cmd_find(const struct cmd *table, const char *name);
/* "JID [TEXT]" for c (static buffer). */
const char *cmd_synopsis(const struct cmd *c);
/* Write the man page's command section (troff) for every command. */
void cmd_man(FILE *out);

/* Candidates (GPtrArray of strings to g_free, sorted, unique) for the word
 * of line that starts at byte start and ends at byte end, for account acc
 * (NULL: the current one).  The command table decides what the word is: a
 * command name after "/", a subcommand, or an argument by its completion
 * kind.  An argument may complete to a value with spaces; the caller
 * quotes nothing (values of CMD_ARG_REST are verbatim). */
GPtrArray *cmd_complete(const char *line, size_t start, size_t end, struct account *acc);
/* A front end's source of words for a completion kind it owns (e.g.
 * theme names); fn adds strings (to g_free) that start with prefix. */
void cmd_complete_source(enum cmd_complete kind, void (*fn)(const char *prefix, GPtrArray *out));

#endif
