/* SPDX-License-Identifier: MIT */
/* Re-parse checks for rendered artifacts: a failure means a template bug. */
#ifndef GW_EMIT_CHECK_H
#define GW_EMIT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "emit.h"

/* What a check may look at besides the text: the files rendered so far. */
struct gw_check_ctx {
	const char *template;       /* template path, for messages */
	const char *path;           /* output path of the text */
	const struct gw_files *files;
};

/*
 * Each check returns true when 'text' ('len' bytes) is well-formed, and
 * otherwise false with an internal error in 'd' naming the template.
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

/* A Groovy config: quotes closed and braces balanced outside strings. */
bool gw_check_groovy(const struct gw_check_ctx *c, const char *text,
		size_t len, struct gw_diags *d);

#endif
