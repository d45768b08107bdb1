/* SPDX-License-Identifier: MIT */
/*
 * Loading YAML documents with libyaml in one pass of its event parser, with
 * an optional bound on the nesting depth that is enforced while loading.
 */
#ifndef GW_YAML_DOC_H
#define GW_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

/*
 * A loader over one text, like libyaml's yaml_parser_load: it builds the
 * same yaml_document_t (the same nodes in the same order, with the same
 * marks, values and tags, aliases resolved to their anchor's node), and
 * reports the same problems. Differences: a collection nested deeper than
 * 'max_depth' stops the load ('too_deep'), where libyaml would go on (its
 * scanner is quadratic in the flow depth, so bounding the depth before
 * loading took a separate event pass over the whole text); nodes without
 * an explicit tag share one static default tag instead of a copy each, so
 * a loaded document is freed with gw_yaml_doc_finish, never with
 * yaml_document_delete.
 */
struct gw_yaml_loader {
	yaml_parser_t parser;
	size_t max_depth;    /* deepest collection allowed; 0: no bound */
	size_t depth;        /* collections open at the last event read */
	/* After a failed gw_yaml_loader_next: */
	const char *problem; /* libyaml's message (static), or NULL */
	yaml_mark_t mark;    /* where (0-based, as libyaml's marks) */
	bool too_deep;       /* the failure was the depth bound, at 'mark' */
	bool composer_error; /* an alias or anchor problem; the event
			      * stream itself is fine up to here */
	bool done;           /* the stream's end has been read */
	bool started;        /* the stream's start has been read */
};

/* Start loading 'text' ('len' bytes, which must outlive 'l'). Returns
 * false when libyaml could not allocate its parser; 'l' is then finished.
 * Free with gw_yaml_loader_finish. */
bool gw_yaml_loader_init(struct gw_yaml_loader *l, const char *text,
		size_t len, size_t max_depth);

void gw_yaml_loader_finish(struct gw_yaml_loader *l);

/*
 * Load the next document of the stream into 'doc', as yaml_parser_load
 * does: true with a document (free it with gw_yaml_doc_finish), which has
 * no root node at the end of the stream; false on a syntax, composer or
 * depth problem (l->problem, l->mark, l->too_deep), with nothing in 'doc'
 * to free.
 */
bool gw_yaml_loader_next(struct gw_yaml_loader *l, yaml_document_t *doc);

/*
 * Read the rest of the stream for its depth alone, from where the loader
 * stands (after a document, or after a composer error inside one). False
 * when a collection is nested deeper than l->max_depth (l->mark is where);
 * a syntax error ends the scan quietly, as the end of the stream does.
 */
bool gw_yaml_loader_depth_rest(struct gw_yaml_loader *l);

/* Free a document loaded by gw_yaml_loader_next (a zeroed one too). */
void gw_yaml_doc_finish(yaml_document_t *doc);

#endif
