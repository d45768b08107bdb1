/* SPDX-License-Identifier: MIT */
/* `gwgen init`: write a commented starter profile that generates with no warning. */
/* realpath(3) is XSI, beside the POSIX base the build asks for. */
#define _XOPEN_SOURCE 700
#include "init.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "buf.h"
#include "status.h"
#include "diag.h"
#include "report.h"
#include "escape.h"
#include "model.h"
#include "mustache.h"
#include "mustache_cjson.h"
#include "pipeline.h"
#include "profile.h"
#include "schema.h"
#include "templates.h"
#include "textfile.h"
#include "util.h"
#include "verify.h"

#define STARTER_TEMPLATE "init/profile.yaml.mustache"
#define EXTENDS_TEMPLATE "init/extends.yaml.mustache"
#define DEFAULT_DIR "profiles"
#define DEFAULT_REGION "us-east-1"
#define DEFAULT_ENGINE "nextflow"
#define PROFILE_EXT ".yaml"
#define STDOUT_NAME "-"
/* The profile name (docs/profile.md): [a-z][a-z0-9-]{0,39}. */
#define NAME_MAX_LEN 40
/* Region names are short: us-gov-west-1, eusc-de-east-1. */
#define REGION_MAX_LEN 32
/* Placeholder bucket: NAME plus this, at most 63 characters (S3). */
#define BUCKET_SUFFIX "-work-change-me"
#define DIR_MODE 0777

/* What each engine's starter is for, in its description (profile.c's list). */
static const struct {
	const char *engine, *what;
	bool job_role; /* jobs run with their own role (not Nextflow's tasks) */
} engines[] = {
	{"nextflow", "Nextflow", false},
	{"nextstrain", "Nextstrain", true},
	{"snakemake", "Snakemake", true},
	{"miniwdl", "miniwdl", false},
	{"none", "batch jobs", true},
};

static const char init_help[] =
	"usage: gwgen init NAME [--engine ENGINE] [--region REGION] [-o FILE]\n"
	"       gwgen init NAME --from PROFILE [--region REGION] [-o FILE]\n"
	"\n"
	"Write a commented starter profile NAME (default: profiles/NAME.yaml)\n"
	"that generates with no warning: a bucket, an instance role, an\n"
	"On-Demand compute environment and a job queue, and what ENGINE needs\n"
	"(nextflow: a pinned AWS CLI and nextflow.config; nextstrain: a job\n"
	"definition and the [aws-batch] config; snakemake: a job role and\n"
	"the Snakemake profile client/snakemake/config.yaml, with a\n"
	"placeholder account_id to replace; miniwdl: shared storage (EFS) the\n"
	"instances mount, a workflow queue and the miniwdl-aws config;\n"
	"none: a job role and an example job definition that runs with\n"
	"it). With --from, a profile that extends PROFILE instead. The\n"
	"profile schema (gwgen schema) is written beside it, as\n"
	"profile.schema.json, when missing or stale. Then it says what to\n"
	"change before deploying: the bucket name and the subnets.\n"
	"\n"
	"Options:\n"
	"  -e, --engine ENGINE   nextflow (default), nextstrain, snakemake,\n"
	"                        miniwdl or none\n"
	"  -r, --region REGION   the AWS region (default: " DEFAULT_REGION
	"; with\n"
	"                        --from, the parent's)\n"
	"      --from PROFILE    extend PROFILE (a name or a file) instead\n"
	"  -o, --out FILE        write FILE, not profiles/NAME.yaml; '-' is\n"
	"                        standard output (no schema is written)\n"
	"  -f, --force           replace FILE if it exists\n"
	"      --format FORMAT   diagnostics on standard error as text\n"
	"                        (default), json, github or sarif\n"
	"  -h, --help            show this help and exit\n";

enum init_long_only {
	OPT_FROM = 256,
	OPT_FORMAT,
};

struct init_options {
	const char *name, *engine, *region, *from, *file;
	bool region_set, force;
	enum gw_diag_format format;
};

static int init_usage(FILE *err, const char *what, const char *arg)
{
	fprintf(err, "gwgen init: error: %s%s%s%s\ntry 'gwgen init --help'\n",
			what, arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
	return GW_EXIT_USAGE;
}

static bool is_name(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= NAME_MAX_LEN && s[0] >= 'a' && s[0] <= 'z'
		&& strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static bool is_region(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= REGION_MAX_LEN
		&& strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* Text that may go into a YAML comment: no control characters. */
static bool is_one_line(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < ' ' || *s == '\x7f') {
			return false;
		}
	}
	return true;
}

static int engine_index(const char *engine)
{
	for (size_t i = 0; i < GW_ARRAY_LEN(engines); i++) {
		if (strcmp(engines[i].engine, engine) == 0) {
			return (int)i;
		}
	}
	return -1;
}

/* Parse; -1 to go on, or the status to return (help, usage). */
static int parse_init(int argc, char **argv, struct init_options *o,
		FILE *out, FILE *err)
{
	static const struct option options[] = {
		{"engine", required_argument, NULL, 'e'},
		{"region", required_argument, NULL, 'r'},
		{"from", required_argument, NULL, OPT_FROM},
		{"out", required_argument, NULL, 'o'},
		{"force", no_argument, NULL, 'f'},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	optind = 0;
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, ":e:r:o:fh", options, NULL))
			!= -1;) {
		if (optarg && !*optarg) {
			return init_usage(err, "an empty value for option",
					argv[optind - 1]);
		}
		switch (c) {
		case 'e':
			o->engine = optarg;
			break;
		case 'r':
			o->region = optarg;
			o->region_set = true;
			break;
		case OPT_FROM:
			o->from = optarg;
			break;
		case 'o':
			o->file = optarg;
			break;
		case 'f':
			o->force = true;
			break;
		case OPT_FORMAT:
			if (!gw_diag_format_parse(optarg, &o->format)) {
				return init_usage(err, "unknown format "
						"(text, json, github or sarif)",
						optarg);
			}
			break;
		case 'h':
			fputs(init_help, out);
			return GW_EXIT_OK;
		case ':':
			return init_usage(err, "no value for option",
					argv[optind - 1]);
		default:
			return init_usage(err, "unknown option",
					argv[optind - 1]);
		}
	}
	if (optind == argc) {
		return init_usage(err, "no profile NAME given", NULL);
	}
	o->name = argv[optind++];
	if (optind < argc) {
		return init_usage(err, "unexpected argument", argv[optind]);
	}
	if (!is_name(o->name)) {
		return init_usage(err, "the profile name must match "
				"[a-z][a-z0-9-]{0,39}, got", o->name);
	}
	if (o->from && o->engine) {
		return init_usage(err, "--engine and --from cannot be combined "
				"(the engine comes from the parent)", NULL);
	}
	if (!o->engine) {
		o->engine = DEFAULT_ENGINE;
	}
	if (engine_index(o->engine) < 0) {
		return init_usage(err, "unknown engine (nextflow, nextstrain, "
				"snakemake, miniwdl or none)", o->engine);
	}
	if (!o->region) {
		o->region = DEFAULT_REGION;
	}
	if (!is_region(o->region)) {
		return init_usage(err, "a region is lower-case letters, digits "
				"and '-', got", o->region);
	}
	if (o->from && !is_one_line(o->from)) {
		return init_usage(err, "--from has a control character", NULL);
	}
	return -1;
}

/* The directory part of 'path' ("." when it has none); free() it. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		return gw_xstrdup(".");
	}
	return slash == path ? gw_xstrdup("/")
		: gw_xstrndup(path, (size_t)(slash - path));
}

/*
 * How the profile in directory 'dir' names its parent at 'parent' in
 * 'extends:': the bare name when they are in the same directory (the
 * loader looks there first), else the path relative to 'dir', so that it
 * does not depend on the working directory. Returns a string to free(), or
 * NULL with an error in 'd'.
 */
static char *extends_value(const char *dir, const char *parent,
		struct gw_diags *d)
{
	char *rdir = realpath(dir, NULL);
	char *rparent = realpath(parent, NULL);
	char *value = NULL;
	if (!rdir || !rparent) {
		gw_diag_error(d, (struct gw_loc){0}, "cannot resolve '%s': %s",
				rdir ? parent : dir, strerror(errno));
		goto out;
	}
	char *pdir = dir_of(rparent);
	const char *base = strrchr(rparent, '/') + 1;
	if (strcmp(pdir, rdir) == 0 && gw_has_suffix(base, PROFILE_EXT)) {
		value = gw_xstrndup(base, strlen(base) - strlen(PROFILE_EXT));
		free(pdir);
		goto out;
	}
	free(pdir);
	/* Skip the leading directories both share, then go up once for each
	 * directory of 'rdir' left. Both are absolute and canonical. */
	size_t common = 0;
	for (size_t i = 1;; i++) {
		bool dir_end = rdir[i] == '/' || !rdir[i];
		if (dir_end && rparent[i] == '/' &&
				strncmp(rdir, rparent, i) == 0) {
			common = i;
		}
		if (!rdir[i] || rdir[i] != rparent[i]) {
			break;
		}
	}
	struct gw_buf b;
	gw_buf_init(&b);
	for (const char *p = rdir + common; *p; p++) {
		if (*p == '/' && p[1]) {
			gw_buf_puts(&b, "../");
		}
	}
	gw_buf_puts(&b, rparent + common + 1);
	value = gw_buf_detach(&b, NULL);
out:
	free(rdir);
	free(rparent);
	return value;
}

/* Render built-in template 'name' with 'view'; a string to free(), or NULL. */
static char *render(const char *name, const cJSON *view, struct gw_diags *d)
{
	const struct gw_template_file *tf =
		gw_templates_find(gw_templates_builtin(), name);
	if (!tf) {
		gw_diag_error(d, (struct gw_loc){0}, "internal error: no "
				"template '%s'", name);
		return NULL;
	}
	struct gw_mustache *t = gw_mustache_compile(tf->text, tf->len,
			tf->path, NULL, d);
	if (!t) {
		return NULL;
	}
	/* Every value was checked to be plain (parse_init, extends_value's
	 * output is escaped apart): nothing to escape in a comment. */
	struct gw_buf b;
	gw_buf_init(&b);
	bool ok = gw_mustache_render_cjson(t, view, gw_escape_none,
			GW_MUSTACHE_STRICT, &b, d);
	gw_mustache_destroy(t);
	if (!ok) {
		gw_buf_finish(&b);
		return NULL;
	}
	return gw_buf_detach(&b, NULL);
}

/* The view of the engine starter. */
static cJSON *create_starter_view(const struct init_options *o)
{
	int e = engine_index(o->engine);
	cJSON *v = cJSON_CreateObject();
	cJSON_AddStringToObject(v, "schema", GW_SCHEMA_FILE);
	cJSON_AddStringToObject(v, "name", o->name);
	cJSON_AddStringToObject(v, "region", o->region);
	cJSON_AddStringToObject(v, "engine", o->engine);
	cJSON_AddStringToObject(v, "what", engines[e].what);
	char *bucket = gw_xasprintf("%s" BUCKET_SUFFIX, o->name);
	cJSON_AddStringToObject(v, "bucket", bucket);
	free(bucket);
	cJSON_AddBoolToObject(v, "nextflow",
			strcmp(o->engine, "nextflow") == 0);
	cJSON_AddBoolToObject(v, "nextstrain",
			strcmp(o->engine, "nextstrain") == 0);
	cJSON_AddBoolToObject(v, "snakemake",
			strcmp(o->engine, "snakemake") == 0);
	bool miniwdl = strcmp(o->engine, "miniwdl") == 0;
	cJSON_AddBoolToObject(v, "miniwdl", miniwdl);
	cJSON_AddBoolToObject(v, "launch_template", miniwdl ||
			strcmp(o->engine, "nextflow") == 0);
	cJSON_AddBoolToObject(v, "none", strcmp(o->engine, "none") == 0);
	cJSON_AddBoolToObject(v, "job_role", engines[e].job_role);
	return v;
}

/* The view of a profile that extends 'extends' (already YAML-quoted). */
static cJSON *create_extends_view(const struct init_options *o,
		const char *extends, bool has_bucket)
{
	cJSON *v = cJSON_CreateObject();
	cJSON_AddStringToObject(v, "schema", GW_SCHEMA_FILE);
	cJSON_AddStringToObject(v, "name", o->name);
	cJSON_AddStringToObject(v, "from", o->from);
	cJSON_AddStringToObject(v, "extends", extends);
	cJSON_AddBoolToObject(v, "region_set", o->region_set);
	cJSON_AddStringToObject(v, "region", o->region);
	cJSON_AddBoolToObject(v, "has_bucket", has_bucket);
	char *bucket = gw_xasprintf("%s" BUCKET_SUFFIX, o->name);
	cJSON_AddStringToObject(v, "bucket", bucket);
	free(bucket);
	return v;
}

/*
 * The text of the profile that extends --from, to be read as 'file':
 * 'extends:' names the parent so that the loader finds it from there.
 * 'has_bucket' tells whether the parent has a bucket (its name is then
 * changed here). Returns a string to free(), or NULL with errors in 'd'.
 */
static char *render_extends(const struct init_options *o, const char *file,
		bool *has_bucket, struct gw_diags *d)
{
	char *text = NULL, *value = NULL, *dir = NULL;
	struct gw_model *parent = NULL;
	char *path = gw_profile_resolve(o->from, d);
	if (!path) {
		goto out;
	}
	/* Its findings are shown when the new profile is verified (with
	 * the parent's own locations); here only a failure is. */
	struct gw_diags quiet;
	gw_diags_init(&quiet);
	parent = gw_profile_load(path, &quiet);
	if (!parent) {
		gw_diags_move(d, &quiet);
	}
	gw_diags_finish(&quiet);
	if (!parent) {
		goto out;
	}
	*has_bucket = parent->bucket.present;
	dir = dir_of(file);
	value = extends_value(dir, path, d);
	if (!value) {
		goto out;
	}
	struct gw_buf quoted;
	gw_buf_init(&quoted);
	gw_escape_yaml(&quoted, value, strlen(value));
	cJSON *view = create_extends_view(o, gw_buf_str(&quoted),
			*has_bucket);
	gw_buf_finish(&quoted);
	text = render(EXTENDS_TEMPLATE, view, d);
	cJSON_Delete(view);
out:
	gw_model_destroy(parent);
	free(value);
	free(dir);
	free(path);
	return text;
}

/*
 * Write the schema as 'dir'/profile.schema.json unless it is there with
 * these bytes; says which on 'out'. False with an error in 'd'.
 */
static bool write_schema(const char *dir, FILE *out, struct gw_diags *d)
{
	char *path = gw_xasprintf("%s/%s", dir, GW_SCHEMA_FILE);
	char *text = gw_schema_render(d);
	bool ok = text != NULL;
	size_t len = 0;
	char *old = ok ? gw_read_file(path, GW_PROFILE_MAX_BYTES, &len) : NULL;
	if (ok && old && len == strlen(text) && memcmp(old, text, len) == 0) {
		fprintf(out, "up to date: %s\n", path);
	} else if (ok && (ok = gw_textfile_write(path, text, strlen(text),
					d))) {
		fprintf(out, "wrote %s\n", path);
	}
	free(old);
	free(text);
	free(path);
	return ok;
}

/* What to change before deploying the profile 'm' read from 'file'. */
static void print_next_steps(const struct init_options *o, const char *file,
		bool on_search_path, const struct gw_model *m, FILE *out)
{
	const char *profile = on_search_path ? o->name : file;
	fputs("Before you deploy, change:\n", out);
	if (m->snakemake.present && m->account_id.s && m->account_id.loc.line) {
		fprintf(out, "  %s:%u:%u: account_id '%s' is a placeholder: "
				"Snakemake's config names the queue and job "
				"role by ARN, set your account's\n", file,
				m->account_id.loc.line, m->account_id.loc.col,
				m->account_id.s);
	}
	if (m->bucket.present && m->bucket.name.loc.line) {
		fprintf(out, "  %s:%u:%u: bucket.name '%s' is a placeholder: "
				"S3 bucket names are global, choose one of "
				"your own\n", file, m->bucket.name.loc.line,
				m->bucket.name.loc.col, m->bucket.name.s);
	}
	fprintf(out, "  the subnets and security groups%s: after 'gwgen "
			"--profile %s', copy out/%s/deploy.env.example to "
			"out/%s.env and fill them in\n",
			m->network.vpc.v ? " and their VPC" : "", profile,
			m->name.s, m->name.s);
	fprintf(out, "Then: gwgen verify --profile %s && gwgen --profile %s\n",
			profile, profile);
}

int gw_init_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct init_options o = {0};
	int status = parse_init(argc, argv, &o, out, err);
	if (status >= 0) {
		return status;
	}
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_model *m = NULL;
	char *text = NULL, *dir = NULL;
	bool to_stdout = o.file && strcmp(o.file, STDOUT_NAME) == 0;
	bool on_search_path = !o.file;
	char *file = o.file && !to_stdout ? gw_xstrdup(o.file)
		: gw_xasprintf("%s%s%s", to_stdout ? "" : DEFAULT_DIR "/",
				o.name, PROFILE_EXT);
	dir = dir_of(file);
	status = GW_EXIT_IO;

	struct stat st;
	if (!to_stdout && !o.force && lstat(file, &st) == 0) {
		gw_diag_error(&d, (struct gw_loc){0}, "'%s' exists; --force "
				"replaces it", file);
		goto out;
	}
	if (!o.file && mkdir(DEFAULT_DIR, DIR_MODE) != 0 && errno != EEXIST) {
		gw_diag_error(&d, (struct gw_loc){0}, "cannot create '%s': %s",
				DEFAULT_DIR, strerror(errno));
		goto out;
	}
	status = GW_EXIT_INVALID;
	bool has_bucket = true;
	if (o.from) {
		text = render_extends(&o, file, &has_bucket, &d);
	} else {
		cJSON *view = create_starter_view(&o);
		text = render(STARTER_TEMPLATE, view, &d);
		cJSON_Delete(view);
	}
	if (!text) {
		goto out;
	}
	/* What gwgen would say about it, before it is written: a bad region
	 * is an error here, and a starter has no warning. */
	m = gw_profile_load_string(text, strlen(text), file, &d);
	struct gw_files files;
	gw_files_init(&files);
	bool ok = m && gw_verify_model(m, &d) &&
		gw_pipeline_render(m, gw_templates_builtin(), false, &files,
				&d);
	gw_files_finish(&files);
	if (!ok) {
		goto out;
	}
	if (to_stdout) {
		fputs(text, out);
		status = GW_EXIT_OK;
		goto out;
	}
	status = GW_EXIT_IO;
	if (!gw_textfile_write(file, text, strlen(text), &d)) {
		goto out;
	}
	fprintf(out, "wrote %s\n", file);
	if (!write_schema(dir, out, &d)) {
		goto out;
	}
	print_next_steps(&o, file, on_search_path, m, out);
	status = GW_EXIT_OK;
out:
	if (status != GW_EXIT_OK && !to_stdout) {
		gw_diag_note(&d, (struct gw_loc){0}, "nothing was written to "
				"'%s'", file);
	}
	gw_diags_sort(&d);
	gw_diags_print(&d, err, o.format, false);
	gw_diags_finish(&d);
	gw_model_destroy(m);
	free(text);
	free(dir);
	free(file);
	return status;
}
