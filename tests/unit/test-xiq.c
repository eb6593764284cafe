/* test-xiq.c - which entity may answer an IQ request (src/xmpp/xiq.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "session.h"

#define BARE "alice@example.org"
#define FULL "alice@example.org/laptop"

/* A request to another entity is answered only by that entity. */
static void
test_reply_from_the_entity_asked(void **state)
{
	assert_true(xiq_reply_from_ok(BARE, FULL, "bob@example.org/phone", "bob@example.org/phone"));
	assert_true(xiq_reply_from_ok(BARE, FULL, "example.org", "example.org"));
	/* normalised comparison: case of the domain and localpart */
	assert_true(xiq_reply_from_ok(BARE, FULL, "bob@example.org/phone", "BOB@Example.ORG/phone"));
}

static void
test_reply_from_someone_else_refused(void **state)
{
	assert_false(xiq_reply_from_ok(BARE, FULL, "bob@example.org/phone", "mallory@evil.example"));
	/* another resource of the same contact is not the entity asked */
	assert_false(xiq_reply_from_ok(BARE, FULL, "bob@example.org/phone", "bob@example.org/other"));
	/* nor is the contact's bare JID, nor their server */
	assert_false(xiq_reply_from_ok(BARE, FULL, "bob@example.org/phone", "bob@example.org"));
	assert_false(xiq_reply_from_ok(BARE, FULL, "bob@example.org/phone", "example.org"));
	/* a reply without from is our server speaking for us, not bob */
	assert_false(xiq_reply_from_ok(BARE, FULL, "bob@example.org/phone", NULL));
	/* an invalid from never matches */
	assert_false(xiq_reply_from_ok(BARE, FULL, "example.org", "exa mple.org"));
}

/* A request to our own account (no to) is answered by our server. */
static void
test_reply_for_our_account(void **state)
{
	assert_true(xiq_reply_from_ok(BARE, FULL, NULL, NULL));
	assert_true(xiq_reply_from_ok(BARE, FULL, NULL, BARE));
	assert_true(xiq_reply_from_ok(BARE, FULL, NULL, FULL));
	assert_false(xiq_reply_from_ok(BARE, FULL, NULL, "alice@example.org/other"));
	assert_false(xiq_reply_from_ok(BARE, FULL, NULL, "mallory@evil.example"));
	assert_false(xiq_reply_from_ok(BARE, FULL, NULL, "example.org"));
	/* a request to our bare JID may be answered without from */
	assert_true(xiq_reply_from_ok(BARE, FULL, BARE, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_from_the_entity_asked),
		cmocka_unit_test(test_reply_from_someone_else_refused),
		cmocka_unit_test(test_reply_for_our_account),
	};

	return cmocka_run_group_tests_name("xiq", tests, NULL, NULL);
}
