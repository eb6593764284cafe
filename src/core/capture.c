/* capture.c - each account's ring of captured elements, iq pairing, and
 * the console's filters and view state. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "natter/bus.h"
#include "natter/capture.h"
#include "natter/jid.h"
#include "natter/settings.h"
#include "natter/stanza.h"

/* One account's ring: slots[(seq - 1) % cap] for seq in [first, last]. */
struct capture_ring {
	struct capture_entry **slots;
	size_t cap;
	uint64_t first, last; /* first > last: empty */
	GHashTable *pending;  /* "o:id" / "i:id" of an iq request -> its seq */
};

struct capture_filter {
	char *spec;
	unsigned dirs;   /* 1: in, 2: out; 0: both */
	unsigned kinds;  /* 1 << kind; 0: all */
	struct jid *jid; /* from or to; NULL: any */
	struct stanza_xpath *xpath;
};

static GHashTable *rings;   /* account -> struct capture_ring */
static GHashTable *named;   /* name -> struct capture_filter */
static struct capture_view view;

static const char *const kind_names[CAP_KIND_COUNT] = {
	[CAP_MESSAGE] = "message",
	[CAP_PRESENCE] = "presence",
	[CAP_IQ] = "iq",
	[CAP_STREAM] = "stream",
};

const char *
capture_kind_name(enum capture_kind kind)
{
	return kind < CAP_KIND_COUNT ? kind_names[kind] : "?";
}

static void
capture_ring_free(gpointer p)
{
	struct capture_ring *r = p;

	for (uint64_t s = r->first; s <= r->last && r->cap > 0; s++)
		g_free(r->slots[(s - 1) % r->cap]);
	g_free(r->slots);
	g_hash_table_destroy(r->pending);
	g_free(r);
}

static struct capture_ring *
capture_ring(const char *account, bool create)
{
	struct capture_ring *r;

	if (rings == NULL) {
		if (!create)
			return NULL;
		rings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, capture_ring_free);
	}
	r = g_hash_table_lookup(rings, account != NULL ? account : "");
	if (r == NULL && create) {
		r = g_new0(struct capture_ring, 1);
		r->first = 1;
		r->pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		g_hash_table_insert(rings, g_strdup(account != NULL ? account : ""), r);
	}
	return r;
}

/* Drop the oldest entries of r until it holds at most keep. */
static void
capture_trim(struct capture_ring *r, size_t keep)
{
	while (r->first <= r->last && r->last - r->first + 1 > keep) {
		g_free(r->slots[(r->first - 1) % r->cap]);
		r->slots[(r->first - 1) % r->cap] = NULL;
		r->first++;
	}
}

/* Make the ring cap slots big (the console_buffer setting may change). */
static void
capture_resize(struct capture_ring *r, size_t cap)
{
	struct capture_entry **slots;

	if (cap == r->cap)
		return;
	capture_trim(r, cap);
	slots = g_new0(struct capture_entry *, cap);
	for (uint64_t s = r->first; s <= r->last; s++)
		slots[(s - 1) % cap] = r->slots[(s - 1) % r->cap];
	g_free(r->slots);
	r->slots = slots;
	r->cap = cap;
}

const struct capture_entry *
capture_get(const char *account, uint64_t seq)
{
	struct capture_ring *r = capture_ring(account, false);

	if (r == NULL || seq < r->first || seq > r->last || seq == 0)
		return NULL;
	return r->slots[(seq - 1) % r->cap];
}

void
capture_range(const char *account, uint64_t *first, uint64_t *last)
{
	struct capture_ring *r = capture_ring(account, false);

	if (r == NULL || r->first > r->last) {
		*first = *last = 0;
		return;
	}
	*first = r->first;
	*last = r->last;
}

void
capture_clear(const char *account)
{
	struct capture_ring *r = capture_ring(account, false);

	if (r == NULL)
		return;
	capture_trim(r, 0);
	g_hash_table_remove_all(r->pending);
}

/* The parts of a start tag we read: GMarkup stops after the first one. */
struct capture_tag {
	const char *want;  /* attribute asked for */
	char *value;
	char *name;
};

static void
capture_tag_start(GMarkupParseContext *ctx, const char *name, const char **attr_names,
    const char **attr_values, gpointer data, GError **error)
{
	struct capture_tag *t = data;

	t->name = g_strdup(name);
	for (int i = 0; t->want != NULL && attr_names[i] != NULL; i++) {
		if (strcmp(attr_names[i], t->want) == 0) {
			t->value = g_strdup(attr_values[i]);
			break;
		}
	}
	/* the first start tag is all we need */
	g_set_error_literal(error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "done");
}

/* Read the first start tag of xml: its name (to free, may be NULL) and the
 * value of attribute want (to free, NULL when absent). */
static void
capture_tag(const char *xml, const char *want, char **name, char **value)
{
	static const GMarkupParser parser = { capture_tag_start, NULL, NULL, NULL, NULL };
	struct capture_tag t = { want, NULL, NULL };
	GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, 0, &t, NULL);
	const char *end = strchr(xml, '>');

	/* only the start tag: the rest may be an unclosed stream header */
	if (end != NULL)
		g_markup_parse_context_parse(ctx, xml, end - xml + 1, NULL);
	g_markup_parse_context_free(ctx);
	if (name != NULL)
		*name = t.name;
	else
		g_free(t.name);
	*value = t.value;
}

char *
capture_attr(const struct capture_entry *e, const char *name)
{
	char *value;

	capture_tag(e->xml, name, NULL, &value);
	return value;
}

bool
capture_timed_out(const struct capture_entry *e, int64_t now_us)
{
	return e->request && e->pair == 0 &&
	    now_us - e->time > (int64_t)settings_int("iq_timeout") * G_USEC_PER_SEC;
}

/* Pair an iq with what it answers or is answered by. */
static void
capture_pair(struct capture_ring *r, struct capture_entry *e)
{
	char *type, *id, *key;

	capture_tag(e->xml, "type", NULL, &type);
	id = capture_attr(e, "id");
	if (type == NULL || id == NULL) {
		g_free(type);
		g_free(id);
		return;
	}
	if (strcmp(type, "get") == 0 || strcmp(type, "set") == 0) {
		e->request = true;
		key = g_strdup_printf("%c:%s", e->out ? 'o' : 'i', id);
		g_hash_table_replace(r->pending, key, GSIZE_TO_POINTER((gsize)e->seq));
		/* requests that never got an answer must not pile up */
		if (g_hash_table_size(r->pending) > 2 * r->cap) {
			GHashTableIter it;
			gpointer v;
			g_hash_table_iter_init(&it, r->pending);
			while (g_hash_table_iter_next(&it, NULL, &v)) {
				if ((uint64_t)GPOINTER_TO_SIZE(v) < r->first)
					g_hash_table_iter_remove(&it);
			}
		}
	} else if (strcmp(type, "result") == 0 || strcmp(type, "error") == 0) {
		/* a reply travels the other way from its request */
		gpointer v;
		key = g_strdup_printf("%c:%s", e->out ? 'i' : 'o', id);
		if (g_hash_table_lookup_extended(r->pending, key, NULL, &v)) {
			uint64_t seq = GPOINTER_TO_SIZE(v);
			struct capture_entry *q = seq >= r->first && seq <= r->last
			    ? r->slots[(seq - 1) % r->cap] : NULL;
			if (q != NULL) {
				q->pair = e->seq;
				e->pair = q->seq;
				e->rtt = e->time - q->time;
			}
			g_hash_table_remove(r->pending, key);
		}
		g_free(key);
	}
	g_free(type);
	g_free(id);
}

/* The kind of an element by its name. */
static enum capture_kind
capture_kind_of(const char *xml)
{
	static const struct { const char *tag; enum capture_kind kind; } tags[] = {
		{ "<message", CAP_MESSAGE }, { "<presence", CAP_PRESENCE }, { "<iq", CAP_IQ },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(tags); i++) {
		size_t n = strlen(tags[i].tag);
		if (strncmp(xml, tags[i].tag, n) == 0 &&
		    (xml[n] == ' ' || xml[n] == '>' || xml[n] == '/' || xml[n] == '\t' ||
		     xml[n] == '\n' || xml[n] == '\r'))
			return tags[i].kind;
	}
	return CAP_STREAM;
}

/* Keep one captured element. */
static void
capture_add(const struct event *ev)
{
	struct capture_ring *r = capture_ring(ev->account, true);
	size_t len = strlen(ev->u.stanza.xml);
	struct capture_entry *e = g_malloc(sizeof *e + len + 1);

	capture_resize(r, (size_t)settings_int("console_buffer"));
	e->seq = r->last + 1;
	e->time = ev->u.stanza.time;
	e->rtt = -1;
	e->pair = 0;
	e->size = (uint32_t)MIN(ev->u.stanza.size, UINT32_MAX);
	e->out = ev->u.stanza.out;
	e->request = false;
	e->kind = capture_kind_of(ev->u.stanza.xml);
	memcpy(e->xml, ev->u.stanza.xml, len + 1);
	e->redacted = strstr(e->xml, " removed") != NULL &&
	    (strstr(e->xml, "[SASL data removed") != NULL || strstr(e->xml, "[password removed]") != NULL);
	capture_trim(r, r->cap - 1);
	r->slots[(e->seq - 1) % r->cap] = e;
	r->last = e->seq;
	if (e->kind == CAP_IQ)
		capture_pair(r, e);
}

static void
capture_on_event(const struct event *ev, void *unused)
{
	if (ev->type == EV_STANZA && ev->u.stanza.xml != NULL)
		capture_add(ev);
}

/* ---- filters ---- */

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
		if (strcmp(word, kind_names[k]) == 0) {
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
	if (f->xpath != NULL && !stanza_xpath_match(f->xpath, e->xml))
		return false;
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
capture_free_all(void)
{
	if (rings != NULL)
		g_hash_table_destroy(rings);
	if (named != NULL)
		g_hash_table_destroy(named);
	rings = named = NULL;
	capture_view_set_filter(NULL);
	g_free(view.search);
	if (view.folds != NULL)
		g_hash_table_destroy(view.folds);
	memset(&view, 0, sizeof view);
}

void
capture_init(void)
{
	bus_subscribe(EV_STANZA, capture_on_event, NULL);
}
