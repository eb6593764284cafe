/* cmd-console.c - the raw-stanza console's commands: /console (open, on,
 * off, raw, pretty, filter, search, pause, resume, clear, save, replay,
 * edit) and /xml (send what was typed, or a template). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <jansson.h>

#include "natter/account.h"
#include "natter/bus.h"
#include "natter/capture.h"
#include "natter/cmd.h"
#include "natter/stanza.h"
#include "natter/xmpp.h"
#include "cmd-families.h"

/* Where a template's $to points when no JID is given. */
enum cmd_to_default { TO_SERVER, TO_SELF, TO_NEEDED, TO_NONE };

struct cmd_template {
	const char *name;
	const char *summary;
	enum cmd_to_default to;
	const char *xml; /* $to and $id are replaced */
};

static const struct cmd_template templates[] = {
	{ "disco-info", "what an entity supports (XEP-0030)", TO_SERVER,
	  "<iq type='get' to='$to' id='$id'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>" },
	{ "disco-items", "the items an entity lists (XEP-0030)", TO_SERVER,
	  "<iq type='get' to='$to' id='$id'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>" },
	{ "version", "software name and version (XEP-0092)", TO_SERVER,
	  "<iq type='get' to='$to' id='$id'><query xmlns='jabber:iq:version'/></iq>" },
	{ "ping", "a ping (XEP-0199)", TO_SERVER,
	  "<iq type='get' to='$to' id='$id'><ping xmlns='urn:xmpp:ping'/></iq>" },
	{ "time", "the entity's clock (XEP-0202)", TO_SERVER,
	  "<iq type='get' to='$to' id='$id'><time xmlns='urn:xmpp:time'/></iq>" },
	{ "vcard", "a vCard (XEP-0054); yours without a JID", TO_SELF,
	  "<iq type='get' to='$to' id='$id'><vCard xmlns='vcard-temp'/></iq>" },
	{ "mam", "the last 20 archived messages (XEP-0313); yours without a JID", TO_SELF,
	  "<iq type='set' to='$to' id='$id'><query xmlns='urn:xmpp:mam:2' queryid='$id'>"
	  "<set xmlns='http://jabber.org/protocol/rsm'><max>20</max><before/></set></query></iq>" },
	{ "probe", "ask the server for a contact's presence", TO_NEEDED,
	  "<presence type='probe' to='$to'/>" },
	{ "roster", "your roster", TO_NONE,
	  "<iq type='get' id='$id'><query xmlns='jabber:iq:roster'/></iq>" },
};

static GHashTable *user_templates; /* name -> xml */

/* The account a console command is about. */
static struct account *
cmd_console_account(struct cmd_ctx *ctx)
{
	if (ctx->account == NULL)
		cmd_error(ctx, "no account: add one with /account add NAME JID");
	return ctx->account;
}

/* Check xml and send it for ctx's account; reports either way. */
static int
cmd_console_send(struct cmd_ctx *ctx, const char *xml)
{
	struct account *acc = cmd_console_account(ctx);
	char *err = NULL, *id = NULL, *checked;

	if (acc == NULL)
		return -1;
	checked = stanza_check(xml, xconsole_id, &id, &err);
	if (checked == NULL) {
		int rc = cmd_error(ctx, "not sent: %s", err);
		g_free(err);
		return rc;
	}
	if (acc->state != ACC_ONLINE) {
		g_free(checked);
		g_free(id);
		return cmd_error(ctx, "not sent: account %s is not connected (/connect %s)",
		    acc->name, acc->name);
	}
	if (xconsole_send(acc, checked) != 0) {
		g_free(checked);
		g_free(id);
		return cmd_error(ctx, "not sent: account %s is not connected", acc->name);
	}
	if (id != NULL)
		cmd_info(ctx, "sent iq %s; its reply is paired with it in /console", id);
	else
		cmd_info(ctx, "sent %zu bytes", strlen(checked));
	g_free(checked);
	g_free(id);
	return 0;
}

static int
cmd_xml(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (argc == 0)
		return cmd_error(ctx, "/xml needs the XML to send, or template NAME [JID]");
	return cmd_console_send(ctx, argv[0]);
}

/* Replace $to and $id in xml (to free); to is escaped for an attribute. */
static char *
cmd_template_fill(const char *xml, const char *to)
{
	GString *out = g_string_new(NULL);
	char *id = xconsole_id();
	char *esc = g_markup_escape_text(to != NULL ? to : "", -1);

	for (const char *p = xml; *p != '\0'; p++) {
		if (g_str_has_prefix(p, "$to")) {
			g_string_append(out, esc);
			p += 2;
		} else if (g_str_has_prefix(p, "$id")) {
			g_string_append(out, id);
			p += 2;
		} else {
			g_string_append_c(out, *p);
		}
	}
	g_free(id);
	g_free(esc);
	return g_string_free(out, FALSE);
}

static const struct cmd_template *
cmd_template_find(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(templates); i++) {
		if (strcmp(templates[i].name, name) == 0)
			return &templates[i];
	}
	return NULL;
}

void
cmd_console_templates(const char *prefix, GPtrArray *out)
{
	for (size_t i = 0; i < G_N_ELEMENTS(templates); i++) {
		if (g_str_has_prefix(templates[i].name, prefix))
			g_ptr_array_add(out, g_strdup(templates[i].name));
	}
	if (user_templates != NULL) {
		GHashTableIter it;
		gpointer k;
		g_hash_table_iter_init(&it, user_templates);
		while (g_hash_table_iter_next(&it, &k, NULL)) {
			if (g_str_has_prefix(k, prefix) && cmd_template_find(k) == NULL)
				g_ptr_array_add(out, g_strdup(k));
		}
	}
}

/* List the templates as one info. */
static int
cmd_template_list(struct cmd_ctx *ctx)
{
	GString *s = g_string_new("templates (/xml template NAME [JID]):");
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

	for (size_t i = 0; i < G_N_ELEMENTS(templates); i++)
		g_string_append_printf(s, "\n  %-12s %s", templates[i].name, templates[i].summary);
	cmd_console_templates("", names);
	for (guint i = G_N_ELEMENTS(templates); i < names->len; i++)
		g_string_append_printf(s, "\n  %-12s %s", (char *)g_ptr_array_index(names, i),
		    (char *)g_hash_table_lookup(user_templates, g_ptr_array_index(names, i)));
	cmd_info(ctx, "%s", s->str);
	g_string_free(s, TRUE);
	g_ptr_array_free(names, TRUE);
	return 0;
}

static int
cmd_xml_template(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_template *t;
	const char *user = NULL, *to = argc > 1 ? argv[1] : NULL;
	char *xml, *domain = NULL;
	int rc;

	if (argc == 0)
		return cmd_template_list(ctx);
	if (strcmp(argv[0], "define") == 0) {
		/* define NAME XML: the XML is the rest */
		char *name, *body;
		const char *rest = argc > 1 ? argv[1] : "";
		size_t n = strcspn(rest, " \t");
		if (n == 0 || rest[n] == '\0')
			return cmd_error(ctx, "usage: /xml template define NAME XML");
		name = g_strndup(rest, n);
		body = g_strstrip(g_strdup(rest + n));
		if (user_templates == NULL)
			user_templates = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		g_hash_table_replace(user_templates, name, body);
		return 0;
	}
	t = cmd_template_find(argv[0]);
	if (t == NULL && user_templates != NULL)
		user = g_hash_table_lookup(user_templates, argv[0]);
	if (t == NULL && user == NULL)
		return cmd_error(ctx, "no template named '%s' (/xml template lists them)", argv[0]);
	if (cmd_console_account(ctx) == NULL)
		return -1;
	if (to != NULL && strchr(to, ' ') != NULL)
		return cmd_error(ctx, "'%s' is not a JID", to);
	if (to == NULL && t != NULL) {
		const char *at = strchr(ctx->account->jid, '@');
		switch (t->to) {
		case TO_SERVER:
			to = domain = g_strdup(at != NULL ? at + 1 : ctx->account->jid);
			break;
		case TO_SELF:
			to = ctx->account->jid;
			break;
		case TO_NEEDED:
			return cmd_error(ctx, "the %s template needs a JID: /xml template %s JID",
			    t->name, t->name);
		case TO_NONE:
			break;
		}
	} else if (to == NULL) {
		to = ctx->account->jid;
	}
	xml = cmd_template_fill(t != NULL ? t->xml : user, to);
	rc = cmd_console_send(ctx, xml);
	g_free(xml);
	g_free(domain);
	return rc;
}

/* ---- /console ---- */

static int
cmd_console(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct account *acc = argc > 0 ? account_find(argv[0]) : ctx->account;
	struct event *ev;

	if (argc > 0 && acc == NULL)
		return cmd_error(ctx, "no account or subcommand '%s' (/help console)", argv[0]);
	if (acc == NULL)
		return cmd_error(ctx, "no account: add one with /account add NAME JID");
	ev = event_new(EV_CONSOLE_OPEN, acc->name);
	bus_emit_free(ev);
	return 0;
}

static int
cmd_console_events(struct cmd_ctx *ctx, bool on)
{
	capture_view()->events = on;
	return 0;
}

static int
cmd_console_on(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_console_events(ctx, true);
}

static int
cmd_console_off(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_console_events(ctx, false);
}

static int
cmd_console_raw(struct cmd_ctx *ctx, int argc, char **argv)
{
	capture_view()->raw = true;
	return 0;
}

static int
cmd_console_pretty(struct cmd_ctx *ctx, int argc, char **argv)
{
	capture_view()->raw = false;
	return 0;
}

static int
cmd_console_pause(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct capture_view *v = capture_view();
	uint64_t first;

	if (!v->paused && ctx->account != NULL)
		capture_range(ctx->account->name, &first, &v->paused_last);
	v->paused = true;
	return 0;
}

static int
cmd_console_resume(struct cmd_ctx *ctx, int argc, char **argv)
{
	capture_view()->paused = false;
	return 0;
}

static const struct capture_entry *cmd_console_entry(struct cmd_ctx *ctx, const char *arg);

/* fold / unfold [N|all]: long elements on one line, or whole. */
static int
cmd_console_fold_to(struct cmd_ctx *ctx, int argc, char **argv, bool unfold)
{
	struct capture_view *v = capture_view();
	const struct capture_entry *e;
	gpointer key;

	if (argc == 0 || strcmp(argv[0], "all") == 0) {
		v->unfold_all = unfold;
		if (v->folds != NULL)
			g_hash_table_remove_all(v->folds);
		return 0;
	}
	e = cmd_console_entry(ctx, argv[0]);
	if (e == NULL)
		return -1;
	if (v->folds == NULL)
		v->folds = g_hash_table_new(g_direct_hash, g_direct_equal);
	key = GSIZE_TO_POINTER((gsize)e->seq);
	if (unfold != v->unfold_all)
		g_hash_table_add(v->folds, key);
	else
		g_hash_table_remove(v->folds, key);
	return 0;
}

static int
cmd_console_fold(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_console_fold_to(ctx, argc, argv, false);
}

static int
cmd_console_unfold(struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_console_fold_to(ctx, argc, argv, true);
}

static int
cmd_console_clear(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (cmd_console_account(ctx) == NULL)
		return -1;
	capture_clear(ctx->account->name);
	return 0;
}

/* /console filter [off | NAME | define NAME SPEC | SPEC] */
static int
cmd_console_filter(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct capture_filter *named;
	struct capture_filter *f;
	char *err = NULL;

	if (argc == 0) {
		struct capture_filter *cur = capture_view()->filter;
		GList *names = capture_filter_names();
		GString *s = g_string_new(cur != NULL ? "filter: " : "no filter");
		if (cur != NULL)
			g_string_append(s, capture_filter_spec(cur));
		for (GList *l = names; l != NULL; l = l->next)
			g_string_append_printf(s, "%s%s = %s", l == names ? "; named: " : ", ",
			    (char *)l->data, capture_filter_spec(capture_filter_named(l->data)));
		cmd_info(ctx, "%s", s->str);
		g_string_free(s, TRUE);
		g_list_free(names);
		return 0;
	}
	if (strcmp(argv[0], "off") == 0) {
		capture_view_set_filter(NULL);
		return 0;
	}
	if (g_str_has_prefix(argv[0], "define ") || strcmp(argv[0], "define") == 0) {
		const char *rest = argv[0] + strlen("define");
		char *name;
		size_t n;
		rest += strspn(rest, " \t");
		n = strcspn(rest, " \t");
		if (n == 0)
			return cmd_error(ctx, "usage: /console filter define NAME SPEC");
		name = g_strndup(rest, n);
		if (strcmp(name, "off") == 0 || strcmp(name, "define") == 0) {
			g_free(name);
			return cmd_error(ctx, "'off' and 'define' cannot name a filter");
		}
		if (capture_filter_define(name, rest + n, &err) != 0) {
			int rc = cmd_error(ctx, "filter %s not defined: %s", name, err);
			g_free(name);
			g_free(err);
			return rc;
		}
		g_free(name);
		return 0;
	}
	named = strchr(argv[0], ' ') == NULL ? capture_filter_named(argv[0]) : NULL;
	f = capture_filter_new(named != NULL ? capture_filter_spec(named) : argv[0], &err);
	if (f == NULL) {
		int rc = cmd_error(ctx, "no filter set: %s", err);
		g_free(err);
		return rc;
	}
	capture_view_set_filter(f);
	return 0;
}

/* Entry argv[0] ("N" or "#N") of ctx's account, or NULL after an error. */
static const struct capture_entry *
cmd_console_entry(struct cmd_ctx *ctx, const char *arg)
{
	const char *p = arg[0] == '#' ? arg + 1 : arg;
	char *end;
	unsigned long long n;
	const struct capture_entry *e;
	uint64_t first, last;

	if (cmd_console_account(ctx) == NULL)
		return NULL;
	errno = 0;
	n = strtoull(p, &end, 10);
	if (*p == '\0' || *end != '\0' || errno != 0 || n == 0) {
		cmd_error(ctx, "'%s' is not an element number", arg);
		return NULL;
	}
	e = capture_get(ctx->account->name, n);
	if (e == NULL) {
		capture_range(ctx->account->name, &first, &last);
		if (last == 0)
			cmd_error(ctx, "the console of %s holds nothing", ctx->account->name);
		else
			cmd_error(ctx, "no element #%llu: the console of %s holds #%llu to #%llu", n,
			    ctx->account->name, (unsigned long long)first, (unsigned long long)last);
	}
	return e;
}

static int
cmd_console_replay(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct capture_entry *e = cmd_console_entry(ctx, argv[0]);
	char *xml;
	int rc;

	if (e == NULL)
		return -1;
	if (e->redacted)
		return cmd_error(ctx, "#%s had credentials removed: it cannot be sent again", argv[0]);
	if (e->kind == CAP_STREAM)
		return cmd_error(ctx, "#%s is part of the stream's negotiation: only message, "
		    "presence and iq elements can be sent again", argv[0]);
	if (!e->out)
		return cmd_error(ctx, "#%s was received, not sent: /console edit %s sends a "
		    "changed copy", argv[0], argv[0]);
	xml = capture_xml(e);
	rc = cmd_console_send(ctx, xml);
	g_free(xml);
	return rc;
}

static int
cmd_console_edit(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct capture_entry *e = cmd_console_entry(ctx, argv[0]);
	struct event *ev;

	if (e == NULL)
		return -1;
	if (e->redacted)
		return cmd_error(ctx, "#%s had credentials removed: it cannot be edited", argv[0]);
	ev = event_new(EV_EDIT, ctx->account->name);
	ev->u.edit.text = capture_xml(e);
	ev->u.edit.command = g_strdup("/xml");
	bus_emit_free(ev);
	return 0;
}

static int
cmd_console_search(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct capture_view *v = capture_view();
	uint64_t first, last, hits = 0, latest = 0;

	if (cmd_console_account(ctx) == NULL)
		return -1;
	capture_range(ctx->account->name, &first, &last);
	for (uint64_t s = first; s <= last && last > 0; s++) {
		const struct capture_entry *e = capture_get(ctx->account->name, s);
		if (e != NULL && capture_filter_match(v->filter, e) && capture_contains(e, argv[0])) {
			hits++;
			latest = s;
		}
	}
	g_free(v->search);
	v->search = g_strdup(argv[0]);
	if (hits == 0)
		cmd_info(ctx, "'%s' is in no element%s", argv[0], v->filter != NULL ? " shown" : "");
	else
		cmd_info(ctx, "'%s' is in %llu element%s, the latest #%llu", argv[0],
		    (unsigned long long)hits, hits == 1 ? "" : "s", (unsigned long long)latest);
	return 0;
}

/* One saved element as JSON (to json_decref): time, account, dir, xml,
 * seq, and for a paired iq the other's seq and the round trip. */
static json_t *
cmd_console_json(const char *account, const struct capture_entry *e)
{
	json_t *o = json_object();
	char *text = capture_xml(e);
	char *xml = g_utf8_make_valid(text, -1);

	g_free(text);

	json_object_set_new(o, "time", json_real((double)e->time / 1e6));
	json_object_set_new(o, "account", json_string(account));
	json_object_set_new(o, "dir", json_string(e->out ? "out" : "in"));
	json_object_set_new(o, "xml", json_string(xml));
	json_object_set_new(o, "seq", json_integer((json_int_t)e->seq));
	if (e->pair != 0)
		json_object_set_new(o, "pair", json_integer((json_int_t)e->pair));
	if (e->rtt >= 0)
		json_object_set_new(o, "rtt_ms", json_real((double)e->rtt / 1000.0));
	g_free(xml);
	return o;
}

/* Write the filtered elements of account to path as JSON lines. */
static int
cmd_console_save(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct capture_view *v = capture_view();
	uint64_t first, last, n = 0;
	int fd;
	FILE *f;

	if (cmd_console_account(ctx) == NULL)
		return -1;
	/* protocol traffic is private: only the user may read the file */
	fd = open(argv[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0)
		(void)fchmod(fd, 0600); /* an existing file keeps its mode otherwise */
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		int rc = cmd_error(ctx, "cannot write %s: %s", argv[0], g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	capture_range(ctx->account->name, &first, &last);
	for (uint64_t s = first; s <= last && last > 0; s++) {
		const struct capture_entry *e = capture_get(ctx->account->name, s);
		json_t *o;
		if (e == NULL || !capture_filter_match(v->filter, e))
			continue;
		o = cmd_console_json(ctx->account->name, e);
		if (o != NULL) {
			json_dumpf(o, f, JSON_COMPACT);
			fputc('\n', f);
			json_decref(o);
			n++;
		}
	}
	if (fclose(f) != 0)
		return cmd_error(ctx, "cannot write %s: %s", argv[0], g_strerror(errno));
	cmd_info(ctx, "%llu element%s written to %s", (unsigned long long)n, n == 1 ? "" : "s",
	    argv[0]);
	return 0;
}

static const struct cmd console_sub[] = {
	{ .name = "on", .summary = "Report every element as a stanza event (headless).",
	  .fn = cmd_console_on },
	{ .name = "off", .summary = "Stop the stanza events.", .fn = cmd_console_off },
	{ .name = "raw", .summary = "Show each element on one line.", .fn = cmd_console_raw },
	{ .name = "pretty", .summary = "Show elements indented and coloured (the default).",
	  .fn = cmd_console_pretty },
	{ .name = "filter",
	  .args = { { "SPEC|NAME|off", COMPLETE_FILTER, CMD_ARG_OPTIONAL | CMD_ARG_REST, NULL } },
	  .summary = "Show only matching elements: in, out, message, presence, iq, stream, jid JID, "
	             "ns P=URI, xpath EXPR.",
	  .help = "Words combine: a direction and a kind both given must both match, several\n"
	          "kinds match any of them, and jid JID matches from or to (a bare JID every\n"
	          "resource).  xpath takes the rest of the line as an XPath 1.0 expression,\n"
	          "evaluated by libxml2 on each element; ns P=URI before it declares a prefix\n"
	          "(stanzas themselves are in no namespace: //message/body works as is).\n"
	          "\"define NAME SPEC\" keeps a filter under a name (put it in the config),\n"
	          "NAME applies it, off shows everything again; without arguments the filter\n"
	          "in use and the named ones are listed.",
	  .examples = { "/console filter in iq", "/console filter jid bob@example.org",
	                "/console filter ns r=jabber:iq:roster xpath //r:query",
	                "/console filter define mucs xpath //message[@type='groupchat']" },
	  .fn = cmd_console_filter },
	{ .name = "search",
	  .args = { { "TEXT", COMPLETE_NONE, CMD_ARG_REST, NULL } },
	  .summary = "Find TEXT in the elements shown; the window marks them.",
	  .fn = cmd_console_search },
	{ .name = "pause", .summary = "Hold the window still (capture goes on).",
	  .fn = cmd_console_pause },
	{ .name = "resume", .summary = "Follow new elements again.", .fn = cmd_console_resume },
	{ .name = "fold",
	  .args = { { "N|all", COMPLETE_NONE, CMD_ARG_OPTIONAL, NULL } },
	  .summary = "Show long element N (or all of them) on one line.",
	  .fn = cmd_console_fold },
	{ .name = "unfold",
	  .args = { { "N|all", COMPLETE_NONE, CMD_ARG_OPTIONAL, NULL } },
	  .summary = "Show element N (or all of them) whole.",
	  .fn = cmd_console_unfold },
	{ .name = "clear", .summary = "Forget the elements captured so far.",
	  .fn = cmd_console_clear },
	{ .name = "save",
	  .args = { { "FILE", COMPLETE_FILE, CMD_ARG_REST, NULL } },
	  .summary = "Write the elements shown to FILE as JSON lines (time, account, dir, xml).",
	  .help = "Credentials were removed when the elements were captured, so the file has\n"
	          "none.  The file is readable by you only.",
	  .fn = cmd_console_save },
	{ .name = "replay",
	  .args = { { "N", COMPLETE_NONE, 0, NULL } },
	  .summary = "Send element N (one you sent) again.",
	  .fn = cmd_console_replay },
	{ .name = "edit",
	  .args = { { "N", COMPLETE_NONE, 0, NULL } },
	  .summary = "Edit element N in $EDITOR and send the result (checked first).",
	  .fn = cmd_console_edit },
	{ .name = NULL }
};

static const struct cmd xml_sub[] = {
	{ .name = "template",
	  .args = { { "NAME", COMPLETE_TEMPLATE, CMD_ARG_OPTIONAL, NULL },
	            { "JID", COMPLETE_JID, CMD_ARG_OPTIONAL | CMD_ARG_REST, NULL } },
	  .summary = "Send a ready-made element (without NAME: list them).",
	  .help = "$to in a template becomes JID (by default your server, or you), $id a new\n"
	          "id.  \"define NAME XML\" adds your own template (put it in the config).",
	  .examples = { "/xml template disco-info conference.example.org", "/xml template ping",
	                "/xml template define last <iq type='get' to='$to' id='$id'>"
	                "<query xmlns='jabber:iq:last'/></iq>" },
	  .fn = cmd_xml_template },
	{ .name = NULL }
};

const struct cmd cmd_console_table[] = {
	{ .name = "console",
	  .args = { { "ACCOUNT", COMPLETE_ACCOUNT, CMD_ARG_OPTIONAL, NULL } },
	  .summary = "Open the raw-stanza console of ACCOUNT (default: the current one).",
	  .help = "Every element each account sends and receives is kept (the last\n"
	          "console_buffer of them), with SASL data and passwords removed, from the\n"
	          "stream's negotiation on.  Received elements are shown as libstrophe\n"
	          "parsed and wrote them again, not byte for byte.  An iq request is paired\n"
	          "with its reply and the round-trip time.  In the console window a typed\n"
	          "line is XML to send.",
	  .examples = { "/console", "/console work", "/console filter in message" },
	  .fn = cmd_console, .sub = console_sub, .own_args = true },
	{ .name = "xml",
	  .args = { { "RAW", COMPLETE_NONE, CMD_ARG_REST, NULL } },
	  .summary = "Send RAW, one XML element, after checking it.",
	  .help = "RAW must be one well-formed element: malformed XML, several elements, a\n"
	          "declaration, comment or DTD are refused with the parser's message and\n"
	          "nothing is sent.  An iq without an id gets one, and its reply is paired\n"
	          "with it in /console.",
	  .examples = { "/xml <presence/>",
	                "/xml <iq type='get' to='example.org'><query xmlns='jabber:iq:version'/></iq>" },
	  .fn = cmd_xml, .sub = xml_sub, .own_args = true },
	{ .name = NULL }
};
