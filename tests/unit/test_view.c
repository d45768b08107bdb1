/* SPDX-License-Identifier: MIT */
/* Unit tests for view.c: a small model built in C, its ARNs, principals and IDs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "aws_limits.h"
#include "model.h"
#include "report.h"
#include "util.h"
#include "view.h"

static struct gw_str str(const char *s)
{
	return (struct gw_str){ .s = gw_xstrdup(s), .set = true };
}

static struct gw_strs strs1(const char *s)
{
	struct gw_strs l = { .v = gw_xcalloc(1, sizeof(struct gw_str)),
		.n = 1, .set = true };
	l.v[0] = str(s);
	return l;
}

static struct gw_resource res(enum gw_res_kind kind, const char *value)
{
	return (struct gw_resource){ .kind = kind, .value = str(value) };
}

/*
 * A model in 'region': bucket "lab-data", policies "a-b" and "a_b" (their
 * logical IDs collide), the second with a secret pattern using
 * ${aws:username}, a literal ARN and role and log-group references; a role
 * "batch-role" trusted by ec2 with an instance profile.
 */
static struct gw_model *small_model(const char *region, const char *account)
{
	struct gw_model *m = gw_model_create();
	m->name = str("demo");
	m->description = str("a demo");
	m->region = str(region);
	assert_true(gw_partition_for_region(region, &m->partition,
				&m->dns_suffix));
	if (account) {
		m->account_id = str(account);
	}
	m->stack_name = str("gwgen-demo");
	m->bucket.present = true;
	m->bucket.name = str("lab-data");
	m->bucket.retain.v = true;
	m->bucket.abort_multipart_days.v = 7;

	m->n_policies = 2;
	m->policies = gw_xcalloc(2, sizeof(struct gw_policy));
	m->policies[0].name = str("a-b");
	m->policies[1].name = str("a_b");
	struct gw_policy *p = &m->policies[1];
	p->n_statements = 1;
	p->statements = gw_xcalloc(1, sizeof(struct gw_statement));
	struct gw_statement *st = &p->statements[0];
	st->effect = str("Allow");
	st->actions = strs1("secretsmanager:GetSecretValue");
	st->n_resources = 6;
	st->resources = gw_xcalloc(6, sizeof(struct gw_resource));
	st->resources[0] = res(GW_RES_SECRET, "NF_${aws:username}_*");
	st->resources[1] = res(GW_RES_OBJECTS, "work/*");
	st->resources[2] = res(GW_RES_ROLE, "batch-role");
	st->resources[3] = res(GW_RES_LOG_GROUP, "/aws/batch/job:*");
	st->resources[4] = res(GW_RES_ANY, "");
	char *lit = gw_xasprintf("arn:%s:sns:%s:123456789012:topic",
			m->partition, region);
	st->resources[5] = res(GW_RES_ARN, lit);
	free(lit);

	m->n_roles = 1;
	m->roles = gw_xcalloc(1, sizeof(struct gw_role));
	m->roles[0].name = str("batch-role");
	m->roles[0].trust = strs1("ec2");
	m->roles[0].managed = strs1(
			"service-role/AmazonEC2ContainerServiceforEC2Role");
	m->roles[0].policies = strs1("a_b");
	m->roles[0].instance_profile.v = true;
	return m;
}

/* The string at a path of object keys and array indexes ("#N"). */
static const char *at(const cJSON *root, const char *path)
{
	char *copy = gw_xstrdup(path);
	const cJSON *it = root;
	for (char *save = NULL, *part = strtok_r(copy, ".", &save); part && it;
			part = strtok_r(NULL, ".", &save)) {
		it = part[0] == '#' ? cJSON_GetArrayItem(it, atoi(part + 1)) :
			cJSON_GetObjectItemCaseSensitive(it, part);
	}
	free(copy);
	if (!cJSON_IsString(it)) {
		fail_msg("no string at '%s'", path);
	}
	return it->valuestring;
}

static cJSON *view_of(struct gw_model *m)
{
	struct gw_diags d;
	gw_diags_init(&d);
	cJSON *root = cJSON_CreateObject();
	bool ok = gw_view_build(m, root, &d);
	if (!ok) {
		gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
	}
	assert_true(ok);
	gw_diags_finish(&d);
	return root;
}

#define RES "policies.#1.statements.#0.resources."

static void test_view_arns_are_partition_aware(void **state)
{
	struct gw_model *m = small_model("cn-north-1", NULL);
	cJSON *v = view_of(m);
	/* In the template: pseudo parameters, never a literal partition. */
	assert_string_equal(at(v, RES "#1.sub"),
			"arn:${AWS::Partition}:s3:::lab-data/work/*");
	assert_string_equal(at(v, RES "#2.sub"),
			"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/batch-role");
	assert_string_equal(at(v, RES "#3.sub"), "arn:${AWS::Partition}:logs:"
			"${AWS::Region}:${AWS::AccountId}:log-group:/aws/batch/job:*");
	assert_string_equal(at(v, RES "#5.sub"),
			"arn:${AWS::Partition}:sns:cn-north-1:123456789012:topic");
	/* In the standalone IAM JSON: resolved from the profile. */
	assert_string_equal(at(v, RES "#1.arn"),
			"arn:aws-cn:s3:::lab-data/work/*");
	assert_string_equal(at(v, RES "#3.arn"),
			"arn:aws-cn:logs:cn-north-1:*:log-group:/aws/batch/job:*");
	assert_string_equal(at(v, RES "#4.arn"), "*");
	assert_string_equal(at(v, "bucket.bucket_arn.arn"),
			"arn:aws-cn:s3:::lab-data");
	/* Service principals: the URL suffix of the partition. */
	assert_string_equal(at(v, "roles.#0.trust.#0.sub"),
			"ec2.${AWS::URLSuffix}");
	assert_string_equal(at(v, "roles.#0.trust.#0.principal"),
			"ec2.amazonaws.com.cn");
	assert_string_equal(at(v, "roles.#0.managed.#0.sub"),
			"arn:${AWS::Partition}:iam::aws:policy/service-role/"
			"AmazonEC2ContainerServiceforEC2Role");
	assert_string_equal(at(v, "roles.#0.managed.#0.arn"),
			"arn:aws-cn:iam::aws:policy/service-role/"
			"AmazonEC2ContainerServiceforEC2Role");
	cJSON_Delete(v);
	gw_model_destroy(m);
}

static void test_view_policy_variables_survive_sub(void **state)
{
	struct gw_model *m = small_model("us-west-2", NULL);
	cJSON *v = view_of(m);
	/* Fn::Sub would resolve ${aws:username}; ${!...} writes it literally. */
	assert_string_equal(at(v, RES "#0.sub"), "arn:${AWS::Partition}:"
			"secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:"
			"NF_${!aws:username}_*");
	assert_string_equal(at(v, RES "#0.arn"), "arn:aws:secretsmanager:"
			"us-west-2:*:secret:NF_${aws:username}_*");
	cJSON_Delete(v);
	gw_model_destroy(m);

	struct gw_buf b;
	gw_buf_init(&b);
	gw_view_sub_literal(&b, "${a}$${b}${");
	assert_string_equal(gw_buf_str(&b), "${!a}$${!b}${!");
	gw_buf_finish(&b);
}

static void test_view_account_star_or_profile(void **state)
{
	struct gw_model *m = small_model("us-west-2", NULL);
	cJSON *v = view_of(m);
	assert_string_equal(at(v, "profile.account"), "*");
	assert_string_equal(at(v, RES "#2.arn"),
			"arn:aws:iam::*:role/batch-role");
	cJSON_Delete(v);
	gw_model_destroy(m);

	m = small_model("us-west-2", "123456789012");
	v = view_of(m);
	assert_string_equal(at(v, "profile.account"), "123456789012");
	assert_string_equal(at(v, RES "#2.arn"),
			"arn:aws:iam::123456789012:role/batch-role");
	/* The template never resolves the account. */
	assert_string_equal(at(v, RES "#2.sub"),
			"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/batch-role");
	cJSON_Delete(v);
	gw_model_destroy(m);
}

static void test_view_logical_ids_unique_and_stable(void **state)
{
	struct gw_model *m = small_model("us-west-2", NULL);
	cJSON *v = view_of(m);
	assert_string_equal(at(v, "policies.#0.logical_id"), "ABPolicy");
	assert_string_equal(at(v, "policies.#1.logical_id"), "ABPolicy2");
	/* "batch-role" already ends in Role. */
	assert_string_equal(at(v, "roles.#0.logical_id"), "BatchRole");
	assert_string_equal(at(v, "roles.#0.instance_profile_id"),
			"BatchRoleInstanceProfile");
	/* References use the ID of the object they name. */
	assert_string_equal(at(v, "roles.#0.policies.#0.id"), "ABPolicy2");
	assert_string_equal(at(v, "bucket.logical_id"), "Bucket");
	cJSON_Delete(v);
	gw_model_destroy(m);
}

static void test_view_user_data_lines(void **state)
{
	struct gw_model *m = small_model("us-west-2", NULL);
	m->n_launch_templates = 1;
	m->launch_templates = gw_xcalloc(1, sizeof(struct gw_launch_template));
	m->launch_templates[0].name = str("lt");
	cJSON *v = view_of(m);
	static const char mime[] = "a\n\n  b\n";
	gw_view_set_user_data(v, 0, "userdata/lt.mime", mime, strlen(mime));
	assert_string_equal(at(v, "launch_templates.#0.user_data.file"),
			"userdata/lt.mime");
	const cJSON *lines = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(
				cJSON_GetObjectItemCaseSensitive(v,
					"launch_templates"), 0), "user_data"),
			"lines");
	assert_int_equal(cJSON_GetArraySize(lines), 3);
	assert_string_equal(at(v, "launch_templates.#0.user_data.lines.#2.text"),
			"  b");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
				cJSON_GetArrayItem(lines, 1), "blank")));
	cJSON_Delete(v);
	gw_model_destroy(m);
}

static void test_view_template_size_decides_s3(void **state)
{
	struct gw_model *m = small_model("us-west-2", NULL);
	cJSON *v = view_of(m);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(v, "template");
	gw_view_set_template_size(v, GW_LIM_TEMPLATE_INLINE_MAX);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(t,
					"needs_s3")));
	gw_view_set_template_size(v, GW_LIM_TEMPLATE_INLINE_MAX + 1);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t,
					"needs_s3")));
	cJSON_Delete(v);
	gw_model_destroy(m);
}

static void test_view_unknown_reference_is_an_error(void **state)
{
	struct gw_model *m = small_model("us-west-2", NULL);
	free(m->roles[0].policies.v[0].s);
	m->roles[0].policies.v[0].s = gw_xstrdup("missing");
	struct gw_diags d;
	gw_diags_init(&d);
	cJSON *v = cJSON_CreateObject();
	assert_false(gw_view_build(m, v, &d));
	assert_int_equal(d.n_errors, 1);
	assert_string_equal(d.v[0].msg, "'missing' names no object of the profile");
	cJSON_Delete(v);
	gw_diags_finish(&d);
	gw_model_destroy(m);
}

static void test_view_warnings_without_directories(void **state)
{
	struct gw_model *m = small_model("us-west-2", NULL);
	cJSON *v = view_of(m);
	struct gw_diags d;
	gw_diags_init(&d);
	gw_diag_add(&d, GW_SEV_WARNING, (struct gw_loc){ "/home/x/lab.yaml",
			3, 7 }, "S2", NULL, "wide '%s'", "*");
	gw_diag_note(&d, (struct gw_loc){ "/home/x/lab.yaml", 3, 7 }, "hint");
	gw_view_add_warnings(v, m, &d);
	/* Notes stay out; no absolute path reaches the summary, only the
	 * path below the directory above the profile's. */
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(v,
					"warnings")), 1);
	assert_string_equal(at(v, "warnings.#0.text"),
			"x/lab.yaml:3:7: wide '*' [S2]");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v,
					"has_warnings")));
	gw_diags_finish(&d);
	cJSON_Delete(v);
	gw_model_destroy(m);
}

/* Summary locations are relative to the directory above the profile's. */
static void test_view_warnings_relative_to_project(void **state)
{
	static const struct {
		const char *top, *file, *want;
	} cases[] = {
		{"/home/x/profiles/lab.yaml", "/home/x/profiles/base.yaml",
			"profiles/base.yaml"},
		{"/home/x/profiles/lab.yaml", "/home/x/shared/base.yaml",
			"shared/base.yaml"},
		/* Outside the project: the directory's name and the file's. */
		{"/home/x/profiles/lab.yaml", "/opt/gwgen/profiles/base.yaml",
			"profiles/base.yaml"},
		{"/home/x/profiles/lab.yaml", "/home/x/profiles/./a/../lab.yaml",
			"profiles/lab.yaml"},
		/* Relative paths name the same files from the working
		 * directory, so the text does not depend on it. */
		{"profiles/lab.yaml", "profiles/../profiles/base.yaml",
			"profiles/base.yaml"},
		{"./profiles//lab.yaml", "./profiles/lab.yaml",
			"profiles/lab.yaml"},
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(cases); i++) {
		struct gw_model *m = small_model("us-west-2", NULL);
		m->files = gw_xcalloc(1, sizeof(*m->files));
		m->files[0] = gw_xstrdup(cases[i].top);
		m->n_files = 1;
		cJSON *v = view_of(m);
		struct gw_diags d;
		gw_diags_init(&d);
		gw_diag_add(&d, GW_SEV_WARNING, (struct gw_loc){ cases[i].file,
				2, 5 }, "CE9", NULL, "warm");
		gw_view_add_warnings(v, m, &d);
		char *want = gw_xasprintf("%s:2:5: warm [CE9]", cases[i].want);
		assert_string_equal(at(v, "warnings.#0.text"), want);
		free(want);
		gw_diags_finish(&d);
		cJSON_Delete(v);
		gw_model_destroy(m);
	}
}

/*
 * The "Regenerate with" command: the name for NAME.yaml in a profiles
 * directory, else the path as given when it is relative and needs no
 * quoting, else its file name; never an absolute path.
 */
static void test_view_regen_names_the_profile_file(void **state)
{
	static const struct {
		const char *file, *want;
	} cases[] = {
		{NULL, "demo"},
		{"profiles/demo.yaml", "demo"},
		{"./profiles//demo.yaml", "demo"},
		{"/usr/local/share/gwgen/profiles/demo.yaml", "demo"},
		/* The file stem differs from name: "demo". */
		{"profiles/lab.yaml", "profiles/lab.yaml"},
		{"/home/x/profiles/lab.yaml", "lab.yaml"},
		/* Elsewhere: 'gwgen --profile demo' would not find it. */
		{"labs/demo.yaml", "labs/demo.yaml"},
		{"../labs/demo.yaml", "../labs/demo.yaml"},
		{"demo.yaml", "demo.yaml"},
		{"/home/x/labs/demo.yaml", "demo.yaml"},
		{"/home/x/labs/my-profiles/demo.yaml", "demo.yaml"},
		/* Needs quoting, or would end a comment: the file name, else
		 * the profile's name. */
		{"my labs/demo.yaml", "demo.yaml"},
		{"labs/a\n# b.yaml", "demo"},
		{"labs/x-->y.yaml", "demo"},
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(cases); i++) {
		struct gw_model *m = small_model("us-west-2", NULL);
		if (cases[i].file) {
			m->files = gw_xcalloc(1, sizeof(*m->files));
			m->files[0] = gw_xstrdup(cases[i].file);
			m->n_files = 1;
		}
		cJSON *v = view_of(m);
		char *want = gw_xasprintf("gwgen --profile %s -o out/",
				cases[i].want);
		assert_string_equal(at(v, "profile.regen"), want);
		free(want);
		cJSON_Delete(v);
		gw_model_destroy(m);
	}
	(void)state;
}

/* Whether 'o'.nag has rule 'id' whose applies_to lists 'finding' (NULL: a
 * rule for the whole resource, no applies_to). */
static bool nag_has(const cJSON *o, const char *id, const char *finding)
{
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(o, "nag"), "rules");
	const cJSON *r;
	cJSON_ArrayForEach(r, rules) {
		const cJSON *at = cJSON_GetObjectItemCaseSensitive(r,
				"applies_to");
		if (strcmp(cJSON_GetObjectItemCaseSensitive(r, "id")->valuestring,
				id) != 0) {
			continue;
		}
		if (!finding) {
			return cJSON_GetArraySize(at) == 0;
		}
		const cJSON *v;
		cJSON_ArrayForEach(v, at) {
			if (strcmp(cJSON_GetObjectItemCaseSensitive(v,
					"value")->valuestring, finding) == 0) {
				return true;
			}
		}
	}
	return false;
}

static const cJSON *item(const cJSON *root, const char *list, int i)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, list),
			i);
}

/*
 * cdk-nag's AwsSolutions-IAM5 names a wildcard as "Resource::" and the
 * !Sub body with "${" turned into "<" and "}" into ">" (its
 * flattenCfnReference); a suppression covers exactly the accepted ones.
 */
static void test_view_nag_suppressions(void **state)
{
	(void)state;
	struct gw_model *m = small_model("us-west-2", NULL);
	cJSON *v = view_of(m);
	const cJSON *p = item(v, "policies", 1);
	assert_true(nag_has(p, "AwsSolutions-IAM5", "Resource::arn:"
			"<AWS::Partition>:secretsmanager:<AWS::Region>:"
			"<AWS::AccountId>:secret:NF_<!aws:username>_*"));
	assert_true(nag_has(p, "AwsSolutions-IAM5",
			"Resource::arn:<AWS::Partition>:s3:::lab-data/work/*"));
	assert_true(nag_has(p, "AwsSolutions-IAM5", "Resource::arn:"
			"<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:"
			"log-group:/aws/batch/job:*"));
	/* secretsmanager:GetSecretValue takes secret ARNs: its "*" is not
	 * accepted (S2 warns), and neither is anything not a wildcard. */
	assert_false(nag_has(p, "AwsSolutions-IAM5", "Resource::*"));
	assert_false(nag_has(item(v, "policies", 0), "AwsSolutions-IAM5",
			"Resource::*"));
	const cJSON *role = item(v, "roles", 0);
	assert_true(nag_has(role, "AwsSolutions-IAM4", "Policy::arn:"
			"<AWS::Partition>:iam::aws:policy/service-role/"
			"AmazonEC2ContainerServiceforEC2Role"));
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(v, "bucket");
	assert_true(nag_has(b, "HIPAA.Security-S3BucketReplicationEnabled",
			NULL));
	assert_true(nag_has(b, "NIST.800.53.R5-S3DefaultEncryptionKMS", NULL));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v,
			"has_nag_suppressions")));
	cJSON_Delete(v);
	gw_model_destroy(m);
}

/* The key of 'compliance: hipaa', in aws-cn: the bucket's default
 * encryption, the policies' use of it, and who the key policy names. */
static void test_view_hipaa_key(void **state)
{
	(void)state;
	struct gw_model *m = small_model("cn-north-1", NULL);
	m->hipaa = true;
	m->n_log_groups = 1;
	m->log_groups = gw_xcalloc(1, sizeof(struct gw_log_group));
	m->log_groups[0].name = str("/lab/jobs");
	m->log_groups[0].retention_days.v = 30;
	cJSON *v = view_of(m);
	assert_string_equal(at(v, "kms.logical_id"), "StackKey");
	assert_string_equal(at(v, "kms.alias"), "alias/gwgen-demo");
	assert_string_equal(at(v, "bucket.sse_algorithm"), "aws:kms");
	assert_string_equal(at(v, "bucket.key_id"), "StackKey");
	/* a_b reads objects under work/ and writes none: kms:Decrypt only. */
	assert_string_equal(at(v, "policies.#1.statements.#1.sid"),
			"GwgenStackKey");
	assert_string_equal(at(v, "policies.#1.statements.#1.actions.#0.value"),
			"kms:Decrypt");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
			item(v, "policies", 1), "statements"), 1), "actions")), 1);
	assert_string_equal(at(v, "policies.#1.statements.#1.resources.#0.sub"),
			"${StackKey.Arn}");
	assert_string_equal(at(v, "policies.#1.statements.#1.resources.#0.arn"),
			"arn:aws-cn:kms:cn-north-1:*:key/*");
	/* a-b has no statement, so no key statement either. */
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
			item(v, "policies", 0), "statements")), 0);
	assert_string_equal(at(v, "kms.s3_principals.#0.sub"),
			"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/"
			"batch-role");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(v, "kms"),
			"s3_principals")), 1);
	assert_string_equal(at(v, "kms.logs_principal"),
			"logs.cn-north-1.amazonaws.com.cn");
	assert_string_equal(at(v, "kms.log_groups.#0.sub"),
			"arn:${AWS::Partition}:logs:${AWS::Region}:"
			"${AWS::AccountId}:log-group:/lab/jobs");
	/* Encrypted with the key: no KMS findings left to suppress. */
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(v, "bucket");
	assert_false(nag_has(b, "HIPAA.Security-S3DefaultEncryptionKMS", NULL));
	assert_false(nag_has(item(v, "log_groups", 0),
			"HIPAA.Security-CloudWatchLogGroupEncrypted", NULL));
	cJSON_Delete(v);
	gw_model_destroy(m);
}

int main(void)
{
	gw_cjson_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_view_arns_are_partition_aware),
		cmocka_unit_test(test_view_policy_variables_survive_sub),
		cmocka_unit_test(test_view_account_star_or_profile),
		cmocka_unit_test(test_view_logical_ids_unique_and_stable),
		cmocka_unit_test(test_view_user_data_lines),
		cmocka_unit_test(test_view_template_size_decides_s3),
		cmocka_unit_test(test_view_unknown_reference_is_an_error),
		cmocka_unit_test(test_view_warnings_without_directories),
		cmocka_unit_test(test_view_warnings_relative_to_project),
		cmocka_unit_test(test_view_regen_names_the_profile_file),
		cmocka_unit_test(test_view_nag_suppressions),
		cmocka_unit_test(test_view_hipaa_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
