/* SPDX-License-Identifier: MIT */
/* Pure validators for AWS resource names and EC2 block device names. */
#include "names.h"
#include "aws_limits.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define IPV4_PARTS 4

static const char *const bucket_bad_prefixes[] = {
        "xn--",
        "sthree-",
        "amzn-s3-demo-",
};

static const char *const bucket_bad_suffixes[] = {
        "-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3",
};

/* CloudWatch Logs RetentionInDays (cfn-lint aws-logs-loggroup.json). */
static const long long retention_days[] = {
        1,   3,   5,   7,   14,   30,   60,   90,   120,  150,  180,
        365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
};

static bool all_chars_in(const char *s, const char *extra, bool upper)
{
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (islower(c) || isdigit(c) || (upper && isupper(c))) {
			continue;
		}
		if (!strchr(extra, c)) {
			return false;
		}
	}
	return true;
}

static bool is_ipv4_form(const char *s)
{
	size_t parts = 1;
	size_t digits = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '.') {
			if (digits == 0) {
				return false;
			}
			parts++;
			digits = 0;
		} else if (isdigit((unsigned char)*p)) {
			digits++;
		} else {
			return false;
		}
	}
	return parts == IPV4_PARTS && digits > 0;
}

const char *gw_names_bucket_error(const char *name)
{
	size_t len = strlen(name);
	if (len < GW_LIM_BUCKET_NAME_MIN || len > GW_LIM_BUCKET_NAME_MAX) {
		return "must be 3..63 characters";
	}
	if (!all_chars_in(name, ".-", false)) {
		return "may only contain lowercase letters, digits, '.' and "
		       "'-'";
	}
	if (!isalnum((unsigned char)name[0]) ||
	    !isalnum((unsigned char)name[len - 1])) {
		return "must begin and end with a letter or digit";
	}
	if (strstr(name, "..")) {
		return "must not contain two adjacent periods";
	}
	if (strstr(name, ".-") || strstr(name, "-.")) {
		return "must not have a '-' next to a '.'";
	}
	if (is_ipv4_form(name)) {
		return "must not be formatted as an IP address";
	}
	for (size_t i = 0; i < GW_ARRAY_LEN(bucket_bad_prefixes); i++) {
		if (gw_has_prefix(name, bucket_bad_prefixes[i])) {
			return "uses a prefix reserved by S3 ('xn--', "
			       "'sthree-', "
			       "'amzn-s3-demo-')";
		}
	}
	for (size_t i = 0; i < GW_ARRAY_LEN(bucket_bad_suffixes); i++) {
		if (gw_has_suffix(name, bucket_bad_suffixes[i])) {
			return "uses a suffix reserved by S3 ('-s3alias', "
			       "'--ol-s3', '.mrap', '--x-s3', '--table-s3')";
		}
	}
	return NULL;
}

const char *gw_names_iam_error(const char *name, size_t max)
{
	size_t len = strlen(name);
	if (len == 0) {
		return "must not be empty";
	}
	if (len > max) {
		return max == GW_LIM_ROLE_NAME_MAX
		               ? "must be at most 64 characters"
		               : "must be at most 128 characters";
	}
	if (!all_chars_in(name, "+=,.@_-", true)) {
		return "may only contain letters, digits and '+=,.@_-'";
	}
	return NULL;
}

const char *gw_names_batch_error(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len > GW_LIM_BATCH_NAME_MAX) {
		return "must be 1..128 characters";
	}
	if (!all_chars_in(name, "_-", true)) {
		return "may only contain letters, digits, '_' and '-'";
	}
	return NULL;
}

const char *gw_names_log_group_error(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len > GW_LIM_LOG_GROUP_NAME_MAX) {
		return "must be 1..512 characters";
	}
	if (!all_chars_in(name, ".-_/#", true)) {
		return "may only contain letters, digits and '.-_/#'";
	}
	return NULL;
}

const char *gw_names_launch_template_error(const char *name)
{
	size_t len = strlen(name);
	if (len < GW_LIM_LT_NAME_MIN || len > GW_LIM_LT_NAME_MAX) {
		return "must be 3..128 characters";
	}
	if (!all_chars_in(name, "().-/_", true)) {
		return "may only contain letters, digits and '().-/_'";
	}
	return NULL;
}

const char *gw_names_image_error(const char *image)
{
	size_t len = strlen(image);
	if (len == 0 || len > GW_LIM_IMAGE_MAX) {
		return "must be 1..255 characters";
	}
	/* The Batch doc lists -_:./#; '@' is added for digest references. */
	if (!all_chars_in(image, "-_:./#@", true)) {
		return "may only contain letters, digits and '-_:./#@'";
	}
	return NULL;
}

bool gw_names_is_retention_days(long long days)
{
	for (size_t i = 0; i < GW_ARRAY_LEN(retention_days); i++) {
		if (retention_days[i] == days) {
			return true;
		}
	}
	return false;
}

const char *gw_names_retention_list(void)
{
	return "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, "
	       "731, 1096, 1827, 2192, 2557, 2922, 3288, 3653";
}

/* ASCII case-insensitive equality of the first 'n' bytes. */
static bool equal_nocase_n(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (tolower((unsigned char)a[i]) !=
		    tolower((unsigned char)b[i])) {
			return false;
		}
	}
	return true;
}

bool gw_names_equal_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) {
			return false;
		}
	}
	return *a == *b;
}

bool gw_names_is_release(const char *s)
{
	for (;;) {
		size_t n = strspn(s, "0123456789");
		if (n == 0) {
			return false;
		}
		s += n;
		if (*s == '\0') {
			return true;
		}
		if (*s++ != '.') {
			return false;
		}
	}
}

static bool is_path_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool gw_names_is_clean_path(const char *s, bool absolute)
{
	if (absolute && *s++ != '/') {
		return false;
	}
	for (;;) {
		size_t n = strcspn(s, "/");
		if (n == 0 || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.')) {
			return false;
		}
		for (size_t i = 0; i < n; i++) {
			if (!is_path_char(s[i])) {
				return false;
			}
		}
		if (s[n] == '\0') {
			return true;
		}
		s += n + 1;
	}
}

/* ---- tags -------------------------------------------------------------- */

/* ASCII marks tags allow besides letters, digits and spaces. */
#define TAG_MARKS "_.:/=+-@"
#define TAG_RESERVED_PREFIX "aws:"
#define UTF8_CONT_MASK 0xC0u
#define UTF8_CONT 0x80u
#define UTF8_MAX_BYTES 4
#define UNICODE_MAX 0x10FFFFul
#define SURROGATE_LO 0xD800ul
#define SURROGATE_HI 0xDFFFul

/* UTF-8 lead bytes: mask, value, sequence length, smallest code point. */
static const struct {
	unsigned mask, value;
	size_t len;
	unsigned long min;
} utf8_leads[] = {
        {0x80u, 0x00u, 1, 0x0ul},
        {0xE0u, 0xC0u, 2, 0x80ul},
        {0xF0u, 0xE0u, 3, 0x800ul},
        {0xF8u, 0xF0u, 4, 0x10000ul},
};

/*
 * Decode one UTF-8 character at 's' into 'cp'. Returns its length in
 * bytes, or 0 for an invalid (overlong, surrogate, truncated) sequence.
 */
static size_t utf8_decode(const unsigned char *s, unsigned long *cp)
{
	for (size_t i = 0; i < GW_ARRAY_LEN(utf8_leads); i++) {
		if ((s[0] & utf8_leads[i].mask) != utf8_leads[i].value) {
			continue;
		}
		size_t len = utf8_leads[i].len;
		unsigned long v = s[0] & ~utf8_leads[i].mask & 0xFFu;
		for (size_t k = 1; k < len; k++) {
			if ((s[k] & UTF8_CONT_MASK) != UTF8_CONT) {
				return 0;
			}
			v = (v << 6) | (s[k] & ~UTF8_CONT_MASK & 0xFFu);
		}
		if (v < utf8_leads[i].min || v > UNICODE_MAX ||
		    (v >= SURROGATE_LO && v <= SURROGATE_HI)) {
			return 0;
		}
		*cp = v;
		return len;
	}
	return 0;
}

static bool tag_char_ok(unsigned long cp)
{
	if (cp < UTF8_CONT && cp != '\0' && strchr(TAG_MARKS, (int)cp)) {
		return true;
	}
	size_t lo = 0, hi = gw_names_n_tag_ranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < gw_names_tag_ranges[mid].lo) {
			hi = mid;
		} else if (cp > gw_names_tag_ranges[mid].hi) {
			lo = mid + 1;
		} else {
			return true;
		}
	}
	return false;
}

bool gw_names_tag_check(const char *text, bool is_key,
                        struct gw_names_tag_problem *p)
{
	*p = (struct gw_names_tag_problem){0};
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	while (*s) {
		unsigned long cp = 0;
		size_t n = utf8_decode(s, &cp);
		if (n == 0) {
			p->why = "is not valid utf-8";
			p->at = p->chars + 1;
			p->bad = *s;
			return false;
		}
		p->chars++;
		if (!p->at && !tag_char_ok(cp)) {
			p->at = p->chars;
			p->bad = cp;
		}
		s += n;
	}
	size_t max = is_key ? GW_LIM_TAG_KEY_MAX : GW_LIM_TAG_VALUE_MAX;
	if (is_key && p->chars == 0) {
		p->why = "is empty";
	} else if (p->chars > max) {
		p->why = is_key ? "is longer than 128 characters"
		                : "is longer than 256 characters";
	} else if (p->at) {
		p->why = "has a character aws tags do not allow";
	} else if (is_key && strlen(text) >= strlen(TAG_RESERVED_PREFIX) &&
	           equal_nocase_n(text, TAG_RESERVED_PREFIX,
	                                   strlen(TAG_RESERVED_PREFIX))) {
		p->why = "starts with 'aws:', which aws reserves";
	}
	if (!p->why) {
		p->at = 0;
		p->bad = 0;
		return true;
	}
	return false;
}

/* The longest escape gw_names_quote writes, plus "..." and the NUL. */
#define QUOTE_RESERVE sizeof("\\xNN...")
#define ASCII_DEL 0x7F

const char *gw_names_tag_describe(const struct gw_names_tag_problem *p,
                                  bool is_key, char *out, size_t n)
{
	size_t max = is_key ? GW_LIM_TAG_KEY_MAX : GW_LIM_TAG_VALUE_MAX;
	bool utf8 = p->why && strcmp(p->why, "is not valid utf-8") == 0;
	if (p->at && !utf8 && p->chars <= max) {
		char ch[sizeof("U+10FFFF")];
		if (p->bad < UTF8_CONT && isprint((int)p->bad)) {
			snprintf(ch, sizeof(ch), "'%c'", (char)p->bad);
		} else {
			snprintf(ch, sizeof(ch), "U+%04lX", p->bad);
		}
		snprintf(out, n, "has %s at character %zu, which aws tags do "
		         "not allow", ch, p->at);
		return "tags take letters, digits, spaces and _ . : / = + - @";
	}
	if (p->chars > max) {
		snprintf(out, n, "is %zu characters long", p->chars);
		return is_key ? "use at most 128 characters"
		              : "use at most 256 characters";
	}
	snprintf(out, n, "%s", p->why ? p->why : "is valid");
	if (utf8) {
		return "write the text as utf-8";
	}
	return "keys are 1..128 characters and do not start with 'aws:'";
}

void gw_names_quote(const char *in, char *out, size_t n)
{
	size_t o = 0;
	if (n < QUOTE_RESERVE) {
		if (n) {
			out[0] = '\0';
		}
		return;
	}
	for (const unsigned char *p = (const unsigned char *)(in ? in : "");
	     *p && o + QUOTE_RESERVE < n; p++) {
		if (*p == '\n') {
			o += (size_t)snprintf(out + o, n - o, "\\n");
		} else if (*p == '\t') {
			o += (size_t)snprintf(out + o, n - o, "\\t");
		} else if (*p < ' ' || *p == ASCII_DEL) {
			o += (size_t)snprintf(out + o, n - o, "\\x%02X", *p);
		} else {
			out[o++] = (char)*p;
		}
		if (p[1] && o + QUOTE_RESERVE >= n) {
			o += (size_t)snprintf(out + o, n - o, "...");
		}
	}
	out[o] = '\0';
}

/* ---- device names ----------------------------------------------------- */

#define DEV_PREFIX "/dev/"
#define SD_PREFIX "/dev/sd"
#define XVD_PREFIX "/dev/xvd"
#define NVME_PREFIX "/dev/nvme"

static bool is_lower_range(char c, char lo, char hi)
{
	return c >= lo && c <= hi;
}

enum gw_device_kind gw_device_classify(const char *dev)
{
	if (gw_has_prefix(dev, NVME_PREFIX)) {
		return GW_DEVICE_NVME;
	}
	if (strcmp(dev, "/dev/xvda") == 0 || strcmp(dev, "/dev/sda1") == 0 ||
	    strcmp(dev, "/dev/sda") == 0) {
		return GW_DEVICE_ROOT;
	}
	if (gw_has_prefix(dev, SD_PREFIX)) {
		const char *s = dev + strlen(SD_PREFIX);
		/* HVM: /dev/sd[a-z]; partition numbers are paravirtual only. */
		if (is_lower_range(s[0], 'a', 'z') && s[1] == '\0') {
			return GW_DEVICE_EBS;
		}
		return GW_DEVICE_BAD;
	}
	if (gw_has_prefix(dev, XVD_PREFIX)) {
		const char *s = dev + strlen(XVD_PREFIX);
		/* /dev/xvd[e-z] */
		if (is_lower_range(s[0], 'e', 'z') && s[1] == '\0') {
			return GW_DEVICE_EBS;
		}
		/* /dev/xvd[a-d][a-z] */
		if (is_lower_range(s[0], 'a', 'd') &&
		    is_lower_range(s[1], 'a', 'z') && s[2] == '\0') {
			return GW_DEVICE_EBS;
		}
	}
	return GW_DEVICE_BAD;
}

bool gw_device_slot(const char *dev, char out[GW_DEVICE_NAME_MAX])
{
	const char *rest;
	if (strcmp(dev, "/dev/sda1") == 0) {
		rest = "a";
	} else if (gw_has_prefix(dev, SD_PREFIX)) {
		rest = dev + strlen(SD_PREFIX);
	} else if (gw_has_prefix(dev, XVD_PREFIX)) {
		rest = dev + strlen(XVD_PREFIX);
	} else {
		return false;
	}
	if (strlen(rest) + sizeof("xvd") > GW_DEVICE_NAME_MAX) {
		return false;
	}
	strcpy(out, "xvd");
	strcat(out, rest);
	return true;
}

bool gw_device_is_instance_store(const char *dev)
{
	char slot[GW_DEVICE_NAME_MAX];
	if (!gw_device_slot(dev, slot)) {
		return false;
	}
	/* /dev/sd[b-e]: "xvd" + one letter b..e */
	return slot[4] == '\0' && is_lower_range(slot[3], 'b', 'e');
}

/* ---- credentials ------------------------------------------------------- */

#define ACCESS_KEY_ID_LEN 20 /* "AKIA" + 16 (IAM "access key ID" format) */
#define ACCESS_KEY_PREFIX_LEN 4
#define SECRET_KEY_LEN 40    /* an AWS secret access key */
/* Distinct characters a 40-character token needs to look random: random
 * base64 keys have about 31 (26 or more in 95% of them), names and
 * CamelCase words far fewer ("role/AmazonEC2ContainerServiceforEC2Role",
 * exactly 40 long, has 20). */
#define SECRET_KEY_MIN_DISTINCT 26
#define CHAR_VALUES 256

static bool is_key_id_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static bool is_secret_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '/' || ch == '+';
}

static bool looks_random(const char *s, size_t n)
{
	bool upper = false, lower = false, digit = false;
	bool seen[CHAR_VALUES] = {false};
	size_t distinct = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		upper = upper || isupper(ch);
		lower = lower || islower(ch);
		digit = digit || isdigit(ch);
		if (!seen[ch]) {
			seen[ch] = true;
			distinct++;
		}
	}
	return upper && lower && digit && distinct >= SECRET_KEY_MIN_DISTINCT;
}

bool gw_names_find_credential(const char *text, const char **what,
                              size_t *at)
{
	static const char *const key_id_prefixes[] = {"AKIA", "ASIA"};
	/* PEM: "-----BEGIN RSA PRIVATE KEY-----", "... OPENSSH PRIVATE ...". */
	static const char begin[] = "-----BEGIN ", dashes[] = "-----";
	static const char private_key[] = "PRIVATE KEY";
	for (const char *pem = strstr(text, begin); pem;
	     pem = strstr(pem + 1, begin)) {
		const char *label = pem + strlen(begin);
		const char *close = strstr(label, dashes);
		size_t n = close ? (size_t)(close - label) : 0;
		if (n >= strlen(private_key) &&
		    strncmp(close - strlen(private_key), private_key,
		            strlen(private_key)) == 0) {
			*what = "a private key";
			*at = (size_t)(pem - text) + 1;
			return true;
		}
	}
	for (const char *p = text; *p; p++) {
		/* Only at the start of a token: the byte before ends one. */
		if (p > text && is_secret_char(p[-1])) {
			continue;
		}
		size_t n = 0;
		while (is_secret_char(p[n])) {
			n++;
		}
		bool key_id = n == ACCESS_KEY_ID_LEN;
		for (size_t i = 0; key_id && i < n; i++) {
			key_id = is_key_id_char(p[i]);
		}
		bool prefix = false;
		for (size_t i = 0; i < GW_ARRAY_LEN(key_id_prefixes); i++) {
			prefix = prefix || strncmp(p, key_id_prefixes[i],
			                           ACCESS_KEY_PREFIX_LEN) == 0;
		}
		if (key_id && prefix) {
			*what = "an aws access key id";
			*at = (size_t)(p - text) + 1;
			return true;
		}
		/* '=' would continue a longer base64 text, not end a key. */
		if (n == SECRET_KEY_LEN && p[n] != '=' && looks_random(p, n)) {
			*what = "an aws secret access key";
			*at = (size_t)(p - text) + 1;
			return true;
		}
	}
	return false;
}

bool gw_device_is_al1_docker(const char *dev)
{
	return strcmp(dev, "/dev/xvdcz") == 0;
}

bool gw_device_is_tool_range(const char *dev)
{
	return gw_has_prefix(dev, "/dev/xvdb") &&
	       strlen(dev) == strlen("/dev/xvdba") &&
	       is_lower_range(dev[strlen(dev) - 1], 'a', 'z');
}
