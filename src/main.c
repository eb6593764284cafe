/* main.c - arguments, start-up and shutdown. */
#include "config.h"

#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "natter/account.h"
#include "natter/app.h"
#include "natter/bus.h"
#include "natter/cmd.h"
#include "natter/headless.h"
#include "natter/log.h"
#include "natter/loop.h"
#include "natter/capture.h"
#include "natter/muc.h"
#include "natter/roster.h"
#include "natter/store.h"
#include "natter/ui.h"
#include "natter/xmpp.h"

static void
main_usage(FILE *out)
{
	fprintf(out,
	    "usage: natter [-a ACCOUNT] [-c FILE] [--headless] [--version] [--help]\n"
	    "\n"
	    "  -a, --account NAME  connect account NAME at start (may be repeated)\n"
	    "  -c, --config FILE   read FILE instead of $XDG_CONFIG_HOME/natter/natterrc\n"
	    "      --headless      commands on stdin, events as JSON lines on stdout\n"
	    "      --version       print the version and exit\n"
	    "      --help          print this help and exit\n"
	    "\n"
	    "The config file is a script of natter commands, one per line (see natter(1)\n"
	    "and /help).  Data is kept in $XDG_DATA_HOME/natter/.\n");
}

/* The first signal asks to quit politely; a second one ends at once. */
static void
main_on_signal(void *unused)
{
	if (app.quitting) {
		if (app.headless)
			headless_flush();
		else
			ui_stop();
		_exit(1);
	}
	cmd_run("/quit", NULL, 0);
}

/* End of every loop pass: commit the store, write out, maybe stop. */
static unsigned store_timer; /* the store's commit is due (store_pass_end) */

/* The store's deferred commit is due. */
static void
main_store_due(void *unused)
{
	store_timer = 0;
	store_flush();
}

static void
main_pass(void *unused)
{
	int64_t t0 = g_get_monotonic_time(), t1, t2;
	int due = store_pass_end();

	/* a one-shot timer while a commit waits: an idle natter has none */
	if (due > 0 && store_timer == 0) {
		store_timer = loop_timer_add(app.loop, (uint64_t)due, main_store_due, NULL);
	} else if (due == 0 && store_timer != 0) {
		loop_timer_cancel(app.loop, store_timer);
		store_timer = 0;
	}
	t1 = g_get_monotonic_time();
	if (app.headless)
		headless_flush();
	else
		ui_flush();
	t2 = g_get_monotonic_time();
	/* what keeps keys waiting, for the debug log */
	if (t2 - t0 > 30000)
		log_msg(NULL, "slow pass end: store %" G_GINT64_FORMAT " ms, front end %"
		    G_GINT64_FORMAT " ms", (t1 - t0) / 1000, (t2 - t1) / 1000);
	if (app.quitting && session_count() == 0)
		loop_quit(app.loop);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'a' },
		{ "config", required_argument, NULL, 'c' },
		{ "headless", no_argument, NULL, 'H' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	GPtrArray *connect = g_ptr_array_new();
	const char *config = NULL;
	char *data_dir, *err = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "a:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			g_ptr_array_add(connect, optarg);
			break;
		case 'c':
			config = optarg;
			break;
		case 'H':
			app.headless = true;
			break;
		case 'V':
			printf("natter %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			main_usage(stdout);
			return 0;
		default:
			main_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "natter: unexpected argument '%s'\n", argv[optind]);
		main_usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	/* One malloc arena for every thread: a session thread's allocations are
	 * mostly freed by the main thread (events), and a second arena kept
	 * 0.4 MB of fragments of them after a 5,000-contact login; the two
	 * threads seldom allocate at the same moment. */
	mallopt(M_ARENA_MAX, 1);
	app.loop = loop_new();
	loop_signal(app.loop, SIGINT, main_on_signal, NULL);
	loop_signal(app.loop, SIGTERM, main_on_signal, NULL);
	loop_signal(app.loop, SIGHUP, main_on_signal, NULL);
	loop_set_pass_hook(app.loop, main_pass, NULL);

	account_init();
	roster_init(); /* before the store: the store reads the roster it updates */
	muc_init();    /* the models first: front ends read them on each event */
	capture_init();
	session_init(app.loop);
	if (app.headless) {
		headless_start(app.loop);
	} else {
		ui_register_commands();
		if (ui_start(app.loop) != 0)
			return 1;
	}

	data_dir = g_build_filename(g_get_user_data_dir(), "natter", NULL);
	app.data_dir = data_dir;
	if (store_open(data_dir, &err) != 0) {
		bus_error(NULL, "store", "history and pins are not kept: %s", err);
		g_free(err);
	}

	if (config != NULL) {
		cmd_config_load(config, true);
	} else {
		char *path = g_build_filename(g_get_user_config_dir(), "natter", "natterrc", NULL);
		cmd_config_load(path, false);
		g_free(path);
	}

	for (size_t i = 0; i < account_count(); i++) {
		struct account *acc = account_nth(i);
		if (acc->autoconnect && acc->state == ACC_OFFLINE)
			session_connect(acc);
	}
	for (guint i = 0; i < connect->len; i++) {
		const char *name = g_ptr_array_index(connect, i);
		struct account *acc = account_find(name);
		if (acc == NULL)
			bus_error(NULL, "connect", "no account named '%s' (-a): add it to the config "
			    "with /account add %s JID", name, name);
		else if (acc->state == ACC_OFFLINE)
			session_connect(acc);
	}
	g_ptr_array_free(connect, TRUE);

	main_pass(NULL);
	loop_run(app.loop);

	session_shutdown(2000);
	store_close();
	if (app.headless)
		headless_stop();
	else
		ui_stop();
	bus_reset();
	muc_free_all(NULL);
	capture_free_all();
	account_free_all();
	loop_free(app.loop);
	log_close();
	g_free(data_dir);
	return 0;
}
