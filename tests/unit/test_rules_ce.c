/* SPDX-License-Identifier: MIT */
/*
 * The compute-environment rules (CE1..CE18, R1 and R4 of a CE) through
 * both public paths: a profile (gw_profile_load_string + gw_verify_model)
 * and a CloudFormation template (gw_verify_template_text). Limits get a
 * row at the limit, which passes, and one past it, which fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws_limits.h"
#include "buf.h"
#include "model.h"
#include "profile.h"
#include "report.h"
#include "rows.h"
#include "util.h"
#include "verify.h"

#define E GW_SEV_ERROR
#define W GW_SEV_WARNING
#define N GW_SEV_NOTE

#define REPLACEMENTS 3

/* A row: edit a base text, then 'rule' must be reported 'want' times at
 * 'sev' (and, when 'msg' is set, one of them says exactly that). */
struct row {
	const char *name;
	const char *find[REPLACEMENTS], *repl[REPLACEMENTS];
	const char *rule;
	enum gw_severity sev;
	size_t want;
	const char *msg;
};

static char *patched(const char *base, const struct row *r)
{
	char *text = gw_xstrdup(base);
	for (size_t i = 0; i < REPLACEMENTS && r->find[i]; i++) {
		char *next = rows_patch(text, r->find[i], r->repl[i]);
		free(text);
		text = next;
	}
	return text;
}

static void expect(const struct row *r, const struct gw_diags *d)
{
	size_t n = rows_count(d, r->rule, r->sev, NULL);
	bool said = !r->msg || rows_count(d, r->rule, r->sev, r->msg) > 0;
	if (n != r->want || !said) {
		gw_diags_print(d, stderr, GW_DIAG_TEXT, false);
		fail_msg("%s: %zu findings of %s (%s), want %zu%s%s", r->name, n,
		         r->rule, gw_severity_name(r->sev), r->want,
		         r->msg ? " saying: " : "", r->msg ? r->msg : "");
	}
}

/* ---- profiles --------------------------------------------------------------- */

static const char base_profile[] =
        "name: ce\n"
        "description: compute environment rules\n"
        "region: us-west-2\n"
        "account_id: \"123456789012\"\n"
        "roles:\n"
        "  - name: ce-instance\n"
        "    trust: [ec2]\n"
        "    managed: [service-role/AmazonEC2ContainerServiceforEC2Role]\n"
        "    instance_profile: true\n"
        "compute_environments:\n"
        "  - name: ce-ondemand\n"
        "    instance_types: [c5.xlarge]\n"
        "    max_vcpus: 64\n"
        "    instance_role: ce-instance\n"
        "  - name: ce-spot\n"
        "    type: SPOT\n"
        "    instance_types: [c6a, m6a]\n"
        "    max_vcpus: 512\n"
        "    instance_role: ce-instance\n"
        "job_queues:\n"
        "  - name: ce-queue\n"
        "    compute_environments: [ce-ondemand]\n"
        "  - name: ce-spot-queue\n"
        "    compute_environments: [ce-spot]\n";

/* A Spot Fleet role for the rows that name one (R11 would warn about it
 * in the base, where nothing does). */
#define FLEET_ROLE \
        "  - name: ce-fleet\n" \
        "    trust: [spotfleet]\n" \
        "    managed: [service-role/AmazonEC2SpotFleetTaggingRole]\n" \
        "compute_environments:\n"
#define OD "    instance_types: [c5.xlarge]\n    max_vcpus: 64\n"
#define SPOT "    type: SPOT\n"

static const struct row profile_rows[] = {
        /* CE2: 0 <= min <= desired <= max; max >= 1 */
        {"ce2-min-at-max", {OD}, {OD "    min_vcpus: 64\n"}, "CE2", E, 0,
         NULL},
        {"ce2-min-past-max", {OD}, {OD "    min_vcpus: 65\n"}, "CE2", E, 1,
         "compute environment 'ce-ondemand' has max_vcpus 64 below "
         "min_vcpus 65"},
        {"ce2-desired-at-max", {OD}, {OD "    desired_vcpus: 64\n"}, "CE2", E,
         0, NULL},
        {"ce2-desired-past-max", {OD}, {OD "    desired_vcpus: 65\n"}, "CE2",
         E, 1,
         "compute environment 'ce-ondemand' has max_vcpus 64 below "
         "desired_vcpus 65"},
        {"ce2-desired-below-min", {OD},
         {OD "    min_vcpus: 8\n    desired_vcpus: 7\n"}, "CE2", E, 1,
         "compute environment 'ce-ondemand' has desired_vcpus 7 below "
         "min_vcpus 8"},
        {"ce2-max-zero", {"max_vcpus: 64"}, {"max_vcpus: 0"}, "CE2", E, 1,
         "compute environment 'ce-ondemand' has max_vcpus 0, below 1"},
        /* CE9: a minimum keeps instances running */
        {"ce9-min-zero", {OD}, {OD "    min_vcpus: 0\n"}, "CE9", W, 0, NULL},
        {"ce9-min-one", {OD}, {OD "    min_vcpus: 1\n"}, "CE9", W, 1,
         "compute environment 'ce-ondemand' keeps 1 vcpus running (and "
         "billed) while idle"},
        /* CE5: 1..100, on SPOT only */
        {"ce5-bid-100", {SPOT}, {SPOT "    bid_percentage: 100\n"}, "CE5", E,
         0, NULL},
        {"ce5-bid-101", {SPOT}, {SPOT "    bid_percentage: 101\n"}, "CE5", E,
         1, NULL},
        {"ce5-bid-1", {SPOT}, {SPOT "    bid_percentage: 1\n"}, "CE5", E, 0,
         NULL},
        {"ce5-bid-0", {SPOT}, {SPOT "    bid_percentage: 0\n"}, "CE5", E, 1,
         NULL},
        {"ce5-bid-on-ec2", {OD}, {OD "    bid_percentage: 50\n"}, "CE5", E, 1,
         "compute environment 'ce-ondemand' of type 'EC2' must not set "
         "bid_percentage"},
        /* CE7: c5.xlarge has 4 vCPUs; one concrete type is an error */
        {"ce7-max-at-type", {"max_vcpus: 64"}, {"max_vcpus: 4"}, "CE7", E, 0,
         NULL},
        {"ce7-max-below-type", {"max_vcpus: 64"}, {"max_vcpus: 3"}, "CE7", E,
         1,
         "compute environment 'ce-ondemand' allows 3 vcpus but its "
         "smallest instance type (c5.xlarge) has 4, so no instance can "
         "start"},
        {"ce7-families-warn", {"max_vcpus: 512"}, {"max_vcpus: 1"}, "CE7", W,
         1, NULL},
        /* CE8: the ceiling is max + one instance - 1 */
        {"ce8-max-at-largest", {"max_vcpus: 64"}, {"max_vcpus: 4"}, "CE8", N,
         0, NULL},
        {"ce8-spot-overshoot", {"max_vcpus: 512"}, {"max_vcpus: 8"}, "CE8", N,
         1, NULL},
        /* CE4 */
        {"ce4-best-fit-no-role", {SPOT},
         {SPOT "    allocation_strategy: BEST_FIT\n"}, "CE4", E, 1,
         "spot compute environment 'ce-spot' uses BEST_FIT and has no "
         "spot_fleet_role"},
        {"ce4-best-fit-role", {SPOT, "compute_environments:\n"},
         {SPOT "    allocation_strategy: BEST_FIT\n"
               "    spot_fleet_role: ce-fleet\n", FLEET_ROLE},
         "CE4", E, 0, NULL},
        {"ce4-unused-role", {SPOT, "compute_environments:\n"},
         {SPOT "    spot_fleet_role: ce-fleet\n", FLEET_ROLE},
         "CE4", W, 1,
         "compute environment 'ce-spot' uses "
         "'SPOT_PRICE_CAPACITY_OPTIMIZED', which does not use "
         "spot_fleet_role"},
        /* CE16: [A-Za-z0-9_-]{1,128}, unique */
        {"ce16-duplicate", {"name: ce-spot"}, {"name: ce-ondemand"}, "CE16", E,
         1, "compute environment name 'ce-ondemand' is already used at line 11"},
        /* CE17: one finding per key Fargate refuses */
        {"ce17-fargate", {OD},
         {"    type: FARGATE\n    max_vcpus: 64\n    image_type: ECS_AL2023\n"
          "    tags: {Name: x}\n"},
         "CE17", E, 3, "fargate compute environment 'ce-ondemand' sets tags"},
        {"ce17-fargate-clean", {OD, "    instance_role: ce-instance\n"},
         {"    type: FARGATE\n    max_vcpus: 64\n", ""},
         "CE17", E, 0, NULL},
        /* R1: EC2 and SPOT need an instance role that fits */
        {"r1-no-instance-role", {"    instance_role: ce-instance\n"}, {""},
         "R1", E, 1,
         "compute environment 'ce-ondemand' of type 'EC2' has no "
         "instance_role"},
        {"r1-fleet-trust", {SPOT},
         {SPOT "    allocation_strategy: BEST_FIT\n"
               "    spot_fleet_role: ce-instance\n"},
         "R1", E, 1,
         "spot fleet role 'ce-instance' of compute environment 'ce-spot' "
         "does not trust 'spotfleet'"},
        /* CE10: A1 cannot run Amazon Linux 2023 */
        {"ce10-a1", {"[c5.xlarge]"}, {"[a1.large]"}, "CE10", E, 1,
         "instance type 'a1.large' of compute environment 'ce-ondemand' "
         "cannot run amazon linux 2023"},
};

static void run_profile_row(void **state)
{
	const struct row *r = *state;
	char *yaml = patched(base_profile, r);
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_model *m =
	        gw_profile_load_string(yaml, strlen(yaml), "t.yaml", &d);
	/* The loader refuses some values itself (bid_percentage outside
	 * 1..100), naming the rule the same way. */
	if (m) {
		bool ok = gw_verify_model(m, &d);
		assert_true(ok == (d.n_errors == 0));
	}
	expect(r, &d);
	gw_model_destroy(m);
	gw_diags_finish(&d);
	free(yaml);
}

/* The base profile has no finding of this family at all. */
static void test_rules_ce_profile_base(void **state)
{
	(void)state;
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_model *m = gw_profile_load_string(
	        base_profile, strlen(base_profile), "t.yaml", &d);
	assert_non_null(m);
	bool ok = gw_verify_model(m, &d);
	if (!ok || d.n_warnings) {
		gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
	}
	assert_true(ok);
	assert_int_equal(d.n_warnings, 0);
	gw_model_destroy(m);
	gw_diags_finish(&d);
}

/* A name of 'n' characters for the first compute environment. */
static size_t ce16_profile_findings(size_t n)
{
	char *name = gw_xmalloc(n + 1);
	memset(name, 'a', n);
	name[n] = '\0';
	char *line = gw_xasprintf("name: %s", name);
	char *yaml = rows_patch(base_profile, "name: ce-ondemand", line);
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_model *m =
	        gw_profile_load_string(yaml, strlen(yaml), "t.yaml", &d);
	assert_non_null(m);
	gw_verify_model(m, &d);
	size_t found = rows_count(&d, "CE16", E, NULL);
	gw_model_destroy(m);
	gw_diags_finish(&d);
	free(yaml);
	free(line);
	free(name);
	return found;
}

static void test_rules_ce_profile_name_length(void **state)
{
	(void)state;
	assert_int_equal(ce16_profile_findings(GW_LIM_BATCH_NAME_MAX), 0);
	assert_int_equal(ce16_profile_findings(GW_LIM_BATCH_NAME_MAX + 1), 1);
}

/* A profile with 'n' compute environments. */
static size_t ce18_profile_findings(size_t n)
{
	struct gw_buf b;
	gw_buf_init(&b);
	gw_buf_puts(&b, "name: many\ndescription: many\nregion: us-west-2\n"
	                "account_id: \"123456789012\"\n"
	                "roles:\n  - name: i\n    trust: [ec2]\n"
	                "    instance_profile: true\n"
	                "compute_environments:\n");
	for (size_t i = 0; i < n; i++) {
		char *ce = gw_xasprintf("  - {name: ce%zu, max_vcpus: 64, "
		                        "instance_role: i, instance_types: "
		                        "[c5]}\n",
		                        i);
		gw_buf_puts(&b, ce);
		free(ce);
	}
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_model *m = gw_profile_load_string(b.data, b.len, "t.yaml", &d);
	assert_non_null(m);
	gw_verify_model(m, &d);
	size_t found = rows_count(&d, "CE18", E, NULL);
	gw_model_destroy(m);
	gw_diags_finish(&d);
	gw_buf_finish(&b);
	return found;
}

static void test_rules_ce_profile_count(void **state)
{
	(void)state;
	assert_int_equal(ce18_profile_findings(GW_LIM_ACCOUNT_CES_MAX), 0);
	assert_int_equal(ce18_profile_findings(GW_LIM_ACCOUNT_CES_MAX + 1), 1);
}

/* ---- templates -------------------------------------------------------------- */

static const char base_template[] =
        "AWSTemplateFormatVersion: \"2010-09-09\"\n"
        "Resources:\n"
        "  CE:\n"
        "    Type: AWS::Batch::ComputeEnvironment\n"
        "    Properties:\n"
        "      Type: MANAGED\n"
        "      ComputeResources:\n"
        "        Type: EC2\n"
        "        AllocationStrategy: BEST_FIT_PROGRESSIVE\n"
        "        MaxvCpus: 64\n"
        "        InstanceTypes: [c5.xlarge]\n"
        "        Subnets: [subnet-1]\n"
        "        InstanceRole: arn-of-a-profile\n"
        "        Ec2Configuration:\n"
        "          - ImageType: ECS_AL2023\n";

#define MAX "MaxvCpus: 64"
#define CR "        Type: EC2\n"

static const struct row template_rows[] = {
        /* CE2, as in profiles; MaxvCpus 0 is refused here too */
        {"t-ce2-min-at-max", {MAX}, {MAX "\n        MinvCpus: 64"}, "CE2", E,
         0, NULL},
        {"t-ce2-min-past-max", {MAX}, {MAX "\n        MinvCpus: 65"}, "CE2", E,
         1,
         "compute environment 'CE' has MaxvCpus 64 below MinvCpus 65"},
        {"t-ce2-desired-past-max", {MAX}, {MAX "\n        DesiredvCpus: 65"},
         "CE2", E, 1,
         "compute environment 'CE' has MaxvCpus 64 below DesiredvCpus 65"},
        {"t-ce2-max-one", {MAX, "[c5.xlarge]"}, {"MaxvCpus: 1", "[c5]"}, "CE2",
         E, 0, NULL},
        {"t-ce2-max-zero", {MAX}, {"MaxvCpus: 0"}, "CE2", E, 1,
         "compute environment 'CE' has MaxvCpus 0, below 1"},
        {"t-ce2-negative-min", {MAX}, {MAX "\n        MinvCpus: -1"}, "CE2", E,
         1, "compute environment 'CE' has MinvCpus -1, below 0"},
        /* CE5 */
        {"t-ce5-bid-100", {CR}, {"        Type: SPOT\n        BidPercentage: 100\n"},
         "CE5", E, 0, NULL},
        {"t-ce5-bid-101", {CR}, {"        Type: SPOT\n        BidPercentage: 101\n"},
         "CE5", E, 1,
         "compute environment 'CE' has BidPercentage 101, not in 1..100"},
        {"t-ce5-bid-0", {CR}, {"        Type: SPOT\n        BidPercentage: 0\n"},
         "CE5", E, 1, NULL},
        /* CE7 */
        {"t-ce7-max-at-type", {MAX}, {"MaxvCpus: 4"}, "CE7", E, 0, NULL},
        {"t-ce7-max-below-type", {MAX}, {"MaxvCpus: 3"}, "CE7", E, 1, NULL},
        /* CE8, now on templates too: c5 reaches c5.24xlarge (96) */
        {"t-ce8-overshoot", {"[c5.xlarge]"}, {"[c5]"}, "CE8", N, 1, NULL},
        {"t-ce8-one-type", {NULL}, {NULL}, "CE8", N, 0, NULL},
        /* CE9: not on Fargate, where CE17 refuses the key */
        {"t-ce9-min-one", {MAX}, {MAX "\n        MinvCpus: 1"}, "CE9", W, 1,
         NULL},
        /* CE4 and CE15: an intrinsic strategy is not BEST_FIT */
        {"t-ce4-default-best-fit",
         {CR, "        AllocationStrategy: BEST_FIT_PROGRESSIVE\n"},
         {"        Type: SPOT\n", ""}, "CE4", E, 1,
         "spot compute environment 'CE' uses BEST_FIT (the default) and "
         "has no SpotIamFleetRole"},
        {"t-ce4-ref-strategy",
         {CR, "AllocationStrategy: BEST_FIT_PROGRESSIVE"},
         {"        Type: SPOT\n", "AllocationStrategy: !Ref Strategy"},
         "CE4", E, 0, NULL},
        {"t-ce15-ref-strategy", {"AllocationStrategy: BEST_FIT_PROGRESSIVE"},
         {"AllocationStrategy: !Ref Strategy"}, "CE15", W, 0, NULL},
        /* CE17: Fargate, one finding per key, SpotIamFleetRole included */
        {"t-ce17-fargate", {CR}, {"        Type: FARGATE\n"
                                  "        SpotIamFleetRole: arn\n"},
         "CE17", E, 5, "fargate compute environment 'CE' sets SpotIamFleetRole"},
        {"t-ce17-no-ce4", {CR}, {"        Type: FARGATE\n"
                                 "        SpotIamFleetRole: arn\n"},
         "CE4", E, 0, NULL},
        /* CE10: EKS image types only on EKS compute environments */
        {"t-ce10-eks-image", {"ImageType: ECS_AL2023"},
         {"ImageType: EKS_AL2023"}, "CE10", E, 1, NULL},
        {"t-ce10-eks-image-on-eks",
         {"ImageType: ECS_AL2023", "      Type: MANAGED\n"},
         {"ImageType: EKS_AL2023",
          "      Type: MANAGED\n      EksConfiguration:\n"
          "        EksClusterArn: arn\n        KubernetesNamespace: ns\n"},
         "CE10", E, 0, NULL},
        {"t-ce10-a1", {"[c5.xlarge]"}, {"[a1.large, a1.xlarge]"}, "CE10", E, 2,
         NULL},
        /* CE16: names unique within the template */
        {"t-ce16-duplicate",
         {"      Type: MANAGED\n", "ImageType: ECS_AL2023\n"},
         {"      Type: MANAGED\n      ComputeEnvironmentName: dup\n",
          "ImageType: ECS_AL2023\n"
          "  CE2:\n    Type: AWS::Batch::ComputeEnvironment\n"
          "    Properties:\n      Type: UNMANAGED\n"
          "      ComputeEnvironmentName: dup\n"},
         "CE16", E, 1,
         "compute environment name 'dup' is already used at line 7"},
        /* R1 */
        {"t-r1-no-instance-role", {"        InstanceRole: arn-of-a-profile\n"},
         {""}, "R1", E, 1,
         "compute environment 'CE' of type 'EC2' has no InstanceRole"},
};

static void run_template_row(void **state)
{
	const struct row *r = *state;
	char *text = patched(base_template, r);
	struct gw_diags d;
	gw_diags_init(&d);
	bool ok = gw_verify_template_text(text, strlen(text), "t.yaml", &d);
	assert_true(ok == (d.n_errors == 0));
	expect(r, &d);
	gw_diags_finish(&d);
	free(text);
}

static void test_rules_ce_template_base(void **state)
{
	(void)state;
	struct gw_diags d;
	gw_diags_init(&d);
	bool ok = gw_verify_template_text(base_template, strlen(base_template),
	                                  "t.yaml", &d);
	if (!ok || d.n_warnings) {
		gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
	}
	assert_true(ok);
	assert_int_equal(d.n_warnings, 0);
	gw_diags_finish(&d);
}

/* A template with 'n' compute environments. */
static size_t ce18_template_findings(size_t n)
{
	struct gw_buf b;
	gw_buf_init(&b);
	gw_buf_puts(&b, "Resources:\n");
	for (size_t i = 0; i < n; i++) {
		char *ce = gw_xasprintf(
		        "  CE%zu:\n    Type: AWS::Batch::ComputeEnvironment\n"
		        "    Properties: {Type: UNMANAGED}\n",
		        i);
		gw_buf_puts(&b, ce);
		free(ce);
	}
	struct gw_diags d;
	gw_diags_init(&d);
	gw_verify_template_text(b.data, b.len, "t.yaml", &d);
	size_t found = rows_count(&d, "CE18", E, NULL);
	gw_diags_finish(&d);
	gw_buf_finish(&b);
	return found;
}

static void test_rules_ce_template_count(void **state)
{
	(void)state;
	assert_int_equal(ce18_template_findings(GW_LIM_ACCOUNT_CES_MAX), 0);
	assert_int_equal(ce18_template_findings(GW_LIM_ACCOUNT_CES_MAX + 1), 1);
}

int main(void)
{
	enum {
		N_PROFILE = GW_ARRAY_LEN(profile_rows),
		N_TEMPLATE = GW_ARRAY_LEN(template_rows),
		N_OTHER = 5,
	};
	struct CMUnitTest tests[N_PROFILE + N_TEMPLATE + N_OTHER];
	size_t n = 0;
	for (size_t i = 0; i < N_PROFILE; i++) {
		tests[n++] = (struct CMUnitTest){
		        .name = profile_rows[i].name,
		        .test_func = run_profile_row,
		        .initial_state = (void *)&profile_rows[i]};
	}
	for (size_t i = 0; i < N_TEMPLATE; i++) {
		tests[n++] = (struct CMUnitTest){
		        .name = template_rows[i].name,
		        .test_func = run_template_row,
		        .initial_state = (void *)&template_rows[i]};
	}
	const struct CMUnitTest other[N_OTHER] = {
	        cmocka_unit_test(test_rules_ce_profile_base),
	        cmocka_unit_test(test_rules_ce_profile_name_length),
	        cmocka_unit_test(test_rules_ce_profile_count),
	        cmocka_unit_test(test_rules_ce_template_base),
	        cmocka_unit_test(test_rules_ce_template_count),
	};
	for (size_t i = 0; i < N_OTHER; i++) {
		tests[n++] = other[i];
	}
	return _cmocka_run_group_tests("rules_ce", tests, n, NULL, NULL);
}
