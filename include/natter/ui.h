/* ui.h - the terminal front end (src/ui/): ncurses screen, readline input.
 *
 * ui_start takes over the terminal; it renders core events and turns
 * typed lines into cmd_run_in().  Drawing happens once per loop pass, in
 * ui_flush, and only for what changed.
 */
#ifndef NATTER_UI_H
#define NATTER_UI_H

struct loop;

/* Take over the terminal; 0, or -1 with a message on stderr. */
int ui_start(struct loop *loop);
/* Redraw what this loop pass changed. */
void ui_flush(void);
/* Give the terminal back. */
void ui_stop(void);
/* Register the UI's commands (windows, themes): before the first command runs. */
void ui_register_commands(void);

#endif
