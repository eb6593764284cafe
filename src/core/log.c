/* log.c - the optional debug log file, shared by all threads. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include <glib.h>

#include "natter/log.h"

static FILE *log_file;
static GMutex log_lock;

int
log_open(const char *path)
{
	FILE *f;

	log_close();
	if (path == NULL || *path == '\0')
		return 0;
	f = fopen(path, "ae");
	if (f == NULL)
		return -1;
	g_mutex_lock(&log_lock);
	log_file = f;
	g_mutex_unlock(&log_lock);
	return 0;
}

void
log_close(void)
{
	g_mutex_lock(&log_lock);
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
	g_mutex_unlock(&log_lock);
}

bool
log_enabled(void)
{
	return log_file != NULL;
}

void
log_msg(const char *area, const char *fmt, ...)
{
	va_list ap;
	GDateTime *now;
	char *stamp;

	if (log_file == NULL)
		return;
	now = g_date_time_new_now_utc();
	stamp = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S.%fZ");
	g_mutex_lock(&log_lock);
	if (log_file != NULL) {
		fprintf(log_file, "%s %s: ", stamp, area);
		va_start(ap, fmt);
		vfprintf(log_file, fmt, ap);
		va_end(ap);
		fputc('\n', log_file);
		fflush(log_file);
	}
	g_mutex_unlock(&log_lock);
	g_free(stamp);
	g_date_time_unref(now);
}
