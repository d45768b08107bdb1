/* SPDX-License-Identifier: MIT */
/* The verifier: the table of AWS rules checked on the model (docs/rules.md). */
#include "verify.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arn.h"
#include "buf.h"
#include "catalog.h"
#include "ce.h"
#include "iam_rules.h"
#include "lt.h"
#include "facts.h"
#include "model_facts.h"
#include "names.h"
#include "rules.h"
#include "stack.h"
#include "aws_limits.h"
#include "util.h"

#define PERMILLE 1000
/* ---- IAM: iam_rules.c (gw_iam_check_model) ---------------------------- */


/* ---- launch templates: devices (D*), volumes (V*), user data (L*) -------- */

/* The rules are lt.c's (gw_lt_check_model). */

static void check_launch_templates(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	struct gw_name_list seen = {.kind = "launch template"};
	for (size_t i = 0; i < m->n_launch_templates; i++) {
		const struct gw_launch_template *lt = &m->launch_templates[i];
		gw_vm_check_name(c, &lt->name, "launch template",
		           lt->name.s
		                   ? gw_names_launch_template_error(lt->name.s)
		                   : NULL,
		           GW_RULE_N5,
		           "launch template names are 3..128 of "
		           "[a-zA-Z0-9().-/_]");
		gw_vm_check_unique(c, &lt->name, &seen, GW_RULE_N5);
		gw_lt_check_model(c, lt);
	}
}

/* ---- job queues (Q*)
 * ----------------------------------------------------------- */

static void check_queue_ces(struct gw_vctx *c, const struct gw_queue *q)
{
	const char *name = gw_vm_str_or(&q->name, "?");
	if (q->n_ces < 1 || q->n_ces > GW_LIM_QUEUE_CES_MAX) {
		ERR(c, gw_vm_at(q->ces_loc, q->loc), GW_RULE_Q1,
		    "use 1..3 compute "
		    "environments",
		    "queue '%s' has %zu compute "
		    "environments; a queue takes 1..3",
		    name, q->n_ces);
	}
	const struct gw_compute_env *first_fargate = NULL, *first_ec2 = NULL;
	const struct gw_instance_type *arch_of[GW_ARCH_ARM64 + 1] = {0};
	const struct gw_compute_env *arch_ce[GW_ARCH_ARM64 + 1] = {0};
	for (size_t i = 0; i < q->n_ces; i++) {
		const struct gw_queue_ce *e = &q->ces[i];
		if (e->order.v < 0) {
			ERR(c, e->order.loc, GW_RULE_Q2, NULL,
			    "queue '%s' gives order "
			    "%lld, below 0",
			    name, e->order.v);
		}
		for (size_t j = 0; j < i; j++) {
			if (e->ce.s && q->ces[j].ce.s &&
			    strcmp(e->ce.s, q->ces[j].ce.s) == 0) {
				/* Batch refuses an order that lists a CE
				 * twice (its entries are unique CEs). */
				ERR(c, gw_vm_at(e->ce.loc, e->loc), GW_RULE_Q2,
				    "list each compute environment once",
				    "queue '%s' lists compute environment "
				    "'%s' twice (orders %lld and %lld)",
				    name, e->ce.s, q->ces[j].order.v,
				    e->order.v);
				break;
			}
		}
		for (size_t j = 0; j < i; j++) {
			if (q->ces[j].order.v == e->order.v) {
				ERR(c, gw_vm_at(e->order.loc, e->loc), GW_RULE_Q2,
				    "give "
				    "each compute environment its own "
				    "order",
				    "queue '%s' gives order "
				    "%lld to both '%s' and '%s'",
				    name, e->order.v,
				    gw_vm_str_or(&q->ces[j].ce, "?"),
				    gw_vm_str_or(&e->ce, "?"));
				break;
			}
		}
		const struct gw_compute_env *ce =
		        gw_model_compute_env(c->m, e->ce.s);
		if (!ce) {
			ERR(c, gw_vm_at(e->ce.loc, e->loc), GW_RULE_Q9,
			    "define it under "
			    "'compute_environments:'",
			    "queue '%s' uses "
			    "compute environment '%s', which the profile "
			    "does not define",
			    name, gw_vm_str_or(&e->ce, "?"));
			continue;
		}
		if (gw_ce_is_fargate(gw_vm_ce_type(ce))) {
			first_fargate = first_fargate ? first_fargate : ce;
		} else if (gw_vm_ce_type(ce) != GW_CE_UNKNOWN) {
			first_ec2 = first_ec2 ? first_ec2 : ce;
		}
		struct gw_ce_info info;
		gw_vm_describe_ce(ce, &info);
		for (int a = GW_ARCH_X86_64; a <= GW_ARCH_ARM64; a++) {
			if (info.arch_seen[a] && !arch_of[a]) {
				arch_of[a] = info.arch_seen[a];
				arch_ce[a] = ce;
			}
		}
	}
	if (first_fargate && first_ec2) {
		ERR(c, gw_vm_at(q->ces_loc, q->loc), GW_RULE_Q3, "use separate queues",
		    "queue '%s' mixes ec2/spot compute environment '%s' "
		    "with fargate compute environment '%s'",
		    name, gw_vm_str_or(&first_ec2->name, "?"),
		    gw_vm_str_or(&first_fargate->name, "?"));
	}
	if (arch_of[GW_ARCH_X86_64] && arch_of[GW_ARCH_ARM64] &&
	    arch_ce[GW_ARCH_X86_64] != arch_ce[GW_ARCH_ARM64]) {
		ERR(c, gw_vm_at(q->ces_loc, q->loc), GW_RULE_Q3,
		    "use one queue per "
		    "architecture",
		    "queue '%s' mixes x86_64 (%s) and "
		    "arm64 (%s) compute environments",
		    name, gw_vm_str_or(&arch_ce[GW_ARCH_X86_64]->name, "?"),
		    gw_vm_str_or(&arch_ce[GW_ARCH_ARM64]->name, "?"));
	}
}

/* The queue's CEs in the order Batch tries them (ascending 'order'). */
static size_t sorted_ces(const struct gw_vctx *c, const struct gw_queue *q,
                         const struct gw_compute_env **out, size_t max)
{
	long long orders[GW_LIM_QUEUE_CES_MAX * 2];
	size_t n = 0;
	if (max > GW_ARRAY_LEN(orders)) {
		max = GW_ARRAY_LEN(orders);
	}
	for (size_t i = 0; i < q->n_ces && n < max; i++) {
		const struct gw_compute_env *ce =
		        gw_model_compute_env(c->m, q->ces[i].ce.s);
		if (!ce) {
			continue;
		}
		size_t j = n;
		long long order = q->ces[i].order.v;
		while (j > 0 && order < orders[j - 1]) {
			out[j] = out[j - 1];
			orders[j] = orders[j - 1];
			j--;
		}
		out[j] = ce;
		orders[j] = order;
		n++;
	}
	return n;
}

static void check_queue_spot(struct gw_vctx *c, const struct gw_queue *q)
{
	const char *name = gw_vm_str_or(&q->name, "?");
	const struct gw_compute_env *ces[GW_LIM_QUEUE_CES_MAX * 2];
	size_t n = sorted_ces(c, q, ces, GW_ARRAY_LEN(ces));
	bool seen_spot = false, all_spot = n > 0;
	const char *spot_kind = "spot";
	for (size_t i = 0; i < n; i++) {
		enum gw_ce_type k = gw_vm_ce_type(ces[i]);
		bool spot = k == GW_CE_SPOT || k == GW_CE_FARGATE_SPOT;
		all_spot = all_spot && spot;
		if (spot && q->head.v) {
			WARN(c, gw_vm_at(q->head.loc, q->loc), GW_RULE_Q8,
			     "use on-demand "
			     "compute environments only for head jobs",
			     "head queue '%s' reaches spot compute "
			     "environment '%s'; a reclaimed head job "
			     "kills the whole workflow",
			     name, gw_vm_str_or(&ces[i]->name, "?"));
		}
		if (!spot && seen_spot) {
			/* Named by type: a FARGATE CE is not "on-demand"
			 * EC2 (Q3 refuses mixing the two kinds anyway). */
			WARN(c, gw_vm_at(q->ces_loc, q->loc), GW_RULE_Q8,
			     "use separate spot "
			     "and on-demand queues (gwfcore commit "
			     "7030a12)",
			     "queue '%s' spills over from %s "
			     "to %s compute environment '%s'; "
			     "insufficient spot capacity can leave jobs "
			     "runnable instead of moving them",
			     name, spot_kind,
			     k == GW_CE_FARGATE ? "fargate" : "on-demand",
			     gw_vm_str_or(&ces[i]->name, "?"));
		}
		if (spot && !seen_spot) {
			spot_kind = k == GW_CE_FARGATE_SPOT ? "fargate spot"
			                                 : "spot";
		}
		seen_spot = seen_spot || spot;
	}
	const struct gw_nextflow *nf = &c->m->nextflow;
	if (all_spot && nf->present && nf->max_spot_attempts.v == 0) {
		NOTE(c, gw_vm_at(q->ces_loc, q->loc), GW_RULE_Q8,
		     "set max_spot_attempts "
		     "or a retrying errorStrategy",
		     "queue '%s' reaches "
		     "only spot capacity and nextflow's maxSpotAttempts "
		     "is 0 (the default since 24.10), so a reclaimed "
		     "instance fails the task",
		     name);
	}
}

static bool queues_share_ce(const struct gw_queue *a, const struct gw_queue *b)
{
	for (size_t i = 0; i < a->n_ces; i++) {
		for (size_t j = 0; j < b->n_ces; j++) {
			if (a->ces[i].ce.s && b->ces[j].ce.s &&
			    strcmp(a->ces[i].ce.s, b->ces[j].ce.s) == 0) {
				return true;
			}
		}
	}
	return false;
}

static void check_queues(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	if (m->n_queues > GW_LIM_ACCOUNT_QUEUES_MAX) {
		ERR(c, m->queues[GW_LIM_ACCOUNT_QUEUES_MAX].loc, GW_RULE_CE18, NULL,
		    "%zu job queues exceed the 50 per account and "
		    "region",
		    m->n_queues);
	}
	struct gw_name_list seen = {.kind = "job queue"};
	for (size_t i = 0; i < m->n_queues; i++) {
		const struct gw_queue *q = &m->queues[i];
		const char *name = gw_vm_str_or(&q->name, "?");
		gw_vm_check_name(c, &q->name, "job queue",
		           q->name.s ? gw_names_batch_error(q->name.s) : NULL,
		           GW_RULE_Q5, "batch names are [A-Za-z0-9_-]{1,128}");
		gw_vm_check_unique(c, &q->name, &seen, GW_RULE_Q5);
		if (q->priority.v < 0 || q->priority.v > GW_LIM_PRIORITY_MAX) {
			ERR(c, gw_vm_at(q->priority.loc, q->loc), GW_RULE_Q4,
			    "use "
			    "0..1000; higher runs first",
			    "queue '%s' has priority %lld", name,
			    q->priority.v);
		}
		for (size_t j = 0; j < i; j++) {
			const struct gw_queue *o = &m->queues[j];
			if (o->priority.v == q->priority.v &&
			    queues_share_ce(q, o)) {
				WARN(c, gw_vm_at(q->priority.loc, q->loc), GW_RULE_Q4,
				     "give queues that share a compute "
				     "environment distinct priorities",
				     "queues '%s' and '%s' share a compute "
				     "environment and both have priority "
				     "%lld, so neither goes first",
				     gw_vm_str_or(&o->name, "?"), name,
				     q->priority.v);
				break;
			}
		}
		if (q->runnable_timeout.v != 0 &&
		    (q->runnable_timeout.v < GW_LIM_RUNNABLE_TIMEOUT_MIN ||
		     q->runnable_timeout.v > GW_LIM_RUNNABLE_TIMEOUT_MAX)) {
			ERR(c, q->runnable_timeout.loc, GW_RULE_Q6,
			    "use 600..86400 "
			    "seconds, or 0 for none",
			    "queue '%s' has "
			    "runnable_timeout %lld",
			    name, q->runnable_timeout.v);
		}
		check_queue_ces(c, q);
		check_queue_spot(c, q);
	}
}

/* ---- job definitions (J*)
 * -------------------------------------------------------- */

/* Fargate vCPU/memory pairs (Batch job_definition_parameters.md). */
struct fargate_size {
	long long vcpus, mem_min, mem_max, mem_step;
};

static const struct fargate_size fargate_sizes[] = {
        {1, 2048, 8192, 1024},     {2, 4096, 16384, 1024},
        {4, 8192, 30720, 1024},    {8, 16384, 61440, 4096},
        {16, 32768, 122880, 8192},
};

static void check_fargate_size(struct gw_vctx *c, const struct gw_job_def *jd)
{
	for (size_t i = 0; i < GW_ARRAY_LEN(fargate_sizes); i++) {
		const struct fargate_size *f = &fargate_sizes[i];
		if (f->vcpus != jd->vcpus.v) {
			continue;
		}
		long long mem = jd->memory_mib.v;
		if (mem < f->mem_min || mem > f->mem_max ||
		    (mem - f->mem_min) % f->mem_step != 0) {
			ERR(c, gw_vm_at(jd->memory_mib.loc, jd->loc), GW_RULE_J2, NULL,
			    "job definition '%s' runs on fargate with "
			    "%lld vcpus, which takes %lld..%lld mib in "
			    "steps of %lld, not %lld",
			    gw_vm_str_or(&jd->name, "?"), f->vcpus, f->mem_min,
			    f->mem_max, f->mem_step, mem);
		}
		return;
	}
	ERR(c, gw_vm_at(jd->vcpus.loc, jd->loc), GW_RULE_J2, "use 1, 2, 4, 8 or 16",
	    "job definition '%s' runs on fargate, which takes 1, 2, "
	    "4, 8 or 16 vcpus, not %lld",
	    gw_vm_str_or(&jd->name, "?"), jd->vcpus.v);
}

static bool queue_is_fargate(const struct gw_vctx *c, const struct gw_queue *q)
{
	for (size_t i = 0; i < q->n_ces; i++) {
		const struct gw_compute_env *ce =
		        gw_model_compute_env(c->m, q->ces[i].ce.s);
		if (ce && gw_ce_is_fargate(gw_vm_ce_type(ce))) {
			return true;
		}
	}
	return false;
}

static void check_job_def(struct gw_vctx *c, const struct gw_job_def *jd)
{
	const char *name = gw_vm_str_or(&jd->name, "?");
	if (jd->image.s) {
		const char *why = gw_names_image_error(jd->image.s);
		if (why) {
			ERR(c, jd->image.loc, GW_RULE_J9, NULL,
			    "image '%s' of job "
			    "definition '%s' %s",
			    jd->image.s, name, why);
		}
	}
	if (jd->vcpus.v < 1) {
		ERR(c, gw_vm_at(jd->vcpus.loc, jd->loc), GW_RULE_J2, "use at least 1",
		    "job definition '%s' has vcpus %lld", name, jd->vcpus.v);
	}
	if (jd->memory_mib.v < GW_LIM_JOB_MEMORY_MIN_MIB) {
		ERR(c, gw_vm_at(jd->memory_mib.loc, jd->loc), GW_RULE_J2,
		    "use at least "
		    "4",
		    "job definition '%s' has memory_mib %lld", name,
		    jd->memory_mib.v);
	}
	if (jd->gpus.v < 0) {
		ERR(c, jd->gpus.loc, GW_RULE_J5, NULL,
		    "job definition '%s' has gpus "
		    "%lld",
		    name, jd->gpus.v);
	}
	if (jd->timeout.v != 0 && jd->timeout.v < GW_LIM_JOB_TIMEOUT_MIN) {
		ERR(c, jd->timeout.loc, GW_RULE_J6,
		    "use at least 60 seconds, or 0 "
		    "for none",
		    "job definition '%s' has timeout %lld "
		    "seconds",
		    name, jd->timeout.v);
	}
	if (jd->attempts.set &&
	    (jd->attempts.v < 1 || jd->attempts.v > GW_LIM_ATTEMPTS_MAX)) {
		ERR(c, jd->attempts.loc, GW_RULE_J7, "use 1..10",
		    "job definition "
		    "'%s' has attempts %lld",
		    name, jd->attempts.v);
	}
	gw_stack_model_log_ref(c, &jd->log_group, "job definition", name,
	                       GW_RULE_J8);
	for (size_t i = 0; i < jd->environment.n; i++) {
		const struct gw_str *k = &jd->environment.v[i].key;
		/* Batch reserves the AWS_BATCH prefix for its own variables. */
		if (k->s && gw_has_prefix(k->s, "AWS_BATCH")) {
			ERR(c, k->loc, GW_RULE_J12, "rename the variable",
			    "environment variable '%s' of job definition '%s' "
			    "starts with AWS_BATCH, which batch reserves",
			    k->s, name);
		}
	}
	if (jd->job_role.s) {
		const struct gw_role *r = gw_model_role(c->m, jd->job_role.s);
		if (!r) {
			ERR(c, jd->job_role.loc, GW_RULE_R5,
			    "define it under 'roles:'",
			    "job definition '%s' uses job role '%s', "
			    "which the profile does not define",
			    name, jd->job_role.s);
		} else if (!gw_vm_role_trusts(r, "ecs-tasks")) {
			ERR(c, jd->job_role.loc, GW_RULE_R5,
			    "add 'ecs-tasks' to the "
			    "role's trust",
			    "job role '%s' of job "
			    "definition '%s' is not trusted by ecs-tasks",
			    jd->job_role.s, name);
		}
	}
	if (!jd->queue.s) {
		return;
	}
	const struct gw_queue *q = gw_model_queue(c->m, jd->queue.s);
	if (!q) {
		ERR(c, jd->queue.loc, GW_RULE_R6, "define it under 'job_queues:'",
		    "job definition '%s' goes to queue '%s', which the "
		    "profile does not define",
		    name, jd->queue.s);
		return;
	}
	if (queue_is_fargate(c, q)) {
		check_fargate_size(c, jd);
		return;
	}
	struct gw_request r = {
	        .kind = "job definition",
	        .name = name,
	        .vcpus = jd->vcpus.v,
	        .memory_mib = jd->memory_mib.v,
	        .gpus = jd->gpus.v,
	        .vcpus_at = gw_vm_at(jd->vcpus.loc, jd->loc),
	        .memory_at = gw_vm_at(jd->memory_mib.loc, jd->loc),
	        .gpus_at = gw_vm_at(jd->gpus.loc, jd->loc),
	        .rule_vcpus = GW_RULE_J3,
	        .rule_memory = GW_RULE_J4,
	        .rule_gpus = GW_RULE_J5,
	};
	gw_vm_check_fit(c, &r, q);
}

static void check_job_defs(struct gw_vctx *c)
{
	struct gw_name_list seen = {.kind = "job definition"};
	for (size_t i = 0; i < c->m->n_job_defs; i++) {
		const struct gw_job_def *jd = &c->m->job_defs[i];
		gw_vm_check_name(c, &jd->name, "job definition",
		           jd->name.s ? gw_names_batch_error(jd->name.s) : NULL,
		           GW_RULE_J1, "batch names are [A-Za-z0-9_-]{1,128}");
		gw_vm_check_unique(c, &jd->name, &seen, GW_RULE_J1);
		check_job_def(c, jd);
	}
}

/* ---- the table
 * ------------------------------------------------------------------ */

struct rule_group {
	const char *name;
	void (*run)(struct gw_vctx *c);
};

/* Each row checks one part of the profile; docs/rules.md lists the rules. */
static const struct rule_group rule_groups[] = {
        {"stack", gw_stack_model_stack},
        {"tags", gw_stack_model_tags},
        {"region and partition", gw_stack_model_region},
        {"bucket", gw_stack_model_bucket},
        {"iam", gw_iam_check_model},
        {"launch templates", check_launch_templates},
        {"compute environments", gw_ce_check_model},
        {"job queues", check_queues},
        {"job definitions", check_job_defs},
        {"log groups", gw_stack_model_log_groups},
        {"nextflow", gw_client_model_nextflow},
        {"nextstrain", gw_client_model_nextstrain},
};

bool gw_verify_model(const struct gw_model *m, struct gw_diags *d)
{
	size_t errors = d->n_errors;
	struct gw_vctx c = {.m = m,
	                .d = d,
	                .partition = m->partition,
	                .region = m->region.s ? m->region.s : "*",
	                .rc = {.d = d, .n_before = d->n}};
	const char *p, *dns;
	if (!c.partition && m->region.s &&
	    gw_partition_for_region(m->region.s, &p, &dns)) {
		c.partition = p;
	}
	for (size_t i = 0; i < GW_ARRAY_LEN(rule_groups); i++) {
		rule_groups[i].run(&c);
	}
	return d->n_errors == errors;
}
