/* SPDX-License-Identifier: MIT */
/* The job definition rules (J*, R5, R6): one rule over job facts, and its
 * adapters. */
#include "batch.h"

#include <stdio.h>
#include <string.h>

#include "model_facts.h"
#include "names.h"
#include "util.h"
#include "cfn.h"

/* The awslogs group Batch uses when a job definition names none. */
#define DEFAULT_LOG_GROUP "/aws/batch/job"

/*
 * Fargate vCPU/memory pairs (Batch job_definition_parameters.md; Batch API
 * ResourceRequirement, "type=VCPU" on Fargate: 0.25, 0.5, 1, 2, 4, 8, 16),
 * vCPUs in thousandths. 0.25 vCPU takes 512, 1024 or 2048 MiB, which is
 * no single step: 'mem_list' lists them.
 */
struct fargate_size {
	long long millis;
	const char *text;
	long long mem_min, mem_max, mem_step;
	const long long *mem_list; /* instead of the range, 0-ended */
};

static const long long quarter_mem[] = {512, 1024, 2048, 0};

static const struct fargate_size fargate_sizes[] = {
        {250, "0.25", 512, 2048, 0, quarter_mem},
        {500, "0.5", 1024, 4096, 1024, NULL},
        {1000, "1", 2048, 8192, 1024, NULL},
        {2000, "2", 4096, 16384, 1024, NULL},
        {4000, "4", 8192, 30720, 1024, NULL},
        {8000, "8", 16384, 61440, 4096, NULL},
        {16000, "16", 32768, 122880, 8192, NULL},
};

static bool fargate_memory_ok(const struct fargate_size *f, long long mem)
{
	if (f->mem_list) {
		for (size_t i = 0; f->mem_list[i]; i++) {
			if (f->mem_list[i] == mem) {
				return true;
			}
		}
		return false;
	}
	return mem >= f->mem_min && mem <= f->mem_max &&
	       (mem - f->mem_min) % f->mem_step == 0;
}

/* Log drivers Batch accepts (Batch LogConfiguration; cfn-lint). */
static const char *const log_drivers[] = {
        "awslogs",   "fluentd", "gelf",   "journald",
        "json-file", "splunk",  "syslog",
};

static void rule_fargate_size(struct gw_rule_ctx *rc,
                              const struct gw_job_facts *j)
{
	long long millis = j->vcpu_millis ? j->vcpu_millis : j->vcpus * 1000;
	for (size_t i = 0; i < GW_ARRAY_LEN(fargate_sizes); i++) {
		const struct fargate_size *f = &fargate_sizes[i];
		if (f->millis != millis) {
			continue;
		}
		long long mem = j->memory_mib;
		if (fargate_memory_ok(f, mem)) {
			return;
		}
		if (f->mem_list) {
			GW_RULE_ERR(rc, J2, j->memory_at, NULL,
			            "job definition '%s' runs on fargate with "
			            "%s vcpus, which takes 512, 1024 or 2048 "
			            "mib, not %lld",
			            j->owner, f->text, mem);
		} else {
			GW_RULE_ERR(rc, J2, j->memory_at, NULL,
			            "job definition '%s' runs on fargate with "
			            "%s vcpus, which takes %lld..%lld mib in "
			            "steps of %lld, not %lld",
			            j->owner, f->text, f->mem_min, f->mem_max,
			            f->mem_step, mem);
		}
		return;
	}
	char text[32];
	snprintf(text, sizeof(text), "%lld", j->vcpus);
	GW_RULE_ERR(rc, J2, j->vcpus_at, "use 0.25, 0.5, 1, 2, 4, 8 or 16",
	            "job definition '%s' runs on fargate, which takes 0.25, "
	            "0.5, 1, 2, 4, 8 or 16 vcpus, not %s",
	            j->owner, j->vcpus_text ? j->vcpus_text : text);
}

/* J7: the retry strategy. */
static void rule_job_retries(struct gw_rule_ctx *rc,
                             const struct gw_job_facts *j)
{
	if (j->has_attempts &&
	    (j->attempts < 1 || j->attempts > GW_LIM_ATTEMPTS_MAX)) {
		GW_RULE_ERR(rc, J7, j->attempts_at, "use 1..10",
		            "job definition '%s' has %s %lld", j->owner,
		            j->k_attempts, j->attempts);
	}
	if (j->n_exits > GW_LIM_EVALUATE_ON_EXIT_MAX) {
		GW_RULE_ERR(rc, J7, j->exits_at, "use at most 5 entries",
		            "job definition '%s' has %zu EvaluateOnExit entries",
		            j->owner, j->n_exits);
	}
	/* Action is required and one of RETRY or EXIT, which the Batch API
	 * compares ignoring case (API EvaluateOnExit). */
	for (size_t i = 0; i < j->n_exits && i < GW_BATCH_EXITS_MAX; i++) {
		const struct gw_exit_facts *e = &j->exits[i];
		if (!e->has_action) {
			GW_RULE_ERR(rc, J7, e->at, "add Action: RETRY or EXIT",
			            "EvaluateOnExit entry %zu of job definition "
			            "'%s' has no Action",
			            i + 1, j->owner);
		} else if (e->action &&
		           !gw_names_equal_nocase(e->action, "RETRY") &&
		           !gw_names_equal_nocase(e->action, "EXIT")) {
			GW_RULE_ERR(rc, J7, e->action_at, "use RETRY or EXIT",
			            "EvaluateOnExit entry %zu of job definition "
			            "'%s' has action '%s'",
			            i + 1, j->owner, e->action);
		}
	}
}

/* J8: the logs. */
static void rule_job_logs(struct gw_rule_ctx *rc, const struct gw_job_facts *j)
{
	bool ok = !j->log_driver;
	for (size_t i = 0; j->log_driver && i < GW_ARRAY_LEN(log_drivers);
	     i++) {
		ok = ok || strcmp(j->log_driver, log_drivers[i]) == 0;
	}
	if (!ok) {
		GW_RULE_ERR(rc, J8, j->log_driver_at, "use awslogs",
		            "job definition '%s' has log driver '%s'", j->owner,
		            j->log_driver);
	}
	if (j->log_group && !j->log_group_defined &&
	    strcmp(j->log_group, DEFAULT_LOG_GROUP) != 0) {
		GW_RULE_WARN(rc, J8, j->log_group_at,
		             "define it under 'log_groups:'",
		             "job definition '%s' logs to '%s', which the "
		             "profile does not create",
		             j->owner, j->log_group);
	}
}

/* R5, R6: what the job definition refers to. */
static void rule_job_refs(struct gw_rule_ctx *rc, const struct gw_job_facts *j)
{
	if (j->job_role && !j->job_role_defined) {
		GW_RULE_ERR(rc, R5, j->job_role_at, "define it under 'roles:'",
		            "job definition '%s' uses job role '%s', which the "
		            "profile does not define",
		            j->owner, j->job_role);
	} else if (j->job_role && !j->job_role_trusted) {
		GW_RULE_ERR(rc, R5, j->job_role_at,
		            "add 'ecs-tasks' to the role's trust",
		            "job role '%s' of job definition '%s' is not "
		            "trusted by ecs-tasks",
		            j->job_role, j->owner);
	}
	if (j->queue && !j->queue_defined) {
		GW_RULE_ERR(rc, R6, j->queue_at, "define it under 'job_queues:'",
		            "job definition '%s' goes to queue '%s', which the "
		            "profile does not define",
		            j->owner, j->queue);
	}
}

void gw_rule_job(struct gw_rule_ctx *rc, const struct gw_job_facts *j)
{
	if (j->name && j->name_why) {
		GW_RULE_ERR(rc, J1, j->name_at,
		            "batch names are [A-Za-z0-9_-]{1,128}",
		            "job definition name '%s' %s", j->name, j->name_why);
	}
	const char *why = j->image ? gw_names_image_error(j->image) : NULL;
	if (why) {
		GW_RULE_ERR(rc, J9, j->image_at, NULL,
		            "image '%s' of job definition '%s' %s", j->image,
		            j->owner, why);
	}
	if (j->has_vcpus && j->vcpu_millis == 0 && j->vcpus < 1) {
		GW_RULE_ERR(rc, J2, j->vcpus_at, "use at least 1",
		            "job definition '%s' has %s %lld", j->owner,
		            j->k_vcpus, j->vcpus);
	}
	if (j->has_memory && j->memory_mib < GW_LIM_JOB_MEMORY_MIN_MIB) {
		GW_RULE_ERR(rc, J2, j->memory_at, "use at least 4",
		            "job definition '%s' has %s %lld", j->owner,
		            j->k_memory, j->memory_mib);
	}
	if (j->on_fargate && j->has_vcpus && j->has_memory) {
		rule_fargate_size(rc, j);
	}
	bool none = j->timeout == 0 && j->timeout_zero_is_none;
	if (j->has_timeout && !none && j->timeout < GW_LIM_JOB_TIMEOUT_MIN) {
		GW_RULE_ERR(rc, J6, j->timeout_at,
		            j->timeout_zero_is_none
		                    ? "use at least 60 seconds, or 0 for none"
		                    : "use at least 60 seconds",
		            "job definition '%s' has %s %lld seconds", j->owner,
		            j->k_timeout, j->timeout);
	}
	rule_job_retries(rc, j);
	rule_job_logs(rc, j);
	if (j->has_secrets && !j->has_execution_role) {
		GW_RULE_ERR(rc, J10, j->secrets_at, "add ExecutionRoleArn",
		            "job definition '%s' uses secrets but has no "
		            "execution role",
		            j->owner);
	}
	rule_job_refs(rc, j);
}

void gw_rule_job_env(struct gw_rule_ctx *rc, const char *owner,
                     const char *name, struct gw_loc at)
{
	/* Batch reserves the AWS_BATCH prefix for its own variables. */
	if (name && gw_has_prefix(name, "AWS_BATCH")) {
		GW_RULE_ERR(rc, J12, at, "rename the variable",
		            "environment variable '%s' of job definition '%s' "
		            "starts with AWS_BATCH, which batch reserves",
		            name, owner);
	}
}

/* ---- the profile adapter ------------------------------------------------- */

static bool queue_is_fargate(const struct gw_vctx *c, const struct gw_queue *q)
{
	for (size_t i = 0; i < q->n_ces; i++) {
		const struct gw_compute_env *ce =
		        gw_model_compute_env(c->m, q->ces[i].ce.s);
		if (ce && gw_ce_is_fargate(gw_vm_ce_type(ce))) {
			return true;
		}
	}
	return false;
}

/* The keys only a Fargate job definition takes, for J13. */
static const struct gw_str *fargate_key(const struct gw_job_def *jd,
                                        const char **key)
{
	if (jd->fractional_vcpus.s) {
		*key = "fractional_vcpus";
		return &jd->fractional_vcpus;
	}
	if (jd->execution_role.s) {
		*key = "execution_role";
		return &jd->execution_role;
	}
	if (jd->platform_version.set) {
		*key = "platform_version";
		return &jd->platform_version;
	}
	return NULL;
}

/*
 * J2 (vcpus or fractional_vcpus) and J13 on a profile's job definition:
 * Fargate keys only on Fargate, no GPUs there, an execution role that
 * exists and trusts ecs-tasks, and no profile role with the name of the
 * one gwgen creates (Batch job_definition_parameters.md: jobs on Fargate
 * need an execution role; GPUs are not available on Fargate).
 */
static void model_fargate(struct gw_vctx *c, const struct gw_job_def *jd,
                          const struct gw_queue *q, bool on_fargate)
{
	const char *name = gw_vm_str_or(&jd->name, "?");
	if (jd->fractional_vcpus.s && jd->vcpus.set) {
		GW_RULE_ERR(&c->rc, J2, jd->fractional_vcpus.loc,
		            "remove vcpus or fractional_vcpus",
		            "job definition '%s' sets both vcpus and "
		            "fractional_vcpus",
		            name);
	}
	const char *key = NULL;
	const struct gw_str *k = fargate_key(jd, &key);
	struct gw_loc public_at = jd->assign_public_ip.loc;
	if (!on_fargate && (k || jd->assign_public_ip.set)) {
		char why[GW_VM_MSG_BYTES];
		if (q) {
			snprintf(why, sizeof(why),
			         "its queue '%s' reaches no fargate compute "
			         "environment",
			         gw_vm_str_or(&q->name, "?"));
		} else {
			snprintf(why, sizeof(why), "it names no queue of "
			                           "fargate compute environments");
		}
		GW_RULE_ERR(&c->rc, J13, k ? k->loc : public_at,
		            "set queue to a queue of fargate compute "
		            "environments, or remove the key",
		            "job definition '%s' sets %s, which only fargate "
		            "job definitions take, but %s",
		            name, k ? key : "assign_public_ip", why);
		return;
	}
	if (!on_fargate) {
		return;
	}
	if (jd->gpus.v > 0) {
		GW_RULE_ERR(&c->rc, J13, gw_vm_at(jd->gpus.loc, jd->loc),
		            "use a queue of ec2 compute environments for gpu "
		            "jobs",
		            "job definition '%s' needs %lld gpus, which fargate "
		            "does not offer",
		            name, jd->gpus.v);
	}
	if (jd->execution_role.s) {
		const struct gw_role *r =
		        gw_model_role(c->m, jd->execution_role.s);
		if (!r) {
			GW_RULE_ERR(&c->rc, J13, jd->execution_role.loc,
			            "define it under 'roles:', or remove "
			            "execution_role to let gwgen create one",
			            "execution role '%s' of job definition '%s' "
			            "is not defined",
			            jd->execution_role.s, name);
		} else if (!gw_vm_role_trusts(r, "ecs-tasks")) {
			GW_RULE_ERR(&c->rc, J13, jd->execution_role.loc,
			            "add 'ecs-tasks' to its trust",
			            "execution role '%s' of job definition '%s' "
			            "is not trusted by ecs-tasks",
			            jd->execution_role.s, name);
		}
	}
}

static void model_job(struct gw_vctx *c, const struct gw_job_def *jd,
                      struct gw_name_list *seen)
{
	const char *name = gw_vm_str_or(&jd->name, "?");
	/* N11 first: a name that is not one line is not judged further. */
	bool one_line = gw_vm_check_one_line(c, &jd->name,
	                                     "job definition name");
	gw_vm_check_unique(c, &jd->name, seen, GW_RULE_J1);
	const struct gw_role *role =
	        jd->job_role.s ? gw_model_role(c->m, jd->job_role.s) : NULL;
	const struct gw_queue *q =
	        jd->queue.s ? gw_model_queue(c->m, jd->queue.s) : NULL;
	struct gw_job_facts f = {
	        .owner = name,
	        .at = jd->loc,
	        .name = one_line ? jd->name.s : NULL,
	        .name_why = one_line && jd->name.s
	                            ? gw_names_batch_error(jd->name.s)
	                            : NULL,
	        .name_at = jd->name.loc,
	        .image = jd->image.s,
	        .image_at = jd->image.loc,
	        .k_vcpus = "vcpus",
	        .k_memory = "memory_mib",
	        .has_vcpus = true,
	        .has_memory = true,
	        .vcpus = jd->vcpus.v,
	        .memory_mib = jd->memory_mib.v,
	        .vcpus_at = gw_vm_at(jd->vcpus.loc, jd->loc),
	        .memory_at = gw_vm_at(jd->memory_mib.loc, jd->loc),
	        .on_fargate = q && queue_is_fargate(c, q),
	        .vcpu_millis = gw_vm_str_is(&jd->fractional_vcpus, "0.25")  ? 250
	                       : gw_vm_str_is(&jd->fractional_vcpus, "0.5") ? 500
	                                                                    : 0,
	        .vcpus_text = jd->fractional_vcpus.s,
	        .k_timeout = "timeout",
	        .has_timeout = true,
	        .timeout_zero_is_none = true,
	        .timeout = jd->timeout.v,
	        .timeout_at = jd->timeout.loc,
	        .k_attempts = "attempts",
	        .has_attempts = jd->attempts.set,
	        .attempts = jd->attempts.v,
	        .attempts_at = jd->attempts.loc,
	        .job_role = jd->job_role.s,
	        .job_role_defined = role != NULL,
	        .job_role_trusted = role && gw_vm_role_trusts(role, "ecs-tasks"),
	        .job_role_at = jd->job_role.loc,
	        .queue = jd->queue.s,
	        .queue_defined = q != NULL,
	        .queue_at = jd->queue.loc,
	};
	/* A log group name that is not valid is a name error (N6), not a
	 * missing group. */
	const char *lg = jd->log_group.s;
	const char *why = lg ? gw_names_log_group_error(lg) : NULL;
	if (why) {
		GW_RULE_ERR(&c->rc, N6, jd->log_group.loc, NULL,
		            "log group '%s' of job definition '%s' %s", lg, name,
		            why);
	} else if (lg) {
		f.log_group = lg;
		f.log_group_defined = gw_model_log_group(c->m, lg) != NULL;
		f.log_group_at = jd->log_group.loc;
	}
	if (jd->fractional_vcpus.s) {
		f.vcpus_at = jd->fractional_vcpus.loc;
	}
	gw_rule_job(&c->rc, &f);
	model_fargate(c, jd, q, f.on_fargate);
	for (size_t i = 0; i < jd->environment.n; i++) {
		const struct gw_str *k = &jd->environment.v[i].key;
		gw_rule_job_env(&c->rc, name, k->s, k->loc);
	}
	if (!q || f.on_fargate) {
		return;
	}
	struct gw_request r = {
	        .kind = "job definition",
	        .name = name,
	        .vcpus = jd->vcpus.v,
	        .memory_mib = jd->memory_mib.v,
	        .gpus = jd->gpus.v,
	        .vcpus_at = gw_vm_at(jd->vcpus.loc, jd->loc),
	        .memory_at = gw_vm_at(jd->memory_mib.loc, jd->loc),
	        .gpus_at = gw_vm_at(jd->gpus.loc, jd->loc),
	        .rule_vcpus = GW_RULE_J3,
	        .rule_memory = GW_RULE_J4,
	        .rule_gpus = GW_RULE_J5,
	};
	gw_vm_check_fit(c, &r, q);
}

void gw_batch_model_jobs(struct gw_vctx *c)
{
	struct gw_name_list seen = {.kind = "job definition"};
	for (size_t i = 0; i < c->m->n_job_defs; i++) {
		model_job(c, &c->m->job_defs[i], &seen);
	}
	/* J13: the execution role gwgen creates takes a name no profile
	 * role may have. */
	char own[GW_VM_MSG_BYTES];
	const struct gw_role *r =
	        gw_model_execution_role(c->m, own, sizeof(own))
	                ? gw_model_role(c->m, own)
	                : NULL;
	if (r) {
		GW_RULE_ERR(&c->rc, J13, r->name.loc,
		            "rename the role, or name it as the fargate job "
		            "definitions' execution_role",
		            "role '%s' has the name of the fargate execution "
		            "role gwgen creates",
		            own);
	}
}

/* ---- the template adapter ------------------------------------------------ */

void gw_batch_cfn_job(struct gw_cfn *t, const char *logical,
                      yaml_node_t *props)
{
	yaml_node_t *name = gw_cfn_get(t, props, "JobDefinitionName");
	yaml_node_t *cp = gw_cfn_get(t, props, "ContainerProperties");
	yaml_node_t *image = gw_cfn_get(t, cp, "Image");
	yaml_node_t *vc = gw_cfn_get(t, cp, "Vcpus");
	yaml_node_t *mem = gw_cfn_get(t, cp, "Memory");
	yaml_node_t *gpus = NULL;
	const char *k_vcpus = "Vcpus", *k_memory = "Memory";
	yaml_node_t *rr = gw_cfn_get(t, cp, "ResourceRequirements");
	for (size_t i = 0; i < gw_cfn_seq_len(rr); i++) {
		yaml_node_t *e = gw_cfn_seq_at(t, rr, i);
		const char *type = gw_cfn_literal(t, gw_cfn_get(t, e, "Type"));
		if (type && strcmp(type, "VCPU") == 0) {
			vc = gw_cfn_get(t, e, "Value");
			k_vcpus = "VCPU";
		} else if (type && strcmp(type, "MEMORY") == 0) {
			mem = gw_cfn_get(t, e, "Value");
			k_memory = "MEMORY";
		} else if (type && strcmp(type, "GPU") == 0) {
			gpus = gw_cfn_get(t, e, "Value");
		}
	}
	yaml_node_t *to = gw_cfn_get(t, gw_cfn_get(t, props, "Timeout"),
	                             "AttemptDurationSeconds");
	yaml_node_t *rs = gw_cfn_get(t, props, "RetryStrategy");
	yaml_node_t *at = gw_cfn_get(t, rs, "Attempts");
	yaml_node_t *eoe = gw_cfn_get(t, rs, "EvaluateOnExit");
	yaml_node_t *drv =
	        gw_cfn_get(t, gw_cfn_get(t, cp, "LogConfiguration"), "LogDriver");
	yaml_node_t *secrets = gw_cfn_get(t, cp, "Secrets");
	const char *ns = gw_cfn_literal(t, name);
	struct gw_job_facts f = {
	        .owner = logical,
	        .at = gw_cfn_loc(t, props),
	        .name = ns,
	        .name_why = ns ? gw_names_batch_error(ns) : NULL,
	        .name_at = gw_cfn_loc(t, name),
	        .image = gw_cfn_literal(t, image),
	        .image_at = gw_cfn_loc(t, image),
	        .k_vcpus = k_vcpus,
	        .k_memory = k_memory,
	        .vcpus_at = gw_cfn_loc(t, vc),
	        .memory_at = gw_cfn_loc(t, mem),
	        .k_timeout = "AttemptDurationSeconds",
	        .timeout_at = gw_cfn_loc(t, to),
	        .k_attempts = "Attempts",
	        .attempts_at = gw_cfn_loc(t, at),
	        .n_exits = gw_cfn_seq_len(eoe),
	        .exits_at = gw_cfn_loc(t, eoe),
	        .log_driver = gw_cfn_literal(t, drv),
	        .log_driver_at = gw_cfn_loc(t, drv),
	        .has_secrets = secrets != NULL,
	        .has_execution_role =
	                gw_cfn_get(t, cp, "ExecutionRoleArn") != NULL,
	        .secrets_at = gw_cfn_loc(t, secrets),
	};
	f.has_vcpus = gw_cfn_int(t, vc, &f.vcpus);
	const char *vtext = gw_cfn_literal(t, vc);
	if (!f.has_vcpus && vtext &&
	    (strcmp(vtext, "0.25") == 0 || strcmp(vtext, "0.5") == 0)) {
		f.has_vcpus = true;
		f.vcpu_millis = vtext[2] == '2' ? 250 : 500;
		f.vcpus_text = vtext;
	}
	yaml_node_t *caps = gw_cfn_get(t, props, "PlatformCapabilities");
	for (size_t i = 0; i < gw_cfn_seq_len(caps); i++) {
		const char *cap = gw_cfn_literal(t, gw_cfn_seq_at(t, caps, i));
		f.on_fargate = f.on_fargate || (cap && strcmp(cap, "FARGATE") == 0);
	}
	if (f.on_fargate && !f.has_execution_role) {
		GW_RULE_ERR(&t->rc, J13, gw_cfn_loc(t, caps),
		            "add ContainerProperties.ExecutionRoleArn",
		            "job definition '%s' runs on fargate without an "
		            "execution role",
		            logical);
	}
	f.has_memory = gw_cfn_int(t, mem, &f.memory_mib);
	f.has_timeout = gw_cfn_int(t, to, &f.timeout);
	f.has_attempts = gw_cfn_int(t, at, &f.attempts);
	for (size_t i = 0; i < f.n_exits && i < GW_BATCH_EXITS_MAX; i++) {
		yaml_node_t *e = gw_cfn_seq_at(t, eoe, i);
		yaml_node_t *act = gw_cfn_get(t, e, "Action");
		f.exits[i] = (struct gw_exit_facts){
		        .has_action = act != NULL,
		        .action = gw_cfn_literal(t, act),
		        .at = gw_cfn_loc(t, e),
		        .action_at = gw_cfn_loc(t, act),
		};
	}
	gw_rule_job(&t->rc, &f);
	yaml_node_t *env = gw_cfn_get(t, cp, "Environment");
	for (size_t i = 0; i < gw_cfn_seq_len(env); i++) {
		yaml_node_t *n = gw_cfn_get(t, gw_cfn_seq_at(t, env, i), "Name");
		gw_rule_job_env(&t->rc, logical, gw_cfn_literal(t, n),
		                gw_cfn_loc(t, n));
	}
	/* Fargate jobs are sized by J2, not by instance types. */
	if (!f.on_fargate && t->n_jobs < GW_CFN_TRACK_MAX) {
		long long n_gpus = 0;
		gw_cfn_int(t, gpus, &n_gpus);
		t->jobs[t->n_jobs++] = (struct cfn_job){
		        .logical = logical,
		        .vcpus = f.has_vcpus ? f.vcpus : 0,
		        .memory_mib = f.has_memory ? f.memory_mib : 0,
		        .gpus = n_gpus,
		        .vcpus_at = f.vcpus_at,
		        .memory_at = f.memory_at,
		        .gpus_at = gw_cfn_loc(t, gpus),
		};
	}
}

/* ---- J3, J4, J5: a request against instance types ------------------------ */

#define PERMILLE 1000

/* The type with the most memory that fits a request in every dimension. */
struct fit {
	const struct gw_type_set *types;
	const struct gw_request *r;
	const struct gw_instance_type *best;
};

static bool fits_all(const struct gw_instance_type *t, void *arg)
{
	struct fit *f = arg;
	const struct gw_request *r = f->r;
	if ((long long)t->vcpus >= r->vcpus && (long long)t->gpus >= r->gpus &&
	    (long long)t->memory_mib - GW_LIM_ECS_RESERVED_MIB >= r->memory_mib &&
	    (!f->best || t->memory_mib > f->best->memory_mib ||
	     (t->memory_mib == f->best->memory_mib &&
	      gw_type_set_before(f->types, t, f->best)))) {
		f->best = t;
	}
	return true;
}

/* J3 on the largest type, then on the compute environment's max_vcpus. */
static bool rule_fit_vcpus(struct gw_rule_ctx *rc, const struct gw_request *r,
                           const struct gw_fit_target *t,
                           const struct gw_type_selection *s)
{
	if (r->vcpus > s->most_vcpus->vcpus) {
		gw_rule_report(rc, r->rule_vcpus, GW_SEV_ERROR, r->vcpus_at,
		    "lower the request or add a larger instance type "
		    "to the compute environment",
		    "%s '%s' needs %lld vcpus but the largest instance "
		    "type %s (%s) has %u",
		    r->kind, r->name, r->vcpus, t->where,
		    s->most_vcpus->name, s->most_vcpus->vcpus);
		return false;
	}
	if (t->has_max_vcpus && r->vcpus > t->max_vcpus) {
		gw_rule_report(rc, r->rule_vcpus, GW_SEV_ERROR, r->vcpus_at,
		    "raise max_vcpus of the compute "
		    "environment or lower the request",
		    "%s '%s' needs %lld vcpus but compute "
		    "environment '%s' of queue '%s' allows at "
		    "most %lld (max_vcpus)",
		    r->kind, r->name, r->vcpus, t->ce, t->queue, t->max_vcpus);
		return false;
	}
	return true;
}

/* J5: enough GPUs on one type, and an image with NVIDIA's drivers. */
static bool rule_fit_gpus(struct gw_rule_ctx *rc, const struct gw_request *r,
                          const struct gw_fit_target *t,
                          const struct gw_type_selection *s)
{
	if (r->gpus <= 0) {
		return true;
	}
	bool ok = true;
	static const char hint[] = "add a gpu instance type (g4dn, g5, g6, "
	                           "p3, p4d) with enough gpus";
	if (!s->most_gpus) {
		gw_rule_report(rc, r->rule_gpus, GW_SEV_ERROR, r->gpus_at, hint,
		    "%s '%s' needs %lld gpus but no instance type %s has "
		    "gpus",
		    r->kind, r->name, r->gpus, t->where);
		ok = false;
	} else if (r->gpus > (long long)s->most_gpus->gpus) {
		gw_rule_report(rc, r->rule_gpus, GW_SEV_ERROR, r->gpus_at, hint,
		    "%s '%s' needs %lld gpus but the instance type with "
		    "the most gpus %s (%s) has %u",
		    r->kind, r->name, r->gpus, t->where, s->most_gpus->name,
		    s->most_gpus->gpus);
		ok = false;
	}
	if (t->image && !gw_image_is_nvidia(t->image)) {
		gw_rule_report(rc, r->rule_gpus, GW_SEV_ERROR, r->gpus_at,
		    "set image_type: ECS_AL2023_NVIDIA on the compute "
		    "environment",
		    "%s '%s' needs gpus but compute environment '%s' of "
		    "queue '%s' uses image type '%s' without nvidia "
		    "drivers",
		    r->kind, r->name, t->ce, t->queue, t->image);
	}
	return ok;
}

void gw_rule_job_fit(struct gw_rule_ctx *rc, const struct gw_request *r,
                     const struct gw_fit_target *t)
{
	struct gw_type_selection s;
	gw_types_select(t->types, t->specs, t->n_specs, &s);
	if (s.n_types == 0) {
		return; /* unknown types were reported (CE6) */
	}
	bool vcpu_ok = rule_fit_vcpus(rc, r, t, &s);
	bool gpu_ok = rule_fit_gpus(rc, r, t, &s);
	long long most_avail =
	        (long long)s.most_memory->memory_mib - GW_LIM_ECS_RESERVED_MIB;
	if (r->memory_mib > most_avail) {
		gw_rule_report(rc, r->rule_memory, GW_SEV_ERROR, r->memory_at,
		    "request less memory or add a larger instance "
		    "type; the ECS agent reserves 32 MiB",
		    "%s '%s' needs %lld mib but the largest instance "
		    "type %s (%s) has %u "
		    "mib, at most %lld after the ecs agent's 32 mib",
		    r->kind, r->name, r->memory_mib, t->where,
		    s.most_memory->name, s.most_memory->memory_mib,
		    most_avail);
		return;
	}
	if (!vcpu_ok || !gpu_ok) {
		return;
	}
	/* Each dimension fits some type; does one type fit them all? */
	struct fit fit = {.types = t->types, .r = r};
	gw_types_each(t->types, t->specs, t->n_specs, fits_all, &fit);
	const struct gw_instance_type *best = fit.best;
	if (!best) {
		gw_rule_report(rc, r->rule_memory, GW_SEV_ERROR, r->memory_at,
		    "lower vcpus or memory, or add an instance type "
		    "with both",
		    "%s '%s' needs %lld vcpus and %lld mib together, "
		    "which no single instance type %s offers",
		    r->kind, r->name, r->vcpus, r->memory_mib, t->where);
		return;
	}
	/* memory_mib is at most most_avail here; a negative request (a
	 * range error the loader kept) must not overflow the product. */
	if (r->memory_mib > 0 && r->memory_mib * PERMILLE >
	    (long long)best->memory_mib * GW_LIM_MEMORY_WARN_PERMILLE) {
		gw_rule_report(rc, r->rule_memory, GW_SEV_WARNING, r->memory_at,
		     "leave about 10% for the os and ecs agent "
		     "(c5.xlarge: ~7400 of 8192 mib are available)",
		     "%s '%s' needs %lld mib, more than 90%% of the %u "
		     "mib of the roomiest fitting instance type (%s) "
		     "%s, so it may stay runnable",
		     r->kind, r->name, r->memory_mib, best->memory_mib,
		     best->name, t->where);
	}
}

/*
 * J3, J4, J5 on templates. Job definitions do not name a queue, so a
 * template job must fit the instance types of the template's compute
 * environments taken together. Only done when every EC2/SPOT compute
 * environment lists literal instance types the catalog knows.
 */
void gw_batch_cfn_job_sizes(struct gw_cfn *t)
{
	struct gw_type_spec *specs = NULL;
	size_t n = 0;
	for (size_t i = 0; i < t->n_ces; i++) {
		const struct cfn_ce *ce = &t->ces[i];
		if (gw_ce_is_fargate(ce->type)) {
			continue;
		}
		if (!ce->n_specs) {
			free(specs);
			return;
		}
		specs = gw_xrealloc(specs, (n + ce->n_specs) * sizeof(*specs));
		memcpy(specs + n, ce->specs, ce->n_specs * sizeof(*specs));
		n += ce->n_specs;
	}
	struct gw_fit_target target = {.specs = specs, .n_specs = n,
	                               .where = "in this template"};
	for (size_t i = 0; n && i < t->n_jobs; i++) {
		const struct cfn_job *j = &t->jobs[i];
		struct gw_request r = {
		        .kind = "job definition",
		        .name = j->logical,
		        .vcpus = j->vcpus,
		        .memory_mib = j->memory_mib,
		        .gpus = j->gpus,
		        .vcpus_at = j->vcpus_at,
		        .memory_at = j->memory_at,
		        .gpus_at = j->gpus_at,
		        .rule_vcpus = GW_RULE_J3,
		        .rule_memory = GW_RULE_J4,
		        .rule_gpus = GW_RULE_J5,
		};
		gw_rule_job_fit(&t->rc, &r, &target);
	}
	free(specs);
}
