/* SPDX-License-Identifier: MIT */
/* The physical limit of gwgen's job: write a bundle crash-safely, nothing else. */
/*
 * usage: safe_write [-n] SRC DIR NAME
 *
 * Reads every regular file below SRC (a bundle gwgen wrote before) into
 * memory, then writes the same files, with the same permission bits, into
 * DIR/NAME/ the way src/output.c does: a new temporary tree
 * DIR/.NAME.tmp-XXXXXX, every file written and fsync'd, every directory
 * fsync'd, the tree exchanged with an existing DIR/NAME (renameat2
 * RENAME_EXCHANGE) or renamed into place, DIR fsync'd, the old tree removed.
 * With -n it reads SRC and exits, which shows what the reading costs.
 *
 * It is the bound gwgen is measured against (bench.py's 'limit' table), so
 * it does nothing else: no profile, no rendering or checking, no lock on
 * DIR, no survey of the old tree, no hard links, no clean-up of killed
 * runs, and no fallback where the exchange is missing. Where gwgen pays
 * for a system call that crash safety does not need, this does not: each
 * file is created with its final mode (umask 0, no fchmod) and is fsync'd
 * on the descriptor it was written through, not reopened. It uses the
 * fastest order of the syncs known for ext4 (docs/performance.md,
 * "sync_file_range before fsync"), the one gwgen uses: every file written
 * and its writeback started first, then every file fsync'd.
 *
 * Reading SRC happens inside the timed process, as gwgen reads its profile
 * and templates inside its own: a bundle of 15 small files from the page
 * cache, about 0.1 ms (measure with -n). Errors print one line to stderr
 * and exit 1; usage errors exit 2.
 */
#ifdef __linux__
/* sync_file_range() and renameat2's syscall number need _GNU_SOURCE. */
#define _GNU_SOURCE
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/fs.h>
#include <sys/syscall.h>
#endif

#define DIR_MODE 0755
#define PERM_BITS 0777
#define MAX_FILES 4096
#define PATH_BYTES 4096

struct file {
	char *path;  /* relative to SRC and DIR/NAME */
	char *data;
	size_t len;
	mode_t mode; /* permission bits */
	int fd;      /* while written */
};

struct bundle {
	struct file v[MAX_FILES];
	size_t n;
	char *dirs[MAX_FILES]; /* subdirectories, parents first */
	size_t n_dirs;
};

static void die(const char *what, const char *path)
{
	fprintf(stderr, "safe_write: %s '%s': %s\n", what, path,
			strerror(errno));
	exit(1);
}

/* The file 'name' below 'dirfd', 'size' bytes as its stat said (the buffer
 * is sized by it, so the bound pays for no more memory than the bundle). */
static char *read_all(int dirfd, const char *name, const char *shown,
		size_t size, size_t *len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		die("cannot read", shown);
	}
	size_t cap = size + 1, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf) {
			die("out of memory reading", shown);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r < 0) {
			die("cannot read", shown);
		}
		if (r == 0) {
			break;
		}
		n += (size_t)r;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	close(fd);
	*len = n;
	return buf;
}

/* Read the tree below 'fd' ('rel': its path below SRC, "" at the top). */
static void read_tree(struct bundle *b, int fd, const char *rel)
{
	DIR *dp = fdopendir(fd);
	if (!dp) {
		die("cannot list", rel);
	}
	for (struct dirent *e; (e = readdir(dp));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
			continue;
		}
		char path[PATH_BYTES];
		snprintf(path, sizeof path, "%s%s%s", rel, *rel ? "/" : "",
				e->d_name);
		struct stat st;
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			die("cannot stat", path);
		}
		if (b->n == MAX_FILES || b->n_dirs == MAX_FILES) {
			errno = EFBIG;
			die("too many files in", path);
		}
		if (S_ISDIR(st.st_mode)) {
			b->dirs[b->n_dirs++] = strdup(path);
			int sub = openat(fd, e->d_name,
					O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (sub < 0) {
				die("cannot open", path);
			}
			read_tree(b, sub, path);
		} else if (S_ISREG(st.st_mode)) {
			struct file *f = &b->v[b->n++];
			f->path = strdup(path);
			f->mode = st.st_mode & PERM_BITS;
			f->data = read_all(fd, e->d_name, path,
					(size_t)st.st_size, &f->len);
		}
	}
	closedir(dp);
}

static void write_all(int fd, const char *data, size_t len, const char *path)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			die("cannot write", path);
		}
		data += n;
		len -= (size_t)n;
	}
}

static void sync_dir(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		die("cannot sync", name);
	}
	close(fd);
}

/* rm -r 'name' below 'parent' (its own tree: no symlinks to care about). */
static void remove_tree(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dp) {
		die("cannot open", name);
	}
	for (struct dirent *e; (e = readdir(dp));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
			continue;
		}
		if (e->d_type == DT_DIR) {
			remove_tree(fd, e->d_name);
		} else if (unlinkat(fd, e->d_name, 0) != 0) {
			die("cannot remove", e->d_name);
		}
	}
	closedir(dp);
	if (unlinkat(parent, name, AT_REMOVEDIR) != 0) {
		die("cannot remove", name);
	}
}

int main(int argc, char **argv)
{
	bool read_only = argc > 1 && strcmp(argv[1], "-n") == 0;
	if (argc != 4 + read_only) {
		fputs("usage: safe_write [-n] SRC DIR NAME\n", stderr);
		return 2;
	}
	const char *src = argv[1 + read_only], *dir = argv[2 + read_only];
	const char *name = argv[3 + read_only];
	static struct bundle b;
	int srcfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (srcfd < 0) {
		die("cannot open", src);
	}
	read_tree(&b, srcfd, "");
	if (read_only) {
		return 0;
	}

	umask(0);
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		die("cannot open", dir);
	}
	char tmp[PATH_BYTES];
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp-XXXXXX", dir, name);
	if (!mkdtemp(tmp)) {
		die("cannot create", tmp);
	}
	const char *tmpbase = strrchr(tmp, '/') + 1;
	int tmpfd = openat(dirfd, tmpbase, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tmpfd < 0 || fchmod(tmpfd, DIR_MODE) != 0) {
		die("cannot open", tmp);
	}
	/* readdir lists a directory before what is in it. */
	for (size_t i = 0; i < b.n_dirs; i++) {
		if (mkdirat(tmpfd, b.dirs[i], DIR_MODE) != 0) {
			die("cannot create", b.dirs[i]);
		}
	}
	for (size_t i = 0; i < b.n; i++) {
		struct file *f = &b.v[i];
		f->fd = openat(tmpfd, f->path, O_WRONLY | O_CREAT | O_EXCL
				| O_CLOEXEC, f->mode);
		if (f->fd < 0) {
			die("cannot create", f->path);
		}
		write_all(f->fd, f->data, f->len, f->path);
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
		(void)sync_file_range(f->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
	}
	for (size_t i = 0; i < b.n; i++) {
		if (fsync(b.v[i].fd) != 0 || close(b.v[i].fd) != 0) {
			die("cannot sync", b.v[i].path);
		}
	}
	for (size_t i = b.n_dirs; i-- > 0;) {
		sync_dir(tmpfd, b.dirs[i]);
	}
	if (fsync(tmpfd) != 0) {
		die("cannot sync", tmp);
	}
	close(tmpfd);

	bool had_old = true;
#if defined(__linux__) && defined(SYS_renameat2) && defined(RENAME_EXCHANGE)
	if (syscall(SYS_renameat2, dirfd, tmpbase, dirfd, name,
				RENAME_EXCHANGE) != 0) {
		if (errno != ENOENT) {
			die("cannot exchange", name);
		}
		had_old = false;
	}
#else
	had_old = false;
	errno = ENOSYS;
	die("no renameat2 to exchange", name);
#endif
	if (!had_old && renameat(dirfd, tmpbase, dirfd, name) != 0) {
		die("cannot rename", name);
	}
	if (fsync(dirfd) != 0) {
		die("cannot sync", dir);
	}
	if (had_old) {
		remove_tree(dirfd, tmpbase);
	}
	close(dirfd);
	return 0;
}
