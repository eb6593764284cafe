/* connect.c - setting up a connection, telling why one ended. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <openssl/x509.h>
#include <strophe.h>

#include "natter/app.h"
#include "natter/loop.h"
#include "session.h"

/* Accept a certificate that failed verification only when it is the one
 * the user pinned; otherwise remember why, to report it. */
static int
xconnect_certfail(const xmpp_tlscert_t *cert, const char *const errormsg)
{
	struct session *s = session_self;
	const char *fp = xmpp_tlscert_get_string(cert, XMPP_CERT_FINGERPRINT_SHA256);

	if (s == NULL || fp == NULL)
		return 0;
	if (s->pin != NULL && g_ascii_strcasecmp(fp, s->pin) == 0)
		return 1;
	if (!s->cert_refused) {
		const char *subject = xmpp_tlscert_get_string(cert, XMPP_CERT_SUBJECT);
		s->cert_refused = true;
		s->cert_error = g_strdup(errormsg != NULL ? errormsg : "verification failed");
		s->cert_fingerprint = g_ascii_strdown(fp, -1);
		s->cert_subject = g_strdup(subject != NULL ? subject : "");
	}
	return 0;
}

void
xconnect_trust_init(void)
{
	const char *dir = X509_get_default_cert_dir();
	GDir *d;
	const char *name;
	bool hashed = false;

	if (g_getenv(X509_get_default_cert_file_env()) != NULL ||
	    g_getenv(X509_get_default_cert_dir_env()) != NULL)
		return; /* the user chose: leave it */
	d = g_dir_open(dir, 0, NULL);
	while (d != NULL && !hashed && (name = g_dir_read_name(d)) != NULL) {
		/* OpenSSL's lookup links: 8 hex digits, ".", a number */
		hashed = strlen(name) >= 10 && name[8] == '.' &&
		    strspn(name, "0123456789abcdef") == 8 && g_ascii_isdigit(name[9]);
	}
	if (d != NULL)
		g_dir_close(d);
	if (hashed)
		app_setenv_private(X509_get_default_cert_file_env(), "/dev/null");
}

/* Run password_cmd with sh -c, exactly as written; returns its first
 * output line (to wipe and free) or NULL with *err (to free). */
static char *
xconnect_password_cmd(const char *cmd, char **err)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	char *out = NULL, *errout = NULL, *nl, *pw;
	char **env = app_child_environ();
	GError *gerr = NULL;
	int status;
	gboolean ran = g_spawn_sync(NULL, argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &errout,
	    &status, &gerr);

	g_strfreev(env);
	if (!ran) {
		*err = g_strdup_printf("password_cmd could not run: %s", gerr->message);
		g_error_free(gerr);
		return NULL;
	}
	if (!g_spawn_check_wait_status(status, NULL)) {
		char *first = g_strstrip(g_strndup(errout, strcspn(errout, "\n")));
		*err = g_strdup_printf("password_cmd failed%s%s", *first ? ": " : "", first);
		g_free(first);
		account_wipe(out);
		g_free(errout);
		return NULL;
	}
	g_free(errout);
	nl = strpbrk(out, "\r\n");
	pw = g_strndup(out, nl != NULL ? (gsize)(nl - out) : strlen(out));
	account_wipe(out);
	if (*pw == '\0') {
		g_free(pw);
		*err = g_strdup("password_cmd printed an empty first line");
		return NULL;
	}
	return pw;
}

/* True when OpenSSL can load at least one certificate from path. */
static bool
xconnect_ca_usable(const char *path)
{
	X509_STORE *st = X509_STORE_new();
	bool ok = st != NULL && X509_STORE_load_file(st, path) == 1;

	X509_STORE_free(st);
	return ok;
}

/* libstrophe's connection handler. */
static void
xconnect_handler(xmpp_conn_t *conn, xmpp_conn_event_t status, int error,
    xmpp_stream_error_t *stream_error, void *userdata)
{
	struct session *s = userdata;

	if (status == XMPP_CONN_CONNECT) {
		const char *bound = xmpp_conn_get_bound_jid(conn);
		struct event *ev;

		s->connected = true;
		session_tick(s, false);
		g_free(s->bound_jid);
		s->bound_jid = g_strdup(bound != NULL ? bound : s->jid);
		ev = event_new(EV_CONNECTED, s->account);
		ev->u.connected.jid = g_strdup(s->bound_jid);
		session_emit(s, ev);
		xmessage_connected(s);
		xpresence_connected(s);
		xroster_connected(s); /* sends initial presence once the roster is in */
		xping_start(s);
		return;
	}
	if (status != XMPP_CONN_DISCONNECT && status != XMPP_CONN_FAIL)
		return;
	if (error != 0 && s->sock_error == 0)
		s->sock_error = error;
	if (stream_error != NULL && s->failure == NULL) {
		static const char *const names[] = {
			"bad-format", "bad-namespace-prefix", "conflict", "connection-timeout",
			"host-gone", "host-unknown", "improper-addressing", "internal-server-error",
			"invalid-from", "invalid-id", "invalid-namespace", "invalid-xml",
			"not-authorized", "policy-violation", "remote-connection-failed",
			"resource-constraint", "restricted-xml", "see-other-host", "system-shutdown",
			"undefined-condition", "unsupported-encoding", "unsupported-stanza-type",
			"unsupported-version", "xml-not-well-formed"
		};
		const char *name = (size_t)stream_error->type < G_N_ELEMENTS(names)
		    ? names[stream_error->type] : "unknown";
		s->failure = g_strdup_printf("the server closed the stream: %s%s%s", name,
		    stream_error->text ? ": " : "", stream_error->text ? stream_error->text : "");
		s->failure_kind = DISC_STREAM;
	}
	{
		int fd = g_atomic_int_get(&s->fd);
		if (fd >= 0)
			loop_fd_remove(s->loop, fd);
		g_atomic_int_set(&s->fd, -1);
	}
	session_tick(s, false);
	loop_quit(s->loop);
}

/* Fail before any packet is sent: remember why and stop the thread. */
static int
xconnect_fail(struct session *s, enum disc_kind kind, char *why)
{
	s->failure = why;
	s->failure_kind = kind;
	return -1;
}

int
xconnect_start(struct session *s)
{
	long flags = XMPP_CONN_FLAG_DISABLE_SM;
	char *full, *host = NULL, *err = NULL;
	unsigned short port = 0;
	struct event *ev;
	int rc;

	if (s->password == NULL) {
		s->password = xconnect_password_cmd(s->password_cmd, &err);
		if (s->password == NULL)
			return xconnect_fail(s, DISC_CONFIG, err);
	}
	if (s->ca_file != NULL && access(s->ca_file, R_OK) != 0)
		return xconnect_fail(s, DISC_TLS, g_strdup_printf(
		    "ca_file %s cannot be read (%s): not connecting without it",
		    s->ca_file, g_strerror(errno)));
	if (s->ca_file != NULL && !xconnect_ca_usable(s->ca_file))
		return xconnect_fail(s, DISC_TLS, g_strdup_printf(
		    "ca_file %s holds no PEM certificate OpenSSL can load: not connecting without it",
		    s->ca_file));

	switch (s->tls) {
	case TLS_STARTTLS:
		flags |= XMPP_CONN_FLAG_MANDATORY_TLS;
		break;
	case TLS_DIRECT:
		flags |= XMPP_CONN_FLAG_LEGACY_SSL;
		break;
	case TLS_PLAIN:
		flags |= XMPP_CONN_FLAG_DISABLE_TLS;
		break;
	}
	xmpp_conn_set_flags(s->conn, flags | XMPP_CONN_FLAG_DISABLE_SM);
	full = g_strdup_printf("%s/%s", s->jid, s->resource);
	xmpp_conn_set_jid(s->conn, full);
	g_free(full);
	xmpp_conn_set_pass(s->conn, s->password);
	account_wipe(s->password);
	s->password = NULL;
	if (s->ca_file != NULL)
		xmpp_conn_set_cafile(s->conn, s->ca_file);
	xmpp_conn_set_certfail_handler(s->conn, xconnect_certfail);

	ev = event_new(EV_CONNECTING, s->account);
	session_emit(s, ev);

	if (s->server != NULL) {
		host = g_strdup(s->server);
		port = (unsigned short)s->port;
	} else if (s->tls == TLS_DIRECT) {
		/* libstrophe does no SRV lookup for direct TLS (XEP-0368) */
		const char *domain = strchr(s->jid, '@') + 1;
		if (srv_lookup("xmpps-client", domain, &host, &port) != 0) {
			host = g_strdup(domain);
			port = 0;
		}
		if (s->port != 0)
			port = (unsigned short)s->port;
	} else if (s->port != 0) {
		host = g_strdup(strchr(s->jid, '@') + 1);
		port = (unsigned short)s->port;
	}
	session_tick(s, true);
	rc = xmpp_connect_client(s->conn, host, port, xconnect_handler, s);
	if (rc != 0) {
		char *why = g_strdup_printf("cannot connect to %s: %s",
		    host != NULL ? host : strchr(s->jid, '@') + 1,
		    host == NULL ? "no address found for the domain" : "address lookup failed");
		g_free(host);
		session_tick(s, false);
		return xconnect_fail(s, DISC_NETWORK, why);
	}
	g_free(host);
	return 0;
}

/* Emit EV_DISCONNECTED with the most precise reason we know. */
void
xconnect_report(struct session *s)
{
	struct event *ev = event_new(EV_DISCONNECTED, s->account);
	enum disc_kind kind;
	char *reason;

	if (s->failure != NULL && s->failure_kind != DISC_STREAM) {
		kind = s->failure_kind;
		reason = g_strdup(s->failure);
	} else if (s->cert_refused) {
		kind = DISC_CERTIFICATE;
		reason = g_strdup_printf("the server's certificate is not trusted: %s (subject %s, "
		    "SHA-256 %s); nothing was sent.  If you have checked this fingerprint, trust "
		    "exactly this certificate with: /account trust %s %s", s->cert_error,
		    s->cert_subject, s->cert_fingerprint, s->account, s->cert_fingerprint);
		ev->u.disconnected.fingerprint = g_strdup(s->cert_fingerprint);
	} else if (s->tls_setup_failed) {
		kind = DISC_TLS;
		reason = g_strdup("TLS could not be set up on this machine (see the debug log): "
		    "refused before sending any credential");
	} else if (s->starttls_missing) {
		kind = DISC_TLS;
		reason = g_strdup("the server does not offer STARTTLS (or someone removed it): "
		    "refused before sending any credential");
	} else if (s->sasl_failed || s->no_mechanism) {
		kind = DISC_AUTH;
		if (s->sasl_failed)
			reason = g_strdup_printf("authentication failed (%s): check the password",
			    s->sasl_condition != NULL ? s->sasl_condition : "not-authorized");
		else
			reason = g_strdup("authentication failed: no mechanism both sides support");
	} else if (g_atomic_int_get(&s->forced)) {
		kind = DISC_TIMEOUT;
		reason = g_strdup_printf("connection timed out: the TLS handshake did not complete "
		    "within %u s", s->connect_timeout);
	} else if (s->timed_out) {
		kind = DISC_TIMEOUT;
		reason = g_strdup_printf("connection timed out: %s", s->timeout_what);
	} else if (s->failure != NULL) {
		kind = s->failure_kind;
		reason = g_strdup(s->failure);
	} else if (s->closing && s->failure == NULL) {
		kind = DISC_USER;
		reason = g_strdup("disconnected");
	} else if (s->sock_error != 0) {
		kind = DISC_NETWORK;
		reason = g_strdup_printf("connection lost: %s", g_strerror(s->sock_error));
	} else if (!s->connected) {
		kind = DISC_NETWORK;
		reason = g_strdup("could not connect to the server (refused, unreachable, or closed "
		    "during negotiation)");
	} else {
		kind = DISC_NETWORK;
		reason = g_strdup("the server closed the connection");
	}
	ev->u.disconnected.kind = kind;
	ev->u.disconnected.reason = reason;
	session_emit(s, ev);
}
