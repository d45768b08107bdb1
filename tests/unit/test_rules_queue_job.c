/* SPDX-License-Identifier: MIT */
/*
 * The job queue and job definition rules (src/verify/queue.c, job.c) on
 * both inputs: a profile through gw_profile_load_string + gw_verify_model,
 * and a CloudFormation template through gw_verify_template_text. Each limit
 * has its boundary rows: the value at the limit passes, one past it fails.
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
#include "model.h"
#include "profile.h"
#include "rows.h"
#include "util.h"
#include "verify.h"

/* A profile with no errors and no warnings. */
static const char base_profile[] =
        "name: qj\n"
        "description: queue and job rules\n"
        "region: us-west-2\n"
        "account_id: \"123456789012\"\n"
        "roles:\n"
        "  - name: qj-instance\n"
        "    trust: [ec2]\n"
        "    managed: [service-role/AmazonEC2ContainerServiceforEC2Role]\n"
        "    instance_profile: true\n"
        "  - name: qj-job\n"
        "    trust: [ecs-tasks]\n"
        "compute_environments:\n"
        "  - name: ondemand\n"
        "    instance_types: [r6a.large, r6a.4xlarge]\n"
        "    max_vcpus: 256\n"
        "    instance_role: qj-instance\n"
        "  - name: spot\n"
        "    type: SPOT\n"
        "    allocation_strategy: SPOT_PRICE_CAPACITY_OPTIMIZED\n"
        "    instance_types: [c6a]\n"
        "    max_vcpus: 256\n"
        "    instance_role: qj-instance\n"
        "  - name: graviton\n"
        "    instance_types: [c6g]\n"
        "    max_vcpus: 256\n"
        "    instance_role: qj-instance\n"
        "job_queues:\n"
        "  - name: work\n"
        "    priority: 10\n"
        "    compute_environments: [ondemand]\n"
        /* The other compute environments in a queue each (R9). */
        "  - name: spot-work\n"
        "    priority: 5\n"
        "    compute_environments: [spot]\n"
        "  - name: arm-work\n"
        "    priority: 5\n"
        "    compute_environments: [graviton]\n"
        "job_definitions:\n"
        "  - name: job\n"
        "    image: public.ecr.aws/docker/library/ubuntu:24.04\n"
        "    vcpus: 4\n"
        "    memory_mib: 8192\n"
        "    job_role: qj-job\n"
        "    queue: work\n"
        "    timeout: 3600\n"
        "    attempts: 3\n";

/* A template with no errors and no warnings; the queue comes before the
 * compute environment it lists. */
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
        "  Profile:\n"
        "    Type: AWS::IAM::InstanceProfile\n"
        "    Properties:\n"
        "      Roles: [!Ref InstanceRole]\n"
        "  Queue:\n"
        "    Type: AWS::Batch::JobQueue\n"
        "    Properties:\n"
        "      Priority: 10\n"
        "      ComputeEnvironmentOrder:\n"
        "        - {Order: 1, ComputeEnvironment: !Ref CE}\n"
        "  CE:\n"
        "    Type: AWS::Batch::ComputeEnvironment\n"
        "    Properties:\n"
        "      Type: MANAGED\n"
        "      ComputeResources:\n"
        "        Type: EC2\n"
        "        AllocationStrategy: BEST_FIT_PROGRESSIVE\n"
        "        MaxvCpus: 256\n"
        "        InstanceTypes: [c5.4xlarge]\n"
        "        Subnets: [subnet-1]\n"
        "        InstanceRole: !GetAtt Profile.Arn\n"
        "        Ec2Configuration:\n"
        "          - ImageType: ECS_AL2023\n"
        "  SpotCE:\n"
        "    Type: AWS::Batch::ComputeEnvironment\n"
        "    Properties:\n"
        "      Type: MANAGED\n"
        "      ComputeResources:\n"
        "        Type: SPOT\n"
        "        AllocationStrategy: SPOT_PRICE_CAPACITY_OPTIMIZED\n"
        "        MaxvCpus: 256\n"
        "        InstanceTypes: [c5.4xlarge]\n"
        "        Subnets: [subnet-1]\n"
        "        InstanceRole: !GetAtt Profile.Arn\n"
        "        Ec2Configuration:\n"
        "          - ImageType: ECS_AL2023\n"
        "  ArmCE:\n"
        "    Type: AWS::Batch::ComputeEnvironment\n"
        "    Properties:\n"
        "      Type: MANAGED\n"
        "      ComputeResources:\n"
        "        Type: EC2\n"
        "        AllocationStrategy: BEST_FIT_PROGRESSIVE\n"
        "        MaxvCpus: 256\n"
        "        InstanceTypes: [c6g.4xlarge]\n"
        "        Subnets: [subnet-1]\n"
        "        InstanceRole: !GetAtt Profile.Arn\n"
        "        Ec2Configuration:\n"
        "          - ImageType: ECS_AL2023\n"
        "  Job:\n"
        "    Type: AWS::Batch::JobDefinition\n"
        "    Properties:\n"
        "      Type: container\n"
        "      ContainerProperties:\n"
        "        Image: public.ecr.aws/docker/library/ubuntu:24.04\n"
        "        ResourceRequirements:\n"
        "          - {Type: VCPU, Value: \"4\"}\n"
        "          - {Type: MEMORY, Value: \"8192\"}\n"
        "      Timeout:\n"
        "        AttemptDurationSeconds: 3600\n"
        "      RetryStrategy:\n"
        "        Attempts: 3\n"
        "        EvaluateOnExit:\n"
        "          - {OnStatusReason: \"Host EC2*\", Action: RETRY}\n"
        "          - {OnReason: \"*\", Action: EXIT}\n";

#define REPLACEMENTS 3

enum input { PROFILE, TEMPLATE };

struct row {
	const char *name;
	enum input in;
	const char *find[REPLACEMENTS], *repl[REPLACEMENTS];
	const char *rule;
	enum gw_severity sev;
	size_t want;     /* findings of 'rule' at 'sev' */
	const char *msg; /* when set, one of them says exactly this */
};

#define E GW_SEV_ERROR
#define W GW_SEV_WARNING
#define N GW_SEV_NOTE

#define N128 "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
#define I255 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define T_ORDER "        - {Order: 1, ComputeEnvironment: !Ref CE}\n"
#define T_LIMIT(secs)                                                          \
	"        - {Order: 1, ComputeEnvironment: !Ref CE}\n"                  \
	"      JobStateTimeLimitActions:\n"                                    \
	"        - {Action: CANCEL, State: RUNNABLE, MaxTimeSeconds: " secs    \
	", Reason: 'CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY'}\n"
#define T_EXIT "          - {OnReason: \"*\", Action: EXIT}\n"

static const struct row rows[] = {
        /* Q1: 1..3 compute environments, one message on both inputs */
        {"q1-profile-3", PROFILE, {"[ondemand]"},
         {"[ondemand, {name: spot, order: 2}, {name: graviton, order: 3}]"},
         "Q1", E, 0, NULL},
        {"q1-profile-4", PROFILE, {"[ondemand]"},
         {"[ondemand, spot, graviton, {name: ondemand, order: 9}]"}, "Q1",
         E, 1,
         "queue 'work' has 4 compute environments; a queue takes 1..3"},
        {"q1-template-3", TEMPLATE, {T_ORDER},
         {T_ORDER "        - {Order: 2, ComputeEnvironment: !Ref SpotCE}\n"
                  "        - {Order: 3, ComputeEnvironment: arn}\n"},
         "Q1", E, 0, NULL},
        {"q1-template-4", TEMPLATE, {T_ORDER},
         {T_ORDER "        - {Order: 2, ComputeEnvironment: !Ref SpotCE}\n"
                  "        - {Order: 3, ComputeEnvironment: arn1}\n"
                  "        - {Order: 4, ComputeEnvironment: arn2}\n"},
         "Q1", E, 1,
         "queue 'Queue' has 4 compute environments; a queue takes 1..3"},
        {"q1-template-none", TEMPLATE,
         {"      ComputeEnvironmentOrder:\n" T_ORDER}, {""}, "Q1", E, 1,
         "queue 'Queue' has 0 compute environments; a queue takes 1..3"},
        {"q1-template-service-order", TEMPLATE,
         {"      ComputeEnvironmentOrder:\n" T_ORDER},
         {"      ServiceEnvironmentOrder:\n"
          "        - {Order: 1, ServiceEnvironment: arn}\n"},
         "Q1", E, 0, NULL},
        /* Q2: Batch refuses a compute environment listed twice, on both */
        {"q2-template-same-ce", TEMPLATE, {T_ORDER},
         {T_ORDER "        - {Order: 2, ComputeEnvironment: !Ref CE}\n"},
         "Q2", E, 1,
         "queue 'Queue' lists compute environment 'CE' twice (orders 1 "
         "and 2)"},
        {"q2-template-same-order", TEMPLATE, {T_ORDER},
         {T_ORDER "        - {Order: 1, ComputeEnvironment: !Ref SpotCE}\n"},
         "Q2", E, 1, "queue 'Queue' gives order 1 to both 'CE' and 'SpotCE'"},
        {"q2-template-negative", TEMPLATE, {"{Order: 1,"}, {"{Order: -1,"},
         "Q2", E, 1, "queue 'Queue' gives order -1, below 0"},
        /* Q3: in templates too, once the queue's CEs are known (the
         * queue comes first in the document) */
        {"q3-template-arch", TEMPLATE, {T_ORDER},
         {T_ORDER "        - {Order: 2, ComputeEnvironment: !Ref ArmCE}\n"},
         "Q3", E, 1,
         "queue 'Queue' mixes x86_64 (CE) and arm64 (ArmCE) compute "
         "environments"},
        {"q3-profile-arch", PROFILE, {"[ondemand]"}, {"[ondemand, graviton]"},
         "Q3", E, 1,
         "queue 'work' mixes x86_64 (ondemand) and arm64 (graviton) compute "
         "environments"},
        /* Q4: priority 0..1000 */
        {"q4-profile-1000", PROFILE, {"priority: 10"}, {"priority: 1000"},
         "Q4", E, 0, NULL},
        {"q4-profile-1001", PROFILE, {"priority: 10"}, {"priority: 1001"},
         "Q4", E, 1, NULL},
        {"q4-template-1000", TEMPLATE, {"Priority: 10"}, {"Priority: 1000"},
         "Q4", E, 0, NULL},
        {"q4-template-1001", TEMPLATE, {"Priority: 10"}, {"Priority: 1001"},
         "Q4", E, 1, "queue 'Queue' has Priority 1001"},
        {"q4-template-0", TEMPLATE, {"Priority: 10"}, {"Priority: 0"}, "Q4",
         E, 0, NULL},
        {"q4-template--1", TEMPLATE, {"Priority: 10"}, {"Priority: -1"},
         "Q4", E, 1, "queue 'Queue' has Priority -1"},
        {"q4-template-missing", TEMPLATE, {"      Priority: 10\n"}, {""},
         "Q4", E, 1, "queue 'Queue' has no Priority"},
        /* Q5: names of 128 characters pass, 129 fail */
        {"q5-profile-128", PROFILE, {"name: work", "queue: work"},
         {"name: " N128, "queue: " N128}, "Q5", E, 0, NULL},
        {"q5-profile-129", PROFILE, {"name: work", "queue: work"},
         {"name: q" N128, "queue: q" N128}, "Q5", E, 1, NULL},
        {"q5-template-128", TEMPLATE, {"      Priority: 10\n"},
         {"      Priority: 10\n      JobQueueName: " N128 "\n"}, "Q5", E, 0,
         NULL},
        {"q5-template-129", TEMPLATE, {"      Priority: 10\n"},
         {"      Priority: 10\n      JobQueueName: q" N128 "\n"}, "Q5", E,
         1, NULL},
        /* Q6: 600..86400 seconds; 0 is "none" only in profiles */
        {"q6-profile-600", PROFILE, {"priority: 10\n"},
         {"priority: 10\n    runnable_timeout: 600\n"}, "Q6", E, 0, NULL},
        {"q6-profile-599", PROFILE, {"priority: 10\n"},
         {"priority: 10\n    runnable_timeout: 599\n"}, "Q6", E, 1, NULL},
        {"q6-profile-86400", PROFILE, {"priority: 10\n"},
         {"priority: 10\n    runnable_timeout: 86400\n"}, "Q6", E, 0, NULL},
        {"q6-profile-86401", PROFILE, {"priority: 10\n"},
         {"priority: 10\n    runnable_timeout: 86401\n"}, "Q6", E, 1, NULL},
        {"q6-profile-0", PROFILE, {"priority: 10\n"},
         {"priority: 10\n    runnable_timeout: 0\n"}, "Q6", E, 0, NULL},
        {"q6-template-600", TEMPLATE, {T_ORDER}, {T_LIMIT("600")}, "Q6", E,
         0, NULL},
        {"q6-template-599", TEMPLATE, {T_ORDER}, {T_LIMIT("599")}, "Q6", E,
         1, "queue 'Queue' has MaxTimeSeconds 599"},
        {"q6-template-86400", TEMPLATE, {T_ORDER}, {T_LIMIT("86400")}, "Q6",
         E, 0, NULL},
        {"q6-template-86401", TEMPLATE, {T_ORDER}, {T_LIMIT("86401")}, "Q6",
         E, 1, "queue 'Queue' has MaxTimeSeconds 86401"},
        {"q6-template-0", TEMPLATE, {T_ORDER}, {T_LIMIT("0")}, "Q6", E, 1,
         "queue 'Queue' has MaxTimeSeconds 0"},
        /* Q8: the same spill-over message on both inputs */
        {"q8-profile-spill", PROFILE, {"[ondemand]"},
         {"[spot, ondemand]"}, "Q8", W, 1,
         "queue 'work' spills over from spot to on-demand compute "
         "environment 'ondemand'; insufficient spot capacity can leave jobs "
         "runnable instead of moving them"},
        {"q8-template-spill", TEMPLATE, {"ComputeEnvironment: !Ref CE}"},
         {"ComputeEnvironment: !Ref SpotCE}\n"
          "        - {Order: 2, ComputeEnvironment: !Ref CE}"},
         "Q8", W, 1,
         "queue 'Queue' spills over from spot to on-demand compute "
         "environment 'CE'; insufficient spot capacity can leave jobs "
         "runnable instead of moving them"},
        {"q8-template-spot-only", TEMPLATE, {"ComputeEnvironment: !Ref CE}"},
         {"ComputeEnvironment: !Ref SpotCE}"}, "Q8", N, 1,
         "queue 'Queue' reaches only spot capacity"},
        /* Q9: the same message on both inputs */
        {"q9-profile", PROFILE, {"[ondemand]"}, {"[nope]"}, "Q9", E, 1,
         "queue 'work' uses compute environment 'nope', which the profile "
         "does not define"},
        {"q9-template", TEMPLATE, {"!Ref CE}"}, {"!Ref Nope}"}, "Q9", E, 1,
         "queue 'Queue' uses compute environment 'Nope', which the template "
         "does not define"},
        /* Q4 (W): queues that share a compute environment */
        {"q4-template-shared", TEMPLATE, {"  CE:\n"},
         {"  Queue2:\n    Type: AWS::Batch::JobQueue\n    Properties:\n"
          "      Priority: 10\n      ComputeEnvironmentOrder:\n"
          "        - {Order: 1, ComputeEnvironment: !Ref CE}\n  CE:\n"},
         "Q4", W, 1,
         "queues 'Queue' and 'Queue2' share a compute environment and both "
         "have priority 10, so neither goes first"},
        /* J1: names of 128 characters pass, 129 fail */
        {"j1-profile-128", PROFILE, {"name: job"}, {"name: " N128}, "J1", E,
         0, NULL},
        {"j1-profile-129", PROFILE, {"name: job"}, {"name: q" N128}, "J1", E,
         1, NULL},
        {"j1-template-129", TEMPLATE, {"      Type: container\n"},
         {"      Type: container\n      JobDefinitionName: q" N128 "\n"},
         "J1", E, 1, NULL},
        /* J2: at least 1 vCPU and 4 MiB */
        {"j2-profile-4mib", PROFILE, {"memory_mib: 8192"},
         {"memory_mib: 4"}, "J2", E, 0, NULL},
        {"j2-profile-3mib", PROFILE, {"memory_mib: 8192"},
         {"memory_mib: 3"}, "J2", E, 1,
         "job definition 'job' has memory_mib 3"},
        {"j2-template-4mib", TEMPLATE, {"Value: \"8192\""}, {"Value: \"4\""},
         "J2", E, 0, NULL},
        {"j2-template-3mib", TEMPLATE, {"Value: \"8192\""}, {"Value: \"3\""},
         "J2", E, 1, "job definition 'Job' has MEMORY 3"},
        {"j2-template-1vcpu", TEMPLATE, {"Value: \"4\""}, {"Value: \"1\""},
         "J2", E, 0, NULL},
        {"j2-template-0vcpu", TEMPLATE, {"Value: \"4\""}, {"Value: \"0\""},
         "J2", E, 1, "job definition 'Job' has VCPU 0"},
        /* J2/J13 on a Fargate template job: 0.25 vCPU takes 512, 1024
         * or 2048 MiB (Batch API ResourceRequirement); Fargate needs an
         * execution role (job_definition_parameters.md) */
#define FARGATE_JOB "      Type: container\n      PlatformCapabilities: [FARGATE]\n"
        {"j2-template-fargate-quarter", TEMPLATE,
         {"      Type: container\n", "Value: \"4\"", "Value: \"8192\""},
         {FARGATE_JOB, "Value: \"0.25\"", "Value: \"2048\""},
         "J2", E, 0, NULL},
        {"j2-template-fargate-quarter-4096", TEMPLATE,
         {"      Type: container\n", "Value: \"4\"", "Value: \"8192\""},
         {FARGATE_JOB, "Value: \"0.25\"", "Value: \"4096\""},
         "J2", E, 1,
         "job definition 'Job' runs on fargate with 0.25 vcpus, which takes "
         "512, 1024 or 2048 mib, not 4096"},
        {"j13-template-no-execution-role", TEMPLATE,
         {"      Type: container\n"}, {FARGATE_JOB}, "J13", E, 1,
         "job definition 'Job' runs on fargate without an execution role"},
        {"j13-template-execution-role", TEMPLATE,
         {"      Type: container\n", "        ResourceRequirements:\n"},
         {FARGATE_JOB, "        ExecutionRoleArn: arn:aws:iam::123456789012:"
                       "role/exec\n        ResourceRequirements:\n"},
         "J13", E, 0, NULL},
        /* J3: 16 vCPUs fit c5.4xlarge, 17 do not */
        {"j3-template-16", TEMPLATE, {"Value: \"4\""}, {"Value: \"16\""},
         "J3", E, 0, NULL},
        {"j3-template-17", TEMPLATE, {"Value: \"4\""}, {"Value: \"17\""},
         "J3", E, 1,
         "job definition 'Job' needs 17 vcpus but the largest instance type "
         "in this template (c5.4xlarge) has 16"},
        /* J4: c5.4xlarge has 32768 MiB (EC2 instance types); the ECS
         * agent reserves 32, so 32736 fit and 32737 do not; above 90%
         * (29491.2 MiB) is a warning */
        {"j4-template-32736", TEMPLATE, {"Value: \"8192\""},
         {"Value: \"32736\""}, "J4", E, 0, NULL},
        {"j4-template-32737", TEMPLATE, {"Value: \"8192\""},
         {"Value: \"32737\""}, "J4", E, 1,
         "job definition 'Job' needs 32737 mib but the largest instance "
         "type in this template (c5.4xlarge) has 32768 mib, at most 32736 "
         "after the ecs agent's 32 mib"},
        {"j4-template-29491", TEMPLATE, {"Value: \"8192\""},
         {"Value: \"29491\""}, "J4", W, 0, NULL},
        {"j4-template-29492", TEMPLATE, {"Value: \"8192\""},
         {"Value: \"29492\""}, "J4", W, 1,
         "job definition 'Job' needs 29492 mib, more than 90% of the 32768 "
         "mib of the roomiest fitting instance type (c5.4xlarge) in this "
         "template, so it may stay runnable"},
        /* J5: c5.4xlarge and c6g.4xlarge have no GPUs; g4dn.xlarge has
         * one NVIDIA T4 (EC2 accelerated computing instances) */
        {"j5-template-no-gpu-type", TEMPLATE,
         {"          - {Type: MEMORY, Value: \"8192\"}\n"},
         {"          - {Type: MEMORY, Value: \"8192\"}\n"
          "          - {Type: GPU, Value: \"1\"}\n"},
         "J5", E, 1,
         "job definition 'Job' needs 1 gpus but no instance type in this "
         "template has gpus"},
        {"j5-profile-no-gpu-type", PROFILE, {"    attempts: 3\n"},
         {"    attempts: 3\n    gpus: 1\n"}, "J5", E, 2,
         "job definition 'job' needs 1 gpus but no instance type reachable "
         "through queue 'work' has gpus"},
        {"j5-profile-g4dn-1", PROFILE,
         {"instance_types: [r6a.large, r6a.4xlarge]", "    attempts: 3\n"},
         {"instance_types: [g4dn.xlarge]\n    image_type: ECS_AL2023_NVIDIA",
          "    attempts: 3\n    gpus: 1\n"},
         "J5", E, 0, NULL},
        {"j5-profile-g4dn-2", PROFILE,
         {"instance_types: [r6a.large, r6a.4xlarge]", "    attempts: 3\n"},
         {"instance_types: [g4dn.xlarge]\n    image_type: ECS_AL2023_NVIDIA",
          "    attempts: 3\n    gpus: 2\n"},
         "J5", E, 1,
         "job definition 'job' needs 2 gpus but the instance type with the "
         "most gpus reachable through queue 'work' (g4dn.xlarge) has 1"},
        {"j5-profile-image", PROFILE,
         {"instance_types: [r6a.large, r6a.4xlarge]", "    attempts: 3\n"},
         {"instance_types: [g4dn.xlarge]", "    attempts: 3\n    gpus: 1\n"},
         "J5", E, 1,
         "job definition 'job' needs gpus but compute environment 'ondemand' "
         "of queue 'work' uses image type 'ECS_AL2023' without nvidia "
         "drivers"},
        /* J6: at least 60 seconds; 0 is "none" only in profiles */
        {"j6-profile-60", PROFILE, {"timeout: 3600"}, {"timeout: 60"}, "J6",
         E, 0, NULL},
        {"j6-profile-59", PROFILE, {"timeout: 3600"}, {"timeout: 59"}, "J6",
         E, 1, NULL},
        {"j6-profile-0", PROFILE, {"timeout: 3600"}, {"timeout: 0"}, "J6", E,
         0, NULL},
        {"j6-template-60", TEMPLATE, {"Seconds: 3600"}, {"Seconds: 60"},
         "J6", E, 0, NULL},
        {"j6-template-59", TEMPLATE, {"Seconds: 3600"}, {"Seconds: 59"},
         "J6", E, 1,
         "job definition 'Job' has AttemptDurationSeconds 59 seconds"},
        {"j6-template-0", TEMPLATE, {"Seconds: 3600"}, {"Seconds: 0"}, "J6",
         E, 1, NULL},
        /* J7: attempts 1..10, at most 5 EvaluateOnExit entries */
        {"j7-profile-10", PROFILE, {"attempts: 3"}, {"attempts: 10"}, "J7",
         E, 0, NULL},
        {"j7-profile-11", PROFILE, {"attempts: 3"}, {"attempts: 11"}, "J7",
         E, 1, NULL},
        {"j7-template-10", TEMPLATE, {"Attempts: 3"}, {"Attempts: 10"}, "J7",
         E, 0, NULL},
        {"j7-template-11", TEMPLATE, {"Attempts: 3"}, {"Attempts: 11"}, "J7",
         E, 1, "job definition 'Job' has Attempts 11"},
        {"j7-template-1", TEMPLATE, {"Attempts: 3"}, {"Attempts: 1"}, "J7",
         E, 0, NULL},
        {"j7-template-0", TEMPLATE, {"Attempts: 3"}, {"Attempts: 0"}, "J7",
         E, 1, "job definition 'Job' has Attempts 0"},
        {"j7-template-5-exits", TEMPLATE, {T_EXIT},
         {T_EXIT T_EXIT T_EXIT T_EXIT}, "J7", E, 0, NULL},
        {"j7-template-6-exits", TEMPLATE, {T_EXIT},
         {T_EXIT T_EXIT T_EXIT T_EXIT T_EXIT}, "J7", E, 1,
         "job definition 'Job' has 6 EvaluateOnExit entries"},
        /* J9: images of 255 characters pass, 256 fail */
        {"j9-profile-255", PROFILE,
         {"image: public.ecr.aws/docker/library/ubuntu:24.04"},
         {"image: " I255}, "J9", E, 0, NULL},
        {"j9-profile-256", PROFILE,
         {"image: public.ecr.aws/docker/library/ubuntu:24.04"},
         {"image: a" I255}, "J9", E, 1, NULL},
        {"j9-template-255", TEMPLATE,
         {"Image: public.ecr.aws/docker/library/ubuntu:24.04"},
         {"Image: " I255}, "J9", E, 0, NULL},
        {"j9-template-256", TEMPLATE,
         {"Image: public.ecr.aws/docker/library/ubuntu:24.04"},
         {"Image: a" I255}, "J9", E, 1, NULL},
        /* J12: Batch reserves AWS_BATCH in templates too */
        {"j12-profile", PROFILE, {"    attempts: 3\n"},
         {"    attempts: 3\n    environment: {AWS_BATCH_X: y}\n"}, "J12", E,
         1,
         "environment variable 'AWS_BATCH_X' of job definition 'job' starts "
         "with AWS_BATCH, which batch reserves"},
        {"j12-template", TEMPLATE, {"        ResourceRequirements:\n"},
         {"        Environment: [{Name: AWS_BATCH_X, Value: y}]\n"
          "        ResourceRequirements:\n"},
         "J12", E, 1,
         "environment variable 'AWS_BATCH_X' of job definition 'Job' starts "
         "with AWS_BATCH, which batch reserves"},
        {"j12-template-pass", TEMPLATE, {"        ResourceRequirements:\n"},
         {"        Environment: [{Name: NF_WORKDIR, Value: y}]\n"
          "        ResourceRequirements:\n"},
         "J12", E, 0, NULL},
        /* R5, R6 (profiles) */
        {"r5-unknown-role", PROFILE, {"job_role: qj-job"},
         {"job_role: nope"}, "R5", E, 1,
         "job definition 'job' uses job role 'nope', which the profile "
         "does not define"},
        {"r5-untrusted-role", PROFILE, {"job_role: qj-job"},
         {"job_role: qj-instance"}, "R5", E, 1,
         "job role 'qj-instance' of job definition 'job' is not trusted by "
         "ecs-tasks"},
        {"r6-unknown-queue", PROFILE, {"queue: work"}, {"queue: nope"}, "R6",
         E, 1,
         "job definition 'job' goes to queue 'nope', which the profile does "
         "not define"},
};

static void verify_text(enum input in, const char *text, struct gw_diags *d)
{
	if (in == TEMPLATE) {
		bool ok = gw_verify_template_text(text, strlen(text), "t.yaml", d);
		assert_true(ok == (d->n_errors == 0));
		return;
	}
	/* A value out of the loader's range is refused there, with the
	 * limit's rule (profile.c): the finding is the loader's. */
	struct gw_model *m =
	        gw_profile_load_string(text, strlen(text), "p.yaml", d);
	if (!m) {
		return;
	}
	gw_verify_model(m, d);
	gw_model_destroy(m);
}

static void run_row(void **state)
{
	const struct row *r = *state;
	const char *base = r->in == PROFILE ? base_profile : base_template;
	char *text = gw_xstrdup(base);
	for (size_t i = 0; i < REPLACEMENTS && r->find[i]; i++) {
		char *next = rows_patch(text, r->find[i], r->repl[i]);
		free(text);
		text = next;
	}
	struct gw_diags d;
	gw_diags_init(&d);
	verify_text(r->in, text, &d);
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

/* Both bases are clean, so each row's finding is its own. */
static void test_bases_pass(void **state)
{
	(void)state;
	for (int in = PROFILE; in <= TEMPLATE; in++) {
		struct gw_diags d;
		gw_diags_init(&d);
		verify_text((enum input)in,
		            in == PROFILE ? base_profile : base_template, &d);
		if (d.n_errors || d.n_warnings) {
			gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
		}
		assert_int_equal(d.n_errors, 0);
		assert_int_equal(d.n_warnings, 0);
		gw_diags_finish(&d);
	}
}

int main(void)
{
	struct CMUnitTest tests[GW_ARRAY_LEN(rows) + 1];
	tests[0] = (struct CMUnitTest)cmocka_unit_test(test_bases_pass);
	for (size_t i = 0; i < GW_ARRAY_LEN(rows); i++) {
		tests[i + 1] = (struct CMUnitTest){
		        .name = rows[i].name,
		        .test_func = run_row,
		        .initial_state = (void *)&rows[i],
		};
	}
	return _cmocka_run_group_tests("rules_queue_job", tests,
	                               GW_ARRAY_LEN(tests), NULL, NULL);
}
