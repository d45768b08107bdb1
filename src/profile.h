/* SPDX-License-Identifier: MIT */
/* The profile loader: YAML (libyaml) to the typed model, with precise errors. */
#ifndef GW_PROFILE_H
#define GW_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"

/* Profiles larger than this are refused before parsing. */
#define GW_PROFILE_MAX_BYTES (1024 * 1024)

/*
 * Load the profile file at 'path' (following 'extends:'), check its shape
 * and types, fill in defaults and derive the partition. Reports every error
 * found (up to the diagnostics cap) into 'd' as FILE:LINE:COL. Values out of
 * a key's range (with the rule ID of the limit, docs/rules.md) and
 * credentials (S10) leave the model whole: when they are the only errors,
 * gw_verify_model runs on the model too and adds its findings, so one run
 * shows them all. Returns the model (free with gw_model_destroy) or NULL
 * when there was any error.
 */
struct gw_model *gw_profile_load(const char *path, struct gw_diags *d);

/*
 * The value of the top-level 'name:' in a profile's 'text' (free() it),
 * with its line and column in '*at' (its file left as it was), read without
 * loading the profile; NULL when the text does not give it plainly (no such
 * key, an alias, a syntax error first), when only loading can tell.
 */
char *gw_profile_peek_name(const char *text, size_t len, struct gw_loc *at);

/*
 * The same from memory: 'text' ('len' bytes) named 'file' in diagnostics.
 * 'extends:' is resolved relative to the directory of 'file'.
 */
struct gw_model *gw_profile_load_string(const char *text, size_t len,
		const char *file, struct gw_diags *d);

/*
 * Resolve a --profile argument. A value containing '/' or ending in ".yaml"
 * is a path used as is. Otherwise NAME is looked up as NAME.yaml in, in
 * order: each directory of $GWGEN_PROFILE_PATH (':'-separated), ./profiles,
 * and the installed profiles directory. Returns a path to free(), or NULL
 * with an error in 'd'.
 */
char *gw_profile_resolve(const char *arg, struct gw_diags *d);

#endif
