/* SPDX-License-Identifier: MIT */
/* Escapers for {{name}}: each turns one string value into one inert token. */
#ifndef GW_ESCAPE_H
#define GW_ESCAPE_H

#include <stddef.h>

#include "buf.h"

/*
 * Append the escaped form of 's' ('len' bytes, may contain NUL) to 'out'.
 * The mustache renderer calls the escaper only for string values; numbers
 * and booleans are written in canonical form without escaping.
 *
 * json: a complete JSON string, quotes included ("a\"b"). Controls, DEL
 *       and U+2028/U+2029 are escaped; invalid UTF-8 becomes U+FFFD, since
 *       JSON text must be UTF-8.
 * yaml: a complete YAML double-quoted scalar, quotes included, with every
 *       control character, '"', '\\' and non-printable escaped; safe as a
 *       mapping value or sequence item in block or flow context. Valid
 *       UTF-8 is kept; U+0085, U+2028, U+2029 and the BOM are escaped, and
 *       each byte of invalid UTF-8 becomes \xNN.
 * sh:   a complete POSIX shell single-quoted word ('it'\''s', '' when
 *       empty). A shell word cannot hold NUL, so NUL bytes are dropped.
 * html: the mustache spec's escaping of & < > " (for the spec tests).
 * none: the bytes unchanged.
 */
typedef void (*gw_escape_fn)(struct gw_buf *out, const char *s, size_t len);

void gw_escape_none(struct gw_buf *out, const char *s, size_t len);
void gw_escape_html(struct gw_buf *out, const char *s, size_t len);
void gw_escape_json(struct gw_buf *out, const char *s, size_t len);
void gw_escape_yaml(struct gw_buf *out, const char *s, size_t len);
void gw_escape_sh(struct gw_buf *out, const char *s, size_t len);

/* The escaper called 'name' ("none", "html", "json", "yaml", "sh" or
 * "shell"), or NULL. */
gw_escape_fn gw_escape_by_name(const char *name);

#endif
