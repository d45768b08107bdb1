/* SPDX-License-Identifier: MIT */
/* Unit tests for model.c: lookups, partitions and logical IDs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "util.h"

static void test_model_destroy_null(void **state)
{
	(void)state;
	gw_model_destroy(NULL);
	struct gw_model *m = gw_model_create();
	assert_non_null(m);
	assert_int_equal(m->n_queues, 0);
	gw_model_destroy(m);
}

static void set_name(struct gw_str *s, const char *name)
{
	s->s = gw_xstrdup(name);
	s->set = true;
}

static void test_model_lookups(void **state)
{
	(void)state;
	struct gw_model *m = gw_model_create();
	m->n_queues = 2;
	m->queues = gw_xcalloc(2, sizeof(*m->queues));
	set_name(&m->queues[0].name, "head");
	set_name(&m->queues[1].name, "spot");
	m->n_compute_envs = 1;
	m->compute_envs = gw_xcalloc(1, sizeof(*m->compute_envs));
	set_name(&m->compute_envs[0].name, "spot-ce");
	m->n_roles = 1;
	m->roles = gw_xcalloc(1, sizeof(*m->roles));
	set_name(&m->roles[0].name, "BatchInstanceRole");
	m->n_policies = 1;
	m->policies = gw_xcalloc(1, sizeof(*m->policies));
	set_name(&m->policies[0].name, "bucket-access");
	m->n_groups = 1;
	m->groups = gw_xcalloc(1, sizeof(*m->groups));
	set_name(&m->groups[0].name, "lab");
	m->n_launch_templates = 1;
	m->launch_templates = gw_xcalloc(1, sizeof(*m->launch_templates));
	set_name(&m->launch_templates[0].name, "lt");
	m->n_job_defs = 1;
	m->job_defs = gw_xcalloc(1, sizeof(*m->job_defs));
	set_name(&m->job_defs[0].name, "nextstrain-job");
	m->n_log_groups = 1;
	m->log_groups = gw_xcalloc(1, sizeof(*m->log_groups));
	set_name(&m->log_groups[0].name, "/aws/batch/job");

	assert_ptr_equal(gw_model_queue(m, "spot"), &m->queues[1]);
	assert_ptr_equal(gw_model_queue(m, "head"), &m->queues[0]);
	assert_null(gw_model_queue(m, "Spot"));
	assert_null(gw_model_queue(m, NULL));
	assert_ptr_equal(gw_model_compute_env(m, "spot-ce"),
			&m->compute_envs[0]);
	assert_null(gw_model_compute_env(m, "spot"));
	assert_ptr_equal(gw_model_role(m, "BatchInstanceRole"), &m->roles[0]);
	assert_ptr_equal(gw_model_policy(m, "bucket-access"), &m->policies[0]);
	assert_ptr_equal(gw_model_group(m, "lab"), &m->groups[0]);
	assert_ptr_equal(gw_model_launch_template(m, "lt"),
			&m->launch_templates[0]);
	assert_ptr_equal(gw_model_job_def(m, "nextstrain-job"),
			&m->job_defs[0]);
	assert_ptr_equal(gw_model_log_group(m, "/aws/batch/job"),
			&m->log_groups[0]);
	assert_null(gw_model_log_group(m, "/aws/batch"));
	gw_model_destroy(m);
}

static void test_model_lookup_skips_unnamed(void **state)
{
	(void)state;
	struct gw_model *m = gw_model_create();
	m->n_roles = 2;
	m->roles = gw_xcalloc(2, sizeof(*m->roles));
	set_name(&m->roles[1].name, "r");
	assert_ptr_equal(gw_model_role(m, "r"), &m->roles[1]);
	gw_model_destroy(m);
}

static void expect_partition(const char *region, const char *partition,
		const char *dns)
{
	const char *p = NULL, *s = NULL;
	assert_true(gw_partition_for_region(region, &p, &s));
	assert_string_equal(p, partition);
	assert_string_equal(s, dns);
}

static void test_model_partition_for_region(void **state)
{
	(void)state;
	expect_partition("us-west-2", "aws", "amazonaws.com");
	expect_partition("eu-central-1", "aws", "amazonaws.com");
	expect_partition("ap-southeast-4", "aws", "amazonaws.com");
	expect_partition("il-central-1", "aws", "amazonaws.com");
	expect_partition("mx-central-1", "aws", "amazonaws.com");
	expect_partition("cn-north-1", "aws-cn", "amazonaws.com.cn");
	expect_partition("cn-northwest-1", "aws-cn", "amazonaws.com.cn");
	expect_partition("us-gov-west-1", "aws-us-gov", "amazonaws.com");
	expect_partition("us-iso-east-1", "aws-iso", "c2s.ic.gov");
	expect_partition("us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov");
	expect_partition("eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk");
	expect_partition("us-isof-south-1", "aws-iso-f", "csp.hci.ic.gov");
	expect_partition("eusc-de-east-1", "aws-eusc", "amazonaws.eu");
}

static void test_model_partition_unknown(void **state)
{
	(void)state;
	const char *p = "unchanged", *s = "unchanged";
	static const char *const bad[] = {
		"", "us-west", "us-west-", "xx-west-2", "us-west-2a",
		"us--2", "us-west-2-", "uswest2", "cn-north",
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(bad); i++) {
		assert_false(gw_partition_for_region(bad[i], &p, &s));
	}
	assert_false(gw_partition_for_region(NULL, &p, &s));
	assert_string_equal(p, "unchanged");
}

static void expect_id(const char *name, const char *suffix, const char *want)
{
	char *id = gw_logical_id(name, suffix);
	assert_string_equal(id, want);
	free(id);
}

static void test_model_logical_id(void **state)
{
	(void)state;
	expect_id("spot-ce", "ComputeEnv", "SpotCeComputeEnv");
	expect_id("head", "JobQueue", "HeadJobQueue");
	expect_id("my_queue2", "", "MyQueue2");
	expect_id("BatchInstanceRole", "", "BatchInstanceRole");
	expect_id("a.b/c d", "X", "ABCDX");
	expect_id("--", "Only", "Only");
	expect_id("", "", "");
	expect_id("x", NULL, "X");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_destroy_null),
		cmocka_unit_test(test_model_lookups),
		cmocka_unit_test(test_model_lookup_skips_unnamed),
		cmocka_unit_test(test_model_partition_for_region),
		cmocka_unit_test(test_model_partition_unknown),
		cmocka_unit_test(test_model_logical_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
