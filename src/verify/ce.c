/* SPDX-License-Identifier: MIT */
/* The compute-environment rules, once for profiles and templates (ce.h). */
#include "ce.h"

#include <stdio.h>
#include <string.h>

#include "aws_limits.h"
#include "catalog.h"
#include "names.h"
#include "rules.h"
#include "util.h"

#include "model_facts.h"
#include "cfn.h"

static const struct gw_ce_keys profile_keys = {
        .type = "type",
        .min_vcpus = "min_vcpus",
        .desired_vcpus = "desired_vcpus",
        .max_vcpus = "max_vcpus",
        .strategy = "allocation_strategy",
        .bid = "bid_percentage",
        .instance_role = "instance_role",
        .spot_fleet_role = "spot_fleet_role",
        .service_role = "service_role",
        .launch_template = "launch_template",
        .instance_types = "instance_types",
        .image_type = "image_type",
        .images = "image_type",
        .tags = "tags",
        .subnets = "subnets",
};

static const struct gw_ce_keys template_keys = {
        .type = "ComputeResources.Type",
        .min_vcpus = "MinvCpus",
        .desired_vcpus = "DesiredvCpus",
        .max_vcpus = "MaxvCpus",
        .strategy = "AllocationStrategy",
        .bid = "BidPercentage",
        .instance_role = "InstanceRole",
        .spot_fleet_role = "SpotIamFleetRole",
        .service_role = "ServiceRole",
        .launch_template = "LaunchTemplate",
        .instance_types = "InstanceTypes",
        .image_type = "ImageType",
        .images = "Ec2Configuration",
        .tags = "Tags",
        .subnets = "Subnets",
};

/* Batch ComputeResource allocationStrategy (compute_environment_parameters.md). */
static const char *const strategies[] = {
        "BEST_FIT",
        "BEST_FIT_PROGRESSIVE",
        "SPOT_CAPACITY_OPTIMIZED",
        "SPOT_PRICE_CAPACITY_OPTIMIZED",
};

/* Batch Ec2Configuration imageType: the ECS values, and the EKS values
 * that only an EKS compute environment takes. ECS_AL1 is past its end of
 * life and refused as unknown. */
static const char *const ecs_images[] = {
        "ECS_AL2023",
        "ECS_AL2023_NVIDIA",
        "ECS_AL2",
        "ECS_AL2_NVIDIA",
};
static const char *const eks_images[] = {
        "EKS_AL2",
        "EKS_AL2_NVIDIA",
        "EKS_AL2023",
        "EKS_AL2023_NVIDIA",
};

static bool in_set(const char *s, const char *const *set, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		if (strcmp(s, set[i]) == 0) {
			return true;
		}
	}
	return false;
}

/* Amazon Linux 2 for ECS, which Batch blocks for new compute environments
 * (ecs-migration-2023). */
static bool is_al2_image(const char *s)
{
	return strcmp(s, "ECS_AL2") == 0 || strcmp(s, "ECS_AL2_NVIDIA") == 0;
}

/* A hint naming a key as the input spells it: 'before' 'key' 'after'. */
struct key_hint {
	char s[GW_VM_MSG_BYTES];
};

static const char *hint_of(struct key_hint *h, const char *before,
                           const char *key, const char *after)
{
	snprintf(h->s, sizeof(h->s), "%s%s%s", before, key, after);
	return h->s;
}

/* ---- what the instance types select -------------------------------------- */

static bool spec_known(const struct gw_ce_facts *f, const char *spec)
{
	return spec && (gw_type_set_spec_known(f->types, spec) ||
	                gw_catalog_is_class(spec));
}

/* What the specs select (facts.h), for CE6, CE7, CE8 and CE10; a template's
 * !Split of a parameter selects nothing knowable offline. */
static void select_types(const struct gw_ce_facts *f,
                         struct gw_type_selection *s)
{
	if (!f->types_literal) {
		*s = (struct gw_type_selection){0};
		return;
	}
	gw_types_select(f->types, f->specs, f->n_specs, s);
}

/* ---- the rules ------------------------------------------------------------ */

/* CE1: the environment Type (templates) and the compute resources type,
 * maximum vCPUs and subnets every managed compute environment needs (CFN
 * AWS::Batch::ComputeEnvironment; cfn-lint). Returns false when there is
 * nothing more to check (no Properties, or no compute resources). */
static bool rule_ce1(struct gw_rule_ctx *rc, const struct gw_ce_facts *f)
{
	const struct gw_ce_keys *k = f->keys;
	if (f->env_checked && !f->has_properties) {
		GW_RULE_ERR(rc, CE1, f->at, "add Type: MANAGED",
		            "compute environment '%s' has no Properties, so no "
		            "Type",
		            f->owner);
		return false;
	}
	if (f->env_checked && !f->env_type_given) {
		GW_RULE_ERR(rc, CE1, f->at, "add Type: MANAGED",
		            "compute environment '%s' has no Type", f->owner);
	} else if (f->env_checked && f->env_type &&
	           strcmp(f->env_type, "MANAGED") != 0 &&
	           strcmp(f->env_type, "UNMANAGED") != 0) {
		GW_RULE_ERR(rc, CE1, f->env_type_at, "use MANAGED or UNMANAGED",
		            "compute environment '%s' has type '%s'", f->owner,
		            f->env_type);
	}
	if (!f->has_compute_resources) {
		return false;
	}
	if (!f->type_given) {
		GW_RULE_ERR(rc, CE1, f->at,
		            "add Type: EC2, SPOT, FARGATE or FARGATE_SPOT",
		            "compute environment '%s' has no %s", f->owner,
		            k->type);
	} else if (f->type_text && f->type == GW_CE_UNKNOWN) {
		GW_RULE_ERR(rc, CE1, f->type_at,
		            "use EC2, SPOT, FARGATE or FARGATE_SPOT",
		            "compute environment '%s' has %s '%s'", f->owner,
		            k->type, f->type_text);
	}
	if (!f->max.given) {
		struct key_hint h;
		GW_RULE_ERR(rc, CE1, f->at, hint_of(&h, "set ", k->max_vcpus, ""),
		            "compute environment '%s' has no %s", f->owner,
		            k->max_vcpus);
	}
	if (f->subnets_checked && !f->has_subnets && f->type != GW_CE_UNKNOWN &&
	    !gw_ce_is_fargate(f->type)) {
		struct key_hint h;
		GW_RULE_ERR(rc, CE1, f->at, hint_of(&h, "set ", k->subnets, ""),
		            "compute environment '%s' of type '%s' has no %s",
		            f->owner, gw_ce_type_names[f->type], k->subnets);
	}
	return true;
}

/* CE2: 0 <= min <= desired <= max, max >= 1 (ParallelCluster
 * AwsBatchComputeResourceSizeValidator; CDK validateVCpus). */
static void rule_ce2(struct gw_rule_ctx *rc, const struct gw_ce_facts *f)
{
	const struct gw_ce_keys *k = f->keys;
	const struct gw_ce_int *min = &f->min, *des = &f->desired;
	const struct gw_ce_int *max = &f->max;
	if (min->known && min->v < 0) {
		GW_RULE_ERR(rc, CE2, min->at, NULL,
		            "compute environment '%s' has %s %lld, below 0",
		            f->owner, k->min_vcpus, min->v);
	} else if (min->known && des->known && des->given && min->v > des->v) {
		GW_RULE_ERR(rc, CE2, des->at, "keep min <= desired <= max",
		            "compute environment '%s' has %s %lld below %s %lld",
		            f->owner, k->desired_vcpus, des->v, k->min_vcpus,
		            min->v);
	}
	const struct gw_ce_int *low = des->given ? des : min;
	if (!max->known) {
		return;
	}
	if (low->known && low->v > max->v) {
		GW_RULE_ERR(rc, CE2, max->at, "keep min <= desired <= max",
		            "compute environment '%s' has %s %lld below %s %lld",
		            f->owner, k->max_vcpus, max->v,
		            des->given ? k->desired_vcpus : k->min_vcpus, low->v);
	} else if (max->v < 1) {
		GW_RULE_ERR(rc, CE2, max->at, "use at least 1",
		            "compute environment '%s' has %s %lld, below 1",
		            f->owner, k->max_vcpus, max->v);
	}
}

/* CE9: a minimum keeps instances running, and billed, while idle (Seqera
 * docs). Fargate has no instances; CE17 refuses the key there. */
static void rule_ce9(struct gw_rule_ctx *rc, const struct gw_ce_facts *f)
{
	if (f->min.known && f->min.v > 0 && !gw_ce_is_fargate(f->type)) {
		struct key_hint h;
		GW_RULE_WARN(rc, CE9, f->min.at,
		             hint_of(&h, "use ", f->keys->min_vcpus,
		                     ": 0 unless you want warm nodes"),
		             "compute environment '%s' keeps %lld vcpus running "
		             "(and billed) while idle",
		             f->owner, f->min.v);
	}
}

/* CE17: what a Fargate compute environment must not set (Batch
 * ComputeResource: "isn't applicable to jobs that are running on Fargate
 * resources"). One finding per key, at the key. */
static void rule_ce17(struct gw_rule_ctx *rc, const struct gw_ce_facts *f)
{
	const struct gw_ce_keys *k = f->keys;
	const struct {
		bool set;
		const char *key;
		struct gw_loc at;
	} banned[] = {
	        {f->launch_template.given, k->launch_template,
	         f->launch_template.at},
	        {f->types_given, k->instance_types, f->types_at},
	        {f->strategy_given, k->strategy, f->strategy_at},
	        {f->bid.given, k->bid, f->bid.at},
	        {f->min.given, k->min_vcpus, f->min.at},
	        {f->desired.given, k->desired_vcpus, f->desired.at},
	        {f->instance_role.given, k->instance_role, f->instance_role.at},
	        {f->spot_fleet_role.given, k->spot_fleet_role,
	         f->spot_fleet_role.at},
	        {f->images_given, k->images, f->images_at},
	        {f->has_tags, k->tags, f->tags_at},
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(banned); i++) {
		if (banned[i].set) {
			GW_RULE_ERR(rc, CE17, gw_vm_at(banned[i].at, f->at),
			            "remove it; fargate manages instances itself",
			            "fargate compute environment '%s' sets %s",
			            f->owner, banned[i].key);
		}
	}
}

/* CE3 and CE15 (BEST_FIT): the strategy is one Batch knows, SPOT_* only
 * on SPOT (compute_environment_parameters.md); BEST_FIT compute
 * environments cannot take infrastructure updates (Batch doc). */
static void rule_ce3(struct gw_rule_ctx *rc, const struct gw_ce_facts *f)
{
	const char *s = f->strategy;
	if (!s) {
		return;
	}
	if (!in_set(s, strategies, GW_ARRAY_LEN(strategies))) {
		GW_RULE_ERR(rc, CE3, f->strategy_at,
		            "use BEST_FIT_PROGRESSIVE or "
		            "SPOT_PRICE_CAPACITY_OPTIMIZED",
		            "compute environment '%s' has allocation strategy "
		            "'%s'",
		            f->owner, s);
	} else if (gw_has_prefix(s, "SPOT_") && f->type != GW_CE_SPOT &&
	           f->type != GW_CE_UNKNOWN) {
		GW_RULE_ERR(rc, CE3, f->strategy_at,
		            "use BEST_FIT_PROGRESSIVE on EC2",
		            "allocation strategy '%s' of compute environment "
		            "'%s' needs type SPOT, not '%s'",
		            s, f->owner, gw_ce_type_names[f->type]);
	}
}

/* A known strategy that takes no in-place update: BEST_FIT (an unknown
 * one is CE3's error). */
static bool is_best_fit(const struct gw_ce_facts *f)
{
	return f->strategy &&
	       in_set(f->strategy, strategies, GW_ARRAY_LEN(strategies)) &&
	       !gw_ce_strategy_updates_in_place(f->strategy);
}

static void rule_ce15(struct gw_rule_ctx *rc, const struct gw_ce_facts *f)
{
	if (is_best_fit(f) && !gw_ce_is_fargate(f->type)) {
		GW_RULE_WARN(rc, CE15, f->strategy_at, "use BEST_FIT_PROGRESSIVE",
		             "compute environment '%s' uses BEST_FIT%s, which "
		             "cannot take infrastructure updates",
		             f->owner,
		             f->strategy_default ? " (the default)" : "");
	}
	if (f->service_role.given) {
		struct key_hint h;
		GW_RULE_WARN(rc, CE15, f->service_role.at,
		             hint_of(&h, "remove ", f->keys->service_role,
		                     " to use batch's service-linked role"),
		             "compute environment '%s' uses a regular service "
		             "role, so it cannot take infrastructure updates",
		             f->owner);
	}
}

/* CE4: SPOT with BEST_FIT (the API default) needs a spot fleet role; no
 * other type takes one, and other SPOT strategies do not use it (Batch
 * compute_environment_parameters.md; CDK validateSpotConfig). Fargate's
 * is CE17's. */
static void rule_ce4(struct gw_rule_ctx *rc, const struct gw_ce_facts *f)
{
	const char *key = f->keys->spot_fleet_role;
	const struct gw_ce_ref *fleet = &f->spot_fleet_role;
	struct key_hint h;
	if (f->type == GW_CE_UNKNOWN || gw_ce_is_fargate(f->type)) {
		return;
	}
	if (f->type != GW_CE_SPOT && fleet->given) {
		GW_RULE_ERR(rc, CE4, fleet->at, hint_of(&h, "remove ", key, ""),
		            "compute environment '%s' of type '%s' must not set "
		            "%s",
		            f->owner, gw_ce_type_names[f->type], key);
	} else if (f->type == GW_CE_SPOT && is_best_fit(f) && !fleet->given) {
		GW_RULE_ERR(rc, CE4, f->at,
		            hint_of(&h, "add ", key,
		                    ", or use SPOT_PRICE_CAPACITY_OPTIMIZED"),
		            "spot compute environment '%s' uses BEST_FIT%s and "
		            "has no %s",
		            f->owner, f->strategy_default ? " (the default)" : "",
		            key);
	} else if (f->type == GW_CE_SPOT && f->strategy && !is_best_fit(f) &&
	           fleet->given) {
		GW_RULE_WARN(rc, CE4, fleet->at, hint_of(&h, "remove ", key, ""),
		             "compute environment '%s' uses '%s', which does not "
		             "use %s",
		             f->owner, f->strategy, key);
	}
}

/* CE5: a bid only on SPOT, 1..100 percent (Batch ComputeResource
 * bidPercentage; CDK). Fargate's is CE17's. */
static void rule_ce5(struct gw_rule_ctx *rc, const struct gw_ce_facts *f)
{
	const struct gw_ce_int *bid = &f->bid;
	struct key_hint h;
	if (!bid->given || gw_ce_is_fargate(f->type)) {
		return;
	}
	if (f->type != GW_CE_SPOT && f->type != GW_CE_UNKNOWN) {
		GW_RULE_ERR(rc, CE5, bid->at, hint_of(&h, "remove ", f->keys->bid, ""),
		            "compute environment '%s' of type '%s' must not set "
		            "%s",
		            f->owner, gw_ce_type_names[f->type], f->keys->bid);
	} else if (bid->known && (bid->v < 1 || bid->v > GW_LIM_BID_MAX)) {
		GW_RULE_ERR(rc, CE5, bid->at, "use 1..100",
		            "compute environment '%s' has %s %lld, not in "
		            "1..%d",
		            f->owner, f->keys->bid, bid->v, GW_LIM_BID_MAX);
	}
}

/* R1 for one role of the compute environment: it exists, trusts
 * 'service', and (instance roles) has an instance profile. Profiles
 * only: a template names roles by ARN or !GetAtt. */
static void rule_r1_role(struct gw_rule_ctx *rc, const struct gw_ce_facts *f,
                         const struct gw_ce_ref *r, const char *what,
                         const char *service, bool need_profile)
{
	if (!r->given || !r->resolved || !r->name) {
		return;
	}
	if (!r->exists) {
		GW_RULE_ERR(rc, R1, r->at, "define it under 'roles:'",
		            "compute environment '%s' uses %s '%s', which the "
		            "profile does not define",
		            f->owner, what, r->name);
		return;
	}
	if (!r->trusts) {
		GW_RULE_ERR(rc, R1, r->at, "add the service to the role's trust",
		            "%s '%s' of compute environment '%s' does not trust "
		            "'%s'",
		            what, r->name, f->owner, service);
	}
	if (need_profile && !r->has_profile) {
		GW_RULE_ERR(rc, R1, r->at, "set instance_profile: true on the role",
		            "instance role '%s' of compute environment '%s' has "
		            "no instance profile",
		            r->name, f->owner);
	}
}

/* R1: EC2 and SPOT compute environments need an instance role (CFN
 * ComputeResources InstanceRole, required for them), and the roles named
 * must fit. */
static void rule_r1(struct gw_rule_ctx *rc, const struct gw_ce_facts *f)
{
	if (f->type != GW_CE_UNKNOWN && !gw_ce_is_fargate(f->type)) {
		if (!f->instance_role.given) {
			struct key_hint h;
			GW_RULE_ERR(rc, R1, f->at,
			            hint_of(&h, "set ", f->keys->instance_role,
			                    "; the instances need an instance "
			                    "profile"),
			            "compute environment '%s' of type '%s' has "
			            "no %s",
			            f->owner, gw_ce_type_names[f->type],
			            f->keys->instance_role);
		}
		rule_r1_role(rc, f, &f->instance_role, "instance role", "ec2",
		             true);
		rule_r1_role(rc, f, &f->spot_fleet_role, "spot fleet role",
		             "spotfleet", false);
	}
	rule_r1_role(rc, f, &f->service_role, "service role", "batch", false);
}

/* R4: a profile's launch template exists. */
static void rule_r4(struct gw_rule_ctx *rc, const struct gw_ce_facts *f)
{
	const struct gw_ce_ref *lt = &f->launch_template;
	if (lt->given && lt->resolved && lt->name && !lt->exists) {
		GW_RULE_ERR(rc, R4, lt->at, "define it under 'launch_templates:'",
		            "compute environment '%s' uses launch template '%s', "
		            "which the profile does not define",
		            f->owner, lt->name);
	}
}

/* CE12 and CE13: a launch template by ID or by name, not both
 * (API_LaunchTemplateSpecification); a version Batch resolves once, at
 * creation ($Latest, $Default or none; Batch API doc, terraform-provider-aws
 * #15535). Templates only: gwgen renders LatestVersionNumber. */
static void rule_ce12_ce13(struct gw_rule_ctx *rc, const struct gw_ce_facts *f)
{
	if (!f->lt_spec_checked || !f->launch_template.given) {
		return;
	}
	if (f->lt_by_id_and_name) {
		GW_RULE_ERR(rc, CE12, f->launch_template.at, "keep one of them",
		            "compute environment '%s' gives both "
		            "LaunchTemplateId and LaunchTemplateName",
		            f->owner);
	}
	const char *v = f->lt_version;
	if (!f->lt_version_given ||
	    (v && (strcmp(v, "$Latest") == 0 || strcmp(v, "$Default") == 0))) {
		GW_RULE_WARN(rc, CE13,
		             f->lt_version_given ? f->lt_version_at
		                                 : f->launch_template.at,
		             "use !GetAtt LT.LatestVersionNumber so template "
		             "changes reach the compute environment",
		             "compute environment '%s' uses launch template "
		             "version '%s', which batch resolves once, when the "
		             "environment is created",
		             f->owner, v ? v : "$Default");
	}
}

/* CE10 and CE11 on each image type: one Batch knows (API Ec2Configuration;
 * EKS values only on EKS compute environments), and not Amazon Linux 2. */
static void rule_ce10_ce11_images(struct gw_rule_ctx *rc,
                                  const struct gw_ce_facts *f)
{
	for (size_t i = 0; i < f->n_images; i++) {
		const char *image = f->images[i].spec;
		struct gw_loc at = f->images[i].at;
		if (!image) {
			continue;
		}
		if (is_al2_image(image)) {
			GW_RULE_ERR(rc, CE11, at,
			            "use ECS_AL2023 (or ECS_AL2023_NVIDIA)",
			            "image type '%s' of compute environment '%s' "
			            "is amazon linux 2, which aws batch blocks for "
			            "new compute environments since 2026-06-30",
			            image, f->owner);
		} else if (!in_set(image, ecs_images, GW_ARRAY_LEN(ecs_images)) &&
		           !(f->eks &&
		             in_set(image, eks_images, GW_ARRAY_LEN(eks_images)))) {
			GW_RULE_ERR(rc, CE10, at,
			            "use ECS_AL2023 or ECS_AL2023_NVIDIA",
			            "compute environment '%s' has image type '%s'",
			            f->owner, image);
		}
	}
}

/*
 * CE10 between image and instance types (Batch ecs-migration-2023; CDK):
 * GPU types need an *_NVIDIA image once images are named (without any,
 * Batch gives GPU types the NVIDIA image); an NVIDIA image without GPU
 * types; P3 is reported unsupported on ECS_AL2023_NVIDIA [unconf]; A1
 * cannot run Amazon Linux 2023, also the default image.
 */
static void rule_ce10_types(struct gw_rule_ctx *rc, const struct gw_ce_facts *f,
                            const struct gw_type_selection *s)
{
	if (f->images_given && !f->images_literal) {
		return;
	}
	const char *nvidia = NULL;
	struct gw_loc nvidia_at = {0};
	bool nvidia_other = false, al2023 = !f->images_given, other = false;
	for (size_t i = 0; i < f->n_images; i++) {
		const char *image = f->images[i].spec;
		if (gw_image_is_nvidia(image)) {
			if (!nvidia) {
				nvidia = image;
				nvidia_at = f->images[i].at;
			}
			nvidia_other = nvidia_other ||
			               strcmp(image, "ECS_AL2023_NVIDIA") != 0;
		}
		if (gw_image_is_al2023(image)) {
			al2023 = true;
		} else {
			other = true;
		}
	}
	struct gw_loc iat = gw_vm_at(f->images_at, f->at);
	const char *k = f->keys->image_type;
	struct key_hint h;
	if (s->most_gpus && f->images_given && !nvidia) {
		if (f->n_images == 1) {
			GW_RULE_ERR(rc, CE10, iat,
			            hint_of(&h, "use ", k, ": ECS_AL2023_NVIDIA"),
			            "compute environment '%s' includes gpu type "
			            "'%s' but image type '%s' has no nvidia "
			            "drivers",
			            f->owner, s->most_gpus->name, f->images[0].spec);
		} else {
			GW_RULE_ERR(rc, CE10, iat,
			            "add an entry with ImageType: "
			            "ECS_AL2023_NVIDIA",
			            "compute environment '%s' includes gpu type "
			            "'%s' but none of its image types has nvidia "
			            "drivers",
			            f->owner, s->most_gpus->name);
		}
	} else if (s->p3 && nvidia && !nvidia_other) {
		GW_RULE_WARN(rc, CE10, gw_vm_at(f->types_at, f->at),
		             "use g4dn, g5, g6 or p4d",
		             "instance type '%s' is reported as unsupported by "
		             "ECS_AL2023_NVIDIA",
		             s->p3->name);
	} else if (!s->most_gpus && s->all_known && nvidia) {
		GW_RULE_WARN(rc, CE10, gw_vm_at(nvidia_at, iat),
		             "use ECS_AL2023 or add gpu types",
		             "compute environment '%s' uses image type '%s' but "
		             "has no gpu instance type",
		             f->owner, nvidia);
	}
	if (!al2023 || other) {
		return;
	}
	for (size_t i = 0; i < f->n_specs; i++) {
		const char *spec = f->specs[i].spec;
		char family[GW_DEVICE_NAME_MAX];
		if (!spec) {
			continue;
		}
		gw_catalog_family(spec, family, sizeof(family));
		if (strcmp(family, "a1") == 0) {
			GW_RULE_ERR(rc, CE10, f->specs[i].at,
			            "use graviton2 or later (c6g, m6g, r6g ...)",
			            "instance type '%s' of compute environment '%s' "
			            "cannot run amazon linux 2023%s",
			            spec, f->owner,
			            f->images_given ? "" : ", the default image");
		}
	}
}

/*
 * CE6: instance types gwgen can size, one architecture per compute
 * environment (Batch doc; ParallelCluster arch validator). The catalog
 * has every EC2 type (data/instance-types.tsv), so a name it lacks is a
 * misspelling, or a type newer than the catalog, which a profile declares
 * in new_instance_types.
 */
static void rule_ce6(struct gw_rule_ctx *rc, const struct gw_ce_facts *f,
                     const struct gw_type_selection *s)
{
	for (size_t i = 0; f->types_literal && i < f->n_specs; i++) {
		const char *spec = f->specs[i].spec;
		if (!spec) {
			continue;
		}
		if (strstr(spec, ".metal")) {
			GW_RULE_WARN(rc, CE6, f->specs[i].at,
			             "use a family or a virtualized size",
			             "instance type '%s' is bare metal, which "
			             "gwgen does not size",
			             spec);
		} else if (!spec_known(f, spec)) {
			char near[GW_DEVICE_NAME_MAX];
			char hint[GW_VM_MSG_BYTES];
			bool has_near = gw_catalog_suggest(spec, near,
			                                   sizeof(near));
			const char *declare =
			        f->keys == &profile_keys
			                ? "declare a type newer than the "
			                  "catalog in new_instance_types"
			                : "check the type (the catalog has "
			                  "every EC2 type)";
			if (has_near) {
				snprintf(hint, sizeof(hint),
				         "did you mean '%s'? or %s", near,
				         declare);
			} else {
				snprintf(hint, sizeof(hint), "%s", declare);
			}
			GW_RULE_ERR(rc, CE6, f->specs[i].at, hint,
			            "compute environment '%s' names %s '%s', "
			            "which is not an EC2 %s",
			            f->owner,
			            strchr(spec, '.') ? "instance type"
			                              : "instance family",
			            spec,
			            strchr(spec, '.') ? "instance type"
			                              : "instance family or "
			                                "batch class");
		}
	}
	if (s->arch[GW_ARCH_X86_64] && s->arch[GW_ARCH_ARM64]) {
		GW_RULE_ERR(rc, CE6, gw_vm_at(f->types_at, f->at),
		            "split x86_64 and arm64 types into two compute "
		            "environments",
		            "compute environment '%s' mixes architectures: '%s' "
		            "is x86_64 and '%s' is arm64",
		            f->owner, s->arch[GW_ARCH_X86_64]->name,
		            s->arch[GW_ARCH_ARM64]->name);
	}
}

/*
 * CE7 and CE8 (domain.md; ParallelCluster AwsBatchComputeInstanceType
 * Validator): a maximum below the smallest type's vCPUs starts nothing, an
 * error with exactly one concrete type, a warning when Batch picks among
 * several; a maximum below the largest type's may be exceeded by one
 * instance (Batch doc; hyp3#2965).
 */
static void rule_ce7_ce8(struct gw_rule_ctx *rc, const struct gw_ce_facts *f,
                         const struct gw_type_selection *s)
{
	const struct gw_ce_int *max = &f->max;
	if (s->n_types == 0 || !max->known || max->v < 1) {
		return;
	}
	if (max->v < (long long)s->smallest->vcpus) {
		struct key_hint h;
		bool one_type = f->n_specs == 1 && f->specs[0].spec &&
		                strchr(f->specs[0].spec, '.');
		gw_rule_report(rc, GW_RULE_CE7,
		               one_type ? GW_SEV_ERROR : GW_SEV_WARNING, max->at,
		               hint_of(&h, "raise ", f->keys->max_vcpus,
		                       " or add smaller instance types"),
		               "compute environment '%s' allows %lld vcpus but "
		               "its smallest instance type (%s) has %u, so no "
		               "instance can start",
		               f->owner, max->v, s->smallest->name,
		               s->smallest->vcpus);
	} else if (s->all_known && max->v < (long long)s->most_vcpus->vcpus) {
		GW_RULE_NOTE(rc, CE8, max->at, NULL,
		             "compute environment '%s' may run up to %lld vcpus: "
		             "batch can exceed %s %lld by one instance (%s has "
		             "%u)",
		             f->owner, max->v + s->most_vcpus->vcpus - 1,
		             f->keys->max_vcpus, max->v, s->most_vcpus->name,
		             s->most_vcpus->vcpus);
	}
}

/* CE14: tags, like the name, are create-only; CloudFormation cannot
 * replace a custom-named resource (cfn-lint createOnlyProperties). */
static void rule_ce14(struct gw_rule_ctx *rc, const struct gw_ce_facts *f)
{
	if (f->has_tags && f->custom_name && !gw_ce_is_fargate(f->type)) {
		GW_RULE_NOTE(rc, CE14, gw_vm_at(f->tags_at, f->at),
		             "to change them later, rename the compute "
		             "environment in the same change",
		             "tags of compute environment '%s' are create-only: "
		             "changing them replaces it, which cloudformation "
		             "refuses for a custom-named resource",
		             f->owner);
	}
}

/* CE16: Batch names are [A-Za-z0-9_-]{1,128} (Batch doc). */
static void rule_ce16_name(struct gw_rule_ctx *rc, const struct gw_ce_facts *f)
{
	const char *why = f->check_name && f->name ? gw_names_batch_error(f->name)
	                                           : NULL;
	if (why) {
		GW_RULE_ERR(rc, CE16, f->name_at,
		            "batch names are [A-Za-z0-9_-]{1,128}",
		            "compute environment name '%s' %s", f->name, why);
	}
}

/* CE16: names are unique; 'earlier' is the first compute environment
 * with the same name, or NULL. */
static void rule_ce16_unique(struct gw_rule_ctx *rc, const struct gw_ce_facts *f,
                             const struct gw_loc *earlier)
{
	if (earlier && f->name) {
		GW_RULE_ERR(rc, CE16, f->name_at, "give each one its own name",
		            "compute environment name '%s' is already used at "
		            "line %u",
		            f->name, earlier->line);
	}
}

/* CE18: at most 50 compute environments per account and region (Batch
 * service_limits.md); reported once, at the first one too many ('index'
 * of 'total'). */
static void rule_ce18(struct gw_rule_ctx *rc, size_t index, size_t total,
                      struct gw_loc at)
{
	if (index == GW_LIM_ACCOUNT_CES_MAX) {
		GW_RULE_ERR(rc, CE18, at, NULL,
		            "%zu compute environments exceed the %d per account "
		            "and region",
		            total, GW_LIM_ACCOUNT_CES_MAX);
	}
}

/* Every rule of one compute environment. 's' receives what its instance
 * types select (zeroed when nothing is checked). */
static void check_ce(struct gw_rule_ctx *rc, const struct gw_ce_facts *f,
                     struct gw_type_selection *s)
{
	*s = (struct gw_type_selection){0};
	rule_ce16_name(rc, f);
	if (!rule_ce1(rc, f)) {
		rule_ce15(rc, f);
		rule_r1(rc, f);
		return;
	}
	rule_ce2(rc, f);
	rule_ce9(rc, f);
	if (gw_ce_is_fargate(f->type)) {
		rule_ce17(rc, f);
		rule_ce15(rc, f);
		rule_r1(rc, f);
		return;
	}
	rule_ce3(rc, f);
	rule_ce15(rc, f);
	rule_ce4(rc, f);
	rule_ce5(rc, f);
	rule_r1(rc, f);
	rule_r4(rc, f);
	rule_ce12_ce13(rc, f);
	rule_ce10_ce11_images(rc, f);
	if (f->type == GW_CE_UNKNOWN && !f->type_given) {
		return;
	}
	select_types(f, s);
	rule_ce6(rc, f, s);
	rule_ce7_ce8(rc, f, s);
	rule_ce10_types(rc, f, s);
	rule_ce14(rc, f);
}

/* ---- the profile adapter --------------------------------------------------- */

static struct gw_ce_int model_int(const struct gw_int *v, struct gw_loc dflt)
{
	return (struct gw_ce_int){.given = v->set,
	                          .known = true,
	                          .v = v->v,
	                          .at = gw_vm_at(v->loc, dflt)};
}

static struct gw_ce_ref model_role(const struct gw_model *m,
                                   const struct gw_str *ref,
                                   const char *service)
{
	struct gw_ce_ref r = {.given = ref->s != NULL,
	                      .name = ref->s,
	                      .at = ref->loc,
	                      .resolved = true};
	const struct gw_role *role = ref->s ? gw_model_role(m, ref->s) : NULL;
	if (role) {
		r.exists = true;
		r.trusts = gw_vm_role_trusts(role, service);
		r.has_profile = role->instance_profile.v;
	}
	return r;
}

static void model_facts(const struct gw_vctx *c, const struct gw_compute_env *ce,
                        bool name_is_one_line, struct gw_ce_facts *f)
{
	const struct gw_model *m = c->m;
	*f = (struct gw_ce_facts){
	        .owner = gw_vm_str_or(&ce->name, "?"),
	        .keys = &profile_keys,
	        .at = ce->loc,
	        .has_compute_resources = true,
	        .type_given = true,
	        .type_text = gw_vm_str_or(&ce->type, "EC2"),
	        .type = gw_vm_ce_type(ce),
	        .type_at = gw_vm_at(ce->type.loc, ce->loc),
	        .min = model_int(&ce->min_vcpus, ce->loc),
	        .max = model_int(&ce->max_vcpus, ce->loc),
	        .strategy_given = ce->allocation_strategy.s != NULL,
	        .strategy = gw_vm_ce_strategy(ce),
	        .strategy_at = gw_vm_at(ce->allocation_strategy.loc, ce->loc),
	        .bid = model_int(&ce->bid_percentage, ce->loc),
	        .instance_role = model_role(m, &ce->instance_role, "ec2"),
	        .spot_fleet_role =
	                model_role(m, &ce->spot_fleet_role, "spotfleet"),
	        .service_role = model_role(m, &ce->service_role, "batch"),
	        .launch_template = {.given = ce->launch_template.s != NULL,
	                            .name = ce->launch_template.s,
	                            .at = ce->launch_template.loc,
	                            .resolved = true},
	        .types_given = ce->instance_types.n > 0,
	        .types_literal = true,
	        .types = &c->types,
	        .types_at = gw_vm_at(ce->instance_types.loc, ce->loc),
	        /* gwgen always renders the image type (ECS_AL2023 by
	         * default); it is "given" for Fargate only when written. */
	        .images_given = true,
	        .images_literal = true,
	        .n_images = 1,
	        .images_at = gw_vm_at(ce->image_type.loc, ce->loc),
	        .has_tags = ce->tags.n > 0,
	        .tags_at = gw_vm_at(ce->tags.loc, ce->loc),
	        .custom_name = true,
	        .name = ce->name.s,
	        .name_at = ce->name.loc,
	        .check_name = name_is_one_line,
	};
	/* The loader's max_vcpus is required; a model without it has 0. */
	f->max.given = ce->max_vcpus.set || ce->max_vcpus.v != 0;
	f->desired = ce->desired_vcpus.set ? model_int(&ce->desired_vcpus, ce->loc)
	                                   : f->min;
	f->desired.given = ce->desired_vcpus.set;
	f->launch_template.exists =
	        ce->launch_template.s &&
	        gw_model_launch_template(m, ce->launch_template.s);
	f->images[0] = (struct gw_type_spec){gw_vm_ce_image(ce), f->images_at};
	if (gw_ce_is_fargate(f->type)) {
		f->images_given = ce->image_type.set;
	}
	f->n_specs = gw_vm_ce_specs(ce, f->types_at, f->specs);
}

/* Whether queue 'q' lists compute environment 'name'. */
static bool queue_reaches(const struct gw_queue *q, const char *name)
{
	for (size_t i = 0; q && name && i < q->n_ces; i++) {
		if (q->ces[i].ce.s && strcmp(q->ces[i].ce.s, name) == 0) {
			return true;
		}
	}
	return false;
}

/*
 * CE20: on an infrastructure update, jobs on the old instances get
 * update_timeout_minutes (UpdatePolicy JobExecutionTimeoutMinutes) before
 * Batch stops them; a job definition that lets a job run longer, on a
 * queue that reaches the compute environment, loses such jobs. Only the
 * first such job definition is named (one finding per environment).
 */
static void rule_ce20(struct gw_vctx *c, const struct gw_compute_env *ce)
{
	const struct gw_model *m = c->m;
	if (!gw_ce_updates_in_place(ce->allocation_strategy.s,
	                            ce->service_role.s != NULL)) {
		return;
	}
	long long limit = (long long)ce->update_timeout_minutes.v * 60;
	for (size_t i = 0; i < m->n_job_defs; i++) {
		const struct gw_job_def *j = &m->job_defs[i];
		if (j->timeout.v <= limit ||
		    !queue_reaches(gw_model_queue(m, j->queue.s), ce->name.s)) {
			continue;
		}
		GW_RULE_WARN(&c->rc, CE20,
		             gw_vm_at(ce->update_timeout_minutes.loc, ce->loc),
		             "raise update_timeout_minutes (at most 7200)",
		             "compute environment '%s' gives jobs %lld minutes "
		             "on an infrastructure update, but job definition "
		             "'%s' lets a job run %lld seconds",
		             gw_vm_str_or(&ce->name, "?"),
		             (long long)ce->update_timeout_minutes.v,
		             gw_vm_str_or(&j->name, "?"),
		             (long long)j->timeout.v);
		return;
	}
}

/*
 * CE6 on new_instance_types: each a FAMILY.SIZE name the catalog lacks,
 * declared once. The declarations that pass are in c->types
 * (gw_vm_types_init); the loader checked the sizes and the architecture.
 */
static void check_new_types(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	for (size_t i = 0; i < m->n_new_types; i++) {
		const struct gw_str *name = &m->new_types[i].name;
		if (!name->s) {
			continue;
		}
		const struct gw_instance_type *known = gw_catalog_find(name->s);
		if (!gw_vm_type_name_ok(name->s)) {
			GW_RULE_ERR(&c->rc, CE6, name->loc,
			            "write the type as EC2 names it, e.g. "
			            "c9g.4xlarge",
			            "new instance type '%s' is not FAMILY.SIZE "
			            "of [a-z0-9-]",
			            name->s);
		} else if (known) {
			GW_RULE_WARN(&c->rc, CE6, name->loc,
			             "remove the declaration",
			             "new instance type '%s' is in gwgen's "
			             "catalog (%u vcpus, %u mib, %s), whose "
			             "facts are used",
			             name->s, known->vcpus, known->memory_mib,
			             gw_arch_name(known->arch));
		}
		for (size_t j = 0; j < i; j++) {
			const struct gw_str *e = &m->new_types[j].name;
			if (e->s && strcmp(e->s, name->s) == 0) {
				GW_RULE_ERR(&c->rc, CE6, name->loc,
				            "declare each type once",
				            "new instance type '%s' is declared "
				            "twice, first at line %u",
				            name->s, e->loc.line);
				break;
			}
		}
	}
}

/* R9: a compute environment no job queue lists runs no job (Batch "Job
 * queues": jobs reach compute environments only through a queue). */
static void check_ce_used(struct gw_vctx *c, const struct gw_compute_env *ce)
{
	for (size_t i = 0; i < c->m->n_queues; i++) {
		const struct gw_queue *q = &c->m->queues[i];
		for (size_t j = 0; j < q->n_ces; j++) {
			if (gw_vm_str_is(&q->ces[j].ce, ce->name.s)) {
				return;
			}
		}
	}
	GW_RULE_WARN(&c->rc, R9, gw_vm_at(ce->name.loc, ce->loc),
	             "list it under a queue's compute_environments, or "
	             "remove it",
	             "compute environment '%s' is in no job queue, so no job "
	             "runs on it", ce->name.s);
}

void gw_ce_check_model(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	check_new_types(c);
	for (size_t i = 0; i < m->n_compute_envs; i++) {
		/* First, so the cap on diagnostics cannot hide it. */
		rule_ce18(&c->rc, i, m->n_compute_envs, m->compute_envs[i].loc);
	}
	for (size_t i = 0; i < m->n_compute_envs; i++) {
		const struct gw_compute_env *ce = &m->compute_envs[i];
		bool one_line = gw_vm_check_one_line(c, &ce->name,
		                                     "compute environment name");
		struct gw_ce_facts f;
		struct gw_type_selection s;
		model_facts(c, ce, one_line, &f);
		const struct gw_loc *earlier = NULL;
		for (size_t j = 0; ce->name.s && j < i && !earlier; j++) {
			const struct gw_str *n = &m->compute_envs[j].name;
			if (n->s && strcmp(n->s, ce->name.s) == 0) {
				earlier = &n->loc;
			}
		}
		check_ce(&c->rc, &f, &s);
		rule_ce16_unique(&c->rc, &f, earlier);
		rule_ce20(c, ce);
		if (ce->name.s && one_line) {
			check_ce_used(c, ce);
		}
	}
}

/* ---- the template adapter -------------------------------------------------- */

static struct gw_ce_int cfn_int(struct gw_cfn *t, yaml_node_t *n,
                                struct gw_loc dflt)
{
	struct gw_ce_int v = {.given = n != NULL, .at = dflt};
	if (n) {
		v.at = gw_cfn_loc(t, n);
		v.known = gw_cfn_int(t, n, &v.v);
	} else {
		v.known = true; /* the API's default, 0 */
	}
	return v;
}

static struct gw_ce_ref cfn_ref(struct gw_cfn *t, yaml_node_t *n,
                                struct gw_loc dflt)
{
	return (struct gw_ce_ref){.given = n != NULL,
	                          .name = gw_cfn_literal(t, n),
	                          .at = n ? gw_cfn_loc(t, n) : dflt};
}

/* The key node of resource 'logical' (the very string of its key). */
static yaml_node_t *resource_key(struct gw_cfn *t, const char *logical)
{
	yaml_node_t *res = t->resources;
	for (yaml_node_pair_t *p = res->data.mapping.pairs.start;
	     p < res->data.mapping.pairs.top; p++) {
		yaml_node_t *key = gw_cfn_node(t, p->key);
		if (gw_cfn_scalar(key) == logical) {
			return key;
		}
	}
	return NULL;
}

/* Every compute environment of the template, once (t->ce_names). */
static void cfn_census_once(struct gw_cfn *t)
{
	if (t->ce_census_done) {
		return;
	}
	t->ce_census_done = true;
	yaml_node_t *res = t->resources;
	size_t cap = 0;
	for (yaml_node_pair_t *p = res->data.mapping.pairs.start;
	     p < res->data.mapping.pairs.top; p++) {
		yaml_node_t *r = gw_cfn_node(t, p->value);
		const char *type = gw_cfn_literal(t, gw_cfn_get(t, r, "Type"));
		if (!type || strcmp(type, "AWS::Batch::ComputeEnvironment") != 0) {
			continue;
		}
		yaml_node_t *n = gw_cfn_get(t, gw_cfn_get(t, r, "Properties"),
		                            "ComputeEnvironmentName");
		gw_grow((void **)&t->ce_names, &cap, t->n_ce_names + 1,
		        sizeof(*t->ce_names));
		t->ce_names[t->n_ce_names++] = (struct gw_cfn_ce_name){
		        .logical = gw_cfn_scalar(gw_cfn_node(t, p->key)),
		        .name = gw_cfn_literal(t, n),
		        .name_node = n,
		};
	}
}

/*
 * Where compute environment 'logical' stands among the template's: its
 * 0-based '*index', the '*total', and in '*earlier' the name node of the
 * first earlier one named 'name' (NULL when none).
 */
static void cfn_census(struct gw_cfn *t, const char *logical, const char *name,
                       size_t *index, size_t *total, yaml_node_t **earlier)
{
	cfn_census_once(t);
	*index = 0;
	*total = t->n_ce_names;
	*earlier = NULL;
	for (size_t i = 0; i < t->n_ce_names; i++) {
		const struct gw_cfn_ce_name *c = &t->ce_names[i];
		if (c->logical == logical) {
			*index = i;
			break;
		}
		if (name && !*earlier && c->name && strcmp(c->name, name) == 0) {
			*earlier = c->name_node;
		}
	}
}

static void cfn_types(struct gw_cfn *t, yaml_node_t *cr, struct gw_ce_facts *f)
{
	yaml_node_t *types = gw_cfn_get(t, cr, "InstanceTypes");
	yaml_node_t *arg = NULL;
	f->types_given = types != NULL;
	f->types_at = types ? gw_cfn_loc(t, types) : f->at;
	f->types_literal = gw_cfn_is_seq(types) && !gw_cfn_intrinsic(t, types, &arg);
	for (size_t i = 0; f->types_literal && i < gw_cfn_seq_len(types) &&
	                   f->n_specs < GW_TYPE_SPECS_CAP;
	     i++) {
		yaml_node_t *n = gw_cfn_seq_at(t, types, i);
		f->specs[f->n_specs++] = (struct gw_type_spec){gw_cfn_literal(t, n),
		                                             gw_cfn_loc(t, n)};
	}
}

static void cfn_images(struct gw_cfn *t, yaml_node_t *props, yaml_node_t *cr,
                       struct gw_ce_facts *f)
{
	yaml_node_t *ec2 = gw_cfn_get(t, cr, "Ec2Configuration");
	f->eks = gw_cfn_get(t, props, "EksConfiguration") != NULL;
	f->images_given = gw_cfn_seq_len(ec2) > 0;
	f->images_literal = true;
	f->images_at = ec2 ? gw_cfn_loc(t, ec2) : f->at;
	if (ec2 && !f->images_given) {
		f->images_given = true; /* CE17 on Fargate; not a sequence */
		f->images_literal = false;
	}
	for (size_t i = 0; i < gw_cfn_seq_len(ec2); i++) {
		yaml_node_t *it = gw_cfn_get(t, gw_cfn_seq_at(t, ec2, i), "ImageType");
		const char *image = gw_cfn_literal(t, it);
		if (!image) {
			f->images_literal = false;
		} else if (f->n_images < GW_CE_IMAGES_CAP) {
			f->images[f->n_images++] =
			        (struct gw_type_spec){image, gw_cfn_loc(t, it)};
		}
	}
}

static void cfn_launch_template(struct gw_cfn *t, yaml_node_t *cr,
                                struct gw_ce_facts *f)
{
	yaml_node_t *lt = gw_cfn_get(t, cr, "LaunchTemplate");
	yaml_node_t *v = gw_cfn_get(t, lt, "Version");
	f->launch_template = cfn_ref(t, lt, f->at);
	f->lt_spec_checked = true;
	f->lt_by_id_and_name = gw_cfn_get(t, lt, "LaunchTemplateId") &&
	                       gw_cfn_get(t, lt, "LaunchTemplateName");
	f->lt_version_given = v != NULL;
	f->lt_version = gw_cfn_literal(t, v);
	f->lt_version_at = v ? gw_cfn_loc(t, v) : f->at;
}

void gw_ce_check_template(struct gw_cfn *t, const char *logical,
                          yaml_node_t *props)
{
	yaml_node_t *key = resource_key(t, logical);
	struct gw_loc key_at = gw_cfn_loc(t, key);
	struct gw_ce_facts f = {.owner = logical,
	                        .keys = &template_keys,
	                        .at = props ? gw_cfn_loc(t, props) : key_at,
	                        .env_checked = true,
	                        .has_properties = props != NULL,
	                        .type = GW_CE_UNKNOWN};
	yaml_node_t *type = gw_cfn_get(t, props, "Type");
	f.env_type_given = type != NULL;
	f.env_type = gw_cfn_literal(t, type);
	f.env_type_at = gw_cfn_loc(t, type);
	yaml_node_t *name = gw_cfn_get(t, props, "ComputeEnvironmentName");
	f.custom_name = name != NULL;
	f.name = gw_cfn_literal(t, name);
	f.name_at = gw_cfn_loc(t, name);
	f.check_name = true;
	f.service_role = cfn_ref(t, gw_cfn_get(t, props, "ServiceRole"), f.at);
	yaml_node_t *cr = gw_cfn_get(t, props, "ComputeResources");
	f.has_compute_resources = cr != NULL;
	if (cr) {
		f.at = gw_cfn_loc(t, cr);
		yaml_node_t *crt = gw_cfn_get(t, cr, "Type");
		f.type_given = crt != NULL;
		f.type_text = gw_cfn_literal(t, crt);
		f.type = gw_ce_type_of(f.type_text);
		f.type_at = gw_cfn_loc(t, crt);
		f.subnets_checked = true;
		f.has_subnets = gw_cfn_get(t, cr, "Subnets") != NULL;
		f.min = cfn_int(t, gw_cfn_get(t, cr, "MinvCpus"), f.at);
		f.max = cfn_int(t, gw_cfn_get(t, cr, "MaxvCpus"), f.at);
		f.desired = cfn_int(t, gw_cfn_get(t, cr, "DesiredvCpus"), f.at);
		if (!f.desired.given) {
			f.desired = f.min;
			f.desired.given = false;
		}
		yaml_node_t *as = gw_cfn_get(t, cr, "AllocationStrategy");
		f.strategy_given = as != NULL;
		f.strategy = as ? gw_cfn_literal(t, as) : "BEST_FIT";
		f.strategy_default = as == NULL;
		f.strategy_at = as ? gw_cfn_loc(t, as) : f.at;
		f.bid = cfn_int(t, gw_cfn_get(t, cr, "BidPercentage"), f.at);
		f.instance_role =
		        cfn_ref(t, gw_cfn_get(t, cr, "InstanceRole"), f.at);
		f.spot_fleet_role =
		        cfn_ref(t, gw_cfn_get(t, cr, "SpotIamFleetRole"), f.at);
		yaml_node_t *tags = gw_cfn_get(t, cr, "Tags");
		f.has_tags = tags != NULL;
		f.tags_at = tags ? gw_cfn_loc(t, tags) : f.at;
		cfn_launch_template(t, cr, &f);
		cfn_types(t, cr, &f);
		cfn_images(t, props, cr, &f);
	}
	size_t index, total;
	yaml_node_t *earlier = NULL;
	cfn_census(t, logical, f.name, &index, &total, &earlier);
	rule_ce18(&t->rc, index, total, key_at);
	struct gw_loc earlier_at = earlier ? gw_cfn_loc(t, earlier) : key_at;
	struct gw_type_selection s;
	check_ce(&t->rc, &f, &s);
	rule_ce16_unique(&t->rc, &f, earlier ? &earlier_at : NULL);
	/* What the queue and job checks read (template.c). */
	if (cr && t->n_ces < GW_CFN_TRACK_MAX) {
		struct cfn_ce rec = {.logical = logical, .type = f.type};
		if (s.all_known && s.most_vcpus) {
			rec.most_vcpus = s.most_vcpus;
			rec.n_specs = f.n_specs;
			rec.specs = gw_xmalloc(f.n_specs * sizeof(*rec.specs));
			memcpy(rec.specs, f.specs,
			       f.n_specs * sizeof(*rec.specs));
		}
		t->ces[t->n_ces++] = rec;
	}
}
