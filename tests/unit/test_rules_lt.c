/* SPDX-License-Identifier: MIT */
/* The launch-template family (src/verify/lt.c): limits at and one past
 * their boundary, on the profile and the template path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diag.h"
#include "report.h"
#include "profile.h"
#include "rows.h"
#include "util.h"
#include "lt.h"
#include "verify.h"

#define E GW_SEV_ERROR
#define W GW_SEV_WARNING

static const char profile[] =
        "name: demo\n"
        "description: a demo lab\n"
        "region: us-west-2\n"
        "launch_templates:\n"
        "  - name: workers\n"
        "    hop_limit: 2\n"
        "    volumes:\n"
        "      - {device: /dev/sdf, size_gib: 100}\n";

static const char template[] =
        "Resources:\n"
        "  LT:\n"
        "    Type: AWS::EC2::LaunchTemplate\n"
        "    Properties:\n"
        "      LaunchTemplateData:\n"
        "        InstanceInitiatedShutdownBehavior: terminate\n"
        "        MetadataOptions: {HttpTokens: required, "
        "HttpPutResponseHopLimit: 2}\n"
        "        BlockDeviceMappings:\n"
        "          - DeviceName: /dev/sdf\n"
        "            Ebs: {VolumeSize: 100, Encrypted: true}\n";

struct row {
	const char *name;
	bool tmpl; /* the template path, else the profile path */
	const char *find, *repl;
	const char *rule;
	enum gw_severity sev;
	size_t n;
};

static const struct row rows[] = {
        /* L6: hop limit 1..64 (GW_LIM_HOP_LIMIT_MAX); 1 warns */
        {"l6_p_64", false, "hop_limit: 2", "hop_limit: 64", "L6", E, 0},
        {"l6_p_65", false, "hop_limit: 2", "hop_limit: 65", "L6", E, 1},
        {"l6_p_1", false, "hop_limit: 2", "hop_limit: 1", "L6", W, 1},
        {"l6_t_64", true, "HopLimit: 2", "HopLimit: 64", "L6", E, 0},
        {"l6_t_65", true, "HopLimit: 2", "HopLimit: 65", "L6", E, 1},
        {"l6_t_0", true, "HopLimit: 2", "HopLimit: 0", "L6", E, 1},
        {"l6_t_1", true, "HopLimit: 2", "HopLimit: 1", "L6", W, 1},
        /* V1: gp3 1..16384 GiB; up to 65536 only warns */
        {"v1_p_16384", false, "size_gib: 100", "size_gib: 16384", "V1", W, 0},
        {"v1_p_16385", false, "size_gib: 100", "size_gib: 16385", "V1", W, 1},
        {"v1_t_16384", true, "VolumeSize: 100", "VolumeSize: 16384", "V1", W,
         0},
        {"v1_t_16385", true, "VolumeSize: 100", "VolumeSize: 16385", "V1", W,
         1},
        {"v1_t_65537", true, "VolumeSize: 100", "VolumeSize: 65537", "V1", E,
         1},
        /* L5: the same reading on both sides */
        {"l5_p_stop", false, "hop_limit: 2", "shutdown_behavior: stop", "L5",
         W, 1},
        {"l5_t_stop", true, "Behavior: terminate", "Behavior: stop", "L5", W,
         1},
        {"l5_t_bad", true, "Behavior: terminate", "Behavior: hibernate",
         "L5", E, 1},
        /* L8: btrfs on AL2023 (an unused template counts as the default
         * image type) */
        {"l8_p_btrfs", false, "    volumes:\n",
         "    user_data:\n      scratch: {kind: nvme-lvm, filesystem: "
         "btrfs}\n    volumes:\n",
         "L8", E, 1},
        /* L11: user data that asks for nothing */
        {"l11_p_empty", false, "    volumes:\n",
         "    user_data:\n      fail_fast: true\n    volumes:\n", "L11", E,
         1},
};

static void run_row(void **state)
{
	const struct row *r = *state;
	char *text = rows_patch(r->tmpl ? template : profile, r->find, r->repl);
	struct gw_diags d;
	gw_diags_init(&d);
	if (r->tmpl) {
		gw_verify_template_text(text, strlen(text), "t.yaml", &d);
	} else {
		struct gw_model *m =
		        gw_profile_load_string(text, strlen(text), "p.yaml", &d);
		if (m) {
			gw_verify_model(m, &d);
			gw_model_destroy(m);
		}
	}
	size_t n = rows_count(&d, r->rule, r->sev, NULL);
	if (n != r->n) {
		gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
		fail_msg("%s: %zu findings of %s, want %zu", r->name, n, r->rule,
		         r->n);
	}
	gw_diags_finish(&d);
	free(text);
}

/* L2: 16384 bytes of user data pass, 16385 fail, with one message. */
static void test_l2_boundary(void **state)
{
	(void)state;
	static const char head[] =
	        "MIME-Version: 1.0\n"
	        "Content-Type: multipart/mixed; boundary=\"B\"\n\n"
	        "--B\nContent-Type: text/x-shellscript\n\n";
	static const char tail[] = "\n--B--\n";
	for (size_t extra = 0; extra < 2; extra++) {
		size_t len = 16384 + extra;
		char *mime = gw_xmalloc(len + 1);
		size_t body = len - strlen(head) - strlen(tail);
		memcpy(mime, head, strlen(head));
		memset(mime + strlen(head), '#', body);
		memcpy(mime + strlen(head) + body, tail, strlen(tail) + 1);
		struct gw_diags d;
		gw_diags_init(&d);
		struct gw_loc at = {"u", 1, 1};
		gw_verify_user_data(mime, len, at, &d);
		assert_int_equal(rows_count(&d, "L2", E, NULL), extra);
		gw_diags_finish(&d);
		free(mime);
	}
}

int main(void)
{
	struct CMUnitTest tests[GW_ARRAY_LEN(rows) + 1];
	for (size_t i = 0; i < GW_ARRAY_LEN(rows); i++) {
		tests[i] = (struct CMUnitTest){rows[i].name, run_row, NULL, NULL,
		                               (void *)&rows[i]};
	}
	tests[GW_ARRAY_LEN(rows)] = (struct CMUnitTest)cmocka_unit_test(
	        test_l2_boundary);
	return _cmocka_run_group_tests("rules_lt", tests, GW_ARRAY_LEN(tests),
	                               NULL, NULL);
}
