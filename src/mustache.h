/* SPDX-License-Identifier: MIT */
/* A mustache engine: compile a template once, render it many times. */
#ifndef GW_MUSTACHE_H
#define GW_MUSTACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "escape.h"
#include "mustache_itf.h"

/*
 * The engine knows nothing about AWS, cJSON or files. Templates come as
 * text; partials and parents ({{> name}}, {{< name}}, {{>*dynamic}}) come
 * from a loader; data comes through the context interface in
 * mustache_itf.h (see mustache_cjson.h for the cJSON adapter).
 *
 * Supported: the whole mustache spec v1.4 including the optional
 * inheritance and dynamic-names modules. Lambdas are not supported.
 */

struct gw_mustache; /* a compiled template */

/* Finds the text of a partial or parent by name. */
struct gw_mustache_loader {
	/*
	 * Look up 'name'. On success set '*text' and '*len' to its source
	 * (lent: valid as long as the loader) and '*file' to the name to use
	 * in diagnostics (copied by the engine), and return true. Return
	 * false when there is no such partial.
	 */
	bool (*load)(void *ud, const char *name, const char **text,
			size_t *len, const char **file);
	void *ud;
};

/* Render flags. */
enum gw_mustache_flags {
	/* An undefined name is an error at its template location, instead
	 * of the spec's empty string; an unknown partial too. */
	GW_MUSTACHE_STRICT = 1u << 0,
};

/* Named limits: deeper nesting is an error, never a stack overflow. */
#define GW_MUSTACHE_MAX_DEPTH 64          /* sections inside sections */
#define GW_MUSTACHE_MAX_PARTIAL_DEPTH 64  /* partials/parents inside each other */
/*
 * Bytes one render may append to its output. Far above any real bundle
 * file (a CloudFormation template body is at most 1 MB even staged in S3,
 * user data at most 16 KB), and small enough that a template that
 * multiplies its output (a partial that includes the next one twice, 40
 * deep: 2^40 copies; nested sections over long lists) fails at once with
 * an error at its position instead of exhausting memory.
 */
#define GW_MUSTACHE_MAX_OUTPUT (32u * 1024 * 1024)

/*
 * Compile 'text' ('len' bytes) whose name in diagnostics is 'file'. Partials
 * are looked up through 'loader' (may be NULL: no partials) when first used
 * at render time, then compiled and cached in the template. Syntax errors
 * are reported into 'd' as FILE:LINE:COL (1-based; the column counts
 * bytes). Returns the template (free with gw_mustache_destroy) or NULL.
 * 'text', 'file' and 'loader' must outlive the template. Render it with
 * gw_mustache_render_cjson (mustache_cjson.h) or, for other data,
 * gw_mustache_render (below).
 */
struct gw_mustache *gw_mustache_compile(const char *text, size_t len,
		const char *file, const struct gw_mustache_loader *loader,
		struct gw_diags *d);

/* Free a compiled template. Accepts NULL. */
void gw_mustache_destroy(struct gw_mustache *t);

/*
 * Render 't' with 'root' as the bottom of the context stack, reading data
 * through 'itf' (its 'ud' is passed to every call) and appending to 'out'.
 * String values of {{name}} go through 'escape'; {{{name}}} and {{&name}}
 * are written raw, and so are numbers and booleans. 'flags' is a set of enum
 * gw_mustache_flags. Partials and parents are compiled on first use and
 * cached in 't'. Errors (strict undefined names, unknown partials, syntax
 * errors in partials, nesting limits, more than GW_MUSTACHE_MAX_OUTPUT
 * bytes of output) go to 'd' at the template's FILE:LINE:COL. Returns
 * false on error; 'out' may then hold partial text.
 */
bool gw_mustache_render(struct gw_mustache *t,
		const struct gw_mustache_itf *itf, void *ud, const void *root,
		gw_escape_fn escape, unsigned flags, struct gw_buf *out,
		struct gw_diags *d);

#endif
