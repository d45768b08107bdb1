/* SPDX-License-Identifier: MIT */
/* Benchmark helper: print the view gwgen renders cloudformation.yaml with. */
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "diag.h"
#include "report.h"
#include "model.h"
#include "profile.h"
#include "templates.h"
#include "userdata.h"
#include "util.h"
#include "verify.h"
#include "view.h"

/*
 * The same steps as gw_emit (src/emit.c) up to the CloudFormation row: the
 * view, the warnings it lists, and each launch template's user data. The
 * benchmark renders templates/cfn/stack.yaml.mustache with this JSON and
 * checks the result against cloudformation.yaml byte for byte (with the
 * YAML escaper), so a drift from gw_emit shows as a failed comparison.
 */
int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: bench_view PROFILE > view.json\n", stderr);
		return 2;
	}
	gw_cjson_init();
	struct gw_diags d;
	gw_diags_init(&d);
	int status = 1;
	cJSON *view = NULL;
	char *path = gw_profile_resolve(argv[1], &d);
	struct gw_model *m = path ? gw_profile_load(path, &d) : NULL;
	if (!m || !gw_verify_model(m, &d)) {
		goto out;
	}
	view = cJSON_CreateObject();
	if (!gw_view_build(m, view, &d)) {
		goto out;
	}
	gw_view_add_warnings(view, m, &d);
	const struct gw_templates *t = gw_templates_builtin();
	for (size_t i = 0; i < m->n_launch_templates; i++) {
		const struct gw_launch_template *lt = &m->launch_templates[i];
		if (!lt->user_data.present) {
			continue;
		}
		struct gw_buf mime;
		gw_buf_init(&mime);
		bool ok = gw_userdata_render(m, lt, t, &mime, &d);
		if (ok) {
			char *file = gw_xasprintf("userdata/%s.mime", lt->name.s);
			gw_view_set_user_data(view, i, file, gw_buf_str(&mime),
					mime.len);
			free(file);
		}
		gw_buf_finish(&mime);
		if (!ok) {
			goto out;
		}
	}
	char *json = cJSON_Print(view);
	fputs(json, stdout);
	fputc('\n', stdout);
	free(json);
	status = 0;
out:
	if (status) {
		gw_diags_sort(&d);
		gw_diags_print(&d, stderr, GW_DIAG_TEXT, false);
	}
	cJSON_Delete(view);
	gw_model_destroy(m);
	free(path);
	gw_diags_finish(&d);
	return status;
}
