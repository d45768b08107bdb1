/* SPDX-License-Identifier: MIT */
/* Unit tests for ARN grammar, partitions and service principals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arn.h"
#include "model.h"

/* Check 'arn' and return the rule of the first finding ("" for none). */
static const char *first_rule(const char *arn, const char *partition,
                              unsigned flags, bool *ok)
{
	static char rule[16];
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_loc at = {"t", 1, 1};
	*ok = gw_arn_verify(arn, partition, flags, at, &d);
	snprintf(rule, sizeof(rule), "%s",
	         d.n && d.v[0].rule ? d.v[0].rule : "");
	gw_diags_finish(&d);
	return rule;
}

static void expect_ok(const char *arn, const char *partition, unsigned flags)
{
	bool ok;
	const char *rule = first_rule(arn, partition, flags, &ok);
	if (!ok || rule[0]) {
		fail_msg("'%s' reported %s", arn, rule);
	}
}

static void expect_rule(const char *arn, const char *partition, unsigned flags,
                        const char *want)
{
	bool ok;
	const char *rule = first_rule(arn, partition, flags, &ok);
	if (strcmp(rule, want) != 0) {
		fail_msg("'%s': wanted %s, got '%s'", arn, want, rule);
	}
}

/*
 * ARN regions are judged by model.c's partition table, the one the loader
 * uses (there is no second table in arn.c). Expected partitions are those
 * of the AWS SDK's partitions.json.
 */
static void test_arn_partitions(void **state)
{
	(void)state;
	static const struct {
		const char *region, *partition, *dns;
	} cases[] = {
		{"us-east-1", "aws", "amazonaws.com"},
		{"eu-central-2", "aws", "amazonaws.com"},
		{"ap-southeast-5", "aws", "amazonaws.com"},
		{"il-central-1", "aws", "amazonaws.com"},
		{"mx-central-1", "aws", "amazonaws.com"},
		{"cn-northwest-1", "aws-cn", "amazonaws.com.cn"},
		{"us-gov-east-1", "aws-us-gov", "amazonaws.com"},
		{"us-iso-east-1", "aws-iso", "c2s.ic.gov"},
		{"us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov"},
		{"eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk"},
		{"us-isof-south-1", "aws-iso-f", "csp.hci.ic.gov"},
		{"eusc-de-east-1", "aws-eusc", "amazonaws.eu"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char arn[128];
		snprintf(arn, sizeof(arn),
		         "arn:%s:logs:%s:123456789012:log-group:x",
		         cases[i].partition, cases[i].region);
		expect_ok(arn, cases[i].partition, 0);
		assert_true(gw_arn_partition_known(cases[i].partition));
		assert_string_equal(gw_partition_dns_suffix(cases[i].partition),
		                    cases[i].dns);
		/* The same region under the wrong partition is A1. */
		snprintf(arn, sizeof(arn),
		         "arn:%s:logs:%s:123456789012:log-group:x",
		         strcmp(cases[i].partition, "aws") ? "aws" : "aws-cn",
		         cases[i].region);
		expect_rule(arn, NULL, 0, "A1");
	}
	expect_rule("arn:aws:logs:mars-north-1:123456789012:log-group:x",
	            NULL, 0, "A1");
	expect_rule("arn:aws:logs:us-west:123456789012:log-group:x", NULL, 0,
	            "A1");
	assert_false(gw_arn_partition_known("azure"));
	assert_null(gw_partition_dns_suffix("azure"));
}

static void test_arn_parse(void **state)
{
	(void)state;
	struct gw_arn a;
	assert_true(gw_arn_parse("arn:aws:logs:us-west-2:123456789012:"
	                         "log-group:/aws/batch/job:*",
	                         &a));
	assert_string_equal(a.partition, "aws");
	assert_string_equal(a.service, "logs");
	assert_string_equal(a.region, "us-west-2");
	assert_string_equal(a.account, "123456789012");
	assert_string_equal(a.resource, "log-group:/aws/batch/job:*");
	gw_arn_finish(&a);
	assert_false(gw_arn_parse("arn:aws:s3", &a));
	assert_null(a.buf);
	assert_false(gw_arn_parse("aws:s3:::b", &a));
	gw_arn_finish(&a);
}

static void test_arn_grammar(void **state)
{
	(void)state;
	/* A3: IAM, region empty, account 12 digits or 'aws' for policies */
	expect_ok("arn:aws:iam::123456789012:role/NextstrainJobsRole", "aws",
	          0);
	expect_ok("arn:aws:iam::aws:policy/service-role/"
	          "AmazonEC2ContainerServiceforEC2Role",
	          "aws", 0);
	expect_ok("arn:aws:iam::*:role/NextstrainJobsRole", "aws",
	          GW_ARN_POLICY);
	expect_rule("arn:aws:iam:us-west-2:123456789012:role/x", "aws", 0,
	            "A3");
	expect_rule("arn:aws:iam::aws:role/x", "aws", 0, "A3");
	expect_rule("arn:aws:iam::123456789012:bucket/x", "aws", 0, "A3");
	/* A4: S3, region and account empty */
	expect_ok("arn:aws:s3:::my-bucket", "aws", 0);
	expect_ok("arn:aws:s3:::my-bucket/*", "aws", GW_ARN_POLICY);
	expect_rule("arn:aws:s3:us-west-2::my-bucket", "aws", 0, "A4");
	expect_rule("arn:aws:s3:::My_Bucket", "aws", 0, "A4");
	/* A5: Secrets Manager */
	expect_ok("arn:aws:secretsmanager:us-west-2:123456789012:secret:NF_*",
	          "aws", GW_ARN_POLICY);
	expect_ok("arn:aws:secretsmanager:us-west-2:123456789012:"
	          "secret:db-??????",
	          "aws", GW_ARN_POLICY);
	expect_rule("arn:aws:secretsmanager:us-west-2:123456789012:secret:db",
	            "aws", GW_ARN_POLICY, "A5");
	expect_rule("arn:aws:secretsmanager::123456789012:secret:db-abcdef",
	            "aws", 0, "A5");
	expect_rule("arn:aws:secretsmanager:us-west-2:123456789012:db", "aws",
	            0, "A5");
	/* names: ascii letters, digits and /_+=.@- (CreateSecret Name);
	 * in policies also * and ? and ${...} policy variables */
	expect_ok("arn:aws:secretsmanager:us-west-2:123456789012:"
	          "secret:lab/db+x=1.a@b_c-AbCdEf",
	          "aws", 0);
	expect_ok("arn:aws:secretsmanager:us-west-2:123456789012:"
	          "secret:NF_${aws:username}_*",
	          "aws", GW_ARN_POLICY);
	static const char *const bad_secrets[] = {
	        "secret:my secret-??????", "secret:db#1-??????",
	        "secret:NF_$(id)_*",      "secret:db;rm-??????",
	        "secret:caf\xc3\xa9-??????", "secret:a\nb-??????",
	        "secret:NF_${aws:username",
	};
	for (size_t i = 0; i < sizeof(bad_secrets) / sizeof(*bad_secrets);
	     i++) {
		char arn[128];
		snprintf(arn, sizeof(arn),
		         "arn:aws:secretsmanager:us-west-2:123456789012:%s",
		         bad_secrets[i]);
		expect_rule(arn, "aws", GW_ARN_POLICY, "A5");
	}
	/* a wildcard is a policy's, not a secret's */
	expect_rule("arn:aws:secretsmanager:us-west-2:123456789012:"
	            "secret:NF_*",
	            "aws", 0, "A5");
	struct gw_diags d;
	gw_diags_init(&d);
	gw_arn_verify("arn:aws:secretsmanager:us-west-2:123456789012:"
	              "secret:a\nb-??????",
	              "aws", GW_ARN_POLICY, (struct gw_loc){"t", 1, 1}, &d);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].msg,
	                    "arn 'arn:aws:secretsmanager:us-west-2:"
	                    "123456789012:secret:a\\nb-?????\?' names a secret "
	                    "with character 0x0A at byte 2, which secret names "
	                    "do not allow");
	gw_diags_finish(&d);
	/* A6: logs with :* and :log-stream: */
	expect_ok(
	        "arn:aws:logs:us-west-2:123456789012:log-group:/aws/batch/job",
	        "aws", 0);
	expect_ok("arn:aws:logs:*:*:log-group:/aws/batch/job:log-stream:*",
	          "aws", GW_ARN_POLICY);
	expect_rule("arn:aws:logs:us-west-2:123456789012:log-group:/a b", "aws",
	            0, "A6");
	expect_rule("arn:aws:logs:us-west-2:123456789012:group:/x", "aws", 0,
	            "A6");
	/* A7: batch */
	expect_ok("arn:aws:batch:ap-northeast-1:123456789012:"
	          "compute-environment/spot",
	          "aws", 0);
	expect_ok("arn:aws:batch:us-west-2:123456789012:job-definition/nf:3",
	          "aws", 0);
	/* a revision is a positive integer (or a wildcard in a policy) */
	expect_rule("arn:aws:batch:us-west-2:123456789012:job-definition/jd:x",
	            "aws", 0, "A7");
	expect_rule("arn:aws:batch:us-west-2:123456789012:job-definition/jd:0",
	            "aws", 0, "A7");
	expect_rule("arn:aws:batch:us-west-2:123456789012:job-definition/jd:",
	            "aws", 0, "A7");
	expect_rule("arn:aws:batch:us-west-2:123456789012:job-definition/jd:-1",
	            "aws", 0, "A7");
	expect_ok("arn:aws:batch:us-west-2:123456789012:job-definition/jd:12",
	          "aws", 0);
	expect_ok("arn:aws:batch:us-west-2:123456789012:job-definition/jd:*",
	          "aws", GW_ARN_POLICY);
	expect_rule("arn:aws:batch:us-west-2:123456789012:queue/x", "aws", 0,
	            "A7");
	/* A8: kms */
	expect_ok("arn:aws:kms:us-west-2:123456789012:key/1234abcd", "aws", 0);
	expect_ok("arn:aws:kms:us-west-2:123456789012:alias/lab", "aws", 0);
	expect_rule("arn:aws:kms:us-west-2:123456789012:secret/x", "aws", 0,
	            "A8");
	/* A9: general grammar and account digits */
	expect_rule("arn:aws:s3", "aws", 0, "A9");
	expect_rule("arn:aws:ec2:us-west-2:1234:volume/*", "aws", 0, "A9");
	expect_rule("arn:aws:EC2:us-west-2:123456789012:volume/*", "aws", 0,
	            "A9");
}

static void test_arn_partition_rules(void **state)
{
	(void)state;
	/* A1: the ARN's partition is the profile's, its region in it */
	expect_ok("arn:aws-cn:s3:::lab-bucket", "aws-cn", 0);
	expect_rule("arn:aws:s3:::lab-bucket", "aws-cn", 0, "A1");
	expect_rule("arn:azure:s3:::lab-bucket", NULL, 0, "A1");
	expect_rule("arn:aws:logs:cn-north-1:123456789012:log-group:x", "aws",
	            0, "A1");
	/* Templates: substitutions are not judged */
	expect_ok("arn:${AWS::Partition}:s3:::${Bucket}/*", NULL,
	          GW_ARN_TEMPLATE | GW_ARN_POLICY);
	expect_ok("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:"
	          "log-group:/aws/batch/job:*",
	          NULL, GW_ARN_TEMPLATE);
	expect_rule("arn:${AWS::Partition}:s3:${AWS::Region}::${Bucket}", NULL,
	            GW_ARN_TEMPLATE, "A4");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_arn_partitions),
	        cmocka_unit_test(test_arn_parse),
	        cmocka_unit_test(test_arn_grammar),
	        cmocka_unit_test(test_arn_partition_rules),
		};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
