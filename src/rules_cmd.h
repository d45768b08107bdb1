/* SPDX-License-Identifier: MIT */
/* `gwgen rules`: the rule book, and where each rule is implemented. */
#ifndef GW_RULES_CMD_H
#define GW_RULES_CMD_H

#include <stdio.h>

/*
 * Run `gwgen rules [ID...]` ('argv[0]' is "rules"): every rule, or those
 * named, with its severities, where it is checked, what it checks, its
 * source and the files that implement it. Returns an enum gw_exit: 0, 1
 * when an ID names no rule, 2 for a usage error.
 */
int gw_rules_main(int argc, char **argv, FILE *out, FILE *err);

#endif
