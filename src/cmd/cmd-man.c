/* cmd-man.c - the man page's COMMANDS section, written from the table. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "natter/cmd.h"

/* Write text for troff: escape backslashes, and protect a line that would
 * start with a control character. */
static void
cmd_man_text(FILE *out, const char *text)
{
	bool bol = true;

	for (const char *p = text; *p != '\0'; p++) {
		if (bol && (*p == '.' || *p == '\''))
			fputs("\\&", out);
		if (*p == '\\')
			fputs("\\e", out);
		else if (*p == '-')
			fputs("\\-", out);
		else
			fputc(*p, out);
		bol = *p == '\n';
	}
	fputc('\n', out);
}

static void
cmd_man_one(FILE *out, const struct cmd *c, const char *prefix)
{
	fprintf(out, ".TP\n.B /%s%s", prefix, c->name);
	if (cmd_synopsis(c)[0] != '\0') {
		fputs(" ", out);
		fputs("\\fI", out);
		for (const char *p = cmd_synopsis(c); *p != '\0'; p++) {
			if (*p == '-')
				fputs("\\-", out);
			else
				fputc(*p, out);
		}
		fputs("\\fR", out);
	}
	fputc('\n', out);
	cmd_man_text(out, c->summary);
	if (c->help != NULL) {
		fputs(".br\n", out);
		cmd_man_text(out, c->help);
	}
	for (int i = 0; i < 4 && c->examples[i] != NULL; i++) {
		fputs(".br\nExample: ", out);
		cmd_man_text(out, c->examples[i]);
	}
}

void
cmd_man(FILE *out)
{
	for (const struct cmd *c = cmd_table(); c->name != NULL; c++) {
		cmd_man_one(out, c, "");
		if (c->sub != NULL) {
			char prefix[64];
			snprintf(prefix, sizeof prefix, "%s ", c->name);
			for (const struct cmd *s = c->sub; s->name != NULL; s++)
				cmd_man_one(out, s, prefix);
		}
	}
}
