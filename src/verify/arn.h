/* SPDX-License-Identifier: MIT */
/* ARN grammar per service, partitions and service principals (rules A1..A9). */
#ifndef GW_ARN_H
#define GW_ARN_H

#include <stdbool.h>

#include "diag.h"

/*
 * Whether 'partition' names a known partition ("aws", "aws-cn", ...). The
 * partitions and their regions are model.c's (gw_partition_for_region).
 */
bool gw_arn_partition_known(const char *partition);

/*
 * An ARN split at its first five colons. All fields point into 'buf', which
 * gw_arn_parse allocates and gw_arn_finish frees.
 */
struct gw_arn {
	char *buf;
	const char *partition;
	const char *service;
	const char *region;
	const char *account;
	const char *resource; /* everything after the fifth colon */
};

/*
 * Split 'text' into 'arn'. Returns false when it is not of the form
 * arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE; 'arn' is then zeroed.
 */
bool gw_arn_parse(const char *text, struct gw_arn *arn);

/* Free what gw_arn_parse allocated. Accepts a zeroed struct. */
void gw_arn_finish(struct gw_arn *arn);

/* Flags for gw_arn_verify. */
enum gw_arn_flags {
	/* In an IAM policy: '*' and '?' wildcards are allowed in fields. */
	GW_ARN_POLICY = 1 << 0,
	/* The ARN came from a template: fields with '${' are not checked. */
	GW_ARN_TEMPLATE = 1 << 1,
};

/*
 * Check 'text' against the general ARN grammar (A9), its partition against
 * 'partition' when not NULL (A1), its region against that partition, and the
 * per-service grammar: IAM (A3), S3 (A4), Secrets Manager (A5), CloudWatch
 * Logs (A6), Batch (A7), KMS (A8). 'flags' is a mask of enum gw_arn_flags.
 * Every problem is reported into 'd' at 'at'. Returns true when no error was
 * reported (warnings do not count).
 */
bool gw_arn_verify(const char *text, const char *partition, unsigned flags,
                   struct gw_loc at, struct gw_diags *d);

#endif
