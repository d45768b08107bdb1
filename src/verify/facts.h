/* SPDX-License-Identifier: MIT */
/*
 * Neutral facts the rule families share, whether an adapter read them from
 * a profile's model or from a CloudFormation template.
 */
#ifndef GW_FACTS_H
#define GW_FACTS_H

#include <stdbool.h>

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

#endif
