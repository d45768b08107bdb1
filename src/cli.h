/* SPDX-License-Identifier: MIT */
/* The command line: option parsing and running the pipeline. */
#ifndef GW_CLI_H
#define GW_CLI_H

#include <stdio.h>

/* Exit statuses (also listed in --help and the README). */
enum gw_exit {
	GW_EXIT_OK = 0,
	GW_EXIT_INVALID = 1, /* a profile, template or data file is invalid */
	GW_EXIT_USAGE = 2,   /* bad command line */
	GW_EXIT_IO = 3,      /* reading or writing files failed */
	GW_EXIT_STALE = 4,   /* --check: committed output differs */
};

/* Run gwgen with 'argc'/'argv', writing to 'out' and 'err'. Returns an enum gw_exit. */
int gw_cli_run(int argc, char **argv, FILE *out, FILE *err);

#endif
