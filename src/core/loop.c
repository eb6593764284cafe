/* loop.c - the poll() loop: fds, one-shot timers and signals. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "natter/loop.h"

struct loop_fd {
	int fd;
	short events;
	loop_fd_fn fn;
	void *arg;
	bool dead;
};

struct loop_timer {
	unsigned id;
	uint64_t due;
	loop_timer_fn fn;
	void *arg;
};

struct loop_sig {
	int signo;
	loop_hook_fn fn;
	void *arg;
};

struct loop {
	GPtrArray *fds;      /* struct loop_fd */
	GSequence *timers;   /* struct loop_timer, sorted by due then id */
	GHashTable *timer_ids; /* id -> GSequenceIter */
	unsigned next_id;
	loop_hook_fn pass_fn;
	void *pass_arg;
	GArray *sigs;        /* struct loop_sig */
	int sig_pipe[2];
	bool quit;
	bool dispatching;
};

/* The loop that owns the signal pipe (signals go to one loop). */
static struct loop *signal_loop;

uint64_t
loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
loop_timer_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
	const struct loop_timer *ta = a, *tb = b;

	if (ta->due != tb->due)
		return ta->due < tb->due ? -1 : 1;
	return ta->id < tb->id ? -1 : ta->id > tb->id;
}

struct loop *
loop_new(void)
{
	struct loop *loop = g_new0(struct loop, 1);

	loop->fds = g_ptr_array_new_with_free_func(g_free);
	loop->timers = g_sequence_new(g_free);
	loop->timer_ids = g_hash_table_new(g_direct_hash, g_direct_equal);
	loop->sigs = g_array_new(FALSE, TRUE, sizeof(struct loop_sig));
	loop->sig_pipe[0] = loop->sig_pipe[1] = -1;
	loop->next_id = 1;
	return loop;
}

void
loop_free(struct loop *loop)
{
	if (loop == NULL)
		return;
	if (signal_loop == loop)
		signal_loop = NULL;
	if (loop->sig_pipe[0] != -1) {
		close(loop->sig_pipe[0]);
		close(loop->sig_pipe[1]);
	}
	g_ptr_array_free(loop->fds, TRUE);
	g_sequence_free(loop->timers);
	g_hash_table_destroy(loop->timer_ids);
	g_array_free(loop->sigs, TRUE);
	g_free(loop);
}

static struct loop_fd *
loop_fd_find(struct loop *loop, int fd)
{
	for (guint i = 0; i < loop->fds->len; i++) {
		struct loop_fd *lf = g_ptr_array_index(loop->fds, i);
		if (lf->fd == fd && !lf->dead)
			return lf;
	}
	return NULL;
}

void
loop_fd_add(struct loop *loop, int fd, short events, loop_fd_fn fn, void *arg)
{
	struct loop_fd *lf = loop_fd_find(loop, fd);

	if (lf == NULL) {
		lf = g_new0(struct loop_fd, 1);
		g_ptr_array_add(loop->fds, lf);
	}
	lf->fd = fd;
	lf->events = events;
	lf->fn = fn;
	lf->arg = arg;
}

void
loop_fd_events(struct loop *loop, int fd, short events)
{
	struct loop_fd *lf = loop_fd_find(loop, fd);

	if (lf != NULL)
		lf->events = events;
}

/* Removing during dispatch only marks the entry; loop_sweep frees it. */
void
loop_fd_remove(struct loop *loop, int fd)
{
	for (guint i = 0; i < loop->fds->len; i++) {
		struct loop_fd *lf = g_ptr_array_index(loop->fds, i);
		if (lf->fd != fd || lf->dead)
			continue;
		if (loop->dispatching)
			lf->dead = true;
		else
			g_ptr_array_remove_index(loop->fds, i);
		return;
	}
}

static void
loop_sweep(struct loop *loop)
{
	for (guint i = loop->fds->len; i-- > 0;) {
		struct loop_fd *lf = g_ptr_array_index(loop->fds, i);
		if (lf->dead)
			g_ptr_array_remove_index(loop->fds, i);
	}
}

unsigned
loop_timer_add(struct loop *loop, uint64_t ms, loop_timer_fn fn, void *arg)
{
	struct loop_timer *t = g_new0(struct loop_timer, 1);
	GSequenceIter *it;

	t->id = loop->next_id++;
	if (loop->next_id == 0)
		loop->next_id = 1;
	t->due = loop_now_ms() + ms;
	t->fn = fn;
	t->arg = arg;
	it = g_sequence_insert_sorted(loop->timers, t, loop_timer_cmp, NULL);
	g_hash_table_insert(loop->timer_ids, GUINT_TO_POINTER(t->id), it);
	return t->id;
}

void
loop_timer_cancel(struct loop *loop, unsigned id)
{
	GSequenceIter *it;

	if (id == 0)
		return;
	it = g_hash_table_lookup(loop->timer_ids, GUINT_TO_POINTER(id));
	if (it == NULL)
		return;
	g_hash_table_remove(loop->timer_ids, GUINT_TO_POINTER(id));
	g_sequence_remove(it);
}

void
loop_set_pass_hook(struct loop *loop, loop_hook_fn fn, void *arg)
{
	loop->pass_fn = fn;
	loop->pass_arg = arg;
}

static void
loop_sig_handler(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	if (signal_loop != NULL && write(signal_loop->sig_pipe[1], &b, 1) < 0) {
		/* the pipe is full: the signal is already pending */
	}
	errno = saved;
}

static void
loop_sig_read(int fd, short revents, void *arg)
{
	struct loop *loop = arg;
	unsigned char buf[64];
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			for (guint j = 0; j < loop->sigs->len; j++) {
				struct loop_sig *s = &g_array_index(loop->sigs, struct loop_sig, j);
				if (s->signo == buf[i])
					s->fn(s->arg);
			}
		}
	}
}

void
loop_signal(struct loop *loop, int signo, loop_hook_fn fn, void *arg)
{
	struct loop_sig s = { signo, fn, arg };
	struct sigaction sa;

	if (loop->sig_pipe[0] == -1) {
		if (pipe2(loop->sig_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
			g_error("pipe2: %s", g_strerror(errno));
		loop_fd_add(loop, loop->sig_pipe[0], POLLIN, loop_sig_read, loop);
		signal_loop = loop;
	}
	g_array_append_val(loop->sigs, s);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = loop_sig_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(signo, &sa, NULL);
}

/* Run every timer that is due; a timer added meanwhile waits for its turn. */
static void
loop_fire_timers(struct loop *loop)
{
	uint64_t now = loop_now_ms();
	unsigned last = loop->next_id;

	for (;;) {
		GSequenceIter *it = g_sequence_get_begin_iter(loop->timers);
		struct loop_timer *t;
		loop_timer_fn fn;
		void *arg;

		if (g_sequence_iter_is_end(it))
			break;
		t = g_sequence_get(it);
		if (t->due > now || t->id >= last)
			break;
		fn = t->fn;
		arg = t->arg;
		g_hash_table_remove(loop->timer_ids, GUINT_TO_POINTER(t->id));
		g_sequence_remove(it);
		fn(arg);
	}
}

void
loop_once(struct loop *loop, int max_ms)
{
	struct pollfd *pfds;
	struct loop_fd **owners;
	guint n = 0;
	int timeout = max_ms;
	GSequenceIter *first = g_sequence_get_begin_iter(loop->timers);
	int ready;

	if (!g_sequence_iter_is_end(first)) {
		struct loop_timer *t = g_sequence_get(first);
		uint64_t now = loop_now_ms();
		int wait = t->due <= now ? 0 : (int)MIN(t->due - now, (uint64_t)INT32_MAX);
		if (timeout < 0 || wait < timeout)
			timeout = wait;
	}

	pfds = g_newa(struct pollfd, loop->fds->len + 1);
	owners = g_newa(struct loop_fd *, loop->fds->len + 1);
	for (guint i = 0; i < loop->fds->len; i++) {
		struct loop_fd *lf = g_ptr_array_index(loop->fds, i);
		if (lf->dead)
			continue;
		pfds[n].fd = lf->fd;
		pfds[n].events = lf->events;
		pfds[n].revents = 0;
		owners[n++] = lf;
	}

	ready = poll(pfds, n, timeout);
	if (ready < 0 && errno != EINTR)
		g_error("poll: %s", g_strerror(errno));

	loop->dispatching = true;
	for (guint i = 0; ready > 0 && i < n; i++) {
		if (pfds[i].revents == 0 || owners[i]->dead)
			continue;
		owners[i]->fn(pfds[i].fd, pfds[i].revents, owners[i]->arg);
	}
	loop_fire_timers(loop);
	loop->dispatching = false;
	loop_sweep(loop);

	if (loop->pass_fn != NULL)
		loop->pass_fn(loop->pass_arg);
}

void
loop_run(struct loop *loop)
{
	loop->quit = false;
	while (!loop->quit)
		loop_once(loop, -1);
}

void
loop_quit(struct loop *loop)
{
	loop->quit = true;
}

bool
loop_quitting(const struct loop *loop)
{
	return loop->quit;
}
