/* SPDX-License-Identifier: MIT */
/* The command line: option parsing and running the pipeline. */
#ifndef GW_CLI_H
#define GW_CLI_H

#include <stdio.h>

#include "status.h"

/* Run gwgen with 'argc'/'argv', writing to 'out' and 'err'. Returns an enum gw_exit. */
int gw_cli_run(int argc, char **argv, FILE *out, FILE *err);

#endif
