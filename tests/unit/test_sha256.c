/* SPDX-License-Identifier: MIT */
/* Unit tests for sha256.c against the FIPS 180-4 / NIST example vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_empty),
		cmocka_unit_test(test_sha256_abc),
		cmocka_unit_test(test_sha256_two_blocks),
		cmocka_unit_test(test_sha256_million_a_incremental),
		cmocka_unit_test(test_sha256_padding_boundaries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
