/* SPDX-License-Identifier: MIT */
/* Aborting allocators, string helpers and whole-file reading. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

static void die_oom(void)
{
	fputs("gwgen: out of memory\n", stderr);
	abort();
}

void *gw_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p) {
		die_oom();
	}
	return p;
}

void *gw_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p) {
		die_oom();
	}
	return p;
}

void *gw_xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);
	if (!q) {
		die_oom();
	}
	return q;
}

char *gw_xstrdup(const char *s)
{
	return gw_xstrndup(s, strlen(s));
}

char *gw_xstrndup(const char *s, size_t n)
{
	char *p = gw_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void gw_grow(void **items, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap) {
		return;
	}
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2) {
			die_oom();
		}
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size) {
		die_oom();
	}
	*items = gw_xrealloc(*items, ncap * size);
	*cap = ncap;
}

char *gw_xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		die_oom();
	}
	char *s = gw_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

bool gw_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool gw_has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

/*
 * Wait until 'fd' is readable. A FIFO is opened without blocking, so that one
 * no process writes to cannot hang gwgen in open(); until its first byte
 * arrives the wait is bounded, after that a writer may pause as it likes.
 */
static bool wait_readable(int fd, bool first)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	for (;;) {
		int r = poll(&p, 1, first ? GW_FIFO_WAIT_MS : -1);
		if (r > 0) {
			return true;
		}
		if (r == 0) {
			errno = ETIMEDOUT;
			return false;
		}
		if (errno != EINTR) {
			return false;
		}
	}
}

char *gw_read_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return NULL;
	}
	bool fifo = S_ISFIFO(st.st_mode), first = fifo;
	if (!fifo) {
		/* Regular files and devices are read as usual, blocking. */
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
			int e = errno;
			close(fd);
			errno = e;
			return NULL;
		}
	}
	size_t cap = 0, n = 0;
	char *buf = NULL;
	int err = 0;
	for (;;) {
		gw_grow((void **)&buf, &cap, n + 65536 + 1, 1);
		if (fifo && !wait_readable(fd, first)) {
			err = errno;
			break;
		}
		ssize_t got = read(fd, buf + n, cap - n - 1);
		if (got < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				continue;
			}
			err = errno;
			break;
		}
		first = false;
		n += (size_t)got;
		if (n > max) {
			err = EFBIG;
			break;
		}
		if (got == 0) {
			break;
		}
	}
	close(fd);
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

const char *gw_read_error(int err)
{
	if (err == ETIMEDOUT) {
		return "it is a FIFO that no process wrote to within "
		       GW_FIFO_WAIT_TEXT;
	}
	return strerror(err);
}

static void *cjson_malloc(size_t size)
{
	return gw_xmalloc(size);
}

void gw_cjson_init(void)
{
	cJSON_Hooks hooks = {.malloc_fn = cjson_malloc, .free_fn = free};
	cJSON_InitHooks(&hooks);
}

size_t gw_edit_distance(const char *a, size_t na, const char *b, size_t nb,
		bool nocase)
{
	size_t row[GW_EDIT_NAME_MAX + 1];
	if (na > GW_EDIT_NAME_MAX || nb > GW_EDIT_NAME_MAX) {
		return SIZE_MAX;
	}
	for (size_t j = 0; j <= nb; j++) {
		row[j] = j;
	}
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			unsigned char x = (unsigned char)a[i - 1];
			unsigned char y = (unsigned char)b[j - 1];
			bool same = nocase ? tolower(x) == tolower(y) : x == y;
			size_t best = diag + !same;
			if (row[j] + 1 < best) {
				best = row[j] + 1;
			}
			if (row[j - 1] + 1 < best) {
				best = row[j - 1] + 1;
			}
			diag = row[j];
			row[j] = best;
		}
	}
	return row[nb];
}

bool gw_write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return false;
		}
		data += n;
		len -= (size_t)n;
	}
	return true;
}
