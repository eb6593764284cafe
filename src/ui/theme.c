/* theme.c - the table of theme keys, theme files and the search path,
 * colour mapping for the terminal at hand, colour pairs, and /theme. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "natter/cmd.h"
#include "theme.h"

#ifdef NATTER_THEMEDIR
#define NATTER_THEMEDIR_TEXT NATTER_THEMEDIR
#else
#define NATTER_THEMEDIR_TEXT "none in this build"
#endif

/*
 * The built-in theme, for a dark background.  Colours are picked so that
 * they also map well to 8 and 16 colours (theme_map_colour): no text
 * colour becomes black, bars keep a blue background.  themes/default.theme
 * restates this table (the unit test keeps the two equal).
 */
static const struct theme_key_info theme_table[THEME_KEY_COUNT] = {
	[THEME_TITLE] = { "title", "fg=colour255 bg=colour18",
	    "Title bar: the current window's contact or room and its status text or topic." },
	[THEME_TITLE_PRESENCE] = { "title.presence", "fg=colour221",
	    "The contact's presence in the title bar." },
	[THEME_MAIN] = { "main", "none",
	    "Text in the main window (a main.* key without fg or bg takes them from here)." },
	[THEME_MAIN_TIME] = { "main.time", "fg=colour244",
	    "Timestamps." },
	[THEME_MAIN_NICK] = { "main.nick", "bold",
	    "Nicks of others when nick colours are off (its attributes also go with nick colours)." },
	[THEME_MAIN_NICK_SELF] = { "main.nick.self", "fg=colour81 bold",
	    "Our own nick." },
	[THEME_MAIN_TEXT_SELF] = { "main.text.self", "fg=colour250",
	    "The text of our own messages." },
	[THEME_MAIN_ACTION] = { "main.action", "fg=colour176",
	    "/me actions." },
	[THEME_MAIN_INFO] = { "main.info", "fg=colour116",
	    "Information: presence changes, results of commands." },
	[THEME_MAIN_ERROR] = { "main.error", "fg=colour203 bold",
	    "Errors." },
	[THEME_MAIN_HIGHLIGHT] = { "main.highlight", "fg=colour220 bold",
	    "A message that mentions us." },
	[THEME_MAIN_MARKER] = { "main.marker", "fg=colour16 bg=colour214 bold",
	    "The \"N more below\" marker while scrolled up." },
	[THEME_MAIN_RECEIPT] = { "main.receipt", "fg=colour71",
	    "The mark of a delivered message (XEP-0184)." },
	[THEME_MAIN_CORRECTED] = { "main.corrected", "fg=colour179",
	    "The mark of a corrected message (XEP-0308)." },
	[THEME_MAIN_CHATSTATE] = { "main.chatstate", "fg=colour244 italic",
	    "The peer's chat state: composing, paused (XEP-0085)." },
	[THEME_MAIN_DAY] = { "main.day", "fg=colour250 bold",
	    "The date line between two days." },
	[THEME_MAIN_CONTROL] = { "main.control", "reverse",
	    "Control characters from the network, shown inert (^[ and the like)." },
	[THEME_MAIN_JOIN] = { "main.join", "fg=colour71",
	    "Someone joining a room." },
	[THEME_MAIN_PART] = { "main.part", "fg=colour131",
	    "Someone leaving a room." },
	[THEME_MAIN_URL] = { "main.url", "underline",
	    "Links in messages." },
	[THEME_ROSTER] = { "roster", "none",
	    "The roster pane: its background and plain text." },
	[THEME_ROSTER_HEADER] = { "roster.header", "fg=colour255 bold",
	    "The heading of the roster pane (the account)." },
	[THEME_ROSTER_GROUP] = { "roster.group", "fg=colour179 bold",
	    "Roster group names." },
	[THEME_ROSTER_ONLINE] = { "roster.online", "fg=colour77",
	    "Contacts online." },
	[THEME_ROSTER_CHAT] = { "roster.chat", "fg=colour77 bold",
	    "Contacts free for chat." },
	[THEME_ROSTER_AWAY] = { "roster.away", "fg=colour221",
	    "Contacts away." },
	[THEME_ROSTER_XA] = { "roster.xa", "fg=colour172",
	    "Contacts away for long (xa)." },
	[THEME_ROSTER_DND] = { "roster.dnd", "fg=colour203",
	    "Contacts busy (do not disturb)." },
	[THEME_ROSTER_OFFLINE] = { "roster.offline", "fg=colour244",
	    "Contacts offline." },
	[THEME_ROSTER_UNREAD] = { "roster.unread", "fg=colour220 bold",
	    "The count of unread messages next to a contact." },
	[THEME_ROSTER_SELECTED] = { "roster.selected", "reverse",
	    "The selected line of the roster pane." },
	[THEME_OCCUPANTS] = { "occupants", "none",
	    "The occupant pane of a room: its background and plain text." },
	[THEME_OCCUPANTS_HEADER] = { "occupants.header", "fg=colour255 bold",
	    "The heading of the occupant pane." },
	[THEME_OCCUPANTS_MODERATOR] = { "occupants.moderator", "fg=colour77 bold",
	    "Moderators." },
	[THEME_OCCUPANTS_PARTICIPANT] = { "occupants.participant", "none",
	    "Participants." },
	[THEME_OCCUPANTS_VISITOR] = { "occupants.visitor", "fg=colour244",
	    "Visitors (no voice)." },
	[THEME_STATUS] = { "status", "fg=colour255 bg=colour18",
	    "Status bar." },
	[THEME_STATUS_ACCOUNT] = { "status.account", "fg=colour117 bold",
	    "The account and its state in the status bar." },
	[THEME_STATUS_WIN] = { "status.win", "none",
	    "Window numbers in the status bar." },
	[THEME_STATUS_WIN_ACTIVE] = { "status.win.active", "fg=colour226",
	    "A window with unread messages." },
	[THEME_STATUS_WIN_HIGHLIGHT] = { "status.win.highlight", "fg=colour207 bold",
	    "A window with a highlight (direct message or mention)." },
	[THEME_STATUS_WIN_CURRENT] = { "status.win.current", "bold reverse",
	    "The current window's number." },
	[THEME_INPUT] = { "input", "none",
	    "The input line." },
	[THEME_INPUT_PROMPT] = { "input.prompt", "fg=colour81 bold",
	    "The prompt before the input line." },
	[THEME_SEPARATOR] = { "separator", "fg=colour244",
	    "Lines between panes." },
	[THEME_CONSOLE] = { "console", "none",
	    "Plain text in the raw XML console (a console.* key without fg or bg takes them from here)." },
	[THEME_CONSOLE_ELEMENT] = { "console.element", "fg=colour81",
	    "Element names." },
	[THEME_CONSOLE_ATTRIBUTE] = { "console.attribute", "fg=colour179",
	    "Attribute names." },
	[THEME_CONSOLE_VALUE] = { "console.value", "fg=colour114",
	    "Attribute values." },
	[THEME_CONSOLE_TEXT] = { "console.text", "none",
	    "Character data between tags." },
	[THEME_CONSOLE_NAMESPACE] = { "console.namespace", "fg=colour244",
	    "Namespace declarations." },
	[THEME_CONSOLE_PUNCTUATION] = { "console.punctuation", "fg=colour245",
	    "The angle brackets, slashes, equals signs and quotes of the XML." },
	[THEME_CONSOLE_MARKER] = { "console.marker", "fg=colour214 italic",
	    "What the console put in: removed credentials, and the [+N lines] of a folded element." },
	[THEME_CONSOLE_IN] = { "console.in", "fg=colour77 bold",
	    "The header line of a received element: its number, time, direction and size." },
	[THEME_CONSOLE_OUT] = { "console.out", "fg=colour176 bold",
	    "The header line of a sent element." },
	[THEME_CONSOLE_RTT] = { "console.rtt", "fg=colour116",
	    "The pairing of an iq request and its reply, with the round-trip time." },
	[THEME_CONSOLE_TIMEOUT] = { "console.timeout", "fg=colour203 bold",
	    "An iq request that got no reply in time." },
	[THEME_CONSOLE_MATCH] = { "console.match", "fg=colour16 bg=colour220",
	    "Text found by /console search, and the number of an element that holds it." },
	[THEME_SEARCH_HIT] = { "search.hit", "fg=colour16 bg=colour220",
	    "The words found, in search results." },
};

static const char *const theme_colour_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

static const struct {
	const char *name;
	unsigned flag;
} theme_attr_names[] = {
	{ "bold", THEME_BOLD }, { "dim", THEME_DIM }, { "italic", THEME_ITALIC },
	{ "underline", THEME_UNDERLINE }, { "reverse", THEME_REVERSE }, { "blink", THEME_BLINK },
};

/*
 * What is in use.  specs is the current theme (parsed); attrs and the
 * resolved colours are worked out from it for the current terminal by
 * theme_apply.  Colour pairs are handed out on demand, one per (fg, bg)
 * after mapping, in an open-addressed table keyed by the pair of colours;
 * theme_apply starts them over, so attributes handed out before a switch
 * are stale after it (the changed hook makes the UI ask again).
 */
#define THEME_PAIR_SLOTS 512 /* > twice the 255 pairs an attr_t can name */

static struct {
	bool ready;          /* theme_init ran */
	int colours;         /* 0, 8, 16 or 256 */
	int max_pairs;       /* pairs usable through COLOR_PAIR(): <= 256 */
	bool default_colours; /* use_default_colors() worked */
	char *name;
	struct theme_spec specs[THEME_KEY_COUNT];
	int fg[THEME_KEY_COUNT], bg[THEME_KEY_COUNT]; /* resolved, 256-colour */
	attr_t attrs[THEME_KEY_COUNT];
	bool applied;
	bool coloured;       /* some key has a colour: nick colours allowed */
	int next_pair;
	struct { int key; short pair; } pairs[THEME_PAIR_SLOTS];
	void (*changed)(void);
} theme;

const struct theme_key_info *
theme_keys(void)
{
	return theme_table;
}

int
theme_key_find(const char *name)
{
	for (int k = 0; k < THEME_KEY_COUNT; k++) {
		if (strcmp(theme_table[k].name, name) == 0)
			return k;
	}
	return -1;
}

int
theme_key_parent(enum theme_key key)
{
	char *name = g_strdup(theme_table[key].name);
	char *dot;
	int parent = -1;

	while (parent < 0 && (dot = strrchr(name, '.')) != NULL) {
		*dot = '\0';
		parent = theme_key_find(name);
	}
	g_free(name);
	return parent;
}

int
theme_colour_parse(const char *word, int *colour)
{
	const char *p = word;
	int bright = 0;

	if (g_ascii_strcasecmp(word, "default") == 0) {
		*colour = THEME_COLOUR_DEFAULT;
		return 0;
	}
	if (g_ascii_strncasecmp(p, "colour", 6) == 0 || g_ascii_strncasecmp(p, "color", 5) == 0) {
		char *end;
		unsigned long n;

		p += g_ascii_tolower(p[4]) == 'u' ? 6 : 5;
		if (!g_ascii_isdigit(*p))
			return -1;
		errno = 0;
		n = strtoul(p, &end, 10);
		if (*end != '\0' || errno != 0 || n > 255)
			return -1;
		*colour = (int)n;
		return 0;
	}
	if (g_ascii_strncasecmp(p, "bright-", 7) == 0) {
		p += 7;
		bright = 8;
	}
	for (int i = 0; i < 8; i++) {
		if (g_ascii_strcasecmp(p, theme_colour_names[i]) == 0) {
			*colour = i + bright;
			return 0;
		}
	}
	return -1;
}

/* Parse "fg=COLOUR" / "bg=COLOUR" into *slot; a message (g_free) or NULL. */
static char *
theme_spec_colour(const char *word, int *slot)
{
	const char *value = word + 3;
	char which[3] = { word[0], word[1], '\0' };

	if (*slot != THEME_COLOUR_UNSET)
		return g_strdup_printf("%s given twice", which);
	if (*value == '\0')
		return g_strdup_printf("%s= needs a colour", which);
	if (theme_colour_parse(value, slot) != 0) {
		if (g_ascii_strncasecmp(value, "colo", 4) == 0)
			return g_strdup_printf("bad colour '%s' (colour0 to colour255)", value);
		return g_strdup_printf("unknown colour '%s' (default, black, red, green, yellow, "
		    "blue, magenta, cyan, white, bright-NAME or colour0 to colour255)", value);
	}
	return NULL;
}

int
theme_spec_parse(const char *spec, struct theme_spec *out, char **err)
{
	struct theme_spec s = { THEME_COLOUR_UNSET, THEME_COLOUR_UNSET, 0 };
	char **words = g_strsplit_set(spec, " \t", -1);
	bool none = false, any = false;
	char *msg = NULL;

	for (char **w = words; msg == NULL && *w != NULL; w++) {
		bool found = false;

		if (**w == '\0')
			continue;
		any = true;
		if (g_ascii_strncasecmp(*w, "fg=", 3) == 0) {
			msg = theme_spec_colour(*w, &s.fg);
			continue;
		}
		if (g_ascii_strncasecmp(*w, "bg=", 3) == 0) {
			msg = theme_spec_colour(*w, &s.bg);
			continue;
		}
		if (g_ascii_strcasecmp(*w, "none") == 0) {
			none = true;
			found = true;
		}
		for (size_t i = 0; !found && i < G_N_ELEMENTS(theme_attr_names); i++) {
			if (g_ascii_strcasecmp(*w, theme_attr_names[i].name) == 0) {
				s.attrs |= theme_attr_names[i].flag;
				found = true;
			}
		}
		if (!found)
			msg = g_strdup_printf("unknown word '%s' (fg=COLOUR, bg=COLOUR, none, or the "
			    "attributes bold dim italic underline reverse blink)", *w);
	}
	g_strfreev(words);
	if (msg == NULL && !any)
		msg = g_strdup("empty (write none for plain text)");
	if (msg == NULL && none && s.attrs != 0)
		msg = g_strdup("none goes with no attribute");
	if (msg != NULL) {
		if (err != NULL)
			*err = msg;
		else
			g_free(msg);
		return -1;
	}
	*out = s;
	return 0;
}

/* The RGB of colour c (0-255) in xterm's default palette. */
static void
theme_rgb(int c, int rgb[3])
{
	static const unsigned char basic[16][3] = {
		{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
		{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
		{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
		{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
	};
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };

	if (c < 16) {
		for (int i = 0; i < 3; i++)
			rgb[i] = basic[c][i];
	} else if (c < 232) {
		c -= 16;
		rgb[0] = level[c / 36];
		rgb[1] = level[c / 6 % 6];
		rgb[2] = level[c % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
	}
}

/*
 * Nearest basic colour by distance in RGB picks yellow for mid greys and
 * white for light purples, so the mapping goes by kind instead: a colour
 * with little saturation is a grey and becomes the basic grey nearest in
 * lightness (black, white; with 16 also bright black, bright white); any
 * other takes the basic colour of its hue sector (red at 0 degrees,
 * yellow 60, green 120, cyan 180, blue 240, magenta 300), bright with 16
 * colours when its strongest component is near full.
 */
int
theme_map_colour(int c, int ncolours)
{
	static const int hue_colour[6] = {
		COLOR_RED, COLOR_YELLOW, COLOR_GREEN, COLOR_CYAN, COLOR_BLUE, COLOR_MAGENTA
	};
	int rgb[3], max, min, chroma;

	if (c < 0 || c > 255 || ncolours <= 0)
		return THEME_COLOUR_DEFAULT;
	if (ncolours >= 256)
		return c;
	if (c < (ncolours >= 16 ? 16 : 8))
		return c;
	if (c < 16)
		return c - 8; /* bright-N on 8 colours */
	theme_rgb(c, rgb);
	max = MAX(rgb[0], MAX(rgb[1], rgb[2]));
	min = MIN(rgb[0], MIN(rgb[1], rgb[2]));
	chroma = max - min;
	if (max == 0 || chroma * 10 < max * 3) {
		static const int grey[4][2] = { { 0, 0 }, { 127, 8 }, { 229, 7 }, { 255, 15 } };
		int light = (299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2]) / 1000;
		int best = 0;

		for (int i = 1; i < 4; i++) {
			if (ncolours < 16 && grey[i][1] >= 8)
				continue;
			if (abs(grey[i][0] - light) < abs(grey[best][0] - light))
				best = i;
		}
		return grey[best][1];
	} else {
		double hue;
		int colour;

		if (max == rgb[0])
			hue = 60.0 * (rgb[1] - rgb[2]) / chroma;
		else if (max == rgb[1])
			hue = 120.0 + 60.0 * (rgb[2] - rgb[0]) / chroma;
		else
			hue = 240.0 + 60.0 * (rgb[0] - rgb[1]) / chroma;
		if (hue < 0)
			hue += 360.0;
		colour = hue_colour[(int)((hue + 30.0) / 60.0) % 6];
		return ncolours >= 16 && max >= 230 ? colour + 8 : colour;
	}
}

void
theme_defaults(struct theme_spec *specs)
{
	for (int k = 0; k < THEME_KEY_COUNT; k++) {
		if (theme_spec_parse(theme_table[k].def, &specs[k], NULL) != 0)
			g_error("theme: the default of %s does not parse", theme_table[k].name);
	}
}

/* Apply one line of a theme file to specs; a message (g_free) or NULL. */
static char *
theme_parse_line(char *line, struct theme_spec *specs)
{
	char *eq = strchr(line, '=');
	char *key, *value, *hash, *err = NULL;
	struct theme_spec s;
	int k;

	if (!g_utf8_validate(line, -1, NULL))
		return g_strdup("not valid UTF-8");
	if (eq == NULL)
		return g_strdup("expected KEY = SPEC");
	*eq = '\0';
	key = g_strstrip(line);
	value = eq + 1;
	for (hash = strchr(value, '#'); hash != NULL; hash = strchr(hash + 1, '#')) {
		if (hash == value || hash[-1] == ' ' || hash[-1] == '\t') {
			*hash = '\0';
			break;
		}
	}
	value = g_strstrip(value);
	if (*key == '\0')
		return g_strdup("expected KEY = SPEC");
	if ((k = theme_key_find(key)) < 0)
		return g_strdup_printf("unknown key '%s'", key);
	if (theme_spec_parse(value, &s, &err) != 0) {
		char *msg = g_strdup_printf("%s: %s", key, err);
		g_free(err);
		return msg;
	}
	specs[k] = s;
	return NULL;
}

int
theme_parse_file(const char *path, struct theme_spec *specs, GPtrArray *errors)
{
	FILE *f = fopen(path, "re");
	struct stat sb;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0;

	if (f != NULL && fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fclose(f);
		f = NULL;
		errno = EISDIR;
	}
	if (f == NULL) {
		g_ptr_array_add(errors, g_strdup_printf("%s: %s", path, g_strerror(errno)));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		const char *p = line;
		char *msg;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		if ((msg = theme_parse_line(line, specs)) != NULL) {
			g_ptr_array_add(errors, g_strdup_printf("%s:%d: %s", path, lineno, msg));
			g_free(msg);
		}
	}
	free(line);
	fclose(f);
	return 0;
}

bool
theme_name_valid(const char *name)
{
	if (name == NULL || !g_ascii_isalnum(name[0]) || strlen(name) > 64)
		return false;
	for (const char *p = name; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
			return false;
	}
	return true;
}

GPtrArray *
theme_dirs(void)
{
	GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);
	const char *xdg = g_getenv("XDG_CONFIG_HOME");
	const char *src = g_getenv("NATTER_SRCDIR");

	if (xdg != NULL && g_path_is_absolute(xdg))
		g_ptr_array_add(dirs, g_build_filename(xdg, "natter", "themes", NULL));
	else
		g_ptr_array_add(dirs, g_build_filename(g_get_home_dir(), ".config", "natter",
		    "themes", NULL));
#ifdef NATTER_THEMEDIR
	g_ptr_array_add(dirs, g_strdup(NATTER_THEMEDIR));
#endif
	if (src != NULL && *src != '\0')
		g_ptr_array_add(dirs, g_build_filename(src, "themes", NULL));
	g_ptr_array_add(dirs, g_strdup("themes"));
	return dirs;
}

char *
theme_find(const char *name)
{
	GPtrArray *dirs;
	char *file, *found = NULL;

	if (!theme_name_valid(name))
		return NULL;
	dirs = theme_dirs();
	file = g_strconcat(name, ".theme", NULL);
	for (guint i = 0; found == NULL && i < dirs->len; i++) {
		char *path = g_build_filename(g_ptr_array_index(dirs, i), file, NULL);

		if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
			found = path;
		else
			g_free(path);
	}
	g_free(file);
	g_ptr_array_unref(dirs);
	return found;
}

static gint
theme_strcmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

GPtrArray *
theme_list(void)
{
	GPtrArray *dirs = theme_dirs();
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

	g_ptr_array_add(names, g_strdup("default"));
	g_hash_table_add(seen, g_ptr_array_index(names, 0));
	for (guint i = 0; i < dirs->len; i++) {
		GDir *d = g_dir_open(g_ptr_array_index(dirs, i), 0, NULL);
		const char *entry;

		while (d != NULL && (entry = g_dir_read_name(d)) != NULL) {
			char *name;

			if (!g_str_has_suffix(entry, ".theme"))
				continue;
			name = g_strndup(entry, strlen(entry) - strlen(".theme"));
			if (theme_name_valid(name) && !g_hash_table_contains(seen, name)) {
				g_ptr_array_add(names, name);
				g_hash_table_add(seen, name);
			} else {
				g_free(name);
			}
		}
		if (d != NULL)
			g_dir_close(d);
	}
	g_hash_table_destroy(seen);
	g_ptr_array_unref(dirs);
	g_ptr_array_sort(names, theme_strcmp);
	return names;
}

/* --- the terminal side --- */

/* The colour pair for (fg, bg), terminal colours, allocated on first use;
 * pair 0 (the terminal's default) when the pairs have run out. */
static short
theme_pair(int fg, int bg)
{
	int key = (fg + 1) * 257 + (bg + 1) + 1;
	unsigned slot = (unsigned)key * 2654435761u % THEME_PAIR_SLOTS;

	if (fg < 0 && bg < 0)
		return 0;
	while (theme.pairs[slot].key != 0) {
		if (theme.pairs[slot].key == key)
			return theme.pairs[slot].pair;
		slot = (slot + 1) % THEME_PAIR_SLOTS;
	}
	if (theme.next_pair >= theme.max_pairs ||
	    init_pair((short)theme.next_pair, (short)fg, (short)bg) == ERR)
		return 0;
	theme.pairs[slot].key = key;
	theme.pairs[slot].pair = (short)theme.next_pair;
	return (short)theme.next_pair++;
}

/* The curses attributes of a spec's attribute flags. */
static attr_t
theme_curses_attrs(unsigned flags)
{
	attr_t a = A_NORMAL;

	if (flags & THEME_BOLD)
		a |= A_BOLD;
	if (flags & THEME_DIM)
		a |= A_DIM;
	if (flags & THEME_ITALIC)
		a |= A_ITALIC;
	if (flags & THEME_UNDERLINE)
		a |= A_UNDERLINE;
	if (flags & THEME_REVERSE)
		a |= A_REVERSE;
	if (flags & THEME_BLINK)
		a |= A_BLINK;
	return a;
}

/* The colour part of the look fg over bg (256-colour numbers or -1) on
 * this terminal: a COLOR_PAIR, plus bold for a bright foreground that
 * only bold can show on 8 colours. */
static attr_t
theme_colour_attr(int fg, int bg)
{
	attr_t extra = A_NORMAL;
	int tfg, tbg;

	if (!theme.ready || theme.colours == 0)
		return A_NORMAL;
	if (theme.colours == 8 && fg >= 8 && fg < 16)
		extra = A_BOLD;
	tfg = theme_map_colour(fg, theme.colours);
	tbg = theme_map_colour(bg, theme.colours);
	if (!theme.default_colours) {
		if (tfg < 0)
			tfg = COLOR_WHITE;
		if (tbg < 0)
			tbg = COLOR_BLACK;
	}
	return extra | COLOR_PAIR(theme_pair(tfg, tbg));
}

/* Work out every key's colours and attributes from theme.specs. */
static void
theme_apply(void)
{
	if (theme.ready && theme.colours > 0) {
		memset(theme.pairs, 0, sizeof theme.pairs);
		theme.next_pair = 1;
	}
	theme.coloured = false;
	for (int k = 0; k < THEME_KEY_COUNT; k++) {
		int fg = theme.specs[k].fg, bg = theme.specs[k].bg;

		for (int p = theme_key_parent(k); p >= 0 && (fg == THEME_COLOUR_UNSET ||
		    bg == THEME_COLOUR_UNSET); p = theme_key_parent(p)) {
			if (fg == THEME_COLOUR_UNSET)
				fg = theme.specs[p].fg;
			if (bg == THEME_COLOUR_UNSET)
				bg = theme.specs[p].bg;
		}
		theme.fg[k] = fg == THEME_COLOUR_UNSET ? THEME_COLOUR_DEFAULT : fg;
		theme.bg[k] = bg == THEME_COLOUR_UNSET ? THEME_COLOUR_DEFAULT : bg;
		if (theme.fg[k] != THEME_COLOUR_DEFAULT || theme.bg[k] != THEME_COLOUR_DEFAULT)
			theme.coloured = true;
		theme.attrs[k] = theme_curses_attrs(theme.specs[k].attrs) |
		    theme_colour_attr(theme.fg[k], theme.bg[k]);
	}
	theme.applied = true;
}

/* Make the built-in theme current (without telling the UI). */
static void
theme_builtin(void)
{
	theme_defaults(theme.specs);
	g_free(theme.name);
	theme.name = g_strdup("default");
}

void
theme_init(void)
{
	const char *no_color = g_getenv("NO_COLOR");

	theme.ready = true;
	theme.colours = 0;
	theme.max_pairs = 0;
	theme.default_colours = false;
	if ((no_color == NULL || *no_color == '\0') && has_colors() && start_color() == OK) {
		theme.default_colours = use_default_colors() == OK;
		theme.colours = COLORS >= 256 ? 256 : COLORS >= 16 ? 16 : COLORS >= 8 ? 8 : 0;
		theme.max_pairs = MIN(COLOR_PAIRS, 256);
	}
	theme_builtin();
	theme_apply();
}

int
theme_load(const char *name, GPtrArray *errors)
{
	struct theme_spec specs[THEME_KEY_COUNT];
	GPtrArray *mine = errors != NULL ? NULL : g_ptr_array_new_with_free_func(g_free);
	char *path;
	int rc;

	if (!theme_name_valid(name))
		return -1;
	path = theme_find(name);
	if (path == NULL && strcmp(name, "default") != 0)
		return -1;
	theme_defaults(specs);
	rc = path != NULL ? theme_parse_file(path, specs, errors != NULL ? errors : mine) : 0;
	if (mine != NULL)
		g_ptr_array_unref(mine);
	g_free(path);
	if (rc != 0)
		return -1;
	memcpy(theme.specs, specs, sizeof specs);
	g_free(theme.name);
	theme.name = g_strdup(name);
	theme_apply();
	if (theme.changed != NULL)
		theme.changed();
	return 0;
}

const char *
theme_current(void)
{
	return theme.name != NULL ? theme.name : "default";
}

void
theme_set_changed_hook(void (*fn)(void))
{
	theme.changed = fn;
}

attr_t
theme_attr(enum theme_key key)
{
	if (!theme.applied) {
		theme_builtin();
		theme_apply();
	}
	return theme.attrs[key];
}

attr_t
theme_fg_attr(int colour256, enum theme_key base)
{
	attr_t a = theme_attr(base) & ~(A_COLOR | A_BOLD);

	/* a theme without any colour (mono) shows no nick colours either */
	if (colour256 < 0 || colour256 > 255 || !theme.coloured)
		colour256 = theme.fg[base];
	a |= theme_curses_attrs(theme.specs[base].attrs & THEME_BOLD);
	return a | theme_colour_attr(colour256, theme.bg[base]);
}

int
theme_colours(void)
{
	return theme.colours;
}

/* --- /theme --- */

void
theme_complete(const char *prefix, GPtrArray *out)
{
	GPtrArray *names = theme_list();

	for (guint i = 0; i < names->len; i++) {
		if (g_str_has_prefix(g_ptr_array_index(names, i), prefix))
			g_ptr_array_add(out, g_strdup(g_ptr_array_index(names, i)));
	}
	g_ptr_array_unref(names);
}

/* List the themes on the search path and mark the current one. */
static int
theme_cmd_list(struct cmd_ctx *ctx)
{
	GPtrArray *names = theme_list();
	GPtrArray *dirs = theme_dirs();
	GString *out = g_string_new("Themes (* marks the current one; /theme NAME switches):\n");

	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);
		char *path = theme_find(name);

		g_string_append_printf(out, "  %s%-12s %s\n", strcmp(name, theme_current()) == 0
		    ? "*" : " ", name, path != NULL ? path : "(built in)");
		g_free(path);
	}
	g_string_append(out, "Searched, first first:");
	for (guint i = 0; i < dirs->len; i++)
		g_string_append_printf(out, " %s", (char *)g_ptr_array_index(dirs, i));
	cmd_info(ctx, "%s", out->str);
	g_string_free(out, TRUE);
	g_ptr_array_unref(dirs);
	g_ptr_array_unref(names);
	return 0;
}

static int
theme_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	GPtrArray *errors;
	char *path;
	int rc;

	if (argc == 0)
		return theme_cmd_list(ctx);
	if (!theme_name_valid(argv[0]))
		return cmd_error(ctx, "'%s' is not a theme name: a plain word such as light "
		    "(/theme lists them)", argv[0]);
	path = theme_find(argv[0]);
	if (path == NULL && strcmp(argv[0], "default") != 0)
		return cmd_error(ctx, "no theme %s: no %s.theme on the search path (/theme lists "
		    "the themes and the path)", argv[0], argv[0]);
	errors = g_ptr_array_new_with_free_func(g_free);
	rc = theme_load(argv[0], errors);
	if (rc == 0)
		cmd_info(ctx, "theme %s (%s)%s", argv[0], path != NULL ? path : "built in",
		    errors->len > 0 ? "; the lines below were skipped" : "");
	for (guint i = 0; i < errors->len; i++)
		cmd_error(ctx, "%s", (char *)g_ptr_array_index(errors, i));
	if (rc == 0 && errors->len > 0)
		rc = -1;
	g_ptr_array_unref(errors);
	g_free(path);
	return rc;
}

const struct cmd theme_cmd_table[] = {
	{ .name = "theme",
	  .args = { { "NAME", COMPLETE_THEME, CMD_ARG_OPTIONAL, NULL } },
	  .summary = "List the themes, or switch to theme NAME",
	  .help = "A theme gives every element of the screen its colours and attributes. "
	    "/theme NAME reads NAME.theme from the first of: $XDG_CONFIG_HOME/natter/themes, "
	    "the installed themes (" NATTER_THEMEDIR_TEXT "), $NATTER_SRCDIR/themes, and "
	    "themes/ in the current directory; and redraws the screen in it. natter ships "
	    "default (dark background), light and mono (attributes only).\n\n"
	    "A theme file holds lines KEY = SPEC, where SPEC is words: fg=COLOUR, bg=COLOUR "
	    "and the attributes bold dim italic underline reverse blink (or none). COLOUR is "
	    "default, black, red, green, yellow, blue, magenta, cyan, white, bright-NAME, or "
	    "colour0 to colour255; on terminals with 8 or 16 colours each is shown as the "
	    "nearest they have. A key the file does not name keeps its default, a key without "
	    "fg or bg takes it from its parent (main.nick.self from main.nick, then main), and "
	    "a bad line is reported and skipped. themes/default.theme lists every key with a "
	    "line of help. With NO_COLOR set in the environment natter uses no colour at all.",
	  .examples = { "/theme", "/theme light", "/theme mono" },
	  .fn = theme_cmd },
	{ .name = NULL }
};
