/* app.h - process-wide state: the main loop and the quit request. */
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

#endif
