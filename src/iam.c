/* SPDX-License-Identifier: MIT */
/* Offline IAM action data: lookups, wildcards, suggestions and scope hints. */
#include "iam.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "util.h"

/* Longest action part compared for suggestions; longer names are skipped. */
#define SUGGEST_NAME_MAX 128
/* At most this many optional resource types are named in a hint. */
#define HINT_TYPES_MAX 3
/*
 * Longest action pattern gw_iam_each matches; the longest IAM action name
 * is well under 100 characters, and the cap bounds the glob's cost on
 * hostile input (a wildcard service scans every action).
 */
#define ACTION_PATTERN_MAX 128
/* A suggestion is at most this many edits away, or a quarter of the name. */
#define SUGGEST_MIN_DISTANCE 2
#define SUGGEST_LENGTH_DIVISOR 4

/* The name of action 'i' of gw_iam_actions. */
static const char *action_name(size_t i)
{
	return gw_iam_str(gw_iam_actions[i].name);
}

/* Compare the first 'n' bytes of 'name' with 'prefix', ignoring case. */
static int cmp_prefix(const char *name, const char *prefix, size_t n)
{
	return strncasecmp(name, prefix, n);
}

const struct gw_iam_action *gw_iam_find(const char *action)
{
	size_t lo = 0, hi = gw_iam_n_actions;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcasecmp(action, action_name(mid));
		if (c == 0) {
			return &gw_iam_actions[mid];
		}
		if (c < 0) {
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	return NULL;
}

/*
 * The actions of 'service' ('n' bytes, no colon): [*first, *end). Every
 * name of the service starts with "service:", and ':' sorts before the
 * letters, digits and '-' of longer service names, so they are adjacent.
 */
static void service_range(const char *service, size_t n, size_t *first,
                          size_t *end)
{
	char key[SUGGEST_NAME_MAX + 2];
	if (n + 2 > sizeof(key)) {
		*first = *end = 0;
		return;
	}
	memcpy(key, service, n);
	key[n] = ':';
	key[n + 1] = '\0';
	size_t lo = 0, hi = gw_iam_n_actions;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_prefix(action_name(mid), key, n + 1) < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	*first = lo;
	while (lo < gw_iam_n_actions &&
	       cmp_prefix(action_name(lo), key, n + 1) == 0) {
		lo++;
	}
	*end = lo;
}

bool gw_iam_service_known(const char *service)
{
	const char *colon = strchr(service, ':');
	size_t n = colon ? (size_t)(colon - service) : strlen(service);
	size_t first, end;
	service_range(service, n, &first, &end);
	return first < end;
}

const struct gw_iam_type *gw_iam_action_type(const struct gw_iam_action *a,
                                             size_t i, bool *required)
{
	unsigned v = gw_iam_action_types[a->first + i];
	*required = (v & GW_IAM_REQUIRED) != 0;
	return &gw_iam_types[v & GW_IAM_TYPE_MASK];
}

/* IAM's glob: '*' any run, '?' one character, ignoring ASCII case. The
 * classic greedy match with one backtrack point is linear-ish and cannot
 * blow up on many stars. */
bool gw_iam_glob(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;
	while (*s) {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (*pat == '?' ||
		           (*pat && tolower((unsigned char)*pat) ==
		                            tolower((unsigned char)*s))) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*') {
		pat++;
	}
	return *pat == '\0';
}

size_t gw_iam_each(const char *pattern,
                   bool (*fn)(const struct gw_iam_action *a, void *arg),
                   void *arg)
{
	const char *colon = strchr(pattern, ':');
	if (!colon || strlen(pattern) > ACTION_PATTERN_MAX) {
		return 0;
	}
	/*
	 * Without a wildcard the pattern matches at most the one action with
	 * its name (ignoring case): a binary search, instead of globbing every
	 * action of the service, which was most of the time the IAM rules
	 * took on a profile (docs/performance.md).
	 */
	if (!strpbrk(pattern, "*?")) {
		const struct gw_iam_action *a = gw_iam_find(pattern);
		if (a && fn) {
			fn(a, arg);
		}
		return a != NULL;
	}
	size_t svc_len = (size_t)(colon - pattern);
	size_t first = 0, end = gw_iam_n_actions;
	bool wild_service = memchr(pattern, '*', svc_len) ||
	                    memchr(pattern, '?', svc_len);
	if (!wild_service) {
		service_range(pattern, svc_len, &first, &end);
	}
	size_t n = 0;
	bool more = true;
	for (size_t i = first; i < end; i++) {
		if (gw_iam_glob(pattern, action_name(i))) {
			n++;
			if (more && fn) {
				more = fn(&gw_iam_actions[i], arg);
			}
		}
	}
	return n;
}

/* Levenshtein distance of 'a' and 'b' ignoring case; SIZE_MAX if too long. */
static size_t threshold(size_t len)
{
	size_t t = len / SUGGEST_LENGTH_DIVISOR;
	return t > SUGGEST_MIN_DISTANCE ? t : SUGGEST_MIN_DISTANCE;
}

/* The action of [first, end) closest to 'verb' within the threshold. */
static const char *closest_action(const char *verb, size_t first, size_t end)
{
	const char *best = NULL;
	size_t best_d = threshold(strlen(verb)) + 1;
	for (size_t i = first; i < end; i++) {
		const char *v = strchr(action_name(i), ':') + 1;
		size_t d = gw_edit_distance(verb, strlen(verb), v, strlen(v), true);
		if (d < best_d) {
			best_d = d;
			best = action_name(i);
		}
	}
	return best;
}

const char *gw_iam_suggest(const char *action)
{
	const char *colon = strchr(action, ':');
	if (!colon || strpbrk(action, "*?")) {
		return NULL;
	}
	size_t svc_len = (size_t)(colon - action);
	size_t first, end;
	service_range(action, svc_len, &first, &end);
	if (first == end) {
		/* Unknown service: the closest service, then its action. */
		size_t best_d = threshold(svc_len) + 1;
		for (size_t i = 0; i < gw_iam_n_actions;) {
			const char *name = action_name(i);
			size_t n = (size_t)(strchr(name, ':') - name);
			size_t f, e;
			service_range(name, n, &f, &e);
			size_t d = gw_edit_distance(action, svc_len, name, n, true);
			if (d < best_d) {
				best_d = d;
				first = f;
				end = e;
			}
			i = e > i ? e : i + 1;
		}
	}
	return first < end ? closest_action(colon + 1, first, end) : NULL;
}

/* Append the ARN format 'arn' with 'v' filled in, its last other variable
 * as '*' and earlier ones as their bare names. */
static void put_arn(struct gw_buf *b, const char *arn,
                    const struct gw_iam_arn_values *v)
{
	static const char *const known[] = {"Partition", "Region", "Account"};
	const char *vals[] = {v->partition, v->region, v->account};
	_Static_assert(GW_ARRAY_LEN(known) == GW_ARRAY_LEN(vals),
	               "one value per known variable");
	const char *last = NULL;
	for (const char *p = strstr(arn, "${"); p; p = strstr(p + 2, "${")) {
		bool is_known = false;
		for (size_t i = 0; i < GW_ARRAY_LEN(known); i++) {
			size_t n = strlen(known[i]);
			is_known = is_known || (strncmp(p + 2, known[i], n) == 0 &&
			                        p[2 + n] == '}');
		}
		if (!is_known) {
			last = p;
		}
	}
	for (const char *p = arn; *p;) {
		const char *end = p[0] == '$' && p[1] == '{' ? strchr(p, '}')
		                                               : NULL;
		if (!end) {
			gw_buf_putc(b, *p++);
			continue;
		}
		const char *name = p + 2;
		size_t n = (size_t)(end - name);
		const char *val = NULL;
		for (size_t i = 0; i < GW_ARRAY_LEN(known); i++) {
			if (strlen(known[i]) == n && !strncmp(name, known[i], n)) {
				val = vals[i];
			}
		}
		if (val) {
			gw_buf_puts(b, val);
		} else if (p == last) {
			gw_buf_putc(b, '*');
		} else {
			gw_buf_append(b, name, n);
		}
		p = end + 1;
	}
}

const struct gw_iam_type *gw_iam_scope_hint(const struct gw_iam_action *a,
                                            const struct gw_iam_arn_values *v,
                                            bool condition, char *out,
                                            size_t n)
{
	const struct gw_iam_type *picked[HINT_TYPES_MAX];
	size_t np = 0;
	bool any_required = false;
	for (size_t i = 0; i < a->n; i++) {
		bool req;
		gw_iam_action_type(a, i, &req);
		any_required = any_required || req;
	}
	for (size_t i = 0; i < a->n && np < HINT_TYPES_MAX; i++) {
		bool req;
		const struct gw_iam_type *t = gw_iam_action_type(a, i, &req);
		if (req || !any_required) {
			picked[np++] = t;
		}
	}
	if (n) {
		out[0] = '\0';
	}
	if (np == 0) {
		return NULL;
	}
	struct gw_buf b;
	gw_buf_init(&b);
	for (size_t i = 0; i < np; i++) {
		if (i > 0) {
			gw_buf_puts(&b, i + 1 == np ? " and " : ", ");
		}
		gw_buf_puts(&b, strchr(gw_iam_str(picked[i]->name), ':') + 1);
	}
	gw_buf_puts(&b, " ARNs");
	const char *sep = ": ";
	const char *cond = NULL;
	for (size_t i = 0; i < np; i++) {
		const char *arn = gw_iam_str(picked[i]->arn);
		const char *tag = gw_iam_str(picked[i]->tag_condition);
		if (arn[0]) {
			gw_buf_puts(&b, sep);
			put_arn(&b, arn, v);
			sep = ", ";
		}
		if (!cond && tag[0]) {
			cond = tag;
		}
	}
	if (condition && cond) {
		gw_buf_puts(&b, " or add a condition such as ");
		gw_buf_puts(&b, cond);
	}
	snprintf(out, n, "%s", gw_buf_str(&b));
	gw_buf_finish(&b);
	return picked[0];
}
