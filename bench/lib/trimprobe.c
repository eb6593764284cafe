/* trimprobe.c - an LD_PRELOAD for memory experiments on natter (never
 * linked into it): a thread waits on the FIFO named by $TRIMPROBE_FIFO
 * and, for every byte written to it, calls malloc_trim(0) once, which
 * hands the free pages inside every malloc arena back to the kernel.  The
 * difference in VmRSS before and after shows how much of the resident
 * memory is free memory that malloc kept.
 *
 *   cc -shared -fPIC -O2 -o trimprobe.so trimprobe.c -lpthread
 *   TRIMPROBE_FIFO=/tmp/f LD_PRELOAD=./trimprobe.so natter ...
 *   echo > /tmp/f
 */
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void *
trimprobe_thread(void *arg)
{
	const char *path = arg;
	char c;

	for (;;) {
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			return NULL;
		while (read(fd, &c, 1) == 1)
			malloc_trim(0);
		close(fd);
	}
	return NULL;
}

__attribute__((constructor)) static void
trimprobe_init(void)
{
	const char *path = getenv("TRIMPROBE_FIFO");
	pthread_t t;
	sigset_t all, old;

	if (path == NULL || *path == '\0')
		return;
	/* the program's signals stay with the program's threads */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&t, NULL, trimprobe_thread, (void *)path) == 0)
		pthread_detach(t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}
