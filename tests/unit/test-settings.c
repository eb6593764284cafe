/* test-settings.c - src/core/settings.c: the table of global settings. */
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

#include "natter/settings.h"

static int
setup(void **state)
{
	settings_reset();
	return 0;
}

static int
teardown(void **state)
{
	settings_reset();
	return 0;
}

/* The first setting of type, or NULL. */
static const struct setting *
first_of(enum setting_type type)
{
	for (const struct setting *s = settings_table(); s->name != NULL; s++) {
		if (s->type == type)
			return s;
	}
	return NULL;
}

/* settings_set must refuse; the error is checked for needle and freed. */
static void
refuse_at(const char *name, const char *value, const char *needle, const char *file, int line)
{
	char *err = settings_set(name, value);

	if (err == NULL)
		print_error("%s = '%s' was accepted\n", name, value != NULL ? value : "(null)");
	else if (needle != NULL && strstr(err, needle) == NULL)
		print_error("error '%s' does not say '%s'\n", err, needle);
	_assert_true(cast_to_largest_integral_type(err != NULL &&
	    (needle == NULL || strstr(err, needle) != NULL)), "refused", file, line);
	g_free(err);
}

/* settings_set must accept. */
static void
accept_at(const char *name, const char *value, const char *file, int line)
{
	char *err = settings_set(name, value);

	if (err != NULL)
		print_error("%s = '%s' refused: %s\n", name, value != NULL ? value : "(null)", err);
	_assert_true(cast_to_largest_integral_type(err == NULL), "accepted", file, line);
	g_free(err);
}

#define REFUSE(n, v, needle) refuse_at((n), (v), (needle), __FILE__, __LINE__)
#define ACCEPT(n, v) accept_at((n), (v), __FILE__, __LINE__)

static void
test_table(void **state)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	size_t n = 0;

	for (const struct setting *s = settings_table(); s->name != NULL; s++, n++) {
		assert_false(g_hash_table_contains(seen, s->name));
		g_hash_table_add(seen, (gpointer)s->name);
		assert_non_null(s->def);
		assert_non_null(s->help);
		assert_true(strlen(s->help) > 10);
		if (s->type == SETTING_INT)
			assert_true(s->min <= s->max);
		/* every default is a value the setting itself accepts */
		ACCEPT(s->name, s->def);
	}
	assert_true(n >= 4);
	g_hash_table_destroy(seen);
}

static void
test_defaults(void **state)
{
	for (const struct setting *s = settings_table(); s->name != NULL; s++) {
		assert_string_equal(settings_str(s->name), s->def);
		if (s->type == SETTING_INT) {
			long v = settings_int(s->name);
			assert_int_equal(v, strtol(s->def, NULL, 10));
			assert_true(v >= s->min && v <= s->max);
		}
	}
	assert_int_equal(settings_int("connect_timeout"), 30);
	assert_int_equal(settings_int("keepalive_interval"), 300);
	assert_int_equal(settings_int("keepalive_timeout"), 20);
	assert_int_equal(settings_int("iq_timeout"), 60);
	assert_string_equal(settings_str("debug_file"), "");
}

static void
test_int_range(void **state)
{
	for (const struct setting *s = settings_table(); s->name != NULL; s++) {
		char *v;
		if (s->type != SETTING_INT)
			continue;
		v = g_strdup_printf("%ld", s->min);
		ACCEPT(s->name, v);
		assert_int_equal(settings_int(s->name), s->min);
		g_free(v);
		v = g_strdup_printf("%ld", s->max);
		ACCEPT(s->name, v);
		assert_int_equal(settings_int(s->name), s->max);
		g_free(v);
		v = g_strdup_printf("%ld", s->min - 1);
		REFUSE(s->name, v, s->name);
		g_free(v);
		v = g_strdup_printf("%ld", s->max + 1);
		REFUSE(s->name, v, s->name);
		g_free(v);
		/* a refused value leaves the old one */
		assert_int_equal(settings_int(s->name), s->max);
	}
	ACCEPT("connect_timeout", "10");
	REFUSE("connect_timeout", "0", "between 1 and 600");
	REFUSE("connect_timeout", "-5", NULL);
	REFUSE("connect_timeout", "601", NULL);
	REFUSE("connect_timeout", "ten", "ten");
	REFUSE("connect_timeout", "10s", NULL);
	REFUSE("connect_timeout", "1.5", NULL);
	REFUSE("connect_timeout", "", NULL);
	REFUSE("connect_timeout", "99999999999999999999999", NULL);
	assert_int_equal(settings_int("connect_timeout"), 10);
	assert_string_equal(settings_str("connect_timeout"), "10");
}

static void
test_bool_words(void **state)
{
	const struct setting *s = first_of(SETTING_BOOL);
	static const char *const yes[] = { "on", "true", "yes", "1", "ON", "True", NULL };
	static const char *const no[] = { "off", "false", "no", "0", "OFF", "No", NULL };

	if (s == NULL)
		skip(); /* the table has no boolean setting yet */
	for (const char *const *w = yes; *w != NULL; w++) {
		ACCEPT(s->name, *w);
		assert_true(settings_bool(s->name));
	}
	for (const char *const *w = no; *w != NULL; w++) {
		ACCEPT(s->name, *w);
		assert_false(settings_bool(s->name));
	}
	REFUSE(s->name, "maybe", "maybe");
	REFUSE(s->name, "", NULL);
	REFUSE(s->name, "2", NULL);
	assert_false(settings_bool(s->name));
}

static void
test_string(void **state)
{
	const struct setting *s = first_of(SETTING_STRING);

	assert_non_null(s);
	ACCEPT(s->name, "/tmp/some file with spaces");
	assert_string_equal(settings_str(s->name), "/tmp/some file with spaces");
	ACCEPT(s->name, "");
	assert_string_equal(settings_str(s->name), "");
}

static void
test_unknown(void **state)
{
	char *err = settings_set("no_such_setting", "1");

	assert_non_null(err);
	assert_non_null(strstr(err, "no_such_setting"));
	g_free(err);
	REFUSE("", "1", NULL);
	REFUSE("Connect_Timeout", "10", "Connect_Timeout");
	assert_int_equal(settings_int("connect_timeout"), 30);
}

static void
test_reset(void **state)
{
	ACCEPT("connect_timeout", "11");
	ACCEPT("iq_timeout", "12");
	ACCEPT("debug_file", "/tmp/x");
	assert_int_equal(settings_int("connect_timeout"), 11);
	settings_reset();
	for (const struct setting *s = settings_table(); s->name != NULL; s++)
		assert_string_equal(settings_str(s->name), s->def);
	/* resetting twice, or with nothing set, is fine */
	settings_reset();
	assert_int_equal(settings_int("iq_timeout"), 60);
	/* a NULL value restores one setting's default */
	ACCEPT("iq_timeout", "99");
	accept_at("iq_timeout", NULL, __FILE__, __LINE__);
	assert_int_equal(settings_int("iq_timeout"), 60);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_int_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bool_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_string, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
	};

	return cmocka_run_group_tests_name("settings", tests, NULL, NULL);
}
