/* SPDX-License-Identifier: MIT */
/* The verifier: the table of AWS rules checked on the model (docs/rules.md). */
#include "verify.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arn.h"
#include "batch.h"
#include "buf.h"
#include "catalog.h"
#include "emit.h"
#include "iam.h"
#include "facts.h"
#include "model_facts.h"
#include "names.h"
#include "rules.h"
#include "aws_limits.h"
#include "templates.h"
#include "userdata.h"
#include "util.h"

#define PERMILLE 1000
#define PERCENT_MAX 100
#define SHA256_HEX 64
#define GW_VM_MSG_BYTES 1024
#define ARN_MAX 2048
#define GW_VM_NAMES_MAX 256 /* names of one kind tracked for duplicates */
#define ACCOUNT_ID_DIGITS 12

static bool same_loc(struct gw_loc a, struct gw_loc b)
{
	if (!a.line || a.line != b.line || a.col != b.col) {
		return false;
	}
	return a.file == b.file ||
	       (a.file && b.file && strcmp(a.file, b.file) == 0);
}

/* Whether an error in d->v[0..n) is at 'at'. */
static bool has_error_at(const struct gw_diags *d, size_t n, struct gw_loc at)
{
	for (size_t i = 0; i < n && i < d->n; i++) {
		if (d->v[i].sev == GW_SEV_ERROR && same_loc(d->v[i].loc, at)) {
			return true;
		}
	}
	return false;
}

/*
 * Add to 'd' what a render found ('found'): its errors, except one at a
 * place that has an error already (one finding per value), and with
 * '!errors_only' its warnings and notes too.
 */
static void add_new_findings(struct gw_diags *d, const struct gw_diags *found,
                             bool errors_only)
{
	for (size_t i = 0; i < found->n; i++) {
		const struct gw_diag *g = &found->v[i];
		bool error = g->sev == GW_SEV_ERROR;
		if (error ? has_error_at(d, d->n, g->loc) : errors_only) {
			continue;
		}
		gw_diag_add(d, g->sev, g->loc, g->rule, g->hint, "%s", g->msg);
	}
}


/* ---- region and partition ------------------------------------------------ */

static void check_region(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	if (!m->region.s) {
		return; /* the loader requires it */
	}
	const char *p, *dns;
	if (!gw_partition_for_region(m->region.s, &p, &dns)) {
		ERR(c, m->region.loc, GW_RULE_A1,
		    "write a region such as 'us-west-2'",
		    "region '%s' matches no aws partition", m->region.s);
		return;
	}
	if (m->partition && strcmp(m->partition, p) != 0) {
		ERR(c, m->region.loc, GW_RULE_A1, NULL,
		    "region '%s' is in partition '%s' but the model "
		    "says '%s'",
		    m->region.s, p, m->partition);
	}
	if (m->account_id.s) {
		const char *acct = m->account_id.s;
		bool ok = strlen(acct) == ACCOUNT_ID_DIGITS;
		for (const char *q = acct; ok && *q; q++) {
			ok = isdigit((unsigned char)*q);
		}
		if (!ok) {
			ERR(c, m->account_id.loc, GW_RULE_A9,
			    "account IDs are 12 "
			    "digits",
			    "account_id '%s' is not 12 digits", acct);
		}
	}
}

/* ---- S3 bucket -------------------------------------------------------------
 */

static void check_bucket(struct gw_vctx *c)
{
	const struct gw_bucket *b = &c->m->bucket;
	if (!b->present || !b->name.s) {
		return;
	}
	gw_vm_check_name(c, &b->name, "bucket", gw_names_bucket_error(b->name.s),
	           GW_RULE_N1,
	           "bucket names are 3..63 of [a-z0-9.-], start and "
	           "end alphanumeric, and are unique in the partition");
	if (strchr(b->name.s, '.')) {
		WARN(c, b->name.loc, GW_RULE_N2, "use '-' instead of '.'",
		     "bucket name '%s' contains '.', which breaks "
		     "virtual-hosted https certificates",
		     b->name.s);
	}
	static const char *const enc[] = {"sse-s3", "sse-kms"};
	if (b->encryption.s &&
	    !gw_vm_in_set(b->encryption.s, enc, GW_ARRAY_LEN(enc))) {
		ERR(c, b->encryption.loc, GW_RULE_S9, "use 'sse-s3' or 'sse-kms'",
		    "bucket encryption '%s' is not 'sse-s3' or "
		    "'sse-kms'",
		    b->encryption.s);
	}
	if (b->expire_days.v < 0 || b->abort_multipart_days.v < 0) {
		struct gw_loc at = b->expire_days.v < 0
		                           ? b->expire_days.loc
		                           : b->abort_multipart_days.loc;
		ERR(c, gw_vm_at(at, b->loc), GW_RULE_N1,
		    "use 0 for none or a positive "
		    "number of days",
		    "bucket lifecycle days must not "
		    "be negative");
	}
}

/* ---- IAM
 * --------------------------------------------------------------------- */

static bool statement_has_action(const struct gw_statement *s,
                                 const char *action)
{
	for (size_t i = 0; i < s->actions.n; i++) {
		if (s->actions.v[i].s &&
		    gw_iam_glob(s->actions.v[i].s, action)) {
			return true;
		}
	}
	return false;
}

static bool statement_has_resource(const struct gw_statement *s,
                                   enum gw_res_kind kind)
{
	for (size_t i = 0; i < s->n_resources; i++) {
		if (s->resources[i].kind == kind) {
			return true;
		}
	}
	return false;
}

/*
 * S7: IAM refuses a policy that names an action which does not exist, and
 * a wildcard that matches no action grants nothing (IAM service
 * authorization reference, via data/iam-actions.tsv).
 */
static void check_action_known(struct gw_vctx *c, const char *s, struct gw_loc at)
{
	if (gw_iam_each(s, NULL, NULL) > 0) {
		return;
	}
	const char *colon = strchr(s, ':');
	int svc_len = (int)(colon - s);
	const char *guess = gw_iam_suggest(s);
	char hint[GW_VM_MSG_BYTES];
	if (guess) {
		snprintf(hint, sizeof(hint), "did you mean '%s'?", guess);
	} else {
		snprintf(hint, sizeof(hint), "see the service authorization "
		         "reference for the service's actions");
	}
	if (!gw_iam_service_known(s) && !strpbrk(s, "*?")) {
		ERR(c, at, GW_RULE_S7, hint,
		    "action '%s' names service '%.*s', which iam does not "
		    "know", s, svc_len, s);
	} else if (strpbrk(s, "*?")) {
		ERR(c, at, GW_RULE_S7, hint,
		    "action pattern '%s' matches no iam action", s);
	} else {
		ERR(c, at, GW_RULE_S7, hint,
		    "action '%s' is not an action of service '%.*s', so iam "
		    "refuses the policy", s, svc_len, s);
	}
}

static void check_action(struct gw_vctx *c, const struct gw_str *a)
{
	const char *s = a->s;
	if (strcmp(s, "*") == 0) {
		ERR(c, a->loc, GW_RULE_S1, "list the actions the role needs",
		    "action '*' grants every aws action");
		return;
	}
	const char *colon = strchr(s, ':');
	bool ok = colon && colon != s && colon[1] != '\0';
	for (const char *p = s; ok && p < colon; p++) {
		ok = islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
		     *p == '-';
	}
	for (const char *p = colon ? colon + 1 : s; ok && *p; p++) {
		ok = isalnum((unsigned char)*p) || *p == '*' || *p == '?';
	}
	if (!ok) {
		ERR(c, a->loc, GW_RULE_S4,
		    "write service:Action, e.g. "
		    "'s3:GetObject'",
		    "action '%s' is not of the form "
		    "service:Action",
		    s);
		return;
	}
	if (strcmp(colon + 1, "*") == 0) {
		WARN(c, a->loc, GW_RULE_S1, "list the actions the role needs",
		     "action '%s' grants every action of the service", s);
	}
	check_action_known(c, s, a->loc);
}

static void build_arn(struct gw_vctx *c, const struct gw_resource *r, char *out,
                      size_t n)
{
	const char *p = c->partition ? c->partition : "aws";
	const char *acct = c->m->account_id.s ? c->m->account_id.s : "*";
	const char *bucket =
	        c->m->bucket.name.s ? c->m->bucket.name.s : "bucket";
	const char *v = gw_vm_str_or(&r->value, "");
	switch (r->kind) {
	case GW_RES_BUCKET:
		snprintf(out, n, "arn:%s:s3:::%s", p, bucket);
		break;
	case GW_RES_OBJECTS:
		snprintf(out, n, "arn:%s:s3:::%s/%s", p, bucket, v);
		break;
	case GW_RES_SECRET:
		snprintf(out, n, "arn:%s:secretsmanager:%s:%s:secret:%s", p,
		         c->region, acct, v);
		break;
	case GW_RES_LOG_GROUP:
		snprintf(out, n, "arn:%s:logs:%s:%s:log-group:%s", p, c->region,
		         acct, v);
		break;
	case GW_RES_ROLE:
		snprintf(out, n, "arn:%s:iam::%s:role/%s", p, acct, v);
		break;
	case GW_RES_ARN:
		snprintf(out, n, "%s", v);
		break;
	case GW_RES_ANY:
		snprintf(out, n, "*");
		break;
	}
}

/* gw_iam_each callback: keep the first action that takes resources. */
static bool find_scoped(const struct gw_iam_action *a, void *arg)
{
	const struct gw_iam_action **first = arg;
	if (a->n > 0) {
		*first = a;
		return false;
	}
	return true;
}

/*
 * The profile's own resource forms for the resource types that have one,
 * so a hint can name the bucket's objects as 'bucket/' plus '*' rather
 * than the raw ARN.
 */
static const struct {
	const char *type; /* "SERVICE:TYPE" as in data/iam-actions.tsv */
	const char *form;
} profile_forms[] = {
        {"s3:bucket", "'bucket'"},
        {"s3:object", "'bucket/*'"},
        {"iam:role", "'role:NAME'"},
        {"secretsmanager:Secret", "'secret:NAME-*'"},
        {"logs:log-group", "'log-group:NAME'"},
};

/*
 * S2: Resource "*" on an action that takes resource-level permissions
 * (its resource types in the IAM service authorization reference are not
 * empty). Actions with no resource types accept only "*" and pass. One
 * finding per statement, naming the first such action.
 */
static void check_star_resource(struct gw_vctx *c, const struct gw_policy *pol,
                                const struct gw_statement *s,
                                struct gw_loc at)
{
	const struct gw_iam_action *scoped = NULL;
	const char *written = NULL;
	size_t more = 0;
	for (size_t j = 0; j < s->actions.n; j++) {
		const char *a = s->actions.v[j].s;
		const struct gw_iam_action *first = NULL;
		if (!a || strcmp(a, "*") == 0) {
			continue; /* S1 */
		}
		gw_iam_each(a, find_scoped, &first);
		if (first && scoped) {
			more++;
		} else if (first) {
			scoped = first;
			written = a;
		}
	}
	if (!scoped) {
		return;
	}
	struct gw_iam_arn_values v = {
	        .partition = c->partition ? c->partition : "aws",
	        .region = strcmp(c->region, "*") ? c->region : "REGION",
	        .account = c->m->account_id.s ? c->m->account_id.s : "ACCOUNT",
	};
	char scope[GW_VM_MSG_BYTES], hint[GW_VM_MSG_BYTES * 2];
	const struct gw_iam_type *t =
	        gw_iam_scope_hint(scoped, &v, false, scope, sizeof(scope));
	const char *form = NULL;
	for (size_t k = 0; t && !form && k < scoped->n; k++) {
		bool req;
		const char *name =
		        gw_iam_str(gw_iam_action_type(scoped, k, &req)->name);
		for (size_t i = 0; i < GW_ARRAY_LEN(profile_forms); i++) {
			if (strcmp(profile_forms[i].type, name) == 0) {
				form = profile_forms[i].form;
			}
		}
	}
	if (form) {
		snprintf(hint, sizeof(hint), "scope it to %s, e.g. %s", scope,
		         form);
	} else {
		snprintf(hint, sizeof(hint), "scope it to %s", scope);
	}
	char also[GW_VM_MSG_BYTES] = "";
	if (more) {
		snprintf(also, sizeof(also), " (and %zu more action%s of the "
		         "statement)", more, more == 1 ? "" : "s");
	}
	const char *scoped_name = gw_iam_str(scoped->name);
	if (strcmp(written, scoped_name) != 0) {
		WARN(c, at, GW_RULE_S2, hint,
		     "policy '%s' allows '%s' (e.g. '%s') on resource '*' "
		     "although the action supports resource-level "
		     "permissions%s",
		     gw_vm_str_or(&pol->name, "?"), written, scoped_name, also);
	} else {
		WARN(c, at, GW_RULE_S2, hint,
		     "policy '%s' allows '%s' on resource '*' although the "
		     "action supports resource-level permissions%s",
		     gw_vm_str_or(&pol->name, "?"), written, also);
	}
}

static void check_resources(struct gw_vctx *c, const struct gw_policy *pol,
                            const struct gw_statement *s, bool allow)
{
	if (s->n_resources == 0) {
		ERR(c, gw_vm_at(s->resources_loc, s->loc), GW_RULE_S6,
		    "add resources, "
		    "e.g. 'bucket/*'",
		    "statement in policy '%s' has no "
		    "resources",
		    gw_vm_str_or(&pol->name, "?"));
	}
	for (size_t i = 0; i < s->n_resources; i++) {
		const struct gw_resource *r = &s->resources[i];
		struct gw_loc at = gw_vm_at(r->loc, s->loc);
		char arn[ARN_MAX];
		if ((r->kind == GW_RES_BUCKET || r->kind == GW_RES_OBJECTS) &&
		    !c->m->bucket.present) {
			ERR(c, at, GW_RULE_R8,
			    "add a 'bucket:' section or use a "
			    "literal 'arn:'",
			    "policy '%s' refers to "
			    "the bucket but the profile defines none",
			    gw_vm_str_or(&pol->name, "?"));
			continue;
		}
		if (r->kind == GW_RES_ANY) {
			if (allow) {
				check_star_resource(c, pol, s, at);
			}
			continue;
		}
		build_arn(c, r, arn, sizeof(arn));
		gw_arn_verify(arn, c->partition, GW_ARN_POLICY, at, c->d);
	}
}

static void check_passrole(struct gw_vctx *c, const struct gw_policy *pol,
                           const struct gw_statement *s)
{
	if (!statement_has_action(s, "iam:PassRole")) {
		return;
	}
	for (size_t i = 0; i < s->n_resources; i++) {
		const struct gw_resource *r = &s->resources[i];
		const char *v = gw_vm_str_or(&r->value, "");
		bool broad = r->kind == GW_RES_ANY ||
		             (r->kind == GW_RES_ROLE && strpbrk(v, "*?")) ||
		             (r->kind == GW_RES_ARN &&
		              (!strstr(v, ":role/") ||
		               strpbrk(strstr(v, ":role/"), "*?")));
		if (broad) {
			ERR(c, gw_vm_at(r->loc, s->loc), GW_RULE_S3,
			    "pass only named roles: "
			    "'role:NAME'",
			    "policy '%s' allows "
			    "iam:PassRole on '%s%s', not on a named "
			    "role",
			    gw_vm_str_or(&pol->name, "?"),
			    r->kind == GW_RES_ROLE ? "role:" : "",
			    r->kind == GW_RES_ANY ? "*" : v);
		}
	}
}

static void check_s3_pairs(struct gw_vctx *c, const struct gw_policy *pol,
                           const struct gw_statement *s)
{
	/* Bucket actions need the bucket ARN, object actions bucket/KEY. */
	if (statement_has_resource(s, GW_RES_ANY) ||
	    statement_has_resource(s, GW_RES_ARN)) {
		return;
	}
	if (statement_has_action(s, "s3:ListBucket") &&
	    !statement_has_resource(s, GW_RES_BUCKET)) {
		WARN(c, s->loc, GW_RULE_A4, "add the resource 'bucket'",
		     "policy '%s' allows s3:ListBucket but not on the "
		     "bucket arn, so listing fails",
		     gw_vm_str_or(&pol->name, "?"));
	}
	if (statement_has_action(s, "s3:GetObject") &&
	    !statement_has_resource(s, GW_RES_OBJECTS) &&
	    statement_has_resource(s, GW_RES_BUCKET)) {
		WARN(c, s->loc, GW_RULE_A4, "add the resource 'bucket/*'",
		     "policy '%s' allows s3:GetObject but only on the "
		     "bucket arn, which matches no object",
		     gw_vm_str_or(&pol->name, "?"));
	}
}

/*
 * The length of the policy document as IAM counts it (no whitespace): the
 * minified JSON gwgen renders for 'pol'.
 */
static size_t policy_document_len(struct gw_vctx *c, const struct gw_policy *pol)
{
	size_t n = strlen("{\"Version\":\"2012-10-17\",\"Statement\":[]}");
	for (size_t i = 0; i < pol->n_statements; i++) {
		const struct gw_statement *s = &pol->statements[i];
		n += strlen("{\"Effect\":\"\",\"Action\":[],\"Resource\":[]},");
		n += strlen(gw_vm_str_or(&s->effect, "Allow"));
		if (s->sid.s) {
			n += strlen("\"Sid\":\"\",") + strlen(s->sid.s);
		}
		for (size_t j = 0; j < s->actions.n; j++) {
			n += strlen("\"\",") + strlen(gw_vm_str_or(&s->actions.v[j], ""));
		}
		for (size_t j = 0; j < s->n_resources; j++) {
			char arn[ARN_MAX];
			build_arn(c, &s->resources[j], arn, sizeof(arn));
			n += strlen("\"\",") + strlen(arn);
		}
	}
	return n;
}

static void check_policy(struct gw_vctx *c, const struct gw_policy *pol)
{
	size_t len = policy_document_len(c, pol);
	if (len > GW_LIM_MANAGED_POLICY_DOC_MAX) {
		ERR(c, pol->loc, GW_RULE_N9, "split it into two policies",
		    "policy '%s' renders to about %zu characters, more than "
		    "the 6144 iam allows for a managed policy",
		    gw_vm_str_or(&pol->name, "?"), len);
	}
	for (size_t i = 0; i < pol->n_statements; i++) {
		const struct gw_statement *s = &pol->statements[i];
		bool allow = !gw_vm_str_is(&s->effect, "Deny");
		if (s->effect.s && !gw_vm_str_is(&s->effect, "Allow") &&
		    !gw_vm_str_is(&s->effect, "Deny")) {
			ERR(c, s->effect.loc, GW_RULE_S5, "use 'Allow' or 'Deny'",
			    "effect '%s' is not 'Allow' or 'Deny'",
			    s->effect.s);
		}
		if (s->sid.s) {
			for (const char *p = s->sid.s; *p; p++) {
				if (!isalnum((unsigned char)*p)) {
					ERR(c, s->sid.loc, GW_RULE_S5,
					    "sids are "
					    "[A-Za-z0-9]*",
					    "sid '%s' "
					    "has a character other than "
					    "letters and digits",
					    s->sid.s);
					break;
				}
			}
		}
		if (s->actions.n == 0) {
			ERR(c, gw_vm_at(s->actions.loc, s->loc), GW_RULE_S6,
			    "list "
			    "actions",
			    "statement in policy '%s' has no "
			    "actions",
			    gw_vm_str_or(&pol->name, "?"));
		}
		for (size_t j = 0; j < s->actions.n; j++) {
			if (s->actions.v[j].s) {
				check_action(c, &s->actions.v[j]);
			}
		}
		check_resources(c, pol, s, allow);
		if (allow) {
			check_passrole(c, pol, s);
			check_s3_pairs(c, pol, s);
		}
	}
}

static void check_policy_refs(struct gw_vctx *c, const struct gw_strs *names,
                              const char *owner_kind,
                              const struct gw_str *owner)
{
	for (size_t i = 0; i < names->n; i++) {
		const struct gw_str *p = &names->v[i];
		if (p->s && !gw_model_policy(c->m, p->s)) {
			ERR(c, p->loc, GW_RULE_R2, "define it under 'policies:'",
			    "%s '%s' attaches policy '%s', which the "
			    "profile does not define",
			    owner_kind, gw_vm_str_or(owner, "?"), p->s);
		}
	}
}

static void check_managed(struct gw_vctx *c, const struct gw_strs *managed,
                          size_t n_policies, const char *owner_kind,
                          const struct gw_str *owner)
{
	for (size_t i = 0; i < managed->n; i++) {
		const struct gw_str *p = &managed->v[i];
		if (!p->s) {
			continue;
		}
		char arn[ARN_MAX];
		snprintf(arn, sizeof(arn), "arn:%s:iam::aws:policy/%s",
		         c->partition ? c->partition : "aws", p->s);
		gw_arn_verify(arn, c->partition, 0, p->loc, c->d);
	}
	if (managed->n + n_policies > GW_LIM_MANAGED_POLICIES_MAX) {
		ERR(c, owner->loc, GW_RULE_N8, "merge policies",
		    "%s '%s' attaches %zu managed policies, more than "
		    "the 20 cloudformation accepts",
		    owner_kind, gw_vm_str_or(owner, "?"), managed->n + n_policies);
	}
}

static const char *const trust_services[] = {
        "ec2",
        "ecs-tasks",
        "batch",
        "spotfleet",
};

static void check_iam(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	struct gw_name_list seen = {.kind = "policy", .nocase = true};
	for (size_t i = 0; i < m->n_policies; i++) {
		const struct gw_policy *p = &m->policies[i];
		gw_vm_check_name(c, &p->name, "policy",
		           p->name.s ? gw_names_iam_error(p->name.s,
		                                          GW_LIM_IAM_NAME_MAX)
		                     : NULL,
		           GW_RULE_N3, "iam names are [A-Za-z0-9+=,.@_-]");
		gw_vm_check_unique(c, &p->name, &seen, GW_RULE_N4);
		check_policy(c, p);
	}
	seen = (struct gw_name_list){.kind = "role", .nocase = true};
	for (size_t i = 0; i < m->n_roles; i++) {
		const struct gw_role *r = &m->roles[i];
		gw_vm_check_name(c, &r->name, "role",
		           r->name.s ? gw_names_iam_error(r->name.s,
		                                          GW_LIM_ROLE_NAME_MAX)
		                     : NULL,
		           GW_RULE_N3,
		           "role names are at most 64 of "
		           "[A-Za-z0-9+=,.@_-]");
		gw_vm_check_unique(c, &r->name, &seen, GW_RULE_N4);
		if (r->trust.n == 0) {
			ERR(c, gw_vm_at(r->trust.loc, r->loc), GW_RULE_R1,
			    "trust ec2, "
			    "ecs-tasks, batch or spotfleet",
			    "role '%s' trusts no service",
			    gw_vm_str_or(&r->name, "?"));
		}
		for (size_t j = 0; j < r->trust.n; j++) {
			const struct gw_str *t = &r->trust.v[j];
			if (t->s && !gw_vm_in_set(t->s, trust_services,
			                    GW_ARRAY_LEN(trust_services))) {
				ERR(c, t->loc, GW_RULE_A2,
				    "use ec2, ecs-tasks, batch "
				    "or spotfleet",
				    "role '%s' trusts "
				    "unknown service '%s'",
				    gw_vm_str_or(&r->name, "?"), t->s);
			}
		}
		if (r->instance_profile.v && !gw_vm_role_trusts(r, "ec2")) {
			ERR(c, r->instance_profile.loc, GW_RULE_R1,
			    "add 'ec2' to trust",
			    "role '%s' has an instance profile but "
			    "does not trust ec2",
			    gw_vm_str_or(&r->name, "?"));
		}
		check_policy_refs(c, &r->policies, "role", &r->name);
		check_managed(c, &r->managed, r->policies.n, "role", &r->name);
	}
	seen = (struct gw_name_list){.kind = "group", .nocase = true};
	for (size_t i = 0; i < m->n_groups; i++) {
		const struct gw_group *g = &m->groups[i];
		gw_vm_check_name(c, &g->name, "group",
		           g->name.s ? gw_names_iam_error(g->name.s,
		                                          GW_LIM_IAM_NAME_MAX)
		                     : NULL,
		           GW_RULE_N3, "iam names are [A-Za-z0-9+=,.@_-]");
		gw_vm_check_unique(c, &g->name, &seen, GW_RULE_N4);
		check_policy_refs(c, &g->policies, "group", &g->name);
		check_managed(c, &g->managed, g->policies.n, "group", &g->name);
	}
	seen = (struct gw_name_list){.kind = "user", .nocase = true};
	for (size_t i = 0; i < m->n_users; i++) {
		const struct gw_user *u = &m->users[i];
		gw_vm_check_name(c, &u->name, "user",
		           u->name.s ? gw_names_iam_error(u->name.s,
		                                          GW_LIM_IAM_NAME_MAX)
		                     : NULL,
		           GW_RULE_N3, "iam names are [A-Za-z0-9+=,.@_-]");
		gw_vm_check_unique(c, &u->name, &seen, GW_RULE_N4);
		check_policy_refs(c, &u->policies, "user", &u->name);
		if (u->groups.n > GW_LIM_USER_GROUPS_MAX) {
			ERR(c, u->groups.loc, GW_RULE_N8, "merge groups",
			    "user '%s' "
			    "is in %zu groups, more than the 10 iam "
			    "allows",
			    gw_vm_str_or(&u->name, "?"), u->groups.n);
		}
		for (size_t j = 0; j < u->groups.n; j++) {
			const struct gw_str *g = &u->groups.v[j];
			if (g->s && !gw_model_group(m, g->s)) {
				ERR(c, g->loc, GW_RULE_R3,
				    "define it under 'groups:'",
				    "user '%s' joins group '%s', which "
				    "the profile does not define",
				    gw_vm_str_or(&u->name, "?"), g->s);
			}
		}
	}
}

/* ---- launch templates: devices (D*), volumes (V*), user data (L*) -------- */

struct volume_limits {
	const char *type;
	long long size_min, size_max; /* GiB */
	long long iops_min, iops_max; /* 0 = IOPS not allowed */
	long long iops_per_gib;       /* 0 = no ratio */
	bool bootable;
};

/* ParallelCluster ebs_validators.py (EbsVolumeTypeSize/Iops validators). */
static const struct volume_limits volume_limits[] = {
        {"gp3", 1, 16384, 3000, 16000, 500, true},
        {"gp2", 1, 16384, 0, 0, 0, true},
        {"io1", 4, 16384, 100, 64000, 50, true},
        {"io2", 4, 65536, 100, 256000, 1000, true},
        {"st1", 500, 16384, 0, 0, 0, false},
        {"sc1", 500, 16384, 0, 0, 0, false},
        {"standard", 1, 1024, 0, 0, 0, true},
};


static const struct volume_limits *find_limits(const char *type)
{
	for (size_t i = 0; i < GW_ARRAY_LEN(volume_limits); i++) {
		if (strcmp(volume_limits[i].type, type) == 0) {
			return &volume_limits[i];
		}
	}
	return NULL;
}

static bool verify_ebs(struct gw_vctx *c, const struct gw_ebs_volume *v)
{
	size_t errors = c->d->n_errors;
	const char *dev = v->device ? v->device : "?";
	const char *type = v->type ? v->type : "gp3";
	const struct volume_limits *l = find_limits(type);
	if (!l) {
		ERR(c, v->type_at, GW_RULE_V1, "use gp3, gp2, io1, io2, st1, sc1 or "
		    "standard",
		    "volume '%s' has unknown type '%s'", dev, type);
		return false;
	}
	if (v->root && !l->bootable) {
		ERR(c, v->type_at, GW_RULE_V1, "use gp3 for the root volume",
		    "root volume type '%s' cannot be a boot volume", type);
	}
	long long size = v->size_gib;
	bool gp3 = strcmp(type, "gp3") == 0;
	if (v->has_size) {
		if (gp3 && size > l->size_max && size <= GW_LIM_GP3_SIZE_NEW_MAX) {
			WARN(c, v->size_at, GW_RULE_V1,
			     "check the current gp3 limit in your region",
			     "volume '%s' is %lld gib; gp3 went above 16384 "
			     "gib only in 2025",
			     dev, size);
		} else if (size < l->size_min || size > l->size_max) {
			ERR(c, v->size_at, GW_RULE_V1, NULL,
			    "volume '%s' is %lld gib but %s volumes are "
			    "%lld..%lld gib",
			    dev, size, type, l->size_min, l->size_max);
		}
	}
	if (v->has_iops) {
		long long iops = v->iops;
		if (l->iops_max == 0) {
			ERR(c, v->iops_at, GW_RULE_V2,
			    "remove iops or use gp3, io1 or io2",
			    "volume '%s' sets iops but %s volumes take none",
			    dev, type);
		} else if (gp3 && iops > l->iops_max &&
		           iops <= GW_LIM_GP3_IOPS_NEW_MAX) {
			WARN(c, v->iops_at, GW_RULE_V2,
			     "check the current gp3 limit in your region",
			     "volume '%s' asks for %lld iops; gp3 went above "
			     "16000 only in 2025",
			     dev, iops);
		} else if (iops < l->iops_min || iops > l->iops_max) {
			ERR(c, v->iops_at, GW_RULE_V2, NULL,
			    "volume '%s' asks for %lld iops but %s volumes "
			    "take %lld..%lld",
			    dev, iops, type, l->iops_min, l->iops_max);
		} else if (v->has_size && size >= l->size_min &&
		           size <= GW_LIM_GP3_SIZE_NEW_MAX && l->iops_per_gib > 0 &&
		           iops > size * l->iops_per_gib &&
		           !(gp3 && iops <= l->iops_min)) {
			ERR(c, v->iops_at, GW_RULE_V2, "grow the volume or lower iops",
			    "volume '%s' asks for %lld iops on %lld gib, more "
			    "than %lld iops per gib for %s",
			    dev, iops, size, l->iops_per_gib, type);
		}
	}
	if (v->has_throughput) {
		long long tp = v->throughput;
		long long iops = v->has_iops ? v->iops : l->iops_min;
		if (!gp3) {
			ERR(c, v->throughput_at, GW_RULE_V3,
			    "remove throughput or use gp3",
			    "volume '%s' sets throughput but only gp3 takes it",
			    dev);
		} else if (tp > GW_LIM_GP3_THROUGHPUT_MAX &&
		           tp <= GW_LIM_GP3_THROUGHPUT_NEW_MAX) {
			WARN(c, v->throughput_at, GW_RULE_V3,
			     "check the current gp3 limit in your region",
			     "volume '%s' asks for %lld mib/s; gp3 went above "
			     "1000 only in 2025",
			     dev, tp);
		} else if (tp < GW_LIM_GP3_THROUGHPUT_MIN || tp > GW_LIM_GP3_THROUGHPUT_MAX) {
			ERR(c, v->throughput_at, GW_RULE_V3, NULL,
			    "volume '%s' asks for %lld mib/s but gp3 takes "
			    "125..1000",
			    dev, tp);
		} else if (tp * GW_LIM_GP3_THROUGHPUT_PER_IOPS_DIV > iops) {
			ERR(c, v->throughput_at, GW_RULE_V3,
			    "raise iops to at least 4 x throughput",
			    "volume '%s' asks for %lld mib/s with %lld iops, "
			    "more than 0.25 mib/s per iops",
			    dev, tp, iops);
		}
	}
	return c->d->n_errors == errors;
}

bool gw_verify_ebs(const struct gw_ebs_volume *v, struct gw_diags *d)
{
	struct gw_vctx c = {.d = d, .rc = {.d = d}};
	return verify_ebs(&c, v);
}

static void check_volume_params(struct gw_vctx *c, const struct gw_volume *v,
                                bool root)
{
	const char *dev = gw_vm_str_or(&v->device, "?");
	struct gw_ebs_volume e = {
	        .device = dev,
	        .type = v->type.s,
	        .root = root,
	        .has_size = v->size_gib.set || v->size_gib.v != 0,
	        .has_iops = v->iops.set,
	        .has_throughput = v->throughput.set,
	        .size_gib = v->size_gib.v,
	        .iops = v->iops.v,
	        .throughput = v->throughput.v,
	        .type_at = gw_vm_at(v->type.loc, v->loc),
	        .size_at = gw_vm_at(v->size_gib.loc, v->loc),
	        .iops_at = gw_vm_at(v->iops.loc, v->loc),
	        .throughput_at = gw_vm_at(v->throughput.loc, v->loc),
	};
	verify_ebs(c, &e);
	if (!root && v->delete_on_termination.set &&
	    !v->delete_on_termination.v) {
		WARN(c, v->delete_on_termination.loc, GW_RULE_V4,
		     "set "
		     "delete_on_termination: true",
		     "volume '%s' "
		     "survives its instance, so every node leaves a "
		     "paid orphaned volume behind",
		     dev);
	}
	if (v->encrypted.set && !v->encrypted.v) {
		ERR(c, v->encrypted.loc, GW_RULE_V5, "remove 'encrypted: false'",
		    "volume '%s' is not encrypted", dev);
	}
}

static void check_device(struct gw_vctx *c, const struct gw_launch_template *lt,
                         const struct gw_volume *v, bool root,
                         const char *scratch_dev)
{
	const char *dev = v->device.s;
	struct gw_loc at = gw_vm_at(v->device.loc, v->loc);
	if (!dev) {
		if (!root) {
			ERR(c, v->loc, GW_RULE_D1, "set device, e.g. /dev/xvdf",
			    "volume has no device name");
		}
		return;
	}
	enum gw_device_kind k = gw_device_classify(dev);
	if (k == GW_DEVICE_NVME) {
		ERR(c, at, GW_RULE_D5,
		    "name the slot /dev/sdf../dev/sdp; nitro "
		    "instances show it as /dev/nvmeXn1 anyway",
		    "device '%s' is an nvme name, which a block device "
		    "mapping refuses",
		    dev);
		return;
	}
	if (k == GW_DEVICE_BAD) {
		ERR(c, at, GW_RULE_D1,
		    "use /dev/sd[f-p], /dev/xvd[e-z] or "
		    "/dev/xvd[a-d][a-z]",
		    "device '%s' is not a linux "
		    "device name ec2 accepts",
		    dev);
		return;
	}
	if (root && strcmp(dev, "/dev/xvda") != 0) {
		ERR(c, at, GW_RULE_D2, "use /dev/xvda",
		    "root device '%s' is not "
		    "/dev/xvda, the root of the ecs-optimized amis",
		    dev);
	}
	if (!root && k == GW_DEVICE_ROOT) {
		ERR(c, at, GW_RULE_D2, "use root_volume to resize the root device",
		    "device '%s' is the root device of ecs-optimized "
		    "amis",
		    dev);
	}
	if (!root && gw_device_is_instance_store(dev)) {
		WARN(c, at, GW_RULE_D4, "use /dev/sd[f-p]",
		     "device '%s' is an instance-store name; aws "
		     "strongly recommends not using it for ebs",
		     dev);
	}
	if (gw_device_is_al1_docker(dev)) {
		WARN(c, at, GW_RULE_D8,
		     "remove it; amazon linux 2 and 2023 put "
		     "docker on the root volume",
		     "device '%s' is the "
		     "amazon linux 1 docker volume; on al2 and al2023 "
		     "it is an unused paid volume",
		     dev);
	}
	if (gw_device_is_tool_range(dev) &&
	    !(scratch_dev && strcmp(scratch_dev, dev) == 0)) {
		WARN(c, at, GW_RULE_D9, "use /dev/sd[f-p] for static volumes",
		     "device '%s' is in /dev/xvdb[a-z], which the "
		     "scratch daemon uses for the volumes it adds",
		     dev);
	}
	/* D6: aliases of slots already mapped in this template. */
	char slot[GW_DEVICE_NAME_MAX], other[GW_DEVICE_NAME_MAX];
	if (!gw_device_slot(dev, slot)) {
		return;
	}
	const struct gw_volume *prev[] = {lt->has_root ? &lt->root : NULL};
	for (size_t i = 0; i < GW_ARRAY_LEN(prev); i++) {
		if (!root && prev[i] && prev[i]->device.s &&
		    gw_device_slot(prev[i]->device.s, other) &&
		    strcmp(slot, other) == 0) {
			ERR(c, at, GW_RULE_D6, "give each volume its own slot",
			    "device '%s' is the same slot as '%s'", dev,
			    prev[i]->device.s);
			return;
		}
	}
	for (size_t i = 0; !root && i < lt->n_volumes; i++) {
		const struct gw_volume *o = &lt->volumes[i];
		if (o == v) {
			break;
		}
		if (o->device.s && gw_device_slot(o->device.s, other) &&
		    strcmp(slot, other) == 0) {
			ERR(c, at, GW_RULE_D6, "give each volume its own slot",
			    "device '%s' is the same slot as '%s' "
			    "(/dev/sdX and /dev/xvdX alias)",
			    dev, o->device.s);
			return;
		}
	}
}

static bool lt_maps_device(const struct gw_launch_template *lt, const char *dev)
{
	char slot[GW_DEVICE_NAME_MAX], other[GW_DEVICE_NAME_MAX];
	if (!gw_device_slot(dev, slot)) {
		return false;
	}
	for (size_t i = 0; i < lt->n_volumes; i++) {
		const char *o = lt->volumes[i].device.s;
		if (o && gw_device_slot(o, other) && strcmp(slot, other) == 0) {
			return true;
		}
	}
	return false;
}

/* Whether any CE using 'lt' runs Amazon Linux 2023 (unused: assume so). */
static bool lt_on_al2023(const struct gw_vctx *c,
                         const struct gw_launch_template *lt)
{
	bool used = false;
	for (size_t i = 0; i < c->m->n_compute_envs; i++) {
		const struct gw_compute_env *ce = &c->m->compute_envs[i];
		if (lt->name.s && gw_vm_str_is(&ce->launch_template, lt->name.s)) {
			used = true;
			if (gw_image_is_al2023(gw_vm_ce_image(ce))) {
				return true;
			}
		}
	}
	return !used;
}

static bool is_hex(const char *s, size_t n)
{
	if (strlen(s) != n) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

static void check_scratch(struct gw_vctx *c, const struct gw_launch_template *lt,
                          bool al2023)
{
	const struct gw_scratch *s = &lt->user_data.scratch;
	if (!s->present) {
		return;
	}
	static const char *const kinds[] = {"ebs-autoscale", "nvme-lvm"};
	if (s->kind.s && !gw_vm_in_set(s->kind.s, kinds, GW_ARRAY_LEN(kinds))) {
		ERR(c, s->kind.loc, GW_RULE_L8, "use 'ebs-autoscale' or 'nvme-lvm'",
		    "scratch kind '%s' is unknown", s->kind.s);
	}
	/*
	 * D1: the scratch device is a block device mapping name, so the
	 * HVM grammar applies (/dev/sd[a-z], /dev/xvd[e-z], /dev/xvd[a-d]
	 * [a-z]; EC2 "device naming on Linux instances"). Matching a mapped
	 * slot is not enough: /dev/sdba aliases /dev/xvdba but is no name
	 * EC2 accepts.
	 */
	enum gw_device_kind dk = s->device.s ? gw_device_classify(s->device.s)
	                                     : GW_DEVICE_EBS;
	if (dk != GW_DEVICE_EBS) {
		ERR(c, s->device.loc, dk == GW_DEVICE_NVME ? GW_RULE_D5 : GW_RULE_D1,
		    dk == GW_DEVICE_ROOT
		            ? "the root device holds the os; use a data "
		              "volume such as /dev/xvdba"
		            : "use /dev/sd[f-p], /dev/xvd[e-z] or "
		              "/dev/xvd[a-d][a-z], e.g. /dev/xvdba",
		    "scratch device '%s' is not %s", s->device.s,
		    dk == GW_DEVICE_ROOT ? "a data volume (it is the root "
		                           "device)"
		                         : "a linux device name ec2 accepts "
		                           "in a mapping");
	} else if (s->k == GW_SCRATCH_EBS_AUTOSCALE) {
		if (!s->device.s) {
			ERR(c, s->loc, GW_RULE_D10,
			    "set device, e.g. /dev/xvdba, and "
			    "map it under volumes",
			    "ebs-autoscale "
			    "scratch needs an initial device");
		} else if (!lt_maps_device(lt, s->device.s)) {
			ERR(c, s->device.loc, GW_RULE_D10,
			    "add a volume with this "
			    "device to the launch template",
			    "scratch device '%s' is not mapped by launch "
			    "template '%s'",
			    s->device.s, gw_vm_str_or(&lt->name, "?"));
		}
	} else if (s->device.s && !lt_maps_device(lt, s->device.s)) {
		ERR(c, s->device.loc, GW_RULE_D10,
		    "add a volume with this device to "
		    "the launch template",
		    "scratch device '%s' is not "
		    "mapped by launch template '%s'",
		    s->device.s, gw_vm_str_or(&lt->name, "?"));
	}
	gw_vm_check_abs_path(c, &s->mount, "scratch mount", GW_RULE_L8, "/var/lib/docker");
	if (s->filesystem.s && !gw_vm_str_is(&s->filesystem, "ext4") &&
	    !gw_vm_str_is(&s->filesystem, "btrfs")) {
		ERR(c, s->filesystem.loc, GW_RULE_L8, "use ext4",
		    "scratch filesystem "
		    "'%s' is not ext4 or btrfs",
		    s->filesystem.s);
	} else if (al2023 && gw_vm_str_is(&s->filesystem, "btrfs")) {
		ERR(c, s->filesystem.loc, GW_RULE_L8, "use filesystem: ext4 (lvm)",
		    "scratch filesystem 'btrfs' does not work on amazon "
		    "linux 2023, which has no btrfs-progs");
	}
	if (s->threshold_pct.set &&
	    (s->threshold_pct.v < 1 || s->threshold_pct.v >= PERCENT_MAX)) {
		ERR(c, s->threshold_pct.loc, GW_RULE_L8, "use 1..99",
		    "scratch threshold_pct %lld is not in 1..99",
		    s->threshold_pct.v);
	}
	if (s->increment_gib.set &&
	    (s->increment_gib.v < 1 ||
	     s->increment_gib.v > find_limits("gp3")->size_max)) {
		ERR(c, s->increment_gib.loc, GW_RULE_V1, NULL,
		    "scratch increment_gib "
		    "%lld is not in 1..16384",
		    s->increment_gib.v);
	}
	if (s->max_volumes.set && s->max_volumes.v < 1) {
		ERR(c, s->max_volumes.loc, GW_RULE_L8, NULL,
		    "scratch max_volumes "
		    "%lld must be at least 1",
		    s->max_volumes.v);
	}
	if (s->volume_type.s && !find_limits(s->volume_type.s)) {
		ERR(c, s->volume_type.loc, GW_RULE_V1, "use gp3",
		    "scratch volume_type "
		    "'%s' is unknown",
		    s->volume_type.s);
	}
}

static void check_user_data_model(struct gw_vctx *c,
                                  const struct gw_launch_template *lt,
                                  bool al2023)
{
	const struct gw_user_data *u = &lt->user_data;
	if (!u->present) {
		return;
	}
	check_scratch(c, lt, al2023);
	for (size_t i = 0; al2023 && i < u->packages.n; i++) {
		const struct gw_str *p = &u->packages.v[i];
		if (gw_vm_str_is(p, "btrfs-progs") || gw_vm_str_is(p, "python27") ||
		    gw_vm_str_is(p, "python27-pip")) {
			ERR(c, p->loc, GW_RULE_L8,
			    "remove it; amazon linux 2023 does "
			    "not ship it",
			    "package '%s' does not exist "
			    "on amazon linux 2023",
			    p->s);
		}
	}
	for (size_t i = 0; i < u->runcmd.n; i++) {
		const struct gw_str *r = &u->runcmd.v[i];
		if (!r->s) {
			continue;
		}
		if (al2023 && (strstr(r->s, "amazon-linux-extras") ||
		               gw_has_prefix(r->s, "yum "))) {
			WARN(c, r->loc, GW_RULE_L8, "use dnf",
			     "command '%s' uses a "
			     "tool amazon linux 2023 does not have",
			     r->s);
		}
		if (strstr(r->s, "/latest/") ||
		    strstr(r->s, "releases/latest")) {
			WARN(c, r->loc, GW_RULE_L9,
			     "pin a version and check its "
			     "sha-256",
			     "command '%s' downloads a moving "
			     "'latest' artifact at boot",
			     r->s);
		}
	}
	const struct gw_aws_cli *cli = &u->aws_cli;
	if (cli->present && cli->version.s &&
	    gw_vm_check_one_line(c, &cli->version, "aws_cli version") &&
	    !gw_names_is_release(cli->version.s)) {
		ERR(c, cli->version.loc, GW_RULE_L9,
		    "write a release number such as '2.36.11'",
		    "aws_cli version '%s' is not a release number",
		    cli->version.s);
	}
	if (cli->present) {
		gw_vm_check_abs_path(c, &cli->prefix, "aws_cli prefix", GW_RULE_L9,
		               "/usr/local/aws-cli");
	}
	if (cli->present) {
		if (!cli->sha256.s) {
			WARN(c, cli->loc, GW_RULE_L9, "add sha256 of the release zip",
			     "aws cli %s is downloaded without a "
			     "checksum",
			     gw_vm_str_or(&cli->version, "?"));
		} else if (!is_hex(cli->sha256.s, SHA256_HEX)) {
			ERR(c, cli->sha256.loc, GW_RULE_L9, "write 64 hex digits",
			    "aws cli sha256 '%s' is not a sha-256",
			    cli->sha256.s);
		}
	}
	if (u->fail_fast.set && !u->fail_fast.v) {
		NOTE(c, u->fail_fast.loc, GW_RULE_L5, "keep fail_fast: true",
		     "a node whose provisioning failed keeps taking "
		     "jobs");
	}
}

/*
 * Whatever generation refuses in the user data (userdata.c: the values the
 * archive is made of, the 16 KB limit L2, the MIME shape L1) 'gwgen verify'
 * must refuse too, and the size is only known once rendered. A model that
 * verifies is rendered by gw_emit (generation) or gw_verify_generation
 * ('gwgen verify'), which report it; one with errors is not, so that all of
 * its findings come in one run, its user data is rendered here with the
 * templates built into gwgen and the errors kept. An error at a place that
 * already has one is dropped (one finding per value), and so are warnings.
 */
static void check_user_data_renders(struct gw_vctx *c,
                                    const struct gw_launch_template *lt)
{
	struct gw_diags found;
	struct gw_buf mime;
	gw_diags_init(&found);
	gw_buf_init(&mime);
	gw_userdata_render(c->m, lt, gw_templates_builtin(), &mime, &found);
	add_new_findings(c->d, &found, true);
	gw_buf_finish(&mime);
	gw_diags_finish(&found);
}

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
		const char *scratch_dev =
		        lt->user_data.scratch.present
		                ? lt->user_data.scratch.device.s
		                : NULL;
		if (lt->has_root) {
			check_device(c, lt, &lt->root, true, scratch_dev);
			check_volume_params(c, &lt->root, true);
		}
		for (size_t j = 0; j < lt->n_volumes; j++) {
			check_device(c, lt, &lt->volumes[j], false,
			             scratch_dev);
			check_volume_params(c, &lt->volumes[j], false);
		}
		if (lt->hop_limit.set &&
		    (lt->hop_limit.v < 1 || lt->hop_limit.v > GW_LIM_HOP_LIMIT_MAX)) {
			ERR(c, lt->hop_limit.loc, GW_RULE_L6, "use 1..64, usually 2",
			    "hop_limit %lld is not in 1..64", lt->hop_limit.v);
		} else if (lt->hop_limit.set && lt->hop_limit.v == 1) {
			WARN(c, lt->hop_limit.loc, GW_RULE_L6, "use hop_limit: 2",
			     "hop_limit 1 keeps containers on the docker "
			     "bridge from reaching imdsv2");
		}
		if (lt->shutdown_behavior.s &&
		    !gw_vm_str_is(&lt->shutdown_behavior, "terminate")) {
			if (gw_vm_str_is(&lt->shutdown_behavior, "stop")) {
				WARN(c, lt->shutdown_behavior.loc, GW_RULE_L5,
				     "use "
				     "'terminate'",
				     "shutdown_behavior "
				     "'stop' keeps failed nodes (and "
				     "their volumes) around");
			} else {
				ERR(c, lt->shutdown_behavior.loc, GW_RULE_L5,
				    "use "
				    "'terminate' or 'stop'",
				    "shutdown_behavior '%s' is not "
				    "'terminate' or 'stop'",
				    lt->shutdown_behavior.s);
			}
		}
		check_user_data_model(c, lt, lt_on_al2023(c, lt));
	}
}

/* See check_user_data_renders: after every other rule, for a model that
 * has errors already. */
static void check_user_data_of_refused(struct gw_vctx *c, size_t errors_before)
{
	if (c->d->n_errors == errors_before) {
		return;
	}
	for (size_t i = 0; i < c->m->n_launch_templates; i++) {
		const struct gw_launch_template *lt =
		        &c->m->launch_templates[i];
		if (lt->user_data.present) {
			check_user_data_renders(c, lt);
		}
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

/* ---- log groups
 * ------------------------------------------------------------------- */

static void check_log_groups(struct gw_vctx *c)
{
	struct gw_name_list seen = {.kind = "log group"};
	for (size_t i = 0; i < c->m->n_log_groups; i++) {
		const struct gw_log_group *g = &c->m->log_groups[i];
		gw_vm_check_name(
		        c, &g->name, "log group",
		        g->name.s ? gw_names_log_group_error(g->name.s) : NULL,
		        GW_RULE_N6, "log group names are [.\\-_/#A-Za-z0-9]{1,512}");
		gw_vm_check_unique(c, &g->name, &seen, GW_RULE_N6);
		if ((g->retention_days.set || g->retention_days.v != 0) &&
		    !gw_names_is_retention_days(g->retention_days.v)) {
			ERR(c, gw_vm_at(g->retention_days.loc, g->loc), GW_RULE_N7,
			    gw_names_retention_list(),
			    "log group '%s' has retention_days %lld, "
			    "which cloudwatch does not offer",
			    gw_vm_str_or(&g->name, "?"), g->retention_days.v);
		}
	}
}

static void check_log_ref(struct gw_vctx *c, const struct gw_str *ref,
                          const char *owner_kind, const char *owner,
                          enum gw_rule rule)
{
	if (!ref->s || strcmp(ref->s, "/aws/batch/job") == 0) {
		return;
	}
	const char *why = gw_names_log_group_error(ref->s);
	if (why) {
		ERR(c, ref->loc, GW_RULE_N6, NULL, "log group '%s' of %s '%s' %s",
		    ref->s, owner_kind, owner, why);
	} else if (!gw_model_log_group(c->m, ref->s)) {
		WARN(c, ref->loc, rule, "define it under 'log_groups:'",
		     "%s '%s' logs to '%s', which the profile does not "
		     "create",
		     owner_kind, owner, ref->s);
	}
}

/* ---- client configuration (NF*, NS*)
 * ----------------------------------------------- */

static const struct gw_queue *need_queue(struct gw_vctx *c, const struct gw_str *q,
                                         struct gw_loc owner, enum gw_rule rule,
                                         const char *what)
{
	if (!q->s) {
		ERR(c, owner, rule, "name one of the profile's job queues",
		    "%s has no queue", what);
		return NULL;
	}
	const struct gw_queue *queue = gw_model_queue(c->m, q->s);
	if (!queue) {
		ERR(c, q->loc, rule, "define it under 'job_queues:'",
		    "%s uses queue '%s', which the profile does not "
		    "define",
		    what, q->s);
	}
	return queue;
}

/*
 * A process selector is Nextflow's 'withName:NAME' or 'withLabel:LABEL'
 * (the view renders it so); checked here too, so that `gwgen verify`
 * refuses what generation would (issue 6, found by tests/injection).
 */
static void check_selector(struct gw_vctx *c, const struct gw_str *sel)
{
	static const char *const kinds[] = {"withName:", "withLabel:"};
	const char *s = gw_vm_str_or(sel, "");
	for (size_t i = 0; i < GW_ARRAY_LEN(kinds); i++) {
		if (gw_has_prefix(s, kinds[i]) && s[strlen(kinds[i])]) {
			return;
		}
	}
	ERR(c, sel->loc, GW_RULE_NF7, "write 'withName:NAME' or 'withLabel:LABEL'",
	    "selector must be 'withName:NAME' or 'withLabel:LABEL', got "
	    "'%s'", s);
}

static void check_nextflow(struct gw_vctx *c)
{
	const struct gw_nextflow *nf = &c->m->nextflow;
	if (!nf->present) {
		if (c->m->engine == GW_ENGINE_NEXTFLOW) {
			ERR(c, c->m->engine_name.loc, GW_RULE_NF1,
			    "add a 'nextflow:' "
			    "section",
			    "engine is nextflow but the "
			    "profile has no nextflow section");
		}
		return;
	}
	const struct gw_queue *q =
	        need_queue(c, &nf->queue, nf->loc, GW_RULE_NF1, "nextflow");
	for (size_t i = 0; i < nf->n_processes; i++) {
		const struct gw_nf_process *p = &nf->processes[i];
		const struct gw_queue *pq = q;
		check_selector(c, &p->selector);
		if (p->queue.s) {
			pq = need_queue(c, &p->queue, p->loc, GW_RULE_NF1,
			                "nextflow process");
		}
		if (!pq) {
			continue;
		}
		struct gw_request r = {
		        .kind = "nextflow process",
		        .name = gw_vm_str_or(&p->selector, "?"),
		        .vcpus = p->cpus.v,
		        .memory_mib = p->memory_mib.v,
		        .vcpus_at = gw_vm_at(p->cpus.loc, p->loc),
		        .memory_at = gw_vm_at(p->memory_mib.loc, p->loc),
		        .gpus_at = p->loc,
		        .rule_vcpus = GW_RULE_NF2,
		        .rule_memory = GW_RULE_NF2,
		        .rule_gpus = GW_RULE_NF2,
		};
		gw_vm_check_fit(c, &r, pq);
	}
	if (q && (nf->max_cpus.v > 0 || nf->max_memory_mib.v > 0)) {
		/* params.max_*: each dimension on its own (4.10). */
		struct gw_request cpus = {
		        .kind = "nextflow params.max_cpus",
		        .name = "max_cpus",
		        .vcpus = nf->max_cpus.v,
		        .vcpus_at = gw_vm_at(nf->max_cpus.loc, nf->loc),
		        .memory_at = nf->loc,
		        .gpus_at = nf->loc,
		        .rule_vcpus = GW_RULE_NF3,
		        .rule_memory = GW_RULE_NF3,
		        .rule_gpus = GW_RULE_NF3,
		};
		struct gw_request mem = {
		        .kind = "nextflow params.max_memory",
		        .name = "max_memory_mib",
		        .memory_mib = nf->max_memory_mib.v,
		        .vcpus_at = nf->loc,
		        .memory_at = gw_vm_at(nf->max_memory_mib.loc, nf->loc),
		        .gpus_at = nf->loc,
		        .rule_vcpus = GW_RULE_NF3,
		        .rule_memory = GW_RULE_NF3,
		        .rule_gpus = GW_RULE_NF3,
		};
		if (nf->max_cpus.v > 0) {
			gw_vm_check_fit(c, &cpus, q);
		}
		if (nf->max_memory_mib.v > 0) {
			gw_vm_check_fit(c, &mem, q);
		}
	}
	if (nf->max_spot_attempts.v < 0) {
		ERR(c, nf->max_spot_attempts.loc, GW_RULE_NF4, "use 0 or more",
		    "max_spot_attempts %lld is negative",
		    nf->max_spot_attempts.v);
	}
	if (nf->cli_path.s) {
		const char *p = nf->cli_path.s;
		if (p[0] != '/' || !gw_has_suffix(p, "/aws")) {
			ERR(c, nf->cli_path.loc, GW_RULE_NF5,
			    "e.g. "
			    "/usr/local/aws-cli/v2/current/bin/aws",
			    "cli_path '%s' is not an absolute path to "
			    "the 'aws' binary",
			    p);
		} else if (gw_has_prefix(p, "/usr/bin/") ||
		           gw_has_prefix(p, "/bin/") ||
		           gw_has_prefix(p, "/usr/local/bin/")) {
			WARN(c, nf->cli_path.loc, GW_RULE_NF5,
			     "install the cli under "
			     "its own prefix, e.g. /usr/local/aws-cli",
			     "nextflow mounts the grandparent of "
			     "cli_path '%s' into every container, "
			     "shadowing the image's own directory",
			     p);
		}
	}
	static const char *const enc[] = {"AES256", "aws:kms"};
	if (nf->storage_encryption.s &&
	    !gw_vm_in_set(nf->storage_encryption.s, enc, GW_ARRAY_LEN(enc))) {
		ERR(c, nf->storage_encryption.loc, GW_RULE_NF6,
		    "use AES256 or "
		    "aws:kms",
		    "storage_encryption '%s' is unknown",
		    nf->storage_encryption.s);
	}
	static const char *const modes[] = {"legacy", "standard", "adaptive"};
	if (nf->retry_mode.s &&
	    !gw_vm_in_set(nf->retry_mode.s, modes, GW_ARRAY_LEN(modes))) {
		ERR(c, nf->retry_mode.loc, GW_RULE_NF6,
		    "use legacy, standard or "
		    "adaptive",
		    "retry_mode '%s' is unknown", nf->retry_mode.s);
	}
	check_log_ref(c, &nf->log_group, "nextflow", "logsGroup", GW_RULE_NF6);
}

static void check_nextstrain(struct gw_vctx *c)
{
	const struct gw_nextstrain *ns = &c->m->nextstrain;
	if (!ns->present) {
		if (c->m->engine == GW_ENGINE_NEXTSTRAIN) {
			ERR(c, c->m->engine_name.loc, GW_RULE_NS1,
			    "add a 'nextstrain:' "
			    "section",
			    "engine is nextstrain but the "
			    "profile has no nextstrain section");
		}
		return;
	}
	const struct gw_queue *q =
	        need_queue(c, &ns->queue, ns->loc, GW_RULE_NS1, "nextstrain");
	if (!ns->job_definition.s) {
		ERR(c, ns->loc, GW_RULE_NS1,
		    "name one of the profile's job "
		    "definitions",
		    "nextstrain has no job_definition");
	} else if (!gw_model_job_def(c->m, ns->job_definition.s)) {
		ERR(c, ns->job_definition.loc, GW_RULE_NS1,
		    "define it under "
		    "'job_definitions:'",
		    "nextstrain uses job "
		    "definition '%s', which the profile does not define",
		    ns->job_definition.s);
	}
	if (q && (ns->cpus.v > 0 || ns->memory_mib.v > 0)) {
		struct gw_request r = {
		        .kind = "nextstrain",
		        .name = "aws-batch",
		        .vcpus = ns->cpus.v,
		        .memory_mib = ns->memory_mib.v,
		        .vcpus_at = gw_vm_at(ns->cpus.loc, ns->loc),
		        .memory_at = gw_vm_at(ns->memory_mib.loc, ns->loc),
		        .gpus_at = ns->loc,
		        .rule_vcpus = GW_RULE_NS2,
		        .rule_memory = GW_RULE_NS2,
		        .rule_gpus = GW_RULE_NS2,
		};
		gw_vm_check_fit(c, &r, q);
	}
}

/* ---- the table
 * ------------------------------------------------------------------ */

struct rule_group {
	const char *name;
	void (*run)(struct gw_vctx *c);
};

/* Each row checks one part of the profile; docs/rules.md lists the rules. */
/* ---- tags (N10) ------------------------------------------------------ */

/*
 * The tag gwgen adds to every resource (view.c's STACK_TAG_KEY; deploy.sh
 * passes it with the profile tags as stack tags, which CloudFormation
 * copies to each resource), so it counts against the 50.
 */
#define GWGEN_STACK_TAG "gwgen:stack"
/* Longest value quoted in a tag message, in bytes. */
#define TAG_QUOTE_BYTES 300

static void check_tag_text(struct gw_vctx *c, const struct gw_str *s,
                           const struct gw_str *key, bool is_key,
                           const char *owner)
{
	struct gw_names_tag_problem p;
	if (!s->s || gw_names_tag_check(s->s, is_key, &p)) {
		return;
	}
	char text[TAG_QUOTE_BYTES], kq[TAG_QUOTE_BYTES], why[GW_VM_MSG_BYTES];
	gw_names_quote(s->s, text, sizeof(text));
	gw_names_quote(key->s, kq, sizeof(kq));
	const char *hint = gw_names_tag_describe(&p, is_key, why, sizeof(why));
	if (is_key) {
		ERR(c, s->loc, GW_RULE_N10, hint, "tag key '%s' of %s %s", text,
		    owner, why);
	} else {
		ERR(c, s->loc, GW_RULE_N10, hint, "value '%s' of tag '%s' on %s %s",
		    text, kq, owner, why);
	}
}

static bool kvs_has_key(const struct gw_kvs *kvs, const char *key)
{
	for (size_t i = 0; i < kvs->n; i++) {
		if (kvs->v[i].key.s && strcmp(kvs->v[i].key.s, key) == 0) {
			return true;
		}
	}
	return false;
}

/*
 * Check the keys and values of 'own' (the tags written on 'owner') and the
 * number of tags the resource ends up with: the profile's tags, 'own'
 * (NULL for the profile itself; its keys replace equal profile keys) and
 * gwgen's stack tag.
 */
static void check_tag_map(struct gw_vctx *c, const struct gw_kvs *own,
                          const char *owner)
{
	const struct gw_kvs *profile = &c->m->tags;
	const struct gw_kvs *tags = own ? own : profile;
	for (size_t i = 0; i < tags->n; i++) {
		const struct gw_str *k = &tags->v[i].key;
		check_tag_text(c, k, k, true, owner);
		check_tag_text(c, &tags->v[i].value, k, false, owner);
	}
	size_t n = profile->n;
	bool has_stack = kvs_has_key(profile, GWGEN_STACK_TAG);
	for (size_t i = 0; own && i < own->n; i++) {
		const char *k = own->v[i].key.s;
		if (k && !kvs_has_key(profile, k)) {
			n++;
		}
		has_stack = has_stack || (k && !strcmp(k, GWGEN_STACK_TAG));
	}
	if (!has_stack) {
		n++;
	}
	if (n > GW_LIM_TAGS_MAX) {
		ERR(c, gw_vm_at(tags->loc, c->m->name.loc), GW_RULE_N10,
		    "keep at most 49 tags of your own: gwgen adds "
		    "'" GWGEN_STACK_TAG "'",
		    "%s would carry %zu tags (the profile's, its own and "
		    "'" GWGEN_STACK_TAG "'), more than the 50 aws allows",
		    owner, n);
	}
}

/*
 * Profile tags go on every taggable resource (stack tags); launch
 * templates and compute environments add their own. Queues and job
 * definitions have no tags of their own in the model, so the profile's
 * check covers them.
 */
static void check_tags(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	char owner[GW_VM_MSG_BYTES];
	check_tag_map(c, NULL, "the profile");
	for (size_t i = 0; i < m->n_launch_templates; i++) {
		const struct gw_launch_template *lt = &m->launch_templates[i];
		snprintf(owner, sizeof(owner), "launch template '%s'",
		         gw_vm_str_or(&lt->name, "?"));
		check_tag_map(c, &lt->tags, owner);
	}
	for (size_t i = 0; i < m->n_compute_envs; i++) {
		const struct gw_compute_env *ce = &m->compute_envs[i];
		snprintf(owner, sizeof(owner), "compute environment '%s'",
		         gw_vm_str_or(&ce->name, "?"));
		check_tag_map(c, &ce->tags, owner);
	}
}

/* ---- the stack as a whole (C2) ---------------------------------------- */

static void check_stack_name(struct gw_vctx *c)
{
	const struct gw_str *s = &c->m->stack_name;
	if (!s->s || !gw_vm_check_one_line(c, s, "stack_name")) {
		return;
	}
	const char *hint = "stack names start with a letter and have only "
	                   "letters, digits and '-', at most 128";
	size_t len = strlen(s->s);
	const char *p = s->s;
	if (!isalpha((unsigned char)*p)) {
		ERR(c, s->loc, GW_RULE_C2, hint,
		    "stack_name '%s' does not start with a letter", s->s);
		return;
	}
	for (; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (!isalnum(ch) && ch != '-') {
			/* Only ASCII is quoted: a UTF-8 byte alone is not
			 * text. */
			char shown[sizeof("byte 0xXX")];
			snprintf(shown, sizeof(shown),
			         isprint(ch) ? "'%c'" : "byte 0x%02X", ch);
			ERR(c, s->loc, GW_RULE_C2, hint,
			    "stack_name has %s at byte %zu, which stack names "
			    "do not allow",
			    shown, (size_t)(p - s->s) + 1);
			return;
		}
	}
	if (len > GW_LIM_STACK_NAME_MAX) {
		ERR(c, s->loc, GW_RULE_C2, hint,
		    "stack_name is %zu characters, more than the 128 "
		    "cloudformation allows",
		    len);
	}
}

/*
 * The profile description becomes the template's Description, and a
 * template needs at least one resource; without these checks gwgen would
 * render a template that CloudFormation refuses (issue 6: found by the
 * hostile corpus, cases gen-long-scalar and minimal-profile).
 */
static void check_stack(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	check_stack_name(c);
	gw_vm_check_one_line(c, &m->description, "description");
	for (size_t i = 0; i < m->n_policies; i++) {
		gw_vm_check_one_line(c, &m->policies[i].description,
		               "policy description");
	}
	for (size_t i = 0; i < m->n_roles; i++) {
		gw_vm_check_one_line(c, &m->roles[i].description, "role description");
	}
	for (size_t i = 0; i < m->n_launch_templates; i++) {
		gw_vm_check_one_line(c, &m->launch_templates[i].description,
		               "launch template description");
	}
	size_t len = m->description.s ? strlen(m->description.s) : 0;
	if (len > GW_LIM_TEMPLATE_DESCRIPTION_MAX) {
		ERR(c, m->description.loc, GW_RULE_C2, "shorten it",
		    "description is %zu bytes, more than the 1024 a "
		    "cloudformation template allows", len);
	}
	if (!m->bucket.present && !m->n_policies && !m->n_roles
	    && !m->n_groups && !m->n_launch_templates && !m->n_compute_envs
	    && !m->n_queues && !m->n_job_defs && !m->n_log_groups) {
		ERR(c, m->name.loc, GW_RULE_C2,
		    "define a bucket, a role, a compute environment, ...",
		    "profile '%s' defines no resources, and a cloudformation "
		    "template needs at least one", m->name.s ? m->name.s : "");
	}
}

static const struct rule_group rule_groups[] = {
        {"stack", check_stack},
        {"tags", check_tags},
        {"region and partition", check_region},
        {"bucket", check_bucket},
        {"iam", check_iam},
        {"launch templates", check_launch_templates},
        {"compute environments", check_compute_envs},
        {"job queues", gw_batch_model_queues},
        {"job definitions", gw_batch_model_jobs},
        {"log groups", check_log_groups},
        {"nextflow", check_nextflow},
        {"nextstrain", check_nextstrain},
};

bool gw_verify_generation(const struct gw_model *m,
                          const struct gw_templates *t, struct gw_diags *d)
{
	struct gw_diags found;
	struct gw_files files;
	gw_diags_init(&found);
	gw_files_init(&files);
	bool ok = gw_emit(m, t, &files, &found);
	add_new_findings(d, &found, false);
	gw_files_finish(&files);
	gw_diags_finish(&found);
	return ok;
}

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
	check_user_data_of_refused(&c, errors);
	return d->n_errors == errors;
}
