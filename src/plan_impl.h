/* SPDX-License-Identifier: MIT */
/*
 * What plan.c (the template diff, the output, the command) and
 * plan_batch.c (what Batch and CloudFormation do with compute
 * environments and queues, and the capacity ceiling) share. Private to
 * the two.
 */
#ifndef GW_PLAN_IMPL_H
#define GW_PLAN_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "cfn.h"
#include "diag.h"
#include "pipeline.h"
#include "rules.h"

/* One row of data/cfn-update.tsv (cfn_update_data.c, generated). */
struct gw_cfn_update_row {
	const char *type;  /* AWS::Batch::ComputeEnvironment */
	const char *prop;  /* Tags, ComputeResources.InstanceTypes, @name, @tags */
	const char *value; /* always | conditional, or a property name */
};

extern const struct gw_cfn_update_row gw_cfn_update_rows[];
extern const size_t gw_cfn_update_n_rows;

/* The update behaviour of changing a property, worst last. */
enum gw_replacement {
	GW_REPL_NEVER,
	GW_REPL_CONDITIONAL,
	GW_REPL_ALWAYS,
};

/* What changing property 'prop' ("Tags", "ComputeResources.Subnets") of a
 * resource of 'type' does, from data/cfn-update.tsv. */
enum gw_replacement gw_plan_behaviour(const char *type, const char *prop);

#define GW_PLAN_CE_TYPE "AWS::Batch::ComputeEnvironment"
#define GW_PLAN_QUEUE_TYPE "AWS::Batch::JobQueue"
/* MaxvCpus beyond this is no number Batch takes (the ceiling sums them). */
#define GW_PLAN_VCPUS_MAX 1000000000LL
#define GW_PLAN_GIB(mib) ((mib) / 1024)

/* One template; 'c' is a shallow copy of 'doc' for the cfn.h readers. */
struct gw_plan_tpl {
	const char *file;
	char *text;
	size_t len;
	yaml_document_t doc;
	struct gw_cfn c;
	bool loaded;
	yaml_node_t *resources; /* mapping or NULL */
};

enum gw_plan_action { GW_PLAN_ADD, GW_PLAN_REMOVE, GW_PLAN_MODIFY };

struct gw_plan_prop {
	char *name;
	enum gw_replacement repl;
};

struct gw_plan_res {
	const char *id, *type;
	enum gw_plan_action action;
	enum gw_replacement repl;
	struct gw_plan_prop *props;
	size_t n_props;
	struct gw_loc at;
	const char *why;    /* how a conditional replacement was decided */
	yaml_node_t *old;   /* the resource in the old template, or NULL */
	yaml_node_t *new;   /* the resource in the new template, or NULL */
	bool fails;         /* PL1: CloudFormation cannot make the change */
};

/*
 * The most the compute environments of a template can run at once: the
 * sum over them of MaxvCpus, and of the worst case each one's instance
 * types allow (Batch may exceed MaxvCpus by one instance, see
 * plan_batch.c). 'complete' is false when an instance type the catalog
 * does not know (or an intrinsic) left part of it uncounted.
 */
struct gw_plan_ceiling {
	long long max_vcpus;  /* the sum of MaxvCpus */
	long long vcpus;      /* with the one-instance overshoot */
	long long instances;  /* EC2 instances, the smallest types */
	long long gpus;
	long long memory_mib;
	bool complete;
};

struct gw_plan_iam {
	const char *id;
	char *what; /* "action s3:DeleteObject", "principal ..." */
	struct gw_loc at;
};

struct gw_plan {
	struct gw_plan_tpl old, new;
	struct gw_plan_res *res;
	size_t n_res;
	struct gw_plan_iam *iam;
	size_t n_iam;
	struct gw_diags *d;
	struct gw_rule_ctx rc;
	struct gw_plan_ceiling old_ceiling, new_ceiling;
	struct gw_bundle bundle; /* --profile: the model findings point into */
};

/* The change of resource 'id', or NULL when it did not change. */
struct gw_plan_res *gw_plan_find(struct gw_plan *p, const char *id);

/*
 * Where a finding about resource 'id' of 'type' goes: the profile object
 * it comes from (with --profile), else 'fallback'.
 */
struct gw_loc gw_plan_where(const struct gw_plan *p, const char *type,
		const char *id, struct gw_loc fallback);

/* ---- plan_batch.c ------------------------------------------------------- */

/*
 * Decide a compute environment's conditional properties (an update in
 * place or a replacement) and report what can make its update fail
 * (PL8). Called for a modified compute environment before PL1 is judged.
 */
void gw_plan_batch_ce_update(struct gw_plan *p, struct gw_plan_res *r);

/*
 * The findings about a compute environment or queue that is replaced,
 * removed or updated, once PL1 has said whether the change fails: jobs
 * lost (PL5, PL9), a fair-share policy added or removed (PL6).
 */
void gw_plan_batch_res(struct gw_plan *p, struct gw_plan_res *r);

/* Queues of the new template that still use a compute environment the
 * change removes or replaces (PL7). */
void gw_plan_batch_order(struct gw_plan *p);

/* The capacity ceilings of both templates, and PL4 when one rises. */
void gw_plan_batch_ceiling(struct gw_plan *p);

#endif
