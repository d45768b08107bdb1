/* SPDX-License-Identifier: MIT */
/* `gwgen schema`: the profile format as JSON Schema, from the loader's key tables. */
#ifndef GW_SCHEMA_H
#define GW_SCHEMA_H

#include <stdio.h>

#include <cJSON.h>

#include "diag.h"

/* The file name the schema has beside the profiles it describes. */
#define GW_SCHEMA_FILE "profile.schema.json"

/*
 * The JSON Schema (draft-07) of a profile, from the loader's own tables
 * (profile_keys.h): every key with its type, its allowed values, its range
 * and its default, and whether it is required (at the top level and in the
 * top-level mappings, only in a profile without 'extends:', whose parent
 * may give them); a description of each key from this module's table. A
 * key without a description, or a description of no key, is an internal
 * error in 'd' (the unit test catches it first). Returns the schema (free
 * with cJSON_Delete) or NULL.
 */
cJSON *gw_schema_create(struct gw_diags *d);

/*
 * The schema as text: gw_schema_create printed, with a final newline.
 * Returns a string to free(), or NULL with the error in 'd'.
 */
char *gw_schema_render(struct gw_diags *d);

/*
 * Run `gwgen schema [-o FILE]` with 'argc'/'argv' (argv[0] is "schema"):
 * print the schema on 'out', or replace FILE with it. --help goes to
 * 'out'; errors go to 'err'. Returns an enum gw_exit.
 */
int gw_schema_main(int argc, char **argv, FILE *out, FILE *err);

#endif
