/* cmd-account.c - /account, /connect and /disconnect. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "natter/account.h"
#include "natter/cmd.h"
#include "natter/store.h"
#include "natter/xmpp.h"
#include "cmd-families.h"

/* Find account name, or the current one when name is NULL; errors emitted. */
static struct account *
cmd_account_arg(struct cmd_ctx *ctx, const char *name)
{
	struct account *acc = name != NULL ? account_find(name) : ctx->account;

	if (acc == NULL && name != NULL)
		cmd_error(ctx, "no account named '%s' (/account lists them)", name);
	else if (acc == NULL)
		cmd_error(ctx, "no account: add one with /account add NAME JID");
	return acc;
}

static const char *
cmd_account_state(const struct account *acc)
{
	static const char *const names[] = { "offline", "connecting", "online", "disconnecting" };

	return names[acc->state];
}

static int
cmd_account_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	GString *out = g_string_new(NULL);

	if (account_count() == 0)
		g_string_append(out, "no accounts; add one with /account add NAME JID");
	for (size_t i = 0; i < account_count(); i++) {
		struct account *acc = account_nth(i);
		g_string_append_printf(out, "%s%s%s %s (%s)", i ? "\n" : "",
		    acc == account_current() ? "*" : " ", acc->name,
		    acc->bound_jid != NULL ? acc->bound_jid : acc->jid, cmd_account_state(acc));
	}
	cmd_info(ctx, "%s", out->str);
	g_string_free(out, TRUE);
	return 0;
}

static int
cmd_account_add(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *err = NULL;
	struct account *acc = account_add(argv[0], argv[1], &err);

	if (acc == NULL) {
		int rc = cmd_error(ctx, "%s", err);
		g_free(err);
		return rc;
	}
	store_account_load(acc);
	return 0;
}

static int
cmd_account_set(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct account *acc = cmd_account_arg(ctx, argv[0]);
	char *err;

	if (acc == NULL)
		return -1;
	err = account_set(acc, argv[1], argc > 2 ? argv[2] : NULL);
	if (err != NULL) {
		int rc = cmd_error(ctx, "%s", err);
		g_free(err);
		return rc;
	}
	if (ctx->file != NULL && strcmp(argv[1], "password") == 0 && argc > 2) {
		struct stat st;
		if (stat(ctx->file, &st) == 0 && (st.st_mode & 077) != 0)
			cmd_error(ctx, "this file holds a password and other users can read it: "
			    "chmod 600 %s (or use password_cmd)", ctx->file);
	}
	return 0;
}

static int
cmd_account_show(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct account *acc = cmd_account_arg(ctx, argc > 0 ? argv[0] : NULL);
	GString *out;

	if (acc == NULL)
		return -1;
	out = g_string_new(NULL);
	g_string_append_printf(out, "%s: %s (%s)\n", acc->name, acc->jid, cmd_account_state(acc));
	g_string_append_printf(out, "  password     %s\n", acc->password != NULL ? "(set)" : "(not set)");
	g_string_append_printf(out, "  password_cmd %s\n", acc->password_cmd ? acc->password_cmd : "");
	g_string_append_printf(out, "  server       %s\n", acc->server ? acc->server : "(from DNS)");
	g_string_append_printf(out, "  port         %d\n", account_port(acc));
	g_string_append_printf(out, "  tls          %s\n", account_tls_name(acc->tls));
	g_string_append_printf(out, "  ca_file      %s\n", acc->ca_file ? acc->ca_file : "");
	g_string_append_printf(out, "  resource     %s\n", acc->resource ? acc->resource : "(random)");
	g_string_append_printf(out, "  nick         %s\n", acc->nick ? acc->nick : "");
	g_string_append_printf(out, "  autoconnect  %s\n", acc->autoconnect ? "on" : "off");
	g_string_append_printf(out, "  trusted certificate %s", acc->pin ? acc->pin : "(none)");
	cmd_info(ctx, "%s", out->str);
	g_string_free(out, TRUE);
	return 0;
}

static int
cmd_account_use(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct account *acc = cmd_account_arg(ctx, argv[0]);

	if (acc == NULL)
		return -1;
	account_use(acc);
	return 0;
}

/* Normalise a fingerprint (hex, colons allowed) to 64 lowercase hex digits. */
static char *
cmd_account_fingerprint(const char *s)
{
	GString *fp = g_string_new(NULL);

	for (const char *p = s; *p != '\0'; p++) {
		if (*p == ':')
			continue;
		if (!g_ascii_isxdigit(*p)) {
			g_string_free(fp, TRUE);
			return NULL;
		}
		g_string_append_c(fp, g_ascii_tolower(*p));
	}
	if (fp->len != 64) {
		g_string_free(fp, TRUE);
		return NULL;
	}
	return g_string_free(fp, FALSE);
}

static int
cmd_account_trust(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct account *acc = cmd_account_arg(ctx, argv[0]);
	char *fp;

	if (acc == NULL)
		return -1;
	if (strcmp(argv[1], "none") == 0) {
		g_free(acc->pin);
		acc->pin = NULL;
		store_pin_set(acc->name, NULL);
		cmd_info(ctx, "%s: no certificate is trusted beyond the CA store now", acc->name);
		return 0;
	}
	fp = cmd_account_fingerprint(argv[1]);
	if (fp == NULL)
		return cmd_error(ctx, "a SHA-256 fingerprint is 64 hex digits (colons allowed)");
	g_free(acc->pin);
	acc->pin = fp;
	if (store_pin_set(acc->name, fp) != 0)
		cmd_error(ctx, "the pin holds until natter exits: the store could not keep it");
	cmd_info(ctx, "%s: trusting the certificate with SHA-256 %s while it is unchanged",
	    acc->name, fp);
	return 0;
}

static int
cmd_connect(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct account *acc = cmd_account_arg(ctx, argc > 0 ? argv[0] : NULL);

	if (acc == NULL)
		return -1;
	if (acc->state != ACC_OFFLINE)
		return cmd_error(ctx, "account %s is already %s", acc->name, cmd_account_state(acc));
	return session_connect(acc);
}

static int
cmd_disconnect(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct account *acc = cmd_account_arg(ctx, argc > 0 ? argv[0] : NULL);

	if (acc == NULL)
		return -1;
	if (acc->state == ACC_OFFLINE)
		return cmd_error(ctx, "account %s is not connected", acc->name);
	session_disconnect(acc);
	return 0;
}

static const char *const tls_words[] = { "starttls", "direct", "plain", NULL };

static const struct cmd account_sub[] = {
	{ .name = "add",
	  .args = { { "NAME", COMPLETE_NONE, 0, NULL }, { "JID", COMPLETE_NONE, 0, NULL } },
	  .summary = "Add an account called NAME for JID (user@domain).",
	  .examples = { "/account add work alice@example.org" },
	  .fn = cmd_account_add },
	{ .name = "set",
	  .args = { { "NAME", COMPLETE_ACCOUNT, 0, NULL }, { "KEY", COMPLETE_ACCOUNT_KEY, 0, NULL },
	            { "VALUE", COMPLETE_WORD, CMD_ARG_OPTIONAL | CMD_ARG_REST, tls_words } },
	  .summary = "Set KEY of account NAME to VALUE (the rest of the line, verbatim); no VALUE clears it.",
	  .help = "Keys: password, password_cmd, server, port, tls, ca_file, resource, nick,\n"
	          "autoconnect.  password_cmd is run with sh -c exactly as written, so write it\n"
	          "as you would in a shell; its first output line is the password.",
	  .examples = { "/account set work password_cmd pass show xmpp/work",
	                "/account set work tls direct" },
	  .fn = cmd_account_set },
	{ .name = "show",
	  .args = { { "NAME", COMPLETE_ACCOUNT, CMD_ARG_OPTIONAL, NULL } },
	  .summary = "Show the settings of an account (never its password).",
	  .fn = cmd_account_show },
	{ .name = "list",
	  .summary = "List the accounts and their state.",
	  .fn = cmd_account_list },
	{ .name = "use",
	  .args = { { "NAME", COMPLETE_ACCOUNT, 0, NULL } },
	  .summary = "Make NAME the account that commands act on.",
	  .fn = cmd_account_use },
	{ .name = "trust",
	  .args = { { "NAME", COMPLETE_ACCOUNT, 0, NULL }, { "FINGERPRINT", COMPLETE_NONE, 0, NULL } },
	  .summary = "Trust the server certificate with this SHA-256 fingerprint (or none).",
	  .help = "When a certificate fails verification, natter shows its fingerprint and this\n"
	          "command.  The pin is kept in the data directory and honoured only while the\n"
	          "server presents exactly that certificate.",
	  .fn = cmd_account_trust },
	{ .name = NULL }
};

const struct cmd cmd_account_table[] = {
	{ .name = "account",
	  .args = { { "SUBCOMMAND", COMPLETE_NONE, CMD_ARG_OPTIONAL, NULL } },
	  .summary = "Add, configure and list accounts.",
	  .help = "Without a subcommand, lists the accounts.",
	  .fn = cmd_account_list, .sub = account_sub },
	{ .name = "connect",
	  .args = { { "NAME", COMPLETE_ACCOUNT, CMD_ARG_OPTIONAL, NULL } },
	  .summary = "Connect an account (default: the current one).",
	  .help = "TLS is mandatory unless the account's tls is plain; the certificate must be\n"
	          "valid for the domain or pinned with /account trust.",
	  .fn = cmd_connect },
	{ .name = "disconnect",
	  .args = { { "NAME", COMPLETE_ACCOUNT, CMD_ARG_OPTIONAL, NULL } },
	  .summary = "Disconnect an account (default: the current one).",
	  .fn = cmd_disconnect },
	{ .name = NULL }
};
