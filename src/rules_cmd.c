/* SPDX-License-Identifier: MIT */
/* `gwgen rules` (rules_cmd.h). */
#include "rules_cmd.h"

#include <string.h>

#include "rule_files.h"
#include "rules.h"
#include "status.h"
#include "util.h"

static const char usage[] =
	"usage: gwgen rules [ID...]\n"
	"\n"
	"Print the rule book (src/verify/rules.def, docs/rules.md): for every\n"
	"rule, or each ID named (CE7, Q1, ...), its severities (E error, W\n"
	"warning, N note), where it is checked (P the profile, T templates, U\n"
	"rendered user data), its family, what it checks, its source and the\n"
	"files that implement it.\n";

/* One letter for each bit of 'bits' that 'letters' names, joined by 'sep'
 * ("E/W" for severities, "P T" for places). */
struct letter {
	unsigned bit;
	char letter;
};

static void put_letters(FILE *out, unsigned bits, const struct letter *l,
                        size_t n, const char *sep)
{
	const char *s = "";
	for (size_t i = 0; i < n; i++) {
		if (bits & l[i].bit) {
			fprintf(out, "%s%c", s, l[i].letter);
			s = sep;
		}
	}
}

static const struct letter sev_letters[] = {
	{GW_RS_E, 'E'}, {GW_RS_W, 'W'}, {GW_RS_N, 'N'},
};
static const struct letter where_letters[] = {
	{GW_RW_P, 'P'}, {GW_RW_T, 'T'}, {GW_RW_U, 'U'},
};

static void put_rule(FILE *out, enum gw_rule r)
{
	const struct gw_rule_info *info = gw_rule_info(r);
	fprintf(out, "%s  ", info->id);
	put_letters(out, info->sevs, sev_letters, GW_ARRAY_LEN(sev_letters),
	            "/");
	fputs("  ", out);
	put_letters(out, info->where, where_letters,
	            GW_ARRAY_LEN(where_letters), " ");
	fprintf(out, "  %s\n  what:   %s\n", gw_rule_family_name(info->family),
	        info->what);
	if (info->source[0]) {
		fprintf(out, "  source: %s\n", info->source);
	}
	const char *files = gw_rule_files[r];
	fprintf(out, "  code:   %s\n", files[0] ? files : "(none)");
}

int gw_rules_main(int argc, char **argv, FILE *out, FILE *err)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage, out);
			return GW_EXIT_OK;
		}
		if (argv[i][0] == '-') {
			fprintf(err, "gwgen rules: unknown option '%s'\n"
			        "try 'gwgen rules --help'\n", argv[i]);
			return GW_EXIT_USAGE;
		}
	}
	if (argc < 2) {
		for (size_t i = 1; i < GW_RULE_COUNT; i++) {
			put_rule(out, (enum gw_rule)i);
		}
		return GW_EXIT_OK;
	}
	int status = GW_EXIT_OK;
	for (int i = 1; i < argc; i++) {
		enum gw_rule r = gw_rule_find(argv[i]);
		if (r == GW_RULE_NONE) {
			fprintf(err, "gwgen rules: no rule '%s' (docs/rules.md "
			        "lists them)\n", argv[i]);
			status = GW_EXIT_INVALID;
			continue;
		}
		put_rule(out, r);
	}
	return status;
}
