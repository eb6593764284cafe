/* test-text.c - src/core/text.c: sanitizing network text for the
 * terminal, display widths, wrapping, truncation and XEP-0392 colours. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "natter/text.h"

/* Every bidi control and the name it is shown by. */
static const struct {
	gunichar c;
	const char *shown;
} bidi[] = {
	{ 0x202A, "<LRE>" }, { 0x202B, "<RLE>" }, { 0x202C, "<PDF>" },
	{ 0x202D, "<LRO>" }, { 0x202E, "<RLO>" }, { 0x2066, "<LRI>" },
	{ 0x2067, "<RLI>" }, { 0x2068, "<FSI>" }, { 0x2069, "<PDI>" },
	{ 0x200E, "<LRM>" }, { 0x200F, "<RLM>" }, { 0x061C, "<ALM>" },
};

/* Fail unless s is valid UTF-8 that cannot drive the terminal: no ESC
 * byte, no C0 control (but "\n" and "\t" when flags keep them), no DEL
 * or C1, no bidi control, line or paragraph separator, BOM or
 * noncharacter. */
static void
assert_inert(const char *s, unsigned flags)
{
	assert_true(g_utf8_validate(s, -1, NULL));
	assert_null(strchr(s, 0x1b));
	for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c < 0x20)
			assert_true((c == '\n' && (flags & TEXT_KEEP_NEWLINE)) ||
			    (c == '\t' && (flags & TEXT_KEEP_TAB)));
		assert_false(c >= 0x7F && c <= 0x9F);
		for (size_t i = 0; i < G_N_ELEMENTS(bidi); i++)
			assert_int_not_equal(c, bidi[i].c);
		assert_false(c == 0x2028 || c == 0x2029 || c == 0xFEFF);
		assert_false((c & 0xFFFE) == 0xFFFE);
	}
}

/* Sanitize len bytes of in, check the result is inert and equals want. */
static void
check(const char *in, gssize len, unsigned flags, const char *want)
{
	char *out = text_sanitize(in, len, flags);

	assert_inert(out, flags);
	assert_string_equal(out, want);
	g_free(out);
}

static void
test_sanitize_c0(void **state)
{
	check("\x1b[2Jgone", -1, 0, "^[[2Jgone");
	check("ding\x07", -1, 0, "ding^G");
	check("a\x7f" "b", -1, 0, "a^?b");
	check("over\rwrite", -1, 0, "over^Mwrite");
	check("over\r\nwrite", -1, TEXT_KEEP_NEWLINE, "over^M\nwrite");
	check("a\x08\x0b\x0c\x1f", -1, 0, "a^H^K^L^_");
	/* an embedded NUL, with an explicit length */
	check("a\0b", 3, 0, "a^@b");
	check("\0", 1, 0, "^@");
	check("", 0, 0, "");
	check("abc", 2, 0, "ab");
	assert_null(text_sanitize(NULL, -1, 0));
	/* newline: kept for bodies, shown otherwise */
	check("one\ntwo", -1, TEXT_KEEP_NEWLINE, "one\ntwo");
	check("one\ntwo", -1, 0, "one^Jtwo");
	/* tab: a space, unless kept */
	check("a\tb", -1, 0, "a b");
	check("a\tb", -1, TEXT_KEEP_TAB, "a\tb");
	/* xterm's OSC 52 clipboard write and a title change, 7-bit */
	check("\x1b]52;c;cm0gLXJmIH4K\x07", -1, 0, "^[]52;c;cm0gLXJmIH4K^G");
	check("\x1b]0;pwned\x1b\\", -1, TEXT_KEEP_NEWLINE, "^[]0;pwned^[\\");
}

static void
test_sanitize_c1(void **state)
{
	/* CSI and OSC as single C1 characters, which XML allows */
	check("\xc2\x9b" "2J", -1, 0, "<U+009B>2J");
	check("\xc2\x9d" "0;title\xc2\x9c", -1, 0, "<U+009D>0;title<U+009C>");
	check("\xc2\x9d" "52;c;cm0gLXJmIH4K\xc2\x9c", -1, 0,
	    "<U+009D>52;c;cm0gLXJmIH4K<U+009C>");
	check("\xc2\x80\xc2\x85\xc2\x9f", -1, 0, "<U+0080><U+0085><U+009F>");
	/* just past the C1 range */
	check("\xc2\xa0\xc2\xa9", -1, 0, "\xc2\xa0\xc2\xa9");
}

static void
test_sanitize_bidi(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(bidi); i++) {
		char in[16], want[32];
		int n = g_unichar_to_utf8(bidi[i].c, in);

		in[n] = '\0';
		check(in, -1, 0, bidi[i].shown);
		g_snprintf(in + n, sizeof in - n, "x");
		g_snprintf(want, sizeof want, "%sx", bidi[i].shown);
		check(in, -1, TEXT_KEEP_NEWLINE, want);
	}
	/* the "Trojan Source" file name trick */
	check("invoice\xe2\x80\xaegpj.exe", -1, 0, "invoice<RLO>gpj.exe");
	check("\xe2\x81\xa7" "abc\xe2\x81\xa9", -1, 0, "<RLI>abc<PDI>");
}

static void
test_sanitize_invisible(void **state)
{
	check("a\xe2\x80\xa8" "b\xe2\x80\xa9" "c", -1, TEXT_KEEP_NEWLINE,
	    "a<LS>b<PS>c");
	check("\xef\xbb\xbfhello", -1, 0, "<BOM>hello");
	check("\xe2\x81\xaa\xe2\x81\xaf", -1, 0, "<U+206A><U+206F>");
	check("\xef\xbf\xb9" "a\xef\xbf\xbb", -1, 0, "<U+FFF9>a<U+FFFB>");
	/* noncharacters become U+FFFD */
	check("\xef\xb7\x90", -1, 0, "\xef\xbf\xbd");         /* U+FDD0 */
	check("\xef\xb7\xaf", -1, 0, "\xef\xbf\xbd");         /* U+FDEF */
	check("\xef\xbf\xbe\xef\xbf\xbf", -1, 0,
	    "\xef\xbf\xbd\xef\xbf\xbd");                      /* FFFE FFFF */
	check("\xf0\x9f\xbf\xbf", -1, 0, "\xef\xbf\xbd");     /* U+1FFFF */
	check("\xf4\x8f\xbf\xbe", -1, 0, "\xef\xbf\xbd");     /* U+10FFFE */
	/* but not their neighbours */
	check("\xef\xb7\x8f\xef\xb7\xb0\xef\xbf\xbc\xef\xbf\xbd", -1, 0,
	    "\xef\xb7\x8f\xef\xb7\xb0\xef\xbf\xbc\xef\xbf\xbd");
}

static void
test_sanitize_invalid(void **state)
{
#define FFFD "\xef\xbf\xbd"
	check("a\xc0\xaf" "b", -1, 0, "a" FFFD FFFD "b");       /* overlong / */
	check("\xe0\x80\xaf", -1, 0, FFFD FFFD FFFD);          /* overlong */
	check("\xed\xa0\x80", -1, 0, FFFD FFFD FFFD);          /* surrogate */
	check("\xed\xbf\xbf" "x", -1, 0, FFFD FFFD FFFD "x");  /* surrogate */
	check("end\xe2\x82", -1, 0, "end" FFFD FFFD);          /* truncated */
	check("\xe2\x82" "A", -1, 0, FFFD FFFD "A");
	check("\xf0\x9f\x98", -1, 0, FFFD FFFD FFFD);
	check("\x80\xbf", -1, 0, FFFD FFFD);                   /* stray */
	check("\xfe\xff", -1, 0, FFFD FFFD);
	check("\xf4\x90\x80\x80", -1, 0, FFFD FFFD FFFD FFFD); /* > 10FFFF */
	check("\xf8\x88\x80\x80\x80", -1, 0, FFFD FFFD FFFD FFFD FFFD);
	/* an explicit length cuts a character: it is then invalid */
	check("\xc3\xa9", 1, 0, FFFD);
	/* invalid bytes around an escape are all caught */
	check("\xff\x1b\xc2\x9b\xff", -1, 0, FFFD "^[<U+009B>" FFFD);
#undef FFFD
}

static void
test_sanitize_unchanged(void **state)
{
	static const char *const same[] = {
		"",
		"plain ASCII, with punctuation: <>&'\"~^[]{}|\\",
		"caf\xc3\xa9",                                 /* precomposed é */
		"cafe\xcc\x81",                                /* e + U+0301 */
		"\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb", /* 👩‍💻 */
		"\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d"
		"\xf0\x9f\x91\xa7",                            /* 👨‍👩‍👧 */
		"\xf0\x9f\x87\xab\xf0\x9f\x87\xb7",            /* 🇫🇷 */
		"\xe2\x9d\xa4\xef\xb8\x8f",                    /* ❤️ (VS16) */
		"\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",            /* 👍🏽 */
		"\xf0\x9f\x8f\xb4\xf3\xa0\x81\xa7\xf3\xa0\x81\xa2\xf3\xa0\x81\xb3"
		"\xf3\xa0\x81\xa3\xf3\xa0\x81\xb4\xf3\xa0\x81\xbf", /* 🏴 Scotland */
		"\xe4\xb8\xad\xe6\x96\x87 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
		"\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7",
		"zw\xe2\x80\x8bsp zw\xe2\x80\x8cnj",            /* ZWSP, ZWNJ */
		"\xef\xbf\xbd\xef\xbf\xbc",                    /* FFFD, FFFC */
		"\xee\x80\x80",                                /* private use */
		"\xf4\x8f\xbf\xbd",                            /* U+10FFFD */
	};

	for (size_t i = 0; i < G_N_ELEMENTS(same); i++) {
		char *out = text_sanitize(same[i], -1, 0);

		assert_ptr_not_equal(out, same[i]);
		assert_string_equal(out, same[i]);
		g_free(out);
	}
}

/* Random bytes, biased towards the interesting ones, always come out
 * inert, and sanitizing twice changes nothing more. */
static void
test_sanitize_random(void **state)
{
	static const char *const bits[] = {
		"\x1b", "\x07", "\n", "\r", "\t", "\x7f", "\xc2\x9b", "\xc2\x9d",
		"\xe2\x80\xae", "\xe2\x81\xa6", "\xef\xbb\xbf", "\xe2\x80\xa8",
		"\xe2\x80\x8d", "\xcc\x81", "\xe4\xb8\xad", "\xf0\x9f\x98\xba",
		"\xf0\x9f\x87\xab", " ", "  ", "a", "word",
	};
	GRand *rand = g_rand_new_with_seed(392);

	for (int round = 0; round < 3000; round++) {
		GString *in = g_string_new(NULL);
		int parts = g_rand_int_range(rand, 0, 24);
		unsigned flags = g_rand_int_range(rand, 0, 4);
		char *once, *twice;

		for (int i = 0; i < parts; i++) {
			if (g_rand_boolean(rand))
				g_string_append_c(in,
				    (char)g_rand_int_range(rand, 0, 256));
			else
				g_string_append(in, bits[g_rand_int_range(rand,
				    0, G_N_ELEMENTS(bits))]);
		}
		once = text_sanitize(in->str, (gssize)in->len, flags);
		assert_inert(once, flags);
		twice = text_sanitize(once, -1, flags);
		assert_string_equal(once, twice);

		/* and wrapping the result covers it, in order, in bounds */
		for (int width = 1; width < 12; width += 5) {
			GArray *rows = text_wrap_array(once, width);
			size_t prev_end = 0;

			assert_true(rows->len >= 1);
			for (guint r = 0; r < rows->len; r++) {
				struct text_line *l =
				    &g_array_index(rows, struct text_line, r);

				assert_true(l->off >= prev_end);
				assert_true(l->off + l->len <= strlen(once));
				assert_int_equal(l->cols,
				    text_width(once + l->off, (gssize)l->len));
				assert_true(g_utf8_validate(once + l->off,
				    (gssize)l->len, NULL));
				assert_null(memchr(once + l->off, '\n', l->len));
				prev_end = l->off + l->len;
			}
			g_array_unref(rows);
		}
		g_free(once);
		g_free(twice);
		g_string_free(in, TRUE);
	}
	g_rand_free(rand);
}

static void
test_width(void **state)
{
	assert_int_equal(text_width("", -1), 0);
	assert_int_equal(text_width("hello", -1), 5);
	assert_int_equal(text_width("hello", 3), 3);
	assert_int_equal(text_width("\xe4\xb8\xad\xe6\x96\x87", -1), 4);  /* 中文 */
	assert_int_equal(text_width("\xef\xbc\xa1", -1), 2);  /* fullwidth A */
	assert_int_equal(text_width("cafe\xcc\x81", -1), 4); /* e + U+0301 */
	assert_int_equal(text_width("a\xcc\x81\xcc\xa7\xcd\x9c", -1), 1);
	assert_int_equal(text_width("\xf0\x9f\x98\xba", -1), 2);          /* 😺 */
	/* per code point, as wcwidth() and ncurses count: 2 + 0 + 2 */
	assert_int_equal(text_width(
	    "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb", -1), 4);
	assert_int_equal(text_width("\xe2\x9d\xa4\xef\xb8\x8f", -1), 1);  /* ❤️ */
	assert_int_equal(text_width("\xf0\x9f\x87\xab\xf0\x9f\x87\xb7", -1), 2);
	assert_int_equal(text_width("\xe2\x80\x8b", -1), 0);              /* ZWSP */
	assert_int_equal(text_width("\xff", -1), 1);      /* shown as U+FFFD */
	assert_int_equal(text_width("a\nb", -1), 2);

	assert_int_equal(text_char_width('a'), 1);
	assert_int_equal(text_char_width(0x4E2D), 2);
	assert_int_equal(text_char_width(0x3000), 2);
	assert_int_equal(text_char_width(0x0301), 0);
	assert_int_equal(text_char_width(0x200D), 0);
	assert_int_equal(text_char_width(0xFE0F), 0);
	assert_int_equal(text_char_width(0xE0067), 0);    /* tag g */
	assert_int_equal(text_char_width(0x1F63A), 2);
	assert_int_equal(text_char_width(0x00AD), 1);
	assert_int_equal(text_char_width('\t'), 1);
	assert_int_equal(text_char_width('\n'), 0);
	assert_int_equal(text_char_width(0x1b), 0);
}

/* Wrap s at width and compare with want: "off,len,cols" per line. */
static void
check_wrap(const char *s, int width, const char *const *want, size_t n)
{
	struct text_line lines[16];
	size_t got = text_wrap(s, width, lines, G_N_ELEMENTS(lines));
	GArray *a = text_wrap_array(s, width);

	assert_int_equal(got, n);
	assert_int_equal(a->len, n);
	for (size_t i = 0; i < n; i++) {
		char *line = g_strdup_printf("%zu,%zu,%d", lines[i].off,
		    lines[i].len, lines[i].cols);
		struct text_line *l = &g_array_index(a, struct text_line, i);

		assert_string_equal(line, want[i]);
		assert_true(l->off == lines[i].off && l->len == lines[i].len &&
		    l->cols == lines[i].cols);
		g_free(line);
	}
	g_array_unref(a);
}

#define WRAP(s, w, ...) do { \
	static const char *const want_[] = { __VA_ARGS__ }; \
	check_wrap(s, w, want_, G_N_ELEMENTS(want_)); \
} while (0)

static void
test_wrap_words(void **state)
{
	WRAP("the quick brown fox", 10, "0,9,9", "10,9,9");
	WRAP("the quick brown fox", 9, "0,9,9", "10,9,9");
	WRAP("the quick brown fox", 8, "0,3,3", "4,5,5", "10,5,5", "16,3,3");
	WRAP("the quick brown fox", 19, "0,19,19");
	WRAP("the quick brown fox", 80, "0,19,19");
	/* a space run at the break is skipped, trailing spaces dropped */
	WRAP("abc   def", 4, "0,3,3", "6,3,3");
	WRAP("abcde   ", 5, "0,5,5");
	WRAP("abc ", 10, "0,3,3");
	/* indentation is kept */
	WRAP("  ab cd", 4, "0,4,4", "5,2,2");
}

static void
test_wrap_long(void **state)
{
	WRAP("abcdefghij", 4, "0,4,4", "4,4,4", "8,2,2");
	WRAP("a verylongword b", 5, "0,1,1", "2,5,5", "7,5,5", "12,4,4");
	WRAP("https://example.org/x", 10, "0,10,10", "10,10,10", "20,1,1");
}

static void
test_wrap_wide(void **state)
{
	/* 中 needs 2 columns and 1 is left: it moves on */
	WRAP("abc\xe4\xb8\xad", 4, "0,3,3", "3,3,2");
	/* 中文字 */
	WRAP("\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 5, "0,6,4", "6,3,2");
	WRAP("\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 4, "0,6,4", "6,3,2");
	WRAP("\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 3, "0,3,2", "3,3,2",
	    "6,3,2");
	/* wider than the line: one per line, going over */
	WRAP("\xe4\xb8\xad\xe6\x96\x87", 1, "0,3,2", "3,3,2");
	/* prefer the space even when the wide char would split a word */
	WRAP("hi \xe4\xb8\xad\xe6\x96\x87", 5, "0,2,2", "3,6,4");
}

static void
test_wrap_clusters(void **state)
{
	/* "cafés": é is e + U+0301, kept together at the edge */
	WRAP("cafe\xcc\x81s", 4, "0,6,4", "6,1,1");
	WRAP("cafe\xcc\x81s", 3, "0,3,3", "3,4,2");
	/* 👩‍💻 is one cluster of 4 columns */
	WRAP("ab\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb", 3,
	    "0,2,2", "2,11,4");
	WRAP("ab\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb", 5,
	    "0,2,2", "2,11,4");
	/* a flag is two regional indicators; three make a flag and a half */
	WRAP("a\xf0\x9f\x87\xab\xf0\x9f\x87\xb7", 2, "0,1,1", "1,8,2");
	WRAP("\xf0\x9f\x87\xab\xf0\x9f\x87\xb7\xf0\x9f\x87\xab", 2,
	    "0,8,2", "8,4,1");
	/* skin tone and VS16 stay with their base */
	WRAP("a\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", 3, "0,1,1", "1,8,4");
	WRAP("ab\xe2\x9d\xa4\xef\xb8\x8f" "c", 3, "0,8,3", "8,1,1");
}

static void
test_wrap_newline(void **state)
{
	WRAP("", 10, "0,0,0");
	WRAP("a\nb", 10, "0,1,1", "2,1,1");
	WRAP("a\n\nb", 10, "0,1,1", "2,0,0", "3,1,1");
	WRAP("a\n", 10, "0,1,1", "2,0,0");
	WRAP("\n", 10, "0,0,0", "1,0,0");
	WRAP("abc  \ndef", 10, "0,3,3", "6,3,3");
	/* a wrap that lands on a newline adds no empty line */
	WRAP("abcde  \nx", 5, "0,5,5", "8,1,1");
	WRAP("abcdef\nx", 3, "0,3,3", "3,3,3", "7,1,1");
	/* spaces after a newline are indentation */
	WRAP("ab\n  cd ef", 5, "0,2,2", "3,4,4", "8,2,2");
}

static void
test_wrap_narrow(void **state)
{
	WRAP("ab c", 1, "0,1,1", "1,1,1", "3,1,1");
	WRAP("ab c", 0, "0,1,1", "1,1,1", "3,1,1");
	WRAP("ab c", -5, "0,1,1", "1,1,1", "3,1,1");
	WRAP("cafe\xcc\x81", 1, "0,1,1", "1,1,1", "2,1,1", "3,3,1");
}

static void
test_wrap_count(void **state)
{
	struct text_line two[2];

	/* like snprintf: the whole count, only max filled */
	assert_int_equal(text_wrap("abcdefghij", 2, NULL, 0), 5);
	memset(two, 0xab, sizeof two);
	assert_int_equal(text_wrap("abcdefghij", 2, two, 2), 5);
	assert_int_equal(two[1].off, 2);
	assert_int_equal(two[1].len, 2);
	assert_int_equal(two[1].cols, 2);
}

static void
test_truncate(void **state)
{
	static const struct {
		const char *in;
		int width;
		const char *ellipsis, *want;
	} cases[] = {
		{ "hello", 5, "\xe2\x80\xa6", "hello" },
		{ "hello", 9, "\xe2\x80\xa6", "hello" },
		{ "hello world", 8, "\xe2\x80\xa6", "hello w\xe2\x80\xa6" },
		{ "hello world", 7, "\xe2\x80\xa6", "hello\xe2\x80\xa6" },
		{ "hello world", 6, "\xe2\x80\xa6", "hello\xe2\x80\xa6" },
		{ "hello world", 4, "\xe2\x80\xa6", "hel\xe2\x80\xa6" },
		{ "hello world", 4, "...", "h..." },
		{ "hello world", 2, "...", "he" },
		{ "hello world", 1, "\xe2\x80\xa6", "\xe2\x80\xa6" },
		{ "hello world", 4, NULL, "hell" },
		{ "hello", 0, "\xe2\x80\xa6", "" },
		{ "hello", -1, NULL, "" },
		{ "", 3, "\xe2\x80\xa6", "" },
		/* 中文字: a wide char does not squeeze into 1 column */
		{ "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 4, "\xe2\x80\xa6",
		  "\xe4\xb8\xad\xe2\x80\xa6" },
		{ "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 6, "\xe2\x80\xa6",
		  "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97" },
		/* clusters stay whole */
		{ "e\xcc\x81" "e\xcc\x81" "e\xcc\x81", 2, "\xe2\x80\xa6",
		  "e\xcc\x81\xe2\x80\xa6" },
		{ "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb!", 4, "\xe2\x80\xa6",
		  "\xe2\x80\xa6" },
		/* a newline is a cut */
		{ "ab\ncd", 10, "\xe2\x80\xa6", "ab\xe2\x80\xa6" },
		{ "ab \ncd", 10, NULL, "ab" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *out = text_truncate(cases[i].in, cases[i].width,
		    cases[i].ellipsis);

		assert_string_equal(out, cases[i].want);
		if (cases[i].width > 0)
			assert_true(text_width(out, -1) <= cases[i].width);
		g_free(out);
	}
}

/* XEP-0392 section "Test Vectors", no colour vision deficiency
 * correction: text, angle in degrees, red, green, blue. */
static const struct {
	const char *text;
	double angle, r, g, b;
} vectors[] = {
	{ "Romeo", 327.255249, 0.865, 0.000, 0.686 },
	{ "juliet@capulet.lit", 209.410400, 0.000, 0.515, 0.573 },
	{ "\xf0\x9f\x98\xba", 331.199341, 0.872, 0.000, 0.659 },
	{ "council", 359.994507, 0.918, 0.000, 0.394 },
	{ "Board", 171.430664, 0.000, 0.527, 0.457 },
};

static void
test_color_vectors(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(vectors); i++) {
		double r, g, b;

		assert_true(fabs(text_color_angle(vectors[i].text) -
		    vectors[i].angle) < 1e-5);
		text_color_rgb(vectors[i].text, &r, &g, &b);
		/* the XEP rounds to three places */
		assert_true(fabs(r - vectors[i].r) < 0.001);
		assert_true(fabs(g - vectors[i].g) < 0.001);
		assert_true(fabs(b - vectors[i].b) < 0.001);
	}
}

static void
test_color_palettes(void **state)
{
	GRand *rand = g_rand_new_with_seed(65536);

	/* Romeo (221,0,175) -> cube (4,0,3); juliet (0,131,146) -> (0,2,2);
	 * council (234,0,100) -> (4,0,1); Board (0,134,117) -> (0,2,2) */
	assert_int_equal(text_color_xterm256("Romeo"), 16 + 36 * 4 + 3);
	assert_int_equal(text_color_xterm256("juliet@capulet.lit"),
	    16 + 6 * 2 + 2);
	assert_int_equal(text_color_xterm256("council"), 16 + 36 * 4 + 1);
	assert_int_equal(text_color_xterm256("Board"), 16 + 6 * 2 + 2);
	/* nearest HSLuv hue: red 12, yellow 86, green 128, cyan 192,
	 * blue 266, magenta 308 */
	assert_int_equal(text_color_ansi8("Romeo"), 5);
	assert_int_equal(text_color_ansi8("juliet@capulet.lit"), 6);
	assert_int_equal(text_color_ansi8("council"), 1);
	assert_int_equal(text_color_ansi8("Board"), 6);
	for (int i = 0; i < 500; i++) {
		char *s = g_strdup_printf("user%u@example.org",
		    g_rand_int(rand));
		int x = text_color_xterm256(s), a = text_color_ansi8(s);
		double r, g, b;

		text_color_rgb(s, &r, &g, &b);
		assert_true(r >= 0 && r <= 1 && g >= 0 && g <= 1 &&
		    b >= 0 && b <= 1);
		assert_true(x >= 16 && x <= 255);
		assert_true(a >= 1 && a <= 6);
		g_free(s);
	}
	g_rand_free(rand);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_c0),
		cmocka_unit_test(test_sanitize_c1),
		cmocka_unit_test(test_sanitize_bidi),
		cmocka_unit_test(test_sanitize_invisible),
		cmocka_unit_test(test_sanitize_invalid),
		cmocka_unit_test(test_sanitize_unchanged),
		cmocka_unit_test(test_sanitize_random),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_wrap_words),
		cmocka_unit_test(test_wrap_long),
		cmocka_unit_test(test_wrap_wide),
		cmocka_unit_test(test_wrap_clusters),
		cmocka_unit_test(test_wrap_newline),
		cmocka_unit_test(test_wrap_narrow),
		cmocka_unit_test(test_wrap_count),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_color_vectors),
		cmocka_unit_test(test_color_palettes),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
