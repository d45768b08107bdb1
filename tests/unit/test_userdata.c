/* SPDX-License-Identifier: MIT */
/* Unit tests for EC2 user data: parts, pins, limits, inert values, validators. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <yaml.h>

#include "buf.h"
#include "emit.h"
#include "profile.h"
#include "report.h"
#include "sha256.h"
#include "templates.h"
#include "aws_limits.h"
#include "userdata.h"
#include "lt.h"
#include "verify.h"
#include "util.h"
#include "verify.h"

#define BOUNDARY "==GWGEN-USERDATA-BOUNDARY=="
#define USERDATA_MAX 16384
/* The published SHA-256 of awscli-exe-linux-x86_64-2.36.11.zip. */
#define CLI_SHA "50fbb7a2f44a78eab4a210088040e8f0bc4b9937cac8043c2354269d58614df6"
/* A well-formed stand-in: only its place in the script is tested. */
#define CLI_SHA_ARM "aa0a1e5a3e1bb1b1ad1cf2cd2e8d2f6e9e1c2a1b0c9d8e7f6a5b4c3d2e1f0a9b"

/* A profile with one launch template; USER_DATA follows "    user_data:". */
#define PROFILE_HEAD \
	"name: demo\n" \
	"description: a demo lab\n" \
	"region: us-west-2\n" \
	"bucket:\n" \
	"  name: demo-lab-bucket\n" \
	"launch_templates:\n" \
	"  - name: workers\n" \
	"    volumes:\n" \
	"      - device: /dev/xvdba\n" \
	"        size_gib: 100\n" \
	"    user_data:\n"
/* Line of the first key below user_data (PROFILE_HEAD has 11 lines). */
#define USER_DATA_LINE 12
#define USER_DATA_COL 7

#define AWS_CLI \
	"      aws_cli:\n" \
	"        version: 2.36.11\n" \
	"        sha256: " CLI_SHA "\n"

#define AUTOSCALE \
	"      scratch:\n" \
	"        kind: ebs-autoscale\n" \
	"        device: /dev/xvdba\n"

struct run {
	struct gw_diags d;
	struct gw_model *m;
	struct gw_buf mime;
	bool ok;
};

static void dump(const struct run *r)
{
	gw_diags_print(&r->d, stderr, GW_DIAG_TEXT, false);
}

/* Load PROFILE_HEAD + 'user_data' and render launch template 0. */
static void render(struct run *r, const char *user_data)
{
	char *yaml = gw_xasprintf("%s%s", PROFILE_HEAD, user_data);
	gw_diags_init(&r->d);
	gw_buf_init(&r->mime);
	r->m = gw_profile_load_string(yaml, strlen(yaml), "t.yaml", &r->d);
	free(yaml);
	if (!r->m) {
		dump(r);
		fail_msg("the test profile does not load");
	}
	/* The renderer works on a verified model: the verifier (lt.c)
	 * checks the profile's values. */
	r->ok = gw_verify_model(r->m, &r->d) &&
			gw_userdata_render(r->m, &r->m->launch_templates[0],
			gw_templates_builtin(), &r->mime, &r->d);
}

static void render_ok(struct run *r, const char *user_data)
{
	render(r, user_data);
	if (!r->ok) {
		dump(r);
		fail_msg("user data did not render");
	}
}

static void finish(struct run *r)
{
	gw_buf_finish(&r->mime);
	gw_model_destroy(r->m);
	gw_diags_finish(&r->d);
}

/* Some error has this position and contains 'text'. */
static void expect_error(const struct run *r, unsigned line, unsigned col,
		const char *text)
{
	assert_false(r->ok);
	for (size_t i = 0; i < r->d.n; i++) {
		const struct gw_diag *g = &r->d.v[i];
		if (g->sev == GW_SEV_ERROR && g->loc.line == line &&
				g->loc.col == col && strstr(g->msg, text)) {
			return;
		}
	}
	dump(r);
	fail_msg("no error at %u:%u containing '%s'", line, col, text);
}

/* The body of the first part of type 'type', or NULL; free() it. Parts end
 * at the blank line before the next boundary line. */
static char *part(const char *mime, const char *type)
{
	char *header = gw_xasprintf("\nContent-Type: %s;", type);
	const char *h = strstr(mime, header);
	free(header);
	if (!h) {
		return NULL;
	}
	const char *body = strstr(h, "\n\n");
	assert_non_null(body);
	body += 2;
	const char *end = strstr(body, "\n--" BOUNDARY);
	assert_non_null(end);
	return gw_xstrndup(body, (size_t)(end - body));
}

static bool has(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

/* ---- helpers that run programs ------------------------------------------ */

static char *write_temp(const char *name, const char *text)
{
	char *path = gw_xasprintf("userdata-test-%ld-%s", (long)getpid(), name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Run 'cmd' with sh; its stdout goes to 'out' (may be NULL). Returns the
 * exit status, or -1 when it did not exit. */
static int run_cmd(const char *cmd, struct gw_buf *out)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		if (out) {
			gw_buf_append(out, chunk, n);
		}
	}
	int status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Whether 'tool' can run. Missing tools skip the test, except in CI
 * (CI=true), where they fail it. */
static bool have_tool(const char *tool)
{
	char *cmd = gw_xasprintf("command -v %s >/dev/null 2>&1", tool);
	bool found = run_cmd(cmd, NULL) == 0;
	free(cmd);
	if (!found) {
		const char *ci = getenv("CI");
		if (ci && strcmp(ci, "true") == 0) {
			fail_msg("'%s' is missing; CI needs it", tool);
		}
		fprintf(stderr, "skipping: '%s' is not installed\n", tool);
	}
	return found;
}

/* Run 'tool ARGS FILE' on 'text' written to a file; must exit 0. */
static void check_with(const char *tool, const char *args, const char *name,
		const char *text)
{
	char *path = write_temp(name, text);
	char *cmd = gw_xasprintf("%s %s '%s' 1>&2", tool, args, path);
	int status = run_cmd(cmd, NULL);
	unlink(path);
	if (status != 0) {
		fprintf(stderr, "--- %s\n%s---\n", name, text);
		fail_msg("'%s %s' failed on %s (status %d)", tool, args, name,
				status);
	}
	free(cmd);
	free(path);
}

/*
 * The shell words of array 'var' in the data block of boot script 'script'
 * (from "# The profile's values" to the blank line after it), as bash reads
 * them, NUL-separated in 'out'.
 */
static void bash_array(const char *script, const char *var, struct gw_buf *out)
{
	const char *start = strstr(script, "# The profile's values");
	assert_non_null(start);
	const char *end = strstr(start, "\n\n");
	assert_non_null(end);
	char *block = gw_xstrndup(start, (size_t)(end - start) + 1);
	char *text = gw_xasprintf("%sprintf '%%s\\0' \"${%s[@]}\"\n", block,
			var);
	char *path = write_temp("data.sh", text);
	char *cmd = gw_xasprintf("bash '%s'", path);
	assert_int_equal(run_cmd(cmd, out), 0);
	unlink(path);
	free(cmd);
	free(path);
	free(text);
	free(block);
}

/* 'got' ('len' bytes) is exactly the NUL-terminated strings of 'want'. */
static void expect_words(const struct gw_buf *got, const char *const *want,
		size_t n)
{
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		assert_true(off < got->len);
		assert_string_equal(got->data + off, want[i]);
		off += strlen(want[i]) + 1;
	}
	assert_int_equal(off, got->len);
}

/* ---- YAML re-parse with libyaml ------------------------------------------ */

/*
 * The scalars of the sequence under top-level key 'key' of cloud-config
 * 'text' (for "write_files", the 'field' of each item), NUL-separated in
 * 'out'. Fails on a YAML error.
 */
static void yaml_values(const char *text, const char *key, const char *field,
		struct gw_buf *out)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	assert_true(yaml_parser_initialize(&parser));
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
			strlen(text));
	assert_true(yaml_parser_load(&parser, &doc));
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	assert_non_null(root);
	assert_int_equal(root->type, YAML_MAPPING_NODE);
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
			p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&doc, p->key);
		if (strcmp((const char *)k->data.scalar.value, key) != 0) {
			continue;
		}
		yaml_node_t *seq = yaml_document_get_node(&doc, p->value);
		assert_int_equal(seq->type, YAML_SEQUENCE_NODE);
		for (yaml_node_item_t *it = seq->data.sequence.items.start;
				it < seq->data.sequence.items.top; it++) {
			yaml_node_t *v = yaml_document_get_node(&doc, *it);
			if (field) {
				assert_int_equal(v->type, YAML_MAPPING_NODE);
				for (yaml_node_pair_t *q =
						v->data.mapping.pairs.start;
						q < v->data.mapping.pairs.top;
						q++) {
					yaml_node_t *fk = yaml_document_get_node(
							&doc, q->key);
					if (strcmp((const char *)
							fk->data.scalar.value,
							field) == 0) {
						v = yaml_document_get_node(
								&doc, q->value);
						break;
					}
				}
			}
			assert_int_equal(v->type, YAML_SCALAR_NODE);
			gw_buf_append(out, (const char *)v->data.scalar.value,
					v->data.scalar.length);
			gw_buf_putc(out, '\0');
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
}

/* ---- tests -------------------------------------------------------------- */

static void test_userdata_mime_shape(void **state)
{
	(void)state;
	struct run r;
	render_ok(&r, AWS_CLI);
	const char *s = gw_buf_str(&r.mime);
	/* The header is the preamble, which MIME readers skip (RFC 2046
	 * section 5.1.1); "t.yaml" is not demo.yaml, so its path is named. */
	assert_true(gw_has_prefix(s, "MIME-Version: 1.0\n"
			"Content-Type: multipart/mixed; boundary=\""
			BOUNDARY "\"\n\n"
			"User data of launch template 'workers' for the gwgen "
			"profile 'demo'.\n"
			"Generated by gwgen; do not edit. Regenerate with: "
			"gwgen --profile t.yaml -o out/\n"
			"This text before the first boundary is the MIME "
			"preamble, which readers skip.\n\n--" BOUNDARY "\n"));
	assert_true(gw_has_suffix(s, "\n\n--" BOUNDARY "--\n"));
	assert_null(strchr(s, '\r'));
	assert_true(has(s, "\nContent-Type: text/cloud-config; "
			"charset=\"us-ascii\"\n\n#cloud-config\n"));
	assert_true(has(s, "\nContent-Type: text/x-shellscript; "
			"charset=\"us-ascii\"\n"));
	/* Every boundary line follows an empty line. */
	for (const char *p = strstr(s, "\n--" BOUNDARY); p;
			p = strstr(p + 1, "\n--" BOUNDARY)) {
		if (p - s > 1 && p[-1] != '\n') {
			fail_msg("boundary at %td not after an empty line",
					p - s);
		}
	}
	finish(&r);
}

static void test_userdata_deterministic(void **state)
{
	(void)state;
	struct run a, b;
	render_ok(&a, AWS_CLI AUTOSCALE);
	render_ok(&b, AWS_CLI AUTOSCALE);
	assert_int_equal(a.mime.len, b.mime.len);
	assert_memory_equal(a.mime.data, b.mime.data, a.mime.len);
	finish(&a);
	finish(&b);
}

static void test_userdata_nvme_lvm(void **state)
{
	(void)state;
	struct run r;
	render_ok(&r, "      scratch:\n"
			"        kind: nvme-lvm\n"
			"        mount: /scratch\n");
	char *hook = part(gw_buf_str(&r.mime), "text/cloud-boothook");
	assert_non_null(hook);
	assert_true(gw_has_prefix(hook, "#cloud-boothook\n#!/bin/bash\n"));
	assert_true(has(hook, "exec cloud-init-per instance gwgen-nvme-lvm "
			"\"$0\" run\n"));
	assert_true(has(hook, "readonly MOUNT='/scratch'\n"));
	assert_true(has(hook, "'Amazon EC2 NVMe Instance Storage')"));
	assert_true(has(hook, "mkfs.ext4 -q -m 0 "));
	assert_true(has(hook, "dnf install -y lvm2"));
	assert_false(has(hook, "yum "));
	/* Nothing else to do: no cloud-config, no boot script. */
	assert_null(part(gw_buf_str(&r.mime), "text/cloud-config"));
	assert_null(part(gw_buf_str(&r.mime), "text/x-shellscript"));
	free(hook);
	finish(&r);
}

/* The daemon rendered on its own, as provision/VERSION/scratch-autoscale.sh. */
static char *scratch_script(const struct gw_model *m, size_t *len)
{
	struct gw_model copy = *m;
	struct gw_launch_template lt = m->launch_templates[0];
	struct gw_str name = {.s = "scratch-autoscale.sh"};
	struct gw_files files;
	struct gw_diags d;
	lt.user_data.provision = (struct gw_provision){
		.present = true,
		.version = {.s = "v9"},
		.prefix = {.s = "provision"},
		.scripts = {.v = &name, .n = 1},
	};
	copy.launch_templates = &lt;
	copy.n_launch_templates = 1;
	gw_files_init(&files);
	gw_diags_init(&d);
	assert_true(gw_userdata_provision_files(&copy, gw_templates_builtin(),
			&files, &d));
	assert_int_equal(files.n, 1);
	assert_string_equal(files.v[0].path,
			"provision/v9/scratch-autoscale.sh");
	char *data = gw_xstrndup(files.v[0].data, files.v[0].len);
	*len = files.v[0].len;
	gw_files_finish(&files);
	gw_diags_finish(&d);
	return data;
}

static void test_userdata_ebs_autoscale_embedded(void **state)
{
	(void)state;
	struct run r;
	render_ok(&r, AUTOSCALE
			"        increment_gib: 200\n"
			"        max_volumes: 8\n");
	char *cc = part(gw_buf_str(&r.mime), "text/cloud-config");
	char *boot = part(gw_buf_str(&r.mime), "text/x-shellscript");
	assert_non_null(cc);
	assert_non_null(boot);
	/* write_files carries the same bytes provision/ would ship. */
	struct gw_buf paths, contents;
	gw_buf_init(&paths);
	gw_buf_init(&contents);
	yaml_values(cc, "write_files", "path", &paths);
	yaml_values(cc, "write_files", "content", &contents);
	assert_string_equal(paths.data, "/usr/local/sbin/gwgen-scratch");
	size_t len;
	char *daemon = scratch_script(r.m, &len);
	assert_int_equal(contents.len, len + 1);
	assert_memory_equal(contents.data, daemon, len);
	assert_true(has(daemon, "set -Eeuo pipefail\n"));
	assert_true(has(daemon, "--encrypted"));
	assert_true(has(daemon, "{Key=gwgen:instance-id,Value=$GW_INSTANCE_ID}"));
	assert_true(has(daemon, "{Key=gwgen:stack,Value=$GW_STACK}"));
	assert_true(has(daemon, "modify-instance-attribute"));
	assert_true(has(daemon, "readonly GW_STACK='gwgen-demo'\n"));
	assert_false(has(daemon, "btrfs"));
	/* lvm2 is installed; the boot script passes the settings and runs
	 * the daemon's installer. */
	struct gw_buf packages;
	gw_buf_init(&packages);
	yaml_values(cc, "packages", NULL, &packages);
	const char *want[] = {"lvm2"};
	expect_words(&packages, want, GW_ARRAY_LEN(want));
	assert_true(has(boot, "export GW_SCRATCH_DEVICE='/dev/xvdba'\n"));
	assert_true(has(boot, "export GW_SCRATCH_MOUNT='/var/lib/docker'\n"));
	assert_true(has(boot, "export GW_SCRATCH_INCREMENT_GIB=200\n"));
	assert_true(has(boot, "export GW_SCRATCH_MAX_VOLUMES=8\n"));
	assert_true(has(boot, "\t'/usr/local/sbin/gwgen-scratch' install\n"));
	assert_true(has(boot, "export GW_AWS=aws\n"));
	free(daemon);
	gw_buf_finish(&packages);
	gw_buf_finish(&paths);
	gw_buf_finish(&contents);
	free(cc);
	free(boot);
	finish(&r);
}

static void test_userdata_ebs_autoscale_fetched(void **state)
{
	(void)state;
	struct run r;
	render_ok(&r, AWS_CLI AUTOSCALE
			"      provision:\n"
			"        version: v2\n"
			"        scripts: [scratch-autoscale.sh]\n");
	char *cc = part(gw_buf_str(&r.mime), "text/cloud-config");
	char *boot = part(gw_buf_str(&r.mime), "text/x-shellscript");
	assert_false(has(cc, "write_files"));
	size_t len;
	char *daemon = scratch_script(r.m, &len);
	char hex[GW_SHA256_HEX_LEN];
	gw_sha256_hex(daemon, len, hex);
	char *pin = gw_xasprintf("\t\t'%s' 'scratch-autoscale.sh' \\\n", hex);
	assert_true(has(boot, pin));
	assert_false(has(boot, "gwgen-scratch' install"));
	assert_true(has(boot, "export GW_AWS='/usr/local/aws-cli'"
			"/v2/current/bin/aws\n"));
	free(pin);
	free(daemon);
	free(cc);
	free(boot);
	finish(&r);
}

static void test_userdata_provision_checksums(void **state)
{
	(void)state;
	struct run r;
	render_ok(&r, AWS_CLI
			"      provision:\n"
			"        version: v1\n"
			"        prefix: boot/scripts\n"
			"        scripts: [ecs-additions.sh]\n");
	struct gw_files files;
	gw_files_init(&files);
	assert_true(gw_userdata_provision_files(r.m, gw_templates_builtin(),
			&files, &r.d));
	assert_int_equal(files.n, 1);
	const struct gw_file *f = gw_files_find(&files,
			"provision/v1/ecs-additions.sh");
	assert_non_null(f);
	assert_int_equal(f->mode, 0755);
	assert_true(gw_has_prefix(f->data, "#!/bin/bash\n"));
	assert_true(has(f->data, "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true\n"));
	assert_true(has(f->data, "ECS_CONTAINER_STOP_TIMEOUT=60s\n"));
	char hex[GW_SHA256_HEX_LEN];
	gw_sha256_hex(f->data, f->len, hex);
	char *boot = part(gw_buf_str(&r.mime), "text/x-shellscript");
	char *pin = gw_xasprintf("\t\t'%s' 'ecs-additions.sh' \\\n", hex);
	assert_true(has(boot, pin));
	assert_true(has(boot, "src=\"s3://$GW_BUCKET/\"'boot/scripts'/'v1'\n"));
	assert_true(has(boot, "readonly GW_BUCKET='demo-lab-bucket'\n"));
	assert_true(has(boot, "sha256sum --check --strict SHA256SUMS"));
	/* A second call adds nothing: the file is there. */
	assert_true(gw_userdata_provision_files(r.m, gw_templates_builtin(),
			&files, &r.d));
	assert_int_equal(files.n, 1);
	free(pin);
	free(boot);
	gw_files_finish(&files);
	finish(&r);
}

static void test_userdata_provision_unknown_script(void **state)
{
	(void)state;
	struct run r;
	render(&r, "      provision:\n"
			"        version: v1\n"
			"        scripts: [ecs-additions.sh, ../etc/passwd]\n");
	expect_error(&r, USER_DATA_LINE + 2, 37,
			"provision script '../etc/passwd' is not one gwgen "
			"ships");
	finish(&r);
}

static void test_userdata_aws_cli_pinned(void **state)
{
	(void)state;
	struct run r;
	render_ok(&r, AWS_CLI);
	char *boot = part(gw_buf_str(&r.mime), "text/x-shellscript");
	/* The x86_64 pin only: by `uname -m`, other machines fail. */
	assert_true(has(boot, "\tarch=$(uname -m)\n"));
	assert_true(has(boot, "\t'x86_64') version='2.36.11' sha256='" CLI_SHA
			"' ;;\n"));
	assert_false(has(boot, "'aarch64')"));
	assert_true(has(boot, "\t*) fail \"the profile pins no AWS CLI build "
			"for $arch\" ;;\n"));
	assert_true(has(boot, "\tzip=\"awscli-exe-linux-$arch-$version.zip\""));
	assert_true(has(boot, "\"https://awscli.amazonaws.com/$zip\""));
	assert_true(has(boot, "--install-dir \"$prefix\""));
	/* Checked before it is unpacked. */
	assert_true(strstr(boot, "sha256sum --check") <
			strstr(boot, "unzip -q"));
	assert_false(has(boot, "awscli-exe-linux-x86_64.zip"));
	char *cc = part(gw_buf_str(&r.mime), "text/cloud-config");
	assert_true(has(cc, "packages:\n  - \"unzip\"\n"));
	free(cc);
	free(boot);
	finish(&r);

	/* Both pins, each with its own version and checksum (AWS publishes
	 * awscli-exe-linux-aarch64.zip next to the x86_64 one). */
	render_ok(&r, AWS_CLI "        aarch64:\n"
			"          version: 2.36.10\n"
			"          sha256: " CLI_SHA_ARM "\n");
	boot = part(gw_buf_str(&r.mime), "text/x-shellscript");
	assert_true(has(boot, "\t'x86_64') version='2.36.11' sha256='" CLI_SHA
			"' ;;\n\t'aarch64') version='2.36.10' sha256='"
			CLI_SHA_ARM "' ;;\n"));
	free(boot);
	finish(&r);

	render_ok(&r, AWS_CLI "        source: bucket\n");
	boot = part(gw_buf_str(&r.mime), "text/x-shellscript");
	assert_true(has(boot, "s3_get \"aws-cli/$zip\" \"$dir/$zip\"\n"));
	assert_true(has(boot, "--aws-sigv4 \"aws:amz:$GW_REGION:s3\""));
	assert_false(has(boot, "awscli.amazonaws.com"));
	free(boot);
	finish(&r);

	render(&r, AWS_CLI "        prefix: /opt/aws cli\n");
	expect_error(&r, USER_DATA_LINE + 3, 17, "aws_cli prefix '/opt/aws cli' "
			"is not an absolute path");
	finish(&r);
}

static void test_userdata_size_limit(void **state)
{
	(void)state;
	struct gw_buf ud;
	gw_buf_init(&ud);
	gw_buf_puts(&ud, "      runcmd:\n");
	for (int i = 0; i < 400; i++) {
		gw_buf_printf(&ud, "        - echo line %03d of a long list of "
				"commands\n", i);
	}
	/* The renderer renders it; the check stage's rule L2 refuses it, at
	 * the launch template's user data. */
	struct run r;
	render(&r, gw_buf_str(&ud));
	assert_true(r.ok);
	assert_true(r.mime.len > GW_LIM_USER_DATA_MAX);
	struct gw_loc at = { .file = "t.yaml", .line = USER_DATA_LINE,
		.col = USER_DATA_COL };
	r.ok = gw_verify_user_data(r.mime.data, r.mime.len, at, &r.d);
	expect_error(&r, USER_DATA_LINE, USER_DATA_COL, "more than the 16384");
	finish(&r);
	gw_buf_finish(&ud);
}

static void test_userdata_boundary_collision(void **state)
{
	(void)state;
	struct run r;
	render(&r, "      runcmd:\n"
			"        - echo '--" BOUNDARY "--'\n");
	expect_error(&r, USER_DATA_LINE, USER_DATA_COL,
			"the x-shellscript part of the user data of launch "
			"template 'workers' contains the mime boundary");
	finish(&r);
}

static void test_userdata_ecs_config_validation(void **state)
{
	(void)state;
	struct run r;
	render_ok(&r, "      ecs_config:\n"
			"        ECS_IMAGE_PULL_BEHAVIOR: prefer-cached\n"
			"        ECS_RESERVED_MEMORY: 256\n");
	char *boot = part(gw_buf_str(&r.mime), "text/x-shellscript");
	assert_true(has(boot, "readonly GW_ECS_CONFIG=(\n"
			"\t'ECS_IMAGE_PULL_BEHAVIOR=prefer-cached'\n"
			"\t'ECS_RESERVED_MEMORY=256'\n)\n"));
	assert_true(has(boot, "printf '%s\\n' \"${GW_ECS_CONFIG[@]}\" "
			">>/etc/ecs/ecs.config\n"));
	free(boot);
	finish(&r);

	render(&r, "      ecs_config:\n"
			"        ecs_cluster: x\n"
			"        ECS_LOGLEVEL: \"debug\\nECS_CLUSTER=evil\"\n");
	expect_error(&r, USER_DATA_LINE + 1, 9,
			"ecs_config key must match [A-Z0-9_]+, got "
			"'ecs_cluster'");
	expect_error(&r, USER_DATA_LINE + 2, 23,
			"ecs_config value of 'ECS_LOGLEVEL' must be one line");
	finish(&r);
}

/* provision and aws_cli source 'bucket' need the profile's bucket. */
static void test_userdata_needs_bucket(void **state)
{
	(void)state;
	static const char yaml[] =
		"name: demo\n"
		"description: a demo lab\n"
		"region: us-west-2\n"
		"launch_templates:\n"
		"  - name: workers\n"
		"    user_data:\n"
		AWS_CLI
		"        source: bucket\n"
		"      provision:\n"
		"        version: v1\n"
		"        scripts: [ecs-additions.sh]\n";
	struct run r;
	gw_diags_init(&r.d);
	gw_buf_init(&r.mime);
	r.m = gw_profile_load_string(yaml, strlen(yaml), "t.yaml", &r.d);
	assert_non_null(r.m);
	r.ok = gw_verify_model(r.m, &r.d);
	expect_error(&r, 10, 17, "aws_cli source 'bucket' needs the "
			"profile's bucket");
	expect_error(&r, 12, 9, "provision fetches scripts from the "
			"profile's bucket, and there is none");
	finish(&r);
}

static void test_userdata_empty(void **state)
{
	(void)state;
	struct run r;
	render(&r, "      fail_fast: true\n");
	expect_error(&r, USER_DATA_LINE, USER_DATA_COL, "user_data of launch "
			"template 'workers' asks for nothing");
	finish(&r);
}

static void test_userdata_btrfs_refused(void **state)
{
	(void)state;
	struct run r;
	render(&r, AUTOSCALE "        filesystem: btrfs\n");
	expect_error(&r, USER_DATA_LINE + 3, 21, "scratch filesystem "
			"'btrfs' does not work on amazon linux 2023");
	finish(&r);
}

static void test_userdata_autoscale_checks(void **state)
{
	(void)state;
	struct run r;
	render(&r, "      scratch:\n"
			"        kind: ebs-autoscale\n"
			"        device: /dev/xvdbz\n"
			"        volume_type: io2\n"
			"        mount: /var/lib/../docker\n");
	expect_error(&r, USER_DATA_LINE + 2, 17,
			"scratch device '/dev/xvdbz' is not mapped by launch "
			"template 'workers'");
	expect_error(&r, USER_DATA_LINE + 3, 22,
			"scratch volume_type 'io2' needs iops");
	expect_error(&r, USER_DATA_LINE + 4, 16, "scratch mount "
			"'/var/lib/../docker' is not an absolute path");
	finish(&r);
}

/* The scratch device follows EC2's HVM mapping grammar: /dev/sdba shares
 * /dev/xvdba's slot but is no name EC2 accepts, and the root device holds
 * the system. */
static void test_userdata_scratch_device_grammar(void **state)
{
	(void)state;
	static const char *const bad[] = {"/dev/sdba", "/dev/xvda",
	                                  "/dev/xvdzz", "/dev/nvme1n1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *yaml = gw_xasprintf("      scratch:\n"
				"        kind: ebs-autoscale\n"
				"        device: %s\n", bad[i]);
		struct run r;
		render(&r, yaml);
		expect_error(&r, USER_DATA_LINE + 2, 17, "scratch device '");
		finish(&r);
		free(yaml);
	}
}

/* Values with quotes, newlines, $(...), backticks: data, never code. */
static void test_userdata_inert_values(void **state)
{
	(void)state;
	static const char *const packages[] = {
		"it's",
		"\"double\"",
		"$(touch${IFS}/tmp/pwned)",
		"`reboot`",
		"a#b:c",
		"unzip",
	};
	static const char *const ecs[] = {
		"ECS_INSTANCE_ATTRIBUTES={\"a\": \"it's $(id) `id`\"}",
	};
	static const char *const cmds[] = {
		"echo 'one' && echo \"$HOME\"\necho two",
		"printf '%s\\n' \"$(date)\" `id`",
	};
	struct run r;
	render_ok(&r, "      packages:\n"
			"        - \"it's\"\n"
			"        - '\"double\"'\n"
			"        - $(touch${IFS}/tmp/pwned)\n"
			"        - \"`reboot`\"\n"
			"        - \"a#b:c\"\n"
			"      ecs_config:\n"
			"        ECS_INSTANCE_ATTRIBUTES: "
			"'{\"a\": \"it''s $(id) `id`\"}'\n"
			"      aws_cli:\n"
			"        version: 2.36.11\n"
			"        sha256: " CLI_SHA "\n"
			"      runcmd:\n"
			"        - |-\n"
			"          echo 'one' && echo \"$HOME\"\n"
			"          echo two\n"
			"        - printf '%s\\n' \"$(date)\" `id`\n");
	char *cc = part(gw_buf_str(&r.mime), "text/cloud-config");
	char *boot = part(gw_buf_str(&r.mime), "text/x-shellscript");

	struct gw_buf got;
	gw_buf_init(&got);
	yaml_values(cc, "packages", NULL, &got);
	expect_words(&got, packages, GW_ARRAY_LEN(packages));

	if (have_tool("bash")) {
		gw_buf_clear(&got);
		bash_array(boot, "GW_PACKAGES", &got);
		expect_words(&got, packages, GW_ARRAY_LEN(packages));
		gw_buf_clear(&got);
		bash_array(boot, "GW_ECS_CONFIG", &got);
		expect_words(&got, ecs, GW_ARRAY_LEN(ecs));
		gw_buf_clear(&got);
		bash_array(boot, "GW_RUNCMD", &got);
		expect_words(&got, cmds, GW_ARRAY_LEN(cmds));
	}
	gw_buf_finish(&got);
	free(cc);
	free(boot);
	finish(&r);
}

static void test_userdata_fail_fast(void **state)
{
	(void)state;
	struct run r;
	render_ok(&r, AWS_CLI);
	char *boot = part(gw_buf_str(&r.mime), "text/x-shellscript");
	assert_true(has(boot, "set -Eeuo pipefail\n"));
	assert_true(has(boot, "readonly GW_FAIL_FAST=true\n"));
	assert_true(has(boot, "\t\tshutdown -P now\n"));
	assert_true(has(boot, "trap 'on_error \"$LINENO\"' ERR\n"));
	/* IMDSv2 only, region from the identity document. */
	assert_true(has(boot, "-X PUT"));
	assert_true(has(boot, "X-aws-ec2-metadata-token: $token"));
	assert_true(has(boot, "dynamic/instance-identity/document"));
	assert_true(has(boot, "export GW_REGION GW_INSTANCE_ID GW_AZ\n"));
	assert_false(has(boot, "placement/availability-zone"));
	free(boot);
	finish(&r);

	render_ok(&r, AWS_CLI "      fail_fast: false\n");
	boot = part(gw_buf_str(&r.mime), "text/x-shellscript");
	assert_true(has(boot, "readonly GW_FAIL_FAST=false\n"));
	free(boot);
	finish(&r);
}

/* The real validators, on every part of a full archive and on the scripts
 * gwgen ships: cloud-init's schema, bash -n, shellcheck and Python's MIME
 * parser. */
static void test_userdata_validators(void **state)
{
	(void)state;
	static const struct {
		const char *user_data;
		const char *types; /* the parts' types, in order */
	} variants[] = {
		{AWS_CLI AUTOSCALE
			"      packages: [jq, \"it's\"]\n"
			"      ecs_config:\n"
			"        ECS_ENABLE_SPOT_INSTANCE_DRAINING: \"true\"\n"
			"      provision:\n"
			"        version: v1\n"
			"        scripts: [ecs-additions.sh]\n"
			"      runcmd: [\"echo done\"]\n",
			"text/cloud-config text/x-shellscript"},
		{AWS_CLI "        source: bucket\n"
			"      scratch:\n"
			"        kind: nvme-lvm\n"
			"      fail_fast: false\n",
			"text/cloud-boothook text/cloud-config "
			"text/x-shellscript"},
		{AWS_CLI AUTOSCALE
			"      provision:\n"
			"        version: v1\n"
			"        scripts: [scratch-autoscale.sh, "
			"ecs-additions.sh]\n",
			"text/cloud-config text/x-shellscript"},
		{"      scratch:\n"
			"        kind: nvme-lvm\n",
			"text/cloud-boothook"},
	};
	bool cloud_init = have_tool("cloud-init");
	bool shellcheck = have_tool("shellcheck");
	bool bash = have_tool("bash");
	bool python = have_tool("python3");
	for (size_t i = 0; i < GW_ARRAY_LEN(variants); i++) {
		struct run r;
		render_ok(&r, variants[i].user_data);
		const char *mime = gw_buf_str(&r.mime);
		char *cc = part(mime, "text/cloud-config");
		char *boot = part(mime, "text/x-shellscript");
		char *hook = part(mime, "text/cloud-boothook");
		if (cc && cloud_init) {
			check_with("cloud-init", "schema --config-file",
					"cloud-config.yaml", cc);
		}
		const char *scripts[] = {boot,
			hook ? hook + strlen("#cloud-boothook\n") : NULL};
		for (size_t j = 0; j < GW_ARRAY_LEN(scripts); j++) {
			if (scripts[j] && bash) {
				check_with("bash", "-n", "part.sh", scripts[j]);
			}
			if (scripts[j] && shellcheck) {
				check_with("shellcheck", "", "part.sh",
						scripts[j]);
			}
		}
		struct gw_files files;
		gw_files_init(&files);
		assert_true(gw_userdata_provision_files(r.m,
				gw_templates_builtin(), &files, &r.d));
		for (size_t j = 0; j < files.n; j++) {
			if (bash) {
				check_with("bash", "-n", "provision.sh",
						files.v[j].data);
			}
			if (shellcheck) {
				check_with("shellcheck", "", "provision.sh",
						files.v[j].data);
			}
		}
		if (python) {
			/* The parts cloud-init sees, and no parser defects. */
			char *args = gw_xasprintf("-c 'import email, sys\n"
					"m = email.message_from_binary_file("
					"open(sys.argv[1], \"rb\"))\n"
					"assert m.is_multipart() and not m.defects\n"
					"types = []\n"
					"for p in m.get_payload():\n"
					"    assert not p.defects\n"
					"    assert p.get_content_charset() == "
					"\"us-ascii\"\n"
					"    types.append(p.get_content_type())\n"
					"assert types == \"%s\".split(), types\n'",
					variants[i].types);
			check_with("python3", args, "userdata.mime", mime);
			free(args);
		}
		gw_files_finish(&files);
		free(cc);
		free(boot);
		free(hook);
		finish(&r);
	}
}

int main(void)
{
	gw_cjson_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_userdata_mime_shape),
		cmocka_unit_test(test_userdata_deterministic),
		cmocka_unit_test(test_userdata_nvme_lvm),
		cmocka_unit_test(test_userdata_ebs_autoscale_embedded),
		cmocka_unit_test(test_userdata_ebs_autoscale_fetched),
		cmocka_unit_test(test_userdata_provision_checksums),
		cmocka_unit_test(test_userdata_provision_unknown_script),
		cmocka_unit_test(test_userdata_aws_cli_pinned),
		cmocka_unit_test(test_userdata_size_limit),
		cmocka_unit_test(test_userdata_boundary_collision),
		cmocka_unit_test(test_userdata_ecs_config_validation),
		cmocka_unit_test(test_userdata_needs_bucket),
		cmocka_unit_test(test_userdata_empty),
		cmocka_unit_test(test_userdata_btrfs_refused),
		cmocka_unit_test(test_userdata_autoscale_checks),
		cmocka_unit_test(test_userdata_scratch_device_grammar),
		cmocka_unit_test(test_userdata_inert_values),
		cmocka_unit_test(test_userdata_fail_fast),
		cmocka_unit_test(test_userdata_validators),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
