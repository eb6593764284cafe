/* test-cmd.c - src/cmd/: the parser and dispatcher (cmd.c), the families'
 * handlers that need no network, help, synopses and the man page section. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>

#include "natter/account.h"
#include "natter/app.h"
#include "natter/bus.h"
#include "natter/cmd.h"
#include "natter/event.h"
#include "natter/settings.h"
#include "capture.h"
#include "cmd-families.h"

/* The JID of the last EV_CHAT_OPEN seen. */
static char *chat_opened;

static void
chat_open_seen(const struct event *ev, void *unused)
{
	(void)unused;
	g_free(chat_opened);
	chat_opened = g_strdup(ev->u.chat.jid);
}

#define FP_LOWER "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* Run a typed line with a fresh capture; returns cmd_run's result. */
static int
run(const char *line)
{
	capture_clear();
	return cmd_run(line, NULL, 0);
}

/* Print what the last line emitted (shown when an assertion fails). */
static void
dump(const char *line)
{
	print_message("after: %s\n", line);
	for (guint i = 0; i < captured->len; i++) {
		const struct captured *c = g_ptr_array_index(captured, i);
		print_message("  %s [%s] %s\n", c->type == EV_ERROR ? "error" : "info",
		    c->command != NULL ? c->command : "-", c->message != NULL ? c->message : "-");
	}
}

/* Run line; it must fail with one error whose text holds every needle. */
static void
expect_error_at(const char *line, const char *const *needles, const char *file, int l)
{
	int rc = run(line);
	const struct captured *e = capture_last(EV_ERROR);
	bool ok = rc == -1 && capture_count(EV_ERROR) == 1 && e != NULL;

	for (const char *const *n = needles; ok && *n != NULL; n++)
		ok = strstr(e->message, *n) != NULL;
	if (!ok) {
		dump(line);
		for (const char *const *n = needles; *n != NULL; n++)
			print_message("  expected an error containing: %s\n", *n);
	}
	_assert_true(cast_to_largest_integral_type(ok), line, file, l);
}

/* Run line; it must succeed without errors, and its last info must hold
 * every needle. */
static void
expect_info_at(const char *line, const char *const *needles, const char *file, int l)
{
	int rc = run(line);
	const struct captured *i = capture_last(EV_INFO);
	bool ok = rc == 0 && capture_count(EV_ERROR) == 0 && (needles[0] == NULL || i != NULL);

	for (const char *const *n = needles; ok && *n != NULL; n++)
		ok = strstr(i->message, *n) != NULL;
	if (!ok) {
		dump(line);
		for (const char *const *n = needles; *n != NULL; n++)
			print_message("  expected an info containing: %s\n", *n);
	}
	_assert_true(cast_to_largest_integral_type(ok), line, file, l);
}

/* EXPECT_ERROR in a child process, so that a crash fails this test alone
 * instead of ending the whole group.  Errors must not add accounts. */
static void
expect_error_forked_at(const char *line, const char *const *needles, const char *file, int l)
{
	pid_t pid;
	int status = 0;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		size_t before = account_count();
		int rc = run(line);
		const struct captured *e = capture_last(EV_ERROR);
		bool ok = rc == -1 && capture_count(EV_ERROR) == 1 && e != NULL &&
		    account_count() == before;
		for (const char *const *n = needles; ok && *n != NULL; n++)
			ok = strstr(e->message, *n) != NULL;
		if (!ok) {
			dump(line);
			for (const char *const *n = needles; *n != NULL; n++)
				print_message("  expected an error containing: %s\n", *n);
		}
		fflush(stdout);
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		print_error("'%s' crashed natter: signal %d (%s)\n", line, WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
	_assert_true(cast_to_largest_integral_type(WIFEXITED(status) && WEXITSTATUS(status) == 0),
	    line, file, l);
}

#define EXPECT_ERROR_FORKED(line, ...) \
	expect_error_forked_at((line), (const char *const[]){ __VA_ARGS__, NULL }, __FILE__, __LINE__)
#define EXPECT_ERROR(line, ...) \
	expect_error_at((line), (const char *const[]){ __VA_ARGS__, NULL }, __FILE__, __LINE__)
#define EXPECT_INFO(line, ...) \
	expect_info_at((line), (const char *const[]){ __VA_ARGS__, NULL }, __FILE__, __LINE__)
#define EXPECT_OK(line) \
	expect_info_at((line), (const char *const[]){ NULL }, __FILE__, __LINE__)

static int
setup(void **state)
{
	bus_reset();
	account_free_all();
	settings_reset();
	capture_start();
	return 0;
}

static int
teardown(void **state)
{
	bus_reset();
	account_free_all();
	settings_reset();
	capture_stop();
	return 0;
}

/* Add account a for a@example.org and return it. */
static struct account *
add_a(void)
{
	EXPECT_OK("/account add a a@example.org");
	assert_non_null(account_find("a"));
	return account_find("a");
}

static void
test_unknown_command(void **state)
{
	EXPECT_ERROR("/frobnicate x y", "/frobnicate");
	assert_string_equal(capture_last(EV_ERROR)->command, "frobnicate");
	EXPECT_ERROR("/Help", "/Help");
	EXPECT_ERROR("/", "empty command");
	EXPECT_ERROR("   /   ", "empty command");
}

static void
test_plain_line(void **state)
{
	EXPECT_ERROR("hello there", "/msg");
	EXPECT_ERROR("  hello", "/msg");
	assert_int_equal(capture_count(EV_INFO), 0);
	/* leading blanks before the slash are fine */
	EXPECT_OK("   /account add a a@example.org");
	assert_non_null(account_find("a"));
}

static void
test_missing_argument(void **state)
{
	EXPECT_ERROR("/account add onlyname", "missing JID", "/account add NAME JID");
	assert_string_equal(capture_last(EV_ERROR)->command, "account add");
	EXPECT_ERROR("/account add", "missing NAME", "/account add NAME JID");
	EXPECT_ERROR("/msg", "missing JID", "/msg JID [TEXT]");
	EXPECT_ERROR("/status", "missing SHOW");
	EXPECT_ERROR("/account set a", "missing KEY", "/account set NAME KEY [VALUE]");
	EXPECT_ERROR("/account trust a", "missing FINGERPRINT");
	EXPECT_ERROR("/account use", "missing NAME");
	assert_int_equal(account_count(), 0);
}

static void
test_too_many_arguments(void **state)
{
	add_a();
	EXPECT_ERROR("/account use a b", "too many arguments", "/account use NAME");
	EXPECT_ERROR("/account list extra", "too many arguments");
	EXPECT_ERROR("/account add b b@example.org extra", "too many arguments");
	assert_null(account_find("b"));
	EXPECT_ERROR("/quit now", "too many arguments");
	assert_false(app.quitting);
}

static void
test_quoting(void **state)
{
	struct account *acc;

	/* the quotes make one argument of two words: account_add refuses the
	 * space, where unquoted words would be too many arguments */
	EXPECT_ERROR("/account add \"my acct\" x@example.org", "one word");
	assert_int_equal(account_count(), 0);
	EXPECT_ERROR("/account add my acct x@example.org", "too many arguments");

	EXPECT_OK("/account add \"quoted\" q@example.org");
	acc = account_find("quoted");
	assert_non_null(acc);
	assert_string_equal(acc->jid, "q@example.org");
	/* quotes join with the letters around them */
	EXPECT_OK("/account add ab\"cd\"ef x@example.org");
	assert_non_null(account_find("abcdef"));
	/* escapes inside quotes */
	EXPECT_OK("/account add \"a\\\"b\" y@example.org");
	assert_non_null(account_find("a\"b"));
	EXPECT_OK("/account add \"c\\\\d\" z@example.org");
	assert_non_null(account_find("c\\d"));
	/* a backslash before anything else is kept */
	EXPECT_OK("/account add \"e\\f\" w@example.org");
	assert_non_null(account_find("e\\f"));
	/* tabs separate words too */
	EXPECT_OK("/account add\ttab\tt@example.org");
	assert_non_null(account_find("tab"));
	/* an empty quoted word is an argument, and not a valid name */
	EXPECT_ERROR("/account add \"\" v@example.org", "one word");
}

/* BUG (src/cmd/cmd.c:161): on an open quote cmd_split frees argv[argc] but
 * leaves the pointer in argv, and cmd_dispatch frees it again: a double
 * free.  These run in a child process so the crash fails only this test. */
static void
test_unterminated_quote(void **state)
{
	EXPECT_ERROR_FORKED("/account add \"my acct x@example.org", "unterminated quote",
	    "/account add NAME JID");
	EXPECT_ERROR_FORKED("/account add a \"a@example.org", "unterminated quote");
	EXPECT_ERROR_FORKED("/account add \"a\\\" a@example.org", "unterminated quote");
	EXPECT_ERROR_FORKED("/msg \"bob@example.org hello", "unterminated quote");
}

/* BUG (src/cmd/cmd.c:187-188): the open quote in a subcommand's name is
 * ignored, so "/account \"list" runs /account list. */
static void
test_unterminated_quote_subcommand(void **state)
{
	EXPECT_ERROR("/account \"list", "unterminated quote");
	EXPECT_ERROR("/account \"add a a@example.org", "unterminated quote");
	assert_int_equal(account_count(), 0);
}

static void
test_rest_verbatim(void **state)
{
	struct account *acc = add_a();

	EXPECT_OK("/account set a password_cmd pass show \"x y\"");
	assert_string_equal(acc->password_cmd, "pass show \"x y\"");
	EXPECT_OK("/account set a password_cmd   printf  '%s\\n'   \"a  b\"");
	assert_string_equal(acc->password_cmd, "printf  '%s\\n'   \"a  b\"");
	/* the quotes stay part of the value */
	EXPECT_OK("/account set a resource \"x y\"");
	assert_string_equal(acc->resource, "\"x y\"");
	EXPECT_OK("/account set a nick Bob the Builder");
	assert_string_equal(acc->nick, "Bob the Builder");
	/* no VALUE clears the key */
	EXPECT_OK("/account set a nick");
	assert_null(acc->nick);
	EXPECT_OK("/account set a password_cmd");
	assert_null(acc->password_cmd);
}

static void
test_subcommands(void **state)
{
	const struct cmd *account = cmd_find(cmd_table(), "account");
	const struct cmd *roster = cmd_find(cmd_table(), "roster");
	const struct captured *e;

	assert_non_null(account);
	assert_non_null(account->sub);
	EXPECT_ERROR("/account frobnicate", "frobnicate");
	e = capture_last(EV_ERROR);
	for (const struct cmd *s = account->sub; s->name != NULL; s++) {
		if (strstr(e->message, s->name) == NULL)
			fail_msg("'%s' does not name the subcommand %s", e->message, s->name);
	}
	assert_non_null(roster);
	EXPECT_ERROR("/roster frobnicate bob@example.org", "frobnicate");
	e = capture_last(EV_ERROR);
	for (const struct cmd *s = roster->sub; s->name != NULL; s++) {
		if (strstr(e->message, s->name) == NULL)
			fail_msg("'%s' does not name the subcommand %s", e->message, s->name);
	}
	/* without a subcommand, /account lists the accounts */
	EXPECT_INFO("/account", "no accounts");
	add_a();
	EXPECT_INFO("/account", "a", "a@example.org", "offline");
	EXPECT_INFO("/account list", "a@example.org");
	/* subcommands are found by their exact name */
	EXPECT_ERROR("/account ad b b@example.org", "'ad'");
}

static void
test_help_lists_every_command(void **state)
{
	const struct captured *i;
	size_t n = 0;

	EXPECT_INFO("/help", "/help");
	assert_int_equal(capture_count(EV_INFO), 1);
	i = capture_last(EV_INFO);
	for (const struct cmd *c = cmd_table(); c->name != NULL; c++, n++) {
		char *want = g_strdup_printf("/%s ", c->name);
		if (strstr(i->message, want) == NULL)
			fail_msg("/help does not list /%s:\n%s", c->name, i->message);
		if (c->summary == NULL || strstr(i->message, c->summary) == NULL)
			fail_msg("/help does not give the summary of /%s", c->name);
		g_free(want);
	}
	/* the commands of DESIGN.md's foundation are there */
	assert_true(n >= 9);
	for (const char *const *name = (const char *const[]){ "help", "set", "quit", "account",
	         "connect", "disconnect", "msg", "status", "roster", NULL }; *name != NULL; name++)
		assert_non_null(cmd_find(cmd_table(), *name));
}

static void
test_help_one(void **state)
{
	const struct cmd *roster = cmd_find(cmd_table(), "roster");
	const struct cmd *add = cmd_find(roster->sub, "add");
	const struct captured *i;

	EXPECT_INFO("/help roster add", "/roster add JID [NAME]", add->summary, add->examples[0]);
	assert_null(strstr(capture_last(EV_INFO)->message, "/roster remove"));
	EXPECT_INFO("/help /roster add", "/roster add JID [NAME]");
	EXPECT_INFO("/help roster", "/roster");
	i = capture_last(EV_INFO);
	for (const struct cmd *s = roster->sub; s->name != NULL; s++) {
		char *want = g_strdup_printf("/roster %s", s->name);
		if (strstr(i->message, want) == NULL)
			fail_msg("/help roster does not show %s:\n%s", want, i->message);
		g_free(want);
	}
	EXPECT_INFO("/help account set", "/account set NAME KEY [VALUE]", "password_cmd");
	/* /help set lists the settings */
	EXPECT_INFO("/help set", "connect_timeout");
	i = capture_last(EV_INFO);
	for (const struct setting *s = settings_table(); s->name != NULL; s++) {
		if (strstr(i->message, s->name) == NULL)
			fail_msg("/help set does not list %s", s->name);
	}
	EXPECT_ERROR("/help nosuchcommand", "nosuchcommand");
}

static void
test_set(void **state)
{
	const struct captured *i;

	EXPECT_OK("/set connect_timeout 10");
	assert_int_equal(settings_int("connect_timeout"), 10);
	EXPECT_ERROR("/set connect_timeout 0", "connect_timeout", "1", "600");
	EXPECT_ERROR("/set connect_timeout 601", "connect_timeout");
	EXPECT_ERROR("/set connect_timeout ten", "ten");
	EXPECT_ERROR("/set connect_timeout 10s", "10s");
	assert_int_equal(settings_int("connect_timeout"), 10);
	EXPECT_OK("/set connect_timeout 600");
	assert_int_equal(settings_int("connect_timeout"), 600);
	EXPECT_ERROR("/set nosuchsetting 1", "nosuchsetting");
	EXPECT_ERROR("/set nosuchsetting", "nosuchsetting");
	EXPECT_INFO("/set connect_timeout", "connect_timeout = 600");
	EXPECT_INFO("/set", "keepalive_interval = 300");
	i = capture_last(EV_INFO);
	for (const struct setting *s = settings_table(); s->name != NULL; s++) {
		if (strstr(i->message, s->name) == NULL)
			fail_msg("/set does not list %s", s->name);
	}
}

static void
test_needs_online(void **state)
{
	const struct cmd *roster = cmd_find(cmd_table(), "roster");
	struct account *acc;
	int gated = 0;

	/* no account at all */
	EXPECT_ERROR("/roster add bob@example.org", "no account");
	acc = add_a();
	for (const struct cmd *s = roster->sub; s->name != NULL; s++) {
		char *line;
		if (!s->needs_online)
			continue;
		line = g_strdup_printf("/roster %s bob@example.org", s->name);
		EXPECT_ERROR(line, "not connected", "/connect a");
		assert_string_equal(capture_last(EV_ERROR)->account, "a");
		g_free(line);
		gated++;
	}
	assert_true(gated >= 7);
	EXPECT_ERROR("/roster rename bob@example.org \"Bob B\"", "not connected");
	/* once online, the gate opens (sending fails here: there is no session) */
	acc->state = ACC_ONLINE;
	EXPECT_ERROR("/roster add bob@example.org", "not sent");
	/* and the arguments are still checked */
	EXPECT_ERROR("/roster add @example.org", "not a valid JID");
	EXPECT_ERROR("/roster remove bob@example.org/res", "bare JID");
	acc->state = ACC_OFFLINE;
	/* /msg without text opens the chat offline (EV_CHAT_OPEN, bare JID,
	 * and plain lines then go to it); with text it needs a session */
	{
		unsigned id = bus_subscribe(EV_CHAT_OPEN, chat_open_seen, NULL);
		g_free(chat_opened);
		chat_opened = NULL;
		assert_int_equal(cmd_run("/msg Bob@Example.org/phone", NULL, 0), 0);
		assert_non_null(chat_opened);
		assert_string_equal(chat_opened, "bob@example.org");
		assert_string_equal(cmd_last_target(), "bob@example.org");
		bus_unsubscribe(id);
	}
	EXPECT_ERROR("/msg bob@example.org hello", "not connected");
	EXPECT_ERROR("/msg @example.org hello", "not a valid JID");
}

static void
test_password_never_shown(void **state)
{
	static const char *const lines[] = {
		"/account add a a@example.org",
		"/account set a password SECRET123",
		"/account show a",
		"/account show",
		"/account list",
		"/account",
		"/help account set",
		"/account set a pasword SECRET123",
		"/account set nosuch password SECRET123",
		"/account set a password_cmd echo hi",
		"/account show a",
		"/roster",
		NULL
	};
	struct account *acc;

	capture_clear();
	for (const char *const *l = lines; *l != NULL; l++)
		cmd_run(*l, NULL, 0);
	acc = account_find("a");
	assert_non_null(acc);
	assert_string_equal(acc->password, "SECRET123");
	/* the commands did run: show said the password is set, the typos failed */
	assert_true(capture_count(EV_INFO) >= 6);
	assert_int_equal(capture_count(EV_ERROR), 2);
	assert_true(capture_any_contains("(set)"));
	if (capture_any_contains("SECRET123")) {
		dump("the password lines");
		fail_msg("the password appeared in an event");
	}
	/* clearing it */
	EXPECT_OK("/account set a password");
	assert_null(acc->password);
	EXPECT_INFO("/account show a", "(not set)");
}

static void
test_trust(void **state)
{
	struct account *acc = add_a();
	GString *colons = g_string_new(NULL);
	char *upper = g_ascii_strup(FP_LOWER, -1);
	char *line;

	/* AB:CD:... in upper case */
	for (size_t i = 0; i < 64; i += 2)
		g_string_append_printf(colons, "%s%c%c", i ? ":" : "", upper[i], upper[i + 1]);
	line = g_strdup_printf("/account trust a %s", colons->str);
	run(line);
	assert_non_null(acc->pin);
	assert_string_equal(acc->pin, FP_LOWER);
	assert_non_null(capture_last(EV_INFO));
	assert_non_null(strstr(capture_last(EV_INFO)->message, FP_LOWER));
	g_free(line);

	EXPECT_OK("/account trust a none");
	assert_null(acc->pin);

	line = g_strdup_printf("/account trust a %s", upper);
	run(line);
	assert_non_null(acc->pin);
	assert_string_equal(acc->pin, FP_LOWER);
	g_free(line);

	/* wrong lengths and non-hex digits are refused; the pin is kept */
	line = g_strdup_printf("/account trust a %.63s", FP_LOWER);
	EXPECT_ERROR(line, "64 hex digits");
	g_free(line);
	line = g_strdup_printf("/account trust a %s0", FP_LOWER);
	EXPECT_ERROR(line, "64 hex digits");
	g_free(line);
	line = g_strdup_printf("/account trust a %.63sg", FP_LOWER);
	EXPECT_ERROR(line, "64 hex digits");
	g_free(line);
	EXPECT_ERROR("/account trust a :::", "64 hex digits");
	assert_string_equal(acc->pin, FP_LOWER);
	line = g_strdup_printf("/account trust nosuch %s", FP_LOWER);
	EXPECT_ERROR(line, "nosuch");
	g_free(line);

	g_string_free(colons, TRUE);
	g_free(upper);
}

static void
test_account_add_set(void **state)
{
	struct account *acc;

	EXPECT_ERROR("/account add a not a jid", "too many arguments");
	EXPECT_ERROR("/account add a @example.org", "invalid JID");
	EXPECT_ERROR("/account add a a@example.org/res", "without a resource");
	EXPECT_ERROR("/account add a example.org", "user@domain");
	EXPECT_ERROR("/account add a/b a@example.org", "without '/'");
	acc = add_a();
	assert_string_equal(acc->jid, "a@example.org");
	EXPECT_ERROR("/account add a b@example.org", "exists already");
	EXPECT_OK("/account add B B@Example.ORG");
	assert_string_equal(account_find("B")->jid, "b@example.org");

	EXPECT_OK("/account set a port 5223");
	assert_int_equal(acc->port, 5223);
	EXPECT_ERROR("/account set a port 0", "port");
	EXPECT_ERROR("/account set a port 65536", "port");
	EXPECT_ERROR("/account set a port 52x", "52x");
	assert_int_equal(acc->port, 5223);
	EXPECT_OK("/account set a tls direct");
	assert_int_equal(acc->tls, TLS_DIRECT);
	EXPECT_ERROR("/account set a tls none", "starttls");
	assert_int_equal(acc->tls, TLS_DIRECT);
	EXPECT_OK("/account set a tls");
	assert_int_equal(acc->tls, TLS_STARTTLS);
	EXPECT_ERROR("/account set a resource bad\tresource", "invalid resource");
	EXPECT_ERROR("/account set a server a b", "server");
	EXPECT_OK("/account set a autoconnect on");
	assert_true(acc->autoconnect);
	EXPECT_ERROR("/account set a autoconnect maybe", "maybe");
	EXPECT_ERROR("/account set a nosuchkey x", "nosuchkey");

	/* /account use picks the account commands act on */
	EXPECT_OK("/account use B");
	assert_ptr_equal(account_current(), account_find("B"));
	EXPECT_ERROR("/account use nosuch", "nosuch");
	assert_ptr_equal(account_current(), account_find("B"));
	EXPECT_INFO("/account show", "B: b@example.org");
}

static void
test_status(void **state)
{
	struct account *acc;

	EXPECT_ERROR("/status away", "no account");
	acc = add_a();
	EXPECT_OK("/status away back at  two");
	assert_int_equal(acc->show, PRES_AWAY);
	assert_string_equal(acc->status, "back at  two");
	EXPECT_OK("/status dnd");
	assert_int_equal(acc->show, PRES_DND);
	assert_null(acc->status);
	EXPECT_ERROR("/status offline", "offline");
	EXPECT_ERROR("/status busy", "busy");
	assert_int_equal(acc->show, PRES_DND);
}

/* Check that c's synopsis names each argument, optional ones in brackets. */
static void
check_synopsis(const struct cmd *c, const char *parent)
{
	GString *want = g_string_new(NULL);

	for (int a = 0; a < CMD_MAX_ARGS && c->args[a].name != NULL; a++) {
		bool opt = (c->args[a].flags & CMD_ARG_OPTIONAL) != 0;
		g_string_append_printf(want, "%s%s%s%s", a ? " " : "", opt ? "[" : "",
		    c->args[a].name, opt ? "]" : "");
	}
	if (strcmp(cmd_synopsis(c), want->str) != 0)
		fail_msg("/%s %s: synopsis '%s', want '%s'", parent, c->name, cmd_synopsis(c),
		    want->str);
	g_string_free(want, TRUE);
}

static void
test_synopsis(void **state)
{
	const struct cmd *t = cmd_table();
	const struct cmd *account = cmd_find(t, "account");

	assert_string_equal(cmd_synopsis(cmd_find(t, "msg")), "JID [TEXT]");
	assert_string_equal(cmd_synopsis(cmd_find(t, "quit")), "");
	assert_string_equal(cmd_synopsis(cmd_find(t, "help")), "[COMMAND]");
	assert_string_equal(cmd_synopsis(cmd_find(account->sub, "add")), "NAME JID");
	assert_string_equal(cmd_synopsis(cmd_find(account->sub, "set")), "NAME KEY [VALUE]");
	assert_string_equal(cmd_synopsis(cmd_find(account->sub, "list")), "");
	assert_null(cmd_find(t, "nosuch"));
	assert_null(cmd_find(t, ""));
	/* every argument of every command is named, optional ones in brackets */
	for (const struct cmd *c = t; c->name != NULL; c++) {
		check_synopsis(c, "");
		for (const struct cmd *s = c->sub; s != NULL && s->name != NULL; s++)
			check_synopsis(s, c->name);
	}
}

/* True when man holds a .TP entry for "/name" followed by a blank or the
 * end of the line. */
static bool
man_has_entry(const char *man, const char *name)
{
	char *head = g_strdup_printf(".TP\n.B /%s", name);
	const char *p = man;
	bool found = false;

	while (!found && (p = strstr(p, head)) != NULL) {
		char next = p[strlen(head)];
		found = next == ' ' || next == '\n';
		p++;
	}
	g_free(head);
	return found;
}

/* Counts (/history N, /retract N, /moderate NICK N REASON): whole
 * numbers in range, or a number then the rest after white space. */
static void
test_count(void **state)
{
	const char *rest = NULL;
	long n = 7;

	assert_int_equal(cmd_count("3", 1000, &n, NULL), 1);
	assert_int_equal(n, 3);
	assert_int_equal(cmd_count("1000", 1000, &n, NULL), 1);
	assert_int_equal(cmd_count("0", 1000, &n, NULL), -1);
	assert_int_equal(cmd_count("1001", 1000, &n, NULL), -1);
	assert_int_equal(n, 1001);
	assert_int_equal(cmd_count("99999999999999999999999", 1000, &n, NULL), -1);
	n = 7;
	assert_int_equal(cmd_count("x", 1000, &n, NULL), 0);
	assert_int_equal(cmd_count("-1", 1000, &n, NULL), 0);
	assert_int_equal(cmd_count("+2", 1000, &n, NULL), 0);
	assert_int_equal(cmd_count("", 1000, &n, NULL), 0);
	assert_int_equal(cmd_count("2nd", 1000, &n, &rest), 0);
	assert_int_equal(cmd_count("2 spam", 1000, &n, NULL), 0);
	assert_int_equal(n, 7);
	assert_int_equal(cmd_count("2 spam", 1000, &n, &rest), 1);
	assert_int_equal(n, 2);
	assert_string_equal(rest, "spam");
	assert_int_equal(cmd_count("4\t off topic", 1000, &n, &rest), 1);
	assert_int_equal(n, 4);
	assert_string_equal(rest, "off topic");
	assert_int_equal(cmd_count("5", 1000, &n, &rest), 1);
	assert_string_equal(rest, "");
}

static void
test_man(void **state)
{
	char *man = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&man, &len);
	size_t entries = 0, tps = 0;
	char **lines;

	assert_non_null(f);
	cmd_man(f);
	assert_int_equal(fclose(f), 0);
	assert_true(len > 0);
	for (const struct cmd *c = cmd_table(); c->name != NULL; c++) {
		entries++;
		if (!man_has_entry(man, c->name))
			fail_msg("the man page has no entry for /%s", c->name);
		for (const struct cmd *s = c->sub; s != NULL && s->name != NULL; s++) {
			char *full = g_strdup_printf("%s %s", c->name, s->name);
			entries++;
			if (!man_has_entry(man, full))
				fail_msg("the man page has no entry for /%s", full);
			g_free(full);
		}
	}
	/* one .TP per entry, and no text line that troff would take for a request */
	lines = g_strsplit(man, "\n", -1);
	for (char **l = lines; *l != NULL; l++) {
		if (strcmp(*l, ".TP") == 0)
			tps++;
		else if ((*l)[0] == '.' || (*l)[0] == '\'') {
			if (strncmp(*l, ".B ", 3) != 0 && strcmp(*l, ".br") != 0)
				fail_msg("stray troff request: %s", *l);
		}
	}
	assert_int_equal(tps, entries);
	/* synopses are in italics, with hyphens escaped */
	assert_non_null(strstr(man, ".B /account add \\fINAME JID\\fR\n"));
	assert_non_null(strstr(man, ".B /quit\n"));
	g_strfreev(lines);
	free(man);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unknown_command, setup, teardown),
		cmocka_unit_test_setup_teardown(test_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_argument, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quoting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unterminated_quote, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unterminated_quote_subcommand, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rest_verbatim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_subcommands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help_lists_every_command, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_needs_online, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_never_shown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trust, setup, teardown),
		cmocka_unit_test_setup_teardown(test_account_add_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_synopsis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_man, setup, teardown),
	};

	return cmocka_run_group_tests_name("cmd", tests, NULL, NULL);
}
