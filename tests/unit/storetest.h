/* storetest.h - shared by the store's unit tests (test-store, test-history):
 * the core started as natter starts it, the store opened in a temporary
 * directory, accounts loaded from it, and all of it undone again. */
#ifndef NATTER_TEST_STORETEST_H
#define NATTER_TEST_STORETEST_H

#include "natter/account.h"
#include "natter/bus.h"
#include "natter/muc.h"
#include "natter/roster.h"
#include "natter/settings.h"
#include "natter/store.h"
#include "tmpdir.h"

/* The test's temporary directory (the test makes it in its setup). */
static char *tmpdir;

/* Start as natter does: the models' listeners first, then the store. */
static inline void
storetest_core_start(void)
{
	bus_reset();
	account_free_all();
	muc_free_all(NULL);
	settings_reset();
	account_init();
	roster_init();
	muc_init();
}

/* Open the store in dir; the test fails with the error otherwise. */
static inline void
storetest_open(const char *dir)
{
	char *err = NULL;

	if (store_open(dir, &err) != 0)
		fail_msg("store_open(%s): %s", dir, err != NULL ? err : "(no error text)");
	assert_null(err);
}

/* Add account name for jid and load what the store has for it. */
static inline struct account *
storetest_account(const char *name, const char *jid)
{
	char *err = NULL;
	struct account *acc = account_add(name, jid, &err);

	if (acc == NULL)
		fail_msg("account_add: %s", err);
	store_account_load(acc);
	return acc;
}

/* Close the store, remove tmpdir, forget the models. */
static inline void
storetest_end(void)
{
	store_close();
	tmpdir_remove(tmpdir);
	g_free(tmpdir);
	tmpdir = NULL;
	bus_reset();
	muc_free_all(NULL);
	account_free_all();
	settings_reset();
}

#endif
