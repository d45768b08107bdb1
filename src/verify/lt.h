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

#include "model.h"

/* model_facts.h and cfn.h each define ERR/WARN/NOTE for their side. */
struct gw_vctx;
struct gw_cfn;

/*
 * Run the family's rules on every launch template of the model in 'c'
 * (called from gw_verify_model's driver, verify.c).
 */
void gw_lt_check_model(struct gw_vctx *c,
                       const struct gw_launch_template *lt);

/*
 * Run the family's rules on the AWS::EC2::LaunchTemplate 'logical' whose
 * Properties are 'props' (called from template.c's resource table).
 */
void gw_lt_check_cfn(struct gw_cfn *t, const char *logical,
                     yaml_node_t *props);

#endif
