/* SPDX-License-Identifier: MIT */
/* `gwgen init`: write a commented starter profile that generates with no warning. */
#ifndef GW_INIT_H
#define GW_INIT_H

#include <stdio.h>

/*
 * Run `gwgen init NAME [--engine ENGINE] [--region REGION] [--from
 * PROFILE] [-o FILE] [--force]` with 'argc'/'argv' (argv[0] is "init").
 * Writes profiles/NAME.yaml (or FILE; '-' is standard output) from the
 * built-in templates/init/, and the profile schema (schema.h) beside it
 * when it is missing or stale; then says on 'out' what to change before
 * deploying. The profile is loaded and verified before it is written, so
 * a bad NAME or REGION is reported and nothing is written. --help goes to
 * 'out'; errors to 'err'. Returns an enum gw_exit.
 */
int gw_init_main(int argc, char **argv, FILE *out, FILE *err);

#endif
