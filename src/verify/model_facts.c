/* SPDX-License-Identifier: MIT */
/* What the profile adapters share (model_facts.h). */
#include "model_facts.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_limits.h"
#include "names.h"
#include "util.h"

#define PERMILLE 1000

struct gw_loc gw_vm_at(struct gw_loc value, struct gw_loc object)
{
	return value.line ? value : object;
}

const char *gw_vm_str_or(const struct gw_str *s, const char *dflt)
{
	return s->s ? s->s : dflt;
}

bool gw_vm_str_is(const struct gw_str *s, const char *v)
{
	return s->s && strcmp(s->s, v) == 0;
}

bool gw_vm_in_set(const char *s, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s, set[i]) == 0) {
			return true;
		}
	}
	return false;
}

bool gw_vm_role_trusts(const struct gw_role *r, const char *service)
{
	for (size_t i = 0; i < r->trust.n; i++) {
		if (gw_vm_str_is(&r->trust.v[i], service)) {
			return true;
		}
	}
	return false;
}

/* ---- compute environment facts ------------------------------------------- */

/* The type of 'ce' (unset: EC2, the loader's default). */
enum gw_ce_type gw_vm_ce_type(const struct gw_compute_env *ce)
{
	return gw_ce_type_of(gw_vm_str_or(&ce->type, "EC2"));
}

const char *gw_vm_ce_strategy(const struct gw_compute_env *ce)
{
	if (ce->allocation_strategy.s) {
		return ce->allocation_strategy.s;
	}
	return gw_vm_ce_type(ce) == GW_CE_SPOT ? "SPOT_PRICE_CAPACITY_OPTIMIZED"
	                              : "BEST_FIT_PROGRESSIVE";
}

const char *gw_vm_ce_image(const struct gw_compute_env *ce)
{
	return gw_vm_str_or(&ce->image_type, "ECS_AL2023");
}

bool gw_vm_ce_selects(const struct gw_compute_env *ce,
                       const struct gw_instance_type *t)
{
	if (ce->instance_types.n == 0) {
		return gw_catalog_selects("optimal", t);
	}
	for (size_t i = 0; i < ce->instance_types.n; i++) {
		const char *spec = ce->instance_types.v[i].s;
		if (spec && gw_catalog_selects(spec, t)) {
			return true;
		}
	}
	return false;
}

bool gw_vm_type_name_ok(const char *name)
{
	const char *dot = strchr(name, '.');
	if (!dot || dot == name || dot[1] == '\0' || strchr(dot + 1, '.')) {
		return false;
	}
	for (const char *p = name; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '.')) {
			return false;
		}
	}
	return true;
}

void gw_vm_types_init(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	struct gw_instance_type *extra =
	        m->n_new_types ? gw_xcalloc(m->n_new_types, sizeof(*extra))
	                       : NULL;
	size_t n = 0;
	for (size_t i = 0; i < m->n_new_types; i++) {
		const struct gw_new_type *nt = &m->new_types[i];
		if (!nt->name.s || !gw_vm_type_name_ok(nt->name.s) ||
		    gw_catalog_find(nt->name.s) || !nt->arch.s ||
		    nt->vcpus.v < 1 || nt->memory_mib.v < 1 || nt->gpus.v < 0 ||
		    nt->vcpus.v > UINT_MAX || nt->memory_mib.v > UINT_MAX ||
		    nt->gpus.v > UINT_MAX) {
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < n; j++) {
			dup = dup || strcmp(extra[j].name, nt->name.s) == 0;
		}
		if (dup) {
			continue;
		}
		extra[n++] = (struct gw_instance_type){
		        .name = nt->name.s,
		        .vcpus = (unsigned)nt->vcpus.v,
		        .memory_mib = (unsigned)nt->memory_mib.v,
		        .gpus = (unsigned)nt->gpus.v,
		        .arch = strcmp(nt->arch.s, "arm64") == 0 ? GW_ARCH_ARM64
		                                                 : GW_ARCH_X86_64,
		};
	}
	c->types = (struct gw_type_set){.extra = extra, .n_extra = n};
}

void gw_vm_types_finish(struct gw_vctx *c)
{
	free((void *)c->types.extra);
	c->types = (struct gw_type_set){0};
}

/* A walk over the entries of a type set that a compute environment's
 * instance types select ("optimal" when it lists none), each entry once:
 * per spec, skipping what an earlier spec selected. */
struct ce_walk {
	const struct gw_type_set *types;
	const struct gw_compute_env *ce;
	size_t spec;
	bool (*fn)(const struct gw_instance_type *t, void *arg,
	           const struct gw_type_set *types);
	void *arg;
};

static bool ce_walk_one(const struct gw_instance_type *t, void *arg)
{
	const struct ce_walk *w = arg;
	for (size_t j = 0; j < w->spec; j++) {
		const char *spec = w->ce->instance_types.v[j].s;
		if (spec && gw_catalog_selects(spec, t)) {
			return true;
		}
	}
	return w->fn(t, w->arg, w->types);
}

static void ce_each(struct ce_walk *w)
{
	if (w->ce->instance_types.n == 0) {
		gw_type_set_each(w->types, "optimal", ce_walk_one, w);
		return;
	}
	for (w->spec = 0; w->spec < w->ce->instance_types.n; w->spec++) {
		const char *spec = w->ce->instance_types.v[w->spec].s;
		if (spec) {
			gw_type_set_each(w->types, spec, ce_walk_one, w);
		}
	}
}

/* Ties go to the entry a scan of the set meets first. */
static bool add_to_info(const struct gw_instance_type *t, void *arg,
                        const struct gw_type_set *ts)
{
	struct gw_ce_info *info = arg;
	info->n_types++;
	const struct gw_instance_type *s = info->smallest;
	if (!s || t->vcpus < s->vcpus ||
	    (t->vcpus == s->vcpus && gw_type_set_before(ts, t, s))) {
		info->smallest = t;
	}
	s = info->most_vcpus;
	if (!s || t->vcpus > s->vcpus ||
	    (t->vcpus == s->vcpus && gw_type_set_before(ts, t, s))) {
		info->most_vcpus = t;
	}
	s = info->most_memory;
	if (!s || t->memory_mib > s->memory_mib ||
	    (t->memory_mib == s->memory_mib && gw_type_set_before(ts, t, s))) {
		info->most_memory = t;
	}
	s = info->most_gpus;
	if (!s || t->gpus > s->gpus ||
	    (t->gpus == s->gpus && gw_type_set_before(ts, t, s))) {
		info->most_gpus = t;
	}
	s = info->arch_seen[t->arch];
	if (!s || gw_type_set_before(ts, t, s)) {
		info->arch_seen[t->arch] = t;
	}
	return true;
}

/* The type with the most memory that fits a request in every dimension. */
struct fit {
	const struct gw_request *r;
	const struct gw_instance_type *best;
};

static bool fits_all(const struct gw_instance_type *t, void *arg,
                     const struct gw_type_set *ts)
{
	struct fit *f = arg;
	const struct gw_request *r = f->r;
	if ((long long)t->vcpus >= r->vcpus && (long long)t->gpus >= r->gpus &&
	    (long long)t->memory_mib - GW_LIM_ECS_RESERVED_MIB >= r->memory_mib &&
	    (!f->best || t->memory_mib > f->best->memory_mib ||
	     (t->memory_mib == f->best->memory_mib &&
	      gw_type_set_before(ts, t, f->best)))) {
		f->best = t;
	}
	return true;
}

void gw_vm_describe_ce(const struct gw_type_set *types,
                       const struct gw_compute_env *ce,
                       struct gw_ce_info *info)
{
	memset(info, 0, sizeof(*info));
	info->all_known = true;
	for (size_t i = 0; i < ce->instance_types.n; i++) {
		const char *spec = ce->instance_types.v[i].s;
		if (!spec || !gw_type_set_spec_known(types, spec)) {
			info->all_known = false;
		}
	}
	if (gw_ce_is_fargate(gw_vm_ce_type(ce))) {
		return;
	}
	struct ce_walk w = {.types = types, .ce = ce, .fn = add_to_info,
	                    .arg = info};
	ce_each(&w);
}

/* ---- sizing: a request against the CEs of a queue (J3/J4/J5, NF2, NS2) ----
 */

static void fit_ce(struct gw_vctx *c, const struct gw_request *r,
                         const struct gw_queue *q,
                         const struct gw_compute_env *ce)
{
	struct gw_ce_info info;
	gw_vm_describe_ce(&c->types, ce, &info);
	if (gw_ce_is_fargate(gw_vm_ce_type(ce)) || info.n_types == 0) {
		return; /* Fargate sizes are J2's; unknown types were warned */
	}
	char where[GW_VM_MSG_BYTES];
	if (q->n_ces > 1) {
		snprintf(where, sizeof(where), " in compute environment '%s'",
		         gw_vm_str_or(&ce->name, "?"));
	} else {
		where[0] = '\0';
	}
	const char *qn = gw_vm_str_or(&q->name, "?");
	bool vcpu_ok = true;
	if (r->vcpus > info.most_vcpus->vcpus) {
		gw_rule_report(&c->rc, r->rule_vcpus, GW_SEV_ERROR, r->vcpus_at,
		    "lower the request or add a larger instance type "
		    "to the compute environment",
		    "%s '%s' needs %lld vcpus but the largest instance "
		    "type reachable through queue '%s'%s (%s) has %u",
		    r->kind, r->name, r->vcpus, qn, where,
		    info.most_vcpus->name, info.most_vcpus->vcpus);
		vcpu_ok = false;
	} else if (ce->max_vcpus.set || ce->max_vcpus.v > 0) {
		if (r->vcpus > ce->max_vcpus.v) {
			gw_rule_report(&c->rc, r->rule_vcpus, GW_SEV_ERROR, r->vcpus_at,
			    "raise max_vcpus of the compute "
			    "environment or lower the request",
			    "%s '%s' needs %lld vcpus but compute "
			    "environment '%s' of queue '%s' allows at "
			    "most %lld (max_vcpus)",
			    r->kind, r->name, r->vcpus, gw_vm_str_or(&ce->name, "?"),
			    qn, ce->max_vcpus.v);
			vcpu_ok = false;
		}
	}
	bool gpu_ok = true;
	if (r->gpus > 0 && r->gpus > (long long)info.most_gpus->gpus) {
		gw_rule_report(&c->rc, r->rule_gpus, GW_SEV_ERROR, r->gpus_at,
		    "add a gpu instance type (g4dn, g5, g6, p3, p4d) "
		    "with enough gpus",
		    "%s '%s' needs %lld gpus but the instance type with "
		    "the most gpus reachable through queue '%s'%s (%s) "
		    "has %u",
		    r->kind, r->name, r->gpus, qn, where, info.most_gpus->name,
		    info.most_gpus->gpus);
		gpu_ok = false;
	}
	if (r->gpus > 0 && !gw_image_is_nvidia(gw_vm_ce_image(ce))) {
		gw_rule_report(&c->rc, r->rule_gpus, GW_SEV_ERROR, r->gpus_at,
		    "set image_type: ECS_AL2023_NVIDIA on the compute "
		    "environment",
		    "%s '%s' needs gpus but compute environment '%s' of "
		    "queue '%s' uses image type '%s' without nvidia "
		    "drivers",
		    r->kind, r->name, gw_vm_str_or(&ce->name, "?"), qn, gw_vm_ce_image(ce));
	}
	long long most_avail =
	        (long long)info.most_memory->memory_mib - GW_LIM_ECS_RESERVED_MIB;
	bool mem_ok = true;
	if (r->memory_mib > most_avail) {
		gw_rule_report(&c->rc, r->rule_memory, GW_SEV_ERROR, r->memory_at,
		    "request less memory or add a larger instance "
		    "type; the ECS agent reserves 32 MiB",
		    "%s '%s' needs %lld mib but the largest instance "
		    "type reachable through queue '%s'%s (%s) has %u "
		    "mib, at most %lld after the ecs agent's 32 mib",
		    r->kind, r->name, r->memory_mib, qn, where,
		    info.most_memory->name, info.most_memory->memory_mib,
		    most_avail);
		mem_ok = false;
	}
	if (!vcpu_ok || !gpu_ok || !mem_ok) {
		return;
	}
	/* Each dimension fits some type; does one type fit them all? */
	struct fit fit = {.r = r};
	struct ce_walk w = {.types = &c->types, .ce = ce, .fn = fits_all,
	                    .arg = &fit};
	ce_each(&w);
	const struct gw_instance_type *best = fit.best;
	if (!best) {
		gw_rule_report(&c->rc, r->rule_memory, GW_SEV_ERROR, r->memory_at,
		    "lower vcpus or memory, or add an instance type "
		    "with both",
		    "%s '%s' needs %lld vcpus and %lld mib together, "
		    "which no single instance type reachable through "
		    "queue '%s'%s offers",
		    r->kind, r->name, r->vcpus, r->memory_mib, qn, where);
		return;
	}
	/* memory_mib is at most most_avail here; a negative request (a
	 * range error the loader kept) must not overflow the product. */
	if (r->memory_mib > 0 && r->memory_mib * PERMILLE >
	    (long long)best->memory_mib * GW_LIM_MEMORY_WARN_PERMILLE) {
		gw_rule_report(&c->rc, r->rule_memory, GW_SEV_WARNING, r->memory_at,
		     "leave about 10% for the os and ecs agent "
		     "(c5.xlarge: ~7400 of 8192 mib are available)",
		     "%s '%s' needs %lld mib, more than 90%% of the %u "
		     "mib of the roomiest fitting instance type (%s) "
		     "reachable through queue '%s'%s, so it may stay "
		     "runnable",
		     r->kind, r->name, r->memory_mib, best->memory_mib,
		     best->name, qn, where);
	}
}

void gw_vm_check_fit(struct gw_vctx *c, const struct gw_request *r,
                      const struct gw_queue *q)
{
	for (size_t i = 0; i < q->n_ces; i++) {
		const struct gw_compute_env *ce =
		        gw_model_compute_env(c->m, q->ces[i].ce.s);
		if (ce) {
			fit_ce(c, r, q, ce);
		}
	}
}

/* ---- names and uniqueness (N*) ------------------------------------------- */

void gw_vm_check_unique(struct gw_vctx *c, const struct gw_str *name,
                         struct gw_name_list *seen, enum gw_rule rule)
{
	if (!name->s) {
		return;
	}
	for (size_t i = 0; i < seen->n; i++) {
		bool same = seen->nocase ? gw_names_equal_nocase(seen->v[i]->s,
		                                                 name->s)
		                         : strcmp(seen->v[i]->s, name->s) == 0;
		if (same) {
			gw_rule_report(&c->rc, rule, GW_SEV_ERROR, name->loc, "give each one its own name",
			    "%s name '%s' is already used at line %u%s",
			    seen->kind, name->s, seen->v[i]->loc.line,
			    seen->nocase ? " (iam names are unique "
			                   "ignoring case)"
			                 : "");
			return;
		}
	}
	if (seen->n < GW_ARRAY_LEN(seen->v)) {
		seen->v[seen->n++] = name;
	}
}

/* ---- one-line text (N11) ------------------------------------------------ */

#define ASCII_DEL 0x7f
#define UTF8_C1_LEAD 0xc2 /* U+0080..U+009F are C2 80..C2 9F */
#define UTF8_C1_LAST 0x9f
#define UTF8_CONT_MASK 0xc0
#define UTF8_CONT 0x80

/*
 * The first control character of 's' (C0, DEL, or a C1 control in UTF-8):
 * its code point into '*cp' and its 1-based character position into
 * '*pos'. Returns false when there is none.
 */
static bool find_control(const char *s, unsigned *cp, size_t *pos)
{
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & UTF8_CONT_MASK) != UTF8_CONT) {
			chars++;
		}
		if (*p < ' ' || *p == ASCII_DEL) {
			*cp = *p;
			*pos = chars;
			return true;
		}
		if (p[0] == UTF8_C1_LEAD && p[1] >= UTF8_CONT &&
		    p[1] <= UTF8_C1_LAST) {
			*cp = p[1];
			*pos = chars;
			return true;
		}
	}
	return false;
}

static const char *control_name(unsigned cp)
{
	switch (cp) {
	case '\n':
		return " (line feed)";
	case '\r':
		return " (carriage return)";
	case '\t':
		return " (tab)";
	default:
		return "";
	}
}

bool gw_vm_is_one_line(const struct gw_str *s)
{
	unsigned cp;
	size_t pos;
	return !s->s || !find_control(s->s, &cp, &pos);
}

bool gw_vm_check_one_line(struct gw_vctx *c, const struct gw_str *s,
                           const char *what)
{
	unsigned cp;
	size_t pos;
	if (!s->s || !find_control(s->s, &cp, &pos)) {
		return true;
	}
	GW_RULE_ERR(&c->rc, N11, s->loc, "remove it: this value is one line of text",
	    "%s has control character U+%04X%s at character %zu", what, cp,
	    control_name(cp), pos);
	return false;
}

void gw_vm_check_abs_path(struct gw_vctx *c, const struct gw_str *path,
                           const char *what, enum gw_rule rule,
                           const char *example)
{
	if (!path->s || !gw_vm_check_one_line(c, path, what) ||
	    gw_names_is_clean_path(path->s, true)) {
		return;
	}
	char hint[GW_VM_MSG_BYTES];
	snprintf(hint, sizeof(hint), "write an absolute path such as %s",
	         example);
	gw_rule_report(&c->rc, rule, GW_SEV_ERROR, path->loc, hint,
	    "%s '%s' is not an absolute path of [A-Za-z0-9._-] names", what,
	    path->s);
}

void gw_vm_check_name(struct gw_vctx *c, const struct gw_str *name,
                       const char *kind, const char *why, enum gw_rule rule,
                       const char *hint)
{
	char what[GW_VM_MSG_BYTES];
	snprintf(what, sizeof(what), "%s name", kind);
	if (!gw_vm_check_one_line(c, name, what)) {
		return;
	}
	if (name->s && why) {
		gw_rule_report(&c->rc, rule, GW_SEV_ERROR, name->loc, hint, "%s name '%s' %s", kind, name->s,
		    why);
	}
}
