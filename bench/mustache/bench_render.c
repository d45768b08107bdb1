/* SPDX-License-Identifier: MIT */
/* Benchmark: compile a template once, render it N times; speed and RSS. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "diag.h"
#include "report.h"
#include "escape.h"
#include "mustache.h"
#include "mustache_cjson.h"
#include "util.h"

#define MAX_FILE_BYTES (64u << 20)
#define MAX_PARTIAL_DIRS 8
#define DEFAULT_RENDERS 2000
#define NSEC_PER_SEC 1e9
/* Renders before the first RSS sample: caches and buffers settle. */
#define WARMUP_RENDERS 100

/* Partials are DIR/NAME.mustache, searched in the order the dirs were given. */
struct loader {
	const char *dirs[MAX_PARTIAL_DIRS];
	size_t n_dirs;
	char *texts[GW_MUSTACHE_MAX_PARTIAL_DEPTH * MAX_PARTIAL_DIRS];
	char *paths[GW_MUSTACHE_MAX_PARTIAL_DEPTH * MAX_PARTIAL_DIRS];
	size_t n;
};

static bool load(void *ud, const char *name, const char **text, size_t *len,
		const char **file)
{
	struct loader *l = ud;
	if (strchr(name, '/') || strstr(name, "..") ||
			l->n == GW_ARRAY_LEN(l->texts)) {
		return false;
	}
	for (size_t i = 0; i < l->n_dirs; i++) {
		char *path = gw_xasprintf("%s/%s.mustache", l->dirs[i], name);
		char *buf = gw_read_file(path, MAX_FILE_BYTES, len);
		if (buf) {
			l->texts[l->n] = buf;
			l->paths[l->n++] = path;
			*text = buf;
			*file = path;
			return true;
		}
		free(path);
	}
	return false;
}

/*
 * Peak resident set size in KiB: VmHWM from /proc/self/status, which belongs
 * to this program's memory map. getrusage's ru_maxrss is the fallback; Linux
 * carries it over exec, so under a big parent (meson's test runner) it shows
 * the parent's peak instead.
 */
static long peak_rss_kib(void)
{
	long kib = -1;
	char line[128];
	FILE *f = fopen("/proc/self/status", "r");
	while (f && kib < 0 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmHWM: %ld kB", &kib) != 1) {
			kib = -1;
		}
	}
	if (f) {
		fclose(f);
	}
	if (kib < 0) {
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		kib = ru.ru_maxrss;
	}
	return kib;
}

static double seconds(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / NSEC_PER_SEC;
}

static void usage(FILE *f)
{
	fputs("usage: bench_render [-n N] [-p DIR]... [-e ESCAPE] [-o OUT] "
			"TEMPLATE DATA.json\n"
			"  -n N       renders to time (default 2000)\n"
			"  -p DIR     partials directory (repeatable, searched in order)\n"
			"  -e ESCAPE  html (default), json, yaml, shell or none\n"
			"  -o OUT     also write one rendering to OUT\n", f);
}

int main(int argc, char **argv)
{
	struct loader l = {0};
	long n = DEFAULT_RENDERS;
	gw_escape_fn escape = gw_escape_html;
	const char *out_path = NULL;
	int c;
	gw_cjson_init();
	while ((c = getopt(argc, argv, "n:p:e:o:h")) != -1) {
		switch (c) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'p':
			if (l.n_dirs == MAX_PARTIAL_DIRS) {
				usage(stderr);
				return 2;
			}
			l.dirs[l.n_dirs++] = optarg;
			break;
		case 'e':
			escape = gw_escape_by_name(optarg);
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2 || n <= 0 || !escape) {
		usage(stderr);
		return 2;
	}
	const char *tpath = argv[optind], *dpath = argv[optind + 1];
	size_t tlen, dlen;
	char *ttext = gw_read_file(tpath, MAX_FILE_BYTES, &tlen);
	char *dtext = gw_read_file(dpath, MAX_FILE_BYTES, &dlen);
	if (!ttext || !dtext) {
		fprintf(stderr, "bench_render: cannot read '%s': %s\n",
				ttext ? dpath : tpath, strerror(errno));
		return 3;
	}
	cJSON *data = cJSON_ParseWithLength(dtext, dlen);
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_mustache_loader loader = {load, &l};
	struct gw_mustache *t = data ? gw_mustache_compile(ttext, tlen, tpath,
			&loader, &d) : NULL;
	struct gw_buf out;
	gw_buf_init(&out);
	int status = 0;
	bool ok = t != NULL;
	for (int i = 0; ok && i < WARMUP_RENDERS; i++) {
		gw_buf_clear(&out);
		ok = gw_mustache_render_cjson(t, data, escape,
				GW_MUSTACHE_STRICT, &out, &d);
	}
	if (!ok) {
		fprintf(stderr, "bench_render: %s\n",
				data ? "render failed" : "invalid JSON data");
		gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
		status = 1;
		goto done;
	}
	if (out_path) {
		FILE *f = fopen(out_path, "wb");
		if (!f || fwrite(out.data, 1, out.len, f) != out.len ||
				fclose(f) != 0) {
			perror(out_path);
			status = 3;
			goto done;
		}
	}
	long rss_warm = peak_rss_kib();
	double wall0 = seconds(CLOCK_MONOTONIC);
	double cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	long rss_half = rss_warm;
	for (long i = 0; ok && i < n; i++) {
		gw_buf_clear(&out);
		ok = gw_mustache_render_cjson(t, data, escape, 0, &out, &d);
		if (i == n / 2) {
			rss_half = peak_rss_kib();
		}
	}
	double cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	double wall = seconds(CLOCK_MONOTONIC) - wall0;
	long rss_end = peak_rss_kib();
	printf("gwgen: %.0f renders per CPU second, %.0f per wall second "
			"(%ld renders of %zu bytes)\n", (double)n / cpu,
			(double)n / wall, n, out.len);
	printf("gwgen: peak RSS %ld KiB after %d warm-up renders, %ld KiB "
			"halfway, %ld KiB after %ld more\n", rss_warm,
			WARMUP_RENDERS, rss_half, rss_end, n);
	printf("RESULT impl=gwgen cpu_rate=%.1f wall_rate=%.1f bytes=%zu "
			"rss_warm_kib=%ld rss_end_kib=%ld\n", (double)n / cpu,
			(double)n / wall, out.len, rss_warm, rss_end);
done:
	gw_buf_finish(&out);
	gw_mustache_destroy(t);
	gw_diags_finish(&d);
	cJSON_Delete(data);
	for (size_t i = 0; i < l.n; i++) {
		free(l.texts[i]);
		free(l.paths[i]);
	}
	free(ttext);
	free(dtext);
	return status;
}
