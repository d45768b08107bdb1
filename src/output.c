/* SPDX-License-Identifier: MIT */
/* Writing rendered files into DIR/NAME/: a fresh temporary tree, fsync'd, then swapped in; an unchanged tree is left alone. */
#ifdef __linux__
/* syscall(): renameat2 has no glibc wrapper under _POSIX_C_SOURCE alone;
 * sync_file_range() needs _GNU_SOURCE. */
#define _GNU_SOURCE
#endif

#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <time.h>
#endif

#include "buf.h"
#include "sha256.h"
#include "util.h"

/* Suffix mkdtemp(3) replaces with unique characters. */
#define TMP_UNIQUE "XXXXXX"
/* Permissions of every directory written (the umask does not apply). */
#define DIR_MODE 0755
/* Permissions a file has while it is being written. */
#define FILE_MODE_WRITING 0600
/* The permission bits of a struct gw_file mode that are honoured. */
#define FILE_MODE_MASK 0777
/* The permission and set-id bits of an st_mode, compared with the above. */
#define MODE_BITS 07777
/* Mode for directories created along 'dir' itself (the umask applies). */
#define PARENT_MODE 0777
/* How long a run waits for another one writing into the same 'dir', and
 * how often it looks (one profile's write takes well under a second). */
#define LOCK_WAIT_MS 120000
#define LOCK_POLL_MS 10
#define NS_PER_MS 1000000L
/* Bytes compared at a time with a file of the old tree. */
#define COMPARE_CHUNK 16384
/* How deep and how large a tree gwgen looks through may be: a leftover
 * to be taken for gwgen's, an old tree searched for the user's files
 * (provision/VERSION/NAME is the deepest path gwgen writes). */
#define LEFTOVER_MAX_DEPTH 16
#define LEFTOVER_MAX_ENTRIES 100000
/* The largest manifest read back from an old tree (a real one lists a
 * few dozen files at about 100 bytes a line). */
#define MANIFEST_MAX_BYTES (1024 * 1024)
/* A manifest line: the hex digest, two spaces, the path (sha256sum(1)). */
#define MANIFEST_SEP "  "
/* The modes a struct gw_file has (emit.h). */
#define FILE_MODE_PLAIN 0644
#define FILE_MODE_EXEC 0755
/* Permission bits of the top of a temporary tree that mkdtemp(3) made and
 * a kill stopped before its fchmod to DIR_MODE. */
#define TMP_DIR_MODE 0700

/*
 * SIGINT or SIGTERM that arrived while a write was under way (0: none).
 * The handler only records it; the writer sees it before its next step,
 * fails that step, removes its temporary tree as on any failure, and
 * then raises the signal again with the caller's disposition back in
 * place, so the process still ends by that signal (issue 20: an
 * interrupted run left .NAME.tmp-XXXXXX behind). A flag is the one thing
 * a handler may safely set (POSIX async-signal-safety): removing a tree
 * needs readdir(3), which is not safe there.
 */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

/* The signals that end a run and get their temporary tree removed. */
static const int cleanup_signals[] = {SIGINT, SIGTERM};
#define N_CLEANUP_SIGNALS (sizeof(cleanup_signals) / sizeof(cleanup_signals[0]))

struct writer {
	const char *dir;     /* as given; used in messages */
	const char *name;
	const struct gw_output_hooks *hooks;
	struct gw_diags *d;
	int dirfd;           /* 'dir' */
	int oldfd;           /* the existing 'dir'/'name', or -1 */
	int tmpfd;           /* the temporary directory */
	char *tmppath;       /* DIR/.NAME.tmp-XXXXXX */
	const char *tmpbase; /* its last component, inside tmppath */
	char **subdirs;      /* created below the temporary directory */
	size_t n_subdirs, cap_subdirs;
	struct sigaction saved[N_CLEANUP_SIGNALS]; /* the caller's handlers */
	bool caught[N_CLEANUP_SIGNALS]; /* saved[i] is to be put back */
};

/*
 * Run the test hook for 'step'; false (errno set) means: fail this step.
 * A SIGINT or SIGTERM fails every step before the swap (EINTR), so the
 * temporary tree goes; once the new tree is in place (no temporary path
 * left) the steps that remain, removing the old tree, still run.
 */
static bool step(const struct writer *w, enum gw_output_step s)
{
	if (interrupted && w->tmppath) {
		errno = EINTR;
		return false;
	}
	return !w->hooks || !w->hooks->before || w->hooks->before(w->hooks->ud, s);
}

/* Record SIGINT and SIGTERM in 'interrupted' from now on, except where
 * the caller ignores them (nohup). */
static void catch_signals(struct writer *w)
{
	interrupted = 0;
	for (size_t i = 0; i < N_CLEANUP_SIGNALS; i++) {
		struct sigaction sa = {.sa_handler = on_signal};
		sigemptyset(&sa.sa_mask);
		w->caught[i] = sigaction(cleanup_signals[i], NULL, &w->saved[i])
				== 0 && w->saved[i].sa_handler != SIG_IGN
			&& sigaction(cleanup_signals[i], &sa, NULL) == 0;
	}
}

/* Put the caller's handlers back, then deliver a signal that came
 * meanwhile, as if it had arrived now. */
static void release_signals(struct writer *w)
{
	for (size_t i = 0; i < N_CLEANUP_SIGNALS; i++) {
		if (w->caught[i]) {
			sigaction(cleanup_signals[i], &w->saved[i], NULL);
		}
	}
	int sig = interrupted;
	interrupted = 0;
	if (sig) {
		raise(sig);
	}
}

/* 'a'/'b', without doubling a '/' that 'a' already ends with. */
static char *join(const char *a, const char *b)
{
	size_t n = strlen(a);
	return gw_xasprintf("%s%s%s", a, n && a[n - 1] == '/' ? "" : "/", b);
}

/* Report "cannot write 'DIR/NAME[/REL]': REASON". */
static void fail(const struct writer *w, const char *rel, const char *reason)
{
	char *top = join(w->dir, w->name);
	char *shown = rel ? join(top, rel) : NULL;
	gw_diag_error(w->d, (struct gw_loc){0}, "cannot write '%s': %s",
			shown ? shown : top, reason);
	free(shown);
	free(top);
}

static bool is_single_component(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") != 0
		&& strcmp(s, "..") != 0;
}

/* A relative path whose components are all non-empty and not "." or "..". */
static bool is_safe_relative_path(const char *path)
{
	if (!*path || path[0] == '/') {
		return false;
	}
	for (const char *p = path;;) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')
				|| (n == 2 && p[0] == '.' && p[1] == '.')) {
			return false;
		}
		if (!p[n]) {
			return true;
		}
		p += n + 1;
	}
}

/* mkdir -p 'dir' (its parents get PARENT_MODE minus the umask). */
static bool make_parents(const char *dir)
{
	char *p = gw_xstrdup(dir);
	bool ok = true;
	for (char *s = p + 1; ok; s++) {
		bool end = !*s;
		if (*s != '/' && !end) {
			continue;
		}
		*s = '\0';
		if (mkdir(p, PARENT_MODE) != 0 && errno != EEXIST) {
			ok = false;
		}
		if (end) {
			break;
		}
		*s = '/';
	}
	free(p);
	return ok;
}

/*
 * Remove 'name' below 'parentfd' and everything in it, never following a
 * symlink (a symlink is removed, not its target). Best effort: returns
 * false with errno set when something could not be removed.
 */
static bool remove_tree(int parentfd, const char *name)
{
	int fd = openat(parentfd, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOTDIR || errno == ELOOP) {
			return unlinkat(parentfd, name, 0) == 0;
		}
		return errno == ENOENT;
	}
	DIR *dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		return false;
	}
	bool ok = true;
	int saved = 0;
	for (struct dirent *e; (e = readdir(dp));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
			continue;
		}
		struct stat st;
		bool done = fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
			&& (S_ISDIR(st.st_mode) ? remove_tree(fd, e->d_name)
				: unlinkat(fd, e->d_name, 0) == 0);
		if (!done && ok) {
			ok = false;
			saved = errno;
		}
	}
	closedir(dp);
	if (unlinkat(parentfd, name, AT_REMOVEDIR) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	errno = saved;
	return ok;
}

/* Record 'sub' as created; false when it already was. */
static bool note_subdir(struct writer *w, const char *sub)
{
	for (size_t i = 0; i < w->n_subdirs; i++) {
		if (strcmp(w->subdirs[i], sub) == 0) {
			return false;
		}
	}
	gw_grow((void **)&w->subdirs, &w->cap_subdirs, w->n_subdirs + 1,
			sizeof(*w->subdirs));
	w->subdirs[w->n_subdirs++] = gw_xstrdup(sub);
	return true;
}

/* Create the directories along 'path' below the temporary directory. */
static bool make_subdirs(struct writer *w, const char *path)
{
	for (const char *s = strchr(path, '/'); s; s = strchr(s + 1, '/')) {
		char *sub = gw_xstrndup(path, (size_t)(s - path));
		bool ok = true;
		if (note_subdir(w, sub)) {
			ok = step(w, GW_OUTPUT_MKDIR)
				&& (mkdirat(w->tmpfd, sub, DIR_MODE) == 0
					|| errno == EEXIST)
				&& fchmodat(w->tmpfd, sub, DIR_MODE, 0) == 0;
			if (!ok) {
				fail(w, sub, strerror(errno));
			}
		}
		free(sub);
		if (!ok) {
			return false;
		}
	}
	return true;
}

/*
 * Start writing 'fd's data to disk without waiting for it (Linux). Every
 * file is written first and fsync'd afterwards (sync_file): with all the
 * writeback already under way, the first fsync commits the journal for
 * most files at once and the later ones have little left to wait for.
 * An fsync right after each write cost one journal commit per file, the
 * larger part of generating a profile on an ext4 disk (docs/performance.md).
 * Durability is unchanged: each file and directory is still fsync'd before
 * the swap. Advisory: an error here shows up in the fsync.
 */
static void start_writeback(int fd)
{
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
	(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)fd;
#endif
}

/* Write 'f' into the temporary tree (its directories made already). */
static bool write_file(struct writer *w, const struct gw_file *f)
{
	if (!step(w, GW_OUTPUT_WRITE)) {
		fail(w, f->path, strerror(errno));
		return false;
	}
	int fd = openat(w->tmpfd, f->path,
			O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			FILE_MODE_WRITING);
	if (fd < 0) {
		fail(w, f->path, strerror(errno));
		return false;
	}
	bool ok = gw_write_all(fd, f->data, f->len)
		&& fchmod(fd, (mode_t)(f->mode & FILE_MODE_MASK)) == 0;
	if (ok) {
		start_writeback(fd);
	}
	int saved = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		fail(w, f->path, strerror(saved));
	}
	return ok;
}

/*
 * Comparing the new files with the old tree. A file the old tree already
 * has, byte for byte and with its mode, is not written again: when every
 * file is such and the old tree holds nothing else, there is nothing to
 * do at all (the common case: CI checking a pull request, an editor saving
 * a profile without changing what it generates), and otherwise the new
 * tree takes such a file as a hard link to the old one. Either way the
 * result is the tree a full write would give, but for the unchanged
 * files' inode numbers and times. An unchanged file is then neither
 * written nor freed (on an ext4 disk, freeing a synced file's blocks was
 * a third of the cost of replacing a tree: docs/performance.md), and its
 * fsync, still made, finds its data on disk already.
 *
 * An old file is kept only when it is a regular file of this user with
 * the exact mode and a single link: a file linked from elsewhere too is
 * written afresh, so the output never shares an inode with a file outside
 * it that someone may edit in place.
 */
/* Per file: what the old tree has of it. */
struct old_copy {
	bool same; /* a copy as it is to be */
	ino_t ino; /* which inode that is */
};

struct survey {
	const struct gw_files *files;
	struct old_copy *old; /* per file */
	size_t budget;   /* entries the old tree may still have and match */
	bool extra;      /* it has something 'files' does not */
	uid_t uid;
};

/* 'rel', a directory path, is an ancestor of some file of 'files'. */
static bool is_parent_of_file(const struct gw_files *files, const char *rel)
{
	size_t n = strlen(rel);
	for (size_t i = 0; i < files->n; i++) {
		const char *p = files->v[i].path;
		if (strncmp(p, rel, n) == 0 && p[n] == '/') {
			return true;
		}
	}
	return false;
}

/* The file 'name' below 'fd', still the regular file 'seen', holds
 * exactly f's bytes. */
static bool same_bytes(int fd, const char *name, const struct stat *seen,
		const struct gw_file *f)
{
	int in = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK
			| O_CLOEXEC);
	if (in < 0) {
		return false;
	}
	struct stat st;
	bool same = fstat(in, &st) == 0 && S_ISREG(st.st_mode)
		&& st.st_ino == seen->st_ino && st.st_dev == seen->st_dev;
	char buf[COMPARE_CHUNK];
	size_t at = 0;
	while (same) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			same = n == 0 && at == f->len;
			break;
		}
		if ((size_t)n > f->len - at
				|| memcmp(buf, f->data + at, (size_t)n) != 0) {
			same = false;
			break;
		}
		at += (size_t)n;
	}
	close(in);
	return same;
}

static bool keeps(const struct survey *s, const struct stat *st,
		const struct gw_file *f)
{
	return (st->st_mode & MODE_BITS) == (f->mode & FILE_MODE_MASK)
		&& st->st_nlink == 1 && st->st_uid == s->uid
		&& (uintmax_t)st->st_size == f->len;
}

/* Survey the directory 'fd' of the old tree (closed here), at 'rel'
 * ("" for the top). */
static void survey_dir(struct survey *s, int fd, const char *rel)
{
	DIR *dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		s->extra = true;
		return;
	}
	for (struct dirent *e; (e = readdir(dp));) {
		const char *n = e->d_name;
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0) {
			continue;
		}
		if (s->budget == 0) {
			s->extra = true;
			break;
		}
		s->budget--;
		char *sub = *rel ? gw_xasprintf("%s/%s", rel, n)
			: gw_xstrdup(n);
		struct stat st;
		const struct gw_file *f;
		if (fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			s->extra = true;
		} else if (S_ISDIR(st.st_mode)) {
			int sub_fd = (st.st_mode & MODE_BITS) == DIR_MODE
				&& is_parent_of_file(s->files, sub)
				? openat(fd, n, O_RDONLY | O_DIRECTORY
					| O_NOFOLLOW | O_CLOEXEC)
				: -1;
			if (sub_fd >= 0) {
				survey_dir(s, sub_fd, sub);
			} else {
				s->extra = true;
			}
		} else if (S_ISREG(st.st_mode)
				&& (f = gw_files_find(s->files, sub))) {
			struct old_copy *o = &s->old[f - s->files->v];
			o->same = keeps(s, &st, f) && same_bytes(fd, n, &st, f);
			o->ino = st.st_ino;
		} else {
			s->extra = true;
		}
		free(sub);
	}
	closedir(dp);
}

/*
 * Compare the old tree with 'files', setting old[i].same for each file it
 * already has as it is to be. True when it is exactly 'files', with
 * nothing else in it and every directory as a write makes it: then the
 * output is up to date.
 */
static bool survey_old(struct writer *w, const struct gw_files *files,
		struct old_copy *old)
{
	struct stat st;
	if (fstat(w->oldfd, &st) != 0) {
		return false;
	}
	struct survey s = {
		.files = files,
		.old = old,
		.uid = geteuid(),
	};
	/* Every file, and at most one directory per path component. */
	for (size_t i = 0; i < files->n; i++) {
		s.budget++;
		const char *p = files->v[i].path;
		for (; (p = strchr(p, '/')); p++) {
			s.budget++;
		}
	}
	int fd = dup(w->oldfd);
	if (fd < 0) {
		return false;
	}
	survey_dir(&s, fd, "");
	bool all = (st.st_mode & MODE_BITS) == DIR_MODE && !s.extra;
	for (size_t i = 0; i < files->n && all; i++) {
		all = old[i].same;
	}
	return all;
}

/*
 * Put the old tree's copy 'c' of 'f' into the temporary tree as a hard
 * link. False (nothing created) when that cannot be done, a file system
 * without hard links, or when the name no longer holds the inode the
 * survey compared (replaced meanwhile, as an editor saving it would); 'f'
 * is then written.
 */
static bool link_file(struct writer *w, const struct gw_file *f,
		const struct old_copy *c)
{
	if (!step(w, GW_OUTPUT_LINK) || linkat(w->oldfd, f->path, w->tmpfd,
				f->path, 0) != 0) {
		return false;
	}
	struct stat st;
	if (fstatat(w->tmpfd, f->path, &st, AT_SYMLINK_NOFOLLOW) == 0
			&& st.st_ino == c->ino) {
		return true;
	}
	unlinkat(w->tmpfd, f->path, 0);
	return false;
}

/* fsync a file of the temporary tree (reopened: fsync needs no write
 * access). */
static bool sync_file(struct writer *w, const struct gw_file *f)
{
	int fd = openat(w->tmpfd, f->path,
			O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	bool ok = fd >= 0 && step(w, GW_OUTPUT_FSYNC) && fsync(fd) == 0;
	int saved = errno;
	if (fd >= 0) {
		close(fd);
	}
	if (!ok) {
		fail(w, f->path, strerror(saved));
	}
	return ok;
}

static bool fsync_dir_at(struct writer *w, int parentfd, const char *sub)
{
	int fd = openat(parentfd, sub,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		return false;
	}
	bool ok = step(w, GW_OUTPUT_FSYNC) && fsync(fd) == 0;
	int saved = errno;
	close(fd);
	errno = saved;
	return ok;
}

/* Make the directory entries durable: every subdirectory, then the top. */
static bool fsync_tree(struct writer *w)
{
	for (size_t i = w->n_subdirs; i-- > 0;) {
		if (!fsync_dir_at(w, w->tmpfd, w->subdirs[i])) {
			fail(w, w->subdirs[i], strerror(errno));
			return false;
		}
	}
	if (!step(w, GW_OUTPUT_FSYNC) || fsync(w->tmpfd) != 0) {
		fail(w, NULL, strerror(errno));
		return false;
	}
	return true;
}

/* Atomically exchange two names in 'dirfd'; errno ENOSYS where unsupported. */
static bool exchange(int dirfd, const char *a, const char *b)
{
#if defined(__linux__) && defined(SYS_renameat2) && defined(RENAME_EXCHANGE)
	return syscall(SYS_renameat2, dirfd, a, dirfd, b, RENAME_EXCHANGE) == 0;
#else
	(void)dirfd;
	(void)a;
	(void)b;
	errno = ENOSYS;
	return false;
#endif
}

/*
 * Put the new tree in place of an existing 'name'. Where the exchange is
 * not available, the old tree goes to a backup name first; between the two
 * renames 'name' is missing (never mixed), and a failed second rename puts
 * the old tree back. On success '*old' names what is to be removed.
 */
static bool replace_old(struct writer *w, char **old)
{
	if (!step(w, GW_OUTPUT_SWAP)) {
		return false;
	}
	if (step(w, GW_OUTPUT_EXCHANGE)
			&& exchange(w->dirfd, w->tmpbase, w->name)) {
		*old = gw_xstrdup(w->tmpbase);
		return true;
	}
	if (errno != ENOSYS && errno != EINVAL) {
		return false;
	}
	/* The temporary name is unique, and so is the backup built from it. */
	char *backup = gw_xasprintf(".%s.old-%s", w->name,
			w->tmpbase + strlen(w->tmpbase) - strlen(TMP_UNIQUE));
	if (renameat(w->dirfd, w->name, w->dirfd, backup) != 0) {
		free(backup);
		return false;
	}
	if (!step(w, GW_OUTPUT_SWAP)
			|| renameat(w->dirfd, w->tmpbase, w->dirfd, w->name) != 0) {
		int saved = errno;
		renameat(w->dirfd, backup, w->dirfd, w->name);
		free(backup);
		errno = saved;
		return false;
	}
	*old = backup;
	return true;
}

/* Swap the complete temporary tree into place and remove the old one. */
static bool swap_in(struct writer *w, bool had_old)
{
	char *old = NULL;
	bool ok = had_old ? replace_old(w, &old)
		: step(w, GW_OUTPUT_SWAP)
			&& renameat(w->dirfd, w->tmpbase, w->dirfd, w->name) == 0;
	if (!ok) {
		fail(w, NULL, strerror(errno));
		return false;
	}
	/* From here on the new output is in place: the temporary name is
	 * gone (or holds the old tree), so failures below are warnings. */
	free(w->tmppath);
	w->tmppath = NULL;
	if (!step(w, GW_OUTPUT_FSYNC) || fsync(w->dirfd) != 0) {
		gw_diag_warning(w->d, (struct gw_loc){0},
				"cannot sync '%s': %s", w->dir, strerror(errno));
	}
	if (old && (!step(w, GW_OUTPUT_REMOVE) || !remove_tree(w->dirfd, old))) {
		char *shown = join(w->dir, old);
		gw_diag_warning(w->d, (struct gw_loc){0},
				"cannot remove the old output '%s': %s", shown,
				strerror(errno));
		free(shown);
	}
	free(old);
	return true;
}

/*
 * Take the lock of 'dir' (flock(2) on the directory itself, so no lock
 * file appears in it), held until 'w->dirfd' is closed, or dies with the
 * process. Without it two runs writing into one 'dir' raced: each removes
 * temporary trees it takes for a killed run's (remove_stale), so one run
 * could delete the other's tree while that run swapped it in, leaving
 * 'dir'/'name' half empty. With it, writes into one 'dir' take turns, and
 * the last one's output stays. Where the file system has no flock (some
 * NFS set-ups: ENOLCK), the write goes on unlocked, as before.
 */
static bool lock_dir(struct writer *w)
{
#ifdef __linux__
	for (long waited = 0;; waited += LOCK_POLL_MS) {
		if (flock(w->dirfd, LOCK_EX | LOCK_NB) == 0) {
			return true;
		}
		if (errno == EINTR && !interrupted) {
			continue;
		}
		if (errno != EWOULDBLOCK && errno != EINTR) {
			return true;
		}
		if (interrupted) {
			fail(w, NULL, strerror(EINTR));
			return false;
		}
		if (waited >= LOCK_WAIT_MS) {
			fail(w, NULL, "another process has been writing into "
					"its directory for too long");
			return false;
		}
		struct timespec ts = {.tv_nsec = LOCK_POLL_MS * NS_PER_MS};
		nanosleep(&ts, NULL);
	}
#else
	(void)w;
	return true;
#endif
}

/* Open 'dir' (creating it) and check what is at 'dir'/'name' now. */
static bool open_dir(struct writer *w, bool *had_old)
{
	if (!make_parents(w->dir)) {
		gw_diag_error(w->d, (struct gw_loc){0}, "cannot write '%s': %s",
				w->dir, strerror(errno));
		return false;
	}
	w->dirfd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->dirfd < 0) {
		gw_diag_error(w->d, (struct gw_loc){0}, "cannot write '%s': %s",
				w->dir, strerror(errno));
		return false;
	}
	if (!lock_dir(w)) {
		return false;
	}
	struct stat st;
	if (fstatat(w->dirfd, w->name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode)) {
			fail(w, NULL, "is a symbolic link; refusing to follow it");
			return false;
		}
		if (!S_ISDIR(st.st_mode)) {
			fail(w, NULL, "exists and is not a directory");
			return false;
		}
		*had_old = true;
	} else if (errno == ENOENT) {
		*had_old = false;
	} else {
		fail(w, NULL, strerror(errno));
		return false;
	}
	return true;
}

/*
 * The leftovers of killed runs in the output directory, as one scan found
 * them, kept between the profiles of one run: scanning DIR for each profile
 * made 'gwgen --all' over N profiles cost N readdir passes over N entries
 * (docs/performance.md). The list is trusted only while the directory is
 * the same one with the mtime it had after this process last changed it;
 * any other change to it (another process, a test making a stale tree by
 * hand) moves the mtime and forces a new scan.
 */
static struct {
	bool valid;
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	char **names; /* ".X.tmp-XXXXXX" and ".X.old-XXXXXX" entries */
	size_t n, cap;
} stale;

static bool same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static void stale_forget(void)
{
	for (size_t i = 0; i < stale.n; i++) {
		free(stale.names[i]);
	}
	free(stale.names);
	stale.names = NULL;
	stale.n = stale.cap = 0;
	stale.valid = false;
}

/* A name that some profile's temporary or backup tree could have. */
static bool looks_stale(const char *name)
{
	size_t n = strlen(name), tail = strlen(".tmp-" TMP_UNIQUE);
	return name[0] == '.' && n > tail + 1 &&
		(strncmp(name + n - tail, ".tmp-", 5) == 0 ||
		 strncmp(name + n - tail, ".old-", 5) == 0);
}

/* Make 'stale' describe the directory 'w->dirfd'. */
static void stale_scan(struct writer *w)
{
	struct stat st;
	if (fstat(w->dirfd, &st) != 0) {
		stale_forget();
		return;
	}
	if (stale.valid && stale.dev == st.st_dev && stale.ino == st.st_ino &&
			same_time(stale.mtime, st.st_mtim)) {
		return;
	}
	stale_forget();
	int fd = dup(w->dirfd);
	DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dp) {
		if (fd >= 0) {
			close(fd);
		}
		return;
	}
	for (struct dirent *e; (e = readdir(dp));) {
		if (looks_stale(e->d_name)) {
			gw_grow((void **)&stale.names, &stale.cap, stale.n + 1,
					sizeof(*stale.names));
			stale.names[stale.n++] = gw_xstrdup(e->d_name);
		}
	}
	closedir(dp);
	stale.valid = true;
	stale.dev = st.st_dev;
	stale.ino = st.st_ino;
	stale.mtime = st.st_mtim;
}

/* This process changed the directory: the list still holds, at its new
 * mtime. */
static void stale_touched(int dirfd)
{
	struct stat st;
	if (!stale.valid || fstat(dirfd, &st) != 0 || stale.dev != st.st_dev ||
			stale.ino != st.st_ino) {
		stale_forget();
		return;
	}
	stale.mtime = st.st_mtim;
}

/* A regular file's permission bits as gwgen leaves them: while writing,
 * or one of a struct gw_file's modes. */
static bool is_gwgen_file_mode(mode_t mode)
{
	mode_t bits = mode & MODE_BITS;
	return bits == FILE_MODE_WRITING || bits == FILE_MODE_PLAIN
		|| bits == FILE_MODE_EXEC;
}

/*
 * The entries of directory 'fd' (closed here) are all of the shape gwgen
 * writes: directories with DIR_MODE and regular files with a mode of
 * is_gwgen_file_mode, every one owned by 'uid', nothing else (no symlink,
 * device, FIFO or socket), at most 'depth' levels and '*budget' entries.
 */
static bool has_gwgen_shape(int fd, uid_t uid, unsigned depth, size_t *budget)
{
	DIR *dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		return false;
	}
	bool ok = true;
	for (struct dirent *e; ok && (e = readdir(dp));) {
		const char *n = e->d_name;
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0) {
			continue;
		}
		struct stat st;
		if (*budget == 0 || fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) != 0
				|| st.st_uid != uid) {
			ok = false;
			break;
		}
		--*budget;
		if (S_ISDIR(st.st_mode)) {
			int sub = depth > 0 && (st.st_mode & MODE_BITS) == DIR_MODE
				? openat(fd, n, O_RDONLY | O_DIRECTORY
					| O_NOFOLLOW | O_CLOEXEC)
				: -1;
			ok = sub >= 0 && has_gwgen_shape(sub, uid, depth - 1,
					budget);
		} else {
			ok = S_ISREG(st.st_mode)
				&& is_gwgen_file_mode(st.st_mode);
		}
	}
	closedir(dp);
	return ok;
}

/*
 * Whether the leftover 'name' in 'w->dir' is a tree this user's gwgen
 * made: a directory (not a symlink) of this user, with DIR_MODE (or, for
 * a temporary tree 'is_tmp', the mode mkdtemp gives it), holding only what
 * has_gwgen_shape allows. Anything else, in a shared directory a tree
 * another user planted under that name, is neither removed nor adopted.
 */
static bool is_own_leftover(const struct writer *w, const char *name,
		bool is_tmp)
{
	struct stat st;
	uid_t uid = geteuid();
	if (fstatat(w->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0
			|| !S_ISDIR(st.st_mode) || st.st_uid != uid) {
		return false;
	}
	mode_t bits = st.st_mode & MODE_BITS;
	if (bits != DIR_MODE && !(is_tmp && bits == TMP_DIR_MODE)) {
		return false;
	}
	int fd = openat(w->dirfd, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	size_t budget = LEFTOVER_MAX_ENTRIES;
	return fd >= 0 && has_gwgen_shape(fd, uid, LEFTOVER_MAX_DEPTH, &budget);
}

/*
 * Clean up what an earlier, killed run left beside 'name': its temporary
 * trees ".NAME.tmp-XXXXXX" go, and so does a backup ".NAME.old-XXXXXX",
 * except that when 'name' itself is missing (a kill inside the rename
 * fallback's window) the backup is the old output and is renamed back
 * first ('*had_old' then becomes true), so a failure of this run still
 * leaves the old output in place. Only a tree this user made, of the shape
 * gwgen writes (is_own_leftover), is removed or renamed back; anything else
 * under such a name is left alone with a warning (issue 20: in a shared,
 * sticky directory another user could plant a tree that a failing run
 * then left as DIR/NAME). Best effort: a tree that cannot be removed is
 * left alone. Only under the lock of 'dir' (lock_dir): a live run's
 * temporary tree has the same name as a killed run's.
 */
static void remove_stale(struct writer *w, bool *had_old)
{
	stale_scan(w);
	char *tmp = gw_xasprintf(".%s.tmp-", w->name);
	char *old = gw_xasprintf(".%s.old-", w->name);
	size_t kept = 0;
	for (size_t i = 0; i < stale.n; i++) {
		const char *e = stale.names[i];
		size_t n = strlen(e);
		bool is_tmp = gw_has_prefix(e, tmp)
			&& n == strlen(tmp) + strlen(TMP_UNIQUE);
		bool is_old = gw_has_prefix(e, old)
			&& n == strlen(old) + strlen(TMP_UNIQUE);
		if ((is_tmp || is_old) && !is_own_leftover(w, e, is_tmp)) {
			char *shown = join(w->dir, e);
			gw_diag_warning(w->d, (struct gw_loc){0}, "left '%s' "
					"alone: it is named like gwgen's "
					"leftover of a killed run, but this "
					"user's gwgen did not make it (owner, "
					"type or modes differ)", shown);
			free(shown);
			is_tmp = is_old = false;
		}
		if (is_old && !*had_old
				&& renameat(w->dirfd, e, w->dirfd,
					w->name) == 0) {
			*had_old = true;
		} else if (is_tmp || is_old) {
			remove_tree(w->dirfd, e);
		} else {
			stale.names[kept++] = stale.names[i];
			continue;
		}
		free(stale.names[i]);
	}
	stale.n = kept;
	free(old);
	free(tmp);
}

static int compare_file_paths(const void *a, const void *b)
{
	return strcmp((*(const struct gw_file *const *)a)->path,
			(*(const struct gw_file *const *)b)->path);
}

void gw_output_manifest(const struct gw_files *files, struct gw_buf *out)
{
	const struct gw_file **by_path = gw_xcalloc(files->n + 1,
			sizeof(*by_path));
	for (size_t i = 0; i < files->n; i++) {
		by_path[i] = &files->v[i];
	}
	qsort(by_path, files->n, sizeof(*by_path), compare_file_paths);
	for (size_t i = 0; i < files->n; i++) {
		char hex[GW_SHA256_HEX_LEN];
		gw_sha256_hex(by_path[i]->data, by_path[i]->len, hex);
		gw_buf_printf(out, "%s" MANIFEST_SEP "%s\n", hex,
				by_path[i]->path);
	}
	free(by_path);
}

/*
 * Finding what in the old tree gwgen did not write (issue 20: a
 * regeneration deleted the user's deploy.env). The old tree's manifest
 * (GW_OUTPUT_MANIFEST) lists what gwgen wrote there, with each file's
 * SHA-256. A file of the old tree is gwgen's when
 *   - the new output has a file at its path, and the manifest lists that
 *     path (or there is no manifest: a tree of a gwgen before it);
 *   - or the manifest lists it with the SHA-256 it still has (a file the
 *     profile no longer generates, unchanged since).
 * Anything else (another file, a symlink, a FIFO, an empty directory no
 * new file needs, a generated file since edited that is not generated any
 * more) is the user's, and the write is refused: nothing is deleted.
 */
struct manifest_entry {
	char *path;
	char hex[GW_SHA256_HEX_LEN];
};

struct foreign {
	struct writer *w;
	const struct gw_files *files; /* the new output, manifest included */
	struct manifest_entry *v;     /* the old manifest's lines */
	size_t n, cap;
	bool have;       /* the old tree has a manifest */
	size_t found;    /* entries reported */
	size_t budget;   /* entries still to look at */
};

static bool is_hex_digest(const char *s)
{
	for (size_t i = 0; i + 1 < GW_SHA256_HEX_LEN; i++) {
		if (!strchr("0123456789abcdef", s[i]) || !s[i]) {
			return false;
		}
	}
	return true;
}

/* Read the old tree's manifest; lines of another shape are skipped (their
 * files then count as the user's). */
static void read_manifest(struct foreign *fr)
{
	int fd = openat(fr->w->oldfd, GW_OUTPUT_MANIFEST,
			O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)
			|| st.st_size > MANIFEST_MAX_BYTES) {
		if (fd >= 0) {
			close(fd);
		}
		return;
	}
	size_t size = (size_t)st.st_size, len = 0;
	char *text = gw_xmalloc(size + 1);
	while (len < size) {
		ssize_t n = read(fd, text + len, size - len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	text[len] = '\0';
	fr->have = true;
	size_t head = GW_SHA256_HEX_LEN - 1 + strlen(MANIFEST_SEP);
	for (char *line = text, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl) {
			break; /* an unterminated last line: not gwgen's */
		}
		*nl = '\0';
		if ((size_t)(nl - line) > head && is_hex_digest(line)
				&& strncmp(line + GW_SHA256_HEX_LEN - 1,
					MANIFEST_SEP, strlen(MANIFEST_SEP)) == 0) {
			gw_grow((void **)&fr->v, &fr->cap, fr->n + 1,
					sizeof(*fr->v));
			struct manifest_entry *e = &fr->v[fr->n++];
			e->path = gw_xstrdup(line + head);
			memcpy(e->hex, line, GW_SHA256_HEX_LEN - 1);
			e->hex[GW_SHA256_HEX_LEN - 1] = '\0';
		}
	}
	free(text);
}

static const struct manifest_entry *manifest_find(const struct foreign *fr,
		const char *path)
{
	for (size_t i = 0; i < fr->n; i++) {
		if (strcmp(fr->v[i].path, path) == 0) {
			return &fr->v[i];
		}
	}
	return NULL;
}

/* The SHA-256 of the regular file 'name' below 'fd', in hex. */
static bool hash_file(int fd, const char *name, char hex[GW_SHA256_HEX_LEN])
{
	int in = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK
			| O_CLOEXEC);
	struct stat st;
	if (in < 0 || fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (in >= 0) {
			close(in);
		}
		return false;
	}
	struct gw_sha256 c;
	gw_sha256_init(&c);
	char buf[COMPARE_CHUNK];
	bool ok = true;
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			ok = n == 0;
			break;
		}
		gw_sha256_update(&c, buf, (size_t)n);
	}
	close(in);
	unsigned char digest[GW_SHA256_DIGEST_LEN];
	gw_sha256_final(&c, digest);
	for (size_t i = 0; i < GW_SHA256_DIGEST_LEN; i++) {
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	}
	return ok;
}

/* Report 'rel' of the old tree as a file gwgen did not write. */
static void report_foreign(struct foreign *fr, const char *rel)
{
	const struct writer *w = fr->w;
	char *top = join(w->dir, w->name);
	gw_diag_error(w->d, (struct gw_loc){0}, "cannot write '%s': it holds "
			"'%s', which gwgen did not write; move it out of '%s' "
			"(nothing was changed)", top, rel, top);
	if (strcmp(rel, GW_OUTPUT_DEPLOY_ENV) == 0) {
		gw_diag_note(w->d, (struct gw_loc){0}, "scripts/deploy.sh "
				"reads its settings from '%s.env', beside "
				"'%s'", top, top);
	}
	free(top);
	fr->found++;
}

/*
 * Whether the entry 'n' (at 'rel', not a directory, 'st' its lstat) of the
 * old tree is gwgen's to replace: the manifest itself; a symlink, FIFO or
 * other non-file (it holds no data of its own) where the new output has a
 * file or needs a directory; a regular file at a path of the new output
 * that the manifest lists (any such file, without a manifest); a regular
 * file the manifest lists with the bytes it still has.
 */
static bool is_gwgen_entry(struct foreign *fr, int fd, const char *n,
		const char *rel, const struct stat *st)
{
	if (strcmp(rel, GW_OUTPUT_MANIFEST) == 0) {
		return true; /* it does not list itself */
	}
	bool at_file = gw_files_find(fr->files, rel) != NULL;
	if (!S_ISREG(st->st_mode)) {
		return at_file || is_parent_of_file(fr->files, rel);
	}
	const struct manifest_entry *e = manifest_find(fr, rel);
	if (at_file) {
		return !fr->have || e;
	}
	char hex[GW_SHA256_HEX_LEN];
	return e && hash_file(fd, n, hex) && strcmp(hex, e->hex) == 0;
}

/* Look at the directory 'fd' (closed here) of the old tree, at 'rel'. */
static void find_foreign(struct foreign *fr, int fd, const char *rel,
		unsigned depth)
{
	DIR *dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		report_foreign(fr, *rel ? rel : ".");
		return;
	}
	/* The top is a dup of 'oldfd', whose offset the survey's readdir
	 * left at the end. */
	rewinddir(dp);
	size_t entries = 0;
	for (struct dirent *e; (e = readdir(dp));) {
		const char *n = e->d_name;
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0) {
			continue;
		}
		entries++;
		char *sub = *rel ? gw_xasprintf("%s/%s", rel, n)
			: gw_xstrdup(n);
		struct stat st;
		if (fr->budget == 0) {
			report_foreign(fr, sub);
			free(sub);
			break;
		}
		fr->budget--;
		if (fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			report_foreign(fr, sub);
		} else if (S_ISDIR(st.st_mode)) {
			int sub_fd = depth > 0 ? openat(fd, n, O_RDONLY
					| O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
				: -1;
			if (sub_fd >= 0) {
				find_foreign(fr, sub_fd, sub, depth - 1);
			} else {
				report_foreign(fr, sub);
			}
		} else if (!is_gwgen_entry(fr, fd, n, sub, &st)) {
			report_foreign(fr, sub);
		}
		free(sub);
	}
	closedir(dp);
	/* gwgen makes a directory only for the files in it. */
	if (entries == 0 && *rel && !is_parent_of_file(fr->files, rel)) {
		report_foreign(fr, rel);
	}
}

/*
 * True when everything in the old tree is gwgen's (see struct foreign);
 * otherwise each thing that is not is an error in 'w->d'.
 */
static bool check_foreign(struct writer *w, const struct gw_files *files)
{
	struct foreign fr = {
		.w = w,
		.files = files,
		.budget = LEFTOVER_MAX_ENTRIES,
	};
	read_manifest(&fr);
	int fd = dup(w->oldfd);
	if (fd < 0) {
		fail(w, NULL, strerror(errno));
		return false;
	}
	find_foreign(&fr, fd, "", LEFTOVER_MAX_DEPTH);
	for (size_t i = 0; i < fr.n; i++) {
		free(fr.v[i].path);
	}
	free(fr.v);
	return fr.found == 0;
}

static bool make_tmp(struct writer *w)
{
	char *base = gw_xasprintf(".%s.tmp-" TMP_UNIQUE, w->name);
	size_t baselen = strlen(base);
	w->tmppath = join(w->dir, base);
	w->tmpbase = w->tmppath + strlen(w->tmppath) - baselen;
	free(base);
	if (!step(w, GW_OUTPUT_MKDIR) || !mkdtemp(w->tmppath)) {
		fail(w, NULL, strerror(errno));
		free(w->tmppath);
		w->tmppath = NULL;
		return false;
	}
	w->tmpfd = openat(w->dirfd, w->tmpbase,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (w->tmpfd < 0 || fchmod(w->tmpfd, DIR_MODE) != 0) {
		fail(w, NULL, strerror(errno));
		return false;
	}
	return true;
}

static bool check_paths(const struct writer *w, const struct gw_files *files)
{
	if (!*w->dir) {
		gw_diag_error(w->d, (struct gw_loc){0},
				"the output directory name is empty");
		return false;
	}
	if (gw_files_find(files, GW_OUTPUT_MANIFEST)) {
		fail(w, GW_OUTPUT_MANIFEST, "the manifest's name is gwgen's own");
		return false;
	}
	if (!is_single_component(w->name)) {
		gw_diag_error(w->d, (struct gw_loc){0}, "cannot write '%s': "
				"the output name must be a single path "
				"component", w->name);
		return false;
	}
	for (size_t i = 0; i < files->n; i++) {
		if (!is_safe_relative_path(files->v[i].path)) {
			fail(w, files->v[i].path, "unsafe file name");
			return false;
		}
	}
	return true;
}

/* Open the existing 'dir'/'name' as w->oldfd; -1 when it cannot be. */
static void open_old(struct writer *w)
{
	w->oldfd = openat(w->dirfd, w->name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Put every file into the temporary tree: linked from the old tree where
 * it has the file already (old[i].same; cleared when linking fails), else
 * written. */
static bool fill_tmp(struct writer *w, const struct gw_files *files,
		struct old_copy *old)
{
	for (size_t i = 0; i < files->n; i++) {
		const struct gw_file *f = &files->v[i];
		if (!make_subdirs(w, f->path)) {
			return false;
		}
		if (old[i].same && link_file(w, f, &old[i])) {
			continue;
		}
		old[i].same = false;
		if (!write_file(w, f)) {
			return false;
		}
	}
	return true;
}

bool gw_output_write_hooked(const char *dir, const char *name,
		const struct gw_files *files, bool *kept,
		const struct gw_output_hooks *hooks, struct gw_diags *d)
{
	struct writer w = {
		.dir = dir,
		.name = name,
		.hooks = hooks,
		.d = d,
		.dirfd = -1,
		.oldfd = -1,
		.tmpfd = -1,
	};
	bool ok = false, had_old = false;
	/* The files and, last, their manifest: the files are lent (their
	 * strings stay 'files''), the manifest's text is owned here. */
	struct gw_files all = {
		.v = gw_xcalloc(files->n + 1, sizeof(*all.v)),
		.n = files->n + 1,
	};
	struct old_copy *old = gw_xcalloc(all.n, sizeof(*old));
	struct gw_buf manifest;
	gw_buf_init(&manifest);

	catch_signals(&w);
	if (!check_paths(&w, files)) {
		goto out;
	}
	memcpy(all.v, files->v, files->n * sizeof(*all.v));
	gw_output_manifest(files, &manifest);
	all.v[files->n] = (struct gw_file){
		.path = (char *)GW_OUTPUT_MANIFEST,
		.data = manifest.data ? manifest.data : (char *)"",
		.len = manifest.len,
		.mode = GW_OUTPUT_MANIFEST_MODE,
	};
	if (!open_dir(&w, &had_old)) {
		goto out;
	}
	remove_stale(&w, &had_old);
	if (had_old) {
		open_old(&w);
		if (w.oldfd < 0) {
			fail(&w, NULL, strerror(errno));
			goto out;
		}
		if (survey_old(&w, &all, old)) {
			ok = true; /* up to date: nothing to write */
			goto out;
		}
		if (!check_foreign(&w, &all)) {
			goto out;
		}
	}
	if (!make_tmp(&w) || !fill_tmp(&w, &all, old)) {
		goto out;
	}
	for (size_t i = 0; i < all.n; i++) {
		if (!sync_file(&w, &all.v[i])) {
			goto out;
		}
	}
	ok = fsync_tree(&w) && swap_in(&w, had_old);
out:
	for (size_t i = 0; ok && kept && i < all.n; i++) {
		kept[i] = old[i].same;
	}
	free(old);
	free(all.v);
	gw_buf_finish(&manifest);
	if (w.tmpfd >= 0) {
		close(w.tmpfd);
	}
	if (w.oldfd >= 0) {
		close(w.oldfd);
	}
	if (w.tmppath) {
		/* Not swapped in: the old output is untouched; drop ours. */
		remove_tree(w.dirfd, w.tmpbase);
		free(w.tmppath);
	}
	if (w.dirfd >= 0) {
		stale_touched(w.dirfd);
		close(w.dirfd);
	}
	for (size_t i = 0; i < w.n_subdirs; i++) {
		free(w.subdirs[i]);
	}
	free(w.subdirs);
	release_signals(&w);
	return ok;
}

bool gw_output_write(const char *dir, const char *name,
		const struct gw_files *files, bool *kept, struct gw_diags *d)
{
	return gw_output_write_hooked(dir, name, files, kept, NULL, d);
}
