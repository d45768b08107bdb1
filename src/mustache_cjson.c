/* SPDX-License-Identifier: MIT */
/* (being written) */
#include "mustache_cjson.h"
