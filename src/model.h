/* SPDX-License-Identifier: MIT */
/* The typed model of a profile: what the loader builds and every later stage reads. */
#ifndef GW_MODEL_H
#define GW_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/*
 * A queue's RUNNABLE guard when the profile sets no runnable_timeout:
 * 4 hours, the wait AWS's own example gives a job blocked at the head of
 * a queue before it is cancelled (AWS Batch user guide, "Automatic
 * remediation with jobStateTimeLimitActions": maxTimeSeconds 14400).
 */
#define GW_DEFAULT_RUNNABLE_TIMEOUT 14400
/*
 * Nextflow's executor.submitRateLimit when the profile sets none: 10 jobs
 * per second, a fifth of Batch's SubmitJob limit of 50 per second per
 * account (GW_LIM_SUBMIT_JOB_TPS), so five runs at once stay under it;
 * Nextflow itself sets no limit. And executor.queueSize, the tasks one run
 * keeps submitted at once: 100, Nextflow's documented default for
 * executors in general, written out so the file says it.
 */
#define GW_DEFAULT_NF_SUBMIT_RATE 10
#define GW_DEFAULT_NF_QUEUE_SIZE 100

/*
 * Every value keeps the location of its value in the profile ('loc'), so the
 * verifier can point at it. A value that the profile did not set has
 * 'set' == false (or s == NULL) and the location of the mapping that would
 * hold it, so "missing" findings still point somewhere useful. Defaults are
 * filled in by the loader (docs/profile.md lists them) and keep set == false.
 *
 * All strings are owned by the model and freed by gw_model_destroy().
 */

struct gw_str {
	char *s; /* NULL when absent */
	bool set; /* written in the profile (false for defaults) */
	struct gw_loc loc;
};

struct gw_int {
	long long v;
	bool set;
	struct gw_loc loc;
};

struct gw_bool {
	bool v;
	bool set;
	struct gw_loc loc;
};

struct gw_strs {
	struct gw_str *v; /* in profile order */
	size_t n;
	bool set;
	struct gw_loc loc; /* the sequence itself */
};

struct gw_kv {
	struct gw_str key;
	struct gw_str value;
};

/* A string-to-string map in profile order (tags, ECS agent settings, env). */
struct gw_kvs {
	struct gw_kv *v;
	size_t n;
	bool set;
	struct gw_loc loc;
};

enum gw_engine {
	GW_ENGINE_NONE,
	GW_ENGINE_NEXTFLOW,
	GW_ENGINE_NEXTSTRAIN,
	GW_ENGINE_SNAKEMAKE,
	GW_ENGINE_CROMWELL,
	GW_ENGINE_MINIWDL,
};

/* ---- network: what the template takes as parameters ------------------ */

struct gw_network {
	struct gw_loc loc;
	/* Subnets (List<AWS::EC2::Subnet::Id>) and SecurityGroupIds
	 * (List<AWS::EC2::SecurityGroup::Id>) are always parameters. */
	struct gw_bool vpc;        /* add a VpcId parameter (AWS::EC2::VPC::Id) */
	struct gw_bool key_pair;   /* add an optional KeyPair parameter */
	struct gw_bool custom_ami; /* add an optional ImageId parameter */
};

/* ---- S3 ----------------------------------------------------------------- */

struct gw_bucket {
	struct gw_loc loc;
	bool present;
	struct gw_str name;        /* literal bucket name, 3..63 [a-z0-9.-] */
	struct gw_int expire_days; /* lifecycle expiry of all objects; 0 = none */
	struct gw_int abort_multipart_days; /* default 7 */
	struct gw_bool retain;     /* DeletionPolicy Retain; default true */
	struct gw_bool versioning; /* default true */
	struct gw_int noncurrent_days; /* expire noncurrent versions; default 30, 0 = never */
	struct gw_bool access_logging; /* server access logs to a log bucket; default true */
	struct gw_int access_log_days; /* expiry of the access logs; default 365, 0 = never */
	struct gw_str encryption;  /* "sse-s3" (AES256, default) or "sse-kms" */
};

/* ---- shared storage: an EFS file system the stack creates --------------- */

/*
 * One Amazon EFS file system, encrypted, with a mount target in each of the
 * stack's subnets behind a security group that takes NFS only from the
 * compute environments; launch templates with user_data.shared_storage
 * mount it at 'mount_point', job definitions with shared_storage get it as
 * a volume there.
 */
/*
 * The instance tag that carries the file system's ID to the boot script,
 * which reads it from instance metadata (the user data is the same bytes
 * in every stack, so it cannot name the file system).
 */
#define GW_FILE_SYSTEM_TAG_KEY "gwgen:file-system"

struct gw_shared_storage {
	struct gw_loc loc;
	bool present;
	struct gw_str mount_point;   /* absolute path; default /mnt/efs */
	struct gw_str performance_mode; /* generalPurpose (default) | maxIO */
	struct gw_str throughput_mode; /* elastic (default) | bursting |
					* provisioned */
	struct gw_int provisioned_mibps; /* MiB/s with provisioned; 0 = unset */
	struct gw_int ia_days;       /* to Infrequent Access after N days
				      * without access: 0 (never), 1, 7, 14,
				      * 30 (default), 60, 90, 180, 270, 365 */
	struct gw_bool primary_on_access; /* back to Standard on first access;
					   * default true */
	struct gw_bool backup;       /* AWS Backup's daily backups; default true */
	struct gw_bool retain;       /* DeletionPolicy Retain; default true */
};

/* ---- IAM ------------------------------------------------------------------ */

enum gw_res_kind {
	GW_RES_ANY,       /* "*" */
	GW_RES_BUCKET,    /* bucket: ""      -> arn:P:s3:::BUCKET */
	GW_RES_OBJECTS,   /* objects: KEY-PATTERN -> arn:P:s3:::BUCKET/KEY-PATTERN */
	GW_RES_SECRET,    /* secret: "NF_*"  -> arn:P:secretsmanager:R:A:secret:NF_* */
	GW_RES_LOG_GROUP, /* log_group: "/aws/batch/job[:log-stream:*]" -> arn:P:logs:R:A:log-group:... */
	GW_RES_ROLE,      /* role: "NAME"    -> arn:P:iam::A:role/NAME */
	/* Batch, ECS, ECR and EC2 resources in the stack's region and
	 * account (docs/profile.md; STAR is '*'). */
	GW_RES_BATCH,     /* batch: "job-queue/NAME" -> arn:P:batch:R:A:job-queue/NAME */
	GW_RES_ECS,       /* ecs: "task/STAR" -> arn:P:ecs:R:A:task/STAR */
	GW_RES_ECR,       /* ecr: "repository/NAME" -> arn:P:ecr:R:A:repository/NAME */
	GW_RES_EC2,       /* ec2: "volume/STAR" -> arn:P:ec2:R:A:volume/STAR */
	GW_RES_ARN,       /* arn: "arn:..."  literal, verified */
};

struct gw_resource {
	enum gw_res_kind kind;
	struct gw_str value; /* the part after the key; "" for bucket */
	struct gw_loc loc;
};

/* One IAM condition: TEST { KEY: [VALUES] }. In a value, ${gwgen:stack}
 * stands for the stack's name (docs/profile.md). */
struct gw_condition {
	struct gw_loc loc;
	struct gw_str test;     /* condition operator, e.g. "StringEquals" */
	struct gw_str key;      /* condition key, e.g. "aws:ResourceTag/gwgen:stack" */
	struct gw_strs values;  /* any of them matches */
};

struct gw_statement {
	struct gw_loc loc;
	struct gw_str sid;     /* optional, [A-Za-z0-9]* */
	struct gw_str effect;  /* "Allow" (default) or "Deny" */
	struct gw_strs actions; /* service:Action, wildcards allowed */
	struct gw_resource *resources; /* in profile order */
	size_t n_resources;
	struct gw_loc resources_loc;
	struct gw_condition *conditions; /* in profile order */
	size_t n_conditions;
};

/* A customer-managed policy (AWS::IAM::ManagedPolicy). */
struct gw_policy {
	struct gw_loc loc;
	struct gw_str name;        /* ManagedPolicyName, [A-Za-z0-9+=,.@_-]{1,128} */
	struct gw_str description;
	struct gw_statement *statements;
	size_t n_statements;
};

struct gw_role {
	struct gw_loc loc;
	struct gw_str name;        /* RoleName, <= 64 */
	struct gw_str description;
	struct gw_strs trust;      /* service short names: ec2, ecs-tasks, batch, spotfleet */
	struct gw_strs managed;    /* AWS-managed policy paths, e.g.
				    * "service-role/AmazonEC2ContainerServiceforEC2Role" */
	struct gw_strs policies;   /* names of gw_policy in this profile */
	struct gw_bool instance_profile; /* also create an instance profile */
	struct gw_strs open_data;  /* names of public S3 buckets the role may
	                              list and read (s3:ListBucket on the
	                              bucket, s3:GetObject on its objects),
	                              in an inline policy (N12) */
};

struct gw_group {
	struct gw_loc loc;
	struct gw_str name;
	struct gw_strs policies;   /* names of gw_policy */
	struct gw_strs managed;
};

/* IAM users are people: created by users.sh, not by the stack. */
struct gw_user {
	struct gw_loc loc;
	struct gw_str name;
	struct gw_strs groups;     /* names of gw_group */
	struct gw_strs policies;   /* names of gw_policy, attached directly */
};

/* ---- EC2 launch template ------------------------------------------------- */

struct gw_volume {
	struct gw_loc loc;
	struct gw_str device;      /* /dev/xvda, /dev/xvdba, /dev/sdf ... */
	struct gw_int size_gib;
	struct gw_str type;        /* gp3 (default), gp2, io1, io2, st1, sc1, standard */
	struct gw_int iops;        /* io1/io2/gp3 only */
	struct gw_int throughput;  /* gp3 only, MiB/s */
	struct gw_bool delete_on_termination; /* default true */
	struct gw_bool encrypted;  /* default true; false is refused by verify */
};

enum gw_scratch_kind {
	GW_SCRATCH_NONE,
	GW_SCRATCH_EBS_AUTOSCALE, /* LVM over EBS volumes, grown on demand */
	GW_SCRATCH_NVME_LVM,      /* instance store (+ unmounted EBS) as one LV */
};

struct gw_scratch {
	struct gw_loc loc;
	bool present;
	struct gw_str kind;        /* "ebs-autoscale" | "nvme-lvm" */
	enum gw_scratch_kind k;    /* parsed 'kind' */
	struct gw_str device;      /* initial EBS device (ebs-autoscale), must be mapped */
	struct gw_str mount;       /* default /var/lib/docker */
	struct gw_str filesystem;  /* "ext4" (default) or "btrfs" (refused on AL2023) */
	struct gw_int threshold_pct;   /* grow when use exceeds this; default 50 */
	struct gw_int increment_gib;   /* size of each added volume; default 150 */
	struct gw_int max_total_gib;   /* cap on all added volumes; default 8000 */
	struct gw_int max_volumes;     /* cap on attached volumes; default 16 */
	struct gw_str volume_type;     /* type of added volumes; default gp3 */
};

/* A pinned AWS CLI build for one architecture. */
struct gw_cli_pin {
	struct gw_loc loc;
	bool present;
	struct gw_str version;     /* pinned release, e.g. "2.36.11" */
	struct gw_str sha256;      /* of awscli-exe-linux-ARCH-VERSION.zip */
};

struct gw_aws_cli {
	struct gw_loc loc;
	bool present;
	/* The x86_64 pin: both or neither (L9). */
	struct gw_str version;     /* pinned release, e.g. "2.36.11" */
	struct gw_str sha256;      /* of awscli-exe-linux-x86_64-VERSION.zip */
	struct gw_cli_pin aarch64; /* of awscli-exe-linux-aarch64-VERSION.zip */
	struct gw_str source;      /* "release" (awscli.amazonaws.com) or "bucket" */
	struct gw_str prefix;      /* install dir; default /usr/local/aws-cli */
};

/* Versioned provisioning scripts fetched from the bucket (gwfcore). */
struct gw_provision {
	struct gw_loc loc;
	bool present;
	struct gw_str version;     /* key prefix version, e.g. "v1" */
	struct gw_str prefix;      /* key prefix in the bucket; default "provision" */
	struct gw_strs scripts;    /* names of scripts gwgen ships (templates/provision) */
};

struct gw_user_data {
	struct gw_loc loc;
	bool present;
	struct gw_strs packages;   /* dnf packages */
	struct gw_aws_cli aws_cli;
	struct gw_scratch scratch;
	struct gw_kvs ecs_config;  /* appended to /etc/ecs/ecs.config */
	struct gw_provision provision;
	struct gw_strs runcmd;     /* extra commands, run last */
	struct gw_bool fail_fast;  /* shutdown when provisioning fails; default true */
	struct gw_bool shared_storage; /* mount the profile's shared storage */
};

struct gw_launch_template {
	struct gw_loc loc;
	struct gw_str name;        /* LaunchTemplateName, 3..128 [a-zA-Z0-9().-/_] */
	struct gw_str description;
	bool has_root;
	struct gw_volume root;     /* the AMI's root device, resized */
	struct gw_volume *volumes; /* extra EBS volumes, in profile order */
	size_t n_volumes;
	struct gw_loc volumes_loc;
	struct gw_bool ebs_optimized;   /* default true */
	struct gw_str shutdown_behavior; /* "terminate" (default) or "stop" */
	struct gw_int hop_limit;   /* IMDS PUT response hop limit; default 2 */
	struct gw_kvs tags;        /* template and instance tags, merged over profile tags */
	struct gw_user_data user_data;
};

/* ---- AWS Batch ------------------------------------------------------------- */

struct gw_compute_env {
	struct gw_loc loc;
	struct gw_str name;        /* ComputeEnvironmentName, <= 128 [A-Za-z0-9_-] */
	struct gw_str type;        /* EC2 (default), SPOT, FARGATE, FARGATE_SPOT */
	struct gw_str allocation_strategy; /* BEST_FIT_PROGRESSIVE (EC2 default),
					    * SPOT_PRICE_CAPACITY_OPTIMIZED (SPOT default) */
	struct gw_strs instance_types; /* default ["optimal"] on EC2/SPOT */
	struct gw_int min_vcpus;   /* default 0 */
	struct gw_int desired_vcpus; /* default = min */
	struct gw_int max_vcpus;   /* required */
	struct gw_int bid_percentage; /* SPOT only, 1..100 */
	struct gw_str launch_template; /* name of a gw_launch_template */
	struct gw_str image_type;  /* ECS_AL2023 (default), ECS_AL2023_NVIDIA, ... */
	struct gw_str instance_role; /* name of a gw_role with an instance profile */
	struct gw_str spot_fleet_role; /* name of a gw_role; BEST_FIT SPOT only */
	struct gw_str service_role; /* name of a gw_role; default: service-linked role */
	struct gw_kvs tags;        /* EC2 instance tags (e.g. Name) */
	struct gw_bool update_to_latest_image; /* UpdateToLatestImageVersion */
	struct gw_int update_timeout_minutes; /* UpdatePolicy
	                                         JobExecutionTimeoutMinutes,
	                                         1..7200; default 7200 */
};

struct gw_queue_ce {
	struct gw_loc loc;
	struct gw_str ce;          /* name of a gw_compute_env */
	struct gw_int order;       /* default: position (1-based) */
};

struct gw_queue {
	struct gw_loc loc;
	struct gw_str name;        /* JobQueueName, <= 128 */
	struct gw_int priority;    /* 0..1000; default 1 */
	struct gw_queue_ce *ces;   /* in profile order */
	size_t n_ces;
	struct gw_loc ces_loc;
	struct gw_bool head;       /* runs workflow head jobs: must not reach Spot */
	struct gw_int runnable_timeout; /* seconds, JobStateTimeLimitActions;
	                                   default GW_DEFAULT_RUNNABLE_TIMEOUT,
	                                   0 = none (warned, Q11) */
};

struct gw_job_def {
	struct gw_loc loc;
	struct gw_str name;        /* JobDefinitionName, <= 128 */
	struct gw_str image;       /* container image, <= 255 */
	struct gw_int vcpus;       /* default 1 */
	struct gw_int memory_mib;  /* default 2048 */
	struct gw_int gpus;        /* default 0 */
	struct gw_strs command;    /* empty list = [] */
	struct gw_int attempts;    /* retry attempts 1..10; default 1 */
	struct gw_int timeout;     /* attempt duration seconds, >= 60; 0 = none */
	struct gw_str job_role;    /* name of a gw_role trusted by ecs-tasks */
	struct gw_str queue;       /* queue its jobs are submitted to (sizing check) */
	struct gw_kvs environment;
	struct gw_str log_group;   /* awslogs group; default /aws/batch/job */
	/* Fargate (its queue reaches FARGATE / FARGATE_SPOT compute
	 * environments; gw_model_job_on_fargate). */
	struct gw_str fractional_vcpus; /* "0.25" | "0.5", instead of vcpus */
	struct gw_str execution_role; /* a gw_role trusted by ecs-tasks;
				       * default: gwgen's (gw_model_execution_role) */
	struct gw_bool assign_public_ip; /* NetworkConfiguration; default false */
	struct gw_str platform_version; /* default "LATEST" */
	struct gw_bool shared_storage; /* the profile's shared storage as a
					* volume at its mount_point */
};

struct gw_log_group {
	struct gw_loc loc;
	struct gw_str name;        /* [.\-_/#A-Za-z0-9]{1,512} */
	struct gw_int retention_days; /* one of the CloudWatch values; default 30 */
};

/*
 * An instance type newer than gwgen's catalog (data/instance-types.tsv),
 * declared in the profile with its size so the sizing rules still apply.
 */
struct gw_new_type {
	struct gw_loc loc;
	struct gw_str name;        /* FAMILY.SIZE, e.g. "c9g.4xlarge" */
	struct gw_int vcpus;       /* >= 1, required */
	struct gw_int memory_mib;  /* >= 1, required */
	struct gw_int gpus;        /* default 0 */
	struct gw_str arch;        /* "x86_64" | "arm64", required */
};

/* ---- client configuration ------------------------------------------------- */

/* One Nextflow process selector: withName:/withLabel: with resources. */
struct gw_nf_process {
	struct gw_loc loc;
	struct gw_str selector;    /* e.g. "withName:SALMON_INDEX" or "withLabel:big" */
	struct gw_int cpus;
	struct gw_int memory_mib;
	struct gw_str queue;       /* optional queue override */
	struct gw_str disk;        /* optional, e.g. "40 GB" */
};

/*
 * Nextflow's answer to Spot reclamation, a dynamic process.queue: a task's
 * attempts 1..after_attempts go to nextflow.queue (Spot), later ones to
 * 'queue' (on-demand), with errorStrategy 'retry' so that later attempts
 * happen (NF11, NF12).
 */
struct gw_nf_spot_fallback {
	struct gw_loc loc;
	bool present;
	struct gw_str queue;       /* a gw_queue reaching on-demand capacity only */
	struct gw_int after_attempts; /* 1..10; default 1 */
	struct gw_int max_retries; /* process.maxRetries, >= after_attempts;
	                              default after_attempts */
};

struct gw_nextflow {
	struct gw_loc loc;
	bool present;
	struct gw_str queue;       /* default process.queue: a gw_queue name */
	struct gw_nf_spot_fallback spot_fallback;
	struct gw_str work_dir;    /* key prefix in the bucket; default "work" */
	struct gw_str cli_path;    /* aws.batch.cliPath */
	struct gw_int max_spot_attempts; /* aws.batch.maxSpotAttempts; default 0 */
	struct gw_int max_parallel_transfers;
	struct gw_int max_cpus;    /* params.max_cpus; 0 = not written */
	struct gw_int max_memory_mib; /* params.max_memory; 0 = not written */
	struct gw_str log_group;   /* aws.batch.logsGroup */
	struct gw_str storage_class; /* aws.client.uploadStorageClass */
	struct gw_str storage_encryption; /* aws.client.storageEncryption */
	struct gw_int max_connections;
	struct gw_int connection_timeout; /* ms */
	struct gw_str retry_mode;  /* aws.batch.retryMode */
	struct gw_str s3_acl;      /* aws.client.s3Acl, a canned ACL */
	struct gw_int submit_rate; /* executor.submitRateLimit, jobs per
	                              second, 1..50; default 10 */
	struct gw_int queue_size;  /* executor.queueSize, >= 1; default 100 */
	struct gw_str config_profile; /* name of the config profile block; "" = top level */
	struct gw_nf_process *processes;
	size_t n_processes;
};

struct gw_nextstrain {
	struct gw_loc loc;
	bool present;
	struct gw_str job_definition; /* a gw_job_def name */
	struct gw_str queue;       /* a gw_queue name */
	struct gw_int cpus;        /* 0 = not written */
	struct gw_int memory_mib;  /* 0 = not written */
};

/*
 * The Snakemake 8+ profile directory (client/snakemake/config.yaml) for
 * the AWS Batch executor plugin (snakemake-executor-plugin-aws-batch).
 */
struct gw_snakemake {
	struct gw_loc loc;
	bool present;
	struct gw_str queue;       /* a gw_queue name: aws-batch-job-queue */
	struct gw_str job_role;    /* a gw_role name: aws-batch-job-role (ARN) */
	struct gw_str storage_prefix; /* key prefix in the bucket; default "snakemake" */
	struct gw_int jobs;        /* Snakemake's --jobs, >= 1; default 10 */
};

/* Cromwell's AWS Batch backend configuration (client/cromwell.conf, HOCON). */
struct gw_cromwell {
	struct gw_loc loc;
	bool present;
	struct gw_str queue;       /* a gw_queue name: queueArn */
	struct gw_str root_prefix; /* key prefix in the bucket for 'root';
				    * default "cromwell-execution" */
};

/*
 * miniwdl with the miniwdl-aws plugin (client/miniwdl.cfg and
 * scripts/run-miniwdl.sh): miniwdl-aws-submit runs miniwdl itself as a
 * Batch job on 'workflow_queue', which submits the WDL tasks to
 * 'task_queue'; both see the shared storage mounted at the same path.
 */
struct gw_miniwdl {
	struct gw_loc loc;
	bool present;
	struct gw_str workflow_queue; /* a gw_queue name: the workflow job's */
	struct gw_str task_queue;  /* a gw_queue name: [aws] task_queue */
	struct gw_str task_queue_fallback; /* optional: [aws] task_queue_fallback */
	struct gw_str output_prefix; /* key prefix in the bucket for
				      * --s3upload; default "miniwdl" */
};

/* ---- the whole profile ------------------------------------------------------ */

struct gw_model {
	char **files;              /* every file read (extends chain), owned;
				    * gw_loc.file points into these */
	size_t n_files;

	struct gw_str name;        /* [a-z][a-z0-9-]{0,39}: the output directory */
	struct gw_str description; /* one line */
	struct gw_str extends;     /* parent profile, as written */
	struct gw_str region;      /* e.g. us-west-2 */
	const char *partition;     /* derived from region: aws, aws-cn, aws-us-gov, ... */
	const char *dns_suffix;    /* derived: amazonaws.com, amazonaws.com.cn, ... */
	struct gw_str account_id;  /* optional 12 digits; standalone IAM uses "*" without it */
	struct gw_str stack_name;  /* default "gwgen-NAME" */
	struct gw_str engine_name; /* nextflow | nextstrain | snakemake | cromwell |
				    * miniwdl | none */
	enum gw_engine engine;
	struct gw_str compliance;  /* "baseline" (default) or "hipaa" */
	bool hipaa;                /* compliance is "hipaa" */
	struct gw_kvs tags;        /* on every taggable resource */
	struct gw_network network;
	struct gw_bucket bucket;
	struct gw_shared_storage shared_storage;

	struct gw_policy *policies; size_t n_policies;
	struct gw_role *roles; size_t n_roles;
	struct gw_group *groups; size_t n_groups;
	struct gw_user *users; size_t n_users;
	struct gw_launch_template *launch_templates; size_t n_launch_templates;
	struct gw_compute_env *compute_envs; size_t n_compute_envs;
	struct gw_queue *queues; size_t n_queues;
	struct gw_job_def *job_defs; size_t n_job_defs;
	struct gw_log_group *log_groups; size_t n_log_groups;
	struct gw_new_type *new_types; size_t n_new_types;

	struct gw_nextflow nextflow;
	struct gw_nextstrain nextstrain;
	struct gw_snakemake snakemake;
	struct gw_cromwell cromwell;
	struct gw_miniwdl miniwdl;
};

/* Allocate an empty model; free it with gw_model_destroy(). */
struct gw_model *gw_model_create(void);

/* Free the model and everything it owns. Accepts NULL. */
void gw_model_destroy(struct gw_model *m);

/* Lookups by name; return NULL when there is no such object. Lent pointers. */
const struct gw_policy *gw_model_policy(const struct gw_model *m, const char *name);
const struct gw_role *gw_model_role(const struct gw_model *m, const char *name);
const struct gw_group *gw_model_group(const struct gw_model *m, const char *name);
const struct gw_launch_template *gw_model_launch_template(
		const struct gw_model *m, const char *name);
const struct gw_compute_env *gw_model_compute_env(const struct gw_model *m,
		const char *name);
const struct gw_queue *gw_model_queue(const struct gw_model *m, const char *name);
const struct gw_job_def *gw_model_job_def(const struct gw_model *m, const char *name);
const struct gw_log_group *gw_model_log_group(const struct gw_model *m,
		const char *name);

/*
 * The profile's Nextflow head job (scripts/run-head.sh): with engine
 * nextflow and a nextflow section, the first job definition whose queue is
 * a head queue ('head: true'); NULL when there is none. Lent from 'm'.
 */
const struct gw_job_def *gw_model_head_job(const struct gw_model *m);

/*
 * Whether job definition 'jd' runs on Fargate: its queue exists and one of
 * its compute environments is FARGATE or FARGATE_SPOT.
 */
bool gw_model_job_on_fargate(const struct gw_model *m,
		const struct gw_job_def *jd);

/* Whether queue 'queue' exists and reaches a Fargate compute environment. */
bool gw_model_queue_on_fargate(const struct gw_model *m, const char *queue);

/* Whether the profile writes a nextflow.config whose default queue is
 * Fargate (aws.batch.platformType 'fargate'). */
bool gw_model_nextflow_on_fargate(const struct gw_model *m);

/*
 * Whether gwgen creates the Fargate execution role: some Fargate job
 * definition names no execution_role, or Nextflow's queue is Fargate. Its name, "NAME-fargate-execution"
 * (NAME the profile's), goes to 'out' ('size' bytes).
 */
bool gw_model_execution_role(const struct gw_model *m, char *out,
		size_t size);

/* The AWS-managed policy of gwgen's execution role (ECS Developer Guide,
 * "Amazon ECS task execution IAM role"). */
#define GW_EXECUTION_ROLE_POLICY "service-role/AmazonECSTaskExecutionRolePolicy"
/* The suffix of its name after the profile's name. */
#define GW_EXECUTION_ROLE_SUFFIX "-fargate-execution"

/*
 * The partition and DNS suffix for 'region' (AWS SDK partitions.json), or
 * false when the region matches no partition's pattern.
 */
bool gw_partition_for_region(const char *region, const char **partition,
		const char **dns_suffix);

/*
 * The DNS suffix of the partition named 'partition' ("aws-cn" ->
 * "amazonaws.com.cn"), or NULL when no partition has that name. Static
 * string; the same table as gw_partition_for_region.
 */
const char *gw_partition_dns_suffix(const char *partition);

/*
 * A CloudFormation logical ID for 'name' with 'suffix' appended: the name's
 * alphanumeric runs, each capitalised ("spot-ce" + "ComputeEnv" ->
 * "SpotCeComputeEnv"). Returns a string to free().
 */
char *gw_logical_id(const char *name, const char *suffix);

/*
 * For a resource kind whose ARN is arn:P:SERVICE:REGION:ACCOUNT:PREFIXVALUE
 * (the Batch, ECS, ECR and EC2 kinds), set '*service' and '*prefix' and
 * return true; false for the other kinds. The strings are static.
 */
bool gw_res_regional(enum gw_res_kind kind, const char **service,
		const char **prefix);

#endif
