/* SPDX-License-Identifier: MIT */
/* The mustache context interface over cJSON values. */
#include "mustache_cjson.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mustache_itf.h"

/* Significant digits that round-trip every double (DBL_DECIMAL_DIG). */
#define SHORTEST_DIGITS 15
#define ROUND_TRIP_DIGITS 17
/* 2^53: every integer below it is exactly representable as a double. */
#define MAX_EXACT_INTEGER 9007199254740992.0

/* cJSON keeps a value's type in the low byte of 'type', flags above it. */
#define CJSON_TYPE_MASK 0xff

static const void *cjson_lookup(void *ud, const void *v, const char *key)
{
	(void)ud;
	const cJSON *j = v;
	/* cJSON_IsObject, inlined: it is a library call per lookup. */
	if ((j->type & CJSON_TYPE_MASK) != cJSON_Object) {
		return NULL;
	}
	/* cJSON_GetObjectItemCaseSensitive, but comparing the first byte
	 * before calling strcmp: lookups are the renderer's main cost. */
	for (const cJSON *c = j->child; c; c = c->next) {
		if (c->string && c->string[0] == key[0] &&
				strcmp(c->string, key) == 0) {
			return c;
		}
	}
	return NULL;
}

static const void *cjson_enter(void *ud, const void *list)
{
	(void)ud;
	return ((const cJSON *)list)->child;
}

static const void *cjson_next(void *ud, const void *list, const void *item)
{
	(void)ud;
	(void)list;
	return ((const cJSON *)item)->next;
}

/* The decimal digits of 'n' (|n| < 2^53), without snprintf's overhead:
 * most numbers in a view are integers (sizes, counts, priorities). */
static void format_integer(long long n, struct gw_buf *tmp)
{
	char s[24];
	char *p = s + sizeof(s);
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n :
		(unsigned long long)n;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (n < 0) {
		*--p = '-';
	}
	gw_buf_append(tmp, p, (size_t)(s + sizeof(s) - p));
}

/*
 * The shortest of %.15g, %.16g and %.17g that reads back as the same double,
 * so 1.21 prints as "1.21" and 85 as "85" (interpolation.json "Basic Decimal
 * Interpolation"), as JavaScript's Number#toString would.
 */
static void format_number(double x, struct gw_buf *tmp)
{
	char s[32];
	if (x > -MAX_EXACT_INTEGER && x < MAX_EXACT_INTEGER &&
			x == (double)(long long)x) {
		/* integers, the common case, without the %g round trip;
		 * -0 keeps its sign through the %g path below */
		if (x != 0 || !signbit(x)) {
			format_integer((long long)x, tmp);
			return;
		}
	}
	for (int digits = SHORTEST_DIGITS; digits <= ROUND_TRIP_DIGITS;
			digits++) {
		snprintf(s, sizeof(s), "%.*g", digits, x);
		if (strtod(s, NULL) == x) {
			break;
		}
	}
	gw_buf_puts(tmp, s);
}

static enum gw_mustache_kind cjson_get(void *ud, const void *v,
		struct gw_buf *tmp, const char **s, size_t *len)
{
	(void)ud;
	const cJSON *j = v;
	int type = j->type & CJSON_TYPE_MASK;
	if (type == cJSON_String) { /* by far the most common */
		if (s) {
			*s = j->valuestring ? j->valuestring : "";
			*len = strlen(*s);
		}
		return GW_MUSTACHE_STRING;
	}
	enum gw_mustache_kind kind;
	const char *text = NULL;
	switch (type) {
	case cJSON_False:
		kind = GW_MUSTACHE_FALSE;
		text = "false";
		break;
	case cJSON_True:
		kind = GW_MUSTACHE_TRUE;
		text = "true";
		break;
	case cJSON_Number:
		kind = GW_MUSTACHE_NUMBER;
		if (s) {
			format_number(j->valuedouble, tmp);
			text = gw_buf_str(tmp);
		}
		break;
	case cJSON_String:
	case cJSON_Raw:
		kind = GW_MUSTACHE_STRING;
		text = j->valuestring ? j->valuestring : "";
		break;
	case cJSON_Array:
		kind = GW_MUSTACHE_LIST;
		break;
	case cJSON_Object:
		kind = GW_MUSTACHE_MAP;
		break;
	default:
		kind = GW_MUSTACHE_NULL;
		break;
	}
	if (s) {
		*s = text ? text : "";
		*len = text ? strlen(text) : 0;
	}
	return kind;
}

static const struct gw_mustache_itf cjson_itf = {
	.lookup = cjson_lookup,
	.enter = cjson_enter,
	.next = cjson_next,
	.get = cjson_get,
};

bool gw_mustache_render_cjson(struct gw_mustache *t, const cJSON *data,
		gw_escape_fn escape, unsigned flags, struct gw_buf *out,
		struct gw_diags *d)
{
	return gw_mustache_render(t, &cjson_itf, NULL, data, escape, flags,
			out, d);
}
