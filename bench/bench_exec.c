/* SPDX-License-Identifier: MIT */
/* Benchmark driver: run a command N times; median wall time and peak RSS. */
/* wait4(2) is a BSD/Linux call, outside POSIX. */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define DEFAULT_RUNS 30
#define MS_PER_SEC 1e3
#define NS_PER_MS 1e6
#define US_PER_MS 1e3

/*
 * Why a C driver and not Python: Linux keeps the larger of a process's peak
 * RSS before and after exec in ru_maxrss, so a child forked from a Python
 * interpreter (about 10 MB) reports at least that. This driver's own RSS
 * (about 1 MB) is far below gwgen's, so wait4's ru_maxrss is gwgen's own.
 */

struct sample {
	double wall_ms, cpu_ms;
	long rss_kib;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * MS_PER_SEC + (double)ts.tv_nsec / NS_PER_MS;
}

static double tv_ms(struct timeval tv)
{
	return (double)tv.tv_sec * MS_PER_SEC + (double)tv.tv_usec / US_PER_MS;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* Run argv once; false when it could not run or exited with a status
 * other than 'want' (-1: any). */
static int run_once(char **argv, int want, int quiet, struct sample *s)
{
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid < 0) {
		perror("bench_exec: fork");
		return 0;
	}
	if (pid == 0) {
		if (quiet && !freopen("/dev/null", "w", stderr)) {
			_exit(127);
		}
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("bench_exec: wait4");
			return 0;
		}
	}
	s->wall_ms = now_ms() - t0;
	s->cpu_ms = tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime);
	s->rss_kib = ru.ru_maxrss;
	if (!WIFEXITED(status) || (want >= 0 && WEXITSTATUS(status) != want)) {
		fprintf(stderr, "bench_exec: '%s' exited with status %d\n",
				argv[0], WIFEXITED(status) ? WEXITSTATUS(status)
				: -1);
		return 0;
	}
	return 1;
}

static void usage(FILE *f)
{
	fputs("usage: bench_exec [-n RUNS] [-w WARMUP] [-x STATUS] [-q] -- "
			"COMMAND [ARG...] [-- BEFORE [ARG...]]\n"
			"  -n RUNS    timed runs (default 30)\n"
			"  -w WARMUP  untimed runs first (default 1)\n"
			"  -x STATUS  expected exit status (default 0; -1: any)\n"
			"  -q         send the command's stderr to /dev/null\n"
			"  BEFORE     run (untimed, status 0) before every "
			"run of COMMAND,\n"
			"             e.g. to change what COMMAND "
			"replaces\n"
			"Prints: RESULT runs=N wall_med_ms wall_min_ms wall_max_ms "
			"cpu_med_ms rss_med_kib rss_max_kib\n", f);
}

int main(int argc, char **argv)
{
	long runs = DEFAULT_RUNS, warmup = 1;
	int want = 0, quiet = 0, c;
	while ((c = getopt(argc, argv, "+n:w:x:qh")) != -1) {
		switch (c) {
		case 'n':
			runs = strtol(optarg, NULL, 10);
			break;
		case 'w':
			warmup = strtol(optarg, NULL, 10);
			break;
		case 'x':
			want = (int)strtol(optarg, NULL, 10);
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc || runs < 1 || warmup < 0) {
		usage(stderr);
		return 2;
	}
	char **cmd = argv + optind;
	/* A second "--" ends COMMAND and starts BEFORE. */
	char **before = NULL;
	for (int i = optind; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			argv[i] = NULL;
			before = argv + i + 1;
			break;
		}
	}
	if (!*cmd || (before && !*before)) {
		usage(stderr);
		return 2;
	}
	struct sample s;
	for (long i = 0; i < warmup; i++) {
		if ((before && !run_once(before, 0, quiet, &s))
				|| !run_once(cmd, want, quiet, &s)) {
			return 1;
		}
	}
	double *wall = gw_xcalloc((size_t)runs, sizeof(*wall));
	double *cpu = gw_xcalloc((size_t)runs, sizeof(*cpu));
	long *rss = gw_xcalloc((size_t)runs, sizeof(*rss));
	int ok = 1;
	for (long i = 0; ok && i < runs; i++) {
		ok = (!before || run_once(before, 0, quiet, &s))
			&& run_once(cmd, want, quiet, &s);
		wall[i] = s.wall_ms;
		cpu[i] = s.cpu_ms;
		rss[i] = s.rss_kib;
	}
	if (ok) {
		size_t n = (size_t)runs;
		qsort(wall, n, sizeof(*wall), cmp_double);
		qsort(cpu, n, sizeof(*cpu), cmp_double);
		qsort(rss, n, sizeof(*rss), cmp_long);
		printf("RESULT runs=%ld wall_med_ms=%.3f wall_min_ms=%.3f "
				"wall_max_ms=%.3f cpu_med_ms=%.3f rss_med_kib=%ld "
				"rss_max_kib=%ld\n", runs, wall[n / 2], wall[0],
				wall[n - 1], cpu[n / 2], rss[n / 2], rss[n - 1]);
	}
	free(wall);
	free(cpu);
	free(rss);
	return ok ? 0 : 1;
}
