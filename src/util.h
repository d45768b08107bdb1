/* SPDX-License-Identifier: MIT */
/* Aborting allocators, string helpers and whole-file reading. */
#ifndef GW_UTIL_H
#define GW_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Number of elements of a true array (not a pointer). */
#define GW_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Allocate like malloc/calloc/realloc/strdup, but print "gwgen: out of
 * memory" and abort() instead of returning NULL. Free results with free().
 */
void *gw_xmalloc(size_t size);
void *gw_xcalloc(size_t n, size_t size);
void *gw_xrealloc(void *p, size_t size);
char *gw_xstrdup(const char *s);
char *gw_xstrndup(const char *s, size_t n);

/*
 * Grow the array '*items' of '*cap' elements of 'size' bytes so that it
 * holds at least 'need' elements. Aborts on overflow or out of memory.
 */
void gw_grow(void **items, size_t *cap, size_t need, size_t size);

/*
 * printf into a newly allocated string; free() the result. (nonnull: without
 * it GCC 12 with -fsanitize=undefined warns "null format string" here.)
 */
char *gw_xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), nonnull(1)));

/* True when 's' starts with 'prefix' / ends with 'suffix'. */
bool gw_has_prefix(const char *s, const char *prefix);
bool gw_has_suffix(const char *s, const char *suffix);

/*
 * Read the file at 'path' into a NUL-terminated buffer. Refuses files larger
 * than 'max' bytes (errno EFBIG) and directories (EISDIR). A FIFO is read
 * as a stream, but one that no process writes to within GW_FIFO_WAIT_MS
 * fails with ETIMEDOUT instead of hanging. Returns the buffer (free() it)
 * and stores its length in '*len', or returns NULL with errno set.
 */
#define GW_FIFO_WAIT_MS 10000
#define GW_FIFO_WAIT_TEXT "10 seconds"
char *gw_read_file(const char *path, size_t max, size_t *len);

/* What went wrong when gw_read_file failed with 'err': strerror's words, or
 * for ETIMEDOUT that a FIFO had no writer. */
const char *gw_read_error(int err);

/* Install the aborting allocators as cJSON's hooks. Call once from main. */
void gw_cjson_init(void);

/* Longest string gw_edit_distance compares; longer ones are "far". */
#define GW_EDIT_NAME_MAX 128

/*
 * The Levenshtein distance of 'a' ('na' bytes) and 'b' ('nb' bytes),
 * comparing ASCII letters without case when 'nocase'; SIZE_MAX when either
 * is longer than GW_EDIT_NAME_MAX (the suggestions it serves are for names,
 * and the bound keeps hostile input cheap).
 */
size_t gw_edit_distance(const char *a, size_t na, const char *b, size_t nb,
		bool nocase);

/* Write all 'len' bytes of 'data' to 'fd', retrying after EINTR and short
 * writes. Returns false with errno set when a write fails. */
bool gw_write_all(int fd, const char *data, size_t len);

#endif
