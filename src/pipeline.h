/* SPDX-License-Identifier: MIT */
/*
 * The one order of gwgen's stages, for every command:
 *
 *   load -> model -> verify -> view -> render -> check -> write | compare
 *
 * gw_pipeline_build runs a profile from load through check and hands back
 * the model and the checked bundle; the caller then writes it (generate),
 * compares it with DIR/NAME/ (check) or stops (verify). No stage calls an
 * earlier one: the verifier judges the model only, the renderer renders a
 * verified model only, and what only the rendered files show is the check
 * stage's (check.h). docs/architecture.md draws it.
 */
#ifndef GW_PIPELINE_H
#define GW_PIPELINE_H

#include <stdbool.h>

#include "diag.h"
#include "files.h"
#include "model.h"
#include "templates.h"

/* What gw_pipeline_build made: free with gw_bundle_finish. */
struct gw_bundle {
	struct gw_model *m;     /* NULL when loading failed */
	struct gw_files files;  /* sorted by path; empty unless checked */
};

/*
 * Load the profile at 'path', verify its model, build the view and render
 * every artifact with templates 't', and check the bundle. Stops at the
 * first stage that reports an error, or, with 'strict', a warning (then an
 * error says so). Returns true when the bundle passed the check stage.
 */
bool gw_pipeline_build(const char *path, const struct gw_templates *t,
		bool strict, struct gw_bundle *b, struct gw_diags *d);

/*
 * The stages after verify, on the model 'm' that gw_verify_model accepted:
 * build the view, render every artifact with templates 't' into 'out'
 * (sorted by path) and check the bundle. Returns false with errors in 'd'
 * (or, with 'strict', warnings), leaving 'out' empty.
 */
bool gw_pipeline_render(const struct gw_model *m,
		const struct gw_templates *t, bool strict, struct gw_files *out,
		struct gw_diags *d);

void gw_bundle_finish(struct gw_bundle *b);

#endif
