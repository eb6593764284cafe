/* bus.c - the named-event bus of the main thread. */
#include "config.h"

#include <stdarg.h>

#include <glib.h>

#include "natter/bus.h"

struct bus_listener {
	unsigned id;
	unsigned type;
	bus_fn fn;
	bus_filter_fn filter; /* set instead of fn for a filter */
	void *arg;
	bool dead;
};

static GPtrArray *listeners; /* struct bus_listener, in subscription order */
static unsigned next_id = 1;
static int depth;            /* nesting of bus_emit */
static bool need_sweep;

unsigned
bus_subscribe(unsigned type, bus_fn fn, void *arg)
{
	struct bus_listener *l = g_new0(struct bus_listener, 1);

	if (listeners == NULL)
		listeners = g_ptr_array_new_with_free_func(g_free);
	l->id = next_id++;
	l->type = type;
	l->fn = fn;
	l->arg = arg;
	g_ptr_array_add(listeners, l);
	return l->id;
}

static void
bus_sweep(void)
{
	for (guint i = listeners->len; i-- > 0;) {
		struct bus_listener *l = g_ptr_array_index(listeners, i);
		if (l->dead)
			g_ptr_array_remove_index(listeners, i);
	}
	need_sweep = false;
}

void
bus_unsubscribe(unsigned id)
{
	if (listeners == NULL)
		return;
	for (guint i = 0; i < listeners->len; i++) {
		struct bus_listener *l = g_ptr_array_index(listeners, i);
		if (l->id == id)
			l->dead = true;
	}
	need_sweep = true;
	if (depth == 0)
		bus_sweep();
}

/* Listeners added during dispatch are not called for the event being
 * dispatched: only the first len entries are visited. */
void
bus_emit(const struct event *ev)
{
	guint len;

	if (listeners == NULL)
		return;
	len = listeners->len;
	depth++;
	for (guint i = 0; i < len; i++) {
		struct bus_listener *l = g_ptr_array_index(listeners, i);
		if (l->dead || l->fn == NULL || (l->type != EV_ANY && l->type != ev->type))
			continue;
		l->fn(ev, l->arg);
	}
	depth--;
	if (depth == 0 && need_sweep)
		bus_sweep();
}

unsigned
bus_filter(unsigned type, bus_filter_fn fn, void *arg)
{
	unsigned id = bus_subscribe(type, NULL, arg);
	struct bus_listener *l = g_ptr_array_index(listeners, listeners->len - 1);

	l->filter = fn;
	return id;
}

/* True when every filter of ev's type lets it through. */
static bool
bus_filtered(struct event *ev)
{
	bool pass = true;

	if (listeners == NULL)
		return true;
	depth++;
	for (guint i = 0, len = listeners->len; i < len && pass; i++) {
		struct bus_listener *l = g_ptr_array_index(listeners, i);
		if (!l->dead && l->filter != NULL && (l->type == EV_ANY || l->type == ev->type))
			pass = l->filter(ev, l->arg);
	}
	depth--;
	if (depth == 0 && need_sweep)
		bus_sweep();
	return pass;
}

void
bus_emit_free(struct event *ev)
{
	if (bus_filtered(ev))
		bus_emit(ev);
	event_free(ev);
}

static void
bus_text(enum event_type type, const char *account, const char *command,
    const char *fmt, va_list ap)
{
	struct event *ev = event_new(type, account);
	char *text = g_strdup_vprintf(fmt, ap);

	if (type == EV_INFO) {
		ev->u.info.command = g_strdup(command);
		ev->u.info.message = text;
	} else {
		ev->u.error.command = g_strdup(command);
		ev->u.error.message = text;
	}
	bus_emit_free(ev);
}

void
bus_info(const char *account, const char *command, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bus_text(EV_INFO, account, command, fmt, ap);
	va_end(ap);
}

void
bus_error(const char *account, const char *command, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bus_text(EV_ERROR, account, command, fmt, ap);
	va_end(ap);
}

void
bus_reset(void)
{
	if (listeners != NULL && depth == 0) {
		g_ptr_array_free(listeners, TRUE);
		listeners = NULL;
	}
}
