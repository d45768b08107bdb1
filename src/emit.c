/* SPDX-License-Identifier: MIT */
/* The artifact table and the driver that renders every artifact in memory. */
#include "emit.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "escape.h"
#include "escape_groovy.h"
#include "mustache.h"
#include "mustache_cjson.h"
#include "userdata.h"
#include "util.h"
#include "view.h"

#define MODE_FILE 0644u
#define MODE_SCRIPT 0755u
/* In an output path pattern, replaced by the item's 'name' (see 'each'). */
#define ITEM_MARK "{}"
/* The view key under which the current item of an 'each' row is visible. */
#define ITEM_KEY "item"


/* ---- the artifact table ------------------------------------------------------ */

/* Every artifact gwgen writes besides user data, in render order. */
enum gw_kind {
	GW_KIND_CFN,          /* cloudformation.yaml */
	GW_KIND_IAM_POLICY,   /* iam/POLICY.json, one per policy */
	GW_KIND_IAM_TRUST,    /* iam/ROLE-trust.json, one per role */
	GW_KIND_IAM_OPEN_DATA, /* iam/ROLE-open-data.json, per role with open_data */
	GW_KIND_BUCKET_POLICY, /* iam/bucket-policy.json */
	GW_KIND_DEPLOY,       /* scripts/deploy.sh */
	GW_KIND_TEARDOWN,     /* scripts/teardown.sh */
	GW_KIND_USERS,        /* scripts/users.sh */
	GW_KIND_VALIDATE,     /* scripts/validate.sh */
	GW_KIND_DOCTOR,       /* scripts/doctor.sh */
	GW_KIND_RUN_HEAD,     /* scripts/run-head.sh */
	GW_KIND_RUN_MINIWDL,  /* scripts/run-miniwdl.sh */
	GW_KIND_ENV,          /* deploy.env.example */
	GW_KIND_NEXTFLOW,     /* client/nextflow.config */
	GW_KIND_NEXTSTRAIN,   /* client/nextstrain.config */
	GW_KIND_SNAKEMAKE,    /* client/snakemake/config.yaml */
	GW_KIND_CROMWELL,     /* client/cromwell.conf */
	GW_KIND_MINIWDL,      /* client/miniwdl.cfg */
	GW_KIND_SUMMARY,      /* README.md */
	GW_KIND_COUNT
};

/*
 * One row per artifact kind (STYLE 10). Instead of a view builder per row,
 * every row renders the one view of gw_view_build, so no two artifacts can
 * disagree about a name, a logical ID or an ARN; a row with 'each' renders
 * once per element of a view list, which it sees as 'item'.
 */
struct gw_artifact {
	const char *name;     /* kind name, for messages and the CLI */
	const char *template; /* below templates/; its directory is the partial kind */
	const char *out;      /* path below out/NAME/; ITEM_MARK = item's name */
	gw_escape_fn escape;  /* for {{name}} */
	const char *each;     /* view list rendered once per element, or NULL */
	const char *when;     /* view boolean ("a.b") enabling the row, or NULL */
	unsigned mode;
	enum gw_file_kind kind; /* what the check stage re-parses it as */
	/* Tell the view about the rendered text (later rows read it). */
	void (*publish)(cJSON *view, const char *text, size_t len);
};

static void publish_template_size(cJSON *view, const char *text, size_t len)
{
	gw_view_set_template_size(view, len);
}

static const struct gw_artifact artifacts[] = {
	[GW_KIND_CFN] = {
		.name = "cloudformation", .template = "cfn/stack.yaml.mustache",
		.out = "cloudformation.yaml", .escape = gw_escape_yaml,
		.mode = MODE_FILE, .kind = GW_FILE_CFN,
		.publish = publish_template_size,
	},
	[GW_KIND_IAM_POLICY] = {
		.name = "iam-policy", .template = "iam/policy.json.mustache",
		.out = "iam/" ITEM_MARK ".json", .escape = gw_escape_json,
		.each = "policies", .mode = MODE_FILE, .kind = GW_FILE_JSON,
	},
	[GW_KIND_IAM_TRUST] = {
		.name = "iam-trust", .template = "iam/trust.json.mustache",
		.out = "iam/" ITEM_MARK "-trust.json", .escape = gw_escape_json,
		.each = "roles", .mode = MODE_FILE, .kind = GW_FILE_JSON,
	},
	[GW_KIND_IAM_OPEN_DATA] = {
		.name = "iam-open-data",
		.template = "iam/open-data.json.mustache",
		.out = "iam/" ITEM_MARK ".json", .escape = gw_escape_json,
		.each = "open_data_roles", .mode = MODE_FILE,
		.kind = GW_FILE_JSON,
	},
	[GW_KIND_BUCKET_POLICY] = {
		.name = "bucket-policy",
		.template = "iam/bucket-policy.json.mustache",
		.out = "iam/bucket-policy.json", .escape = gw_escape_json,
		.when = "bucket.present", .mode = MODE_FILE,
		.kind = GW_FILE_JSON,
	},
	[GW_KIND_DEPLOY] = {
		.name = "deploy", .template = "cli/deploy.sh.mustache",
		.out = "scripts/deploy.sh", .escape = gw_escape_sh,
		.mode = MODE_SCRIPT, .kind = GW_FILE_BASH,
	},
	[GW_KIND_TEARDOWN] = {
		.name = "teardown", .template = "cli/teardown.sh.mustache",
		.out = "scripts/teardown.sh", .escape = gw_escape_sh,
		.mode = MODE_SCRIPT, .kind = GW_FILE_BASH,
	},
	[GW_KIND_USERS] = {
		.name = "users", .template = "cli/users.sh.mustache",
		.out = "scripts/users.sh", .escape = gw_escape_sh,
		.when = "has_iam_people", .mode = MODE_SCRIPT,
		.kind = GW_FILE_BASH,
	},
	[GW_KIND_VALIDATE] = {
		.name = "validate", .template = "cli/validate.sh.mustache",
		.out = "scripts/validate.sh", .escape = gw_escape_sh,
		.mode = MODE_SCRIPT, .kind = GW_FILE_BASH,
	},
	[GW_KIND_DOCTOR] = {
		.name = "doctor", .template = "cli/doctor.sh.mustache",
		.out = "scripts/doctor.sh", .escape = gw_escape_sh,
		.mode = MODE_SCRIPT, .kind = GW_FILE_BASH,
	},
	[GW_KIND_RUN_HEAD] = {
		.name = "run-head", .template = "cli/run-head.sh.mustache",
		.out = "scripts/run-head.sh", .escape = gw_escape_sh,
		.when = "head_job.present", .mode = MODE_SCRIPT,
		.kind = GW_FILE_BASH,
	},
	[GW_KIND_RUN_MINIWDL] = {
		.name = "run-miniwdl", .template = "cli/run-miniwdl.sh.mustache",
		.out = "scripts/run-miniwdl.sh", .escape = gw_escape_sh,
		.when = "engine.miniwdl_config", .mode = MODE_SCRIPT,
		.kind = GW_FILE_BASH,
	},
	[GW_KIND_ENV] = {
		.name = "deploy-env", .template = "cli/deploy.env.mustache",
		.out = "deploy.env.example", .escape = gw_escape_sh,
		.mode = MODE_FILE,
	},
	[GW_KIND_NEXTFLOW] = {
		.name = "nextflow", .template = "client/nextflow.config.mustache",
		.out = "client/nextflow.config", .escape = gw_escape_groovy,
		.when = "engine.nextflow_config", .mode = MODE_FILE,
		.kind = GW_FILE_GROOVY,
	},
	[GW_KIND_NEXTSTRAIN] = {
		.name = "nextstrain",
		.template = "client/nextstrain.config.mustache",
		/* INI values are taken verbatim up to the line end; the check
		 * refuses any value that would start a new line. */
		.out = "client/nextstrain.config", .escape = gw_escape_none,
		.when = "engine.nextstrain_config", .mode = MODE_FILE,
		.kind = GW_FILE_INI,
	},
	[GW_KIND_SNAKEMAKE] = {
		.name = "snakemake",
		.template = "client/snakemake-config.yaml.mustache",
		/* A Snakemake profile directory: `snakemake --profile
		 * client/snakemake` reads its config.yaml. */
		.out = "client/snakemake/config.yaml", .escape = gw_escape_yaml,
		.when = "engine.snakemake_config", .mode = MODE_FILE,
		.kind = GW_FILE_YAML,
	},
	[GW_KIND_CROMWELL] = {
		.name = "cromwell", .template = "client/cromwell.conf.mustache",
		/* HOCON quoted strings are JSON strings (HOCON.md). */
		.out = "client/cromwell.conf", .escape = gw_escape_json,
		.when = "engine.cromwell_config", .mode = MODE_FILE,
		.kind = GW_FILE_HOCON,
	},
	[GW_KIND_MINIWDL] = {
		.name = "miniwdl", .template = "client/miniwdl.cfg.mustache",
		/* miniwdl reads it with configparser: values verbatim to the
		 * line end, which the check keeps on one line. */
		.out = "client/miniwdl.cfg", .escape = gw_escape_none,
		.when = "engine.miniwdl_config", .mode = MODE_FILE,
		.kind = GW_FILE_INI,
	},
	[GW_KIND_SUMMARY] = {
		.name = "summary", .template = "summary/README.md.mustache",
		.out = "README.md", .escape = gw_escape_md, .mode = MODE_FILE,
	},
};
_Static_assert(GW_ARRAY_LEN(artifacts) == GW_KIND_COUNT,
		"one artifact row per enum gw_kind");

/* ---- driver ---------------------------------------------------------------------- */

/* The value at dotted 'path' ("bucket.present") of 'view' is true. */
static bool view_true(const cJSON *view, const char *path)
{
	char *copy = gw_xstrdup(path);
	const cJSON *it = view;
	for (char *save = NULL, *part = strtok_r(copy, ".", &save); part && it;
			part = strtok_r(NULL, ".", &save)) {
		it = cJSON_GetObjectItemCaseSensitive(it, part);
	}
	free(copy);
	return cJSON_IsTrue(it);
}

/* The output path of row 'a' for 'item' (NULL for single rows). */
static char *out_path(const struct gw_artifact *a, const cJSON *item)
{
	const char *mark = strstr(a->out, ITEM_MARK);
	if (!mark) {
		return gw_xstrdup(a->out);
	}
	assert(item);
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "name");
	assert(cJSON_IsString(name));
	return gw_xasprintf("%.*s%s%s", (int)(mark - a->out), a->out,
			name->valuestring, mark + strlen(ITEM_MARK));
}

/* Render 'tmpl' for one output file. */
static bool render_one(const struct gw_artifact *a, struct gw_mustache *tmpl,
		const char *tpath, bool builtin, cJSON *view,
		const cJSON *item, struct gw_files *files, struct gw_diags *d)
{
	if (item) {
		cJSON_AddItemReferenceToObject(view, ITEM_KEY, (cJSON *)item);
	}
	struct gw_buf buf;
	gw_buf_init(&buf);
	bool ok = gw_mustache_render_cjson(tmpl, view, a->escape,
			GW_MUSTACHE_STRICT, &buf, d);
	if (item) {
		cJSON_DeleteItemFromObjectCaseSensitive(view, ITEM_KEY);
	}
	if (ok && a->publish) {
		a->publish(view, gw_buf_str(&buf), buf.len);
	}
	if (ok) {
		char *path = out_path(a, item);
		size_t len;
		char *data = gw_buf_detach(&buf, &len);
		gw_files_add(files, path, data, len, a->mode);
		gw_files_describe(files, path, a->kind, tpath, builtin);
		free(path);
	}
	gw_buf_finish(&buf);
	return ok;
}

/*
 * A row's compiled template and the loader it resolves partials with (the
 * template points at it, and caches the partials it loads).
 */
struct compiled {
	struct gw_mustache *tmpl;
	struct gw_templates_loader loader;
	char *kind;
};

/*
 * The rows' templates of the built-in set, compiled once per process:
 * 'gwgen --all' renders the same templates for every profile, and compiling
 * them and their partials again each time was about a twelfth of the
 * instructions per profile. Only the built-in set lives as long as the
 * process (gw_templates_builtin), so a --templates DIR set is compiled per
 * profile as before. Compiling is deterministic and a failure is not kept,
 * so every profile still gets every template diagnostic.
 */
static struct compiled builtin_compiled[GW_KIND_COUNT];
static bool builtin_compiled_atexit;

static void compiled_finish(struct compiled *c)
{
	gw_mustache_destroy(c->tmpl);
	free(c->kind);
	*c = (struct compiled){ 0 };
}

static void free_builtin_compiled(void)
{
	for (size_t i = 0; i < GW_ARRAY_LEN(builtin_compiled); i++) {
		compiled_finish(&builtin_compiled[i]);
	}
}

/* Compile the template 'tf' of row 'a' from set 't' into 'c'. */
static bool compile_row(const struct gw_artifact *a,
		const struct gw_templates *t,
		const struct gw_template_file *tf, struct compiled *c,
		struct gw_diags *d)
{
	/* Partials resolve in the template's own directory, then common/. */
	const char *slash = strchr(a->template, '/');
	c->kind = gw_xstrndup(a->template, (size_t)(slash - a->template));
	gw_templates_loader_init(&c->loader, t, c->kind);
	c->tmpl = gw_mustache_compile(tf->text, tf->len, tf->path,
			&c->loader.loader, d);
	if (!c->tmpl) {
		compiled_finish(c);
		return false;
	}
	return true;
}

/* Compile row 'a' once and render it for every item it covers. */
static bool render_row(const struct gw_artifact *a,
		const struct gw_templates *t, cJSON *view,
		struct gw_files *files, struct gw_diags *d)
{
	if (a->when && !view_true(view, a->when)) {
		return true;
	}
	const struct gw_template_file *tf = gw_templates_find(t, a->template);
	if (!tf) {
		gw_diag_error(d, (struct gw_loc){ 0 }, "internal error: no "
				"template '%s' for the %s artifact",
				a->template, a->name);
		return false;
	}
	struct compiled own = { 0 };
	struct compiled *c = &own;
	bool builtin = t == gw_templates_builtin();
	if (builtin) {
		c = &builtin_compiled[a - artifacts];
		if (!builtin_compiled_atexit) {
			/* Freed at exit, so leak checkers see no loss. */
			builtin_compiled_atexit =
				atexit(free_builtin_compiled) == 0;
		}
	}
	if (!c->tmpl && !compile_row(a, t, tf, c, d)) {
		return false;
	}
	bool ok;
	if (!a->each) {
		ok = render_one(a, c->tmpl, tf->path, builtin, view, NULL,
				files, d);
	} else {
		ok = true;
		const cJSON *item;
		cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(view,
					a->each)) {
			ok = render_one(a, c->tmpl, tf->path, builtin, view,
					item, files, d) && ok;
		}
	}
	compiled_finish(&own);
	return ok;
}

/* Render the user data of every launch template that has some, keep the
 * MIME as userdata/NAME.mime and hand its lines to the view. */
static bool render_user_data(const struct gw_model *m,
		const struct gw_templates *t, cJSON *view,
		struct gw_files *files, struct gw_diags *d)
{
	bool ok = true;
	for (size_t i = 0; i < m->n_launch_templates; i++) {
		const struct gw_launch_template *lt = &m->launch_templates[i];
		if (!lt->user_data.present) {
			continue;
		}
		struct gw_buf mime;
		gw_buf_init(&mime);
		if (!gw_userdata_render(m, lt, t, &mime, d)) {
			gw_buf_finish(&mime);
			ok = false;
			continue;
		}
		char *path = gw_xasprintf("userdata/%s.mime", lt->name.s);
		gw_view_set_user_data(view, i, path, gw_buf_str(&mime), mime.len);
		size_t len;
		char *data = gw_buf_detach(&mime, &len);
		gw_files_add(files, path, data, len, MODE_FILE);
		gw_files_describe(files, path, GW_FILE_MIME, NULL, true);
		free(path);
	}
	return ok;
}

/* The provisioning scripts user data fetches, and deploy.sh's uploads:
 * provision/VERSION/NAME goes to PREFIX/VERSION/NAME in the bucket. */
static bool add_provision(const struct gw_model *m,
		const struct gw_templates *t, cJSON *view,
		struct gw_files *files, struct gw_diags *d)
{
	size_t first = files->n;
	if (!gw_userdata_provision_files(m, t, files, d)) {
		return false;
	}
	for (size_t i = first; i < files->n; i++) {
		const char *rest = files->v[i].path + strlen("provision/");
		assert(gw_has_prefix(files->v[i].path, "provision/"));
		for (size_t j = 0; j < m->n_launch_templates; j++) {
			const struct gw_provision *p =
				&m->launch_templates[j].user_data.provision;
			char *version = gw_xasprintf("%s/", p->version.s ?
					p->version.s : "");
			bool match = p->present && gw_has_prefix(rest, version);
			free(version);
			if (!match) {
				continue;
			}
			char *key = gw_xasprintf("%s/%s", p->prefix.s ?
					p->prefix.s : "provision", rest);
			gw_view_add_upload(view, files->v[i].path, key);
			free(key);
			break;
		}
	}
	return true;
}

bool gw_emit(const struct gw_model *m, const struct gw_templates *t,
		struct gw_files *out, struct gw_diags *d)
{
	struct gw_files files;
	gw_files_init(&files);
	cJSON *view = cJSON_CreateObject();
	bool ok = gw_view_build(m, view, d);
	gw_view_add_warnings(view, m, d);
	ok = ok && render_user_data(m, t, view, &files, d);
	ok = ok && add_provision(m, t, view, &files, d);
	for (size_t i = 0; ok && i < GW_ARRAY_LEN(artifacts); i++) {
		ok = render_row(&artifacts[i], t, view, &files, d);
	}
	cJSON_Delete(view);
	if (!ok) {
		gw_files_finish(&files);
		return false;
	}
	for (size_t i = 0; i < files.n; i++) {
		const struct gw_file *f = &files.v[i];
		gw_files_add(out, f->path, f->data, f->len, f->mode);
		gw_files_describe(out, f->path, f->kind, f->source, f->builtin);
		free(f->path);
	}
	free(files.v);
	gw_files_sort(out);
	return true;
}
