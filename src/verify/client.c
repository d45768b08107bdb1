/* SPDX-License-Identifier: MIT */
/*
 * The client configuration rules (NF*, NS*, SM*, CR*, MW*): what gwgen renders
 * for Nextflow, Nextstrain, Snakemake, Cromwell and miniwdl must name the profile's queues, job
 * definitions and roles and fit their compute environments. Profiles only: a
 * CloudFormation template carries no client configuration.
 */
#include "stack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_limits.h"
#include "buf.h"
#include "iam.h"
#include "model_facts.h"
#include "util.h"


static const struct gw_queue *need_queue(struct gw_vctx *c, const struct gw_str *q,
                                         struct gw_loc owner, enum gw_rule rule,
                                         const char *what)
{
	if (!q->s) {
		gw_rule_report(&c->rc, rule, GW_SEV_ERROR, owner, "name one of the profile's job queues",
		    "%s has no queue", what);
		return NULL;
	}
	const struct gw_queue *queue = gw_model_queue(c->m, q->s);
	if (!queue) {
		gw_rule_report(&c->rc, rule, GW_SEV_ERROR, q->loc, "define it under 'job_queues:'",
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
	GW_RULE_ERR(&c->rc, NF7, sel->loc, "write 'withName:NAME' or 'withLabel:LABEL'",
	    "selector must be 'withName:NAME' or 'withLabel:LABEL', got "
	    "'%s'", s);
}

/* The profile names 'engine' but has no section for it ('rule'). */
static void section_missing(struct gw_vctx *c, enum gw_engine engine,
                            enum gw_rule rule, const char *name,
                            const char *hint)
{
	if (c->m->engine == engine) {
		gw_rule_report(&c->rc, rule, GW_SEV_ERROR,
		               c->m->engine_name.loc, hint,
		               "engine is %s but the profile has no %s section",
		               name, name);
	}
}

/*
 * The value lists below are Nextflow's own (nextflow-io/nextflow, commit
 * 2aad02f, 2026-08-21): docs/reference/config/aws.mdx and the config
 * classes of plugins/nf-amazon that read them. tests/unit/test_nextflow_values.c
 * holds them to that reference, typed from it, not from this file.
 */

/*
 * aws.batch.retryMode: "one of standard, legacy, adaptive, or built-in"
 * (aws.mdx); AwsBatchConfig takes 'built-in' as Nextflow's own retries and
 * checks the rest against AwsOptions.VALID_RETRY_MODES (legacy, standard,
 * adaptive, the AWS CLI's retry modes).
 */
static const char *const nf_retry_modes[] = {
	"legacy", "standard", "adaptive", "built-in",
};

static void check_nf_retry_mode(struct gw_vctx *c, const struct gw_str *v)
{
	if (v->s && !gw_vm_in_set(v->s, nf_retry_modes,
	                          GW_ARRAY_LEN(nf_retry_modes))) {
		GW_RULE_ERR(&c->rc, NF6, v->loc,
		    "use legacy, standard, adaptive or built-in",
		    "retry_mode '%s' is unknown", v->s);
	}
}

/*
 * aws.client.uploadStorageClass: aws.mdx lists STANDARD, STANDARD_IA,
 * ONEZONE_IA and INTELLIGENT_TIERING; AwsS3Config.parseStorageClass also
 * takes REDUCED_REDUNDANCY, with a warning that it is deprecated and costs
 * more than STANDARD, and drops anything else with a warning (the upload
 * then uses STANDARD, not what the profile asked for).
 */
static const char *const nf_storage_classes[] = {
	"STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
};
#define NF_DEPRECATED_STORAGE_CLASS "REDUCED_REDUNDANCY"

static void check_nf_storage_class(struct gw_vctx *c, const struct gw_str *v)
{
	if (!v->s || gw_vm_in_set(v->s, nf_storage_classes,
	                          GW_ARRAY_LEN(nf_storage_classes))) {
		return;
	}
	if (strcmp(v->s, NF_DEPRECATED_STORAGE_CLASS) == 0) {
		GW_RULE_WARN(&c->rc, NF6, v->loc,
		    "use STANDARD, or INTELLIGENT_TIERING for data kept long",
		    "storage_class '%s' is deprecated and costs more than "
		    "STANDARD (nextflow warns about it too)", v->s);
		return;
	}
	GW_RULE_ERR(&c->rc, NF6, v->loc,
	    "use STANDARD, STANDARD_IA, ONEZONE_IA or INTELLIGENT_TIERING",
	    "storage_class '%s' is not an upload storage class "
	    "nextflow accepts", v->s);
}

/*
 * aws.client.s3Acl: AwsHelper.parseS3Acl reads a canned ACL written in
 * UpperCamel ('BucketOwnerFullControl') or as S3 spells it
 * ('bucket-owner-full-control') into the AWS SDK's ObjectCannedACL, and
 * fails the run on anything else. Since Nextflow 25.06 (AWS SDK v2,
 * nextflow-io/nextflow#6165) that enum has the seven object ACLs of S3's
 * PutObject x-amz-acl; aws.mdx still lists LogDeliveryWrite, a bucket-only
 * ACL SDK v1 had, which 25.06 and later refuse.
 */
static const char *const nf_s3_acls[][2] = {
	{"Private", "private"},
	{"PublicRead", "public-read"},
	{"PublicReadWrite", "public-read-write"},
	{"AuthenticatedRead", "authenticated-read"},
	{"AwsExecRead", "aws-exec-read"},
	{"BucketOwnerRead", "bucket-owner-read"},
	{"BucketOwnerFullControl", "bucket-owner-full-control"},
};
/* The one ACL a bucket with ACLs disabled takes (below). */
#define NF_OWNER_ACL 6

/* The index of 'acl' in nf_s3_acls (either spelling), or -1. */
static int nf_s3_acl_index(const char *acl)
{
	for (size_t i = 0; i < GW_ARRAY_LEN(nf_s3_acls); i++) {
		if (strcmp(acl, nf_s3_acls[i][0]) == 0 ||
		    strcmp(acl, nf_s3_acls[i][1]) == 0) {
			return (int)i;
		}
	}
	return -1;
}

static void check_nf_s3_acl(struct gw_vctx *c, const struct gw_str *v)
{
	if (!v->s) {
		return;
	}
	int i = nf_s3_acl_index(v->s);
	if (i < 0) {
		GW_RULE_ERR(&c->rc, NF6, v->loc,
		    "use BucketOwnerFullControl, or leave s3_acl out",
		    "s3_acl '%s' is not a canned acl nextflow accepts",
		    v->s);
	} else if (i != NF_OWNER_ACL) {
		/* gwgen's bucket always has ObjectOwnership
		 * BucketOwnerEnforced: "All S3 PUT requests must either
		 * specify the bucket-owner-full-control canned ACL or not
		 * specify an ACL" (S3 User Guide, Object Ownership,
		 * "Troubleshooting": AccessControlListNotSupported). */
		GW_RULE_ERR(&c->rc, NF6, v->loc,
		    "use BucketOwnerFullControl, or leave s3_acl out",
		    "s3_acl '%s': the bucket has ACLs disabled "
		    "(BucketOwnerEnforced), so S3 refuses every upload "
		    "nextflow makes with it", v->s);
	}
}

/* ---- Spot first, then on-demand (NF11, NF12) ------------------------------ */

/* What capacity a queue reaches, over the compute environments the
 * profile defines. */
struct queue_reach {
	const char *spot;      /* a SPOT or FARGATE_SPOT CE, or NULL */
	const char *fargate;   /* a FARGATE or FARGATE_SPOT CE, or NULL */
	const char *ec2;       /* an EC2 or SPOT CE, or NULL */
	const char *arch[GW_ARCH_ARM64 + 1]; /* a CE of each architecture */
};

static void queue_reach(struct gw_vctx *c, const struct gw_queue *q,
                        struct queue_reach *r)
{
	*r = (struct queue_reach){0};
	for (size_t i = 0; i < q->n_ces; i++) {
		const struct gw_compute_env *ce = q->ces[i].ce.s ?
		        gw_model_compute_env(c->m, q->ces[i].ce.s) : NULL;
		if (!ce) {
			continue; /* Q9 */
		}
		enum gw_ce_type k = gw_vm_ce_type(ce);
		const char *name = gw_vm_str_or(&ce->name, "?");
		if (k == GW_CE_SPOT || k == GW_CE_FARGATE_SPOT) {
			r->spot = r->spot ? r->spot : name;
		}
		if (gw_ce_is_fargate(k)) {
			r->fargate = r->fargate ? r->fargate : name;
		} else if (k != GW_CE_UNKNOWN) {
			r->ec2 = r->ec2 ? r->ec2 : name;
		}
		struct gw_type_selection info;
		gw_vm_describe_ce(&c->types, ce, &info);
		for (int a = GW_ARCH_X86_64; a <= GW_ARCH_ARM64; a++) {
			if (info.arch[a] && !r->arch[a]) {
				r->arch[a] = name;
			}
		}
	}
}

/* NF11: both queues, and what each reaches. 'first' is nextflow.queue
 * (NULL when NF1 refused it), 'back' the fallback queue. */
static void check_fallback_queues(struct gw_vctx *c,
                                  const struct gw_nextflow *nf,
                                  const struct gw_queue *first,
                                  const struct gw_queue *back)
{
	const struct gw_nf_spot_fallback *fb = &nf->spot_fallback;
	struct queue_reach a, b;
	queue_reach(c, back, &b);
	if (b.spot) {
		GW_RULE_ERR(&c->rc, NF11, fb->queue.loc,
		    "name a queue whose compute environments are all EC2 "
		    "(or FARGATE)",
		    "spot_fallback queue '%s' reaches spot compute "
		    "environment '%s', so a task moved there can be "
		    "reclaimed again", fb->queue.s, b.spot);
	}
	if (!first) {
		return;
	}
	queue_reach(c, first, &a);
	if (!a.spot) {
		GW_RULE_ERR(&c->rc, NF11, fb->loc,
		    "set nextflow.queue to the spot queue, or drop "
		    "spot_fallback",
		    "nextflow queue '%s' reaches no spot compute environment, "
		    "so spot_fallback has no spot attempts to fall back from",
		    nf->queue.s);
		return;
	}
	if ((a.fargate != NULL) != (b.fargate != NULL) &&
	    (a.fargate || a.ec2) && (b.fargate || b.ec2)) {
		GW_RULE_ERR(&c->rc, NF11, fb->queue.loc,
		    "fall back from SPOT to EC2, or from FARGATE_SPOT to "
		    "FARGATE",
		    "spot_fallback queue '%s' runs on %s and nextflow queue "
		    "'%s' on %s, but nextflow.config has one "
		    "aws.batch.platformType for both", fb->queue.s,
		    b.fargate ? "fargate" : "ec2", nf->queue.s,
		    a.fargate ? "fargate" : "ec2");
	}
	for (int x = GW_ARCH_X86_64; x <= GW_ARCH_ARM64; x++) {
		int y = x == GW_ARCH_X86_64 ? GW_ARCH_ARM64 : GW_ARCH_X86_64;
		if (a.arch[x] && !a.arch[y] && b.arch[y] && !b.arch[x]) {
			GW_RULE_ERR(&c->rc, NF11, fb->queue.loc,
			    "use compute environments of one architecture "
			    "in both queues",
			    "spot_fallback queue '%s' runs %s instances "
			    "(%s) and nextflow queue '%s' %s ones (%s); a "
			    "task's container image is built for one",
			    fb->queue.s, gw_arch_name(y), b.arch[y],
			    nf->queue.s, gw_arch_name(x), a.arch[x]);
			break;
		}
	}
}

/*
 * NF11 and NF12. The closure `queue = { task.attempt > N ? FALLBACK : QUEUE }`
 * (Nextflow docs, "Dynamic directives": any directive may be a closure,
 * evaluated for each task; task.attempt counts from 1) moves a task only
 * when Nextflow retries it: errorStrategy 'retry' ("When a task fails,
 * retry it") with maxRetries, "the maximum number of times a task can be
 * retried", at least N. The fallback queue is returned (NULL: refused).
 */
static const struct gw_queue *check_spot_fallback(struct gw_vctx *c,
                                                  const struct gw_nextflow *nf,
                                                  const struct gw_queue *first)
{
	const struct gw_nf_spot_fallback *fb = &nf->spot_fallback;
	if (!fb->present) {
		return NULL;
	}
	long long n = fb->after_attempts.v;
	if (n < 1 || n > GW_LIM_ATTEMPTS_MAX) {
		GW_RULE_ERR(&c->rc, NF12, gw_vm_at(fb->after_attempts.loc,
		                                   fb->loc),
		    "use 1 (the first attempt on spot) up to 10",
		    "spot_fallback after_attempts %lld is not in 1..%d", n,
		    GW_LIM_ATTEMPTS_MAX);
	} else if (fb->max_retries.set && fb->max_retries.v < n) {
		GW_RULE_ERR(&c->rc, NF12, fb->max_retries.loc,
		    "set max_retries to after_attempts or more (or leave it "
		    "out: it defaults to after_attempts)",
		    "spot_fallback max_retries %lld is below after_attempts "
		    "%lld: nextflow gives up before attempt %lld, the first "
		    "on queue '%s'", fb->max_retries.v, n, n + 1,
		    gw_vm_str_or(&fb->queue, "?"));
	}
	const struct gw_queue *back = need_queue(c, &fb->queue, fb->loc,
	                                         GW_RULE_NF11,
	                                         "nextflow spot_fallback");
	if (back) {
		check_fallback_queues(c, nf, first, back);
	}
	return back;
}

void gw_client_model_nextflow(struct gw_vctx *c)
{
	const struct gw_nextflow *nf = &c->m->nextflow;
	if (!nf->present) {
		section_missing(c, GW_ENGINE_NEXTFLOW, GW_RULE_NF1, "nextflow",
		                "add a 'nextflow:' section");
		return;
	}
	const struct gw_queue *q =
	        need_queue(c, &nf->queue, nf->loc, GW_RULE_NF1, "nextflow");
	/* A task of the default queue may run on the fallback queue too:
	 * what it asks for must fit both. */
	const struct gw_queue *back = check_spot_fallback(c, nf, q);
	/* NF10: Nextflow on Fargate needs aws.batch.executionRole, an ARN,
	 * so the account (Nextflow config reference). */
	if (q && gw_model_nextflow_on_fargate(c->m) && !c->m->account_id.s) {
		GW_RULE_ERR(&c->rc, NF10, nf->queue.loc,
		            "set account_id, so nextflow.config can name the "
		            "execution role's arn",
		            "nextflow queue '%s' reaches fargate, where nextflow "
		            "needs aws.batch.executionRole, an arn with the "
		            "account id the profile does not give",
		            nf->queue.s);
	}
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
		if (!p->queue.s && back) {
			gw_vm_check_fit(c, &r, back);
		}
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
		for (size_t i = 0; i < 2; i++) {
			const struct gw_queue *fit = i == 0 ? q : back;
			if (fit && nf->max_cpus.v > 0) {
				gw_vm_check_fit(c, &cpus, fit);
			}
			if (fit && nf->max_memory_mib.v > 0) {
				gw_vm_check_fit(c, &mem, fit);
			}
		}
	}
	if (nf->max_spot_attempts.v < 0 ||
	    nf->max_spot_attempts.v > GW_LIM_ATTEMPTS_MAX) {
		GW_RULE_ERR(&c->rc, NF4, nf->max_spot_attempts.loc,
		    "use 0 (none) up to 10: nextflow submits it as the job's "
		    "retry attempts",
		    "max_spot_attempts %lld is not in 0..%d",
		    nf->max_spot_attempts.v, GW_LIM_ATTEMPTS_MAX);
	}
	if (nf->cli_path.s) {
		const char *p = nf->cli_path.s;
		if (p[0] != '/' || !gw_has_suffix(p, "/aws")) {
			GW_RULE_ERR(&c->rc, NF5, nf->cli_path.loc,
			    "e.g. "
			    "/usr/local/aws-cli/v2/current/bin/aws",
			    "cli_path '%s' is not an absolute path to "
			    "the 'aws' binary",
			    p);
		} else if (gw_has_prefix(p, "/usr/bin/") ||
		           gw_has_prefix(p, "/bin/") ||
		           gw_has_prefix(p, "/usr/local/bin/")) {
			GW_RULE_WARN(&c->rc, NF5, nf->cli_path.loc,
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
		GW_RULE_ERR(&c->rc, NF6, nf->storage_encryption.loc,
		    "use AES256 or "
		    "aws:kms",
		    "storage_encryption '%s' is unknown",
		    nf->storage_encryption.s);
	}
	check_nf_retry_mode(c, &nf->retry_mode);
	check_nf_storage_class(c, &nf->storage_class);
	check_nf_s3_acl(c, &nf->s3_acl);
	gw_stack_model_log_ref(c, &nf->log_group, "nextflow", "logsGroup",
	                       GW_RULE_NF6);
}

void gw_client_model_nextstrain(struct gw_vctx *c)
{
	const struct gw_nextstrain *ns = &c->m->nextstrain;
	if (!ns->present) {
		section_missing(c, GW_ENGINE_NEXTSTRAIN, GW_RULE_NS1, "nextstrain",
		                "add a 'nextstrain:' section");
		return;
	}
	const struct gw_queue *q =
	        need_queue(c, &ns->queue, ns->loc, GW_RULE_NS1, "nextstrain");
	if (!ns->job_definition.s) {
		GW_RULE_ERR(&c->rc, NS1, ns->loc,
		    "name one of the profile's job "
		    "definitions",
		    "nextstrain has no job_definition");
	} else if (!gw_model_job_def(c->m, ns->job_definition.s)) {
		GW_RULE_ERR(&c->rc, NS1, ns->job_definition.loc,
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

/* ---- Snakemake (SM*) ------------------------------------------------------- */

/*
 * What a role's policy must allow on: a resource of 'kind' whose value
 * matches 'value' (IAM wildcards in the policy's pattern), or the bucket
 * itself for GW_RES_BUCKET. Resource "*" covers everything. Literal ARNs
 * are not resolved: the profile's own forms are what gwgen writes.
 */
struct want_resource {
	enum gw_res_kind kind;
	const char *value;
};

static bool resource_covers(const struct gw_resource *r,
                            const struct want_resource *w)
{
	if (r->kind == GW_RES_ANY) {
		return true;
	}
	if (r->kind != w->kind) {
		return false;
	}
	return w->kind == GW_RES_BUCKET ||
	       gw_iam_glob(gw_vm_str_or(&r->value, ""), w->value);
}

/* Whether one of 'role's policies has an Allow statement with an action
 * matching 'action' on a resource covering 'w'. */
static bool role_allows(const struct gw_model *m, const struct gw_role *role,
                        const char *action, const struct want_resource *w)
{
	for (size_t i = 0; i < role->policies.n; i++) {
		const struct gw_policy *p =
		        gw_model_policy(m, role->policies.v[i].s);
		for (size_t j = 0; p && j < p->n_statements; j++) {
			const struct gw_statement *st = &p->statements[j];
			if (st->effect.s && strcmp(st->effect.s, "Allow") != 0) {
				continue;
			}
			bool acts = false;
			for (size_t k = 0; k < st->actions.n && !acts; k++) {
				acts = st->actions.v[k].s &&
				       gw_iam_glob(st->actions.v[k].s, action);
			}
			for (size_t k = 0; acts && k < st->n_resources; k++) {
				if (resource_covers(&st->resources[k], w)) {
					return true;
				}
			}
		}
	}
	return false;
}

/* Whether one of 'role's policies allows 'action' on some resource. */
static bool role_has_action(const struct gw_model *m, const struct gw_role *role,
                            const char *action)
{
	for (size_t i = 0; i < role->policies.n; i++) {
		const struct gw_policy *p =
		        gw_model_policy(m, role->policies.v[i].s);
		for (size_t j = 0; p && j < p->n_statements; j++) {
			const struct gw_statement *st = &p->statements[j];
			if (st->effect.s && strcmp(st->effect.s, "Allow") != 0) {
				continue;
			}
			for (size_t k = 0; k < st->actions.n; k++) {
				if (st->actions.v[k].s &&
				    gw_iam_glob(st->actions.v[k].s, action)) {
					return true;
				}
			}
		}
	}
	return false;
}

/* The S3 form of role_allows: objects under 'key', or the bucket (NULL). */
static bool role_allows_s3(const struct gw_model *m, const struct gw_role *role,
                           const char *action, const char *key)
{
	struct want_resource w = {
	        .kind = key ? GW_RES_OBJECTS : GW_RES_BUCKET,
	        .value = key ? key : "",
	};
	return role_allows(m, role, action, &w);
}

/*
 * SM3: what Snakemake's jobs do with the job role. Every job runs
 * `snakemake` in its container with the default storage provider s3
 * (snakemake-storage-plugin-s3): it lists the prefix, reads its inputs
 * and writes its outputs there, and the ECS agent hands it the role only
 * when the role trusts ecs-tasks.amazonaws.com (Batch "IAM roles for
 * tasks", the job role).
 */
static void check_snakemake_role(struct gw_vctx *c, const struct gw_str *ref,
                                 const struct gw_role *role, const char *prefix)
{
	if (!gw_vm_role_trusts(role, "ecs-tasks")) {
		GW_RULE_ERR(&c->rc, SM3, ref->loc,
		    "add 'ecs-tasks' to the role's 'trust:'",
		    "snakemake job role '%s' is not trusted by ecs-tasks, so "
		    "Batch jobs cannot assume it", ref->s);
	}
	/* A key under the prefix, as the storage plugin writes them. */
	char *key = gw_xasprintf("%s/gwgen/probe", prefix);
	static const char *const object_actions[] = {
	        "s3:GetObject", "s3:PutObject",
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(object_actions); i++) {
		if (!role_allows_s3(c->m, role, object_actions[i], key)) {
			GW_RULE_ERR(&c->rc, SM3, ref->loc,
			    "give the role a policy allowing it on "
			    "'bucket/PREFIX/*' (or 'bucket/*')",
			    "snakemake job role '%s' cannot %s under the storage "
			    "prefix 's3://%s/%s/'",
			    ref->s, object_actions[i],
			    gw_vm_str_or(&c->m->bucket.name, "?"), prefix);
		}
	}
	if (!role_allows_s3(c->m, role, "s3:ListBucket", NULL)) {
		GW_RULE_ERR(&c->rc, SM3, ref->loc,
		    "give the role a policy allowing s3:ListBucket on 'bucket'",
		    "snakemake job role '%s' cannot list the bucket '%s'",
		    ref->s, gw_vm_str_or(&c->m->bucket.name, "?"));
	}
	free(key);
}

/* A storage prefix is a relative S3 key prefix: no leading or trailing '/',
 * no empty segment, and characters S3 keys take safely. */
static bool is_key_prefix(const char *s)
{
	if (!*s || s[0] == '/' || s[strlen(s) - 1] == '/' || strstr(s, "//")) {
		return false;
	}
	for (const char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		          (ch >= '0' && ch <= '9') || strchr("/._-", ch);
		if (!ok) {
			return false;
		}
	}
	return true;
}

void gw_client_model_snakemake(struct gw_vctx *c)
{
	const struct gw_snakemake *sm = &c->m->snakemake;
	if (!sm->present) {
		section_missing(c, GW_ENGINE_SNAKEMAKE, GW_RULE_SM1, "snakemake",
		                "add a 'snakemake:' section with 'queue' and 'job_role'");
		return;
	}
	if (!c->m->account_id.s) {
		GW_RULE_ERR(&c->rc, SM1, sm->loc,
		    "set 'account_id:' (12 digits)",
		    "snakemake needs the profile's account_id: the AWS Batch "
		    "executor plugin takes the job role as an ARN");
	}
	const struct gw_queue *q =
	        need_queue(c, &sm->queue, sm->loc, GW_RULE_SM1, "snakemake");
	if (q) {
		size_t reached = 0;
		for (size_t i = 0; i < q->n_ces; i++) {
			if (q->ces[i].ce.s &&
			    gw_model_compute_env(c->m, q->ces[i].ce.s)) {
				reached++;
			}
		}
		if (reached == 0) {
			GW_RULE_ERR(&c->rc, SM2, sm->queue.loc,
			    "connect the queue to a compute environment",
			    "snakemake queue '%s' reaches no compute "
			    "environment the profile defines, so its jobs "
			    "would never run", sm->queue.s);
		}
	}
	const char *prefix = gw_vm_str_or(&sm->storage_prefix, "snakemake");
	bool prefix_ok = is_key_prefix(prefix);
	if (!prefix_ok) {
		GW_RULE_ERR(&c->rc, SM1, sm->storage_prefix.loc,
		    "e.g. 'snakemake' or 'lab/snakemake'",
		    "storage_prefix '%s' is not a relative S3 key prefix "
		    "of [A-Za-z0-9._-] segments", prefix);
	}
	if (!sm->job_role.s) {
		GW_RULE_ERR(&c->rc, SM1, sm->loc,
		    "name one of the profile's roles",
		    "snakemake has no job_role");
		return;
	}
	const struct gw_role *role = gw_model_role(c->m, sm->job_role.s);
	if (!role) {
		GW_RULE_ERR(&c->rc, SM1, sm->job_role.loc,
		    "define it under 'roles:'",
		    "snakemake uses job role '%s', which the profile does "
		    "not define", sm->job_role.s);
		return;
	}
	if (prefix_ok) {
		check_snakemake_role(c, &sm->job_role, role, prefix);
	}
}

/* ---- the Nextflow head job (NF8) ------------------------------------------ */

/*
 * What the Nextflow AWS Batch executor calls from the head job: the Batch
 * part of the "minimal permissions" in Nextflow's AWS documentation
 * (nextflow.io/docs/latest/aws.html, "AWS IAM policies"). The EC2, ECS and
 * ECR parts serve the trace and private images, so they are not required.
 */
static const char *const head_batch_actions[] = {
        "batch:DescribeJobQueues", "batch:CancelJob",
        "batch:SubmitJob", "batch:ListJobs",
        "batch:DescribeComputeEnvironments", "batch:TerminateJob",
        "batch:DescribeJobs", "batch:RegisterJobDefinition",
        "batch:DescribeJobDefinitions",
};

void gw_client_model_head_job(struct gw_vctx *c)
{
	const struct gw_job_def *j = gw_model_head_job(c->m);
	if (!j) {
		return;
	}
	const char *name = gw_vm_str_or(&j->name, "?");
	if (!j->job_role.s) {
		GW_RULE_ERR(&c->rc, NF8, j->loc,
		    "give it a 'job_role' trusted by ecs-tasks whose "
		    "policies allow the Nextflow AWS Batch executor's calls",
		    "head job '%s' has no job_role: it would run with the "
		    "instance role and could not submit its tasks", name);
		return;
	}
	const struct gw_role *role = gw_model_role(c->m, j->job_role.s);
	if (!role) {
		return; /* J-rules report the unknown role */
	}
	if (!gw_vm_role_trusts(role, "ecs-tasks")) {
		GW_RULE_ERR(&c->rc, NF8, j->job_role.loc,
		    "add 'ecs-tasks' to the role's 'trust:'",
		    "head job role '%s' is not trusted by ecs-tasks",
		    j->job_role.s);
	}
	struct gw_buf missing;
	gw_buf_init(&missing);
	for (size_t i = 0; i < GW_ARRAY_LEN(head_batch_actions); i++) {
		/* Any resource will do here: scoping is S2's business. */
		if (!role_has_action(c->m, role, head_batch_actions[i])) {
			gw_buf_printf(&missing, "%s%s", missing.len ? ", " : "",
			              head_batch_actions[i]);
		}
	}
	if (missing.len) {
		GW_RULE_ERR(&c->rc, NF8, j->job_role.loc,
		    "allow them in a policy of the role (nextflow.io/docs/"
		    "latest/aws.html, \"AWS IAM policies\")",
		    "head job role '%s' does not allow what the Nextflow AWS "
		    "Batch executor calls: %s", j->job_role.s,
		    gw_buf_str(&missing));
	}
	gw_buf_finish(&missing);
	/* Its tasks go to nextflow.queue and every process queue. */
	const struct gw_nextflow *nf = &c->m->nextflow;
	for (size_t i = 0; i <= nf->n_processes + 1; i++) {
		const struct gw_str *q = i == 0 ? &nf->queue
		        : i <= nf->n_processes ? &nf->processes[i - 1].queue
		        : &nf->spot_fallback.queue;
		if (!q->s) {
			continue;
		}
		char *v = gw_xasprintf("job-queue/%s", q->s);
		struct want_resource w = {.kind = GW_RES_BATCH, .value = v};
		if (!role_allows(c->m, role, "batch:SubmitJob", &w)) {
			GW_RULE_ERR(&c->rc, NF8, j->job_role.loc,
			    "allow batch:SubmitJob on 'batch:job-queue/QUEUE'",
			    "head job role '%s' cannot submit to queue '%s'",
			    j->job_role.s, q->s);
		}
		free(v);
	}
	const char *work = gw_vm_str_or(&nf->work_dir, "work");
	char *key = gw_xasprintf("%s/gwgen/probe", work);
	static const char *const object_actions[] = {
	        "s3:GetObject", "s3:PutObject",
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(object_actions); i++) {
		if (!role_allows_s3(c->m, role, object_actions[i], key)) {
			GW_RULE_ERR(&c->rc, NF8, j->job_role.loc,
			    "allow it on 'bucket/WORK_DIR/*' (or 'bucket/*')",
			    "head job role '%s' cannot %s in the work directory "
			    "'s3://%s/%s/'", j->job_role.s, object_actions[i],
			    gw_vm_str_or(&c->m->bucket.name, "?"), work);
		}
	}
	free(key);
}

/* ---- Cromwell (CR*) -------------------------------------------------------- */

/*
 * CR2: Cromwell's AWS Batch backend registers job definitions without a
 * job role, so its tasks reach S3 with the instance role of the compute
 * environment they run on: each instance role of the queue must list the
 * bucket and read and write under 'root'.
 */
static void check_cromwell_roles(struct gw_vctx *c, const struct gw_queue *q,
                                 const char *prefix)
{
	char *key = gw_xasprintf("%s/gwgen/probe", prefix);
	for (size_t i = 0; i < q->n_ces; i++) {
		const struct gw_compute_env *ce = q->ces[i].ce.s ?
		        gw_model_compute_env(c->m, q->ces[i].ce.s) : NULL;
		const struct gw_role *role = ce && ce->instance_role.s ?
		        gw_model_role(c->m, ce->instance_role.s) : NULL;
		if (!role) {
			continue; /* R rules report a missing instance role */
		}
		bool get = role_allows_s3(c->m, role, "s3:GetObject", key);
		bool put = role_allows_s3(c->m, role, "s3:PutObject", key);
		bool list = role_allows_s3(c->m, role, "s3:ListBucket", NULL);
		if (!get || !put || !list) {
			GW_RULE_ERR(&c->rc, CR2, q->ces[i].loc,
			    "give the instance role s3:ListBucket on 'bucket' "
			    "and s3:GetObject and s3:PutObject on "
			    "'bucket/PREFIX/*' (or 'bucket/*')",
			    "instance role '%s' of compute environment '%s' "
			    "cannot %s under Cromwell's root 's3://%s/%s/', "
			    "which its tasks use", role->name.s, ce->name.s,
			    !list ? "list the bucket" :
			    !get  ? "s3:GetObject" : "s3:PutObject",
			    gw_vm_str_or(&c->m->bucket.name, "?"), prefix);
		}
	}
	free(key);
}

void gw_client_model_cromwell(struct gw_vctx *c)
{
	const struct gw_cromwell *cr = &c->m->cromwell;
	if (!cr->present) {
		section_missing(c, GW_ENGINE_CROMWELL, GW_RULE_CR1, "cromwell",
		                "add a 'cromwell:' section with 'queue'");
		return;
	}
	if (!c->m->account_id.s) {
		GW_RULE_ERR(&c->rc, CR1, cr->loc,
		    "set 'account_id:' (12 digits)",
		    "cromwell needs the profile's account_id: its AWS Batch "
		    "backend takes the job queue as an ARN (queueArn)");
	}
	const char *prefix = gw_vm_str_or(&cr->root_prefix,
	                                  "cromwell-execution");
	bool prefix_ok = is_key_prefix(prefix);
	if (!prefix_ok) {
		GW_RULE_ERR(&c->rc, CR1, cr->root_prefix.loc,
		    "e.g. 'cromwell-execution'",
		    "root_prefix '%s' is not a relative S3 key prefix of "
		    "[A-Za-z0-9._-] segments", prefix);
	}
	const struct gw_queue *q =
	        need_queue(c, &cr->queue, cr->loc, GW_RULE_CR1, "cromwell");
	if (q && prefix_ok) {
		check_cromwell_roles(c, q, prefix);
	}
}

/* ---- miniwdl (MW*) --------------------------------------------------------- */

/*
 * What miniwdl-aws calls from the workflow job (batch_job.py): a job
 * definition registered per task and deregistered after it, DescribeJobs
 * to watch it, TerminateJob when the run fails; SubmitJob is checked per
 * task queue.
 */
static const char *const miniwdl_batch_actions[] = {
        "batch:RegisterJobDefinition", "batch:DeregisterJobDefinition",
        "batch:DescribeJobs", "batch:TerminateJob",
};

/* Whether 'role' may submit to queue 'queue' (batch:job-queue/NAME). */
static bool role_can_submit(const struct gw_model *m, const struct gw_role *role,
                            const char *queue)
{
	char *v = gw_xasprintf("job-queue/%s", queue);
	struct want_resource w = {.kind = GW_RES_BATCH, .value = v};
	bool ok = role_allows(m, role, "batch:SubmitJob", &w);
	free(v);
	return ok;
}

/* MW2: every compute environment of 'q' runs on EC2 and mounts the shared
 * storage ('what' names the queue's part). */
static void check_miniwdl_ces(struct gw_vctx *c, const struct gw_queue *q,
                              const char *what)
{
	for (size_t i = 0; i < q->n_ces; i++) {
		const struct gw_compute_env *ce = q->ces[i].ce.s ?
		        gw_model_compute_env(c->m, q->ces[i].ce.s) : NULL;
		if (!ce) {
			continue; /* Q9 reports it */
		}
		enum gw_ce_type type = gw_vm_ce_type(ce);
		const struct gw_launch_template *lt = ce->launch_template.s ?
		        gw_model_launch_template(c->m, ce->launch_template.s) :
		        NULL;
		if (type != GW_CE_EC2 && type != GW_CE_SPOT) {
			GW_RULE_ERR(&c->rc, MW2, q->ces[i].loc,
			    "run miniwdl's jobs on EC2 or SPOT compute "
			    "environments",
			    "compute environment '%s' of the %s '%s' is "
			    "fargate, which cannot mount the shared storage "
			    "from its host", ce->name.s, what, q->name.s);
		} else if (!lt || !lt->user_data.present ||
		           !lt->user_data.shared_storage.v) {
			GW_RULE_ERR(&c->rc, MW2, q->ces[i].loc,
			    "give it a launch template with 'user_data: "
			    "{shared_storage: true}'",
			    "compute environment '%s' of the %s '%s' does not "
			    "mount the shared storage, where miniwdl keeps "
			    "every task's files", ce->name.s, what, q->name.s);
		}
	}
}

/* MW3, MW4: the workflow queue 'wq', whose jobs run miniwdl with the
 * instance role, submitting to the task queues. */
static void check_miniwdl_workflow(struct gw_vctx *c, const struct gw_queue *wq,
                                   const char *prefix, bool prefix_ok)
{
	const struct gw_miniwdl *mw = &c->m->miniwdl;
	const struct gw_str *tasks[] = {&mw->task_queue,
	                                &mw->task_queue_fallback};
	char *key = gw_xasprintf("%s/gwgen/probe", prefix);
	for (size_t i = 0; i < wq->n_ces; i++) {
		const struct gw_compute_env *ce = wq->ces[i].ce.s ?
		        gw_model_compute_env(c->m, wq->ces[i].ce.s) : NULL;
		if (ce && gw_vm_ce_type(ce) == GW_CE_SPOT) {
			GW_RULE_WARN(&c->rc, MW4, wq->ces[i].loc,
			    "run the workflow queue on on-demand (EC2) "
			    "capacity",
			    "compute environment '%s' of miniwdl's workflow "
			    "queue '%s' is spot: an interruption ends the "
			    "workflow job, and the run with it", ce->name.s,
			    wq->name.s);
		}
		const struct gw_role *role = ce && ce->instance_role.s ?
		        gw_model_role(c->m, ce->instance_role.s) : NULL;
		if (!role) {
			continue; /* R rules report a missing instance role */
		}
		struct gw_buf missing;
		gw_buf_init(&missing);
		for (size_t k = 0; k < GW_ARRAY_LEN(miniwdl_batch_actions); k++) {
			if (!role_has_action(c->m, role, miniwdl_batch_actions[k])) {
				gw_buf_printf(&missing, "%s%s",
				              missing.len ? ", " : "",
				              miniwdl_batch_actions[k]);
			}
		}
		for (size_t k = 0; k < GW_ARRAY_LEN(tasks); k++) {
			if (tasks[k]->s && gw_model_queue(c->m, tasks[k]->s) &&
			    !role_can_submit(c->m, role, tasks[k]->s)) {
				gw_buf_printf(&missing, "%sbatch:SubmitJob on "
				              "queue '%s'", missing.len ? ", " : "",
				              tasks[k]->s);
			}
		}
		if (c->m->bucket.present && prefix_ok &&
		    !role_allows_s3(c->m, role, "s3:PutObject", key)) {
			gw_buf_printf(&missing, "%ss3:PutObject under 's3://%s/%s/'",
			              missing.len ? ", " : "",
			              gw_vm_str_or(&c->m->bucket.name, "?"), prefix);
		}
		if (missing.len) {
			GW_RULE_ERR(&c->rc, MW3, ce->instance_role.loc,
			    "allow them in a policy of the instance role",
			    "instance role '%s' of miniwdl's workflow queue '%s' "
			    "does not allow what miniwdl-aws calls from the "
			    "workflow job: %s", role->name.s, wq->name.s,
			    gw_buf_str(&missing));
		}
		gw_buf_finish(&missing);
		if (!role_has_action(c->m, role, "batch:TagResource")) {
			GW_RULE_WARN(&c->rc, MW3, ce->instance_role.loc,
			    "allow batch:TagResource on 'batch:job/*'",
			    "instance role '%s' of miniwdl's workflow queue '%s' "
			    "does not allow batch:TagResource, and miniwdl-aws "
			    "tags each task job with its parent job",
			    role->name.s, wq->name.s);
		}
	}
	free(key);
}

/* MW1: the queue the miniwdl section's 'key' names. */
static const struct gw_queue *miniwdl_queue(struct gw_vctx *c,
                                            const struct gw_str *q,
                                            const char *key)
{
	if (!q->s) {
		GW_RULE_ERR(&c->rc, MW1, c->m->miniwdl.loc,
		    "name one of the profile's job queues",
		    "miniwdl has no %s", key);
		return NULL;
	}
	char what[GW_VM_MSG_BYTES];
	snprintf(what, sizeof(what), "miniwdl's %s", key);
	return need_queue(c, q, c->m->miniwdl.loc, GW_RULE_MW1, what);
}

void gw_client_model_miniwdl(struct gw_vctx *c)
{
	const struct gw_miniwdl *mw = &c->m->miniwdl;
	if (!mw->present) {
		section_missing(c, GW_ENGINE_MINIWDL, GW_RULE_MW1, "miniwdl",
		                "add a 'miniwdl:' section with 'workflow_queue' "
		                "and 'task_queue'");
		return;
	}
	if (!c->m->shared_storage.present) {
		GW_RULE_ERR(&c->rc, MW1, mw->loc,
		    "add a 'shared_storage:' section, and 'user_data: "
		    "{shared_storage: true}' to the launch templates of its "
		    "compute environments",
		    "miniwdl needs the profile's shared_storage: miniwdl-aws "
		    "runs every task in a directory of one shared file system");
	}
	const char *prefix = gw_vm_str_or(&mw->output_prefix, "miniwdl");
	bool prefix_ok = is_key_prefix(prefix);
	if (!prefix_ok) {
		GW_RULE_ERR(&c->rc, MW1, mw->output_prefix.loc,
		    "e.g. 'miniwdl'",
		    "output_prefix '%s' is not a relative S3 key prefix of "
		    "[A-Za-z0-9._-] segments", prefix);
	}
	const struct gw_queue *wq = miniwdl_queue(c, &mw->workflow_queue,
	                                          "workflow_queue");
	const struct gw_queue *tq = miniwdl_queue(c, &mw->task_queue,
	                                          "task_queue");
	const struct gw_queue *fq = mw->task_queue_fallback.s ?
	        miniwdl_queue(c, &mw->task_queue_fallback,
	                      "task_queue_fallback") : NULL;
	if (c->m->shared_storage.present) {
		if (wq) {
			check_miniwdl_ces(c, wq, "workflow queue");
		}
		if (tq) {
			check_miniwdl_ces(c, tq, "task queue");
		}
		if (fq) {
			check_miniwdl_ces(c, fq, "fallback task queue");
		}
	}
	if (wq) {
		check_miniwdl_workflow(c, wq, prefix, prefix_ok);
	}
}
