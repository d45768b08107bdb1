/* SPDX-License-Identifier: MIT */
/* IAM service principals per partition: sourced data (principal.c). */
#ifndef GW_PRINCIPAL_H
#define GW_PRINCIPAL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The service principal that trusts 'service' ("ec2", "ecs-tasks",
 * "batch", "spotfleet") in 'partition' ("aws", "aws-cn", "aws-us-gov"),
 * e.g. "ec2.amazonaws.com.cn" in aws-cn; NULL when gwgen has no sourced
 * row for the pair. Static string.
 */
/* Longest principal gw_principal_render writes, with its NUL. */
#define GW_PRINCIPAL_MAX 128

const char *gw_principal_of(const char *partition, const char *service);

/*
 * The principal gwgen writes for 'service' in 'partition': the sourced
 * row, else SERVICE.amazonaws.com (the form the AWS CDK uses in every
 * partition but for a few named services). Writes at most 'size' bytes to
 * 'out'; 'sourced' tells which.
 */
void gw_principal_render(const char *partition, const char *service,
		char *out, size_t size, bool *sourced);

/*
 * Whether 'service' is SERVICE.DNS_SUFFIX in each of aws, aws-cn and
 * aws-us-gov (so "SERVICE.${AWS::URLSuffix}" is right in all three), as
 * the rows say; false for a service without rows in all three.
 */
bool gw_principal_follows_url_suffix(const char *service);

/* Where the row of 'service' in 'partition' comes from, or NULL. */
const char *gw_principal_source(const char *partition, const char *service);

/*
 * Regional service principals (SERVICE.REGION.SUFFIX), which key policies
 * name: "logs" (CloudWatch Logs) only. The principal of 'service' in
 * 'region' of 'partition' goes to 'out' ('size' bytes); false when gwgen
 * has no sourced row for the pair.
 */
bool gw_principal_regional(const char *partition, const char *service,
		const char *region, char *out, size_t size);

/*
 * Whether the regional principal of 'service' is SERVICE.REGION.DNS_SUFFIX
 * in each of aws, aws-cn and aws-us-gov, so that
 * "SERVICE.${AWS::Region}.${AWS::URLSuffix}" is right in all three.
 */
bool gw_principal_regional_follows_url_suffix(const char *service);

#endif
