/* SPDX-License-Identifier: MIT */
/* A read-only view of the profile loader's key tables, for the schema generator and scaffolding. */
#ifndef GW_PROFILE_KEYS_H
#define GW_PROFILE_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * One mapping of the profile format ("bucket", "compute environment", the
 * top level "profile"): the loader's own table, opaque here. Pointers stay
 * valid for the life of the program.
 */
struct gw_pschema;

/* How the loader takes a key's value (profile.c's enum ftype). */
enum gw_pkey_type {
	GW_PKEY_STR,  /* any scalar but null, kept as written */
	GW_PKEY_ENUM, /* a scalar, one of 'allowed' */
	GW_PKEY_INT,  /* an integer in min..max (or 0 with zero_ok) */
	GW_PKEY_BOOL, /* true/false (True, TRUE, False, FALSE) */
	GW_PKEY_STRS, /* a sequence of scalars, each one of 'allowed' if set */
	GW_PKEY_KVS,  /* a mapping of scalars to scalars */
	GW_PKEY_MAP,  /* a mapping described by 'sub' */
	GW_PKEY_LIST, /* a sequence of elements, see 'elem' */
};

/* What a GW_PKEY_LIST holds. */
enum gw_pkey_elem {
	GW_PKEY_ELEM_MAP,      /* mappings described by 'sub' */
	GW_PKEY_ELEM_RESOURCE, /* resource references (scalars, see below) */
	GW_PKEY_ELEM_NAME_OR_MAP, /* a scalar name, or a mapping 'sub' */
};

/* One key of a mapping, as the loader checks it. */
struct gw_pkey {
	const char *key;
	enum gw_pkey_type type;
	bool required;
	long long min, max;          /* GW_PKEY_INT range */
	bool unbounded;              /* GW_PKEY_INT: no upper bound */
	bool zero_ok;                /* GW_PKEY_INT: 0 ("none") also allowed */
	const long long *ints;       /* GW_PKEY_INT: allowed values, or NULL */
	size_t n_ints;
	const char *rule;            /* GW_PKEY_INT: rule ID of a range error */
	bool has_default;            /* the loader fills in def_* when absent */
	long long def_int;
	bool def_bool;
	const char *def_str;
	const char *const *allowed;  /* ENUM/STRS values, NULL-ended, or NULL */
	const struct gw_pschema *sub; /* MAP; LIST of ELEM_MAP or NAME_OR_MAP */
	enum gw_pkey_elem elem;      /* GW_PKEY_LIST */
};

/* The top level of a profile. */
const struct gw_pschema *gw_pschema_root(void);

/* The name of 'sc' in messages ("compute environment"). */
const char *gw_pschema_what(const struct gw_pschema *sc);

/* The number of keys of 'sc'. */
size_t gw_pschema_count(const struct gw_pschema *sc);

/* Fill '*out' with key 'i' (< gw_pschema_count) of 'sc', in table order. */
void gw_pschema_key(const struct gw_pschema *sc, size_t i,
		struct gw_pkey *out);

/*
 * Resource references (policy statements' 'resources'): whole word 'i'
 * ("*", "bucket"), or NULL past the last.
 */
const char *gw_pschema_resource_word(size_t i);

/*
 * The prefix of the other forms, 'i' ("bucket/", "secret:", ...), or NULL
 * past the last; text must follow the prefix.
 */
const char *gw_pschema_resource_prefix(size_t i);

#endif
