/* SPDX-License-Identifier: MIT */
/*
 * The template verifier's driver (`gwgen verify --template`, and the check
 * stage's limits): load the template once, hold it to CloudFormation's
 * limits, and hand each resource to its rule family's template adapter.
 */
#include "verify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "batch.h"
#include "aws_limits.h"
#include "ce.h"
#include "cfn.h"
#include "iam_rules.h"
#include "lt.h"
#include "rules.h"
#include "stack.h"
#include "storage.h"
#include "util.h"
#include "yaml_doc.h"

/*
 * Deepest nesting of mappings and sequences a template may have; real
 * templates stay far below it. Without a bound, 100,000 nested '[' (200 KB)
 * kept gwgen busy for minutes (libyaml's scanner is quadratic in the flow
 * depth) and the walks below recurse once per level (issue 6, hostile case
 * gen-verify-template-deep).
 */
#define TEMPLATE_DEPTH_MAX 64


/* ---- the table and the driver
 * ---------------------------------------------------- */

struct resource_rule {
	const char *type;
	void (*check)(struct gw_cfn *t, const char *logical, yaml_node_t *props);
};

static const struct resource_rule resource_rules[] = {
        {"AWS::Batch::ComputeEnvironment", gw_ce_check_template},
        {"AWS::Batch::JobQueue", gw_batch_cfn_queue},
        {"AWS::Batch::JobDefinition", gw_batch_cfn_job},
        {"AWS::EC2::LaunchTemplate", gw_lt_check_cfn},
        {"AWS::EC2::SecurityGroup", gw_stack_cfn_security_group},
        {"AWS::EC2::SecurityGroupIngress", gw_stack_cfn_security_group},
        {"AWS::EFS::FileSystem", gw_storage_cfn_file_system},
        {"AWS::IAM::Role", gw_iam_cfn_role},
        {"AWS::IAM::ManagedPolicy", gw_iam_cfn_managed_policy},
        {"AWS::IAM::Policy", gw_iam_cfn_policy},
        {"AWS::IAM::Group", gw_iam_cfn_group},
        {"AWS::IAM::User", gw_iam_cfn_user},
        {"AWS::IAM::InstanceProfile", gw_iam_cfn_instance_profile},
        {"AWS::S3::Bucket", gw_stack_cfn_bucket},
        {"AWS::Logs::LogGroup", gw_stack_cfn_log_group},
};

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
		gw_stack_cfn_logical_id(t, key,
		                        (size_t)(p - res->data.mapping.pairs.start));
		if (t->limits_only) {
			continue;
		}
		yaml_node_t *r = gw_cfn_node(t, p->value);
		const char *type = gw_cfn_literal(t, gw_cfn_get(t, r, "Type"));
		yaml_node_t *props = gw_cfn_get(t, r, "Properties");
		gw_stack_cfn_resource(t, logical, r, props);
		for (size_t i = 0; type && i < GW_ARRAY_LEN(resource_rules);
		     i++) {
			if (strcmp(type, resource_rules[i].type) == 0) {
				resource_rules[i].check(t, logical, props);
				break;
			}
		}
	}
	if (!t->limits_only) {
		gw_batch_cfn_finish(t);
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
	gw_stack_cfn_document(&t, root);
	gw_cfn_index_resources(&t);
	check_resources(&t);
	free(t.ids);
	free(t.dups);
	free(t.ce_names);
	for (size_t i = 0; i < t.n_ces; i++) {
		free(t.ces[i].specs);
	}
	if (!limits_only) {
		gw_stack_cfn_finish(&t);
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
