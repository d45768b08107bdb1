/* SPDX-License-Identifier: MIT */
/* Unit tests for the name validators and EC2 device names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "names.h"
#include "aws_limits.h"

/* S3 "General purpose bucket naming rules". */
static void test_names_bucket(void **state)
{
	(void)state;
	static const char *const good[] = {
	        "abc",
	        "my-lab-bucket",
	        "lab.data.2026",
	        "a1b2c3",
	        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	        "a",
	};
	static const char *const bad[] = {
	        "ab",
	        "My-Bucket",
	        "under_score",
	        "-start",
	        "end-",
	        "a..b",
	        "a.-b",
	        "192.168.5.4",
	        "xn--bucket",
	        "sthree-bucket",
	        "amzn-s3-demo-bucket",
	        "bucket-s3alias",
	        "bucket--ol-s3",
	        "bucket.mrap",
	        "bucket--x-s3",
	        "bucket--table-s3",
	        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	        "aa",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (gw_names_bucket_error(good[i])) {
			fail_msg("'%s' refused", good[i]);
		}
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!gw_names_bucket_error(bad[i])) {
			fail_msg("'%s' accepted", bad[i]);
		}
	}
}

static void test_names_iam_batch_logs(void **state)
{
	(void)state;
	assert_null(gw_names_iam_error("ecsInstanceRole", GW_LIM_ROLE_NAME_MAX));
	assert_null(gw_names_iam_error("a+b=c,d.e@f_g-h", GW_LIM_ROLE_NAME_MAX));
	assert_non_null(gw_names_iam_error("", GW_LIM_ROLE_NAME_MAX));
	assert_non_null(gw_names_iam_error("has space", GW_LIM_ROLE_NAME_MAX));
	char long_name[GW_LIM_ROLE_NAME_MAX + 2];
	memset(long_name, 'r', sizeof(long_name) - 1);
	long_name[GW_LIM_ROLE_NAME_MAX + 1] = '\0';
	assert_non_null(gw_names_iam_error(long_name, GW_LIM_ROLE_NAME_MAX));
	assert_null(gw_names_iam_error(long_name, GW_LIM_IAM_NAME_MAX));
	long_name[GW_LIM_ROLE_NAME_MAX] = '\0';
	assert_null(gw_names_iam_error(long_name, GW_LIM_ROLE_NAME_MAX));

	assert_null(gw_names_batch_error("spot-ce_1"));
	assert_non_null(gw_names_batch_error("spot.ce"));
	assert_non_null(gw_names_batch_error(""));

	assert_null(gw_names_log_group_error("/aws/batch/job"));
	assert_null(gw_names_log_group_error("/aws/ecs/#x.y_z"));
	assert_non_null(gw_names_log_group_error("/aws/batch job"));

	assert_null(
	        gw_names_launch_template_error("genomics-workflow(v1)/x_y"));
	assert_non_null(gw_names_launch_template_error("lt"));
	assert_non_null(gw_names_launch_template_error("has space"));

	assert_null(gw_names_image_error("public.ecr.aws/x/y:1.0"));
	assert_null(gw_names_image_error("nextstrain/base@sha256:abc"));
	assert_non_null(gw_names_image_error("ubuntu latest"));

	assert_true(gw_names_equal_nocase("Role", "rOLE"));
	assert_false(gw_names_equal_nocase("Role", "Roles"));

	assert_true(gw_names_is_release("2.36.11"));
	assert_true(gw_names_is_release("2"));
	assert_false(gw_names_is_release("latest"));
	assert_false(gw_names_is_release("2..36"));
	assert_false(gw_names_is_release("2.36."));
	assert_false(gw_names_is_release(".2"));
	assert_false(gw_names_is_release(""));

	assert_true(gw_names_is_clean_path("/var/lib/docker", true));
	assert_true(gw_names_is_clean_path("provision/v1", false));
	assert_false(gw_names_is_clean_path("var/lib/docker", true));
	assert_false(gw_names_is_clean_path("/", true));
	assert_false(gw_names_is_clean_path("/var/lib/../docker", true));
	assert_false(gw_names_is_clean_path("/var/./lib", true));
	assert_false(gw_names_is_clean_path("/var//lib", true));
	assert_false(gw_names_is_clean_path("/opt/aws cli", true));
	assert_true(gw_names_is_clean_path("/opt/.hidden/..x", true));
}

static void test_names_retention(void **state)
{
	(void)state;
	static const long long ok[] = {
	        1,   3,   5,   7,   14,   30,   60,   90,   120,  150,  180,
	        365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_true(gw_names_is_retention_days(ok[i]));
	}
	assert_false(gw_names_is_retention_days(0));
	assert_false(gw_names_is_retention_days(31));
	assert_false(gw_names_is_retention_days(3650));
}

/* EC2 "Device names on Linux instances" (HVM). */
static void test_names_devices(void **state)
{
	(void)state;
	assert_int_equal(gw_device_classify("/dev/xvda"), GW_DEVICE_ROOT);
	assert_int_equal(gw_device_classify("/dev/sda1"), GW_DEVICE_ROOT);
	assert_int_equal(gw_device_classify("/dev/sdf"), GW_DEVICE_EBS);
	assert_int_equal(gw_device_classify("/dev/sdp"), GW_DEVICE_EBS);
	assert_int_equal(gw_device_classify("/dev/xvdf"), GW_DEVICE_EBS);
	assert_int_equal(gw_device_classify("/dev/xvdz"), GW_DEVICE_EBS);
	assert_int_equal(gw_device_classify("/dev/xvdba"), GW_DEVICE_EBS);
	assert_int_equal(gw_device_classify("/dev/xvddz"), GW_DEVICE_EBS);
	assert_int_equal(gw_device_classify("/dev/xvdcz"), GW_DEVICE_EBS);
	assert_int_equal(gw_device_classify("/dev/xvdb"), GW_DEVICE_BAD);
	assert_int_equal(gw_device_classify("/dev/xvdea"), GW_DEVICE_BAD);
	assert_int_equal(gw_device_classify("/dev/sdf1"), GW_DEVICE_BAD);
	assert_int_equal(gw_device_classify("/dev/hda"), GW_DEVICE_BAD);
	assert_int_equal(gw_device_classify("xvdf"), GW_DEVICE_BAD);
	assert_int_equal(gw_device_classify("/dev/nvme1n1"), GW_DEVICE_NVME);
	/* two letters after /dev/sd are no HVM name (D1) */
	assert_int_equal(gw_device_classify("/dev/sdba"), GW_DEVICE_BAD);
	assert_int_equal(gw_device_classify("/dev/sdaa"), GW_DEVICE_BAD);
	assert_int_equal(gw_device_classify("/dev/xvdaa"), GW_DEVICE_EBS);

	char a[GW_DEVICE_NAME_MAX], b[GW_DEVICE_NAME_MAX];
	assert_true(gw_device_slot("/dev/sdf", a));
	assert_true(gw_device_slot("/dev/xvdf", b));
	assert_string_equal(a, b);
	assert_true(gw_device_slot("/dev/sda1", a));
	assert_string_equal(a, "xvda");
	assert_false(gw_device_slot("/dev/nvme0n1", a));

	assert_true(gw_device_is_instance_store("/dev/sdb"));
	assert_true(gw_device_is_instance_store("/dev/sde"));
	assert_true(gw_device_is_instance_store("/dev/xvde"));
	assert_false(gw_device_is_instance_store("/dev/sdf"));
	assert_false(gw_device_is_instance_store("/dev/xvdba"));

	assert_true(gw_device_is_al1_docker("/dev/xvdcz"));
	assert_false(gw_device_is_al1_docker("/dev/xvdc"));

	assert_true(gw_device_is_tool_range("/dev/xvdba"));
	assert_true(gw_device_is_tool_range("/dev/xvdbz"));
	assert_false(gw_device_is_tool_range("/dev/xvdca"));
	assert_false(gw_device_is_tool_range("/dev/xvdb"));
}

/*
 * AWS tagging rules: [\p{L}\p{Z}\p{N}_.:/=+\-@], keys 1..128 and values
 * 0..256 Unicode characters, no 'aws:' key prefix in any case.
 */
static void test_names_tags(void **state)
{
	(void)state;
	struct gw_names_tag_problem p;
	static const char *const good[] = {
	        "Name", "cost-center", "a_b.c:d/e=f+g-h@i", "with space",
	        "Z\u00fcrich", "\u6771\u4eac", "\u0661\u0662",  /* Arabic digits: Nd */
	        "\u00bd",                                  /* one half: No */
	        "a\u00a0b", "a\u2028b", /* no-break space Zs, line separator Zl */
	        "\U0001D400",                              /* math bold A: Lu */
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!gw_names_tag_check(good[i], true, &p)) {
			fail_msg("key '%s': %s", good[i], p.why);
		}
		assert_true(gw_names_tag_check(good[i], false, &p));
	}
	static const struct {
		const char *text;
		unsigned long bad;
		size_t at;
	} bad[] = {
	        {"a\nb", 0x0A, 2}, {"a\tb", 0x09, 2}, {"$x", '$', 1},
	        {"a|b", '|', 2},   {"100\u20ac", 0x20AC, 4}, /* euro: Sc */
	        {"\u00e9!", '!', 2}, {"a\u2014b", 0x2014, 2}, /* em dash: Pd */
	        {"x\u00a9", 0xA9, 2},                       /* copyright: So */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(gw_names_tag_check(bad[i].text, false, &p));
		assert_int_equal(p.bad, bad[i].bad);
		assert_int_equal(p.at, bad[i].at);
	}
	/* Not UTF-8: a lone continuation byte, an overlong '/', a surrogate. */
	assert_false(gw_names_tag_check("a\x80", false, &p));
	assert_string_equal(p.why, "is not valid utf-8");
	assert_false(gw_names_tag_check("\xc0\xaf", false, &p));
	assert_false(gw_names_tag_check("\xed\xa0\x80", false, &p));
	assert_false(gw_names_tag_check("\xe6\x9d", false, &p));
	/* Lengths count characters: 128 two-byte letters are a valid key. */
	char key[2 * GW_LIM_TAG_KEY_MAX + 3];
	for (size_t i = 0; i < GW_LIM_TAG_KEY_MAX; i++) {
		memcpy(key + 2 * i, "\u00e9", 2);
	}
	key[2 * GW_LIM_TAG_KEY_MAX] = '\0';
	assert_true(gw_names_tag_check(key, true, &p));
	assert_int_equal(p.chars, GW_LIM_TAG_KEY_MAX);
	memcpy(key + 2 * GW_LIM_TAG_KEY_MAX, "\u00e9", 3);
	assert_false(gw_names_tag_check(key, true, &p));
	assert_int_equal(p.chars, GW_LIM_TAG_KEY_MAX + 1);
	assert_true(gw_names_tag_check(key, false, &p));
	/* Empty keys and the reserved prefix; values may be empty. */
	assert_false(gw_names_tag_check("", true, &p));
	assert_string_equal(p.why, "is empty");
	assert_true(gw_names_tag_check("", false, &p));
	assert_false(gw_names_tag_check("aws:x", true, &p));
	assert_false(gw_names_tag_check("Aws:x", true, &p));
	assert_true(gw_names_tag_check("aws:x", false, &p));
	assert_true(gw_names_tag_check("awsx", true, &p));
}

/* Obvious credentials (S10): what matches, where, and what must not. */
static void test_names_credentials(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *what; /* NULL: no credential */
		size_t at;
	} cases[] = {
	        /* the AWS documentation's example keys */
	        {"AKIAIOSFODNN7EXAMPLE", "an aws access key id", 1},
	        {"key=ASIAIOSFODNN7EXAMPLE;", "an aws access key id", 5},
	        {"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	         "an aws secret access key", 1},
	        {"export S=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	         "an aws secret access key", 10},
	        {"-----BEGIN RSA PRIVATE KEY-----\nMIIE...", "a private key", 1},
	        {"x -----BEGIN OPENSSH PRIVATE KEY-----", "a private key", 3},
	        /* not credentials */
	        {"-----BEGIN PUBLIC KEY-----", NULL, 0},
	        {"-----BEGIN CERTIFICATE-----", NULL, 0},
	        {"AKIAIOSFODNN7EXAMPLE1", NULL, 0}, /* 21 long */
	        {"XKIAIOSFODNN7EXAMPLE", NULL, 0},
	        {"akiaiosfodnn7example", NULL, 0},
	        /* exactly 40 long, but words, not random */
	        {"service-role/AmazonEC2ContainerServiceforEC2Role", NULL, 0},
	        {"AmazonEC2ContainerServiceAutoscaleRole12", NULL, 0},
	        /* a git commit and a sha-256: hex, one case */
	        {"d03e11c0b1a2c3d4e5f60718293a4b5c6d7e8f90", NULL, 0},
	        {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	         NULL, 0},
	        /* part of a longer base64 text */
	        {"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYwJalrXUtnFEMI", NULL,
	         0},
	        {"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY==", NULL, 0},
	        {"", NULL, 0},
	        {"public.ecr.aws/docker/library/ubuntu:24.04", NULL, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *what = NULL;
		size_t at = 0;
		bool found = gw_names_find_credential(cases[i].text, &what, &at);
		if (found != (cases[i].what != NULL) ||
		    (found && (strcmp(what, cases[i].what) != 0 ||
		               at != cases[i].at))) {
			fail_msg("'%s': got %s at %zu", cases[i].text,
			         found ? what : "nothing", at);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_names_bucket),
	        cmocka_unit_test(test_names_iam_batch_logs),
	        cmocka_unit_test(test_names_retention),
	        cmocka_unit_test(test_names_devices),
	        cmocka_unit_test(test_names_tags),
	        cmocka_unit_test(test_names_credentials),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
