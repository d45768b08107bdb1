/* SPDX-License-Identifier: MIT */
/* The verifier on rendered user data and CloudFormation templates. */
#include "verify.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "arn.h"
#include "catalog.h"
#include "iam.h"
#include "cfn.h"
#include "names.h"
#include "rules.h"
#include "aws_limits.h"
#include "util.h"
#include "yaml_doc.h"

#define MSG_BYTES 1024
#define SSH_PORT 22
/*
 * Deepest nesting of mappings and sequences a template may have; real
 * templates stay far below it. Without a bound, 100,000 nested '[' (200 KB)
 * kept gwgen busy for minutes (libyaml's scanner is quadratic in the flow
 * depth) and the walks below recurse once per level (issue 6, hostile case
 * gen-verify-template-deep).
 */
#define TEMPLATE_DEPTH_MAX 64

/* ---- user data (L1, L2, L7, L9) ------------------------------------------ */

/* One line of 'text' as [p, p + n), without its line ending. */
struct line {
	const char *p;
	size_t n;
};

static bool next_line(const char **cur, const char *end, struct line *l)
{
	if (*cur >= end) {
		return false;
	}
	const char *nl = memchr(*cur, '\n', (size_t)(end - *cur));
	const char *stop = nl ? nl : end;
	l->p = *cur;
	l->n = (size_t)(stop - *cur);
	if (l->n > 0 && l->p[l->n - 1] == '\r') {
		l->n--;
	}
	*cur = nl ? nl + 1 : end;
	return true;
}

static bool line_is(const struct line *l, const char *s)
{
	return l->n == strlen(s) && strncmp(l->p, s, l->n) == 0;
}

static bool line_starts_nocase(const struct line *l, const char *s)
{
	size_t n = strlen(s);
	if (l->n < n) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (tolower((unsigned char)l->p[i]) !=
		    tolower((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

/* The boundary parameter of a Content-Type line into 'out'. */
static bool find_boundary(const struct line *l, char *out, size_t n)
{
	const char *end = l->p + l->n;
	const char *b = NULL;
	for (const char *p = l->p; p + strlen("boundary=") <= end; p++) {
		if (strncmp(p, "boundary=", strlen("boundary=")) == 0) {
			b = p + strlen("boundary=");
			break;
		}
	}
	if (!b) {
		return false;
	}
	bool quoted = b < end && *b == '"';
	if (quoted) {
		b++;
	}
	const char *e = b;
	while (e < end && (quoted ? *e != '"' : (*e != ';' && *e != ' '))) {
		e++;
	}
	size_t len = (size_t)(e - b);
	if (len == 0 || len + 1 > n) {
		return false;
	}
	memcpy(out, b, len);
	out[len] = '\0';
	return true;
}

/* Whether 'needle' (not empty) occurs in 'text'. memchr finds each
 * candidate first byte: a memcmp at every offset was most of the cost of
 * checking a 10 KB user data (56,000 calls for workshop's). */
static bool contains(const char *text, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	const char *p = text, *end = text + len;
	while (n <= (size_t)(end - p)) {
		p = memchr(p, needle[0], (size_t)(end - p) - n + 1);
		if (!p) {
			return false;
		}
		if (memcmp(p, needle, n) == 0) {
			return true;
		}
		p++;
	}
	return false;
}

/* Unpinned downloads: a moving "latest" or the unversioned AWS CLI zip. */
static void check_downloads(const char *mime, size_t len, struct gw_loc at,
                            struct gw_diags *d)
{
	static const char *const moving[] = {
	        "releases/latest",
	        "/latest/download",
	        "awscli-exe-linux-x86_64.zip",
	        "awscli-exe-linux-aarch64.zip",
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(moving); i++) {
		if (contains(mime, len, moving[i])) {
			gw_diag_add(d, GW_SEV_WARNING, at, gw_rule_id(GW_RULE_L9),
			            "pin a version "
			            "and check its sha-256",
			            "user data "
			            "downloads '%s', which changes under you "
			            "at every boot",
			            moving[i]);
		}
	}
}

bool gw_verify_user_data(const char *mime, size_t len, struct gw_loc at,
                         struct gw_diags *d)
{
	size_t errors = d->n_errors;
	if (len > GW_LIM_USER_DATA_MAX) {
		gw_diag_add(d, GW_SEV_ERROR, at, gw_rule_id(GW_RULE_L2),
		            "move scripts to the "
		            "bucket and fetch them at boot",
		            "user data is %zu "
		            "bytes, more than the 16384 ec2 accepts",
		            len);
	}
	const char *cur = mime, *end = mime + len;
	struct line l;
	char boundary[MSG_BYTES] = "";
	bool version = false, multipart = false;
	while (next_line(&cur, end, &l) && l.n > 0) {
		if (line_starts_nocase(&l, "mime-version:")) {
			version = true;
		}
		if (line_starts_nocase(&l, "content-type:") &&
		    contains(l.p, l.n, "multipart/mixed")) {
			multipart =
			        find_boundary(&l, boundary, sizeof(boundary));
		}
	}
	if (!multipart) {
		gw_diag_add(d, GW_SEV_ERROR, at, gw_rule_id(GW_RULE_L1),
		            "start with 'Content-Type: "
		            "multipart/mixed; boundary=\"...\"'",
		            "user data is "
		            "not a mime multipart archive, so aws batch marks "
		            "the compute environment invalid");
		return false;
	}
	if (!version) {
		gw_diag_add(d, GW_SEV_ERROR, at, gw_rule_id(GW_RULE_L1),
		            "add 'MIME-Version: 1.0'",
		            "user data has no mime-version header");
	}
	char open[MSG_BYTES + 2], close[MSG_BYTES + 4];
	snprintf(open, sizeof(open), "--%s", boundary);
	snprintf(close, sizeof(close), "--%s--", boundary);
	bool prev_blank = true, closed = false;
	size_t parts = 0;
	while (next_line(&cur, end, &l)) {
		if (line_is(&l, close) || line_is(&l, open)) {
			/* RFC 2046 allows it; the AWS Batch example has one. */
			if (!prev_blank) {
				gw_diag_add(d, GW_SEV_WARNING, at, gw_rule_id(GW_RULE_L1),
				            "add an "
				            "empty line before it",
				            "boundary "
				            "line '%.*s' does not follow an "
				            "empty line",
				            (int)l.n, l.p);
			}
			if (line_is(&l, close)) {
				closed = true;
				break;
			}
			parts++;
			/* The part header: needs a Content-Type. */
			bool type = false, boothook = false;
			while (next_line(&cur, end, &l) && l.n > 0) {
				if (line_starts_nocase(&l, "content-type:")) {
					type = true;
					boothook =
					        contains(l.p, l.n,
					                 "text/cloud-boothook");
				}
			}
			if (!type) {
				gw_diag_add(d, GW_SEV_ERROR, at, gw_rule_id(GW_RULE_L1),
				            "give each "
				            "part a Content-Type header and an "
				            "empty line",
				            "user data part %zu has "
				            "no content-type header",
				            parts);
			}
			const char *body = cur;
			const char *next = NULL;
			size_t open_len = strlen(open);
			for (const char *p = cur; p && p < end;) {
				if ((size_t)(end - p) >= open_len &&
				    memcmp(p, open, open_len) == 0) {
					next = p;
					break;
				}
				p = memchr(p, '\n', (size_t)(end - p));
				p = p ? p + 1 : NULL;
			}
			size_t blen = (size_t)((next ? next : end) - body);
			if (boothook &&
			    !contains(body, blen, "cloud-init-per")) {
				gw_diag_add(
				        d, GW_SEV_WARNING, at, gw_rule_id(GW_RULE_L7),
				        "guard it "
				        "with 'cloud-init-per once NAME'",
				        "user data part %zu is a "
				        "cloud-boothook, which runs at every "
				        "boot",
				        parts);
			}
			prev_blank = true;
			continue;
		}
		prev_blank = l.n == 0;
	}
	if (parts == 0) {
		gw_diag_add(d, GW_SEV_ERROR, at, gw_rule_id(GW_RULE_L1),
		            "add a part that starts "
		            "with '--BOUNDARY'",
		            "user data has no part "
		            "delimited by boundary '%s'",
		            boundary);
	}
	if (!closed) {
		gw_diag_add(d, GW_SEV_ERROR, at, gw_rule_id(GW_RULE_L1),
		            "end with '--BOUNDARY--'",
		            "user data does not end with the closing boundary "
		            "'%s'",
		            close);
	}
	check_downloads(mime, len, at, d);
	return d->n_errors == errors;
}

struct partition_scan {
	const char *logical;
	bool reported;
};

static void scan_partition(struct gw_cfn *t, yaml_node_t *n, void *data)
{
	struct partition_scan *s = data;
	const char *v = gw_cfn_scalar(n);
	const char *hit = v ? strstr(v, "arn:aws:") : NULL;
	if (!hit || s->reported) {
		return;
	}
	s->reported = true;
	const char *end = hit;
	while (*end && !isspace((unsigned char)*end) && *end != '"') {
		end++;
	}
	WARN(t, gw_cfn_loc(t, n), GW_RULE_A1,
	     "write arn:${AWS::Partition}:... so the "
	     "template works in aws-cn and aws-us-gov",
	     "resource '%s' hard-codes partition 'aws' in '%.*s'", s->logical,
	     (int)(end - hit), hit);
}

/* ---- Fn::Sub variables (L10) --------------------------------------------- */

static bool is_pseudo(const char *name)
{
	return gw_has_prefix(name, "AWS::");
}

static void check_sub_string(struct gw_cfn *t, yaml_node_t *n, const char *s,
                             yaml_node_t *vars)
{
	for (const char *p = strstr(s, "${"); p; p = strstr(p + 2, "${")) {
		const char *end = strchr(p, '}');
		if (!end) {
			break;
		}
		char name[MSG_BYTES];
		size_t len = (size_t)(end - p - 2);
		if (len >= sizeof(name)) {
			continue;
		}
		memcpy(name, p + 2, len);
		name[len] = '\0';
		if (name[0] == '!' || is_pseudo(name) ||
		    gw_cfn_get(t, vars, name)) {
			continue;
		}
		char base[MSG_BYTES];
		snprintf(base, sizeof(base), "%s", name);
		char *dot = strchr(base, '.');
		if (dot) {
			*dot = '\0'; /* ${Resource.Attribute} */
		}
		if (gw_cfn_get(t, t->parameters, base) ||
		    gw_cfn_has_resource(t, base)) {
			continue;
		}
		ERR(t, gw_cfn_loc(t, n), GW_RULE_L10,
		    "escape it as '${!...}' to keep it "
		    "literal",
		    "!Sub refers to '${%s}', which is no "
		    "parameter, resource or pseudo parameter%s",
		    name,
		    strchr(name, ':') ? " (an iam policy variable?)" : "");
	}
}

static void walk_subs(struct gw_cfn *t, yaml_node_t *n)
{
	if (!n || ++t->walked > GW_CFN_WALK_MAX) {
		return;
	}
	yaml_node_t *arg = NULL;
	const char *fn = gw_cfn_intrinsic(t, n, &arg);
	if (gw_cfn_is_fn(fn, "Sub")) {
		yaml_node_t *vars = NULL;
		yaml_node_t *text = arg;
		if (gw_cfn_is_seq(arg) && gw_cfn_seq_len(arg) >= 1) {
			text = gw_cfn_seq_at(t, arg, 0);
			vars = gw_cfn_seq_len(arg) > 1 ? gw_cfn_seq_at(t, arg, 1) : NULL;
		}
		if (gw_cfn_scalar(text)) {
			check_sub_string(t, text, gw_cfn_scalar(text), vars);
		}
	}
	if (n->type == YAML_SEQUENCE_NODE) {
		for (size_t i = 0; i < gw_cfn_seq_len(n); i++) {
			walk_subs(t, gw_cfn_seq_at(t, n, i));
		}
	} else if (n->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			walk_subs(t, gw_cfn_node(t, p->value));
		}
	}
}

/* ---- AWS::Batch::ComputeEnvironment
 * ------------------------------------------ */

/*
 * What the literal InstanceTypes of a compute environment select, in one
 * pass over the catalog for CE6, CE7 and CE10 alike: the first type of each
 * architecture, the smallest, the ones with the most vCPUs, memory and GPUs
 * (NULL when none has any), a P3 type, and the first A1 spec. 'literal' is
 * false for an intrinsic such as !Split of a parameter, and 'all_known'
 * whether every spec is a literal the catalog knows.
 */
struct ce_types_seen {
	bool literal, all_known;
	const struct gw_instance_type *arch[GW_ARCH_ARM64 + 1];
	const struct gw_instance_type *smallest, *most_vcpus, *most_memory;
	const struct gw_instance_type *gpu, *p3;
	yaml_node_t *a1;
};

static void scan_ce_types(struct gw_cfn *t, yaml_node_t *types,
                          struct ce_types_seen *out)
{
	*out = (struct ce_types_seen){0};
	yaml_node_t *arg = NULL;
	if (!gw_cfn_is_seq(types) || gw_cfn_intrinsic(t, types, &arg)) {
		return;
	}
	out->literal = true;
	out->all_known = gw_cfn_seq_len(types) > 0;
	for (size_t i = 0; i < gw_cfn_seq_len(types); i++) {
		yaml_node_t *n = gw_cfn_seq_at(t, types, i);
		const char *spec = gw_cfn_literal(t, n);
		char family[32];
		if (spec) {
			gw_catalog_family(spec, family, sizeof(family));
		}
		if (spec && strcmp(family, "a1") == 0 && !out->a1) {
			out->a1 = n;
		}
		if (!spec || !gw_catalog_spec_known(spec)) {
			out->all_known = false;
			continue;
		}
		for (size_t j = 0; j < gw_catalog_count(); j++) {
			const struct gw_instance_type *it = gw_catalog_at(j);
			if (!gw_catalog_selects(spec, it)) {
				continue;
			}
			if (!out->arch[it->arch]) {
				out->arch[it->arch] = it;
			}
			if (!out->smallest ||
			    it->vcpus < out->smallest->vcpus) {
				out->smallest = it;
			}
			if (!out->most_vcpus ||
			    it->vcpus > out->most_vcpus->vcpus) {
				out->most_vcpus = it;
			}
			if (!out->most_memory ||
			    it->memory_mib > out->most_memory->memory_mib) {
				out->most_memory = it;
			}
			if (it->gpus > 0 &&
			    (!out->gpu || it->gpus > out->gpu->gpus)) {
				out->gpu = it;
			}
			if (it->gpus > 0 && !out->p3 &&
			    gw_has_prefix(it->name, "p3.")) {
				out->p3 = it;
			}
		}
	}
}

static void check_ce_instance_types(struct gw_cfn *t, const char *logical,
                                    yaml_node_t *types,
                                    const struct ce_types_seen *seen,
                                    bool has_max, long long max,
                                    struct cfn_ce *rec)
{
	if (!seen->literal) {
		return; /* !Split of a parameter and the like */
	}
	for (size_t i = 0; i < gw_cfn_seq_len(types); i++) {
		yaml_node_t *n = gw_cfn_seq_at(t, types, i);
		const char *spec = gw_cfn_literal(t, n);
		if (spec && !gw_catalog_spec_known(spec)) {
			WARN(t, gw_cfn_loc(t, n), GW_RULE_CE6,
			     "check the type or update "
			     "data/instance-types.tsv",
			     "instance type "
			     "'%s' is not in gwgen's catalog, so its size "
			     "and architecture are not checked",
			     spec);
		}
	}
	if (rec && seen->all_known && seen->most_vcpus) {
		rec->most_vcpus = seen->most_vcpus;
		rec->most_memory = seen->most_memory;
	}
	if (seen->arch[GW_ARCH_X86_64] && seen->arch[GW_ARCH_ARM64]) {
		ERR(t, gw_cfn_loc(t, types), GW_RULE_CE6, "split x86_64 and arm64 types",
		    "compute environment '%s' mixes architectures: "
		    "'%s' is x86_64 and '%s' is arm64",
		    logical, seen->arch[GW_ARCH_X86_64]->name,
		    seen->arch[GW_ARCH_ARM64]->name);
	}
	const struct gw_instance_type *smallest = seen->smallest;
	if (smallest && has_max && max < (long long)smallest->vcpus) {
		/* domain.md CE7: an error with exactly one concrete type,
		 * which can never start; with families or several types
		 * Batch picks among them, and the rule is a warning. */
		const char *only = gw_cfn_seq_len(types) == 1
		                           ? gw_cfn_literal(t, gw_cfn_seq_at(t, types, 0))
		                           : NULL;
		bool one_type = only && strchr(only, '.');
		gw_rule_report(&t->rc, GW_RULE_CE7, one_type ? GW_SEV_ERROR : GW_SEV_WARNING, gw_cfn_loc(t, types), "raise MaxvCpus",
		       "compute environment '%s' allows %lld vcpus but its "
		       "smallest instance type (%s) has %u",
		       logical, max, smallest->name, smallest->vcpus);
	}
}

/* The image types AWS Batch knows (API Ec2Configuration: ECS and EKS
 * values; ECS_AL1 is past its end of life and refused as unknown here). */
static const char *const image_types[] = {
        "ECS_AL2023", "ECS_AL2023_NVIDIA", "ECS_AL2",         "ECS_AL2_NVIDIA",
        "EKS_AL2",    "EKS_AL2_NVIDIA",    "EKS_AL2023",      "EKS_AL2023_NVIDIA",
};

static bool is_image_type(const char *s)
{
	for (size_t i = 0; i < GW_ARRAY_LEN(image_types); i++) {
		if (strcmp(s, image_types[i]) == 0) {
			return true;
		}
	}
	return false;
}

/*
 * CE10 and CE11 on Ec2Configuration. Batch matches each instance to an
 * image type: GPU types need an *_NVIDIA entry once Ec2Configuration names
 * any (without one, Batch's defaults give GPU families the NVIDIA image),
 * and Amazon Linux 2023, also the default, does not run on A1 (API
 * Ec2Configuration).
 */
static void check_ce_image(struct gw_cfn *t, const char *logical, yaml_node_t *cr,
                           const struct ce_types_seen *seen)
{
	yaml_node_t *ec2 = gw_cfn_get(t, cr, "Ec2Configuration");
	/* No entry: Batch's default, Amazon Linux 2023. */
	bool all_literal = true, nvidia = false, other = false;
	bool al2023 = gw_cfn_seq_len(ec2) == 0;
	/* NVIDIA image types: ECS_AL2023_NVIDIA, and any other. */
	bool nvidia_al2023 = false, nvidia_other = false;
	yaml_node_t *nvidia_at = NULL;
	for (size_t i = 0; i < gw_cfn_seq_len(ec2); i++) {
		yaml_node_t *it = gw_cfn_get(t, gw_cfn_seq_at(t, ec2, i), "ImageType");
		const char *image = gw_cfn_literal(t, it);
		if (!image) {
			all_literal = false;
			continue;
		}
		if (gw_has_suffix(image, "_NVIDIA")) {
			nvidia = true;
			nvidia_at = nvidia_at ? nvidia_at : it;
			if (strcmp(image, "ECS_AL2023_NVIDIA") == 0) {
				nvidia_al2023 = true;
			} else {
				nvidia_other = true;
			}
		}
		if (gw_has_prefix(image, "ECS_AL2023")) {
			al2023 = true;
		} else {
			other = true;
		}
		if (strcmp(image, "ECS_AL2") == 0 ||
		    strcmp(image, "ECS_AL2_NVIDIA") == 0) {
			ERR(t, gw_cfn_loc(t, it), GW_RULE_CE11,
			    "use ECS_AL2023 (or "
			    "ECS_AL2023_NVIDIA)",
			    "compute environment "
			    "'%s' uses image type '%s'; aws batch blocks "
			    "new amazon linux 2 compute environments "
			    "since 2026-06-30",
			    logical, image);
		} else if (!is_image_type(image)) {
			ERR(t, gw_cfn_loc(t, it), GW_RULE_CE10,
			    "use ECS_AL2023 or "
			    "ECS_AL2023_NVIDIA",
			    "compute environment "
			    "'%s' has image type '%s'",
			    logical, image);
		}
	}
	if (!all_literal) {
		return;
	}
	if (seen->gpu && gw_cfn_seq_len(ec2) > 0 && !nvidia) {
		ERR(t, gw_cfn_loc(t, ec2), GW_RULE_CE10,
		    "add an entry with ImageType: ECS_AL2023_NVIDIA",
		    "compute environment '%s' includes gpu type '%s' but "
		    "no image type of its Ec2Configuration has nvidia "
		    "drivers",
		    logical, seen->gpu->name);
	} else if (seen->p3 && nvidia_al2023 && !nvidia_other) {
		/* As the profile verifier says (verify.c, CE10). */
		WARN(t, gw_cfn_loc(t, nvidia_at), GW_RULE_CE10, "use g4dn, g5, g6 or p4d",
		     "instance type '%s' is reported as unsupported by "
		     "ECS_AL2023_NVIDIA",
		     seen->p3->name);
	} else if (!seen->gpu && seen->all_known && nvidia) {
		WARN(t, gw_cfn_loc(t, nvidia_at), GW_RULE_CE10,
		     "use ECS_AL2023 or add gpu types",
		     "compute environment '%s' has an nvidia image type "
		     "but no gpu instance type",
		     logical);
	}
	if (seen->a1 && al2023 && !other) {
		ERR(t, gw_cfn_loc(t, seen->a1), GW_RULE_CE10,
		    "use graviton2 or later (c6g, m6g, r6g ...)",
		    "instance type '%s' of compute environment '%s' cannot "
		    "run amazon linux 2023%s",
		    gw_cfn_literal(t, seen->a1), logical,
		    gw_cfn_seq_len(ec2) ? "" : ", the default image");
	}
}

static void check_ce_launch_template(struct gw_cfn *t, const char *logical,
                                     yaml_node_t *cr)
{
	yaml_node_t *lt = gw_cfn_get(t, cr, "LaunchTemplate");
	if (!lt) {
		return;
	}
	if (gw_cfn_get(t, lt, "LaunchTemplateId") &&
	    gw_cfn_get(t, lt, "LaunchTemplateName")) {
		ERR(t, gw_cfn_loc(t, lt), GW_RULE_CE12, "keep one of them",
		    "compute environment '%s' gives both "
		    "LaunchTemplateId and LaunchTemplateName",
		    logical);
	}
	yaml_node_t *v = gw_cfn_get(t, lt, "Version");
	const char *version = gw_cfn_literal(t, v);
	if (!v || (version && (strcmp(version, "$Latest") == 0 ||
	                       strcmp(version, "$Default") == 0))) {
		WARN(t, gw_cfn_loc(t, v ? v : lt), GW_RULE_CE13,
		     "use !GetAtt "
		     "LT.LatestVersionNumber so template changes reach "
		     "the compute environment",
		     "compute environment '%s' "
		     "uses launch template version '%s', which batch "
		     "resolves once, when the environment is created",
		     logical, version ? version : "$Default");
	}
}

static struct cfn_ce *find_cfn_ce_rw(struct gw_cfn *t, const char *id)
{
	for (size_t i = 0; id && i < t->n_ces; i++) {
		if (strcmp(t->ces[i].logical, id) == 0) {
			return &t->ces[i];
		}
	}
	return NULL;
}

static void check_cfn_ce(struct gw_cfn *t, const char *logical, yaml_node_t *props)
{
	yaml_node_t *type = gw_cfn_get(t, props, "Type");
	const char *ts = gw_cfn_literal(t, type);
	if (!type && props) {
		/* Required (CFN AWS::Batch::ComputeEnvironment Type). */
		ERR(t, gw_cfn_loc(t, props), GW_RULE_CE1, "add Type: MANAGED",
		    "compute environment '%s' has no Type", logical);
	} else if (ts && strcmp(ts, "MANAGED") != 0 &&
	           strcmp(ts, "UNMANAGED") != 0) {
		ERR(t, gw_cfn_loc(t, type), GW_RULE_CE1, "use MANAGED or UNMANAGED",
		    "compute environment '%s' has type '%s'", logical, ts);
	}
	yaml_node_t *name = gw_cfn_get(t, props, "ComputeEnvironmentName");
	const char *ns = gw_cfn_literal(t, name);
	const char *why = ns ? gw_names_batch_error(ns) : NULL;
	if (why) {
		ERR(t, gw_cfn_loc(t, name), GW_RULE_CE16, NULL,
		    "compute environment name "
		    "'%s' %s",
		    ns, why);
	}
	yaml_node_t *sr = gw_cfn_get(t, props, "ServiceRole");
	if (sr) {
		WARN(t, gw_cfn_loc(t, sr), GW_RULE_CE15,
		     "omit ServiceRole to use batch's "
		     "service-linked role",
		     "compute environment '%s' "
		     "uses a regular service role, so it cannot take "
		     "infrastructure updates",
		     logical);
	}
	yaml_node_t *cr = gw_cfn_get(t, props, "ComputeResources");
	if (!cr) {
		return;
	}
	yaml_node_t *crt = gw_cfn_get(t, cr, "Type");
	enum gw_ce_type k = gw_ce_type_of(gw_cfn_literal(t, crt));
	if (!crt) {
		ERR(t, gw_cfn_loc(t, cr), GW_RULE_CE1,
		    "add Type: EC2, SPOT, FARGATE or FARGATE_SPOT",
		    "compute resources of compute environment '%s' have no "
		    "Type",
		    logical);
	} else if (gw_cfn_literal(t, crt) && k == GW_CE_UNKNOWN) {
		ERR(t, gw_cfn_loc(t, crt), GW_RULE_CE1,
		    "use EC2, SPOT, FARGATE or "
		    "FARGATE_SPOT",
		    "compute environment '%s' has "
		    "compute resources type '%s'",
		    logical, gw_cfn_literal(t, crt));
	}
	if (t->n_ces < GW_CFN_TRACK_MAX) {
		t->ces[t->n_ces++] = (struct cfn_ce){.logical = logical,
		                                     .type = k};
	}
	yaml_node_t *maxn = gw_cfn_get(t, cr, "MaxvCpus");
	if (!maxn) {
		ERR(t, gw_cfn_loc(t, cr), GW_RULE_CE1, "set MaxvCpus",
		    "compute "
		    "environment '%s' has no MaxvCpus",
		    logical);
	}
	long long min = 0, desired = 0, max = 0;
	bool has_min = gw_cfn_int(t, gw_cfn_get(t, cr, "MinvCpus"), &min);
	bool has_des = gw_cfn_int(t, gw_cfn_get(t, cr, "DesiredvCpus"), &desired);
	bool has_max = gw_cfn_int(t, maxn, &max);
	if (has_min && min < 0) {
		ERR(t, gw_cfn_loc(t, gw_cfn_get(t, cr, "MinvCpus")), GW_RULE_CE2, NULL,
		    "compute environment '%s' has MinvCpus %lld", logical, min);
	}
	if (has_min && has_des && min > desired) {
		ERR(t, gw_cfn_loc(t, gw_cfn_get(t, cr, "DesiredvCpus")), GW_RULE_CE2, NULL,
		    "compute environment '%s' has DesiredvCpus %lld "
		    "below MinvCpus %lld",
		    logical, desired, min);
	}
	long long low = has_des ? desired : min;
	if (has_max && (has_des || has_min) && low > max) {
		ERR(t, gw_cfn_loc(t, maxn), GW_RULE_CE2, NULL,
		    "compute environment '%s' "
		    "has MaxvCpus %lld below %lld",
		    logical, max, low);
	}
	if (has_min && min > 0) {
		WARN(t, gw_cfn_loc(t, gw_cfn_get(t, cr, "MinvCpus")), GW_RULE_CE9,
		     "use 0 "
		     "unless you want warm nodes",
		     "compute environment "
		     "'%s' keeps %lld vcpus running while idle",
		     logical, min);
	}
	yaml_node_t *as = gw_cfn_get(t, cr, "AllocationStrategy");
	const char *strategy = gw_cfn_literal(t, as);
	static const char *const strategies[] = {
	        "BEST_FIT",
	        "BEST_FIT_PROGRESSIVE",
	        "SPOT_CAPACITY_OPTIMIZED",
	        "SPOT_PRICE_CAPACITY_OPTIMIZED",
	};
	bool known = false;
	for (size_t i = 0; strategy && i < GW_ARRAY_LEN(strategies); i++) {
		known = known || strcmp(strategy, strategies[i]) == 0;
	}
	if (strategy && !known) {
		ERR(t, gw_cfn_loc(t, as), GW_RULE_CE3, NULL,
		    "compute environment '%s' has "
		    "allocation strategy '%s'",
		    logical, strategy);
	} else if (strategy && gw_has_prefix(strategy, "SPOT_") &&
	           k != GW_CE_SPOT && k != GW_CE_UNKNOWN) {
		ERR(t, gw_cfn_loc(t, as), GW_RULE_CE3, "use BEST_FIT_PROGRESSIVE",
		    "allocation strategy '%s' of compute environment "
		    "'%s' needs type SPOT",
		    strategy, logical);
	}
	bool best_fit = !strategy || strcmp(strategy, "BEST_FIT") == 0;
	if (best_fit && !gw_ce_is_fargate(k)) {
		WARN(t, gw_cfn_loc(t, as ? as : cr), GW_RULE_CE15,
		     "use "
		     "BEST_FIT_PROGRESSIVE",
		     "compute environment '%s' "
		     "uses BEST_FIT%s, which cannot take infrastructure "
		     "updates",
		     logical, strategy ? "" : " (the default)");
	}
	yaml_node_t *fleet = gw_cfn_get(t, cr, "SpotIamFleetRole");
	if (k == GW_CE_SPOT && best_fit && !fleet) {
		ERR(t, gw_cfn_loc(t, cr), GW_RULE_CE4,
		    "add SpotIamFleetRole or use "
		    "SPOT_PRICE_CAPACITY_OPTIMIZED",
		    "spot compute "
		    "environment '%s' uses BEST_FIT and has no "
		    "SpotIamFleetRole",
		    logical);
	} else if (k == GW_CE_SPOT && !best_fit && fleet) {
		WARN(t, gw_cfn_loc(t, fleet), GW_RULE_CE4, "remove it",
		     "compute environment "
		     "'%s' uses '%s', which does not use "
		     "SpotIamFleetRole",
		     logical, strategy);
	} else if (k != GW_CE_SPOT && k != GW_CE_UNKNOWN && fleet) {
		ERR(t, gw_cfn_loc(t, fleet), GW_RULE_CE4, "remove it",
		    "compute "
		    "environment '%s' of type '%s' sets "
		    "SpotIamFleetRole",
		    logical, gw_ce_type_names[k]);
	}
	yaml_node_t *bid = gw_cfn_get(t, cr, "BidPercentage");
	long long b;
	if (bid && k != GW_CE_SPOT && k != GW_CE_UNKNOWN) {
		ERR(t, gw_cfn_loc(t, bid), GW_RULE_CE5, "remove it",
		    "compute environment "
		    "'%s' of type '%s' sets BidPercentage",
		    logical, gw_ce_type_names[k]);
	} else if (bid && gw_cfn_int(t, bid, &b) && (b < 1 || b > GW_LIM_BID_MAX)) {
		ERR(t, gw_cfn_loc(t, bid), GW_RULE_CE5, "use 1..100",
		    "compute environment "
		    "'%s' has BidPercentage %lld",
		    logical, b);
	}
	if (gw_ce_is_fargate(k)) {
		static const char *const banned[] = {
		        "LaunchTemplate",     "InstanceTypes",
		        "AllocationStrategy", "BidPercentage",
		        "MinvCpus",           "DesiredvCpus",
		        "InstanceRole",       "Ec2Configuration",
		};
		for (size_t i = 0; i < GW_ARRAY_LEN(banned); i++) {
			yaml_node_t *n = gw_cfn_get(t, cr, banned[i]);
			if (n) {
				ERR(t, gw_cfn_loc(t, n), GW_RULE_CE17, "remove it",
				    "fargate compute environment '%s' "
				    "sets %s",
				    logical, banned[i]);
			}
		}
		return;
	}
	static const char *const required[] = {"Subnets", "InstanceRole"};
	for (size_t i = 0; k != GW_CE_UNKNOWN && i < GW_ARRAY_LEN(required); i++) {
		if (!gw_cfn_get(t, cr, required[i])) {
			ERR(t, gw_cfn_loc(t, cr), i == 0 ? GW_RULE_CE1 : GW_RULE_R1,
			    "add it to ComputeResources",
			    "compute environment '%s' of type '%s' has no %s",
			    logical, gw_ce_type_names[k], required[i]);
		}
	}
	yaml_node_t *types = gw_cfn_get(t, cr, "InstanceTypes");
	struct ce_types_seen seen;
	scan_ce_types(t, types, &seen);
	check_ce_image(t, logical, cr, &seen);
	check_ce_launch_template(t, logical, cr);
	struct cfn_ce *rec = find_cfn_ce_rw(t, logical);
	check_ce_instance_types(t, logical, types, &seen, has_max, max, rec);
	if (gw_cfn_get(t, cr, "Tags") && name) {
		NOTE(t, gw_cfn_loc(t, gw_cfn_get(t, cr, "Tags")), GW_RULE_CE14,
		     "rename the "
		     "compute environment in the same change",
		     "tags of compute environment '%s' are create-only: "
		     "changing them replaces it, which cloudformation "
		     "refuses while ComputeEnvironmentName is set",
		     logical);
	}
}

/*
 * Q6: what a JobStateTimeLimitActions entry may say (AWS Batch API
 * JobStateTimeLimitAction, CDK JobStateTimeLimitActionsReason; the actions
 * as in domain.md's Q6): Batch acts only on these blocked-job reasons, and
 * only on RUNNABLE jobs.
 */
static const char *const time_limit_reasons[] = {
        "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
        "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
        "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
};

static void check_time_limit_action(struct gw_cfn *t, const char *logical,
                                    yaml_node_t *action)
{
	yaml_node_t *n = gw_cfn_get(t, action, "Action");
	const char *v = gw_cfn_scalar(n);
	if (v && strcmp(v, "CANCEL") != 0 && strcmp(v, "TERMINATE") != 0) {
		ERR(t, gw_cfn_loc(t, n), GW_RULE_Q6, "use CANCEL",
		    "queue '%s' has a time limit with Action '%s'", logical, v);
	}
	n = gw_cfn_get(t, action, "State");
	v = gw_cfn_scalar(n);
	if (v && strcmp(v, "RUNNABLE") != 0) {
		ERR(t, gw_cfn_loc(t, n), GW_RULE_Q6, "use RUNNABLE",
		    "queue '%s' has a time limit with State '%s'", logical, v);
	}
	yaml_node_t *reason = gw_cfn_get(t, action, "Reason");
	v = gw_cfn_scalar(reason);
	bool known = false;
	for (size_t i = 0; v && i < GW_ARRAY_LEN(time_limit_reasons); i++) {
		known = known || strcmp(v, time_limit_reasons[i]) == 0;
	}
	if (v && !known) {
		ERR(t, gw_cfn_loc(t, reason), GW_RULE_Q6,
		    "use CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY, "
		    "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE or "
		    "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
		    "queue '%s' has a time limit for reason '%s', which batch "
		    "never reports", logical, v);
	}
}

/* ---- AWS::Batch::JobQueue
 * ------------------------------------------------------ */

static const struct cfn_ce *find_cfn_ce(const struct gw_cfn *t, const char *id)
{
	for (size_t i = 0; id && i < t->n_ces; i++) {
		if (strcmp(t->ces[i].logical, id) == 0) {
			return &t->ces[i];
		}
	}
	return NULL;
}

static void check_cfn_queue_order(struct gw_cfn *t, const char *logical,
                                  yaml_node_t *order, struct cfn_queue *q)
{
	size_t n = gw_cfn_seq_len(order);
	if (n < 1 || n > GW_LIM_QUEUE_CES_MAX) {
		ERR(t, gw_cfn_loc(t, order), GW_RULE_Q1, "use 1..3 compute environments",
		    "queue '%s' has %zu compute environments", logical, n);
	}
	long long orders[GW_LIM_QUEUE_CES_MAX * 4];
	const struct cfn_ce *by_order[GW_LIM_QUEUE_CES_MAX * 4] = {0};
	size_t known = 0;
	bool fargate = false, ec2 = false;
	for (size_t i = 0; i < n && i < GW_ARRAY_LEN(orders); i++) {
		yaml_node_t *e = gw_cfn_seq_at(t, order, i);
		yaml_node_t *on = gw_cfn_get(t, e, "Order");
		yaml_node_t *cn = gw_cfn_get(t, e, "ComputeEnvironment");
		long long o = 0;
		bool has_order = gw_cfn_int(t, on, &o);
		for (size_t j = 0; has_order && j < known; j++) {
			if (orders[j] == o) {
				ERR(t, gw_cfn_loc(t, on), GW_RULE_Q2,
				    "give each compute "
				    "environment its own order",
				    "queue '%s' uses order %lld twice", logical,
				    o);
			}
		}
		const char *target = gw_cfn_ref_target(t, cn);
		const struct cfn_ce *ce = find_cfn_ce(t, target);
		const char *lit = gw_cfn_literal(t, cn);
		if (target && !ce && !gw_cfn_get(t, t->parameters, target) &&
		    !gw_cfn_has_resource(t, target)) {
			ERR(t, gw_cfn_loc(t, cn), GW_RULE_Q9,
			    "refer to a compute "
			    "environment of this template",
			    "queue '%s' refers to '%s', which the "
			    "template does not define",
			    logical, target);
		} else if (!target && lit) {
			gw_arn_verify(lit, NULL, 0, gw_cfn_loc(t, cn), t->d);
		}
		if (ce && q->n_ces < GW_LIM_QUEUE_CES_MAX) {
			q->ces[q->n_ces++] = ce->logical;
		}
		if (ce) {
			fargate = fargate || gw_ce_is_fargate(ce->type);
			ec2 = ec2 || ce->type == GW_CE_EC2 || ce->type == GW_CE_SPOT;
		}
		if (has_order) {
			/* insertion by order, for the spill-over check */
			size_t j = known;
			while (j > 0 && orders[j - 1] > o) {
				orders[j] = orders[j - 1];
				by_order[j] = by_order[j - 1];
				j--;
			}
			orders[j] = o;
			by_order[j] = ce;
			known++;
		}
	}
	if (fargate && ec2) {
		ERR(t, gw_cfn_loc(t, order), GW_RULE_Q3, "use separate queues",
		    "queue '%s' "
		    "mixes ec2/spot and fargate compute environments",
		    logical);
	}
	bool seen_spot = false, all_spot = known > 0;
	for (size_t i = 0; i < known; i++) {
		const struct cfn_ce *ce = by_order[i];
		if (!ce || ce->type == GW_CE_UNKNOWN) {
			all_spot = false;
			continue;
		}
		bool spot = ce->type == GW_CE_SPOT || ce->type == GW_CE_FARGATE_SPOT;
		all_spot = all_spot && spot;
		if (!spot && seen_spot) {
			WARN(t, gw_cfn_loc(t, order), GW_RULE_Q8,
			     "use separate spot and "
			     "on-demand queues (gwfcore commit 7030a12)",
			     "queue '%s' spills over from spot to "
			     "on-demand compute environment '%s'; "
			     "insufficient spot capacity can leave jobs "
			     "runnable",
			     logical, ce->logical);
		}
		seen_spot = seen_spot || spot;
	}
	if (all_spot) {
		NOTE(t, gw_cfn_loc(t, order), GW_RULE_Q8,
		     "do not submit workflow head "
		     "jobs here, and retry reclaimed tasks (nextflow's "
		     "maxSpotAttempts is 0 since 24.10)",
		     "queue '%s' "
		     "reaches only spot capacity",
		     logical);
	}
}

static void check_cfn_queue(struct gw_cfn *t, const char *logical,
                            yaml_node_t *props)
{
	struct cfn_queue q = {.logical = logical};
	yaml_node_t *name = gw_cfn_get(t, props, "JobQueueName");
	const char *ns = gw_cfn_literal(t, name);
	const char *why = ns ? gw_names_batch_error(ns) : NULL;
	if (why) {
		ERR(t, gw_cfn_loc(t, name), GW_RULE_Q5, NULL, "job queue name '%s' %s",
		    ns, why);
	}
	yaml_node_t *prio = gw_cfn_get(t, props, "Priority");
	if (!prio) {
		ERR(t, gw_cfn_loc(t, props), GW_RULE_Q4, "set Priority 0..1000",
		    "queue '%s' has no Priority", logical);
	} else if (gw_cfn_int(t, prio, &q.priority)) {
		q.has_priority = true;
		q.priority_at = gw_cfn_loc(t, prio);
		if (q.priority < 0 || q.priority > GW_LIM_PRIORITY_MAX) {
			ERR(t, gw_cfn_loc(t, prio), GW_RULE_Q4, "use 0..1000",
			    "queue '%s' "
			    "has priority %lld",
			    logical, q.priority);
		}
	}
	yaml_node_t *order = gw_cfn_get(t, props, "ComputeEnvironmentOrder");
	if (order) {
		check_cfn_queue_order(t, logical, order, &q);
	} else if (!gw_cfn_get(t, props, "ServiceEnvironmentOrder")) {
		ERR(t, gw_cfn_loc(t, props), GW_RULE_Q1, "add ComputeEnvironmentOrder",
		    "queue '%s' has no compute environments", logical);
	}
	yaml_node_t *limits = gw_cfn_get(t, props, "JobStateTimeLimitActions");
	for (size_t i = 0; i < gw_cfn_seq_len(limits); i++) {
		yaml_node_t *action = gw_cfn_seq_at(t, limits, i);
		check_time_limit_action(t, logical, action);
		yaml_node_t *mt = gw_cfn_get(t, action, "MaxTimeSeconds");
		long long v;
		if (gw_cfn_int(t, mt, &v) &&
		    (v < GW_LIM_RUNNABLE_TIMEOUT_MIN || v > GW_LIM_RUNNABLE_TIMEOUT_MAX)) {
			ERR(t, gw_cfn_loc(t, mt), GW_RULE_Q6, "use 600..86400",
			    "queue '%s' "
			    "has MaxTimeSeconds %lld",
			    logical, v);
		}
	}
	if (t->n_queues < GW_CFN_TRACK_MAX) {
		t->queues[t->n_queues++] = q;
	}
}

/*
 * Job definitions do not name a queue, so a template job is checked against
 * every compute environment of the template: it must fit one of them. Only
 * done when every CE lists literal instance types the catalog knows.
 */
static void check_job_sizes(struct gw_cfn *t)
{
	const struct gw_instance_type *vcpus = NULL, *memory = NULL;
	for (size_t i = 0; i < t->n_ces; i++) {
		const struct cfn_ce *ce = &t->ces[i];
		if (gw_ce_is_fargate(ce->type)) {
			continue;
		}
		if (!ce->most_vcpus) {
			return;
		}
		if (!vcpus || ce->most_vcpus->vcpus > vcpus->vcpus) {
			vcpus = ce->most_vcpus;
		}
		if (!memory || ce->most_memory->memory_mib > memory->memory_mib) {
			memory = ce->most_memory;
		}
	}
	for (size_t i = 0; vcpus && i < t->n_jobs; i++) {
		const struct cfn_job *j = &t->jobs[i];
		if (j->vcpus > (long long)vcpus->vcpus) {
			ERR(t, j->vcpus_at, GW_RULE_J3, "lower the request or add a "
			    "larger instance type",
			    "job definition '%s' needs %lld vcpus but the "
			    "largest instance type in this template (%s) "
			    "has %u",
			    j->logical, j->vcpus, vcpus->name, vcpus->vcpus);
		}
		long long avail =
		        (long long)memory->memory_mib - GW_LIM_ECS_RESERVED_MIB;
		if (j->memory_mib > avail) {
			ERR(t, j->memory_at, GW_RULE_J4, "request less memory; the ECS "
			    "agent reserves 32 MiB",
			    "job definition '%s' needs %lld mib but the "
			    "largest instance type in this template (%s) "
			    "has %u mib, at most %lld after the ecs agent's "
			    "32 mib",
			    j->logical, j->memory_mib, memory->name,
			    memory->memory_mib, avail);
		}
	}
}

static void check_queue_priorities(struct gw_cfn *t)
{
	for (size_t i = 0; i < t->n_queues; i++) {
		const struct cfn_queue *a = &t->queues[i];
		for (size_t j = 0; j < i; j++) {
			const struct cfn_queue *b = &t->queues[j];
			if (!a->has_priority || !b->has_priority ||
			    a->priority != b->priority) {
				continue;
			}
			bool share = false;
			for (size_t x = 0; x < a->n_ces; x++) {
				for (size_t y = 0; y < b->n_ces; y++) {
					share = share || strcmp(a->ces[x],
					                        b->ces[y]) == 0;
				}
			}
			if (share) {
				WARN(t, a->priority_at, GW_RULE_Q4,
				     "give them distinct "
				     "priorities",
				     "queues '%s' and '%s' "
				     "share a compute environment and "
				     "both have priority %lld",
				     b->logical, a->logical, a->priority);
			}
		}
	}
}

/* ---- AWS::Batch::JobDefinition ----------------------------------------------
 */

static void check_cfn_job_def(struct gw_cfn *t, const char *logical,
                              yaml_node_t *props)
{
	yaml_node_t *name = gw_cfn_get(t, props, "JobDefinitionName");
	const char *ns = gw_cfn_literal(t, name);
	const char *why = ns ? gw_names_batch_error(ns) : NULL;
	if (why) {
		ERR(t, gw_cfn_loc(t, name), GW_RULE_J1, NULL,
		    "job definition name '%s' %s", ns, why);
	}
	yaml_node_t *cp = gw_cfn_get(t, props, "ContainerProperties");
	yaml_node_t *image = gw_cfn_get(t, cp, "Image");
	const char *is = gw_cfn_literal(t, image);
	why = is ? gw_names_image_error(is) : NULL;
	if (why) {
		ERR(t, gw_cfn_loc(t, image), GW_RULE_J9, NULL,
		    "image '%s' of job "
		    "definition '%s' %s",
		    is, logical, why);
	}
	long long v;
	yaml_node_t *vc = gw_cfn_get(t, cp, "Vcpus");
	yaml_node_t *mem = gw_cfn_get(t, cp, "Memory");
	yaml_node_t *rr = gw_cfn_get(t, cp, "ResourceRequirements");
	for (size_t i = 0; i < gw_cfn_seq_len(rr); i++) {
		yaml_node_t *e = gw_cfn_seq_at(t, rr, i);
		const char *type = gw_cfn_literal(t, gw_cfn_get(t, e, "Type"));
		if (type && strcmp(type, "VCPU") == 0) {
			vc = gw_cfn_get(t, e, "Value");
		} else if (type && strcmp(type, "MEMORY") == 0) {
			mem = gw_cfn_get(t, e, "Value");
		}
	}
	if (gw_cfn_int(t, vc, &v) && v < 1) {
		ERR(t, gw_cfn_loc(t, vc), GW_RULE_J2, "use at least 1",
		    "job definition "
		    "'%s' has %lld vcpus",
		    logical, v);
	}
	struct cfn_job job = {.logical = logical,
	                      .vcpus_at = gw_cfn_loc(t, vc),
	                      .memory_at = gw_cfn_loc(t, mem)};
	if (gw_cfn_int(t, vc, &v)) {
		job.vcpus = v;
	}
	if (gw_cfn_int(t, mem, &v)) {
		job.memory_mib = v;
	}
	if (t->n_jobs < GW_CFN_TRACK_MAX) {
		t->jobs[t->n_jobs++] = job;
	}
	if (gw_cfn_int(t, mem, &v) && v < GW_LIM_JOB_MEMORY_MIN_MIB) {
		ERR(t, gw_cfn_loc(t, mem), GW_RULE_J2, "use at least 4",
		    "job definition "
		    "'%s' has %lld mib of memory",
		    logical, v);
	}
	yaml_node_t *to = gw_cfn_get(t, gw_cfn_get(t, props, "Timeout"),
	                          "AttemptDurationSeconds");
	if (gw_cfn_int(t, to, &v) && v < GW_LIM_JOB_TIMEOUT_MIN) {
		ERR(t, gw_cfn_loc(t, to), GW_RULE_J6, "use at least 60",
		    "job definition "
		    "'%s' has a timeout of %lld seconds",
		    logical, v);
	}
	yaml_node_t *rs = gw_cfn_get(t, props, "RetryStrategy");
	yaml_node_t *at = gw_cfn_get(t, rs, "Attempts");
	if (gw_cfn_int(t, at, &v) && (v < 1 || v > GW_LIM_ATTEMPTS_MAX)) {
		ERR(t, gw_cfn_loc(t, at), GW_RULE_J7, "use 1..10",
		    "job definition '%s' has "
		    "%lld attempts",
		    logical, v);
	}
	yaml_node_t *eoe = gw_cfn_get(t, rs, "EvaluateOnExit");
	if (gw_cfn_seq_len(eoe) > GW_LIM_EVALUATE_ON_EXIT_MAX) {
		ERR(t, gw_cfn_loc(t, eoe), GW_RULE_J7, "use at most 5 entries",
		    "job definition '%s' has %zu EvaluateOnExit "
		    "entries",
		    logical, gw_cfn_seq_len(eoe));
	}
	/* Action is required and one of RETRY or EXIT, which the Batch API
	 * compares ignoring case (API EvaluateOnExit). */
	for (size_t i = 0; i < gw_cfn_seq_len(eoe); i++) {
		yaml_node_t *e = gw_cfn_seq_at(t, eoe, i);
		yaml_node_t *act = gw_cfn_get(t, e, "Action");
		const char *as = gw_cfn_literal(t, act);
		if (!act) {
			ERR(t, gw_cfn_loc(t, e), GW_RULE_J7, "add Action: RETRY or EXIT",
			    "EvaluateOnExit entry %zu of job definition '%s' "
			    "has no Action",
			    i + 1, logical);
		} else if (as && !gw_names_equal_nocase(as, "RETRY") &&
		           !gw_names_equal_nocase(as, "EXIT")) {
			ERR(t, gw_cfn_loc(t, act), GW_RULE_J7, "use RETRY or EXIT",
			    "EvaluateOnExit entry %zu of job definition '%s' "
			    "has action '%s'",
			    i + 1, logical, as);
		}
	}
	yaml_node_t *drv =
	        gw_cfn_get(t, gw_cfn_get(t, cp, "LogConfiguration"), "LogDriver");
	const char *ds = gw_cfn_literal(t, drv);
	static const char *const drivers[] = {
	        "awslogs",   "fluentd", "gelf",   "journald",
	        "json-file", "splunk",  "syslog",
	};
	bool ok = !ds;
	for (size_t i = 0; ds && i < GW_ARRAY_LEN(drivers); i++) {
		ok = ok || strcmp(ds, drivers[i]) == 0;
	}
	if (!ok) {
		ERR(t, gw_cfn_loc(t, drv), GW_RULE_J8, "use awslogs",
		    "job definition '%s' "
		    "has log driver '%s'",
		    logical, ds);
	}
	if (gw_cfn_get(t, cp, "Secrets") && !gw_cfn_get(t, cp, "ExecutionRoleArn")) {
		ERR(t, gw_cfn_loc(t, gw_cfn_get(t, cp, "Secrets")), GW_RULE_J10,
		    "add "
		    "ExecutionRoleArn",
		    "job definition '%s' uses "
		    "secrets but has no execution role",
		    logical);
	}
}

/* ---- AWS::EC2::LaunchTemplate
 * ------------------------------------------------ */


static void check_cfn_ebs(struct gw_cfn *t, const char *dev, yaml_node_t *ebs,
                          bool root)
{
	yaml_node_t *vt = gw_cfn_get(t, ebs, "VolumeType");
	const char *type = gw_cfn_literal(t, vt);
	yaml_node_t *sn = gw_cfn_get(t, ebs, "VolumeSize");
	yaml_node_t *in = gw_cfn_get(t, ebs, "Iops");
	yaml_node_t *tn = gw_cfn_get(t, ebs, "Throughput");
	struct gw_ebs_volume e = {
	        .device = dev,
	        .type = type,
	        .root = root,
	        .type_at = gw_cfn_loc(t, vt ? vt : ebs),
	        .size_at = gw_cfn_loc(t, sn),
	        .iops_at = gw_cfn_loc(t, in),
	        .throughput_at = gw_cfn_loc(t, tn),
	};
	e.has_size = gw_cfn_int(t, sn, &e.size_gib);
	e.has_iops = gw_cfn_int(t, in, &e.iops);
	e.has_throughput = gw_cfn_int(t, tn, &e.throughput);
	/* A VolumeType from a parameter without a default: not judged. */
	if (!vt || type) {
		gw_verify_ebs(&e, t->d);
	}
	yaml_node_t *dot = gw_cfn_get(t, ebs, "DeleteOnTermination");
	const char *ds = gw_cfn_literal(t, dot);
	if (!root && ds &&
	    (strcmp(ds, "false") == 0 || strcmp(ds, "False") == 0)) {
		WARN(t, gw_cfn_loc(t, dot), GW_RULE_V4, "set DeleteOnTermination: true",
		     "volume '%s' survives its instance", dev);
	}
	yaml_node_t *enc = gw_cfn_get(t, ebs, "Encrypted");
	const char *es = gw_cfn_literal(t, enc);
	if (es && (strcmp(es, "false") == 0 || strcmp(es, "False") == 0)) {
		ERR(t, gw_cfn_loc(t, enc), GW_RULE_V5, "set Encrypted: true",
		    "volume '%s' "
		    "is not encrypted",
		    dev);
	} else if (!enc && !gw_cfn_get(t, ebs, "SnapshotId")) {
		WARN(t, gw_cfn_loc(t, ebs), GW_RULE_V5, "set Encrypted: true",
		     "volume "
		     "'%s' is encrypted only if the account enables ebs "
		     "encryption by default",
		     dev);
	}
}

static void check_cfn_devices(struct gw_cfn *t, yaml_node_t *bdm,
                              const char *user_data)
{
	char slots[GW_CFN_TRACK_MAX][GW_DEVICE_NAME_MAX];
	const char *names[GW_CFN_TRACK_MAX];
	size_t n_slots = 0;
	for (size_t i = 0; i < gw_cfn_seq_len(bdm); i++) {
		yaml_node_t *m = gw_cfn_seq_at(t, bdm, i);
		yaml_node_t *dn = gw_cfn_get(t, m, "DeviceName");
		const char *dev = gw_cfn_literal(t, dn);
		if (!dev) {
			continue;
		}
		struct gw_loc at = gw_cfn_loc(t, dn);
		enum gw_device_kind k = gw_device_classify(dev);
		if (k == GW_DEVICE_NVME) {
			ERR(t, at, GW_RULE_D5, "name the slot /dev/sd[f-p]",
			    "device "
			    "'%s' is an nvme name, which a block device "
			    "mapping refuses",
			    dev);
			continue;
		}
		if (k == GW_DEVICE_BAD) {
			ERR(t, at, GW_RULE_D1,
			    "use /dev/sd[f-p], /dev/xvd[e-z] or "
			    "/dev/xvd[a-d][a-z]",
			    "device '%s' is not a "
			    "linux device name ec2 accepts",
			    dev);
			continue;
		}
		if (gw_device_is_instance_store(dev)) {
			WARN(t, at, GW_RULE_D4, "use /dev/sd[f-p]",
			     "device '%s' is an "
			     "instance-store name; aws strongly "
			     "recommends not using it for ebs",
			     dev);
		}
		if (gw_device_is_al1_docker(dev)) {
			WARN(t, at, GW_RULE_D8, "remove it",
			     "device '%s' is the "
			     "amazon linux 1 docker volume; on al2 and "
			     "al2023 it is an unused paid volume",
			     dev);
		}
		/* /dev/xvdba is ebs-autoscale's documented initial device. */
		if (gw_device_is_tool_range(dev) &&
		    strcmp(dev, "/dev/xvdba") != 0 &&
		    !(user_data && strstr(user_data, dev))) {
			WARN(t, at, GW_RULE_D9, "use /dev/sd[f-p] for static volumes",
			     "device '%s' is in /dev/xvdb[a-z], which "
			     "ebs-autoscale uses for the volumes it adds",
			     dev);
		}
		char slot[GW_DEVICE_NAME_MAX];
		if (gw_device_slot(dev, slot)) {
			for (size_t j = 0; j < n_slots; j++) {
				if (strcmp(slots[j], slot) == 0) {
					ERR(t, at, GW_RULE_D6,
					    "give each volume its own "
					    "slot",
					    "device '%s' is the "
					    "same slot as '%s'",
					    dev, names[j]);
				}
			}
			if (n_slots < GW_CFN_TRACK_MAX) {
				memcpy(slots[n_slots], slot, sizeof(slot));
				names[n_slots++] = dev;
			}
		}
		yaml_node_t *ebs = gw_cfn_get(t, m, "Ebs");
		if (ebs) {
			check_cfn_ebs(t, dev, ebs, k == GW_DEVICE_ROOT);
		}
	}
}

static void check_cfn_user_data(struct gw_cfn *t, yaml_node_t *ud)
{
	yaml_node_t *arg = NULL;
	const char *fn = gw_cfn_intrinsic(t, ud, &arg);
	if (!gw_cfn_is_fn(fn, "Base64")) {
		ERR(t, gw_cfn_loc(t, ud), GW_RULE_L2, "wrap it in !Base64 (Fn::Base64)",
		    "launch template user data is not base64-encoded");
		return;
	}
	bool templated = false;
	const char *text = gw_cfn_string(t, arg, &templated);
	if (!text) {
		return; /* built by !Join or similar: not checkable offline */
	}
	yaml_node_t *at = arg;
	yaml_node_t *inner = NULL;
	if (gw_cfn_intrinsic(t, arg, &inner) && inner) {
		at = gw_cfn_is_seq(inner) ? gw_cfn_seq_at(t, inner, 0) : inner;
	}
	gw_verify_user_data(text, strlen(text), gw_cfn_loc(t, at), t->d);
}

static void check_cfn_launch_template(struct gw_cfn *t, const char *logical,
                                      yaml_node_t *props)
{
	yaml_node_t *name = gw_cfn_get(t, props, "LaunchTemplateName");
	const char *ns = gw_cfn_literal(t, name);
	const char *why = ns ? gw_names_launch_template_error(ns) : NULL;
	if (why) {
		ERR(t, gw_cfn_loc(t, name), GW_RULE_N5, NULL,
		    "launch template name '%s' "
		    "%s",
		    ns, why);
	}
	yaml_node_t *data = gw_cfn_get(t, props, "LaunchTemplateData");
	if (!data) {
		return;
	}
	yaml_node_t *ud = gw_cfn_get(t, data, "UserData");
	const char *ud_text = NULL;
	if (ud) {
		yaml_node_t *arg = NULL;
		if (gw_cfn_is_fn(gw_cfn_intrinsic(t, ud, &arg), "Base64")) {
			ud_text = gw_cfn_string(t, arg, NULL);
		}
		check_cfn_user_data(t, ud);
	}
	check_cfn_devices(t, gw_cfn_get(t, data, "BlockDeviceMappings"), ud_text);
	yaml_node_t *md = gw_cfn_get(t, data, "MetadataOptions");
	yaml_node_t *tokens = gw_cfn_get(t, md, "HttpTokens");
	const char *ts = gw_cfn_literal(t, tokens);
	if (!ts || strcmp(ts, "required") != 0) {
		WARN(t,
		     gw_cfn_loc(t, tokens ? tokens
		               : md   ? md
		                      : data),
		     GW_RULE_L6,
		     "set MetadataOptions: {HttpTokens: required, "
		     "HttpPutResponseHopLimit: 2}",
		     "launch template '%s' "
		     "allows imdsv1, so any ssrf in a job can read the "
		     "instance role's credentials",
		     logical);
	}
	long long hop;
	yaml_node_t *hn = gw_cfn_get(t, md, "HttpPutResponseHopLimit");
	if (gw_cfn_int(t, hn, &hop) && (hop < 1 || hop > GW_LIM_HOP_LIMIT_MAX)) {
		ERR(t, gw_cfn_loc(t, hn), GW_RULE_L6, "use 1..64, usually 2",
		    "launch "
		    "template '%s' has hop limit %lld",
		    logical, hop);
	}
	yaml_node_t *sb = gw_cfn_get(t, data, "InstanceInitiatedShutdownBehavior");
	const char *sbs = gw_cfn_literal(t, sb);
	if (!sbs || strcmp(sbs, "terminate") != 0) {
		WARN(t, gw_cfn_loc(t, sb ? sb : data), GW_RULE_L5,
		     "set "
		     "InstanceInitiatedShutdownBehavior: terminate",
		     "launch template '%s' does not terminate instances "
		     "that shut down, so failed nodes linger",
		     logical);
	}
	static const char *const ignored[] = {
	        "InstanceType",
	        "IamInstanceProfile",
	        "InstanceMarketOptions",
	        "DisableApiTermination",
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(ignored); i++) {
		yaml_node_t *n = gw_cfn_get(t, data, ignored[i]);
		if (n) {
			WARN(t, gw_cfn_loc(t, n), GW_RULE_L3,
			     "set it on the compute "
			     "environment instead",
			     "aws batch ignores "
			     "%s in launch template '%s'",
			     ignored[i], logical);
		}
	}
}

/* ---- IAM
 * --------------------------------------------------------------------- */

/* gw_iam_each callback: keep the first action that takes resources. */
static bool first_scoped(const struct gw_iam_action *a, void *arg)
{
	const struct gw_iam_action **first = arg;
	if (a->n > 0) {
		*first = a;
		return false;
	}
	return true;
}

/* S7: the action exists in the IAM service authorization reference. */
static void check_cfn_action_known(struct gw_cfn *t, const char *a,
                                   struct gw_loc at)
{
	if (gw_iam_each(a, NULL, NULL) > 0) {
		return;
	}
	const char *guess = gw_iam_suggest(a);
	char hint[MSG_BYTES];
	if (guess) {
		snprintf(hint, sizeof(hint), "did you mean '%s'?", guess);
	} else {
		snprintf(hint, sizeof(hint), "see the service authorization "
		         "reference for the service's actions");
	}
	ERR(t, at, GW_RULE_S7, hint,
	    strpbrk(a, "*?") ? "action pattern '%s' matches no iam action"
	                     : "action '%s' is not an iam action, so iam "
	                       "refuses the policy",
	    a);
}

/* Each node of a scalar-or-sequence value, as a list. */
static size_t as_list(struct gw_cfn *t, yaml_node_t *n, yaml_node_t **out,
                      size_t max)
{
	if (!n) {
		return 0;
	}
	if (!gw_cfn_is_seq(n)) {
		out[0] = n;
		return 1;
	}
	size_t k = 0;
	for (size_t i = 0; i < gw_cfn_seq_len(n) && k < max; i++) {
		out[k++] = gw_cfn_seq_at(t, n, i);
	}
	return k;
}

/* Whether 'a' is "service:*": every action of one service. */
static bool is_service_wildcard(const char *a)
{
	const char *colon = strchr(a, ':');
	return colon && colon != a && strcmp(colon + 1, "*") == 0;
}

/* S4 and S7 on one literal action of an Action or NotAction list. Returns
 * false when it is not of the form service:Action. */
static bool check_cfn_action_form(struct gw_cfn *t, const char *logical,
                                  const char *a, struct gw_loc at)
{
	if (!strchr(a, ':')) {
		ERR(t, at, GW_RULE_S4, "write service:Action",
		    "action '%s' in '%s' is not of the form "
		    "service:Action",
		    a, logical);
		return false;
	}
	check_cfn_action_known(t, a, at);
	return true;
}

static void check_cfn_statement(struct gw_cfn *t, const char *logical,
                                yaml_node_t *s)
{
	yaml_node_t *actions[GW_CFN_TRACK_MAX], *resources[GW_CFN_TRACK_MAX];
	yaml_node_t *not_actions[GW_CFN_TRACK_MAX];
	size_t na = as_list(t, gw_cfn_get(t, s, "Action"), actions, GW_CFN_TRACK_MAX);
	yaml_node_t *not_action = gw_cfn_get(t, s, "NotAction");
	size_t nn = as_list(t, not_action, not_actions, GW_CFN_TRACK_MAX);
	size_t nr = as_list(t, gw_cfn_get(t, s, "Resource"), resources, GW_CFN_TRACK_MAX);
	const char *effect = gw_cfn_literal(t, gw_cfn_get(t, s, "Effect"));
	bool allow = !effect || strcmp(effect, "Deny") != 0;
	bool passrole = false;
	const char *scoped_action = NULL;
	const struct gw_iam_action *scoped = NULL;
	for (size_t i = 0; i < na; i++) {
		const char *a = gw_cfn_literal(t, actions[i]);
		if (!a) {
			continue;
		}
		struct gw_loc at = gw_cfn_loc(t, actions[i]);
		if (strcmp(a, "*") == 0 || strcmp(a, "*:*") == 0) {
			/* A Deny of '*' is fine; an Allow grants everything,
			 * iam:PassRole included (S3 below). */
			if (allow) {
				ERR(t, at, GW_RULE_S1, "list the actions",
				    "resource '%s' allows action '%s'",
				    logical, a);
			}
			passrole = true;
			continue;
		}
		if (!check_cfn_action_form(t, logical, a, at)) {
			continue;
		}
		if (allow && is_service_wildcard(a)) {
			WARN(t, at, GW_RULE_S1, "list the actions",
			     "resource '%s' allows '%s', every action of "
			     "the service",
			     logical, a);
		}
		/* Any pattern that matches it passes roles: iam:*,
		 * iam:Pass*, iam:P?ssRole (IAM compares ignoring case). */
		if (gw_iam_glob(a, "iam:PassRole")) {
			passrole = true;
		}
		if (!scoped_action) {
			gw_iam_each(a, first_scoped, &scoped);
			scoped_action = scoped ? a : NULL;
		}
	}
	/*
	 * NotAction with Allow grants every action the list leaves out,
	 * including every action AWS adds later: a wildcard in effect. With
	 * Deny it is the usual "deny all but" guard, and fine.
	 */
	bool passrole_excluded = false;
	for (size_t i = 0; i < nn; i++) {
		const char *a = gw_cfn_literal(t, not_actions[i]);
		if (!a) {
			passrole_excluded = true; /* cannot tell */
			continue;
		}
		if (strcmp(a, "*") == 0 || gw_iam_glob(a, "iam:PassRole")) {
			passrole_excluded = true;
		}
		if (strcmp(a, "*") != 0) {
			check_cfn_action_form(t, logical, a,
			                      gw_cfn_loc(t, not_actions[i]));
		}
	}
	if (not_action && allow) {
		ERR(t, gw_cfn_loc(t, not_action), GW_RULE_S1,
		    "list the allowed actions under Action instead",
		    "resource '%s' allows every action except those its "
		    "NotAction lists",
		    logical);
		if (!passrole_excluded) {
			passrole = true;
		}
	}
	for (size_t i = 0; i < nr; i++) {
		bool templated = false;
		const char *r = gw_cfn_string(t, resources[i], &templated);
		if (!r) {
			continue;
		}
		struct gw_loc at = gw_cfn_loc(t, resources[i]);
		if (strcmp(r, "*") == 0) {
			if (allow && scoped_action) {
				/* !Sub values, so the hint works as written. */
				struct gw_iam_arn_values v = {
				        .partition = "${AWS::Partition}",
				        .region = "${AWS::Region}",
				        .account = "${AWS::AccountId}",
				};
				char scope[MSG_BYTES], hint[MSG_BYTES * 2];
				gw_iam_scope_hint(scoped, &v, true, scope,
				                  sizeof(scope));
				snprintf(hint, sizeof(hint),
				         "scope it, with !Sub, to %s", scope);
				WARN(t, at, GW_RULE_S2, hint,
				     "resource "
				     "'%s' allows '%s' on '*' although "
				     "the action supports resource-level "
				     "permissions",
				     logical, scoped_action);
			}
			if (allow && passrole) {
				ERR(t, at, GW_RULE_S3, "pass only named roles",
				    "resource '%s' allows iam:PassRole "
				    "on '*'",
				    logical);
			}
			continue;
		}
		gw_arn_verify(r, NULL,
		              GW_ARN_POLICY | (templated ? GW_ARN_TEMPLATE : 0),
		              at, t->d);
		if (allow && passrole && strstr(r, ":role/") &&
		    strpbrk(strstr(r, ":role/"), "*?")) {
			ERR(t, at, GW_RULE_S3, "pass only named roles",
			    "resource '%s' "
			    "allows iam:PassRole on '%s'",
			    logical, r);
		}
	}
}

static void check_cfn_policy_doc(struct gw_cfn *t, const char *logical,
                                 yaml_node_t *doc)
{
	yaml_node_t *items[GW_CFN_TRACK_MAX];
	size_t n = as_list(t, gw_cfn_get(t, doc, "Statement"), items, GW_CFN_TRACK_MAX);
	for (size_t i = 0; i < n; i++) {
		check_cfn_statement(t, logical, items[i]);
	}
}

static void check_cfn_managed_arns(struct gw_cfn *t, const char *logical,
                                   yaml_node_t *arns)
{
	if (gw_cfn_seq_len(arns) > GW_LIM_MANAGED_POLICIES_MAX) {
		ERR(t, gw_cfn_loc(t, arns), GW_RULE_N8, "merge policies",
		    "'%s' attaches "
		    "%zu managed policies, more than 20",
		    logical, gw_cfn_seq_len(arns));
	}
	for (size_t i = 0; i < gw_cfn_seq_len(arns); i++) {
		yaml_node_t *n = gw_cfn_seq_at(t, arns, i);
		bool templated = false;
		const char *a = gw_cfn_string(t, n, &templated);
		if (a) {
			gw_arn_verify(a, NULL, templated ? GW_ARN_TEMPLATE : 0,
			              gw_cfn_loc(t, n), t->d);
		}
	}
}

static void check_iam_name(struct gw_cfn *t, yaml_node_t *props, const char *key,
                           size_t max)
{
	yaml_node_t *name = gw_cfn_get(t, props, key);
	if (!name) {
		return;
	}
	t->named_iam = true;
	const char *s = gw_cfn_literal(t, name);
	const char *why = s ? gw_names_iam_error(s, max) : NULL;
	if (why) {
		ERR(t, gw_cfn_loc(t, name), GW_RULE_N3, NULL, "%s '%s' %s", key, s, why);
	}
}

/* A2: a literal "svc.amazonaws.com" principal is not partition-aware. */
static void check_cfn_principals(struct gw_cfn *t, const char *logical,
                                 yaml_node_t *doc)
{
	yaml_node_t *items[GW_CFN_TRACK_MAX];
	size_t n = as_list(t, gw_cfn_get(t, doc, "Statement"), items, GW_CFN_TRACK_MAX);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *svc[GW_CFN_TRACK_MAX];
		yaml_node_t *principal = gw_cfn_get(t, items[i], "Principal");
		size_t ns = as_list(t, gw_cfn_get(t, principal, "Service"), svc,
		                    GW_CFN_TRACK_MAX);
		for (size_t j = 0; j < ns; j++) {
			const char *p = gw_cfn_literal(t, svc[j]);
			if (p && gw_has_suffix(p, ".amazonaws.com")) {
				WARN(t, gw_cfn_loc(t, svc[j]), GW_RULE_A2,
				     "write !Sub 'SERVICE.${AWS::URLSuffix}'",
				     "role '%s' trusts '%s', a literal dns "
				     "suffix that aws-cn spells "
				     "'amazonaws.com.cn'",
				     logical, p);
				return;
			}
		}
	}
}

static void check_cfn_iam(struct gw_cfn *t, const char *logical,
                          yaml_node_t *props)
{
	check_cfn_principals(t, logical,
	                     gw_cfn_get(t, props, "AssumeRolePolicyDocument"));
	check_iam_name(t, props, "RoleName", GW_LIM_ROLE_NAME_MAX);
	check_iam_name(t, props, "ManagedPolicyName", GW_LIM_IAM_NAME_MAX);
	check_iam_name(t, props, "GroupName", GW_LIM_IAM_NAME_MAX);
	check_iam_name(t, props, "UserName", GW_LIM_IAM_NAME_MAX);
	check_iam_name(t, props, "InstanceProfileName", GW_LIM_IAM_NAME_MAX);
	check_cfn_policy_doc(t, logical, gw_cfn_get(t, props, "PolicyDocument"));
	yaml_node_t *pols = gw_cfn_get(t, props, "Policies");
	for (size_t i = 0; i < gw_cfn_seq_len(pols); i++) {
		check_cfn_policy_doc(
		        t, logical,
		        gw_cfn_get(t, gw_cfn_seq_at(t, pols, i), "PolicyDocument"));
	}
	check_cfn_managed_arns(t, logical,
	                       gw_cfn_get(t, props, "ManagedPolicyArns"));
	yaml_node_t *roles = gw_cfn_get(t, props, "Roles");
	if (roles && gw_cfn_get(t, props, "PolicyDocument") == NULL &&
	    gw_cfn_seq_len(roles) != 1) {
		ERR(t, gw_cfn_loc(t, roles), GW_RULE_R1,
		    "give the instance profile one "
		    "role",
		    "instance profile '%s' has %zu roles; it "
		    "takes exactly 1",
		    logical, gw_cfn_seq_len(roles));
	}
}

/* ---- S3, Logs, security groups ---------------------------------------------
 */

static void check_cfn_bucket(struct gw_cfn *t, const char *logical,
                             yaml_node_t *props)
{
	yaml_node_t *name = gw_cfn_get(t, props, "BucketName");
	const char *s = gw_cfn_literal(t, name);
	const char *why = s ? gw_names_bucket_error(s) : NULL;
	if (why) {
		ERR(t, gw_cfn_loc(t, name), GW_RULE_N1, NULL, "bucket name '%s' %s", s,
		    why);
	} else if (s && strchr(s, '.')) {
		WARN(t, gw_cfn_loc(t, name), GW_RULE_N2, "use '-'",
		     "bucket name '%s' "
		     "contains '.'",
		     s);
	}
	(void)logical;
}

static void check_cfn_log_group(struct gw_cfn *t, const char *logical,
                                yaml_node_t *props)
{
	yaml_node_t *name = gw_cfn_get(t, props, "LogGroupName");
	const char *s = gw_cfn_literal(t, name);
	const char *why = s ? gw_names_log_group_error(s) : NULL;
	if (why) {
		ERR(t, gw_cfn_loc(t, name), GW_RULE_N6, NULL, "log group name '%s' %s", s,
		    why);
	}
	yaml_node_t *ret = gw_cfn_get(t, props, "RetentionInDays");
	long long days;
	if (!ret) {
		WARN(t, gw_cfn_loc(t, props), GW_RULE_N7, "set RetentionInDays",
		     "log group '%s' keeps its logs forever", logical);
	} else if (gw_cfn_int(t, ret, &days) && !gw_names_is_retention_days(days)) {
		ERR(t, gw_cfn_loc(t, ret), GW_RULE_N7, gw_names_retention_list(),
		    "log group '%s' has RetentionInDays %lld, which "
		    "cloudwatch does not offer",
		    logical, days);
	}
}

static void check_ingress_rule(struct gw_cfn *t, const char *logical,
                               yaml_node_t *rule)
{
	const char *cidr = gw_cfn_literal(t, gw_cfn_get(t, rule, "CidrIp"));
	long long from = 0, to = 0;
	if (!cidr || strcmp(cidr, "0.0.0.0/0") != 0 ||
	    !gw_cfn_int(t, gw_cfn_get(t, rule, "FromPort"), &from) ||
	    !gw_cfn_int(t, gw_cfn_get(t, rule, "ToPort"), &to)) {
		return;
	}
	if (from <= SSH_PORT && to >= SSH_PORT) {
		WARN(t, gw_cfn_loc(t, gw_cfn_get(t, rule, "CidrIp")), GW_RULE_S8,
		     "use ssm "
		     "session manager, or limit the source range",
		     "'%s' opens ssh (port 22) to the whole internet", logical);
	}
}

static void check_cfn_security_group(struct gw_cfn *t, const char *logical,
                                     yaml_node_t *props)
{
	yaml_node_t *in = gw_cfn_get(t, props, "SecurityGroupIngress");
	for (size_t i = 0; i < gw_cfn_seq_len(in); i++) {
		check_ingress_rule(t, logical, gw_cfn_seq_at(t, in, i));
	}
	if (gw_cfn_get(t, props, "CidrIp")) {
		check_ingress_rule(t, logical, props);
	}
}

/* ---- tags (N10) ------------------------------------------------------ */

#define TAG_QUOTE_BYTES 300

static void check_cfn_tag_text(struct gw_cfn *t, const char *logical,
                               yaml_node_t *n, const char *key, bool is_key)
{
	const char *text = gw_cfn_literal(t, n);
	struct gw_names_tag_problem p;
	if (!text || gw_names_tag_check(text, is_key, &p)) {
		return; /* intrinsics are not judged */
	}
	char q[TAG_QUOTE_BYTES], kq[TAG_QUOTE_BYTES], why[MSG_BYTES];
	gw_names_quote(text, q, sizeof(q));
	gw_names_quote(key ? key : "?", kq, sizeof(kq));
	const char *hint = gw_names_tag_describe(&p, is_key, why, sizeof(why));
	if (is_key) {
		ERR(t, gw_cfn_loc(t, n), GW_RULE_N10, hint, "tag key '%s' of '%s' %s", q,
		    logical, why);
	} else {
		ERR(t, gw_cfn_loc(t, n), GW_RULE_N10, hint,
		    "value '%s' of tag '%s' on '%s' %s", q, kq, logical, why);
	}
}

/*
 * N10 on a Tags value: a list of {Key, Value} (IAM, S3, EC2, Logs) or a
 * map (Batch). Keys and values with intrinsics are not judged.
 */
static void check_cfn_tags(struct gw_cfn *t, const char *logical,
                           yaml_node_t *tags)
{
	size_t n = 0;
	if (gw_cfn_is_map(tags)) {
		for (yaml_node_pair_t *p = tags->data.mapping.pairs.start;
		     p < tags->data.mapping.pairs.top; p++) {
			yaml_node_t *k = gw_cfn_node(t, p->key);
			check_cfn_tag_text(t, logical, k, NULL, true);
			check_cfn_tag_text(t, logical, gw_cfn_node(t, p->value),
			                   gw_cfn_literal(t, k), false);
			n++;
		}
	} else if (gw_cfn_is_seq(tags)) {
		for (size_t i = 0; i < gw_cfn_seq_len(tags); i++) {
			yaml_node_t *item = gw_cfn_seq_at(t, tags, i);
			yaml_node_t *k = gw_cfn_get(t, item, "Key");
			check_cfn_tag_text(t, logical, k, NULL, true);
			check_cfn_tag_text(t, logical, gw_cfn_get(t, item, "Value"),
			                   gw_cfn_literal(t, k), false);
			n++;
		}
	}
	if (n > GW_LIM_TAGS_MAX) {
		ERR(t, gw_cfn_loc(t, tags), GW_RULE_N10, "keep at most 50 tags",
		    "'%s' has %zu tags, more than the 50 aws allows", logical,
		    n);
	}
}

/* Every Tags of a resource: its own, a compute environment's instance
 * tags and a launch template's tag specifications. */
static void check_cfn_resource_tags(struct gw_cfn *t, const char *logical,
                                    yaml_node_t *props)
{
	check_cfn_tags(t, logical, gw_cfn_get(t, props, "Tags"));
	yaml_node_t *cr = gw_cfn_get(t, props, "ComputeResources");
	check_cfn_tags(t, logical, gw_cfn_get(t, cr, "Tags"));
	yaml_node_t *data = gw_cfn_get(t, props, "LaunchTemplateData");
	yaml_node_t *specs = gw_cfn_get(t, data, "TagSpecifications");
	for (size_t i = 0; i < gw_cfn_seq_len(specs); i++) {
		check_cfn_tags(t, logical,
		               gw_cfn_get(t, gw_cfn_seq_at(t, specs, i), "Tags"));
	}
	specs = gw_cfn_get(t, props, "TagSpecifications");
	for (size_t i = 0; i < gw_cfn_seq_len(specs); i++) {
		check_cfn_tags(t, logical,
		               gw_cfn_get(t, gw_cfn_seq_at(t, specs, i), "Tags"));
	}
}

/* ---- the table and the driver
 * ---------------------------------------------------- */

struct resource_rule {
	const char *type;
	void (*check)(struct gw_cfn *t, const char *logical, yaml_node_t *props);
};

static const struct resource_rule resource_rules[] = {
        {"AWS::Batch::ComputeEnvironment", check_cfn_ce},
        {"AWS::Batch::JobQueue", check_cfn_queue},
        {"AWS::Batch::JobDefinition", check_cfn_job_def},
        {"AWS::EC2::LaunchTemplate", check_cfn_launch_template},
        {"AWS::EC2::SecurityGroup", check_cfn_security_group},
        {"AWS::EC2::SecurityGroupIngress", check_cfn_security_group},
        {"AWS::IAM::Role", check_cfn_iam},
        {"AWS::IAM::ManagedPolicy", check_cfn_iam},
        {"AWS::IAM::Policy", check_cfn_iam},
        {"AWS::IAM::Group", check_cfn_iam},
        {"AWS::IAM::User", check_cfn_iam},
        {"AWS::IAM::InstanceProfile", check_cfn_iam},
        {"AWS::S3::Bucket", check_cfn_bucket},
        {"AWS::Logs::LogGroup", check_cfn_log_group},
};

static bool is_alnum_id(const char *s)
{
	if (!*s) {
		return false;
	}
	for (const char *p = s; *p; p++) {
		if (!isalnum((unsigned char)*p)) {
			return false;
		}
	}
	return true;
}

static void check_section_count(struct gw_cfn *t, yaml_node_t *root,
                                const char *key, size_t max, enum gw_rule rule)
{
	yaml_node_t *n = gw_cfn_get(t, root, key);
	if (gw_cfn_map_len(n) > max) {
		ERR(t, gw_cfn_loc(t, n), rule,
		    "split the template into nested "
		    "stacks",
		    "template has %zu %s, more than the %zu "
		    "cloudformation accepts",
		    gw_cfn_map_len(n), key, max);
	}
}

static void check_resources(struct gw_cfn *t)
{
	yaml_node_t *res = t->resources;
	if (!gw_cfn_is_map(res)) {
		return;
	}
	for (yaml_node_pair_t *p = res->data.mapping.pairs.start;
	     p < res->data.mapping.pairs.top; p++) {
		yaml_node_t *key = gw_cfn_node(t, p->key);
		const char *logical = gw_cfn_scalar(key);
		if (!logical) {
			continue;
		}
		if (!is_alnum_id(logical)) {
			ERR(t, gw_cfn_loc(t, key), GW_RULE_C3,
			    "use 1..255 letters and "
			    "digits",
			    "logical id '%s' is not "
			    "alphanumeric",
			    logical);
		} else if (strlen(logical) > GW_LIM_LOGICAL_ID_MAX) {
			ERR(t, gw_cfn_loc(t, key), GW_RULE_C3, "use 1..255 letters and "
			    "digits",
			    "logical id '%.40s...' is %zu characters long, "
			    "more than the 255 cloudformation accepts",
			    logical, strlen(logical));
		}
		/* Once per earlier resource with the same ID. */
		size_t pos = (size_t)(p - res->data.mapping.pairs.start);
		for (size_t k = 0; k < t->dups[pos]; k++) {
			ERR(t, gw_cfn_loc(t, key), GW_RULE_C3, "rename one of them",
			    "logical id '%s' is defined twice", logical);
		}
		if (t->limits_only) {
			continue;
		}
		yaml_node_t *r = gw_cfn_node(t, p->value);
		const char *type = gw_cfn_literal(t, gw_cfn_get(t, r, "Type"));
		yaml_node_t *props = gw_cfn_get(t, r, "Properties");
		struct partition_scan scan = {.logical = logical};
		gw_cfn_walk(t, r, scan_partition, &scan);
		walk_subs(t, r);
		check_cfn_resource_tags(t, logical, props);
		if (!props && type &&
		    strcmp(type, "AWS::Batch::ComputeEnvironment") == 0) {
			ERR(t, gw_cfn_loc(t, key), GW_RULE_CE1, "add Type: MANAGED",
			    "compute environment '%s' has no Properties, so "
			    "no Type",
			    logical);
		}
		for (size_t i = 0; type && i < GW_ARRAY_LEN(resource_rules);
		     i++) {
			if (strcmp(type, resource_rules[i].type) == 0) {
				resource_rules[i].check(t, logical, props);
				break;
			}
		}
	}
	if (!t->limits_only) {
		check_queue_priorities(t);
		check_job_sizes(t);
	}
}

/* Report that the template nests deeper than TEMPLATE_DEPTH_MAX, at the
 * collection that goes past it ('mark', 0-based). */
static void report_depth(const char *file, yaml_mark_t mark,
                         struct gw_diags *d)
{
	struct gw_loc at = {.file = file,
	                    .line = (unsigned)mark.line + 1,
	                    .col = (unsigned)mark.column + 1};
	gw_diag_add(d, GW_SEV_ERROR, at, NULL, NULL,
	            "template nests deeper than %d levels", TEMPLATE_DEPTH_MAX);
}

/* Refuse nesting deeper than TEMPLATE_DEPTH_MAX with libyaml's event
 * parser, which stops there. A syntax error ends the scan quietly: loading
 * the document reports it. For a document loaded by libyaml's own loader
 * that has aliases (doc_depth_ok cannot judge it). */
static bool check_depth(const char *yaml, size_t len, const char *file,
                        struct gw_diags *d)
{
	struct gw_yaml_loader l;
	if (!gw_yaml_loader_init(&l, yaml, len, TEMPLATE_DEPTH_MAX)) {
		return true;
	}
	bool ok = gw_yaml_loader_depth_rest(&l);
	if (!ok) {
		report_depth(file, l.mark, d);
	}
	gw_yaml_loader_finish(&l);
	return ok;
}

/*
 * The depth check of a loaded document, for text whose loading was cheap
 * (gwgen's own output, already loaded once by gw_check_cfn): one pass over
 * libyaml's node array, where a collection's items come after it. Returns
 * -1 when an item comes before its collection (an alias), which this pass
 * cannot judge, and otherwise whether no node is deeper than the limit.
 */
static int doc_depth_ok(yaml_document_t *doc)
{
	size_t n = (size_t)(doc->nodes.top - doc->nodes.start);
	unsigned *depth = gw_xcalloc(n ? n : 1, sizeof(*depth));
	int ok = 1;
	if (n) {
		depth[0] = 1;
	}
	for (size_t i = 0; i < n && ok == 1; i++) {
		yaml_node_t *node = &doc->nodes.start[i];
		/* A collection counts itself, as check_depth's events do. */
		if (node->type != YAML_SCALAR_NODE &&
		    depth[i] > TEMPLATE_DEPTH_MAX) {
			ok = 0;
			break;
		}
		if (node->type == YAML_SEQUENCE_NODE) {
			for (yaml_node_item_t *it = node->data.sequence.items.start;
			     it < node->data.sequence.items.top; it++) {
				size_t c = (size_t)*it - 1;
				if (c <= i || c >= n) {
					ok = -1;
					break;
				}
				depth[c] = depth[i] + 1;
			}
		} else if (node->type == YAML_MAPPING_NODE) {
			for (yaml_node_pair_t *it = node->data.mapping.pairs.start;
			     it < node->data.mapping.pairs.top; it++) {
				size_t k = (size_t)it->key - 1;
				size_t v = (size_t)it->value - 1;
				if (k <= i || k >= n || v <= i || v >= n) {
					ok = -1;
					break;
				}
				depth[k] = depth[v] = depth[i] + 1;
			}
		}
	}
	free(depth);
	return ok;
}

/* C1 on the text's size. Returns false when it is too big to deploy at
 * all, and nothing else is checked. */
static bool check_size(size_t len, const char *file, struct gw_diags *d)
{
	struct gw_loc top = {.file = file, .line = 1, .col = 1};
	if (len > GW_LIM_TEMPLATE_S3_MAX) {
		gw_diag_add(d, GW_SEV_ERROR, top, gw_rule_id(GW_RULE_C1),
		            "split the stack into "
		            "nested stacks",
		            "template is %zu bytes, more than "
		            "the 1000000 cloudformation accepts",
		            len);
		return false;
	}
	if (len > GW_LIM_TEMPLATE_INLINE_MAX) {
		gw_diag_add(d, GW_SEV_WARNING, top, gw_rule_id(GW_RULE_C1),
		            "deploy with "
		            "--s3-bucket (deploy.sh stages it)",
		            "template is "
		            "%zu bytes, more than the 51200 cloudformation "
		            "accepts inline",
		            len);
	}
	return true;
}

/*
 * The rules on 'doc', loaded from 'yaml' ('len' bytes), after C1. When
 * 'doc_depth' is set, the depth is checked here on the loaded document
 * (doc_depth_ok), falling back to the event scan of 'yaml' for a document
 * with aliases; otherwise the caller checked it before loading. 'doc' is
 * only read, and stays the caller's to delete.
 */
static bool verify_doc(yaml_document_t *doc, const char *yaml, size_t len,
                       const char *file, bool doc_depth, bool limits_only,
                       struct gw_diags *d)
{
	size_t errors = d->n_errors;
	struct gw_loc top = {.file = file, .line = 1, .col = 1};
	if (doc_depth) {
		int depth_ok = doc_depth_ok(doc);
		if (depth_ok != 1 && (depth_ok == 0 ||
		                      !check_depth(yaml, len, file, d))) {
			if (depth_ok == 0) {
				gw_diag_add(d, GW_SEV_ERROR, top, NULL, NULL,
				            "template nests deeper than %d "
				            "levels",
				            TEMPLATE_DEPTH_MAX);
			}
			return false;
		}
	}
	/* A shallow copy: the walks below never change the document. */
	struct gw_cfn t = {.doc = *doc,
	                   .file = file,
	                   .d = d,
	                   .rc = {.d = d},
	                   .limits_only = limits_only};
	yaml_node_t *root = yaml_document_get_root_node(&t.doc);
	if (!gw_cfn_is_map(root)) {
		gw_diag_add(d, GW_SEV_ERROR, top, NULL, NULL,
		            "template is not a yaml or json mapping");
		return false;
	}
	t.parameters = gw_cfn_get(&t, root, "Parameters");
	t.resources = gw_cfn_get(&t, root, "Resources");
	/* CloudFormation needs at least one resource ("Template format
	 * error: At least one Resources member must be defined"). */
	if (!gw_cfn_is_map(t.resources) || gw_cfn_map_len(t.resources) == 0) {
		ERR(&t, gw_cfn_loc(&t, root), GW_RULE_C2, "add a Resources section",
		    "template has no Resources");
	} else if (gw_cfn_map_len(t.resources) > GW_LIM_TEMPLATE_RESOURCES_MAX) {
		ERR(&t, gw_cfn_loc(&t, t.resources), GW_RULE_C2,
		    "split the template into "
		    "nested stacks",
		    "template has %zu resources, more "
		    "than the 500 cloudformation accepts",
		    gw_cfn_map_len(t.resources));
	}
	check_section_count(&t, root, "Parameters", GW_LIM_TEMPLATE_PARAMETERS_MAX,
	                    GW_RULE_C2);
	check_section_count(&t, root, "Outputs", GW_LIM_TEMPLATE_OUTPUTS_MAX, GW_RULE_C2);
	check_section_count(&t, root, "Mappings", GW_LIM_TEMPLATE_MAPPINGS_MAX, GW_RULE_C2);
	yaml_node_t *desc = gw_cfn_get(&t, root, "Description");
	if (gw_cfn_scalar(desc) && strlen(gw_cfn_scalar(desc)) > GW_LIM_TEMPLATE_DESCRIPTION_MAX) {
		ERR(&t, gw_cfn_loc(&t, desc), GW_RULE_C2, "shorten it",
		    "template "
		    "description is %zu bytes, more than 1024",
		    strlen(gw_cfn_scalar(desc)));
	}
	gw_cfn_index_resources(&t);
	check_resources(&t);
	free(t.ids);
	free(t.dups);
	if (t.named_iam && !limits_only) {
		NOTE(&t, top, GW_RULE_C4, NULL,
		     "the template names iam resources, so "
		     "deploying it needs --capabilities "
		     "CAPABILITY_NAMED_IAM");
	}
	return d->n_errors == errors;
}

/*
 * gw_verify_template_text: one pass of libyaml's event parser loads the
 * document and bounds its depth as it goes (gw_yaml_loader), where a
 * separate event pass over the whole text before libyaml's own load used
 * to bound it (its scanner is quadratic in flow depth: the pass stopped at
 * the limit before the load could start). That pass was 40% of verifying
 * a 1,000-resource template. The findings are the same: a depth past the
 * limit anywhere in the stream is reported before a composer problem
 * (an undefined alias, a duplicate anchor) and before anything in later
 * documents; a syntax error before any depth problem is reported as such.
 */
static bool verify_text(const char *yaml, size_t len, const char *file,
                        struct gw_diags *d)
{
	struct gw_loc top = {.file = file, .line = 1, .col = 1};
	if (!check_size(len, file, d)) {
		return false;
	}
	struct gw_yaml_loader l;
	yaml_document_t doc;
	if (!gw_yaml_loader_init(&l, yaml, len, TEMPLATE_DEPTH_MAX)) {
		gw_diag_add(d, GW_SEV_ERROR, top, NULL, NULL,
		            "cannot initialise the yaml parser");
		return false;
	}
	bool loaded = gw_yaml_loader_next(&l, &doc);
	if (!loaded && l.composer_error) {
		/* The events go on past a composer problem: one deeper
		 * than the limit further on is reported instead. */
		const char *problem = l.problem;
		yaml_mark_t mark = l.mark;
		if (gw_yaml_loader_depth_rest(&l)) {
			l.problem = problem;
			l.mark = mark;
		}
	} else if (loaded && !gw_yaml_loader_depth_rest(&l)) {
		/* Too deep in a later document. */
		gw_yaml_doc_finish(&doc);
		loaded = false;
	}
	if (!loaded) {
		if (l.too_deep) {
			report_depth(file, l.mark, d);
		} else {
			struct gw_loc at = {
			        .file = file,
			        .line = (unsigned)l.mark.line + 1,
			        .col = (unsigned)l.mark.column + 1};
			gw_diag_add(d, GW_SEV_ERROR, at, NULL, NULL,
			            "template is not valid yaml: %s",
			            l.problem ? l.problem : "unknown error");
		}
		gw_yaml_loader_finish(&l);
		return false;
	}
	gw_yaml_loader_finish(&l);
	bool ok = verify_doc(&doc, yaml, len, file, false, false, d);
	gw_yaml_doc_finish(&doc);
	return ok;
}

bool gw_verify_template_text(const char *yaml, size_t len, const char *file,
                             struct gw_diags *d)
{
	return verify_text(yaml, len, file, d);
}

bool gw_verify_template_limits(struct yaml_document_s *doc, const char *yaml,
                               size_t len, const char *file,
                               struct gw_diags *d)
{
	return check_size(len, file, d) &&
	       verify_doc(doc, yaml, len, file, true, true, d);
}

bool gw_verify_template_file(const char *path, struct gw_diags *d)
{
	size_t len = 0;
	char *text = gw_read_file(path, GW_LIM_TEMPLATE_S3_MAX + 1, &len);
	if (!text) {
		struct gw_loc none = {0};
		gw_diag_add(d, GW_SEV_ERROR, none, NULL, NULL,
		            "cannot read template '%s': %s", path,
		            gw_read_error(errno));
		return false;
	}
	bool ok = gw_verify_template_text(text, len, path, d);
	free(text);
	return ok;
}
