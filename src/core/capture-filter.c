/* capture-filter.c - the raw-stanza console's filters (direction, kind,
 * JID, XPath) and the view state the front ends and commands share. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "natter/capture.h"
#include "natter/jid.h"
#include "natter/stanza.h"

struct capture_filter {
	char *spec;
	unsigned dirs;   /* 1: in, 2: out; 0: both */
	unsigned kinds;  /* 1 << kind; 0: all */
	struct jid *jid; /* from or to; NULL: any */
	struct stanza_xpath *xpath;
};

static GHashTable *named;   /* name -> struct capture_filter */
static struct capture_view view;

void
capture_filter_free(struct capture_filter *f)
{
	if (f == NULL)
		return;
	g_free(f->spec);
	jid_free(f->jid);
	stanza_xpath_free(f->xpath);
	g_free(f);
}

/* Parse one word of a filter spec into f; -1 with *err when unknown.
 * *rest is moved past what the word consumed. */
static int
capture_filter_word(struct capture_filter *f, const char *word, const char **rest, char **ns,
    char **err)
{
	for (int k = 0; k < CAP_KIND_COUNT; k++) {
		if (strcmp(word, capture_kind_name(k)) == 0) {
			f->kinds |= 1u << k;
			return 0;
		}
	}
	if (strcmp(word, "in") == 0) {
		f->dirs |= 1;
	} else if (strcmp(word, "out") == 0) {
		f->dirs |= 2;
	} else if (strcmp(word, "jid") == 0 || strcmp(word, "ns") == 0) {
		const char *p = *rest + strspn(*rest, " \t");
		size_t n = strcspn(p, " \t");
		char *arg = g_strndup(p, n);
		*rest = p + n;
		if (n == 0) {
			*err = g_strdup_printf("'%s' needs a value", word);
			g_free(arg);
			return -1;
		}
		if (strcmp(word, "ns") == 0) {
			char *joined = g_strjoin(" ", *ns != NULL ? *ns : "", arg, NULL);
			g_free(*ns);
			*ns = joined;
			g_free(arg);
			return 0;
		}
		jid_free(f->jid);
		f->jid = jid_parse(arg, NULL);
		if (f->jid == NULL) {
			*err = g_strdup_printf("'%s' is not a JID", arg);
			g_free(arg);
			return -1;
		}
		g_free(arg);
	} else if (strcmp(word, "xpath") == 0) {
		const char *p = *rest + strspn(*rest, " \t");
		char *expr = g_strchomp(g_strdup(p));
		*rest = p + strlen(p);
		if (*expr == '\0') {
			g_free(expr);
			*err = g_strdup("'xpath' needs an expression, e.g. xpath //message/body");
			return -1;
		}
		stanza_xpath_free(f->xpath);
		f->xpath = stanza_xpath_new(expr, *ns, err);
		g_free(expr);
		if (f->xpath == NULL)
			return -1;
	} else {
		*err = g_strdup_printf("unknown filter word '%s' (in, out, message, presence, iq, "
		    "stream, jid JID, ns PREFIX=URI, xpath EXPR)", word);
		return -1;
	}
	return 0;
}

struct capture_filter *
capture_filter_new(const char *spec, char **err)
{
	struct capture_filter *f = g_new0(struct capture_filter, 1);
	const char *p = spec;
	char *ns = NULL;

	*err = NULL;
	f->spec = g_strstrip(g_strdup(spec));
	for (;;) {
		size_t n;
		char *word;
		int rc;
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		n = strcspn(p, " \t");
		word = g_strndup(p, n);
		p += n;
		rc = capture_filter_word(f, word, &p, &ns, err);
		g_free(word);
		if (rc != 0) {
			g_free(ns);
			capture_filter_free(f);
			return NULL;
		}
	}
	if (ns != NULL && f->xpath == NULL) {
		g_free(ns);
		capture_filter_free(f);
		*err = g_strdup("'ns' declares prefixes for an xpath: put xpath EXPR after it");
		return NULL;
	}
	g_free(ns);
	if (*f->spec == '\0') {
		capture_filter_free(f);
		*err = g_strdup("an empty filter: name what to show (in, out, message, presence, iq, "
		    "stream, jid JID, xpath EXPR), or /console filter off");
		return NULL;
	}
	return f;
}

/* True when attribute name of e is a JID that j names (a bare j matches
 * every resource). */
static bool
capture_jid_attr(const struct capture_entry *e, const char *name, const struct jid *j)
{
	char *v = capture_attr(e, name);
	struct jid *a = v != NULL ? jid_parse(v, NULL) : NULL;
	bool ok = a != NULL && (j->resource == NULL ? strcmp(a->bare, j->bare) == 0
	                                            : strcmp(a->full, j->full) == 0);

	jid_free(a);
	g_free(v);
	return ok;
}

bool
capture_filter_match(const struct capture_filter *f, const struct capture_entry *e)
{
	if (f == NULL)
		return true;
	if (f->dirs != 0 && !(f->dirs & (e->out ? 2u : 1u)))
		return false;
	if (f->kinds != 0 && !(f->kinds & (1u << e->kind)))
		return false;
	if (f->jid != NULL && !capture_jid_attr(e, "from", f->jid) &&
	    !capture_jid_attr(e, "to", f->jid))
		return false;
	if (f->xpath != NULL) {
		char *text = capture_xml(e);
		bool hit = stanza_xpath_match(f->xpath, text);
		g_free(text);
		return hit;
	}
	return true;
}

const char *
capture_filter_spec(const struct capture_filter *f)
{
	return f->spec;
}

int
capture_filter_define(const char *name, const char *spec, char **err)
{
	struct capture_filter *f = capture_filter_new(spec, err);

	if (f == NULL)
		return -1;
	if (named == NULL)
		named = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    (GDestroyNotify)capture_filter_free);
	g_hash_table_replace(named, g_strdup(name), f);
	return 0;
}

const struct capture_filter *
capture_filter_named(const char *name)
{
	return named != NULL ? g_hash_table_lookup(named, name) : NULL;
}

GList *
capture_filter_names(void)
{
	return named != NULL ? g_list_sort(g_hash_table_get_keys(named), (GCompareFunc)strcmp)
	                     : NULL;
}

struct capture_view *
capture_view(void)
{
	return &view;
}

bool
capture_view_unfolded(uint64_t seq)
{
	bool flipped = view.folds != NULL &&
	    g_hash_table_contains(view.folds, GSIZE_TO_POINTER((gsize)seq));

	return view.unfold_all != flipped;
}

void
capture_view_set_filter(struct capture_filter *f)
{
	capture_filter_free(view.filter);
	view.filter = f;
}


void
capture_view_free(void)
{
	if (named != NULL)
		g_hash_table_destroy(named);
	named = NULL;
	capture_view_set_filter(NULL);
	g_free(view.search);
	if (view.folds != NULL)
		g_hash_table_destroy(view.folds);
	memset(&view, 0, sizeof view);
}
