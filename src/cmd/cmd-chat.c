/* cmd-chat.c - /msg, /correct, /retract and /status, and the chat state a front end
 * sends while its user types. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "natter/account.h"
#include "natter/bus.h"
#include "natter/cmd.h"
#include "natter/history.h"
#include "natter/jid.h"
#include "natter/muc.h"
#include "natter/xmpp.h"
#include "cmd-families.h"

/* The furthest back /retract N reaches. */
#define CMD_RETRACT_MAX 1000

static int
cmd_msg(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *id = NULL;

	if (!cmd_check_jid(ctx, argv[0], false))
		return -1;
	if (argc < 2) {
		/* open (or focus) the chat: the front ends show it */
		struct event *ev = event_new(EV_CHAT_OPEN,
		    ctx->account != NULL ? ctx->account->name : NULL);
		char *bare = jid_bare(argv[0]);
		/* an occupant of a room we are in: the private chat, by full JID */
		if (ctx->account != NULL && muc_is_room(ctx->account->name, bare) &&
		    strcmp(bare, argv[0]) != 0) {
			struct jid *j = jid_parse(argv[0], NULL);
			ev->u.chat.jid = g_strdup(j->full);
			jid_free(j);
			g_free(bare);
		} else {
			ev->u.chat.jid = bare;
		}
		cmd_set_last_target(ev->u.chat.jid);
		bus_emit_free(ev);
		return 0;
	}
	if (ctx->account == NULL || ctx->account->state != ACC_ONLINE)
		return cmd_error(ctx, "not connected: the message to %s was not sent", argv[0]);
	if (muc_is_room(ctx->account->name, argv[0])) {
		/* a room's bare JID: to everyone in it */
		const struct room *r = muc_find(ctx->account->name, argv[0]);
		if (!r->joined)
			return cmd_error(ctx, "not in %s yet: the message was not sent", r->jid);
		if (xmuc_send(ctx->account, r->jid, argv[1], &id) != 0)
			return cmd_error(ctx, "the message to %s was not sent", r->jid);
		g_free(id);
		cmd_set_last_target(r->jid);
		return 0;
	}
	if (xmessage_send(ctx->account, argv[0], argv[1], &id) != 0)
		return cmd_error(ctx, "the message to %s was not sent", argv[0]);
	g_free(id);
	{
		char *bare = jid_bare(argv[0]);
		cmd_set_last_target(bare);
		g_free(bare);
	}
	return 0;
}

/* /correct TEXT: replace the last message sent to the current chat. */
static int
cmd_correct(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *id = NULL;

	if (ctx->target == NULL)
		return cmd_error(ctx, "no chat to correct a message in: "
		    "send one first with /msg JID TEXT");
	if (ctx->account == NULL || ctx->account->state != ACC_ONLINE)
		return cmd_error(ctx, "not connected: the message to %s was not corrected", ctx->target);
	if (muc_is_room(ctx->account->name, ctx->target)) {
		if (xmuc_correct(ctx->account, ctx->target, argv[0], &id) != 0)
			return cmd_error(ctx, "the correction to %s was not sent", ctx->target);
		g_free(id);
		return 0;
	}
	if (xmessage_correct(ctx->account, ctx->target, argv[0], &id) != 0)
		return cmd_error(ctx, "the correction to %s was not sent", ctx->target);
	g_free(id);
	return 0;
}

/* /retract [N]: take back the last message we sent in the current chat
 * or room, or the Nth last (the store knows them, from this session or an
 * earlier one). */
static int
cmd_retract(struct cmd_ctx *ctx, int argc, char **argv)
{
	bool room;
	char *target;
	long n = 1;

	if (ctx->target == NULL)
		return cmd_error(ctx, "no chat to retract a message in: open one with /msg JID");
	if (argc > 0 && cmd_count(argv[0], CMD_RETRACT_MAX, &n, NULL) != 1)
		return cmd_error(ctx, "'%s' is not a count of your messages (1 is the last, up to %d)",
		    argv[0], CMD_RETRACT_MAX);
	if (ctx->account == NULL || ctx->account->state != ACC_ONLINE)
		return cmd_error(ctx, "not connected: nothing was retracted in %s", ctx->target);
	room = muc_is_room(ctx->account->name, ctx->target);
	target = history_retractable(ctx->account->name, ctx->target, room, NULL, (unsigned)(n - 1));
	if (target == NULL && n > 1)
		return cmd_error(ctx, room
		    ? "nothing to retract in %s: no message %ld back of yours, or the room gave it no id"
		    : "nothing to retract in %s: you have not sent %ld messages there not retracted yet",
		    ctx->target, n);
	if (target == NULL)
		return cmd_error(ctx, room
		    ? "nothing to retract in %s: no message of yours that the room has given an id"
		    : "nothing to retract in %s: you have sent no message there", ctx->target);
	if (xmessage_retract(ctx->account, ctx->target, room, target) != 0) {
		g_free(target);
		return cmd_error(ctx, "the retraction in %s was not sent", ctx->target);
	}
	g_free(target);
	return 0;
}

int
cmd_chatstate(struct account *acc, const char *jid, const char *state)
{
	if (acc == NULL || acc->state != ACC_ONLINE)
		return -1;
	if (muc_is_room(acc->name, jid))
		return -1; /* not to a whole room: too much noise for everyone */
	return xmessage_chatstate(acc, jid, state);
}

static int
cmd_status(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct account *acc = ctx->account;
	int show = presence_show_parse(argv[0]);

	if (show <= PRES_OFFLINE)
		return cmd_error(ctx, "'%s' is not one of online, chat, away, xa, dnd", argv[0]);
	if (acc == NULL)
		return cmd_error(ctx, "no account: add one with /account add NAME JID");
	acc->show = (enum presence_show)show;
	g_free(acc->status);
	acc->status = argc > 1 ? g_strdup(argv[1]) : NULL;
	if (acc->state == ACC_ONLINE && xpresence_send(acc, acc->show, acc->status) != 0)
		return cmd_error(ctx, "presence not sent");
	return 0;
}

static const char *const show_words[] = { "online", "chat", "away", "xa", "dnd", NULL };

const struct cmd cmd_chat_table[] = {
	{ .name = "msg",
	  .args = { { "JID", COMPLETE_JID, 0, NULL },
	            { "TEXT", COMPLETE_NONE, CMD_ARG_OPTIONAL | CMD_ARG_REST, NULL } },
	  .summary = "Send TEXT to JID (without TEXT: open the chat with JID).",
	  .help = "To a room you are in (its bare JID), the message goes to everyone there;\n"
	          "to ROOM/NICK, privately to that occupant.\n"
	          "The message carries a unique id and an origin-id (XEP-0359); if the server\n"
	          "bounces it, the error names the message.  It also says you are active in\n"
	          "the chat (XEP-0085) and asks for a delivery receipt (XEP-0184), reported\n"
	          "when the contact's client sends one.  A TEXT starting with /me is sent as\n"
	          "it is: clients show it as an action.",
	  .examples = { "/msg bob@example.org see you at noon", "/msg bob@example.org /me waves" },
	  .fn = cmd_msg },
	{ .name = "correct",
	  .args = { { "TEXT", COMPLETE_NONE, CMD_ARG_REST, NULL } },
	  .summary = "Replace the last message you sent in this chat with TEXT.",
	  .help = "Sends TEXT as a correction (XEP-0308) of the last message sent to the\n"
	          "current chat's contact since connecting; their client shows it in place\n"
	          "of the old text if it supports corrections, and as a new message if not.\n"
	          "Correcting again replaces the same message.  Without a chat window the\n"
	          "chat is that of the last /msg.",
	  .examples = { "/correct see you at one", "/correct typo fixed" },
	  .fn = cmd_correct },
	{ .name = "retract",
	  .args = { { "N", COMPLETE_NONE, CMD_ARG_OPTIONAL, NULL } },
	  .summary = "Take back the last message you sent in this chat or room, or the Nth last.",
	  .help = "Asks the other clients to remove your newest message in the current chat\n"
	          "or room (XEP-0424 message retraction); natter shows it as retracted and\n"
	          "forgets its text.  Clients that do not know retractions show a short\n"
	          "note instead, and nobody can be made to forget what they have read.\n"
	          "Each /retract takes back the newest message not yet retracted; /retract N\n"
	          "the Nth newest of yours not yet retracted (2: the one before the last).",
	  .examples = { "/retract", "/retract 3" },
	  .fn = cmd_retract },
	{ .name = "status",
	  .args = { { "SHOW", COMPLETE_WORD, 0, show_words },
	            { "TEXT", COMPLETE_NONE, CMD_ARG_OPTIONAL | CMD_ARG_REST, NULL } },
	  .summary = "Set your presence: online, chat, away, xa or dnd, with an optional text.",
	  .examples = { "/status away back at two", "/status online" },
	  .fn = cmd_status },
	{ .name = NULL }
};
