/* SPDX-License-Identifier: MIT */
/* `gwgen schema`: the profile format as JSON Schema, from the loader's key tables. */
#include "schema.h"

#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "report.h"
#include "status.h"
#include "profile_keys.h"
#include "textfile.h"
#include "util.h"

/* JSON Schema draft-07: what yaml-language-server and most editors read. */
#define SCHEMA_DIALECT "http://json-schema.org/draft-07/schema#"
/* Characters a regular expression gives a meaning (ECMA-262 SyntaxCharacter
 * and '/'): escaped in a pattern; with the 'u' flag nothing else may be. */
#define REGEX_SYNTAX "^$\\.*+?()[]{}|/"

/*
 * What each key means, by mapping (gw_pschema_what) and key; types,
 * allowed values, ranges and defaults come from the loader's tables. The
 * texts follow docs/profile.md's notes. Every key of the tables has one
 * entry here and every entry a key, or gw_schema_create fails.
 */
static const struct key_doc {
	const char *what, *key, *text;
} key_docs[] = {
	{"profile", "name",
		"`[a-z][a-z0-9-]{0,39}`; the output directory `out/NAME/`, so "
		"it must be one safe path component"},
	{"profile", "description", "one line, shown by `gwgen --list`"},
	{"profile", "extends",
		"the parent profile (a name on the search path or a path): "
		"maps merge, lists replace; then no key is required here"},
	{"profile", "region",
		"e.g. `us-west-2`; must match a partition: `aws` (`us`, `eu`, "
		"`ap`, `sa`, `ca`, `me`, `af`, `il`, `mx`), `aws-cn` (`cn-`), "
		"`aws-us-gov` (`us-gov-`), `aws-iso` (`us-iso-`), `aws-iso-b` "
		"(`us-isob-`), `aws-iso-e` (`eu-isoe-`), `aws-iso-f` "
		"(`us-isof-`), `aws-eusc` (`eusc-de-`), each followed by "
		"`-WORD-DIGITS`; the partition and DNS suffix are derived"},
	{"profile", "account_id",
		"exactly 12 digits; only used for standalone IAM JSON (`*` "
		"otherwise)"},
	{"profile", "stack_name",
		"CloudFormation stack name: `[A-Za-z][A-Za-z0-9-]*`, at most "
		"128 characters"},
	{"profile", "engine", "which client configuration is written"},
	{"profile", "compliance",
		"'baseline' (default) or 'hipaa': a customer-managed KMS key "
		"for the bucket and the log groups, its use limited to the "
		"stack's roles and users"},
	{"profile", "tags", "applied to every taggable resource"},
	{"profile", "network",
		"template parameters for the network: subnets and security "
		"groups always, a VPC, a key pair and a custom AMI on request"},
	{"profile", "bucket",
		"the stack's S3 bucket: always private, encrypted, TLS-only"},
	{"profile", "policies", "customer-managed IAM policies"},
	{"profile", "roles", "IAM roles"},
	{"profile", "groups", "IAM groups"},
	{"profile", "users",
		"IAM users, created by `users.sh` (people outlive stacks)"},
	{"profile", "launch_templates", "EC2 launch templates"},
	{"profile", "compute_environments", "AWS Batch compute environments"},
	{"profile", "job_queues", "AWS Batch job queues"},
	{"profile", "job_definitions", "AWS Batch job definitions"},
	{"profile", "log_groups", "CloudWatch log groups"},
	{"profile", "new_instance_types",
		"instance types newer than gwgen's catalog, declared with "
		"their size so that the sizing rules apply to them"},
	{"profile", "nextflow",
		"the `nextflow.config` written when `engine: nextflow`"},
	{"profile", "nextstrain",
		"the `[aws-batch]` config section when `engine: nextstrain`"},
	{"profile", "cromwell",
		"Cromwell's AWS Batch backend `client/cromwell.conf` when "
		"`engine: cromwell`"},
	{"profile", "shared_storage",
		"an EFS file system the stack creates: encrypted, backed up, "
		"a mount target in each subnet, NFS only from the compute "
		"environments; mounted by launch templates and job "
		"definitions that ask for it"},
	{"profile", "miniwdl",
		"miniwdl-aws's `client/miniwdl.cfg` and "
		"`scripts/run-miniwdl.sh` when `engine: miniwdl`"},
	{"profile", "snakemake",
		"the Snakemake profile `client/snakemake/config.yaml` when "
		"`engine: snakemake`"},
	{"network", "vpc",
		"add a `VpcId` parameter (`AWS::EC2::VPC::Id`) for the "
		"existing VPC the subnets and security groups belong to"},
	{"network", "key_pair",
		"add a required `KeyPair` parameter "
		"(`AWS::EC2::KeyPair::KeyName`, which CloudFormation checks "
		"exists and which cannot be empty) and set it as the compute "
		"environments' `Ec2KeyPair`"},
	{"network", "custom_ami",
		"add an optional `ImageId` parameter (empty = Batch's ECS "
		"AMI)"},
	{"bucket", "name",
		"the bucket's name (S3 bucket naming rules, checked by the "
		"verifier)"},
	{"bucket", "expire_days",
		"lifecycle rule expiring every object after N days (0 = "
		"none); Nextstrain asks for 30"},
	{"bucket", "abort_multipart_days",
		"abort incomplete multipart uploads (0 = never)"},
	{"bucket", "retain", "`DeletionPolicy: Retain`"},
	{"policy", "name",
		"`ManagedPolicyName`; also the file `iam/NAME.json`"},
	{"statement", "actions", "`service:Action`, wildcards allowed"},
	{"statement", "resources",
		"resource references: `*`, `bucket`, `bucket/PATTERN`, "
		"`secret:PATTERN`, `log-group:NAME`, `role:NAME`, "
		"`batch:TYPE/NAME` or "
		"`arn:...`, rendered partition- and account-aware"},
	{"role", "name", "`RoleName`, at most 64 characters"},
	{"role", "trust",
		"the service principals that may assume the role, "
		"partition-aware"},
	{"role", "managed",
		"AWS-managed policy paths, e.g. "
		"`service-role/AmazonEC2ContainerServiceforEC2Role`"},
	{"role", "policies", "names from `policies`"},
	{"role", "instance_profile", "also create an instance profile"},
	{"role", "open_data",
		"public S3 buckets (e.g. `1000genomes`) the role may list and "
		"read: `s3:ListBucket` on each bucket and `s3:GetObject` on its "
		"objects, nothing else"},
	{"group", "policies", "names from `policies`"},
	{"group", "managed", "AWS-managed policy paths"},
	{"user", "groups", "names from `groups`"},
	{"user", "policies", "names from `policies`, attached directly"},
	{"launch template", "name", "`LaunchTemplateName`"},
	{"launch template", "root_volume",
		"resizes the AMI's root device (`/dev/xvda` on ECS AMIs)"},
	{"launch template", "volumes", "extra EBS volumes"},
	{"launch template", "hop_limit",
		"IMDSv2 PUT response hop limit (IMDSv2 is always required)"},
	{"launch template", "tags",
		"launch-template and instance tags, over the profile's `tags`"},
	{"launch template", "user_data",
		"what the MIME multipart user data installs and runs at boot"},
	{"volume", "device",
		"`/dev/xvda`, `/dev/xvdba`, `/dev/sdf` ... (never "
		"`/dev/nvme*`)"},
	{"volume", "iops", "io1, io2, gp3 only"},
	{"volume", "throughput", "MiB/s, gp3 only"},
	{"volume", "encrypted", "false is refused by the verifier"},
	{"user_data", "packages", "installed with dnf (Amazon Linux 2023)"},
	{"user_data", "aws_cli", "a pinned AWS CLI v2, installed at boot"},
	{"user_data", "scratch",
		"auto-expanding or instance-store scratch space"},
	{"user_data", "ecs_config",
		"lines `KEY=VALUE` appended to `/etc/ecs/ecs.config`"},
	{"user_data", "provision", "versioned scripts fetched from the bucket"},
	{"user_data", "runcmd", "extra commands, run last"},
	{"user_data", "fail_fast",
		"shut the instance down when provisioning fails"},
	{"user_data", "shared_storage",
		"mount the profile's `shared_storage` at its `mount_point` at "
		"boot (EFS mount helper, TLS)"},
	{"aws_cli", "version",
		"the pinned x86_64 release, e.g. `2.36.11`; with `sha256`"},
	{"aws_cli", "aarch64",
		"the pinned aarch64 (arm64, Graviton) build: `version` and "
		"`sha256` of `awscli-exe-linux-aarch64-VERSION.zip`; needed "
		"when a compute environment with arm64 types uses the "
		"launch template (L12)"},
	{"aws_cli aarch64", "version",
		"the pinned aarch64 release, e.g. `2.36.11`"},
	{"aws_cli aarch64", "sha256",
		"SHA-256 of `awscli-exe-linux-aarch64-VERSION.zip`"},
	{"aws_cli", "source",
		"where the zip comes from: awscli.amazonaws.com, or the "
		"profile's bucket (upload it to s3://BUCKET/aws-cli/)"},
	{"aws_cli", "prefix",
		"install directory; `nextflow.cli_path` points at "
		"`PREFIX/v2/current/bin/aws`"},
	{"scratch", "kind",
		"LVM over EBS volumes grown on demand (`ebs-autoscale`), or "
		"instance store (and unmounted EBS) as one logical volume "
		"(`nvme-lvm`)"},
	{"scratch", "device",
		"initial EBS device (`ebs-autoscale`); must be in the block "
		"device mappings"},
	{"scratch", "filesystem",
		"the scratch file system (`btrfs` is refused on AL2023 by the "
		"verifier)"},
	{"scratch", "threshold_pct", "grow when use exceeds this"},
	{"scratch", "increment_gib", "size of each added volume"},
	{"scratch", "max_total_gib", "cap on all added volumes"},
	{"scratch", "max_volumes", "cap on attached volumes"},
	{"scratch", "volume_type", "type of added volumes"},
	{"provision", "version", "key prefix version, e.g. `v1`"},
	{"provision", "prefix", "key prefix in the bucket"},
	{"provision", "scripts",
		"names of scripts gwgen ships (`templates/provision`), "
		"checked against their SHA-256"},
	{"compute environment", "name", "`[A-Za-z0-9_-]{1,128}`"},
	{"compute environment", "allocation_strategy",
		"how Batch picks instances; default `BEST_FIT_PROGRESSIVE` on "
		"EC2, `SPOT_PRICE_CAPACITY_OPTIMIZED` on SPOT, none on "
		"Fargate"},
	{"compute environment", "instance_types",
		"types, families, `optimal`, `default_x86_64` (m6i, c6i, r6i, "
		"c7i) or `default_arm64` (m6g, c6g, r6g, c7g)"},
	{"compute environment", "max_vcpus",
		"the most vCPUs the environment scales to (the verifier wants "
		"at least 1 and at least `min_vcpus`)"},
	{"compute environment", "launch_template",
		"a name from `launch_templates`"},
	{"compute environment", "image_type",
		"`ECS_AL2023`, `ECS_AL2023_NVIDIA`, ... (AL1 and AL2 are "
		"refused by the verifier)"},
	{"compute environment", "instance_role",
		"required on EC2 and SPOT (verifier); a role with "
		"`instance_profile: true`"},
	{"compute environment", "spot_fleet_role",
		"a role; needed only for `BEST_FIT` on SPOT"},
	{"compute environment", "service_role",
		"a role; default: Batch's service-linked role"},
	{"compute environment", "tags", "EC2 instance tags (e.g. `Name`)"},
	{"compute environment", "update_to_latest_image",
		"`UpdateToLatestImageVersion`"},
	{"compute environment", "update_timeout_minutes",
		"minutes jobs on the old instances may run after an "
		"infrastructure update (`UpdatePolicy` "
		"`JobExecutionTimeoutMinutes`, 1..7200, default 7200, the "
		"largest Batch accepts)"},
	{"job queue", "priority", "higher runs first"},
	{"job queue", "compute_environments",
		"each a CE name, or `{name: NAME, order: N}` with `order` an "
		"int ≥ 0; `order` defaults to the position (1-based)"},
	{"job queue", "head",
		"the queue runs workflow head jobs, so it must not reach Spot"},
	{"job queue", "runnable_timeout",
		"seconds a job blocked in RUNNABLE waits before Batch cancels "
		"it (default 14400; 0 = never, warned)"},
	{"job definition", "command",
		"the container command (Nextstrain wants none)"},
	{"job definition", "timeout",
		"seconds per attempt (0 = none); Nextstrain suggests 14400"},
	{"job definition", "job_role", "a role trusted by `ecs-tasks`"},
	{"job definition", "queue",
		"the queue its jobs go to: checked for fit"},
	{"job definition", "log_group", "awslogs group"},
	{"log group", "name", "`[.\\-_/#A-Za-z0-9]{1,512}`"},
	{"log group", "retention_days", "CloudWatch `RetentionInDays`"},
	{"job definition", "fractional_vcpus",
		"Fargate only: `0.25` or `0.5` vCPU instead of `vcpus` (0.25 "
		"takes 512, 1024 or 2048 MiB; 0.5 takes 1024..4096 in steps of "
		"1024)"},
	{"job definition", "execution_role",
		"Fargate only: a role trusted by `ecs-tasks` that pulls the "
		"image and writes the logs; default: gwgen creates "
		"`NAME-fargate-execution` with AmazonECSTaskExecutionRolePolicy"},
	{"job definition", "assign_public_ip",
		"Fargate only: `NetworkConfiguration.AssignPublicIp`; a task in "
		"a subnet without a NAT gateway needs one to pull its image"},
	{"job definition", "platform_version",
		"Fargate only: `FargatePlatformConfiguration.PlatformVersion`"},
	{"job definition", "shared_storage",
		"mount the profile's `shared_storage` at its `mount_point` "
		"(an EFS volume, encrypted in transit)"},
	{"shared_storage", "mount_point",
		"where the instances and the jobs see it: an absolute path, "
		"e.g. `/mnt/efs`"},
	{"shared_storage", "performance_mode",
		"EFS `PerformanceMode`; AWS recommends `generalPurpose`"},
	{"shared_storage", "throughput_mode",
		"EFS `ThroughputMode`; `provisioned` needs "
		"`provisioned_mibps`"},
	{"shared_storage", "provisioned_mibps",
		"EFS `ProvisionedThroughputInMibps`, with `throughput_mode: "
		"provisioned` only"},
	{"shared_storage", "ia_days",
		"move files to Infrequent Access after N days without access "
		"(EFS `TransitionToIA`; 0 = never)"},
	{"shared_storage", "primary_on_access",
		"move a file back to Standard at its first access "
		"(`TransitionToPrimaryStorageClass: AFTER_1_ACCESS`)"},
	{"shared_storage", "backup",
		"AWS Backup's daily backups of the file system "
		"(`BackupPolicy`)"},
	{"shared_storage", "retain",
		"`DeletionPolicy: Retain`: the files outlive the stack"},
	{"miniwdl", "workflow_queue",
		"a job queue name: where `miniwdl-aws-submit` runs miniwdl "
		"itself (On-Demand, its instances mount the shared storage)"},
	{"miniwdl", "task_queue",
		"a job queue name: `[aws] task_queue`, where the WDL tasks run"},
	{"miniwdl", "task_queue_fallback",
		"a job queue name: `[aws] task_queue_fallback`, for tasks "
		"after their Spot interruptions"},
	{"miniwdl", "output_prefix",
		"key prefix in the bucket: `--s3upload s3://BUCKET/PREFIX`"},
	{"new instance type", "name",
		"`FAMILY.SIZE` as EC2 names it, e.g. `c9g.4xlarge`; a type "
		"the catalog lacks (CE6)"},
	{"new instance type", "vcpus", "EC2 `VCpuInfo.DefaultVCpus`"},
	{"new instance type", "memory_mib", "EC2 `MemoryInfo.SizeInMiB`"},
	{"new instance type", "gpus", "EC2 `GpuInfo` GPU count"},
	{"new instance type", "arch",
		"EC2 `ProcessorInfo.SupportedArchitectures`: `x86_64` or "
		"`arm64`"},
	{"nextflow", "queue", "default `process.queue`: a job queue name"},
	{"nextflow", "work_dir", "key prefix in the bucket"},
	{"nextflow", "cli_path", "`aws.batch.cliPath`"},
	{"nextflow", "spot_fallback",
		"Spot first, then on-demand: `process.queue` becomes `{ "
		"task.attempt > N ? FALLBACK : QUEUE }` with `errorStrategy "
		"'retry'` and `maxRetries`"},
	{"spot_fallback", "queue",
		"the on-demand job queue later attempts go to: its compute "
		"environments are all EC2 (or all FARGATE)"},
	{"spot_fallback", "after_attempts",
		"N: attempts 1..N of a task run on `nextflow.queue` (Spot)"},
	{"spot_fallback", "max_retries",
		"`process.maxRetries`, at least `after_attempts` (its default)"},
	{"nextflow", "max_spot_attempts",
		"`aws.batch.maxSpotAttempts`: Batch's retry attempts of a job "
		"whose Spot instance was reclaimed, 0..10"},
	{"nextflow", "max_parallel_transfers",
		"`aws.batch.maxParallelTransfers`"},
	{"nextflow", "max_cpus", "`params.max_cpus`"},
	{"nextflow", "max_memory_mib", "`params.max_memory`"},
	{"nextflow", "log_group", "`aws.batch.logsGroup`"},
	{"nextflow", "storage_class", "`aws.client.uploadStorageClass`"},
	{"nextflow", "storage_encryption", "`aws.client.storageEncryption`"},
	{"nextflow", "max_connections", "`aws.client.maxConnections`"},
	{"nextflow", "connection_timeout",
		"`aws.client.connectionTimeout`, ms"},
	{"nextflow", "retry_mode", "`aws.batch.retryMode`"},
	{"nextflow", "s3_acl", "`aws.client.s3Acl`, a canned ACL"},
	{"nextflow", "submit_rate",
		"`executor.submitRateLimit`, jobs per second, 1..50 "
		"(default 10)"},
	{"nextflow", "queue_size", "`executor.queueSize` (default 100)"},
	{"nextflow", "config_profile",
		"name of a `profiles { }` block; empty = top level"},
	{"nextflow", "processes",
		"per-process resources: one `process { withName: ... }` block "
		"each"},
	{"nextflow process", "selector",
		"`withName:NAME` or `withLabel:LABEL`"},
	{"nextflow process", "cpus", "the process's `cpus`"},
	{"nextflow process", "memory_mib",
		"`memory`, written `N GB` when a whole number of GiB, else `N "
		"MB` (Nextflow counts both in 1024s)"},
	{"nextflow process", "queue",
		"a job queue name: the process's own `queue`"},
	{"nextflow process", "disk",
		"Nextflow's `disk` directive, e.g. `40 GB`"},
	{"nextstrain", "job_definition",
		"a job definition name (`nextstrain-job`)"},
	{"nextstrain", "queue", "a job queue name (`nextstrain-job-queue`)"},
	{"nextstrain", "cpus",
		"the job's vCPUs, overriding the job definition's"},
	{"nextstrain", "memory_mib",
		"the job's memory, overriding the job definition's"},
	{"snakemake", "queue",
		"a job queue name: `aws-batch-job-queue` (written as its ARN)"},
	{"snakemake", "job_role",
		"a role name trusted by `ecs-tasks`: `aws-batch-job-role` "
		"(written as its ARN; needs `account_id`)"},
	{"snakemake", "storage_prefix",
		"key prefix in the bucket: `default-storage-prefix` "
		"`s3://BUCKET/PREFIX`"},
	{"snakemake", "jobs", "Snakemake's `jobs`: Batch jobs at once"},
	{"cromwell", "queue",
		"a job queue name: the backend's `queueArn` (needs "
		"`account_id`)"},
	{"cromwell", "root_prefix",
		"key prefix in the bucket: the backend's `root` "
		"`s3://BUCKET/PREFIX`"},
	{"bucket", "versioning",
		"S3 versioning of the bucket, so an overwrite or a delete can "
		"be undone"},
	{"bucket", "noncurrent_days",
		"lifecycle rule expiring noncurrent versions after N days (0 = "
		"never), so work-directory churn does not pile up"},
	{"bucket", "access_logging",
		"S3 server access logs to a log bucket the stack creates"},
	{"bucket", "access_log_days",
		"lifecycle rule expiring the access logs after N days (0 = "
		"never)"},
	{"bucket", "encryption",
		"default encryption: SSE-S3 or SSE-KMS (the AWS managed key)"},
	{"policy", "description", "the managed policy's description"},
	{"policy", "statements", "the policy's statements"},
	{"statement", "sid", "statement ID, `[A-Za-z0-9]*`"},
	{"statement", "conditions",
		"IAM conditions: all must match; `${gwgen:stack}` in a value "
		"is the stack's name"},
	{"condition", "test", "the condition operator"},
	{"condition", "key", "the condition key, e.g. "
		"`aws:ResourceTag/gwgen:stack`"},
	{"condition", "values", "the values; any of them matches"},
	{"statement", "effect", "whether the statement allows or denies"},
	{"role", "description", "the role's description"},
	{"group", "name", "the IAM group's name"},
	{"user", "name", "the IAM user's name"},
	{"launch template", "description", "the launch template's description"},
	{"launch template", "ebs_optimized", "EBS-optimized instances"},
	{"launch template", "shutdown_behavior",
		"what an instance shutdown does"},
	{"volume", "size_gib", "the volume's size in GiB"},
	{"volume", "delete_on_termination",
		"delete the volume with the instance"},
	{"volume", "type", "the EBS volume type"},
	{"compute environment", "type",
		"how Batch provisions capacity: On-Demand or Spot EC2, or "
		"Fargate"},
	{"compute environment", "min_vcpus",
		"vCPUs kept running even with no jobs"},
	{"compute environment", "desired_vcpus", "vCPUs to start with"},
	{"compute environment", "bid_percentage",
		"SPOT only: the most to pay, in percent of the On-Demand "
		"price"},
	{"compute environment order", "name",
		"a compute environment's name, from `compute_environments`"},
	{"compute environment order", "order",
		"the order in which the queue tries it (lower first)"},
	{"job queue", "name", "the job queue's name"},
	{"job definition", "name", "the job definition's name"},
	{"job definition", "image", "the container image"},
	{"job definition", "vcpus", "vCPUs per job"},
	{"job definition", "memory_mib", "memory per job, MiB"},
	{"job definition", "gpus", "GPUs per job"},
	{"job definition", "attempts", "attempts per job (the retry strategy)"},
	{"job definition", "environment",
		"environment variables of the container"},
	{"aws_cli", "sha256",
		"SHA-256 of `awscli-exe-linux-x86_64-VERSION.zip` (no "
		"unpinned downloads at boot); with `version`"},
	{"scratch", "mount", "where the scratch space is mounted"},
};

/* Descriptions of the mappings themselves, where a list holds them. */
static const struct key_doc map_docs[] = {
	{"profile", NULL, "A gwgen profile: a lab's AWS Batch set-up, from "
		"which gwgen writes CloudFormation, IAM policies, user data, "
		"scripts and client configuration (gwgen-profile(5), "
		"docs/profile.md)."},
	{"policy", NULL, "a customer-managed IAM policy"},
	{"condition", NULL, "an IAM condition: TEST { KEY: [VALUES] }"},
	{"statement", NULL, "a policy statement"},
	{"role", NULL, "an IAM role"},
	{"group", NULL, "an IAM group"},
	{"user", NULL, "an IAM user"},
	{"volume", NULL, "an EBS volume"},
	{"launch template", NULL, "an EC2 launch template"},
	{"compute environment", NULL, "an AWS Batch compute environment"},
	{"compute environment order", NULL, "a compute environment of the "
		"queue: its name, or its name and order"},
	{"job queue", NULL, "an AWS Batch job queue"},
	{"job definition", NULL, "an AWS Batch job definition"},
	{"log group", NULL, "a CloudWatch log group"},
	{"nextflow process", NULL, "one process's resources in "
		"nextflow.config"},
	{"spot_fallback", NULL, "a dynamic process.queue from the Spot "
		"queue to an on-demand one after N attempts"},
};

/* While building: which docs were used, and the findings. */
struct build {
	bool used[GW_ARRAY_LEN(key_docs)];
	struct gw_diags *d;
};

static const char *doc_of(struct build *b, const char *what, const char *key)
{
	for (size_t i = 0; i < GW_ARRAY_LEN(key_docs); i++) {
		if (strcmp(key_docs[i].what, what) == 0
				&& strcmp(key_docs[i].key, key) == 0) {
			b->used[i] = true;
			return key_docs[i].text;
		}
	}
	gw_diag_error(b->d, (struct gw_loc){0}, "internal error: key '%s' "
			"of %s has no description in schema.c", key, what);
	return NULL;
}

static const char *map_doc(const char *what)
{
	for (size_t i = 0; i < GW_ARRAY_LEN(map_docs); i++) {
		if (strcmp(map_docs[i].what, what) == 0) {
			return map_docs[i].text;
		}
	}
	return NULL;
}

/* The loader takes any scalar but null where it wants a string. */
static void fill_scalar(cJSON *s)
{
	cJSON *t = cJSON_AddArrayToObject(s, "type");
	cJSON_AddItemToArray(t, cJSON_CreateString("string"));
	cJSON_AddItemToArray(t, cJSON_CreateString("number"));
	cJSON_AddItemToArray(t, cJSON_CreateString("boolean"));
}

static void fill_enum(cJSON *s, const char *const *allowed)
{
	cJSON *e = cJSON_AddArrayToObject(s, "enum");
	for (const char *const *a = allowed; *a; a++) {
		cJSON_AddItemToArray(e, cJSON_CreateString(*a));
	}
}

/* Integers up to this size are exact in a double (IEEE 754, 53 bits). */
#define EXACT_DOUBLE_INT (1LL << 53)

/* An integer; one a double cannot hold (LLONG_MAX) as raw digits. */
static cJSON *create_int(long long v)
{
	if (v <= EXACT_DOUBLE_INT && v >= -EXACT_DOUBLE_INT) {
		return cJSON_CreateNumber((double)v);
	}
	char text[sizeof("-9223372036854775808")];
	snprintf(text, sizeof(text), "%lld", v);
	return cJSON_CreateRaw(text);
}

static void fill_int(cJSON *s, const struct gw_pkey *k)
{
	cJSON_AddStringToObject(s, "type", "integer");
	if (k->ints) {
		cJSON *e = cJSON_AddArrayToObject(s, "enum");
		for (size_t i = 0; i < k->n_ints; i++) {
			cJSON_AddItemToArray(e, create_int(k->ints[i]));
		}
		return;
	}
	/* The loader reads 64-bit integers: past that is an error too. */
	cJSON *range = k->zero_ok ? cJSON_CreateObject() : s;
	cJSON_AddItemToObject(range, "minimum", create_int(k->min));
	cJSON_AddItemToObject(range, "maximum",
			create_int(k->unbounded ? LLONG_MAX : k->max));
	if (k->zero_ok) {
		cJSON *any = cJSON_AddArrayToObject(s, "anyOf");
		cJSON *zero = cJSON_CreateObject();
		cJSON_AddNumberToObject(zero, "const", 0);
		cJSON_AddItemToArray(any, zero);
		cJSON_AddItemToArray(any, range);
	}
}

/* 's' with the regular-expression syntax characters escaped; free() it. */
static char *regex_quote(const char *s)
{
	struct gw_buf b;
	gw_buf_init(&b);
	for (; *s; s++) {
		if (strchr(REGEX_SYNTAX, *s)) {
			gw_buf_putc(&b, '\\');
		}
		gw_buf_putc(&b, *s);
	}
	return gw_buf_detach(&b, NULL);
}

/* A resource reference: a whole word, or a prefix with text after it. */
static void fill_resource(cJSON *s)
{
	cJSON_AddStringToObject(s, "type", "string");
	cJSON *any = cJSON_AddArrayToObject(s, "anyOf");
	cJSON *words = cJSON_CreateObject();
	cJSON *e = cJSON_AddArrayToObject(words, "enum");
	for (size_t i = 0; gw_pschema_resource_word(i); i++) {
		cJSON_AddItemToArray(e, cJSON_CreateString(
					gw_pschema_resource_word(i)));
	}
	cJSON_AddItemToArray(any, words);
	for (size_t i = 0; gw_pschema_resource_prefix(i); i++) {
		char *q = regex_quote(gw_pschema_resource_prefix(i));
		char *pattern = gw_xasprintf("^%s.", q);
		cJSON *p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "pattern", pattern);
		cJSON_AddItemToArray(any, p);
		free(pattern);
		free(q);
	}
}

/* A new schema object, its description (if any) first for editors' hovers. */
static cJSON *create_described(const char *text)
{
	cJSON *s = cJSON_CreateObject();
	if (text) {
		cJSON_AddStringToObject(s, "description", text);
	}
	return s;
}

static void fill_map(struct build *b, cJSON *s, const struct gw_pschema *sc,
		bool with_required);

/* A list element that is a mapping 'sc', described by what it is. */
static cJSON *create_element(struct build *b, const struct gw_pschema *sc)
{
	cJSON *s = create_described(map_doc(gw_pschema_what(sc)));
	/* List elements are whole even with 'extends:' (a child's list
	 * replaces the parent's). */
	fill_map(b, s, sc, true);
	return s;
}

static void fill_list(struct build *b, cJSON *s, const struct gw_pkey *k)
{
	cJSON_AddStringToObject(s, "type", "array");
	cJSON *items;
	switch (k->elem) {
	case GW_PKEY_ELEM_RESOURCE:
		items = cJSON_CreateObject();
		fill_resource(items);
		break;
	case GW_PKEY_ELEM_NAME_OR_MAP:
		items = create_described(map_doc(gw_pschema_what(k->sub)));
		cJSON *any = cJSON_AddArrayToObject(items, "anyOf");
		cJSON *name = cJSON_CreateObject();
		fill_scalar(name);
		cJSON_AddItemToArray(any, name);
		cJSON *map = cJSON_CreateObject();
		fill_map(b, map, k->sub, true);
		cJSON_AddItemToArray(any, map);
		break;
	default:
		items = create_element(b, k->sub);
		break;
	}
	cJSON_AddItemToObject(s, "items", items);
}

/* Key 'k' of mapping 'what', described by 'text'. */
static cJSON *create_key(struct build *b, const struct gw_pkey *k,
		const char *text)
{
	cJSON *s = create_described(text);
	switch (k->type) {
	case GW_PKEY_STR:
		fill_scalar(s);
		break;
	case GW_PKEY_ENUM:
		fill_enum(s, k->allowed);
		break;
	case GW_PKEY_INT:
		fill_int(s, k);
		break;
	case GW_PKEY_BOOL:
		cJSON_AddStringToObject(s, "type", "boolean");
		break;
	case GW_PKEY_STRS: {
		cJSON_AddStringToObject(s, "type", "array");
		cJSON *items = cJSON_AddObjectToObject(s, "items");
		if (k->allowed) {
			fill_enum(items, k->allowed);
		} else {
			fill_scalar(items);
		}
		break;
	}
	case GW_PKEY_KVS:
		cJSON_AddStringToObject(s, "type", "object");
		fill_scalar(cJSON_AddObjectToObject(s, "additionalProperties"));
		break;
	case GW_PKEY_MAP:
		/* Only the top level has mappings: their required keys
		 * depend on 'extends:' (root_schema). */
		fill_map(b, s, k->sub, false);
		break;
	case GW_PKEY_LIST:
		fill_list(b, s, k);
		break;
	}
	if (!k->has_default) {
		return s;
	}
	if (k->type == GW_PKEY_BOOL) {
		cJSON_AddBoolToObject(s, "default", k->def_bool);
	} else if (k->type == GW_PKEY_INT) {
		cJSON_AddItemToObject(s, "default", create_int(k->def_int));
	} else {
		cJSON_AddStringToObject(s, "default", k->def_str);
	}
	return s;
}

/*
 * The keys of mapping 'sc' into object schema 's'; its required keys only
 * when 'with_required'. No other key is allowed, as in the loader.
 */
static void fill_map(struct build *b, cJSON *s, const struct gw_pschema *sc,
		bool with_required)
{
	const char *what = gw_pschema_what(sc);
	cJSON_AddStringToObject(s, "type", "object");
	cJSON *props = cJSON_AddObjectToObject(s, "properties");
	cJSON *required = cJSON_CreateArray();
	for (size_t i = 0; i < gw_pschema_count(sc); i++) {
		struct gw_pkey k;
		gw_pschema_key(sc, i, &k);
		cJSON_AddItemToObject(props, k.key,
				create_key(b, &k, doc_of(b, what, k.key)));
		if (k.required) {
			cJSON_AddItemToArray(required,
					cJSON_CreateString(k.key));
		}
	}
	cJSON_AddFalseToObject(s, "additionalProperties");
	if (with_required && cJSON_GetArraySize(required)) {
		cJSON_AddItemToObject(s, "required", required);
	} else {
		cJSON_Delete(required);
	}
}

/* The required keys of 'sc', or NULL when it has none. */
static cJSON *create_required(const struct gw_pschema *sc)
{
	cJSON *r = cJSON_CreateArray();
	for (size_t i = 0; i < gw_pschema_count(sc); i++) {
		struct gw_pkey k;
		gw_pschema_key(sc, i, &k);
		if (k.required) {
			cJSON_AddItemToArray(r, cJSON_CreateString(k.key));
		}
	}
	if (!cJSON_GetArraySize(r)) {
		cJSON_Delete(r);
		return NULL;
	}
	return r;
}

/*
 * The top level. Its required keys, and those of its mappings, apply to a
 * profile without 'extends:'; with it, the parent may give them (maps
 * merge), and only the whole chain can tell.
 */
static cJSON *create_root(struct build *b)
{
	const struct gw_pschema *root = gw_pschema_root();
	cJSON *s = cJSON_CreateObject();
	cJSON_AddStringToObject(s, "$schema", SCHEMA_DIALECT);
	cJSON_AddStringToObject(s, "title", "gwgen profile");
	cJSON_AddStringToObject(s, "description",
			map_doc(gw_pschema_what(root)));
	fill_map(b, s, root, false);

	cJSON *cond = cJSON_AddObjectToObject(s, "if");
	cJSON *ext = cJSON_AddArrayToObject(cond, "required");
	cJSON_AddItemToArray(ext, cJSON_CreateString("extends"));
	cJSON *whole = cJSON_AddObjectToObject(s, "else");
	cJSON *required = create_required(root);
	if (required) {
		cJSON_AddItemToObject(whole, "required", required);
	}
	cJSON *props = cJSON_AddObjectToObject(whole, "properties");
	for (size_t i = 0; i < gw_pschema_count(root); i++) {
		struct gw_pkey k;
		gw_pschema_key(root, i, &k);
		cJSON *sub = k.type == GW_PKEY_MAP ? create_required(k.sub)
			: NULL;
		if (sub) {
			/* The type again: strict validators (Ajv's
			 * strictTypes) want it beside 'required'. */
			cJSON *p = cJSON_AddObjectToObject(props, k.key);
			cJSON_AddStringToObject(p, "type", "object");
			cJSON_AddItemToObject(p, "required", sub);
		}
	}
	return s;
}

cJSON *gw_schema_create(struct gw_diags *d)
{
	struct build b = {.d = d};
	size_t errors = d->n_errors;
	cJSON *s = create_root(&b);
	for (size_t i = 0; i < GW_ARRAY_LEN(key_docs); i++) {
		if (!b.used[i]) {
			gw_diag_error(d, (struct gw_loc){0}, "internal error: "
					"schema.c describes key '%s' of %s, "
					"which the loader does not have",
					key_docs[i].key, key_docs[i].what);
		}
	}
	if (d->n_errors != errors) {
		cJSON_Delete(s);
		return NULL;
	}
	return s;
}

char *gw_schema_render(struct gw_diags *d)
{
	cJSON *s = gw_schema_create(d);
	if (!s) {
		return NULL;
	}
	char *text = cJSON_Print(s);
	cJSON_Delete(s);
	char *out = gw_xasprintf("%s\n", text);
	cJSON_free(text);
	return out;
}

/* ---- gwgen schema -------------------------------------------------------- */

static const char schema_help[] =
	"usage: gwgen schema [-o FILE]\n"
	"\n"
	"Print the JSON Schema (draft-07) of the profile format, built from\n"
	"gwgen's own key tables: every key with its type, allowed values,\n"
	"range, default and description. Editors that read JSON Schema\n"
	"(yaml-language-server: VS Code's YAML extension, Neovim, Helix, ...)\n"
	"then complete and check profiles that start with\n"
	"  # yaml-language-server: $schema=" GW_SCHEMA_FILE "\n"
	"with the schema saved as " GW_SCHEMA_FILE " beside them\n"
	"('gwgen init' writes it there). The verifier's rules (gwgen verify)\n"
	"go further than a schema can.\n"
	"\n"
	"Options:\n"
	"  -o, --out FILE        write the schema to FILE instead of stdout\n"
	"  -h, --help            show this help and exit\n";

/* A usage error: 'what' and the argument 'arg' it is about. */
static int schema_usage(FILE *err, const char *what, const char *arg)
{
	fprintf(err, "gwgen schema: error: %s '%s'\n"
			"try 'gwgen schema --help'\n", what, arg);
	return GW_EXIT_USAGE;
}

int gw_schema_main(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option options[] = {
		{"out", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *file = NULL;
	optind = 0;
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, ":o:h", options, NULL))
			!= -1;) {
		switch (c) {
		case 'o':
			if (!*optarg) {
				return schema_usage(err, "an empty value for "
						"option", "--out");
			}
			file = optarg;
			break;
		case 'h':
			fputs(schema_help, out);
			return GW_EXIT_OK;
		case ':':
			return schema_usage(err, "no value for option",
					argv[optind - 1]);
		default:
			return schema_usage(err, "unknown option",
					argv[optind - 1]);
		}
	}
	if (optind < argc) {
		return schema_usage(err, "unexpected argument",
				argv[optind]);
	}
	struct gw_diags d;
	gw_diags_init(&d);
	int status = GW_EXIT_OK;
	char *text = gw_schema_render(&d);
	if (!text) {
		status = GW_EXIT_INVALID;
	} else if (!file) {
		fputs(text, out);
	} else if (!gw_textfile_write(file, text, strlen(text), &d)) {
		status = GW_EXIT_IO;
	}
	free(text);
	gw_diags_print(&d, err, GW_DIAG_TEXT, false);
	gw_diags_finish(&d);
	return status;
}
