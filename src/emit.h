/* SPDX-License-Identifier: MIT */
/* The artifact table and the driver that renders every artifact in memory. */
#ifndef GW_EMIT_H
#define GW_EMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"
#include "templates.h"

/* One generated file, held in memory until every artifact has rendered. */
struct gw_file {
	char *path;     /* relative to out/NAME/, '/'-separated, e.g. "iam/bucket-access.json" */
	char *data;     /* contents; LF endings, final newline */
	size_t len;
	unsigned mode;  /* 0644 or 0755 */
};

struct gw_files {
	struct gw_file *v; /* sorted by path after gw_emit */
	size_t n, cap;
};

void gw_files_init(struct gw_files *f);
void gw_files_finish(struct gw_files *f);

/* Append a file, taking ownership of 'data' (malloc'd, 'len' bytes). */
void gw_files_add(struct gw_files *f, const char *path, char *data, size_t len,
		unsigned mode);

/* The file at 'path', or NULL. */
const struct gw_file *gw_files_find(const struct gw_files *f, const char *path);

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
