/* xml2.h - private to src/core: libxml2, loaded when first needed.
 *
 * libxml2 serves only the raw-stanza console (checking what is sent,
 * XPath filters, pretty-printing), and on Debian it brings ICU and
 * libstdc++ with it: about 2.7 MB of resident memory in every natter
 * that links it, console or not.  So natter does not link it: the first
 * console call dlopens it (xml2_load), and the names below call through
 * the table it fills.  Include this instead of libxml2's headers.
 */
#ifndef NATTER_CORE_XML2_H
#define NATTER_CORE_XML2_H

#include <stdbool.h>

#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

/* Every libxml2 function natter calls, by name. */
#define XML2_FUNCTIONS(X) \
	X(__xmlGenericError) X(__xmlGenericErrorContext) \
	X(__xmlStructuredError) X(__xmlStructuredErrorContext) \
	X(xmlBufferContent) X(xmlBufferCreate) X(xmlBufferFree) X(xmlBufferLength) \
	X(xmlCtxtReadMemory) X(xmlDocGetRootElement) X(xmlDocSetRootElement) X(xmlFreeDoc) \
	X(xmlFreeNode) X(xmlFreeNs) X(xmlFreeParserCtxt) X(xmlGetLineNo) X(xmlGetNoNsProp) \
	X(xmlInitParser) X(xmlNewDoc) X(xmlNewDocNode) X(xmlNewParserCtxt) X(xmlNodeGetContent) \
	X(xmlSaveClose) X(xmlSaveToBuffer) X(xmlSaveTree) X(xmlSetGenericErrorFunc) \
	X(xmlSetProp) X(xmlSetStructuredErrorFunc) X(xmlStrEqual) X(xmlUnlinkNode) \
	X(xmlValidateNCName) X(xmlXPathCastToBoolean) X(xmlXPathCompiledEval) \
	X(xmlXPathCtxtCompile) X(xmlXPathFreeCompExpr) X(xmlXPathFreeContext) \
	X(xmlXPathFreeObject) X(xmlXPathNewContext) X(xmlXPathNsLookup) X(xmlXPathRegisterNs)

struct xml2_api {
#define XML2_MEMBER(f) __typeof__(&f) f;
	XML2_FUNCTIONS(XML2_MEMBER)
#undef XML2_MEMBER
	xmlFreeFunc *free_fn; /* the variable xmlFree */
};

extern struct xml2_api xml2;

/* Load libxml2 once; later calls return the first result.  false with
 * *err (static text) when it cannot be loaded. */
bool xml2_load(const char **err);

/* From here on the names call through the table. */
#define __xmlGenericError xml2.__xmlGenericError
#define __xmlGenericErrorContext xml2.__xmlGenericErrorContext
#define __xmlStructuredError xml2.__xmlStructuredError
#define __xmlStructuredErrorContext xml2.__xmlStructuredErrorContext
#define xmlBufferContent xml2.xmlBufferContent
#define xmlBufferCreate xml2.xmlBufferCreate
#define xmlBufferFree xml2.xmlBufferFree
#define xmlBufferLength xml2.xmlBufferLength
#define xmlCtxtReadMemory xml2.xmlCtxtReadMemory
#define xmlDocGetRootElement xml2.xmlDocGetRootElement
#define xmlDocSetRootElement xml2.xmlDocSetRootElement
#define xmlFreeDoc xml2.xmlFreeDoc
#define xmlFreeNode xml2.xmlFreeNode
#define xmlFreeNs xml2.xmlFreeNs
#define xmlFreeParserCtxt xml2.xmlFreeParserCtxt
#define xmlGetLineNo xml2.xmlGetLineNo
#define xmlGetNoNsProp xml2.xmlGetNoNsProp
#define xmlInitParser xml2.xmlInitParser
#define xmlNewDoc xml2.xmlNewDoc
#define xmlNewDocNode xml2.xmlNewDocNode
#define xmlNewParserCtxt xml2.xmlNewParserCtxt
#define xmlNodeGetContent xml2.xmlNodeGetContent
#define xmlSaveClose xml2.xmlSaveClose
#define xmlSaveToBuffer xml2.xmlSaveToBuffer
#define xmlSaveTree xml2.xmlSaveTree
#define xmlSetGenericErrorFunc xml2.xmlSetGenericErrorFunc
#define xmlSetProp xml2.xmlSetProp
#define xmlSetStructuredErrorFunc xml2.xmlSetStructuredErrorFunc
#define xmlStrEqual xml2.xmlStrEqual
#define xmlUnlinkNode xml2.xmlUnlinkNode
#define xmlValidateNCName xml2.xmlValidateNCName
#define xmlXPathCastToBoolean xml2.xmlXPathCastToBoolean
#define xmlXPathCompiledEval xml2.xmlXPathCompiledEval
#define xmlXPathCtxtCompile xml2.xmlXPathCtxtCompile
#define xmlXPathFreeCompExpr xml2.xmlXPathFreeCompExpr
#define xmlXPathFreeContext xml2.xmlXPathFreeContext
#define xmlXPathFreeObject xml2.xmlXPathFreeObject
#define xmlXPathNewContext xml2.xmlXPathNewContext
#define xmlXPathNsLookup xml2.xmlXPathNsLookup
#define xmlXPathRegisterNs xml2.xmlXPathRegisterNs
#undef xmlFree
#define xmlFree (*xml2.free_fn)

#endif
