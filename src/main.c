/* SPDX-License-Identifier: MIT */
/* The gwgen executable: everything else lives in the library. */
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
	return gw_cli_run(argc, argv, stdout, stderr);
}
