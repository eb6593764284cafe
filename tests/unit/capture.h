/* capture.h - shared by the unit tests that drive commands: a bus listener
 * that keeps every EV_INFO and EV_ERROR emitted, in order. */
#ifndef NATTER_TEST_CAPTURE_H
#define NATTER_TEST_CAPTURE_H

#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "natter/bus.h"
#include "natter/event.h"

/* One captured EV_INFO or EV_ERROR. */
struct captured {
	enum event_type type;
	char *account, *command, *message;
};

static GPtrArray *captured; /* struct captured */

static inline void
captured_free(gpointer p)
{
	struct captured *c = p;

	g_free(c->account);
	g_free(c->command);
	g_free(c->message);
	g_free(c);
}

static inline void
capture_on_event(const struct event *ev, void *unused)
{
	struct captured *c = g_new0(struct captured, 1);

	(void)unused;
	c->type = ev->type;
	c->account = g_strdup(ev->account);
	c->command = g_strdup(ev->type == EV_INFO ? ev->u.info.command : ev->u.error.command);
	c->message = g_strdup(ev->type == EV_INFO ? ev->u.info.message : ev->u.error.message);
	g_ptr_array_add(captured, c);
}

/* Start capturing (after bus_reset). */
static inline void
capture_start(void)
{
	if (captured == NULL)
		captured = g_ptr_array_new_with_free_func(captured_free);
	g_ptr_array_set_size(captured, 0);
	bus_subscribe(EV_INFO, capture_on_event, NULL);
	bus_subscribe(EV_ERROR, capture_on_event, NULL);
}

static inline void
capture_clear(void)
{
	g_ptr_array_set_size(captured, 0);
}

static inline void
capture_stop(void)
{
	if (captured != NULL)
		g_ptr_array_free(captured, TRUE);
	captured = NULL;
}

static inline unsigned
capture_count(enum event_type type)
{
	unsigned n = 0;

	for (guint i = 0; i < captured->len; i++)
		n += ((struct captured *)g_ptr_array_index(captured, i))->type == type;
	return n;
}

/* The last captured event of type, or NULL. */
static inline const struct captured *
capture_last(enum event_type type)
{
	for (guint i = captured->len; i-- > 0;) {
		const struct captured *c = g_ptr_array_index(captured, i);
		if (c->type == type)
			return c;
	}
	return NULL;
}

/* True when any captured text (message, command, account) contains s. */
static inline bool
capture_any_contains(const char *s)
{
	for (guint i = 0; i < captured->len; i++) {
		const struct captured *c = g_ptr_array_index(captured, i);
		if ((c->message != NULL && strstr(c->message, s) != NULL) ||
		    (c->command != NULL && strstr(c->command, s) != NULL) ||
		    (c->account != NULL && strstr(c->account, s) != NULL))
			return true;
	}
	return false;
}

#endif
