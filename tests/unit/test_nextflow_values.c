/* SPDX-License-Identifier: MIT */
/*
 * The Nextflow settings gwgen checks against value lists (rule NF6), held
 * to Nextflow's own reference. Every list below is typed from Nextflow's
 * sources (nextflow-io/nextflow at commit 2aad02f, 2026-08-21), never from
 * gwgen's:
 *
 *   docs/reference/config/aws.mdx          the configuration reference
 *   plugins/nf-amazon/.../AwsBatchConfig   aws.batch.retryMode
 *   plugins/nf-amazon/.../AwsOptions       VALID_RETRY_MODES
 *   plugins/nf-amazon/.../AwsS3Config      parseStorageClass,
 *                                          parseStorageEncryption
 *   plugins/nf-amazon/.../AwsHelper        parseS3Acl -> AWS SDK v2
 *                                          ObjectCannedACL
 *
 * A value Nextflow accepts must pass gwgen's check (or, for s3_acl, fail
 * only because of gwgen's bucket, which has ACLs disabled); a value it
 * refuses must be refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "profile.h"
#include "rows.h"
#include "util.h"
#include "verify.h"

static const char base_yaml[] =
        "name: nfvalues\n"
        "description: nextflow values\n"
        "region: us-west-2\n"
        "engine: nextflow\n"
        "bucket:\n"
        "  name: demo-nfvalues-bucket\n"
        "roles:\n"
        "  - name: instance\n"
        "    trust: [ec2]\n"
        "    instance_profile: true\n"
        "compute_environments:\n"
        "  - name: ondemand\n"
        "    max_vcpus: 256\n"
        "    instance_role: instance\n"
        "job_queues:\n"
        "  - name: work\n"
        "    compute_environments: [ondemand]\n"
        "nextflow:\n"
        "  queue: work\n";

/* The NF6 findings at 'sev' of the base profile plus "  KEY: VALUE\n". */
static size_t nf6_findings(const char *key, const char *value,
                           enum gw_severity sev)
{
	char *yaml = gw_xasprintf("%s  %s: '%s'\n", base_yaml, key, value);
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_model *m =
	        gw_profile_load_string(yaml, strlen(yaml), "t.yaml", &d);
	size_t n = 0;
	if (m) {
		gw_verify_model(m, &d);
		n = rows_count(&d, "NF6", sev, NULL);
	} else {
		/* The loader refused it (an enum key): one error. */
		n = sev == GW_SEV_ERROR ? d.n_errors : 0;
	}
	gw_model_destroy(m);
	gw_diags_finish(&d);
	free(yaml);
	return n;
}

static void expect(const char *key, const char *value, size_t errors,
                   size_t warnings)
{
	size_t e = nf6_findings(key, value, GW_SEV_ERROR);
	size_t w = nf6_findings(key, value, GW_SEV_WARNING);
	if (e != errors || w != warnings) {
		fail_msg("%s '%s': %zu error(s), %zu warning(s); want %zu "
		         "and %zu", key, value, e, w, errors, warnings);
	}
}

/* aws.mdx, aws.batch.retryMode: "Can be one of `standard`, `legacy`,
 * `adaptive`, or `built-in`". */
static void test_nextflow_values_retry_mode(void **state)
{
	(void)state;
	static const char *const accepted[] = {
	        "standard", "legacy", "adaptive", "built-in",
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(accepted); i++) {
		expect("retry_mode", accepted[i], 0, 0);
	}
	expect("retry_mode", "turbo", 1, 0);
	expect("retry_mode", "Standard", 1, 0);
}

/* aws.mdx, aws.client.uploadStorageClass: "Can be `STANDARD`,
 * `STANDARD_IA`, `ONEZONE_IA`, or `INTELLIGENT_TIERING`"; parseStorageClass
 * also takes REDUCED_REDUNDANCY, logging that it is deprecated. */
static void test_nextflow_values_storage_class(void **state)
{
	(void)state;
	static const char *const accepted[] = {
	        "STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(accepted); i++) {
		expect("storage_class", accepted[i], 0, 0);
	}
	expect("storage_class", "REDUCED_REDUNDANCY", 0, 1);
	/* Storage classes S3 has but Nextflow drops (upload as STANDARD). */
	expect("storage_class", "GLACIER", 1, 0);
	expect("storage_class", "DEEP_ARCHIVE", 1, 0);
	expect("storage_class", "standard", 1, 0);
}

/* aws.mdx, aws.client.storageEncryption: "Can be `AES256` or `aws:kms`". */
static void test_nextflow_values_storage_encryption(void **state)
{
	(void)state;
	expect("storage_encryption", "AES256", 0, 0);
	expect("storage_encryption", "aws:kms", 0, 0);
	expect("storage_encryption", "aws:kms:dsse", 1, 0);
}

/*
 * aws.client.s3Acl. ObjectCannedACL (AWS SDK v2, generated from S3's
 * PutObject x-amz-acl): PRIVATE, PUBLIC_READ, PUBLIC_READ_WRITE,
 * AUTHENTICATED_READ, AWS_EXEC_READ, BUCKET_OWNER_READ,
 * BUCKET_OWNER_FULL_CONTROL. parseS3Acl takes a value with '-' as
 * lower-hyphen ('public-read', AwsHelperTest) and any other as UpperCamel
 * ('PublicRead'). aws.mdx also lists LogDeliveryWrite, which the enum
 * lacks: valueOf throws, so Nextflow refuses it.
 */
static void test_nextflow_values_s3_acl(void **state)
{
	(void)state;
	static const char *const accepted[][2] = {
	        {"Private", "private"},
	        {"PublicRead", "public-read"},
	        {"PublicReadWrite", "public-read-write"},
	        {"AuthenticatedRead", "authenticated-read"},
	        {"AwsExecRead", "aws-exec-read"},
	        {"BucketOwnerRead", "bucket-owner-read"},
	};
	/* Nextflow accepts them; gwgen's bucket (BucketOwnerEnforced)
	 * refuses an upload with any of them: one error each, the bucket's,
	 * not "not a canned acl nextflow accepts". */
	for (size_t i = 0; i < GW_ARRAY_LEN(accepted); i++) {
		for (size_t j = 0; j < 2; j++) {
			expect("s3_acl", accepted[i][j], 1, 0);
			char *yaml = gw_xasprintf("%s  s3_acl: '%s'\n",
			                          base_yaml, accepted[i][j]);
			struct gw_diags d;
			gw_diags_init(&d);
			struct gw_model *m = gw_profile_load_string(
			        yaml, strlen(yaml), "t.yaml", &d);
			assert_non_null(m);
			gw_verify_model(m, &d);
			for (size_t k = 0; k < d.n; k++) {
				assert_null(strstr(d.v[k].msg,
				                   "not a canned acl"));
			}
			gw_model_destroy(m);
			gw_diags_finish(&d);
			free(yaml);
		}
	}
	/* The one ACL such a bucket takes. */
	expect("s3_acl", "BucketOwnerFullControl", 0, 0);
	expect("s3_acl", "bucket-owner-full-control", 0, 0);
	/* Refused by Nextflow since its AWS SDK v2 (25.06). */
	expect("s3_acl", "LogDeliveryWrite", 1, 0);
	expect("s3_acl", "log-delivery-write", 1, 0);
	expect("s3_acl", "public_read", 1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_nextflow_values_retry_mode),
	        cmocka_unit_test(test_nextflow_values_storage_class),
	        cmocka_unit_test(test_nextflow_values_storage_encryption),
	        cmocka_unit_test(test_nextflow_values_s3_acl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
