/* SPDX-License-Identifier: MIT */
/*
 * `gwgen plan` (plan.h): compare two CloudFormation templates resource by
 * resource, classify each changed property with data/cfn-update.tsv, and
 * report what needs a reviewer as PL* findings.
 *
 * Facts used (cited in docs/rules.md too):
 * - A property in a resource schema's createOnlyProperties replaces the
 *   resource when it changes (CloudFormation "Update behaviors of stack
 *   resources"); @aws-cdk/aws-service-spec records it as causesReplacement.
 * - "If you specify a name, you cannot perform updates that require
 *   replacement of this resource" (CloudFormation "Name type"): a custom
 *   name that stays the same while the resource is replaced fails the
 *   update, because the new resource is created before the old one is
 *   deleted.
 * - A Batch compute environment's infrastructure settings (instance types,
 *   allocation strategy, launch template, subnets, ...) update in place
 *   only with the AWSServiceRoleForBatch service-linked role (no
 *   ServiceRole) and an allocation strategy of BEST_FIT_PROGRESSIVE,
 *   SPOT_CAPACITY_OPTIMIZED or SPOT_PRICE_CAPACITY_OPTIMIZED; otherwise the
 *   environment is replaced (AWS Batch User Guide, "Perform infrastructure
 *   updates").
 * - A resource removed or replaced is deleted unless its DeletionPolicy
 *   (UpdateReplacePolicy for a replacement) is Retain or Snapshot
 *   (CloudFormation "DeletionPolicy attribute"); S3 refuses to delete a
 *   bucket that holds objects.
 */
#include "plan.h"
#include "plan_impl.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "diag.h"
#include "report.h"
#include "files.h"
#include "pipeline.h"
#include "profile.h"
#include "rules.h"
#include "status.h"
#include "templates.h"
#include "util.h"
#include "yaml_doc.h"

/* Templates larger than CloudFormation's 1,000,000-byte limit (C1) are not
 * deployable; plan reads at most a little more. */
#define PLAN_MAX_BYTES (2 * 1024 * 1024)
#define PLAN_MAX_DEPTH 64

enum gw_plan_format { PLAN_TEXT, PLAN_MARKDOWN, PLAN_JSON, PLAN_SARIF };

enum gw_replacement gw_plan_behaviour(const char *type, const char *prop)
{
	for (size_t i = 0; i < gw_cfn_update_n_rows; i++) {
		const struct gw_cfn_update_row *r = &gw_cfn_update_rows[i];
		if (strcmp(r->type, type) == 0 && strcmp(r->prop, prop) == 0) {
			return strcmp(r->value, "always") == 0
				? GW_REPL_ALWAYS : GW_REPL_CONDITIONAL;
		}
	}
	return GW_REPL_NEVER;
}

static const char *type_fact(const char *type, const char *what)
{
	for (size_t i = 0; i < gw_cfn_update_n_rows; i++) {
		const struct gw_cfn_update_row *r = &gw_cfn_update_rows[i];
		if (strcmp(r->type, type) == 0 && strcmp(r->prop, what) == 0) {
			return r->value;
		}
	}
	return NULL;
}

/* Whether the table looks one level into 'prop' of 'type'. */
static bool has_nested(const char *type, const char *prop)
{
	size_t n = strlen(prop);
	for (size_t i = 0; i < gw_cfn_update_n_rows; i++) {
		const struct gw_cfn_update_row *r = &gw_cfn_update_rows[i];
		if (strcmp(r->type, type) == 0 &&
		    strncmp(r->prop, prop, n) == 0 && r->prop[n] == '.') {
			return true;
		}
	}
	return false;
}

static const char *const repl_names[] = {
	[GW_REPL_NEVER] = "never",
	[GW_REPL_CONDITIONAL] = "conditional",
	[GW_REPL_ALWAYS] = "always",
};

/* ---- templates ---------------------------------------------------------- */

static struct gw_loc loc_of(const struct gw_plan_tpl *t, const yaml_node_t *n)
{
	return (struct gw_loc){t->file, (unsigned)n->start_mark.line + 1,
		(unsigned)n->start_mark.column + 1};
}

static yaml_node_t *node(struct gw_plan_tpl *t, int i)
{
	return gw_cfn_node(&t->c, i);
}

static const char *scalar(const yaml_node_t *n)
{
	return gw_cfn_scalar(n);
}

static yaml_node_t *get(struct gw_plan_tpl *t, yaml_node_t *map,
		const char *key)
{
	return gw_cfn_get(&t->c, map, key);
}

/* Load 'text' (owned by 't' afterwards) as a template; false with an error
 * in 'd'. */
static bool tpl_load(struct gw_plan_tpl *t, const char *file, char *text,
		size_t len, struct gw_diags *d)
{
	t->file = file;
	t->text = text;
	t->len = len;
	struct gw_yaml_loader l;
	if (!gw_yaml_loader_init(&l, text, len, PLAN_MAX_DEPTH)) {
		gw_diag_error(d, (struct gw_loc){file, 0, 0},
				"out of memory loading YAML");
		return false;
	}
	if (!gw_yaml_loader_next(&l, &t->doc)) {
		gw_diag_error(d, (struct gw_loc){file,
				(unsigned)l.mark.line + 1,
				(unsigned)l.mark.column + 1},
				"not a YAML template: %s", l.too_deep
				? "nested too deeply" : l.problem ? l.problem
				: "cannot be parsed");
		gw_yaml_loader_finish(&l);
		return false;
	}
	gw_yaml_loader_finish(&l);
	t->loaded = true;
	/* A shallow copy for the cfn.h readers, which never change it. */
	t->c = (struct gw_cfn){.doc = t->doc, .file = file};
	yaml_node_t *root = yaml_document_get_root_node(&t->doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		gw_diag_error(d, (struct gw_loc){file, 1, 1},
				"not a CloudFormation template: the document "
				"is not a mapping");
		return false;
	}
	t->resources = get(t, root, "Resources");
	t->c.parameters = get(t, root, "Parameters");
	t->c.resources = t->resources;
	if (t->resources && t->resources->type != YAML_MAPPING_NODE) {
		gw_diag_error(d, loc_of(t, t->resources),
				"`Resources` is not a mapping");
		return false;
	}
	return true;
}

static void tpl_finish(struct gw_plan_tpl *t)
{
	if (t->loaded) {
		gw_yaml_doc_finish(&t->doc);
	}
	free(t->text);
}

static bool tag_equal(const yaml_node_t *a, const yaml_node_t *b)
{
	const char *x = (const char *)a->tag, *y = (const char *)b->tag;
	return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

/* Deep equality, mappings compared without regard to key order. */
static bool equal(struct gw_plan_tpl *ta, yaml_node_t *a,
		struct gw_plan_tpl *tb, yaml_node_t *b)
{
	if (!a || !b) {
		return a == b;
	}
	if (a->type != b->type || !tag_equal(a, b)) {
		return false;
	}
	switch (a->type) {
	case YAML_SCALAR_NODE:
		return a->data.scalar.length == b->data.scalar.length &&
			memcmp(a->data.scalar.value, b->data.scalar.value,
					a->data.scalar.length) == 0;
	case YAML_SEQUENCE_NODE: {
		yaml_node_item_t *i = a->data.sequence.items.start;
		yaml_node_item_t *j = b->data.sequence.items.start;
		if (a->data.sequence.items.top - i !=
		    b->data.sequence.items.top - j) {
			return false;
		}
		for (; i < a->data.sequence.items.top; i++, j++) {
			if (!equal(ta, node(ta, *i), tb, node(tb, *j))) {
				return false;
			}
		}
		return true;
	}
	case YAML_MAPPING_NODE: {
		if (a->data.mapping.pairs.top - a->data.mapping.pairs.start !=
		    b->data.mapping.pairs.top - b->data.mapping.pairs.start) {
			return false;
		}
		for (yaml_node_pair_t *p = a->data.mapping.pairs.start;
		     p < a->data.mapping.pairs.top; p++) {
			const char *k = scalar(node(ta, p->key));
			if (!k || !equal(ta, node(ta, p->value), tb,
						get(tb, b, k))) {
				return false;
			}
		}
		return true;
	}
	default:
		return true;
	}
}

/* ---- the plan ----------------------------------------------------------- */

static const char *const action_names[] = {
	[GW_PLAN_ADD] = "add",
	[GW_PLAN_REMOVE] = "remove",
	[GW_PLAN_MODIFY] = "modify",
};

/* The profile object (its name: or its mapping) whose logical ID 'id' is:
 * gw_logical_id(name, "") with the view's suffix, the longest such prefix
 * among the objects of the resource's kind. */
#define PLAN_BEST(arr, n)                                                  \
	for (size_t i_ = 0; i_ < (n); i_++) {                              \
		consider(id, (arr)[i_].name.s, (arr)[i_].name.set           \
			? (arr)[i_].name.loc : (arr)[i_].loc, &best, &at);  \
	}

static void consider(const char *id, const char *name, struct gw_loc loc,
		size_t *best, struct gw_loc *at)
{
	if (!name) {
		return;
	}
	char *base = gw_logical_id(name, "");
	size_t n = strlen(base);
	if (n > *best && strncmp(id, base, n) == 0) {
		*best = n;
		*at = loc;
	}
	free(base);
}

static bool profile_loc(const struct gw_plan *p, const char *type,
		const char *id, struct gw_loc *out)
{
	const struct gw_model *m = p->bundle.m;
	if (!m) {
		return false;
	}
	size_t best = 0;
	struct gw_loc at = {0};
	if (strcmp(type, GW_PLAN_CE_TYPE) == 0) {
		PLAN_BEST(m->compute_envs, m->n_compute_envs);
	} else if (strcmp(type, GW_PLAN_QUEUE_TYPE) == 0) {
		PLAN_BEST(m->queues, m->n_queues);
	} else if (strcmp(type, "AWS::IAM::ManagedPolicy") == 0) {
		PLAN_BEST(m->policies, m->n_policies);
	} else if (strcmp(type, "AWS::IAM::Role") == 0 ||
		   strcmp(type, "AWS::IAM::InstanceProfile") == 0) {
		PLAN_BEST(m->roles, m->n_roles);
	} else if (strcmp(type, "AWS::Logs::LogGroup") == 0) {
		PLAN_BEST(m->log_groups, m->n_log_groups);
	} else if (strcmp(type, "AWS::EC2::LaunchTemplate") == 0) {
		PLAN_BEST(m->launch_templates, m->n_launch_templates);
	} else if (strncmp(type, "AWS::S3::", 9) == 0 && m->bucket.name.s) {
		best = 1;
		at = m->bucket.name.set ? m->bucket.name.loc : m->bucket.loc;
	}
	if (!best || !at.file || !at.line) {
		return false;
	}
	*out = at;
	return true;
}

struct gw_loc gw_plan_where(const struct gw_plan *p, const char *type,
		const char *id, struct gw_loc fallback)
{
	struct gw_loc at = fallback;
	profile_loc(p, type, id, &at);
	return at;
}

struct gw_plan_res *gw_plan_find(struct gw_plan *p, const char *id)
{
	for (size_t i = 0; i < p->n_res; i++) {
		if (strcmp(p->res[i].id, id) == 0) {
			return &p->res[i];
		}
	}
	return NULL;
}

static void add_prop(struct gw_plan_res *r, const char *name,
		enum gw_replacement repl)
{
	r->props = gw_xrealloc(r->props, (r->n_props + 1) * sizeof *r->props);
	r->props[r->n_props++] = (struct gw_plan_prop){gw_xstrdup(name), repl};
	if (repl > r->repl) {
		r->repl = repl;
	}
}

static struct gw_plan_res *add_res(struct gw_plan *p, const char *id,
		const char *type, enum gw_plan_action a, struct gw_loc at,
		yaml_node_t *or, yaml_node_t *nr)
{
	p->res = gw_xrealloc(p->res, (p->n_res + 1) * sizeof *p->res);
	struct gw_plan_res *r = &p->res[p->n_res++];
	*r = (struct gw_plan_res){.id = id, .type = type ? type : "?",
		.action = a, .at = at, .old = or, .new = nr};
	if (a != GW_PLAN_REMOVE) {
		/* Where the change comes from: the profile's object. */
		profile_loc(p, r->type, id, &r->at);
	}
	return r;
}

/* The properties of a resource that changed, with their behaviour. */
static void diff_props(struct gw_plan *p, struct gw_plan_res *r,
		yaml_node_t *op, yaml_node_t *np)
{
	struct gw_plan_tpl *to = &p->old, *tn = &p->new;
	/* Keys of the new properties, then keys only the old one has. */
	for (int pass = 0; pass < 2; pass++) {
		struct gw_plan_tpl *ts = pass ? to : tn;
		yaml_node_t *m = pass ? op : np;
		if (!m || m->type != YAML_MAPPING_NODE) {
			continue;
		}
		for (yaml_node_pair_t *q = m->data.mapping.pairs.start;
		     q < m->data.mapping.pairs.top; q++) {
			const char *k = scalar(node(ts, q->key));
			if (!k || (pass && get(tn, np, k))) {
				continue;
			}
			yaml_node_t *a = get(to, op, k), *b = get(tn, np, k);
			if (equal(to, a, tn, b)) {
				continue;
			}
			if (a && b && a->type == YAML_MAPPING_NODE &&
			    b->type == YAML_MAPPING_NODE &&
			    has_nested(r->type, k)) {
				for (int sp = 0; sp < 2; sp++) {
					struct gw_plan_tpl *ss = sp ? to : tn;
					yaml_node_t *sm = sp ? a : b;
					for (yaml_node_pair_t *s =
					     sm->data.mapping.pairs.start;
					     s < sm->data.mapping.pairs.top;
					     s++) {
						const char *sk = scalar(
							node(ss, s->key));
						if (!sk || (sp && get(tn, b, sk))
						    || equal(to, get(to, a, sk),
							tn, get(tn, b, sk))) {
							continue;
						}
						char *path = gw_xasprintf(
							"%s.%s", k, sk);
						add_prop(r, path,
							gw_plan_behaviour(
								r->type, path));
						free(path);
					}
				}
				continue;
			}
			add_prop(r, k, gw_plan_behaviour(r->type, k));
		}
	}
}

/* ---- IAM: what a policy or trust policy allows ------------------------- */

struct strset {
	char **v;
	struct gw_loc *at;
	size_t n;
};

static void set_add(struct strset *s, char *x, struct gw_loc at)
{
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->v[i], x) == 0) {
			free(x);
			return;
		}
	}
	s->v = gw_xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	s->at = gw_xrealloc(s->at, (s->n + 1) * sizeof *s->at);
	s->v[s->n] = x;
	s->at[s->n++] = at;
}

static bool set_has(const struct strset *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->v[i], x) == 0) {
			return true;
		}
	}
	return false;
}

static void set_finish(struct strset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i]);
	}
	free(s->v);
	free(s->at);
}

/* Every scalar under 'n' (a string, a list, a Principal map, an
 * intrinsic), as "KIND VALUE". */
static void scalars(struct gw_plan_tpl *t, yaml_node_t *n, const char *kind,
		struct strset *s, unsigned depth)
{
	if (!n || depth > PLAN_MAX_DEPTH) {
		return;
	}
	if (n->type == YAML_SCALAR_NODE) {
		set_add(s, gw_xasprintf("%s %s", kind, scalar(n)),
				loc_of(t, n));
	} else if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *i = n->data.sequence.items.start;
		     i < n->data.sequence.items.top; i++) {
			scalars(t, node(t, *i), kind, s, depth + 1);
		}
	} else if (n->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *q = n->data.mapping.pairs.start;
		     q < n->data.mapping.pairs.top; q++) {
			const char *k = scalar(node(t, q->key));
			char *sub = gw_xasprintf("%s %s:", kind, k ? k : "?");
			scalars(t, node(t, q->value), sub, s, depth + 1);
			free(sub);
		}
	}
}

/* What the Allow statements anywhere under 'n' grant. */
static void grants(struct gw_plan_tpl *t, yaml_node_t *n, struct strset *s,
		unsigned depth)
{
	if (!n || depth > PLAN_MAX_DEPTH) {
		return;
	}
	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *i = n->data.sequence.items.start;
		     i < n->data.sequence.items.top; i++) {
			grants(t, node(t, *i), s, depth + 1);
		}
		return;
	}
	if (n->type != YAML_MAPPING_NODE) {
		return;
	}
	const char *effect = scalar(get(t, n, "Effect"));
	if (effect && strcmp(effect, "Allow") == 0) {
		scalars(t, get(t, n, "Action"), "action", s, depth);
		scalars(t, get(t, n, "NotAction"), "all actions except", s,
				depth);
		scalars(t, get(t, n, "Resource"), "resource", s, depth);
		scalars(t, get(t, n, "NotResource"), "all resources except",
				s, depth);
		scalars(t, get(t, n, "Principal"), "principal", s, depth);
		return;
	}
	for (yaml_node_pair_t *q = n->data.mapping.pairs.start;
	     q < n->data.mapping.pairs.top; q++) {
		grants(t, node(t, q->value), s, depth + 1);
	}
}

static void diff_iam(struct gw_plan *p, const char *id, const char *type,
		yaml_node_t *op, yaml_node_t *np)
{
	struct gw_loc in_profile;
	bool mapped = profile_loc(p, type, id, &in_profile);
	struct strset was = {0}, now = {0};
	grants(&p->old, op, &was, 0);
	grants(&p->new, np, &now, 0);
	for (size_t i = 0; i < now.n; i++) {
		if (set_has(&was, now.v[i])) {
			continue;
		}
		p->iam = gw_xrealloc(p->iam, (p->n_iam + 1) * sizeof *p->iam);
		struct gw_loc at = mapped ? in_profile : now.at[i];
		p->iam[p->n_iam++] = (struct gw_plan_iam){id,
			gw_xstrdup(now.v[i]), at};
		bool pass = strncmp(now.v[i], "action ", 7) == 0 &&
			strcasecmp(now.v[i] + 7, "iam:PassRole") == 0;
		GW_RULE_WARN(&p->rc, PL3, at, pass
			? "PassRole lets the holder give this stack's roles to "
			  "services: name the roles in Resource and, with a "
			  "condition, the service (iam:PassedToService)"
			: "check that the broader grant is intended; the plan "
			  "exits 4 so CI can require an approval",
			"IAM broadened in %s: new %s%s", id, now.v[i],
			pass ? " (a new PassRole)" : "");
	}
	set_finish(&was);
	set_finish(&now);
}

static bool is_iam(const char *type)
{
	return strncmp(type, "AWS::IAM::", 10) == 0 ||
		strcmp(type, "AWS::S3::BucketPolicy") == 0;
}

static bool holds_data(const char *type)
{
	return strcmp(type, "AWS::S3::Bucket") == 0 ||
		strcmp(type, "AWS::Logs::LogGroup") == 0 ||
		strcmp(type, "AWS::EFS::FileSystem") == 0;
}

/* What a resource that holds data loses with it, for PL2's message. */
static const char *data_of(const char *type)
{
	return strcmp(type, "AWS::S3::Bucket") == 0 ? "bucket and its objects"
		: strcmp(type, "AWS::EFS::FileSystem") == 0
		? "file system and its files" : "log group and its logs";
}

/* The findings about a resource that is replaced or removed. */
static void judge(struct gw_plan *p, struct gw_plan_res *r, yaml_node_t *or,
		yaml_node_t *nr)
{
	struct gw_plan_tpl *to = &p->old, *tn = &p->new;
	const char *name_prop = type_fact(r->type, "@name");
	if (r->action == GW_PLAN_MODIFY && r->repl == GW_REPL_ALWAYS &&
	    name_prop) {
		yaml_node_t *a = get(to, get(to, or, "Properties"), name_prop);
		yaml_node_t *b = get(tn, get(tn, nr, "Properties"), name_prop);
		if (a && b && equal(to, a, tn, b)) {
			char *hint = gw_xasprintf("CloudFormation creates the "
				"replacement before it deletes %s, and the name "
				"is taken: change the name too (%s) so the "
				"replacement gets a new one, or deploy the change "
				"as a new resource and remove the old one in a "
				"second change", r->id, p->bundle.m
				? "the profile's `name:`" : name_prop);
			r->fails = true;
			GW_RULE_ERR(&p->rc, PL1, r->at, hint,
				"%s (%s) is replaced but keeps its custom name "
				"%s %s: the update fails", r->id, r->type,
				name_prop, scalar(b) ? scalar(b) : "(intrinsic)");
			free(hint);
		}
	}
	bool gone = r->action == GW_PLAN_REMOVE ||
		(r->action == GW_PLAN_MODIFY && r->repl == GW_REPL_ALWAYS);
	if (gone && holds_data(r->type)) {
		const char *key = r->action == GW_PLAN_REMOVE ? "DeletionPolicy"
			: "UpdateReplacePolicy";
		const char *pol = scalar(get(to, or, key));
		bool kept = pol && (strcmp(pol, "Retain") == 0 ||
				strcmp(pol, "RetainExceptOnCreate") == 0 ||
				strcmp(pol, "Snapshot") == 0);
		GW_RULE_WARN(&p->rc, PL2, r->at, kept ? "the old resource stays "
			"in the account, outside the stack: move its data and "
			"delete it by hand when done"
			: strcmp(r->type, "AWS::S3::Bucket") == 0
		? "set DeletionPolicy and UpdateReplacePolicy to Retain "
		  "first, or copy the data out; S3 refuses to delete a "
		  "bucket that holds objects, which fails the update"
		: strcmp(r->type, "AWS::EFS::FileSystem") == 0
		? "set DeletionPolicy and UpdateReplacePolicy to Retain "
		  "first, or copy the files you need out"
		: "set DeletionPolicy and UpdateReplacePolicy to Retain "
		  "first, or export the logs you need",
			"%s (%s) is %s: its %s is %s, so the %s %s", r->id,
			r->type, r->action == GW_PLAN_REMOVE ? "removed"
			: "replaced",
			key, pol ? pol : "Delete (the default)",
			data_of(r->type), kept ? "are kept" : "are deleted");
	}
}

static void run_plan(struct gw_plan *p)
{
	struct gw_plan_tpl *to = &p->old, *tn = &p->new;
	p->rc = (struct gw_rule_ctx){.d = p->d, .n_before = p->d->n};
	if (tn->resources) {
		for (yaml_node_pair_t *q = tn->resources->data.mapping.pairs.start;
		     q < tn->resources->data.mapping.pairs.top; q++) {
			yaml_node_t *kn = node(tn, q->key);
			const char *id = scalar(kn);
			yaml_node_t *nr = node(tn, q->value);
			yaml_node_t *or = id ? get(to, to->resources, id) : NULL;
			const char *type = scalar(get(tn, nr, "Type"));
			if (!id || !type) {
				continue;
			}
			if (!or) {
				add_res(p, id, type, GW_PLAN_ADD,
						loc_of(tn, kn), NULL, nr);
				if (is_iam(type)) {
					diff_iam(p, id, type, NULL, nr);
				}
				continue;
			}
			if (equal(to, or, tn, nr)) {
				continue;
			}
			struct gw_plan_res *r = add_res(p, id, type,
					GW_PLAN_MODIFY, loc_of(tn, kn), or, nr);
			const char *otype = scalar(get(to, or, "Type"));
			yaml_node_t *np = get(tn, nr, "Properties");
			if (!otype || strcmp(otype, type) != 0) {
				add_prop(r, "Type", GW_REPL_ALWAYS);
			} else {
				diff_props(p, r, get(to, or, "Properties"), np);
			}
			if (r->n_props == 0) {
				/* Only attributes (DeletionPolicy, DependsOn,
				 * Metadata) changed: no interruption. */
				add_prop(r, "(resource attributes)",
						GW_REPL_NEVER);
			}
			if (strcmp(type, GW_PLAN_CE_TYPE) == 0) {
				gw_plan_batch_ce_update(p, r);
			}
			judge(p, r, or, nr);
			if (is_iam(type)) {
				diff_iam(p, id, type, or, nr);
			}
		}
	}
	if (to->resources) {
		for (yaml_node_pair_t *q = to->resources->data.mapping.pairs.start;
		     q < to->resources->data.mapping.pairs.top; q++) {
			yaml_node_t *kn = node(to, q->key);
			const char *id = scalar(kn);
			yaml_node_t *or = node(to, q->value);
			if (!id || get(tn, tn->resources, id)) {
				continue;
			}
			struct gw_plan_res *r = add_res(p, id,
					scalar(get(to, or, "Type")),
					GW_PLAN_REMOVE, loc_of(to, kn), or,
					NULL);
			judge(p, r, or, NULL);
		}
	}
	/* Every change is known now: what Batch makes of them. */
	for (size_t i = 0; i < p->n_res; i++) {
		gw_plan_batch_res(p, &p->res[i]);
	}
	gw_plan_batch_order(p);
	gw_plan_batch_ceiling(p);
}

/* What needs a reviewer most comes first: replacements, removals, then
 * conditional and in-place updates, then additions. */
static int res_rank(const struct gw_plan_res *r)
{
	switch (r->action) {
	case GW_PLAN_MODIFY:
		return r->repl == GW_REPL_ALWAYS ? 0
			: r->repl == GW_REPL_CONDITIONAL ? 2 : 3;
	case GW_PLAN_REMOVE:
		return 1;
	default:
		return 4;
	}
}

static int res_order(const void *a, const void *b)
{
	const struct gw_plan_res *x = a, *y = b;
	int rx = res_rank(x), ry = res_rank(y);
	return rx != ry ? rx - ry : strcmp(x->id, y->id);
}

static void plan_finish(struct gw_plan *p)
{
	for (size_t i = 0; i < p->n_res; i++) {
		for (size_t j = 0; j < p->res[i].n_props; j++) {
			free(p->res[i].props[j].name);
		}
		free(p->res[i].props);
	}
	free(p->res);
	for (size_t i = 0; i < p->n_iam; i++) {
		free(p->iam[i].what);
	}
	free(p->iam);
	tpl_finish(&p->old);
	tpl_finish(&p->new);
	gw_bundle_finish(&p->bundle);
}

/* ---- output ------------------------------------------------------------- */

static void counts(const struct gw_plan *p, size_t n[4])
{
	n[0] = n[1] = n[2] = n[3] = 0; /* add, change, replace, remove */
	for (size_t i = 0; i < p->n_res; i++) {
		const struct gw_plan_res *r = &p->res[i];
		n[r->action == GW_PLAN_ADD ? 0 : r->action == GW_PLAN_REMOVE ? 3
			: r->repl == GW_REPL_ALWAYS ? 2 : 1]++;
	}
}

static const char *sym(const struct gw_plan_res *r)
{
	return r->action == GW_PLAN_ADD ? "+"
		: r->action == GW_PLAN_REMOVE ? "-"
		: r->repl == GW_REPL_ALWAYS ? "-/+" : "~";
}

static bool ceiling_moved(const struct gw_plan *p)
{
	const struct gw_plan_ceiling *o = &p->old_ceiling, *n = &p->new_ceiling;
	return o->max_vcpus != n->max_vcpus || o->vcpus != n->vcpus ||
		o->instances != n->instances || o->gpus != n->gpus ||
		o->memory_mib != n->memory_mib || o->complete != n->complete;
}

/* One measure of the ceiling, old and new: "vCPUs 64 -> 256". */
struct measure {
	const char *name, *unit;
	long long old, new;
};

static size_t measures(const struct gw_plan *p, struct measure m[5])
{
	const struct gw_plan_ceiling *o = &p->old_ceiling, *n = &p->new_ceiling;
	m[0] = (struct measure){"vCPUs", "", o->vcpus, n->vcpus};
	m[1] = (struct measure){"MaxvCpus (sum)", "", o->max_vcpus,
		n->max_vcpus};
	m[2] = (struct measure){"EC2 instances", "", o->instances,
		n->instances};
	m[3] = (struct measure){"GPUs", "", o->gpus, n->gpus};
	m[4] = (struct measure){"memory", " GiB", GW_PLAN_GIB(o->memory_mib),
		GW_PLAN_GIB(n->memory_mib)};
	return 5;
}

static const char ceiling_caveat[] = "no prices: gwgen has no price data";

/* What an incomplete ceiling adds to the caveat, or "". */
static const char *ceiling_gap(const struct gw_plan *p)
{
	return p->old_ceiling.complete && p->new_ceiling.complete ? ""
		: "; incomplete: an instance type the catalog lacks, or an "
		  "intrinsic, is not counted";
}

static void print_text_ceiling(const struct gw_plan *p, FILE *out)
{
	if (!ceiling_moved(p)) {
		return;
	}
	struct measure m[5];
	size_t n = measures(p, m);
	fputs("ceiling:", out);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s %s %lld -> %lld%s", i ? "," : "", m[i].name,
				m[i].old, m[i].new, m[i].unit);
	}
	fprintf(out, "\n         (%s%s)\n", ceiling_caveat, ceiling_gap(p));
}

static void print_text(const struct gw_plan *p, FILE *out)
{
	if (p->n_res == 0 && !ceiling_moved(p)) {
		fputs("no changes\n", out);
		return;
	}
	for (size_t i = 0; i < p->n_res; i++) {
		const struct gw_plan_res *r = &p->res[i];
		fprintf(out, "%-3s %s (%s): %s", sym(r), r->id, r->type,
				action_names[r->action]);
		if (r->action == GW_PLAN_MODIFY) {
			fprintf(out, ", replacement: %s", repl_names[r->repl]);
		}
		fputc('\n', out);
		for (size_t j = 0; j < r->n_props; j++) {
			fprintf(out, "      %s: %s\n", r->props[j].name,
					repl_names[r->props[j].repl]);
		}
		if (r->why) {
			fprintf(out, "      (%s)\n", r->why);
		}
	}
	for (size_t i = 0; i < p->n_iam; i++) {
		fprintf(out, "iam %s: new %s\n", p->iam[i].id, p->iam[i].what);
	}
	print_text_ceiling(p, out);
	size_t n[4];
	counts(p, n);
	fprintf(out, "plan: %zu to add, %zu to change in place, %zu to "
			"replace, %zu to remove\n", n[0], n[1], n[2], n[3]);
}

/* A table cell: '|' and newlines would break the row. */
static void md_cell(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|') {
			fputs("\\|", out);
		} else if (*s == '\n' || *s == '\r') {
			fputc(' ', out);
		} else {
			fputc(*s, out);
		}
	}
}

static void print_markdown(const struct gw_plan *p, const struct gw_diags *d,
		FILE *out)
{
	fputs("### gwgen plan\n\n", out);
	if (p->n_res == 0 && !ceiling_moved(p)) {
		fputs("no changes\n", out);
		return;
	}
	size_t n[4];
	counts(p, n);
	fprintf(out, "%zu to add, %zu to change in place, **%zu to replace**, "
			"%zu to remove\n\n", n[0], n[1], n[2], n[3]);
	if (p->n_res) {
		fputs("| | Resource | Type | Action | Replacement | "
		      "Properties |\n|---|---|---|---|---|---|\n", out);
	}
	for (size_t i = 0; i < p->n_res; i++) {
		const struct gw_plan_res *r = &p->res[i];
		fprintf(out, "| `%s` | ", sym(r));
		md_cell(out, r->id);
		fprintf(out, " | %s | %s | %s | ", r->type,
				action_names[r->action],
				r->action == GW_PLAN_MODIFY
				? repl_names[r->repl] : "");
		for (size_t j = 0; j < r->n_props; j++) {
			fprintf(out, "%s", j ? ", " : "");
			md_cell(out, r->props[j].name);
			fprintf(out, " (%s)", repl_names[r->props[j].repl]);
		}
		fputs(" |\n", out);
	}
	if (p->n_iam) {
		fputs("\n#### IAM changes\n\n", out);
		for (size_t i = 0; i < p->n_iam; i++) {
			fprintf(out, "- `%s`: new ", p->iam[i].id);
			md_cell(out, p->iam[i].what);
			fputc('\n', out);
		}
	}
	if (ceiling_moved(p)) {
		struct measure m[5];
		size_t n_m = measures(p, m);
		fputs("\n#### Worst-case capacity\n\n| | before | after |\n"
		      "|---|---|---|\n", out);
		for (size_t i = 0; i < n_m; i++) {
			fprintf(out, "| %s | %lld%s | %lld%s |\n",
					m[i].name, m[i].old, m[i].unit,
					m[i].new, m[i].unit);
		}
		fprintf(out, "\n_Capacity, not cost: gwgen has no price "
				"data%s._\n", ceiling_gap(p));
	}
	bool any = false;
	for (size_t i = 0; i < d->n; i++) {
		const struct gw_diag *g = &d->v[i];
		if (!any) {
			fputs("\n#### Findings\n\n", out);
			any = true;
		}
		fprintf(out, "- **%s** %s%s%s: ", gw_severity_name(g->sev),
				g->rule ? "[" : "", g->rule ? g->rule : "",
				g->rule ? "]" : "");
		md_cell(out, g->msg);
		fprintf(out, " (%s:%u)", g->loc.file ? g->loc.file : "gwgen",
				g->loc.line);
		if (g->hint) {
			fputs(" — ", out);
			md_cell(out, g->hint);
		}
		fputc('\n', out);
	}
}

static void add_ceiling(cJSON *to, const char *key,
		const struct gw_plan_ceiling *c)
{
	cJSON *o = cJSON_AddObjectToObject(to, key);
	cJSON_AddNumberToObject(o, "max_vcpus", (double)c->max_vcpus);
	cJSON_AddNumberToObject(o, "vcpus", (double)c->vcpus);
	cJSON_AddNumberToObject(o, "instances", (double)c->instances);
	cJSON_AddNumberToObject(o, "gpus", (double)c->gpus);
	cJSON_AddNumberToObject(o, "memory_mib", (double)c->memory_mib);
	cJSON_AddBoolToObject(o, "complete", c->complete);
}

static void print_json(const struct gw_plan *p, const struct gw_diags *d,
		FILE *out)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *res = cJSON_AddArrayToObject(root, "resources");
	for (size_t i = 0; i < p->n_res; i++) {
		const struct gw_plan_res *r = &p->res[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "logical_id", r->id);
		cJSON_AddStringToObject(o, "type", r->type);
		cJSON_AddStringToObject(o, "action", action_names[r->action]);
		cJSON_AddStringToObject(o, "replacement",
			r->action == GW_PLAN_MODIFY ? repl_names[r->repl]
			: "never");
		cJSON *props = cJSON_AddArrayToObject(o, "properties");
		for (size_t j = 0; j < r->n_props; j++) {
			cJSON *q = cJSON_CreateObject();
			cJSON_AddStringToObject(q, "name", r->props[j].name);
			cJSON_AddStringToObject(q, "replacement",
					repl_names[r->props[j].repl]);
			cJSON_AddItemToArray(props, q);
		}
		cJSON_AddItemToArray(res, o);
	}
	cJSON *iam = cJSON_AddArrayToObject(root, "iam");
	for (size_t i = 0; i < p->n_iam; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "logical_id", p->iam[i].id);
		cJSON_AddStringToObject(o, "broadened", p->iam[i].what);
		cJSON_AddItemToArray(iam, o);
	}
	cJSON *ceiling = cJSON_AddObjectToObject(root, "ceiling");
	add_ceiling(ceiling, "old", &p->old_ceiling);
	add_ceiling(ceiling, "new", &p->new_ceiling);
	cJSON *f = cJSON_AddArrayToObject(root, "findings");
	for (size_t i = 0; i < d->n; i++) {
		const struct gw_diag *g = &d->v[i];
		cJSON *o = cJSON_CreateObject();
		if (g->rule) {
			cJSON_AddStringToObject(o, "rule", g->rule);
		}
		cJSON_AddStringToObject(o, "severity", gw_severity_name(g->sev));
		cJSON_AddStringToObject(o, "file", g->loc.file ? g->loc.file : "");
		cJSON_AddNumberToObject(o, "line", g->loc.line);
		cJSON_AddNumberToObject(o, "column", g->loc.col);
		cJSON_AddStringToObject(o, "message", g->msg);
		if (g->hint) {
			cJSON_AddStringToObject(o, "hint", g->hint);
		}
		cJSON_AddItemToArray(f, o);
	}
	char *s = cJSON_Print(root);
	fprintf(out, "%s\n", s);
	cJSON_free(s);
	cJSON_Delete(root);
}

/* ---- the command -------------------------------------------------------- */

static const char plan_help[] =
	"usage: gwgen plan --profile NAME|FILE [-o DIR] [--format FORMAT]\n"
	"       gwgen plan --template OLD NEW [--format FORMAT]\n"
	"\n"
	"Show what deploying a change does in AWS, offline: the profile is\n"
	"rendered in memory and its CloudFormation template compared with\n"
	"DIR/NAME/cloudformation.yaml (default DIR: out), or template NEW with\n"
	"template OLD. Each resource is added, removed or modified; each\n"
	"changed property replaces the resource never, conditionally or\n"
	"always (CloudFormation resource schemas, data/cfn-update.tsv; a\n"
	"compute environment's by ReplaceComputeEnvironment, its service role\n"
	"and allocation strategy). The worst-case capacity (vCPUs, EC2\n"
	"instances, GPUs, memory) is shown when it changes: capacity, not\n"
	"cost, as gwgen has no prices. Findings PL1-PL9 (docs/rules.md) go to\n"
	"standard error.\n"
	"\n"
	"  -p, --profile NAME|FILE  the profile to plan\n"
	"  -o, --out DIR            where its committed output is (out)\n"
	"      --template OLD NEW   compare two template files\n"
	"      --format FORMAT      text (default), markdown (a pull-request\n"
	"                           comment), json, or sarif (the findings as\n"
	"                           SARIF 2.1.0, for GitHub code scanning)\n"
	"  -h, --help               show this help and exit\n"
	"\n"
	"Exit status:\n"
	"  0  no change, or only changes in place\n"
	"  1  an error finding (the update will fail), or invalid input\n"
	"  2  usage error\n"
	"  3  reading a file failed\n"
	"  4  a change that needs a human: a replacement, a removal, data or\n"
	"     jobs at risk, IAM broadened, a higher capacity ceiling\n";

static int plan_usage(FILE *err, const char *msg)
{
	fprintf(err, "gwgen: error: plan: %s\n"
			"try 'gwgen plan --help'\n", msg);
	return GW_EXIT_USAGE;
}

static char *read_or_report(const char *path, size_t *len, struct gw_diags *d)
{
	char *text = gw_read_file(path, PLAN_MAX_BYTES, len);
	if (!text) {
		gw_diag_error(d, (struct gw_loc){path, 0, 0},
				"cannot read %s: %s", path, strerror(errno));
	}
	return text;
}

/* Render the profile 'arg' and load the committed template as p->old. */
static int load_profile(struct gw_plan *p, const char *arg, const char *dir,
		char **old_path, struct gw_diags *d)
{
	char *path = gw_profile_resolve(arg, d);
	if (!path) {
		return GW_EXIT_IO;
	}
	/* The profile's own warnings are `gwgen verify`'s to tell: plan
	 * shows the pipeline's diagnostics only when it fails. */
	struct gw_bundle *bp = &p->bundle;
	struct gw_diags pd;
	gw_diags_init(&pd);
	bool ok = gw_pipeline_build(path, gw_templates_builtin(), false, bp,
			&pd);
	free(path);
	if (!ok) {
		gw_diags_move(d, &pd);
		gw_diags_finish(&pd);
		return GW_EXIT_INVALID;
	}
	gw_diags_finish(&pd);
	*old_path = gw_xasprintf("%s/%s/cloudformation.yaml", dir,
			bp->m->name.s);
	const struct gw_file *f = gw_files_find(&bp->files,
			"cloudformation.yaml");
	int status = GW_EXIT_OK;
	size_t len = 0;
	char *old = read_or_report(*old_path, &len, d);
	if (!f || !old) {
		free(old);
		status = GW_EXIT_IO;
	} else if (!tpl_load(&p->old, *old_path, old, len, d) ||
		   !tpl_load(&p->new, *old_path, gw_xstrndup(f->data, f->len),
				   f->len, d)) {
		/* (The rendered template has the committed file's name: it
		 * is what that file becomes once regenerated.) */
		status = GW_EXIT_INVALID;
	}
	return status;
}

int gw_plan_main(int argc, char **argv, FILE *out, FILE *err)
{
	enum { OPT_TEMPLATE = 256, OPT_FORMAT };
	static const struct option longs[] = {
		{"profile", required_argument, NULL, 'p'},
		{"out", required_argument, NULL, 'o'},
		{"template", no_argument, NULL, OPT_TEMPLATE},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *profile = NULL, *dir = "out";
	bool templates = false;
	enum gw_plan_format format = PLAN_TEXT;
	optind = 0;
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, ":p:o:h", longs, NULL)) != -1;) {
		switch (c) {
		case 'p':
			profile = optarg;
			break;
		case 'o':
			dir = optarg;
			break;
		case OPT_TEMPLATE:
			templates = true;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0) {
				format = PLAN_TEXT;
			} else if (strcmp(optarg, "markdown") == 0) {
				format = PLAN_MARKDOWN;
			} else if (strcmp(optarg, "json") == 0) {
				format = PLAN_JSON;
			} else if (strcmp(optarg, "sarif") == 0) {
				format = PLAN_SARIF;
			} else {
				return plan_usage(err, "--format is text, "
						"markdown, json or sarif");
			}
			break;
		case 'h':
			fputs(plan_help, out);
			return GW_EXIT_OK;
		default:
			return plan_usage(err, "unknown option or missing "
					"value");
		}
	}
	if (templates == (profile != NULL)) {
		return plan_usage(err, "give --profile NAME or --template OLD "
				"NEW");
	}
	if ((templates && argc - optind != 2) || (!templates && optind != argc)) {
		return plan_usage(err, templates ? "--template takes two "
				"files, OLD and NEW" : "unexpected argument");
	}
	if ((profile && !*profile) || !*dir) {
		return plan_usage(err, "empty option value");
	}

	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_plan p = {.d = &d};
	char *old_path = NULL;
	int status = GW_EXIT_OK;
	if (templates) {
		size_t la = 0, lb = 0;
		char *a = read_or_report(argv[optind], &la, &d);
		char *b = a ? read_or_report(argv[optind + 1], &lb, &d) : NULL;
		if (!a || !b) {
			free(a);
			status = GW_EXIT_IO;
		} else if (!tpl_load(&p.old, argv[optind], a, la, &d)) {
			free(b);
			status = GW_EXIT_INVALID;
		} else if (!tpl_load(&p.new, argv[optind + 1], b, lb, &d)) {
			status = GW_EXIT_INVALID;
		}
	} else {
		status = load_profile(&p, profile, dir, &old_path, &d);
	}
	size_t findings = 0;
	bool planned = status == GW_EXIT_OK;
	if (planned) {
		size_t before = d.n;
		run_plan(&p);
		findings = d.n - before;
		if (p.n_res) {
			qsort(p.res, p.n_res, sizeof *p.res, res_order);
		}
		gw_diags_sort(&d);
		if (format == PLAN_SARIF) {
			/* The findings are the document: on standard output. */
			gw_diags_print(&d, out, GW_DIAG_SARIF, false);
		} else if (format == PLAN_JSON) {
			print_json(&p, &d, out);
		} else if (format == PLAN_MARKDOWN) {
			print_markdown(&p, &d, out);
		} else {
			print_text(&p, out);
		}
		bool human = findings > 0;
		for (size_t i = 0; i < p.n_res; i++) {
			human |= p.res[i].action == GW_PLAN_REMOVE ||
				(p.res[i].action == GW_PLAN_MODIFY &&
				 p.res[i].repl == GW_REPL_ALWAYS);
		}
		status = gw_diags_has_errors(&d) ? GW_EXIT_INVALID
			: human ? GW_EXIT_STALE : GW_EXIT_OK;
	}
	if (format != PLAN_SARIF || !planned) {
		gw_diags_print(&d, err, GW_DIAG_TEXT, false);
	}
	gw_diags_finish(&d);
	plan_finish(&p);
	free(old_path);
	return status;
}
