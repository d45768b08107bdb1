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

/* ---- compute environments (CE*)
 * ---------------------------------------------- */

static const char *const strategies[] = {
        "BEST_FIT",
        "BEST_FIT_PROGRESSIVE",
        "SPOT_CAPACITY_OPTIMIZED",
        "SPOT_PRICE_CAPACITY_OPTIMIZED",
};

static const char *const image_types[] = {
        "ECS_AL2023",
        "ECS_AL2023_NVIDIA",
        "ECS_AL2",
        "ECS_AL2_NVIDIA",
};

static void check_ce_role(struct gw_vctx *c, const struct gw_compute_env *ce,
                          const struct gw_str *ref, const char *what,
                          const char *service, bool need_profile)
{
	if (!ref->s) {
		return;
	}
	const struct gw_role *r = gw_model_role(c->m, ref->s);
	if (!r) {
		ERR(c, ref->loc, GW_RULE_R1, "define it under 'roles:'",
		    "compute environment '%s' uses %s '%s', which the "
		    "profile does not define",
		    gw_vm_str_or(&ce->name, "?"), what, ref->s);
		return;
	}
	if (!gw_vm_role_trusts(r, service)) {
		ERR(c, ref->loc, GW_RULE_R1, "add the service to the role's trust",
		    "%s '%s' of compute environment '%s' does not "
		    "trust '%s'",
		    what, ref->s, gw_vm_str_or(&ce->name, "?"), service);
	}
	if (need_profile && !r->instance_profile.v) {
		ERR(c, ref->loc, GW_RULE_R1, "set instance_profile: true on the role",
		    "instance role '%s' of compute environment '%s' has "
		    "no instance profile",
		    ref->s, gw_vm_str_or(&ce->name, "?"));
	}
}

static void check_ce_types(struct gw_vctx *c, const struct gw_compute_env *ce,
                           const struct gw_ce_info *info)
{
	for (size_t i = 0; i < ce->instance_types.n; i++) {
		const struct gw_str *t = &ce->instance_types.v[i];
		if (!t->s) {
			continue;
		}
		char family[GW_DEVICE_NAME_MAX];
		gw_catalog_family(t->s, family, sizeof(family));
		if (strcmp(family, "a1") == 0 &&
		    gw_image_is_al2023(gw_vm_ce_image(ce))) {
			ERR(c, t->loc, GW_RULE_CE10,
			    "use graviton2+ (c6g, m6g, r6g ...) "
			    "or ECS_AL2",
			    "instance type '%s' cannot "
			    "run amazon linux 2023",
			    t->s);
		} else if (strstr(t->s, ".metal")) {
			WARN(c, t->loc, GW_RULE_CE6,
			     "use a family or a virtualized size",
			     "instance type '%s' is bare metal, which gwgen "
			     "does not size",
			     t->s);
		} else if (!gw_catalog_spec_known(t->s) &&
		           !gw_catalog_is_class(t->s)) {
			WARN(c, t->loc, GW_RULE_CE6,
			     "check the type or update "
			     "data/instance-types.tsv",
			     "instance type '%s' "
			     "is not in gwgen's catalog, so its size and "
			     "architecture are not checked",
			     t->s);
		}
	}
	if (info->arch_seen[GW_ARCH_X86_64] && info->arch_seen[GW_ARCH_ARM64]) {
		ERR(c, gw_vm_at(ce->instance_types.loc, ce->loc), GW_RULE_CE6,
		    "split "
		    "x86_64 and arm64 types into two compute "
		    "environments",
		    "compute environment '%s' mixes "
		    "architectures: '%s' is x86_64 and '%s' is arm64",
		    gw_vm_str_or(&ce->name, "?"),
		    info->arch_seen[GW_ARCH_X86_64]->name,
		    info->arch_seen[GW_ARCH_ARM64]->name);
	}
	if (info->n_types == 0) {
		return;
	}
	long long max = ce->max_vcpus.v;
	if (max > 0 && max < (long long)info->smallest->vcpus) {
		/*
		 * domain.md CE7 (ParallelCluster's instance type validator):
		 * an error with exactly one concrete instance type, which
		 * can never start; with families or several types Batch
		 * picks among them, and the rule is a warning.
		 */
		bool one_type = ce->instance_types.n == 1 &&
		                ce->instance_types.v[0].s &&
		                strchr(ce->instance_types.v[0].s, '.');
		gw_rule_report(&c->rc, GW_RULE_CE7, one_type ? GW_SEV_ERROR : GW_SEV_WARNING, gw_vm_at(ce->max_vcpus.loc, ce->loc),
		       "raise max_vcpus or add smaller instance types",
		       "compute environment '%s' allows %lld vcpus but its "
		       "smallest instance type (%s) has %u, so no instance "
		       "can start",
		       gw_vm_str_or(&ce->name, "?"), max, info->smallest->name,
		       info->smallest->vcpus);
	} else if (max > 0 && max < (long long)info->most_vcpus->vcpus) {
		NOTE(c, gw_vm_at(ce->max_vcpus.loc, ce->loc), GW_RULE_CE8, NULL,
		     "compute environment '%s' may run up to %lld vcpus: "
		     "batch can exceed max_vcpus %lld by one instance "
		     "(%s has %u)",
		     gw_vm_str_or(&ce->name, "?"), max + info->most_vcpus->vcpus - 1,
		     max, info->most_vcpus->name, info->most_vcpus->vcpus);
	}
	const char *image = gw_vm_ce_image(ce);
	if (info->most_gpus->gpus > 0 && !gw_image_is_nvidia(image)) {
		ERR(c, gw_vm_at(ce->image_type.loc, ce->loc), GW_RULE_CE10,
		    "use "
		    "image_type: ECS_AL2023_NVIDIA",
		    "compute environment '%s' includes gpu type '%s' but "
		    "image type '%s' has no nvidia drivers",
		    gw_vm_str_or(&ce->name, "?"), info->most_gpus->name, image);
	} else if (info->most_gpus->gpus == 0 && gw_image_is_nvidia(image)) {
		WARN(c, gw_vm_at(ce->image_type.loc, ce->loc), GW_RULE_CE10,
		     "use "
		     "ECS_AL2023 or add gpu types",
		     "compute environment "
		     "'%s' uses image type '%s' but has no gpu instance "
		     "type",
		     gw_vm_str_or(&ce->name, "?"), image);
	}
	if (strcmp(image, "ECS_AL2023_NVIDIA") == 0) {
		for (size_t i = 0; i < gw_catalog_count(); i++) {
			const struct gw_instance_type *t = gw_catalog_at(i);
			if (gw_vm_ce_selects(ce, t) &&
			    gw_has_prefix(t->name, "p3.")) {
				WARN(c, gw_vm_at(ce->instance_types.loc, ce->loc),
				     GW_RULE_CE10, "use g4dn, g5, g6 or p4d",
				     "instance type '%s' is reported as "
				     "unsupported by ECS_AL2023_NVIDIA",
				     t->name);
				break;
			}
		}
	}
}

static void check_compute_env(struct gw_vctx *c, const struct gw_compute_env *ce)
{
	const char *name = gw_vm_str_or(&ce->name, "?");
	enum gw_ce_type k = gw_vm_ce_type(ce);
	if (k == GW_CE_UNKNOWN) {
		ERR(c, ce->type.loc, GW_RULE_CE1,
		    "use EC2, SPOT, FARGATE or "
		    "FARGATE_SPOT",
		    "compute environment '%s' has type "
		    "'%s'",
		    name, ce->type.s);
		return;
	}
	if (!ce->max_vcpus.set && ce->max_vcpus.v == 0) {
		ERR(c, ce->loc, GW_RULE_CE1, "set max_vcpus",
		    "compute environment "
		    "'%s' has no max_vcpus",
		    name);
	}
	long long min = ce->min_vcpus.v, max = ce->max_vcpus.v;
	long long desired = ce->desired_vcpus.set ? ce->desired_vcpus.v : min;
	if (min < 0) {
		ERR(c, ce->min_vcpus.loc, GW_RULE_CE2, NULL,
		    "compute environment '%s' "
		    "has min_vcpus %lld, below 0",
		    name, min);
	} else if (min > desired) {
		ERR(c, ce->desired_vcpus.loc, GW_RULE_CE2,
		    "keep min <= desired <= max",
		    "compute environment '%s' has desired_vcpus %lld "
		    "below min_vcpus %lld",
		    name, desired, min);
	}
	if ((ce->max_vcpus.set || max != 0) && desired > max) {
		ERR(c, gw_vm_at(ce->max_vcpus.loc, ce->loc), GW_RULE_CE2,
		    "keep min <= "
		    "desired <= max",
		    "compute environment '%s' has "
		    "max_vcpus %lld below %s %lld",
		    name, max,
		    ce->desired_vcpus.set ? "desired_vcpus" : "min_vcpus",
		    desired);
	} else if (ce->max_vcpus.set && max < 1) {
		ERR(c, ce->max_vcpus.loc, GW_RULE_CE2, "use at least 1",
		    "compute environment '%s' has max_vcpus %lld", name, max);
	}
	if (min > 0 && !gw_ce_is_fargate(k)) {
		WARN(c, ce->min_vcpus.loc, GW_RULE_CE9,
		     "use min_vcpus: 0 unless "
		     "you want warm nodes",
		     "compute environment '%s' "
		     "keeps %lld vcpus running (and billed) while idle",
		     name, min);
	}
	const char *strategy = gw_vm_ce_strategy(ce);
	struct gw_loc sat = gw_vm_at(ce->allocation_strategy.loc, ce->loc);
	if (gw_ce_is_fargate(k)) {
		const char *bad =
		        ce->launch_template.s       ? "launch_template"
		        : ce->instance_types.n      ? "instance_types"
		        : ce->allocation_strategy.s ? "allocation_strategy"
		        : ce->bid_percentage.set    ? "bid_percentage"
		        : min > 0 || ce->desired_vcpus.v > 0 ? "min_vcpus"
		        : ce->instance_role.s                ? "instance_role"
		        : ce->spot_fleet_role.s              ? "spot_fleet_role"
		                                             : NULL;
		if (bad) {
			ERR(c, ce->loc, GW_RULE_CE17,
			    "remove it; fargate manages "
			    "instances itself",
			    "fargate compute "
			    "environment '%s' sets '%s'",
			    name, bad);
		}
		return;
	}
	if (!gw_vm_in_set(strategy, strategies, GW_ARRAY_LEN(strategies))) {
		ERR(c, sat, GW_RULE_CE3,
		    "use BEST_FIT_PROGRESSIVE or "
		    "SPOT_PRICE_CAPACITY_OPTIMIZED",
		    "compute "
		    "environment '%s' has allocation strategy '%s'",
		    name, strategy);
	} else if (gw_has_prefix(strategy, "SPOT_") && k != GW_CE_SPOT) {
		ERR(c, sat, GW_RULE_CE3, "use BEST_FIT_PROGRESSIVE on EC2",
		    "allocation strategy '%s' of compute environment "
		    "'%s' needs type SPOT, not '%s'",
		    strategy, name, gw_ce_type_names[k]);
	}
	bool best_fit = strcmp(strategy, "BEST_FIT") == 0;
	if (best_fit) {
		WARN(c, sat, GW_RULE_CE15, "use BEST_FIT_PROGRESSIVE",
		     "compute "
		     "environment '%s' uses BEST_FIT, which cannot take "
		     "infrastructure updates",
		     name);
	}
	if (k == GW_CE_SPOT && best_fit && !ce->spot_fleet_role.s) {
		ERR(c, ce->loc, GW_RULE_CE4,
		    "add spot_fleet_role, or use "
		    "SPOT_PRICE_CAPACITY_OPTIMIZED",
		    "spot compute "
		    "environment '%s' uses BEST_FIT and needs a spot "
		    "fleet role",
		    name);
	} else if (k != GW_CE_SPOT && ce->spot_fleet_role.s) {
		ERR(c, ce->spot_fleet_role.loc, GW_RULE_CE4, "remove spot_fleet_role",
		    "compute environment '%s' of type '%s' must not set "
		    "a spot fleet role",
		    name, gw_ce_type_names[k]);
	} else if (k == GW_CE_SPOT && !best_fit && ce->spot_fleet_role.s) {
		WARN(c, ce->spot_fleet_role.loc, GW_RULE_CE4,
		     "remove spot_fleet_role",
		     "compute environment '%s' uses '%s', which does not "
		     "use the spot fleet role",
		     name, strategy);
	}
	if (ce->bid_percentage.set) {
		if (k != GW_CE_SPOT) {
			ERR(c, ce->bid_percentage.loc, GW_RULE_CE5,
			    "remove "
			    "bid_percentage",
			    "compute environment '%s' "
			    "of type '%s' must not set bid_percentage",
			    name, gw_ce_type_names[k]);
		} else if (ce->bid_percentage.v < 1 ||
		           ce->bid_percentage.v > GW_LIM_BID_MAX) {
			ERR(c, ce->bid_percentage.loc, GW_RULE_CE5, "use 1..100",
			    "compute environment '%s' has "
			    "bid_percentage %lld",
			    name, ce->bid_percentage.v);
		}
	}
	if (ce->service_role.s) {
		WARN(c, ce->service_role.loc, GW_RULE_CE15,
		     "remove service_role to "
		     "use batch's service-linked role",
		     "compute environment '%s' uses a regular service "
		     "role, so it cannot take infrastructure updates",
		     name);
		check_ce_role(c, ce, &ce->service_role, "service role", "batch",
		              false);
	}
	if (!ce->instance_role.s) {
		ERR(c, ce->loc, GW_RULE_R1,
		    "set instance_role to a role with an "
		    "instance profile",
		    "compute environment '%s' has "
		    "no instance_role",
		    name);
	}
	check_ce_role(c, ce, &ce->instance_role, "instance role", "ec2", true);
	check_ce_role(c, ce, &ce->spot_fleet_role, "spot fleet role",
	              "spotfleet", false);
	if (ce->launch_template.s &&
	    !gw_model_launch_template(c->m, ce->launch_template.s)) {
		ERR(c, ce->launch_template.loc, GW_RULE_R4,
		    "define it under "
		    "'launch_templates:'",
		    "compute environment '%s' "
		    "uses launch template '%s', which the profile does "
		    "not define",
		    name, ce->launch_template.s);
	}
	const char *image = gw_vm_ce_image(ce);
	struct gw_loc iat = gw_vm_at(ce->image_type.loc, ce->loc);
	if (!gw_vm_in_set(image, image_types, GW_ARRAY_LEN(image_types))) {
		ERR(c, iat, GW_RULE_CE10, "use ECS_AL2023 or ECS_AL2023_NVIDIA",
		    "compute environment '%s' has image type '%s'", name,
		    image);
	} else if (!gw_image_is_al2023(image)) {
		ERR(c, iat, GW_RULE_CE11, "use ECS_AL2023 (or ECS_AL2023_NVIDIA)",
		    "image type '%s' of compute environment '%s' is "
		    "amazon linux 2, which aws batch blocks for new "
		    "compute environments since 2026-06-30",
		    image, name);
	}
	struct gw_ce_info info;
	gw_vm_describe_ce(ce, &info);
	check_ce_types(c, ce, &info);
	if (ce->tags.n > 0) {
		NOTE(c, gw_vm_at(ce->tags.loc, ce->loc), GW_RULE_CE14,
		     "to change them "
		     "later, rename the compute environment in the same "
		     "change",
		     "tags of compute environment '%s' are "
		     "create-only: changing them replaces it, which "
		     "cloudformation refuses for a custom-named resource",
		     name);
	}
}

static void check_compute_envs(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	/* First, so the cap on diagnostics cannot hide it. */
	if (m->n_compute_envs > GW_LIM_ACCOUNT_CES_MAX) {
		ERR(c, m->compute_envs[GW_LIM_ACCOUNT_CES_MAX].loc, GW_RULE_CE18, NULL,
		    "%zu compute environments exceed the 50 per "
		    "account and region",
		    m->n_compute_envs);
	}
	struct gw_name_list seen = {.kind = "compute environment"};
	for (size_t i = 0; i < m->n_compute_envs; i++) {
		const struct gw_compute_env *ce = &m->compute_envs[i];
		gw_vm_check_name(c, &ce->name, "compute environment",
		           ce->name.s ? gw_names_batch_error(ce->name.s) : NULL,
		           GW_RULE_CE16, "batch names are [A-Za-z0-9_-]{1,128}");
		gw_vm_check_unique(c, &ce->name, &seen, GW_RULE_CE16);
		check_compute_env(c, ce);
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
        {"compute environments", check_compute_envs},
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
