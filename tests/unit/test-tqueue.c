/* test-tqueue.c - src/core/tqueue.c: the queue between threads and its
 * pollable wake fd. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <poll.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "natter/tqueue.h"

#define PRODUCERS 6
#define PER_PRODUCER 20000

/* True when fd is readable right now. */
static bool
readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n = poll(&p, 1, 0);

	assert_true(n >= 0);
	return n == 1 && (p.revents & POLLIN) != 0;
}

/* Appends the item (a small integer) to a GArray of ints. */
static void
collect(void *item, void *arg)
{
	GArray *out = arg;
	int v = GPOINTER_TO_INT(item);

	g_array_append_val(out, v);
}

static void
test_fifo(void **state)
{
	struct tqueue *q = tqueue_new(NULL);
	GArray *out = g_array_new(FALSE, FALSE, sizeof(int));

	for (int i = 1; i <= 100; i++)
		tqueue_push(q, GINT_TO_POINTER(i));
	assert_int_equal(tqueue_drain(q, collect, out), 100);
	assert_int_equal(out->len, 100);
	for (int i = 0; i < 100; i++)
		assert_int_equal(g_array_index(out, int, i), i + 1);
	/* pop takes them one by one, in order, then NULL */
	tqueue_push(q, GINT_TO_POINTER(7));
	tqueue_push(q, GINT_TO_POINTER(8));
	assert_int_equal(GPOINTER_TO_INT(tqueue_pop(q)), 7);
	assert_int_equal(GPOINTER_TO_INT(tqueue_pop(q)), 8);
	assert_null(tqueue_pop(q));
	g_array_free(out, TRUE);
	tqueue_free(q);
}

static void
test_fd_wakes(void **state)
{
	struct tqueue *q = tqueue_new(NULL);
	GArray *out = g_array_new(FALSE, FALSE, sizeof(int));
	int fd = tqueue_fd(q);

	assert_true(fd >= 0);
	assert_false(readable(fd));
	tqueue_push(q, GINT_TO_POINTER(1));
	assert_true(readable(fd));
	tqueue_push(q, GINT_TO_POINTER(2));
	assert_true(readable(fd));
	assert_int_equal(tqueue_drain(q, collect, out), 2);
	assert_false(readable(fd));
	/* draining an empty queue is harmless and leaves the fd quiet */
	assert_int_equal(tqueue_drain(q, collect, out), 0);
	assert_false(readable(fd));
	/* and it wakes again */
	tqueue_push(q, GINT_TO_POINTER(3));
	assert_true(readable(fd));
	assert_int_equal(tqueue_drain(q, collect, out), 1);
	assert_false(readable(fd));
	assert_int_equal(out->len, 3);
	g_array_free(out, TRUE);
	tqueue_free(q);
}

/* Like collect, taking about 200 us an item. */
static void
collect_slowly(void *item, void *arg)
{
	int64_t end = g_get_monotonic_time() + 200;

	while (g_get_monotonic_time() < end)
		;
	collect(item, arg);
}

/* A drain stops at max items, or once its time budget is spent, and then
 * leaves the fd readable for the rest, in order. */
static void
test_drain_max_and_budget(void **state)
{
	struct tqueue *q = tqueue_new(NULL);
	GArray *out = g_array_new(FALSE, FALSE, sizeof(int));
	unsigned n;

	for (int i = 1; i <= 1000; i++)
		tqueue_push(q, GINT_TO_POINTER(i));
	assert_int_equal(tqueue_drain_max(q, collect, out, 10, 0), 10);
	assert_true(readable(tqueue_fd(q)));
	/* 1,000 items of 200 us are 200 ms: a 5 ms budget stops far sooner */
	n = tqueue_drain_max(q, collect_slowly, out, 1000, 5000);
	assert_true(n >= 16 && n < 200);
	assert_true(readable(tqueue_fd(q)));
	while (out->len < 1000)
		tqueue_drain_max(q, collect, out, 100, 0);
	assert_false(readable(tqueue_fd(q)));
	for (int i = 0; i < 1000; i++)
		assert_int_equal(g_array_index(out, int, i), i + 1);
	g_array_free(out, TRUE);
	tqueue_free(q);
}

/* Item pushed by a producer: who and which. */
struct item {
	int producer;
	int seq;
};

struct producer {
	struct tqueue *q;
	int index;
};

static gpointer
produce(gpointer arg)
{
	struct producer *p = arg;

	for (int i = 0; i < PER_PRODUCER; i++) {
		struct item *it = g_new(struct item, 1);
		it->producer = p->index;
		it->seq = i;
		tqueue_push(p->q, it);
		if (i % 1000 == 0)
			g_thread_yield();
	}
	return NULL;
}

struct consumer {
	int next[PRODUCERS]; /* the seq each producer's next item must have */
	int total;
	int bad;
};

static void
consume(void *item, void *arg)
{
	struct consumer *c = arg;
	struct item *it = item;

	if (it->producer < 0 || it->producer >= PRODUCERS || it->seq != c->next[it->producer])
		c->bad++;
	else
		c->next[it->producer]++;
	c->total++;
	g_free(it);
}

static void
test_threads(void **state)
{
	struct tqueue *q = tqueue_new(g_free);
	struct producer prod[PRODUCERS];
	GThread *threads[PRODUCERS];
	struct consumer c = { .total = 0 };
	int idle = 0;

	for (int i = 0; i < PRODUCERS; i++) {
		prod[i].q = q;
		prod[i].index = i;
		threads[i] = g_thread_new("producer", produce, &prod[i]);
	}
	/* drain through poll() only, as a loop would */
	while (c.total < PRODUCERS * PER_PRODUCER) {
		struct pollfd p = { .fd = tqueue_fd(q), .events = POLLIN };
		int n = poll(&p, 1, 5000);
		assert_true(n >= 0);
		if (n == 0) {
			/* the producers are long done: an item is stuck without a wake-up */
			if (++idle > 2)
				fail_msg("poll() stayed quiet with %d of %d items taken", c.total,
				    PRODUCERS * PER_PRODUCER);
			continue;
		}
		tqueue_drain(q, consume, &c);
	}
	for (int i = 0; i < PRODUCERS; i++)
		g_thread_join(threads[i]);
	/* none lost, none duplicated, each producer's items in its order */
	assert_int_equal(c.bad, 0);
	assert_int_equal(c.total, PRODUCERS * PER_PRODUCER);
	for (int i = 0; i < PRODUCERS; i++)
		assert_int_equal(c.next[i], PER_PRODUCER);
	assert_null(tqueue_pop(q));
	tqueue_drain(q, consume, &c);
	assert_false(readable(tqueue_fd(q)));
	assert_int_equal(c.total, PRODUCERS * PER_PRODUCER);
	tqueue_free(q);
}

static int freed;

static void
count_free(void *item)
{
	freed++;
	g_free(item);
}

static void
test_free_leftovers(void **state)
{
	struct tqueue *q = tqueue_new(count_free);

	freed = 0;
	for (int i = 0; i < 5; i++)
		tqueue_push(q, g_strdup_printf("item %d", i));
	g_free(tqueue_pop(q));
	tqueue_free(q);
	assert_int_equal(freed, 4);

	/* an empty queue frees nothing; NULL is ignored */
	freed = 0;
	q = tqueue_new(count_free);
	tqueue_free(q);
	assert_int_equal(freed, 0);
	tqueue_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_fd_wakes),
		cmocka_unit_test(test_drain_max_and_budget),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_free_leftovers),
	};

	return cmocka_run_group_tests_name("tqueue", tests, NULL, NULL);
}
