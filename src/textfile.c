/* SPDX-License-Identifier: MIT */
/* Writing one text file whole: a temporary file beside it, then rename(2). */
#include "textfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* rw-r--r-- before the umask, as open(2) with O_CREAT would give it. */
#define TEXTFILE_MODE 0644
/* mkstemp's pattern: six characters it replaces. */
#define TEMP_SUFFIX ".tmp-XXXXXX"

bool gw_textfile_write(const char *path, const char *data, size_t len,
		struct gw_diags *d)
{
	char *tmp = gw_xasprintf("%s" TEMP_SUFFIX, path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		gw_diag_error(d, (struct gw_loc){0}, "cannot write '%s': %s",
				path, strerror(errno));
		free(tmp);
		return false;
	}
	/* mkstemp makes it 0600; the file is meant to be read by others. */
	mode_t mask = umask(0);
	umask(mask);
	bool ok = fchmod(fd, TEXTFILE_MODE & ~mask) == 0
		&& gw_write_all(fd, data, len) && fsync(fd) == 0;
	int e = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		e = errno;
	}
	if (!ok) {
		unlink(tmp);
		gw_diag_error(d, (struct gw_loc){0}, "cannot write '%s': %s",
				path, strerror(e));
	}
	free(tmp);
	return ok;
}
