/* SPDX-License-Identifier: MIT */
/* The verifier: AWS rules checked offline on the model or a CloudFormation
 * template. */
#ifndef GW_VERIFY_H
#define GW_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"

/*
 * Run every rule on 'm' and report all findings into 'd', each with its rule
 * ID, severity, the profile's FILE:LINE:COL, the actual value and a hint.
 * Returns true when no finding is an error.
 */
bool gw_verify_model(const struct gw_model *m, struct gw_diags *d);

/*
 * Run the template rules on CloudFormation text 'yaml' ('len' bytes; YAML
 * with short-form intrinsics, or JSON) named 'file' in diagnostics: size and
 * count limits (C1..C4) and the rules that apply to raw Batch, EC2, IAM, S3
 * and Logs resources. Returns true when no finding is an error.
 */
bool gw_verify_template_text(const char *yaml, size_t len, const char *file,
                             struct gw_diags *d);

/*
 * CloudFormation's own limits on 'doc', a template loaded from 'yaml'
 * ('len' bytes) and named 'file' in diagnostics: its size (C1), its
 * sections and resource count (C2) and its logical IDs (C3). What only the
 * rendered text shows: the check stage runs it on the template rendered
 * from a verified profile, whose every other rule the profile verifier
 * has judged. 'doc' is only read. Returns true when no finding is an
 * error.
 */
struct yaml_document_s;
bool gw_verify_template_limits(struct yaml_document_s *doc, const char *yaml,
                               size_t len, const char *file,
                               struct gw_diags *d);

/*
 * Read the template at 'path' and run gw_verify_template_text on it. An
 * unreadable file is reported as an error. Returns true when no finding is
 * an error.
 */
bool gw_verify_template_file(const char *path, struct gw_diags *d);

#endif
