/* SPDX-License-Identifier: MIT */
/*
 * The CloudFormation document walker for `gwgen verify --template`: a
 * template loaded once with libyaml, its Resources indexed, and what the
 * rule families' template adapters read from it (mappings, sequences,
 * literals, intrinsics). Nothing here judges a value: the rules do.
 */
#ifndef GW_CFN_H
#define GW_CFN_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "aws_limits.h"
#include "diag.h"
#include "facts.h"
#include "rules.h"

/* Upper bound on nodes visited by one walk, against alias bombs. */
#define GW_CFN_WALK_MAX 1000000
/* Compute environments and queues remembered for cross-resource checks. */
#define GW_CFN_TRACK_MAX 64

struct cfn_ce {
	const char *logical;
	enum gw_ce_type type;
	/* Set when every instance type is a literal the catalog knows:
	 * those types (lent by the document), and the largest (Q*). */
	struct gw_type_spec *specs;
	size_t n_specs;
	const struct gw_instance_type *most_vcpus;
};

/* A job definition's request, checked once every CE is known. */
struct cfn_job {
	const char *logical;
	long long vcpus, memory_mib, gpus; /* 0 = not literal */
	struct gw_loc vcpus_at, memory_at, gpus_at;
};

/* A job queue, checked once every CE is known (batch.h). */
struct cfn_queue {
	const char *logical;
	yaml_node_t *props;
};

/* A logical ID and its position in Resources (see struct gw_cfn). */
struct res_id {
	const char *id;
	size_t pos;
};

/* A compute environment of the template: its logical ID, and its literal
 * ComputeEnvironmentName (NULL when none) with that value's node. */
struct gw_cfn_ce_name {
	const char *logical;
	const char *name;
	yaml_node_t *name_node;
};

struct gw_cfn {
	yaml_document_t doc;
	const char *file;
	struct gw_diags *d;
	struct gw_rule_ctx rc; /* rc.d == d */
	yaml_node_t *parameters; /* mapping or NULL */
	yaml_node_t *resources;  /* mapping or NULL */
	struct cfn_ce ces[GW_CFN_TRACK_MAX];
	size_t n_ces;
	struct cfn_queue queues[GW_CFN_TRACK_MAX];
	size_t n_queues;
	struct cfn_job jobs[GW_CFN_TRACK_MAX];
	size_t n_jobs;
	bool named_iam;
	/* Only CloudFormation's own limits (C1..C3): the check stage's
	 * view of a template rendered from a verified profile. */
	bool limits_only;
	size_t walked;
	/* The logical IDs of Resources, sorted (has_resource), and for each
	 * resource in document order how many earlier ones share its ID. */
	struct res_id *ids;
	size_t n_ids;
	size_t *dups;
	/* The compute environments of Resources in document order, found
	 * on first use (ce.c: CE16 duplicate names, CE18 count), so each
	 * one does not walk every resource again. */
	struct gw_cfn_ce_name *ce_names;
	size_t n_ce_names;
	bool ce_census_done;
};



typedef void (*gw_cfn_scalar_fn)(struct gw_cfn *t, yaml_node_t *n, void *data);

yaml_node_t *gw_cfn_node(struct gw_cfn *t, int i);

struct gw_loc gw_cfn_loc(const struct gw_cfn *t, const yaml_node_t *n);

bool gw_cfn_is_scalar(const yaml_node_t *n);

bool gw_cfn_is_map(const yaml_node_t *n);

bool gw_cfn_is_seq(const yaml_node_t *n);

const char *gw_cfn_scalar(const yaml_node_t *n);

/* A short-form intrinsic tag such as "!Ref", or NULL. */
const char *gw_cfn_short_tag(const yaml_node_t *n);

yaml_node_t *gw_cfn_get(struct gw_cfn *t, const yaml_node_t *map,
                            const char *key);

/*
 * Index the logical IDs of t->resources once. Resolving every !Sub
 * variable and !Ref target with map_get, and finding duplicate IDs by
 * comparing each one with all earlier ones, was quadratic in the number of
 * resources: a third of verifying a 1,000-resource template (see
 * docs/performance.md).
 */
void gw_cfn_index_resources(struct gw_cfn *t);

/* Whether Resources defines logical ID 'id' (map_get over t->resources). */
bool gw_cfn_has_resource(const struct gw_cfn *t, const char *id);

size_t gw_cfn_seq_len(const yaml_node_t *n);

yaml_node_t *gw_cfn_seq_at(struct gw_cfn *t, const yaml_node_t *n, size_t i);

size_t gw_cfn_map_len(const yaml_node_t *n);

/*
 * The intrinsic function of 'n' ("Ref", "Fn::Sub", ...) and its argument,
 * in the short form (!Sub x) or the long form ({"Fn::Sub": x}).
 */
const char *gw_cfn_intrinsic(struct gw_cfn *t, yaml_node_t *n, yaml_node_t **arg);

/* Whether intrinsic name 'fn' is function 'short_name' ("Sub", "Ref"). */
bool gw_cfn_is_fn(const char *fn, const char *short_name);

/*
 * The string value of 'n' when it is knowable offline: a literal scalar, a
 * !Ref to a parameter with a Default, or the text of a !Sub (then
 * '*templated' is set). NULL otherwise.
 */
const char *gw_cfn_string(struct gw_cfn *t, yaml_node_t *n, bool *templated);

bool gw_cfn_int(struct gw_cfn *t, yaml_node_t *n, long long *out);

/* A literal (non-templated) string, or NULL. */
const char *gw_cfn_literal(struct gw_cfn *t, yaml_node_t *n);

/* The logical ID a !Ref / !GetAtt points at, or NULL. */
const char *gw_cfn_ref_target(struct gw_cfn *t, yaml_node_t *n);

void gw_cfn_walk(struct gw_cfn *t, yaml_node_t *n, gw_cfn_scalar_fn fn, void *data);

#endif
