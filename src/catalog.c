/* SPDX-License-Identifier: MIT */
/* The offline EC2 instance-type catalog: lookups and family expansion. */
#include "catalog.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/*
 * The instance-type values AWS Batch expands itself (ComputeResource
 * instanceTypes, Batch API reference and compute_environment_parameters.md):
 * "optimal" is C4, M4 and R4; "default_x86_64" picks from the m6i, c6i,
 * r6i and c7i families, "default_arm64" from m6g, c6g, r6g and c7g. Each
 * list ends with NULL.
 */
static const struct {
	const char *name;
	const char *const *families;
} classes[] = {
        {"optimal", (const char *const[]){"c4", "m4", "r4", NULL}},
        {"default_x86_64",
         (const char *const[]){"m6i", "c6i", "r6i", "c7i", NULL}},
        {"default_arm64",
         (const char *const[]){"m6g", "c6g", "r6g", "c7g", NULL}},
};

static const char *const arch_names[] = {
        [GW_ARCH_X86_64] = "x86_64",
        [GW_ARCH_ARM64] = "arm64",
};
_Static_assert(GW_ARRAY_LEN(arch_names) == GW_ARCH_ARM64 + 1,
               "arch_names must name every architecture");

const char *gw_arch_name(enum gw_arch arch)
{
	return arch_names[arch];
}

size_t gw_catalog_count(void)
{
	return gw_catalog_n_types;
}

const struct gw_instance_type *gw_catalog_at(size_t i)
{
	return i < gw_catalog_n_types ? &gw_catalog_types[i] : NULL;
}

const struct gw_instance_type *gw_catalog_find(const char *name)
{
	/* The generator sorts the table, so a binary search works. */
	size_t lo = 0, hi = gw_catalog_n_types;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, gw_catalog_types[mid].name);
		if (c == 0) {
			return &gw_catalog_types[mid];
		}
		if (c < 0) {
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	return NULL;
}

void gw_catalog_family(const char *type, char *out, size_t n)
{
	const char *dot = strchr(type, '.');
	int len = dot ? (int)(dot - type) : (int)strlen(type);
	snprintf(out, n, "%.*s", len, type);
}

static bool in_family(const char *family, const struct gw_instance_type *t)
{
	size_t n = strlen(family);
	return strncmp(t->name, family, n) == 0 && t->name[n] == '.';
}

/* A bare-metal size ("c5.metal", "m7i.metal-24xl"): Batch's expansion of a
 * family leaves them out, though a compute environment may name one. */
static bool is_metal(const struct gw_instance_type *t)
{
	const char *dot = strchr(t->name, '.');
	return dot && strncmp(dot + 1, "metal", strlen("metal")) == 0;
}

/* A size that a family or class selects. */
static bool selected_in(const char *family, const struct gw_instance_type *t)
{
	return in_family(family, t) && !is_metal(t);
}

/* The families of class 'spec' ("optimal", ...), or NULL. */
static const char *const *class_families(const char *spec)
{
	for (size_t i = 0; i < GW_ARRAY_LEN(classes); i++) {
		if (strcmp(spec, classes[i].name) == 0) {
			return classes[i].families;
		}
	}
	return NULL;
}

bool gw_catalog_is_class(const char *spec)
{
	return class_families(spec) != NULL;
}

bool gw_catalog_selects(const char *spec, const struct gw_instance_type *t)
{
	/* The verifiers call this for every catalog entry and every spec of
	 * a compute environment: most entries differ in the first byte, so
	 * that is tested before any string function ("optimal" starts with
	 * 'o', which no type does; "default_*" with 'd', which only d2/d3
	 * types do, and those reach the class lookup). See
	 * docs/performance.md. */
	if (spec[0] != t->name[0] && spec[0] != 'o' && spec[0] != 'd') {
		return false;
	}
	const char *const *families = (spec[0] == 'o' || spec[0] == 'd')
	                                      ? class_families(spec)
	                                      : NULL;
	if (families) {
		for (size_t i = 0; families[i]; i++) {
			if (selected_in(families[i], t)) {
				return true;
			}
		}
		return false;
	}
	if (spec[0] != t->name[0]) {
		return false;
	}
	if (strchr(spec, '.')) {
		return strcmp(spec, t->name) == 0;
	}
	return selected_in(spec, t);
}

/* Whether 'name' sorts before "FAMILY." ('family' is 'n' bytes). */
static bool below_family(const char *name, const char *family, size_t n)
{
	int c = strncmp(name, family, n);
	return c < 0 || (c == 0 && (unsigned char)name[n] < '.');
}

/*
 * Whether the catalog has a size of 'family'. The table is sorted, so the
 * sizes "FAMILY.*" sit together and a binary search finds the first one.
 * (A linear scan here, once per instance-type entry of every compute
 * environment, was a measurable share of verifying large templates; see
 * docs/performance.md.)
 */
static size_t family_first(const char *family);

static bool family_known(const char *family)
{
	size_t lo = family_first(family);
	return lo < gw_catalog_n_types
		&& in_family(family, &gw_catalog_types[lo]);
}

/* The index of the first size of 'family' (or where it would be). */
static size_t family_first(const char *family)
{
	size_t n = strlen(family), lo = 0, hi = gw_catalog_n_types;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (below_family(gw_catalog_types[mid].name, family, n)) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

/* gw_catalog_each over one family; false when 'fn' stopped it. */
static bool each_in_family(const char *family,
		bool (*fn)(const struct gw_instance_type *t, void *arg),
		void *arg, size_t *count)
{
	for (size_t i = family_first(family); i < gw_catalog_n_types &&
			in_family(family, &gw_catalog_types[i]); i++) {
		const struct gw_instance_type *t = &gw_catalog_types[i];
		if (is_metal(t)) {
			continue;
		}
		++*count;
		if (!fn(t, arg)) {
			return false;
		}
	}
	return true;
}

size_t gw_catalog_each(const char *spec,
		bool (*fn)(const struct gw_instance_type *t, void *arg),
		void *arg)
{
	size_t count = 0;
	const char *const *families = class_families(spec);
	if (families) {
		for (size_t i = 0; families[i]; i++) {
			if (!each_in_family(families[i], fn, arg, &count)) {
				break;
			}
		}
	} else if (strchr(spec, '.')) {
		const struct gw_instance_type *t = gw_catalog_find(spec);
		if (t) {
			count = 1;
			fn(t, arg);
		}
	} else {
		each_in_family(spec, fn, arg, &count);
	}
	return count;
}

bool gw_catalog_spec_known(const char *spec)
{
	/* The same answer as gw_catalog_selects over every entry. */
	const char *const *families = class_families(spec);
	if (families) {
		for (size_t i = 0; families[i]; i++) {
			if (family_known(families[i])) {
				return true;
			}
		}
		return false;
	}
	if (strchr(spec, '.')) {
		return gw_catalog_find(spec) != NULL;
	}
	return family_known(spec);
}

/* Suggestions are at most this share of the name away (1 / divisor). */
#define SUGGEST_DIVISOR 3

/* Whether 'd' edits are close enough to a name of 'n' bytes to suggest. */
static bool close_enough(size_t d, size_t n)
{
	return d > 0 && d <= (n + SUGGEST_DIVISOR - 1) / SUGGEST_DIVISOR;
}

bool gw_catalog_suggest(const char *spec, char *out, size_t size)
{
	const char *dot = strchr(spec, '.');
	size_t n = strlen(spec);
	const char *best = NULL;
	size_t best_d = SIZE_MAX;
	if (dot) {
		/* A size of the same family first ("r6a.huge": r6a.large). */
		size_t fam = (size_t)(dot - spec);
		for (size_t i = 0; i < gw_catalog_n_types; i++) {
			const char *name = gw_catalog_types[i].name;
			if (strncmp(name, spec, fam) != 0 || name[fam] != '.') {
				continue;
			}
			size_t d = gw_edit_distance(dot + 1, n - fam - 1,
					name + fam + 1, strlen(name + fam + 1),
					false);
			if (d < best_d) {
				best_d = d;
				best = name;
			}
		}
		if (best) {
			snprintf(out, size, "%s", best);
			return true;
		}
		/* Else any type ("c5.4xlareg" has a family: see above). */
		for (size_t i = 0; i < gw_catalog_n_types; i++) {
			const char *name = gw_catalog_types[i].name;
			size_t d = gw_edit_distance(spec, n, name, strlen(name),
					false);
			if (d < best_d) {
				best_d = d;
				best = name;
			}
		}
		if (!close_enough(best_d, n)) {
			return false;
		}
		snprintf(out, size, "%s", best);
		return true;
	}
	/* A family: compare with each family once (the table is sorted, so
	 * a family's sizes are adjacent). */
	const char *prev = NULL;
	size_t prev_n = 0, prev_best = 0;
	for (size_t i = 0; i < gw_catalog_n_types; i++) {
		const char *name = gw_catalog_types[i].name;
		const char *d0 = strchr(name, '.');
		size_t fn = d0 ? (size_t)(d0 - name) : strlen(name);
		if (prev && fn == prev_n && strncmp(name, prev, fn) == 0) {
			continue;
		}
		prev = name;
		prev_n = fn;
		size_t d = gw_edit_distance(spec, n, name, fn, false);
		if (d < best_d) {
			best_d = d;
			best = name;
			prev_best = fn;
		}
	}
	if (!close_enough(best_d, n)) {
		return false;
	}
	snprintf(out, size, "%.*s", (int)prev_best, best);
	return true;
}

size_t gw_type_set_count(const struct gw_type_set *s)
{
	return gw_catalog_n_types + (s ? s->n_extra : 0);
}

const struct gw_instance_type *gw_type_set_at(const struct gw_type_set *s,
		size_t i)
{
	if (i < gw_catalog_n_types) {
		return &gw_catalog_types[i];
	}
	i -= gw_catalog_n_types;
	return s && i < s->n_extra ? &s->extra[i] : NULL;
}

bool gw_type_set_spec_known(const struct gw_type_set *s, const char *spec)
{
	if (gw_catalog_spec_known(spec)) {
		return true;
	}
	for (size_t i = 0; s && i < s->n_extra; i++) {
		if (gw_catalog_selects(spec, &s->extra[i])) {
			return true;
		}
	}
	return false;
}

static bool in_catalog(const struct gw_instance_type *t)
{
	uintptr_t p = (uintptr_t)t, lo = (uintptr_t)gw_catalog_types;
	return p >= lo && p < lo + gw_catalog_n_types * sizeof(*t);
}

bool gw_type_set_before(const struct gw_type_set *s,
		const struct gw_instance_type *a, const struct gw_instance_type *b)
{
	(void)s;
	bool ca = in_catalog(a), cb = in_catalog(b);
	if (ca != cb) {
		return ca;
	}
	/* Both in the catalog, or both among the declared types: one array. */
	return (uintptr_t)a < (uintptr_t)b;
}

void gw_type_set_each(const struct gw_type_set *s, const char *spec,
		bool (*fn)(const struct gw_instance_type *t, void *arg),
		void *arg)
{
	gw_catalog_each(spec, fn, arg);
	for (size_t i = 0; s && i < s->n_extra; i++) {
		if (gw_catalog_selects(spec, &s->extra[i])) {
			fn(&s->extra[i], arg);
		}
	}
}
