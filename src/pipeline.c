/* SPDX-License-Identifier: MIT */
/* The one order of gwgen's stages (pipeline.h). */
#include "pipeline.h"

#include "check.h"
#include "emit.h"
#include "profile.h"
#include "verify.h"

/* With 'strict', a warning fails the stage (and says so). */
static bool passes(bool strict, struct gw_diags *d, size_t errors)
{
	if (d->n_errors != errors) {
		return false;
	}
	if (strict && d->n_warnings) {
		gw_diag_error(d, (struct gw_loc){0},
				"%zu warning%s, and --strict is on",
				d->n_warnings, d->n_warnings == 1 ? "" : "s");
		return false;
	}
	return true;
}

bool gw_pipeline_build(const char *path, const struct gw_templates *t,
		bool strict, struct gw_bundle *b, struct gw_diags *d)
{
	size_t errors = d->n_errors;
	*b = (struct gw_bundle){ 0 };
	gw_files_init(&b->files);
	/* load -> model (the loader's range errors keep the model whole, so
	 * the verifier still runs and one run reports every finding) */
	b->m = gw_profile_load(path, d);
	if (!b->m) {
		return false;
	}
	/* verify */
	if (!gw_verify_model(b->m, d) || !passes(strict, d, errors)) {
		return false;
	}
	return gw_pipeline_render(b->m, t, strict, &b->files, d);
}

bool gw_pipeline_render(const struct gw_model *m,
		const struct gw_templates *t, bool strict, struct gw_files *out,
		struct gw_diags *d)
{
	size_t errors = d->n_errors;
	/* view -> render, then check */
	if (!gw_emit(m, t, out, d) || !passes(strict, d, errors) ||
			!gw_check_bundle(m, out, d) ||
			!passes(strict, d, errors)) {
		gw_files_finish(out);
		return false;
	}
	return true;
}

void gw_bundle_finish(struct gw_bundle *b)
{
	gw_files_finish(&b->files);
	gw_model_destroy(b->m);
	*b = (struct gw_bundle){ 0 };
}
