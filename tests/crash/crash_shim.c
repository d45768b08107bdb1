/* SPDX-License-Identifier: MIT */
/* LD_PRELOAD shim for tests/crash: SIGKILL (or another signal) gwgen at its Nth fsync, unlinkat or linkat. */
#define _GNU_SOURCE /* RTLD_NEXT */

#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/*
 * GWGEN_CRASH_AT=N: raise SIGKILL just before the Nth call (1-based) of
 * fsync(), unlinkat() or linkat(), counted together. Those calls mark every
 * stage of gw_output_write: a link per file the old tree has already, one
 * fsync per file, the directory fsyncs before the swap, the fsync of DIR
 * right after it, and the unlinkat calls that remove the old tree.
 * GWGEN_CRASH_SIGNAL=N: raise signal N there instead (issue 20: SIGTERM
 * and SIGINT, which gwgen handles by removing its temporary tree).
 * GWGEN_CRASH_COUNT=FILE: at exit, write the number of calls seen to FILE
 * (a dry run tells the test how many points there are).
 * No state beyond one counter: gwgen is single-threaded.
 */
#define ENV_AT "GWGEN_CRASH_AT"
#define ENV_COUNT "GWGEN_CRASH_COUNT"
#define ENV_SIGNAL "GWGEN_CRASH_SIGNAL"

static long calls;

static void point(void)
{
	const char *at = getenv(ENV_AT);
	calls++;
	if (at && atol(at) == calls) {
		const char *sig = getenv(ENV_SIGNAL);
		raise(sig ? atoi(sig) : SIGKILL);
	}
}

int fsync(int fd)
{
	int (*real)(int);
	/* POSIX's way to store dlsym()'s result (ISO C has no such cast). */
	*(void **)&real = dlsym(RTLD_NEXT, "fsync");
	point();
	return real(fd);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	int (*real)(int, const char *, int);
	*(void **)&real = dlsym(RTLD_NEXT, "unlinkat");
	point();
	return real(dirfd, path, flags);
}

int linkat(int olddirfd, const char *oldpath, int newdirfd,
		const char *newpath, int flags)
{
	int (*real)(int, const char *, int, const char *, int);
	*(void **)&real = dlsym(RTLD_NEXT, "linkat");
	point();
	return real(olddirfd, oldpath, newdirfd, newpath, flags);
}

__attribute__((destructor)) static void report(void)
{
	const char *path = getenv(ENV_COUNT);
	if (!path) {
		return;
	}
	FILE *f = fopen(path, "w");
	if (f) {
		fprintf(f, "%ld\n", calls);
		fclose(f);
	}
}
