/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4), for pinning the files that user data fetches. */
#ifndef GW_SHA256_H
#define GW_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* Size of a digest in bytes and of its hex form, NUL included. */
#define GW_SHA256_DIGEST_LEN 32
#define GW_SHA256_HEX_LEN (2 * GW_SHA256_DIGEST_LEN + 1)
#define GW_SHA256_BLOCK_LEN 64

/* Incremental hashing state; no heap memory, nothing to free. */
struct gw_sha256 {
	uint32_t h[8];                       /* chaining value */
	uint64_t n_bytes;                    /* message length so far */
	unsigned char block[GW_SHA256_BLOCK_LEN]; /* pending input */
	size_t used;                         /* bytes pending in 'block' */
};

/* Start a new digest in 'c'. */
void gw_sha256_init(struct gw_sha256 *c);

/* Feed 'len' bytes of 'data' (may be NULL when 'len' is 0). */
void gw_sha256_update(struct gw_sha256 *c, const void *data, size_t len);

/* Finish and store the digest in 'out'; 'c' must be re-initialised to reuse. */
void gw_sha256_final(struct gw_sha256 *c,
		unsigned char out[GW_SHA256_DIGEST_LEN]);

/* The digest of 'len' bytes of 'data' as 64 lowercase hex digits plus NUL. */
void gw_sha256_hex(const void *data, size_t len, char out[GW_SHA256_HEX_LEN]);

#endif
