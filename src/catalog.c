/* SPDX-License-Identifier: MIT */
/* The offline EC2 instance-type catalog: lookups and family expansion. */
#include "catalog.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* AWS Batch "optimal": C4, M4 and R4 (compute_environment_parameters.md). */
static const char *const optimal_families[] = {"c4", "m4", "r4"};

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

bool gw_catalog_selects(const char *spec, const struct gw_instance_type *t)
{
	/* The verifiers call this for every catalog entry and every spec of
	 * a compute environment: most entries differ in the first byte, so
	 * that is tested before any string function ("optimal" starts with
	 * 'o', and no type does). See docs/performance.md. */
	if (spec[0] != t->name[0] && spec[0] != 'o') {
		return false;
	}
	if (strcmp(spec, "optimal") == 0) {
		for (size_t i = 0; i < GW_ARRAY_LEN(optimal_families); i++) {
			if (in_family(optimal_families[i], t)) {
				return true;
			}
		}
		return false;
	}
	if (strchr(spec, '.')) {
		return strcmp(spec, t->name) == 0;
	}
	return in_family(spec, t);
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
static bool family_known(const char *family)
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
	return lo < gw_catalog_n_types
		&& in_family(family, &gw_catalog_types[lo]);
}

bool gw_catalog_spec_known(const char *spec)
{
	/* The same answer as gw_catalog_selects over every entry. */
	if (strcmp(spec, "optimal") == 0) {
		for (size_t i = 0; i < GW_ARRAY_LEN(optimal_families); i++) {
			if (family_known(optimal_families[i])) {
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
