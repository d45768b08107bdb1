/* SPDX-License-Identifier: MIT */
/*
 * The IAM rule family (src/verify/iam_rules.c) through the public API, on
 * both sides: each row edits a clean profile (gw_profile_load_string +
 * gw_verify_model) or a clean template (gw_verify_template_text) and names
 * the rule that must fire, how often, and what it says. Limits are tested
 * at the boundary: the value at the limit passes, one past fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "report.h"
#include "profile.h"
#include "rows.h"
#include "util.h"
#include "verify.h"

/* A profile without findings. */
static const char base_profile[] =
        "name: iam\n"
        "description: iam rules\n"
        "region: us-west-2\n"
        "account_id: \"123456789012\"\n"
        "bucket:\n"
        "  name: iam-lab-bucket\n"
        "policies:\n"
        "  - name: jobs\n"
        "    statements:\n"
        "      - actions: [s3:ListBucket]\n"
        "        resources: [bucket]\n"
        "      - actions: [iam:PassRole]\n"
        "        resources: [\"role:job\"]\n"
        "roles:\n"
        "  - name: job\n"
        "    trust: [ecs-tasks]\n"
        "    policies: [jobs]\n"
        "groups:\n"
        "  - name: team\n"
        "    policies: [jobs]\n"
        "users:\n"
        "  - name: alice\n"
        "    groups: [team]\n";

/* A template without errors (notes allowed). */
static const char base_template[] =
        "AWSTemplateFormatVersion: \"2010-09-09\"\n"
        "Resources:\n"
        "  JobRole:\n"
        "    Type: AWS::IAM::Role\n"
        "    Properties:\n"
        "      RoleName: job\n"
        "      AssumeRolePolicyDocument:\n"
        "        Statement:\n"
        "          - Effect: Allow\n"
        "            Principal:\n"
        "              Service: ecs-tasks.amazonaws.com\n"
        "            Action: sts:AssumeRole\n"
        "      Policies:\n"
        "        - PolicyName: jobs\n"
        "          PolicyDocument:\n"
        "            Statement:\n"
        "              - Effect: Allow\n"
        "                Action: [s3:ListBucket]\n"
        "                Resource: !Sub \"arn:${AWS::Partition}:s3:::"
        "iam-lab-bucket\"\n"
        "              - Effect: Allow\n"
        "                Action: [iam:PassRole]\n"
        "                Resource: !Sub \"arn:${AWS::Partition}:iam::"
        "${AWS::AccountId}:role/job\"\n"
        "  Team:\n"
        "    Type: AWS::IAM::Group\n"
        "    Properties:\n"
        "      GroupName: team\n"
        "  Alice:\n"
        "    Type: AWS::IAM::User\n"
        "    Properties:\n"
        "      Groups: [!Ref Team]\n";

enum side { GW_PROFILE_SIDE, GW_TEMPLATE_SIDE };

struct row {
	enum side side;
	const char *name;
	const char *find, *repl;
	const char *rule;
	enum gw_severity sev;
	size_t want;     /* findings of 'rule' at 'sev' */
	const char *msg; /* when set, one of them says exactly this */
	size_t fill;     /* '@FILL@' in 'repl' becomes this many 'A's */
};

static const struct row rows[] = {
        /* S1: '*' on Allow; the same message on both sides */
        {GW_PROFILE_SIDE, "p-s1-star",
         "[s3:ListBucket]",
         "[\"*\"]",
         "S1", GW_SEV_ERROR, 1, "policy 'jobs' allows '*', every aws action", 0},
        {GW_TEMPLATE_SIDE, "t-s1-star",
         "Action: [s3:ListBucket]",
         "Action: [\"*\"]",
         "S1", GW_SEV_ERROR, 1, "role 'JobRole' allows '*', every aws action", 0},
        /* Deny may use any wildcard (the profile used to refuse '*' on Deny) */
        {GW_PROFILE_SIDE, "p-s1-star-deny",
         "      - actions: [s3:ListBucket]\n",
         "      - actions: [\"*\"]\n"
         "        effect: Deny\n",
         "S1", GW_SEV_ERROR, 0, NULL, 0},
        {GW_TEMPLATE_SIDE, "t-s1-star-deny",
         "- Effect: Allow\n"
         "                Action: [s3:ListBucket]",
         "- Effect: Deny\n"
         "                Action: [\"*\"]",
         "S1", GW_SEV_ERROR, 0, NULL, 0},
        {GW_PROFILE_SIDE, "p-s1-service-deny",
         "      - actions: [s3:ListBucket]\n",
         "      - actions: [\"s3:*\"]\n"
         "        effect: Deny\n",
         "S1", GW_SEV_WARNING, 0, NULL, 0},
        {GW_PROFILE_SIDE, "p-s1-service-allow",
         "[s3:ListBucket]",
         "[\"s3:*\"]",
         "S1", GW_SEV_WARNING, 1, "policy 'jobs' allows 's3:*', every action of the service", 0},
        /* S4: the form; IAM compares ignoring case */
        {GW_PROFILE_SIDE, "p-s4-form",
         "[s3:ListBucket]",
         "[s3ListBucket]",
         "S4", GW_SEV_ERROR, 1, "action 's3ListBucket' in policy 'jobs' is not of the form se"
         "rvice:Action", 0},
        {GW_TEMPLATE_SIDE, "t-s4-form",
         "Action: [s3:ListBucket]",
         "Action: [s3ListBucket]",
         "S4", GW_SEV_ERROR, 1, "action 's3ListBucket' in role 'JobRole' is not of the form s"
         "ervice:Action", 0},
        {GW_PROFILE_SIDE, "p-s4-upper-service",
         "[s3:ListBucket]",
         "[S3:LISTBUCKET]",
         "S4", GW_SEV_ERROR, 0, NULL, 0},
        {GW_PROFILE_SIDE, "p-s7-upper-service",
         "[s3:ListBucket]",
         "[S3:LISTBUCKET]",
         "S7", GW_SEV_ERROR, 0, NULL, 0},
        /* S5, S6: now on templates too */
        {GW_TEMPLATE_SIDE, "t-s5-effect",
         "- Effect: Allow\n"
         "                Action: [s3:ListBucket]",
         "- Effect: Permit\n"
         "                Action: [s3:ListBucket]",
         "S5", GW_SEV_ERROR, 1, "effect 'Permit' is not 'Allow' or 'Deny'", 0},
        {GW_TEMPLATE_SIDE, "t-s5-sid",
         "- Effect: Allow\n"
         "                Action: [s3:ListBucket]",
         "- Sid: list-bucket\n"
         "                Effect: Allow\n"
         "                Action: [s3:ListBucket]",
         "S5", GW_SEV_ERROR, 1, "sid 'list-bucket' has a character other than letters and dig"
         "its", 0},
        {GW_TEMPLATE_SIDE, "t-s5-sid-pass",
         "- Effect: Allow\n"
         "                Action: [s3:ListBucket]",
         "- Sid: ListBucket1\n"
         "                Effect: Allow\n"
         "                Action: [s3:ListBucket]",
         "S5", GW_SEV_ERROR, 0, NULL, 0},
        {GW_TEMPLATE_SIDE, "t-s6-no-resource",
         "                Resource: !Sub \"arn:${AWS::Partition}:s3:::"
         "iam-lab-bucket\"\n",
         "",
         "S6", GW_SEV_ERROR, 1, "statement in role 'JobRole' has no resources", 0},
        {GW_TEMPLATE_SIDE, "t-s6-not-resource",
         "Resource: !Sub \"arn:${AWS::Partition}:s3:::iam-lab-bucket\"",
         "NotResource: \"arn:aws:s3:::other-bucket\"",
         "S6", GW_SEV_ERROR, 0, NULL, 0},
        {GW_TEMPLATE_SIDE, "t-s6-no-action",
         "                Action: [s3:ListBucket]\n",
         "",
         "S6", GW_SEV_ERROR, 1, "statement in role 'JobRole' has no actions", 0},
        /* S7: one wording on both sides */
        {GW_PROFILE_SIDE, "p-s7-unknown",
         "[s3:ListBucket]",
         "[s3:ListBuckets]",
         "S7", GW_SEV_ERROR, 1, "action 's3:ListBuckets' is not an action of service 's3', so"
         " iam refuses the policy", 0},
        {GW_TEMPLATE_SIDE, "t-s7-unknown",
         "Action: [s3:ListBucket]",
         "Action: [s3:ListBuckets]",
         "S7", GW_SEV_ERROR, 1, "action 's3:ListBuckets' is not an action of service 's3', so"
         " iam refuses the policy", 0},
        {GW_TEMPLATE_SIDE, "t-s7-unknown-service",
         "Action: [s3:ListBucket]",
         "Action: [s4:ListBucket]",
         "S7", GW_SEV_ERROR, 1, "action 's4:ListBucket' names service 's4', which iam does no"
         "t know", 0},
        /* S2 */
        {GW_PROFILE_SIDE, "p-s2-star",
         "resources: [bucket]",
         "resources: [\"*\"]",
         "S2", GW_SEV_WARNING, 1, "policy 'jobs' allows 's3:ListBucket' on resource '*' althoug"
         "h the action supports resource-level permissions", 0},
        {GW_TEMPLATE_SIDE, "t-s2-star",
         "Resource: !Sub \"arn:${AWS::Partition}:s3:::iam-lab-bucket\"",
         "Resource: \"*\"",
         "S2", GW_SEV_WARNING, 1, "role 'JobRole' allows 's3:ListBucket' on resource '*' althou"
         "gh the action supports resource-level permissions", 0},
        /* S3: '*', wildcard role names, IAM ARNs starting with a wildcard */
        {GW_PROFILE_SIDE, "p-s3-star",
         "\"role:job\"",
         "\"*\"",
         "S3", GW_SEV_ERROR, 1, "policy 'jobs' allows iam:PassRole on '*', not on a named rol"
         "e", 0},
        {GW_TEMPLATE_SIDE, "t-s3-star",
         "Resource: !Sub \"arn:${AWS::Partition}:iam::${AWS::AccountId"
         "}:role/job\"",
         "Resource: \"*\"",
         "S3", GW_SEV_ERROR, 1, "role 'JobRole' allows iam:PassRole on '*', not on a named ro"
         "le", 0},
        {GW_PROFILE_SIDE, "p-s3-iam-star",
         "\"role:job\"",
         "\"arn:aws:iam::123456789012:*\"",
         "S3", GW_SEV_ERROR, 1, NULL, 0},
        {GW_TEMPLATE_SIDE, "t-s3-iam-star",
         "role/job\"",
         "*\"",
         "S3", GW_SEV_ERROR, 1, NULL, 0},
        {GW_TEMPLATE_SIDE, "t-s3-iam-user-star",
         "role/job\"",
         "user/*\"",
         "S3", GW_SEV_ERROR, 0, NULL, 0},
        /* PassRole next to a non-role ARN passes no role (the profile used to refuse it) */
        {GW_PROFILE_SIDE, "p-s3-other-arn",
         "\"role:job\"",
         "\"arn:aws:s3:::iam-lab-bucket\"",
         "S3", GW_SEV_ERROR, 0, NULL, 0},
        /* A4 pairs: now on templates too */
        {GW_PROFILE_SIDE, "p-a4-list-objects",
         "resources: [bucket]",
         "resources: [bucket/*]",
         "A4", GW_SEV_WARNING, 1, "policy 'jobs' allows s3:ListBucket but not on the bucket arn"
         ", so listing fails", 0},
        {GW_TEMPLATE_SIDE, "t-a4-list-objects",
         "s3:::iam-lab-bucket\"",
         "s3:::iam-lab-bucket/*\"",
         "A4", GW_SEV_WARNING, 1, "role 'JobRole' allows s3:ListBucket but not on the bucket ar"
         "n, so listing fails", 0},
        {GW_TEMPLATE_SIDE, "t-a4-get-bucket",
         "Action: [s3:ListBucket]",
         "Action: [s3:GetObject]",
         "A4", GW_SEV_WARNING, 1, "role 'JobRole' allows s3:GetObject but only on the bucket ar"
         "n, which matches no object", 0},
        {GW_PROFILE_SIDE, "p-a4-literal-arn",
         "resources: [bucket]",
         "resources: [\"arn:aws:s3:::iam-lab-bucket/*\"]",
         "A4", GW_SEV_WARNING, 1, NULL, 0},
        /* N3: role names at most 64, other IAM names at most 128 */
        {GW_PROFILE_SIDE, "p-n3-role-64",
         "  - name: job\n",
         "  - name: rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"
         "rrrrrrrrrrrrrr\n",
         "N3", GW_SEV_ERROR, 0, NULL, 0},
        {GW_PROFILE_SIDE, "p-n3-role-65",
         "  - name: job\n",
         "  - name: rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"
         "rrrrrrrrrrrrrrr\n",
         "N3", GW_SEV_ERROR, 1, "role name 'rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"
         "rrrrrrrrrrrrrrrr' must be at most 64 characters", 0},
        {GW_TEMPLATE_SIDE, "t-n3-role-64",
         "RoleName: job",
         "RoleName: rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"
         "rrrrrrrrrrrrrr",
         "N3", GW_SEV_ERROR, 0, NULL, 0},
        {GW_TEMPLATE_SIDE, "t-n3-role-65",
         "RoleName: job",
         "RoleName: rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"
         "rrrrrrrrrrrrrrr",
         "N3", GW_SEV_ERROR, 1, "RoleName 'rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"
         "rrrrrrrrrrrrrrr' must be at most 64 characters", 0},
        {GW_PROFILE_SIDE, "p-n3-group-128",
         "  - name: team\n",
         "  - name: gggggggggggggggggggggggggggggggggggggggggggggggggg"
         "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg"
         "gggggggggggggggggg\n",
         "N3", GW_SEV_ERROR, 0, NULL, 0},
        {GW_PROFILE_SIDE, "p-n3-group-129",
         "  - name: team\n",
         "  - name: gggggggggggggggggggggggggggggggggggggggggggggggggg"
         "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg"
         "ggggggggggggggggggg\n",
         "N3", GW_SEV_ERROR, 1, NULL, 0},
        {GW_TEMPLATE_SIDE, "t-n3-group-128",
         "GroupName: team",
         "GroupName: ggggggggggggggggggggggggggggggggggggggggggggggggg"
         "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg"
         "ggggggggggggggggggg",
         "N3", GW_SEV_ERROR, 0, NULL, 0},
        {GW_TEMPLATE_SIDE, "t-n3-group-129",
         "GroupName: team",
         "GroupName: ggggggggggggggggggggggggggggggggggggggggggggggggg"
         "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg"
         "gggggggggggggggggggg",
         "N3", GW_SEV_ERROR, 1, NULL, 0},
        /* N8: 20 managed policies (the profile's customer-managed ones count), 10 groups */
        {GW_PROFILE_SIDE, "p-n8-managed-20",
         "    policies: [jobs]\n"
         "groups:",
         "    policies: [jobs]\n"
         "    managed: [AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess"
         ", AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess, AmazonS3Re"
         "adOnlyAccess, AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess"
         ", AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess, AmazonS3Re"
         "adOnlyAccess, AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess"
         ", AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess, AmazonS3Re"
         "adOnlyAccess, AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess"
         ", AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess]\n"
         "groups:",
         "N8", GW_SEV_ERROR, 0, NULL, 0},
        {GW_PROFILE_SIDE, "p-n8-managed-21",
         "    policies: [jobs]\n"
         "groups:",
         "    policies: [jobs]\n"
         "    managed: [AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess"
         ", AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess, AmazonS3Re"
         "adOnlyAccess, AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess"
         ", AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess, AmazonS3Re"
         "adOnlyAccess, AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess"
         ", AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess, AmazonS3Re"
         "adOnlyAccess, AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess"
         ", AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess, AmazonS3Re"
         "adOnlyAccess]\n"
         "groups:",
         "N8", GW_SEV_ERROR, 1, "role 'job' attaches 21 managed policies, more than the 20 ia"
         "m allows", 0},
        {GW_TEMPLATE_SIDE, "t-n8-managed-20",
         "      Policies:\n",
         "      ManagedPolicyArns: [!Sub \"arn:${AWS::Partition}:iam::"
         "aws:policy/ReadOnlyAccess\", !Sub \"arn:${AWS::Partition}:ia"
         "m::aws:policy/ReadOnlyAccess\", !Sub \"arn:${AWS::Partition}"
         ":iam::aws:policy/ReadOnlyAccess\", !Sub \"arn:${AWS::Partiti"
         "on}:iam::aws:policy/ReadOnlyAccess\", !Sub \"arn:${AWS::Part"
         "ition}:iam::aws:policy/ReadOnlyAccess\", !Sub \"arn:${AWS::P"
         "artition}:iam::aws:policy/ReadOnlyAccess\", !Sub \"arn:${AWS"
         "::Partition}:iam::aws:policy/ReadOnlyAccess\", !Sub \"arn:${"
         "AWS::Partition}:iam::aws:policy/ReadOnlyAccess\", !Sub \"arn"
         ":${AWS::Partition}:iam::aws:policy/ReadOnlyAccess\", !Sub \""
         "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess\", !Sub"
         " \"arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess\", !"
         "Sub \"arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess\""
         ", !Sub \"arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAcces"
         "s\", !Sub \"arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAc"
         "cess\", !Sub \"arn:${AWS::Partition}:iam::aws:policy/ReadOnl"
         "yAccess\", !Sub \"arn:${AWS::Partition}:iam::aws:policy/Read"
         "OnlyAccess\", !Sub \"arn:${AWS::Partition}:iam::aws:policy/R"
         "eadOnlyAccess\", !Sub \"arn:${AWS::Partition}:iam::aws:polic"
         "y/ReadOnlyAccess\", !Sub \"arn:${AWS::Partition}:iam::aws:po"
         "licy/ReadOnlyAccess\", !Sub \"arn:${AWS::Partition}:iam::aws"
         ":policy/ReadOnlyAccess\"]\n"
         "      Policies:\n",
         "N8", GW_SEV_ERROR, 0, NULL, 0},
        {GW_TEMPLATE_SIDE, "t-n8-managed-21",
         "      Policies:\n",
         "      ManagedPolicyArns: [!Sub \"arn:${AWS::Partition}:iam::"
         "aws:policy/ReadOnlyAccess\", !Sub \"arn:${AWS::Partition}:ia"
         "m::aws:policy/ReadOnlyAccess\", !Sub \"arn:${AWS::Partition}"
         ":iam::aws:policy/ReadOnlyAccess\", !Sub \"arn:${AWS::Partiti"
         "on}:iam::aws:policy/ReadOnlyAccess\", !Sub \"arn:${AWS::Part"
         "ition}:iam::aws:policy/ReadOnlyAccess\", !Sub \"arn:${AWS::P"
         "artition}:iam::aws:policy/ReadOnlyAccess\", !Sub \"arn:${AWS"
         "::Partition}:iam::aws:policy/ReadOnlyAccess\", !Sub \"arn:${"
         "AWS::Partition}:iam::aws:policy/ReadOnlyAccess\", !Sub \"arn"
         ":${AWS::Partition}:iam::aws:policy/ReadOnlyAccess\", !Sub \""
         "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess\", !Sub"
         " \"arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess\", !"
         "Sub \"arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess\""
         ", !Sub \"arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAcces"
         "s\", !Sub \"arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAc"
         "cess\", !Sub \"arn:${AWS::Partition}:iam::aws:policy/ReadOnl"
         "yAccess\", !Sub \"arn:${AWS::Partition}:iam::aws:policy/Read"
         "OnlyAccess\", !Sub \"arn:${AWS::Partition}:iam::aws:policy/R"
         "eadOnlyAccess\", !Sub \"arn:${AWS::Partition}:iam::aws:polic"
         "y/ReadOnlyAccess\", !Sub \"arn:${AWS::Partition}:iam::aws:po"
         "licy/ReadOnlyAccess\", !Sub \"arn:${AWS::Partition}:iam::aws"
         ":policy/ReadOnlyAccess\", !Sub \"arn:${AWS::Partition}:iam::"
         "aws:policy/ReadOnlyAccess\"]\n"
         "      Policies:\n",
         "N8", GW_SEV_ERROR, 1, "role 'JobRole' attaches 21 managed policies, more than the 2"
         "0 iam allows", 0},
        {GW_PROFILE_SIDE, "p-n8-groups-10",
         "groups: [team]",
         "groups: [team, team, team, team, team, team, team, team, tea"
         "m, team]",
         "N8", GW_SEV_ERROR, 0, NULL, 0},
        {GW_PROFILE_SIDE, "p-n8-groups-11",
         "groups: [team]",
         "groups: [team, team, team, team, team, team, team, team, tea"
         "m, team, team]",
         "N8", GW_SEV_ERROR, 1, "user 'alice' is in 11 groups, more than the 10 iam allows", 0},
        {GW_TEMPLATE_SIDE, "t-n8-groups-10",
         "Groups: [!Ref Team]",
         "Groups: [team, team, team, team, team, team, team, team, tea"
         "m, team]",
         "N8", GW_SEV_ERROR, 0, NULL, 0},
        {GW_TEMPLATE_SIDE, "t-n8-groups-11",
         "Groups: [!Ref Team]",
         "Groups: [team, team, team, team, team, team, team, team, tea"
         "m, team, team]",
         "N8", GW_SEV_ERROR, 1, "user 'Alice' is in 11 groups, more than the 10 iam allows", 0},
        /* N9: 6144 characters of minified JSON */
        {GW_TEMPLATE_SIDE, "t-n9-6144",
         "Resources:\n",
         "Resources:\n"
         "  Big:\n"
         "    Type: AWS::IAM::ManagedPolicy\n"
         "    Properties:\n"
         "      PolicyDocument:\n"
         "        Statement:\n"
         "          - Sid: @FILL@\n"
         "            Effect: Allow\n"
         "            Action: s3:GetObject\n"
         "            Resource: \"*\"\n",
         "N9", GW_SEV_ERROR, 0, NULL, 6062},
        {GW_TEMPLATE_SIDE, "t-n9-6145",
         "Resources:\n",
         "Resources:\n"
         "  Big:\n"
         "    Type: AWS::IAM::ManagedPolicy\n"
         "    Properties:\n"
         "      PolicyDocument:\n"
         "        Statement:\n"
         "          - Sid: @FILL@\n"
         "            Effect: Allow\n"
         "            Action: s3:GetObject\n"
         "            Resource: \"*\"\n",
         "N9", GW_SEV_ERROR, 1, "policy 'Big' renders to about 6145 characters, more than the"
         " 6144 iam allows for a managed policy", 6063},
        {GW_PROFILE_SIDE, "p-n9-6144",
         "roles:\n",
         "  - name: big\n"
         "    statements:\n"
         "      - sid: @FILL@\n"
         "        actions: [s3:GetObject]\n"
         "        resources: [\"*\"]\n"
         "roles:\n",
         "N9", GW_SEV_ERROR, 0, NULL, 6032},
        {GW_PROFILE_SIDE, "p-n9-6145",
         "roles:\n",
         "  - name: big\n"
         "    statements:\n"
         "      - sid: @FILL@\n"
         "        actions: [s3:GetObject]\n"
         "        resources: [\"*\"]\n"
         "roles:\n",
         "N9", GW_SEV_ERROR, 1, "policy 'big' renders to about 6145 characters, more than the"
         " 6144 iam allows for a managed policy", 6033},
        /* R1, A2 */
        {GW_TEMPLATE_SIDE, "t-r1-two-roles",
         "Resources:\n",
         "Resources:\n"
         "  Profile:\n"
         "    Type: AWS::IAM::InstanceProfile\n"
         "    Properties:\n"
         "      Roles: [!Ref JobRole, !Ref JobRole]\n",
         "R1", GW_SEV_ERROR, 1, "instance profile 'Profile' has 2 roles; it takes exactly 1", 0},
        {GW_TEMPLATE_SIDE, "t-r1-one-role",
         "Resources:\n",
         "Resources:\n"
         "  Profile:\n"
         "    Type: AWS::IAM::InstanceProfile\n"
         "    Properties:\n"
         "      Roles: [!Ref JobRole]\n",
         "R1", GW_SEV_ERROR, 0, NULL, 0},
        /* A2: ecs-tasks is ecs-tasks.amazonaws.com in aws-cn too
         * (terraform-aws-ecs#124), so ${AWS::URLSuffix} is wrong there
         * and the literal (the base) is right everywhere. */
        {GW_TEMPLATE_SIDE, "t-a2-url-suffix",
         "Service: ecs-tasks.amazonaws.com\n",
         "Service: !Sub \"ecs-tasks.${AWS::URLSuffix}\"\n",
         "A2", GW_SEV_WARNING, 1, "role 'JobRole' trusts "
         "'ecs-tasks.${AWS::URLSuffix}', which is "
         "'ecs-tasks.amazonaws.com.cn' in aws-cn, where the principal is "
         "'ecs-tasks.amazonaws.com'", 0},
        {GW_TEMPLATE_SIDE, "t-a2-cn-suffix",
         "Service: ecs-tasks.amazonaws.com\n",
         "Service: ecs-tasks.amazonaws.com.cn\n",
         "A2", GW_SEV_WARNING, 1, "role 'JobRole' trusts "
         "'ecs-tasks.amazonaws.com.cn', but the principal of 'ecs-tasks' "
         "in aws is 'ecs-tasks.amazonaws.com'", 0},
        /* A2: a partition without sourced principals (principal.c) */
        {GW_PROFILE_SIDE, "p-a2-unsourced-partition",
         "region: us-west-2\n", "region: us-iso-east-1\n",
         "A2", GW_SEV_WARNING, 1, "role 'job' trusts 'ecs-tasks', whose "
         "principal in partition 'aws-iso' gwgen has no source for; it "
         "writes 'ecs-tasks.amazonaws.com'", 0},
        {GW_PROFILE_SIDE, "p-a2-aws-cn-sourced",
         "region: us-west-2\n", "region: cn-north-1\n",
         "A2", GW_SEV_WARNING, 0, NULL, 0},
        {GW_PROFILE_SIDE, "p-r1-no-trust",
         "    trust: [ecs-tasks]\n",
         "    trust: []\n",
         "R1", GW_SEV_ERROR, 1, "role 'job' trusts no service", 0},
};

static void run_row(void **state)
{
	const struct row *r = *state;
	const char *base =
	        r->side == GW_PROFILE_SIDE ? base_profile : base_template;
	char *repl = gw_xstrdup(r->repl);
	if (r->fill) {
		char *a = gw_xmalloc(r->fill + 1);
		memset(a, 'A', r->fill);
		a[r->fill] = '\0';
		char *next = rows_patch(repl, "@FILL@", a);
		free(a);
		free(repl);
		repl = next;
	}
	char *text = rows_patch(base, r->find, repl);
	free(repl);
	struct gw_diags d;
	gw_diags_init(&d);
	bool ok;
	if (r->side == GW_PROFILE_SIDE) {
		struct gw_model *m =
		        gw_profile_load_string(text, strlen(text), "t.yaml", &d);
		if (!m) {
			gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
			fail_msg("%s: the loader refused the profile", r->name);
		}
		ok = gw_verify_model(m, &d);
		gw_model_destroy(m);
	} else {
		ok = gw_verify_template_text(text, strlen(text), "t.yaml", &d);
	}
	size_t n = rows_count(&d, r->rule, r->sev, NULL);
	bool said = !r->msg || rows_count(&d, r->rule, r->sev, r->msg) > 0;
	if (n != r->want || !said) {
		gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
		fail_msg("%s: %zu findings of %s (%s), want %zu%s%s", r->name, n,
		         r->rule, gw_severity_name(r->sev), r->want,
		         r->msg ? " saying: " : "", r->msg ? r->msg : "");
	}
	assert_true(ok == (d.n_errors == 0));
	gw_diags_finish(&d);
	free(text);
}

/* Both bases are clean, so every finding a row counts comes from its
 * edit. */
static void test_bases_are_clean(void **state)
{
	(void)state;
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_model *m = gw_profile_load_string(
	        base_profile, strlen(base_profile), "p.yaml", &d);
	assert_non_null(m);
	assert_true(gw_verify_model(m, &d));
	gw_model_destroy(m);
	assert_true(gw_verify_template_text(base_template, strlen(base_template),
	                                    "t.yaml", &d));
	assert_int_equal(d.n_errors, 0);
	for (size_t i = 0; i < d.n; i++) {
		assert_int_not_equal(d.v[i].sev, GW_SEV_WARNING);
	}
	gw_diags_finish(&d);
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
	return _cmocka_run_group_tests("rules_iam", tests, GW_ARRAY_LEN(tests),
	                               NULL, NULL);
}
