/* SPDX-License-Identifier: MIT */
/* Loading YAML documents in one event pass, depth-bounded (yaml_doc.h). */
#include "yaml_doc.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* libyaml's first capacity of a node list (INITIAL_STACK_SIZE). */
#define FIRST_CAP 16

/*
 * The default tags, shared by every node that has no explicit one (or the
 * non-specific "!"). libyaml's loader gives each such node a heap copy of
 * the same string: one allocation and one free per node, about a tenth of
 * loading a template (docs/performance.md).
 */
static const char default_scalar_tag[] = YAML_DEFAULT_SCALAR_TAG;
static const char default_sequence_tag[] = YAML_DEFAULT_SEQUENCE_TAG;
static const char default_mapping_tag[] = YAML_DEFAULT_MAPPING_TAG;

/* An anchor of the document being loaded. */
struct anchor {
	yaml_char_t *name; /* owned */
	int index;         /* 1-based node index */
	yaml_mark_t mark;
};

/* The state of one document's load. */
struct load {
	struct gw_yaml_loader *l;
	yaml_document_t *doc;
	struct anchor *anchors;
	size_t n_anchors, cap_anchors;
	int *open; /* 1-based indexes of the collections being loaded */
	size_t n_open, cap_open;
};

static bool is_default_tag(const yaml_char_t *tag)
{
	const char *t = (const char *)tag;
	return t == default_scalar_tag || t == default_sequence_tag ||
		t == default_mapping_tag;
}

void gw_yaml_doc_finish(yaml_document_t *doc)
{
	if (!doc) {
		return;
	}
	for (yaml_node_t *n = doc->nodes.start; n && n < doc->nodes.top; n++) {
		if (!is_default_tag(n->tag)) {
			free(n->tag);
		}
		switch (n->type) {
		case YAML_SCALAR_NODE:
			free(n->data.scalar.value);
			break;
		case YAML_SEQUENCE_NODE:
			free(n->data.sequence.items.start);
			break;
		case YAML_MAPPING_NODE:
			free(n->data.mapping.pairs.start);
			break;
		default:
			break;
		}
	}
	free(doc->nodes.start);
	free(doc->version_directive);
	for (yaml_tag_directive_t *t = doc->tag_directives.start;
			t && t < doc->tag_directives.end; t++) {
		free(t->handle);
		free(t->prefix);
	}
	free(doc->tag_directives.start);
	memset(doc, 0, sizeof(*doc));
}

bool gw_yaml_loader_init(struct gw_yaml_loader *l, const char *text,
		size_t len, size_t max_depth)
{
	memset(l, 0, sizeof(*l));
	if (!yaml_parser_initialize(&l->parser)) {
		return false;
	}
	yaml_parser_set_input_string(&l->parser, (const unsigned char *)text,
			len);
	l->max_depth = max_depth;
	return true;
}

void gw_yaml_loader_finish(struct gw_yaml_loader *l)
{
	yaml_parser_delete(&l->parser);
}

/* Read the next event; false (the problem noted) on a syntax error. */
static bool parse(struct gw_yaml_loader *l, yaml_event_t *ev)
{
	if (yaml_parser_parse(&l->parser, ev)) {
		if (ev->type == YAML_STREAM_END_EVENT) {
			l->done = true;
		}
		return true;
	}
	l->problem = l->parser.problem;
	l->mark = l->parser.problem_mark;
	return false;
}

static bool fail_composer(struct gw_yaml_loader *l, const char *problem,
		yaml_mark_t mark)
{
	l->problem = problem;
	l->mark = mark;
	l->composer_error = true;
	return false;
}

/* One collection more is open at 'ev'; false past the bound. */
static bool enter(struct gw_yaml_loader *l, const yaml_event_t *ev)
{
	if (++l->depth > l->max_depth && l->max_depth) {
		l->too_deep = true;
		l->mark = ev->start_mark;
		return false;
	}
	return true;
}

/* Push 'node' onto the document; its 1-based index. */
static int push_node(struct load *s, const yaml_node_t *node)
{
	yaml_document_t *doc = s->doc;
	if (doc->nodes.top == doc->nodes.end) {
		size_t n = (size_t)(doc->nodes.end - doc->nodes.start);
		size_t cap = n ? 2 * n : FIRST_CAP;
		doc->nodes.start = gw_xrealloc(doc->nodes.start,
				cap * sizeof(*doc->nodes.start));
		doc->nodes.top = doc->nodes.start + n;
		doc->nodes.end = doc->nodes.start + cap;
	}
	*doc->nodes.top++ = *node;
	return (int)(doc->nodes.top - doc->nodes.start);
}

/* Remember 'name' as the anchor of node 'index' (taking 'name'). */
static bool add_anchor(struct load *s, yaml_char_t *name, int index)
{
	if (!name) {
		return true;
	}
	yaml_mark_t mark = s->doc->nodes.start[index - 1].start_mark;
	for (size_t i = 0; i < s->n_anchors; i++) {
		if (strcmp((char *)s->anchors[i].name, (char *)name) == 0) {
			free(name);
			/* libyaml's words, so that messages stay the same. */
			return fail_composer(s->l, "second occurrence", mark);
		}
	}
	gw_grow((void **)&s->anchors, &s->cap_anchors, s->n_anchors + 1,
			sizeof(*s->anchors));
	s->anchors[s->n_anchors++] = (struct anchor){ name, index, mark };
	return true;
}

/* Add node 'index' to the innermost open collection. */
static void add_child(struct load *s, int index)
{
	if (!s->n_open) {
		return;
	}
	yaml_node_t *p = &s->doc->nodes.start[s->open[s->n_open - 1] - 1];
	if (p->type == YAML_SEQUENCE_NODE) {
		if (p->data.sequence.items.top == p->data.sequence.items.end) {
			yaml_node_item_t *v = p->data.sequence.items.start;
			size_t n = (size_t)(p->data.sequence.items.end - v);
			v = gw_xrealloc(v, 2 * n * sizeof(*v));
			p->data.sequence.items.start = v;
			p->data.sequence.items.top = v + n;
			p->data.sequence.items.end = v + 2 * n;
		}
		*p->data.sequence.items.top++ = index;
		return;
	}
	/* A mapping: a key opens a pair, a value completes it. */
	if (p->data.mapping.pairs.top != p->data.mapping.pairs.start &&
			p->data.mapping.pairs.top[-1].value == 0) {
		p->data.mapping.pairs.top[-1].value = index;
		return;
	}
	if (p->data.mapping.pairs.top == p->data.mapping.pairs.end) {
		yaml_node_pair_t *v = p->data.mapping.pairs.start;
		size_t n = (size_t)(p->data.mapping.pairs.end - v);
		v = gw_xrealloc(v, 2 * n * sizeof(*v));
		p->data.mapping.pairs.start = v;
		p->data.mapping.pairs.top = v + n;
		p->data.mapping.pairs.end = v + 2 * n;
	}
	*p->data.mapping.pairs.top++ = (yaml_node_pair_t){ index, 0 };
}

/* The tag a node gets: its own, or the shared default (never written
 * through: the document's readers take tags as const). */
static yaml_char_t *tag_or(yaml_char_t *tag, const char *dflt)
{
	if (!tag || (tag[0] == '!' && tag[1] == '\0')) {
		free(tag);
		return (yaml_char_t *)dflt;
	}
	return tag;
}

/* Load the node that starts with 'ev' (taking what the event owns). */
static bool load_node(struct load *s, yaml_event_t *ev)
{
	yaml_node_t node = { 0 };
	yaml_char_t *anchor = NULL;
	int index;
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		for (size_t i = 0; i < s->n_anchors; i++) {
			if (strcmp((char *)s->anchors[i].name,
						(char *)ev->data.alias.anchor) == 0) {
				free(ev->data.alias.anchor);
				add_child(s, s->anchors[i].index);
				return true;
			}
		}
		free(ev->data.alias.anchor);
		return fail_composer(s->l, "found undefined alias",
				ev->start_mark);
	case YAML_SCALAR_EVENT:
		node.type = YAML_SCALAR_NODE;
		node.tag = tag_or(ev->data.scalar.tag, default_scalar_tag);
		node.data.scalar.value = ev->data.scalar.value;
		node.data.scalar.length = ev->data.scalar.length;
		node.data.scalar.style = ev->data.scalar.style;
		anchor = ev->data.scalar.anchor;
		break;
	case YAML_SEQUENCE_START_EVENT:
		node.type = YAML_SEQUENCE_NODE;
		node.tag = tag_or(ev->data.sequence_start.tag,
				default_sequence_tag);
		node.data.sequence.items.start = gw_xmalloc(FIRST_CAP *
				sizeof(yaml_node_item_t));
		node.data.sequence.items.top = node.data.sequence.items.start;
		node.data.sequence.items.end =
			node.data.sequence.items.start + FIRST_CAP;
		node.data.sequence.style = ev->data.sequence_start.style;
		anchor = ev->data.sequence_start.anchor;
		break;
	case YAML_MAPPING_START_EVENT:
		node.type = YAML_MAPPING_NODE;
		node.tag = tag_or(ev->data.mapping_start.tag,
				default_mapping_tag);
		node.data.mapping.pairs.start = gw_xmalloc(FIRST_CAP *
				sizeof(yaml_node_pair_t));
		node.data.mapping.pairs.top = node.data.mapping.pairs.start;
		node.data.mapping.pairs.end =
			node.data.mapping.pairs.start + FIRST_CAP;
		node.data.mapping.style = ev->data.mapping_start.style;
		anchor = ev->data.mapping_start.anchor;
		break;
	default:
		return false; /* libyaml emits no other event here */
	}
	node.start_mark = ev->start_mark;
	node.end_mark = ev->end_mark;
	index = push_node(s, &node);
	if (!add_anchor(s, anchor, index)) {
		return false;
	}
	add_child(s, index);
	if (node.type != YAML_SCALAR_NODE) {
		gw_grow((void **)&s->open, &s->cap_open, s->n_open + 1,
				sizeof(*s->open));
		s->open[s->n_open++] = index;
	}
	return true;
}

/* Load the document that starts with 'first' into s->doc. */
static bool load_document(struct load *s, yaml_event_t *first)
{
	struct gw_yaml_loader *l = s->l;
	yaml_document_t *doc = s->doc;
	doc->version_directive = first->data.document_start.version_directive;
	doc->tag_directives.start =
		first->data.document_start.tag_directives.start;
	doc->tag_directives.end = first->data.document_start.tag_directives.end;
	doc->start_implicit = first->data.document_start.implicit;
	doc->start_mark = first->start_mark;
	yaml_event_t ev;
	for (;;) {
		if (!parse(l, &ev)) {
			return false;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_END_EVENT:
			doc->end_implicit = ev.data.document_end.implicit;
			doc->end_mark = ev.end_mark;
			return true;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			doc->nodes.start[s->open[--s->n_open] - 1].end_mark =
				ev.end_mark;
			l->depth--;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (!enter(l, &ev)) {
				yaml_event_delete(&ev);
				return false;
			}
			if (!load_node(s, &ev)) {
				return false;
			}
			break;
		default:
			if (!load_node(s, &ev)) {
				return false;
			}
			break;
		}
	}
}

bool gw_yaml_loader_next(struct gw_yaml_loader *l, yaml_document_t *doc)
{
	memset(doc, 0, sizeof(*doc));
	l->problem = NULL;
	l->too_deep = l->composer_error = false;
	yaml_event_t ev;
	if (!l->started) {
		if (!parse(l, &ev)) {
			return false;
		}
		l->started = true;
		yaml_event_delete(&ev);
	}
	if (l->done) {
		return true;
	}
	if (!parse(l, &ev)) {
		return false;
	}
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		return true;
	}
	struct load s = { .l = l, .doc = doc };
	bool ok = load_document(&s, &ev);
	for (size_t i = 0; i < s.n_anchors; i++) {
		free(s.anchors[i].name);
	}
	free(s.anchors);
	free(s.open);
	if (!ok) {
		gw_yaml_doc_finish(doc);
	}
	return ok;
}

bool gw_yaml_loader_depth_rest(struct gw_yaml_loader *l)
{
	yaml_event_t ev;
	while (!l->done && yaml_parser_parse(&l->parser, &ev)) {
		bool ok = true;
		switch (ev.type) {
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			ok = enter(l, &ev);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			l->depth--;
			break;
		case YAML_STREAM_END_EVENT:
			l->done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (!ok) {
			return false;
		}
	}
	return true;
}
