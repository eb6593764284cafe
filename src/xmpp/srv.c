/* srv.c - DNS SRV lookups (RFC 2782) for direct TLS, which libstrophe
 * does not look up itself.  Blocking: session threads only. */
#include "config.h"

#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#include <string.h>

#include <glib.h>

#include "session.h"

/* Find the best target of _service._tcp.domain: the lowest priority, and
 * within it the highest weight.  Returns 0 with *host (to free) and *port. */
int
srv_lookup(const char *service, const char *domain, char **host, unsigned short *port)
{
	unsigned char answer[4096];
	char name[NS_MAXDNAME];
	struct __res_state rs;
	ns_msg msg;
	int len, best_prio = 65536, best_weight = -1;

	memset(&rs, 0, sizeof rs);
	if (res_ninit(&rs) != 0)
		return -1;
	snprintf(name, sizeof name, "_%s._tcp.%s", service, domain);
	len = res_nquery(&rs, name, ns_c_in, ns_t_srv, answer, sizeof answer);
	res_nclose(&rs);
	if (len < 0 || ns_initparse(answer, len, &msg) != 0)
		return -1;
	*host = NULL;
	for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
		ns_rr rr;
		const unsigned char *rd;
		int prio, weight;
		char target[NS_MAXDNAME];

		if (ns_parserr(&msg, ns_s_an, i, &rr) != 0 || ns_rr_type(rr) != ns_t_srv ||
		    ns_rr_rdlen(rr) < 7)
			continue;
		rd = ns_rr_rdata(rr);
		prio = ns_get16(rd);
		weight = ns_get16(rd + 2);
		if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), rd + 6, target, sizeof target) < 0)
			continue;
		/* "." means the service is decidedly not available */
		if (strcmp(target, ".") == 0 || target[0] == '\0')
			continue;
		if (prio < best_prio || (prio == best_prio && weight > best_weight)) {
			g_free(*host);
			*host = g_strdup(target);
			*port = (unsigned short)ns_get16(rd + 4);
			best_prio = prio;
			best_weight = weight;
		}
	}
	return *host != NULL ? 0 : -1;
}
