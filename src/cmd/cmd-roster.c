/* cmd-roster.c - /roster: the contact list and presence subscriptions. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "natter/account.h"
#include "natter/cmd.h"
#include "natter/jid.h"
#include "natter/roster.h"
#include "natter/xmpp.h"
#include "cmd-families.h"

static int
cmd_roster_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct account *acc = ctx->account;
	GString *out;
	GList *all;

	if (acc == NULL)
		return cmd_error(ctx, "no account: add one with /account add NAME JID");
	out = g_string_new(NULL);
	all = roster_sorted(acc->roster);
	g_string_append_printf(out, "%s: %u contacts", acc->name, g_list_length(all));
	for (GList *l = all; l != NULL; l = l->next) {
		const struct contact *c = l->data;
		const struct contact_resource *r = roster_best(c);
		char *groups = c->groups != NULL ? g_strjoinv(",", c->groups) : NULL;
		g_string_append_printf(out, "\n%s%s%s%s [%s%s] %s%s%s%s%s", c->jid,
		    c->name ? " (" : "", c->name ? c->name : "", c->name ? ")" : "",
		    c->subscription, c->ask ? ", asked" : "",
		    presence_show_name(r != NULL ? r->show : PRES_OFFLINE),
		    r != NULL && r->status ? ": " : "", r != NULL && r->status ? r->status : "",
		    groups != NULL && *groups ? " in " : "", groups != NULL ? groups : "");
		g_free(groups);
	}
	g_list_free(all);
	cmd_info(ctx, "%s", out->str);
	g_string_free(out, TRUE);
	return 0;
}

/* Resend contact jid's item with name and groups changed as asked. */
static int
cmd_roster_update(struct cmd_ctx *ctx, const char *jid, const char *name,
    char *const *groups, bool keep_name, bool keep_groups)
{
	struct contact *c;
	char *bare;
	int rc;

	if (!cmd_check_jid(ctx, jid, true))
		return -1;
	bare = jid_bare(jid);
	c = roster_find(ctx->account->roster, bare);
	if (c == NULL && (keep_name || keep_groups)) {
		rc = cmd_error(ctx, "%s is not in the roster (/roster add %s)", bare, bare);
		g_free(bare);
		return rc;
	}
	rc = xroster_set(ctx->account, bare, keep_name && c ? c->name : name,
	    keep_groups && c ? c->groups : groups);
	g_free(bare);
	return rc == 0 ? 0 : cmd_error(ctx, "not sent");
}

static int
cmd_roster_add(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_roster_update(ctx, argv[0], argc > 1 ? argv[1] : NULL, NULL, false, false);
}

static int
cmd_roster_rename(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_roster_update(ctx, argv[0], argc > 1 ? argv[1] : NULL, NULL, false, true);
}

static int
cmd_roster_group(struct cmd_ctx *ctx, int argc, char **argv)
{
	char **groups = NULL;
	int rc;

	if (argc > 1) {
		char **parts = g_strsplit(argv[1], ",", -1);
		GPtrArray *keep = g_ptr_array_new();
		for (char **p = parts; *p != NULL; p++) {
			char *g = g_strstrip(*p);
			if (*g != '\0')
				g_ptr_array_add(keep, g_strdup(g));
		}
		g_ptr_array_add(keep, NULL);
		groups = (char **)g_ptr_array_free(keep, FALSE);
		g_strfreev(parts);
	}
	rc = cmd_roster_update(ctx, argv[0], NULL, groups, true, false);
	g_strfreev(groups);
	return rc;
}

static int
cmd_roster_remove(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (!cmd_check_jid(ctx, argv[0], true))
		return -1;
	return xroster_remove(ctx->account, argv[0]) == 0 ? 0 : cmd_error(ctx, "not sent");
}

/* Send a subscription stanza of type to jid. */
static int
cmd_roster_sub(struct cmd_ctx *ctx, const char *jid, const char *type)
{
	if (!cmd_check_jid(ctx, jid, true))
		return -1;
	return xpresence_subscription(ctx->account, jid, type) == 0 ? 0 : cmd_error(ctx, "not sent");
}

static int
cmd_roster_request(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_roster_sub(ctx, argv[0], "subscribe");
}

static int
cmd_roster_approve(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_roster_sub(ctx, argv[0], "subscribed");
}

static int
cmd_roster_deny(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_roster_sub(ctx, argv[0], "unsubscribed");
}

static int
cmd_roster_cancel(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_roster_sub(ctx, argv[0], "unsubscribe");
}

#define JID_ARG { "JID", COMPLETE_JID, 0, NULL }

static const struct cmd roster_sub[] = {
	{ .name = "list", .summary = "List the contacts with their subscription and presence.",
	  .fn = cmd_roster_list },
	{ .name = "add", .args = { JID_ARG, { "NAME", COMPLETE_NONE, CMD_ARG_OPTIONAL | CMD_ARG_REST, NULL } },
	  .summary = "Add JID to the roster, with an optional display NAME.",
	  .help = "Adding does not ask for the contact's presence: /roster request does.",
	  .examples = { "/roster add bob@example.org Bob Builder" },
	  .fn = cmd_roster_add, .needs_online = true },
	{ .name = "remove", .args = { JID_ARG },
	  .summary = "Remove JID from the roster (this also ends both subscriptions).",
	  .fn = cmd_roster_remove, .needs_online = true },
	{ .name = "rename", .args = { JID_ARG, { "NAME", COMPLETE_NONE, CMD_ARG_OPTIONAL | CMD_ARG_REST, NULL } },
	  .summary = "Give JID a display NAME (none: clear it).",
	  .fn = cmd_roster_rename, .needs_online = true },
	{ .name = "group", .args = { JID_ARG, { "GROUPS", COMPLETE_NONE, CMD_ARG_OPTIONAL | CMD_ARG_REST, NULL } },
	  .summary = "Put JID in the comma-separated GROUPS (none: no group).",
	  .examples = { "/roster group bob@example.org Friends, Work" },
	  .fn = cmd_roster_group, .needs_online = true },
	{ .name = "request", .args = { JID_ARG },
	  .summary = "Ask JID for permission to see their presence.",
	  .fn = cmd_roster_request, .needs_online = true },
	{ .name = "approve", .args = { JID_ARG },
	  .summary = "Let JID see your presence (answers their request, or pre-approves).",
	  .fn = cmd_roster_approve, .needs_online = true },
	{ .name = "deny", .args = { JID_ARG },
	  .summary = "Refuse JID's request, or stop them seeing your presence.",
	  .fn = cmd_roster_deny, .needs_online = true },
	{ .name = "cancel", .args = { JID_ARG },
	  .summary = "Stop receiving JID's presence (cancel your subscription or request).",
	  .fn = cmd_roster_cancel, .needs_online = true },
	{ .name = NULL }
};

const struct cmd cmd_roster_table[] = {
	{ .name = "roster",
	  .args = { { "SUBCOMMAND", COMPLETE_NONE, CMD_ARG_OPTIONAL, NULL } },
	  .summary = "Manage contacts and presence subscriptions.",
	  .help = "Without a subcommand, lists the roster of the current account.",
	  .fn = cmd_roster_list, .sub = roster_sub },
	{ .name = NULL }
};
