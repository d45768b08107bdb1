/* SPDX-License-Identifier: MIT */
/* The rule book's table and the one reporting function (rules.h). */
#include "rules.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* Longest message a rule formats; longer ones are cut. */
#define RULE_MSG_BYTES 1024

static const struct gw_rule_info rules[GW_RULE_COUNT] = {
	[GW_RULE_NONE] = {0},
#define GW_RULE(id_, sevs_, where_, family_, what_, source_)                   \
	[GW_RULE_##id_] = {.id = #id_,                                         \
	                   .sevs = (sevs_),                                    \
	                   .where = (where_),                                  \
	                   .family = (family_),                                \
	                   .what = (what_),                                    \
	                   .source = (source_)},
#include "rules.def"
#undef GW_RULE
};

static const char *const family_names[GW_FAM_COUNT] = {
	[GW_FAM_STACK] = "CloudFormation limits",
	[GW_FAM_NAME] = "names",
	[GW_FAM_ARN] = "ARNs and partitions",
	[GW_FAM_IAM] = "security",
	[GW_FAM_REF] = "references",
	[GW_FAM_LT] = "launch templates and user data",
	[GW_FAM_DEVICE] = "device names",
	[GW_FAM_EBS] = "EBS volumes",
	[GW_FAM_CE] = "compute environments",
	[GW_FAM_QUEUE] = "job queues",
	[GW_FAM_JOB] = "job definitions and sizing",
	[GW_FAM_CLIENT] = "client configuration",
	[GW_FAM_STORAGE] = "shared storage",
	[GW_FAM_PLAN] = "plans",
};

const struct gw_rule_info *gw_rule_info(enum gw_rule r)
{
	return (unsigned)r < GW_RULE_COUNT ? &rules[r] : &rules[GW_RULE_NONE];
}

const char *gw_rule_id(enum gw_rule r)
{
	return gw_rule_info(r)->id;
}

enum gw_rule gw_rule_find(const char *id)
{
	for (size_t i = 1; id && i < GW_RULE_COUNT; i++) {
		if (strcmp(rules[i].id, id) == 0) {
			return (enum gw_rule)i;
		}
	}
	return GW_RULE_NONE;
}

const char *gw_rule_family_name(enum gw_rule_family f)
{
	return (unsigned)f < GW_FAM_COUNT ? family_names[f] : "";
}

static bool same_loc(struct gw_loc a, struct gw_loc b)
{
	if (!a.line || a.line != b.line || a.col != b.col) {
		return false;
	}
	return a.file == b.file ||
	       (a.file && b.file && strcmp(a.file, b.file) == 0);
}

/* Whether an error in d->v[0..n) is at 'at'. */
static bool has_error_at(const struct gw_diags *d, size_t n, struct gw_loc at)
{
	for (size_t i = 0; i < n && i < d->n; i++) {
		if (d->v[i].sev == GW_SEV_ERROR && same_loc(d->v[i].loc, at)) {
			return true;
		}
	}
	return false;
}

void gw_rule_report(struct gw_rule_ctx *rc, enum gw_rule r,
                    enum gw_severity sev, struct gw_loc at, const char *hint,
                    const char *fmt, ...)
{
	const struct gw_rule_info *info = gw_rule_info(r);
	assert(r == GW_RULE_NONE || (info->sevs & (1u << sev)));
	/* A value the loader already refused gets no second finding. */
	if (has_error_at(rc->d, rc->n_before, at)) {
		return;
	}
	char msg[RULE_MSG_BYTES];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	gw_diag_add(rc->d, sev, at, info->id, hint, "%s", msg);
}
