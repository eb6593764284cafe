/* headless.h - the JSON-lines front end (src/headless/).
 *
 * Commands on stdin, one per line; every event on stdout as one JSON
 * object per line with an "event" member.  End of input runs /quit.
 */
#ifndef NATTER_HEADLESS_H
#define NATTER_HEADLESS_H

struct loop;

void headless_start(struct loop *loop);
/* Write out what this loop pass produced. */
void headless_flush(void);
void headless_stop(void);

#endif
