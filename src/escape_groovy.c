/* SPDX-License-Identifier: MIT */
/* Escapers for nextflow.config (Groovy single-quoted strings) and README.md. */
#include "escape_groovy.h"

#include <stdbool.h>

#define BACKTICK '`'

void gw_escape_groovy(struct gw_buf *out, const char *s, size_t len)
{
	gw_buf_putc(out, '\'');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '\\':
			gw_buf_puts(out, "\\\\");
			break;
		case '\'':
			gw_buf_puts(out, "\\'");
			break;
		case '\n':
			gw_buf_puts(out, "\\n");
			break;
		case '\r':
			gw_buf_puts(out, "\\r");
			break;
		case '\t':
			gw_buf_puts(out, "\\t");
			break;
		default:
			/* Groovy string escapes follow Java's \uXXXX. */
			if (c < ' ' || c == 0x7f) {
				gw_buf_printf(out, "\\u%04x", c);
			} else {
				gw_buf_putc(out, (char)c);
			}
		}
	}
	gw_buf_putc(out, '\'');
}

void gw_escape_md(struct gw_buf *out, const char *s, size_t len)
{
	/* CommonMark 6.1: a code span opens and closes with backtick strings
	 * of equal length, so use one longer than any run inside. */
	size_t longest = 0, run = 0;
	for (size_t i = 0; i < len; i++) {
		run = s[i] == BACKTICK ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	for (size_t i = 0; i <= longest; i++) {
		gw_buf_putc(out, BACKTICK);
	}
	/* One space of padding is stripped again when the value starts or
	 * ends with a backtick (CommonMark 6.1). */
	bool pad = len > 0 && (s[0] == BACKTICK || s[len - 1] == BACKTICK);
	if (pad) {
		gw_buf_putc(out, ' ');
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '|') {
			gw_buf_puts(out, "\\|");
		} else if (c < ' ' || c == 0x7f) {
			gw_buf_putc(out, ' ');
		} else {
			gw_buf_putc(out, (char)c);
		}
	}
	if (pad) {
		gw_buf_putc(out, ' ');
	}
	for (size_t i = 0; i <= longest; i++) {
		gw_buf_putc(out, BACKTICK);
	}
}
