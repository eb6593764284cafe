/* cmd-complete.c - Tab completion, driven by the command table: command
 * names, subcommands, and each argument by its completion kind. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "natter/account.h"
#include "natter/cmd.h"
#include "natter/capture.h"
#include "natter/muc.h"
#include "natter/roster.h"
#include "natter/settings.h"
#include "cmd-families.h"

static void (*sources[COMPLETE_KIND_COUNT])(const char *prefix, GPtrArray *out);

void
cmd_complete_source(enum cmd_complete kind, void (*fn)(const char *prefix, GPtrArray *out))
{
	if ((unsigned)kind < COMPLETE_KIND_COUNT)
		sources[kind] = fn;
}

static void
cmd_complete_add(GPtrArray *out, const char *word, const char *prefix)
{
	if (g_str_has_prefix(word, prefix))
		g_ptr_array_add(out, g_strdup(word));
}

/* Add the names of table's commands, with lead ("/" or ""). */
static void
cmd_complete_names(GPtrArray *out, const struct cmd *table, const char *prefix, const char *lead)
{
	for (const struct cmd *c = table; c != NULL && c->name != NULL; c++) {
		char *w = g_strconcat(lead, c->name, NULL);
		cmd_complete_add(out, w, prefix);
		g_free(w);
	}
}

/* Add words of one completion kind. */
static void
cmd_complete_kind(GPtrArray *out, const struct cmd_arg *arg, const char *prefix,
    struct account *acc)
{
	switch (arg->complete) {
	case COMPLETE_WORD:
		for (const char *const *w = arg->choices; w != NULL && *w != NULL; w++)
			cmd_complete_add(out, *w, prefix);
		break;
	case COMPLETE_ACCOUNT:
		for (size_t i = 0; i < account_count(); i++)
			cmd_complete_add(out, account_nth(i)->name, prefix);
		break;
	case COMPLETE_JID:
		if (acc != NULL) {
			GHashTableIter it;
			gpointer k;
			g_hash_table_iter_init(&it, acc->roster->contacts);
			while (g_hash_table_iter_next(&it, &k, NULL))
				cmd_complete_add(out, k, prefix);
		}
		break;
	case COMPLETE_ROOM:
		if (acc != NULL) {
			GList *rooms = muc_rooms(acc->name);
			for (GList *l = rooms; l != NULL; l = l->next)
				cmd_complete_add(out, ((struct room *)l->data)->jid, prefix);
			g_list_free(rooms);
		}
		break;
	case COMPLETE_FILTER: {
		GList *names = capture_filter_names();
		cmd_complete_add(out, "off", prefix);
		cmd_complete_add(out, "define", prefix);
		for (GList *l = names; l != NULL; l = l->next)
			cmd_complete_add(out, l->data, prefix);
		g_list_free(names);
		break;
	}
	case COMPLETE_TEMPLATE:
		cmd_console_templates(prefix, out);
		break;
	case COMPLETE_SETTING:
		for (const struct setting *s = settings_table(); s->name != NULL; s++)
			cmd_complete_add(out, s->name, prefix);
		break;
	case COMPLETE_ACCOUNT_KEY:
		for (const struct account_key *k = account_keys(); k->name != NULL; k++)
			cmd_complete_add(out, k->name, prefix);
		break;
	case COMPLETE_COMMAND:
		cmd_complete_names(out, cmd_table(), prefix, "");
		break;
	default:
		if ((unsigned)arg->complete < COMPLETE_KIND_COUNT && sources[arg->complete] != NULL)
			sources[arg->complete](prefix, out);
		break;
	}
}

static gint
cmd_complete_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop duplicates. */
static void
cmd_complete_tidy(GPtrArray *out)
{
	g_ptr_array_sort(out, cmd_complete_cmp);
	for (guint i = 1; i < out->len;) {
		if (strcmp(g_ptr_array_index(out, i), g_ptr_array_index(out, i - 1)) == 0)
			g_ptr_array_remove_index(out, i);
		else
			i++;
	}
}

GPtrArray *
cmd_complete(const char *line, size_t start, size_t end, struct account *acc)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	char *prefix = g_strndup(line + start, end - start);
	char **words;
	guint nwords;
	const struct cmd *c;
	int argi;

	if (acc == NULL)
		acc = account_current();
	/* the words before the one being completed */
	{
		char *before = g_strndup(line, start);
		words = g_strsplit_set(g_strstrip(before), " \t", -1);
		g_free(before);
	}
	nwords = g_strv_length(words);
	if (nwords == 1 && words[0][0] == '\0')
		nwords = 0;
	if (nwords == 0) {
		if (prefix[0] == '/')
			cmd_complete_names(out, cmd_table(), prefix, "/");
		goto done;
	}
	if (words[0][0] != '/' || (c = cmd_find(cmd_table(), words[0] + 1)) == NULL)
		goto done;
	argi = (int)nwords - 1;
	if (c->sub != NULL) {
		const struct cmd *s;
		if (argi == 0) {
			cmd_complete_names(out, c->sub, prefix, "");
			goto done;
		}
		if ((s = cmd_find(c->sub, words[1])) == NULL)
			goto done;
		c = s;
		argi--;
	}
	/* a rest-of-line argument takes every later word */
	for (int i = 0; i < CMD_MAX_ARGS && c->args[i].name != NULL; i++) {
		if (i == argi || ((c->args[i].flags & CMD_ARG_REST) && argi > i)) {
			if (i == argi)
				cmd_complete_kind(out, &c->args[i], prefix, acc);
			break;
		}
	}
done:
	cmd_complete_tidy(out);
	g_strfreev(words);
	g_free(prefix);
	return out;
}
