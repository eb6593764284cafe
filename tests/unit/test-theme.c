/* test-theme.c - src/ui/theme.c: the key table, specs, colour mapping,
 * theme files and the search path, the shipped themes, /theme, and (on
 * screens written to /dev/null) colour pairs for 256, 8 and no colours. */
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
#include <glib/gstdio.h>

#include "natter/bus.h"
#include "natter/cmd.h"
#include "natter/event.h"
#include "theme.h"
#include "capture.h"
#include "tmpdir.h"

/* --- helpers --- */

static char *tmp;       /* a fresh directory per test that asks for one */
static char *start_cwd; /* the directory the test started in */
static char *srcdir;    /* the source tree (holds themes/) */

/* Write text to dir/name (dir made as needed); returns the path (g_free). */
static char *
write_file(const char *dir, const char *name, const char *text)
{
	char *path = g_build_filename(dir, name, NULL);

	assert_int_equal(g_mkdir_with_parents(dir, 0700), 0);
	assert_true(g_file_set_contents(path, text, -1, NULL));
	return path;
}

static int
setup(void **state)
{
	tmp = g_dir_make_tmp("natter-theme-XXXXXX", NULL);
	assert_non_null(tmp);
	g_unsetenv("NO_COLOR");
	g_unsetenv("NATTER_SRCDIR");
	g_setenv("XDG_CONFIG_HOME", tmp, TRUE); /* no user themes */
	assert_int_equal(chdir(tmp), 0);
	bus_reset();
	capture_start();
	theme_set_changed_hook(NULL);
	return 0;
}

static int
teardown(void **state)
{
	assert_int_equal(chdir(start_cwd), 0);
	tmpdir_remove(tmp);
	g_free(tmp);
	tmp = NULL;
	capture_stop();
	bus_reset();
	theme_set_changed_hook(NULL);
	return 0;
}

/* --- the table --- */

#define K(e, n) { e, n }
static const struct { enum theme_key key; const char *name; } expected_keys[] = {
	K(THEME_TITLE, "title"), K(THEME_TITLE_PRESENCE, "title.presence"),
	K(THEME_MAIN, "main"), K(THEME_MAIN_TIME, "main.time"), K(THEME_MAIN_NICK, "main.nick"),
	K(THEME_MAIN_NICK_SELF, "main.nick.self"), K(THEME_MAIN_TEXT_SELF, "main.text.self"),
	K(THEME_MAIN_ACTION, "main.action"), K(THEME_MAIN_INFO, "main.info"),
	K(THEME_MAIN_ERROR, "main.error"), K(THEME_MAIN_HIGHLIGHT, "main.highlight"),
	K(THEME_MAIN_MARKER, "main.marker"), K(THEME_MAIN_RECEIPT, "main.receipt"),
	K(THEME_MAIN_CORRECTED, "main.corrected"), K(THEME_MAIN_CHATSTATE, "main.chatstate"),
	K(THEME_MAIN_DAY, "main.day"), K(THEME_MAIN_CONTROL, "main.control"),
	K(THEME_MAIN_JOIN, "main.join"), K(THEME_MAIN_PART, "main.part"),
	K(THEME_MAIN_URL, "main.url"), K(THEME_ROSTER, "roster"),
	K(THEME_ROSTER_HEADER, "roster.header"), K(THEME_ROSTER_GROUP, "roster.group"),
	K(THEME_ROSTER_ONLINE, "roster.online"), K(THEME_ROSTER_CHAT, "roster.chat"),
	K(THEME_ROSTER_AWAY, "roster.away"), K(THEME_ROSTER_XA, "roster.xa"),
	K(THEME_ROSTER_DND, "roster.dnd"), K(THEME_ROSTER_OFFLINE, "roster.offline"),
	K(THEME_ROSTER_UNREAD, "roster.unread"), K(THEME_ROSTER_SELECTED, "roster.selected"),
	K(THEME_OCCUPANTS, "occupants"), K(THEME_OCCUPANTS_HEADER, "occupants.header"),
	K(THEME_OCCUPANTS_MODERATOR, "occupants.moderator"),
	K(THEME_OCCUPANTS_PARTICIPANT, "occupants.participant"),
	K(THEME_OCCUPANTS_VISITOR, "occupants.visitor"), K(THEME_STATUS, "status"),
	K(THEME_STATUS_ACCOUNT, "status.account"), K(THEME_STATUS_WIN, "status.win"),
	K(THEME_STATUS_WIN_ACTIVE, "status.win.active"),
	K(THEME_STATUS_WIN_HIGHLIGHT, "status.win.highlight"),
	K(THEME_STATUS_WIN_CURRENT, "status.win.current"), K(THEME_INPUT, "input"),
	K(THEME_INPUT_PROMPT, "input.prompt"), K(THEME_SEPARATOR, "separator"),
	K(THEME_CONSOLE, "console"), K(THEME_CONSOLE_ELEMENT, "console.element"),
	K(THEME_CONSOLE_ATTRIBUTE, "console.attribute"), K(THEME_CONSOLE_VALUE, "console.value"),
	K(THEME_CONSOLE_TEXT, "console.text"), K(THEME_CONSOLE_NAMESPACE, "console.namespace"),
	K(THEME_CONSOLE_PUNCTUATION, "console.punctuation"),
	K(THEME_CONSOLE_MARKER, "console.marker"),
	K(THEME_CONSOLE_IN, "console.in"), K(THEME_CONSOLE_OUT, "console.out"),
	K(THEME_CONSOLE_RTT, "console.rtt"), K(THEME_CONSOLE_TIMEOUT, "console.timeout"),
	K(THEME_CONSOLE_MATCH, "console.match"),
	K(THEME_SEARCH_HIT, "search.hit"),
};

static void
test_key_table(void **state)
{
	const struct theme_key_info *keys = theme_keys();
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

	assert_int_equal(G_N_ELEMENTS(expected_keys), THEME_KEY_COUNT);
	for (size_t i = 0; i < G_N_ELEMENTS(expected_keys); i++) {
		assert_int_equal(expected_keys[i].key, (int)i);
		assert_string_equal(keys[i].name, expected_keys[i].name);
	}
	for (int k = 0; k < THEME_KEY_COUNT; k++) {
		struct theme_spec s;
		char *err = NULL;

		assert_non_null(keys[k].name);
		assert_false(g_hash_table_contains(seen, keys[k].name));
		g_hash_table_add(seen, (gpointer)keys[k].name);
		assert_int_equal(theme_key_find(keys[k].name), k);
		for (const char *p = keys[k].name; *p != '\0'; p++)
			assert_true(g_ascii_islower(*p) || *p == '.');
		assert_non_null(keys[k].help);
		assert_true(strlen(keys[k].help) > 3);
		assert_int_equal(keys[k].help[strlen(keys[k].help) - 1], '.');
		assert_null(strchr(keys[k].help, '\n'));
		if (theme_spec_parse(keys[k].def, &s, &err) != 0)
			fail_msg("default of %s: %s", keys[k].name, err);
	}
	g_hash_table_destroy(seen);
	assert_int_equal(theme_key_find("nosuch"), -1);
	assert_int_equal(theme_key_find("main."), -1);

	assert_int_equal(theme_key_parent(THEME_TITLE), -1);
	assert_int_equal(theme_key_parent(THEME_MAIN), -1);
	assert_int_equal(theme_key_parent(THEME_TITLE_PRESENCE), THEME_TITLE);
	assert_int_equal(theme_key_parent(THEME_MAIN_NICK_SELF), THEME_MAIN_NICK);
	assert_int_equal(theme_key_parent(THEME_MAIN_NICK), THEME_MAIN);
	assert_int_equal(theme_key_parent(THEME_MAIN_TEXT_SELF), THEME_MAIN); /* main.text absent */
	assert_int_equal(theme_key_parent(THEME_STATUS_WIN_CURRENT), THEME_STATUS_WIN);
	assert_int_equal(theme_key_parent(THEME_CONSOLE_IN), THEME_CONSOLE);
	assert_int_equal(theme_key_parent(THEME_CONSOLE_MATCH), THEME_CONSOLE);
	assert_int_equal(theme_key_parent(THEME_SEARCH_HIT), -1);
}

/* --- colours and specs --- */

static void
colour_ok(const char *word, int want)
{
	int c = -99;

	if (theme_colour_parse(word, &c) != 0)
		fail_msg("colour '%s' refused", word);
	if (c != want)
		fail_msg("colour '%s' is %d, not %d", word, c, want);
}

static void
test_colour_parse(void **state)
{
	static const char *const bad[] = {
		"", "colour", "color", "colour256", "colour-1", "colour+1", "colourx", "colour1x",
		"colour 1", "colour99999999999999999999", "purple", "bright-", "bright-default",
		"bright-colour1", "8", "bright", "-1", "colours1", "redd", NULL
	};
	static const char *const names[] = {
		"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
	};

	colour_ok("default", THEME_COLOUR_DEFAULT);
	colour_ok("DEFAULT", THEME_COLOUR_DEFAULT);
	for (int i = 0; i < 8; i++) {
		char *b = g_strconcat("bright-", names[i], NULL);
		colour_ok(names[i], i);
		colour_ok(b, i + 8);
		g_free(b);
	}
	colour_ok("Red", 1);
	colour_ok("Bright-White", 15);
	colour_ok("colour0", 0);
	colour_ok("colour255", 255);
	colour_ok("color42", 42);
	colour_ok("Colour9", 9);
	colour_ok("colour007", 7);
	for (const char *const *b = bad; *b != NULL; b++) {
		int c = -99;
		if (theme_colour_parse(*b, &c) == 0)
			fail_msg("colour '%s' accepted as %d", *b, c);
	}
}

static void
spec_ok(const char *spec, int fg, int bg, unsigned attrs)
{
	struct theme_spec s;
	char *err = NULL;

	if (theme_spec_parse(spec, &s, &err) != 0)
		fail_msg("'%s' refused: %s", spec, err);
	if (s.fg != fg || s.bg != bg || s.attrs != attrs)
		fail_msg("'%s' gave fg %d bg %d attrs %#x", spec, s.fg, s.bg, s.attrs);
}

static void
spec_bad(const char *spec, const char *needle)
{
	struct theme_spec s = { 77, 77, 77 };
	char *err = NULL;

	if (theme_spec_parse(spec, &s, &err) == 0)
		fail_msg("'%s' accepted", spec);
	assert_non_null(err);
	if (strstr(err, needle) == NULL)
		fail_msg("'%s': error '%s' does not say '%s'", spec, err, needle);
	assert_int_equal(s.fg, 77); /* untouched */
	assert_int_equal(s.bg, 77);
	assert_int_equal(s.attrs, 77);
	g_free(err);
	assert_int_equal(theme_spec_parse(spec, &s, NULL), -1); /* err may be NULL */
}

static void
test_spec_parse(void **state)
{
	const int U = THEME_COLOUR_UNSET, D = THEME_COLOUR_DEFAULT;

	spec_ok("none", U, U, 0);
	spec_ok("fg=red", 1, U, 0);
	spec_ok("bg=colour18", U, 18, 0);
	spec_ok("fg=default bg=default", D, D, 0);
	spec_ok("bg=colour18 fg=bright-white bold underline", 15, 18, THEME_BOLD | THEME_UNDERLINE);
	spec_ok("bold dim italic underline reverse blink", U, U, THEME_BOLD | THEME_DIM |
	    THEME_ITALIC | THEME_UNDERLINE | THEME_REVERSE | THEME_BLINK);
	spec_ok("  bold\t reverse  ", U, U, THEME_BOLD | THEME_REVERSE);
	spec_ok("BOLD FG=Red bg=COLOR200", 1, 200, THEME_BOLD);
	spec_ok("bold bold", U, U, THEME_BOLD);
	spec_ok("fg=green none", 2, U, 0);
	spec_ok("none none", U, U, 0);

	spec_bad("", "empty");
	spec_bad(" \t ", "empty");
	spec_bad("fg=", "fg= needs a colour");
	spec_bad("bg=", "bg= needs a colour");
	spec_bad("fg=purple", "unknown colour 'purple'");
	spec_bad("bg=bright-colour3", "unknown colour 'bright-colour3'");
	spec_bad("fg=colour300", "bad colour 'colour300' (colour0 to colour255)");
	spec_bad("fg=color-2", "bad colour 'color-2'");
	spec_bad("fg=red fg=blue", "fg given twice");
	spec_bad("bg=red bg=red", "bg given twice");
	spec_bad("fg=red bg=blue fg=red", "fg given twice");
	spec_bad("bold none", "none goes with no attribute");
	spec_bad("none underline", "none goes with no attribute");
	spec_bad("fat", "unknown word 'fat'");
	spec_bad("bold fat", "unknown word 'fat'");
	spec_bad("fg:red", "unknown word 'fg:red'");
	spec_bad("fg = red", "unknown word 'fg'");
	spec_bad("red", "unknown word 'red'");
	spec_bad("fg=red,bold", "unknown colour 'red,bold'");
}

static void
test_map_colour(void **state)
{
	for (int c = -1; c < 256; c++) {
		int m8 = theme_map_colour(c, 8), m16 = theme_map_colour(c, 16);

		assert_int_equal(theme_map_colour(c, 256), c);
		assert_int_equal(theme_map_colour(c, 0), THEME_COLOUR_DEFAULT);
		if (c < 0) {
			assert_int_equal(m8, THEME_COLOUR_DEFAULT);
			assert_int_equal(m16, THEME_COLOUR_DEFAULT);
			continue;
		}
		assert_in_range(m8, 0, 7);
		assert_in_range(m16, 0, 15);
		if (c < 8)
			assert_int_equal(m8, c);
		else if (c < 16)
			assert_int_equal(m8, c - 8);
		if (c < 16)
			assert_int_equal(m16, c);
		/* 16 colours differ from 8 only in brightness, or in the greys */
		if (m8 != COLOR_BLACK && m8 != COLOR_WHITE)
			assert_int_equal(m16 % 8, m8);
	}
	/* the cube's corners */
	assert_int_equal(theme_map_colour(196, 8), COLOR_RED);
	assert_int_equal(theme_map_colour(46, 8), COLOR_GREEN);
	assert_int_equal(theme_map_colour(21, 8), COLOR_BLUE);
	assert_int_equal(theme_map_colour(226, 8), COLOR_YELLOW);
	assert_int_equal(theme_map_colour(201, 8), COLOR_MAGENTA);
	assert_int_equal(theme_map_colour(51, 8), COLOR_CYAN);
	assert_int_equal(theme_map_colour(16, 8), COLOR_BLACK);
	assert_int_equal(theme_map_colour(231, 8), COLOR_WHITE);
	/* darker and lighter shades keep their hue */
	assert_int_equal(theme_map_colour(52, 8), COLOR_RED);     /* 95,0,0 */
	assert_int_equal(theme_map_colour(18, 8), COLOR_BLUE);    /* 0,0,135 */
	assert_int_equal(theme_map_colour(203, 8), COLOR_RED);    /* 255,95,95 */
	assert_int_equal(theme_map_colour(176, 8), COLOR_MAGENTA); /* 215,135,215, not white */
	assert_int_equal(theme_map_colour(208, 8), COLOR_YELLOW); /* orange */
	assert_int_equal(theme_map_colour(202, 8), COLOR_RED);    /* red-orange */
	/* greys go to black or white, never to yellow */
	assert_int_equal(theme_map_colour(232, 8), COLOR_BLACK);
	assert_int_equal(theme_map_colour(240, 8), COLOR_BLACK);
	assert_int_equal(theme_map_colour(244, 8), COLOR_WHITE);
	assert_int_equal(theme_map_colour(255, 8), COLOR_WHITE);
	assert_int_equal(theme_map_colour(59, 8), COLOR_BLACK);   /* 95,95,95 */
	assert_int_equal(theme_map_colour(102, 8), COLOR_WHITE);  /* 135,135,135 */
	assert_int_equal(theme_map_colour(188, 8), COLOR_WHITE);  /* 215,215,215 */
	assert_int_equal(theme_map_colour(146, 8), COLOR_WHITE);  /* 175,175,215: a pale grey */
	/* 16 colours add brightness and two greys */
	assert_int_equal(theme_map_colour(196, 16), 8 + COLOR_RED);
	assert_int_equal(theme_map_colour(160, 16), COLOR_RED);
	assert_int_equal(theme_map_colour(21, 16), 8 + COLOR_BLUE);
	assert_int_equal(theme_map_colour(19, 16), COLOR_BLUE);
	assert_int_equal(theme_map_colour(232, 16), COLOR_BLACK);
	assert_int_equal(theme_map_colour(244, 16), 8 + COLOR_BLACK);
	assert_int_equal(theme_map_colour(252, 16), COLOR_WHITE);
	assert_int_equal(theme_map_colour(231, 16), 8 + COLOR_WHITE);
	/* out of range */
	assert_int_equal(theme_map_colour(256, 256), THEME_COLOUR_DEFAULT);
	assert_int_equal(theme_map_colour(-7, 8), THEME_COLOUR_DEFAULT);
}

/* --- theme files --- */

/* errors[i] must start with "path:line: " and contain needle. */
static void
error_is(GPtrArray *errors, guint i, const char *path, int line, const char *needle)
{
	char *prefix = g_strdup_printf("%s:%d: ", path, line);
	const char *e;

	if (i >= errors->len)
		fail_msg("no error %u (want %s%s)", i, prefix, needle);
	e = g_ptr_array_index(errors, i);
	if (!g_str_has_prefix(e, prefix) || strstr(e, needle) == NULL)
		fail_msg("error '%s' is not '%s...%s'", e, prefix, needle);
	g_free(prefix);
}

static void
test_parse_file(void **state)
{
	struct theme_spec specs[THEME_KEY_COUNT], defaults[THEME_KEY_COUNT];
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	char *path = write_file(tmp, "t.theme",
	    "# a comment\n"                          /* 1 */
	    "   # an indented comment\n"             /* 2 */
	    "\n"                                     /* 3 */
	    "main.error = fg=red bold\n"             /* 4 */
	    "title = fg=colour999\n"                 /* 5 bad colour */
	    "nosuch.key = bold\n"                    /* 6 unknown key */
	    "\tmain.time\t=\tdim   # trailing comment\n" /* 7 */
	    "this line has no equals sign\n"         /* 8 */
	    " = bold\n"                              /* 9 no key */
	    "roster.online =\n"                      /* 10 empty */
	    "status = fg=blue bg=yellow\r\n"         /* 11 CRLF */
	    "main.info = fg=red#nocomment\n"         /* 12 '#' inside a word */
	    "\xff\xfe = bold\n"                      /* 13 not UTF-8 */
	    "MAIN.ERROR = bold\n"                    /* 14 keys are lower case */
	    "main.day = fg=green fg=red\n"           /* 15 twice */
	    "input.prompt = underline");             /* 16, no newline */

	theme_defaults(defaults);
	theme_defaults(specs);
	assert_int_equal(theme_parse_file(path, specs, errors), 0);
	if (errors->len != 9) {
		for (guint i = 0; i < errors->len; i++)
			print_message("  %s\n", (char *)g_ptr_array_index(errors, i));
		fail_msg("%u errors, not 9", errors->len);
	}
	error_is(errors, 0, path, 5, "title: bad colour 'colour999'");
	error_is(errors, 1, path, 6, "unknown key 'nosuch.key'");
	error_is(errors, 2, path, 8, "expected KEY = SPEC");
	error_is(errors, 3, path, 9, "expected KEY = SPEC");
	error_is(errors, 4, path, 10, "roster.online: empty");
	error_is(errors, 5, path, 12, "main.info: unknown colour 'red#nocomment'");
	error_is(errors, 6, path, 13, "not valid UTF-8");
	error_is(errors, 7, path, 14, "unknown key 'MAIN.ERROR'");
	error_is(errors, 8, path, 15, "main.day: fg given twice");

	/* good lines applied */
	assert_int_equal(specs[THEME_MAIN_ERROR].fg, COLOR_RED);
	assert_int_equal(specs[THEME_MAIN_ERROR].bg, THEME_COLOUR_UNSET);
	assert_int_equal(specs[THEME_MAIN_ERROR].attrs, THEME_BOLD);
	assert_int_equal(specs[THEME_MAIN_TIME].fg, THEME_COLOUR_UNSET);
	assert_int_equal(specs[THEME_MAIN_TIME].attrs, THEME_DIM);
	assert_int_equal(specs[THEME_STATUS].fg, COLOR_BLUE);
	assert_int_equal(specs[THEME_STATUS].bg, COLOR_YELLOW);
	assert_int_equal(specs[THEME_INPUT_PROMPT].attrs, THEME_UNDERLINE);
	/* bad lines and unnamed keys keep the defaults */
	for (int k = 0; k < THEME_KEY_COUNT; k++) {
		if (k == THEME_MAIN_ERROR || k == THEME_MAIN_TIME || k == THEME_STATUS ||
		    k == THEME_INPUT_PROMPT)
			continue;
		if (memcmp(&specs[k], &defaults[k], sizeof specs[k]) != 0)
			fail_msg("%s changed", theme_keys()[k].name);
	}
	g_ptr_array_unref(errors);
	g_free(path);
}

static void
test_parse_file_unreadable(void **state)
{
	struct theme_spec specs[THEME_KEY_COUNT];
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	char *missing = g_build_filename(tmp, "missing.theme", NULL);

	theme_defaults(specs);
	assert_int_equal(theme_parse_file(missing, specs, errors), -1);
	assert_int_equal(errors->len, 1);
	assert_true(g_str_has_prefix(g_ptr_array_index(errors, 0), missing));
	assert_non_null(strstr(g_ptr_array_index(errors, 0), g_strerror(ENOENT)));
	assert_int_equal(theme_parse_file(tmp, specs, errors), -1);
	assert_int_equal(errors->len, 2);
	assert_non_null(strstr(g_ptr_array_index(errors, 1), g_strerror(EISDIR)));
	g_ptr_array_unref(errors);
	g_free(missing);
}

static void
test_name_valid(void **state)
{
	char *long_name = g_strnfill(65, 'a');
	char *max_name = g_strnfill(64, 'a');

	assert_true(theme_name_valid("light"));
	assert_true(theme_name_valid("my-theme_2"));
	assert_true(theme_name_valid("solarized.dark"));
	assert_true(theme_name_valid("2"));
	assert_true(theme_name_valid(max_name));
	assert_false(theme_name_valid(NULL));
	assert_false(theme_name_valid(""));
	assert_false(theme_name_valid("../light"));
	assert_false(theme_name_valid("a/b"));
	assert_false(theme_name_valid("/etc/passwd"));
	assert_false(theme_name_valid(".hidden"));
	assert_false(theme_name_valid("-x"));
	assert_false(theme_name_valid("a b"));
	assert_false(theme_name_valid("caf\xc3\xa9"));
	assert_false(theme_name_valid(long_name));
	g_free(long_name);
	g_free(max_name);
}

static void
test_search_path(void **state)
{
	char *user = g_build_filename(tmp, "xdg", "natter", "themes", NULL);
	char *src = g_build_filename(tmp, "src", NULL);
	char *src_themes = g_build_filename(src, "themes", NULL);
	char *cwd = g_build_filename(tmp, "cwd", NULL);
	char *xdg = g_build_filename(tmp, "xdg", NULL);
	char *p_cwd, *p_src, *p_user, *found, *dir;
	GPtrArray *dirs, *names;

	g_setenv("XDG_CONFIG_HOME", xdg, TRUE);
	g_setenv("NATTER_SRCDIR", src, TRUE);
	assert_int_equal(g_mkdir_with_parents(cwd, 0700), 0);
	assert_int_equal(chdir(cwd), 0);

	dirs = theme_dirs();
	assert_int_equal(dirs->len, 4);
	assert_string_equal(g_ptr_array_index(dirs, 0), user);
	assert_string_equal(g_ptr_array_index(dirs, 1), NATTER_THEMEDIR);
	assert_string_equal(g_ptr_array_index(dirs, 2), src_themes);
	assert_string_equal(g_ptr_array_index(dirs, 3), "themes");
	g_ptr_array_unref(dirs);

	assert_null(theme_find("t"));
	p_cwd = write_file("themes", "t.theme", "main = bold\n");
	found = theme_find("t");
	assert_string_equal(found, p_cwd);
	g_free(found);
	p_src = write_file(src_themes, "t.theme", "main = bold\n");
	found = theme_find("t");
	assert_string_equal(found, p_src);
	g_free(found);
	/* a directory called t.theme is not a theme */
	dir = g_build_filename(user, "t.theme", NULL);
	assert_int_equal(g_mkdir_with_parents(dir, 0700), 0);
	found = theme_find("t");
	assert_string_equal(found, p_src);
	g_free(found);
	tmpdir_remove(dir);
	g_free(dir);
	p_user = write_file(user, "t.theme", "main = bold\n");
	found = theme_find("t");
	assert_string_equal(found, p_user);
	g_free(found);
	/* names are plain words: no way out of the search path */
	g_free(write_file(tmp, "escape.theme", "main = bold\n"));
	assert_null(theme_find("../escape"));
	assert_null(theme_find("../../escape"));
	assert_null(theme_find("nosuch"));

	/* theme_list: every theme once, sorted, default always there */
	g_free(write_file(src_themes, "b.theme", ""));
	g_free(write_file("themes", "a.theme", ""));
	g_free(write_file("themes", "bad name.theme", ""));
	g_free(write_file("themes", ".theme", ""));
	g_free(write_file("themes", "notes.txt", ""));
	names = theme_list();
	assert_int_equal(names->len, 4);
	assert_string_equal(g_ptr_array_index(names, 0), "a");
	assert_string_equal(g_ptr_array_index(names, 1), "b");
	assert_string_equal(g_ptr_array_index(names, 2), "default");
	assert_string_equal(g_ptr_array_index(names, 3), "t");
	g_ptr_array_unref(names);

	/* without NATTER_SRCDIR, and with XDG_CONFIG_HOME unset or relative */
	g_unsetenv("NATTER_SRCDIR");
	g_setenv("XDG_CONFIG_HOME", "relative", TRUE);
	dirs = theme_dirs();
	assert_int_equal(dirs->len, 3);
	found = g_build_filename(g_get_home_dir(), ".config", "natter", "themes", NULL);
	assert_string_equal(g_ptr_array_index(dirs, 0), found);
	assert_string_equal(g_ptr_array_index(dirs, 2), "themes");
	g_free(found);
	g_ptr_array_unref(dirs);

	g_free(p_cwd);
	g_free(p_src);
	g_free(p_user);
	g_free(user);
	g_free(src);
	g_free(src_themes);
	g_free(cwd);
	g_free(xdg);
}

/* --- the shipped themes --- */

/* The colours key k has in specs, parents' filled in. */
static void
resolve(const struct theme_spec *specs, int k, int *fg, int *bg)
{
	*fg = specs[k].fg;
	*bg = specs[k].bg;
	for (int p = theme_key_parent(k); p >= 0; p = theme_key_parent(p)) {
		if (*fg == THEME_COLOUR_UNSET)
			*fg = specs[p].fg;
		if (*bg == THEME_COLOUR_UNSET)
			*bg = specs[p].bg;
	}
	if (*fg == THEME_COLOUR_UNSET)
		*fg = THEME_COLOUR_DEFAULT;
	if (*bg == THEME_COLOUR_UNSET)
		*bg = THEME_COLOUR_DEFAULT;
}

/* Parse the shipped theme name: no errors, and every key named. */
static void
shipped(const char *name, struct theme_spec *specs)
{
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	char *file = g_strconcat(name, ".theme", NULL);
	char *path = g_build_filename(srcdir, "themes", file, NULL);

	for (int k = 0; k < THEME_KEY_COUNT; k++)
		specs[k] = (struct theme_spec){ 99, 99, 0x8000 };
	assert_int_equal(theme_parse_file(path, specs, errors), 0);
	for (guint i = 0; i < errors->len; i++)
		print_error("%s\n", (char *)g_ptr_array_index(errors, i));
	assert_int_equal(errors->len, 0);
	for (int k = 0; k < THEME_KEY_COUNT; k++) {
		if (specs[k].attrs == 0x8000)
			fail_msg("%s does not name %s", path, theme_keys()[k].name);
	}
	g_ptr_array_unref(errors);
	g_free(file);
	g_free(path);
}

/* On n colours, every text colour of specs stays readable: foreground and
 * background differ, and over the terminal's own background (dark or
 * light) no text takes the colour of that background. */
static void
readable(const char *name, const struct theme_spec *specs, bool dark, int n)
{
	for (int k = 0; k < THEME_KEY_COUNT; k++) {
		int fg, bg, mfg, mbg;

		resolve(specs, k, &fg, &bg);
		mfg = theme_map_colour(fg, n);
		mbg = theme_map_colour(bg, n);
		if (mfg >= 0 && mbg >= 0 && mfg == mbg)
			fail_msg("%s on %d colours: %s is colour %d on itself", name, n,
			    theme_keys()[k].name, mfg);
		if (mfg >= 0 && mbg < 0 && (dark ? mfg == COLOR_BLACK
		    : mfg == COLOR_WHITE || mfg == 8 + COLOR_WHITE))
			fail_msg("%s on %d colours: %s maps to the background (%d)", name, n,
			    theme_keys()[k].name, mfg);
	}
}

static void
test_shipped_themes(void **state)
{
	struct theme_spec specs[THEME_KEY_COUNT], defaults[THEME_KEY_COUNT];

	theme_defaults(defaults);
	shipped("default", specs);
	for (int k = 0; k < THEME_KEY_COUNT; k++) {
		if (memcmp(&specs[k], &defaults[k], sizeof specs[k]) != 0)
			fail_msg("default.theme: %s is not the built-in '%s'", theme_keys()[k].name,
			    theme_keys()[k].def);
	}
	readable("default", specs, true, 8);
	readable("default", specs, true, 16);
	readable("default", specs, true, 256);

	shipped("light", specs);
	readable("light", specs, false, 8);
	readable("light", specs, false, 16);
	readable("light", specs, false, 256);

	shipped("mono", specs);
	for (int k = 0; k < THEME_KEY_COUNT; k++) {
		int fg, bg;
		resolve(specs, k, &fg, &bg);
		if (fg != THEME_COLOUR_DEFAULT || bg != THEME_COLOUR_DEFAULT)
			fail_msg("mono.theme gives %s a colour", theme_keys()[k].name);
	}
	/* mono tells the bars and the selection apart */
	assert_true(specs[THEME_STATUS].attrs & THEME_REVERSE);
	assert_true(specs[THEME_TITLE].attrs & THEME_REVERSE);
	assert_true(specs[THEME_ROSTER_SELECTED].attrs & THEME_REVERSE);
}

/* --- loading and /theme (no screen: attributes only) --- */

static int changed_calls;

static void
on_changed(void)
{
	changed_calls++;
}

static void
test_load(void **state)
{
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	char *user = g_build_filename(tmp, "natter", "themes", NULL);
	char *bad, *found;

	changed_calls = 0;
	theme_set_changed_hook(on_changed);
	/* no theme files anywhere: default is still there, built in */
	assert_int_equal(theme_load("default", errors), 0);
	assert_string_equal(theme_current(), "default");
	assert_int_equal(changed_calls, 1);
	found = theme_find("light"); /* NULL unless natter is installed here */
	if (found == NULL) {
		assert_int_equal(theme_load("light", errors), -1);
		assert_int_equal(changed_calls, 1);
	}
	g_free(found);

	g_setenv("NATTER_SRCDIR", srcdir, TRUE);
	changed_calls = 1;
	assert_int_equal(theme_load("light", errors), 0);
	assert_int_equal(errors->len, 0);
	assert_string_equal(theme_current(), "light");
	assert_int_equal(changed_calls, 2);
	/* no screen yet: attributes, no colour */
	assert_int_equal(theme_attr(THEME_MAIN_ERROR), A_BOLD);
	assert_int_equal(theme_attr(THEME_STATUS_WIN_CURRENT), A_BOLD | A_REVERSE);
	assert_int_equal(theme_fg_attr(196, THEME_MAIN_NICK), A_BOLD);
	assert_int_equal(theme_colours(), 0);

	assert_int_equal(theme_load("nosuch", errors), -1);
	assert_int_equal(theme_load("../themes/light", errors), -1);
	assert_int_equal(theme_load("", errors), -1);
	assert_int_equal(errors->len, 0);
	assert_string_equal(theme_current(), "light");
	assert_int_equal(changed_calls, 2);

	/* a file with bad lines still applies */
	bad = write_file(user, "bad.theme", "main.error = underline\nmain.oops = bold\n");
	assert_int_equal(theme_load("bad", errors), 0);
	assert_int_equal(errors->len, 1);
	error_is(errors, 0, bad, 2, "unknown key 'main.oops'");
	assert_string_equal(theme_current(), "bad");
	assert_int_equal(theme_attr(THEME_MAIN_ERROR), A_UNDERLINE);
	assert_int_equal(changed_calls, 3);

	/* a theme in the user's directory wins over the shipped one */
	g_free(write_file(user, "mono.theme", "main.error = blink\n"));
	assert_int_equal(theme_load("mono", errors), 0);
	assert_int_equal(theme_attr(THEME_MAIN_ERROR), A_BLINK);
	assert_int_equal(theme_attr(THEME_TITLE), A_NORMAL); /* built-in: colour only */

	assert_int_equal(theme_load("default", errors), 0);
	assert_int_equal(theme_attr(THEME_MAIN_ERROR), A_BOLD);
	g_ptr_array_unref(errors);
	g_free(bad);
	g_free(user);
}

/* Run a typed line with a fresh capture. */
static int
run(const char *line)
{
	capture_clear();
	return cmd_run(line, NULL, 0);
}

static void
test_cmd(void **state)
{
	char *user = g_build_filename(tmp, "natter", "themes", NULL);
	char *bad;
	const struct captured *c;
	GPtrArray *out;

	g_setenv("NATTER_SRCDIR", srcdir, TRUE);
	cmd_register_family(theme_cmd_table);
	assert_non_null(cmd_find(cmd_table(), "theme"));
	changed_calls = 0;
	theme_set_changed_hook(on_changed);

	assert_int_equal(run("/theme light"), 0);
	assert_int_equal(capture_count(EV_ERROR), 0);
	assert_non_null(c = capture_last(EV_INFO));
	assert_non_null(strstr(c->message, "theme light"));
	assert_string_equal(theme_current(), "light");
	assert_int_equal(changed_calls, 1);

	assert_int_equal(run("/theme"), 0);
	assert_non_null(c = capture_last(EV_INFO));
	assert_non_null(strstr(c->message, " default "));
	assert_non_null(strstr(c->message, "*light "));
	assert_non_null(strstr(c->message, " mono "));
	assert_non_null(strstr(c->message, user));

	assert_int_equal(run("/theme nosuch"), -1);
	assert_int_equal(capture_count(EV_ERROR), 1);
	assert_non_null(strstr(capture_last(EV_ERROR)->message, "no theme nosuch"));
	assert_int_equal(run("/theme ../light"), -1);
	assert_non_null(strstr(capture_last(EV_ERROR)->message, "not a theme name"));
	assert_int_equal(run("/theme light mono"), -1);
	assert_string_equal(theme_current(), "light");
	assert_int_equal(changed_calls, 1);

	/* one error per bad line; the theme is applied all the same */
	bad = write_file(user, "bad.theme", "x = bold\nmain = fg=mauve\nmain.time = dim\n");
	assert_int_equal(run("/theme bad"), -1);
	assert_int_equal(capture_count(EV_ERROR), 2);
	assert_non_null(strstr(((struct captured *)g_ptr_array_index(captured, 1))->message,
	    ":1: unknown key 'x'"));
	assert_non_null(strstr(capture_last(EV_ERROR)->message, ":2: main: unknown colour 'mauve'"));
	assert_non_null(strstr(capture_last(EV_INFO)->message, "theme bad"));
	assert_string_equal(theme_current(), "bad");
	assert_int_equal(theme_attr(THEME_MAIN_TIME), A_DIM);
	assert_int_equal(changed_calls, 2);

	/* Tab completion source */
	out = g_ptr_array_new_with_free_func(g_free);
	theme_complete("l", out);
	assert_int_equal(out->len, 1);
	assert_string_equal(g_ptr_array_index(out, 0), "light");
	g_ptr_array_set_size(out, 0);
	theme_complete("", out);
	assert_int_equal(out->len, 4); /* bad default light mono */
	g_ptr_array_unref(out);
	g_free(bad);
	g_free(user);
}

/* --- on a screen --- */

static SCREEN *screen;
static FILE *term_out, *term_in;

/* Open a screen of terminal type on /dev/null; false when the terminfo
 * entry is missing. */
static bool
term_open(const char *type)
{
	g_setenv("TERM", type, TRUE);
	term_out = fopen("/dev/null", "w");
	term_in = fopen("/dev/null", "r");
	assert_non_null(term_out);
	assert_non_null(term_in);
	screen = newterm(type, term_out, term_in);
	if (screen == NULL) {
		fclose(term_out);
		fclose(term_in);
		return false;
	}
	set_term(screen);
	return true;
}

static void
term_close(void)
{
	endwin();
	delscreen(screen);
	fclose(term_out);
	fclose(term_in);
	screen = NULL;
}

#define TERM_OR_SKIP(type) do { \
	if (!term_open(type)) { \
		print_message("no terminfo for %s\n", type); \
		skip(); \
	} \
} while (0)

/* The colours of the pair in a (pair 0: -1, -1 with default colours). */
static void
pair_is(attr_t a, int fg, int bg)
{
	short f, b;
	int pair = (int)PAIR_NUMBER(a);

	assert_int_equal(pair_content((short)pair, &f, &b), OK);
	if (f != fg || b != bg)
		fail_msg("pair %d is %d on %d, not %d on %d", pair, f, b, fg, bg);
}

static void
test_term_256(void **state)
{
	attr_t a;
	int zero = 0;

	TERM_OR_SKIP("xterm-256color");
	theme_init();
	assert_int_equal(theme_colours(), 256);
	assert_string_equal(theme_current(), "default");

	a = theme_attr(THEME_MAIN_ERROR);
	assert_true(a & A_BOLD);
	assert_true(PAIR_NUMBER(a) > 0);
	pair_is(a, 203, -1);
	assert_int_equal(theme_attr(THEME_MAIN), A_NORMAL); /* pair 0 */
	pair_is(theme_attr(THEME_STATUS), 255, 18);
	pair_is(theme_attr(THEME_STATUS_WIN_ACTIVE), 226, 18); /* bg from status */
	assert_int_equal(PAIR_NUMBER(theme_attr(THEME_STATUS_WIN)),
	    PAIR_NUMBER(theme_attr(THEME_STATUS))); /* same colours, same pair */
	assert_int_equal(PAIR_NUMBER(theme_attr(THEME_TITLE)), PAIR_NUMBER(theme_attr(THEME_STATUS)));
	assert_int_equal(theme_attr(THEME_STATUS_WIN_CURRENT) & ~A_COLOR, A_BOLD | A_REVERSE);
	pair_is(theme_attr(THEME_MAIN_MARKER), 16, 214);

	/* nick colours: over the base's background, with its attributes */
	a = theme_fg_attr(196, THEME_MAIN);
	assert_int_equal(a & ~A_COLOR, A_NORMAL);
	pair_is(a, 196, -1);
	pair_is(theme_fg_attr(196, THEME_STATUS), 196, 18);
	a = theme_fg_attr(42, THEME_MAIN_NICK);
	assert_int_equal(a & ~A_COLOR, A_BOLD);
	pair_is(a, 42, -1);
	assert_int_equal(theme_fg_attr(-1, THEME_MAIN_ERROR), theme_attr(THEME_MAIN_ERROR));
	assert_int_equal(theme_fg_attr(196, THEME_MAIN), theme_fg_attr(196, THEME_MAIN));
	assert_int_equal(PAIR_NUMBER(theme_fg_attr(203, THEME_MAIN)),
	    PAIR_NUMBER(theme_attr(THEME_MAIN_ERROR))); /* pairs are shared */

	/* more colour combinations than pairs: pair 0, never a failure */
	for (int c = 0; c < 256; c++) {
		static const enum theme_key bases[] = { THEME_MAIN, THEME_STATUS, THEME_MAIN_MARKER };
		for (size_t b = 0; b < G_N_ELEMENTS(bases); b++) {
			a = theme_fg_attr(c, bases[b]);
			assert_in_range(PAIR_NUMBER(a), 0, 255);
			if (PAIR_NUMBER(a) == 0)
				zero++;
			else
				pair_is(a, c, b == 0 ? -1 : b == 1 ? 18 : 214);
		}
	}
	assert_true(zero > 0);
	pair_is(theme_attr(THEME_MAIN_ERROR), 203, -1); /* earlier pairs intact */

	/* a switch starts the pairs over */
	g_setenv("NATTER_SRCDIR", srcdir, TRUE);
	assert_int_equal(theme_load("light", NULL), 0);
	pair_is(theme_attr(THEME_MAIN_ERROR), 160, -1);
	pair_is(theme_attr(THEME_STATUS), 16, 117);
	assert_true(PAIR_NUMBER(theme_fg_attr(33, THEME_MAIN)) > 0);
	assert_int_equal(theme_load("mono", NULL), 0);
	for (int k = 0; k < THEME_KEY_COUNT; k++)
		assert_int_equal(PAIR_NUMBER(theme_attr(k)), 0);
	term_close();
}

static void
test_term_8(void **state)
{
	char *user = g_build_filename(tmp, "natter", "themes", NULL);
	attr_t a;

	TERM_OR_SKIP("xterm");
	theme_init();
	assert_int_equal(theme_colours(), 8);
	pair_is(theme_attr(THEME_MAIN_ERROR), COLOR_RED, -1);         /* colour203 */
	pair_is(theme_attr(THEME_STATUS), COLOR_WHITE, COLOR_BLUE);   /* 255 on 18 */
	pair_is(theme_attr(THEME_STATUS_WIN_ACTIVE), COLOR_YELLOW, COLOR_BLUE);
	pair_is(theme_attr(THEME_MAIN_TIME), COLOR_WHITE, -1);        /* grey 244 */
	pair_is(theme_fg_attr(21, THEME_MAIN), COLOR_BLUE, -1);
	pair_is(theme_fg_attr(196, THEME_STATUS), COLOR_RED, COLOR_BLUE);
	/* fewer pairs than xterm-256color: still never more than it has */
	for (int c = 0; c < 256; c++)
		assert_true(PAIR_NUMBER(theme_fg_attr(c, THEME_MAIN_MARKER)) < COLOR_PAIRS);

	/* bright-N is N in bold */
	g_free(write_file(user, "bright.theme", "main.error = fg=bright-red\n"
	    "main.info = fg=bright-white bg=bright-blue\n"));
	assert_int_equal(theme_load("bright", NULL), 0);
	a = theme_attr(THEME_MAIN_ERROR);
	assert_true(a & A_BOLD);
	pair_is(a, COLOR_RED, -1);
	pair_is(theme_attr(THEME_MAIN_INFO), COLOR_WHITE, COLOR_BLUE);
	assert_false(theme_fg_attr(2, THEME_MAIN_ERROR) & A_BOLD); /* the nick is not bright */
	assert_true(theme_fg_attr(10, THEME_MAIN) & A_BOLD);
	term_close();
	g_free(user);
}

static void
test_term_no_colours(void **state)
{
	TERM_OR_SKIP("vt100");
	theme_init();
	assert_int_equal(theme_colours(), 0);
	assert_int_equal(theme_attr(THEME_MAIN_ERROR), A_BOLD);
	assert_int_equal(theme_attr(THEME_STATUS), A_NORMAL);
	assert_int_equal(theme_fg_attr(196, THEME_MAIN) & A_COLOR, 0);
	term_close();
}

static void
test_no_color(void **state)
{
	TERM_OR_SKIP("xterm-256color");
	g_setenv("NO_COLOR", "1", TRUE);
	theme_init();
	assert_int_equal(theme_colours(), 0);
	for (int k = 0; k < THEME_KEY_COUNT; k++)
		assert_int_equal(theme_attr(k) & A_COLOR, 0);
	assert_int_equal(theme_attr(THEME_MAIN_ERROR), A_BOLD);
	assert_int_equal(theme_attr(THEME_STATUS_WIN_CURRENT), A_BOLD | A_REVERSE);
	assert_int_equal(theme_fg_attr(196, THEME_MAIN), A_NORMAL);
	assert_int_equal(theme_fg_attr(196, THEME_MAIN_NICK), A_BOLD);
	g_setenv("NATTER_SRCDIR", srcdir, TRUE);
	assert_int_equal(theme_load("light", NULL), 0);
	for (int k = 0; k < THEME_KEY_COUNT; k++)
		assert_int_equal(theme_attr(k) & A_COLOR, 0);

	/* an empty NO_COLOR is no NO_COLOR (no-color.org) */
	g_setenv("NO_COLOR", "", TRUE);
	theme_init();
	assert_int_equal(theme_colours(), 256);
	assert_true(PAIR_NUMBER(theme_attr(THEME_MAIN_ERROR)) > 0);
	g_unsetenv("NO_COLOR");
	term_close();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_colour_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spec_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_colour, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_file_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shipped_themes, setup, teardown),
		/* before any screen: theme_init has not run */
		cmocka_unit_test_setup_teardown(test_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_term_256, setup, teardown),
		cmocka_unit_test_setup_teardown(test_term_8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_term_no_colours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_color, setup, teardown),
	};
	const char *env = g_getenv("NATTER_SRCDIR");
	int rc;

	start_cwd = g_get_current_dir();
	/* the source tree: from `make check`, or run by hand from the build
	 * or the tests/unit directory */
	if (env != NULL && *env != '\0')
		srcdir = g_canonicalize_filename(env, start_cwd);
	else if (g_file_test("themes/default.theme", G_FILE_TEST_EXISTS))
		srcdir = g_strdup(start_cwd);
	else if (g_file_test("../themes/default.theme", G_FILE_TEST_EXISTS))
		srcdir = g_canonicalize_filename("..", start_cwd);
	else
		srcdir = g_canonicalize_filename("../..", start_cwd);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	g_free(srcdir);
	g_free(start_cwd);
	return rc;
}
