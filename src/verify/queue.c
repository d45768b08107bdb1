/* SPDX-License-Identifier: MIT */
/* The job queue rules (Q*): one rule over queue facts, and its adapters. */
#include "batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arn.h"
#include "model_facts.h"
#include "names.h"
#include "util.h"
#include "cfn.h"

#define HINT_BYTES 256

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

static const char *ce_name(const struct gw_queue_ce_facts *e)
{
	return e->ce ? e->ce : "?";
}

static bool is_spot(enum gw_ce_type k)
{
	return k == GW_CE_SPOT || k == GW_CE_FARGATE_SPOT;
}

/* Q1, Q2: how many compute environments, their orders, no CE twice. */
static void rule_queue_order(struct gw_rule_ctx *rc,
                             const struct gw_queue_facts *q)
{
	if ((q->n_ces < 1 && !q->ces_optional) ||
	    q->n_ces > GW_LIM_QUEUE_CES_MAX) {
		char hint[HINT_BYTES];
		snprintf(hint, sizeof(hint),
		         "list 1..%d compute environments under '%s'",
		         GW_LIM_QUEUE_CES_MAX, q->k_ces);
		GW_RULE_ERR(rc, Q1, q->ces_at, hint,
		            "queue '%s' has %zu compute environments; a queue "
		            "takes 1..%d",
		            q->owner, q->n_ces, GW_LIM_QUEUE_CES_MAX);
	}
	size_t n = q->n_ces < GW_BATCH_QUEUE_CES_MAX ? q->n_ces
	                                             : GW_BATCH_QUEUE_CES_MAX;
	for (size_t i = 0; i < n; i++) {
		const struct gw_queue_ce_facts *e = &q->ces[i];
		if (e->has_order && e->order < 0) {
			GW_RULE_ERR(rc, Q2, e->order_at, NULL,
			            "queue '%s' gives order %lld, below 0",
			            q->owner, e->order);
		}
		/* Batch refuses an order that lists a CE twice (its entries
		 * are unique CEs). */
		for (size_t j = 0; e->ce && j < i; j++) {
			const struct gw_queue_ce_facts *o = &q->ces[j];
			if (!o->ce || strcmp(o->ce, e->ce) != 0) {
				continue;
			}
			if (e->has_order && o->has_order) {
				GW_RULE_ERR(rc, Q2, e->at,
				            "list each compute environment once",
				            "queue '%s' lists compute environment "
				            "'%s' twice (orders %lld and %lld)",
				            q->owner, e->ce, o->order, e->order);
			} else {
				GW_RULE_ERR(rc, Q2, e->at,
				            "list each compute environment once",
				            "queue '%s' lists compute environment "
				            "'%s' twice",
				            q->owner, e->ce);
			}
			break;
		}
		for (size_t j = 0; e->has_order && j < i; j++) {
			const struct gw_queue_ce_facts *o = &q->ces[j];
			if (o->has_order && o->order == e->order) {
				GW_RULE_ERR(rc, Q2, e->order_at,
				            "give each compute environment its own "
				            "order",
				            "queue '%s' gives order %lld to both "
				            "'%s' and '%s'",
				            q->owner, e->order, ce_name(o),
				            ce_name(e));
				break;
			}
		}
	}
}

/* Q9 and Q3: the compute environments exist, and can share a queue. */
static void rule_queue_ces(struct gw_rule_ctx *rc,
                           const struct gw_queue_facts *q)
{
	const struct gw_queue_ce_facts *first_fargate = NULL, *first_ec2 = NULL;
	const struct gw_queue_ce_facts *arch_ce[GW_ARCH_ARM64 + 1] = {0};
	size_t n = q->n_ces < GW_BATCH_QUEUE_CES_MAX ? q->n_ces
	                                             : GW_BATCH_QUEUE_CES_MAX;
	for (size_t i = 0; i < n; i++) {
		const struct gw_queue_ce_facts *e = &q->ces[i];
		if (!e->defined) {
			GW_RULE_ERR(rc, Q9, e->at, q->ce_hint,
			            "queue '%s' uses compute environment '%s', "
			            "which %s does not define",
			            q->owner, ce_name(e), q->input);
			continue;
		}
		if (gw_ce_is_fargate(e->type)) {
			first_fargate = first_fargate ? first_fargate : e;
		} else if (e->type != GW_CE_UNKNOWN) {
			first_ec2 = first_ec2 ? first_ec2 : e;
		}
		for (int a = GW_ARCH_X86_64; a <= GW_ARCH_ARM64; a++) {
			if (e->arch[a] && !arch_ce[a]) {
				arch_ce[a] = e;
			}
		}
	}
	if (first_fargate && first_ec2) {
		GW_RULE_ERR(rc, Q3, q->ces_at, "use separate queues",
		            "queue '%s' mixes ec2/spot compute environment '%s' "
		            "with fargate compute environment '%s'",
		            q->owner, ce_name(first_ec2), ce_name(first_fargate));
	}
	if (arch_ce[GW_ARCH_X86_64] && arch_ce[GW_ARCH_ARM64] &&
	    arch_ce[GW_ARCH_X86_64] != arch_ce[GW_ARCH_ARM64]) {
		GW_RULE_ERR(rc, Q3, q->ces_at, "use one queue per architecture",
		            "queue '%s' mixes x86_64 (%s) and arm64 (%s) compute "
		            "environments",
		            q->owner, ce_name(arch_ce[GW_ARCH_X86_64]),
		            ce_name(arch_ce[GW_ARCH_ARM64]));
	}
}

/* Q8: spot capacity in the order Batch tries the compute environments
 * (ascending order; entries without a known order are left out). */
static void rule_queue_spot(struct gw_rule_ctx *rc,
                            const struct gw_queue_facts *q)
{
	const struct gw_queue_ce_facts *by_order[GW_BATCH_QUEUE_CES_MAX];
	size_t known = 0;
	size_t n = q->n_ces < GW_BATCH_QUEUE_CES_MAX ? q->n_ces
	                                             : GW_BATCH_QUEUE_CES_MAX;
	for (size_t i = 0; i < n; i++) {
		const struct gw_queue_ce_facts *e = &q->ces[i];
		if (!e->has_order || !e->defined) {
			continue;
		}
		size_t j = known;
		while (j > 0 && e->order < by_order[j - 1]->order) {
			by_order[j] = by_order[j - 1];
			j--;
		}
		by_order[j] = e;
		known++;
	}
	bool seen_spot = false, all_spot = known > 0;
	const char *spot_kind = "spot";
	for (size_t i = 0; i < known; i++) {
		const struct gw_queue_ce_facts *e = by_order[i];
		if (e->type == GW_CE_UNKNOWN) {
			all_spot = false;
			continue;
		}
		bool spot = is_spot(e->type);
		all_spot = all_spot && spot;
		if (spot && q->head) {
			GW_RULE_WARN(rc, Q8, q->head_at,
			             "use on-demand compute environments only "
			             "for head jobs",
			             "head queue '%s' reaches spot compute "
			             "environment '%s'; a reclaimed head job "
			             "kills the whole workflow",
			             q->owner, ce_name(e));
		}
		if (!spot && seen_spot) {
			/* Named by type: a FARGATE CE is not "on-demand"
			 * EC2 (Q3 refuses mixing the two kinds anyway). */
			GW_RULE_WARN(rc, Q8, q->ces_at,
			             "use separate spot and on-demand queues "
			             "(gwfcore commit 7030a12)",
			             "queue '%s' spills over from %s to %s "
			             "compute environment '%s'; insufficient "
			             "spot capacity can leave jobs runnable "
			             "instead of moving them",
			             q->owner, spot_kind,
			             e->type == GW_CE_FARGATE ? "fargate"
			                                      : "on-demand",
			             ce_name(e));
		}
		if (spot && !seen_spot) {
			spot_kind = e->type == GW_CE_FARGATE_SPOT ? "fargate spot"
			                                          : "spot";
		}
		seen_spot = seen_spot || spot;
	}
	if (!all_spot || !q->spot_only_note) {
		return;
	}
	if (q->no_spot_retries) {
		GW_RULE_NOTE(rc, Q8, q->ces_at,
		             "set max_spot_attempts or a retrying errorStrategy",
		             "queue '%s' reaches only spot capacity and "
		             "nextflow's maxSpotAttempts is 0 (the default "
		             "since 24.10), so a reclaimed instance fails the "
		             "task",
		             q->owner);
	} else {
		GW_RULE_NOTE(rc, Q8, q->ces_at,
		             "do not submit workflow head jobs here, and retry "
		             "reclaimed tasks (nextflow's maxSpotAttempts is 0 "
		             "since 24.10)",
		             "queue '%s' reaches only spot capacity",
		             q->owner);
	}
}

/* Q6: the time limits on blocked jobs. */
static void rule_queue_time_limits(struct gw_rule_ctx *rc,
                                   const struct gw_queue_facts *q)
{
	size_t n = q->n_time_limits < GW_BATCH_TIME_LIMITS_MAX
	                   ? q->n_time_limits
	                   : GW_BATCH_TIME_LIMITS_MAX;
	for (size_t i = 0; i < n; i++) {
		const struct gw_time_limit_facts *l = &q->time_limits[i];
		long long s = l->seconds;
		bool none = s == 0 && q->timeout_zero_is_none;
		if (l->has_seconds && !none &&
		    (s < GW_LIM_RUNNABLE_TIMEOUT_MIN ||
		     s > GW_LIM_RUNNABLE_TIMEOUT_MAX)) {
			GW_RULE_ERR(rc, Q6, l->seconds_at,
			            q->timeout_zero_is_none
			                    ? "use 600..86400 seconds, or 0 for "
			                      "none"
			                    : "use 600..86400 seconds",
			            "queue '%s' has %s %lld", q->owner,
			            q->k_timeout, s);
		}
		if (l->action && strcmp(l->action, "CANCEL") != 0 &&
		    strcmp(l->action, "TERMINATE") != 0) {
			GW_RULE_ERR(rc, Q6, l->action_at, "use CANCEL",
			            "queue '%s' has a time limit with Action "
			            "'%s'",
			            q->owner, l->action);
		}
		if (l->state && strcmp(l->state, "RUNNABLE") != 0) {
			GW_RULE_ERR(rc, Q6, l->state_at, "use RUNNABLE",
			            "queue '%s' has a time limit with State '%s'",
			            q->owner, l->state);
		}
		bool known = false;
		for (size_t k = 0;
		     l->reason && k < GW_ARRAY_LEN(time_limit_reasons); k++) {
			known = known ||
			        strcmp(l->reason, time_limit_reasons[k]) == 0;
		}
		if (l->reason && !known) {
			GW_RULE_ERR(rc, Q6, l->reason_at,
			            "use CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY, "
			            "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_"
			            "RESOURCE or "
			            "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
			            "queue '%s' has a time limit for reason '%s', "
			            "which batch never reports",
			            q->owner, l->reason);
		}
	}
}

void gw_rule_queue(struct gw_rule_ctx *rc, const struct gw_queue_facts *q)
{
	if (q->priority_missing) {
		GW_RULE_ERR(rc, Q4, q->at, "set Priority 0..1000",
		            "queue '%s' has no %s", q->owner, q->k_priority);
	} else if (q->has_priority &&
	           (q->priority < 0 || q->priority > GW_LIM_PRIORITY_MAX)) {
		GW_RULE_ERR(rc, Q4, q->priority_at, "use 0..1000; higher runs first",
		            "queue '%s' has %s %lld", q->owner, q->k_priority,
		            q->priority);
	}
	rule_queue_time_limits(rc, q);
	rule_queue_order(rc, q);
	rule_queue_ces(rc, q);
	rule_queue_spot(rc, q);
}

static bool queues_share_ce(const struct gw_queue_facts *a,
                            const struct gw_queue_facts *b)
{
	for (size_t i = 0; i < a->n_ces && i < GW_BATCH_QUEUE_CES_MAX; i++) {
		for (size_t j = 0; j < b->n_ces && j < GW_BATCH_QUEUE_CES_MAX;
		     j++) {
			if (a->ces[i].ce && b->ces[j].ce &&
			    strcmp(a->ces[i].ce, b->ces[j].ce) == 0) {
				return true;
			}
		}
	}
	return false;
}

void gw_rule_queue_priorities(struct gw_rule_ctx *rc,
                              const struct gw_queue_facts *q, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; q[i].has_priority && j < i; j++) {
			if (q[j].has_priority && q[j].priority == q[i].priority &&
			    queues_share_ce(&q[i], &q[j])) {
				GW_RULE_WARN(rc, Q4, q[i].priority_at,
				             "give queues that share a compute "
				             "environment distinct priorities",
				             "queues '%s' and '%s' share a compute "
				             "environment and both have priority "
				             "%lld, so neither goes first",
				             q[j].owner, q[i].owner, q[i].priority);
				break;
			}
		}
	}
}

/* ---- the profile adapter ------------------------------------------------- */

static void model_queue_facts(struct gw_vctx *c, const struct gw_queue *q,
                              struct gw_queue_facts *f)
{
	*f = (struct gw_queue_facts){
	        .owner = gw_vm_str_or(&q->name, "?"),
	        .at = q->loc,
	        .input = "the profile",
	        .ce_hint = "define it under 'compute_environments:'",
	        .k_ces = "compute_environments",
	        .ces_at = gw_vm_at(q->ces_loc, q->loc),
	        .n_ces = q->n_ces,
	        .k_priority = "priority",
	        .has_priority = true,
	        .priority = q->priority.v,
	        .priority_at = gw_vm_at(q->priority.loc, q->loc),
	        .head = q->head.v,
	        .head_at = gw_vm_at(q->head.loc, q->loc),
	        /* spot_fallback retries a reclaimed task itself. */
	        .spot_only_note = c->m->nextflow.present &&
	                          c->m->nextflow.max_spot_attempts.v == 0 &&
	                          !c->m->nextflow.spot_fallback.present,
	        .no_spot_retries = true,
	        .k_timeout = "runnable_timeout",
	        .timeout_zero_is_none = true,
	        .n_time_limits = 1,
	        .time_limits = {{.has_seconds = true,
	                         .seconds = q->runnable_timeout.v,
	                         .seconds_at = q->runnable_timeout.loc}},
	};
	for (size_t i = 0; i < q->n_ces && i < GW_BATCH_QUEUE_CES_MAX; i++) {
		const struct gw_queue_ce *e = &q->ces[i];
		struct gw_queue_ce_facts *ef = &f->ces[i];
		*ef = (struct gw_queue_ce_facts){
		        .ce = e->ce.s,
		        .at = gw_vm_at(e->ce.loc, e->loc),
		        .has_order = true,
		        .order = e->order.v,
		        .order_at = gw_vm_at(e->order.loc, e->loc),
		        .type = GW_CE_UNKNOWN,
		};
		const struct gw_compute_env *ce =
		        gw_model_compute_env(c->m, e->ce.s);
		if (!ce) {
			continue;
		}
		ef->defined = true;
		ef->type = gw_vm_ce_type(ce);
		struct gw_type_selection info;
		gw_vm_describe_ce(&c->types, ce, &info);
		for (int a = GW_ARCH_X86_64; a <= GW_ARCH_ARM64; a++) {
			ef->arch[a] = info.arch[a] != NULL;
		}
	}
}

void gw_batch_model_queues(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	if (m->n_queues > GW_LIM_ACCOUNT_QUEUES_MAX) {
		GW_RULE_ERR(&c->rc, CE18, m->queues[GW_LIM_ACCOUNT_QUEUES_MAX].loc,
		            NULL,
		            "%zu job queues exceed the %d per account and region",
		            m->n_queues, GW_LIM_ACCOUNT_QUEUES_MAX);
	}
	struct gw_name_list seen = {.kind = "job queue"};
	struct gw_queue_facts *facts =
	        gw_xcalloc(m->n_queues ? m->n_queues : 1, sizeof(*facts));
	for (size_t i = 0; i < m->n_queues; i++) {
		const struct gw_queue *q = &m->queues[i];
		gw_vm_check_name(c, &q->name, "job queue",
		                 q->name.s ? gw_names_batch_error(q->name.s)
		                           : NULL,
		                 GW_RULE_Q5,
		                 "batch names are [A-Za-z0-9_-]{1,128}");
		gw_vm_check_unique(c, &q->name, &seen, GW_RULE_Q5);
		model_queue_facts(c, q, &facts[i]);
		gw_rule_queue(&c->rc, &facts[i]);
		/* Q11: the guard is on unless the profile turns it off. */
		if (q->runnable_timeout.v == 0) {
			GW_RULE_WARN(&c->rc, Q11,
			             gw_vm_at(q->runnable_timeout.loc, q->loc),
			             "remove runnable_timeout to cancel such a "
			             "job after 14400 seconds",
			             "queue '%s' has no RUNNABLE guard: a job "
			             "that no compute environment can run "
			             "(JOB_RESOURCE_REQUIREMENT, "
			             "COMPUTE_ENVIRONMENT_MAX_RESOURCE) waits "
			             "forever and blocks the queue",
			             gw_vm_str_or(&q->name, "?"));
		}
	}
	gw_rule_queue_priorities(&c->rc, facts, m->n_queues);
	free(facts);
}

/* ---- the template adapter ------------------------------------------------ */

void gw_batch_cfn_queue(struct gw_cfn *t, const char *logical,
                        yaml_node_t *props)
{
	yaml_node_t *name = gw_cfn_get(t, props, "JobQueueName");
	const char *ns = gw_cfn_literal(t, name);
	const char *why = ns ? gw_names_batch_error(ns) : NULL;
	if (why) {
		GW_RULE_ERR(&t->rc, Q5, gw_cfn_loc(t, name),
		            "batch names are [A-Za-z0-9_-]{1,128}",
		            "job queue name '%s' %s", ns, why);
	}
	if (t->n_queues < GW_CFN_TRACK_MAX) {
		t->queues[t->n_queues++] =
		        (struct cfn_queue){.logical = logical, .props = props};
	}
}

static const struct cfn_ce *find_cfn_ce(const struct gw_cfn *t, const char *id)
{
	for (size_t i = 0; id && i < t->n_ces; i++) {
		if (strcmp(t->ces[i].logical, id) == 0) {
			return &t->ces[i];
		}
	}
	return NULL;
}

static void cfn_queue_ce_facts(struct gw_cfn *t, yaml_node_t *e,
                               struct gw_queue_ce_facts *f)
{
	yaml_node_t *on = gw_cfn_get(t, e, "Order");
	yaml_node_t *cn = gw_cfn_get(t, e, "ComputeEnvironment");
	*f = (struct gw_queue_ce_facts){.at = gw_cfn_loc(t, cn ? cn : e),
	                                .order_at = gw_cfn_loc(t, on),
	                                .type = GW_CE_UNKNOWN,
	                                .defined = true};
	f->has_order = gw_cfn_int(t, on, &f->order);
	const char *target = gw_cfn_ref_target(t, cn);
	const char *lit = gw_cfn_literal(t, cn);
	f->ce = target ? target : lit;
	const struct cfn_ce *ce = find_cfn_ce(t, target);
	if (ce) {
		f->type = ce->type;
		if (ce->most_vcpus) {
			f->arch[ce->most_vcpus->arch] = true;
		}
	} else if (target) {
		f->defined = gw_cfn_get(t, t->parameters, target) ||
		             gw_cfn_has_resource(t, target);
	} else if (lit) {
		/* A literal is an ARN (or a name): the ARN rules judge it. */
		gw_arn_verify(lit, NULL, 0, gw_cfn_loc(t, cn), t->d);
	}
}

static void cfn_queue_facts(struct gw_cfn *t, const struct cfn_queue *q,
                            struct gw_queue_facts *f)
{
	yaml_node_t *props = q->props;
	yaml_node_t *prio = gw_cfn_get(t, props, "Priority");
	yaml_node_t *order = gw_cfn_get(t, props, "ComputeEnvironmentOrder");
	*f = (struct gw_queue_facts){
	        .owner = q->logical,
	        .at = gw_cfn_loc(t, props),
	        .input = "the template",
	        .ce_hint = "refer to a compute environment of this template",
	        .k_ces = "ComputeEnvironmentOrder",
	        .ces_at = gw_cfn_loc(t, order ? order : props),
	        .n_ces = gw_cfn_seq_len(order),
	        /* A queue of service environments has no compute
	         * environments (CFN oneOf; domain.md Q1). */
	        .ces_optional = !order &&
	                        gw_cfn_get(t, props, "ServiceEnvironmentOrder"),
	        .k_priority = "Priority",
	        .priority_missing = !prio,
	        .priority_at = gw_cfn_loc(t, prio),
	        .spot_only_note = true,
	        .k_timeout = "MaxTimeSeconds",
	};
	f->has_priority = gw_cfn_int(t, prio, &f->priority);
	for (size_t i = 0; i < f->n_ces && i < GW_BATCH_QUEUE_CES_MAX; i++) {
		cfn_queue_ce_facts(t, gw_cfn_seq_at(t, order, i), &f->ces[i]);
	}
	yaml_node_t *limits = gw_cfn_get(t, props, "JobStateTimeLimitActions");
	f->n_time_limits = gw_cfn_seq_len(limits);
	for (size_t i = 0;
	     i < f->n_time_limits && i < GW_BATCH_TIME_LIMITS_MAX; i++) {
		yaml_node_t *a = gw_cfn_seq_at(t, limits, i);
		struct gw_time_limit_facts *l = &f->time_limits[i];
		yaml_node_t *mt = gw_cfn_get(t, a, "MaxTimeSeconds");
		yaml_node_t *an = gw_cfn_get(t, a, "Action");
		yaml_node_t *sn = gw_cfn_get(t, a, "State");
		yaml_node_t *rn = gw_cfn_get(t, a, "Reason");
		*l = (struct gw_time_limit_facts){
		        .seconds_at = gw_cfn_loc(t, mt),
		        .action = gw_cfn_scalar(an),
		        .state = gw_cfn_scalar(sn),
		        .reason = gw_cfn_scalar(rn),
		        .action_at = gw_cfn_loc(t, an),
		        .state_at = gw_cfn_loc(t, sn),
		        .reason_at = gw_cfn_loc(t, rn),
		};
		l->has_seconds = gw_cfn_int(t, mt, &l->seconds);
	}
}

/* The queues' checks need every compute environment of the template: a
 * queue may come before the environments it lists. */
static void cfn_check_queues(struct gw_cfn *t)
{
	struct gw_queue_facts *facts =
	        gw_xcalloc(t->n_queues ? t->n_queues : 1, sizeof(*facts));
	for (size_t i = 0; i < t->n_queues; i++) {
		cfn_queue_facts(t, &t->queues[i], &facts[i]);
		gw_rule_queue(&t->rc, &facts[i]);
	}
	gw_rule_queue_priorities(&t->rc, facts, t->n_queues);
	free(facts);
}

void gw_batch_cfn_finish(struct gw_cfn *t)
{
	cfn_check_queues(t);
	gw_batch_cfn_job_sizes(t);
}
