/* session.h - private to src/xmpp: one account's session thread.
 *
 * Threading rules: everything in struct session below "session thread
 * only" is touched by the session thread alone; the main thread reads the
 * fields above it, which are set before the thread starts, plus the two
 * atomics.  The thread talks to the main thread only through the two
 * queues: requests (struct session_req) in, events (struct event) out.
 */
#ifndef NATTER_XMPP_SESSION_H
#define NATTER_XMPP_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <strophe.h>

#include "natter/account.h"
#include "natter/event.h"

struct loop;
struct tqueue;
struct session;

typedef void (*session_req_fn)(struct session *s, void *arg);

struct session_req {
	session_req_fn fn;
	void *arg;
	void (*free_arg)(void *arg);
};

struct session {
	/* set by the main thread before the thread starts */
	char *account;       /* account name, for events */
	char *jid;           /* bare JID */
	char *resource;
	char *password;      /* wiped once handed to libstrophe */
	char *password_cmd;
	char *server;
	int port;
	enum tls_mode tls;
	char *ca_file;
	char *pin;
	char *roster_ver;    /* cached roster version, or NULL */
	enum presence_show show;
	char *status;
	unsigned connect_timeout, keepalive_interval, keepalive_timeout, iq_timeout; /* seconds */
	struct tqueue *requests;
	struct tqueue *events;
	GThread *thread;

	/* shared */
	gint fd;             /* the socket, or -1 (atomic) */
	gint abort_seen;     /* the thread took the abort request (atomic) */
	gint forced;         /* the main thread shut the socket down (atomic) */

	/* main thread only */
	unsigned watchdog;   /* timer on the main loop */
	bool over;           /* EV_DISCONNECTED seen: only the thread's exit remains */
	bool ended;

	/* session thread only */
	struct loop *loop;
	GPtrArray *outbox;   /* events waiting for session_flush */
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	xmpp_log_t log;
	char *bound_jid;
	bool tcp_pending;    /* waiting for the TCP connect to complete */
	bool connected;      /* XMPP_CONN_CONNECT fired */
	bool closing;        /* we asked for the stream to close */
	bool rosterver;      /* the server offers roster versioning */
	bool presence_sent;  /* our initial presence is out */
	bool sasl_locked;    /* holds tap.c's SASL lock until xmpp_run_once returns */
	bool sasl_failed;
	char *sasl_condition;
	bool starttls_missing;
	bool tls_setup_failed; /* libstrophe could not create its TLS context */
	bool no_mechanism;
	bool cert_refused;
	char *cert_error, *cert_fingerprint, *cert_subject;
	bool timed_out;
	char *timeout_what;
	int sock_error;
	char *failure;       /* a local failure found before connecting */
	enum disc_kind failure_kind;
	unsigned tick;       /* drives libstrophe's own timers while negotiating */
	uint64_t last_rx;
	unsigned keepalive;
	GHashTable *iqs;     /* id -> struct xiq_pending */
	GHashTable *sent;    /* message id -> recipient, for bounces and receipts */
	GQueue *sent_order;
	GHashTable *last_sent; /* bare JID -> last message sent there (xmessage.c) */
	GHashTable *received;  /* (sender, id) of messages received, for corrections */
	GQueue *received_order;
	GHashTable *archived;  /* "by id" of the stanza-ids reported this session:
	                        * a message delivered live (or from offline
	                        * storage) and by the archive is reported once */
	GQueue *archived_order;
	int64_t clock_offset; /* the server's clock minus ours, in seconds (xtime.c;
	                       * 0 until known, or when they agree) */
	char *mam_last_id;   /* newest id of our archive we hold (set before the
	                      * thread starts; then session thread only) */
	int64_t mam_last_stamp; /* its time */
	GHashTable *mam_queries; /* queryid -> struct xmam_query (xmam.c) */
	GHashTable *rooms;   /* bare room JID -> struct xmuc_room (xmuc.c); seeded
	                      * by session_connect from the core's rooms */
};

/* The session of the calling session thread (libstrophe 0.12.2 gives
 * some callbacks no user data; each thread owns exactly one session). */
extern __thread struct session *session_self;

/* Queue ev (ownership passes) to the main thread.  On the session thread
 * it leaves with the others of the same pass (session_flush). */
void session_emit(struct session *s, struct event *ev);
/* Hand the events emitted so far to the main thread, with one wake-up. */
void session_flush(struct session *s);
/* A random, unpredictable id (to free). */
char *session_id_new(void);
/* Our own bare JID as bound (or configured). */
const char *session_bare(struct session *s);
/* Ask the session thread to run fn(arg); -1 (arg freed) when acc has no
 * session online. */
int session_request(struct account *acc, session_req_fn fn, void *arg, void (*free_arg)(void *));
/* Start or stop the tick that drives libstrophe's timers. */
void session_tick(struct session *s, bool on);
/* Close the stream politely (session thread). */
void session_close(struct session *s);
/* Drop the connection at once, without a closing handshake: for a server
 * that stopped answering (session thread). */
void session_drop(struct session *s);

/* connect.c */
/* Trust the system's CA certificates through OpenSSL's hashed directory,
 * which it reads one certificate at a time when a chain needs it, rather
 * than the bundle file, which libstrophe's default verify paths would
 * parse whole for every connection (about 140 certificates: 40 ms and
 * 0.7 MB resident per session).  Only where the directory is hashed (it
 * holds the same certificates: Debian's update-ca-certificates writes
 * both) and the user set neither SSL_CERT_FILE nor SSL_CERT_DIR; children
 * do not inherit the change.  Main thread, before any session starts. */
void xconnect_trust_init(void);
int xconnect_start(struct session *s);
void xconnect_report(struct session *s);

/* tap.c: libstrophe's log: failure clues, redacted debug log */
void tap_log(void *userdata, xmpp_log_level_t level, const char *area, const char *msg);
/* Release the SASL lock if this session took it during xmpp_run_once. */
void tap_sasl_unlock(struct session *s);
/* A copy of xml with SASL payloads and passwords replaced by a marker. */
char *tap_redact(const char *xml);

/* srv.c: DNS SRV lookup (blocking; session thread only) */
int srv_lookup(const char *service, const char *domain, char **host, unsigned short *port);

/* xiq.c: requests we send and requests we answer */
typedef void (*xiq_reply_fn)(struct session *s, xmpp_stanza_t *reply, void *arg);
typedef void (*xiq_get_fn)(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *child);
void xiq_init(struct session *s);
void xiq_free(struct session *s);
/* Send iq (an id is set; to may be NULL for our account); fn gets the
 * reply, or NULL after timeout_s seconds; free_arg (may be NULL) frees arg
 * afterwards, or when the session ends first.  The caller keeps iq. */
void xiq_send(struct session *s, xmpp_stanza_t *iq, const char *to, unsigned timeout_s,
    xiq_reply_fn fn, void *arg, void (*free_arg)(void *));
/* Reply to a request: a result (payload may be NULL) or an error. */
void xiq_result(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *payload);
void xiq_error(struct session *s, xmpp_stanza_t *iq, const char *type, const char *condition);
/* True when a reply from `from` may answer a request sent to `to`.  A
 * request with no `to` went to our own account and is answered by the
 * server on its behalf: from absent, our bare JID or our full JID.  A reply
 * with no from counts as coming from our bare JID. */
bool xiq_reply_from_ok(const char *own_bare, const char *own_full, const char *to,
    const char *from);
/* The text of an error reply: "condition" or "condition: text" (to free). */
char *xiq_error_text(xmpp_stanza_t *stanza, char **condition);

/* xstanza.c: building and reading stanzas */
/* A new element (the caller releases it); ns may be NULL. */
xmpp_stanza_t *xstanza_new(xmpp_ctx_t *ctx, const char *name, const char *ns);
/* Append a new element to parent and return it (parent holds it). */
xmpp_stanza_t *xstanza_add(xmpp_stanza_t *parent, const char *name, const char *ns);
/* Append <name>text</name> to parent. */
void xstanza_add_text(xmpp_stanza_t *parent, const char *name, const char *text);
/* The text of stanza, or of its child called name, as a string to g_free
 * (NULL when absent). */
char *xstanza_text(xmpp_stanza_t *stanza);
char *xstanza_child_text(xmpp_stanza_t *stanza, const char *name);

/* per-area handlers, registered at CONNECT */
void xroster_connected(struct session *s);
int xroster_push(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *query);
void xpresence_connected(struct session *s);
void xpresence_initial(struct session *s);
void xmessage_connected(struct session *s);
void xmessage_free(struct session *s);

/* xmessage.c: what was sent and received in this session */
/* The static name of a chat state (active, composing, paused, inactive,
 * gone) equal to name, or NULL when name is none of them. */
const char *xmessage_chatstate_name(const char *name);
/* The address our message id went to, or NULL when we sent no such
 * message (or it was long ago). */
const char *xmessage_sent_to(struct session *s, const char *id);
/* Remember that our message id went to `to` (bounded). */
void xmessage_remember(struct session *s, const char *id, const char *to);
/* Remember that the message id came from full JID from (bounded). */
void xmessage_seen(struct session *s, const char *from, const char *id);
/* True when a message id was received earlier from exactly the full JID
 * from (compared after normalisation). */
bool xmessage_seen_from(struct session *s, const char *from, const char *id);

/* An EV_MESSAGE for message m (from, to as given), its body, id,
 * origin-id, stanza-id (only one set by `by`), delay and stamp filled. */
struct event *xmessage_event(struct session *s, xmpp_stanza_t *m, const char *from,
    const char *to, bool out, enum msg_source source);
/* Report ev (an EV_MESSAGE) unless its stanza-id was reported already in
 * this session (it is freed then); true when it was emitted. */
bool xmessage_emit_once(struct session *s, struct event *ev);
/* The id of the message that m retracts (XEP-0424, either form;
 * *moderated: by a room moderator, XEP-0425), or NULL. */
const char *xmessage_retract_id(xmpp_stanza_t *m, bool *moderated);
/* True when m says something: a body, or a retraction. */
bool xmessage_has_content(xmpp_stanza_t *m);
/* Fill ev's retract_id and moderated from m (nothing if m retracts none). */
void xmessage_retraction(xmpp_stanza_t *m, struct event *ev);
/* Seconds since the epoch from an XEP-0082 stamp (NULL: none), or 0. */
int64_t xmessage_stamp(const char *s);
/* Fill ev's origin_id, and its stanza_id/stanza_by from a <stanza-id/>
 * whose by is `by` (NULL: none counts). */
void xmessage_ids(xmpp_stanza_t *m, const char *by, struct event *ev);

/* xcarbons.c: copies of what our other clients send and receive */
void xcarbons_enable(struct session *s);
/* Handle a carbon (from our own bare JID only); false when m is none. */
bool xcarbons_message(struct session *s, xmpp_stanza_t *m);

/* xtime.c: the server's clock (XEP-0202) */
/* Ask the server for its time (after the initial presence). */
void xtime_login(struct session *s);
/* Seconds since the epoch by the server's clock, as far as we know it. */
int64_t session_now(struct session *s);

/* xmam.c: message archives (XEP-0313) */
/* Fetch our own archive after s->mam_last_id (after initial presence). */
void xmam_login(struct session *s);
/* Handle an archive result (of a query in flight, from its archive only);
 * false when m is none. */
bool xmam_message(struct session *s, xmpp_stanza_t *m);
void xmam_free(struct session *s);
/* Fetch room's archive: after after_id (from its time, after_stamp, when
 * the archive no longer has it), else from since, else (both unset) its
 * newest `newest` messages. */
void xmam_room(struct session *s, const char *room, const char *after_id, int64_t after_stamp,
    int64_t since, unsigned newest);

/* xreceipt.c: message delivery receipts (XEP-0184) */
/* Ask for a receipt: add <request/> to message m. */
void xreceipt_request(xmpp_stanza_t *m);
/* The receipt parts of an incoming chat or normal message from `from`:
 * report a <received/>; for a <request/> in a message with a body, ask
 * the main thread (EV_RECEIPT_ASK), which answers if the roster lets
 * from see our presence. */
void xreceipt_incoming(struct session *s, xmpp_stanza_t *m, const char *from, const char *type,
    bool has_body);
/* True when a receipt from `from` may acknowledge a message sent to
 * sent_to: the same bare JID (NULL never matches). */
bool xreceipt_from_ok(const char *sent_to, const char *from);
/* True when a request in a message of this type (NULL: normal) from a
 * contact with this roster subscription (NULL: not in the roster) gets a
 * receipt: never for groupchat or error, only for "from" or "both". */
bool xreceipt_may_answer(const char *type, const char *subscription);
/* Main thread: answer the receipt request of an EV_RECEIPT_ASK if acc's
 * roster lets its sender see our presence. */
void xreceipt_ask(struct account *acc, const struct event *ev);
/* xmuc.c: group chat (XEP-0045) */
/* Copy account's rooms from the core's model into s->rooms (main thread,
 * before the thread starts). */
void xmuc_seed(struct session *s, const char *account);
void xmuc_free(struct session *s);
/* Join every room in s->rooms (after initial presence). */
void xmuc_rejoin(struct session *s);
/* True when bare is a room of this session. */
bool xmuc_is_room(struct session *s, const char *bare);
/* Our nick in room (bare JID), or NULL when we are not in it. */
const char *xmuc_own_nick(struct session *s, const char *room);
/* The message moderation (XEP-0425) a room offers, per its disco#info. */
enum xmuc_moderation {
	XMUC_MOD_NOT_IN = -1, /* not a room we are in */
	XMUC_MOD_NONE,
	XMUC_MOD_0,           /* urn:xmpp:message-moderate:0, in a fastening */
	XMUC_MOD_1            /* urn:xmpp:message-moderate:1 */
};
enum xmuc_moderation xmuc_moderation(struct session *s, const char *room);
/* Emit an EV_ERROR for command about room (jid) with condition and
 * message (both taken; condition may be NULL). */
void xmuc_error(struct session *s, const char *command, const char *room, char *condition,
    char *message);
/* Emit the EV_ERROR for command about a room we are not in. */
void xmuc_not_in(struct session *s, const char *command, const char *room);
/* Handle a presence from a room or its occupants; false when p is not
 * about one of our rooms. */
bool xmuc_presence(struct session *s, xmpp_stanza_t *p);
/* Handle a groupchat message (from a room we are in, or drop it); false
 * for any other type. */
bool xmuc_message(struct session *s, xmpp_stanza_t *m, const char *type);

void xdisco_answer(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *query);
void xping_start(struct session *s);
void xping_stop(struct session *s);

#endif
