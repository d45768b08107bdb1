/* SPDX-License-Identifier: MIT */
/* `gwgen render`: render one mustache template with JSON data. */
#ifndef GW_RENDER_H
#define GW_RENDER_H

#include <stdio.h>

/*
 * Run `gwgen render [--partials DIR] [--escape NAME] [--strict] TEMPLATE
 * DATA.json` with 'argc'/'argv' (argv[0] is "render"). The rendered text
 * goes to 'out' exactly, with no newline added; diagnostics and usage
 * errors go to 'err'; --help goes to 'out'. Returns an enum gw_exit: 0 ok,
 * 1 the template or the data is invalid, 2 usage error, 3 I/O failure.
 */
int gw_render_main(int argc, char **argv, FILE *out, FILE *err);

#endif
