/* SPDX-License-Identifier: MIT */
/* The bundle: every generated file, held in memory from render to write. */
#ifndef GW_FILES_H
#define GW_FILES_H

#include <stdbool.h>
#include <stddef.h>

/* What a file is, for the check stage's re-parse (check.h). */
enum gw_file_kind {
	GW_FILE_TEXT,   /* not re-parsed (README.md, deploy.env.example) */
	GW_FILE_CFN,    /* a CloudFormation template (YAML) */
	GW_FILE_JSON,   /* one JSON object (IAM policies) */
	GW_FILE_BASH,   /* a bash script */
	GW_FILE_INI,    /* an INI file (Nextstrain's config) */
	GW_FILE_GROOVY, /* a Groovy config (nextflow.config) */
	GW_FILE_YAML,   /* one YAML mapping (Snakemake's profile config.yaml) */
	GW_FILE_HOCON,  /* a HOCON config (Cromwell's cromwell.conf) */
	GW_FILE_MIME,   /* EC2 user data, a MIME multipart archive */
};

/* One generated file, held in memory until every artifact has rendered. */
struct gw_file {
	char *path;     /* relative to out/NAME/, '/'-separated, e.g. "iam/bucket-access.json" */
	char *data;     /* contents; LF endings, final newline */
	size_t len;
	unsigned mode;  /* 0644 or 0755 */
	enum gw_file_kind kind;  /* what the check stage re-parses it as */
	const char *source;      /* the template it was rendered from (lent
				  * by the template set), or NULL */
	bool builtin;            /* 'source' is one of gwgen's own templates */
};

struct gw_files {
	struct gw_file *v; /* sorted by path after gw_emit */
	size_t n, cap;
};

void gw_files_init(struct gw_files *f);
void gw_files_finish(struct gw_files *f);

/* Append a file, taking ownership of 'data' (malloc'd, 'len' bytes). */
void gw_files_add(struct gw_files *f, const char *path, char *data, size_t len,
		unsigned mode);

/* The file at 'path', or NULL. */
const struct gw_file *gw_files_find(const struct gw_files *f, const char *path);

/* Set the kind and source of the file at 'path' (it must be there). */
void gw_files_describe(struct gw_files *f, const char *path,
		enum gw_file_kind kind, const char *source, bool builtin);

/* Sort the files by path. */
void gw_files_sort(struct gw_files *f);

#endif
