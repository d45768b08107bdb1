/* SPDX-License-Identifier: MIT */
/* Pure validators for AWS resource names and EC2 block device names. */
#ifndef GW_NAMES_H
#define GW_NAMES_H

#include <stdbool.h>
#include <stddef.h>


/*
 * Each *_error function returns NULL when 'name' is valid, or a static,
 * lowercase phrase saying what is wrong ("must be 3..63 characters"). The
 * phrase is lent and lives for the whole program.
 */

/* S3 general purpose bucket naming rules, including reserved prefixes. */
const char *gw_names_bucket_error(const char *name);

/* IAM name: [A-Za-z0-9+=,.@_-]{1,max}. */
const char *gw_names_iam_error(const char *name, size_t max);

/* AWS Batch name (CE, queue, job definition): [A-Za-z0-9_-]{1,128}. */
const char *gw_names_batch_error(const char *name);

/* CloudWatch Logs group name: [.\-_/#A-Za-z0-9]{1,512}. */
const char *gw_names_log_group_error(const char *name);

/* EC2 launch template name: [a-zA-Z0-9().\-/_]{3,128}. */
const char *gw_names_launch_template_error(const char *name);

/* Container image reference: at most 255 characters of [A-Za-z0-9-_:./#@]. */
const char *gw_names_image_error(const char *image);

/* Whether 'days' is a CloudWatch Logs RetentionInDays value. */
bool gw_names_is_retention_days(long long days);

/* The accepted RetentionInDays values as "1, 3, 5, ..." (lent, static). */
const char *gw_names_retention_list(void);

/* ASCII case-insensitive equality, for IAM name uniqueness. */
bool gw_names_equal_nocase(const char *a, const char *b);

/* A release number such as the AWS CLI's "2.36.11": digits separated by
 * single dots. */
bool gw_names_is_release(const char *s);

/* Names of [A-Za-z0-9._-] joined by single '/', none of them "." or "..",
 * which the user data's scripts can take unquoted. With 'absolute', a
 * leading '/' is required ("/" alone is refused). */
bool gw_names_is_clean_path(const char *s, bool absolute);

/* ---- tags -------------------------------------------------------------- */

/* Tag key and value lengths in Unicode characters (AWS tagging rules). */

/* What gw_names_tag_check found wrong with a tag key or value. */
struct gw_names_tag_problem {
	const char *why;   /* static lowercase phrase; NULL when valid */
	size_t chars;      /* length in Unicode characters (UTF-8 decoded) */
	unsigned long bad; /* the first refused code point (with 'at' set) */
	size_t at;         /* 1-based character position of 'bad'; 0 = none */
};

/*
 * Check 'text' as a tag key ('is_key') or value against the AWS tagging
 * rules: valid UTF-8; 1..128 (keys) or 0..256 (values) Unicode characters,
 * each a letter, number or space separator or one of _ . : / = + - @
 * ([\p{L}\p{Z}\p{N}_.:/=+\-@], the pattern of the IAM, Batch and tagging
 * APIs); and, for keys, no 'aws:' prefix in any case, which AWS reserves.
 * Returns true when valid; otherwise fills 'p' and returns false.
 */
bool gw_names_tag_check(const char *text, bool is_key,
                        struct gw_names_tag_problem *p);

/*
 * The problem 'p' that gw_names_tag_check found (in a key when 'is_key') as
 * the end of a message, written into 'out' ('n' bytes): "has '$' at
 * character 4, which aws tags do not allow", "is 257 characters long",
 * "starts with 'aws:', which aws reserves", ... Returns a static hint.
 */
const char *gw_names_tag_describe(const struct gw_names_tag_problem *p,
                                  bool is_key, char *out, size_t n);

/*
 * 'in' made fit for a one-line message into 'out' ('n' bytes): newline,
 * tab and other control bytes as \n, \t, \xNN; cut with "..." when long.
 */
void gw_names_quote(const char *in, char *out, size_t n);

/* ---- credentials (rule S10) ----------------------------------------- */

/*
 * Whether 'text' holds an obvious credential: an AWS access key ID
 * ("AKIA" or "ASIA" and 16 more of [A-Z0-9]), a token that looks like an
 * AWS secret access key (exactly 40 of [A-Za-z0-9/+], standing alone, with
 * upper and lower case letters, a digit and at least 26 distinct
 * characters, as random keys have and names do not), or a PEM private key
 * ("-----BEGIN ... PRIVATE KEY-----"). On a match, '*what' is a static
 * description ("an aws access key id", ...), '*at' the 1-based byte
 * offset where it starts, and true is returned.
 */
bool gw_names_find_credential(const char *text, const char **what,
                              size_t *at);

/* An inclusive range of Unicode code points. */
struct gw_names_cp_range {
	unsigned long lo, hi;
};

/*
 * The code points of categories L, Z and N, sorted and disjoint, generated
 * at build time by tools/gen-tag-chars.py. Read through gw_names_tag_check.
 */
extern const struct gw_names_cp_range gw_names_tag_ranges[];
extern const size_t gw_names_n_tag_ranges;

/* ---- EC2 block device names (Linux) ---------------------------------- */

/* Longest device name gwgen accepts, including the terminating NUL. */
#define GW_DEVICE_NAME_MAX 32

enum gw_device_kind {
	GW_DEVICE_BAD,  /* not a name EC2 accepts in an HVM mapping */
	GW_DEVICE_NVME, /* /dev/nvme*: refused in a mapping */
	GW_DEVICE_ROOT, /* /dev/xvda, /dev/sda1, /dev/sda */
	GW_DEVICE_EBS,  /* an available EBS name */
};

/*
 * Classify 'dev' by the EC2 "device naming on Linux instances" rules for
 * HVM AMIs: /dev/sd[a-z], /dev/xvd[a-d][a-z], /dev/xvd[e-z], plus the root
 * names.
 */
enum gw_device_kind gw_device_classify(const char *dev);

/*
 * Write the canonical slot of 'dev' into 'out' (GW_DEVICE_NAME_MAX bytes):
 * /dev/sdX and /dev/xvdX name the same slot, as do /dev/sda1 and /dev/xvda,
 * so both become "xvdX". Returns false (out untouched) when 'dev' is not a
 * /dev/sd* or /dev/xvd* name.
 */
bool gw_device_slot(const char *dev, char out[GW_DEVICE_NAME_MAX]);

/* /dev/sd[b-e] and their /dev/xvd aliases: instance-store names (D4). */
bool gw_device_is_instance_store(const char *dev);

/* /dev/xvdcz: the Amazon Linux 1 ECS AMI's Docker volume (D8). */
bool gw_device_is_al1_docker(const char *dev);

/* /dev/xvdb[a-z]: the range ebs-autoscale and ParallelCluster use (D9). */
bool gw_device_is_tool_range(const char *dev);

#endif
