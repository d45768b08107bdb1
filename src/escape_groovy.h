/* SPDX-License-Identifier: MIT */
/* Escapers for the client configuration and the summary: Groovy and Markdown. */
#ifndef GW_ESCAPE_GROOVY_H
#define GW_ESCAPE_GROOVY_H

#include <stddef.h>

#include "buf.h"

/*
 * groovy: a complete Groovy single-quoted string, quotes included, with
 *         '\\', '\'' and every control character escaped ('it\'s'). Single
 *         quotes never interpolate ${...}, so the value stays inert in a
 *         nextflow.config.
 */
void gw_escape_groovy(struct gw_buf *out, const char *s, size_t len);

/*
 * md: a complete Markdown (CommonMark/GFM) code span, backticks included,
 *     safe in a table cell: the fence is longer than any backtick run in
 *     the value, '|' is written '\|' (GFM tables split on it even inside
 *     code spans) and line breaks become spaces.
 */
void gw_escape_md(struct gw_buf *out, const char *s, size_t len);

#endif
