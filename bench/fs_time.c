/* SPDX-License-Identifier: MIT */
/* LD_PRELOAD shim: how long a process spends in the file-system calls gwgen's output makes. */
#define _GNU_SOURCE /* RTLD_NEXT, sync_file_range */

#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * LD_PRELOAD=BUILD/bench/libfs_time.so gwgen ... prints to standard error,
 * at exit, the number of calls and the wall time spent in each call that
 * src/output.c makes to write, sync, link and remove files, and the
 * process's whole time from start-up. docs/performance.md ("On a disk")
 * has what it showed. A measuring aid, not a test: the times include the
 * shim's own clock reads (well under a microsecond per call).
 */

enum call {
	C_OPENAT, C_WRITE, C_CLOSE, C_FCHMOD, C_MKDIRAT, C_SYNC_RANGE, C_FSYNC,
	C_LINKAT, C_UNLINKAT, C_RENAMEAT, C_SYSCALL, C_N
};

static const char *const names[C_N] = {
	"openat", "write", "close", "fchmod", "mkdirat", "sync_file_range",
	"fsync", "linkat", "unlinkat", "renameat", "syscall (renameat2)",
};

static double spent_ms[C_N];
static long calls[C_N];
static double start_ms;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The next definition of 'name' (POSIX's way to store dlsym's result). */
static void *next(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

static void count(enum call c, double t0)
{
	spent_ms[c] += now_ms() - t0;
	calls[c]++;
}

__attribute__((constructor)) static void begin(void)
{
	start_ms = now_ms();
}

__attribute__((destructor)) static void report(void)
{
	double total = 0;
	for (int c = 0; c < C_N; c++) {
		if (calls[c]) {
			fprintf(stderr, "fs_time: %-20s %5ld calls %8.3f ms\n",
					names[c], calls[c], spent_ms[c]);
			total += spent_ms[c];
		}
	}
	fprintf(stderr, "fs_time: %-20s %5s       %8.3f ms of %.3f ms\n",
			"all of the above", "", total, now_ms() - start_ms);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	static int (*real)(int, const char *, int, ...);
	if (!real) {
		*(void **)&real = next("openat");
	}
	mode_t mode = 0;
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	double t0 = now_ms();
	int r = real(dirfd, path, flags, mode);
	count(C_OPENAT, t0);
	return r;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);
	if (!real) {
		*(void **)&real = next("write");
	}
	double t0 = now_ms();
	ssize_t r = real(fd, buf, n);
	count(C_WRITE, t0);
	return r;
}

int close(int fd)
{
	static int (*real)(int);
	if (!real) {
		*(void **)&real = next("close");
	}
	double t0 = now_ms();
	int r = real(fd);
	count(C_CLOSE, t0);
	return r;
}

int fchmod(int fd, mode_t mode)
{
	static int (*real)(int, mode_t);
	if (!real) {
		*(void **)&real = next("fchmod");
	}
	double t0 = now_ms();
	int r = real(fd, mode);
	count(C_FCHMOD, t0);
	return r;
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	static int (*real)(int, const char *, mode_t);
	if (!real) {
		*(void **)&real = next("mkdirat");
	}
	double t0 = now_ms();
	int r = real(dirfd, path, mode);
	count(C_MKDIRAT, t0);
	return r;
}

int sync_file_range(int fd, off_t offset, off_t n, unsigned int flags)
{
	static int (*real)(int, off_t, off_t, unsigned int);
	if (!real) {
		*(void **)&real = next("sync_file_range");
	}
	double t0 = now_ms();
	int r = real(fd, offset, n, flags);
	count(C_SYNC_RANGE, t0);
	return r;
}

int fsync(int fd)
{
	static int (*real)(int);
	if (!real) {
		*(void **)&real = next("fsync");
	}
	double t0 = now_ms();
	int r = real(fd);
	count(C_FSYNC, t0);
	return r;
}

int linkat(int olddirfd, const char *oldpath, int newdirfd,
		const char *newpath, int flags)
{
	static int (*real)(int, const char *, int, const char *, int);
	if (!real) {
		*(void **)&real = next("linkat");
	}
	double t0 = now_ms();
	int r = real(olddirfd, oldpath, newdirfd, newpath, flags);
	count(C_LINKAT, t0);
	return r;
}

int unlinkat(int dirfd, const char *path, int flags)
{
	static int (*real)(int, const char *, int);
	if (!real) {
		*(void **)&real = next("unlinkat");
	}
	double t0 = now_ms();
	int r = real(dirfd, path, flags);
	count(C_UNLINKAT, t0);
	return r;
}

int renameat(int olddirfd, const char *oldpath, int newdirfd,
		const char *newpath)
{
	static int (*real)(int, const char *, int, const char *);
	if (!real) {
		*(void **)&real = next("renameat");
	}
	double t0 = now_ms();
	int r = real(olddirfd, oldpath, newdirfd, newpath);
	count(C_RENAMEAT, t0);
	return r;
}

/* output.c calls renameat2 through syscall(2); every argument is a long
 * there, and five are enough for it. */
long syscall(long number, ...)
{
	static long (*real)(long, ...);
	if (!real) {
		*(void **)&real = next("syscall");
	}
	va_list ap;
	va_start(ap, number);
	long a[5];
	for (int i = 0; i < 5; i++) {
		a[i] = va_arg(ap, long);
	}
	va_end(ap);
	double t0 = now_ms();
	long r = real(number, a[0], a[1], a[2], a[3], a[4]);
	count(C_SYSCALL, t0);
	return r;
}
