/* test-loop.c - src/core/loop.c: the poll() loop's fds, timers, pass hook
 * and signals. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>

#include "natter/loop.h"

static struct loop *loop;
static GString *trace; /* callbacks append "name " */

static int
setup(void **state)
{
	loop = loop_new();
	trace = g_string_new(NULL);
	/* a loop that never returns fails the test instead of hanging it */
	alarm(20);
	return 0;
}

static int
teardown(void **state)
{
	alarm(0);
	loop_free(loop);
	loop = NULL;
	g_string_free(trace, TRUE);
	return 0;
}

/* Run passes until cond() holds or ms have passed; returns the passes run. */
static int
run_until(bool (*cond)(void), uint64_t ms)
{
	uint64_t end = loop_now_ms() + ms;
	int passes = 0;

	while (!cond() && loop_now_ms() < end) {
		loop_once(loop, 10);
		passes++;
	}
	return passes;
}

static void
mark(void *arg)
{
	g_string_append_printf(trace, "%s ", (const char *)arg);
}

static int fired;

static void
count(void *arg)
{
	fired++;
	mark(arg);
}

static bool
three_fired(void)
{
	return fired >= 3;
}

static void
test_timers_in_due_order(void **state)
{
	fired = 0;
	assert_int_not_equal(loop_timer_add(loop, 60, count, "60"), 0);
	loop_timer_add(loop, 20, count, "20");
	loop_timer_add(loop, 40, count, "40");
	run_until(three_fired, 2000);
	assert_string_equal(trace->str, "20 40 60 ");
}

static void
test_timers_same_due_in_added_order(void **state)
{
	fired = 0;
	loop_timer_add(loop, 0, count, "a");
	loop_timer_add(loop, 0, count, "b");
	loop_timer_add(loop, 0, count, "c");
	loop_once(loop, 0);
	assert_string_equal(trace->str, "a b c ");
}

static void
test_timer_not_early(void **state)
{
	uint64_t start = loop_now_ms();

	fired = 0;
	loop_timer_add(loop, 50, count, "t");
	/* a blocking pass waits for the timer, then fires it */
	while (fired == 0)
		loop_once(loop, -1);
	assert_true(loop_now_ms() - start >= 50);
	assert_true(loop_now_ms() - start < 2000);
}

static void
test_cancel(void **state)
{
	unsigned a, b;

	fired = 0;
	a = loop_timer_add(loop, 5, count, "a");
	b = loop_timer_add(loop, 5, count, "b");
	assert_int_not_equal(a, b);
	loop_timer_cancel(loop, b);
	g_usleep(20000);
	loop_once(loop, 0);
	loop_once(loop, 0);
	assert_string_equal(trace->str, "a ");
	/* stale and zero ids are ignored */
	loop_timer_cancel(loop, a);
	loop_timer_cancel(loop, b);
	loop_timer_cancel(loop, 0);
	loop_timer_cancel(loop, 12345);
	/* a cancelled timer does not shorten the wait either */
	b = loop_timer_add(loop, 1, count, "c");
	loop_timer_cancel(loop, b);
	{
		uint64_t start = loop_now_ms();
		loop_once(loop, 60);
		assert_true(loop_now_ms() - start >= 50);
	}
	assert_string_equal(trace->str, "a ");
}

static unsigned victim;

static void
cancel_victim(void *arg)
{
	mark(arg);
	loop_timer_cancel(loop, victim);
}

static void
test_cancel_from_callback(void **state)
{
	/* both due in the same pass; the first cancels the second */
	loop_timer_add(loop, 0, cancel_victim, "killer");
	victim = loop_timer_add(loop, 0, mark, "victim");
	loop_timer_add(loop, 0, mark, "after");
	loop_once(loop, 0);
	loop_once(loop, 0);
	assert_string_equal(trace->str, "killer after ");
}

static void
cancel_self(void *arg)
{
	mark(arg);
	loop_timer_cancel(loop, victim); /* its own, already fired id */
}

static void
test_cancel_self_from_callback(void **state)
{
	victim = loop_timer_add(loop, 0, cancel_self, "self");
	loop_timer_add(loop, 0, mark, "next");
	loop_once(loop, 0);
	assert_string_equal(trace->str, "self next ");
}

static void
add_in_callback(void *arg)
{
	mark(arg);
	loop_timer_add(loop, 0, mark, "zero");
	loop_timer_add(loop, 1000, mark, "later");
}

static void
test_timer_added_in_callback(void **state)
{
	loop_timer_add(loop, 0, add_in_callback, "first");
	loop_once(loop, 0);
	/* neither new timer fires in the pass that added them */
	assert_string_equal(trace->str, "first ");
	loop_once(loop, 0);
	assert_string_equal(trace->str, "first zero ");
	loop_once(loop, 0);
	assert_string_equal(trace->str, "first zero ");
}

static int rearms;

static void
rearm(void *arg)
{
	rearms++;
	loop_timer_add(loop, 0, rearm, arg);
}

static void
test_rearming_timer_one_per_pass(void **state)
{
	rearms = 0;
	loop_timer_add(loop, 0, rearm, NULL);
	for (int i = 0; i < 5; i++)
		loop_once(loop, 0);
	assert_int_equal(rearms, 5);
}

static int pipe_calls;
static short pipe_revents;

static void
on_readable(int fd, short revents, void *arg)
{
	char buf[16];

	pipe_calls++;
	pipe_revents = revents;
	mark(arg);
	if (revents & POLLIN)
		assert_true(read(fd, buf, sizeof buf) > 0);
}

static void
test_fd_pipe(void **state)
{
	int p[2];

	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	pipe_calls = 0;
	loop_fd_add(loop, p[0], POLLIN, on_readable, "r");
	loop_once(loop, 0);
	assert_int_equal(pipe_calls, 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	loop_once(loop, 1000);
	assert_int_equal(pipe_calls, 1);
	assert_true(pipe_revents & POLLIN);
	/* drained: quiet again */
	loop_once(loop, 0);
	assert_int_equal(pipe_calls, 1);
	/* POLLOUT on the write end */
	loop_fd_add(loop, p[1], POLLOUT, on_readable, "w");
	loop_once(loop, 0);
	assert_string_equal(trace->str, "r w ");
	/* loop_fd_events turns it off */
	loop_fd_events(loop, p[1], 0);
	loop_once(loop, 0);
	assert_string_equal(trace->str, "r w ");
	/* adding the same fd again replaces the watch */
	loop_fd_add(loop, p[0], POLLIN, on_readable, "r2");
	assert_int_equal(write(p[1], "y", 1), 1);
	loop_once(loop, 1000);
	assert_string_equal(trace->str, "r w r2 ");
	/* removed: not called */
	loop_fd_remove(loop, p[0]);
	assert_int_equal(write(p[1], "z", 1), 1);
	loop_once(loop, 0);
	assert_string_equal(trace->str, "r w r2 ");
	close(p[0]);
	close(p[1]);
}

static int pa[2], pb[2];

static void
remove_other(int fd, short revents, void *arg)
{
	char c;

	mark(arg);
	assert_int_equal(read(fd, &c, 1), 1);
	loop_fd_remove(loop, pb[0]);
}

static void
remove_self(int fd, short revents, void *arg)
{
	char c;

	mark(arg);
	assert_int_equal(read(fd, &c, 1), 1);
	loop_fd_remove(loop, fd);
}

static void
test_fd_remove_during_dispatch(void **state)
{
	assert_int_equal(pipe2(pa, O_NONBLOCK), 0);
	assert_int_equal(pipe2(pb, O_NONBLOCK), 0);
	loop_fd_add(loop, pa[0], POLLIN, remove_other, "a");
	loop_fd_add(loop, pb[0], POLLIN, on_readable, "b");
	assert_int_equal(write(pa[1], "x", 1), 1);
	assert_int_equal(write(pb[1], "x", 1), 1);
	loop_once(loop, 1000);
	/* b was ready in the same poll() but removed before its turn */
	assert_string_equal(trace->str, "a ");
	loop_once(loop, 0);
	assert_string_equal(trace->str, "a ");

	/* a callback that removes its own fd; the fd can be added again */
	loop_fd_add(loop, pa[0], POLLIN, remove_self, "self");
	assert_int_equal(write(pa[1], "x", 1), 1);
	assert_int_equal(write(pa[1], "x", 1), 1);
	loop_once(loop, 1000);
	loop_once(loop, 0);
	assert_string_equal(trace->str, "a self ");
	loop_fd_add(loop, pa[0], POLLIN, remove_self, "again");
	loop_once(loop, 0);
	assert_string_equal(trace->str, "a self again ");
	for (int i = 0; i < 2; i++) {
		close(pa[i]);
		close(pb[i]);
	}
}

static void
test_once_returns_when_idle(void **state)
{
	uint64_t start = loop_now_ms();

	loop_once(loop, 0);
	assert_true(loop_now_ms() - start < 500);
	start = loop_now_ms();
	loop_once(loop, 50);
	assert_true(loop_now_ms() - start >= 45);
	assert_true(loop_now_ms() - start < 2000);
	/* max_ms caps the wait for a far timer */
	loop_timer_add(loop, 100000, mark, "far");
	start = loop_now_ms();
	loop_once(loop, 20);
	assert_true(loop_now_ms() - start < 2000);
	assert_string_equal(trace->str, "");
}

static int passes;

static void
on_pass(void *arg)
{
	passes++;
}

static void
test_pass_hook(void **state)
{
	int p[2];

	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	passes = 0;
	loop_set_pass_hook(loop, on_pass, NULL);
	loop_once(loop, 0);
	assert_int_equal(passes, 1);
	/* one pass with a ready fd and two due timers is still one call */
	loop_fd_add(loop, p[0], POLLIN, on_readable, "fd");
	assert_int_equal(write(p[1], "x", 1), 1);
	loop_timer_add(loop, 0, mark, "t1");
	loop_timer_add(loop, 0, mark, "t2");
	loop_once(loop, 1000);
	assert_int_equal(passes, 2);
	assert_string_equal(trace->str, "fd t1 t2 ");
	loop_set_pass_hook(loop, NULL, NULL);
	loop_once(loop, 0);
	assert_int_equal(passes, 2);
	loop_fd_remove(loop, p[0]);
	close(p[0]);
	close(p[1]);
}

static int usr1;

static void
on_usr1(void *arg)
{
	usr1++;
	mark(arg);
}

static void
test_signal(void **state)
{
	usr1 = 0;
	loop_signal(loop, SIGUSR1, on_usr1, "usr1");
	assert_int_equal(raise(SIGUSR1), 0);
	/* the handler only writes the pipe: fn runs in the loop */
	assert_int_equal(usr1, 0);
	loop_once(loop, 1000);
	assert_int_equal(usr1, 1);
	loop_once(loop, 0);
	assert_int_equal(usr1, 1);
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(raise(SIGUSR1), 0);
	loop_once(loop, 1000);
	assert_int_equal(usr1, 3);
	assert_string_equal(trace->str, "usr1 usr1 usr1 ");
}

static void
quit_cb(void *arg)
{
	mark(arg);
	loop_quit(loop);
}

static void
test_run_and_quit(void **state)
{
	assert_false(loop_quitting(loop));
	loop_timer_add(loop, 10, mark, "a");
	loop_timer_add(loop, 30, quit_cb, "quit");
	loop_timer_add(loop, 5000, mark, "never");
	loop_run(loop);
	assert_true(loop_quitting(loop));
	assert_string_equal(trace->str, "a quit ");
}

static void
test_now_monotonic(void **state)
{
	uint64_t a = loop_now_ms();

	g_usleep(20000);
	assert_true(loop_now_ms() >= a + 15);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_timers_in_due_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timers_same_due_in_added_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_not_early, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_from_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_self_from_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_added_in_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rearming_timer_one_per_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_pipe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_remove_during_dispatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_once_returns_when_idle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pass_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_and_quit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_now_monotonic, setup, teardown),
	};

	return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
