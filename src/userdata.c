/* SPDX-License-Identifier: MIT */
/* EC2 user data: the MIME archive of cloud-init parts, and its scripts. */
#include "userdata.h"
#include "aws_limits.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "escape.h"
#include "mustache.h"
#include "mustache_cjson.h"
#include "names.h"
#include "rules.h"
#include "sha256.h"
#include "util.h"
#include "view.h"

/*
 * Fixed, so the output is deterministic. RFC 2046 section 5.1.1: the
 * boundary must not occur in any part, so a part holding it is an error.
 */
#define BOUNDARY "==GWGEN-USERDATA-BOUNDARY=="

#define KIND_USERDATA "userdata"
#define KIND_PROVISION "provision"
#define TEMPLATE_MIME "userdata/mime.mustache"
#define TEMPLATE_EXT ".mustache"

/*
 * The scratch daemon, provision/SCRATCH_SCRIPT: fetched from the bucket when
 * provision.scripts lists it, otherwise written to SCRATCH_PATH by the
 * cloud-config's write_files. The same bytes either way.
 */
#define SCRATCH_SCRIPT "scratch-autoscale.sh"
#define SCRATCH_PATH "/usr/local/sbin/gwgen-scratch"
#define SCRATCH_MODE "0755"
/*
 * The indentation of write_files content below "content: |", and the YAML
 * indentation indicator for it, relative to the mapping around "content",
 * which the template indents by 2.
 */
#define CONTENT_INDENT "    "
#define CONTENT_INDENT_DIGIT "2"
/* Mode of the scripts in out/NAME/provision/. */
#define PROVISION_FILE_MODE 0755u

/* Packages gwgen's own scripts need besides the profile's. */
#define PACKAGE_UNZIP "unzip" /* the AWS CLI's zip */
#define PACKAGE_LVM "lvm2"    /* gwgen-scratch */
/* The EFS mount helper, mount -t efs with TLS (EFS User Guide, "Installing
 * the Amazon EFS client"; in the Amazon Linux 2023 repositories). */
#define PACKAGE_EFS_UTILS "amazon-efs-utils"
/*
 * The shared storage's mount (docs/profile.md): the file system ID comes
 * from the instance's tag, which the compute environment sets, read from
 * instance metadata; a new mount target's DNS name can take up to 90
 * seconds to resolve (EFS User Guide, "Creating mount targets"), so the
 * mount is tried MOUNT_TRIES times, MOUNT_WAIT seconds apart.
 */
#define MOUNT_TRIES 30
#define MOUNT_WAIT 10

#define ASCII_FIRST_PRINTABLE ' '
#define ASCII_LAST_PRINTABLE '~'

/* The parts of the archive, in archive order. */
enum part {
	PART_BOOTHOOK,     /* scratch nvme-lvm */
	PART_CLOUD_CONFIG, /* packages, write_files */
	PART_SCRIPT,       /* everything else, when there is anything */
	PART_COUNT,
};

struct part_kind {
	const char *name;     /* in diagnostics */
	const char *template; /* below templates/ */
	const char *type;     /* the MIME Content-Type */
	const char *filename; /* Content-Disposition filename, or NULL */
	gw_escape_fn escape;  /* for {{name}} in the template */
};

static const struct part_kind part_kinds[] = {
	[PART_BOOTHOOK] = {
		.name = "cloud-boothook",
		.template = "userdata/nvme-lvm.sh.mustache",
		.type = "text/cloud-boothook",
		.filename = "gwgen-nvme-lvm.sh",
		.escape = gw_escape_sh,
	},
	[PART_CLOUD_CONFIG] = {
		.name = "cloud-config",
		.template = "userdata/cloud-config.yaml.mustache",
		.type = "text/cloud-config",
		.filename = NULL,
		.escape = gw_escape_yaml,
	},
	[PART_SCRIPT] = {
		.name = "x-shellscript",
		.template = "userdata/boot.sh.mustache",
		.type = "text/x-shellscript",
		.filename = "gwgen-boot.sh",
		.escape = gw_escape_sh,
	},
};
_Static_assert(GW_ARRAY_LEN(part_kinds) == PART_COUNT,
		"one row per user data part");

/* A provisioning script rendered from templates/provision/NAME.mustache. */
struct script {
	const char *name; /* lent from the model */
	char *data;       /* owned, NUL-terminated */
	size_t len;
	char sha256[GW_SHA256_HEX_LEN];
};

/* What the archive of one launch template holds. */
struct plan {
	bool autoscale;           /* scratch kind ebs-autoscale */
	bool nvme;                /* scratch kind nvme-lvm */
	bool shared;              /* mounts the profile's shared storage */
	struct script scratch;    /* the embedded daemon (data NULL: none) */
	struct script *provision; /* provision.scripts, in order */
	size_t n_provision;
	bool part[PART_COUNT];
};

static void plan_finish(struct plan *p)
{
	free(p->scratch.data);
	for (size_t i = 0; i < p->n_provision; i++) {
		free(p->provision[i].data);
	}
	free(p->provision);
}

static const char *str_or_empty(const struct gw_str *s)
{
	return s->s ? s->s : "";
}

/* ---- helpers ------------------------------------------------------------
 * The profile's values are checked by the verifier (src/verify/lt.c, rules
 * L8, L9, L11, D1, D10, V1, V2): the renderer works on a verified model. */

static bool is_printable(char c)
{
	return c >= ASCII_FIRST_PRINTABLE && c <= ASCII_LAST_PRINTABLE;
}

/* Printable us-ascii; with 'lines', newlines and tabs too. */
static bool is_text(const char *s, bool lines)
{
	for (; *s; s++) {
		if (!is_printable(*s) &&
				!(lines && (*s == '\n' || *s == '\t'))) {
			return false;
		}
	}
	return true;
}

/* Characters that need no quoting in paths, S3 keys and file names. */
static bool is_word_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			(c >= 'A' && c <= 'Z') || c == '.' || c == '_' ||
			c == '-';
}

/* Non-empty, and every character passes 'allowed'. */
static bool all_chars(const char *s, bool (*allowed)(char))
{
	if (*s == '\0') {
		return false;
	}
	for (; *s; s++) {
		if (!allowed(*s)) {
			return false;
		}
	}
	return true;
}

/* The template of shipped script 'name' (free() it), or NULL when 'name'
 * cannot be one. */
static char *script_template(const char *name)
{
	if (!all_chars(name, is_word_char) || name[0] == '.') {
		return NULL;
	}
	return gw_xasprintf(KIND_PROVISION "/%s" TEMPLATE_EXT, name);
}

static bool is_shipped_script(const struct gw_templates *t, const char *name)
{
	char *tmpl = script_template(name);
	bool found = tmpl && gw_templates_find(t, tmpl);
	free(tmpl);
	return found;
}

/* ---- rendering ---------------------------------------------------------- */

/* Render template 'name' (below templates/; partials from 'kind'/ and then
 * common/) with 'view', in strict mode, appending to 'out'. */
static bool render_template(const struct gw_templates *t, const char *kind,
		const char *name, const cJSON *view, gw_escape_fn escape,
		struct gw_buf *out, struct gw_diags *d)
{
	static const struct gw_loc nowhere;
	const struct gw_template_file *f = gw_templates_find(t, name);
	if (!f) {
		gw_diag_error(d, nowhere, "template '%s' is missing", name);
		return false;
	}
	struct gw_templates_loader loader;
	gw_templates_loader_init(&loader, t, kind);
	struct gw_mustache *tmpl = gw_mustache_compile(f->text, f->len,
			f->path, &loader.loader, d);
	if (!tmpl) {
		return false;
	}
	bool ok = gw_mustache_render_cjson(tmpl, view, escape,
			GW_MUSTACHE_STRICT, out, d);
	gw_mustache_destroy(tmpl);
	return ok;
}

/* Render shipped script 'name' into 's' with its SHA-256. The scripts see
 * only profile-wide data, so every launch template gets the same bytes. */
static bool render_script(const struct gw_model *m,
		const struct gw_templates *t, const char *name,
		struct script *s, struct gw_diags *d)
{
	char *tmpl = script_template(name);
	cJSON *view = cJSON_CreateObject();
	cJSON_AddStringToObject(view, "profile", str_or_empty(&m->name));
	cJSON_AddStringToObject(view, "stack", str_or_empty(&m->stack_name));
	char *regen = gw_view_regen_command(m);
	cJSON_AddStringToObject(view, "regen", regen);
	free(regen);
	struct gw_buf b;
	gw_buf_init(&b);
	bool ok = tmpl && render_template(t, KIND_PROVISION, tmpl, view,
			gw_escape_sh, &b, d);
	if (ok) {
		s->name = name;
		s->data = gw_buf_detach(&b, &s->len);
		gw_sha256_hex(s->data, s->len, s->sha256);
	}
	gw_buf_finish(&b);
	cJSON_Delete(view);
	free(tmpl);
	return ok;
}

static bool lists_script(const struct gw_provision *p, const char *name)
{
	for (size_t i = 0; p->present && i < p->scripts.n; i++) {
		if (strcmp(str_or_empty(&p->scripts.v[i]), name) == 0) {
			return true;
		}
	}
	return false;
}

/* Decide the parts and render the scripts they carry or pin. */
static bool make_plan(const struct gw_model *m,
		const struct gw_launch_template *lt,
		const struct gw_templates *t, struct plan *p,
		struct gw_diags *d)
{
	const struct gw_user_data *ud = &lt->user_data;
	p->autoscale = ud->scratch.present &&
			ud->scratch.k == GW_SCRATCH_EBS_AUTOSCALE;
	p->nvme = ud->scratch.present && ud->scratch.k == GW_SCRATCH_NVME_LVM;
	if (p->autoscale && !lists_script(&ud->provision, SCRATCH_SCRIPT) &&
			!render_script(m, t, SCRATCH_SCRIPT, &p->scratch, d)) {
		return false;
	}
	if (ud->provision.present) {
		const struct gw_strs *names = &ud->provision.scripts;
		p->provision = gw_xcalloc(names->n ? names->n : 1,
				sizeof(*p->provision));
		for (size_t i = 0; i < names->n; i++) {
			if (!render_script(m, t, names->v[i].s,
					&p->provision[i], d)) {
				return false;
			}
			p->n_provision++;
		}
	}
	p->part[PART_BOOTHOOK] = p->nvme;
	p->part[PART_CLOUD_CONFIG] = ud->packages.n > 0 ||
			ud->aws_cli.present || p->autoscale;
	p->shared = m->shared_storage.present && ud->shared_storage.v;
	p->part[PART_CLOUD_CONFIG] = p->part[PART_CLOUD_CONFIG] || p->shared;
	p->part[PART_SCRIPT] = ud->packages.n > 0 || ud->aws_cli.present ||
			p->autoscale || ud->ecs_config.n > 0 ||
			ud->provision.present || ud->runcmd.n > 0 || p->shared;
	/* gw_verify_model refuses user data that asks for nothing (L11). */
	return p->part[PART_BOOTHOOK] || p->part[PART_SCRIPT];
}

static void add_bool(cJSON *o, const char *key, bool v)
{
	cJSON_AddBoolToObject(o, key, v);
}

static void add_int(cJSON *o, const char *key, const struct gw_int *v)
{
	cJSON_AddNumberToObject(o, key, (double)v->v);
}

static bool has_string(const cJSON *array, const char *s)
{
	const cJSON *item;
	cJSON_ArrayForEach(item, array) {
		if (strcmp(item->valuestring, s) == 0) {
			return true;
		}
	}
	return false;
}

static void add_package(cJSON *array, const char *name)
{
	if (!has_string(array, name)) {
		cJSON_AddItemToArray(array, cJSON_CreateString(name));
	}
}

/*
 * The header of a YAML literal block scalar that reads back as 'text'
 * exactly (YAML 1.2 section 8.1.1): an indentation indicator when the first
 * line that is not empty starts with a space, and the chomping indicator
 * that keeps as many final newlines as 'text' has.
 */
static const char *block_header(const char *text, size_t len)
{
	static const char *const headers[2][3] = {
		{"|-", "|", "|+"},
		{"|" CONTENT_INDENT_DIGIT "-", "|" CONTENT_INDENT_DIGIT,
			"|" CONTENT_INDENT_DIGIT "+"},
	};
	size_t first = strspn(text, "\n");
	bool indicator = first < len && text[first] == ' ';
	size_t newlines = 0;
	while (newlines < len && text[len - 1 - newlines] == '\n') {
		newlines++;
	}
	return headers[indicator][newlines < 2 ? newlines : 2];
}

/*
 * 'text' as the body of a YAML literal block scalar with block_header():
 * CONTENT_INDENT before each line that is not empty, and without its final
 * newline, which the template writes. Returns a string to free().
 */
static char *indent_block(const char *text, size_t len)
{
	struct gw_buf b;
	gw_buf_init(&b);
	if (len > 0 && text[len - 1] == '\n') {
		len--;
	}
	bool line_start = true;
	for (size_t i = 0; i < len; i++) {
		if (line_start && text[i] != '\n') {
			gw_buf_puts(&b, CONTENT_INDENT);
		}
		gw_buf_putc(&b, text[i]);
		line_start = text[i] == '\n';
	}
	return gw_buf_detach(&b, NULL);
}

static cJSON *aws_cli_view(const struct gw_aws_cli *c)
{
	cJSON *o = cJSON_CreateObject();
	bool bucket = c->source.s && strcmp(c->source.s, "bucket") == 0;
	/* One pin per architecture, named as `uname -m` prints it. */
	cJSON *pins = cJSON_AddArrayToObject(o, "pins");
	if (c->version.s && c->sha256.s) {
		cJSON *p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "arch", "x86_64");
		cJSON_AddStringToObject(p, "version", c->version.s);
		cJSON_AddStringToObject(p, "sha256", c->sha256.s);
		cJSON_AddItemToArray(pins, p);
	}
	if (c->aarch64.present) {
		cJSON *p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "arch", "aarch64");
		cJSON_AddStringToObject(p, "version",
				str_or_empty(&c->aarch64.version));
		cJSON_AddStringToObject(p, "sha256",
				str_or_empty(&c->aarch64.sha256));
		cJSON_AddItemToArray(pins, p);
	}
	cJSON_AddStringToObject(o, "prefix", str_or_empty(&c->prefix));
	add_bool(o, "release", !bucket);
	add_bool(o, "from_bucket", bucket);
	return o;
}

static cJSON *autoscale_view(const struct gw_scratch *s, bool embedded)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "device", str_or_empty(&s->device));
	cJSON_AddStringToObject(o, "mount", str_or_empty(&s->mount));
	add_int(o, "threshold_pct", &s->threshold_pct);
	add_int(o, "increment_gib", &s->increment_gib);
	add_int(o, "max_total_gib", &s->max_total_gib);
	add_int(o, "max_volumes", &s->max_volumes);
	cJSON_AddStringToObject(o, "volume_type",
			str_or_empty(&s->volume_type));
	add_bool(o, "embedded", embedded);
	cJSON_AddStringToObject(o, "path", SCRATCH_PATH);
	return o;
}

static cJSON *provision_view(const struct gw_provision *pr,
		const struct plan *p)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "version", str_or_empty(&pr->version));
	cJSON_AddStringToObject(o, "prefix", str_or_empty(&pr->prefix));
	cJSON *scripts = cJSON_AddArrayToObject(o, "scripts");
	for (size_t i = 0; i < p->n_provision; i++) {
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "name", p->provision[i].name);
		cJSON_AddStringToObject(s, "sha256", p->provision[i].sha256);
		cJSON_AddItemToArray(scripts, s);
	}
	return o;
}

/* The data of the part templates; cJSON_Delete() it. */
static cJSON *build_view(const struct gw_model *m,
		const struct gw_launch_template *lt, const struct plan *p)
{
	const struct gw_user_data *ud = &lt->user_data;
	cJSON *v = cJSON_CreateObject();
	cJSON_AddStringToObject(v, "profile", str_or_empty(&m->name));
	cJSON_AddStringToObject(v, "stack", str_or_empty(&m->stack_name));
	cJSON_AddStringToObject(v, "launch_template", str_or_empty(&lt->name));
	cJSON_AddStringToObject(v, "bucket", str_or_empty(&m->bucket.name));
	cJSON_AddStringToObject(v, "dns_suffix",
			m->dns_suffix ? m->dns_suffix : "");
	add_bool(v, "fail_fast", ud->fail_fast.v);

	cJSON *packages = cJSON_AddArrayToObject(v, "packages");
	for (size_t i = 0; i < ud->packages.n; i++) {
		add_package(packages, str_or_empty(&ud->packages.v[i]));
	}
	if (ud->aws_cli.present) {
		add_package(packages, PACKAGE_UNZIP);
	}
	if (p->autoscale) {
		add_package(packages, PACKAGE_LVM);
	}
	if (p->shared) {
		add_package(packages, PACKAGE_EFS_UTILS);
	}
	add_bool(v, "has_packages", cJSON_GetArraySize(packages) > 0);

	bool from_bucket = ud->aws_cli.present && ud->aws_cli.source.s &&
			strcmp(ud->aws_cli.source.s, "bucket") == 0;
	if (ud->aws_cli.present) {
		cJSON_AddItemToObject(v, "aws_cli", aws_cli_view(&ud->aws_cli));
	} else {
		add_bool(v, "aws_cli", false);
	}
	add_bool(v, "need_bucket", from_bucket || ud->provision.present);
	add_bool(v, "need_aws", p->autoscale || ud->provision.present);

	cJSON *ecs = cJSON_AddArrayToObject(v, "ecs_config");
	for (size_t i = 0; i < ud->ecs_config.n; i++) {
		const struct gw_kv *kv = &ud->ecs_config.v[i];
		char *line = gw_xasprintf("%s=%s", str_or_empty(&kv->key),
				str_or_empty(&kv->value));
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "line", line);
		cJSON_AddItemToArray(ecs, o);
		free(line);
	}
	add_bool(v, "has_ecs_config", ud->ecs_config.n > 0);

	cJSON_AddStringToObject(v, "scratch_mount",
			str_or_empty(&ud->scratch.mount));
	if (p->autoscale) {
		cJSON_AddItemToObject(v, "autoscale", autoscale_view(
				&ud->scratch, p->scratch.data != NULL));
	} else {
		add_bool(v, "autoscale", false);
	}
	if (ud->provision.present) {
		cJSON_AddItemToObject(v, "provision",
				provision_view(&ud->provision, p));
	} else {
		add_bool(v, "provision", false);
	}

	if (p->shared) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "mount",
				str_or_empty(&m->shared_storage.mount_point));
		cJSON_AddStringToObject(o, "tag_key", GW_FILE_SYSTEM_TAG_KEY);
		cJSON_AddNumberToObject(o, "tries", MOUNT_TRIES);
		cJSON_AddNumberToObject(o, "wait", MOUNT_WAIT);
		cJSON_AddItemToObject(v, "shared_storage", o);
	} else {
		add_bool(v, "shared_storage", false);
	}

	cJSON *runcmd = cJSON_AddArrayToObject(v, "runcmd");
	for (size_t i = 0; i < ud->runcmd.n; i++) {
		cJSON_AddItemToArray(runcmd, cJSON_CreateString(
				str_or_empty(&ud->runcmd.v[i])));
	}
	add_bool(v, "has_runcmd", ud->runcmd.n > 0);

	cJSON *files = cJSON_AddArrayToObject(v, "write_files");
	if (p->scratch.data) {
		cJSON *f = cJSON_CreateObject();
		char *content = indent_block(p->scratch.data, p->scratch.len);
		cJSON_AddStringToObject(f, "path", SCRATCH_PATH);
		cJSON_AddStringToObject(f, "mode", SCRATCH_MODE);
		cJSON_AddStringToObject(f, "block", block_header(
				p->scratch.data, p->scratch.len));
		cJSON_AddStringToObject(f, "content", content);
		cJSON_AddItemToArray(files, f);
		free(content);
	}
	add_bool(v, "has_write_files", cJSON_GetArraySize(files) > 0);
	return v;
}

/* A part is us-ascii text without the boundary (RFC 2046 section 5.1.1). */
static bool check_part(const struct gw_launch_template *lt, enum part k,
		const struct gw_buf *b, struct gw_diags *d)
{
	const char *s = gw_buf_str(b);
	for (size_t i = 0; i < b->len; i++) {
		if (!is_printable(s[i]) && s[i] != '\n' && s[i] != '\t') {
			gw_diag_error(d, lt->user_data.loc, "the %s part of the "
					"user data of launch template '%s' has "
					"byte 0x%02x at offset %zu; parts are "
					"us-ascii text with LF line ends",
					part_kinds[k].name,
					str_or_empty(&lt->name),
					(unsigned char)s[i], i);
			return false;
		}
	}
	if (strstr(s, BOUNDARY)) {
		gw_diag_add(d, GW_SEV_ERROR, lt->user_data.loc, NULL, "remove "
				"it from the profile's values", "the %s part of "
				"the user data of launch template '%s' contains "
				"the mime boundary '%s'", part_kinds[k].name,
				str_or_empty(&lt->name), BOUNDARY);
		return false;
	}
	return true;
}

static bool render_parts(const struct gw_launch_template *lt,
		const struct gw_templates *t, const struct plan *p,
		const cJSON *view, cJSON *parts, struct gw_diags *d)
{
	for (enum part k = 0; k < PART_COUNT; k++) {
		if (!p->part[k]) {
			continue;
		}
		struct gw_buf b;
		gw_buf_init(&b);
		bool ok = render_template(t, KIND_USERDATA,
				part_kinds[k].template, view,
				part_kinds[k].escape, &b, d);
		if (ok && (b.len == 0 || b.data[b.len - 1] != '\n')) {
			gw_buf_putc(&b, '\n');
		}
		ok = ok && check_part(lt, k, &b, d);
		if (ok) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "type", part_kinds[k].type);
			if (part_kinds[k].filename) {
				cJSON_AddStringToObject(o, "filename",
						part_kinds[k].filename);
			} else {
				add_bool(o, "filename", false);
			}
			cJSON_AddStringToObject(o, "content", gw_buf_str(&b));
			cJSON_AddItemToArray(parts, o);
		}
		gw_buf_finish(&b);
		if (!ok) {
			return false;
		}
	}
	return true;
}

bool gw_userdata_render(const struct gw_model *m,
		const struct gw_launch_template *lt, const struct gw_templates *t,
		struct gw_buf *out, struct gw_diags *d)
{
	struct plan plan = {0};
	struct gw_buf mime;
	gw_buf_init(&mime);
	cJSON *view = NULL, *archive = NULL;
	bool ok = false;

	if (!make_plan(m, lt, t, &plan, d)) {
		goto out;
	}
	view = build_view(m, lt, &plan);
	archive = cJSON_CreateObject();
	cJSON_AddStringToObject(archive, "boundary", BOUNDARY);
	/* For the preamble's header (MIME readers skip the preamble). */
	cJSON_AddStringToObject(archive, "profile", str_or_empty(&m->name));
	cJSON_AddStringToObject(archive, "launch_template",
			str_or_empty(&lt->name));
	char *regen = gw_view_regen_command(m);
	cJSON_AddStringToObject(archive, "regen", regen);
	free(regen);
	cJSON *parts = cJSON_AddArrayToObject(archive, "parts");
	if (!render_parts(lt, t, &plan, view, parts, d) ||
			!render_template(t, KIND_USERDATA, TEMPLATE_MIME,
				archive, gw_escape_none, &mime, d)) {
		goto out;
	}
	if (mime.len == 0 || memchr(mime.data, '\r', mime.len) ||
			mime.data[mime.len - 1] != '\n') {
		gw_diag_error(d, lt->user_data.loc, "template '%s' must give LF "
				"line ends and a final newline", TEMPLATE_MIME);
		goto out;
	}
	gw_buf_append(out, mime.data, mime.len);
	ok = true;
out:
	cJSON_Delete(archive);
	cJSON_Delete(view);
	gw_buf_finish(&mime);
	plan_finish(&plan);
	return ok;
}

bool gw_userdata_provision_files(const struct gw_model *m,
		const struct gw_templates *t, struct gw_files *files,
		struct gw_diags *d)
{
	size_t errors = d->n_errors;
	for (size_t i = 0; i < m->n_launch_templates; i++) {
		const struct gw_launch_template *lt = &m->launch_templates[i];
		const struct gw_provision *p = &lt->user_data.provision;
		if (!lt->user_data.present || !p->present) {
			continue;
		}
		if (!gw_names_is_clean_path(str_or_empty(&p->version), false)) {
			gw_diag_error(d, p->version.loc, "provision version "
					"must be [A-Za-z0-9._-] names joined by "
					"'/'");
			continue;
		}
		for (size_t j = 0; j < p->scripts.n; j++) {
			const struct gw_str *name = &p->scripts.v[j];
			if (!is_shipped_script(t, str_or_empty(name))) {
				gw_diag_error(d, name->loc, "provision script "
						"'%s' is not one gwgen ships",
						is_text(str_or_empty(name),
							false) ? name->s : "?");
				continue;
			}
			char *path = gw_xasprintf(KIND_PROVISION "/%s/%s",
					p->version.s, name->s);
			struct script s = {0};
			if (!gw_files_find(files, path) &&
					render_script(m, t, name->s, &s, d)) {
				gw_files_add(files, path, s.data, s.len,
						PROVISION_FILE_MODE);
			}
			free(path);
		}
	}
	return d->n_errors == errors;
}
