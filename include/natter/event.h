/* event.h - the catalogue of core events.
 *
 * Session threads build events (plain C, no libstrophe types) and queue
 * them to the main thread, which emits them on the bus (bus.h).  Commands
 * emit EV_INFO and EV_ERROR the same way, so every front end shows
 * results alike.  An event owns all its strings; event_free frees them.
 *
 *   event              members (u.*)                  emitted when
 *   EV_CONNECTING      -                              a connect starts
 *   EV_CONNECTED       connected.jid                  bound and ready
 *   EV_DISCONNECTED    disconnected.kind/reason/fp    session over
 *   EV_MESSAGE         message.*                      chat/normal/groupchat in or
 *                                                     out, live, as a carbon or from
 *                                                     an archive (message.source);
 *                                                     replace_id set: a correction
 *                                                     (XEP-0308) of that message;
 *                                                     retract_id set: a retraction
 *                                                     (XEP-0424) of one
 *   EV_ARCHIVE_PAGE    archive.*                      a page of an archive query
 *                                                     (XEP-0313) was delivered: its
 *                                                     messages came just before
 *   EV_PRESENCE        presence.*                     a contact's resource
 *   EV_ROSTER          roster.*                       item fetched or pushed
 *   EV_ROSTER_END      roster_end.ver/unchanged       the login fetch ended
 *   EV_SUBSCRIPTION    subscription.from/type         a request from a contact
 *   EV_CHATSTATE       chatstate.from/state           a contact is typing, paused,
 *                                                     ... (XEP-0085)
 *   EV_RECEIPT         receipt.from/id                a contact's client got our
 *                                                     message id (XEP-0184)
 *   EV_INFO            info.command/message           command output
 *   EV_ERROR           error.*                        a command or stanza failed
 *   EV_HISTORY         found.*                        /history: one stored message
 *   EV_SEARCH          found.*                        /search: one hit (numbered from
 *                                                     1), then one with summary set
 *   EV_CHAT_OPEN       chat.jid                       /msg JID without text
 *   EV_JOINING         room.room/nick                 /join sent our presence to
 *                                                     a room (typed, not a rejoin)
 *   EV_JOINED          room.room/nick                 the room sent our own presence
 *                                                     back: we are in (XEP-0045)
 *   EV_OCCUPANT        occupant.*                     someone in a room came, changed,
 *                                                     left (show PRES_OFFLINE), or
 *                                                     changed nick (new_nick)
 *   EV_SUBJECT         room.room/nick/text            the room's subject (nick: who
 *                                                     set it, NULL: the room)
 *   EV_LEFT            room.room/text/why             we are out of a room: why is
 *                                                     left, kicked, banned, removed,
 *                                                     shutdown or error (a
 *                                                     disconnect says nothing per
 *                                                     room: rooms are rejoined)
 *   EV_STANZA          stanza.packed                  an element went over the wire
 *                                                     (captured from libstrophe's log,
 *                                                     credentials already removed)
 *   EV_CONSOLE_OPEN    -                              /console [ACCOUNT]: show the
 *                                                     raw-stanza console
 *   EV_EDIT            edit.text/command              edit text in $EDITOR, then run
 *                                                     "command RESULT" (front ends
 *                                                     with a terminal)
 *   EV_RECEIPT_ASK     receipt.from/id                a contact asked for a receipt
 *                                                     (internal to src/xmpp: the main
 *                                                     thread checks the roster)
 *   EV_ACCOUNT_ADDED   -                              /account add (internal)
 *   EV_SESSION_ENDED   -                              thread done (internal)
 */
#ifndef NATTER_EVENT_H
#define NATTER_EVENT_H

#include <stdbool.h>
#include <stdint.h>

struct capture_packed;

enum event_type {
	EV_CONNECTING,
	EV_CONNECTED,
	EV_DISCONNECTED,
	EV_MESSAGE,
	EV_ARCHIVE_PAGE,
	EV_PRESENCE,
	EV_ROSTER,
	EV_ROSTER_END,
	EV_SUBSCRIPTION,
	EV_CHATSTATE,
	EV_RECEIPT,
	EV_INFO,
	EV_ERROR,
	EV_HISTORY,
	EV_SEARCH,
	EV_CHAT_OPEN,
	EV_JOINING,
	EV_JOINED,
	EV_OCCUPANT,
	EV_SUBJECT,
	EV_LEFT,
	EV_STANZA,
	EV_CONSOLE_OPEN,
	EV_EDIT,
	EV_RECEIPT_ASK,
	EV_ACCOUNT_ADDED,
	EV_SESSION_ENDED,
	EV_COUNT
};

/* How a message reached us. */
enum msg_source {
	MSG_LIVE,     /* sent or received in this session */
	MSG_CARBON,   /* a copy from the server of what another of our clients
	               * sent or received (XEP-0280) */
	MSG_ARCHIVE   /* from a message archive (XEP-0313): a gap being filled */
};

/* Why a session ended. */
enum disc_kind {
	DISC_USER,        /* /disconnect, /quit */
	DISC_NETWORK,     /* refused, reset, DNS */
	DISC_TIMEOUT,     /* no answer in time (connect or keepalive) */
	DISC_TLS,         /* TLS unavailable or failed; nothing was sent */
	DISC_CERTIFICATE, /* certificate not trusted */
	DISC_AUTH,        /* authentication failed */
	DISC_STREAM,      /* the server closed the stream with an error */
	DISC_CONFIG       /* the account cannot be used as configured */
};

/* A contact's availability; PRES_OFFLINE for unavailable. */
enum presence_show {
	PRES_OFFLINE,
	PRES_ONLINE,
	PRES_CHAT,
	PRES_AWAY,
	PRES_XA,
	PRES_DND
};

struct event {
	enum event_type type;
	char *account;
	union {
		struct {
			char *jid;
		} connected;
		struct {
			enum disc_kind kind;
			char *reason;
			char *fingerprint; /* DISC_CERTIFICATE only */
		} disconnected;
		struct {
			bool out;
			char *from, *to, *type, *body, *id, *thread;
			char *replace_id; /* the id this corrects (XEP-0308), or NULL */
			int64_t stamp; /* seconds since the epoch, UTC */
			enum msg_source source;
			char *origin_id;   /* XEP-0359, as the sender set it */
			char *stanza_id;   /* XEP-0359, set by the archive named by */
			char *stanza_by;   /* (our bare JID, or the room); for archived
			                    * messages the archive's id */
			char *occupant_id; /* XEP-0421, in rooms */
			bool delayed;      /* it carried a delay (XEP-0203): old news */
			/* a retraction (XEP-0424; body: its fallback text, if any)
			 * of the message with this origin-id (chats) or stanza-id
			 * (rooms); moderated: by the room (XEP-0425).  The store,
			 * which sees it first, drops one it cannot apply and
			 * fills in the message's id and row */
			char *retract_id;
			bool moderated;
			char *retracts;
			int64_t retract_row;
			/* set by the store's filter: it holds no copy of this
			 * message, so no window shows one either (windows show
			 * what the store holds, or what came in this run) */
			bool unseen;
		} message;
		struct {
			char *archive;   /* the archive's JID: ours (bare) or a room's */
			char *last_id;   /* the newest archive id delivered so far */
			int64_t last_stamp;
			unsigned count;  /* messages in this page */
			bool complete;   /* nothing more to fetch */
			bool ok;         /* false: the query failed (error says why) */
		} archive;
		struct {
			char *from; /* full JID */
			enum presence_show show;
			char *status;
			int priority;
		} presence;
		struct {
			char *jid, *name, *subscription, *ask;
			char **groups; /* NULL-terminated, may be NULL */
			bool fetched;  /* part of a full roster result */
		} roster;
		struct {
			char *ver;
			bool unchanged; /* the server said our cached version is current */
		} roster_end;
		struct {
			char *from, *type;
		} subscription;
		struct {
			char *from;  /* full JID */
			char *state; /* active, composing, paused, inactive or gone */
		} chatstate;
		struct {
			char *from; /* full JID of the contact's client */
			char *id;   /* the id of the message we sent */
		} receipt;
		struct {
			char *jid; /* bare, or ROOM/NICK: a room occupant */
		} chat;
		struct {
			char *room; /* bare JID */
			char *nick; /* ours (joining, joined), the setter (subject) */
			char *text; /* the subject; why we left, for people */
			char *why;  /* EV_LEFT: one word (see above) */
		} room;
		struct {
			char *room;        /* bare JID */
			char *nick;
			char *jid;         /* real JID when the room shows it, else NULL */
			char *role;        /* moderator, participant, visitor, none */
			char *affiliation; /* owner, admin, member, outcast, none */
			char *status;
			char *new_nick;    /* leaving only to come back as new_nick */
			char *why;         /* leaving: left, kicked, banned, removed, nick */
			char *reason;      /* a moderator's reason, or NULL */
			enum presence_show show; /* PRES_OFFLINE: gone */
			bool self;         /* this is us */
			bool initial;      /* part of the list a room sends as we join */
		} occupant;
		struct {
			/* one element (or stream header), redacted, as packed by
			 * the session thread: capture.h reads it; the ring keeps it */
			struct capture_packed *packed;
		} stanza;
		struct {
			char *text;    /* what the editor starts with */
			char *command; /* e.g. "/xml": run with the edited text */
		} edit;
		struct {
			/* a message from the store (history.h), copied */
			char *conv, *from, *to, *type, *body, *id, *nick;
			char *query;      /* EV_SEARCH: the search as typed */
			int64_t rowid, stamp;
			unsigned n;       /* its number, from 1; a summary: how many came */
			unsigned total;   /* EV_SEARCH: the hits in all */
			unsigned *marks;  /* EV_SEARCH: n_marks pairs (start, end) of byte */
			unsigned n_marks; /* offsets of the matching words in body */
			bool out, corrected, retracted;
			bool summary;     /* the end of a list: no message, n and total */
		} found;
		struct {
			char *command, *message;
		} info;
		struct {
			char *command, *message;
			char *id, *condition, *jid; /* for a stanza the server bounced */
		} error;
	} u;
};

/* A zeroed event of type for account (copied; may be NULL). */
struct event *event_new(enum event_type type, const char *account);
void event_free(struct event *ev);

const char *event_type_name(enum event_type type);
const char *disc_kind_name(enum disc_kind kind);
const char *presence_show_name(enum presence_show show);
/* Parse "online", "chat", "away", "xa", "dnd" (and "offline"); -1 if none. */
int presence_show_parse(const char *s);

#endif
