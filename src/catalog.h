/* SPDX-License-Identifier: MIT */
/* The offline EC2 instance-type catalog: sizes, GPUs and architecture. */
#ifndef GW_CATALOG_H
#define GW_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

enum gw_arch {
	GW_ARCH_X86_64,
	GW_ARCH_ARM64,
};

struct gw_instance_type {
	const char *name; /* "r6a.4xlarge" */
	unsigned vcpus;
	unsigned memory_mib; /* nominal, EC2 MemoryInfo.SizeInMiB */
	unsigned gpus;
	enum gw_arch arch;
	unsigned nvme_disks;   /* instance-store disks; 0 = EBS only */
	unsigned nvme_disk_gb; /* GB per instance-store disk */
	bool store_known;      /* the two above come from a source */
};

/*
 * The table generated from data/instance-types.tsv (tools/gen-catalog.py),
 * sorted by name. Read it through the functions below.
 */
extern const struct gw_instance_type gw_catalog_types[];
extern const size_t gw_catalog_n_types;

/* The entry for exactly 'name', or NULL when the catalog lacks it. Lent. */
const struct gw_instance_type *gw_catalog_find(const char *name);

/*
 * Whether the CE instance-type entry 'spec' selects 't': the type itself, its
 * family ("c5" selects every c5 size but the .metal ones, as Batch does), or a class Batch expands:
 * "optimal" (c4, m4, r4, all x86_64), "default_x86_64" (m6i, c6i, r6i, c7i)
 * or "default_arm64" (m6g, c6g, r6g, c7g), as the Batch API reference
 * lists them.
 */
bool gw_catalog_selects(const char *spec, const struct gw_instance_type *t);

/*
 * The catalog's nearest match for 'spec', an instance type or family it
 * does not know, for a "did you mean" hint: for a type ("r6a.huge"), the
 * size of the same family nearest by edit distance, else the nearest type
 * of any family; for a family ("m6ii"), the nearest family. Writes it to
 * 'out' ('size' bytes) and returns true, or returns false when nothing is
 * close (more than a third of the name differs).
 */
bool gw_catalog_suggest(const char *spec, char *out, size_t size);

/* Whether 'spec' is one of the classes above rather than a type or family. */
bool gw_catalog_is_class(const char *spec);

/*
 * Call 'fn' with each catalog entry 'spec' selects (as gw_catalog_selects
 * says), in table order, until it returns false; returns how many it was
 * given. A binary search finds each family's sizes, so a compute
 * environment's types cost what they select, not the whole catalog.
 */
size_t gw_catalog_each(const char *spec,
		bool (*fn)(const struct gw_instance_type *t, void *arg),
		void *arg);

/* Whether 'spec' selects at least one catalog entry. */
bool gw_catalog_spec_known(const char *spec);

/* The entry at 'i' (< gw_catalog_count()). Lent. */
size_t gw_catalog_count(void);
const struct gw_instance_type *gw_catalog_at(size_t i);

/* The family of 'type' ("c5" for "c5.xlarge") into 'out' of 'n' bytes. */
void gw_catalog_family(const char *type, char *out, size_t n);

/*
 * The catalog plus the instance types a profile declares because they are
 * newer than the catalog (docs/profile.md, `new_instance_types`). Entries
 * 0 .. gw_catalog_count()-1 are the catalog's, then 'extra' in order. A
 * NULL set is the catalog alone (templates have no declarations).
 */
struct gw_type_set {
	const struct gw_instance_type *extra; /* lent */
	size_t n_extra;
};

size_t gw_type_set_count(const struct gw_type_set *s);
const struct gw_instance_type *gw_type_set_at(const struct gw_type_set *s,
		size_t i);

/*
 * Whether entry 'a' of 's' comes before entry 'b' (the catalog's, in table
 * order, then the declared ones in order): the order in which a scan of
 * the set meets them, for ties.
 */
bool gw_type_set_before(const struct gw_type_set *s,
		const struct gw_instance_type *a, const struct gw_instance_type *b);

/*
 * Call 'fn' with each entry of 's' that 'spec' selects: the catalog's (a
 * binary search per family, gw_catalog_each), then the declared types.
 */
void gw_type_set_each(const struct gw_type_set *s, const char *spec,
		bool (*fn)(const struct gw_instance_type *t, void *arg),
		void *arg);

/* Whether 'spec' (a type, family or class) selects an entry of 's'. */
bool gw_type_set_spec_known(const struct gw_type_set *s, const char *spec);

/* "x86_64" or "arm64". */
const char *gw_arch_name(enum gw_arch arch);

#endif
