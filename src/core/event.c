/* event.c - allocation and names of core events. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "natter/capture.h"
#include "natter/event.h"

static const char *const event_names[EV_COUNT] = {
	[EV_CONNECTING] = "connecting",
	[EV_CONNECTED] = "connected",
	[EV_DISCONNECTED] = "disconnected",
	[EV_MESSAGE] = "message",
	[EV_ARCHIVE_PAGE] = "archive_page",
	[EV_PRESENCE] = "presence",
	[EV_ROSTER] = "roster",
	[EV_ROSTER_END] = "roster_end",
	[EV_SUBSCRIPTION] = "subscription",
	[EV_CHATSTATE] = "chatstate",
	[EV_RECEIPT] = "receipt",
	[EV_INFO] = "info",
	[EV_ERROR] = "error",
	[EV_HISTORY] = "history",
	[EV_SEARCH] = "search",
	[EV_CHAT_OPEN] = "chat_open",
	[EV_JOINING] = "joining",
	[EV_JOINED] = "joined",
	[EV_OCCUPANT] = "occupant",
	[EV_SUBJECT] = "subject",
	[EV_LEFT] = "left",
	[EV_STANZA] = "stanza",
	[EV_CONSOLE_OPEN] = "console_open",
	[EV_EDIT] = "edit",
	[EV_RECEIPT_ASK] = "receipt_ask",
	[EV_ACCOUNT_ADDED] = "account_added",
	[EV_SESSION_ENDED] = "session_ended",
};

static const char *const disc_names[] = {
	[DISC_USER] = "user",
	[DISC_NETWORK] = "network",
	[DISC_TIMEOUT] = "timeout",
	[DISC_TLS] = "tls",
	[DISC_CERTIFICATE] = "certificate",
	[DISC_AUTH] = "auth",
	[DISC_STREAM] = "stream",
	[DISC_CONFIG] = "config",
};

static const char *const show_names[] = {
	[PRES_OFFLINE] = "offline",
	[PRES_ONLINE] = "online",
	[PRES_CHAT] = "chat",
	[PRES_AWAY] = "away",
	[PRES_XA] = "xa",
	[PRES_DND] = "dnd",
};

struct event *
event_new(enum event_type type, const char *account)
{
	struct event *ev = g_new0(struct event, 1);

	ev->type = type;
	ev->account = g_strdup(account);
	return ev;
}

void
event_free(struct event *ev)
{
	if (ev == NULL)
		return;
	switch (ev->type) {
	case EV_CONNECTED:
		g_free(ev->u.connected.jid);
		break;
	case EV_DISCONNECTED:
		g_free(ev->u.disconnected.reason);
		g_free(ev->u.disconnected.fingerprint);
		break;
	case EV_MESSAGE:
		g_free(ev->u.message.from);
		g_free(ev->u.message.to);
		g_free(ev->u.message.type);
		g_free(ev->u.message.body);
		g_free(ev->u.message.id);
		g_free(ev->u.message.thread);
		g_free(ev->u.message.replace_id);
		g_free(ev->u.message.origin_id);
		g_free(ev->u.message.stanza_id);
		g_free(ev->u.message.stanza_by);
		g_free(ev->u.message.occupant_id);
		g_free(ev->u.message.retract_id);
		g_free(ev->u.message.retracts);
		break;
	case EV_ARCHIVE_PAGE:
		g_free(ev->u.archive.archive);
		g_free(ev->u.archive.last_id);
		break;
	case EV_PRESENCE:
		g_free(ev->u.presence.from);
		g_free(ev->u.presence.status);
		break;
	case EV_ROSTER:
		g_free(ev->u.roster.jid);
		g_free(ev->u.roster.name);
		g_free(ev->u.roster.subscription);
		g_free(ev->u.roster.ask);
		g_strfreev(ev->u.roster.groups);
		break;
	case EV_ROSTER_END:
		g_free(ev->u.roster_end.ver);
		break;
	case EV_SUBSCRIPTION:
		g_free(ev->u.subscription.from);
		g_free(ev->u.subscription.type);
		break;
	case EV_CHATSTATE:
		g_free(ev->u.chatstate.from);
		g_free(ev->u.chatstate.state);
		break;
	case EV_RECEIPT:
	case EV_RECEIPT_ASK:
		g_free(ev->u.receipt.from);
		g_free(ev->u.receipt.id);
		break;
	case EV_CHAT_OPEN:
		g_free(ev->u.chat.jid);
		break;
	case EV_JOINING:
	case EV_JOINED:
	case EV_SUBJECT:
	case EV_LEFT:
		g_free(ev->u.room.room);
		g_free(ev->u.room.nick);
		g_free(ev->u.room.text);
		g_free(ev->u.room.why);
		break;
	case EV_OCCUPANT:
		g_free(ev->u.occupant.room);
		g_free(ev->u.occupant.nick);
		g_free(ev->u.occupant.jid);
		g_free(ev->u.occupant.role);
		g_free(ev->u.occupant.affiliation);
		g_free(ev->u.occupant.status);
		g_free(ev->u.occupant.new_nick);
		g_free(ev->u.occupant.why);
		g_free(ev->u.occupant.reason);
		break;
	case EV_STANZA:
		capture_packed_free(ev->u.stanza.packed);
		break;
	case EV_EDIT:
		g_free(ev->u.edit.text);
		g_free(ev->u.edit.command);
		break;
	case EV_HISTORY:
	case EV_SEARCH:
		g_free(ev->u.found.conv);
		g_free(ev->u.found.from);
		g_free(ev->u.found.to);
		g_free(ev->u.found.type);
		g_free(ev->u.found.body);
		g_free(ev->u.found.id);
		g_free(ev->u.found.nick);
		g_free(ev->u.found.query);
		g_free(ev->u.found.marks);
		break;
	case EV_INFO:
		g_free(ev->u.info.command);
		g_free(ev->u.info.message);
		break;
	case EV_ERROR:
		g_free(ev->u.error.command);
		g_free(ev->u.error.message);
		g_free(ev->u.error.id);
		g_free(ev->u.error.condition);
		g_free(ev->u.error.jid);
		break;
	default:
		break;
	}
	g_free(ev->account);
	g_free(ev);
}

const char *
event_type_name(enum event_type type)
{
	return type < EV_COUNT ? event_names[type] : "?";
}

const char *
disc_kind_name(enum disc_kind kind)
{
	return (size_t)kind < G_N_ELEMENTS(disc_names) ? disc_names[kind] : "?";
}

const char *
presence_show_name(enum presence_show show)
{
	return (size_t)show < G_N_ELEMENTS(show_names) ? show_names[show] : "?";
}

int
presence_show_parse(const char *s)
{
	for (size_t i = 0; s != NULL && i < G_N_ELEMENTS(show_names); i++) {
		if (strcmp(s, show_names[i]) == 0)
			return (int)i;
	}
	return -1;
}
