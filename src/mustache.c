/* SPDX-License-Identifier: MIT */
/* A mustache engine: a compiler from template text to ops, and a renderer. */
#include "mustache.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mustache_itf.h"
#include "util.h"

/*
 * A compiled template is a flat array of ops. An element ({{#a}}..{{/a}},
 * {{<p}}..{{/p}}, {{$b}}..{{/b}}) is one op followed by its content; its
 * 'end' is the index just past the content, so walking the array needs no
 * tree. Whitespace rules are settled at compile time: standalone lines are
 * gone, and each op knows whether it begins an output line, which is where
 * the indentation of a standalone partial or block goes at render time.
 */

enum op_kind {
	OP_TEXT,     /* literal text; an empty one only marks a line start */
	OP_VAR,      /* {{name}}: string values escaped */
	OP_RAW,      /* {{{name}}}, {{&name}}: not escaped */
	OP_SECTION,  /* {{#name}}..{{/name}} */
	OP_INVERTED, /* {{^name}}..{{/name}} */
	OP_PARTIAL,  /* {{>name}}, {{>*name}} */
	OP_PARENT,   /* {{<name}}..{{/name}}; its OP_BLOCK children are arguments */
	OP_BLOCK,    /* {{$name}}..{{/name}} */
};

/* How the 'ws' of a partial, parent or block is used. */
enum indent_mode {
	/* partial, parent: used inline, so its lines get no indentation
	 * (partials.json "Inline Indentation"); block: indentation unchanged */
	INDENT_NONE,
	/* standalone partial or parent, or a block whose tag ends its line:
	 * 'ws' is added to the indentation of every line it renders */
	INDENT_PUSH,
	/* block with both tags on one line by themselves (~inheritance.json
	 * "Standalone block"): 'ws' indents an override and is plain text
	 * before the default content */
	INDENT_PAIR,
};

struct op {
	enum op_kind kind;
	enum indent_mode indent;
	bool bol;       /* begins an output line: indentation goes first */
	bool dynamic;   /* {{>*name}}: the partial is named by the value of 'path' */
	unsigned line;  /* of the opening delimiter, 1-based */
	unsigned col;   /* 1-based byte column */
	const char *text; /* OP_TEXT: the text; otherwise the tag's name */
	size_t len;
	char *path;     /* the name's parts, each NUL-terminated (owned); NULL
			 * for '.'; a static partial name is one part */
	size_t n_path;
	const char *ws; /* indentation, see enum indent_mode */
	size_t ws_len;
	size_t end;     /* index of the next op at this level: after the
			 * content for elements, set for every op by compile() */
	struct gw_mustache *target; /* static partial or parent, once loaded */
};

/* A partial or parent compiled on first use. */
struct cached {
	char *name; /* owned */
	char *file; /* owned copy of the loader's name for diagnostics */
	struct gw_mustache *t;
};

struct gw_mustache {
	const char *file;                        /* lent */
	const char *src;                         /* lent: the text compiled */
	const struct gw_mustache_loader *loader; /* lent; may be NULL */
	struct op *ops;
	size_t n_ops, cap_ops;
	struct gw_mustache *root; /* owns the cache; this template if root */
	struct cached *cache;     /* root only: partials by name */
	size_t n_cache, cap_cache;
};

/* Default delimiters (spec overview: "{{" and "}}"). */
static const char default_open[] = "{{";
static const char default_close[] = "}}";

/* ------------------------------------------------------------------ */
/* Compiler                                                            */
/* ------------------------------------------------------------------ */

/* An element whose closing tag has not been seen yet. */
struct open_elem {
	size_t op;       /* its op */
	size_t ws_op;    /* the OP_TEXT of the whitespace before its tag on its
			  * line, or SIZE_MAX */
	bool left_clear; /* nothing but whitespace before its tag on its line */
	struct gw_loc loc;
	const char *strip; /* the enclosing 'strip', restored on close */
	size_t strip_len;
};

/* One tag, as found in the source. */
struct tag {
	char sigil;       /* '#', '^', '/', '!', '=', '>', '<', '$', '&', '{'
			   * or 0 for a plain {{name}} */
	const char *name; /* content after the sigil, trimmed */
	size_t name_len;
	struct gw_loc loc;
	size_t begin, end; /* the tag's bytes */
	size_t ws;        /* its line's start if 'left_clear', else 'begin' */
	bool left_clear;  /* only spaces and tabs before it on its line */
	bool right_clear; /* only spaces and tabs, then a line end or EOF */
	size_t eol;       /* 'right_clear': just past the line ending */
};

struct parser {
	struct gw_mustache *t;
	struct gw_diags *d;
	const char *src;
	size_t len;
	size_t pos; /* next byte to parse */
	const char *otag, *ctag; /* current delimiters (set delimiter tags) */
	size_t olen, clen;
	/* location cursor: byte 'cur' is on line 'line', which starts at
	 * 'line_begin'; it only moves forward */
	size_t cur;
	unsigned line;
	size_t line_begin;
	struct open_elem open[GW_MUSTACHE_MAX_DEPTH];
	size_t depth;
	/* intrinsic indentation of the innermost block, removed from the start
	 * of each of its lines (~inheritance.json "Block reindentation") */
	const char *strip;
	size_t strip_len;
	bool bol; /* the next op begins an output line */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
	return is_blank(c) || c == '\n' || c == '\r';
}

/* The first 'pat' ('n' > 0 bytes) in [from, len) of 's', or SIZE_MAX. */
static size_t find(const char *s, size_t from, size_t len, const char *pat,
		size_t n)
{
	while (from + n <= len) {
		const char *hit = memchr(s + from, pat[0], len - n + 1 - from);
		if (!hit) {
			break;
		}
		size_t at = (size_t)(hit - s);
		if (memcmp(hit, pat, n) == 0) {
			return at;
		}
		from = at + 1;
	}
	return SIZE_MAX;
}

static struct gw_loc loc_at(struct parser *p, size_t pos)
{
	assert(pos >= p->cur);
	const char *s = p->src + p->cur, *e = p->src + pos, *nl;
	while (s < e && (nl = memchr(s, '\n', (size_t)(e - s)))) {
		p->line++;
		s = nl + 1;
		p->line_begin = (size_t)(s - p->src);
	}
	p->cur = pos;
	return (struct gw_loc){p->t->file, p->line,
		(unsigned)(pos - p->line_begin + 1)};
}

static bool in_parent_region(const struct parser *p)
{
	return p->depth > 0 &&
		p->t->ops[p->open[p->depth - 1].op].kind == OP_PARENT;
}

static bool take_bol(struct parser *p)
{
	bool bol = p->bol;
	p->bol = false;
	return bol;
}

static struct op *add_op(struct parser *p, enum op_kind kind,
		const struct tag *tag, bool bol)
{
	struct gw_mustache *t = p->t;
	gw_grow((void **)&t->ops, &t->cap_ops, t->n_ops + 1, sizeof(*t->ops));
	struct op *op = &t->ops[t->n_ops++];
	*op = (struct op){.kind = kind, .bol = bol};
	if (tag) {
		op->line = tag->loc.line;
		op->col = tag->loc.col;
		op->text = tag->name;
		op->len = tag->name_len;
	}
	return op;
}

/* Length of the intrinsic indentation 'p->strip' at the start of [s, e). */
static size_t strip_at(const struct parser *p, size_t s, size_t e)
{
	if (p->strip_len > 0 && e - s >= p->strip_len &&
			memcmp(p->src + s, p->strip, p->strip_len) == 0) {
		return p->strip_len;
	}
	return 0;
}

/*
 * Emit the text [a, b) as one op per line. Returns the index of the last op
 * emitted, or SIZE_MAX. Text directly inside a parent is ignored
 * (~inheritance.json "Text inside parent").
 */
static size_t emit_text(struct parser *p, size_t a, size_t b)
{
	size_t last = SIZE_MAX;
	if (in_parent_region(p)) {
		return last;
	}
	while (a < b) {
		const char *nl = memchr(p->src + a, '\n', b - a);
		size_t e = nl ? (size_t)(nl - p->src) + 1 : b;
		size_t s = a;
		if (s == 0 || p->src[s - 1] == '\n') {
			s += strip_at(p, s, e);
		}
		if (s < e) {
			struct op *op = add_op(p, OP_TEXT, NULL, take_bol(p));
			op->text = p->src + s;
			op->len = e - s;
			last = p->t->n_ops - 1;
		}
		if (nl) {
			p->bol = true;
		}
		a = e;
	}
	return last;
}

/* Emit the whitespace before 'tag' on its line; returns its op or SIZE_MAX. */
static size_t emit_ws(struct parser *p, const struct tag *tag)
{
	return emit_text(p, tag->ws, tag->begin);
}

/* The whitespace before 'tag' on its line, minus the intrinsic indentation. */
static void line_ws(const struct parser *p, const struct tag *tag,
		const char **ws, size_t *len)
{
	size_t s = tag->ws + strip_at(p, tag->ws, tag->begin);
	*ws = p->src + s;
	*len = tag->begin - s;
}

/* Drop the line of a standalone tag: its indentation, end and line ending. */
static void skip_line(struct parser *p, const struct tag *tag)
{
	p->pos = tag->eol;
	p->bol = true;
}

/* The leading spaces and tabs of the line starting at 'pos'. */
static size_t indent_of_line(const struct parser *p, size_t pos)
{
	size_t e = pos;
	while (e < p->len && is_blank(p->src[e])) {
		e++;
	}
	return e - pos;
}

static bool fail(struct parser *p, struct gw_loc loc, const char *what,
		const struct tag *tag)
{
	gw_diag_error(p->d, loc, "%s '%.*s'", what, (int)tag->name_len,
			tag->name);
	return false;
}

/* A tag's content names something: non-empty, with no whitespace inside
 * (spec overviews: "a non-whitespace character sequence"). */
static bool check_name(struct parser *p, const struct tag *tag,
		const char *s, size_t n)
{
	if (n == 0) {
		gw_diag_error(p->d, tag->loc, "empty tag name");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (is_space(s[i])) {
			return fail(p, tag->loc, "invalid name", tag);
		}
	}
	return true;
}

/*
 * Split the name of 'tag' into 'op->path'. With 'dotted', 'a.b.c' has three
 * parts and '.' none (the implicit iterator); otherwise the name is one part.
 */
static bool set_path(struct parser *p, struct op *op, const struct tag *tag,
		bool dotted)
{
	const char *s = op->text;
	size_t n = op->len;
	if (!check_name(p, tag, s, n)) {
		return false;
	}
	if (dotted && n == 1 && s[0] == '.') {
		return true;
	}
	size_t parts = 1;
	if (dotted) {
		for (size_t i = 0; i < n; i++) {
			bool empty = s[i] == '.' &&
				(i == 0 || i + 1 == n || s[i + 1] == '.');
			if (empty) {
				return fail(p, tag->loc, "invalid name", tag);
			}
			parts += s[i] == '.';
		}
	}
	op->path = gw_xstrndup(s, n);
	for (size_t i = 0; dotted && i < n; i++) {
		if (op->path[i] == '.') {
			op->path[i] = '\0';
		}
	}
	op->n_path = parts;
	return true;
}

/* Set the name of a partial or parent op: 'name' or '*dotted.name'. */
static bool set_partial_name(struct parser *p, struct op *op,
		const struct tag *tag)
{
	if (op->len > 0 && op->text[0] == '*') {
		op->dynamic = true;
		op->text++;
		op->len--;
		while (op->len > 0 && is_space(op->text[0])) {
			op->text++;
			op->len--;
		}
	}
	return set_path(p, op, tag, op->dynamic);
}

static bool open_element(struct parser *p, const struct tag *tag,
		size_t ws_op)
{
	if (p->depth == GW_MUSTACHE_MAX_DEPTH) {
		gw_diag_error(p->d, tag->loc, "sections nested deeper than %d",
				GW_MUSTACHE_MAX_DEPTH);
		return false;
	}
	p->open[p->depth++] = (struct open_elem){
		.op = p->t->n_ops - 1,
		.ws_op = ws_op,
		.left_clear = tag->left_clear,
		.loc = tag->loc,
		.strip = p->strip,
		.strip_len = p->strip_len,
	};
	return true;
}

/* {{#name}}, {{^name}} */
static bool parse_section(struct parser *p, const struct tag *tag)
{
	bool alone = tag->left_clear && tag->right_clear;
	if (alone) {
		skip_line(p, tag);
	} else {
		emit_ws(p, tag);
		p->pos = tag->end;
	}
	enum op_kind kind = tag->sigil == '#' ? OP_SECTION : OP_INVERTED;
	struct op *op = add_op(p, kind, tag, alone ? false : take_bol(p));
	return set_path(p, op, tag, true) && open_element(p, tag, SIZE_MAX);
}

/*
 * {{$name}} directly inside a parent: an argument. It is a template of its
 * own: its first line starts right after the tag or, when the tag ends its
 * line, on the next line, whose indentation is then the block's intrinsic
 * indentation, removed from each of its lines (spec whitespace.md,
 * "Indentation").
 */
static bool parse_argument(struct parser *p, const struct tag *tag)
{
	size_t strip = tag->end, strip_len = 0;
	if (tag->right_clear) {
		strip = tag->eol;
		strip_len = indent_of_line(p, tag->eol);
	}
	p->pos = strip;
	add_op(p, OP_BLOCK, tag, false);
	if (!open_element(p, tag, SIZE_MAX)) {
		return false;
	}
	p->strip = p->src + strip;
	p->strip_len = strip_len;
	p->bol = true;
	return true;
}

/* {{$name}} anywhere else: a parameter, with default content. */
static bool parse_block(struct parser *p, const struct tag *tag)
{
	if (!check_name(p, tag, tag->name, tag->name_len)) {
		return false;
	}
	if (in_parent_region(p)) {
		return parse_argument(p, tag);
	}
	if (!(tag->left_clear && tag->right_clear)) {
		/* may turn out to be a pair alone on its line: parse_close */
		size_t ws_op = emit_ws(p, tag);
		p->pos = tag->end;
		add_op(p, OP_BLOCK, tag, take_bol(p));
		return open_element(p, tag, ws_op);
	}
	/* On a line of its own: the next line's indentation, relative to the
	 * enclosing block's, indents whatever fills the block. */
	skip_line(p, tag);
	size_t n = indent_of_line(p, tag->eol);
	size_t outer = strip_at(p, tag->eol, tag->eol + n);
	struct op *op = add_op(p, OP_BLOCK, tag, false);
	op->indent = INDENT_PUSH;
	op->ws = p->src + tag->eol + outer;
	op->ws_len = n - outer;
	if (!open_element(p, tag, SIZE_MAX)) {
		return false;
	}
	p->strip = p->src + tag->eol;
	p->strip_len = n;
	return true;
}

/* {{<name}} */
static bool parse_parent(struct parser *p, const struct tag *tag)
{
	size_t ws_op = emit_ws(p, tag);
	p->pos = tag->end;
	struct op *op = add_op(p, OP_PARENT, tag, take_bol(p));
	return set_partial_name(p, op, tag) && open_element(p, tag, ws_op);
}

/* {{>name}} */
static bool parse_partial(struct parser *p, const struct tag *tag)
{
	struct op *op;
	if (tag->left_clear && tag->right_clear) {
		/* partials.json "Standalone Indentation" */
		op = add_op(p, OP_PARTIAL, tag, false);
		op->indent = INDENT_PUSH;
		line_ws(p, tag, &op->ws, &op->ws_len);
		skip_line(p, tag);
	} else {
		emit_ws(p, tag);
		p->pos = tag->end;
		op = add_op(p, OP_PARTIAL, tag, take_bol(p));
	}
	return set_partial_name(p, op, tag);
}

/* The text of the op behind 'ws_op' becomes indentation instead. */
static void take_ws(struct parser *p, size_t ws_op, struct op *op)
{
	if (ws_op == SIZE_MAX) {
		op->ws = "";
		op->ws_len = 0;
		return;
	}
	struct op *ws = &p->t->ops[ws_op];
	op->ws = ws->text;
	op->ws_len = ws->len;
	op->bol = ws->bol;
	ws->len = 0;
	ws->bol = false;
}

static bool same_name(const struct op *op, const struct tag *close)
{
	const char *name = close->name;
	size_t len = close->name_len;
	bool dynamic = len > 0 && name[0] == '*' &&
		(op->kind == OP_PARENT || op->kind == OP_PARTIAL);
	if (dynamic) {
		name++;
		len--;
		while (len > 0 && is_space(name[0])) {
			name++;
			len--;
		}
	}
	return dynamic == op->dynamic && len == op->len &&
		memcmp(name, op->text, len) == 0;
}

/* {{/name}} */
static bool parse_close(struct parser *p, const struct tag *tag)
{
	if (p->depth == 0) {
		return fail(p, tag->loc, "unexpected section close", tag);
	}
	struct open_elem *e = &p->open[p->depth - 1];
	struct op *op = &p->t->ops[e->op];
	if (!same_name(op, tag)) {
		gw_diag_error(p->d, tag->loc,
				"mismatched section close '%.*s', expected '%s%.*s'",
				(int)tag->name_len, tag->name,
				op->dynamic ? "*" : "", (int)op->len, op->text);
		gw_diag_note(p->d, e->loc, "'%s%.*s' opened here",
				op->dynamic ? "*" : "", (int)op->len, op->text);
		return false;
	}
	bool section = op->kind == OP_SECTION || op->kind == OP_INVERTED;
	bool alone = tag->left_clear && tag->right_clear;
	if (alone) {
		skip_line(p, tag);
	} else {
		emit_ws(p, tag);
		p->pos = tag->end;
		/* A line that starts inside a section and ends after it is
		 * indented inside the section (as if the partial's source had
		 * been indented), so mark the line start here. */
		if (section && p->bol) {
			add_op(p, OP_TEXT, NULL, take_bol(p))->text = "";
		}
	}
	p->depth--;
	p->strip = e->strip;
	p->strip_len = e->strip_len;
	op = &p->t->ops[e->op]; /* add_op may have moved the array */
	op->end = p->t->n_ops;
	bool pair = e->left_clear && tag->right_clear;
	if (op->kind == OP_PARENT) {
		p->bol = alone;
	}
	if (op->kind == OP_PARENT && pair) {
		/* ~inheritance.json "Standalone parent" */
		op->indent = INDENT_PUSH;
		take_ws(p, e->ws_op, op);
		op->bol = false;
		skip_line(p, tag);
	} else if (op->kind == OP_BLOCK && pair && op->indent == INDENT_NONE &&
			!in_parent_region(p)) {
		/* ~inheritance.json "Standalone block" */
		op->indent = INDENT_PAIR;
		take_ws(p, e->ws_op, op);
	}
	return true;
}

/* {{=<% %>=}}: delimiters.json */
static bool parse_delimiters(struct parser *p, const struct tag *tag)
{
	const char *s = tag->name, *e = tag->name + tag->name_len;
	const char *a = s;
	while (s < e && !is_space(*s)) {
		s++;
	}
	const char *a_end = s;
	while (s < e && is_space(*s)) {
		s++;
	}
	const char *b = s;
	while (s < e && !is_space(*s)) {
		s++;
	}
	if (a == a_end || b == s || s != e) {
		return fail(p, tag->loc,
				"bad delimiter change, expected two delimiters, got",
				tag);
	}
	p->otag = a;
	p->olen = (size_t)(a_end - a);
	p->ctag = b;
	p->clen = (size_t)(s - b);
	return true;
}

/* {{! comment }} and {{=a b=}}: no output, may stand alone on a line. */
static bool parse_silent(struct parser *p, const struct tag *tag)
{
	if (tag->sigil == '=' && !parse_delimiters(p, tag)) {
		return false;
	}
	if (tag->left_clear && tag->right_clear) {
		skip_line(p, tag);
	} else {
		emit_ws(p, tag);
		p->pos = tag->end;
	}
	return true;
}

/* {{name}}, {{{name}}}, {{&name}} */
static bool parse_var(struct parser *p, const struct tag *tag)
{
	emit_ws(p, tag);
	p->pos = tag->end;
	enum op_kind kind = tag->sigil ? OP_RAW : OP_VAR;
	return set_path(p, add_op(p, kind, tag, take_bol(p)), tag, true);
}

/*
 * Find the end of the tag whose opening delimiter is at 'begin' and fill
 * 'tag'. The closing delimiter is the current one, preceded by '}' for a
 * triple mustache and by '=' for a delimiter change.
 */
static bool scan_tag(struct parser *p, size_t begin, struct tag *tag)
{
	*tag = (struct tag){.begin = begin, .ws = begin};
	tag->loc = loc_at(p, begin);
	size_t c = begin + p->olen;
	char sigil = c < p->len ? p->src[c] : '\0';
	if (!strchr("#^/!=><$&{", sigil) || sigil == '\0') {
		sigil = '\0';
	}
	tag->sigil = sigil;
	char closer = sigil == '{' ? '}' : sigil == '=' ? '=' : '\0';
	size_t from = c + (sigil ? 1 : 0);
	size_t at = from;
	for (;;) {
		at = find(p->src, at, p->len, p->ctag, p->clen);
		if (at == SIZE_MAX || !closer ||
				(at > from && p->src[at - 1] == closer)) {
			break;
		}
		at++;
	}
	if (at == SIZE_MAX) {
		gw_diag_error(p->d, tag->loc, "unclosed tag, expected '%s%.*s'",
				closer == '}' ? "}" : closer == '=' ? "=" : "",
				(int)p->clen, p->ctag);
		return false;
	}
	tag->end = at + p->clen;
	size_t name_end = closer ? at - 1 : at;
	while (from < name_end && is_space(p->src[from])) {
		from++;
	}
	while (name_end > from && is_space(p->src[name_end - 1])) {
		name_end--;
	}
	tag->name = p->src + from;
	tag->name_len = name_end - from;

	size_t lb = p->line_begin;
	tag->left_clear = lb >= p->pos;
	for (size_t i = lb; tag->left_clear && i < begin; i++) {
		tag->left_clear = is_blank(p->src[i]);
	}
	if (tag->left_clear) {
		tag->ws = lb;
	}
	/* Interpolations never stand alone (spec overview of sections.json). */
	size_t r = tag->end;
	while (r < p->len && is_blank(p->src[r])) {
		r++;
	}
	if (r == p->len) {
		tag->right_clear = true;
	} else if (p->src[r] == '\n') {
		tag->right_clear = true;
		r++;
	} else if (p->src[r] == '\r' && r + 1 < p->len &&
			p->src[r + 1] == '\n') {
		tag->right_clear = true;
		r += 2;
	}
	tag->eol = r;
	if (sigil == '\0' || sigil == '&' || sigil == '{') {
		tag->right_clear = false;
	}
	return true;
}

static bool parse(struct parser *p)
{
	while (p->pos < p->len) {
		size_t begin = find(p->src, p->pos, p->len, p->otag, p->olen);
		if (begin == SIZE_MAX) {
			emit_text(p, p->pos, p->len);
			break;
		}
		struct tag tag;
		if (!scan_tag(p, begin, &tag)) {
			return false;
		}
		emit_text(p, p->pos, tag.ws);
		bool ok;
		switch (tag.sigil) {
		case '#':
		case '^':
			ok = parse_section(p, &tag);
			break;
		case '/':
			ok = parse_close(p, &tag);
			break;
		case '!':
		case '=':
			ok = parse_silent(p, &tag);
			break;
		case '>':
			ok = parse_partial(p, &tag);
			break;
		case '<':
			ok = parse_parent(p, &tag);
			break;
		case '$':
			ok = parse_block(p, &tag);
			break;
		default:
			ok = parse_var(p, &tag);
			break;
		}
		if (!ok) {
			return false;
		}
	}
	if (p->depth > 0) {
		const struct open_elem *e = &p->open[p->depth - 1];
		const struct op *op = &p->t->ops[e->op];
		gw_diag_error(p->d, e->loc, "unclosed section '%s%.*s'",
				op->dynamic ? "*" : "", (int)op->len, op->text);
		return false;
	}
	return true;
}

/* Whether 'op' has content up to its 'end'. */
static bool is_element(const struct op *op)
{
	return op->kind == OP_SECTION || op->kind == OP_INVERTED ||
		op->kind == OP_PARENT || op->kind == OP_BLOCK;
}

static void free_ops(struct gw_mustache *t)
{
	for (size_t i = 0; i < t->n_ops; i++) {
		free(t->ops[i].path);
	}
	free(t->ops);
}

static struct gw_mustache *compile(const char *text, size_t len,
		const char *file, const struct gw_mustache_loader *loader,
		struct gw_mustache *root, struct gw_diags *d)
{
	struct gw_mustache *t = gw_xcalloc(1, sizeof(*t));
	t->file = file;
	t->src = text;
	t->loader = loader;
	t->root = root ? root : t;
	struct parser p = {
		.t = t,
		.d = d,
		.src = text,
		.len = len,
		.otag = default_open,
		.olen = sizeof(default_open) - 1,
		.ctag = default_close,
		.clen = sizeof(default_close) - 1,
		.line = 1,
		.bol = true,
	};
	if (!parse(&p)) {
		free_ops(t);
		free(t);
		return NULL;
	}
	/* The renderer steps from op to op with 'end' alone. */
	for (size_t i = 0; i < t->n_ops; i++) {
		if (!is_element(&t->ops[i])) {
			t->ops[i].end = i + 1;
		}
	}
	return t;
}

struct gw_mustache *gw_mustache_compile(const char *text, size_t len,
		const char *file, const struct gw_mustache_loader *loader,
		struct gw_diags *d)
{
	return compile(text, len, file, loader, NULL, d);
}

void gw_mustache_destroy(struct gw_mustache *t)
{
	if (!t) {
		return;
	}
	assert(t->root == t);
	for (size_t i = 0; i < t->n_cache; i++) {
		free_ops(t->cache[i].t);
		free(t->cache[i].t);
		free(t->cache[i].name);
		free(t->cache[i].file);
	}
	free(t->cache);
	free_ops(t);
	free(t);
}

/* ------------------------------------------------------------------ */
/* Renderer                                                            */
/* ------------------------------------------------------------------ */

/* A parent being expanded: its arguments are the blocks directly in it. */
struct frame {
	const struct gw_mustache *t;
	size_t parent; /* index of the OP_PARENT in 't' */
};

struct render {
	const struct gw_mustache_itf *itf;
	void *ud;
	gw_escape_fn escape;
	bool strict;
	struct gw_buf *out;
	struct gw_diags *d;
	struct gw_mustache *root;
	const void **stack; /* the context stack, top last */
	size_t n_stack, cap_stack;
	/* the indentation of the current line is indent[indent_from..] */
	struct gw_buf indent;
	size_t indent_from;
	/* partials, parents and block overrides being expanded; bounds the
	 * recursion (and the C stack) at render time */
	unsigned depth;
	struct frame frames[GW_MUSTACHE_MAX_PARTIAL_DEPTH];
	size_t n_frames;
	struct gw_buf tmp;  /* text of numbers */
	struct gw_buf name; /* a dynamic partial's name */
	size_t out_base;    /* out->len when the render began */
};

static struct gw_loc op_loc(const struct gw_mustache *t, const struct op *op)
{
	return (struct gw_loc){t->file, op->line, op->col};
}

/* Where 'op' is, a text op too (text ops carry no line: the location is
 * counted from the source, which only an error needs). */
static struct gw_loc any_op_loc(const struct gw_mustache *t,
		const struct op *op)
{
	if (op->kind != OP_TEXT) {
		return op_loc(t, op);
	}
	unsigned line = 1;
	const char *bol = t->src;
	for (const char *s = t->src; s < op->text; s++) {
		if (*s == '\n') {
			line++;
			bol = s + 1;
		}
	}
	return (struct gw_loc){t->file, line, (unsigned)(op->text - bol + 1)};
}

static bool render_range(struct render *r, struct gw_mustache *t,
		size_t begin, size_t end);

/*
 * Look the name of 'op' up in the context stack. Returns false after an
 * error (strict mode); '*v' is NULL for an undefined name otherwise.
 */
static inline bool resolve(struct render *r, const struct gw_mustache *t,
		const struct op *op, const void **v)
{
	const void *found = NULL;
	if (op->n_path == 0) {
		found = r->n_stack > 0 ? r->stack[r->n_stack - 1] : NULL;
	} else {
		const char *part = op->path;
		for (size_t i = r->n_stack; i-- > 0 && !found;) {
			found = r->itf->lookup(r->ud, r->stack[i], part);
		}
		for (size_t i = 1; i < op->n_path && found; i++) {
			part += strlen(part) + 1;
			found = r->itf->lookup(r->ud, found, part);
		}
	}
	if (!found && r->strict) {
		gw_diag_error(r->d, op_loc(t, op), "undefined name '%.*s'",
				(int)op->len, op->text);
		return false;
	}
	*v = found;
	return true;
}

/*
 * gw_buf_append without the call when the bytes fit, which is nearly always:
 * output is mostly short runs of text, and this loop is the hot one.
 */
static inline void put(struct gw_buf *b, const char *s, size_t n)
{
	if (n == 0) {
		return; /* 's' may be NULL */
	}
	if (n < b->cap - b->len) {
		/* The NUL after the text is written once, when the render
		 * ends (gw_mustache_render); 'n < cap - len' keeps room. */
		memcpy(b->data + b->len, s, n);
		b->len += n;
	} else {
		gw_buf_append(b, s, n);
	}
}

static void put_indent(struct render *r)
{
	/* No indentation: 'indent.data' may be NULL, and NULL + 0 is
	 * undefined (clang's UBSan, found by fuzz/fuzz_profile). */
	if (r->indent.len > r->indent_from) {
		put(r->out, r->indent.data + r->indent_from,
				r->indent.len - r->indent_from);
	}
}

static inline void push_context(struct render *r, const void *v)
{
	if (r->n_stack == r->cap_stack) { /* once per depth and render */
		gw_grow((void **)&r->stack, &r->cap_stack, r->n_stack + 1,
				sizeof(*r->stack));
	}
	r->stack[r->n_stack++] = v;
}

static bool render_var(struct render *r, const struct gw_mustache *t,
		const struct op *op)
{
	const void *v;
	if (!resolve(r, t, op, &v)) {
		return false;
	}
	if (!v) {
		return true;
	}
	const char *s = NULL;
	size_t len = 0;
	r->tmp.len = 0; /* gw_buf_clear, without the call */
	switch (r->itf->get(r->ud, v, &r->tmp, &s, &len)) {
	case GW_MUSTACHE_NULL:
		return true;
	case GW_MUSTACHE_STRING:
		if (op->kind == OP_VAR) {
			r->escape(r->out, s, len);
		} else {
			put(r->out, s, len);
		}
		return true;
	case GW_MUSTACHE_FALSE:
	case GW_MUSTACHE_TRUE:
	case GW_MUSTACHE_NUMBER:
		put(r->out, s, len);
		return true;
	case GW_MUSTACHE_LIST:
	case GW_MUSTACHE_MAP:
		break;
	}
	if (r->strict) {
		gw_diag_error(r->d, op_loc(t, op),
				"cannot interpolate '%.*s': not a string, number or boolean",
				(int)op->len, op->text);
		return false;
	}
	return true;
}

static bool render_section(struct render *r, struct gw_mustache *t,
		size_t i)
{
	const struct op *op = &t->ops[i];
	const void *v;
	if (!resolve(r, t, op, &v)) {
		return false;
	}
	enum gw_mustache_kind kind = v ?
		r->itf->get(r->ud, v, &r->tmp, NULL, NULL) : GW_MUSTACHE_NULL;
	size_t begin = i + 1, end = op->end;
	bool ok = true;
	if (kind == GW_MUSTACHE_LIST) {
		const void *item = r->itf->enter(r->ud, v);
		if (op->kind == OP_INVERTED) {
			return item ? true : render_range(r, t, begin, end);
		}
		for (; item && ok; item = r->itf->next(r->ud, v, item)) {
			push_context(r, item);
			ok = render_range(r, t, begin, end);
			r->n_stack--;
		}
		return ok;
	}
	bool truthy = kind != GW_MUSTACHE_NULL && kind != GW_MUSTACHE_FALSE;
	if (op->kind == OP_INVERTED) {
		return truthy ? true : render_range(r, t, begin, end);
	}
	if (truthy) {
		push_context(r, v);
		ok = render_range(r, t, begin, end);
		r->n_stack--;
	}
	return ok;
}

static struct gw_mustache *cache_find(const struct gw_mustache *root,
		const char *name)
{
	for (size_t i = 0; i < root->n_cache; i++) {
		if (strcmp(root->cache[i].name, name) == 0) {
			return root->cache[i].t;
		}
	}
	return NULL;
}

/*
 * The compiled partial called 'name', loading and compiling it on first use.
 * Returns false after an error; '*out' is NULL when there is no such partial.
 */
static bool load_partial(struct render *r, const struct gw_mustache *t,
		const struct op *op, const char *name, struct gw_mustache **out)
{
	struct gw_mustache *root = r->root;
	struct gw_mustache *p = cache_find(root, name);
	const char *text, *file;
	size_t len;
	if (!p && root->loader &&
			root->loader->load(root->loader->ud, name, &text, &len,
				&file)) {
		char *owned = gw_xstrdup(file);
		p = compile(text, len, owned, root->loader, root, r->d);
		if (!p) {
			gw_diag_note(r->d, op_loc(t, op),
					"in partial '%s' used here", name);
			free(owned);
			return false;
		}
		gw_grow((void **)&root->cache, &root->cap_cache,
				root->n_cache + 1, sizeof(*root->cache));
		root->cache[root->n_cache++] =
			(struct cached){gw_xstrdup(name), owned, p};
	}
	if (!p && r->strict) {
		gw_diag_error(r->d, op_loc(t, op), "unknown partial '%s'",
				name);
		return false;
	}
	*out = p;
	return true;
}

/* The template a partial or parent op names; '*out' NULL when none. */
static bool find_target(struct render *r, struct gw_mustache *t,
		struct op *op, struct gw_mustache **out)
{
	if (!op->dynamic) {
		if (!op->target && !load_partial(r, t, op, op->path,
					&op->target)) {
			return false;
		}
		*out = op->target;
		return true;
	}
	/* ~dynamic-names.json: the name is the string value of 'path'. */
	const void *v;
	if (!resolve(r, t, op, &v)) {
		return false;
	}
	const char *s = NULL;
	size_t len = 0;
	gw_buf_clear(&r->tmp);
	if (!v || r->itf->get(r->ud, v, &r->tmp, &s, &len) !=
			GW_MUSTACHE_STRING) {
		if (r->strict) {
			gw_diag_error(r->d, op_loc(t, op),
					"partial name '%.*s' is not a string",
					(int)op->len, op->text);
			return false;
		}
		*out = NULL;
		return true;
	}
	gw_buf_clear(&r->name);
	gw_buf_append(&r->name, s, len);
	return load_partial(r, t, op, gw_buf_str(&r->name), out);
}

static bool enter_expansion(struct render *r, const struct gw_mustache *t,
		const struct op *op)
{
	if (r->depth == GW_MUSTACHE_MAX_PARTIAL_DEPTH) {
		gw_diag_error(r->d, op_loc(t, op),
				"partials, parents and blocks nested deeper than %d at '%.*s'",
				GW_MUSTACHE_MAX_PARTIAL_DEPTH, (int)op->len,
				op->text);
		return false;
	}
	r->depth++;
	return true;
}

/* Render 'p' (whole) where 'op' expands it, with the indentation of 'op'. */
static bool render_expansion(struct render *r, const struct op *op,
		struct gw_mustache *p, size_t begin, size_t end)
{
	size_t saved_len = r->indent.len, saved_from = r->indent_from;
	if (op->indent == INDENT_NONE && op->kind != OP_BLOCK) {
		r->indent_from = r->indent.len;
	} else {
		gw_buf_append(&r->indent, op->ws, op->ws_len);
	}
	bool ok = render_range(r, p, begin, end);
	r->indent.len = saved_len;
	r->indent_from = saved_from;
	r->depth--;
	return ok;
}

static bool render_partial(struct render *r, struct gw_mustache *t,
		size_t i)
{
	struct op *op = &t->ops[i];
	struct gw_mustache *p;
	if (!find_target(r, t, op, &p)) {
		return false;
	}
	if (!p) {
		return true;
	}
	if (!enter_expansion(r, t, op)) {
		return false;
	}
	return render_expansion(r, op, p, 0, p->n_ops);
}

static bool render_parent(struct render *r, struct gw_mustache *t, size_t i)
{
	struct op *op = &t->ops[i];
	struct gw_mustache *p;
	if (!find_target(r, t, op, &p)) {
		return false;
	}
	if (!p) {
		return true;
	}
	if (!enter_expansion(r, t, op)) {
		return false;
	}
	r->frames[r->n_frames++] = (struct frame){t, i};
	bool ok = render_expansion(r, op, p, 0, p->n_ops);
	r->n_frames--;
	return ok;
}

/*
 * The argument overriding block 'op': the outermost parent's wins
 * (~inheritance.json "Multi-level inheritance"). Returns the template and
 * sets '*at' to the argument's op, or returns NULL.
 */
static struct gw_mustache *find_argument(const struct render *r,
		const struct op *op, size_t *at)
{
	for (size_t f = 0; f < r->n_frames; f++) {
		const struct gw_mustache *t = r->frames[f].t;
		const struct op *parent = &t->ops[r->frames[f].parent];
		for (size_t i = r->frames[f].parent + 1; i < parent->end;) {
			const struct op *arg = &t->ops[i];
			bool same = arg->kind == OP_BLOCK &&
				arg->len == op->len &&
				memcmp(arg->text, op->text, op->len) == 0;
			if (same) {
				*at = i;
				/* frames only hold templates being rendered */
				return (struct gw_mustache *)t;
			}
			i = arg->end;
		}
	}
	return NULL;
}

static bool render_block(struct render *r, struct gw_mustache *t, size_t i)
{
	const struct op *op = &t->ops[i];
	size_t at;
	struct gw_mustache *arg = find_argument(r, op, &at);
	if (arg) {
		/* The argument's first line carries the indentation. */
		if (!enter_expansion(r, t, op)) {
			return false;
		}
		return render_expansion(r, op, arg, at + 1, arg->ops[at].end);
	}
	if (op->bol) {
		put_indent(r);
	}
	if (op->indent == INDENT_PAIR) {
		gw_buf_append(r->out, op->ws, op->ws_len);
	}
	size_t saved_len = r->indent.len;
	if (op->indent == INDENT_PUSH) {
		gw_buf_append(&r->indent, op->ws, op->ws_len);
	}
	bool ok = render_range(r, t, i + 1, op->end);
	r->indent.len = saved_len;
	return ok;
}

static bool render_range(struct render *r, struct gw_mustache *t,
		size_t begin, size_t end)
{
	bool ok = true;
	for (size_t i = begin; i < end && ok;) {
		const struct op *op = &t->ops[i];
		if (op->bol && op->kind != OP_BLOCK) {
			put_indent(r);
		}
		switch (op->kind) {
		case OP_TEXT:
			put(r->out, op->text, op->len);
			break;
		case OP_VAR:
		case OP_RAW:
			ok = render_var(r, t, op);
			break;
		case OP_SECTION:
		case OP_INVERTED:
			ok = render_section(r, t, i);
			break;
		case OP_PARTIAL:
			ok = render_partial(r, t, i);
			break;
		case OP_PARENT:
			ok = render_parent(r, t, i);
			break;
		case OP_BLOCK:
			ok = render_block(r, t, i);
			break;
		}
		/* Checked after every op, so the output overshoots the limit
		 * by at most one op's text or value; the innermost op that
		 * crossed it is reported, and the callers stop on !ok. */
		if (ok && r->out->len - r->out_base > GW_MUSTACHE_MAX_OUTPUT) {
			gw_diag_error(r->d, any_op_loc(t, op), "the rendered output "
					"exceeds the limit of %u bytes (%u MiB)",
					GW_MUSTACHE_MAX_OUTPUT,
					GW_MUSTACHE_MAX_OUTPUT >> 20);
			ok = false;
		}
		i = op->end;
	}
	return ok;
}

bool gw_mustache_render(struct gw_mustache *t,
		const struct gw_mustache_itf *itf, void *ud, const void *root,
		gw_escape_fn escape, unsigned flags, struct gw_buf *out,
		struct gw_diags *d)
{
	assert(t->root == t && escape);
	struct render r = {
		.itf = itf,
		.ud = ud,
		.escape = escape,
		.strict = (flags & GW_MUSTACHE_STRICT) != 0,
		.out = out,
		.d = d,
		.root = t,
		.out_base = out->len,
	};
	if (root) {
		push_context(&r, root);
	}
	bool ok = render_range(&r, t, 0, t->n_ops);
	if (out->data) {
		out->data[out->len] = '\0'; /* see put() */
	}
	free(r.stack);
	gw_buf_finish(&r.indent);
	gw_buf_finish(&r.tmp);
	gw_buf_finish(&r.name);
	return ok;
}
