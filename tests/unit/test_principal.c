/* SPDX-License-Identifier: MIT */
/* Unit tests for principal.c and the trust policies rendered in each partition. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emit.h"
#include "files.h"
#include "principal.h"
#include "profile.h"
#include "templates.h"
#include "util.h"

/*
 * The expected values are the sourced rows (principal.c, docs/rules.md A2):
 * ec2 is ec2.amazonaws.com.cn in aws-cn (the AWS China IAM guide's example;
 * terraform-provider-aws#47141), ecs-tasks is ecs-tasks.amazonaws.com there
 * (terraform-aws-ecs#124), and aws-us-gov's DNS suffix is amazonaws.com.
 */
static void test_principal_rows(void **state)
{
	(void)state;
	assert_string_equal(gw_principal_of("aws", "ec2"), "ec2.amazonaws.com");
	assert_string_equal(gw_principal_of("aws-cn", "ec2"),
			"ec2.amazonaws.com.cn");
	assert_string_equal(gw_principal_of("aws-us-gov", "ec2"),
			"ec2.amazonaws.com");
	assert_string_equal(gw_principal_of("aws-cn", "ecs-tasks"),
			"ecs-tasks.amazonaws.com");
	assert_string_equal(gw_principal_of("aws-cn", "batch"),
			"batch.amazonaws.com");
	assert_string_equal(gw_principal_of("aws-cn", "spotfleet"),
			"spotfleet.amazonaws.com");
	assert_string_equal(gw_principal_of("aws-us-gov", "ecs-tasks"),
			"ecs-tasks.amazonaws.com");
	assert_null(gw_principal_of("aws-iso", "ec2"));
	assert_null(gw_principal_of("aws", "lambda"));
	static const char *const partitions[] = {"aws", "aws-cn", "aws-us-gov"};
	static const char *const services[] = {"ec2", "ecs-tasks", "batch",
		"spotfleet"};
	for (size_t i = 0; i < GW_ARRAY_LEN(partitions); i++) {
		for (size_t j = 0; j < GW_ARRAY_LEN(services); j++) {
			const char *src = gw_principal_source(partitions[i],
					services[j]);
			assert_non_null(src);
			assert_true(strlen(src) > 0);
		}
	}
	/* ${AWS::URLSuffix} is right for ec2 only. */
	assert_true(gw_principal_follows_url_suffix("ec2"));
	assert_false(gw_principal_follows_url_suffix("ecs-tasks"));
	assert_false(gw_principal_follows_url_suffix("batch"));
	assert_false(gw_principal_follows_url_suffix("spotfleet"));

	char out[GW_PRINCIPAL_MAX];
	bool sourced = true;
	gw_principal_render("aws-iso", "ec2", out, sizeof(out), &sourced);
	assert_false(sourced);
	assert_string_equal(out, "ec2.amazonaws.com");
}

#define PROFILE(REGION) \
	"name: part\n" \
	"description: trust in one partition\n" \
	"region: " REGION "\n" \
	"roles:\n" \
	"  - name: part-instance\n" \
	"    trust: [ec2]\n" \
	"    managed: [service-role/AmazonEC2ContainerServiceforEC2Role]\n" \
	"    instance_profile: true\n" \
	"  - name: part-job\n" \
	"    trust: [ecs-tasks]\n" \
	"  - name: part-service\n" \
	"    trust: [batch]\n" \
	"  - name: part-fleet\n" \
	"    trust: [spotfleet]\n"

/* The text of 'path' rendered from 'yaml' (to free). */
static char *rendered(const char *yaml, const char *path)
{
	struct gw_diags d;
	struct gw_files files;
	gw_diags_init(&d);
	gw_files_init(&files);
	struct gw_model *m = gw_profile_load_string(yaml, strlen(yaml),
			"part.yaml", &d);
	assert_non_null(m);
	assert_true(gw_emit(m, gw_templates_builtin(), &files, &d));
	const struct gw_file *f = gw_files_find(&files, path);
	assert_non_null(f);
	char *s = gw_xstrndup(f->data, f->len);
	gw_files_finish(&files);
	gw_model_destroy(m);
	gw_diags_finish(&d);
	return s;
}

/* The Service entry of role 'role' in the JSON trust policy. */
static void expect_trust_json(const char *yaml, const char *role,
		const char *principal)
{
	char path[128];
	snprintf(path, sizeof(path), "iam/%s-trust.json", role);
	char *s = rendered(yaml, path);
	char want[256];
	snprintf(want, sizeof(want), "\"Service\": [\n          \"%s\"\n",
			principal);
	if (!strstr(s, want)) {
		fail_msg("%s lacks %s:\n%s", path, principal, s);
	}
	free(s);
}

static void expect_cfn(const char *yaml, const char *text)
{
	char *s = rendered(yaml, "cloudformation.yaml");
	if (!strstr(s, text)) {
		fail_msg("cloudformation.yaml lacks %s", text);
	}
	free(s);
}

static void test_principal_aws_cn(void **state)
{
	(void)state;
	const char *y = PROFILE("cn-north-1");
	expect_trust_json(y, "part-instance", "ec2.amazonaws.com.cn");
	expect_trust_json(y, "part-job", "ecs-tasks.amazonaws.com");
	expect_trust_json(y, "part-service", "batch.amazonaws.com");
	expect_trust_json(y, "part-fleet", "spotfleet.amazonaws.com");
	/* URLSuffix is amazonaws.com.cn there: right for ec2 only. */
	expect_cfn(y, "                - !Sub \"ec2.${AWS::URLSuffix}\"\n");
	expect_cfn(y, "                - \"ecs-tasks.amazonaws.com\"\n");
	char *s = rendered(y, "cloudformation.yaml");
	assert_null(strstr(s, "ecs-tasks.${AWS::URLSuffix}"));
	assert_null(strstr(s, "amazonaws.com.cn\""));
	free(s);
}

static void test_principal_aws_us_gov(void **state)
{
	(void)state;
	const char *y = PROFILE("us-gov-west-1");
	expect_trust_json(y, "part-instance", "ec2.amazonaws.com");
	expect_trust_json(y, "part-job", "ecs-tasks.amazonaws.com");
	expect_trust_json(y, "part-service", "batch.amazonaws.com");
	expect_trust_json(y, "part-fleet", "spotfleet.amazonaws.com");
	expect_cfn(y, "                - !Sub \"ec2.${AWS::URLSuffix}\"\n");
	expect_cfn(y, "                - \"batch.amazonaws.com\"\n");
}

static void test_principal_aws(void **state)
{
	(void)state;
	const char *y = PROFILE("eu-west-1");
	expect_trust_json(y, "part-instance", "ec2.amazonaws.com");
	expect_trust_json(y, "part-job", "ecs-tasks.amazonaws.com");
	expect_cfn(y, "                - \"spotfleet.amazonaws.com\"\n");
}

/*
 * CloudWatch Logs' key-policy principal is regional: logs.REGION.amazonaws.com
 * (CloudWatch Logs User Guide, encrypt-log-data-kms), with the China DNS
 * suffix in aws-cn (docs.amazonaws.cn; the AWS CDK's region-info renders
 * logs as regional and partitional). No row: no principal.
 */
static void test_principal_regional_logs(void **state)
{
	(void)state;
	char out[128];
	assert_true(gw_principal_regional("aws", "logs", "us-west-2", out,
			sizeof(out)));
	assert_string_equal(out, "logs.us-west-2.amazonaws.com");
	assert_true(gw_principal_regional("aws-cn", "logs", "cn-north-1", out,
			sizeof(out)));
	assert_string_equal(out, "logs.cn-north-1.amazonaws.com.cn");
	assert_true(gw_principal_regional("aws-us-gov", "logs",
			"us-gov-west-1", out, sizeof(out)));
	assert_string_equal(out, "logs.us-gov-west-1.amazonaws.com");
	assert_false(gw_principal_regional("aws-iso", "logs", "us-iso-east-1",
			out, sizeof(out)));
	assert_false(gw_principal_regional("aws", "ec2", "us-west-2", out,
			sizeof(out)));
	/* So "logs.${AWS::Region}.${AWS::URLSuffix}" is right in all three. */
	assert_true(gw_principal_regional_follows_url_suffix("logs"));
	assert_false(gw_principal_regional_follows_url_suffix("ec2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_principal_rows),
		cmocka_unit_test(test_principal_aws_cn),
		cmocka_unit_test(test_principal_aws_us_gov),
		cmocka_unit_test(test_principal_aws),
		cmocka_unit_test(test_principal_regional_logs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
