/* SPDX-License-Identifier: MIT */
/* The command line: parse options, then load, verify, emit and write each profile. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "diag.h"
#include "report.h"
#include "diff.h"
#include "emit.h"
#include "init.h"
#include "model.h"
#include "output.h"
#include "pipeline.h"
#include "plan.h"
#include "profile.h"
#include "render.h"
#include "rules_cmd.h"
#include "schema.h"
#include "templates.h"
#include "util.h"
#include "verify.h"

/* Where generated files go unless -o says otherwise. */
#define DEFAULT_OUT_DIR "out"
/* The profiles directory searched after $GWGEN_PROFILE_PATH. */
#define LOCAL_PROFILE_DIR "profiles"
#define PROFILE_PATH_ENV "GWGEN_PROFILE_PATH"
#define PROFILE_EXT ".yaml"
/* A profile file whose name starts with this is a base for 'extends:'
 * only (it need not be complete): --all, a DIR/ and 'list' skip it. */
#define BASE_PROFILE_PREFIX '_'

/* --check reads committed files up to this size; larger ones are stale. */
#define CHECK_MAX_BYTES (64 * 1024 * 1024)
/* Permission bits that make a file executable. */
#define EXEC_BITS 0111

enum mode {
	MODE_GENERATE,
	MODE_VERIFY,
	MODE_CHECK,
	MODE_LIST,
};

static const char *const mode_names[] = {
	[MODE_GENERATE] = "generate",
	[MODE_VERIFY] = "verify",
	[MODE_CHECK] = "check",
	[MODE_LIST] = "list",
};
_Static_assert(GW_ARRAY_LEN(mode_names) == MODE_LIST + 1,
		"one name per mode");

enum color_choice {
	COLOR_AUTO,
	COLOR_ALWAYS,
	COLOR_NEVER,
};

static const char *const color_names[] = {
	[COLOR_AUTO] = "auto",
	[COLOR_ALWAYS] = "always",
	[COLOR_NEVER] = "never",
};
_Static_assert(GW_ARRAY_LEN(color_names) == COLOR_NEVER + 1,
		"one name per colour choice");

/* Long-only options: values past every character getopt can return. */
enum long_only {
	OPT_VERIFY_ONLY = 256,
	OPT_CHECK,
	OPT_DIFF,
	OPT_LIST,
	OPT_ALL,
	OPT_TEMPLATE,
	OPT_FORMAT,
	OPT_COLOR,
	OPT_STRICT,
};

/* Leading ':': getopt returns ':' for a missing argument, and stays quiet. */
static const char short_options[] = ":p:o:T:vqhV";

static const struct option long_options[] = {
	{"profile", required_argument, NULL, 'p'},
	{"out", required_argument, NULL, 'o'},
	{"templates", required_argument, NULL, 'T'},
	{"all", optional_argument, NULL, OPT_ALL},
	{"verify-only", no_argument, NULL, OPT_VERIFY_ONLY},
	{"check", no_argument, NULL, OPT_CHECK},
	{"diff", no_argument, NULL, OPT_DIFF},
	{"list", no_argument, NULL, OPT_LIST},
	{"template", required_argument, NULL, OPT_TEMPLATE},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"color", required_argument, NULL, OPT_COLOR},
	{"strict", no_argument, NULL, OPT_STRICT},
	{"verbose", no_argument, NULL, 'v'},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{0},
};

static const char help_text[] =
	"usage: gwgen [generate] --profile NAME|FILE [-o DIR] [OPTION...]\n"
	"       gwgen [generate] --all [DIR] [-o DIR] [OPTION...]\n"
	"       gwgen verify --profile NAME|FILE | --template FILE [OPTION...]\n"
	"       gwgen check --profile NAME|FILE | --all [DIR] [-o DIR] [--diff]\n"
	"       gwgen list\n"
	"       gwgen render [RENDER-OPTION...]   (see 'gwgen render --help')\n"
	"       gwgen schema [-o FILE]            (see 'gwgen schema --help')\n"
	"       gwgen rules [ID...]\n"
	"       gwgen plan --profile NAME|FILE [-o DIR] | --template OLD NEW\n"
	"                                         (see 'gwgen plan --help')\n"
	"       gwgen init NAME [--engine ENGINE] [--region REGION]\n"
	"                  [--from PROFILE]       (see 'gwgen init --help')\n"
	"\n"
	"Turn a YAML profile of an AWS Batch set-up into reviewed, deployable\n"
	"files under DIR/NAME/ (CloudFormation, IAM policies, user data,\n"
	"deploy.sh, client configuration). Nothing is written unless the\n"
	"profile verifies and every file renders; gwgen makes no AWS calls.\n"
	"\n"
	"Commands (the first argument; the first four also have an option form):\n"
	"  generate              verify and write DIR/NAME/ (the default)\n"
	"  verify                verify only, write nothing (--verify-only)\n"
	"  check                 regenerate in memory and compare with DIR/NAME/;\n"
	"                        exit 4 when it differs (--check)\n"
	"  list                  list the profiles on the search path (--list)\n"
	"  render                render a mustache template with JSON data\n"
	"  schema                print the profile format's JSON Schema\n"
	"  rules                 print the rule book: every rule (or each ID\n"
	"                        named), what it checks, its source, its code\n"
	"  init                  write a commented starter profile\n"
	"  plan                  what the change deploys: replacements, data\n"
	"                        at risk, IAM broadened (exit 4: needs review)\n"
	"\n"
	"Options:\n"
	"  -p, --profile NAME|FILE|DIR/\n"
	"                        a profile name, a path to a .yaml file, or a\n"
	"                        directory written with a '/' (every profile in\n"
	"                        it); may be repeated, but two profiles of one\n"
	"                        run may not have the same name\n"
	"      --all[=DIR]       every profile in DIR, or on the search path\n"
	"                        (also 'gwgen --all DIR')\n"
	"  -o, --out DIR         output directory (default: out); files go to\n"
	"                        DIR/NAME/, NAME being the profile's name\n"
	"  -T, --templates DIR   use the templates in DIR (every one of them)\n"
	"                        instead of the ones built into gwgen\n"
	"      --template FILE   (verify) check a CloudFormation template file\n"
	"      --diff            (check) print a unified diff of what differs\n"
	"      --strict          treat warnings as errors\n"
	"      --format FORMAT   diagnostics as text (default), json, github\n"
	"                        (GitHub Actions annotations) or sarif (SARIF\n"
	"                        2.1.0, for GitHub code scanning)\n"
	"      --color WHEN      auto (default: a terminal and no NO_COLOR),\n"
	"                        always, or never\n"
	"  -v, --verbose         name each file written or checked\n"
	"  -q, --quiet           no closing line saying what was written\n"
	"  -h, --help            show this help and exit\n"
	"  -V, --version         show the version and exit\n"
	"\n"
	"Profile search path for a NAME: each directory of $GWGEN_PROFILE_PATH\n"
	"(':'-separated), then ./profiles, then " GW_PROFILE_DIR ".\n"
	"A file named _NAME.yaml is a base profile for 'extends:' only:\n"
	"--all, a DIR/ and list skip it.\n"
	"\n"
	"Exit status:\n"
	"  0  success\n"
	"  1  a profile, template or data file is invalid (or has warnings\n"
	"     with --strict); plan: a finding says the update will fail\n"
	"  2  usage error (also: an empty option value)\n"
	"  3  reading or writing files failed (also: no such profile,\n"
	"     DIR/NAME/ holding files gwgen did not write, or standard\n"
	"     output or error cannot be written)\n"
	"  4  check: the files under DIR/NAME/ are stale, missing or extra;\n"
	"     plan: a change needs a human (replacement, data or jobs at\n"
	"     risk, IAM broadened, a higher capacity ceiling)\n"
	"With several profiles the highest status is returned.\n";

struct strv {
	const char **v;
	size_t n, cap;
};

struct options {
	enum mode mode;
	bool mode_set;
	const char *out_dir;
	const char *templates_dir;
	struct strv profiles;  /* --profile values, in order */
	struct strv templates; /* verify --template FILE values */
	bool all;
	const char *all_dir;   /* NULL: the search path */
	enum gw_diag_format format;
	enum color_choice color;
	bool verbose, strict, diff;
	bool quiet; /* no summary line after a profile is written */
};

/* What one run shares between profiles. */
struct run {
	const struct options *o;
	FILE *out, *err;
	bool color;
	const struct gw_templates *templates;
	struct gw_diags all; /* --format json: every profile's findings */
	bool verify_only;    /* profiles clash: verify, write nothing */
	char *summary;       /* what the profile wrote, printed after its
	                      * diagnostics (free()), or NULL */
};

/* A profile found on disk by listing a directory. */
struct found {
	char *name; /* file name without .yaml */
	char *path;
};

struct found_list {
	struct found *v;
	size_t n, cap;
};

static void strv_push(struct strv *s, const char *x)
{
	gw_grow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = x;
}

static int status_max(int a, int b)
{
	return a > b ? a : b;
}

/* 'dir'/'name', without doubling a '/' that 'dir' ends with; free() it. */
static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	return gw_xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/",
			name);
}

/* Report that 'path' cannot be read, with errno's reason. */
static void cannot_read(struct gw_diags *d, const char *path)
{
	gw_diag_error(d, (struct gw_loc){0}, "cannot read '%s': %s", path,
			strerror(errno));
}

/* Print the one-line usage error and the pointer to --help. */
__attribute__((format(printf, 2, 3)))
static int usage_error(FILE *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gwgen: error: ", err);
	vfprintf(err, fmt, ap);
	fputs("\ntry 'gwgen --help'\n", err);
	va_end(ap);
	return GW_EXIT_USAGE;
}

/* Index of 'arg' in 'names' (n entries), or -1. */
static int lookup(const char *const *names, size_t n, const char *arg)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], arg) == 0) {
			return (int)i;
		}
	}
	return -1;
}

/*
 * The index of optarg in 'names' ('n' entries), or -1 after a usage error
 * naming 'option' and every accepted value ("a, b or c").
 */
static int parse_choice(const char *const *names, size_t n,
		const char *option, FILE *err)
{
	int i = lookup(names, n, optarg);
	if (i >= 0) {
		return i;
	}
	struct gw_buf choices;
	gw_buf_init(&choices);
	for (size_t k = 0; k < n; k++) {
		gw_buf_printf(&choices, "%s%s", k == 0 ? ""
				: k + 1 == n ? " or " : ", ", names[k]);
	}
	usage_error(err, "unknown %s '%s' (%s)", option, optarg,
			gw_buf_str(&choices));
	gw_buf_finish(&choices);
	return -1;
}

static bool set_mode(struct options *o, enum mode m, FILE *err)
{
	if (o->mode_set && o->mode != m) {
		usage_error(err, "'%s' and '%s' cannot be combined",
				mode_names[o->mode], mode_names[m]);
		return false;
	}
	o->mode = m;
	o->mode_set = true;
	return true;
}

/* The option as the user wrote it, for messages about it. */
static const char *bad_option(char **argv, char *buf, size_t size)
{
	/* A long option is the whole word up to any '='; a short one may sit
	 * inside a bundle ("-vx"), so it is rebuilt from optopt. */
	const char *s = argv[optind - 1];
	if (gw_has_prefix(s, "--") || optopt <= 0) {
		snprintf(buf, size, "%.*s", (int)strcspn(s, "="), s);
	} else {
		snprintf(buf, size, "-%c", optopt);
	}
	return buf;
}

/* Whether option 'c' (as getopt_long returns it) has a value. */
static bool takes_value(int c)
{
	for (const struct option *l = long_options; l->name; l++) {
		if (l->val == c) {
			return l->has_arg != no_argument;
		}
	}
	return false;
}

/* The name of the option getopt_long just returned as 'c'. */
static const char *option_name(int c, int longindex, char *buf, size_t size)
{
	if (longindex >= 0) {
		snprintf(buf, size, "--%s", long_options[longindex].name);
	} else {
		snprintf(buf, size, "-%c", c);
	}
	return buf;
}

/*
 * Parse 'argv' (its first element is the program or command name). Returns
 * -1 to go on, or the exit status to return at once (help, version, usage).
 */
static int parse_options(int argc, char **argv, struct options *o, FILE *out,
		FILE *err)
{
	char optbuf[64];
	/* 0, not 1: glibc and musl then also reset their state inside a
	 * bundle of short options, so gw_cli_run can run more than once. */
	optind = 0;
	opterr = 0;
	for (;;) {
		int longindex = -1;
		int c = getopt_long(argc, argv, short_options, long_options,
				&longindex);
		if (c == -1) {
			break;
		}
		/* Every value names a file, a directory or a choice: an
		 * empty one ('-o ""', '--profile=') is never meant, and as a
		 * path it would mean the current or the root directory. */
		if (takes_value(c) && optarg && !*optarg) {
			return usage_error(err, "option '%s' needs a non-empty "
					"value", option_name(c, longindex,
						optbuf, sizeof(optbuf)));
		}
		int i;
		switch (c) {
		case 'p':
			strv_push(&o->profiles, optarg);
			break;
		case 'o':
			o->out_dir = optarg;
			break;
		case 'T':
			o->templates_dir = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			fputs(help_text, out);
			return GW_EXIT_OK;
		case 'V':
			fprintf(out, "gwgen %s\n", GW_VERSION);
			return GW_EXIT_OK;
		case OPT_ALL:
			o->all = true;
			o->all_dir = optarg;
			break;
		case OPT_VERIFY_ONLY:
			if (!set_mode(o, MODE_VERIFY, err)) {
				return GW_EXIT_USAGE;
			}
			break;
		case OPT_CHECK:
			if (!set_mode(o, MODE_CHECK, err)) {
				return GW_EXIT_USAGE;
			}
			break;
		case OPT_LIST:
			if (!set_mode(o, MODE_LIST, err)) {
				return GW_EXIT_USAGE;
			}
			break;
		case OPT_DIFF:
			o->diff = true;
			break;
		case OPT_TEMPLATE:
			strv_push(&o->templates, optarg);
			break;
		case OPT_STRICT:
			o->strict = true;
			break;
		case OPT_FORMAT:
			i = parse_choice(gw_diag_format_names,
					GW_ARRAY_LEN(gw_diag_format_names),
					"--format", err);
			if (i < 0) {
				return GW_EXIT_USAGE;
			}
			o->format = (enum gw_diag_format)i;
			break;
		case OPT_COLOR:
			i = parse_choice(color_names, GW_ARRAY_LEN(color_names),
					"--color", err);
			if (i < 0) {
				return GW_EXIT_USAGE;
			}
			o->color = (enum color_choice)i;
			break;
		case ':':
			return usage_error(err, "option '%s' needs an argument",
					bad_option(argv, optbuf, sizeof(optbuf)));
		default:
			return usage_error(err, "unknown option '%s'",
					bad_option(argv, optbuf, sizeof(optbuf)));
		}
	}

	/* 'gwgen --all DIR': the directory may follow as an operand. */
	if (o->all && !o->all_dir && optind + 1 == argc) {
		o->all_dir = argv[optind++];
		if (!*o->all_dir) {
			return usage_error(err, "option '%s' needs a non-empty "
					"value", "--all");
		}
	}
	if (optind < argc) {
		return usage_error(err, "unexpected argument '%s'",
				argv[optind]);
	}
	if (o->quiet && o->verbose) {
		return usage_error(err, "%s and %s cannot be combined",
				"--quiet", "--verbose");
	}
	if (o->diff && o->mode != MODE_CHECK) {
		return usage_error(err, "%s only goes with 'check'", "--diff");
	}
	if (o->templates.n && o->mode != MODE_VERIFY) {
		return usage_error(err, "%s only goes with 'verify'",
				"--template");
	}
	bool any = o->profiles.n || o->all || o->templates.n;
	if (o->mode == MODE_LIST && any) {
		return usage_error(err, "%s takes no profile", "list");
	}
	if (o->mode != MODE_LIST && !any) {
		return usage_error(err, "no profile given (use --profile "
				"NAME or --all)");
	}
	return -1;
}

/* ---- finding profiles ---------------------------------------------------- */

static int compare_found(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	return strcmp(x->name, y->name);
}

static bool found_has(const struct found_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].name, name) == 0) {
			return true;
		}
	}
	return false;
}

/*
 * Add every NAME.yaml in 'dir' whose NAME is not in 'l' yet (earlier
 * directories win, as in the search path), except hidden files and base
 * profiles (_NAME.yaml). A missing directory adds nothing and is an error
 * only when 'required'.
 */
static bool find_profiles(struct found_list *l, const char *dir,
		bool required, struct gw_diags *d)
{
	DIR *dp = opendir(dir);
	if (!dp) {
		if (!required) {
			return true;
		}
		cannot_read(d, dir);
		return false;
	}
	for (struct dirent *e; (e = readdir(dp));) {
		if (e->d_name[0] == '.' || e->d_name[0] == BASE_PROFILE_PREFIX
				|| !gw_has_suffix(e->d_name, PROFILE_EXT)) {
			continue;
		}
		char *name = gw_xstrndup(e->d_name,
				strlen(e->d_name) - strlen(PROFILE_EXT));
		if (!*name || found_has(l, name)) {
			free(name);
			continue;
		}
		gw_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
		l->v[l->n++] = (struct found){
			.name = name,
			.path = join(dir, e->d_name),
		};
	}
	closedir(dp);
	return true;
}

/* Every profile on the search path (see --help), sorted by name. */
static void find_search_path(struct found_list *l)
{
	struct gw_diags ignored;
	gw_diags_init(&ignored);
	const char *env = getenv(PROFILE_PATH_ENV);
	char *copy = gw_xstrdup(env ? env : "");
	for (char *s = copy, *next; s; s = next) {
		next = strchr(s, ':');
		if (next) {
			*next++ = '\0';
		}
		if (*s) {
			find_profiles(l, s, false, &ignored);
		}
	}
	free(copy);
	find_profiles(l, LOCAL_PROFILE_DIR, false, &ignored);
	find_profiles(l, GW_PROFILE_DIR, false, &ignored);
	gw_diags_finish(&ignored);
}

static void sort_found(struct found_list *l)
{
	if (l->n) {
		qsort(l->v, l->n, sizeof(*l->v), compare_found);
	}
}

static void found_finish(struct found_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].path);
	}
	free(l->v);
	*l = (struct found_list){0};
}

/* ---- reporting ----------------------------------------------------------- */

/*
 * Print one profile's findings (or, for JSON and SARIF, keep them for the
 * one document printed at the end). 'd' is finished afterwards.
 */
static void report(struct run *r, struct gw_diags *d)
{
	if (r->o->format == GW_DIAG_JSON || r->o->format == GW_DIAG_SARIF) {
		gw_diags_move(&r->all, d);
	} else {
		gw_diags_sort(d);
		gw_diags_print(d, r->err, r->o->format, r->color);
	}
	gw_diags_finish(d);
}

/* ---- check: compare with what is on disk --------------------------------- */

/* Collect the relative paths of every non-directory below 'top'/'rel'. */
static bool list_tree(const char *top, const char *rel, struct strv *paths,
		struct gw_diags *d)
{
	char *dir = *rel ? gw_xasprintf("%s/%s", top, rel) : gw_xstrdup(top);
	DIR *dp = opendir(dir);
	if (!dp) {
		cannot_read(d, dir);
		free(dir);
		return false;
	}
	bool ok = true;
	for (struct dirent *e; ok && (e = readdir(dp));) {
		if (strcmp(e->d_name, ".") == 0
				|| strcmp(e->d_name, "..") == 0) {
			continue;
		}
		char *sub = *rel ? gw_xasprintf("%s/%s", rel, e->d_name)
				 : gw_xstrdup(e->d_name);
		char *full = gw_xasprintf("%s/%s", top, sub);
		struct stat st;
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			ok = list_tree(top, sub, paths, d);
			free(sub);
		} else {
			/* 'paths' owns it now; check_tree frees it. */
			strv_push(paths, sub);
		}
		free(full);
	}
	closedir(dp);
	free(dir);
	return ok;
}

static int compare_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void put_diff(struct run *r, const char *shown, const char *old,
		size_t oldlen, const char *new, size_t newlen)
{
	/* git's a/ and b/ prefixes on the path as -o gave it, always, so one
	 * 'patch -p1' fits every header. An absolute path loses its leading
	 * '/' as in 'git diff --no-index' ("a/tmp/out/NAME/FILE"): the
	 * diff then applies with 'patch -p1 -d /'. Without the prefix it
	 * needed -p0, and one output tree's headers differed with -o. */
	const char *rel = shown + strspn(shown, "/");
	char *alabel = !old ? gw_xstrdup("/dev/null")
		: gw_xasprintf("a/%s", rel);
	char *blabel = !new ? gw_xstrdup("/dev/null")
		: gw_xasprintf("b/%s", rel);
	struct gw_buf diff;
	gw_buf_init(&diff);
	gw_diff_unified(&diff, alabel, old, oldlen, blabel, new, newlen);
	fwrite(gw_buf_str(&diff), 1, diff.len, r->out);
	gw_buf_finish(&diff);
	free(alabel);
	free(blabel);
}

/* Compare one generated file with DIR/NAME/PATH; true when equal. */
static bool check_file(struct run *r, const char *top, const struct gw_file *f,
		struct gw_diags *d)
{
	char *shown = gw_xasprintf("%s/%s", top, f->path);
	struct stat st;
	size_t len = 0;
	char *text = NULL;
	bool fresh = false;
	const char *what = NULL;

	if (lstat(shown, &st) != 0) {
		what = "missing: gwgen generates this file";
	} else if (!S_ISREG(st.st_mode)) {
		what = "stale: not a regular file";
	} else if (!(text = gw_read_file(shown, CHECK_MAX_BYTES, &len))) {
		what = "stale: cannot read it";
	} else if (len != f->len || memcmp(text, f->data, len) != 0) {
		what = "stale: differs from what gwgen generates";
	} else if (!(st.st_mode & EXEC_BITS) != !(f->mode & EXEC_BITS)) {
		what = "stale: its executable bit differs";
	} else {
		fresh = true;
	}
	if (!fresh) {
		gw_diag_error(d, (struct gw_loc){.file = shown}, "%s", what);
		if (r->o->diff) {
			put_diff(r, shown, text, len, f->data, f->len);
		}
	} else if (r->o->verbose) {
		fprintf(r->out, "up to date: %s\n", shown);
	}
	free(text);
	free(shown);
	return fresh;
}

/* Append 's' to 'b' as one POSIX sh word, quoted only when it must be. */
static void put_sh_word(struct gw_buf *b, const char *s)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-+,:=@%";
	if (*s && s[strspn(s, plain)] == '\0') {
		gw_buf_puts(b, s);
		return;
	}
	gw_buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'') {
			gw_buf_puts(b, "'\\''");
		} else {
			gw_buf_putc(b, *s);
		}
	}
	gw_buf_putc(b, '\'');
}

static bool same_file(const char *a, const char *b)
{
	struct stat x, y;
	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev
		&& x.st_ino == y.st_ino;
}

/*
 * The command that regenerates profile 'name' from file 'path' as this run
 * did (free() it). The bare name only when '--profile NAME' finds that
 * very file on the search path: a profile from 'gwgen --all DIR' or from a
 * path is often not there, or another file of that name is.
 */
static char *regenerate_command(const struct run *r, const char *name,
		const char *path)
{
	struct gw_diags quiet;
	gw_diags_init(&quiet);
	char *found = gw_profile_resolve(name, &quiet);
	gw_diags_finish(&quiet);
	struct gw_buf b;
	gw_buf_init(&b);
	gw_buf_puts(&b, "gwgen --profile ");
	put_sh_word(&b, found && same_file(found, path) ? name : path);
	free(found);
	if (r->o->templates_dir) {
		/* Other templates, other output. */
		gw_buf_puts(&b, " -T ");
		put_sh_word(&b, r->o->templates_dir);
	}
	gw_buf_puts(&b, " -o ");
	put_sh_word(&b, r->o->out_dir);
	return gw_buf_detach(&b, NULL);
}

/*
 * --check for profile 'name' (read from 'path'): GW_EXIT_OK, GW_EXIT_STALE
 * or GW_EXIT_IO.
 */
static int check_tree(struct run *r, const char *name, const char *path,
		const struct gw_files *files, struct gw_diags *d)
{
	char *top = join(r->o->out_dir, name);
	struct strv disk = {0};
	int status = GW_EXIT_OK;
	bool stale = false;
	struct stat st;

	if (lstat(top, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			gw_diag_error(d, (struct gw_loc){0}, "cannot check "
					"'%s': not a directory", top);
			status = GW_EXIT_IO;
			goto out;
		}
		if (!list_tree(top, "", &disk, d)) {
			status = GW_EXIT_IO;
			goto out;
		}
	} else if (errno != ENOENT) {
		/* Absent is "every file missing"; anything else is I/O. */
		cannot_read(d, top);
		status = GW_EXIT_IO;
		goto out;
	}
	for (size_t i = 0; i < files->n; i++) {
		stale |= !check_file(r, top, &files->v[i], d);
	}
	/* The list of what gwgen wrote, which gw_output_write adds. */
	struct gw_buf manifest;
	gw_buf_init(&manifest);
	gw_output_manifest(files, &manifest);
	struct gw_file mf = {
		.path = (char *)GW_OUTPUT_MANIFEST,
		.data = manifest.data ? manifest.data : (char *)"",
		.len = manifest.len,
		.mode = GW_OUTPUT_MANIFEST_MODE,
	};
	stale |= !check_file(r, top, &mf, d);
	gw_buf_finish(&manifest);
	if (disk.n) {
		qsort(disk.v, disk.n, sizeof(*disk.v), compare_str);
	}
	for (size_t i = 0; i < disk.n; i++) {
		if (gw_files_find(files, disk.v[i])
				|| strcmp(disk.v[i], GW_OUTPUT_MANIFEST) == 0) {
			continue;
		}
		char *shown = gw_xasprintf("%s/%s", top, disk.v[i]);
		gw_diag_error(d, (struct gw_loc){.file = shown},
				"extra: gwgen does not generate this file");
		if (r->o->diff) {
			size_t len = 0;
			char *text = gw_read_file(shown, CHECK_MAX_BYTES, &len);
			put_diff(r, shown, text ? text : "", len, NULL, 0);
			free(text);
		}
		free(shown);
		stale = true;
	}
	if (stale) {
		char *cmd = regenerate_command(r, name, path);
		gw_diag_note(d, (struct gw_loc){0}, "'%s' is out of date; "
				"regenerate it with '%s'", top, cmd);
		free(cmd);
		status = GW_EXIT_STALE;
	}
out:
	for (size_t i = 0; i < disk.n; i++) {
		free((char *)disk.v[i]);
	}
	free(disk.v);
	free(top);
	return status;
}

/* ---- the pipeline -------------------------------------------------------- */

/* With --strict, a warning fails the profile (and says so). */
static bool too_strict(const struct run *r, struct gw_diags *d)
{
	if (r->o->strict && d->n_warnings) {
		gw_diag_error(d, (struct gw_loc){0},
				"%zu warning%s, and --strict is on",
				d->n_warnings, d->n_warnings == 1 ? "" : "s");
		return true;
	}
	return false;
}

/* -v: each file written, or found with these bytes already (kept[i]),
 * then the manifest (kept[files->n]). */
static void list_written(const struct run *r, const char *name,
		const struct gw_files *files, const bool *kept)
{
	char *top = join(r->o->out_dir, name);
	for (size_t i = 0; i < files->n; i++) {
		fprintf(r->out, "%s %s/%s\n", kept[i] ? "up to date:" : "wrote",
				top, files->v[i].path);
	}
	fprintf(r->out, "%s %s/%s\n", kept[files->n] ? "up to date:" : "wrote",
			top, GW_OUTPUT_MANIFEST);
	free(top);
}

/*
 * The closing line of a profile written to DIR/NAME/ (free() it): how many
 * files, the manifest included, how many of them written and found up to
 * date (kept[i], kept[files->n] for the manifest), and the warnings in 'd', so a run that prints only warnings does not look like a
 * failure.
 */
static char *summary_line(const struct run *r, const char *name,
		const struct gw_files *files, const bool *kept,
		const struct gw_diags *d)
{
	size_t n = files->n + 1, n_kept = 0;
	for (size_t i = 0; i < n; i++) {
		n_kept += kept[i];
	}
	char *top = join(r->o->out_dir, name);
	struct gw_buf b;
	gw_buf_init(&b);
	gw_buf_printf(&b, "%s/: %zu files (%zu written, %zu up to date), ",
			top, n, n - n_kept, n_kept);
	if (d->n_warnings) {
		gw_buf_printf(&b, "%zu warning%s\n", d->n_warnings,
				d->n_warnings == 1 ? "" : "s");
	} else {
		gw_buf_puts(&b, "no warnings\n");
	}
	free(top);
	return gw_buf_detach(&b, NULL);
}

/* Write 'files' into DIR/NAME/; -v lists them; the summary is kept in 'r'. */
static bool write_files(struct run *r, const char *name,
		const struct gw_files *files, struct gw_diags *d)
{
	bool *kept = gw_xcalloc(files->n + 1, sizeof(*kept));
	bool ok = gw_output_write(r->o->out_dir, name, files, kept, d);
	if (ok && r->o->verbose) {
		list_written(r, name, files, kept);
	}
	if (ok && !r->o->quiet) {
		free(r->summary);
		r->summary = summary_line(r, name, files, kept, d);
	}
	free(kept);
	return ok;
}

/*
 * Take one profile through the pipeline, then (by mode) stop, compare the
 * bundle with DIR/NAME/ or write it.
 * Everything it allocates is freed before it returns. Returns an enum gw_exit.
 */
static int run_profile(struct run *r, const char *arg, struct gw_diags *d)
{
	int status = GW_EXIT_OK;
	struct gw_bundle b = { 0 };
	char *path = gw_profile_resolve(arg, d);
	if (!path) {
		status = GW_EXIT_IO;
		goto out;
	}
	if (access(path, R_OK) != 0) {
		cannot_read(d, path);
		status = GW_EXIT_IO;
		goto out;
	}
	if (!gw_pipeline_build(path, r->templates, r->o->strict, &b, d)) {
		status = GW_EXIT_INVALID;
		goto out;
	}
	if (r->o->mode == MODE_VERIFY || r->verify_only) {
		if (r->o->verbose && r->o->mode == MODE_VERIFY) {
			fprintf(r->out, "verified %s\n", path);
		}
	} else if (r->o->mode == MODE_CHECK) {
		status = check_tree(r, b.m->name.s, path, &b.files, d);
	} else if (!write_files(r, b.m->name.s, &b.files, d)) {
		status = GW_EXIT_IO;
	}
out:
	gw_bundle_finish(&b);
	free(path);
	return status;
}

static int run_template(struct run *r, const char *path, struct gw_diags *d)
{
	if (access(path, R_OK) != 0) {
		cannot_read(d, path);
		return GW_EXIT_IO;
	}
	if (!gw_verify_template_file(path, d) || too_strict(r, d)) {
		return GW_EXIT_INVALID;
	}
	if (r->o->verbose) {
		fprintf(r->out, "verified %s\n", path);
	}
	return GW_EXIT_OK;
}

/* A --profile value naming a directory (written with a '/'). */
static bool is_profile_dir(const char *arg)
{
	struct stat st;
	return strchr(arg, '/') && stat(arg, &st) == 0 && S_ISDIR(st.st_mode);
}

typedef int (*run_fn)(struct run *r, const char *arg, struct gw_diags *d);

/* Run 'fn' on 'arg' with its own diagnostics, then report them. */
static int run_reported(struct run *r, run_fn fn, const char *arg)
{
	struct gw_diags d;
	gw_diags_init(&d);
	int status = fn(r, arg, &d);
	report(r, &d);
	if (r->summary) {
		/* After the diagnostics, so it is the profile's last line;
		 * flushed, so it stays there when both streams share a log. */
		fputs(r->summary, r->out);
		fflush(r->out);
		free(r->summary);
		r->summary = NULL;
	}
	return status;
}

/*
 * Add the profiles of 'l' to 'targets' in name order (copies, which
 * 'targets' owns); an empty list is an error. Returns an enum gw_exit.
 */
static int collect_found(struct run *r, struct found_list *l,
		const char *where, struct strv *targets)
{
	if (!l->n) {
		struct gw_diags d;
		gw_diags_init(&d);
		gw_diag_error(&d, (struct gw_loc){0}, "no profiles (*%s) %s",
				PROFILE_EXT, where);
		report(r, &d);
		return GW_EXIT_IO;
	}
	sort_found(l);
	for (size_t i = 0; i < l->n; i++) {
		strv_push(targets, gw_xstrdup(l->v[i].path));
	}
	return GW_EXIT_OK;
}

/* Add every profile in directory 'dir' to 'targets'. */
static int collect_dir(struct run *r, const char *dir, struct strv *targets)
{
	struct found_list l = {0};
	struct gw_diags d;
	gw_diags_init(&d);
	bool ok = find_profiles(&l, dir, true, &d);
	report(r, &d);
	int status = GW_EXIT_IO;
	if (ok) {
		char *where = gw_xasprintf("in '%s'", dir);
		status = collect_found(r, &l, where, targets);
		free(where);
	}
	found_finish(&l);
	return status;
}

/*
 * The profiles the options name, in order: --all, then each --profile (a
 * DIR/ as its profiles in name order). Each is a copy that 'targets' owns.
 */
static int collect_profiles(struct run *r, struct strv *targets)
{
	const struct options *o = r->o;
	int status = GW_EXIT_OK;

	if (o->all && o->all_dir) {
		status = collect_dir(r, o->all_dir, targets);
	} else if (o->all) {
		struct found_list l = {0};
		find_search_path(&l);
		status = collect_found(r, &l, "on the search path (see 'gwgen "
				"--help')", targets);
		found_finish(&l);
	}
	for (size_t i = 0; i < o->profiles.n; i++) {
		const char *arg = o->profiles.v[i];
		if (is_profile_dir(arg)) {
			status = status_max(status,
					collect_dir(r, arg, targets));
		} else {
			strv_push(targets, gw_xstrdup(arg));
		}
	}
	return status;
}

/* The output name one profile of the run claims, and where it says so. */
struct claim {
	char *name; /* the profile's name: */
	char *path; /* the profile file */
	char *file; /* the file that set name: (a parent, with extends:) */
	unsigned line, col;
};

/*
 * Report every profile of 'targets' whose name: another one has too: both
 * would write DIR/NAME/, and which of them is left there would depend on
 * the order of the files. The error is at the later profile's name: (in
 * the file that set it), with a note at the first one's. A profile that
 * does not load is left to the run that follows, which reports it. Returns
 * true when there is no clash.
 */
static bool names_are_unique(struct run *r, const struct strv *targets)
{
	struct claim *v = gw_xcalloc(targets->n ? targets->n : 1, sizeof(*v));
	size_t n = 0;
	struct gw_diags d;
	gw_diags_init(&d);
	for (size_t i = 0; i < targets->n; i++) {
		struct gw_diags quiet;
		gw_diags_init(&quiet);
		char *path = gw_profile_resolve(targets->v[i], &quiet);
		/* Most profiles say name: in their first lines: read just
		 * that; load the others (extends:, aliases) to learn it. A
		 * FIFO is left alone, since reading it here would consume
		 * what the run itself must read. */
		struct stat st;
		bool regular = path && stat(path, &st) == 0 &&
			S_ISREG(st.st_mode);
		size_t len = 0;
		char *text = regular ? gw_read_file(path, GW_PROFILE_MAX_BYTES,
				&len) : NULL;
		struct gw_loc at = {0};
		char *peeked = text ? gw_profile_peek_name(text, len, &at)
			: NULL;
		free(text);
		if (peeked) {
			v[n++] = (struct claim){
				.name = peeked,
				.path = path,
				.file = gw_xstrdup(path),
				.line = at.line,
				.col = at.col,
			};
			gw_diags_finish(&quiet);
			continue;
		}
		struct gw_model *m = regular ? gw_profile_load(path, &quiet)
			: NULL;
		if (m && m->name.s) {
			v[n++] = (struct claim){
				.name = gw_xstrdup(m->name.s),
				.path = path,
				.file = gw_xstrdup(m->name.loc.file
						? m->name.loc.file : path),
				.line = m->name.loc.line,
				.col = m->name.loc.col,
			};
			path = NULL;
		}
		gw_model_destroy(m);
		free(path);
		gw_diags_finish(&quiet);
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++) {
			if (strcmp(v[i].name, v[j].name) != 0) {
				continue;
			}
			char *top = join(r->o->out_dir, v[i].name);
			struct gw_loc at = {v[i].file, v[i].line, v[i].col};
			if (same_file(v[i].path, v[j].path)) {
				gw_diag_error(&d, at, "profile '%s' is given "
						"twice (also as '%s'), and "
						"would write '%s/' twice",
						v[i].path, v[j].path, top);
			} else {
				gw_diag_error(&d, at, "profile '%s' has the "
						"same name '%s' as '%s': both "
						"would write '%s/'", v[i].path,
						v[i].name, v[j].path, top);
			}
			gw_diag_note(&d, (struct gw_loc){v[j].file, v[j].line,
					v[j].col}, "'%s' takes the name '%s' "
					"here", v[j].path, v[j].name);
			free(top);
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].path);
		free(v[i].file);
	}
	free(v);
	bool unique = !gw_diags_has_errors(&d);
	report(r, &d);
	return unique;
}

/* Run what the options name: --all, each --profile, each --template. */
static int run_all(struct run *r)
{
	const struct options *o = r->o;
	struct strv targets = {0};
	int status = collect_profiles(r, &targets);

	/* A clash writes nothing at all (not even the profiles that do not
	 * clash: the run as asked for cannot be done), but each profile is
	 * still verified, so one run shows every finding. */
	if (targets.n > 1 && !names_are_unique(r, &targets)) {
		status = status_max(status, GW_EXIT_INVALID);
		r->verify_only = true;
	}
	for (size_t i = 0; i < targets.n; i++) {
		status = status_max(status,
				run_reported(r, run_profile, targets.v[i]));
	}
	for (size_t i = 0; i < o->templates.n; i++) {
		status = status_max(status,
				run_reported(r, run_template, o->templates.v[i]));
	}
	for (size_t i = 0; i < targets.n; i++) {
		free((char *)targets.v[i]);
	}
	free(targets.v);
	return status;
}

/* ---- list ---------------------------------------------------------------- */

static int run_list(struct run *r)
{
	struct found_list l = {0};
	find_search_path(&l);
	sort_found(&l);
	int width = 0;
	for (size_t i = 0; i < l.n; i++) {
		int n = (int)strlen(l.v[i].name);
		width = n > width ? n : width;
	}
	for (size_t i = 0; i < l.n; i++) {
		/* Loading gives the description; findings are for 'verify'. */
		struct gw_diags d;
		gw_diags_init(&d);
		struct gw_model *m = gw_profile_load(l.v[i].path, &d);
		fprintf(r->out, "%-*s  ", width, l.v[i].name);
		if (m && m->description.s) {
			fprintf(r->out, "%s\n", m->description.s);
		} else {
			fprintf(r->out, "(invalid: run 'gwgen verify --profile "
					"%s')\n", l.v[i].path);
		}
		if (r->o->verbose) {
			fprintf(r->out, "%-*s  (%s)\n", width, "", l.v[i].path);
		}
		gw_model_destroy(m);
		gw_diags_finish(&d);
	}
	found_finish(&l);
	return GW_EXIT_OK;
}

/* ---- entry --------------------------------------------------------------- */

/*
 * Whether --templates DIR, read as 't', has every template gwgen has built
 * in: it replaces the whole set ('same layout as templates/'), and the
 * renderer would otherwise meet a missing file only when a profile needs
 * it, as an internal error. Each missing file is an error naming it.
 */
static bool has_every_template(const struct run *r,
		const struct gw_templates *t, struct gw_diags *d)
{
	const struct gw_templates *builtin = gw_templates_builtin();
	bool ok = true;
	for (size_t i = 0; i < gw_templates_count(builtin); i++) {
		const char *name = gw_templates_at(builtin, i)->name;
		if (gw_templates_find(t, name)) {
			continue;
		}
		char *path = join(r->o->templates_dir, name);
		gw_diag_error(d, (struct gw_loc){.file = path}, "missing "
				"template (--templates DIR must hold every "
				"file of templates/, '%s' too)", name);
		free(path);
		ok = false;
	}
	return ok;
}

static void options_finish(struct options *o)
{
	free(o->profiles.v);
	free(o->templates.v);
}

/*
 * Everything gw_cli_run does but the last check of the streams. Returns an
 * enum gw_exit.
 */
static int run_cli(int argc, char **argv, FILE *out, FILE *err)
{
	/* Idempotent: cJSON's allocators abort on out of memory (STYLE 5). */
	gw_cjson_init();

	struct options o = {
		.mode = MODE_GENERATE,
		.out_dir = DEFAULT_OUT_DIR,
		.format = GW_DIAG_TEXT,
		.color = COLOR_AUTO,
	};
	int status;
	struct gw_templates *loaded = NULL;
	struct run r = {.o = &o, .out = out, .err = err};
	gw_diags_init(&r.all);

	/* A command name, if any, comes first; it then plays argv[0]
	 * ('render' is gw_cli_run's). */
	const char *cmd = argc > 1 ? argv[1] : "";
	int at = lookup(mode_names, GW_ARRAY_LEN(mode_names), cmd);
	if (at >= 0) {
		o.mode = (enum mode)at;
		o.mode_set = true;
		argc--;
		argv++;
	}

	status = parse_options(argc, argv, &o, out, err);
	if (status >= 0) {
		goto out;
	}
	r.color = o.color == COLOR_ALWAYS
		|| (o.color == COLOR_AUTO && gw_diag_want_color(err));

	if (o.mode == MODE_LIST) {
		status = run_list(&r);
		goto out;
	}
	r.templates = gw_templates_builtin();
	if (o.templates_dir) {
		struct gw_diags d;
		gw_diags_init(&d);
		loaded = gw_templates_load_dir(o.templates_dir, &d);
		bool complete = loaded && has_every_template(&r, loaded, &d);
		report(&r, &d);
		if (!loaded) {
			status = GW_EXIT_IO;
			goto print;
		}
		if (!complete) {
			status = GW_EXIT_INVALID;
			goto print;
		}
		r.templates = loaded;
	}
	status = run_all(&r);
print:
	if (o.format == GW_DIAG_JSON || o.format == GW_DIAG_SARIF) {
		gw_diags_sort(&r.all);
		gw_diags_print(&r.all, err, o.format, false);
	}
out:
	gw_templates_destroy(loaded);
	gw_diags_finish(&r.all);
	options_finish(&o);
	return status;
}

/*
 * Finish a run that returned 'status' ('told': a failed write to 'out' was
 * reported already). A write to 'out' that failed (a full disk, a closed pipe, /dev/full) is
 * seen only here: stdio buffers what --help, --version, list, render, -v
 * and --diff print, and a lost line of them would otherwise pass for a
 * success. Nothing can be said about a failing 'err', but the status
 * still tells (as coreutils' close_stdout does).
 */
static int finish_streams(FILE *out, FILE *err, int status, bool told)
{
	/* errno only from this fflush: an earlier failed write left just the
	 * error flag, and its reason is gone. */
	errno = 0;
	if ((fflush(out) != 0 || ferror(out)) && !told) {
		int e = errno;
		fprintf(err, "gwgen: error: cannot write to standard "
				"output%s%s\n", e ? ": " : "",
				e ? strerror(e) : "");
		status = status_max(status, GW_EXIT_IO);
	}
	if (fflush(err) != 0 || ferror(err)) {
		status = status_max(status, GW_EXIT_IO);
	}
	return status;
}

int gw_cli_run(int argc, char **argv, FILE *out, FILE *err)
{
	if (argc > 1 && strcmp(argv[1], "render") == 0) {
		/* Idempotent: cJSON's allocators abort on out of memory. */
		gw_cjson_init();
		int status = gw_render_main(argc - 1, argv + 1, out, err);
		/* It checks its own output (it also runs alone): a failure
		 * it reported is not told twice. */
		return finish_streams(out, err, status,
				status == GW_EXIT_IO && ferror(out));
	}
	if (argc > 1 && strcmp(argv[1], "init") == 0) {
		gw_cjson_init();
		return finish_streams(out, err, gw_init_main(argc - 1,
					argv + 1, out, err), false);
	}
	if (argc > 1 && strcmp(argv[1], "rules") == 0) {
		return finish_streams(out, err, gw_rules_main(argc - 1,
					argv + 1, out, err), false);
	}
	if (argc > 1 && strcmp(argv[1], "plan") == 0) {
		gw_cjson_init();
		return finish_streams(out, err, gw_plan_main(argc - 1,
					argv + 1, out, err), false);
	}
	if (argc > 1 && strcmp(argv[1], "schema") == 0) {
		gw_cjson_init();
		return finish_streams(out, err, gw_schema_main(argc - 1,
					argv + 1, out, err), false);
	}
	return finish_streams(out, err, run_cli(argc, argv, out, err), false);
}
