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
