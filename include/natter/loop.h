/* loop.h - one poll() loop: file descriptors, one-shot timers, signals.
 *
 * A loop belongs to one thread.  The main thread runs one (stdin, the
 * signal self-pipe, a wake fd per session, natter's timers) and every
 * session thread runs its own (its socket and its command queue).  poll()
 * sleeps until an fd is ready or the nearest timer is due; with no timer
 * the timeout is infinite, so an idle loop costs nothing.
 */
#ifndef NATTER_LOOP_H
#define NATTER_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop;

typedef void (*loop_fd_fn)(int fd, short revents, void *arg);
typedef void (*loop_timer_fn)(void *arg);
typedef void (*loop_hook_fn)(void *arg);

struct loop *loop_new(void);
void loop_free(struct loop *loop);

/* Watch fd for events (POLLIN, POLLOUT); replaces an earlier watch of fd. */
void loop_fd_add(struct loop *loop, int fd, short events, loop_fd_fn fn, void *arg);
/* Change the events watched on fd. */
void loop_fd_events(struct loop *loop, int fd, short events);
void loop_fd_remove(struct loop *loop, int fd);

/* Call fn once after ms milliseconds; returns a nonzero id for loop_timer_cancel. */
unsigned loop_timer_add(struct loop *loop, uint64_t ms, loop_timer_fn fn, void *arg);
/* Cancel a pending timer; a stale or zero id is ignored. */
void loop_timer_cancel(struct loop *loop, unsigned id);

/* Called after every pass (all ready fds and due timers handled). */
void loop_set_pass_hook(struct loop *loop, loop_hook_fn fn, void *arg);

/* Route signo to fn on this loop's thread through a self-pipe. */
void loop_signal(struct loop *loop, int signo, loop_hook_fn fn, void *arg);

/* One pass: wait (at most max_ms, or forever when negative) then dispatch. */
void loop_once(struct loop *loop, int max_ms);
/* Run passes until loop_quit. */
void loop_run(struct loop *loop);
void loop_quit(struct loop *loop);
bool loop_quitting(const struct loop *loop);

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t loop_now_ms(void);

#endif
