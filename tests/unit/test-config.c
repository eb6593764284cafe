/* test-config.c - cmd_config_load() in src/cmd/cmd.c: the config file is a
 * script of commands, and a bad line is reported as FILE:LINE and skipped. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "natter/account.h"
#include "natter/bus.h"
#include "natter/cmd.h"
#include "natter/settings.h"
#include "capture.h"

static char *tmpdir;

static int
setup(void **state)
{
	bus_reset();
	account_free_all();
	settings_reset();
	capture_start();
	tmpdir = g_dir_make_tmp("natter-test-config-XXXXXX", NULL);
	assert_non_null(tmpdir);
	return 0;
}

/* Remove the files of the temporary directory, then the directory. */
static int
teardown(void **state)
{
	GDir *d = g_dir_open(tmpdir, 0, NULL);
	const char *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(tmpdir, name, NULL);
		if (g_remove(p) != 0)
			g_rmdir(p);
		g_free(p);
	}
	if (d != NULL)
		g_dir_close(d);
	g_rmdir(tmpdir);
	g_free(tmpdir);
	tmpdir = NULL;
	bus_reset();
	account_free_all();
	settings_reset();
	capture_stop();
	return 0;
}

/* Write len bytes of text to a file in tmpdir; returns its path (to free). */
static char *
write_file(const char *name, const char *text, gssize len)
{
	char *path = g_build_filename(tmpdir, name, NULL);

	assert_true(g_file_set_contents(path, text, len, NULL));
	assert_int_equal(g_chmod(path, 0600), 0); /* as a config with secrets should be */
	return path;
}

/* Print what was emitted (shown when an assertion fails). */
static void
dump(void)
{
	for (guint i = 0; i < captured->len; i++) {
		const struct captured *c = g_ptr_array_index(captured, i);
		print_message("  %s [%s] %s\n", c->type == EV_ERROR ? "error" : "info",
		    c->command != NULL ? c->command : "-", c->message != NULL ? c->message : "-");
	}
}

/* The nth (from 0) captured error, which must exist. */
static const struct captured *
nth_error(unsigned n)
{
	for (guint i = 0; i < captured->len; i++) {
		const struct captured *c = g_ptr_array_index(captured, i);
		if (c->type == EV_ERROR && n-- == 0)
			return c;
	}
	dump();
	fail_msg("fewer errors than expected");
	return NULL;
}

/* Check that error e starts with "path:line: " and holds needle. */
static void
check_position_at(const struct captured *e, const char *path, int line, const char *needle,
    const char *file, int l)
{
	char *prefix = g_strdup_printf("%s:%d: ", path, line);
	bool ok = g_str_has_prefix(e->message, prefix) &&
	    (needle == NULL || strstr(e->message, needle) != NULL);

	if (!ok)
		print_error("error '%s': want the prefix '%s' and '%s'\n", e->message, prefix,
		    needle != NULL ? needle : "");
	_assert_true(cast_to_largest_integral_type(ok), "position", file, l);
	g_free(prefix);
}

#define CHECK_POSITION(e, path, line, needle) \
	check_position_at((e), (path), (line), (needle), __FILE__, __LINE__)

static void
test_comments_and_blank_lines(void **state)
{
	char *path = write_file("rc",
	    "# natter configuration\n"
	    "\n"
	    "   \n"
	    "\t\n"
	    "   # an indented comment\n"
	    "#/account add x x@example.org\n"
	    "account add a a@example.org\n"
	    "/account add b b@example.org\n"
	    "   /account set a nick Alice\n"
	    "\taccount set b nick Bob\n"
	    "set connect_timeout 42\n", -1);

	assert_int_equal(cmd_config_load(path, true), 0);
	if (capture_count(EV_ERROR) != 0)
		dump();
	assert_int_equal(capture_count(EV_ERROR), 0);
	assert_null(account_find("x"));
	assert_non_null(account_find("a"));
	assert_non_null(account_find("b"));
	assert_string_equal(account_find("a")->nick, "Alice");
	assert_string_equal(account_find("b")->nick, "Bob");
	assert_int_equal(settings_int("connect_timeout"), 42);
	g_free(path);
}

static void
test_bad_lines_reported_and_skipped(void **state)
{
	char *path = write_file("rc",
	    "# line 1\n"
	    "account add a a@example.org\n"
	    "\n"
	    "frobnicate now\n"                  /* 4: unknown command */
	    "account set a nick N\n"
	    "account add b\n"                   /* 6: missing argument */
	    "account set a port 99999\n"        /* 7: out of range */
	    "account set a resource r1\n"
	    "roster add bob@example.org\n"      /* 9: needs a connection */
	    "account add c c@example.org\n", -1);

	assert_int_equal(cmd_config_load(path, true), 0);
	if (capture_count(EV_ERROR) != 4)
		dump();
	assert_int_equal(capture_count(EV_ERROR), 4);
	CHECK_POSITION(nth_error(0), path, 4, "frobnicate");
	CHECK_POSITION(nth_error(1), path, 6, "missing JID");
	CHECK_POSITION(nth_error(2), path, 7, "port");
	CHECK_POSITION(nth_error(3), path, 9, "not connected");
	/* the lines after each bad one ran */
	assert_string_equal(account_find("a")->nick, "N");
	assert_string_equal(account_find("a")->resource, "r1");
	assert_int_equal(account_find("a")->port, 0);
	assert_null(account_find("b"));
	assert_non_null(account_find("c"));
	g_free(path);
}

static void
test_missing_file(void **state)
{
	char *path = g_build_filename(tmpdir, "no-such-file", NULL);

	assert_int_equal(cmd_config_load(path, true), -1);
	assert_int_equal(capture_count(EV_ERROR), 1);
	assert_non_null(strstr(capture_last(EV_ERROR)->message, path));
	capture_clear();
	assert_int_equal(cmd_config_load(path, false), 0);
	assert_int_equal(captured->len, 0);
	g_free(path);
}

/* BUG (src/cmd/cmd.c:278-290, cmd_config_load): fopen() opens a directory, the
 * first getline() fails with EISDIR and the "file" loads as empty: -c DIR
 * starts natter silently without its configuration. */
static void
test_directory_is_an_error(void **state)
{
	assert_int_equal(cmd_config_load(tmpdir, true), -1);
	assert_int_equal(capture_count(EV_ERROR), 1);
	assert_non_null(strstr(capture_last(EV_ERROR)->message, tmpdir));
}

static void
test_crlf(void **state)
{
	char *path = write_file("rc",
	    "account add a a@example.org\r\n"
	    "\r\n"
	    "# comment\r\n"
	    "account set a nick Bob\r\n"
	    "account set a password_cmd pass show x\r\n"
	    "bogus\r\n"
	    "account set a resource laptop\r\n", -1);

	assert_int_equal(cmd_config_load(path, true), 0);
	assert_int_equal(capture_count(EV_ERROR), 1);
	CHECK_POSITION(nth_error(0), path, 6, "bogus");
	assert_null(strchr(nth_error(0)->message, '\r'));
	assert_non_null(account_find("a"));
	assert_string_equal(account_find("a")->nick, "Bob");
	assert_string_equal(account_find("a")->password_cmd, "pass show x");
	assert_string_equal(account_find("a")->resource, "laptop");
	g_free(path);
}

static void
test_invalid_utf8(void **state)
{
	char *path = write_file("rc",
	    "account add a a@example.org\n"
	    "account set a nick \xff\xfe\n"
	    "account set a resource ok\n"
	    "account set a nick Al\xc3\n"
	    "account set a server example.org\n", -1);

	assert_int_equal(cmd_config_load(path, true), 0);
	assert_int_equal(capture_count(EV_ERROR), 2);
	CHECK_POSITION(nth_error(0), path, 2, "UTF-8");
	CHECK_POSITION(nth_error(1), path, 4, "UTF-8");
	assert_null(account_find("a")->nick);
	assert_string_equal(account_find("a")->resource, "ok");
	assert_string_equal(account_find("a")->server, "example.org");
	g_free(path);
}

static void
test_last_line_without_newline(void **state)
{
	char *path = write_file("rc", "account add a a@example.org\naccount set a nick Z", -1);

	assert_int_equal(cmd_config_load(path, true), 0);
	assert_int_equal(capture_count(EV_ERROR), 0);
	assert_string_equal(account_find("a")->nick, "Z");
	g_free(path);
}

static void
test_empty_file(void **state)
{
	char *path = write_file("rc", "", 0);

	assert_int_equal(cmd_config_load(path, true), 0);
	assert_int_equal(captured->len, 0);
	assert_int_equal(account_count(), 0);
	g_free(path);
}

static void
test_secret_not_in_errors(void **state)
{
	char *path = write_file("rc",
	    "account set nosuch password S3CRET-PW\n"
	    "account add a a@example.org\n"
	    "account set a pasword S3CRET-PW\n"
	    "account set a password S3CRET-PW\n", -1);

	assert_int_equal(cmd_config_load(path, true), 0);
	assert_int_equal(capture_count(EV_ERROR), 2);
	CHECK_POSITION(nth_error(0), path, 1, "nosuch");
	CHECK_POSITION(nth_error(1), path, 3, "pasword");
	assert_false(capture_any_contains("S3CRET-PW"));
	assert_string_equal(account_find("a")->password, "S3CRET-PW");
	g_free(path);
}

/* A password in a file others can read is warned about, at its line,
 * without the password; the account still gets it. */
static void
test_readable_password_file_warned(void **state)
{
	char *path = write_file("rc",
	    "account add a a@example.org\n"
	    "account set a password S3CRET-PW\n", -1);

	assert_int_equal(g_chmod(path, 0644), 0);
	assert_int_equal(cmd_config_load(path, true), 0);
	assert_int_equal(capture_count(EV_ERROR), 1);
	CHECK_POSITION(nth_error(0), path, 2, "chmod 600");
	assert_false(capture_any_contains("S3CRET-PW"));
	assert_string_equal(account_find("a")->password, "S3CRET-PW");
	g_free(path);
}

/* BUG (src/cmd/cmd.c:161, see test-cmd.c): a line with an open quote is a
 * double free.  Loaded in a child process so the crash fails only this
 * test; the line must be reported and the next one run. */
static void
test_open_quote_line(void **state)
{
	char *path = write_file("rc",
	    "account add a a@example.org\n"
	    "account add \"b b@example.org\n"
	    "account set a nick after\n", -1);
	pid_t pid;
	int status = 0;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *prefix = g_strdup_printf("%s:2: ", path);
		bool ok = cmd_config_load(path, true) == 0 && capture_count(EV_ERROR) == 1 &&
		    g_str_has_prefix(capture_last(EV_ERROR)->message, prefix) &&
		    strstr(capture_last(EV_ERROR)->message, "unterminated quote") != NULL &&
		    account_find("a") != NULL && g_strcmp0(account_find("a")->nick, "after") == 0;
		if (!ok)
			dump();
		fflush(stdout);
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		print_error("loading the file crashed: signal %d (%s)\n", WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	g_free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_comments_and_blank_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_lines_reported_and_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crlf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_line_without_newline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_not_in_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readable_password_file_warned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_quote_line, setup, teardown),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
