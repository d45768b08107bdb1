/* SPDX-License-Identifier: MIT */
/* The verifier on rendered user data and CloudFormation templates. */
#include "verify.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "arn.h"
#include "catalog.h"
#include "ce.h"
#include "iam_rules.h"
#include "cfn.h"
#include "lt.h"
#include "names.h"
#include "rules.h"
#include "stack.h"
#include "aws_limits.h"
#include "util.h"

#define MSG_BYTES 1024
/*
 * Deepest nesting of mappings and sequences a template may have; real
 * templates stay far below it. Without a bound, 100,000 nested '[' (200 KB)
 * kept gwgen busy for minutes (libyaml's scanner is quadratic in the flow
 * depth) and the walks below recurse once per level (issue 6, hostile case
 * gen-verify-template-deep).
 */
#define TEMPLATE_DEPTH_MAX 64

/* ---- user data: lt.c (gw_verify_user_data) */

/*
 * Q6: what a JobStateTimeLimitActions entry may say (AWS Batch API
 * JobStateTimeLimitAction, CDK JobStateTimeLimitActionsReason; the actions
 * as in domain.md's Q6): Batch acts only on these blocked-job reasons, and
 * only on RUNNABLE jobs.
 */
static const char *const time_limit_reasons[] = {
        "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
        "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
        "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
};

static void check_time_limit_action(struct gw_cfn *t, const char *logical,
                                    yaml_node_t *action)
{
	yaml_node_t *n = gw_cfn_get(t, action, "Action");
	const char *v = gw_cfn_scalar(n);
	if (v && strcmp(v, "CANCEL") != 0 && strcmp(v, "TERMINATE") != 0) {
		ERR(t, gw_cfn_loc(t, n), GW_RULE_Q6, "use CANCEL",
		    "queue '%s' has a time limit with Action '%s'", logical, v);
	}
	n = gw_cfn_get(t, action, "State");
	v = gw_cfn_scalar(n);
	if (v && strcmp(v, "RUNNABLE") != 0) {
		ERR(t, gw_cfn_loc(t, n), GW_RULE_Q6, "use RUNNABLE",
		    "queue '%s' has a time limit with State '%s'", logical, v);
	}
	yaml_node_t *reason = gw_cfn_get(t, action, "Reason");
	v = gw_cfn_scalar(reason);
	bool known = false;
	for (size_t i = 0; v && i < GW_ARRAY_LEN(time_limit_reasons); i++) {
		known = known || strcmp(v, time_limit_reasons[i]) == 0;
	}
	if (v && !known) {
		ERR(t, gw_cfn_loc(t, reason), GW_RULE_Q6,
		    "use CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY, "
		    "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE or "
		    "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
		    "queue '%s' has a time limit for reason '%s', which batch "
		    "never reports", logical, v);
	}
}

/* ---- AWS::Batch::JobQueue
 * ------------------------------------------------------ */

static const struct cfn_ce *find_cfn_ce(const struct gw_cfn *t, const char *id)
{
	for (size_t i = 0; id && i < t->n_ces; i++) {
		if (strcmp(t->ces[i].logical, id) == 0) {
			return &t->ces[i];
		}
	}
	return NULL;
}

static void check_cfn_queue_order(struct gw_cfn *t, const char *logical,
                                  yaml_node_t *order, struct cfn_queue *q)
{
	size_t n = gw_cfn_seq_len(order);
	if (n < 1 || n > GW_LIM_QUEUE_CES_MAX) {
		ERR(t, gw_cfn_loc(t, order), GW_RULE_Q1, "use 1..3 compute environments",
		    "queue '%s' has %zu compute environments", logical, n);
	}
	long long orders[GW_LIM_QUEUE_CES_MAX * 4];
	const struct cfn_ce *by_order[GW_LIM_QUEUE_CES_MAX * 4] = {0};
	size_t known = 0;
	bool fargate = false, ec2 = false;
	for (size_t i = 0; i < n && i < GW_ARRAY_LEN(orders); i++) {
		yaml_node_t *e = gw_cfn_seq_at(t, order, i);
		yaml_node_t *on = gw_cfn_get(t, e, "Order");
		yaml_node_t *cn = gw_cfn_get(t, e, "ComputeEnvironment");
		long long o = 0;
		bool has_order = gw_cfn_int(t, on, &o);
		for (size_t j = 0; has_order && j < known; j++) {
			if (orders[j] == o) {
				ERR(t, gw_cfn_loc(t, on), GW_RULE_Q2,
				    "give each compute "
				    "environment its own order",
				    "queue '%s' uses order %lld twice", logical,
				    o);
			}
		}
		const char *target = gw_cfn_ref_target(t, cn);
		const struct cfn_ce *ce = find_cfn_ce(t, target);
		const char *lit = gw_cfn_literal(t, cn);
		if (target && !ce && !gw_cfn_get(t, t->parameters, target) &&
		    !gw_cfn_has_resource(t, target)) {
			ERR(t, gw_cfn_loc(t, cn), GW_RULE_Q9,
			    "refer to a compute "
			    "environment of this template",
			    "queue '%s' refers to '%s', which the "
			    "template does not define",
			    logical, target);
		} else if (!target && lit) {
			gw_arn_verify(lit, NULL, 0, gw_cfn_loc(t, cn), t->d);
		}
		if (ce && q->n_ces < GW_LIM_QUEUE_CES_MAX) {
			q->ces[q->n_ces++] = ce->logical;
		}
		if (ce) {
			fargate = fargate || gw_ce_is_fargate(ce->type);
			ec2 = ec2 || ce->type == GW_CE_EC2 || ce->type == GW_CE_SPOT;
		}
		if (has_order) {
			/* insertion by order, for the spill-over check */
			size_t j = known;
			while (j > 0 && orders[j - 1] > o) {
				orders[j] = orders[j - 1];
				by_order[j] = by_order[j - 1];
				j--;
			}
			orders[j] = o;
			by_order[j] = ce;
			known++;
		}
	}
	if (fargate && ec2) {
		ERR(t, gw_cfn_loc(t, order), GW_RULE_Q3, "use separate queues",
		    "queue '%s' "
		    "mixes ec2/spot and fargate compute environments",
		    logical);
	}
	bool seen_spot = false, all_spot = known > 0;
	for (size_t i = 0; i < known; i++) {
		const struct cfn_ce *ce = by_order[i];
		if (!ce || ce->type == GW_CE_UNKNOWN) {
			all_spot = false;
			continue;
		}
		bool spot = ce->type == GW_CE_SPOT || ce->type == GW_CE_FARGATE_SPOT;
		all_spot = all_spot && spot;
		if (!spot && seen_spot) {
			WARN(t, gw_cfn_loc(t, order), GW_RULE_Q8,
			     "use separate spot and "
			     "on-demand queues (gwfcore commit 7030a12)",
			     "queue '%s' spills over from spot to "
			     "on-demand compute environment '%s'; "
			     "insufficient spot capacity can leave jobs "
			     "runnable",
			     logical, ce->logical);
		}
		seen_spot = seen_spot || spot;
	}
	if (all_spot) {
		NOTE(t, gw_cfn_loc(t, order), GW_RULE_Q8,
		     "do not submit workflow head "
		     "jobs here, and retry reclaimed tasks (nextflow's "
		     "maxSpotAttempts is 0 since 24.10)",
		     "queue '%s' "
		     "reaches only spot capacity",
		     logical);
	}
}

static void check_cfn_queue(struct gw_cfn *t, const char *logical,
                            yaml_node_t *props)
{
	struct cfn_queue q = {.logical = logical};
	yaml_node_t *name = gw_cfn_get(t, props, "JobQueueName");
	const char *ns = gw_cfn_literal(t, name);
	const char *why = ns ? gw_names_batch_error(ns) : NULL;
	if (why) {
		ERR(t, gw_cfn_loc(t, name), GW_RULE_Q5, NULL, "job queue name '%s' %s",
		    ns, why);
	}
	yaml_node_t *prio = gw_cfn_get(t, props, "Priority");
	if (!prio) {
		ERR(t, gw_cfn_loc(t, props), GW_RULE_Q4, "set Priority 0..1000",
		    "queue '%s' has no Priority", logical);
	} else if (gw_cfn_int(t, prio, &q.priority)) {
		q.has_priority = true;
		q.priority_at = gw_cfn_loc(t, prio);
		if (q.priority < 0 || q.priority > GW_LIM_PRIORITY_MAX) {
			ERR(t, gw_cfn_loc(t, prio), GW_RULE_Q4, "use 0..1000",
			    "queue '%s' "
			    "has priority %lld",
			    logical, q.priority);
		}
	}
	yaml_node_t *order = gw_cfn_get(t, props, "ComputeEnvironmentOrder");
	if (order) {
		check_cfn_queue_order(t, logical, order, &q);
	} else if (!gw_cfn_get(t, props, "ServiceEnvironmentOrder")) {
		ERR(t, gw_cfn_loc(t, props), GW_RULE_Q1, "add ComputeEnvironmentOrder",
		    "queue '%s' has no compute environments", logical);
	}
	yaml_node_t *limits = gw_cfn_get(t, props, "JobStateTimeLimitActions");
	for (size_t i = 0; i < gw_cfn_seq_len(limits); i++) {
		yaml_node_t *action = gw_cfn_seq_at(t, limits, i);
		check_time_limit_action(t, logical, action);
		yaml_node_t *mt = gw_cfn_get(t, action, "MaxTimeSeconds");
		long long v;
		if (gw_cfn_int(t, mt, &v) &&
		    (v < GW_LIM_RUNNABLE_TIMEOUT_MIN || v > GW_LIM_RUNNABLE_TIMEOUT_MAX)) {
			ERR(t, gw_cfn_loc(t, mt), GW_RULE_Q6, "use 600..86400",
			    "queue '%s' "
			    "has MaxTimeSeconds %lld",
			    logical, v);
		}
	}
	if (t->n_queues < GW_CFN_TRACK_MAX) {
		t->queues[t->n_queues++] = q;
	}
}

/*
 * Job definitions do not name a queue, so a template job is checked against
 * every compute environment of the template: it must fit one of them. Only
 * done when every CE lists literal instance types the catalog knows.
 */
static void check_job_sizes(struct gw_cfn *t)
{
	const struct gw_instance_type *vcpus = NULL, *memory = NULL;
	for (size_t i = 0; i < t->n_ces; i++) {
		const struct cfn_ce *ce = &t->ces[i];
		if (gw_ce_is_fargate(ce->type)) {
			continue;
		}
		if (!ce->most_vcpus) {
			return;
		}
		if (!vcpus || ce->most_vcpus->vcpus > vcpus->vcpus) {
			vcpus = ce->most_vcpus;
		}
		if (!memory || ce->most_memory->memory_mib > memory->memory_mib) {
			memory = ce->most_memory;
		}
	}
	for (size_t i = 0; vcpus && i < t->n_jobs; i++) {
		const struct cfn_job *j = &t->jobs[i];
		if (j->vcpus > (long long)vcpus->vcpus) {
			ERR(t, j->vcpus_at, GW_RULE_J3, "lower the request or add a "
			    "larger instance type",
			    "job definition '%s' needs %lld vcpus but the "
			    "largest instance type in this template (%s) "
			    "has %u",
			    j->logical, j->vcpus, vcpus->name, vcpus->vcpus);
		}
		long long avail =
		        (long long)memory->memory_mib - GW_LIM_ECS_RESERVED_MIB;
		if (j->memory_mib > avail) {
			ERR(t, j->memory_at, GW_RULE_J4, "request less memory; the ECS "
			    "agent reserves 32 MiB",
			    "job definition '%s' needs %lld mib but the "
			    "largest instance type in this template (%s) "
			    "has %u mib, at most %lld after the ecs agent's "
			    "32 mib",
			    j->logical, j->memory_mib, memory->name,
			    memory->memory_mib, avail);
		}
	}
}

static void check_queue_priorities(struct gw_cfn *t)
{
	for (size_t i = 0; i < t->n_queues; i++) {
		const struct cfn_queue *a = &t->queues[i];
		for (size_t j = 0; j < i; j++) {
			const struct cfn_queue *b = &t->queues[j];
			if (!a->has_priority || !b->has_priority ||
			    a->priority != b->priority) {
				continue;
			}
			bool share = false;
			for (size_t x = 0; x < a->n_ces; x++) {
				for (size_t y = 0; y < b->n_ces; y++) {
					share = share || strcmp(a->ces[x],
					                        b->ces[y]) == 0;
				}
			}
			if (share) {
				WARN(t, a->priority_at, GW_RULE_Q4,
				     "give them distinct "
				     "priorities",
				     "queues '%s' and '%s' "
				     "share a compute environment and "
				     "both have priority %lld",
				     b->logical, a->logical, a->priority);
			}
		}
	}
}

/* ---- AWS::Batch::JobDefinition ----------------------------------------------
 */

static void check_cfn_job_def(struct gw_cfn *t, const char *logical,
                              yaml_node_t *props)
{
	yaml_node_t *name = gw_cfn_get(t, props, "JobDefinitionName");
	const char *ns = gw_cfn_literal(t, name);
	const char *why = ns ? gw_names_batch_error(ns) : NULL;
	if (why) {
		ERR(t, gw_cfn_loc(t, name), GW_RULE_J1, NULL,
		    "job definition name '%s' %s", ns, why);
	}
	yaml_node_t *cp = gw_cfn_get(t, props, "ContainerProperties");
	yaml_node_t *image = gw_cfn_get(t, cp, "Image");
	const char *is = gw_cfn_literal(t, image);
	why = is ? gw_names_image_error(is) : NULL;
	if (why) {
		ERR(t, gw_cfn_loc(t, image), GW_RULE_J9, NULL,
		    "image '%s' of job "
		    "definition '%s' %s",
		    is, logical, why);
	}
	long long v;
	yaml_node_t *vc = gw_cfn_get(t, cp, "Vcpus");
	yaml_node_t *mem = gw_cfn_get(t, cp, "Memory");
	yaml_node_t *rr = gw_cfn_get(t, cp, "ResourceRequirements");
	for (size_t i = 0; i < gw_cfn_seq_len(rr); i++) {
		yaml_node_t *e = gw_cfn_seq_at(t, rr, i);
		const char *type = gw_cfn_literal(t, gw_cfn_get(t, e, "Type"));
		if (type && strcmp(type, "VCPU") == 0) {
			vc = gw_cfn_get(t, e, "Value");
		} else if (type && strcmp(type, "MEMORY") == 0) {
			mem = gw_cfn_get(t, e, "Value");
		}
	}
	if (gw_cfn_int(t, vc, &v) && v < 1) {
		ERR(t, gw_cfn_loc(t, vc), GW_RULE_J2, "use at least 1",
		    "job definition "
		    "'%s' has %lld vcpus",
		    logical, v);
	}
	struct cfn_job job = {.logical = logical,
	                      .vcpus_at = gw_cfn_loc(t, vc),
	                      .memory_at = gw_cfn_loc(t, mem)};
	if (gw_cfn_int(t, vc, &v)) {
		job.vcpus = v;
	}
	if (gw_cfn_int(t, mem, &v)) {
		job.memory_mib = v;
	}
	if (t->n_jobs < GW_CFN_TRACK_MAX) {
		t->jobs[t->n_jobs++] = job;
	}
	if (gw_cfn_int(t, mem, &v) && v < GW_LIM_JOB_MEMORY_MIN_MIB) {
		ERR(t, gw_cfn_loc(t, mem), GW_RULE_J2, "use at least 4",
		    "job definition "
		    "'%s' has %lld mib of memory",
		    logical, v);
	}
	yaml_node_t *to = gw_cfn_get(t, gw_cfn_get(t, props, "Timeout"),
	                          "AttemptDurationSeconds");
	if (gw_cfn_int(t, to, &v) && v < GW_LIM_JOB_TIMEOUT_MIN) {
		ERR(t, gw_cfn_loc(t, to), GW_RULE_J6, "use at least 60",
		    "job definition "
		    "'%s' has a timeout of %lld seconds",
		    logical, v);
	}
	yaml_node_t *rs = gw_cfn_get(t, props, "RetryStrategy");
	yaml_node_t *at = gw_cfn_get(t, rs, "Attempts");
	if (gw_cfn_int(t, at, &v) && (v < 1 || v > GW_LIM_ATTEMPTS_MAX)) {
		ERR(t, gw_cfn_loc(t, at), GW_RULE_J7, "use 1..10",
		    "job definition '%s' has "
		    "%lld attempts",
		    logical, v);
	}
	yaml_node_t *eoe = gw_cfn_get(t, rs, "EvaluateOnExit");
	if (gw_cfn_seq_len(eoe) > GW_LIM_EVALUATE_ON_EXIT_MAX) {
		ERR(t, gw_cfn_loc(t, eoe), GW_RULE_J7, "use at most 5 entries",
		    "job definition '%s' has %zu EvaluateOnExit "
		    "entries",
		    logical, gw_cfn_seq_len(eoe));
	}
	/* Action is required and one of RETRY or EXIT, which the Batch API
	 * compares ignoring case (API EvaluateOnExit). */
	for (size_t i = 0; i < gw_cfn_seq_len(eoe); i++) {
		yaml_node_t *e = gw_cfn_seq_at(t, eoe, i);
		yaml_node_t *act = gw_cfn_get(t, e, "Action");
		const char *as = gw_cfn_literal(t, act);
		if (!act) {
			ERR(t, gw_cfn_loc(t, e), GW_RULE_J7, "add Action: RETRY or EXIT",
			    "EvaluateOnExit entry %zu of job definition '%s' "
			    "has no Action",
			    i + 1, logical);
		} else if (as && !gw_names_equal_nocase(as, "RETRY") &&
		           !gw_names_equal_nocase(as, "EXIT")) {
			ERR(t, gw_cfn_loc(t, act), GW_RULE_J7, "use RETRY or EXIT",
			    "EvaluateOnExit entry %zu of job definition '%s' "
			    "has action '%s'",
			    i + 1, logical, as);
		}
	}
	yaml_node_t *drv =
	        gw_cfn_get(t, gw_cfn_get(t, cp, "LogConfiguration"), "LogDriver");
	const char *ds = gw_cfn_literal(t, drv);
	static const char *const drivers[] = {
	        "awslogs",   "fluentd", "gelf",   "journald",
	        "json-file", "splunk",  "syslog",
	};
	bool ok = !ds;
	for (size_t i = 0; ds && i < GW_ARRAY_LEN(drivers); i++) {
		ok = ok || strcmp(ds, drivers[i]) == 0;
	}
	if (!ok) {
		ERR(t, gw_cfn_loc(t, drv), GW_RULE_J8, "use awslogs",
		    "job definition '%s' "
		    "has log driver '%s'",
		    logical, ds);
	}
	if (gw_cfn_get(t, cp, "Secrets") && !gw_cfn_get(t, cp, "ExecutionRoleArn")) {
		ERR(t, gw_cfn_loc(t, gw_cfn_get(t, cp, "Secrets")), GW_RULE_J10,
		    "add "
		    "ExecutionRoleArn",
		    "job definition '%s' uses "
		    "secrets but has no execution role",
		    logical);
	}
}

/* ---- AWS::EC2::LaunchTemplate
 * ------------------------------------------------ */

static void check_cfn_launch_template(struct gw_cfn *t, const char *logical,
                                      yaml_node_t *props)
{
	yaml_node_t *name = gw_cfn_get(t, props, "LaunchTemplateName");
	const char *ns = gw_cfn_literal(t, name);
	const char *why = ns ? gw_names_launch_template_error(ns) : NULL;
	if (why) {
		ERR(t, gw_cfn_loc(t, name), GW_RULE_N5, NULL,
		    "launch template name '%s' "
		    "%s",
		    ns, why);
	}
	/* Devices, volumes and user data: lt.c. */
	gw_lt_check_cfn(t, logical, props);
}

/* ---- IAM: iam_rules.c (gw_iam_cfn_*) -------------------------------------- */

/* ---- the table and the driver
 * ---------------------------------------------------- */

struct resource_rule {
	const char *type;
	void (*check)(struct gw_cfn *t, const char *logical, yaml_node_t *props);
};

static const struct resource_rule resource_rules[] = {
        {"AWS::Batch::ComputeEnvironment", gw_ce_check_template},
        {"AWS::Batch::JobQueue", check_cfn_queue},
        {"AWS::Batch::JobDefinition", check_cfn_job_def},
        {"AWS::EC2::LaunchTemplate", check_cfn_launch_template},
        {"AWS::EC2::SecurityGroup", gw_stack_cfn_security_group},
        {"AWS::EC2::SecurityGroupIngress", gw_stack_cfn_security_group},
        {"AWS::IAM::Role", gw_iam_cfn_role},
        {"AWS::IAM::ManagedPolicy", gw_iam_cfn_managed_policy},
        {"AWS::IAM::Policy", gw_iam_cfn_policy},
        {"AWS::IAM::Group", gw_iam_cfn_group},
        {"AWS::IAM::User", gw_iam_cfn_user},
        {"AWS::IAM::InstanceProfile", gw_iam_cfn_instance_profile},
        {"AWS::S3::Bucket", gw_stack_cfn_bucket},
        {"AWS::Logs::LogGroup", gw_stack_cfn_log_group},
};

static void check_resources(struct gw_cfn *t)
{
	yaml_node_t *res = t->resources;
	if (!gw_cfn_is_map(res)) {
		return;
	}
	for (yaml_node_pair_t *p = res->data.mapping.pairs.start;
	     p < res->data.mapping.pairs.top; p++) {
		yaml_node_t *key = gw_cfn_node(t, p->key);
		const char *logical = gw_cfn_scalar(key);
		if (!logical) {
			continue;
		}
		gw_stack_cfn_logical_id(t, key,
		                        (size_t)(p - res->data.mapping.pairs.start));
		if (t->limits_only) {
			continue;
		}
		yaml_node_t *r = gw_cfn_node(t, p->value);
		const char *type = gw_cfn_literal(t, gw_cfn_get(t, r, "Type"));
		yaml_node_t *props = gw_cfn_get(t, r, "Properties");
		gw_stack_cfn_resource(t, logical, r, props);
		for (size_t i = 0; type && i < GW_ARRAY_LEN(resource_rules);
		     i++) {
			if (strcmp(type, resource_rules[i].type) == 0) {
				resource_rules[i].check(t, logical, props);
				break;
			}
		}
	}
	if (!t->limits_only) {
		check_queue_priorities(t);
		check_job_sizes(t);
	}
}

/* Refuse nesting deeper than TEMPLATE_DEPTH_MAX with libyaml's event
 * parser, which stops there, before the document is loaded. A syntax error
 * ends the scan quietly: loading the document reports it. */
static bool check_depth(const char *yaml, size_t len, const char *file,
                        struct gw_diags *d)
{
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p)) {
		return true;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)yaml, len);
	size_t depth = 0;
	bool ok = true, done = false;
	yaml_event_t ev;
	while (!done && yaml_parser_parse(&p, &ev)) {
		switch (ev.type) {
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (++depth > TEMPLATE_DEPTH_MAX) {
				struct gw_loc at = {
				        .file = file,
				        .line = (unsigned)ev.start_mark.line + 1,
				        .col = (unsigned)ev.start_mark.column + 1};
				gw_diag_add(d, GW_SEV_ERROR, at, NULL, NULL,
				            "template nests deeper than %d "
				            "levels",
				            TEMPLATE_DEPTH_MAX);
				ok = false;
				done = true;
			}
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return ok;
}

/*
 * The depth check of a loaded document, for text whose loading was cheap
 * (gwgen's own output, already loaded once by gw_check_cfn): one pass over
 * libyaml's node array, where a collection's items come after it. Returns
 * -1 when an item comes before its collection (an alias), which this pass
 * cannot judge, and otherwise whether no node is deeper than the limit.
 */
static int doc_depth_ok(yaml_document_t *doc)
{
	size_t n = (size_t)(doc->nodes.top - doc->nodes.start);
	unsigned *depth = gw_xcalloc(n ? n : 1, sizeof(*depth));
	int ok = 1;
	if (n) {
		depth[0] = 1;
	}
	for (size_t i = 0; i < n && ok == 1; i++) {
		yaml_node_t *node = &doc->nodes.start[i];
		/* A collection counts itself, as check_depth's events do. */
		if (node->type != YAML_SCALAR_NODE &&
		    depth[i] > TEMPLATE_DEPTH_MAX) {
			ok = 0;
			break;
		}
		if (node->type == YAML_SEQUENCE_NODE) {
			for (yaml_node_item_t *it = node->data.sequence.items.start;
			     it < node->data.sequence.items.top; it++) {
				size_t c = (size_t)*it - 1;
				if (c <= i || c >= n) {
					ok = -1;
					break;
				}
				depth[c] = depth[i] + 1;
			}
		} else if (node->type == YAML_MAPPING_NODE) {
			for (yaml_node_pair_t *it = node->data.mapping.pairs.start;
			     it < node->data.mapping.pairs.top; it++) {
				size_t k = (size_t)it->key - 1;
				size_t v = (size_t)it->value - 1;
				if (k <= i || k >= n || v <= i || v >= n) {
					ok = -1;
					break;
				}
				depth[k] = depth[v] = depth[i] + 1;
			}
		}
	}
	free(depth);
	return ok;
}

/* C1 on the text's size. Returns false when it is too big to deploy at
 * all, and nothing else is checked. */
static bool check_size(size_t len, const char *file, struct gw_diags *d)
{
	struct gw_loc top = {.file = file, .line = 1, .col = 1};
	if (len > GW_LIM_TEMPLATE_S3_MAX) {
		gw_diag_add(d, GW_SEV_ERROR, top, gw_rule_id(GW_RULE_C1),
		            "split the stack into "
		            "nested stacks",
		            "template is %zu bytes, more than "
		            "the 1000000 cloudformation accepts",
		            len);
		return false;
	}
	if (len > GW_LIM_TEMPLATE_INLINE_MAX) {
		gw_diag_add(d, GW_SEV_WARNING, top, gw_rule_id(GW_RULE_C1),
		            "deploy with "
		            "--s3-bucket (deploy.sh stages it)",
		            "template is "
		            "%zu bytes, more than the 51200 cloudformation "
		            "accepts inline",
		            len);
	}
	return true;
}

/*
 * The rules on 'doc', loaded from 'yaml' ('len' bytes), after C1. When
 * 'doc_depth' is set, the depth is checked here on the loaded document
 * (doc_depth_ok), falling back to the event scan of 'yaml' for a document
 * with aliases; otherwise the caller checked it before loading. 'doc' is
 * only read, and stays the caller's to delete.
 */
static bool verify_doc(yaml_document_t *doc, const char *yaml, size_t len,
                       const char *file, bool doc_depth, bool limits_only,
                       struct gw_diags *d)
{
	size_t errors = d->n_errors;
	struct gw_loc top = {.file = file, .line = 1, .col = 1};
	if (doc_depth) {
		int depth_ok = doc_depth_ok(doc);
		if (depth_ok != 1 && (depth_ok == 0 ||
		                      !check_depth(yaml, len, file, d))) {
			if (depth_ok == 0) {
				gw_diag_add(d, GW_SEV_ERROR, top, NULL, NULL,
				            "template nests deeper than %d "
				            "levels",
				            TEMPLATE_DEPTH_MAX);
			}
			return false;
		}
	}
	/* A shallow copy: the walks below never change the document. */
	struct gw_cfn t = {.doc = *doc,
	                   .file = file,
	                   .d = d,
	                   .rc = {.d = d},
	                   .limits_only = limits_only};
	yaml_node_t *root = yaml_document_get_root_node(&t.doc);
	if (!gw_cfn_is_map(root)) {
		gw_diag_add(d, GW_SEV_ERROR, top, NULL, NULL,
		            "template is not a yaml or json mapping");
		return false;
	}
	t.parameters = gw_cfn_get(&t, root, "Parameters");
	t.resources = gw_cfn_get(&t, root, "Resources");
	gw_stack_cfn_document(&t, root);
	gw_cfn_index_resources(&t);
	check_resources(&t);
	free(t.ids);
	free(t.dups);
	if (!limits_only) {
		gw_stack_cfn_finish(&t);
	}
	return d->n_errors == errors;
}

/*
 * gw_verify_template_text; 'nesting' bounds the depth before loading with
 * libyaml's event parser (its scanner is quadratic in flow depth). Without
 * it, for a rendered template that gw_check_cfn has loaded already, the
 * depth is checked on the loaded document instead (doc_depth_ok): the
 * event scan was a third libyaml pass over the text, a seventh of the time
 * generating a profile takes.
 */
static bool verify_text(const char *yaml, size_t len, const char *file,
                        bool nesting, struct gw_diags *d)
{
	struct gw_loc top = {.file = file, .line = 1, .col = 1};
	if (!check_size(len, file, d)) {
		return false;
	}
	if (nesting && !check_depth(yaml, len, file, d)) {
		return false;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&parser)) {
		gw_diag_add(d, GW_SEV_ERROR, top, NULL, NULL,
		            "cannot initialise the yaml parser");
		return false;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	if (!yaml_parser_load(&parser, &doc)) {
		struct gw_loc at = {
		        .file = file,
		        .line = (unsigned)parser.problem_mark.line + 1,
		        .col = (unsigned)parser.problem_mark.column + 1};
		gw_diag_add(d, GW_SEV_ERROR, at, NULL, NULL,
		            "template is not valid yaml: %s",
		            parser.problem ? parser.problem : "unknown error");
		yaml_parser_delete(&parser);
		return false;
	}
	yaml_parser_delete(&parser);
	bool ok = verify_doc(&doc, yaml, len, file, !nesting, false, d);
	yaml_document_delete(&doc);
	return ok;
}

bool gw_verify_template_text(const char *yaml, size_t len, const char *file,
                             struct gw_diags *d)
{
	return verify_text(yaml, len, file, true, d);
}

bool gw_verify_template_limits(struct yaml_document_s *doc, const char *yaml,
                               size_t len, const char *file,
                               struct gw_diags *d)
{
	return check_size(len, file, d) &&
	       verify_doc(doc, yaml, len, file, true, true, d);
}

bool gw_verify_template_file(const char *path, struct gw_diags *d)
{
	size_t len = 0;
	char *text = gw_read_file(path, GW_LIM_TEMPLATE_S3_MAX + 1, &len);
	if (!text) {
		struct gw_loc none = {0};
		gw_diag_add(d, GW_SEV_ERROR, none, NULL, NULL,
		            "cannot read template '%s': %s", path,
		            gw_read_error(errno));
		return false;
	}
	bool ok = gw_verify_template_text(text, len, path, d);
	free(text);
	return ok;
}
