/* SPDX-License-Identifier: MIT */
/* The CloudFormation document walker (cfn.h). */
#include "cfn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

yaml_node_t *gw_cfn_node(struct gw_cfn *t, int i)
{
	return yaml_document_get_node(&t->doc, i);
}

struct gw_loc gw_cfn_loc(const struct gw_cfn *t, const yaml_node_t *n)
{
	struct gw_loc l = {.file = t->file};
	if (n) {
		l.line = (unsigned)n->start_mark.line + 1;
		l.col = (unsigned)n->start_mark.column + 1;
	}
	return l;
}

bool gw_cfn_is_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE;
}

bool gw_cfn_is_map(const yaml_node_t *n)
{
	return n && n->type == YAML_MAPPING_NODE;
}

bool gw_cfn_is_seq(const yaml_node_t *n)
{
	return n && n->type == YAML_SEQUENCE_NODE;
}

const char *gw_cfn_scalar(const yaml_node_t *n)
{
	return gw_cfn_is_scalar(n) ? (const char *)n->data.scalar.value : NULL;
}

const char *gw_cfn_short_tag(const yaml_node_t *n)
{
	const char *tag = n ? (const char *)n->tag : NULL;
	return tag && tag[0] == '!' ? tag : NULL;
}

yaml_node_t *gw_cfn_get(struct gw_cfn *t, const yaml_node_t *map,
                            const char *key)
{
	if (!gw_cfn_is_map(map)) {
		return NULL;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		const char *k = gw_cfn_scalar(gw_cfn_node(t, p->key));
		if (k && strcmp(k, key) == 0) {
			return gw_cfn_node(t, p->value);
		}
	}
	return NULL;
}

static int cmp_res_id(const void *a, const void *b)
{
	const struct res_id *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

void gw_cfn_index_resources(struct gw_cfn *t)
{
	const yaml_node_t *res = t->resources;
	if (!gw_cfn_is_map(res)) {
		return;
	}
	size_t n = (size_t)(res->data.mapping.pairs.top -
	                    res->data.mapping.pairs.start);
	t->ids = gw_xcalloc(n ? n : 1, sizeof(*t->ids));
	t->dups = gw_xcalloc(n ? n : 1, sizeof(*t->dups));
	for (size_t i = 0; i < n; i++) {
		const char *k = gw_cfn_scalar(
		        gw_cfn_node(t, res->data.mapping.pairs.start[i].key));
		if (k) {
			t->ids[t->n_ids++] = (struct res_id){.id = k, .pos = i};
		}
	}
	if (t->n_ids) {
		qsort(t->ids, t->n_ids, sizeof(*t->ids), cmp_res_id);
	}
	for (size_t i = 1, run = 0; i < t->n_ids; i++) {
		run = strcmp(t->ids[i].id, t->ids[i - 1].id) == 0 ? run + 1 : 0;
		t->dups[t->ids[i].pos] = run;
	}
}

bool gw_cfn_has_resource(const struct gw_cfn *t, const char *id)
{
	size_t lo = 0, hi = t->n_ids;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->ids[mid].id, id);
		if (c == 0) {
			return true;
		}
		if (c < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return false;
}

size_t gw_cfn_seq_len(const yaml_node_t *n)
{
	return gw_cfn_is_seq(n) ? (size_t)(n->data.sequence.items.top -
	                            n->data.sequence.items.start)
	                 : 0;
}

yaml_node_t *gw_cfn_seq_at(struct gw_cfn *t, const yaml_node_t *n, size_t i)
{
	return gw_cfn_node(t, n->data.sequence.items.start[i]);
}

size_t gw_cfn_map_len(const yaml_node_t *n)
{
	return gw_cfn_is_map(n) ? (size_t)(n->data.mapping.pairs.top -
	                            n->data.mapping.pairs.start)
	                 : 0;
}

const char *gw_cfn_intrinsic(struct gw_cfn *t, yaml_node_t *n, yaml_node_t **arg)
{
	const char *tag = gw_cfn_short_tag(n);
	if (tag) {
		*arg = n;
		if (strcmp(tag, "!Ref") == 0 ||
		    strcmp(tag, "!Condition") == 0) {
			return tag + 1;
		}
		return tag; /* "!Sub": callers compare with gw_cfn_is_fn() */
	}
	if (gw_cfn_map_len(n) == 1) {
		yaml_node_pair_t *p = n->data.mapping.pairs.start;
		const char *k = gw_cfn_scalar(gw_cfn_node(t, p->key));
		if (k && (strcmp(k, "Ref") == 0 || gw_has_prefix(k, "Fn::"))) {
			*arg = gw_cfn_node(t, p->value);
			return k;
		}
	}
	return NULL;
}

bool gw_cfn_is_fn(const char *fn, const char *short_name)
{
	if (!fn) {
		return false;
	}
	if (fn[0] == '!') {
		return strcmp(fn + 1, short_name) == 0;
	}
	if (gw_has_prefix(fn, "Fn::")) {
		return strcmp(fn + strlen("Fn::"), short_name) == 0;
	}
	return strcmp(fn, short_name) == 0;
}

const char *gw_cfn_string(struct gw_cfn *t, yaml_node_t *n, bool *templated)
{
	if (templated) {
		*templated = false;
	}
	yaml_node_t *arg = NULL;
	const char *fn = gw_cfn_intrinsic(t, n, &arg);
	if (!fn) {
		return gw_cfn_scalar(n);
	}
	if (gw_cfn_is_fn(fn, "Ref")) {
		yaml_node_t *p = gw_cfn_get(t, t->parameters,
		                         gw_cfn_scalar(arg) ? gw_cfn_scalar(arg) : "");
		return gw_cfn_scalar(gw_cfn_get(t, p, "Default"));
	}
	if (gw_cfn_is_fn(fn, "Sub")) {
		if (templated) {
			*templated = true;
		}
		if (gw_cfn_is_seq(arg) && gw_cfn_seq_len(arg) > 0) {
			return gw_cfn_scalar(gw_cfn_seq_at(t, arg, 0));
		}
		return gw_cfn_scalar(arg);
	}
	return NULL;
}

bool gw_cfn_int(struct gw_cfn *t, yaml_node_t *n, long long *out)
{
	bool templated = false;
	const char *s = n ? gw_cfn_string(t, n, &templated) : NULL;
	if (!s || templated || !*s) {
		return false;
	}
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end) {
		return false;
	}
	*out = v;
	return true;
}

const char *gw_cfn_literal(struct gw_cfn *t, yaml_node_t *n)
{
	bool templated = false;
	const char *s = n ? gw_cfn_string(t, n, &templated) : NULL;
	return templated ? NULL : s;
}

const char *gw_cfn_ref_target(struct gw_cfn *t, yaml_node_t *n)
{
	yaml_node_t *arg = NULL;
	const char *fn = gw_cfn_intrinsic(t, n, &arg);
	if (gw_cfn_is_fn(fn, "Ref")) {
		return gw_cfn_scalar(arg);
	}
	if (gw_cfn_is_fn(fn, "GetAtt")) {
		if (gw_cfn_is_seq(arg) && gw_cfn_seq_len(arg) > 0) {
			return gw_cfn_scalar(gw_cfn_seq_at(t, arg, 0));
		}
		return gw_cfn_scalar(arg);
	}
	return NULL;
}



void gw_cfn_walk(struct gw_cfn *t, yaml_node_t *n, gw_cfn_scalar_fn fn, void *data)
{
	if (!n || ++t->walked > GW_CFN_WALK_MAX) {
		return;
	}
	if (n->type == YAML_SCALAR_NODE) {
		fn(t, n, data);
	} else if (n->type == YAML_SEQUENCE_NODE) {
		for (size_t i = 0; i < gw_cfn_seq_len(n); i++) {
			gw_cfn_walk(t, gw_cfn_seq_at(t, n, i), fn, data);
		}
	} else if (n->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			gw_cfn_walk(t, gw_cfn_node(t, p->value), fn, data);
		}
	}
}

