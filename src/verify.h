/* SPDX-License-Identifier: MIT */
/* The verifier: AWS rules checked offline on the model or a CloudFormation template. */
#ifndef GW_VERIFY_H
#define GW_VERIFY_H

#include <stdbool.h>

#include "diag.h"
#include "model.h"

/*
 * Run every rule on 'm' and report all findings into 'd', each with its rule
 * ID, severity, the profile's FILE:LINE:COL, the actual value and a hint.
 * Returns true when no finding is an error.
 */
bool gw_verify_model(const struct gw_model *m, struct gw_diags *d);

/*
 * Run the same rules on a CloudFormation template file (YAML with short-form
 * intrinsics, or JSON), with locations in that file. Returns true when no
 * finding is an error.
 */
bool gw_verify_template_file(const char *path, struct gw_diags *d);

#endif
