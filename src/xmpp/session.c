/* session.c - session threads: start, the thread's loop, requests in,
 * events out, the connect watchdog, shutdown. */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <glib.h>
#include <openssl/rand.h>
#include <strophe.h>

#include "natter/account.h"
#include "natter/capture.h"
#include "natter/app.h"
#include "natter/bus.h"
#include "natter/log.h"
#include "natter/loop.h"
#include "natter/roster.h"
#include "natter/settings.h"
#include "natter/tqueue.h"
#include "natter/xmpp.h"
#include "session.h"

__thread struct session *session_self;

/* Events applied per main-loop pass, and for at most this long: a slice
 * of a flood or an archive's catch-up costs a few ms, so a key waits for
 * no more than one slice (events that reach the store's index, a window's
 * ordering or a search window's update cost far more than a plain live
 * message, and 500 of them took up to a second). */
#define SESSION_EVENTS_PER_PASS 500
#define SESSION_SLICE_US 10000
/* Events in one burst after which freed memory is returned to the system. */
#define SESSION_BURST_TRIM 1000

static struct loop *main_loop;
static GPtrArray *sessions; /* struct session still running */
static bool initialized;

void
session_init(struct loop *loop)
{
	main_loop = loop;
	if (!initialized) {
		xconnect_trust_init();
		xmpp_initialize();
		initialized = true;
	}
	if (sessions == NULL)
		sessions = g_ptr_array_new();
}

unsigned
session_count(void)
{
	return sessions != NULL ? sessions->len : 0;
}

char *
session_id_new(void)
{
	unsigned char raw[12];

	if (RAND_bytes(raw, sizeof raw) != 1) {
		/* never predictable: fall back to GLib's CSPRNG-seeded generator */
		for (size_t i = 0; i < sizeof raw; i++)
			raw[i] = (unsigned char)g_random_int();
	}
	return g_base64_encode(raw, sizeof raw);
}

const char *
session_bare(struct session *s)
{
	return s->jid;
}

void
session_emit(struct session *s, struct event *ev)
{
	/* on the session thread, events wait for the end of the read that
	 * made them (session_flush): one wake-up of the main thread for a
	 * burst, not one per event */
	if (s == session_self && s->outbox != NULL)
		g_ptr_array_add(s->outbox, ev);
	else
		tqueue_push(s->events, ev);
}

void
session_flush(struct session *s)
{
	if (s->outbox != NULL)
		tqueue_push_all(s->events, s->outbox);
}

static void
session_req_free(void *p)
{
	struct session_req *r = p;

	if (r->free_arg != NULL)
		r->free_arg(r->arg);
	g_free(r);
}

int
session_request(struct account *acc, session_req_fn fn, void *arg, void (*free_arg)(void *))
{
	struct session_req *r;

	if (acc == NULL || acc->session == NULL || acc->state != ACC_ONLINE) {
		if (free_arg != NULL)
			free_arg(arg);
		return -1;
	}
	r = g_new0(struct session_req, 1);
	r->fn = fn;
	r->arg = arg;
	r->free_arg = free_arg;
	tqueue_push(acc->session->requests, r);
	return 0;
}

/* --- the session thread --- */

static void
session_tick_fn(void *arg)
{
	struct session *s = arg;

	/* the pass hook runs libstrophe; keep ticking */
	s->tick = loop_timer_add(s->loop, 100, session_tick_fn, s);
}

void
session_tick(struct session *s, bool on)
{
	if (on && s->tick == 0)
		s->tick = loop_timer_add(s->loop, 100, session_tick_fn, s);
	else if (!on && s->tick != 0) {
		loop_timer_cancel(s->loop, s->tick);
		s->tick = 0;
	}
}

static void
session_run_req(void *item, void *arg)
{
	struct session_req *r = item;

	r->fn(arg, r->arg);
	session_req_free(r);
}

static void
session_on_requests(int fd, short revents, void *arg)
{
	struct session *s = arg;

	tqueue_drain(s->requests, session_run_req, s);
}

static void
session_on_socket(int fd, short revents, void *arg)
{
	/* the pass hook reads and writes */
}

/* True when fd has something to read right now. */
static bool
session_readable(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR));
}

/* Acknowledge what came at once: a server that writes a reply in several
 * small pieces (an archive page: its results, then the iq) holds the last
 * back until the rest is acknowledged (Nagle), and a delayed ACK made
 * that 40 ms per page.  Linux forgets the flag, so it is set after every
 * read. */
static void
session_quickack(int fd)
{
#ifdef TCP_QUICKACK
	int one = 1;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
#else
	(void)fd;
#endif
}

/* After every pass: let libstrophe send, read and parse until a few
 * passes in a row find the socket quiet.  xmpp_run_once reads at most
 * 4 KiB, and OpenSSL may hold up to a 16 KiB record already decrypted
 * that poll() cannot see, so four quiet passes drain any record. */
static void
session_drive(void *arg)
{
	struct session *s = arg;
	int quiet = 0;
	int fd;

	for (int i = 0; i < 100000 && quiet < 4; i++) {
		bool was_readable;
		fd = g_atomic_int_get(&s->fd);
		was_readable = fd >= 0 && session_readable(fd);
		xmpp_run_once(s->ctx, 0);
		tap_sasl_unlock(s);
		session_flush(s);
		if (g_atomic_int_get(&s->fd) < 0)
			break;
		if (was_readable) {
			quiet = 0;
			s->last_rx = loop_now_ms();
			session_quickack(fd);
		} else {
			quiet++;
		}
		if (loop_quitting(s->loop))
			break;
	}
	fd = g_atomic_int_get(&s->fd);
	if (fd >= 0) {
		short ev = POLLIN;
		if (xmpp_conn_is_connecting(s->conn) || xmpp_conn_send_queue_len(s->conn) > 0)
			ev |= POLLOUT;
		loop_fd_add(s->loop, fd, ev, session_on_socket, s);
	}
	/* what requests and timers emitted in this pass */
	session_flush(s);
}

/* libstrophe hands us each socket it creates; chain to its keepalive.
 * Stanzas go out as they are written (no Nagle): a chat client's writes
 * are small and someone waits for each. */
static int
session_sockopt(xmpp_conn_t *conn, void *sock)
{
	struct session *s = session_self;
	int fd = *(int *)sock;
	int old = g_atomic_int_get(&s->fd);
	int one = 1;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

	if (old >= 0 && old != fd)
		loop_fd_remove(s->loop, old);
	g_atomic_int_set(&s->fd, fd);
	s->tcp_pending = true;
	loop_fd_add(s->loop, fd, POLLIN | POLLOUT, session_on_socket, s);
	return xmpp_sockopt_cb_keepalive(conn, sock);
}

void
session_close(struct session *s)
{
	if (s->closing)
		return;
	s->closing = true;
	xping_stop(s);
	if (s->conn != NULL && (xmpp_conn_is_connected(s->conn) || xmpp_conn_is_connecting(s->conn))) {
		if (s->connected) {
			xmpp_stanza_t *p = xmpp_presence_new(s->ctx);
			xmpp_stanza_set_type(p, "unavailable");
			xmpp_send(s->conn, p);
			xmpp_stanza_release(p);
		}
		xmpp_disconnect(s->conn);
		session_tick(s, true);
	} else {
		loop_quit(s->loop);
	}
}

void
session_drop(struct session *s)
{
	int fd = g_atomic_int_get(&s->fd);

	s->closing = true;
	xping_stop(s);
	if (fd >= 0) {
		/* libstrophe reads end-of-file on the next pass and tears down */
		shutdown(fd, SHUT_RDWR);
		session_tick(s, true);
	} else {
		loop_quit(s->loop);
	}
}

static void
session_req_disconnect(struct session *s, void *unused)
{
	session_close(s);
}

static void
session_req_abort(struct session *s, void *unused)
{
	g_atomic_int_set(&s->abort_seen, 1);
	if (s->connected)
		return;
	s->timed_out = true;
	g_free(s->timeout_what);
	s->timeout_what = g_strdup_printf("no session within %u s of connecting", s->connect_timeout);
	session_drop(s);
}

static gpointer
session_thread(gpointer p)
{
	struct session *s = p;
	sigset_t all;
	struct event *ev;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	/* when the CPU is short (a catch-up, a flood on a small machine), the
	 * main thread, which echoes keys, goes first: this thread only
	 * parses what it hands over (Linux: a thread's own nice value) */
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 5);
	session_self = s;
	s->outbox = g_ptr_array_new();

	s->loop = loop_new();
	loop_fd_add(s->loop, tqueue_fd(s->requests), POLLIN, session_on_requests, s);
	loop_set_pass_hook(s->loop, session_drive, s);
	s->log.handler = tap_log;
	s->log.userdata = s;
	s->ctx = xmpp_ctx_new(NULL, &s->log);
	s->conn = xmpp_conn_new(s->ctx);
	xmpp_conn_set_sockopt_callback(s->conn, session_sockopt);
	xiq_init(s);

	if (xconnect_start(s) == 0)
		loop_run(s->loop);

	xping_stop(s);
	xconnect_report(s);
	xiq_free(s);
	xmessage_free(s);
	xmuc_free(s);
	xmam_free(s);
	xmpp_conn_release(s->conn);
	xmpp_ctx_free(s->ctx);
	s->conn = NULL;
	s->ctx = NULL;
	loop_free(s->loop);
	s->loop = NULL;
	session_flush(s);
	g_ptr_array_free(s->outbox, TRUE);
	s->outbox = NULL;
	/* last: the main thread may free s once it has this */
	ev = event_new(EV_SESSION_ENDED, s->account);
	tqueue_push(s->events, ev);
	return NULL;
}

/* --- the main thread's side --- */

static void
session_free(struct session *s)
{
	g_free(s->account);
	g_free(s->jid);
	g_free(s->resource);
	account_wipe(s->password);
	g_free(s->password_cmd);
	g_free(s->server);
	g_free(s->ca_file);
	g_free(s->pin);
	g_free(s->roster_ver);
	g_free(s->status);
	g_free(s->bound_jid);
	g_free(s->sasl_condition);
	g_free(s->cert_error);
	g_free(s->cert_fingerprint);
	g_free(s->cert_subject);
	g_free(s->timeout_what);
	g_free(s->failure);
	tqueue_free(s->requests);
	tqueue_free(s->events);
	g_free(s);
}

/* The thread did not take the abort: it is stuck in a blocking call
 * (a TLS handshake with no timeout).  Shutting the socket down ends that
 * call; the thread cannot be closing fds while it is stuck. */
static void
session_watchdog_force(void *arg)
{
	struct session *s = arg;
	int fd = g_atomic_int_get(&s->fd);

	s->watchdog = 0;
	if (!g_atomic_int_get(&s->abort_seen) && fd >= 0) {
		g_atomic_int_set(&s->forced, 1);
		shutdown(fd, SHUT_RDWR);
	}
}

static void
session_watchdog_fire(void *arg)
{
	struct session *s = arg;
	struct session_req *r = g_new0(struct session_req, 1);

	r->fn = session_req_abort;
	tqueue_push(s->requests, r);
	s->watchdog = loop_timer_add(main_loop, 500, session_watchdog_force, s);
}

static void
session_on_event(void *item, void *arg)
{
	struct session *s = arg;
	struct event *ev = item;
	struct account *acc = account_find(s->account);

	switch (ev->type) {
	case EV_CONNECTING:
		s->watchdog = loop_timer_add(main_loop, (uint64_t)s->connect_timeout * 1000,
		    session_watchdog_fire, s);
		break;
	case EV_CONNECTED:
	case EV_DISCONNECTED:
		loop_timer_cancel(main_loop, s->watchdog);
		s->watchdog = 0;
		s->over = ev->type == EV_DISCONNECTED;
		break;
	case EV_SESSION_ENDED:
		s->ended = true;
		break;
	case EV_RECEIPT_ASK:
		/* the session's own business: answered here, not shown */
		if (acc != NULL && acc->session == s)
			xreceipt_ask(acc, ev);
		event_free(ev);
		return;
	default:
		break;
	}
	bus_emit_free(ev);
	if (s->ended && acc != NULL && acc->session == s)
		acc->session = NULL;
}

static unsigned burst_events; /* events since the last trim */
static unsigned trim_timer;

static void
session_trim(void *unused)
{
	int64_t t0 = g_get_monotonic_time();

	trim_timer = 0;
	burst_events = 0;
	malloc_trim(0);
	if (g_get_monotonic_time() - t0 > 30000)
		log_msg(NULL, "slow trim: %" G_GINT64_FORMAT " ms",
		    (g_get_monotonic_time() - t0) / 1000);
}

/* After a big burst (a roster, a presence storm, a flood) has passed,
 * give back what parsing it left in malloc's free lists: a one-shot
 * timer, so an idle natter never wakes for it. */
static void
session_burst(unsigned n)
{
	burst_events += n;
	if (burst_events < SESSION_BURST_TRIM || n == 0)
		return;
	/* a second after the last of it, not in the middle of it: a trim
	 * walks the whole heap, which a key would wait for */
	if (trim_timer != 0)
		loop_timer_cancel(main_loop, trim_timer);
	trim_timer = loop_timer_add(main_loop, 1000, session_trim, NULL);
}

static void
session_on_wake(int fd, short revents, void *arg)
{
	struct session *s = arg;

	/* a flood is taken in slices, so keys are echoed between them */
	int64_t t0 = g_get_monotonic_time();
	unsigned n = tqueue_drain_max(s->events, session_on_event, s, SESSION_EVENTS_PER_PASS,
	    SESSION_SLICE_US);

	if (g_get_monotonic_time() - t0 > 30000)
		log_msg(s->account, "slow slice: %u events in %" G_GINT64_FORMAT " ms", n,
		    (g_get_monotonic_time() - t0) / 1000);

	session_burst(n);
	if (s->ended) {
		loop_fd_remove(main_loop, tqueue_fd(s->events));
		loop_timer_cancel(main_loop, s->watchdog);
		g_thread_join(s->thread);
		g_ptr_array_remove(sessions, s);
		session_free(s);
	}
}

/* A resource for accounts that name none: natter. and 6 random letters. */
static char *
session_default_resource(void)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	char r[7];

	for (size_t i = 0; i < 6; i++)
		r[i] = abc[g_random_int_range(0, (gint32)sizeof abc - 1)];
	r[6] = '\0';
	return g_strdup_printf("natter.%s", r);
}

int
session_connect(struct account *acc)
{
	struct session *s;

	if (acc->session != NULL && acc->session->over) {
		/* the old thread is only tidying up: let it end on its own */
		acc->session = NULL;
	}
	if (acc->session != NULL) {
		bus_error(acc->name, "connect", "account %s has a session already", acc->name);
		return -1;
	}
	if (acc->password == NULL && acc->password_cmd == NULL) {
		bus_error(acc->name, "connect", "account %s has no password: "
		    "/account set %s password_cmd COMMAND (or password)", acc->name, acc->name);
		return -1;
	}
	s = g_new0(struct session, 1);
	s->account = g_strdup(acc->name);
	s->jid = g_strdup(acc->jid);
	s->resource = acc->resource != NULL ? g_strdup(acc->resource) : session_default_resource();
	if (acc->resource == NULL)
		acc->resource = g_strdup(s->resource); /* keep it for reconnects */
	s->password = g_strdup(acc->password);
	s->password_cmd = g_strdup(acc->password_cmd);
	s->server = g_strdup(acc->server);
	s->port = acc->port;
	s->tls = acc->tls;
	s->ca_file = g_strdup(acc->ca_file);
	s->pin = g_strdup(acc->pin);
	s->roster_ver = g_strdup(acc->roster->ver);
	xmuc_seed(s, acc->name);
	s->mam_last_id = g_strdup(acc->mam_last_id);
	s->mam_last_stamp = acc->mam_last_stamp;
	s->show = acc->show;
	s->status = g_strdup(acc->status);
	s->connect_timeout = (unsigned)settings_int("connect_timeout");
	s->keepalive_interval = (unsigned)settings_int("keepalive_interval");
	s->keepalive_timeout = (unsigned)settings_int("keepalive_timeout");
	s->iq_timeout = (unsigned)settings_int("iq_timeout");
	s->requests = tqueue_new(session_req_free);
	s->events = tqueue_new((tqueue_free_fn)event_free);
	s->fd = -1;
	acc->session = s;
	g_ptr_array_add(sessions, s);
	loop_fd_add(main_loop, tqueue_fd(s->events), POLLIN, session_on_wake, s);
	acc->state = ACC_CONNECTING; /* EV_CONNECTING follows from the thread */
	s->thread = g_thread_new("session", session_thread, s);
	return 0;
}

void
session_disconnect(struct account *acc)
{
	struct session_req *r;

	if (acc == NULL || acc->session == NULL || acc->session->ended)
		return;
	r = g_new0(struct session_req, 1);
	r->fn = session_req_disconnect;
	tqueue_push(acc->session->requests, r);
	acc->state = ACC_DISCONNECTING;
}

void
session_shutdown(unsigned ms)
{
	uint64_t end = loop_now_ms() + ms;

	for (size_t i = 0; i < account_count(); i++)
		session_disconnect(account_nth(i));
	while (session_count() > 0 && loop_now_ms() < end)
		loop_once(main_loop, (int)(end - loop_now_ms()));
	if (initialized && session_count() == 0) {
		xmpp_shutdown();
		initialized = false;
	}
}
