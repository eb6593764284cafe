/* test-stanza.c - src/core/stanza.c: checking typed XML before it is
 * sent, XPath filters over captured elements, pretty-printing. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <libxml/parser.h>

#include "natter/stanza.h"

static int ids_made;

/* new_id for stanza_check: "natter-1", "natter-2", ... */
static char *
make_id(void)
{
	return g_strdup_printf("natter-%d", ++ids_made);
}

/* stanza_check that must refuse xml; returns the message (to g_free). */
static char *
refused(const char *xml)
{
	char *id = (char *)"untouched", *err = NULL;
	char *out = stanza_check(xml, make_id, &id, &err);

	if (out != NULL)
		print_error("accepted %s as %s\n", xml, out);
	assert_null(out);
	assert_null(id);
	assert_non_null(err);
	assert_true(g_utf8_validate(err, -1, NULL));
	return err;
}

/* Assert that err contains each of the NULL-terminated strings. */
static void
says(const char *err, ...)
{
	va_list ap;
	const char *want;

	va_start(ap, err);
	while ((want = va_arg(ap, const char *)) != NULL) {
		if (strstr(err, want) == NULL)
			print_error("\"%s\" does not say \"%s\"\n", err, want);
		assert_non_null(strstr(err, want));
	}
	va_end(ap);
}

/* --- stanza_check ----------------------------------------------------- */

static void
test_check_accepts(void **state)
{
	char *id = (char *)"untouched", *err = NULL;
	char *out = stanza_check("<message to='juliet@example.com' type='chat'>"
	    "<body>hi &amp; bye &lt;3 caf\xc3\xa9</body></message>", make_id, &id, &err);

	assert_non_null(out);
	assert_null(err);
	assert_null(id);
	assert_string_equal(out, "<message to=\"juliet@example.com\" type=\"chat\">"
	    "<body>hi &amp; bye &lt;3 caf\xc3\xa9</body></message>");
	g_free(out);

	/* whitespace around the element is fine; a child's xmlns is kept */
	out = stanza_check("\n  <presence><x xmlns='http://jabber.org/protocol/muc'/>"
	    "</presence>\n\n", make_id, NULL, &err);
	assert_string_equal(out,
	    "<presence><x xmlns=\"http://jabber.org/protocol/muc\"/></presence>");
	assert_null(err);
	g_free(out);
	assert_int_equal(ids_made, 0);
}

static void
test_check_fills_iq_id(void **state)
{
	char *id = NULL, *err = NULL, *out;

	ids_made = 0;
	out = stanza_check("<iq type='get' to='example.com'><ping xmlns='urn:xmpp:ping'/></iq>",
	    make_id, &id, &err);
	assert_non_null(out);
	assert_null(err);
	assert_string_equal(id, "natter-1");
	assert_string_equal(out, "<iq type=\"get\" to=\"example.com\" id=\"natter-1\">"
	    "<ping xmlns=\"urn:xmpp:ping\"/></iq>");
	g_free(out);
	g_free(id);

	/* an existing id is kept and returned; new_id is not asked */
	out = stanza_check("<iq type='get' id='mine'><query xmlns='jabber:iq:roster'/></iq>",
	    make_id, &id, &err);
	assert_non_null(out);
	assert_string_equal(id, "mine");
	assert_non_null(strstr(out, "id=\"mine\""));
	assert_null(strstr(out, "natter-"));
	assert_int_equal(ids_made, 1);
	g_free(out);
	g_free(id);

	/* id_out may be NULL */
	out = stanza_check("<iq type='get'/>", make_id, NULL, &err);
	assert_string_equal(out, "<iq type=\"get\" id=\"natter-2\"/>");
	g_free(out);
}

static void
test_check_refuses(void **state)
{
	char *err;

	err = refused("<iq><query></iq>");
	says(err, "line 1, column ", "mismatch", NULL);
	g_free(err);

	err = refused("<a/><b/>");
	says(err, "line 1, column 5", "Extra content at the end of the document",
	    "only one element", NULL);
	g_free(err);

	err = refused("just some text");
	says(err, "line 1, column 1", "Start tag expected", NULL);
	g_free(err);

	err = refused("");
	says(err, "nothing to send", NULL);
	g_free(err);
	err = refused(" \n\t ");
	says(err, "nothing to send", NULL);
	g_free(err);
	err = refused(NULL);
	g_free(err);

	err = refused("<!DOCTYPE message><message/>");
	says(err, "DOCTYPE", NULL);
	g_free(err);
	err = refused("<!DOCTYPE m [<!ENTITY e 'x'>]><m>&e;</m>");
	says(err, "DOCTYPE", NULL);
	g_free(err);

	err = refused("<?xml version='1.0'?><message/>");
	says(err, "line 1, column 1", "XML declaration", "XMPP forbids", NULL);
	g_free(err);
	err = refused("\n  <?xml version='1.0'?>\n<message/>");
	says(err, "line 2, column 3", "XML declaration", NULL);
	g_free(err);

	err = refused("<message><?foo bar?></message>");
	says(err, "line 1", "processing instruction", NULL);
	g_free(err);

	err = refused("<message>\n<!-- hi --></message>");
	says(err, "line 2", "comment", NULL);
	g_free(err);
	err = refused("<!-- hi --><message/>");
	says(err, "comment", NULL);
	g_free(err);

	err = refused("<x:a/>");
	says(err, "line 1, column ", "Namespace prefix x on a is not defined", NULL);
	g_free(err);

	err = refused("<message><body>&nbsp;</body></message>");
	says(err, "line 1, column ", "nbsp", NULL);
	g_free(err);

	err = refused("<message><body>\xff</body></message>");
	says(err, "line 1, column ", "UTF-8", NULL);
	g_free(err);

	/* err may be NULL */
	assert_null(stanza_check("<a>", make_id, NULL, NULL));
}

/* --- XPath ------------------------------------------------------------ */

#define GROUPCHAT "<message type='groupchat' from='r@c/n'><body>hi</body></message>"
#define CHAT "<message type='chat' from='a@b/c'><body>hi</body></message>"
#define ROSTER "<iq type='result'><query xmlns='jabber:iq:roster'/></iq>"
#define DISCO "<iq type='result'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"
#define HEADER "<?xml version=\"1.0\"?><stream:stream xmlns='jabber:client' " \
	"xmlns:stream='http://etherx.jabber.org/streams' to='example.org' version='1.0'>"
#define FEATURES "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>" \
	"</stream:features>"

/* Compile expr with ns, which must work. */
static struct stanza_xpath *
xpath(const char *expr, const char *ns)
{
	char *err = NULL;
	struct stanza_xpath *xp = stanza_xpath_new(expr, ns, &err);

	if (xp == NULL)
		print_error("%s: %s\n", expr, err);
	assert_non_null(xp);
	assert_null(err);
	return xp;
}

/* Whether expr (with ns) matches xml. */
static bool
matches(const char *expr, const char *ns, const char *xml)
{
	struct stanza_xpath *xp = xpath(expr, ns);
	bool m = stanza_xpath_match(xp, xml);

	stanza_xpath_free(xp);
	return m;
}

static void
test_xpath_match(void **state)
{
	struct stanza_xpath *xp = xpath("//message[@type='groupchat']/body", NULL);

	assert_true(stanza_xpath_match(xp, GROUPCHAT));
	assert_false(stanza_xpath_match(xp, CHAT));
	/* the same object again and again */
	assert_true(stanza_xpath_match(xp, "  " GROUPCHAT "\n"));
	assert_false(stanza_xpath_match(xp, ""));
	assert_false(stanza_xpath_match(xp, "not xml at all"));
	stanza_xpath_free(xp);

	assert_true(matches("/message", NULL, GROUPCHAT));
	assert_false(matches("/iq", NULL, GROUPCHAT));
	assert_true(matches("@type='chat'", NULL, CHAT));
	assert_true(matches("body", NULL, CHAT));
	assert_true(matches("self::message[body='hi']", NULL, CHAT));
	assert_true(matches("/client:message", "", "<message xmlns='jabber:client'/>"));

	assert_true(matches("//r:query", "r=jabber:iq:roster", ROSTER));
	assert_false(matches("//r:query", "r=jabber:iq:roster", DISCO));
	assert_true(matches("//d:query", "  r=jabber:iq:roster\n"
	    "d=http://jabber.org/protocol/disco#info ", DISCO));

	assert_true(matches("count(//item) > 2", NULL,
	    "<iq><query><item/><item/><item/></query></iq>"));
	assert_false(matches("count(//item) > 2", NULL,
	    "<iq><query><item/><item/></query></iq>"));
	/* numbers, strings, booleans */
	assert_true(matches("count(//item)", NULL, "<iq><item/></iq>"));
	assert_false(matches("count(//item)", NULL, "<iq/>"));
	assert_true(matches("string(//body)", NULL, CHAT));
	assert_false(matches("string(//subject)", NULL, CHAT));
	assert_false(matches("1 = 2", NULL, CHAT));
}

static void
test_xpath_stream(void **state)
{
	struct stanza_xpath *xp = xpath("//stream:features", NULL);

	assert_false(stanza_xpath_match(xp, HEADER));
	assert_true(stanza_xpath_match(xp, FEATURES));
	assert_true(stanza_xpath_match(xp, "<stream:features/>"));
	assert_false(stanza_xpath_match(xp, "</stream:stream>"));
	stanza_xpath_free(xp);

	assert_true(matches("/stream:stream[@to='example.org']", NULL, HEADER));
	assert_true(matches("//stream:features/*", NULL, FEATURES));
	/* an undeclared prefix in captured text does not hide the rest */
	assert_true(matches("//body", NULL, "<message><x:y/><body>b</body></message>"));
}

static void
test_xpath_errors(void **state)
{
	char *err = NULL;

	assert_null(stanza_xpath_new("//q:query", "r=jabber:iq:roster", &err));
	says(err, "Undefined namespace prefix", "q", NULL);
	g_free(err);
	/* the prefix is only in a predicate that nothing reaches */
	assert_null(stanza_xpath_new("//nothing[q:x]", NULL, &err));
	says(err, "Undefined namespace prefix", NULL);
	g_free(err);
	/* prefixes in literals and axes are not prefixes */
	assert_true(matches("//message[@from='r@c/n:x']", NULL,
	    "<message from='r@c/n:x'/>"));
	assert_true(matches("child::body", NULL, CHAT));

	assert_null(stanza_xpath_new("//message[", NULL, &err));
	says(err, "Invalid", "//message[", NULL);
	g_free(err);
	assert_null(stanza_xpath_new("nosuchfunction()", NULL, &err));
	says(err, "nosuchfunction", NULL);
	g_free(err);
	assert_null(stanza_xpath_new("$var", NULL, &err));
	g_free(err);
	assert_null(stanza_xpath_new("", NULL, &err));
	g_free(err);
	assert_null(stanza_xpath_new("//a", "noequals", &err));
	says(err, "noequals", NULL);
	g_free(err);
	assert_null(stanza_xpath_new("//a", "1x=urn:x", &err));
	g_free(err);
	assert_null(stanza_xpath_new("//a[", NULL, NULL));
}

/* --- pretty-printing -------------------------------------------------- */

/* Assert l's spans cover its text from start to end, in order, with no
 * empty span. */
static void
covered(const struct stanza_line *l)
{
	size_t at = 0;
	guint i;

	assert_true(g_utf8_validate(l->text, -1, NULL));
	for (i = 0; i < l->spans->len; i++) {
		struct stanza_span *sp = &g_array_index(l->spans, struct stanza_span, i);

		assert_int_equal(sp->off, at);
		assert_true(sp->len > 0);
		at += sp->len;
	}
	assert_int_equal(at, strlen(l->text));
}

/* The kind of the span holding the first byte of the first occurrence of
 * what in l's text (after skip bytes). */
static enum stanza_span_kind
kind_at(const struct stanza_line *l, const char *what, size_t skip)
{
	const char *p = strstr(l->text + skip, what);
	size_t off;
	guint i;

	if (p == NULL)
		print_error("\"%s\" not in \"%s\"\n", what, l->text);
	assert_non_null(p);
	off = (size_t)(p - l->text);
	for (i = 0; i < l->spans->len; i++) {
		struct stanza_span *sp = &g_array_index(l->spans, struct stanza_span, i);

		if (off >= sp->off && off < sp->off + sp->len) {
			/* the whole of what is in that span */
			assert_true(off + strlen(what) <= sp->off + sp->len);
			return sp->kind;
		}
	}
	fail();
	return SPAN_PUNCT;
}

#define LINE(a, i) ((struct stanza_line *)g_ptr_array_index((a), (i)))

static void
test_pretty_nested(void **state)
{
	GPtrArray *a = stanza_pretty("<iq type='result' id='r1'>\n"
	    "  <query xmlns='jabber:iq:roster' xmlns:x='urn:x'>"
	    "<item jid='a@b' name='A &amp; &quot;B&quot;'/>"
	    "<item jid='c@d' x:y='z'><group>Friends &lt;3</group></item>"
	    "</query></iq>");
	static const struct {
		int indent;
		const char *text;
	} want[] = {
		{ 0, "<iq type=\"result\" id=\"r1\">" },
		{ 1, "<query xmlns=\"jabber:iq:roster\" xmlns:x=\"urn:x\">" },
		{ 2, "<item jid=\"a@b\" name=\"A &amp; &quot;B&quot;\"/>" },
		{ 2, "<item jid=\"c@d\" x:y=\"z\">" },
		{ 3, "<group>Friends &lt;3</group>" },
		{ 2, "</item>" },
		{ 1, "</query>" },
		{ 0, "</iq>" },
	};
	struct stanza_line *l;
	guint i;

	assert_int_equal(a->len, G_N_ELEMENTS(want));
	for (i = 0; i < a->len; i++) {
		l = LINE(a, i);
		assert_string_equal(l->text, want[i].text);
		assert_int_equal(l->indent, want[i].indent);
		covered(l);
	}
	l = LINE(a, 0);
	assert_int_equal(kind_at(l, "<", 0), SPAN_PUNCT);
	assert_int_equal(kind_at(l, "iq", 0), SPAN_ELEMENT);
	assert_int_equal(kind_at(l, "type", 0), SPAN_ATTR);
	assert_int_equal(kind_at(l, "=\"", 0), SPAN_PUNCT);
	assert_int_equal(kind_at(l, "result", 0), SPAN_VALUE);
	assert_int_equal(kind_at(l, ">", 0), SPAN_PUNCT);
	l = LINE(a, 1);
	assert_int_equal(kind_at(l, "query", 0), SPAN_ELEMENT);
	assert_int_equal(kind_at(l, "xmlns", 0), SPAN_NS);
	assert_int_equal(kind_at(l, "jabber:iq:roster", 0), SPAN_NS);
	assert_int_equal(kind_at(l, "xmlns:x", 0), SPAN_NS);
	assert_int_equal(kind_at(l, "urn:x", 0), SPAN_NS);
	l = LINE(a, 3);
	assert_int_equal(kind_at(l, "x:y", 0), SPAN_ATTR);
	assert_int_equal(kind_at(l, "z", strlen("<item jid=\"c@d\" x:y=\"")), SPAN_VALUE);
	l = LINE(a, 4);
	assert_int_equal(kind_at(l, "group", 0), SPAN_ELEMENT);
	assert_int_equal(kind_at(l, "Friends &lt;3", 0), SPAN_TEXT);
	assert_int_equal(kind_at(l, "</", 0), SPAN_PUNCT);
	l = LINE(a, 5);
	assert_int_equal(kind_at(l, "</", 0), SPAN_PUNCT);
	assert_int_equal(kind_at(l, "item", 0), SPAN_ELEMENT);
	g_ptr_array_unref(a);

	/* text too long for its element's line gets a line of its own */
	a = stanza_pretty("<message><body>a body that is long enough not to fit on the line of "
	    "its element</body><thread>t1</thread></message>");
	assert_int_equal(a->len, 6);
	assert_string_equal(LINE(a, 1)->text, "<body>");
	assert_string_equal(LINE(a, 2)->text,
	    "a body that is long enough not to fit on the line of its element");
	assert_int_equal(LINE(a, 2)->indent, 2);
	assert_int_equal(LINE(a, 2)->spans->len, 1);
	assert_int_equal(g_array_index(LINE(a, 2)->spans, struct stanza_span, 0).kind,
	    SPAN_TEXT);
	assert_string_equal(LINE(a, 3)->text, "</body>");
	assert_string_equal(LINE(a, 4)->text, "<thread>t1</thread>");
	for (i = 0; i < a->len; i++)
		covered(LINE(a, i));
	g_ptr_array_unref(a);
}

static void
test_pretty_markers(void **state)
{
	GPtrArray *a = stanza_pretty("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
	    "mechanism='PLAIN'>[SASL data removed: 24 bytes]</auth>");
	struct stanza_line *l;

	assert_int_equal(a->len, 1);
	l = LINE(a, 0);
	covered(l);
	assert_int_equal(kind_at(l, "[SASL data removed: 24 bytes]", 0), SPAN_MARKER);
	assert_int_equal(kind_at(l, "PLAIN", 0), SPAN_VALUE);
	g_ptr_array_unref(a);

	a = stanza_pretty("<iq type='set'><query xmlns='jabber:iq:register'>"
	    "<username>bill</username><password>[password removed]</password></query></iq>");
	assert_int_equal(a->len, 6);
	l = LINE(a, 3);
	assert_string_equal(l->text, "<password>[password removed]</password>");
	assert_int_equal(kind_at(l, "[password removed]", 0), SPAN_MARKER);
	assert_int_equal(kind_at(LINE(a, 2), "bill", 0), SPAN_TEXT);
	g_ptr_array_unref(a);

	/* an undeclared prefix from the tap is shown as captured */
	a = stanza_pretty("<sasl:auth xmlns:sasl='urn:ietf:params:xml:ns:xmpp-sasl'>"
	    "[SASL data removed: 8 bytes]</sasl:auth>");
	assert_int_equal(a->len, 1);
	assert_string_equal(LINE(a, 0)->text,
	    "<sasl:auth xmlns:sasl=\"urn:ietf:params:xml:ns:xmpp-sasl\">"
	    "[SASL data removed: 8 bytes]</sasl:auth>");
	g_ptr_array_unref(a);
	a = stanza_pretty("<sasl:success>[SASL data removed: 8 bytes]</sasl:success>");
	assert_int_equal(a->len, 1);
	assert_string_equal(LINE(a, 0)->text,
	    "<sasl:success>[SASL data removed: 8 bytes]</sasl:success>");
	assert_int_equal(kind_at(LINE(a, 0), "sasl:success", 0), SPAN_ELEMENT);
	g_ptr_array_unref(a);
}

static void
test_pretty_stream_and_broken(void **state)
{
	GPtrArray *a = stanza_pretty(HEADER);
	struct stanza_line *l;
	guint i;

	/* the declaration, then the header alone: no end tag was captured */
	assert_int_equal(a->len, 2);
	assert_string_equal(LINE(a, 0)->text, "<?xml version=\"1.0\"?>");
	l = LINE(a, 1);
	assert_true(g_str_has_prefix(l->text, "<stream:stream "));
	assert_true(g_str_has_suffix(l->text, "\">"));
	assert_int_equal(kind_at(l, "xmlns:stream", 0), SPAN_NS);
	assert_int_equal(kind_at(l, "to", 0), SPAN_ATTR);
	for (i = 0; i < a->len; i++)
		covered(LINE(a, i));
	g_ptr_array_unref(a);

	a = stanza_pretty(FEATURES);
	assert_int_equal(a->len, 3);
	assert_string_equal(LINE(a, 0)->text, "<stream:features>");
	assert_string_equal(LINE(a, 1)->text,
	    "<starttls xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"/>");
	assert_int_equal(LINE(a, 1)->indent, 1);
	g_ptr_array_unref(a);

	static const char *broken[] = {
		"<message><body>hi</message", "</stream:stream>", "plain words", "",
		"<a>\xff</a>",
	};
	for (i = 0; i < G_N_ELEMENTS(broken); i++) {
		a = stanza_pretty(broken[i]);
		assert_int_equal(a->len, 1);
		l = LINE(a, 0);
		covered(l);
		assert_int_equal(l->indent, 0);
		if (g_utf8_validate(broken[i], -1, NULL))
			assert_string_equal(l->text, broken[i]);
		if (*broken[i] != '\0') {
			assert_int_equal(l->spans->len, 1);
			assert_int_equal(g_array_index(l->spans, struct stanza_span, 0).kind,
			    SPAN_TEXT);
		}
		g_ptr_array_unref(a);
	}
	a = stanza_pretty(NULL);
	assert_int_equal(a->len, 1);
	g_ptr_array_unref(a);
}

static void
test_oneline(void **state)
{
	const char *xml = "<message to='a@b'>\n  <body>h\xc3\xa9llo w\xc3\xb6rld "
	    "\xe2\x82\xac</body>\n</message>\n";
	const char *full = "<message to=\"a@b\"><body>h\xc3\xa9llo w\xc3\xb6rld \xe2\x82\xac"
	    "</body></message>";
	struct stanza_line *l = stanza_oneline(xml, 1000);
	size_t max, n = strlen(full);
	bool cut_in_char = false;

	assert_string_equal(l->text, full);
	assert_int_equal(l->indent, 0);
	covered(l);
	assert_int_equal(kind_at(l, "h\xc3\xa9llo", 0), SPAN_TEXT);
	assert_int_equal(kind_at(l, "to", 0), SPAN_ATTR);
	stanza_line_free(l);
	l = stanza_oneline(xml, n);
	assert_string_equal(l->text, full);
	stanza_line_free(l);

	for (max = 4; max < n; max++) {
		struct stanza_span *last;
		size_t body = strlen(full) - strlen(strstr(full, "\xc3\xa9"));

		l = stanza_oneline(xml, max);
		covered(l);
		assert_true(strlen(l->text) <= max);
		assert_true(g_str_has_suffix(l->text, " \xe2\x80\xa6"));
		assert_int_equal(strncmp(l->text, full, strlen(l->text) - 4), 0);
		last = &g_array_index(l->spans, struct stanza_span, l->spans->len - 1);
		assert_int_equal(last->kind, SPAN_MARKER);
		assert_int_equal(last->len, 4);
		assert_int_equal(last->off + last->len, strlen(l->text));
		/* the element part of max - 4 bytes would end inside "é" */
		if (max - 4 == body + 1) {
			cut_in_char = true;
			assert_int_equal(strlen(l->text), body + 4);
		}
		stanza_line_free(l);
	}
	assert_true(cut_in_char);

	/* a redaction marker stays a marker on one line; the fold mark has a
	 * span of its own after it */
	l = stanza_oneline("<password>[password removed]</password>", 200);
	assert_int_equal(kind_at(l, "[password removed]", 0), SPAN_MARKER);
	stanza_line_free(l);
	l = stanza_oneline("<password>[password removed]</password>", 32);
	assert_string_equal(l->text, "<password>[password removed] \xe2\x80\xa6");
	assert_int_equal(l->spans->len, 5);
	assert_int_equal(g_array_index(l->spans, struct stanza_span, 3).kind, SPAN_MARKER);
	assert_int_equal(g_array_index(l->spans, struct stanza_span, 4).len, 4);
	covered(l);
	stanza_line_free(l);
	/* a newline in text stays on the one line */
	l = stanza_oneline("<message>\n <body>two\nlines</body>\n</message>", 200);
	assert_string_equal(l->text, "<message><body>two&#10;lines</body></message>");
	covered(l);
	stanza_line_free(l);
	/* what does not parse comes back as text, on one line */
	l = stanza_oneline("<broken>\n<a>", 200);
	assert_string_equal(l->text, "<broken> <a>");
	covered(l);
	stanza_line_free(l);
	l = stanza_oneline(HEADER, 20);
	assert_true(strlen(l->text) <= 20);
	covered(l);
	stanza_line_free(l);
}

/* --- quiet ------------------------------------------------------------ */

/* Nothing at all reaches stderr, whatever goes wrong. */
static void
test_stderr_clean(void **state)
{
	char path[] = "/tmp/test-stanza-XXXXXX";
	int fd = mkstemp(path), saved;
	struct stat st;
	struct stanza_xpath *xp;
	char *err, *out;
	static const char *bad[] = {
		"<iq><query></iq>", "<a/><b/>", "text", "<x:a/>", "<a xmlns='rel'/>",
		"<!DOCTYPE a SYSTEM 'http://example.invalid/a.dtd'><a/>", "<a>&e;</a>",
		"<a>\xff\xfe</a>", "<?xml version='1.0' encoding='nope'?><a/>",
		"<a b='1' b='2'/>",
	};
	guint i;

	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		err = NULL;
		out = stanza_check(bad[i], make_id, NULL, &err);
		g_free(out);
		g_free(err);
		g_ptr_array_unref(stanza_pretty(bad[i]));
		stanza_line_free(stanza_oneline(bad[i], 10));
	}
	for (i = 0; i < 3; i++) {
		static const char *exprs[] = { "//a[", "nosuch()", "//q:x" };

		err = NULL;
		assert_null(stanza_xpath_new(exprs[i], NULL, &err));
		g_free(err);
	}
	xp = xpath("//message", NULL);
	for (i = 0; i < G_N_ELEMENTS(bad); i++)
		stanza_xpath_match(xp, bad[i]);
	stanza_xpath_free(xp);
	xp = xpath("string(//a) + 1", NULL);
	stanza_xpath_match(xp, "<a>x</a>");
	stanza_xpath_free(xp);

	fflush(stderr);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	if (st.st_size != 0) {
		char *got = NULL;

		g_file_get_contents(path, &got, NULL, NULL);
		print_error("stderr got: %s\n", got);
		g_free(got);
	}
	unlink(path);
	assert_int_equal(st.st_size, 0);
}

/* The caller's libxml2 handlers are back after each call. */
static int handler_calls;

static void
caller_handler(void *data, xmlErrorPtr e)
{
	handler_calls++;
}

static void
test_handlers_restored(void **state)
{
	char *err = NULL;
	xmlDocPtr doc;

	xmlSetStructuredErrorFunc(NULL, caller_handler);
	assert_null(stanza_check("<a>", make_id, NULL, &err));
	g_free(err);
	assert_null(stanza_xpath_new("//a[", NULL, &err));
	g_free(err);
	g_ptr_array_unref(stanza_pretty("<a>"));
	assert_int_equal(handler_calls, 0);
	doc = xmlReadMemory("<a>", 3, NULL, NULL, XML_PARSE_NONET);
	assert_null(doc);
	assert_true(handler_calls > 0);
	xmlSetStructuredErrorFunc(NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_accepts),
		cmocka_unit_test(test_check_fills_iq_id),
		cmocka_unit_test(test_check_refuses),
		cmocka_unit_test(test_xpath_match),
		cmocka_unit_test(test_xpath_stream),
		cmocka_unit_test(test_xpath_errors),
		cmocka_unit_test(test_pretty_nested),
		cmocka_unit_test(test_pretty_markers),
		cmocka_unit_test(test_pretty_stream_and_broken),
		cmocka_unit_test(test_oneline),
		cmocka_unit_test(test_stderr_clean),
		cmocka_unit_test(test_handlers_restored),
	};
	int rc;

	xmlInitParser();
	rc = cmocka_run_group_tests_name("stanza", tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
