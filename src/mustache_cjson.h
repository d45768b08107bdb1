/* SPDX-License-Identifier: MIT */
/* Rendering a compiled mustache template against cJSON data. */
#ifndef GW_MUSTACHE_CJSON_H
#define GW_MUSTACHE_CJSON_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "mustache.h"

/*
 * Render 't' with 'data' as the root context, appending to 'out'. String
 * values of {{name}} go through 'escape'; {{{name}}} and {{&name}} are raw.
 * 'flags' is a set of enum gw_mustache_flags. Errors (strict undefined
 * names, unknown partials, nesting limits) go to 'd' with the template's
 * FILE:LINE:COL. Returns false on error; 'out' may then hold partial text.
 * 't' may be rendered again; partials compiled on first use are cached in it.
 */
bool gw_mustache_render_cjson(struct gw_mustache *t, const cJSON *data,
		gw_escape_fn escape, unsigned flags, struct gw_buf *out,
		struct gw_diags *d);

#endif
