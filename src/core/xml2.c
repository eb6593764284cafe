/* xml2.c - loading libxml2 on first use (see xml2.h for why). */
#include "config.h"

#include <dlfcn.h>

#include <glib.h>

#include "xml2.h"

struct xml2_api xml2;

/* The real names: xml2.h maps them to the table, so spell them as text. */
static const char *const xml2_names[] = {
#define XML2_NAME(f) #f,
	XML2_FUNCTIONS(XML2_NAME)
#undef XML2_NAME
};

/* xml2_load fills the table as an array of pointers: it must be one. */
G_STATIC_ASSERT(sizeof(struct xml2_api) == (G_N_ELEMENTS(xml2_names) + 1) * sizeof(void *));

bool
xml2_load(const char **err)
{
	static gsize once;
	static const char *failure;

	if (g_once_init_enter(&once)) {
		void *h = dlopen(NATTER_XML2_SONAME, RTLD_NOW | RTLD_LOCAL);
		void **slot = (void **)&xml2;

		if (h == NULL) {
			failure = "libxml2 (" NATTER_XML2_SONAME ") cannot be loaded: install the "
			    "Debian package libxml2";
		} else {
			/* the table's members are the functions in XML2_FUNCTIONS order */
			for (size_t i = 0; i < G_N_ELEMENTS(xml2_names) && failure == NULL; i++) {
				slot[i] = dlsym(h, xml2_names[i]);
				if (slot[i] == NULL)
					failure = "libxml2 lacks a function natter needs";
			}
			xml2.free_fn = failure == NULL ? dlsym(h, "xmlFree") : NULL;
			if (failure == NULL && xml2.free_fn == NULL)
				failure = "libxml2 lacks xmlFree";
			if (failure == NULL)
				xmlInitParser(); /* through the table */
		}
		g_once_init_leave(&once, 1);
	}
	if (failure != NULL && err != NULL)
		*err = failure;
	return failure == NULL;
}
