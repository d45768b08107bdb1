/* SPDX-License-Identifier: MIT */
/*
 * IAM service principals per partition, for the services gwgen's roles
 * trust. IAM's own rule is "usually service-name.amazonaws.com ... some
 * services might use [another format] instead of or in addition" (IAM User
 * Guide, reference_policies_elements_principal.html, "AWS service
 * principals", also on docs.amazonaws.cn); which ones do is not listed, so
 * each row names the public evidence behind it. docs/rules.md (A2) has the
 * same table.
 */
#include "principal.h"

#include <stdio.h>
#include <string.h>

#include "model.h"
#include "util.h"

struct principal_row {
	const char *partition;
	const char *service;
	const char *principal;
	const char *source;
};

/* The DNS suffix of aws and aws-us-gov is amazonaws.com (AWS SDK
 * partitions.json), so there SERVICE.amazonaws.com is both the global and
 * the partition's form. */
#define GLOBAL_SOURCE                                                          \
	"IAM User Guide, AWS service principals (service-name.amazonaws.com)"

static const struct principal_row rows[] = {
        {"aws", "ec2", "ec2.amazonaws.com", GLOBAL_SOURCE},
        {"aws", "ecs-tasks", "ecs-tasks.amazonaws.com", GLOBAL_SOURCE},
        {"aws", "batch", "batch.amazonaws.com", GLOBAL_SOURCE},
        {"aws", "spotfleet", "spotfleet.amazonaws.com", GLOBAL_SOURCE},
        {"aws-us-gov", "ec2", "ec2.amazonaws.com", GLOBAL_SOURCE},
        {"aws-us-gov", "ecs-tasks", "ecs-tasks.amazonaws.com", GLOBAL_SOURCE},
        {"aws-us-gov", "batch", "batch.amazonaws.com", GLOBAL_SOURCE},
        {"aws-us-gov", "spotfleet", "spotfleet.amazonaws.com", GLOBAL_SOURCE},
        /* EC2 in China: the AWS China IAM guide's trust policy example
         * (quoted in kubernetes/kubernetes#21858), EKS refusing node roles
         * without it (awslabs/cdk-eks-blueprints#558), the China IAM
         * console (aws/aws-cdk#24709) and terraform-provider-aws's
         * aws_service_principal (hashicorp/terraform-provider-aws#47141,
         * merged 2026-03-30); "ec2.amazonaws.com" was refused as an
         * invalid principal (kubernetes/kops#27,
         * awsdocs/aws-step-functions-developer-guide#37). */
        {"aws-cn", "ec2", "ec2.amazonaws.com.cn",
         "AWS China IAM guide (kubernetes#21858); terraform-provider-aws#47141; "
         "aws-cdk#24709; cdk-eks-blueprints#558"},
        /* ECS tasks in China: IAM refuses ecs-tasks.amazonaws.com.cn
         * (terraform-aws-modules/terraform-aws-ecs#124, fixed and tested
         * in China by #125; mapbox/cloudfriend#56). */
        {"aws-cn", "ecs-tasks", "ecs-tasks.amazonaws.com",
         "terraform-aws-ecs#124 and #125; mapbox/cloudfriend#56"},
        /* Batch and Spot Fleet in China: no China-specific form is
         * reported; the AWS CDK renders SERVICE.amazonaws.com in every
         * partition but its named exceptions, which do not include them
         * (aws-cdk-lib aws-iam principals.ts, standardized service
         * principals; region-info default.ts). Unconfirmed by a report from
         * China. */
        {"aws-cn", "batch", "batch.amazonaws.com",
         "AWS CDK standardized service principals (no China exception)"},
        {"aws-cn", "spotfleet", "spotfleet.amazonaws.com",
         "AWS CDK standardized service principals (no China exception)"},
};

/*
 * Regional principals: the suffix after SERVICE.REGION. CloudWatch Logs
 * names logs.REGION.amazonaws.com in the key policy that lets it encrypt
 * a log group (CloudWatch Logs User Guide, "Encrypt log data in CloudWatch
 * Logs using AWS Key Management Service", step 2; docs.amazonaws.cn the
 * same for China); its China form ends in amazonaws.com.cn, as the AWS
 * CDK renders it (aws-cdk-lib region-info default.ts: "logs" is
 * regional and partitional).
 */
#define LOGS_SOURCE "CloudWatch Logs User Guide, encrypt-log-data-kms.html"
static const struct principal_row regional_rows[] = {
        {"aws", "logs", "amazonaws.com", LOGS_SOURCE},
        {"aws-us-gov", "logs", "amazonaws.com", LOGS_SOURCE},
        {"aws-cn", "logs", "amazonaws.com.cn",
         LOGS_SOURCE " (China); AWS CDK region-info (logs: regional, "
         "partitional)"},
};

static const struct principal_row *find_regional(const char *partition,
                                                 const char *service)
{
	for (size_t i = 0; partition && service &&
	     i < GW_ARRAY_LEN(regional_rows); i++) {
		if (strcmp(regional_rows[i].partition, partition) == 0 &&
		    strcmp(regional_rows[i].service, service) == 0) {
			return &regional_rows[i];
		}
	}
	return NULL;
}

bool gw_principal_regional(const char *partition, const char *service,
                           const char *region, char *out, size_t size)
{
	const struct principal_row *r = find_regional(partition, service);
	if (!r || !region) {
		return false;
	}
	snprintf(out, size, "%s.%s.%s", service, region, r->principal);
	return true;
}

bool gw_principal_regional_follows_url_suffix(const char *service)
{
	static const char *const partitions[] = {"aws", "aws-cn", "aws-us-gov"};
	for (size_t i = 0; i < GW_ARRAY_LEN(partitions); i++) {
		const struct principal_row *r = find_regional(partitions[i],
		                                              service);
		const char *dns = gw_partition_dns_suffix(partitions[i]);
		if (!r || !dns || strcmp(r->principal, dns) != 0) {
			return false;
		}
	}
	return true;
}

static const struct principal_row *find_row(const char *partition,
                                            const char *service)
{
	for (size_t i = 0; partition && service && i < GW_ARRAY_LEN(rows);
	     i++) {
		if (strcmp(rows[i].partition, partition) == 0 &&
		    strcmp(rows[i].service, service) == 0) {
			return &rows[i];
		}
	}
	return NULL;
}

const char *gw_principal_of(const char *partition, const char *service)
{
	const struct principal_row *r = find_row(partition, service);
	return r ? r->principal : NULL;
}

const char *gw_principal_source(const char *partition, const char *service)
{
	const struct principal_row *r = find_row(partition, service);
	return r ? r->source : NULL;
}

void gw_principal_render(const char *partition, const char *service,
                         char *out, size_t size, bool *sourced)
{
	const char *p = gw_principal_of(partition, service);
	*sourced = p != NULL;
	if (p) {
		snprintf(out, size, "%s", p);
	} else {
		snprintf(out, size, "%s.amazonaws.com", service);
	}
}

bool gw_principal_follows_url_suffix(const char *service)
{
	static const char *const partitions[] = {"aws", "aws-cn", "aws-us-gov"};
	for (size_t i = 0; i < GW_ARRAY_LEN(partitions); i++) {
		const char *p = gw_principal_of(partitions[i], service);
		const char *dns = gw_partition_dns_suffix(partitions[i]);
		size_t n = strlen(service);
		if (!p || !dns || strncmp(p, service, n) != 0 || p[n] != '.' ||
		    strcmp(p + n + 1, dns) != 0) {
			return false;
		}
	}
	return true;
}
