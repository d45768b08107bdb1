/* SPDX-License-Identifier: MIT */
/* The context interface through which the mustache engine reads data. */
#ifndef GW_MUSTACHE_ITF_H
#define GW_MUSTACHE_ITF_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "escape.h"
#include "mustache.h"

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

/*
 * Render 't' with 'root' as the bottom of the context stack, reading data
 * through 'itf' (its 'ud' is passed to every call) and appending to 'out'.
 * String values of {{name}} go through 'escape'; {{{name}}} and {{&name}}
 * are written raw, and so are numbers and booleans. 'flags' is a set of enum
 * gw_mustache_flags. Partials and parents are compiled on first use and
 * cached in 't'. Errors (strict undefined names, unknown partials, syntax
 * errors in partials, nesting limits, more than GW_MUSTACHE_MAX_OUTPUT
 * bytes of output) go to 'd' at the template's FILE:LINE:COL. Returns false on error; 'out' may then hold partial text.
 */
bool gw_mustache_render(struct gw_mustache *t,
		const struct gw_mustache_itf *itf, void *ud, const void *root,
		gw_escape_fn escape, unsigned flags, struct gw_buf *out,
		struct gw_diags *d);

#endif
