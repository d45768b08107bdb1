/* SPDX-License-Identifier: MIT */
/* Writing one text file whole: a temporary file beside it, then rename(2). */
#ifndef GW_TEXTFILE_H
#define GW_TEXTFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/*
 * Replace the file at 'path' with the 'len' bytes of 'data' (mode 0644
 * before the umask): they are written to a temporary file in the same
 * directory, synced, and renamed over 'path', so a reader sees the old or
 * the new file, never a part. Returns false with an error naming 'path' in
 * 'd' when that fails (the temporary file is removed then).
 */
bool gw_textfile_write(const char *path, const char *data, size_t len,
		struct gw_diags *d);

#endif
