/* checkpoint.c - the store's WAL checkpoints, on a thread of their own.
 *
 * A checkpoint copies the pages committed to the write-ahead log back
 * into the database file and syncs it: tens of milliseconds after a
 * burst of writes, which SQLite would otherwise spend inside the commit
 * of whichever loop pass crossed the threshold (a stall of the UI in
 * the middle of an archive catch-up).  Here the main connection has
 * automatic checkpoints off, its commit hook kicks this thread when the
 * log has grown (starting it the first time), and the thread checkpoints
 * (PASSIVE: never waiting for, nor blocking, the main thread) on a
 * connection of its own.  An idle natter never wakes it, and one that
 * writes little never starts it.
 */
#include "config.h"

#include <glib.h>
#include <sqlite3.h>

#include "store-priv.h"

/* Kick the thread when the log holds this many pages (4 MiB). */
#define CHECKPOINT_FRAMES 1000
/* The log starts again from its beginning only when a write finds it all
 * copied back, which a thread always a pass behind never lets happen in a
 * long burst: at this many pages (64 MiB of disk) the commit copies back
 * the rest itself (the thread did most of it).  At 4,000 pages 100,000
 * inserts (bench/history) took 1.57-2.22 s, at 16,000 1.36-1.95 s. */
#define CHECKPOINT_FRAMES_MAX 16000

static GThread *thread;
static char *db_path;  /* the database the thread opens */
static bool failed;    /* the thread could not be started */
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
		/* no lookaside buffers: 120 kB of resident memory for a
		 * connection that makes no statements of its own */
		sqlite3_db_config(db, SQLITE_DBCONFIG_LOOKASIDE, NULL, 0, 0);
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

/* The main connection's commit hook: kick the thread (started on the
 * first kick) when the log is long enough. */
static int
checkpoint_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	if (frames < CHECKPOINT_FRAMES)
		return SQLITE_OK;
	if (thread == NULL && !failed) {
		kicked = stopping = false;
		thread = g_thread_try_new("natter-checkpoint", checkpoint_run, g_strdup(db_path),
		    NULL);
		failed = thread == NULL;
	}
	if (thread == NULL || frames >= CHECKPOINT_FRAMES_MAX) {
		/* here, as SQLite would have */
		sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	g_mutex_lock(&lock);
	kicked = true;
	g_cond_signal(&cond);
	g_mutex_unlock(&lock);
	return SQLITE_OK;
}

void
checkpoint_start(sqlite3 *db, const char *path)
{
	g_free(db_path);
	db_path = g_strdup(path);
	failed = false;
	sqlite3_wal_hook(db, checkpoint_hook, NULL);
}

void
checkpoint_stop(sqlite3 *db)
{
	sqlite3_wal_hook(db, NULL, NULL);
	g_free(db_path);
	db_path = NULL;
	if (thread == NULL)
		return;
	g_mutex_lock(&lock);
	stopping = true;
	g_cond_signal(&cond);
	g_mutex_unlock(&lock);
	g_thread_join(thread);
	thread = NULL;
}
