/* SPDX-License-Identifier: MIT */
/*
 * What the rule families' profile adapters share: the verification
 * context over a model, and facts derived from the model (a compute
 * environment's type, strategy and image, what its instance types offer,
 * whether a request fits a queue), plus the name checks every family uses.
 */
#ifndef GW_MODEL_FACTS_H
#define GW_MODEL_FACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "batch.h"
#include "catalog.h"
#include "diag.h"
#include "facts.h"
#include "model.h"
#include "rules.h"

/* Names of one kind tracked for duplicates. */
#define GW_VM_NAMES_MAX 256
/* Longest message formatted by a check. */
#define GW_VM_MSG_BYTES 1024

/* Everything one verification run needs; no file-scope state. */
/* Everything one verification run needs; no file-scope state. */
struct gw_vctx {
	const struct gw_model *m;
	struct gw_diags *d;
	const char *partition; /* of the profile's region; NULL if unknown */
	const char *region;    /* "*" when unset */
	/* Where findings go; rc.n_before diagnostics were in 'd' when
	 * verification began: the loader's range errors, whose values it
	 * kept (profile.c, load()). */
	struct gw_rule_ctx rc;
	/* The catalog plus the profile's new_instance_types that pass CE6
	 * (gw_vm_types_init). */
	struct gw_type_set types;
};

/* Fill c->types from the model's new_instance_types; free it with
 * gw_vm_types_finish. Declarations the catalog already has, or without a
 * FAMILY.SIZE name, an architecture or a size, are left out (CE6 reports
 * them). */
void gw_vm_types_init(struct gw_vctx *c);
void gw_vm_types_finish(struct gw_vctx *c);

/* Whether 'name' is FAMILY.SIZE of [a-z0-9-] (EC2's instance type form). */
bool gw_vm_type_name_ok(const char *name);


/* Names of one kind, for the duplicate checks. */
struct gw_name_list {
	const char *kind;
	bool nocase;
	const struct gw_str *v[GW_VM_NAMES_MAX];
	size_t n;
};

/* The value's location when it has one, else the object's. */
struct gw_loc gw_vm_at(struct gw_loc value, struct gw_loc object);
const char *gw_vm_str_or(const struct gw_str *s, const char *dflt);
bool gw_vm_str_is(const struct gw_str *s, const char *v);
bool gw_vm_in_set(const char *s, const char *const *set, size_t n);
bool gw_vm_role_trusts(const struct gw_role *r, const char *service);
enum gw_ce_type gw_vm_ce_type(const struct gw_compute_env *ce);
const char *gw_vm_ce_strategy(const struct gw_compute_env *ce);
const char *gw_vm_ce_image(const struct gw_compute_env *ce);
bool gw_vm_ce_selects(const struct gw_compute_env *ce,
                       const struct gw_instance_type *t);
/* The instance type specs of 'ce' into 'specs' (GW_TYPE_SPECS_CAP), each
 * at its own location or 'at'; "optimal", gwgen's default, when it lists
 * none. Returns how many. */
size_t gw_vm_ce_specs(const struct gw_compute_env *ce, struct gw_loc at,
                      struct gw_type_spec *specs);
/* What the instance types of 'ce' select ("optimal" when it lists none;
 * nothing for Fargate). */
void gw_vm_describe_ce(const struct gw_type_set *types,
                       const struct gw_compute_env *ce,
                       struct gw_type_selection *info);
/* J3/J4/J5 (or the rules 'r' names) for 'r' on each compute environment
 * of queue 'q' (gw_rule_job_fit). */
void gw_vm_check_fit(struct gw_vctx *c, const struct gw_request *r,
                     const struct gw_queue *q);
void gw_vm_check_unique(struct gw_vctx *c, const struct gw_str *name,
                         struct gw_name_list *seen, enum gw_rule rule);
/*
 * N11: 'what' ("description", "job queue name", ...) is one line of text:
 * it becomes a CloudFormation Description, a name or a comment in the
 * generated files, and none of them is documented as multi-line (issue 6:
 * a value that cannot be represented safely is refused). Returns false
 * after reporting.
 */
bool gw_vm_check_one_line(struct gw_vctx *c, const struct gw_str *s,
                           const char *what);
/* Whether 's' holds no control character (what N11 asks; no report):
 * a name other rules may quote in their messages. */
bool gw_vm_is_one_line(const struct gw_str *s);
/*
 * 'path' (when set) is one line, an absolute path of [A-Za-z0-9._-] names:
 * the user data uses it unquoted (rule 'rule'; 'example' for the hint).
 */
void gw_vm_check_abs_path(struct gw_vctx *c, const struct gw_str *path,
                           const char *what, enum gw_rule rule,
                           const char *example);
void gw_vm_check_name(struct gw_vctx *c, const struct gw_str *name,
                       const char *kind, const char *why, enum gw_rule rule,
                       const char *hint);

#endif
