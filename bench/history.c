/* bench/history.c - the history store's benchmark (run by bench/history).
 *
 * Generates a store of HISTORY_MESSAGES (1,000,000) messages across
 * HISTORY_CONVS (500) conversations through the normal write path (one
 * EV_MESSAGE each, a store_flush every 500 as the main loop's passes do),
 * with a Zipf vocabulary of 5,000 words (a handful of words in most
 * messages, most words rare) and two planted words: "zyzzyva" in 20
 * messages, "quokka" in 2,000.  Then measures, each the median of
 * HISTORY_REPS (21) repetitions after one cold run on a freshly opened
 * store: searches (first page of 50 hits, with and without the total),
 * a conversation's last screenful (50 messages) and paging back, and
 * inserting 100,000 more messages through the write path.  Prints a
 * table; HISTORY_CACHE_KB sets SQLite's page cache after each opening
 * (the store still raises it for a burst of writes); HISTORY_BURST (0.7) is the chance that a message
 * continues the conversation of the one before (0: every message in a
 * random one); HISTORY_REUSE measures on the store already in DIR (made
 * by an earlier run) instead of generating one; HISTORY_INSERT_ONLY
 * measures only the inserting; HISTORY_PROFILE prints the time SQLite
 * spent in each statement while inserting.
 *
 *     bench/history-bench DIR
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "natter/account.h"
#include "natter/bus.h"
#include "natter/event.h"
#include "natter/history.h"
#include "natter/store.h"
#include "store-priv.h"

#define ME "me@example.org"
#define NWORDS 5000
#define PASS 500

static GRand *rng;
static char *words[NWORDS];
static double cdf[NWORDS];
static unsigned nconvs = 500;
static char *dir;
static const char *cache_kb;
static double burst = 0.7;

/* Milliseconds on the monotonic clock. */
static double
bench_ms(void)
{
	return (double)g_get_monotonic_time() / 1000.0;
}

/* A pronounceable word for rank i (its digits in base 20, a syllable each). */
static char *
bench_word(unsigned i)
{
	static const char *const syl[] = {
		"ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "de", "va", "chi", "gu",
		"ben", "sor", "tal", "wen", "fi", "xo", "pra", "stu",
	};
	GString *w = g_string_new(NULL);
	unsigned n = i;

	do {
		g_string_append(w, syl[n % G_N_ELEMENTS(syl)]);
		n /= G_N_ELEMENTS(syl);
	} while (n > 0);
	if (i % 3 == 0)
		g_string_append(w, "n");
	return g_string_free(w, FALSE);
}

/* The vocabulary and its Zipf (s = 1) cumulative distribution. */
static void
bench_vocabulary(void)
{
	double sum = 0;

	for (unsigned i = 0; i < NWORDS; i++) {
		words[i] = bench_word(i);
		sum += 1.0 / (i + 1);
		cdf[i] = sum;
	}
	for (unsigned i = 0; i < NWORDS; i++)
		cdf[i] /= sum;
}

/* A word drawn by its frequency. */
static const char *
bench_pick(void)
{
	double u = g_rand_double(rng);
	unsigned lo = 0, hi = NWORDS - 1;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return words[lo];
}

/* Message number i of conversation c at stamp, as an event to emit. */
static struct event *
bench_message(unsigned i, unsigned c, int64_t stamp, const char *extra)
{
	struct event *ev = event_new(EV_MESSAGE, "a");
	GString *body = g_string_new(NULL);
	unsigned n = 3 + g_rand_int_range(rng, 0, 18);
	bool room = c % 10 == 0, out = g_rand_int_range(rng, 0, 3) == 0;
	char conv[64];

	for (unsigned k = 0; k < n; k++) {
		if (k > 0)
			g_string_append_c(body, k % 7 == 6 ? ',' : ' ');
		if (k == n / 2 && extra != NULL)
			g_string_append(body, extra);
		else
			g_string_append(body, bench_pick());
	}
	g_string_append_c(body, i % 5 == 0 ? '?' : '.');
	if (room) {
		snprintf(conv, sizeof conv, "room%u@muc.example.org", c);
		ev->u.message.type = g_strdup("groupchat");
		ev->u.message.from = g_strdup_printf("%s/%s", conv, out ? "me" : words[i % 40 + 10]);
		ev->u.message.to = g_strdup(ME "/natter");
		ev->u.message.stanza_by = g_strdup(conv);
	} else {
		snprintf(conv, sizeof conv, "contact%u@example.org", c);
		ev->u.message.type = g_strdup("chat");
		ev->u.message.from = out ? g_strdup(ME "/natter") : g_strdup_printf("%s/phone", conv);
		ev->u.message.to = out ? g_strdup(conv) : g_strdup(ME "/natter");
		ev->u.message.stanza_by = g_strdup(ME);
	}
	ev->u.message.out = out;
	ev->u.message.body = g_string_free(body, FALSE);
	/* ids as clients and servers make them: random UUIDs (most clients
	 * use one for both the id and the origin-id); what we send to a
	 * contact has no stanza-id (the server does not tell us its
	 * archive's id for it) */
	ev->u.message.origin_id = g_uuid_string_random();
	ev->u.message.id = g_strdup(ev->u.message.origin_id);
	if (room || !out)
		ev->u.message.stanza_id = g_uuid_string_random();
	else
		g_clear_pointer(&ev->u.message.stanza_by, g_free);
	ev->u.message.stamp = stamp;
	return ev;
}

/* Generate n messages from message number first, stamps from t0 every
 * step seconds, planted words where chosen, and emit them a pass of PASS
 * at a time, each pass ended by store_flush as the main loop does; the
 * time of each pass (emitting and committing, not making the events)
 * goes to pass_ms.  Returns the total of those times in ms. */
static double
bench_generate(unsigned first, unsigned n, int64_t t0, double step, GArray *pass_ms)
{
	struct event *evs[PASS];
	unsigned conv = 0, k = 0;
	double total = 0;

	for (unsigned i = first; i < first + n; i++) {
		const char *extra = NULL;
		/* planted words at fixed, spread-out places */
		if (i % 50000 == 7)
			extra = "zyzzyva";
		else if (i % 500 == 3)
			extra = "quokka";
		/* conversations come in bursts: a message continues the last
		 * one's with probability burst */
		if (i == first || g_rand_double(rng) >= burst)
			conv = (unsigned)g_rand_int_range(rng, 0, (gint32)nconvs);
		evs[k++] = bench_message(i, conv, t0 + (int64_t)((i - first) * step), extra);
		if (k == PASS || i + 1 == first + n) {
			double t = bench_ms(), d;
			for (unsigned j = 0; j < k; j++)
				bus_emit_free(evs[j]);
			store_flush();
			d = bench_ms() - t;
			total += d;
			if (pass_ms != NULL)
				g_array_append_val(pass_ms, d);
			k = 0;
		}
	}
	return total;
}

static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
bench_median(GArray *a)
{
	if (a->len == 0)
		return 0;
	qsort(a->data, a->len, sizeof(double), bench_cmp);
	return g_array_index(a, double, a->len / 2);
}

static GHashTable *prof;

/* Add up the time of each statement (HISTORY_PROFILE). */
static int
bench_trace(unsigned type, void *arg, void *p, void *x)
{
	const char *sql = sqlite3_sql(p);
	double *v;

	if (sql == NULL)
		return 0;
	v = g_hash_table_lookup(prof, sql);
	if (v == NULL) {
		v = g_new0(double, 2);
		g_hash_table_insert(prof, g_strdup(sql), v);
	}
	v[0] += (double)*(sqlite3_int64 *)x / 1e6;
	v[1] += 1;
	return 0;
}

static void
bench_prof_print(void)
{
	GHashTableIter it;
	gpointer k, v;

	if (prof == NULL)
		return;
	g_hash_table_iter_init(&it, prof);
	while (g_hash_table_iter_next(&it, &k, &v))
		printf("%10.1f ms %8.0f x  %.110s\n", ((double *)v)[0], ((double *)v)[1], (char *)k);
	g_hash_table_remove_all(prof);
}

/* Open the store afresh (SQLite's page cache empty). */
static void
bench_open(void)
{
	char *err = NULL;

	store_close();
	if (store_open(dir, &err) != 0) {
		fprintf(stderr, "store_open: %s\n", err);
		exit(1);
	}
	if (getenv("HISTORY_PROFILE") != NULL) {
		if (prof == NULL)
			prof = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		sqlite3_trace_v2(store_db, SQLITE_TRACE_PROFILE, bench_trace, NULL);
	}
	if (cache_kb != NULL) {
		char *sql = g_strdup_printf("PRAGMA cache_size = -%s", cache_kb);
		sqlite3_exec(store_db, sql, NULL, NULL, NULL);
		g_free(sql);
	}
}

/* SQLite's page cache in KiB. */
static long
bench_cache_kb(void)
{
	sqlite3_stmt *ps;
	long kib = 0;

	if (sqlite3_prepare_v2(store_db, "PRAGMA cache_size", -1, &ps, NULL) == SQLITE_OK) {
		if (sqlite3_step(ps) == SQLITE_ROW)
			kib = -(long)sqlite3_column_int64(ps, 0);
		sqlite3_finalize(ps);
	}
	return kib;
}

/* The value of field (VmRSS, VmHWM) of /proc/self/status in KiB. */
static long
bench_status_kb(const char *field)
{
	char *text = NULL;
	long v = -1;

	if (g_file_get_contents("/proc/self/status", &text, NULL, NULL)) {
		const char *p = strstr(text, field);
		if (p != NULL)
			v = strtol(p + strlen(field) + 1, NULL, 10);
	}
	g_free(text);
	return v;
}

static unsigned reps = 21;

/* Reset the process's peak resident size to its current one (Linux);
 * returns that size in KiB. */
static long
bench_hwm_reset(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");

	if (f != NULL) {
		fputs("5", f);
		fclose(f);
	}
	return bench_status_kb("VmRSS:");
}

/* Time a search of line (q.words and filters as /search parses them):
 * the cold run and the median of reps; *hits gets the page's size. */
static void
bench_search(const char *label, const char *line, bool with_total)
{
	struct history_query q;
	char *err = NULL;
	GArray *ms = g_array_new(FALSE, FALSE, sizeof(double));
	double cold = 0;
	unsigned total = 0, hits = 0;
	long rss0;

	if (history_query_parse(line, &q, &err) != 0) {
		fprintf(stderr, "%s: %s\n", line, err);
		exit(1);
	}
	bench_open();
	rss0 = bench_hwm_reset();
	for (unsigned r = 0; r <= reps; r++) {
		double t = bench_ms();
		GPtrArray *a = history_find(&q, with_total ? &total : NULL, &err);
		double d = bench_ms() - t;
		if (a == NULL) {
			fprintf(stderr, "%s: %s\n", line, err);
			exit(1);
		}
		hits = a->len;
		g_ptr_array_unref(a);
		if (r == 0)
			cold = d;
		else
			g_array_append_val(ms, d);
	}
	if (with_total)
		printf("%-44s %9.2f %9.2f %7ld   %u of %u hits\n", label, bench_median(ms), cold,
		    bench_status_kb("VmHWM:") - rss0, hits, total);
	else
		printf("%-44s %9.2f %9.2f %7ld   %u hits\n", label, bench_median(ms), cold,
		    bench_status_kb("VmHWM:") - rss0, hits);
	history_query_clear(&q);
	g_array_unref(ms);
}

/* Time opening conversations' last screenful (50 messages) and paging
 * back 10 screenfuls. */
static void
bench_screenful(void)
{
	GArray *ms = g_array_new(FALSE, FALSE, sizeof(double));
	GArray *cold = g_array_new(FALSE, FALSE, sizeof(double));
	GArray *back = g_array_new(FALSE, FALSE, sizeof(double));

	bench_open();
	for (unsigned r = 0; r < 50; r++) {
		unsigned c = 1 + (r * 37) % (nconvs - 1);
		char conv[64];
		double t;
		GPtrArray *a;
		if (c % 10 == 0)
			snprintf(conv, sizeof conv, "room%u@muc.example.org", c);
		else
			snprintf(conv, sizeof conv, "contact%u@example.org", c);
		t = bench_ms();
		a = history_last("a", conv, 50);
		g_array_append_val(cold, (double){ bench_ms() - t });
		g_ptr_array_unref(a);
		t = bench_ms();
		a = history_last("a", conv, 50);
		g_array_append_val(ms, (double){ bench_ms() - t });
		for (int p = 0; p < 10 && a->len > 0; p++) {
			int64_t first = ((struct history_msg *)a->pdata[0])->rowid;
			g_ptr_array_unref(a);
			t = bench_ms();
			a = history_before("a", conv, first, 50);
			g_array_append_val(back, (double){ bench_ms() - t });
		}
		g_ptr_array_unref(a);
	}
	printf("%-44s %9.2f %9.2f\n", "last screenful (50 messages)", bench_median(ms),
	    bench_median(cold));
	printf("%-44s %9.2f\n", "paging back one screenful", bench_median(back));
	g_array_unref(ms);
	g_array_unref(cold);
	g_array_unref(back);
}

int
main(int argc, char **argv)
{
	const char *env;
	unsigned n = 1000000, ninsert = 100000;
	char *err = NULL, *path;
	struct stat st;
	double gen_s, ins_s;
	long cache_rest;
	GArray *pass_ms;
	int64_t now = g_get_real_time() / G_USEC_PER_SEC;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	if ((env = getenv("HISTORY_MESSAGES")) != NULL)
		n = (unsigned)strtoul(env, NULL, 10);
	if ((env = getenv("HISTORY_CONVS")) != NULL)
		nconvs = MAX(2, (unsigned)strtoul(env, NULL, 10));
	if ((env = getenv("HISTORY_REPS")) != NULL)
		reps = MAX(1, (unsigned)strtoul(env, NULL, 10));
	if ((env = getenv("HISTORY_INSERT")) != NULL)
		ninsert = (unsigned)strtoul(env, NULL, 10);
	cache_kb = getenv("HISTORY_CACHE_KB");
	if ((env = getenv("HISTORY_BURST")) != NULL)
		burst = g_ascii_strtod(env, NULL);
	rng = g_rand_new_with_seed(42);
	bench_vocabulary();
	if (account_add("a", ME, &err) == NULL) {
		fprintf(stderr, "account: %s\n", err);
		return 1;
	}
	bench_open();
	cache_rest = bench_cache_kb();

	/* two years of history, the newest a day ago */
	if (getenv("HISTORY_REUSE") == NULL)
		gen_s = bench_generate(0, n, now - 2 * 365 * 86400,
		    (2.0 * 365 - 1) * 86400 / MAX(n, 1), NULL) / 1000.0;
	else
		gen_s = 0; /* DIR holds a store made before: measure on it */
	sqlite3_wal_checkpoint_v2(store_db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	path = g_build_filename(dir, "natter.db", NULL);
	stat(path, &st);

	printf("history store: %u messages in %u conversations, %u-word vocabulary\n", n, nconvs,
	    NWORDS);
	printf("generated through the write path in %.1f s (%.1f us a message)\n", gen_s,
	    gen_s * 1e6 / MAX(n, 1));
	printf("database: %.1f MB, %.0f bytes a message\n", st.st_size / 1048576.0,
	    (double)st.st_size / MAX(n, 1));
	printf("page cache: %ld KiB%s\n\n", cache_rest, cache_kb != NULL ? " (HISTORY_CACHE_KB)"
	    : " (the store's at rest; it raises it for a burst of writes)");
	printf("%-44s %9s %9s %7s\n", "", "median ms", "cold ms", "peak KiB");
	if (getenv("HISTORY_INSERT_ONLY") != NULL)
		goto insert;
	bench_search("search: rare word (zyzzyva)", "zyzzyva", false);
	bench_search("search: uncommon word (quokka)", "quokka", false);
	{
		char line[64];
		snprintf(line, sizeof line, "%s", words[0]);
		bench_search("search: most common word", line, false);
		snprintf(line, sizeof line, "%s %s", words[1], words[2]);
		bench_search("search: two common words", line, false);
		snprintf(line, sizeof line, "%.4s*", words[21]);
		bench_search("search: prefix, 4 letters (lolo*)", line, false);
		snprintf(line, sizeof line, "%.2s*", words[7]);
		bench_search("search: prefix, 2 letters (po*)", line, false);
		bench_search("search: rare word, with total", "zyzzyva", true);
		snprintf(line, sizeof line, "%s", words[0]);
		bench_search("search: most common word, with total", line, true);
		snprintf(line, sizeof line, "%s in:contact7@example.org", words[0]);
		bench_search("search: common word in: one conversation", line, false);
		snprintf(line, sizeof line, "%s from:contact7@example.org", words[0]);
		bench_search("search: common word from: one contact", line, false);
		bench_search("search: in: one conversation, no words", "in:contact7@example.org",
		    false);
	}
	bench_screenful();

	/* inserting: new messages, as they arrive live */
insert:
	bench_open();
	pass_ms = g_array_new(FALSE, FALSE, sizeof(double));
	if (prof != NULL)
		g_hash_table_remove_all(prof);
	ins_s = bench_generate(n, ninsert, now, 0.05, pass_ms) / 1000.0;
	printf("%-44s %9.2f\n", "insert: one pass of 500 messages", bench_median(pass_ms));
	printf("%-44s %9.2f\n", "insert: slowest pass",
	    g_array_index(pass_ms, double, pass_ms->len - 1));
	bench_prof_print();
	printf("insert: %u messages through the write path: %.2f s (%.1f us a message)\n",
	    ninsert, ins_s, ins_s * 1e6 / MAX(ninsert, 1));
	printf("memory: VmRSS %ld KiB, VmHWM %ld KiB\n", bench_status_kb("VmRSS:"),
	    bench_status_kb("VmHWM:"));
	g_array_unref(pass_ms);
	store_close();
	account_free_all();
	for (unsigned i = 0; i < NWORDS; i++)
		g_free(words[i]);
	g_free(path);
	g_rand_free(rng);
	return 0;
}
