/* SPDX-License-Identifier: MIT */
/*
 * The launch-template family (lt.c): devices (D*), EBS volumes (V*) and
 * user data (L*), one rule function each over neutral facts, and the two
 * adapters that fill the facts from a profile's model and from a
 * CloudFormation template.
 */
#ifndef GW_LT_H
#define GW_LT_H

#include <yaml.h>

#include "diag.h"
#include "model.h"

/* The two adapters' contexts (model_facts.h, cfn.h). */
struct gw_vctx;
struct gw_cfn;

/*
 * Run the family's rules on every launch template of the model in 'c'
 * (called from gw_verify_model's driver, verify.c).
 */
/* Check every launch template of the model of 'c': names (N5, unique)
 * and each one's devices, volumes and user data (gw_lt_check_model). */
void gw_lt_check_models(struct gw_vctx *c);

void gw_lt_check_model(struct gw_vctx *c,
                       const struct gw_launch_template *lt);

/*
 * Run the family's rules on the AWS::EC2::LaunchTemplate 'logical' whose
 * Properties are 'props' (called from template.c's resource table).
 */
void gw_lt_check_cfn(struct gw_cfn *t, const char *logical,
                     yaml_node_t *props);

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

#endif
