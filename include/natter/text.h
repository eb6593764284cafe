/* text.h - showing text from the network safely, and measuring it.
 *
 * Everything a peer sends (bodies, nicknames, subjects, status texts) goes
 * through text_sanitize() before it reaches the terminal.  The result is
 * valid UTF-8 in which nothing can drive the terminal or reorder what the
 * reader sees; what was removed stays visible in an inert form:
 *
 *   invalid UTF-8 byte          U+FFFD, one per bad byte (as g_utf8_make_valid)
 *   Unicode noncharacter        U+FFFD
 *   C0 control, DEL             caret notation: ESC "^[", BEL "^G", NUL "^@",
 *                               CR "^M", DEL "^?"
 *   tab                         one space (kept with TEXT_KEEP_TAB)
 *   newline                     "^J" (kept with TEXT_KEEP_NEWLINE)
 *   C1 control U+0080-U+009F    "<U+009B>"
 *   bidi controls               "<LRE>" "<RLE>" "<PDF>" "<LRO>" "<RLO>"
 *                               "<LRI>" "<RLI>" "<FSI>" "<PDI>"
 *                               "<LRM>" "<RLM>" "<ALM>"
 *   U+2028, U+2029, U+FEFF      "<LS>" "<PS>" "<BOM>"
 *   U+206A-U+206F, U+FFF9-FFFB  "<U+206A>" (deprecated format controls,
 *                               interlinear annotation)
 *
 * Everything else passes unchanged: letters, combining marks, emoji with
 * ZWJ (U+200D), ZWNJ (U+200C), ZWSP (U+200B), variation selectors, skin
 * tones and tag characters, flags, CJK, private use.
 *
 * Widths count display columns the way wcwidth() and ncurses do, one code
 * point at a time: g_unichar_iswide() characters 2, zero-width ones
 * (combining marks, format characters, variation selectors, ZWJ) 0, the
 * rest 1.  So "👩‍💻" (woman, ZWJ, laptop) is 4 columns and a flag 2.
 * Wrapping and truncation never split a cluster: a character together with
 * the zero-width characters, skin-tone modifiers and ZWJ-joined characters
 * that follow it, or a pair of regional indicators (a flag).
 *
 * Colours follow XEP-0392 (Consistent Color Generation) without colour
 * vision deficiency correction: SHA-1 of the input, the first two bytes as
 * a little-endian number n, hue = n / 65536 * 360, then HSLuv with
 * saturation 100 and lightness 50.  JIDs should be normalised by the
 * caller (bare JID as it would be compared) before they are passed in.
 *
 * Pure functions: no I/O, no global state, safe from any thread.
 */
#ifndef NATTER_TEXT_H
#define NATTER_TEXT_H

#include <stddef.h>

#include <glib.h>

enum text_flags {
	TEXT_KEEP_NEWLINE = 1 << 0, /* keep "\n" (multi-line bodies) */
	TEXT_KEEP_TAB = 1 << 1,     /* keep "\t" instead of a space */
};

/* A newly allocated, valid UTF-8 copy of in (len bytes, or up to the NUL
 * when len < 0; embedded NULs are shown as "^@") with every character
 * that could drive or spoof the terminal made inert as listed above.
 * flags is a set of enum text_flags.  The caller g_free()s the result;
 * in NULL gives NULL.  Clean input costs one scan and one copy. */
char *text_sanitize(const char *in, gssize len, unsigned flags);

/* Display columns of one character: 2, 1 or 0.  "\t" counts 1; other
 * controls (which sanitized text no longer holds) and "\n" count 0. */
int text_char_width(gunichar c);

/* Display columns of s (len bytes, or up to the NUL when len < 0).  s
 * should be sanitized; an invalid byte counts as one U+FFFD. */
int text_width(const char *s, gssize len);

/* One display line of a wrapped string: s[off .. off+len) takes cols
 * columns. */
struct text_line {
	size_t off;
	size_t len;
	int cols;
};

/* Split the sanitized string s into lines of at most width columns.
 * Each "\n" ends a line; otherwise a line ends after its last space that
 * fits, else at the last cluster that fits.  Spaces at the end of a line
 * are left out of it and the spaces at a wrap point are skipped; leading
 * spaces (indentation) are kept.  A cluster wider than width (or any
 * cluster when width < 1) gets a line of its own, so cols may then exceed
 * width.  "" is one empty line and "a\n" two lines.  Fills at most max
 * entries of lines (which may be NULL when max is 0) and returns how many
 * lines the whole text needs, like snprintf(). */
size_t text_wrap(const char *s, int width, struct text_line *lines, size_t max);

/* text_wrap() into a new GArray of struct text_line; the caller frees it
 * with g_array_unref(). */
GArray *text_wrap_array(const char *s, int width);

/* A newly allocated copy of the sanitized string s cut to at most width
 * columns.  When s does not fit, whole clusters are kept, spaces before
 * the cut dropped and ellipsis (e.g. "…"; NULL for none) appended within
 * the width; an ellipsis wider than width is left out.  A "\n" counts as a
 * cut.  Returns "" when width < 1.  The caller g_free()s the result. */
char *text_truncate(const char *s, int width, const char *ellipsis);

/* XEP-0392 hue angle of input (UTF-8) in degrees, 0 <= angle < 360. */
double text_color_angle(const char *input);

/* XEP-0392 colour of input as red, green and blue in 0..1. */
void text_color_rgb(const char *input, double *r, double *g, double *b);

/* The xterm 256-colour palette index (16-255: the 6x6x6 cube and the grey
 * ramp) nearest to text_color_rgb(input), by distance in RGB. */
int text_color_xterm256(const char *input);

/* One of the basic colours 1-6 (red, green, yellow, blue, magenta, cyan)
 * for 8-colour terminals: the one whose HSLuv hue is nearest to input's
 * XEP-0392 angle, as the XEP maps an angle to a palette. */
int text_color_ansi8(const char *input);

#endif
