/* SPDX-License-Identifier: MIT */
/*
 * What Batch and CloudFormation make of a plan's compute environments and
 * job queues (plan_impl.h), and the most they can run at once.
 *
 * Facts used (cited in docs/rules.md too):
 * - ReplaceComputeEnvironment (CloudFormation AWS::Batch::ComputeEnvironment,
 *   default true): with true, a change that needs new instances replaces
 *   the compute environment; with false it is an infrastructure update in
 *   place. Turning it to false in the same update as other changes can
 *   leave the stack in UPDATE_ROLLBACK_FAILED. Switching between EC2 and
 *   Fargate always creates a new compute environment (ComputeResources
 *   Type).
 * - UpdateComputeEnvironment: infrastructure updates need the
 *   AWSServiceRoleForBatch service-linked role and BEST_FIT_PROGRESSIVE or
 *   SPOT_*_OPTIMIZED ("BEST_FIT is not supported when updating"); a
 *   compute environment never switches between the service-linked role and
 *   a regular service role; a Fargate one updates only its subnets,
 *   security groups and MaxvCpus (aws-cdk#27054 shows the refusal);
 *   desiredvCpus may not go below the current value (DesiredvCpus).
 * - DeleteComputeEnvironment: a compute environment is deleted only once
 *   no queue has it; a Fargate one whose jobs still run becomes INVALID.
 * - DeleteJobQueue: "All jobs in the queue are eventually terminated when
 *   you delete a job queue" (cloudformation-coverage-roadmap#2463,
 *   ASFHyP3/hyp3#799).
 * - CreateJobQueue schedulingPolicyArn: a queue without a fair-share
 *   policy "can't have a fair-share scheduling policy added", and one
 *   with a policy can have it "replaced but can't be removed".
 * - MaxvCpus: with BEST_FIT_PROGRESSIVE and the SPOT_* strategies, and
 *   with BEST_FIT on Spot, "AWS Batch never exceeds maxvCpus by more than
 *   a single instance" (and so may exceed it by one).
 */
#include "plan_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "catalog.h"
#include "facts.h"
#include "util.h"

static yaml_node_t *node(struct gw_plan_tpl *t, int i)
{
	return gw_cfn_node(&t->c, i);
}

static yaml_node_t *get(struct gw_plan_tpl *t, yaml_node_t *map,
		const char *key)
{
	return gw_cfn_get(&t->c, map, key);
}

static yaml_node_t *props_of(struct gw_plan_tpl *t, yaml_node_t *res)
{
	return get(t, res, "Properties");
}

static yaml_node_t *compute_of(struct gw_plan_tpl *t, yaml_node_t *res)
{
	return get(t, props_of(t, res), "ComputeResources");
}

static const char *compute_str(struct gw_plan_tpl *t, yaml_node_t *res,
		const char *key)
{
	return gw_cfn_literal(&t->c, get(t, compute_of(t, res), key));
}

static enum gw_ce_type ce_type(struct gw_plan_tpl *t, yaml_node_t *res)
{
	return gw_ce_type_of(compute_str(t, res, "Type"));
}

static bool has_prop(struct gw_plan_tpl *t, yaml_node_t *res, const char *key)
{
	return get(t, props_of(t, res), key) != NULL;
}

static bool changed(const struct gw_plan_res *r, const char *prop)
{
	for (size_t i = 0; i < r->n_props; i++) {
		if (strcmp(r->props[i].name, prop) == 0) {
			return true;
		}
	}
	return false;
}

static bool is_type(const struct gw_plan_res *r, const char *type)
{
	return strcmp(r->type, type) == 0;
}

/* ---- compute environments: in place or replaced ------------------------- */

/* A Fargate compute environment's subnets and security groups, which it
 * updates in place. */
static bool is_network(const char *prop)
{
	return strcmp(prop, "ComputeResources.Subnets") == 0 ||
		strcmp(prop, "ComputeResources.SecurityGroupIds") == 0;
}

/* Set each conditional property to 'repl', and the resource to the worst
 * of its properties. */
static void settle(struct gw_plan_res *r, enum gw_replacement repl,
		bool fargate_network_in_place)
{
	r->repl = GW_REPL_NEVER;
	for (size_t i = 0; i < r->n_props; i++) {
		struct gw_plan_prop *q = &r->props[i];
		if (q->repl == GW_REPL_CONDITIONAL) {
			bool network = is_network(q->name);
			q->repl = fargate_network_in_place && network
				? GW_REPL_NEVER : repl;
		}
		if (q->repl > r->repl) {
			r->repl = q->repl;
		}
	}
}

/*
 * Why Batch refuses an infrastructure update of this compute environment
 * in place, or NULL when it takes one.
 */
static const char *update_refused(struct gw_plan *p, struct gw_plan_res *r)
{
	struct gw_plan_tpl *to = &p->old, *tn = &p->new;
	if (gw_ce_is_fargate(ce_type(tn, r->new))) {
		return "a Fargate compute environment updates only its "
			"subnets, security groups and MaxvCpus in place";
	}
	if (has_prop(to, r->old, "ServiceRole") ||
	    has_prop(tn, r->new, "ServiceRole")) {
		return "infrastructure updates need the service-linked role, "
			"not a ServiceRole";
	}
	if (!gw_ce_strategy_updates_in_place(compute_str(to, r->old,
					"AllocationStrategy")) ||
	    !gw_ce_strategy_updates_in_place(compute_str(tn, r->new,
					"AllocationStrategy"))) {
		return "infrastructure updates need BEST_FIT_PROGRESSIVE or a "
			"SPOT_*_OPTIMIZED allocation strategy before and after "
			"the change (BEST_FIT, the default, takes none)";
	}
	return NULL;
}

static bool keeps_instances(struct gw_plan_tpl *t, yaml_node_t *res)
{
	const char *v = gw_cfn_literal(&t->c, get(t, props_of(t, res),
				"ReplaceComputeEnvironment"));
	return v && strcasecmp(v, "false") == 0;
}

/* PL8: what makes an update in place fail, or its rollback. */
static void check_in_place(struct gw_plan *p, struct gw_plan_res *r,
		const char *refused)
{
	struct gw_plan_tpl *to = &p->old, *tn = &p->new;
	if (has_prop(to, r->old, "ServiceRole") !=
	    has_prop(tn, r->new, "ServiceRole")) {
		GW_RULE_ERR(&p->rc, PL8, r->at, "create a new compute "
			"environment (a new logical ID) with the other role, "
			"move the queues to it, then remove this one",
			"%s (%s) switches between the service-linked role "
			"and a regular ServiceRole in place, which Batch "
			"refuses: the update fails", r->id, r->type);
	}
	if (refused) {
		GW_RULE_ERR(&p->rc, PL8, r->at, "set "
			"ReplaceComputeEnvironment to true so the change "
			"replaces it (with a new name, or none), or deploy the "
			"change as a new compute environment",
			"%s (%s) changes settings that need new instances, "
			"with ReplaceComputeEnvironment false, but %s: Batch "
			"refuses the update", r->id, r->type, refused);
	}
	if (changed(r, "ReplaceComputeEnvironment") && r->n_props > 1 &&
	    keeps_instances(tn, r->new)) {
		GW_RULE_WARN(&p->rc, PL8, r->at, "deploy "
			"ReplaceComputeEnvironment: false alone first, then "
			"the other changes",
			"%s (%s) sets ReplaceComputeEnvironment to false "
			"together with other changes: if the update rolls "
			"back, the stack can end in UPDATE_ROLLBACK_FAILED",
			r->id, r->type);
	}
	if (changed(r, "ComputeResources.DesiredvCpus")) {
		GW_RULE_WARN(&p->rc, PL8, r->at, "leave DesiredvCpus out of "
			"the template, or make sure the value is not below "
			"the one the compute environment has now",
			"%s (%s) changes DesiredvCpus: Batch refuses a value "
			"below the compute environment's current desired "
			"vCPUs, which the template cannot know", r->id,
			r->type);
	}
}

void gw_plan_batch_ce_update(struct gw_plan *p, struct gw_plan_res *r)
{
	struct gw_plan_tpl *to = &p->old, *tn = &p->new;
	const char *refused = NULL;
	if (r->repl == GW_REPL_CONDITIONAL) {
		bool was_fargate = gw_ce_is_fargate(ce_type(to, r->old));
		bool fargate = gw_ce_is_fargate(ce_type(tn, r->new));
		if (was_fargate != fargate) {
			settle(r, GW_REPL_ALWAYS, false);
			r->why = "replaced: switching between EC2 and Fargate "
				"creates a new compute environment";
		} else if (!keeps_instances(tn, r->new)) {
			settle(r, GW_REPL_ALWAYS, fargate);
			r->why = r->repl == GW_REPL_ALWAYS
				? "replaced: with ReplaceComputeEnvironment "
				  "true, the default, a change that needs new "
				  "instances replaces the compute environment"
				: "in place: a Fargate compute environment "
				  "updates its subnets and security groups";
		} else {
			settle(r, GW_REPL_CONDITIONAL, fargate);
			refused = r->repl == GW_REPL_CONDITIONAL
				? update_refused(p, r) : NULL;
			r->why = "in place: an infrastructure update "
				"(ReplaceComputeEnvironment false)";
		}
	}
	if (r->repl != GW_REPL_ALWAYS) {
		check_in_place(p, r, refused);
	}
}

/* ---- what a replacement or removal does to jobs ------------------------- */

/* Replaced (and CloudFormation can do it) or removed. */
static bool goes_away(const struct gw_plan_res *r)
{
	return r->action == GW_PLAN_REMOVE || (r->action == GW_PLAN_MODIFY &&
			r->repl == GW_REPL_ALWAYS && !r->fails);
}

static const char *gone_word(const struct gw_plan_res *r)
{
	return r->action == GW_PLAN_REMOVE ? "removed" : "replaced";
}

static void judge_queue(struct gw_plan *p, struct gw_plan_res *r)
{
	struct gw_plan_tpl *to = &p->old, *tn = &p->new;
	if (goes_away(r)) {
		GW_RULE_WARN(&p->rc, PL5, r->at, "set its State to DISABLED in "
			"a change of its own and deploy this one once its jobs "
			"have finished; clients that submit to its name or ARN "
			"need the new one",
			"job queue %s is %s: CloudFormation deletes the old "
			"queue, and Batch terminates every job still in it",
			r->id, gone_word(r));
	}
	if (r->action != GW_PLAN_MODIFY || r->repl == GW_REPL_ALWAYS) {
		return;
	}
	bool had = has_prop(to, r->old, "SchedulingPolicyArn");
	bool has = has_prop(tn, r->new, "SchedulingPolicyArn");
	if (had != has) {
		GW_RULE_ERR(&p->rc, PL6, r->at, "create the queue anew under "
			"another logical ID and name, move the clients to it, "
			"and remove this one once it is drained",
			"job queue %s %s its fair-share scheduling policy "
			"(SchedulingPolicyArn) in place: Batch %s, so the "
			"update fails", r->id, has ? "gets" : "loses",
			has ? "cannot add one to a first-in, first-out queue"
			    : "can replace a queue's policy but not remove it");
	}
}

void gw_plan_batch_res(struct gw_plan *p, struct gw_plan_res *r)
{
	if (is_type(r, GW_PLAN_QUEUE_TYPE)) {
		judge_queue(p, r);
	} else if (is_type(r, GW_PLAN_CE_TYPE) && goes_away(r) &&
		   gw_ce_is_fargate(ce_type(&p->old, r->old))) {
		GW_RULE_WARN(&p->rc, PL9, r->at, "set its State to DISABLED in "
			"a change of its own and deploy this one once its jobs "
			"have ended",
			"Fargate compute environment %s is %s: Batch needs its "
			"jobs ended before it deletes it, or it turns INVALID",
			r->id, gone_word(r));
	}
}

/* ---- queues that keep a compute environment that goes ------------------ */

/* The old compute environment named 'name' or by an ARN that ends in
 * "compute-environment/NAME", or NULL. */
static const char *old_ce_named(struct gw_plan *p, const char *name)
{
	struct gw_plan_tpl *to = &p->old;
	if (!to->resources) {
		return NULL;
	}
	const char *slash = strstr(name, ":compute-environment/");
	const char *want = slash ? strchr(slash + 1, '/') + 1 : name;
	for (yaml_node_pair_t *q = to->resources->data.mapping.pairs.start;
	     q < to->resources->data.mapping.pairs.top; q++) {
		yaml_node_t *res = node(to, q->value);
		const char *type = gw_cfn_scalar(get(to, res, "Type"));
		const char *ce = gw_cfn_literal(&to->c, get(to,
					props_of(to, res),
					"ComputeEnvironmentName"));
		if (type && strcmp(type, GW_PLAN_CE_TYPE) == 0 && ce &&
		    strcmp(ce, want) == 0) {
			return gw_cfn_scalar(node(to, q->key));
		}
	}
	return NULL;
}

static void check_entry(struct gw_plan *p, const char *queue, yaml_node_t *n)
{
	struct gw_plan_tpl *to = &p->old, *tn = &p->new;
	struct gw_loc at = gw_plan_where(p, GW_PLAN_QUEUE_TYPE, queue,
			gw_cfn_loc(&tn->c, n));
	const char *target = gw_cfn_ref_target(&tn->c, n);
	if (target) {
		yaml_node_t *was = get(to, to->resources, target);
		const char *type = gw_cfn_scalar(get(to, was, "Type"));
		if (!get(tn, tn->resources, target) &&
		    !get(tn, tn->c.parameters, target) && type &&
		    strcmp(type, GW_PLAN_CE_TYPE) == 0) {
			GW_RULE_ERR(&p->rc, PL7, at, "take it out of the "
				"queue's ComputeEnvironmentOrder in the same "
				"change",
				"job queue %s still refers to compute "
				"environment %s, which this change removes: "
				"CloudFormation rejects the template (an "
				"unresolved resource dependency)", queue,
				target);
		}
		return;
	}
	const char *name = gw_cfn_short_tag(n) ? NULL : gw_cfn_scalar(n);
	const char *ce = name ? old_ce_named(p, name) : NULL;
	struct gw_plan_res *r = ce ? gw_plan_find(p, ce) : NULL;
	if (r && goes_away(r)) {
		GW_RULE_ERR(&p->rc, PL7, at, "refer to it with !Ref (or "
			"!GetAtt) so CloudFormation moves the queue before it "
			"deletes the old one, or take it out of the queue in "
			"this change",
			"job queue %s still names compute environment %s "
			"('%s'), which this change %s: Batch deletes a "
			"compute environment only once no queue has it, so "
			"its deletion fails", queue, ce, name,
			r->action == GW_PLAN_REMOVE ? "removes" : "replaces");
	}
}

void gw_plan_batch_order(struct gw_plan *p)
{
	struct gw_plan_tpl *tn = &p->new;
	if (!tn->resources) {
		return;
	}
	for (yaml_node_pair_t *q = tn->resources->data.mapping.pairs.start;
	     q < tn->resources->data.mapping.pairs.top; q++) {
		yaml_node_t *res = node(tn, q->value);
		const char *id = gw_cfn_scalar(node(tn, q->key));
		const char *type = gw_cfn_scalar(get(tn, res, "Type"));
		if (!id || !type || strcmp(type, GW_PLAN_QUEUE_TYPE) != 0) {
			continue;
		}
		yaml_node_t *order = get(tn, props_of(tn, res),
				"ComputeEnvironmentOrder");
		for (size_t i = 0; i < gw_cfn_seq_len(order); i++) {
			yaml_node_t *e = gw_cfn_seq_at(&tn->c, order, i);
			yaml_node_t *ce = get(tn, e,
					"ComputeEnvironment");
			if (ce) {
				check_entry(p, id, ce);
			}
		}
	}
}

/* ---- the capacity ceiling ------------------------------------------------ */

/* The worst case of one compute environment: the instance type that puts
 * the most of each resource within its MaxvCpus. */
struct worst {
	long long max;   /* MaxvCpus */
	bool overshoot;  /* Batch may exceed it by one instance */
	long long vcpus, instances, gpus, memory_mib;
	bool any;
};

static bool take(const struct gw_instance_type *t, void *arg)
{
	struct worst *w = arg;
	if (t->vcpus == 0) {
		return true;
	}
	long long n = w->max / t->vcpus;
	if (w->overshoot && w->max % t->vcpus) {
		n++;
	}
	w->any = true;
	w->vcpus = n * t->vcpus > w->vcpus ? n * t->vcpus : w->vcpus;
	w->instances = n > w->instances ? n : w->instances;
	w->gpus = n * t->gpus > w->gpus ? n * t->gpus : w->gpus;
	long long mem = n * (long long)t->memory_mib;
	w->memory_mib = mem > w->memory_mib ? mem : w->memory_mib;
	return true;
}

static void add_ce(struct gw_plan_tpl *t, yaml_node_t *res,
		struct gw_plan_ceiling *c)
{
	yaml_node_t *cr = compute_of(t, res);
	long long max = 0;
	if (!gw_cfn_int(&t->c, get(t, cr, "MaxvCpus"), &max) ||
	    max <= 0 || max > GW_PLAN_VCPUS_MAX) {
		c->complete = false;
		return;
	}
	c->max_vcpus += max;
	enum gw_ce_type type = ce_type(t, res);
	if (gw_ce_is_fargate(type)) {
		/* Fargate has no instances and no GPUs; its memory is the
		 * jobs' own, up to their size. */
		c->vcpus += max;
		return;
	}
	const char *strategy = compute_str(t, res, "AllocationStrategy");
	struct worst w = {.max = max, .overshoot = type != GW_CE_EC2 ||
		(strategy && strcmp(strategy, "BEST_FIT") != 0)};
	yaml_node_t *types = get(t, cr, "InstanceTypes");
	for (size_t i = 0; i < gw_cfn_seq_len(types); i++) {
		const char *spec = gw_cfn_literal(&t->c,
				gw_cfn_seq_at(&t->c, types, i));
		if (!spec || !gw_catalog_spec_known(spec)) {
			c->complete = false;
			continue;
		}
		gw_catalog_each(spec, take, &w);
	}
	if (!w.any) {
		c->complete = false;
		c->vcpus += max;
		return;
	}
	c->vcpus += w.vcpus;
	c->instances += w.instances;
	c->gpus += w.gpus;
	c->memory_mib += w.memory_mib;
}

static void ceiling_of(struct gw_plan_tpl *t, struct gw_plan_ceiling *c)
{
	*c = (struct gw_plan_ceiling){.complete = true};
	if (!t->resources) {
		return;
	}
	for (yaml_node_pair_t *q = t->resources->data.mapping.pairs.start;
	     q < t->resources->data.mapping.pairs.top; q++) {
		yaml_node_t *res = node(t, q->value);
		const char *type = gw_cfn_scalar(get(t, res, "Type"));
		if (type && strcmp(type, GW_PLAN_CE_TYPE) == 0) {
			add_ce(t, res, c);
		}
	}
}

/* "vCPUs from 64 to 256" for each measure that rises, into 'b'. */
static void rises(struct gw_buf *b, const char *what, long long from,
		long long to, const char *unit)
{
	if (to > from) {
		gw_buf_printf(b, "%s%s from %lld to %lld%s", b->len ? ", " : "",
				what, from, to, unit);
	}
}

void gw_plan_batch_ceiling(struct gw_plan *p)
{
	const struct gw_plan_ceiling *o = &p->old_ceiling, *n = &p->new_ceiling;
	ceiling_of(&p->old, &p->old_ceiling);
	ceiling_of(&p->new, &p->new_ceiling);
	struct gw_buf b;
	gw_buf_init(&b);
	rises(&b, "vCPUs", o->vcpus, n->vcpus, "");
	if (n->max_vcpus != n->vcpus || o->max_vcpus != o->vcpus) {
		rises(&b, "the sum of MaxvCpus", o->max_vcpus,
				n->max_vcpus, "");
	}
	rises(&b, "GPUs", o->gpus, n->gpus, "");
	rises(&b, "memory", GW_PLAN_GIB(o->memory_mib),
			GW_PLAN_GIB(n->memory_mib), " GiB");
	if (b.len) {
		struct gw_loc at = {p->new.file, 1, 1};
		for (size_t i = 0; i < p->n_res; i++) {
			if (is_type(&p->res[i], GW_PLAN_CE_TYPE) &&
			    p->res[i].action != GW_PLAN_REMOVE) {
				at = p->res[i].at;
				break;
			}
		}
		GW_RULE_WARN(&p->rc, PL4, at, "gwgen has no prices: check "
			"the account's quotas and the budget against these "
			"numbers",
			"the worst-case capacity Batch may run at once "
			"rises: %s", gw_buf_str(&b));
	}
	gw_buf_finish(&b);
}
