/* SPDX-License-Identifier: MIT */
/* Private to the loader: libyaml events to a bounded node tree. */
#include "profile_tree.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util.h"

/* The YAML 1.2 core schema tags we accept (YAML 1.2.2 section 10.3). */
#define TAG_PREFIX "tag:yaml.org,2002:"

#define NO_ANCHOR SIZE_MAX

struct anchor {
	char *name;
	struct gw_pnode *node;
	bool complete; /* the anchored collection has ended */
};

struct builder {
	const char *file;
	struct gw_diags *d;
	struct gw_pnode *root;
	struct gw_pnode *stack[GW_PROFILE_MAX_DEPTH]; /* open collections */
	size_t stack_anchor[GW_PROFILE_MAX_DEPTH]; /* their anchor or NO_ANCHOR */
	unsigned depth;
	struct anchor *anchors;
	size_t n_anchors, cap_anchors;
	size_t n_aliases;
	size_t n_nodes;
	size_t n_documents;
};

void gw_pnode_free(struct gw_pnode *n)
{
	if (!n) {
		return;
	}
	for (size_t i = 0; i < n->used; i++) {
		gw_pnode_free(n->items[i]);
	}
	free(n->items);
	free(n->text);
	free(n);
}

static struct gw_loc mark_loc(const char *file, yaml_mark_t m)
{
	/* libyaml marks are 0-based; gwgen locations are 1-based. */
	return (struct gw_loc){
		.file = file,
		.line = (unsigned)m.line + 1,
		.col = (unsigned)m.column + 1,
	};
}

/* The 1-based location of byte 'offset' in 'text', counting characters. */
static struct gw_loc offset_loc(const char *file, const char *text,
		size_t offset)
{
	struct gw_loc loc = {.file = file, .line = 1, .col = 1};
	for (size_t i = 0; i < offset; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n') {
			loc.line++;
			loc.col = 1;
		} else if ((c & 0xC0) != 0x80) {
			/* not a UTF-8 continuation byte: a new character */
			loc.col++;
		}
	}
	return loc;
}

/*
 * Length of the UTF-8 sequence at 's' (at most 'avail' bytes), or 0 when
 * it is not well-formed (RFC 3629: no overlongs, surrogates or > U+10FFFF).
 */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	if (s[0] < 0x80) {
		return 1;
	}
	size_t n;
	unsigned long cp;
	unsigned long min;
	if ((s[0] & 0xE0) == 0xC0) {
		n = 2, cp = s[0] & 0x1F, min = 0x80;
	} else if ((s[0] & 0xF0) == 0xE0) {
		n = 3, cp = s[0] & 0x0F, min = 0x800;
	} else if ((s[0] & 0xF8) == 0xF0) {
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n > avail) {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			return 0;
		}
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
		return 0;
	}
	return n;
}

/* Refuse NUL bytes and invalid UTF-8 before libyaml sees the text. */
static bool check_text(const char *text, size_t len, const char *file,
		struct gw_diags *d)
{
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = 0; i < len;) {
		if (s[i] == '\0') {
			gw_diag_error(d, offset_loc(file, text, i),
					"NUL byte in profile");
			return false;
		}
		size_t n = utf8_len(s + i, len - i);
		if (n == 0) {
			gw_diag_error(d, offset_loc(file, text, i),
					"invalid UTF-8 byte 0x%02X in profile",
					s[i]);
			return false;
		}
		i += n;
	}
	return true;
}

static struct gw_pnode *node_new(struct builder *b, enum gw_pnode_kind kind,
		yaml_mark_t start)
{
	struct gw_pnode *n = gw_xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->loc = mark_loc(b->file, start);
	n->size = 1;
	b->n_nodes++;
	return n;
}

static void append_item(struct gw_pnode *parent, struct gw_pnode *item)
{
	gw_grow((void **)&parent->items, &parent->cap, parent->used + 1,
			sizeof(*parent->items));
	parent->items[parent->used++] = item;
	/* A mapping counts pairs: the key is item 2i, the value 2i+1. */
	parent->n = parent->kind == GW_PNODE_MAP ?
			parent->used / 2 : parent->used;
}

/* Attach a finished or opened node to the open collection (or as root). */
static void attach(struct builder *b, struct gw_pnode *n)
{
	if (b->depth == 0) {
		b->root = n;
		return;
	}
	append_item(b->stack[b->depth - 1], n);
}

static void add_anchor(struct builder *b, const yaml_char_t *name,
		struct gw_pnode *n, bool complete)
{
	gw_grow((void **)&b->anchors, &b->cap_anchors, b->n_anchors + 1,
			sizeof(*b->anchors));
	b->anchors[b->n_anchors++] = (struct anchor){
		.name = gw_xstrdup((const char *)name),
		.node = n,
		.complete = complete,
	};
}

static struct anchor *find_anchor(struct builder *b, const char *name)
{
	/* Later definitions of a name shadow earlier ones (YAML 1.2 3.2.2.2). */
	for (size_t i = b->n_anchors; i-- > 0;) {
		if (strcmp(b->anchors[i].name, name) == 0) {
			return &b->anchors[i];
		}
	}
	return NULL;
}

/* Deep copy; the depth is bounded by the caller's height check. */
static struct gw_pnode *node_copy(const struct gw_pnode *src)
{
	struct gw_pnode *n = gw_xmalloc(sizeof(*n));
	*n = *src;
	n->items = NULL;
	n->cap = 0;
	n->text = src->text ? gw_xstrndup(src->text, src->len) : NULL;
	if (src->used) {
		n->items = gw_xcalloc(src->used, sizeof(*n->items));
		n->cap = src->used;
		for (size_t i = 0; i < src->used; i++) {
			n->items[i] = node_copy(src->items[i]);
		}
	}
	return n;
}

/* Whether a tag is acceptable on a node of 'kind'; sets '*as' for scalars. */
static bool check_tag(const char *tag, enum gw_pnode_kind kind,
		enum gw_pscalar *as)
{
	static const struct {
		const char *name;
		enum gw_pnode_kind kind;
		enum gw_pscalar as;
	} tags[] = {
		{TAG_PREFIX "str", GW_PNODE_SCALAR, GW_PSCALAR_STR},
		{TAG_PREFIX "null", GW_PNODE_SCALAR, GW_PSCALAR_NULL},
		{TAG_PREFIX "bool", GW_PNODE_SCALAR, GW_PSCALAR_BOOL},
		{TAG_PREFIX "int", GW_PNODE_SCALAR, GW_PSCALAR_INT},
		{TAG_PREFIX "float", GW_PNODE_SCALAR, GW_PSCALAR_FLOAT},
		{TAG_PREFIX "map", GW_PNODE_MAP, GW_PSCALAR_STR},
		{TAG_PREFIX "seq", GW_PNODE_SEQ, GW_PSCALAR_STR},
	};
	/* "!" is the non-specific tag: a quoted scalar, i.e. a string. */
	if (strcmp(tag, "!") == 0) {
		*as = GW_PSCALAR_STR;
		return true;
	}
	for (size_t i = 0; i < GW_ARRAY_LEN(tags); i++) {
		if (strcmp(tag, tags[i].name) == 0 && kind == tags[i].kind) {
			*as = tags[i].as;
			return true;
		}
	}
	return false;
}

/* Resolve a plain untagged scalar with the YAML 1.2 core schema. */
static enum gw_pscalar resolve_plain(const char *s)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
	static const char *const bools[] = {
		"true", "True", "TRUE", "false", "False", "FALSE",
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(nulls); i++) {
		if (strcmp(s, nulls[i]) == 0) {
			return GW_PSCALAR_NULL;
		}
	}
	for (size_t i = 0; i < GW_ARRAY_LEN(bools); i++) {
		if (strcmp(s, bools[i]) == 0) {
			return GW_PSCALAR_BOOL;
		}
	}
	const char *p = s + (*s == '-' || *s == '+');
	if (!*p) {
		return GW_PSCALAR_STR;
	}
	for (; *p; p++) {
		if (*p < '0' || *p > '9') {
			return GW_PSCALAR_STR;
		}
	}
	return GW_PSCALAR_INT;
}

/* Tags are shown in their short form where there is one: !!int. */
static void report_tag(struct builder *b, struct gw_loc loc, const char *tag)
{
	const char *shown = tag;
	char *owned = NULL;
	if (gw_has_prefix(tag, TAG_PREFIX)) {
		owned = gw_xasprintf("!!%s", tag + strlen(TAG_PREFIX));
		shown = owned;
	}
	gw_diag_add(b->d, GW_SEV_ERROR, loc, NULL,
			"profiles use plain YAML: strings, numbers, booleans, "
			"mappings and sequences",
			"unsupported tag '%.*s%s'", GW_PROFILE_QUOTED(shown));
	free(owned);
}

static bool limit_nodes(struct builder *b, struct gw_loc loc, size_t more)
{
	if (b->n_nodes + more > GW_PROFILE_MAX_NODES) {
		gw_diag_error(b->d, loc,
				"document has more than %d nodes (aliases "
				"expanded)", GW_PROFILE_MAX_NODES);
		return false;
	}
	return true;
}

static bool on_scalar(struct builder *b, const yaml_event_t *ev)
{
	struct gw_pnode *n = node_new(b, GW_PNODE_SCALAR, ev->start_mark);
	const char *value = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	n->text = gw_xstrndup(value, len);
	n->len = len;
	attach(b, n);
	if (!limit_nodes(b, n->loc, 0)) {
		return false;
	}
	if (memchr(value, '\0', len)) {
		/* a "\0" escape in a double-quoted scalar */
		gw_diag_error(b->d, n->loc, "NUL character in string");
	}
	const char *tag = (const char *)ev->data.scalar.tag;
	if (tag) {
		if (!check_tag(tag, GW_PNODE_SCALAR, &n->scalar)) {
			report_tag(b, n->loc, tag);
		}
	} else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		n->scalar = resolve_plain(n->text);
	} else {
		n->scalar = GW_PSCALAR_STR;
	}
	if (ev->data.scalar.anchor) {
		add_anchor(b, ev->data.scalar.anchor, n, true);
	}
	return true;
}

static bool on_collection_start(struct builder *b, const yaml_event_t *ev,
		enum gw_pnode_kind kind)
{
	const yaml_char_t *tag = kind == GW_PNODE_MAP ?
			ev->data.mapping_start.tag : ev->data.sequence_start.tag;
	const yaml_char_t *anchor = kind == GW_PNODE_MAP ?
			ev->data.mapping_start.anchor :
			ev->data.sequence_start.anchor;
	struct gw_loc loc = mark_loc(b->file, ev->start_mark);
	if (b->depth >= GW_PROFILE_MAX_DEPTH) {
		gw_diag_error(b->d, loc, "nesting deeper than %d levels",
				GW_PROFILE_MAX_DEPTH);
		return false;
	}
	struct gw_pnode *n = node_new(b, kind, ev->start_mark);
	attach(b, n);
	if (!limit_nodes(b, loc, 0)) {
		return false;
	}
	enum gw_pscalar unused;
	if (tag && !check_tag((const char *)tag, kind, &unused)) {
		report_tag(b, loc, (const char *)tag);
	}
	b->stack_anchor[b->depth] = NO_ANCHOR;
	if (anchor) {
		b->stack_anchor[b->depth] = b->n_anchors;
		add_anchor(b, anchor, n, false);
	}
	b->stack[b->depth++] = n;
	return true;
}

/* Key order for duplicate detection; ties keep source order (index). */
struct key_ref {
	const struct gw_pnode *key;
	size_t index;
};

static int text_cmp(const struct gw_pnode *a, const struct gw_pnode *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->text, b->text, n);
	if (c != 0) {
		return c;
	}
	return a->len < b->len ? -1 : a->len > b->len;
}

static int key_ref_cmp(const void *pa, const void *pb)
{
	const struct key_ref *a = pa, *b = pb;
	int c = text_cmp(a->key, b->key);
	if (c != 0) {
		return c;
	}
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Remove pair 'i' of mapping 'm', freeing its key and value. */
static void remove_pair(struct gw_pnode *m, size_t i)
{
	gw_pnode_free(m->items[2 * i]);
	gw_pnode_free(m->items[2 * i + 1]);
	memmove(&m->items[2 * i], &m->items[2 * i + 2],
			(m->used - 2 * i - 2) * sizeof(*m->items));
	m->used -= 2;
	m->n--;
}

/*
 * At the end of a mapping: keys must be strings and unique. Reports in
 * source order, then drops the offending pairs so later stages see each
 * key once. Sorting keeps this O(n log n) for hostile inputs.
 */
static void check_keys(struct builder *b, struct gw_pnode *m)
{
	struct key_ref *refs = gw_xcalloc(m->n ? m->n : 1, sizeof(*refs));
	size_t *first = gw_xcalloc(m->n ? m->n : 1, sizeof(*first));
	bool *drop = gw_xcalloc(m->n ? m->n : 1, sizeof(*drop));
	size_t n_refs = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct gw_pnode *k = m->items[2 * i];
		first[i] = SIZE_MAX;
		if (k->kind != GW_PNODE_SCALAR) {
			gw_diag_error(b->d, k->loc,
					"keys must be strings, got a %s",
					k->kind == GW_PNODE_MAP ?
					"mapping" : "sequence");
			drop[i] = true;
			continue;
		}
		refs[n_refs++] = (struct key_ref){k, i};
	}
	qsort(refs, n_refs, sizeof(*refs), key_ref_cmp);
	for (size_t r = 1; r < n_refs; r++) {
		if (text_cmp(refs[r - 1].key, refs[r].key) == 0) {
			size_t orig = first[refs[r - 1].index] == SIZE_MAX ?
					refs[r - 1].index :
					first[refs[r - 1].index];
			first[refs[r].index] = orig;
		}
	}
	for (size_t i = 0; i < m->n; i++) {
		if (first[i] == SIZE_MAX) {
			continue;
		}
		const struct gw_pnode *k = m->items[2 * i];
		const struct gw_pnode *k0 = m->items[2 * first[i]];
		gw_diag_error(b->d, k->loc, "duplicate key '%.*s%s'",
				GW_PROFILE_QUOTED(k->text));
		gw_diag_note(b->d, k0->loc, "'%.*s%s' first set here",
				GW_PROFILE_QUOTED(k0->text));
		drop[i] = true;
	}
	for (size_t i = m->n; i-- > 0;) {
		if (drop[i]) {
			remove_pair(m, i);
		}
	}
	free(drop);
	free(first);
	free(refs);
}

static void on_collection_end(struct builder *b)
{
	/* libyaml only emits an end for a start it emitted */
	assert(b->depth > 0);
	struct gw_pnode *n = b->stack[--b->depth];
	for (size_t i = 0; i < n->used; i++) {
		const struct gw_pnode *c = n->items[i];
		n->size += c->size;
		if (c->height + 1 > n->height) {
			n->height = c->height + 1;
		}
	}
	if (n->height == 0) {
		n->height = 1;
	}
	if (n->kind == GW_PNODE_MAP) {
		check_keys(b, n);
	}
	if (b->stack_anchor[b->depth] != NO_ANCHOR) {
		b->anchors[b->stack_anchor[b->depth]].complete = true;
	}
}

static bool on_alias(struct builder *b, const yaml_event_t *ev)
{
	struct gw_loc loc = mark_loc(b->file, ev->start_mark);
	const char *name = (const char *)ev->data.alias.anchor;
	if (++b->n_aliases > GW_PROFILE_MAX_ALIASES) {
		gw_diag_error(b->d, loc,
				"more than %d alias expansions in one file",
				GW_PROFILE_MAX_ALIASES);
		return false;
	}
	struct anchor *a = find_anchor(b, name);
	if (!a) {
		gw_diag_error(b->d, loc, "undefined alias '*%.*s%s'",
				GW_PROFILE_QUOTED(name));
		return false;
	}
	if (!a->complete) {
		gw_diag_error(b->d, loc,
				"alias '*%.*s%s' refers to a collection that "
				"contains it", GW_PROFILE_QUOTED(name));
		return false;
	}
	if (b->depth + a->node->height > GW_PROFILE_MAX_DEPTH) {
		gw_diag_error(b->d, loc,
				"nesting deeper than %d levels through alias "
				"'*%.*s%s'", GW_PROFILE_MAX_DEPTH,
				GW_PROFILE_QUOTED(name));
		return false;
	}
	if (!limit_nodes(b, loc, a->node->size)) {
		return false;
	}
	b->n_nodes += a->node->size;
	attach(b, node_copy(a->node));
	return true;
}

static void report_yaml_error(struct builder *b, const yaml_parser_t *p,
		const char *text)
{
	struct gw_loc loc;
	if (p->error == YAML_READER_ERROR) {
		loc = offset_loc(b->file, text, p->problem_offset);
	} else {
		loc = mark_loc(b->file, p->problem_mark);
	}
	gw_diag_error(b->d, loc, "invalid YAML: %s",
			p->problem ? p->problem : "unknown error");
	if (p->context) {
		gw_diag_note(b->d, mark_loc(b->file, p->context_mark), "%s",
				p->context);
	}
}

/* Handle one event; false stops parsing (the error is reported). */
static bool on_event(struct builder *b, const yaml_event_t *ev, bool *done)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->n_documents > 1) {
			gw_diag_error(b->d, mark_loc(b->file, ev->start_mark),
					"more than one document in a profile");
			return false;
		}
		return true;
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(b, ev);
	case YAML_MAPPING_START_EVENT:
		return on_collection_start(b, ev, GW_PNODE_MAP);
	case YAML_SEQUENCE_START_EVENT:
		return on_collection_start(b, ev, GW_PNODE_SEQ);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		on_collection_end(b);
		return true;
	case YAML_STREAM_END_EVENT:
		*done = true;
		return true;
	default:
		return true;
	}
}

struct gw_pnode *gw_pnode_parse(const char *text, size_t len,
		const char *file, struct gw_diags *d)
{
	if (!check_text(text, len, file, d)) {
		return NULL;
	}
	struct builder b = {.file = file, .d = d};
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		gw_diag_error(d, (struct gw_loc){0}, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	bool ok = true, done = false;
	while (ok && !done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			report_yaml_error(&b, &parser, text);
			ok = false;
			break;
		}
		ok = on_event(&b, &ev, &done);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	for (size_t i = 0; i < b.n_anchors; i++) {
		free(b.anchors[i].name);
	}
	free(b.anchors);

	if (ok && (!b.root || (b.root->kind == GW_PNODE_SCALAR &&
			b.root->scalar == GW_PSCALAR_NULL))) {
		struct gw_loc loc = b.root ? b.root->loc :
				(struct gw_loc){.file = file, .line = 1, .col = 1};
		gw_diag_error(d, loc, "empty document");
		ok = false;
	}
	if (!ok) {
		gw_pnode_free(b.root);
		return NULL;
	}
	/* After errors that leave a sound tree (duplicate or non-string keys,
	 * tags, NUL characters) the caller goes on to find more. */
	return b.root;
}

const struct gw_pnode *gw_pnode_get(const struct gw_pnode *map,
		const char *key)
{
	if (!map || map->kind != GW_PNODE_MAP) {
		return NULL;
	}
	for (size_t i = 0; i < map->n; i++) {
		const struct gw_pnode *k = map->items[2 * i];
		if (k->kind == GW_PNODE_SCALAR && strcmp(k->text, key) == 0) {
			return map->items[2 * i + 1];
		}
	}
	return NULL;
}

static int key_ref_text_cmp(const void *pa, const void *pb)
{
	const struct key_ref *a = pa, *b = pb;
	return text_cmp(a->key, b->key);
}

void gw_pnode_merge(struct gw_pnode *parent, struct gw_pnode *child)
{
	/* The mapping's position is the last file that wrote to it. */
	parent->loc = child->loc;
	/* Keys are unique on both sides (check_keys): look them up in a
	 * sorted index so that hostile sizes stay O(n log n). */
	size_t n_parent = parent->n;
	struct key_ref *refs = gw_xcalloc(n_parent ? n_parent : 1,
			sizeof(*refs));
	for (size_t j = 0; j < n_parent; j++) {
		refs[j] = (struct key_ref){parent->items[2 * j], j};
	}
	qsort(refs, n_parent, sizeof(*refs), key_ref_text_cmp);
	for (size_t i = 0; i < child->n; i++) {
		struct gw_pnode *k = child->items[2 * i];
		struct gw_pnode *v = child->items[2 * i + 1];
		struct key_ref want = {k, 0};
		struct key_ref *found = bsearch(&want, refs, n_parent,
				sizeof(*refs), key_ref_text_cmp);
		if (!found) {
			append_item(parent, k);
			append_item(parent, v);
			continue;
		}
		size_t j = found->index;
		struct gw_pnode *pv = parent->items[2 * j + 1];
		if (pv->kind == GW_PNODE_MAP && v->kind == GW_PNODE_MAP) {
			gw_pnode_merge(pv, v);
		} else {
			gw_pnode_free(pv);
			parent->items[2 * j + 1] = v;
		}
		/* The key is the child's now; same text, so the index holds. */
		gw_pnode_free(parent->items[2 * j]);
		parent->items[2 * j] = k;
		found->key = k;
	}
	free(refs);
	free(child->items);
	free(child->text);
	free(child);
}
