/* SPDX-License-Identifier: MIT */
/* The verifier: the table of AWS rules checked on the model (docs/rules.md). */
#include "verify.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arn.h"
#include "batch.h"
#include "buf.h"
#include "catalog.h"
#include "ce.h"
#include "iam_rules.h"
#include "lt.h"
#include "facts.h"
#include "model_facts.h"
#include "names.h"
#include "rules.h"
#include "stack.h"
#include "aws_limits.h"
#include "util.h"

/* Launch template names (N5) and the launch-template family (lt.c). */
static void check_launch_templates(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	struct gw_name_list seen = {.kind = "launch template"};
	for (size_t i = 0; i < m->n_launch_templates; i++) {
		const struct gw_launch_template *lt = &m->launch_templates[i];
		gw_vm_check_name(c, &lt->name, "launch template",
		           lt->name.s
		                   ? gw_names_launch_template_error(lt->name.s)
		                   : NULL,
		           GW_RULE_N5,
		           "launch template names are 3..128 of "
		           "[a-zA-Z0-9().-/_]");
		gw_vm_check_unique(c, &lt->name, &seen, GW_RULE_N5);
		gw_lt_check_model(c, lt);
	}
}

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
        {"iam", gw_iam_check_model},
        {"launch templates", check_launch_templates},
        {"compute environments", gw_ce_check_model},
        {"job queues", gw_batch_model_queues},
        {"job definitions", gw_batch_model_jobs},
        {"log groups", gw_stack_model_log_groups},
        {"nextflow", gw_client_model_nextflow},
        {"nextstrain", gw_client_model_nextstrain},
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
