/* theme.h - themes: every colour and attribute of the terminal UI is a
 * named key; a theme file gives keys a look.  Private to src/ui.
 *
 * A look ("spec") is a line of words:
 *
 *     main.error = fg=colour203 bold
 *
 * fg=COLOUR and bg=COLOUR, where COLOUR is default, one of the eight names
 * (black red green yellow blue magenta cyan white), bright-NAME (colours
 * 8-15), or colourN / colorN (0-255); and any of the attributes bold dim
 * italic underline reverse blink, or none.  A theme is written for a
 * 256-colour terminal; on fewer colours each colour is mapped to the
 * nearest one the terminal has (theme_map_colour), and NO_COLOR turns
 * colour off, keeping the attributes.
 *
 * Keys are dotted: a key that gives no fg or bg takes it from its parent
 * ("main.nick.self" from "main.nick", then "main"), so "status.win.active
 * = fg=yellow" keeps the status bar's background.  Attributes are never
 * inherited.  A key a theme file does not name keeps its built-in default,
 * so the built-in table is the default theme.
 */
#ifndef NATTER_UI_THEME_H
#define NATTER_UI_THEME_H

#include <curses.h>
#include <glib.h>

#include "natter/cmd.h"

/* Every key, in the order of the table in theme.c (theme_keys()). */
enum theme_key {
	THEME_TITLE,
	THEME_TITLE_PRESENCE,
	THEME_MAIN,
	THEME_MAIN_TIME,
	THEME_MAIN_NICK,
	THEME_MAIN_NICK_SELF,
	THEME_MAIN_TEXT_SELF,
	THEME_MAIN_ACTION,
	THEME_MAIN_INFO,
	THEME_MAIN_ERROR,
	THEME_MAIN_HIGHLIGHT,
	THEME_MAIN_MARKER,
	THEME_MAIN_RECEIPT,
	THEME_MAIN_CORRECTED,
	THEME_MAIN_CHATSTATE,
	THEME_MAIN_DAY,
	THEME_MAIN_CONTROL,
	THEME_MAIN_JOIN,
	THEME_MAIN_PART,
	THEME_MAIN_URL,
	THEME_ROSTER,
	THEME_ROSTER_HEADER,
	THEME_ROSTER_GROUP,
	THEME_ROSTER_ONLINE,
	THEME_ROSTER_CHAT,
	THEME_ROSTER_AWAY,
	THEME_ROSTER_XA,
	THEME_ROSTER_DND,
	THEME_ROSTER_OFFLINE,
	THEME_ROSTER_UNREAD,
	THEME_ROSTER_SELECTED,
	THEME_OCCUPANTS,
	THEME_OCCUPANTS_HEADER,
	THEME_OCCUPANTS_MODERATOR,
	THEME_OCCUPANTS_PARTICIPANT,
	THEME_OCCUPANTS_VISITOR,
	THEME_STATUS,
	THEME_STATUS_ACCOUNT,
	THEME_STATUS_WIN,
	THEME_STATUS_WIN_ACTIVE,
	THEME_STATUS_WIN_HIGHLIGHT,
	THEME_STATUS_WIN_CURRENT,
	THEME_INPUT,
	THEME_INPUT_PROMPT,
	THEME_SEPARATOR,
	THEME_CONSOLE,
	THEME_CONSOLE_ELEMENT,
	THEME_CONSOLE_ATTRIBUTE,
	THEME_CONSOLE_VALUE,
	THEME_CONSOLE_TEXT,
	THEME_CONSOLE_NAMESPACE,
	THEME_CONSOLE_PUNCTUATION,
	THEME_CONSOLE_MARKER,
	THEME_CONSOLE_IN,
	THEME_CONSOLE_OUT,
	THEME_CONSOLE_RTT,
	THEME_CONSOLE_TIMEOUT,
	THEME_CONSOLE_MATCH,
	THEME_SEARCH_HIT,
	THEME_KEY_COUNT
};

/* One key: its dotted name, its built-in spec and a line of help. */
struct theme_key_info {
	const char *name;
	const char *def;
	const char *help;
};

/* The table, THEME_KEY_COUNT entries indexed by enum theme_key. */
const struct theme_key_info *theme_keys(void);
/* The key called name, or -1. */
int theme_key_find(const char *name);
/* The nearest key whose name is a prefix of key's at a dot ("main.nick"
 * for "main.nick.self"), or -1 for a key with none. */
int theme_key_parent(enum theme_key key);

/* --- the terminal side (needs an initialised curses screen) --- */

/* Set up colour for the current screen: call after initscr()/newterm().
 * Starts colour unless NO_COLOR is set (any non-empty value), asks for
 * the terminal's default colours, reads COLORS and COLOR_PAIRS, and
 * applies the built-in theme ("default").  Call again after a new screen. */
void theme_init(void);
/* Find theme name on the search path (theme_find) and apply it over the
 * built-in defaults.  Bad lines are appended to errors (NULL: dropped) as
 * "FILE:LINE: message" strings (free with g_free) and skipped; the rest
 * applies.
 * "default" with no file anywhere is the built-in theme.  Returns 0, or
 * -1 when name is not a theme name, is not found, or cannot be read (the
 * current theme stays; a read error is appended to errors).  After a
 * successful load the changed hook runs: every attr_t from theme_attr or
 * theme_fg_attr is stale from then on (colour pairs are reassigned). */
int theme_load(const char *name, GPtrArray *errors);
/* The name of the theme in use ("default" at start). */
const char *theme_current(void);
/* Register the function that redraws the whole UI after a theme switch;
 * NULL removes it. */
void theme_set_changed_hook(void (*fn)(void));
/* The attributes for key, colour pair included, for wattrset() or
 * wbkgdset().  Before theme_init: attributes without colour. */
attr_t theme_attr(enum theme_key key);
/* The look of key base with its foreground replaced by colour256 (0-255,
 * e.g. a XEP-0392 nick colour) over base's background, mapped to the
 * terminal's colours; base's attributes are kept.  No colour under
 * NO_COLOR or on a terminal without colour. */
attr_t theme_fg_attr(int colour256, enum theme_key base);
/* The colours in use: 0 (NO_COLOR or none), 8, 16 or 256. */
int theme_colours(void);

/* The /theme command, for cmd_register_family(). */
extern const struct cmd theme_cmd_table[];
/* Completion source of COMPLETE_THEME, for cmd_complete_source(): adds
 * the names of theme_list() that start with prefix. */
void theme_complete(const char *prefix, GPtrArray *out);

/* --- the pure side (no terminal; what the unit tests drive) --- */

#define THEME_COLOUR_DEFAULT (-1) /* the terminal's own colour */
#define THEME_COLOUR_UNSET   (-2) /* not given: inherited from the parent */

#define THEME_BOLD      0x01u
#define THEME_DIM       0x02u
#define THEME_ITALIC    0x04u
#define THEME_UNDERLINE 0x08u
#define THEME_REVERSE   0x10u
#define THEME_BLINK     0x20u

/* A parsed spec: colours -2..255, attributes THEME_BOLD etc. */
struct theme_spec {
	int fg, bg;
	unsigned attrs;
};

/* Parse one colour word; 0 and *colour (-1 for default, 0-255), or -1. */
int theme_colour_parse(const char *word, int *colour);
/* Parse a spec.  Returns 0 and fills *out, or -1 with *err set to a
 * message (g_free) and *out untouched. */
int theme_spec_parse(const char *spec, struct theme_spec *out, char **err);
/* The colour (0-255, or -1 for default) a terminal of ncolours colours
 * shows for c: c itself on 256; on 16 and 8, a colour of 16-255 becomes
 * the basic colour nearest to it in the xterm palette (greys to black,
 * white or, with 16, bright black and bright white; other colours by
 * hue), and on 8 bright-N (8-15) becomes N; -1 (default) when ncolours is
 * 0 or c is -1. */
int theme_map_colour(int c, int ncolours);
/* Fill specs (THEME_KEY_COUNT entries) with the built-in defaults. */
void theme_defaults(struct theme_spec *specs);
/* Apply the file at path to specs (THEME_KEY_COUNT entries, usually from
 * theme_defaults): "KEY = SPEC" lines, blank lines, "#" comments (also
 * after a blank at the end of a line).  Each bad line appends "PATH:LINE:
 * message" to errors and is skipped.  Returns 0, or -1 when the file
 * cannot be read (one error appended). */
int theme_parse_file(const char *path, struct theme_spec *specs, GPtrArray *errors);

/* True when name can name a theme: a plain word of letters, digits, '-',
 * '_' and '.', starting with a letter or digit (no '/'). */
bool theme_name_valid(const char *name);
/* The directories searched, first first (g_ptr_array_unref; strings owned
 * by it): $XDG_CONFIG_HOME/natter/themes (~/.config when unset), the
 * installed NATTER_THEMEDIR, $NATTER_SRCDIR/themes when set, and themes/
 * relative to the current directory. */
GPtrArray *theme_dirs(void);
/* The path of the first NAME.theme on the search path (g_free), or NULL. */
char *theme_find(const char *name);
/* Every theme on the search path and "default", sorted, each once
 * (g_ptr_array_unref; strings owned by it). */
GPtrArray *theme_list(void);

#endif
