/* app.c - process-wide state shared by the layers. */
#include "config.h"

#include "natter/app.h"

struct app app;
