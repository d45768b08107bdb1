/* SPDX-License-Identifier: MIT */
/* Unit tests for the offline IAM action data (data/iam-actions.tsv). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "iam.h"

/*
 * Expected values are the AWS Service Authorization Reference's: the
 * "Resource types" column of each action and the ARN of each type.
 */
static void test_iam_find(void **state)
{
	(void)state;
	const struct gw_iam_action *a = gw_iam_find("batch:CancelJob");
	assert_non_null(a);
	assert_int_equal(a->n, 1);
	bool req;
	const struct gw_iam_type *t = gw_iam_action_type(a, 0, &req);
	assert_string_equal(gw_iam_str(t->name), "batch:job");
	assert_true(req);
	assert_string_equal(gw_iam_str(t->arn),
	                    "arn:${Partition}:batch:${Region}:${Account}:"
	                    "job/${JobId}");
	/* IAM action names are case-insensitive. */
	assert_ptr_equal(gw_iam_find("BATCH:canceljob"), a);
	assert_null(gw_iam_find("batch:CancelJobs"));
	assert_null(gw_iam_find("batch"));
	/* Actions with no resource types accept only Resource "*". */
	static const char *const star_only[] = {
	        "s3:ListAllMyBuckets", "sts:GetCallerIdentity",
	        "ecr:GetAuthorizationToken", "secretsmanager:GetRandomPassword",
	};
	for (size_t i = 0; i < sizeof(star_only) / sizeof(star_only[0]); i++) {
		a = gw_iam_find(star_only[i]);
		assert_non_null(a);
		assert_int_equal(a->n, 0);
	}
	/* ec2:AttachVolume needs both an instance and a volume. */
	a = gw_iam_find("ec2:AttachVolume");
	assert_non_null(a);
	assert_int_equal(a->n, 2);
	assert_string_equal(gw_iam_str(gw_iam_action_type(a, 0, &req)->name),
	                    "ec2:instance");
	assert_true(req);
	assert_string_equal(gw_iam_str(gw_iam_action_type(a, 1, &req)->name),
	                    "ec2:volume");
	assert_true(req);
	assert_true(gw_iam_service_known("batch"));
	assert_true(gw_iam_service_known("secretsmanager:Get"));
	assert_false(gw_iam_service_known("bach"));
	assert_false(gw_iam_service_known("batc"));
}

static bool count_scoped(const struct gw_iam_action *a, void *arg)
{
	size_t *n = arg;
	*n += a->n > 0;
	return true;
}

static void test_iam_wildcards(void **state)
{
	(void)state;
	assert_true(gw_iam_glob("s3:Get*", "s3:GetObject"));
	assert_true(gw_iam_glob("S3:GET?BJECT", "s3:GetObject"));
	assert_true(gw_iam_glob("s3:Get?bject", "s3:GetObject"));
	assert_false(gw_iam_glob("s3:Get*", "s3:PutObject"));
	/* Many stars must not take exponential time. */
	assert_false(gw_iam_glob("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
	                         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	size_t scoped = 0;
	assert_true(gw_iam_each("s3:Get*", count_scoped, &scoped) > 10);
	assert_true(scoped > 0);
	assert_int_equal(gw_iam_each("s3:Gett*", NULL, NULL), 0);
	assert_int_equal(gw_iam_each("batch:CancelJob", NULL, NULL), 1);
	assert_int_equal(gw_iam_each("batch:canceljob", NULL, NULL), 1);
	assert_int_equal(gw_iam_each("nosuchservice:*", NULL, NULL), 0);
	assert_int_equal(gw_iam_each("no-colon", NULL, NULL), 0);
	/* Longer than any action name: nothing, and quickly. */
	char big[300];
	memset(big, '*', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[1] = ':';
	assert_int_equal(gw_iam_each(big, NULL, NULL), 0);
	/* A service wildcard matches every action of the service. */
	assert_true(gw_iam_each("batch:*", NULL, NULL) >= 30);
}

static void test_iam_suggest(void **state)
{
	(void)state;
	assert_string_equal(gw_iam_suggest("batch:CancelJobs"),
	                    "batch:CancelJob");
	assert_string_equal(gw_iam_suggest("s3:GetObjekt"), "s3:GetObject");
	assert_string_equal(gw_iam_suggest("bach:CancelJob"),
	                    "batch:CancelJob");
	assert_string_equal(gw_iam_suggest("ec2:DescribeInstance"),
	                    "ec2:DescribeInstances");
	assert_null(gw_iam_suggest("batch:Xyzzyplugh"));
	assert_null(gw_iam_suggest("zzzzzzzz:Foo"));
	assert_null(gw_iam_suggest("s3:Get*"));
}

static void test_iam_scope_hint(void **state)
{
	(void)state;
	char out[512];
	struct gw_iam_arn_values v = {"aws", "us-west-2", "ACCOUNT"};
	const struct gw_iam_type *t = gw_iam_scope_hint(
	        gw_iam_find("batch:CancelJob"), &v, false, out, sizeof(out));
	assert_non_null(t);
	assert_string_equal(out,
	                    "job ARNs: arn:aws:batch:us-west-2:ACCOUNT:job/*");
	gw_iam_scope_hint(gw_iam_find("ec2:AttachVolume"), &v, true, out,
	                  sizeof(out));
	assert_string_equal(out,
	                    "instance and volume ARNs: "
	                    "arn:aws:ec2:us-west-2:ACCOUNT:instance/*, "
	                    "arn:aws:ec2:us-west-2:ACCOUNT:volume/* or add a "
	                    "condition such as ec2:ResourceTag/${TagKey}");
	/* A variable before the last keeps its name as a placeholder. */
	gw_iam_scope_hint(gw_iam_find("s3:PutObject"), &v, false, out,
	                  sizeof(out));
	assert_non_null(strstr(out, "arn:aws:s3:::BucketName/*"));
	/* No resource types: no hint. */
	assert_null(gw_iam_scope_hint(gw_iam_find("sts:GetCallerIdentity"), &v,
	                              false, out, sizeof(out)));
	assert_string_equal(out, "");
	/* A small buffer is cut, never overrun. */
	char small[8];
	gw_iam_scope_hint(gw_iam_find("batch:CancelJob"), &v, false, small,
	                  sizeof(small));
	assert_string_equal(small, "job ARN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_iam_find),
	        cmocka_unit_test(test_iam_wildcards),
	        cmocka_unit_test(test_iam_suggest),
	        cmocka_unit_test(test_iam_scope_hint),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
