/* test-bus.c - src/core/bus.c: the event bus of the main thread. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "natter/bus.h"
#include "natter/event.h"

/* Every listener appends "name:type" to the trace. */
static GString *trace;

struct listener {
	const char *name;
	unsigned id;
	unsigned unsubscribe; /* id to unsubscribe when called, or 0 */
	int emit;             /* event type to emit when called, or -1 */
	unsigned subscribe;   /* event type to subscribe `late` to when called */
	bool do_subscribe;
	int calls;
};

static struct listener late = { .name = "late", .emit = -1 };

static void
on_event(const struct event *ev, void *arg)
{
	struct listener *l = arg;

	l->calls++;
	g_string_append_printf(trace, "%s%s:%s", trace->len ? " " : "", l->name,
	    event_type_name(ev->type));
	if (l->unsubscribe != 0) {
		unsigned id = l->unsubscribe;
		l->unsubscribe = 0;
		bus_unsubscribe(id);
	}
	if (l->do_subscribe) {
		l->do_subscribe = false;
		late.id = bus_subscribe(l->subscribe, on_event, &late);
	}
	if (l->emit >= 0) {
		struct event *nested = event_new((enum event_type)l->emit, "acct");
		l->emit = -1;
		bus_emit_free(nested);
	}
}

/* Emit an event of type with no payload. */
static void
emit(enum event_type type)
{
	struct event *ev = event_new(type, NULL);

	bus_emit(ev);
	event_free(ev);
}

static int
setup(void **state)
{
	bus_reset();
	trace = g_string_new(NULL);
	late = (struct listener){ .name = "late", .emit = -1 };
	return 0;
}

static int
teardown(void **state)
{
	bus_reset();
	g_string_free(trace, TRUE);
	return 0;
}

#define L(n) { .name = (n), .emit = -1 }

static void
test_per_type_and_any(void **state)
{
	struct listener a = L("a"), b = L("b"), any = L("any");

	a.id = bus_subscribe(EV_INFO, on_event, &a);
	b.id = bus_subscribe(EV_ERROR, on_event, &b);
	any.id = bus_subscribe(EV_ANY, on_event, &any);
	assert_int_not_equal(a.id, 0);
	assert_int_not_equal(a.id, b.id);
	assert_int_not_equal(b.id, any.id);
	emit(EV_INFO);
	emit(EV_ERROR);
	emit(EV_CONNECTED);
	assert_string_equal(trace->str, "a:info any:info b:error any:error any:connected");
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 1);
	assert_int_equal(any.calls, 3);
}

static void
test_order(void **state)
{
	struct listener l1 = L("1"), l2 = L("2"), l3 = L("3"), l4 = L("4");

	l1.id = bus_subscribe(EV_ANY, on_event, &l1);
	l2.id = bus_subscribe(EV_MESSAGE, on_event, &l2);
	l3.id = bus_subscribe(EV_ANY, on_event, &l3);
	l4.id = bus_subscribe(EV_MESSAGE, on_event, &l4);
	emit(EV_MESSAGE);
	assert_string_equal(trace->str, "1:message 2:message 3:message 4:message");
	/* the same function and argument twice is two listeners */
	g_string_truncate(trace, 0);
	bus_subscribe(EV_MESSAGE, on_event, &l1);
	emit(EV_MESSAGE);
	assert_string_equal(trace->str, "1:message 2:message 3:message 4:message 1:message");
}

static void
test_unsubscribe(void **state)
{
	struct listener a = L("a"), b = L("b");

	a.id = bus_subscribe(EV_INFO, on_event, &a);
	b.id = bus_subscribe(EV_INFO, on_event, &b);
	bus_unsubscribe(a.id);
	emit(EV_INFO);
	assert_string_equal(trace->str, "b:info");
	/* unknown and repeated ids are harmless */
	bus_unsubscribe(a.id);
	bus_unsubscribe(9999);
	bus_unsubscribe(0);
	emit(EV_INFO);
	assert_string_equal(trace->str, "b:info b:info");
}

static void
test_unsubscribe_self_during_dispatch(void **state)
{
	struct listener a = L("a"), b = L("b"), c = L("c");

	a.id = bus_subscribe(EV_INFO, on_event, &a);
	b.id = bus_subscribe(EV_INFO, on_event, &b);
	c.id = bus_subscribe(EV_INFO, on_event, &c);
	b.unsubscribe = b.id;
	emit(EV_INFO);
	/* the listeners after it still run for this event */
	assert_string_equal(trace->str, "a:info b:info c:info");
	g_string_truncate(trace, 0);
	emit(EV_INFO);
	assert_string_equal(trace->str, "a:info c:info");
	assert_int_equal(b.calls, 1);
}

static void
test_unsubscribe_other_during_dispatch(void **state)
{
	struct listener a = L("a"), b = L("b"), c = L("c"), d = L("d");

	a.id = bus_subscribe(EV_INFO, on_event, &a);
	b.id = bus_subscribe(EV_INFO, on_event, &b);
	c.id = bus_subscribe(EV_INFO, on_event, &c);
	d.id = bus_subscribe(EV_INFO, on_event, &d);
	/* b removes a (already called) and c removes d (not yet called) */
	b.unsubscribe = a.id;
	c.unsubscribe = d.id;
	emit(EV_INFO);
	assert_string_equal(trace->str, "a:info b:info c:info");
	g_string_truncate(trace, 0);
	emit(EV_INFO);
	assert_string_equal(trace->str, "b:info c:info");
	assert_int_equal(d.calls, 0);
}

static void
test_nested_emit(void **state)
{
	struct listener a = L("a"), b = L("b"), e1 = L("e1"), any = L("any");

	a.id = bus_subscribe(EV_INFO, on_event, &a);
	e1.id = bus_subscribe(EV_ERROR, on_event, &e1);
	b.id = bus_subscribe(EV_INFO, on_event, &b);
	any.id = bus_subscribe(EV_ANY, on_event, &any);
	a.emit = EV_ERROR;
	emit(EV_INFO);
	/* the nested event is dispatched completely, at once */
	assert_string_equal(trace->str, "a:info e1:error any:error b:info any:info");
}

static void
test_unsubscribe_in_nested_emit(void **state)
{
	struct listener a = L("a"), e1 = L("e1"), b = L("b"), c = L("c");

	/* a emits an error; e1 (listening for errors) removes itself and b
	 * inside the nested dispatch: the outer dispatch must still reach c */
	a.id = bus_subscribe(EV_INFO, on_event, &a);
	e1.id = bus_subscribe(EV_ERROR, on_event, &e1);
	b.id = bus_subscribe(EV_INFO, on_event, &b);
	c.id = bus_subscribe(EV_INFO, on_event, &c);
	a.emit = EV_ERROR;
	e1.unsubscribe = e1.id;
	emit(EV_INFO);
	assert_string_equal(trace->str, "a:info e1:error b:info c:info");
	g_string_truncate(trace, 0);
	e1.unsubscribe = 0;
	a.emit = EV_ERROR;
	emit(EV_INFO);
	assert_string_equal(trace->str, "a:info b:info c:info");

	/* the same with a listener removed that comes later in the outer pass */
	g_string_truncate(trace, 0);
	{
		struct listener e2 = L("e2");
		e2.id = bus_subscribe(EV_ERROR, on_event, &e2);
		e2.unsubscribe = b.id;
		a.emit = EV_ERROR;
		emit(EV_INFO);
		assert_string_equal(trace->str, "a:info e2:error c:info");
		bus_unsubscribe(e2.id);
	}
}

static void
test_subscribe_during_dispatch(void **state)
{
	struct listener a = L("a"), b = L("b");

	a.id = bus_subscribe(EV_INFO, on_event, &a);
	b.id = bus_subscribe(EV_INFO, on_event, &b);
	a.do_subscribe = true;
	a.subscribe = EV_INFO;
	emit(EV_INFO);
	/* late was added during the dispatch: not called for this event */
	assert_string_equal(trace->str, "a:info b:info");
	assert_int_equal(late.calls, 0);
	assert_int_not_equal(late.id, 0);
	g_string_truncate(trace, 0);
	emit(EV_INFO);
	assert_string_equal(trace->str, "a:info b:info late:info");

	/* also when the listener is added inside a nested emit */
	bus_unsubscribe(late.id);
	late = (struct listener){ .name = "late", .emit = -1 };
	g_string_truncate(trace, 0);
	{
		struct listener e = L("e");
		e.id = bus_subscribe(EV_ERROR, on_event, &e);
		e.do_subscribe = true;
		e.subscribe = EV_INFO;
		a.emit = EV_ERROR;
		emit(EV_INFO);
		assert_string_equal(trace->str, "a:info e:error b:info");
		bus_unsubscribe(e.id);
	}
}

/* Keeps a copy of the last EV_INFO / EV_ERROR payload. */
struct payload {
	int type;
	char *account, *command, *message;
};

static void
on_text(const struct event *ev, void *arg)
{
	struct payload *p = arg;

	p->type = ev->type;
	g_free(p->account);
	g_free(p->command);
	g_free(p->message);
	p->account = g_strdup(ev->account);
	p->command = g_strdup(ev->type == EV_INFO ? ev->u.info.command : ev->u.error.command);
	p->message = g_strdup(ev->type == EV_INFO ? ev->u.info.message : ev->u.error.message);
}

static void
test_info_error_payloads(void **state)
{
	struct payload p = { -1, NULL, NULL, NULL };

	bus_subscribe(EV_INFO, on_text, &p);
	bus_subscribe(EV_ERROR, on_text, &p);
	bus_info("work", "account show", "%s has %d contacts", "work", 3);
	assert_int_equal(p.type, EV_INFO);
	assert_string_equal(p.account, "work");
	assert_string_equal(p.command, "account show");
	assert_string_equal(p.message, "work has 3 contacts");
	bus_error(NULL, NULL, "failed: %s (%u%%)", "nope", 50u);
	assert_int_equal(p.type, EV_ERROR);
	assert_null(p.account);
	assert_null(p.command);
	assert_string_equal(p.message, "failed: nope (50%)");
	/* a message is never taken as a format */
	bus_info(NULL, "x", "%s", "100% %s %n");
	assert_string_equal(p.message, "100% %s %n");
	g_free(p.account);
	g_free(p.command);
	g_free(p.message);
}

static void
test_reset_and_no_listeners(void **state)
{
	struct listener a = L("a");

	/* emitting with no listener at all is fine */
	bus_reset();
	emit(EV_INFO);
	bus_info(NULL, NULL, "nobody listens");
	a.id = bus_subscribe(EV_ANY, on_event, &a);
	bus_reset();
	emit(EV_INFO);
	assert_int_equal(a.calls, 0);
	/* ids stay unique after a reset */
	{
		struct listener b = L("b");
		b.id = bus_subscribe(EV_INFO, on_event, &b);
		assert_int_not_equal(b.id, a.id);
		emit(EV_INFO);
		assert_int_equal(b.calls, 1);
	}
}

/* A filter sees an event before every listener, may change it, and may
 * stop it: the listeners then never see it. */
static bool
drop_odd(struct event *ev, void *arg)
{
	int *seen = arg;

	(*seen)++;
	g_string_append_printf(trace, "%sfilter", trace->len ? " " : "");
	if (ev->u.info.message != NULL && strcmp(ev->u.info.message, "odd") == 0)
		return false;
	g_free(ev->u.info.command);
	ev->u.info.command = g_strdup("filtered");
	return true;
}

static char *last_command;

static void
on_info(const struct event *ev, void *arg)
{
	g_free(last_command);
	last_command = g_strdup(ev->u.info.command);
	g_string_append_printf(trace, "%sinfo", trace->len ? " " : "");
}

static void
test_filter(void **state)
{
	int seen = 0;
	unsigned l = bus_subscribe(EV_INFO, on_info, NULL);
	unsigned f = bus_filter(EV_INFO, drop_odd, &seen);

	/* added after the listener, it still runs first */
	bus_info(NULL, "cmd", "even");
	assert_string_equal(trace->str, "filter info");
	assert_string_equal(last_command, "filtered");
	g_string_truncate(trace, 0);
	bus_info(NULL, "cmd", "odd");
	assert_string_equal(trace->str, "filter");
	/* other types pass by it */
	g_string_truncate(trace, 0);
	bus_error(NULL, "cmd", "odd");
	assert_string_equal(trace->str, "");
	assert_int_equal(seen, 2);
	bus_unsubscribe(f);
	bus_info(NULL, "cmd", "odd");
	assert_string_equal(trace->str, "info");
	assert_string_equal(last_command, "cmd");
	bus_unsubscribe(l);
	g_free(last_command);
	last_command = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_per_type_and_any, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsubscribe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsubscribe_self_during_dispatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsubscribe_other_during_dispatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_emit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsubscribe_in_nested_emit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_subscribe_during_dispatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_error_payloads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_and_no_listeners, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter, setup, teardown),
	};

	return cmocka_run_group_tests_name("bus", tests, NULL, NULL);
}
