/* test-xmessage.c - the decisions of chat states, receipts, corrections
 * and retractions (src/xmpp/xmessage.c, xreceipt.c, xroster.c), with no
 * network. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "natter/cmd.h"
#include "natter/roster.h"
#include "natter/xmpp.h"
#include "session.h"

#define BOB "bob@example.org/phone"

/* Only the five states of XEP-0085 are names we send or report. */
static void
test_chatstate_names(void **state)
{
	const char *names[] = { "active", "composing", "paused", "inactive", "gone" };

	for (size_t i = 0; i < 5; i++)
		assert_string_equal(xmessage_chatstate_name(names[i]), names[i]);
	assert_null(xmessage_chatstate_name("typing"));
	assert_null(xmessage_chatstate_name("Active"));
	assert_null(xmessage_chatstate_name(""));
	assert_null(xmessage_chatstate_name(NULL));
}

/* Sending a chat state needs a known state and an online account. */
static void
test_chatstate_refused_offline_or_bad(void **state)
{
	assert_int_equal(xmessage_chatstate(NULL, BOB, "composing"), -1);
	assert_int_equal(cmd_chatstate(NULL, BOB, "composing"), -1);
	assert_int_equal(xmessage_chatstate(NULL, BOB, "typing"), -1);
	assert_int_equal(xmessage_correct(NULL, "not a jid", "x", NULL), -1);
	assert_int_equal(xmessage_correct(NULL, BOB, "x", NULL), -1);
}

/* A receipt counts only from the bare JID the message went to. */
static void
test_receipt_from_recipient_only(void **state)
{
	assert_true(xreceipt_from_ok("bob@example.org", BOB));
	assert_true(xreceipt_from_ok(BOB, "bob@example.org/laptop"));
	assert_true(xreceipt_from_ok("bob@example.org", "BOB@Example.org/phone"));
	assert_false(xreceipt_from_ok("bob@example.org", "carol@example.org/phone"));
	assert_false(xreceipt_from_ok("bob@example.org", "example.org"));
	assert_false(xreceipt_from_ok(NULL, BOB));
	assert_false(xreceipt_from_ok("bob@example.org", NULL));
	assert_false(xreceipt_from_ok("bob@example.org", "bob@exa mple.org"));
}

/* Receipts go only to contacts who may see our presence, never in
 * group chats or to errors. */
static void
test_receipt_answer_policy(void **state)
{
	assert_true(xreceipt_may_answer("chat", "both"));
	assert_true(xreceipt_may_answer("chat", "from"));
	assert_true(xreceipt_may_answer(NULL, "both"));
	assert_true(xreceipt_may_answer("normal", "from"));
	assert_false(xreceipt_may_answer("chat", "to"));
	assert_false(xreceipt_may_answer("chat", "none"));
	assert_false(xreceipt_may_answer("chat", NULL));
	assert_false(xreceipt_may_answer("groupchat", "both"));
	assert_false(xreceipt_may_answer("error", "both"));
}

/* A correction counts only when its id came from the same full JID. */
static void
test_received_ids_per_full_jid(void **state)
{
	struct session s;

	memset(&s, 0, sizeof s);
	assert_false(xmessage_seen_from(&s, BOB, "m1"));
	xmessage_seen(&s, BOB, "m1");
	assert_true(xmessage_seen_from(&s, BOB, "m1"));
	/* normalised: case of the localpart and domain */
	assert_true(xmessage_seen_from(&s, "Bob@EXAMPLE.org/phone", "m1"));
	assert_false(xmessage_seen_from(&s, "bob@example.org/laptop", "m1"));
	assert_false(xmessage_seen_from(&s, "bob@example.org", "m1"));
	assert_false(xmessage_seen_from(&s, "carol@example.org/phone", "m1"));
	assert_false(xmessage_seen_from(&s, BOB, "m2"));
	/* the same id from another sender is a different message */
	xmessage_seen(&s, "carol@example.org/phone", "m1");
	assert_true(xmessage_seen_from(&s, BOB, "m1"));
	/* pairs cannot be confused by where the JID ends */
	xmessage_seen(&s, "a@b.org/x", "yz");
	assert_false(xmessage_seen_from(&s, "a@b.org/xy", "z"));
	xmessage_seen(&s, NULL, "m3");
	xmessage_seen(&s, BOB, NULL);
	assert_false(xmessage_seen_from(&s, BOB, NULL));
	assert_null(xmessage_sent_to(&s, "m1"));
	xmessage_free(&s);
	assert_null(s.received);
}

/* The remembered ids are bounded: the oldest are forgotten. */
static void
test_received_ids_bounded(void **state)
{
	struct session s;
	char id[32];

	memset(&s, 0, sizeof s);
	for (int i = 0; i < 1500; i++) {
		snprintf(id, sizeof id, "id%d", i);
		xmessage_seen(&s, BOB, id);
	}
	assert_false(xmessage_seen_from(&s, BOB, "id0"));
	assert_true(xmessage_seen_from(&s, BOB, "id1499"));
	assert_true(g_hash_table_size(s.received) <= 1000);
	xmessage_free(&s);
}

/* The id a retraction names, in each wire form, and whether a room's
 * moderator made it; a moderator's request (<moderate>) is no retraction. */
static void
test_retraction_forms(void **state)
{
	static const struct {
		const char *xml, *id;
		bool moderated;
	} cases[] = {
		{ "<message><retract xmlns='urn:xmpp:message-retract:1' id='m1'/></message>", "m1",
		  false },
		{ "<message><retract xmlns='urn:xmpp:message-retract:1' id='m2'><moderated "
		  "xmlns='urn:xmpp:message-moderate:1' by='r@muc/mod'/></retract></message>", "m2",
		  true },
		{ "<message><apply-to xmlns='urn:xmpp:fasten:0' id='m3'><retract "
		  "xmlns='urn:xmpp:message-retract:0'/></apply-to></message>", "m3", false },
		/* XEP-0425 0.2, as Prosody's mod_muc_moderation announces it */
		{ "<message><apply-to xmlns='urn:xmpp:fasten:0' id='m4'><moderated "
		  "xmlns='urn:xmpp:message-moderate:0' by='r@muc/mod'><retract "
		  "xmlns='urn:xmpp:message-retract:0'/><reason>spam</reason></moderated>"
		  "</apply-to></message>", "m4", true },
		{ "<message><apply-to xmlns='urn:xmpp:fasten:0' id='m5'><moderate "
		  "xmlns='urn:xmpp:message-moderate:0'><retract xmlns='urn:xmpp:message-retract:0'/>"
		  "</moderate></apply-to></message>", NULL, false },
		{ "<message><retract xmlns='urn:xmpp:message-retract:9' id='m6'/></message>", NULL,
		  false },
		{ "<message><body>hi</body></message>", NULL, false },
	};
	xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xmpp_stanza_t *m = xmpp_stanza_new_from_string(ctx, cases[i].xml);
		bool moderated = !cases[i].moderated;
		const char *id;

		assert_non_null(m);
		id = xmessage_retract_id(m, &moderated);
		if (cases[i].id == NULL)
			assert_null(id);
		else
			assert_string_equal(id, cases[i].id);
		assert_int_equal(moderated, cases[i].moderated);
		xmpp_stanza_release(m);
	}
	xmpp_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chatstate_names),
		cmocka_unit_test(test_chatstate_refused_offline_or_bad),
		cmocka_unit_test(test_receipt_from_recipient_only),
		cmocka_unit_test(test_receipt_answer_policy),
		cmocka_unit_test(test_received_ids_per_full_jid),
		cmocka_unit_test(test_received_ids_bounded),
		cmocka_unit_test(test_retraction_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
