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

size_t gw_vm_ce_specs(const struct gw_compute_env *ce, struct gw_loc at,
                      struct gw_type_spec *specs)
{
	if (ce->instance_types.n == 0) {
		/* gwgen's default, which the renderer writes. */
		specs[0] = (struct gw_type_spec){"optimal", at};
		return 1;
	}
	size_t n = 0;
	for (size_t i = 0; i < ce->instance_types.n && n < GW_TYPE_SPECS_CAP;
	     i++) {
		const struct gw_str *t = &ce->instance_types.v[i];
		specs[n++] = (struct gw_type_spec){t->s, gw_vm_at(t->loc, at)};
	}
	return n;
}

void gw_vm_describe_ce(const struct gw_type_set *types,
                       const struct gw_compute_env *ce,
                       struct gw_type_selection *info)
{
	if (gw_ce_is_fargate(gw_vm_ce_type(ce))) {
		*info = (struct gw_type_selection){0};
		return;
	}
	struct gw_type_spec specs[GW_TYPE_SPECS_CAP];
	gw_types_select(types, specs, gw_vm_ce_specs(ce, ce->loc, specs), info);
}

/* ---- sizing: a request against the CEs of a queue (J3/J4/J5, NF2, NS2) -- */

void gw_vm_check_fit(struct gw_vctx *c, const struct gw_request *r,
                     const struct gw_queue *q)
{
	const char *qn = gw_vm_str_or(&q->name, "?");
	for (size_t i = 0; i < q->n_ces; i++) {
		const struct gw_compute_env *ce =
		        gw_model_compute_env(c->m, q->ces[i].ce.s);
		if (!ce || gw_ce_is_fargate(gw_vm_ce_type(ce))) {
			continue; /* Fargate sizes are J2's */
		}
		struct gw_type_spec specs[GW_TYPE_SPECS_CAP];
		struct gw_fit_target t = {
		        .types = &c->types,
		        .specs = specs,
		        .n_specs = gw_vm_ce_specs(ce, ce->loc, specs),
		        .ce = gw_vm_str_or(&ce->name, "?"),
		        .queue = qn,
		        .has_max_vcpus = ce->max_vcpus.set || ce->max_vcpus.v > 0,
		        .max_vcpus = ce->max_vcpus.v,
		        .image = gw_vm_ce_image(ce),
		};
		if (q->n_ces > 1) {
			snprintf(t.where, sizeof(t.where),
			         "reachable through queue '%s' in compute "
			         "environment '%s'",
			         qn, t.ce);
		} else {
			snprintf(t.where, sizeof(t.where),
			         "reachable through queue '%s'", qn);
		}
		gw_rule_job_fit(&c->rc, r, &t);
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
