/* SPDX-License-Identifier: MIT */
/* Unit tests for emit.c: a small hostile profile rendered with the built-in templates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <yaml.h>

#include "buf.h"
#include "emit.h"
#include "pipeline.h"
#include "check.h"
#include "escape_groovy.h"
#include "profile.h"
#include "report.h"
#include "templates.h"
#include "util.h"

/* One value that would break out of every quoting style it lands in:
 * YAML (quotes, newline, '#', '---', '!Ref'), CloudFormation (${...}),
 * shell ($(...), backticks, quotes). */
#define HOSTILE "it's \"me\"\n$(touch /tmp/gwgen-pwned) `id` ${AWS::Region} " \
	"!Ref x #c\n---\n"
#define HOSTILE_YAML "\"it's \\\"me\\\"\\n$(touch /tmp/gwgen-pwned) `id` " \
	"${AWS::Region} !Ref x #c\\n---\\n\""
#define COMMAND_ARG "echo \"$HOME\" 'x' ${AWS::Region} !Ref #c"
#define ENV_VALUE "multi\nline: value # not a comment"

static const char profile[] =
	"name: hostile\n"
	"description: 'quotes '' and \" and $(id) ${AWS::Region} !Ref #x --- end'\n"
	"region: eu-west-1\n"
	"account_id: \"123456789012\"\n"
	"engine: nextflow\n"
	"tags:\n"
	"  Owner: " HOSTILE_YAML "\n"
	"bucket:\n"
	"  name: hostile-lab-data\n"
	"  versioning: true\n"
	"  expire_days: 30\n"
	"policies:\n"
	"  - name: hostile-secrets\n"
	"    statements:\n"
	"      - actions: [secretsmanager:GetSecretValue]\n"
	"        resources: [\"secret:NF_${aws:username}_*\", bucket, bucket/*]\n"
	"roles:\n"
	"  - name: hostile-instance\n"
	"    trust: [ec2]\n"
	"    managed: [service-role/AmazonEC2ContainerServiceforEC2Role]\n"
	"    policies: [hostile-secrets]\n"
	"    instance_profile: true\n"
	"  - name: hostile-job\n"
	"    trust: [ecs-tasks]\n"
	"groups:\n"
	"  - name: hostile-users\n"
	"    policies: [hostile-secrets]\n"
	"users:\n"
	"  - name: alice\n"
	"    groups: [hostile-users]\n"
	"    policies: [hostile-secrets]\n"
	"launch_templates:\n"
	"  - name: hostile-lt\n"
	"    root_volume: {device: /dev/xvda, size_gib: 100}\n"
	"    user_data:\n"
	"      packages: [jq]\n"
	"compute_environments:\n"
	"  - name: hostile-ce\n"
	"    max_vcpus: 16\n"
	"    launch_template: hostile-lt\n"
	"    instance_role: hostile-instance\n"
	"job_queues:\n"
	"  - name: hostile-queue\n"
	"    compute_environments: [hostile-ce]\n"
	"job_definitions:\n"
	"  - name: hostile-job\n"
	"    image: public.ecr.aws/docker/library/busybox:1.36\n"
	"    command: [\"sh\", \"-c\", \"echo \\\"$HOME\\\" 'x' ${AWS::Region} !Ref #c\"]\n"
	"    job_role: hostile-job\n"
	"    environment:\n"
	"      GREETING: \"multi\\nline: value # not a comment\"\n"
	"log_groups:\n"
	"  - name: /aws/batch/hostile\n"
	"nextflow:\n"
	"  queue: hostile-queue\n"
	"  config_profile: my-profile\n"
	"  processes:\n"
	"    - selector: withName:FOO\n"
	"      cpus: 2\n"
	"      memory_mib: 4096\n"
	"      disk: \"it's 40 GB\"\n";

struct run {
	struct gw_diags d;
	struct gw_model *m;
	struct gw_files files;
};

static int setup(void **state)
{
	struct run *r = gw_xcalloc(1, sizeof(*r));
	gw_diags_init(&r->d);
	gw_files_init(&r->files);
	r->m = gw_profile_load_string(profile, strlen(profile), "hostile.yaml",
			&r->d);
	bool ok = r->m && gw_emit(r->m, gw_templates_builtin(), &r->files,
			&r->d);
	if (!ok) {
		gw_diags_print(&r->d, stderr, GW_DIAG_TEXT, false);
		return -1;
	}
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct run *r = *state;
	gw_files_finish(&r->files);
	gw_model_destroy(r->m);
	gw_diags_finish(&r->d);
	free(r);
	return 0;
}

static const struct gw_file *file(const struct run *r, const char *path)
{
	const struct gw_file *f = gw_files_find(&r->files, path);
	if (!f) {
		fail_msg("no file '%s'", path);
	}
	return f;
}

static void test_emit_files_present_sorted(void **state)
{
	const struct run *r = *state;
	static const char *const want[] = {
		"README.md",
		"client/nextflow.config",
		"cloudformation.yaml",
		"deploy.env.example",
		"iam/bucket-policy.json",
		"iam/hostile-instance-trust.json",
		"iam/hostile-job-trust.json",
		"iam/hostile-secrets.json",
		"scripts/deploy.sh",
		"scripts/doctor.sh",
		"scripts/teardown.sh",
		"scripts/users.sh",
		"scripts/validate.sh",
		"userdata/hostile-lt.mime",
	};
	assert_int_equal(r->files.n, GW_ARRAY_LEN(want));
	for (size_t i = 0; i < r->files.n; i++) {
		const struct gw_file *f = &r->files.v[i];
		assert_string_equal(f->path, want[i]);
		/* LF only, a final newline, no absolute path of this run. */
		assert_true(f->len > 0 && f->data[f->len - 1] == '\n');
		assert_null(memchr(f->data, '\r', f->len));
		assert_int_equal(f->mode, gw_has_prefix(f->path, "scripts/") ?
				0755 : 0644);
	}
	assert_null(gw_files_find(&r->files, "client/nextstrain.config"));
}

static void test_emit_iam_json_parses(void **state)
{
	const struct run *r = *state;
	const struct gw_file *f = file(r, "iam/hostile-secrets.json");
	cJSON *j = cJSON_ParseWithLength(f->data, f->len);
	assert_non_null(j);
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(
				cJSON_GetObjectItemCaseSensitive(j, "Statement"),
				0), "Resource");
	assert_string_equal(cJSON_GetArrayItem(res, 0)->valuestring,
			"arn:aws:secretsmanager:eu-west-1:123456789012:secret:"
			"NF_${aws:username}_*");
	assert_string_equal(cJSON_GetArrayItem(res, 1)->valuestring,
			"arn:aws:s3:::hostile-lab-data");
	assert_string_equal(cJSON_GetArrayItem(res, 2)->valuestring,
			"arn:aws:s3:::hostile-lab-data/*");
	cJSON_Delete(j);

	f = file(r, "iam/hostile-job-trust.json");
	j = cJSON_ParseWithLength(f->data, f->len);
	assert_non_null(j);
	char *s = cJSON_PrintUnformatted(j);
	assert_non_null(strstr(s, "\"Service\":[\"ecs-tasks.amazonaws.com\"]"));
	free(s);
	cJSON_Delete(j);

	f = file(r, "iam/bucket-policy.json");
	j = cJSON_ParseWithLength(f->data, f->len);
	assert_non_null(j);
	cJSON_Delete(j);
}

/* ---- the template, read back with libyaml ------------------------------- */

static yaml_node_t *get(yaml_document_t *doc, yaml_node_t *n, const char *key)
{
	if (!n) {
		return NULL;
	}
	if (n->type == YAML_SEQUENCE_NODE) {
		int i = atoi(key);
		yaml_node_item_t *it = n->data.sequence.items.start + i;
		return it < n->data.sequence.items.top ?
			yaml_document_get_node(doc, *it) : NULL;
	}
	if (n->type != YAML_MAPPING_NODE) {
		return NULL;
	}
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
			p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		if (k->type == YAML_SCALAR_NODE &&
				strcmp((char *)k->data.scalar.value, key) == 0) {
			return yaml_document_get_node(doc, p->value);
		}
	}
	return NULL;
}

/* The node at a '/'-separated path of keys and sequence indexes. */
static yaml_node_t *path(yaml_document_t *doc, const char *p)
{
	char *copy = gw_xstrdup(p);
	yaml_node_t *n = yaml_document_get_root_node(doc);
	for (char *save = NULL, *part = strtok_r(copy, "/", &save); part;
			part = strtok_r(NULL, "/", &save)) {
		n = get(doc, n, part);
	}
	free(copy);
	if (!n) {
		fail_msg("no node at '%s'", p);
	}
	return n;
}

static void expect_scalar(yaml_document_t *doc, const char *p,
		const char *value, size_t len)
{
	yaml_node_t *n = path(doc, p);
	assert_int_equal(n->type, YAML_SCALAR_NODE);
	assert_int_equal(n->data.scalar.length, len);
	assert_memory_equal(n->data.scalar.value, value, len);
}

static void load_cfn(const struct run *r, yaml_document_t *doc)
{
	const struct gw_file *f = file(r, "cloudformation.yaml");
	yaml_parser_t parser;
	assert_true(yaml_parser_initialize(&parser));
	yaml_parser_set_input_string(&parser, (const unsigned char *)f->data,
			f->len);
	assert_true(yaml_parser_load(&parser, doc));
	yaml_parser_delete(&parser);
}

static void test_emit_cfn_parses_with_tags(void **state)
{
	const struct run *r = *state;
	yaml_document_t doc;
	load_cfn(r, &doc);
	/* Short-form intrinsics parse as local tags. */
	const char *want[] = { "!Ref", "!Sub", "!GetAtt", "!Base64" };
	for (size_t i = 0; i < GW_ARRAY_LEN(want); i++) {
		bool seen = false;
		for (yaml_node_t *n = doc.nodes.start; n < doc.nodes.top; n++) {
			seen = seen || (n->tag &&
					strcmp((char *)n->tag, want[i]) == 0);
		}
		assert_true(seen);
	}
	yaml_node_t *lt = path(&doc, "Resources/HostileCeComputeEnv/"
			"Properties/ComputeResources/LaunchTemplate/Version");
	assert_string_equal((char *)lt->tag, "!GetAtt");
	assert_string_equal((char *)lt->data.scalar.value,
			"HostileLtLaunchTemplate.LatestVersionNumber");
	yaml_node_t *sub = path(&doc, "Resources/HostileSecretsPolicy/"
			"Properties/PolicyDocument/Statement/0/Resource/0");
	assert_string_equal((char *)sub->tag, "!Sub");
	assert_string_equal((char *)sub->data.scalar.value,
			"arn:${AWS::Partition}:secretsmanager:${AWS::Region}:"
			"${AWS::AccountId}:secret:NF_${!aws:username}_*");
	yaml_node_t *principal = path(&doc, "Resources/HostileInstanceRole/"
			"Properties/AssumeRolePolicyDocument/Statement/0/"
			"Principal/Service/0");
	assert_string_equal((char *)principal->data.scalar.value,
			"ec2.${AWS::URLSuffix}");
	yaml_document_delete(&doc);

	/* Partition-aware: no ARN with a literal partition. */
	const struct gw_file *f = file(r, "cloudformation.yaml");
	char *text = gw_xstrndup(f->data, f->len);
	assert_null(strstr(text, "arn:aws:"));
	assert_null(strstr(text, "$Latest"));
	free(text);
}

static void test_emit_user_data_embedded_exactly(void **state)
{
	const struct run *r = *state;
	const struct gw_file *mime = file(r, "userdata/hostile-lt.mime");
	yaml_document_t doc;
	load_cfn(r, &doc);
	yaml_node_t *ud = path(&doc, "Resources/HostileLtLaunchTemplate/"
			"Properties/LaunchTemplateData/UserData");
	assert_string_equal((char *)ud->tag, "!Base64");
	expect_scalar(&doc, "Resources/HostileLtLaunchTemplate/Properties/"
			"LaunchTemplateData/UserData", mime->data, mime->len);
	yaml_document_delete(&doc);
}

static void test_emit_strings_stay_inert(void **state)
{
	const struct run *r = *state;
	yaml_document_t doc;
	load_cfn(r, &doc);
	expect_scalar(&doc, "Resources/Bucket/Properties/Tags/0/Value",
			HOSTILE, strlen(HOSTILE));
	expect_scalar(&doc, "Resources/HostileQueueJobQueue/Properties/Tags/"
			"Owner", HOSTILE, strlen(HOSTILE));
	expect_scalar(&doc, "Resources/HostileJobJobDefinition/Properties/"
			"ContainerProperties/Command/2", COMMAND_ARG,
			strlen(COMMAND_ARG));
	expect_scalar(&doc, "Resources/HostileJobJobDefinition/Properties/"
			"ContainerProperties/Environment/0/Value", ENV_VALUE,
			strlen(ENV_VALUE));
	static const char desc[] =
		"quotes ' and \" and $(id) ${AWS::Region} !Ref #x --- end";
	expect_scalar(&doc, "Description", desc, strlen(desc));
	yaml_document_delete(&doc);

	const struct gw_file *f = file(r, "client/nextflow.config");
	char *text = gw_xstrndup(f->data, f->len);
	assert_non_null(strstr(text, "        disk = 'it\\'s 40 GB'\n"));
	assert_non_null(strstr(text, "    'my-profile' {\n"));
	free(text);
}

/* Run 'script' from a copy of the output with --dry-run and return the
 * argument after 'flag' in the printed command, read back by bash. */
static char *dry_run_arg(const struct run *r, const char *script,
		const char *args, const char *flag)
{
	char dir[] = "gwgen-emit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < r->files.n; i++) {
		const struct gw_file *f = &r->files.v[i];
		char *p = gw_xasprintf("%s/%s", dir, f->path);
		char *slash = strrchr(p, '/');
		*slash = '\0';
		mkdir(p, 0755);
		*slash = '/';
		FILE *out = fopen(p, "w");
		assert_non_null(out);
		assert_int_equal(fwrite(f->data, 1, f->len, out), f->len);
		fclose(out);
		free(p);
	}
	/* bash parses the printed, %q-quoted line back into arguments (if
	 * the quoting were wrong, $(touch ...) would run here). */
	char *cmd = gw_xasprintf("bash %s/scripts/%s --dry-run %s 2>/dev/null | "
			"while IFS= read -r line; do "
			"bash -c 'eval \"set -- $1\"; "
			"for a; do printf \"%%s\\0\" \"$a\"; done' _ "
			"\"$line\"; done; rm -rf %s", dir, script, args, dir);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	struct gw_buf out;
	gw_buf_init(&out);
	char chunk[BUFSIZ];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		gw_buf_append(&out, chunk, n);
	}
	pclose(p);
	free(cmd);
	char *found = NULL;
	for (const char *a = out.data; a && a < out.data + out.len;
			a += strlen(a) + 1) {
		if (strcmp(a, flag) == 0) {
			found = gw_xstrdup(a + strlen(a) + 1);
			break;
		}
		/* Single values come as --option=VALUE (issue 20). */
		if (gw_has_prefix(a, flag) && a[strlen(flag)] == '=') {
			found = gw_xstrdup(a + strlen(flag) + 1);
			break;
		}
	}
	gw_buf_finish(&out);
	return found;
}

static void test_emit_scripts_quote_profile_values(void **state)
{
	const struct run *r = *state;
	/* printf %q output, read back by bash, gives the value unchanged. */
	char *tag = dry_run_arg(r, "deploy.sh",
			"--subnets subnet-1 --security-groups sg-1", "--tags");
	assert_non_null(tag);
	assert_string_equal(tag, "Owner=" HOSTILE);
	free(tag);
	char *caps = dry_run_arg(r, "deploy.sh",
			"--subnets subnet-1 --security-groups sg-1",
			"--capabilities");
	assert_non_null(caps);
	assert_string_equal(caps, "CAPABILITY_NAMED_IAM");
	free(caps);
	char *group = dry_run_arg(r, "users.sh", "", "--group-name");
	assert_non_null(group);
	assert_string_equal(group, "hostile-users");
	free(group);
	char *state_arg = dry_run_arg(r, "teardown.sh", "", "--state");
	assert_non_null(state_arg);
	assert_string_equal(state_arg, "DISABLED");
	free(state_arg);
	assert_int_equal(access("/tmp/gwgen-pwned", F_OK), -1);
}

static void test_emit_check_catches_changed_user_data(void **state)
{
	const struct run *r = *state;
	const struct gw_file *f = file(r, "cloudformation.yaml");
	char *text = gw_xstrndup(f->data, f->len);
	struct gw_check_ctx c = { .template = "cfn/stack.yaml.mustache",
		.path = "cloudformation.yaml", .files = &r->files,
		.builtin = true };
	struct gw_diags d;
	gw_diags_init(&d);
	assert_true(gw_check_cfn(&c, text, f->len, &d));
	/* One byte inside the literal block. */
	char *block = strstr(text, "UserData: !Base64 |");
	assert_non_null(block);
	char *byte = strchr(block, '\n') + 1;
	while (*byte == ' ') {
		byte++;
	}
	*byte = *byte == 'x' ? 'y' : 'x';
	assert_false(gw_check_cfn(&c, text, f->len, &d));
	assert_int_equal(d.n_errors, 1);
	assert_non_null(strstr(d.v[0].msg, "cfn/stack.yaml.mustache"));
	assert_non_null(strstr(d.v[0].msg, "userdata/hostile-lt.mime"));
	free(text);
	gw_diags_finish(&d);
}

static void test_emit_checks_refuse_broken_output(void **state)
{
	struct gw_files none;
	gw_files_init(&none);
	struct gw_check_ctx c = { .template = "t", .path = "p", .files = &none };
	struct gw_diags d;
	gw_diags_init(&d);
	assert_false(gw_check_json(&c, "{\"a\": 1", 7, &d));
	assert_false(gw_check_json(&c, "{} {}", 5, &d));
	assert_true(gw_check_json(&c, "{}\n", 3, &d));
	static const char two_docs[] = "Resources: {}\n---\nx: 1\n";
	assert_false(gw_check_cfn(&c, two_docs, strlen(two_docs), &d));
	static const char bad_tag[] = "Resources:\n  A: !Bogus x\n";
	assert_false(gw_check_cfn(&c, bad_tag, strlen(bad_tag), &d));
	static const char ini_ok[] = "# c\n[aws-batch]\nqueue = q\n";
	assert_true(gw_check_ini(&c, ini_ok, strlen(ini_ok), &d));
	static const char ini_bad[] = "[aws-batch]\nqueue = q\nrm -rf\n";
	assert_false(gw_check_ini(&c, ini_bad, strlen(ini_bad), &d));
	static const char groovy_bad[] = "a { x = 'it's' }\n";
	assert_false(gw_check_groovy(&c, groovy_bad, strlen(groovy_bad), &d));
	static const char sh_bad[] = "#!/usr/bin/env bash\nrm x\nset -euo pipefail\n";
	assert_false(gw_check_bash(&c, sh_bad, strlen(sh_bad), &d));
	assert_int_equal(d.n_errors, 7);
	gw_diags_finish(&d);
}

static void expect_escaped(gw_escape_fn fn, const char *in, const char *want)
{
	size_t len = strlen(in);
	struct gw_buf b;
	gw_buf_init(&b);
	fn(&b, in, len);
	assert_string_equal(gw_buf_str(&b), want);
	gw_buf_finish(&b);
}

static void test_emit_groovy_and_markdown_escapers(void **state)
{
	/* Groovy single-quoted strings: no interpolation, Java escapes. */
	expect_escaped(gw_escape_groovy, "it's ${x} \\ a\nb",
			"'it\\'s ${x} \\\\ a\\nb'");
	expect_escaped(gw_escape_groovy, "\x01\t", "'\\u0001\\t'");
	expect_escaped(gw_escape_groovy, "", "''");
	/* Markdown code spans: a longer fence than any backtick run, pipes
	 * escaped for tables, line breaks as spaces. */
	expect_escaped(gw_escape_md, "a|b", "`a\\|b`");
	expect_escaped(gw_escape_md, "x``y", "```x``y```");
	expect_escaped(gw_escape_md, "`x", "`` `x ``");
	expect_escaped(gw_escape_md, "a\nb", "`a b`");
}

/* Write every built-in template below 'dir', replacing 'name' by 'text'. */
static void copy_templates(const char *dir, const char *name, const char *text)
{
	const struct gw_templates *t = gw_templates_builtin();
	for (size_t i = 0; i < gw_templates_count(t); i++) {
		const struct gw_template_file *tf = gw_templates_at(t, i);
		char *p = gw_xasprintf("%s/%s", dir, tf->name);
		char *slash = strrchr(p, '/');
		*slash = '\0';
		mkdir(p, 0755);
		*slash = '/';
		FILE *out = fopen(p, "w");
		assert_non_null(out);
		const char *body = strcmp(tf->name, name) == 0 ? text : tf->text;
		fputs(body, out);
		fclose(out);
		free(p);
	}
}

static void test_emit_broken_dir_template_is_located(void **state)
{
	const struct run *r = *state;
	char dir[] = "gwgen-emit-tpl-XXXXXX";
	assert_non_null(mkdtemp(dir));
	/* Renders fine, but is not YAML. */
	copy_templates(dir, "cfn/stack.yaml.mustache",
			"Resources: [{{profile.name}}\n");
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_templates *t = gw_templates_load_dir(dir, &d);
	assert_non_null(t);
	struct gw_files files;
	gw_files_init(&files);
	/* It renders; the check stage re-parses it. */
	assert_false(gw_pipeline_render(r->m, t, false, &files, &d));
	assert_int_equal(files.n, 0);
	assert_true(d.n_errors >= 1);
	/* A --templates DIR file is input: the error is at that file, not
	 * an internal error of gwgen's. */
	const struct gw_diag *g = &d.v[d.n - 1];
	assert_null(strstr(g->msg, "internal error"));
	assert_non_null(g->loc.file);
	assert_non_null(strstr(g->loc.file, "cfn/stack.yaml.mustache"));
	assert_non_null(strstr(g->msg, "is not YAML"));
	gw_files_finish(&files);
	gw_templates_destroy(t);
	gw_diags_finish(&d);
	char *rm = gw_xasprintf("rm -rf %s", dir);
	assert_int_equal(system(rm), 0);
	free(rm);
}

/*
 * A Fargate lab: job definitions with FARGATE capabilities, an execution
 * role (gwgen's, with AmazonECSTaskExecutionRolePolicy, or the profile's),
 * the network configuration and platform version, 0.25 vCPU, and Nextflow's
 * platformType and executionRole (Batch job_definition_parameters.md;
 * Nextflow config reference).
 */
static const char fargate_profile[] =
	"name: fg\n"
	"description: fargate\n"
	"region: us-east-1\n"
	"account_id: \"123456789012\"\n"
	"engine: nextflow\n"
	"bucket:\n"
	"  name: fg-lab-bucket\n"
	"roles:\n"
	"  - name: fg-exec\n"
	"    trust: [ecs-tasks]\n"
	"compute_environments:\n"
	"  - name: fg\n"
	"    type: FARGATE\n"
	"    max_vcpus: 16\n"
	"job_queues:\n"
	"  - name: fg\n"
	"    compute_environments: [fg]\n"
	"job_definitions:\n"
	"  - name: tiny\n"
	"    image: busybox\n"
	"    fractional_vcpus: \"0.25\"\n"
	"    memory_mib: 1024\n"
	"    assign_public_ip: true\n"
	"    queue: fg\n"
	"  - name: own\n"
	"    image: busybox\n"
	"    memory_mib: 2048\n"
	"    execution_role: fg-exec\n"
	"    platform_version: \"1.4.0\"\n"
	"    queue: fg\n"
	"nextflow:\n"
	"  queue: fg\n";

static void test_emit_fargate(void **state)
{
	(void)state;
	struct gw_diags d;
	struct gw_files files;
	gw_diags_init(&d);
	gw_files_init(&files);
	struct gw_model *m = gw_profile_load_string(fargate_profile,
			strlen(fargate_profile), "fg.yaml", &d);
	assert_non_null(m);
	assert_true(gw_emit(m, gw_templates_builtin(), &files, &d));
	const struct gw_file *f = gw_files_find(&files, "cloudformation.yaml");
	assert_non_null(f);
	char *cfn = gw_xstrndup(f->data, f->len);
	static const char *const want[] = {
		"      PlatformCapabilities:\n        - \"FARGATE\"\n",
		"        ExecutionRoleArn: !GetAtt FgFargateExecutionRole.Arn\n"
		"        NetworkConfiguration:\n"
		"          AssignPublicIp: \"ENABLED\"\n"
		"        FargatePlatformConfiguration:\n"
		"          PlatformVersion: \"LATEST\"\n",
		"          - Type: VCPU\n            Value: \"0.25\"\n"
		"          - Type: MEMORY\n            Value: \"1024\"\n",
		"        ExecutionRoleArn: !GetAtt FgExecRole.Arn\n"
		"        NetworkConfiguration:\n"
		"          AssignPublicIp: \"DISABLED\"\n"
		"        FargatePlatformConfiguration:\n"
		"          PlatformVersion: \"1.4.0\"\n",
		"      RoleName: \"fg-fargate-execution\"\n",
		"service-role/AmazonECSTaskExecutionRolePolicy\"\n",
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(want); i++) {
		if (!strstr(cfn, want[i])) {
			fail_msg("cloudformation.yaml lacks:\n%s", want[i]);
		}
	}
	/* No EC2 capabilities, and no CE15 comment on a Fargate CE. */
	assert_null(strstr(cfn, "- \"EC2\""));
	assert_null(strstr(cfn, "(CE15)"));
	assert_null(strstr(cfn, "infrastructure updates"));
	free(cfn);
	f = gw_files_find(&files, "client/nextflow.config");
	assert_non_null(f);
	char *nf = gw_xstrndup(f->data, f->len);
	assert_non_null(strstr(nf, "        platformType = 'fargate'\n"
			"        executionRole = 'arn:aws:iam::123456789012:role/"
			"fg-fargate-execution'\n"));
	free(nf);
	assert_non_null(gw_files_find(&files,
			"iam/fg-fargate-execution-trust.json"));
	gw_files_finish(&files);
	gw_model_destroy(m);
	gw_diags_finish(&d);
}

int main(void)
{
	gw_cjson_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emit_files_present_sorted),
		cmocka_unit_test(test_emit_iam_json_parses),
		cmocka_unit_test(test_emit_cfn_parses_with_tags),
		cmocka_unit_test(test_emit_user_data_embedded_exactly),
		cmocka_unit_test(test_emit_strings_stay_inert),
		cmocka_unit_test(test_emit_scripts_quote_profile_values),
		cmocka_unit_test(test_emit_check_catches_changed_user_data),
		cmocka_unit_test(test_emit_checks_refuse_broken_output),
		cmocka_unit_test(test_emit_groovy_and_markdown_escapers),
		cmocka_unit_test(test_emit_broken_dir_template_is_located),
		cmocka_unit_test(test_emit_fargate),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
