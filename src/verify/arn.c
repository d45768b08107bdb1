/* SPDX-License-Identifier: MIT */
/* ARN grammar per service, partitions and service principals (rules A1..A9). */
#include "arn.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "model.h"
#include "names.h"
#include "rules.h"
#include "util.h"

#define ACCOUNT_DIGITS 12
#define ARN_FIELDS 5 /* colons before the resource */
/* Six one-character wildcards; escaped, since C11 reads "??" trigraphs. */
#define SECRET_WILD "?\?\?\?\?\?"

/* IAM resource types gwgen knows; others get only the general checks. */
static const char *const iam_types[] = {
        "role",
        "user",
        "group",
        "policy",
        "instance-profile",
        "oidc-provider",
        "saml-provider",
        "server-certificate",
        "mfa",
};

static const char *const batch_types[] = {
        "compute-environment", "job-queue", "job-definition",
        "scheduling-policy",   "job",       "consumable-resource",
};

/*
 * Partitions come from the one table in model.c (gw_partition_for_region,
 * gw_partition_dns_suffix), so the loader and the ARN checks cannot
 * disagree about a region.
 */
bool gw_arn_partition_known(const char *partition)
{
	return gw_partition_dns_suffix(partition) != NULL;
}

bool gw_arn_parse(const char *text, struct gw_arn *arn)
{
	memset(arn, 0, sizeof(*arn));
	if (!gw_has_prefix(text, "arn:")) {
		return false;
	}
	char *buf = gw_xstrdup(text + strlen("arn:"));
	const char *fields[ARN_FIELDS];
	char *p = buf;
	for (size_t i = 0; i < ARN_FIELDS - 1; i++) {
		fields[i] = p;
		p = strchr(p, ':');
		if (!p) {
			free(buf);
			return false;
		}
		*p++ = '\0';
	}
	fields[ARN_FIELDS - 1] = p;
	arn->buf = buf;
	arn->partition = fields[0];
	arn->service = fields[1];
	arn->region = fields[2];
	arn->account = fields[3];
	arn->resource = fields[4];
	return true;
}

void gw_arn_finish(struct gw_arn *arn)
{
	if (arn) {
		free(arn->buf);
		memset(arn, 0, sizeof(*arn));
	}
}

/* Shared state of one gw_arn_verify call. */
struct check {
	const char *text; /* the ARN as written */
	unsigned flags;
	struct gw_loc at;
	struct gw_diags *d;
	bool ok;
};

static void fail(struct check *c, enum gw_rule rule, const char *hint,
                 const char *what)
{
	gw_diag_add(c->d, GW_SEV_ERROR, c->at, gw_rule_id(rule), hint, "arn '%s' %s",
	            c->text, what);
	c->ok = false;
}

/* A field we cannot judge: a template substitution. */
static bool is_templated(const struct check *c, const char *field)
{
	return (c->flags & GW_ARN_TEMPLATE) && strstr(field, "${");
}

static bool has_wildcard(const char *s)
{
	return strpbrk(s, "*?") != NULL;
}

static bool is_wild_ok(const struct check *c, const char *field)
{
	return (c->flags & GW_ARN_POLICY) && has_wildcard(field);
}

static bool is_account(const char *s)
{
	size_t n = strlen(s);
	if (n != ACCOUNT_DIGITS) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

static bool in_list(const char *s, size_t n, const char *const *list,
                    size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (strlen(list[i]) == n && strncmp(s, list[i], n) == 0) {
			return true;
		}
	}
	return false;
}

static void need_region_account(struct check *c, const struct gw_arn *a,
                                enum gw_rule rule)
{
	if (a->region[0] == '\0') {
		fail(c, rule, "write the region, e.g. arn:P:SERVICE:REGION:...",
		     "has an empty region");
	}
	if (a->account[0] == '\0') {
		fail(c, rule,
		     "write the 12-digit account ID (or '*' in a "
		     "policy)",
		     "has an empty account");
	}
}

static void check_iam(struct check *c, const struct gw_arn *a)
{
	if (a->region[0] != '\0' && !is_templated(c, a->region)) {
		fail(c, GW_RULE_A3, "IAM ARNs have no region: arn:P:iam::ACCOUNT:...",
		     "has a region but IAM is global");
	}
	const char *slash = strchr(a->resource, '/');
	size_t tlen =
	        slash ? (size_t)(slash - a->resource) : strlen(a->resource);
	if (!slash ||
	    !in_list(a->resource, tlen, iam_types, GW_ARRAY_LEN(iam_types))) {
		if (!is_templated(c, a->resource)) {
			fail(c, GW_RULE_A3,
			     "use role/NAME, policy/NAME, user/NAME, "
			     "group/NAME or instance-profile/NAME",
			     "has no known IAM resource type");
		}
		return;
	}
	if (strcmp(a->account, "aws") == 0) {
		if (strncmp(a->resource, "policy", tlen) != 0) {
			fail(c, GW_RULE_A3,
			     "only AWS-managed policies use the account "
			     "'aws'",
			     "uses account 'aws' for a "
			     "resource that is not a policy");
		}
	} else if (a->account[0] == '\0') {
		fail(c, GW_RULE_A3,
		     "write the 12-digit account ID (or '*' in a "
		     "policy)",
		     "has an empty account");
	}
	const char *name = slash + 1;
	if (*name == '\0') {
		fail(c, GW_RULE_A3, "name the resource after the '/'",
		     "has an empty IAM name");
		return;
	}
	if (!is_templated(c, name) && !is_wild_ok(c, name)) {
		for (const char *p = name; *p; p++) {
			if (!isalnum((unsigned char)*p) &&
			    !strchr("+=,.@_-/", *p)) {
				fail(c, GW_RULE_A3,
				     "IAM paths and names use "
				     "[A-Za-z0-9+=,.@_-/]",
				     "has a character IAM names do not "
				     "allow");
				break;
			}
		}
	}
}

static void check_s3(struct check *c, const struct gw_arn *a)
{
	if (a->region[0] != '\0' || a->account[0] != '\0') {
		fail(c, GW_RULE_A4, "S3 bucket ARNs are arn:P:s3:::BUCKET[/KEY]",
		     "has a region or account, but S3 bucket ARNs "
		     "leave both empty");
	}
	char bucket[BUFSIZ];
	const char *slash = strchr(a->resource, '/');
	size_t n = slash ? (size_t)(slash - a->resource) : strlen(a->resource);
	if (n >= sizeof(bucket)) {
		n = sizeof(bucket) - 1;
	}
	memcpy(bucket, a->resource, n);
	bucket[n] = '\0';
	if (is_templated(c, bucket) || is_wild_ok(c, bucket)) {
		return;
	}
	const char *why = gw_names_bucket_error(bucket);
	if (why) {
		gw_diag_add(c->d, GW_SEV_ERROR, c->at, gw_rule_id(GW_RULE_A4),
		            "use a valid bucket name: 3..63 of [a-z0-9.-]",
		            "arn '%s' names bucket '%s', which %s", c->text,
		            bucket, why);
		c->ok = false;
	}
}

/*
 * Secrets Manager: "The secret name can contain ASCII letters, numbers, and
 * the following characters: /_+=.@-" (CreateSecret, Name). In a policy
 * '*' and '?' are wildcards and ${...} a policy variable (MacCoss's
 * NF_${aws:username}_*); in a template ${...} is a substitution.
 */
#define SECRET_NAME_PUNCT "/_+=.@-"
#define SECRET_QUOTE_MAX 300 /* bytes of the ARN quoted in the message */
#define ASCII_DEL 0x7f

static bool check_secret_chars(struct check *c, const char *name)
{
	bool vars = c->flags & (GW_ARN_POLICY | GW_ARN_TEMPLATE);
	for (const char *p = name; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		const char *end;
		if (vars && p[0] == '$' && p[1] == '{' &&
		    (end = strchr(p, '}'))) {
			p = end;
			continue;
		}
		if (isalnum(ch) || (ch && strchr(SECRET_NAME_PUNCT, ch)) ||
		    ((c->flags & GW_ARN_POLICY) && (ch == '*' || ch == '?'))) {
			continue;
		}
		char shown[sizeof("0xXX")], text[SECRET_QUOTE_MAX];
		if (ch > ' ' && ch < ASCII_DEL) {
			snprintf(shown, sizeof(shown), "'%c'", ch);
		} else {
			snprintf(shown, sizeof(shown), "0x%02X", ch);
		}
		/* The ARN may hold the control byte: quote it on one line. */
		gw_names_quote(c->text, text, sizeof(text));
		gw_diag_add(c->d, GW_SEV_ERROR, c->at, gw_rule_id(GW_RULE_A5),
		            "secret names are ascii letters, digits and "
		            SECRET_NAME_PUNCT "; in policies also the "
		            "wildcards * and ?",
		            "arn '%s' names a secret with character %s at "
		            "byte %zu, which secret names do not allow",
		            text, shown, (size_t)(p - name) + 1);
		c->ok = false;
		return false;
	}
	return true;
}

static void check_secret(struct check *c, const struct gw_arn *a)
{
	need_region_account(c, a, GW_RULE_A5);
	if (!gw_has_prefix(a->resource, "secret:") ||
	    a->resource[strlen("secret:")] == '\0') {
		fail(c, GW_RULE_A5,
		     "write secret:NAME-" SECRET_WILD " or secret:PREFIX*",
		     "is not a secret ARN (secret:NAME)");
		return;
	}
	const char *name = a->resource + strlen("secret:");
	if (!check_secret_chars(c, name)) {
		return;
	}
	/* Secret ARNs end in '-' plus six random characters. */
	if ((c->flags & GW_ARN_POLICY) && !strchr(name, '*') &&
	    !is_templated(c, name) && !gw_has_suffix(name, "-" SECRET_WILD)) {
		size_t n = strlen(name);
		bool has_suffix = n > sizeof("-XXXXXX") - 1 &&
		                  name[n - (sizeof("-XXXXXX") - 1)] == '-';
		if (!has_suffix) {
			gw_diag_add(c->d, GW_SEV_WARNING, c->at, gw_rule_id(GW_RULE_A5),
			            "end the name with '-" SECRET_WILD
			            "' or use a "
			            "prefix wildcard such as 'NF_*'",
			            "secret arn '%s' has no '-" SECRET_WILD
			            "' suffix, "
			            "so it matches no secret",
			            c->text);
		}
	}
}

static void check_logs(struct check *c, const struct gw_arn *a)
{
	need_region_account(c, a, GW_RULE_A6);
	if (!gw_has_prefix(a->resource, "log-group:") ||
	    a->resource[strlen("log-group:")] == '\0') {
		fail(c, GW_RULE_A6,
		     "write log-group:NAME, log-group:NAME:* or "
		     "log-group:NAME:log-stream:STREAM",
		     "is not a log group ARN (log-group:NAME)");
		return;
	}
	char name[BUFSIZ];
	const char *g = a->resource + strlen("log-group:");
	const char *colon = strchr(g, ':');
	size_t n = colon ? (size_t)(colon - g) : strlen(g);
	if (n >= sizeof(name)) {
		n = sizeof(name) - 1;
	}
	memcpy(name, g, n);
	name[n] = '\0';
	if (colon && strcmp(colon, ":*") != 0 &&
	    !gw_has_prefix(colon, ":log-stream:")) {
		fail(c, GW_RULE_A6,
		     "after the group name only ':*' or "
		     ":log-stream:STREAM may follow",
		     "has an unknown suffix after the log group name");
	}
	if (!is_templated(c, name) && !is_wild_ok(c, name) &&
	    gw_names_log_group_error(name)) {
		fail(c, GW_RULE_A6, "log group names are [.\\-_/#A-Za-z0-9]{1,512}",
		     "has an invalid log group name");
	}
}

/*
 * A job definition revision is a positive integer (Batch
 * RegisterJobDefinition: revisions count from 1), or a wildcard in a
 * policy.
 */
static void check_revision(struct check *c, const char *rev)
{
	if (is_templated(c, rev) || is_wild_ok(c, rev)) {
		return;
	}
	bool ok = rev[0] >= '1' && rev[0] <= '9';
	for (const char *p = rev; ok && *p; p++) {
		ok = isdigit((unsigned char)*p);
	}
	if (!ok) {
		fail(c, GW_RULE_A7, "write job-definition/NAME:REVISION with a "
		     "revision of 1 or more, or leave ':REVISION' out",
		     "has a job definition revision that is not a positive "
		     "integer");
	}
}

static void check_batch(struct check *c, const struct gw_arn *a)
{
	need_region_account(c, a, GW_RULE_A7);
	const char *slash = strchr(a->resource, '/');
	size_t tlen =
	        slash ? (size_t)(slash - a->resource) : strlen(a->resource);
	if (!slash || !in_list(a->resource, tlen, batch_types,
	                       GW_ARRAY_LEN(batch_types))) {
		if (!is_templated(c, a->resource) &&
		    !is_wild_ok(c, a->resource)) {
			fail(c, GW_RULE_A7,
			     "use compute-environment/NAME, "
			     "job-queue/NAME or job-definition/NAME[:REV]",
			     "has no known batch resource type");
		}
		return;
	}
	char name[BUFSIZ];
	snprintf(name, sizeof(name), "%s", slash + 1);
	if (strncmp(a->resource, "job-definition", tlen) == 0) {
		char *rev = strchr(name, ':');
		if (rev) {
			*rev++ = '\0';
			check_revision(c, rev);
		}
	}
	if (!is_templated(c, name) && !is_wild_ok(c, name) &&
	    gw_names_batch_error(name)) {
		fail(c, GW_RULE_A7, "batch names are [A-Za-z0-9_-]{1,128}",
		     "has an invalid batch name");
	}
}

static void check_kms(struct check *c, const struct gw_arn *a)
{
	need_region_account(c, a, GW_RULE_A8);
	bool key = gw_has_prefix(a->resource, "key/");
	bool alias = gw_has_prefix(a->resource, "alias/");
	if ((!key && !alias) || strchr(a->resource, '/')[1] == '\0') {
		if (!is_templated(c, a->resource) &&
		    !is_wild_ok(c, a->resource)) {
			fail(c, GW_RULE_A8, "use key/KEY-ID or alias/NAME",
			     "is not a kms key or alias ARN");
		}
	}
}

/* Replace every ${...} with "${}" so substitutions hold no colons. */
static char *flatten_subs(const char *text)
{
	struct gw_buf b;
	gw_buf_init(&b);
	for (const char *p = text; *p; p++) {
		const char *end;
		if (p[0] == '$' && p[1] == '{' && (end = strchr(p, '}'))) {
			gw_buf_puts(&b, "${}");
			p = end;
		} else {
			gw_buf_putc(&b, *p);
		}
	}
	return gw_buf_detach(&b, NULL);
}

static void check_general(struct check *c, const struct gw_arn *a,
                          const char *want_partition)
{
	if (a->service[0] == '\0' && !is_templated(c, a->service)) {
		fail(c, GW_RULE_A9,
		     "write arn:PARTITION:SERVICE:REGION:ACCOUNT:"
		     "RESOURCE",
		     "has an empty service");
	}
	for (const char *p = a->service; *p; p++) {
		if (!islower((unsigned char)*p) &&
		    !isdigit((unsigned char)*p) && *p != '-' &&
		    !is_templated(c, a->service)) {
			fail(c, GW_RULE_A9,
			     "service namespaces are lowercase, e.g. "
			     "'s3', 'iam', 'batch'",
			     "has an invalid service namespace");
			break;
		}
	}
	if (a->resource[0] == '\0') {
		fail(c, GW_RULE_A9,
		     "write arn:PARTITION:SERVICE:REGION:ACCOUNT:"
		     "RESOURCE",
		     "has an empty resource");
	}
	if (is_templated(c, a->partition)) {
		return;
	}
	if (!gw_arn_partition_known(a->partition)) {
		gw_diag_add(c->d, GW_SEV_ERROR, c->at, gw_rule_id(GW_RULE_A1),
		            "use aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, "
		            "aws-iso-e, aws-iso-f or aws-eusc",
		            "arn '%s' has unknown partition '%s'", c->text,
		            a->partition);
		c->ok = false;
		return;
	}
	if (want_partition && strcmp(want_partition, a->partition) != 0) {
		gw_diag_add(c->d, GW_SEV_ERROR, c->at, gw_rule_id(GW_RULE_A1),
		            "use the 'role:', 'bucket', 'secret:' or "
		            "'log-group:' forms, which follow the profile's "
		            "region",
		            "arn '%s' is in partition '%s' but the profile's "
		            "region is in '%s'",
		            c->text, a->partition, want_partition);
		c->ok = false;
	}
	if (a->region[0] && !is_templated(c, a->region) &&
	    !is_wild_ok(c, a->region)) {
		const char *rp, *dns;
		if (!gw_partition_for_region(a->region, &rp, &dns) ||
		    strcmp(rp, a->partition) != 0) {
			gw_diag_add(c->d, GW_SEV_ERROR, c->at, gw_rule_id(GW_RULE_A1),
			            "write a region of the ARN's partition",
			            "arn '%s' has region '%s', which is not "
			            "in partition '%s'",
			            c->text, a->region, a->partition);
			c->ok = false;
		}
	}
	if (a->account[0] && strcmp(a->account, "aws") != 0 &&
	    !is_templated(c, a->account) && !is_wild_ok(c, a->account) &&
	    !is_account(a->account)) {
		gw_diag_add(c->d, GW_SEV_ERROR, c->at, gw_rule_id(GW_RULE_A9),
		            "account IDs are 12 digits",
		            "arn '%s' has account '%s', which is not 12 "
		            "digits",
		            c->text, a->account);
		c->ok = false;
	}
}

/* Per-service grammar, one row per service namespace. */
struct service_rule {
	const char *service;
	void (*check)(struct check *c, const struct gw_arn *a);
};

static const struct service_rule service_rules[] = {
        {"iam", check_iam},
        {"s3", check_s3},
        {"secretsmanager", check_secret},
        {"logs", check_logs},
        {"batch", check_batch},
        {"kms", check_kms},
};

bool gw_arn_verify(const char *text, const char *partition, unsigned flags,
                   struct gw_loc at, struct gw_diags *d)
{
	struct check c = {
	        .text = text,
	        .flags = flags,
	        .at = at,
	        .d = d,
	        .ok = true,
	};
	char *flat = (flags & GW_ARN_TEMPLATE) ? flatten_subs(text)
	                                       : gw_xstrdup(text);
	struct gw_arn a;
	if (!gw_arn_parse(flat, &a)) {
		fail(&c, GW_RULE_A9,
		     "write arn:PARTITION:SERVICE:REGION:ACCOUNT:"
		     "RESOURCE",
		     "is not an arn of the form "
		     "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE");
		free(flat);
		return false;
	}
	check_general(&c, &a, partition);
	for (size_t i = 0; i < GW_ARRAY_LEN(service_rules); i++) {
		if (strcmp(a.service, service_rules[i].service) == 0) {
			service_rules[i].check(&c, &a);
			break;
		}
	}
	gw_arn_finish(&a);
	free(flat);
	return c.ok;
}
