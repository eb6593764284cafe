/* log.h - natter's debug log: off unless a file is named (-d FILE or the
 * debug_file setting).  Thread-safe; callers never pass secrets. */
#ifndef NATTER_LOG_H
#define NATTER_LOG_H

#include <stdbool.h>

int log_open(const char *path);
void log_close(void);
bool log_enabled(void);
void log_msg(const char *area, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
