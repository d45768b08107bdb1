/* SPDX-License-Identifier: MIT */
/* The view: the model turned into the cJSON data every template renders. */
#ifndef GW_VIEW_H
#define GW_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "aws_limits.h"
#include "diag.h"
#include "model.h"

/*
 * One view serves every artifact, so the CloudFormation template, the IAM
 * JSON, the scripts and the summary cannot disagree about a name or a
 * logical ID. Its shape is documented by the templates that read it; the
 * main keys are:
 *
 *   profile       name, description, region, partition, dns_suffix,
 *                 account ("*" without account_id), stack_name, regen
 *   tags          [{key, value, last}] the profile's tags
 *   network, bucket, policies, roles, groups, users, launch_templates,
 *   compute_environments, job_queues, job_definitions, log_groups,
 *   nextflow, nextstrain
 *   warnings      [{text}] findings the summary lists
 *   uploads       [{local, key}] provisioning files deploy.sh uploads
 *   template      {bytes, inline_max, needs_s3} of cloudformation.yaml
 *   tags_json     the profile's tags as the AWS CLI's JSON --tags list
 *   has_iam_people  users or groups exist (scripts/users.sh is written)
 *
 * Every ARN comes twice: 'sub' is the body of a CloudFormation !Sub with
 * ${AWS::Partition}, ${AWS::Region}, ${AWS::AccountId} and every literal
 * "${" written "${!" (so IAM policy variables survive), 'arn' is resolved
 * from the profile for the standalone IAM JSON. Lists of objects carry
 * 'last' (true on the final element) so JSON templates can place commas.
 * Every key a template may read is always present (strict rendering).
 */


/*
 * The command that regenerates the output of 'm', for the "Regenerate with"
 * line of every generated file that has comments: 'gwgen --profile X -o
 * out/', X being the profile's name, or its path when the name would not
 * find it (see view.c). Never an absolute path. The caller frees it.
 */
char *gw_view_regen_command(const struct gw_model *m);

/*
 * What policy 'p' does with the bucket's objects in its Allow statements:
 * 0 nothing, 1 reads them, 2 also writes them (an action matching
 * s3:PutObject). 'compliance: hipaa' gives the policy the stack key's use
 * to match (kms:Decrypt, and kms:GenerateDataKey for writes).
 */
int gw_view_policy_object_use(const struct gw_policy *p);

/*
 * Add the cdk-nag suppressions (view_nag.c) to the built view 'root' of
 * 'm': 'nag' {has_rules, rules: [{id, reason, has_applies_to, applies_to:
 * [{value}]}]} on the bucket, its access-log bucket, the key, every
 * policy, role, group and log group and the shared storage's file system,
 * and the summary's flat list
 * 'nag_suppressions' [{resource, name, id, applies_to, reason}].
 */
void gw_view_nag(const struct gw_model *m, cJSON *root);

/*
 * Build the view of the verified model 'm' into the empty object 'root'.
 * Returns false with errors in 'd' when the model holds something no
 * template can express (an unknown trust service, a bad selector).
 */
bool gw_view_build(const struct gw_model *m, cJSON *root, struct gw_diags *d);

/*
 * Attach the rendered user data 'mime' ('len' bytes) of the launch template
 * at index 'lt' and the relative path of its standalone copy 'file' to the
 * view: launch_templates[lt].user_data = {file, lines: [{text, blank}]}.
 */
void gw_view_set_user_data(cJSON *root, size_t lt, const char *file,
		const char *mime, size_t len);

/* Record one upload for deploy.sh: local path 'local' to bucket key 'key'. */
void gw_view_add_upload(cJSON *root, const char *local, const char *key);

/* Record the size of the rendered template (decides the S3 staging). */
void gw_view_set_template_size(cJSON *root, size_t bytes);

/*
 * Copy every warning of 'd' into the view's 'warnings' list, each located
 * relative to the directory above the profile's (m->files[0]), e.g.
 * "profiles/lab.yaml:3:7: MESSAGE [RULE]"; never an absolute path.
 */
void gw_view_add_warnings(cJSON *root, const struct gw_model *m,
		const struct gw_diags *d);

/*
 * The body of a !Sub for 'text' taken literally: every "${" becomes "${!".
 * Appended to 'out'.
 */
void gw_view_sub_literal(struct gw_buf *out, const char *text);

/*
 * The ARN of resource 'r' for model 'm', appended to 'out': as a !Sub body
 * when 'sub' is true, else resolved with the profile's partition, region and
 * account ("*" when the profile has no account_id).
 */
void gw_view_resource_arn(struct gw_buf *out, const struct gw_model *m,
		const struct gw_resource *r, bool sub);

#endif
