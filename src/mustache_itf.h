/* SPDX-License-Identifier: MIT */
/* The context interface through which the mustache engine reads data. */
#ifndef GW_MUSTACHE_ITF_H
#define GW_MUSTACHE_ITF_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/*
 * Data is a tree of opaque values ('const void *', lent by the backend and
 * valid while the data lives). The engine keeps the context stack itself: a
 * section pushes the value (or each item of a list) and pops it when done,
 * so the backend needs no enter/leave bookkeeping and holds no state.
 *
 * Names resolve as the spec says (interpolation.json, "Dotted Names"): '.'
 * is the top of the stack; otherwise the first part of 'a.b.c' is looked up
 * from the top of the stack down, and the rest inside the value found, with
 * no further fallback.
 */

/* What a value is; decides truthiness, iteration and escaping. */
enum gw_mustache_kind {
	GW_MUSTACHE_NULL,   /* falsey; interpolates as nothing */
	GW_MUSTACHE_FALSE,  /* falsey; interpolates as "false" */
	GW_MUSTACHE_TRUE,   /* renders a section once; "true" */
	GW_MUSTACHE_NUMBER, /* truthy (0 too); canonical text, never escaped */
	GW_MUSTACHE_STRING, /* truthy ("" too); escaped by {{name}} */
	GW_MUSTACHE_LIST,   /* a section repeats per item; falsey when empty */
	GW_MUSTACHE_MAP,    /* renders a section once, pushed as context */
};

struct gw_mustache_itf {
	/* The member 'key' (NUL-terminated) of 'v', or NULL when 'v' is not
	 * a map or has no such member. */
	const void *(*lookup)(void *ud, const void *v, const char *key);
	/* The first item of list 'list', or NULL when it is empty. */
	const void *(*enter)(void *ud, const void *list);
	/* The item after 'item' in 'list', or NULL after the last. */
	const void *(*next)(void *ud, const void *list, const void *item);
	/*
	 * The kind of 'v'. When 's' is not NULL and 'v' is a STRING, NUMBER,
	 * TRUE or FALSE, also set '*s' and '*len' to its text, which may be
	 * written into 'tmp' (cleared by the caller) and is valid until 'tmp'
	 * or the data changes.
	 */
	enum gw_mustache_kind (*get)(void *ud, const void *v,
			struct gw_buf *tmp, const char **s, size_t *len);
};

#endif
