/* SPDX-License-Identifier: MIT */
/*
 * The compute-environment family (CE1..CE18, and the CE parts of R1 and
 * R4): one rule function per rule over the neutral facts of one compute
 * environment, and the two adapters that fill those facts, from a
 * profile's model and from a CloudFormation template.
 */
#ifndef GW_CE_H
#define GW_CE_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "diag.h"
#include "facts.h"

struct gw_vctx;
struct gw_cfn;

/* Image types looked at per compute environment; not an AWS limit, only
 * the size of the facts (more are ignored). */
#define GW_CE_IMAGES_CAP 8

/* How the input spells the keys of a compute environment ("max_vcpus" in
 * a profile, "MaxvCpus" in a template), for messages and hints. */
struct gw_ce_keys {
	const char *type; /* the compute resources type */
	const char *min_vcpus, *desired_vcpus, *max_vcpus;
	const char *strategy, *bid;
	const char *instance_role, *spot_fleet_role, *service_role;
	const char *launch_template, *instance_types, *image_type, *tags;
	const char *images; /* where image types are written */
	const char *subnets;
};

/* An integer as written: absent, a known value, or not knowable offline
 * (a template's !Ref). */
struct gw_ce_int {
	bool given;  /* the key is present */
	bool known;  /* 'v' holds its value (or the default when absent) */
	long long v;
	struct gw_loc at;
};

/* A role or launch template the compute environment names. */
struct gw_ce_ref {
	bool given;
	const char *name; /* NULL when not a literal */
	struct gw_loc at;
	/* Set when the adapter could look the name up (profiles only). */
	bool resolved;
	bool exists;
	bool trusts;      /* the role trusts the service it needs */
	bool has_profile; /* the role has an instance profile */
};

/* The facts of one compute environment. Strings are lent by the model or
 * the template document for the duration of the check. */
struct gw_ce_facts {
	const char *owner; /* the profile's name for it, or its logical ID */
	const struct gw_ce_keys *keys;
	struct gw_loc at; /* the object (profile) or ComputeResources */

	/* CE1, templates only: the environment Type, MANAGED/UNMANAGED. */
	bool env_checked;
	bool has_properties;
	bool env_type_given;
	const char *env_type; /* NULL when not a literal */
	struct gw_loc env_type_at;
	bool has_compute_resources; /* profiles: always */

	/* CE1: the compute resources type. */
	bool type_given;
	const char *type_text; /* NULL when not a literal */
	enum gw_ce_type type;  /* GW_CE_UNKNOWN when absent or unknown */
	struct gw_loc type_at;
	bool subnets_checked, has_subnets; /* templates: Subnets */

	/* CE2, CE9, CE7, CE8. A template's absent MinvCpus is a known 0;
	 * an absent desired count is the minimum. */
	struct gw_ce_int min, desired, max;

	/* CE3, CE4, CE15: 'strategy' is the effective one, NULL when not
	 * knowable; 'strategy_default' when absent and BEST_FIT (the API
	 * default) applies. */
	bool strategy_given, strategy_default;
	const char *strategy;
	struct gw_loc strategy_at;
	struct gw_ce_int bid; /* CE5 */

	/* R1, CE4, CE15 and R4. */
	struct gw_ce_ref instance_role, spot_fleet_role, service_role;
	struct gw_ce_ref launch_template;
	/* CE12 and CE13, templates only (gwgen renders a pinned version). */
	bool lt_spec_checked;
	bool lt_by_id_and_name;
	bool lt_version_given;
	const char *lt_version; /* NULL when not a literal */
	struct gw_loc lt_version_at;

	/* CE6, CE7, CE8, CE10: instance types. 'types_literal' is false for
	 * an intrinsic such as !Split of a parameter. A profile without
	 * instance types has the one spec "optimal", gwgen's default. */
	bool types_given, types_literal;
	/* What the specs are looked up in: the catalog plus the profile's
	 * new_instance_types; NULL for the catalog alone (templates). */
	const struct gw_type_set *types;
	struct gw_type_spec specs[GW_TYPE_SPECS_CAP];
	size_t n_specs;
	struct gw_loc types_at;

	/* CE10, CE11: image types. Without any (templates without
	 * Ec2Configuration) Batch picks one per instance type. */
	bool images_given, images_literal;
	bool eks; /* an EKS compute environment (EksConfiguration) */
	struct gw_type_spec images[GW_CE_IMAGES_CAP]; /* image types */
	size_t n_images;
	struct gw_loc images_at;

	/* CE14, CE17. */
	bool has_tags;
	struct gw_loc tags_at;
	bool custom_name; /* the compute environment's name is fixed */

	/* CE16: 'name' (when literal) and whether to judge it (a profile
	 * name that is not one line was refused as N11 already). */
	const char *name;
	struct gw_loc name_at;
	bool check_name;
};

/*
 * Check every compute environment of the model of 'c' (CE1..CE18, the
 * instance, spot fleet and service role checks of R1, and R4).
 */
void gw_ce_check_model(struct gw_vctx *c);

/*
 * Check the AWS::Batch::ComputeEnvironment 'logical' of template 't' with
 * 'props' (its Properties, or NULL), and remember it in t->ces for the
 * queue and job checks.
 */
void gw_ce_check_template(struct gw_cfn *t, const char *logical,
                          yaml_node_t *props);

#endif
