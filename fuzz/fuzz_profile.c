/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the profile loader, then the verifier and every emitter. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "emit.h"
#include "model.h"
#include "profile.h"
#include "templates.h"
#include "util.h"
#include "verify.h"

/* libFuzzer's entry points (no header declares them). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	gw_cjson_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy with no NUL after it: gw_profile_load_string
	 * takes a length, so ASan must see any read past 'size'. */
	char *text = gw_xmalloc(size ? size : 1);
	if (size) {
		memcpy(text, data, size);
	}
	struct gw_diags d;
	gw_diags_init(&d);
	/* 'extends:' resolves beside this name: a directory that does not
	 * exist, so the fuzzer cannot wander through the file system. */
	struct gw_model *m = gw_profile_load_string(text, size,
			"/nonexistent-gwgen-fuzz/fuzz.yaml", &d);
	if (m && gw_verify_model(m, &d)) {
		struct gw_files files;
		gw_files_init(&files);
		gw_emit(m, gw_templates_builtin(), &files, &d);
		gw_files_finish(&files);
	}
	gw_model_destroy(m);
	gw_diags_finish(&d);
	free(text);
	return 0;
}
