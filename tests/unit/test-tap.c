/* test-tap.c - tap_redact() in src/xmpp/tap.c: SASL payloads and passwords
 * never reach the console, the debug log or a saved file. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <libxml/parser.h>

#include "session.h"

#define SASL_NS "urn:ietf:params:xml:ns:xmpp-sasl"

/* True when s is one well-formed XML document. */
static bool
well_formed(const char *s)
{
	xmlDocPtr doc = xmlReadMemory(s, (int)strlen(s), "tap.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	bool ok = doc != NULL;

	xmlFreeDoc(doc);
	return ok;
}

/* Count the occurrences of needle in s. */
static unsigned
occurrences(const char *s, const char *needle)
{
	unsigned n = 0;

	for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* Redact in; every secret must be gone, every keep must remain, and
 * removed markers must be there.  Returns the output (to free). */
static char *
redact_at(const char *in, const char *const *secrets, const char *const *keeps, unsigned removed,
    const char *file, int line)
{
	char *out = tap_redact(in);
	bool ok = out != NULL;

	for (const char *const *s = secrets; ok && *s != NULL; s++) {
		if (strstr(out, *s) != NULL) {
			print_error("secret '%s' left in: %s\n", *s, out);
			ok = false;
		}
	}
	for (const char *const *k = keeps; ok && *k != NULL; k++) {
		if (strstr(out, *k) == NULL) {
			print_error("'%s' lost from: %s\n", *k, out);
			ok = false;
		}
	}
	if (ok && occurrences(out, "removed") != removed) {
		print_error("want %u markers in: %s\n", removed, out);
		ok = false;
	}
	_assert_true(cast_to_largest_integral_type(ok), in, file, line);
	return out;
}

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define REDACT(in, secrets, keeps, n) redact_at((in), (secrets), (keeps), (n), __FILE__, __LINE__)

/* The output must equal the input. */
static void
unchanged_at(const char *in, const char *file, int line)
{
	char *out = tap_redact(in);

	_assert_string_equal(out, in, file, line);
	g_free(out);
}

#define UNCHANGED(in) unchanged_at((in), __FILE__, __LINE__)

static void
test_auth(void **state)
{
	const char *in = "<auth xmlns='" SASL_NS "' mechanism='PLAIN'>AGFsaWNlAHMzY3JldA==</auth>";
	char *out = REDACT(in, LIST("AGFsaWNlAHMzY3JldA"),
	    LIST("<auth xmlns='" SASL_NS "' mechanism='PLAIN'>"), 1);

	assert_true(g_str_has_suffix(out, "</auth>"));
	assert_true(well_formed(out));
	g_free(out);
}

static void
test_response_challenge_success(void **state)
{
	char *out;

	out = REDACT("<challenge xmlns='" SASL_NS "'>cj1meWtvK2QybGJiRmdPTlJ2OXFreGRh</challenge>",
	    LIST("cj1meWtvK2QybGJiRmdPTlJ2OXFreGRh"), LIST("<challenge xmlns='" SASL_NS "'>",
	    "</challenge>"), 1);
	assert_true(well_formed(out));
	g_free(out);
	out = REDACT("<response xmlns=\"" SASL_NS "\">Yz1iaXdzLHI9Znlrbytk</response>",
	    LIST("Yz1iaXdzLHI9Znlrbytk"), LIST("<response xmlns=\"" SASL_NS "\">", "</response>"), 1);
	assert_true(well_formed(out));
	g_free(out);
	out = REDACT("<success xmlns='" SASL_NS "'>dj1ybUY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9</success>",
	    LIST("dj1ybUY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9"), LIST("</success>"), 1);
	assert_true(well_formed(out));
	g_free(out);
}

static void
test_prefixed(void **state)
{
	char *out = REDACT("<sasl:auth xmlns:sasl='" SASL_NS "' mechanism='SCRAM-SHA-1'>"
	    "biwsbj1hbGljZSxyPWZ5a28rZDJsYmJGZ09OUnY5cWt4ZGF3TA==</sasl:auth>",
	    LIST("biwsbj1hbGljZSxyPWZ5a28rZDJsYmJGZ09OUnY5cWt4ZGF3TA"),
	    LIST("<sasl:auth xmlns:sasl='" SASL_NS "' mechanism='SCRAM-SHA-1'>"), 1);

	g_free(out);
	out = REDACT("<s:response xmlns:s='" SASL_NS "'>c2VjcmV0cHJvb2Y=</s:response>",
	    LIST("c2VjcmV0cHJvb2Y"), LIST("<s:response xmlns:s='" SASL_NS "'>"), 1);
	g_free(out);
}

/* BUG (src/xmpp/tap.c:43, tap_redact_cb): the closing tag is rebuilt from
 * the local name alone, so <sasl:auth>...</sasl:auth> comes out as
 * <sasl:auth>[...]</auth>, which is not XML: the console's libxml2
 * pretty-printer and XPath filters cannot read it.  Keep the prefix (e.g.
 * capture the whole closing tag and append it as it was). */
static void
test_prefixed_stays_well_formed(void **state)
{
	char *out = tap_redact("<sasl:auth xmlns:sasl='" SASL_NS "' mechanism='PLAIN'>"
	    "AGFsaWNlAHMzY3JldA==</sasl:auth>");

	bool hidden = strstr(out, "AGFsaWNlAHMzY3JldA") == NULL;
	bool ok = g_str_has_suffix(out, "</sasl:auth>") && well_formed(out);

	if (!ok)
		print_error("not well-formed: %s\n", out);
	g_free(out);
	assert_true(hidden);
	assert_true(ok);
}

static void
test_password(void **state)
{
	const char *in = "<iq type='set' id='reg2'><query xmlns='jabber:iq:register'>"
	    "<username>bill</username><password>Calliope-42</password>"
	    "<email>bard@shakespeare.lit</email></query></iq>";
	char *out = REDACT(in, LIST("Calliope-42"),
	    LIST("<username>bill</username>", "<password>", "</password>",
	    "<email>bard@shakespeare.lit</email></query></iq>"), 1);

	assert_true(well_formed(out));
	g_free(out);
	/* a room password (XEP-0045) */
	out = REDACT("<presence to='room@muc.example.org/me'><x xmlns='http://jabber.org/protocol/muc'>"
	    "<password>cauldronburn</password></x></presence>", LIST("cauldronburn"),
	    LIST("<x xmlns='http://jabber.org/protocol/muc'><password>"), 1);
	assert_true(well_formed(out));
	g_free(out);
}

static void
test_self_closing_left_alone(void **state)
{
	UNCHANGED("<auth xmlns='" SASL_NS "' mechanism='EXTERNAL'/>");
	UNCHANGED("<auth/>");
	UNCHANGED("<success xmlns='" SASL_NS "'/>");
	UNCHANGED("<success/>");
	UNCHANGED("<response xmlns='" SASL_NS "' />");
	UNCHANGED("<query xmlns='jabber:iq:register'><username/><password/></query>");
	/* empty elements have nothing to hide */
	UNCHANGED("<auth xmlns='" SASL_NS "' mechanism='EXTERNAL'></auth>");
	UNCHANGED("<password></password>");
	/* a self-closing element followed by a secret one: only the secret goes */
	{
		char *out = REDACT("<success xmlns='" SASL_NS "'/><response>cHJvb2Y=</response>",
		    LIST("cHJvb2Y"), LIST("<success xmlns='" SASL_NS "'/><response>"), 1);
		g_free(out);
	}
}

static void
test_unrelated_untouched(void **state)
{
	UNCHANGED("<authentication xmlns='urn:xmpp:sasl:2'><mechanism>PLAIN</mechanism></authentication>");
	UNCHANGED("<message to='bob@example.org'><body>my password is hunter2</body></message>");
	UNCHANGED("<message><body>&lt;auth&gt;not a stanza&lt;/auth&gt;</body></message>");
	UNCHANGED("<successor>x</successor>");
	UNCHANGED("<responses>x</responses>");
	UNCHANGED("<authzid>x</authzid>");
	UNCHANGED("<passwords>x</passwords>");
	UNCHANGED("<mechanisms xmlns='" SASL_NS "'><mechanism>SCRAM-SHA-1</mechanism>"
	    "<mechanism>PLAIN</mechanism></mechanisms>");
	UNCHANGED("<failure xmlns='" SASL_NS "'><not-authorized/></failure>");
	UNCHANGED("<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>");
	UNCHANGED("");
	UNCHANGED("plain text, no XML");
}

static void
test_several_secrets(void **state)
{
	const char *in =
	    "<auth xmlns='" SASL_NS "' mechanism='SCRAM-SHA-1'>FIRSTsecret</auth>"
	    "<challenge xmlns='" SASL_NS "'>SECONDsecret</challenge>"
	    "<response xmlns='" SASL_NS "'>THIRDsecret</response>"
	    "<success xmlns='" SASL_NS "'>FOURTHsecret</success>"
	    "<iq><query xmlns='jabber:iq:register'><password>FIFTHsecret</password></query></iq>"
	    "<message><body>keep me</body></message>";
	char *out = REDACT(in, LIST("FIRSTsecret", "SECONDsecret", "THIRDsecret", "FOURTHsecret",
	    "FIFTHsecret"), LIST("<body>keep me</body>", "</auth>", "</challenge>", "</response>",
	    "</success>", "</password>"), 5);

	g_free(out);
}

static void
test_multiline(void **state)
{
	char *out = REDACT("<response xmlns='" SASL_NS "'>\n  bGluZTE=\r\n  bGluZTI=\n</response>\n<r/>",
	    LIST("bGluZTE", "bGluZTI"), LIST("</response>\n<r/>"), 1);

	g_free(out);
	out = REDACT("<auth\n  xmlns='" SASL_NS "'\n  mechanism='PLAIN'>AHUAcGFzcw==</auth>",
	    LIST("AHUAcGFzcw"), LIST("mechanism='PLAIN'>"), 1);
	g_free(out);
	out = REDACT("<password>hunter\ntwo</password>", LIST("hunter", "\ntwo"), LIST("<password>"), 1);
	g_free(out);
}

static void
test_log_line_prefix_kept(void **state)
{
	/* the tap sees whole log lines: "SENT: " and "RECV: " stay */
	char *out = REDACT("SENT: <auth xmlns='" SASL_NS "' mechanism='PLAIN'>AHVzZXIAcHc=</auth>",
	    LIST("AHVzZXIAcHc"), LIST("SENT: <auth "), 1);

	g_free(out);
	out = REDACT("RECV: <success xmlns='" SASL_NS "'>dj1zaWduYXR1cmU=</success> trailing",
	    LIST("dj1zaWduYXR1cmU"), LIST("RECV: <success", "</success> trailing"), 1);
	g_free(out);
}

static void
test_odd_markup(void **state)
{
	char *out;

	/* whitespace before the '>' of the closing tag */
	out = REDACT("<auth mechanism='PLAIN'>c2VjcmV0MQ==</auth >", LIST("c2VjcmV0MQ"),
	    LIST("<auth mechanism='PLAIN'>"), 1);
	g_free(out);
	/* a '>' inside an attribute value (legal XML) */
	out = REDACT("<auth mechanism='A>B'>c2VjcmV0Mg==</auth>", LIST("c2VjcmV0Mg"), LIST("<auth"), 1);
	g_free(out);
	/* a tab after the name */
	out = REDACT("<response\txmlns='" SASL_NS "'>c2VjcmV0Mw==</response>", LIST("c2VjcmV0Mw"),
	    LIST("</response>"), 1);
	g_free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth),
		cmocka_unit_test(test_response_challenge_success),
		cmocka_unit_test(test_prefixed),
		cmocka_unit_test(test_prefixed_stays_well_formed),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_self_closing_left_alone),
		cmocka_unit_test(test_unrelated_untouched),
		cmocka_unit_test(test_several_secrets),
		cmocka_unit_test(test_multiline),
		cmocka_unit_test(test_log_line_prefix_kept),
		cmocka_unit_test(test_odd_markup),
	};
	int rc;

	xmlInitParser();
	rc = cmocka_run_group_tests_name("tap", tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
