/* SPDX-License-Identifier: MIT */
/*
 * The check stage: what can only be judged on the rendered bundle. Each
 * file is re-parsed by its kind (a failure is a template bug); the
 * CloudFormation template is held to CloudFormation's limits and each user
 * data archive to EC2's and Batch's. Run once, on the whole bundle.
 */
#ifndef GW_CHECK_H
#define GW_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "diag.h"
#include "files.h"
#include "model.h"

/*
 * A CloudFormation template loaded by gw_check_cfn, kept for the template
 * verifier so that the text is loaded with libyaml once, not twice (each
 * load was a fifth of the instructions generating a profile took).
 */
struct gw_cfn_doc {
	yaml_document_t doc;
	bool loaded;   /* 'doc' holds a document (gw_yaml_loader_next's: never
			* yaml_document_delete): free with gw_cfn_doc_finish */
};

void gw_cfn_doc_finish(struct gw_cfn_doc *c);

/* What a check may look at besides the text: the files rendered so far. */
struct gw_check_ctx {
	const char *template;       /* template path, for messages */
	const char *path;           /* output path of the text */
	const struct gw_files *files;
	/* gw_check_cfn: when not NULL (and not loaded), a template that
	 * passes is left loaded here instead of being freed. */
	struct gw_cfn_doc *keep;
	/* The template is gwgen's own (a failed check is gwgen's bug), not
	 * one of a --templates DIR (the user's input). */
	bool builtin;
};

/*
 * Check the bundle 'files' rendered from the verified model 'm': every
 * file's re-parse, the template's limits (C1..C3, named
 * out/NAME/cloudformation.yaml) and each userdata/LT.mime (L1, L2, L7, L9,
 * at the launch template's user_data in the profile). Returns false with
 * errors in 'd'.
 */
bool gw_check_bundle(const struct gw_model *m, const struct gw_files *files,
		struct gw_diags *d);

/* Report that the text rendered for 'c' 'what' (e.g. "is not one YAML
 * document"): an internal error for a built-in template, else an error at
 * the user's template file. */
void gw_check_failed(struct gw_diags *d, const struct gw_check_ctx *c,
		const char *what);

/*
 * Each check returns true when 'text' ('len' bytes) is well-formed, and
 * otherwise false with an error in 'd' naming the template
 * (gw_check_failed).
 */
typedef bool (*gw_check_fn)(const struct gw_check_ctx *c, const char *text,
		size_t len, struct gw_diags *d);

/* One JSON value whose top level is an object (cJSON). */
bool gw_check_json(const struct gw_check_ctx *c, const char *text, size_t len,
		struct gw_diags *d);

/*
 * A CloudFormation template: one YAML document (libyaml) whose root mapping
 * has Resources; every local tag is a known short-form intrinsic; the
 * UserData of every AWS::EC2::LaunchTemplate is a !Base64 scalar equal, byte
 * for byte, to userdata/NAME.mime in 'c->files'.
 */
bool gw_check_cfn(const struct gw_check_ctx *c, const char *text, size_t len,
		struct gw_diags *d);

/* A bash script: the shebang, and set -euo pipefail before anything runs. */
bool gw_check_bash(const struct gw_check_ctx *c, const char *text, size_t len,
		struct gw_diags *d);

/* An INI file: comments, blank lines, [section] and KEY = VALUE lines. */
bool gw_check_ini(const struct gw_check_ctx *c, const char *text, size_t len,
		struct gw_diags *d);

/* One YAML document whose root is a mapping (Snakemake's config.yaml). */
bool gw_check_yaml(const struct gw_check_ctx *c, const char *text, size_t len,
		struct gw_diags *d);

/*
 * A HOCON config as gwgen writes it: '//' and '#' comments, JSON strings
 * closed on their line, braces and brackets balanced outside strings.
 */
bool gw_check_hocon(const struct gw_check_ctx *c, const char *text,
		size_t len, struct gw_diags *d);

/* A Groovy config: quotes closed and braces balanced outside strings. */
bool gw_check_groovy(const struct gw_check_ctx *c, const char *text,
		size_t len, struct gw_diags *d);

#endif
