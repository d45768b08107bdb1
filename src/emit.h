/* SPDX-License-Identifier: MIT */
/* The artifact table and the driver that renders every artifact in memory. */
#ifndef GW_EMIT_H
#define GW_EMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "files.h"
#include "model.h"
#include "templates.h"

/*
 * Render every artifact of the verified model 'm' with templates 't' into
 * 'out' (sorted by path). Nothing touches the disk. Returns false with
 * errors in 'd' (template errors carry the template's FILE:LINE:COL; a
 * rendered artifact that fails its re-parse check is an internal error
 * naming the template).
 */
bool gw_emit(const struct gw_model *m, const struct gw_templates *t,
		struct gw_files *out, struct gw_diags *d);

#endif
