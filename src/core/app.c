/* app.c - process-wide state shared by the layers, and the environment
 * natter's children get. */
#include "config.h"

#include <stdlib.h>

#include <glib.h>

#include "natter/app.h"

struct app app;

/* Names natter set for itself (app_setenv_private), kept from children. */
static GPtrArray *private_names;

void
app_setenv_private(const char *name, const char *value)
{
	if (private_names == NULL)
		private_names = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(private_names, g_strdup(name));
	setenv(name, value, 1);
}

char **
app_child_environ(void)
{
	char **env = g_get_environ();

	for (guint i = 0; private_names != NULL && i < private_names->len; i++)
		env = g_environ_unsetenv(env, g_ptr_array_index(private_names, i));
	return env;
}
