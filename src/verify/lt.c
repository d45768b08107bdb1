/* SPDX-License-Identifier: MIT */
/*
 * The launch-template family: device names (D*), EBS volumes (V*) and user
 * data (L*). Each rule is one function over a small neutral struct of facts
 * that both adapters fill: gw_lt_check_model from a profile's model,
 * gw_lt_check_cfn from an AWS::EC2::LaunchTemplate's YAML nodes. The facts
 * carry each key as the input spells it ("hop_limit" in profiles,
 * "HttpPutResponseHopLimit" in templates) and the owner's name (the launch
 * template's name or logical ID), so one message serves both.
 */
#include "lt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_limits.h"
#include "buf.h"
#include "facts.h"
#include "model_facts.h"
/* Rules report through a struct gw_rule_ctx (GW_RULE_ERR, ...): the two
 * sides' shorthands would clash. */
#include "cfn.h"
#include "names.h"
#include "rules.h"
#include "templates.h"
#include "util.h"

/* N5: EC2 CreateLaunchTemplate LaunchTemplateName. */
#define LT_NAME_HINT "launch template names are 3..128 of [a-zA-Z0-9().-/_]"

#define MSG_BYTES 1024
/* A SHA-256 in hex. */
#define SHA256_HEX 64
/* scratch threshold_pct is a share of the filesystem, 1..99. */
#define PERCENT_MAX 100
/* The provisioning script that is the scratch daemon (userdata.c). */
#define SCRATCH_SCRIPT "scratch-autoscale.sh"
#define ASCII_FIRST_PRINTABLE ' '
#define ASCII_LAST_PRINTABLE '~'

/* ---- facts --------------------------------------------------------------- */

/* How a mapped volume is declared. */
enum lt_role {
	LT_DATA, /* a profile's volumes[] entry */
	LT_ROOT, /* a profile's root_volume */
	LT_ANY,  /* a template mapping: the root is whatever names the root */
};

/* One block device mapping (D1, D2, D4..D6, D8, D9). */
struct lt_device {
	const char *owner;  /* launch template name or logical ID */
	const char *device; /* as written; NULL = none */
	enum lt_role role;
	bool scratch_device; /* the user data's scratch device (D9 allows it) */
	struct gw_loc at, vol_at;
};

/* Whether a volume is encrypted. */
enum lt_enc {
	LT_ENC_ON,
	LT_ENC_OFF,
	LT_ENC_DEFAULT, /* unset: the account's EBS default decides */
};

/* What a volume keeps or protects (V4, V5). */
struct lt_volume_flags {
	const char *device;
	bool root;
	const char *key_delete, *key_encrypted; /* as the input spells them */
	bool keeps_volume; /* delete on termination set to false */
	enum lt_enc enc;
	struct gw_loc delete_at, encrypted_at, at;
};

/* The instance metadata options (L6). */
struct lt_imds {
	const char *owner;
	const char *key_hop, *key_tokens;
	bool has_hop;
	long long hop;
	bool tokens_checked; /* false: gwgen renders HttpTokens: required */
	const char *tokens;  /* NULL = unset */
	struct gw_loc hop_at, tokens_at;
	const char *hint_tokens;
};

/* The shutdown behaviour (L5). */
struct lt_shutdown {
	const char *owner;
	const char *key;
	const char *value; /* NULL = unset: EC2's default, stop */
	struct gw_loc at;
};

/* ---- EBS volumes (V1..V5) ------------------------------------------------ */

struct volume_limits {
	const char *type;
	long long size_min, size_max; /* GiB */
	long long iops_min, iops_max; /* 0 = IOPS not allowed */
	long long iops_per_gib;       /* 0 = no ratio */
	bool bootable;
};

/* ParallelCluster ebs_validators.py (EbsVolumeTypeSize/Iops validators). */
static const struct volume_limits volume_limits[] = {
        {"gp3", 1, 16384, 3000, 16000, 500, true},
        {"gp2", 1, 16384, 0, 0, 0, true},
        {"io1", 4, 16384, 100, 64000, 50, true},
        {"io2", 4, 65536, 100, 256000, 1000, true},
        {"st1", 500, 16384, 0, 0, 0, false},
        {"sc1", 500, 16384, 0, 0, 0, false},
        {"standard", 1, 1024, 0, 0, 0, true},
};

static const struct volume_limits *find_limits(const char *type)
{
	for (size_t i = 0; i < GW_ARRAY_LEN(volume_limits); i++) {
		if (strcmp(volume_limits[i].type, type) == 0) {
			return &volume_limits[i];
		}
	}
	return NULL;
}

static void check_ebs_size(struct gw_rule_ctx *rc,
                           const struct gw_ebs_volume *v,
                           const struct volume_limits *l, const char *dev)
{
	bool gp3 = strcmp(l->type, "gp3") == 0;
	long long size = v->size_gib;
	if (!v->has_size) {
		return;
	}
	if (gp3 && size > l->size_max && size <= GW_LIM_GP3_SIZE_NEW_MAX) {
		GW_RULE_WARN(rc, V1, v->size_at,
		             "check the current gp3 limit in your region",
		             "volume '%s' is %lld gib; gp3 went above 16384 "
		             "gib only in 2025",
		             dev, size);
	} else if (size < l->size_min || size > l->size_max) {
		GW_RULE_ERR(rc, V1, v->size_at, NULL,
		            "volume '%s' is %lld gib but %s volumes are "
		            "%lld..%lld gib",
		            dev, size, l->type, l->size_min, l->size_max);
	}
}

static void check_ebs_iops(struct gw_rule_ctx *rc,
                           const struct gw_ebs_volume *v,
                           const struct volume_limits *l, const char *dev)
{
	bool gp3 = strcmp(l->type, "gp3") == 0;
	long long size = v->size_gib, iops = v->iops;
	if (!v->has_iops) {
		return;
	}
	if (l->iops_max == 0) {
		GW_RULE_ERR(rc, V2, v->iops_at,
		            "remove iops or use gp3, io1 or io2",
		            "volume '%s' sets iops but %s volumes take none",
		            dev, l->type);
	} else if (gp3 && iops > l->iops_max &&
	           iops <= GW_LIM_GP3_IOPS_NEW_MAX) {
		GW_RULE_WARN(rc, V2, v->iops_at,
		             "check the current gp3 limit in your region",
		             "volume '%s' asks for %lld iops; gp3 went above "
		             "16000 only in 2025",
		             dev, iops);
	} else if (iops < l->iops_min || iops > l->iops_max) {
		GW_RULE_ERR(rc, V2, v->iops_at, NULL,
		            "volume '%s' asks for %lld iops but %s volumes "
		            "take %lld..%lld",
		            dev, iops, l->type, l->iops_min, l->iops_max);
	} else if (v->has_size && size >= l->size_min &&
	           size <= GW_LIM_GP3_SIZE_NEW_MAX && l->iops_per_gib > 0 &&
	           iops > size * l->iops_per_gib &&
	           !(gp3 && iops <= l->iops_min)) {
		GW_RULE_ERR(rc, V2, v->iops_at, "grow the volume or lower iops",
		            "volume '%s' asks for %lld iops on %lld gib, more "
		            "than %lld iops per gib for %s",
		            dev, iops, size, l->iops_per_gib, l->type);
	}
}

static void check_ebs_throughput(struct gw_rule_ctx *rc,
                                 const struct gw_ebs_volume *v,
                                 const struct volume_limits *l,
                                 const char *dev)
{
	long long tp = v->throughput;
	long long iops = v->has_iops ? v->iops : l->iops_min;
	if (!v->has_throughput) {
		return;
	}
	if (strcmp(l->type, "gp3") != 0) {
		GW_RULE_ERR(rc, V3, v->throughput_at,
		            "remove throughput or use gp3",
		            "volume '%s' sets throughput but only gp3 takes it",
		            dev);
	} else if (tp > GW_LIM_GP3_THROUGHPUT_MAX &&
	           tp <= GW_LIM_GP3_THROUGHPUT_NEW_MAX) {
		GW_RULE_WARN(rc, V3, v->throughput_at,
		             "check the current gp3 limit in your region",
		             "volume '%s' asks for %lld mib/s; gp3 went above "
		             "1000 only in 2025",
		             dev, tp);
	} else if (tp < GW_LIM_GP3_THROUGHPUT_MIN ||
	           tp > GW_LIM_GP3_THROUGHPUT_MAX) {
		GW_RULE_ERR(rc, V3, v->throughput_at, NULL,
		            "volume '%s' asks for %lld mib/s but gp3 takes "
		            "125..1000",
		            dev, tp);
	} else if (tp * GW_LIM_GP3_THROUGHPUT_PER_IOPS_DIV > iops) {
		GW_RULE_ERR(rc, V3, v->throughput_at,
		            "raise iops to at least 4 x throughput",
		            "volume '%s' asks for %lld mib/s with %lld iops, "
		            "more than 0.25 mib/s per iops",
		            dev, tp, iops);
	}
}

/* V1..V3: size, IOPS and throughput against the limits of the type. */
static bool check_ebs(struct gw_rule_ctx *rc, const struct gw_ebs_volume *v)
{
	size_t errors = rc->d->n_errors;
	const char *dev = v->device ? v->device : "?";
	const char *type = v->type ? v->type : "gp3";
	const struct volume_limits *l = find_limits(type);
	if (!l) {
		GW_RULE_ERR(rc, V1, v->type_at,
		            "use gp3, gp2, io1, io2, st1, sc1 or standard",
		            "volume '%s' has unknown type '%s'", dev, type);
		return false;
	}
	if (v->root && !l->bootable) {
		GW_RULE_ERR(rc, V1, v->type_at, "use gp3 for the root volume",
		            "root volume type '%s' cannot be a boot volume",
		            type);
	}
	check_ebs_size(rc, v, l, dev);
	check_ebs_iops(rc, v, l, dev);
	check_ebs_throughput(rc, v, l, dev);
	return rc->d->n_errors == errors;
}

bool gw_verify_ebs(const struct gw_ebs_volume *v, struct gw_diags *d)
{
	struct gw_rule_ctx rc = {.d = d};
	return check_ebs(&rc, v);
}

/* V4, V5: a data volume that outlives its instance; encryption. */
static void check_volume_flags(struct gw_rule_ctx *rc,
                               const struct lt_volume_flags *f)
{
	const char *dev = f->device ? f->device : "?";
	char hint[MSG_BYTES];
	if (!f->root && f->keeps_volume) {
		snprintf(hint, sizeof(hint), "set %s: true", f->key_delete);
		GW_RULE_WARN(rc, V4, f->delete_at, hint,
		             "volume '%s' survives its instance, so every node "
		             "leaves a paid orphaned volume behind",
		             dev);
	}
	if (f->enc == LT_ENC_OFF) {
		snprintf(hint, sizeof(hint), "set %s: true", f->key_encrypted);
		GW_RULE_ERR(rc, V5, f->encrypted_at, hint,
		            "volume '%s' is not encrypted", dev);
	} else if (f->enc == LT_ENC_DEFAULT) {
		snprintf(hint, sizeof(hint), "set %s: true", f->key_encrypted);
		GW_RULE_WARN(rc, V5, f->at, hint,
		             "volume '%s' is encrypted only if the account "
		             "enables ebs encryption by default",
		             dev);
	}
}

/* ---- device names (D1..D9) ----------------------------------------------- */

/* D6: the earlier mapping of the same slot, or NULL. */
static const struct lt_device *same_slot(const struct lt_device *v,
                                         const struct lt_device *prev,
                                         size_t n_prev)
{
	char slot[GW_DEVICE_NAME_MAX], other[GW_DEVICE_NAME_MAX];
	if (!gw_device_slot(v->device, slot)) {
		return NULL;
	}
	for (size_t i = 0; i < n_prev; i++) {
		if (prev[i].device && gw_device_slot(prev[i].device, other) &&
		    strcmp(slot, other) == 0) {
			return &prev[i];
		}
	}
	return NULL;
}

/* Returns the device's kind (GW_DEVICE_BAD when it has no name). */
static enum gw_device_kind check_device(struct gw_rule_ctx *rc,
                                        const struct lt_device *v,
                                        const struct lt_device *prev,
                                        size_t n_prev)
{
	const char *dev = v->device;
	if (!dev) {
		if (v->role != LT_ROOT) {
			GW_RULE_ERR(rc, D1, v->vol_at,
			            "set device, e.g. /dev/xvdf",
			            "volume has no device name");
		}
		return GW_DEVICE_BAD;
	}
	enum gw_device_kind k = gw_device_classify(dev);
	bool root = v->role == LT_ROOT || (v->role == LT_ANY &&
	                                   k == GW_DEVICE_ROOT);
	if (k == GW_DEVICE_NVME) {
		GW_RULE_ERR(rc, D5, v->at,
		            "name the slot /dev/sdf../dev/sdp; nitro instances "
		            "show it as /dev/nvmeXn1 anyway",
		            "device '%s' is an nvme name, which a block device "
		            "mapping refuses",
		            dev);
		return k;
	}
	if (k == GW_DEVICE_BAD) {
		GW_RULE_ERR(rc, D1, v->at,
		            "use /dev/sd[f-p], /dev/xvd[e-z] or "
		            "/dev/xvd[a-d][a-z]",
		            "device '%s' is not a linux device name ec2 "
		            "accepts",
		            dev);
		return k;
	}
	/* D2: ECS-optimized AMIs boot from /dev/xvda (profiles declare
	 * which volume is the root; a template's root is what names it). */
	if (v->role == LT_ROOT && strcmp(dev, "/dev/xvda") != 0) {
		GW_RULE_ERR(rc, D2, v->at, "use /dev/xvda",
		            "root device '%s' is not /dev/xvda, the root of "
		            "the ecs-optimized amis",
		            dev);
	}
	if (v->role == LT_DATA && k == GW_DEVICE_ROOT) {
		GW_RULE_ERR(rc, D2, v->at,
		            "use root_volume to resize the root device",
		            "device '%s' is the root device of ecs-optimized "
		            "amis",
		            dev);
	}
	if (!root && gw_device_is_instance_store(dev)) {
		GW_RULE_WARN(rc, D4, v->at, "use /dev/sd[f-p]",
		             "device '%s' is an instance-store name; aws "
		             "strongly recommends not using it for ebs",
		             dev);
	}
	if (gw_device_is_al1_docker(dev)) {
		GW_RULE_WARN(rc, D8, v->at,
		             "remove it; amazon linux 2 and 2023 put docker on "
		             "the root volume",
		             "device '%s' is the amazon linux 1 docker volume; "
		             "on al2 and al2023 it is an unused paid volume",
		             dev);
	}
	if (gw_device_is_tool_range(dev) && !v->scratch_device) {
		GW_RULE_WARN(rc, D9, v->at,
		             "use /dev/sd[f-p] for static volumes",
		             "device '%s' is in /dev/xvdb[a-z], which the "
		             "scratch daemon uses for the volumes it adds",
		             dev);
	}
	const struct lt_device *o = same_slot(v, prev, n_prev);
	if (o) {
		GW_RULE_ERR(rc, D6, v->at, "give each volume its own slot",
		            "device '%s' is the same slot as '%s' (/dev/sdX and "
		            "/dev/xvdX alias)",
		            dev, o->device);
	}
	return k;
}

/* ---- launch template settings (L5, L6) ----------------------------------- */

static void check_shutdown(struct gw_rule_ctx *rc, const struct lt_shutdown *s)
{
	char hint[MSG_BYTES];
	snprintf(hint, sizeof(hint), "set %s: terminate", s->key);
	if (!s->value) {
		GW_RULE_WARN(rc, L5, s->at, hint,
		             "launch template '%s' sets no %s, so a node that "
		             "shuts down stops (ec2's default) and lingers with "
		             "its volumes",
		             s->owner, s->key);
	} else if (strcmp(s->value, "stop") == 0) {
		GW_RULE_WARN(rc, L5, s->at, hint,
		             "launch template '%s' has %s 'stop', which keeps "
		             "failed nodes (and their volumes) around",
		             s->owner, s->key);
	} else if (strcmp(s->value, "terminate") != 0) {
		GW_RULE_ERR(rc, L5, s->at, hint,
		            "launch template '%s' has %s '%s', which is not "
		            "'terminate' or 'stop'",
		            s->owner, s->key, s->value);
	}
}

static void check_imds(struct gw_rule_ctx *rc, const struct lt_imds *m)
{
	char hint[MSG_BYTES];
	if (m->tokens_checked &&
	    (!m->tokens || strcmp(m->tokens, "required") != 0)) {
		GW_RULE_WARN(rc, L6, m->tokens_at, m->hint_tokens,
		             "launch template '%s' allows imdsv1, so any ssrf "
		             "in a job can read the instance role's credentials",
		             m->owner);
	}
	if (!m->has_hop) {
		return;
	}
	if (m->hop < 1 || m->hop > GW_LIM_HOP_LIMIT_MAX) {
		GW_RULE_ERR(rc, L6, m->hop_at, "use 1..64, usually 2",
		            "launch template '%s' has %s %lld, not in 1..%d",
		            m->owner, m->key_hop, m->hop, GW_LIM_HOP_LIMIT_MAX);
	} else if (m->hop == 1) {
		snprintf(hint, sizeof(hint), "set %s: 2", m->key_hop);
		GW_RULE_WARN(rc, L6, m->hop_at, hint,
		             "launch template '%s' has %s 1, which keeps "
		             "containers on the docker bridge from reaching "
		             "imdsv2",
		             m->owner, m->key_hop);
	}
}

/* ---- rendered user data (L1, L2, L7, L9) --------------------------------- */

/* One line of 'text' as [p, p + n), without its line ending. */
struct line {
	const char *p;
	size_t n;
};

static bool next_line(const char **cur, const char *end, struct line *l)
{
	if (*cur >= end) {
		return false;
	}
	const char *nl = memchr(*cur, '\n', (size_t)(end - *cur));
	const char *stop = nl ? nl : end;
	l->p = *cur;
	l->n = (size_t)(stop - *cur);
	if (l->n > 0 && l->p[l->n - 1] == '\r') {
		l->n--;
	}
	*cur = nl ? nl + 1 : end;
	return true;
}

static bool line_is(const struct line *l, const char *s)
{
	return l->n == strlen(s) && strncmp(l->p, s, l->n) == 0;
}

static bool line_starts_nocase(const struct line *l, const char *s)
{
	size_t n = strlen(s);
	if (l->n < n) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (tolower((unsigned char)l->p[i]) !=
		    tolower((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

/* The boundary parameter of a Content-Type line into 'out'. */
static bool find_boundary(const struct line *l, char *out, size_t n)
{
	const char *end = l->p + l->n;
	const char *b = NULL;
	for (const char *p = l->p; p + strlen("boundary=") <= end; p++) {
		if (strncmp(p, "boundary=", strlen("boundary=")) == 0) {
			b = p + strlen("boundary=");
			break;
		}
	}
	if (!b) {
		return false;
	}
	bool quoted = b < end && *b == '"';
	if (quoted) {
		b++;
	}
	const char *e = b;
	while (e < end && (quoted ? *e != '"' : (*e != ';' && *e != ' '))) {
		e++;
	}
	size_t len = (size_t)(e - b);
	if (len == 0 || len + 1 > n) {
		return false;
	}
	memcpy(out, b, len);
	out[len] = '\0';
	return true;
}

/* Whether 'needle' (not empty) occurs in 'text'. memchr finds each
 * candidate first byte: a memcmp at every offset was most of the cost of
 * checking a 10 KB user data (56,000 calls for workshop's). */
static bool contains(const char *text, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	const char *p = text, *end = text + len;
	while (n <= (size_t)(end - p)) {
		p = memchr(p, needle[0], (size_t)(end - p) - n + 1);
		if (!p) {
			return false;
		}
		if (memcmp(p, needle, n) == 0) {
			return true;
		}
		p++;
	}
	return false;
}

/* Unpinned downloads: a moving "latest" or the unversioned AWS CLI zip. */
static void check_downloads(const char *mime, size_t len, struct gw_loc at,
                            struct gw_diags *d)
{
	static const char *const moving[] = {
	        "releases/latest",
	        "/latest/download",
	        "awscli-exe-linux-x86_64.zip",
	        "awscli-exe-linux-aarch64.zip",
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(moving); i++) {
		if (contains(mime, len, moving[i])) {
			gw_diag_add(d, GW_SEV_WARNING, at, gw_rule_id(GW_RULE_L9),
			            "pin a version "
			            "and check its sha-256",
			            "user data "
			            "downloads '%s', which changes under you "
			            "at every boot",
			            moving[i]);
		}
	}
}

bool gw_verify_user_data(const char *mime, size_t len, struct gw_loc at,
                         struct gw_diags *d)
{
	size_t errors = d->n_errors;
	if (len > GW_LIM_USER_DATA_MAX) {
		gw_diag_add(d, GW_SEV_ERROR, at, gw_rule_id(GW_RULE_L2),
		            "move commands to scripts fetched from the bucket "
		            "at boot (provision.scripts)",
		            "user data is %zu bytes, more than the %d ec2 "
		            "accepts before base64",
		            len, GW_LIM_USER_DATA_MAX);
	}
	const char *cur = mime, *end = mime + len;
	struct line l;
	char boundary[MSG_BYTES] = "";
	bool version = false, multipart = false;
	while (next_line(&cur, end, &l) && l.n > 0) {
		if (line_starts_nocase(&l, "mime-version:")) {
			version = true;
		}
		if (line_starts_nocase(&l, "content-type:") &&
		    contains(l.p, l.n, "multipart/mixed")) {
			multipart =
			        find_boundary(&l, boundary, sizeof(boundary));
		}
	}
	if (!multipart) {
		gw_diag_add(d, GW_SEV_ERROR, at, gw_rule_id(GW_RULE_L1),
		            "start with 'Content-Type: "
		            "multipart/mixed; boundary=\"...\"'",
		            "user data is "
		            "not a mime multipart archive, so aws batch marks "
		            "the compute environment invalid");
		return false;
	}
	if (!version) {
		gw_diag_add(d, GW_SEV_ERROR, at, gw_rule_id(GW_RULE_L1),
		            "add 'MIME-Version: 1.0'",
		            "user data has no mime-version header");
	}
	char open[MSG_BYTES + 2], close[MSG_BYTES + 4];
	snprintf(open, sizeof(open), "--%s", boundary);
	snprintf(close, sizeof(close), "--%s--", boundary);
	bool prev_blank = true, closed = false;
	size_t parts = 0;
	while (next_line(&cur, end, &l)) {
		if (line_is(&l, close) || line_is(&l, open)) {
			/* RFC 2046 allows it; the AWS Batch example has one. */
			if (!prev_blank) {
				gw_diag_add(d, GW_SEV_WARNING, at, gw_rule_id(GW_RULE_L1),
				            "add an "
				            "empty line before it",
				            "boundary "
				            "line '%.*s' does not follow an "
				            "empty line",
				            (int)l.n, l.p);
			}
			if (line_is(&l, close)) {
				closed = true;
				break;
			}
			parts++;
			/* The part header: needs a Content-Type. */
			bool type = false, boothook = false;
			while (next_line(&cur, end, &l) && l.n > 0) {
				if (line_starts_nocase(&l, "content-type:")) {
					type = true;
					boothook =
					        contains(l.p, l.n,
					                 "text/cloud-boothook");
				}
			}
			if (!type) {
				gw_diag_add(d, GW_SEV_ERROR, at, gw_rule_id(GW_RULE_L1),
				            "give each "
				            "part a Content-Type header and an "
				            "empty line",
				            "user data part %zu has "
				            "no content-type header",
				            parts);
			}
			const char *body = cur;
			const char *next = NULL;
			size_t open_len = strlen(open);
			for (const char *p = cur; p && p < end;) {
				if ((size_t)(end - p) >= open_len &&
				    memcmp(p, open, open_len) == 0) {
					next = p;
					break;
				}
				p = memchr(p, '\n', (size_t)(end - p));
				p = p ? p + 1 : NULL;
			}
			size_t blen = (size_t)((next ? next : end) - body);
			if (boothook &&
			    !contains(body, blen, "cloud-init-per")) {
				gw_diag_add(
				        d, GW_SEV_WARNING, at, gw_rule_id(GW_RULE_L7),
				        "guard it "
				        "with 'cloud-init-per once NAME'",
				        "user data part %zu is a "
				        "cloud-boothook, which runs at every "
				        "boot",
				        parts);
			}
			prev_blank = true;
			continue;
		}
		prev_blank = l.n == 0;
	}
	if (parts == 0) {
		gw_diag_add(d, GW_SEV_ERROR, at, gw_rule_id(GW_RULE_L1),
		            "add a part that starts "
		            "with '--BOUNDARY'",
		            "user data has no part "
		            "delimited by boundary '%s'",
		            boundary);
	}
	if (!closed) {
		gw_diag_add(d, GW_SEV_ERROR, at, gw_rule_id(GW_RULE_L1),
		            "end with '--BOUNDARY--'",
		            "user data does not end with the closing boundary "
		            "'%s'",
		            close);
	}
	check_downloads(mime, len, at, d);
	return d->n_errors == errors;
}

struct partition_scan {
	const char *logical;
	bool reported;
};

/* ---- user data values of a profile (L5, L8, L9, L11; D1, D10, V1, V2) ---- */

/* Printable us-ascii; with 'lines', newlines and tabs too. */
static bool is_text(const char *s, bool lines)
{
	for (; *s; s++) {
		bool printable = *s >= ASCII_FIRST_PRINTABLE &&
		                 *s <= ASCII_LAST_PRINTABLE;
		if (!printable && !(lines && (*s == '\n' || *s == '\t'))) {
			return false;
		}
	}
	return true;
}

static const char *text_or_q(const char *s)
{
	return s && is_text(s, false) ? s : "?";
}

static bool is_hex_string(const char *s, size_t n)
{
	if (strlen(s) != n) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

/* Non-empty, of 'chars' only (plus letters and digits when 'alnum'). */
static bool all_of(const char *s, bool alnum, const char *chars)
{
	if (!s || !*s) {
		return false;
	}
	for (; *s; s++) {
		bool ok = (alnum && isalnum((unsigned char)*s)) ||
		          strchr(chars, *s);
		if (!ok) {
			return false;
		}
	}
	return true;
}

static bool lt_maps_device(const struct gw_launch_template *lt, const char *dev)
{
	char slot[GW_DEVICE_NAME_MAX], other[GW_DEVICE_NAME_MAX];
	if (!gw_device_slot(dev, slot)) {
		return false;
	}
	for (size_t i = 0; i < lt->n_volumes; i++) {
		const char *o = lt->volumes[i].device.s;
		if (o && gw_device_slot(o, other) && strcmp(slot, other) == 0) {
			return true;
		}
	}
	return false;
}

/* Whether any CE using 'lt' runs Amazon Linux 2023 (unused: assume so,
 * the default image type). */
static bool lt_on_al2023(const struct gw_vctx *c,
                         const struct gw_launch_template *lt)
{
	bool used = false;
	for (size_t i = 0; i < c->m->n_compute_envs; i++) {
		const struct gw_compute_env *ce = &c->m->compute_envs[i];
		if (lt->name.s && gw_vm_str_is(&ce->launch_template, lt->name.s)) {
			used = true;
			if (gw_image_is_al2023(gw_vm_ce_image(ce))) {
				return true;
			}
		}
	}
	return !used;
}

static void check_scratch_device(struct gw_vctx *c,
                                 const struct gw_launch_template *lt)
{
	const struct gw_scratch *s = &lt->user_data.scratch;
	/*
	 * D1: the scratch device is a block device mapping name, so the HVM
	 * grammar applies (EC2 "device naming on Linux instances"). Matching
	 * a mapped slot is not enough: /dev/sdba aliases /dev/xvdba but is no
	 * name EC2 accepts.
	 */
	enum gw_device_kind dk = s->device.s ? gw_device_classify(s->device.s)
	                                     : GW_DEVICE_EBS;
	if (dk != GW_DEVICE_EBS) {
		gw_rule_report(&c->rc,
		               dk == GW_DEVICE_NVME ? GW_RULE_D5 : GW_RULE_D1,
		               GW_SEV_ERROR, s->device.loc,
		               dk == GW_DEVICE_ROOT
		                       ? "the root device holds the os; use a "
		                         "data volume such as /dev/xvdba"
		                       : "use /dev/sd[f-p], /dev/xvd[e-z] or "
		                         "/dev/xvd[a-d][a-z], e.g. /dev/xvdba",
		               "scratch device '%s' is not %s", s->device.s,
		               dk == GW_DEVICE_ROOT
		                       ? "a data volume (it is the root device)"
		                       : "a linux device name ec2 accepts in a "
		                         "mapping");
	} else if (!s->device.s && s->k == GW_SCRATCH_EBS_AUTOSCALE) {
		GW_RULE_ERR(&c->rc, D10, s->loc,
		            "set device, e.g. /dev/xvdba, and map it under "
		            "volumes",
		            "ebs-autoscale scratch needs an initial device");
	} else if (s->device.s && !lt_maps_device(lt, s->device.s)) {
		GW_RULE_ERR(&c->rc, D10, s->device.loc,
		            "add a volume with this device to the launch "
		            "template",
		            "scratch device '%s' is not mapped by launch "
		            "template '%s'",
		            s->device.s, gw_vm_str_or(&lt->name, "?"));
	}
}

/*
 * L8 btrfs: Amazon Linux 2 has btrfs-progs and AL2023 does not
 * (amazon-linux-2023#342), so btrfs is refused on AL2023 only. gwgen's
 * scratch scripts put ext4 on LVM whatever the filesystem, so on AL2 the
 * value is accepted with a warning saying so.
 */
static void check_scratch_filesystem(struct gw_vctx *c,
                                     const struct gw_scratch *s, bool al2023)
{
	if (!s->filesystem.s || gw_vm_str_is(&s->filesystem, "ext4")) {
		return;
	}
	if (!gw_vm_str_is(&s->filesystem, "btrfs")) {
		GW_RULE_ERR(&c->rc, L8, s->filesystem.loc, "use ext4",
		            "scratch filesystem '%s' is not ext4 or btrfs",
		            text_or_q(s->filesystem.s));
	} else if (al2023) {
		GW_RULE_ERR(&c->rc, L8, s->filesystem.loc,
		            "use filesystem: ext4 (lvm)",
		            "scratch filesystem 'btrfs' does not work on amazon "
		            "linux 2023, which has no btrfs-progs");
	} else {
		GW_RULE_WARN(&c->rc, L8, s->filesystem.loc,
		             "use filesystem: ext4",
		             "scratch filesystem 'btrfs' is written as ext4 on "
		             "lvm: gwgen's scratch scripts make ext4 only");
	}
}

static void check_scratch(struct gw_vctx *c, const struct gw_launch_template *lt,
                          bool al2023)
{
	const struct gw_scratch *s = &lt->user_data.scratch;
	if (!s->present) {
		return;
	}
	if (s->k == GW_SCRATCH_NONE) {
		GW_RULE_ERR(&c->rc, L8, s->kind.loc,
		            "use 'ebs-autoscale' or 'nvme-lvm'",
		            "scratch kind '%s' is unknown", text_or_q(s->kind.s));
		return;
	}
	check_scratch_device(c, lt);
	gw_vm_check_abs_path(c, &s->mount, "scratch mount", GW_RULE_L8,
	                     "/var/lib/docker");
	check_scratch_filesystem(c, s, al2023);
	if (s->threshold_pct.set &&
	    (s->threshold_pct.v < 1 || s->threshold_pct.v >= PERCENT_MAX)) {
		GW_RULE_ERR(&c->rc, L8, s->threshold_pct.loc, "use 1..99",
		            "scratch threshold_pct %lld is not in 1..99",
		            s->threshold_pct.v);
	}
	if (s->increment_gib.set &&
	    (s->increment_gib.v < 1 ||
	     s->increment_gib.v > find_limits("gp3")->size_max)) {
		GW_RULE_ERR(&c->rc, V1, s->increment_gib.loc, NULL,
		            "scratch increment_gib %lld is not in 1..16384",
		            s->increment_gib.v);
	}
	if (s->max_volumes.set && s->max_volumes.v < 1) {
		GW_RULE_ERR(&c->rc, L8, s->max_volumes.loc, NULL,
		            "scratch max_volumes %lld must be at least 1",
		            s->max_volumes.v);
	}
	const char *vt = s->volume_type.s;
	if (vt && !find_limits(vt)) {
		GW_RULE_ERR(&c->rc, V1, s->volume_type.loc, "use gp3",
		            "scratch volume_type '%s' is unknown", text_or_q(vt));
	} else if (vt && s->k == GW_SCRATCH_EBS_AUTOSCALE &&
	           (strcmp(vt, "io1") == 0 || strcmp(vt, "io2") == 0)) {
		/* gwgen-scratch creates volumes without IOPS (EC2
		 * CreateVolume requires them for io1/io2). */
		GW_RULE_ERR(&c->rc, V2, s->volume_type.loc, "use 'gp3'",
		            "scratch volume_type '%s' needs iops, which "
		            "gwgen-scratch does not set",
		            vt);
	}
	/* The daemon writes the profile and stack names into its volume
	 * tags: the loader ([a-z][a-z0-9-]*) and C2 already keep them to
	 * letters, digits and '-'. */
}

static void check_packages(struct gw_vctx *c, const struct gw_user_data *u,
                           bool al2023)
{
	for (size_t i = 0; i < u->packages.n; i++) {
		const struct gw_str *p = &u->packages.v[i];
		const char *s = p->s ? p->s : "";
		if (!is_text(s, false)) {
			GW_RULE_ERR(&c->rc, L11, p->loc, NULL,
			            "package %zu has a character that is not "
			            "printable us-ascii",
			            i + 1);
		} else if (s[0] == '\0' || s[0] == '-' || strchr(s, ' ')) {
			GW_RULE_ERR(&c->rc, L11, p->loc,
			            "give a dnf package name such as 'jq'",
			            "package '%s' is not a package name", s);
		} else if (al2023 && (strcmp(s, "btrfs-progs") == 0 ||
		                      strcmp(s, "python27") == 0 ||
		                      strcmp(s, "python27-pip") == 0)) {
			GW_RULE_ERR(&c->rc, L8, p->loc,
			            "remove it; amazon linux 2023 does not ship "
			            "it",
			            "package '%s' does not exist on amazon "
			            "linux 2023",
			            s);
		}
	}
}

static void check_runcmd(struct gw_vctx *c, const struct gw_user_data *u,
                         bool al2023)
{
	for (size_t i = 0; i < u->runcmd.n; i++) {
		const struct gw_str *r = &u->runcmd.v[i];
		const char *s = r->s ? r->s : "";
		if (s[0] == '\0') {
			GW_RULE_ERR(&c->rc, L11, r->loc, NULL,
			            "runcmd entry %zu is empty", i + 1);
			continue;
		}
		if (!is_text(s, true)) {
			GW_RULE_ERR(&c->rc, L11, r->loc, NULL,
			            "runcmd entry %zu has a character other than "
			            "printable us-ascii, tab and newline",
			            i + 1);
			continue;
		}
		if (al2023 && (strstr(s, "amazon-linux-extras") ||
		               gw_has_prefix(s, "yum "))) {
			GW_RULE_WARN(&c->rc, L8, r->loc, "use dnf",
			             "command '%s' uses a tool amazon linux 2023 "
			             "does not have",
			             s);
		}
		if (strstr(s, "/latest/") || strstr(s, "releases/latest")) {
			GW_RULE_WARN(&c->rc, L9, r->loc,
			             "pin a version and check its sha-256",
			             "command '%s' downloads a moving 'latest' "
			             "artifact at boot",
			             s);
		}
	}
}

/* L9 on one pin: a release number and 64 hex digits ('arch' names the
 * build in messages). */
static void check_cli_pin(struct gw_vctx *c, const struct gw_str *version,
                          const struct gw_str *sha256, const char *arch,
                          const char *key)
{
	if (version->s &&
	    gw_vm_check_one_line(c, version, "aws_cli version") &&
	    !gw_names_is_release(version->s)) {
		GW_RULE_ERR(&c->rc, L9, version->loc,
		            "write a release number such as '2.36.11'",
		            "aws_cli %sversion '%s' is not a release number",
		            key, version->s);
	}
	if (sha256->s && !is_hex_string(sha256->s, SHA256_HEX)) {
		char hint[GW_VM_MSG_BYTES];
		snprintf(hint, sizeof(hint),
		         "give the sha-256 of awscli-exe-linux-%s-VERSION.zip",
		         arch);
		GW_RULE_ERR(&c->rc, L9, sha256->loc, hint,
		            "aws_cli %ssha256 '%s' is not 64 hex digits", key,
		            text_or_q(sha256->s));
	}
}

/*
 * L9. Each pin has a version and a sha-256 (the aarch64 map's loader
 * requires both; the x86_64 pin is aws_cli's own version and sha256, both
 * or neither), and the rendered script checks the zip against it: an AWS
 * CLI without a checksum cannot be written.
 */
static void check_aws_cli(struct gw_vctx *c, const struct gw_aws_cli *cli)
{
	if (!cli->present) {
		return;
	}
	bool x86 = cli->version.s || cli->sha256.s;
	if (x86 && (!cli->version.s || !cli->sha256.s)) {
		const struct gw_str *given =
		        cli->version.s ? &cli->version : &cli->sha256;
		GW_RULE_ERR(&c->rc, L9, given->loc,
		            cli->version.s ? "add the sha256 of "
		                             "awscli-exe-linux-x86_64-VERSION.zip"
		                           : "add the version it is the "
		                             "sha-256 of",
		            "aws_cli pins the x86_64 build with a %s but no %s",
		            cli->version.s ? "version" : "sha256",
		            cli->version.s ? "sha256" : "version");
	}
	if (!x86 && !cli->aarch64.present) {
		GW_RULE_ERR(&c->rc, L9, cli->loc,
		            "add version and sha256 (x86_64) or aarch64: "
		            "{version, sha256}",
		            "aws_cli pins no build of the AWS CLI");
	}
	check_cli_pin(c, &cli->version, &cli->sha256, "x86_64", "");
	if (cli->aarch64.present) {
		check_cli_pin(c, &cli->aarch64.version, &cli->aarch64.sha256,
		              "aarch64", "aarch64 ");
	}
	gw_vm_check_abs_path(c, &cli->prefix, "aws_cli prefix", GW_RULE_L9,
	                     "/usr/local/aws-cli");
	if (gw_vm_str_is(&cli->source, "bucket") && !c->m->bucket.present) {
		GW_RULE_ERR(&c->rc, L11, cli->source.loc,
		            "add a 'bucket' or use source 'release'",
		            "aws_cli source 'bucket' needs the profile's bucket");
	}
}

/*
 * L12: the boot script installs the build for the instance's `uname -m`
 * (x86_64 or aarch64) and fails on an architecture without a pin, which
 * with fail_fast powers every such node off. So every architecture that a
 * compute environment using the launch template can launch needs its pin.
 * AWS publishes awscli-exe-linux-x86_64.zip and
 * awscli-exe-linux-aarch64.zip ("Installing or updating to the latest
 * version of the AWS CLI", AWS CLI User Guide v2, Linux).
 */
static void check_cli_arch(struct gw_vctx *c,
                           const struct gw_launch_template *lt)
{
	const struct gw_aws_cli *cli = &lt->user_data.aws_cli;
	if (!lt->user_data.present || !cli->present || !lt->name.s) {
		return;
	}
	bool pinned[GW_ARCH_ARM64 + 1] = {
	        [GW_ARCH_X86_64] = cli->version.s && cli->sha256.s,
	        [GW_ARCH_ARM64] = cli->aarch64.present,
	};
	if (!pinned[GW_ARCH_X86_64] && !cli->version.s && !cli->sha256.s &&
	    !cli->aarch64.present) {
		return; /* L9 reported it */
	}
	const struct gw_model *m = c->m;
	for (size_t i = 0; i < m->n_compute_envs; i++) {
		const struct gw_compute_env *ce = &m->compute_envs[i];
		if (!gw_vm_str_is(&ce->launch_template, lt->name.s)) {
			continue;
		}
		struct gw_type_selection info;
		gw_vm_describe_ce(&c->types, ce, &info);
		for (int a = GW_ARCH_X86_64; a <= GW_ARCH_ARM64; a++) {
			if (!info.arch[a] || pinned[a]) {
				continue;
			}
			bool arm = a == GW_ARCH_ARM64;
			GW_RULE_ERR(&c->rc, L12, cli->loc,
			            arm ? "add aarch64: {version, sha256} of "
			                  "awscli-exe-linux-aarch64-VERSION.zip"
			                : "add version and sha256 of "
			                  "awscli-exe-linux-x86_64-VERSION.zip",
			            "launch template '%s' is used by compute "
			            "environment '%s', whose instance type '%s' is "
			            "%s, but aws_cli pins no %s build",
			            lt->name.s, gw_vm_str_or(&ce->name, "?"),
			            info.arch[a]->name,
			            gw_arch_name((enum gw_arch)a),
			            arm ? "aarch64" : "x86_64");
		}
	}
}

static void check_ecs_config(struct gw_vctx *c, const struct gw_kvs *kvs)
{
	for (size_t i = 0; i < kvs->n; i++) {
		const struct gw_kv *kv = &kvs->v[i];
		const char *key = kv->key.s ? kv->key.s : "";
		bool key_ok = *key != '\0';
		for (const char *p = key; *p; p++) {
			key_ok = key_ok && (isdigit((unsigned char)*p) ||
			                    isupper((unsigned char)*p) ||
			                    *p == '_');
		}
		if (!key_ok) {
			GW_RULE_ERR(&c->rc, L11, kv->key.loc,
			            "ECS agent settings look like "
			            "ECS_IMAGE_PULL_BEHAVIOR",
			            "ecs_config key must match [A-Z0-9_]+, got "
			            "'%s'",
			            text_or_q(key));
		} else if (!is_text(kv->value.s ? kv->value.s : "", false)) {
			GW_RULE_ERR(&c->rc, L11, kv->value.loc, NULL,
			            "ecs_config value of '%s' must be one line of "
			            "printable us-ascii",
			            key);
		}
	}
}

/* Whether gwgen ships provisioning script 'name' (templates/provision/). */
static bool is_shipped_script(const char *name)
{
	if (!all_of(name, true, "._-") || name[0] == '.') {
		return false;
	}
	char *tmpl = gw_xasprintf("provision/%s.mustache", name);
	bool found = gw_templates_find(gw_templates_builtin(), tmpl) != NULL;
	free(tmpl);
	return found;
}

static void list_scripts(struct gw_buf *out)
{
	const struct gw_templates *t = gw_templates_builtin();
	const char *dir = "provision/", *ext = ".mustache";
	bool first = true;
	for (size_t i = 0; i < gw_templates_count(t); i++) {
		const char *name = gw_templates_at(t, i)->name;
		if (!gw_has_prefix(name, dir) || !gw_has_suffix(name, ext) ||
		    strchr(name + strlen(dir), '/')) {
			continue;
		}
		gw_buf_printf(out, "%s'%.*s'", first ? "" : ", ",
		              (int)(strlen(name) - strlen(dir) - strlen(ext)),
		              name + strlen(dir));
		first = false;
	}
}

static void check_provision(struct gw_vctx *c,
                            const struct gw_launch_template *lt)
{
	const struct gw_provision *p = &lt->user_data.provision;
	if (!p->present) {
		return;
	}
	if (!c->m->bucket.present) {
		GW_RULE_ERR(&c->rc, L11, p->loc, "add a 'bucket'",
		            "provision fetches scripts from the profile's "
		            "bucket, and there is none");
	}
	if (!gw_names_is_clean_path(p->version.s ? p->version.s : "", false)) {
		GW_RULE_ERR(&c->rc, L11, p->version.loc, NULL,
		            "provision version must be [A-Za-z0-9._-] names "
		            "joined by '/', got '%s'",
		            text_or_q(p->version.s));
	}
	if (!gw_names_is_clean_path(p->prefix.s ? p->prefix.s : "", false)) {
		GW_RULE_ERR(&c->rc, L11, p->prefix.loc, NULL,
		            "provision prefix must be [A-Za-z0-9._-] names "
		            "joined by '/', got '%s'",
		            text_or_q(p->prefix.s));
	}
	if (p->scripts.n == 0) {
		GW_RULE_ERR(&c->rc, L11, p->scripts.set ? p->scripts.loc : p->loc,
		            "list scripts gwgen ships, e.g. 'ecs-additions.sh'",
		            "provision has no scripts");
	}
	for (size_t i = 0; i < p->scripts.n; i++) {
		const struct gw_str *s = &p->scripts.v[i];
		const char *name = s->s ? s->s : "";
		if (!is_shipped_script(name)) {
			struct gw_buf hint;
			gw_buf_init(&hint);
			gw_buf_puts(&hint, "gwgen ships ");
			list_scripts(&hint);
			GW_RULE_ERR(&c->rc, L11, s->loc, gw_buf_str(&hint),
			            "provision script '%s' is not one gwgen ships",
			            text_or_q(name));
			gw_buf_finish(&hint);
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			if (gw_vm_str_is(&p->scripts.v[j], name)) {
				GW_RULE_ERR(&c->rc, L11, s->loc, NULL,
				            "provision script '%s' is listed "
				            "twice",
				            name);
			}
		}
		if (strcmp(name, SCRATCH_SCRIPT) == 0 &&
		    lt->user_data.scratch.k != GW_SCRATCH_EBS_AUTOSCALE) {
			GW_RULE_ERR(&c->rc, L11, s->loc, NULL,
			            "provision script '%s' needs scratch kind "
			            "'ebs-autoscale'",
			            name);
		}
	}
}

static void check_user_data_model(struct gw_vctx *c,
                                  const struct gw_launch_template *lt)
{
	const struct gw_user_data *u = &lt->user_data;
	if (!u->present) {
		return;
	}
	bool al2023 = lt_on_al2023(c, lt);
	check_scratch(c, lt, al2023);
	check_packages(c, u, al2023);
	check_runcmd(c, u, al2023);
	check_aws_cli(c, &u->aws_cli);
	check_cli_arch(c, lt);
	check_ecs_config(c, &u->ecs_config);
	check_provision(c, lt);
	/* The same test as userdata.c's plan: what gives the archive a
	 * shell script or a boothook. */
	bool scratch = u->scratch.present && u->scratch.k != GW_SCRATCH_NONE;
	if (!scratch && u->packages.n == 0 && !u->aws_cli.present &&
	    u->ecs_config.n == 0 && !u->provision.present &&
	    u->runcmd.n == 0 && !u->shared_storage.v) {
		GW_RULE_ERR(&c->rc, L11, u->loc,
		            "add packages, aws_cli, scratch, ecs_config, "
		            "provision, runcmd or shared_storage, or remove "
		            "'user_data'",
		            "user_data of launch template '%s' asks for nothing",
		            gw_vm_str_or(&lt->name, ""));
	}
	if (u->fail_fast.set && !u->fail_fast.v) {
		GW_RULE_NOTE(&c->rc, L5, u->fail_fast.loc, "keep fail_fast: true",
		             "a node whose provisioning failed keeps taking "
		             "jobs");
	}
}

/* ---- the profile adapter ------------------------------------------------- */

static struct lt_device model_device(const struct gw_launch_template *lt,
                                     const struct gw_volume *v, enum lt_role role)
{
	const struct gw_scratch *s = &lt->user_data.scratch;
	const char *scratch_dev =
	        lt->user_data.present && s->present ? s->device.s : NULL;
	return (struct lt_device){
	        .owner = gw_vm_str_or(&lt->name, "?"),
	        .device = v->device.s,
	        .role = role,
	        .scratch_device = v->device.s && scratch_dev &&
	                          strcmp(v->device.s, scratch_dev) == 0,
	        .at = gw_vm_at(v->device.loc, v->loc),
	        .vol_at = v->loc,
	};
}

static void check_model_volume(struct gw_vctx *c, const struct gw_volume *v,
                               bool root)
{
	const char *dev = gw_vm_str_or(&v->device, "?");
	struct gw_ebs_volume e = {
	        .device = dev,
	        .type = v->type.s,
	        .root = root,
	        .has_size = v->size_gib.set || v->size_gib.v != 0,
	        .has_iops = v->iops.set,
	        .has_throughput = v->throughput.set,
	        .size_gib = v->size_gib.v,
	        .iops = v->iops.v,
	        .throughput = v->throughput.v,
	        .type_at = gw_vm_at(v->type.loc, v->loc),
	        .size_at = gw_vm_at(v->size_gib.loc, v->loc),
	        .iops_at = gw_vm_at(v->iops.loc, v->loc),
	        .throughput_at = gw_vm_at(v->throughput.loc, v->loc),
	};
	check_ebs(&c->rc, &e);
	/* gwgen renders Encrypted: true unless the profile says false. */
	struct lt_volume_flags f = {
	        .device = dev,
	        .root = root,
	        .key_delete = "delete_on_termination",
	        .key_encrypted = "encrypted",
	        .keeps_volume = v->delete_on_termination.set &&
	                        !v->delete_on_termination.v,
	        .enc = v->encrypted.set && !v->encrypted.v ? LT_ENC_OFF
	                                                   : LT_ENC_ON,
	        .delete_at = v->delete_on_termination.loc,
	        .encrypted_at = v->encrypted.loc,
	        .at = v->loc,
	};
	check_volume_flags(&c->rc, &f);
}

void gw_lt_check_model(struct gw_vctx *c, const struct gw_launch_template *lt)
{
	struct lt_device prev[GW_CFN_TRACK_MAX];
	size_t n_prev = 0;
	if (lt->has_root) {
		prev[n_prev] = model_device(lt, &lt->root, LT_ROOT);
		check_device(&c->rc, &prev[n_prev], NULL, 0);
		n_prev++;
		check_model_volume(c, &lt->root, true);
	}
	for (size_t j = 0; j < lt->n_volumes; j++) {
		struct lt_device v = model_device(lt, &lt->volumes[j], LT_DATA);
		check_device(&c->rc, &v, prev, n_prev);
		if (n_prev < GW_ARRAY_LEN(prev)) {
			prev[n_prev++] = v;
		}
		check_model_volume(c, &lt->volumes[j], false);
	}
	const char *owner = gw_vm_str_or(&lt->name, "?");
	struct lt_imds imds = {
	        .owner = owner,
	        .key_hop = "hop_limit",
	        .has_hop = lt->hop_limit.set,
	        .hop = lt->hop_limit.v,
	        .hop_at = lt->hop_limit.loc,
	};
	check_imds(&c->rc, &imds);
	/* The loader defaults shutdown_behavior to terminate. */
	if (lt->shutdown_behavior.s) {
		struct lt_shutdown sd = {
		        .owner = owner,
		        .key = "shutdown_behavior",
		        .value = lt->shutdown_behavior.s,
		        .at = lt->shutdown_behavior.loc,
		};
		check_shutdown(&c->rc, &sd);
	}
	check_user_data_model(c, lt);
}

/* ---- the template adapter ------------------------------------------------ */

static bool is_false(const char *s)
{
	return s && (strcmp(s, "false") == 0 || strcmp(s, "False") == 0);
}

static void check_cfn_ebs(struct gw_cfn *t, const char *dev, yaml_node_t *ebs,
                          bool root)
{
	yaml_node_t *vt = gw_cfn_get(t, ebs, "VolumeType");
	const char *type = gw_cfn_literal(t, vt);
	yaml_node_t *sn = gw_cfn_get(t, ebs, "VolumeSize");
	yaml_node_t *in = gw_cfn_get(t, ebs, "Iops");
	yaml_node_t *tn = gw_cfn_get(t, ebs, "Throughput");
	struct gw_ebs_volume e = {
	        .device = dev,
	        .type = type,
	        .root = root,
	        .type_at = gw_cfn_loc(t, vt ? vt : ebs),
	        .size_at = gw_cfn_loc(t, sn),
	        .iops_at = gw_cfn_loc(t, in),
	        .throughput_at = gw_cfn_loc(t, tn),
	};
	e.has_size = gw_cfn_int(t, sn, &e.size_gib);
	e.has_iops = gw_cfn_int(t, in, &e.iops);
	e.has_throughput = gw_cfn_int(t, tn, &e.throughput);
	/* A VolumeType from a parameter without a default: not judged. */
	if (!vt || type) {
		check_ebs(&t->rc, &e);
	}
	yaml_node_t *dot = gw_cfn_get(t, ebs, "DeleteOnTermination");
	yaml_node_t *enc = gw_cfn_get(t, ebs, "Encrypted");
	const char *es = gw_cfn_literal(t, enc);
	/* A volume from a snapshot inherits the snapshot's encryption. */
	enum lt_enc state = is_false(es) ? LT_ENC_OFF
	                    : !enc && !gw_cfn_get(t, ebs, "SnapshotId")
	                            ? LT_ENC_DEFAULT
	                            : LT_ENC_ON;
	struct lt_volume_flags f = {
	        .device = dev,
	        .root = root,
	        .key_delete = "DeleteOnTermination",
	        .key_encrypted = "Encrypted",
	        .keeps_volume = is_false(gw_cfn_literal(t, dot)),
	        .enc = state,
	        .delete_at = gw_cfn_loc(t, dot),
	        .encrypted_at = gw_cfn_loc(t, enc),
	        .at = gw_cfn_loc(t, ebs),
	};
	check_volume_flags(&t->rc, &f);
}

static void check_cfn_devices(struct gw_cfn *t, const char *logical,
                              yaml_node_t *bdm, const char *user_data)
{
	struct lt_device prev[GW_CFN_TRACK_MAX];
	size_t n_prev = 0;
	for (size_t i = 0; i < gw_cfn_seq_len(bdm); i++) {
		yaml_node_t *m = gw_cfn_seq_at(t, bdm, i);
		yaml_node_t *dn = gw_cfn_get(t, m, "DeviceName");
		const char *dev = gw_cfn_literal(t, dn);
		if (!dev) {
			continue; /* a parameter or absent: not judged */
		}
		/* /dev/xvdba is ebs-autoscale's documented initial device;
		 * a device the user data names is its scratch device. */
		struct lt_device v = {
		        .owner = logical,
		        .device = dev,
		        .role = LT_ANY,
		        .scratch_device = strcmp(dev, "/dev/xvdba") == 0 ||
		                          (user_data && strstr(user_data, dev)),
		        .at = gw_cfn_loc(t, dn),
		        .vol_at = gw_cfn_loc(t, m),
		};
		enum gw_device_kind k = check_device(&t->rc, &v, prev, n_prev);
		if (k == GW_DEVICE_NVME || k == GW_DEVICE_BAD) {
			continue;
		}
		if (n_prev < GW_ARRAY_LEN(prev)) {
			prev[n_prev++] = v;
		}
		yaml_node_t *ebs = gw_cfn_get(t, m, "Ebs");
		if (ebs) {
			check_cfn_ebs(t, dev, ebs, k == GW_DEVICE_ROOT);
		}
	}
}

/* L2: the value is Fn::Base64; then the rendered-user-data rules. */
static void check_cfn_user_data(struct gw_cfn *t, yaml_node_t *ud)
{
	yaml_node_t *arg = NULL;
	const char *fn = gw_cfn_intrinsic(t, ud, &arg);
	if (!gw_cfn_is_fn(fn, "Base64")) {
		GW_RULE_ERR(&t->rc, L2, gw_cfn_loc(t, ud),
		            "wrap it in !Base64 (Fn::Base64)",
		            "launch template user data is not base64-encoded");
		return;
	}
	bool templated = false;
	const char *text = gw_cfn_string(t, arg, &templated);
	if (!text) {
		return; /* built by !Join or similar: not checkable offline */
	}
	yaml_node_t *at = arg;
	yaml_node_t *inner = NULL;
	if (gw_cfn_intrinsic(t, arg, &inner) && inner) {
		at = gw_cfn_is_seq(inner) ? gw_cfn_seq_at(t, inner, 0) : inner;
	}
	gw_verify_user_data(text, strlen(text), gw_cfn_loc(t, at), t->d);
}

/* R10: a launch template no compute environment names is never used
 * (Batch launches instances from a compute environment's template). */
static void check_lt_used(struct gw_vctx *c,
                          const struct gw_launch_template *lt)
{
	for (size_t i = 0; i < c->m->n_compute_envs; i++) {
		if (gw_vm_str_is(&c->m->compute_envs[i].launch_template,
		                 lt->name.s)) {
			return;
		}
	}
	GW_RULE_WARN(&c->rc, R10, gw_vm_at(lt->name.loc, lt->loc),
	             "name it as a compute environment's launch_template, "
	             "or remove it",
	             "launch template '%s' is used by no compute environment",
	             lt->name.s);
}

void gw_lt_check_models(struct gw_vctx *c)
{
	const struct gw_model *m = c->m;
	struct gw_name_list seen = {.kind = "launch template"};
	for (size_t i = 0; i < m->n_launch_templates; i++) {
		const struct gw_launch_template *lt = &m->launch_templates[i];
		gw_vm_check_name(c, &lt->name, "launch template",
		                 lt->name.s ? gw_names_launch_template_error(
		                                      lt->name.s)
		                            : NULL,
		                 GW_RULE_N5, LT_NAME_HINT);
		gw_vm_check_unique(c, &lt->name, &seen, GW_RULE_N5);
		gw_lt_check_model(c, lt);
		if (lt->name.s && gw_vm_is_one_line(&lt->name)) {
			check_lt_used(c, lt);
		}
	}
}

void gw_lt_check_cfn(struct gw_cfn *t, const char *logical, yaml_node_t *props)
{
	yaml_node_t *name = gw_cfn_get(t, props, "LaunchTemplateName");
	const char *ns = gw_cfn_literal(t, name);
	const char *why = ns ? gw_names_launch_template_error(ns) : NULL;
	if (why) {
		GW_RULE_ERR(&t->rc, N5, gw_cfn_loc(t, name), LT_NAME_HINT,
		            "launch template name '%s' %s", ns, why);
	}
	yaml_node_t *data = gw_cfn_get(t, props, "LaunchTemplateData");
	if (!data) {
		return;
	}
	yaml_node_t *ud = gw_cfn_get(t, data, "UserData");
	const char *ud_text = NULL;
	if (ud) {
		yaml_node_t *arg = NULL;
		if (gw_cfn_is_fn(gw_cfn_intrinsic(t, ud, &arg), "Base64")) {
			ud_text = gw_cfn_string(t, arg, NULL);
		}
		check_cfn_user_data(t, ud);
	}
	check_cfn_devices(t, logical, gw_cfn_get(t, data, "BlockDeviceMappings"),
	                  ud_text);
	yaml_node_t *md = gw_cfn_get(t, data, "MetadataOptions");
	yaml_node_t *tokens = gw_cfn_get(t, md, "HttpTokens");
	yaml_node_t *hn = gw_cfn_get(t, md, "HttpPutResponseHopLimit");
	struct lt_imds imds = {
	        .owner = logical,
	        .key_hop = "HttpPutResponseHopLimit",
	        .tokens_checked = true,
	        .tokens = gw_cfn_literal(t, tokens),
	        .tokens_at = gw_cfn_loc(t, tokens ? tokens : md ? md : data),
	        .hop_at = gw_cfn_loc(t, hn),
	        .hint_tokens = "set MetadataOptions: {HttpTokens: required, "
	                       "HttpPutResponseHopLimit: 2}",
	};
	imds.has_hop = gw_cfn_int(t, hn, &imds.hop);
	check_imds(&t->rc, &imds);
	yaml_node_t *sb = gw_cfn_get(t, data, "InstanceInitiatedShutdownBehavior");
	const char *sbs = gw_cfn_literal(t, sb);
	/* A value from a parameter without a default is not judged. */
	if (!sb || sbs) {
		struct lt_shutdown sd = {
		        .owner = logical,
		        .key = "InstanceInitiatedShutdownBehavior",
		        .value = sbs,
		        .at = gw_cfn_loc(t, sb ? sb : data),
		};
		check_shutdown(&t->rc, &sd);
	}
	/* L3: settings AWS Batch overrides (Batch launch-templates.md). */
	static const char *const ignored[] = {
	        "InstanceType",
	        "IamInstanceProfile",
	        "InstanceMarketOptions",
	        "DisableApiTermination",
	};
	for (size_t i = 0; i < GW_ARRAY_LEN(ignored); i++) {
		yaml_node_t *n = gw_cfn_get(t, data, ignored[i]);
		if (n) {
			GW_RULE_WARN(&t->rc, L3, gw_cfn_loc(t, n),
			             "set it on the compute environment instead",
			             "aws batch ignores %s in launch template '%s'",
			             ignored[i], logical);
		}
	}
}
