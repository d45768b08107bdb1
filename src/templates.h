/* SPDX-License-Identifier: MIT */
/* The template set: built into the binary, or read from --templates DIR. */
#ifndef GW_TEMPLATES_H
#define GW_TEMPLATES_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "mustache.h"

/* One template file; 'name' is its path below templates/, e.g. "cfn/stack.yaml.mustache". */
struct gw_template_file {
	const char *name; /* below templates/, '/'-separated; the lookup key */
	const char *path; /* for diagnostics: "templates/NAME" when built in,
			   * "DIR/NAME" when read from --templates DIR */
	const char *text; /* NUL-terminated */
	size_t len;       /* bytes, not counting the NUL */
};

struct gw_templates; /* opaque */

/* The templates compiled into the binary (lent; never freed). */
const struct gw_templates *gw_templates_builtin(void);

/*
 * Read every *.mustache (and other) file below 'dir' into a new set whose
 * file names in diagnostics are "DIR/NAME". Returns the set (free with
 * gw_templates_destroy) or NULL with an error in 'd'.
 */
struct gw_templates *gw_templates_load_dir(const char *dir, struct gw_diags *d);

/* Free a set from gw_templates_load_dir. Accepts NULL and the builtin set. */
void gw_templates_destroy(const struct gw_templates *t);

/* The file called 'name', or NULL. Lent for the life of the set. */
const struct gw_template_file *gw_templates_find(const struct gw_templates *t,
		const char *name);

/* Number of files and the i-th file, in name order. */
size_t gw_templates_count(const struct gw_templates *t);
const struct gw_template_file *gw_templates_at(const struct gw_templates *t,
		size_t i);

/*
 * A mustache loader that resolves partial 'name' for a template in directory
 * 'kind' ("cfn", "iam", ...) as KIND/NAME.mustache, then common/NAME.mustache.
 * Names containing "..", or starting with "/", are never resolved.
 * 'kind' and 't' must outlive the loader's use, and 'l' must stay where it
 * is (its loader points back at it): pass &l->loader to the compiler.
 */
struct gw_templates_loader {
	struct gw_mustache_loader loader;
	const struct gw_templates *set;
	const char *kind;
};
void gw_templates_loader_init(struct gw_templates_loader *l,
		const struct gw_templates *t, const char *kind);

#endif
