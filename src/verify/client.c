/* SPDX-License-Identifier: MIT */
/*
 * The client configuration rules (NF*, NS*): what gwgen renders for
 * Nextflow and Nextstrain must name the profile's queues and job
 * definitions and fit their compute environments. Profiles only: a
 * CloudFormation template carries no client configuration.
 */
#include "stack.h"

#include <string.h>

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

void gw_client_model_nextflow(struct gw_vctx *c)
{
	const struct gw_nextflow *nf = &c->m->nextflow;
	if (!nf->present) {
		if (c->m->engine == GW_ENGINE_NEXTFLOW) {
			GW_RULE_ERR(&c->rc, NF1, c->m->engine_name.loc,
			    "add a 'nextflow:' "
			    "section",
			    "engine is nextflow but the "
			    "profile has no nextflow section");
		}
		return;
	}
	const struct gw_queue *q =
	        need_queue(c, &nf->queue, nf->loc, GW_RULE_NF1, "nextflow");
	/* NF8: Nextflow on Fargate needs aws.batch.executionRole, an ARN,
	 * so the account (Nextflow config reference). */
	if (q && gw_model_nextflow_on_fargate(c->m) && !c->m->account_id.s) {
		GW_RULE_ERR(&c->rc, NF8, nf->queue.loc,
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
		GW_RULE_ERR(&c->rc, NF4, nf->max_spot_attempts.loc, "use 0 or more",
		    "max_spot_attempts %lld is negative",
		    nf->max_spot_attempts.v);
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
	static const char *const modes[] = {"legacy", "standard", "adaptive"};
	if (nf->retry_mode.s &&
	    !gw_vm_in_set(nf->retry_mode.s, modes, GW_ARRAY_LEN(modes))) {
		GW_RULE_ERR(&c->rc, NF6, nf->retry_mode.loc,
		    "use legacy, standard or "
		    "adaptive",
		    "retry_mode '%s' is unknown", nf->retry_mode.s);
	}
	gw_stack_model_log_ref(c, &nf->log_group, "nextflow", "logsGroup",
	                       GW_RULE_NF6);
}

void gw_client_model_nextstrain(struct gw_vctx *c)
{
	const struct gw_nextstrain *ns = &c->m->nextstrain;
	if (!ns->present) {
		if (c->m->engine == GW_ENGINE_NEXTSTRAIN) {
			GW_RULE_ERR(&c->rc, NS1, c->m->engine_name.loc,
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
