/* SPDX-License-Identifier: MIT */
/*
 * The stack family of rules: the stack as a whole (C2, C3, C4), region and
 * literal partitions (A1), Fn::Sub variables (L10), the S3 bucket (N1,
 * N2, S9), log groups (N6, N7), tags (N10), SSH (S8) and the compliance
 * level (K1). Each rule is one
 * function over neutral facts; the adapters below fill the facts from a
 * profile's model or from a CloudFormation template.
 */
#include "stack.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_limits.h"
#include "model_facts.h"
#include "cfn.h"
#include "names.h"
#include "util.h"

#define MSG_BYTES 1024
/* Longest value quoted in a tag message, in bytes. */
#define TAG_QUOTE_BYTES 300
#define ACCOUNT_ID_DIGITS 12
#define SSH_PORT 22
/* NFS, which EFS mount targets serve (EFS User Guide, "Using VPC security
 * groups"). */
#define NFS_PORT 2049
/*
 * The tag gwgen adds to every resource (view.c's STACK_TAG_KEY; deploy.sh
 * passes it with the profile tags as stack tags, which CloudFormation
 * copies to each resource), so it counts against the 50.
 */
#define GWGEN_STACK_TAG "gwgen:stack"

/* ==== rules ============================================================== */

/* ---- the stack as a whole (C2) ------------------------------------------ */

static void check_stack_name(struct gw_rule_ctx *rc, const char *s,
                             struct gw_loc at)
{
	const char *hint = "stack names start with a letter and have only "
	                   "letters, digits and '-', at most 128";
	size_t len = strlen(s);
	const char *p = s;
	if (!isalpha((unsigned char)*p)) {
		GW_RULE_ERR(rc, C2, at, hint,
		            "stack_name '%s' does not start with a letter", s);
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
			GW_RULE_ERR(rc, C2, at, hint,
			            "stack_name has %s at byte %zu, which stack "
			            "names do not allow",
			            shown, (size_t)(p - s) + 1);
			return;
		}
	}
	if (len > GW_LIM_STACK_NAME_MAX) {
		GW_RULE_ERR(rc, C2, at, hint,
		            "stack_name is %zu characters, more than the %d "
		            "cloudformation allows",
		            len, GW_LIM_STACK_NAME_MAX);
	}
}

/*
 * The description becomes (or is) the template's Description, and a
 * template needs at least one resource ("Template format error: At least
 * one Resources member must be defined"); CFN quotas bound the sections.
 */
void gw_rule_stack(struct gw_rule_ctx *rc, const struct gw_stack_facts *f)
{
	if (f->stack_name) {
		check_stack_name(rc, f->stack_name, f->stack_name_at);
	}
	size_t len = f->description ? strlen(f->description) : 0;
	if (len > GW_LIM_TEMPLATE_DESCRIPTION_MAX) {
		GW_RULE_ERR(rc, C2, f->description_at, "shorten it",
		            "description is %zu bytes, more than the %d a "
		            "cloudformation template allows",
		            len, GW_LIM_TEMPLATE_DESCRIPTION_MAX);
	}
	for (size_t i = 0; i < f->n_sections; i++) {
		const struct gw_stack_section *s = &f->sections[i];
		if (s->need_one && s->n == 0) {
			GW_RULE_ERR(rc, C2, s->at, s->hint,
			            "%s defines no %s, and a cloudformation "
			            "template needs at least one",
			            f->owner, s->what);
		} else if (s->max && s->n > s->max) {
			GW_RULE_ERR(rc, C2, s->at,
			            "split the template into nested stacks",
			            "%s has %zu %s, more than the %zu "
			            "cloudformation accepts",
			            f->owner, s->n, s->what, s->max);
		}
	}
}

/* ---- tags (N10) --------------------------------------------------------- */

static void check_tag_text(struct gw_rule_ctx *rc, const char *owner,
                           const char *s, struct gw_loc at, const char *key,
                           bool is_key)
{
	struct gw_names_tag_problem p;
	if (!s || gw_names_tag_check(s, is_key, &p)) {
		return; /* intrinsics are not judged */
	}
	char text[TAG_QUOTE_BYTES], kq[TAG_QUOTE_BYTES], why[MSG_BYTES];
	gw_names_quote(s, text, sizeof(text));
	gw_names_quote(key ? key : "?", kq, sizeof(kq));
	const char *hint = gw_names_tag_describe(&p, is_key, why, sizeof(why));
	if (is_key) {
		GW_RULE_ERR(rc, N10, at, hint, "tag key '%s' of %s %s", text,
		            owner, why);
	} else {
		GW_RULE_ERR(rc, N10, at, hint,
		            "value '%s' of tag '%s' on %s %s", text, kq, owner,
		            why);
	}
}

/* AWS tagging rules: keys, values and at most 50 tags per resource. */
void gw_rule_tags(struct gw_rule_ctx *rc, const struct gw_tag_facts *f)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct gw_tag *g = &f->v[i];
		check_tag_text(rc, f->owner, g->key, g->key_at, g->key, true);
		check_tag_text(rc, f->owner, g->value, g->value_at, g->key,
		               false);
	}
	if (f->n_total > GW_LIM_TAGS_MAX) {
		bool gwgen = f->counted && *f->counted;
		GW_RULE_ERR(rc, N10, f->at,
		            gwgen ? "keep at most 49 tags of your own: gwgen "
		                    "adds '" GWGEN_STACK_TAG "'"
		                  : "keep at most 50 tags",
		            "%s has %zu tags%s, more than the %d aws allows",
		            f->owner, f->n_total, f->counted ? f->counted : "",
		            GW_LIM_TAGS_MAX);
	}
}

/* ---- S3 bucket (N1, N2, S9) --------------------------------------------- */

void gw_rule_bucket(struct gw_rule_ctx *rc, const struct gw_bucket_facts *f)
{
	const char *why = f->name ? gw_names_bucket_error(f->name) : NULL;
	if (why) {
		GW_RULE_ERR(rc, N1, f->name_at,
		            "bucket names are 3..63 of [a-z0-9.-], start and "
		            "end alphanumeric, and are unique in the partition",
		            "bucket name '%s' %s", f->name, why);
	} else if (f->name && strchr(f->name, '.')) {
		GW_RULE_WARN(rc, N2, f->name_at, "use '-' instead of '.'",
		             "bucket name '%s' contains '.', which breaks "
		             "virtual-hosted https certificates",
		             f->name);
	}
	static const char *const enc[] = {"sse-s3", "sse-kms"};
	if (f->encryption &&
	    !gw_vm_in_set(f->encryption, enc, GW_ARRAY_LEN(enc))) {
		GW_RULE_ERR(rc, S9, f->encryption_at,
		            "use 'sse-s3' or 'sse-kms'",
		            "bucket encryption '%s' is not 'sse-s3' or "
		            "'sse-kms'",
		            f->encryption);
	}
	if (f->expire_days < 0 || f->abort_multipart_days < 0) {
		GW_RULE_ERR(rc, N1, f->days_at,
		            "use 0 for none or a positive number of days",
		            "bucket lifecycle days must not be negative");
	}
}

/* ---- log groups (N6, N7) ------------------------------------------------ */

void gw_rule_log_group(struct gw_rule_ctx *rc,
                       const struct gw_log_group_facts *f)
{
	const char *why = f->name ? gw_names_log_group_error(f->name) : NULL;
	if (why) {
		GW_RULE_ERR(rc, N6, f->name_at,
		            "log group names are [.\\-_/#A-Za-z0-9]{1,512}",
		            "log group name '%s' %s", f->name, why);
	}
	if (f->no_retention) {
		char hint[MSG_BYTES];
		snprintf(hint, sizeof(hint), "set %s", f->retention_key);
		GW_RULE_WARN(rc, N7, f->at, hint,
		             "log group '%s' keeps its logs forever", f->owner);
	} else if (f->has_retention &&
	           !gw_names_is_retention_days(f->retention)) {
		GW_RULE_ERR(rc, N7, f->retention_at, gw_names_retention_list(),
		            "log group '%s' has %s %lld, which cloudwatch does "
		            "not offer",
		            f->owner, f->retention_key, f->retention);
	}
}

/* ==== profile adapters =================================================== */

void gw_stack_model_stack(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	char owner[MSG_BYTES];
	snprintf(owner, sizeof(owner), "profile '%s'", gw_vm_str_or(&m->name, ""));
	bool name_ok = gw_vm_check_one_line(c, &m->stack_name, "stack_name");
	/* A long description is refused whatever it holds. */
	gw_vm_check_one_line(c, &m->description, "description");
	for (size_t i = 0; i < m->n_policies; i++) {
		gw_vm_check_one_line(c, &m->policies[i].description,
		                     "policy description");
	}
	for (size_t i = 0; i < m->n_roles; i++) {
		gw_vm_check_one_line(c, &m->roles[i].description,
		                     "role description");
	}
	for (size_t i = 0; i < m->n_launch_templates; i++) {
		gw_vm_check_one_line(c, &m->launch_templates[i].description,
		                     "launch template description");
	}
	/* What the template's Resources holds; the rendered template's
	 * count is checked on it (C2 on templates). */
	size_t n = (size_t)m->bucket.present + m->n_policies + m->n_roles +
	           m->n_groups + m->n_launch_templates + m->n_compute_envs +
	           m->n_queues + m->n_job_defs + m->n_log_groups;
	struct gw_stack_facts f = {
	        .owner = owner,
	        .at = m->name.loc,
	        .description = m->description.s,
	        .description_at = m->description.loc,
	        .stack_name = name_ok ? m->stack_name.s : NULL,
	        .stack_name_at = m->stack_name.loc,
	        .sections = {{.what = "resources", .n = n, .need_one = true,
	                      .hint = "define a bucket, a role, a compute "
	                              "environment, ...",
	                      .at = m->name.loc}},
	        .n_sections = 1,
	};
	gw_rule_stack(&c->rc, &f);
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
 * The tags written on 'owner' ('own'; NULL for the profile itself) and
 * the number of tags the resource ends up with: the profile's tags, 'own'
 * (its keys replace equal profile keys) and gwgen's stack tag.
 */
static void model_tags(struct gw_vctx *c, const struct gw_kvs *own,
                       const char *owner)
{
	const struct gw_kvs *profile = &c->m->tags;
	const struct gw_kvs *tags = own ? own : profile;
	struct gw_tag *v = gw_xcalloc(tags->n ? tags->n : 1, sizeof(*v));
	for (size_t i = 0; i < tags->n; i++) {
		v[i] = (struct gw_tag){.key = tags->v[i].key.s,
		                       .value = tags->v[i].value.s,
		                       .key_at = tags->v[i].key.loc,
		                       .value_at = tags->v[i].value.loc};
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
	struct gw_tag_facts f = {
	        .owner = owner,
	        .at = gw_vm_at(tags->loc, c->m->name.loc),
	        .v = v,
	        .n = tags->n,
	        .n_total = n,
	        .counted = " (counting the profile's, its own and '" GWGEN_STACK_TAG
	                   "')",
	};
	gw_rule_tags(&c->rc, &f);
	free(v);
}

/*
 * Profile tags go on every taggable resource (stack tags); launch
 * templates and compute environments add their own. Queues and job
 * definitions have no tags of their own in the model, so the profile's
 * check covers them.
 */
void gw_stack_model_tags(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	char owner[MSG_BYTES];
	model_tags(c, NULL, "the profile");
	/* The profile's tags are the stack's: deploy.sh passes them as the
	 * items of `aws cloudformation deploy --tags KEY=VALUE...`, a list
	 * that cannot be written --tags=..., so an item starting with '-'
	 * would be read as an option. AWS allows the key; gwgen cannot pass
	 * it. */
	for (size_t i = 0; i < m->tags.n; i++) {
		const struct gw_str *k = &m->tags.v[i].key;
		if (k->s && k->s[0] == '-') {
			GW_RULE_ERR(&c->rc, N10, k->loc,
			            "start the key with a letter or digit",
			            "profile tag key '%s' starts with '-', which "
			            "the aws cli would read as an option of "
			            "'aws cloudformation deploy --tags' "
			            "(deploy.sh)",
			            k->s);
		}
	}
	for (size_t i = 0; i < m->n_launch_templates; i++) {
		const struct gw_launch_template *lt = &m->launch_templates[i];
		snprintf(owner, sizeof(owner), "launch template '%s'",
		         gw_vm_str_or(&lt->name, "?"));
		model_tags(c, &lt->tags, owner);
	}
	for (size_t i = 0; i < m->n_compute_envs; i++) {
		const struct gw_compute_env *ce = &m->compute_envs[i];
		snprintf(owner, sizeof(owner), "compute environment '%s'",
		         gw_vm_str_or(&ce->name, "?"));
		model_tags(c, &ce->tags, owner);
	}
}

/* A1 has no template form beyond the literal scan (a template's region is
 * the stack's); A9's account_id is the profile's own. */
void gw_stack_model_region(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	if (!m->region.s) {
		return; /* the loader requires it */
	}
	const char *p, *dns;
	if (!gw_partition_for_region(m->region.s, &p, &dns)) {
		GW_RULE_ERR(&c->rc, A1, m->region.loc,
		            "write a region such as 'us-west-2'",
		            "region '%s' matches no aws partition", m->region.s);
		return;
	}
	if (m->partition && strcmp(m->partition, p) != 0) {
		GW_RULE_ERR(&c->rc, A1, m->region.loc, NULL,
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
			GW_RULE_ERR(&c->rc, A9, m->account_id.loc,
			            "account IDs are 12 digits",
			            "account_id '%s' is not 12 digits", acct);
		}
	}
}

void gw_stack_model_bucket(struct gw_vctx *c)
{
	const struct gw_bucket *b = &c->m->bucket;
	if (!b->present) {
		return;
	}
	struct gw_bucket_facts f = {
	        .name = gw_vm_check_one_line(c, &b->name, "bucket name")
	                        ? b->name.s
	                        : NULL,
	        .name_at = b->name.loc,
	        .encryption = b->encryption.s,
	        .encryption_at = b->encryption.loc,
	        .expire_days = b->expire_days.v,
	        .abort_multipart_days = b->abort_multipart_days.v,
	        .days_at = gw_vm_at(b->expire_days.v < 0
	                                    ? b->expire_days.loc
	                                    : b->abort_multipart_days.loc,
	                            b->loc),
	};
	gw_rule_bucket(&c->rc, &f);
}

/*
 * K1: 'compliance: hipaa' encrypts the bucket with the stack's own KMS
 * key, whose policy lets S3 use it only for the profile's roles and users
 * (view.c, build_kms), and keeps the bucket's history and access log. A
 * setting that undoes one of those is an error; provisioning scripts,
 * which deploy.sh uploads as whoever deploys, a warning.
 */
void gw_stack_model_compliance(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	const struct gw_bucket *b = &m->bucket;
	if (!m->hipaa) {
		return;
	}
	if (b->present && b->encryption.set && b->encryption.s &&
	    strcmp(b->encryption.s, "sse-s3") == 0) {
		GW_RULE_ERR(&c->rc, K1, b->encryption.loc,
		            "remove 'encryption' (or use 'sse-kms')",
		            "bucket encryption 'sse-s3' with compliance "
		            "'hipaa', which encrypts the bucket with the stack's "
		            "KMS key");
	}
	const struct {
		const struct gw_bool *v;
		const char *key, *what;
	} kept[] = {
	        {&b->versioning, "versioning",
	         "old versions, so an overwrite or a delete can be undone"},
	        {&b->access_logging, "access_logging",
	         "the server access log (who read or wrote which object)"},
	};
	for (size_t i = 0; b->present && i < GW_ARRAY_LEN(kept); i++) {
		if (kept[i].v->set && !kept[i].v->v) {
			char hint[MSG_BYTES];
			snprintf(hint, sizeof(hint), "remove '%s: false'",
			         kept[i].key);
			GW_RULE_ERR(&c->rc, K1, kept[i].v->loc, hint,
			            "bucket %s off with compliance 'hipaa', "
			            "which keeps %s",
			            kept[i].key, kept[i].what);
		}
	}
	const struct gw_str *se = &m->nextflow.storage_encryption;
	if (m->nextflow.present && se->s && se->s[0]) {
		GW_RULE_ERR(&c->rc, K1, se->loc,
		            "remove 'storage_encryption': the bucket's default "
		            "encryption applies the stack's key",
		            "storage_encryption '%s' with compliance 'hipaa': "
		            "Nextflow's uploads would ask S3 for %s instead of "
		            "the stack's key, and the bucket policy refuses them",
		            se->s, strcmp(se->s, "AES256") == 0 ? "SSE-S3" :
		            "S3's AWS managed key");
	}
	for (size_t i = 0; b->present && i < m->n_launch_templates; i++) {
		const struct gw_provision *p =
		        &m->launch_templates[i].user_data.provision;
		if (p->present) {
			GW_RULE_WARN(&c->rc, K1, p->loc,
			             "run deploy.sh as one of the profile's users "
			             "whose policies write the bucket",
			             "deploy.sh uploads the provisioning scripts "
			             "as the deployer, and the stack's KMS key "
			             "(compliance 'hipaa') lets only the profile's "
			             "roles and users write the bucket");
			return;
		}
	}
}

void gw_stack_model_log_groups(struct gw_vctx *c)
{
	struct gw_name_list seen = {.kind = "log group"};
	for (size_t i = 0; i < c->m->n_log_groups; i++) {
		const struct gw_log_group *g = &c->m->log_groups[i];
		struct gw_log_group_facts f = {
		        .owner = gw_vm_str_or(&g->name, "?"),
		        .name = gw_vm_check_one_line(c, &g->name,
		                                     "log group name")
		                        ? g->name.s
		                        : NULL,
		        .name_at = g->name.loc,
		        .retention_key = "retention_days",
		        /* 0 is the loader's "not set": its default applies. */
		        .has_retention = g->retention_days.set ||
		                         g->retention_days.v != 0,
		        .retention = g->retention_days.v,
		        .retention_at = gw_vm_at(g->retention_days.loc, g->loc),
		        .at = g->loc,
		};
		gw_rule_log_group(&c->rc, &f);
		gw_vm_check_unique(c, &g->name, &seen, GW_RULE_N6);
	}
}

void gw_stack_model_log_ref(struct gw_vctx *c, const struct gw_str *ref,
                            const char *owner_kind, const char *owner,
                            enum gw_rule rule)
{
	if (!ref->s || strcmp(ref->s, "/aws/batch/job") == 0) {
		return;
	}
	const char *why = gw_names_log_group_error(ref->s);
	if (why) {
		GW_RULE_ERR(&c->rc, N6, ref->loc, NULL,
		            "log group '%s' of %s '%s' %s", ref->s, owner_kind,
		            owner, why);
	} else if (!gw_model_log_group(c->m, ref->s)) {
		gw_rule_report(&c->rc, rule, GW_SEV_WARNING, ref->loc,
		               "define it under 'log_groups:'",
		               "%s '%s' logs to '%s', which the profile does "
		               "not create",
		               owner_kind, owner, ref->s);
	}
}

/* ==== template adapters ================================================== */

void gw_stack_cfn_document(struct gw_cfn *t, yaml_node_t *root)
{
	static const struct {
		const char *key, *what;
		size_t max;
	} sections[] = {
	        {"Resources", "resources", GW_LIM_TEMPLATE_RESOURCES_MAX},
	        {"Parameters", "Parameters", GW_LIM_TEMPLATE_PARAMETERS_MAX},
	        {"Outputs", "Outputs", GW_LIM_TEMPLATE_OUTPUTS_MAX},
	        {"Mappings", "Mappings", GW_LIM_TEMPLATE_MAPPINGS_MAX},
	};
	_Static_assert(GW_ARRAY_LEN(sections) ==
	                       GW_ARRAY_LEN(((struct gw_stack_facts *)0)->sections),
	               "one facts row per section");
	yaml_node_t *desc = gw_cfn_get(t, root, "Description");
	struct gw_stack_facts f = {
	        .owner = "template",
	        .at = gw_cfn_loc(t, root),
	        .description = gw_cfn_scalar(desc),
	        .description_at = gw_cfn_loc(t, desc),
	        .n_sections = GW_ARRAY_LEN(sections),
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(sections); i++) {
		yaml_node_t *n = gw_cfn_get(t, root, sections[i].key);
		bool resources = i == 0;
		f.sections[i] = (struct gw_stack_section){
		        .what = sections[i].what,
		        .n = gw_cfn_map_len(n),
		        .max = sections[i].max,
		        .need_one = resources,
		        .hint = "add a Resources section",
		        .at = resources && gw_cfn_map_len(n) == 0
		                      ? gw_cfn_loc(t, root)
		                      : gw_cfn_loc(t, n),
		};
	}
	gw_rule_stack(&t->rc, &f);
}

static bool is_alnum_id(const char *s)
{
	if (!*s) {
		return false;
	}
	for (const char *p = s; *p; p++) {
		if (!isalnum((unsigned char)*p)) {
			return false;
		}
	}
	return true;
}

/* C3: CFN "Resources": logical IDs are alphanumeric, unique, and (CFN
 * quotas) at most 255 characters. Templates only: gwgen derives the
 * rendered IDs itself. */
void gw_stack_cfn_logical_id(struct gw_cfn *t, yaml_node_t *key, size_t pos)
{
	const char *logical = gw_cfn_scalar(key);
	const char *hint = "use 1..255 letters and digits";
	if (!is_alnum_id(logical)) {
		GW_RULE_ERR(&t->rc, C3, gw_cfn_loc(t, key), hint,
		            "logical id '%s' is not alphanumeric", logical);
	} else if (strlen(logical) > GW_LIM_LOGICAL_ID_MAX) {
		GW_RULE_ERR(&t->rc, C3, gw_cfn_loc(t, key), hint,
		            "logical id '%.40s...' is %zu characters long, "
		            "more than the %d cloudformation accepts",
		            logical, strlen(logical), GW_LIM_LOGICAL_ID_MAX);
	}
	/* Once per earlier resource with the same ID. */
	for (size_t k = 0; k < t->dups[pos]; k++) {
		GW_RULE_ERR(&t->rc, C3, gw_cfn_loc(t, key), "rename one of them",
		            "logical id '%s' is defined twice", logical);
	}
}

void gw_stack_cfn_finish(struct gw_cfn *t)
{
	if (t->named_iam) {
		struct gw_loc top = {.file = t->file, .line = 1, .col = 1};
		GW_RULE_NOTE(&t->rc, C4, top, NULL,
		             "the template names iam resources, so deploying "
		             "it needs --capabilities CAPABILITY_NAMED_IAM");
	}
}

/* ---- A1: literal partitions --------------------------------------------- */

struct partition_scan {
	const char *logical;
	bool reported;
};

static void scan_partition(struct gw_cfn *t, yaml_node_t *n, void *data)
{
	struct partition_scan *s = data;
	const char *v = gw_cfn_scalar(n);
	const char *hit = v ? strstr(v, "arn:aws:") : NULL;
	if (!hit || s->reported) {
		return;
	}
	s->reported = true;
	const char *end = hit;
	while (*end && !isspace((unsigned char)*end) && *end != '"') {
		end++;
	}
	GW_RULE_WARN(&t->rc, A1, gw_cfn_loc(t, n),
	             "write arn:${AWS::Partition}:... so the template works "
	             "in aws-cn and aws-us-gov",
	             "resource '%s' hard-codes partition 'aws' in '%.*s'",
	             s->logical, (int)(end - hit), hit);
}

/* ---- L10: Fn::Sub variables --------------------------------------------- */

static void check_sub_string(struct gw_cfn *t, yaml_node_t *n, const char *s,
                             yaml_node_t *vars)
{
	for (const char *p = strstr(s, "${"); p; p = strstr(p + 2, "${")) {
		const char *end = strchr(p, '}');
		if (!end) {
			break;
		}
		char name[MSG_BYTES];
		size_t len = (size_t)(end - p - 2);
		if (len >= sizeof(name)) {
			continue;
		}
		memcpy(name, p + 2, len);
		name[len] = '\0';
		/* ${!Literal} and the pseudo parameters (AWS::Region, ...) */
		if (name[0] == '!' || gw_has_prefix(name, "AWS::") ||
		    gw_cfn_get(t, vars, name)) {
			continue;
		}
		char base[MSG_BYTES];
		snprintf(base, sizeof(base), "%s", name);
		char *dot = strchr(base, '.');
		if (dot) {
			*dot = '\0'; /* ${Resource.Attribute} */
		}
		if (gw_cfn_get(t, t->parameters, base) ||
		    gw_cfn_has_resource(t, base)) {
			continue;
		}
		GW_RULE_ERR(&t->rc, L10, gw_cfn_loc(t, n),
		            "escape it as '${!...}' to keep it literal",
		            "!Sub refers to '${%s}', which is no parameter, "
		            "resource or pseudo parameter%s",
		            name,
		            strchr(name, ':') ? " (an iam policy variable?)"
		                              : "");
	}
}

static void walk_subs(struct gw_cfn *t, yaml_node_t *n)
{
	if (!n || ++t->walked > GW_CFN_WALK_MAX) {
		return;
	}
	yaml_node_t *arg = NULL;
	const char *fn = gw_cfn_intrinsic(t, n, &arg);
	if (gw_cfn_is_fn(fn, "Sub")) {
		yaml_node_t *vars = NULL;
		yaml_node_t *text = arg;
		if (gw_cfn_is_seq(arg) && gw_cfn_seq_len(arg) >= 1) {
			text = gw_cfn_seq_at(t, arg, 0);
			vars = gw_cfn_seq_len(arg) > 1 ? gw_cfn_seq_at(t, arg, 1)
			                               : NULL;
		}
		if (gw_cfn_scalar(text)) {
			check_sub_string(t, text, gw_cfn_scalar(text), vars);
		}
	}
	if (n->type == YAML_SEQUENCE_NODE) {
		for (size_t i = 0; i < gw_cfn_seq_len(n); i++) {
			walk_subs(t, gw_cfn_seq_at(t, n, i));
		}
	} else if (n->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			walk_subs(t, gw_cfn_node(t, p->value));
		}
	}
}

/* ---- N10: tags ---------------------------------------------------------- */

/*
 * N10 on a Tags value: a list of {Key, Value} (IAM, S3, EC2, Logs) or a
 * map (Batch). Keys and values with intrinsics are not judged. A template
 * states every tag a resource gets beyond the stack's, so the count is
 * the count written.
 */
static void cfn_tags(struct gw_cfn *t, const char *owner, yaml_node_t *tags)
{
	size_t n = gw_cfn_is_map(tags)   ? gw_cfn_map_len(tags)
	           : gw_cfn_is_seq(tags) ? gw_cfn_seq_len(tags)
	                                 : 0;
	if (!n) {
		return;
	}
	struct gw_tag *v = gw_xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *k, *val;
		if (gw_cfn_is_map(tags)) {
			yaml_node_pair_t *p = &tags->data.mapping.pairs.start[i];
			k = gw_cfn_node(t, p->key);
			val = gw_cfn_node(t, p->value);
		} else {
			yaml_node_t *item = gw_cfn_seq_at(t, tags, i);
			k = gw_cfn_get(t, item, "Key");
			val = gw_cfn_get(t, item, "Value");
		}
		v[i] = (struct gw_tag){.key = gw_cfn_literal(t, k),
		                       .value = gw_cfn_literal(t, val),
		                       .key_at = gw_cfn_loc(t, k),
		                       .value_at = gw_cfn_loc(t, val)};
	}
	struct gw_tag_facts f = {.owner = owner,
	                         .at = gw_cfn_loc(t, tags),
	                         .v = v,
	                         .n = n,
	                         .n_total = n,
	                         .counted = ""};
	gw_rule_tags(&t->rc, &f);
	free(v);
}

void gw_stack_cfn_resource(struct gw_cfn *t, const char *logical,
                           yaml_node_t *r, yaml_node_t *props)
{
	struct partition_scan scan = {.logical = logical};
	gw_cfn_walk(t, r, scan_partition, &scan);
	walk_subs(t, r);
	/* Every Tags of a resource: its own, a compute environment's
	 * instance tags and a launch template's tag specifications. */
	char owner[MSG_BYTES];
	snprintf(owner, sizeof(owner), "'%s'", logical);
	cfn_tags(t, owner, gw_cfn_get(t, props, "Tags"));
	yaml_node_t *cr = gw_cfn_get(t, props, "ComputeResources");
	cfn_tags(t, owner, gw_cfn_get(t, cr, "Tags"));
	yaml_node_t *data = gw_cfn_get(t, props, "LaunchTemplateData");
	yaml_node_t *lists[] = {gw_cfn_get(t, data, "TagSpecifications"),
	                        gw_cfn_get(t, props, "TagSpecifications")};
	for (size_t l = 0; l < GW_ARRAY_LEN(lists); l++) {
		for (size_t i = 0; i < gw_cfn_seq_len(lists[l]); i++) {
			cfn_tags(t, owner,
			         gw_cfn_get(t, gw_cfn_seq_at(t, lists[l], i),
			                    "Tags"));
		}
	}
}

/* ---- resources ---------------------------------------------------------- */

void gw_stack_cfn_bucket(struct gw_cfn *t, const char *logical,
                         yaml_node_t *props)
{
	(void)logical;
	yaml_node_t *name = gw_cfn_get(t, props, "BucketName");
	struct gw_bucket_facts f = {.name = gw_cfn_literal(t, name),
	                            .name_at = gw_cfn_loc(t, name)};
	gw_rule_bucket(&t->rc, &f);
}

void gw_stack_cfn_log_group(struct gw_cfn *t, const char *logical,
                            yaml_node_t *props)
{
	yaml_node_t *name = gw_cfn_get(t, props, "LogGroupName");
	yaml_node_t *ret = gw_cfn_get(t, props, "RetentionInDays");
	struct gw_log_group_facts f = {
	        .owner = logical,
	        .name = gw_cfn_literal(t, name),
	        .name_at = gw_cfn_loc(t, name),
	        .retention_key = "RetentionInDays",
	        .no_retention = ret == NULL,
	        .retention_at = gw_cfn_loc(t, ret),
	        .at = gw_cfn_loc(t, props),
	};
	f.has_retention = gw_cfn_int(t, ret, &f.retention);
	gw_rule_log_group(&t->rc, &f);
}

/* S8: a rule of an AWS::EC2::SecurityGroup's SecurityGroupIngress, or an
 * AWS::EC2::SecurityGroupIngress itself. Templates only: gwgen renders no
 * security group. */
static void check_ingress_rule(struct gw_cfn *t, const char *logical,
                               yaml_node_t *rule)
{
	yaml_node_t *cidr_node = gw_cfn_get(t, rule, "CidrIp");
	const char *cidr = gw_cfn_literal(t, cidr_node);
	yaml_node_t *v6_node = gw_cfn_get(t, rule, "CidrIpv6");
	const char *v6 = gw_cfn_literal(t, v6_node);
	bool world4 = cidr && strcmp(cidr, "0.0.0.0/0") == 0;
	bool world6 = v6 && strcmp(v6, "::/0") == 0;
	long long from = 0, to = 0;
	if (!(world4 || world6)) {
		return;
	}
	bool ports = gw_cfn_int(t, gw_cfn_get(t, rule, "FromPort"), &from) &&
	             gw_cfn_int(t, gw_cfn_get(t, rule, "ToPort"), &to);
	/* FS7: EFS takes NFS from the clients' security groups. Protocol
	 * -1 is every protocol and port. */
	const char *proto = gw_cfn_literal(t, gw_cfn_get(t, rule, "IpProtocol"));
	bool all = proto && strcmp(proto, "-1") == 0;
	bool tcp = !proto || strcmp(proto, "tcp") == 0 ||
	           strcmp(proto, "6") == 0;
	if (all || (tcp && ports && from <= NFS_PORT && to >= NFS_PORT)) {
		GW_RULE_WARN(&t->rc, FS7,
		             gw_cfn_loc(t, world4 ? cidr_node : v6_node),
		             "allow nfs only from the clients' security group "
		             "(SourceSecurityGroupId)",
		             "'%s' opens nfs (tcp 2049) to the whole internet",
		             logical);
	}
	if (!world4 || !ports) {
		return;
	}
	if (from <= SSH_PORT && to >= SSH_PORT) {
		GW_RULE_WARN(&t->rc, S8, gw_cfn_loc(t, cidr_node),
		             "use ssm session manager, or limit the source "
		             "range",
		             "'%s' opens ssh (port 22) to the whole internet",
		             logical);
	}
}

void gw_stack_cfn_security_group(struct gw_cfn *t, const char *logical,
                                 yaml_node_t *props)
{
	yaml_node_t *in = gw_cfn_get(t, props, "SecurityGroupIngress");
	for (size_t i = 0; i < gw_cfn_seq_len(in); i++) {
		check_ingress_rule(t, logical, gw_cfn_seq_at(t, in, i));
	}
	if (gw_cfn_get(t, props, "CidrIp") || gw_cfn_get(t, props, "CidrIpv6")) {
		check_ingress_rule(t, logical, props);
	}
}
