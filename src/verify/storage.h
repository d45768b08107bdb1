/* SPDX-License-Identifier: MIT */
/*
 * The shared storage family of rules (FS*; storage.c): the EFS file system
 * a profile's shared_storage makes, the launch templates that mount it and
 * the job definitions that use it; one rule function per rule over neutral
 * facts, and the profile and template adapters.
 */
#ifndef GW_STORAGE_H
#define GW_STORAGE_H

#include <stdbool.h>

#include <yaml.h>

#include "diag.h"
#include "rules.h"

struct gw_vctx;
struct gw_cfn;

/* An EFS file system as written (FS3, FS4); strings are lent, and a NULL
 * one is absent or not a literal. */
struct gw_efs_facts {
	const char *owner; /* "shared_storage", "'LogicalId'" */
	struct gw_loc at;  /* the owner's location */
	/* The keys as the input spells them. */
	const char *performance_key, *throughput_key, *mibps_key;
	const char *performance_mode; /* NULL: generalPurpose, the default */
	struct gw_loc performance_at;
	const char *throughput_mode; /* NULL: the input's default */
	struct gw_loc throughput_at;
	bool has_mibps;
	long long mibps; /* MiB/s */
	struct gw_loc mibps_at;
	bool check_encrypted; /* templates: Encrypted must be true */
	bool encrypted;
	struct gw_loc encrypted_at;
	bool backup_off; /* no daily backups */
	struct gw_loc backup_at;
};

/* FS3 and FS4 on one file system. */
void gw_rule_efs(struct gw_rule_ctx *rc, const struct gw_efs_facts *f);

/* FS1..FS6 on the model of 'c' (gw_verify_model's table). */
void gw_storage_model(struct gw_vctx *c);

/* FS3, FS4 on the AWS::EFS::FileSystem 'logical' whose Properties are
 * 'props' (template.c's resource table). */
void gw_storage_cfn_file_system(struct gw_cfn *t, const char *logical,
                                yaml_node_t *props);

#endif
