/* text.c - making network text inert for the terminal, measuring and
 * wrapping it, and XEP-0392 colours.  See include/natter/text.h for the
 * renderings chosen. */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "natter/text.h"

#define TEXT_REPLACEMENT "\xef\xbf\xbd" /* U+FFFD in UTF-8 */
#define TEXT_ZWJ 0x200D

/* --- decoding --------------------------------------------------------- */

/* Decode the character at p (p < end) into *c and return where the next
 * one starts; an invalid or truncated sequence gives U+FFFD for one byte. */
static const char *
text_next(const char *p, const char *end, gunichar *c)
{
	guchar b = (guchar)*p;
	gunichar u;

	if (b < 0x80) {
		*c = b;
		return p + 1;
	}
	u = g_utf8_get_char_validated(p, end - p);
	if (u == (gunichar)-1 || u == (gunichar)-2) {
		*c = 0xFFFD;
		return p + 1;
	}
	*c = u;
	return g_utf8_next_char(p);
}

/* --- sanitizing ------------------------------------------------------- */

/* Characters shown by name, sorted by code point. */
static const struct {
	gunichar c;
	const char *name;
} text_names[] = {
	{ 0x061C, "<ALM>" }, { 0x200E, "<LRM>" }, { 0x200F, "<RLM>" },
	{ 0x2028, "<LS>" },  { 0x2029, "<PS>" },  { 0x202A, "<LRE>" },
	{ 0x202B, "<RLE>" }, { 0x202C, "<PDF>" }, { 0x202D, "<LRO>" },
	{ 0x202E, "<RLO>" }, { 0x2066, "<LRI>" }, { 0x2067, "<RLI>" },
	{ 0x2068, "<FSI>" }, { 0x2069, "<PDI>" }, { 0xFEFF, "<BOM>" },
};

/* True when the ASCII character b must be rewritten under flags. */
static inline bool
text_ascii_dirty(guchar b, unsigned flags)
{
	if (b >= 0x20 && b != 0x7F)
		return false;
	if (b == '\n')
		return !(flags & TEXT_KEEP_NEWLINE);
	if (b == '\t')
		return !(flags & TEXT_KEEP_TAB);
	return true;
}

/* True when the non-ASCII character c must be rewritten. */
static inline bool
text_uni_dirty(gunichar c)
{
	if (c < 0x061C)
		return c <= 0x9F;
	if (c < 0x200E)
		return c == 0x061C;
	if (c <= 0x206F)
		return c <= 0x200F || (c >= 0x2028 && c <= 0x202E) ||
		    c >= 0x2066;
	if (c < 0xFDD0)
		return false;
	return c <= 0xFDEF || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB) ||
	    (c & 0xFFFE) == 0xFFFE; /* FDD0-FDEF and xFFFE/xFFFF: nonchars */
}

/* Byte offset of the first thing in in[0..len) that text_sanitize() has
 * to rewrite, or len when there is none. */
static gsize
text_clean_prefix(const char *in, gsize len, unsigned flags)
{
	const char *p = in, *end = in + len;

	while (p < end) {
		guchar b = (guchar)*p;
		gunichar c;

		if (b < 0x80) {
			if (text_ascii_dirty(b, flags))
				break;
			p++;
			continue;
		}
		c = g_utf8_get_char_validated(p, end - p);
		if (c == (gunichar)-1 || c == (gunichar)-2 || text_uni_dirty(c))
			break;
		p = g_utf8_next_char(p);
	}
	return p - in;
}

/* Append the inert rendering of the dirty character c to out. */
static void
text_render(GString *out, gunichar c)
{
	if (c < 0x20 || c == 0x7F) {
		g_string_append_c(out, '^');
		g_string_append_c(out, (char)(c ^ 0x40));
		return;
	}
	if (c <= 0x9F || (c >= 0x206A && c <= 0x206F) ||
	    (c >= 0xFFF9 && c <= 0xFFFB)) {
		g_string_append_printf(out, "<U+%04X>", (unsigned)c);
		return;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(text_names); i++) {
		if (text_names[i].c == c) {
			g_string_append(out, text_names[i].name);
			return;
		}
	}
	g_string_append(out, TEXT_REPLACEMENT); /* noncharacters */
}

/* Copy in, rewriting what must not reach the terminal: the clean prefix
 * is found in one scan and copied whole; from the first dirty character
 * on, clean runs are copied between the renderings. */
char *
text_sanitize(const char *in, gssize len, unsigned flags)
{
	gsize n, clean;
	const char *p, *run, *end;
	GString *out;

	if (in == NULL)
		return NULL;
	n = len < 0 ? strlen(in) : (gsize)len;
	clean = text_clean_prefix(in, n, flags);
	end = in + n;
	if (clean == n)
		return g_strndup(in, n);

	out = g_string_sized_new(n + 16);
	g_string_append_len(out, in, clean);
	run = p = in + clean;
	while (p < end) {
		guchar b = (guchar)*p;
		const char *next;
		gunichar c;

		if (b < 0x80) {
			if (!text_ascii_dirty(b, flags)) {
				p++;
				continue;
			}
			g_string_append_len(out, run, p - run);
			if (b == '\t')
				g_string_append_c(out, ' ');
			else
				text_render(out, b);
			run = ++p;
			continue;
		}
		c = g_utf8_get_char_validated(p, end - p);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_len(out, run, p - run);
			g_string_append(out, TEXT_REPLACEMENT);
			run = ++p;
			continue;
		}
		next = g_utf8_next_char(p);
		if (text_uni_dirty(c)) {
			g_string_append_len(out, run, p - run);
			text_render(out, c);
			run = next;
		}
		p = next;
	}
	g_string_append_len(out, run, p - run);
	return g_string_free(out, FALSE);
}

/* --- measuring -------------------------------------------------------- */

int
text_char_width(gunichar c)
{
	if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
		return c == '\t' ? 1 : 0;
	if (c < 0x300)
		return 1; /* Latin fast path (the soft hyphen U+00AD shows too) */
	if (g_unichar_iszerowidth(c))
		return 0;
	return g_unichar_iswide(c) ? 2 : 1;
}

int
text_width(const char *s, gssize len)
{
	const char *end = s + (len < 0 ? strlen(s) : (size_t)len);
	int cols = 0;

	while (s < end) {
		gunichar c;

		s = text_next(s, end, &c);
		cols += text_char_width(c);
	}
	return cols;
}

/* True for the regional indicator symbols that make flags in pairs. */
static inline bool
text_is_regional(gunichar c)
{
	return c >= 0x1F1E6 && c <= 0x1F1FF;
}

/* Return the end of the cluster starting at p (p < end) and set *cols to
 * its width: the character, then whatever must stay on its line with it
 * (zero-width characters, skin tones, ZWJ-joined characters, the second
 * regional indicator of a flag).  "\n" is a cluster of its own. */
static const char *
text_cluster(const char *p, const char *end, int *cols)
{
	gunichar c, prev;
	bool flag_open;
	int w;

	p = text_next(p, end, &c);
	w = text_char_width(c);
	/* nothing joins a space or a newline, nor anything to ASCII */
	if (c == '\n' || c == ' ' || p == end || (guchar)*p < 0x80) {
		*cols = w;
		return p;
	}
	flag_open = text_is_regional(c);
	prev = c;
	while (p < end) {
		gunichar n;
		const char *q = text_next(p, end, &n);
		int nw = text_char_width(n);

		if (n == '\n' || n == ' ' || n == '\t')
			break;
		if (nw == 0 && n >= 0x20)
			; /* combining mark, variation selector, ZWJ, tag */
		else if (n >= 0x1F3FB && n <= 0x1F3FF)
			; /* skin-tone modifier */
		else if (prev == TEXT_ZWJ && n >= 0x80)
			; /* joined: emoji sequences */
		else if (flag_open && text_is_regional(n))
			flag_open = false;
		else
			break;
		w += nw;
		prev = n;
		p = q;
	}
	*cols = w;
	return p;
}

/* --- wrapping --------------------------------------------------------- */

/* Store line n (when n < max) as s[from..to), cols wide, without its
 * trailing spaces; return n + 1. */
static size_t
text_emit(const char *s, const char *from, const char *to, int cols,
    struct text_line *lines, size_t max, size_t n)
{
	while (to > from && to[-1] == ' ') {
		to--;
		cols--;
	}
	if (n < max) {
		lines[n].off = from - s;
		lines[n].len = to - from;
		lines[n].cols = cols;
	}
	return n + 1;
}

/* Skip the spaces at p: a line that starts at a wrap point begins after
 * them. */
static const char *
text_skip_spaces(const char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/* Cut s into lines, one cluster at a time.  The line in progress is
 * s[start..p), cols wide; brk, when set, is where its last run of spaces
 * after some content starts, and brk_cols the width before it.  "fresh"
 * marks a line begun by the text's start or a "\n": it is shown even when
 * empty, while a line begun at a wrap point with nothing in it is not. */
size_t
text_wrap(const char *s, int width, struct text_line *lines, size_t max)
{
	const char *end = s + strlen(s);
	const char *start = s, *p = s, *brk = NULL;
	bool fresh = true;
	int cols = 0, brk_cols = 0;
	size_t n = 0;

	if (width < 1)
		width = 1;
	while (p < end) {
		int w;
		const char *next = text_cluster(p, end, &w);

		if (*p == '\n') {
			if (p > start || fresh)
				n = text_emit(s, start, p, cols, lines, max, n);
			start = p = next;
			brk = NULL;
			cols = 0;
			fresh = true;
			continue;
		}
		if (*p == ' ' && p > start && p[-1] != ' ') {
			brk = p;
			brk_cols = cols;
		}
		if (cols + w <= width) {
			cols += w;
			p = next;
			continue;
		}
		/* p does not fit: end the line before it */
		if (*p == ' ') {
			n = text_emit(s, start, p, cols, lines, max, n);
			p = text_skip_spaces(p);
		} else if (brk != NULL) {
			n = text_emit(s, start, brk, brk_cols, lines, max, n);
			start = text_skip_spaces(brk);
			/* the skipped spaces took a column and a byte each */
			cols -= brk_cols + (int)(start - brk);
			brk = NULL;
			fresh = false;
			continue; /* p again, on the new line */
		} else if (cols == 0) {
			/* alone wider than a line: it gets one of its own */
			n = text_emit(s, start, next, w, lines, max, n);
			p = text_skip_spaces(next);
		} else {
			n = text_emit(s, start, p, cols, lines, max, n);
		}
		start = p;
		brk = NULL;
		fresh = false;
		cols = 0;
	}
	if (end > start || fresh)
		n = text_emit(s, start, end, cols, lines, max, n);
	return n;
}

GArray *
text_wrap_array(const char *s, int width)
{
	size_t n = text_wrap(s, width, NULL, 0);
	GArray *a = g_array_sized_new(FALSE, FALSE, sizeof(struct text_line), n);

	g_array_set_size(a, n);
	text_wrap(s, width, &g_array_index(a, struct text_line, 0), n);
	return a;
}

/* Return where the longest run of whole clusters from s that fits in
 * width columns ends, stopping at a "\n". */
static const char *
text_fit(const char *s, const char *end, int width)
{
	int cols = 0;

	while (s < end && *s != '\n') {
		int w;
		const char *next = text_cluster(s, end, &w);

		if (cols + w > width)
			break;
		cols += w;
		s = next;
	}
	return s;
}

/* Keep s when it fits on one line, else the clusters that fit beside the
 * ellipsis. */
char *
text_truncate(const char *s, int width, const char *ellipsis)
{
	const char *end = s + strlen(s), *cut;
	GString *out;
	int ew;

	if (width < 1)
		return g_strdup("");
	if (text_fit(s, end, width) == end)
		return g_strdup(s);
	if (ellipsis == NULL)
		ellipsis = "";
	ew = text_width(ellipsis, -1);
	if (ew > width) {
		ellipsis = "";
		ew = 0;
	}
	cut = text_fit(s, end, width - ew);
	while (cut > s && cut[-1] == ' ')
		cut--;
	out = g_string_new_len(s, cut - s);
	g_string_append(out, ellipsis);
	return g_string_free(out, FALSE);
}

/* --- XEP-0392 colours ------------------------------------------------- */

/* sRGB primaries with the D65 white (IEC 61966-2-1): CIE XYZ to linear
 * RGB, and its inverse. */
static const double text_xyz_rgb[3][3] = {
	{ 3.240969941904521, -1.537383177570093, -0.498610760293 },
	{ -0.96924363628087, 1.87596750150772, 0.041555057407175 },
	{ 0.055630079696993, -0.20397695888897, 1.056971514242878 },
};
static const double text_rgb_xyz[3][3] = {
	{ 0.41239079926595, 0.35758433938387, 0.18048078840183 },
	{ 0.21263900587151, 0.71516867876775, 0.072192315360733 },
	{ 0.019330818715591, 0.11919477979462, 0.95053215224966 },
};
/* chromaticity (u', v') of the D65 white point, and CIE kappa */
#define TEXT_WHITE_U 0.19783000664283
#define TEXT_WHITE_V 0.46831999493879
#define TEXT_KAPPA (24389.0 / 27.0)

/* SHA-1 of input; its first two bytes, little endian, scaled to 360. */
double
text_color_angle(const char *input)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA1);
	guint8 digest[20];
	gsize dlen = sizeof digest;
	unsigned n;

	g_checksum_update(sum, (const guchar *)input, (gssize)strlen(input));
	g_checksum_get_digest(sum, digest, &dlen);
	g_checksum_free(sum);
	n = digest[0] | (unsigned)digest[1] << 8; /* little endian */
	return n / 65536.0 * 360.0;
}

/* Relative luminance Y (0..1) of CIE lightness l (0..100). */
static double
text_l_to_y(double l)
{
	if (l > 8.0)
		return pow((l + 16.0) / 116.0, 3.0);
	return l / TEXT_KAPPA;
}

/* Largest chroma that lightness l (0 < l < 100) takes at hue h (radians)
 * inside the sRGB gamut.
 *
 * With Y fixed, X = 9Yu'/4v' and Z = Y(12 - 3u' - 20v')/4v', so the colours
 * whose linear channel k equals t (0 or 1: the gamut's faces) lie on the
 * line A u' + B v' + K = 0 below.  Along the hue ray u' = un + C cos h/13l,
 * v' = vn + C sin h/13l each face is met at one chroma C; the nearest
 * non-negative one is the edge of the gamut. */
static double
text_max_chroma(double l, double h)
{
	double y = text_l_to_y(l), best = HUGE_VAL;

	for (int k = 0; k < 3; k++) {
		const double *m = text_xyz_rgb[k];

		for (int t = 0; t < 2; t++) {
			double a = y * (9.0 * m[0] - 3.0 * m[2]);
			double b = y * (4.0 * m[1] - 20.0 * m[2]) - 4.0 * t;
			double kk = 12.0 * m[2] * y;
			double den = a * cos(h) + b * sin(h);
			double c;

			if (den == 0.0)
				continue;
			c = -(a * TEXT_WHITE_U + b * TEXT_WHITE_V + kk) * 13.0 * l /
			    den;
			if (c >= 0.0 && c < best)
				best = c;
		}
	}
	return best;
}

/* sRGB transfer function: linear light to the encoded 0..1 value. */
static double
text_gamma(double v)
{
	if (v <= 0.0031308)
		v = 12.92 * v;
	else
		v = 1.055 * pow(v, 1.0 / 2.4) - 0.055;
	return v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
}

/* Inverse of text_gamma(). */
static double
text_ungamma(double v)
{
	if (v <= 0.04045)
		return v / 12.92;
	return pow((v + 0.055) / 1.055, 2.4);
}

/* HSLuv (hue in degrees, saturation and lightness 0..100) to sRGB 0..1:
 * HSLuv -> CIE LCh(uv) -> CIELUV -> XYZ -> linear RGB -> sRGB. */
static void
text_hsluv_rgb(double hue, double sat, double light, double rgb[3])
{
	double h = hue / 180.0 * G_PI, chroma, up, vp, y, xyz[3];

	if (light <= 1e-8) {
		rgb[0] = rgb[1] = rgb[2] = 0.0;
		return;
	}
	if (light >= 100.0 - 1e-7) {
		rgb[0] = rgb[1] = rgb[2] = 1.0;
		return;
	}
	chroma = text_max_chroma(light, h) / 100.0 * sat;
	up = chroma * cos(h) / (13.0 * light) + TEXT_WHITE_U;
	vp = chroma * sin(h) / (13.0 * light) + TEXT_WHITE_V;
	y = text_l_to_y(light);
	xyz[0] = y * 9.0 * up / (4.0 * vp);
	xyz[1] = y;
	xyz[2] = y * (12.0 - 3.0 * up - 20.0 * vp) / (4.0 * vp);
	for (int k = 0; k < 3; k++) {
		const double *m = text_xyz_rgb[k];

		rgb[k] = text_gamma(m[0] * xyz[0] + m[1] * xyz[1] +
		    m[2] * xyz[2]);
	}
}

/* HSLuv hue in degrees (0..360) of an sRGB colour (0..1 each). */
static double
text_rgb_hue(const double rgb[3])
{
	double lin[3], xyz[3], d, hue;

	for (int k = 0; k < 3; k++)
		lin[k] = text_ungamma(rgb[k]);
	for (int k = 0; k < 3; k++) {
		const double *m = text_rgb_xyz[k];

		xyz[k] = m[0] * lin[0] + m[1] * lin[1] + m[2] * lin[2];
	}
	d = xyz[0] + 15.0 * xyz[1] + 3.0 * xyz[2];
	if (d == 0.0)
		return 0.0;
	/* u* and v* are 13L times these; L > 0 leaves the angle alone */
	hue = atan2(9.0 * xyz[1] / d - TEXT_WHITE_V,
	    4.0 * xyz[0] / d - TEXT_WHITE_U) * 180.0 / G_PI;
	return hue < 0.0 ? hue + 360.0 : hue;
}

void
text_color_rgb(const char *input, double *r, double *g, double *b)
{
	double rgb[3];

	text_hsluv_rgb(text_color_angle(input), 100.0, 50.0, rgb);
	*r = rgb[0];
	*g = rgb[1];
	*b = rgb[2];
}

/* Nearest of the 6x6x6 cube (per channel) and of the 24 greys. */
int
text_color_xterm256(const char *input)
{
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };
	double rgb[3], dist = 0.0, best_dist;
	int cube[3], best;

	text_color_rgb(input, &rgb[0], &rgb[1], &rgb[2]);
	/* the cube is a grid, so its nearest point is per channel */
	for (int k = 0; k < 3; k++) {
		double v = rgb[k] * 255.0, dk = HUGE_VAL;

		for (int i = 0; i < 6; i++) {
			double e = (v - level[i]) * (v - level[i]);

			if (e < dk) {
				dk = e;
				cube[k] = i;
			}
		}
		dist += dk;
	}
	best = 16 + 36 * cube[0] + 6 * cube[1] + cube[2];
	best_dist = dist;
	for (int i = 0; i < 24; i++) {
		double grey = 8 + 10 * i, e = 0.0;

		for (int k = 0; k < 3; k++)
			e += (rgb[k] * 255.0 - grey) * (rgb[k] * 255.0 - grey);
		if (e < best_dist) {
			best_dist = e;
			best = 232 + i;
		}
	}
	return best;
}

/* XEP-0392 palette mapping with the six basic colours as the palette. */
int
text_color_ansi8(const char *input)
{
	/* ANSI colours 1-6 as nominal sRGB */
	static const double basic[6][3] = {
		{ 1, 0, 0 }, { 0, 1, 0 }, { 1, 1, 0 },
		{ 0, 0, 1 }, { 1, 0, 1 }, { 0, 1, 1 },
	};
	double angle = text_color_angle(input), best_d = HUGE_VAL;
	int best = 1;

	for (int i = 0; i < 6; i++) {
		double d = fabs(angle - text_rgb_hue(basic[i]));

		if (d > 180.0)
			d = 360.0 - d;
		if (d < best_d) {
			best_d = d;
			best = i + 1;
		}
	}
	return best;
}
