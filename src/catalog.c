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

bool gw_catalog_spec_known(const char *spec)
{
	for (size_t i = 0; i < gw_catalog_n_types; i++) {
		if (gw_catalog_selects(spec, &gw_catalog_types[i])) {
			return true;
		}
	}
	return false;
}
