/* SPDX-License-Identifier: MIT */
/* (being written) */
#include "cli.h"

int gw_cli_run(int argc, char **argv, FILE *out, FILE *err)
{
	(void)argc;
	(void)argv;
	(void)out;
	fputs("gwgen: not built yet\n", err);
	return GW_EXIT_USAGE;
}
