/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the stack family of rules (src/verify/stack.c): C2, C3,
 * A1, A2, L10, N1, N2, N6, N7, N10 and S8, through the public API on both
 * paths: a profile (gw_profile_load_string + gw_verify_model) and a
 * CloudFormation template (gw_verify_template_text). Each limit has a
 * boundary pair: the value at the limit passes, one past it fails.
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

static const char base_profile[] =
        "name: st\n"
        "description: stack rules\n"
        "region: us-west-2\n"
        "stack_name: st-lab\n"
        "tags:\n"
        "  Team: lab\n"
        "bucket:\n"
        "  name: st-lab-bucket\n"
        "log_groups:\n"
        "  - name: /aws/batch/st\n"
        "    retention_days: 30\n";

static const char base_template[] =
        "AWSTemplateFormatVersion: \"2010-09-09\"\n"
        "Description: stack rules\n"
        "Resources:\n"
        "  Bucket:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      BucketName: st-lab-bucket\n"
        "      Tags:\n"
        "        - {Key: Team, Value: lab}\n"
        "  Logs:\n"
        "    Type: AWS::Logs::LogGroup\n"
        "    Properties:\n"
        "      LogGroupName: /aws/batch/st\n"
        "      RetentionInDays: 30\n";

enum path { PROFILE, TEMPLATE };

/*
 * A row replaces 'find' in its path's base text with 'pre', then 'each'
 * repeated 'count' times (a "%zu" in it is the repetition's index), then
 * 'post'; and expects 'want' findings of 'rule' at 'sev', one of them
 * saying 'msg' when set.
 */
struct row {
	const char *name;
	enum path path;
	const char *find, *pre, *each;
	size_t count;
	const char *post;
	const char *rule;
	enum gw_severity sev;
	size_t want;
	const char *msg;
};

#define E GW_SEV_ERROR
#define W GW_SEV_WARNING
#define N GW_SEV_NOTE

#define DESC_P "description: stack rules"
#define DESC_T "Description: stack rules"
#define BUCKET_P "name: st-lab-bucket"
#define BUCKET_T "BucketName: st-lab-bucket"
#define LOGS_P "name: /aws/batch/st"
#define LOGS_T "LogGroupName: /aws/batch/st"
#define TAGS_P "tags:\n  Team: lab\n"
#define TAGS_T "        - {Key: Team, Value: lab}\n"
#define RES_T "Resources:\n"
/* 64 characters: the bucket name limit plus one. */
#define B64 "b123456789012345678901234567890123456789012345678901234567890123"

static const struct row rows[] = {
        /* ---- C2: the description (1024 bytes), both paths ---- */
        {"c2-description-1024-passes", PROFILE, DESC_P, "description: ", "d",
         GW_LIM_TEMPLATE_DESCRIPTION_MAX, "", "C2", E, 0, NULL},
        {"c2-description-1025-fails", PROFILE, DESC_P, "description: ", "d",
         GW_LIM_TEMPLATE_DESCRIPTION_MAX + 1, "", "C2", E, 1,
         "description is 1025 bytes, more than the 1024 a cloudformation "
         "template allows"},
        {"c2-template-description-1024-passes", TEMPLATE, DESC_T,
         "Description: ", "d", GW_LIM_TEMPLATE_DESCRIPTION_MAX, "", "C2", E,
         0, NULL},
        {"c2-template-description-1025-fails", TEMPLATE, DESC_T,
         "Description: ", "d", GW_LIM_TEMPLATE_DESCRIPTION_MAX + 1, "", "C2",
         E, 1,
         "description is 1025 bytes, more than the 1024 a cloudformation "
         "template allows"},
        /* ---- C2: stack_name, 128 characters ---- */
        {"c2-stack-name-128-passes", PROFILE, "stack_name: st-lab",
         "stack_name: s", "x", GW_LIM_STACK_NAME_MAX - 1, "", "C2", E, 0,
         NULL},
        {"c2-stack-name-129-fails", PROFILE, "stack_name: st-lab",
         "stack_name: s", "x", GW_LIM_STACK_NAME_MAX, "", "C2", E, 1,
         "stack_name is 129 characters, more than the 128 cloudformation "
         "allows"},
        /* ---- C2: at least one resource, at most 500 ---- */
        {"c2-profile-no-resources", PROFILE,
         "bucket:\n  name: st-lab-bucket\nlog_groups:\n"
         "  - name: /aws/batch/st\n    retention_days: 30\n",
         "", "", 0, "", "C2", E, 1,
         "profile 'st' defines no resources, and a cloudformation template "
         "needs at least one"},
        {"c2-template-no-resources", TEMPLATE, RES_T, "Resources: {}\n", "",
         0, "Unused:\n", "C2", E, 1,
         "template defines no resources, and a cloudformation template "
         "needs at least one"},
        {"c2-template-500-resources-pass", TEMPLATE, RES_T, RES_T,
         "  T%zu:\n    Type: AWS::SNS::Topic\n",
         GW_LIM_TEMPLATE_RESOURCES_MAX - 2, "", "C2", E, 0, NULL},
        {"c2-template-501-resources-fail", TEMPLATE, RES_T, RES_T,
         "  T%zu:\n    Type: AWS::SNS::Topic\n",
         GW_LIM_TEMPLATE_RESOURCES_MAX - 1, "", "C2", E, 1,
         "template has 501 resources, more than the 500 cloudformation "
         "accepts"},
        {"c2-template-200-parameters-pass", TEMPLATE, RES_T, "Parameters:\n",
         "  P%zu: {Type: String}\n", GW_LIM_TEMPLATE_PARAMETERS_MAX, RES_T,
         "C2", E, 0, NULL},
        {"c2-template-201-parameters-fail", TEMPLATE, RES_T, "Parameters:\n",
         "  P%zu: {Type: String}\n", GW_LIM_TEMPLATE_PARAMETERS_MAX + 1,
         RES_T, "C2", E, 1,
         "template has 201 Parameters, more than the 200 cloudformation "
         "accepts"},
        /* ---- C3: logical IDs, 255 characters ---- */
        {"c3-logical-id-255-passes", TEMPLATE, "  Logs:\n", "  L", "g",
         GW_LIM_LOGICAL_ID_MAX - 1, ":\n", "C3", E, 0, NULL},
        {"c3-logical-id-256-fails", TEMPLATE, "  Logs:\n", "  L", "g",
         GW_LIM_LOGICAL_ID_MAX, ":\n", "C3", E, 1, NULL},
        {"c3-logical-id-twice", TEMPLATE, "  Logs:\n", "  Bucket:\n", "", 0,
         "", "C3", E, 1, "logical id 'Bucket' is defined twice"},
        /* ---- N1/N2: the bucket name, 3..63 ---- */
        {"n1-bucket-63-passes", PROFILE, BUCKET_P, "name: b", "1", 62, "",
         "N1", E, 0, NULL},
        {"n1-bucket-64-fails", PROFILE, BUCKET_P, "name: " B64, "", 0, "",
         "N1", E, 1, NULL},
        {"n1-template-bucket-63-passes", TEMPLATE, BUCKET_T, "BucketName: b",
         "1", 62, "", "N1", E, 0, NULL},
        {"n1-template-bucket-64-fails", TEMPLATE, BUCKET_T,
         "BucketName: " B64, "", 0, "", "N1", E, 1, NULL},
        {"n1-bucket-3-passes", TEMPLATE, BUCKET_T, "BucketName: abc", "", 0,
         "", "N1", E, 0, NULL},
        {"n1-bucket-2-fails", TEMPLATE, BUCKET_T, "BucketName: ab", "", 0,
         "", "N1", E, 1, NULL},
        {"n2-bucket-dot", PROFILE, BUCKET_P, "name: st.lab.bucket", "", 0, "",
         "N2", W, 1,
         "bucket name 'st.lab.bucket' contains '.', which breaks "
         "virtual-hosted https certificates"},
        {"n2-template-bucket-dot", TEMPLATE, BUCKET_T,
         "BucketName: st.lab.bucket", "", 0, "", "N2", W, 1,
         "bucket name 'st.lab.bucket' contains '.', which breaks "
         "virtual-hosted https certificates"},
        /* A name refused already is not warned about as well. */
        {"n2-not-on-a-refused-name", TEMPLATE, BUCKET_T,
         "BucketName: st..bucket", "", 0, "", "N2", W, 0, NULL},
        /* ---- N6/N7: log groups, names 1..512 ---- */
        {"n6-log-group-512-passes", PROFILE, LOGS_P, "name: /", "l",
         GW_LIM_LOG_GROUP_NAME_MAX - 1, "", "N6", E, 0, NULL},
        {"n6-log-group-513-fails", PROFILE, LOGS_P, "name: /", "l",
         GW_LIM_LOG_GROUP_NAME_MAX, "", "N6", E, 1, NULL},
        {"n6-template-log-group-512-passes", TEMPLATE, LOGS_T,
         "LogGroupName: /", "l", GW_LIM_LOG_GROUP_NAME_MAX - 1, "", "N6", E,
         0, NULL},
        {"n6-template-log-group-513-fails", TEMPLATE, LOGS_T,
         "LogGroupName: /", "l", GW_LIM_LOG_GROUP_NAME_MAX, "", "N6", E, 1,
         NULL},
        {"n7-template-retention-3653-passes", TEMPLATE, "RetentionInDays: 30",
         "RetentionInDays: 3653", "", 0, "", "N7", E, 0, NULL},
        {"n7-template-retention-3654-fails", TEMPLATE, "RetentionInDays: 30",
         "RetentionInDays: 3654", "", 0, "", "N7", E, 1,
         "log group 'Logs' has RetentionInDays 3654, which cloudwatch does "
         "not offer"},
        {"n7-template-no-retention", TEMPLATE, "      RetentionInDays: 30\n",
         "", "", 0, "", "N7", W, 1, "log group 'Logs' keeps its logs forever"},
        /* ---- N10: keys 128, values 256 characters, 50 tags ---- */
        {"n10-key-128-passes", PROFILE, TAGS_P, "tags:\n  ", "k",
         GW_LIM_TAG_KEY_MAX, ": lab\n", "N10", E, 0, NULL},
        {"n10-key-129-fails", PROFILE, TAGS_P, "tags:\n  ", "k",
         GW_LIM_TAG_KEY_MAX + 1, ": lab\n", "N10", E, 1, NULL},
        {"n10-value-256-passes", PROFILE, TAGS_P, "tags:\n  Team: ", "v",
         GW_LIM_TAG_VALUE_MAX, "\n", "N10", E, 0, NULL},
        {"n10-value-257-fails", PROFILE, TAGS_P, "tags:\n  Team: ", "v",
         GW_LIM_TAG_VALUE_MAX + 1, "\n", "N10", E, 1, NULL},
        {"n10-template-key-128-passes", TEMPLATE, TAGS_T, "        - {Key: ",
         "k", GW_LIM_TAG_KEY_MAX, ", Value: lab}\n", "N10", E, 0, NULL},
        {"n10-template-key-129-fails", TEMPLATE, TAGS_T, "        - {Key: ",
         "k", GW_LIM_TAG_KEY_MAX + 1, ", Value: lab}\n", "N10", E, 1, NULL},
        /* gwgen adds gwgen:stack: 49 of the profile's own make 50. */
        {"n10-profile-49-tags-pass", PROFILE, TAGS_P, "tags:\n", "  T%zu: v\n",
         GW_LIM_TAGS_MAX - 1, "", "N10", E, 0, NULL},
        {"n10-profile-50-tags-fail", PROFILE, TAGS_P, "tags:\n", "  T%zu: v\n",
         GW_LIM_TAGS_MAX, "", "N10", E, 1,
         "the profile has 51 tags (counting the profile's, its own and "
         "'gwgen:stack'), more than the 50 aws allows"},
        {"n10-template-50-tags-pass", TEMPLATE, TAGS_T, "",
         "        - {Key: T%zu, Value: v}\n", GW_LIM_TAGS_MAX, "", "N10", E, 0,
         NULL},
        {"n10-template-51-tags-fail", TEMPLATE, TAGS_T, "",
         "        - {Key: T%zu, Value: v}\n", GW_LIM_TAGS_MAX + 1, "", "N10",
         E, 1, "'Bucket' has 51 tags, more than the 50 aws allows"},
        /* ---- A1, A2, L10, S8: template only ---- */
        {"a1-literal-partition", TEMPLATE, "RetentionInDays: 30",
         "RetentionInDays: 30\n      KmsKeyId: arn:aws:kms:us-west-2:"
         "123456789012:key/k",
         "", 0, "", "A1", W, 1, NULL},
        {"a1-pseudo-partition-passes", TEMPLATE, "RetentionInDays: 30",
         "RetentionInDays: 30\n      KmsKeyId: !Sub arn:${AWS::Partition}:"
         "kms:us-west-2:123456789012:key/k",
         "", 0, "", "A1", W, 0, NULL},
        {"a2-literal-principal", TEMPLATE, RES_T,
         RES_T "  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
               "      AssumeRolePolicyDocument:\n        Statement:\n"
               "          - Effect: Allow\n            Principal:\n"
               "              Service: [ec2.amazonaws.com]\n"
               "            Action: sts:AssumeRole\n",
         "", 0, "", "A2", W, 1,
         "role 'Role' trusts 'ec2.amazonaws.com', but the principal of "
         "'ec2' in aws-cn is 'ec2.amazonaws.com.cn'"},
        /* ec2 is ec2.DNS_SUFFIX in aws, aws-cn and aws-us-gov alike */
        {"a2-url-suffix-ec2", TEMPLATE, RES_T,
         RES_T "  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
               "      AssumeRolePolicyDocument:\n        Statement:\n"
               "          - Effect: Allow\n            Principal:\n"
               "              Service: [!Sub \"ec2.${AWS::URLSuffix}\"]\n"
               "            Action: sts:AssumeRole\n",
         "", 0, "", "A2", W, 0, NULL},
        {"l10-unknown-variable", TEMPLATE, "LogGroupName: /aws/batch/st",
         "LogGroupName: !Sub /aws/batch/${Lab}", "", 0, "", "L10", E, 1,
         "!Sub refers to '${Lab}', which is no parameter, resource or "
         "pseudo parameter"},
        {"l10-pseudo-and-resource-pass", TEMPLATE,
         "LogGroupName: /aws/batch/st",
         "LogGroupName: !Sub /aws/batch/${AWS::StackName}-${Bucket}-${!x}",
         "", 0, "", "L10", E, 0, NULL},
        {"s8-port-22-open", TEMPLATE, RES_T,
         RES_T "  Ssh:\n    Type: AWS::EC2::SecurityGroupIngress\n"
               "    Properties:\n      GroupId: sg-1\n      IpProtocol: tcp\n"
               "      FromPort: 20\n      ToPort: 22\n"
               "      CidrIp: 0.0.0.0/0\n",
         "", 0, "", "S8", W, 1,
         "'Ssh' opens ssh (port 22) to the whole internet"},
        {"s8-port-23-passes", TEMPLATE, RES_T,
         RES_T "  Ssh:\n    Type: AWS::EC2::SecurityGroupIngress\n"
               "    Properties:\n      GroupId: sg-1\n      IpProtocol: tcp\n"
               "      FromPort: 23\n      ToPort: 23\n"
               "      CidrIp: 0.0.0.0/0\n",
         "", 0, "", "S8", W, 0, NULL},
};

static void run_row(void **state)
{
	const struct row *r = *state;
	const char *base = r->path == PROFILE ? base_profile : base_template;
	char *repl = rows_repeat(r->pre, r->each, r->count, r->post);
	rows_run(r->name, base, r->path == PROFILE, r->find, repl, r->rule,
	         r->sev, r->want, r->msg);
	free(repl);
}

static void test_bases_are_clean(void **state)
{
	(void)state;
	rows_bases_clean(base_profile, base_template, false);
}

int main(void)
{
	struct CMUnitTest tests[GW_ARRAY_LEN(rows) + 1];
	tests[0] = (struct CMUnitTest)cmocka_unit_test(test_bases_are_clean);
	for (size_t i = 0; i < GW_ARRAY_LEN(rows); i++) {
		tests[i + 1] = (struct CMUnitTest){
		        .name = rows[i].name,
		        .test_func = run_row,
		        .initial_state = (void *)&rows[i],
		};
	}
	return _cmocka_run_group_tests("rules_stack", tests,
	                               GW_ARRAY_LEN(tests), NULL, NULL);
}
