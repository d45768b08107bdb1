/* SPDX-License-Identifier: MIT */
/* gwgen's exit statuses (also listed in --help, gwgen(1) and the README). */
#ifndef GW_STATUS_H
#define GW_STATUS_H

enum gw_exit {
	GW_EXIT_OK = 0,
	GW_EXIT_INVALID = 1, /* a profile, template or data file is invalid */
	GW_EXIT_USAGE = 2,   /* bad command line */
	GW_EXIT_IO = 3,      /* reading or writing files failed */
	GW_EXIT_STALE = 4,   /* --check: committed output differs */
};

#endif
