/* SPDX-License-Identifier: MIT */
/* The template set: the table embedded at build time, or a directory read at run time. */
#include "templates.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "templates_embed/templates_embedded.h"
#include "util.h"

/* A template larger than this is refused when reading --templates DIR. */
#define GW_TEMPLATE_MAX_BYTES (1024 * 1024)
/* Directory nesting below --templates DIR; deeper means a symlink loop. */
#define GW_TEMPLATES_MAX_DEPTH 16
/* The extension every partial is looked up with. */
#define GW_TEMPLATE_EXT ".mustache"
/* Partials nobody finds in KIND/ are looked up here. */
#define GW_TEMPLATES_COMMON "common"

struct gw_templates {
	const struct gw_template_file *v; /* sorted by name */
	size_t n;
	/* Read from a directory: 'files' (the same array as 'v') and every
	 * string in it are owned by the set. */
	struct gw_template_file *files;
	size_t cap;
};

static const struct gw_templates builtin_set = {
	.v = gw_templates_embedded,
	.n = GW_TEMPLATES_EMBEDDED_COUNT,
};

const struct gw_templates *gw_templates_builtin(void)
{
	return &builtin_set;
}

static bool is_hidden_or_build_file(const char *name)
{
	/* The same entries tools/embed.py leaves out. */
	return name[0] == '.' || strcmp(name, "meson.build") == 0;
}

static void add_file(struct gw_templates *t, char *name, char *path,
		char *text, size_t len)
{
	gw_grow((void **)&t->files, &t->cap, t->n + 1, sizeof(*t->files));
	t->files[t->n++] = (struct gw_template_file){
		.name = name,
		.path = path,
		.text = text,
		.len = len,
	};
	t->v = t->files;
}

/* Read every file below 'root'/'rel' ('rel' is "" at the top). */
static bool read_tree(struct gw_templates *t, const char *root,
		const char *rel, unsigned depth, struct gw_diags *d)
{
	const struct gw_loc noloc = {0};
	char *dirpath = *rel ? gw_xasprintf("%s/%s", root, rel)
			     : gw_xstrdup(root);
	bool ok = false;
	DIR *dir = NULL;

	if (depth > GW_TEMPLATES_MAX_DEPTH) {
		gw_diag_error(d, noloc, "cannot read '%s': nested deeper "
				"than %d directories", dirpath,
				GW_TEMPLATES_MAX_DEPTH);
		goto out;
	}
	dir = opendir(dirpath);
	if (!dir) {
		gw_diag_error(d, noloc, "cannot read '%s': %s", dirpath,
				strerror(errno));
		goto out;
	}
	for (;;) {
		errno = 0;
		struct dirent *e = readdir(dir);
		if (!e) {
			if (errno) {
				gw_diag_error(d, noloc, "cannot read '%s': %s",
						dirpath, strerror(errno));
				goto out;
			}
			break;
		}
		if (is_hidden_or_build_file(e->d_name)) {
			continue;
		}
		char *name = *rel ? gw_xasprintf("%s/%s", rel, e->d_name)
				  : gw_xstrdup(e->d_name);
		char *path = gw_xasprintf("%s/%s", root, name);
		struct stat st;
		if (stat(path, &st) != 0) {
			gw_diag_error(d, noloc, "cannot read '%s': %s", path,
					strerror(errno));
			free(name);
			free(path);
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			bool sub = read_tree(t, root, name, depth + 1, d);
			free(name);
			free(path);
			if (!sub) {
				goto out;
			}
			continue;
		}
		size_t len = 0;
		char *text = S_ISREG(st.st_mode)
			? gw_read_file(path, GW_TEMPLATE_MAX_BYTES, &len)
			: NULL;
		if (!text) {
			gw_diag_error(d, noloc, "cannot read '%s': %s", path,
					S_ISREG(st.st_mode) ? strerror(errno)
					: "not a regular file");
			free(name);
			free(path);
			goto out;
		}
		add_file(t, name, path, text, len);
	}
	ok = true;
out:
	if (dir) {
		closedir(dir);
	}
	free(dirpath);
	return ok;
}

static int compare_files(const void *a, const void *b)
{
	const struct gw_template_file *x = a, *y = b;
	return strcmp(x->name, y->name);
}

struct gw_templates *gw_templates_load_dir(const char *dir,
		struct gw_diags *d)
{
	struct gw_templates *t = gw_xcalloc(1, sizeof(*t));
	if (!read_tree(t, dir, "", 0, d)) {
		gw_templates_destroy(t);
		return NULL;
	}
	if (t->n) {
		qsort(t->files, t->n, sizeof(*t->files), compare_files);
	}
	return t;
}

void gw_templates_destroy(const struct gw_templates *t)
{
	if (!t || t == &builtin_set) {
		return;
	}
	struct gw_templates *owned = (struct gw_templates *)t;
	for (size_t i = 0; i < owned->n; i++) {
		free((char *)owned->files[i].name);
		free((char *)owned->files[i].path);
		free((char *)owned->files[i].text);
	}
	free(owned->files);
	free(owned);
}

const struct gw_template_file *gw_templates_find(const struct gw_templates *t,
		const char *name)
{
	if (!t->n) {
		return NULL;
	}
	const struct gw_template_file key = {.name = name};
	return bsearch(&key, t->v, t->n, sizeof(*t->v), compare_files);
}

size_t gw_templates_count(const struct gw_templates *t)
{
	return t->n;
}

const struct gw_template_file *gw_templates_at(const struct gw_templates *t,
		size_t i)
{
	return i < t->n ? &t->v[i] : NULL;
}

/* A partial name that could reach outside the template set is refused. */
static bool is_safe_partial_name(const char *name)
{
	return *name && name[0] != '/' && !strstr(name, "..");
}

static const struct gw_template_file *find_in(const struct gw_templates *t,
		const char *dir, const char *name)
{
	struct gw_buf b;
	gw_buf_init(&b);
	gw_buf_printf(&b, "%s/%s%s", dir, name, GW_TEMPLATE_EXT);
	const struct gw_template_file *f = gw_templates_find(t, gw_buf_str(&b));
	gw_buf_finish(&b);
	return f;
}

static bool load_partial(void *ud, const char *name, const char **text,
		size_t *len, const char **file)
{
	const struct gw_templates_loader *l = ud;
	if (!is_safe_partial_name(name)) {
		return false;
	}
	const struct gw_template_file *f = find_in(l->set, l->kind, name);
	if (!f) {
		f = find_in(l->set, GW_TEMPLATES_COMMON, name);
	}
	if (!f) {
		return false;
	}
	*text = f->text;
	*len = f->len;
	*file = f->path;
	return true;
}

void gw_templates_loader_init(struct gw_templates_loader *l,
		const struct gw_templates *t, const char *kind)
{
	*l = (struct gw_templates_loader){
		.loader = {.load = load_partial, .ud = l},
		.set = t,
		.kind = kind,
	};
}
