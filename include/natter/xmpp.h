/* xmpp.h - the session layer's public face (src/xmpp/).
 *
 * Each connected account has a session thread that owns its libstrophe
 * context.  These functions run on the main thread: they queue a request
 * to the account's thread and return at once.  Results and failures come
 * back as events.  A request for an account that is not online returns -1
 * and emits nothing: the caller reports it.
 */
#ifndef NATTER_XMPP_H
#define NATTER_XMPP_H

#include "natter/event.h"

struct account;
struct loop;

/* Remember the main loop (session wake fds are watched there). */
void session_init(struct loop *main_loop);
/* Start the account's session thread; 0, or -1 with an EV_ERROR emitted. */
int session_connect(struct account *acc);
/* Send unavailable presence, close the stream, end the thread. */
void session_disconnect(struct account *acc);
/* Number of session threads still running. */
unsigned session_count(void);
/* Disconnect every account and wait (up to ms) for the threads. */
void session_shutdown(unsigned ms);

/* Send a chat message; *id_out (to free) gets its id.  An EV_MESSAGE with
 * out=true is emitted by the caller's request completing.  The message
 * carries <active/> (XEP-0085) and asks for a receipt (XEP-0184); an
 * EV_RECEIPT with its id follows when the recipient's client sends one. */
int xmessage_send(struct account *acc, const char *to, const char *body, char **id_out);
/* Correct (XEP-0308) the last message sent to bare JID `to` in this
 * session with a new body: the new message gets a new id (*id_out, to
 * free) and the EV_MESSAGE out names the corrected one in replace_id.
 * When nothing was sent to `to`, an EV_ERROR for command "correct"
 * follows instead.  -1 when to is not a JID or acc is not online. */
int xmessage_correct(struct account *acc, const char *to, const char *body, char **id_out);
/* Retract (XEP-0424) our message target (its origin-id in a chat, the
 * room's stanza-id of it in a room) to `to`; -1 when the request is bad. */
int xmessage_retract(struct account *acc, const char *to, bool room, const char *target);
/* As a moderator of room, ask it to retract an occupant's message (its
 * stanza-id from the room), with reason (may be NULL) (XEP-0425); a
 * refusal comes as an EV_ERROR for command "moderate", success as the
 * room's retraction.  -1 when the request is bad or acc is offline. */
int xmoderate(struct account *acc, const char *room, const char *stanza_id, const char *reason);
/* Send a standalone chat state (XEP-0085): active, composing, paused,
 * inactive or gone.  -1 for another state, a bad JID, or offline. */
int xmessage_chatstate(struct account *acc, const char *to, const char *state);
/* Broadcast our presence. */
int xpresence_send(struct account *acc, enum presence_show show, const char *status);
/* Send a presence subscription stanza: subscribe, subscribed,
 * unsubscribe or unsubscribed. */
int xpresence_subscription(struct account *acc, const char *jid, const char *type);
/* Add or update a roster item (name may be NULL; groups NULL-terminated). */
int xroster_set(struct account *acc, const char *jid, const char *name, char *const *groups);
int xroster_remove(struct account *acc, const char *jid);

/* Group chat (XEP-0045).  Join room (a bare JID) as nick, with password
 * when not NULL: EV_OCCUPANT for everyone present, then EV_JOINED when the
 * room sends our own presence back, then the room's recent history and
 * EV_SUBJECT; or EV_ERROR (command "join") and EV_LEFT (why "error").  The
 * room must be in the muc model (muc_want) first: the session rejoins the
 * model's rooms on every login. */
int xmuc_join(struct account *acc, const char *room, const char *nick, const char *password);
/* Leave room (reason may be NULL); EV_LEFT (why "left") follows. */
int xmuc_leave(struct account *acc, const char *room, const char *reason);
/* Send a groupchat message; the room's echo of it comes back as an
 * EV_MESSAGE with out=true.  *id_out (to free, may be NULL) gets its id. */
int xmuc_send(struct account *acc, const char *room, const char *body, char **id_out);
/* Correct (XEP-0308) our last message in room; EV_ERROR (command
 * "correct") when we sent none there since joining. */
int xmuc_correct(struct account *acc, const char *room, const char *body, char **id_out);
/* Ask to change the room's subject; EV_SUBJECT or EV_ERROR follows. */
int xmuc_subject(struct account *acc, const char *room, const char *subject);
/* Ask to change our nick in room; EV_OCCUPANT (self, new_nick) or EV_ERROR. */
int xmuc_nick(struct account *acc, const char *room, const char *nick);

/* Message archives (XEP-0313).  Fetch from archive (a room's JID, or
 * NULL for our own) the messages after archive id after_id, or at or
 * after since (seconds since the epoch), page by page until the archive
 * says it is complete; with neither, the newest page (100 messages): an EV_MESSAGE (source MSG_ARCHIVE) for each, in
 * order, and an EV_ARCHIVE_PAGE after each page (ok false and an EV_ERROR
 * with command "mam" when the query fails).  Results count only from the
 * archive asked and only with the query's id.  On every login the session
 * itself fetches our own archive after acc->mam_last_id. */
int xmam_fetch(struct account *acc, const char *archive, const char *after_id, int64_t since);

/* The console: send xml (one element, already checked with stanza_check)
 * as it is.  The element is captured (EV_STANZA) like any other. */
int xconsole_send(struct account *acc, const char *xml);
/* A new random id for an element the user sends (to free). */
char *xconsole_id(void);

/* Features we announce in disco#info, sorted (for tests and /help). */
const char *const *xdisco_features(void);

#endif
