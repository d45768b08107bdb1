/* SPDX-License-Identifier: MIT */
/* The bundle of generated files (files.h). */
#include "files.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void gw_files_init(struct gw_files *f)
{
	*f = (struct gw_files){ 0 };
}

void gw_files_finish(struct gw_files *f)
{
	if (!f) {
		return;
	}
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].data);
	}
	free(f->v);
	*f = (struct gw_files){ 0 };
}

void gw_files_add(struct gw_files *f, const char *path, char *data, size_t len,
		unsigned mode)
{
	gw_grow((void **)&f->v, &f->cap, f->n + 1, sizeof(*f->v));
	f->v[f->n++] = (struct gw_file){
		.path = gw_xstrdup(path),
		.data = data,
		.len = len,
		.mode = mode,
	};
}

const struct gw_file *gw_files_find(const struct gw_files *f, const char *path)
{
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->v[i].path, path) == 0) {
			return &f->v[i];
		}
	}
	return NULL;
}

void gw_files_describe(struct gw_files *f, const char *path,
		enum gw_file_kind kind, const char *source, bool builtin)
{
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->v[i].path, path) == 0) {
			f->v[i].kind = kind;
			f->v[i].source = source;
			f->v[i].builtin = builtin;
			return;
		}
	}
	assert(!"gw_files_describe: no such file");
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct gw_file *)a)->path,
			((const struct gw_file *)b)->path);
}

void gw_files_sort(struct gw_files *f)
{
	qsort(f->v, f->n, sizeof(*f->v), cmp_file);
}
