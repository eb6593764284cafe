/* capture.c - each account's ring of captured elements, iq pairing, and
 * the console's filters and view state. */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <zlib.h>

#include "natter/bus.h"
#include "natter/capture.h"
#include "natter/jid.h"
#include "natter/settings.h"
#include "natter/stanza.h"

/* An entry as kept: what capture_get shows, then the text, deflated when
 * that made it smaller (zlen > 0) or as it is. */
struct capture_slot {
	struct capture_entry e; /* first: capture_get returns its address */
	uint32_t len;           /* bytes of the text */
	uint32_t zlen;          /* bytes deflated, or 0: data is the text */
	unsigned char data[];
};

/* One account's ring: slots[(seq - 1) % cap] for seq in [first, last]. */
struct capture_ring {
	struct capture_slot **slots;
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
	struct capture_slot **slots;

	if (cap == r->cap)
		return;
	capture_trim(r, cap);
	slots = g_new0(struct capture_slot *, cap);
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
	return &r->slots[(seq - 1) % r->cap]->e;
}

/* ---- the text, deflated ---- */

/* What captured elements share, for the deflater to refer back to: the
 * most frequent last (a match nearer the end costs fewer bits). */
static const char capture_dict[] =
	"<iq type=\"result\" id=\"\" to=\"\" from=\"\"><query xmlns=\"jabber:iq:roster\">"
	"<item jid=\"\" subscription=\"both\" name=\"\"><group></group></item></query></iq>"
	"<iq type=\"get\" id=\"\"><query xmlns=\"http://jabber.org/protocol/disco#info\"/></iq>"
	"<c xmlns=\"http://jabber.org/protocol/caps\" hash=\"sha-1\" node=\"\" ver=\"\"/>"
	"<stanza-id xmlns=\"urn:xmpp:sid:0\" by=\"\" id=\"\"/><occupant-id xmlns=\"urn:xmpp:occupant-id:0\" id=\"\"/>"
	"<message type=\"chat\" id=\"\" from=\"\" to=\"\" lang=\"en\"><body></body>"
	"<active xmlns=\"http://jabber.org/protocol/chatstates\"/><request xmlns=\"urn:xmpp:receipts\"/>"
	"<origin-id xmlns=\"urn:xmpp:sid:0\" id=\"\"/></message>"
	"<x xmlns=\"vcard-temp:x:update\"><photo/></x><show>away</show><status></status>"
	"<priority>0</priority></presence><presence lang=\"en\" from=\"\" to=\"\" type=\"unavailable\"/>";

#define CAPTURE_ZBITS 11 /* a 2 KB window: elements are deflated one by one */

/* Each thread that packs elements has its own deflater (session threads
 * pack what they capture); the main thread alone inflates. */
static __thread z_stream *deflater;
static z_stream inflater;
static bool inflater_ready;

/* Deflate len bytes of text into out (at least compressBound bytes);
 * returns the deflated size, or 0 when that is no smaller. */
static uint32_t
capture_deflate(const char *text, uint32_t len, unsigned char *out, uLong room)
{
	if (deflater == NULL) {
		deflater = g_new0(z_stream, 1);
		if (deflateInit2(deflater, 1, Z_DEFLATED, -CAPTURE_ZBITS, 4,
		    Z_DEFAULT_STRATEGY) != Z_OK) {
			g_free(deflater);
			deflater = NULL;
			return 0;
		}
	}
	if (deflateReset(deflater) != Z_OK ||
	    deflateSetDictionary(deflater, (const Bytef *)capture_dict,
	    sizeof capture_dict - 1) != Z_OK)
		return 0;
	deflater->next_in = (Bytef *)text;
	deflater->avail_in = len;
	deflater->next_out = out;
	deflater->avail_out = (uInt)room;
	if (deflate(deflater, Z_FINISH) != Z_STREAM_END || deflater->total_out >= len)
		return 0;
	return (uint32_t)deflater->total_out;
}

void
capture_thread_end(void)
{
	if (deflater != NULL) {
		deflateEnd(deflater);
		g_free(deflater);
		deflater = NULL;
	}
}

char *
capture_xml(const struct capture_entry *e)
{
	const struct capture_slot *sl = (const struct capture_slot *)e;
	char *text;

	if (sl->zlen == 0)
		return g_strndup((const char *)sl->data, sl->len);
	text = g_malloc(sl->len + 1);
	text[0] = '\0';
	if (!inflater_ready) {
		if (inflateInit2(&inflater, -CAPTURE_ZBITS) != Z_OK)
			return text;
		inflater_ready = true;
	}
	if (inflateReset(&inflater) == Z_OK &&
	    inflateSetDictionary(&inflater, (const Bytef *)capture_dict,
	    sizeof capture_dict - 1) == Z_OK) {
		inflater.next_in = (Bytef *)sl->data;
		inflater.avail_in = sl->zlen;
		inflater.next_out = (Bytef *)text;
		inflater.avail_out = sl->len;
		if (inflate(&inflater, Z_FINISH) == Z_STREAM_END)
			text[inflater.total_out] = '\0';
	}
	return text;
}

bool
capture_contains(const struct capture_entry *e, const char *needle)
{
	char *text = capture_xml(e);
	bool found = strstr(text, needle) != NULL;

	g_free(text);
	return found;
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
	char *text = capture_xml(e);
	char *value;

	capture_tag(text, name, NULL, &value);
	g_free(text);
	return value;
}

bool
capture_timed_out(const struct capture_entry *e, int64_t now_us)
{
	return e->request && e->pair == 0 &&
	    now_us - e->time > (int64_t)settings_int("iq_timeout") * G_USEC_PER_SEC;
}

/* Pair an iq (of this type and id) with what it answers or is answered
 * by. */
static void
capture_pair(struct capture_ring *r, struct capture_entry *e, const char *type, const char *id)
{
	char *key;

	if (type == NULL || id == NULL)
		return;
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
			    ? &r->slots[(seq - 1) % r->cap]->e : NULL;
			if (q != NULL) {
				q->pair = e->seq;
				e->pair = q->seq;
				e->rtt = e->time - q->time;
			}
			g_hash_table_remove(r->pending, key);
		}
		g_free(key);
	}
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

/* An element made ready for the ring by the thread that captured it. */
struct capture_packed {
	struct capture_slot *slot; /* its size: capture_slot_size */
	char *iq_type, *iq_id;     /* an iq's, for pairing */
};

/* Bytes of sl, with its data. */
static size_t
capture_slot_size(const struct capture_slot *sl)
{
	return sizeof *sl + (sl->zlen > 0 ? sl->zlen : (size_t)sl->len + 1);
}

struct capture_packed *
capture_pack(const char *xml, bool out, int64_t time, size_t size)
{
	struct capture_packed *p = g_new0(struct capture_packed, 1);
	size_t n = strlen(xml);
	uint32_t len = (uint32_t)MIN(n, UINT32_MAX - 1);
	uLong room = compressBound(len);
	unsigned char *z = g_malloc(room);
	uint32_t zlen = len >= 32 ? capture_deflate(xml, len, z, room) : 0;
	struct capture_slot *sl = g_malloc(sizeof *sl + (zlen > 0 ? zlen : len + 1));
	struct capture_entry *e = &sl->e;

	sl->len = len;
	sl->zlen = zlen;
	if (zlen > 0) {
		memcpy(sl->data, z, zlen);
	} else {
		memcpy(sl->data, xml, len);
		sl->data[len] = '\0';
	}
	g_free(z);
	e->seq = 0;
	e->time = time;
	e->rtt = -1;
	e->pair = 0;
	e->size = (uint32_t)MIN(size, UINT32_MAX);
	e->out = out;
	e->request = false;
	e->kind = capture_kind_of(xml);
	e->redacted = strstr(xml, " removed") != NULL &&
	    (strstr(xml, "[SASL data removed") != NULL || strstr(xml, "[password removed]") != NULL);
	if (e->kind == CAP_IQ) {
		capture_tag(xml, "type", NULL, &p->iq_type);
		capture_tag(xml, "id", NULL, &p->iq_id);
	}
	p->slot = sl;
	return p;
}

void
capture_packed_free(struct capture_packed *p)
{
	if (p == NULL)
		return;
	g_free(p->slot);
	g_free(p->iq_type);
	g_free(p->iq_id);
	g_free(p);
}

/* Keep one captured element: a copy of its slot in the main thread's
 * memory (the capturing thread's arena keeps only what is in flight). */
static void
capture_add(const char *account, const struct capture_packed *p)
{
	struct capture_ring *r = capture_ring(account, true);
	struct capture_slot *sl = g_memdup2(p->slot, capture_slot_size(p->slot));
	struct capture_entry *e = &sl->e;

	capture_resize(r, (size_t)settings_int("console_buffer"));
	e->seq = r->last + 1;
	capture_trim(r, r->cap - 1);
	r->slots[(e->seq - 1) % r->cap] = sl;
	r->last = e->seq;
	if (e->kind == CAP_IQ)
		capture_pair(r, e, p->iq_type, p->iq_id);
}

static void
capture_on_event(const struct event *ev, void *unused)
{
	if (ev->type == EV_STANZA && ev->u.stanza.packed != NULL)
		capture_add(ev->account, ev->u.stanza.packed);
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
capture_free_all(void)
{
	if (rings != NULL)
		g_hash_table_destroy(rings);
	if (named != NULL)
		g_hash_table_destroy(named);
	rings = named = NULL;
	capture_view_set_filter(NULL);
	capture_thread_end();
	if (inflater_ready)
		inflateEnd(&inflater);
	inflater_ready = false;
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
