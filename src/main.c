/* SPDX-License-Identifier: MIT */
/* The gwgen executable: everything else lives in the library. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int main(int argc, char **argv)
{
	int status = gw_cli_run(argc, argv, stdout, stderr);
	/* gw_cli_run flushed stdout and reported any failed write; what is
	 * left is close(2) itself, which some file systems fail with a
	 * delayed write error. EBADF is a stdout closed from the start
	 * ('>&-') that nothing was written to, as coreutils' close_stream
	 * sees it. */
	bool reported = ferror(stdout);
	if (fclose(stdout) != 0 && !reported && errno != EBADF) {
		fprintf(stderr, "gwgen: error: cannot write to standard "
				"output: %s\n", strerror(errno));
		status = status > GW_EXIT_IO ? status : GW_EXIT_IO;
	}
	return status;
}
