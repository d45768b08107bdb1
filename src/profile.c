/* SPDX-License-Identifier: MIT */
/* The profile loader: the format as key tables, extends, defaults, lookup. */
#include "profile.h"
#include "aws_limits.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "buf.h"
#include "config.h"
#include "names.h"
#include "profile_keys.h"
#include "profile_tree.h"
#include "rules.h"
#include "util.h"
#include "verify.h"

/* At most this many profiles in one 'extends:' chain, the first included. */
#define GW_PROFILE_MAX_CHAIN 8
/* Suggest a known key when an unknown one is this close (edits). */
#define SUGGEST_MAX_DISTANCE 2
/* Keys longer than this get no suggestion (bounds the edit distance work). */
#define SUGGEST_MAX_LEN 64
/* The profile name: [a-z][a-z0-9-]{0,39}, a safe single path component. */
#define NAME_MAX_LEN 40
/* AWS account IDs are 12 digits. */
#define ACCOUNT_ID_LEN 12
/* Upper bound for integers that have no natural one. */
#define UNBOUNDED LLONG_MAX

/* ---- the format as tables ------------------------------------------------ */

enum ftype {
	FT_STR,   /* struct gw_str: any scalar but null, kept verbatim */
	FT_ENUM,  /* struct gw_str, one of 'allowed' */
	FT_INT,   /* struct gw_int in min..max (or 0 with zero_ok) */
	FT_BOOL,  /* struct gw_bool */
	FT_STRS,  /* struct gw_strs; elements one of 'allowed' if set */
	FT_KVS,   /* struct gw_kvs from a mapping of scalars */
	FT_MAP,   /* a nested struct described by 'sub' */
	FT_LIST,  /* an array of 'elem_size' elements: 'sub' maps or 'elem' */
};

struct conv;
struct schema;

/* Parse one list element that is not simply a mapping. */
typedef void (*elem_fn)(struct conv *c, const struct gw_pnode *n,
		void *elem, size_t index);

struct field {
	const char *key;
	enum ftype type;
	size_t off;                 /* of the member in the struct */
	bool required;
	long long min, max;         /* FT_INT range */
	bool zero_ok;               /* FT_INT: 0 ("none") is also allowed */
	const long long *ints;      /* FT_INT: allowed values, or NULL */
	size_t n_ints;
	long long def_int;          /* FT_INT default */
	enum gw_rule rule;          /* FT_INT: rule of a range error */
	bool def_bool;              /* FT_BOOL default */
	const char *def_str;        /* FT_STR/FT_ENUM default, or NULL */
	const char *const *allowed; /* FT_ENUM/FT_STRS values, NULL-ended */
	const struct schema *sub;   /* FT_MAP; FT_LIST of mappings */
	elem_fn elem;               /* FT_LIST of anything else */
	size_t elem_size;           /* FT_LIST */
	size_t count_off;           /* FT_LIST: size_t element count */
	bool has_present;           /* FT_MAP: a bool 'present' member ... */
	size_t present_off;         /* ... at this offset */
	bool has_list_loc;          /* FT_LIST: a struct gw_loc member ... */
	size_t list_loc_off;        /* ... at this offset */
};

struct schema {
	const char *what;           /* for messages: "compute environment" */
	const struct field *fields;
	size_t n_fields;
	bool has_loc;               /* a struct gw_loc member 'loc' ... */
	size_t loc_off;             /* ... at this offset */
};

#define F_STR(T, k, m) .key = (k), .type = FT_STR, .off = offsetof(T, m)
#define F_ENUM(T, k, m, values, def) .key = (k), .type = FT_ENUM, \
	.off = offsetof(T, m), .allowed = (values), .def_str = (def)
#define F_INT(T, k, m, lo, hi, def) .key = (k), .type = FT_INT, \
	.off = offsetof(T, m), .min = (lo), .max = (hi), .def_int = (def)
#define F_BOOL(T, k, m, def) .key = (k), .type = FT_BOOL, \
	.off = offsetof(T, m), .def_bool = (def)
#define F_STRS(T, k, m) .key = (k), .type = FT_STRS, .off = offsetof(T, m)
#define F_KVS(T, k, m) .key = (k), .type = FT_KVS, .off = offsetof(T, m)
#define F_MAP(T, k, m, schema) .key = (k), .type = FT_MAP, \
	.off = offsetof(T, m), .sub = &(schema)
#define F_PRESENT(T, m) .has_present = true, .present_off = offsetof(T, m)
#define F_LIST(T, k, array, count, ET) .key = (k), .type = FT_LIST, \
	.off = offsetof(T, array), .count_off = offsetof(T, count), \
	.elem_size = sizeof(ET)
#define F_LIST_LOC(T, m) .has_list_loc = true, .list_loc_off = offsetof(T, m)
#define SCHEMA(T, name, table) { \
	.what = (name), .fields = (table), .n_fields = GW_ARRAY_LEN(table), \
	.has_loc = true, .loc_off = offsetof(T, loc), \
}

static void parse_resource(struct conv *c, const struct gw_pnode *n,
		void *elem, size_t index);
static void parse_queue_ce(struct conv *c, const struct gw_pnode *n,
		void *elem, size_t index);

static const char *const engines[] = {
	"nextflow", "nextstrain", "snakemake", "cromwell", "miniwdl", "none",
	NULL,
};
static const char *const encryptions[] = {"sse-s3", "sse-kms", NULL};
/* The stack's compliance level (docs/profile.md, "compliance"). */
static const char *const compliances[] = {"baseline", "hipaa", NULL};
static const char *const effects[] = {"Allow", "Deny", NULL};
static const char *const trusts[] = {
	"ec2", "ecs-tasks", "batch", "spotfleet", NULL,
};
/* EBS volume types (AWS::EC2::LaunchTemplate Ebs VolumeType). */
static const char *const volume_types[] = {
	"gp3", "gp2", "io1", "io2", "st1", "sc1", "standard", NULL,
};
static const char *const shutdown_behaviors[] = {"terminate", "stop", NULL};
static const char *const cli_sources[] = {"release", "bucket", NULL};
static const char *const scratch_kinds[] = {"ebs-autoscale", "nvme-lvm", NULL};
static const char *const filesystems[] = {"ext4", "btrfs", NULL};
/* AWS Batch ComputeResources Type and AllocationStrategy. */
static const char *const ce_types[] = {
	"EC2", "SPOT", "FARGATE", "FARGATE_SPOT", NULL,
};
static const char *const allocation_strategies[] = {
	"BEST_FIT", "BEST_FIT_PROGRESSIVE", "SPOT_CAPACITY_OPTIMIZED",
	"SPOT_PRICE_CAPACITY_OPTIMIZED", NULL,
};
/* The vCPU values below 1 that Fargate takes (Batch API
 * ResourceRequirement: VCPU 0.25, 0.5, 1, 2, 4, 8, 16 on Fargate). */
static const char *const fractional_vcpus[] = {"0.25", "0.5", NULL};
/* Nextflow aws.client.storageEncryption and aws.batch.retryMode. */
static const char *const storage_encryptions[] = {"AES256", "aws:kms", NULL};
static const char *const retry_modes[] = {
	"legacy", "standard", "adaptive", "built-in", NULL,
};
/* CloudWatch Logs RetentionInDays (AWS::Logs::LogGroup). */
static const long long retention_days[] = {
	1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
	1827, 2192, 2557, 2922, 3288, 3653,
};

/* EFS PerformanceMode and ThroughputMode (AWS::EFS::FileSystem). */
static const char *const efs_performance_modes[] = {
	"generalPurpose", "maxIO", NULL,
};
static const char *const efs_throughput_modes[] = {
	"elastic", "bursting", "provisioned", NULL,
};
/* EFS LifecyclePolicy TransitionToIA, in days (AFTER_1_DAY ...
 * AFTER_365_DAYS); 0 is "never". */
static const long long efs_ia_days[] = {
	0, 1, 7, 14, 30, 60, 90, 180, 270, 365,
};

static const struct field network_fields[] = {
	{F_BOOL(struct gw_network, "vpc", vpc, false)},
	{F_BOOL(struct gw_network, "key_pair", key_pair, false)},
	{F_BOOL(struct gw_network, "custom_ami", custom_ami, false)},
};
static const struct schema network_schema =
	SCHEMA(struct gw_network, "network", network_fields);

static const struct field bucket_fields[] = {
	{F_STR(struct gw_bucket, "name", name), .required = true},
	{F_INT(struct gw_bucket, "expire_days", expire_days, 0, UNBOUNDED, 0),
		.rule = GW_RULE_N1},
	{F_INT(struct gw_bucket, "abort_multipart_days", abort_multipart_days,
			0, UNBOUNDED, 7), .rule = GW_RULE_N1},
	{F_BOOL(struct gw_bucket, "retain", retain, true)},
	{F_BOOL(struct gw_bucket, "versioning", versioning, true)},
	{F_INT(struct gw_bucket, "noncurrent_days", noncurrent_days,
			0, UNBOUNDED, 30), .rule = GW_RULE_N1},
	{F_BOOL(struct gw_bucket, "access_logging", access_logging, true)},
	{F_INT(struct gw_bucket, "access_log_days", access_log_days,
			0, UNBOUNDED, 365), .rule = GW_RULE_N1},
	{F_ENUM(struct gw_bucket, "encryption", encryption, encryptions,
			"sse-s3")},
};
static const struct schema bucket_schema =
	SCHEMA(struct gw_bucket, "bucket", bucket_fields);

static const struct field shared_storage_fields[] = {
	{F_STR(struct gw_shared_storage, "mount_point", mount_point),
		.def_str = "/mnt/efs"},
	{F_ENUM(struct gw_shared_storage, "performance_mode",
			performance_mode, efs_performance_modes,
			"generalPurpose")},
	{F_ENUM(struct gw_shared_storage, "throughput_mode", throughput_mode,
			efs_throughput_modes, "elastic")},
	{F_INT(struct gw_shared_storage, "provisioned_mibps",
			provisioned_mibps, 1, UNBOUNDED, 0),
		.rule = GW_RULE_FS3},
	{F_INT(struct gw_shared_storage, "ia_days", ia_days, 0, UNBOUNDED,
			30), .rule = GW_RULE_FS3, .ints = efs_ia_days,
		.n_ints = GW_ARRAY_LEN(efs_ia_days)},
	{F_BOOL(struct gw_shared_storage, "primary_on_access",
			primary_on_access, true)},
	{F_BOOL(struct gw_shared_storage, "backup", backup, true)},
	{F_BOOL(struct gw_shared_storage, "retain", retain, true)},
};
static const struct schema shared_storage_schema = SCHEMA(
	struct gw_shared_storage, "shared_storage", shared_storage_fields);

/* IAM condition operators (IAM User Guide, "IAM JSON policy elements:
 * Condition operators"): the ones a Batch stack's policies use. */
static const char *const condition_tests[] = {
	"StringEquals", "StringNotEquals", "StringLike", "StringNotLike",
	"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Bool", "Null",
	"ForAllValues:StringEquals", "ForAllValues:StringLike",
	"ForAnyValue:StringEquals", "ForAnyValue:StringLike", NULL,
};

static const struct field condition_fields[] = {
	{F_ENUM(struct gw_condition, "test", test, condition_tests, NULL),
		.required = true},
	{F_STR(struct gw_condition, "key", key), .required = true},
	{F_STRS(struct gw_condition, "values", values), .required = true},
};
static const struct schema condition_schema =
	SCHEMA(struct gw_condition, "condition", condition_fields);

static const struct field statement_fields[] = {
	{F_STR(struct gw_statement, "sid", sid)},
	{F_ENUM(struct gw_statement, "effect", effect, effects, "Allow")},
	{F_STRS(struct gw_statement, "actions", actions), .required = true},
	{F_LIST(struct gw_statement, "resources", resources, n_resources,
			struct gw_resource), .elem = parse_resource,
		F_LIST_LOC(struct gw_statement, resources_loc),
		.required = true},
	{F_LIST(struct gw_statement, "conditions", conditions, n_conditions,
			struct gw_condition), .sub = &condition_schema},
};
static const struct schema statement_schema =
	SCHEMA(struct gw_statement, "statement", statement_fields);

static const struct field policy_fields[] = {
	{F_STR(struct gw_policy, "name", name), .required = true},
	{F_STR(struct gw_policy, "description", description)},
	{F_LIST(struct gw_policy, "statements", statements, n_statements,
			struct gw_statement), .sub = &statement_schema,
		.required = true},
};
static const struct schema policy_schema =
	SCHEMA(struct gw_policy, "policy", policy_fields);

static const struct field role_fields[] = {
	{F_STR(struct gw_role, "name", name), .required = true},
	{F_STR(struct gw_role, "description", description)},
	{F_STRS(struct gw_role, "trust", trust), .allowed = trusts,
		.required = true},
	{F_STRS(struct gw_role, "managed", managed)},
	{F_STRS(struct gw_role, "policies", policies)},
	{F_BOOL(struct gw_role, "instance_profile", instance_profile, false)},
	{F_STRS(struct gw_role, "open_data", open_data)},
};
static const struct schema role_schema =
	SCHEMA(struct gw_role, "role", role_fields);

static const struct field group_fields[] = {
	{F_STR(struct gw_group, "name", name), .required = true},
	{F_STRS(struct gw_group, "policies", policies)},
	{F_STRS(struct gw_group, "managed", managed)},
};
static const struct schema group_schema =
	SCHEMA(struct gw_group, "group", group_fields);

static const struct field user_fields[] = {
	{F_STR(struct gw_user, "name", name), .required = true},
	{F_STRS(struct gw_user, "groups", groups)},
	{F_STRS(struct gw_user, "policies", policies)},
};
static const struct schema user_schema =
	SCHEMA(struct gw_user, "user", user_fields);

static const struct field volume_fields[] = {
	{F_STR(struct gw_volume, "device", device), .required = true},
	{F_INT(struct gw_volume, "size_gib", size_gib, 1, GW_LIM_EBS_GIB_MAX, 0),
		.rule = GW_RULE_V1,
		.required = true},
	{F_ENUM(struct gw_volume, "type", type, volume_types, "gp3")},
	{F_INT(struct gw_volume, "iops", iops, 0, UNBOUNDED, 0), .rule = GW_RULE_V2},
	{F_INT(struct gw_volume, "throughput", throughput, 0, UNBOUNDED, 0),
		.rule = GW_RULE_V3},
	{F_BOOL(struct gw_volume, "delete_on_termination",
			delete_on_termination, true)},
	{F_BOOL(struct gw_volume, "encrypted", encrypted, true)},
};
static const struct schema volume_schema =
	SCHEMA(struct gw_volume, "volume", volume_fields);

static const struct field cli_pin_fields[] = {
	{F_STR(struct gw_cli_pin, "version", version), .required = true},
	{F_STR(struct gw_cli_pin, "sha256", sha256), .required = true},
};
static const struct schema cli_pin_schema =
	SCHEMA(struct gw_cli_pin, "aws_cli aarch64", cli_pin_fields);

static const struct field aws_cli_fields[] = {
	{F_STR(struct gw_aws_cli, "version", version)},
	{F_STR(struct gw_aws_cli, "sha256", sha256)},
	{F_MAP(struct gw_aws_cli, "aarch64", aarch64, cli_pin_schema),
		F_PRESENT(struct gw_aws_cli, aarch64.present)},
	{F_ENUM(struct gw_aws_cli, "source", source, cli_sources, "release")},
	{F_STR(struct gw_aws_cli, "prefix", prefix),
		.def_str = "/usr/local/aws-cli"},
};
static const struct schema aws_cli_schema =
	SCHEMA(struct gw_aws_cli, "aws_cli", aws_cli_fields);

/* Percent of the filesystem in use that triggers growth. */
#define PCT_MAX 99

static const struct field scratch_fields[] = {
	{F_ENUM(struct gw_scratch, "kind", kind, scratch_kinds, NULL),
		.required = true},
	{F_STR(struct gw_scratch, "device", device)},
	{F_STR(struct gw_scratch, "mount", mount),
		.def_str = "/var/lib/docker"},
	{F_ENUM(struct gw_scratch, "filesystem", filesystem, filesystems,
			"ext4")},
	{F_INT(struct gw_scratch, "threshold_pct", threshold_pct, 1, PCT_MAX,
			50), .rule = GW_RULE_L8},
	{F_INT(struct gw_scratch, "increment_gib", increment_gib, 1,
			GW_LIM_EBS_GIB_MAX, 150), .rule = GW_RULE_V1},
	{F_INT(struct gw_scratch, "max_total_gib", max_total_gib, 1,
			UNBOUNDED, 8000), .rule = GW_RULE_L8},
	{F_INT(struct gw_scratch, "max_volumes", max_volumes, 1, UNBOUNDED,
			16), .rule = GW_RULE_L8},
	{F_ENUM(struct gw_scratch, "volume_type", volume_type, volume_types,
			"gp3")},
};
static const struct schema scratch_schema =
	SCHEMA(struct gw_scratch, "scratch", scratch_fields);

static const struct field provision_fields[] = {
	{F_STR(struct gw_provision, "version", version), .required = true},
	{F_STR(struct gw_provision, "prefix", prefix), .def_str = "provision"},
	{F_STRS(struct gw_provision, "scripts", scripts)},
};
static const struct schema provision_schema =
	SCHEMA(struct gw_provision, "provision", provision_fields);

static const struct field user_data_fields[] = {
	{F_STRS(struct gw_user_data, "packages", packages)},
	{F_MAP(struct gw_user_data, "aws_cli", aws_cli, aws_cli_schema),
		F_PRESENT(struct gw_user_data, aws_cli.present)},
	{F_MAP(struct gw_user_data, "scratch", scratch, scratch_schema),
		F_PRESENT(struct gw_user_data, scratch.present)},
	{F_KVS(struct gw_user_data, "ecs_config", ecs_config)},
	{F_MAP(struct gw_user_data, "provision", provision, provision_schema),
		F_PRESENT(struct gw_user_data, provision.present)},
	{F_STRS(struct gw_user_data, "runcmd", runcmd)},
	{F_BOOL(struct gw_user_data, "fail_fast", fail_fast, true)},
	{F_BOOL(struct gw_user_data, "shared_storage", shared_storage, false)},
};
static const struct schema user_data_schema =
	SCHEMA(struct gw_user_data, "user_data", user_data_fields);

static const struct field launch_template_fields[] = {
	{F_STR(struct gw_launch_template, "name", name), .required = true},
	{F_STR(struct gw_launch_template, "description", description)},
	{F_MAP(struct gw_launch_template, "root_volume", root, volume_schema),
		F_PRESENT(struct gw_launch_template, has_root)},
	{F_LIST(struct gw_launch_template, "volumes", volumes, n_volumes,
			struct gw_volume), .sub = &volume_schema,
		F_LIST_LOC(struct gw_launch_template, volumes_loc)},
	{F_BOOL(struct gw_launch_template, "ebs_optimized", ebs_optimized,
			true)},
	{F_ENUM(struct gw_launch_template, "shutdown_behavior",
			shutdown_behavior, shutdown_behaviors, "terminate")},
	{F_INT(struct gw_launch_template, "hop_limit", hop_limit, 1,
			GW_LIM_HOP_LIMIT_MAX, 2), .rule = GW_RULE_L6},
	{F_KVS(struct gw_launch_template, "tags", tags)},
	{F_MAP(struct gw_launch_template, "user_data", user_data,
			user_data_schema),
		F_PRESENT(struct gw_launch_template, user_data.present)},
};
static const struct schema launch_template_schema = SCHEMA(
	struct gw_launch_template, "launch template", launch_template_fields);

static const struct field compute_env_fields[] = {
	{F_STR(struct gw_compute_env, "name", name), .required = true},
	{F_ENUM(struct gw_compute_env, "type", type, ce_types, "EC2")},
	{F_ENUM(struct gw_compute_env, "allocation_strategy",
			allocation_strategy, allocation_strategies, NULL)},
	{F_STRS(struct gw_compute_env, "instance_types", instance_types)},
	{F_INT(struct gw_compute_env, "min_vcpus", min_vcpus, 0, UNBOUNDED,
			0), .rule = GW_RULE_CE2},
	{F_INT(struct gw_compute_env, "desired_vcpus", desired_vcpus, 0,
			UNBOUNDED, 0), .rule = GW_RULE_CE2},
	{F_INT(struct gw_compute_env, "max_vcpus", max_vcpus, 0, UNBOUNDED,
			0), .rule = GW_RULE_CE2, .required = true},
	{F_INT(struct gw_compute_env, "bid_percentage", bid_percentage, 1,
			GW_LIM_BID_MAX, 0), .rule = GW_RULE_CE5},
	{F_STR(struct gw_compute_env, "launch_template", launch_template)},
	{F_STR(struct gw_compute_env, "image_type", image_type),
		.def_str = "ECS_AL2023"},
	{F_STR(struct gw_compute_env, "instance_role", instance_role)},
	{F_STR(struct gw_compute_env, "spot_fleet_role", spot_fleet_role)},
	{F_STR(struct gw_compute_env, "service_role", service_role)},
	{F_KVS(struct gw_compute_env, "tags", tags)},
	{F_BOOL(struct gw_compute_env, "update_to_latest_image",
			update_to_latest_image, false)},
	{F_INT(struct gw_compute_env, "update_timeout_minutes",
			update_timeout_minutes, GW_LIM_UPDATE_JOB_TIMEOUT_MIN,
			GW_LIM_UPDATE_JOB_TIMEOUT_MAX,
			GW_LIM_UPDATE_JOB_TIMEOUT_MAX), .rule = GW_RULE_CE20},
};
static const struct schema compute_env_schema = SCHEMA(
	struct gw_compute_env, "compute environment", compute_env_fields);

static const struct field queue_ce_fields[] = {
	{F_STR(struct gw_queue_ce, "name", ce), .required = true},
	{F_INT(struct gw_queue_ce, "order", order, 0, UNBOUNDED, 0),
		.rule = GW_RULE_Q2},
};
static const struct schema queue_ce_schema = SCHEMA(
	struct gw_queue_ce, "compute environment order", queue_ce_fields);

static const struct field queue_fields[] = {
	{F_STR(struct gw_queue, "name", name), .required = true},
	{F_INT(struct gw_queue, "priority", priority, 0, GW_LIM_PRIORITY_MAX, 1),
		.rule = GW_RULE_Q4},
	{F_LIST(struct gw_queue, "compute_environments", ces, n_ces,
			struct gw_queue_ce), .elem = parse_queue_ce,
		F_LIST_LOC(struct gw_queue, ces_loc), .required = true},
	{F_BOOL(struct gw_queue, "head", head, false)},
	{F_INT(struct gw_queue, "runnable_timeout", runnable_timeout,
			GW_LIM_RUNNABLE_TIMEOUT_MIN, GW_LIM_RUNNABLE_TIMEOUT_MAX,
			GW_DEFAULT_RUNNABLE_TIMEOUT),
		.rule = GW_RULE_Q6,
		.zero_ok = true},
};
static const struct schema queue_schema =
	SCHEMA(struct gw_queue, "job queue", queue_fields);

static const struct field job_def_fields[] = {
	{F_STR(struct gw_job_def, "name", name), .required = true},
	{F_STR(struct gw_job_def, "image", image), .required = true},
	{F_INT(struct gw_job_def, "vcpus", vcpus, 1, UNBOUNDED, 1),
		.rule = GW_RULE_J2},
	{F_INT(struct gw_job_def, "memory_mib", memory_mib, 1, UNBOUNDED,
			2048), .rule = GW_RULE_J2},
	{F_INT(struct gw_job_def, "gpus", gpus, 0, UNBOUNDED, 0), .rule = GW_RULE_J5},
	{F_STRS(struct gw_job_def, "command", command)},
	{F_INT(struct gw_job_def, "attempts", attempts, 1, GW_LIM_ATTEMPTS_MAX, 1),
		.rule = GW_RULE_J7},
	{F_INT(struct gw_job_def, "timeout", timeout, GW_LIM_JOB_TIMEOUT_MIN,
			UNBOUNDED, 0), .rule = GW_RULE_J6, .zero_ok = true},
	{F_STR(struct gw_job_def, "job_role", job_role)},
	{F_STR(struct gw_job_def, "queue", queue)},
	{F_KVS(struct gw_job_def, "environment", environment)},
	{F_STR(struct gw_job_def, "log_group", log_group),
		.def_str = "/aws/batch/job"},
	{F_ENUM(struct gw_job_def, "fractional_vcpus", fractional_vcpus,
			fractional_vcpus, NULL)},
	{F_STR(struct gw_job_def, "execution_role", execution_role)},
	{F_BOOL(struct gw_job_def, "assign_public_ip", assign_public_ip,
			false)},
	{F_STR(struct gw_job_def, "platform_version", platform_version),
		.def_str = "LATEST"},
	{F_BOOL(struct gw_job_def, "shared_storage", shared_storage, false)},
};
static const struct schema job_def_schema =
	SCHEMA(struct gw_job_def, "job definition", job_def_fields);

static const struct field log_group_fields[] = {
	{F_STR(struct gw_log_group, "name", name), .required = true},
	{F_INT(struct gw_log_group, "retention_days", retention_days, 1,
			UNBOUNDED, 30), .rule = GW_RULE_N7, .ints = retention_days,
		.n_ints = GW_ARRAY_LEN(retention_days)},
};
static const struct schema log_group_schema =
	SCHEMA(struct gw_log_group, "log group", log_group_fields);

/* EC2 ProcessorInfo.SupportedArchitectures as gwgen names them. */
static const char *const archs[] = {"x86_64", "arm64", NULL};

static const struct field new_type_fields[] = {
	{F_STR(struct gw_new_type, "name", name), .required = true},
	{F_INT(struct gw_new_type, "vcpus", vcpus, 1, UNBOUNDED, 0),
		.rule = GW_RULE_CE6, .required = true},
	{F_INT(struct gw_new_type, "memory_mib", memory_mib, 1, UNBOUNDED, 0),
		.rule = GW_RULE_CE6, .required = true},
	{F_INT(struct gw_new_type, "gpus", gpus, 0, UNBOUNDED, 0),
		.rule = GW_RULE_CE6},
	{F_ENUM(struct gw_new_type, "arch", arch, archs, NULL),
		.required = true},
};
static const struct schema new_type_schema =
	SCHEMA(struct gw_new_type, "new instance type", new_type_fields);

static const struct field nf_process_fields[] = {
	{F_STR(struct gw_nf_process, "selector", selector), .required = true},
	{F_INT(struct gw_nf_process, "cpus", cpus, 1, UNBOUNDED, 0),
		.rule = GW_RULE_NF2},
	{F_INT(struct gw_nf_process, "memory_mib", memory_mib, 1, UNBOUNDED,
			0), .rule = GW_RULE_NF2},
	{F_STR(struct gw_nf_process, "queue", queue)},
	{F_STR(struct gw_nf_process, "disk", disk)},
};
static const struct schema nf_process_schema =
	SCHEMA(struct gw_nf_process, "nextflow process", nf_process_fields);

static const struct field nf_fallback_fields[] = {
	{F_STR(struct gw_nf_spot_fallback, "queue", queue), .required = true},
	{F_INT(struct gw_nf_spot_fallback, "after_attempts", after_attempts, 1,
			GW_LIM_ATTEMPTS_MAX, 1), .rule = GW_RULE_NF12},
	{F_INT(struct gw_nf_spot_fallback, "max_retries", max_retries, 1,
			UNBOUNDED, 0), .rule = GW_RULE_NF12},
};
static const struct schema nf_fallback_schema = SCHEMA(
	struct gw_nf_spot_fallback, "spot_fallback", nf_fallback_fields);

static const struct field nextflow_fields[] = {
	{F_STR(struct gw_nextflow, "queue", queue), .required = true},
	{F_MAP(struct gw_nextflow, "spot_fallback", spot_fallback,
			nf_fallback_schema),
		F_PRESENT(struct gw_nextflow, spot_fallback.present)},
	{F_STR(struct gw_nextflow, "work_dir", work_dir), .def_str = "work"},
	{F_STR(struct gw_nextflow, "cli_path", cli_path)},
	{F_INT(struct gw_nextflow, "max_spot_attempts", max_spot_attempts, 0,
			GW_LIM_ATTEMPTS_MAX, 0), .rule = GW_RULE_NF4},
	{F_INT(struct gw_nextflow, "max_parallel_transfers",
			max_parallel_transfers, 0, UNBOUNDED, 0),
		.rule = GW_RULE_NF6},
	{F_INT(struct gw_nextflow, "max_cpus", max_cpus, 0, UNBOUNDED, 0),
		.rule = GW_RULE_NF3},
	{F_INT(struct gw_nextflow, "max_memory_mib", max_memory_mib, 0,
			UNBOUNDED, 0), .rule = GW_RULE_NF3},
	{F_STR(struct gw_nextflow, "log_group", log_group)},
	{F_STR(struct gw_nextflow, "storage_class", storage_class)},
	{F_ENUM(struct gw_nextflow, "storage_encryption", storage_encryption,
			storage_encryptions, NULL)},
	{F_INT(struct gw_nextflow, "max_connections", max_connections, 0,
			UNBOUNDED, 0), .rule = GW_RULE_NF6},
	{F_INT(struct gw_nextflow, "connection_timeout", connection_timeout,
			0, UNBOUNDED, 0), .rule = GW_RULE_NF6},
	{F_ENUM(struct gw_nextflow, "retry_mode", retry_mode, retry_modes,
			NULL)},
	{F_STR(struct gw_nextflow, "s3_acl", s3_acl)},
	{F_INT(struct gw_nextflow, "submit_rate", submit_rate, 1,
			GW_LIM_SUBMIT_JOB_TPS, GW_DEFAULT_NF_SUBMIT_RATE),
		.rule = GW_RULE_NF9},
	{F_INT(struct gw_nextflow, "queue_size", queue_size, 1, UNBOUNDED,
			GW_DEFAULT_NF_QUEUE_SIZE), .rule = GW_RULE_NF9},
	{F_STR(struct gw_nextflow, "config_profile", config_profile),
		.def_str = ""},
	{F_LIST(struct gw_nextflow, "processes", processes, n_processes,
			struct gw_nf_process), .sub = &nf_process_schema},
};
static const struct schema nextflow_schema =
	SCHEMA(struct gw_nextflow, "nextflow", nextflow_fields);

static const struct field nextstrain_fields[] = {
	{F_STR(struct gw_nextstrain, "job_definition", job_definition)},
	{F_STR(struct gw_nextstrain, "queue", queue)},
	{F_INT(struct gw_nextstrain, "cpus", cpus, 0, UNBOUNDED, 0),
		.rule = GW_RULE_NS2},
	{F_INT(struct gw_nextstrain, "memory_mib", memory_mib, 0, UNBOUNDED,
			0), .rule = GW_RULE_NS2},
};
static const struct schema nextstrain_schema =
	SCHEMA(struct gw_nextstrain, "nextstrain", nextstrain_fields);

static const struct field snakemake_fields[] = {
	{F_STR(struct gw_snakemake, "queue", queue)},
	{F_STR(struct gw_snakemake, "job_role", job_role)},
	{F_STR(struct gw_snakemake, "storage_prefix", storage_prefix),
		.def_str = "snakemake"},
	{F_INT(struct gw_snakemake, "jobs", jobs, 1, UNBOUNDED, 10),
		.rule = GW_RULE_SM1},
};
static const struct schema snakemake_schema =
	SCHEMA(struct gw_snakemake, "snakemake", snakemake_fields);

static const struct field cromwell_fields[] = {
	{F_STR(struct gw_cromwell, "queue", queue)},
	{F_STR(struct gw_cromwell, "root_prefix", root_prefix),
		.def_str = "cromwell-execution"},
};
static const struct schema cromwell_schema =
	SCHEMA(struct gw_cromwell, "cromwell", cromwell_fields);

static const struct field miniwdl_fields[] = {
	{F_STR(struct gw_miniwdl, "workflow_queue", workflow_queue)},
	{F_STR(struct gw_miniwdl, "task_queue", task_queue)},
	{F_STR(struct gw_miniwdl, "task_queue_fallback", task_queue_fallback)},
	{F_STR(struct gw_miniwdl, "output_prefix", output_prefix),
		.def_str = "miniwdl"},
};
static const struct schema miniwdl_schema =
	SCHEMA(struct gw_miniwdl, "miniwdl", miniwdl_fields);

static const struct field model_fields[] = {
	{F_STR(struct gw_model, "name", name), .required = true},
	{F_STR(struct gw_model, "description", description), .required = true},
	{F_STR(struct gw_model, "extends", extends)},
	{F_STR(struct gw_model, "region", region), .required = true},
	{F_STR(struct gw_model, "account_id", account_id)},
	{F_STR(struct gw_model, "stack_name", stack_name)},
	{F_ENUM(struct gw_model, "engine", engine_name, engines, "none")},
	{F_ENUM(struct gw_model, "compliance", compliance, compliances,
			"baseline")},
	{F_KVS(struct gw_model, "tags", tags)},
	{F_MAP(struct gw_model, "network", network, network_schema)},
	{F_MAP(struct gw_model, "bucket", bucket, bucket_schema),
		F_PRESENT(struct gw_model, bucket.present)},
	{F_MAP(struct gw_model, "shared_storage", shared_storage,
			shared_storage_schema),
		F_PRESENT(struct gw_model, shared_storage.present)},
	{F_LIST(struct gw_model, "policies", policies, n_policies,
			struct gw_policy), .sub = &policy_schema},
	{F_LIST(struct gw_model, "roles", roles, n_roles, struct gw_role),
		.sub = &role_schema},
	{F_LIST(struct gw_model, "groups", groups, n_groups, struct gw_group),
		.sub = &group_schema},
	{F_LIST(struct gw_model, "users", users, n_users, struct gw_user),
		.sub = &user_schema},
	{F_LIST(struct gw_model, "launch_templates", launch_templates,
			n_launch_templates, struct gw_launch_template),
		.sub = &launch_template_schema},
	{F_LIST(struct gw_model, "compute_environments", compute_envs,
			n_compute_envs, struct gw_compute_env),
		.sub = &compute_env_schema},
	{F_LIST(struct gw_model, "job_queues", queues, n_queues,
			struct gw_queue), .sub = &queue_schema},
	{F_LIST(struct gw_model, "job_definitions", job_defs, n_job_defs,
			struct gw_job_def), .sub = &job_def_schema},
	{F_LIST(struct gw_model, "log_groups", log_groups, n_log_groups,
			struct gw_log_group), .sub = &log_group_schema},
	{F_LIST(struct gw_model, "new_instance_types", new_types,
			n_new_types, struct gw_new_type),
		.sub = &new_type_schema},
	{F_MAP(struct gw_model, "nextflow", nextflow, nextflow_schema),
		F_PRESENT(struct gw_model, nextflow.present)},
	{F_MAP(struct gw_model, "nextstrain", nextstrain, nextstrain_schema),
		F_PRESENT(struct gw_model, nextstrain.present)},
	{F_MAP(struct gw_model, "snakemake", snakemake, snakemake_schema),
		F_PRESENT(struct gw_model, snakemake.present)},
	{F_MAP(struct gw_model, "cromwell", cromwell, cromwell_schema),
		F_PRESENT(struct gw_model, cromwell.present)},
	{F_MAP(struct gw_model, "miniwdl", miniwdl, miniwdl_schema),
		F_PRESENT(struct gw_model, miniwdl.present)},
};
/* The model itself has no 'loc': absent top-level keys use the root's. */
static const struct schema model_schema = {
	.what = "profile",
	.fields = model_fields,
	.n_fields = GW_ARRAY_LEN(model_fields),
};

/* Fields per mapping are few; this bounds the 'seen' array in convert_map. */
#define MAX_FIELDS 32
_Static_assert(GW_ARRAY_LEN(model_fields) <= MAX_FIELDS, "raise MAX_FIELDS");
_Static_assert(GW_ARRAY_LEN(compute_env_fields) <= MAX_FIELDS,
		"raise MAX_FIELDS");
_Static_assert(GW_ARRAY_LEN(nextflow_fields) <= MAX_FIELDS,
		"raise MAX_FIELDS");

/* ---- converting the tree ------------------------------------------------- */

struct conv {
	struct gw_diags *d;
	/* Errors that leave the model whole (a value out of range, kept as
	 * read; a credential), so the verifier can still run on it (see
	 * load()). */
	size_t kept_errors;
};

#define MEMBER(obj, off, type) ((type *)((char *)(obj) + (off)))

/* How a node reads in "got ..." messages. Returns a string to free(). */
static char *describe(const struct gw_pnode *n)
{
	switch (n->kind) {
	case GW_PNODE_MAP:
		return gw_xstrdup("a mapping");
	case GW_PNODE_SEQ:
		return gw_xstrdup("a sequence");
	case GW_PNODE_SCALAR:
		break;
	}
	if (n->scalar == GW_PSCALAR_NULL) {
		return gw_xstrdup("null");
	}
	return gw_xasprintf("'%.*s%s'", GW_PROFILE_QUOTED(n->text));
}

static void type_error(struct conv *c, const struct gw_pnode *n,
		const char *expected, const char *key)
{
	char *got = describe(n);
	gw_diag_error(c->d, n->loc, "expected %s for '%s', got %s", expected,
			key, got);
	free(got);
}

static const char *suggest_key(const struct schema *sc, const char *key)
{
	if (strlen(key) > SUGGEST_MAX_LEN) {
		return NULL;
	}
	const char *best = NULL;
	size_t best_d = SUGGEST_MAX_DISTANCE + 1;
	for (size_t i = 0; i < sc->n_fields; i++) {
		size_t dist = gw_edit_distance(key, strlen(key), sc->fields[i].key,
				strlen(sc->fields[i].key), false);
		if (dist < best_d) {
			best_d = dist;
			best = sc->fields[i].key;
		}
	}
	return best;
}

/* A string value: any scalar but null. Returns false after an error. */
static bool take_str(struct conv *c, const struct gw_pnode *n,
		const char *key, struct gw_str *out)
{
	if (n->kind != GW_PNODE_SCALAR || n->scalar == GW_PSCALAR_NULL) {
		type_error(c, n, "a string", key);
		return false;
	}
	free(out->s);
	out->s = gw_xstrndup(n->text, n->len);
	out->set = true;
	out->loc = n->loc;
	return true;
}

/* "a, b, c" from a NULL-terminated list; free() the result. */
static char *join_allowed(const char *const *allowed)
{
	struct gw_buf b;
	gw_buf_init(&b);
	for (const char *const *a = allowed; *a; a++) {
		gw_buf_printf(&b, "%s%s", a == allowed ? "" : ", ", *a);
	}
	return gw_buf_detach(&b, NULL);
}

static bool is_allowed(const char *const *allowed, const char *s)
{
	for (const char *const *a = allowed; *a; a++) {
		if (strcmp(*a, s) == 0) {
			return true;
		}
	}
	return false;
}

static void check_allowed(struct conv *c, const struct gw_str *s,
		const char *const *allowed, const char *key)
{
	if (is_allowed(allowed, s->s)) {
		return;
	}
	char *list = join_allowed(allowed);
	gw_diag_error(c->d, s->loc,
			"invalid value '%.*s%s' for '%s', expected one of: %s",
			GW_PROFILE_QUOTED(s->s), key, list);
	free(list);
}

static void check_int_range(struct conv *c, const struct field *f,
		const struct gw_int *v)
{
	if (f->ints) {
		for (size_t i = 0; i < f->n_ints; i++) {
			if (v->v == f->ints[i]) {
				return;
			}
		}
		struct gw_buf b;
		gw_buf_init(&b);
		for (size_t i = 0; i < f->n_ints; i++) {
			gw_buf_printf(&b, "%s%lld", i ? ", " : "", f->ints[i]);
		}
		gw_diag_add(c->d, GW_SEV_ERROR, v->loc, gw_rule_id(f->rule), NULL,
				"invalid value %lld for '%s', expected one of: "
				"%s", v->v, f->key, gw_buf_str(&b));
		gw_buf_finish(&b);
		c->kept_errors++;
		return;
	}
	if ((v->v >= f->min && v->v <= f->max) || (f->zero_ok && v->v == 0)) {
		return;
	}
	const char *zero = f->zero_ok ? "0 (none) or " : "";
	if (f->max != UNBOUNDED) {
		gw_diag_add(c->d, GW_SEV_ERROR, v->loc, gw_rule_id(f->rule), NULL,
				"'%s' must be %sin %lld..%lld, got %lld",
				f->key, zero, f->min, f->max, v->v);
	} else if (f->min == 0) {
		gw_diag_add(c->d, GW_SEV_ERROR, v->loc, gw_rule_id(f->rule), NULL,
				"'%s' must not be negative, got %lld", f->key,
				v->v);
	} else {
		gw_diag_add(c->d, GW_SEV_ERROR, v->loc, gw_rule_id(f->rule), NULL,
				"'%s' must be %sat least %lld, got %lld",
				f->key, zero, f->min, v->v);
	}
	c->kept_errors++;
}

static void take_int(struct conv *c, const struct field *f,
		const struct gw_pnode *n, struct gw_int *out)
{
	if (n->kind != GW_PNODE_SCALAR || n->scalar != GW_PSCALAR_INT ||
			!*n->text) {
		type_error(c, n, "an integer", f->key);
		return;
	}
	/* !!int may tag any text: check the digits here too. */
	const char *p = n->text + (*n->text == '-' || *n->text == '+');
	if (!*p || strspn(p, "0123456789") != strlen(p)) {
		type_error(c, n, "an integer", f->key);
		return;
	}
	errno = 0;
	long long v = strtoll(n->text, NULL, 10);
	if (errno == ERANGE) {
		gw_diag_error(c->d, n->loc, "integer '%.*s%s' for '%s' does not "
				"fit in 64 bits", GW_PROFILE_QUOTED(n->text),
				f->key);
		return;
	}
	*out = (struct gw_int){.v = v, .set = true, .loc = n->loc};
	check_int_range(c, f, out);
}

static void take_bool(struct conv *c, const struct field *f,
		const struct gw_pnode *n, struct gw_bool *out)
{
	static const char *const trues[] = {"true", "True", "TRUE"};
	static const char *const falses[] = {"false", "False", "FALSE"};
	if (n->kind == GW_PNODE_SCALAR && n->scalar == GW_PSCALAR_BOOL) {
		for (size_t i = 0; i < GW_ARRAY_LEN(trues); i++) {
			if (strcmp(n->text, trues[i]) == 0 ||
					strcmp(n->text, falses[i]) == 0) {
				*out = (struct gw_bool){
					.v = strcmp(n->text, trues[i]) == 0,
					.set = true,
					.loc = n->loc,
				};
				return;
			}
		}
	}
	type_error(c, n, "a boolean (true or false)", f->key);
}

static void take_strs(struct conv *c, const struct field *f,
		const struct gw_pnode *n, struct gw_strs *out)
{
	if (n->kind != GW_PNODE_SEQ) {
		type_error(c, n, "a sequence of strings", f->key);
		return;
	}
	out->set = true;
	out->loc = n->loc;
	out->v = gw_xcalloc(n->n ? n->n : 1, sizeof(*out->v));
	for (size_t i = 0; i < n->n; i++) {
		struct gw_str *s = &out->v[out->n];
		if (!take_str(c, n->items[i], f->key, s)) {
			continue;
		}
		out->n++;
		if (f->allowed) {
			check_allowed(c, s, f->allowed, f->key);
		}
	}
}

static void take_kvs(struct conv *c, const struct field *f,
		const struct gw_pnode *n, struct gw_kvs *out)
{
	if (n->kind != GW_PNODE_MAP) {
		type_error(c, n, "a mapping of strings", f->key);
		return;
	}
	out->set = true;
	out->loc = n->loc;
	out->v = gw_xcalloc(n->n ? n->n : 1, sizeof(*out->v));
	for (size_t i = 0; i < n->n; i++) {
		struct gw_kv *kv = &out->v[out->n];
		const struct gw_pnode *k = n->items[2 * i];
		const struct gw_pnode *v = n->items[2 * i + 1];
		bool ok = take_str(c, k, f->key, &kv->key);
		ok = take_str(c, v, kv->key.s ? kv->key.s : f->key,
				&kv->value) && ok;
		if (!ok) {
			free(kv->key.s);
			free(kv->value.s);
			*kv = (struct gw_kv){0};
			continue;
		}
		out->n++;
	}
}

static void convert_map(struct conv *c, const struct schema *sc,
		const struct gw_pnode *map, void *obj);
static void apply_defaults(const struct schema *sc, void *obj,
		struct gw_loc loc);

static void take_list(struct conv *c, const struct field *f,
		const struct gw_pnode *n, void *obj)
{
	if (n->kind != GW_PNODE_SEQ) {
		type_error(c, n, "a sequence", f->key);
		return;
	}
	if (f->has_list_loc) {
		*MEMBER(obj, f->list_loc_off, struct gw_loc) = n->loc;
	}
	char *items = gw_xcalloc(n->n ? n->n : 1, f->elem_size);
	*MEMBER(obj, f->off, void *) = items;
	/* Count every element at once so gw_model_destroy frees them all. */
	*MEMBER(obj, f->count_off, size_t) = n->n;
	for (size_t i = 0; i < n->n; i++) {
		void *elem = items + i * f->elem_size;
		const struct gw_pnode *item = n->items[i];
		if (f->elem) {
			f->elem(c, item, elem, i);
			continue;
		}
		if (item->kind != GW_PNODE_MAP) {
			char *what = gw_xasprintf("a mapping (%s)", f->sub->what);
			type_error(c, item, what, f->key);
			free(what);
			apply_defaults(f->sub, elem, item->loc);
			continue;
		}
		convert_map(c, f->sub, item, elem);
	}
}

static void convert_field(struct conv *c, const struct field *f,
		const struct gw_pnode *n, void *obj)
{
	void *member = MEMBER(obj, f->off, void);
	switch (f->type) {
	case FT_STR:
		take_str(c, n, f->key, member);
		break;
	case FT_ENUM:
		if (take_str(c, n, f->key, member)) {
			check_allowed(c, member, f->allowed, f->key);
		}
		break;
	case FT_INT:
		take_int(c, f, n, member);
		break;
	case FT_BOOL:
		take_bool(c, f, n, member);
		break;
	case FT_STRS:
		take_strs(c, f, n, member);
		break;
	case FT_KVS:
		take_kvs(c, f, n, member);
		break;
	case FT_MAP:
		if (n->kind != GW_PNODE_MAP) {
			type_error(c, n, "a mapping", f->key);
			break;
		}
		if (f->has_present) {
			*MEMBER(obj, f->present_off, bool) = true;
		}
		convert_map(c, f->sub, n, member);
		break;
	case FT_LIST:
		take_list(c, f, n, obj);
		break;
	}
}

/* Give an absent field its default, located at the enclosing mapping. */
static void apply_default(const struct field *f, void *obj, struct gw_loc loc)
{
	void *member = MEMBER(obj, f->off, void);
	switch (f->type) {
	case FT_STR:
	case FT_ENUM: {
		struct gw_str *s = member;
		s->s = f->def_str ? gw_xstrdup(f->def_str) : NULL;
		s->loc = loc;
		break;
	}
	case FT_INT:
		*(struct gw_int *)member = (struct gw_int){f->def_int, false, loc};
		break;
	case FT_BOOL:
		*(struct gw_bool *)member =
			(struct gw_bool){f->def_bool, false, loc};
		break;
	case FT_STRS:
		((struct gw_strs *)member)->loc = loc;
		break;
	case FT_KVS:
		((struct gw_kvs *)member)->loc = loc;
		break;
	case FT_MAP:
		apply_defaults(f->sub, member, loc);
		break;
	case FT_LIST:
		if (f->has_list_loc) {
			*MEMBER(obj, f->list_loc_off, struct gw_loc) = loc;
		}
		break;
	}
}

static void apply_defaults(const struct schema *sc, void *obj,
		struct gw_loc loc)
{
	if (sc->has_loc) {
		*MEMBER(obj, sc->loc_off, struct gw_loc) = loc;
	}
	for (size_t i = 0; i < sc->n_fields; i++) {
		apply_default(&sc->fields[i], obj, loc);
	}
}

static const struct field *find_field(const struct schema *sc,
		const char *key)
{
	for (size_t i = 0; i < sc->n_fields; i++) {
		if (strcmp(sc->fields[i].key, key) == 0) {
			return &sc->fields[i];
		}
	}
	return NULL;
}

static void report_unknown_key(struct conv *c, const struct schema *sc,
		const struct gw_pnode *k)
{
	const char *near = suggest_key(sc, k->text);
	if (near) {
		gw_diag_error(c->d, k->loc, "unknown key '%.*s%s' in %s, did "
				"you mean '%s'?", GW_PROFILE_QUOTED(k->text),
				sc->what, near);
	} else {
		gw_diag_error(c->d, k->loc, "unknown key '%.*s%s' in %s",
				GW_PROFILE_QUOTED(k->text), sc->what);
	}
}

static void convert_map(struct conv *c, const struct schema *sc,
		const struct gw_pnode *map, void *obj)
{
	bool seen[MAX_FIELDS] = {false};
	if (sc->has_loc) {
		*MEMBER(obj, sc->loc_off, struct gw_loc) = map->loc;
	}
	for (size_t i = 0; i < map->n; i++) {
		const struct gw_pnode *k = map->items[2 * i];
		const struct field *f = find_field(sc, k->text);
		if (!f) {
			report_unknown_key(c, sc, k);
			continue;
		}
		seen[f - sc->fields] = true;
		convert_field(c, f, map->items[2 * i + 1], obj);
	}
	for (size_t i = 0; i < sc->n_fields; i++) {
		const struct field *f = &sc->fields[i];
		if (seen[i]) {
			continue;
		}
		if (f->required) {
			gw_diag_error(c->d, map->loc, "missing required key '%s' "
					"in %s", f->key, sc->what);
		}
		apply_default(f, obj, map->loc);
	}
}

/* ---- list elements that are not plain mappings --------------------------- */

/* Resource references in policy statements (docs/profile.md). */
static const struct {
	const char *prefix;
	enum gw_res_kind kind;
	bool keep_prefix; /* the value is the whole string (ARNs) */
} resource_prefixes[] = {
	{"bucket/", GW_RES_OBJECTS, false},
	{"secret:", GW_RES_SECRET, false},
	{"log-group:", GW_RES_LOG_GROUP, false},
	{"role:", GW_RES_ROLE, false},
	{"batch:", GW_RES_BATCH, false},
	{"ecs:", GW_RES_ECS, false},
	{"ecr:", GW_RES_ECR, false},
	{"ec2:", GW_RES_EC2, false},
	{"arn:", GW_RES_ARN, true},
};

/*
 * The AWS Batch resource types a 'batch:TYPE/NAME' reference may name (IAM
 * Service Authorization Reference, "Resource types defined by AWS Batch").
 */
static const char *const batch_resource_types[] = {
	"compute-environment/", "job-queue/", "job-definition/", "job/",
	"scheduling-policy/", "consumable-resource/",
};

/* 'v' is TYPE/NAME with a known Batch resource type and a name. */
static bool is_batch_resource(const char *v)
{
	for (size_t i = 0; i < GW_ARRAY_LEN(batch_resource_types); i++) {
		size_t len = strlen(batch_resource_types[i]);
		if (strncmp(v, batch_resource_types[i], len) == 0 && v[len]) {
			return true;
		}
	}
	return false;
}

static void parse_resource(struct conv *c, const struct gw_pnode *n,
		void *elem, size_t index)
{
	struct gw_resource *r = elem;
	(void)index;
	if (!take_str(c, n, "resources", &r->value)) {
		return;
	}
	r->loc = n->loc;
	const char *s = r->value.s;
	if (strcmp(s, "*") == 0) {
		r->kind = GW_RES_ANY;
		return;
	}
	if (strcmp(s, "bucket") == 0) {
		r->kind = GW_RES_BUCKET;
		r->value.s[0] = '\0';
		return;
	}
	for (size_t i = 0; i < GW_ARRAY_LEN(resource_prefixes); i++) {
		size_t len = strlen(resource_prefixes[i].prefix);
		if (strncmp(s, resource_prefixes[i].prefix, len) != 0) {
			continue;
		}
		r->kind = resource_prefixes[i].kind;
		if (!s[len]) {
			gw_diag_error(c->d, n->loc, "resource '%s' is missing "
					"the part after '%s'", s,
					resource_prefixes[i].prefix);
		}
		if (!resource_prefixes[i].keep_prefix) {
			memmove(r->value.s, s + len, strlen(s + len) + 1);
		}
		if (r->kind == GW_RES_BATCH && r->value.s[0] &&
				!is_batch_resource(r->value.s)) {
			gw_diag_add(c->d, GW_SEV_ERROR, n->loc, NULL,
					"write 'batch:job-queue/NAME', "
					"'batch:job-definition/NAME', "
					"'batch:job/*', "
					"'batch:compute-environment/NAME', "
					"'batch:scheduling-policy/NAME' or "
					"'batch:consumable-resource/NAME'",
					"resource 'batch:%.*s%s' is not an AWS "
					"Batch resource type and a name",
					GW_PROFILE_QUOTED(r->value.s));
		}
		return;
	}
	gw_diag_add(c->d, GW_SEV_ERROR, n->loc, NULL,
			"write '*', 'bucket', 'bucket/PATTERN', "
			"'secret:PATTERN', 'log-group:NAME', 'role:NAME', "
			"'batch:TYPE/NAME', 'ecs:RESOURCE', "
			"'ecr:RESOURCE', 'ec2:RESOURCE' or 'arn:...'",
			"unknown resource reference '%.*s%s'",
			GW_PROFILE_QUOTED(s));
}

static void parse_queue_ce(struct conv *c, const struct gw_pnode *n,
		void *elem, size_t index)
{
	struct gw_queue_ce *qce = elem;
	if (n->kind == GW_PNODE_MAP) {
		convert_map(c, &queue_ce_schema, n, qce);
	} else {
		apply_defaults(&queue_ce_schema, qce, n->loc);
		if (n->kind != GW_PNODE_SCALAR) {
			type_error(c, n, "a name or a mapping with 'name' and "
					"'order'", "compute_environments");
			return;
		}
		take_str(c, n, "compute_environments", &qce->ce);
	}
	if (!qce->order.set) {
		/* The default order is the position, 1-based. */
		qce->order.v = (long long)index + 1;
	}
}

/* ---- what the tables cannot say ------------------------------------------ */

static bool is_profile_name(const char *s)
{
	if (!s || !(*s >= 'a' && *s <= 'z')) {
		return false;
	}
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-");
	return s[n] == '\0' && n <= NAME_MAX_LEN;
}

static void set_default_str(struct gw_str *s, char *value)
{
	free(s->s);
	s->s = value;
	s->set = false;
}

static void finish_compute_env(struct gw_compute_env *ce)
{
	const char *type = ce->type.s ? ce->type.s : "";
	bool ec2 = strcmp(type, "EC2") == 0, spot = strcmp(type, "SPOT") == 0;
	if (!ce->allocation_strategy.set && (ec2 || spot)) {
		set_default_str(&ce->allocation_strategy, gw_xstrdup(ec2 ?
				"BEST_FIT_PROGRESSIVE" :
				"SPOT_PRICE_CAPACITY_OPTIMIZED"));
	}
	if (!ce->instance_types.set && (ec2 || spot)) {
		ce->instance_types.v = gw_xcalloc(1, sizeof(struct gw_str));
		ce->instance_types.v[0] = (struct gw_str){
			.s = gw_xstrdup("optimal"),
			.loc = ce->instance_types.loc,
		};
		ce->instance_types.n = 1;
	}
	if (!ce->desired_vcpus.set) {
		ce->desired_vcpus.v = ce->min_vcpus.v;
	}
}

static void finish_model(struct conv *c, struct gw_model *m)
{
	if (m->name.set && !is_profile_name(m->name.s)) {
		gw_diag_error(c->d, m->name.loc, "invalid profile name '%.*s%s': "
				"it must match [a-z][a-z0-9-]{0,39}",
				GW_PROFILE_QUOTED(m->name.s));
	}
	if (!m->stack_name.set && m->name.s) {
		set_default_str(&m->stack_name,
				gw_xasprintf("gwgen-%s", m->name.s));
	}
	if (m->region.set && !gw_partition_for_region(m->region.s,
			&m->partition, &m->dns_suffix)) {
		gw_diag_error(c->d, m->region.loc, "unknown region '%.*s%s': it "
				"matches no AWS partition",
				GW_PROFILE_QUOTED(m->region.s));
	}
	if (m->account_id.set && (strlen(m->account_id.s) != ACCOUNT_ID_LEN ||
			strspn(m->account_id.s, "0123456789") !=
			ACCOUNT_ID_LEN)) {
		gw_diag_error(c->d, m->account_id.loc, "account_id must be %d "
				"digits, got '%.*s%s'", ACCOUNT_ID_LEN,
				GW_PROFILE_QUOTED(m->account_id.s));
	}
	static const struct {
		const char *name;
		enum gw_engine engine;
	} engine_map[] = {
		{"nextflow", GW_ENGINE_NEXTFLOW},
		{"nextstrain", GW_ENGINE_NEXTSTRAIN},
		{"snakemake", GW_ENGINE_SNAKEMAKE},
		{"cromwell", GW_ENGINE_CROMWELL},
		{"miniwdl", GW_ENGINE_MINIWDL},
	};
	m->hipaa = m->compliance.s && strcmp(m->compliance.s, "hipaa") == 0;
	m->engine = GW_ENGINE_NONE;
	for (size_t i = 0; i < GW_ARRAY_LEN(engine_map); i++) {
		if (m->engine_name.s &&
				strcmp(m->engine_name.s, engine_map[i].name) == 0) {
			m->engine = engine_map[i].engine;
		}
	}
	for (size_t i = 0; i < m->n_compute_envs; i++) {
		finish_compute_env(&m->compute_envs[i]);
	}
	for (size_t i = 0; i < m->n_launch_templates; i++) {
		struct gw_scratch *s = &m->launch_templates[i].user_data.scratch;
		const char *kind = s->kind.s ? s->kind.s : "";
		s->k = strcmp(kind, "ebs-autoscale") == 0 ?
				GW_SCRATCH_EBS_AUTOSCALE :
				strcmp(kind, "nvme-lvm") == 0 ?
				GW_SCRATCH_NVME_LVM : GW_SCRATCH_NONE;
	}
}

/* ---- files and 'extends:' ------------------------------------------------ */

/* A file's identity, so a cycle is found however its path is spelled. */
struct file_id {
	bool known; /* false when stat() failed (a name for a string) */
	dev_t dev;
	ino_t ino;
};

struct loader {
	struct gw_diags *d;
	char **files;            /* every file read; moved to the model */
	size_t n_files, cap_files;
	struct file_id chain[GW_PROFILE_MAX_CHAIN]; /* the open chain */
	size_t n_chain;
};

static struct file_id file_id_of(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		return (struct file_id){.known = false};
	}
	return (struct file_id){.known = true, .dev = st.st_dev,
			.ino = st.st_ino};
}

/* Remember 'path'; the copy outlives the tree and goes to the model. */
static const char *add_file(struct loader *ld, const char *path)
{
	gw_grow((void **)&ld->files, &ld->cap_files, ld->n_files + 1,
			sizeof(*ld->files));
	ld->files[ld->n_files] = gw_xstrdup(path);
	return ld->files[ld->n_files++];
}

static bool in_chain(const struct loader *ld, struct file_id id)
{
	for (size_t i = 0; i < ld->n_chain; i++) {
		const struct file_id *c = &ld->chain[i];
		if (id.known && c->known && c->dev == id.dev &&
				c->ino == id.ino) {
			return true;
		}
	}
	return false;
}

static bool is_readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/*
 * The file 'value' (an 'extends:' in 'file') names: a path relative to
 * 'file', or NAME.yaml next to 'file', or NAME resolved like --profile.
 * Returns a path to free(), or NULL.
 */
static char *parent_path(const char *value, const char *file)
{
	const char *slash = strrchr(file, '/');
	bool is_path = strchr(value, '/') || gw_has_suffix(value, ".yaml");
	char *sibling;
	if (is_path && value[0] == '/') {
		return gw_xstrdup(value);
	}
	if (is_path) {
		return slash ? gw_xasprintf("%.*s/%s", (int)(slash - file),
				file, value) : gw_xstrdup(value);
	}
	sibling = slash ? gw_xasprintf("%.*s/%s.yaml", (int)(slash - file),
			file, value) : gw_xasprintf("%s.yaml", value);
	if (is_readable(sibling)) {
		return sibling;
	}
	free(sibling);
	struct gw_diags quiet;
	gw_diags_init(&quiet);
	char *resolved = gw_profile_resolve(value, &quiet);
	gw_diags_finish(&quiet);
	return resolved;
}

static struct gw_pnode *load_tree(struct loader *ld, const char *text,
		size_t len, const char *file);

static struct gw_pnode *load_parent(struct loader *ld,
		const struct gw_pnode *ext, const char *file)
{
	struct gw_pnode *tree = NULL;
	char *text = NULL;
	char *path = parent_path(ext->text, file);
	if (!path) {
		gw_diag_error(ld->d, ext->loc, "cannot find parent profile "
				"'%.*s%s'", GW_PROFILE_QUOTED(ext->text));
		goto out;
	}
	if (ld->n_chain >= GW_PROFILE_MAX_CHAIN) {
		gw_diag_error(ld->d, ext->loc, "'extends' chain is longer than "
				"%d profiles", GW_PROFILE_MAX_CHAIN);
		goto out;
	}
	struct file_id id = file_id_of(path);
	if (in_chain(ld, id)) {
		gw_diag_error(ld->d, ext->loc, "'extends' cycle: '%s' is "
				"already being loaded", path);
		goto out;
	}
	size_t len = 0;
	text = gw_read_file(path, GW_PROFILE_MAX_BYTES, &len);
	if (!text) {
		if (errno == EFBIG) {
			gw_diag_error(ld->d, ext->loc, "parent profile '%s' is "
					"larger than the limit of %d bytes",
					path, GW_PROFILE_MAX_BYTES);
		} else {
			gw_diag_error(ld->d, ext->loc, "cannot read parent "
					"profile '%s': %s", path,
					gw_read_error(errno));
		}
		goto out;
	}
	ld->chain[ld->n_chain++] = id;
	tree = load_tree(ld, text, len, add_file(ld, path));
	ld->n_chain--;
out:
	free(text);
	free(path);
	return tree;
}

/* Parse one file and, through 'extends:', its parents; merged. */
static struct gw_pnode *load_tree(struct loader *ld, const char *text,
		size_t len, const char *file)
{
	if (len > GW_PROFILE_MAX_BYTES) {
		gw_diag_error(ld->d, (struct gw_loc){.file = file},
				"profile is larger than the limit of %d bytes",
				GW_PROFILE_MAX_BYTES);
		return NULL;
	}
	struct gw_pnode *root = gw_pnode_parse(text, len, file, ld->d);
	const struct gw_pnode *ext = gw_pnode_get(root, "extends");
	if (!ext || ext->kind != GW_PNODE_SCALAR ||
			ext->scalar == GW_PSCALAR_NULL) {
		/* a mistyped 'extends' is reported by the key tables */
		return root;
	}
	struct gw_pnode *parent = load_parent(ld, ext, file);
	if (!parent) {
		gw_pnode_free(root);
		return NULL;
	}
	if (parent->kind != GW_PNODE_MAP) {
		gw_diag_error(ld->d, parent->loc, "expected a mapping at the "
				"top level of a parent profile");
		gw_pnode_free(parent);
		gw_pnode_free(root);
		return NULL;
	}
	gw_pnode_merge(parent, root);
	return parent;
}

/* Environment variables whose value is a credential whatever it looks like. */
static const char *const credential_keys[] = {
	"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID",
};

static void credential_error(struct conv *c, const struct gw_pnode *n,
		const char *what, size_t at)
{
	/* The value itself is not repeated: it is the secret. */
	char where[sizeof(" at byte ") + 3 * sizeof(size_t)] = "";
	if (at > 1) {
		snprintf(where, sizeof(where), " at byte %zu", at);
	}
	gw_diag_add(c->d, GW_SEV_ERROR, n->loc, gw_rule_id(GW_RULE_S10), "remove it: generated "
			"files use roles, and deploy.sh the deploying user's "
			"credentials; keep secrets in secrets manager",
			"value holds %s%s; credentials do not belong in a "
			"profile or in the files generated from it", what,
			where);
	c->kept_errors++;
}

/*
 * Rule S10 (issue 6: "no credentials or secrets in any file"): every
 * scalar of the profile, keys included, whatever field it is, since all of
 * them can reach a generated file or a pull request.
 */
static void scan_credentials(struct conv *c, const struct gw_pnode *n)
{
	const char *what;
	size_t at;
	if (n->kind == GW_PNODE_SCALAR) {
		if (gw_names_find_credential(n->text, &what, &at)) {
			credential_error(c, n, what, at);
		}
		return;
	}
	for (size_t i = 0; i < n->used; i++) {
		scan_credentials(c, n->items[i]);
	}
	for (size_t i = 0; n->kind == GW_PNODE_MAP && i + 1 < n->used;
			i += 2) {
		const struct gw_pnode *k = n->items[i], *v = n->items[i + 1];
		if (k->kind != GW_PNODE_SCALAR || v->kind != GW_PNODE_SCALAR ||
				!*v->text || v->scalar == GW_PSCALAR_NULL ||
				gw_names_find_credential(v->text, &what, &at)) {
			continue; /* reported above */
		}
		for (size_t j = 0; j < GW_ARRAY_LEN(credential_keys); j++) {
			if (strcmp(k->text, credential_keys[j]) == 0) {
				credential_error(c, v, "an aws credential", 1);
			}
		}
	}
}

static struct gw_model *load(struct loader *ld, const char *text, size_t len,
		const char *file)
{
	size_t errors = ld->d->n_errors;
	const char *name = add_file(ld, file);
	ld->chain[ld->n_chain++] = file_id_of(file);
	struct gw_pnode *root = load_tree(ld, text, len, name);
	bool loaded = root != NULL;

	struct gw_model *m = gw_model_create();
	m->files = ld->files;
	m->n_files = ld->n_files;
	ld->files = NULL;
	ld->n_files = 0;
	size_t kept_errors = 0;
	if (root) {
		struct conv c = {.d = ld->d};
		if (root->kind != GW_PNODE_MAP) {
			char *got = describe(root);
			gw_diag_error(ld->d, root->loc, "expected a mapping at "
					"the top level, got %s", got);
			free(got);
		} else {
			convert_map(&c, &model_schema, root, m);
			finish_model(&c, m);
			scan_credentials(&c, root);
			kept_errors = c.kept_errors;
		}
	}
	gw_pnode_free(root);
	size_t found = ld->d->n_errors - errors;
	if (loaded && found > 0 && found == kept_errors) {
		/*
		 * Only values out of range or credentials: each was read and
		 * kept, so the model is whole and the verifier can judge the
		 * rest of the profile now, instead of after the user fixed
		 * these (issue 5: all findings of a file in one run). The
		 * verifier skips the values refused here. The model is
		 * refused all the same.
		 */
		gw_verify_model(m, ld->d);
	}
	if (!loaded || found > 0) {
		gw_model_destroy(m);
		return NULL;
	}
	return m;
}

struct gw_model *gw_profile_load_string(const char *text, size_t len,
		const char *file, struct gw_diags *d)
{
	struct loader ld = {.d = d};
	return load(&ld, text, len, file);
}

/*
 * The top-level 'name:' of a profile's text, read from libyaml's events up
 * to that key's value (usually the first lines), without building a model.
 * Returns NULL when the text does not say it plainly: no 'name' key (it may
 * come from 'extends:'), an alias or a collection as its value, or a syntax
 * error before it; the caller then loads the profile.
 */
char *gw_profile_peek_name(const char *text, size_t len, struct gw_loc *at)
{
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p)) {
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	char *name = NULL;
	int depth = 0;
	bool key = true, want_value = false, done = false;
	while (!done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			break;
		}
		switch (ev.type) {
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			done = want_value || (depth == 0 &&
			                      ev.type != YAML_MAPPING_START_EVENT);
			if (depth == 1) {
				key = !key;
			}
			depth++;
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			done = --depth == 0;
			break;
		case YAML_SCALAR_EVENT:
			if (depth != 1) {
				break;
			}
			if (want_value) {
				name = gw_xstrndup((const char *)ev.data.scalar.value,
				                   ev.data.scalar.length);
				at->line = (unsigned)ev.start_mark.line + 1;
				at->col = (unsigned)ev.start_mark.column + 1;
				done = true;
			} else if (key) {
				want_value = ev.data.scalar.length == 4 &&
				             memcmp(ev.data.scalar.value, "name",
				                    4) == 0;
			}
			key = !key;
			break;
		case YAML_ALIAS_EVENT:
			/* an alias as a top-level key or as the name */
			done = depth == 1;
			break;
		case YAML_STREAM_END_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return name;
}

struct gw_model *gw_profile_load(const char *path, struct gw_diags *d)
{
	size_t len = 0;
	char *text = gw_read_file(path, GW_PROFILE_MAX_BYTES, &len);
	if (!text) {
		if (errno == EFBIG) {
			gw_diag_error(d, (struct gw_loc){.file = path},
					"profile is larger than the limit of %d "
					"bytes", GW_PROFILE_MAX_BYTES);
		} else {
			gw_diag_error(d, (struct gw_loc){.file = path},
					"cannot read profile: %s",
					gw_read_error(errno));
		}
		return NULL;
	}
	struct gw_model *m = gw_profile_load_string(text, len, path, d);
	free(text);
	return m;
}

char *gw_profile_resolve(const char *arg, struct gw_diags *d)
{
	if (strchr(arg, '/') || gw_has_suffix(arg, ".yaml")) {
		return gw_xstrdup(arg);
	}
	const char *env = getenv("GWGEN_PROFILE_PATH");
	if (env) {
		const char *p = env;
		for (;;) {
			size_t n = strcspn(p, ":");
			if (n > 0) {
				char *path = gw_xasprintf("%.*s/%s.yaml", (int)n,
						p, arg);
				if (is_readable(path)) {
					return path;
				}
				free(path);
			}
			if (!p[n]) {
				break;
			}
			p += n + 1;
		}
	}
	static const char *const dirs[] = {"profiles", GW_PROFILE_DIR};
	for (size_t i = 0; i < GW_ARRAY_LEN(dirs); i++) {
		char *path = gw_xasprintf("%s/%s.yaml", dirs[i], arg);
		if (is_readable(path)) {
			return path;
		}
		free(path);
	}
	gw_diag_add(d, GW_SEV_ERROR, (struct gw_loc){0}, NULL,
			"profiles are looked up in $GWGEN_PROFILE_PATH, "
			"./profiles and " GW_PROFILE_DIR,
			"no profile named '%.*s%s'", GW_PROFILE_QUOTED(arg));
	return NULL;
}

/* ---- the tables, read-only, for the schema generator (profile_keys.h) ---- */

const struct gw_pschema *gw_pschema_root(void)
{
	return (const struct gw_pschema *)&model_schema;
}

const char *gw_pschema_what(const struct gw_pschema *sc)
{
	return ((const struct schema *)sc)->what;
}

size_t gw_pschema_count(const struct gw_pschema *sc)
{
	return ((const struct schema *)sc)->n_fields;
}

static const enum gw_pkey_type pkey_types[] = {
	[FT_STR] = GW_PKEY_STR,
	[FT_ENUM] = GW_PKEY_ENUM,
	[FT_INT] = GW_PKEY_INT,
	[FT_BOOL] = GW_PKEY_BOOL,
	[FT_STRS] = GW_PKEY_STRS,
	[FT_KVS] = GW_PKEY_KVS,
	[FT_MAP] = GW_PKEY_MAP,
	[FT_LIST] = GW_PKEY_LIST,
};
_Static_assert(GW_ARRAY_LEN(pkey_types) == FT_LIST + 1,
		"one gw_pkey_type per ftype");

void gw_pschema_key(const struct gw_pschema *sc, size_t i,
		struct gw_pkey *out)
{
	const struct schema *s = (const struct schema *)sc;
	assert(i < s->n_fields);
	const struct field *f = &s->fields[i];
	*out = (struct gw_pkey){
		.key = f->key,
		.type = pkey_types[f->type],
		.required = f->required,
		.min = f->min,
		.max = f->max,
		.unbounded = f->max == UNBOUNDED,
		.zero_ok = f->zero_ok,
		.ints = f->ints,
		.n_ints = f->n_ints,
		.rule = gw_rule_id(f->rule),
		.def_int = f->def_int,
		.def_bool = f->def_bool,
		.def_str = f->def_str,
		.allowed = f->allowed,
		.sub = (const struct gw_pschema *)f->sub,
	};
	/* What apply_default fills in and the format documents as the
	 * default; an int default outside its range means "not set". */
	switch (f->type) {
	case FT_STR:
	case FT_ENUM:
		out->has_default = f->def_str != NULL;
		break;
	case FT_INT:
		out->has_default = !f->required && ((f->def_int >= f->min
				&& f->def_int <= f->max)
				|| (f->zero_ok && f->def_int == 0));
		break;
	case FT_BOOL:
		out->has_default = true;
		break;
	default:
		break;
	}
	if (f->type == FT_LIST) {
		out->elem = f->elem == parse_resource ? GW_PKEY_ELEM_RESOURCE
			: f->elem == parse_queue_ce ? GW_PKEY_ELEM_NAME_OR_MAP
			: GW_PKEY_ELEM_MAP;
		if (f->elem == parse_queue_ce) {
			out->sub = (const struct gw_pschema *)&queue_ce_schema;
		}
		assert(out->elem != GW_PKEY_ELEM_MAP || f->sub);
	}
}

const char *gw_pschema_resource_word(size_t i)
{
	/* The whole words parse_resource takes before the prefixes. */
	static const char *const words[] = {"*", "bucket"};
	return i < GW_ARRAY_LEN(words) ? words[i] : NULL;
}

const char *gw_pschema_resource_prefix(size_t i)
{
	return i < GW_ARRAY_LEN(resource_prefixes)
		? resource_prefixes[i].prefix : NULL;
}
