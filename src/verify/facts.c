/* SPDX-License-Identifier: MIT */
/* Neutral facts the rule families share (facts.h). */
#include "facts.h"

#include <string.h>

const char *const gw_ce_type_names[GW_CE_UNKNOWN] = {
	[GW_CE_EC2] = "EC2",
	[GW_CE_SPOT] = "SPOT",
	[GW_CE_FARGATE] = "FARGATE",
	[GW_CE_FARGATE_SPOT] = "FARGATE_SPOT",
};

bool gw_ce_strategy_updates_in_place(const char *s)
{
	return s && (strcmp(s, "BEST_FIT_PROGRESSIVE") == 0 ||
	             strcmp(s, "SPOT_CAPACITY_OPTIMIZED") == 0 ||
	             strcmp(s, "SPOT_PRICE_CAPACITY_OPTIMIZED") == 0);
}

bool gw_ce_updates_in_place(const char *strategy, bool service_role)
{
	return !service_role && gw_ce_strategy_updates_in_place(strategy);
}

enum gw_ce_type gw_ce_type_of(const char *s)
{
	for (size_t i = 0; s && i < GW_ARRAY_LEN(gw_ce_type_names); i++) {
		if (strcmp(s, gw_ce_type_names[i]) == 0) {
			return (enum gw_ce_type)i;
		}
	}
	return GW_CE_UNKNOWN;
}
