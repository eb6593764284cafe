/* store.h - the SQLite store (src/store/).
 *
 * One database for all accounts under $XDG_DATA_HOME/natter/.  Writes
 * from event listeners are batched in one transaction per loop pass:
 * store_flush() commits it.
 */
#ifndef NATTER_STORE_H
#define NATTER_STORE_H

struct account;

/* Open (creating and migrating) dir/natter.db; -1 with *err (to free). */
int store_open(const char *dir, char **err);
void store_close(void);
/* Schema version the code writes. */
int store_schema_version(void);
/* Commit the writes of this loop pass. */
void store_flush(void);

/* Remember (or forget, fp NULL) the certificate pin of an account. */
int store_pin_set(const char *account, const char *fp);
/* Load what the store keeps for a newly added account (pin, roster). */
void store_account_load(struct account *acc);

#endif
