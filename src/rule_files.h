/* SPDX-License-Identifier: MIT */
/* Where each rule is implemented: generated at build time from the code. */
#ifndef GW_RULE_FILES_H
#define GW_RULE_FILES_H

#include "rules.h"

/*
 * For each rule, the src/ files that report it, space-separated
 * ("src/verify/ce.c"); "" for none. Made by tools/gen-rule-files.py from
 * the sources, so it cannot drift from them.
 */
extern const char *const gw_rule_files[GW_RULE_COUNT];

#endif
