/* tmpdir.h - shared by the unit tests that work in a temporary directory:
 * removing it again. */
#ifndef NATTER_TEST_TMPDIR_H
#define NATTER_TEST_TMPDIR_H

#include <glib.h>
#include <glib/gstdio.h>

/* Remove path and everything under it (symbolic links are removed, not
 * followed). */
static void
tmpdir_remove(const char *path)
{
	GDir *d = g_file_test(path, G_FILE_TEST_IS_SYMLINK) ? NULL : g_dir_open(path, 0, NULL);
	const char *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(path, name, NULL);
		tmpdir_remove(p);
		g_free(p);
	}
	if (d != NULL)
		g_dir_close(d);
	g_remove(path);
}

#endif
