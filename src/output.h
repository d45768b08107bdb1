/* SPDX-License-Identifier: MIT */
/* Writing a set of rendered files into out/NAME/ atomically. */
#ifndef GW_OUTPUT_H
#define GW_OUTPUT_H

#include <stdbool.h>

#include "diag.h"
#include "emit.h"

/*
 * Replace directory 'dir'/'name' by exactly 'files': write them into a new
 * temporary directory beside it (created inside 'dir', which is created if
 * missing), fsync every file and the directory, then swap it into place
 * with rename(2) so a reader sees the complete old or the complete new
 * output, never a mix. On any error nothing at 'dir'/'name' changes, the
 * temporary directory is removed, and the error is in 'd'. 'name' must be
 * a single path component.
 */
bool gw_output_write(const char *dir, const char *name,
		const struct gw_files *files, struct gw_diags *d);

#endif
