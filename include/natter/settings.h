/* settings.h - global settings (/set NAME VALUE), one table of them.
 *
 * Each setting has a type, a default, a range and a one-line help; /set,
 * /help set, completion and the man page all read the same table.
 */
#ifndef NATTER_SETTINGS_H
#define NATTER_SETTINGS_H

#include <stdbool.h>

enum setting_type { SETTING_INT, SETTING_BOOL, SETTING_STRING };

struct setting {
	const char *name;
	enum setting_type type;
	const char *def;
	long min, max; /* SETTING_INT only */
	const char *help;
};

const struct setting *settings_table(void); /* ends with a NULL name */
/* Set name to value; returns an error text to free, or NULL. */
char *settings_set(const char *name, const char *value);
long settings_int(const char *name);
bool settings_bool(const char *name);
const char *settings_str(const char *name);
void settings_reset(void);

#endif
