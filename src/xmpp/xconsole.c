/* xconsole.c - the raw-stanza console's way out: elements the user typed
 * (checked by the caller) sent exactly as given. */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <strophe.h>

#include "natter/xmpp.h"
#include "session.h"

/* Session thread: send the text as it is; libstrophe logs it, so the
 * console captures it like everything else. */
static void
xconsole_do_send(struct session *s, void *arg)
{
	const char *xml = arg;

	xmpp_send_raw(s->conn, xml, strlen(xml));
}

int
xconsole_send(struct account *acc, const char *xml)
{
	if (xml == NULL || *xml == '\0')
		return -1;
	return session_request(acc, xconsole_do_send, g_strdup(xml), g_free);
}

char *
xconsole_id(void)
{
	return session_id_new();
}
