/* jid.c - Jabber IDs per RFC 7622, with GLib's UTF-8 functions. */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include <glib.h>

#include "natter/jid.h"

#define JID_PART_MAX 1023

/* True when the unicode character may not appear in any part. */
static bool
jid_char_control(gunichar c)
{
	GUnicodeType t = g_unichar_type(c);

	return t == G_UNICODE_CONTROL || t == G_UNICODE_FORMAT ||
	    t == G_UNICODE_UNASSIGNED || t == G_UNICODE_SURROGATE ||
	    t == G_UNICODE_PRIVATE_USE || t == G_UNICODE_LINE_SEPARATOR ||
	    t == G_UNICODE_PARAGRAPH_SEPARATOR;
}

/* The three checks every part gets, and their messages per part. */
struct jid_part_rules {
	const char *empty, *too_long, *not_utf8;
};

static const struct jid_part_rules local_rules = {
	"empty localpart before '@'", "localpart longer than 1023 bytes",
	"localpart is not valid UTF-8"
};
static const struct jid_part_rules domain_rules = {
	"empty domain", "domain longer than 1023 bytes", "domain is not valid UTF-8"
};
static const struct jid_part_rules resource_rules = {
	"empty resource after '/'", "resource longer than 1023 bytes",
	"resource is not valid UTF-8"
};

/* True when s[0..len) is non-empty, at most 1023 bytes and valid UTF-8. */
static bool
jid_part_ok(const char *s, size_t len, const struct jid_part_rules *r, const char **err)
{
	if (len == 0)
		*err = r->empty;
	else if (len > JID_PART_MAX)
		*err = r->too_long;
	else if (!g_utf8_validate(s, (gssize)len, NULL))
		*err = r->not_utf8;
	else
		return true;
	return false;
}

/* True when s[0..len) is plain ASCII: already NFC, and ASCII rules fold
 * its case.  Nearly every JID is, and this runs for each stanza. */
static bool
jid_ascii(const char *s, gssize len)
{
	for (gssize i = 0; len < 0 ? s[i] != '\0' : i < len; i++) {
		if ((unsigned char)s[i] >= 0x80)
			return false;
	}
	return true;
}

/* NFC and lower case of s[0..len) (to free); the fast way for ASCII. */
static char *
jid_fold(const char *s, gssize len)
{
	char *nfc, *low;

	if (jid_ascii(s, len))
		return g_ascii_strdown(s, len);
	nfc = g_utf8_normalize(s, len, G_NORMALIZE_NFC);
	low = g_utf8_strdown(nfc, -1);
	g_free(nfc);
	return low;
}

/* Normalise a localpart (NFC, lower case); NULL with *err if invalid. */
static char *
jid_local(const char *s, size_t len, const char **err)
{
	char *low;

	if (!jid_part_ok(s, len, &local_rules, err))
		return NULL;
	for (const char *p = s; p < s + len; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (strchr("\"&'/:<>@", (int)c) != NULL && c < 0x80) {
			*err = "localpart contains one of \" & ' / : < > @";
			return NULL;
		}
		if (g_unichar_isspace(c) || jid_char_control(c)) {
			*err = "localpart contains a space or control character";
			return NULL;
		}
	}
	low = jid_fold(s, (gssize)len);
	if (strlen(low) > JID_PART_MAX) {
		g_free(low);
		*err = local_rules.too_long;
		return NULL;
	}
	return low;
}

/* Normalise a domainpart; NULL with *err if invalid. */
static char *
jid_domain(const char *s, size_t len, const char **err)
{
	char *d, *low;

	if (len > 0 && s[len - 1] == '.')
		len--;
	if (!jid_part_ok(s, len, &domain_rules, err))
		return NULL;
	d = g_strndup(s, len);
	if (d[0] == '[') {
		struct in6_addr a6;
		if (len < 3 || d[len - 1] != ']') {
			*err = "unterminated IPv6 address in domain";
			g_free(d);
			return NULL;
		}
		d[len - 1] = '\0';
		if (inet_pton(AF_INET6, d + 1, &a6) != 1) {
			*err = "invalid IPv6 address in domain";
			g_free(d);
			return NULL;
		}
		d[len - 1] = ']';
		low = g_ascii_strdown(d, -1);
		g_free(d);
		return low;
	}
	for (const char *p = d; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c < 0x80 && !g_ascii_isalnum((int)c) && c != '-' && c != '.' && c != '_') {
			*err = "domain contains a character that is not allowed in a host name";
			g_free(d);
			return NULL;
		}
		if (c >= 0x80 && (g_unichar_isspace(c) || jid_char_control(c))) {
			*err = "domain contains a space or control character";
			g_free(d);
			return NULL;
		}
	}
	/* each label: 1 to 63 bytes, not starting or ending with '-' */
	for (const char *l = d;;) {
		const char *dot = strchr(l, '.');
		size_t ll = dot != NULL ? (size_t)(dot - l) : strlen(l);
		if (ll == 0 || ll > 63) {
			*err = ll == 0 ? "domain has an empty label" : "domain label longer than 63 bytes";
			g_free(d);
			return NULL;
		}
		if (l[0] == '-' || l[ll - 1] == '-') {
			*err = "domain label starts or ends with '-'";
			g_free(d);
			return NULL;
		}
		if (dot == NULL)
			break;
		l = dot + 1;
	}
	low = jid_fold(d, -1);
	g_free(d);
	if (strlen(low) > JID_PART_MAX) {
		g_free(low);
		*err = domain_rules.too_long;
		return NULL;
	}
	return low;
}

/* Check a resourcepart (kept as given, NFC); NULL with *err if invalid. */
static char *
jid_resource(const char *s, size_t len, const char **err)
{
	if (!jid_part_ok(s, len, &resource_rules, err))
		return NULL;
	for (const char *p = s; p < s + len; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (jid_char_control(c) || (g_unichar_isspace(c) && c != ' ')) {
			*err = "resource contains a control character";
			return NULL;
		}
	}
	return jid_ascii(s, (gssize)len) ? g_strndup(s, len)
	                                 : g_utf8_normalize(s, (gssize)len, G_NORMALIZE_NFC);
}

struct jid *
jid_parse(const char *s, const char **err)
{
	const char *dummy;
	const char *slash, *at, *dstart;
	size_t barelen;
	struct jid *j;

	if (err == NULL)
		err = &dummy;
	if (s == NULL || *s == '\0') {
		*err = "empty JID";
		return NULL;
	}
	j = g_new0(struct jid, 1);
	slash = strchr(s, '/');
	barelen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	at = memchr(s, '@', barelen);
	dstart = s;
	if (at != NULL) {
		j->local = jid_local(s, (size_t)(at - s), err);
		if (j->local == NULL)
			goto fail;
		dstart = at + 1;
	}
	if (memchr(dstart, '@', barelen - (size_t)(dstart - s)) != NULL) {
		*err = "more than one '@' before the resource";
		goto fail;
	}
	j->domain = jid_domain(dstart, barelen - (size_t)(dstart - s), err);
	if (j->domain == NULL)
		goto fail;
	if (slash != NULL) {
		j->resource = jid_resource(slash + 1, strlen(slash + 1), err);
		if (j->resource == NULL)
			goto fail;
	}
	j->bare = j->local != NULL ? g_strconcat(j->local, "@", j->domain, NULL)
	                           : g_strdup(j->domain);
	j->full = j->resource != NULL ? g_strconcat(j->bare, "/", j->resource, NULL)
	                              : g_strdup(j->bare);
	return j;
fail:
	jid_free(j);
	return NULL;
}

void
jid_free(struct jid *j)
{
	if (j == NULL)
		return;
	g_free(j->local);
	g_free(j->domain);
	g_free(j->resource);
	g_free(j->bare);
	g_free(j->full);
	g_free(j);
}

bool
jid_valid(const char *s, const char **err)
{
	struct jid *j = jid_parse(s, err);
	bool ok = j != NULL;

	jid_free(j);
	return ok;
}

char *
jid_bare(const char *s)
{
	struct jid *j = jid_parse(s, NULL);
	char *bare;

	if (j == NULL)
		return NULL;
	bare = g_strdup(j->bare);
	jid_free(j);
	return bare;
}

static bool
jid_compare(const char *a, const char *b, bool full)
{
	struct jid *ja, *jb;
	bool eq;

	/* the same text: equal if it is a JID at all (one parse, not two:
	 * this runs for several addresses of every message) */
	if (a != NULL && b != NULL && strcmp(a, b) == 0)
		return jid_valid(a, NULL);
	ja = jid_parse(a, NULL);
	jb = jid_parse(b, NULL);
	eq = ja != NULL && jb != NULL &&
	    strcmp(full ? ja->full : ja->bare, full ? jb->full : jb->bare) == 0;
	jid_free(ja);
	jid_free(jb);
	return eq;
}

bool
jid_bare_equal(const char *a, const char *b)
{
	return jid_compare(a, b, false);
}

bool
jid_equal(const char *a, const char *b)
{
	return jid_compare(a, b, true);
}
