/* mkman.c - copy the man page template, replacing the line @COMMANDS@
 * with the command reference written from the command table. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "natter/cmd.h"
#include "natter/ui.h"

int
main(void)
{
	char line[4096];

	ui_register_commands(); /* the terminal's commands belong in the page too */
	while (fgets(line, sizeof line, stdin) != NULL) {
		if (strcmp(line, "@COMMANDS@\n") == 0)
			cmd_man(stdout);
		else
			fputs(line, stdout);
	}
	return ferror(stdout) ? 1 : 0;
}
