/* SPDX-License-Identifier: MIT */
/* Neutral facts the rule families share (facts.h). */
#include "facts.h"

#include <string.h>

const char *const gw_ce_type_names[GW_CE_UNKNOWN] = {
	[GW_CE_EC2] = "EC2",
	[GW_CE_SPOT] = "SPOT",
	[GW_CE_FARGATE] = "FARGATE",
	[GW_CE_FARGATE_SPOT] = "FARGATE_SPOT",
};

bool gw_ce_strategy_updates_in_place(const char *s)
{
	return s && (strcmp(s, "BEST_FIT_PROGRESSIVE") == 0 ||
	             strcmp(s, "SPOT_CAPACITY_OPTIMIZED") == 0 ||
	             strcmp(s, "SPOT_PRICE_CAPACITY_OPTIMIZED") == 0);
}

bool gw_ce_updates_in_place(const char *strategy, bool service_role)
{
	return !service_role && gw_ce_strategy_updates_in_place(strategy);
}

enum gw_ce_type gw_ce_type_of(const char *s)
{
	for (size_t i = 0; s && i < GW_ARRAY_LEN(gw_ce_type_names); i++) {
		if (strcmp(s, gw_ce_type_names[i]) == 0) {
			return (enum gw_ce_type)i;
		}
	}
	return GW_CE_UNKNOWN;
}

/* gw_types_each: one spec's entries, skipping those an earlier spec
 * selected already. */
struct types_walk {
	const struct gw_type_spec *specs;
	size_t spec;
	bool (*fn)(const struct gw_instance_type *t, void *arg);
	void *arg;
};

static bool types_walk_one(const struct gw_instance_type *t, void *arg)
{
	const struct types_walk *w = arg;
	for (size_t j = 0; j < w->spec; j++) {
		const char *spec = w->specs[j].spec;
		if (spec && gw_catalog_selects(spec, t)) {
			return true;
		}
	}
	return w->fn(t, w->arg);
}

void gw_types_each(const struct gw_type_set *ts,
                   const struct gw_type_spec *specs, size_t n,
                   bool (*fn)(const struct gw_instance_type *t, void *arg),
                   void *arg)
{
	struct types_walk w = {.specs = specs, .fn = fn, .arg = arg};
	for (w.spec = 0; w.spec < n; w.spec++) {
		if (specs[w.spec].spec) {
			gw_type_set_each(ts, specs[w.spec].spec, types_walk_one,
			                 &w);
		}
	}
}

struct select_walk {
	const struct gw_type_set *ts;
	struct gw_type_selection *s;
};

/* Whether 't' beats 'best' (NULL: anything does) on 'more', ties to the
 * entry the scan meets first. */
static bool beats(const struct gw_type_set *ts, const struct gw_instance_type *t,
                  const struct gw_instance_type *best, long long t_value,
                  long long best_value)
{
	return !best || t_value > best_value ||
	       (t_value == best_value && gw_type_set_before(ts, t, best));
}

static bool select_one(const struct gw_instance_type *t, void *arg)
{
	const struct select_walk *w = arg;
	const struct gw_type_set *ts = w->ts;
	struct gw_type_selection *s = w->s;
	s->n_types++;
	if (!s->arch[t->arch] || gw_type_set_before(ts, t, s->arch[t->arch])) {
		s->arch[t->arch] = t;
	}
	if (beats(ts, t, s->smallest, -(long long)t->vcpus,
	          s->smallest ? -(long long)s->smallest->vcpus : 0)) {
		s->smallest = t;
	}
	if (beats(ts, t, s->most_vcpus, t->vcpus,
	          s->most_vcpus ? s->most_vcpus->vcpus : 0)) {
		s->most_vcpus = t;
	}
	if (beats(ts, t, s->most_memory, t->memory_mib,
	          s->most_memory ? s->most_memory->memory_mib : 0)) {
		s->most_memory = t;
	}
	if (t->gpus > 0 && beats(ts, t, s->most_gpus, t->gpus,
	                         s->most_gpus ? s->most_gpus->gpus : 0)) {
		s->most_gpus = t;
	}
	if (t->gpus > 0 && gw_has_prefix(t->name, "p3.") &&
	    (!s->p3 || gw_type_set_before(ts, t, s->p3))) {
		s->p3 = t;
	}
	return true;
}

void gw_types_select(const struct gw_type_set *ts,
                     const struct gw_type_spec *specs, size_t n,
                     struct gw_type_selection *s)
{
	*s = (struct gw_type_selection){.all_known = n > 0};
	for (size_t i = 0; i < n; i++) {
		const char *spec = specs[i].spec;
		if (!spec || (!gw_type_set_spec_known(ts, spec) &&
		              !gw_catalog_is_class(spec))) {
			s->all_known = false;
		}
	}
	struct select_walk w = {.ts = ts, .s = s};
	gw_types_each(ts, specs, n, select_one, &w);
}
