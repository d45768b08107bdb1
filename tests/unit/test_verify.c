/* SPDX-License-Identifier: MIT */
/* Unit tests for the profile verifier and its driver: rules across families
 * on one base profile, user data, and the check stage after it. The
 * families' own cases, profile and template path alike, are in
 * test_rules_FAMILY.c; the template driver's in test_verify_template.c. */
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
#include "emit.h"
#include "lt.h"
#include "model.h"
#include "pipeline.h"
#include "profile.h"
#include "report.h"
#include "rows.h"
#include "templates.h"
#include "util.h"
#include "verify.h"

/*
 * A profile that passes every rule (notes allowed). Each row below changes
 * it by text replacement (for values the loader accepts) or by editing the
 * loaded model (for values the loader already refuses), and names the rule
 * that must then fire, or must stay quiet.
 */
static const char base_yaml[] =
        "name: demo\n"
        "description: verifier test\n"
        "region: us-west-2\n"
        "account_id: \"123456789012\"\n"
        "bucket:\n"
        "  name: demo-lab-bucket\n"
        "policies:\n"
        "  - name: demo-bucket\n"
        "    statements:\n"
        "      - actions: [s3:ListBucket]\n"
        "        resources: [bucket]\n"
        "      - actions: [s3:GetObject, s3:PutObject]\n"
        "        resources: [bucket/*]\n"
        "      - actions: [secretsmanager:GetSecretValue]\n"
        "        resources: [\"secret:NF_*\"]\n"
        "      - actions: [logs:GetLogEvents]\n"
        "        resources: [\"log-group:/aws/batch/job:*\"]\n"
        "      - actions: [iam:PassRole]\n"
        "        resources: [\"role:demo-job\", \"role:demo-fleet\"]\n"
        "      - actions: [secretsmanager:ListSecrets]\n"
        "        resources: [\"*\"]\n"
        "roles:\n"
        "  - name: demo-instance\n"
        "    trust: [ec2]\n"
        "    managed: [service-role/AmazonEC2ContainerServiceforEC2Role]\n"
        "    policies: [demo-bucket]\n"
        "    instance_profile: true\n"
        "  - name: demo-job\n"
        "    trust: [ecs-tasks]\n"
        "    policies: [demo-bucket]\n"
        "  - name: demo-fleet\n"
        "    trust: [spotfleet]\n"
        "    managed: [service-role/AmazonEC2SpotFleetTaggingRole]\n"
        "groups:\n"
        "  - name: demo-users\n"
        "    policies: [demo-bucket]\n"
        "users:\n"
        "  - name: alice\n"
        "    groups: [demo-users]\n"
        "launch_templates:\n"
        "  - name: demo-lt\n"
        "    root_volume: {device: /dev/xvda, size_gib: 100}\n"
        "    volumes:\n"
        "      - {device: /dev/xvdba, size_gib: 100}\n"
        "      - {device: /dev/sdf, size_gib: 500, type: st1}\n"
        "    user_data:\n"
        "      scratch: {kind: ebs-autoscale, device: /dev/xvdba}\n"
        "compute_environments:\n"
        "  - name: demo-ondemand\n"
        "    instance_types: [r6a.large, r6a.4xlarge]\n"
        "    max_vcpus: 256\n"
        "    launch_template: demo-lt\n"
        "    instance_role: demo-instance\n"
        "  - name: demo-spot\n"
        "    type: SPOT\n"
        "    instance_types: [c6a, m6a]\n"
        "    max_vcpus: 512\n"
        "    launch_template: demo-lt\n"
        "    instance_role: demo-instance\n"
        "  - name: demo-gpu\n"
        "    instance_types: [g5]\n"
        "    image_type: ECS_AL2023_NVIDIA\n"
        "    max_vcpus: 192\n"
        "    tags: {Name: demo-gpu}\n"
        "    instance_role: demo-instance\n"
        "job_queues:\n"
        "  - name: demo-head\n"
        "    priority: 100\n"
        "    head: true\n"
        "    compute_environments: [demo-ondemand]\n"
        "  - name: demo-work\n"
        "    priority: 1\n"
        "    compute_environments: [demo-spot]\n"
        "  - name: demo-gpu\n"
        "    priority: 1\n"
        "    compute_environments: [demo-gpu]\n"
        "job_definitions:\n"
        "  - name: demo-job\n"
        "    image: public.ecr.aws/docker/library/ubuntu:24.04\n"
        "    vcpus: 4\n"
        "    memory_mib: 8192\n"
        "    job_role: demo-job\n"
        "    queue: demo-work\n"
        "    log_group: /aws/batch/demo\n"
        "    timeout: 3600\n"
        "    attempts: 3\n"
        "  - name: demo-gpu-job\n"
        "    image: public.ecr.aws/docker/library/ubuntu:24.04\n"
        "    vcpus: 4\n"
        "    memory_mib: 15000\n"
        "    gpus: 1\n"
        "    queue: demo-gpu\n"
        "log_groups:\n"
        "  - name: /aws/batch/demo\n"
        "    retention_days: 30\n"
        "engine: nextflow\n"
        "nextflow:\n"
        "  queue: demo-work\n"
        "  max_spot_attempts: 3\n"
        "  cli_path: /usr/local/aws-cli/v2/current/bin/aws\n"
        "  max_cpus: 64\n"
        "  max_memory_mib: 100000\n"
        "  processes:\n"
        "    - {selector: \"withName:ALIGN\", cpus: 8, memory_mib: 16000}\n";

#define REPLACEMENTS 3

struct row {
	const char *name;
	const char *rule;
	enum gw_severity sev;
	bool absent; /* a passing case: 'rule' must not be reported */
	const char *find[REPLACEMENTS];
	const char *repl[REPLACEMENTS];
	void (*mutate)(struct gw_model *m);
	void (*restore)(struct gw_model *m);
	const char *msg; /* the whole expected message, or NULL */
};

static void set_str(struct gw_str *s, const char *v)
{
	free(s->s);
	s->s = gw_xstrdup(v);
	s->set = true;
}

/* ---- model edits for values the loader refuses -------------------------- */

static void ce_type_bad(struct gw_model *m)
{
	set_str(&m->compute_envs[0].type, "BATCH");
}

static void ce_no_max(struct gw_model *m)
{
	m->compute_envs[0].max_vcpus.set = false;
	m->compute_envs[0].max_vcpus.v = 0;
}

static void ce_bid_on_ec2(struct gw_model *m)
{
	m->compute_envs[0].bid_percentage.set = true;
	m->compute_envs[0].bid_percentage.v = 50;
}

static void ce_bid_high(struct gw_model *m)
{
	m->compute_envs[1].bid_percentage.set = true;
	m->compute_envs[1].bid_percentage.v = 150;
}

static void ce_bad_name(struct gw_model *m)
{
	set_str(&m->compute_envs[2].name, "demo gpu!");
}

static void many_ces(struct gw_model *m)
{
	size_t n = 51;
	m->compute_envs =
	        gw_xrealloc(m->compute_envs, n * sizeof(*m->compute_envs));
	memset(m->compute_envs + m->n_compute_envs, 0,
	       (n - m->n_compute_envs) * sizeof(*m->compute_envs));
	m->n_compute_envs = n;
}

static void queue_priority(struct gw_model *m)
{
	m->queues[0].priority.v = 1001;
}

static void queue_bad_name(struct gw_model *m)
{
	set_str(&m->queues[0].name, "demo head");
}

static void jd_vcpus_zero(struct gw_model *m)
{
	m->job_defs[0].vcpus.v = 0;
}

static void jd_attempts(struct gw_model *m)
{
	m->job_defs[0].attempts.v = 11;
}

static void jd_bad_name(struct gw_model *m)
{
	set_str(&m->job_defs[0].name, "demo job");
}

static void no_bucket(struct gw_model *m)
{
	m->bucket.present = false;
}

static void bucket_bad(struct gw_model *m)
{
	set_str(&m->bucket.name, "xn--demo-bucket");
}

static void bucket_dots(struct gw_model *m)
{
	set_str(&m->bucket.name, "demo.lab.bucket");
}

static void bucket_enc(struct gw_model *m)
{
	set_str(&m->bucket.encryption, "sse-c");
}

static void role_long(struct gw_model *m)
{
	set_str(&m->roles[2].name, "a-role-name-that-is-much-longer-than-the-"
	                           "sixty-four-characters-iam-allows");
}

static void role_case_dup(struct gw_model *m)
{
	set_str(&m->roles[2].name, "DEMO-INSTANCE");
}

static void lt_bad_name(struct gw_model *m)
{
	set_str(&m->launch_templates[0].name, "lt");
}

static void log_bad_name(struct gw_model *m)
{
	set_str(&m->log_groups[0].name, "bad name");
}

/* Commands enough for user data past EC2's 16384 bytes (L2). */
#define BIG_COMMANDS 11
#define BIG_COMMAND_LEN 1500

static void user_data_big(struct gw_model *m)
{
	struct gw_strs *r = &m->launch_templates[0].user_data.runcmd;
	r->v = gw_xrealloc(r->v, (r->n + BIG_COMMANDS) * sizeof(*r->v));
	for (size_t i = 0; i < BIG_COMMANDS; i++) {
		struct gw_str *c = &r->v[r->n++];
		*c = (struct gw_str){.s = gw_xmalloc(BIG_COMMAND_LEN + 1),
		                     .set = true};
		memset(c->s, 'x', BIG_COMMAND_LEN);
		memcpy(c->s, "echo ", strlen("echo "));
		c->s[BIG_COMMAND_LEN] = '\0';
	}
}

static void log_retention(struct gw_model *m)
{
	m->log_groups[0].retention_days.v = 31;
}

/* 'n' profile tags T0..T{n-1} (AWS allows 50 per resource). */
static void set_profile_tags(struct gw_model *m, size_t n)
{
	for (size_t i = 0; i < m->tags.n; i++) {
		free(m->tags.v[i].key.s);
		free(m->tags.v[i].value.s);
	}
	free(m->tags.v);
	m->tags.v = gw_xcalloc(n, sizeof(*m->tags.v));
	m->tags.n = n;
	for (size_t i = 0; i < n; i++) {
		m->tags.v[i].key.s = gw_xasprintf("T%zu", i);
		m->tags.v[i].value.s = gw_xstrdup("v");
	}
}

/* With gwgen's own 'gwgen:stack' tag: 49 + 1 = 50 is the limit. */
static void tags_49(struct gw_model *m)
{
	set_profile_tags(m, 49);
}

static void tags_50(struct gw_model *m)
{
	set_profile_tags(m, 50);
}

/* 48 profile tags + 'Name' on demo-gpu + 'gwgen:stack' = 50: passes; the
 * compute environment's second own tag makes 51. */
static void tags_48(struct gw_model *m)
{
	set_profile_tags(m, 48);
}

static void effect_bad(struct gw_model *m)
{
	set_str(&m->policies[0].statements[0].effect, "Maybe");
}

static size_t saved_resources;

static void no_resources(struct gw_model *m)
{
	saved_resources = m->policies[0].statements[0].n_resources;
	m->policies[0].statements[0].n_resources = 0;
}

static void restore_resources(struct gw_model *m)
{
	m->policies[0].statements[0].n_resources = saved_resources;
}

static void trust_lambda(struct gw_model *m)
{
	set_str(&m->roles[2].trust.v[0], "lambda");
}

static void region_bad(struct gw_model *m)
{
	set_str(&m->region, "mars-north-1");
	m->partition = NULL;
}

static void hop_limit_bad(struct gw_model *m)
{
	m->launch_templates[0].hop_limit.set = true;
	m->launch_templates[0].hop_limit.v = 65;
}

static void nf_spot_negative(struct gw_model *m)
{
	m->nextflow.max_spot_attempts.v = -1;
}

/* 63 buckets of 63 characters besides 'a-b': 160 characters each in the
 * two statements, past the 10,240 of a role's inline policies. */
#define MANY_BUCKETS 64

static void open_data_many(struct gw_model *m)
{
	struct gw_strs *od = &m->roles[0].open_data;
	od->v = gw_xrealloc(od->v, MANY_BUCKETS * sizeof(*od->v));
	for (size_t i = od->n; i < MANY_BUCKETS; i++) {
		od->v[i] = (struct gw_str){.s = gw_xasprintf(
		        "open-data-bucket-%02zu-%043d", i, 0), .set = true};
	}
	od->n = MANY_BUCKETS;
}

/* Batch takes RetryStrategy attempts 1..10. */
static void nf_spot_attempts_11(struct gw_model *m)
{
	m->nextflow.max_spot_attempts.v = 11;
}

static void nf_after_attempts_11(struct gw_model *m)
{
	m->nextflow.spot_fallback.after_attempts.v = 11;
}

static void nf_retry_mode(struct gw_model *m)
{
	set_str(&m->nextflow.retry_mode, "turbo");
}

static void engine_nextstrain(struct gw_model *m)
{
	m->engine = GW_ENGINE_NEXTSTRAIN;
}

static void engine_cromwell(struct gw_model *m)
{
	m->engine = GW_ENGINE_CROMWELL;
}

static void engine_snakemake(struct gw_model *m)
{
	m->engine = GW_ENGINE_SNAKEMAKE;
}

static void queue_runnable_timeout(struct gw_model *m)
{
	m->queues[0].runnable_timeout.v = 100;
}

static void jd_timeout(struct gw_model *m)
{
	m->job_defs[0].timeout.v = 30;
}

/* 60 statements of 5 actions on 2 resources: about 12,000 characters. */
static void huge_policy(struct gw_model *m)
{
	struct gw_policy *p = &m->policies[0];
	struct gw_statement *first = &p->statements[0];
	size_t n = 60;
	size_t old_n = p->n_statements;
	struct gw_statement *v = gw_xcalloc(n + old_n, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		v[i].loc = first->loc;
		v[i].actions.n = 5;
		v[i].actions.v = gw_xcalloc(5, sizeof(struct gw_str));
		for (size_t j = 0; j < 5; j++) {
			v[i].actions.v[j].s =
			        gw_xasprintf("s3:GetObjectVersionTagging%zu", j);
		}
		v[i].n_resources = 2;
		v[i].resources = gw_xcalloc(2, sizeof(struct gw_resource));
		v[i].resources[0].kind = GW_RES_OBJECTS;
		v[i].resources[0].value.s =
		        gw_xstrdup("a/rather/long/key/prefix/for/results/*");
		v[i].resources[1].kind = GW_RES_BUCKET;
		v[i].resources[1].value.s = gw_xstrdup("");
	}
	/* Keep the old statements after the new ones; the model frees all. */
	memcpy(v + n, p->statements, old_n * sizeof(*v));
	free(p->statements);
	p->statements = v;
	p->n_statements = n + old_n;
}

static void volume_unencrypted(struct gw_model *m)
{
	m->launch_templates[0].volumes[0].encrypted.set = true;
	m->launch_templates[0].volumes[0].encrypted.v = false;
}

/* ---- the rows ------------------------------------------------------------ */

#define E GW_SEV_ERROR
#define W GW_SEV_WARNING
#define N GW_SEV_NOTE

#define ONDEMAND "instance_types: [r6a.large, r6a.4xlarge]\n"
#define SPOT "    type: SPOT\n"
#define ZEROS                                                                  \
	"0000000000000000000000000000000000000000000000000000000000000000"
#define JOB_VCPUS "    vcpus: 4\n    memory_mib: 8192\n"

static const struct row rows[] = {
        /* compute environments */
        {.name = "ce1_type", .rule = "CE1", .sev = E, .mutate = ce_type_bad},
        {.name = "ce1_max_vcpus", .rule = "CE1", .sev = E, .mutate = ce_no_max},
        {.name = "ce2_min_above_max",
         .rule = "CE2",
         .sev = E,
         .find = {ONDEMAND},
         .repl = {ONDEMAND "    min_vcpus: 300\n"}},
        {.name = "ce2_desired_below_min",
         .rule = "CE2",
         .sev = E,
         .find = {ONDEMAND},
         .repl = {ONDEMAND "    min_vcpus: 8\n    desired_vcpus: 4\n"}},
        {.name = "ce3_spot_strategy_on_ec2",
         .rule = "CE3",
         .sev = E,
         .find = {ONDEMAND},
         .repl = {ONDEMAND
                  "    allocation_strategy: SPOT_CAPACITY_OPTIMIZED\n"}},
        {.name = "ce4_best_fit_spot_needs_role",
         .rule = "CE4",
         .sev = E,
         .find = {SPOT},
         .repl = {SPOT "    allocation_strategy: BEST_FIT\n"}},
        {.name = "ce4_role_on_ec2",
         .rule = "CE4",
         .sev = E,
         .find = {ONDEMAND},
         .repl = {ONDEMAND "    spot_fleet_role: demo-fleet\n"}},
        {.name = "ce4_pass",
         .rule = "CE4",
         .sev = E,
         .absent = true,
         .find = {SPOT},
         .repl = {SPOT "    allocation_strategy: BEST_FIT\n"
                       "    spot_fleet_role: demo-fleet\n"}},
        {.name = "ce5_bid_on_ec2",
         .rule = "CE5",
         .sev = E,
         .mutate = ce_bid_on_ec2},
        {.name = "ce5_bid_range",
         .rule = "CE5",
         .sev = E,
         .mutate = ce_bid_high},
        {.name = "ce6_architectures",
         .rule = "CE6",
         .sev = E,
         .find = {"[c6a, m6a]"},
         .repl = {"[c6g, m6a]"},
         .msg = "compute environment 'demo-spot' mixes architectures: "
                "'m6a.12xlarge' is x86_64 and 'c6g.12xlarge' is arm64"},
        /* The catalog has every EC2 type: an unknown one is an error
         * (r6a.huge is the misspelling). */
        {.name = "ce6_unknown_type",
         .rule = "CE6",
         .sev = E,
         .find = {"[c6a, m6a]"},
         .repl = {"[c6a, r6a.huge]"},
         .msg = "compute environment 'demo-spot' names instance type "
                "'r6a.huge', which is not an EC2 instance type"},
        {.name = "ce6_unknown_family",
         .rule = "CE6",
         .sev = E,
         .find = {"[c6a, m6a]"},
         .repl = {"[c6a, m6ii]"},
         .msg = "compute environment 'demo-spot' names instance family "
                "'m6ii', which is not an EC2 instance family or batch "
                "class"},
        /* A type newer than the catalog, declared with its size: no
         * CE6, and its arm64 architecture counts for the mix check. */
        {.name = "ce6_declared_new_type",
         .rule = "CE6",
         .sev = E,
         .absent = true,
         .find = {"[c6a, m6a]", "region: us-west-2\n"},
         .repl = {"[c6a, z9.large]",
                  "region: us-west-2\nnew_instance_types:\n"
                  "  - {name: z9.large, vcpus: 2, memory_mib: 4096, "
                  "arch: x86_64}\n"}},
        {.name = "ce6_declared_new_type_arch",
         .rule = "CE6",
         .sev = E,
         .find = {"[c6a, m6a]", "region: us-west-2\n"},
         .repl = {"[c6a, z9g.large]",
                  "region: us-west-2\nnew_instance_types:\n"
                  "  - {name: z9g.large, vcpus: 2, memory_mib: 4096, "
                  "arch: arm64}\n"},
         .msg = "compute environment 'demo-spot' mixes architectures: "
                "'c6a.12xlarge' is x86_64 and 'z9g.large' is arm64"},
        /* Batch's default classes are sized like 'optimal', not unknown */
        {.name = "ce6_default_class_known",
         .rule = "CE6",
         .sev = W,
         .absent = true,
         .find = {"[c6a, m6a]"},
         .repl = {"[default_x86_64]"}},
        {.name = "ce6_default_arm64_mixed",
         .rule = "CE6",
         .sev = E,
         .find = {"[c6a, m6a]"},
         .repl = {"[c6a, default_arm64]"},
         .msg = "compute environment 'demo-spot' mixes architectures: "
                "'c6a.12xlarge' is x86_64 and 'c6g.12xlarge' is arm64"},
        /* domain.md CE7: a warning with several types or families ... */
        {.name = "ce7_max_below_smallest",
         .rule = "CE7",
         .sev = W,
         .find = {ONDEMAND "    max_vcpus: 256"},
         .repl = {ONDEMAND "    max_vcpus: 1"},
         .msg = "compute environment 'demo-ondemand' allows 1 vcpus but "
                "its smallest instance type (r6a.large) has 2, so no "
                "instance can start"},
        /* ... and an error with exactly one concrete instance type */
        {.name = "ce7_one_type_too_big",
         .rule = "CE7",
         .sev = E,
         .find = {ONDEMAND "    max_vcpus: 256"},
         .repl = {"instance_types: [r6a.4xlarge]\n    max_vcpus: 8"},
         .msg = "compute environment 'demo-ondemand' allows 8 vcpus but "
                "its smallest instance type (r6a.4xlarge) has 16, so no "
                "instance can start"},
        {.name = "ce7_families_warn_only",
         .rule = "CE7",
         .sev = E,
         .absent = true,
         .find = {ONDEMAND "    max_vcpus: 256"},
         .repl = {ONDEMAND "    max_vcpus: 1"}},
        {.name = "ce8_overshoot",
         .rule = "CE8",
         .sev = N,
         .find = {ONDEMAND "    max_vcpus: 256"},
         .repl = {ONDEMAND "    max_vcpus: 8"}},
        {.name = "ce9_min_vcpus",
         .rule = "CE9",
         .sev = W,
         .find = {ONDEMAND},
         .repl = {ONDEMAND "    min_vcpus: 2\n"}},
        {.name = "ce10_gpu_without_nvidia",
         .rule = "CE10",
         .sev = E,
         .find = {"image_type: ECS_AL2023_NVIDIA"},
         .repl = {"image_type: ECS_AL2023"}},
        {.name = "ce10_nvidia_without_gpu",
         .rule = "CE10",
         .sev = W,
         .find = {ONDEMAND},
         .repl = {ONDEMAND "    image_type: ECS_AL2023_NVIDIA\n"}},
        {.name = "ce10_a1_on_al2023",
         .rule = "CE10",
         .sev = E,
         .find = {ONDEMAND},
         .repl = {"instance_types: [a1.large]\n"}},
        {.name = "ce11_al2",
         .rule = "CE11",
         .sev = E,
         .find = {ONDEMAND},
         .repl = {ONDEMAND "    image_type: ECS_AL2\n"}},
        {.name = "ce14_tags", .rule = "CE14", .sev = N},
        {.name = "ce15_service_role",
         .rule = "CE15",
         .sev = W,
         .find = {ONDEMAND},
         .repl = {ONDEMAND "    service_role: demo-instance\n"}},
        {.name = "ce16_name", .rule = "CE16", .sev = E, .mutate = ce_bad_name},
        {.name = "ce17_fargate_instance_types",
         .rule = "CE17",
         .sev = E,
         .find = {"  - name: demo-gpu\n    instance_types"},
         .repl = {"  - name: demo-gpu\n    type: FARGATE\n    instance_types"}},
        {.name = "ce18_too_many", .rule = "CE18", .sev = E, .mutate = many_ces},
        /* job queues */
        {.name = "q1_four_ces",
         .rule = "Q1",
         .sev = E,
         .find = {"compute_environments: [demo-ondemand]"},
         .repl = {"compute_environments: [demo-ondemand, demo-spot, demo-gpu, "
                  "demo-ondemand]"}},
        /* three compute environments, the limit */
        {.name = "q1_three_ces",
         .rule = "Q1",
         .sev = E,
         .absent = true,
         .find = {"compute_environments: [demo-ondemand]"},
         .repl = {"compute_environments: [demo-ondemand, demo-spot, "
                  "demo-gpu]"}},
        {.name = "q2_duplicate_order",
         .rule = "Q2",
         .sev = E,
         .find = {"compute_environments: [demo-ondemand]"},
         .repl = {"compute_environments: [{name: demo-ondemand, order: 1}, "
                  "{name: demo-gpu, order: 1}]"}},
        /* Batch refuses a compute environment listed twice. */
        {.name = "q2_same_ce_twice",
         .rule = "Q2",
         .sev = E,
         .find = {"compute_environments: [demo-ondemand]"},
         .repl = {"compute_environments: [demo-ondemand, demo-ondemand]"},
         .msg = "queue 'demo-head' lists compute environment "
                "'demo-ondemand' twice (orders 1 and 2)"},
        /* order 0 is the lowest */
        {.name = "q2_order_zero",
         .rule = "Q2",
         .sev = E,
         .absent = true,
         .find = {"compute_environments: [demo-ondemand]"},
         .repl = {"compute_environments: [{name: demo-ondemand, order: 0}, "
                  "{name: demo-gpu, order: 1}]"}},
        {.name = "q3_fargate_mix",
         .rule = "Q3",
         .sev = E,
         .find = {"    type: SPOT\n    instance_types: [c6a, m6a]\n",
                  "compute_environments: [demo-ondemand]"},
         .repl = {"    type: FARGATE\n",
                  "compute_environments: [demo-ondemand, demo-spot]"}},
        {.name = "q3_arch_mix",
         .rule = "Q3",
         .sev = E,
         .find = {"[c6a, m6a]", "compute_environments: [demo-ondemand]"},
         .repl = {"[c6g, m6g]",
                  "compute_environments: [demo-ondemand, demo-spot]"}},
        {.name = "q4_priority_range",
         .rule = "Q4",
         .sev = E,
         .mutate = queue_priority},
        {.name = "q4_shared_priority",
         .rule = "Q4",
         .sev = W,
         .find = {"compute_environments: [demo-gpu]"},
         .repl = {"compute_environments: [demo-spot]"}},
        /* 1000 is the highest priority */
        {.name = "q4_priority_1000",
         .rule = "Q4",
         .sev = E,
         .absent = true,
         .find = {"    priority: 100\n"},
         .repl = {"    priority: 1000\n"}},
        {.name = "q5_name", .rule = "Q5", .sev = E, .mutate = queue_bad_name},
        {.name = "q6_runnable_timeout",
         .rule = "Q6",
         .sev = E,
         .mutate = queue_runnable_timeout},
        {.name = "q6_pass",
         .rule = "Q6",
         .sev = E,
         .absent = true,
         .find = {"    head: true\n"},
         .repl = {"    head: true\n    runnable_timeout: 600\n"}},
        {.name = "q8_head_reaches_spot",
         .rule = "Q8",
         .sev = W,
         .find = {"compute_environments: [demo-ondemand]"},
         .repl = {"compute_environments: [demo-ondemand, demo-spot]"},
         .msg = "head queue 'demo-head' reaches spot compute environment "
                "'demo-spot'; a reclaimed head job kills the whole "
                "workflow"},
        {.name = "q8_spillover",
         .rule = "Q8",
         .sev = W,
         .find = {"compute_environments: [demo-spot]"},
         .repl = {"compute_environments: [demo-spot, demo-ondemand]"},
         .msg = "queue 'demo-work' spills over from spot to on-demand "
                "compute environment 'demo-ondemand'; insufficient spot "
                "capacity can leave jobs runnable instead of moving them"},
        /* Fargate capacity is named as such, not "on-demand". */
        {.name = "q8_spillover_fargate",
         .rule = "Q8",
         .sev = W,
         .find = {"    type: SPOT\n    instance_types: [c6a, m6a]\n",
                  "  - name: demo-gpu\n    instance_types: [g5]\n"
                  "    image_type: ECS_AL2023_NVIDIA\n",
                  "compute_environments: [demo-spot]"},
         .repl = {"    type: FARGATE_SPOT\n",
                  "  - name: demo-gpu\n    type: FARGATE\n",
                  "compute_environments: [demo-spot, demo-gpu]"},
         .msg = "queue 'demo-work' spills over from fargate spot to fargate "
                "compute environment 'demo-gpu'; insufficient spot "
                "capacity can leave jobs runnable instead of moving them"},
        {.name = "q8_spot_only_no_retries",
         .rule = "Q8",
         .sev = N,
         .find = {"max_spot_attempts: 3"},
         .repl = {"max_spot_attempts: 0"}},
        {.name = "q8_spillover_by_order",
         .rule = "Q8",
         .sev = W,
         .find = {"compute_environments: [demo-spot]"},
         .repl = {"compute_environments: [{name: demo-ondemand, order: 2}, "
                  "{name: demo-spot, order: 1}]"}},
        {.name = "q8_order_not_position",
         .rule = "Q8",
         .sev = W,
         .absent = true,
         .find = {"compute_environments: [demo-spot]"},
         .repl = {"compute_environments: [{name: demo-spot, order: 2}, "
                  "{name: demo-ondemand, order: 1}]"}},
        {.name = "q9_unknown_ce",
         .rule = "Q9",
         .sev = E,
         .find = {"compute_environments: [demo-gpu]"},
         .repl = {"compute_environments: [demo-nope]"}},
        /* job definitions and sizing */
        {.name = "j1_name", .rule = "J1", .sev = E, .mutate = jd_bad_name},
        {.name = "j2_vcpus", .rule = "J2", .sev = E, .mutate = jd_vcpus_zero},
        {.name = "j2_memory",
         .rule = "J2",
         .sev = E,
         .find = {JOB_VCPUS},
         .repl = {"    vcpus: 4\n    memory_mib: 2\n"}},
        {.name = "j2_fargate_pair",
         .rule = "J2",
         .sev = E,
         .find = {"    type: SPOT\n    instance_types: [c6a, m6a]\n"
                  "    max_vcpus: 512\n    launch_template: demo-lt\n"
                  "    instance_role: demo-instance\n",
                  JOB_VCPUS},
         .repl = {"    type: FARGATE\n    max_vcpus: 512\n",
                  "    vcpus: 4\n    memory_mib: 8000\n"}},
        /* 1 vcpu and 4 MiB are the least a job takes */
        {.name = "j2_least",
         .rule = "J2",
         .sev = E,
         .absent = true,
         .find = {JOB_VCPUS},
         .repl = {"    vcpus: 1\n    memory_mib: 4\n"}},
        {.name = "j3_vcpus_exceed_instances",
         .rule = "J3",
         .sev = E,
         .find = {JOB_VCPUS},
         .repl = {"    vcpus: 256\n    memory_mib: 8192\n"},
         .msg = "job definition 'demo-job' needs 256 vcpus but the largest "
                "instance type reachable through queue 'demo-work' "
                "(c6a.48xlarge) has 192"},
        /* default_arm64: m6g, c6g, r6g, c7g, at most 64 vcpus */
        {.name = "j3_vcpus_exceed_default_arm64",
         .rule = "J3",
         .sev = E,
         .find = {JOB_VCPUS, "[c6a, m6a]"},
         .repl = {"    vcpus: 96\n    memory_mib: 8192\n",
                  "[default_arm64]"},
         .msg = "job definition 'demo-job' needs 96 vcpus but the largest "
                "instance type reachable through queue 'demo-work' "
                "(c6g.16xlarge) has 64"},
        {.name = "j3_default_x86_64_fits",
         .rule = "J3",
         .sev = E,
         .absent = true,
         .find = {JOB_VCPUS, "[c6a, m6a]"},
         .repl = {"    vcpus: 96\n    memory_mib: 8192\n",
                  "[default_x86_64]"}},
        {.name = "j3_vcpus_exceed_max_vcpus",
         .rule = "J3",
         .sev = E,
         .find = {"    max_vcpus: 512\n", "queue: demo-work\n    log_group"},
         .repl = {"    max_vcpus: 2\n", "queue: demo-work\n    log_group"}},
        /* c6a.48xlarge has 192 vcpus */
        {.name = "j3_vcpus_192_fit",
         .rule = "J3",
         .sev = E,
         .absent = true,
         .find = {JOB_VCPUS},
         .repl = {"    vcpus: 192\n    memory_mib: 8192\n"}},
        {.name = "j4_memory_exceeds",
         .rule = "J4",
         .sev = E,
         .find = {JOB_VCPUS, "queue: demo-work\n    log_group"},
         .repl = {"    vcpus: 4\n    memory_mib: 131041\n",
                  "queue: demo-head\n    log_group"},
         .msg = "job definition 'demo-job' needs 131041 mib but the largest "
                "instance type reachable through queue 'demo-head' "
                "(r6a.4xlarge) has 131072 mib, at most 131040 after the "
                "ecs agent's 32 mib"},
        {.name = "j4_memory_warning_band",
         .rule = "J4",
         .sev = W,
         .find = {JOB_VCPUS, "queue: demo-work\n    log_group"},
         .repl = {"    vcpus: 4\n    memory_mib: 125000\n",
                  "queue: demo-head\n    log_group"}},
        {.name = "j4_no_single_type",
         .rule = "J4",
         .sev = E,
         .find = {ONDEMAND, "queue: demo-work\n    log_group", JOB_VCPUS},
         .repl = {"instance_types: [r6a.4xlarge, c6a.8xlarge]\n",
                  "queue: demo-head\n    log_group",
                  "    vcpus: 32\n    memory_mib: 120000\n"},
         .msg = "job definition 'demo-job' needs 32 vcpus and 120000 mib "
                "together, which no single instance type reachable through "
                "queue 'demo-head' offers"},
        {.name = "j5_gpus",
         .rule = "J5",
         .sev = E,
         .find = {"    gpus: 1\n"},
         .repl = {"    gpus: 9\n"}},
        {.name = "j5_needs_nvidia_image",
         .rule = "J5",
         .sev = E,
         .find = {"image_type: ECS_AL2023_NVIDIA"},
         .repl = {"image_type: ECS_AL2023"}},
        {.name = "j6_timeout", .rule = "J6", .sev = E, .mutate = jd_timeout},
        {.name = "j6_timeout_60",
         .rule = "J6",
         .sev = E,
         .absent = true,
         .find = {"    timeout: 3600\n"},
         .repl = {"    timeout: 60\n"}},
        {.name = "j7_attempts", .rule = "J7", .sev = E, .mutate = jd_attempts},
        {.name = "j7_attempts_10",
         .rule = "J7",
         .sev = E,
         .absent = true,
         .find = {"    attempts: 3\n"},
         .repl = {"    attempts: 10\n"}},
        {.name = "j12_reserved_env",
         .rule = "J12",
         .sev = E,
         .find = {"    timeout: 3600\n"},
         .repl = {"    timeout: 3600\n    environment: {AWS_BATCH_X: y}\n"}},
        {.name = "j12_pass",
         .rule = "J12",
         .sev = E,
         .absent = true,
         .find = {"    timeout: 3600\n"},
         .repl = {"    timeout: 3600\n    environment: {NF_WORKDIR: y}\n"}},
        {.name = "n10_reserved_tag",
         .rule = "N10",
         .sev = E,
         .find = {"tags: {Name: demo-gpu}"},
         .repl = {"tags: {\"aws:owner\": demo-gpu}"}},
        /* N11: one-line fields hold no control characters */
        {.name = "n11_description_newline",
         .rule = "N11",
         .sev = E,
         .find = {"description: verifier test\n"},
         .repl = {"description: \"verifier\\ntest\"\n"},
         .msg = "description has control character U+000A (line feed) at "
                "character 9"},
        {.name = "n11_queue_name_tab",
         .rule = "N11",
         .sev = E,
         .find = {"  - name: demo-head\n"},
         .repl = {"  - name: \"demo\\thead\"\n"},
         .msg = "job queue name has control character U+0009 (tab) at "
                "character 5"},
        {.name = "n11_c1_control",
         .rule = "N11",
         .sev = E,
         .find = {"  - name: demo-instance\n"},
         .repl = {"  - name: demo-instance\n    description: \"\\u0085\"\n"},
         .msg = "role description has control character U+0085 at "
                "character 1"},
        {.name = "n11_pass_unicode",
         .rule = "N11",
         .sev = E,
         .absent = true,
         .find = {"description: verifier test\n"},
         .repl = {"description: vérificateur 日本 🧬\n"}},
        /* C2: stack names [A-Za-z][A-Za-z0-9-]*, at most 128 */
        {.name = "c2_stack_name_start",
         .rule = "C2",
         .sev = E,
         .find = {"region: us-west-2\n"},
         .repl = {"region: us-west-2\nstack_name: 1lab\n"},
         .msg = "stack_name '1lab' does not start with a letter"},
        {.name = "c2_stack_name_char",
         .rule = "C2",
         .sev = E,
         .find = {"region: us-west-2\n"},
         .repl = {"region: us-west-2\nstack_name: lab_stack\n"},
         .msg = "stack_name has '_' at byte 4, which stack names do not "
                "allow"},
        {.name = "c2_stack_name_long",
         .rule = "C2",
         .sev = E,
         .find = {"region: us-west-2\n"},
         .repl = {"region: us-west-2\nstack_name: s-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x\n"},
         .msg = "stack_name is 129 characters, more than the 128 "
                "cloudformation allows"},
        {.name = "c2_stack_name_pass",
         .rule = "C2",
         .sev = E,
         .absent = true,
         .find = {"region: us-west-2\n"},
         .repl = {"region: us-west-2\nstack_name: Lab-Stack-2\n"}},
        /* AWS tagging rules: [\p{L}\p{Z}\p{N}_.:/=+\-@], key 1..128 and
         * value 0..256 characters, 50 tags per resource. */
        {.name = "n10_value_newline",
         .rule = "N10",
         .sev = E,
         .find = {"tags: {Name: demo-gpu}"},
         .repl = {"tags: {Name: \"demo\\ngpu\"}"},
         .msg = "value 'demo\\ngpu' of tag 'Name' on compute environment "
                "'demo-gpu' has U+000A at character 5, which aws tags do "
                "not allow"},
        {.name = "n10_value_dollar",
         .rule = "N10",
         .sev = E,
         .find = {"description: verifier test\n"},
         .repl = {"description: verifier test\ntags: {Owner: \"${USER}\"}\n"},
         .msg = "value '${USER}' of tag 'Owner' on the profile has '$' at "
                "character 1, which aws tags do not allow"},
        {.name = "n10_key_bar",
         .rule = "N10",
         .sev = E,
         .find = {"tags: {Name: demo-gpu}"},
         .repl = {"tags: {\"cost|center\": x}"},
         .msg = "tag key 'cost|center' of compute environment 'demo-gpu' "
                "has '|' at character 5, which aws tags do not allow"},
        {.name = "n10_value_symbol",
         .rule = "N10",
         .sev = E,
         .find = {"tags: {Name: demo-gpu}"},
         .repl = {"tags: {Budget: \"100\u20ac\"}"},
         .msg = "value '100\u20ac' of tag 'Budget' on compute environment "
                "'demo-gpu' has U+20AC at character 4, which aws tags do "
                "not allow"},
        {.name = "n10_reserved_upper",
         .rule = "N10",
         .sev = E,
         .find = {"tags: {Name: demo-gpu}"},
         .repl = {"tags: {\"AWS:Owner\": x}"}},
        {.name = "n10_key_long",
         .rule = "N10",
         .sev = E,
         .find = {"tags: {Name: demo-gpu}"},
         .repl = {"tags: {\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\": x}"}},
        {.name = "n10_value_long",
         .rule = "N10",
         .sev = E,
         .find = {"tags: {Name: demo-gpu}"},
         .repl = {"tags: {Name: \"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\"}"},
         .msg = "value 'vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv' of tag 'Name' on compute environment "
                "'demo-gpu' is 257 characters long"},
        {.name = "n10_lengths_pass",
         .rule = "N10",
         .sev = E,
         .absent = true,
         .find = {"tags: {Name: demo-gpu}"},
         .repl = {"tags: {\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\": \"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\", Empty: \"\"}"}},
        /* Lengths are Unicode characters, not bytes; letters of any
         * script, numbers and the six marks pass. */
        {.name = "n10_unicode_pass",
         .rule = "N10",
         .sev = E,
         .absent = true,
         .find = {"tags: {Name: demo-gpu}"},
         .repl = {"tags: {\"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\": \"Z\u00fcrich \u6771\u4eac "
                  "_.:/=+-@ 42\"}"}},
        {.name = "n10_count_50", .rule = "N10", .sev = E, .mutate = tags_50,
         .msg = "the profile has 51 tags (counting the profile's, its own "
                "and 'gwgen:stack'), more than the 50 aws allows"},
        {.name = "n10_count_49_pass",
         .rule = "N10",
         .sev = E,
         .absent = true,
         .mutate = tags_49,
         .find = {"tags: {Name: demo-gpu}"},
         .repl = {"tags: {T0: replaced}"}},
        {.name = "n10_count_own",
         .rule = "N10",
         .sev = E,
         .mutate = tags_48,
         .find = {"tags: {Name: demo-gpu}"},
         .repl = {"tags: {Name: demo-gpu, Team: x}"},
         .msg = "compute environment 'demo-gpu' has 51 tags (counting the "
                "profile's, its own and 'gwgen:stack'), more than the 50 "
                "aws allows"},
        {.name = "n10_count_own_pass",
         .rule = "N10",
         .sev = E,
         .absent = true,
         .mutate = tags_48},
        {.name = "j8_log_group_missing",
         .rule = "J8",
         .sev = W,
         .find = {"log_group: /aws/batch/demo"},
         .repl = {"log_group: /aws/batch/other"}},
        {.name = "j9_image",
         .rule = "J9",
         .sev = E,
         .find = {"image: public.ecr.aws/docker/library/ubuntu:24.04\n    "
                  "vcpus: 4\n"
                  "    memory_mib: 8192"},
         .repl = {"image: \"ubuntu latest\"\n    vcpus: 4\n    memory_mib: "
                  "8192"}},
        /* references */
        {.name = "r1_instance_role",
         .rule = "R1",
         .sev = E,
         .find = {"    launch_template: demo-lt\n"
                  "    instance_role: demo-instance\n"},
         .repl = {"    launch_template: demo-lt\n    instance_role: "
                  "demo-job\n"}},
        {.name = "r2_policy",
         .rule = "R2",
         .sev = E,
         .find = {"    policies: [demo-bucket]\n"
                  "    instance_profile"},
         .repl = {"    policies: [nope]\n"
                  "    instance_profile"}},
        {.name = "r3_group",
         .rule = "R3",
         .sev = E,
         .find = {"groups: [demo-users]"},
         .repl = {"groups: [nope]"}},
        {.name = "r4_launch_template",
         .rule = "R4",
         .sev = E,
         .find = {"launch_template: demo-lt"},
         .repl = {"launch_template: demo-nope"}},
        {.name = "r5_job_role_trust",
         .rule = "R5",
         .sev = E,
         .find = {"job_role: demo-job"},
         .repl = {"job_role: demo-instance"}},
        {.name = "r6_queue",
         .rule = "R6",
         .sev = E,
         .find = {"queue: demo-work\n    log_group"},
         .repl = {"queue: demo-nope\n    log_group"}},
        {.name = "r8_no_bucket", .rule = "R8", .sev = E, .mutate = no_bucket},
        /* names */
        {.name = "n1_bucket", .rule = "N1", .sev = E, .mutate = bucket_bad},
        {.name = "n2_bucket_dots",
         .rule = "N2",
         .sev = W,
         .mutate = bucket_dots},
        {.name = "n3_role_name", .rule = "N3", .sev = E, .mutate = role_long},
        {.name = "n4_case_insensitive",
         .rule = "N4",
         .sev = E,
         .mutate = role_case_dup},
        {.name = "n5_launch_template",
         .rule = "N5",
         .sev = E,
         .mutate = lt_bad_name},
        {.name = "n6_log_group",
         .rule = "N6",
         .sev = E,
         .mutate = log_bad_name},
        {.name = "n7_retention",
         .rule = "N7",
         .sev = E,
         .mutate = log_retention},
        {.name = "n9_policy_size",
         .rule = "N9",
         .sev = E,
         .mutate = huge_policy},
        {.name = "n8_user_groups",
         .rule = "N8",
         .sev = E,
         .find = {"groups: [demo-users]"},
         .repl = {"groups: [demo-users, demo-users, demo-users, demo-users, "
                  "demo-users, demo-users, demo-users, demo-users, demo-users, "
                  "demo-users, demo-users]"}},
        /* security */
        {.name = "s1_action_star",
         .rule = "S1",
         .sev = E,
         .find = {"[logs:GetLogEvents]"},
         .repl = {"[\"*\"]"}},
        {.name = "s1_service_star",
         .rule = "S1",
         .sev = W,
         .find = {"[logs:GetLogEvents]"},
         .repl = {"[\"logs:*\"]"}},
        {.name = "s2_resource_star",
         .rule = "S2",
         .sev = W,
         .find = {"\"log-group:/aws/batch/job:*\""},
         .repl = {"\"*\""}},
        /* S2 against the IAM service authorization reference: an action
         * with resource types warns on "*", one without passes. */
        {.name = "s2_batch_cancel_job",
         .rule = "S2",
         .sev = W,
         .find = {"[secretsmanager:ListSecrets]"},
         .repl = {"[sts:GetCallerIdentity, batch:CancelJob]"},
         .msg = "policy 'demo-bucket' allows 'batch:CancelJob' on resource "
                "'*' although the action supports resource-level "
                "permissions"},
        {.name = "s2_wildcard",
         .rule = "S2",
         .sev = W,
         .find = {"[secretsmanager:ListSecrets]"},
         .repl = {"[\"s3:GetObj*\"]"},
         .msg = "policy 'demo-bucket' allows 's3:GetObj*' (e.g. "
                "'s3:GetObject') on resource '*' although the action "
                "supports resource-level permissions"},
        {.name = "s2_star_only_pass",
         .rule = "S2",
         .sev = W,
         .absent = true,
         .find = {"[secretsmanager:ListSecrets]"},
         .repl = {"[sts:GetCallerIdentity, s3:ListAllMyBuckets, "
                  "ecr:GetAuthorizationToken, secretsmanager:ListSecrets]"}},
        {.name = "s2_deny_pass",
         .rule = "S2",
         .sev = W,
         .absent = true,
         .find = {"      - actions: [secretsmanager:ListSecrets]\n"},
         .repl = {"      - actions: [batch:CancelJob]\n"
                  "        effect: Deny\n"}},
        /* S7: actions that are not in the reference. */
        {.name = "s7_unknown_action",
         .rule = "S7",
         .sev = E,
         .find = {"[logs:GetLogEvents]"},
         .repl = {"[logs:GetLogEvent]"},
         .msg = "action 'logs:GetLogEvent' is not an action of service "
                "'logs', so iam refuses the policy"},
        {.name = "s7_unknown_service",
         .rule = "S7",
         .sev = E,
         .find = {"[logs:GetLogEvents]"},
         .repl = {"[logz:GetLogEvents]"},
         .msg = "action 'logz:GetLogEvents' names service 'logz', which "
                "iam does not know"},
        {.name = "s7_wildcard_matches_nothing",
         .rule = "S7",
         .sev = E,
         .find = {"[logs:GetLogEvents]"},
         .repl = {"[\"logs:GetLogEventz*\"]"},
         .msg = "action pattern 'logs:GetLogEventz*' matches no iam "
                "action"},
        {.name = "s7_pass",
         .rule = "S7",
         .sev = E,
         .absent = true,
         .find = {"[logs:GetLogEvents]"},
         .repl = {"[\"LOGS:getlogevents\", \"logs:Get*\", \"logs:*\"]"}},
        {.name = "s3_passrole_star",
         .rule = "S3",
         .sev = E,
         .find = {"\"role:demo-job\""},
         .repl = {"\"*\""}},
        {.name = "s3_passrole_wildcard",
         .rule = "S3",
         .sev = E,
         .find = {"\"role:demo-job\""},
         .repl = {"\"role:demo-*\""}},
        {.name = "s4_action_syntax",
         .rule = "S4",
         .sev = E,
         .find = {"[logs:GetLogEvents]"},
         .repl = {"[logsGetLogEvents]"}},
        {.name = "s5_effect", .rule = "S5", .sev = E, .mutate = effect_bad},
        {.name = "s6_no_resources",
         .rule = "S6",
         .sev = E,
         .mutate = no_resources,
         .restore = restore_resources},
        {.name = "s9_bucket_encryption",
         .rule = "S9",
         .sev = E,
         .mutate = bucket_enc},
        /* ARNs */
        {.name = "a1_partition",
         .rule = "A1",
         .sev = E,
         .find = {"\"role:demo-job\""},
         .repl = {"\"arn:aws-cn:iam::123456789012:role/demo-job\""},
         .msg = "arn 'arn:aws-cn:iam::123456789012:role/demo-job' is in "
                "partition 'aws-cn' but the profile's region is in 'aws'"},
        {.name = "a1_region_partition",
         .rule = "A1",
         .sev = E,
         .find = {"\"role:demo-job\""},
         .repl = {"\"arn:aws:logs:cn-north-1:123456789012:log-group:x\""}},
        {.name = "a1_unknown_region",
         .rule = "A1",
         .sev = E,
         .mutate = region_bad},
        {.name = "a2_trust", .rule = "A2", .sev = E, .mutate = trust_lambda},
        {.name = "a3_iam_region",
         .rule = "A3",
         .sev = E,
         .find = {"\"role:demo-job\""},
         .repl = {"\"arn:aws:iam:us-west-2:123456789012:role/demo-job\""}},
        {.name = "a4_s3_account",
         .rule = "A4",
         .sev = E,
         .find = {"\"role:demo-job\""},
         .repl = {"\"arn:aws:s3::123456789012:demo-lab-bucket\""}},
        {.name = "a4_list_bucket_on_objects",
         .rule = "A4",
         .sev = W,
         .find = {"resources: [bucket]"},
         .repl = {"resources: [bucket/*]"}},
        {.name = "a5_secret_suffix",
         .rule = "A5",
         .sev = W,
         .find = {"\"secret:NF_*\""},
         .repl = {"\"secret:NF_token\""}},
        {.name = "a5_pass",
         .rule = "A5",
         .sev = W,
         .absent = true,
         .find = {"\"secret:NF_*\""},
         .repl = {"\"secret:NF_token-??????\""}},
        {.name = "a6_log_group_suffix",
         .rule = "A6",
         .sev = E,
         .find = {"\"log-group:/aws/batch/job:*\""},
         .repl = {"\"log-group:/aws/batch/job:foo\""}},
        {.name = "a7_batch",
         .rule = "A7",
         .sev = E,
         .find = {"\"role:demo-job\""},
         .repl = {"\"arn:aws:batch:us-west-2:123456789012:queue/x\""}},
        {.name = "a8_kms",
         .rule = "A8",
         .sev = E,
         .find = {"\"role:demo-job\""},
         .repl = {"\"arn:aws:kms:us-west-2:123456789012:thing/x\""}},
        {.name = "a9_grammar",
         .rule = "A9",
         .sev = E,
         .find = {"\"role:demo-job\""},
         .repl = {"\"arn:aws:s3\""}},
        /* devices */
        {.name = "d1_device",
         .rule = "D1",
         .sev = E,
         .find = {"/dev/sdf"},
         .repl = {"/dev/xvdb"}},
        {.name = "d2_root_name",
         .rule = "D2",
         .sev = E,
         .find = {"device: /dev/xvda"},
         .repl = {"device: /dev/sda1"}},
        {.name = "d2_data_on_root",
         .rule = "D2",
         .sev = E,
         .find = {"/dev/sdf"},
         .repl = {"/dev/xvda"}},
        {.name = "d4_instance_store",
         .rule = "D4",
         .sev = W,
         .find = {"/dev/sdf"},
         .repl = {"/dev/sdc"}},
        {.name = "d5_nvme",
         .rule = "D5",
         .sev = E,
         .find = {"/dev/sdf"},
         .repl = {"/dev/nvme1n1"}},
        {.name = "d6_alias",
         .rule = "D6",
         .sev = E,
         .find = {"      - {device: /dev/sdf"},
         .repl = {"      - {device: /dev/xvdf, size_gib: 10}\n"
                  "      - {device: /dev/sdf"},
         .msg = "device '/dev/sdf' is the same slot as '/dev/xvdf' "
                "(/dev/sdX and /dev/xvdX alias)"},
        {.name = "d8_xvdcz",
         .rule = "D8",
         .sev = W,
         .find = {"/dev/sdf"},
         .repl = {"/dev/xvdcz"}},
        {.name = "d9_tool_range",
         .rule = "D9",
         .sev = W,
         .find = {"/dev/sdf"},
         .repl = {"/dev/xvdbb"}},
        {.name = "d9_pass_scratch_device",
         .rule = "D9",
         .sev = W,
         .absent = true},
        {.name = "d10_scratch_unmapped",
         .rule = "D10",
         .sev = E,
         .find = {"scratch: {kind: ebs-autoscale, device: /dev/xvdba}"},
         .repl = {"scratch: {kind: ebs-autoscale, device: /dev/xvdbc}"}},
        /* the scratch device obeys the mapping grammar too (D1) */
        {.name = "d1_scratch_device_sdba",
         .rule = "D1",
         .sev = E,
         .find = {"device: /dev/xvdba}"},
         .repl = {"device: /dev/sdba}"},
         .msg = "scratch device '/dev/sdba' is not a linux device name ec2 "
                "accepts in a mapping"},
        {.name = "d1_scratch_device_root",
         .rule = "D1",
         .sev = E,
         .find = {"device: /dev/xvdba}"},
         .repl = {"device: /dev/xvda}"},
         .msg = "scratch device '/dev/xvda' is not a data volume (it is the "
                "root device)"},
        /* volumes */
        {.name = "v1_st1_size",
         .rule = "V1",
         .sev = E,
         .find = {"size_gib: 500, type: st1"},
         .repl = {"size_gib: 100, type: st1"}},
        {.name = "v1_root_st1",
         .rule = "V1",
         .sev = E,
         .find = {"/dev/xvda, size_gib: 100}"},
         .repl = {"/dev/xvda, size_gib: 600, type: st1}"}},
        {.name = "v1_gp3_new_band",
         .rule = "V1",
         .sev = W,
         .find = {"/dev/xvdba, size_gib: 100}"},
         .repl = {"/dev/xvdba, size_gib: 20000}"}},
        {.name = "v2_iops_range",
         .rule = "V2",
         .sev = E,
         .find = {"/dev/xvdba, size_gib: 100}"},
         .repl = {"/dev/xvdba, size_gib: 1000, iops: 100000}"}},
        {.name = "v2_iops_new_band",
         .rule = "V2",
         .sev = W,
         .find = {"/dev/xvdba, size_gib: 100}"},
         .repl = {"/dev/xvdba, size_gib: 1000, iops: 20000}"}},
        {.name = "v2_iops_on_st1",
         .rule = "V2",
         .sev = E,
         .find = {"type: st1"},
         .repl = {"type: st1, iops: 3000"}},
        {.name = "v2_pass",
         .rule = "V2",
         .sev = E,
         .absent = true,
         .find = {"/dev/xvdba, size_gib: 100}"},
         .repl = {"/dev/xvdba, size_gib: 100, iops: 16000}"}},
        {.name = "v3_throughput_range",
         .rule = "V3",
         .sev = E,
         .find = {"/dev/xvdba, size_gib: 100}"},
         .repl = {"/dev/xvdba, size_gib: 100, throughput: 3000}"}},
        {.name = "v3_throughput_per_iops",
         .rule = "V3",
         .sev = E,
         .find = {"/dev/xvdba, size_gib: 100}"},
         .repl = {"/dev/xvdba, size_gib: 100, throughput: 1000}"}},
        {.name = "v3_pass",
         .rule = "V3",
         .sev = E,
         .absent = true,
         .find = {"/dev/xvdba, size_gib: 100}"},
         .repl = {"/dev/xvdba, size_gib: 100, throughput: 750}"}},
        {.name = "v4_delete_on_termination",
         .rule = "V4",
         .sev = W,
         .find = {"type: st1"},
         .repl = {"type: st1, delete_on_termination: false"}},
        {.name = "v5_unencrypted",
         .rule = "V5",
         .sev = E,
         .mutate = volume_unencrypted},
        /* launch templates and user data */
        {.name = "l5_stop",
         .rule = "L5",
         .sev = W,
         .find = {"  - name: demo-lt\n"},
         .repl = {"  - name: demo-lt\n    shutdown_behavior: stop\n"}},
        {.name = "l6_hop_limit_one",
         .rule = "L6",
         .sev = W,
         .find = {"  - name: demo-lt\n"},
         .repl = {"  - name: demo-lt\n    hop_limit: 1\n"}},
        {.name = "l6_hop_limit_range",
         .rule = "L6",
         .sev = E,
         .mutate = hop_limit_bad},
        {.name = "l8_btrfs_on_al2023",
         .rule = "L8",
         .sev = E,
         .find = {"device: /dev/xvdba}"},
         .repl = {"device: /dev/xvdba, filesystem: btrfs}"}},
        {.name = "l8_btrfs_progs",
         .rule = "L8",
         .sev = E,
         .find = {"    user_data:\n"},
         .repl = {"    user_data:\n      packages: [jq, btrfs-progs]\n"}},
        /* what userdata.c refused only at generation (issue 5) */
        {.name = "l8_scratch_mount",
         .rule = "L8",
         .sev = E,
         .find = {"device: /dev/xvdba}"},
         .repl = {"device: /dev/xvdba, mount: var/lib/docker}"},
         .msg = "scratch mount 'var/lib/docker' is not an absolute path of "
                "[A-Za-z0-9._-] names"},
        {.name = "l8_scratch_mount_dotdot",
         .rule = "L8",
         .sev = E,
         .find = {"device: /dev/xvdba}"},
         .repl = {"device: /dev/xvdba, mount: /var/lib/..}"}},
        {.name = "l9_latest_download",
         .rule = "L9",
         .sev = W,
         .find = {"    user_data:\n"},
         .repl = {"    user_data:\n      runcmd: [\"curl -LO "
                  "https://github.com/x/y/"
                  "releases/latest/download/y.tgz\"]\n"}},
        {.name = "l9_cli_version",
         .rule = "L9",
         .sev = E,
         .find = {"    user_data:\n"},
         .repl = {"    user_data:\n      aws_cli: {version: 2.x, sha256: "
                  "0000000000000000000000000000000000000000000000000000000000"
                  "000000}\n"},
         .msg = "aws_cli version '2.x' is not a release number"},
        {.name = "l9_cli_prefix",
         .rule = "L9",
         .sev = E,
         .find = {"    user_data:\n"},
         .repl = {"    user_data:\n      aws_cli: {version: 2.36.11, sha256: "
                  "0000000000000000000000000000000000000000000000000000000000"
                  "000000, prefix: \"/opt/aws cli\"}\n"}},
        {.name = "l9_cli_release_pass",
         .rule = "L9",
         .sev = E,
         .absent = true,
         .find = {"    user_data:\n"},
         .repl = {"    user_data:\n      aws_cli: {version: 2.36.11, sha256: "
                  "0000000000000000000000000000000000000000000000000000000000"
                  "000000}\n"}},
        {.name = "l9_pass", .rule = "L9", .sev = W, .absent = true},
        /* L9: a pin is a version and a sha-256, both or neither */
        {.name = "l9_cli_no_pin",
         .rule = "L9",
         .sev = E,
         .find = {"    user_data:\n"},
         .repl = {"    user_data:\n      aws_cli: {source: release}\n"},
         .msg = "aws_cli pins no build of the AWS CLI"},
        {.name = "l9_cli_half_pin",
         .rule = "L9",
         .sev = E,
         .find = {"    user_data:\n"},
         .repl = {"    user_data:\n      aws_cli: {version: 2.36.11}\n"},
         .msg = "aws_cli pins the x86_64 build with a version but no "
                "sha256"},
        {.name = "l9_cli_aarch64_sha",
         .rule = "L9",
         .sev = E,
         .find = {"    user_data:\n"},
         .repl = {"    user_data:\n      aws_cli: {version: 2.36.11, sha256: "
                  ZEROS ", aarch64: {version: 2.36.11, sha256: abc}}\n"},
         .msg = "aws_cli aarch64 sha256 'abc' is not 64 hex digits"},
        /* L12: Graviton compute environments need the aarch64 build
         * (demo-spot uses demo-lt) */
        {.name = "l12_arm64_without_aarch64",
         .rule = "L12",
         .sev = E,
         .find = {"    user_data:\n", "[c6a, m6a]"},
         .repl = {"    user_data:\n      aws_cli: {version: 2.36.11, sha256: "
                  ZEROS "}\n",
                  "[c6g, m6g]"},
         .msg = "launch template 'demo-lt' is used by compute environment "
                "'demo-spot', whose instance type 'c6g.12xlarge' is arm64, "
                "but aws_cli pins no aarch64 build"},
        {.name = "l12_arm64_with_aarch64",
         .rule = "L12",
         .sev = E,
         .absent = true,
         .find = {"    user_data:\n", "[c6a, m6a]"},
         .repl = {"    user_data:\n      aws_cli: {version: 2.36.11, sha256: "
                  ZEROS ", aarch64: {version: 2.36.11, sha256: " ZEROS
                  "}}\n",
                  "[c6g, m6g]"}},
        {.name = "l12_x86_64_without_x86_64",
         .rule = "L12",
         .sev = E,
         .find = {"    user_data:\n"},
         .repl = {"    user_data:\n      aws_cli: {aarch64: {version: "
                  "2.36.11, sha256: " ZEROS "}}\n"},
         .msg = "launch template 'demo-lt' is used by compute environment "
                "'demo-ondemand', whose instance type 'r6a.4xlarge' is "
                "x86_64, but aws_cli pins no x86_64 build"},
        /* L2: the size is only known once rendered; verify renders it */
        {.name = "l2_user_data_over_16k",
         .rule = "L2",
         .sev = E,
         .mutate = user_data_big},
        /* client configuration */
        {.name = "nf1_queue",
         .rule = "NF1",
         .sev = E,
         .find = {"  queue: demo-work\n  max_spot"},
         .repl = {"  queue: demo-nope\n  max_spot"}},
        {.name = "nf2_process_cpus",
         .rule = "NF2",
         .sev = E,
         .find = {"cpus: 8, memory_mib: 16000"},
         .repl = {"cpus: 500, memory_mib: 16000"}},
        {.name = "nf3_max_cpus",
         .rule = "NF3",
         .sev = E,
         .find = {"max_cpus: 64"},
         .repl = {"max_cpus: 1000"}},
        {.name = "nf3_max_memory",
         .rule = "NF3",
         .sev = E,
         .find = {"max_memory_mib: 100000"},
         .repl = {"max_memory_mib: 900000"}},
        {.name = "nf4_negative_spot_attempts",
         .rule = "NF4",
         .sev = E,
         .mutate = nf_spot_negative},
        /* Resources nothing uses (the base uses all of its own). */
        {.name = "r9_ce_in_no_queue",
         .rule = "R9",
         .sev = W,
         .find = {"job_queues:\n"},
         .repl = {"  - name: demo-spare\n    max_vcpus: 16\n"
                  "    instance_role: demo-instance\njob_queues:\n"},
         .msg = "compute environment 'demo-spare' is in no job queue, so "
                "no job runs on it"},
        {.name = "r10_lt_unused",
         .rule = "R10",
         .sev = W,
         .find = {"compute_environments:\n"},
         .repl = {"  - name: demo-spare-lt\ncompute_environments:\n"},
         .msg = "launch template 'demo-spare-lt' is used by no compute "
                "environment"},
        {.name = "r11_role_unused",
         .rule = "R11",
         .sev = W,
         .find = {", \"role:demo-fleet\""},
         .repl = {""},
         .msg = "role 'demo-fleet' is used by nothing in the profile: no "
                "compute environment, job definition or engine names it, "
                "and no policy lets anyone pass it"},
        {.name = "r11_role_passed_by_pattern",
         .rule = "R11",
         .sev = W,
         .absent = true,
         .find = {"\"role:demo-job\", \"role:demo-fleet\""},
         .repl = {"\"role:demo-*\""}},
        {.name = "r12_policy_unused",
         .rule = "R12",
         .sev = W,
         .find = {"roles:\n"},
         .repl = {"  - name: demo-spare-policy\n    statements:\n"
                  "      - actions: [s3:ListBucket]\n"
                  "        resources: [bucket]\nroles:\n"},
         .msg = "policy 'demo-spare-policy' is attached to no role, group "
                "or user"},
        {.name = "n12_open_data",
         .rule = "N12",
         .sev = E,
         .absent = true,
         .find = {"    instance_profile: true\n"},
         .repl = {"    instance_profile: true\n"
                  "    open_data: [1000genomes, broad-references]\n"}},
        {.name = "n12_open_data_wildcard",
         .rule = "N12",
         .sev = E,
         .find = {"    instance_profile: true\n"},
         .repl = {"    instance_profile: true\n"
                  "    open_data: [\"1000genomes*\"]\n"},
         .msg = "role 'demo-instance' reads open-data bucket "
                "'1000genomes*', which may only contain lowercase "
                "letters, digits, '.' and '-'"},
        {.name = "n12_open_data_too_many",
         .rule = "N12",
         .sev = E,
         .find = {"    instance_profile: true\n"},
         .repl = {"    instance_profile: true\n    open_data: [a-b]\n"},
         .mutate = open_data_many,
         .msg = "the open-data policy of role 'demo-instance' renders to "
                "about 10319 characters, more than the 10240 iam allows "
                "for a role's inline policies"},
        {.name = "nf4_spot_attempts_10",
         .rule = "NF4",
         .sev = E,
         .absent = true,
         .find = {"max_spot_attempts: 3"},
         .repl = {"max_spot_attempts: 10"}},
        {.name = "nf4_spot_attempts_11",
         .rule = "NF4",
         .sev = E,
         .mutate = nf_spot_attempts_11},
        {.name = "nf11_spot_fallback",
         .rule = "NF11",
         .sev = E,
         .absent = true,
         .find = {"  max_spot_attempts: 3\n"},
         .repl = {"  spot_fallback: {queue: demo-head, after_attempts: 2}\n"}},
        {.name = "nf11_fallback_reaches_spot",
         .rule = "NF11",
         .sev = E,
         .find = {"  max_spot_attempts: 3\n"},
         .repl = {"  spot_fallback: {queue: demo-work}\n"},
         .msg = "spot_fallback queue 'demo-work' reaches spot compute "
                "environment 'demo-spot', so a task moved there can be "
                "reclaimed again"},
        {.name = "nf11_fallback_from_on_demand",
         .rule = "NF11",
         .sev = E,
         .find = {"  queue: demo-work\n  max_spot_attempts: 3\n"},
         .repl = {"  queue: demo-gpu\n  spot_fallback: {queue: demo-head}\n"},
         .msg = "nextflow queue 'demo-gpu' reaches no spot compute "
                "environment, so spot_fallback has no spot attempts to "
                "fall back from"},
        /* A process without its own queue may run on either queue. */
        {.name = "nf2_fallback_too_small",
         .rule = "NF2",
         .sev = E,
         .find = {"  max_spot_attempts: 3\n",
                  "instance_types: [r6a.large, r6a.4xlarge]"},
         .repl = {"  spot_fallback: {queue: demo-head}\n",
                  "instance_types: [r6a.large]"}},
        {.name = "nf12_retries_ok",
         .rule = "NF12",
         .sev = E,
         .absent = true,
         .find = {"  max_spot_attempts: 3\n"},
         .repl = {"  spot_fallback: {queue: demo-head, after_attempts: 2, "
                  "max_retries: 2}\n"}},
        {.name = "nf12_retries_below",
         .rule = "NF12",
         .sev = E,
         .find = {"  max_spot_attempts: 3\n"},
         .repl = {"  spot_fallback: {queue: demo-head, after_attempts: 3, "
                  "max_retries: 2}\n"}},
        {.name = "nf12_after_attempts_11",
         .rule = "NF12",
         .sev = E,
         .find = {"  max_spot_attempts: 3\n"},
         .repl = {"  spot_fallback: {queue: demo-head}\n"},
         .mutate = nf_after_attempts_11},
        {.name = "nf5_cli_path_bin",
         .rule = "NF5",
         .sev = W,
         .find = {"/usr/local/aws-cli/v2/current/bin/aws"},
         .repl = {"/usr/bin/aws"}},
        {.name = "nf5_cli_path_relative",
         .rule = "NF5",
         .sev = E,
         .find = {"/usr/local/aws-cli/v2/current/bin/aws"},
         .repl = {"bin/aws"}},
        {.name = "nf6_retry_mode",
         .rule = "NF6",
         .sev = E,
         .mutate = nf_retry_mode},
        {.name = "nf8_head_without_role",
         .rule = "NF8",
         .sev = E,
         .find = {"  - name: demo-gpu-job\n"},
         .repl = {"  - name: demo-nf-head\n    image: nextflow/nextflow:24.10.4\n    queue: demo-head\n" "  - name: demo-gpu-job\n"},
         .msg = "head job 'demo-nf-head' has no job_role: it would run "
                "with the instance role and could not submit its tasks"},
        {.name = "nf8_head_role_without_batch",
         .rule = "NF8",
         .sev = E,
         .find = {"  - name: demo-gpu-job\n"},
         .repl = {"  - name: demo-nf-head\n    image: nextflow/nextflow:24.10.4\n    queue: demo-head\n" "    job_role: demo-job\n  - name: demo-gpu-job\n"},
         .msg = "head job role 'demo-job' does not allow what the Nextflow "
                "AWS Batch executor calls: batch:DescribeJobQueues, "
                "batch:CancelJob, batch:SubmitJob, batch:ListJobs, "
                "batch:DescribeComputeEnvironments, batch:TerminateJob, "
                "batch:DescribeJobs, batch:RegisterJobDefinition, "
                "batch:DescribeJobDefinitions"},
        {.name = "nf8_head_role_other_queue",
         .rule = "NF8",
         .sev = E,
         .find = {"  - name: demo-gpu-job\n",
                  "      - actions: [secretsmanager:ListSecrets]\n"},
         .repl = {"  - name: demo-nf-head\n    image: nextflow/nextflow:24.10.4\n    queue: demo-head\n" "    job_role: demo-job\n  - name: demo-gpu-job\n",
                  "      - actions: [\"batch:*\"]\n"
                  "        resources: [\"batch:job-queue/demo-head\"]\n"
                  "      - actions: [secretsmanager:ListSecrets]\n"},
         .msg = "head job role 'demo-job' cannot submit to queue "
                "'demo-work'"},
        {.name = "nf8_pass",
         .rule = "NF8",
         .sev = E,
         .absent = true,
         .find = {"  - name: demo-gpu-job\n",
                  "      - actions: [secretsmanager:ListSecrets]\n"},
         .repl = {"  - name: demo-nf-head\n    image: nextflow/nextflow:24.10.4\n    queue: demo-head\n" "    job_role: demo-job\n  - name: demo-gpu-job\n",
                  "      - actions: [\"batch:*\"]\n"
                  "        resources: [\"batch:job-queue/demo-*\", "
                  "\"batch:job-definition/nf-*\", \"batch:job/*\"]\n"
                  "      - actions: [secretsmanager:ListSecrets]\n"}},
        {.name = "cr1_missing_section",
         .rule = "CR1",
         .sev = E,
         .mutate = engine_cromwell,
         .msg = "engine is cromwell but the profile has no cromwell "
                "section"},
        {.name = "cr1_unknown_queue",
         .rule = "CR1",
         .sev = E,
         .find = {"engine: nextflow\n"},
         .repl = {"cromwell:\n  queue: nope\nengine: nextflow\n"},
         .msg = "cromwell uses queue 'nope', which the profile does not "
                "define"},
        {.name = "cr1_no_account_id",
         .rule = "CR1",
         .sev = E,
         .find = {"account_id: \"123456789012\"\n", "engine: nextflow\n"},
         .repl = {"", "cromwell:\n  queue: demo-work\n" "engine: nextflow\n"},
         .msg = "cromwell needs the profile's account_id: its AWS Batch "
                "backend takes the job queue as an ARN (queueArn)"},
        {.name = "cr1_bad_root_prefix",
         .rule = "CR1",
         .sev = E,
         .find = {"engine: nextflow\n"},
         .repl = {"cromwell:\n  queue: demo-work\n" "  root_prefix: \"runs//x\"\nengine: nextflow\n"},
         .msg = "root_prefix 'runs//x' is not a relative S3 key prefix of "
                "[A-Za-z0-9._-] segments"},
        {.name = "cr1_pass",
         .rule = "CR1",
         .sev = E,
         .absent = true,
         .find = {"engine: nextflow\n"},
         .repl = {"cromwell:\n  queue: demo-work\n" "engine: nextflow\n"}},
        {.name = "cr2_instance_role_outside_root",
         .rule = "CR2",
         .sev = E,
         .find = {"[s3:GetObject, s3:PutObject]\n        resources: "
                  "[bucket/*]", "engine: nextflow\n"},
         .repl = {"[s3:GetObject, s3:PutObject]\n        resources: "
                  "[bucket/other/*]", "cromwell:\n  queue: demo-work\n" "engine: nextflow\n"},
         .msg = "instance role 'demo-instance' of compute environment "
                "'demo-spot' cannot s3:GetObject under Cromwell's root "
                "'s3://demo-lab-bucket/cromwell-execution/', which its "
                "tasks use"},
        {.name = "cr2_pass",
         .rule = "CR2",
         .sev = E,
         .absent = true,
         .find = {"engine: nextflow\n"},
         .repl = {"cromwell:\n  queue: demo-work\n" "engine: nextflow\n"}},
        {.name = "sm1_missing_section",
         .rule = "SM1",
         .sev = E,
         .mutate = engine_snakemake,
         .msg = "engine is snakemake but the profile has no snakemake "
                "section"},
        {.name = "sm1_unknown_queue",
         .rule = "SM1",
         .sev = E,
         .find = {"engine: nextflow\n"},
         .repl = {"snakemake:\n  queue: nope\n  job_role: demo-job\n"
                  "engine: nextflow\n"},
         .msg = "snakemake uses queue 'nope', which the profile does not "
                "define"},
        {.name = "sm1_unknown_role",
         .rule = "SM1",
         .sev = E,
         .find = {"engine: nextflow\n"},
         .repl = {"snakemake:\n  queue: demo-work\n  job_role: nope\n"
                  "engine: nextflow\n"},
         .msg = "snakemake uses job role 'nope', which the profile does "
                "not define"},
        {.name = "sm1_no_account_id",
         .rule = "SM1",
         .sev = E,
         .find = {"account_id: \"123456789012\"\n", "engine: nextflow\n"},
         .repl = {"", "snakemake:\n  queue: demo-work\n  job_role: demo-job\n" "engine: nextflow\n"},
         .msg = "snakemake needs the profile's account_id: the AWS Batch "
                "executor plugin takes the job role as an ARN"},
        {.name = "sm1_absolute_prefix",
         .rule = "SM1",
         .sev = E,
         .find = {"engine: nextflow\n"},
         .repl = {"snakemake:\n  queue: demo-work\n  job_role: demo-job\n" "  storage_prefix: /runs/\nengine: nextflow\n"},
         .msg = "storage_prefix '/runs/' is not a relative S3 key prefix "
                "of [A-Za-z0-9._-] segments"},
        {.name = "sm1_pass",
         .rule = "SM1",
         .sev = E,
         .absent = true,
         .find = {"engine: nextflow\n"},
         .repl = {"snakemake:\n  queue: demo-work\n  job_role: demo-job\n" "  storage_prefix: lab/runs\n  jobs: 4\n"
                  "engine: nextflow\n"}},
        {.name = "sm2_queue_reaches_nothing",
         .rule = "SM2",
         .sev = E,
         .find = {"compute_environments: [demo-spot]\n",
                  "engine: nextflow\n"},
         .repl = {"compute_environments: [nope]\n",
                  "snakemake:\n  queue: demo-work\n  job_role: demo-job\n" "engine: nextflow\n"},
         .msg = "snakemake queue 'demo-work' reaches no compute environment "
                "the profile defines, so its jobs would never run"},
        {.name = "sm2_pass",
         .rule = "SM2",
         .sev = E,
         .absent = true,
         .find = {"engine: nextflow\n"},
         .repl = {"snakemake:\n  queue: demo-work\n  job_role: demo-job\n" "engine: nextflow\n"}},
        {.name = "sm3_role_not_ecs_tasks",
         .rule = "SM3",
         .sev = E,
         .find = {"engine: nextflow\n"},
         .repl = {"snakemake:\n  queue: demo-work\n  job_role: "
                  "demo-instance\nengine: nextflow\n"},
         .msg = "snakemake job role 'demo-instance' is not trusted by "
                "ecs-tasks, so Batch jobs cannot assume it"},
        {.name = "sm3_objects_outside_prefix",
         .rule = "SM3",
         .sev = E,
         .find = {"[s3:GetObject, s3:PutObject]\n        resources: "
                  "[bucket/*]", "engine: nextflow\n"},
         .repl = {"[s3:GetObject, s3:PutObject]\n        resources: "
                  "[bucket/other/*]", "snakemake:\n  queue: demo-work\n  job_role: demo-job\n" "engine: nextflow\n"},
         .msg = "snakemake job role 'demo-job' cannot s3:PutObject under the "
                "storage prefix 's3://demo-lab-bucket/snakemake/'"},
        {.name = "sm3_no_list_bucket",
         .rule = "SM3",
         .sev = E,
         .find = {"actions: [s3:ListBucket]", "engine: nextflow\n"},
         .repl = {"actions: [s3:GetBucketLocation]",
                  "snakemake:\n  queue: demo-work\n  job_role: demo-job\n" "engine: nextflow\n"},
         .msg = "snakemake job role 'demo-job' cannot list the bucket "
                "'demo-lab-bucket'"},
        {.name = "sm3_prefix_wildcard_pass",
         .rule = "SM3",
         .sev = E,
         .absent = true,
         .find = {"[s3:GetObject, s3:PutObject]\n        resources: "
                  "[bucket/*]", "engine: nextflow\n"},
         .repl = {"[\"s3:Get*\", s3:PutObject]\n        resources: "
                  "[bucket/runs/*]", "snakemake:\n  queue: demo-work\n"
                  "  job_role: demo-job\n  storage_prefix: runs\n"
                  "engine: nextflow\n"}},
        {.name = "ns1_missing_section",
         .rule = "NS1",
         .sev = E,
         .mutate = engine_nextstrain},
        {.name = "ns1_unknown_job_definition",
         .rule = "NS1",
         .sev = E,
         .find = {"engine: nextflow\n"},
         .repl = {"nextstrain:\n  job_definition: nope\n  queue: demo-work\n"
                  "engine: nextflow\n"}},
        {.name = "ns2_cpus",
         .rule = "NS2",
         .sev = E,
         .find = {"engine: nextflow\n"},
         .repl = {"nextstrain:\n  job_definition: demo-job\n  queue: "
                  "demo-work\n"
                  "  cpus: 500\nengine: nextflow\n"}},
        {.name = "ns2_pass",
         .rule = "NS2",
         .sev = E,
         .absent = true,
         .find = {"engine: nextflow\n"},
         .repl = {"nextstrain:\n  job_definition: demo-job\n  queue: "
                  "demo-work\n"
                  "  cpus: 16\n  memory_mib: 30000\nengine: nextflow\n"}},
};

/* ---- the runner ------------------------------------------------------------
 */

static void run_row(void **state)
{
	const struct row *r = *state;
	char *yaml = gw_xstrdup(base_yaml);
	for (size_t i = 0; i < REPLACEMENTS && r->find[i]; i++) {
		char *next = rows_patch(yaml, r->find[i], r->repl[i]);
		free(yaml);
		yaml = next;
	}
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_model *m =
	        gw_profile_load_string(yaml, strlen(yaml), "t.yaml", &d);
	if (!m) {
		gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
		fail_msg("the loader refused the profile of '%s'", r->name);
	}
	if (r->mutate) {
		r->mutate(m);
	}
	/* As 'gwgen verify' does: the rules, then what only rendering shows
	 * (the user data's size, the template's limits). */
	bool ok = gw_verify_model(m, &d);
	if (ok) {
		struct gw_files files;
		gw_files_init(&files);
		ok = gw_pipeline_render(m, gw_templates_builtin(), false,
		                        &files, &d);
		gw_files_finish(&files);
	}
	size_t n = rows_count(&d, r->rule, r->sev, r->msg);
	if (r->absent ? n != 0 : n == 0) {
		gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
		fail_msg("%s: rule %s (%s) %s", r->name, r->rule,
		         gw_severity_name(r->sev),
		         r->absent ? "fired on a passing profile"
		                   : "did not fire");
	}
	/* The return value says whether there was an error. */
	assert_true(ok == (d.n_errors == 0));
	if (r->restore) {
		r->restore(m);
	}
	gw_model_destroy(m);
	gw_diags_finish(&d);
	free(yaml);
}

static void test_verify_base_is_clean(void **state)
{
	(void)state;
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_model *m = gw_profile_load_string(
	        base_yaml, strlen(base_yaml), "t.yaml", &d);
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

/* Locations point at the offending value, with the hint as a note. */
static void test_verify_location_and_hint(void **state)
{
	(void)state;
	char *yaml = rows_patch(base_yaml, "log_group: /aws/batch/demo",
	                   "log_group: /aws/batch/other");
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_model *m =
	        gw_profile_load_string(yaml, strlen(yaml), "t.yaml", &d);
	assert_non_null(m);
	assert_true(gw_verify_model(m, &d));
	const struct gw_diag *g = NULL;
	for (size_t i = 0; i < d.n; i++) {
		if (d.v[i].rule && strcmp(d.v[i].rule, "J8") == 0) {
			g = &d.v[i];
		}
	}
	assert_non_null(g);
	assert_int_equal(g->sev, GW_SEV_WARNING);
	assert_string_equal(g->loc.file, "t.yaml");
	const char *line = strstr(yaml, "    log_group: /aws/batch/other");
	unsigned want = 1;
	for (const char *p = yaml; p < line; p++) {
		want += *p == '\n';
	}
	assert_int_equal(g->loc.line, want);
	assert_int_equal(g->loc.col, strlen("    log_group: ") + 1);
	assert_string_equal(
	        g->msg,
	        "job definition 'demo-job' logs to "
	        "'/aws/batch/other', which the profile does not create");
	assert_string_equal(g->hint, "define it under 'log_groups:'");
	gw_model_destroy(m);
	gw_diags_finish(&d);
	free(yaml);
}

/* ---- user data -------------------------------------------------------------
 */

#define MIME_HEAD                                                              \
	"MIME-Version: 1.0\n"                                                  \
	"Content-Type: multipart/mixed; boundary=\"==B==\"\n"                  \
	"\n"

static size_t user_data_count(const char *text, const char *rule,
                              enum gw_severity sev)
{
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_loc at = {"ud", 1, 1};
	bool ok = gw_verify_user_data(text, strlen(text), at, &d);
	assert_true(ok == (d.n_errors == 0));
	size_t n = rows_count(&d, rule, sev, NULL);
	gw_diags_finish(&d);
	return n;
}

/* The S2 hint names the action's resource type and its ARN; S7 offers the
 * closest action. */
static void test_verify_iam_hints(void **state)
{
	(void)state;
	static const struct {
		const char *repl, *rule, *hint;
	} cases[] = {
	        {"[batch:CancelJob]", "S2",
	         "scope it to job ARNs: "
	         "arn:aws:batch:us-west-2:123456789012:job/*, e.g. 'job:*'"},
	        {"[ec2:AttachVolume]", "S2",
	         "scope it to instance and volume ARNs: "
	         "arn:aws:ec2:us-west-2:123456789012:instance/*, "
	         "arn:aws:ec2:us-west-2:123456789012:volume/*, "
	         "e.g. 'ec2:instance/*'"},
	        {"[s3:PutObject]", "S2", NULL},
	        {"[batch:CancelJobs]", "S7", "did you mean 'batch:CancelJob'?"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *yaml = rows_patch(base_yaml, "[secretsmanager:ListSecrets]",
		                   cases[i].repl);
		struct gw_diags d;
		gw_diags_init(&d);
		struct gw_model *m = gw_profile_load_string(yaml, strlen(yaml),
		                                            "t.yaml", &d);
		assert_non_null(m);
		gw_verify_model(m, &d);
		const struct gw_diag *g = NULL;
		for (size_t j = 0; j < d.n; j++) {
			if (d.v[j].rule && !strcmp(d.v[j].rule, cases[i].rule)) {
				g = &d.v[j];
			}
		}
		assert_non_null(g);
		assert_non_null(g->hint);
		if (cases[i].hint) {
			assert_string_equal(g->hint, cases[i].hint);
		} else {
			/* Objects: the profile's own form for them. */
			assert_non_null(strstr(g->hint, "e.g. 'bucket/*'"));
		}
		gw_model_destroy(m);
		gw_diags_finish(&d);
		free(yaml);
	}
}

static void test_verify_user_data_mime(void **state)
{
	(void)state;
	const char *good = MIME_HEAD
	        "--==B==\n"
	        "Content-Type: text/x-shellscript; charset=\"us-ascii\"\n"
	        "\n"
	        "#!/bin/bash\n"
	        "echo hi\n"
	        "\n"
	        "--==B==--\n";
	assert_int_equal(user_data_count(good, "L1", GW_SEV_ERROR), 0);
	assert_int_equal(user_data_count(good, "L1", GW_SEV_WARNING), 0);
	assert_int_equal(
	        user_data_count("#!/bin/bash\necho hi\n", "L1", GW_SEV_ERROR),
	        1);
	const char *no_close = MIME_HEAD "--==B==\n"
	                                 "Content-Type: text/x-shellscript\n"
	                                 "\n"
	                                 "echo hi\n";
	assert_int_equal(user_data_count(no_close, "L1", GW_SEV_ERROR), 1);
	const char *no_type = MIME_HEAD "--==B==\n"
	                                "\n"
	                                "echo hi\n"
	                                "\n"
	                                "--==B==--\n";
	assert_int_equal(user_data_count(no_type, "L1", GW_SEV_ERROR), 1);
	const char *no_version =
	        "Content-Type: multipart/mixed; boundary=\"==B==\"\n\n"
	        "--==B==\nContent-Type: text/x-shellscript\n\necho\n\n"
	        "--==B==--\n";
	assert_int_equal(user_data_count(no_version, "L1", GW_SEV_ERROR), 1);
}

static void test_verify_user_data_size(void **state)
{
	(void)state;
	size_t n = GW_LIM_USER_DATA_MAX + 1;
	char *big = gw_xmalloc(n + 1);
	memset(big, '#', n);
	big[n] = '\0';
	assert_int_equal(user_data_count(big, "L2", GW_SEV_ERROR), 1);
	big[GW_LIM_USER_DATA_MAX] = '\0';
	assert_int_equal(user_data_count(big, "L2", GW_SEV_ERROR), 0);
	free(big);
}

static void test_verify_user_data_boothook(void **state)
{
	(void)state;
	const char *bare = MIME_HEAD
	        "--==B==\nContent-Type: text/cloud-boothook\n\nmkfs /dev/x\n\n"
	        "--==B==--\n";
	const char *guarded = MIME_HEAD
	        "--==B==\nContent-Type: text/cloud-boothook\n\n"
	        "cloud-init-per once scratch mkfs /dev/x\n\n--==B==--\n";
	assert_int_equal(user_data_count(bare, "L7", GW_SEV_WARNING), 1);
	assert_int_equal(user_data_count(guarded, "L7", GW_SEV_WARNING), 0);
	const char *latest = MIME_HEAD
	        "--==B==\nContent-Type: text/x-shellscript\n\n"
	        "curl -O "
	        "https://awscli.amazonaws.com/awscli-exe-linux-x86_64.zip"
	        "\n\n--==B==--\n";
	const char *pinned =
	        MIME_HEAD "--==B==\nContent-Type: text/x-shellscript\n\n"
	                  "curl -O https://awscli.amazonaws.com/"
	                  "awscli-exe-linux-x86_64-2.22.0.zip\n\n--==B==--\n";
	assert_int_equal(user_data_count(latest, "L9", GW_SEV_WARNING), 1);
	assert_int_equal(user_data_count(pinned, "L9", GW_SEV_WARNING), 0);
}




/* 'gwgen verify' after the rules: render and check in memory. */
static bool render_and_check(const struct gw_model *m, struct gw_diags *d)
{
	struct gw_files files;
	gw_files_init(&files);
	bool ok = gw_pipeline_render(m, gw_templates_builtin(), false, &files,
	                             d);
	gw_files_finish(&files);
	return ok;
}


/* A profile with 'n' log groups named /gwgen/test/FILL-NNNN. */
static char *log_group_profile(const char *name, size_t n, size_t fill)
{
	struct gw_buf b;
	gw_buf_init(&b);
	gw_buf_printf(&b, "name: %s\ndescription: t\nregion: us-west-2\n"
	                  "log_groups:\n", name);
	for (size_t i = 0; i < n; i++) {
		gw_buf_puts(&b, "  - name: /gwgen/test/");
		for (size_t k = 0; k < fill; k++) {
			gw_buf_putc(&b, 'x');
		}
		gw_buf_printf(&b, "-%04zu\n", i);
	}
	return gw_buf_detach(&b, NULL);
}

/*
 * The check stage holds the rendered template to CloudFormation's limits
 * (C1, C2): over 51,200 bytes is a warning (deploy.sh stages it in S3,
 * which the README says); over the 200 outputs CloudFormation accepts is
 * an error and nothing is kept. Diagnostics name
 * out/NAME/cloudformation.yaml.
 */
static void test_check_stage_holds_template_limits(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		size_t groups, fill;
		bool ok;
		const char *rule;
		enum gw_severity sev;
	} cases[] = {
	        /* 90 groups with long names: ~130 KB, 180 outputs. */
	        {"wide", 90, 200, true, "C1", GW_SEV_WARNING},
	        /* Two outputs per log group: 101 groups exceed 200. */
	        {"many", 101, 1, false, "C2", GW_SEV_ERROR},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *yaml = log_group_profile(cases[i].name, cases[i].groups,
		                               cases[i].fill);
		struct gw_diags d;
		gw_diags_init(&d);
		struct gw_model *m = gw_profile_load_string(yaml, strlen(yaml),
		                                            "t.yaml", &d);
		assert_non_null(m);
		assert_true(gw_verify_model(m, &d));
		struct gw_files files;
		gw_files_init(&files);
		bool ok = gw_pipeline_render(m, gw_templates_builtin(), false,
		                             &files, &d);
		assert_true(ok == cases[i].ok);
		char want[64];
		snprintf(want, sizeof(want), "out/%s/cloudformation.yaml",
		         cases[i].name);
		size_t n = 0;
		for (size_t j = 0; j < d.n; j++) {
			const struct gw_diag *g = &d.v[j];
			if (g->rule && !strcmp(g->rule, cases[i].rule) &&
			    g->sev == cases[i].sev) {
				assert_string_equal(g->loc.file, want);
				n++;
			}
		}
		assert_true(n >= 1);
		if (ok) {
			const struct gw_file *f =
			        gw_files_find(&files, "README.md");
			assert_non_null(f);
			/* The summary says what C1 means for deploying. */
			assert_non_null(strstr(f->data,
			                       "needs a staging bucket"));
		} else {
			assert_int_equal(files.n, 0);
		}
		gw_files_finish(&files);
		gw_model_destroy(m);
		gw_diags_finish(&d);
		free(yaml);
	}
}

/*
 * Issue 5: 'gwgen verify' refuses what generation refuses. Profiles that
 * gw_verify_model accepts but whose rendered template CloudFormation
 * refuses fail the check stage with the rendered template's error;
 * the base profile passes it.
 */
static void test_verify_generation(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		size_t groups, fill;
		bool ok;
		const char *rule;
	} cases[] = {
	        /* 101 log groups: two outputs each, more than 200 */
	        {"many", 101, 1, false, "C2"},
	        /* a 300-character name: its logical ID passes 255 */
	        {"longid", 1, 300, false, "C3"},
	        {"few", 3, 1, true, NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *yaml = log_group_profile(cases[i].name, cases[i].groups,
		                               cases[i].fill);
		struct gw_diags d;
		gw_diags_init(&d);
		struct gw_model *m = gw_profile_load_string(yaml, strlen(yaml),
		                                            "t.yaml", &d);
		assert_non_null(m);
		assert_true(gw_verify_model(m, &d));
		bool ok = render_and_check(m, &d);
		if (ok != cases[i].ok) {
			gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
			fail_msg("%s: render and check gave %d", cases[i].name,
			         ok);
		}
		assert_int_equal(d.n_errors, ok ? 0 : 1);
		for (size_t j = 0; !ok && j < d.n; j++) {
			if (d.v[j].sev == GW_SEV_ERROR) {
				assert_string_equal(d.v[j].rule, cases[i].rule);
			}
		}
		gw_model_destroy(m);
		gw_diags_finish(&d);
		free(yaml);
	}
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_model *m =
	        gw_profile_load_string(base_yaml, strlen(base_yaml), "t.yaml", &d);
	assert_non_null(m);
	assert_true(gw_verify_model(m, &d));
	assert_true(render_and_check(m, &d));
	assert_int_equal(d.n_errors, 0);
	gw_model_destroy(m);
	gw_diags_finish(&d);
}






int main(void)
{
	static const struct CMUnitTest fixed[] = {
	        cmocka_unit_test(test_verify_base_is_clean),
	        cmocka_unit_test(test_verify_location_and_hint),
	        cmocka_unit_test(test_verify_iam_hints),
	        cmocka_unit_test(test_verify_user_data_mime),
	        cmocka_unit_test(test_verify_user_data_size),
	        cmocka_unit_test(test_verify_user_data_boothook),
	        cmocka_unit_test(test_check_stage_holds_template_limits),
	        cmocka_unit_test(test_verify_generation),
	};
	/* The fixed tests, then one per row (the count follows the tables). */
	struct CMUnitTest tests[GW_ARRAY_LEN(fixed) + GW_ARRAY_LEN(rows)];
	size_t n = 0;
	for (size_t i = 0; i < GW_ARRAY_LEN(fixed); i++) {
		tests[n++] = fixed[i];
	}
	for (size_t i = 0; i < GW_ARRAY_LEN(rows); i++) {
		tests[n++] = (struct CMUnitTest){
		        .name = rows[i].name,
		        .test_func = run_row,
		        .initial_state = (void *)&rows[i],
		};
	}
	return _cmocka_run_group_tests("verify", tests, n, NULL, NULL);
}
