/* account.c - accounts, the keys of /account set, and their state. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "natter/account.h"
#include "natter/bus.h"
#include "natter/jid.h"
#include "natter/roster.h"

static GPtrArray *accounts; /* struct account, in the order added */
static struct account *current;

void
account_wipe(char *secret)
{
	if (secret == NULL)
		return;
	/* volatile keeps the compiler from dropping the stores */
	for (volatile char *p = secret; *p != '\0'; p++)
		*p = '\0';
	g_free(secret);
}

/* Replace *slot with a copy of value (NULL when value is NULL or empty). */
static void
account_str(char **slot, const char *value)
{
	g_free(*slot);
	*slot = value != NULL && *value != '\0' ? g_strdup(value) : NULL;
}

static char *
account_set_password(struct account *acc, const char *value)
{
	account_wipe(acc->password);
	acc->password = value != NULL && *value != '\0' ? g_strdup(value) : NULL;
	return NULL;
}

static char *
account_set_password_cmd(struct account *acc, const char *value)
{
	account_str(&acc->password_cmd, value);
	return NULL;
}

static char *
account_set_server(struct account *acc, const char *value)
{
	if (value != NULL && *value != '\0' &&
	    (strpbrk(value, " /@\t") != NULL || !g_utf8_validate(value, -1, NULL)))
		return g_strdup("server must be a host name or an IP address");
	account_str(&acc->server, value);
	return NULL;
}

static char *
account_set_port(struct account *acc, const char *value)
{
	char *end;
	long n;

	if (value == NULL || *value == '\0') {
		acc->port = 0;
		return NULL;
	}
	errno = 0;
	n = strtol(value, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > 65535)
		return g_strdup_printf("port must be a number from 1 to 65535, not '%s'", value);
	acc->port = (int)n;
	return NULL;
}

static char *
account_set_tls(struct account *acc, const char *value)
{
	if (value == NULL || *value == '\0' || strcmp(value, "starttls") == 0)
		acc->tls = TLS_STARTTLS;
	else if (strcmp(value, "direct") == 0)
		acc->tls = TLS_DIRECT;
	else if (strcmp(value, "plain") == 0)
		acc->tls = TLS_PLAIN;
	else
		return g_strdup_printf("tls must be starttls, direct or plain, not '%s'", value);
	return NULL;
}

static char *
account_set_ca_file(struct account *acc, const char *value)
{
	account_str(&acc->ca_file, value);
	return NULL;
}

static char *
account_set_resource(struct account *acc, const char *value)
{
	if (value != NULL && *value != '\0') {
		char *probe = g_strdup_printf("x@y/%s", value);
		const char *err;
		bool ok = jid_valid(probe, &err);
		g_free(probe);
		if (!ok)
			return g_strdup_printf("invalid resource: %s", err);
	}
	account_str(&acc->resource, value);
	return NULL;
}

static char *
account_set_nick(struct account *acc, const char *value)
{
	account_str(&acc->nick, value);
	return NULL;
}

static char *
account_set_autoconnect(struct account *acc, const char *value)
{
	if (value == NULL || *value == '\0' || strcmp(value, "off") == 0 ||
	    strcmp(value, "false") == 0 || strcmp(value, "no") == 0)
		acc->autoconnect = false;
	else if (strcmp(value, "on") == 0 || strcmp(value, "true") == 0 ||
	    strcmp(value, "yes") == 0)
		acc->autoconnect = true;
	else
		return g_strdup_printf("autoconnect takes on or off, not '%s'", value);
	return NULL;
}

static const struct account_key keys[] = {
	{ "password", "The password (better: password_cmd, so it is not kept in the config file).",
	  true, account_set_password },
	{ "password_cmd", "A shell command whose first line of output is the password, run at each connect.",
	  false, account_set_password_cmd },
	{ "server", "Host to connect to; default: found by DNS SRV from the JID's domain.",
	  false, account_set_server },
	{ "port", "Port to connect to; default 5222 (starttls, plain) or 5223 (direct).",
	  false, account_set_port },
	{ "tls", "starttls (default; TLS is mandatory), direct (XEP-0368 TLS from the first byte) or plain (no TLS, only when named).",
	  false, account_set_tls },
	{ "ca_file", "A PEM file of certificate authorities trusted in addition to the system's.",
	  false, account_set_ca_file },
	{ "resource", "The resource to bind; default: natter. plus a random suffix.",
	  false, account_set_resource },
	{ "nick", "Nickname used in group chats; default: the JID's localpart.",
	  false, account_set_nick },
	{ "autoconnect", "on: connect at start.", false, account_set_autoconnect },
	{ NULL, NULL, false, NULL }
};

const struct account_key *
account_keys(void)
{
	return keys;
}

struct account *
account_find(const char *name)
{
	for (guint i = 0; accounts != NULL && i < accounts->len; i++) {
		struct account *acc = g_ptr_array_index(accounts, i);
		if (strcmp(acc->name, name) == 0)
			return acc;
	}
	return NULL;
}

static void
account_free(gpointer p)
{
	struct account *acc = p;

	g_free(acc->name);
	g_free(acc->jid);
	account_wipe(acc->password);
	g_free(acc->password_cmd);
	g_free(acc->server);
	g_free(acc->ca_file);
	g_free(acc->resource);
	g_free(acc->nick);
	g_free(acc->pin);
	g_free(acc->bound_jid);
	g_free(acc->status);
	roster_free(acc->roster);
	g_free(acc->mam_last_id);
	g_free(acc);
}

struct account *
account_add(const char *name, const char *jid, char **err)
{
	struct account *acc;
	struct jid *j;
	const char *why;

	if (*name == '\0' || strpbrk(name, " \t/") != NULL) {
		*err = g_strdup("an account name is one word without '/'");
		return NULL;
	}
	if (account_find(name) != NULL) {
		*err = g_strdup_printf("an account named '%s' exists already", name);
		return NULL;
	}
	j = jid_parse(jid, &why);
	if (j == NULL) {
		*err = g_strdup_printf("invalid JID: %s", why);
		return NULL;
	}
	if (j->local == NULL || j->resource != NULL) {
		jid_free(j);
		*err = g_strdup("an account JID is user@domain, without a resource");
		return NULL;
	}
	acc = g_new0(struct account, 1);
	acc->name = g_strdup(name);
	acc->jid = g_strdup(j->bare);
	acc->show = PRES_ONLINE;
	acc->roster = roster_new();
	jid_free(j);
	if (accounts == NULL)
		accounts = g_ptr_array_new_with_free_func(account_free);
	g_ptr_array_add(accounts, acc);
	{
		struct event *ev = event_new(EV_ACCOUNT_ADDED, name);
		bus_emit_free(ev);
	}
	return acc;
}

char *
account_set(struct account *acc, const char *key, const char *value)
{
	for (const struct account_key *k = keys; k->name != NULL; k++) {
		if (strcmp(k->name, key) == 0)
			return k->set(acc, value);
	}
	return g_strdup_printf("no account key named '%s' (see /help account set)", key);
}

struct account *
account_current(void)
{
	if (current != NULL)
		return current;
	if (accounts == NULL || accounts->len == 0)
		return NULL;
	if (accounts->len == 1)
		return g_ptr_array_index(accounts, 0);
	for (guint i = 0; i < accounts->len; i++) {
		struct account *acc = g_ptr_array_index(accounts, i);
		if (acc->state == ACC_ONLINE)
			return acc;
	}
	return g_ptr_array_index(accounts, 0);
}

void
account_use(struct account *acc)
{
	current = acc;
}

size_t
account_count(void)
{
	return accounts != NULL ? accounts->len : 0;
}

struct account *
account_nth(size_t i)
{
	return i < account_count() ? g_ptr_array_index(accounts, i) : NULL;
}

int
account_port(const struct account *acc)
{
	if (acc->port != 0)
		return acc->port;
	return acc->tls == TLS_DIRECT ? 5223 : 5222;
}

const char *
account_tls_name(enum tls_mode mode)
{
	switch (mode) {
	case TLS_DIRECT:
		return "direct";
	case TLS_PLAIN:
		return "plain";
	default:
		return "starttls";
	}
}

void
account_free_all(void)
{
	current = NULL;
	if (accounts != NULL)
		g_ptr_array_free(accounts, TRUE);
	accounts = NULL;
}

/* Follow the session's life in acc->state, bound_jid and presence. */
static void
account_on_event(const struct event *ev, void *unused)
{
	struct account *acc = ev->account != NULL ? account_find(ev->account) : NULL;

	if (acc == NULL)
		return;
	switch (ev->type) {
	case EV_CONNECTING:
		acc->state = ACC_CONNECTING;
		break;
	case EV_CONNECTED:
		acc->state = ACC_ONLINE;
		g_free(acc->bound_jid);
		acc->bound_jid = g_strdup(ev->u.connected.jid);
		break;
	case EV_DISCONNECTED:
		acc->state = ACC_OFFLINE;
		g_free(acc->bound_jid);
		acc->bound_jid = NULL;
		break;
	default:
		break;
	}
}

void
account_init(void)
{
	bus_subscribe(EV_CONNECTING, account_on_event, NULL);
	bus_subscribe(EV_CONNECTED, account_on_event, NULL);
	bus_subscribe(EV_DISCONNECTED, account_on_event, NULL);
}
