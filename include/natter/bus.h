/* bus.h - the event bus of the main thread.
 *
 * Listeners subscribe to one event type (or EV_ANY) and are called in
 * subscription order.  A listener may emit further events (they are
 * dispatched at once, nested) and may unsubscribe any listener, itself
 * included, during dispatch: removed entries are swept afterwards.
 */
#ifndef NATTER_BUS_H
#define NATTER_BUS_H

#include <stdbool.h>

#include "natter/event.h"

#define EV_ANY EV_COUNT

typedef void (*bus_fn)(const struct event *ev, void *arg);
/* A filter sees an event before every listener and may change it; false
 * drops the event (no listener sees it). */
typedef bool (*bus_filter_fn)(struct event *ev, void *arg);

unsigned bus_subscribe(unsigned type, bus_fn fn, void *arg);
void bus_unsubscribe(unsigned id);
/* Add a filter for events of type (EV_ANY: all) passed to bus_emit_free;
 * filters run in the order added.  Unsubscribed like a listener. */
unsigned bus_filter(unsigned type, bus_filter_fn fn, void *arg);
void bus_emit(const struct event *ev);
/* Run ev through the filters, emit it unless one dropped it, then free
 * it. */
void bus_emit_free(struct event *ev);
/* Emit an EV_INFO or EV_ERROR with printf-style text. */
void bus_info(const char *account, const char *command, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void bus_error(const char *account, const char *command, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Drop every listener (for shutdown and tests). */
void bus_reset(void);

#endif
