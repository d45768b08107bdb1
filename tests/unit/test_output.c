/* SPDX-License-Identifier: MIT */
/* Tests for output.c: atomic replacement of DIR/NAME, refusals, injected failures and crashes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "emit.h"
#include "output.h"
#include "util.h"

#include "scratch.h"

#define TEST_NAME "lab"

static int setup(void **state)
{
	*state = scratch_create("output");
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	scratch_destroy(*state);
	return 0;
}

static void add(struct gw_files *f, const char *path, const char *text,
		unsigned mode)
{
	gw_grow((void **)&f->v, &f->cap, f->n + 1, sizeof(*f->v));
	f->v[f->n++] = (struct gw_file){
		.path = gw_xstrdup(path),
		.data = gw_xstrdup(text),
		.len = strlen(text),
		.mode = mode,
	};
}

static void files_free(struct gw_files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].data);
	}
	free(f->v);
	*f = (struct gw_files){0};
}

static void old_set(struct gw_files *f)
{
	*f = (struct gw_files){0};
	add(f, "deploy.sh", "#!/bin/sh\necho old\n", 0755);
	add(f, "cfn/stack.yaml", "old: 1\n", 0644);
	add(f, "iam/a/b/policy.json", "{\"old\": true}\n", 0644);
	add(f, "only-old.txt", "gone after the new set\n", 0644);
	add(f, "iam/c/same.json", "{\"same\": 1}\n", 0644);
}

static void new_set(struct gw_files *f)
{
	*f = (struct gw_files){0};
	add(f, "deploy.sh", "#!/bin/sh\necho new\n", 0755);
	add(f, "cfn/stack.yaml", "new: 2\nmore: 3\n", 0644);
	add(f, "iam/a/b/policy.json", "{\"new\": true}\n", 0644);
	add(f, "iam/c/other.json", "{}\n", 0644);
	add(f, "users.sh", "#!/bin/sh\n", 0755);
	/* The one file both sets have: the new tree links it. */
	add(f, "iam/c/same.json", "{\"same\": 1}\n", 0644);
}

/* Every entry below 'path' as "REL MODE\nCONTENTS\n", sorted. */
static void snapshot_into(struct gw_buf *b, const char *top, const char *rel)
{
	char *path = *rel ? gw_xasprintf("%s/%s", top, rel) : gw_xstrdup(top);
	struct dirent **names = NULL;
	int n = scandir(path, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *e = names[i]->d_name;
		if (strcmp(e, ".") && strcmp(e, "..")) {
			char *sub = *rel ? gw_xasprintf("%s/%s", rel, e)
					 : gw_xstrdup(e);
			char *full = gw_xasprintf("%s/%s", top, sub);
			struct stat st;
			assert_int_equal(lstat(full, &st), 0);
			gw_buf_printf(b, "%s %o\n", sub,
					(unsigned)(st.st_mode & 07777));
			if (S_ISDIR(st.st_mode)) {
				snapshot_into(b, top, sub);
			} else {
				size_t len = 0;
				char *text = gw_read_file(full, 1 << 20, &len);
				assert_non_null(text);
				gw_buf_append(b, text, len);
				free(text);
			}
			free(full);
			free(sub);
		}
		free(names[i]);
	}
	free(names);
	free(path);
}

static char *snapshot(const char *top)
{
	struct gw_buf b;
	gw_buf_init(&b);
	struct stat st;
	if (lstat(top, &st) != 0) {
		gw_buf_puts(&b, "(absent)");
	} else {
		snapshot_into(&b, top, "");
	}
	return gw_buf_detach(&b, NULL);
}

/* The names in 'dir' other than NAME: temporary or backup trees. (Files
 * named "outside*" are a test's own, made beside the tree.) */
static size_t count_leftovers(const char *dir)
{
	DIR *dp = opendir(dir);
	assert_non_null(dp);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(dp));) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")
				&& strcmp(e->d_name, TEST_NAME)
				&& !gw_has_prefix(e->d_name, "outside")) {
			n++;
		}
	}
	closedir(dp);
	return n;
}

static char *top_of(const struct scratch *s)
{
	return gw_xasprintf("%s/%s", s->dir, TEST_NAME);
}

/* Write 'f' and return true on success; 'd' keeps the findings. */
static bool write_set(const struct scratch *s, const struct gw_files *f,
		const struct gw_output_hooks *h, struct gw_diags *d)
{
	return gw_output_write_hooked(s->dir, TEST_NAME, f, NULL, h, d);
}

/* Expected tree for a set: the same format as snapshot(). */
static char *expected_of(const struct scratch *s, const struct gw_files *f)
{
	/* Write the set into a second scratch directory and snapshot it. */
	char *dir = gw_xasprintf("%s/expect", s->dir);
	struct gw_diags d;
	gw_diags_init(&d);
	assert_true(gw_output_write(dir, TEST_NAME, f, NULL, &d));
	gw_diags_finish(&d);
	char *top = gw_xasprintf("%s/%s", dir, TEST_NAME);
	char *snap = snapshot(top);
	scratch_rm_rf(dir);
	free(top);
	free(dir);
	return snap;
}

static void test_output_write_new(void **state)
{
	struct scratch *s = *state;
	struct gw_files f;
	new_set(&f);
	struct gw_diags d;
	gw_diags_init(&d);
	assert_true(write_set(s, &f, NULL, &d));
	assert_int_equal(d.n, 0);

	char *top = top_of(s);
	char *snap = snapshot(top);
	/* The spec, written out by hand: modes are exact, umask or not. */
	const char *want =
		/* sha256sum of each file above, by path (sha256sum(1)). */
		".gwgen-files 644\n"
		"bb98c4b8cd0af2a45efeb1e1d4a7e45cc4975a843627093bd9e42ce642155cdb"
		"  cfn/stack.yaml\n"
		"87cd91c69511a9d701207a0677c29b9f2a530b71554738fec526ea6bdfbdceec"
		"  deploy.sh\n"
		"d39233370c5c37d37130c258e7f475ac19edfd3e591ae390e4ce3c2fb21910d8"
		"  iam/a/b/policy.json\n"
		"ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356"
		"  iam/c/other.json\n"
		"b7db74eb22ce57197efb0d0cc4da286f285ddbcafe8f7a52948644f5af5df982"
		"  iam/c/same.json\n"
		"a8076d3d28d21e02012b20eaf7dbf75409a6277134439025f282e368e3305abf"
		"  users.sh\n"
		"cfn 755\n"
		"cfn/stack.yaml 644\nnew: 2\nmore: 3\n"
		"deploy.sh 755\n#!/bin/sh\necho new\n"
		"iam 755\n"
		"iam/a 755\n"
		"iam/a/b 755\n"
		"iam/a/b/policy.json 644\n{\"new\": true}\n"
		"iam/c 755\n"
		"iam/c/other.json 644\n{}\n"
		"iam/c/same.json 644\n{\"same\": 1}\n"
		"users.sh 755\n#!/bin/sh\n";
	assert_string_equal(snap, want);
	assert_int_equal(count_leftovers(s->dir), 0);
	free(snap);
	free(top);
	gw_diags_finish(&d);
	files_free(&f);
}

static void test_output_replaces_old_completely(void **state)
{
	struct scratch *s = *state;
	struct gw_files a, b;
	old_set(&a);
	new_set(&b);
	struct gw_diags d;
	gw_diags_init(&d);
	assert_true(write_set(s, &a, NULL, &d));
	assert_true(write_set(s, &b, NULL, &d));
	assert_int_equal(d.n, 0);
	char *top = top_of(s);
	char *only_old = gw_xasprintf("%s/only-old.txt", top);
	assert_int_equal(access(only_old, F_OK), -1);
	char *snap = snapshot(top);
	char *want = expected_of(s, &b);
	assert_string_equal(snap, want);
	assert_int_equal(count_leftovers(s->dir), 0);
	free(want);
	free(snap);
	free(only_old);
	free(top);
	gw_diags_finish(&d);
	files_free(&a);
	files_free(&b);
}

/* lstat 'top'/'rel', which must exist. */
static struct stat stat_of(const char *top, const char *rel)
{
	char *path = gw_xasprintf("%s/%s", top, rel);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	free(path);
	return st;
}

/* Count the steps of a write, whatever their kind. */
static bool count_step(void *ud, enum gw_output_step step)
{
	(void)step;
	(*(int *)ud)++;
	return true;
}

/*
 * Writing the set that is there already changes nothing: no step runs
 * (no temporary tree, no fsync, no swap), every file keeps its inode and
 * mtime, and every file is reported kept.
 */
static void test_output_unchanged_is_left_alone(void **state)
{
	struct scratch *s = *state;
	struct gw_files f;
	new_set(&f);
	struct gw_diags d;
	gw_diags_init(&d);
	assert_true(write_set(s, &f, NULL, &d));
	char *top = top_of(s);
	struct stat before[8];
	assert_true(f.n <= GW_ARRAY_LEN(before));
	for (size_t i = 0; i < f.n; i++) {
		before[i] = stat_of(top, f.v[i].path);
	}
	struct stat top_before = stat_of(top, ".");

	int steps = 0;
	struct gw_output_hooks h = {.before = count_step, .ud = &steps};
	bool kept[8] = {false};
	assert_true(gw_output_write_hooked(s->dir, TEST_NAME, &f, kept, &h,
			&d));
	assert_int_equal(d.n, 0);
	assert_int_equal(steps, 0);
	for (size_t i = 0; i < f.n; i++) {
		struct stat now = stat_of(top, f.v[i].path);
		assert_true(kept[i]);
		assert_int_equal(now.st_ino, before[i].st_ino);
		assert_int_equal(now.st_mtim.tv_sec, before[i].st_mtim.tv_sec);
		assert_int_equal(now.st_mtim.tv_nsec,
				before[i].st_mtim.tv_nsec);
	}
	assert_int_equal(stat_of(top, ".").st_ino, top_before.st_ino);
	assert_int_equal(count_leftovers(s->dir), 0);
	free(top);
	gw_diags_finish(&d);
	files_free(&f);
}

/*
 * Replace the old set by the new, which has one of its files already:
 * with working links ('hooks' NULL) that file is a link to the old one
 * (same inode, one link once the old tree is gone, reported kept); where
 * linking fails ('hooks' fail it) it is written like the others. Either
 * way every changed file is a new inode (never written in place), and the
 * tree is what a fresh write makes.
 */
static void replace_sharing_one(struct scratch *s,
		const struct gw_output_hooks *hooks)
{
	static const char shared[] = "iam/c/same.json";
	bool linked = !hooks;
	struct gw_files a, b;
	old_set(&a);
	new_set(&b);
	struct gw_diags d;
	gw_diags_init(&d);
	assert_true(write_set(s, &a, NULL, &d));
	char *top = top_of(s);
	struct stat same_before = stat_of(top, shared);
	struct stat deploy_before = stat_of(top, "deploy.sh");
	bool kept[8] = {false};
	assert_true(b.n <= GW_ARRAY_LEN(kept));
	assert_true(gw_output_write_hooked(s->dir, TEST_NAME, &b, kept, hooks,
			&d));
	assert_int_equal(d.n, 0);
	for (size_t i = 0; i < b.n; i++) {
		assert_int_equal(kept[i],
				linked && strcmp(b.v[i].path, shared) == 0);
	}
	struct stat same_now = stat_of(top, shared);
	assert_int_equal(same_now.st_ino == same_before.st_ino, linked);
	assert_int_equal(same_now.st_nlink, 1);
	assert_int_not_equal(stat_of(top, "deploy.sh").st_ino,
			deploy_before.st_ino);
	char *snap = snapshot(top);
	char *want = expected_of(s, &b);
	assert_string_equal(snap, want);
	assert_int_equal(count_leftovers(s->dir), 0);
	free(want);
	free(snap);
	free(top);
	gw_diags_finish(&d);
	files_free(&a);
	files_free(&b);
}

static void test_output_links_unchanged_files(void **state)
{
	replace_sharing_one(*state, NULL);
}

/* Fail every link with 'err'. */
static bool no_links(void *ud, enum gw_output_step step)
{
	if (step == GW_OUTPUT_LINK) {
		errno = *(int *)ud;
		return false;
	}
	return true;
}

/* Where linking fails (a file system without hard links), the unchanged
 * file is written: the write still succeeds. */
static void test_output_link_failure_writes(void **state)
{
	int err = EPERM;
	struct gw_output_hooks h = {.before = no_links, .ud = &err};
	replace_sharing_one(*state, &h);
}

/*
 * Write 'f' over a tree that 'spoil' changed after the first write of
 * 'f' (given the path of 'rel'): the result must be exactly 'f', in a new
 * tree, with 'rel' written afresh when 'fresh'. (A change to a directory
 * or an extra entry leaves 'rel' itself as it was, to be linked.)
 */
static void expect_rewritten(struct scratch *s, const char *rel, bool fresh,
		void (*spoil)(const char *top, const char *path))
{
	struct gw_files f;
	new_set(&f);
	struct gw_diags d;
	gw_diags_init(&d);
	char *top = top_of(s);
	scratch_rm_rf(top);
	assert_true(write_set(s, &f, NULL, &d));
	char *want = snapshot(top);
	char *path = gw_xasprintf("%s/%s", top, rel);
	spoil(top, path);
	ino_t top_ino = stat_of(top, ".").st_ino;
	bool kept[8] = {false};
	assert_true(gw_output_write(s->dir, TEST_NAME, &f, kept, &d));
	assert_int_equal(d.n, 0);
	assert_int_not_equal(stat_of(top, ".").st_ino, top_ino);
	for (size_t i = 0; i < f.n; i++) {
		if (strcmp(f.v[i].path, rel) == 0) {
			assert_int_equal(kept[i], !fresh);
		}
	}
	char *snap = snapshot(top);
	assert_string_equal(snap, want);
	assert_int_equal(count_leftovers(s->dir), 0);
	free(snap);
	free(path);
	free(want);
	free(top);
	gw_diags_finish(&d);
	files_free(&f);
}

static void put_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* Same size, other bytes. */
static void spoil_bytes(const char *top, const char *path)
{
	(void)top;
	put_text(path, "#!/bin/sh\necho NEW\n");
}

static void spoil_mode(const char *top, const char *path)
{
	(void)top;
	assert_int_equal(chmod(path, 0700), 0);
}

static void spoil_dir_mode(const char *top, const char *path)
{
	(void)path;
	char *dir = gw_xasprintf("%s/iam/a", top);
	assert_int_equal(chmod(dir, 0700), 0);
	free(dir);
}

static void spoil_top_mode(const char *top, const char *path)
{
	(void)path;
	assert_int_equal(chmod(top, 0750), 0);
}

static void spoil_missing(const char *top, const char *path)
{
	(void)top;
	assert_int_equal(unlink(path), 0);
}

/* The file is a symlink to one with the right bytes, outside the tree. */
static void spoil_symlink(const char *top, const char *path)
{
	char *outside = gw_xasprintf("%s/../outside.sh", top);
	put_text(outside, "#!/bin/sh\necho new\n");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("../outside.sh", path), 0);
	free(outside);
}

/* The file has a second link outside the tree (someone may edit it there). */
static void spoil_linked(const char *top, const char *path)
{
	char *outside = gw_xasprintf("%s/../outside-link", top);
	assert_int_equal(link(path, outside), 0);
	free(outside);
}

/* A FIFO where a file goes: comparing must not open it (no writer would
 * ever come, and the run would hang). */
static void spoil_fifo(const char *top, const char *path)
{
	(void)top;
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0644), 0);
}

/* A directory replaced by a symlink to the directory it is in: a loop. */
static void spoil_loop(const char *top, const char *path)
{
	(void)path;
	char *dir = gw_xasprintf("%s/iam/a", top);
	scratch_rm_rf(dir);
	assert_int_equal(symlink(".", dir), 0);
	free(dir);
}

/* Any difference from the set makes a real write, which puts it right. */
static void test_output_differences_are_rewritten(void **state)
{
	struct scratch *s = *state;
	expect_rewritten(s, "deploy.sh", true, spoil_bytes);
	expect_rewritten(s, "deploy.sh", true, spoil_mode);
	expect_rewritten(s, "deploy.sh", false, spoil_dir_mode);
	expect_rewritten(s, "deploy.sh", false, spoil_top_mode);
	/* (An extra file stops the write: test_output_refuses_foreign_files.) */
	expect_rewritten(s, "deploy.sh", true, spoil_missing);
	expect_rewritten(s, "deploy.sh", true, spoil_symlink);
	expect_rewritten(s, "deploy.sh", true, spoil_fifo);
	expect_rewritten(s, "deploy.sh", false, spoil_loop);
	char *outside = gw_xasprintf("%s/outside.sh", s->dir);
	size_t len = 0;
	char *text = gw_read_file(outside, 100, &len);
	assert_string_equal(text, "#!/bin/sh\necho new\n");
	free(text);
	free(outside);

	/* The linked-elsewhere file is written afresh: the tree no longer
	 * shares its inode with the outside link, which is left as it was. */
	expect_rewritten(s, "deploy.sh", true, spoil_linked);
	char *top = top_of(s);
	char *link_path = gw_xasprintf("%s/outside-link", s->dir);
	struct stat out_st;
	assert_int_equal(lstat(link_path, &out_st), 0);
	assert_int_equal(out_st.st_nlink, 1);
	assert_int_not_equal(stat_of(top, "deploy.sh").st_ino, out_st.st_ino);
	free(link_path);
	free(top);
}

/* At the first link, replace 'path' (by rename, as an editor saves) with
 * other bytes of the same size. */
struct replacer {
	const char *path;
	bool done;
};

static bool replace_before_link(void *ud, enum gw_output_step step)
{
	struct replacer *r = ud;
	if (step == GW_OUTPUT_LINK && !r->done) {
		r->done = true;
		char *tmp = gw_xasprintf("%s.edit", r->path);
		put_text(tmp, "#!/bin/sh\necho NEW\n");
		assert_int_equal(rename(tmp, r->path), 0);
		free(tmp);
	}
	return true;
}

/*
 * A file replaced between the comparison and the link is not taken: the
 * name no longer holds the inode that was compared, so the file is
 * written, and the output is still exactly the set.
 */
static void test_output_replaced_meanwhile_is_written(void **state)
{
	struct scratch *s = *state;
	struct gw_files f;
	new_set(&f);
	struct gw_diags d;
	gw_diags_init(&d);
	assert_true(write_set(s, &f, NULL, &d));
	char *top = top_of(s);
	char *want = snapshot(top);
	/* Another mode on the top, so the tree is replaced and its files
	 * linked. */
	spoil_top_mode(top, NULL);
	char *path = gw_xasprintf("%s/%s", top, f.v[0].path);
	struct replacer r = {.path = path};
	struct gw_output_hooks h = {.before = replace_before_link, .ud = &r};
	bool kept[8] = {false};
	assert_true(gw_output_write_hooked(s->dir, TEST_NAME, &f, kept, &h,
			&d));
	assert_true(r.done);
	assert_int_equal(d.n, 0);
	assert_false(kept[0]);
	for (size_t i = 1; i < f.n; i++) {
		assert_true(kept[i]);
	}
	char *snap = snapshot(top);
	assert_string_equal(snap, want);
	assert_int_equal(count_leftovers(s->dir), 0);
	free(snap);
	free(path);
	free(want);
	free(top);
	gw_diags_finish(&d);
	files_free(&f);
}

static void test_output_creates_missing_dir(void **state)
{
	struct scratch *s = *state;
	struct gw_files f;
	new_set(&f);
	struct gw_diags d;
	gw_diags_init(&d);
	char *dir = gw_xasprintf("%s/deep/er/", s->dir);
	assert_true(gw_output_write(dir, TEST_NAME, &f, NULL, &d));
	char *path = gw_xasprintf("%s%s/deploy.sh", dir, TEST_NAME);
	assert_int_equal(access(path, F_OK), 0);
	free(path);
	free(dir);
	gw_diags_finish(&d);
	files_free(&f);
}

/* Fail the step of kind 'kind' number 'after' (1-based) with 'err'. */
struct failer {
	enum gw_output_step kind;
	int after;
	int err;
	int seen;
};

static bool fail_nth(void *ud, enum gw_output_step step)
{
	struct failer *f = ud;
	if (step == f->kind && ++f->seen == f->after) {
		errno = f->err;
		return false;
	}
	return true;
}

static void expect_failure_keeps_old(struct scratch *s,
		enum gw_output_step kind, int after, int err)
{
	struct gw_files a, b;
	old_set(&a);
	new_set(&b);
	struct gw_diags d;
	gw_diags_init(&d);
	char *top = top_of(s);
	scratch_rm_rf(top);
	assert_true(write_set(s, &a, NULL, &d));
	char *before = snapshot(top);

	struct failer fl = {.kind = kind, .after = after, .err = err};
	struct gw_output_hooks h = {.before = fail_nth, .ud = &fl};
	assert_false(write_set(s, &b, &h, &d));
	assert_int_equal(fl.seen, after);
	assert_int_equal(d.n_errors, 1);
	assert_non_null(strstr(d.v[0].msg, "cannot write '"));
	assert_non_null(strstr(d.v[0].msg, strerror(err)));

	char *after_snap = snapshot(top);
	assert_string_equal(after_snap, before);
	assert_int_equal(count_leftovers(s->dir), 0);
	free(after_snap);
	free(before);
	free(top);
	gw_diags_finish(&d);
	files_free(&a);
	files_free(&b);
}

static void test_output_failed_write_keeps_old(void **state)
{
	/* Each of the five files the new set writes fails in turn (its
	 * sixth, which the old set has already, is linked). */
	for (int n = 1; n <= 5; n++) {
		expect_failure_keeps_old(*state, GW_OUTPUT_WRITE, n, ENOSPC);
	}
}

static void test_output_failed_fsync_keeps_old(void **state)
{
	/* Six files, five subdirectories, then the directory itself. */
	for (int n = 1; n <= 12; n++) {
		expect_failure_keeps_old(*state, GW_OUTPUT_FSYNC, n, EIO);
	}
}

static void test_output_failed_mkdir_keeps_old(void **state)
{
	for (int n = 1; n <= 5; n++) {
		expect_failure_keeps_old(*state, GW_OUTPUT_MKDIR, n, ENOSPC);
	}
}

static void test_output_failed_swap_keeps_old(void **state)
{
	expect_failure_keeps_old(*state, GW_OUTPUT_SWAP, 1, EXDEV);
}

/* Force the two-rename fallback by failing the exchange with ENOSYS. */
struct fallback {
	struct failer fail;  /* another step to fail, if any */
	struct killer *kill; /* or to die at, if set */
};

static bool no_exchange(void *ud, enum gw_output_step step);

static void test_output_fallback_replaces(void **state)
{
	struct scratch *s = *state;
	struct gw_files a, b;
	old_set(&a);
	new_set(&b);
	struct gw_diags d;
	gw_diags_init(&d);
	assert_true(write_set(s, &a, NULL, &d));
	struct fallback fb = {0};
	struct gw_output_hooks h = {.before = no_exchange, .ud = &fb};
	assert_true(write_set(s, &b, &h, &d));
	assert_int_equal(d.n, 0);
	char *top = top_of(s);
	char *snap = snapshot(top);
	char *want = expected_of(s, &b);
	assert_string_equal(snap, want);
	assert_int_equal(count_leftovers(s->dir), 0);

	/* The second rename fails: the old tree is put back. */
	char *before = snapshot(top);
	fb.fail = (struct failer){.kind = GW_OUTPUT_SWAP, .after = 2,
		.err = EIO};
	assert_false(write_set(s, &a, &h, &d));
	char *after = snapshot(top);
	assert_string_equal(after, before);
	assert_int_equal(count_leftovers(s->dir), 0);
	free(after);
	free(before);
	free(want);
	free(snap);
	free(top);
	gw_diags_finish(&d);
	files_free(&a);
	files_free(&b);
}

/* A backup left by a kill in the fallback's window is the old output. */
static void test_output_restores_orphaned_backup(void **state)
{
	struct scratch *s = *state;
	struct gw_files a, b;
	old_set(&a);
	new_set(&b);
	struct gw_diags d;
	gw_diags_init(&d);
	char *top = top_of(s);
	char *backup = gw_xasprintf("%s/.%s.old-AbC123", s->dir, TEST_NAME);
	char *stale_tmp = gw_xasprintf("%s/.%s.tmp-XyZ789", s->dir, TEST_NAME);
	assert_true(write_set(s, &a, NULL, &d));
	char *want_old = snapshot(top);
	assert_int_equal(rename(top, backup), 0);
	assert_int_equal(mkdir(stale_tmp, 0755), 0);

	/* This run fails, yet the old output is back in place. */
	struct failer fl = {.kind = GW_OUTPUT_WRITE, .after = 1,
		.err = ENOSPC};
	struct gw_output_hooks h = {.before = fail_nth, .ud = &fl};
	assert_false(write_set(s, &b, &h, &d));
	char *snap = snapshot(top);
	assert_string_equal(snap, want_old);
	assert_int_equal(count_leftovers(s->dir), 0);
	free(snap);

	/* And a run that succeeds replaces it as usual. */
	assert_int_equal(rename(top, backup), 0);
	assert_true(write_set(s, &b, NULL, &d));
	snap = snapshot(top);
	char *want_new = expected_of(s, &b);
	assert_string_equal(snap, want_new);
	assert_int_equal(count_leftovers(s->dir), 0);
	free(want_new);
	free(snap);
	free(want_old);
	free(stale_tmp);
	free(backup);
	free(top);
	gw_diags_finish(&d);
	files_free(&a);
	files_free(&b);
}

static void test_output_error_message_names_file(void **state)
{
	struct scratch *s = *state;
	struct gw_files f;
	new_set(&f);
	struct gw_diags d;
	gw_diags_init(&d);
	struct failer fl = {.kind = GW_OUTPUT_WRITE, .after = 2,
		.err = ENOSPC};
	struct gw_output_hooks h = {.before = fail_nth, .ud = &fl};
	assert_false(write_set(s, &f, &h, &d));
	/* Files are written in the order given: the second one. */
	char *want = gw_xasprintf("cannot write '%s/%s/cfn/stack.yaml': %s",
			s->dir, TEST_NAME, strerror(ENOSPC));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].msg, want);
	assert_int_equal(d.v[0].loc.line, 0);
	char *top = top_of(s);
	assert_int_equal(access(top, F_OK), -1);
	assert_int_equal(count_leftovers(s->dir), 0);
	free(top);
	free(want);
	gw_diags_finish(&d);
	files_free(&f);
}

static void test_output_refuses_file_at_name(void **state)
{
	struct scratch *s = *state;
	char *top = top_of(s);
	FILE *fp = fopen(top, "w");
	assert_non_null(fp);
	fputs("precious\n", fp);
	fclose(fp);
	struct gw_files f;
	new_set(&f);
	struct gw_diags d;
	gw_diags_init(&d);
	assert_false(write_set(s, &f, NULL, &d));
	assert_non_null(strstr(d.v[0].msg, "not a directory"));
	size_t len = 0;
	char *text = gw_read_file(top, 100, &len);
	assert_string_equal(text, "precious\n");
	assert_int_equal(count_leftovers(s->dir), 0);
	free(text);
	free(top);
	gw_diags_finish(&d);
	files_free(&f);
}

static void test_output_refuses_symlink_at_name(void **state)
{
	struct scratch *s = *state;
	char *target = gw_xasprintf("%s/elsewhere", s->dir);
	assert_int_equal(mkdir(target, 0755), 0);
	char *top = top_of(s);
	assert_int_equal(symlink("elsewhere", top), 0);
	struct gw_files f;
	new_set(&f);
	struct gw_diags d;
	gw_diags_init(&d);
	assert_false(write_set(s, &f, NULL, &d));
	assert_non_null(strstr(d.v[0].msg, "symbolic link"));
	char *snap = snapshot(target);
	assert_string_equal(snap, "");
	free(snap);
	free(top);
	free(target);
	gw_diags_finish(&d);
	files_free(&f);
}

static void test_output_refuses_dir_that_is_a_file(void **state)
{
	struct scratch *s = *state;
	char *file = gw_xasprintf("%s/plain", s->dir);
	FILE *fp = fopen(file, "w");
	assert_non_null(fp);
	fclose(fp);
	struct gw_files f;
	new_set(&f);
	struct gw_diags d;
	gw_diags_init(&d);
	assert_false(gw_output_write(file, TEST_NAME, &f, NULL, &d));
	char *want = gw_xasprintf("cannot write '%s': %s", file,
			strerror(ENOTDIR));
	assert_string_equal(d.v[0].msg, want);
	free(want);
	free(file);
	gw_diags_finish(&d);
	files_free(&f);
}

static void test_output_refuses_unsafe_names(void **state)
{
	struct scratch *s = *state;
	static const char *const bad_names[] = {"", ".", "..", "a/b", "/x"};
	static const char *const bad_paths[] = {
		"../escape", "/etc/passwd", "a//b", "a/./b", "a/../../b",
		"", "dir/",
	};
	struct gw_diags d;
	gw_diags_init(&d);
	struct gw_files f;
	new_set(&f);
	for (size_t i = 0; i < GW_ARRAY_LEN(bad_names); i++) {
		assert_false(gw_output_write(s->dir, bad_names[i], &f, NULL,
				&d));
	}
	files_free(&f);
	for (size_t i = 0; i < GW_ARRAY_LEN(bad_paths); i++) {
		new_set(&f);
		add(&f, bad_paths[i], "x\n", 0644);
		assert_false(write_set(s, &f, NULL, &d));
		files_free(&f);
	}
	assert_int_equal(d.n_errors,
			GW_ARRAY_LEN(bad_names) + GW_ARRAY_LEN(bad_paths));
	/* Nothing was created at all. */
	char *snap = snapshot(s->dir);
	assert_string_equal(snap, "");
	free(snap);
	gw_diags_finish(&d);
}

/* An unprivileged user, for the permission test when run as root. */
#define NOBODY_ID 65534

static void test_output_unwritable_dir(void **state)
{
	struct scratch *s = *state;
	char *dir = gw_xasprintf("%s/ro", s->dir);
	assert_int_equal(mkdir(dir, 0555), 0);
	struct gw_files f;
	new_set(&f);
	fflush(NULL);
	/* In a child, so that root can give up its override of permissions. */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(NOBODY_ID) != 0
				|| setuid(NOBODY_ID) != 0)) {
			_exit(2);
		}
		struct gw_diags d;
		gw_diags_init(&d);
		bool ok = gw_output_write(dir, TEST_NAME, &f, NULL, &d);
		bool said = d.n == 1 && strstr(d.v[0].msg, strerror(EACCES));
		_exit(!ok && said ? 0 : 1);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	char *snap = snapshot(dir);
	assert_string_equal(snap, "");
	free(snap);
	free(dir);
	files_free(&f);
}

/* Count every step, or die by SIGKILL at step number 'kill_at'. */
struct killer {
	int kill_at; /* 0: never */
	int seen;
};

static bool kill_nth(void *ud, enum gw_output_step step)
{
	struct killer *k = ud;
	(void)step;
	if (++k->seen == k->kill_at) {
		raise(SIGKILL);
	}
	return true;
}

static bool no_exchange(void *ud, enum gw_output_step step)
{
	struct fallback *fb = ud;
	if (fb->kill && !kill_nth(fb->kill, step)) {
		return false;
	}
	if (step == GW_OUTPUT_EXCHANGE) {
		errno = ENOSYS;
		return false;
	}
	return fb->fail.after == 0 || fail_nth(&fb->fail, step);
}

/* The only tree in 'dir' named like a backup, ".lab.old-XXXXXX", or NULL. */
static char *backup_of(const char *dir)
{
	DIR *dp = opendir(dir);
	assert_non_null(dp);
	char *found = NULL;
	for (struct dirent *e; (e = readdir(dp));) {
		if (gw_has_prefix(e->d_name, "." TEST_NAME ".old-")) {
			assert_null(found);
			found = gw_xasprintf("%s/%s", dir, e->d_name);
		}
	}
	closedir(dp);
	return found;
}

/*
 * Kill a child replacing the old set by the new at each step in turn; the
 * parent then finds the old or the new tree, or (only with the fallback,
 * between its two renames) no tree and the complete old one as a backup.
 */
static void crash_at_every_step(struct scratch *s, bool fallback)
{
	struct gw_files a, b;
	old_set(&a);
	new_set(&b);
	char *top = top_of(s);
	char *want_old = expected_of(s, &a);
	char *want_new = expected_of(s, &b);
	struct gw_diags d;
	gw_diags_init(&d);

	/* A dry run counts the steps of a replacement. */
	assert_true(write_set(s, &a, NULL, &d));
	struct killer count = {0};
	struct fallback fb = {.kill = &count};
	struct gw_output_hooks h = fallback
		? (struct gw_output_hooks){.before = no_exchange, .ud = &fb}
		: (struct gw_output_hooks){.before = kill_nth, .ud = &count};
	assert_true(write_set(s, &b, &h, &d));
	assert_true(count.seen > 10);

	int saw_old = 0, saw_new = 0, saw_backup = 0;
	for (int k = 1; k <= count.seen; k++) {
		scratch_rm_rf(s->dir);
		assert_int_equal(mkdir(s->dir, 0755), 0);
		assert_true(write_set(s, &a, NULL, &d));
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct killer kl = {.kill_at = k};
			struct fallback kfb = {.kill = &kl};
			struct gw_output_hooks kh = fallback
				? (struct gw_output_hooks){.before = no_exchange,
					.ud = &kfb}
				: (struct gw_output_hooks){.before = kill_nth,
					.ud = &kl};
			write_set(s, &b, &kh, &d);
			_exit(0);
		}
		int status = 0;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);
		char *snap = snapshot(top);
		bool is_old = strcmp(snap, want_old) == 0;
		bool is_new = strcmp(snap, want_new) == 0;
		bool is_backup = false;
		if (fallback && access(top, F_OK) != 0) {
			char *backup = backup_of(s->dir);
			assert_non_null(backup);
			char *bsnap = snapshot(backup);
			is_backup = strcmp(bsnap, want_old) == 0;
			free(bsnap);
			free(backup);
		}
		if (!is_old && !is_new && !is_backup) {
			fail_msg("killed at step %d: the output is neither "
					"old nor new:\n%s", k, snap);
		}
		saw_old += is_old;
		saw_new += is_new;
		saw_backup += is_backup;
		free(snap);
	}
	/* Both outcomes happen: before the swap, and after it. */
	assert_true(saw_old > 0);
	assert_true(saw_new > 0);
	assert_int_equal(saw_backup, fallback ? 1 : 0);
	free(want_old);
	free(want_new);
	free(top);
	gw_diags_finish(&d);
	files_free(&a);
	files_free(&b);
}

/* Tell the parent (through pipe end 'fd') that the tree is complete, then
 * take a while before the first swap. */
struct pause_at_swap {
	int fd;
	bool done;
};

/* Long enough for the other run to reach its clean-up of leftovers. */
#define PAUSE_MS 300

static bool pause_before_swap(void *ud, enum gw_output_step step)
{
	struct pause_at_swap *p = ud;
	if (step == GW_OUTPUT_SWAP && !p->done) {
		p->done = true;
		assert_int_equal(write(p->fd, "x", 1), 1);
		struct timespec ts = {.tv_nsec = PAUSE_MS * 1000000L};
		nanosleep(&ts, NULL);
	}
	return true;
}

/*
 * Two processes write the same DIR/NAME at once: a child has its tree
 * written and is about to swap it in when the parent starts. Both succeed
 * and the parent's output, the last, is what stays, complete. Before
 * output.c locked DIR, the parent's clean-up of killed runs' leftovers
 * removed the child's temporary tree under it, and the child failed.
 */
static void test_output_concurrent_runs_take_turns(void **state)
{
	struct scratch *s = *state;
	struct gw_files a, b;
	old_set(&a);
	new_set(&b);
	char *top = top_of(s);
	char *want_new = expected_of(s, &b);
	int p[2];
	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		struct pause_at_swap ps = {.fd = p[1]};
		struct gw_output_hooks h = {.before = pause_before_swap,
			.ud = &ps};
		struct gw_diags cd;
		gw_diags_init(&cd);
		bool ok = write_set(s, &a, &h, &cd);
		_exit(ok ? 0 : 1);
	}
	close(p[1]);
	char c;
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	struct gw_diags d;
	gw_diags_init(&d);
	assert_true(write_set(s, &b, NULL, &d));
	assert_int_equal(d.n, 0);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	char *snap = snapshot(top);
	assert_string_equal(snap, want_new);
	assert_int_equal(count_leftovers(s->dir), 0);
	free(snap);
	gw_diags_finish(&d);
	free(want_new);
	free(top);
	files_free(&a);
	files_free(&b);
}

static void test_output_crash_leaves_old_or_new(void **state)
{
	crash_at_every_step(*state, false);
}

static void test_output_crash_with_fallback(void **state)
{
	crash_at_every_step(*state, true);
}

/* How a planted leftover differs from a tree gwgen made. */
enum plant {
	PLANT_SYMLINK,   /* holds a symlink */
	PLANT_TOP_MODE,  /* its top is world-writable */
	PLANT_FILE_MODE, /* holds a world-writable file */
	PLANT_OWNER,     /* owned by another user (only as root) */
	PLANT_NOT_DIR,   /* a symlink to a directory, under the name */
	N_PLANTS
};

/* Make 'path' a tree of the old set that gwgen would not take for its own. */
static void plant(struct scratch *s, const char *path, enum plant how)
{
	struct gw_files a;
	old_set(&a);
	char *dir = gw_xasprintf("%s/plant", s->dir);
	struct gw_diags d;
	gw_diags_init(&d);
	assert_true(gw_output_write(dir, TEST_NAME, &a, NULL, &d));
	char *tree = gw_xasprintf("%s/%s", dir, TEST_NAME);
	char *in = gw_xasprintf("%s/iam/c/planted", tree);
	switch (how) {
	case PLANT_SYMLINK:
		assert_int_equal(symlink("../../deploy.sh", in), 0);
		break;
	case PLANT_TOP_MODE:
		assert_int_equal(chmod(tree, 0777), 0);
		break;
	case PLANT_FILE_MODE:
		put_text(in, "x\n");
		assert_int_equal(chmod(in, 0666), 0);
		break;
	case PLANT_OWNER:
		assert_int_equal(lchown(tree, 65534, 65534), 0);
		break;
	case PLANT_NOT_DIR:
		break;
	case N_PLANTS:
		fail();
	}
	if (how == PLANT_NOT_DIR) {
		/* "outside.lab.old-AbC123" beside it; the link is relative
		 * to the directory it is in. */
		char *base = gw_xasprintf("outside%s", strrchr(path, '/') + 1);
		char *target = gw_xasprintf("%s/%s", s->dir, base);
		assert_int_equal(rename(tree, target), 0);
		assert_int_equal(symlink(base, path), 0);
		free(target);
		free(base);
	} else {
		assert_int_equal(rename(tree, path), 0);
	}
	scratch_rm_rf(dir);
	free(in);
	free(tree);
	free(dir);
	gw_diags_finish(&d);
	files_free(&a);
}

/* The diagnostics hold a warning naming 'path' as left alone. */
static void expect_left_alone_warning(const struct gw_diags *d,
		const char *path)
{
	char *want = gw_xasprintf("left '%s' alone: it is named like "
			"gwgen's leftover of a killed run, but this user's "
			"gwgen did not make it (owner, type or modes differ)",
			path);
	bool found = false;
	for (size_t i = 0; i < d->n; i++) {
		found |= d->v[i].sev == GW_SEV_WARNING
			&& strcmp(d->v[i].msg, want) == 0;
	}
	if (!found) {
		fail_msg("no warning \"%s\"", want);
	}
	free(want);
}

/*
 * Issue 20, case 4: a ".lab.old-XXXXXX" this user's gwgen did not make is
 * never adopted as the old output, not even when DIR/lab is missing and
 * the run then fails; a ".lab.tmp-XXXXXX" of that kind is not removed.
 * Either stays as it was, with a warning.
 */
static void test_output_foreign_leftover_left_alone(void **state)
{
	struct scratch *s = *state;
	struct gw_files b;
	new_set(&b);
	char *top = top_of(s);
	char *backup = gw_xasprintf("%s/.%s.old-AbC123", s->dir, TEST_NAME);
	char *tmp = gw_xasprintf("%s/.%s.tmp-XyZ789", s->dir, TEST_NAME);
	char *want_new = expected_of(s, &b);
	for (int how = 0; how < N_PLANTS; how++) {
		if (how == PLANT_OWNER && geteuid() != 0) {
			continue; /* only root can give a tree away */
		}
		scratch_rm_rf(top);
		scratch_rm_rf(backup);
		scratch_rm_rf(tmp);
		plant(s, backup, (enum plant)how);
		plant(s, tmp, (enum plant)how);
		char *backup_before = snapshot(backup);
		char *tmp_before = snapshot(tmp);
		struct gw_diags d;
		gw_diags_init(&d);

		/* A failing run (a full disk) leaves no DIR/lab behind. */
		struct failer fl = {.kind = GW_OUTPUT_WRITE, .after = 1,
			.err = ENOSPC};
		struct gw_output_hooks h = {.before = fail_nth, .ud = &fl};
		assert_false(write_set(s, &b, &h, &d));
		struct stat st;
		assert_int_equal(lstat(top, &st), -1);
		expect_left_alone_warning(&d, backup);
		expect_left_alone_warning(&d, tmp);
		gw_diags_finish(&d);

		/* A run that succeeds writes its own tree, no more. */
		gw_diags_init(&d);
		assert_true(write_set(s, &b, NULL, &d));
		char *snap = snapshot(top);
		assert_string_equal(snap, want_new);
		expect_left_alone_warning(&d, backup);
		assert_int_equal(d.n_errors, 0);
		gw_diags_finish(&d);

		char *backup_after = snapshot(backup);
		char *tmp_after = snapshot(tmp);
		assert_string_equal(backup_after, backup_before);
		assert_string_equal(tmp_after, tmp_before);
		free(tmp_after);
		free(backup_after);
		free(snap);
		free(tmp_before);
		free(backup_before);
		if (how == PLANT_NOT_DIR) {
			unlink(backup);
			unlink(tmp);
			char *t1 = gw_xasprintf("%s/outside.%s.old-AbC123",
					s->dir, TEST_NAME);
			char *t2 = gw_xasprintf("%s/outside.%s.tmp-XyZ789",
					s->dir, TEST_NAME);
			scratch_rm_rf(t1);
			scratch_rm_rf(t2);
			free(t2);
			free(t1);
		}
	}
	free(want_new);
	free(tmp);
	free(backup);
	free(top);
	files_free(&b);
}

/* Raise 'sig' in this process at step number 'at' (counting every step
 * when 'at' is 0), then let the step go on as a signal handler would. */
struct raiser {
	int sig;
	int at;
	int seen;
};

static bool raise_nth(void *ud, enum gw_output_step step)
{
	struct raiser *r = ud;
	(void)step;
	if (++r->seen == r->at) {
		raise(r->sig);
	}
	return true;
}

/*
 * Issue 20, case 5: a SIGTERM or SIGINT at any step of a replacement
 * ends the process by that signal, with DIR/lab the old or the new
 * output and nothing beside it: no temporary (or old) tree is left.
 */
static void signal_at_every_step(struct scratch *s, int sig)
{
	struct gw_files a, b;
	old_set(&a);
	new_set(&b);
	char *top = top_of(s);
	char *want_old = expected_of(s, &a);
	char *want_new = expected_of(s, &b);
	struct gw_diags d;
	gw_diags_init(&d);
	assert_true(write_set(s, &a, NULL, &d));
	struct raiser count = {.sig = sig};
	struct gw_output_hooks h = {.before = raise_nth, .ud = &count};
	assert_true(write_set(s, &b, &h, &d));
	assert_true(count.seen > 10);

	int saw_old = 0, saw_new = 0;
	for (int k = 1; k <= count.seen; k++) {
		scratch_rm_rf(s->dir);
		assert_int_equal(mkdir(s->dir, 0755), 0);
		assert_true(write_set(s, &a, NULL, &d));
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct raiser r = {.sig = sig, .at = k};
			struct gw_output_hooks rh = {.before = raise_nth,
				.ud = &r};
			struct gw_diags cd;
			gw_diags_init(&cd);
			write_set(s, &b, &rh, &cd);
			_exit(0); /* not reached: the signal ends the child */
		}
		int status = 0;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != sig) {
			fail_msg("signal %d at step %d: the child was not "
					"ended by it (status %d)", sig, k, status);
		}
		char *snap = snapshot(top);
		bool is_old = strcmp(snap, want_old) == 0;
		bool is_new = strcmp(snap, want_new) == 0;
		if (!is_old && !is_new) {
			fail_msg("signal %d at step %d: the output is neither "
					"old nor new:\n%s", sig, k, snap);
		}
		if (count_leftovers(s->dir) != 0) {
			fail_msg("signal %d at step %d: %zu leftover trees",
					sig, k, count_leftovers(s->dir));
		}
		saw_old += is_old;
		saw_new += is_new;
		free(snap);
	}
	assert_true(saw_old > 0);
	assert_true(saw_new > 0);
	free(want_old);
	free(want_new);
	free(top);
	gw_diags_finish(&d);
	files_free(&a);
	files_free(&b);
}

static void test_output_sigterm_leaves_no_tmp(void **state)
{
	signal_at_every_step(*state, SIGTERM);
}

static void test_output_sigint_leaves_no_tmp(void **state)
{
	signal_at_every_step(*state, SIGINT);
}

/* The diagnostics hold the refusal of DIR/lab for 'rel', which gwgen did
 * not write. */
static void expect_foreign(const struct scratch *s, const struct gw_diags *d,
		const char *rel)
{
	char *want = gw_xasprintf("cannot write '%s/%s': it holds '%s', "
			"which gwgen did not write; move it out of '%s/%s' "
			"(nothing was changed)", s->dir, TEST_NAME, rel, s->dir,
			TEST_NAME);
	bool found = false;
	for (size_t i = 0; i < d->n; i++) {
		found |= d->v[i].sev == GW_SEV_ERROR
			&& strcmp(d->v[i].msg, want) == 0;
	}
	if (!found) {
		fail_msg("no error \"%s\"", want);
	}
	free(want);
}

/*
 * Issue 20, case 1: what the user put into DIR/lab (the deploy.env the
 * docs once said to create there, notes, a symlink, an empty directory)
 * stops the write: each is named, and nothing at all changes, with the
 * profile unchanged too. Once they are moved away, the write goes on and
 * removes what gwgen wrote and no longer generates (only-old.txt).
 */
static void test_output_refuses_foreign_files(void **state)
{
	struct scratch *s = *state;
	struct gw_files a, b;
	old_set(&a);
	new_set(&b);
	char *top = top_of(s);
	struct gw_diags d;
	gw_diags_init(&d);
	assert_true(write_set(s, &a, NULL, &d));
	char *env = gw_xasprintf("%s/deploy.env", top);
	char *notes = gw_xasprintf("%s/iam/c/notes.txt", top);
	char *link = gw_xasprintf("%s/latest", top);
	char *empty = gw_xasprintf("%s/mine", top);
	put_text(env, "SUBNETS=subnet-1\n");
	put_text(notes, "my notes\n");
	assert_int_equal(symlink("deploy.sh", link), 0);
	assert_int_equal(mkdir(empty, 0755), 0);
	char *before = snapshot(top);
	/* Counting every step: a refusal takes none. */
	struct killer count = {0};
	struct gw_output_hooks h = {.before = kill_nth, .ud = &count};

	const struct gw_files *sets[] = {&a, &b};
	for (size_t i = 0; i < 2; i++) {
		gw_diags_finish(&d);
		gw_diags_init(&d);
		assert_false(write_set(s, sets[i], &h, &d));
		assert_int_equal(d.n_errors, 4);
		expect_foreign(s, &d, "deploy.env");
		expect_foreign(s, &d, "iam/c/notes.txt");
		expect_foreign(s, &d, "latest");
		expect_foreign(s, &d, "mine");
		char *after = snapshot(top);
		assert_string_equal(after, before);
		free(after);
		assert_int_equal(count.seen, 0);
		assert_int_equal(count_leftovers(s->dir), 0);
	}
	/* deploy.env gets a note on where it belongs. */
	char *note = gw_xasprintf("scripts/deploy.sh reads its settings from "
			"'%s.env', beside '%s'", top, top);
	bool noted = false;
	for (size_t i = 0; i < d.n; i++) {
		noted |= d.v[i].sev == GW_SEV_NOTE
			&& strcmp(d.v[i].msg, note) == 0;
	}
	assert_true(noted);
	free(note);

	unlink(env);
	unlink(notes);
	unlink(link);
	rmdir(empty);
	gw_diags_finish(&d);
	gw_diags_init(&d);
	assert_true(write_set(s, &b, NULL, &d));
	assert_int_equal(d.n, 0);
	char *snap = snapshot(top);
	char *want = expected_of(s, &b);
	assert_string_equal(snap, want);
	free(want);
	free(snap);
	free(before);
	free(empty);
	free(link);
	free(notes);
	free(env);
	free(top);
	gw_diags_finish(&d);
	files_free(&a);
	files_free(&b);
}

/*
 * A file gwgen wrote but no longer generates is removed only while it
 * holds the bytes gwgen wrote: edited since, it is the user's. A tree
 * without a manifest (an older gwgen's) is taken as gwgen's only where
 * the new output has the path.
 */
static void test_output_keeps_edited_and_unlisted_files(void **state)
{
	struct scratch *s = *state;
	struct gw_files a, b;
	old_set(&a);
	new_set(&b);
	char *top = top_of(s);
	char *dropped = gw_xasprintf("%s/only-old.txt", top);
	char *manifest = gw_xasprintf("%s/" GW_OUTPUT_MANIFEST, top);
	struct gw_diags d;
	gw_diags_init(&d);

	assert_true(write_set(s, &a, NULL, &d));
	put_text(dropped, "gone after the new set, but edited\n");
	char *before = snapshot(top);
	assert_false(write_set(s, &b, NULL, &d));
	assert_int_equal(d.n_errors, 1);
	expect_foreign(s, &d, "only-old.txt");
	char *after = snapshot(top);
	assert_string_equal(after, before);
	free(after);
	free(before);

	/* No manifest: the same set replaces the tree (and writes one), a
	 * set without only-old.txt does not. */
	scratch_rm_rf(top);
	assert_true(write_set(s, &a, NULL, &d));
	assert_int_equal(unlink(manifest), 0);
	gw_diags_finish(&d);
	gw_diags_init(&d);
	assert_false(write_set(s, &b, NULL, &d));
	assert_int_equal(d.n_errors, 1);
	expect_foreign(s, &d, "only-old.txt");
	gw_diags_finish(&d);
	gw_diags_init(&d);
	assert_true(write_set(s, &a, NULL, &d));
	assert_int_equal(access(manifest, F_OK), 0);
	assert_true(write_set(s, &b, NULL, &d));
	assert_int_equal(d.n, 0);
	char *snap = snapshot(top);
	char *want = expected_of(s, &b);
	assert_string_equal(snap, want);
	free(want);
	free(snap);
	free(manifest);
	free(dropped);
	free(top);
	gw_diags_finish(&d);
	files_free(&a);
	files_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_output_write_new, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_replaces_old_completely, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_unchanged_is_left_alone, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_links_unchanged_files, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_differences_are_rewritten, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_link_failure_writes, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_replaced_meanwhile_is_written,
				setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_creates_missing_dir,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				test_output_failed_write_keeps_old, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_failed_fsync_keeps_old, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_failed_mkdir_keeps_old, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_failed_swap_keeps_old, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_error_message_names_file, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_refuses_file_at_name, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_refuses_symlink_at_name, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_refuses_dir_that_is_a_file, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_refuses_unsafe_names, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_concurrent_runs_take_turns, setup,
				teardown),
		cmocka_unit_test_setup_teardown(test_output_unwritable_dir,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				test_output_fallback_replaces, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_restores_orphaned_backup, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_crash_leaves_old_or_new, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_crash_with_fallback, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_foreign_leftover_left_alone, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_sigterm_leaves_no_tmp, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_sigint_leaves_no_tmp, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_refuses_foreign_files, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				test_output_keeps_edited_and_unlisted_files,
				setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
