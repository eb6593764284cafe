/* tap.c - libstrophe's log: clues to why a connection failed, and the
 * redacted debug log.  Raw traffic arrives here as "SENT: " (area conn,
 * the exact bytes) and "RECV: " (area xmpp, re-serialized stanzas). */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <strophe.h>

#include "natter/capture.h"
#include "natter/log.h"
#include "session.h"

/* libstrophe's SHA-1 (sha1.c, through 0.12.3) keeps a static workspace,
 * so two threads computing SCRAM-SHA-1 at once corrupt each other's proofs
 * and both logins fail.  The SCRAM work happens in the handlers of
 * <challenge> and <success>, inside xmpp_run_once, right after the RECV
 * log line: the session takes this lock there and session_drive releases
 * it when that xmpp_run_once returns.  No network wait is inside. */
static GMutex sasl_lock;

void
tap_sasl_unlock(struct session *s)
{
	if (s->sasl_locked) {
		s->sasl_locked = false;
		g_mutex_unlock(&sasl_lock);
	}
}

/* Elements whose content is a credential or derived from one. */
static const char *const tap_secret_names[] = {
	"auth", "response", "challenge", "success", "password"
};

/* A character of an XML name as libstrophe writes them (prefix aside). */
static bool
tap_name_char(char c)
{
	return g_ascii_isalnum(c) || c == '_' || c == '.' || c == '-';
}

/* The end of the name at p ("prefix:local" or "local"); *local gets where
 * its local part starts. */
static const char *
tap_name_end(const char *p, const char **local)
{
	const char *e = p;

	*local = p;
	while (tap_name_char(*e) || (*e == ':' && e > p && tap_name_char(e[1]))) {
		if (*e == ':')
			*local = e + 1;
		e++;
	}
	return e;
}

/* The secret name local[0..len) is one of, or NULL. */
static const char *
tap_secret(const char *local, size_t len)
{
	for (size_t i = 0; i < G_N_ELEMENTS(tap_secret_names); i++) {
		if (strlen(tap_secret_names[i]) == len && strncmp(local, tap_secret_names[i], len) == 0)
			return tap_secret_names[i];
	}
	return NULL;
}

/* The first closing tag at or after p whose local name is local[0..len)
 * (any prefix): its start, with *end just past its '>'; NULL if none. */
static const char *
tap_close_tag(const char *p, const char *local, size_t len, const char **end)
{
	for (const char *c = strstr(p, "</"); c != NULL; c = strstr(c + 2, "</")) {
		const char *l, *e = tap_name_end(c + 2, &l);
		if ((size_t)(e - l) != len || strncmp(l, local, len) != 0)
			continue;
		while (g_ascii_isspace(*e))
			e++;
		if (*e == '>') {
			*end = e + 1;
			return c;
		}
	}
	return NULL;
}

char *
tap_redact(const char *xml)
{
	GString *out = g_string_new(NULL);
	const char *p = xml;

	/* a plain scan rather than a regular expression: compiling and running
	 * one touched 0.4 MB of PCRE2's code at every login */
	for (;;) {
		const char *lt = strchr(p, '<'), *local, *e, *q, *close, *close_end;
		const char *secret;
		char quote = 0;

		if (lt == NULL)
			break;
		e = tap_name_end(lt + 1, &local);
		secret = e > lt + 1 ? tap_secret(local, (size_t)(e - local)) : NULL;
		if (secret == NULL || (*e != '/' && *e != '>' && !g_ascii_isspace(*e))) {
			g_string_append_len(out, p, e - p);
			p = e > lt ? e : lt + 1;
			continue;
		}
		/* the end of the start tag, past quoted values */
		for (q = e; *q != '\0' && (quote != 0 || *q != '>'); q++) {
			if (quote != 0 && *q == quote)
				quote = 0;
			else if (quote == 0 && (*q == '"' || *q == '\''))
				quote = *q;
		}
		if (*q == '\0')
			break;
		close = q[-1] == '/' ? NULL : tap_close_tag(q + 1, local, (size_t)(e - local),
		    &close_end);
		if (close == NULL || close == q + 1) {
			/* self-closing, unclosed or empty: nothing to hide */
			g_string_append_len(out, p, q + 1 - p);
			p = q + 1;
			continue;
		}
		g_string_append_len(out, p, q + 1 - p);
		if (strcmp(secret, "password") == 0)
			g_string_append(out, "[password removed]");
		else
			g_string_append_printf(out, "[SASL data removed: %zu bytes]",
			    (size_t)(close - (q + 1)));
		g_string_append_len(out, close, close_end - close);
		p = close_end;
	}
	g_string_append(out, p);
	return g_string_free(out, FALSE);
}

/* True when xml may hold an element tap_redact rewrites (a cheap test
 * that spares the regex for almost every stanza). */
static bool
tap_may_hold_secret(const char *xml)
{
	static const char *const words[] = { "auth", "response", "challenge", "success",
		"password" };

	for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
		if (strstr(xml, words[i]) != NULL)
			return true;
	}
	return false;
}

/* Queue one element that went over the wire (text as libstrophe logged
 * it) to the main thread, credentials removed, for the console. */
static void
tap_capture(struct session *s, bool out, const char *xml)
{
	struct event *ev = event_new(EV_STANZA, s->account);
	char *safe = tap_may_hold_secret(xml) ? tap_redact(xml) : NULL;

	ev->u.stanza.packed = capture_pack(safe != NULL ? safe : xml, out, g_get_real_time(),
	    strlen(xml));
	g_free(safe);
	session_emit(s, ev);
}

/* Take the condition out of a SASL <failure>: the first child's name. */
static char *
tap_sasl_condition(const char *xml)
{
	const char *p = strstr(xml, "<failure");
	const char *q;

	if (p == NULL || (p = strchr(p, '>')) == NULL || p[-1] == '/')
		return NULL;
	p++;
	if (*p != '<')
		return NULL;
	p++;
	for (q = p; (*q >= 'a' && *q <= 'z') || *q == '-'; q++)
		;
	return q > p ? g_strndup(p, (gsize)(q - p)) : NULL;
}

void
tap_log(void *userdata, xmpp_log_level_t level, const char *area, const char *msg)
{
	struct session *s = userdata;

	if (level == XMPP_LEVEL_DEBUG && strcmp(area, "conn") == 0 &&
	    g_str_has_prefix(msg, "SENT: "))
		tap_capture(s, true, msg + 6);
	if (strcmp(area, "xmpp") == 0) {
		if (g_str_has_prefix(msg, "RECV: ")) {
			const char *xml = msg + 6;
			tap_capture(s, false, xml);
			/* libstrophe re-serializes <stream:features> as <features xmlns=...> */
			if ((g_str_has_prefix(xml, "<features") || g_str_has_prefix(xml, "<stream:features")) &&
			    strstr(xml, "urn:xmpp:features:rosterver") != NULL)
				s->rosterver = true;
			else if (!s->connected && !s->sasl_locked &&
			    (g_str_has_prefix(xml, "<challenge") || g_str_has_prefix(xml, "<success")) &&
			    strstr(xml, "urn:ietf:params:xml:ns:xmpp-sasl") != NULL) {
				g_mutex_lock(&sasl_lock);
				s->sasl_locked = true;
			} else if (!s->connected && g_str_has_prefix(xml, "<failure") &&
			    strstr(xml, "urn:ietf:params:xml:ns:xmpp-sasl") != NULL) {
				s->sasl_failed = true;
				if (s->sasl_condition == NULL)
					s->sasl_condition = tap_sasl_condition(xml);
			}
		} else if (g_str_has_prefix(msg, "parse error")) {
			/* libstrophe answers malformed XML with a stream error but keeps
			 * the socket open: end the session here */
			if (s->failure == NULL) {
				s->failure = g_strdup("the server sent XML that is not well-formed");
				s->failure_kind = DISC_STREAM;
			}
			session_drop(s);
		} else if (g_str_has_prefix(msg, "TLS is not supported, but set as mandatory")) {
			s->starttls_missing = true;
		} else if (g_str_has_prefix(msg, "connection failed, error ")) {
			s->sock_error = atoi(msg + strlen("connection failed, error "));
		} else if (g_str_has_prefix(msg, "Connection attempt timed out")) {
			s->timed_out = true;
			g_free(s->timeout_what);
			s->timeout_what = g_strdup("the TCP connection was not accepted in time");
		}
	} else if (strcmp(area, "tls") == 0 && level == XMPP_LEVEL_ERROR && !s->connected &&
	    (strstr(msg, "verify_locations") != NULL || strstr(msg, "set_default_verify_paths") != NULL ||
	     strstr(msg, "SSL_CTX_new") != NULL)) {
		/* libstrophe then falls back to "no TLS", which mandatory TLS refuses */
		s->tls_setup_failed = true;
	} else if (strcmp(area, "auth") == 0 && level == XMPP_LEVEL_ERROR &&
	    g_str_has_prefix(msg, "Cannot authenticate with known methods")) {
		s->no_mechanism = true;
	}

	if (log_enabled()) {
		static const char *const levels[] = { "debug", "info", "warn", "error" };
		char *safe;
		/* area "auth" debug lines carry digests: keep only their first words */
		if (strcmp(area, "auth") == 0 && level == XMPP_LEVEL_DEBUG)
			return;
		safe = tap_redact(msg);
		log_msg(s->account, "%s %s %s", levels[level & 3], area, safe);
		g_free(safe);
	}
}
