/* SPDX-License-Identifier: MIT */
/*
 * The profile verifier's driver: each rule family's model adapter, in
 * order. The rules themselves are in the family files (rules.h lists the
 * book; `gwgen rules ID` says which file).
 */
#include "verify.h"

#include "batch.h"
#include "ce.h"
#include "iam_rules.h"
#include "lt.h"
#include "model_facts.h"
#include "stack.h"
#include "storage.h"
#include "util.h"

/* ---- the table ----------------------------------------------------------- */

struct rule_group {
	const char *name;
	void (*run)(struct gw_vctx *c);
};

/* Each row checks one part of the profile; docs/rules.md lists the rules. */
static const struct rule_group rule_groups[] = {
        {"stack", gw_stack_model_stack},
        {"tags", gw_stack_model_tags},
        {"region and partition", gw_stack_model_region},
        {"bucket", gw_stack_model_bucket},
        {"compliance", gw_stack_model_compliance},
        {"iam", gw_iam_check_model},
        {"launch templates", gw_lt_check_models},
        {"compute environments", gw_ce_check_model},
        {"job queues", gw_batch_model_queues},
        {"job definitions", gw_batch_model_jobs},
        {"log groups", gw_stack_model_log_groups},
        {"shared storage", gw_storage_model},
        {"nextflow", gw_client_model_nextflow},
        {"nextstrain", gw_client_model_nextstrain},
        {"snakemake", gw_client_model_snakemake},
        {"cromwell", gw_client_model_cromwell},
        {"miniwdl", gw_client_model_miniwdl},
        {"nextflow head job", gw_client_model_head_job},
};

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
	gw_vm_types_init(&c);
	for (size_t i = 0; i < GW_ARRAY_LEN(rule_groups); i++) {
		rule_groups[i].run(&c);
	}
	gw_vm_types_finish(&c);
	return d->n_errors == errors;
}
