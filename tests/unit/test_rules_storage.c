/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the shared storage rules (src/verify/storage.c, FS1..FS6,
 * and FS7 in stack.c) and the miniwdl rules (client.c, MW1..MW4), through
 * the public API on both paths: a profile (gw_profile_load_string +
 * gw_verify_model) and a CloudFormation template (gw_verify_template_text).
 * Each limit has a boundary pair: the value at the limit passes, one past
 * it fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws_limits.h"
#include "buf.h"
#include "model.h"
#include "profile.h"
#include "rows.h"
#include "util.h"
#include "verify.h"

/* A miniwdl stack on shared storage that passes every rule. */
static const char base_profile[] =
        "name: fs\n"
        "description: shared storage rules\n"
        "region: us-west-2\n"
        "engine: miniwdl\n"
        "network:\n"
        "  vpc: true\n"
        "bucket:\n"
        "  name: fs-lab-bucket\n"
        "shared_storage:\n"
        "  mount_point: /mnt/efs\n"
        "policies:\n"
        "  - name: fs-workflow\n"
        "    statements:\n"
        "      - actions: [batch:SubmitJob]\n"
        "        resources: [batch:job-queue/fs-task, "
        "batch:job-definition/*, batch:job/*]\n"
        "      - actions: [batch:RegisterJobDefinition, "
        "batch:DeregisterJobDefinition]\n"
        "        resources: [batch:job-definition/*]\n"
        "      - actions: [batch:TerminateJob, batch:TagResource]\n"
        "        resources: [batch:job/*]\n"
        "      - actions: [batch:DescribeJobs]\n"
        "        resources: [\"*\"]\n"
        "      - actions: [s3:PutObject]\n"
        "        resources: [bucket/miniwdl/*]\n"
        "roles:\n"
        "  - name: fs-workflow\n"
        "    trust: [ec2]\n"
        "    managed: [service-role/AmazonEC2ContainerServiceforEC2Role]\n"
        "    policies: [fs-workflow]\n"
        "    instance_profile: true\n"
        "  - name: fs-task\n"
        "    trust: [ec2]\n"
        "    managed: [service-role/AmazonEC2ContainerServiceforEC2Role]\n"
        "    instance_profile: true\n"
        "launch_templates:\n"
        "  - name: fs-lt\n"
        "    user_data:\n"
        "      shared_storage: true\n"
        "compute_environments:\n"
        "  - name: fs-workflow\n"
        "    instance_types: [m6i.large]\n"
        "    max_vcpus: 16\n"
        "    launch_template: fs-lt\n"
        "    instance_role: fs-workflow\n"
        "  - name: fs-task\n"
        "    type: SPOT\n"
        "    instance_types: [c6i.large]\n"
        "    max_vcpus: 16\n"
        "    launch_template: fs-lt\n"
        "    instance_role: fs-task\n"
        "job_queues:\n"
        "  - name: fs-workflow\n"
        "    head: true\n"
        "    compute_environments: [fs-workflow]\n"
        "  - name: fs-task\n"
        "    compute_environments: [fs-task]\n"
        "miniwdl:\n"
        "  workflow_queue: fs-workflow\n"
        "  task_queue: fs-task\n";

static const char base_template[] =
        "AWSTemplateFormatVersion: \"2010-09-09\"\n"
        "Description: shared storage rules\n"
        "Resources:\n"
        "  Fs:\n"
        "    Type: AWS::EFS::FileSystem\n"
        "    Properties:\n"
        "      Encrypted: true\n"
        "      PerformanceMode: generalPurpose\n"
        "      ThroughputMode: elastic\n"
        "      BackupPolicy:\n"
        "        Status: ENABLED\n"
        "  Nfs:\n"
        "    Type: AWS::EC2::SecurityGroupIngress\n"
        "    Properties:\n"
        "      GroupId: sg-1\n"
        "      IpProtocol: tcp\n"
        "      FromPort: 2049\n"
        "      ToPort: 2049\n"
        "      SourceSecurityGroupId: sg-2\n";

enum path { PROFILE, TEMPLATE };

/*
 * A row replaces 'find' in its path's base text with 'pre', then 'each'
 * repeated 'count' times, then 'post'; and expects 'want' findings of
 * 'rule' at 'sev', one of them saying 'msg' when set.
 */
struct row {
	const char *name;
	enum path path;
	const char *find, *pre, *each;
	size_t count;
	const char *post;
	const char *rule;
	enum gw_severity sev;
	size_t want;
	const char *msg;
};

#define E GW_SEV_ERROR
#define W GW_SEV_WARNING

#define STORAGE_P "shared_storage:\n  mount_point: /mnt/efs\n"
#define MOUNT_P "  mount_point: /mnt/efs\n"
#define LT_MOUNT_P "    user_data:\n      shared_storage: true\n"
#define MINIWDL_P "miniwdl:\n  workflow_queue: fs-workflow\n" \
	"  task_queue: fs-task\n"
#define TPUT_T "      ThroughputMode: elastic\n"
#define PERF_T "      PerformanceMode: generalPurpose\n"
#define NFS_T "      SourceSecurityGroupId: sg-2\n"

static const struct row rows[] = {
        /* ---- FS1: the VPC ---- */
        {"fs1-no-vpc", PROFILE, "  vpc: true\n", "  vpc: false\n", "", 0,
         "", "FS1", E, 1,
         "shared_storage needs the VPC: its security groups are created "
         "there, next to the mount targets in the stack's subnets"},
        {"fs1-vpc-passes", PROFILE, "  vpc: true\n", "  vpc: true\n", "", 0,
         "", "FS1", E, 0, NULL},
        /* ---- FS2: the mount point ---- */
        {"fs2-relative", PROFILE, MOUNT_P, "  mount_point: mnt/efs\n", "", 0,
         "", "FS2", E, 1,
         "mount_point 'mnt/efs' is not an absolute path of [A-Za-z0-9._-] "
         "names"},
        {"fs2-root", PROFILE, MOUNT_P, "  mount_point: /\n", "", 0, "",
         "FS2", E, 1, NULL},
        {"fs2-system-directory", PROFILE, MOUNT_P, "  mount_point: /mnt\n",
         "", 0, "", "FS2", E, 1,
         "mount_point '/mnt' would hide the system directory '/mnt'"},
        {"fs2-in-docker", PROFILE, MOUNT_P,
         "  mount_point: /var/lib/docker/efs\n", "", 0, "", "FS2", E, 1,
         "mount_point '/var/lib/docker/efs' is inside '/var/lib/docker', "
         "which belongs to the system"},
        {"fs2-beside-docker-passes", PROFILE, MOUNT_P,
         "  mount_point: /var/lib/dockerfs\n", "", 0, "", "FS2", E, 0, NULL},
        {"fs2-255-passes", PROFILE, MOUNT_P, "  mount_point: /", "m", 254,
         "\n", "FS2", E, 0, NULL},
        {"fs2-256-fails", PROFILE, MOUNT_P, "  mount_point: /", "m", 255,
         "\n", "FS2", E, 1,
         "mount_point is 256 characters long, more than 255"},
        {"fs2-scratch-above", PROFILE, LT_MOUNT_P,
         "    user_data:\n      shared_storage: true\n"
         "      scratch: {kind: nvme-lvm, mount: /mnt}\n",
         "", 0, "", "FS2", E, 1,
         "launch template 'fs-lt' mounts the shared storage at '/mnt/efs' "
         "and its scratch space at '/mnt': one would hide the other"},
        {"fs2-scratch-apart-passes", PROFILE, LT_MOUNT_P,
         "    user_data:\n      shared_storage: true\n"
         "      scratch: {kind: nvme-lvm, mount: /scratch}\n",
         "", 0, "", "FS2", E, 0, NULL},
        /* ---- FS3: throughput and performance, both paths ---- */
        {"fs3-provisioned-without-mibps", PROFILE, MOUNT_P,
         MOUNT_P "  throughput_mode: provisioned\n", "", 0, "", "FS3", E, 1,
         "shared_storage: throughput_mode provisioned needs "
         "provisioned_mibps"},
        {"fs3-mibps-without-provisioned", PROFILE, MOUNT_P,
         MOUNT_P "  provisioned_mibps: 100\n", "", 0, "", "FS3", E, 1,
         "shared_storage: provisioned_mibps is only for provisioned "
         "throughput"},
        {"fs3-mibps-3414-passes", PROFILE, MOUNT_P,
         MOUNT_P "  throughput_mode: provisioned\n  provisioned_mibps: 3414\n",
         "", 0, "", "FS3", W, 0, NULL},
        {"fs3-mibps-3415-warns", PROFILE, MOUNT_P,
         MOUNT_P "  throughput_mode: provisioned\n  provisioned_mibps: 3415\n",
         "", 0, "", "FS3", W, 1,
         "shared_storage: provisioned_mibps 3415 is above 3414 MiB/s, the "
         "documented limit in most Regions"},
        {"fs3-elastic-max-io", PROFILE, MOUNT_P,
         MOUNT_P "  performance_mode: maxIO\n", "", 0, "", "FS3", E, 1,
         "shared_storage: elastic throughput works only with the "
         "generalPurpose performance mode"},
        {"fs3-bursting-max-io-warns", PROFILE, MOUNT_P,
         MOUNT_P "  performance_mode: maxIO\n  throughput_mode: bursting\n",
         "", 0, "", "FS3", W, 1, NULL},
        {"fs3-template-elastic-max-io", TEMPLATE, PERF_T,
         "      PerformanceMode: maxIO\n", "", 0, "", "FS3", E, 1,
         "'Fs': elastic throughput works only with the generalPurpose "
         "performance mode"},
        {"fs3-template-provisioned-without-mibps", TEMPLATE, TPUT_T,
         "      ThroughputMode: provisioned\n", "", 0, "", "FS3", E, 1,
         "'Fs': ThroughputMode provisioned needs "
         "ProvisionedThroughputInMibps"},
        {"fs3-template-mibps-3414-passes", TEMPLATE, TPUT_T,
         "      ThroughputMode: provisioned\n"
         "      ProvisionedThroughputInMibps: 3414\n", "", 0, "", "FS3", W,
         0, NULL},
        {"fs3-template-mibps-3415-warns", TEMPLATE, TPUT_T,
         "      ThroughputMode: provisioned\n"
         "      ProvisionedThroughputInMibps: 3415\n", "", 0, "", "FS3", W,
         1, NULL},
        /* The API's default is bursting, which takes no MiB/s. */
        {"fs3-template-default-bursting", TEMPLATE, TPUT_T,
         "      ProvisionedThroughputInMibps: 100\n", "", 0, "", "FS3", E, 1,
         NULL},
        /* ---- FS4: encryption and backups ---- */
        {"fs4-template-unencrypted", TEMPLATE, "      Encrypted: true\n",
         "      Encrypted: false\n", "", 0, "", "FS4", E, 1,
         "'Fs' is not encrypted at rest, and EFS cannot encrypt it later"},
        {"fs4-template-encryption-omitted", TEMPLATE,
         "      Encrypted: true\n", "", "", 0, "", "FS4", E, 1, NULL},
        {"fs4-template-no-backups", TEMPLATE,
         "      BackupPolicy:\n        Status: ENABLED\n", "", "", 0, "",
         "FS4", W, 1, NULL},
        {"fs4-backup-off", PROFILE, MOUNT_P, MOUNT_P "  backup: false\n", "",
         0, "", "FS4", W, 1,
         "shared_storage has no daily backups: a deleted run directory or "
         "cache cannot be restored"},
        {"fs4-backup-on-passes", PROFILE, MOUNT_P, MOUNT_P, "", 0, "",
         "FS4", W, 0, NULL},
        /* ---- FS5: the launch templates that mount it ---- */
        {"fs5-no-shared-storage", PROFILE, STORAGE_P, "", "", 0, "", "FS5",
         E, 1,
         "launch template 'fs-lt' mounts the shared storage, but the "
         "profile has no shared_storage section"},
        {"fs5-tag-key-slash", PROFILE, "    max_vcpus: 16\n",
         "    max_vcpus: 16\n    tags: {\"team/lab\": x}\n", "", 0, "",
         "FS5", E, 1,
         "compute environment tag key 'team/lab' cannot be in instance "
         "metadata, where the boot script reads the shared storage's id: "
         "ec2 would not launch the instances"},
        {"fs5-profile-tag-index", PROFILE, "network:\n",
         "tags: {_index: x}\nnetwork:\n", "", 0, "", "FS5", E, 1, NULL},
        {"fs5-tag-key-marks-pass", PROFILE, "network:\n",
         "tags: {\"a+b=c.d_e:g@h-i\": x}\nnetwork:\n", "", 0, "", "FS5", E,
         0, NULL},
        {"fs5-unused", PROFILE, LT_MOUNT_P,
         "    user_data:\n      runcmd: [\"true\"]\n", "", 0, "", "FS5", W,
         1,
         "no launch template mounts the shared storage and no job "
         "definition uses it: the file system would only cost"},
        /* ---- FS6: job definitions ---- */
        {"fs6-job-without-storage", PROFILE, STORAGE_P,
         "job_definitions:\n  - name: j\n    image: ubuntu:24.04\n"
         "    queue: fs-task\n    shared_storage: true\n",
         "", 0, "", "FS6", E, 1,
         "job definition 'j' uses the shared storage, but the profile has "
         "no shared_storage section"},
        {"fs6-job-passes", PROFILE, STORAGE_P,
         STORAGE_P "job_definitions:\n  - name: j\n    image: ubuntu:24.04\n"
         "    queue: fs-task\n    shared_storage: true\n",
         "", 0, "", "FS6", E, 0, NULL},
        /* ---- FS7: NFS open to the internet (templates) ---- */
        {"fs7-nfs-open", TEMPLATE, NFS_T, "      CidrIp: 0.0.0.0/0\n", "", 0,
         "", "FS7", W, 1,
         "'Nfs' opens nfs (tcp 2049) to the whole internet"},
        {"fs7-nfs-open-v6", TEMPLATE, NFS_T, "      CidrIpv6: ::/0\n", "", 0,
         "", "FS7", W, 1, NULL},
        {"fs7-all-protocols-open", TEMPLATE,
         "      IpProtocol: tcp\n      FromPort: 2049\n      ToPort: 2049\n"
         NFS_T, "      IpProtocol: \"-1\"\n      CidrIp: 0.0.0.0/0\n", "", 0,
         "", "FS7", W, 1, NULL},
        {"fs7-from-a-group-passes", TEMPLATE, NFS_T, NFS_T, "", 0, "",
         "FS7", W, 0, NULL},
        {"fs7-other-port-passes", TEMPLATE,
         "      FromPort: 2049\n      ToPort: 2049\n" NFS_T,
         "      FromPort: 443\n      ToPort: 443\n      CidrIp: 0.0.0.0/0\n",
         "", 0, "", "FS7", W, 0, NULL},
        /* ---- MW1: the section, its queues, the storage ---- */
        {"mw1-missing-section", PROFILE, MINIWDL_P, "", "", 0, "", "MW1", E,
         1, "engine is miniwdl but the profile has no miniwdl section"},
        {"mw1-unknown-task-queue", PROFILE, "  task_queue: fs-task\n",
         "  task_queue: nope\n", "", 0, "", "MW1", E, 1,
         "miniwdl's task_queue uses queue 'nope', which the profile does "
         "not define"},
        {"mw1-no-workflow-queue", PROFILE, "  workflow_queue: fs-workflow\n",
         "", "", 0, "", "MW1", E, 1, "miniwdl has no workflow_queue"},
        {"mw1-no-shared-storage", PROFILE, STORAGE_P, "", "", 0, "", "MW1",
         E, 1,
         "miniwdl needs the profile's shared_storage: miniwdl-aws runs "
         "every task in a directory of one shared file system"},
        {"mw1-bad-output-prefix", PROFILE, "  task_queue: fs-task\n",
         "  task_queue: fs-task\n  output_prefix: /runs/\n", "", 0, "",
         "MW1", E, 1,
         "output_prefix '/runs/' is not a relative S3 key prefix of "
         "[A-Za-z0-9._-] segments"},
        {"mw1-passes", PROFILE, MINIWDL_P, MINIWDL_P, "", 0, "", "MW1", E, 0,
         NULL},
        /* ---- MW2: every compute environment mounts it ---- */
        {"mw2-no-mount", PROFILE, "    launch_template: fs-lt\n"
         "    instance_role: fs-task\n", "    instance_role: fs-task\n", "",
         0, "", "MW2", E, 1,
         "compute environment 'fs-task' of the task queue 'fs-task' does "
         "not mount the shared storage, where miniwdl keeps every task's "
         "files"},
        {"mw2-passes", PROFILE, MINIWDL_P, MINIWDL_P, "", 0, "", "MW2", E, 0,
         NULL},
        /* ---- MW3: the workflow job's instance role ---- */
        {"mw3-no-submit-to-task-queue", PROFILE, "batch:job-queue/fs-task",
         "batch:job-queue/other", "", 0, "", "MW3", E, 1,
         "instance role 'fs-workflow' of miniwdl's workflow queue "
         "'fs-workflow' does not allow what miniwdl-aws calls from the "
         "workflow job: batch:SubmitJob on queue 'fs-task'"},
        {"mw3-queue-wildcard-passes", PROFILE, "batch:job-queue/fs-task",
         "batch:job-queue/fs-*", "", 0, "", "MW3", E, 0, NULL},
        {"mw3-no-describe-no-upload", PROFILE,
         "      - actions: [batch:DescribeJobs]\n        resources: [\"*\"]\n"
         "      - actions: [s3:PutObject]\n"
         "        resources: [bucket/miniwdl/*]\n",
         "", "", 0, "", "MW3", E, 1,
         "instance role 'fs-workflow' of miniwdl's workflow queue "
         "'fs-workflow' does not allow what miniwdl-aws calls from the "
         "workflow job: batch:DescribeJobs, s3:PutObject under "
         "'s3://fs-lab-bucket/miniwdl/'"},
        {"mw3-no-tag-resource-warns", PROFILE,
         "[batch:TerminateJob, batch:TagResource]", "[batch:TerminateJob]",
         "", 0, "", "MW3", W, 1, NULL},
        {"mw3-passes", PROFILE, MINIWDL_P, MINIWDL_P, "", 0, "", "MW3", E, 0,
         NULL},
        /* ---- MW4: the workflow queue on Spot ---- */
        {"mw4-workflow-on-spot", PROFILE, "    head: true\n"
         "    compute_environments: [fs-workflow]\n",
         "    compute_environments: [fs-task]\n", "", 0, "", "MW4", W, 1,
         "compute environment 'fs-task' of miniwdl's workflow queue "
         "'fs-workflow' is spot: an interruption ends the workflow job, "
         "and the run with it"},
        {"mw4-on-demand-passes", PROFILE, MINIWDL_P, MINIWDL_P, "", 0, "",
         "MW4", W, 0, NULL},
};

static void run_row(void **state)
{
	const struct row *r = *state;
	const char *base = r->path == PROFILE ? base_profile : base_template;
	char *repl = rows_repeat(r->pre, r->each, r->count, r->post);
	rows_run(r->name, base, r->path == PROFILE, r->find, repl, r->rule,
	         r->sev, r->want, r->msg);
	free(repl);
}

static void test_bases_are_clean(void **state)
{
	(void)state;
	rows_bases_clean(base_profile, base_template, true);
}

/* The loader refuses provisioned_mibps below 1 and an ia_days EFS does
 * not offer with FS3. */
static void test_loader_ranges(void **state)
{
	(void)state;
	static const struct {
		const char *repl;
		bool ok;
	} cases[] = {
		{MOUNT_P "  provisioned_mibps: 0\n", false},
		{MOUNT_P "  ia_days: 45\n", false},
		{MOUNT_P "  ia_days: 0\n", true},
		{MOUNT_P "  ia_days: 365\n", true},
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(cases); i++) {
		char *text = rows_patch(base_profile, MOUNT_P, cases[i].repl);
		struct gw_diags d;
		gw_diags_init(&d);
		struct gw_model *m = gw_profile_load_string(text, strlen(text),
		                                            "t.yaml", &d);
		bool refused = rows_count(&d, "FS3", GW_SEV_ERROR, NULL) > 0;
		assert_int_equal(refused, !cases[i].ok);
		gw_model_destroy(m);
		gw_diags_finish(&d);
		free(text);
	}
}

int main(void)
{
	struct CMUnitTest tests[GW_ARRAY_LEN(rows) + 2];
	for (size_t i = 0; i < GW_ARRAY_LEN(rows); i++) {
		tests[i] = (struct CMUnitTest){
		        .name = rows[i].name,
		        .test_func = run_row,
		        .initial_state = (void *)&rows[i],
		};
	}
	tests[GW_ARRAY_LEN(rows)] =
	        (struct CMUnitTest)cmocka_unit_test(test_bases_are_clean);
	tests[GW_ARRAY_LEN(rows) + 1] =
	        (struct CMUnitTest)cmocka_unit_test(test_loader_ranges);
	return _cmocka_run_group_tests("rules_storage", tests,
	                               GW_ARRAY_LEN(tests), NULL, NULL);
}
