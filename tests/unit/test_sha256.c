/* SPDX-License-Identifier: MIT */
/* Unit tests for sha256.c against the FIPS 180-4 / NIST example vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sha256.h"

/* NIST CSRC "Cryptographic Standards and Guidelines: Examples with
 * Intermediate Values", SHA-256 (one block, two blocks) and the long
 * message vector of FIPS 180-2 appendix B.3 (one million 'a'). */
static void test_sha256_empty(void **state)
{
	char hex[GW_SHA256_HEX_LEN];
	gw_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
			"27ae41e4649b934ca495991b7852b855");
}

static void test_sha256_abc(void **state)
{
	char hex[GW_SHA256_HEX_LEN];
	gw_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
			"b00361a396177a9cb410ff61f20015ad");
}

static void test_sha256_two_blocks(void **state)
{
	static const char msg[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char hex[GW_SHA256_HEX_LEN];
	gw_sha256_hex(msg, strlen(msg), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039"
			"a33ce45964ff2167f6ecedd419db06c1");
}

static void test_sha256_million_a_incremental(void **state)
{
	enum { CHUNK = 1000, CHUNKS = 1000 };
	char chunk[CHUNK];
	memset(chunk, 'a', sizeof(chunk));
	struct gw_sha256 c;
	gw_sha256_init(&c);
	for (int i = 0; i < CHUNKS; i++) {
		gw_sha256_update(&c, chunk, sizeof(chunk));
	}
	unsigned char d[GW_SHA256_DIGEST_LEN];
	gw_sha256_final(&c, d);
	static const unsigned char want[GW_SHA256_DIGEST_LEN] = {
		0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92,
		0x81, 0xa1, 0xc7, 0xe2, 0x84, 0xd7, 0x3e, 0x67,
		0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97, 0x20, 0x0e,
		0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11, 0x2c, 0xd0,
	};
	assert_memory_equal(d, want, sizeof(want));
}

/* Lengths 55, 56 and 64 straddle the padding boundary (section 5.1.1):
 * the same bytes hashed at once and byte by byte must agree. */
static void test_sha256_padding_boundaries(void **state)
{
	static const size_t lens[] = { 55, 56, 63, 64, 65, 119, 120 };
	char msg[128];
	memset(msg, 'x', sizeof(msg));
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		unsigned char a[GW_SHA256_DIGEST_LEN], b[GW_SHA256_DIGEST_LEN];
		struct gw_sha256 c;
		gw_sha256_init(&c);
		gw_sha256_update(&c, msg, lens[i]);
		gw_sha256_final(&c, a);
		gw_sha256_init(&c);
		for (size_t j = 0; j < lens[i]; j++) {
			gw_sha256_update(&c, msg + j, 1);
		}
		gw_sha256_final(&c, b);
		assert_memory_equal(a, b, sizeof(a));
	}
	/* 56 bytes: the length no longer fits the first block. */
	char hex[GW_SHA256_HEX_LEN];
	gw_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
			56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039"
			"a33ce45964ff2167f6ecedd419db06c1");
}

/*
 * Every length from 0 to 300 bytes and a few long ones, of bytes that are
 * not all alike, against coreutils' sha256sum (an independent
 * implementation), hashed whole and in pieces: both compressions (the
 * SHA extensions where the CPU has them, and the portable one under
 * GWGEN_SHA256_PORTABLE=1, which the 'sha256-portable' test sets) must
 * agree with it.
 */
static void test_sha256_matches_sha256sum(void **state)
{
	(void)state;
	static const size_t lengths[] = {1000, 4096, 65537, 200003};
	unsigned char *data = malloc(200003);
	assert_non_null(data);
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < 200003; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		data[i] = (unsigned char)x;
	}
	/* Each test binary its own file: two of them run at once. */
	char path[] = "sha256-input-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char *cmd = malloc(sizeof(path) + 16);
	assert_non_null(cmd);
	snprintf(cmd, sizeof(path) + 16, "sha256sum %s", path);
	for (size_t n = 0; n <= 300 + sizeof(lengths) / sizeof(lengths[0]); n++) {
		size_t len = n <= 300 ? n : lengths[n - 301];
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(data, 1, len, f), len);
		assert_int_equal(fclose(f), 0);
		FILE *p = popen(cmd, "r");
		assert_non_null(p);
		char want[GW_SHA256_HEX_LEN] = "";
		assert_non_null(fgets(want, sizeof(want), p));
		pclose(p);
		char got[GW_SHA256_HEX_LEN];
		gw_sha256_hex(data, len, got);
		assert_string_equal(got, want);
		/* In pieces of 1, 63 and 65 bytes. */
		struct gw_sha256 c;
		gw_sha256_init(&c);
		for (size_t i = 0, step = 1; i < len; i += step) {
			step = step == 1 ? 63 : step == 63 ? 65 : 1;
			gw_sha256_update(&c, data + i,
			                 i + step > len ? len - i : step);
		}
		unsigned char d[GW_SHA256_DIGEST_LEN];
		gw_sha256_final(&c, d);
		for (size_t i = 0; i < GW_SHA256_DIGEST_LEN; i++) {
			snprintf(got + 2 * i, 3, "%02x", d[i]);
		}
		assert_string_equal(got, want);
	}
	remove(path);
	free(cmd);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_empty),
		cmocka_unit_test(test_sha256_abc),
		cmocka_unit_test(test_sha256_two_blocks),
		cmocka_unit_test(test_sha256_million_a_incremental),
		cmocka_unit_test(test_sha256_padding_boundaries),
		cmocka_unit_test(test_sha256_matches_sha256sum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
