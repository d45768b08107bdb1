/* SPDX-License-Identifier: MIT */
/*
 * The stack family of rules (the stack as a whole C2/C3/C4, region and
 * literal partitions A1/A2, Fn::Sub L10, the bucket N1/N2/S9, log groups
 * N6/N7, tags N10, SSH S8; stack.c) and the client configuration rules
 * (NF*, NS*, SM*, CR*, MW*; client.c): one rule function per rule over neutral facts,
 * and the adapters the profile and template drivers call.
 */
#ifndef GW_STACK_H
#define GW_STACK_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "diag.h"
#include "model.h"
#include "rules.h"

struct gw_vctx;
struct gw_cfn;

/* ---- facts -------------------------------------------------------------- */

/* One counted section of a stack (C2): "resources", "Parameters", ... */
struct gw_stack_section {
	const char *what; /* as the message names it */
	size_t n;
	size_t max; /* 0: only "at least one" is checked (max unknown) */
	bool need_one; /* a stack needs at least one of these */
	const char *hint; /* for need_one */
	struct gw_loc at;
};

/* The stack as a whole (C2): a profile, or a template. */
struct gw_stack_facts {
	const char *owner; /* "profile 'lab'", "template" */
	struct gw_loc at;  /* the owner's location */
	const char *description; /* NULL: none */
	struct gw_loc description_at;
	const char *stack_name; /* NULL: none, or not checked */
	struct gw_loc stack_name_at;
	struct gw_stack_section sections[4];
	size_t n_sections;
};

/* One tag; a NULL key or value is an intrinsic, which is not judged. */
struct gw_tag {
	const char *key, *value;
	struct gw_loc key_at, value_at;
};

/* The tags written on one resource (N10). */
struct gw_tag_facts {
	const char *owner; /* "launch template 'lt'", "'LogicalId'" */
	struct gw_loc at;  /* where a count finding goes */
	const struct gw_tag *v;
	size_t n;
	size_t n_total; /* the tags the resource ends up with */
	const char *counted; /* how n_total was counted, "" when as written */
};

/* An S3 bucket (N1, N2, S9). */
struct gw_bucket_facts {
	const char *name; /* NULL: not literal */
	struct gw_loc name_at;
	const char *encryption; /* the profile's 'encryption', or NULL */
	struct gw_loc encryption_at;
	long long expire_days, abort_multipart_days; /* profile; 0 = none */
	struct gw_loc days_at; /* the first negative one's */
};

/* A CloudWatch Logs log group (N6, N7). */
struct gw_log_group_facts {
	const char *owner; /* profile name or logical ID */
	const char *name;  /* NULL: not literal or not set */
	struct gw_loc name_at;
	const char *retention_key; /* "retention_days", "RetentionInDays" */
	bool has_retention; /* the retention is a literal */
	bool no_retention;  /* the retention is absent: kept forever */
	long long retention;
	struct gw_loc retention_at;
	struct gw_loc at;
};

/* ---- rules -------------------------------------------------------------- */

void gw_rule_stack(struct gw_rule_ctx *rc, const struct gw_stack_facts *f);
void gw_rule_tags(struct gw_rule_ctx *rc, const struct gw_tag_facts *f);
void gw_rule_bucket(struct gw_rule_ctx *rc, const struct gw_bucket_facts *f);
void gw_rule_log_group(struct gw_rule_ctx *rc,
                       const struct gw_log_group_facts *f);

/* ---- profile adapters (gw_verify_model's table) ------------------------- */

/* C2 (and N11 on the descriptions and stack_name). */
void gw_stack_model_stack(struct gw_vctx *c);
/* N10. */
void gw_stack_model_tags(struct gw_vctx *c);
/* A1 (region and partition), A9 (account_id). */
void gw_stack_model_region(struct gw_vctx *c);
/* N1, N2, S9. */
void gw_stack_model_bucket(struct gw_vctx *c);
/* N6, N7. */
void gw_stack_model_log_groups(struct gw_vctx *c);
/* K1. */
void gw_stack_model_compliance(struct gw_vctx *c);
/*
 * A reference to log group 'ref' by 'owner' (of 'owner_kind'): a valid
 * name (N6) that the profile creates ('rule', W) unless it is Batch's
 * default /aws/batch/job.
 */
void gw_stack_model_log_ref(struct gw_vctx *c, const struct gw_str *ref,
                            const char *owner_kind, const char *owner,
                            enum gw_rule rule);
/* NF1..NF7 (NF8: gw_client_model_head_job). */
void gw_client_model_nextflow(struct gw_vctx *c);
/* NS1, NS2. */
void gw_client_model_nextstrain(struct gw_vctx *c);
/* NF8, the Nextflow head job. */
void gw_client_model_head_job(struct gw_vctx *c);
/* CR1, CR2. */
void gw_client_model_cromwell(struct gw_vctx *c);
/* SM1..SM3. */
void gw_client_model_snakemake(struct gw_vctx *c);
/* MW1..MW4. */
void gw_client_model_miniwdl(struct gw_vctx *c);

/* ---- template adapters (template.c's driver) ---------------------------- */

/* C2 on the template's root mapping 'root' (t->resources set). */
void gw_stack_cfn_document(struct gw_cfn *t, yaml_node_t *root);
/* C3 on the logical ID 'key' at position 'pos' of Resources. */
void gw_stack_cfn_logical_id(struct gw_cfn *t, yaml_node_t *key, size_t pos);
/* What every resource 'r' is checked for: A1 literal partitions, L10
 * Fn::Sub variables, N10 tags of 'props'. */
void gw_stack_cfn_resource(struct gw_cfn *t, const char *logical,
                           yaml_node_t *r, yaml_node_t *props);
/* C4, once the resources are walked. */
void gw_stack_cfn_finish(struct gw_cfn *t);
/* Resource checks, rows of template.c's table. */
void gw_stack_cfn_bucket(struct gw_cfn *t, const char *logical,
                         yaml_node_t *props);
void gw_stack_cfn_log_group(struct gw_cfn *t, const char *logical,
                            yaml_node_t *props);
void gw_stack_cfn_security_group(struct gw_cfn *t, const char *logical,
                                 yaml_node_t *props);

#endif
