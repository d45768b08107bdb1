/* SPDX-License-Identifier: MIT */
/* Unit tests for the offline instance-type catalog (values from the EC2 docs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "catalog.h"

struct spec {
	const char *name;
	unsigned vcpus, memory_mib, gpus;
	enum gw_arch arch;
};

/* Published EC2 specifications (vCPUs, GiB x 1024, GPUs). */
static const struct spec known[] = {
        {"c4.large", 2, 3840, 0, GW_ARCH_X86_64},
        {"c4.8xlarge", 36, 61440, 0, GW_ARCH_X86_64},
        {"m4.16xlarge", 64, 262144, 0, GW_ARCH_X86_64},
        {"r4.16xlarge", 64, 499712, 0, GW_ARCH_X86_64},
        {"c5.9xlarge", 36, 73728, 0, GW_ARCH_X86_64},
        {"r6a.4xlarge", 16, 131072, 0, GW_ARCH_X86_64},
        {"c6a.8xlarge", 32, 65536, 0, GW_ARCH_X86_64},
        {"m6g.medium", 1, 4096, 0, GW_ARCH_ARM64},
        {"r7g.16xlarge", 64, 524288, 0, GW_ARCH_ARM64},
        {"g4dn.12xlarge", 48, 196608, 4, GW_ARCH_X86_64},
        {"g5.48xlarge", 192, 786432, 8, GW_ARCH_X86_64},
        {"p3.2xlarge", 8, 62464, 1, GW_ARCH_X86_64},
        {"p4d.24xlarge", 96, 1179648, 8, GW_ARCH_X86_64},
        {"x2iedn.32xlarge", 128, 4194304, 0, GW_ARCH_X86_64},
};

static void test_catalog_known_types(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct gw_instance_type *t =
		        gw_catalog_find(known[i].name);
		if (!t) {
			fail_msg("'%s' missing", known[i].name);
		}
		assert_int_equal(t->vcpus, known[i].vcpus);
		assert_int_equal(t->memory_mib, known[i].memory_mib);
		assert_int_equal(t->gpus, known[i].gpus);
		assert_int_equal(t->arch, known[i].arch);
	}
	assert_null(gw_catalog_find("z9.large"));
	assert_null(gw_catalog_find("c5.metal"));
	assert_null(gw_catalog_find("c5"));
}

static void test_catalog_instance_store(void **state)
{
	(void)state;
	const struct gw_instance_type *t = gw_catalog_find("c5d.large");
	assert_non_null(t);
	assert_int_equal(t->nvme_disks, 1);
	assert_int_equal(t->nvme_disk_gb, 50);
	t = gw_catalog_find("i3.16xlarge");
	assert_non_null(t);
	assert_int_equal(t->nvme_disks, 8);
	assert_int_equal(t->nvme_disk_gb, 1900);
	t = gw_catalog_find("m5.large");
	assert_int_equal(t->nvme_disks, 0);
}

static void test_catalog_selection(void **state)
{
	(void)state;
	const struct gw_instance_type *c4 = gw_catalog_find("c4.xlarge");
	const struct gw_instance_type *c5 = gw_catalog_find("c5.xlarge");
	const struct gw_instance_type *c5d = gw_catalog_find("c5d.xlarge");
	assert_true(gw_catalog_selects("optimal", c4));
	assert_false(gw_catalog_selects("optimal", c5));
	assert_true(gw_catalog_selects("c5", c5));
	assert_false(gw_catalog_selects("c5", c5d));
	assert_true(gw_catalog_selects("c5.xlarge", c5));
	assert_false(gw_catalog_selects("c5.2xlarge", c5));
	assert_true(gw_catalog_spec_known("optimal"));
	assert_true(gw_catalog_spec_known("r6a"));
	assert_false(gw_catalog_spec_known("z9"));
	char family[16];
	gw_catalog_family("x2iedn.xlarge", family, sizeof(family));
	assert_string_equal(family, "x2iedn");
	assert_string_equal(gw_arch_name(GW_ARCH_ARM64), "arm64");
}

/* The generator sorts the table; the binary search depends on it. */
static void test_catalog_sorted(void **state)
{
	(void)state;
	assert_true(gw_catalog_count() > 300);
	for (size_t i = 1; i < gw_catalog_count(); i++) {
		assert_true(strcmp(gw_catalog_at(i - 1)->name,
		                   gw_catalog_at(i)->name) < 0);
	}
	assert_null(gw_catalog_at(gw_catalog_count()));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_catalog_known_types),
	        cmocka_unit_test(test_catalog_instance_store),
	        cmocka_unit_test(test_catalog_selection),
	        cmocka_unit_test(test_catalog_sorted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
