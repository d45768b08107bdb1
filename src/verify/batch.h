/* SPDX-License-Identifier: MIT */
/*
 * The job queue (Q*) and job definition (J*, R5, R6) rules: one rule
 * function each over neutral facts, and the adapters that fill the facts
 * from a profile's model (queue.c, job.c: gw_batch_model_*) or from a
 * CloudFormation template (gw_batch_cfn_*). Facts carry the owner's name
 * (profile name or logical ID) and the keys as the input spells them
 * ('max_vcpus' / 'MaxvCpus'), so one message serves both.
 */
#ifndef GW_BATCH_H
#define GW_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "aws_limits.h"
#include "catalog.h"
#include "diag.h"
#include "facts.h"
#include "rules.h"

struct gw_vctx;
struct gw_cfn;

/* Entries of a queue's compute environment order kept as facts: a queue
 * takes GW_LIM_QUEUE_CES_MAX, longer lists are counted (Q1) and their
 * first entries checked. */
#define GW_BATCH_QUEUE_CES_MAX (GW_LIM_QUEUE_CES_MAX * 4)
/* JobStateTimeLimitActions entries and EvaluateOnExit entries kept. */
#define GW_BATCH_TIME_LIMITS_MAX 16
#define GW_BATCH_EXITS_MAX 16
/* Longest "reachable through queue ..." phrase of a fit message. */
#define GW_BATCH_WHERE_BYTES 640

/* One entry of a queue's compute environment order. */
struct gw_queue_ce_facts {
	const char *ce;  /* name, logical ID or ARN as written; NULL if unknown */
	struct gw_loc at;
	bool has_order;  /* a literal order */
	long long order;
	struct gw_loc order_at;
	bool defined;    /* the input defines it (or may: a parameter, an ARN) */
	enum gw_ce_type type; /* GW_CE_UNKNOWN when not known */
	bool arch[GW_ARCH_ARM64 + 1]; /* architectures of its instance types */
};

/* One JobStateTimeLimitActions entry (the profile's runnable_timeout). */
struct gw_time_limit_facts {
	bool has_seconds;
	long long seconds;
	struct gw_loc seconds_at;
	const char *action, *state, *reason; /* NULL: not given or not literal */
	struct gw_loc action_at, state_at, reason_at;
};

struct gw_queue_facts {
	const char *owner; /* the queue's name or logical ID */
	struct gw_loc at;
	const char *input; /* "the profile" / "the template", for Q9 */
	const char *ce_hint; /* Q9: where compute environments are defined */
	/* Q1-Q3, Q8, Q9: the compute environment order */
	const char *k_ces; /* "compute_environments" / "ComputeEnvironmentOrder" */
	struct gw_loc ces_at;
	size_t n_ces; /* entries listed; the first GW_BATCH_QUEUE_CES_MAX kept */
	bool ces_optional; /* another order (ServiceEnvironmentOrder) is given */
	struct gw_queue_ce_facts ces[GW_BATCH_QUEUE_CES_MAX];
	/* Q4 */
	const char *k_priority; /* "priority" / "Priority" */
	bool has_priority; /* a literal priority */
	bool priority_missing; /* required and absent (templates) */
	long long priority;
	struct gw_loc priority_at;
	/* Q8 */
	bool head; /* runs workflow head jobs (profiles) */
	struct gw_loc head_at;
	bool spot_only_note; /* note a spot-only queue */
	bool no_spot_retries; /* nextflow's maxSpotAttempts is 0 (profiles) */
	/* Q6 */
	const char *k_timeout; /* "runnable_timeout" / "MaxTimeSeconds" */
	bool timeout_zero_is_none; /* 0 means no time limit (profiles) */
	size_t n_time_limits;
	struct gw_time_limit_facts time_limits[GW_BATCH_TIME_LIMITS_MAX];
};

/* Q1-Q4, Q6, Q8, Q9 on one queue. */
void gw_rule_queue(struct gw_rule_ctx *rc, const struct gw_queue_facts *q);

/* Q4: queues that share a compute environment have distinct priorities
 * ('q', 'n' queues in input order). */
void gw_rule_queue_priorities(struct gw_rule_ctx *rc,
                              const struct gw_queue_facts *q, size_t n);

/* One EvaluateOnExit entry. */
struct gw_exit_facts {
	bool has_action;
	const char *action; /* NULL when not literal */
	struct gw_loc at, action_at;
};

struct gw_job_facts {
	const char *owner; /* the job definition's name or logical ID */
	struct gw_loc at;
	/* J1: the name when it is set and one line; 'name_why' from
	 * gw_names_batch_error */
	const char *name;
	const char *name_why;
	struct gw_loc name_at;
	const char *image; /* J9 */
	struct gw_loc image_at;
	/* J2 */
	const char *k_vcpus, *k_memory; /* "vcpus" / "VCPU", ... */
	bool has_vcpus, has_memory;
	long long vcpus, memory_mib;
	struct gw_loc vcpus_at, memory_at;
	bool on_fargate; /* its queue reaches Fargate (profiles), or
	                  * PlatformCapabilities FARGATE (templates) */
	long long vcpu_millis;  /* thousandths; 0: vcpus * 1000 */
	const char *vcpus_text; /* as written, for messages; NULL: vcpus */
	/* J6 */
	const char *k_timeout; /* "timeout" / "AttemptDurationSeconds" */
	bool has_timeout, timeout_zero_is_none;
	long long timeout;
	struct gw_loc timeout_at;
	/* J7 */
	const char *k_attempts; /* "attempts" / "Attempts" */
	bool has_attempts;
	long long attempts;
	struct gw_loc attempts_at;
	size_t n_exits; /* EvaluateOnExit entries; the first ones kept */
	struct gw_loc exits_at;
	struct gw_exit_facts exits[GW_BATCH_EXITS_MAX];
	/* J8 */
	const char *log_driver; /* NULL: awslogs or not literal */
	struct gw_loc log_driver_at;
	const char *log_group; /* awslogs group; NULL: the default */
	bool log_group_defined;
	struct gw_loc log_group_at;
	/* J10 */
	bool has_secrets, has_execution_role;
	struct gw_loc secrets_at;
	/* R5 (profiles) */
	const char *job_role;
	bool job_role_defined, job_role_trusted;
	struct gw_loc job_role_at;
	/* R6 (profiles) */
	const char *queue;
	bool queue_defined;
	struct gw_loc queue_at;
};

/*
 * J1, J2 (sizes, Fargate pairs), J6-J10, R5, R6 on one job definition. The
 * fit on instance types (J3-J5) is gw_rule_job_fit.
 */
void gw_rule_job(struct gw_rule_ctx *rc, const struct gw_job_facts *j);

/* J12: environment variable 'name' at 'at' of job definition 'owner'. */
void gw_rule_job_env(struct gw_rule_ctx *rc, const char *owner,
                     const char *name, struct gw_loc at);

/* A request for vCPUs, memory and GPUs: a job definition's, or an engine's
 * for one of its processes (NF2, NS2 name their own rules). */
struct gw_request {
	const char *kind; /* "job definition", "nextflow process", ... */
	const char *name;
	long long vcpus;      /* 0 = not requested */
	long long memory_mib; /* 0 = not requested */
	long long gpus;
	struct gw_loc vcpus_at, memory_at, gpus_at;
	enum gw_rule rule_vcpus, rule_memory, rule_gpus;
};

/* Where a request must fit: the instance types 'specs' select in 'types'
 * (a profile's compute environment; on a template, every compute
 * environment's, since a job definition names no queue). */
struct gw_fit_target {
	const struct gw_type_set *types; /* NULL: the catalog alone */
	const struct gw_type_spec *specs;
	size_t n_specs;
	/* "reachable through queue 'q'[ in compute environment 'c']", or
	 * "in this template": messages read "the largest instance type
	 * WHERE (m5.24xlarge) has 96". */
	char where[GW_BATCH_WHERE_BYTES];
	/* Profiles: the compute environment's own bound and image; NULL and
	 * false when not one compute environment (templates). */
	const char *ce, *queue;
	bool has_max_vcpus;
	long long max_vcpus;
	const char *image;
};

/*
 * J3 (vCPUs: the largest type, then max_vcpus), J5 (GPUs, and an NVIDIA
 * image for them), J4 (memory less the ECS agent's reservation; one type
 * that fits every dimension; a warning above 90% of the roomiest fitting
 * type's memory), under the rule IDs 'r' names.
 */
void gw_rule_job_fit(struct gw_rule_ctx *rc, const struct gw_request *r,
                     const struct gw_fit_target *t);

/* ---- adapters ------------------------------------------------------------ */

/* The profile's job queues (Q*, and CE18's queue count). */
void gw_batch_model_queues(struct gw_vctx *c);

/* The profile's job definitions (J*, R5, R6). */
void gw_batch_model_jobs(struct gw_vctx *c);

/* AWS::Batch::JobQueue 'logical' with 'props': remembered, checked by
 * gw_batch_cfn_finish once every compute environment is known. */
void gw_batch_cfn_queue(struct gw_cfn *t, const char *logical,
                        yaml_node_t *props);

/* AWS::Batch::JobDefinition 'logical' with 'props'. */
void gw_batch_cfn_job(struct gw_cfn *t, const char *logical,
                      yaml_node_t *props);

/* After every resource: the queues, queue priorities and job sizes. */
void gw_batch_cfn_finish(struct gw_cfn *t);

/* J3, J4, J5 on templates: each job definition fits the instance types of
 * the template's compute environments together (gw_rule_job_fit; called
 * by gw_batch_cfn_finish). */
void gw_batch_cfn_job_sizes(struct gw_cfn *t);

#endif
