/* SPDX-License-Identifier: MIT */
/* Test helper: a scratch directory below the test's working directory (the build tree). */
#ifndef GW_TEST_SCRATCH_H
#define GW_TEST_SCRATCH_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

struct scratch {
	char dir[64]; /* relative: gwtest-PREFIX-XXXXXX */
};

/* Remove 'path' and everything below it, never following a symlink. */
static inline void scratch_rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0) {
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	chmod(path, 0755); /* a test may have made it read-only */
	DIR *dp = opendir(path);
	for (struct dirent *e; dp && (e = readdir(dp));) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			char *sub = gw_xasprintf("%s/%s", path, e->d_name);
			scratch_rm_rf(sub);
			free(sub);
		}
	}
	if (dp) {
		closedir(dp);
	}
	rmdir(path);
}

/* A new scratch directory named after 'prefix' (free with scratch_destroy). */
static inline struct scratch *scratch_create(const char *prefix)
{
	struct scratch *s = gw_xcalloc(1, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "gwtest-%s-XXXXXX", prefix);
	if (!mkdtemp(s->dir)) {
		free(s);
		return NULL;
	}
	return s;
}

static inline void scratch_destroy(struct scratch *s)
{
	if (s) {
		scratch_rm_rf(s->dir);
		free(s);
	}
}

#endif
