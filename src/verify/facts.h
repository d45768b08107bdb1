/* SPDX-License-Identifier: MIT */
/*
 * Neutral facts the rule families share, whether an adapter read them from
 * a profile's model or from a CloudFormation template.
 */
#ifndef GW_FACTS_H
#define GW_FACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "diag.h"
#include "util.h"

/* A compute environment's compute resources type (Batch ComputeResource
 * Type). */
enum gw_ce_type {
	GW_CE_EC2,
	GW_CE_SPOT,
	GW_CE_FARGATE,
	GW_CE_FARGATE_SPOT,
	GW_CE_UNKNOWN, /* absent from the template, or not one of the above */
};

/* The API's spelling of each type ("FARGATE_SPOT"). */
extern const char *const gw_ce_type_names[GW_CE_UNKNOWN];

/* The type spelled 's' (NULL or unknown: GW_CE_UNKNOWN). */
enum gw_ce_type gw_ce_type_of(const char *s);

static inline bool gw_ce_is_fargate(enum gw_ce_type k)
{
	return k == GW_CE_FARGATE || k == GW_CE_FARGATE_SPOT;
}

/*
 * Whether allocation strategy 's' lets a compute environment take
 * infrastructure updates in place (BEST_FIT_PROGRESSIVE and the SPOT_*
 * strategies; BEST_FIT, the API default, does not: AWS Batch user guide,
 * "Updating compute environments"). A regular service role rules them out
 * too (CE15); gw_ce_updates_in_place says both.
 */
bool gw_ce_strategy_updates_in_place(const char *s);

/* Whether a compute environment with allocation strategy 'strategy' (NULL:
 * the API default) and, if 'service_role', a regular service role takes
 * infrastructure updates in place. CE15 warns exactly when it does not,
 * and the rendered template's comments and UpdatePolicy follow it. */
bool gw_ce_updates_in_place(const char *strategy, bool service_role);

/* An ECS image type for GPU instances ("ECS_AL2023_NVIDIA"). */
static inline bool gw_image_is_nvidia(const char *image)
{
	return gw_has_suffix(image, "_NVIDIA");
}

/* An Amazon Linux 2023 image type (ECS_AL2023, ECS_AL2023_NVIDIA). */
static inline bool gw_image_is_al2023(const char *image)
{
	return gw_has_prefix(image, "ECS_AL2023");
}

/* Instance type specs looked at per compute environment; not an AWS
 * limit, only the size of the facts (more are ignored). */
#define GW_TYPE_SPECS_CAP 64

/* One instance type spec ("c5", "r6a.large", "optimal"), NULL when it is
 * not a literal, and where it is written. */
struct gw_type_spec {
	const char *spec;
	struct gw_loc at;
};

/*
 * What a list of instance type specs selects, in one pass (CE6..CE10, the
 * job sizes J3..J5, NF2, NS2, L12, the queues' architectures): how many
 * types, the first of each architecture, the one with the fewest vCPUs,
 * the most vCPUs, the most memory, the most GPUs (NULL when none has any)
 * and a P3 type. Ties go to the entry a scan of the set meets first,
 * whatever order the specs list the types in. 'all_known' when every spec
 * selects something or names an instance class.
 */
struct gw_type_selection {
	size_t n_types;
	bool all_known;
	const struct gw_instance_type *arch[GW_ARCH_ARM64 + 1];
	const struct gw_instance_type *smallest, *most_vcpus, *most_memory;
	const struct gw_instance_type *most_gpus, *p3;
};

void gw_types_select(const struct gw_type_set *ts,
                     const struct gw_type_spec *specs, size_t n,
                     struct gw_type_selection *s);

/* Call 'fn' once with each entry of 'ts' that one of 'specs' selects. */
void gw_types_each(const struct gw_type_set *ts,
                   const struct gw_type_spec *specs, size_t n,
                   bool (*fn)(const struct gw_instance_type *t, void *arg),
                   void *arg);

#endif
