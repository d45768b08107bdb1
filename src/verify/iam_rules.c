/* SPDX-License-Identifier: MIT */
/*
 * The IAM rule family, once for profiles and templates: policy statements
 * (S1-S7, A3-A9 through arn.c, A4's S3 pairs, R8), IAM names (N3, N4),
 * attachment counts and policy size (N8, N9), trust (R1, A2) and
 * references (R2, R3). Each rule is a function over neutral facts; the
 * two adapters at the end fill them from a profile's model or from a
 * CloudFormation template's nodes. Facts carry the owner's name as the
 * input spells it (a profile name or a logical ID), so one message serves
 * both.
 */
#include "iam_rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arn.h"
#include "aws_limits.h"
#include "iam.h"
#include "names.h"
#include "principal.h"
#include "rules.h"
#include "util.h"

#include "model_facts.h"
#include "cfn.h"

#define MSG_BYTES 1024
#define ARN_MAX 2048

#define R_ERR(rc, at, rule, hint, ...)                                         \
	gw_rule_report((rc), (rule), GW_SEV_ERROR, (at), (hint), __VA_ARGS__)
#define R_WARN(rc, at, rule, hint, ...)                                        \
	gw_rule_report((rc), (rule), GW_SEV_WARNING, (at), (hint), __VA_ARGS__)

/* ---- facts ---------------------------------------------------------------- */

/* One entry of an Action, NotAction or Resource list. */
struct iam_item {
	/* As the input spells it: "s3:Get*", "role:job", an ARN, "bucket/"KEY
	 * or the text of a !Sub; NULL when not knowable offline. */
	const char *s;
	/* Resources: the ARN IAM sees ("*" for any); NULL when unknown. */
	const char *arn;
	bool templated;      /* 'arn' is the text of a !Sub */
	bool missing_bucket; /* (profiles) names the absent bucket: R8 */
	struct gw_loc at;
};

/* The resource a finding is about. */
struct iam_owner {
	const char *kind; /* "policy", "role", "group", "user", ... */
	const char *name; /* the profile's name or the logical ID */
	struct gw_loc at;
};

/* One statement of an identity policy. */
struct iam_statement {
	const struct iam_owner *owner;
	struct gw_loc at;
	const char *effect; /* NULL: absent (Allow) or not literal */
	struct gw_loc effect_at;
	const char *sid; /* NULL: absent */
	struct gw_loc sid_at;
	struct iam_item *actions; /* Action, in input order */
	size_t n_actions;
	struct gw_loc actions_at;
	struct iam_item *not_actions; /* NotAction */
	size_t n_not_actions;
	bool has_not_action;
	struct gw_loc not_action_at;
	struct iam_item *resources; /* Resource */
	size_t n_resources;
	bool has_resource; /* Resource or NotResource given */
	struct gw_loc resources_at;
	/* ARNs must be in this partition (A1); NULL: any (templates). */
	const char *partition;
	/* Hints in the template's spelling (!Sub pseudo parameters)
	 * rather than the profile's resource forms. */
	bool cfn;
	struct gw_iam_arn_values scope; /* for the S2 hint */
};

/* ---- policy statements (S1-S7, A4, R8, A3-A9) ----------------------------- */

static bool is_allow(const struct iam_statement *s)
{
	return !s->effect || strcmp(s->effect, "Deny") != 0;
}

static bool has_action(const struct iam_statement *s, const char *action)
{
	for (size_t i = 0; i < s->n_actions; i++) {
		if (s->actions[i].s && gw_iam_glob(s->actions[i].s, action)) {
			return true;
		}
	}
	return false;
}

/* S5: IAM's grammar allows exactly these two effects, and Sids of
 * letters and digits (IAM JSON policy reference, "Effect", "Sid"). */
static void rule_effect_sid(struct gw_rule_ctx *rc,
                            const struct iam_statement *s)
{
	if (s->effect && strcmp(s->effect, "Allow") != 0 &&
	    strcmp(s->effect, "Deny") != 0) {
		R_ERR(rc, s->effect_at, GW_RULE_S5, "use 'Allow' or 'Deny'",
		      "effect '%s' is not 'Allow' or 'Deny'", s->effect);
	}
	if (!s->sid) {
		return;
	}
	for (const char *p = s->sid; *p; p++) {
		if (!isalnum((unsigned char)*p)) {
			R_ERR(rc, s->sid_at, GW_RULE_S5, "sids are [A-Za-z0-9]*",
			      "sid '%s' has a character other than letters "
			      "and digits",
			      s->sid);
			return;
		}
	}
}

/* S6: IAM refuses a statement without Action/NotAction or without
 * Resource/NotResource ("Missing required field"). */
static void rule_statement_parts(struct gw_rule_ctx *rc,
                                 const struct iam_statement *s)
{
	const struct iam_owner *o = s->owner;
	if (s->n_actions == 0 && !s->has_not_action) {
		R_ERR(rc, s->actions_at, GW_RULE_S6, "list actions",
		      "statement in %s '%s' has no actions", o->kind, o->name);
	}
	if (!s->has_resource) {
		R_ERR(rc, s->resources_at, GW_RULE_S6,
		      s->cfn ? "add a Resource" : "add resources, e.g. 'bucket/*'",
		      "statement in %s '%s' has no resources", o->kind, o->name);
	}
}

/* S4: 'service:Action', the service a prefix of letters, digits and '-',
 * the action letters and digits with IAM's wildcards. Both compare
 * ignoring case (IAM JSON policy reference, "Action"). */
static bool rule_action_form(struct gw_rule_ctx *rc,
                             const struct iam_statement *s,
                             const struct iam_item *a)
{
	const char *colon = strchr(a->s, ':');
	bool ok = colon && colon != a->s && colon[1] != '\0';
	for (const char *p = a->s; ok && p < colon; p++) {
		ok = isalnum((unsigned char)*p) || *p == '-';
	}
	for (const char *p = colon ? colon + 1 : a->s; ok && *p; p++) {
		ok = isalnum((unsigned char)*p) || *p == '*' || *p == '?';
	}
	if (!ok) {
		R_ERR(rc, a->at, GW_RULE_S4, "write service:Action, e.g. "
		      "'s3:GetObject'",
		      "action '%s' in %s '%s' is not of the form "
		      "service:Action",
		      a->s, s->owner->kind, s->owner->name);
	}
	return ok;
}

/*
 * S7: IAM refuses a policy that names an action which does not exist, and
 * a wildcard that matches no action grants nothing (IAM service
 * authorization reference, via data/iam-actions.tsv).
 */
static void rule_action_known(struct gw_rule_ctx *rc, const struct iam_item *a)
{
	const char *s = a->s;
	if (gw_iam_each(s, NULL, NULL) > 0) {
		return;
	}
	int svc_len = (int)(strchr(s, ':') - s);
	const char *guess = gw_iam_suggest(s);
	char hint[MSG_BYTES];
	if (guess) {
		snprintf(hint, sizeof(hint), "did you mean '%s'?", guess);
	} else {
		snprintf(hint, sizeof(hint), "see the service authorization "
		         "reference for the service's actions");
	}
	if (strpbrk(s, "*?")) {
		R_ERR(rc, a->at, GW_RULE_S7, hint,
		      "action pattern '%s' matches no iam action", s);
	} else if (!gw_iam_service_known(s)) {
		R_ERR(rc, a->at, GW_RULE_S7, hint,
		      "action '%s' names service '%.*s', which iam does not "
		      "know",
		      s, svc_len, s);
	} else {
		R_ERR(rc, a->at, GW_RULE_S7, hint,
		      "action '%s' is not an action of service '%.*s', so iam "
		      "refuses the policy",
		      s, svc_len, s);
	}
}

static bool is_every_action(const char *a)
{
	return strcmp(a, "*") == 0 || strcmp(a, "*:*") == 0;
}

/*
 * S1, S4, S7 on the actions. On Allow, '*' (or '*:*') grants every
 * action (E) and 'service:*' a whole service (W); a NotAction grants
 * every action it does not list, including those AWS adds later (E).
 * Deny may use any of them: that is the usual guard.
 */
static void rule_actions(struct gw_rule_ctx *rc, const struct iam_statement *s)
{
	const struct iam_owner *o = s->owner;
	bool allow = is_allow(s);
	for (size_t i = 0; i < s->n_actions; i++) {
		const struct iam_item *a = &s->actions[i];
		if (!a->s) {
			continue;
		}
		if (is_every_action(a->s)) {
			if (allow) {
				R_ERR(rc, a->at, GW_RULE_S1,
				      "list the actions it needs",
				      "%s '%s' allows '%s', every aws action",
				      o->kind, o->name, a->s);
			}
			continue;
		}
		if (!rule_action_form(rc, s, a)) {
			continue;
		}
		if (allow && strcmp(strchr(a->s, ':') + 1, "*") == 0) {
			R_WARN(rc, a->at, GW_RULE_S1, "list the actions it needs",
			       "%s '%s' allows '%s', every action of the "
			       "service",
			       o->kind, o->name, a->s);
		}
		rule_action_known(rc, a);
	}
	for (size_t i = 0; i < s->n_not_actions; i++) {
		const struct iam_item *a = &s->not_actions[i];
		if (a->s && !is_every_action(a->s) &&
		    rule_action_form(rc, s, a)) {
			rule_action_known(rc, a);
		}
	}
	if (s->has_not_action && allow) {
		R_ERR(rc, s->not_action_at, GW_RULE_S1,
		      "list the allowed actions under Action instead",
		      "%s '%s' allows every action except those its NotAction "
		      "lists",
		      o->kind, o->name);
	}
}

/* gw_iam_each callback: keep the first action that takes resources. */
static bool first_scoped(const struct gw_iam_action *a, void *arg)
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
        {"batch:job-queue", "'job-queue:NAME'"},
        {"batch:job-definition", "'job-definition:PREFIX*'"},
        {"batch:job-definition-revision", "'job-definition:PREFIX*'"},
        {"batch:job", "'job:*'"},
        {"ecs:task", "'ecs:task/*/*'"},
        {"ecs:container-instance", "'ecs:container-instance/*/*'"},
        {"ecr:repository", "'ecr:repository/*'"},
        {"ec2:volume", "'ec2:volume/*'"},
        {"ec2:instance", "'ec2:instance/*'"},
};

/*
 * S2: Resource "*" on an Allow with an action that takes resource-level
 * permissions (its resource types in the IAM service authorization
 * reference are not empty). Actions with no resource types accept only
 * "*" and pass. The finding names the first such action.
 */
static void rule_star_resource(struct gw_rule_ctx *rc,
                               const struct iam_statement *s,
                               const struct iam_item *r)
{
	const struct gw_iam_action *scoped = NULL;
	const char *written = NULL;
	size_t more = 0;
	for (size_t j = 0; j < s->n_actions; j++) {
		const char *a = s->actions[j].s;
		const struct gw_iam_action *first = NULL;
		if (!a || is_every_action(a)) {
			continue; /* S1 */
		}
		gw_iam_each(a, first_scoped, &first);
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
	char scope[MSG_BYTES], hint[MSG_BYTES * 2];
	const struct gw_iam_type *t =
	        gw_iam_scope_hint(scoped, &s->scope, s->cfn, scope,
	                          sizeof(scope));
	const char *form = NULL;
	for (size_t k = 0; !s->cfn && t && !form && k < scoped->n; k++) {
		bool req;
		const char *name =
		        gw_iam_str(gw_iam_action_type(scoped, k, &req)->name);
		for (size_t i = 0; i < GW_ARRAY_LEN(profile_forms); i++) {
			if (strcmp(profile_forms[i].type, name) == 0) {
				form = profile_forms[i].form;
			}
		}
	}
	if (s->cfn) {
		snprintf(hint, sizeof(hint), "scope it, with !Sub, to %s", scope);
	} else if (form) {
		snprintf(hint, sizeof(hint), "scope it to %s, e.g. %s", scope,
		         form);
	} else {
		snprintf(hint, sizeof(hint), "scope it to %s", scope);
	}
	char also[MSG_BYTES] = "";
	if (more) {
		snprintf(also, sizeof(also), " (and %zu more action%s of the "
		         "statement)", more, more == 1 ? "" : "s");
	}
	const char *scoped_name = gw_iam_str(scoped->name);
	char eg[MSG_BYTES] = "";
	if (strcmp(written, scoped_name) != 0) {
		snprintf(eg, sizeof(eg), " (e.g. '%s')", scoped_name);
	}
	R_WARN(rc, r->at, GW_RULE_S2, hint,
	       "%s '%s' allows '%s'%s on resource '*' although the action "
	       "supports resource-level permissions%s",
	       s->owner->kind, s->owner->name, written, eg, also);
}

/*
 * Whether the statement allows iam:PassRole: an action pattern matching
 * it ('*', 'iam:*', 'iam:Pass*', 'iam:P?ssRole': IAM compares ignoring
 * case), or a NotAction on Allow that does not exclude it.
 */
static bool allows_passrole(const struct iam_statement *s)
{
	if (!is_allow(s)) {
		return false;
	}
	if (has_action(s, "iam:PassRole")) {
		return true;
	}
	if (!s->has_not_action) {
		return false;
	}
	for (size_t i = 0; i < s->n_not_actions; i++) {
		const char *a = s->not_actions[i].s;
		if (!a || gw_iam_glob(a, "iam:PassRole")) {
			return false; /* excluded, or cannot tell */
		}
	}
	return true;
}

/* The end of the ARN field that starts at 'p': the next ':' outside a
 * "${...}" substitution, or the end of the string. */
static const char *field_end(const char *p)
{
	while (*p && *p != ':') {
		if (p[0] == '$' && p[1] == '{' && strchr(p, '}')) {
			p = strchr(p, '}');
		}
		p++;
	}
	return p;
}

/* Whether resource pattern 'arn' can match a role ARN other than one
 * named role: "*", a role path with a wildcard, or an IAM resource part
 * that starts with a wildcard ("arn:aws:iam::123456789012:*", also in a
 * !Sub). */
static bool matches_many_roles(const char *arn)
{
	enum { PARTITION = 1, SERVICE, REGION, ACCOUNT, RESOURCE, FIELDS };
	if (strcmp(arn, "*") == 0) {
		return true;
	}
	const char *role = strstr(arn, ":role/");
	if (role) {
		return strpbrk(role, "*?") != NULL;
	}
	if (!gw_has_prefix(arn, "arn:")) {
		return false;
	}
	const char *field[FIELDS];
	const char *p = arn;
	for (size_t i = 0; i < FIELDS; i++) {
		field[i] = p;
		p = field_end(p);
		if (!*p && i < RESOURCE) {
			return false;
		}
		if (i < RESOURCE) {
			p++;
		}
	}
	size_t svc_len = (size_t)(field[REGION] - field[SERVICE] - 1);
	bool iam = (svc_len == strlen("iam") &&
	            strncmp(field[SERVICE], "iam", svc_len) == 0) ||
	           memchr(field[SERVICE], '*', svc_len);
	const char *res = field[RESOURCE];
	size_t lit = strcspn(res, "*?");
	size_t role_len = strlen("role/");
	return iam && res[lit] &&
	       strncmp(res, "role/", lit < role_len ? lit : role_len) == 0;
}

/* S3: iam:PassRole only on named roles (IAM "Granting a user permissions
 * to pass a role"). */
static void rule_passrole(struct gw_rule_ctx *rc, const struct iam_statement *s,
                          const struct iam_item *r)
{
	if (!r->arn || !matches_many_roles(r->arn)) {
		return;
	}
	R_ERR(rc, r->at, GW_RULE_S3,
	      s->cfn ? "pass only named roles: !Sub 'arn:${AWS::Partition}:"
	               "iam::${AWS::AccountId}:role/NAME'"
	             : "pass only named roles: 'role:NAME'",
	      "%s '%s' allows iam:PassRole on '%s', not on a named role",
	      s->owner->kind, s->owner->name, r->s ? r->s : r->arn);
}

static bool is_s3_arn(const char *arn)
{
	return gw_has_prefix(arn, "arn:") && strstr(arn, ":s3:::");
}

/* A4 (W): bucket actions need the bucket ARN, object actions BUCKET/KEY. */
static void rule_s3_pairs(struct gw_rule_ctx *rc, const struct iam_statement *s)
{
	bool bucket = false, objects = false;
	for (size_t i = 0; i < s->n_resources; i++) {
		const char *arn = s->resources[i].arn;
		if (!arn || !is_s3_arn(arn)) {
			return; /* "*", another service or unknown: cannot tell */
		}
		if (strchr(strstr(arn, ":s3:::"), '/')) {
			objects = true;
		} else {
			bucket = true;
		}
	}
	const struct iam_owner *o = s->owner;
	if (has_action(s, "s3:ListBucket") && !bucket) {
		R_WARN(rc, s->at, GW_RULE_A4,
		       s->cfn ? "add the bucket arn, arn:${AWS::Partition}:"
		                "s3:::BUCKET"
		              : "add the resource 'bucket'",
		       "%s '%s' allows s3:ListBucket but not on the bucket arn, "
		       "so listing fails",
		       o->kind, o->name);
	}
	if (has_action(s, "s3:GetObject") && !objects && bucket) {
		R_WARN(rc, s->at, GW_RULE_A4,
		       s->cfn ? "add the objects' arn, arn:${AWS::Partition}:"
		                "s3:::BUCKET/*"
		              : "add the resource 'bucket/*'",
		       "%s '%s' allows s3:GetObject but only on the bucket arn, "
		       "which matches no object",
		       o->kind, o->name);
	}
}

/* R8: a profile policy that uses the 'bucket' forms needs the section. */
static void rule_bucket_ref(struct gw_rule_ctx *rc,
                            const struct iam_statement *s,
                            const struct iam_item *r)
{
	R_ERR(rc, r->at, GW_RULE_R8,
	      "add a 'bucket:' section or use a literal 'arn:'",
	      "%s '%s' refers to the bucket but the profile defines none",
	      s->owner->kind, s->owner->name);
}

/* Every rule of one statement. */
static void check_statement(struct gw_rule_ctx *rc,
                            const struct iam_statement *s)
{
	bool allow = is_allow(s);
	bool passrole = allows_passrole(s);
	rule_effect_sid(rc, s);
	rule_statement_parts(rc, s);
	rule_actions(rc, s);
	for (size_t i = 0; i < s->n_resources; i++) {
		const struct iam_item *r = &s->resources[i];
		if (r->missing_bucket) {
			rule_bucket_ref(rc, s, r);
			continue;
		}
		if (!r->arn) {
			continue;
		}
		if (strcmp(r->arn, "*") == 0) {
			if (allow) {
				rule_star_resource(rc, s, r);
			}
		} else {
			/* A1, A3-A9 */
			gw_arn_verify(r->arn, s->partition,
			              GW_ARN_POLICY |
			                      (r->templated ? GW_ARN_TEMPLATE : 0),
			              r->at, rc->d);
		}
		if (passrole) {
			rule_passrole(rc, s, r);
		}
	}
	if (allow) {
		rule_s3_pairs(rc, s);
	}
}

/* ---- names, counts and sizes (N3, N4, N8, N9) ----------------------------- */

/* N3: 'key' is the name's key as the input spells it ("role name",
 * "RoleName"). */
static void rule_iam_name(struct gw_rule_ctx *rc, const char *key,
                          const char *name, struct gw_loc at, size_t max)
{
	const char *why = name ? gw_names_iam_error(name, max) : NULL;
	if (why) {
		R_ERR(rc, at, GW_RULE_N3,
		      max == GW_LIM_ROLE_NAME_MAX
		              ? "role names are at most 64 of [A-Za-z0-9+=,.@_-]"
		              : "iam names are [A-Za-z0-9+=,.@_-]",
		      "%s '%s' %s", key, name, why);
	}
}

/* N8: managed policies attached to one role, group or user (IAM quotas;
 * cfn-lint maxItems). */
static void rule_managed_count(struct gw_rule_ctx *rc,
                               const struct iam_owner *o, struct gw_loc at,
                               size_t n)
{
	if (n > GW_LIM_MANAGED_POLICIES_MAX) {
		R_ERR(rc, at, GW_RULE_N8, "merge policies",
		      "%s '%s' attaches %zu managed policies, more than the %d "
		      "iam allows",
		      o->kind, o->name, n, GW_LIM_MANAGED_POLICIES_MAX);
	}
}

/* N8: groups of one user (IAM quotas). */
static void rule_group_count(struct gw_rule_ctx *rc, const struct iam_owner *o,
                             struct gw_loc at, size_t n)
{
	if (n > GW_LIM_USER_GROUPS_MAX) {
		R_ERR(rc, at, GW_RULE_N8, "merge groups",
		      "%s '%s' is in %zu groups, more than the %d iam allows",
		      o->kind, o->name, n, GW_LIM_USER_GROUPS_MAX);
	}
}

/* N9: the managed policy document, as IAM counts it (no white space). */
static void rule_policy_size(struct gw_rule_ctx *rc, const struct iam_owner *o,
                             size_t len)
{
	if (len > GW_LIM_MANAGED_POLICY_DOC_MAX) {
		R_ERR(rc, o->at, GW_RULE_N9, "split it into two policies",
		      "%s '%s' renders to about %zu characters, more than the "
		      "%d iam allows for a managed policy",
		      o->kind, o->name, len, GW_LIM_MANAGED_POLICY_DOC_MAX);
	}
}

/* ---- the profile adapter -------------------------------------------------- */

static const char *const trust_services[] = {
        "ec2",
        "ecs-tasks",
        "batch",
        "spotfleet",
};

/* The ARN gwgen renders for profile resource 'r' (free() it). */
static char *profile_arn(struct gw_vctx *c, const struct gw_resource *r)
{
	const char *p = c->partition ? c->partition : "aws";
	const char *acct = c->m->account_id.s ? c->m->account_id.s : "*";
	const char *bucket =
	        c->m->bucket.name.s ? c->m->bucket.name.s : "bucket";
	const char *v = gw_vm_str_or(&r->value, "");
	switch (r->kind) {
	case GW_RES_BUCKET:
		return gw_xasprintf("arn:%s:s3:::%s", p, bucket);
	case GW_RES_OBJECTS:
		return gw_xasprintf("arn:%s:s3:::%s/%s", p, bucket, v);
	case GW_RES_SECRET:
		return gw_xasprintf("arn:%s:secretsmanager:%s:%s:secret:%s", p,
		                    c->region, acct, v);
	case GW_RES_LOG_GROUP:
		return gw_xasprintf("arn:%s:logs:%s:%s:log-group:%s", p,
		                    c->region, acct, v);
	case GW_RES_ROLE:
		return gw_xasprintf("arn:%s:iam::%s:role/%s", p, acct, v);
	case GW_RES_ARN:
		return gw_xasprintf("%s", v);
	case GW_RES_BATCH:
	case GW_RES_ECS:
	case GW_RES_ECR:
	case GW_RES_EC2: {
		const char *service = "", *prefix = "";
		gw_res_regional(r->kind, &service, &prefix);
		return gw_xasprintf("arn:%s:%s:%s:%s:%s%s", p, service,
		                    c->region, acct, prefix, v);
	}
	case GW_RES_ANY:
		break;
	}
	return gw_xasprintf("*");
}

/* The resource as the profile spells it (free() it). */
static char *profile_written(const struct gw_resource *r)
{
	static const char *const prefix[] = {
	        [GW_RES_ANY] = "",           [GW_RES_BUCKET] = "bucket",
	        [GW_RES_OBJECTS] = "bucket/", [GW_RES_SECRET] = "secret:",
	        [GW_RES_LOG_GROUP] = "log-group:", [GW_RES_ROLE] = "role:",
	        [GW_RES_ECS] = "ecs:",
	        [GW_RES_ECR] = "ecr:", [GW_RES_EC2] = "ec2:",
	        [GW_RES_BATCH] = "batch:", [GW_RES_ARN] = "",
	};
	_Static_assert(GW_ARRAY_LEN(prefix) == GW_RES_ARN + 1,
	               "one prefix per resource kind");
	if (r->kind == GW_RES_ANY) {
		return gw_xasprintf("*");
	}
	return gw_xasprintf("%s%s", prefix[r->kind],
	                    r->kind == GW_RES_BUCKET ? ""
	                                             : gw_vm_str_or(&r->value, ""));
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
			n += strlen("\"\",") +
			     strlen(gw_vm_str_or(&s->actions.v[j], ""));
		}
		for (size_t j = 0; j < s->n_resources; j++) {
			char *arn = profile_arn(c, &s->resources[j]);
			n += strlen("\"\",") + strlen(arn);
			free(arn);
		}
		/* Conditions, counted one block per condition (an upper
		 * bound: the view groups them by test), with the stack's
		 * name for each ${gwgen:stack}. */
		if (s->n_conditions) {
			n += strlen(",\"Condition\":{}");
		}
		for (size_t j = 0; j < s->n_conditions; j++) {
			const struct gw_condition *k = &s->conditions[j];
			n += strlen("\"\":{\"\":[]},") +
			     strlen(gw_vm_str_or(&k->test, "")) +
			     strlen(gw_vm_str_or(&k->key, ""));
			for (size_t v = 0; v < k->values.n; v++) {
				n += strlen("\"\",") +
				     strlen(gw_vm_str_or(&k->values.v[v], "")) +
				     strlen(gw_vm_str_or(&c->m->stack_name, ""));
			}
		}
	}
	return n;
}

static void check_model_statement(struct gw_vctx *c,
                                  const struct iam_owner *owner,
                                  const struct gw_statement *st)
{
	struct iam_statement s = {
	        .owner = owner,
	        .at = st->loc,
	        .effect = st->effect.s,
	        .effect_at = st->effect.loc,
	        .sid = st->sid.s,
	        .sid_at = st->sid.loc,
	        .n_actions = st->actions.n,
	        .actions_at = gw_vm_at(st->actions.loc, st->loc),
	        .n_resources = st->n_resources,
	        .has_resource = st->n_resources > 0,
	        .resources_at = gw_vm_at(st->resources_loc, st->loc),
	        .partition = c->partition,
	        .scope = {
	                .partition = c->partition ? c->partition : "aws",
	                .region = strcmp(c->region, "*") ? c->region : "REGION",
	                .account = c->m->account_id.s ? c->m->account_id.s
	                                              : "ACCOUNT",
	        },
	};
	s.actions = gw_xcalloc(s.n_actions + 1, sizeof(*s.actions));
	s.resources = gw_xcalloc(s.n_resources + 1, sizeof(*s.resources));
	for (size_t i = 0; i < s.n_actions; i++) {
		s.actions[i] = (struct iam_item){
		        .s = st->actions.v[i].s,
		        .at = st->actions.v[i].loc,
		};
	}
	for (size_t i = 0; i < s.n_resources; i++) {
		const struct gw_resource *r = &st->resources[i];
		struct iam_item *it = &s.resources[i];
		it->at = gw_vm_at(r->loc, st->loc);
		it->missing_bucket = (r->kind == GW_RES_BUCKET ||
		                      r->kind == GW_RES_OBJECTS) &&
		                     !c->m->bucket.present;
		if (!it->missing_bucket) {
			it->s = profile_written(r);
			it->arn = profile_arn(c, r);
		}
	}
	check_statement(&c->rc, &s);
	for (size_t i = 0; i < s.n_resources; i++) {
		free((char *)s.resources[i].s);
		free((char *)s.resources[i].arn);
	}
	free(s.actions);
	free(s.resources);
}

/* R2: policies attached to a role, group or user exist. */
static void check_policy_refs(struct gw_vctx *c, const struct gw_strs *names,
                              const struct iam_owner *o)
{
	for (size_t i = 0; i < names->n; i++) {
		const struct gw_str *p = &names->v[i];
		if (p->s && !gw_model_policy(c->m, p->s)) {
			R_ERR(&c->rc, p->loc, GW_RULE_R2,
			      "define it under 'policies:'",
			      "%s '%s' attaches policy '%s', which the profile "
			      "does not define",
			      o->kind, o->name, p->s);
		}
	}
}

/* A3 on AWS-managed policy paths, and N8 (customer-managed ones count). */
static void check_model_managed(struct gw_vctx *c, const struct gw_strs *managed,
                                size_t n_policies, const struct iam_owner *o)
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
	rule_managed_count(&c->rc, o, o->at, managed->n + n_policies);
}

/* N3 (after N11's one-line check) and N4 on one profile name. */
static void check_model_name(struct gw_vctx *c, const struct gw_str *name,
                             const char *kind, size_t max,
                             struct gw_name_list *seen)
{
	char key[MSG_BYTES];
	snprintf(key, sizeof(key), "%s name", kind);
	if (!gw_vm_check_one_line(c, name, key)) {
		return;
	}
	rule_iam_name(&c->rc, key, name->s, name->loc, max);
	gw_vm_check_unique(c, name, seen, GW_RULE_N4);
}

static struct iam_owner model_owner(const char *kind, const struct gw_str *name)
{
	return (struct iam_owner){kind, gw_vm_str_or(name, "?"), name->loc};
}

/* R1 (a role trusts some service; one with an instance profile trusts
 * ec2) and A2 (the services a profile's trust may name). */
static void check_model_trust(struct gw_vctx *c, const struct gw_role *r)
{
	const char *name = gw_vm_str_or(&r->name, "?");
	if (r->trust.n == 0) {
		R_ERR(&c->rc, gw_vm_at(r->trust.loc, r->loc), GW_RULE_R1,
		      "trust ec2, ecs-tasks, batch or spotfleet",
		      "role '%s' trusts no service", name);
	}
	for (size_t j = 0; j < r->trust.n; j++) {
		const struct gw_str *t = &r->trust.v[j];
		if (t->s && !gw_vm_in_set(t->s, trust_services,
		                          GW_ARRAY_LEN(trust_services))) {
			R_ERR(&c->rc, t->loc, GW_RULE_A2,
			      "use ec2, ecs-tasks, batch or spotfleet",
			      "role '%s' trusts unknown service '%s'", name,
			      t->s);
		} else if (t->s && c->partition &&
		           !gw_principal_of(c->partition, t->s)) {
			char principal[GW_PRINCIPAL_MAX];
			bool sourced;
			gw_principal_render(c->partition, t->s, principal,
			                    sizeof(principal), &sourced);
			R_WARN(&c->rc, t->loc, GW_RULE_A2,
			       "check the principal in the partition's iam "
			       "documentation",
			       "role '%s' trusts '%s', whose principal in "
			       "partition '%s' gwgen has no source for; it "
			       "writes '%s'",
			       name, t->s, c->partition, principal);
		}
	}
	if (r->instance_profile.v && !gw_vm_role_trusts(r, "ec2")) {
		R_ERR(&c->rc, r->instance_profile.loc, GW_RULE_R1,
		      "add 'ec2' to trust",
		      "role '%s' has an instance profile but does not trust "
		      "ec2",
		      name);
	}
}

/*
 * The length of a role's inline open-data policy as IAM counts it (no
 * white space): the minified JSON of the two statements gwgen renders, one
 * listing the buckets, one reading their objects (an upper bound: every
 * resource counted with a comma).
 */
static size_t open_data_policy_len(const char *partition,
                                   const struct gw_strs *buckets)
{
	size_t n = strlen("{\"Version\":\"2012-10-17\",\"Statement\":["
	                  "{\"Sid\":\"ListOpenData\",\"Effect\":\"Allow\","
	                  "\"Action\":[\"s3:ListBucket\"],\"Resource\":[]},"
	                  "{\"Sid\":\"ReadOpenData\",\"Effect\":\"Allow\","
	                  "\"Action\":[\"s3:GetObject\"],\"Resource\":[]}]}");
	for (size_t i = 0; i < buckets->n; i++) {
		size_t arn = strlen("\"arn:") + strlen(partition) +
		             strlen(":s3:::") +
		             strlen(gw_vm_str_or(&buckets->v[i], "")) +
		             strlen("\",");
		n += 2 * arn + strlen("/*");
	}
	return n;
}

/*
 * N12: the public buckets a role may read (roles[].open_data). The names
 * go into ARNs unquoted by IAM, so they must be bucket names: no wildcard,
 * no other character S3 refuses in a name (S3 "General purpose bucket
 * naming rules").
 */
static void check_model_open_data(struct gw_vctx *c, const struct gw_role *r)
{
	const struct gw_strs *od = &r->open_data;
	const char *role = gw_vm_str_or(&r->name, "?");
	for (size_t i = 0; i < od->n; i++) {
		const struct gw_str *b = &od->v[i];
		const char *why = b->s ? gw_names_bucket_error(b->s) : NULL;
		if (!b->s) {
			continue;
		}
		if (why) {
			R_ERR(&c->rc, b->loc, GW_RULE_N12,
			      "name a bucket, as in s3://BUCKET: 3..63 of "
			      "[a-z0-9.-], no wildcard",
			      "role '%s' reads open-data bucket '%s', which "
			      "%s", role, b->s, why);
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			if (gw_vm_str_is(&od->v[j], b->s)) {
				R_ERR(&c->rc, b->loc, GW_RULE_N12,
				      "list it once",
				      "role '%s' lists open-data bucket '%s' "
				      "twice", role, b->s);
				break;
			}
		}
		if (c->m->bucket.present &&
		    gw_vm_str_is(&c->m->bucket.name, b->s)) {
			R_WARN(&c->rc, b->loc, GW_RULE_N12,
			       "grant the stack's bucket through a policy "
			       "('bucket', 'bucket/*')",
			       "open-data bucket '%s' of role '%s' is the "
			       "profile's own bucket", b->s, role);
		}
	}
	if (od->n == 0) {
		return;
	}
	size_t len = open_data_policy_len(c->partition ? c->partition : "aws",
	                                  od);
	if (len > GW_LIM_ROLE_INLINE_POLICY_MAX) {
		R_ERR(&c->rc, od->loc, GW_RULE_N12,
		      "read fewer buckets from this role",
		      "the open-data policy of role '%s' renders to about %zu "
		      "characters, more than the %d iam allows for a role's "
		      "inline policies", role, len,
		      GW_LIM_ROLE_INLINE_POLICY_MAX);
	}
	/* Its review copy is iam/ROLE-open-data.json, a policy's
	 * iam/POLICY.json. */
	char *file = gw_xasprintf("%s-open-data", role);
	const struct gw_policy *p = gw_model_policy(c->m, file);
	if (p) {
		R_ERR(&c->rc, p->name.loc, GW_RULE_N12,
		      "rename the policy",
		      "policy '%s' and the open-data policy of role '%s' "
		      "would both be written to iam/%s.json", file, role,
		      file);
	}
	free(file);
}

/* Whether a name of 'names' is 'name'. */
static bool strs_have(const struct gw_strs *names, const char *name)
{
	for (size_t i = 0; i < names->n; i++) {
		if (gw_vm_str_is(&names->v[i], name)) {
			return true;
		}
	}
	return false;
}

/*
 * R11: whether something in the profile names role 'name': a compute
 * environment, a job definition, Snakemake's job role, or a policy
 * resource role:NAME (a role its holder may pass, e.g. to the jobs it
 * registers; glob patterns count).
 */
static bool role_is_used(const struct gw_model *m, const char *name)
{
	for (size_t i = 0; i < m->n_compute_envs; i++) {
		const struct gw_compute_env *ce = &m->compute_envs[i];
		if (gw_vm_str_is(&ce->instance_role, name) ||
		    gw_vm_str_is(&ce->spot_fleet_role, name) ||
		    gw_vm_str_is(&ce->service_role, name)) {
			return true;
		}
	}
	for (size_t i = 0; i < m->n_job_defs; i++) {
		const struct gw_job_def *j = &m->job_defs[i];
		if (gw_vm_str_is(&j->job_role, name) ||
		    gw_vm_str_is(&j->execution_role, name)) {
			return true;
		}
	}
	if (m->snakemake.present && gw_vm_str_is(&m->snakemake.job_role, name)) {
		return true;
	}
	for (size_t i = 0; i < m->n_policies; i++) {
		const struct gw_policy *p = &m->policies[i];
		for (size_t j = 0; j < p->n_statements; j++) {
			const struct gw_statement *st = &p->statements[j];
			for (size_t k = 0; k < st->n_resources; k++) {
				const struct gw_resource *r = &st->resources[k];
				if (r->kind == GW_RES_ROLE && r->value.s &&
				    gw_iam_glob(r->value.s, name)) {
					return true;
				}
			}
		}
	}
	return false;
}

/* R11 and R12: roles nothing names, policies nothing attaches. */
static void check_model_unused(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	for (size_t i = 0; i < m->n_roles; i++) {
		const struct gw_role *r = &m->roles[i];
		if (r->name.s && gw_vm_is_one_line(&r->name) &&
		    !role_is_used(m, r->name.s)) {
			R_WARN(&c->rc, gw_vm_at(r->name.loc, r->loc), GW_RULE_R11,
			       "name it where it serves (instance_role, "
			       "job_role, ...), or remove it",
			       "role '%s' is used by nothing in the profile: no "
			       "compute environment, job definition or engine "
			       "names it, and no policy lets anyone pass it",
			       r->name.s);
		}
	}
	for (size_t i = 0; i < m->n_policies; i++) {
		const struct gw_policy *p = &m->policies[i];
		bool used = false;
		for (size_t j = 0; j < m->n_roles && !used; j++) {
			used = strs_have(&m->roles[j].policies, p->name.s);
		}
		for (size_t j = 0; j < m->n_groups && !used; j++) {
			used = strs_have(&m->groups[j].policies, p->name.s);
		}
		for (size_t j = 0; j < m->n_users && !used; j++) {
			used = strs_have(&m->users[j].policies, p->name.s);
		}
		if (p->name.s && gw_vm_is_one_line(&p->name) && !used) {
			R_WARN(&c->rc, gw_vm_at(p->name.loc, p->loc), GW_RULE_R12,
			       "list it under the policies of a role, group or "
			       "user, or remove it",
			       "policy '%s' is attached to no role, group or "
			       "user", p->name.s);
		}
	}
}

void gw_iam_check_model(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	struct gw_name_list seen = {.kind = "policy", .nocase = true};
	for (size_t i = 0; i < m->n_policies; i++) {
		const struct gw_policy *p = &m->policies[i];
		struct iam_owner o = model_owner("policy", &p->name);
		o.at = p->loc;
		check_model_name(c, &p->name, "policy", GW_LIM_IAM_NAME_MAX,
		                 &seen);
		rule_policy_size(&c->rc, &o, policy_document_len(c, p));
		for (size_t j = 0; j < p->n_statements; j++) {
			check_model_statement(c, &o, &p->statements[j]);
		}
	}
	seen = (struct gw_name_list){.kind = "role", .nocase = true};
	for (size_t i = 0; i < m->n_roles; i++) {
		const struct gw_role *r = &m->roles[i];
		struct iam_owner o = model_owner("role", &r->name);
		check_model_name(c, &r->name, "role", GW_LIM_ROLE_NAME_MAX, &seen);
		check_model_trust(c, r);
		check_policy_refs(c, &r->policies, &o);
		check_model_managed(c, &r->managed, r->policies.n, &o);
		check_model_open_data(c, r);
	}
	check_model_unused(c);
	seen = (struct gw_name_list){.kind = "group", .nocase = true};
	for (size_t i = 0; i < m->n_groups; i++) {
		const struct gw_group *g = &m->groups[i];
		struct iam_owner o = model_owner("group", &g->name);
		check_model_name(c, &g->name, "group", GW_LIM_IAM_NAME_MAX, &seen);
		check_policy_refs(c, &g->policies, &o);
		check_model_managed(c, &g->managed, g->policies.n, &o);
	}
	seen = (struct gw_name_list){.kind = "user", .nocase = true};
	for (size_t i = 0; i < m->n_users; i++) {
		const struct gw_user *u = &m->users[i];
		struct iam_owner o = model_owner("user", &u->name);
		check_model_name(c, &u->name, "user", GW_LIM_IAM_NAME_MAX, &seen);
		check_policy_refs(c, &u->policies, &o);
		rule_group_count(&c->rc, &o, u->groups.loc, u->groups.n);
		for (size_t j = 0; j < u->groups.n; j++) {
			const struct gw_str *g = &u->groups.v[j];
			if (g->s && !gw_model_group(m, g->s)) {
				R_ERR(&c->rc, g->loc, GW_RULE_R3,
				      "define it under 'groups:'",
				      "user '%s' joins group '%s', which the "
				      "profile does not define",
				      o.name, g->s);
			}
		}
	}
}

/* ---- the template adapter ------------------------------------------------- */

/* Entries of one Action/NotAction/Resource list read from a template (as
 * many as the other template checks track). */
#define CFN_ITEMS_MAX GW_CFN_TRACK_MAX

/* Each node of a scalar-or-sequence value, as a list. */
static size_t as_list(struct gw_cfn *t, yaml_node_t *n, yaml_node_t **out,
                      size_t max)
{
	if (!n) {
		return 0;
	}
	if (!gw_cfn_is_seq(n)) {
		out[0] = n;
		return 1;
	}
	size_t k = 0;
	for (size_t i = 0; i < gw_cfn_seq_len(n) && k < max; i++) {
		out[k++] = gw_cfn_seq_at(t, n, i);
	}
	return k;
}

/* The literal entries of list 'n' as items. */
static size_t cfn_items(struct gw_cfn *t, yaml_node_t *n, struct iam_item *out)
{
	yaml_node_t *nodes[CFN_ITEMS_MAX];
	size_t k = as_list(t, n, nodes, CFN_ITEMS_MAX);
	for (size_t i = 0; i < k; i++) {
		out[i] = (struct iam_item){
		        .s = gw_cfn_literal(t, nodes[i]),
		        .at = gw_cfn_loc(t, nodes[i]),
		};
	}
	return k;
}

static void check_cfn_statement(struct gw_cfn *t, const struct iam_owner *o,
                                yaml_node_t *st)
{
	struct iam_item actions[CFN_ITEMS_MAX], not_actions[CFN_ITEMS_MAX];
	struct iam_item resources[CFN_ITEMS_MAX];
	yaml_node_t *effect = gw_cfn_get(t, st, "Effect");
	yaml_node_t *sid = gw_cfn_get(t, st, "Sid");
	yaml_node_t *action = gw_cfn_get(t, st, "Action");
	yaml_node_t *not_action = gw_cfn_get(t, st, "NotAction");
	yaml_node_t *resource = gw_cfn_get(t, st, "Resource");
	struct gw_loc at = gw_cfn_loc(t, st);
	struct iam_statement s = {
	        .owner = o,
	        .at = at,
	        .effect = gw_cfn_literal(t, effect),
	        .effect_at = effect ? gw_cfn_loc(t, effect) : at,
	        .sid = gw_cfn_literal(t, sid),
	        .sid_at = sid ? gw_cfn_loc(t, sid) : at,
	        .actions = actions,
	        .n_actions = cfn_items(t, action, actions),
	        .actions_at = action ? gw_cfn_loc(t, action) : at,
	        .not_actions = not_actions,
	        .n_not_actions = cfn_items(t, not_action, not_actions),
	        .has_not_action = not_action != NULL,
	        .not_action_at = not_action ? gw_cfn_loc(t, not_action) : at,
	        .resources = resources,
	        .n_resources = cfn_items(t, resource, resources),
	        .has_resource = resource || gw_cfn_get(t, st, "NotResource"),
	        .resources_at = resource ? gw_cfn_loc(t, resource) : at,
	        .cfn = true,
	        /* !Sub values, so the hint works as written. */
	        .scope = {"${AWS::Partition}", "${AWS::Region}",
	                  "${AWS::AccountId}"},
	};
	yaml_node_t *nodes[CFN_ITEMS_MAX];
	as_list(t, resource, nodes, CFN_ITEMS_MAX);
	for (size_t i = 0; i < s.n_resources; i++) {
		bool templated = false;
		resources[i].arn = gw_cfn_string(t, nodes[i], &templated);
		resources[i].s = resources[i].arn;
		resources[i].templated = templated;
	}
	check_statement(&t->rc, &s);
}

static void check_cfn_policy_doc(struct gw_cfn *t, const struct iam_owner *o,
                                 yaml_node_t *doc)
{
	yaml_node_t *items[CFN_ITEMS_MAX];
	size_t n = as_list(t, gw_cfn_get(t, doc, "Statement"), items,
	                   CFN_ITEMS_MAX);
	for (size_t i = 0; i < n; i++) {
		check_cfn_statement(t, o, items[i]);
	}
}

/* The length of 'n' as minified JSON: what IAM counts for N9. Intrinsic
 * functions count as written, so the result is an estimate. '*budget'
 * bounds the nodes visited, against alias bombs. */
static size_t cfn_json_len(struct gw_cfn *t, yaml_node_t *n, size_t *budget)
{
	enum { QUOTES = 2, BRACKETS = 2, COLON = 1, COMMA = 1 };
	if (!n || *budget == 0) {
		return 0;
	}
	--*budget;
	if (gw_cfn_is_scalar(n)) {
		return strlen(gw_cfn_scalar(n)) + QUOTES;
	}
	size_t len = BRACKETS;
	if (gw_cfn_is_seq(n)) {
		for (size_t i = 0; i < gw_cfn_seq_len(n); i++) {
			len += (i ? COMMA : 0) +
			       cfn_json_len(t, gw_cfn_seq_at(t, n, i), budget);
		}
		return len;
	}
	size_t i = 0;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++, i++) {
		len += (i ? COMMA : 0) + COLON +
		       cfn_json_len(t, gw_cfn_node(t, p->key), budget) +
		       cfn_json_len(t, gw_cfn_node(t, p->value), budget);
	}
	return len;
}

/* N3, and C4's note: a named IAM resource needs CAPABILITY_NAMED_IAM. */
static void check_cfn_name(struct gw_cfn *t, yaml_node_t *props, const char *key,
                           size_t max)
{
	yaml_node_t *name = gw_cfn_get(t, props, key);
	if (!name) {
		return;
	}
	t->named_iam = true;
	rule_iam_name(&t->rc, key, gw_cfn_literal(t, name), gw_cfn_loc(t, name),
	              max);
}

/* N8, A3 on ManagedPolicyArns. */
static void check_cfn_managed_arns(struct gw_cfn *t, const struct iam_owner *o,
                                   yaml_node_t *props)
{
	yaml_node_t *arns = gw_cfn_get(t, props, "ManagedPolicyArns");
	if (!arns) {
		return;
	}
	rule_managed_count(&t->rc, o, gw_cfn_loc(t, arns), gw_cfn_seq_len(arns));
	for (size_t i = 0; i < gw_cfn_seq_len(arns); i++) {
		yaml_node_t *n = gw_cfn_seq_at(t, arns, i);
		bool templated = false;
		const char *a = gw_cfn_string(t, n, &templated);
		if (a) {
			gw_arn_verify(a, NULL, templated ? GW_ARN_TEMPLATE : 0,
			              gw_cfn_loc(t, n), t->d);
		}
	}
}

/* The inline Policies of a role, group or user. */
static void check_cfn_inline(struct gw_cfn *t, const struct iam_owner *o,
                             yaml_node_t *props)
{
	yaml_node_t *pols = gw_cfn_get(t, props, "Policies");
	for (size_t i = 0; i < gw_cfn_seq_len(pols); i++) {
		check_cfn_policy_doc(
		        t, o,
		        gw_cfn_get(t, gw_cfn_seq_at(t, pols, i), "PolicyDocument"));
	}
}

/*
 * A2 on one Principal.Service entry of a template, against the sourced
 * principals of principal.c: "SERVICE.${AWS::URLSuffix}" renders
 * SERVICE.amazonaws.com.cn in aws-cn, which is wrong where aws-cn's
 * principal is SERVICE.amazonaws.com (ecs-tasks); a literal is wrong in
 * the partitions whose principal differs from it (ec2.amazonaws.com in
 * aws-cn, ecs-tasks.amazonaws.com.cn anywhere). Returns whether it
 * reported.
 */
static bool check_cfn_principal(struct gw_cfn *t, const struct iam_owner *o,
                                yaml_node_t *n)
{
	bool templated = false;
	const char *p = gw_cfn_string(t, n, &templated);
	if (!p) {
		return false;
	}
	char svc[GW_PRINCIPAL_MAX];
	const char *dot = strchr(p, '.');
	if (!dot || (size_t)(dot - p) >= sizeof(svc)) {
		return false;
	}
	snprintf(svc, sizeof(svc), "%.*s", (int)(dot - p), p);
	const char *cn = gw_principal_of("aws-cn", svc);
	const char *global = gw_principal_of("aws", svc);
	if (!cn || !global) {
		return false; /* a service gwgen has no rows for */
	}
	if (templated) {
		if (strcmp(dot + 1, "${AWS::URLSuffix}") != 0 ||
		    gw_principal_follows_url_suffix(svc)) {
			return false;
		}
		char hint[GW_VM_MSG_BYTES];
		snprintf(hint, sizeof(hint),
		         "write '%s' (%s), right in every partition", cn,
		         gw_principal_source("aws-cn", svc));
		R_WARN(&t->rc, gw_cfn_loc(t, n), GW_RULE_A2, hint,
		       "%s '%s' trusts '%s', which is '%s.amazonaws.com.cn' "
		       "in aws-cn, where the principal is '%s'",
		       o->kind, o->name, p, svc, cn);
		return true;
	}
	static const char *const partitions[] = {"aws", "aws-cn",
	                                         "aws-us-gov"};
	for (size_t i = 0; i < GW_ARRAY_LEN(partitions); i++) {
		const char *want = gw_principal_of(partitions[i], svc);
		if (want && strcmp(want, p) != 0) {
			char hint[GW_VM_MSG_BYTES];
			snprintf(hint, sizeof(hint), "%s (%s)",
			         gw_principal_follows_url_suffix(svc)
			                 ? "write !Sub 'SERVICE.${AWS::URLSuffix}'"
			                 : "write the principal of the "
			                   "partition it deploys in",
			         gw_principal_source(partitions[i], svc));
			R_WARN(&t->rc, gw_cfn_loc(t, n), GW_RULE_A2, hint,
			       "%s '%s' trusts '%s', but the principal of "
			       "'%s' in %s is '%s'",
			       o->kind, o->name, p, svc, partitions[i], want);
			return true;
		}
	}
	return false;
}

/* A2 on the service principals of a policy document (once per role). */
static void check_cfn_principals(struct gw_cfn *t, const struct iam_owner *o,
                                 yaml_node_t *doc)
{
	yaml_node_t *items[CFN_ITEMS_MAX];
	size_t n = as_list(t, gw_cfn_get(t, doc, "Statement"), items,
	                   CFN_ITEMS_MAX);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *svc[CFN_ITEMS_MAX];
		yaml_node_t *principal = gw_cfn_get(t, items[i], "Principal");
		size_t ns = as_list(t, gw_cfn_get(t, principal, "Service"), svc,
		                    CFN_ITEMS_MAX);
		for (size_t j = 0; j < ns; j++) {
			if (check_cfn_principal(t, o, svc[j])) {
				return;
			}
		}
	}
}

static struct iam_owner cfn_owner(struct gw_cfn *t, const char *kind,
                                  const char *logical, yaml_node_t *props)
{
	struct gw_loc at = props ? gw_cfn_loc(t, props) : (struct gw_loc){0};
	return (struct iam_owner){kind, logical, at};
}

void gw_iam_cfn_role(struct gw_cfn *t, const char *logical, yaml_node_t *props)
{
	struct iam_owner o = cfn_owner(t, "role", logical, props);
	check_cfn_principals(t, &o,
	                     gw_cfn_get(t, props, "AssumeRolePolicyDocument"));
	check_cfn_name(t, props, "RoleName", GW_LIM_ROLE_NAME_MAX);
	check_cfn_inline(t, &o, props);
	check_cfn_managed_arns(t, &o, props);
}

void gw_iam_cfn_managed_policy(struct gw_cfn *t, const char *logical,
                               yaml_node_t *props)
{
	struct iam_owner o = cfn_owner(t, "policy", logical, props);
	check_cfn_name(t, props, "ManagedPolicyName", GW_LIM_IAM_NAME_MAX);
	yaml_node_t *doc = gw_cfn_get(t, props, "PolicyDocument");
	if (doc) {
		size_t budget = GW_CFN_WALK_MAX;
		o.at = gw_cfn_loc(t, doc);
		rule_policy_size(&t->rc, &o, cfn_json_len(t, doc, &budget));
	}
	check_cfn_policy_doc(t, &o, doc);
}

void gw_iam_cfn_policy(struct gw_cfn *t, const char *logical,
                       yaml_node_t *props)
{
	struct iam_owner o = cfn_owner(t, "policy", logical, props);
	check_cfn_policy_doc(t, &o, gw_cfn_get(t, props, "PolicyDocument"));
}

void gw_iam_cfn_group(struct gw_cfn *t, const char *logical,
                      yaml_node_t *props)
{
	struct iam_owner o = cfn_owner(t, "group", logical, props);
	check_cfn_name(t, props, "GroupName", GW_LIM_IAM_NAME_MAX);
	check_cfn_inline(t, &o, props);
	check_cfn_managed_arns(t, &o, props);
}

void gw_iam_cfn_user(struct gw_cfn *t, const char *logical, yaml_node_t *props)
{
	struct iam_owner o = cfn_owner(t, "user", logical, props);
	check_cfn_name(t, props, "UserName", GW_LIM_IAM_NAME_MAX);
	check_cfn_inline(t, &o, props);
	check_cfn_managed_arns(t, &o, props);
	yaml_node_t *groups = gw_cfn_get(t, props, "Groups");
	if (groups) {
		rule_group_count(&t->rc, &o, gw_cfn_loc(t, groups),
		                 gw_cfn_seq_len(groups));
	}
}

/* R1: an instance profile takes exactly one role (IAM quotas, "roles in
 * an instance profile: 1"). */
void gw_iam_cfn_instance_profile(struct gw_cfn *t, const char *logical,
                                 yaml_node_t *props)
{
	check_cfn_name(t, props, "InstanceProfileName", GW_LIM_IAM_NAME_MAX);
	yaml_node_t *roles = gw_cfn_get(t, props, "Roles");
	if (roles && gw_cfn_seq_len(roles) != 1) {
		R_ERR(&t->rc, gw_cfn_loc(t, roles), GW_RULE_R1,
		      "give the instance profile one role",
		      "instance profile '%s' has %zu roles; it takes exactly 1",
		      logical, gw_cfn_seq_len(roles));
	}
}
