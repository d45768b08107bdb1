/* SPDX-License-Identifier: MIT */
/* Writing a set of rendered files into out/NAME/ atomically. */
#ifndef GW_OUTPUT_H
#define GW_OUTPUT_H

#include <stdbool.h>

#include "buf.h"
#include "diag.h"
#include "files.h"

/*
 * The list of what gwgen wrote, at the top of every DIR/NAME/: one line
 * per file, sorted by path, "SHA256  PATH" as sha256sum(1) prints it (so
 * 'sha256sum -c .gwgen-files' checks the tree). gw_output_write writes it
 * and reads the old one back to tell gwgen's files from the user's.
 */
#define GW_OUTPUT_MANIFEST ".gwgen-files"
#define GW_OUTPUT_MANIFEST_MODE 0644
/* The file users once copied deploy.env.example to; it now lives beside
 * DIR/NAME/, as DIR/NAME.env, and a refusal names the new place. */
#define GW_OUTPUT_DEPLOY_ENV "deploy.env"

/* Append the manifest of 'files' (GW_OUTPUT_MANIFEST) to 'out'. */
void gw_output_manifest(const struct gw_files *files, struct gw_buf *out);

/*
 * Replace directory 'dir'/'name' by exactly 'files': write them into a new
 * temporary directory 'dir'/.NAME.tmp-XXXXXX (created inside 'dir', which
 * is created if missing), fsync every file and directory, then swap it into
 * place so a reader sees the complete old or the complete new output, never
 * a mix. On Linux the swap is one renameat2(RENAME_EXCHANGE); elsewhere (or
 * on a file system without it) the old directory is first renamed to a
 * backup name, leaving a short window in which 'dir'/'name' does not exist
 * but never one with mixed contents. Files get exactly their 'mode' (the
 * umask does not apply, so the output is the same everywhere); directories
 * get 0755.
 *
 * Refused: a 'name' that is not a single path component, a file path that
 * is absolute or has an empty, "." or ".." component, and an existing
 * 'dir'/'name' that is not a directory (a symlink is never followed). On any
 * error nothing at 'dir'/'name' changes, the temporary directory is removed,
 * and the error is in 'd' as "cannot write 'DIR/NAME/PATH': REASON".
 * Temporary and backup trees of NAME that a killed run left in 'dir'
 * (.NAME.tmp-XXXXXX, .NAME.old-XXXXXX) are removed first, except that a
 * backup is renamed back to NAME when NAME is missing (it is the old output).
 * Only a tree this user made, of the shape gwgen writes (directories 0755,
 * regular files, nothing else, all owned by the effective user), is
 * removed or renamed back; anything else under such a name is left alone
 * with a warning in 'd'.
 *
 * A SIGINT or SIGTERM while the write is under way is held until the
 * temporary tree is removed (or, past the swap, until the old one is),
 * then raised again with the caller's handler back in place; a signal the
 * caller ignores stays ignored.
 *
 * Besides 'files', the tree gets GW_OUTPUT_MANIFEST. An old 'dir'/'name'
 * that holds anything gwgen did not write is not replaced: each such
 * thing is an error in 'd', naming it, and nothing changes. gwgen's are:
 * a regular file at a path of 'files' that the old manifest lists (in a
 * tree without a manifest, from an older gwgen: any file at such a path),
 * a regular file the old manifest lists with the bytes it still has, and
 * a symlink or special file (no data of its own) where 'files' has a file
 * or needs a directory. Anything else (another file, a symlink or FIFO
 * elsewhere, an empty directory, a file gwgen wrote and no longer
 * generates but that was edited since) is the user's.
 *
 * A file the old 'dir'/'name' already has, byte for byte and with its
 * mode (a regular file of this user with no other link), is not written
 * again: the new tree takes it as a hard link (where the file system has
 * none, it is written). When the old tree is exactly 'files', with nothing
 * else in it, nothing is written at all and it stays as it is, times and
 * all. When 'kept' is not NULL it has files->n + 1 entries, and on
 * success kept[i] says whether files->v[i] was such a file, and
 * kept[files->n] whether the manifest was.
 *
 * Writes into one 'dir' take turns: each holds flock(2) on 'dir' from
 * before that clean-up to after the swap (at most LOCK_WAIT_MS of waiting
 * for another process, then an error), so concurrent runs for the same
 * NAME leave the last one's complete output. Where 'dir' cannot be locked
 * (ENOLCK on some NFS set-ups) the write goes on unlocked.
 */
bool gw_output_write(const char *dir, const char *name,
		const struct gw_files *files, bool *kept, struct gw_diags *d);

/* The steps that change the disk, for gw_output_hooks. */
enum gw_output_step {
	GW_OUTPUT_MKDIR,  /* creating the temporary directory or a subdirectory */
	GW_OUTPUT_WRITE,  /* writing one file's contents */
	GW_OUTPUT_LINK,   /* linking an unchanged file from the old tree;
			   * failing it makes the file be written instead */
	GW_OUTPUT_FSYNC,  /* fsync of a file or directory */
	GW_OUTPUT_SWAP,   /* a rename that moves a tree into or out of place */
	GW_OUTPUT_EXCHANGE, /* renameat2(RENAME_EXCHANGE); failing it with
			     * ENOSYS takes the two-rename fallback */
	GW_OUTPUT_REMOVE, /* removing the old or the temporary tree */
};

/*
 * Test hooks: 'before' runs before every step; returning false makes the
 * step fail with the errno the hook set (ENOSPC, EIO, ...). Tests use it to
 * inject failures and to crash the process at a chosen point.
 */
struct gw_output_hooks {
	bool (*before)(void *ud, enum gw_output_step step);
	void *ud;
};

/* gw_output_write with 'hooks' (NULL: none). */
bool gw_output_write_hooked(const char *dir, const char *name,
		const struct gw_files *files, bool *kept,
		const struct gw_output_hooks *hooks, struct gw_diags *d);

#endif
