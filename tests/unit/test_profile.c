/* SPDX-License-Identifier: MIT */
/* Unit tests for the profile loader: YAML from strings, exact diagnostics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "profile.h"
#include "profile_tree.h"
#include "report.h"
#include "util.h"

/* The smallest valid profile; tests append to it. */
#define MINIMAL \
	"name: demo\n" \
	"description: a demo lab\n" \
	"region: us-west-2\n"

struct run {
	struct gw_diags d;
	struct gw_model *m;
};

static void load(struct run *r, const char *yaml)
{
	gw_diags_init(&r->d);
	r->m = gw_profile_load_string(yaml, strlen(yaml), "t.yaml", &r->d);
}

static void finish(struct run *r)
{
	gw_model_destroy(r->m);
	gw_diags_finish(&r->d);
}

/* Print what was reported, so a failing assertion is easy to read. */
static void dump(const struct run *r)
{
	gw_diags_print(&r->d, stderr, GW_DIAG_TEXT, false);
}

/* Diagnostic 'i' has this severity, position and message. */
static void expect_diag(const struct run *r, size_t i, enum gw_severity sev,
		unsigned line, unsigned col, const char *msg)
{
	if (i >= r->d.n) {
		dump(r);
		fail_msg("only %zu diagnostics, wanted #%zu: %s", r->d.n, i,
				msg);
	}
	const struct gw_diag *g = &r->d.v[i];
	if (g->sev != sev || g->loc.line != line || g->loc.col != col ||
			strcmp(g->msg, msg) != 0) {
		dump(r);
		fail_msg("#%zu: want %s %u:%u '%s', got %s %u:%u '%s'", i,
				gw_severity_name(sev), line, col, msg,
				gw_severity_name(g->sev), g->loc.line,
				g->loc.col, g->msg);
	}
}

/* Exactly one error (and nothing else) at line:col with message 'msg'. */
static void expect_one_error(const char *yaml, unsigned line, unsigned col,
		const char *msg)
{
	struct run r;
	load(&r, yaml);
	expect_diag(&r, 0, GW_SEV_ERROR, line, col, msg);
	if (r.d.n != 1) {
		dump(&r);
		fail_msg("want 1 diagnostic, got %zu", r.d.n);
	}
	assert_null(r.m);
	assert_string_equal(r.d.v[0].loc.file, "t.yaml");
	finish(&r);
}

/*
 * A value out of range: the first diagnostic is the loader's error at
 * line:col with rule ID 'rule' and message 'msg'. The loader keeps such a
 * value, so the verifier's findings on the rest of the profile may follow,
 * but none at the same place; the model is refused.
 */
static void expect_range_error(const char *yaml, unsigned line, unsigned col,
		const char *rule, const char *msg)
{
	struct run r;
	load(&r, yaml);
	expect_diag(&r, 0, GW_SEV_ERROR, line, col, msg);
	if (!r.d.v[0].rule || strcmp(r.d.v[0].rule, rule) != 0) {
		dump(&r);
		fail_msg("want rule %s, got %s", rule,
				r.d.v[0].rule ? r.d.v[0].rule : "none");
	}
	for (size_t i = 1; i < r.d.n; i++) {
		if (r.d.v[i].loc.line == line && r.d.v[i].loc.col == col) {
			dump(&r);
			fail_msg("#%zu repeats the finding at %u:%u", i, line,
					col);
		}
	}
	assert_null(r.m);
	finish(&r);
}

static struct gw_model *load_ok(struct run *r, const char *yaml)
{
	load(r, yaml);
	if (!r->m) {
		dump(r);
		fail_msg("profile did not load");
	}
	assert_int_equal(r->d.n, 0);
	return r->m;
}

static void expect_loc(struct gw_loc loc, unsigned line, unsigned col)
{
	if (loc.line != line || loc.col != col) {
		fail_msg("want %u:%u, got %u:%u", line, col, loc.line, loc.col);
	}
}

/* ---- a valid profile ----------------------------------------------------- */

static void test_profile_minimal_defaults(void **state)
{
	(void)state;
	struct run r;
	struct gw_model *m = load_ok(&r, MINIMAL);
	assert_string_equal(m->name.s, "demo");
	assert_true(m->name.set);
	expect_loc(m->name.loc, 1, 7);
	expect_loc(m->region.loc, 3, 9);
	assert_string_equal(m->partition, "aws");
	assert_string_equal(m->dns_suffix, "amazonaws.com");
	assert_string_equal(m->stack_name.s, "gwgen-demo");
	assert_false(m->stack_name.set);
	assert_string_equal(m->engine_name.s, "none");
	assert_false(m->engine_name.set);
	assert_int_equal(m->engine, GW_ENGINE_NONE);
	/* absent values point at the enclosing mapping: the root */
	expect_loc(m->stack_name.loc, 1, 1);
	assert_null(m->account_id.s);
	assert_false(m->bucket.present);
	assert_true(m->bucket.retain.v);
	assert_false(m->bucket.retain.set);
	assert_int_equal(m->bucket.abort_multipart_days.v, 7);
	assert_string_equal(m->bucket.encryption.s, "sse-s3");
	expect_loc(m->bucket.loc, 1, 1);
	assert_false(m->network.vpc.v);
	assert_int_equal(m->n_compute_envs, 0);
	assert_false(m->nextflow.present);
	assert_string_equal(m->nextflow.work_dir.s, "work");
	assert_int_equal(m->n_files, 1);
	assert_string_equal(m->files[0], "t.yaml");
	assert_ptr_equal(m->name.loc.file, m->files[0]);
	finish(&r);
}

static void test_profile_full_values(void **state)
{
	(void)state;
	struct run r;
	struct gw_model *m = load_ok(&r, MINIMAL
		"account_id: 123456789012\n"        /* 4 */
		"engine: nextflow\n"
		"tags: {project: lab, owner: ops}\n"
		"bucket:\n"
		"  name: lab-bucket\n"              /* 8 */
		"  versioning: true\n"
		"  expire_days: 30\n"
		"compute_environments:\n"
		"  - name: spot\n"                  /* 12 */
		"    type: SPOT\n"
		"    max_vcpus: 256\n"
		"    min_vcpus: 2\n"
		"  - name: fargate\n"               /* 16 */
		"    type: FARGATE\n"
		"    max_vcpus: 16\n"
		"    instance_types: [m6i, c6i.large]\n"
		"job_queues:\n"                     /* 20 */
		"  - name: default\n"
		"    compute_environments: [spot, {name: fargate, order: 5}]\n"
		"launch_templates:\n"
		"  - name: lt\n"                    /* 24 */
		"    root_volume: {device: /dev/xvda, size_gib: 100}\n"
		"    user_data:\n"
		"      scratch: {kind: ebs-autoscale, device: /dev/xvdba}\n"
		"      ecs_config:\n"
		"        ECS_ENABLE_SPOT_INSTANCE_DRAINING: true\n" /* 29 */
		"nextflow:\n"
		"  queue: default\n");
	assert_string_equal(m->account_id.s, "123456789012");
	assert_int_equal(m->engine, GW_ENGINE_NEXTFLOW);
	assert_int_equal(m->tags.n, 2);
	assert_string_equal(m->tags.v[1].key.s, "owner");
	assert_string_equal(m->tags.v[1].value.s, "ops");
	expect_loc(m->tags.v[1].value.loc, 6, 29);
	assert_true(m->bucket.present);
	expect_loc(m->bucket.loc, 8, 3);
	assert_true(m->bucket.versioning.v);
	assert_int_equal(m->bucket.expire_days.v, 30);
	expect_loc(m->bucket.expire_days.loc, 10, 16);

	assert_int_equal(m->n_compute_envs, 2);
	const struct gw_compute_env *spot = &m->compute_envs[0];
	expect_loc(spot->loc, 12, 5);
	assert_string_equal(spot->allocation_strategy.s,
			"SPOT_PRICE_CAPACITY_OPTIMIZED");
	assert_false(spot->allocation_strategy.set);
	assert_int_equal(spot->instance_types.n, 1);
	assert_string_equal(spot->instance_types.v[0].s, "optimal");
	assert_false(spot->instance_types.set);
	assert_int_equal(spot->desired_vcpus.v, 2);
	assert_false(spot->desired_vcpus.set);
	assert_string_equal(spot->image_type.s, "ECS_AL2023");
	const struct gw_compute_env *fg = &m->compute_envs[1];
	assert_null(fg->allocation_strategy.s);
	assert_int_equal(fg->instance_types.n, 2);
	assert_string_equal(fg->instance_types.v[1].s, "c6i.large");
	expect_loc(fg->instance_types.v[1].loc, 19, 27);

	const struct gw_queue *q = &m->queues[0];
	assert_int_equal(q->priority.v, 1);
	assert_int_equal(q->n_ces, 2);
	assert_string_equal(q->ces[0].ce.s, "spot");
	assert_int_equal(q->ces[0].order.v, 1);
	assert_false(q->ces[0].order.set);
	assert_string_equal(q->ces[1].ce.s, "fargate");
	assert_int_equal(q->ces[1].order.v, 5);
	assert_true(q->ces[1].order.set);
	expect_loc(q->ces_loc, 22, 27);

	const struct gw_launch_template *lt = &m->launch_templates[0];
	assert_true(lt->has_root);
	assert_int_equal(lt->root.size_gib.v, 100);
	assert_string_equal(lt->root.type.s, "gp3");
	assert_true(lt->root.encrypted.v);
	assert_int_equal(lt->hop_limit.v, 2);
	assert_true(lt->user_data.present);
	assert_true(lt->user_data.scratch.present);
	assert_int_equal(lt->user_data.scratch.k, GW_SCRATCH_EBS_AUTOSCALE);
	assert_int_equal(lt->user_data.scratch.threshold_pct.v, 50);
	assert_string_equal(lt->user_data.scratch.mount.s, "/var/lib/docker");
	assert_false(lt->user_data.aws_cli.present);
	assert_string_equal(lt->user_data.ecs_config.v[0].value.s, "true");
	expect_loc(lt->user_data.ecs_config.v[0].key.loc, 29, 9);
	assert_true(m->nextflow.present);
	assert_string_equal(m->nextflow.queue.s, "default");
	finish(&r);
}

static void test_profile_resources(void **state)
{
	(void)state;
	struct run r;
	struct gw_model *m = load_ok(&r, MINIMAL
		"policies:\n"
		"  - name: access\n"
		"    statements:\n"
		"      - actions: ['s3:*']\n"
		"        resources:\n"
		"          - '*'\n"                 /* 9 */
		"          - bucket\n"
		"          - bucket/work/*\n"
		"          - secret:NF_*\n"
		"          - log-group:/aws/batch/job:*\n"
		"          - role:BatchInstanceRole\n"
		"          - arn:aws:s3:::other-bucket\n"
		"          - batch:job-queue/lab-queue\n");
	const struct gw_statement *st = &m->policies[0].statements[0];
	assert_string_equal(st->effect.s, "Allow");
	assert_false(st->effect.set);
	assert_int_equal(st->n_resources, 8);
	static const struct {
		enum gw_res_kind kind;
		const char *value;
	} want[] = {
		{GW_RES_ANY, "*"},
		{GW_RES_BUCKET, ""},
		{GW_RES_OBJECTS, "work/*"},
		{GW_RES_SECRET, "NF_*"},
		{GW_RES_LOG_GROUP, "/aws/batch/job:*"},
		{GW_RES_ROLE, "BatchInstanceRole"},
		{GW_RES_ARN, "arn:aws:s3:::other-bucket"},
		{GW_RES_BATCH, "job-queue/lab-queue"},
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(want); i++) {
		assert_int_equal(st->resources[i].kind, want[i].kind);
		assert_string_equal(st->resources[i].value.s, want[i].value);
		expect_loc(st->resources[i].loc, 9 + (unsigned)i, 13);
	}
	finish(&r);
}

static void test_profile_partition_derivation(void **state)
{
	(void)state;
	static const struct {
		const char *region, *partition, *dns;
	} cases[] = {
		{"us-west-2", "aws", "amazonaws.com"},
		{"cn-north-1", "aws-cn", "amazonaws.com.cn"},
		{"us-gov-west-1", "aws-us-gov", "amazonaws.com"},
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(cases); i++) {
		char *yaml = gw_xasprintf("name: p\ndescription: d\n"
				"region: %s\n", cases[i].region);
		struct run r;
		struct gw_model *m = load_ok(&r, yaml);
		assert_string_equal(m->partition, cases[i].partition);
		assert_string_equal(m->dns_suffix, cases[i].dns);
		finish(&r);
		free(yaml);
	}
	expect_one_error("name: p\ndescription: d\nregion: mars-east-1\n",
			3, 9, "unknown region 'mars-east-1': it matches no "
			"AWS partition");
}

static void test_profile_aliases_allowed(void **state)
{
	(void)state;
	struct run r;
	struct gw_model *m = load_ok(&r, MINIMAL
		"tags: &common {team: lab}\n"
		"compute_environments:\n"
		"  - name: a\n"
		"    max_vcpus: &max 64\n"
		"    tags: *common\n"
		"  - name: b\n"
		"    max_vcpus: *max\n");
	assert_int_equal(m->compute_envs[1].max_vcpus.v, 64);
	assert_string_equal(m->compute_envs[0].tags.v[0].value.s, "lab");
	/* an alias keeps the position of the anchored text */
	expect_loc(m->compute_envs[1].max_vcpus.loc, 7, 16);
	finish(&r);
}

static void test_profile_scalars_and_tags(void **state)
{
	(void)state;
	struct run r;
	struct gw_model *m = load_ok(&r, MINIMAL
		"account_id: !!str 012345678901\n"
		"job_definitions:\n"
		"  - name: '123'\n"
		"    image: \"ubuntu:24.04\"\n"
		"    vcpus: !!int \"4\"\n"
		"    memory_mib: +4096\n");
	assert_string_equal(m->account_id.s, "012345678901");
	assert_string_equal(m->job_defs[0].name.s, "123");
	assert_int_equal(m->job_defs[0].vcpus.v, 4);
	assert_int_equal(m->job_defs[0].memory_mib.v, 4096);
	assert_string_equal(m->job_defs[0].log_group.s, "/aws/batch/job");
	finish(&r);
}

/* ---- each kind of error, with its exact position ------------------------- */

static void test_profile_yaml_syntax_error(void **state)
{
	(void)state;
	expect_one_error("name: a\n  b: c\n", 2, 4,
			"invalid YAML: mapping values are not allowed in this "
			"context");

	struct run r;
	load(&r, "name: [a, b\nregion: x\n");
	expect_diag(&r, 0, GW_SEV_ERROR, 2, 7,
			"invalid YAML: did not find expected ',' or ']'");
	expect_diag(&r, 1, GW_SEV_NOTE, 1, 7, "while parsing a flow sequence");
	assert_int_equal(r.d.n, 2);
	assert_null(r.m);
	finish(&r);
}

static void test_profile_unknown_key(void **state)
{
	(void)state;
	expect_one_error(MINIMAL "compute_environments:\n"
			"  - name: a\n    max_vcpu: 4\n    max_vcpus: 4\n",
			6, 5, "unknown key 'max_vcpu' in compute environment, "
			"did you mean 'max_vcpus'?");
	expect_one_error(MINIMAL "colour: blue\n", 4, 1,
			"unknown key 'colour' in profile");
	expect_one_error(MINIMAL "regoin: us-east-1\n", 4, 1,
			"unknown key 'regoin' in profile, did you mean "
			"'region'?");
}

static void test_profile_wrong_type(void **state)
{
	(void)state;
	expect_one_error(MINIMAL "compute_environments:\n"
			"  - name: a\n    max_vcpus: abc\n", 6, 16,
			"expected an integer for 'max_vcpus', got 'abc'");
	expect_one_error(MINIMAL "bucket:\n  - name: b\n", 5, 3,
			"expected a mapping for 'bucket', got a sequence");
	expect_one_error(MINIMAL "network: {vpc: yes}\n", 4, 16,
			"expected a boolean (true or false) for 'vpc', got "
			"'yes'");
	expect_one_error(MINIMAL "stack_name: [a]\n", 4, 13,
			"expected a string for 'stack_name', got a sequence");
	expect_one_error(MINIMAL "stack_name:\n", 4, 12,
			"expected a string for 'stack_name', got null");
	expect_one_error(MINIMAL "tags: [a]\n", 4, 7,
			"expected a mapping of strings for 'tags', got a "
			"sequence");
	expect_one_error(MINIMAL "job_queues: {name: q}\n", 4, 13,
			"expected a sequence for 'job_queues', got a mapping");
	expect_one_error(MINIMAL "job_queues: [q]\n", 4, 14,
			"expected a mapping (job queue) for 'job_queues', got "
			"'q'");
	expect_one_error(MINIMAL "launch_templates:\n  - name: lt\n"
			"    hop_limit: 1.5\n", 6, 16,
			"expected an integer for 'hop_limit', got '1.5'");
	expect_one_error("- a\n- b\n", 1, 1,
			"expected a mapping at the top level, got a sequence");
}

static void test_profile_missing_required(void **state)
{
	(void)state;
	/* located at the enclosing mapping: the list item's first key */
	expect_one_error(MINIMAL "compute_environments:\n"
			"  - name: a\n    type: SPOT\n", 5, 5,
			"missing required key 'max_vcpus' in compute "
			"environment");
	expect_one_error("name: demo\nregion: us-west-2\n", 1, 1,
			"missing required key 'description' in profile");
	expect_one_error(MINIMAL "bucket: {versioning: true}\n", 4, 9,
			"missing required key 'name' in bucket");
}

static void test_profile_duplicate_key(void **state)
{
	(void)state;
	struct run r;
	load(&r, MINIMAL "bucket:\n  name: a\n  retain: true\n  name: b\n");
	expect_diag(&r, 0, GW_SEV_ERROR, 7, 3, "duplicate key 'name'");
	expect_diag(&r, 1, GW_SEV_NOTE, 5, 3, "'name' first set here");
	assert_int_equal(r.d.n, 2);
	assert_null(r.m);
	finish(&r);

	/* three times: each repeat points back at the first */
	load(&r, "name: a\nname: b\ndescription: d\nname: c\nregion: "
			"us-west-2\n");
	expect_diag(&r, 0, GW_SEV_ERROR, 2, 1, "duplicate key 'name'");
	expect_diag(&r, 1, GW_SEV_NOTE, 1, 1, "'name' first set here");
	expect_diag(&r, 2, GW_SEV_ERROR, 4, 1, "duplicate key 'name'");
	expect_diag(&r, 3, GW_SEV_NOTE, 1, 1, "'name' first set here");
	assert_int_equal(r.d.n, 4);
	finish(&r);
}

static void test_profile_out_of_range(void **state)
{
	(void)state;
	expect_range_error(MINIMAL "job_queues:\n  - name: q\n"
			"    compute_environments: [a]\n    priority: 1001\n",
			7, 15, "Q4", "'priority' must be in 0..1000, got 1001");
	expect_range_error(MINIMAL "job_queues:\n  - name: q\n"
			"    compute_environments: [a]\n"
			"    runnable_timeout: 30\n", 7, 23, "Q6",
			"'runnable_timeout' must be 0 (none) or in 600..86400, "
			"got 30");
	expect_range_error(MINIMAL "job_definitions:\n  - name: j\n"
			"    image: i\n    timeout: 59\n", 7, 14, "J6",
			"'timeout' must be 0 (none) or at least 60, got 59");
	expect_one_error(MINIMAL "compute_environments:\n  - name: c\n"
			"    max_vcpus: 1\n    type: ec2\n", 7, 11,
			"invalid value 'ec2' for 'type', expected one of: EC2, "
			"SPOT, FARGATE, FARGATE_SPOT");
	expect_range_error(MINIMAL "log_groups:\n  - name: g\n"
			"    retention_days: 31\n", 6, 21, "N7",
			"invalid value 31 for 'retention_days', expected one "
			"of: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, "
			"400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, "
			"3653");
	expect_one_error(MINIMAL "roles:\n  - name: r\n    trust: [ec2, "
			"lambda]\n", 6, 18, "invalid value 'lambda' for "
			"'trust', expected one of: ec2, ecs-tasks, batch, "
			"spotfleet");
	expect_one_error(MINIMAL "account_id: 1234\n", 4, 13,
			"account_id must be 12 digits, got '1234'");
}

static void test_profile_integer_past_64_bits(void **state)
{
	(void)state;
	expect_one_error(MINIMAL "compute_environments:\n  - name: c\n"
			"    max_vcpus: 9223372036854775808\n", 6, 16,
			"integer '9223372036854775808' for 'max_vcpus' does "
			"not fit in 64 bits");
	expect_one_error(MINIMAL "compute_environments:\n  - name: c\n"
			"    max_vcpus: -99999999999999999999\n", 6, 16,
			"integer '-99999999999999999999' for 'max_vcpus' does "
			"not fit in 64 bits");
}

static void test_profile_negative_size(void **state)
{
	(void)state;
	expect_range_error(MINIMAL "compute_environments:\n  - name: c\n"
			"    max_vcpus: 4\n    min_vcpus: -1\n", 7, 16, "CE2",
			"'min_vcpus' must not be negative, got -1");
	expect_range_error(MINIMAL "launch_templates:\n  - name: lt\n"
			"    volumes:\n      - {device: /dev/xvdb, "
			"size_gib: -5}\n", 7, 39, "V1",
			"'size_gib' must be in 1..65536, got -5");
	/* Extremes reach the verifier without overflowing its sums (UBSan). */
	expect_range_error(MINIMAL "job_definitions:\n  - name: j\n"
			"    image: i\n    queue: q\n"
			"    memory_mib: -9223372036854775808\n"
			"job_queues:\n  - name: q\n"
			"    compute_environments: [c]\n"
			"compute_environments:\n  - name: c\n"
			"    max_vcpus: 4\n", 8, 17, "J2",
			"'memory_mib' must be at least 1, got "
			"-9223372036854775808");
}

/*
 * Issue 5: a range error no longer hides the verifier's findings in the
 * rest of the profile; both come from one run, the model is refused.
 */
static void test_profile_range_error_then_verifier(void **state)
{
	(void)state;
	struct run r;
	load(&r, MINIMAL "job_queues:\n  - name: q\n"
			"    compute_environments: [a]\n    priority: 1001\n");
	assert_null(r.m);
	expect_diag(&r, 0, GW_SEV_ERROR, 7, 15,
			"'priority' must be in 0..1000, got 1001");
	expect_diag(&r, 1, GW_SEV_ERROR, 6, 28,
			"queue 'q' uses compute environment 'a', which the "
			"profile does not define");
	assert_string_equal(r.d.v[1].rule, "Q9");
	/* The verifier's own Q4 on the same value is not repeated. */
	assert_int_equal(r.d.n_errors, 2);
	finish(&r);
	/* A shape error still stops before the verifier. */
	load(&r, MINIMAL "job_queues:\n  - name: q\n"
			"    compute_environments: [a]\n    priority: 1001\n"
			"    colour: red\n");
	assert_null(r.m);
	assert_int_equal(r.d.n_errors, 2);
	for (size_t i = 0; i < r.d.n; i++) {
		assert_true(!r.d.v[i].rule || strcmp(r.d.v[i].rule, "Q9"));
	}
	finish(&r);
}

static void test_profile_invalid_utf8_and_nul(void **state)
{
	(void)state;
	expect_one_error("name: demo\ndescription: caf\xc3\xa9 \xff\n", 2,
			19, "invalid UTF-8 byte 0xFF in profile");
	/* an overlong encoding of '/' */
	expect_one_error("name: \xc0\xaf\n", 1, 7,
			"invalid UTF-8 byte 0xC0 in profile");
	static const char with_nul[] = "name: de\0mo\n";
	struct run r;
	gw_diags_init(&r.d);
	r.m = gw_profile_load_string(with_nul, sizeof(with_nul) - 1, "t.yaml",
			&r.d);
	expect_diag(&r, 0, GW_SEV_ERROR, 1, 9, "NUL byte in profile");
	assert_null(r.m);
	finish(&r);
	expect_one_error("name: \"de\\0mo\"\ndescription: d\nregion: "
			"us-west-2\n", 1, 7, "NUL character in string");
	/* libyaml's reader refuses control characters; it gives an offset */
	expect_one_error("name: demo\ndescription: \"caf\xc3\xa9 \x01\"\n",
			2, 20, "invalid YAML: control characters are not "
			"allowed");
}

static void test_profile_empty_and_multiple_documents(void **state)
{
	(void)state;
	expect_one_error("", 1, 1, "empty document");
	expect_one_error("# only a comment\n", 1, 1, "empty document");
	/* libyaml places the empty value after the marker */
	expect_one_error("---\n", 2, 1, "empty document");
	expect_one_error(MINIMAL "---\nname: other\n", 4, 1,
			"more than one document in a profile");
}

static void test_profile_non_string_key(void **state)
{
	(void)state;
	expect_one_error(MINIMAL "? [a, b]\n: c\n", 4, 3,
			"keys must be strings, got a sequence");
	expect_one_error(MINIMAL "{x: 1}: c\n", 4, 1,
			"keys must be strings, got a mapping");
}

static void test_profile_tags(void **state)
{
	(void)state;
	struct run r;
	load(&r, MINIMAL "stack_name: !Sub 'gwgen-${AWS::Region}'\n");
	expect_diag(&r, 0, GW_SEV_ERROR, 4, 13, "unsupported tag '!Sub'");
	assert_string_equal(r.d.v[0].hint, "profiles use plain YAML: strings, "
			"numbers, booleans, mappings and sequences");
	assert_int_equal(r.d.n, 1);
	assert_null(r.m);
	finish(&r);
	expect_one_error(MINIMAL "stack_name: !!binary Z3dnZW4=\n", 4, 13,
			"unsupported tag '!!binary'");
	expect_one_error(MINIMAL "tags: !!seq {a: b}\n", 4, 7,
			"unsupported tag '!!seq'");
}

static void test_profile_alias_bounds(void **state)
{
	(void)state;
	struct gw_buf b;
	gw_buf_init(&b);
	gw_buf_puts(&b, MINIMAL "x: &a 1\ny: [");
	for (int i = 0; i < GW_PROFILE_MAX_ALIASES + 1; i++) {
		gw_buf_puts(&b, i ? ", *a" : "*a");
	}
	gw_buf_puts(&b, "]\n");
	/* alias 1001 starts at column 5 + 4 * 1000 */
	expect_one_error(gw_buf_str(&b), 5, 4005,
			"more than 1000 alias expansions in one file");

	/* nine levels of ten: 10^9 nodes, refused long before */
	gw_buf_clear(&b);
	gw_buf_puts(&b, "a: &a [x, x, x, x, x, x, x, x, x, x]\n");
	for (char c = 'b'; c <= 'i'; c++) {
		gw_buf_printf(&b, "%c: &%c [", c, c);
		for (int i = 0; i < 10; i++) {
			gw_buf_printf(&b, "%s*%c", i ? ", " : "", c - 1);
		}
		gw_buf_puts(&b, "]\n");
	}
	expect_one_error(gw_buf_str(&b), 6, 8,
			"document has more than 200000 nodes (aliases "
			"expanded)");
	gw_buf_finish(&b);

	expect_one_error("x: &a [1]\ny: *b\n", 2, 4, "undefined alias '*b'");
	expect_one_error("x: &a [*a]\n", 1, 8,
			"alias '*a' refers to a collection that contains it");
}

static void test_profile_size_limit(void **state)
{
	(void)state;
	size_t len = GW_PROFILE_MAX_BYTES + 1;
	char *text = gw_xmalloc(len);
	memset(text, '#', len);
	struct run r;
	gw_diags_init(&r.d);
	r.m = gw_profile_load_string(text, len, "t.yaml", &r.d);
	assert_null(r.m);
	expect_diag(&r, 0, GW_SEV_ERROR, 0, 0,
			"profile is larger than the limit of 1048576 bytes");
	assert_string_equal(r.d.v[0].loc.file, "t.yaml");
	finish(&r);
	free(text);
}

static void test_profile_deep_nesting(void **state)
{
	(void)state;
	/* the root mapping is level 1, so 63 more brackets are fine */
	struct gw_buf b;
	gw_buf_init(&b);
	gw_buf_puts(&b, MINIMAL "tags: ");
	for (int i = 0; i < GW_PROFILE_MAX_DEPTH; i++) {
		gw_buf_putc(&b, '[');
	}
	expect_one_error(gw_buf_str(&b), 4, 70, "nesting deeper than 64 "
			"levels");
	gw_buf_clear(&b);

	/* far past the limit: refused without recursion */
	gw_buf_puts(&b, "x: ");
	for (int i = 0; i < 500000; i++) {
		gw_buf_putc(&b, '[');
	}
	expect_one_error(gw_buf_str(&b), 1, 67, "nesting deeper than 64 "
			"levels");
	gw_buf_clear(&b);

	/* an alias may not carry a deep tree deeper */
	gw_buf_puts(&b, "a: &a ");
	for (int i = 0; i < 40; i++) {
		gw_buf_putc(&b, '[');
	}
	for (int i = 0; i < 40; i++) {
		gw_buf_putc(&b, ']');
	}
	gw_buf_puts(&b, "\nb: ");
	for (int i = 0; i < 30; i++) {
		gw_buf_putc(&b, '[');
	}
	gw_buf_puts(&b, "*a");
	expect_one_error(gw_buf_str(&b), 2, 34,
			"nesting deeper than 64 levels through alias '*a'");
	gw_buf_finish(&b);
}

static void test_profile_name_is_safe(void **state)
{
	(void)state;
	expect_one_error("name: ../../etc/passwd\ndescription: d\nregion: "
			"us-west-2\n", 1, 7, "invalid profile name "
			"'../../etc/passwd': it must match [a-z][a-z0-9-]{0,39}");
	expect_one_error("name: Lab\ndescription: d\nregion: us-west-2\n",
			1, 7, "invalid profile name 'Lab': it must match "
			"[a-z][a-z0-9-]{0,39}");
	/* 41 characters */
	expect_one_error("name: a1234567890123456789012345678901234567890\n"
			"description: d\nregion: us-west-2\n", 1, 7,
			"invalid profile name "
			"'a123456789012345678901234567890123456789...': it must "
			"match [a-z][a-z0-9-]{0,39}");
	/* 40 characters */
	struct run r;
	load_ok(&r, "name: a123456789-123456789-123456789-12345678-\n"
			"description: d\nregion: us-west-2\n");
	finish(&r);
}

static void test_profile_all_errors_in_one_run(void **state)
{
	(void)state;
	struct run r;
	load(&r, "name: demo\n"
		"bucket: {name: b, retain: maybe}\n"
		"compute_environments:\n"
		"  - name: a\n"
		"    max_vcpus: lots\n"
		"  - type: SPOT\n");
	expect_diag(&r, 0, GW_SEV_ERROR, 2, 27, "expected a boolean (true or "
			"false) for 'retain', got 'maybe'");
	expect_diag(&r, 1, GW_SEV_ERROR, 5, 16,
			"expected an integer for 'max_vcpus', got 'lots'");
	expect_diag(&r, 2, GW_SEV_ERROR, 6, 5, "missing required key 'name' "
			"in compute environment");
	expect_diag(&r, 3, GW_SEV_ERROR, 6, 5, "missing required key "
			"'max_vcpus' in compute environment");
	expect_diag(&r, 4, GW_SEV_ERROR, 1, 1, "missing required key "
			"'description' in profile");
	expect_diag(&r, 5, GW_SEV_ERROR, 1, 1, "missing required key "
			"'region' in profile");
	assert_int_equal(r.d.n, 6);
	finish(&r);

	/* the cap applies, but every error is still counted */
	gw_diags_init(&r.d);
	r.d.limit = 2;
	static const char many[] = "a: 1\nb: 2\nc: 3\nd: 4\n";
	r.m = gw_profile_load_string(many, strlen(many), "t.yaml", &r.d);
	assert_null(r.m);
	assert_int_equal(r.d.n, 2);
	assert_int_equal(r.d.n_errors, 7);
	finish(&r);
}

/* ---- extends ------------------------------------------------------------- */

struct tmpdir {
	char path[64];
};

static void write_file(const char *dir, const char *name, const char *text)
{
	char *path = gw_xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static void remove_files(const char *dir, const char *const *names)
{
	for (; *names; names++) {
		char *path = gw_xasprintf("%s/%s", dir, *names);
		unlink(path);
		free(path);
	}
	rmdir(dir);
}

/* Tests write only below the working directory (the build tree). */
static const char *make_tmpdir(struct tmpdir *t)
{
	strcpy(t->path, "gwgen-profile-test-XXXXXX");
	assert_non_null(mkdtemp(t->path));
	return t->path;
}

static void test_profile_extends_merge(void **state)
{
	(void)state;
	struct tmpdir t;
	const char *dir = make_tmpdir(&t);
	write_file(dir, "base.yaml",
		"name: base\n"
		"description: the lab's base\n"
		"region: us-west-2\n"
		"tags: {team: lab, cost: genomics}\n"
		"bucket:\n"
		"  name: lab-bucket\n"
		"  versioning: true\n"
		"compute_environments:\n"
		"  - {name: a, max_vcpus: 8}\n"
		"  - {name: b, max_vcpus: 8}\n");
	write_file(dir, "child.yaml",
		"extends: base\n"
		"name: child\n"
		"tags: {cost: salmon}\n"
		"bucket:\n"
		"  retain: false\n"
		"compute_environments:\n"
		"  - {name: c, max_vcpus: 16}\n");
	char *child = gw_xasprintf("%s/child.yaml", dir);
	char *base = gw_xasprintf("%s/base.yaml", dir);
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_model *m = gw_profile_load(child, &d);
	if (!m) {
		gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
	}
	assert_non_null(m);
	assert_int_equal(m->n_files, 2);
	assert_string_equal(m->files[0], child);
	assert_string_equal(m->files[1], base);

	assert_string_equal(m->name.s, "child");
	assert_ptr_equal(m->name.loc.file, m->files[0]);
	expect_loc(m->name.loc, 2, 7);
	assert_string_equal(m->description.s, "the lab's base");
	assert_ptr_equal(m->description.loc.file, m->files[1]);
	expect_loc(m->description.loc, 2, 14);
	assert_string_equal(m->extends.s, "base");
	/* maps merge recursively */
	assert_int_equal(m->tags.n, 2);
	assert_string_equal(m->tags.v[0].key.s, "team");
	assert_ptr_equal(m->tags.v[0].value.loc.file, m->files[1]);
	assert_string_equal(m->tags.v[1].value.s, "salmon");
	assert_ptr_equal(m->tags.v[1].value.loc.file, m->files[0]);
	assert_string_equal(m->bucket.name.s, "lab-bucket");
	assert_ptr_equal(m->bucket.name.loc.file, m->files[1]);
	assert_true(m->bucket.versioning.v);
	assert_false(m->bucket.retain.v);
	assert_ptr_equal(m->bucket.retain.loc.file, m->files[0]);
	expect_loc(m->bucket.retain.loc, 5, 11);
	/* lists replace */
	assert_int_equal(m->n_compute_envs, 1);
	assert_string_equal(m->compute_envs[0].name.s, "c");
	assert_ptr_equal(m->compute_envs[0].loc.file, m->files[0]);
	gw_model_destroy(m);
	gw_diags_finish(&d);

	/* an error in the parent is reported in the parent's file */
	write_file(dir, "base.yaml", "name: base\nregion: us-west-2\n"
			"bucket: {name: b, versioning: 3}\ndescription: d\n");
	gw_diags_init(&d);
	assert_null(gw_profile_load(child, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].loc.file, base);
	assert_int_equal(d.v[0].loc.line, 3);
	assert_int_equal(d.v[0].loc.col, 31);
	gw_diags_finish(&d);

	free(child);
	free(base);
	static const char *const files[] = {"base.yaml", "child.yaml", NULL};
	remove_files(dir, files);
}

static void test_profile_extends_errors(void **state)
{
	(void)state;
	struct tmpdir t;
	const char *dir = make_tmpdir(&t);
	/* a cycle through a path and a name */
	write_file(dir, "a.yaml", "extends: b\nname: a\n");
	write_file(dir, "b.yaml", "extends: ./a.yaml\nname: b\n");
	char *a = gw_xasprintf("%s/a.yaml", dir);
	char *b = gw_xasprintf("%s/b.yaml", dir);
	struct gw_diags d;
	gw_diags_init(&d);
	assert_null(gw_profile_load(a, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].loc.file, b);
	assert_int_equal(d.v[0].loc.line, 1);
	assert_int_equal(d.v[0].loc.col, 10);
	char *want = gw_xasprintf("'extends' cycle: '%s/./a.yaml' is already "
			"being loaded", dir);
	assert_string_equal(d.v[0].msg, want);
	free(want);
	gw_diags_finish(&d);

	/* a chain of nine profiles is one too many */
	for (int i = 0; i < 9; i++) {
		char name[16], text[64];
		snprintf(name, sizeof(name), "p%d.yaml", i);
		snprintf(text, sizeof(text), "extends: p%d\n", i + 1);
		write_file(dir, name, text);
	}
	char *p0 = gw_xasprintf("%s/p0.yaml", dir);
	char *p7 = gw_xasprintf("%s/p7.yaml", dir);
	gw_diags_init(&d);
	assert_null(gw_profile_load(p0, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].loc.file, p7);
	assert_string_equal(d.v[0].msg,
			"'extends' chain is longer than 8 profiles");
	gw_diags_finish(&d);

	/* a parent that does not exist */
	write_file(dir, "orphan.yaml", "name: o\nextends: no-such-profile\n");
	char *orphan = gw_xasprintf("%s/orphan.yaml", dir);
	gw_diags_init(&d);
	assert_null(gw_profile_load(orphan, &d));
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].loc.line, 2);
	assert_int_equal(d.v[0].loc.col, 10);
	assert_string_equal(d.v[0].msg,
			"cannot find parent profile 'no-such-profile'");
	gw_diags_finish(&d);

	free(a);
	free(b);
	free(p0);
	free(p7);
	free(orphan);
	static const char *const files[] = {
		"a.yaml", "b.yaml", "orphan.yaml", "p0.yaml", "p1.yaml",
		"p2.yaml", "p3.yaml", "p4.yaml", "p5.yaml", "p6.yaml",
		"p7.yaml", "p8.yaml", NULL,
	};
	remove_files(dir, files);
}

static void test_profile_resolve(void **state)
{
	(void)state;
	struct gw_diags d;
	gw_diags_init(&d);
	char *p = gw_profile_resolve("dir/x.yml", &d);
	assert_string_equal(p, "dir/x.yml");
	free(p);
	p = gw_profile_resolve("lab.yaml", &d);
	assert_string_equal(p, "lab.yaml");
	free(p);

	struct tmpdir t;
	const char *dir = make_tmpdir(&t);
	write_file(dir, "lab.yaml", MINIMAL);
	char *env = gw_xasprintf("/nonexistent:%s", dir);
	setenv("GWGEN_PROFILE_PATH", env, 1);
	p = gw_profile_resolve("lab", &d);
	char *want = gw_xasprintf("%s/lab.yaml", dir);
	assert_string_equal(p, want);
	free(p);
	free(want);
	assert_int_equal(d.n, 0);

	assert_null(gw_profile_resolve("no-such-lab", &d));
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].loc.line, 0);
	assert_string_equal(d.v[0].msg, "no profile named 'no-such-lab'");
	unsetenv("GWGEN_PROFILE_PATH");
	free(env);
	gw_diags_finish(&d);
	static const char *const files[] = {"lab.yaml", NULL};
	remove_files(dir, files);
}

/* gw_profile_peek_name: the top-level name: read without loading, or NULL
 * when only loading can tell (the duplicate-name check then loads). */
static void test_profile_peek_name(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
		unsigned line, col;
	} cases[] = {
	        {"name: lab\ndescription: d\n", "lab", 1, 7},
	        {"# c\ndescription: d\nname: 'q-lab'\n", "q-lab", 3, 7},
	        /* a nested name: is not the profile's */
	        {"bucket: {name: b}\ntags: {name: x}\nname: top\n", "top", 3, 7},
	        {"policies:\n  - name: p\nname: after-list\n", "after-list",
	         3, 7},
	        {"extends: base.yaml\ndescription: d\n", NULL, 0, 0},
	        {"a: &n lab\nname: *n\n", NULL, 0, 0},
	        {"*n : x\nname: lab\n", NULL, 0, 0},
	        {"name: {first: a}\n", NULL, 0, 0},
	        {"- name: lab\n", NULL, 0, 0},
	        {"name: [\n", NULL, 0, 0},
	        {"", NULL, 0, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gw_loc at = {0};
		char *got = gw_profile_peek_name(cases[i].text,
		                                 strlen(cases[i].text), &at);
		if (!cases[i].want) {
			if (got) {
				fail_msg("case %zu: peeked '%s'", i, got);
			}
			continue;
		}
		assert_non_null(got);
		assert_string_equal(got, cases[i].want);
		assert_int_equal(at.line, cases[i].line);
		assert_int_equal(at.col, cases[i].col);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_minimal_defaults),
		cmocka_unit_test(test_profile_peek_name),
		cmocka_unit_test(test_profile_full_values),
		cmocka_unit_test(test_profile_resources),
		cmocka_unit_test(test_profile_partition_derivation),
		cmocka_unit_test(test_profile_aliases_allowed),
		cmocka_unit_test(test_profile_scalars_and_tags),
		cmocka_unit_test(test_profile_yaml_syntax_error),
		cmocka_unit_test(test_profile_unknown_key),
		cmocka_unit_test(test_profile_wrong_type),
		cmocka_unit_test(test_profile_missing_required),
		cmocka_unit_test(test_profile_duplicate_key),
		cmocka_unit_test(test_profile_out_of_range),
		cmocka_unit_test(test_profile_integer_past_64_bits),
		cmocka_unit_test(test_profile_negative_size),
		cmocka_unit_test(test_profile_range_error_then_verifier),
		cmocka_unit_test(test_profile_invalid_utf8_and_nul),
		cmocka_unit_test(test_profile_empty_and_multiple_documents),
		cmocka_unit_test(test_profile_non_string_key),
		cmocka_unit_test(test_profile_tags),
		cmocka_unit_test(test_profile_alias_bounds),
		cmocka_unit_test(test_profile_size_limit),
		cmocka_unit_test(test_profile_deep_nesting),
		cmocka_unit_test(test_profile_name_is_safe),
		cmocka_unit_test(test_profile_all_errors_in_one_run),
		cmocka_unit_test(test_profile_extends_merge),
		cmocka_unit_test(test_profile_extends_errors),
		cmocka_unit_test(test_profile_resolve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
