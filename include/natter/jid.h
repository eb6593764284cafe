/* jid.h - Jabber IDs (RFC 7622): parsing, validation, comparison.
 *
 * jid_parse() checks the whole address: localpart at most 1023 bytes and
 * free of the characters RFC 7622 forbids ("&'/:<>@ and controls, spaces),
 * a domainpart that is a hostname, an IPv4 address or a bracketed IPv6
 * address (at most 1023 bytes, no empty labels, a trailing dot removed),
 * and a resourcepart of valid UTF-8 without controls.  Domain and
 * localpart are case-folded for comparison.
 */
#ifndef NATTER_JID_H
#define NATTER_JID_H

#include <stdbool.h>

struct jid {
	char *local;    /* NULL when absent */
	char *domain;
	char *resource; /* NULL when absent */
	char *bare;     /* local@domain, or domain */
	char *full;     /* bare/resource, or bare */
};

/* Parse s; returns NULL and sets *err (static text) when it is not a JID.
 * The caller frees the result with jid_free (one block: its strings go
 * with it). */
struct jid *jid_parse(const char *s, const char **err);
void jid_free(struct jid *jid);

/* True when s is a valid JID; *err explains otherwise. */
bool jid_valid(const char *s, const char **err);
/* Bare form of s (newly allocated), or NULL when s is not a JID. */
char *jid_bare(const char *s);
/* Compare the bare parts of two JID strings; false if either is invalid. */
bool jid_bare_equal(const char *a, const char *b);
/* Compare two full JIDs after normalisation. */
bool jid_equal(const char *a, const char *b);

#endif
