/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the template verifier (gwgen verify --template): the IAM
 * wildcard rules S1 and S3, NotAction, image types (CE10, CE11), a compute
 * environment's Type (CE1) and retry actions (J7), each with a failing and a
 * passing case; and the check stage's limits on a loaded document
 * (gw_verify_template_limits) against the same rules on the text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yaml.h>

#include "check.h"
#include "rows.h"
#include "util.h"
#include "verify.h"

/*
 * A template with no errors (warnings and notes allowed). Each row below
 * edits it by text replacement and names the rule that must then fire, or
 * stay quiet.
 */
static const char base_template[] =
        "AWSTemplateFormatVersion: \"2010-09-09\"\n"
        "Resources:\n"
        "  InstanceRole:\n"
        "    Type: AWS::IAM::Role\n"
        "    Properties:\n"
        "      AssumeRolePolicyDocument:\n"
        "        Statement:\n"
        "          - Effect: Allow\n"
        "            Principal:\n"
        "              Service: !Sub \"ec2.${AWS::URLSuffix}\"\n"
        "            Action: sts:AssumeRole\n"
        "      Policies:\n"
        "        - PolicyName: jobs\n"
        "          PolicyDocument:\n"
        "            Statement:\n"
        "              - Effect: Allow\n"
        "                Action: [s3:GetObject]\n"
        "                Resource: !Sub "
        "\"arn:${AWS::Partition}:s3:::lab-bucket/*\"\n"
        "              - Effect: Allow\n"
        "                Action: [iam:PassRole]\n"
        "                Resource: !Sub \"arn:${AWS::Partition}:iam::"
        "${AWS::AccountId}:role/job-role\"\n"
        "  Profile:\n"
        "    Type: AWS::IAM::InstanceProfile\n"
        "    Properties:\n"
        "      Roles: [!Ref InstanceRole]\n"
        "  CE:\n"
        "    Type: AWS::Batch::ComputeEnvironment\n"
        "    Properties:\n"
        "      Type: MANAGED\n"
        "      ComputeResources:\n"
        "        Type: EC2\n"
        "        AllocationStrategy: BEST_FIT_PROGRESSIVE\n"
        "        MinvCpus: 0\n"
        "        MaxvCpus: 256\n"
        "        InstanceTypes: [c5]\n"
        "        Subnets: [subnet-1]\n"
        "        InstanceRole: !GetAtt Profile.Arn\n"
        "        Ec2Configuration:\n"
        "          - ImageType: ECS_AL2023\n"
        "  Queue:\n"
        "    Type: AWS::Batch::JobQueue\n"
        "    Properties:\n"
        "      Priority: 1\n"
        "      ComputeEnvironmentOrder:\n"
        "        - Order: 1\n"
        "          ComputeEnvironment: !Ref CE\n"
        "  Job:\n"
        "    Type: AWS::Batch::JobDefinition\n"
        "    Properties:\n"
        "      Type: container\n"
        "      ContainerProperties:\n"
        "        Image: public.ecr.aws/docker/library/ubuntu:24.04\n"
        "        ResourceRequirements:\n"
        "          - {Type: VCPU, Value: \"1\"}\n"
        "          - {Type: MEMORY, Value: \"2048\"}\n"
        "      RetryStrategy:\n"
        "        Attempts: 3\n"
        "        EvaluateOnExit:\n"
        "          - {OnStatusReason: \"Host EC2*\", Action: RETRY}\n"
        "          - {OnReason: \"*\", Action: EXIT}\n";

/* Snippets of base_template that rows replace. */
#define S3_STATEMENT                                                           \
	"              - Effect: Allow\n"                                      \
	"                Action: [s3:GetObject]\n"                             \
	"                Resource: !Sub "                                      \
	"\"arn:${AWS::Partition}:s3:::lab-bucket/*\"\n"
#define PASS_ACTION "Action: [iam:PassRole]"
#define PASS_RESOURCE                                                          \
	"Resource: !Sub \"arn:${AWS::Partition}:iam::"                         \
	"${AWS::AccountId}:role/job-role\""
#define EC2_CONFIG                                                             \
	"        Ec2Configuration:\n"                                          \
	"          - ImageType: ECS_AL2023\n"
#define TYPES "InstanceTypes: [c5]"
#define RETRY "Action: RETRY"

#define REPLACEMENTS 2

struct row {
	const char *name;
	const char *find[REPLACEMENTS], *repl[REPLACEMENTS];
	const char *rule;
	enum gw_severity sev;
	size_t want;     /* findings of 'rule' at 'sev' */
	const char *msg; /* when set, one of them says exactly this */
};

static const struct row rows[] = {
        /* S1: '*' is an error on Allow, fine on Deny; service:* warns. */
        {"s1-star", {"Action: [s3:GetObject]"}, {"Action: [\"*\"]"}, "S1",
         GW_SEV_ERROR, 1, "role 'InstanceRole' allows '*', every aws action"},
        {"s1-star-star", {"Action: [s3:GetObject]"}, {"Action: [\"*:*\"]"},
         "S1", GW_SEV_ERROR, 1,
         "role 'InstanceRole' allows '*:*', every aws action"},
        {"s1-star-deny",
         {S3_STATEMENT},
         {"              - Effect: Deny\n"
          "                Action: \"*\"\n"
          "                Resource: \"*\"\n"},
         "S1", GW_SEV_ERROR, 0, NULL},
        {"s1-star-deny-s4",
         {S3_STATEMENT},
         {"              - Effect: Deny\n"
          "                Action: \"*\"\n"
          "                Resource: \"*\"\n"},
         "S4", GW_SEV_ERROR, 0, NULL},
        {"s1-service-star", {"Action: [s3:GetObject]"}, {"Action: [s3:*]"},
         "S1", GW_SEV_WARNING, 1,
         "role 'InstanceRole' allows 's3:*', every action of the "
         "service"},
        {"s1-service-star-not-error", {"Action: [s3:GetObject]"},
         {"Action: [s3:*]"}, "S1", GW_SEV_ERROR, 0, NULL},
        {"s1-service-prefix", {"Action: [s3:GetObject]"}, {"Action: [s3:Get*]"},
         "S1", GW_SEV_WARNING, 0, NULL},
        {"s1-service-star-deny",
         {S3_STATEMENT},
         {"              - Effect: Deny\n"
          "                Action: s3:*\n"
          "                Resource: \"*\"\n"},
         "S1", GW_SEV_WARNING, 0, NULL},
        /* S3: any action pattern matching iam:PassRole, on '*' or a
         * wildcard role name. */
        {"s3-passrole-star", {PASS_RESOURCE}, {"Resource: \"*\""}, "S3",
         GW_SEV_ERROR, 1, NULL},
        {"s3-pass-glob-star",
         {PASS_ACTION, PASS_RESOURCE},
         {"Action: [iam:Pass*]", "Resource: \"*\""},
         "S3", GW_SEV_ERROR, 1,
         "role 'InstanceRole' allows iam:PassRole on '*', not on a "
         "named role"},
        {"s3-iam-star",
         {PASS_ACTION, PASS_RESOURCE},
         {"Action: [iam:*]", "Resource: \"*\""},
         "S3", GW_SEV_ERROR, 1, NULL},
        {"s3-question-mark",
         {PASS_ACTION, PASS_RESOURCE},
         {"Action: [iam:P?ssRole]", "Resource: \"*\""},
         "S3", GW_SEV_ERROR, 1, NULL},
        {"s3-star-action",
         {PASS_ACTION, PASS_RESOURCE},
         {"Action: \"*\"", "Resource: \"*\""},
         "S3", GW_SEV_ERROR, 1, NULL},
        {"s3-pass-glob-role-wildcard",
         {PASS_ACTION, "role/job-role"},
         {"Action: [iam:Pass*]", "role/job-*"},
         "S3", GW_SEV_ERROR, 1, NULL},
        {"s3-pass-glob-named-role", {PASS_ACTION}, {"Action: [iam:Pass*]"},
         "S3", GW_SEV_ERROR, 0, NULL},
        {"s3-other-glob-star",
         {PASS_ACTION, PASS_RESOURCE},
         {"Action: [iam:Get*]", "Resource: \"*\""},
         "S3", GW_SEV_ERROR, 0, NULL},
        {"s3-deny-pass-glob",
         {"- Effect: Allow\n                " PASS_ACTION, PASS_RESOURCE},
         {"- Effect: Deny\n                Action: [iam:Pass*]",
          "Resource: \"*\""},
         "S3", GW_SEV_ERROR, 0, NULL},
        /* NotAction with Allow is a wildcard; with Deny a guard. */
        {"notaction-allow", {"Action: [s3:GetObject]"},
         {"NotAction: [s3:DeleteObject]"}, "S1", GW_SEV_ERROR, 1,
         "role 'InstanceRole' allows every action except those its "
         "NotAction lists"},
        {"notaction-allow-passrole",
         {S3_STATEMENT},
         {"              - Effect: Allow\n"
          "                NotAction: [s3:DeleteObject]\n"
          "                Resource: \"*\"\n"},
         "S3", GW_SEV_ERROR, 1, NULL},
        {"notaction-allow-excludes-iam",
         {S3_STATEMENT},
         {"              - Effect: Allow\n"
          "                NotAction: [iam:*]\n"
          "                Resource: \"*\"\n"},
         "S3", GW_SEV_ERROR, 0, NULL},
        {"notaction-deny",
         {S3_STATEMENT},
         {"              - Effect: Deny\n"
          "                NotAction: [s3:GetObject]\n"
          "                Resource: \"*\"\n"},
         "S1", GW_SEV_ERROR, 0, NULL},
        {"notaction-bad-form", {"Action: [s3:GetObject]"},
         {"NotAction: [GetObject]"}, "S4", GW_SEV_ERROR, 1, NULL},
        /* CE10: GPU types need an *_NVIDIA image type once
         * Ec2Configuration names any; A1 cannot run AL2023. */
        {"ce10-gpu-no-nvidia", {TYPES}, {"InstanceTypes: [g5]"}, "CE10",
         GW_SEV_ERROR, 1,
         "compute environment 'CE' includes gpu type 'g5.48xlarge' but "
         "image type 'ECS_AL2023' has no nvidia drivers"},
        {"ce10-gpu-nvidia",
         {TYPES, "ImageType: ECS_AL2023\n"},
         {"InstanceTypes: [g5]", "ImageType: ECS_AL2023_NVIDIA\n"},
         "CE10", GW_SEV_ERROR, 0, NULL},
        {"ce10-gpu-mixed-two-images",
         {TYPES, "          - ImageType: ECS_AL2023\n"},
         {"InstanceTypes: [c5, g4dn]",
          "          - ImageType: ECS_AL2023\n"
          "          - ImageType: ECS_AL2023_NVIDIA\n"},
         "CE10", GW_SEV_ERROR, 0, NULL},
        {"ce10-gpu-default-image", {TYPES, EC2_CONFIG},
         {"InstanceTypes: [p3.2xlarge]", ""}, "CE10", GW_SEV_ERROR, 0,
         NULL},
        {"ce10-p3-al2023-nvidia",
         {TYPES, "ImageType: ECS_AL2023\n"},
         {"InstanceTypes: [p3]", "ImageType: ECS_AL2023_NVIDIA\n"},
         "CE10", GW_SEV_WARNING, 1,
         "instance type 'p3.16xlarge' is reported as unsupported by "
         "ECS_AL2023_NVIDIA"},
        {"ce10-g5-al2023-nvidia",
         {TYPES, "ImageType: ECS_AL2023\n"},
         {"InstanceTypes: [g5]", "ImageType: ECS_AL2023_NVIDIA\n"},
         "CE10", GW_SEV_WARNING, 0, NULL},
        {"ce10-nvidia-no-gpu", {"ImageType: ECS_AL2023\n"},
         {"ImageType: ECS_AL2023_NVIDIA\n"}, "CE10", GW_SEV_WARNING, 1,
         NULL},
        {"ce10-unknown-image", {"ImageType: ECS_AL2023\n"},
         {"ImageType: ECS_AL2023_ARM\n"}, "CE10", GW_SEV_ERROR, 1,
         "compute environment 'CE' has image type 'ECS_AL2023_ARM'"},
        {"ce10-al1", {"ImageType: ECS_AL2023\n"}, {"ImageType: ECS_AL1\n"},
         "CE10", GW_SEV_ERROR, 1, NULL},
        {"ce11-al2", {"ImageType: ECS_AL2023\n"}, {"ImageType: ECS_AL2\n"},
         "CE11", GW_SEV_ERROR, 1, NULL},
        {"ce11-al2-not-ce10", {"ImageType: ECS_AL2023\n"},
         {"ImageType: ECS_AL2\n"}, "CE10", GW_SEV_ERROR, 0, NULL},
        {"ce10-a1-al2023", {TYPES}, {"InstanceTypes: [a1.large]"}, "CE10",
         GW_SEV_ERROR, 1,
         "instance type 'a1.large' of compute environment 'CE' cannot "
         "run amazon linux 2023"},
        {"ce10-a1-default-image", {TYPES, EC2_CONFIG},
         {"InstanceTypes: [a1]", ""}, "CE10", GW_SEV_ERROR, 1,
         "instance type 'a1' of compute environment 'CE' cannot run "
         "amazon linux 2023, the default image"},
        {"ce10-graviton2-al2023", {TYPES}, {"InstanceTypes: [c6g]"}, "CE10",
         GW_SEV_ERROR, 0, NULL},
        /* CE6: the catalog has every EC2 type, so templates get the
         * error too (and no new_instance_types to declare one). */
        {"ce6-misspelled", {TYPES}, {"InstanceTypes: [c5.4xlareg]"}, "CE6",
         GW_SEV_ERROR, 1,
         "compute environment 'CE' names instance type 'c5.4xlareg', "
         "which is not an EC2 instance type"},
        {"ce6-known", {TYPES}, {"InstanceTypes: [c5.4xlarge, m6i]"},
         "CE6", GW_SEV_ERROR, 0, NULL},
        /* CE1: Type and ComputeResources.Type are required. */
        {"ce1-no-type", {"      Type: MANAGED\n"}, {""}, "CE1", GW_SEV_ERROR,
         1, "compute environment 'CE' has no Type"},
        {"ce1-no-compute-type", {"        Type: EC2\n"}, {""}, "CE1",
         GW_SEV_ERROR, 1,
         "compute environment 'CE' has no ComputeResources.Type"},
        {"ce1-no-properties",
         {"    Type: AWS::Batch::ComputeEnvironment\n    Properties:\n"
          "      Type: MANAGED\n      ComputeResources:\n"},
         {"    Type: AWS::Batch::ComputeEnvironment\n"
          "  Unused:\n    Type: AWS::S3::Bucket\n    Properties:\n"
          "      Stray:\n"},
         "CE1", GW_SEV_ERROR, 1,
         "compute environment 'CE' has no Properties, so no Type"},
        {"ce1-unmanaged", {"Type: MANAGED"}, {"Type: UNMANAGED"}, "CE1",
         GW_SEV_ERROR, 0, NULL},
        /* J7: Action is RETRY or EXIT in any case. */
        {"j7-lower-case", {RETRY}, {"Action: retry"}, "J7", GW_SEV_ERROR, 0,
         NULL},
        {"j7-mixed-case", {"Action: EXIT"}, {"Action: Exit"}, "J7",
         GW_SEV_ERROR, 0, NULL},
        {"j7-bad-action", {RETRY}, {"Action: RESTART"}, "J7", GW_SEV_ERROR, 1,
         "EvaluateOnExit entry 1 of job definition 'Job' has action "
         "'RESTART'"},
        /* CE7 (domain.md): one concrete type too big for MaxvCpus can
         * never start, an error; with a family Batch may pick a smaller
         * size, a warning. c5.xlarge has 4 vCPUs, the smallest c5 2. */
        {"ce7-one-type", {"MaxvCpus: 256", "[c5]"}, {"MaxvCpus: 2", "[c5.xlarge]"},
         "CE7", GW_SEV_ERROR, 1,
         "compute environment 'CE' allows 2 vcpus but its smallest "
         "instance type (c5.xlarge) has 4, so no instance can start"},
        {"ce7-family-warns", {"MaxvCpus: 256"}, {"MaxvCpus: 1"}, "CE7",
         GW_SEV_WARNING, 1, NULL},
        {"ce7-family-no-error", {"MaxvCpus: 256"}, {"MaxvCpus: 1"}, "CE7",
         GW_SEV_ERROR, 0, NULL},
        {"j7-no-action", {", Action: EXIT"}, {""}, "J7", GW_SEV_ERROR, 1,
         "EvaluateOnExit entry 2 of job definition 'Job' has no Action"},
};

static void run_row(void **state)
{
	const struct row *r = *state;
	char *text = gw_xstrdup(base_template);
	for (size_t i = 0; i < REPLACEMENTS && r->find[i]; i++) {
		char *next = rows_patch(text, r->find[i], r->repl[i]);
		free(text);
		text = next;
	}
	struct gw_diags d;
	gw_diags_init(&d);
	bool ok = gw_verify_template_text(text, strlen(text), "t.yaml", &d);
	assert_true(ok == (d.n_errors == 0));
	size_t n = rows_count(&d, r->rule, r->sev, NULL);
	bool said = !r->msg || rows_count(&d, r->rule, r->sev, r->msg) > 0;
	if (n != r->want || !said) {
		gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
		fail_msg("%s: %zu findings of %s, want %zu%s%s", r->name, n,
		         r->rule, r->want, r->msg ? " saying: " : "",
		         r->msg ? r->msg : "");
	}
	gw_diags_finish(&d);
	free(text);
}

/* The base template has no errors, so each row's error is its own. */
static void test_base_template_passes(void **state)
{
	(void)state;
	struct gw_diags d;
	gw_diags_init(&d);
	bool ok = gw_verify_template_text(base_template, strlen(base_template),
	                                  "t.yaml", &d);
	if (!ok) {
		gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
	}
	assert_true(ok);
	assert_int_equal(d.n_errors, 0);
	gw_diags_finish(&d);
}

/* Findings point at the value: an unknown image type or retry action
 * itself, the ComputeResources mapping for its missing Type. */
static void test_locations(void **state)
{
	(void)state;
	static const struct {
		const char *find, *repl, *rule, *line_of;
		unsigned col;
	} cases[] = {
	        {"ImageType: ECS_AL2023\n", "ImageType: ECS_AL2023_ARM\n",
	         "CE10", "ImageType: ECS_AL2023_ARM", 24},
	        {"        Type: EC2\n", "", "CE1",
	         "        AllocationStrategy", 9},
	        /* the value RESTART, after 50 characters of the line */
	        {RETRY, "Action: RESTART", "J7", "Action: RESTART", 51},
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(cases); i++) {
		char *text = rows_patch(base_template, cases[i].find, cases[i].repl);
		unsigned line = 1;
		const char *at = strstr(text, cases[i].line_of);
		assert_non_null(at);
		for (const char *p = text; p < at; p++) {
			line += *p == '\n';
		}
		struct gw_diags d;
		gw_diags_init(&d);
		gw_verify_template_text(text, strlen(text), "t.yaml", &d);
		bool found = false;
		for (size_t j = 0; j < d.n; j++) {
			const struct gw_diag *g = &d.v[j];
			if (g->rule && strcmp(g->rule, cases[i].rule) == 0 &&
			    g->sev == GW_SEV_ERROR) {
				assert_int_equal(g->loc.line, line);
				assert_int_equal(g->loc.col, cases[i].col);
				found = true;
			}
		}
		assert_true(found);
		gw_diags_finish(&d);
		free(text);
	}
}

/* Load 'text' as gw_check_cfn does; the document is the caller's. */
static void load(const char *text, yaml_document_t *doc)
{
	yaml_parser_t p;
	assert_true(yaml_parser_initialize(&p));
	yaml_parser_set_input_string(&p, (const unsigned char *)text,
	                             strlen(text));
	assert_true(yaml_parser_load(&p, doc));
	yaml_parser_delete(&p);
}

/* The same findings; at the same places unless '!where'. */
static void assert_same_diags(const struct gw_diags *a,
                              const struct gw_diags *b, bool where)
{
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->n_errors, b->n_errors);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(a->v[i].sev, b->v[i].sev);
		if (where) {
			assert_int_equal(a->v[i].loc.line, b->v[i].loc.line);
			assert_int_equal(a->v[i].loc.col, b->v[i].loc.col);
		}
		assert_string_equal(a->v[i].loc.file, b->v[i].loc.file);
		assert_true((a->v[i].rule == NULL) == (b->v[i].rule == NULL));
		if (a->v[i].rule) {
			assert_string_equal(a->v[i].rule, b->v[i].rule);
		}
		assert_string_equal(a->v[i].msg, b->v[i].msg);
	}
}

/*
 * The check stage holds the document gw_check_cfn loaded to
 * CloudFormation's limits instead of loading the text again: its findings
 * must be the C1..C3 findings (and the nesting error) of the text, for a
 * clean template, one with errors and template-only warnings, one nesting
 * past the limit, and one with an alias (whose depth only the text can
 * tell).
 */
static void test_rendered_doc_same_findings(void **state)
{
	(void)state;
	char deep[4096] = "Resources:\n  R:\n    Type: AWS::S3::Bucket\n"
	                  "    Properties:\n      X: ";
	for (int i = 0; i < 70; i++) {
		strcat(deep, "[");
	}
	for (int i = 0; i < 70; i++) {
		strcat(deep, "]");
	}
	strcat(deep, "\n");
	char *bad = rows_patch(base_template, "Action: [s3:GetObject]",
	                  "Action: [\"*\"]");
	char *bad2 = rows_patch(bad, "ImageType: ECS_AL2023\n",
	                   "ImageType: ECS_AL2\n");
	const char *const texts[] = {
	        base_template,
	        bad2,
	        deep,
	        "Resources:\n  R:\n    Type: AWS::S3::Bucket\n"
	        "    Properties: &p {BucketName: b}\n"
	        "  S:\n    Type: AWS::S3::Bucket\n    Properties: *p\n",
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(texts); i++) {
		struct gw_diags by_text, by_doc;
		gw_diags_init(&by_text);
		gw_diags_init(&by_doc);
		size_t len = strlen(texts[i]);
		struct gw_diags all;
		gw_diags_init(&all);
		gw_verify_template_text(texts[i], len,
		                        "out/p/cloudformation.yaml", &all);
		for (size_t j = 0; j < all.n; j++) {
			const struct gw_diag *g = &all.v[j];
			if (!g->rule || strcmp(g->rule, "C1") == 0 ||
			    strcmp(g->rule, "C2") == 0 ||
			    strcmp(g->rule, "C3") == 0) {
				gw_diag_add(&by_text, g->sev, g->loc, g->rule,
				            g->hint, "%s", g->msg);
			}
		}
		gw_diags_finish(&all);
		yaml_document_t doc;
		load(texts[i], &doc);
		bool ok_doc = gw_verify_template_limits(
		        &doc, texts[i], len, "out/p/cloudformation.yaml",
		        &by_doc);
		yaml_document_delete(&doc);
		/* Only the one nesting past the limit breaks a limit. */
		assert_true(ok_doc == (i != 2));
		/* The text's depth is found by libyaml's event scan, at the
		 * first level too deep; the document's at its top. */
		assert_same_diags(&by_text, &by_doc, i != 2);
		gw_diags_finish(&by_text);
		gw_diags_finish(&by_doc);
	}
	free(bad);
	free(bad2);
}

int main(void)
{
	struct CMUnitTest tests[GW_ARRAY_LEN(rows) + 3];
	size_t n = 0;
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	        test_base_template_passes);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_locations);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	        test_rendered_doc_same_findings);
	for (size_t i = 0; i < GW_ARRAY_LEN(rows); i++) {
		tests[n++] = (struct CMUnitTest){
		        .name = rows[i].name,
		        .test_func = run_row,
		        .initial_state = (void *)&rows[i],
		};
	}
	return _cmocka_run_group_tests("verify_template", tests, n, NULL,
	                               NULL);
}
