/* cmd-families.h - the command tables of each family (private to src/cmd). */
#ifndef NATTER_CMD_FAMILIES_H
#define NATTER_CMD_FAMILIES_H

#include "natter/cmd.h"

extern const struct cmd cmd_core_table[];    /* cmd-core.c: help, set, quit */
extern const struct cmd cmd_account_table[]; /* cmd-account.c: account, connect, disconnect */
extern const struct cmd cmd_chat_table[];    /* cmd-chat.c: msg, correct, status */
extern const struct cmd cmd_roster_table[];  /* cmd-roster.c: roster */
extern const struct cmd cmd_muc_table[];     /* cmd-muc.c: join, leave, topic, nick */
extern const struct cmd cmd_console_table[]; /* cmd-console.c: console, xml */
extern const struct cmd cmd_history_table[]; /* cmd-history.c: history, search, export, mam */

/* Add the /xml template names that start with prefix to out (strings to
 * g_free). */
void cmd_console_templates(const char *prefix, GPtrArray *out);

/* Remember the JID of the last chat a message went to (cmd_last_target). */
void cmd_set_last_target(const char *jid);

/* Check that s is a JID (bare when bare_only); emits the error and returns
 * false otherwise. */
bool cmd_check_jid(struct cmd_ctx *ctx, const char *s, bool bare_only);

/* Read a count of messages from s into *n: 1 when s is one from 1 to max,
 * -1 when it is a number out of that range (*n has it), 0 when s is no
 * number.  With rest NULL the whole of s is the number; else s may go on
 * after white space, and *rest gets what follows it. */
int cmd_count(const char *s, long max, long *n, const char **rest);

#endif
