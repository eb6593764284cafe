/* store.h - the SQLite store (src/store/).
 *
 * One database for all accounts under $XDG_DATA_HOME/natter/.  Writes
 * from event listeners (the roster cache, every EV_MESSAGE, archive
 * checkpoints) are batched in one transaction per loop pass, or while
 * they pour in per 100 ms (store_pass_end): store_flush() commits it.
 * Reading the history back is history.h.
 */
#ifndef NATTER_STORE_H
#define NATTER_STORE_H

struct account;

/* Open (creating and migrating) dir/natter.db; -1 with *err (to free). */
int store_open(const char *dir, char **err);
void store_close(void);
/* Schema version the code writes. */
int store_schema_version(void);
/* Commit the writes of this loop pass; while the messages of an archive
 * page wait for its EV_ARCHIVE_PAGE (its checkpoint), the commit waits
 * too, at most 20 passes.  A quiet pass after writes gives back the page
 * cache. */
void store_flush(void);
/* The end of a loop pass: store_flush(), unless the last commit was less
 * than 100 ms ago (a flood, a catch-up: a commit per pass cost more than
 * the messages' own writes); then the ms until store_flush() is due,
 * which the caller arranges (a one-shot timer).  0 when committed. */
int store_pass_end(void);

/* Remember (or forget, fp NULL) the certificate pin of an account. */
int store_pin_set(const char *account, const char *fp);
/* Load what the store keeps for a newly added account (pin, roster, and
 * acc->mam_last_id: the newest id of our own archive it holds). */
void store_account_load(struct account *acc);
/* The newest id the store holds of archive (our own bare JID or a room's)
 * for account, to free, and its time in *stamp; NULL when none.  Each
 * archive page's checkpoint is written with its messages
 * (EV_ARCHIVE_PAGE). */
char *store_archive_last(const char *account, const char *archive, int64_t *stamp);

#endif
