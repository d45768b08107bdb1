/* SPDX-License-Identifier: MIT */
/* Unified diff: longest common subsequence of lines, grouped into hunks. */
#include "diff.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * Cells of the longest-common-subsequence table, after trimming the common
 * head and tail. Past this the changed middle is shown as one block, so
 * memory stays bounded (4 bytes a cell: 16 MiB).
 */
#define GW_DIFF_MAX_CELLS (4u * 1024 * 1024)

struct line {
	const char *p;
	size_t len; /* including the '\n', if any */
};

struct lines {
	struct line *v;
	size_t n, cap;
};

enum op_kind {
	OP_SAME,
	OP_DEL,
	OP_ADD,
};

struct op {
	enum op_kind kind;
	size_t a, b; /* line index in a (SAME, DEL) and in b (SAME, ADD) */
};

struct ops {
	struct op *v;
	size_t n, cap;
};

static void split_lines(struct lines *l, const char *s, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n' || i + 1 == len) {
			gw_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
			l->v[l->n++] = (struct line){s + start, i + 1 - start};
			start = i + 1;
		}
	}
}

static bool same_line(const struct line *x, const struct line *y)
{
	return x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}

static void push(struct ops *o, enum op_kind kind, size_t a, size_t b)
{
	gw_grow((void **)&o->v, &o->cap, o->n + 1, sizeof(*o->v));
	o->v[o->n++] = (struct op){kind, a, b};
}

/* The edit script for a[a0..a1) -> b[b0..b1), which share no head or tail. */
static void diff_middle(struct ops *o, const struct lines *a, size_t a0,
		size_t a1, const struct lines *b, size_t b0, size_t b1)
{
	size_t n = a1 - a0, m = b1 - b0;
	if (n == 0 || m == 0 || (n + 1) > GW_DIFF_MAX_CELLS / (m + 1)) {
		for (size_t i = a0; i < a1; i++) {
			push(o, OP_DEL, i, b0);
		}
		for (size_t j = b0; j < b1; j++) {
			push(o, OP_ADD, a1, j);
		}
		return;
	}
	/* lcs[i][j]: length of the LCS of a[a0+i..a1) and b[b0+j..b1). */
	size_t w = m + 1;
	uint32_t *lcs = gw_xcalloc((n + 1) * w, sizeof(*lcs));
	for (size_t i = n; i-- > 0;) {
		for (size_t j = m; j-- > 0;) {
			uint32_t *c = &lcs[i * w + j];
			if (same_line(&a->v[a0 + i], &b->v[b0 + j])) {
				*c = lcs[(i + 1) * w + j + 1] + 1;
			} else {
				uint32_t down = lcs[(i + 1) * w + j];
				uint32_t right = lcs[i * w + j + 1];
				*c = down >= right ? down : right;
			}
		}
	}
	size_t i = 0, j = 0;
	while (i < n || j < m) {
		if (i < n && j < m
				&& same_line(&a->v[a0 + i], &b->v[b0 + j])) {
			push(o, OP_SAME, a0 + i++, b0 + j++);
		} else if (j == m || (i < n && lcs[(i + 1) * w + j]
					>= lcs[i * w + j + 1])) {
			push(o, OP_DEL, a0 + i++, b0 + j);
		} else {
			push(o, OP_ADD, a0 + i, b0 + j++);
		}
	}
	free(lcs);
}

static void put_range(struct gw_buf *out, char sign, size_t start, size_t len)
{
	/* diff -u: a range of one line omits ",1"; an empty one names the
	 * line before it. */
	if (len == 1) {
		gw_buf_printf(out, "%c%zu", sign, start + 1);
	} else {
		gw_buf_printf(out, "%c%zu,%zu", sign, len ? start + 1 : start,
				len);
	}
}

static void put_line(struct gw_buf *out, char sign, const struct line *l)
{
	gw_buf_putc(out, sign);
	gw_buf_append(out, l->p, l->len);
	if (!l->len || l->p[l->len - 1] != '\n') {
		gw_buf_puts(out, "\n\\ No newline at end of file\n");
	}
}

/* Print ops[from..to) as one hunk. */
static void put_hunk(struct gw_buf *out, const struct ops *o, size_t from,
		size_t to, const struct lines *a, const struct lines *b)
{
	size_t alen = 0, blen = 0;
	for (size_t k = from; k < to; k++) {
		alen += o->v[k].kind != OP_ADD;
		blen += o->v[k].kind != OP_DEL;
	}
	gw_buf_puts(out, "@@ ");
	put_range(out, '-', o->v[from].a, alen);
	gw_buf_putc(out, ' ');
	put_range(out, '+', o->v[from].b, blen);
	gw_buf_puts(out, " @@\n");
	for (size_t k = from; k < to; k++) {
		const struct op *p = &o->v[k];
		if (p->kind == OP_SAME) {
			put_line(out, ' ', &a->v[p->a]);
		} else if (p->kind == OP_DEL) {
			put_line(out, '-', &a->v[p->a]);
		} else {
			put_line(out, '+', &b->v[p->b]);
		}
	}
}

void gw_diff_unified(struct gw_buf *out, const char *alabel, const char *a,
		size_t alen, const char *blabel, const char *b, size_t blen)
{
	struct lines la = {0}, lb = {0};
	struct ops o = {0};
	split_lines(&la, a ? a : "", a ? alen : 0);
	split_lines(&lb, b ? b : "", b ? blen : 0);

	size_t head = 0;
	while (head < la.n && head < lb.n
			&& same_line(&la.v[head], &lb.v[head])) {
		head++;
	}
	size_t tail = 0;
	while (tail < la.n - head && tail < lb.n - head
			&& same_line(&la.v[la.n - 1 - tail],
				&lb.v[lb.n - 1 - tail])) {
		tail++;
	}
	for (size_t i = 0; i < head; i++) {
		push(&o, OP_SAME, i, i);
	}
	diff_middle(&o, &la, head, la.n - tail, &lb, head, lb.n - tail);
	for (size_t i = tail; i-- > 0;) {
		push(&o, OP_SAME, la.n - 1 - i, lb.n - 1 - i);
	}

	bool header = false;
	for (size_t k = 0; k < o.n;) {
		if (o.v[k].kind == OP_SAME) {
			k++;
			continue;
		}
		/* A hunk: this change, and every later one that is at most
		 * two contexts of unchanged lines away, with context around. */
		size_t from = k > GW_DIFF_CONTEXT ? k - GW_DIFF_CONTEXT : 0;
		size_t end = k, same = 0;
		for (size_t q = k; q < o.n; q++) {
			if (o.v[q].kind != OP_SAME) {
				end = q + 1;
				same = 0;
			} else if (++same > 2 * GW_DIFF_CONTEXT) {
				break;
			}
		}
		size_t to = end + GW_DIFF_CONTEXT < o.n ? end + GW_DIFF_CONTEXT
							: o.n;
		if (!header) {
			gw_buf_printf(out, "--- %s\n+++ %s\n", alabel, blabel);
			header = true;
		}
		put_hunk(out, &o, from, to, &la, &lb);
		k = to;
	}
	free(o.v);
	free(la.v);
	free(lb.v);
}
