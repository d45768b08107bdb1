/* SPDX-License-Identifier: MIT */
/* (being written) */
#include "mustache.h"
