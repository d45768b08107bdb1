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

#include "aws_limits.h"
#include "buf.h"
#include "check.h"
#include "report.h"
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

/* ---- templates
 * ---------------------------------------------------------------- */

/* A gwfcore-shaped template: each resource carries known problems. */
static const char bad_template[] =
        "AWSTemplateFormatVersion: 2010-09-09\n"
        "Parameters:\n"
        "  MaxCpus:\n"
        "    Type: Number\n"
        "    Default: 1\n"
        "Resources:\n"
        "  SpotCE:\n"
        "    Type: AWS::Batch::ComputeEnvironment\n"
        "    Properties:\n"
        "      Type: MANAGED\n"
        "      ComputeResources:\n"
        "        Type: SPOT\n"
        "        AllocationStrategy: BEST_FIT\n"
        "        Ec2Configuration:\n"
        "          - ImageType: ECS_AL2\n"
        "        LaunchTemplate:\n"
        "          LaunchTemplateId: !Ref LT\n"
        "          Version: $Latest\n"
        "        InstanceTypes: [r6a.large, r6g.large]\n"
        "        MaxvCpus: !Ref MaxCpus\n"
        "        Subnets: [subnet-1]\n"
        "  OnDemandCE:\n"
        "    Type: AWS::Batch::ComputeEnvironment\n"
        "    Properties:\n"
        "      Type: MANAGED\n"
        "      ComputeResources:\n"
        "        Type: EC2\n"
        "        AllocationStrategy: BEST_FIT_PROGRESSIVE\n"
        "        InstanceTypes: [optimal]\n"
        "        MaxvCpus: 256\n"
        "        Subnets: [subnet-1]\n"
        "  DefaultQueue:\n"
        "    Type: AWS::Batch::JobQueue\n"
        "    Properties:\n"
        "      Priority: 1\n"
        "      ComputeEnvironmentOrder:\n"
        "        - {Order: 1, ComputeEnvironment: !Ref SpotCE}\n"
        "        - {Order: 2, ComputeEnvironment: !Ref OnDemandCE}\n"
        "  LT:\n"
        "    Type: AWS::EC2::LaunchTemplate\n"
        "    Properties:\n"
        "      LaunchTemplateData:\n"
        "        BlockDeviceMappings:\n"
        "          - DeviceName: /dev/nvme1n1\n"
        "            Ebs: {VolumeSize: 100, Encrypted: true}\n"
        "          - DeviceName: /dev/xvdcz\n"
        "            Ebs: {VolumeSize: 22, Encrypted: false}\n"
        "        UserData:\n"
        "          Fn::Base64: !Sub |\n"
        "            #!/bin/bash\n"
        "            echo ${aws:username}\n"
        "  Role:\n"
        "    Type: AWS::IAM::Role\n"
        "    Properties:\n"
        "      AssumeRolePolicyDocument:\n"
        "        Statement:\n"
        "          - {Effect: Allow, Action: sts:AssumeRole, "
        "Principal: {Service: ec2.amazonaws.com}}\n"
        "      ManagedPolicyArns:\n"
        "        - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\n"
        "      Policies:\n"
        "        - PolicyName: all\n"
        "          PolicyDocument:\n"
        "            Statement:\n"
        "              - {Effect: Allow, Action: '*', Resource: '*'}\n"
        "              - Effect: Allow\n"
        "                Action: iam:PassRole\n"
        "                Resource: '*'\n"
        "  Logs:\n"
        "    Type: AWS::Logs::LogGroup\n"
        "    Properties:\n"
        "      RetentionInDays: 31\n"
        "  bad-id:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      BucketName: My_Bucket\n"
        "  Big:\n"
        "    Type: AWS::Batch::JobDefinition\n"
        "    Properties:\n"
        "      Type: container\n"
        "      ContainerProperties:\n"
        "        Image: ubuntu:24.04\n"
        "        ResourceRequirements:\n"
        "          - {Type: VCPU, Value: '96'}\n"
        "          - {Type: MEMORY, Value: '600000'}\n"
        "  Pol:\n"
        "    Type: AWS::IAM::ManagedPolicy\n"
        "    Properties:\n"
        "      PolicyDocument:\n"
        "        Statement:\n"
        "          - Effect: Allow\n"
        "            Action: [batch:CancelJob, batch:CancelJobs]\n"
        "            Resource: '*'\n"
        "  Tagged:\n"
        "    Type: AWS::Logs::LogGroup\n"
        "    Properties:\n"
        "      RetentionInDays: 30\n"
        "      Tags:\n"
        "        - {Key: Owner, Value: \"a$b\"}\n";

static const char good_template[] =
        "Resources:\n"
        "  CE:\n"
        "    Type: AWS::Batch::ComputeEnvironment\n"
        "    Properties:\n"
        "      Type: MANAGED\n"
        "      ComputeResources:\n"
        "        Type: EC2\n"
        "        AllocationStrategy: BEST_FIT_PROGRESSIVE\n"
        "        Ec2Configuration: [{ImageType: ECS_AL2023}]\n"
        "        LaunchTemplate:\n"
        "          LaunchTemplateId: !Ref LT\n"
        "          Version: !GetAtt LT.LatestVersionNumber\n"
        "        InstanceTypes: [r6a]\n"
        "        InstanceRole: !GetAtt Profile.Arn\n"
        "        MaxvCpus: 256\n"
        "        Subnets: [subnet-1]\n"
        "  Queue:\n"
        "    Type: AWS::Batch::JobQueue\n"
        "    Properties:\n"
        "      Priority: 10\n"
        "      ComputeEnvironmentOrder:\n"
        "        - {Order: 1, ComputeEnvironment: !Ref CE}\n"
        "  LT:\n"
        "    Type: AWS::EC2::LaunchTemplate\n"
        "    Properties:\n"
        "      LaunchTemplateData:\n"
        "        InstanceInitiatedShutdownBehavior: terminate\n"
        "        MetadataOptions: {HttpTokens: required, "
        "HttpPutResponseHopLimit: 2}\n"
        "        BlockDeviceMappings:\n"
        "          - DeviceName: /dev/xvda\n"
        "            Ebs: {VolumeSize: 100, VolumeType: gp3, Encrypted: true}\n"
        "        UserData:\n"
        "          Fn::Base64: !Sub |\n"
        "            MIME-Version: 1.0\n"
        "            Content-Type: multipart/mixed; boundary=\"==B==\"\n"
        "\n"
        "            --==B==\n"
        "            Content-Type: text/x-shellscript\n"
        "\n"
        "            echo ${AWS::Region} ${!HOME}\n"
        "\n"
        "            --==B==--\n"
        "  Role:\n"
        "    Type: AWS::IAM::Role\n"
        "    Properties:\n"
        "      ManagedPolicyArns:\n"
        "        - !Sub arn:${AWS::Partition}:iam::aws:policy/"
        "AmazonS3ReadOnlyAccess\n"
        "      Policies:\n"
        "        - PolicyName: logs\n"
        "          PolicyDocument:\n"
        "            Statement:\n"
        "              - Effect: Allow\n"
        "                Action: [logs:PutLogEvents]\n"
        "                Resource: !Sub arn:${AWS::Partition}:logs:"
        "${AWS::Region}:${AWS::AccountId}:log-group:/aws/batch/job:*\n"
        "              - {Effect: Allow, Action: secretsmanager:ListSecrets, "
        "Resource: '*'}\n"
        "  Logs:\n"
        "    Type: AWS::Logs::LogGroup\n"
        "    Properties:\n"
        "      RetentionInDays: 30\n"
        "      Tags:\n"
        "        - {Key: \"cost:center\", Value: \"Z\u00fcrich lab-1 @ 2/3\"}\n"
        "        - {Key: Stack, Value: !Ref AWS::StackName}\n";

struct expect {
	const char *rule;
	enum gw_severity sev;
	unsigned line; /* 0 = any */
};

/* The check stage's view of a rendered template: CloudFormation's own
 * limits on the loaded document (gw_verify_template_limits). */
static bool limits_of(const char *text, const char *file, struct gw_diags *d)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	assert_true(yaml_parser_initialize(&parser));
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
	                             strlen(text));
	bool loaded = yaml_parser_load(&parser, &doc);
	yaml_parser_delete(&parser);
	assert_true(loaded);
	bool ok = gw_verify_template_limits(&doc, text, strlen(text), file, d);
	yaml_document_delete(&doc);
	return ok;
}

static void test_verify_template_findings(void **state)
{
	(void)state;
	static const struct expect want[] = {
	        {"CE11", GW_SEV_ERROR, 15},   /* ECS_AL2 */
	        {"CE13", GW_SEV_WARNING, 18}, /* $Latest */
	        {"CE4", GW_SEV_ERROR, 0},     /* BEST_FIT spot, no fleet */
	        {"CE6", GW_SEV_ERROR, 19},    /* x86_64 + arm64 */
	        {"CE7", GW_SEV_WARNING, 20},  /* MaxvCpus 1, two types */
	        {"CE15", GW_SEV_WARNING, 13}, /* BEST_FIT */
	        {"Q8", GW_SEV_WARNING, 0},    /* spot -> on-demand */
	        {"D5", GW_SEV_ERROR, 44},
	        {"D8", GW_SEV_WARNING, 46},
	        {"V5", GW_SEV_ERROR, 47},
	        {"L6", GW_SEV_WARNING, 0}, /* IMDSv1 allowed */
	        {"L5", GW_SEV_WARNING, 0},
	        {"L1", GW_SEV_ERROR, 0},    /* user data not MIME */
	        {"L10", GW_SEV_ERROR, 0},   /* ${aws:username} in !Sub */
	        {"A1", GW_SEV_WARNING, 59}, /* literal arn:aws: */
	        {"S1", GW_SEV_ERROR, 64},
	        {"S3", GW_SEV_ERROR, 67},
	        {"N7", GW_SEV_ERROR, 71},
	        {"C3", GW_SEV_ERROR, 72},
	        {"N1", GW_SEV_ERROR, 75},
	        {"J3", GW_SEV_ERROR, 83}, /* 96 > 64 (m4/r4.16xlarge) */
	        {"J4", GW_SEV_ERROR, 84}, /* > r4.16xlarge's 499712 MiB */
	        {"A2", GW_SEV_WARNING, 0}, /* literal ec2.amazonaws.com */
	        {"S7", GW_SEV_ERROR, 91},   /* batch:CancelJobs */
	        {"S2", GW_SEV_WARNING, 92}, /* batch:CancelJob on '*' */
	        {"N10", GW_SEV_ERROR, 98},  /* '$' in a tag value */
	};
	struct gw_diags d;
	gw_diags_init(&d);
	bool ok = gw_verify_template_text(bad_template, strlen(bad_template),
	                                  "bad.yaml", &d);
	assert_false(ok);
	for (size_t i = 0; i < GW_ARRAY_LEN(want); i++) {
		bool found = false;
		for (size_t j = 0; j < d.n && !found; j++) {
			const struct gw_diag *g = &d.v[j];
			found = g->rule && strcmp(g->rule, want[i].rule) == 0 &&
			        g->sev == want[i].sev &&
			        (!want[i].line ||
			         g->loc.line == want[i].line) &&
			        strcmp(g->loc.file, "bad.yaml") == 0;
		}
		if (!found) {
			gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
			fail_msg("template rule %s at line %u not reported",
			         want[i].rule, want[i].line);
		}
	}
	gw_diags_finish(&d);
}

/*
 * On gwgen's own rendered template the check stage holds only
 * CloudFormation's limits (C1..C3): every other rule was the profile
 * verifier's, so CE9, C4, CE13 and S7 are not reported there.
 */
static void test_verify_template_limits_only(void **state)
{
	(void)state;
	static const char text[] =
	        "Resources:\n"
	        "  CE:\n"
	        "    Type: AWS::Batch::ComputeEnvironment\n"
	        "    Properties:\n"
	        "      Type: MANAGED\n"
	        "      ComputeResources:\n"
	        "        Type: EC2\n"
	        "        MinvCpus: 4\n"
	        "        MaxvCpus: 256\n"
	        "        InstanceTypes: [c5]\n"
	        "        Subnets: [subnet-1]\n"
	        "        InstanceRole: !GetAtt P.Arn\n"
	        "        LaunchTemplate: {LaunchTemplateName: lt, "
	        "Version: $Latest}\n"
	        "  R:\n"
	        "    Type: AWS::IAM::Role\n"
	        "    Properties:\n"
	        "      RoleName: r\n"
	        "      Policies:\n"
	        "        - PolicyName: p\n"
	        "          PolicyDocument:\n"
	        "            Statement:\n"
	        "              - {Effect: Allow, Action: batch:CancelJobs, "
	        "Resource: '*'}\n";
	struct gw_diags all, kept;
	gw_diags_init(&all);
	gw_diags_init(&kept);
	assert_false(gw_verify_template_text(text, strlen(text), "x", &all));
	assert_true(limits_of(text, "out/p/cloudformation.yaml", &kept));
	assert_true(rows_count(&all, "CE9", GW_SEV_WARNING, NULL) == 1);
	assert_true(rows_count(&all, "C4", GW_SEV_NOTE, NULL) == 1);
	assert_true(rows_count(&all, "CE13", GW_SEV_WARNING, NULL) == 1);
	assert_true(rows_count(&all, "S7", GW_SEV_ERROR, NULL) == 1);
	assert_int_equal(kept.n, 0);
	gw_diags_finish(&all);
	gw_diags_finish(&kept);
	/* N10 is the profile verifier's: every rendered tag comes from the
	 * profile, so a tag error here would only repeat it. */
	static const char tags[] =
	        "Resources:\n"
	        "  L:\n"
	        "    Type: AWS::Logs::LogGroup\n"
	        "    Properties:\n"
	        "      RetentionInDays: 30\n"
	        "      Tags: [{Key: Owner, Value: \"a$b\"}]\n";
	gw_diags_init(&all);
	gw_diags_init(&kept);
	assert_false(gw_verify_template_text(tags, strlen(tags), "x", &all));
	assert_true(limits_of(tags, "x", &kept));
	assert_true(rows_count(&kept, "N10", GW_SEV_ERROR, NULL) == 0);
	gw_diags_finish(&all);
	gw_diags_finish(&kept);
}

/* The template path shares the V1..V3 limits with the profile path. */
static void test_verify_template_volumes(void **state)
{
	(void)state;
	static const char text[] =
	        "Resources:\n"
	        "  LT:\n"
	        "    Type: AWS::EC2::LaunchTemplate\n"
	        "    Properties:\n"
	        "      LaunchTemplateData:\n"
	        "        BlockDeviceMappings:\n"
	        "          - DeviceName: /dev/xvda\n"
	        "            Ebs: {VolumeSize: 10, VolumeType: sc1}\n"
	        "          - DeviceName: /dev/sdf\n"
	        "            Ebs: {VolumeSize: 100, Iops: 90000, "
	        "Throughput: 3000}\n"
	        "          - DeviceName: /dev/sdg\n"
	        "            Ebs: {VolumeSize: 100, VolumeType: magnetic}\n";
	struct gw_diags d;
	gw_diags_init(&d);
	assert_false(gw_verify_template_text(text, strlen(text), "v.yaml", &d));
	/* sc1 below 500 GiB, sc1 as root, unknown type */
	assert_int_equal(rows_count(&d, "V1", GW_SEV_ERROR, NULL), 3);
	assert_int_equal(rows_count(&d, "V2", GW_SEV_ERROR, NULL), 1);
	assert_int_equal(rows_count(&d, "V3", GW_SEV_ERROR, NULL), 1);
	gw_diags_finish(&d);
}

static void test_verify_template_clean(void **state)
{
	(void)state;
	struct gw_diags d;
	gw_diags_init(&d);
	bool ok = gw_verify_template_text(good_template, strlen(good_template),
	                                  "good.yaml", &d);
	if (!ok || d.n_warnings) {
		gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
	}
	assert_true(ok);
	assert_int_equal(d.n_warnings, 0);
	gw_diags_finish(&d);
}

static void test_verify_template_json_and_limits(void **state)
{
	(void)state;
	const char *json = "{\"Resources\": {\"Q\": {\"Type\": "
	                   "\"AWS::Batch::JobQueue\", \"Properties\": "
	                   "{\"Priority\": 2000, "
	                   "\"ComputeEnvironmentOrder\": []}}}}";
	struct gw_diags d;
	gw_diags_init(&d);
	assert_false(gw_verify_template_text(json, strlen(json), "t.json", &d));
	assert_int_equal(rows_count(&d, "Q4", GW_SEV_ERROR, NULL), 1);
	assert_int_equal(rows_count(&d, "Q1", GW_SEV_ERROR, NULL), 1);
	gw_diags_finish(&d);

	/* C1: over 51,200 bytes warns (S3 staging), over 1 MB fails. */
	size_t n = GW_LIM_TEMPLATE_INLINE_MAX + 100;
	char *big = gw_xmalloc(n + 1);
	memset(big, ' ', n);
	memcpy(big, "Resources: {}\n#", strlen("Resources: {}\n#"));
	big[n] = '\0';
	gw_diags_init(&d);
	gw_verify_template_text(big, n, "big.yaml", &d);
	assert_int_equal(rows_count(&d, "C1", GW_SEV_WARNING, NULL), 1);
	gw_diags_finish(&d);
	gw_diags_init(&d);
	assert_false(gw_verify_template_text(big, GW_LIM_TEMPLATE_S3_MAX + 1,
	                                     "big.yaml", &d));
	assert_int_equal(rows_count(&d, "C1", GW_SEV_ERROR, NULL), 1);
	gw_diags_finish(&d);
	free(big);

	gw_diags_init(&d);
	assert_false(gw_verify_template_file("/nonexistent/t.yaml", &d));
	assert_int_equal(d.n_errors, 1);
	gw_diags_finish(&d);
}

/* Q6 on templates: a time limit acts only on reasons Batch reports, on
 * RUNNABLE jobs (AWS Batch JobStateTimeLimitAction). */
static void test_verify_template_time_limits(void **state)
{
	(void)state;
	static const char head[] =
	        "Resources:\n"
	        "  Q:\n"
	        "    Type: AWS::Batch::JobQueue\n"
	        "    Properties:\n"
	        "      Priority: 1\n"
	        "      ComputeEnvironmentOrder:\n"
	        "        - {Order: 1, ComputeEnvironment: arn}\n"
	        "      JobStateTimeLimitActions:\n";
	static const struct {
		const char *action;
		size_t q6;
	} cases[] = {
	        {"        - {Action: CANCEL, MaxTimeSeconds: 600, State: "
	         "RUNNABLE, Reason: 'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY'}"
	         "\n", 0},
	        {"        - {Action: CANCEL, MaxTimeSeconds: 600, State: "
	         "RUNNABLE, Reason: 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT'"
	         "}\n", 0},
	        {"        - {Action: CANCEL, MaxTimeSeconds: 600, State: "
	         "RUNNABLE, Reason: 'no compute environment could run it'}\n",
	         1},
	        {"        - {Action: PAUSE, MaxTimeSeconds: 600, State: "
	         "RUNNING, Reason: 'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY'}"
	         "\n", 2},
	        {"        - {Action: CANCEL, MaxTimeSeconds: 599, State: "
	         "RUNNABLE, Reason: 'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY'}"
	         "\n", 1},
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(cases); i++) {
		char *text = gw_xasprintf("%s%s", head, cases[i].action);
		struct gw_diags d;
		gw_diags_init(&d);
		gw_verify_template_text(text, strlen(text), "q.yaml", &d);
		assert_int_equal(rows_count(&d, "Q6", GW_SEV_ERROR, NULL),
		                 cases[i].q6);
		gw_diags_finish(&d);
		free(text);
	}
}

/* A rendered template is depth-checked on its loaded document: 64 levels
 * pass, 65 are refused, as the event scan of outside templates does. */
static void test_verify_rendered_template_depth(void **state)
{
	(void)state;
	for (int levels = 64; levels <= 65; levels++) {
		/* The document (level 1) holds Resources (2), which holds R (3),
		 * whose flow value nests on from level 4. */
		struct gw_buf b;
		gw_buf_init(&b);
		gw_buf_puts(&b, "Resources:\n  R:\n    Type: AWS::S3::Bucket\n"
		                "    Metadata: ");
		for (int i = 4; i <= levels; i++) {
			gw_buf_putc(&b, '[');
		}
		gw_buf_putc(&b, '1');
		for (int i = 4; i <= levels; i++) {
			gw_buf_putc(&b, ']');
		}
		gw_buf_putc(&b, '\n');
		struct gw_diags outside, rendered;
		gw_diags_init(&outside);
		gw_diags_init(&rendered);
		gw_verify_template_text(gw_buf_str(&b), b.len, "t.yaml",
		                        &outside);
		limits_of(gw_buf_str(&b), "t.yaml", &rendered);
		const char *msg = "template nests deeper than 64 levels";
		size_t want = levels > 64;
		assert_int_equal(rows_count(&outside, NULL, GW_SEV_ERROR, msg),
		                 want);
		assert_int_equal(rows_count(&rendered, NULL, GW_SEV_ERROR, msg),
		                 want);
		gw_diags_finish(&outside);
		gw_diags_finish(&rendered);
		gw_buf_finish(&b);
	}
}

int main(void)
{
	struct CMUnitTest tests[GW_ARRAY_LEN(rows) + 10];
	size_t n = 0;
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	        test_base_template_passes);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_locations);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	        test_rendered_doc_same_findings);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_verify_template_findings);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_verify_template_limits_only);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_verify_template_volumes);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_verify_template_clean);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_verify_template_json_and_limits);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_verify_template_time_limits);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_verify_rendered_template_depth);
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
