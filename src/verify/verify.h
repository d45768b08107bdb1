/* SPDX-License-Identifier: MIT */
/* The verifier: AWS rules checked offline on the model or a CloudFormation
 * template. */
#ifndef GW_VERIFY_H
#define GW_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "aws_limits.h"
#include "model.h"


/*
 * Run every rule on 'm' and report all findings into 'd', each with its rule
 * ID, severity, the profile's FILE:LINE:COL, the actual value and a hint.
 * Returns true when no finding is an error.
 */
bool gw_verify_model(const struct gw_model *m, struct gw_diags *d);

/* One EBS volume as written, for gw_verify_ebs. Strings are lent. */
struct gw_ebs_volume {
	const char *device; /* for messages */
	const char *type;   /* NULL = gp3 */
	bool root;          /* the boot volume (st1/sc1 refused) */
	bool has_size, has_iops, has_throughput;
	long long size_gib, iops, throughput; /* GiB, IOPS, MiB/s */
	struct gw_loc type_at, size_at, iops_at, throughput_at;
};

/*
 * Check the size, IOPS and throughput of one EBS volume against the limits
 * of its type (rules V1..V3; gp3 values in the 2025 band only warn).
 * Returns true when no finding is an error.
 */
bool gw_verify_ebs(const struct gw_ebs_volume *v, struct gw_diags *d);

/*
 * Check rendered EC2 user data 'mime' ('len' bytes, before base64): the
 * 16 KB limit (L2), the MIME multipart shape AWS Batch needs (L1), the
 * cloud-init-per guard of boothooks (L7) and unpinned downloads (L9).
 * Findings are reported at 'at'. Returns true when no finding is an error.
 */
bool gw_verify_user_data(const char *mime, size_t len, struct gw_loc at,
                         struct gw_diags *d);

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
