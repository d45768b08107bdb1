/* SPDX-License-Identifier: MIT */
/* Escapers for {{name}}: each turns one string value into one inert token. */
#include "escape.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

/* Code points that get special treatment in JSON and YAML output. */
#define CP_NEL 0x85u          /* NEXT LINE: a line break to YAML 1.1 */
#define CP_LINE_SEP 0x2028u   /* LINE SEPARATOR: a line break to YAML, JS */
#define CP_PARA_SEP 0x2029u   /* PARAGRAPH SEPARATOR: likewise */
#define CP_BOM 0xfeffu        /* BYTE ORDER MARK */
#define CP_REPLACEMENT 0xfffdu
#define ASCII_DEL 0x7f

static const char hex_digits[] = "0123456789abcdef";

/*
 * Decode one UTF-8 sequence at 's' ('len' > 0 bytes left). Returns its length
 * and stores the code point in '*cp', or returns 0 for an invalid, overlong,
 * surrogate or truncated sequence (RFC 3629 section 4).
 */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	static const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
	size_t n;
	uint32_t c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
	} else {
		return 0;
	}
	if (len < n) {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			return 0;
		}
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min_cp[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
		return 0;
	}
	*cp = c;
	return n;
}

static void put_hex_escape(struct gw_buf *out, const char *prefix,
		uint32_t value, unsigned digits)
{
	gw_buf_puts(out, prefix);
	while (digits-- > 0) {
		gw_buf_putc(out, hex_digits[(value >> (4 * digits)) & 0xf]);
	}
}

void gw_escape_none(struct gw_buf *out, const char *s, size_t len)
{
	gw_buf_append(out, s, len);
}

/* The mustache spec's HTML escaping (interpolation.json "HTML Escaping"). */
static const char *const html_entities[UCHAR_MAX + 1] = {
	['&'] = "&amp;",
	['<'] = "&lt;",
	['>'] = "&gt;",
	['"'] = "&quot;",
};

void gw_escape_html(struct gw_buf *out, const char *s, size_t len)
{
	size_t run = 0; /* start of the pending run of plain bytes */
	for (size_t i = 0; i < len; i++) {
		const char *entity = html_entities[(unsigned char)s[i]];
		if (entity) {
			gw_buf_append(out, s + run, i - run);
			gw_buf_puts(out, entity);
			run = i + 1;
		}
	}
	gw_buf_append(out, s + run, len - run);
}

/* The short escape of 'c' in a JSON string (RFC 8259 section 7), or 0. */
static char json_short_escape(unsigned char c)
{
	switch (c) {
	case '"':
		return '"';
	case '\\':
		return '\\';
	case '\b':
		return 'b';
	case '\f':
		return 'f';
	case '\n':
		return 'n';
	case '\r':
		return 'r';
	case '\t':
		return 't';
	default:
		return 0;
	}
}

/*
 * JSON (RFC 8259): '"' and '\\' and all C0 controls are escaped, DEL and the
 * JavaScript line terminators U+2028/U+2029 too. JSON text must be UTF-8, so
 * an invalid byte becomes U+FFFD.
 */
void gw_escape_json(struct gw_buf *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t run = 0;
	gw_buf_putc(out, '"');
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(u + i, len - i, &cp);
		bool plain = n > 0 && cp >= ' ' && cp != '"' && cp != '\\' &&
			cp != ASCII_DEL && cp != CP_LINE_SEP &&
			cp != CP_PARA_SEP;
		if (plain) {
			i += n;
			continue;
		}
		gw_buf_append(out, s + run, i - run);
		char e = n > 0 ? json_short_escape(u[i]) : 0;
		if (e) {
			gw_buf_putc(out, '\\');
			gw_buf_putc(out, e);
		} else {
			uint32_t c = n > 0 ? cp : CP_REPLACEMENT;
			put_hex_escape(out, "\\u", c, 4);
		}
		i += n > 0 ? n : 1;
		run = i;
	}
	gw_buf_append(out, s + run, len - run);
	gw_buf_putc(out, '"');
}

/* The one-letter escape of 'cp' in a YAML double-quoted scalar, or 0
 * (YAML 1.2 section 5.7, which YAML 1.1 parsers such as libyaml share). */
static char yaml_short_escape(uint32_t cp)
{
	switch (cp) {
	case '\0':
		return '0';
	case '\a':
		return 'a';
	case '\b':
		return 'b';
	case '\t':
		return 't';
	case '\n':
		return 'n';
	case '\v':
		return 'v';
	case '\f':
		return 'f';
	case '\r':
		return 'r';
	case 0x1b:
		return 'e';
	case '"':
		return '"';
	case '\\':
		return '\\';
	case CP_NEL:
		return 'N';
	case CP_LINE_SEP:
		return 'L';
	case CP_PARA_SEP:
		return 'P';
	default:
		return 0;
	}
}

/* Whether 'cp' may appear unescaped: YAML's printable set (1.2 section 5.1)
 * minus the line breaks and the BOM, which we always escape. */
static bool yaml_is_plain(uint32_t cp)
{
	if (cp < 0x80) {
		return cp >= ' ' && cp != ASCII_DEL && cp != '"' && cp != '\\';
	}
	if (cp == CP_LINE_SEP || cp == CP_PARA_SEP || cp == CP_BOM) {
		return false;
	}
	return (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
		cp >= 0x10000;
}

/*
 * YAML double-quoted scalar. Printable UTF-8 is kept as is; everything else
 * is escaped, and each byte of invalid UTF-8 becomes \xNN.
 */
void gw_escape_yaml(struct gw_buf *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t run = 0;
	gw_buf_putc(out, '"');
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(u + i, len - i, &cp);
		if (n > 0 && yaml_is_plain(cp)) {
			i += n;
			continue;
		}
		gw_buf_append(out, s + run, i - run);
		char e = n > 0 ? yaml_short_escape(cp) : 0;
		if (e) {
			gw_buf_putc(out, '\\');
			gw_buf_putc(out, e);
		} else if (n == 0) {
			put_hex_escape(out, "\\x", u[i], 2);
		} else if (cp <= 0xff) {
			put_hex_escape(out, "\\x", cp, 2);
		} else if (cp <= 0xffff) {
			put_hex_escape(out, "\\u", cp, 4);
		} else {
			put_hex_escape(out, "\\U", cp, 8);
		}
		i += n > 0 ? n : 1;
		run = i;
	}
	gw_buf_append(out, s + run, len - run);
	gw_buf_putc(out, '"');
}

/*
 * POSIX sh single-quoted word (XCU 2.2.2): nothing is special inside single
 * quotes except the quote itself, written as '\''. A shell word cannot hold
 * a NUL byte, so NUL bytes are dropped.
 */
void gw_escape_sh(struct gw_buf *out, const char *s, size_t len)
{
	size_t run = 0;
	gw_buf_putc(out, '\'');
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\'' && s[i] != '\0') {
			continue;
		}
		gw_buf_append(out, s + run, i - run);
		if (s[i] == '\'') {
			gw_buf_puts(out, "'\\''");
		}
		run = i + 1;
	}
	gw_buf_append(out, s + run, len - run);
	gw_buf_putc(out, '\'');
}

static const struct {
	const char *name;
	gw_escape_fn fn;
} escapers[] = {
	{"none", gw_escape_none},
	{"html", gw_escape_html},
	{"json", gw_escape_json},
	{"yaml", gw_escape_yaml},
	{"sh", gw_escape_sh},
	{"shell", gw_escape_sh},
};

gw_escape_fn gw_escape_by_name(const char *name)
{
	for (size_t i = 0; i < GW_ARRAY_LEN(escapers); i++) {
		if (strcmp(escapers[i].name, name) == 0) {
			return escapers[i].fn;
		}
	}
	return NULL;
}
