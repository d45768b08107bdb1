/* SPDX-License-Identifier: MIT */
/* The typed model of a profile: destroy, lookups, partitions, logical IDs. */
#include "model.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

struct gw_model *gw_model_create(void)
{
	return gw_xcalloc(1, sizeof(struct gw_model));
}

static void str_finish(struct gw_str *s)
{
	free(s->s);
}

static void strs_finish(struct gw_strs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		str_finish(&l->v[i]);
	}
	free(l->v);
}

static void kvs_finish(struct gw_kvs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		str_finish(&l->v[i].key);
		str_finish(&l->v[i].value);
	}
	free(l->v);
}

static void statement_finish(struct gw_statement *st)
{
	str_finish(&st->sid);
	str_finish(&st->effect);
	strs_finish(&st->actions);
	for (size_t i = 0; i < st->n_resources; i++) {
		str_finish(&st->resources[i].value);
	}
	free(st->resources);
	for (size_t i = 0; i < st->n_conditions; i++) {
		str_finish(&st->conditions[i].test);
		str_finish(&st->conditions[i].key);
		strs_finish(&st->conditions[i].values);
	}
	free(st->conditions);
}

static void policy_finish(struct gw_policy *p)
{
	str_finish(&p->name);
	str_finish(&p->description);
	for (size_t i = 0; i < p->n_statements; i++) {
		statement_finish(&p->statements[i]);
	}
	free(p->statements);
}

static void role_finish(struct gw_role *r)
{
	str_finish(&r->name);
	str_finish(&r->description);
	strs_finish(&r->trust);
	strs_finish(&r->managed);
	strs_finish(&r->policies);
	strs_finish(&r->open_data);
}

static void group_finish(struct gw_group *g)
{
	str_finish(&g->name);
	strs_finish(&g->policies);
	strs_finish(&g->managed);
}

static void user_finish(struct gw_user *u)
{
	str_finish(&u->name);
	strs_finish(&u->groups);
	strs_finish(&u->policies);
}

static void volume_finish(struct gw_volume *v)
{
	str_finish(&v->device);
	str_finish(&v->type);
}

static void user_data_finish(struct gw_user_data *u)
{
	strs_finish(&u->packages);
	str_finish(&u->aws_cli.version);
	str_finish(&u->aws_cli.sha256);
	str_finish(&u->aws_cli.source);
	str_finish(&u->aws_cli.prefix);
	str_finish(&u->aws_cli.aarch64.version);
	str_finish(&u->aws_cli.aarch64.sha256);
	str_finish(&u->scratch.kind);
	str_finish(&u->scratch.device);
	str_finish(&u->scratch.mount);
	str_finish(&u->scratch.filesystem);
	str_finish(&u->scratch.volume_type);
	kvs_finish(&u->ecs_config);
	str_finish(&u->provision.version);
	str_finish(&u->provision.prefix);
	strs_finish(&u->provision.scripts);
	strs_finish(&u->runcmd);
}

static void launch_template_finish(struct gw_launch_template *lt)
{
	str_finish(&lt->name);
	str_finish(&lt->description);
	volume_finish(&lt->root);
	for (size_t i = 0; i < lt->n_volumes; i++) {
		volume_finish(&lt->volumes[i]);
	}
	free(lt->volumes);
	str_finish(&lt->shutdown_behavior);
	kvs_finish(&lt->tags);
	user_data_finish(&lt->user_data);
}

static void compute_env_finish(struct gw_compute_env *ce)
{
	str_finish(&ce->name);
	str_finish(&ce->type);
	str_finish(&ce->allocation_strategy);
	strs_finish(&ce->instance_types);
	str_finish(&ce->launch_template);
	str_finish(&ce->image_type);
	str_finish(&ce->instance_role);
	str_finish(&ce->spot_fleet_role);
	str_finish(&ce->service_role);
	kvs_finish(&ce->tags);
}

static void queue_finish(struct gw_queue *q)
{
	str_finish(&q->name);
	for (size_t i = 0; i < q->n_ces; i++) {
		str_finish(&q->ces[i].ce);
	}
	free(q->ces);
}

static void job_def_finish(struct gw_job_def *j)
{
	str_finish(&j->name);
	str_finish(&j->image);
	strs_finish(&j->command);
	str_finish(&j->job_role);
	str_finish(&j->queue);
	kvs_finish(&j->environment);
	str_finish(&j->log_group);
	str_finish(&j->fractional_vcpus);
	str_finish(&j->execution_role);
	str_finish(&j->platform_version);
}

static void nextflow_finish(struct gw_nextflow *nf)
{
	str_finish(&nf->queue);
	str_finish(&nf->work_dir);
	str_finish(&nf->cli_path);
	str_finish(&nf->log_group);
	str_finish(&nf->storage_class);
	str_finish(&nf->storage_encryption);
	str_finish(&nf->retry_mode);
	str_finish(&nf->s3_acl);
	str_finish(&nf->config_profile);
	str_finish(&nf->spot_fallback.queue);
	for (size_t i = 0; i < nf->n_processes; i++) {
		struct gw_nf_process *p = &nf->processes[i];
		str_finish(&p->selector);
		str_finish(&p->queue);
		str_finish(&p->disk);
	}
	free(nf->processes);
}

/* Free the 'n' elements of 'array' with 'finish', then the array itself. */
#define FINISH_ARRAY(array, n, finish) \
	do { \
		for (size_t i_ = 0; i_ < (n); i_++) { \
			finish(&(array)[i_]); \
		} \
		free(array); \
	} while (0)

void gw_model_destroy(struct gw_model *m)
{
	if (!m) {
		return;
	}
	str_finish(&m->name);
	str_finish(&m->description);
	str_finish(&m->extends);
	str_finish(&m->region);
	str_finish(&m->account_id);
	str_finish(&m->stack_name);
	str_finish(&m->engine_name);
	str_finish(&m->compliance);
	kvs_finish(&m->tags);
	str_finish(&m->bucket.name);
	str_finish(&m->bucket.encryption);
	str_finish(&m->shared_storage.mount_point);
	str_finish(&m->shared_storage.performance_mode);
	str_finish(&m->shared_storage.throughput_mode);
	FINISH_ARRAY(m->policies, m->n_policies, policy_finish);
	FINISH_ARRAY(m->roles, m->n_roles, role_finish);
	FINISH_ARRAY(m->groups, m->n_groups, group_finish);
	FINISH_ARRAY(m->users, m->n_users, user_finish);
	FINISH_ARRAY(m->launch_templates, m->n_launch_templates,
			launch_template_finish);
	FINISH_ARRAY(m->compute_envs, m->n_compute_envs, compute_env_finish);
	FINISH_ARRAY(m->queues, m->n_queues, queue_finish);
	FINISH_ARRAY(m->job_defs, m->n_job_defs, job_def_finish);
	for (size_t i = 0; i < m->n_log_groups; i++) {
		str_finish(&m->log_groups[i].name);
	}
	free(m->log_groups);
	for (size_t i = 0; i < m->n_new_types; i++) {
		str_finish(&m->new_types[i].name);
		str_finish(&m->new_types[i].arch);
	}
	free(m->new_types);
	nextflow_finish(&m->nextflow);
	str_finish(&m->nextstrain.job_definition);
	str_finish(&m->nextstrain.queue);
	str_finish(&m->snakemake.queue);
	str_finish(&m->snakemake.job_role);
	str_finish(&m->snakemake.storage_prefix);
	str_finish(&m->cromwell.queue);
	str_finish(&m->cromwell.root_prefix);
	str_finish(&m->miniwdl.workflow_queue);
	str_finish(&m->miniwdl.task_queue);
	str_finish(&m->miniwdl.task_queue_fallback);
	str_finish(&m->miniwdl.output_prefix);
	for (size_t i = 0; i < m->n_files; i++) {
		free(m->files[i]);
	}
	free(m->files);
	free(m);
}

/*
 * Find the element of 'array' ('n' elements of 'size' bytes) whose gw_str at
 * byte offset 'name_off' equals 'name'. Objects are few, so a linear scan.
 */
static const void *find_named(const void *array, size_t n, size_t size,
		size_t name_off, const char *name)
{
	if (!name) {
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const char *el = (const char *)array + i * size;
		const struct gw_str *s = (const struct gw_str *)(el + name_off);
		if (s->s && strcmp(s->s, name) == 0) {
			return el;
		}
	}
	return NULL;
}

#define FIND(array, n, type, name) \
	((const type *)find_named((array), (n), sizeof(type), \
			offsetof(type, name), (name_arg)))

const struct gw_policy *gw_model_policy(const struct gw_model *m,
		const char *name_arg)
{
	return FIND(m->policies, m->n_policies, struct gw_policy, name);
}

const struct gw_role *gw_model_role(const struct gw_model *m,
		const char *name_arg)
{
	return FIND(m->roles, m->n_roles, struct gw_role, name);
}

const struct gw_group *gw_model_group(const struct gw_model *m,
		const char *name_arg)
{
	return FIND(m->groups, m->n_groups, struct gw_group, name);
}

const struct gw_launch_template *gw_model_launch_template(
		const struct gw_model *m, const char *name_arg)
{
	return FIND(m->launch_templates, m->n_launch_templates,
			struct gw_launch_template, name);
}

const struct gw_compute_env *gw_model_compute_env(const struct gw_model *m,
		const char *name_arg)
{
	return FIND(m->compute_envs, m->n_compute_envs, struct gw_compute_env,
			name);
}

const struct gw_queue *gw_model_queue(const struct gw_model *m,
		const char *name_arg)
{
	return FIND(m->queues, m->n_queues, struct gw_queue, name);
}

const struct gw_job_def *gw_model_job_def(const struct gw_model *m,
		const char *name_arg)
{
	return FIND(m->job_defs, m->n_job_defs, struct gw_job_def, name);
}

bool gw_model_queue_on_fargate(const struct gw_model *m, const char *queue)
{
	const struct gw_queue *q = queue ? gw_model_queue(m, queue) : NULL;
	for (size_t i = 0; q && i < q->n_ces; i++) {
		const struct gw_compute_env *ce = q->ces[i].ce.s ?
			gw_model_compute_env(m, q->ces[i].ce.s) : NULL;
		if (ce && ce->type.s && (strcmp(ce->type.s, "FARGATE") == 0 ||
				strcmp(ce->type.s, "FARGATE_SPOT") == 0)) {
			return true;
		}
	}
	return false;
}

bool gw_model_job_on_fargate(const struct gw_model *m,
		const struct gw_job_def *jd)
{
	return gw_model_queue_on_fargate(m, jd->queue.s);
}

bool gw_model_nextflow_on_fargate(const struct gw_model *m)
{
	return m->engine == GW_ENGINE_NEXTFLOW && m->nextflow.present &&
		gw_model_queue_on_fargate(m, m->nextflow.queue.s);
}

bool gw_model_execution_role(const struct gw_model *m, char *out,
		size_t size)
{
	for (size_t i = 0; i < m->n_job_defs; i++) {
		const struct gw_job_def *jd = &m->job_defs[i];
		if (!jd->execution_role.s && gw_model_job_on_fargate(m, jd)) {
			snprintf(out, size, "%s" GW_EXECUTION_ROLE_SUFFIX,
					m->name.s ? m->name.s : "gwgen");
			return true;
		}
	}
	/* Nextflow registers its own job definitions and passes them
	 * aws.batch.executionRole. */
	if (gw_model_nextflow_on_fargate(m)) {
		snprintf(out, size, "%s" GW_EXECUTION_ROLE_SUFFIX,
				m->name.s ? m->name.s : "gwgen");
		return true;
	}
	return false;
}

const struct gw_log_group *gw_model_log_group(const struct gw_model *m,
		const char *name_arg)
{
	return FIND(m->log_groups, m->n_log_groups, struct gw_log_group, name);
}

/*
 * AWS partitions (aws-sdk-go-v2 partitions.json; aws-eusc from newer SDK
 * copies). A region matches a row when it is PREFIX-WORD-DIGITS, where the
 * first part is one of the row's prefixes. More specific prefixes
 * ("us-gov", "us-iso") come before the plain "us" row, so first match wins.
 */
struct partition {
	const char *name;
	const char *dns_suffix;
	const char *const *prefixes; /* NULL-terminated */
};

static const char *const aws_prefixes[] = {
	"us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", NULL,
};
static const char *const cn_prefixes[] = {"cn", NULL};
static const char *const gov_prefixes[] = {"us-gov", NULL};
static const char *const iso_prefixes[] = {"us-iso", NULL};
static const char *const isob_prefixes[] = {"us-isob", NULL};
static const char *const isoe_prefixes[] = {"eu-isoe", NULL};
static const char *const isof_prefixes[] = {"us-isof", NULL};
static const char *const eusc_prefixes[] = {"eusc-de", NULL};

static const struct partition partitions[] = {
	{"aws-us-gov", "amazonaws.com", gov_prefixes},
	{"aws-iso", "c2s.ic.gov", iso_prefixes},
	{"aws-iso-b", "sc2s.sgov.gov", isob_prefixes},
	{"aws-iso-e", "cloud.adc-e.uk", isoe_prefixes},
	{"aws-iso-f", "csp.hci.ic.gov", isof_prefixes},
	{"aws-eusc", "amazonaws.eu", eusc_prefixes},
	{"aws-cn", "amazonaws.com.cn", cn_prefixes},
	{"aws", "amazonaws.com", aws_prefixes},
};

/* True when 's' is "-WORD-DIGITS" (the SDK regexes' -\w+-\d+$ tail). */
static bool is_region_tail(const char *s)
{
	if (*s++ != '-') {
		return false;
	}
	const char *word = s;
	/* \w has no '-', so the word ends at the last '-'. */
	const char *dash = strrchr(word, '-');
	if (!dash || dash == word) {
		return false;
	}
	for (const char *p = word; p < dash; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_') {
			return false;
		}
	}
	const char *digits = dash + 1;
	if (!*digits) {
		return false;
	}
	for (const char *p = digits; *p; p++) {
		if (!isdigit((unsigned char)*p)) {
			return false;
		}
	}
	return true;
}

bool gw_partition_for_region(const char *region, const char **partition,
		const char **dns_suffix)
{
	if (!region) {
		return false;
	}
	for (size_t i = 0; i < GW_ARRAY_LEN(partitions); i++) {
		const struct partition *p = &partitions[i];
		for (const char *const *pre = p->prefixes; *pre; pre++) {
			size_t n = strlen(*pre);
			if (strncmp(region, *pre, n) == 0 &&
					is_region_tail(region + n)) {
				*partition = p->name;
				*dns_suffix = p->dns_suffix;
				return true;
			}
		}
	}
	return false;
}

const char *gw_partition_dns_suffix(const char *partition)
{
	for (size_t i = 0; partition && i < GW_ARRAY_LEN(partitions); i++) {
		if (strcmp(partitions[i].name, partition) == 0) {
			return partitions[i].dns_suffix;
		}
	}
	return NULL;
}

char *gw_logical_id(const char *name, const char *suffix)
{
	struct gw_buf b;
	gw_buf_init(&b);
	bool start = true;
	for (const char *p = name ? name : ""; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (!isalnum(c)) {
			start = true;
			continue;
		}
		gw_buf_putc(&b, start ? (char)toupper(c) : (char)c);
		start = false;
	}
	gw_buf_puts(&b, suffix ? suffix : "");
	return gw_buf_detach(&b, NULL);
}

const struct gw_job_def *gw_model_head_job(const struct gw_model *m)
{
	if (m->engine != GW_ENGINE_NEXTFLOW || !m->nextflow.present) {
		return NULL;
	}
	for (size_t i = 0; i < m->n_job_defs; i++) {
		const struct gw_job_def *j = &m->job_defs[i];
		const struct gw_queue *q = j->queue.s ?
			gw_model_queue(m, j->queue.s) : NULL;
		if (q && q->head.v) {
			return j;
		}
	}
	return NULL;
}

bool gw_res_regional(enum gw_res_kind kind, const char **service,
		const char **prefix)
{
	/* ARN formats: the IAM Service Authorization Reference, "Resource
	 * types defined by AWS Batch" (job-queue/NAME,
	 * job-definition/NAME[:REVISION], job/ID), "... by Amazon Elastic
	 * Container Service", "... by Amazon Elastic Container Registry"
	 * and "... by Amazon EC2" (data/iam-actions.tsv). */
	switch (kind) {
	case GW_RES_BATCH:
		*service = "batch";
		*prefix = "";
		return true;
	case GW_RES_ECS:
		*service = "ecs";
		*prefix = "";
		return true;
	case GW_RES_ECR:
		*service = "ecr";
		*prefix = "";
		return true;
	case GW_RES_EC2:
		*service = "ec2";
		*prefix = "";
		return true;
	default:
		return false;
	}
}
