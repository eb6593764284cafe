/* stanza.c - one XML element at a time through libxml2: the strict check of
 * what the user typed for the raw console, XPath filters over captured
 * elements, and pretty-printing into lines of styled spans.  See
 * include/natter/stanza.h.
 *
 * libxml2 reports through global handlers that print to stderr by default,
 * which would scribble over the full-screen UI: every entry point here
 * points both handlers (structured and generic) at a collector for the
 * length of the call and puts the caller's back before returning. */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "natter/stanza.h"
#include "xml2.h"

#define STANZA_NS_CLIENT "jabber:client"
#define STANZA_NS_SERVER "jabber:server"
#define STANZA_NS_STREAM "http://etherx.jabber.org/streams"
/* The element the lenient parse puts around captured text. */
#define STANZA_WRAP "natter-wrap"
#define STANZA_STREAM_OPEN "<stream:stream"
#define STANZA_STREAM_CLOSE "</stream:stream>"
/* Text up to this long (escaped, without a newline) stays on its
 * element's line in stanza_pretty. */
#define STANZA_SHORT_TEXT 60
#define STANZA_FOLD " \xe2\x80\xa6" /* " …" */
#define STANZA_LENIENT (XML_PARSE_RECOVER | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | \
	XML_PARSE_NONET)

/* --- errors ----------------------------------------------------------- */

/* What libxml2 reported during one call. */
struct stanza_errs {
	char *first;   /* the first error or warning, formatted (g_free) */
	char *generic; /* the first message of the generic channel (g_free) */
	int code;      /* libxml2's code of the first */
	int n;         /* how many errors and warnings */
};

/* The caller's libxml2 handlers, saved for the length of a call. */
struct stanza_quiet {
	xmlStructuredErrorFunc serror;
	void *sctx;
	xmlGenericErrorFunc gerror;
	void *gctx;
};

/* A copy of libxml2's message m on one line, without its final newline
 * (to g_free). */
static char *
stanza_msg_clean(const char *m)
{
	char *s = g_utf8_make_valid(m != NULL ? m : "unknown error", -1);
	char *p;

	g_strstrip(s);
	for (p = s; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return s;
}

/* Structured handler: keeps the first error of the call, formatted with
 * its line and column (parser) or position (XPath), in the stanza_errs
 * that data points to. */
static void
stanza_on_error(void *data, xmlErrorPtr e)
{
	struct stanza_errs *errs = data;
	char *msg;

	errs->n++;
	if (errs->first != NULL || e == NULL)
		return;
	errs->code = e->code;
	msg = stanza_msg_clean(e->message);
	if (e->domain == XML_FROM_XPATH && e->str1 != NULL) {
		errs->first = g_strdup_printf("%s at column %d of \"%s\"", msg, e->int1 + 1,
		    e->str1);
		g_free(msg);
	} else if (e->domain == XML_FROM_XPATH && errs->generic != NULL) {
		const char *detail = strstr(errs->generic, ": ");

		/* "xmlXPathCompOpEval: function f not found" names the culprit */
		detail = detail != NULL && g_str_has_prefix(errs->generic, "xml") ?
		    detail + 2 : errs->generic;
		errs->first = g_strdup_printf("%s (%s)", msg, detail);
		g_free(msg);
	} else if (e->line > 0 && e->int2 > 0) {
		errs->first = g_strdup_printf("line %d, column %d: %s", e->line, e->int2, msg);
		g_free(msg);
	} else if (e->line > 0) {
		errs->first = g_strdup_printf("line %d: %s", e->line, msg);
		g_free(msg);
	} else {
		errs->first = msg;
	}
}

/* Generic handler: keeps the first message in the stanza_errs that data
 * points to, so nothing reaches stderr. */
static void
stanza_on_generic(void *data, const char *fmt, ...)
{
	struct stanza_errs *errs = data;
	va_list ap;
	char *m;

	if (errs->generic != NULL || fmt == NULL)
		return;
	va_start(ap, fmt);
	m = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	errs->generic = stanza_msg_clean(m);
	g_free(m);
}

/* Save the caller's libxml2 handlers in q and send everything to errs
 * until stanza_quiet_end. */
static void
stanza_quiet_begin(struct stanza_quiet *q, struct stanza_errs *errs)
{
	xmlInitParser();
	q->serror = xmlStructuredError;
	q->sctx = xmlStructuredErrorContext;
	q->gerror = xmlGenericError;
	q->gctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(errs, stanza_on_error);
	xmlSetGenericErrorFunc(errs, stanza_on_generic);
}

/* Put back the handlers saved in q. */
static void
stanza_quiet_end(struct stanza_quiet *q)
{
	xmlSetStructuredErrorFunc(q->sctx, q->serror);
	xmlSetGenericErrorFunc(q->gctx, q->gerror);
}

/* Free what errs holds (not errs itself). */
static void
stanza_errs_clear(struct stanza_errs *errs)
{
	g_free(errs->first);
	g_free(errs->generic);
	memset(errs, 0, sizeof(*errs));
}

/* --- strict check ----------------------------------------------------- */

/* True when s (after any leading whitespace) starts with an XML
 * declaration. */
static bool
stanza_is_xml_decl(const char *s)
{
	return strncmp(s, "<?xml", 5) == 0 &&
	    (s[5] == '?' || s[5] == ' ' || s[5] == '\t' || s[5] == '\r' || s[5] == '\n');
}

/* The first thing XMPP forbids in the subtree of n (or n itself), as a
 * message naming its line (to g_free), or NULL when there is none. */
static char *
stanza_forbidden(xmlNodePtr n)
{
	char *why;

	for (; n != NULL; n = n->next) {
		switch (n->type) {
		case XML_DTD_NODE:
		case XML_DOCUMENT_TYPE_NODE:
		case XML_ENTITY_DECL:
			return g_strdup_printf("line %ld: a DOCTYPE (DTD) cannot be sent: "
			    "XMPP forbids DTDs and entity declarations", xmlGetLineNo(n));
		case XML_PI_NODE:
			return g_strdup_printf("line %ld: a processing instruction "
			    "(<?%s ...?>) cannot be sent: XMPP forbids them", xmlGetLineNo(n),
			    n->name != NULL ? (const char *)n->name : "");
		case XML_COMMENT_NODE:
			return g_strdup_printf("line %ld: a comment (<!-- ... -->) cannot be "
			    "sent: XMPP forbids comments", xmlGetLineNo(n));
		case XML_ENTITY_REF_NODE:
			return g_strdup_printf("line %ld: the entity reference &%s; cannot be "
			    "sent: XMPP allows only the predefined entities", xmlGetLineNo(n),
			    n->name != NULL ? (const char *)n->name : "");
		case XML_ELEMENT_NODE:
			if ((why = stanza_forbidden(n->children)) != NULL)
				return why;
			break;
		default:
			break;
		}
	}
	return NULL;
}

/* True when element n is an IQ stanza (no namespace, or a stanza one). */
static bool
stanza_is_iq(xmlNodePtr n)
{
	if (!xmlStrEqual(n->name, BAD_CAST "iq"))
		return false;
	return n->ns == NULL || xmlStrEqual(n->ns->href, BAD_CAST STANZA_NS_CLIENT) ||
	    xmlStrEqual(n->ns->href, BAD_CAST STANZA_NS_SERVER);
}

/* Element n serialized without an XML declaration, in UTF-8 (to g_free),
 * or NULL. */
static char *
stanza_serialize(xmlNodePtr n)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr save;
	char *out = NULL;

	if (buf == NULL)
		return NULL;
	save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_NO_DECL);
	if (save != NULL) {
		xmlSaveTree(save, n);
		xmlSaveClose(save);
		out = g_strndup((const char *)xmlBufferContent(buf), xmlBufferLength(buf));
	}
	xmlBufferFree(buf);
	return out;
}

/* Check xml strictly and return it serialized again (to g_free), with an
 * id set on an <iq> without one from new_id() (which the caller's function
 * returns to g_free; this frees it); *id_out (to g_free) gets the iq's id,
 * *err (to g_free) why xml was refused. */
char *
stanza_check(const char *xml, char *(*new_id)(void), char **id_out, char **err)
{
	struct stanza_errs errs = { 0 };
	struct stanza_quiet q;
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	char *out = NULL, *why = NULL, *id = NULL;
	const char *p;
	size_t len;

	if (id_out != NULL)
		*id_out = NULL;
	if (err != NULL)
		*err = NULL;
	for (p = xml != NULL ? xml : ""; g_ascii_isspace(*p); p++)
		;
	len = xml != NULL ? strlen(xml) : 0;
	if (*p == '\0') {
		why = g_strdup("nothing to send: no XML element given");
		goto out;
	}
	{
		const char *lerr;
		if (!xml2_load(&lerr)) {
			why = g_strdup(lerr);
			goto out;
		}
	}
	if (stanza_is_xml_decl(p)) {
		const char *c, *bol = xml;
		int line = 1;

		for (c = xml; c < p; c++)
			if (*c == '\n') {
				line++;
				bol = c + 1;
			}
		why = g_strdup_printf("line %d, column %d: an XML declaration (<?xml ...?>) "
		    "cannot be sent: XMPP forbids it inside a stream; send the element alone",
		    line, (int)(p - bol) + 1);
		goto out;
	}
	if (len > INT_MAX) {
		why = g_strdup("too long to send");
		goto out;
	}

	stanza_quiet_begin(&q, &errs);
	ctxt = xmlNewParserCtxt();
	if (ctxt != NULL)
		doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, "UTF-8", XML_PARSE_NONET);
	stanza_quiet_end(&q);

	if (errs.first != NULL) {
		if (errs.code == XML_ERR_DOCUMENT_END)
			why = g_strdup_printf("%s (only one element can be sent at a time)",
			    errs.first);
		else if (errs.code == XML_ERR_DOCUMENT_EMPTY)
			why = g_strdup_printf("%s (send one XML element)", errs.first);
		else
			why = g_strdup(errs.first);
		goto out;
	}
	if (ctxt == NULL || doc == NULL || !ctxt->wellFormed || !ctxt->nsWellFormed ||
	    (root = xmlDocGetRootElement(doc)) == NULL) {
		why = g_strdup("not well-formed XML");
		goto out;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		why = g_strdup("a DOCTYPE (DTD) cannot be sent: XMPP forbids DTDs and "
		    "entity declarations");
		goto out;
	}
	if ((why = stanza_forbidden(doc->children)) != NULL)
		goto out;

	if (stanza_is_iq(root)) {
		xmlChar *have = xmlGetNoNsProp(root, BAD_CAST "id");

		if (have != NULL) {
			id = g_strdup((const char *)have);
			xmlFree(have);
		} else if (new_id != NULL && (id = new_id()) != NULL) {
			xmlSetProp(root, BAD_CAST "id", BAD_CAST id);
		}
	}
	stanza_quiet_begin(&q, &errs);
	out = stanza_serialize(root);
	stanza_quiet_end(&q);
	if (out == NULL)
		why = g_strdup("could not serialize the element");

out:
	if (out != NULL && id_out != NULL) {
		*id_out = id;
		id = NULL;
	}
	g_free(id);
	if (why != NULL && err != NULL)
		*err = why;
	else
		g_free(why);
	if (doc != NULL)
		xmlFreeDoc(doc);
	if (ctxt != NULL)
		xmlFreeParserCtxt(ctxt);
	stanza_errs_clear(&errs);
	return out;
}

/* --- lenient parse ---------------------------------------------------- */

/* The result of parsing captured text leniently. */
struct stanza_parsed {
	xmlDocPtr doc;       /* root: the STANZA_WRAP element (xmlFreeDoc) */
	bool clean;          /* parsed with no fatal error (recovery not needed) */
	bool open;           /* a stream header whose end tag was added */
	const char *decl;    /* the XML declaration in the input, or NULL */
	size_t decl_len;
};

/* Parse captured xml with ctxt inside a wrapper that declares the stream
 * prefix (closing an open stream header) into *pp; pp->doc is NULL when
 * nothing came of it.  The caller frees pp->doc. */
static void
stanza_parse_lenient(xmlParserCtxtPtr ctxt, const char *xml, struct stanza_parsed *pp)
{
	const char *p = xml, *end;
	GString *s;

	memset(pp, 0, sizeof(*pp));
	while (g_ascii_isspace(*p))
		p++;
	if (stanza_is_xml_decl(p)) {
		const char *q = strstr(p, "?>");

		if (q != NULL) {
			pp->decl = p;
			pp->decl_len = (size_t)(q + 2 - p);
			p = q + 2;
			while (g_ascii_isspace(*p))
				p++;
		}
	}
	end = p + strlen(p);
	while (end > p && g_ascii_isspace(end[-1]))
		end--;
	if (end == p || end - p > INT_MAX / 2)
		return;
	pp->open = strncmp(p, STANZA_STREAM_OPEN, strlen(STANZA_STREAM_OPEN)) == 0 &&
	    (g_ascii_isspace(p[strlen(STANZA_STREAM_OPEN)]) ||
	    p[strlen(STANZA_STREAM_OPEN)] == '>') &&
	    !(end - p >= 2 && end[-2] == '/' && end[-1] == '>') &&
	    !(end - p >= (ptrdiff_t)strlen(STANZA_STREAM_CLOSE) &&
	    strncmp(end - strlen(STANZA_STREAM_CLOSE), STANZA_STREAM_CLOSE,
	    strlen(STANZA_STREAM_CLOSE)) == 0);

	s = g_string_sized_new((gsize)(end - p) + 100);
	g_string_append(s, "<" STANZA_WRAP " xmlns:stream='" STANZA_NS_STREAM "'>");
	g_string_append_len(s, p, end - p);
	if (pp->open)
		g_string_append(s, STANZA_STREAM_CLOSE);
	g_string_append(s, "</" STANZA_WRAP ">");
	pp->doc = xmlCtxtReadMemory(ctxt, s->str, (int)s->len, NULL, "UTF-8", STANZA_LENIENT);
	pp->clean = pp->doc != NULL && ctxt->wellFormed;
	g_string_free(s, TRUE);
}

/* The first element child of n, or NULL. */
static xmlNodePtr
stanza_first_element(xmlNodePtr n)
{
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return n;
	return NULL;
}

/* Make the first element inside the wrapper of doc the document's root,
 * handing it the wrapper's namespace declarations it does not make itself,
 * and free the wrapper with the rest of its content; returns the new root
 * or NULL. */
static xmlNodePtr
stanza_reroot(xmlDocPtr doc)
{
	xmlNodePtr wrap = xmlDocGetRootElement(doc);
	xmlNodePtr el = stanza_first_element(wrap);
	xmlNsPtr ns, next, *tail;

	if (el == NULL)
		return NULL;
	xmlUnlinkNode(el);
	for (tail = &el->nsDef; *tail != NULL; tail = &(*tail)->next)
		;
	for (ns = wrap->nsDef, wrap->nsDef = NULL; ns != NULL; ns = next) {
		xmlNsPtr mine;

		next = ns->next;
		for (mine = el->nsDef; mine != NULL; mine = mine->next)
			if (xmlStrEqual(mine->prefix, ns->prefix))
				break;
		ns->next = NULL;
		if (mine == NULL) {
			*tail = ns;
			tail = &ns->next;
		} else {
			/* nothing under el can use it: el declares the prefix */
			xmlFreeNs(ns);
		}
	}
	wrap = xmlDocSetRootElement(doc, el);
	if (wrap != NULL)
		xmlFreeNode(wrap);
	return el;
}

/* --- XPath ------------------------------------------------------------ */

struct stanza_xpath {
	xmlXPathCompExprPtr comp;
	xmlXPathContextPtr ctx;    /* with the prefixes registered */
	xmlParserCtxtPtr parser;   /* reused by every match */
};

/* True when c may appear in an XPath NCName (c may start one when
 * start). */
static inline bool
stanza_name_char(unsigned char c, bool start)
{
	if (g_ascii_isalpha(c) || c == '_' || c >= 0x80)
		return true;
	return !start && (g_ascii_isdigit(c) || c == '-' || c == '.');
}

/* The first prefix used in expr (a compiled expression: outside literals,
 * a name followed by one colon) that ctx does not know, to g_free, or
 * NULL. */
static char *
stanza_xpath_unknown_prefix(xmlXPathContextPtr ctx, const char *expr)
{
	const unsigned char *p = (const unsigned char *)expr, *start;

	while (*p != '\0') {
		if (*p == '\'' || *p == '"') {
			const char *q = strchr((const char *)p + 1, *p);

			if (q == NULL)
				break;
			p = (const unsigned char *)q + 1;
		} else if (stanza_name_char(*p, true)) {
			for (start = p; stanza_name_char(*p, false); p++)
				;
			if (p[0] == ':' && p[1] != ':') {
				char *prefix = g_strndup((const char *)start,
				    (gsize)(p - start));

				if (xmlXPathNsLookup(ctx, BAD_CAST prefix) == NULL)
					return prefix;
				g_free(prefix);
			}
		} else {
			p++;
		}
	}
	return NULL;
}

/* Register in ctx the prefixes of ns ("p=URI p2=URI2", may be NULL) after
 * the built-in ones; returns why one is not valid (to g_free) or NULL. */
static char *
stanza_xpath_register(xmlXPathContextPtr ctx, const char *ns)
{
	char **pairs, **pp;
	char *why = NULL;

	xmlXPathRegisterNs(ctx, BAD_CAST "client", BAD_CAST STANZA_NS_CLIENT);
	xmlXPathRegisterNs(ctx, BAD_CAST "stream", BAD_CAST STANZA_NS_STREAM);
	if (ns == NULL)
		return NULL;
	pairs = g_strsplit_set(ns, " \t\r\n", -1);
	for (pp = pairs; *pp != NULL && why == NULL; pp++) {
		char *eq = strchr(*pp, '=');

		if (**pp == '\0')
			continue;
		if (eq == NULL || eq == *pp || eq[1] == '\0') {
			why = g_strdup_printf("bad namespace \"%s\": expected prefix=URI", *pp);
			break;
		}
		*eq = '\0';
		if (xmlValidateNCName(BAD_CAST *pp, 0) != 0)
			why = g_strdup_printf("bad namespace prefix \"%s\"", *pp);
		else if (xmlXPathRegisterNs(ctx, BAD_CAST *pp, BAD_CAST(eq + 1)) != 0)
			why = g_strdup_printf("cannot register namespace prefix \"%s\"", *pp);
	}
	g_strfreev(pairs);
	return why;
}

/* Compile expr with the prefixes of ns (the result to stanza_xpath_free),
 * or NULL with *err (to g_free) saying why not. */
struct stanza_xpath *
stanza_xpath_new(const char *expr, const char *ns, char **err)
{
	struct stanza_xpath *xp = g_new0(struct stanza_xpath, 1);
	struct stanza_errs errs = { 0 };
	struct stanza_quiet q;
	char *why = NULL, *prefix;
	xmlDocPtr dummy = NULL;
	xmlNodePtr node;
	xmlXPathObjectPtr res;

	if (err != NULL)
		*err = NULL;
	{
		const char *lerr;
		if (!xml2_load(&lerr)) {
			if (err != NULL)
				*err = g_strdup(lerr);
			g_free(xp);
			return NULL;
		}
	}
	stanza_quiet_begin(&q, &errs);
	if (expr == NULL || *expr == '\0') {
		why = g_strdup("empty XPath expression");
		goto out;
	}
	xp->ctx = xmlXPathNewContext(NULL);
	xp->parser = xmlNewParserCtxt();
	if (xp->ctx == NULL || xp->parser == NULL) {
		why = g_strdup("out of memory");
		goto out;
	}
	if ((why = stanza_xpath_register(xp->ctx, ns)) != NULL)
		goto out;
	xp->comp = xmlXPathCtxtCompile(xp->ctx, BAD_CAST expr);
	if (xp->comp == NULL || errs.first != NULL) {
		why = g_strdup(errs.first != NULL ? errs.first : "Invalid expression");
		goto out;
	}
	if ((prefix = stanza_xpath_unknown_prefix(xp->ctx, expr)) != NULL) {
		why = g_strdup_printf("Undefined namespace prefix \"%s\" in \"%s\" "
		    "(give it as %s=URI)", prefix, expr, prefix);
		g_free(prefix);
		goto out;
	}
	/* unknown functions and variables show only when evaluated */
	dummy = xmlNewDoc(BAD_CAST "1.0");
	node = xmlNewDocNode(dummy, NULL, BAD_CAST "message", NULL);
	xmlDocSetRootElement(dummy, node);
	xp->ctx->doc = dummy;
	xp->ctx->node = node;
	res = xmlXPathCompiledEval(xp->comp, xp->ctx);
	xp->ctx->doc = NULL;
	xp->ctx->node = NULL;
	if (res == NULL || errs.first != NULL)
		why = g_strdup(errs.first != NULL ? errs.first : "XPath evaluation failed");
	xmlXPathFreeObject(res);

out:
	if (dummy != NULL)
		xmlFreeDoc(dummy);
	stanza_quiet_end(&q);
	stanza_errs_clear(&errs);
	if (why != NULL) {
		stanza_xpath_free(xp);
		if (err != NULL)
			*err = why;
		else
			g_free(why);
		return NULL;
	}
	return xp;
}

/* Free xp and all it holds (NULL is fine). */
void
stanza_xpath_free(struct stanza_xpath *xp)
{
	if (xp == NULL)
		return;
	if (xp->comp != NULL)
		xmlXPathFreeCompExpr(xp->comp);
	if (xp->ctx != NULL)
		xmlXPathFreeContext(xp->ctx);
	if (xp->parser != NULL)
		xmlFreeParserCtxt(xp->parser);
	g_free(xp);
}

/* True when xp selects anything in captured element xml, which is parsed
 * leniently and made the document root and the context node; nothing is
 * allocated for the caller. */
bool
stanza_xpath_match(struct stanza_xpath *xp, const char *xml)
{
	struct stanza_errs errs = { 0 };
	struct stanza_quiet q;
	struct stanza_parsed pp;
	xmlXPathObjectPtr res;
	xmlNodePtr el;
	bool hit = false;

	if (xp == NULL || xml == NULL)
		return false;
	stanza_quiet_begin(&q, &errs);
	stanza_parse_lenient(xp->parser, xml, &pp);
	if (pp.doc != NULL && (el = stanza_reroot(pp.doc)) != NULL) {
		xp->ctx->doc = pp.doc;
		xp->ctx->node = el;
		res = xmlXPathCompiledEval(xp->comp, xp->ctx);
		hit = res != NULL && xmlXPathCastToBoolean(res);
		xmlXPathFreeObject(res);
		xp->ctx->doc = NULL;
		xp->ctx->node = NULL;
	}
	if (pp.doc != NULL)
		xmlFreeDoc(pp.doc);
	stanza_quiet_end(&q);
	stanza_errs_clear(&errs);
	return hit;
}

/* --- pretty-printing -------------------------------------------------- */

/* A new empty line at indent (to stanza_line_free). */
static struct stanza_line *
stanza_line_new(int indent)
{
	struct stanza_line *l = g_new0(struct stanza_line, 1);

	l->indent = indent;
	l->text = g_strdup("");
	l->spans = g_array_new(FALSE, FALSE, sizeof(struct stanza_span));
	return l;
}

/* Free l, its text and its spans (NULL is fine). */
void
stanza_line_free(struct stanza_line *l)
{
	if (l == NULL)
		return;
	g_free(l->text);
	if (l->spans != NULL)
		g_array_unref(l->spans);
	g_free(l);
}

/* Where the printers write: a list of lines (pretty) or one line. */
struct stanza_out {
	GPtrArray *lines;          /* struct stanza_line, or NULL for one line */
	struct stanza_line *cur;   /* the line being written */
	GString *text;             /* its text */
};

/* Start a new line at indent when printing lines; one line keeps going. */
static void
stanza_out_line(struct stanza_out *o, int indent)
{
	if (o->cur != NULL && o->lines == NULL)
		return;
	if (o->cur != NULL) {
		g_free(o->cur->text);
		o->cur->text = g_string_free(o->text, FALSE);
		g_ptr_array_add(o->lines, o->cur);
	}
	o->cur = stanza_line_new(indent);
	o->text = g_string_new(NULL);
}

/* Finish the line being written and leave it in o->cur (one line) or in
 * o->lines. */
static void
stanza_out_end(struct stanza_out *o)
{
	if (o->cur == NULL)
		stanza_out_line(o, 0);
	g_free(o->cur->text);
	o->cur->text = g_string_free(o->text, FALSE);
	o->text = NULL;
	if (o->lines != NULL) {
		g_ptr_array_add(o->lines, o->cur);
		o->cur = NULL;
	}
}

/* Append len bytes of s (len -1: all) as a span of kind, merged with the
 * previous span when of the same kind. */
static void
stanza_put(struct stanza_out *o, enum stanza_span_kind kind, const char *s, gssize len)
{
	struct stanza_span sp;
	GArray *spans = o->cur->spans;

	if (len < 0)
		len = (gssize)strlen(s);
	if (len == 0)
		return;
	if (spans->len > 0) {
		struct stanza_span *last = &g_array_index(spans, struct stanza_span,
		    spans->len - 1);

		if (last->kind == kind && last->off + last->len == o->text->len) {
			last->len += (size_t)len;
			g_string_append_len(o->text, s, len);
			return;
		}
	}
	sp.kind = kind;
	sp.off = o->text->len;
	sp.len = (size_t)len;
	g_array_append_val(spans, sp);
	g_string_append_len(o->text, s, len);
}

/* s escaped for XML character data (with newlines as character references
 * when one_line), or for an attribute value in double quotes when attr
 * (to g_free). */
static char *
stanza_escape(const char *s, bool attr, bool one_line)
{
	GString *e = g_string_sized_new(strlen(s) + 8);

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': g_string_append(e, "&amp;"); break;
		case '<': g_string_append(e, "&lt;"); break;
		case '>': g_string_append(e, "&gt;"); break;
		case '\r': g_string_append(e, "&#13;"); break;
		case '"':
			g_string_append(e, attr ? "&quot;" : "\"");
			break;
		case '\n':
			g_string_append(e, attr || one_line ? "&#10;" : "\n");
			break;
		case '\t':
			g_string_append(e, attr ? "&#9;" : "\t");
			break;
		default:
			g_string_append_c(e, *s);
			break;
		}
	}
	return g_string_free(e, FALSE);
}

/* Append the name of n (element or attribute) with its prefix. */
static void
stanza_put_name(struct stanza_out *o, enum stanza_span_kind kind, xmlNodePtr n)
{
	if (n->ns != NULL && n->ns->prefix != NULL) {
		stanza_put(o, kind, (const char *)n->ns->prefix, -1);
		stanza_put(o, kind, ":", 1);
	}
	stanza_put(o, kind, (const char *)n->name, -1);
}

/* Append ` name="value"`, the name (n1 then n2) as kind nk and the value
 * (escaped here) as kind vk. */
static void
stanza_put_attr(struct stanza_out *o, enum stanza_span_kind nk, const char *n1,
    const char *n2, enum stanza_span_kind vk, const char *value)
{
	char *v = stanza_escape(value != NULL ? value : "", true, true);

	stanza_put(o, SPAN_PUNCT, " ", 1);
	stanza_put(o, nk, n1, -1);
	stanza_put(o, nk, n2, -1);
	stanza_put(o, SPAN_PUNCT, "=\"", 2);
	stanza_put(o, vk, v, -1);
	stanza_put(o, SPAN_PUNCT, "\"", 1);
	g_free(v);
}

/* Append the start tag of element n, closed by close (">" or "/>"). */
static void
stanza_put_start(struct stanza_out *o, xmlNodePtr n, const char *close)
{
	xmlNsPtr ns;
	xmlAttrPtr a;

	stanza_put(o, SPAN_PUNCT, "<", 1);
	stanza_put_name(o, SPAN_ELEMENT, n);
	for (ns = n->nsDef; ns != NULL; ns = ns->next)
		stanza_put_attr(o, SPAN_NS, ns->prefix != NULL ? "xmlns:" : "xmlns",
		    ns->prefix != NULL ? (const char *)ns->prefix : "", SPAN_NS,
		    (const char *)ns->href);
	for (a = n->properties; a != NULL; a = a->next) {
		xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
		bool prefixed = a->ns != NULL && a->ns->prefix != NULL;
		char *qname = g_strconcat(prefixed ? (const char *)a->ns->prefix : "",
		    prefixed ? ":" : "", (const char *)a->name, NULL);

		stanza_put_attr(o, SPAN_ATTR, qname, "", SPAN_VALUE, (const char *)v);
		g_free(qname);
		xmlFree(v);
	}
	stanza_put(o, SPAN_PUNCT, close, -1);
}

/* Append the end tag of element n. */
static void
stanza_put_end(struct stanza_out *o, xmlNodePtr n)
{
	stanza_put(o, SPAN_PUNCT, "</", 2);
	stanza_put_name(o, SPAN_ELEMENT, n);
	stanza_put(o, SPAN_PUNCT, ">", 1);
}

/* True when s is only whitespace. */
static bool
stanza_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (!g_ascii_isspace(*s))
			return false;
	return true;
}

/* True when s is a redaction marker of the console's tap, e.g.
 * "[password removed]" or "[SASL data removed: 24 bytes]". */
static bool
stanza_is_marker(const char *s)
{
	size_t n = strlen(s);

	return n > 2 && s[0] == '[' && s[n - 1] == ']' && strstr(s, " removed") != NULL &&
	    strchr(s + 1, '[') == NULL && strchr(s, ']') == s + n - 1;
}

/* Append character data s (already trimmed as wanted), as a marker when
 * it is one. */
static void
stanza_put_text(struct stanza_out *o, const char *s)
{
	char *e = stanza_escape(s, false, o->lines == NULL);

	stanza_put(o, stanza_is_marker(s) ? SPAN_MARKER : SPAN_TEXT, e, -1);
	g_free(e);
}

/* True when n is text or CDATA. */
static inline bool
stanza_is_text(xmlNodePtr n)
{
	return n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE;
}

/* True when element n holds one text node short enough to print on the
 * element's own line. */
static bool
stanza_short_text(xmlNodePtr n)
{
	xmlNodePtr t = n->children;
	const char *s;
	size_t len = 0;

	if (t == NULL || t->next != NULL || !stanza_is_text(t) || t->content == NULL)
		return false;
	for (s = (const char *)t->content; *s != '\0'; s++) {
		if (*s == '\n' || *s == '\r')
			return false;
		len += *s == '&' ? 5 : *s == '<' || *s == '>' ? 4 : 1;
		if (len > STANZA_SHORT_TEXT)
			return false;
	}
	return true;
}

/* Print the nodes from n on at depth; open means n is a stream header
 * whose end tag was added by the parse (its start tag is shown alone). */
static void
stanza_print(struct stanza_out *o, xmlNodePtr n, int depth, bool open)
{
	for (; n != NULL; n = n->next) {
		switch (n->type) {
		case XML_ELEMENT_NODE:
			stanza_out_line(o, depth);
			if (n->children == NULL && !open) {
				stanza_put_start(o, n, "/>");
			} else if (o->lines != NULL && !open && stanza_short_text(n)) {
				stanza_put_start(o, n, ">");
				stanza_put_text(o, (const char *)n->children->content);
				stanza_put_end(o, n);
			} else {
				stanza_put_start(o, n, ">");
				stanza_print(o, n->children, depth + 1, false);
				if (!open) {
					stanza_out_line(o, depth);
					stanza_put_end(o, n);
				}
			}
			break;
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (n->content == NULL || stanza_blank((const char *)n->content))
				break;
			stanza_out_line(o, depth);
			if (o->lines != NULL) {
				char *t = g_strstrip(g_strdup((const char *)n->content));

				stanza_put_text(o, t);
				g_free(t);
			} else {
				stanza_put_text(o, (const char *)n->content);
			}
			break;
		case XML_COMMENT_NODE:
			stanza_out_line(o, depth);
			stanza_put(o, SPAN_PUNCT, "<!--", 4);
			stanza_put(o, SPAN_TEXT,
			    n->content != NULL ? (const char *)n->content : "", -1);
			stanza_put(o, SPAN_PUNCT, "-->", 3);
			break;
		case XML_PI_NODE:
			stanza_out_line(o, depth);
			stanza_put(o, SPAN_PUNCT, "<?", 2);
			stanza_put(o, SPAN_ELEMENT, (const char *)n->name, -1);
			if (n->content != NULL && *n->content != '\0') {
				stanza_put(o, SPAN_PUNCT, " ", 1);
				stanza_put(o, SPAN_TEXT, (const char *)n->content, -1);
			}
			stanza_put(o, SPAN_PUNCT, "?>", 2);
			break;
		case XML_ENTITY_REF_NODE:
			stanza_out_line(o, depth);
			stanza_put(o, SPAN_TEXT, "&", 1);
			stanza_put(o, SPAN_TEXT, (const char *)n->name, -1);
			stanza_put(o, SPAN_TEXT, ";", 1);
			break;
		default:
			break;
		}
	}
}

/* Print captured xml into o: its declaration, then the elements parsed
 * leniently; false (o untouched) when it does not parse. */
static bool
stanza_print_xml(struct stanza_out *o, const char *xml)
{
	struct stanza_errs errs = { 0 };
	struct stanza_quiet q;
	struct stanza_parsed pp = { 0 };
	xmlParserCtxtPtr ctxt;
	xmlNodePtr wrap = NULL;
	bool ok = false;

	if (xml == NULL || !xml2_load(NULL))
		return false;
	stanza_quiet_begin(&q, &errs);
	ctxt = xmlNewParserCtxt();
	if (ctxt != NULL)
		stanza_parse_lenient(ctxt, xml, &pp);
	if (pp.doc != NULL && pp.clean)
		wrap = xmlDocGetRootElement(pp.doc);
	if (wrap != NULL && stanza_first_element(wrap) != NULL) {
		if (pp.decl != NULL) {
			char *d = g_utf8_make_valid(pp.decl, (gssize)pp.decl_len);

			stanza_out_line(o, 0);
			stanza_put(o, SPAN_PUNCT, d, -1);
			g_free(d);
		}
		stanza_print(o, wrap->children, 0, pp.open);
		ok = true;
	}
	if (pp.doc != NULL)
		xmlFreeDoc(pp.doc);
	if (ctxt != NULL)
		xmlFreeParserCtxt(ctxt);
	stanza_quiet_end(&q);
	stanza_errs_clear(&errs);
	return ok;
}

/* Pretty-print captured xml into lines (a GPtrArray of struct stanza_line
 * the caller frees with g_ptr_array_unref, which frees the lines). */
GPtrArray *
stanza_pretty(const char *xml)
{
	struct stanza_out o = { 0 };

	o.lines = g_ptr_array_new_with_free_func((GDestroyNotify)stanza_line_free);
	if (!stanza_print_xml(&o, xml)) {
		char *raw = g_utf8_make_valid(xml != NULL ? xml : "", -1);

		stanza_out_line(&o, 0);
		stanza_put(&o, SPAN_TEXT, raw, -1);
		g_free(raw);
	}
	stanza_out_end(&o);
	return o.lines;
}

/* Captured xml on one line (a newline in text written "&#10;"), cut to
 * max_bytes with " …" at the end when longer (the caller frees it with
 * stanza_line_free).  The fold mark counts in max_bytes unless max_bytes
 * is shorter than the mark itself. */
struct stanza_line *
stanza_oneline(const char *xml, size_t max_bytes)
{
	struct stanza_out o = { 0 };
	struct stanza_line *l;
	size_t cut, fold = strlen(STANZA_FOLD), i;
	GArray *spans;

	if (!stanza_print_xml(&o, xml)) {
		char *raw = g_utf8_make_valid(xml != NULL ? xml : "", -1), *p;

		for (p = raw; *p != '\0'; p++)
			if (*p == '\n' || *p == '\r' || *p == '\t')
				*p = ' ';
		stanza_out_line(&o, 0);
		stanza_put(&o, SPAN_TEXT, raw, -1);
		g_free(raw);
	}
	stanza_out_end(&o);
	l = o.cur;
	if (strlen(l->text) <= max_bytes)
		return l;

	cut = max_bytes > fold ? max_bytes - fold : 0;
	while (cut > 0 && ((unsigned char)l->text[cut] & 0xC0) == 0x80)
		cut--;
	l->text[cut] = '\0';
	spans = l->spans;
	for (i = 0; i < spans->len; i++) {
		struct stanza_span *sp = &g_array_index(spans, struct stanza_span, i);

		if (sp->off >= cut) {
			g_array_set_size(spans, i);
			break;
		}
		if (sp->off + sp->len > cut)
			sp->len = cut - sp->off;
	}
	/* a span of its own, even after a redaction marker */
	{
		struct stanza_span sp = { SPAN_MARKER, cut, fold };

		g_array_append_val(spans, sp);
		l->text = g_realloc(l->text, cut + fold + 1);
		memcpy(l->text + cut, STANZA_FOLD, fold + 1);
	}
	return l;
}
