/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the CloudFormation template verifier (YAML or JSON text). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"
#include "verify.h"

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
	/* Exact size, no NUL: the verifier takes a length. */
	char *text = gw_xmalloc(size ? size : 1);
	if (size) {
		memcpy(text, data, size);
	}
	struct gw_diags d;
	gw_diags_init(&d);
	gw_verify_template_text(text, size, "fuzz.yaml", &d);
	gw_diags_finish(&d);
	free(text);
	return 0;
}
