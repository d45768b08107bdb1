/* SPDX-License-Identifier: MIT */
/* The view: the verified model as cJSON, with logical IDs and ARNs decided once. */
#include "view.h"
#include "aws_limits.h"
#include "facts.h"

#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iam.h"
#include "principal.h"
#include "util.h"

/* The Batch log group when a job definition names none (AWS Batch docs,
 * "Using the awslogs log driver"). */
#define DEFAULT_JOB_LOG_GROUP "/aws/batch/job"
/* Room for a role name (IAM: at most 64 characters) and its NUL. */
#define GW_VIEW_NAME_MAX 128
/* Tag that marks instances and volumes, so teardown.sh can find leftovers. */
#define STACK_TAG_KEY "gwgen:stack"
/* Key prefix of the bucket's server access logs in the log bucket. */
#define ACCESS_LOG_PREFIX "s3-access-logs/"
/* In a policy condition value: the stack's name (docs/profile.md). */
#define STACK_VARIABLE "${gwgen:stack}"
/* The Sid of the statement 'compliance: hipaa' adds to each policy that
 * reads or writes the bucket's objects (the stack key's use through S3). */
#define KMS_STATEMENT_SID "GwgenStackKey"
/*
 * The blocked-job reasons a queue's JobStateTimeLimitActions can act on;
 * Batch accepts no others (AWS Batch "jobStateTimeLimitActions", CDK's
 * JobStateTimeLimitActionsReason). One CANCEL action each, so a job stuck
 * in RUNNABLE for any of them is cancelled after the profile's timeout.
 */
static const char *const runnable_timeout_reasons[] = {
	"CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
	"MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
	"MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
};
#define MIB_PER_GIB 1024
/* Shared storage (docs/profile.md, "shared_storage"): NFS is TCP 2049
 * (EFS User Guide, "Using VPC security groups"). */
#define NFS_PORT 2049
/* The name of the volume a job definition mounts the shared storage
 * from (Batch Volume Name: letters, digits, '-' and '_'). */
#define SHARED_VOLUME_NAME "shared-storage"
/*
 * The root device of the ECS-optimized Amazon Linux AMIs Batch uses, and
 * the size of its snapshot (Amazon ECS developer guide, "Amazon ECS-optimized
 * Linux AMIs": a 30 GiB root volume). A launch template maps it even when
 * the profile has no root_volume, so the root volume is encrypted whatever
 * the account's EBS encryption-by-default says.
 */
#define DEFAULT_ROOT_DEVICE "/dev/xvda"
#define DEFAULT_ROOT_GIB 30

/* Service short names of the profile format and their principal host. */
static const char *const trust_services[] = {
	"ec2", "ecs-tasks", "batch", "spotfleet",
};

/* Every logical ID handed out, so two names never collide (rule C3). */
struct ids {
	char **v;
	size_t n, cap;
};

static void ids_finish(struct ids *ids)
{
	for (size_t i = 0; i < ids->n; i++) {
		free(ids->v[i]);
	}
	free(ids->v);
}

static bool ids_has(const struct ids *ids, const char *id)
{
	for (size_t i = 0; i < ids->n; i++) {
		if (strcmp(ids->v[i], id) == 0) {
			return true;
		}
	}
	return false;
}

/*
 * A new logical ID for 'name' + 'suffix'. Names that differ only in
 * punctuation ("a-b", "a_b") get a counter, in profile order, so IDs are
 * stable as long as the profile's order is.
 */
static char *ids_take(struct ids *ids, const char *name, const char *suffix)
{
	/* "batch-role" + "Role" is "BatchRole", not "BatchRoleRole". */
	char *base = gw_logical_id(name, "");
	if (!gw_has_suffix(base, suffix) || strcmp(base, suffix) == 0) {
		char *full = gw_logical_id(name, suffix);
		free(base);
		base = full;
	}
	char *id = gw_xstrdup(base);
	for (unsigned n = 2; ids_has(ids, id); n++) {
		free(id);
		id = gw_xasprintf("%s%u", base, n);
	}
	free(base);
	gw_grow((void **)&ids->v, &ids->cap, ids->n + 1, sizeof(*ids->v));
	ids->v[ids->n++] = id;
	return id;
}

/* ---- cJSON helpers ------------------------------------------------------ */

/*
 * o[key] = item, 'key' a string literal: cJSON keeps the pointer instead of
 * a copy (cJSON_AddItemToObjectCS), so the view's thousands of keys cost no
 * allocation and no free each (docs/performance.md). Every helper below
 * takes its key this way; a key built at run time goes through put_dup.
 */
static void put(cJSON *o, const char *key, cJSON *item)
{
	cJSON_AddItemToObjectCS(o, key, item);
}

/* o[key] = item for a key built at run time: cJSON keeps a copy of it. */
static void put_dup(cJSON *o, const char *key, cJSON *item)
{
	cJSON_AddItemToObject(o, key, item);
}

static void add_str(cJSON *o, const char *key, const char *s)
{
	put(o, key, cJSON_CreateString(s ? s : ""));
}

static void add_int(cJSON *o, const char *key, long long v)
{
	put(o, key, cJSON_CreateNumber((double)v));
}

static void add_bool(cJSON *o, const char *key, bool v)
{
	put(o, key, cJSON_CreateBool(v));
}

static cJSON *add_obj(cJSON *o, const char *key)
{
	cJSON *c = cJSON_CreateObject();
	put(o, key, c);
	return c;
}

static cJSON *add_arr(cJSON *o, const char *key)
{
	cJSON *c = cJSON_CreateArray();
	put(o, key, c);
	return c;
}

static cJSON *push_obj(cJSON *arr)
{
	cJSON *c = cJSON_CreateObject();
	cJSON_AddItemToArray(arr, c);
	return c;
}

/* Set 'first' and 'last' on every object of 'arr' and 'has_KEY' on 'o'. */
static void finish_list(cJSON *o, const char *key, cJSON *arr)
{
	int n = cJSON_GetArraySize(arr);
	int i = 0;
	for (cJSON *it = arr->child; it; it = it->next, i++) {
		add_bool(it, "first", i == 0);
		add_bool(it, "last", i == n - 1);
	}
	char *has = gw_xasprintf("has_%s", key);
	put_dup(o, has, cJSON_CreateBool(n > 0));
	free(has);
}

/* A list of strings as [{value, first, last}] plus has_KEY. */
static void add_strs(cJSON *o, const char *key, const struct gw_strs *l)
{
	cJSON *arr = add_arr(o, key);
	for (size_t i = 0; i < l->n; i++) {
		add_str(push_obj(arr), "value", l->v[i].s);
	}
	finish_list(o, key, arr);
}

/* A mermaid label: quoted in the diagram, so '"' and '#' become entities. */
static char *mermaid_label(const char *s)
{
	struct gw_buf b;
	gw_buf_init(&b);
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '"') {
			gw_buf_puts(&b, "#quot;");
		} else if (*p == '#') {
			gw_buf_puts(&b, "#35;");
		} else if ((unsigned char)*p < ' ') {
			gw_buf_putc(&b, ' ');
		} else {
			gw_buf_putc(&b, *p);
		}
	}
	return gw_buf_detach(&b, NULL);
}

static void add_label(cJSON *o, const char *name)
{
	char *l = mermaid_label(name);
	add_str(o, "label", l);
	free(l);
}

/* ---- tags --------------------------------------------------------------- */

/* A tag list under construction: later keys replace earlier ones in place. */
struct tagset {
	const char **k, **v;
	size_t n, cap;
};

static void tagset_put(struct tagset *t, const char *k, const char *v)
{
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->k[i], k) == 0) {
			t->v[i] = v;
			return;
		}
	}
	size_t cap = t->cap;
	gw_grow((void **)&t->k, &cap, t->n + 1, sizeof(*t->k));
	gw_grow((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v));
	t->k[t->n] = k;
	t->v[t->n++] = v;
}

static void tagset_kvs(struct tagset *t, const struct gw_kvs *kvs)
{
	for (size_t i = 0; i < kvs->n; i++) {
		tagset_put(t, kvs->v[i].key.s, kvs->v[i].value.s);
	}
}

/* Write 't' as KEY: [{key, value, first, last}] + has_KEY and free it. */
static void tagset_emit(cJSON *o, const char *key, struct tagset *t)
{
	cJSON *arr = add_arr(o, key);
	for (size_t i = 0; i < t->n; i++) {
		cJSON *e = push_obj(arr);
		add_str(e, "key", t->k[i]);
		add_str(e, "value", t->v[i]);
		/* KEY=VALUE, as `aws cloudformation deploy --tags` takes it. */
		char *pair = gw_xasprintf("%s=%s", t->k[i], t->v[i]);
		add_str(e, "pair", pair);
		free(pair);
	}
	finish_list(o, key, arr);
	free(t->k);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static void add_kvs(cJSON *o, const char *key, const struct gw_kvs *kvs)
{
	struct tagset t = { 0 };
	tagset_kvs(&t, kvs);
	tagset_emit(o, key, &t);
}

/* ---- ARNs ---------------------------------------------------------------- */

void gw_view_sub_literal(struct gw_buf *out, const char *text)
{
	for (const char *p = text ? text : ""; *p; p++) {
		gw_buf_putc(out, *p);
		/* Fn::Sub: "To write a dollar sign and curly braces (${})
		 * literally, add an exclamation point (!) after the open
		 * curly brace". */
		if (p[0] == '$' && p[1] == '{') {
			gw_buf_puts(out, "{!");
			p++;
		}
	}
}

/* The partition, region and account parts: pseudo parameters or values. */
struct arn_parts {
	const char *partition, *region, *account;
};

static struct arn_parts arn_parts(const struct gw_model *m, bool sub)
{
	if (sub) {
		return (struct arn_parts){ "${AWS::Partition}",
			"${AWS::Region}", "${AWS::AccountId}" };
	}
	return (struct arn_parts){ m->partition, m->region.s,
		m->account_id.s ? m->account_id.s : "*" };
}

/* Append 'text', made literal for !Sub when 'sub'. */
static void put_lit(struct gw_buf *out, const char *text, bool sub)
{
	if (sub) {
		gw_view_sub_literal(out, text);
	} else {
		gw_buf_puts(out, text ? text : "");
	}
}

void gw_view_resource_arn(struct gw_buf *out, const struct gw_model *m,
		const struct gw_resource *r, bool sub)
{
	struct arn_parts p = arn_parts(m, sub);
	const char *v = r->value.s ? r->value.s : "";
	switch (r->kind) {
	case GW_RES_ANY:
		gw_buf_putc(out, '*');
		return;
	case GW_RES_BUCKET:
	case GW_RES_OBJECTS:
		/* S3 ARNs have neither region nor account (AWS General
		 * Reference, "Amazon S3 resource types"). */
		gw_buf_printf(out, "arn:%s:s3:::", p.partition);
		put_lit(out, m->bucket.name.s, sub);
		if (r->kind == GW_RES_OBJECTS) {
			gw_buf_putc(out, '/');
			put_lit(out, v, sub);
		}
		return;
	case GW_RES_SECRET:
		gw_buf_printf(out, "arn:%s:secretsmanager:%s:%s:secret:",
				p.partition, p.region, p.account);
		put_lit(out, v, sub);
		return;
	case GW_RES_LOG_GROUP:
		gw_buf_printf(out, "arn:%s:logs:%s:%s:log-group:",
				p.partition, p.region, p.account);
		put_lit(out, v, sub);
		return;
	case GW_RES_ROLE:
		gw_buf_printf(out, "arn:%s:iam::%s:role/", p.partition,
				p.account);
		put_lit(out, v, sub);
		return;
	case GW_RES_BATCH:
	case GW_RES_ECS:
	case GW_RES_ECR:
	case GW_RES_EC2: {
		const char *service, *prefix;
		bool regional = gw_res_regional(r->kind, &service, &prefix);
		assert(regional);
		(void)regional;
		gw_buf_printf(out, "arn:%s:%s:%s:%s:%s", p.partition, service,
				p.region, p.account, prefix);
		put_lit(out, v, sub);
		return;
	}
	case GW_RES_ARN: {
		/* A literal ARN in the profile's partition (the verifier
		 * checks that) gets its partition from the stack too. */
		char *head = gw_xasprintf("arn:%s:", m->partition);
		if (sub && gw_has_prefix(v, head)) {
			gw_buf_printf(out, "arn:%s:", p.partition);
			put_lit(out, v + strlen(head), sub);
		} else {
			put_lit(out, v, sub);
		}
		free(head);
		return;
	}
	}
	assert(!"unknown resource kind");
}

/* Add KEY_sub and KEY (resolved) for 'r'. */
static void add_arn_pair(cJSON *o, const struct gw_model *m,
		const struct gw_resource *r)
{
	struct gw_buf b;
	gw_buf_init(&b);
	add_bool(o, "any", r->kind == GW_RES_ANY);
	add_bool(o, "has_getatt", false);
	add_str(o, "getatt", "");
	gw_view_resource_arn(&b, m, r, true);
	add_str(o, "sub", gw_buf_str(&b));
	gw_buf_clear(&b);
	gw_view_resource_arn(&b, m, r, false);
	add_str(o, "arn", gw_buf_str(&b));
	gw_buf_finish(&b);
}

/* AWS-managed policies: arn:P:iam::aws:policy/PATH. */
static void add_managed(cJSON *o, const struct gw_model *m,
		const struct gw_strs *managed)
{
	cJSON *arr = add_arr(o, "managed");
	for (size_t i = 0; i < managed->n; i++) {
		cJSON *e = push_obj(arr);
		struct gw_buf b;
		gw_buf_init(&b);
		gw_buf_puts(&b, "arn:${AWS::Partition}:iam::aws:policy/");
		gw_view_sub_literal(&b, managed->v[i].s);
		add_str(e, "path", managed->v[i].s);
		add_str(e, "sub", gw_buf_str(&b));
		gw_buf_clear(&b);
		gw_buf_printf(&b, "arn:%s:iam::aws:policy/%s", m->partition,
				managed->v[i].s);
		add_str(e, "arn", gw_buf_str(&b));
		gw_buf_finish(&b);
	}
	finish_list(o, "managed", arr);
}

/* ---- lookups from names to logical IDs ---------------------------------- */

/* The logical ID recorded under 'name' in the view list 'arr', or NULL. */
static const char *id_of(const cJSON *arr, const char *name)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
		if (cJSON_IsString(n) && name && strcmp(n->valuestring, name) == 0) {
			return cJSON_GetObjectItemCaseSensitive(it,
					"logical_id")->valuestring;
		}
	}
	return NULL;
}

/* A reference from 'o' to the object 'name' of 'arr' as KEY_id + has_KEY;
 * an unknown name is an error at 'loc' (the verifier should have said). */
static bool add_ref(cJSON *o, const char *key, const cJSON *arr,
		const struct gw_str *name, struct gw_diags *d)
{
	char *has = gw_xasprintf("has_%s", key);
	char *idk = gw_xasprintf("%s_id", key);
	const char *id = name->s ? id_of(arr, name->s) : NULL;
	bool ok = !name->s || id;
	if (!ok) {
		gw_diag_error(d, name->loc, "'%s' names no object of the "
				"profile", name->s);
	}
	put_dup(o, has, cJSON_CreateBool(id != NULL));
	put_dup(o, idk, cJSON_CreateString(id ? id : ""));
	free(has);
	free(idk);
	return ok;
}

/* A list of names resolved to [{name, id, first, last}] + has_KEY. */
static bool add_refs(cJSON *o, const char *key, const cJSON *arr,
		const struct gw_strs *names, struct gw_diags *d)
{
	bool ok = true;
	cJSON *list = add_arr(o, key);
	for (size_t i = 0; i < names->n; i++) {
		const char *id = id_of(arr, names->v[i].s);
		if (!id) {
			gw_diag_error(d, names->v[i].loc, "'%s' names no object "
					"of the profile", names->v[i].s);
			ok = false;
			continue;
		}
		cJSON *e = push_obj(list);
		add_str(e, "name", names->v[i].s);
		add_str(e, "id", id);
	}
	finish_list(o, key, list);
	return ok;
}

/* ---- sections ------------------------------------------------------------- */

/* A path a shell and every comment syntax take as is: no quoting, no
 * "-->" closing the summary's HTML comment, no line break. */
static bool is_plain_path(const char *s)
{
	if (!*s || s[0] == '-' || strstr(s, "--")) {
		return false;
	}
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s) && !strchr("._/+-", *s)) {
			return false;
		}
	}
	return true;
}

/*
 * A profile NAME.yaml in a directory named profiles (the
 * shipped ones, the installed ones) is found again by its name. Any other
 * is named by its path as it was given when that is relative; an absolute
 * path would put the machine's layout into the output, so only its file
 * name is kept (as is a path that would need shell quoting). Without a
 * file (a model built in memory) the name is all there is.
 */
char *gw_view_regen_command(const struct gw_model *m)
{
	const char *path = m->n_files ? m->files[0] : NULL;
	if (path) {
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		size_t stem = strlen(base) > 5 &&
			strcmp(base + strlen(base) - 5, ".yaml") == 0 ?
			strlen(base) - 5 : strlen(base);
		size_t dir = (size_t)(base - path);
		while (dir && path[dir - 1] == '/') {
			dir--;
		}
		size_t parent = dir;
		while (parent && path[parent - 1] != '/') {
			parent--;
		}
		bool in_profiles = dir - parent == 8 &&
			strncmp(path + parent, "profiles", 8) == 0;
		bool same_name = strlen(m->name.s) == stem &&
			strncmp(base, m->name.s, stem) == 0;
		if (!(in_profiles && same_name)) {
			const char *shown = path[0] != '/' && is_plain_path(path) ?
				path : is_plain_path(base) ? base : NULL;
			if (shown) {
				return gw_xasprintf("gwgen --profile %s -o out/",
						shown);
			}
		}
	}
	return gw_xasprintf("gwgen --profile %s -o out/", m->name.s);
}

static void build_profile(const struct gw_model *m, cJSON *root)
{
	cJSON *p = add_obj(root, "profile");
	add_str(p, "name", m->name.s);
	add_str(p, "description", m->description.s);
	add_str(p, "region", m->region.s);
	add_str(p, "partition", m->partition);
	add_str(p, "dns_suffix", m->dns_suffix);
	add_str(p, "account", m->account_id.s ? m->account_id.s : "*");
	add_bool(p, "has_account", m->account_id.s != NULL);
	add_str(p, "stack_name", m->stack_name.s);
	add_str(p, "engine", m->engine_name.s ? m->engine_name.s : "none");
	char *regen = gw_view_regen_command(m);
	add_str(p, "regen", regen);
	free(regen);
	add_str(p, "stack_tag_key", STACK_TAG_KEY);
	char *pair = gw_xasprintf("%s=%s", STACK_TAG_KEY, m->stack_name.s);
	add_str(p, "stack_tag_pair", pair);
	free(pair);
	add_kvs(root, "tags", &m->tags);
	/* The tags as the JSON list the AWS CLI takes for --tags, which,
	 * unlike its shorthand syntax, survives commas and quotes. */
	cJSON *tj = cJSON_CreateArray();
	for (size_t i = 0; i < m->tags.n; i++) {
		cJSON *e = push_obj(tj);
		add_str(e, "Key", m->tags.v[i].key.s);
		add_str(e, "Value", m->tags.v[i].value.s);
	}
	char *json = cJSON_PrintUnformatted(tj);
	add_str(root, "tags_json", json);
	free(json);
	cJSON_Delete(tj);

	cJSON *n = add_obj(root, "network");
	add_bool(n, "vpc", m->network.vpc.v);
	add_bool(n, "key_pair", m->network.key_pair.v);
	add_bool(n, "custom_ami", m->network.custom_ami.v);

	cJSON *e = add_obj(root, "engine");
	add_bool(e, "nextflow", m->engine == GW_ENGINE_NEXTFLOW);
	add_bool(e, "nextstrain", m->engine == GW_ENGINE_NEXTSTRAIN);
	add_bool(e, "snakemake", m->engine == GW_ENGINE_SNAKEMAKE);
	/* A client configuration needs its engine and its section. */
	add_bool(e, "nextflow_config", m->engine == GW_ENGINE_NEXTFLOW &&
			m->nextflow.present);
	add_bool(e, "nextstrain_config", m->engine == GW_ENGINE_NEXTSTRAIN &&
			m->nextstrain.present);
	add_bool(e, "cromwell_config", m->engine == GW_ENGINE_CROMWELL &&
			m->cromwell.present);
	add_bool(e, "snakemake_config", m->engine == GW_ENGINE_SNAKEMAKE &&
			m->snakemake.present);
	add_bool(e, "miniwdl_config", m->engine == GW_ENGINE_MINIWDL &&
			m->miniwdl.present);
}

static void build_bucket(const struct gw_model *m, cJSON *root,
		struct ids *ids)
{
	const struct gw_bucket *b = &m->bucket;
	cJSON *o = add_obj(root, "bucket");
	add_bool(o, "present", b->present);
	add_str(o, "name", b->name.s);
	add_label(o, b->name.s);
	add_str(o, "logical_id", b->present ? ids_take(ids, "", "Bucket") : "");
	add_str(o, "policy_id",
			b->present ? ids_take(ids, "", "BucketPolicy") : "");
	/* 'compliance: hipaa' encrypts with the stack's own key (K1 refuses
	 * an explicit sse-s3); 'sse-kms' alone uses S3's AWS managed key. */
	bool kms = m->hipaa || (b->encryption.s &&
			strcmp(b->encryption.s, "sse-kms") == 0);
	add_bool(o, "kms", kms);
	add_str(o, "sse_algorithm", kms ? "aws:kms" : "AES256");
	add_bool(o, "stack_key", m->hipaa && b->present);
	add_str(o, "key_id", cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(root, "kms"),
			"logical_id")->valuestring);
	add_bool(o, "versioning", b->versioning.v);
	add_bool(o, "retain", b->retain.v);
	add_bool(o, "has_expiry", b->expire_days.v > 0);
	add_int(o, "expire_days", b->expire_days.v);
	add_bool(o, "has_abort_multipart", b->abort_multipart_days.v > 0);
	add_int(o, "abort_multipart_days", b->abort_multipart_days.v);
	bool noncurrent = b->versioning.v && b->noncurrent_days.v > 0;
	add_bool(o, "has_noncurrent_expiry", noncurrent);
	add_int(o, "noncurrent_days", b->noncurrent_days.v);
	add_bool(o, "has_lifecycle", b->abort_multipart_days.v > 0 ||
			b->expire_days.v > 0 || noncurrent);
	/* Server access logs (S3 User Guide, "Logging requests with server
	 * access logging") go to a bucket of the stack's own: the
	 * destination must be in the same account and region, and must
	 * not use SSE-KMS ("Enabling Amazon S3 server access logging":
	 * "the destination bucket ... only SSE-S3"), so it is SSE-S3 in
	 * every compliance level. It has no BucketName (CloudFormation
	 * names it, so it cannot collide), is always kept when the stack
	 * is deleted (an audit trail outlives the stack), and lets only
	 * the S3 logging service write, for this bucket and account. */
	bool logs = b->present && b->access_logging.v;
	cJSON *lo = add_obj(o, "access_logs");
	add_bool(lo, "present", logs);
	add_str(lo, "logical_id", logs ? ids_take(ids, "", "AccessLogBucket")
			: "");
	add_str(lo, "policy_id", logs ? ids_take(ids, "", "AccessLogBucketPolicy")
			: "");
	add_bool(lo, "has_expiry", b->access_log_days.v > 0);
	add_int(lo, "expire_days", b->access_log_days.v);
	add_str(lo, "prefix", ACCESS_LOG_PREFIX);
	if (logs) {
		const char *id = cJSON_GetObjectItem(lo, "logical_id")->valuestring;
		char *sub = gw_xasprintf("${%s.Arn}/*", id);
		add_str(lo, "objects_sub", sub);
		free(sub);
		sub = gw_xasprintf("${%s.Arn}/%s*", id, ACCESS_LOG_PREFIX);
		add_str(lo, "put_sub", sub);
		free(sub);
	}
	struct gw_resource r = { .kind = GW_RES_BUCKET };
	cJSON *arn = add_obj(o, "bucket_arn");
	add_arn_pair(arn, m, &r);
	r = (struct gw_resource){ .kind = GW_RES_OBJECTS,
		.value = { .s = "*" } };
	cJSON *objects = add_obj(o, "objects_arn");
	add_arn_pair(objects, m, &r);
	if (b->present) {
		char *sub = gw_xasprintf("${%s.Arn}/*",
				cJSON_GetObjectItem(o, "logical_id")->valuestring);
		add_str(o, "objects_sub", sub);
		free(sub);
	}
}

/* 's' with every 'from' replaced by 'to' (free() it). */
static char *replace_all(const char *s, const char *from, const char *to)
{
	struct gw_buf b;
	gw_buf_init(&b);
	size_t n = strlen(from);
	for (const char *hit; (hit = strstr(s, from)); s = hit + n) {
		gw_buf_printf(&b, "%.*s%s", (int)(hit - s), s, to);
	}
	gw_buf_puts(&b, s);
	char *out = gw_xstrdup(gw_buf_str(&b));
	gw_buf_finish(&b);
	return out;
}

/* The item of 'arr' whose 'field' is 'value', or NULL. */
static cJSON *find_by(cJSON *arr, const char *field, const char *value)
{
	for (cJSON *it = arr->child; it; it = it->next) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, field);
		if (cJSON_IsString(v) && strcmp(v->valuestring, value) == 0) {
			return it;
		}
	}
	return NULL;
}

/*
 * The statement's Condition block as 'conditions' [{test, keys: [{key,
 * values}]}]: IAM wants one object per operator and one entry per key in
 * it, so conditions with the same test are grouped, and the values of the
 * same test and key merged (any of them matches, as IAM reads a list).
 * ${gwgen:stack} in a value becomes the stack's name, the value of the
 * gwgen:stack tag on the stack's instances and scratch volumes.
 */
static void add_conditions(cJSON *so, const struct gw_model *m,
		const struct gw_statement *st)
{
	cJSON *tests = add_arr(so, "conditions");
	for (size_t i = 0; i < st->n_conditions; i++) {
		const struct gw_condition *c = &st->conditions[i];
		const char *test = c->test.s ? c->test.s : "";
		const char *key = c->key.s ? c->key.s : "";
		cJSON *t = find_by(tests, "test", test);
		if (!t) {
			t = push_obj(tests);
			add_str(t, "test", test);
			add_arr(t, "keys");
		}
		cJSON *keys = cJSON_GetObjectItemCaseSensitive(t, "keys");
		cJSON *k = find_by(keys, "key", key);
		if (!k) {
			k = push_obj(keys);
			add_str(k, "key", key);
			add_arr(k, "values");
		}
		cJSON *vals = cJSON_GetObjectItemCaseSensitive(k, "values");
		for (size_t j = 0; j < c->values.n; j++) {
			char *v = replace_all(c->values.v[j].s
					? c->values.v[j].s : "",
					STACK_VARIABLE, m->stack_name.s);
			add_str(push_obj(vals), "value", v);
			free(v);
		}
	}
	for (cJSON *t = tests->child; t; t = t->next) {
		cJSON *keys = cJSON_GetObjectItemCaseSensitive(t, "keys");
		for (cJSON *k = keys->child; k; k = k->next) {
			finish_list(k, "values",
					cJSON_GetObjectItemCaseSensitive(k,
						"values"));
		}
		finish_list(t, "keys", keys);
	}
	finish_list(so, "conditions", tests);
}

/*
 * What an Allow statement does with the bucket's objects (an objects
 * resource): 1 reads them, 2 also writes them (an action matching
 * s3:PutObject); 0 neither.
 */
static int object_use(const struct gw_statement *st)
{
	bool objects = false;
	for (size_t k = 0; k < st->n_resources; k++) {
		objects = objects || st->resources[k].kind == GW_RES_OBJECTS;
	}
	if (!objects || (st->effect.s && strcmp(st->effect.s, "Allow") != 0)) {
		return 0;
	}
	for (size_t j = 0; j < st->actions.n; j++) {
		if (st->actions.v[j].s &&
				gw_iam_glob(st->actions.v[j].s, "s3:PutObject")) {
			return 2;
		}
	}
	return 1;
}

int gw_view_policy_object_use(const struct gw_policy *p)
{
	int use = 0;
	for (size_t j = 0; j < p->n_statements; j++) {
		int u = object_use(&p->statements[j]);
		use = u > use ? u : use;
	}
	return use;
}

/*
 * 'compliance: hipaa': the statement that lets a policy's holder use the
 * stack's key for the bucket's objects (SSE-KMS: GetObject needs
 * kms:Decrypt, PutObject kms:GenerateDataKey; S3 User Guide, "Using
 * server-side encryption with AWS KMS keys", permissions). The key's ID
 * exists only once CloudFormation creates it, so the standalone JSON
 * shows the key ARN with a wildcard ID.
 */
static void add_key_statement(cJSON *sts, const cJSON *kms, bool writes)
{
	cJSON *so = push_obj(sts);
	add_bool(so, "has_sid", true);
	add_str(so, "sid", KMS_STATEMENT_SID);
	add_str(so, "effect", "Allow");
	cJSON *acts = add_arr(so, "actions");
	add_str(push_obj(acts), "value", "kms:Decrypt");
	if (writes) {
		add_str(push_obj(acts), "value", "kms:GenerateDataKey");
	}
	finish_list(so, "actions", acts);
	cJSON *res = add_arr(so, "resources");
	cJSON *r = push_obj(res);
	add_bool(r, "any", false);
	add_bool(r, "has_getatt", true);
	static const char *const keys[][2] = {
		{"getatt", "getatt"}, {"sub", "arn_sub"}, {"arn", "key_arn"},
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(keys); i++) {
		add_str(r, keys[i][0], cJSON_GetObjectItemCaseSensitive(kms,
				keys[i][1])->valuestring);
	}
	finish_list(so, "resources", res);
	finish_list(so, "conditions", add_arr(so, "conditions"));
}

static void build_policies(const struct gw_model *m, cJSON *root,
		struct ids *ids)
{
	const cJSON *kms = cJSON_GetObjectItemCaseSensitive(root, "kms");
	bool key = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(kms,
			"present"));
	cJSON *arr = add_arr(root, "policies");
	for (size_t i = 0; i < m->n_policies; i++) {
		const struct gw_policy *p = &m->policies[i];
		cJSON *o = push_obj(arr);
		add_str(o, "name", p->name.s);
		add_label(o, p->name.s);
		add_str(o, "logical_id", ids_take(ids, p->name.s, "Policy"));
		add_bool(o, "has_description", p->description.s != NULL);
		add_str(o, "description", p->description.s);
		bool uses_bucket = false;
		cJSON *sts = add_arr(o, "statements");
		for (size_t j = 0; j < p->n_statements; j++) {
			const struct gw_statement *st = &p->statements[j];
			cJSON *so = push_obj(sts);
			add_bool(so, "has_sid", st->sid.s && st->sid.s[0]);
			add_str(so, "sid", st->sid.s);
			add_str(so, "effect", st->effect.s ? st->effect.s : "Allow");
			add_strs(so, "actions", &st->actions);
			cJSON *res = add_arr(so, "resources");
			for (size_t k = 0; k < st->n_resources; k++) {
				add_arn_pair(push_obj(res), m, &st->resources[k]);
				uses_bucket = uses_bucket ||
					st->resources[k].kind == GW_RES_BUCKET ||
					st->resources[k].kind == GW_RES_OBJECTS;
			}
			finish_list(so, "resources", res);
			add_conditions(so, m, st);
		}
		int use = gw_view_policy_object_use(p);
		if (key && m->bucket.present && use) {
			add_key_statement(sts, kms, use > 1);
		}
		finish_list(o, "statements", sts);
		add_bool(o, "uses_bucket", uses_bucket && m->bucket.present);
	}
	finish_list(root, "policies", arr);
}

/*
 * The key administration actions a key policy gives the account (AWS KMS
 * Developer Guide, "Default key policy", "Allows key administrators to
 * administer the KMS key"): manage, describe, tag, rotate and schedule the
 * deletion of the key, never use it. Through the account's IAM policies,
 * so the deployer can change the policy later (the CreateKey lockout
 * check asks exactly that).
 */
static const char *const key_admin_actions[] = {
	"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*",
	"kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*",
	"kms:Delete*", "kms:TagResource", "kms:UntagResource",
	"kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
	"kms:RotateKeyOnDemand",
};

/*
 * What CloudWatch Logs may do with the key for a log group (CloudWatch
 * Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS",
 * step 2), limited by the kms:EncryptionContext:aws:logs:arn condition to
 * the stack's own groups.
 */
static const char *const key_logs_actions[] = {
	"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*",
	"kms:GenerateDataKey*", "kms:Describe*",
};

static void add_values(cJSON *o, const char *key, const char *const *v,
		size_t n)
{
	cJSON *arr = add_arr(o, key);
	for (size_t i = 0; i < n; i++) {
		add_str(push_obj(arr), "value", v[i]);
	}
	finish_list(o, key, arr);
}

/*
 * 'compliance: hipaa': the stack's customer-managed key, when there is
 * something to encrypt (the bucket, a log group). Its logical ID comes
 * first, so the policies' key statements can name it.
 */
static void start_kms(const struct gw_model *m, cJSON *root, struct ids *ids)
{
	bool present = m->hipaa && (m->bucket.present || m->n_log_groups);
	cJSON *k = add_obj(root, "kms");
	add_bool(k, "present", present);
	const char *id = present ? ids_take(ids, "", "StackKey") : "";
	add_str(k, "logical_id", id);
	add_str(k, "alias_id", present ? ids_take(ids, "", "StackKeyAlias") :
			"");
	/* Its ARN: an attribute in the template; in the standalone JSON the
	 * key ID, which CloudFormation assigns, is a wildcard. */
	char *v = gw_xasprintf("%s.Arn", id);
	add_str(k, "getatt", v);
	free(v);
	v = gw_xasprintf("${%s.Arn}", id);
	add_str(k, "arn_sub", v);
	free(v);
	struct arn_parts p = arn_parts(m, false);
	v = gw_xasprintf("arn:%s:kms:%s:%s:key/*", p.partition, p.region,
			p.account);
	add_str(k, "key_arn", v);
	free(v);
}

/* Push {sub, arn, name} of the role or user 'name' onto 'arr'. */
static void add_principal_arn(cJSON *arr, const struct gw_model *m,
		const char *kind, const char *name)
{
	cJSON *e = push_obj(arr);
	struct gw_buf b;
	gw_buf_init(&b);
	gw_buf_printf(&b, "arn:${AWS::Partition}:iam::${AWS::AccountId}:%s/",
			kind);
	gw_view_sub_literal(&b, name);
	add_str(e, "sub", gw_buf_str(&b));
	gw_buf_clear(&b);
	struct arn_parts p = arn_parts(m, false);
	gw_buf_printf(&b, "arn:%s:iam::%s:%s/%s", p.partition, p.account, kind,
			name);
	add_str(e, "arn", gw_buf_str(&b));
	gw_buf_finish(&b);
	add_str(e, "kind", kind);
	add_str(e, "name", name);
}

/* Whether one of the policies named in 'names' uses the bucket's objects. */
static bool names_object_policy(const struct gw_model *m,
		const struct gw_strs *names)
{
	for (size_t i = 0; i < names->n; i++) {
		const struct gw_policy *p = gw_model_policy(m, names->v[i].s);
		if (p && gw_view_policy_object_use(p)) {
			return true;
		}
	}
	return false;
}

/* Whether the user 'u' reaches the bucket's objects, directly or through
 * one of its groups. */
static bool user_uses_objects(const struct gw_model *m,
		const struct gw_user *u)
{
	if (names_object_policy(m, &u->policies)) {
		return true;
	}
	for (size_t i = 0; i < u->groups.n; i++) {
		const struct gw_group *g = gw_model_group(m, u->groups.v[i].s);
		if (g && names_object_policy(m, &g->policies)) {
			return true;
		}
	}
	return false;
}

/*
 * The key's policy (AWS KMS Developer Guide, "Key policies"): the account
 * administers the key; S3 may use it, for the bucket only, on behalf of
 * the stack's roles and the profile's users whose policies read or write
 * the bucket's objects (kms:ViaService, kms:EncryptionContext:aws:s3:arn,
 * which with S3 Bucket Keys is the bucket's ARN; aws:PrincipalArn names
 * them, as a condition because KMS refuses a principal that does not
 * exist yet and the users are created after the stack); CloudWatch Logs
 * may use it for the stack's log groups. Nothing else may use it.
 */
static void build_kms(const struct gw_model *m, cJSON *root)
{
	cJSON *k = cJSON_GetObjectItemCaseSensitive(root, "kms");
	char *v = gw_xasprintf("alias/%s", m->stack_name.s);
	add_str(k, "alias", v);
	free(v);
	v = gw_xasprintf("%s: the bucket's objects and the log groups "
			"(compliance: hipaa)", m->stack_name.s);
	add_str(k, "description", v);
	free(v);
	add_str(k, "root_sub", "arn:${AWS::Partition}:iam::${AWS::AccountId}:root");
	add_values(k, "admin_actions", key_admin_actions,
			GW_ARRAY_LEN(key_admin_actions));
	add_values(k, "logs_actions", key_logs_actions,
			GW_ARRAY_LEN(key_logs_actions));

	cJSON *who = add_arr(k, "s3_principals");
	for (size_t i = 0; m->bucket.present && i < m->n_roles; i++) {
		if (names_object_policy(m, &m->roles[i].policies)) {
			add_principal_arn(who, m, "role", m->roles[i].name.s);
		}
	}
	for (size_t i = 0; m->bucket.present && i < m->n_users; i++) {
		if (user_uses_objects(m, &m->users[i])) {
			add_principal_arn(who, m, "user", m->users[i].name.s);
		}
	}
	finish_list(k, "s3_principals", who);
	add_bool(k, "has_s3", cJSON_GetArraySize(who) > 0);
	add_str(k, "s3_via_sub", "s3.${AWS::Region}.${AWS::URLSuffix}");

	char principal[GW_PRINCIPAL_MAX];
	if (!gw_principal_regional(m->partition, "logs", m->region.s,
				principal, sizeof(principal))) {
		snprintf(principal, sizeof(principal), "logs.%s.%s",
				m->region.s, m->dns_suffix);
	}
	bool portable = gw_principal_regional_follows_url_suffix("logs");
	add_bool(k, "logs_use_sub", portable);
	add_str(k, "logs_principal_sub", "logs.${AWS::Region}.${AWS::URLSuffix}");
	add_str(k, "logs_principal", principal);
	cJSON *groups = add_arr(k, "log_groups");
	for (size_t i = 0; i < m->n_log_groups; i++) {
		struct gw_resource r = { .kind = GW_RES_LOG_GROUP,
			.value = m->log_groups[i].name };
		add_arn_pair(push_obj(groups), m, &r);
	}
	finish_list(k, "log_groups", groups);
}

/* Whether one of the objects in 'arr' has "id": 'id'. */
static bool has_id(const cJSON *arr, const char *id)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "id");
		if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0) {
			return true;
		}
	}
	return false;
}

/*
 * For the summary's diagram: each policy's 'log_group_refs' [{id}], the
 * stack's log groups its log-group: resources name (a log group name has no
 * ':', so what follows one, ":*" or ":log-stream:...", is dropped).
 */
static void link_policy_log_groups(const struct gw_model *m, cJSON *root)
{
	const cJSON *groups = cJSON_GetObjectItemCaseSensitive(root,
			"log_groups");
	cJSON *policy = cJSON_GetObjectItemCaseSensitive(root,
			"policies")->child;
	for (size_t i = 0; i < m->n_policies; i++, policy = policy->next) {
		const struct gw_policy *p = &m->policies[i];
		cJSON *arr = add_arr(policy, "log_group_refs");
		for (size_t j = 0; j < p->n_statements; j++) {
			const struct gw_statement *st = &p->statements[j];
			for (size_t k = 0; k < st->n_resources; k++) {
				const struct gw_resource *r = &st->resources[k];
				if (r->kind != GW_RES_LOG_GROUP) {
					continue;
				}
				char *name = gw_xstrndup(r->value.s,
						strcspn(r->value.s, ":"));
				const char *id = id_of(groups, name);
				free(name);
				if (id && !has_id(arr, id)) {
					add_str(push_obj(arr), "id", id);
				}
			}
		}
		finish_list(policy, "log_group_refs", arr);
	}
}

static bool build_trust(const struct gw_model *m, cJSON *o,
		const struct gw_role *r, struct gw_diags *d)
{
	bool ok = true;
	cJSON *arr = add_arr(o, "trust");
	for (size_t i = 0; i < r->trust.n; i++) {
		const char *svc = r->trust.v[i].s;
		bool known = false;
		for (size_t k = 0; k < GW_ARRAY_LEN(trust_services); k++) {
			known = known || strcmp(svc, trust_services[k]) == 0;
		}
		if (!known) {
			gw_diag_error(d, r->trust.v[i].loc,
					"unknown trust service '%s'", svc);
			ok = false;
			continue;
		}
		cJSON *e = push_obj(arr);
		add_str(e, "service", svc);
		/* The principal of the profile's partition (principal.c, rule
		 * A2): "SERVICE.${AWS::URLSuffix}" where that is right in aws,
		 * aws-cn and aws-us-gov alike (ec2), else the literal
		 * (ecs-tasks.amazonaws.com, also in China). */
		char principal[GW_PRINCIPAL_MAX];
		bool sourced;
		gw_principal_render(m->partition, svc, principal,
				sizeof(principal), &sourced);
		bool portable = sourced && gw_principal_follows_url_suffix(svc);
		add_bool(e, "use_sub", portable);
		char *s = gw_xasprintf("%s.${AWS::URLSuffix}", svc);
		add_str(e, "sub", s);
		free(s);
		add_str(e, "principal", principal);
	}
	finish_list(o, "trust", arr);
	return ok;
}

/*
 * A role's open-data buckets (roles[].open_data, rule N12): s3:ListBucket
 * on arn:P:s3:::NAME and s3:GetObject on arn:P:s3:::NAME/STAR, exactly those,
 * as an inline policy of the role ('open_data', 'has_open_data') and its
 * review copy iam/ROLE-open-data.json (an entry of 'reviews', the root's
 * "open_data_roles").
 */
static void add_open_data(cJSON *o, const struct gw_model *m,
		const struct gw_role *r, cJSON *reviews)
{
	cJSON *arr = add_arr(o, "open_data");
	for (size_t i = 0; i < r->open_data.n; i++) {
		const char *name = r->open_data.v[i].s ?
			r->open_data.v[i].s : "";
		cJSON *e = push_obj(arr);
		add_str(e, "name", name);
		struct gw_buf b;
		gw_buf_init(&b);
		gw_buf_puts(&b, "arn:${AWS::Partition}:s3:::");
		gw_view_sub_literal(&b, name);
		add_str(e, "bucket_sub", gw_buf_str(&b));
		gw_buf_puts(&b, "/*");
		add_str(e, "objects_sub", gw_buf_str(&b));
		gw_buf_clear(&b);
		gw_buf_printf(&b, "arn:%s:s3:::%s", m->partition, name);
		add_str(e, "bucket_arn", gw_buf_str(&b));
		gw_buf_puts(&b, "/*");
		add_str(e, "objects_arn", gw_buf_str(&b));
		gw_buf_finish(&b);
	}
	finish_list(o, "open_data", arr);
	char *file = gw_xasprintf("%s-open-data", r->name.s);
	add_str(o, "open_data_file", file);
	if (r->open_data.n > 0) {
		cJSON *e = push_obj(reviews);
		add_str(e, "name", file);
		add_str(e, "role", r->name.s);
		put_dup(e, "open_data", cJSON_Duplicate(
				cJSON_GetObjectItemCaseSensitive(o, "open_data"),
				true));
	}
	free(file);
}

/* One role of the view (and its instance profile). */
static bool build_role(const struct gw_model *m, const struct gw_role *r,
		const cJSON *policies, cJSON *arr, cJSON *profiles,
		cJSON *reviews, struct ids *ids, struct gw_diags *d)
{
	bool ok = true;
	cJSON *o = push_obj(arr);
	add_str(o, "name", r->name.s);
	add_label(o, r->name.s);
	add_str(o, "logical_id", ids_take(ids, r->name.s, "Role"));
	add_bool(o, "has_description", r->description.s != NULL);
	add_str(o, "description", r->description.s);
	char *file = gw_xasprintf("iam/%s-trust.json", r->name.s);
	add_str(o, "trust_file", file);
	free(file);
	ok = build_trust(m, o, r, d) && ok;
	add_managed(o, m, &r->managed);
	ok = add_refs(o, "policies", policies, &r->policies, d) && ok;
	add_bool(o, "has_policy_arns", r->managed.n + r->policies.n > 0);
	add_open_data(o, m, r, reviews);
	add_bool(o, "instance_profile", r->instance_profile.v);
	const char *ip = r->instance_profile.v ?
		ids_take(ids, r->name.s, "InstanceProfile") : "";
	add_str(o, "instance_profile_id", ip);
	if (r->instance_profile.v) {
		cJSON *p = push_obj(profiles);
		/* The instance profile takes the role's name: what
		 * the console does for ecsInstanceRole. */
		add_str(p, "name", r->name.s);
		add_str(p, "logical_id", ip);
		add_str(p, "role_id", cJSON_GetObjectItemCaseSensitive(o,
				"logical_id")->valuestring);
	}
	return ok;
}

static bool build_roles(const struct gw_model *m, cJSON *root,
		struct ids *ids, struct gw_diags *d)
{
	bool ok = true;
	const cJSON *policies = cJSON_GetObjectItemCaseSensitive(root, "policies");
	cJSON *arr = add_arr(root, "roles");
	cJSON *profiles = add_arr(root, "instance_profiles");
	cJSON *reviews = add_arr(root, "open_data_roles");
	for (size_t i = 0; i < m->n_roles; i++) {
		ok = build_role(m, &m->roles[i], policies, arr, profiles,
				reviews, ids, d) && ok;
	}
	/* The Fargate execution role gwgen creates when a Fargate job
	 * definition names none (ECS Developer Guide, "Amazon ECS task
	 * execution IAM role": trusted by ecs-tasks, with the AWS-managed
	 * AmazonECSTaskExecutionRolePolicy). */
	char exec_name[GW_VIEW_NAME_MAX];
	if (gw_model_execution_role(m, exec_name, sizeof(exec_name))) {
		struct gw_str trust = {.s = "ecs-tasks"};
		struct gw_str managed = {.s = GW_EXECUTION_ROLE_POLICY};
		const struct gw_role exec = {
			.name = {.s = exec_name},
			.description = {.s = "Created by gwgen: pulls the "
				"images and writes the logs of Fargate jobs"},
			.trust = {.v = &trust, .n = 1},
			.managed = {.v = &managed, .n = 1},
		};
		ok = build_role(m, &exec, policies, arr, profiles, reviews,
				ids, d) && ok;
	}
	finish_list(root, "roles", arr);
	finish_list(root, "instance_profiles", profiles);
	finish_list(root, "open_data_roles", reviews);
	return ok;
}

/* Whether an object of 'arr' has "id" 'id'. */
static bool id_listed(const cJSON *arr, const char *id)
{
	for (const cJSON *it = arr->child; it; it = it->next) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "id");
		if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0) {
			return true;
		}
	}
	return false;
}

static bool build_groups_users(const struct gw_model *m, cJSON *root,
		struct ids *ids, struct gw_diags *d)
{
	bool ok = true;
	const cJSON *policies = cJSON_GetObjectItemCaseSensitive(root, "policies");
	cJSON *arr = add_arr(root, "groups");
	for (size_t i = 0; i < m->n_groups; i++) {
		const struct gw_group *g = &m->groups[i];
		cJSON *o = push_obj(arr);
		add_str(o, "name", g->name.s);
		add_str(o, "logical_id", ids_take(ids, g->name.s, "Group"));
		add_managed(o, m, &g->managed);
		ok = add_refs(o, "policies", policies, &g->policies, d) && ok;
		add_bool(o, "has_policy_arns", g->managed.n + g->policies.n > 0);
	}
	finish_list(root, "groups", arr);

	cJSON *users = add_arr(root, "users");
	for (size_t i = 0; i < m->n_users; i++) {
		const struct gw_user *u = &m->users[i];
		cJSON *o = push_obj(users);
		add_str(o, "name", u->name.s);
		ok = add_refs(o, "groups", arr, &u->groups, d) && ok;
		ok = add_refs(o, "policies", policies, &u->policies, d) && ok;
	}
	finish_list(root, "users", users);
	/* users.sh reads the ARN of each policy its users name once, before
	 * it changes anything: the distinct ones, in order of first use. */
	cJSON *used = add_arr(root, "user_policies");
	for (cJSON *u = users->child; u; u = u->next) {
		const cJSON *refs = cJSON_GetObjectItemCaseSensitive(u,
				"policies");
		for (const cJSON *r = refs->child; r; r = r->next) {
			const char *id = cJSON_GetObjectItemCaseSensitive(r,
					"id")->valuestring;
			if (!id_listed(used, id)) {
				add_str(push_obj(used), "id", id);
			}
		}
	}
	finish_list(root, "user_policies", used);
	/* users.sh adds people to the stack's groups. */
	add_bool(root, "has_iam_people", m->n_users + m->n_groups > 0);
	return ok;
}

static void add_volume(cJSON *arr, const struct gw_volume *v)
{
	cJSON *o = push_obj(arr);
	add_str(o, "device", v->device.s);
	add_int(o, "size_gib", v->size_gib.v);
	add_str(o, "type", v->type.s ? v->type.s : "gp3");
	add_bool(o, "has_iops", v->iops.set && v->iops.v > 0);
	add_int(o, "iops", v->iops.v);
	add_bool(o, "has_throughput", v->throughput.set && v->throughput.v > 0);
	add_int(o, "throughput", v->throughput.v);
	add_bool(o, "delete_on_termination", v->delete_on_termination.v);
}

static bool maps_device(const struct gw_launch_template *lt,
		const char *device)
{
	for (size_t j = 0; j < lt->n_volumes; j++) {
		if (lt->volumes[j].device.s &&
				strcmp(lt->volumes[j].device.s, device) == 0) {
			return true;
		}
	}
	return false;
}

static void build_launch_templates(const struct gw_model *m, cJSON *root,
		struct ids *ids)
{
	cJSON *arr = add_arr(root, "launch_templates");
	for (size_t i = 0; i < m->n_launch_templates; i++) {
		const struct gw_launch_template *lt = &m->launch_templates[i];
		cJSON *o = push_obj(arr);
		add_str(o, "name", lt->name.s);
		add_label(o, lt->name.s);
		add_str(o, "logical_id",
				ids_take(ids, lt->name.s, "LaunchTemplate"));
		add_bool(o, "has_description", lt->description.s != NULL);
		add_str(o, "description", lt->description.s);
		cJSON *vols = add_arr(o, "volumes");
		if (lt->has_root) {
			add_volume(vols, &lt->root);
		} else if (!maps_device(lt, DEFAULT_ROOT_DEVICE)) {
			cJSON *r = push_obj(vols);
			add_str(r, "device", DEFAULT_ROOT_DEVICE);
			add_int(r, "size_gib", DEFAULT_ROOT_GIB);
			add_str(r, "type", "gp3");
			add_bool(r, "has_iops", false);
			add_int(r, "iops", 0);
			add_bool(r, "has_throughput", false);
			add_int(r, "throughput", 0);
			add_bool(r, "delete_on_termination", true);
		}
		for (size_t j = 0; j < lt->n_volumes; j++) {
			add_volume(vols, &lt->volumes[j]);
		}
		finish_list(o, "volumes", vols);
		add_bool(o, "ebs_optimized", lt->ebs_optimized.v);
		add_str(o, "shutdown_behavior", lt->shutdown_behavior.s ?
				lt->shutdown_behavior.s : "terminate");
		add_int(o, "hop_limit", lt->hop_limit.v);
		/* The boot script reads the file system's ID from the
		 * instance's tags in instance metadata. */
		add_bool(o, "metadata_tags", m->shared_storage.present &&
				lt->user_data.present &&
				lt->user_data.shared_storage.v);
		struct tagset t = { 0 };
		tagset_kvs(&t, &m->tags);
		tagset_kvs(&t, &lt->tags);
		tagset_put(&t, STACK_TAG_KEY, m->stack_name.s);
		tagset_emit(o, "tags", &t);
		add_bool(o, "has_user_data", lt->user_data.present);
		cJSON *ud = add_obj(o, "user_data");
		add_str(ud, "file", "");
		add_arr(ud, "lines");
	}
	finish_list(root, "launch_templates", arr);
}

static bool is_ec2_type(const char *type)
{
	return !type || strcmp(type, "EC2") == 0 || strcmp(type, "SPOT") == 0;
}

static bool build_compute_envs(const struct gw_model *m, cJSON *root,
		struct ids *ids, struct gw_diags *d)
{
	bool ok = true;
	const cJSON *roles = cJSON_GetObjectItemCaseSensitive(root, "roles");
	const cJSON *lts = cJSON_GetObjectItemCaseSensitive(root,
			"launch_templates");
	cJSON *arr = add_arr(root, "compute_environments");
	for (size_t i = 0; i < m->n_compute_envs; i++) {
		const struct gw_compute_env *ce = &m->compute_envs[i];
		cJSON *o = push_obj(arr);
		add_str(o, "name", ce->name.s);
		add_label(o, ce->name.s);
		add_str(o, "logical_id", ids_take(ids, ce->name.s, "ComputeEnv"));
		const char *type = ce->type.s ? ce->type.s : "EC2";
		add_str(o, "type", type);
		add_bool(o, "ec2", is_ec2_type(type));
		add_bool(o, "spot", strcmp(type, "SPOT") == 0 ||
				strcmp(type, "FARGATE_SPOT") == 0);
		add_bool(o, "has_allocation_strategy",
				ce->allocation_strategy.s != NULL);
		add_str(o, "allocation_strategy", ce->allocation_strategy.s);
		/* In-place infrastructure updates (ReplaceComputeEnvironment
		 * false, UpdatePolicy), and the comments that say so, follow
		 * the fact CE15 warns from: the strategy and the service
		 * role. */
		const char *as = ce->allocation_strategy.s;
		bool own_role = ce->service_role.s != NULL;
		add_bool(o, "infrastructure_update",
				gw_ce_updates_in_place(as, own_role));
		bool strategy_ok = gw_ce_strategy_updates_in_place(as);
		add_str(o, "no_update_reason", !own_role ?
				"an allocation strategy other than "
				"BEST_FIT_PROGRESSIVE or SPOT_*" :
				strategy_ok ? "a regular service role" :
				"a regular service role and BEST_FIT");
		add_int(o, "update_timeout_minutes",
				ce->update_timeout_minutes.v);
		add_strs(o, "instance_types", &ce->instance_types);
		add_int(o, "min_vcpus", ce->min_vcpus.v);
		add_int(o, "desired_vcpus", ce->desired_vcpus.v);
		add_int(o, "max_vcpus", ce->max_vcpus.v);
		add_bool(o, "has_bid_percentage", ce->bid_percentage.set);
		add_int(o, "bid_percentage", ce->bid_percentage.v);
		add_str(o, "image_type", ce->image_type.s ?
				ce->image_type.s : "ECS_AL2023");
		add_bool(o, "update_to_latest_image",
				ce->update_to_latest_image.v);
		ok = add_ref(o, "launch_template", lts, &ce->launch_template,
				d) && ok;
		ok = add_ref(o, "spot_fleet_role", roles, &ce->spot_fleet_role,
				d) && ok;
		ok = add_ref(o, "service_role", roles, &ce->service_role, d) &&
			ok;
		/* InstanceRole takes the instance profile, not the role. */
		const cJSON *role = NULL;
		const cJSON *it;
		cJSON_ArrayForEach(it, roles) {
			const char *n = cJSON_GetObjectItemCaseSensitive(it,
					"name")->valuestring;
			if (ce->instance_role.s &&
					strcmp(n, ce->instance_role.s) == 0) {
				role = it;
			}
		}
		const char *ip = role ? cJSON_GetObjectItemCaseSensitive(role,
				"instance_profile_id")->valuestring : "";
		if (ce->instance_role.s && !ip[0]) {
			gw_diag_error(d, ce->instance_role.loc, "'%s' is not a "
					"role with an instance profile",
					ce->instance_role.s);
			ok = false;
		}
		add_bool(o, "has_instance_role", ip[0] != '\0');
		add_str(o, "instance_profile_id", ip);
		add_str(o, "instance_role_id", role ?
				cJSON_GetObjectItemCaseSensitive(role,
					"logical_id")->valuestring : "");
		struct tagset t = { 0 };
		tagset_kvs(&t, &m->tags);
		tagset_kvs(&t, &ce->tags);
		tagset_put(&t, STACK_TAG_KEY, m->stack_name.s);
		tagset_emit(o, "instance_tags", &t);
		/* Every compute environment reaches the shared storage: its
		 * instances, and the Fargate tasks of a Fargate one, carry the
		 * security group the mount targets take NFS from. The tag
		 * tells the boot script of a launch template that mounts it
		 * which file system to mount. */
		const struct gw_launch_template *lt = ce->launch_template.s ?
			gw_model_launch_template(m, ce->launch_template.s) :
			NULL;
		add_bool(o, "nfs_client", m->shared_storage.present);
		add_bool(o, "mounts_shared_storage", m->shared_storage.present &&
				is_ec2_type(type) && lt &&
				lt->user_data.present &&
				lt->user_data.shared_storage.v);
	}
	finish_list(root, "compute_environments", arr);
	return ok;
}

static bool build_queues(const struct gw_model *m, cJSON *root,
		struct ids *ids, struct gw_diags *d)
{
	bool ok = true;
	const cJSON *ces = cJSON_GetObjectItemCaseSensitive(root,
			"compute_environments");
	cJSON *arr = add_arr(root, "job_queues");
	for (size_t i = 0; i < m->n_queues; i++) {
		const struct gw_queue *q = &m->queues[i];
		cJSON *o = push_obj(arr);
		add_str(o, "name", q->name.s);
		add_label(o, q->name.s);
		add_str(o, "logical_id", ids_take(ids, q->name.s, "JobQueue"));
		add_int(o, "priority", q->priority.v);
		add_bool(o, "head", q->head.v);
		/* miniwdl-aws-submit finds the task queues in the workflow
		 * queue's tags (miniwdl-aws README; miniwdl-aws-terraform
		 * tags its workflow queue the same way). */
		struct tagset t = { 0 };
		tagset_kvs(&t, &m->tags);
		const struct gw_miniwdl *mw = &m->miniwdl;
		if (m->engine == GW_ENGINE_MINIWDL && mw->present &&
				mw->workflow_queue.s && q->name.s &&
				strcmp(mw->workflow_queue.s, q->name.s) == 0) {
			if (mw->task_queue.s) {
				tagset_put(&t, "DefaultTaskQueue",
						mw->task_queue.s);
			}
			if (mw->task_queue_fallback.s) {
				tagset_put(&t, "DefaultTaskQueueFallback",
						mw->task_queue_fallback.s);
			}
		}
		tagset_emit(o, "tags", &t);
		add_bool(o, "has_runnable_timeout", q->runnable_timeout.v > 0);
		add_int(o, "runnable_timeout", q->runnable_timeout.v);
		cJSON *reasons = add_arr(o, "runnable_timeout_reasons");
		for (size_t j = 0; j < GW_ARRAY_LEN(runnable_timeout_reasons);
				j++) {
			add_str(push_obj(reasons), "reason",
					runnable_timeout_reasons[j]);
		}
		cJSON *order = add_arr(o, "compute_environments");
		for (size_t j = 0; j < q->n_ces; j++) {
			const char *id = id_of(ces, q->ces[j].ce.s);
			if (!id) {
				gw_diag_error(d, q->ces[j].loc, "'%s' names no "
						"compute environment",
						q->ces[j].ce.s);
				ok = false;
				continue;
			}
			cJSON *e = push_obj(order);
			add_str(e, "name", q->ces[j].ce.s);
			add_str(e, "id", id);
			add_int(e, "order", q->ces[j].order.set ?
					q->ces[j].order.v : (long long)j + 1);
		}
		finish_list(o, "compute_environments", order);
	}
	finish_list(root, "job_queues", arr);
	return ok;
}

static bool build_job_defs(const struct gw_model *m, cJSON *root,
		struct ids *ids, struct gw_diags *d)
{
	bool ok = true;
	const cJSON *roles = cJSON_GetObjectItemCaseSensitive(root, "roles");
	cJSON *arr = add_arr(root, "job_definitions");
	for (size_t i = 0; i < m->n_job_defs; i++) {
		const struct gw_job_def *j = &m->job_defs[i];
		cJSON *o = push_obj(arr);
		add_str(o, "name", j->name.s);
		add_label(o, j->name.s);
		add_str(o, "logical_id", ids_take(ids, j->name.s,
				"JobDefinition"));
		add_str(o, "image", j->image.s);
		/* ResourceRequirements VCPU is a string: "0.25" and "0.5"
		 * are Fargate's fractions (Batch API ResourceRequirement). */
		char vcpus[32];
		snprintf(vcpus, sizeof(vcpus), "%lld", j->vcpus.v);
		add_int(o, "vcpus", j->vcpus.v);
		add_str(o, "vcpus_value", j->fractional_vcpus.s ?
				j->fractional_vcpus.s : vcpus);
		/* Fargate: PlatformCapabilities FARGATE, an execution role
		 * (the profile's, or the one gwgen creates), the network
		 * configuration and the platform version (Batch
		 * job_definition_parameters.md). */
		bool fargate = gw_model_job_on_fargate(m, j);
		add_bool(o, "fargate", fargate);
		add_str(o, "platform", fargate ? "FARGATE" : "EC2");
		char exec_name[GW_VIEW_NAME_MAX];
		struct gw_str exec = j->execution_role;
		if (fargate && !exec.s &&
				gw_model_execution_role(m, exec_name,
					sizeof(exec_name))) {
			exec = (struct gw_str){.s = exec_name, .loc = j->loc};
		}
		if (!fargate) {
			exec = (struct gw_str){0};
		}
		ok = add_ref(o, "execution_role", roles, &exec, d) && ok;
		add_str(o, "assign_public_ip", j->assign_public_ip.v ?
				"ENABLED" : "DISABLED");
		add_str(o, "platform_version", j->platform_version.s ?
				j->platform_version.s : "LATEST");
		add_int(o, "memory_mib", j->memory_mib.v);
		add_bool(o, "has_gpus", j->gpus.v > 0);
		add_int(o, "gpus", j->gpus.v);
		add_strs(o, "command", &j->command);
		add_int(o, "attempts", j->attempts.v);
		add_bool(o, "has_timeout", j->timeout.v > 0);
		add_int(o, "timeout", j->timeout.v);
		ok = add_ref(o, "job_role", roles, &j->job_role, d) && ok;
		add_kvs(o, "environment", &j->environment);
		const char *lg = j->log_group.s ? j->log_group.s :
			DEFAULT_JOB_LOG_GROUP;
		add_str(o, "log_group", lg);
		/* A group the stack creates is referenced, so CloudFormation
		 * creates it before the job definition; not Batch's shared
		 * default group, which the stack creates only when asked
		 * (a Ref to a resource whose condition is false fails). */
		const char *node = id_of(cJSON_GetObjectItemCaseSensitive(root,
					"log_groups"), lg);
		const char *lg_id = strcmp(lg, DEFAULT_JOB_LOG_GROUP) == 0 ?
			NULL : node;
		/* Batch's default group needs no LogConfiguration: without
		 * one, Batch sends the job's output there through awslogs and
		 * creates the group itself where no job has run yet, which it
		 * is not documented to do for a group a job definition names
		 * (the awslogs driver fails on a missing group). */
		add_bool(o, "has_log_config",
				strcmp(lg, DEFAULT_JOB_LOG_GROUP) != 0);
		add_bool(o, "has_log_group_ref", lg_id != NULL);
		add_str(o, "log_group_id", lg_id ? lg_id : "");
		/* The summary's diagram links the group either way. */
		add_bool(o, "has_log_group_node", node != NULL);
		add_str(o, "log_group_node", node ? node : "");
		add_str(o, "queue", j->queue.s);
		add_bool(o, "efs_volume", m->shared_storage.present &&
				j->shared_storage.v);
		add_str(o, "shared_volume", SHARED_VOLUME_NAME);
	}
	finish_list(root, "job_definitions", arr);
	return ok;
}

static void build_log_groups(const struct gw_model *m, cJSON *root,
		struct ids *ids)
{
	const struct gw_log_group *shared = gw_model_log_group(m,
			DEFAULT_JOB_LOG_GROUP);
	cJSON *j = add_obj(root, "job_log_group");
	add_bool(j, "present", shared != NULL);
	add_str(j, "name", DEFAULT_JOB_LOG_GROUP);
	add_int(j, "retention_days", shared ? shared->retention_days.v : 0);
	add_bool(add_obj(root, "conditions"), "present",
			m->network.custom_ami.v || shared ||
			m->shared_storage.present);
	cJSON *arr = add_arr(root, "log_groups");
	for (size_t i = 0; i < m->n_log_groups; i++) {
		const struct gw_log_group *g = &m->log_groups[i];
		cJSON *o = push_obj(arr);
		add_str(o, "name", g->name.s);
		add_label(o, g->name.s);
		add_str(o, "logical_id", ids_take(ids, g->name.s, "LogGroup"));
		add_int(o, "retention_days", g->retention_days.v);
		/* 'compliance: hipaa': encrypted with the stack's key. */
		add_bool(o, "stack_key", m->hipaa);
		add_str(o, "key_id", cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(root, "kms"),
				"logical_id")->valuestring);
		/*
		 * Batch's default group is account-wide: the first job of any
		 * workload creates it, so a stack that always created it would
		 * fail in most accounts, and deleting the stack would delete
		 * every other workload's logs. The stack creates it only when
		 * the deployer says it does not exist yet, and keeps it.
		 */
		add_bool(o, "shared", g == shared);
	}
	finish_list(root, "log_groups", arr);
}

/* A Groovy identifier can name a config block without quotes. */
static bool is_groovy_name(const char *s)
{
	if (!s || !(isalpha((unsigned char)s[0]) || s[0] == '_')) {
		return false;
	}
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s) && *s != '_') {
			return false;
		}
	}
	return true;
}

/* Nextflow memory: "N MB" (Nextflow's MemoryUnit counts MB in 1024s). */
static void add_memory(cJSON *o, const char *key, long long mib)
{
	char *s = mib % MIB_PER_GIB == 0 ?
		gw_xasprintf("%lld GB", mib / MIB_PER_GIB) :
		gw_xasprintf("%lld MB", mib);
	add_str(o, key, s);
	free(s);
}

static void add_opt_str(cJSON *o, const char *key, const struct gw_str *s)
{
	char *has = gw_xasprintf("has_%s", key);
	put_dup(o, has, cJSON_CreateBool(s->s && s->s[0]));
	add_str(o, key, s->s);
	free(has);
}

static void add_opt_int(cJSON *o, const char *key, const struct gw_int *v)
{
	char *has = gw_xasprintf("has_%s", key);
	put_dup(o, has, cJSON_CreateBool(v->set && v->v > 0));
	add_int(o, key, v->v);
	free(has);
}

static bool build_nextflow(const struct gw_model *m, cJSON *root,
		struct gw_diags *d)
{
	bool ok = true;
	const struct gw_nextflow *nf = &m->nextflow;
	cJSON *o = add_obj(root, "nextflow");
	add_bool(o, "present", nf->present);
	add_str(o, "queue", nf->queue.s);
	char *work = gw_xasprintf("s3://%s/%s", m->bucket.name.s ?
			m->bucket.name.s : "", nf->work_dir.s ?
			nf->work_dir.s : "work");
	add_str(o, "work_dir", work);
	free(work);
	add_opt_str(o, "cli_path", &nf->cli_path);
	add_int(o, "max_spot_attempts", nf->max_spot_attempts.v);
	add_opt_int(o, "max_parallel_transfers", &nf->max_parallel_transfers);
	add_opt_int(o, "max_cpus", &nf->max_cpus);
	add_bool(o, "has_max_memory", nf->max_memory_mib.v > 0);
	add_memory(o, "max_memory", nf->max_memory_mib.v);
	add_bool(o, "has_params", nf->max_cpus.v > 0 ||
			nf->max_memory_mib.v > 0);
	add_opt_str(o, "log_group", &nf->log_group);
	add_opt_str(o, "storage_class", &nf->storage_class);
	add_opt_str(o, "storage_encryption", &nf->storage_encryption);
	add_opt_int(o, "max_connections", &nf->max_connections);
	add_opt_int(o, "connection_timeout", &nf->connection_timeout);
	add_opt_str(o, "retry_mode", &nf->retry_mode);
	add_opt_str(o, "s3_acl", &nf->s3_acl);
	/* Nextflow's rate syntax, "N/1s": N jobs per second. */
	char *rate = gw_xasprintf("%lld/1s", (long long)nf->submit_rate.v);
	add_str(o, "submit_rate_limit", rate);
	free(rate);
	add_int(o, "queue_size", nf->queue_size.v);
	/* spot_fallback (NF11, NF12): maxRetries defaults to N, the fewest
	 * retries that reach attempt N + 1, the first on the fallback. */
	const struct gw_nf_spot_fallback *fb = &nf->spot_fallback;
	cJSON *f = add_obj(o, "spot_fallback");
	add_bool(f, "present", fb->present);
	add_str(f, "queue", fb->queue.s);
	add_int(f, "after_attempts", fb->after_attempts.v);
	add_int(f, "max_retries", fb->max_retries.set ? fb->max_retries.v :
			fb->after_attempts.v);
	/* Fargate (Nextflow config reference: aws.batch.platformType, and
	 * aws.batch.executionRole, "mandatory when using AWS Fargate
	 * platform type"): the ARN of gwgen's execution role, which needs
	 * the account (rule NF10). */
	bool fargate = gw_model_nextflow_on_fargate(m);
	char exec_name[GW_VIEW_NAME_MAX];
	add_bool(o, "fargate", fargate);
	bool has_exec = fargate && m->account_id.s &&
		gw_model_execution_role(m, exec_name, sizeof(exec_name));
	add_bool(o, "has_execution_role", has_exec);
	if (has_exec) {
		char *arn = gw_xasprintf("arn:%s:iam::%s:role/%s",
				m->partition ? m->partition : "aws",
				m->account_id.s, exec_name);
		add_str(o, "execution_role", arn);
		free(arn);
	} else {
		add_str(o, "execution_role", "");
	}
	add_bool(o, "has_client", (nf->storage_class.s && nf->storage_class.s[0]) ||
			(nf->s3_acl.s && nf->s3_acl.s[0]) ||
			(nf->storage_encryption.s && nf->storage_encryption.s[0]) ||
			nf->max_connections.v > 0 || nf->connection_timeout.v > 0);
	add_opt_str(o, "config_profile", &nf->config_profile);
	add_bool(o, "config_profile_is_name", is_groovy_name(nf->config_profile.s));
	cJSON *arr = add_arr(o, "processes");
	for (size_t i = 0; i < nf->n_processes; i++) {
		const struct gw_nf_process *p = &nf->processes[i];
		const char *sel = p->selector.s ? p->selector.s : "";
		const char *colon = strchr(sel, ':');
		bool by_name = gw_has_prefix(sel, "withName:");
		if (!colon || !(by_name || gw_has_prefix(sel, "withLabel:")) ||
				!colon[1]) {
			gw_diag_error(d, p->selector.loc, "selector must be "
					"'withName:NAME' or 'withLabel:LABEL', "
					"got '%s'", sel);
			ok = false;
			continue;
		}
		cJSON *e = push_obj(arr);
		add_str(e, "kind", by_name ? "withName" : "withLabel");
		add_str(e, "pattern", colon + 1);
		add_opt_int(e, "cpus", &p->cpus);
		add_bool(e, "has_memory", p->memory_mib.v > 0);
		add_memory(e, "memory", p->memory_mib.v);
		add_opt_str(e, "queue", &p->queue);
		add_opt_str(e, "disk", &p->disk);
	}
	finish_list(o, "processes", arr);
	return ok;
}

static void build_nextstrain(const struct gw_model *m, cJSON *root)
{
	const struct gw_nextstrain *ns = &m->nextstrain;
	cJSON *o = add_obj(root, "nextstrain");
	add_bool(o, "present", ns->present);
	add_str(o, "job_definition", ns->job_definition.s);
	add_str(o, "queue", ns->queue.s);
	add_opt_int(o, "cpus", &ns->cpus);
	add_opt_int(o, "memory_mib", &ns->memory_mib);
}

/*
 * Cromwell's AWS Batch backend (client/cromwell.conf): the queue by ARN
 * ("default-runtime-attributes { queueArn }", Cromwell AwsBatch101 and the
 * AWS backend README: "All the AWS Batch backend needs to know is what is
 * the ARN for the job Queue"), so CR1 requires the account_id.
 */
static void build_cromwell(const struct gw_model *m, cJSON *root)
{
	const struct gw_cromwell *cr = &m->cromwell;
	cJSON *o = add_obj(root, "cromwell");
	add_bool(o, "present", cr->present);
	const char *queue = cr->queue.s ? cr->queue.s : "";
	add_str(o, "queue", queue);
	char *v = gw_xasprintf("arn:%s:batch:%s:%s:job-queue/%s",
			m->partition ? m->partition : "aws",
			m->region.s ? m->region.s : "",
			m->account_id.s ? m->account_id.s : "*", queue);
	add_str(o, "queue_arn", v);
	free(v);
	v = gw_xasprintf("s3://%s/%s", m->bucket.name.s ? m->bucket.name.s : "",
			cr->root_prefix.s ? cr->root_prefix.s :
			"cromwell-execution");
	add_str(o, "root", v);
	free(v);
}

/*
 * scripts/run-head.sh: the head job's definition and queue, and its
 * command as the JSON list that `aws batch submit-job
 * --container-overrides` takes (the script appends PIPELINE and ARGS).
 */
static void build_head_job(const struct gw_model *m, cJSON *root)
{
	const struct gw_job_def *j = gw_model_head_job(m);
	cJSON *o = add_obj(root, "head_job");
	add_bool(o, "present", j != NULL);
	add_str(o, "job_definition", j ? j->name.s : "");
	add_str(o, "queue", j ? j->queue.s : "");
	add_str(o, "job_role", j && j->job_role.s ? j->job_role.s : "");
	cJSON *cmd = cJSON_CreateArray();
	for (size_t i = 0; j && i < j->command.n; i++) {
		cJSON_AddItemToArray(cmd,
				cJSON_CreateString(j->command.v[i].s));
	}
	char *json = cJSON_PrintUnformatted(cmd);
	add_str(o, "command_json", json);
	free(json);
	cJSON_Delete(cmd);
}

/*
 * The Snakemake profile (client/snakemake/config.yaml). The AWS Batch
 * executor plugin takes the queue and the job role as ARNs
 * (snakemake-executor-plugin-aws-batch ExecutorSettings: "The AWS Batch
 * task queue ARN", "The AWS job role ARN"); the stack names both, so their
 * ARNs are known once the profile has its account_id (SM1 requires it).
 */
static void build_snakemake(const struct gw_model *m, cJSON *root)
{
	const struct gw_snakemake *sm = &m->snakemake;
	cJSON *o = add_obj(root, "snakemake");
	add_bool(o, "present", sm->present);
	const char *account = m->account_id.s ? m->account_id.s : "*";
	const char *queue = sm->queue.s ? sm->queue.s : "";
	const char *role = sm->job_role.s ? sm->job_role.s : "";
	const char *prefix = sm->storage_prefix.s ? sm->storage_prefix.s :
		"snakemake";
	add_str(o, "queue", queue);
	add_str(o, "job_role", role);
	char *v = gw_xasprintf("arn:%s:batch:%s:%s:job-queue/%s",
			m->partition ? m->partition : "aws",
			m->region.s ? m->region.s : "", account, queue);
	add_str(o, "queue_arn", v);
	free(v);
	v = gw_xasprintf("arn:%s:iam::%s:role/%s",
			m->partition ? m->partition : "aws", account, role);
	add_str(o, "job_role_arn", v);
	free(v);
	v = gw_xasprintf("s3://%s/%s", m->bucket.name.s ? m->bucket.name.s : "",
			prefix);
	add_str(o, "storage_prefix", v);
	free(v);
	add_int(o, "jobs", sm->jobs.v);
}

/* EFS LifecyclePolicy TransitionToIA for 'days' (EFS API
 * LifecyclePolicy: AFTER_1_DAY, AFTER_7_DAYS ... AFTER_365_DAYS); free() it. */
static char *ia_transition(long long days)
{
	return days == 1 ? gw_xstrdup("AFTER_1_DAY") :
		gw_xasprintf("AFTER_%lld_DAYS", days);
}

/* One resource of the shared storage: its logical ID and its tags (the
 * profile's, a Name, and the stack tag). */
static cJSON *add_storage_part(const struct gw_model *m, cJSON *o,
		const char *key, struct ids *ids, const char *suffix,
		const char *name, const char *what)
{
	cJSON *p = add_obj(o, key);
	add_str(p, "logical_id", ids_take(ids, "", suffix));
	char *full = gw_xasprintf("%s-%s", m->stack_name.s, name);
	struct tagset t = { 0 };
	tagset_kvs(&t, &m->tags);
	tagset_put(&t, "Name", full);
	tagset_put(&t, STACK_TAG_KEY, m->stack_name.s);
	tagset_emit(p, "tags", &t);
	add_str(p, "name", full);
	/* A security group description takes letters, digits, spaces and
	 * ._-:/()#,@[]+=&;{}!$* (EC2 CreateSecurityGroup); the stack name is
	 * [A-Za-z0-9-]. */
	char *desc = gw_xasprintf("%s of stack %s", what, m->stack_name.s);
	add_str(p, "description", desc);
	free(desc);
	free(full);
	return p;
}

/*
 * Shared storage: one EFS file system, encrypted, with a mount target in
 * each of the first GW_LIM_EFS_MOUNT_TARGETS_MAX subnets of the Subnets
 * parameter (one per Availability Zone, EFS CreateMountTarget), whose
 * security group takes NFS only from the client security group every
 * compute environment gets. The subnets are a parameter, so the first
 * mount target is unconditional and the others exist when the list has
 * that many: the list joined, padded with empty items and split again
 * (CloudFormation has no length function without a transform).
 */
static void build_shared_storage(const struct gw_model *m, cJSON *root,
		struct ids *ids)
{
	const struct gw_shared_storage *s = &m->shared_storage;
	cJSON *o = add_obj(root, "shared_storage");
	add_bool(o, "present", s->present);
	add_str(o, "mount_point", s->mount_point.s ? s->mount_point.s :
			"/mnt/efs");
	add_str(o, "tag_key", GW_FILE_SYSTEM_TAG_KEY);
	add_int(o, "nfs_port", NFS_PORT);
	cJSON *mts = add_arr(o, "mount_targets");
	if (!s->present) {
		finish_list(o, "mount_targets", mts);
		return;
	}
	cJSON *fs = add_storage_part(m, o, "file_system", ids,
			"SharedFileSystem", "shared-storage",
			"Shared storage");
	add_storage_part(m, o, "mount_target_sg", ids,
			"SharedStorageSecurityGroup", "shared-storage-mount-targets",
			"EFS mount targets - NFS in from the compute environments");
	add_storage_part(m, o, "client_sg", ids,
			"SharedStorageClientSecurityGroup", "shared-storage-clients",
			"Compute environments - NFS out to the EFS mount targets");
	add_str(o, "ingress_id", ids_take(ids, "", "SharedStorageNfsIngress"));
	add_str(o, "egress_id", ids_take(ids, "", "SharedStorageNfsEgress"));
	add_str(o, "id", cJSON_GetObjectItem(fs, "logical_id")->valuestring);
	add_str(o, "performance_mode", s->performance_mode.s ?
			s->performance_mode.s : "generalPurpose");
	const char *tm = s->throughput_mode.s ? s->throughput_mode.s :
		"elastic";
	add_str(o, "throughput_mode", tm);
	bool provisioned = strcmp(tm, "provisioned") == 0;
	add_bool(o, "has_provisioned", provisioned);
	add_int(o, "provisioned_mibps", s->provisioned_mibps.v);
	add_bool(o, "has_ia", s->ia_days.v > 0);
	char *ia = ia_transition(s->ia_days.v);
	add_str(o, "ia", ia);
	free(ia);
	add_bool(o, "primary_on_access", s->primary_on_access.v);
	add_bool(o, "has_lifecycle", s->ia_days.v > 0 ||
			s->primary_on_access.v);
	add_str(o, "backup", s->backup.v ? "ENABLED" : "DISABLED");
	add_bool(o, "retain", s->retain.v);
	struct gw_buf pad;
	gw_buf_init(&pad);
	for (int i = 2; i < GW_LIM_EFS_MOUNT_TARGETS_MAX; i++) {
		gw_buf_putc(&pad, ',');
	}
	add_str(o, "subnet_padding", gw_buf_str(&pad));
	gw_buf_finish(&pad);
	for (int i = 0; i < GW_LIM_EFS_MOUNT_TARGETS_MAX; i++) {
		cJSON *e = push_obj(mts);
		char *suffix = gw_xasprintf("SharedStorageMountTarget%d", i + 1);
		const char *id = ids_take(ids, "", suffix);
		add_str(e, "logical_id", id);
		if (i == 0) {
			add_str(o, "first_mount_target", id);
		}
		free(suffix);
		suffix = gw_xasprintf("SharedStorageSubnet%d", i + 1);
		add_str(e, "condition", i > 0 ? ids_take(ids, "", suffix) : "");
		free(suffix);
		add_int(e, "index", i);
		add_int(e, "number", i + 1);
		add_bool(e, "conditional", i > 0);
	}
	finish_list(o, "mount_targets", mts);
	add_int(o, "max_mount_targets", GW_LIM_EFS_MOUNT_TARGETS_MAX);
}

/*
 * miniwdl with miniwdl-aws (client/miniwdl.cfg, scripts/run-miniwdl.sh):
 * the no-EFS backend (aws_batch_job_no_efs), since the stack's instances
 * mount the shared storage themselves, so miniwdl needs only the queues
 * and the mount point, which the profile names (miniwdl-aws README,
 * "FSx for Lustre and other shared filesystems"; miniwdl_aws.cfg).
 */
static void build_miniwdl(const struct gw_model *m, cJSON *root)
{
	const struct gw_miniwdl *mw = &m->miniwdl;
	cJSON *o = add_obj(root, "miniwdl");
	add_bool(o, "present", mw->present);
	add_str(o, "workflow_queue", mw->workflow_queue.s);
	add_str(o, "task_queue", mw->task_queue.s);
	add_bool(o, "has_fallback", mw->task_queue_fallback.s != NULL);
	add_str(o, "task_queue_fallback", mw->task_queue_fallback.s);
	add_str(o, "mount_point", m->shared_storage.mount_point.s ?
			m->shared_storage.mount_point.s : "/mnt/efs");
	bool upload = m->bucket.present && m->bucket.name.s;
	add_bool(o, "has_s3upload", upload);
	char *v = gw_xasprintf("s3://%s/%s", upload ? m->bucket.name.s : "",
			mw->output_prefix.s ? mw->output_prefix.s : "miniwdl");
	add_str(o, "s3upload", v);
	free(v);
}

/* Names the template's parameters and conditions take; a resource's logical
 * ID must differ from them (CFN "Template anatomy": one namespace). */
static const char *const reserved_ids[] = {
	"Subnets", "SecurityGroupIds", "VpcId", "KeyPair", "ImageId",
	"HasCustomAmi", "CreateJobLogGroup", "CreatesJobLogGroup",
};

bool gw_view_build(const struct gw_model *m, cJSON *root, struct gw_diags *d)
{
	struct ids ids = { 0 };
	bool ok = true;
	for (size_t i = 0; i < GW_ARRAY_LEN(reserved_ids); i++) {
		gw_grow((void **)&ids.v, &ids.cap, ids.n + 1, sizeof(*ids.v));
		ids.v[ids.n++] = gw_xstrdup(reserved_ids[i]);
	}
	build_profile(m, root);
	start_kms(m, root, &ids);
	build_bucket(m, root, &ids);
	build_shared_storage(m, root, &ids);
	build_policies(m, root, &ids);
	ok = build_roles(m, root, &ids, d) && ok;
	ok = build_groups_users(m, root, &ids, d) && ok;
	build_launch_templates(m, root, &ids);
	ok = build_compute_envs(m, root, &ids, d) && ok;
	ok = build_queues(m, root, &ids, d) && ok;
	build_log_groups(m, root, &ids);
	build_kms(m, root);
	link_policy_log_groups(m, root);
	ok = build_job_defs(m, root, &ids, d) && ok;
	ok = build_nextflow(m, root, d) && ok;
	build_nextstrain(m, root);
	build_snakemake(m, root);
	build_head_job(m, root);
	build_cromwell(m, root);
	build_miniwdl(m, root);
	gw_view_nag(m, root);
	finish_list(root, "uploads", add_arr(root, "uploads"));
	finish_list(root, "warnings", add_arr(root, "warnings"));
	cJSON *t = add_obj(root, "template");
	add_int(t, "bytes", 0);
	add_int(t, "inline_max", GW_LIM_TEMPLATE_INLINE_MAX);
	add_bool(t, "needs_s3", false);
	ids_finish(&ids);
	return ok;
}

/* Replace o[key] with 'item'. */
static void set_item(cJSON *o, const char *key, cJSON *item)
{
	if (cJSON_GetObjectItemCaseSensitive(o, key)) {
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, item);
	} else {
		put(o, key, item);
	}
}

/*
 * A cJSON string of the 'n' bytes at 's', copied once: cJSON_CreateString
 * would need a NUL-terminated copy to copy again. The item owns the copy
 * (not a reference, so cJSON_Delete frees it with the hooks' free, which
 * is what gw_xstrndup's memory is freed with: gw_cjson_init).
 */
static cJSON *string_of(const char *s, size_t n)
{
	cJSON *item = cJSON_CreateStringReference("");
	item->valuestring = gw_xstrndup(s, n);
	item->type = cJSON_String;
	return item;
}

void gw_view_set_user_data(cJSON *root, size_t lt, const char *file,
		const char *mime, size_t len)
{
	cJSON *lts = cJSON_GetObjectItemCaseSensitive(root, "launch_templates");
	cJSON *o = cJSON_GetArrayItem(lts, (int)lt);
	assert(o);
	cJSON *ud = cJSON_CreateObject();
	add_str(ud, "file", file);
	cJSON *lines = add_arr(ud, "lines");
	/* One object per line of a MIME archive of hundreds of lines: its
	 * text is copied once, straight into the string item. */
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (mime[i] != '\n') {
			continue;
		}
		cJSON *e = push_obj(lines);
		put(e, "text", string_of(mime + start, i - start));
		add_bool(e, "blank", i == start);
		start = i + 1;
	}
	/* User data always ends with a newline (userdata.h); a missing one
	 * would be kept as a last line without it, which the template's
	 * literal block cannot express, and the CFN check reports it. */
	if (start < len) {
		put(push_obj(lines), "text", string_of(mime + start,
					len - start));
	}
	set_item(o, "user_data", ud);
}

void gw_view_add_upload(cJSON *root, const char *local, const char *key)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "uploads");
	cJSON *e = push_obj(arr);
	add_str(e, "local", local);
	add_str(e, "key", key);
	cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		cJSON_DeleteItemFromObjectCaseSensitive(it, "first");
		cJSON_DeleteItemFromObjectCaseSensitive(it, "last");
	}
	cJSON_DeleteItemFromObjectCaseSensitive(root, "has_uploads");
	finish_list(root, "uploads", arr);
}

void gw_view_set_template_size(cJSON *root, size_t bytes)
{
	cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "template");
	set_item(t, "bytes", cJSON_CreateNumber((double)bytes));
	set_item(t, "needs_s3", cJSON_CreateBool(
			bytes > GW_LIM_TEMPLATE_INLINE_MAX));
}

/*
 * 'path' made absolute against the working directory (when it can be read)
 * and normalised: no empty, "." or ".." components. The caller frees it.
 */
static char *absolute_path(const char *path)
{
	char cwd[PATH_MAX];
	char *text = path[0] != '/' && getcwd(cwd, sizeof(cwd)) ?
		gw_xasprintf("%s/%s", cwd, path) : gw_xstrdup(path);
	/* The kept components, pointing into 'text'. */
	const char **parts = gw_xcalloc(strlen(text) / 2 + 1, sizeof(*parts));
	size_t n = 0;
	for (char *c = text, *next; c; c = next) {
		next = strchr(c, '/');
		if (next) {
			*next++ = '\0';
		}
		if (!*c || strcmp(c, ".") == 0) {
			continue;
		}
		if (strcmp(c, "..") == 0 && n && strcmp(parts[n - 1], "..")) {
			n--;
			continue;
		}
		parts[n++] = c;
	}
	struct gw_buf out;
	gw_buf_init(&out);
	for (size_t i = 0; i < n; i++) {
		gw_buf_printf(&out, "/%s", parts[i]);
	}
	free(parts);
	free(text);
	return gw_buf_detach(&out, NULL);
}

/* Length of 'path' without its last 'n' components. */
static size_t strip_components(const char *path, size_t len, int n)
{
	for (; n > 0 && len; n--) {
		while (len && path[len - 1] != '/') {
			len--;
		}
		if (len) {
			len--;
		}
	}
	return len;
}

/*
 * How the summary names 'file': relative to the directory above the one
 * holding 'top' (the profile given on the command line), so that the usual
 * layout shows "profiles/NAME.yaml" wherever gwgen runs and whichever way
 * the profile was named. A file outside that directory (a parent profile
 * elsewhere) is shown as its directory's name and its own.
 */
static const char *summary_path(const char *file, const char *top,
		char **owned)
{
	char *f = absolute_path(file);
	char *t = absolute_path(top);
	size_t root = strip_components(t, strlen(t), 2);
	const char *shown = f + strip_components(f, strlen(f), 2) + 1;
	if (strncmp(f, t, root) == 0 && f[root] == '/') {
		shown = f + root + 1;
	}
	free(t);
	*owned = f;
	return shown;
}

void gw_view_add_warnings(cJSON *root, const struct gw_model *m,
		const struct gw_diags *d)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "warnings");
	for (size_t i = 0; i < d->n; i++) {
		const struct gw_diag *w = &d->v[i];
		if (w->sev != GW_SEV_WARNING) {
			continue;
		}
		cJSON *e = push_obj(arr);
		/* Never the absolute path a profile may have been given by. */
		const char *file = w->loc.file ? w->loc.file : "";
		char *owned = NULL;
		if (*file) {
			file = summary_path(file, m->n_files ? m->files[0] :
					file, &owned);
		}
		char *text = w->loc.line ? gw_xasprintf("%s:%u:%u: %s%s%s%s",
				file, w->loc.line, w->loc.col, w->msg,
				w->rule ? " [" : "", w->rule ? w->rule : "",
				w->rule ? "]" : "") :
			gw_xasprintf("%s", w->msg);
		free(owned);
		add_str(e, "text", text);
		free(text);
	}
	cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		cJSON_DeleteItemFromObjectCaseSensitive(it, "first");
		cJSON_DeleteItemFromObjectCaseSensitive(it, "last");
	}
	cJSON_DeleteItemFromObjectCaseSensitive(root, "has_warnings");
	finish_list(root, "warnings", arr);
}
