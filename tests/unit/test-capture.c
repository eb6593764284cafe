/* test-capture.c - src/core/capture.c: the ring of captured elements,
 * their deflated text, iq pairing and the console's filters. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "natter/bus.h"
#include "natter/capture.h"
#include "natter/settings.h"

static int
setup(void **state)
{
	bus_reset();
	settings_reset();
	capture_init();
	return 0;
}

static int
teardown(void **state)
{
	capture_free_all();
	bus_reset();
	settings_reset();
	return 0;
}

/* Capture xml for account "a" as a session thread would. */
static void
capture(const char *xml, bool out, int64_t time)
{
	struct event *ev = event_new(EV_STANZA, "a");

	ev->u.stanza.packed = capture_pack(xml, out, time, strlen(xml));
	bus_emit_free(ev);
}

static void
test_ring_bound_and_text(void **state)
{
	uint64_t first, last;
	char *text;
	GString *big = g_string_new("<message to='bob@example.org'><body>");

	assert_null(settings_set("console_buffer", "100"));
	capture_range("a", &first, &last);
	assert_true(first == 0 && last == 0);
	for (int i = 1; i <= 150; i++) {
		char *xml = g_strdup_printf("<presence from='c%d@example.org/r' to='a@example.org/n'>"
		    "<priority>0</priority></presence>", i);
		capture(xml, false, i);
		g_free(xml);
	}
	capture_range("a", &first, &last);
	assert_true(first == 51 && last == 150);
	assert_null(capture_get("a", 50));
	assert_null(capture_get("b", 150));
	text = capture_xml(capture_get("a", 150));
	assert_string_equal(text, "<presence from='c150@example.org/r' to='a@example.org/n'>"
	    "<priority>0</priority></presence>");
	g_free(text);
	assert_true(capture_contains(capture_get("a", 77), "c77@"));
	assert_false(capture_contains(capture_get("a", 77), "c78@"));
	assert_int_equal(capture_get("a", 77)->kind, CAP_PRESENCE);

	/* a big element and a tiny one come back byte for byte */
	for (int i = 0; i < 5000; i++)
		g_string_append_printf(big, "line %d of text; ", i);
	g_string_append(big, "</body></message>");
	capture(big->str, true, 200);
	text = capture_xml(capture_get("a", 151));
	assert_string_equal(text, big->str);
	g_free(text);
	capture("<a/>", true, 201);
	text = capture_xml(capture_get("a", 152));
	assert_string_equal(text, "<a/>");
	g_free(text);
	g_string_free(big, TRUE);

	capture_clear("a");
	capture_range("a", &first, &last);
	assert_true(first == 0 && last == 0);
	capture("<presence/>", true, 300);
	capture_range("a", &first, &last);
	assert_true(first == 153 && last == 153); /* numbering goes on */
}

static void
test_iq_pairing(void **state)
{
	const struct capture_entry *req, *res, *other;

	capture("<iq type='get' id='q1' to='example.org'><ping xmlns='urn:xmpp:ping'/></iq>",
	    true, 1000000);
	capture("<iq type='get' id='q2' from='x@example.org/r'><query/></iq>", false, 1000100);
	capture("<iq type='result' id='q1' from='example.org'/>", false, 1012500);
	/* a reply to q2 travelling the same way as q2 is no answer to it */
	capture("<iq type='result' id='q2'/>", false, 1013000);
	req = capture_get("a", 1);
	res = capture_get("a", 3);
	other = capture_get("a", 2);
	assert_true(req->request && req->pair == 3);
	assert_true(res->pair == 1 && res->rtt == 12500);
	assert_true(other->request && other->pair == 0);
	assert_true(capture_get("a", 4)->pair == 0);
	/* unanswered, and older than iq_timeout (60 s) */
	assert_true(capture_timed_out(other, 1000100 + 61 * G_USEC_PER_SEC));
	assert_false(capture_timed_out(other, 1000100 + 59 * G_USEC_PER_SEC));
	assert_false(capture_timed_out(req, 1000000 + 61 * G_USEC_PER_SEC));
}

static void
test_filters_and_redaction(void **state)
{
	struct capture_filter *f;
	char *err = NULL;

	capture("<message from='bob@example.org/phone' to='a@example.org/n' type='chat'>"
	    "<body>hi</body></message>", false, 1);
	capture("<message to='carol@example.org' type='chat'><body>yo</body></message>", true, 2);
	capture("<presence/>", true, 3);
	capture("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>[SASL data removed: 12 bytes]"
	    "</auth>", true, 4);
	capture("<iq type='get' id='r'><query xmlns='jabber:iq:roster'/></iq>", true, 5);
	assert_int_equal(capture_get("a", 4)->kind, CAP_STREAM);
	assert_true(capture_get("a", 4)->redacted);
	assert_false(capture_get("a", 1)->redacted);

	f = capture_filter_new("in message", &err);
	assert_non_null(f);
	assert_true(capture_filter_match(f, capture_get("a", 1)));
	assert_false(capture_filter_match(f, capture_get("a", 2)));
	assert_false(capture_filter_match(f, capture_get("a", 3)));
	capture_filter_free(f);

	f = capture_filter_new("presence stream", &err);
	assert_false(capture_filter_match(f, capture_get("a", 1)));
	assert_true(capture_filter_match(f, capture_get("a", 3)));
	assert_true(capture_filter_match(f, capture_get("a", 4)));
	capture_filter_free(f);

	/* a bare JID matches every resource, from or to */
	f = capture_filter_new("jid bob@example.org", &err);
	assert_true(capture_filter_match(f, capture_get("a", 1)));
	assert_false(capture_filter_match(f, capture_get("a", 2)));
	capture_filter_free(f);
	f = capture_filter_new("jid bob@example.org/laptop", &err);
	assert_false(capture_filter_match(f, capture_get("a", 1)));
	capture_filter_free(f);

	assert_null(capture_filter_new("sideways", &err));
	assert_non_null(strstr(err, "sideways"));
	g_free(err);
	err = NULL;
	assert_null(capture_filter_new("ns r=jabber:iq:roster", &err));
	g_free(err);
	err = NULL;

	assert_int_equal(capture_filter_define("mine", "out message", &err), 0);
	assert_non_null(capture_filter_named("mine"));
	assert_string_equal(capture_filter_spec(capture_filter_named("mine")), "out message");
	assert_null(capture_filter_named("theirs"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ring_bound_and_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iq_pairing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filters_and_redaction, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
