/* SPDX-License-Identifier: MIT */
/* A line-based unified diff of two texts, for 'gwgen check --diff'. */
#ifndef GW_DIFF_H
#define GW_DIFF_H

#include <stddef.h>

#include "buf.h"

/* Lines of unchanged context around each change, as diff -u prints. */
#define GW_DIFF_CONTEXT 3

/*
 * Append to 'out' a unified diff that turns 'a' ('alen' bytes, labelled
 * 'alabel' on the "---" line) into 'b' (labelled 'blabel'). Either text may
 * be NULL for an absent file (then label it "/dev/null"). Nothing is
 * appended when the texts are equal. The diff is exact but not always
 * minimal: texts too large for the table compare as one replaced block.
 */
void gw_diff_unified(struct gw_buf *out, const char *alabel, const char *a,
		size_t alen, const char *blabel, const char *b, size_t blen);

#endif
