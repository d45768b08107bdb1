/* SPDX-License-Identifier: MIT */
/* Private to the loader: a bounded YAML node tree built from libyaml events. */
#ifndef GW_PROFILE_TREE_H
#define GW_PROFILE_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "diag.h"

/* Collections nested deeper than this are refused (aliases included). */
#define GW_PROFILE_MAX_DEPTH 64
/* Alias dereferences allowed per file. */
#define GW_PROFILE_MAX_ALIASES 1000
/* Nodes per file after alias expansion (guards against alias bombs). */
#define GW_PROFILE_MAX_NODES 200000

/*
 * A user value in a message: a "'%.*s%s'" conversion with the arguments
 * GW_PROFILE_QUOTED(s) shows at most GW_PROFILE_QUOTE_MAX bytes of 's' and
 * "..." when it was cut.
 */
#define GW_PROFILE_QUOTE_MAX 40
#define GW_PROFILE_QUOTED(s) GW_PROFILE_QUOTE_MAX, (s), \
	(strlen(s) > GW_PROFILE_QUOTE_MAX ? "..." : "")

enum gw_pnode_kind {
	GW_PNODE_SCALAR,
	GW_PNODE_MAP,
	GW_PNODE_SEQ,
};

/* How a scalar resolves (YAML 1.2 core schema, decided by the loader). */
enum gw_pscalar {
	GW_PSCALAR_STR,  /* quoted, !!str, or plain text that is nothing else */
	GW_PSCALAR_NULL, /* plain "", "~", "null"; or !!null */
	GW_PSCALAR_BOOL, /* plain true/false (three spellings); or !!bool */
	GW_PSCALAR_INT,  /* plain [-+]?[0-9]+; or !!int */
	GW_PSCALAR_FLOAT, /* !!float only: plain floats stay strings */
};

/*
 * One node. A mapping stores its pairs flat in 'items': key 2i, value 2i+1.
 * Every node owns its children and its text.
 */
struct gw_pnode {
	enum gw_pnode_kind kind;
	struct gw_loc loc;          /* where the node starts; file lent */
	char *text;                 /* scalars: the value, NUL-terminated */
	size_t len;                 /* scalars: bytes in 'text' */
	enum gw_pscalar scalar;     /* scalars: how it resolved */
	struct gw_pnode **items;    /* collections: children */
	size_t n;                   /* sequences: items; mappings: pairs */
	size_t used;                /* entries of 'items' in use */
	size_t cap;                 /* entries allocated in 'items' */
	unsigned height;            /* collection levels, 0 for scalars */
	size_t size;                /* nodes in this subtree, itself included */
};

/*
 * Parse 'text' ('len' bytes, named 'file', which must outlive the tree)
 * into a tree. Refuses invalid UTF-8, NUL bytes, syntax errors, more than
 * one document, an empty document, unknown tags, non-string and duplicate
 * keys and the limits above, reporting into 'd'. Returns NULL after an
 * error that leaves no usable tree (syntax, limits, encoding, documents).
 * After the others (keys, tags, NUL characters) it returns the tree with
 * the offending pairs dropped, so that the caller can report more: check
 * 'd' for errors. Free the root with gw_pnode_free.
 */
struct gw_pnode *gw_pnode_parse(const char *text, size_t len,
		const char *file, struct gw_diags *d);

/* Free 'n' and its subtree. Accepts NULL. */
void gw_pnode_free(struct gw_pnode *n);

/* The value for 'key' in mapping 'map', or NULL. Lent. */
const struct gw_pnode *gw_pnode_get(const struct gw_pnode *map,
		const char *key);

/*
 * Merge 'child' into 'parent' for 'extends:': mappings merge recursively,
 * anything else in 'child' replaces what 'parent' has. Consumes 'child'.
 */
void gw_pnode_merge(struct gw_pnode *parent, struct gw_pnode *child);

#endif
