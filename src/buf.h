/* SPDX-License-Identifier: MIT */
/* A growable byte buffer that is always NUL-terminated. */
#ifndef GW_BUF_H
#define GW_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct gw_buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len; /* bytes used, not counting the NUL */
	size_t cap; /* bytes allocated */
};

/* Initialise 'b' to empty; gw_buf_finish() frees it. A zeroed buf is valid. */
void gw_buf_init(struct gw_buf *b);
void gw_buf_finish(struct gw_buf *b);

/* Append bytes; never fails (aborts on out of memory). */
void gw_buf_append(struct gw_buf *b, const char *s, size_t n);
void gw_buf_puts(struct gw_buf *b, const char *s);
void gw_buf_putc(struct gw_buf *b, char c);
void gw_buf_printf(struct gw_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void gw_buf_vprintf(struct gw_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Empty the buffer, keeping its storage. */
void gw_buf_clear(struct gw_buf *b);

/*
 * Hand the contents over to the caller as a NUL-terminated string (never
 * NULL; free() it) and leave 'b' empty. '*len' receives the length if non-NULL.
 */
char *gw_buf_detach(struct gw_buf *b, size_t *len);

/* The contents as a C string ("" when empty); lent, valid until the next change. */
const char *gw_buf_str(const struct gw_buf *b);

#endif
