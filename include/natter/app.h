/* app.h - process-wide state: the main loop, the quit request, and the
 * environment of child processes. */
#ifndef NATTER_APP_H
#define NATTER_APP_H

#include <stdbool.h>

struct loop;

struct app {
	struct loop *loop;  /* the main thread's loop */
	bool quitting;      /* /quit ran: the loop stops once sessions end */
	bool headless;
	const char *data_dir;
};

extern struct app app;

/* Set an environment variable for natter's own libraries (call before any
 * thread starts); children do not inherit it. */
void app_setenv_private(const char *name, const char *value);
/* The environment for a child process (g_strfreev it): natter's own minus
 * what app_setenv_private set. */
char **app_child_environ(void);

#endif
