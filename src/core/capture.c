/* capture.c - each account's ring of captured elements: their numbers,
 * directions and times, their text kept deflated in blocks, and iq
 * requests paired with their replies.  The console's filters and view
 * state are in capture-filter.c. */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <zlib.h>

#include "natter/bus.h"
#include "natter/capture.h"
#include "natter/settings.h"

/* Texts are appended to an open block; at CAPTURE_BLOCK bytes it is
 * sealed (deflated as one stream: consecutive elements repeat each
 * other, and one deflate per block costs far less than one per element).
 * Reading an element of a sealed block inflates the block once into a
 * one-block cache. */
#define CAPTURE_BLOCK (32 * 1024)

struct capture_block {
	uint32_t plain_len;   /* bytes of the texts, each with its NUL */
	uint32_t zlen;        /* 0 while open */
	uint32_t refs;        /* entries of the ring that point here */
	unsigned char *data;  /* the texts (open) or their deflated form */
	size_t room;          /* allocated bytes of data while open */
};

/* An entry as kept: what capture_get shows, then where its text is. */
struct capture_slot {
	struct capture_entry e; /* first: capture_get returns its address */
	struct capture_block *block;
	uint32_t off, len;      /* the text in the block's plain bytes */
};

/* One account's ring: slots[(seq - 1) % cap] for seq in [first, last]. */
struct capture_ring {
	struct capture_slot *slots;
	size_t cap;
	uint64_t first, last; /* first > last: empty */
	struct capture_block *open;
	GHashTable *pending;  /* "o:id" / "i:id" of an iq request -> its seq */
};

/* An element made ready for the ring by the thread that captured it. */
struct capture_packed {
	char *xml;
	struct capture_entry e;
	char *iq_type, *iq_id;     /* an iq's, for pairing */
};

static GHashTable *rings;   /* account -> struct capture_ring */

/* The block last inflated, for reading its elements. */
static struct {
	const struct capture_block *block;
	char *plain;
} cache;

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

/* Drop one reference to b, freeing it with the last. */
static void
capture_block_unref(struct capture_block *b)
{
	if (b == NULL || --b->refs > 0)
		return;
	if (cache.block == b) {
		g_free(cache.plain);
		cache.block = NULL;
		cache.plain = NULL;
	}
	g_free(b->data);
	g_free(b);
}

/* Deflate the open block of r and start none (the next element opens
 * one).  A block that does not shrink stays as it is (zlen 0, sealed by
 * being no longer r->open). */
static void
capture_block_seal(struct capture_ring *r)
{
	struct capture_block *b = r->open;
	uLong room;
	unsigned char *z;

	r->open = NULL;
	if (b == NULL)
		return;
	room = compressBound(b->plain_len);
	z = g_malloc(room);
	if (compress2(z, &room, b->data, b->plain_len, 1) == Z_OK && room < b->plain_len) {
		g_free(b->data);
		b->data = g_realloc(z, room);
		b->zlen = (uint32_t)room;
	} else {
		g_free(z);
		b->data = g_realloc(b->data, b->plain_len);
	}
	b->room = 0;
	capture_block_unref(b); /* the ring's hold on its open block */
}

static void
capture_ring_free(gpointer p)
{
	struct capture_ring *r = p;

	for (uint64_t s = r->first; s <= r->last && r->cap > 0; s++)
		capture_block_unref(r->slots[(s - 1) % r->cap].block);
	if (r->open != NULL)
		capture_block_unref(r->open);
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
		struct capture_slot *sl = &r->slots[(r->first - 1) % r->cap];
		capture_block_unref(sl->block);
		sl->block = NULL;
		r->first++;
	}
}

/* Make the ring cap slots big (the console_buffer setting may change). */
static void
capture_resize(struct capture_ring *r, size_t cap)
{
	struct capture_slot *slots;

	if (cap == r->cap)
		return;
	capture_trim(r, cap);
	slots = g_new0(struct capture_slot, cap);
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
	return &r->slots[(seq - 1) % r->cap].e;
}

/* The plain bytes of block b (inflated into the cache when sealed). */
static const char *
capture_block_plain(const struct capture_block *b)
{
	uLongf len;

	if (b->zlen == 0)
		return (const char *)b->data;
	if (cache.block == b)
		return cache.plain;
	g_free(cache.plain);
	cache.plain = g_malloc(b->plain_len);
	len = b->plain_len;
	if (uncompress((Bytef *)cache.plain, &len, b->data, b->zlen) != Z_OK || len != b->plain_len)
		memset(cache.plain, 0, b->plain_len); /* cannot happen: our own data */
	cache.block = b;
	return cache.plain;
}

char *
capture_xml(const struct capture_entry *e)
{
	const struct capture_slot *sl = (const struct capture_slot *)e;

	return g_strndup(capture_block_plain(sl->block) + sl->off, sl->len);
}

bool
capture_contains(const struct capture_entry *e, const char *needle)
{
	const struct capture_slot *sl = (const struct capture_slot *)e;

	/* the text ends with its NUL in the block: no copy */
	return strstr(capture_block_plain(sl->block) + sl->off, needle) != NULL;
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
	capture_block_seal(r);
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
			    ? &r->slots[(seq - 1) % r->cap].e : NULL;
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

struct capture_packed *
capture_pack(const char *xml, bool out, int64_t time, size_t size)
{
	struct capture_packed *p = g_new0(struct capture_packed, 1);
	struct capture_entry *e = &p->e;

	p->xml = g_strdup(xml);
	e->time = time;
	e->rtt = -1;
	e->size = (uint32_t)MIN(size, UINT32_MAX);
	e->out = out;
	e->kind = capture_kind_of(xml);
	e->redacted = strstr(xml, " removed") != NULL &&
	    (strstr(xml, "[SASL data removed") != NULL || strstr(xml, "[password removed]") != NULL);
	if (e->kind == CAP_IQ) {
		capture_tag(xml, "type", NULL, &p->iq_type);
		capture_tag(xml, "id", NULL, &p->iq_id);
	}
	return p;
}

void
capture_packed_free(struct capture_packed *p)
{
	if (p == NULL)
		return;
	g_free(p->xml);
	g_free(p->iq_type);
	g_free(p->iq_id);
	g_free(p);
}

/* Append text (len bytes and a NUL) to r's open block, opening one; the
 * block it went to and the offset come back. */
static struct capture_block *
capture_block_append(struct capture_ring *r, const char *text, uint32_t len, uint32_t *off)
{
	struct capture_block *b = r->open;

	if (b == NULL) {
		b = g_new0(struct capture_block, 1);
		b->room = MAX(CAPTURE_BLOCK, (size_t)len + 1);
		b->data = g_malloc(b->room);
		b->refs = 1; /* the ring's, while it is open */
		r->open = b;
	} else if (b->plain_len + (size_t)len + 1 > b->room) {
		b->room = MAX(b->room * 2, (size_t)b->plain_len + len + 1);
		b->data = g_realloc(b->data, b->room);
	}
	*off = b->plain_len;
	memcpy(b->data + b->plain_len, text, len);
	b->data[b->plain_len + len] = '\0';
	b->plain_len += len + 1;
	b->refs++;
	return b;
}

/* Keep one captured element. */
static void
capture_add(const char *account, const struct capture_packed *p)
{
	struct capture_ring *r = capture_ring(account, true);
	size_t n = strlen(p->xml);
	uint32_t len = (uint32_t)MIN(n, (size_t)UINT32_MAX / 2);
	struct capture_slot *sl;

	capture_resize(r, (size_t)settings_int("console_buffer"));
	capture_trim(r, r->cap - 1);
	sl = &r->slots[r->last % r->cap];
	sl->e = p->e;
	sl->e.seq = r->last + 1;
	sl->block = capture_block_append(r, p->xml, len, &sl->off);
	sl->len = len;
	r->last = sl->e.seq;
	if (r->open->plain_len >= CAPTURE_BLOCK)
		capture_block_seal(r);
	if (sl->e.kind == CAP_IQ)
		capture_pair(r, &sl->e, p->iq_type, p->iq_id);
}

static void
capture_on_event(const struct event *ev, void *unused)
{
	if (ev->type == EV_STANZA && ev->u.stanza.packed != NULL)
		capture_add(ev->account, ev->u.stanza.packed);
}

void
capture_free_all(void)
{
	if (rings != NULL)
		g_hash_table_destroy(rings);
	rings = NULL;
	g_free(cache.plain);
	cache.block = NULL;
	cache.plain = NULL;
	capture_view_free();
}

void
capture_init(void)
{
	bus_subscribe(EV_STANZA, capture_on_event, NULL);
}
