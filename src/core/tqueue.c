/* tqueue.c - GAsyncQueue plus an eventfd, so a poll() loop can wait on it. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <glib.h>

#include "natter/tqueue.h"

struct tqueue {
	GAsyncQueue *q;
	int fd;
	tqueue_free_fn free_item;
};

struct tqueue *
tqueue_new(tqueue_free_fn free_item)
{
	struct tqueue *q = g_new0(struct tqueue, 1);

	q->q = g_async_queue_new();
	q->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->fd < 0)
		g_error("eventfd: %s", g_strerror(errno));
	q->free_item = free_item;
	return q;
}

void
tqueue_free(struct tqueue *q)
{
	void *item;

	if (q == NULL)
		return;
	while ((item = g_async_queue_try_pop(q->q)) != NULL) {
		if (q->free_item != NULL)
			q->free_item(item);
	}
	g_async_queue_unref(q->q);
	close(q->fd);
	g_free(q);
}

void
tqueue_push(struct tqueue *q, void *item)
{
	uint64_t one = 1;

	g_async_queue_push(q->q, item);
	/* Only fails when the counter would overflow: it is nonzero then. */
	if (write(q->fd, &one, sizeof one) < 0 && errno != EAGAIN)
		g_warning("tqueue: eventfd write: %s", g_strerror(errno));
}

void
tqueue_push_all(struct tqueue *q, GPtrArray *items)
{
	uint64_t one = 1;

	if (items->len == 0)
		return;
	g_async_queue_lock(q->q);
	for (guint i = 0; i < items->len; i++)
		g_async_queue_push_unlocked(q->q, g_ptr_array_index(items, i));
	g_async_queue_unlock(q->q);
	g_ptr_array_set_size(items, 0);
	if (write(q->fd, &one, sizeof one) < 0 && errno != EAGAIN)
		g_warning("tqueue: eventfd write: %s", g_strerror(errno));
}

void *
tqueue_pop(struct tqueue *q)
{
	return g_async_queue_try_pop(q->q);
}

/* The fd is reset before draining, so an item pushed while we drain
 * either is taken now or leaves the fd readable for the next pass. */
unsigned
tqueue_drain(struct tqueue *q, tqueue_each_fn fn, void *arg)
{
	uint64_t count;
	void *item;
	unsigned n = 0;

	if (read(q->fd, &count, sizeof count) < 0 && errno != EAGAIN)
		g_warning("tqueue: eventfd read: %s", g_strerror(errno));
	while ((item = g_async_queue_try_pop(q->q)) != NULL) {
		fn(item, arg);
		n++;
	}
	return n;
}

unsigned
tqueue_drain_max(struct tqueue *q, tqueue_each_fn fn, void *arg, unsigned max,
    int64_t budget_us)
{
	uint64_t count;
	void *item;
	unsigned n = 0;
	int64_t end = budget_us > 0 ? g_get_monotonic_time() + budget_us : 0;

	if (read(q->fd, &count, sizeof count) < 0 && errno != EAGAIN)
		g_warning("tqueue: eventfd read: %s", g_strerror(errno));
	while (n < max && (item = g_async_queue_try_pop(q->q)) != NULL) {
		fn(item, arg);
		n++;
		/* the clock is read every 16 items: it is not free either */
		if (end != 0 && n % 16 == 0 && g_get_monotonic_time() >= end)
			max = n;
	}
	if (n == max && g_async_queue_length(q->q) > 0) {
		uint64_t one = 1;
		if (write(q->fd, &one, sizeof one) < 0 && errno != EAGAIN)
			g_warning("tqueue: eventfd write: %s", g_strerror(errno));
	}
	return n;
}

int
tqueue_fd(const struct tqueue *q)
{
	return q->fd;
}
