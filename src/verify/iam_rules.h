/* SPDX-License-Identifier: MIT */
/*
 * The IAM rule family (S1-S7, N3, N4, N8, N9, R1-R3, R8, A2, and A3-A9 on
 * policy statements): what the profile verifier's driver (verify.c) and
 * the template verifier's resource table (template.c) call. The rules
 * themselves are static in iam_rules.c, over neutral facts.
 */
#ifndef GW_IAM_RULES_H
#define GW_IAM_RULES_H

#include <yaml.h>

/* The two adapters' contexts (model_facts.h, cfn.h). */
struct gw_cfn;
struct gw_vctx;

/* Check the policies, roles, groups and users of the model of 'c'. */
void gw_iam_check_model(struct gw_vctx *c);

/*
 * Check the IAM resource 'logical' of template 't', whose Properties are
 * 'props' (may be NULL), one function per resource type.
 */
void gw_iam_cfn_role(struct gw_cfn *t, const char *logical, yaml_node_t *props);
void gw_iam_cfn_managed_policy(struct gw_cfn *t, const char *logical,
                               yaml_node_t *props);
void gw_iam_cfn_policy(struct gw_cfn *t, const char *logical,
                       yaml_node_t *props);
void gw_iam_cfn_group(struct gw_cfn *t, const char *logical,
                      yaml_node_t *props);
void gw_iam_cfn_user(struct gw_cfn *t, const char *logical, yaml_node_t *props);
void gw_iam_cfn_instance_profile(struct gw_cfn *t, const char *logical,
                                 yaml_node_t *props);

#endif
