/* SPDX-License-Identifier: MIT */
/*
 * The rule book: one table of every AWS rule (rules.def), and the one way
 * a rule reports a finding. Rule functions take neutral facts (filled from
 * a profile's model or from a CloudFormation template by the adapters of
 * their family) and report through gw_rule_report with the rule's enum
 * value; the rule's ID string exists only in rules.def.
 */
#ifndef GW_RULES_H
#define GW_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* Severities a rule may report (rules.def SEVERITIES). */
enum {
	GW_RS_N = 1u << GW_SEV_NOTE,
	GW_RS_W = 1u << GW_SEV_WARNING,
	GW_RS_E = 1u << GW_SEV_ERROR,
};

/* What a rule is checked on (rules.def WHERE). */
enum {
	GW_RW_P = 1u << 0, /* the profile model */
	GW_RW_T = 1u << 1, /* CloudFormation templates */
	GW_RW_U = 1u << 2, /* rendered user data */
};

/* Rule families: one file of src/verify/ each (docs/architecture.md). */
enum gw_rule_family {
	GW_FAM_STACK,  /* stack.c: the stack, region, tags, CloudFormation limits */
	GW_FAM_NAME,   /* names of every kind */
	GW_FAM_ARN,    /* ARNs and partitions */
	GW_FAM_IAM,    /* iam.c: policies, roles, groups, users */
	GW_FAM_REF,    /* references between objects */
	GW_FAM_LT,     /* launch templates and user data */
	GW_FAM_DEVICE, /* device names */
	GW_FAM_EBS,    /* EBS volumes */
	GW_FAM_CE,     /* compute environments */
	GW_FAM_QUEUE,  /* job queues */
	GW_FAM_JOB,    /* job definitions and sizing */
	GW_FAM_CLIENT, /* workflow-engine client configuration */
	GW_FAM_STORAGE, /* storage.c: shared storage (EFS) */
	GW_FAM_PLAN,   /* plan.c: what a template change does in AWS */
	GW_FAM_COUNT,
};

enum gw_rule {
	GW_RULE_NONE, /* a finding without a rule (a type error, ...) */
#define GW_RULE(id, sevs, where, family, what, source) GW_RULE_##id,
#include "rules.def"
#undef GW_RULE
	GW_RULE_COUNT,
};

struct gw_rule_info {
	const char *id;      /* "CE2" */
	unsigned sevs;       /* GW_RS_* */
	unsigned where;      /* GW_RW_* */
	enum gw_rule_family family;
	const char *what;    /* what is checked (docs/rules.md "What") */
	const char *source;  /* the AWS documentation or report behind it */
};

/* The table row of 'r' (GW_RULE_NONE has id NULL). */
const struct gw_rule_info *gw_rule_info(enum gw_rule r);

/* The rule's ID ("CE2"), or NULL for GW_RULE_NONE. */
const char *gw_rule_id(enum gw_rule r);

/* The rule whose ID is 'id' (case-sensitive), or GW_RULE_NONE. */
enum gw_rule gw_rule_find(const char *id);

/* The family's name as docs/rules.md heads it ("compute environments"). */
const char *gw_rule_family_name(enum gw_rule_family f);

/*
 * Where the findings of one verification go. 'n_before' diagnostics were in
 * 'd' before it began (the loader's range errors, whose values it kept): a
 * finding at a place that has one of those errors is not reported again.
 */
struct gw_rule_ctx {
	struct gw_diags *d;
	size_t n_before;
};

/*
 * Report a finding of rule 'r' at 'at' with 'hint' (or NULL) and a
 * printf-formatted message. 'sev' must be one of the rule's severities
 * (checked by an assertion: the table is the contract).
 */
void gw_rule_report(struct gw_rule_ctx *rc, enum gw_rule r,
                    enum gw_severity sev, struct gw_loc at, const char *hint,
                    const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#define GW_RULE_ERR(rc, rule, at, hint, ...)                                   \
	gw_rule_report((rc), GW_RULE_##rule, GW_SEV_ERROR, (at), (hint),       \
	               __VA_ARGS__)
#define GW_RULE_WARN(rc, rule, at, hint, ...)                                  \
	gw_rule_report((rc), GW_RULE_##rule, GW_SEV_WARNING, (at), (hint),     \
	               __VA_ARGS__)
#define GW_RULE_NOTE(rc, rule, at, hint, ...)                                  \
	gw_rule_report((rc), GW_RULE_##rule, GW_SEV_NOTE, (at), (hint),        \
	               __VA_ARGS__)

#endif
