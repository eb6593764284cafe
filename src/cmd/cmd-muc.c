/* cmd-muc.c - group chat commands: /join, /leave, /topic, /nick and
 * /moderate. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "natter/account.h"
#include "natter/bus.h"
#include "natter/cmd.h"
#include "natter/history.h"
#include "natter/jid.h"
#include "natter/muc.h"
#include "natter/store.h"
#include "natter/xmpp.h"
#include "cmd-families.h"

/* The furthest back /moderate NICK N reaches. */
#define CMD_MODERATE_MAX 1000

/* Our nick in a new room of acc: the account's nick, else its localpart. */
static char *
cmd_muc_default_nick(const struct account *acc)
{
	const char *at = strchr(acc->jid, '@');

	if (acc->nick != NULL && *acc->nick != '\0')
		return g_strdup(acc->nick);
	return at != NULL ? g_strndup(acc->jid, (gsize)(at - acc->jid)) : g_strdup(acc->jid);
}

/* The room a command is about: arg when given (it must be a room of the
 * account), else the current window's.  Emits the error and returns NULL
 * when there is none. */
static struct room *
cmd_muc_room(struct cmd_ctx *ctx, const char *arg)
{
	const char *jid = arg != NULL ? arg : ctx->target;
	struct room *r;

	if (ctx->account == NULL) {
		cmd_error(ctx, "no account: add one with /account add NAME JID");
		return NULL;
	}
	if (jid == NULL) {
		cmd_error(ctx, "which room? Name it, or type this in the room's window");
		return NULL;
	}
	r = muc_find(ctx->account->name, jid);
	if (r == NULL)
		cmd_error(ctx, "you are not in %s (/join %s)", jid, jid);
	return r;
}

/* Emit a room event of type from a command (joining, left). */
static void
cmd_muc_emit(struct cmd_ctx *ctx, enum event_type type, const struct room *r, const char *why)
{
	struct event *ev = event_new(type, ctx->account->name);

	ev->u.room.room = g_strdup(r->jid);
	ev->u.room.nick = g_strdup(r->nick);
	ev->u.room.why = g_strdup(why);
	bus_emit_free(ev);
}

static int
cmd_join(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct account *acc = ctx->account;
	const char *why;
	struct jid *j = jid_parse(argv[0], &why);
	struct room *r;
	char *nick;

	if (j == NULL)
		return cmd_error(ctx, "'%s' is not a valid room JID: %s", argv[0], why);
	if (j->local == NULL) {
		jid_free(j);
		return cmd_error(ctx, "'%s' is a server, not a room: a room JID looks like "
		    "room@conference.example.org", argv[0]);
	}
	if (acc == NULL) {
		jid_free(j);
		return cmd_error(ctx, "no account: add one with /account add NAME JID");
	}
	r = muc_find(acc->name, j->bare);
	nick = j->resource != NULL ? g_strdup(j->resource)
	    : r != NULL ? g_strdup(r->nick) : cmd_muc_default_nick(acc);
	r = muc_want(acc->name, j->bare, nick, argc > 1 ? argv[1] : NULL);
	if (r->archive_last == NULL) {
		/* (asking may write a pending checkpoint move into r first) */
		char *last = store_archive_last(acc->name, r->jid, &r->archive_stamp);
		g_free(r->archive_last);
		r->archive_last = last;
	}
	cmd_set_last_target(r->jid);
	jid_free(j);
	g_free(nick);
	if (acc->state != ACC_ONLINE) {
		cmd_info(ctx, "%s will be joined as %s when %s connects", r->jid, r->nick, acc->name);
		return 0;
	}
	if (xmuc_join(acc, r->jid, r->nick, r->password) != 0)
		return cmd_error(ctx, "could not join %s", r->jid);
	if (ctx->file == NULL)
		cmd_muc_emit(ctx, EV_JOINING, r, NULL);
	return 0;
}

static int
cmd_leave(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *name = argc > 0 ? argv[0] : NULL;
	char *reason = argc > 1 ? g_strdup(argv[1]) : NULL;
	struct room *r;
	char *jid;

	if (name != NULL && ctx->account != NULL && ctx->target != NULL &&
	    !muc_is_room(ctx->account->name, name) && muc_is_room(ctx->account->name, ctx->target)) {
		/* "/leave off to lunch" in a room's window: all of it is the reason */
		g_free(reason);
		reason = argc > 1 ? g_strconcat(argv[0], " ", argv[1], NULL) : g_strdup(argv[0]);
		name = NULL;
	}
	r = cmd_muc_room(ctx, name);
	if (r == NULL) {
		g_free(reason);
		return -1;
	}
	jid = g_strdup(r->jid);
	if (ctx->account->state == ACC_ONLINE) {
		/* the room's answer brings EV_LEFT */
		if (xmuc_leave(ctx->account, jid, reason) != 0) {
			g_free(jid);
			g_free(reason);
			return cmd_error(ctx, "could not leave %s", r->jid);
		}
		muc_forget(ctx->account->name, jid);
	} else {
		/* offline: just stop wanting it */
		cmd_muc_emit(ctx, EV_LEFT, r, "left");
	}
	g_free(jid);
	g_free(reason);
	return 0;
}

static int
cmd_topic(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct room *r = cmd_muc_room(ctx, NULL);

	if (r == NULL)
		return -1;
	if (argc == 0) {
		if (r->subject == NULL || *r->subject == '\0')
			cmd_info(ctx, "%s has no topic", r->jid);
		else
			cmd_info(ctx, "topic of %s: %s", r->jid, r->subject);
		return 0;
	}
	if (ctx->account->state != ACC_ONLINE || !r->joined)
		return cmd_error(ctx, "not in %s yet: the topic was not set", r->jid);
	if (xmuc_subject(ctx->account, r->jid, argv[0]) != 0)
		return cmd_error(ctx, "the topic of %s was not set", r->jid);
	return 0;
}

static int
cmd_nick(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct room *r = cmd_muc_room(ctx, NULL);
	char *probe;
	bool ok;

	if (r == NULL)
		return -1;
	/* the nick becomes a resource: it must be one */
	probe = g_strdup_printf("%s/%s", r->jid, argv[0]);
	ok = jid_valid(probe, NULL);
	g_free(probe);
	if (!ok)
		return cmd_error(ctx, "'%s' cannot be a nick", argv[0]);
	if (ctx->account->state != ACC_ONLINE || !r->joined) {
		muc_want(ctx->account->name, r->jid, argv[0], NULL);
		cmd_info(ctx, "you will be %s in %s", argv[0], r->jid);
		return 0;
	}
	if (xmuc_nick(ctx->account, r->jid, argv[0]) != 0)
		return cmd_error(ctx, "the nick in %s was not changed", r->jid);
	return 0;
}

/* /moderate NICK [N] [REASON]: as a moderator, have the room retract
 * (XEP-0425) NICK's newest message not retracted yet, or the Nth newest. */
static int
cmd_moderate(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct room *r = cmd_muc_room(ctx, NULL);
	const char *reason = argc > 1 ? argv[1] : NULL;
	long n = 1;
	char *target;

	if (r == NULL)
		return -1;
	/* a leading count, then the reason */
	switch (reason != NULL ? cmd_count(reason, CMD_MODERATE_MAX, &n, &reason) : 0) {
	case -1:
		return cmd_error(ctx, "%ld is not a count of %s's messages (1 is the last, up to %d)",
		    n, argv[0], CMD_MODERATE_MAX);
	case 1:
		if (*reason == '\0')
			reason = NULL;
		break;
	}
	if (ctx->account->state != ACC_ONLINE || !r->joined)
		return cmd_error(ctx, "not in %s yet: nothing was retracted", r->jid);
	target = history_retractable(ctx->account->name, r->jid, true, argv[0], (unsigned)(n - 1));
	if (target == NULL && n > 1)
		return cmd_error(ctx, "nothing to retract in %s: %s has not sent %ld messages not "
		    "retracted yet, with ids from the room", r->jid, argv[0], n);
	if (target == NULL)
		return cmd_error(ctx, "nothing to retract in %s: no message from %s with an id from "
		    "the room", r->jid, argv[0]);
	if (xmoderate(ctx->account, r->jid, target, reason) != 0) {
		g_free(target);
		return cmd_error(ctx, "the retraction in %s was not asked for", r->jid);
	}
	g_free(target);
	return 0;
}

const struct cmd cmd_muc_table[] = {
	{ .name = "join",
	  .args = { { "ROOM[/NICK]", COMPLETE_ROOM, 0, NULL },
	            { "PASSWORD", COMPLETE_NONE, CMD_ARG_OPTIONAL, NULL } },
	  .summary = "Join the group chat ROOM, as NICK (default: your nick or the JID's name).",
	  .help = "Enters a multi-user chat room (XEP-0045) and asks for the last muc_history\n"
	          "messages it holds.  A room that does not exist yet is created with the\n"
	          "service's default configuration.  Joining a room you are in with another\n"
	          "NICK changes your nick there.  While the account is offline the room is\n"
	          "joined once it connects; after a lost connection every room is joined\n"
	          "again, asking only for what was missed.  In a config file, /join lines\n"
	          "join rooms at every start.",
	  .examples = { "/join xmpp@conference.example.org", "/join club@muc.example.org/alice secret" },
	  .fn = cmd_join },
	{ .name = "leave",
	  .args = { { "ROOM", COMPLETE_ROOM, CMD_ARG_OPTIONAL, NULL },
	            { "REASON", COMPLETE_NONE, CMD_ARG_OPTIONAL | CMD_ARG_REST, NULL } },
	  .summary = "Leave ROOM (default: the room of the current window).",
	  .help = "Others in the room see REASON when one is given.",
	  .examples = { "/leave", "/leave xmpp@conference.example.org off to lunch" },
	  .fn = cmd_leave },
	{ .name = "topic",
	  .args = { { "TEXT", COMPLETE_NONE, CMD_ARG_OPTIONAL | CMD_ARG_REST, NULL } },
	  .summary = "Show the current room's topic, or set it to TEXT.",
	  .help = "Rooms may let only moderators set the topic; a refusal is reported.",
	  .examples = { "/topic", "/topic release on Friday" },
	  .fn = cmd_topic },
	{ .name = "nick",
	  .args = { { "NICK", COMPLETE_NONE, 0, NULL } },
	  .summary = "Change your nick in the current room.",
	  .help = "The room refuses a nick someone else has; the refusal is reported and you\n"
	          "keep the old one.",
	  .examples = { "/nick alice_away" },
	  .fn = cmd_nick },
	{ .name = "moderate",
	  .args = { { "NICK", COMPLETE_OCCUPANT, 0, NULL },
	            { "[N] [REASON]", COMPLETE_NONE, CMD_ARG_OPTIONAL | CMD_ARG_REST, NULL } },
	  .summary = "As a room moderator, retract NICK's last message, or the Nth last.",
	  .help = "Asks the current room to retract a message of the occupant NICK for\n"
	          "everyone (XEP-0425 message moderation): NICK's newest message not yet\n"
	          "retracted, or with N the Nth newest.  Everyone in the room, you\n"
	          "included, then sees it as retracted, with REASON when one is given.  The\n"
	          "room refuses unless you are a moderator there; the refusal is reported.\n"
	          "Quote a nick that has spaces: /moderate \"night owl\".",
	  .examples = { "/moderate spambot", "/moderate troll 2 off topic" },
	  .fn = cmd_moderate },
	{ .name = NULL }
};
