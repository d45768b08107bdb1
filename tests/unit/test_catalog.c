/* SPDX-License-Identifier: MIT */
/* Unit tests for the offline instance-type catalog (values from the EC2 docs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
	assert_null(gw_catalog_find("c5"));
}

/*
 * Every size of the families the shipped profiles use (and of "optimal"
 * and the GPU families) against EC2's DescribeInstanceTypes figures as
 * published in kubernetes/autoscaler's ec2_instance_types.go and, for
 * r6a, the EC2 memory-optimized table: vCPUs and MiB per size, in the
 * order of the sizes' names.
 */
static const struct {
	const char *family;
	size_t n; /* non-metal sizes */
	const char *sizes[11];
	unsigned vcpus[11], mib[11], gpus[11];
} families[] = {
        {"c4", 5, {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge"},
         {2, 4, 8, 16, 36}, {3840, 7680, 15360, 30720, 61440}, {0}},
        {"m4", 6, {"large", "xlarge", "2xlarge", "4xlarge", "10xlarge",
                   "16xlarge"},
         {2, 4, 8, 16, 40, 64}, {8192, 16384, 32768, 65536, 163840, 262144},
         {0}},
        {"r4", 6, {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge",
                   "16xlarge"},
         {2, 4, 8, 16, 32, 64}, {15616, 31232, 62464, 124928, 249856, 499712},
         {0}},
        {"c5", 8, {"large", "xlarge", "2xlarge", "4xlarge", "9xlarge",
                   "12xlarge", "18xlarge", "24xlarge"},
         {2, 4, 8, 16, 36, 48, 72, 96},
         {4096, 8192, 16384, 32768, 73728, 98304, 147456, 196608}, {0}},
        {"c5d", 8, {"large", "xlarge", "2xlarge", "4xlarge", "9xlarge",
                    "12xlarge", "18xlarge", "24xlarge"},
         {2, 4, 8, 16, 36, 48, 72, 96},
         {4096, 8192, 16384, 32768, 73728, 98304, 147456, 196608}, {0}},
        {"c6a", 10, {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge",
                     "12xlarge", "16xlarge", "24xlarge", "32xlarge",
                     "48xlarge"},
         {2, 4, 8, 16, 32, 48, 64, 96, 128, 192},
         {4096, 8192, 16384, 32768, 65536, 98304, 131072, 196608, 262144,
          393216},
         {0}},
        {"r6a", 10, {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge",
                     "12xlarge", "16xlarge", "24xlarge", "32xlarge",
                     "48xlarge"},
         {2, 4, 8, 16, 32, 48, 64, 96, 128, 192},
         {16384, 32768, 65536, 131072, 262144, 393216, 524288, 786432,
          1048576, 1572864},
         {0}},
        {"m5", 8, {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge",
                   "12xlarge", "16xlarge", "24xlarge"},
         {2, 4, 8, 16, 32, 48, 64, 96},
         {8192, 16384, 32768, 65536, 131072, 196608, 262144, 393216}, {0}},
        {"r5", 8, {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge",
                   "12xlarge", "16xlarge", "24xlarge"},
         {2, 4, 8, 16, 32, 48, 64, 96},
         {16384, 32768, 65536, 131072, 262144, 393216, 524288, 786432},
         {0}},
        {"c6i", 9, {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge",
                    "12xlarge", "16xlarge", "24xlarge", "32xlarge"},
         {2, 4, 8, 16, 32, 48, 64, 96, 128},
         {4096, 8192, 16384, 32768, 65536, 98304, 131072, 196608, 262144},
         {0}},
        {"m6i", 9, {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge",
                    "12xlarge", "16xlarge", "24xlarge", "32xlarge"},
         {2, 4, 8, 16, 32, 48, 64, 96, 128},
         {8192, 16384, 32768, 65536, 131072, 196608, 262144, 393216,
          524288},
         {0}},
        {"r6i", 9, {"large", "xlarge", "2xlarge", "4xlarge", "8xlarge",
                    "12xlarge", "16xlarge", "24xlarge", "32xlarge"},
         {2, 4, 8, 16, 32, 48, 64, 96, 128},
         {16384, 32768, 65536, 131072, 262144, 393216, 524288, 786432,
          1048576},
         {0}},
        {"g4dn", 6, {"xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge",
                     "16xlarge"},
         {4, 8, 16, 32, 48, 64}, {16384, 32768, 65536, 131072, 196608, 262144},
         {1, 1, 1, 1, 4, 1}},
        {"g5", 8, {"xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge",
                   "16xlarge", "24xlarge", "48xlarge"},
         {4, 8, 16, 32, 48, 64, 96, 192},
         {16384, 32768, 65536, 131072, 196608, 262144, 393216, 786432},
         {1, 1, 1, 1, 4, 1, 4, 8}},
        {"p3", 3, {"2xlarge", "8xlarge", "16xlarge"}, {8, 32, 64},
         {62464, 249856, 499712}, {1, 4, 8}},
};

static void test_catalog_families(void **state)
{
	(void)state;
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		size_t in_catalog = 0;
		for (size_t i = 0; i < gw_catalog_count(); i++) {
			in_catalog += gw_catalog_selects(families[f].family,
			                                 gw_catalog_at(i));
		}
		if (in_catalog != families[f].n) {
			fail_msg("family %s has %zu sizes, want %zu",
			         families[f].family, in_catalog, families[f].n);
		}
		for (size_t k = 0; k < families[f].n; k++) {
			char name[32];
			snprintf(name, sizeof(name), "%s.%s", families[f].family,
			         families[f].sizes[k]);
			const struct gw_instance_type *t = gw_catalog_find(name);
			if (!t || t->vcpus != families[f].vcpus[k] ||
			    t->memory_mib != families[f].mib[k] ||
			    t->gpus != families[f].gpus[k] ||
			    t->arch != GW_ARCH_X86_64) {
				fail_msg("%s differs from the published figures",
				         name);
			}
		}
	}
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
	/* Batch's default classes (ComputeResource instanceTypes) */
	static const struct {
		const char *type;
		bool x86, arm;
	} defaults[] = {
	        {"m6i.large", true, false},   {"c6i.32xlarge", true, false},
	        {"r6i.xlarge", true, false},  {"c7i.48xlarge", true, false},
	        {"m6g.medium", false, true},  {"c6g.16xlarge", false, true},
	        {"r6g.large", false, true},   {"c7g.xlarge", false, true},
	        {"m5.large", false, false},   {"c6a.large", false, false},
	        {"m7g.large", false, false},  {"c4.xlarge", false, false},
	};
	for (size_t i = 0; i < sizeof(defaults) / sizeof(*defaults); i++) {
		const struct gw_instance_type *t =
		        gw_catalog_find(defaults[i].type);
		assert_non_null(t);
		assert_int_equal(gw_catalog_selects("default_x86_64", t),
		                 defaults[i].x86);
		assert_int_equal(gw_catalog_selects("default_arm64", t),
		                 defaults[i].arm);
	}
	assert_true(gw_catalog_spec_known("default_x86_64"));
	assert_true(gw_catalog_spec_known("default_arm64"));
	assert_true(gw_catalog_is_class("default_arm64"));
	assert_true(gw_catalog_is_class("optimal"));
	assert_false(gw_catalog_is_class("c5"));
	assert_false(gw_catalog_spec_known("default"));
	/* d-families still select as families after the class lookup */
	assert_false(gw_catalog_selects("default_x86_64",
	                                gw_catalog_find("c5.xlarge")));
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

/*
 * The catalog holds every EC2 type of shared/data/ec2-instance-types.tsv
 * (1,108, the EC2 API as kubernetes/autoscaler tabulates it), .metal sizes
 * included, but a family selects no .metal size: Batch expands families
 * without them.
 */
static void test_catalog_complete(void **state)
{
	(void)state;
	assert_int_equal(gw_catalog_count(), 1108);
	const struct gw_instance_type *metal = gw_catalog_find("c5.metal");
	assert_non_null(metal);
	assert_int_equal(metal->vcpus, 96);
	assert_int_equal(metal->memory_mib, 196608);
	assert_false(gw_catalog_selects("c5", metal));
	assert_true(gw_catalog_selects("c5.metal", metal));
	/* A type outside the earlier 45 families, with its facts. */
	const struct gw_instance_type *a1 = gw_catalog_find("a1.large");
	assert_non_null(a1);
	assert_int_equal(a1->vcpus, 2);
	assert_int_equal(a1->memory_mib, 4096);
	assert_int_equal(a1->arch, GW_ARCH_ARM64);
	/* Its instance store was never checked; c5d.large's was. */
	assert_false(a1->store_known);
	assert_true(gw_catalog_find("c5d.large")->store_known);
}

/* Did you mean: the nearest size of the family, else the nearest type or
 * family, and nothing for a name far from every one. */
static void test_catalog_suggest(void **state)
{
	(void)state;
	char s[32];
	assert_true(gw_catalog_suggest("r6a.huge", s, sizeof(s)));
	assert_string_equal(s, "r6a.large");
	assert_true(gw_catalog_suggest("c5.4xlareg", s, sizeof(s)));
	assert_string_equal(s, "c5.4xlarge");
	assert_true(gw_catalog_suggest("m6ii", s, sizeof(s)));
	assert_string_equal(s, "m6i");
	assert_false(gw_catalog_suggest("qqqqqqqqqq", s, sizeof(s)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_catalog_known_types),
	        cmocka_unit_test(test_catalog_families),
	        cmocka_unit_test(test_catalog_instance_store),
	        cmocka_unit_test(test_catalog_selection),
	        cmocka_unit_test(test_catalog_sorted),
	        cmocka_unit_test(test_catalog_complete),
	        cmocka_unit_test(test_catalog_suggest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
