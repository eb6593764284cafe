/* bus.c - the named-event bus of the main thread. */
#include "config.h"

#include <stdarg.h>

#include <glib.h>

#include "natter/bus.h"

struct bus_listener {
	unsigned id;
	unsigned type;
	bus_fn fn;
	bus_filter_fn filter; /* in filters: set instead of fn */
	void *arg;
	bool dead;
};

static GPtrArray *listeners; /* struct bus_listener, in subscription order */
static GPtrArray *filters;   /* the same, for filters: few, seen first */
static unsigned next_id = 1;
static int depth;            /* nesting of bus_emit */
static bool need_sweep;

/* Add an entry to *array (created on first use) and return it. */
static struct bus_listener *
bus_add(GPtrArray **array, unsigned type, void *arg)
{
	struct bus_listener *l = g_new0(struct bus_listener, 1);

	if (*array == NULL)
		*array = g_ptr_array_new_with_free_func(g_free);
	l->id = next_id++;
	l->type = type;
	l->arg = arg;
	g_ptr_array_add(*array, l);
	return l;
}

unsigned
bus_subscribe(unsigned type, bus_fn fn, void *arg)
{
	struct bus_listener *l = bus_add(&listeners, type, arg);

	l->fn = fn;
	return l->id;
}

unsigned
bus_filter(unsigned type, bus_filter_fn fn, void *arg)
{
	struct bus_listener *l = bus_add(&filters, type, arg);

	l->filter = fn;
	return l->id;
}

/* Remove the dead entries of array (or, with id, mark that one dead). */
static void
bus_mark(GPtrArray *array, unsigned id)
{
	for (guint i = array != NULL ? array->len : 0; i-- > 0;) {
		struct bus_listener *l = g_ptr_array_index(array, i);
		if (id != 0 && l->id == id)
			l->dead = true;
		else if (id == 0 && l->dead)
			g_ptr_array_remove_index(array, i);
	}
}

static void
bus_sweep(void)
{
	bus_mark(listeners, 0);
	bus_mark(filters, 0);
	need_sweep = false;
}

void
bus_unsubscribe(unsigned id)
{
	bus_mark(listeners, id);
	bus_mark(filters, id);
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
		if (l->dead || (l->type != EV_ANY && l->type != ev->type))
			continue;
		l->fn(ev, l->arg);
	}
	depth--;
	if (depth == 0 && need_sweep)
		bus_sweep();
}

/* True when every filter of ev's type lets it through. */
static bool
bus_filtered(struct event *ev)
{
	bool pass = true;

	if (filters == NULL || filters->len == 0)
		return true;
	depth++;
	for (guint i = 0, len = filters->len; i < len && pass; i++) {
		struct bus_listener *l = g_ptr_array_index(filters, i);
		if (!l->dead && (l->type == EV_ANY || l->type == ev->type))
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
	if (depth != 0)
		return;
	if (listeners != NULL)
		g_ptr_array_free(listeners, TRUE);
	if (filters != NULL)
		g_ptr_array_free(filters, TRUE);
	listeners = filters = NULL;
}
