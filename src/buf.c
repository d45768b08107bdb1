/* SPDX-License-Identifier: MIT */
/* A growable byte buffer that is always NUL-terminated. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void gw_buf_init(struct gw_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void gw_buf_finish(struct gw_buf *b)
{
	if (!b) {
		return;
	}
	free(b->data);
	gw_buf_init(b);
}

static void reserve(struct gw_buf *b, size_t extra)
{
	if (extra > (size_t)-1 - b->len - 1) {
		fputs("gwgen: out of memory\n", stderr);
		abort();
	}
	gw_grow((void **)&b->data, &b->cap, b->len + extra + 1, 1);
}

void gw_buf_append(struct gw_buf *b, const char *s, size_t n)
{
	/* The common case, room left, without the overflow check and the
	 * call into gw_grow: renderers append in small pieces. */
	if (n && n < b->cap - b->len) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	reserve(b, n);
	if (n) {
		memcpy(b->data + b->len, s, n);
	}
	b->len += n;
	b->data[b->len] = '\0';
}

void gw_buf_puts(struct gw_buf *b, const char *s)
{
	gw_buf_append(b, s, strlen(s));
}

void gw_buf_putc(struct gw_buf *b, char c)
{
	/* Called per byte by the user data renderer and the escapers. */
	if (b->cap - b->len > 1) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return;
	}
	reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void gw_buf_vprintf(struct gw_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		return;
	}
	reserve(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void gw_buf_printf(struct gw_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gw_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void gw_buf_clear(struct gw_buf *b)
{
	b->len = 0;
	if (b->data) {
		b->data[0] = '\0';
	}
}

char *gw_buf_detach(struct gw_buf *b, size_t *len)
{
	char *s = b->data ? b->data : gw_xstrdup("");
	if (len) {
		*len = b->len;
	}
	gw_buf_init(b);
	return s;
}

const char *gw_buf_str(const struct gw_buf *b)
{
	return b->data ? b->data : "";
}
