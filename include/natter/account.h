/* account.h - accounts: their settings and connection state.
 *
 * Every object natter holds hangs off an account.  Keys that
 * /account set understands live in one table (account_keys) that also
 * feeds help and completion.
 */
#ifndef NATTER_ACCOUNT_H
#define NATTER_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include "natter/event.h"

enum tls_mode { TLS_STARTTLS, TLS_DIRECT, TLS_PLAIN };

enum account_state {
	ACC_OFFLINE,
	ACC_CONNECTING,
	ACC_ONLINE,
	ACC_DISCONNECTING
};

struct session;
struct roster;

struct account {
	char *name;
	char *jid;          /* bare JID as configured */
	char *password;     /* wiped when replaced or freed; never printed */
	char *password_cmd; /* sh -c command; first output line is the password */
	char *server;       /* host to connect to; NULL: from the JID (SRV) */
	int port;           /* 0: default for the TLS mode */
	enum tls_mode tls;
	char *ca_file;
	char *resource;
	char *nick;
	bool autoconnect;
	char *pin;          /* SHA-256 of a certificate trusted by the user */

	enum account_state state;
	char *bound_jid;    /* full JID while online */
	enum presence_show show; /* our own presence */
	char *status;
	struct session *session; /* owned by src/xmpp while a thread runs */
	struct roster *roster;
	char *mam_last_id;  /* the newest id of our own archive (XEP-0313) we
	                     * hold, kept by the store: the next login fetches
	                     * what came after it */
	int64_t mam_last_stamp; /* its time: where to start when the archive
	                         * has dropped that id */
};

/* One key of /account set. */
struct account_key {
	const char *name;
	const char *help;
	bool secret; /* never echoed */
	/* Set key to value (NULL or "" clears); returns an error text to free, or NULL. */
	char *(*set)(struct account *acc, const char *value);
};

const struct account_key *account_keys(void); /* ends with a NULL name */

/* Create account name for jid; NULL with *err (to free) if invalid or taken. */
struct account *account_add(const char *name, const char *jid, char **err);
struct account *account_find(const char *name);
/* Set one key; returns an error text to free, or NULL. */
char *account_set(struct account *acc, const char *key, const char *value);
/* The account commands act on: the one chosen with /account use, else the
 * only one, else the first connected. NULL when there is none. */
struct account *account_current(void);
void account_use(struct account *acc);
/* Accounts in the order they were added. */
size_t account_count(void);
struct account *account_nth(size_t i);
/* The port to use: the configured one or the default of the TLS mode. */
int account_port(const struct account *acc);
const char *account_tls_name(enum tls_mode mode);
void account_free_all(void);
/* Overwrite and free a secret string. */
void account_wipe(char *secret);

/* Keep account state in step with session events (call once at start). */
void account_init(void);

#endif
