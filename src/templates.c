/* SPDX-License-Identifier: MIT */
/* (being written) */
#include "templates.h"
