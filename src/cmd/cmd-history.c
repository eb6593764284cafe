/* cmd-history.c - the history the store keeps: /history, /search,
 * /export, and /mam fetch to pull older pages of an archive. */
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

#define CMD_HISTORY_DEFAULT 20
#define CMD_HISTORY_MAX 10000

/* The account a history command reads: the current one; emits the error
 * and returns NULL when there is none. */
static struct account *
cmd_history_account(struct cmd_ctx *ctx)
{
	if (ctx->account == NULL)
		cmd_error(ctx, "no account: add one with /account add NAME JID");
	return ctx->account;
}

/* The conversation jid names for account acc (to free): a room's bare
 * JID, ROOM/NICK for a private chat with a room's occupant, else the bare
 * JID.  A full JID that is not of a room we know is a private chat when
 * the store holds one under it.  NULL (error emitted) when jid is not a
 * JID. */
static char *
cmd_history_conv(struct cmd_ctx *ctx, const struct account *acc, const char *jid)
{
	const char *why;
	struct jid *j = jid_parse(jid, &why);
	char *conv;

	if (j == NULL) {
		cmd_error(ctx, "'%s' is not a valid JID: %s", jid, why);
		return NULL;
	}
	if (j->resource == NULL) {
		conv = g_strdup(j->bare);
	} else if (muc_is_room(acc->name, j->bare)) {
		conv = g_strdup(j->full);
	} else {
		GPtrArray *one = history_last(acc->name, j->full, 1);
		conv = g_strdup(one != NULL && one->len > 0 ? j->full : j->bare);
		if (one != NULL)
			g_ptr_array_unref(one);
	}
	jid_free(j);
	return conv;
}

/* The pairs of byte offsets in marks (unsigned, as the store gives them)
 * as a new array of 2 * *n unsigned (to g_free), or NULL for none. */
static unsigned *
cmd_history_marks(const GArray *marks, unsigned *n)
{
	*n = marks != NULL ? marks->len / 2 : 0;
	if (*n == 0)
		return NULL;
	return g_memdup2(marks->data, 2 * (gsize)*n * sizeof(unsigned));
}

/* An EV_HISTORY or EV_SEARCH event (to free) carrying a copy of m, the
 * n-th of its list. */
static struct event *
cmd_history_event(enum event_type type, const struct account *acc, const struct history_msg *m,
    unsigned n)
{
	struct event *ev = event_new(type, m->account != NULL ? m->account : acc->name);
	const struct account *owner = m->account != NULL ? account_find(m->account) : acc;
	const char *self = owner != NULL ? owner->jid : acc->jid;

	ev->u.found.conv = g_strdup(m->conv);
	ev->u.found.from = g_strdup(m->sender);
	/* what the store keeps is the sender: the other end is the conversation,
	 * or for what we received, we */
	ev->u.found.to = g_strdup(m->out ? m->conv : self);
	ev->u.found.type = g_strdup(m->type);
	ev->u.found.body = g_strdup(m->body);
	ev->u.found.id = g_strdup(m->msg_id);
	ev->u.found.nick = g_strdup(m->nick);
	ev->u.found.rowid = m->rowid;
	ev->u.found.stamp = m->stamp;
	ev->u.found.out = m->out;
	ev->u.found.corrected = m->corrected;
	ev->u.found.retracted = m->retracted;
	ev->u.found.n = n;
	if (type == EV_SEARCH)
		ev->u.found.marks = cmd_history_marks(m->marks, &ev->u.found.n_marks);
	return ev;
}

/* /history JID [N]: the last N messages of a conversation, as events. */
static int
cmd_history(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct account *acc = cmd_history_account(ctx);
	long n = CMD_HISTORY_DEFAULT;
	GPtrArray *msgs;
	char *conv;

	if (acc == NULL)
		return -1;
	if (argc > 1 && cmd_count(argv[1], CMD_HISTORY_MAX, &n, NULL) != 1)
		return cmd_error(ctx, "'%s' is not a number of messages (1 to %d)", argv[1],
		    CMD_HISTORY_MAX);
	if ((conv = cmd_history_conv(ctx, acc, argv[0])) == NULL)
		return -1;
	msgs = history_last(acc->name, conv, (unsigned)n);
	if (msgs == NULL || msgs->len == 0) {
		cmd_info(ctx, "no messages with %s in the history", conv);
	} else {
		for (guint i = 0; i < msgs->len; i++)
			bus_emit_free(cmd_history_event(EV_HISTORY, acc, g_ptr_array_index(msgs, i),
			    i + 1));
		cmd_info(ctx, "%u %s with %s, oldest first", msgs->len,
		    msgs->len == 1 ? "message" : "messages", conv);
	}
	if (msgs != NULL)
		g_ptr_array_unref(msgs);
	g_free(conv);
	return 0;
}

/* /search TEXT [from:JID] [in:JID] [before:DATE] [after:DATE]: each hit
 * as an EV_SEARCH, newest first, then the summary. */
static int
cmd_search(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct history_query q = { 0 };
	char *err = NULL;
	unsigned total = 0;
	GPtrArray *hits;
	struct event *ev;

	if (history_query_parse(argv[0], &q, &err) != 0) {
		int rc = cmd_error(ctx, "%s", err != NULL ? err : "not a search");
		g_free(err);
		history_query_clear(&q);
		return rc;
	}
	hits = history_find(&q, &total, &err);
	history_query_clear(&q);
	if (hits == NULL) {
		int rc = cmd_error(ctx, "the search failed: %s", err != NULL ? err : "?");
		g_free(err);
		return rc;
	}
	for (guint i = 0; i < hits->len; i++) {
		const struct history_msg *m = g_ptr_array_index(hits, i);
		ev = cmd_history_event(EV_SEARCH, ctx->account, m, i + 1);
		ev->u.found.total = MAX(total, hits->len);
		ev->u.found.query = g_strdup(argv[0]);
		bus_emit_free(ev);
	}
	ev = event_new(EV_SEARCH, ctx->account != NULL ? ctx->account->name : NULL);
	ev->u.found.summary = true;
	ev->u.found.query = g_strdup(argv[0]);
	ev->u.found.n = hits->len;
	ev->u.found.total = MAX(total, hits->len);
	bus_emit_free(ev);
	g_ptr_array_unref(hits);
	return 0;
}

/* /export JID FILE: the conversation as JSON lines. */
static int
cmd_export(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct account *acc = cmd_history_account(ctx);
	char *conv, *path, *err = NULL;
	long n;

	if (acc == NULL)
		return -1;
	if ((conv = cmd_history_conv(ctx, acc, argv[0])) == NULL)
		return -1;
	/* ~/ as a shell would have it */
	path = g_str_has_prefix(argv[1], "~/")
	    ? g_build_filename(g_get_home_dir(), argv[1] + 2, NULL) : g_strdup(argv[1]);
	n = history_export(acc->name, conv, path, &err);
	if (n < 0)
		cmd_error(ctx, "%s", err != NULL ? err : "the export was not written");
	else
		cmd_info(ctx, "wrote %ld %s with %s to %s", n, n == 1 ? "message" : "messages",
		    conv, path);
	g_free(err);
	g_free(path);
	g_free(conv);
	return n < 0 ? -1 : 0;
}

/* Parse s, YYYY-MM-DD or YYYY-MM-DDTHH:MM in local time, into *out
 * (seconds since the epoch); false when it is neither. */
static bool
cmd_history_date(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, used = 0;
	GDateTime *dt;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3)
		return false;
	if (s[used] == 'T') {
		int more = 0;
		if (sscanf(s + used, "T%2d:%2d%n", &h, &mi, &more) != 2)
			return false;
		used += more;
	}
	if (s[used] != '\0' || h > 23 || mi > 59)
		return false;
	dt = g_date_time_new_local(y, mo, d, h, mi, 0);
	if (dt == NULL)
		return false;
	*out = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return true;
}

/* /mam fetch JID [SINCE]: ask an archive (ours, or a room's) for what it
 * holds since SINCE; the messages come as they are found. */
static int
cmd_mam_fetch(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct account *acc = ctx->account;
	int64_t since = 0;
	char *bare;
	bool own;

	if (!cmd_check_jid(ctx, argv[0], true))
		return -1;
	if (argc > 1 && !cmd_history_date(argv[1], &since))
		return cmd_error(ctx, "'%s' is not a date: YYYY-MM-DD or YYYY-MM-DDTHH:MM "
		    "(local time)", argv[1]);
	bare = jid_bare(argv[0]);
	own = jid_bare_equal(bare, acc->jid);
	if (xmam_fetch(acc, own ? NULL : bare, NULL, since) != 0) {
		int rc = cmd_error(ctx, "the archive of %s was not asked", bare);
		g_free(bare);
		return rc;
	}
	cmd_info(ctx, "asking %s for its archive%s%s: the messages appear in their windows",
	    own ? "your server" : bare, argc > 1 ? " since " : "", argc > 1 ? argv[1] : "");
	g_free(bare);
	return 0;
}

static const struct cmd mam_sub[] = {
	{ .name = "fetch",
	  .args = { { "JID", COMPLETE_ROOM, 0, NULL },
	            { "SINCE", COMPLETE_NONE, CMD_ARG_OPTIONAL, NULL } },
	  .summary = "Pull messages from the archive of JID (your own JID, or a room) since SINCE.",
	  .help = "Asks the archive (XEP-0313) for its messages since SINCE (YYYY-MM-DD or\n"
	          "YYYY-MM-DDTHH:MM, local time), or without SINCE for its newest ones (the\n"
	          "mam_first setting), page by page until it has sent them all.  Your own JID\n"
	          "names your server's archive of your chats with everyone; a room's JID, the\n"
	          "room's.  The messages go into the store once each and appear in their\n"
	          "windows in the order they were sent.  natter itself fetches what came\n"
	          "while it was offline at every login.",
	  .examples = { "/mam fetch alice@example.org 2024-05-01",
	                "/mam fetch room@conference.example.org 2024-05-01T09:30" },
	  .fn = cmd_mam_fetch, .needs_online = true },
	{ .name = NULL }
};

const struct cmd cmd_history_table[] = {
	{ .name = "history",
	  .args = { { "JID", COMPLETE_JID, 0, NULL },
	            { "N", COMPLETE_NONE, CMD_ARG_OPTIONAL, NULL } },
	  .summary = "Show the last N messages (default 20) with JID from the history.",
	  .help = "Prints the messages the store keeps for the conversation with JID (a\n"
	          "contact, a room, or ROOM/NICK for a private chat with a room's occupant)\n"
	          "in the current window, oldest first, each with its time and sender.\n"
	          "Chat and room windows show their history by themselves: scrolling back\n"
	          "(PgUp) pages in older messages.",
	  .examples = { "/history bob@example.org", "/history room@conference.example.org 100" },
	  .fn = cmd_history },
	{ .name = "search",
	  .args = { { "TEXT", COMPLETE_NONE, CMD_ARG_REST, NULL } },
	  .summary = "Search every conversation for TEXT; from:JID, in:JID, before:DATE, after:DATE narrow it.",
	  .help = "Every word of TEXT must occur in a message (a word ending in * is a\n"
	          "prefix).  from:JID keeps the messages of one sender, in:JID those of one\n"
	          "conversation, before:DATE and after:DATE those of a time (YYYY-MM-DD or\n"
	          "YYYY-MM-DDTHH:MM, local time); these alone, without words, list the\n"
	          "messages they select.  The hits, newest first, open in the search window,\n"
	          "numbered, with the matching words highlighted: type a hit's number and\n"
	          "Enter there to open its conversation at that message.  Another line typed\n"
	          "in the search window searches again.",
	  .examples = { "/search lunch", "/search from:bob@example.org meet*",
	                "/search in:room@conference.example.org release after:2024-05-01" },
	  .fn = cmd_search },
	{ .name = "export",
	  .args = { { "JID", COMPLETE_JID, 0, NULL }, { "FILE", COMPLETE_FILE, 0, NULL } },
	  .summary = "Write the conversation with JID to FILE as JSON lines.",
	  .help = "One JSON object per message, oldest first, with from, to, body and stamp\n"
	          "(seconds since the epoch, UTC), and dir, type and id.  FILE is created\n"
	          "readable by you alone, or replaced.",
	  .examples = { "/export bob@example.org ~/bob.jsonl" },
	  .fn = cmd_export },
	{ .name = "mam",
	  .summary = "Message archives (XEP-0313): /mam fetch pulls older messages.",
	  .sub = mam_sub },
	{ .name = NULL }
};
