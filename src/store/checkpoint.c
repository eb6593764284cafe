/* checkpoint.c - the store's WAL checkpoints, on a thread of their own.
 *
 * A checkpoint copies the pages committed to the write-ahead log back
 * into the database file and syncs it: tens of milliseconds after a
 * burst of writes, which SQLite would otherwise spend inside the commit
 * of whichever loop pass crossed the threshold (a stall of the UI in
 * the middle of an archive catch-up).  Here the main connection has
 * automatic checkpoints off, its commit hook kicks this thread when the
 * log has grown, and the thread checkpoints (PASSIVE: never waiting for,
 * nor blocking, the main thread) on a connection of its own.  An idle
 * natter never wakes it.
 */
#include "config.h"

#include <glib.h>
#include <sqlite3.h>

#include "store-priv.h"

/* Kick the thread when the log holds this many pages (4 MiB). */
#define CHECKPOINT_FRAMES 1000

static GThread *thread;
static GMutex lock;
static GCond cond;
static bool kicked, stopping;

/* The thread: checkpoint on each kick until told to stop; it owns its
 * connection (path is freed here). */
static gpointer
checkpoint_run(gpointer arg)
{
	char *path = arg;
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		g_warning("store: checkpoints: %s", db != NULL ? sqlite3_errmsg(db) : path);
		sqlite3_close(db);
		db = NULL;
	} else {
		sqlite3_busy_timeout(db, 100);
		sqlite3_exec(db, "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -64;",
		    NULL, NULL, NULL);
	}
	g_free(path);
	g_mutex_lock(&lock);
	for (;;) {
		while (!kicked && !stopping)
			g_cond_wait(&cond, &lock);
		if (stopping)
			break;
		kicked = false;
		g_mutex_unlock(&lock);
		if (db != NULL)
			sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		g_mutex_lock(&lock);
	}
	g_mutex_unlock(&lock);
	sqlite3_close(db);
	return NULL;
}

/* The main connection's commit hook: kick the thread when the log is
 * long enough. */
static int
checkpoint_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	if (frames >= CHECKPOINT_FRAMES) {
		g_mutex_lock(&lock);
		kicked = true;
		g_cond_signal(&cond);
		g_mutex_unlock(&lock);
	}
	return SQLITE_OK;
}

void
checkpoint_start(sqlite3 *db, const char *path)
{
	if (thread != NULL)
		return;
	kicked = stopping = false;
	thread = g_thread_try_new("natter-checkpoint", checkpoint_run, g_strdup(path), NULL);
	if (thread == NULL)
		return; /* SQLite's own automatic checkpoints stay on */
	sqlite3_wal_hook(db, checkpoint_hook, NULL);
}

void
checkpoint_stop(sqlite3 *db)
{
	if (thread == NULL)
		return;
	sqlite3_wal_hook(db, NULL, NULL);
	g_mutex_lock(&lock);
	stopping = true;
	g_cond_signal(&cond);
	g_mutex_unlock(&lock);
	g_thread_join(thread);
	thread = NULL;
}
