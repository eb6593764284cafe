/* headless.c - the JSON-lines front end: commands from stdin, every
 * event to stdout as one JSON object, through one table of writers. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <jansson.h>

#include "natter/app.h"
#include "natter/bus.h"
#include "natter/capture.h"
#include "natter/cmd.h"
#include "natter/headless.h"
#include "natter/loop.h"

#define HEADLESS_LINE_MAX (1 << 20)

static GString *inbuf;
static unsigned sub;
static bool dirty;
static struct loop *hl_loop;

/* A JSON string for s (NULL -> null); invalid UTF-8 is repaired. */
static json_t *
headless_str(const char *s)
{
	json_t *j;
	char *fixed;

	if (s == NULL)
		return json_null();
	j = json_string(s);
	if (j != NULL)
		return j;
	fixed = g_utf8_make_valid(s, -1);
	j = json_string(fixed);
	g_free(fixed);
	return j != NULL ? j : json_null();
}

static void
headless_set(json_t *o, const char *key, const char *value)
{
	json_object_set_new(o, key, headless_str(value));
}

static void
headless_connected(json_t *o, const struct event *ev)
{
	headless_set(o, "jid", ev->u.connected.jid);
}

static void
headless_disconnected(json_t *o, const struct event *ev)
{
	headless_set(o, "kind", disc_kind_name(ev->u.disconnected.kind));
	headless_set(o, "reason", ev->u.disconnected.reason);
	if (ev->u.disconnected.fingerprint != NULL)
		headless_set(o, "fingerprint", ev->u.disconnected.fingerprint);
}

/* A message, or (a "retract" event) a retraction the store applied: the
 * message with id `retracts` (the store's `rowid`) was taken back. */
static void
headless_message(json_t *o, const struct event *ev)
{
	if (ev->u.message.retract_id != NULL) {
		json_object_set_new(o, "event", json_string("retract"));
		headless_set(o, "retract_id", ev->u.message.retract_id);
		headless_set(o, "retracts", ev->u.message.retracts);
		json_object_set_new(o, "rowid", json_integer(ev->u.message.retract_row));
		if (ev->u.message.moderated)
			json_object_set_new(o, "moderated", json_true());
	}
	headless_set(o, "dir", ev->u.message.out ? "out" : "in");
	headless_set(o, "from", ev->u.message.from);
	headless_set(o, "to", ev->u.message.to);
	headless_set(o, "type", ev->u.message.type);
	headless_set(o, "body", ev->u.message.body);
	headless_set(o, "id", ev->u.message.id);
	headless_set(o, "replace_id", ev->u.message.replace_id);
	json_object_set_new(o, "stamp", json_integer(ev->u.message.stamp));
	headless_set(o, "source", ev->u.message.source == MSG_CARBON ? "carbon"
	    : ev->u.message.source == MSG_ARCHIVE ? "archive" : "live");
	headless_set(o, "origin_id", ev->u.message.origin_id);
	headless_set(o, "stanza_id", ev->u.message.stanza_id);
	if (ev->u.message.delayed)
		json_object_set_new(o, "delayed", json_true());
}

static void
headless_archive_page(json_t *o, const struct event *ev)
{
	headless_set(o, "archive", ev->u.archive.archive);
	headless_set(o, "last_id", ev->u.archive.last_id);
	json_object_set_new(o, "count", json_integer(ev->u.archive.count));
	json_object_set_new(o, "complete", json_boolean(ev->u.archive.complete));
	json_object_set_new(o, "ok", json_boolean(ev->u.archive.ok));
}

/* history and search: a message from the store, or a search's summary. */
static void
headless_found(json_t *o, const struct event *ev)
{
	if (ev->u.found.summary) {
		json_object_set_new(o, "summary", json_true());
		headless_set(o, "query", ev->u.found.query);
		json_object_set_new(o, "count", json_integer(ev->u.found.n));
		json_object_set_new(o, "total", json_integer(ev->u.found.total));
		return;
	}
	headless_set(o, "conv", ev->u.found.conv);
	headless_set(o, "from", ev->u.found.from);
	headless_set(o, "to", ev->u.found.to);
	headless_set(o, "nick", ev->u.found.nick);
	headless_set(o, "body", ev->u.found.body);
	json_object_set_new(o, "stamp", json_integer(ev->u.found.stamp));
	headless_set(o, "dir", ev->u.found.out ? "out" : "in");
	headless_set(o, "type", ev->u.found.type);
	headless_set(o, "id", ev->u.found.id);
	json_object_set_new(o, "rowid", json_integer(ev->u.found.rowid));
	json_object_set_new(o, "n", json_integer(ev->u.found.n));
	if (ev->u.found.corrected)
		json_object_set_new(o, "corrected", json_true());
	if (ev->u.found.retracted)
		json_object_set_new(o, "retracted", json_true());
	if (ev->type == EV_SEARCH) {
		json_t *marks = json_array();
		for (unsigned i = 0; i < ev->u.found.n_marks; i++)
			json_array_append_new(marks, json_pack("[II]",
			    (json_int_t)ev->u.found.marks[2 * i],
			    (json_int_t)ev->u.found.marks[2 * i + 1]));
		json_object_set_new(o, "marks", marks);
		json_object_set_new(o, "total", json_integer(ev->u.found.total));
	}
}

static void
headless_presence(json_t *o, const struct event *ev)
{
	headless_set(o, "from", ev->u.presence.from);
	headless_set(o, "show", presence_show_name(ev->u.presence.show));
	headless_set(o, "status", ev->u.presence.status);
	json_object_set_new(o, "priority", json_integer(ev->u.presence.priority));
}

static void
headless_roster(json_t *o, const struct event *ev)
{
	json_t *groups = json_array();

	headless_set(o, "jid", ev->u.roster.jid);
	headless_set(o, "name", ev->u.roster.name);
	headless_set(o, "subscription", ev->u.roster.subscription);
	headless_set(o, "ask", ev->u.roster.ask);
	for (char **g = ev->u.roster.groups; g != NULL && *g != NULL; g++)
		json_array_append_new(groups, headless_str(*g));
	json_object_set_new(o, "groups", groups);
}

static void
headless_roster_end(json_t *o, const struct event *ev)
{
	headless_set(o, "ver", ev->u.roster_end.ver);
	json_object_set_new(o, "unchanged", json_boolean(ev->u.roster_end.unchanged));
}

static void
headless_subscription(json_t *o, const struct event *ev)
{
	headless_set(o, "from", ev->u.subscription.from);
	headless_set(o, "type", ev->u.subscription.type);
}

static void
headless_chatstate(json_t *o, const struct event *ev)
{
	headless_set(o, "from", ev->u.chatstate.from);
	headless_set(o, "state", ev->u.chatstate.state);
}

static void
headless_receipt(json_t *o, const struct event *ev)
{
	headless_set(o, "from", ev->u.receipt.from);
	headless_set(o, "id", ev->u.receipt.id);
}

static void
headless_info(json_t *o, const struct event *ev)
{
	headless_set(o, "command", ev->u.info.command);
	headless_set(o, "message", ev->u.info.message);
}

static void
headless_error(json_t *o, const struct event *ev)
{
	headless_set(o, "message", ev->u.error.message);
	if (ev->u.error.command != NULL)
		headless_set(o, "command", ev->u.error.command);
	if (ev->u.error.id != NULL)
		headless_set(o, "id", ev->u.error.id);
	if (ev->u.error.condition != NULL)
		headless_set(o, "condition", ev->u.error.condition);
	if (ev->u.error.jid != NULL)
		headless_set(o, "jid", ev->u.error.jid);
}

/* joining, joined, subject, left: which room, and what about it. */
static void
headless_room(json_t *o, const struct event *ev)
{
	headless_set(o, "room", ev->u.room.room);
	if (ev->type != EV_SUBJECT || ev->u.room.nick != NULL)
		headless_set(o, "nick", ev->u.room.nick);
	if (ev->type == EV_SUBJECT)
		headless_set(o, "subject", ev->u.room.text);
	else if (ev->u.room.text != NULL)
		headless_set(o, "reason", ev->u.room.text);
	if (ev->u.room.why != NULL)
		headless_set(o, "why", ev->u.room.why);
}

static void
headless_occupant(json_t *o, const struct event *ev)
{
	headless_set(o, "room", ev->u.occupant.room);
	headless_set(o, "nick", ev->u.occupant.nick);
	headless_set(o, "jid", ev->u.occupant.jid);
	headless_set(o, "role", ev->u.occupant.role);
	headless_set(o, "affiliation", ev->u.occupant.affiliation);
	headless_set(o, "show", presence_show_name(ev->u.occupant.show));
	headless_set(o, "status", ev->u.occupant.status);
	json_object_set_new(o, "self", json_boolean(ev->u.occupant.self));
	json_object_set_new(o, "initial", json_boolean(ev->u.occupant.initial));
	if (ev->u.occupant.why != NULL)
		headless_set(o, "why", ev->u.occupant.why);
	if (ev->u.occupant.new_nick != NULL)
		headless_set(o, "new_nick", ev->u.occupant.new_nick);
	if (ev->u.occupant.reason != NULL)
		headless_set(o, "reason", ev->u.occupant.reason);
}

/* The element of an EV_STANZA: the capture took it first, so it is the
 * ring's newest entry of the account. */
static void
headless_stanza(json_t *o, const struct event *ev)
{
	uint64_t first, last;
	const struct capture_entry *e;
	char *xml;

	capture_range(ev->account, &first, &last);
	e = capture_get(ev->account, last);
	if (e == NULL)
		return;
	xml = capture_xml(e);
	headless_set(o, "dir", e->out ? "out" : "in");
	headless_set(o, "xml", xml);
	json_object_set_new(o, "time", json_real((double)e->time / 1e6));
	json_object_set_new(o, "size", json_integer((json_int_t)e->size));
	json_object_set_new(o, "seq", json_integer((json_int_t)e->seq));
	if (e->pair != 0)
		json_object_set_new(o, "pair", json_integer((json_int_t)e->pair));
	if (e->rtt >= 0)
		json_object_set_new(o, "rtt_ms", json_real((double)e->rtt / 1000.0));
	g_free(xml);
}

/* Writers per event; NULL: the event stays inside natter. */
static void (*const writers[EV_COUNT])(json_t *, const struct event *) = {
	[EV_CONNECTED] = headless_connected,
	[EV_DISCONNECTED] = headless_disconnected,
	[EV_MESSAGE] = headless_message,
	[EV_ARCHIVE_PAGE] = headless_archive_page,
	[EV_PRESENCE] = headless_presence,
	[EV_ROSTER] = headless_roster,
	[EV_ROSTER_END] = headless_roster_end,
	[EV_SUBSCRIPTION] = headless_subscription,
	[EV_CHATSTATE] = headless_chatstate,
	[EV_RECEIPT] = headless_receipt,
	[EV_JOINING] = headless_room,
	[EV_JOINED] = headless_room,
	[EV_OCCUPANT] = headless_occupant,
	[EV_SUBJECT] = headless_room,
	[EV_LEFT] = headless_room,
	[EV_STANZA] = headless_stanza,
	[EV_INFO] = headless_info,
	[EV_ERROR] = headless_error,
	[EV_HISTORY] = headless_found,
	[EV_SEARCH] = headless_found,
};

static bool
headless_printed(enum event_type t)
{
	return t == EV_CONNECTING || (t < EV_COUNT && writers[t] != NULL);
}

static void
headless_on_event(const struct event *ev, void *unused)
{
	json_t *o;

	if (ev->type == EV_CONSOLE_OPEN || ev->type == EV_EDIT) {
		/* things only a terminal can show */
		bus_error(ev->account, ev->type == EV_EDIT ? "console edit" : "console",
		    ev->type == EV_EDIT
		    ? "there is no editor without a terminal: send the XML with /xml"
		    : "there is no console window without a terminal: /console on streams "
		      "every element as a stanza event");
		return;
	}
	if (!headless_printed(ev->type))
		return;
	if (ev->type == EV_STANZA && !capture_view()->events)
		return;
	o = json_object();
	json_object_set_new(o, "event", json_string(event_type_name(ev->type)));
	if (ev->account != NULL)
		headless_set(o, "account", ev->account);
	if (writers[ev->type] != NULL)
		writers[ev->type](o, ev);
	json_dumpf(o, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(o);
	dirty = true;
}

void
headless_flush(void)
{
	if (dirty)
		fflush(stdout);
	dirty = false;
}

/* Run every complete line in the input buffer. */
static void
headless_lines(void)
{
	char *nl;

	while ((nl = memchr(inbuf->str, '\n', inbuf->len)) != NULL) {
		size_t len = (size_t)(nl - inbuf->str);
		char *line = g_strndup(inbuf->str, len);
		g_string_erase(inbuf, 0, (gssize)len + 1);
		g_strchomp(line);
		if (!g_utf8_validate(line, -1, NULL))
			bus_error(NULL, "input", "the line is not valid UTF-8: ignored");
		else if (*g_strchug(line) != '\0')
			cmd_run(line, NULL, 0);
		memset(line, 0, len);
		g_free(line);
	}
	if (inbuf->len > HEADLESS_LINE_MAX) {
		bus_error(NULL, "input", "a line longer than %d bytes was ignored", HEADLESS_LINE_MAX);
		g_string_truncate(inbuf, 0);
	}
}

static void
headless_on_stdin(int fd, short revents, void *unused)
{
	char buf[65536];
	ssize_t n;
	int err = 0;

	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n > 0) {
			g_string_append_len(inbuf, buf, n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		err = n < 0 ? errno : 0; /* the commands run next may change errno */
		break;
	}
	headless_lines();
	if (n == 0 || (n < 0 && err != EAGAIN && err != EWOULDBLOCK)) {
		/* end of input: the last line may lack its newline */
		if (inbuf->len > 0) {
			g_string_append_c(inbuf, '\n');
			headless_lines();
		}
		loop_fd_remove(hl_loop, fd);
		cmd_run("/quit", NULL, 0);
	}
}

void
headless_start(struct loop *loop)
{
	hl_loop = loop;
	inbuf = g_string_new(NULL);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
	sub = bus_subscribe(EV_ANY, headless_on_event, NULL);
	loop_fd_add(loop, STDIN_FILENO, POLLIN, headless_on_stdin, NULL);
}

void
headless_stop(void)
{
	headless_flush();
	bus_unsubscribe(sub);
	if (inbuf != NULL) {
		memset(inbuf->str, 0, inbuf->len);
		g_string_free(inbuf, TRUE);
	}
	inbuf = NULL;
}
