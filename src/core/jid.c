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
	GUnicodeType t;

	if (c < 0x80) /* ASCII's controls; it has no other type listed here */
		return c < 0x20 || c == 0x7f;
	t = g_unichar_type(c);

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

/* A part in its normal form: text[0..len), put in lower case as it is
 * copied when fold (ASCII parts stay in the input); own is the
 * allocation behind text (parts beyond ASCII), or NULL. */
struct jid_norm {
	const char *text;
	size_t len;
	bool fold;
	char *own;
};

/* Set n to s[0..len) as it is (ASCII, lower-cased on copy when fold), or
 * to its normal form made by norm (to free); false with *err when that is
 * longer than a part may be. */
static bool
jid_norm_set(struct jid_norm *n, const char *s, size_t len, bool fold, char *(*norm)(const char *,
    gssize), const struct jid_part_rules *r, const char **err)
{
	if (jid_ascii(s, (gssize)len)) {
		*n = (struct jid_norm){ s, len, fold, NULL };
		return true;
	}
	n->own = norm(s, (gssize)len);
	n->text = n->own;
	n->len = strlen(n->own);
	n->fold = false;
	if (n->len > JID_PART_MAX) {
		*err = r->too_long;
		return false;
	}
	return true;
}

/* NFC and lower case of s[0..len), beyond ASCII (to free). */
static char *
jid_fold(const char *s, gssize len)
{
	char *nfc = g_utf8_normalize(s, len, G_NORMALIZE_NFC);
	char *low = g_utf8_strdown(nfc, -1);

	g_free(nfc);
	return low;
}

/* NFC of s[0..len) (to free). */
static char *
jid_nfc(const char *s, gssize len)
{
	return g_utf8_normalize(s, len, G_NORMALIZE_NFC);
}

/* Check a localpart and find its normal form (NFC, lower case) in *n;
 * false with *err if invalid. */
static bool
jid_local(const char *s, size_t len, struct jid_norm *n, const char **err)
{
	if (!jid_part_ok(s, len, &local_rules, err))
		return false;
	for (const char *p = s; p < s + len; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c < 0x80 && strchr("\"&'/:<>@", (int)c) != NULL) {
			*err = "localpart contains one of \" & ' / : < > @";
			return false;
		}
		if (c < 0x80 ? c <= ' ' || c == 0x7f : g_unichar_isspace(c) || jid_char_control(c)) {
			*err = "localpart contains a space or control character";
			return false;
		}
	}
	return jid_norm_set(n, s, len, true, jid_fold, &local_rules, err);
}

/* True when s[0..len) is a bracketed IPv6 address. */
static bool
jid_ipv6(const char *s, size_t len, const char **err)
{
	char addr[INET6_ADDRSTRLEN + 8];
	struct in6_addr a6;

	if (len < 3 || s[len - 1] != ']') {
		*err = "unterminated IPv6 address in domain";
		return false;
	}
	if (len - 2 >= sizeof addr) {
		*err = "invalid IPv6 address in domain";
		return false;
	}
	memcpy(addr, s + 1, len - 2);
	addr[len - 2] = '\0';
	if (inet_pton(AF_INET6, addr, &a6) != 1) {
		*err = "invalid IPv6 address in domain";
		return false;
	}
	return true;
}

/* Check a domainpart and find its normal form in *n; false with *err if
 * invalid. */
static bool
jid_domain(const char *s, size_t len, struct jid_norm *n, const char **err)
{
	const char *end, *l;

	if (len > 0 && s[len - 1] == '.')
		len--;
	if (!jid_part_ok(s, len, &domain_rules, err))
		return false;
	if (s[0] == '[') {
		if (!jid_ipv6(s, len, err))
			return false;
		*n = (struct jid_norm){ s, len, true, NULL };
		return true;
	}
	end = s + len;
	for (const char *p = s; p < end; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c < 0x80 && !g_ascii_isalnum((int)c) && c != '-' && c != '.' && c != '_') {
			*err = "domain contains a character that is not allowed in a host name";
			return false;
		}
		if (c >= 0x80 && (g_unichar_isspace(c) || jid_char_control(c))) {
			*err = "domain contains a space or control character";
			return false;
		}
	}
	/* each label: 1 to 63 bytes, not starting or ending with '-' */
	for (l = s;;) {
		const char *dot = memchr(l, '.', (size_t)(end - l));
		size_t ll = (size_t)((dot != NULL ? dot : end) - l);
		if (ll == 0 || ll > 63) {
			*err = ll == 0 ? "domain has an empty label" : "domain label longer than 63 bytes";
			return false;
		}
		if (l[0] == '-' || l[ll - 1] == '-') {
			*err = "domain label starts or ends with '-'";
			return false;
		}
		if (dot == NULL)
			break;
		l = dot + 1;
	}
	return jid_norm_set(n, s, len, true, jid_fold, &domain_rules, err);
}

/* Check a resourcepart and find its normal form (as given, NFC) in *n;
 * false with *err if invalid. */
static bool
jid_resource(const char *s, size_t len, struct jid_norm *n, const char **err)
{
	if (!jid_part_ok(s, len, &resource_rules, err))
		return false;
	for (const char *p = s; p < s + len; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (jid_char_control(c) || (c >= 0x80 && g_unichar_isspace(c))) {
			*err = "resource contains a control character";
			return false;
		}
	}
	return jid_norm_set(n, s, len, false, jid_nfc, &resource_rules, err);
}

/* Copy part n to p (no terminator); returns the end. */
static char *
jid_put(char *p, const struct jid_norm *n)
{
	memcpy(p, n->text, n->len);
	if (n->fold) {
		for (size_t i = 0; i < n->len; i++)
			p[i] = g_ascii_tolower(p[i]);
	}
	return p + n->len;
}

/* Copy the bare JID of parts l (text NULL: none) and d to p, terminated;
 * returns the byte after it. */
static char *
jid_put_bare(char *p, const struct jid_norm *l, const struct jid_norm *d)
{
	if (l->text != NULL) {
		p = jid_put(p, l);
		*p++ = '@';
	}
	p = jid_put(p, d);
	*p++ = '\0';
	return p;
}

struct jid *
jid_parse(const char *s, const char **err)
{
	const char *dummy;
	const char *slash, *at, *dstart;
	struct jid_norm l = { 0 }, d = { 0 }, r = { 0 };
	size_t barelen, bl, size;
	struct jid *j = NULL;
	char *p;

	if (err == NULL)
		err = &dummy;
	if (s == NULL || *s == '\0') {
		*err = "empty JID";
		return NULL;
	}
	slash = strchr(s, '/');
	barelen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	at = memchr(s, '@', barelen);
	dstart = at != NULL ? at + 1 : s;
	if (at != NULL && !jid_local(s, (size_t)(at - s), &l, err))
		goto done;
	if (memchr(dstart, '@', barelen - (size_t)(dstart - s)) != NULL) {
		*err = "more than one '@' before the resource";
		goto done;
	}
	if (!jid_domain(dstart, barelen - (size_t)(dstart - s), &d, err))
		goto done;
	if (slash != NULL && !jid_resource(slash + 1, strlen(slash + 1), &r, err))
		goto done;
	/* one block: the struct, then full, bare, local, domain, resource */
	bl = (l.text != NULL ? l.len + 1 : 0) + d.len;
	size = sizeof *j + (bl + (r.text != NULL ? r.len + 1 : 0) + 1) + (bl + 1) +
	    (l.text != NULL ? l.len + 1 : 0) + d.len + 1 + (r.text != NULL ? r.len + 1 : 0);
	j = g_malloc(size);
	p = (char *)(j + 1);
	j->full = p;
	p = jid_put_bare(p, &l, &d);
	if (r.text != NULL) {
		p[-1] = '/';
		p = jid_put(p, &r);
		*p++ = '\0';
	}
	j->bare = p;
	p = jid_put_bare(p, &l, &d);
	j->local = NULL;
	if (l.text != NULL) {
		j->local = p;
		p = jid_put(p, &l);
		*p++ = '\0';
	}
	j->domain = p;
	p = jid_put(p, &d);
	*p++ = '\0';
	j->resource = NULL;
	if (r.text != NULL) {
		j->resource = p;
		p = jid_put(p, &r);
		*p++ = '\0';
	}
	g_assert((size_t)(p - (char *)j) == size);
done:
	g_free(l.own);
	g_free(d.own);
	g_free(r.own);
	return j;
}

void
jid_free(struct jid *j)
{
	/* one block (jid_parse) */
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
