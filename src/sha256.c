/* SPDX-License-Identifier: MIT */
/* SHA-256 as specified in FIPS 180-4, sections 4.1.2, 4.2.2, 5 and 6.2. */
#include "sha256.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* FIPS 180-4 section 4.2.2: the first 32 bits of the fractional parts of
 * the cube roots of the first 64 primes. */
static const uint32_t k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4 section 5.3.3: the initial hash value. */
static const uint32_t h0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* Padding starts with a single 1 bit (section 5.1.1). */
#define PAD_FIRST_BYTE 0x80
/* The message length is appended as a 64-bit big-endian number. */
#define LENGTH_FIELD_LEN 8
#define WORDS_PER_BLOCK 16
#define SCHEDULE_LEN 64

static uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t load_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void store_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Section 6.2.2: process one 512-bit block. */
static void compress_one(uint32_t h[8], const unsigned char *block)
{
	uint32_t w[SCHEDULE_LEN];
	for (int t = 0; t < WORDS_PER_BLOCK; t++) {
		w[t] = load_be32(block + 4 * t);
	}
	for (int t = WORDS_PER_BLOCK; t < SCHEDULE_LEN; t++) {
		uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^
			(w[t - 15] >> 3);
		uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^
			(w[t - 2] >> 10);
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
	uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int t = 0; t < SCHEDULE_LEN; t++) {
		uint32_t big1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = hh + big1 + ch + k[t] + w[t];
		uint32_t big0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = big0 + maj;
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
}

/* Process 'n' consecutive blocks in portable C. */
static void compress_c(uint32_t h[8], const unsigned char *blocks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		compress_one(h, blocks + i * GW_SHA256_BLOCK_LEN);
	}
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>

/* CPUID leaf 7, sub-leaf 0, EBX bit 29: the SHA extensions (Intel SDM
 * vol. 2A, CPUID); leaf 1, ECX bits 9 and 19: SSSE3 and SSE4.1. */
#define CPUID_SHA_BIT (1u << 29)
#define CPUID_SSSE3_BIT (1u << 9)
#define CPUID_SSE41_BIT (1u << 19)

static bool cpu_has_sha(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d) ||
			!(c & CPUID_SSSE3_BIT) || !(c & CPUID_SSE41_BIT)) {
		return false;
	}
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) &&
		(b & CPUID_SHA_BIT);
}

/*
 * The same compression with the x86 SHA extensions (Intel, "New
 * Instructions Supporting the Secure Hash Algorithm on Intel Architecture
 * Processors", 2013): SHA256RNDS2 does two rounds, SHA256MSG1/MSG2 the
 * message schedule, four words at a time. The state is kept as ABEF and
 * CDGH, the order SHA256RNDS2 takes.
 */
__attribute__((target("sha,ssse3,sse4.1")))
static void compress_sha_ni(uint32_t h[8], const unsigned char *blocks,
		size_t n)
{
	/* Byte order of each 32-bit word: the message is big-endian. */
	const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL,
			0x0405060700010203LL);
	__m128i tmp = _mm_loadu_si128((const __m128i *)&h[0]);  /* DCBA */
	__m128i st1 = _mm_loadu_si128((const __m128i *)&h[4]);  /* HGFE */
	tmp = _mm_shuffle_epi32(tmp, 0xB1);                      /* CDAB */
	st1 = _mm_shuffle_epi32(st1, 0x1B);                      /* EFGH */
	__m128i st0 = _mm_alignr_epi8(tmp, st1, 8);              /* ABEF */
	st1 = _mm_blend_epi16(st1, tmp, 0xF0);                   /* CDGH */
	for (size_t b = 0; b < n; b++) {
		const unsigned char *p = blocks + b * GW_SHA256_BLOCK_LEN;
		__m128i save0 = st0, save1 = st1;
		__m128i w[4];
		for (int i = 0; i < 4; i++) {
			w[i] = _mm_shuffle_epi8(_mm_loadu_si128(
					(const __m128i *)(p + 16 * i)), swap);
		}
		/* Sixteen groups of four rounds; the schedule computes each
		 * group's words four groups ahead, in the slot it frees. */
		for (int i = 0; i < SCHEDULE_LEN / 4; i++) {
			__m128i x = w[i & 3];
			__m128i m = _mm_add_epi32(x,
					_mm_loadu_si128((const __m128i *)&k[4 * i]));
			st1 = _mm_sha256rnds2_epu32(st1, st0, m);
			m = _mm_shuffle_epi32(m, 0x0E);
			st0 = _mm_sha256rnds2_epu32(st0, st1, m);
			if (i < SCHEDULE_LEN / 4 - 4) {
				__m128i x1 = w[(i + 1) & 3];
				__m128i x2 = w[(i + 2) & 3];
				__m128i x3 = w[(i + 3) & 3];
				__m128i s = _mm_add_epi32(
						_mm_sha256msg1_epu32(x, x1),
						_mm_alignr_epi8(x3, x2, 4));
				w[i & 3] = _mm_sha256msg2_epu32(s, x3);
			}
		}
		st0 = _mm_add_epi32(st0, save0);
		st1 = _mm_add_epi32(st1, save1);
	}
	tmp = _mm_shuffle_epi32(st0, 0x1B);                      /* FEBA */
	st1 = _mm_shuffle_epi32(st1, 0xB1);                      /* DCHG */
	st0 = _mm_blend_epi16(tmp, st1, 0xF0);                   /* DCBA */
	st1 = _mm_alignr_epi8(st1, tmp, 8);                      /* ABEF */
	_mm_storeu_si128((__m128i *)&h[0], st0);
	_mm_storeu_si128((__m128i *)&h[4], st1);
}
#endif

/* The compression this CPU runs fastest; every one gives the same digest
 * (test_sha256 compares them). The output manifest hashes every file
 * gwgen writes, so it is on every run's path. */
static void compress(uint32_t h[8], const unsigned char *blocks, size_t n)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	static int sha_ni = -1;
	if (sha_ni < 0) {
		sha_ni = cpu_has_sha() && !getenv("GWGEN_SHA256_PORTABLE");
	}
	if (sha_ni) {
		compress_sha_ni(h, blocks, n);
		return;
	}
#endif
	compress_c(h, blocks, n);
}

void gw_sha256_init(struct gw_sha256 *c)
{
	memcpy(c->h, h0, sizeof(h0));
	c->n_bytes = 0;
	c->used = 0;
}

void gw_sha256_update(struct gw_sha256 *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	c->n_bytes += len;
	if (c->used == 0 && len >= GW_SHA256_BLOCK_LEN) {
		/* Whole blocks straight from the input. */
		size_t n = len / GW_SHA256_BLOCK_LEN;
		compress(c->h, p, n);
		p += n * GW_SHA256_BLOCK_LEN;
		len -= n * GW_SHA256_BLOCK_LEN;
	}
	while (len > 0) {
		size_t take = GW_SHA256_BLOCK_LEN - c->used;
		if (take > len) {
			take = len;
		}
		memcpy(c->block + c->used, p, take);
		c->used += take;
		p += take;
		len -= take;
		if (c->used == GW_SHA256_BLOCK_LEN) {
			compress(c->h, c->block, 1);
			c->used = 0;
		}
	}
}

void gw_sha256_final(struct gw_sha256 *c,
		unsigned char out[GW_SHA256_DIGEST_LEN])
{
	uint64_t bits = c->n_bytes * 8;
	c->block[c->used++] = PAD_FIRST_BYTE;
	if (c->used > GW_SHA256_BLOCK_LEN - LENGTH_FIELD_LEN) {
		memset(c->block + c->used, 0, GW_SHA256_BLOCK_LEN - c->used);
		compress(c->h, c->block, 1);
		c->used = 0;
	}
	memset(c->block + c->used, 0,
			GW_SHA256_BLOCK_LEN - LENGTH_FIELD_LEN - c->used);
	for (int i = 0; i < LENGTH_FIELD_LEN; i++) {
		c->block[GW_SHA256_BLOCK_LEN - 1 - i] =
			(unsigned char)(bits >> (8 * i));
	}
	compress(c->h, c->block, 1);
	for (int i = 0; i < 8; i++) {
		store_be32(out + 4 * i, c->h[i]);
	}
}

void gw_sha256_hex(const void *data, size_t len, char out[GW_SHA256_HEX_LEN])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char d[GW_SHA256_DIGEST_LEN];
	struct gw_sha256 c;
	gw_sha256_init(&c);
	gw_sha256_update(&c, data, len);
	gw_sha256_final(&c, d);
	for (size_t i = 0; i < GW_SHA256_DIGEST_LEN; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 0xf];
	}
	out[2 * GW_SHA256_DIGEST_LEN] = '\0';
}
