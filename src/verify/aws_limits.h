/* SPDX-License-Identifier: MIT */
/*
 * Every AWS limit gwgen checks, once, with its source. The loader's key
 * ranges (profile.c), the rules (src/verify/) and the renderer's choices
 * (view.c) all read them from here. Limits marked [unconf] are not
 * confirmed by AWS documentation (shared/research/domain.md, section 4):
 * the rules that use them warn instead of failing.
 */
#ifndef GW_AWS_LIMITS_H
#define GW_AWS_LIMITS_H

/* ---- AWS Batch ---------------------------------------------------------- */

/* Job queue Priority 0..1000 (Batch CreateJobQueue; cfn-lint
 * aws-batch-jobqueue.json). */
#define GW_LIM_PRIORITY_MAX 1000
/* Compute environments per job queue (Batch service_limits.md). */
#define GW_LIM_QUEUE_CES_MAX 3
/* Compute environments and job queues per account and region (Batch
 * service_limits.md). */
#define GW_LIM_ACCOUNT_CES_MAX 50
#define GW_LIM_ACCOUNT_QUEUES_MAX 50
/* SPOT BidPercentage 1..100 (Batch ComputeResource). */
#define GW_LIM_BID_MAX 100
/* RetryStrategy attempts 1..10, at most 5 EvaluateOnExit entries (Batch
 * job_retries.md). */
#define GW_LIM_ATTEMPTS_MAX 10
#define GW_LIM_EVALUATE_ON_EXIT_MAX 5
/* Timeout attemptDurationSeconds at least 60 (Batch job_timeouts.md). */
#define GW_LIM_JOB_TIMEOUT_MIN 60
/* JobStateTimeLimitActions MaxTimeSeconds 600..86400 (Batch
 * JobStateTimeLimitAction; cfn-lint). */
#define GW_LIM_RUNNABLE_TIMEOUT_MIN 600
#define GW_LIM_RUNNABLE_TIMEOUT_MAX 86400
/* UpdatePolicy JobExecutionTimeoutMinutes 1..7200: how long jobs on the
 * old instances may run after an infrastructure update (Batch API
 * reference, UpdatePolicy: "Valid Range: Minimum value of 1. Maximum value
 * of 7200"; it was 360 before). gwgen's default is the maximum. */
#define GW_LIM_UPDATE_JOB_TIMEOUT_MIN 1
#define GW_LIM_UPDATE_JOB_TIMEOUT_MAX 7200
/* SubmitJob: 50 requests per second per account and region, shared by
 * everyone who submits (Batch service_limits.md, API rate limits). */
#define GW_LIM_SUBMIT_JOB_TPS 50
/* A container needs at least 4 MiB of memory (Batch
 * job_definition_parameters.md, ResourceRequirement MEMORY). */
#define GW_LIM_JOB_MEMORY_MIN_MIB 4
/* The ECS agent reserves this much of an instance's memory
 * (ECS_RESERVED_MEMORY=32; aws-cdk#9900). */
#define GW_LIM_ECS_RESERVED_MIB 32
/*
 * J4 warning band: jobs above this share of an instance's nominal memory
 * rarely start. Nextstrain measured 7400/8192, 15200/16384 and 31000/32768
 * MiB available on c5.xlarge/2xlarge/4xlarge (90%, 93%, 95%); the smallest
 * ratio is the threshold. A heuristic [unconf], see docs/rules.md.
 */
#define GW_LIM_MEMORY_WARN_PERMILLE 900
/* Batch names: [A-Za-z0-9_-]{1,128} (Batch API reference). */
#define GW_LIM_BATCH_NAME_MAX 128
/* Container image, at most 255 characters (Batch
 * job_definition_parameters.md). */
#define GW_LIM_IMAGE_MAX 255

/* ---- EC2 ---------------------------------------------------------------- */

/* IMDS PUT response hop limit 1..64 (EC2 MetadataOptions). */
#define GW_LIM_HOP_LIMIT_MAX 64
/* User data, before base64 (EC2 "instancedata-add-user-data"). */
#define GW_LIM_USER_DATA_MAX 16384
/* EBS volume size, GiB: 64 TiB, the largest any type takes (io2 Block
 * Express; gp3 since 2025 [unconf]). */
#define GW_LIM_EBS_GIB_MAX 65536
/* gp3 limits raised in 2025 [unconf]: values up to these only warn
 * (ParallelCluster ebs_validators.py has the older ones). */
#define GW_LIM_GP3_SIZE_NEW_MAX 65536
#define GW_LIM_GP3_IOPS_NEW_MAX 80000
#define GW_LIM_GP3_THROUGHPUT_MIN 125
#define GW_LIM_GP3_THROUGHPUT_MAX 1000
#define GW_LIM_GP3_THROUGHPUT_NEW_MAX 2000
/* gp3: throughput (MiB/s) per IOPS at most 1/4 (ParallelCluster). */
#define GW_LIM_GP3_THROUGHPUT_PER_IOPS_DIV 4
/* Launch template names 3..128 (EC2 CreateLaunchTemplate). */
#define GW_LIM_LT_NAME_MIN 3
#define GW_LIM_LT_NAME_MAX 128

/* ---- IAM ---------------------------------------------------------------- */

/* Managed policies per role or group (IAM quotas; cfn-lint maxItems). */
#define GW_LIM_MANAGED_POLICIES_MAX 20
/* Groups per user (IAM quotas). */
#define GW_LIM_USER_GROUPS_MAX 10
/* ManagedPolicy document, characters without white space (cfn-lint
 * aws-iam-managedpolicy.json; IAM quotas). */
#define GW_LIM_MANAGED_POLICY_DOC_MAX 6144
/* The inline policies of one role together, characters without white space
 * ("IAM and AWS STS quotas": "Role policy size cannot exceed 10,240
 * characters"). */
#define GW_LIM_ROLE_INLINE_POLICY_MAX 10240
/* Role names at most 64, other IAM names at most 128 (cfn-lint
 * aws-iam-role.json; IAM quotas [unconf]). */
#define GW_LIM_ROLE_NAME_MAX 64
#define GW_LIM_IAM_NAME_MAX 128

/* ---- tags --------------------------------------------------------------- */

/* Tags per resource; keys 1..128 and values 0..256 Unicode characters
 * (AWS "Tagging best practices" tag restrictions). */
#define GW_LIM_TAGS_MAX 50
#define GW_LIM_TAG_KEY_MAX 128
#define GW_LIM_TAG_VALUE_MAX 256

/* ---- S3 and CloudWatch Logs --------------------------------------------- */

/* Bucket names 3..63 (S3 "General purpose bucket naming rules"). */
#define GW_LIM_BUCKET_NAME_MIN 3
#define GW_LIM_BUCKET_NAME_MAX 63
/* Log group names at most 512 (cfn-lint aws-logs-loggroup.json). */
#define GW_LIM_LOG_GROUP_NAME_MAX 512

/* ---- EFS ---------------------------------------------------------------- */

/* ProvisionedThroughputInMibps: "Valid values are 1-3414 MiBps, with the
 * upper limit depending on Region. To increase this limit, contact AWS
 * Support" (EFS API CreateFileSystem) [unconf: per Region, raisable]. */
#define GW_LIM_EFS_PROVISIONED_MIBPS_MAX 3414
/* Mount targets: one per Availability Zone (EFS CreateMountTarget); the
 * template makes one for each of the first six subnets, the most
 * Availability Zones a Region has (us-east-1) [unconf]. */
#define GW_LIM_EFS_MOUNT_TARGETS_MAX 6
/* Fargate mounts EFS volumes from platform version 1.4.0 on (Batch User
 * Guide, "Amazon EFS volumes"). */
#define GW_LIM_FARGATE_EFS_PLATFORM "1.4.0"

/* ---- CloudFormation ----------------------------------------------------- */

/* TemplateBody passed inline, bytes (aws-cli; CFN quotas). */
#define GW_LIM_TEMPLATE_INLINE_MAX 51200
/* Template staged in S3, bytes (CFN quotas; cfn-lint LIMITS). */
#define GW_LIM_TEMPLATE_S3_MAX 1000000
/* Resources, parameters, outputs and mappings per template (CFN quotas). */
#define GW_LIM_TEMPLATE_RESOURCES_MAX 500
#define GW_LIM_TEMPLATE_PARAMETERS_MAX 200
#define GW_LIM_TEMPLATE_OUTPUTS_MAX 200
#define GW_LIM_TEMPLATE_MAPPINGS_MAX 200
/* Template description, bytes (CFN quotas). */
#define GW_LIM_TEMPLATE_DESCRIPTION_MAX 1024
/* Logical IDs, characters (CFN "Resources"). */
#define GW_LIM_LOGICAL_ID_MAX 255
/* Stack names [A-Za-z][A-Za-z0-9-]*, at most 128 (CreateStack StackName). */
#define GW_LIM_STACK_NAME_MAX 128

#endif
