/* settings.c - the table of global settings and their current values. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "natter/settings.h"

static const struct setting settings[] = {
	{ "connect_timeout", SETTING_INT, "30", 1, 600,
	  "Seconds a connection may take, from the first packet to a bound session, before natter gives up." },
	{ "keepalive_interval", SETTING_INT, "300", 5, 86400,
	  "Seconds of silence from the server after which natter pings it (XEP-0199)." },
	{ "keepalive_timeout", SETTING_INT, "20", 1, 600,
	  "Seconds natter waits for the answer to a keepalive ping before it calls the connection dead." },
	{ "iq_timeout", SETTING_INT, "60", 1, 3600,
	  "Seconds natter waits for the reply to a request before reporting it unanswered." },
	{ "console_buffer", SETTING_INT, "5000", 100, 1000000,
	  "Elements of protocol traffic kept per account for the raw-stanza console (/console), shown or not." },
	{ "debug_file", SETTING_STRING, "", 0, 0,
	  "File to append a debug log to (protocol traffic with credentials removed); empty: no log." },
	{ "mam_first", SETTING_INT, "100", 0, 100000,
	  "Messages of your server's archive to fetch at the first login of an account (later logins fetch everything since the last one)." },
	{ "muc_history", SETTING_INT, "20", 0, 1000,
	  "Messages of a room's recent history to ask for when first joining it, from the room's archive when it keeps one (later joins, also after a restart, fetch only what was missed)." },
	{ "roster", SETTING_BOOL, "on", 0, 0,
	  "Show the roster pane beside the chat." },
	{ "roster_width", SETTING_INT, "26", 12, 80,
	  "Width of the roster pane in columns." },
	{ "mouse", SETTING_BOOL, "on", 0, 0,
	  "Let the terminal report the mouse wheel for scrolling (shift-drag still selects text in most terminals)." },
	{ "bell", SETTING_BOOL, "on", 0, 0,
	  "Ring the terminal bell on a direct message or a mention of your nick." },
	{ "status_highlight", SETTING_BOOL, "on", 0, 0,
	  "Mark windows with a direct message or a mention of your nick in the status bar." },
	{ "title_notify", SETTING_BOOL, "on", 0, 0,
	  "Show unread highlights in the terminal's window title." },
	{ "chat_states", SETTING_BOOL, "on", 0, 0,
	  "Tell contacts when you are typing (XEP-0085)." },
	{ "nick_colors", SETTING_BOOL, "on", 0, 0,
	  "Colour nicks consistently (XEP-0392)." },
	{ "theme", SETTING_STRING, "default", 0, 0,
	  "The theme loaded at start (/theme switches while running)." },
	{ "time_format", SETTING_STRING, "%H:%M", 0, 0,
	  "strftime format of message timestamps." },
	{ "scrollback", SETTING_INT, "5000", 100, 1000000,
	  "Lines each window keeps in memory." },
	{ NULL, 0, NULL, 0, 0, NULL }
};

/* The current value of each setting (settings[i] <-> current[i]), parsed
 * once when set: the UI asks for some on every message. */
struct setting_value {
	char *text; /* NULL: the default */
	long n;     /* SETTING_INT */
	bool on;    /* SETTING_BOOL */
	bool parsed;
};

static struct setting_value current[G_N_ELEMENTS(settings)];
static GHashTable *index_of; /* name -> index + 1 */

static int settings_parse_bool(const char *v);

const struct setting *
settings_table(void)
{
	return settings;
}

/* The index of setting name in settings[], or -1. */
static int
settings_index(const char *name)
{
	if (index_of == NULL) {
		index_of = g_hash_table_new(g_str_hash, g_str_equal);
		for (int i = 0; settings[i].name != NULL; i++)
			g_hash_table_insert(index_of, (gpointer)settings[i].name, GINT_TO_POINTER(i + 1));
	}
	return GPOINTER_TO_INT(g_hash_table_lookup(index_of, name)) - 1;
}

static const struct setting *
settings_find(const char *name)
{
	int i = settings_index(name);

	return i >= 0 ? &settings[i] : NULL;
}

/* The current value of name, parsed (a setting natter does not have is a
 * bug in natter: abort). */
static const struct setting_value *
settings_current(const char *name)
{
	int i = settings_index(name);
	struct setting_value *v;

	if (i < 0)
		g_error("settings: no setting %s", name);
	v = &current[i];
	if (!v->parsed) {
		const char *text = v->text != NULL ? v->text : settings[i].def;
		v->n = strtol(text, NULL, 10);
		v->on = settings_parse_bool(text) == 1;
		v->parsed = true;
	}
	return v;
}

static const char *
settings_value(const char *name)
{
	int i = settings_index(name);

	if (i < 0)
		g_error("settings: no setting %s", name);
	return current[i].text != NULL ? current[i].text : settings[i].def;
}

/* Parse a boolean word; -1 when it is none. */
static int
settings_parse_bool(const char *v)
{
	static const char *const yes[] = { "on", "true", "yes", "1" };
	static const char *const no[] = { "off", "false", "no", "0" };

	for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
		if (g_ascii_strcasecmp(v, yes[i]) == 0)
			return 1;
		if (g_ascii_strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

char *
settings_set(const char *name, const char *value)
{
	const struct setting *s = settings_find(name);

	if (s == NULL)
		return g_strdup_printf("no setting named '%s' (see /help set)", name);
	if (value == NULL)
		value = s->def;
	switch (s->type) {
	case SETTING_INT: {
		char *end;
		long n;
		errno = 0;
		n = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0')
			return g_strdup_printf("%s takes a number, not '%s'", name, value);
		if (n < s->min || n > s->max)
			return g_strdup_printf("%s must be between %ld and %ld", name, s->min, s->max);
		break;
	}
	case SETTING_BOOL:
		if (settings_parse_bool(value) < 0)
			return g_strdup_printf("%s takes on or off, not '%s'", name, value);
		break;
	case SETTING_STRING:
		break;
	}
	{
		struct setting_value *v = &current[s - settings];
		g_free(v->text);
		v->text = g_strdup(value);
		v->parsed = false;
	}
	return NULL;
}

long
settings_int(const char *name)
{
	return settings_current(name)->n;
}

bool
settings_bool(const char *name)
{
	return settings_current(name)->on;
}

const char *
settings_str(const char *name)
{
	return settings_value(name);
}

void
settings_reset(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(current); i++) {
		g_free(current[i].text);
		current[i].text = NULL;
		current[i].parsed = false;
	}
}
