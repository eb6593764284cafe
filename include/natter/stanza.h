/* stanza.h - XML of single protocol elements, through libxml2: checking
 * what the user typed before it is sent, XPath matching for the console's
 * filters, and pretty-printing into styled spans for display.
 *
 * Elements here are one top-level XML element as text, the way the console
 * captures them: the stream header "<stream:stream ...>" has no end tag,
 * and prefixes such as "stream:" may be undeclared in captured text, so the
 * matching and printing functions parse leniently (recover mode, with the
 * stream namespaces predeclared).  Sending is strict.  Main thread only.
 */
#ifndef NATTER_STANZA_H
#define NATTER_STANZA_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

/* Check xml (typed by the user) before it is sent: it must be exactly one
 * well-formed, namespace-well-formed element (whitespace around it is
 * allowed), with no DTD, processing instruction, comment or entity
 * declaration.  On success returns the element serialized again (to
 * g_free), with an id attribute added to an <iq> that has none (new_id()
 * supplies it, to g_free; *id_out, when not NULL, gets a copy of the iq's
 * id, to g_free).  On failure returns NULL and *err (to g_free) gets a
 * message that quotes the parser, with line and column. */
char *stanza_check(const char *xml, char *(*new_id)(void), char **id_out, char **err);

/* A compiled XPath 1.0 expression with its namespace prefixes. */
struct stanza_xpath;

/* Compile expr.  ns lists prefix=URI pairs separated by blanks (may be
 * NULL), e.g. "m=urn:xmpp:mam:2 d=http://jabber.org/protocol/disco#info";
 * the prefixes "client" (jabber:client) and "stream" are always known.
 * NULL with *err (to g_free) when the expression does not compile. */
struct stanza_xpath *stanza_xpath_new(const char *expr, const char *ns, char **err);
void stanza_xpath_free(struct stanza_xpath *xp);
/* True when the expression selects anything in element xml (a node set
 * that is not empty, a true boolean, a non-zero number or a non-empty
 * string).  Captured stanzas carry no xmlns of their own (libstrophe
 * writes them without jabber:client), so "//message[@type='chat']/body"
 * matches them as written; a child with its own xmlns needs a prefix:
 * "//r:query" with ns "r=jabber:iq:roster". */
bool stanza_xpath_match(struct stanza_xpath *xp, const char *xml);

/* Kinds of the spans of a pretty-printed element (a theme key each). */
enum stanza_span_kind {
	SPAN_PUNCT,     /* < > </ /> = and quotes */
	SPAN_ELEMENT,   /* element names */
	SPAN_ATTR,      /* attribute names */
	SPAN_VALUE,     /* attribute values */
	SPAN_NS,        /* xmlns and xmlns:p attributes, names and values */
	SPAN_TEXT,      /* character data */
	SPAN_MARKER     /* a redaction marker or a fold mark (" …") */
};

struct stanza_span {
	enum stanza_span_kind kind;
	size_t off, len; /* bytes of the line's text */
};

/* One line of a pretty-printed element: its indent in levels (two columns
 * each), its text, and the spans that cover the text from start to end. */
struct stanza_line {
	int indent;
	char *text;
	GArray *spans; /* struct stanza_span */
};

/* Pretty-print xml: one line per start tag, end tag and text node,
 * indented by depth; text longer than one line stays one line (the
 * drawing code wraps it).  When the element does not parse, one line of
 * SPAN_TEXT with xml as it is.  A GPtrArray of struct stanza_line (free it
 * with g_ptr_array_unref). */
GPtrArray *stanza_pretty(const char *xml);
/* The element on one line (spaces between tags collapsed, as captured),
 * at most max_bytes of it (cut on a character boundary) with spans; when
 * cut, the last span is SPAN_MARKER " …".  A single struct stanza_line
 * (free with stanza_line_free). */
struct stanza_line *stanza_oneline(const char *xml, size_t max_bytes);
void stanza_line_free(struct stanza_line *l);

#endif
