/* SPDX-License-Identifier: MIT */
/*
 * The shared storage rules (FS*): the EFS file system of shared_storage,
 * the launch templates whose boot script mounts it, and the job
 * definitions that mount it as a volume (docs/profile.md,
 * "shared_storage"; docs/rules.md, "Shared storage").
 */
#include "storage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_limits.h"
#include "cfn.h"
#include "model_facts.h"
#include "util.h"

/* The longest mount point gwgen takes: one file name's worth (NAME_MAX on
 * Linux); the fstab line and every job's mount carry it. */
#define MOUNT_POINT_MAX 255

/*
 * Directories a mount would hide: the top-level ones of the Filesystem
 * Hierarchy Standard and of the ECS-optimized AMI; with 'tree', nothing
 * inside them either (the system's, and Docker's and the ECS agent's
 * state).
 */
static const struct {
	const char *path;
	bool tree;
} system_dirs[] = {
	{"/bin", true}, {"/boot", true}, {"/dev", true}, {"/etc", true},
	{"/home", false}, {"/lib", true}, {"/lib64", true}, {"/media", false},
	{"/mnt", false}, {"/opt", false}, {"/proc", true}, {"/root", false},
	{"/run", true}, {"/sbin", true}, {"/srv", false}, {"/sys", true},
	{"/tmp", false}, {"/usr", true}, {"/var", false},
	{"/var/lib/docker", true}, {"/var/lib/ecs", true},
};

/* Whether path 'a' is 'b' or lies under it. */
static bool path_within(const char *a, const char *b)
{
	size_t n = strlen(b);
	return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/');
}

/* ---- FS3, FS4: the file system ------------------------------------------ */

static void rule_fs3(struct gw_rule_ctx *rc, const struct gw_efs_facts *f)
{
	bool provisioned = f->throughput_mode &&
	                   strcmp(f->throughput_mode, "provisioned") == 0;
	if (provisioned && !f->has_mibps) {
		GW_RULE_ERR(rc, FS3, f->throughput_at,
		    "set the throughput in MiB/s, or use elastic throughput",
		    "%s: %s provisioned needs %s", f->owner,
		    f->throughput_key, f->mibps_key);
	} else if (!provisioned && f->has_mibps) {
		GW_RULE_ERR(rc, FS3, f->mibps_at,
		    "remove it, or set the throughput mode to provisioned",
		    "%s: %s is only for provisioned throughput", f->owner,
		    f->mibps_key);
	} else if (provisioned && f->mibps < 1) {
		GW_RULE_ERR(rc, FS3, f->mibps_at, "use 1 MiB/s or more",
		    "%s: %s %lld is below 1", f->owner, f->mibps_key,
		    f->mibps);
	} else if (provisioned && f->mibps > GW_LIM_EFS_PROVISIONED_MIBPS_MAX) {
		GW_RULE_WARN(rc, FS3, f->mibps_at,
		    "check the Region's limit, or ask AWS Support to raise it",
		    "%s: %s %lld is above %d MiB/s, the documented limit "
		    "in most Regions", f->owner, f->mibps_key, f->mibps,
		    GW_LIM_EFS_PROVISIONED_MIBPS_MAX);
	}
	bool max_io = f->performance_mode &&
	              strcmp(f->performance_mode, "maxIO") == 0;
	if (max_io && f->throughput_mode &&
	    strcmp(f->throughput_mode, "elastic") == 0) {
		GW_RULE_ERR(rc, FS3, f->performance_at,
		    "use generalPurpose, or bursting or provisioned throughput",
		    "%s: elastic throughput works only with the "
		    "generalPurpose performance mode", f->owner);
	} else if (max_io) {
		GW_RULE_WARN(rc, FS3, f->performance_at, "use generalPurpose",
		    "%s: the maxIO performance mode has higher latencies "
		    "per operation than generalPurpose", f->owner);
	}
}

void gw_rule_efs(struct gw_rule_ctx *rc, const struct gw_efs_facts *f)
{
	rule_fs3(rc, f);
	if (f->check_encrypted && !f->encrypted) {
		GW_RULE_ERR(rc, FS4, f->encrypted_at, "set Encrypted: true",
		    "%s is not encrypted at rest, and EFS cannot encrypt it "
		    "later", f->owner);
	}
	if (f->backup_off) {
		GW_RULE_WARN(rc, FS4, f->backup_at,
		    "turn automatic backups on",
		    "%s has no daily backups: a deleted run directory or "
		    "cache cannot be restored", f->owner);
	}
}

/* ---- the profile adapter -------------------------------------------------- */

static bool mounts(const struct gw_launch_template *lt)
{
	return lt && lt->user_data.present && lt->user_data.shared_storage.v;
}

/* FS2: where the boot script mounts it and every job sees it. */
static void check_mount_point(struct gw_vctx *c)
{
	const struct gw_str *mp = &c->m->shared_storage.mount_point;
	if (!mp->s) {
		return;
	}
	size_t before = c->d->n_errors;
	gw_vm_check_abs_path(c, mp, "mount_point", GW_RULE_FS2, "/mnt/efs");
	if (c->d->n_errors != before) {
		return;
	}
	if (strlen(mp->s) > MOUNT_POINT_MAX) {
		GW_RULE_ERR(&c->rc, FS2, mp->loc, "use a shorter path",
		    "mount_point is %zu characters long, more than %d",
		    strlen(mp->s), MOUNT_POINT_MAX);
		return;
	}
	for (size_t i = 0; i < GW_ARRAY_LEN(system_dirs); i++) {
		const char *dir = system_dirs[i].path;
		bool same = strcmp(mp->s, dir) == 0;
		if (same || (system_dirs[i].tree && path_within(mp->s, dir))) {
			GW_RULE_ERR(&c->rc, FS2, mp->loc,
			    "mount it in a directory of its own, such as "
			    "/mnt/efs",
			    same ? "mount_point '%s' would hide the system "
			    "directory '%s'" : "mount_point '%s' is inside '%s', "
			    "which belongs to the system", mp->s, dir);
			return;
		}
	}
	for (size_t i = 0; i < c->m->n_launch_templates; i++) {
		const struct gw_launch_template *lt = &c->m->launch_templates[i];
		const struct gw_scratch *s = &lt->user_data.scratch;
		if (!mounts(lt) || !s->present || !s->mount.s) {
			continue;
		}
		if (path_within(mp->s, s->mount.s) ||
		    path_within(s->mount.s, mp->s)) {
			GW_RULE_ERR(&c->rc, FS2, lt->user_data.shared_storage.loc,
			    "give the shared storage and the scratch space "
			    "directories apart",
			    "launch template '%s' mounts the shared storage at "
			    "'%s' and its scratch space at '%s': one would "
			    "hide the other", gw_vm_str_or(&lt->name, "?"),
			    mp->s, s->mount.s);
		}
	}
}

/*
 * A tag key that EC2 puts in instance metadata: letters, digits and
 * + - = . , _ : @, but not ".", ".." or "_index" (EC2 User Guide, "View tags
 * for your EC2 instances using instance metadata"); others fail the launch.
 */
static bool is_imds_tag_key(const char *k)
{
	if (!*k || strcmp(k, ".") == 0 || strcmp(k, "..") == 0 ||
	    strcmp(k, "_index") == 0) {
		return false;
	}
	for (const char *p = k; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		          (ch >= '0' && ch <= '9') || strchr("+-=.,_:@", ch);
		if (!ok) {
			return false;
		}
	}
	return true;
}

/* FS5 on the instance tags 'tags' ('whose' they are, for the message). */
static void check_imds_tags(struct gw_vctx *c, const struct gw_kvs *tags,
                            const char *whose)
{
	for (size_t i = 0; i < tags->n; i++) {
		const struct gw_str *k = &tags->v[i].key;
		if (k->s && !is_imds_tag_key(k->s)) {
			GW_RULE_ERR(&c->rc, FS5, k->loc,
			    "use letters, digits and + - = . _ : @ in the key",
			    "%s tag key '%s' cannot be in instance metadata, "
			    "where the boot script reads the shared storage's "
			    "id: ec2 would not launch the instances", whose,
			    k->s);
		}
	}
}

/* FS5: the launch templates that mount it, and the instances they make. */
static void check_mounts(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	bool used = false;
	for (size_t i = 0; i < m->n_launch_templates; i++) {
		const struct gw_launch_template *lt = &m->launch_templates[i];
		if (!mounts(lt)) {
			continue;
		}
		used = true;
		if (!m->shared_storage.present) {
			GW_RULE_ERR(&c->rc, FS5, lt->user_data.shared_storage.loc,
			    "add a 'shared_storage:' section, or remove "
			    "'shared_storage: true'",
			    "launch template '%s' mounts the shared storage, "
			    "but the profile has no shared_storage section",
			    gw_vm_str_or(&lt->name, "?"));
			continue;
		}
		check_imds_tags(c, &lt->tags, "launch template");
	}
	bool profile_tags_checked = false;
	for (size_t i = 0; m->shared_storage.present &&
	     i < m->n_compute_envs; i++) {
		const struct gw_compute_env *ce = &m->compute_envs[i];
		const struct gw_launch_template *lt = ce->launch_template.s ?
		        gw_model_launch_template(m, ce->launch_template.s) : NULL;
		if (!mounts(lt)) {
			continue;
		}
		if (!profile_tags_checked) {
			check_imds_tags(c, &m->tags, "profile");
			profile_tags_checked = true;
		}
		check_imds_tags(c, &ce->tags, "compute environment");
	}
	for (size_t i = 0; i < m->n_job_defs; i++) {
		used = used || m->job_defs[i].shared_storage.v;
	}
	if (m->shared_storage.present && !used) {
		GW_RULE_WARN(&c->rc, FS5, m->shared_storage.loc,
		    "set 'shared_storage: true' in a launch template's "
		    "user_data or in a job definition",
		    "no launch template mounts the shared storage and no job "
		    "definition uses it: the file system would only cost");
	}
}

/* Whether Fargate platform version 'v' ("1.3.0") is before 'min'; LATEST
 * and what is not a version are not. */
static bool version_before(const char *v, const char *min)
{
	int a[3] = {0}, b[3] = {0};
	if (sscanf(v, "%d.%d.%d", &a[0], &a[1], &a[2]) != 3 ||
	    sscanf(min, "%d.%d.%d", &b[0], &b[1], &b[2]) != 3) {
		return false;
	}
	for (size_t i = 0; i < GW_ARRAY_LEN(a); i++) {
		if (a[i] != b[i]) {
			return a[i] < b[i];
		}
	}
	return false;
}

/* FS6: the job definitions that mount it as a volume. */
static void check_jobs(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	for (size_t i = 0; i < m->n_job_defs; i++) {
		const struct gw_job_def *j = &m->job_defs[i];
		if (!j->shared_storage.v) {
			continue;
		}
		const char *name = gw_vm_str_or(&j->name, "?");
		if (!m->shared_storage.present) {
			GW_RULE_ERR(&c->rc, FS6, j->shared_storage.loc,
			    "add a 'shared_storage:' section, or remove "
			    "'shared_storage: true'",
			    "job definition '%s' uses the shared storage, but "
			    "the profile has no shared_storage section", name);
			continue;
		}
		const char *pv = gw_vm_str_or(&j->platform_version, "LATEST");
		if (gw_model_job_on_fargate(m, j) &&
		    version_before(pv, GW_LIM_FARGATE_EFS_PLATFORM)) {
			GW_RULE_ERR(&c->rc, FS6,
			    gw_vm_at(j->platform_version.loc, j->loc),
			    "use LATEST or " GW_LIM_FARGATE_EFS_PLATFORM,
			    "job definition '%s' mounts the shared storage on "
			    "fargate platform version %s, which has no EFS "
			    "volumes", name, pv);
		}
	}
}

void gw_storage_model(struct gw_vctx *c)
{
	const struct gw_shared_storage *s = &c->m->shared_storage;
	check_mounts(c);
	check_jobs(c);
	if (!s->present) {
		return;
	}
	if (!c->m->network.vpc.v) {
		GW_RULE_ERR(&c->rc, FS1, s->loc,
		    "set 'network: {vpc: true}': the stack then takes the "
		    "VPC of its subnets (VpcId)",
		    "shared_storage needs the VPC: its security groups are "
		    "created there, next to the mount targets in the "
		    "stack's subnets");
	}
	check_mount_point(c);
	struct gw_efs_facts f = {
	        .owner = "shared_storage",
	        .at = s->loc,
	        .performance_key = "performance_mode",
	        .throughput_key = "throughput_mode",
	        .mibps_key = "provisioned_mibps",
	        .performance_mode = s->performance_mode.s,
	        .performance_at = gw_vm_at(s->performance_mode.loc, s->loc),
	        .throughput_mode = s->throughput_mode.s,
	        .throughput_at = gw_vm_at(s->throughput_mode.loc, s->loc),
	        .has_mibps = s->provisioned_mibps.set,
	        .mibps = s->provisioned_mibps.v,
	        .mibps_at = gw_vm_at(s->provisioned_mibps.loc, s->loc),
	        .backup_off = !s->backup.v,
	        .backup_at = gw_vm_at(s->backup.loc, s->loc),
	};
	gw_rule_efs(&c->rc, &f);
}

/* ---- the template adapter -------------------------------------------------- */

void gw_storage_cfn_file_system(struct gw_cfn *t, const char *logical,
                                yaml_node_t *props)
{
	char owner[GW_VM_MSG_BYTES];
	snprintf(owner, sizeof(owner), "'%s'", logical);
	yaml_node_t *enc = gw_cfn_get(t, props, "Encrypted");
	yaml_node_t *perf = gw_cfn_get(t, props, "PerformanceMode");
	yaml_node_t *tput = gw_cfn_get(t, props, "ThroughputMode");
	yaml_node_t *mibps = gw_cfn_get(t, props, "ProvisionedThroughputInMibps");
	yaml_node_t *backup = gw_cfn_get(t, gw_cfn_get(t, props, "BackupPolicy"),
	                                 "Status");
	struct gw_loc at = gw_cfn_loc(t, props);
	const char *e = gw_cfn_literal(t, enc);
	const char *b = gw_cfn_literal(t, backup);
	struct gw_efs_facts f = {
	        .owner = owner,
	        .at = at,
	        .performance_key = "PerformanceMode",
	        .throughput_key = "ThroughputMode",
	        .mibps_key = "ProvisionedThroughputInMibps",
	        .performance_mode = gw_cfn_literal(t, perf),
	        .performance_at = perf ? gw_cfn_loc(t, perf) : at,
	        /* CreateFileSystem's default is bursting. */
	        .throughput_mode = tput ? gw_cfn_literal(t, tput) : "bursting",
	        .throughput_at = tput ? gw_cfn_loc(t, tput) : at,
	        .mibps_at = mibps ? gw_cfn_loc(t, mibps) : at,
	        .check_encrypted = !enc || e,
	        .encrypted = e && strcmp(e, "true") == 0,
	        .encrypted_at = enc ? gw_cfn_loc(t, enc) : at,
	        .backup_off = !backup || (b && strcmp(b, "ENABLED") != 0),
	        .backup_at = backup ? gw_cfn_loc(t, backup) : at,
	};
	f.has_mibps = mibps && gw_cfn_int(t, mibps, &f.mibps);
	if (mibps && !f.has_mibps) {
		/* Not a literal: present, so the pairing still counts. */
		f.has_mibps = true;
		f.mibps = 1;
	}
	gw_rule_efs(&t->rc, &f);
}
