/* SPDX-License-Identifier: MIT */
/*
 * The view's cdk-nag suppressions: the findings of cdk-nag's AwsSolutions,
 * HIPAA Security and NIST 800-53 rev 5 packs that the stack accepts on
 * purpose, each with its reason. The template writes them into each
 * resource's Metadata in the form cdk-nag reads (cdk_nag.rules_to_suppress
 * with id, reason and applies_to: cdk-nag 2.x, NagSuppressionHelper), and
 * the summary lists them, so whoever runs the packs on the bundle sees why
 * and nothing more is hidden: a wildcard is suppressed only where its kind
 * allows no narrower ARN, by the exact finding (applies_to), never a rule
 * as a whole. Anything else stays a finding for the profile's author.
 */
#include "view.h"

#include <stdlib.h>
#include <string.h>

#include "iam.h"
#include "util.h"

/* cdk-nag's rule IDs (its RULES.md): pack prefix and rule name. */
#define NAG_IAM4 "AwsSolutions-IAM4"
#define NAG_IAM5 "AwsSolutions-IAM5"
#define NAG_HIPAA "HIPAA.Security-"
#define NAG_NIST "NIST.800.53.R5-"

/*
 * AWS-managed policies a Batch stack attaches, and why each is kept rather
 * than copied into a customer-managed one (AwsSolutions-IAM4): AWS updates
 * them as its agents change. An AWS-managed policy not listed here stays a
 * finding.
 */
static const struct {
	const char *path;
	const char *reason;
} managed_reasons[] = {
	{"service-role/AmazonEC2ContainerServiceforEC2Role",
	 "The AWS-managed policy the AWS Batch User Guide prescribes for the "
	 "ECS instance role: the ECS agent registers, pulls images and logs "
	 "with it, and AWS keeps it current"},
	{"service-role/AmazonECSTaskExecutionRolePolicy",
	 "The AWS-managed policy of the ECS task execution role Batch on "
	 "Fargate requires: it pulls the job's image and writes its logs"},
	{"service-role/AWSBatchServiceRole",
	 "The AWS-managed policy of an AWS Batch service role: Batch manages "
	 "the compute environment's EC2 and ECS resources with it"},
	{"service-role/AmazonEC2SpotFleetTaggingRole",
	 "The AWS-managed policy of the Spot Fleet role AWS Batch needs for "
	 "BEST_FIT Spot compute environments"},
};

/* ---- the nag object of a resource ----------------------------------------- */

/* One suppression: a rule, its reason and the findings it covers (none:
 * the whole rule on this resource). */
struct nag_rule {
	const char *id;
	char *reason;
	char **applies_to;
	size_t n, cap;
};

struct nag_list {
	struct nag_rule *v;
	size_t n, cap;
};

/* Add 'finding' (or nothing: NULL) under rule 'id' with 'reason', joining
 * an earlier entry with the same rule and reason. Takes 'reason'. */
static void nag_add(struct nag_list *l, const char *id, char *reason,
		const char *finding)
{
	struct nag_rule *r = NULL;
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].id, id) == 0 &&
				strcmp(l->v[i].reason, reason) == 0) {
			r = &l->v[i];
		}
	}
	if (r) {
		free(reason);
	} else {
		gw_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
		r = &l->v[l->n++];
		*r = (struct nag_rule){ .id = id, .reason = reason };
	}
	if (finding) {
		gw_grow((void **)&r->applies_to, &r->cap, r->n + 1,
				sizeof(*r->applies_to));
		r->applies_to[r->n++] = gw_xstrdup(finding);
	}
}

static void set_flags(cJSON *arr, const char *has_key, cJSON *o)
{
	int n = cJSON_GetArraySize(arr);
	int i = 0;
	for (cJSON *it = arr->child; it; it = it->next, i++) {
		cJSON_AddBoolToObject(it, "first", i == 0);
		cJSON_AddBoolToObject(it, "last", i == n - 1);
	}
	cJSON_AddBoolToObject(o, has_key, n > 0);
}

/*
 * Write 'l' as o.nag = {has_rules, rules: [{id, reason, has_applies_to,
 * applies_to: [{value}]}]}, and each rule into the summary's list 'all'
 * with the resource's logical ID and name; free 'l'.
 */
static void nag_emit(cJSON *o, struct nag_list *l, cJSON *all)
{
	const cJSON *idv = cJSON_GetObjectItemCaseSensitive(o, "logical_id");
	const cJSON *namev = cJSON_GetObjectItemCaseSensitive(o, "name");
	const char *lid = cJSON_IsString(idv) ? idv->valuestring : "";
	const char *name = cJSON_IsString(namev) && namev->valuestring[0] ?
		namev->valuestring : lid;
	cJSON *nag = cJSON_AddObjectToObject(o, "nag");
	cJSON *rules = cJSON_AddArrayToObject(nag, "rules");
	for (size_t i = 0; i < l->n; i++) {
		struct nag_rule *r = &l->v[i];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddItemToArray(rules, e);
		cJSON_AddStringToObject(e, "id", r->id);
		cJSON_AddStringToObject(e, "reason", r->reason);
		cJSON *at = cJSON_AddArrayToObject(e, "applies_to");
		struct gw_buf text;
		gw_buf_init(&text);
		for (size_t j = 0; j < r->n; j++) {
			cJSON *v = cJSON_CreateObject();
			cJSON_AddItemToArray(at, v);
			cJSON_AddStringToObject(v, "value", r->applies_to[j]);
			gw_buf_printf(&text, "%s%s", j ? ", " : "",
					r->applies_to[j]);
			free(r->applies_to[j]);
		}
		set_flags(at, "has_applies_to", e);
		cJSON *s = cJSON_CreateObject();
		cJSON_AddItemToArray(all, s);
		cJSON_AddStringToObject(s, "resource", lid);
		cJSON_AddStringToObject(s, "name", name);
		cJSON_AddStringToObject(s, "id", r->id);
		cJSON_AddStringToObject(s, "applies_to", gw_buf_str(&text));
		cJSON_AddBoolToObject(s, "has_applies_to", r->n > 0);
		cJSON_AddStringToObject(s, "reason", r->reason);
		gw_buf_finish(&text);
		free(r->applies_to);
		free(r->reason);
	}
	set_flags(rules, "has_rules", nag);
	free(l->v);
	*l = (struct nag_list){ 0 };
}

/* Both packs' rule 'name' (HIPAA Security and NIST 800-53 rev 5). */
static void nag_add_both(struct nag_list *l, const char *hipaa,
		const char *nist, const char *reason)
{
	nag_add(l, hipaa, gw_xstrdup(reason), NULL);
	nag_add(l, nist, gw_xstrdup(reason), NULL);
}

/* ---- IAM: wildcards (AwsSolutions-IAM5) ------------------------------------ */

/*
 * A !Sub body as cdk-nag's finding spells it (flattenCfnReference):
 * "${" becomes "<" and "}" becomes ">".
 */
static char *flatten_sub(const char *sub)
{
	struct gw_buf b;
	gw_buf_init(&b);
	for (const char *p = sub; *p; p++) {
		if (p[0] == '$' && p[1] == '{') {
			gw_buf_putc(&b, '<');
			p++;
		} else {
			gw_buf_putc(&b, *p == '}' ? '>' : *p);
		}
	}
	char *out = gw_xstrdup(gw_buf_str(&b));
	gw_buf_finish(&b);
	return out;
}

static bool is_allow(const struct gw_statement *st)
{
	return !st->effect.s || strcmp(st->effect.s, "Allow") == 0;
}

static bool first_scoped(const struct gw_iam_action *a, void *arg)
{
	*(bool *)arg = *(bool *)arg || a->n > 0;
	return !*(bool *)arg;
}

/* Whether every action of 'st' takes only Resource "*" (no resource types
 * in the Service Authorization Reference; S2 warns otherwise). */
static bool only_unscoped_actions(const struct gw_statement *st)
{
	for (size_t i = 0; i < st->actions.n; i++) {
		bool scoped = false;
		const char *a = st->actions.v[i].s;
		if (!a || strchr(a, '*') ||
				gw_iam_each(a, first_scoped, &scoped) == 0 ||
				scoped) {
			return false;
		}
	}
	return st->actions.n > 0;
}

/* Whether every action of 'st' only reads (ECR: Describe, List, Get,
 * BatchGet, BatchCheck). */
static bool only_read_actions(const struct gw_statement *st)
{
	static const char *const reads[] = {
		"ecr:Describe", "ecr:List", "ecr:Get", "ecr:BatchGet",
		"ecr:BatchCheck",
	};
	for (size_t i = 0; i < st->actions.n; i++) {
		const char *a = st->actions.v[i].s;
		bool read = false;
		for (size_t k = 0; a && !strchr(a, '*') &&
				k < GW_ARRAY_LEN(reads); k++) {
			read = read || gw_has_prefix(a, reads[k]);
		}
		if (!read) {
			return false;
		}
	}
	return true;
}

/* How an EC2 statement is held to the stack's own instances and volumes. */
enum ec2_limit {
	EC2_RESOURCE_TAG = 1, /* aws:ResourceTag/gwgen:stack = STACK */
	EC2_REQUEST_TAG = 2,  /* aws:RequestTag/gwgen:stack = STACK */
	EC2_CREATE_ACTION = 4, /* ec2:CreateAction = CreateVolume */
};

/* Whether condition 'c' admits only the value 'want'. */
static bool condition_is(const struct gw_condition *c, const char *want)
{
	return c->test.s && strcmp(c->test.s, "StringEquals") == 0 &&
		c->values.n == 1 && c->values.v[0].s &&
		(strcmp(c->values.v[0].s, want) == 0 ||
		 strcmp(c->values.v[0].s, "${gwgen:stack}") == 0);
}

static int ec2_limits(const struct gw_model *m, const struct gw_statement *st)
{
	int f = 0;
	for (size_t i = 0; i < st->n_conditions; i++) {
		const struct gw_condition *c = &st->conditions[i];
		const char *key = c->key.s ? c->key.s : "";
		if ((strcmp(key, "aws:ResourceTag/gwgen:stack") == 0 ||
				strcmp(key, "ec2:ResourceTag/gwgen:stack") == 0) &&
				condition_is(c, m->stack_name.s)) {
			f |= EC2_RESOURCE_TAG;
		} else if (strcmp(key, "aws:RequestTag/gwgen:stack") == 0 &&
				condition_is(c, m->stack_name.s)) {
			f |= EC2_REQUEST_TAG;
		} else if (strcmp(key, "ec2:CreateAction") == 0 &&
				condition_is(c, "CreateVolume")) {
			f |= EC2_CREATE_ACTION;
		}
	}
	return f;
}

/* One wildcard finding of a policy while its statements are read. */
struct wild {
	char *finding;          /* "Resource::..." */
	const struct gw_statement *st; /* the first statement naming it */
	const struct gw_resource *r;
	bool ok;                /* every statement's use is accepted */
	int ec2;                /* enum ec2_limit of all its statements */
};

/* The part of a Batch resource value after "TYPE/", when TYPE is 'type'. */
static const char *batch_part(const struct gw_resource *r, const char *type)
{
	size_t n = strlen(type);
	const char *v = r->value.s ? r->value.s : "";
	return strncmp(v, type, n) == 0 && v[n] == '/' ? v + n + 1 : NULL;
}

/* Whether 'r' in 'st' is a wildcard gwgen accepts (its reason comes
 * later, from the kind); EC2 adds its limits to '*ec2'. */
static bool wildcard_accepted(const struct gw_model *m,
		const struct gw_statement *st, const struct gw_resource *r,
		int *ec2)
{
	const char *v = r->value.s ? r->value.s : "";
	const char *part;
	switch (r->kind) {
	case GW_RES_ANY:
		return only_unscoped_actions(st);
	case GW_RES_OBJECTS:
		return true;
	case GW_RES_SECRET:
		return v[0] && v[0] != '*';
	case GW_RES_LOG_GROUP: {
		const char *colon = strchr(v, ':');
		return colon && colon > v && !memchr(v, '*', (size_t)(colon - v));
	}
	case GW_RES_BATCH:
		if (batch_part(r, "job")) {
			return true;
		}
		part = batch_part(r, "job-definition");
		/* miniwdl-aws names each task's job definition after its WDL
		 * call plus a random suffix (batch_job.py): no prefix. */
		return part && (m->engine == GW_ENGINE_MINIWDL ||
				(part[0] && part[0] != '*'));
	case GW_RES_ECS:
		return gw_has_prefix(v, "task/") ||
			gw_has_prefix(v, "container-instance/");
	case GW_RES_ECR:
		return gw_has_prefix(v, "repository/") &&
			only_read_actions(st);
	case GW_RES_EC2: {
		int f = ec2_limits(m, st);
		*ec2 |= f;
		return f != 0 && (gw_has_prefix(v, "instance/") ||
				gw_has_prefix(v, "volume/"));
	}
	default:
		return false;
	}
}

/* Append ", " or " and " before item 'i' of 'n'. */
static void list_sep(struct gw_buf *b, size_t i, size_t n)
{
	if (i > 0) {
		gw_buf_puts(b, i + 1 == n ? " and " : ", ");
	}
}

/* The reason for "*": every action of the policy's "*" statements. */
static char *any_reason(const struct gw_policy *p)
{
	struct gw_buf b;
	gw_buf_init(&b);
	size_t n = 0, i = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t j = 0; j < p->n_statements; j++) {
			const struct gw_statement *st = &p->statements[j];
			bool star = false;
			for (size_t k = 0; k < st->n_resources; k++) {
				star = star || st->resources[k].kind ==
					GW_RES_ANY;
			}
			for (size_t a = 0; star && is_allow(st) &&
					a < st->actions.n; a++) {
				if (pass == 0) {
					n++;
					continue;
				}
				list_sep(&b, i++, n);
				gw_buf_puts(&b, st->actions.v[a].s);
			}
		}
	}
	gw_buf_printf(&b, " take%s only Resource \"*\": no resource type in "
			"the IAM Service Authorization Reference",
			n == 1 ? "s" : "");
	char *out = gw_xstrdup(gw_buf_str(&b));
	gw_buf_finish(&b);
	return out;
}

static char *ec2_reason(const struct gw_model *m, int f)
{
	struct gw_buf b;
	gw_buf_init(&b);
	gw_buf_printf(&b, "The stack's own EC2 resources, whose IDs come at "
			"launch or creation, by their tag gwgen:stack = %s: "
			"each statement requires ", m->stack_name.s);
	const char *parts[3];
	size_t n = 0;
	if (f & EC2_RESOURCE_TAG) {
		parts[n++] = "it on the resource (aws:ResourceTag)";
	}
	if (f & EC2_REQUEST_TAG) {
		parts[n++] = "it in the creating request (aws:RequestTag)";
	}
	if (f & EC2_CREATE_ACTION) {
		parts[n++] = "tags only within CreateVolume (ec2:CreateAction)";
	}
	for (size_t i = 0; i < n; i++) {
		list_sep(&b, i, n);
		gw_buf_puts(&b, parts[i]);
	}
	char *out = gw_xstrdup(gw_buf_str(&b));
	gw_buf_finish(&b);
	return out;
}

/* Why the accepted wildcard 'w' cannot be narrower. */
static char *wild_reason(const struct gw_model *m, const struct gw_policy *p,
		const struct wild *w)
{
	const struct gw_resource *r = w->r;
	const char *v = r->value.s ? r->value.s : "";
	switch (r->kind) {
	case GW_RES_ANY:
		return any_reason(p);
	case GW_RES_OBJECTS:
		return gw_xasprintf("Objects '%s' of the stack's bucket %s: "
				"the workflows name their keys at run time", v,
				m->bucket.name.s);
	case GW_RES_SECRET:
		return gw_xasprintf("Secrets named '%s'%s: Secrets Manager "
				"adds a random suffix to each secret's ARN", v,
				strstr(v, "${aws:username}") ?
				" (each IAM user's own)" : "");
	case GW_RES_LOG_GROUP: {
		int n = (int)strcspn(v, ":");
		bool streams = strstr(v, ":log-stream:") != NULL;
		return gw_xasprintf("%s log group %.*s%s: Batch names each "
				"job's stream at run time%s", streams ?
				"Streams of" : "The", n, v, streams ? "" :
				" (its ARN in IAM ends in ':*')",
				strncmp(v, "/aws/batch/job:", 15) == 0 ?
				"; it is Batch's default group, shared by the "
				"account's Batch jobs" : "");
	}
	case GW_RES_BATCH:
		if (batch_part(r, "job")) {
			return gw_xstrdup("Batch jobs: their IDs exist only "
					"once SubmitJob accepts them");
		}
		if (m->engine == GW_ENGINE_MINIWDL) {
			return gw_xstrdup("Job definitions miniwdl-aws registers "
					"per task and deregisters after it, named "
					"after the WDL call with a random suffix "
					"(batch_job.py): no common prefix");
		}
		return gw_xasprintf("Job definitions '%s' and their "
				"revisions, which the workflow engine registers "
				"at run time", batch_part(r, "job-definition"));
	case GW_RES_ECS:
		return gw_xstrdup("Tasks and container instances of the ECS "
				"clusters Batch creates: their names and IDs exist "
				"only at run time");
	case GW_RES_ECR:
		return gw_xstrdup("Read-only ECR actions on the account's "
				"repositories in the region: the workflows pick "
				"their images at run time");
	case GW_RES_EC2:
		return ec2_reason(m, w->ec2);
	default:
		return NULL;
	}
}

static void policy_wildcards(const struct gw_model *m,
		const struct gw_policy *p, struct nag_list *l)
{
	struct wild *w = NULL;
	size_t n = 0, cap = 0;
	struct gw_buf b;
	gw_buf_init(&b);
	for (size_t j = 0; j < p->n_statements; j++) {
		const struct gw_statement *st = &p->statements[j];
		for (size_t k = 0; is_allow(st) && k < st->n_resources; k++) {
			const struct gw_resource *r = &st->resources[k];
			gw_buf_clear(&b);
			gw_view_resource_arn(&b, m, r, true);
			char *flat = flatten_sub(gw_buf_str(&b));
			if (!strchr(flat, '*')) {
				free(flat);
				continue;
			}
			char *finding = gw_xasprintf("Resource::%s", flat);
			free(flat);
			struct wild *e = NULL;
			for (size_t i = 0; i < n; i++) {
				if (strcmp(w[i].finding, finding) == 0) {
					e = &w[i];
				}
			}
			if (e) {
				free(finding);
			} else {
				gw_grow((void **)&w, &cap, n + 1, sizeof(*w));
				e = &w[n++];
				*e = (struct wild){ .finding = finding,
					.st = st, .r = r, .ok = true };
			}
			e->ok = wildcard_accepted(m, st, r, &e->ec2) && e->ok;
		}
	}
	gw_buf_finish(&b);
	for (size_t i = 0; i < n; i++) {
		char *reason = w[i].ok ? wild_reason(m, p, &w[i]) : NULL;
		if (reason) {
			nag_add(l, NAG_IAM5, reason, w[i].finding);
		}
		free(w[i].finding);
	}
	free(w);
}

/* AwsSolutions-IAM4 for each AWS-managed policy of a role or group with a
 * known reason; the finding names the policy's ARN as the view has it. */
static void managed_policies(const cJSON *o, struct nag_list *l)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, "managed")) {
		const char *path = cJSON_GetObjectItemCaseSensitive(it,
				"path")->valuestring;
		const char *sub = cJSON_GetObjectItemCaseSensitive(it,
				"sub")->valuestring;
		for (size_t i = 0; i < GW_ARRAY_LEN(managed_reasons); i++) {
			if (strcmp(path, managed_reasons[i].path) != 0) {
				continue;
			}
			char *flat = flatten_sub(sub);
			char *finding = gw_xasprintf("Policy::%s", flat);
			nag_add(l, NAG_IAM4,
					gw_xstrdup(managed_reasons[i].reason),
					finding);
			free(finding);
			free(flat);
		}
	}
}

/*
 * A role's open data (roles[].open_data): the inline policy open-data-read
 * (HIPAA/NIST IAMNoInlinePolicy) and the objects of each public bucket
 * (AwsSolutions-IAM5).
 */
static void open_data(const cJSON *role, struct nag_list *l)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(role, "open_data");
	if (cJSON_GetArraySize(arr) == 0) {
		return;
	}
	nag_add_both(l, NAG_HIPAA "IAMNoInlinePolicy",
			NAG_NIST "IAMNoInlinePolicy",
			"open-data-read only lists and reads the public "
			"buckets of the Registry of Open Data the profile "
			"names, for this role alone (review copy "
			"iam/ROLE-open-data.json)");
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		char *flat = flatten_sub(cJSON_GetObjectItemCaseSensitive(it,
				"objects_sub")->valuestring);
		char *finding = gw_xasprintf("Resource::%s", flat);
		nag_add(l, NAG_IAM5, gw_xstrdup("Objects of a public "
				"open-data bucket, read only (s3:GetObject): "
				"the workflows read the dataset files they are "
				"given"), finding);
		free(finding);
		free(flat);
	}
}

/* ---- buckets and log groups ------------------------------------------------- */

static void bucket_rules(const struct gw_model *m, const cJSON *bucket,
		struct nag_list *l)
{
	const struct gw_bucket *b = &m->bucket;
	char *why = gw_xasprintf("Workflow inputs, work files and results, "
			"which a rerun re-creates; %s%s. Replication needs a "
			"bucket in another region, outside this single-region "
			"stack", b->versioning.v ? "versioned" : "not versioned",
			b->retain.v ? ", kept on stack deletion" : "");
	nag_add_both(l, NAG_HIPAA "S3BucketReplicationEnabled",
			NAG_NIST "S3BucketReplicationEnabled", why);
	free(why);
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(bucket, "kms"))) {
		nag_add_both(l, NAG_HIPAA "S3DefaultEncryptionKMS",
				NAG_NIST "S3DefaultEncryptionKMS",
				"SSE-S3 (AES-256) at compliance 'baseline'; "
				"'compliance: hipaa' uses the stack's KMS key");
	}
}

static void access_log_rules(const struct gw_model *m, struct nag_list *l)
{
	nag_add_both(l, NAG_HIPAA "S3DefaultEncryptionKMS",
			NAG_NIST "S3DefaultEncryptionKMS",
			"S3 delivers server access logs only to SSE-S3 "
			"buckets (S3 User Guide, \"Enabling Amazon S3 server "
			"access logging\")");
	char *why = gw_xasprintf("Access logs, versioned and kept on stack "
			"deletion%s; a copy in another region is the account's "
			"central logging, outside this stack",
			m->bucket.access_log_days.v > 0 ? " until they expire" :
			"");
	nag_add_both(l, NAG_HIPAA "S3BucketReplicationEnabled",
			NAG_NIST "S3BucketReplicationEnabled", why);
	free(why);
}

static void log_group_rules(const struct gw_model *m, struct nag_list *l)
{
	if (m->hipaa) {
		return;
	}
	nag_add_both(l, NAG_HIPAA "CloudWatchLogGroupEncrypted",
			NAG_NIST "CloudWatchLogGroupEncrypted",
			"Encrypted by CloudWatch Logs with keys it manages at "
			"compliance 'baseline'; 'compliance: hipaa' uses the "
			"stack's KMS key");
}

/* ---- the whole view ------------------------------------------------------- */

/* Emit 'l' on the object at index 'i' of the view list 'key'. */
static void emit_at(cJSON *root, const char *key, size_t i,
		struct nag_list *l, cJSON *all)
{
	cJSON *o = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root,
				key), (int)i);
	nag_emit(o, l, all);
}

void gw_view_nag(const struct gw_model *m, cJSON *root)
{
	cJSON *all = cJSON_CreateArray();
	struct nag_list l = { 0 };

	cJSON *bucket = cJSON_GetObjectItemCaseSensitive(root, "bucket");
	if (m->bucket.present) {
		bucket_rules(m, bucket, &l);
	}
	nag_emit(bucket, &l, all);
	cJSON *logs = cJSON_GetObjectItemCaseSensitive(bucket, "access_logs");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(logs, "present"))) {
		access_log_rules(m, &l);
	}
	nag_emit(logs, &l, all);
	nag_emit(cJSON_GetObjectItemCaseSensitive(root, "kms"), &l, all);

	for (size_t i = 0; i < m->n_policies; i++) {
		policy_wildcards(m, &m->policies[i], &l);
		emit_at(root, "policies", i, &l, all);
	}
	cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "roles")) {
		managed_policies(it, &l);
		open_data(it, &l);
		nag_emit(it, &l, all);
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "groups")) {
		managed_policies(it, &l);
		/* IAM users are people, not part of the stack: users.sh
		 * creates them and adds them to the groups. */
		nag_add(&l, NAG_HIPAA "IAMGroupHasUsers", gw_xstrdup(
				"Its members are IAM users, which "
				"scripts/users.sh adds after deployment: people "
				"outlive stacks"), NULL);
		nag_emit(it, &l, all);
	}
	for (size_t i = 0; i < m->n_log_groups; i++) {
		log_group_rules(m, &l);
		emit_at(root, "log_groups", i, &l, all);
	}
	/* EFS automatic backups put the file system in AWS Backup's
	 * default plan, which the template does not declare. */
	cJSON *fs = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(root, "shared_storage"),
			"file_system");
	if (fs && m->shared_storage.present && m->shared_storage.backup.v) {
		nag_add_both(&l, NAG_HIPAA "EFSInBackupPlan",
				NAG_NIST "EFSInBackupPlan",
				"Automatic backups are on (BackupPolicy ENABLED): "
				"AWS Backup's default plan "
				"aws/efs/automatic-backup-plan backs it up daily, "
				"kept 35 days (EFS User Guide, \"Automatic "
				"backups\")");
	}
	if (fs) {
		nag_emit(fs, &l, all);
	}
	set_flags(all, "has_nag_suppressions", root);
	cJSON_AddItemToObject(root, "nag_suppressions", all);
}
