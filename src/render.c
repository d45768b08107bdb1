/* SPDX-License-Identifier: MIT */
/* `gwgen render`: render one mustache template with JSON data. */
#include "render.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "diag.h"
#include "report.h"
#include "escape.h"
#include "mustache.h"
#include "mustache_cjson.h"
#include "status.h"
#include "util.h"

/* Templates, partials and data files larger than this are refused. */
#define RENDER_MAX_FILE_BYTES (64u << 20)
#define PARTIAL_EXT ".mustache"
#define DEFAULT_ESCAPE "html"

enum {
	OPT_STRICT = 256, /* long-only options */
	OPT_FORMAT,
};

static const struct option long_options[] = {
	{"partials", required_argument, NULL, 'p'},
	{"escape", required_argument, NULL, 'e'},
	{"strict", no_argument, NULL, OPT_STRICT},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"help", no_argument, NULL, 'h'},
	{0},
};
static const char short_options[] = ":p:e:h";

static const char help_text[] =
	"usage: gwgen render [OPTION...] TEMPLATE DATA.json\n"
	"Render a mustache TEMPLATE with the JSON in DATA.json and print the\n"
	"result exactly, with no newline added.\n"
	"\n"
	"  -p, --partials DIR  read {{> name}} and {{< name}} from DIR/name.mustache\n"
	"  -e, --escape NAME   escaper for {{name}}: html (default), json, yaml,\n"
	"                      shell (POSIX sh single quotes) or none\n"
	"      --strict        an undefined name or unknown partial is an error\n"
	"                      (default: the mustache spec's empty string)\n"
	"      --format FORMAT diagnostics on standard error as text\n"
	"                      (default), json, github or sarif\n"
	"  -h, --help          show this help and exit\n"
	"\n"
	"Exit status: 0 ok, 1 template or data invalid, 2 usage error,\n"
	"3 I/O failure.\n";

struct render_opts {
	const char *partials; /* directory, or NULL */
	gw_escape_fn escape;
	unsigned flags;       /* enum gw_mustache_flags */
	enum gw_diag_format format;
	const char *template_path;
	const char *data_path;
};

/* A partial read from DIR/NAME.mustache. */
struct loaded {
	char *path; /* owned */
	char *text; /* owned */
};

/* Partials read from --partials DIR; the loaded texts live as long as it. */
struct dir_loader {
	struct gw_mustache_loader loader;
	const char *dir;
	struct gw_diags *d;
	struct loaded *files; /* in load order */
	size_t n, cap;
	bool io_error;        /* a partial exists but could not be read */
};

__attribute__((format(printf, 2, 3)))
static int usage_error(FILE *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gwgen render: ", err);
	vfprintf(err, fmt, ap);
	fputs("\ntry 'gwgen render --help'\n", err);
	va_end(ap);
	return GW_EXIT_USAGE;
}

/* A name is a file name in DIR, never a path that could leave it. */
static bool is_safe_name(const char *name)
{
	return name[0] != '\0' && !strchr(name, '/') && !strstr(name, "..");
}

static bool load_from_dir(void *ud, const char *name, const char **text,
		size_t *len, const char **file)
{
	struct dir_loader *l = ud;
	struct gw_loc none = {0};
	if (!is_safe_name(name)) {
		gw_diag_error(l->d, none,
				"partial name '%s' must not contain '/' or '..'",
				name);
		return false;
	}
	char *path = gw_xasprintf("%s/%s%s", l->dir, name, PARTIAL_EXT);
	char *buf = gw_read_file(path, RENDER_MAX_FILE_BYTES, len);
	if (!buf) {
		if (errno != ENOENT) {
			gw_diag_error(l->d, none, "cannot read '%s': %s", path,
					gw_read_error(errno));
			l->io_error = true;
		}
		free(path);
		return false;
	}
	gw_grow((void **)&l->files, &l->cap, l->n + 1, sizeof(*l->files));
	l->files[l->n++] = (struct loaded){path, buf};
	*text = buf;
	*file = path;
	return true;
}

static void dir_loader_finish(struct dir_loader *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->files[i].path);
		free(l->files[i].text);
	}
	free(l->files);
}

/* Parse the command line into 'o'; returns an exit status, or -1 to go on. */
static int parse_args(int argc, char **argv, struct render_opts *o,
		FILE *out, FILE *err)
{
	*o = (struct render_opts){.escape = gw_escape_by_name(DEFAULT_ESCAPE)};
	optind = 0; /* glibc: rescan from scratch (gw_cli_run used getopt) */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, short_options, long_options,
					NULL)) != -1) {
		/* -p "" would read partials from "/NAME.mustache", at the
		 * root; an empty escaper or format name is no name either. */
		if ((c == 'p' || c == 'e' || c == OPT_FORMAT) && !*optarg) {
			return usage_error(err, "option '%s' needs a non-empty "
					"value", c == 'p' ? "--partials"
					: c == 'e' ? "--escape" : "--format");
		}
		switch (c) {
		case 'p':
			o->partials = optarg;
			break;
		case 'e':
			o->escape = gw_escape_by_name(optarg);
			if (!o->escape) {
				return usage_error(err,
						"unknown escaper '%s', expected "
						"html, json, yaml, shell or none",
						optarg);
			}
			break;
		case OPT_STRICT:
			o->flags |= GW_MUSTACHE_STRICT;
			break;
		case OPT_FORMAT:
			if (!gw_diag_format_parse(optarg, &o->format)) {
				return usage_error(err, "unknown format "
						"'%s', expected text, json, "
						"github or sarif", optarg);
			}
			break;
		case 'h':
			fputs(help_text, out);
			return GW_EXIT_OK;
		case ':':
			return usage_error(err, "option '%s' needs a value",
					argv[optind - 1]);
		default:
			return usage_error(err, "unknown option '%s'",
					argv[optind - 1]);
		}
	}
	if (argc - optind != 2) {
		return usage_error(err, "expected TEMPLATE and DATA.json%s",
				argc - optind > 2 ? ", got more" : "");
	}
	if (!*argv[optind] || !*argv[optind + 1]) {
		return usage_error(err, "%s is an empty file name",
				!*argv[optind] ? "TEMPLATE" : "DATA.json");
	}
	o->template_path = argv[optind];
	o->data_path = argv[optind + 1];
	return -1;
}

/* The 1-based position of byte 'at' of 'text'. */
static struct gw_loc locate(const char *file, const char *text,
		const char *at)
{
	struct gw_loc loc = {file, 1, 1};
	for (const char *s = text; s < at; s++) {
		if (*s == '\n') {
			loc.line++;
			loc.col = 1;
		} else {
			loc.col++;
		}
	}
	return loc;
}

static char *read_input(const char *path, size_t *len, struct gw_diags *d)
{
	char *text = gw_read_file(path, RENDER_MAX_FILE_BYTES, len);
	if (!text) {
		gw_diag_error(d, (struct gw_loc){0}, "cannot read '%s': %s",
				path, gw_read_error(errno));
	}
	return text;
}

int gw_render_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct render_opts o;
	int status = parse_args(argc, argv, &o, out, err);
	if (status >= 0) {
		return status;
	}
	struct gw_diags d;
	gw_diags_init(&d);
	struct dir_loader dl = {
		.loader = {load_from_dir, &dl},
		.dir = o.partials,
		.d = &d,
	};
	struct gw_buf result;
	gw_buf_init(&result);
	struct gw_mustache *t = NULL;
	cJSON *data = NULL;
	const char *end = NULL;
	size_t tlen, dlen;
	char *dtext = NULL;
	char *ttext = read_input(o.template_path, &tlen, &d);
	if (!ttext || !(dtext = read_input(o.data_path, &dlen, &d))) {
		status = GW_EXIT_IO;
		goto done;
	}
	/* dlen + 1: the NUL, which marks the end of the JSON text */
	data = cJSON_ParseWithLengthOpts(dtext, dlen + 1, &end, true);
	if (!data) {
		gw_diag_error(&d, locate(o.data_path, dtext, end),
				"invalid JSON");
		status = GW_EXIT_INVALID;
		goto done;
	}
	t = gw_mustache_compile(ttext, tlen, o.template_path,
			o.partials ? &dl.loader : NULL, &d);
	bool ok = t && gw_mustache_render_cjson(t, data, o.escape, o.flags,
			&result, &d);
	if (dl.io_error) {
		status = GW_EXIT_IO;
	} else if (!ok || gw_diags_has_errors(&d)) {
		status = GW_EXIT_INVALID;
	} else if (fwrite(gw_buf_str(&result), 1, result.len, out) !=
			result.len || fflush(out) != 0) {
		gw_diag_error(&d, (struct gw_loc){0}, "cannot write the "
				"output: %s", strerror(errno));
		status = GW_EXIT_IO;
	} else {
		status = GW_EXIT_OK;
	}
done:
	gw_diags_print(&d, err, o.format, o.format == GW_DIAG_TEXT &&
			gw_diag_want_color(err));
	gw_mustache_destroy(t);
	cJSON_Delete(data);
	free(dtext);
	free(ttext);
	gw_diags_finish(&d);
	gw_buf_finish(&result);
	dir_loader_finish(&dl);
	return status;
}
