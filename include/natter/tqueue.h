/* tqueue.h - a queue between threads with a pollable wake fd.
 *
 * Any thread pushes; one consumer thread watches tqueue_fd() in its loop
 * and drains.  The fd is an eventfd: it is readable while items may be
 * waiting, and draining resets it.
 */
#ifndef NATTER_TQUEUE_H
#define NATTER_TQUEUE_H

#include <glib.h>

struct tqueue;

typedef void (*tqueue_free_fn)(void *item);
typedef void (*tqueue_each_fn)(void *item, void *arg);

/* free_item frees items still queued when the queue is freed. */
struct tqueue *tqueue_new(tqueue_free_fn free_item);
void tqueue_free(struct tqueue *q);

/* Append item (ownership passes to the queue) and wake the consumer. */
void tqueue_push(struct tqueue *q, void *item);
/* Push every item of items in order with one wake-up, and empty items
 * (ownership of the items passes). */
void tqueue_push_all(struct tqueue *q, GPtrArray *items);
/* Take the next item or NULL; ownership passes to the caller. */
void *tqueue_pop(struct tqueue *q);
/* Reset the wake fd, then hand every waiting item to fn (which owns it). */
unsigned tqueue_drain(struct tqueue *q, tqueue_each_fn fn, void *arg);
/* The same for at most max items, and (budget_us > 0) for about that
 * long; when more wait, the fd stays readable, so the consumer's loop
 * serves its other fds (keys) before the rest. */
unsigned tqueue_drain_max(struct tqueue *q, tqueue_each_fn fn, void *arg, unsigned max,
    int64_t budget_us);
int tqueue_fd(const struct tqueue *q);

#endif
