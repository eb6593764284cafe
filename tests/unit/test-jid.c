/* test-jid.c - src/core/jid.c: parsing and comparing JIDs (RFC 7622). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "natter/jid.h"

/* Parse s and check each part (NULL: absent); reports the caller's line. */
static void
jid_ok_at(const char *s, const char *local, const char *domain, const char *resource,
    const char *file, int line)
{
	const char *err = NULL;
	struct jid *j = jid_parse(s, &err);
	char *bare, *full;

	if (j == NULL)
		print_error("'%s' refused: %s\n", s, err != NULL ? err : "(no reason)");
	_assert_true(cast_to_largest_integral_type(j != NULL), "jid_parse", file, line);
	if (local == NULL)
		_assert_true(cast_to_largest_integral_type(j->local == NULL), "local absent", file, line);
	else
		_assert_string_equal(j->local != NULL ? j->local : "(null)", local, file, line);
	_assert_string_equal(j->domain, domain, file, line);
	if (resource == NULL)
		_assert_true(cast_to_largest_integral_type(j->resource == NULL), "resource absent",
		    file, line);
	else
		_assert_string_equal(j->resource != NULL ? j->resource : "(null)", resource, file, line);
	bare = local != NULL ? g_strdup_printf("%s@%s", local, domain) : g_strdup(domain);
	full = resource != NULL ? g_strdup_printf("%s/%s", bare, resource) : g_strdup(bare);
	_assert_string_equal(j->bare, bare, file, line);
	_assert_string_equal(j->full, full, file, line);
	_assert_true(cast_to_largest_integral_type(jid_valid(s, NULL)), "jid_valid", file, line);
	g_free(bare);
	g_free(full);
	jid_free(j);
}

/* Check that s is refused with a reason. */
static void
jid_bad_at(const char *s, const char *file, int line)
{
	const char *err = NULL;
	struct jid *j = jid_parse(s, &err);

	if (j != NULL)
		print_error("'%s' accepted as %s\n", s, j->full);
	_assert_true(cast_to_largest_integral_type(j == NULL), "jid_parse refuses", file, line);
	_assert_true(cast_to_largest_integral_type(err != NULL && *err != '\0'), "a reason",
	    file, line);
	err = NULL;
	_assert_true(cast_to_largest_integral_type(!jid_valid(s, &err)), "jid_valid refuses",
	    file, line);
	_assert_true(cast_to_largest_integral_type(err != NULL), "jid_valid reason", file, line);
	/* a NULL err pointer is allowed */
	_assert_true(cast_to_largest_integral_type(jid_parse(s, NULL) == NULL), "err NULL",
	    file, line);
	jid_free(j);
}

#define JID_OK(s, l, d, r) jid_ok_at((s), (l), (d), (r), __FILE__, __LINE__)
#define JID_BAD(s) jid_bad_at((s), __FILE__, __LINE__)

/* A string of n copies of c (to free). */
static char *
rep(char c, size_t n)
{
	return g_strnfill(n, c);
}

/* A valid host name of exactly n bytes: labels of 60 'x' joined by dots. */
static char *
long_domain(size_t n)
{
	char *d = g_malloc(n + 1);

	for (size_t i = 0; i < n; i++)
		d[i] = (i + 1) % 61 == 0 && i + 2 < n ? '.' : 'x';
	d[n] = '\0';
	return d;
}

static void
test_forms(void **state)
{
	JID_OK("example.com", NULL, "example.com", NULL);
	JID_OK("alice@example.com", "alice", "example.com", NULL);
	JID_OK("alice@example.com/phone", "alice", "example.com", "phone");
	JID_OK("example.com/service", NULL, "example.com", "service");
	JID_OK("localhost", NULL, "localhost", NULL);
	JID_OK("a@b", "a", "b", NULL);
}

static void
test_empty(void **state)
{
	const char *err = NULL;

	assert_null(jid_parse("", &err));
	assert_non_null(err);
	assert_null(jid_parse(NULL, NULL));
	assert_false(jid_valid("", NULL));
	assert_null(jid_bare(""));
	jid_free(NULL);
}

static void
test_case_folding(void **state)
{
	JID_OK("Alice@Example.COM/Phone", "alice", "example.com", "Phone");
	JID_OK("EXAMPLE.ORG/MixedCase", NULL, "example.org", "MixedCase");
	/* UTF-8: Ä -> ä in the localpart, É -> é in the domain, the resource kept */
	JID_OK("\xc3\x84lice@\xc3\x89xample.com/\xc3\x84", "\xc3\xa4lice", "\xc3\xa9xample.com",
	    "\xc3\x84");
	/* Greek capital sigma etc. */
	JID_OK("\xce\xa3\xce\x91@d", "\xcf\x83\xce\xb1", "d", NULL);
}

static void
test_nfc(void **state)
{
	/* e + combining acute is stored as precomposed é */
	JID_OK("e\xcc\x81@example.com/e\xcc\x81", "\xc3\xa9", "example.com", "\xc3\xa9");
	assert_true(jid_equal("e\xcc\x81@d", "\xc3\xa9@d"));
}

static void
test_trailing_dot(void **state)
{
	JID_OK("alice@example.com.", "alice", "example.com", NULL);
	JID_OK("example.com./r", NULL, "example.com", "r");
	JID_OK("a@192.0.2.1.", "a", "192.0.2.1", NULL);
	assert_true(jid_equal("a@example.com.", "a@example.com"));
	/* only one dot goes: a second one leaves an empty label */
	JID_BAD("a@example.com..");
	/* nothing left */
	JID_BAD("a@.");
	JID_BAD(".");
}

static void
test_ip_domains(void **state)
{
	JID_OK("a@192.0.2.1", "a", "192.0.2.1", NULL);
	JID_OK("a@127.0.0.1/r", "a", "127.0.0.1", "r");
	JID_OK("a@[::1]", "a", "[::1]", NULL);
	JID_OK("a@[2001:db8::1]/res", "a", "[2001:db8::1]", "res");
	JID_OK("[2001:db8::1]", NULL, "[2001:db8::1]", NULL);
	JID_OK("a@[::ffff:192.0.2.1]", "a", "[::ffff:192.0.2.1]", NULL);
	/* hex digits compare without case */
	assert_true(jid_equal("a@[2001:DB8::A]", "a@[2001:db8::a]"));
}

static void
test_ipv6_invalid(void **state)
{
	JID_BAD("a@[2001:db8::g]");
	JID_BAD("a@[::1");
	JID_BAD("a@[::1]x");
	JID_BAD("a@[]");
	JID_BAD("a@[");
	JID_BAD("a@[1:2:3:4:5:6:7:8:9]");
	JID_BAD("a@[192.0.2.1]");
	/* longer than any address: refused without being copied anywhere */
	JID_BAD("a@[0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000]");
	JID_BAD("a@[::1]]");
	/* unbracketed: ':' is not a host name character */
	JID_BAD("a@::1");
	JID_BAD("a@2001:db8::1");
}

static void
test_empty_parts(void **state)
{
	JID_BAD("@example.com");
	JID_BAD("@example.com/r");
	JID_BAD("a@example.com/");
	JID_BAD("example.com/");
	JID_BAD("a@");
	JID_BAD("a@/r");
	JID_BAD("/r");
	JID_BAD("@");
}

static void
test_at_and_slash(void **state)
{
	JID_BAD("a@b@example.com");
	JID_BAD("a@@example.com");
	JID_BAD("a@b@c/r");
	/* after the first slash everything belongs to the resource */
	JID_OK("a@d/r@x/y", "a", "d", "r@x/y");
	JID_OK("a@d//", "a", "d", "/");
	/* an '@' after the slash does not make a localpart */
	JID_OK("d/r@x", NULL, "d", "r@x");
	JID_OK("a/b@d", NULL, "a", "b@d");
	/* spaces are allowed in a resource */
	JID_OK("a@d/r x", "a", "d", "r x");
}

static void
test_local_forbidden(void **state)
{
	const char forbidden[] = "\"&':<>";

	for (const char *c = forbidden; *c != '\0'; c++) {
		char *s = g_strdup_printf("a%cb@example.com", *c);
		char *t = g_strdup_printf("%c@example.com", *c);
		JID_BAD(s);
		JID_BAD(t);
		g_free(s);
		g_free(t);
	}
	JID_BAD("a b@example.com");
	JID_BAD(" a@example.com");
	JID_BAD("a\tb@example.com");
	JID_BAD("a\xc2\xa0" "b@example.com");  /* no-break space */
	JID_BAD("a\xe3\x80\x80" "b@example.com"); /* ideographic space */
	/* the same characters are fine in a resource */
	JID_OK("a@d/\"&':<>", "a", "d", "\"&':<>");
	/* and characters whose UTF-8 tail byte is 0x40 ('@') are not '@' */
	JID_OK("\xc5\x80@d", "\xc5\x80", "d", NULL);
}

static void
test_controls(void **state)
{
	/* localpart */
	JID_BAD("a\x01" "b@d");
	JID_BAD("a\x7f" "b@d");
	JID_BAD("a\x1b" "b@d");
	JID_BAD("a\xc2\x85" "b@d");  /* NEL, a C1 control */
	JID_BAD("a\xe2\x80\x8e" "b@d"); /* left-to-right mark (format) */
	/* domain */
	JID_BAD("a@d\x01" ".com");
	JID_BAD("a@d\x7f");
	JID_BAD("a@d\n");
	JID_BAD("a@d\xc2\x85" ".com");
	JID_BAD("a@d\xc2\xa0" ".com");
	JID_BAD("a@d e.com");
	/* resource */
	JID_BAD("a@d/r\x01");
	JID_BAD("a@d/r\x7f");
	JID_BAD("a@d/r\tx");
	JID_BAD("a@d/r\nx");
	JID_BAD("a@d/\x1b[31m");
	JID_BAD("a@d/r\xc2\x85");
	JID_BAD("a@d/\xe2\x80\xa8");  /* line separator */
}

static void
test_length_local(void **state)
{
	char *l1023 = rep('a', 1023), *l1024 = rep('a', 1024);
	char *ok = g_strdup_printf("%s@d", l1023), *bad = g_strdup_printf("%s@d", l1024);
	GString *u = g_string_new(NULL);
	char *s;

	JID_OK(ok, l1023, "d", NULL);
	JID_BAD(bad);
	/* bytes, not characters: 511 two-byte characters and one byte */
	for (int i = 0; i < 511; i++)
		g_string_append(u, "\xc3\xa9");
	g_string_append_c(u, 'a');
	s = g_strdup_printf("%s@d", u->str);
	JID_OK(s, u->str, "d", NULL);
	g_free(s);
	g_string_truncate(u, 1022);
	g_string_append(u, "\xc3\xa9");
	s = g_strdup_printf("%s@d", u->str);
	JID_BAD(s);
	g_free(s);
	/* the limit holds for the normal form: 341 U+0958 are 1023 bytes, and
	 * twice that in NFC (each decomposes), so no part may take them */
	g_string_truncate(u, 0);
	for (int i = 0; i < 341; i++)
		g_string_append(u, "\xe0\xa5\x98");
	s = g_strdup_printf("a@b/%s", u->str);
	JID_BAD(s);
	g_free(s);
	s = g_strdup_printf("%s@b", u->str);
	JID_BAD(s);
	g_free(s);
	g_string_free(u, TRUE);
	g_free(l1023);
	g_free(l1024);
	g_free(ok);
	g_free(bad);
}

static void
test_length_domain(void **state)
{
	char *d1023 = long_domain(1023), *d1024 = long_domain(1024);
	char *s;

	assert_int_equal(strlen(d1023), 1023);
	JID_OK(d1023, NULL, d1023, NULL);
	s = g_strdup_printf("a@%s/r", d1023);
	JID_OK(s, "a", d1023, "r");
	g_free(s);
	/* the trailing dot does not count */
	s = g_strdup_printf("a@%s.", d1023);
	JID_OK(s, "a", d1023, NULL);
	g_free(s);
	JID_BAD(d1024);
	s = g_strdup_printf("a@%s/r", d1024);
	JID_BAD(s);
	g_free(s);
	g_free(d1023);
	g_free(d1024);
}

static void
test_length_resource(void **state)
{
	char *r1023 = rep('r', 1023), *r1024 = rep('r', 1024);
	char *ok = g_strdup_printf("a@d/%s", r1023), *bad = g_strdup_printf("a@d/%s", r1024);
	char *l = rep('l', 1023), *d = long_domain(1023);
	char *all = g_strdup_printf("%s@%s/%s", l, d, r1023);

	JID_OK(ok, "a", "d", r1023);
	JID_BAD(bad);
	/* every part at its limit at once */
	JID_OK(all, l, d, r1023);
	g_free(r1023);
	g_free(r1024);
	g_free(ok);
	g_free(bad);
	g_free(l);
	g_free(d);
	g_free(all);
}

static void
test_labels(void **state)
{
	char *l63 = rep('x', 63), *l64 = rep('x', 64);
	char *s;

	s = g_strdup_printf("a@%s.com", l63);
	JID_OK(s, "a", s + 2, NULL);
	g_free(s);
	s = g_strdup_printf("a@%s.com", l64);
	JID_BAD(s);
	g_free(s);
	s = g_strdup_printf("a@com.%s", l64);
	JID_BAD(s);
	g_free(s);
	JID_OK("a@x-y.example-1.com", "a", "x-y.example-1.com", NULL);
	JID_BAD("a@-example.com");
	JID_BAD("a@example-.com");
	JID_BAD("a@example.-com");
	JID_BAD("a@example.com-");
	JID_BAD("a@-");
	JID_BAD("a@d..com");
	JID_BAD("a@.d.com");
	JID_BAD("d..com");
	JID_BAD("a@exa!mple.com");
	JID_BAD("a@exa mple.com");
	g_free(l63);
	g_free(l64);
}

static void
test_invalid_utf8(void **state)
{
	JID_BAD("\xff@example.com");
	JID_BAD("a\xc3@example.com");          /* truncated sequence */
	JID_BAD("\xc0\xaf@example.com");        /* overlong '/' */
	JID_BAD("a@exam\xffple.com");
	JID_BAD("a@example.com\xc3");
	JID_BAD("a@example.com/\xff");
	JID_BAD("a@example.com/r\xed\xa0\x80"); /* a UTF-16 surrogate */
	JID_BAD("a@example.com/\xf8\x88\x80\x80\x80");
}

static void
test_bare(void **state)
{
	char *b;

	b = jid_bare("Alice@Example.com/Phone");
	assert_string_equal(b, "alice@example.com");
	g_free(b);
	b = jid_bare("Example.com/x");
	assert_string_equal(b, "example.com");
	g_free(b);
	b = jid_bare("a@d/r@x/y");
	assert_string_equal(b, "a@d");
	g_free(b);
	assert_null(jid_bare("a b@d"));
	assert_null(jid_bare("a@d/"));
	assert_null(jid_bare(""));
}

static void
test_bare_equal(void **state)
{
	assert_true(jid_bare_equal("alice@example.com", "alice@example.com"));
	assert_true(jid_bare_equal("Alice@EXAMPLE.com/a", "alice@example.com/b"));
	assert_true(jid_bare_equal("alice@example.com.", "ALICE@example.com"));
	assert_true(jid_bare_equal("example.com/x", "EXAMPLE.COM"));
	assert_false(jid_bare_equal("alice@example.com", "bob@example.com"));
	assert_false(jid_bare_equal("alice@example.com", "alice@example.org"));
	assert_false(jid_bare_equal("alice@example.com", "example.com"));
	/* invalid on either side (or both) is never equal */
	assert_false(jid_bare_equal("a b@example.com", "a b@example.com"));
	assert_false(jid_bare_equal("alice@example.com", "alice@example.com/"));
	assert_false(jid_bare_equal("", ""));
}

static void
test_equal(void **state)
{
	assert_true(jid_equal("alice@example.com/Phone", "ALICE@Example.Com/Phone"));
	assert_true(jid_equal("alice@example.com", "alice@example.com."));
	/* the resource is compared exactly */
	assert_false(jid_equal("alice@example.com/Phone", "alice@example.com/phone"));
	assert_false(jid_equal("alice@example.com", "alice@example.com/r"));
	assert_false(jid_equal("alice@example.com/r", "bob@example.com/r"));
	assert_false(jid_equal("a@d/r\x01", "a@d/r\x01"));
	assert_false(jid_equal("", ""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_case_folding),
		cmocka_unit_test(test_nfc),
		cmocka_unit_test(test_trailing_dot),
		cmocka_unit_test(test_ip_domains),
		cmocka_unit_test(test_ipv6_invalid),
		cmocka_unit_test(test_empty_parts),
		cmocka_unit_test(test_at_and_slash),
		cmocka_unit_test(test_local_forbidden),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_length_local),
		cmocka_unit_test(test_length_domain),
		cmocka_unit_test(test_length_resource),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_bare),
		cmocka_unit_test(test_bare_equal),
		cmocka_unit_test(test_equal),
	};

	return cmocka_run_group_tests_name("jid", tests, NULL, NULL);
}
